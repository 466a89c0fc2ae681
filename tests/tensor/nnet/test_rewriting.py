"""Fires-and-keeps-values checks of the rewrites registered by
aesara.tensor.nnet (most are opt-in: selected by name)."""

from __future__ import annotations

import warnings

import numpy as np

import aesara.tensor as at
from aesara.compile.mode import get_default_mode
from tests.tensor.rewriting.rewrite_check import check_rewrite

with warnings.catch_warnings():
    warnings.simplefilter("ignore", DeprecationWarning)
    from aesara.tensor.nnet import abstract_conv as ac
    from aesara.tensor.nnet import basic as nb
    from aesara.tensor.nnet import batchnorm as bn
    from aesara.tensor.nnet.corr import CorrMM, CorrMM_gradInputs, CorrMM_gradWeights
    from aesara.tensor.nnet.corr3d import (
        Corr3dMM,
        Corr3dMMGradInputs,
        Corr3dMMGradWeights,
    )

RNG = np.random.default_rng(0)


def opt_in(name):
    return get_default_mode().including(name)


def has(op_type):
    return lambda fg: any(isinstance(n.op, op_type) for n in fg.toposort())


def test_crossentropy_to_crossentropy_with_softmax():
    x, y = at.dmatrix("x"), at.lvector("y")
    out = nb.crossentropy_categorical_1hot(nb.softmax_legacy(x), y)
    check_rewrite(
        "crossentropy_to_crossentropy_with_softmax",
        [x, y],
        out,
        [RNG.normal(size=(3, 4)), np.array([0, 3, 1])],
        fires=has(nb.CrossentropySoftmaxArgmax1HotWithBias),
    )


def test_abstractconv_lowering_2d():
    x, w, top = at.dtensor4("x"), at.dtensor4("w"), at.dtensor4("top")
    xv, wv = RNG.normal(size=(1, 2, 5, 5)), RNG.normal(size=(3, 2, 3, 3))
    topv = RNG.normal(size=(1, 3, 3, 5))
    kw = dict(border_mode=(0, 1), subsample=(1, 1))
    name = "local_abstractconv_gemm"
    check_rewrite(
        "local_abstractconv_gemm",
        [x, w],
        ac.conv2d(x, w, **kw),
        [xv, wv],
        mode=opt_in(name),
        fires=has(CorrMM),
    )
    name = "local_abstractconv_gradweight_gemm"
    out = ac.conv2d_grad_wrt_weights(x, top, (3, 2, 3, 3), **kw)
    check_rewrite(
        "local_abstractconv_gradweight_gemm",
        [x, top],
        out,
        [xv, topv],
        mode=opt_in(name),
        fires=has(CorrMM_gradWeights),
    )
    name = "local_abstractconv_gradinputs_gemm"
    out = ac.conv2d_grad_wrt_inputs(top, w, (1, 2, 5, 5), **kw)
    check_rewrite(
        "local_abstractconv_gradinputs_gemm",
        [w, top],
        out,
        [wv, topv],
        mode=opt_in(name),
        fires=has(CorrMM_gradInputs),
    )


def test_abstractconv_lowering_3d():
    x, w, top = at.dtensor5("x"), at.dtensor5("w"), at.dtensor5("top")
    xv, wv = RNG.normal(size=(1, 2, 4, 4, 3)), RNG.normal(size=(2, 2, 2, 2, 2))
    topv = RNG.normal(size=(1, 2, 3, 3, 2))
    name = "local_abstractconv3d_gemm"
    check_rewrite(
        "local_abstractconv3d_gemm",
        [x, w],
        ac.conv3d(x, w),
        [xv, wv],
        mode=opt_in(name),
        fires=has(Corr3dMM),
    )
    name = "local_abstractconv3d_gradweight_gemm"
    out = ac.conv3d_grad_wrt_weights(x, top, (2, 2, 2, 2, 2))
    check_rewrite(
        "local_abstractconv3d_gradweight_gemm",
        [x, top],
        out,
        [xv, topv],
        mode=opt_in(name),
        fires=has(Corr3dMMGradWeights),
    )
    name = "local_abstractconv3d_gradinputs_gemm"
    out = ac.conv3d_grad_wrt_inputs(top, w, (1, 2, 4, 4, 3))
    check_rewrite(
        "local_abstractconv3d_gradinputs_gemm",
        [w, top],
        out,
        [wv, topv],
        mode=opt_in(name),
        fires=has(Corr3dMMGradInputs),
    )


def test_batch_norm_expansions():
    x, g, b = at.dmatrix("x"), at.dvector("g"), at.dvector("b")
    vals = [RNG.normal(size=(4, 3)), RNG.normal(size=3), RNG.normal(size=3)]

    def gone(op_type):
        return lambda fg: not any(isinstance(n.op, op_type) for n in fg.toposort())

    name = "local_abstract_batch_norm_train"
    out = bn.batch_normalization_train(x, g, b)[0]
    check_rewrite(
        "local_abstract_batch_norm_train",
        [x, g, b],
        out,
        vals,
        mode=opt_in(name),
        fires=gone(bn.AbstractBatchNormTrain),
    )
    name = "local_abstract_batch_norm_train_grad"
    gx = bn.AbstractBatchNormTrainGrad((0,))(
        x,
        x * 2,
        g.dimshuffle("x", 0),
        b.dimshuffle("x", 0),
        (b * b + 1).dimshuffle("x", 0),
    )[0]
    check_rewrite(
        "local_abstract_batch_norm_train_grad",
        [x, g, b],
        gx,
        vals,
        mode=opt_in(name),
        fires=gone(bn.AbstractBatchNormTrainGrad),
    )
    name = "local_abstract_batch_norm_inference"
    out = bn.batch_normalization_test(x, g, b, g, b * b + 1)
    check_rewrite(
        "local_abstract_batch_norm_inference",
        [x, g, b],
        out,
        vals,
        mode=opt_in(name),
        fires=gone(bn.AbstractBatchNormInference),
    )


def test_sigmoid_approximations():
    from aesara.tensor.nnet.sigm import UltraFastScalarSigmoid

    x = at.dvector("x")
    xv = [np.linspace(-6, 6, 13)]
    name = "local_ultra_fast_sigmoid"
    check_rewrite(
        "local_ultra_fast_sigmoid",
        [x],
        at.sigmoid(x),
        xv,
        mode=opt_in(name),
        atol=0.03,
        fires=lambda fg: any(
            isinstance(getattr(n.op, "scalar_op", None), UltraFastScalarSigmoid)
            for n in fg.toposort()
        ),
    )
    name = "local_hard_sigmoid"
    check_rewrite(
        "local_hard_sigmoid",
        [x],
        at.sigmoid(x),
        xv,
        mode=opt_in(name),
        atol=0.1,
        fires=lambda fg: (
            not any(
                type(getattr(n.op, "scalar_op", None)).__name__ == "Sigmoid"
                for n in fg.toposort()
            )
        ),
    )
