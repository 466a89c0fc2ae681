import warnings

import numpy as np
import pytest

import aesara
import aesara.tensor as at
from aesara.configdefaults import config
from aesara.configparser import change_flags
from aesara.graph.basic import Constant
from aesara.graph.fg import FunctionGraph
from aesara.graph.rewriting.basic import (
    EquilibriumGraphRewriter,
    MergeOptimizer,
    OpKeyGraphRewriter,
    OpRemove,
    OpToRewriterTracker,
    PatternNodeRewriter,
    RemovalNodeRewriter,
    RewriteFailureWarning,
    SequentialGraphRewriter,
    SequentialNodeRewriter,
    SubstitutionNodeRewriter,
    WalkingGraphRewriter,
    check_stack_trace,
    copy_stack_trace,
    graph_rewriter,
    in2out,
    node_rewriter,
    out2in,
    pre_constant_merge,
    pre_greedy_node_rewriter,
)
from aesara.tensor.elemwise import Elemwise
from tests.graph.rewriting.toy_ops import add, const, div, mul, neg, toy_var


def ops_of(fg):
    return sorted(str(n.op) for n in fg.apply_nodes)


@node_rewriter([add])
def add_to_mul(fgraph, node):
    return [mul(*node.inputs)]


@node_rewriter([neg])
def double_neg(fgraph, node):
    (x,) = node.inputs
    if x.owner is not None and x.owner.op == neg:
        return [x.owner.inputs[0]]
    return False


class TestNodeRewriter:
    def test_decorator_tracks_and_transform(self):
        assert add_to_mul.tracks() == [add]
        x, y = toy_var("x"), toy_var("y")
        out = add(x, y)
        fg = FunctionGraph([x, y], [out], clone=False)
        res = add_to_mul.transform(fg, out.owner)
        assert res[0].owner.op == mul
        # Untracked ops are left alone.
        assert add_to_mul.transform(fg, mul(x, y).owner) is False

    def test_tracks_op_classes(self):
        @node_rewriter([Elemwise])
        def any_elemwise(fgraph, node):
            return False

        t = OpToRewriterTracker()
        t.add_tracker(any_elemwise)
        assert t.get_trackers(at.exp(at.dvector()).owner.op) == [any_elemwise]
        assert t.get_trackers(add) == []

    def test_bad_tracks(self):
        with pytest.raises(ValueError, match="None instead of an empty list"):
            node_rewriter([])
        with pytest.raises(TypeError, match="Op instances or Op subclasses"):
            node_rewriter(["add"])

    @pytest.mark.parametrize("walker", [in2out, out2in])
    def test_in2out_out2in(self, walker):
        x, y = toy_var("x"), toy_var("y")
        fg = FunctionGraph([x, y], [add(add(x, y), y)])
        walker(add_to_mul).rewrite(fg)
        assert ops_of(fg) == ["mul", "mul"]
        fg.check_integrity()

    def test_out2in_removes_chains(self):
        x = toy_var("x")
        fg = FunctionGraph([x], [neg(neg(neg(neg(x))))])
        out2in(double_neg).rewrite(fg)
        assert fg.outputs[0] is fg.inputs[0]
        assert not fg.apply_nodes

    def test_dict_replacement_and_bad_return(self):
        @node_rewriter([add])
        def as_dict(fgraph, node):
            return {node.outputs[0]: mul(*node.inputs)}

        x, y = toy_var("x"), toy_var("y")
        fg = FunctionGraph([x, y], [add(x, y)])
        in2out(as_dict).rewrite(fg)
        assert ops_of(fg) == ["mul"]

        @node_rewriter([mul])
        def bad(fgraph, node):
            return node.outputs[0]

        with pytest.raises(TypeError, match="expected a list or tuple"):
            WalkingGraphRewriter(bad).rewrite(fg)

    def test_sequential_node_rewriter(self):
        @node_rewriter([mul])
        def mul_to_div(fgraph, node):
            return [div(*node.inputs)]

        group = SequentialNodeRewriter(add_to_mul, mul_to_div, apply_all_rewrites=True)
        assert set(group.tracks()) == {add, mul}
        x, y = toy_var("x"), toy_var("y")
        fg = FunctionGraph([x, y], [add(x, y)])
        in2out(group).rewrite(fg)
        assert ops_of(fg) == ["div"]
        group2 = SequentialNodeRewriter(add_to_mul, mul_to_div)
        fg2 = FunctionGraph([x, y], [add(x, y)])
        # Without apply_all_rewrites the first match wins; the walker then
        # sees the new mul node (ignore_newtrees=False) and rewrites it too.
        WalkingGraphRewriter(group2, ignore_newtrees=True).rewrite(fg2)
        assert ops_of(fg2) == ["mul"]

    def test_substitution_and_removal(self):
        x, y = toy_var("x"), toy_var("y")
        fg = FunctionGraph([x, y], [neg(add(x, y))])
        in2out(SubstitutionNodeRewriter(add, mul)).rewrite(fg)
        assert ops_of(fg) == ["mul", "neg"]
        in2out(RemovalNodeRewriter(neg)).rewrite(fg)
        assert ops_of(fg) == ["mul"]
        assert OpRemove is RemovalNodeRewriter

    def test_opkey_rewriter(self):
        x, y = toy_var("x"), toy_var("y")
        fg = FunctionGraph([x, y], [mul(add(x, y), add(y, x))])
        OpKeyGraphRewriter(SubstitutionNodeRewriter(add, div)).rewrite(fg)
        assert ops_of(fg) == ["div", "div", "mul"]


class TestPatternNodeRewriter:
    def test_simple_pattern(self):
        # (x + y) * (x + y) -> ... only when the same x, y are used
        rw = PatternNodeRewriter((mul, (add, "x", "y"), (add, "x", "y")), (neg, "x"))
        x, y, z = toy_var("x"), toy_var("y"), toy_var("z")
        s1, s2 = add(x, y), add(x, y)
        fg = FunctionGraph([x, y], [mul(s1, s2)])
        in2out(rw).rewrite(fg)
        assert ops_of(fg) == ["neg"]
        assert fg.outputs[0].owner.inputs[0] is fg.inputs[0]
        fg2 = FunctionGraph([x, y, z], [mul(add(x, y), add(x, z))])
        in2out(rw).rewrite(fg2)
        assert ops_of(fg2) == ["add", "add", "mul"]

    def test_constraint_and_constants(self):
        rw = PatternNodeRewriter(
            (mul, {"pattern": "x", "constraint": lambda v: v.name == "ok"}, 1.0), "x"
        )
        ok, bad = toy_var("ok"), toy_var("bad")
        fg = FunctionGraph([ok, bad], [mul(ok, const(1)), mul(bad, const(1))])
        in2out(rw).rewrite(fg)
        assert fg.outputs[0] is fg.inputs[0]
        assert fg.outputs[1].owner.op == mul
        # A constant that is not 1 does not match.
        fg2 = FunctionGraph([ok], [mul(ok, const(2))])
        in2out(rw).rewrite(fg2)
        assert ops_of(fg2) == ["mul"]
        # A Constant in the pattern matches an equal constant.
        rw2 = PatternNodeRewriter((add, "x", const(0)), "x")
        fg3 = FunctionGraph([ok], [add(ok, const(0))])
        in2out(rw2).rewrite(fg3)
        assert fg3.outputs[0] is fg3.inputs[0]

    def test_multiple_clients(self):
        rw = PatternNodeRewriter((neg, (neg, "x")), "x")
        x = toy_var("x")
        inner = neg(x)
        fg = FunctionGraph([x], [neg(inner), mul(inner, x)])
        in2out(rw).rewrite(fg)
        assert fg.outputs[0].owner is not None  # inner is shared: left alone
        rw2 = PatternNodeRewriter((neg, (neg, "x")), "x", allow_multiple_clients=True)
        in2out(rw2).rewrite(fg)
        assert fg.outputs[0] is fg.inputs[0]

    def test_tensor_pattern(self):
        x = at.dvector("x")
        rw = PatternNodeRewriter((at.mul, "x", 1), "x")
        one = at.constant(np.array([1.0]))
        fg = FunctionGraph([x], [at.exp(at.mul(x, one))])
        in2out(rw).rewrite(fg)
        assert len(fg.apply_nodes) == 1
        assert fg.outputs[0].owner.inputs[0] is fg.inputs[0]
        # Not all ones: no match.
        fg2 = FunctionGraph([x], [at.mul(x, at.constant(np.array([1.0, 2.0])))])
        in2out(rw).rewrite(fg2)
        assert len(fg2.apply_nodes) == 1 and fg2.outputs[0].owner.op == at.mul

    def test_bad_pattern(self):
        with pytest.raises(TypeError, match="tuple"):
            PatternNodeRewriter("x", "x")
        assert "add" in str(PatternNodeRewriter((add, "x", "y"), "x"))


class TestMerge:
    def test_merge_duplicate_subgraphs(self):
        x, y = toy_var("x"), toy_var("y")
        e1 = mul(add(x, y), neg(x))
        e2 = mul(add(x, y), neg(x))
        fg = FunctionGraph([x, y], [e1, e2])
        assert len(fg.apply_nodes) == 6
        MergeOptimizer().rewrite(fg)
        assert len(fg.apply_nodes) == 3
        assert fg.outputs[0] is fg.outputs[1]
        fg.check_integrity()

    def test_merge_constants(self):
        x = toy_var("x")
        fg = FunctionGraph([x], [add(x, const(2)), add(x, const(2)), add(x, const(3))])
        MergeOptimizer().rewrite(fg)
        assert len(fg.apply_nodes) == 2
        consts = {v for v in fg.variables if isinstance(v, Constant)}
        assert len(consts) == 2

    def test_merge_is_incremental(self):
        x, y = toy_var("x"), toy_var("y")
        fg = FunctionGraph([x, y], [add(x, y), mul(x, y)])
        m = MergeOptimizer()
        m.rewrite(fg)
        assert len(fg.apply_nodes) == 2
        # A later replacement creating a duplicate is found by the feature.
        fg.replace(fg.outputs[1], add(fg.inputs[0], fg.inputs[1]))
        assert len(fg.merge_feature.scheduled) == 1
        m.rewrite(fg)
        assert len(fg.apply_nodes) == 1

    def test_merge_tensor_graph_and_function(self):
        x = at.dvector("x")
        c1, c2 = at.constant(np.arange(3.0)), at.constant(np.arange(3.0))
        out = at.exp(x + c1) + at.exp(x + c2)
        f = aesara.function([x], out, mode=aesara.Mode("py", "merge"))
        ops = [type(n.op.scalar_op).__name__ for n in f.maker.fgraph.apply_nodes]
        assert sorted(ops) == ["Add", "Add", "Exp"]
        np.testing.assert_allclose(f(np.ones(3)), 2 * np.exp(1 + np.arange(3.0)))

    def test_merge_large_graph_is_fast(self):
        # 6,000 duplicated nodes: merging looks duplicates up in dicts.
        x = toy_var("x")
        outs = []
        for _ in range(2):
            v = x
            for i in range(3000):
                v = add(v, const(i % 7))
            outs.append(v)
        fg = FunctionGraph([x], outs)
        MergeOptimizer().rewrite(fg)
        assert len(fg.apply_nodes) == 3000
        assert fg.outputs[0] is fg.outputs[1]

    def test_pre_constant_merge(self):
        x = toy_var("x")
        c = const(5)
        fg = FunctionGraph([x], [add(x, c)], clone=False)
        other = mul(x, const(5))
        (res,) = pre_constant_merge(fg, [other])
        assert res.owner.inputs[1] is c


class TestEquilibrium:
    def test_fixpoint(self):
        @node_rewriter([mul])
        def mul_neg(fgraph, node):
            a, b = node.inputs
            if a.owner is not None and a.owner.op == neg:
                return [neg(mul(a.owner.inputs[0], b))]
            return False

        x, y = toy_var("x"), toy_var("y")
        # neg(neg(x)) * y -> neg(neg(x * y)) -> x * y
        fg = FunctionGraph([x, y], [mul(neg(neg(x)), y)])
        eq = EquilibriumGraphRewriter([mul_neg, double_neg], max_use_ratio=10)
        prof = eq.rewrite(fg)
        assert ops_of(fg) == ["mul"]
        assert prof[4] >= 2  # at least one pass that changed and a final one

    def test_max_use_ratio_warning(self):
        @node_rewriter([add])
        def flip(fgraph, node):
            a, b = node.inputs
            return [add(b, a)]

        x, y = toy_var("x"), toy_var("y")
        fg = FunctionGraph([x, y], [add(x, y)])
        eq = EquilibriumGraphRewriter([flip], max_use_ratio=3)
        with pytest.warns(RuntimeWarning, match="max_use_ratio"):
            eq.rewrite(fg)
        assert ops_of(fg) == ["add"]

    def test_default_ratio_from_config(self):
        with change_flags(optdb__max_use_ratio=2.5):
            assert EquilibriumGraphRewriter([double_neg]).max_use_ratio == 2.5

    def test_global_final_and_cleanup(self):
        calls = []

        @graph_rewriter
        def record(fgraph):
            calls.append(len(fgraph.apply_nodes))

        x, y = toy_var("x"), toy_var("y")
        fg = FunctionGraph([x, y], [mul(add(x, y), add(x, y))])
        eq = EquilibriumGraphRewriter(
            [add_to_mul],
            max_use_ratio=10,
            final_rewriters=[record],
            cleanup_rewriters=[MergeOptimizer()],
        )
        eq.rewrite(fg)
        assert ops_of(fg) == ["mul", "mul"]
        assert calls  # the final rewriter ran at the end of each pass

    def test_cleanup_merges_duplicates_before_node_rewriters(self):
        # Two copies of neg(x): the node rewriter below never fires, so only
        # a clean-up run at the start of the pass can merge them.
        seen = []

        @node_rewriter([neg])
        def look(fgraph, node):
            seen.append(node)
            return False

        x = toy_var("x")
        fg = FunctionGraph([x], [neg(x), neg(x)], clone=False)
        assert len(fg.apply_nodes) == 2
        eq = EquilibriumGraphRewriter(
            [look], max_use_ratio=10, cleanup_rewriters=[MergeOptimizer()]
        )
        eq.rewrite(fg)
        assert len(fg.apply_nodes) == 1
        assert fg.outputs[0] is fg.outputs[1]
        # The node rewriters only ever saw the surviving copy.
        assert {id(n) for n in seen} == {id(fg.outputs[0].owner)}

    def test_canonicalize_query_merges_duplicate_nodes(self):
        from aesara.compile.mode import optdb

        x = at.dvector("x")
        a = at.exp(x)
        b = at.exp(x)
        fg = FunctionGraph([x], [a, b], clone=False)
        assert len(fg.apply_nodes) == 2
        optdb.query("+canonicalize").rewrite(fg)
        assert len(fg.apply_nodes) == 1
        assert fg.outputs[0] is fg.outputs[1]

    def test_rejects_non_rewriters(self):
        with pytest.raises(TypeError, match="node and graph rewriters"):
            EquilibriumGraphRewriter([lambda fg: None], max_use_ratio=1)


class TestFailures:
    @staticmethod
    def make():
        @node_rewriter([add])
        def broken(fgraph, node):
            raise ZeroDivisionError("boom")

        x, y = toy_var("x"), toy_var("y")
        return broken, FunctionGraph([x, y], [add(x, y)])

    def test_warn(self):
        broken, fg = self.make()
        with change_flags(on_opt_error="warn"):
            with pytest.warns(RewriteFailureWarning) as rec:
                in2out(broken).rewrite(fg)
        assert len(rec) == 1
        msg = str(rec[0].message)
        assert "broken" in msg and "boom" in msg and "add" in msg
        assert ops_of(fg) == ["add"]

    def test_raise(self):
        broken, fg = self.make()
        with change_flags(on_opt_error="raise"):
            with pytest.raises(ZeroDivisionError, match="boom"):
                in2out(broken).rewrite(fg)

    def test_ignore(self):
        broken, fg = self.make()
        with change_flags(on_opt_error="ignore"):
            with warnings.catch_warnings():
                warnings.simplefilter("error")
                in2out(broken).rewrite(fg)
        assert ops_of(fg) == ["add"]

    def test_no_callback_raises(self):
        broken, fg = self.make()
        with pytest.raises(ZeroDivisionError):
            WalkingGraphRewriter(broken).rewrite(fg)

    def test_sequential_graph_rewriter(self):
        @graph_rewriter
        def failing(fgraph):
            raise RuntimeError("graph boom")

        ran = []

        @graph_rewriter
        def after(fgraph):
            ran.append(True)

        _, fg = self.make()
        seq = SequentialGraphRewriter(
            failing, after, failure_callback=SequentialGraphRewriter.warn
        )
        with change_flags(on_opt_error="warn"):
            with pytest.warns(RewriteFailureWarning, match="graph boom"):
                seq.rewrite(fg)
        assert ran == [True]
        with change_flags(on_opt_error="raise"):
            with pytest.raises(RuntimeError, match="graph boom"):
                seq.rewrite(fg)

    def test_failing_rewrite_in_function(self):
        from aesara.tensor.rewriting.basic import register_canonicalize  # noqa: F401

        @node_rewriter([Elemwise])
        def broken_elemwise(fgraph, node):
            raise ValueError("elemwise boom")

        x = at.dvector("x")
        mode = aesara.Mode("py", "fast_run").register((in2out(broken_elemwise), 1.7))
        with change_flags(on_opt_error="warn"):
            with pytest.warns(RewriteFailureWarning, match="elemwise boom"):
                f = aesara.function([x], at.exp(x), mode=mode)
        np.testing.assert_allclose(f([0.0]), [1.0])


class TestStackTrace:
    def test_replacement_keeps_user_line(self):
        @node_rewriter([mul])
        def expand(fgraph, node):
            a, b = node.inputs
            # A multi-node replacement: every new variable gets the trace.
            return [neg(neg(add(a, b)))]

        x, y = toy_var("x"), toy_var("y")
        out = mul(x, y)
        out.tag.trace = [[("user_file.py", 12, "model", None)]]
        fg = FunctionGraph([x, y], [out])
        in2out(expand).rewrite(fg)
        assert check_stack_trace(fg, ops_to_check="all")
        for node in fg.apply_nodes:
            assert node.outputs[0].tag.trace == [[("user_file.py", 12, "model", None)]]

    def test_function_trace(self):
        x = at.dvector("x")
        y = at.exp(x)  # this line is recorded
        f = aesara.function([x], y * 1)
        assert check_stack_trace(f, ops_to_check="last")
        node = [n for n in f.maker.fgraph.apply_nodes][0]
        assert "test_basic.py" in node.outputs[0].tag.trace[0][0][0]

    def test_copy_stack_trace_and_errors(self):
        a, b = toy_var(), toy_var()
        a.tag.trace = [[("f.py", 1, "g", None)]]
        b.tag.trace = []
        copy_stack_trace(a, [b])
        assert b.tag.trace == a.tag.trace
        with pytest.raises(TypeError, match="FunctionGraph"):
            check_stack_trace(42)
        fg = FunctionGraph([a], [neg(a)])
        with pytest.raises(ValueError, match="not in the graph"):
            check_stack_trace(fg, ops_to_check=[add])


def test_pre_greedy_node_rewriter():
    x = toy_var("x")
    fg = FunctionGraph([x], [add(x, x)], clone=False)
    out = neg(neg(neg(neg(x))))
    new = pre_greedy_node_rewriter(fg, [double_neg], out)
    assert new is x


def test_print_summary_and_profile(capsys):
    eq = EquilibriumGraphRewriter([double_neg], max_use_ratio=5)
    x = toy_var("x")
    fg = FunctionGraph([x], [neg(neg(x))])
    prof = eq.rewrite(fg)
    EquilibriumGraphRewriter.print_profile(__import__("sys").stdout, prof)
    eq.print_summary()
    out = capsys.readouterr().out
    assert "double_neg" in out
    assert config.on_opt_error in ("warn", "raise", "ignore", "pdb")
