"""Tests of the finite-difference checks and the batched Jacobian."""

from __future__ import annotations

import numpy as np
import pytest

import aesara
import aesara.tensor as at
from aesara import _gradient_verification
from aesara.gradient import (
    GradientError,
    JacobianLengthError,
    format_as,
    grad,
    hessian,
    jacobian,
    mode_not_slow,
    numeric_grad,
    verify_grad,
)
from aesara.graph.basic import ancestors
from aesara.graph.op import Op
from aesara.tensor.rewriting.vjp_batching import batch_vjp


def test_reexports_are_the_same_objects():
    assert verify_grad is _gradient_verification.verify_grad
    assert numeric_grad is _gradient_verification.numeric_grad
    assert GradientError is _gradient_verification.GradientError
    assert verify_grad.E_grad is GradientError


class _WrongGradExp(Op):
    """exp whose gradient is off by a factor 2 (to make verify_grad fail)."""

    __props__ = ()

    def make_node(self, x):
        x = at.as_tensor_variable(x)
        return aesara.graph.basic.Apply(self, [x], [x.type()])

    def perform(self, node, inputs, out):
        out[0][0] = np.exp(inputs[0])

    def L_op(self, inputs, outputs, grads):
        return [2 * grads[0] * outputs[0]]


def test_verify_grad_error_shows_analytic_and_numeric():
    x = np.array([0.1, 0.5, -0.3])
    with pytest.raises(GradientError) as info:
        verify_grad(_WrongGradExp(), [x], rng=np.random.default_rng(0))
    err = info.value
    msg = str(err)
    assert "analytic" in msg and "numeric" in msg
    # Every position is wrong by a factor 2; the message lists them with values.
    assert "3 of 3 positions differ" in msg
    np.testing.assert_allclose(err.analytic, 2 * err.numeric, rtol=1e-5)
    assert repr(err.analytic.reshape(-1)[0]) in msg


def test_verify_grad_passes_for_correct_gradient():
    verify_grad(lambda v: at.exp(v) * v, [np.array([0.2, -1.0])])


def test_mode_not_slow():
    from aesara.compile.mode import Mode, get_mode

    assert isinstance(mode_not_slow(None), Mode)
    assert mode_not_slow("FAST_COMPILE") is get_mode("FAST_COMPILE")
    fast = get_mode("FAST_RUN")
    assert mode_not_slow(fast) is fast


def test_format_as():
    v = at.dscalar()
    assert format_as(True, False, v) == [v]
    assert format_as(False, True, [v]) == (v,)
    assert format_as(False, False, [v]) is v
    with pytest.raises(ValueError, match="single output"):
        format_as(False, False, [v, v])
    with pytest.raises(ValueError, match="both"):
        format_as(True, True, [v])


def _vjp_parts(expr, wrt, n):
    u = expr.type.clone(shape=(n,))()
    vjps = grad(None, wrt, known_grads={expr: u}, disconnected_inputs="ignore")
    return vjps, u


X = at.specify_shape(at.dvector("x"), (4,))
A = at.tensor(dtype="float64", shape=(3, 4), name="A")


@pytest.mark.parametrize(
    "make",
    [
        lambda x, a: at.exp(x) * x.sum(),
        lambda x, a: at.dot(a, x),
        lambda x, a: at.tanh(x) ** 2 / (1 + x[0] ** 2),
        lambda x, a: at.set_subtensor(x[1:], x[:-1] * 3),
        lambda x, a: x * 2.0,
        lambda x, a: at.dot(x, a.T),
    ],
    ids=["elemwise-sum", "matvec", "subtensor", "set_subtensor", "linear", "vecmat"],
)
def test_vectorized_jacobian_equals_loop_and_is_batched(make):
    x = X.owner.inputs[0]
    expr = make(X, A)
    n = expr.type.shape[0] or 4
    expr = at.specify_shape(expr, (n,))
    vjps, u = _vjp_parts(expr, [x], n)
    batched = batch_vjp(vjps, u, at.constant(np.eye(n)), n)
    assert batched is not None, "the graph should batch without a per-row loop"
    j_loop = jacobian(expr, [x, A], disconnected_inputs="ignore")
    j_vec = jacobian(expr, [x, A], disconnected_inputs="ignore", vectorize=True)
    # The batched graph has one copy of the basis, not n substituted copies.
    consts = [
        v
        for v in ancestors([jacobian(expr, x, vectorize=True)])
        if isinstance(v, at.TensorConstant)
    ]
    assert not any(c.data.shape == (n,) and c.data.sum() == 1 for c in consts)
    f = aesara.function([x, A], j_loop + j_vec, on_unused_input="ignore")
    rng = np.random.default_rng(1)
    vals = f(rng.standard_normal(4), rng.standard_normal((3, 4)))
    for lo, ve in zip(vals[:2], vals[2:]):
        assert lo.shape == ve.shape
        np.testing.assert_allclose(lo, ve, rtol=1e-10, atol=1e-12)


def test_vectorized_hessian_equals_loop():
    x = X.owner.inputs[0]
    cost = (X**3).sum() * X[0] + at.exp(X).prod()
    f = aesara.function([x], [hessian(cost, x), hessian(cost, x, vectorize=True)])
    h0, h1 = f(np.array([0.1, 0.2, -0.3, 0.4]))
    assert h0.shape == (4, 4)
    np.testing.assert_allclose(h0, h1, rtol=1e-10)
    np.testing.assert_allclose(h1, h1.T, rtol=1e-10)


def test_vectorized_jacobian_falls_back_for_unbatchable_ops():
    x = X.owner.inputs[0]
    expr = at.specify_shape(at.cumsum(X), (4,))
    vjps, u = _vjp_parts(expr, [x], 4)
    # cumsum's VJP holds an op this batcher does not know: no batched graph ...
    assert batch_vjp(vjps, u, at.constant(np.eye(4)), 4) is None
    # ... yet jacobian(vectorize=True) still gives the right answer.
    f = aesara.function([x], jacobian(expr, x, vectorize=True))
    np.testing.assert_allclose(f(np.ones(4)), np.tril(np.ones((4, 4))))


def test_jacobian_of_symbolic_length():
    x = at.dvector("x")
    # Batchable gradients work whatever the length.
    for vectorize in (False, True):
        f = aesara.function(
            [x], jacobian(at.exp(x) * at.sum(x**2), x, vectorize=vectorize)
        )
        xv = np.array([1.0, 2.0, 0.5])
        want = np.diag(np.exp(xv)) * np.sum(xv**2) + np.outer(np.exp(xv), 2 * xv)
        np.testing.assert_allclose(f(xv), want, rtol=1e-12)
    # An op that cannot take a row axis: the rows are computed by a scan.
    for vectorize in (False, True):
        jac = jacobian(at.cumsum(x), x, vectorize=vectorize)
        assert any(
            type(v.owner.op).__name__ == "Scan"
            for v in aesara.graph.basic.ancestors([jac])
            if v.owner is not None
        )
        f = aesara.function([x], jac)
        for n in (0, 1, 4):
            np.testing.assert_allclose(f(np.ones(n)), np.tril(np.ones((n, n))))
    assert issubclass(JacobianLengthError, NotImplementedError)
