"""Tests of the explicit correlation ops (corr, corr3d), the legacy ConvOp,
conv3d2d and the opt-in lowering rewrites."""

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
    from aesara.tensor.nnet import conv as legacy
    from aesara.tensor.nnet import conv3d2d
    from aesara.tensor.nnet.corr import CorrMM, CorrMM_gradInputs, CorrMM_gradWeights
    from aesara.tensor.nnet.corr3d import (
        Corr3dMM,
        Corr3dMMGradInputs,
        Corr3dMMGradWeights,
    )


@pytest.mark.parametrize(
    "border_mode, subsample, dilation",
    [
        ("valid", (1, 1), (1, 1)),
        ("full", (2, 1), (1, 1)),
        ("half", (1, 1), (2, 2)),
        ((1, (0, 2)), (1, 2), (1, 1)),
    ],
)
def test_corrmm_matches_abstract_correlation(border_mode, subsample, dilation):
    rng = np.random.default_rng(0)
    xv, wv = rng.normal(size=(2, 3, 7, 6)), rng.normal(size=(4, 3, 3, 2))
    x, w = at.dtensor4(), at.dtensor4()
    bm = border_mode if not isinstance(border_mode, tuple) else (1, (0, 2))
    corr = CorrMM(bm, subsample, dilation)(x, w)
    ref = ac.conv2d(
        x,
        w,
        border_mode=bm,
        subsample=subsample,
        filter_dilation=dilation,
        filter_flip=False,
    )
    a, b, s = aesara.function([x, w], [corr, ref, corr.shape])(xv, wv)
    np.testing.assert_allclose(a, b)
    assert tuple(s) == a.shape
    verify_grad(
        lambda p, q: CorrMM(bm, subsample, dilation)(p, q),
        [xv[:1, :, :5, :5], wv],
        rng=rng,
    )


def test_corrmm_gradient_ops_without_shape():
    rng = np.random.default_rng(1)
    xv, topv = rng.normal(size=(2, 3, 6, 5)), rng.normal(size=(2, 4, 4, 4))
    wv = rng.normal(size=(4, 3, 3, 2))
    x, top, w = at.dtensor4(), at.dtensor4(), at.dtensor4()
    gw = CorrMM_gradWeights("valid")(x, top)
    gi = CorrMM_gradInputs("valid")(w, top)
    a, sa, b, sb = aesara.function([x, top, w], [gw, gw.shape, gi, gi.shape])(
        xv, topv, wv
    )
    assert a.shape == (4, 3, 3, 2) == tuple(sa)
    assert b.shape == (2, 3, 6, 5) == tuple(sb)
    # adjointness: <corr(x, w), top> == <x, gi(w, top)> == <w, gw(x, top)>
    fwd = aesara.function([x, w], CorrMM()(x, w))(xv, wv)
    assert np.isclose((fwd * topv).sum(), (xv * b).sum())
    assert np.isclose((fwd * topv).sum(), (wv * a).sum())
    with pytest.raises(ValueError, match="shape must be given"):
        CorrMM_gradWeights("half")(x, top)


def test_corr3d():
    rng = np.random.default_rng(2)
    xv, wv = rng.normal(size=(1, 2, 5, 4, 4)), rng.normal(size=(3, 2, 2, 3, 2))
    x, w = at.dtensor5(), at.dtensor5()
    out = Corr3dMM("half", (1, 2, 1))(x, w)
    ref = ac.conv3d(x, w, border_mode="half", subsample=(1, 2, 1), filter_flip=False)
    a, b = aesara.function([x, w], [out, ref])(xv, wv)
    np.testing.assert_allclose(a, b)
    top = at.dtensor5()
    topv = rng.normal(size=(1, 3, 4, 2, 3))
    gw = Corr3dMMGradWeights("valid")(x, top)
    gi = Corr3dMMGradInputs("valid")(w, top)
    ga, gb = aesara.function([x, top, w], [gw, gi])(xv, topv, wv)
    assert ga.shape == (3, 2, 2, 3, 2) and gb.shape == xv.shape
    verify_grad(lambda p, q: Corr3dMM()(p, q), [xv, wv], rng=rng)
    with pytest.raises(ValueError, match="length 3"):
        Corr3dMM((1, 1))


def test_legacy_conv2d():
    rng = np.random.default_rng(3)
    xv, wv = rng.normal(size=(2, 2, 6, 5)), rng.normal(size=(3, 2, 3, 2))
    x, w = at.dtensor4(), at.dtensor4()
    with pytest.warns(DeprecationWarning):
        out = legacy.conv2d(
            x,
            w,
            image_shape=(2, 2, 6, 5),
            filter_shape=(3, 2, 3, 2),
            border_mode="full",
        )
    got = aesara.function([x, w], out)(xv, wv)
    ref = np.array(
        [
            [sum(ss.convolve(xv[b, c], wv[k, c]) for c in range(2)) for k in range(3)]
            for b in range(2)
        ]
    )
    np.testing.assert_allclose(got, ref)
    assert legacy.ConvOp.getOutputShape((6, 5), (3, 2), (2, 1), "valid") == (2, 4)
    op = legacy.ConvOp(output_mode="valid", dx=2, dy=1)
    verify_grad(op, [xv, wv], rng=rng)
    with pytest.raises(ValueError, match="output_mode"):
        legacy.ConvOp(output_mode="half")


@pytest.mark.parametrize("border_mode", ["valid", "full", "half"])
def test_conv3d2d_matches_conv3d(border_mode):
    rng = np.random.default_rng(5)
    sv = rng.normal(size=(2, 5, 3, 4, 4))  # (batch, time, channels, rows, cols)
    fv = rng.normal(size=(2, 3, 3, 3, 3))  # (nkern, time, channels, rows, cols)
    s, f = at.dtensor5(), at.dtensor5()
    out = conv3d2d.conv3d(s, f, border_mode=border_mode)
    ref = ac.conv3d(
        s.dimshuffle(0, 2, 1, 3, 4),
        f.dimshuffle(0, 2, 1, 3, 4),
        border_mode=border_mode,
    )
    a, b = aesara.function([s, f], [out, ref.dimshuffle(0, 2, 1, 3, 4)])(sv, fv)
    np.testing.assert_allclose(a, b)
    verify_grad(
        lambda p, q: conv3d2d.conv3d(p, q, border_mode=border_mode),
        [sv[:1], fv[:, :, :, :2, :2]],
        rng=rng,
    )


def test_diagonal_subtensor():
    xv = np.arange(12.0).reshape(4, 3)
    view = conv3d2d.get_diagonal_subtensor_view(xv, 0, 1)
    np.testing.assert_array_equal(
        view, [[xv[2 + a - b, b] for b in range(3)] for a in range(2)]
    )
    x = at.dmatrix()
    np.testing.assert_array_equal(
        aesara.function([x], conv3d2d.diagonal_subtensor(x, 0, 1))(xv), view
    )
    verify_grad(
        lambda v: conv3d2d.diagonal_subtensor(v, 0, 1),
        [xv],
        rng=np.random.default_rng(0),
    )
    with pytest.raises(NotImplementedError):
        conv3d2d.get_diagonal_subtensor_view(xv.T, 0, 1)


def test_lowering_rewrites_are_opt_in_and_equivalent():
    rng = np.random.default_rng(6)
    xv, wv = rng.normal(size=(1, 2, 5, 5)), rng.normal(size=(3, 2, 3, 3))
    x, w = at.dtensor4(), at.dtensor4()
    out = ac.conv2d(x, w, border_mode="half", subsample=(2, 1))
    gx, gw = aesara.grad((out**2).sum(), [x, w])
    plain = aesara.function([x, w], [out, gx, gw])
    assert any(
        isinstance(n.op, ac.AbstractConv2d) for n in plain.maker.fgraph.toposort()
    )
    mode = aesara.compile.mode.get_default_mode().including(
        "local_abstractconv_gemm",
        "local_abstractconv_gradweight_gemm",
        "local_abstractconv_gradinputs_gemm",
    )
    lowered = aesara.function([x, w], [out, gx, gw], mode=mode)
    ops = {type(n.op) for n in lowered.maker.fgraph.toposort()}
    assert CorrMM in ops and not ops & {
        ac.AbstractConv2d,
        ac.AbstractConv2d_gradWeights,
        ac.AbstractConv2d_gradInputs,
    }
    for p, q in zip(plain(xv, wv), lowered(xv, wv)):
        np.testing.assert_allclose(p, q)
