"""Tests of aesara.tensor.nnet.batchnorm."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

import aesara
import aesara.tensor as at
from aesara.gradient import verify_grad

with warnings.catch_warnings():
    warnings.simplefilter("ignore", DeprecationWarning)
    from aesara.tensor.nnet import batchnorm as bn


@pytest.mark.parametrize("mode", ["low_mem", "high_mem"])
def test_batch_normalization(mode):
    rng = np.random.default_rng(0)
    xv = rng.normal(size=(4, 3))
    gv, bv, mv, sv = (
        rng.normal(size=3),
        rng.normal(size=3),
        rng.normal(size=3),
        rng.uniform(1, 2, size=3),
    )
    x, g, b, m, s = at.dmatrix(), at.dvector(), at.dvector(), at.dvector(), at.dvector()
    out = bn.batch_normalization(x, g, b, m, s, mode=mode)
    got = aesara.function([x, g, b, m, s], out)(xv, gv, bv, mv, sv)
    np.testing.assert_allclose(got, (xv - mv) * (gv / sv) + bv)
    verify_grad(
        lambda *a: bn.batch_normalization(*a, mode=mode), [xv, gv, bv, mv, sv], rng=rng
    )
    with pytest.raises(ValueError, match="mode"):
        bn.batch_normalization(x, g, b, m, s, mode="fast")


@pytest.mark.parametrize("axes", ["per-activation", "spatial", (0, 2)])
def test_batch_normalization_train_values(axes):
    rng = np.random.default_rng(1)
    xv = rng.normal(size=(5, 3, 2, 4))
    ax = {"per-activation": (0,), "spatial": (0, 2, 3)}.get(axes, axes)
    pshape = tuple(s for i, s in enumerate(xv.shape) if i not in ax)
    gv, bv = rng.normal(size=pshape), rng.normal(size=pshape)
    rmv, rvv = rng.normal(size=pshape), rng.uniform(1, 2, size=pshape)
    x = at.dtensor4()
    g, b, rm, rv = (
        at.tensor(dtype="float64", shape=(None,) * len(pshape)) for _ in range(4)
    )
    out, mean, invstd, nrm, nrv = bn.batch_normalization_train(
        x,
        g,
        b,
        axes,
        epsilon=1e-4,
        running_average_factor=0.3,
        running_mean=rm,
        running_var=rv,
    )
    f = aesara.function([x, g, b, rm, rv], [out, mean, invstd, nrm, nrv])
    o, mu, inv, m2, v2 = f(xv, gv, bv, rmv, rvv)
    ref_mean = xv.mean(ax, keepdims=True)
    ref_var = xv.var(ax, keepdims=True)
    expand = [slice(None) if i not in ax else None for i in range(4)]
    ref_out = (xv - ref_mean) / np.sqrt(ref_var + 1e-4) * gv[tuple(expand)] + bv[
        tuple(expand)
    ]
    np.testing.assert_allclose(o, ref_out)
    np.testing.assert_allclose(mu, ref_mean.reshape(pshape))
    np.testing.assert_allclose(inv, 1 / np.sqrt(ref_var + 1e-4).reshape(pshape))
    n = np.prod([xv.shape[a] for a in ax])
    np.testing.assert_allclose(m2, rmv * 0.7 + 0.3 * ref_mean.reshape(pshape))
    np.testing.assert_allclose(
        v2, rvv * 0.7 + 0.3 * ref_var.reshape(pshape) * n / (n - 1)
    )


def test_batch_normalization_train_gradients():
    rng = np.random.default_rng(2)
    xv = rng.normal(size=(4, 3, 2))
    gv, bv = rng.normal(size=(3, 2)), rng.normal(size=(3, 2))

    def out_only(x, g, b):
        return bn.batch_normalization_train(x, g, b, "per-activation")[0]

    def stats(x, g, b):
        o, m, inv = bn.batch_normalization_train(x, g, b, "per-activation")
        return o.sum() + (m * 2).sum() + (inv * 3).sum()

    verify_grad(out_only, [xv, gv, bv], rng=rng)
    verify_grad(stats, [xv, gv, bv], rng=rng)


def test_train_grad_second_order():
    rng = np.random.default_rng(3)
    xv = rng.normal(size=(5, 2))
    gv, bv = rng.normal(size=2), rng.normal(size=2)
    w = rng.normal(size=(5, 2))

    def gx(x, g, b):
        o = bn.batch_normalization_train(x, g, b)[0]
        return aesara.grad((o * w).sum() + (o**2).sum(), x)

    verify_grad(gx, [xv, gv, bv], rng=rng)


def test_batch_normalization_test():
    rng = np.random.default_rng(4)
    xv = rng.normal(size=(3, 2, 4))
    gv, bv, mv = rng.normal(size=(2,)), rng.normal(size=(2,)), rng.normal(size=(2,))
    vv = rng.uniform(1, 2, size=(2,))
    x = at.dtensor3()
    g, b, m, v = (at.dvector() for _ in range(4))
    out = bn.batch_normalization_test(x, g, b, m, v, axes=(0, 2), epsilon=1e-3)
    got = aesara.function([x, g, b, m, v], out)(xv, gv, bv, mv, vv)
    e = (None, slice(None), None)
    np.testing.assert_allclose(
        got, (xv - mv[e]) * gv[e] / np.sqrt(vv[e] + 1e-3) + bv[e]
    )
    verify_grad(
        lambda *a: bn.batch_normalization_test(*a, axes=(0, 2), epsilon=1e-3),
        [xv, gv, bv, mv, vv],
        rng=rng,
    )


def test_bad_inputs():
    x = at.dmatrix()
    g = at.dvector()
    with pytest.raises(ValueError, match="invalid axes"):
        bn.batch_normalization_train(x, g, g, axes="all")
    with pytest.raises(ValueError, match="less than ndim"):
        bn.batch_normalization_train(x, g, g, axes=(3,))
    with pytest.raises(ValueError, match="dimensionality"):
        bn.batch_normalization_train(x, at.dmatrix(), g)
    with pytest.raises(ValueError, match="both"):
        bn.batch_normalization_train(x, g, g, running_mean=g)
    with pytest.raises(ValueError, match="epsilon"):
        bn.batch_normalization_test(x, g, g, g, g, epsilon=1e-7)


def test_expansion_rewrites_match_ops():
    rng = np.random.default_rng(5)
    xv = rng.normal(size=(4, 3))
    gv, bv = rng.normal(size=3), rng.normal(size=3)
    x, g, b = at.dmatrix(), at.dvector(), at.dvector()
    out, mean, invstd = bn.batch_normalization_train(x, g, b)
    gx = aesara.grad((out**2).sum(), x)
    test_out = bn.batch_normalization_test(x, g, b, g, b * b + 1)
    outs = [out, mean, invstd, gx, test_out]
    plain = aesara.function([x, g, b], outs)
    mode = aesara.compile.mode.get_default_mode().including(
        "local_abstract_batch_norm_train",
        "local_abstract_batch_norm_train_grad",
        "local_abstract_batch_norm_inference",
    )
    expanded = aesara.function([x, g, b], outs, mode=mode)
    names = {type(n.op).__name__ for n in expanded.maker.fgraph.toposort()}
    assert not any(n.startswith("AbstractBatchNorm") for n in names)
    for p, q in zip(plain(xv, gv, bv), expanded(xv, gv, bv)):
        np.testing.assert_allclose(p, q)
