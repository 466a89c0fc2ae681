"""Tests of element-wise fusion (``FusionOptimizer``) and reduction fusion."""

from __future__ import annotations

import io
import pickle

import numpy as np
import pytest

import aesara
import aesara.scalar.basic as aes
import aesara.tensor as at
from aesara.compile.mode import get_default_mode
from aesara.configdefaults import config
from aesara.graph.fg import FunctionGraph
from aesara.printing import debugprint
from aesara.tensor.elemwise import CAReduce, Elemwise
from aesara.tensor.rewriting.fusion import FusionOptimizer
from aesara.tensor.type import tensor

FAST_RUN = get_default_mode().including("fusion")
NO_FUSION = get_default_mode().excluding("fusion")


def _elemwise_nodes(f):
    return [n for n in f.maker.fgraph.toposort() if isinstance(n.op, Elemwise)]


def _composites(f):
    return [n for n in _elemwise_nodes(f) if isinstance(n.op.scalar_op, aes.Composite)]


def _vals(rng, n, shape=(5, 4)):
    return [rng.uniform(0.1, 1.0, size=shape) for _ in range(n)]


def test_expression_compiles_to_one_elemwise():
    x, y, z = at.dmatrices("x", "y", "z")
    out = at.exp(x) * at.sin(y) + at.log1p(z**2) - at.tanh(x * y)
    f = aesara.function([x, y, z], out, mode=FAST_RUN)
    nodes = f.maker.fgraph.toposort()
    assert len(nodes) == 1
    assert isinstance(nodes[0].op, Elemwise)
    assert isinstance(nodes[0].op.scalar_op, aes.Composite)
    g = aesara.function([x, y, z], out, mode=NO_FUSION)
    assert len(g.maker.fgraph.toposort()) > 1
    vals = _vals(np.random.default_rng(0), 3)
    np.testing.assert_allclose(f(*vals), g(*vals), rtol=1e-12)
    xv, yv, zv = vals
    ref = np.exp(xv) * np.sin(yv) + np.log1p(zv**2) - np.tanh(xv * yv)
    np.testing.assert_allclose(f(*vals), ref, rtol=1e-12)


def test_broadcasting_inputs_fuse_and_match():
    x = at.dmatrix("x")
    col = tensor("float64", shape=(None, 1), name="col")
    row = at.dvector("row")
    out = at.exp(x) * col + at.cos(row) / (col + 2)
    f = aesara.function([x, col, row], out, mode=FAST_RUN)
    assert len(_composites(f)) == 1
    assert len(_elemwise_nodes(f)) == 1
    rng = np.random.default_rng(1)
    xv, cv, rv = rng.normal(size=(3, 4)), rng.normal(size=(3, 1)), rng.normal(size=4)
    np.testing.assert_allclose(
        f(xv, cv, rv), np.exp(xv) * cv + np.cos(rv) / (cv + 2), rtol=1e-12
    )


def test_runtime_broadcasting_of_unknown_dims():
    # Shapes unknown statically, length 1 at run time.
    x, y = at.dvectors("x", "y")
    out = at.exp(x) * y + 1
    f = aesara.function([x, y], out, mode=FAST_RUN)
    assert len(_elemwise_nodes(f)) == 1
    np.testing.assert_allclose(
        f(np.array([0.5]), np.arange(3.0)), np.exp(0.5) * np.arange(3.0) + 1
    )


def test_mixed_dtypes_keep_their_precision():
    i = at.ivector("i")
    x = at.fvector("x")
    out = at.cast(i * 3, "float32") + at.sqrt(x)
    f = aesara.function([i, x], out, mode=FAST_RUN)
    assert len(_elemwise_nodes(f)) == 1
    assert f.maker.fgraph.outputs[0].type.dtype == out.type.dtype
    iv = np.array([1, 2, 3], dtype="int32")
    xv = np.array([1.0, 4.0, 9.0], dtype="float32")
    r = f(iv, xv)
    assert r.dtype == out.type.dtype
    np.testing.assert_allclose(r, iv * 3 + np.sqrt(xv), rtol=1e-6)


def test_shared_subexpression_inside_cluster():
    x, y = at.dvectors("x", "y")
    t = at.exp(x) + y
    out = t * at.sin(t) + t**2
    f = aesara.function([x, y], out, mode=FAST_RUN)
    assert len(_elemwise_nodes(f)) == 1
    xv, yv = _vals(np.random.default_rng(2), 2, shape=(6,))
    tv = np.exp(xv) + yv
    np.testing.assert_allclose(f(xv, yv), tv * np.sin(tv) + tv**2, rtol=1e-12)


def test_multi_output_cluster():
    x, y = at.dvectors("x", "y")
    t = at.exp(x * y)
    out1 = t + 1
    out2 = at.sin(t) * x
    f = aesara.function([x, y], [out1, out2, t], mode=FAST_RUN)
    nodes = _elemwise_nodes(f)
    assert len(nodes) == 1
    assert nodes[0].op.scalar_op.nout == 3
    xv, yv = _vals(np.random.default_rng(3), 2, shape=(7,))
    tv = np.exp(xv * yv)
    r1, r2, r3 = f(xv, yv)
    np.testing.assert_allclose(r1, tv + 1)
    np.testing.assert_allclose(r2, np.sin(tv) * xv)
    np.testing.assert_allclose(r3, tv)


def test_intermediate_that_could_be_stretched_is_not_an_extra_output():
    # ``exp(x)`` depends on x only: when x has length 1 at run time and y
    # does not, a fused node would give it y's length. It stays separate.
    x, y = at.dvectors("x", "y")
    e = at.exp(x)
    f = aesara.function([x, y], [e * y, e], mode=FAST_RUN)
    r1, r2 = f(np.array([0.5]), np.arange(4.0))
    assert r2.shape == (1,)
    np.testing.assert_allclose(r2, np.exp([0.5]))
    np.testing.assert_allclose(r1, np.exp(0.5) * np.arange(4.0))
    # With static shapes it is provably safe and fuses.
    xs = tensor("float64", shape=(4,), name="xs")
    ys = tensor("float64", shape=(4,), name="ys")
    es = at.exp(xs)
    g = aesara.function([xs, ys], [es * ys, es], mode=FAST_RUN)
    assert len(_elemwise_nodes(g)) == 1
    np.testing.assert_allclose(g(np.ones(4), np.arange(4.0))[1], np.exp(np.ones(4)))


def test_no_fusion_across_non_elemwise():
    x = at.dmatrix("x")
    out = at.exp(at.cumsum(at.exp(x), axis=0) + 1)
    f = aesara.function([x], out, mode=FAST_RUN)
    assert len(_elemwise_nodes(f)) == 2
    xv = np.random.default_rng(4).normal(size=(2, 3))
    np.testing.assert_allclose(f(xv), np.exp(np.cumsum(np.exp(xv), axis=0) + 1))


def test_max_operands_limits_clusters():
    xs = [at.dvector(f"x{k}") for k in range(10)]
    out = xs[0]
    for v in xs[1:]:
        out = out * at.exp(v)
    fg = FunctionGraph(xs, [out], clone=False)
    FusionOptimizer(max_operands=4).rewrite(fg)
    for node in fg.apply_nodes:
        assert len(node.inputs) + len(node.outputs) <= 4
    assert any(
        isinstance(getattr(n.op, "scalar_op", None), aes.Composite)
        for n in fg.apply_nodes
    )
    f = aesara.function(xs, fg.outputs[0], mode=NO_FUSION)
    vals = [np.full(2, 0.1 * k) for k in range(10)]
    ref = vals[0] * np.exp(sum(vals[1:]))
    np.testing.assert_allclose(f(*vals), ref, rtol=1e-12)
    with pytest.raises(ValueError, match="max_operands must be at least 2"):
        FusionOptimizer(max_operands=1)


def test_config_flag_disables_fusion():
    x = at.dvector("x")
    fg = FunctionGraph([x], [at.exp(x) + 1])
    with config.change_flags(tensor__local_elemwise_fusion=False):
        FusionOptimizer().rewrite(fg)

    def n_composites():
        return sum(
            isinstance(getattr(n.op, "scalar_op", None), aes.Composite)
            for n in fg.apply_nodes
        )

    assert n_composites() == 0
    FusionOptimizer().rewrite(fg)
    assert n_composites() == 1


def test_fused_graph_prints_and_pickles():
    x, y = at.dvectors("x", "y")
    out = at.exp(x) * at.sin(y) + 2
    f = aesara.function([x, y], out, mode=FAST_RUN)
    buf = io.StringIO()
    debugprint(f, file=buf)
    text = buf.getvalue()
    assert "Composite" in text and "exp" in text and "sin" in text
    g = pickle.loads(pickle.dumps(f))
    xv, yv = _vals(np.random.default_rng(5), 2, shape=(3,))
    np.testing.assert_allclose(g(xv, yv), np.exp(xv) * np.sin(yv) + 2)
    assert len(_composites(g)) == 1


def test_logistic_regression_gradient_fuses():
    rng = np.random.default_rng(6)
    X = at.dmatrix("X")
    yv = at.dvector("y")
    w = at.dvector("w")
    b = at.dscalar("b")
    p = at.sigmoid(at.dot(X, w) + b)
    loss = -at.mean(yv * at.log(p) + (1 - yv) * at.log(1 - p))
    gw, gb = aesara.grad(loss, [w, b])
    f = aesara.function([X, yv, w, b], [loss, gw, gb], mode=FAST_RUN)
    g = aesara.function([X, yv, w, b], [loss, gw, gb], mode=NO_FUSION)
    n_fused = len(_elemwise_nodes(f))
    n_unfused = len(_elemwise_nodes(g))
    # Element-wise work left: the loss kernel, the gradient kernel, the
    # shape arithmetic and two intermediates shared by both kernels.
    assert n_fused <= 5
    assert 2 * n_fused <= n_unfused
    Xv = rng.normal(size=(20, 3))
    tv = (rng.random(20) > 0.5).astype(float)
    wv = rng.normal(size=3)
    for a, e in zip(f(Xv, tv, wv, 0.3), g(Xv, tv, wv, 0.3)):
        np.testing.assert_allclose(a, e, rtol=1e-10)


def test_careduce_fusion():
    x = at.dmatrix("x")
    out = at.exp(x * 2).sum(axis=1)
    f = aesara.function([x], out, mode=FAST_RUN)
    nodes = f.maker.fgraph.toposort()
    assert len(nodes) == 1
    assert isinstance(nodes[0].op, CAReduce)
    assert isinstance(nodes[0].op.scalar_op, aes.Composite)
    xv = np.random.default_rng(7).normal(size=(3, 4))
    np.testing.assert_allclose(f(xv), np.exp(xv * 2).sum(axis=1), rtol=1e-12)
    # pickled ops rebuild their fused evaluation
    g = pickle.loads(pickle.dumps(f))
    np.testing.assert_allclose(g(xv), np.exp(xv * 2).sum(axis=1), rtol=1e-12)


@pytest.mark.parametrize(
    "reduce, ref",
    [
        (lambda v: at.max(at.abs(v)), lambda v: np.max(np.abs(v))),
        (lambda v: at.prod(v + 1, axis=0), lambda v: np.prod(v + 1, axis=0)),
        (lambda v: at.sum(at.cast(v > 0, "int8")), lambda v: np.sum(v > 0)),
    ],
)
def test_careduce_fusion_values(reduce, ref):
    x = at.dmatrix("x")
    out = reduce(x)
    f = aesara.function([x], out, mode=FAST_RUN)
    g = aesara.function([x], out, mode=NO_FUSION)
    xv = np.random.default_rng(8).normal(size=(4, 5))
    np.testing.assert_allclose(f(xv), ref(xv), rtol=1e-12)
    assert f(xv).dtype == g(xv).dtype


def test_careduce_not_fused_when_elemwise_result_is_reused():
    x = at.dvector("x")
    e = at.exp(x)
    f = aesara.function([x], [e.sum(), e], mode=FAST_RUN)
    reductions = [n for n in f.maker.fgraph.toposort() if isinstance(n.op, CAReduce)]
    assert len(reductions) == 1
    assert not isinstance(reductions[0].op.scalar_op, aes.Composite)
    xv = np.arange(3.0)
    r = f(xv)
    np.testing.assert_allclose(r[0], np.exp(xv).sum())


def _fused_reductions(f):
    from aesara.tensor.fused_reduce import FusedCAReduce

    return [n for n in f.maker.fgraph.toposort() if isinstance(n.op, FusedCAReduce)]


@pytest.mark.parametrize("axis", [None, 0, 1, (0, 1)])
def test_careduce_fusion_of_several_inputs(axis):
    x, y = at.dmatrix("x"), at.dvector("y")
    out = at.sum(at.exp(x) * y, axis=axis)
    f = aesara.function([x, y], out, mode=FAST_RUN)
    g = aesara.function([x, y], out, mode=NO_FUSION)
    (node,) = f.maker.fgraph.toposort()[-1:]
    assert len(_fused_reductions(f)) == 1 and node is _fused_reductions(f)[0]
    assert not _elemwise_nodes(f)  # exp and mul are both inside the reduction
    rng = np.random.default_rng(9)
    xv, yv = rng.normal(size=(4, 5)), rng.normal(size=5)
    np.testing.assert_allclose(f(xv, yv), g(xv, yv), rtol=1e-12)
    h = pickle.loads(pickle.dumps(f))
    np.testing.assert_allclose(h(xv, yv), g(xv, yv), rtol=1e-12)


def test_careduce_fusion_of_several_inputs_keeps_shared_results():
    x, y = at.dvector("x"), at.dvector("y")
    e = x * y
    f = aesara.function([x, y], [e.sum(), e], mode=FAST_RUN)
    assert not _fused_reductions(f)
    r = f(np.arange(3.0), np.ones(3))
    assert r[0] == 3.0


def test_fused_reduction_gradient_and_rop():
    from aesara.tensor.fused_reduce import FusedCAReduce

    x, y = at.dmatrix("x"), at.dvector("y")
    out = at.max(at.exp(x) + y, axis=1)
    f = aesara.function([x, y], out, mode=FAST_RUN)
    (node,) = _fused_reductions(f)
    op = node.op
    assert isinstance(op, FusedCAReduce)
    # Rebuild on fresh inputs: the fused op differentiates like the unfused graph.
    from aesara.graph.basic import clone_replace

    xm, yr = at.dmatrix("xm"), at.dvector("yr")
    fx, fy = f.maker.fgraph.inputs
    fused = clone_replace(node.outputs[0], replace={fx: xm, fy: yr})
    assert isinstance(fused.owner.op, FusedCAReduce)
    ref = at.max(at.exp(xm) + yr, axis=1)
    rng = np.random.default_rng(10)
    xv, yv = rng.normal(size=(3, 4)), rng.normal(size=4)
    for wrt in (xm, yr):
        gf = aesara.function([xm, yr], aesara.grad(fused.sum(), wrt))
        gr = aesara.function([xm, yr], aesara.grad(ref.sum(), wrt))
        np.testing.assert_allclose(gf(xv, yv), gr(xv, yv), rtol=1e-12)
    ev = at.dmatrix("ev")
    rf = aesara.function([xm, yr, ev], aesara.gradient.Rop(fused, xm, ev))
    rr = aesara.function([xm, yr, ev], aesara.gradient.Rop(ref, xm, ev))
    evv = rng.normal(size=(3, 4))
    np.testing.assert_allclose(rf(xv, yv, evv), rr(xv, yv, evv), rtol=1e-12)


def test_fused_reduction_op_rejects_bad_inputs():
    from aesara.tensor.fused_reduce import FusedCAReduce

    acc, a, b = aes.float64(), aes.float64(), aes.float64()
    comp = aes.Composite([acc, a, b], [aes.add(acc, a * b)])
    op = FusedCAReduce(comp, axis=(0,), dtype="float64", acc_dtype="float64")
    with pytest.raises(TypeError, match="expected 2 inputs, got 1"):
        op(at.dmatrix())
    with pytest.raises(TypeError, match="same rank"):
        op(at.dmatrix(), at.dvector())
    with pytest.raises(TypeError, match="input 1 must have dtype float64, got float32"):
        op(at.dmatrix(), at.fmatrix())
    with pytest.raises(ValueError, match="out of range"):
        FusedCAReduce(comp, axis=(2,), dtype="float64", acc_dtype="float64")(
            at.dmatrix(), at.dmatrix()
        )
    with pytest.raises(ValueError, match="cannot broadcast along axis 0"):
        op(tensor("float64", shape=(2, None)), tensor("float64", shape=(3, None)))
    with pytest.raises(TypeError, match="Composite"):
        FusedCAReduce(aes.sub, axis=None, dtype="float64", acc_dtype="float64")
    f = aesara.function(
        [x := at.dmatrix("x"), y := at.dmatrix("y")], op(x, y), mode="FAST_COMPILE"
    )
    with pytest.raises(ValueError, match="do not broadcast together"):
        f(np.ones((2, 3)), np.ones((3, 3)))


def test_cluster_dependency_check_uses_levels():
    # ``b`` is computed from ``a``; fusing ``a`` and ``c`` into one node
    # reading ``b`` would make a cycle, which the check must see. The walk
    # stops at nodes below the cluster's lowest level.
    x = at.dvector("x")
    a = at.exp(x)
    b = at.cumsum(a)
    c = a * b
    unrelated = at.cumsum(at.sin(x))
    d = c + unrelated
    fg = FunctionGraph([x], [d], clone=False)
    levels = FusionOptimizer._levels(fg)
    assert levels[a.owner] < levels[b.owner] < levels[c.owner] < levels[d.owner]
    cluster = {a.owner, c.owner}
    assert FusionOptimizer._depends_on_cluster(fg, [x, b], cluster, levels)
    assert not FusionOptimizer._depends_on_cluster(fg, [x, unrelated], cluster, levels)
    f = aesara.function([x], [c, d])
    xv = np.array([0.1, -0.5, 2.0])
    av = np.exp(xv)
    np.testing.assert_allclose(f(xv)[0], av * np.cumsum(av))
    np.testing.assert_allclose(f(xv)[1], av * np.cumsum(av) + np.cumsum(np.sin(xv)))
