import pickle

import numpy as np
import pytest

import aesara
import aesara.tensor as at
from aesara.compile.builders import OpFromGraph, inline_ofg_expansion
from aesara.compile.sharedvalue import shared
from aesara.gradient import DisconnectedType, Rop, grad, verify_grad
from aesara.graph.basic import clone_replace
from aesara.graph.null_type import NullType
from aesara.graph.utils import MissingInputError
from aesara.printing import debugprint

rng = np.random.default_rng(42)


def _vals(*shapes):
    return [rng.normal(size=s) for s in shapes]


def _linear():
    x, w, b = at.dvectors("x", "w", "b")
    return x, w, b, [x * w + b]


def _ops_in(f):
    return [type(n.op) for n in f.maker.fgraph.apply_nodes]


@pytest.mark.parametrize("inline", [False, True])
def test_values_match_the_graph(inline):
    x, y = at.dmatrices("x", "y")
    op = OpFromGraph([x, y], [x @ y + at.exp(x), (x - y).sum()], inline=inline)
    a, b = at.dmatrices("a", "b")
    o1, o2 = op(a, b)
    f = aesara.function([a, b], [o1, o2 * 2])
    av, bv = _vals((3, 3), (3, 3))
    r1, r2 = f(av, bv)
    np.testing.assert_allclose(r1, av @ bv + np.exp(av))
    np.testing.assert_allclose(r2, 2 * (av - bv).sum())
    assert (OpFromGraph in _ops_in(f)) is not inline


def test_op_reused_on_several_nodes_and_nested():
    x, y = at.dvectors("x", "y")
    inner = OpFromGraph([x, y], [x * y], name="mul_ofg")
    z = at.dvector("z")
    outer = OpFromGraph([x, y, z], [inner(inner(x, y), z) + 1])
    a, b, c = at.dvectors("a", "b", "c")
    out = outer(a, b, c) - inner(a, c)
    f = aesara.function([a, b, c], out)
    av, bv, cv = _vals(4, 4, 4)
    np.testing.assert_allclose(f(av, bv, cv), av * bv * cv + 1 - av * cv)
    g = aesara.function([a, b, c], grad(out.sum(), [a, b, c]))
    ga, gb, gc = g(av, bv, cv)
    np.testing.assert_allclose(ga, bv * cv - cv)
    np.testing.assert_allclose(gb, av * cv)
    np.testing.assert_allclose(gc, av * bv - av)


@pytest.mark.parametrize("inline", [False, True])
def test_grad_matches_inlined_graph(inline):
    x, y = at.dvectors("x", "y")
    outs = [at.tanh(x) * y, (x**2).sum() * y]
    op = OpFromGraph([x, y], outs, inline=inline)
    a, b = at.dvectors("a", "b")
    o1, o2 = op(a, b)
    cost = (o1 * o2).sum()
    i1, i2 = clone_replace(outs, {x: a, y: b})
    ref_cost = (i1 * i2).sum()
    f = aesara.function([a, b], grad(cost, [a, b]))
    f_ref = aesara.function([a, b], grad(ref_cost, [a, b]))
    av, bv = _vals(5, 5)
    for got, want in zip(f(av, bv), f_ref(av, bv)):
        np.testing.assert_allclose(got, want, rtol=1e-10)


def test_verify_grad_and_second_derivative():
    x = at.dvector("x")
    op = OpFromGraph([x], [at.sin(x) * x])
    verify_grad(lambda v: op(v), [rng.normal(size=4)], rng=rng)
    a = at.dvector("a")
    # The gradient is itself an OpFromGraph, differentiated again.
    g = grad(op(a).sum(), a)
    assert isinstance(g.owner.op, OpFromGraph)
    h = aesara.function([a], grad(g.sum(), a))
    av = rng.normal(size=3)
    # The Hessian is diagonal: d2/dx2 (x sin x) = 2 cos x - x sin x.
    np.testing.assert_allclose(h(av), 2 * np.cos(av) - av * np.sin(av))


def test_rop_matches_inlined_graph():
    x, y = at.dvectors("x", "y")
    outs = [at.exp(x) * y, (x * y).sum()]
    op = OpFromGraph([x, y], outs)
    a, b, va, vb = at.dvectors("a", "b", "va", "vb")
    got = Rop(list(op(a, b)), [a, b], [va, vb])
    ref = Rop(clone_replace(outs, {x: a, y: b}), [a, b], [va, vb])
    f = aesara.function([a, b, va, vb], got + ref)
    vals = _vals(3, 3, 3, 3)
    r = f(*vals)
    np.testing.assert_allclose(r[0], r[2])
    np.testing.assert_allclose(r[1], r[3])


def test_grad_overrides_single_callable_and_op():
    x, w, b, outs = _linear()

    def go(inps, grads):
        xx, ww, _bb = inps
        (g,) = grads
        return [g * ww * 2, g * xx * 3, g * 5]

    op = OpFromGraph([x, w, b], outs, grad_overrides=go)
    xv, wv, bv = _vals(3, 3, 3)
    gs = aesara.function([x, w, b], grad(op(x, w, b).sum(), [x, w, b]))(xv, wv, bv)
    np.testing.assert_allclose(gs[0], 2 * wv)
    np.testing.assert_allclose(gs[1], 3 * xv)
    np.testing.assert_allclose(gs[2], np.full(3, 5.0))

    # An OpFromGraph override receives inputs + output gradients.
    gx, gw, gb, gg = at.dvectors("gx", "gw", "gb", "gg")
    override = OpFromGraph([gx, gw, gb, gg], [gg * gw * 7, gg * gx, gg])
    op2 = OpFromGraph([x, w, b], outs, grad_overrides=override)
    gs2 = aesara.function([x, w, b], grad(op2(x, w, b).sum(), [x, w, b]))(xv, wv, bv)
    np.testing.assert_allclose(gs2[0], 7 * wv)
    np.testing.assert_allclose(gs2[1], xv)


def test_lop_overrides_see_the_outputs_and_list_form():
    x, w, b, outs = _linear()

    def lop(inps, outputs, grads):
        # The outputs are the forward values, not recomputed symbols.
        return [grads[0] * outputs[0], grads[0] * 0 + 1, grads[0]]

    op = OpFromGraph([x, w, b], outs, lop_overrides=lop)
    xv, wv, bv = _vals(3, 3, 3)
    gx = aesara.function([x, w, b], grad(op(x, w, b).sum(), x))(xv, wv, bv)
    np.testing.assert_allclose(gx, xv * wv + bv)

    def only_x(inps, outputs, grads):
        return grads[0] * 10

    op_list = OpFromGraph([x, w, b], outs, lop_overrides=[only_x, "default", "default"])
    gs = aesara.function([x, w, b], grad(op_list(x, w, b).sum(), [x, w, b]))(xv, wv, bv)
    np.testing.assert_allclose(gs[0], np.full(3, 10.0))
    np.testing.assert_allclose(gs[1], xv)
    np.testing.assert_allclose(gs[2], np.ones(3))


def test_null_and_disconnected_overrides():
    x, w, b, outs = _linear()
    op = OpFromGraph(
        [x, w, b], outs, grad_overrides=["default", NullType()(), DisconnectedType()()]
    )
    cost = op(x, w, b).sum()
    gx = grad(cost, x)
    xv, wv, bv = _vals(3, 3, 3)
    np.testing.assert_allclose(aesara.function([x, w, b], gx)(xv, wv, bv), wv)
    with pytest.raises(aesara.gradient.NullTypeGradError):
        grad(cost, w)
    with pytest.raises(aesara.gradient.DisconnectedInputError):
        grad(cost, b)
    gb = grad(cost, b, disconnected_inputs="ignore")
    np.testing.assert_allclose(
        aesara.function([x, w, b], gb, on_unused_input="ignore")(xv, wv, bv), 0
    )


def test_rop_overrides():
    x, w, b, outs = _linear()

    def rop(inps, evs):
        return [evs[0] * 100]

    op = OpFromGraph([x, w, b], outs, rop_overrides=rop)
    v1, v2, v3 = at.dvectors("v1", "v2", "v3")
    r = Rop(op(x, w, b), [x, w, b], [v1, v2, v3])
    vals = _vals(3, 3, 3, 3, 3, 3)
    np.testing.assert_allclose(
        aesara.function([x, w, b, v1, v2, v3], r)(*vals), 100 * vals[3]
    )

    op_zero = OpFromGraph([x, w, b], outs, rop_overrides=[DisconnectedType()()])
    r0 = Rop(op_zero(x, w, b), [x, w, b], [v1, v2, v3])
    f0 = aesara.function([x, w, b, v1, v2, v3], r0, on_unused_input="ignore")
    np.testing.assert_allclose(f0(*vals), np.zeros(3))


def test_mutually_exclusive_overrides_and_bad_arguments():
    x, w, b, outs = _linear()
    with pytest.raises(ValueError, match="mutually exclusive"):
        OpFromGraph(
            [x, w, b], outs, lop_overrides=lambda *a: a, grad_overrides=lambda *a: a
        )
    with pytest.raises(ValueError, match="one entry per"):
        OpFromGraph([x, w, b], outs, grad_overrides=["default"])
    with pytest.raises(TypeError, match="must be 'default'"):
        OpFromGraph([x, w, b], outs, grad_overrides=3)
    with pytest.raises(TypeError, match="constant"):
        OpFromGraph([at.constant(1.0)], [x])
    with pytest.raises(TypeError, match="list of variables"):
        OpFromGraph(x, [x])
    with pytest.raises(TypeError, match=r"outputs\[0\]"):
        OpFromGraph([x], [1.0])
    with pytest.raises(NotImplementedError, match="updates"):
        OpFromGraph([x], [x], updates={})
    with pytest.raises(MissingInputError):
        OpFromGraph([x], [x + w])
    op = OpFromGraph([x, w, b], outs)
    with pytest.raises(ValueError, match="expected 3 inputs"):
        op(x, w)
    with pytest.raises(TypeError, match="input 1 must be of type"):
        op(x, at.dmatrix(), b)


def test_shared_variables_are_implicit_inputs():
    s = shared(np.array([1.0, 2.0, 3.0]), name="s")
    x = at.dvector("x")
    op = OpFromGraph([x], [x * s])
    assert op.shared_inputs == [s]
    a = at.dvector("a")
    out = op(a)
    assert out.owner.inputs[1] is s
    f = aesara.function([a], out)
    av = np.array([2.0, 2.0, 2.0])
    np.testing.assert_allclose(f(av), av * [1, 2, 3])
    s.set_value(np.array([0.0, 1.0, 0.0]))
    np.testing.assert_allclose(f(av), [0, 2, 0])
    # Gradients flow to the shared variable too.
    gs = aesara.function([a], grad(out.sum(), s))(av)
    np.testing.assert_allclose(gs, av)
    with pytest.raises(TypeError, match="shared variable"):
        OpFromGraph([s], [s * 2])


def test_infer_shape_uses_the_inner_graph():
    x, y = at.dmatrices("x", "y")
    op = OpFromGraph([x, y], [at.concatenate([x, y], axis=0), x.sum(axis=1)])
    a, b = at.dmatrices("a", "b")
    o1, o2 = op(a, b)
    f = aesara.function([a, b], [o1.shape, o2.shape])
    av, bv = _vals((2, 3), (4, 3))
    s1, s2 = f(av, bv)
    assert tuple(s1) == (6, 3) and tuple(s2) == (2,)
    # The shapes are computed without running the op.
    assert OpFromGraph not in _ops_in(f)


def test_connection_pattern_default_and_given():
    x, y = at.dvectors("x", "y")
    op = OpFromGraph([x, y], [x * 2, x + y])
    node = op(x, y)[0].owner
    assert op.connection_pattern(node) == [[True, True], [False, True]]
    g = grad(op(x, y)[0].sum(), y, disconnected_inputs="ignore")
    assert isinstance(g.type, at.TensorType)
    with pytest.raises(aesara.gradient.DisconnectedInputError):
        grad(op(x, y)[0].sum(), y)
    op2 = OpFromGraph(
        [x, y], [x * 2, x + y], connection_pattern=[[True, False], [False, True]]
    )
    with pytest.raises(aesara.gradient.DisconnectedInputError):
        grad(op2(x, y)[1].sum(), x)
    with pytest.raises(ValueError, match="connection_pattern"):
        OpFromGraph([x, y], [x], connection_pattern=[[True]])


def test_inline_rewrite_expands_only_inline_ops():
    x = at.dvector("x")
    inline_op = OpFromGraph([x], [at.exp(x)], inline=True)
    plain_op = OpFromGraph([x], [at.exp(x)])
    a = at.dvector("a")
    fg = aesara.graph.fg.FunctionGraph([a], [inline_op(a), plain_op(a)], clone=False)
    nodes = [n for n in fg.apply_nodes if isinstance(n.op, OpFromGraph)]
    by_inline = {n.op.is_inline: n for n in nodes}
    expanded = inline_ofg_expansion.transform(fg, by_inline[True])
    assert expanded[0].owner.op == at.exp(a).owner.op
    assert expanded[0].owner.inputs[0] is a
    assert not inline_ofg_expansion.transform(fg, by_inline[False])
    # In FAST_COMPILE too (the rewrite is tagged fast_compile).
    f = aesara.function([a], inline_op(a), mode="FAST_COMPILE")
    assert OpFromGraph not in _ops_in(f)
    np.testing.assert_allclose(f(np.array([0.0, 1.0])), np.exp([0.0, 1.0]))


def test_inlining_is_its_own_stage_not_canonicalize():
    # As in Aesara, a query for only "canonicalize" keeps inline
    # OpFromGraphs (libraries use them as markers); compiling expands them.
    from aesara.compile.mode import optdb

    x = at.dvector("x")
    inline_op = OpFromGraph([x], [at.exp(x) * 1.0], inline=True)
    a = at.dvector("a")
    fg = aesara.graph.fg.FunctionGraph([a], [inline_op(a)], clone=False)
    optdb.query("+canonicalize").rewrite(fg)
    assert any(isinstance(n.op, OpFromGraph) for n in fg.apply_nodes)
    assert "inline_ofg_expansion" not in optdb["canonicalize"]
    f = aesara.function([a], inline_op(a))
    assert OpFromGraph not in _ops_in(f)
    np.testing.assert_allclose(f(np.array([0.0, 1.0])), np.exp([0.0, 1.0]))


def test_debugprint_shows_inner_graph():
    x = at.dvector("x")
    op = OpFromGraph([x], [at.cosh(x)], name="my_ofg")
    text = debugprint(op(at.dvector("a")), file="str")
    assert "Inner graphs" in text
    assert "my_ofg" in text and "cosh" in text


def test_pickle_and_clone():
    x = at.dvector("x")
    op = OpFromGraph([x], [x * 3])
    a = at.dvector("a")
    f = aesara.function([a], op(a))
    f2 = pickle.loads(pickle.dumps(f))
    np.testing.assert_allclose(f2(np.ones(2)), [3.0, 3.0])
    c = op.clone()
    assert c is not op and c.inner_outputs[0] is not op.inner_outputs[0]
    np.testing.assert_allclose(aesara.function([a], c(a))(np.ones(2)), [3.0, 3.0])


def test_kwargs_reach_the_inner_function():
    x = at.dvector("x")
    op = OpFromGraph([x], [x + 1], mode="FAST_COMPILE")
    assert op.kwargs == {"mode": "FAST_COMPILE"}
    assert op.fn.maker.mode is aesara.compile.mode.get_mode("FAST_COMPILE")
    np.testing.assert_allclose(op.fn(np.zeros(2))[0], [1.0, 1.0])
