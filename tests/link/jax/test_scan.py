"""Scan in JAX mode: ``lax.scan`` for loops, ``lax.while_loop`` for while-loops."""

from __future__ import annotations

import numpy as np
import pytest

jax = pytest.importorskip("jax", reason="the JAX backend needs the jax package")

import aesara  # noqa: E402
import aesara.tensor as at  # noqa: E402
from aesara.link.jax.dispatch.basic import JAXTranslationError  # noqa: E402
from aesara.scan import until  # noqa: E402


def both(inputs, outputs, *values):
    """Results of the JAX mode and of the Python VM, for comparison."""
    f_jax = aesara.function(inputs, outputs, mode="JAX")
    f_py = aesara.function(inputs, outputs, mode="FAST_COMPILE")
    return f_jax(*values), f_py(*values)


def assert_all_close(got, expected):
    if not isinstance(got, list):
        got, expected = [got], [expected]
    for g, e in zip(got, expected):
        assert np.asarray(g).shape == np.asarray(e).shape
        np.testing.assert_allclose(g, e, rtol=1e-10, atol=1e-12)


def test_sit_sot_with_sequences_and_non_sequences():
    x = at.dmatrix("x")
    w = at.dvector("w")
    h0 = at.dscalar("h0")
    hs, _ = aesara.scan(
        lambda xt, h, w: at.tanh((xt * w).sum() + h),
        sequences=[x],
        outputs_info=[h0],
        non_sequences=[w],
    )
    xv = np.random.default_rng(0).normal(size=(6, 3))
    got, exp = both([x, w, h0], hs, xv, np.array([0.1, 0.2, 0.3]), 0.5)
    assert_all_close(got, exp)


def test_mit_sot_taps_and_nit_sot():
    s = at.dvector("s")
    outs, _ = aesara.scan(
        lambda a, b, c: [a + b + c, a * 2],
        sequences=[s],
        outputs_info=[dict(initial=at.zeros(2, dtype="float64"), taps=[-2, -1]), None],
    )
    got, exp = both([s], list(outs), np.arange(5.0))
    assert_all_close(got, exp)


def test_last_state_only_and_n_steps_from_a_shape():
    x = at.dvector("x")
    hs, _ = aesara.scan(lambda h: h * 0.5 + 1, outputs_info=[x], n_steps=x.shape[0])
    got, exp = both([x], hs[-1], np.array([4.0, 8.0, 2.0]))
    assert_all_close(got, exp)


def test_gradient_through_a_scan():
    W = at.dmatrix("W")
    h0 = at.dvector("h0")
    hs, _ = aesara.scan(
        lambda h, W: at.tanh(W @ h), outputs_info=[h0], non_sequences=[W], n_steps=10
    )
    cost = hs[-1].sum()
    gW, gh = aesara.grad(cost, [W, h0])
    rng = np.random.default_rng(1)
    got, exp = both(
        [W, h0], [cost, gW, gh], rng.normal(size=(4, 4)) * 0.5, rng.normal(size=4)
    )
    assert_all_close(got, exp)


def test_zero_steps():
    x = at.dvector("x")
    n = at.lscalar("n")
    hs, _ = aesara.scan(lambda h: h + 1, outputs_info=[x], n_steps=n)
    got, exp = both([x, n], hs, np.ones(2), 0)
    assert got.shape == exp.shape == (0, 2)


def test_random_draws_inside_a_loop_advance():
    from aesara.tensor.random.utils import RandomStream

    srng = RandomStream(seed=4)
    draws, updates = aesara.scan(lambda: srng.normal(0.0, 1.0, size=(2,)), n_steps=3)
    f = aesara.function([], draws, updates=updates, mode="JAX")
    a, b = f(), f()
    assert a.shape == (3, 2)
    assert not np.allclose(a[0], a[1])
    assert not np.allclose(a, b)


def test_while_loop_last_value():
    x = at.dscalar("x")
    vals, _ = aesara.scan(
        lambda v: (v * 2, until(v * 2 > 100)), outputs_info=[x], n_steps=50
    )
    f = aesara.function([x], vals[-1], mode="JAX")
    assert f(3.0) == 192.0
    assert f(1.0) == 128.0
    assert f(200.0) == 400.0


def test_while_loop_full_trace_is_a_clear_error():
    x = at.dscalar("x")
    vals, _ = aesara.scan(
        lambda v: (v * 2, until(v * 2 > 100)), outputs_info=[x], n_steps=50
    )
    with pytest.raises(JAXTranslationError, match=r"while-loop.*outputs\[-1\]"):
        aesara.function([x], vals * 1, mode="JAX")(3.0)


@pytest.mark.parametrize("last", [1, 2, 3])
def test_last_few_states_from_a_short_buffer(last):
    x = at.dvector("x")
    hs, _ = aesara.scan(
        lambda a, b: a * 0.5 + b,
        outputs_info=[dict(initial=at.stack([x, x + 1]), taps=[-2, -1])],
        n_steps=7,
    )
    got, exp = both([x], hs[-last:], np.array([1.0, 2.0]))
    assert_all_close(got, exp)


@pytest.mark.parametrize("steps", [1, 2, 5])
@pytest.mark.parametrize("kept", [1, 2, 3])
def test_short_buffers_of_sit_sot_and_mit_sot_states(steps, kept):
    # The save-memory rewrite leaves buffers of a few rows; the loop carries
    # them as separate values (no buffer shifting inside the loop).
    x = at.dvector("x")
    a, _ = aesara.scan(lambda h: at.tanh(h) + 1, outputs_info=[x], n_steps=steps)
    b, _ = aesara.scan(
        lambda u, v: u * 0.5 - v,
        outputs_info=[dict(initial=at.stack([x, 2 * x]), taps=[-2, -1])],
        n_steps=steps,
    )
    got, exp = both([x], [a[-kept:], b[-kept:]], np.array([0.25, -1.5]))
    assert_all_close(got, exp)


def test_last_state_loop_carries_one_vector_not_a_buffer():
    W, h0 = at.dmatrix("W"), at.dvector("h0")
    hs, _ = aesara.scan(
        lambda h, W: at.tanh(W @ h), outputs_info=[h0], non_sequences=[W], n_steps=9
    )
    f = aesara.function([W, h0], hs[-1], mode="JAX")
    args = (np.eye(4) * 0.5, np.ones(4))
    text = f.vm.jitted.lower(*args).as_text()
    (loop_line,) = [line for line in text.splitlines() if "stablehlo.while" in line]
    # The loop carries vectors, not a buffer of rows to update; the initial
    # state is set without a scatter.
    assert "tensor<4xf64>" in loop_line and "tensor<2x4xf64>" not in loop_line
    assert "scatter" not in text
    expected = np.ones(4)
    for _ in range(9):
        expected = np.tanh(args[0] @ expected)
    np.testing.assert_allclose(f(*args), expected)
