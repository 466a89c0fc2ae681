"""Sparse products beyond the op database: routing of ``dot``/``@``, types, gradients, kernels."""

from __future__ import annotations

import numpy as np
import pytest
import scipy.sparse

import aesara
import aesara.sparse as sp
import aesara.tensor as at
from aesara.gradient import NullTypeGradError
from aesara.link.c import sparse_runtime
from aesara.sparse.products import Dot, StructuredDot, TrueDot
from aesara.sparse.type import SparseTensorType
from tests.op_db.sparse import random_sparse


def _ab(fmt="csr", rng=None):
    rng = rng or np.random.default_rng(0)
    return random_sparse(rng, (5, 4), fmt, "float64"), rng.normal(size=(4, 3))


def _ops(f, cls):
    return [n for n in f.maker.fgraph.toposort() if isinstance(n.op, cls)]


@pytest.mark.parametrize("fmt", ["csr", "csc"])
def test_tensor_dot_and_matmul_route_to_sparse_products(fmt):
    a, b = _ab(fmt)
    x = sp.matrix(fmt, "x", dtype="float64")
    y = at.dmatrix("y")
    w = at.dmatrix("w")
    wv = np.random.default_rng(1).normal(size=(2, 5))
    cases = [
        (at.dot(x, y), [x, y], (a, b), a @ b),
        (x @ y, [x, y], (a, b), a @ b),
        (at.dot(w, x), [w, x], (wv, a), wv @ a),
        (w @ x, [w, x], (wv, a), wv @ a),
    ]
    for out, ins, vals, expected in cases:
        assert not isinstance(out.type, SparseTensorType)
        f = aesara.function(ins, out)
        np.testing.assert_allclose(f(*vals), expected)


def test_output_types_follow_aesara():
    x = sp.csr_matrix("x", dtype="float32")
    xc = sp.csc_matrix("xc", dtype="int64")
    y = at.tensor(dtype="float64", shape=(None, 1))
    z = sp.structured_dot(x, y)
    assert z.type.dtype == "float64" and z.type.shape == (None, 1)
    zs = sp.structured_dot(xc, sp.csr_matrix(dtype="int64"))
    assert isinstance(zs.type, SparseTensorType) and zs.type.format == "csc"
    t = sp.true_dot(xc, sp.csc_matrix(dtype="int64"))
    assert t.type.format == "csc" and t.type.dtype == "int64"
    d = sp.dot(x, at.dvector())
    assert d.type.ndim == 1 and d.type.dtype == "float64"
    d2 = sp.dot(at.tensor(dtype="float32", shape=(3, 7)), x)
    assert d2.type.shape == (3, None)
    # The gradient ops' dtypes: csr follows b, csc follows the output gradient.
    i32 = at.ivector()
    assert sp.sdg_csr(i32, i32, at.fmatrix(), at.dmatrix()).type.dtype == "float32"
    assert sp.sdg_csc(i32, i32, at.fmatrix(), at.dmatrix()).type.dtype == "float64"
    assert str(sp._dot) == "SparseDot"
    assert str(sp.usmm) == "Usmm{no_inplace}"


def test_true_dot_grad_preserves_dense_is_not_identity():
    assert TrueDot(True) == TrueDot(False)
    x = sp.csr_matrix("x")
    y = at.dmatrix("y")
    g_dense = aesara.grad(sp.sp_sum(sp.true_dot(x, y)), y)
    g_sparse = aesara.grad(sp.sp_sum(sp.true_dot(x, y, grad_preserves_dense=False)), y)
    assert not isinstance(g_dense.type, SparseTensorType)
    assert isinstance(g_sparse.type, SparseTensorType)
    a, b = _ab()
    dense = aesara.function([x, y], g_dense)(a, b)
    sparse = aesara.function([x, y], g_sparse)(a, b)
    np.testing.assert_allclose(dense, sparse.toarray())
    np.testing.assert_allclose(dense, a.T.toarray() @ np.ones((5, 3)))


def test_structured_gradient_keeps_the_pattern_and_dot_gradient_is_dense():
    a, b = _ab()
    x = sp.csr_matrix("x")
    y = at.dmatrix("y")
    g = np.random.default_rng(3).normal(size=(5, 3))
    gs = aesara.grad(None, x, known_grads={sp.structured_dot(x, y): at.as_tensor(g)})
    out = aesara.function([x, y], gs)(a, b)
    assert scipy.sparse.issparse(out) and out.format == "csr"
    np.testing.assert_array_equal(out.indices, a.indices)
    full = g @ b.T
    np.testing.assert_allclose(out.toarray(), full * (a.toarray() != 0))
    # The regular product's gradient is the whole matrix.
    gd = aesara.grad(None, x, known_grads={sp.dot(x, y): at.as_tensor(g)})
    np.testing.assert_allclose(
        np.asarray(aesara.function([x, y], gd, on_unused_input="ignore")(a, b)), full
    )


def test_structured_dot_of_dense_and_sparse_has_structured_gradient():
    a, _ = _ab("csc")
    w = np.random.default_rng(4).normal(size=(2, 5))
    x = sp.csc_matrix("x")
    v = at.dmatrix("v")
    out = sp.structured_dot(v, x)
    f = aesara.function([v, x], [out, aesara.grad(out.sum(), x)])
    val, grad = f(w, a)
    np.testing.assert_allclose(val, w @ a)
    expected = (w.T @ np.ones((2, 4))) * (a.toarray() != 0)
    np.testing.assert_allclose(grad.toarray(), expected)


def test_sampling_dot_has_no_gradient_for_the_pattern():
    x, y = at.dmatrix("x"), at.dmatrix("y")
    p = sp.csr_matrix("p")
    with pytest.raises(NullTypeGradError):
        aesara.grad(sp.sp_sum(sp.sampling_dot(x, y, p)), p)


def test_sampling_dot_keeps_the_pattern_and_dtype():
    rng = np.random.default_rng(5)
    p = random_sparse(rng, (6, 5), "csr", "float32", explicit_zeros=True, unsorted=True)
    xv, yv = rng.normal(size=(6, 3)), rng.normal(size=(5, 3))
    x, y, ps = at.dmatrix(), at.dmatrix(), sp.csr_matrix(dtype="float32")
    out = aesara.function([x, y, ps], sp.sampling_dot(x, y, ps))(xv, yv, p)
    assert out.dtype == np.float32 and out.format == "csr"
    np.testing.assert_array_equal(out.indices, p.indices)
    np.testing.assert_allclose(out.toarray(), p.toarray() * (xv @ yv.T), rtol=1e-5)


def test_usmm_broadcasts_z_and_rejects_mismatches():
    a, b = _ab()
    alpha, x, y, z = at.dscalar(), sp.csr_matrix(), at.dmatrix(), at.dmatrix()
    f = aesara.function([alpha, x, y, z], sp.usmm(alpha, x, y, z))
    row = np.arange(3.0)[None, :]
    np.testing.assert_allclose(f(2.0, a, b, row), 2.0 * (a @ b) + row)
    with pytest.raises(ValueError, match="z has shape"):
        f(2.0, a, b, np.zeros((4, 3)))


def test_errors_name_the_problem():
    x = sp.csr_matrix("x")
    with pytest.raises(TypeError, match="at least one sparse"):
        sp.structured_dot(at.dmatrix(), at.dmatrix())
    with pytest.raises(TypeError, match="at least one sparse"):
        sp.dot(at.dmatrix(), at.dmatrix())
    with pytest.raises(TypeError, match="sparse"):
        sp.true_dot(at.dmatrix(), at.dmatrix())
    with pytest.raises(NotImplementedError, match="one dtype"):
        sp.true_dot(x, at.fmatrix())
    with pytest.raises(TypeError, match="dense"):
        sp.sampling_dot(x, at.dmatrix(), x)
    with pytest.raises(TypeError, match="sparse x or y"):
        sp.usmm(1.0, at.dmatrix(), at.dmatrix(), at.dmatrix())
    with pytest.raises(NotImplementedError, match="csr and csc"):
        sp.structured_dot_grad(sp.bsr_matrix(), at.dmatrix(), at.dmatrix())


def test_ops_are_merged_and_props_compare():
    assert StructuredDot() == sp._structured_dot
    assert Dot() == sp._dot
    x, y = sp.csr_matrix("x"), at.dmatrix("y")
    f = aesara.function([x, y], [sp.structured_dot(x, y), sp.structured_dot(x, y)])
    assert len(_ops(f, StructuredDot)) == 1


# The sampled dense-dense kernel.


def _kernel_case(rng, fmt="csr", dtype="float64", shape=(40, 30), k=7):
    m = random_sparse(rng, shape, fmt, dtype, density=0.3, unsorted=True)
    n_major = shape[0] if fmt == "csr" else shape[1]
    n_minor = shape[1] if fmt == "csr" else shape[0]
    major = rng.normal(size=(n_major, k)).astype(dtype)
    minor = rng.normal(size=(n_minor, k)).astype(dtype)
    return m, major, minor


def _kernel_ref(m, major, minor):
    rows = np.repeat(np.arange(len(m.indptr) - 1), np.diff(m.indptr))
    return np.array([major[r] @ minor[c] for r, c in zip(rows, m.indices)])


@pytest.mark.parametrize("dtype", ["float32", "float64", "complex128", "int64"])
def test_sampled_rowdot_matches_a_plain_loop(dtype):
    rng = np.random.default_rng(6)
    m, major, minor = _kernel_case(rng, dtype=dtype)
    got = sparse_runtime.sampled_rowdot(m.indptr, m.indices, major, minor)
    assert got.dtype == np.dtype(dtype)
    rtol = 1e-5 if dtype == "float32" else 1e-12
    np.testing.assert_allclose(got, _kernel_ref(m, major, minor), rtol=rtol)


def test_sampled_rowdot_numpy_chunks_and_int64_indices(monkeypatch):
    rng = np.random.default_rng(7)
    m, major, minor = _kernel_case(rng, fmt="csc")
    expected = _kernel_ref(m, major, minor)
    # Chunks of a few entries: the chunk borders must not matter.
    monkeypatch.setattr(sparse_runtime, "_CHUNK_ELEMENTS", 15)
    got = sparse_runtime.sampled_rowdot_numpy(m.indptr, m.indices, major, minor)
    np.testing.assert_allclose(got, expected, rtol=1e-12)
    got64 = sparse_runtime.sampled_rowdot(
        m.indptr.astype("int64"), m.indices.astype("int64"), major, minor
    )
    np.testing.assert_allclose(got64, expected, rtol=1e-12)


def test_sampled_rowdot_falls_back_without_a_compiler(monkeypatch):
    rng = np.random.default_rng(8)
    m, major, minor = _kernel_case(rng)
    monkeypatch.setattr(sparse_runtime, "_runtime_or_none", lambda: None)
    got = sparse_runtime.sampled_rowdot(m.indptr, m.indices, major, minor)
    np.testing.assert_allclose(got, _kernel_ref(m, major, minor), rtol=1e-12)
    with pytest.raises(ValueError, match="out of range"):
        sparse_runtime.sampled_rowdot(
            np.array([0, 1]), np.array([99]), major[:1], minor
        )


def test_compiled_kernel_checks_its_inputs():
    try:
        mod = sparse_runtime.get_sparse_runtime()
    except Exception as e:  # pragma: no cover - machines without a compiler
        pytest.skip(f"no working C compiler: {e}")
    major = np.ones((2, 3))
    minor = np.ones((4, 3))
    out = np.empty(2)
    ptr = np.array([0, 1, 2], dtype="int32")
    with pytest.raises(ValueError, match="out of range"):
        mod.sampled_rowdot(ptr, np.array([0, 4], dtype="int32"), major, minor, out)
    with pytest.raises(ValueError, match="compressed-pointer"):
        mod.sampled_rowdot(
            np.array([0, 2, 1], dtype="int32"),
            np.array([0, 1], dtype="int32"),
            major,
            minor,
            out,
        )
    with pytest.raises(TypeError, match="int32 or int64"):
        mod.sampled_rowdot(ptr, np.array([0, 1], dtype="int64"), major, minor, out)
    with pytest.raises(ValueError, match="shape mismatch"):
        mod.sampled_rowdot(
            ptr, np.array([0, 1], dtype="int32"), major, np.ones((4, 2)), out
        )
    mod.sampled_rowdot(ptr, np.array([0, 3], dtype="int32"), major, minor, out)
    np.testing.assert_array_equal(out, [3.0, 3.0])


@pytest.mark.parametrize("compiled", [True, False], ids=["compiled", "numpy"])
def test_gradient_kernel_handles_a_large_pattern_in_bounded_memory(
    compiled, monkeypatch
):
    # 2e5 entries x 64 columns: a gathered einsum would need 200 MB of
    # temporaries; the kernel needs the output only, the NumPy chunks a few MB.
    import tracemalloc

    if not compiled:
        monkeypatch.setattr(sparse_runtime, "_runtime_or_none", lambda: None)
    rng = np.random.default_rng(9)
    m = scipy.sparse.random(20000, 2000, density=0.005, format="csr", random_state=0)
    g = rng.normal(size=(20000, 64))
    b = rng.normal(size=(2000, 64))
    tracemalloc.start()
    try:
        got = sparse_runtime.sampled_rowdot(m.indptr, m.indices, g, b)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 48 * 2**20, f"peak {peak / 2**20:.0f} MiB"
    pick = rng.integers(0, m.nnz, size=50)
    rows = np.repeat(np.arange(20000), np.diff(m.indptr))
    np.testing.assert_allclose(
        got[pick], np.einsum("ij,ij->i", g[rows[pick]], b[m.indices[pick]]), rtol=1e-12
    )
