"""Tests of aesara.tensor.signal.pool against a direct NumPy reference."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

import aesara
import aesara.tensor as at
from aesara.gradient import verify_grad
from aesara.tensor.signal.pool import (
    AveragePoolGrad,
    DownsampleFactorMaxGradGrad,
    MaxPoolGrad,
    Pool,
    max_pool_2d_same_size,
    pool_2d,
    pool_3d,
)


def ref_pool(x, ws, ignore_border, stride, pad, mode):
    """Window by window reference (small inputs only)."""
    nd = len(ws)
    img = x.shape[-nd:]
    padded = tuple(img[i] + 2 * pad[i] for i in range(nd))
    out_shp = tuple(Pool.out_shape(x.shape, ws, ignore_border, stride, pad, nd)[-nd:])
    out = np.zeros(x.shape[:-nd] + out_shp)
    for r in itertools.product(*(range(n) for n in out_shp)):
        sl_pad, sl_img = [], []
        for i in range(nd):
            start = r[i] * stride[i]
            end = min(start + ws[i], padded[i])
            sl_pad.append((start, end))
            # element positions inside the real image
            lo, hi = max(start, pad[i]), min(end, pad[i] + img[i])
            sl_img.append(slice(lo - pad[i], hi - pad[i]))
        region = x[(Ellipsis,) + tuple(sl_img)]
        flat = region.reshape(x.shape[:-nd] + (-1,))
        if mode == "max":
            v = flat.max(axis=-1)
        elif mode == "sum":
            v = flat.sum(axis=-1)
        elif mode == "average_exc_pad":
            v = flat.mean(axis=-1)
        else:
            size = np.prod([e - s for s, e in sl_pad])
            v = flat.sum(axis=-1) / size
        out[(Ellipsis,) + r] = v
    return out


MODES = ["max", "sum", "average_inc_pad", "average_exc_pad"]


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize(
    "ws, stride, ignore_border, pad",
    [
        ((2, 2), None, True, (0, 0)),
        ((3, 2), (1, 2), False, (0, 0)),
        ((3, 2), (2, 1), True, (1, 1)),
        ((2, 3), (3, 3), False, (0, 0)),
        ((3, 3), (2, 2), True, (2, 0)),
    ],
)
def test_pool_2d_values_and_shape(mode, ws, stride, ignore_border, pad):
    rng = np.random.default_rng(0)
    xv = rng.normal(size=(2, 3, 7, 6))
    x = at.dtensor4("x")
    out = pool_2d(x, ws, ignore_border=ignore_border, stride=stride, pad=pad, mode=mode)
    f = aesara.function([x], [out, out.shape])
    got, shp = f(xv)
    ref = ref_pool(xv, ws, ignore_border, stride or ws, pad, mode)
    np.testing.assert_allclose(got, ref, rtol=1e-12)
    assert tuple(shp) == ref.shape


@pytest.mark.parametrize("mode", MODES)
def test_pool_3d_values(mode):
    rng = np.random.default_rng(1)
    xv = rng.normal(size=(2, 5, 4, 6))
    x = at.dtensor4("x")
    out = pool_3d(x, (2, 3, 2), ignore_border=False, stride=(2, 1, 3), mode=mode)
    got = aesara.function([x], out)(xv)
    np.testing.assert_allclose(
        got, ref_pool(xv, (2, 3, 2), False, (2, 1, 3), (0, 0, 0), mode)
    )


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize(
    "ws, stride, ignore_border, pad",
    [((2, 2), (1, 1), False, (0, 0)), ((3, 2), (2, 2), True, (1, 1))],
)
def test_pool_grad(mode, ws, stride, ignore_border, pad):
    rng = np.random.default_rng(2)
    # distinct values keep the max differentiable
    xv = rng.permutation(2 * 2 * 5 * 4).reshape(2, 2, 5, 4) / 7.0
    verify_grad(
        lambda v: pool_2d(
            v, ws, ignore_border=ignore_border, stride=stride, pad=pad, mode=mode
        ),
        [xv],
        rng=rng,
    )


@pytest.mark.parametrize("mode", MODES)
def test_pool_grad_of_grad(mode):
    rng = np.random.default_rng(3)
    xv = rng.permutation(2 * 6 * 5).reshape(1, 2, 6, 5) / 5.0

    def gx(v):
        out = pool_2d(v, (2, 3), ignore_border=False, stride=(2, 1), mode=mode)
        return aesara.grad(
            (out * np.linspace(-1, 1, 2 * 3 * 3).reshape(1, 2, 3, 3)).sum(), v
        )

    if mode == "max":
        # with respect to the output gradient (the max pattern is piecewise constant)
        x = at.constant(xv)

        def via_gz(gz):
            maxout = Pool(ignore_border=False, mode="max")(x, (2, 3), (2, 1), (0, 0))
            return MaxPoolGrad(ignore_border=False)(
                x, maxout, gz, (2, 3), (2, 1), (0, 0)
            )

        verify_grad(via_gz, [rng.normal(size=(1, 2, 3, 3))], rng=rng)
    else:

        def via_gz(gz):
            return AveragePoolGrad(ignore_border=False, mode=mode)(
                at.constant(xv), gz, (2, 3), (2, 1), (0, 0)
            )

        verify_grad(via_gz, [rng.normal(size=(1, 2, 3, 3))], rng=rng)
        verify_grad(gx, [xv], rng=rng)


def test_downsample_grad_grad_matches_gradient_of_maxpoolgrad():
    rng = np.random.default_rng(4)
    xv = rng.permutation(36).reshape(1, 1, 6, 6).astype("float64")
    x = at.dtensor4()
    gz = at.dtensor4()
    ggx = at.dtensor4()
    maxout = Pool(True, mode="max")(x, (2, 2), (1, 1), (0, 0))
    gx = MaxPoolGrad(True)(x, maxout, gz, (2, 2), (1, 1), (0, 0))
    lin = (gx * ggx).sum()
    auto = aesara.grad(lin, gz)
    direct = DownsampleFactorMaxGradGrad(True)(x, maxout, ggx, (2, 2), (1, 1), (0, 0))
    f = aesara.function([x, gz, ggx], [auto, direct])
    a, d = f(xv, rng.normal(size=(1, 1, 5, 5)), rng.normal(size=(1, 1, 6, 6)))
    np.testing.assert_allclose(a, d)
    assert np.count_nonzero(d) > 0


def test_max_pool_rop():
    rng = np.random.default_rng(5)
    xv = rng.permutation(32).reshape(1, 2, 4, 4) / 3.0
    ev = rng.normal(size=xv.shape)
    x = at.dtensor4()
    v = at.dtensor4()
    out = pool_2d(x, (2, 2), ignore_border=True)
    rop = aesara.gradient.Rop(out, x, v)
    got = aesara.function([x, v], rop)(xv, ev)
    # finite differences along ev
    f = aesara.function([x], out)
    eps = 1e-6
    np.testing.assert_allclose(
        got, (f(xv + eps * ev) - f(xv - eps * ev)) / (2 * eps), atol=1e-5
    )


def test_max_pool_2d_same_size():
    x = at.dtensor4()
    xv = np.arange(16.0).reshape(1, 1, 4, 4)
    got = aesara.function([x], max_pool_2d_same_size(x, (2, 2)))(xv)
    expected = np.zeros_like(xv)
    expected[0, 0, 1, 1], expected[0, 0, 1, 3] = 5, 7
    expected[0, 0, 3, 1], expected[0, 0, 3, 3] = 13, 15
    np.testing.assert_array_equal(got, expected)


def test_symbolic_window_size():
    x = at.dtensor4()
    ws = at.lvector()
    out = Pool(ignore_border=True, mode="sum")(x, ws, ws, (0, 0))
    f = aesara.function([x, ws], [out, out.shape])
    xv = np.ones((1, 1, 6, 4))
    got, shp = f(xv, [3, 2])
    np.testing.assert_array_equal(got, np.full((1, 1, 2, 2), 6.0))
    assert tuple(shp) == (1, 1, 2, 2)


def test_integer_input_max():
    x = at.imatrix()
    got = aesara.function([x], pool_2d(x, (2, 2), ignore_border=False))(
        np.array([[1, -5, 3], [4, 2, -7]], dtype="int32")
    )
    np.testing.assert_array_equal(got, [[4, 3]])
    assert got.dtype == np.int32


def test_bad_inputs():
    x = at.dtensor4()
    with pytest.raises(NotImplementedError, match="ignore_border=True"):
        pool_2d(x, (2, 2), ignore_border=False, pad=(1, 1))
    with pytest.raises(NotImplementedError, match="smaller than the window"):
        pool_2d(x, (2, 2), ignore_border=True, pad=(2, 0))
    with pytest.raises(ValueError, match="mode"):
        Pool(mode="median")
    with pytest.raises(TypeError, match="integers"):
        Pool(True)(x, at.dvector())
    with pytest.raises(NotImplementedError, match="at least 2"):
        pool_2d(at.dvector(), (2, 2), ignore_border=True)
    with pytest.raises(ValueError, match="ws"):
        pool_2d(x, ignore_border=True)
    gz = at.dtensor4()
    maxout = Pool(True)(x, (2, 2))
    g = aesara.function([x, gz], MaxPoolGrad(True)(x, maxout, gz, (2, 2)))
    with pytest.raises(ValueError, match="gz has shape"):
        g(np.ones((1, 1, 4, 4)), np.ones((1, 1, 3, 3)))


def test_deprecated_argument_names():
    x = at.dtensor4()
    with pytest.warns(DeprecationWarning):
        out = pool_2d(x, ds=(2, 2), ignore_border=True)
    assert aesara.function([x], out)(np.ones((1, 1, 4, 4))).shape == (1, 1, 2, 2)
