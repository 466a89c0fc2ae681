"""The last nnet rewrites of Aesara 2.9 (issue 18):
``local_advanced_indexing_crossentropy_onehot`` and its ``_grad`` (opt-in by
name), ``local_useless_crossentropy_softmax_1hot_with_bias_dx_alloc`` (on by
default) and the legacy-convolution lowerings ``local_conv2d_gradweight_cpu``
/ ``local_conv2d_gradinputs_cpu`` (members of ``conv_groupopt``)."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

import aesara
import aesara.tensor as at
from aesara.compile.mode import get_default_mode, optdb
from aesara.graph.fg import FunctionGraph
from aesara.graph.rewriting.basic import in2out
from aesara.graph.rewriting.db import RewriteDatabaseQuery
from aesara.raise_op import Assert
from aesara.tensor.basic import Alloc
from aesara.tensor.rewriting.shape import ShapeFeature
from aesara.tensor.special import SoftmaxGrad
from aesara.tensor.subtensor import AdvancedIncSubtensor, AdvancedSubtensor
from tests.tensor.rewriting.rewrite_check import check_rewrite

with warnings.catch_warnings():
    warnings.simplefilter("ignore", DeprecationWarning)
    from aesara.tensor.nnet import abstract_conv as ac
    from aesara.tensor.nnet import basic as nb
    from aesara.tensor.nnet import rewriting as nr
    from aesara.tensor.nnet.conv import ConvOp

RNG = np.random.default_rng(18)
FWD = "local_advanced_indexing_crossentropy_onehot"
GRAD = "local_advanced_indexing_crossentropy_onehot_grad"
ALLOC = "local_useless_crossentropy_softmax_1hot_with_bias_dx_alloc"
XENT = nb.CrossentropySoftmaxArgmax1HotWithBias
DX = nb.CrossentropySoftmax1HotWithBiasDx


def opt_in(*names):
    return get_default_mode().including(*names)


def has(op_type):
    return lambda fg: any(isinstance(n.op, op_type) for n in fg.toposort())


def rewrite_once(rw, outputs, inputs=None, shape_feature=False):
    if inputs is None:
        fg = FunctionGraph(outputs=outputs, clone=True)
    else:
        fg = FunctionGraph(inputs, outputs, clone=True)
    if shape_feature:
        fg.attach_feature(ShapeFeature())
    rws = rw if isinstance(rw, list) else [rw]
    in2out(*rws).rewrite(fg)
    return fg


def np_softmax(z):
    e = np.exp(z - z.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


def np_nll_and_grad(x, y, weights):
    """``sum(weights * -log(softmax(x)[i, y[i]]))`` and its gradient."""
    sm = np_softmax(x)
    rows = np.arange(len(y))
    nll = -np.log(sm[rows, y])
    onehot = np.zeros_like(x)
    onehot[rows, y] = 1.0
    return (weights * nll).sum(), weights[:, None] * (sm - onehot)


def picked(sm, y):
    return sm[at.arange(y.shape[0]), y]


XV = RNG.normal(size=(5, 4))
YV = np.array([0, 3, 1, 2, 3])
BV = RNG.normal(size=4)


# --------------------------------------------------------------------------
# local_advanced_indexing_crossentropy_onehot
# --------------------------------------------------------------------------


def test_onehot_fires_on_log_of_picked_softmax():
    x, y = at.dmatrix("x"), at.lvector("y")
    out = -at.log(picked(nb.softmax_legacy(x), y))
    check_rewrite(
        "local_advanced_indexing_crossentropy_onehot",
        [x, y],
        out,
        [XV, YV],
        mode=opt_in(FWD),
        fires=lambda fg: has(XENT)(fg) and not has(AdvancedSubtensor)(fg),
    )
    f = aesara.function([x, y], out, mode=opt_in(FWD))
    ref = -np.log(np_softmax(XV)[np.arange(5), YV])
    np.testing.assert_allclose(f(XV, YV), ref, rtol=1e-12)


@pytest.mark.parametrize("kind", ["softmax_with_bias", "softmax_of_sum"])
def test_onehot_keeps_the_bias(kind):
    x, y, b = at.dmatrix("x"), at.lvector("y"), at.dvector("b")
    if kind == "softmax_with_bias":
        sm = nb.softmax_with_bias(x, b)
    else:
        sm = nb.softmax_legacy(x + b)
    fg = rewrite_once(
        nb.local_advanced_indexing_crossentropy_onehot, [at.log(picked(sm, y))]
    )
    (xent,) = [n for n in fg.toposort() if isinstance(n.op, XENT)]
    assert xent.inputs[1] is fg.inputs[[v.name for v in fg.inputs].index("b")]
    f = aesara.function(fg.inputs, fg.outputs[0], mode="FAST_COMPILE")
    args = {"x": XV, "y": YV, "b": BV}
    got = f(*[args[v.name] for v in fg.inputs])
    ref = np.log(np_softmax(XV + BV)[np.arange(5), YV])
    np.testing.assert_allclose(got, ref, rtol=1e-12)


def test_onehot_fires_on_picked_log_softmax():
    # The other spelling, log(softmax(x))[rows, y] (before the stabilising
    # pass turns log(softmax) into LogSoftmax).
    x, y = at.dmatrix("x"), at.lvector("y")
    out = picked(at.log(nb.softmax_legacy(x)), y)
    fg = rewrite_once(nb.local_advanced_indexing_crossentropy_onehot, [out])
    assert has(XENT)(fg) and not has(AdvancedSubtensor)(fg)
    f = aesara.function(fg.inputs, fg.outputs[0], mode="FAST_COMPILE")
    got = f(*[{"x": XV, "y": YV}[v.name] for v in fg.inputs])
    ref = np.log(np_softmax(XV)[np.arange(5), YV])
    np.testing.assert_allclose(got, ref, rtol=1e-12)


def test_onehot_leaves_other_graphs():
    x, y, r = at.dmatrix("x"), at.lvector("y"), at.lvector("r")
    sm = nb.softmax_legacy(x)
    for out in (
        at.log(sm[r, y]),  # rows not known to be arange(len(y))
        at.log(sm[at.arange(1, y.shape[0] + 1), y]),  # shifted rows
        at.log(sm[at.arange(x.shape[0]), y]),  # length of another variable
        at.log(picked(at.special.softmax(x, axis=0), y)),  # columns' softmax
        at.log(picked(at.exp(x), y)),  # not a softmax
        at.exp(picked(sm, y)),  # not a log
    ):
        fg = rewrite_once(nb.local_advanced_indexing_crossentropy_onehot, [out])
        assert not has(XENT)(fg), out


def test_onehot_is_opt_in():
    x, y = at.dmatrix("x"), at.lvector("y")
    f = aesara.function([x, y], -at.log(picked(nb.softmax_legacy(x), y)))
    assert not has(XENT)(f.maker.fgraph)
    assert FWD in optdb["specialize"].__db__


def test_onehot_with_shape_feature_and_one_label():
    # With one label, arange(len(y)) may be folded into the constant 0.
    x = at.dmatrix("x")
    y = at.tensor(dtype="int64", shape=(1,), name="y")
    out = at.log(nb.softmax_legacy(x)[at.constant(0), y])
    fg = rewrite_once(
        nb.local_advanced_indexing_crossentropy_onehot, [out], [x, y], True
    )
    assert has(XENT)(fg)
    f = aesara.function(fg.inputs, fg.outputs[0], mode="FAST_COMPILE")
    xv = XV[:1]
    np.testing.assert_allclose(f(xv, [2]), np.log(np_softmax(xv)[0, [2]]))


# --------------------------------------------------------------------------
# local_advanced_indexing_crossentropy_onehot_grad
# --------------------------------------------------------------------------


@pytest.mark.parametrize("cost_kind", ["mean", "sum", "weighted"])
def test_onehot_grad_full_pipeline(cost_kind):
    x, y = at.dmatrix("x"), at.lvector("y")
    nll = -at.log(picked(nb.softmax_legacy(x), y))
    w = np.arange(1.0, 6.0)
    if cost_kind == "mean":
        cost, weights = nll.mean(), np.full(5, 0.2)
    elif cost_kind == "sum":
        cost, weights = nll.sum(), np.ones(5)
    else:
        cost, weights = (nll * at.constant(w)).sum(), w
    gx = aesara.grad(cost, x)
    check_rewrite(
        "local_advanced_indexing_crossentropy_onehot_grad",
        [x, y],
        [cost, gx],
        [XV, YV],
        mode=opt_in(FWD, GRAD),
        fires=lambda fg: (
            has(DX)(fg)
            and has(XENT)(fg)
            and not has(SoftmaxGrad)(fg)
            and not has(AdvancedIncSubtensor)(fg)
        ),
    )
    f = aesara.function([x, y], [cost, gx], mode=opt_in(FWD, GRAD))
    c, g = f(XV, YV)
    ref_c, ref_g = np_nll_and_grad(XV, YV, weights)
    np.testing.assert_allclose(c, ref_c, rtol=1e-12)
    np.testing.assert_allclose(g, ref_g, rtol=1e-12, atol=1e-15)


def test_onehot_grad_with_bias_gradients():
    x, y, b = at.dmatrix("x"), at.lvector("y"), at.dvector("b")
    cost = -at.log(picked(nb.softmax_legacy(x + b), y)).mean()
    gx, gb = aesara.grad(cost, [x, b])
    plain = aesara.function([x, y, b], [cost, gx, gb])
    fused = aesara.function([x, y, b], [cost, gx, gb], mode=opt_in(FWD, GRAD))
    assert has(DX)(fused.maker.fgraph)
    assert not has(SoftmaxGrad)(fused.maker.fgraph)
    ref_c, ref_g = np_nll_and_grad(XV + BV, YV, np.full(5, 0.2))
    for got, want in zip(fused(XV, YV, BV), plain(XV, YV, BV)):
        np.testing.assert_allclose(got, want, rtol=1e-12, atol=1e-15)
    got_c, got_gx, got_gb = fused(XV, YV, BV)
    np.testing.assert_allclose(got_gx, ref_g, rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(got_gb, ref_g.sum(axis=0), rtol=1e-12, atol=1e-15)


def test_onehot_grad_of_picked_log_softmax():
    # Gradient of log(softmax(x))[rows, y], rewritten before LogSoftmax forms:
    # zeros incremented at the picks, times 1 / softmax.
    x, y = at.dmatrix("x"), at.lvector("y")
    cost = -picked(at.log(nb.softmax_legacy(x)), y).sum()
    gx = aesara.grad(cost, x)
    fg = rewrite_once(nb.local_advanced_indexing_crossentropy_onehot_grad, [gx], [x, y])
    assert has(DX)(fg) and not has(SoftmaxGrad)(fg)
    f = aesara.function(fg.inputs, fg.outputs[0], mode="FAST_COMPILE")
    _, ref_g = np_nll_and_grad(XV, YV, np.ones(5))
    np.testing.assert_allclose(f(XV, YV), ref_g, rtol=1e-12, atol=1e-15)


def test_onehot_grad_leaves_other_graphs():
    x, y, r = at.dmatrix("x"), at.lvector("y"), at.lvector("r")
    sm = nb.softmax_legacy(x)
    mode = get_default_mode().including(GRAD).excluding("fusion")
    for cost in (
        at.log(sm[r, y]).sum(),  # arbitrary rows
        at.log(picked(sm, y) + 1.0).sum(),  # not the gradient of a log
        (picked(sm, y) ** 2).sum(),  # no log at all
    ):
        gx = aesara.grad(cost, x)
        f = aesara.function([x, y, r], gx, mode=mode, on_unused_input="ignore")
        assert not has(DX)(f.maker.fgraph)
        assert has(SoftmaxGrad)(f.maker.fgraph)


def test_onehot_grad_changes_underflowing_values():
    # Why it is opt-in: the fused gradient stays finite where the chained one
    # divides by an underflowed probability.
    x, y = at.dmatrix("x"), at.lvector("y")
    gx = aesara.grad(-at.log(picked(nb.softmax_legacy(x), y)).sum(), x)
    xv, yv = np.array([[0.0, 1000.0]]), np.array([0])
    with np.errstate(all="ignore"):
        plain = aesara.function([x, y], gx)(xv, yv)
        fused = aesara.function([x, y], gx, mode=opt_in(GRAD))(xv, yv)
    assert not np.all(np.isfinite(plain))
    np.testing.assert_allclose(fused, [[-1.0, 1.0]])


# --------------------------------------------------------------------------
# local_useless_crossentropy_softmax_1hot_with_bias_dx_alloc
# --------------------------------------------------------------------------


def np_dx(dy, sm, y):
    out = np.broadcast_to(np.reshape(dy, (-1, 1)), sm.shape) * sm
    out[np.arange(len(y)), y] -= np.broadcast_to(dy, (len(y),))
    return out


def test_alloc_removed_for_a_scalar_dy():
    x, y, s = at.dmatrix("x"), at.lvector("y"), at.dscalar("s")
    sm = nb.softmax_legacy(x)
    out = nb.crossentropy_softmax_1hot_with_bias_dx(at.alloc(s, x.shape[0]), sm, y)
    fg = check_rewrite(
        "local_useless_crossentropy_softmax_1hot_with_bias_dx_alloc",
        [x, y, s],
        out,
        [XV, YV, 0.5],
        fires=lambda fg: not has(Alloc)(fg) and has(DX)(fg),
    )
    (dx,) = [n for n in fg.toposort() if isinstance(n.op, DX)]
    assert dx.inputs[0].type.ndim == 0
    f = aesara.function([x, y, s], out)
    np.testing.assert_allclose(f(XV, YV, 0.5), np_dx(0.5, np_softmax(XV), YV))


def test_alloc_removed_for_a_vector_dy():
    x, y, v = at.dmatrix("x"), at.lvector("y"), at.dvector("v")
    sm = nb.softmax_legacy(x)
    out = nb.crossentropy_softmax_1hot_with_bias_dx(at.alloc(v, x.shape[0]), sm, y)
    vv = RNG.normal(size=5)
    check_rewrite(
        "local_useless_crossentropy_softmax_1hot_with_bias_dx_alloc",
        [x, y, v],
        out,
        [XV, YV, vv],
        fires=lambda fg: not has(Alloc)(fg),
    )
    f = aesara.function([x, y, v], out)
    np.testing.assert_allclose(f(XV, YV, vv), np_dx(vv, np_softmax(XV), YV))
    # A length-1 v was broadcast by the Alloc, and is by the op.
    np.testing.assert_allclose(f(XV, YV, vv[:1]), np_dx(vv[:1], np_softmax(XV), YV))


def test_alloc_keeps_the_length_check():
    x, y, s, n = at.dmatrix("x"), at.lvector("y"), at.dscalar("s"), at.lscalar("n")
    out = nb.crossentropy_softmax_1hot_with_bias_dx(
        at.alloc(s, n), nb.softmax_legacy(x), y
    )
    f = aesara.function([x, y, s, n], out)
    assert not has(Alloc)(f.maker.fgraph)
    assert has(Assert)(f.maker.fgraph)
    ref = np_dx(2.0, np_softmax(XV), YV)
    np.testing.assert_allclose(f(XV, YV, 2.0, 5), ref)
    np.testing.assert_allclose(f(XV, YV, 2.0, 1), ref)
    with pytest.raises(AssertionError):
        f(XV, YV, 2.0, 3)


def test_alloc_rewrite_leaves_other_graphs():
    x, y, v = at.dmatrix("x"), at.lvector("y"), at.dvector("v")
    sm = nb.softmax_legacy(x)
    rw = nb.local_useless_crossentropy_softmax_1hot_with_bias_dx_alloc
    allocated = nb.crossentropy_softmax_1hot_with_bias_dx(
        at.alloc(v, x.shape[0]), sm, y
    )
    # Without a shape feature it cannot tell whether a check must stay.
    assert has(Alloc)(rewrite_once(rw, [allocated], [x, y, v]))
    # A dy that is not an Alloc.
    plain = nb.crossentropy_softmax_1hot_with_bias_dx(v * 2.0, sm, y)
    fg = rewrite_once(rw, [plain], [x, y, v], shape_feature=True)
    assert not has(Assert)(fg) and has(DX)(fg)


def test_alloc_rewrite_registered_by_default():
    rw = nb.local_useless_crossentropy_softmax_1hot_with_bias_dx_alloc
    for stage in ("canonicalize", "stabilize", "specialize"):
        assert rw in optdb[stage].__db__[ALLOC]
        assert rw in optdb[stage].__db__["fast_run"]


# --------------------------------------------------------------------------
# local_conv2d_gradweight_cpu / local_conv2d_gradinputs_cpu
# --------------------------------------------------------------------------

IMSHP, KSHP = (2, 3, 7, 6), (4, 3, 3, 2)


def conv_grads(border_mode, subsample, **kw):
    img, kern = at.dtensor4("img"), at.dtensor4("kern")
    out = ac.conv2d(
        img,
        kern,
        input_shape=IMSHP,
        filter_shape=KSHP,
        border_mode=border_mode,
        subsample=subsample,
        **kw,
    )
    outshp = ac.get_conv_output_shape(IMSHP, KSHP, border_mode, subsample)
    weights = at.constant(RNG.normal(size=outshp))
    return [img, kern], aesara.grad((out * weights).sum(), [img, kern])


@pytest.mark.parametrize(
    "border_mode, subsample",
    [("valid", (1, 1)), ("full", (1, 1)), ("full", (2, 2)), ("full", (1, 2))],
)
def test_conv2d_grad_cpu_lowerings(border_mode, subsample):
    inputs, (gi, gk) = conv_grads(border_mode, subsample)
    fg = rewrite_once(
        [nr.local_conv2d_gradinputs_cpu, nr.local_conv2d_gradweight_cpu],
        [gi, gk],
        inputs,
    )
    assert has(ConvOp)(fg)
    assert not has(ac.AbstractConv2d_gradInputs)(fg)
    assert not has(ac.AbstractConv2d_gradWeights)(fg)
    assert [o.type for o in fg.outputs] == [gi.type, gk.type]
    lowered = aesara.function(fg.inputs, fg.outputs, mode="FAST_COMPILE")
    ref = aesara.function(inputs, [gi, gk], mode="FAST_COMPILE")
    iv, kv = RNG.normal(size=IMSHP), RNG.normal(size=KSHP)
    for got, want in zip(lowered(iv, kv), ref(iv, kv)):
        np.testing.assert_allclose(got, want, rtol=1e-10, atol=1e-12)


@pytest.mark.parametrize(
    "border_mode, subsample, kw",
    [
        ("half", (1, 1), {}),
        ("valid", (1, 1), {"filter_flip": False}),
        ("valid", (1, 1), {"filter_dilation": (2, 1)}),
        ("valid", (2, 2), {}),  # strided "valid": not handled (as in Aesara)
        ("full", (3, 1), {}),  # ConvOp's gradient only knew strides 1 and 2
    ],
)
def test_conv2d_grad_cpu_skips_unsupported(border_mode, subsample, kw):
    inputs, grads = conv_grads(border_mode, subsample, **kw)
    fg = rewrite_once(
        [nr.local_conv2d_gradinputs_cpu, nr.local_conv2d_gradweight_cpu],
        grads,
        inputs,
    )
    assert not has(ConvOp)(fg)
    assert has(ac.AbstractConv2d_gradInputs)(fg)
    assert has(ac.AbstractConv2d_gradWeights)(fg)


def test_conv2d_grad_cpu_strided_needs_static_shapes():
    img, kern, top = at.dtensor4("img"), at.dtensor4("kern"), at.dtensor4("top")
    op_args = dict(border_mode="full", subsample=(2, 2))
    gi = ac.AbstractConv2d_gradInputs(**op_args)(kern, top, img.shape[2:])
    gk = ac.AbstractConv2d_gradWeights(**op_args)(img, top, kern.shape[2:])
    fg = rewrite_once(
        [nr.local_conv2d_gradinputs_cpu, nr.local_conv2d_gradweight_cpu],
        [gi, gk],
        [img, kern, top],
    )
    assert not has(ConvOp)(fg)


def test_conv2d_grad_cpu_in_conv_groupopt():
    names = set(nr.conv_groupopt.__db__)
    assert {"local_conv2d_gradweight_cpu", "local_conv2d_gradinputs_cpu"} <= names
    rw = nr.conv_groupopt.query(
        RewriteDatabaseQuery(include=["fast_run"], exclude=["conv_gemm"])
    )
    inputs, grads = conv_grads("valid", (1, 1))
    fg = rewrite_once(rw, grads, inputs)
    assert has(ConvOp)(fg) and not has(ac.AbstractConv2d_gradWeights)(fg)


def test_conv2d_grad_cpu_deprecated_alias():
    with pytest.warns(DeprecationWarning):
        import importlib
        import sys

        sys.modules.pop("aesara.tensor.nnet.opt", None)
        opt = importlib.import_module("aesara.tensor.nnet.opt")
    assert opt.local_conv2d_gradweight_cpu is nr.local_conv2d_gradweight_cpu
    assert opt.local_conv2d_gradinputs_cpu is nr.local_conv2d_gradinputs_cpu
