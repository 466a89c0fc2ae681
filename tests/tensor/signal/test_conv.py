"""Tests of aesara.tensor.signal.conv.conv2d against scipy.signal."""

from __future__ import annotations

import warnings

import numpy as np
import pytest
import scipy.signal as ss

import aesara
import aesara.tensor as at
from aesara.gradient import verify_grad

with warnings.catch_warnings():
    warnings.simplefilter("ignore", DeprecationWarning)
    from aesara.tensor.signal.conv import conv2d


def test_signal_conv2d():
    rng = np.random.default_rng(4)
    img, imgs = rng.normal(size=(6, 5)), rng.normal(size=(2, 6, 5))
    k, ks = rng.normal(size=(3, 2)), rng.normal(size=(4, 3, 2))
    a, b = at.dmatrix(), at.dtensor3()
    c, d = at.dmatrix(), at.dtensor3()
    f = aesara.function(
        [a, b, c, d],
        [conv2d(a, c), conv2d(b, c), conv2d(a, d), conv2d(b, d, border_mode="full")],
    )
    r1, r2, r3, r4 = f(img, imgs, k, ks)
    np.testing.assert_allclose(r1, ss.convolve(img, k, "valid"))
    assert r2.shape == (2, 4, 4) and r3.shape == (4, 4, 4) and r4.shape == (2, 4, 8, 6)
    np.testing.assert_allclose(r4[1, 2], ss.convolve(imgs[1], ks[2], "full"))
    with pytest.raises(TypeError, match="2-d or 3-d"):
        conv2d(at.dtensor4(), c)


def test_signal_conv2d_strides_and_gradient():
    rng = np.random.default_rng(5)
    imgs, k = rng.normal(size=(2, 7, 6)), rng.normal(size=(3, 3))
    b, c = at.dtensor3(), at.dmatrix()
    got = aesara.function([b, c], conv2d(b, c, subsample=(2, 3)))(imgs, k)
    np.testing.assert_allclose(got[1], ss.convolve(imgs[1], k, "valid")[::2, ::3])
    verify_grad(lambda p, q: conv2d(p, q, border_mode="full"), [imgs, k], rng=rng)
