"""Tests of ``aesara.tensor.fft`` beyond the op database entries."""

from __future__ import annotations

import numpy as np
import pytest

import aesara
import aesara.tensor as at
from aesara.gradient import verify_grad
from aesara.tensor.fft import irfft, irfft_op, rfft, rfft_op


@pytest.mark.parametrize("norm", [None, "ortho", "no_norm"])
@pytest.mark.parametrize("n", [6, 7])
def test_round_trip(norm, n):
    x = at.dmatrix("x")
    back = irfft(rfft(x, norm=norm), norm=norm, is_odd=n % 2 == 1)
    v = np.random.default_rng(n).standard_normal((3, n))
    out = aesara.function([x], back)(v)
    scale = n if norm == "no_norm" else 1.0
    np.testing.assert_allclose(out, v * scale, rtol=1e-10, atol=1e-12)


def test_static_shapes():
    x = at.tensor("float64", shape=(2, 4, 7))
    spec = rfft(x)
    assert spec.type.shape == (2, 4, 4, 2)
    back = irfft(spec, is_odd=True)
    assert back.type.shape == (2, 4, 7)
    assert irfft(spec).type.shape == (2, 4, 6)
    assert rfft(at.dmatrix()).type.shape == (None, None, 2)


def test_float32_stays_float32_and_ints_upcast():
    x = at.fmatrix("x")
    assert rfft(x).type.dtype == "float32"
    assert rfft(at.imatrix()).type.dtype == "float64"
    v = np.random.default_rng(0).standard_normal((2, 8)).astype("float32")
    out = aesara.function([x], rfft(x, norm="ortho"))(v)
    assert out.dtype == np.float32
    ref = np.fft.rfft(v, norm="ortho")
    np.testing.assert_allclose(
        out[..., 0] + 1j * out[..., 1], ref, rtol=1e-5, atol=1e-5
    )


def test_explicit_signal_shape_crops_and_pads():
    x = at.dmatrix("x")
    v = np.random.default_rng(1).standard_normal((2, 5))
    for n in (3, 8):
        out = aesara.function([x], rfft_op(x, [n]))(v)
        ref = np.fft.rfft(v, n=n)
        np.testing.assert_allclose(out[..., 0] + 1j * out[..., 1], ref, atol=1e-12)
    rng = np.random.default_rng(2)
    verify_grad(lambda a: rfft_op(a, [3]), [v], rng=rng)
    verify_grad(lambda a: rfft_op(a, [8]), [v], rng=rng)
    verify_grad(
        lambda a: irfft_op(a, [3, 5]), [rng.standard_normal((2, 4, 2, 2))], rng=rng
    )


def test_gradients_multi_dimensional():
    rng = np.random.default_rng(4)
    verify_grad(
        lambda a: rfft(a, norm="ortho"), [rng.standard_normal((2, 3, 4))], rng=rng
    )
    verify_grad(
        lambda a: irfft(a, is_odd=True), [rng.standard_normal((1, 3, 3, 2))], rng=rng
    )


def test_rop_matches_forward_linearity():
    x = at.dmatrix("x")
    v = at.dmatrix("v")
    jv = aesara.gradient.Rop(rfft(x), x, v)
    f = aesara.function([x, v], [jv, rfft(v)], on_unused_input="ignore")
    val = np.random.default_rng(5).standard_normal((2, 6))
    a, b = f(val, val * 2)
    np.testing.assert_allclose(a, b)


def test_errors():
    with pytest.raises(TypeError, match="at least 2 dimensions"):
        rfft(at.dvector())
    with pytest.raises(ValueError, match="norm"):
        irfft(at.dtensor3(), norm="forward")
    with pytest.raises(TypeError, match="is_odd must be a bool"):
        irfft(at.dtensor3(), is_odd=1)
    with pytest.raises(ValueError, match="length 2"):
        irfft_op(at.tensor("float64", shape=(None, 4, 3)))
    with pytest.raises(ValueError, match="s must have 1 entries"):
        rfft_op(at.dmatrix(), [2, 3])
    with pytest.raises(ValueError, match="must be positive"):
        rfft_op(at.dmatrix(), [0])
