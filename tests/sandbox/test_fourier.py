"""The deprecated matrix FFT ops and `dct_matrix`."""

import warnings

import numpy as np
import pytest

import aesara
import aesara.tensor as at

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from aesara.sandbox import fourier


@pytest.mark.parametrize("axis", [0, 1])
def test_fft_and_inverse(axis):
    rng = np.random.default_rng(0)
    x = at.dmatrix()
    n = at.lscalar()
    f = aesara.function(
        [x, n],
        [
            fourier.fft(x, n, axis),
            fourier.ifft(x, n, axis),
            fourier.half_fft(x, n, axis),
        ],
    )
    a = rng.normal(size=(4, 6))
    full, inv, half = f(a, 4)
    np.testing.assert_allclose(full, np.fft.fft(a, 4, axis))
    np.testing.assert_allclose(inv, np.fft.ifft(a, 4, axis))
    expected = np.fft.fft(a, 4, axis)
    np.testing.assert_allclose(half, expected[:2] if axis == 0 else expected[:, :2])
    assert full.dtype == "complex128"


def test_errors():
    x = at.dmatrix()
    f = aesara.function([x], fourier.half_fft(x, 3, 1))
    with pytest.raises(ValueError, match="odd"):
        f(np.ones((2, 3)))
    with pytest.raises(TypeError, match="complex"):
        fourier.half_fft(at.zmatrix(), 4, 0)
    g = aesara.function([x], fourier.fft(x, 2, 2))
    with pytest.raises(ValueError, match="axis"):
        g(np.ones((2, 2)))


def test_gradient_is_a_placeholder():
    # As in Aesara, the frames' gradient is an op that raises when run.
    x = at.dmatrix()
    out = fourier.fft(x, 2, 0)
    g_frames, g_n, g_axis = out.owner.op.grad(out.owner.inputs, [at.zmatrix(), None])
    assert isinstance(g_frames.owner.op, fourier.GradTodo)
    f = aesara.function([x], g_frames)
    with pytest.raises(NotImplementedError):
        f(np.ones((2, 2)))
    assert out.owner.op.connection_pattern(out.owner)[0] == [True, False]


def test_dct_matrix():
    d = fourier.dct_matrix(6, 6)
    np.testing.assert_allclose(d @ d.T, np.eye(6), atol=1e-12)
    d2 = fourier.dct_matrix(3, 5, unitary=False)
    assert d2.shape == (3, 5)
    np.testing.assert_allclose(d2[0], np.sqrt(2 / 5))
