"""A walk through the topics of Aesara's tutorial, as a new user would.

Each test follows one tutorial topic (adding numbers, more examples,
gradients, conditions, loops, printing, modes, memory aliasing,
broadcasting) with small programs of our own and checks every value they
compute against NumPy.
"""

import io

import numpy as np
import pytest

import aesara
import aesara.tensor as at
from aesara import In, Out, function, pp, shared
from aesara.compile.mode import Mode
from aesara.ifelse import ifelse

RNG = np.random.default_rng(20240607)


# ---------------------------------------------------------------------------
# Baby steps: adding numbers and matrices
# ---------------------------------------------------------------------------


def test_adding_two_scalars():
    x, y = at.dscalars("x", "y")
    z = x + y
    add = function([x, y], z)
    out = add(2, 3)
    assert isinstance(out, np.ndarray) and out.shape == () and out == 5.0
    np.testing.assert_allclose(add(16.3, 12.1), 28.4)
    assert x.type == at.dscalar().type and x.type.dtype == "float64"
    assert z.eval({x: 16.3, y: 12.1}) == pytest.approx(28.4)
    assert pp(z) == "(x + y)"


def test_adding_two_matrices():
    a, b = at.dmatrices("ab")
    add = function([a, b], a + b)
    left = [[1, 2], [3, 4]]
    right = np.array([[10, 20], [30, 40]])
    np.testing.assert_array_equal(add(left, right), np.add(left, right))
    # A vector plus the same vector doubled, as the exercise does.
    u = at.vector("u")
    twice = function([u], u**2 + u)
    vals = np.arange(4, dtype=aesara.config.floatX)
    np.testing.assert_allclose(twice(vals), vals**2 + vals)


# ---------------------------------------------------------------------------
# More examples
# ---------------------------------------------------------------------------


def test_logistic_function_two_ways():
    x = at.dmatrix("x")
    s1 = 1 / (1 + at.exp(-x))
    s2 = (1 + at.tanh(x / 2)) / 2
    f1, f2 = function([x], s1), function([x], s2)
    vals = np.array([[0.0, 1.0], [-1.0, -2.0]])
    expected = 1 / (1 + np.exp(-vals))
    np.testing.assert_allclose(f1(vals), expected)
    np.testing.assert_allclose(f2(vals), expected)


def test_several_outputs_at_once():
    a, b = at.dmatrices("a", "b")
    diff = a - b
    several = function([a, b], [diff, abs(diff), diff**2])
    av, bv = np.array([[1.0, 1.0], [1.0, 1.0]]), np.array([[0.0, 1.0], [2.0, 3.0]])
    d, ad, d2 = several(av, bv)
    np.testing.assert_array_equal(d, av - bv)
    np.testing.assert_array_equal(ad, np.abs(av - bv))
    np.testing.assert_array_equal(d2, (av - bv) ** 2)


def test_default_values_and_names():
    x, y, w = at.dscalars("x", "y", "w")
    z = (x + y) * w
    f = function([x, In(y, value=1), In(w, value=2, name="w_by_name")], z)
    assert f(33) == 68.0
    assert f(33, 2) == 70.0
    assert f(33, 0, 1) == 33.0
    assert f(33, w_by_name=1) == 34.0
    assert f(33, w_by_name=1, y=0) == 33.0


def test_shared_variable_accumulator():
    state = shared(0)
    inc = at.iscalar("inc")
    accumulator = function([inc], state, updates=[(state, state + inc)])
    # The function returns the value before the update.
    assert accumulator(1) == 0
    assert state.get_value() == 1
    accumulator(300)
    assert state.get_value() == 301
    state.set_value(-1)
    accumulator(3)
    assert state.get_value() == 2
    decrementor = function([inc], state, updates=[(state, state - inc)])
    decrementor(2)
    assert state.get_value() == 0


def test_givens_replace_a_shared_variable():
    state = shared(0)
    inc = at.iscalar("inc")
    fn_of_state = state * 2 + inc
    foo = at.scalar(dtype=state.dtype)
    skip_shared = function([inc, foo], fn_of_state, givens=[(state, foo)])
    assert skip_shared(1, 3) == 7
    assert state.get_value() == 0


def test_copying_functions():
    state = shared(0)
    inc = at.iscalar("inc")
    accumulator = function([inc], state, updates=[(state, state + inc)])
    accumulator(10)
    assert state.get_value() == 10
    new_state = shared(0)
    new_accumulator = accumulator.copy(swap={state: new_state})
    new_accumulator(100)
    assert new_state.get_value() == 100 and state.get_value() == 10
    null_accumulator = accumulator.copy(delete_updates=True)
    null_accumulator(9000)
    assert state.get_value() == 10


def test_random_streams():
    srng = at.random.RandomStream(seed=234)
    rv_u = srng.uniform(0, 1, size=(2, 2))
    rv_n = srng.normal(0, 1, size=(2, 2))
    f = function([], rv_u)
    g = function([], rv_n, no_default_updates=True)
    nearly_zeros = function([], rv_u + rv_u - 2 * rv_u)
    f_a, f_b = f(), f()
    assert f_a.shape == (2, 2) and ((0 <= f_a) & (f_a < 1)).all()
    assert not np.array_equal(f_a, f_b)  # the stream advances
    np.testing.assert_array_equal(g(), g())  # no updates: same draw
    # One draw per call: a variable used three times is one sample.
    np.testing.assert_allclose(nearly_zeros(), np.zeros((2, 2)), atol=1e-12)


def test_random_stream_seeding_and_state():
    srng = at.random.RandomStream(seed=234)
    rv_u = srng.uniform(0, 1, size=(3,))
    f = function([], rv_u)
    srng.seed(902340)
    first = f()
    srng.seed(902340)
    np.testing.assert_array_equal(f(), first)
    # Saving and restoring the generator replays the draws.
    rng_var = rv_u.owner.inputs[0]
    saved = rng_var.get_value(borrow=False)
    a = f()
    rng_var.set_value(saved, borrow=False)
    np.testing.assert_array_equal(f(), a)
    # Two functions reading the same stream share its state.
    f2 = function([], rv_u)
    srng.seed(5)
    x1 = f()
    srng.seed(5)
    np.testing.assert_array_equal(f2(), x1)


def test_small_logistic_regression_learns():
    rng = np.random.default_rng(2498)
    n, feats = 60, 5
    X = rng.standard_normal((n, feats))
    true_w = rng.standard_normal(feats)
    Y = (X @ true_w > 0).astype("float64")
    x, y = at.dmatrix("x"), at.dvector("y")
    w = shared(np.zeros(feats), name="w")
    b = shared(0.0, name="b")
    p_1 = 1 / (1 + at.exp(-at.dot(x, w) - b))
    prediction = p_1 > 0.5
    xent = -y * at.log(p_1) - (1 - y) * at.log(1 - p_1)
    cost = xent.mean() + 0.01 * (w**2).sum()
    gw, gb = aesara.grad(cost, [w, b])
    train = function(
        [x, y], [prediction, xent], updates=[(w, w - 0.1 * gw), (b, b - 0.1 * gb)]
    )
    predict = function([x], prediction)
    # The same steps in NumPy.
    wn, bn = np.zeros(feats), 0.0
    for _ in range(50):
        train(X, Y)
        p = 1 / (1 + np.exp(-(X @ wn) - bn))
        gwn = X.T @ (p - Y) / n + 0.02 * wn
        gbn = np.mean(p - Y)
        wn, bn = wn - 0.1 * gwn, bn - 0.1 * gbn
    np.testing.assert_allclose(w.get_value(), wn, rtol=1e-10)
    np.testing.assert_allclose(b.get_value(), bn, rtol=1e-10)
    assert (predict(X) == Y).mean() > 0.8


# ---------------------------------------------------------------------------
# Derivatives
# ---------------------------------------------------------------------------


def test_gradient_of_a_square_and_of_the_logistic():
    x = at.dscalar("x")
    gy = aesara.grad(x**2, x)
    f = function([x], gy)
    assert f(4) == 8.0 and f(94.2) == pytest.approx(188.4)
    # After rewriting, the gradient is a single product.
    assert pp(f.maker.fgraph.outputs[0]) == "(2.0 * x)"
    m = at.dmatrix("m")
    s = at.sum(1 / (1 + at.exp(-m)))
    dlogistic = function([m], aesara.grad(s, m))
    vals = np.array([[0.0, 1.0], [-1.0, -2.0]])
    sig = 1 / (1 + np.exp(-vals))
    np.testing.assert_allclose(dlogistic(vals), sig * (1 - sig))


def test_jacobian_with_scan_and_helper():
    x = at.dvector("x")
    y = x**2
    J, _ = aesara.scan(
        lambda i, y, x: aesara.grad(y[i], x),
        sequences=at.arange(y.shape[0]),
        non_sequences=[y, x],
    )
    f = function([x], J)
    vals = np.array([4.0, 4.0])
    np.testing.assert_allclose(f(vals), np.diag(2 * vals))
    jac = function([x], aesara.gradient.jacobian(y, x))
    np.testing.assert_allclose(jac(vals), np.diag(2 * vals))


def test_hessian_with_scan_and_helper():
    x = at.dvector("x")
    cost = (x**2).sum()
    gy = aesara.grad(cost, x)
    H, _ = aesara.scan(
        lambda i, gy, x: aesara.grad(gy[i], x),
        sequences=at.arange(gy.shape[0]),
        non_sequences=[gy, x],
    )
    vals = np.array([4.0, 4.0])
    np.testing.assert_allclose(function([x], H)(vals), 2 * np.eye(2))
    hess = function([x], aesara.gradient.hessian(cost, x))
    np.testing.assert_allclose(hess(vals), 2 * np.eye(2))


def test_r_and_l_operators():
    W = at.dmatrix("W")
    V = at.dmatrix("V")
    x = at.dvector("x")
    y = at.dot(x, W)
    JV = aesara.gradient.Rop(y, W, V)
    f = function([W, V, x], JV)
    Wv, Vv, xv = np.ones((2, 2)), 2 * np.ones((2, 2)), np.array([0.0, 1.0])
    np.testing.assert_allclose(f(Wv, Vv, xv), xv @ Vv)
    v = at.dvector("v")
    VJ = aesara.gradient.Lop(y, W, v)
    g = function([v, x], VJ)
    vv = np.array([2.0, 2.0])
    np.testing.assert_allclose(g(vv, xv), np.outer(xv, vv))
    # Hessian times a vector, two ways.
    xs = at.dvector("xs")
    u = at.dvector("u")
    cost = at.sum(xs**2)
    gx = aesara.grad(cost, xs)
    hv1 = function([xs, u], aesara.grad(at.sum(gx * u), xs))
    hv2 = function([xs, u], aesara.gradient.Rop(gx, xs, u))
    xv2, uv = np.array([4.0, 4.0]), np.array([2.0, 2.0])
    np.testing.assert_allclose(hv1(xv2, uv), 2 * uv)
    np.testing.assert_allclose(hv2(xv2, uv), 2 * uv)


# ---------------------------------------------------------------------------
# Conditions
# ---------------------------------------------------------------------------


def test_ifelse_is_lazy_and_switch_is_not():
    a, b = at.dscalars("a", "b")
    x, y = at.dmatrices("x", "y")
    z_switch = at.switch(at.lt(a, b), at.mean(x), at.mean(y))
    z_lazy = ifelse(at.lt(a, b), at.mean(x), at.mean(y))
    mode = Mode(linker="vm", optimizer=None)
    f_switch = function([a, b, x, y], z_switch, mode=mode)
    f_lazy = function([a, b, x, y], z_lazy, mode=mode)
    xv, yv = np.ones((20, 20)), np.full((20, 20), 3.0)
    assert f_switch(1, 2, xv, yv) == 1.0 and f_switch(2, 1, xv, yv) == 3.0
    assert f_lazy(1, 2, xv, yv) == 1.0 and f_lazy(2, 1, xv, yv) == 3.0
    # switch is elementwise; ifelse picks a whole branch.
    c, p, q = at.dvectors("cpq")
    sw = function([c, p, q], at.switch(c > 0, p, q))
    cv = np.array([1.0, -1.0] * 10)
    np.testing.assert_array_equal(sw(cv, xv[0], yv[0]), np.where(cv > 0, xv[0], yv[0]))
    # Only the branch taken is computed: the other may be invalid for the data.
    idx = at.lscalar("idx")
    pick = function([a, p, idx], ifelse(at.gt(a, 0), p[idx], a), mode=mode)
    assert pick(1.0, xv[0], 3) == 1.0
    assert pick(-1.0, xv[0], 100) == -1.0  # p[100] would be out of range


# ---------------------------------------------------------------------------
# Loops
# ---------------------------------------------------------------------------


def test_scan_power():
    k = at.iscalar("k")
    A = at.dvector("A")
    result, updates = aesara.scan(
        lambda prior, A: prior * A,
        outputs_info=at.ones_like(A),
        non_sequences=A,
        n_steps=k,
    )
    power = function([A, k], result[-1], updates=updates)
    vals = np.arange(10.0)
    np.testing.assert_allclose(power(vals, 2), vals**2)
    np.testing.assert_allclose(power(vals, 5), vals**5)


def test_scan_polynomial():
    coefficients = at.dvector("coefficients")
    x = at.dscalar("x")
    components, _ = aesara.scan(
        lambda c, power, x: c * (x**power),
        sequences=[coefficients, at.arange(10_000)],
        non_sequences=x,
    )
    poly = function([coefficients, x], components.sum())
    coeffs = np.array([1.0, 0.0, 2.0])
    assert poly(coeffs, 3.0) == pytest.approx(np.polyval(coeffs[::-1], 3.0))


def test_scan_tanh_of_rows_and_a_recurrence():
    X = at.dmatrix("X")
    W = at.dmatrix("W")
    b = at.dvector("b")
    rows, _ = aesara.scan(lambda v: at.tanh(at.dot(v, W) + b), sequences=X)
    f = function([X, W, b], rows)
    Xv = RNG.normal(size=(4, 3))
    Wv = RNG.normal(size=(3, 2))
    bv = RNG.normal(size=2)
    np.testing.assert_allclose(f(Xv, Wv, bv), np.tanh(Xv @ Wv + bv))
    # x_t = tanh(W x_{t-1} + y_t), a recurrence over a sequence.
    x0 = at.dvector("x0")
    Y = at.dmatrix("Y")
    U = at.dmatrix("U")
    states, _ = aesara.scan(
        lambda y_t, x_tm1: at.tanh(at.dot(U, x_tm1) + y_t),
        sequences=Y,
        outputs_info=x0,
    )
    g = function([x0, Y, U], states)
    Uv, Yv, x0v = RNG.normal(size=(2, 2)), RNG.normal(size=(5, 2)), np.zeros(2)
    expected, prev = [], x0v
    for yt in Yv:
        prev = np.tanh(Uv @ prev + yt)
        expected.append(prev)
    np.testing.assert_allclose(g(x0v, Yv, Uv), np.array(expected))


def test_scan_with_shared_updates():
    n = at.iscalar("n")
    k = shared(0)
    _, updates = aesara.scan(lambda: {k: k + 1}, n_steps=n)
    count = function([n], [], updates=updates)
    count(5)
    assert k.get_value() == 5


# ---------------------------------------------------------------------------
# Printing graphs
# ---------------------------------------------------------------------------


def test_pprint_and_debugprint_of_the_logistic():
    x = at.dmatrix("x")
    s = 1 / (1 + at.exp(-x))
    assert pp(s) == "(1 / (1 + exp((-x))))"
    buf = io.StringIO()
    aesara.printing.debugprint(s, file=buf)
    lines = buf.getvalue().splitlines()
    # Aesara 2.9 names this op ``true_divide``; ours is ``true_div``.
    assert lines[0].startswith("Elemwise{true_divide") and lines[0].endswith(" [id A]")
    assert lines[1] == " |InplaceDimShuffle{x,x} [id B]"
    assert any(line.strip().startswith("|x [id") for line in lines)
    f = function([x], s)
    buf = io.StringIO()
    aesara.printing.debugprint(f, file=buf)
    # A compiled function lists its nodes with their execution positions.
    first = buf.getvalue().splitlines()[0]
    assert first.split()[-1].isdigit()
    vals = np.array([[0.0, 2.0]])
    np.testing.assert_allclose(f(vals), 1 / (1 + np.exp(-vals)))


# ---------------------------------------------------------------------------
# Modes
# ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "mode",
    ["FAST_RUN", "FAST_COMPILE", Mode(linker="py", optimizer="fast_run")],
    ids=["fast_run", "fast_compile", "py"],
)
def test_same_results_in_every_mode(mode):
    x, y = at.dmatrix("x"), at.dvector("y")
    w = at.dvector("w")
    out = 1 / (1 + at.exp(-at.dot(x, w)))
    cost = -(y * at.log(out) + (1 - y) * at.log(1 - out)).mean()
    f = function([x, y, w], [out, aesara.grad(cost, w)], mode=mode)
    Xv = RNG.normal(size=(6, 3))
    yv = (RNG.random(6) > 0.5).astype("float64")
    wv = RNG.normal(size=3)
    p = 1 / (1 + np.exp(-(Xv @ wv)))
    got_p, got_g = f(Xv, yv, wv)
    np.testing.assert_allclose(got_p, p)
    np.testing.assert_allclose(got_g, Xv.T @ (p - yv) / 6)


def test_training_graph_uses_a_blas_op():
    # The modes page checks the compiled training function for a BLAS op.
    rng = np.random.default_rng(2498)
    N, feats = 40, 7
    X = rng.standard_normal((N, feats))
    Y = rng.integers(size=N, low=0, high=2).astype("float64")
    x, y = at.matrix("x", dtype="float64"), at.vector("y", dtype="float64")
    w = shared(rng.standard_normal(feats), name="w")
    b = shared(np.asarray(0.0), name="b")
    p_1 = 1 / (1 + at.exp(-at.dot(x, w) - b))
    xent = -y * at.log(p_1) - (1 - y) * at.log(1 - p_1)
    cost = xent.mean() + 0.01 * (w**2).sum()
    gw, gb = aesara.grad(cost, [w, b])
    train = function(
        [x, y],
        [p_1 > 0.5, xent],
        updates=[(w, w - 0.01 * gw), (b, b - 0.01 * gb)],
        name="train",
    )
    names = [n.op.__class__.__name__ for n in train.maker.fgraph.toposort()]
    assert any(n in ("Gemv", "CGemv", "Gemm", "CGemm") for n in names), names
    w0 = w.get_value()
    train(X, Y)
    p = 1 / (1 + np.exp(-(X @ w0)))
    expected = w0 - 0.01 * (X.T @ (p - Y) / N + 0.02 * w0)
    np.testing.assert_allclose(w.get_value(), expected, rtol=1e-10)


# ---------------------------------------------------------------------------
# Memory aliasing
# ---------------------------------------------------------------------------


def test_shared_borrow_semantics():
    np_array = np.ones(2, dtype="float64")
    s_default = shared(np_array)
    s_false = shared(np_array, borrow=False)
    s_true = shared(np_array, borrow=True)
    np_array += 1
    # Without borrow the shared variable holds its own copy.
    np.testing.assert_array_equal(s_default.get_value(), [1.0, 1.0])
    np.testing.assert_array_equal(s_false.get_value(), [1.0, 1.0])
    # With borrow=True on the CPU, the array itself is used.
    np.testing.assert_array_equal(s_true.get_value(), [2.0, 2.0])
    s = shared(np.arange(3.0))
    v_false = s.get_value(borrow=False)
    v_true = s.get_value(borrow=True)
    assert not np.shares_memory(v_false, s.get_value(borrow=True))
    assert np.shares_memory(v_true, s.get_value(borrow=True))


def test_function_output_borrow():
    x = at.dvector("x")
    f_copy = function([x], Out(at.exp(x), borrow=False))
    f_borrow = function([x], Out(at.exp(x), borrow=True))
    vals = np.array([0.0, 1.0])
    a, b = f_copy(vals), f_copy(vals)
    assert not np.shares_memory(a, b)
    np.testing.assert_allclose(a, np.exp(vals))
    c = f_borrow(vals)
    np.testing.assert_allclose(c, np.exp(vals))
    # A borrowed input may be returned without a copy; the result is still right.
    g = function([In(x, borrow=True)], Out(x, borrow=True))
    np.testing.assert_array_equal(g(vals), vals)


# ---------------------------------------------------------------------------
# Broadcasting
# ---------------------------------------------------------------------------


def test_broadcasting_rows_cols_and_patterns():
    r = at.row("r")
    c = at.col("c")
    m = at.matrix("m")
    assert r.broadcastable == (True, False)
    assert c.broadcastable == (False, True)
    f = function([r, m], r + m)
    g = function([c, m], c * m)
    rv = np.arange(3, dtype=aesara.config.floatX).reshape(1, 3)
    cv = np.arange(2, dtype=aesara.config.floatX).reshape(2, 1)
    mv = np.ones((2, 3), dtype=aesara.config.floatX)
    np.testing.assert_allclose(f(rv, mv), rv + mv)
    np.testing.assert_allclose(g(cv, mv), cv * mv)
    # A row cannot take a value with more than one row.
    with pytest.raises(TypeError):
        f(np.ones((2, 3), dtype=aesara.config.floatX), mv)
    t = at.tensor(dtype="float64", shape=(1, None, 1))
    assert t.broadcastable == (True, False, True)


def test_scan_row_norms_trace_and_two_taps():
    X = at.dmatrix("X")
    rows, _ = aesara.scan(lambda r: at.sqrt((r**2).sum()), sequences=[X])
    cols, _ = aesara.scan(lambda c: at.sqrt((c**2).sum()), sequences=[X.T])
    xv = np.diag(np.arange(1, 6, dtype="float64"), 1)
    np.testing.assert_allclose(function([X], rows)(xv), np.linalg.norm(xv, axis=1))
    np.testing.assert_allclose(function([X], cols)(xv), np.linalg.norm(xv, axis=0))
    diag, _ = aesara.scan(
        lambda i, j, acc: X[i, j] + acc,
        sequences=[at.arange(X.shape[0]), at.arange(X.shape[1])],
        outputs_info=np.asarray(0.0),
    )
    mv = RNG.normal(size=(4, 4))
    assert function([X], diag[-1])(mv) == pytest.approx(np.trace(mv))
    # x_t = x_{t-2} U + x_{t-1} V + tanh(x_{t-1} W + b): two past values.
    U, V, W = at.dmatrices("UVW")
    b = at.dvector("b")
    X0 = at.dmatrix("X0")
    n = at.iscalar("n")
    seq, _ = aesara.scan(
        lambda x2, x1: at.dot(x2, U) + at.dot(x1, V) + at.tanh(at.dot(x1, W) + b),
        n_steps=n,
        outputs_info=[dict(initial=X0, taps=[-2, -1])],
    )
    f = function([X0, U, V, W, b, n], seq)
    x0 = RNG.normal(size=(2, 2))
    u, v, w = RNG.normal(size=(3, 2, 2))
    bv = RNG.normal(size=2)
    past = [x0[0], x0[1]]
    for _ in range(4):
        past.append(past[-2] @ u + past[-1] @ v + np.tanh(past[-1] @ w + bv))
    np.testing.assert_allclose(f(x0, u, v, w, bv, 4), np.array(past[2:]))


def test_scan_until_stops_early():
    from aesara.scan import until

    limit = at.dscalar("limit")
    powers, _ = aesara.scan(
        lambda prev, limit: (prev * 2, until(prev * 2 > limit)),
        outputs_info=at.constant(1.0, dtype="float64"),
        non_sequences=limit,
        n_steps=1024,
    )
    np.testing.assert_array_equal(
        function([limit], powers)(45.0), [2.0, 4.0, 8.0, 16.0, 32.0, 64.0]
    )
    # The gradient of a running sum: every element contributes once.
    xv = at.dvector("xv")
    sums, _ = aesara.scan(
        lambda xi, acc: acc + xi,
        sequences=xv,
        outputs_info=at.constant(0.0, dtype="float64"),
    )
    g = function([xv], aesara.grad(sums[-1], xv))
    np.testing.assert_array_equal(g(np.arange(4.0)), np.ones(4))
