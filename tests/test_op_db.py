"""Generic tests run over every entry of the op database (``tests/op_db``).

For each entry and sample: the compiled value matches the NumPy/SciPy
reference, the output's static shape agrees with the computed shape, the
op's ``infer_shape`` predicts the computed shape, and the error samples raise
the documented exception.
"""

from __future__ import annotations

import zlib

import numpy as np
import pytest

from tests.op_db import ALL_OPS, Sample, default_tolerance, load_all

load_all()


def _rng(name: str) -> np.random.Generator:
    return np.random.default_rng(zlib.crc32(name.encode()))


def _cases():
    cases = []
    for name in sorted(ALL_OPS):
        info = ALL_OPS[name]
        for i, sample in enumerate(info.samples(_rng(name))):
            label = sample.name or str(i)
            cases.append(pytest.param(info, sample, id=f"{name}-{label}"))
    return cases


def _error_cases():
    cases = []
    for name in sorted(ALL_OPS):
        info = ALL_OPS[name]
        for i, err in enumerate(info.errors):
            cases.append(pytest.param(info, err, id=f"{name}-{err.name or i}"))
    return cases


CASES = _cases()
ERROR_CASES = _error_cases()


def symbolic_inputs(args, static_shape: bool = False):
    """One symbolic tensor per sample value, matching its dtype and rank."""
    from aesara.tensor.type import tensor

    values = [np.asarray(a) for a in args]
    syms = []
    for i, v in enumerate(values):
        shape = v.shape if static_shape else (None,) * v.ndim
        syms.append(tensor(dtype=str(v.dtype), shape=shape, name=f"in{i}"))
    return syms, values


def as_list(x):
    return list(x) if isinstance(x, (list, tuple)) else [x]


def compile_sample(info, sample: Sample, mode=None):
    from aesara.compile.function import function

    syms, values = symbolic_inputs(sample.args, sample.static_shape)
    outs = as_list(info.build(*syms, **sample.kwargs))
    fn = function(syms, outs, mode=mode, on_unused_input="ignore")
    return syms, values, outs, fn


def assert_matches_reference(info, sample, results, expected):
    assert len(results) == len(expected), (
        f"{info.name}: {len(results)} outputs, reference gave {len(expected)}"
    )
    for k, (res, exp) in enumerate(zip(results, expected)):
        exp = np.asarray(exp)
        res = np.asarray(res)
        assert res.shape == exp.shape, (
            f"{info.name} output {k}: shape {res.shape}, expected {exp.shape}"
        )
        if info.check_dtype:
            assert res.dtype == exp.dtype, (
                f"{info.name} output {k}: dtype {res.dtype}, expected {exp.dtype}"
            )
        rtol, atol = default_tolerance(res.dtype)
        rtol = info.rtol if info.rtol is not None else rtol
        atol = info.atol if info.atol is not None else atol
        if res.dtype.kind in "biuU?" and exp.dtype.kind in "biu?":
            np.testing.assert_array_equal(res, exp)
        else:
            np.testing.assert_allclose(res, exp, rtol=rtol, atol=atol, equal_nan=True)


@pytest.mark.parametrize("info, sample", CASES)
def test_value_matches_reference(info, sample):
    syms, values, outs, fn = compile_sample(info, sample)
    results = as_list(fn(*[v.copy() for v in values]))
    expected = as_list(info.ref(*[v.copy() for v in values], **sample.kwargs))
    assert_matches_reference(info, sample, results, expected)


@pytest.mark.parametrize("info, sample", CASES)
def test_static_shape_is_consistent(info, sample):
    syms, values, outs, fn = compile_sample(info, sample)
    results = as_list(fn(*values))
    for out, res in zip(outs, results):
        static = getattr(out.type, "shape", None)
        if static is None:
            continue
        res = np.asarray(res)
        assert len(static) == res.ndim, (
            f"static rank {len(static)} vs value rank {res.ndim}"
        )
        for d, (s, r) in enumerate(zip(static, res.shape)):
            assert s is None or s == r, f"dim {d}: static size {s}, computed {r}"


@pytest.mark.parametrize("info, sample", CASES)
def test_infer_shape_matches(info, sample):
    from aesara.compile.function import function
    from aesara.tensor.basic import as_tensor_variable
    from aesara.tensor.shape import Shape_i

    syms, values = symbolic_inputs(sample.args, sample.static_shape)
    outs = as_list(info.build(*syms, **sample.kwargs))
    node = outs[0].owner
    if node is None or not hasattr(node.op, "infer_shape"):
        pytest.skip(f"{info.name}: output is not computed by an op with infer_shape")
    in_shapes = [
        tuple(Shape_i(d)(inp) for d in range(inp.type.ndim))
        if hasattr(inp.type, "ndim")
        else None
        for inp in node.inputs
    ]
    out_shapes = node.op.infer_shape(None, node, in_shapes)
    # infer_shape may return plain ints for sizes known at build time.
    flat = [as_tensor_variable(s) for shp in out_shapes for s in shp]
    actual = [
        np.shape(v)
        for v in as_list(
            function(syms, node.outputs, on_unused_input="ignore")(*values)
        )
    ]
    if flat:
        got = function(syms, flat, on_unused_input="ignore")(*values)
    else:
        got = []
    k = 0
    for j, shp in enumerate(out_shapes):
        predicted = tuple(int(x) for x in got[k : k + len(shp)])
        k += len(shp)
        assert predicted == actual[j], (
            f"{info.name} output {j}: infer_shape gave {predicted}, computed {actual[j]}"
        )


@pytest.mark.parametrize("info, err", ERROR_CASES)
def test_error_inputs_raise(info, err):
    syms, values = symbolic_inputs(err.args)
    if err.at_build:
        with pytest.raises(err.exc, match=err.match):
            info.build(*syms, **err.kwargs)
    else:
        from aesara.compile.function import function

        outs = as_list(info.build(*syms, **err.kwargs))
        fn = function(syms, outs, on_unused_input="ignore")
        with pytest.raises(err.exc, match=err.match):
            fn(*values)


def test_database_is_populated():
    assert len(ALL_OPS) > 0
    for name, info in ALL_OPS.items():
        samples = info.samples(_rng(name))
        assert samples or info.errors, f"{name} has neither samples nor error inputs"
