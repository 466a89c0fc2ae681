"""``SparseTensorType``: construction, equality, filtering and conversion of values and variables."""

from __future__ import annotations

import numpy as np
import pytest
import scipy.sparse

import aesara
import aesara.sparse as sp
import aesara.tensor as at
from aesara.sparse.type import SparseTensorType, _is_sparse
from aesara.tensor.type import TensorType


def test_type_properties_and_equality():
    t = SparseTensorType("csr", "float64")
    assert t.ndim == 2 and t.shape == (None, None) and t.format == "csr"
    assert t == SparseTensorType("csr", "float64")
    assert hash(t) == hash(SparseTensorType("csr", "float64"))
    assert t != SparseTensorType("csc", "float64")
    assert t != SparseTensorType("csr", "float32")
    assert t != TensorType("float64", (None, None))
    assert isinstance(t, TensorType)
    assert repr(t) == "Sparse(float64, (None, None), csr)"
    assert t.clone(format="csc") == SparseTensorType("csc", "float64")
    assert t.clone(shape=(3, None)).shape == (3, None)


@pytest.mark.parametrize(
    "args, exc, match",
    [
        (("coo", "float64"), ValueError, "unsupported sparse format"),
        (("csr", "float64", (None,)), ValueError, "2 dimensions"),
        (("csr", "bool"), TypeError, "Unsupported dtype"),
    ],
)
def test_bad_types(args, exc, match):
    with pytest.raises(exc, match=match):
        SparseTensorType(*args)


def test_filter_converts_formats_and_dense_values():
    t = SparseTensorType("csc", "float64")
    m = scipy.sparse.random(4, 3, density=0.5, format="csr", random_state=0)
    out = t.filter(m)
    assert out.format == "csc" and np.array_equal(out.toarray(), m.toarray())
    dense = np.eye(3)
    assert np.array_equal(t.filter(dense).toarray(), dense)
    same = m.tocsc()
    assert t.filter(same) is same


def test_filter_errors():
    t = SparseTensorType("csr", "float32")
    m64 = scipy.sparse.random(3, 3, density=0.5, format="csr", random_state=0)
    with pytest.raises(TypeError, match="loss of precision"):
        t.filter(m64)
    assert t.filter(m64, allow_downcast=True).dtype == np.float32
    with pytest.raises(TypeError, match="strict"):
        t.filter(m64, strict=True)
    with pytest.raises(TypeError, match="2-d"):
        t.filter(np.zeros(3, dtype="float32"))
    with pytest.raises(TypeError, match="Variable"):
        t.filter(sp.csr_matrix())
    with pytest.raises(ValueError, match="dimension 0 must have size 2"):
        SparseTensorType("csr", "float64", shape=(2, None)).filter(
            scipy.sparse.csr_matrix(np.eye(3))
        )


def test_values_eq_and_may_share_memory():
    t = SparseTensorType("csr", "float64")
    a = scipy.sparse.csr_matrix(np.array([[1.0, 0], [0, 2.0]]))
    b = a.copy()
    assert t.values_eq(a, b) and t.values_eq_approx(a, b)
    b.data[0] += 1e-9
    assert not t.values_eq(a, b) and t.values_eq_approx(a, b)
    assert not t.values_eq(a, np.eye(2))
    assert t.may_share_memory(a, a.data)
    assert not t.may_share_memory(a, b)
    assert t.get_size(t.get_shape_info(a)) == 2 * 8 + (2 + 3) * 4


def test_is_sparse():
    assert _is_sparse(scipy.sparse.eye(2, format="csr"))
    assert not _is_sparse(np.eye(2))
    with pytest.raises(NotImplementedError):
        _is_sparse("matrix")


def test_convert_dense_variable_to_sparse_type():
    t = SparseTensorType("csr", "float64")
    d = at.dmatrix("d")
    v = t.filter_variable(d)
    assert isinstance(v.type, SparseTensorType) and v.type.format == "csr"
    with pytest.raises(TypeError):
        t.filter_variable(sp.csc_matrix(dtype="float64"))


def test_elemwise_refuses_sparse_inputs_clearly():
    x = sp.csr_matrix("x")
    with pytest.raises(TypeError, match="takes dense tensors.*aesara.sparse"):
        at.exp(x)


def test_function_converts_other_formats_and_dense_arguments():
    x = sp.csr_matrix("x", dtype="float64")
    f = aesara.function([x], sp.dense_from_sparse(x))
    dense = np.array([[0.0, 1.0], [2.0, 0.0]])
    np.testing.assert_array_equal(f(scipy.sparse.csc_matrix(dense)), dense)
    np.testing.assert_array_equal(f(dense), dense)
    with pytest.raises(TypeError, match="2-d"):
        f(np.zeros(3))
    with pytest.raises(TypeError, match="loss of precision"):
        f(scipy.sparse.csr_matrix(dense.astype("complex128")))
