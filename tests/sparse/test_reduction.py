"""``sp_sum`` / ``x.sum()``: result types, input safety, op identity and gradient kinds.

Values for every dtype and axis are checked in the op database
(``tests/op_db/sparse/reduction.py``).
"""

from __future__ import annotations

import numpy as np
import pytest
import scipy.sparse

import aesara
import aesara.sparse as sp
import aesara.tensor as at


def test_result_types():
    x = sp.csr_matrix("x", dtype="int8")
    assert x.sum().type.shape == ()
    assert x.sum(axis=0).type.broadcastable == (False,)
    assert sp.sp_sum(x, axis=1).dtype == "int8"
    s = sp.SparseTensorType("csc", "float32", shape=(5, 7))()
    assert s.sum(axis=0).type.shape == (7,)
    assert s.sum(axis=1).type.shape == (5,)


def test_invalid_axis():
    with pytest.raises(ValueError, match="axis"):
        sp.sp_sum(sp.csr_matrix(), axis=2)


def test_unsorted_input_is_not_modified():
    m = scipy.sparse.csr_matrix(
        (np.array([1.0, 2.0, 3.0]), np.array([2, 0, 1]), np.array([0, 2, 3])),
        shape=(2, 3),
    )
    m.has_sorted_indices = False
    before = m.indices.copy()
    x = sp.csr_matrix("x")
    f = aesara.function([x], [x.sum(), x.sum(axis=0), x.sum(axis=1)])
    total, cols, rows = f(m)
    np.testing.assert_array_equal(m.indices, before)
    assert total == 6.0
    np.testing.assert_allclose(cols, [2.0, 3.0, 1.0])
    np.testing.assert_allclose(rows, [3.0, 3.0])


def test_gradient_kinds():
    x = sp.csc_matrix("x")
    m = scipy.sparse.random(4, 3, density=0.4, format="csc", random_state=0)
    for axis in (None, 0, 1):
        gs = aesara.grad(at.sum(sp.sp_sum(x, axis=axis, sparse_grad=True)), x)
        gr = aesara.grad(at.sum(sp.sp_sum(x, axis=axis, sparse_grad=False)), x)
        vs, vr = aesara.function([x], [gs, gr])(m)
        assert vs.format == vr.format == "csc"
        # Structured: the stored entries only; regular: every entry.
        np.testing.assert_allclose(vs.toarray(), (m.toarray() != 0).astype(float))
        np.testing.assert_allclose(vr.toarray(), np.ones((4, 3)))


def test_integer_gradient_is_zero():
    x = sp.csr_matrix("x", dtype="int32")
    g = sp.SpSum(None).grad([x], [at.scalar(dtype="int32")])[0]
    assert isinstance(g.type, sp.SparseTensorType)
    assert g.dtype == aesara.config.floatX


def test_sparse_grad_is_not_part_of_identity():
    # As in Aesara: both kinds compute the same values, so they compare equal.
    assert sp.SpSum(0, True) == sp.SpSum(0, False)
    assert sp.SpSum(0) != sp.SpSum(1)
    assert str(sp.SpSum(1)) == "SpSum{axis=1}"
