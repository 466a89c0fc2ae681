"""Tests of aesara.tensor.nnet.basic, sigm and blocksparse."""

from __future__ import annotations

import warnings

import numpy as np
import pytest
import scipy.special as sp

import aesara
import aesara.tensor as at
from aesara.gradient import verify_grad

with warnings.catch_warnings():
    warnings.simplefilter("ignore", DeprecationWarning)
    import aesara.tensor.nnet as nnet
    from aesara.tensor.nnet import basic as nb
    from aesara.tensor.nnet import blocksparse as bs
    from aesara.tensor.nnet import sigm


def test_package_exports_and_deprecation():
    import importlib
    import sys

    original = sys.modules.pop("aesara.tensor.nnet")
    try:
        with pytest.warns(DeprecationWarning, match="deprecated"):
            mod = importlib.import_module("aesara.tensor.nnet")
    finally:
        # keep the package object the rest of the session already holds
        sys.modules["aesara.tensor.nnet"] = original
        at.nnet = original
    for name in (
        "conv2d",
        "softmax",
        "logsoftmax",
        "relu",
        "batch_normalization",
        "ultra_fast_sigmoid",
        "h_softmax",
        "categorical_crossentropy",
    ):
        assert hasattr(mod, name), name
    from aesara.tensor.special import log_softmax, softmax

    assert mod.softmax is softmax and mod.logsoftmax is log_softmax
    with pytest.warns(DeprecationWarning, match="moved"):
        assert nb.logsoftmax is log_softmax


def test_softmax_legacy_reuses_special_ops():
    from aesara.tensor.special import Softmax, SoftmaxGrad

    assert isinstance(nb.softmax_legacy, Softmax) and nb.softmax_legacy.axis == -1
    assert isinstance(nb.softmax_grad_legacy, SoftmaxGrad)


def test_softmax_with_bias():
    rng = np.random.default_rng(0)
    xv, bv = rng.normal(size=(3, 4)) * 30, rng.normal(size=4)
    x, b = at.dmatrix(), at.dvector()
    got = aesara.function([x, b], nb.softmax_with_bias(x, b))(xv, bv)
    np.testing.assert_allclose(got, sp.softmax(xv + bv, axis=1))
    verify_grad(nb.softmax_with_bias, [xv / 30, bv], rng=rng)
    with pytest.raises(ValueError, match="2-d tensor of floats"):
        nb.softmax_with_bias(at.dvector(), b)
    with pytest.raises(ValueError, match="columns"):
        aesara.function([x, b], nb.softmax_with_bias(x, b))(xv, np.ones(3))


def test_softmax_graph():
    x = at.dmatrix()
    xv = np.random.default_rng(1).normal(size=(2, 3))
    np.testing.assert_allclose(
        aesara.function([x], nb.softmax_graph(x))(xv), sp.softmax(xv, axis=1)
    )


def test_crossentropy_softmax_argmax_1hot_with_bias():
    rng = np.random.default_rng(2)
    xv, bv = rng.normal(size=(4, 5)), rng.normal(size=5)
    yv = np.array([0, 4, 2, 2], dtype="int64")
    x, b, y = at.dmatrix(), at.dvector(), at.lvector()
    nll, sm, am = nb.crossentropy_softmax_argmax_1hot_with_bias(x, b, y)
    f = aesara.function([x, b, y], [nll, sm, am])
    g_nll, g_sm, g_am = f(xv, bv, yv)
    ref_sm = sp.softmax(xv + bv, axis=1)
    np.testing.assert_allclose(g_sm, ref_sm)
    np.testing.assert_allclose(g_nll, -np.log(ref_sm[np.arange(4), yv]))
    np.testing.assert_array_equal(g_am, (xv + bv).argmax(axis=1))
    verify_grad(
        lambda a, c: nb.crossentropy_softmax_1hot_with_bias(a, c, yv)[0],
        [xv, bv],
        rng=rng,
    )
    verify_grad(lambda a: nb.crossentropy_softmax_1hot(a, yv)[0], [xv], rng=rng)
    with pytest.raises(ValueError, match="y_idx values"):
        f(xv, bv, np.array([0, 5, 0, 0]))
    with pytest.raises(ValueError, match="rows"):
        f(xv, bv, np.array([0, 1]))


def test_crossentropy_softmax_1hot_with_bias_dx():
    rng = np.random.default_rng(3)
    smv = sp.softmax(rng.normal(size=(3, 4)), axis=1)
    yv = np.array([1, 0, 3])
    dyv = rng.normal(size=3)
    dy, sm, y = at.dvector(), at.dmatrix(), at.lvector()
    got = aesara.function(
        [dy, sm, y], nb.crossentropy_softmax_1hot_with_bias_dx(dy, sm, y)
    )(dyv, smv, yv)
    ref = dyv[:, None] * (smv - np.eye(4)[yv])
    np.testing.assert_allclose(got, ref)
    verify_grad(
        lambda a, c: nb.crossentropy_softmax_1hot_with_bias_dx(a, c, yv),
        [dyv, smv],
        rng=rng,
    )


def test_categorical_crossentropy():
    rng = np.random.default_rng(4)
    pv = sp.softmax(rng.normal(size=(3, 4)), axis=1)
    tv = sp.softmax(rng.normal(size=(3, 4)), axis=1)
    yv = np.array([3, 1, 0], dtype="int32")
    p, t, y = at.dmatrix(), at.dmatrix(), at.ivector()
    f = aesara.function(
        [p, t, y],
        [nb.categorical_crossentropy(p, t), nb.categorical_crossentropy(p, y)],
    )
    dense, onehot = f(pv, tv, yv)
    np.testing.assert_allclose(dense, -(tv * np.log(pv)).sum(axis=1))
    np.testing.assert_allclose(onehot, -np.log(pv[np.arange(3), yv]))
    verify_grad(lambda a: nb.crossentropy_categorical_1hot(a, yv), [pv], rng=rng)
    with pytest.raises(TypeError, match="rank mismatch"):
        nb.categorical_crossentropy(p, at.dtensor3())
    with pytest.raises(TypeError, match="integer vector"):
        nb.crossentropy_categorical_1hot(p, at.dvector())


def test_crossentropy_rewriter_fuses_softmax():
    x, y = at.dmatrix(), at.lvector()
    nll = nb.crossentropy_categorical_1hot(nb.softmax_legacy(x), y)
    fg = aesara.graph.fg.FunctionGraph([x, y], [nll], clone=True)
    nb.crossentropy_to_crossentropy_with_softmax.rewrite(fg)
    ops = [type(n.op) for n in fg.toposort()]
    assert nb.CrossentropySoftmaxArgmax1HotWithBias in ops
    assert nb.CrossentropyCategorical1Hot not in ops


def test_binary_crossentropies():
    rng = np.random.default_rng(5)
    ov = rng.normal(size=(3, 2)) * 3
    tv = rng.uniform(size=(3, 2))
    o, t = at.dmatrix(), at.dmatrix()
    f = aesara.function(
        [o, t],
        [
            nb.binary_crossentropy(at.sigmoid(o), t),
            nb.sigmoid_binary_crossentropy(o, t),
        ],
    )
    a, b = f(ov, tv)
    s = sp.expit(ov)
    ref = -(tv * np.log(s) + (1 - tv) * np.log(1 - s))
    np.testing.assert_allclose(a, ref)
    np.testing.assert_allclose(b, ref)
    verify_grad(nb.sigmoid_binary_crossentropy, [ov, tv], rng=rng)
    # stable for large logits
    big = aesara.function([o, t], nb.sigmoid_binary_crossentropy(o, t))(
        np.array([[800.0, -800.0]]), np.array([[0.0, 1.0]])
    )
    np.testing.assert_allclose(big, [[800.0, 800.0]])


def test_activations():
    xv = np.array([-2.0, -0.5, 0.0, 0.5, 3.0])
    x = at.dvector()
    f = aesara.function(
        [x],
        [
            nb.relu(x),
            nb.relu(x, 0.1),
            nb.elu(x),
            nb.elu(x, 0.5),
            nb.selu(x),
            nb.softsign(x),
        ],
    )
    r, lr, e, e5, s, ss = f(xv)
    np.testing.assert_allclose(r, np.maximum(xv, 0))
    np.testing.assert_allclose(lr, np.where(xv > 0, xv, 0.1 * xv))
    np.testing.assert_allclose(e, np.where(xv > 0, xv, np.expm1(xv)))
    np.testing.assert_allclose(e5, np.where(xv > 0, xv, 0.5 * np.expm1(xv)))
    np.testing.assert_allclose(
        s, 1.0507009873554805 * np.where(xv > 0, xv, 1.6732632423543772 * np.expm1(xv))
    )
    np.testing.assert_allclose(ss, xv / (1 + np.abs(xv)))
    verify_grad(nb.softsign, [xv], rng=np.random.default_rng(0))
    i = at.ivector()
    out = aesara.function([i], nb.softsign(i))(np.array([1, -3], "int32"))
    assert out.dtype.kind == "f"
    np.testing.assert_allclose(out, [0.5, -0.75])


def test_prepend_ops():
    m = at.dmatrix()
    mv = np.arange(6.0).reshape(2, 3)
    f = aesara.function(
        [m],
        [
            nb.prepend_0_to_each_row(m),
            nb.prepend_1_to_each_row(m),
            nb.prepend_scalar_to_each_row(5.0, m),
        ],
    )
    a, b, c = f(mv)
    np.testing.assert_array_equal(a, np.hstack([np.zeros((2, 1)), mv]))
    np.testing.assert_array_equal(b[:, 0], [1, 1])
    np.testing.assert_array_equal(c[:, 0], [5, 5])
    assert aesara.function([m], nb.prepend_1_to_each_row(m).shape)(mv).tolist() == [
        2,
        4,
    ]
    verify_grad(nb.prepend_0_to_each_row, [mv], rng=np.random.default_rng(0))
    verify_grad(
        lambda s, a: nb.prepend_scalar_to_each_row(s, a),
        [np.array(2.0), mv],
        rng=np.random.default_rng(0),
    )
    with pytest.raises(TypeError, match="matrix"):
        nb.prepend_0_to_each_row(at.dvector())


def test_h_softmax():
    rng = np.random.default_rng(6)
    bsz, n_in, n_classes, per = 3, 4, 3, 2
    n_out = 5
    xv = rng.normal(size=(bsz, n_in))
    W1v, b1v = rng.normal(size=(n_in, n_classes)), rng.normal(size=n_classes)
    W2v, b2v = (
        rng.normal(size=(n_classes, n_in, per)),
        rng.normal(size=(n_classes, per)),
    )
    x, W1, b1, W2, b2 = (
        at.dmatrix(),
        at.dmatrix(),
        at.dvector(),
        at.dtensor3(),
        at.dmatrix(),
    )
    tgt = at.lvector()
    full = nb.h_softmax(x, bsz, n_out, n_classes, per, W1, b1, W2, b2)
    some = nb.h_softmax(x, bsz, n_out, n_classes, per, W1, b1, W2, b2, target=tgt)
    f = aesara.function([x, W1, b1, W2, b2, tgt], [full, some])
    tv = np.array([0, 4, 3])
    pf, ps = f(xv, W1v, b1v, W2v, b2v, tv)
    cls = sp.softmax(xv @ W1v + b1v, axis=1)
    within = sp.softmax(np.einsum("bi,cio->bco", xv, W2v) + b2v, axis=2)
    ref = (cls[:, :, None] * within).reshape(bsz, -1)[:, :n_out]
    np.testing.assert_allclose(pf, ref)
    np.testing.assert_allclose(ps, ref[np.arange(bsz), tv])


def test_confusion_matrix():
    a, p = at.lvector(), at.lvector()
    conf, order = aesara.function([a, p], nb.confusion_matrix(a, p))(
        np.array([0, 1, 2, 2]), np.array([0, 2, 2, 5])
    )
    np.testing.assert_array_equal(order, [0, 1, 2, 5])
    np.testing.assert_array_equal(
        conf, [[1, 0, 0, 0], [0, 0, 1, 0], [0, 0, 1, 1], [0, 0, 0, 0]]
    )
    with pytest.raises(ValueError, match="1-d"):
        nb.confusion_matrix(at.lmatrix(), p)


def test_sigmoid_approximations():
    xv = np.linspace(-8, 8, 41)
    x = at.dvector()
    uf, hs = aesara.function([x], [sigm.ultra_fast_sigmoid(x), sigm.hard_sigmoid(x)])(
        xv
    )
    assert np.max(np.abs(uf - sp.expit(xv))) < 0.03
    np.testing.assert_allclose(hs, np.clip(0.2 * xv + 0.5, 0, 1))
    assert sigm.ultra_fast_scalar_sigmoid.impl(0.0) == 0.5
    mode = aesara.compile.mode.get_default_mode().including("local_ultra_fast_sigmoid")
    f = aesara.function([x], at.sigmoid(x), mode=mode)
    assert any(
        isinstance(getattr(n.op, "scalar_op", None), sigm.UltraFastScalarSigmoid)
        for n in f.maker.fgraph.toposort()
    )
    assert nnet.hard_sigmoid is sigm.hard_sigmoid


def test_sparse_block_dot_and_gradients():
    rng = np.random.default_rng(7)
    iB, oB, iS, oS, bsz, iW, oW = 3, 4, 2, 3, 2, 2, 3
    Wv = rng.normal(size=(iB, oB, iS, oS))
    hv = rng.normal(size=(bsz, iW, iS))
    bv = rng.normal(size=(oB, oS))
    iIdx = np.array([[0, 2], [1, 1]], dtype="int32")
    oIdx = np.array([[3, 0, 1], [2, 2, 0]], dtype="int32")
    W, h, b = at.dtensor4(), at.dtensor3(), at.dmatrix()
    out = bs.sparse_block_dot(W, h, at.constant(iIdx), b, at.constant(oIdx))
    got = aesara.function([W, h, b], out)(Wv, hv, bv)
    ref = np.zeros((bsz, oW, oS))
    for n in range(bsz):
        for j in range(oW):
            ref[n, j] = bv[oIdx[n, j]] + sum(
                hv[n, i] @ Wv[iIdx[n, i], oIdx[n, j]] for i in range(iW)
            )
    np.testing.assert_allclose(got, ref)
    verify_grad(
        lambda a, c, d: bs.sparse_block_dot(a, c, iIdx, d, oIdx), [Wv, hv, bv], rng=rng
    )
    # outer product accumulates repeated block pairs
    o = at.dtensor4()
    xo, yo = at.dtensor3(), at.dtensor3()
    outer = bs.sparse_block_outer(o, xo, yo, at.constant(iIdx), at.constant(oIdx))
    ov = np.zeros((iB, oB, iS, oS))
    gv = aesara.function([o, xo, yo], outer)(ov, hv, rng.normal(size=(bsz, oW, oS)))
    assert gv.shape == ov.shape and np.count_nonzero(gv) > 0
    with pytest.raises(TypeError, match="integers"):
        bs.SparseBlockGemv()(at.dtensor3(), W, h, at.dmatrix(), at.lmatrix())


def test_default_pipeline_fuses_crossentropy_of_softmax():
    x, y = at.dmatrix(), at.lvector()
    cost = nb.categorical_crossentropy(at.special.softmax(x, axis=-1), y)
    f = aesara.function([x, y], cost)
    ops = [type(n.op) for n in f.maker.fgraph.toposort()]
    assert nb.CrossentropySoftmaxArgmax1HotWithBias in ops
    # the fused op stays finite where log(softmax) would underflow
    xv = np.array([[0.0, 2000.0], [3.0, 1.0]])
    got = f(xv, np.array([0, 1]))
    np.testing.assert_allclose(got, [2000.0, 2.0 + np.log1p(np.exp(-2.0))])
