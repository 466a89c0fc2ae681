"""Structure ops beyond the op database: in-place variants and their rewrite, buffer properties."""

from __future__ import annotations

import numpy as np
import pytest

import aesara
import aesara.sparse as sp
import aesara.tensor as at
from aesara.compile.io import In
from aesara.sparse.structure import (
    EnsureSortedIndices,
    HStack,
    Remove0,
    Transpose,
    VStack,
)
from tests.op_db.sparse import random_sparse


def _ops(f):
    return [node.op for node in f.maker.fgraph.toposort()]


@pytest.mark.parametrize("fmt", ["csr", "csc"])
@pytest.mark.parametrize("unsorted", [True, False])
def test_remove0_becomes_inplace_on_a_mutable_input(fmt, unsorted):
    x = sp.matrix(fmt, "x", dtype="float64")
    mat = random_sparse(
        np.random.default_rng(0), (6, 8), fmt, explicit_zeros=True, unsorted=unsorted
    )
    assert 0 in mat.data
    f = aesara.function([In(x, mutable=True)], Remove0()(x), mode="FAST_RUN")
    ops = [op for op in _ops(f) if isinstance(op, Remove0)]
    assert ops and all(op.inplace for op in ops)
    expected = mat.copy()
    expected.eliminate_zeros()
    result = f(mat)
    assert result.nnz == expected.nnz
    assert 0 not in result.data
    np.testing.assert_array_equal(result.toarray(), expected.toarray())
    # Removing zeros keeps the order of the remaining indices.
    assert result.has_sorted_indices == (not unsorted)


def test_remove0_stays_out_of_place_on_a_plain_input():
    x = sp.csr_matrix("x", dtype="float64")
    f = aesara.function([x], Remove0()(x), mode="FAST_RUN")
    assert not any(op.inplace for op in _ops(f) if isinstance(op, Remove0))
    mat = random_sparse(np.random.default_rng(1), (4, 3), explicit_zeros=True)
    before = mat.copy()
    f(mat)
    assert mat.nnz == before.nnz  # the caller's matrix is left alone


def test_remove0_not_inplace_under_fast_compile():
    x = sp.csr_matrix("x", dtype="float64")
    f = aesara.function([In(x, mutable=True)], Remove0()(x), mode="FAST_COMPILE")
    assert not any(op.inplace for op in _ops(f) if isinstance(op, Remove0))


def test_inplace_variants_declare_destroy_map():
    assert Remove0(inplace=True).destroy_map == {0: [0]}
    assert EnsureSortedIndices(inplace=True).destroy_map == {0: [0]}
    assert not Remove0().destroy_map
    assert not EnsureSortedIndices(inplace=False).destroy_map
    assert str(EnsureSortedIndices(True)) == "EnsureSortedIndices{inplace}"
    assert str(Remove0(inplace=True)) == "Remove0{inplace}"


@pytest.mark.parametrize("inplace", [False, True])
def test_ensure_sorted_indices_sorts_buffers(inplace):
    x = sp.csc_matrix("x", dtype="float64")
    mat = random_sparse(np.random.default_rng(2), (5, 4), "csc", unsorted=True)
    inp = In(x, mutable=True) if inplace else x
    f = aesara.function(
        [inp], EnsureSortedIndices(inplace)(x), mode="FAST_COMPILE", accept_inplace=True
    )
    original = mat.copy()
    res = f(mat)
    for k in range(res.shape[1]):
        col = res.indices[res.indptr[k] : res.indptr[k + 1]]
        assert np.all(np.diff(col) > 0)
    np.testing.assert_array_equal(res.toarray(), original.toarray())
    if not inplace:
        np.testing.assert_array_equal(mat.indices, original.indices)


def test_clean_removes_zeros_and_sorts():
    x = sp.csr_matrix("x", dtype="float64")
    mat = random_sparse(
        np.random.default_rng(3), (6, 5), "csr", explicit_zeros=True, unsorted=True
    )
    res = aesara.function([x], sp.clean(x))(mat)
    assert 0 not in res.data and res.has_sorted_indices
    np.testing.assert_array_equal(res.toarray(), mat.toarray())


def test_transpose_output_is_not_a_view():
    x = sp.csr_matrix("x", dtype="float64")
    assert not getattr(Transpose(), "view_map", {})
    mat = random_sparse(np.random.default_rng(4), (3, 4), "csr")
    res = aesara.function([x], sp.transpose(x))(mat)
    assert not np.shares_memory(res.data, mat.data)
    assert str(Transpose()) == "SparseTranspose"


def test_transpose_keeps_static_shape():
    x = sp.SparseTensorType("csc", "float32", shape=(3, None))()
    t = sp.transpose(x)
    assert t.type.format == "csr" and t.type.shape == (None, 3)


def test_square_diagonal_roundtrip_and_gradient():
    d = at.vector("d", dtype="float64")
    m = sp.square_diagonal(d)
    assert m.type.format == "csc"
    g = aesara.grad(sp.diag(m).sum() * 3, d)
    f = aesara.function([d], [m, g])
    mat, gval = f(np.array([1.0, 0.0, 2.0]))
    assert mat.nnz == 3  # the zero is stored too
    np.testing.assert_array_equal(mat.toarray(), np.diag([1.0, 0.0, 2.0]))
    np.testing.assert_array_equal(gval, np.full(3, 3.0))


def test_diag_rejects_statically_non_square():
    x = sp.SparseTensorType("csr", "float64", shape=(3, 4))()
    with pytest.raises(ValueError, match="square"):
        sp.diag(x)


@pytest.mark.parametrize("stack, op_cls", [(sp.hstack, HStack), (sp.vstack, VStack)])
def test_stack_defaults_and_dtypes(stack, op_cls):
    a = sp.csr_matrix("a", dtype="int8")
    b = sp.csc_matrix("b", dtype="float32")
    out = stack([a, b])
    assert isinstance(out.owner.op, op_cls)
    assert out.type.format == "csc"
    assert out.type.dtype == "float32"
    assert str(out.owner.op) == f"{op_cls.__name__}(csc,float32)"
    out64 = stack([a, b], format="csr", dtype="float64")
    assert out64.type.format == "csr" and out64.type.dtype == "float64"
    with pytest.raises(ValueError, match="dtype must be specified"):
        op_cls(format="csr")


def test_stack_static_shape_checks():
    a = sp.SparseTensorType("csr", "float64", shape=(2, 3))()
    b = sp.SparseTensorType("csr", "float64", shape=(2, None))()
    c = sp.SparseTensorType("csr", "float64", shape=(4, 3))()
    assert sp.hstack([a, b]).type.shape == (2, None)
    assert sp.vstack([a, c]).type.shape == (6, 3)
    with pytest.raises(ValueError, match="same number of rows"):
        sp.hstack([a, c])
    with pytest.raises(ValueError, match="same number of columns"):
        sp.vstack([a, sp.SparseTensorType("csr", "float64", shape=(1, 5))()])
