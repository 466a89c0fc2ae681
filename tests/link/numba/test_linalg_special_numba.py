"""Numba translations of the linear-algebra ops and SciPy special functions.

The op database (``test_op_db_numba.py``) compares one sample per entry with
the Python linker; these tests cover what it does not sample: SciPy's exact
values at extreme points, errors for singular or indefinite matrices and
non-finite inputs, and the modes and flags of the ops.
"""

from __future__ import annotations

import subprocess
import sys
import warnings

import numpy as np
import pytest

pytest.importorskip("numba", reason="the Numba backend needs numba")
scipy_linalg = pytest.importorskip("scipy.linalg", reason="reference values")
ss = pytest.importorskip("scipy.special", reason="reference values")

import aesara  # noqa: E402
import aesara.tensor as at  # noqa: E402
from aesara.link.numba.dispatch import special  # noqa: E402
from aesara.link.numba.dispatch.special import hurwitz_zeta  # noqa: E402
from aesara.tensor import nlinalg, slinalg  # noqa: E402


def _nopython_function(inputs, outputs):
    """An aesara function in the NUMBA mode, checked to compile in nopython mode."""
    with warnings.catch_warnings():
        warnings.simplefilter("error", UserWarning)
        fn = aesara.function(inputs, outputs, mode="NUMBA")
    assert fn.maker.linker.nopython
    return fn


_POINTS = np.array(
    [0.0, -0.0, -1.0, -2.5, 1e-300, 0.5, 1.0, 3.7, 30.0, 1e5, np.inf, -np.inf, np.nan]
)


def test_unary_special_functions_equal_scipy_exactly():
    x = at.dvector("x")
    cases = [
        (at.psi, ss.psi),
        (at.erfcx, ss.erfcx),
        (at.erfinv, ss.erfinv),
        (at.erfcinv, ss.erfcinv),
        (at.i0, ss.i0),
        (at.i1, ss.i1),
        (at.j0, ss.j0),
        (at.j1, ss.j1),
    ]
    fn = _nopython_function([x], [build(x) for build, _ in cases])
    got = fn(_POINTS)
    for (_, ref), value in zip(cases, got):
        with np.errstate(all="ignore"):
            expected = ref(_POINTS)
        np.testing.assert_array_equal(value, expected, err_msg=ref.__name__)


def test_binary_special_functions_equal_scipy_exactly():
    a, x = at.dvectors("a", "x")
    grid_a, grid_x = (g.ravel() for g in np.meshgrid(_POINTS, _POINTS))
    cases = [
        (at.gammainc, ss.gammainc),
        (at.gammaincc, ss.gammaincc),
        (at.owens_t, ss.owens_t),
        (at.iv, ss.iv),
        (at.jv, ss.jv),
        (at.chi2sf, lambda x, k: ss.chdtrc(k, x)),
        (at.gammal, lambda k, x: ss.gammainc(k, x) * ss.gamma(k)),
        (at.gammau, lambda k, x: ss.gammaincc(k, x) * ss.gamma(k)),
    ]
    fn = _nopython_function([a, x], [build(a, x) for build, _ in cases])
    got = fn(grid_a, grid_x)
    for k, ((_, ref), value) in enumerate(zip(cases, got)):
        with np.errstate(all="ignore"):
            expected = ref(grid_a, grid_x)
        np.testing.assert_array_equal(value, expected, err_msg=f"case {k}")


def test_float32_kernels_of_betainc_and_erfinv_are_scipys():
    # SciPy has single-precision kernels for these two: float32 results
    # differ from rounding the double-precision ones.
    rng = np.random.default_rng(3)
    a, b, p = (rng.uniform(0.5, 6.0, 50).astype("float32") for _ in range(3))
    p = (p / 6.5).astype("float32")
    u = rng.uniform(-0.99, 0.99, 50).astype("float32")
    va, vb, vp, vu = at.fvectors("a", "b", "p", "u")
    fn = _nopython_function(
        [va, vb, vp, vu],
        [at.betainc(va, vb, vp), at.erfinv(vu), at.hyp2f1(va, vb, va + vb, vp - 0.5)],
    )
    beta, inv, hyp = fn(a, b, p, u)
    assert beta.dtype == inv.dtype == hyp.dtype == np.float32
    np.testing.assert_array_equal(beta, ss.betainc(a, b, p))
    np.testing.assert_array_equal(inv, ss.erfinv(u))
    np.testing.assert_array_equal(
        hyp, ss.hyp2f1(a, b, a + b, (p - np.float32(0.5)).astype("float32"))
    )


def test_polygamma_and_trigamma_match_scipy():
    n = at.lvector("n")
    x = at.dvector("x")
    fn = _nopython_function([n, x], [at.polygamma(n, x), at.tri_gamma(x)])
    xs = np.array(
        [0.3, 1.0, 2.5, 7.25, 40.0, 1e3, 1e10, -1.5, -2.0, 0.0, 1e-300, np.nan]
    )
    for order in (0, 1, 2, 3, 6, 12):
        ns = np.full(xs.shape, order)
        poly, tri = fn(ns, xs)
        with np.errstate(all="ignore"):
            expected = ss.polygamma(ns, xs)
            expected_tri = ss.polygamma(1, xs)
        expected_tri[(xs <= 0) & (xs == np.floor(xs))] = np.inf
        np.testing.assert_allclose(poly, expected, rtol=1e-13, err_msg=f"n={order}")
        np.testing.assert_allclose(tri, expected_tri, rtol=1e-13)


def test_hurwitz_zeta_against_scipy():
    for s in (1.5, 2.0, 3.0, 7.0, 20.0, 60.0):
        for q in (1e-3, 0.5, 1.0, 9.5, 11.0, 1e4, -0.5, -3.25):
            with np.errstate(all="ignore"):
                expected = ss.zeta(s, q)
            got = hurwitz_zeta(s, q)
            if np.isnan(expected):
                assert np.isnan(got), (s, q)
            else:
                np.testing.assert_allclose(
                    got, expected, rtol=1e-13, err_msg=f"{s}, {q}"
                )
    assert hurwitz_zeta(1.0, 2.0) == np.inf
    assert np.isnan(hurwitz_zeta(0.5, 2.0))
    assert hurwitz_zeta(2.0, -3.0) == np.inf


def test_solve_triangular_flags_and_singular_matrix():
    a = at.dmatrix("a")
    b = at.dmatrix("b")
    outs = [
        slinalg.solve_triangular(a, b, lower=True),
        slinalg.solve_triangular(a, b, lower=False, trans=1, unit_diagonal=True),
        slinalg.solve_triangular(a, b, lower=True, trans="C"),
    ]
    fn = _nopython_function([a, b], outs)
    rng = np.random.default_rng(0)
    av = rng.normal(size=(4, 4)) + 4 * np.eye(4)
    bv = rng.normal(size=(4, 2))
    expected = [
        scipy_linalg.solve_triangular(av, bv, lower=True),
        scipy_linalg.solve_triangular(av, bv, trans=1, unit_diagonal=True),
        scipy_linalg.solve_triangular(av, bv, lower=True, trans="C"),
    ]
    for got, exp in zip(fn(av, bv), expected):
        np.testing.assert_allclose(got, exp, rtol=1e-12)
    singular = av.copy()
    singular[2, 2] = 0.0
    with pytest.raises(np.linalg.LinAlgError, match="singular"):
        fn(singular, bv)
    with pytest.raises(ValueError, match="infs or NaNs"):
        fn(av, np.full((4, 2), np.nan))
    with pytest.raises(ValueError, match="rows"):
        fn(av, bv[:3])


def test_cho_solve_does_not_check_singularity_like_scipy():
    c = at.dmatrix("c")
    b = at.dvector("b")
    fn = _nopython_function([c, b], slinalg.cho_solve((c, True), b))
    rng = np.random.default_rng(1)
    low = np.tril(rng.normal(size=(3, 3))) + 3 * np.eye(3)
    bv = rng.normal(size=3)
    np.testing.assert_allclose(
        fn(low, bv), scipy_linalg.cho_solve((low, True), bv), rtol=1e-12
    )
    low[1, 1] = 0.0
    with np.errstate(all="ignore"):
        expected = scipy_linalg.cho_solve((low, True), bv)
    np.testing.assert_array_equal(np.isnan(fn(low, bv)), np.isnan(expected))


def test_solve_pos_and_sym_read_one_triangle_and_reject_indefinite():
    a = at.dmatrix("a")
    b = at.dvector("b")
    fn = _nopython_function(
        [a, b],
        [
            slinalg.solve(a, b, assume_a="pos", lower=True),
            slinalg.solve(a, b, assume_a="sym", lower=False),
        ],
    )
    rng = np.random.default_rng(2)
    m = rng.normal(size=(4, 4))
    spd = m @ m.T + 4 * np.eye(4)
    # Garbage in the unread triangle.
    noisy = spd + np.triu(rng.normal(size=(4, 4)), 1)
    noisy_upper = spd + np.tril(rng.normal(size=(4, 4)), -1)
    bv = rng.normal(size=4)
    pos, _ = fn(noisy, bv)
    np.testing.assert_allclose(
        pos, scipy_linalg.solve(noisy, bv, assume_a="pos", lower=True), rtol=1e-12
    )
    _, sym = fn(noisy_upper, bv)
    np.testing.assert_allclose(
        sym, scipy_linalg.solve(noisy_upper, bv, assume_a="sym"), rtol=1e-12
    )
    with pytest.raises(np.linalg.LinAlgError):
        fn(-spd, bv)


def test_eigvalsh_generalized_errors_and_upper_triangle():
    a, b = at.dmatrices("a", "b")
    fn = _nopython_function([a, b], slinalg.Eigvalsh(lower=False)(a, b))
    rng = np.random.default_rng(4)
    m = rng.normal(size=(3, 3))
    av = m + m.T + np.tril(rng.normal(size=(3, 3)), -1)
    bv = m @ m.T + np.eye(3)
    np.testing.assert_allclose(
        fn(av, bv), scipy_linalg.eigvalsh(av, bv, lower=False), rtol=1e-10
    )
    with pytest.raises(np.linalg.LinAlgError):
        fn(av, -np.eye(3))
    with pytest.raises(ValueError, match="infs or NaNs"):
        fn(np.full((3, 3), np.inf), bv)


def test_expm_scaling_branch_and_float32():
    x = at.dmatrix("x")
    y = at.fmatrix("y")
    fn = _nopython_function([x, y], [slinalg.expm(x), slinalg.expm(y)])
    rng = np.random.default_rng(5)
    big = 3.0 * rng.normal(size=(5, 5))  # 1-norm well above 5.37: squarings
    small = 1e-3 * rng.normal(size=(5, 5)).astype("float32")
    e64, e32 = fn(big, small)
    np.testing.assert_allclose(e64, scipy_linalg.expm(big), rtol=1e-10)
    assert e32.dtype == np.float32
    np.testing.assert_allclose(e32, scipy_linalg.expm(small), rtol=1e-5)


def test_qr_modes_match_numpy():
    x = at.dmatrix("x")
    outs = []
    for mode in ("reduced", "complete", "r", "raw"):
        res = nlinalg.qr(x, mode)
        outs.extend(res if isinstance(res, (list, tuple)) else [res])
    fn = _nopython_function([x], outs)
    rng = np.random.default_rng(6)
    for shape in ((5, 3), (3, 5)):
        xv = rng.normal(size=shape)
        expected = []
        for mode in ("reduced", "complete", "r", "raw"):
            res = np.linalg.qr(xv, mode=mode)
            expected.extend(res if mode != "r" else [res])
        for got, exp in zip(fn(xv), expected):
            assert got.shape == exp.shape
            np.testing.assert_allclose(got, exp, rtol=1e-12, atol=1e-14)


def test_eig_complex_pairs_and_non_finite():
    x = at.dmatrix("x")
    fn = _nopython_function([x], nlinalg.eig(x))
    rot = np.array([[0.0, -2.0, 0.0], [2.0, 0.0, 0.0], [0.0, 0.0, 3.0]])
    w, v = fn(rot)
    w0, v0 = np.linalg.eig(rot)
    np.testing.assert_allclose(w, w0)
    np.testing.assert_allclose(v, v0)
    with pytest.raises(np.linalg.LinAlgError):
        fn(np.full((2, 2), np.nan))


def test_tensorinv_singular_and_discrete_lyapunov_bilinear():
    a = at.dtensor3("a")
    q = at.dmatrix("q")
    m = at.dmatrix("m")
    fn_inv = _nopython_function([a], nlinalg.tensorinv(a, ind=1))
    rng = np.random.default_rng(7)
    av = rng.normal(size=(6, 2, 3))
    np.testing.assert_allclose(fn_inv(av), np.linalg.tensorinv(av, ind=1), rtol=1e-10)
    with pytest.raises(np.linalg.LinAlgError):
        fn_inv(np.zeros((6, 2, 3)))
    fn_lyap = _nopython_function(
        [m, q], slinalg.solve_discrete_lyapunov(m, q, method="bilinear")
    )
    mv = 0.3 * rng.normal(size=(4, 4))
    qv = rng.normal(size=(4, 4))
    np.testing.assert_allclose(
        fn_lyap(mv, qv),
        scipy_linalg.solve_discrete_lyapunov(mv, qv, method="bilinear"),
        rtol=1e-9,
    )


def test_scipy_functions_register_their_symbols_on_first_access():
    # Calling an unregistered external symbol would crash the interpreter:
    # the functions exist only once SciPy's symbols are registered.
    code = (
        "from aesara.link.numba.dispatch import special\n"
        "import scipy.special as ss\n"
        "assert not special._FUNCTIONS\n"
        "assert special.jv(1.5, 2.0) == ss.jv(1.5, 2.0)\n"
        "assert special.erfinv_f(0.25) == ss.erfinv(__import__('numpy').float32(0.25))\n"
        "print('ok')\n"
    )
    proc = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=600
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert proc.stdout.strip() == "ok"
    with pytest.raises(AttributeError, match="no_such_function"):
        special.no_such_function  # noqa: B018
