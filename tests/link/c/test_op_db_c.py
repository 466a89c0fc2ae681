"""Every op-database entry through the C VM linker against the Python linker.

One sample per entry and dtype signature (the kernels are cached, so the
cost is mostly graph compilation). Both functions use the same rewrites, so
they differ only in how the nodes run: values, dtypes and shapes must agree.
"""

from __future__ import annotations

import numpy as np
import pytest

from aesara.compile.mode import Mode
from aesara.link.c.compiler import c_compiler_available
from tests.op_db import default_tolerance
from tests.test_op_db import CASES, as_list, compile_sample

pytestmark = pytest.mark.skipif(
    not c_compiler_available(), reason="needs a working C compiler"
)


def _one_per_dtype_signature():
    seen = set()
    out = []
    for p in CASES:
        info, sample = p.values
        key = (info.name, tuple(str(np.asarray(a).dtype) for a in sample.args))
        if key in seen:
            continue
        seen.add(key)
        out.append(p)
    return out


C_CASES = _one_per_dtype_signature()


@pytest.mark.parametrize("info, sample", C_CASES)
def test_c_linker_matches_python_linker(info, sample):
    _, values, _, f_c = compile_sample(info, sample, mode=Mode("cvm", "fast_run"))
    _, _, _, f_py = compile_sample(info, sample, mode=Mode("py", "fast_run"))
    res = as_list(f_c(*[v.copy() for v in values]))
    exp = as_list(f_py(*[v.copy() for v in values]))
    # Call again: the second call may reuse output buffers.
    res2 = as_list(f_c(*[v.copy() for v in values]))
    assert len(res) == len(exp)
    for k, (r, r2, e) in enumerate(zip(res, res2, exp)):
        r, r2, e = np.asarray(r), np.asarray(r2), np.asarray(e)
        assert r.shape == e.shape, f"{info.name} output {k}: {r.shape} vs {e.shape}"
        assert r.dtype == e.dtype, f"{info.name} output {k}: {r.dtype} vs {e.dtype}"
        rtol, atol = default_tolerance(r.dtype)
        rtol = max(rtol, info.rtol or 0)
        atol = max(atol, info.atol or 0)
        for got in (r, r2):
            if r.dtype.kind in "biuU?O":
                np.testing.assert_array_equal(got, e)
            else:
                np.testing.assert_allclose(got, e, rtol=rtol, atol=atol, equal_nan=True)


def test_some_entries_use_compiled_kernels():
    """The comparison above is meaningful: element-wise entries run C kernels."""
    used = 0
    for p in C_CASES[:200]:
        info, sample = p.values
        _, _, _, f = compile_sample(info, sample, mode=Mode("cvm", "fast_run"))
        used += any(type(t).__name__ == "ElemwiseThunk" for t in f.vm.thunks)
        if used >= 5:
            break
    assert used >= 5
