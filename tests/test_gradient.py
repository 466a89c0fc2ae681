"""Unit tests of ``aesara.gradient``: grad's semantics, Lop/Rop, Jacobians,
Hessians, the gradient-modifying ops and ``verify_grad``."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

import aesara
import aesara.tensor as at
from aesara.compile.function import function
from aesara.gradient import (
    DisconnectedInputError,
    DisconnectedType,
    GradientError,
    Lop,
    NullTypeGradError,
    Rop,
    consider_constant,
    disconnected_grad,
    disconnected_type,
    grad,
    grad_clip,
    grad_not_implemented,
    grad_scale,
    grad_undefined,
    hessian,
    jacobian,
    numeric_grad,
    subgraph_grad,
    undefined_grad,
    verify_grad,
    zero_grad,
)
from aesara.graph.basic import Apply
from aesara.graph.null_type import NullType
from aesara.graph.op import Op
from aesara.tensor.type import TensorType

RNG = np.random.default_rng(42)


def vec(n, name=None, dtype="float64"):
    return TensorType(dtype, (n,))(name)


# ---------------------------------------------------------------------------
# Helper ops
# ---------------------------------------------------------------------------


class DoubleWrongGrad(Op):
    """2 * x whose gradient is (deliberately) 3 * g."""

    __props__ = ()

    def make_node(self, x):
        x = at.as_tensor_variable(x)
        return Apply(self, [x], [x.type()])

    def perform(self, node, inputs, out, params=None):
        out[0][0] = 2 * inputs[0]

    def grad(self, inputs, g):
        return [3 * g[0]]


class UndefinedGradOp(Op):
    """Identity whose gradient is declared undefined."""

    __props__ = ()

    def make_node(self, x):
        x = at.as_tensor_variable(x)
        return Apply(self, [x], [x.type()])

    def perform(self, node, inputs, out, params=None):
        out[0][0] = inputs[0]

    def grad(self, inputs, g):
        return [grad_undefined(self, 0, inputs[0], "on purpose")]


class NotImplementedGradOp(UndefinedGradOp):
    def grad(self, inputs, g):
        return [grad_not_implemented(self, 0, inputs[0])]


class WrongRankGradOp(UndefinedGradOp):
    def grad(self, inputs, g):
        return [g[0].sum()]


class NoneGradOp(UndefinedGradOp):
    def grad(self, inputs, g):
        return [None]


class CubeNoRop(Op):
    """x ** 3 with an L_op but no R_op (Rop must fall back to two L_ops)."""

    __props__ = ()

    def make_node(self, x):
        x = at.as_tensor_variable(x)
        return Apply(self, [x], [x.type()])

    def perform(self, node, inputs, out, params=None):
        out[0][0] = inputs[0] ** 3

    def grad(self, inputs, g):
        return [g[0] * 3 * inputs[0] ** 2]


# ---------------------------------------------------------------------------
# grad: basics
# ---------------------------------------------------------------------------


def test_grad_simple_and_structure():
    x = at.dvector("x")
    y = at.dscalar("y")
    cost = (x**2).sum() * y
    gx, gy = grad(cost, [x, y])
    assert isinstance(grad(cost, (x, y)), tuple)
    single = grad(cost, x)
    assert single.type.ndim == 1
    f = function([x, y], [gx, gy, single])
    xv = np.array([1.0, 2.0, 3.0])
    rgx, rgy, rs = f(xv, 2.0)
    np.testing.assert_allclose(rgx, 2 * xv * 2.0)
    np.testing.assert_allclose(rgy, (xv**2).sum())
    np.testing.assert_allclose(rs, rgx)


def test_grad_names():
    x = at.dvector("x")
    cost = (x * 2).sum()
    cost.name = "c"
    assert grad(cost, x).name == "(dc/dx)"
    assert grad(cost, x, add_names=False).name != "(dc/dx)"


def test_cost_must_be_scalar():
    x = at.dvector("x")
    with pytest.raises(TypeError, match="scalar.*1-d"):
        grad(x * 2, x)
    with pytest.raises(ValueError, match="cannot both be None"):
        grad(None, x)
    with pytest.raises(TypeError, match="wrt\\[0\\]"):
        grad(x.sum(), [object()])


def test_multiple_clients_accumulate():
    x = at.dscalar("x")
    cost = x * x + at.exp(x) + 3 * x
    g = function([x], grad(cost, x))(0.5)
    np.testing.assert_allclose(g, 2 * 0.5 + np.exp(0.5) + 3)


def test_broadcasting_sums_gradient():
    x = at.dmatrix("x")
    r = TensorType("float64", (1, None))("r")
    c = TensorType("float64", (None, 1))("c")
    cost = (x * r * c).sum()
    gr, gc = grad(cost, [r, c])
    assert gr.type.shape[0] == 1 and gc.type.shape[1] == 1
    xv = RNG.normal(size=(3, 4))
    rv = RNG.normal(size=(1, 4))
    cv = RNG.normal(size=(3, 1))
    res_r, res_c = function([x, r, c], [gr, gc])(xv, rv, cv)
    np.testing.assert_allclose(res_r, (xv * cv).sum(axis=0, keepdims=True))
    np.testing.assert_allclose(res_c, (xv * rv).sum(axis=1, keepdims=True))
    # A scalar broadcast against a matrix gets the sum of the gradient.
    s = at.dscalar("s")
    gs = function([x, s], grad((x * s).sum(), s))(xv, 2.0)
    np.testing.assert_allclose(gs, xv.sum())


def test_second_derivative():
    x = at.dscalar("x")
    cost = x**3 + at.sin(x)
    g1 = grad(cost, x)
    g2 = grad(g1, x)
    g3 = grad(g2, x)
    v1, v2, v3 = function([x], [g1, g2, g3])(0.7)
    np.testing.assert_allclose(v1, 3 * 0.49 + np.cos(0.7))
    np.testing.assert_allclose(v2, 6 * 0.7 - np.sin(0.7))
    np.testing.assert_allclose(v3, 6 - np.cos(0.7))


def test_gradient_dtype_follows_variable():
    x = at.fvector("x")
    g = grad((at.cast(x, "float64") ** 2).sum(), x)
    assert g.type.dtype == "float32"
    np.testing.assert_allclose(
        function([x], g)(np.array([1.0, 2.0], dtype="float32")), [2.0, 4.0]
    )


# ---------------------------------------------------------------------------
# Disconnected inputs, consider_constant, known_grads
# ---------------------------------------------------------------------------


def test_disconnected_inputs_modes():
    x = at.dvector("x")
    y = at.dvector("y")
    cost = x.sum()
    with pytest.raises(DisconnectedInputError, match="y"):
        grad(cost, [x, y])
    with pytest.warns(UserWarning, match="not part of the computational graph"):
        g = grad(cost, y, disconnected_inputs="warn")
    np.testing.assert_array_equal(function([y], g)(np.ones(3)), np.zeros(3))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        g = grad(cost, y, disconnected_inputs="ignore")
    assert (
        grad(cost, y, disconnected_inputs="ignore", return_disconnected="None") is None
    )
    d = grad(cost, y, disconnected_inputs="ignore", return_disconnected="Disconnected")
    assert isinstance(d.type, DisconnectedType)
    with pytest.raises(ValueError, match="disconnected_inputs must be one of"):
        grad(cost, x, disconnected_inputs="sometimes")
    with pytest.raises(ValueError, match="return_disconnected must be one of"):
        grad(cost, x, return_disconnected="nan")


def test_shape_is_disconnected():
    x = at.dvector("x")
    cost = at.cast(x.shape[0], "float64")
    with pytest.raises(DisconnectedInputError):
        grad(cost, x)


def test_consider_constant():
    x = at.dscalar("x")
    y = x * x
    cost = y * x
    g = function([x], grad(cost, x, consider_constant=[y]))(3.0)
    np.testing.assert_allclose(g, 9.0)  # d(y x)/dx with y constant
    g_full = function([x], grad(cost, x))(3.0)
    np.testing.assert_allclose(g_full, 27.0)
    with pytest.raises(DisconnectedInputError):
        grad(y * 2, x, consider_constant=[y])


def test_known_grads():
    x = at.dvector("x")
    y = at.exp(x)
    gy = at.dvector("gy")
    g = grad(None, x, known_grads={y: gy})
    xv = np.array([0.0, 1.0])
    gv = np.array([2.0, 3.0])
    np.testing.assert_allclose(function([x, gy], g)(xv, gv), gv * np.exp(xv))
    # known_grads on an intermediate replaces back-propagation from the cost.
    cost = (y * 5).sum()
    g2 = grad(cost, x, known_grads={y: gy})
    np.testing.assert_allclose(function([x, gy], g2)(xv, gv), gv * np.exp(xv))
    with pytest.raises(ValueError, match="2 dimensions"):
        grad(None, x, known_grads={y: at.dmatrix()})
    with pytest.raises(TypeError, match="floating point"):
        grad(None, x, known_grads={y: at.lvector()})


def test_subgraph_grad_chains_to_full_grad():
    x = at.dvector("x")
    w1 = at.dvector("w1")
    w2 = at.dvector("w2")
    h = at.tanh(x * w1)
    cost = (at.exp(h * w2)).sum()
    g_w2, g_h = subgraph_grad(wrt=[w2], end=[h], cost=cost)
    g_w1, g_x = subgraph_grad(wrt=[w1], end=[x], start={h: g_h[0]})
    full = grad(cost, [w1, w2])
    f = function([x, w1, w2], [g_w1[0], g_w2[0], *full])
    vals = [RNG.normal(size=3) for _ in range(3)]
    a1, a2, b1, b2 = f(*vals)
    np.testing.assert_allclose(a1, b1)
    np.testing.assert_allclose(a2, b2)
    wg, eg, sg, cg = subgraph_grad(wrt=[w2], end=[h], cost=cost, details=True)
    assert sg is None and len(cg) == 2
    with pytest.raises(ValueError, match="give a cost"):
        subgraph_grad(wrt=[w2], end=[h])


# ---------------------------------------------------------------------------
# Integer inputs, null gradients, wrong L_ops
# ---------------------------------------------------------------------------


def test_integer_input_gets_float_zeros():
    i = at.lvector("i")
    x = at.dvector("x")
    cost = (i * x).sum() + at.cast(i, "float64").sum()
    gi, gx = grad(cost, [i, x])
    assert gi.type.dtype == aesara.config.floatX
    ri, rx = function([i, x], [gi, gx])(np.array([1, 2]), np.array([3.0, 4.0]))
    np.testing.assert_array_equal(ri, [0.0, 0.0])
    np.testing.assert_array_equal(rx, [1.0, 2.0])


def test_discrete_outputs_block_gradient():
    x = at.dvector("x")
    cost = at.cast(at.lt(x, 0.5), "float64").sum() + at.floor(x).sum() + x.sum()
    np.testing.assert_array_equal(
        function([x], grad(cost, x))(np.array([0.2, 0.7])), [1.0, 1.0]
    )
    am = at.cast(at.argmax(x), "float64")
    np.testing.assert_array_equal(
        function([x], grad(am + x.sum(), x))(np.array([0.2, 0.7])), [1.0, 1.0]
    )


def test_null_gradients_name_the_op():
    x = at.dvector("x")
    cost = UndefinedGradOp()(x).sum()
    with pytest.raises(
        NullTypeGradError, match="UndefinedGradOp.*undefined.*on purpose"
    ):
        grad(cost, x)
    g = grad(cost, x, null_gradients="return")
    assert isinstance(g.type, NullType)
    with pytest.raises(
        NullTypeGradError, match="NotImplementedGradOp.*not implemented"
    ):
        grad(NotImplementedGradOp()(x).sum(), x)
    # A null gradient on a path that is cut is harmless.
    y = at.dvector("y")
    ok = grad((UndefinedGradOp()(x) * 0).sum() + y.sum(), y)
    assert ok.type.ndim == 1
    # Compiling a NullType variable is refused.
    with pytest.raises(Exception, match="NaN|NullType|Null"):
        function([x], g, on_unused_input="ignore")


def test_wrong_l_op_results_raise_naming_the_op():
    x = at.dvector("x")
    with pytest.raises(ValueError, match="WrongRankGradOp.*0 dimensions.*1"):
        grad(WrongRankGradOp()(x).sum(), x)
    with pytest.raises(TypeError, match="NoneGradOp.*returned None"):
        grad(NoneGradOp()(x).sum(), x)


# ---------------------------------------------------------------------------
# Lop and Rop
# ---------------------------------------------------------------------------


def _jacobian_numeric(fn, xv, eps=1e-6):
    base = np.asarray(fn(xv))
    jac = np.zeros(base.shape + xv.shape)
    for idx in np.ndindex(xv.shape):
        xp = xv.copy()
        xm = xv.copy()
        xp[idx] += eps
        xm[idx] -= eps
        jac[(Ellipsis,) + idx] = (np.asarray(fn(xp)) - np.asarray(fn(xm))) / (2 * eps)
    return jac


@pytest.mark.parametrize(
    "build",
    [
        lambda x: at.exp(x) * x,
        lambda x: at.tanh(x).sum(axis=0),
        lambda x: x.T * 2.0,
        lambda x: at.max(x, axis=1),
        lambda x: at.prod(x + 2.0, axis=0),
        lambda x: at.reshape(x, (6,)) ** 2,
        lambda x: x.dimshuffle(1, "x", 0) * at.log1p(at.abs(x)).sum(),
        lambda x: at.sqr(x).mean(),
    ],
    ids=[
        "exp-mul",
        "tanh-sum",
        "transpose",
        "max",
        "prod",
        "reshape",
        "dimshuffle",
        "mean",
    ],
)
def test_rop_equals_jacobian_vector_product(build):
    x = at.dmatrix("x")
    v = at.dmatrix("v")
    out = build(x)
    jv = Rop(out, x, v)
    f = function([x, v], jv)
    fwd = function([x], out)
    xv = RNG.normal(size=(2, 3))
    vv = RNG.normal(size=(2, 3))
    jac = _jacobian_numeric(fwd, xv)
    expected = np.tensordot(jac, vv, axes=2)
    np.testing.assert_allclose(f(xv, vv), expected, rtol=1e-6, atol=1e-8)


def test_rop_falls_back_for_op_without_r_op():
    x = at.dvector("x")
    v = at.dvector("v")
    op = CubeNoRop()
    with pytest.raises(NotImplementedError):
        op.R_op([x], [v])
    out = at.sin(op(x)) * 2.0
    jv = Rop(out, x, v)
    xv = np.array([0.3, -0.5, 1.1])
    vv = np.array([1.0, 2.0, -1.0])
    expected = 2 * np.cos(xv**3) * 3 * xv**2 * vv
    np.testing.assert_allclose(function([x, v], jv)(xv, vv), expected)


def test_rop_several_inputs_and_outputs():
    x = at.dvector("x")
    y = at.dvector("y")
    vx = at.dvector("vx")
    vy = at.dvector("vy")
    o1 = x * y
    o2 = at.exp(x)
    r = Rop([o1, o2], [x, y], [vx, vy])
    assert isinstance(r, list) and len(r) == 2
    xv, yv, a, b = (RNG.normal(size=3) for _ in range(4))
    r1, r2 = function([x, y, vx, vy], r)(xv, yv, a, b)
    np.testing.assert_allclose(r1, a * yv + xv * b)
    np.testing.assert_allclose(r2, np.exp(xv) * a)


def test_rop_disconnected_outputs():
    x = at.dvector("x")
    y = at.dvector("y")
    v = at.dvector("v")
    with pytest.raises(ValueError, match="does not depend"):
        Rop(y * 2, x, v)
    z = Rop(y * 2, x, v, disconnected_outputs="ignore")
    np.testing.assert_array_equal(function([y], z)(np.ones(2)), np.zeros(2))
    assert (
        Rop(y * 2, x, v, disconnected_outputs="ignore", return_disconnected="None")
        is None
    )
    with pytest.raises(ValueError, match="dimensions"):
        Rop(x * 2, x, at.dmatrix())


def test_lop():
    x = at.dvector("x")
    u = at.dvector("u")
    out = at.sin(x) * 3
    g = Lop(out, x, u)
    xv = np.array([0.1, 0.2])
    uv = np.array([1.0, -2.0])
    np.testing.assert_allclose(function([x, u], g)(xv, uv), uv * 3 * np.cos(xv))
    gl = Lop([out], [x], [u])
    assert isinstance(gl, list)
    with pytest.raises(ValueError, match="eval_points"):
        Lop([out, out], x, [u])


# ---------------------------------------------------------------------------
# Jacobian and Hessian
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("vectorize", [False, True])
def test_jacobian_closed_form(vectorize):
    x = vec(3, "x")
    expr = at.exp(x) * x.sum()
    J = jacobian(expr, x, vectorize=vectorize)
    assert J.type.shape == (3, 3)
    xv = np.array([0.1, -0.4, 0.9])
    expected = np.diag(np.exp(xv) * xv.sum()) + np.exp(xv)[:, None]
    np.testing.assert_allclose(function([x], J)(xv), expected)


@pytest.mark.parametrize("vectorize", [False, True])
def test_jacobian_several_wrt_and_shapes(vectorize):
    x = vec(2, "x")
    m = at.dmatrix("m")
    expr = (m * x).sum(axis=1)  # m @ x for a (k, 2) matrix
    expr = at.specify_shape(expr, (3,))
    Jx, Jm = jacobian(expr, [x, m], vectorize=vectorize)
    xv = np.array([1.0, -2.0])
    mv = RNG.normal(size=(3, 2))
    rx, rm = function([x, m], [Jx, Jm])(xv, mv)
    np.testing.assert_allclose(rx, mv)
    expected_m = np.zeros((3, 3, 2))
    for i in range(3):
        expected_m[i, i] = xv
    np.testing.assert_allclose(rm, expected_m)


def test_jacobian_scalar_and_errors():
    x = at.dvector("x")
    np.testing.assert_allclose(
        function([x], jacobian((x**2).sum(), x))(np.array([1.0, 2.0])), [2.0, 4.0]
    )
    np.testing.assert_allclose(
        function([x], jacobian(x * 2, x))(np.array([1.0, 2.0])), 2 * np.eye(2)
    )
    # A length only known at run time: the rows come from a scan.
    np.testing.assert_allclose(
        function([x], jacobian(at.cumsum(x), x))(np.array([1.0, 2.0, 3.0])),
        np.tril(np.ones((3, 3))),
    )
    with pytest.raises(ValueError, match="0-d or 1-d"):
        jacobian(at.dmatrix() * 2, x)
    with pytest.raises(DisconnectedInputError):
        jacobian(vec(2) * 2, x)


@pytest.mark.parametrize("vectorize", [False, True])
def test_hessian_quadratic_form(vectorize):
    x = vec(3, "x")
    A = at.dmatrix("A")
    quad = (x.dimshuffle(0, "x") * A * x.dimshuffle("x", 0)).sum()  # x^T A x
    H = hessian(quad, x, vectorize=vectorize)
    Av = RNG.normal(size=(3, 3))
    np.testing.assert_allclose(function([x, A], H)(RNG.normal(size=3), Av), Av + Av.T)
    with pytest.raises(ValueError, match="must be a vector"):
        hessian(quad, A)
    with pytest.raises(TypeError, match="scalar"):
        hessian(x * 2, x)


# ---------------------------------------------------------------------------
# Gradient-modifying ops
# ---------------------------------------------------------------------------


def _value_and_grad(build, xv):
    x = at.dvector("x")
    y = build(x)
    return function([x], [y, grad(y.sum(), x)])(xv)


def test_zero_and_disconnected_grad():
    xv = np.array([1.0, 2.0])
    val, g = _value_and_grad(lambda x: zero_grad(x) * x, xv)
    np.testing.assert_allclose(val, xv**2)
    np.testing.assert_allclose(g, xv)
    val, g = _value_and_grad(lambda x: consider_constant(x) * x, xv)
    np.testing.assert_allclose(g, xv)
    val, g = _value_and_grad(lambda x: disconnected_grad(x) * x, xv)
    np.testing.assert_allclose(g, xv)
    x = at.dvector("x")
    with pytest.raises(DisconnectedInputError):
        grad(disconnected_grad(x).sum(), x)
    # zero_grad keeps the input connected: a zero gradient, no error.
    np.testing.assert_array_equal(
        function([x], grad(zero_grad(x).sum(), x))(xv), [0.0, 0.0]
    )


def test_grad_clip_and_scale():
    xv = np.array([1.0, 2.0])
    _, g = _value_and_grad(lambda x: grad_clip(x, -1.5, 1.5) * 4.0, xv)
    np.testing.assert_allclose(g, [1.5, 1.5])
    val, g = _value_and_grad(lambda x: grad_scale(x**2, -0.5), xv)
    np.testing.assert_allclose(val, xv**2)
    np.testing.assert_allclose(g, -0.5 * 2 * xv)
    with pytest.raises(ValueError, match="upper_bound"):
        grad_clip(at.dvector(), 1.0, -1.0)


def test_undefined_grad():
    x = at.dvector("x")
    with pytest.raises(NullTypeGradError, match="UndefinedGrad"):
        grad(undefined_grad(x).sum(), x)
    assert disconnected_type() is not disconnected_type()


# ---------------------------------------------------------------------------
# verify_grad and numeric_grad
# ---------------------------------------------------------------------------


def test_verify_grad_passes_on_correct_gradients():
    rng = np.random.default_rng(0)
    verify_grad(
        lambda a, b: at.tanh(a) * b + a**2, [rng.random(4), rng.random(4)], rng=rng
    )
    verify_grad(lambda a: at.prod(a + 1.0, axis=0), [rng.random((2, 3))], rng=rng)
    verify_grad(lambda a: a.sum(), [np.float64(3.0)], rng=rng)
    verify_grad(lambda a: at.exp(a), [rng.random(3).astype("float32")], rng=rng)


def test_verify_grad_reports_wrong_gradient():
    rng = np.random.default_rng(0)
    with pytest.raises(GradientError) as info:
        verify_grad(
            lambda a: DoubleWrongGrad()(a), [np.array([1.0, 2.0, 3.0])], rng=rng
        )
    err = info.value
    assert err.arg == 0
    msg = str(err)
    assert "analytic" in msg and "numeric" in msg
    assert "3 of 3 positions differ" in msg
    # The analytic gradient is 1.5x the numeric one at the reported position.
    np.testing.assert_allclose(err.val1, 1.5 * err.val2, rtol=1e-5)


def test_verify_grad_input_errors():
    with pytest.raises(TypeError, match="dtype int64"):
        verify_grad(lambda a: a * 2, [np.array([1, 2])])
    with pytest.raises(NotImplementedError, match="single output"):
        verify_grad(lambda a: [a, a], [np.array([1.0])])


def test_numeric_grad():
    def f(a, b):
        return float(np.sum(a**2) + np.sum(np.sin(b)))

    a = np.array([1.0, -2.0])
    b = np.array([[0.5]])
    ng = numeric_grad(f, [a, b])
    np.testing.assert_allclose(ng.gf[0], 2 * a, rtol=1e-6)
    np.testing.assert_allclose(ng.gf[1], np.cos(b), rtol=1e-6)
    arg, pos, abs_err, rel_err = ng.max_err([2 * a, np.cos(b) + 0.1], 1e-4, 1e-4)
    assert arg == 1 and pos == 0 and abs_err == pytest.approx(0.1, rel=1e-4)
    single = numeric_grad(lambda a: float(np.sum(a**3)), np.array([2.0]))
    np.testing.assert_allclose(single.gf, [12.0], rtol=1e-6)
    assert numeric_grad.type_eps["float64"] == 1e-7
    with pytest.raises(TypeError, match="floating-point"):
        numeric_grad(f, [np.array([1]), b])
