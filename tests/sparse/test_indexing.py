"""Indexing sparse variables with Python syntax: which op each form builds, values and errors."""

from __future__ import annotations

import numpy as np
import pytest
import scipy.sparse

import aesara
import aesara.sparse as sp
import aesara.tensor as at
from aesara.sparse.indexing import (
    GetItem2d,
    GetItem2Lists,
    GetItemList,
    GetItemScalar,
)
from tests.op_db.sparse import random_sparse


@pytest.fixture
def mat():
    return random_sparse(np.random.default_rng(3), (6, 5), "csr", density=0.5)


@pytest.mark.parametrize("fmt", ["csr", "csc"])
def test_operator_forms_build_the_right_ops_and_values(fmt, mat):
    x = sp.matrix(fmt, "x", dtype="float64")
    val = mat.asformat(fmt)
    a, b = at.iscalar("a"), at.lscalar("b")
    exprs = {
        "slices": (x[1:3, ::2], GetItem2d, val[1:3, ::2]),
        "rows-slice": (x[2:], GetItem2d, val[2:]),
        "negative-step": (x[::-2, 4:0:-1], GetItem2d, val[::-2, 4:0:-1]),
        "symbolic-bounds": (x[a:, :b], GetItem2d, val[1:, :2]),
        "row-list": (x[[0, 2, -1, 2]], GetItemList, val[[0, 2, -1, 2]]),
        "two-lists": (
            x[[0, 5, -1], [1, 4, 0]],
            GetItem2Lists,
            val[[0, 5, -1], [1, 4, 0]],
        ),
        "element": (x[0, 1], GetItemScalar, val[0, 1]),
        "symbolic-element": (x[a, b], GetItemScalar, val[1, 2]),
        "negative-element": (x[-1, -2], GetItemScalar, val[-1, -2]),
    }
    f = aesara.function(
        [x, a, b], [e[0] for e in exprs.values()], on_unused_input="ignore"
    )
    results = f(val, 1, 2)
    for (name, (expr, op_cls, expected)), res in zip(exprs.items(), results):
        assert isinstance(expr.owner.op, op_cls), name
        if scipy.sparse.issparse(expected):
            assert scipy.sparse.issparse(res) and res.format == fmt, name
            np.testing.assert_array_equal(
                res.toarray(), expected.toarray(), err_msg=name
            )
        else:
            assert res.ndim == (0 if op_cls is GetItemScalar else 1), name
            np.testing.assert_array_equal(
                res, np.asarray(expected).reshape(res.shape), err_msg=name
            )


def test_transpose_property_swaps_format(mat):
    x = sp.csr_matrix("x", dtype="float64")
    t = x.T
    assert t.type.format == "csc"
    res = aesara.function([x], t)(mat)
    assert res.format == "csc"
    np.testing.assert_array_equal(res.toarray(), mat.toarray().T)


def test_shared_sparse_variable_indexing(mat):
    sx = aesara.shared(mat)
    a = at.iscalar("a")
    f = aesara.function([a], [sx[:, a:], sx[a, a]])
    sl, el = f(2)
    np.testing.assert_array_equal(sl.toarray(), mat[:, 2:].toarray())
    assert el == mat[2, 2]


def test_integer_vector_variable_selects_rows(mat):
    x = sp.csr_matrix("x", dtype="float64")
    v = at.lvector("v")
    out = x[v]
    assert isinstance(out.owner.op, GetItemList)
    res = aesara.function([x, v], out)(mat, np.array([3, 3, 0]))
    np.testing.assert_array_equal(res.toarray(), mat[[3, 3, 0]].toarray())


@pytest.mark.parametrize(
    "index, exc, match",
    [
        ((slice(0, 2), 1), NotImplementedError, "no sparse vector"),
        ((1, slice(0, 2)), NotImplementedError, "no sparse vector"),
        (3, NotImplementedError, "no sparse vector"),
        ((0, 1, 2), IndexError, "too many indices"),
        ((slice(0.5, 2),), ValueError, "slice where start"),
        ((slice(None), slice([1, 3], None)), ValueError, "slice where start"),
        ((at.lvector(), slice(0, 2)), ValueError, "Advanced indexing"),
        (([0, 1], slice(0, 2)), ValueError, "two integer lists"),
        ((1.5, 2), TypeError, "integer scalars"),
        (([0.5, 1.0],), TypeError, "integers"),
    ],
)
def test_bad_indices_raise_at_build(index, exc, match):
    x = sp.csr_matrix("x")
    with pytest.raises(exc, match=match):
        x[index]


def test_slice_with_a_float_scalar_variable_is_refused():
    x = sp.csc_matrix("x")
    with pytest.raises(ValueError, match="slice where start"):
        x[at.fscalar("f") :]


@pytest.mark.parametrize(
    "build",
    [
        lambda x: x[[0, 6]],
        lambda x: x[[0, 5], [0, 5]],
        lambda x: x[[-7, 0], [0, 0]],
        lambda x: x[6, 0],
        lambda x: x[0, -6],
    ],
)
def test_out_of_range_indices_raise_index_error(build, mat):
    x = sp.csr_matrix("x", dtype="float64")
    f = aesara.function([x], build(x))
    with pytest.raises(IndexError, match="out of range"):
        f(mat)


def test_row_list_gradient_sums_repeated_rows(mat):
    x = sp.csr_matrix("x", dtype="float64")
    cost = sp.DenseFromSparse(structured=False)(x[[1, 1, -1]]).sum()
    g = aesara.function([x], aesara.grad(cost, x))(mat)
    expected = np.zeros(mat.shape)
    expected[1] = 2
    expected[-1] = 1
    assert g.format == "csr"
    np.testing.assert_array_equal(g.toarray(), expected)


def test_two_lists_gradient_sums_repeated_positions(mat):
    x = sp.csc_matrix("x", dtype="float64")
    out = x[[0, 0, 2], [1, 1, 3]]
    w = at.vector("w", dtype="float64")
    g = aesara.function([x, w], aesara.grad((out * w).sum(), x))(
        mat.tocsc(), np.array([1.0, 2.0, 5.0])
    )
    expected = np.zeros(mat.shape)
    expected[0, 1] = 3
    expected[2, 3] = 5
    assert g.format == "csc"
    np.testing.assert_array_equal(g.toarray(), expected)


def test_element_and_slice_have_no_gradient():
    x = sp.csr_matrix("x", dtype="float64")
    with pytest.raises(
        Exception, match="GetItemScalar has no gradient|not implemented|undefined"
    ):
        aesara.grad(x[0, 1], x)
