"""Node rewrites driven by miniKanren relations."""

import numpy as np
import pytest
from etuples import etuple, etuplize
from kanren import conde, eq, lall
from unification import var

import aesara
import aesara.tensor as at
from aesara.graph.fg import FunctionGraph
from aesara.graph.rewriting.basic import in2out
from aesara.graph.rewriting.kanren import KanrenRelationSub
from aesara.tensor.elemwise import Elemwise


def double_to_times_two(in_lv, out_lv):
    v = var()
    return lall(
        eq(in_lv, etuple(etuplize(at.add), v, v)),
        eq(out_lv, etuple(etuplize(at.mul), at.constant(2.0), v)),
    )


def _scalar_ops(fg):
    return [
        type(n.op.scalar_op).__name__
        for n in fg.toposort()
        if isinstance(n.op, Elemwise)
    ]


def test_x_plus_x_becomes_two_times_x():
    x = at.dscalar("x")
    y = at.dscalar("y")
    fg = FunctionGraph([x, y], [(x + x) * y], clone=False)
    in2out(KanrenRelationSub(double_to_times_two)).rewrite(fg)
    assert "Add" not in _scalar_ops(fg)
    assert _scalar_ops(fg).count("Mul") == 2
    f = aesara.function([x, y], fg.outputs[0])
    assert f(3.0, 5.0) == 30.0


def test_no_match_leaves_graph():
    x = at.dscalar("x")
    y = at.dscalar("y")
    fg = FunctionGraph([x, y], [x + y], clone=False)
    in2out(KanrenRelationSub(double_to_times_two)).rewrite(fg)
    assert _scalar_ops(fg) == ["Add"]


def test_node_filter_and_results_filter():
    x = at.dscalar("x")
    fg = FunctionGraph([x], [x + x], clone=False)
    rw = KanrenRelationSub(double_to_times_two, node_filter=lambda node: False)
    in2out(rw).rewrite(fg)
    assert _scalar_ops(fg) == ["Add"]

    def two_choices(in_lv, out_lv):
        v = var()
        return lall(
            eq(in_lv, etuple(etuplize(at.add), v, v)),
            conde(
                [eq(out_lv, etuple(etuplize(at.mul), at.constant(2.0), v))],
                [
                    eq(
                        out_lv,
                        etuple(
                            etuplize(at.sub),
                            etuple(etuplize(at.mul), at.constant(3.0), v),
                            v,
                        ),
                    )
                ],
            ),
        )

    def take_last(results):
        results = list(results)
        return results[-1] if results else None

    fg = FunctionGraph([x], [x + x], clone=False)
    in2out(KanrenRelationSub(two_choices, results_filter=take_last)).rewrite(fg)
    assert "Sub" in _scalar_ops(fg)
    f = aesara.function([x], fg.outputs[0])
    assert f(4.0) == 8.0


def test_inside_a_larger_graph():
    x = at.dvector("x")
    fg = FunctionGraph([x], [at.exp(x + x)], clone=True)
    in2out(KanrenRelationSub(double_to_times_two)).rewrite(fg)
    assert _scalar_ops(fg) == ["Mul", "Exp"]
    f = aesara.function(fg.inputs, fg.outputs[0])
    np.testing.assert_allclose(f(np.array([0.5, 1.0])), np.exp([1.0, 2.0]))


def test_bad_relation():
    with pytest.raises(TypeError, match="callable"):
        KanrenRelationSub(3)
