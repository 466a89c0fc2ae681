"""Tests of ``aesara.tensor.fourier`` beyond the op database entries."""

import numpy as np
import pytest

import aesara
import aesara.tensor as at
from aesara.gradient import verify_grad
from aesara.tensor.fourier import Fourier, fft


def _rng():
    return np.random.default_rng(42)


def test_aesara_call_style_defaults():
    # Aesara code calls ``fft(a, None, None)``: the last axis, full length.
    x = at.dtensor3("x")
    v = _rng().standard_normal((2, 3, 4))
    f = aesara.function([x], [fft(x, None, None), fft(x)])
    for out in f(v):
        np.testing.assert_allclose(out, np.fft.fft(v))
    assert isinstance(fft, Fourier)
    assert fft(x).owner.op == Fourier()


@pytest.mark.parametrize("axis_value", [0, 1, 2, -1, -3])
def test_symbolic_axis_values_and_shape(axis_value):
    x = at.dtensor3("x")
    axis = at.lscalar("axis")
    n = at.lscalar("n")
    y = fft(x, n, axis)
    assert y.type.shape == (None, None, None)
    v = _rng().standard_normal((2, 3, 4))
    f = aesara.function([x, n, axis], [y, y.shape])
    out, shape = f(v, 5, axis_value)
    expected = np.fft.fft(v, n=5, axis=axis_value)
    np.testing.assert_allclose(out, expected)
    np.testing.assert_array_equal(shape, expected.shape)


def test_symbolic_axis_default_length():
    x = at.dmatrix("x")
    axis = at.iscalar("axis")
    y = fft(x, axis=axis)
    v = _rng().standard_normal((3, 5))
    f = aesara.function([x, axis], [y, y.shape])
    for ax in (0, 1, -2):
        out, shape = f(v, ax)
        np.testing.assert_allclose(out, np.fft.fft(v, axis=ax))
        np.testing.assert_array_equal(shape, np.fft.fft(v, axis=ax).shape)


def test_symbolic_axis_out_of_bounds_at_run_time():
    x = at.dmatrix("x")
    axis = at.lscalar("axis")
    f = aesara.function([x, axis], fft(x, 3, axis))
    with pytest.raises(ValueError, match="axis 2 is out of bounds"):
        f(np.ones((2, 3)), 2)


def test_static_shapes():
    x = at.tensor("float64", shape=(3, None, 4))
    assert fft(x).type.shape == (3, None, 4)
    assert fft(x, 7, 1).type.shape == (3, 7, 4)
    assert fft(x, None, 0).type.shape == (3, None, 4)
    assert fft(x, at.lscalar(), -1).type.shape == (3, None, None)
    assert fft(x).type.dtype == "complex128"
    assert fft(at.fvector()).type.dtype == "complex128"


def test_negative_axis_is_normalised():
    x = at.dmatrix()
    assert fft(x, 3, -2).owner.inputs[2].data == 0
    assert fft(x, 3, -2).owner.op == fft(x, 3, 0).owner.op


@pytest.mark.parametrize(
    "kwargs, exc, match",
    [
        ({"n": at.dvector()}, TypeError, "n must be an integer"),
        ({"n": at.lvector()}, TypeError, "n must be a scalar"),
        ({"axis": at.lvector()}, TypeError, "axis must be a scalar"),
        ({"n": -2}, ValueError, "got -2"),
        ({"axis": 5}, ValueError, "axis 5 is out of bounds"),
    ],
)
def test_bad_inputs(kwargs, exc, match):
    with pytest.raises(exc, match=match):
        fft(at.dmatrix(), **kwargs)


def test_gradient_real_input_matches_adjoint():
    # For C = Re(sum(w * y)) with y = fft(a, n), dC/da = Re(F^T w) where F is
    # the (cropped) DFT matrix: check against an explicit matrix.
    rng = _rng()
    a_val = rng.standard_normal(5)
    for n in (3, 5, 8):
        w = rng.standard_normal(n) + 1j * rng.standard_normal(n)
        a = at.dvector("a")
        cost = at.real(at.sum(at.constant(w) * fft(a, n, 0)))
        g = aesara.function([a], aesara.grad(cost, a))(a_val)
        k = np.arange(n)[:, None]
        j = np.arange(5)[None, :]
        dft = np.exp(-2j * np.pi * k * j / n) * (j < n)
        np.testing.assert_allclose(g, np.real(w @ dft), atol=1e-12)


@pytest.mark.parametrize("n, axis", [(None, 0), (2, 1), (6, -1)])
def test_gradient_complex_input(n, axis):
    def cost(re, im):
        return at.abs(fft(at.complex(re, im), n, axis)) ** 2

    rng = _rng()
    verify_grad(
        cost, [rng.standard_normal((3, 4)), rng.standard_normal((3, 4))], rng=rng
    )


def test_gradient_of_integer_input_is_zero():
    a = at.ivector("a")
    cost = at.real(fft(a)).sum()
    g = aesara.grad(cost, a)
    np.testing.assert_array_equal(g.eval({a: np.arange(4, dtype="int32")}), 0)


def test_gradient_needs_constant_axis():
    a = at.dvector("a")
    cost = at.real(fft(a, 4, at.lscalar("axis"))).sum()
    with pytest.raises(NotImplementedError, match="constant axis"):
        aesara.grad(cost, a)


def test_rop_is_the_transform_of_the_direction():
    a = at.dmatrix("a")
    v = at.dmatrix("v")
    y = fft(a, 6, 0)
    rop = aesara.gradient.Rop(y, a, v)
    rng = _rng()
    a_val, v_val = rng.standard_normal((4, 3)), rng.standard_normal((4, 3))
    # The map is linear: its R_op does not depend on ``a``.
    out = aesara.function([a, v], rop, on_unused_input="ignore")(a_val, v_val)
    np.testing.assert_allclose(out, np.fft.fft(v_val, n=6, axis=0))


def test_linalg_reexports_nlinalg_and_slinalg():
    assert at.linalg.det is at.nlinalg.det
    assert at.linalg.solve is at.slinalg.solve
    assert set(at.nlinalg.__all__) | set(at.slinalg.__all__) == set(at.linalg.__all__)
