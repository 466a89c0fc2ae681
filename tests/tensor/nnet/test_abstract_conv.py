"""Tests of aesara.tensor.nnet.abstract_conv against SciPy references."""

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
    from aesara.tensor.nnet import abstract_conv as ac


def ref_conv(img, kern, pads, subsample, dilation, groups=1, flip=True):
    """Grouped, padded, strided, dilated convolution from scipy.signal."""
    nd = img.ndim - 2
    if flip:
        kern = kern[(Ellipsis,) + (slice(None, None, -1),) * nd]
    # dilate the kernel with zeros
    dk = tuple((kern.shape[2 + i] - 1) * dilation[i] + 1 for i in range(nd))
    kd = np.zeros(kern.shape[:2] + dk)
    kd[(Ellipsis,) + tuple(slice(None, None, d) for d in dilation)] = kern
    imgp = np.pad(img, [(0, 0), (0, 0)] + list(pads))
    B, C = img.shape[:2]
    n_out, cg = kern.shape[:2]
    og = n_out // groups
    out = []
    for b in range(B):
        rows = []
        for o in range(n_out):
            g = o // og
            acc = sum(
                ss.correlate(imgp[b, g * cg + c], kd[o, c], mode="valid")
                for c in range(cg)
            )
            rows.append(acc[tuple(slice(None, None, s) for s in subsample)])
        out.append(rows)
    return np.array(out)


def pads_of(border_mode, kshp, dilation):
    dk = [(k - 1) * d + 1 for k, d in zip(kshp, dilation)]
    if border_mode == "valid":
        return [(0, 0)] * len(kshp)
    if border_mode == "full":
        return [(d - 1, d - 1) for d in dk]
    if border_mode == "half":
        return [(d // 2, d // 2) for d in dk]
    return [m if isinstance(m, tuple) else (m, m) for m in border_mode]


CASES_2D = [
    ("valid", (1, 1), (1, 1), 1),
    ("full", (1, 1), (1, 1), 1),
    ("half", (2, 1), (1, 1), 2),
    ((1, 2), (2, 2), (2, 1), 1),
    (((2, 0), (0, 1)), (1, 2), (1, 2), 2),
]


@pytest.mark.parametrize("border_mode, subsample, dilation, groups", CASES_2D)
@pytest.mark.parametrize("flip", [True, False])
def test_conv2d_matches_scipy(border_mode, subsample, dilation, groups, flip):
    rng = np.random.default_rng(0)
    xv = rng.normal(size=(2, 4, 8, 7))
    wv = rng.normal(size=(6, 4 // groups, 3, 2))
    x, w = at.dtensor4(), at.dtensor4()
    out = ac.conv2d(
        x,
        w,
        border_mode=border_mode,
        subsample=subsample,
        filter_dilation=dilation,
        num_groups=groups,
        filter_flip=flip,
    )
    got, shp = aesara.function([x, w], [out, out.shape])(xv, wv)
    ref = ref_conv(
        xv,
        wv,
        pads_of(border_mode, (3, 2), dilation),
        subsample,
        dilation,
        groups,
        flip,
    )
    np.testing.assert_allclose(got, ref, rtol=1e-10, atol=1e-12)
    assert tuple(shp) == ref.shape
    assert ref.shape == ac.get_conv_output_shape(
        xv.shape, wv.shape, border_mode, subsample, dilation
    )


@pytest.mark.parametrize("border_mode, subsample, dilation, groups", CASES_2D)
def test_conv2d_gradients(border_mode, subsample, dilation, groups):
    rng = np.random.default_rng(1)
    xv = rng.normal(size=(2, 2, 6, 5))
    wv = rng.normal(size=(2, 2 // groups, 3, 2))
    verify_grad(
        lambda a, b: ac.conv2d(
            a,
            b,
            border_mode=border_mode,
            subsample=subsample,
            filter_dilation=dilation,
            num_groups=groups,
        ),
        [xv, wv],
        rng=rng,
    )


def test_conv2d_second_order_gradients():
    rng = np.random.default_rng(2)
    xv = rng.normal(size=(1, 2, 5, 5))
    wv = rng.normal(size=(3, 2, 3, 3))

    def gx(a, b):
        return aesara.grad(
            (ac.conv2d(a, b, subsample=(2, 2), border_mode="half") ** 2).sum(), a
        )

    def gw(a, b):
        return aesara.grad(
            (ac.conv2d(a, b, subsample=(2, 2), border_mode="half") ** 2).sum(), b
        )

    verify_grad(gx, [xv, wv], rng=rng)
    verify_grad(gw, [xv, wv], rng=rng)


def test_unshared_conv2d():
    rng = np.random.default_rng(3)
    xv = rng.normal(size=(2, 2, 5, 4))
    wv = rng.normal(size=(3, 3, 3, 2, 3, 2))  # (n_out, oH, oW, C, kH, kW)
    x, w = at.dtensor4(), at.tensor(dtype="float64", shape=(None,) * 6)
    got = aesara.function([x, w], ac.conv2d(x, w, unshared=True, filter_flip=False))(
        xv, wv
    )
    ref = np.zeros((2, 3, 3, 3))
    for i in range(3):
        for j in range(3):
            patch = xv[:, :, i : i + 3, j : j + 2]
            ref[:, :, i, j] = np.einsum("bckl,ockl->bo", patch, wv[:, i, j])
    np.testing.assert_allclose(got, ref)
    verify_grad(lambda a, b: ac.conv2d(a, b, unshared=True), [xv, wv], rng=rng)


@pytest.mark.parametrize("border_mode", ["valid", "full", "half", (1, 0, 2)])
def test_conv3d(border_mode):
    rng = np.random.default_rng(4)
    xv = rng.normal(size=(1, 2, 5, 4, 4))
    wv = rng.normal(size=(3, 2, 3, 2, 2))
    x, w = at.dtensor5(), at.dtensor5()
    out = ac.conv3d(x, w, border_mode=border_mode, subsample=(2, 1, 1))
    got = aesara.function([x, w], out)(xv, wv)
    ref = ref_conv(
        xv, wv, pads_of(border_mode, (3, 2, 2), (1, 1, 1)), (2, 1, 1), (1, 1, 1)
    )
    np.testing.assert_allclose(got, ref, rtol=1e-10, atol=1e-12)
    verify_grad(
        lambda a, b: ac.conv3d(a, b, border_mode=border_mode, subsample=(2, 1, 1)),
        [xv, wv],
        rng=rng,
    )


def test_grad_wrt_inputs_and_weights_helpers():
    rng = np.random.default_rng(5)
    xv = rng.normal(size=(2, 3, 7, 6))
    wv = rng.normal(size=(4, 3, 3, 3))
    x, w = at.dtensor4(), at.dtensor4()
    out = ac.conv2d(x, w, border_mode=(1, 1), subsample=(2, 2))
    top = at.dtensor4()
    cost = (out * top).sum()
    topv = rng.normal(size=(2, 4, 4, 3))
    auto_x, auto_w = aesara.grad(cost, [x, w])
    gi = ac.conv2d_grad_wrt_inputs(
        top, w, (2, 3, 7, 6), border_mode=(1, 1), subsample=(2, 2)
    )
    gw = ac.conv2d_grad_wrt_weights(
        x, top, (4, 3, 3, 3), border_mode=(1, 1), subsample=(2, 2)
    )
    f = aesara.function([x, w, top], [auto_x, auto_w, gi, gw, gi.shape, gw.shape])
    ax, aw, hx, hw, sx, sw = f(xv, wv, topv)
    assert tuple(sx) == xv.shape and tuple(sw) == wv.shape
    np.testing.assert_allclose(ax, hx)
    np.testing.assert_allclose(aw, hw)
    # the transposed convolution is the adjoint of the forward one
    fwd = aesara.function([x, w], out)(xv, wv)
    assert np.isclose((fwd * topv).sum(), (xv * hx).sum())
    tr = ac.conv2d_transpose(
        top, w, (2, 3, 7, 6), border_mode=(1, 1), input_dilation=(2, 2)
    )
    np.testing.assert_allclose(aesara.function([w, top], tr)(wv, topv), hx)


def test_symbolic_output_shape_of_transpose():
    rng = np.random.default_rng(6)
    w, top = at.dtensor4(), at.dtensor4()
    h = at.lscalar()
    out = ac.conv2d_grad_wrt_inputs(top, w, (None, None, h, 5), subsample=(2, 1))
    f = aesara.function([w, top, h], [out, out.shape])
    v, s = f(rng.normal(size=(2, 3, 2, 2)), rng.normal(size=(1, 2, 3, 4)), 7)
    assert v.shape == (1, 3, 7, 5) == tuple(s)


def test_separable_and_causal():
    rng = np.random.default_rng(7)
    xv = rng.normal(size=(2, 3, 6, 6))
    dw = rng.normal(size=(6, 1, 3, 3))  # depth multiplier 2
    pw = rng.normal(size=(4, 6, 1, 1))
    x = at.dtensor4()
    out = ac.separable_conv2d(x, at.constant(dw), at.constant(pw), num_channels=3)
    got = aesara.function([x], out)(xv)
    mid = ref_conv(xv, dw, [(0, 0)] * 2, (1, 1), (1, 1), groups=3)
    np.testing.assert_allclose(got, ref_conv(mid, pw, [(0, 0)] * 2, (1, 1), (1, 1)))

    t, k = at.dtensor3(), at.dtensor3()
    sv, kv = rng.normal(size=(2, 3, 8)), rng.normal(size=(2, 3, 3))
    c = aesara.function([t, k], ac.causal_conv1d(t, k, (2, 3, 3), filter_dilation=2))(
        sv, kv
    )
    assert c.shape == (2, 2, 8)
    # causality: output at time t ignores inputs after t
    sv2 = sv.copy()
    sv2[:, :, 5:] += 10
    c2 = aesara.function([t, k], ac.causal_conv1d(t, k, (2, 3, 3), filter_dilation=2))(
        sv2, kv
    )
    np.testing.assert_allclose(c[:, :, :5], c2[:, :, :5])
    assert not np.allclose(c[:, :, 5:], c2[:, :, 5:])


@pytest.mark.parametrize("use_1d", [True, False])
def test_bilinear_upsampling_interpolates(use_1d):
    x = at.dtensor4()
    # a linear ramp stays linear away from the (edge-replicated) border
    xv = np.tile(np.arange(5.0), (1, 1, 4, 1))
    up = aesara.function([x], ac.bilinear_upsampling(x, 2, use_1D_kernel=use_1d))(xv)
    assert up.shape == (1, 1, 8, 10)
    # interior samples step by half the input spacing
    np.testing.assert_allclose(np.diff(up[0, 0, 3, 1:-1]), np.full(7, 0.5))
    np.testing.assert_allclose(up[0, 0, 3, 1:-1], np.arange(0.5, 4.01, 0.5))
    # constant along the rows
    np.testing.assert_allclose(up[0, 0, :, 4], np.full(8, up[0, 0, 0, 4]))


def test_frac_bilinear_upsampling_shape():
    x = at.dtensor4()
    f = aesara.function(
        [x], ac.bilinear_upsampling(x, frac_ratio=(3, 2), use_1D_kernel=False)
    )
    assert f(np.ones((2, 3, 4, 5))).shape == (2, 3, 6, 8)
    with pytest.raises(ValueError, match="use_1D_kernel"):
        ac.bilinear_upsampling(x, frac_ratio=(3, 2))


def test_shape_helpers():
    assert ac.get_conv_shape_1axis(7, 3, "valid", 1) == 5
    assert ac.get_conv_shape_1axis(7, 3, "full", 2) == 5
    assert ac.get_conv_shape_1axis(7, 3, (2, 1), 1, 2) == 6
    assert ac.get_conv_shape_1axis(None, 3, "valid", 1) is None
    assert ac.get_conv_gradweights_shape(
        (1, 3, 7, 7), (1, 4, 5, 5), "valid", (1, 1)
    ) == (4, 3, 3, 3)
    assert ac.get_conv_gradinputs_shape(
        (4, 3, 3, 3), (1, 4, 5, 5), "valid", (1, 1)
    ) == (1, 3, 7, 7)
    assert ac.check_conv_gradinputs_shape(
        (1, 3, 7, 7), (4, 3, 3, 3), (1, 4, 5, 5), "valid", (1, 1)
    )
    assert not ac.check_conv_gradinputs_shape(
        (1, 3, 7, 7), (4, 3, 3, 3), (1, 4, 6, 5), "valid", (1, 1)
    )
    assert ac.border_mode_to_pad("half", 2, (3, 5)) == ((1, 1), (2, 2))
    assert ac.border_mode_to_pad((1, (2, 3)), 2, (3, 3)) == ((1, 1), (2, 3))
    with pytest.raises(ValueError):
        ac.assert_conv_shape((1, 2, 0, 3))


def test_bad_inputs():
    x, w = at.dtensor4(), at.dtensor4()
    with pytest.raises(ValueError, match="border_mode"):
        ac.conv2d(x, w, border_mode="same")
    with pytest.raises(ValueError, match="non-negative"):
        ac.conv2d(x, w, border_mode=-1)
    with pytest.raises(ValueError, match="subsample"):
        ac.conv2d(x, w, subsample=(1, 1, 1))
    with pytest.raises(TypeError, match="4D"):
        ac.conv2d(at.dtensor3(), w)
    with pytest.raises(NotImplementedError, match="Asymmetric"):
        ac.conv3d(at.dtensor5(), at.dtensor5(), border_mode=((1, 2), 0, 0))
    f = aesara.function([x, w], ac.conv2d(x, w))
    with pytest.raises(ValueError, match="channels"):
        f(np.ones((1, 3, 5, 5)), np.ones((2, 2, 3, 3)))
    with pytest.raises(ValueError, match="too small"):
        f(np.ones((1, 2, 2, 2)), np.ones((2, 2, 3, 3)))
    g = aesara.function([x, w], ac.conv2d(x, w, input_shape=(1, 2, 5, 5)))
    with pytest.raises(ValueError, match="does not match"):
        g(np.ones((1, 2, 6, 5)), np.ones((2, 2, 3, 3)))


def test_float32_stays_float32():
    x, w = at.ftensor4(), at.ftensor4()
    out = ac.conv2d(x, w, border_mode="half")
    assert out.dtype == "float32"
    v = aesara.function([x, w], out)(
        np.ones((1, 1, 4, 4), "float32"), np.ones((1, 1, 3, 3), "float32")
    )
    assert v.dtype == np.float32 and v[0, 0, 1, 1] == 9
