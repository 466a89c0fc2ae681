"""Sparse arithmetic through Python operators, op choice, dtypes, gradients and shared updates.

Values of every op are checked against NumPy in the op database
(``tests/op_db/sparse/arithmetic.py``); these tests cover what the database
cannot: operator syntax, which op a combination picks, gradient structure,
and sparse shared variables updated by compiled functions.
"""

from __future__ import annotations

import numpy as np
import pytest
import scipy.sparse

import aesara
import aesara.sparse as sp
import aesara.tensor as at
from aesara.sparse.gradient_check import verify_grad_sparse


def _rand(fmt="csr", shape=(4, 3), dtype="float64", seed=0, density=0.5):
    m = scipy.sparse.random(*shape, density=density, format=fmt, random_state=seed)
    return m.astype(dtype)


def test_operators_pick_the_sparse_ops():
    x, y = sp.csr_matrix("x"), sp.csc_matrix("y")
    d = at.matrix("d")
    assert isinstance((x + y).owner.op, sp.AddSS)
    assert (x + y).type.format == "csr"
    assert (y + x).type.format == "csc"
    assert isinstance((x + d).owner.op, sp.AddSD)
    assert not isinstance((x + d).type, sp.SparseTensorType)
    assert isinstance((d + x).owner.op, sp.AddSD)
    assert isinstance((-x).owner.op, sp.Neg)
    assert isinstance((x * y).owner.op, sp.MulSS)
    assert isinstance((x * d).owner.op, sp.MulSD)
    assert isinstance((d * x).owner.op, sp.MulSD)
    assert isinstance((x * 2).owner.op, sp.MulSD)
    assert isinstance((2 * x).owner.op, sp.MulSD)
    assert isinstance((x * d).type, sp.SparseTensorType)


def test_operator_values():
    a, b = _rand("csr", seed=1), _rand("csc", seed=2)
    dv = np.arange(12.0).reshape(4, 3)
    x, y = sp.csr_matrix("x"), sp.csc_matrix("y")
    d = at.matrix("d")
    outs = [x + y, x - y, -x, x * y, x * 2, 3 * x, x * d, d + x, d - x, x - d]
    f = aesara.function([x, y, d], outs)
    got = f(a, b, dv)
    da, db = a.toarray(), b.toarray()
    expected = [
        da + db,
        da - db,
        -da,
        da * db,
        da * 2,
        3 * da,
        da * dv,
        dv + da,
        dv - da,
        da - dv,
    ]
    for g, e in zip(got, expected):
        g = g.toarray() if scipy.sparse.issparse(g) else g
        np.testing.assert_allclose(g, e)


def test_ndarray_and_scipy_operands():
    a = _rand(seed=3)
    dv = np.ones((4, 3))
    x = sp.csr_matrix("x")
    # NumPy defers to the variable's reflected operator.
    out = dv + x
    assert isinstance(out.owner.op, sp.AddSD)
    # A SciPy matrix operand becomes a sparse constant.
    out2 = sp.add(x, a)
    assert isinstance(out2.owner.op, sp.AddSS)
    f = aesara.function([x], [out, out2, sp.mul(a, x)])
    r1, r2, r3 = f(a)
    np.testing.assert_allclose(r1, dv + a.toarray())
    np.testing.assert_allclose(r2.toarray(), 2 * a.toarray())
    np.testing.assert_allclose(r3.toarray(), a.toarray() ** 2)


@pytest.mark.parametrize(
    "dx, dy, expected",
    [
        ("int8", "float32", "float32"),
        ("float32", "float64", "float64"),
        ("int32", "float32", "float64"),
        ("uint8", "int8", "int16"),
        ("float64", "complex64", "complex128"),
    ],
)
def test_upcasting(dx, dy, expected):
    x = sp.csr_matrix("x", dtype=dx)
    y = sp.csr_matrix("y", dtype=dy)
    d = at.matrix("d", dtype=dy)
    assert (x + y).dtype == expected
    assert (x * y).dtype == expected
    assert (x + d).dtype == expected
    assert (x * d).dtype == expected


def test_scalar_multiplication_keeps_float32():
    x = sp.csr_matrix("x", dtype="float32")
    assert (x * 2).dtype == "float32"
    assert (x * at.scalar(dtype="float64")).dtype == "float64"


def test_unsupported_combinations():
    x = sp.csr_matrix("x")
    with pytest.raises(TypeError, match="2 dimensions"):
        x + 2
    with pytest.raises(TypeError, match="2 dimensions"):
        x - at.vector()
    with pytest.raises(TypeError, match="0 or 2 dimensions"):
        x * at.vector()
    with pytest.raises(TypeError, match="at least one operand"):
        sp.add(at.matrix(), at.matrix())
    with pytest.raises(TypeError, match="at least one operand"):
        sp.mul(np.ones((2, 2)), at.matrix())
    with pytest.raises(TypeError, match="sparse matrix"):
        sp.neg(at.matrix())


def test_static_shape_mismatch_at_build():
    x = sp.SparseTensorType("csr", "float64", shape=(3, 4))()
    y = sp.SparseTensorType("csr", "float64", shape=(3, 5))()
    with pytest.raises(ValueError, match="dimension 1"):
        x + y
    with pytest.raises(ValueError, match="dimension 1"):
        x * at.tensor(dtype="float64", shape=(3, 5))
    assert (x + at.matrix()).type.shape == (3, 4)


def test_add_gradient_is_structured_for_sparse_plus_dense():
    x, d = sp.csr_matrix("x"), at.matrix("d")
    gx = aesara.grad(at.sum(x + d), x)
    a = _rand(seed=4)
    g = aesara.function([x, d], gx)(a, np.zeros((4, 3)))
    assert scipy.sparse.issparse(g)
    # Only the stored entries of x receive gradient.
    np.testing.assert_array_equal(g.toarray() != 0, a.toarray() != 0)


def test_add_gradient_is_regular_for_sparse_plus_sparse():
    x, y = sp.csr_matrix("x"), sp.csr_matrix("y")
    gx = aesara.grad(at.sum(sp.DenseFromSparse(structured=False)(x + y)), x)
    g = aesara.function([x, y], gx)(_rand(seed=5), _rand(seed=6))
    np.testing.assert_allclose(g.toarray(), np.ones((4, 3)))


def test_mul_by_symbolic_scalar_gradient():
    # The scalar's gradient is the sum over the stored products.
    a = _rand(seed=7)
    verify_grad_sparse(lambda x, s: sp.mul(x, s), [a, np.asarray(1.5)])
    verify_grad_sparse(lambda s, x: sp.mul(s, x), [np.asarray(-0.5), a])


def test_dense_from_sparse_structured_gradient_uses_mul():
    x = sp.csc_matrix("x")
    g = aesara.grad(at.sum(sp.dense_from_sparse(x) * 3.0), x)
    a = _rand("csc", seed=8)
    val = aesara.function([x], g)(a)
    np.testing.assert_allclose(val.toarray(), 3.0 * (a.toarray() != 0))


def test_shared_sparse_variable_updated():
    a = _rand(seed=9)
    s = aesara.shared(a, name="s")
    x = sp.csr_matrix("x")
    step = aesara.function([x], [], updates=[(s, s * 2 + x)])
    step(a)
    step(a)
    np.testing.assert_allclose(s.get_value().toarray(), 7 * a.toarray())
    assert s.get_value().format == "csr"
    neg = aesara.function([], [], updates=[(s, -s)])
    neg()
    np.testing.assert_allclose(s.get_value().toarray(), -7 * a.toarray())


def test_inputs_with_unsorted_indices_and_explicit_zeros():
    a = _rand(seed=10, density=0.6)
    a.data[::2] = 0  # explicit zeros
    rev = a.copy()
    for i in range(a.shape[0]):  # reverse each row's entries
        lo, hi = rev.indptr[i], rev.indptr[i + 1]
        rev.indices[lo:hi] = rev.indices[lo:hi][::-1].copy()
        rev.data[lo:hi] = rev.data[lo:hi][::-1].copy()
    rev.has_sorted_indices = False
    x, y = sp.csr_matrix("x"), sp.csr_matrix("y")
    d = at.matrix("d")
    dv = np.arange(12.0).reshape(4, 3)
    f = aesara.function([x, y, d], [x + y, x * y, x * d, x + d])
    for got, exp in zip(
        f(rev, a, dv),
        [2 * a.toarray(), a.toarray() ** 2, a.toarray() * dv, a.toarray() + dv],
    ):
        got = got.toarray() if scipy.sparse.issparse(got) else got
        np.testing.assert_allclose(got, exp)


def test_add_s_s_data_requires_same_pattern():
    x, y = sp.csr_matrix("x"), sp.csr_matrix("y")
    f = aesara.function([x, y], sp.add_s_s_data(x, y))
    a = _rand(seed=11)
    np.testing.assert_allclose(f(a, a).toarray(), 2 * a.toarray())
    with pytest.raises(ValueError, match="same sparsity pattern"):
        f(a, _rand(seed=12))


def test_col_and_row_scale_formats_and_ops():
    v = at.vector("v")
    for fmt in ("csr", "csc"):
        x = sp.matrix(fmt, "x")
        assert sp.col_scale(x, v).type.format == fmt
        assert sp.row_scale(x, v).type.format == fmt
    # As in Aesara: csc columns use ColScaleCSC directly, csr ones go through a transpose.
    assert isinstance(sp.col_scale(sp.csc_matrix(), v).owner.op, sp.ColScaleCSC)
    ops = {
        type(n.op)
        for n in aesara.graph.basic.io_toposort([], [sp.col_scale(sp.csr_matrix(), v)])
    }
    assert sp.RowScaleCSC in ops
    with pytest.raises(ValueError, match="csc"):
        sp.ColScaleCSC()(sp.csr_matrix(), v)


def test_mul_s_v_and_structured_add_s_v_gradients():
    a = _rand(seed=13)
    v = np.linspace(0.5, 1.5, 3)
    verify_grad_sparse(sp.mul_s_v, [a, v], structured=True)
    verify_grad_sparse(sp.structured_add_s_v, [a, v], structured=True)


def test_neg_str():
    assert str(sp.neg) == "SparseNeg"
