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
    f = aesara.function([x], out, mode=mode)
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
