"""End-to-end uses of symbolic gradients: training, densities, Hessians."""

from __future__ import annotations

import numpy as np
import pytest

import aesara
import aesara.tensor as at
from aesara.gradient import grad, hessian
from aesara.tensor.type import TensorType


def _logistic_data(seed=0, n=200, d=3):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, d))
    true_w = np.array([1.5, -2.0, 0.5])[:d]
    p = 1 / (1 + np.exp(-(X @ true_w)))
    y = (rng.random(n) < p).astype("float64")
    return X, y


def _logistic_loss(X, y, w, l2):
    z = at.dot(X, w)
    # -log-likelihood with a ridge term: sum(softplus(z) - y z) + l2/2 |w|^2.
    return (at.softplus(z) - y * z).sum() + 0.5 * l2 * (w**2).sum()


def test_logistic_regression_gradient_descent_reaches_optimum():
    X_val, y_val = _logistic_data()
    d = X_val.shape[1]
    l2 = 1.0
    X = at.dmatrix("X")
    y = at.dvector("y")
    w = aesara.shared(np.zeros(d), name="w")
    loss = _logistic_loss(X, y, w, l2)
    g = grad(loss, w)
    lr = 0.004
    step = aesara.function([X, y], [loss, g], updates=[(w, w - lr * g)])
    for _ in range(600):
        step(X_val, y_val)
    w_fit = w.get_value()

    # Independent check: Newton's method in NumPy on the same (strictly
    # convex) objective reaches the unique optimum.
    w_ref = np.zeros(d)
    for _ in range(50):
        p = 1 / (1 + np.exp(-(X_val @ w_ref)))
        g_ref = X_val.T @ (p - y_val) + l2 * w_ref
        H_ref = X_val.T @ (X_val * (p * (1 - p))[:, None]) + l2 * np.eye(d)
        w_ref = w_ref - np.linalg.solve(H_ref, g_ref)
    np.testing.assert_allclose(w_fit, w_ref, rtol=1e-6, atol=1e-8)

    # The gradient vanishes at the optimum found.
    grad_fn = aesara.function([X, y], g)
    assert np.max(np.abs(grad_fn(X_val, y_val))) < 1e-6


def test_gaussian_log_density_gradient_closed_form():
    x = at.dvector("x")
    mu = at.dscalar("mu")
    log_sigma = at.dscalar("log_sigma")
    sigma = at.exp(log_sigma)
    logp = (
        -0.5 * (((x - mu) / sigma) ** 2) - log_sigma - 0.5 * np.log(2 * np.pi)
    ).sum()
    g_x, g_mu, g_ls = grad(logp, [x, mu, log_sigma])
    f = aesara.function([x, mu, log_sigma], [logp, g_x, g_mu, g_ls])
    rng = np.random.default_rng(3)
    xv = rng.normal(size=7)
    m, ls = 0.3, -0.2
    s = np.exp(ls)
    val, gx, gm, gls = f(xv, m, ls)
    from scipy import stats

    np.testing.assert_allclose(val, stats.norm(m, s).logpdf(xv).sum())
    np.testing.assert_allclose(gx, -(xv - m) / s**2)
    np.testing.assert_allclose(gm, ((xv - m) / s**2).sum())
    np.testing.assert_allclose(gls, (((xv - m) / s) ** 2 - 1).sum())


@pytest.mark.parametrize("vectorize", [False, True])
def test_hessian_of_quadratic_form(vectorize):
    x = TensorType("float64", (4,))("x")
    A = at.dmatrix("A")
    H = hessian(at.dot(x, at.dot(A, x)), x, vectorize=vectorize)
    rng = np.random.default_rng(5)
    A_val = rng.normal(size=(4, 4))
    np.testing.assert_allclose(
        aesara.function([x, A], H)(rng.normal(size=4), A_val), A_val + A_val.T
    )


def test_hessian_of_logistic_loss_closed_form():
    X_val, y_val = _logistic_data(seed=1, n=50)
    d = X_val.shape[1]
    X = at.dmatrix("X")
    y = at.dvector("y")
    w = TensorType("float64", (d,))("w")
    loss = _logistic_loss(X, y, w, 0.0)
    H = hessian(loss, w)
    w_val = np.array([0.2, -0.1, 0.4])
    p = 1 / (1 + np.exp(-(X_val @ w_val)))
    expected = X_val.T @ np.diag(p * (1 - p)) @ X_val
    np.testing.assert_allclose(
        aesara.function([X, y, w], H)(X_val, y_val, w_val), expected, rtol=1e-10
    )


def test_sigmoid_written_out_matches_builtin_gradient():
    # The same model without the dedicated ops: 1 / (1 + exp(-z)).
    z = at.dvector("z")
    manual = (1 / (1 + at.exp(-z))).sum()
    builtin = at.sigmoid(z).sum()
    f = aesara.function([z], [grad(manual, z), grad(builtin, z)])
    zv = np.linspace(-4, 4, 9)
    a, b = f(zv)
    s = 1 / (1 + np.exp(-zv))
    np.testing.assert_allclose(a, s * (1 - s))
    np.testing.assert_allclose(b, s * (1 - s))
