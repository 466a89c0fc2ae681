"""Tests of :mod:`aesara.tensor.slinalg` beyond the op database: algebraic
identities, closed-form gradients, higher derivatives, dtypes and errors."""

from __future__ import annotations

import numpy as np
import pytest
import scipy.linalg

import aesara
import aesara.tensor as at
from aesara.gradient import NullTypeGradError, Rop, grad, hessian, verify_grad
from aesara.tensor import slinalg as sl


def _rng(seed=0):
    return np.random.default_rng(seed)


def _spd(rng, n):
    x = rng.normal(size=(n, n))
    return x @ x.T / n + np.eye(n)


def _gram(x):
    return at.dot(x, x.T) + x.shape[0] * at.eye(x.shape[0])


# ---------------------------------------------------------------------------
# Values
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("lower", [True, False])
def test_cholesky_reconstructs_input(lower):
    a = _spd(_rng(), 5)
    x = at.dmatrix("x")
    f = aesara.function([x], sl.cholesky(x, lower=lower))
    factor = f(a)
    if lower:
        np.testing.assert_allclose(np.triu(factor, 1), 0)
        np.testing.assert_allclose(factor @ factor.T, a, rtol=1e-12)
    else:
        np.testing.assert_allclose(np.tril(factor, -1), 0)
        np.testing.assert_allclose(factor.T @ factor, a, rtol=1e-12)


def test_cholesky_on_error_nan_and_raise():
    x = at.dmatrix("x")
    bad = np.array([[1.0, 3.0], [3.0, 1.0]])
    assert np.all(np.isnan(aesara.function([x], sl.cholesky(x, on_error="nan"))(bad)))
    with pytest.raises(np.linalg.LinAlgError):
        aesara.function([x], sl.cholesky(x))(bad)


def test_cho_solve_inverts_factored_matrix():
    rng = _rng(1)
    a = _spd(rng, 4)
    b = rng.normal(size=(4, 2))
    for lower in (True, False):
        c = at.dmatrix("c")
        bb = at.dmatrix("b")
        factor = scipy.linalg.cholesky(a, lower=lower)
        x = aesara.function([c, bb], sl.cho_solve((c, lower), bb))(factor, b)
        np.testing.assert_allclose(a @ x, b, atol=1e-12)


def test_triangular_solver_ignores_other_triangle():
    rng = _rng(2)
    a = rng.normal(size=(4, 4)) + 4 * np.eye(4)
    noisy = a + np.triu(rng.normal(size=(4, 4)) * 100, 1)
    b = rng.normal(size=4)
    x = at.dmatrix("x")
    bb = at.dvector("b")
    out = sl.solve_triangular(x, bb, lower=True)
    f = aesara.function([x, bb], [out, grad(out.sum(), x)])
    v1, g1 = f(a, b)
    v2, _ = f(noisy, b)
    np.testing.assert_allclose(v1, v2)
    np.testing.assert_allclose(np.tril(a) @ v1, b, atol=1e-12)
    # Nothing outside the lower triangle is read, so its gradient is zero.
    assert np.all(np.triu(g1, 1) == 0)
    assert np.any(np.tril(g1) != 0)


def test_unit_diagonal_gradient_skips_diagonal():
    rng = _rng(3)
    a = rng.normal(size=(3, 3))
    x = at.dmatrix("x")
    out = sl.solve_triangular(x, at.ones(3), lower=True, unit_diagonal=True)
    g = aesara.function([x], grad(out.sum(), x))(a)
    np.testing.assert_array_equal(np.diag(g), 0)
    np.testing.assert_array_equal(np.triu(g), 0)


@pytest.mark.parametrize("method", ["direct", "bilinear"])
def test_discrete_lyapunov_residual(method):
    rng = _rng(4)
    a = rng.normal(size=(4, 4)) * 0.2
    q = rng.normal(size=(4, 4))
    am, qm = at.dmatrices("a", "q")
    x = aesara.function([am, qm], sl.solve_discrete_lyapunov(am, qm, method=method))(
        a, q
    )
    np.testing.assert_allclose(a @ x @ a.T - x + q, 0, atol=1e-10)


def test_continuous_lyapunov_residual():
    rng = _rng(5)
    a = rng.normal(size=(4, 4)) - 3 * np.eye(4)
    q = rng.normal(size=(4, 4))
    am, qm = at.dmatrices("a", "q")
    x = aesara.function([am, qm], sl.solve_continuous_lyapunov(am, qm))(a, q)
    np.testing.assert_allclose(a @ x + x @ a.T, q, atol=1e-10)


def test_eigvalsh_generalized_satisfies_pencil():
    rng = _rng(6)
    s = rng.normal(size=(4, 4))
    a = s + s.T
    b = _spd(rng, 4)
    am, bm = at.dmatrices("a", "b")
    w = aesara.function([am, bm], sl.eigvalsh(am, bm))(a, b)
    assert np.all(np.diff(w) >= 0)
    for wi in w:
        assert abs(np.linalg.det(a - wi * b)) < 1e-8 * np.linalg.norm(a) ** 4


def test_expm_inverse_and_commuting():
    rng = _rng(7)
    a = rng.normal(size=(3, 3))
    x = at.dmatrix("x")
    e, e_neg = aesara.function([x], [sl.expm(x), sl.expm(-x)])(a)
    np.testing.assert_allclose(e @ e_neg, np.eye(3), atol=1e-12)


def test_kron_static_shape_and_numpy():
    a = at.tensor("float64", shape=(2, 3))
    b = at.tensor("float64", shape=(None, 4))
    out = sl.kron(a, b)
    assert out.type.shape == (None, 12)
    rng = _rng(8)
    av, bv = rng.normal(size=(2, 3)), rng.normal(size=(5, 4))
    np.testing.assert_allclose(aesara.function([a, b], out)(av, bv), np.kron(av, bv))


def test_ready_made_solvers_are_ops():
    assert isinstance(sl.solve_lower_triangular, sl.SolveTriangular)
    assert sl.solve_lower_triangular.lower and not sl.solve_upper_triangular.lower
    assert isinstance(sl.solve_symmetric, sl.Solve)
    assert sl.solve_symmetric.assume_a == "sym"
    assert issubclass(sl.CholeskySolve, sl.SolveBase)
    assert at.slinalg is sl


def test_ops_compare_by_props():
    assert sl.Cholesky(lower=True) == sl.Cholesky()
    assert sl.Cholesky(lower=False) != sl.Cholesky()
    assert sl.SolveTriangular(trans="T") == sl.SolveTriangular(trans=1)
    assert hash(sl.Solve("pos")) == hash(sl.Solve(assume_a="pos"))


# ---------------------------------------------------------------------------
# Dtypes and static shapes
# ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "dtype, expected",
    [
        ("int8", "float32"),
        ("int16", "float32"),
        ("int32", "float64"),
        ("int64", "float64"),
        ("float16", "float32"),
        ("float32", "float32"),
        ("float64", "float64"),
    ],
)
def test_integer_and_half_inputs_upcast(dtype, expected):
    x = at.tensor(dtype, shape=(None, None))
    assert sl.cholesky(x).type.dtype == expected
    assert sl.expm(x).type.dtype == expected
    assert sl.solve(x, at.tensor(dtype, shape=(None,))).type.dtype == expected


def test_mixed_precision_solve_promotes():
    a = at.fmatrix()
    assert sl.solve(a, at.fvector()).type.dtype == "float32"
    assert sl.solve(a, at.dvector()).type.dtype == "float64"
    assert sl.solve(a, at.bvector()).type.dtype == "float32"


def test_static_shapes_propagate():
    a = at.tensor("float64", shape=(3, None))
    b = at.tensor("float64", shape=(None, 5))
    assert sl.solve(a, b).type.shape == (3, 5)
    assert sl.cholesky(a).type.shape == (3, 3)
    assert sl.eigvalsh(at.tensor("float64", shape=(None, 4))).type.shape == (4,)
    assert sl.solve_triangular(
        at.dmatrix(), at.tensor("float64", shape=(6,))
    ).type.shape == (6,)


def test_complex_values_and_missing_complex_gradient():
    z = at.zmatrix("z")
    a = np.array([[2.0, 1j], [-1j, 3.0]])
    f = aesara.function([z], sl.cholesky(z))
    factor = f(a)
    np.testing.assert_allclose(factor @ factor.conj().T, a, atol=1e-12)
    with pytest.raises(NullTypeGradError):
        grad(at.real(sl.cholesky(z)).sum(), z)


# ---------------------------------------------------------------------------
# Errors
# ---------------------------------------------------------------------------


def test_build_errors_name_the_input():
    with pytest.raises(TypeError, match="the matrix a must be a matrix"):
        sl.solve(at.dvector(), at.dvector())
    with pytest.raises(ValueError, match=r"must be a square matrix.*\(2, 3\)"):
        sl.expm(at.tensor("float64", shape=(2, 3)))
    with pytest.raises(ValueError, match="b needs 4 rows"):
        sl.solve_triangular(
            at.tensor("float64", shape=(4, 4)), at.tensor("float64", shape=(3, 2))
        )
    with pytest.raises(ValueError, match="must have the same size"):
        sl.eigvalsh(
            at.tensor("float64", shape=(2, 2)), at.tensor("float64", shape=(3, 3))
        )


def test_check_finite_rejects_nan():
    x = at.dmatrix()
    b = at.dvector()
    a = np.eye(2)
    a[0, 1] = np.nan
    with pytest.raises(ValueError, match="infs or NaNs"):
        aesara.function([x, b], sl.solve(x, b))(a, np.ones(2))


# ---------------------------------------------------------------------------
# Gradients
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("b_shape", [(4,), (4, 3)])
def test_solve_gradient_closed_form(b_shape):
    rng = _rng(9)
    a = rng.normal(size=(4, 4)) + 4 * np.eye(4)
    b = rng.normal(size=b_shape)
    w = rng.normal(size=b_shape)
    am = at.dmatrix("a")
    bm = at.tensor("float64", shape=(None,) * len(b_shape), name="b")
    cost = (sl.solve(am, bm) * w).sum()
    ga, gb = aesara.function([am, bm], grad(cost, [am, bm]))(a, b)
    x = np.linalg.solve(a, b)
    gb_expected = np.linalg.solve(a.T, w)
    np.testing.assert_allclose(gb, gb_expected, rtol=1e-10)
    np.testing.assert_allclose(
        ga,
        -np.outer(gb_expected, x) if len(b_shape) == 1 else -gb_expected @ x.T,
        rtol=1e-10,
    )


def test_cholesky_gradient_of_logdet():
    # d/dA log det(A) = A^-1 for symmetric perturbations; with A = L L^T,
    # log det A = 2 sum(log diag(L)).
    rng = _rng(10)
    a = _spd(rng, 4)
    x = at.dmatrix("x")
    low = sl.cholesky(x)
    logdet = 2 * at.log(at.diagonal(low)).sum()
    g = aesara.function([x], grad(logdet, x))(a)
    inv = np.linalg.inv(a)
    # Only the lower triangle is read: the symmetric gradient folds onto it.
    np.testing.assert_allclose(g, np.tril(2 * inv) - np.diag(np.diag(inv)), rtol=1e-10)


def test_eigvalsh_gradient_is_eigenvector_outer_product():
    rng = _rng(11)
    s = rng.normal(size=(3, 3))
    a = s + s.T
    x = at.dmatrix("x")
    g = aesara.function([x], grad(sl.eigvalsh(x)[2], x))(a)
    v = np.linalg.eigh(a)[1][:, 2]
    outer = np.outer(v, v)
    np.testing.assert_allclose(
        g, np.tril(2 * outer) - np.diag(np.diag(outer)), atol=1e-10
    )


def test_cholesky_rop_matches_finite_difference():
    rng = _rng(12)
    a = _spd(rng, 4)
    s = rng.normal(size=(4, 4))
    d = s + s.T
    x = at.dmatrix("x")
    v = at.dmatrix("v")
    jv = aesara.function([x, v], Rop(sl.cholesky(x), x, v))(a, d)
    eps = 1e-6
    fd = (
        scipy.linalg.cholesky(a + eps * d, lower=True)
        - scipy.linalg.cholesky(a - eps * d, lower=True)
    ) / (2 * eps)
    np.testing.assert_allclose(jv, fd, atol=1e-7)


_SECOND_ORDER = {
    "cholesky": lambda x: sl.cholesky(_gram(x)).sum(),
    "cholesky-upper": lambda x: (sl.cholesky(_gram(x), lower=False) ** 2).sum(),
    "solve": lambda x: (sl.solve(x, at.arange(1.0, 4.0)) ** 2).sum(),
    "solve-pos": lambda x: sl.solve(_gram(x), at.ones(3), assume_a="pos").sum(),
    "solve_triangular": lambda x: (
        sl.solve_triangular(x, at.ones(3), lower=True, trans=1) ** 2
    ).sum(),
    "cho_solve": lambda x: (sl.cho_solve((x, False), at.ones(3)) ** 2).sum(),
    "expm": lambda x: (sl.expm(x) ** 2).sum(),
    "kron": lambda x: (sl.kron(x, x) ** 2).sum(),
    "continuous_lyapunov": lambda x: (
        sl.solve_continuous_lyapunov(x - 4 * at.eye(3), at.eye(3)) ** 2
    ).sum(),
    "discrete_lyapunov": lambda x: (
        sl.solve_discrete_lyapunov(x * 0.2, at.eye(3)) ** 2
    ).sum(),
}


@pytest.mark.parametrize("name", sorted(_SECOND_ORDER))
def test_second_derivatives(name):
    cost = _SECOND_ORDER[name]
    rng = _rng(13)
    point = rng.normal(size=(3, 3)) * 0.3 + 2 * np.eye(3)
    verify_grad(lambda x: grad(cost(x), x), [point], rng=rng)


def test_hessian_of_solve_is_symmetric():
    rng = _rng(14)
    a = rng.normal(size=(3, 3)) + 3 * np.eye(3)
    flat = at.tensor("float64", shape=(9,), name="flat")
    cost = (sl.solve(flat.reshape((3, 3)), at.ones(3)) ** 2).sum()
    h = aesara.function([flat], hessian(cost, flat))(a.ravel())
    assert h.shape == (9, 9)
    np.testing.assert_allclose(h, h.T, atol=1e-10)
    assert np.abs(h).max() > 1e-3


def test_eigvalsh_second_derivative_reports_not_implemented():
    x = at.dmatrix("x")
    g = grad(sl.eigvalsh(x).sum() ** 2, x)
    with pytest.raises(NullTypeGradError):
        grad(g.sum(), x)


def test_expm_third_derivative():
    rng = _rng(15)
    point = rng.normal(size=(2, 2)) * 0.5

    def second(x):
        g = grad((sl.expm(x) ** 2).sum(), x)
        return grad((g**2).sum(), x)

    verify_grad(second, [point], rng=rng)
