"""Gradients through ``aesara.scan``: first and second order, truncation,
while loops, nested loops, R-operator, Jacobians."""

from __future__ import annotations

import numpy as np
import pytest

import aesara
import aesara.tensor as at
from aesara.gradient import Lop, Rop, hessian, jacobian, verify_grad
from aesara.scan.utils import until


def _gen(seed=2024):
    return np.random.default_rng(seed)


def _check(fun, pt, seed=0):
    verify_grad(fun, pt, n_tests=2, rng=np.random.default_rng(seed))


def _np_linear(xv, h0, a):
    hs, h = [], h0
    for v in xv:
        h = a * h + v
        hs.append(h)
    return np.array(hs)


def _np_cumprod_hessian(xv):
    """Hessian of sum_t prod_{i<=t} x_i (all x_i nonzero)."""
    p = np.cumprod(xv)
    n = len(xv)
    tail = np.array([p[s:].sum() for s in range(n)])  # sum_{t>=s} p_t
    hess = np.zeros((n, n))
    for i in range(n):
        for j in range(n):
            if i != j:
                hess[i, j] = tail[max(i, j)] / (xv[i] * xv[j])
    return hess


def _cumprod_scan(x):
    prods, _ = aesara.scan(
        lambda v, p: p * v,
        sequences=x,
        outputs_info=at.constant(1.0, dtype="float64"),
    )
    return prods


# ---------------------------------------------------------------------------
# First order, checked with finite differences
# ---------------------------------------------------------------------------


@pytest.mark.slow  # also covered by the op database (scan_map_taps)
def test_grad_wrt_sequence_with_taps():
    def fun(x):
        out, _ = aesara.scan(
            lambda a, b, c: a * b + at.sin(c), sequences=dict(input=x, taps=[-1, 0, 1])
        )
        return out

    _check(fun, [_gen().normal(size=7)])


def test_grad_wrt_sit_sot_initial_state_and_non_sequence():
    def fun(x, h0, w):
        out, _ = aesara.scan(
            lambda xt, h, ww: at.tanh(ww * h + xt),
            sequences=x,
            outputs_info=h0,
            non_sequences=w,
        )
        return out

    rng = _gen(1)
    _check(fun, [rng.normal(size=5), np.asarray(0.3), np.asarray(-0.8)])


def test_grad_wrt_mit_sot_initial_state():
    def fun(h0, a):
        out, _ = aesara.scan(
            lambda m2, m1, aa: aa * m2 + at.sin(m1),
            outputs_info=dict(initial=h0, taps=[-2, -1]),
            non_sequences=a,
            n_steps=5,
        )
        return out

    rng = _gen(2)
    _check(fun, [rng.normal(size=2), np.asarray(0.7)])


def test_grad_of_a_small_rnn():
    def fun(xs, h0, W):
        hs, _ = aesara.scan(
            lambda x_t, h, w: at.tanh(at.dot(w, h) + x_t),
            sequences=xs,
            outputs_info=h0,
            non_sequences=W,
        )
        return hs

    rng = _gen(3)
    _check(
        fun,
        [rng.normal(size=(4, 3)), rng.normal(size=3), rng.normal(size=(3, 3)) * 0.5],
    )


def test_grad_go_backwards():
    def fun(x, h0):
        out, _ = aesara.scan(
            lambda v, h: h * at.cos(v) + v**2,
            sequences=x,
            outputs_info=h0,
            go_backwards=True,
        )
        return out

    rng = _gen(4)
    _check(fun, [rng.normal(size=5), np.asarray(0.4)])


def test_grad_with_map_like_and_recurrent_outputs():
    def fun(x, h0):
        (h, z), _ = aesara.scan(
            lambda v, hh: [hh * 0.5 + v, at.exp(hh) * v],
            sequences=x,
            outputs_info=[h0, None],
        )
        return h + z

    rng = _gen(5)
    _check(fun, [rng.normal(size=6) * 0.5, np.asarray(0.2)])


def test_grad_through_symbolic_n_steps_power():
    a = at.dvector("a")
    k = at.iscalar("k")
    powers, _ = aesara.scan(
        lambda prev, base: prev * base,
        outputs_info=at.ones_like(a),
        non_sequences=a,
        n_steps=k,
    )
    g = aesara.grad(powers[-1].sum(), a)
    f = aesara.function([a, k], g)
    av = np.array([1.0, 2.0, -0.5, 3.0])
    np.testing.assert_allclose(f(av, 4), 4 * av**3)
    np.testing.assert_allclose(f(av, 1), np.ones(4))


# ---------------------------------------------------------------------------
# First order, checked against closed forms
# ---------------------------------------------------------------------------


def _linear_recurrence(truncate_gradient=-1):
    x = at.dvector("x")
    h0 = at.dscalar("h0")
    a = at.dscalar("a")
    h, _ = aesara.scan(
        lambda xt, hp, aa: aa * hp + xt,
        sequences=x,
        outputs_info=h0,
        non_sequences=a,
        truncate_gradient=truncate_gradient,
    )
    return x, h0, a, h


def test_grad_linear_recurrence_closed_form():
    x, h0, a, h = _linear_recurrence()
    gx, gh0, ga = aesara.grad(h.sum(), [x, h0, a])
    f = aesara.function([x, h0, a], [h, gx, gh0, ga])

    xv = _gen(6).normal(size=6)
    h0v, av = 0.3, 0.7
    n = len(xv)
    rh, rgx, rgh0, rga = f(xv, h0v, av)

    np.testing.assert_allclose(rh, _np_linear(xv, h0v, av))
    exp_gx = [sum(av ** (t - s) for t in range(s, n)) for s in range(n)]
    np.testing.assert_allclose(rgx, exp_gx)
    np.testing.assert_allclose(rgh0, sum(av**t for t in range(1, n + 1)))
    # dh_t/da = h_{t-1} + a * dh_{t-1}/da
    hs = np.concatenate([[h0v], _np_linear(xv, h0v, av)])
    d, total = 0.0, 0.0
    for t in range(1, n + 1):
        d = hs[t - 1] + av * d
        total += d
    np.testing.assert_allclose(rga, total)


@pytest.mark.parametrize("k", [1, 3])
def test_truncate_gradient(k):
    x, h0, a, h = _linear_recurrence(truncate_gradient=k)
    gx = aesara.grad(h.sum(), x)
    f = aesara.function([x, h0, a], [h, gx])

    xv = _gen(7).normal(size=6)
    av = 0.5
    n = len(xv)
    rh, rgx = f(xv, 0.1, av)
    # Truncation changes gradients only, never the forward values.
    np.testing.assert_allclose(rh, _np_linear(xv, 0.1, av))
    full = np.array([sum(av ** (t - s) for t in range(s, n)) for s in range(n)])
    expected = np.where(np.arange(n) >= n - k, full, 0.0)
    np.testing.assert_allclose(rgx, expected)
    assert np.count_nonzero(rgx) == k


def test_grad_wrt_shared_variable_read_in_step():
    W = aesara.shared(_gen(8).normal(size=(2, 2)) * 0.5, name="W")
    X = at.dmatrix("X")
    h0 = at.dvector("h0")
    hs, _ = aesara.scan(
        lambda x_t, h: at.tanh(at.dot(W, h) + x_t), sequences=X, outputs_info=h0
    )
    cost = (hs**2).sum()
    gW, gh0 = aesara.grad(cost, [W, h0])
    f_cost = aesara.function([X, h0], cost)
    f_grad = aesara.function([X, h0], [gW, gh0])

    rng = _gen(9)
    xv = rng.normal(size=(5, 2))
    h0v = rng.normal(size=2)
    rgW, rgh0 = f_grad(xv, h0v)

    w0 = W.get_value().copy()
    eps = 1e-6
    num = np.zeros_like(w0)
    for idx in np.ndindex(*w0.shape):
        wp, wm = w0.copy(), w0.copy()
        wp[idx] += eps
        wm[idx] -= eps
        W.set_value(wp)
        cp = f_cost(xv, h0v)
        W.set_value(wm)
        cm = f_cost(xv, h0v)
        num[idx] = (cp - cm) / (2 * eps)
    W.set_value(w0)
    np.testing.assert_allclose(rgW, num, rtol=1e-5, atol=1e-7)

    num_h0 = np.zeros(2)
    for i in range(2):
        e = np.zeros(2)
        e[i] = eps
        num_h0[i] = (f_cost(xv, h0v + e) - f_cost(xv, h0v - e)) / (2 * eps)
    np.testing.assert_allclose(rgh0, num_h0, rtol=1e-5, atol=1e-7)


# ---------------------------------------------------------------------------
# While loops
# ---------------------------------------------------------------------------


def test_grad_of_while_loop_recurrence():
    x0 = at.dscalar("x0")
    a = at.dscalar("a")

    def step(x, aa):
        new = x * aa
        return new, until(new > 10.0)

    out, _ = aesara.scan(step, outputs_info=x0, non_sequences=a, n_steps=50)
    gx0, ga = aesara.grad(out.sum(), [x0, a])
    f = aesara.function([x0, a], [out, gx0, ga])

    x0v, av = 1.0, 1.5
    ref, x = [], x0v
    while True:
        x = x * av
        ref.append(x)
        if x > 10.0:
            break
    steps = np.arange(1, len(ref) + 1)
    r_out, r_gx0, r_ga = f(x0v, av)
    np.testing.assert_allclose(r_out, ref)
    np.testing.assert_allclose(r_gx0, np.sum(av**steps))
    np.testing.assert_allclose(r_ga, np.sum(steps * x0v * av ** (steps - 1)))


def test_grad_of_while_loop_over_sequence_is_zero_after_the_stop():
    x = at.dvector("x")
    thr = at.dscalar("thr")
    out, _ = aesara.scan(
        lambda v, u: (v**2, until(v > u)), sequences=x, non_sequences=thr
    )
    g = aesara.grad(out.sum(), x)
    f = aesara.function([x, thr], [out, g])
    xv = np.array([1.0, 2.0, 3.0, 7.0, 1.0, 2.0])
    r_out, r_g = f(xv, 5.0)
    np.testing.assert_allclose(r_out, [1.0, 4.0, 9.0, 49.0])
    assert r_g.shape == xv.shape
    np.testing.assert_allclose(r_g, [2.0, 4.0, 6.0, 14.0, 0.0, 0.0])


# ---------------------------------------------------------------------------
# Nested loops
# ---------------------------------------------------------------------------


def test_nested_scan_values_and_gradient():
    def fun(M, w):
        def outer_step(row, ww):
            inner, _ = aesara.scan(
                lambda v, h, w_: h * w_ + at.sin(v),
                sequences=row,
                outputs_info=at.constant(0.0, dtype="float64"),
                non_sequences=ww,
            )
            return inner[-1]

        out, _ = aesara.scan(outer_step, sequences=M, non_sequences=w)
        return out

    M = at.dmatrix("M")
    w = at.dscalar("w")
    f = aesara.function([M, w], fun(M, w))
    rng = _gen(10)
    mv = rng.normal(size=(3, 4))
    ref = []
    for row in mv:
        h = 0.0
        for v in row:
            h = h * 0.8 + np.sin(v)
        ref.append(h)
    np.testing.assert_allclose(f(mv, 0.8), ref)

    _check(fun, [mv, np.asarray(0.8)])


def test_nested_scan_inner_uses_outer_state():
    x0 = at.dscalar("x0")

    def outer_step(s):
        inner, _ = aesara.scan(lambda h: h * s + 1.0, outputs_info=s, n_steps=2)
        return inner[-1]

    out, _ = aesara.scan(outer_step, outputs_info=x0, n_steps=3)
    g = aesara.grad(out[-1], x0)
    f = aesara.function([x0], [out, g])

    def np_outer(s):
        h = s
        for _ in range(2):
            h = h * s + 1.0
        return h

    def np_all(s0):
        res, s = [], s0
        for _ in range(3):
            s = np_outer(s)
            res.append(s)
        return np.array(res)

    x0v = 0.3
    r_out, r_g = f(x0v)
    np.testing.assert_allclose(r_out, np_all(x0v))
    eps = 1e-6
    num = (np_all(x0v + eps)[-1] - np_all(x0v - eps)[-1]) / (2 * eps)
    np.testing.assert_allclose(r_g, num, rtol=1e-6)


# ---------------------------------------------------------------------------
# Second order, R-operator, Jacobian
# ---------------------------------------------------------------------------


@pytest.mark.slow  # nested backward loops: ~1 min of compiling on 2 cores
def test_hessian_and_hessian_vector_product():
    x = at.dvector("x")
    v = at.dvector("v")
    cost = _cumprod_scan(x).sum()
    H = hessian(cost, x)
    g = aesara.grad(cost, x)
    Hv = aesara.grad((g * v).sum(), x)
    f = aesara.function([x, v], [g, H, Hv])

    rng = _gen(11)
    xv = rng.uniform(0.5, 1.5, size=5)
    vv = rng.normal(size=5)
    p = np.cumprod(xv)
    exp_g = np.array([p[s:].sum() for s in range(5)]) / xv
    exp_H = _np_cumprod_hessian(xv)

    r_g, r_H, r_Hv = f(xv, vv)
    np.testing.assert_allclose(r_g, exp_g)
    assert r_H.shape == (5, 5)
    np.testing.assert_allclose(r_H, exp_H, atol=1e-10)
    np.testing.assert_allclose(r_Hv, exp_H @ vv, atol=1e-10)


def test_second_derivative_of_recurrence():
    # h_t = h_{t-1}^2 * c,  d^2 h_n / dh0^2 checked with finite differences of
    # the symbolic first derivative.
    h0 = at.dscalar("h0")
    c = at.dscalar("c")
    hs, _ = aesara.scan(
        lambda h, cc: h * h * cc, outputs_info=h0, non_sequences=c, n_steps=3
    )
    d1 = aesara.grad(hs[-1], h0)
    d2 = aesara.grad(d1, h0)
    f = aesara.function([h0, c], [d1, d2])

    # h_3 = c^7 h0^8 in closed form.
    h0v, cv = 0.9, 0.6
    r1, r2 = f(h0v, cv)
    np.testing.assert_allclose(r1, 8 * cv**7 * h0v**7)
    np.testing.assert_allclose(r2, 56 * cv**7 * h0v**6)


def test_rop_matches_finite_differences_and_lop():
    X = at.dmatrix("X")
    W = at.dmatrix("W")
    h0 = at.dvector("h0")
    U = at.dmatrix("U")
    Uw = at.dmatrix("Uw")
    V = at.dmatrix("V")

    hs, _ = aesara.scan(
        lambda x_t, h, w: at.tanh(at.dot(w, h) + x_t),
        sequences=X,
        outputs_info=h0,
        non_sequences=W,
    )
    JU = Rop(hs, [X, W], [U, Uw])
    JTV_X, JTV_W = Lop(hs, [X, W], V)
    f = aesara.function([X, W, h0, U, Uw, V], [hs, JU, JTV_X, JTV_W])
    f_fwd = aesara.function([X, W, h0], hs)

    rng = _gen(12)
    xv = rng.normal(size=(4, 3))
    wv = rng.normal(size=(3, 3)) * 0.5
    h0v = rng.normal(size=3)
    uv = rng.normal(size=(4, 3))
    uwv = rng.normal(size=(3, 3))
    vv = rng.normal(size=(4, 3))

    r_hs, r_JU, r_JX, r_JW = f(xv, wv, h0v, uv, uwv, vv)
    assert r_JU.shape == r_hs.shape == (4, 3)
    assert r_JX.shape == xv.shape
    assert r_JW.shape == wv.shape

    eps = 1e-6
    fd = (
        f_fwd(xv + eps * uv, wv + eps * uwv, h0v)
        - f_fwd(xv - eps * uv, wv - eps * uwv, h0v)
    ) / (2 * eps)
    np.testing.assert_allclose(r_JU, fd, rtol=1e-5, atol=1e-8)

    # v^T (J u) == (J^T v)^T u
    lhs = np.sum(vv * r_JU)
    rhs = np.sum(r_JX * uv) + np.sum(r_JW * uwv)
    np.testing.assert_allclose(lhs, rhs, rtol=1e-10)


def test_rop_of_simple_map():
    x = at.dvector("x")
    u = at.dvector("u")
    out, _ = aesara.scan(lambda v: at.sin(v) * v, sequences=x)
    ju = Rop(out, x, u)
    f = aesara.function([x, u], ju)
    xv = np.array([0.1, 1.0, -2.0])
    uv = np.array([1.0, -0.5, 2.0])
    np.testing.assert_allclose(f(xv, uv), (np.cos(xv) * xv + np.sin(xv)) * uv)


def test_jacobian_of_scan_output():
    x = at.dvector("x")
    J = jacobian(_cumprod_scan(x), x)
    f = aesara.function([x], J)
    xv = np.array([1.5, -0.5, 2.0, 0.8])
    p = np.cumprod(xv)
    expected = np.zeros((4, 4))
    for t in range(4):
        for i in range(t + 1):
            expected[t, i] = p[t] / xv[i]
    res = f(xv)
    assert res.shape == (4, 4)
    np.testing.assert_allclose(res, expected)
