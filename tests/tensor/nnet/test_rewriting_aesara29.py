"""The nnet rewrites of Aesara 2.9 added late: ``local_softmax_with_bias``,
``local_argmax_pushdown`` (opt-in by name), ``local_conv2d_cpu`` and the
group databases ``conv_groupopt`` / ``bn_groupopt`` (not registered)."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

import aesara
import aesara.tensor as at
from aesara.compile.mode import get_default_mode
from aesara.graph.fg import FunctionGraph
from aesara.graph.rewriting.basic import in2out
from aesara.graph.rewriting.db import RewriteDatabaseQuery
from aesara.tensor.math import Argmax, MaxAndArgmax
from tests.tensor.rewriting.rewrite_check import check_rewrite

with warnings.catch_warnings():
    warnings.simplefilter("ignore", DeprecationWarning)
    from aesara.tensor.nnet import abstract_conv as ac
    from aesara.tensor.nnet import basic as nb
    from aesara.tensor.nnet import batchnorm as bn
    from aesara.tensor.nnet import rewriting as nr
    from aesara.tensor.nnet.conv import ConvOp

RNG = np.random.default_rng(29)


def opt_in(name):
    return get_default_mode().including(name)


def has(op_type):
    return lambda fg: any(isinstance(n.op, op_type) for n in fg.toposort())


def rewrite_once(rw, outputs):
    fg = FunctionGraph(outputs=outputs, clone=True)
    in2out(rw).rewrite(fg)
    return fg


def test_local_softmax_with_bias():
    x, b, c = at.dmatrix("x"), at.dvector("b"), at.dvector("c")
    out = nb.softmax_legacy(x + b + c)
    check_rewrite(
        "local_softmax_with_bias",
        [x, b, c],
        out,
        [RNG.normal(size=(3, 4)), RNG.normal(size=4), RNG.normal(size=4)],
        mode=opt_in("local_softmax_with_bias"),
        fires=has(nb.SoftmaxWithBias),
    )


def test_local_softmax_with_bias_leaves_other_graphs():
    x, y, b = at.dmatrix("x"), at.dmatrix("y"), at.dvector("b")
    for out in (
        nb.softmax_legacy(x + y),  # no row term
        at.special.softmax(x + b, axis=0),  # wrong axis
    ):
        fg = rewrite_once(nb.local_softmax_with_bias, [out])
        assert not has(nb.SoftmaxWithBias)(fg)
    # A mixed-dtype sum would change the output dtype: left alone.
    xf = at.fmatrix("xf")
    fg = rewrite_once(nb.local_softmax_with_bias, [nb.softmax_legacy(xf + b)])
    assert not has(nb.SoftmaxWithBias)(fg)


def test_local_softmax_with_bias_not_in_default_pipeline():
    x, b = at.dmatrix("x"), at.dvector("b")
    f = aesara.function([x, b], nb.softmax_legacy(x + b))
    assert not any(
        isinstance(n.op, nb.SoftmaxWithBias) for n in f.maker.fgraph.toposort()
    )


@pytest.mark.parametrize("fn", [at.exp, at.tanh, at.sigmoid, at.softplus])
def test_local_argmax_pushdown_elemwise(fn):
    x = at.dmatrix("x")
    out = at.argmax(fn(x), axis=1)
    check_rewrite(
        "local_argmax_pushdown",
        [x],
        out,
        [RNG.normal(size=(4, 5))],
        mode=opt_in("local_argmax_pushdown"),
        fires=lambda fg: (
            not any(n.op == getattr(fn(x).owner, "op", None) for n in fg.toposort())
        ),
    )


def test_local_argmax_pushdown_softmax():
    x = at.dmatrix("x")
    out = at.argmax(nb.softmax_legacy(x), axis=-1)
    check_rewrite(
        "local_argmax_pushdown",
        [x],
        out,
        [RNG.normal(size=(4, 5))],
        mode=opt_in("local_argmax_pushdown"),
    )


def test_local_argmax_pushdown_max_and_argmax_and_bias():
    x, b = at.dmatrix("x"), at.dvector("b")
    _, am = at.max_and_argmax(nb.softmax_with_bias(x, b), axis=1)
    fg = rewrite_once(nb.local_argmax_pushdown, [am])
    assert not has(nb.SoftmaxWithBias)(fg)
    f = aesara.function(fg.inputs, fg.outputs[0], mode="FAST_COMPILE")
    xv, bv = RNG.normal(size=(3, 6)), RNG.normal(size=6)
    np.testing.assert_array_equal(f(xv, bv), np.argmax(xv + bv, axis=1))


def test_local_argmax_pushdown_keeps_used_max_and_other_axes():
    x = at.dmatrix("x")
    mx, am = at.max_and_argmax(at.exp(x), axis=1)
    fg = rewrite_once(nb.local_argmax_pushdown, [mx, am])
    assert has(MaxAndArgmax)(fg) and any(
        n.op == at.exp(x).owner.op for n in fg.toposort()
    )
    # A softmax along rows does not keep the order down the columns.
    out = at.argmax(nb.softmax_legacy(x), axis=0)
    fg = rewrite_once(nb.local_argmax_pushdown, [out])
    assert has(Argmax)(fg)
    assert any(isinstance(n.op, at.special.Softmax) for n in fg.toposort())


def test_conv_groupopt_holds_the_lowerings():
    rw = nr.conv_groupopt.query(RewriteDatabaseQuery(include=["fast_run"]))
    x, w = at.dtensor4("x"), at.dtensor4("w")
    out = ac.conv2d(x, w, border_mode="valid")
    fg = FunctionGraph([x, w], [out], clone=True)
    in2out(rw).rewrite(fg)
    assert not has(ac.AbstractConv2d)(fg)
    f = aesara.function(fg.inputs, fg.outputs[0], mode="FAST_COMPILE")
    ref = aesara.function([x, w], out, mode="FAST_COMPILE")
    xv, wv = RNG.normal(size=(2, 3, 6, 5)), RNG.normal(size=(4, 3, 3, 2))
    np.testing.assert_allclose(f(xv, wv), ref(xv, wv))
    names = set(nr.conv_groupopt.__db__)
    assert {"local_abstractconv_gemm", "local_conv2d_cpu", "conv_gemm"} <= names


@pytest.mark.parametrize("border_mode", ["valid", "full"])
def test_local_conv2d_cpu_values(border_mode):
    x, w = at.dtensor4("x"), at.dtensor4("w")
    out = ac.conv2d(x, w, border_mode=border_mode, subsample=(2, 1))
    fg = rewrite_once(nr.local_conv2d_cpu, [out])
    assert has(ConvOp)(fg) and not has(ac.AbstractConv2d)(fg)
    f = aesara.function(fg.inputs, fg.outputs[0], mode="FAST_COMPILE")
    ref = aesara.function([x, w], out, mode="FAST_COMPILE")
    xv, wv = RNG.normal(size=(2, 3, 7, 6)), RNG.normal(size=(4, 3, 3, 2))
    np.testing.assert_allclose(f(xv, wv), ref(xv, wv), rtol=1e-10)


def test_local_conv2d_cpu_skips_unsupported():
    x, w = at.dtensor4("x"), at.dtensor4("w")
    for out in (
        ac.conv2d(x, w, border_mode="half"),
        ac.conv2d(x, w, filter_flip=False),
        ac.conv2d(x, w, filter_dilation=(2, 1)),
    ):
        fg = rewrite_once(nr.local_conv2d_cpu, [out])
        assert not has(ConvOp)(fg)


def test_bn_groupopt_holds_the_lowerings():
    rw = bn.bn_groupopt.query(RewriteDatabaseQuery(include=["fast_run"]))
    x, g, b, m, v = (at.dmatrix("x"),) + tuple(at.drow(n) for n in ("g", "b", "m", "v"))
    out = bn.batch_normalization_test(x, g, b, m, v, axes="per-activation")
    fg = FunctionGraph([x, g, b, m, v], [out], clone=True)
    in2out(rw).rewrite(fg)
    assert not has(bn.AbstractBatchNormInference)(fg)
    f = aesara.function(fg.inputs, fg.outputs[0], mode="FAST_COMPILE")
    ref = aesara.function([x, g, b, m, v], out, mode="FAST_COMPILE")
    vals = [RNG.normal(size=(4, 3))] + [RNG.normal(size=(1, 3)) for _ in range(3)]
    vals.append(RNG.uniform(0.5, 2.0, size=(1, 3)))
    np.testing.assert_allclose(f(*vals), ref(*vals), rtol=1e-10)


def test_local_softmax_grad_to_crossentropy_with_softmax_grad():
    x, y, g = at.dmatrix("x"), at.lvector("y"), at.dvector("g")
    sm = nb.softmax_legacy(x)
    out = nb.softmax_grad_legacy(nb.crossentropy_categorical_1hot_grad(g, sm, y), sm)
    name = "local_softmax_grad_to_crossentropy_with_softmax_grad"
    check_rewrite(
        "local_softmax_grad_to_crossentropy_with_softmax_grad",
        [x, y, g],
        out,
        [RNG.normal(size=(3, 4)), np.array([0, 3, 1]), RNG.normal(size=3)],
        mode=opt_in(name),
        fires=has(nb.CrossentropySoftmax1HotWithBiasDx),
    )


def test_local_softmax_grad_to_xent_grad_needs_the_same_softmax():
    x, z, y, g = at.dmatrix("x"), at.dmatrix("z"), at.lvector("y"), at.dvector("g")
    sm, other = nb.softmax_legacy(x), nb.softmax_legacy(z)
    out = nb.softmax_grad_legacy(nb.crossentropy_categorical_1hot_grad(g, other, y), sm)
    fg = rewrite_once(nb.local_softmax_grad_to_crossentropy_with_softmax_grad, [out])
    assert not has(nb.CrossentropySoftmax1HotWithBiasDx)(fg)
