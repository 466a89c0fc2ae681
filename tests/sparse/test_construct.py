"""``sparse_grad(x[ilist])``: the gradient of ``x`` is a sparse matrix (ConstructSparseFromList)."""

from __future__ import annotations

import numpy as np
import pytest
import scipy.sparse

import aesara
import aesara.sparse as sp
import aesara.tensor as at
from aesara.sparse.construct import ConstructSparseFromList
from aesara.sparse.gradient_check import verify_grad_sparse
from aesara.tensor.subtensor import AdvancedIncSubtensor1, AdvancedSubtensor1
from aesara.tensor.type import TensorType


def test_dense_gradient_by_default():
    m = at.matrix("m")
    v = at.ivector("v")
    g = aesara.grad(m[v].sum(), m)
    assert isinstance(g.owner.op, AdvancedIncSubtensor1)


@pytest.mark.parametrize("interface", ["sparse_grad", "op"])
def test_sparse_gradient_when_asked(interface):
    m = at.matrix("m", dtype="float64")
    v = at.ivector("v")
    sub = (
        sp.sparse_grad(m[v])
        if interface == "sparse_grad"
        else AdvancedSubtensor1(True)(m, v)
    )
    g = aesara.grad((sub * np.arange(1.0, 4.0)).sum(), m)
    assert isinstance(g.owner.op, ConstructSparseFromList)
    assert isinstance(g.type, sp.SparseTensorType) and g.type.format == "csc"
    res = aesara.function([m, v], g)(np.ones((5, 3)), np.array([4, 0, 4, -1], "int32"))
    assert scipy.sparse.issparse(res) and res.format == "csc"
    expected = np.zeros((5, 3))
    np.add.at(expected, [4, 0, 4, 4], np.arange(1.0, 4.0))
    np.testing.assert_array_equal(res.toarray(), expected)
    # Only the selected rows are stored.
    assert res.nnz == 2 * 3


def test_sparse_gradient_matches_finite_differences():
    rng = np.random.default_rng(0)
    valm = rng.random((5, 4))
    shared_v = aesara.shared(rng.integers(0, 5, 10))

    def fn(m):
        return sp.sparse_grad(m[shared_v])

    verify_grad_sparse(fn, [valm], rng=np.random.default_rng(1))


def test_sparse_grad_rejects_other_indexing():
    v = at.ivector("v")
    m = at.matrix("m")
    with pytest.raises(TypeError):
        sp.sparse_grad(v)
    with pytest.raises(TypeError):
        sp.sparse_grad(m[v, v])


@pytest.mark.parametrize("ndim", [1, 3])
def test_sparse_grad_needs_a_matrix(ndim):
    t = TensorType("float64", shape=(None,) * ndim)()
    v = at.ivector("v")
    g = aesara.grad(t[v].sum(), t)
    assert isinstance(g.owner.op, AdvancedIncSubtensor1)
    sub = sp.sparse_grad(t[v])
    with pytest.raises(TypeError, match="ndim != 2"):
        aesara.grad(sub.sum(), t)


def test_integer_matrix_keeps_a_dense_zero_gradient():
    m = at.matrix("m", dtype="int64")
    v = at.ivector("v")
    g = aesara.grad(sp.sparse_grad(m[v]).sum(), m)
    assert not isinstance(g.type, sp.SparseTensorType)
    assert g.type.dtype.startswith("float")


def test_node_keeps_the_shape_not_the_matrix():
    x = at.matrix("x")
    out = sp.construct_sparse_from_list(x, at.matrix("vals"), at.lvector("i"))
    assert x not in out.owner.inputs
    assert out.type.dtype == x.type.dtype


def test_second_order_gradient_through_values():
    vals = at.matrix("vals", dtype="float64")
    i = at.lvector("i")
    out = sp.construct_sparse_from_list(at.zeros((4, 2)), vals, i)
    cost = (
        sp.DenseFromSparse(structured=False)(out) * np.arange(8.0).reshape(4, 2)
    ).sum()
    g = aesara.grad(cost, vals)
    res = aesara.function([vals, i], g)(np.ones((3, 2)), np.array([3, 0, 3]))
    np.testing.assert_array_equal(res, np.arange(8.0).reshape(4, 2)[[3, 0, 3]])


def test_r_op_scatters_the_eval_point():
    vals = at.matrix("vals", dtype="float64")
    ev = at.matrix("ev", dtype="float64")
    i = at.lvector("i")
    out = sp.construct_sparse_from_list(at.zeros((3, 2)), vals, i)
    (r,) = out.owner.op.R_op(out.owner.inputs, [None, ev, None])
    res = aesara.function([ev, i], r)(np.full((2, 2), 2.0), np.array([2, 2]))
    np.testing.assert_array_equal(res.toarray(), [[0, 0], [0, 0], [4, 4]])
