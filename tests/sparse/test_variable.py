"""Sparse variables, constants and shared variables as users build graphs with them."""

from __future__ import annotations

import pickle
import warnings

import numpy as np
import pytest
import scipy.sparse

import aesara
import aesara.sparse as sp
import aesara.tensor as at
from aesara.sparse.type import SparseTensorType


def _m(fmt="csr", seed=0, shape=(4, 3)):
    return scipy.sparse.random(*shape, density=0.5, format=fmt, random_state=seed)


def test_constructors():
    for ctor, fmt in (
        (sp.csr_matrix, "csr"),
        (sp.csc_matrix, "csc"),
        (sp.bsr_matrix, "bsr"),
    ):
        v = ctor("v", dtype="float32")
        assert v.type == SparseTensorType(fmt, "float32")
        assert v.format == fmt and v.dtype == "float32" and v.ndim == 2
        assert str(v) == "v"
    assert sp.csr_matrix().dtype == aesara.config.floatX
    assert sp.csr_dmatrix().type.dtype == "float64"
    assert "float32" in sp.float_dtypes and "int64" in sp.discrete_dtypes


def test_as_sparse_variable_and_constants():
    m = _m()
    c = sp.as_sparse_variable(m)
    assert isinstance(c, sp.SparseConstant) and c.type.format == "csr"
    assert c.type.shape == m.shape
    # The constant holds a copy.
    m.data[0] = 123.0
    assert c.data.data[0] != 123.0
    assert sp.as_sparse(c) is c
    coo = scipy.sparse.coo_matrix(np.eye(2))
    assert sp.as_sparse_variable(coo).type.format == "csr"
    with pytest.raises(TypeError, match="SparseTensorType"):
        sp.as_sparse_variable(at.dmatrix())
    with pytest.raises(TypeError, match="sparse variable"):
        sp.as_sparse_variable(np.eye(2))
    # as_sparse_or_tensor_variable keeps the kind of the value.
    assert isinstance(sp.as_sparse_or_tensor_variable(m).type, SparseTensorType)
    assert not isinstance(
        sp.as_sparse_or_tensor_variable(np.eye(2)).type, SparseTensorType
    )
    assert sp._is_sparse_variable(c) and not sp._is_sparse_variable(at.dmatrix())
    assert sp._is_dense_variable(at.dmatrix()) and not sp._is_dense_variable(c)
    with pytest.raises(NotImplementedError):
        sp._is_sparse_variable(m)


def test_constant_signature_merges_equal_constants():
    a = sp.as_sparse_variable(_m(seed=1))
    b = sp.as_sparse_variable(_m(seed=1))
    c = sp.as_sparse_variable(_m(seed=2))
    assert a.signature() == b.signature() and hash(a.signature()) == hash(b.signature())
    assert a.signature() != c.signature()
    assert a.equals(b) and not a.equals(c)


def test_shape_and_dense_methods():
    x = sp.csr_matrix("x", dtype="float64")
    m = _m()
    f = aesara.function([x], [x.shape, x.toarray()])
    shape, dense = f(m)
    np.testing.assert_array_equal(shape, [4, 3])
    np.testing.assert_array_equal(dense, m.toarray())
    with warnings.catch_warnings(record=True) as rec:
        warnings.simplefilter("always")
        e = x.exp()
    assert any("converted to a dense matrix" in str(w.message) for w in rec)
    np.testing.assert_allclose(aesara.function([x], e)(m), np.exp(m.toarray()))
    with pytest.raises(TypeError, match="item assignment"):
        x[0, 0] = 1.0


def test_shared_variable_value_and_updates():
    m = _m("csc")
    s = aesara.shared(m, name="s")
    assert isinstance(s.type, SparseTensorType) and s.type.format == "csc"
    assert s.format == "csc"
    # Copied unless borrowed.
    m.data[0] = -5.0
    assert s.get_value().data[0] != -5.0
    b = aesara.shared(m, borrow=True)
    assert b.get_value(borrow=True) is m
    new = _m("csc", seed=3)
    s.set_value(new)
    np.testing.assert_array_equal(s.get_value().toarray(), new.toarray())
    f = aesara.function([], sp.dense_from_sparse(s))
    np.testing.assert_array_equal(f(), new.toarray())
    # An update whose value is computed from the shared variable's buffers.
    data, indices, indptr, shape = sp.csm_properties(s)
    upd = aesara.function(
        [], [], updates=[(s, sp.CSC(data * 2, indices, indptr, shape))]
    )
    upd()
    np.testing.assert_allclose(s.get_value().toarray(), 2 * new.toarray())
    s.zero()
    assert s.get_value().nnz == 0 and s.get_value().shape == new.shape
    with pytest.raises(TypeError, match="loss of precision"):
        s.set_value(new.astype("complex128"))


def test_sparse_module_is_lazy_attribute_and_shared_works_without_import():
    import subprocess
    import sys

    code = (
        "import aesara, scipy.sparse as ss, numpy as np\n"
        "s = aesara.shared(ss.csr_matrix(np.eye(2)))\n"
        "print(type(s).__name__, aesara.sparse.SparseTensorType.__name__)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    assert out.stdout.split() == ["SparseTensorSharedVariable", "SparseTensorType"]


def test_pickle_sparse_variable_and_constant():
    x = sp.csr_matrix("x")
    c = sp.as_sparse_variable(_m())
    x2, c2 = pickle.loads(pickle.dumps((x, c)))
    assert x2.type == x.type and c2.signature() == c.signature()


def test_dense_from_sparse_of_dense_is_identity_and_dot_dispatch():
    d = at.dmatrix("d")
    assert sp.dense_from_sparse(d) is d
    assert sp.csr_from_dense(sp.csr_matrix()).owner is None


def test_roundtrip_rewrite_removes_conversions():
    d = at.dmatrix("d")
    out = sp.dense_from_sparse(sp.csr_from_dense(d))
    f = aesara.function([d], out)
    ops = [type(n.op).__name__ for n in f.maker.fgraph.toposort()]
    assert "SparseFromDense" not in ops and "DenseFromSparse" not in ops
    v = np.array([[0.0, 1.5], [2.0, 0.0]])
    np.testing.assert_array_equal(f(v), v)


def test_csm_properties_of_csm_rewrite():
    data = at.dvector("data")
    indices = at.ivector("indices")
    indptr = at.ivector("indptr")
    shape = at.ivector("shape")
    m = sp.CSR(data, indices, indptr, shape)
    out = sp.csm_data(m) * 2
    f = aesara.function([data, indices, indptr, shape], out)
    ops = [type(n.op).__name__ for n in f.maker.fgraph.toposort()]
    assert "CSM" not in ops and "CSMProperties" not in ops
    args = (
        np.array([1.0, 2.0]),
        np.array([0, 1], "int32"),
        np.array([0, 1, 2], "int32"),
        np.array([2, 2], "int32"),
    )
    np.testing.assert_array_equal(f(*args), [2.0, 4.0])


def test_rewrite_catalog_cases_for_sparse_round_trips():
    from tests.tensor.rewriting.rewrite_check import check_rewrite

    d = at.dmatrix("d")
    check_rewrite(
        "local_dense_from_sparse_sparse_from_dense",
        [d],
        sp.dense_from_sparse(sp.csc_from_dense(d)) * 2,
        [np.array([[0.0, 1.0], [3.0, 0.0]])],
    )
    data = at.dvector("data")
    indices = at.ivector("indices")
    indptr = at.ivector("indptr")
    shape = at.ivector("shape")
    check_rewrite(
        "local_csm_properties_csm",
        [data, indices, indptr, shape],
        sp.csm_data(sp.CSC(data, indices, indptr, shape)) + 1,
        [
            np.array([1.0, 2.0]),
            np.array([1, 0], "int32"),
            np.array([0, 1, 2], "int32"),
            np.array([2, 2], "int32"),
        ],
    )
