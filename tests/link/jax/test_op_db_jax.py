"""Every op-database entry through the JAX backend against the Python linker.

Both functions get the JAX mode's rewrites, so they differ only in how the
graph runs: values, dtypes and shapes must agree (float64 is enabled in
JAX). An entry JAX cannot compile is listed in :data:`UNSUPPORTED` with the
reason; for those the JAX mode must fail with a clear
:class:`~aesara.link.jax.dispatch.basic.JAXTranslationError` (no silent
fallback), and an entry that starts to work must be taken off the list.

By default one sample per entry runs; ``-m slow`` runs one per entry and
dtype signature.
"""

from __future__ import annotations

import numpy as np
import pytest

pytest.importorskip("jax", reason="the JAX backend needs the jax package")

from aesara.compile.mode import get_mode  # noqa: E402
from aesara.link.jax.dispatch.basic import JAXTranslationError  # noqa: E402
from tests.op_db import default_tolerance  # noqa: E402
from tests.test_op_db import CASES, as_list, compile_sample  # noqa: E402

_DATA_SIZED = (
    "the output's size depends on the values of a data array (a matrix or a "
    "float array here; integer and boolean vectors become static arguments "
    "and pass); JAX must know every shape when it compiles"
)

# One place for what the JAX backend cannot run: test id (entry-sample) or
# entry name -> reason.
UNSUPPORTED: dict[str, str] = {
    "boolean_mask_subtensor-x-gt-0": (
        "indexing with a boolean mask computed from data: the number of selected "
        "entries is a shape JAX must know when it compiles"
    ),
    "nonzero-int": _DATA_SIZED,
    "nonzero-empty": _DATA_SIZED,
    "nonzero_matrix-int": _DATA_SIZED,
    "nonzero_matrix-empty": _DATA_SIZED,
    "nonzero_values-int": _DATA_SIZED,
    "nonzero_values-empty": _DATA_SIZED,
    "flatnonzero-int": _DATA_SIZED,
    "flatnonzero-empty": _DATA_SIZED,
    "unique-all-nan": _DATA_SIZED,
    "iv": "JAX has no Bessel function of the first kind of real order (scipy.special.iv)",
    "jv": "JAX has no Bessel function of the first kind of real order (scipy.special.jv)",
    "scan_while-stops": (
        "the graph returns the whole trace of a while-loop, whose length is the "
        "run-time number of steps; reading entries of it (outputs[-1]) is supported"
    ),
}


def unsupported_reason(info, case_id: str) -> str | None:
    return UNSUPPORTED.get(case_id) or UNSUPPORTED.get(info.name)


def _one_per_dtype_signature():
    seen, out = set(), []
    for p in CASES:
        info, sample = p.values
        key = (info.name, tuple(str(np.asarray(a).dtype) for a in sample.args))
        if key not in seen:
            seen.add(key)
            out.append(p)
    return out


ALL_CASES = _one_per_dtype_signature()


def _split_cases():
    first, rest, seen = [], [], set()
    for p in ALL_CASES:
        name = p.values[0].name
        if name in seen:
            rest.append(pytest.param(*p.values, id=p.id, marks=pytest.mark.slow))
        else:
            seen.add(name)
            first.append(p)
    return first + rest


@pytest.fixture(scope="module")
def modes():
    jax_mode = get_mode("JAX")
    return jax_mode, jax_mode.clone(linker="py")


def _check_case(info, sample, case_id, modes):
    jax_mode, py_mode = modes
    reason = unsupported_reason(info, case_id)
    if reason is not None:
        with pytest.raises(JAXTranslationError):
            _, values, _, f_jax = compile_sample(info, sample, mode=jax_mode)
            f_jax(*[v.copy() for v in values])
        return
    _, values, _, f_jax = compile_sample(info, sample, mode=jax_mode)
    _, _, _, f_py = compile_sample(info, sample, mode=py_mode)
    res = as_list(f_jax(*[v.copy() for v in values]))
    exp = as_list(f_py(*[v.copy() for v in values]))
    res2 = as_list(f_jax(*[v.copy() for v in values]))
    assert len(res) == len(exp)
    for k, (r, r2, e) in enumerate(zip(res, res2, exp)):
        r, r2, e = np.asarray(r), np.asarray(r2), np.asarray(e)
        assert isinstance(res[k], np.ndarray), f"output {k} is {type(res[k])}"
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


@pytest.mark.parametrize("info, sample", _split_cases())
def test_jax_matches_python_linker(info, sample, modes, request):
    case_id = request.node.callspec.id
    _check_case(info, sample, case_id, modes)


def test_unsupported_list_names_real_cases():
    """Every key of UNSUPPORTED is a case id or an entry of the op database."""
    ids = {p.id for p in ALL_CASES}
    names = {p.values[0].name for p in ALL_CASES}
    stale = [k for k in UNSUPPORTED if k not in ids and k not in names]
    assert not stale, f"UNSUPPORTED names no op-db case: {stale}"


def test_most_entries_are_supported():
    names = {p.values[0].name for p in ALL_CASES}
    unsupported_entries = {
        p.values[0].name
        for p in ALL_CASES
        if unsupported_reason(p.values[0], p.id) is not None
    }
    # Entries with at least one sample JAX cannot run stay a small minority.
    assert len(unsupported_entries) <= 0.05 * len(names), sorted(unsupported_entries)
