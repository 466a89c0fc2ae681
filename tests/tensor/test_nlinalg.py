"""Direct tests of :mod:`aesara.tensor.nlinalg` beyond the op database:
mathematical identities, closed-form gradients, higher derivatives, dtypes."""

from __future__ import annotations

import numpy as np
import pytest

import aesara
import aesara.tensor as at
from aesara.gradient import NullTypeGradError, Rop, grad, verify_grad
from aesara.tensor import nlinalg as nl


def _rng(seed=0):
    return np.random.default_rng(seed)


def _wc(rng, n):
    return rng.normal(size=(n, n)) + n * np.eye(n)


def _sym(rng, n):
    q, _ = np.linalg.qr(rng.normal(size=(n, n)))
    return (q * (1.5 * np.arange(n) + 0.3)) @ q.T


def test_module_is_reachable_from_tensor():
    assert at.nlinalg is nl
    assert at.nlinalg.det is nl.det


def test_det_gradient_is_det_times_inverse_transpose():
    x = at.dmatrix("x")
    g = grad(nl.det(x), x)
    a = _wc(_rng(), 4)
    got = aesara.function([x], g)(a)
    np.testing.assert_allclose(got, np.linalg.det(a) * np.linalg.inv(a).T, rtol=1e-10)


def test_det_rop_is_det_times_trace():
    x, v = at.dmatrix("x"), at.dmatrix("v")
    jv = Rop(nl.det(x), x, v)
    rng = _rng(1)
    a, d = _wc(rng, 3), rng.normal(size=(3, 3))
    got = aesara.function([x, v], jv)(a, d)
    expected = np.linalg.det(a) * np.trace(np.linalg.solve(a, d))
    np.testing.assert_allclose(got, expected, rtol=1e-10)


def test_slogdet_matches_det_and_its_gradient_is_inverse_transpose():
    x = at.dmatrix("x")
    sign, logabs = nl.slogdet(x)
    a = -_wc(_rng(2), 3)[::-1]
    f = aesara.function([x], [sign, logabs, grad(logabs, x)])
    s, la, g = f(a)
    assert s == np.sign(np.linalg.det(a))
    np.testing.assert_allclose(s * np.exp(la), np.linalg.det(a), rtol=1e-10)
    np.testing.assert_allclose(g, np.linalg.inv(a).T, rtol=1e-10)


def test_inverse_gradient_closed_form():
    x = at.dmatrix("x")
    a = _wc(_rng(3), 3)
    c = _rng(4).normal(size=(3, 3))
    g = aesara.function([x], grad((nl.matrix_inverse(x) * c).sum(), x))(a)
    ai = np.linalg.inv(a)
    np.testing.assert_allclose(g, -ai.T @ c @ ai.T, rtol=1e-10)


def test_integer_inputs_compute_in_float64_and_float32_is_kept():
    assert nl.det(at.lmatrix()).type.dtype == "float64"
    assert nl.matrix_inverse(at.imatrix()).type.dtype == "float64"
    assert nl.det(at.fmatrix()).type.dtype == "float32"
    w, v = nl.eig(at.fmatrix())
    assert (w.type.dtype, v.type.dtype) == ("complex64", "complex64")
    w, v = nl.eigh(at.fmatrix())
    assert (w.type.dtype, v.type.dtype) == ("float32", "float32")
    assert nl.norm(at.lvector()).type.dtype == "float64"


def test_static_shapes_propagate():
    x = at.tensor("float64", shape=(5, 3))
    q, r = nl.qr(x)
    assert q.type.shape == (5, 3) and r.type.shape == (3, 3)
    u, s, v = nl.svd(x)
    assert (u.type.shape, s.type.shape, v.type.shape) == ((5, 5), (3,), (3, 3))
    assert nl.pinv(x).type.shape == (3, 5)
    sq = at.tensor("float64", shape=(None, 4))
    assert nl.matrix_inverse(sq).type.shape == (4, 4)


def test_wrong_rank_and_static_non_square_errors():
    with pytest.raises(TypeError, match="expected a 2-d tensor, got a 3-d"):
        nl.det(at.dtensor3())
    with pytest.raises(ValueError, match=r"square matrix, got static shape \(2, 3\)"):
        nl.matrix_inverse(at.tensor("float64", shape=(2, 3)))
    with pytest.raises(TypeError, match="exponent must be an integer"):
        nl.matrix_power(at.dmatrix(), 2.0)


def test_singular_inverse_raises_linalg_error_at_run_time():
    x = at.dmatrix()
    f = aesara.function([x], nl.matrix_inverse(x))
    with pytest.raises(np.linalg.LinAlgError):
        f(np.ones((2, 2)))


def test_eigh_reconstructs_and_reads_one_triangle():
    a = _sym(_rng(5), 4)
    x = at.dmatrix("x")
    w, v = nl.eigh(x)
    wv = aesara.function([x], [w, v])
    w_val, v_val = wv(a)
    np.testing.assert_allclose((v_val * w_val) @ v_val.T, a, atol=1e-12)
    np.testing.assert_allclose(v_val.T @ v_val, np.eye(4), atol=1e-12)
    # Garbage in the unread upper triangle changes nothing.
    junk = np.tril(a) + np.triu(np.full((4, 4), 7.0), 1)
    np.testing.assert_allclose(wv(junk)[0], w_val, rtol=1e-12)
    wu = aesara.function([x], nl.eigh(x, UPLO="U")[0])
    np.testing.assert_allclose(wu(junk.T), w_val, rtol=1e-12)


def test_eigh_eigenvalue_gradient_is_projector():
    # d w_k / dA = v_k v_k^T for a symmetric perturbation; reading only the
    # lower triangle folds the upper half onto it.
    a = _sym(_rng(6), 3)
    x = at.dmatrix("x")
    g = aesara.function([x], grad(nl.eigh(x)[0][2], x))(a)
    v = np.linalg.eigh(a)[1][:, 2]
    p = np.outer(v, v)
    np.testing.assert_allclose(g, np.tril(2 * p) - np.diag(np.diag(p)), atol=1e-12)


def test_eigh_second_derivative():
    # EighGrad's own gradient: check the gradient of a gradient numerically.
    a = _sym(_rng(7), 3)
    c = _rng(8).normal(size=(3, 3))

    def grad_of_cost(x):
        w, v = nl.eigh(x)
        cost = (w**3).sum() + ((v * v) * c).sum()
        return grad(cost, x)

    verify_grad(grad_of_cost, [a], rng=_rng(9))


def test_svd_reconstructs_and_nuclear_norm_gradient():
    rng = _rng(10)
    a = rng.normal(size=(5, 3))
    x = at.dmatrix("x")
    u, s, v = nl.svd(x, full_matrices=False)
    f = aesara.function([x], [u, s, v, grad(nl.norm(x, "nuc"), x)])
    u_val, s_val, v_val, g = f(a)
    np.testing.assert_allclose((u_val * s_val) @ v_val, a, atol=1e-12)
    np.testing.assert_allclose(g, u_val @ v_val, atol=1e-12)


def test_svd_full_matrices_vectors_gradient_is_refused_for_rectangular():
    x = at.dmatrix("x")
    u, s, v = nl.svd(x, full_matrices=True)
    with pytest.raises(NullTypeGradError, match="full_matrices"):
        grad((u**2).sum(), x)
    # Through the singular values alone it is defined.
    g = aesara.function([x], grad(s.sum(), x))(_rng(11).normal(size=(4, 2)))
    assert g.shape == (4, 2)


def test_eig_is_complex_and_satisfies_the_eigen_equation():
    rot = np.array([[0.0, -2.0], [1.0, 0.0]])
    x = at.dmatrix("x")
    w, v = aesara.function([x], nl.eig(x))(rot)
    assert w.dtype == np.complex128
    np.testing.assert_allclose(rot @ v, v * w, atol=1e-12)
    with pytest.raises(NullTypeGradError):
        grad(at.real(nl.eig(x)[0]).sum(), x)


def test_qr_reconstructs_in_every_mode():
    a = _rng(12).normal(size=(3, 5))
    x = at.dmatrix("x")
    for mode in ("reduced", "complete"):
        q, r = aesara.function([x], nl.qr(x, mode))(a)
        np.testing.assert_allclose(q @ r, a, atol=1e-12)
        np.testing.assert_allclose(np.triu(r), r)
    r_only = aesara.function([x], nl.qr(x, "r"))(a)
    np.testing.assert_allclose(np.abs(r_only), np.abs(np.linalg.qr(a, "r")))


def test_pinv_satisfies_penrose_identities():
    a = _rng(13).normal(size=(4, 2)) @ _rng(14).normal(size=(2, 5))
    x = at.dmatrix("x")
    p = aesara.function([x], nl.pinv(x))(a)
    np.testing.assert_allclose(a @ p @ a, a, atol=1e-10)
    np.testing.assert_allclose(p @ a @ p, p, atol=1e-10)
    np.testing.assert_allclose((a @ p).T, a @ p, atol=1e-10)


def test_matrix_power_negative_and_gradient():
    a = _wc(_rng(15), 3)
    x = at.dmatrix("x")
    got = aesara.function([x], nl.matrix_power(x, -3))(a)
    ai = np.linalg.inv(a)
    np.testing.assert_allclose(got, ai @ ai @ ai, rtol=1e-10)
    g = aesara.function([x], grad(nl.trace(nl.matrix_power(x, 3)), x))(a)
    np.testing.assert_allclose(g, 3 * (a @ a).T, rtol=1e-10)


def test_norm_string_infinities_and_keepdims():
    v = np.array([3.0, -4.0, 1.0])
    x = at.dvector("x")
    f = aesara.function([x], [nl.norm(x, "inf"), nl.norm(x, "-inf")])
    assert f(v) == [4.0, 1.0]
    t = at.dtensor3("t")
    val = _rng(16).normal(size=(2, 3, 4))
    got = aesara.function([t], nl.norm(t, 1, axis=(0, 2), keepdims=True))(val)
    np.testing.assert_allclose(got, np.linalg.norm(val, 1, axis=(0, 2), keepdims=True))
    with pytest.raises(NotImplementedError, match="2-d inputs only"):
        nl.norm(t, 2, axis=(0, 1))


def test_lstsq_solution_and_gradient_wrt_b_is_pinv_transpose():
    rng = _rng(17)
    a_val, b_val = rng.normal(size=(6, 3)), rng.normal(size=6)
    a, b = at.dmatrix("a"), at.dvector("b")
    x, res, rank, s = nl.lstsq(a, b)
    c = rng.normal(size=3)
    f = aesara.function([a, b], [x, res, rank, grad((x * c).sum(), b)])
    x_val, res_val, rank_val, gb = f(a_val, b_val)
    np.testing.assert_allclose(x_val, np.linalg.pinv(a_val) @ b_val, rtol=1e-10)
    np.testing.assert_allclose(res_val, [np.sum((b_val - a_val @ x_val) ** 2)])
    assert rank_val == 3
    np.testing.assert_allclose(gb, np.linalg.pinv(a_val).T @ c, rtol=1e-10)


def test_tensorinv_is_a_tensordot_inverse():
    a = _wc(_rng(18), 6).reshape(2, 3, 6)
    x = at.dtensor3("x")
    ainv = aesara.function([x], nl.tensorinv(x, ind=2))(a)
    assert ainv.shape == (6, 2, 3)
    np.testing.assert_allclose(np.tensordot(ainv, a, 2), np.eye(6), atol=1e-12)


def test_tensorsolve_second_derivative():
    rng = _rng(19)
    a = _wc(rng, 4).reshape(2, 2, 4)
    b = rng.normal(size=(2, 2))

    def grad_wrt_a(x):
        sol = nl.tensorsolve(x, at.constant(b))
        return grad((sol**2).sum(), x)

    verify_grad(grad_wrt_a, [a], rng=rng)


def test_matrix_dot_and_trace():
    rng = _rng(20)
    mats = [rng.normal(size=s) for s in ((2, 3), (3, 4), (4, 2))]
    xs = [at.dmatrix() for _ in mats]
    f = aesara.function(xs, [nl.matrix_dot(*xs), nl.trace(nl.matrix_dot(*xs))])
    prod, tr = f(*mats)
    np.testing.assert_allclose(prod, mats[0] @ mats[1] @ mats[2], rtol=1e-12)
    np.testing.assert_allclose(tr, np.trace(prod), rtol=1e-12)
    with pytest.raises(TypeError, match="at least one"):
        nl.matrix_dot()
