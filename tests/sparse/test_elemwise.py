"""Element-wise functions of stored values: construction, patterns, names and gradients.

Values for the dtypes of every function are checked in the op database
(``tests/op_db/sparse/elemwise.py``).
"""

from __future__ import annotations

import numpy as np
import pytest
import scipy.sparse

import aesara
import aesara.sparse as sp
import aesara.tensor as at
from aesara.graph.basic import io_toposort
from aesara.sparse.csm import CSM, CSMProperties


def _explicit_zero_unsorted():
    # Row 0 stores (0, 2) = 5 and an explicit zero at (0, 0), in reverse order.
    return scipy.sparse.csr_matrix(
        (np.array([5.0, 0.0, -2.0]), np.array([2, 0, 1]), np.array([0, 2, 3, 3])),
        shape=(3, 3),
    )


def _stored(m):
    ones = m.copy()
    ones.data[:] = 1
    return ones.toarray() != 0


def test_built_from_csm_properties_and_csm():
    x = sp.csr_matrix("x")
    out = sp.structured_exp(x)
    assert isinstance(out.owner.op, CSM) and out.owner.op.format == "csr"
    ops = [type(n.op) for n in io_toposort([x], [out])]
    assert CSMProperties in ops


def test_structured_function_changes_stored_entries_only():
    m = _explicit_zero_unsorted()
    x = sp.csr_matrix("x")
    f = aesara.function([x], [sp.structured_exp(x), sp.structured_add(x, 2), sp.sin(x)])
    e, a, s = f(m)
    # exp(0) = 1 at the explicitly stored zero; absent entries stay absent.
    expected = np.zeros((3, 3))
    expected[0, 2], expected[0, 0], expected[1, 1] = np.exp(5.0), 1.0, np.exp(-2.0)
    np.testing.assert_allclose(e.toarray(), expected)
    assert e.nnz == 3
    np.testing.assert_array_equal(e.indices, m.indices)  # the order is kept
    np.testing.assert_allclose(a.toarray()[0], [2.0, 0.0, 7.0])
    np.testing.assert_allclose(s.toarray(), np.sin(m.toarray()))


def test_scalar_arguments_may_be_symbolic():
    x = sp.csc_matrix("x")
    p = at.scalar("p")
    f = aesara.function([x, p], sp.structured_pow(x, p))
    m = scipy.sparse.csc_matrix(np.array([[2.0, 0.0], [0.0, 3.0]]))
    np.testing.assert_allclose(f(m, 3.0).toarray(), [[8.0, 0.0], [0.0, 27.0]])
    assert f(m, 3.0).format == "csc"


def test_output_dtypes_follow_the_dense_ops():
    x = sp.csr_matrix("x", dtype="int16")
    assert sp.sin(x).dtype == "float32"
    assert sp.sqrt(sp.csr_matrix(dtype="int64")).dtype == "float64"
    assert sp.sgn(x).dtype == "int16"
    assert sp.square(x).dtype == "int16"
    assert sp.structured_minimum(sp.csr_matrix(dtype="uint8"), 2).dtype == "int16"


def test_names_match_aesara():
    assert sp.structured_exp.__name__ == "exp"
    assert sp.structured_sigmoid.__name__ == "sigmoid"
    assert sp.sin.__name__ == "sin"
    assert sp.rint.__name__ == "rint"
    assert sp.square.__name__ == "square"
    assert "stored values" in sp.structured_log.__doc__


def test_conjugate():
    x = sp.csr_matrix("x", dtype="float64")
    assert x.conj() is x
    assert sp.conjugate(x) is x
    z = sp.csr_matrix("z", dtype="complex128")
    assert z.conj() is not z
    m = scipy.sparse.csr_matrix(np.array([[1 + 2j, 0], [0, -1j]]))
    np.testing.assert_array_equal(
        aesara.function([z], z.conj())(m).toarray(), m.toarray().conj()
    )


def test_gradient_is_structured():
    x = sp.csr_matrix("x")
    g = aesara.grad(at.sum(sp.dense_from_sparse(sp.structured_exp(x))), x)
    m = _explicit_zero_unsorted()
    val = aesara.function([x], g)(m)
    assert scipy.sparse.issparse(val)
    # d/dx exp(x) at the stored entries (explicit zero included), nothing elsewhere.
    np.testing.assert_allclose(
        val.toarray(), np.where(_stored(m), np.exp(m.toarray()), 0)
    )


def test_custom_structured_monoid():
    @sp.structured_monoid(at.abs)
    def structured_abs(x):
        """Absolute value of the stored values."""

    x = sp.csr_matrix("x")
    m = scipy.sparse.csr_matrix(np.array([[-1.5, 0.0], [0.0, 2.0]]))
    np.testing.assert_allclose(
        aesara.function([x], structured_abs(x))(m).toarray(), np.abs(m.toarray())
    )
    with pytest.raises(TypeError, match="sparse matrix"):
        structured_abs(at.matrix())
