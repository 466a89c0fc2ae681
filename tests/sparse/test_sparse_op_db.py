"""Generic tests run over every entry of the sparse op database (``tests/op_db/sparse``).

For each entry and sample: the compiled value matches the SciPy/NumPy
reference under the default mode and under the Python VM (sparse results
must be sparse, of the reference's format and dtype), the inputs are left
unchanged, ``infer_shape`` predicts the computed shapes, the gradient passes
a finite-difference check (structured or regular, as the entry says) and
the error samples raise the documented exception.
"""

from __future__ import annotations

import zlib

import numpy as np
import pytest
import scipy.sparse

from tests.op_db import default_tolerance
from tests.op_db.sparse import SPARSE_OPS, load_sparse

load_sparse()


def _rng(name: str) -> np.random.Generator:
    return np.random.default_rng(zlib.crc32(name.encode()))


def _grad_ok(info, sample) -> bool:
    """Gradient checks need float64 values and no empty float input (or stored-value vector)."""
    dense = [_dense(v) for v in sample.args]
    if any(d.size == 0 for d in dense if d.dtype.kind in "fc"):
        return False
    if info.structured_grad and any(
        scipy.sparse.issparse(v) and v.nnz == 0 for v in sample.args
    ):
        return False
    return any(d.dtype == np.float64 for d in dense)


def _cases(only_differentiable: bool = False):
    cases = []
    for name in sorted(SPARSE_OPS):
        info = SPARSE_OPS[name]
        if only_differentiable and not info.differentiable:
            continue
        samples = (
            info.grad_samples(_rng(name))
            if only_differentiable and info.grad_samples is not None
            else info.samples(_rng(name))
        )
        for i, sample in enumerate(samples):
            # Gradient checks only run where they are meaningful (see
            # ``_grad_ok``); other samples get no gradient case at all.
            if only_differentiable and not _grad_ok(info, sample):
                continue
            cases.append(pytest.param(info, sample, id=f"{name}-{sample.name or i}"))
    return cases


def _error_cases():
    return [
        pytest.param(info, err, id=f"{name}-{err.name or i}")
        for name, info in sorted(SPARSE_OPS.items())
        for i, err in enumerate(info.errors)
    ]


def symbolic_inputs(args):
    """One symbolic input per value: sparse for SciPy matrices, dense otherwise."""
    from aesara.sparse.type import SparseTensorType
    from aesara.tensor.type import tensor

    syms, values = [], []
    for i, v in enumerate(args):
        if scipy.sparse.issparse(v):
            syms.append(SparseTensorType(v.format, str(v.dtype))(f"in{i}"))
            values.append(v)
        else:
            v = np.asarray(v)
            syms.append(
                tensor(dtype=str(v.dtype), shape=(None,) * v.ndim, name=f"in{i}")
            )
            values.append(v)
    return syms, values


def _copy(v):
    return v.copy()


def _as_list(x):
    return list(x) if isinstance(x, (list, tuple)) else [x]


def _dense(x):
    return x.toarray() if scipy.sparse.issparse(x) else np.asarray(x)


def assert_same(info, res, exp, k=0):
    """``res`` (computed) equals ``exp`` (reference); sparse must stay sparse."""
    if scipy.sparse.issparse(exp):
        assert scipy.sparse.issparse(res), (
            f"{info.name} output {k}: expected a sparse {exp.format} matrix, got "
            f"{type(res).__name__}"
        )
        if info.check_format:
            assert res.format == exp.format, (
                f"{info.name} output {k}: format {res.format}, expected {exp.format}"
            )
    else:
        assert not scipy.sparse.issparse(res), (
            f"{info.name} output {k}: expected a dense result, got {type(res).__name__}"
        )
    res_d, exp_d = _dense(res), _dense(exp)
    assert res_d.shape == exp_d.shape, (
        f"{info.name} output {k}: shape {res_d.shape}, expected {exp_d.shape}"
    )
    if info.check_dtype:
        assert res_d.dtype == exp_d.dtype, (
            f"{info.name} output {k}: dtype {res_d.dtype}, expected {exp_d.dtype}"
        )
    rtol, atol = default_tolerance(res_d.dtype)
    rtol = info.rtol if info.rtol is not None else rtol
    atol = info.atol if info.atol is not None else atol
    np.testing.assert_allclose(res_d, exp_d, rtol=rtol, atol=atol, equal_nan=True)


def _values_equal(a, b) -> bool:
    if scipy.sparse.issparse(a):
        return (
            scipy.sparse.issparse(b)
            and a.shape == b.shape
            and np.array_equal(a.data, b.data)
            and np.array_equal(a.indices, b.indices)
            and np.array_equal(a.indptr, b.indptr)
        )
    return np.array_equal(np.asarray(a), np.asarray(b), equal_nan=True)


_MODES = {"default": None, "py": "FAST_COMPILE"}


@pytest.mark.parametrize("mode", sorted(_MODES))
@pytest.mark.parametrize("info, sample", _cases())
def test_value_matches_reference(info, sample, mode):
    from aesara.compile.function import function

    syms, values = symbolic_inputs(sample.args)
    outs = _as_list(info.build(*syms, **sample.kwargs))
    fn = function(syms, outs, mode=_MODES[mode], on_unused_input="ignore")
    kept = [_copy(v) for v in values]
    results = _as_list(fn(*values))
    for v, before in zip(values, kept):
        assert _values_equal(v, before), f"{info.name} modified its input"
    expected = _as_list(info.ref(*[_copy(v) for v in values], **sample.kwargs))
    assert len(results) == len(expected)
    for k, (res, exp) in enumerate(zip(results, expected)):
        assert_same(info, res, exp, k)
    for out, res in zip(outs, results):
        static = getattr(out.type, "shape", None)
        if static is not None:
            shp = res.shape if scipy.sparse.issparse(res) else np.shape(res)
            assert all(s is None or s == r for s, r in zip(static, shp)), (
                f"{info.name}: static shape {static}, computed {shp}"
            )


@pytest.mark.parametrize("info, sample", _cases())
def test_infer_shape_matches(info, sample):
    from aesara.compile.function import function
    from aesara.tensor.basic import as_tensor_variable
    from aesara.tensor.shape import Shape_i

    syms, values = symbolic_inputs(sample.args)
    outs = _as_list(info.build(*syms, **sample.kwargs))
    node = outs[0].owner
    if node is None or not hasattr(node.op, "infer_shape"):
        pytest.skip(f"{info.name}: its output's op has no infer_shape")
    in_shapes = [
        tuple(Shape_i(d)(inp) for d in range(inp.type.ndim))
        if hasattr(inp.type, "ndim")
        else None
        for inp in node.inputs
    ]
    out_shapes = node.op.infer_shape(None, node, in_shapes)
    computed = _as_list(function(syms, node.outputs, on_unused_input="ignore")(*values))
    flat = [as_tensor_variable(s) for shp in out_shapes for s in shp]
    got = function(syms, flat, on_unused_input="ignore")(*values) if flat else []
    k = 0
    for j, shp in enumerate(out_shapes):
        predicted = tuple(int(x) for x in got[k : k + len(shp)])
        k += len(shp)
        actual = (
            computed[j].shape
            if scipy.sparse.issparse(computed[j])
            else np.shape(computed[j])
        )
        assert predicted == tuple(actual), (
            f"{info.name} output {j}: infer_shape gave {predicted}, computed {actual}"
        )


@pytest.mark.parametrize("info, sample", _cases(only_differentiable=True))
def test_gradient_matches_finite_differences(info, sample):
    from aesara.sparse.gradient_check import verify_grad_sparse

    verify_grad_sparse(
        lambda *xs: info.build(*xs, **sample.kwargs),
        list(sample.args),
        structured=info.structured_grad,
        rng=np.random.default_rng(0),
    )


@pytest.mark.parametrize("info, err", _error_cases())
def test_error_inputs_raise(info, err):
    syms, values = symbolic_inputs(err.args)
    if err.at_build:
        with pytest.raises(err.exc, match=err.match):
            info.build(*syms, **err.kwargs)
    else:
        from aesara.compile.function import function

        outs = _as_list(info.build(*syms, **err.kwargs))
        fn = function(syms, outs, on_unused_input="ignore")
        with pytest.raises(err.exc, match=err.match):
            fn(*values)


def test_sparse_database_is_populated():
    assert len(SPARSE_OPS) > 0
    for name, info in SPARSE_OPS.items():
        assert info.samples(_rng(name)) or info.errors, f"{name} has no samples"
