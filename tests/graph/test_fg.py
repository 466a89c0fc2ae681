"""Tests of aesara.graph.fg.FunctionGraph."""

import inspect
import pickle
from collections import Counter

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from aesara.graph.basic import (
    Apply,
    Constant,
    ancestors,
    applys_between,
    equal_computations,
)
from aesara.graph.features import Feature
from aesara.graph.fg import FunctionGraph
from aesara.graph.null_type import NullType
from aesara.graph.utils import MissingInputError
from tests.graph import MyOp, MyType, add, make_inputs, neg, split, tt


def expected_clients(fg):
    """The clients every variable of ``fg`` should have, computed from scratch."""
    exp = {v: [] for v in fg.variables}
    for node in applys_between(fg.inputs, fg.outputs):
        for i, inp in enumerate(node.inputs):
            exp.setdefault(inp, []).append((node, i))
    for j, out in enumerate(fg.outputs):
        exp.setdefault(out, []).append(("output", j))
    return exp


def assert_consistent(fg):
    fg.check_integrity()
    exp = expected_clients(fg)
    assert set(fg.clients) == set(exp) == set(fg.variables)
    for v, cl in exp.items():
        assert Counter(fg.clients[v]) == Counter(cl), v
    assert fg.apply_nodes == set(applys_between(fg.inputs, fg.outputs))


class Recorder(Feature):
    """Records every hook call."""

    def __init__(self):
        self.calls = []

    def on_attach(self, fgraph):
        self.calls.append(("attach", fgraph))

    def on_detach(self, fgraph):
        self.calls.append(("detach", fgraph))

    def on_import(self, fgraph, node, reason):
        self.calls.append(("import", node, reason))

    def on_prune(self, fgraph, node, reason):
        self.calls.append(("prune", node, reason))

    def on_change_input(self, fgraph, node, i, var, new_var, reason=None):
        self.calls.append(("change", node, i, var, new_var, reason))

    def kinds(self):
        return [c[0] for c in self.calls]


class TestConstruction:
    def test_clone_true(self):
        x, y, _ = make_inputs()
        out = add(neg(x), y)
        fg = FunctionGraph([x, y], [out])
        assert fg.inputs[0] is not x and fg.outputs[0] is not out
        assert [v.name for v in fg.inputs] == ["x", "y"]
        assert equal_computations(fg.outputs, [out], fg.inputs, [x, y])
        assert out.owner.inputs[1] is y  # caller's graph untouched
        assert_consistent(fg)

    def test_clone_false(self):
        x, y, _ = make_inputs()
        n = neg(x)
        out = add(n, y)
        fg = FunctionGraph([x, y], [out], clone=False)
        assert fg.inputs == [x, y] and fg.outputs == [out]
        assert fg.apply_nodes == {n.owner, out.owner}
        assert fg.variables == {x, y, n, out}
        assert fg.clients[x] == [(n.owner, 0)]
        assert fg.clients[n] == [(out.owner, 0)]
        assert fg.clients[out] == [("output", 0)]
        assert n.owner.tag.imported_by == ["init"]
        assert_consistent(fg)

    def test_inputs_inferred(self):
        x, y, _ = make_inputs()
        k = Constant(tt, 2)
        out = add(add(x, k), y)
        fg = FunctionGraph(outputs=[out], clone=False)
        assert set(fg.inputs) == {x, y} and k in fg.variables
        assert_consistent(fg)

    def test_errors(self):
        x, _, _ = make_inputs()
        n = neg(x)
        with pytest.raises(ValueError, match="No outputs specified"):
            FunctionGraph([x])
        with pytest.raises(
            ValueError, match="is computed by neg and cannot be an input"
        ):
            FunctionGraph([n], [neg(n)], clone=False)

    def test_missing_input(self):
        x, y, _ = make_inputs()
        out = add(x, y)
        with pytest.raises(
            MissingInputError, match=r"Input 1 \(y\) of node add\(x, y\)"
        ) as e:
            FunctionGraph([x], [out], clone=False)
        assert e.value.variable is y
        assert "Backtrace when that variable is created" in str(e.value)

    def test_unused_input_and_constant_output(self):
        x, y, _ = make_inputs()
        k = Constant(tt, 1)
        fg = FunctionGraph([x, y], [neg(x), k], clone=False)
        assert fg.clients[y] == [] and fg.clients[k] == [("output", 1)]
        assert_consistent(fg)

    def test_duplicate_outputs(self):
        x, _, _ = make_inputs()
        n = neg(x)
        fg = FunctionGraph([x], [n, n], clone=False)
        assert fg.clients[n] == [("output", 0), ("output", 1)]
        assert_consistent(fg)

    def test_contains(self):
        x, y, _ = make_inputs()
        n = neg(x)
        fg = FunctionGraph([x, y], [n], clone=False)
        assert x in fg and n in fg and n.owner in fg
        assert neg(y) not in fg and neg(y).owner not in fg
        with pytest.raises(TypeError, match="Expected a Variable or an Apply"):
            "x" in fg  # noqa: B015

    def test_str(self):
        x, y, _ = make_inputs()
        fg = FunctionGraph([x, y], [add(neg(x), y)], clone=False)
        assert str(fg) == "FunctionGraph(add(neg(x), y))" == repr(fg)


class TestReplace:
    def test_replace_prunes_and_imports(self):
        x, y, z = make_inputs()
        n = neg(x)
        out = add(n, y)
        rec = Recorder()
        fg = FunctionGraph([x, y, z], [out], features=[rec], clone=False)
        rec.calls.clear()
        new = neg(z)
        fg.replace(n, new, reason="test")
        assert out.owner.inputs == [new, y]
        assert n not in fg and n.owner not in fg and new.owner in fg
        assert fg.clients[x] == [] and fg.clients[z] == [(new.owner, 0)]
        assert ("import", new.owner, "test") in rec.calls
        assert ("prune", n.owner, "test") in rec.calls
        assert ("change", out.owner, 0, n, new, "test") in rec.calls
        assert_consistent(fg)

    def test_replace_type_check(self):
        x, y, _ = make_inputs()
        n = neg(x)
        fg = FunctionGraph([x, y], [add(n, y)], clone=False)
        with pytest.raises(TypeError, match="Cannot convert Type"):
            fg.replace(n, MyType(3)("w"))
        assert_consistent(fg)

    def test_replace_with_super_type_variable_rejected_by_change_input(self):
        x, y, _ = make_inputs()
        n = neg(x)
        out = add(n, y)
        fg = FunctionGraph([x, y], [out], clone=False)
        with pytest.raises(TypeError, match="must be compatible"):
            fg.change_node_input(out.owner, 0, MyType(None)("w"))
        assert out.owner.inputs[0] is n
        assert_consistent(fg)

    def test_replace_constant_leaves_graph(self):
        x, _, _ = make_inputs()
        k = Constant(tt, 2)
        out = add(x, k)
        fg = FunctionGraph([x], [out], clone=False)
        assert k in fg.variables
        fg.replace(k, Constant(tt, 3))
        assert k not in fg.variables and k not in fg.clients
        assert_consistent(fg)

    def test_replace_variable_not_in_graph_is_noop(self):
        x, _, _ = make_inputs()
        fg = FunctionGraph([x], [neg(x)], clone=False)
        fg.replace(tt("stranger"), tt("other"))
        assert_consistent(fg)

    def test_replace_absent_variable_ignores_type_of_replacement(self):
        # A variable a rewrite already removed may be "replaced" by one of an
        # incompatible type: there is nothing to do, so no type error either.
        x, _, _ = make_inputs()
        out = neg(x)
        fg = FunctionGraph([x], [out], clone=False)
        before = set(fg.apply_nodes)
        fg.replace(tt("gone"), MyType(3)("w"))
        assert set(fg.apply_nodes) == before and fg.outputs == [out]
        assert_consistent(fg)

    def test_replace_unused_input_is_noop(self):
        x, y, _ = make_inputs()
        out = neg(x)
        fg = FunctionGraph([x, y], [out], clone=False)
        fg.replace(y, MyType(3)("w"))
        assert fg.inputs == [x, y] and fg.outputs == [out]
        assert_consistent(fg)

    def test_replace_output(self):
        x, y, _ = make_inputs()
        out = neg(x)
        fg = FunctionGraph([x, y], [out], clone=False)
        fg.replace(out, y)
        assert fg.outputs == [y] and fg.apply_nodes == set()
        assert fg.clients[y] == [("output", 0)]
        assert_consistent(fg)

    def test_replace_missing_input(self):
        x, y, _ = make_inputs()
        n = neg(x)
        out = add(n, x)
        fg = FunctionGraph([x], [out], clone=False)
        w = tt("w")
        bad = neg(w)
        bad_trace = bad.tag.trace
        with pytest.raises(MissingInputError, match="w"):
            fg.replace(n, bad)
        # Nothing changed on failure, not even the replacement's trace.
        assert out.owner.inputs[0] is n
        assert bad.tag.trace is bad_trace
        assert_consistent(fg)
        fg.replace(n, neg(w), import_missing=True)
        assert w in fg.inputs
        assert_consistent(fg)

    def test_replace_nulltype_rejected(self):
        x, _, _ = make_inputs()
        n = neg(x)
        fg = FunctionGraph([x], [add(n, x)], clone=False)

        class NullOp(MyOp):
            def make_node(self, *inputs):
                return Apply(self, list(inputs), [tt()])

        with pytest.raises(TypeError, match="undefined here"):
            fg.replace(n, NullOp("nullop", 1)(NullType("undefined here")()))

    def test_replace_all(self):
        x, y, z = make_inputs()
        a, b = neg(x), neg(y)
        fg = FunctionGraph([x, y, z], [add(a, b)], clone=False)
        fg.replace_all([(a, z), (b, z)], reason="all")
        assert fg.outputs[0].owner.inputs == [z, z]
        assert fg.clients[z] == [(fg.outputs[0].owner, 0), (fg.outputs[0].owner, 1)]
        assert_consistent(fg)

    def test_change_node_input_output(self):
        x, y, _ = make_inputs()
        rec = Recorder()
        out = neg(x)
        fg = FunctionGraph([x, y], [out], features=[rec], clone=False)
        rec.calls.clear()
        new = neg(y)
        fg.change_node_input("output", 0, new, reason="r")
        assert fg.outputs == [new]
        assert rec.kinds() == ["import", "prune", "change"]
        assert rec.calls[-1] == ("change", "output", 0, out, new, "r")
        # same variable: nothing happens
        fg.change_node_input("output", 0, new)
        assert len(rec.calls) == 3
        assert_consistent(fg)

    def test_replacement_inherits_trace(self):
        x, y, _ = make_inputs()
        n = tt("n")
        line_n = inspect.currentframe().f_lineno - 1
        fg = FunctionGraph([x, y, n], [add(n, y)], clone=False)
        new = neg(y)
        assert new.tag.trace != n.tag.trace
        fg.replace(n, new)
        assert new.tag.trace is n.tag.trace
        assert new.tag.trace[0][0][:2] == (__file__, line_n)
        # A replacement already in the graph keeps its own trace.
        y_trace = y.tag.trace
        m = fg.outputs[0].owner.inputs[0]
        fg.replace(m, y)
        assert y.tag.trace is y_trace


class TestStructureEdits:
    def test_import_node(self):
        x, y, _ = make_inputs()
        fg = FunctionGraph([x], [neg(x)], clone=False)
        with pytest.raises(MissingInputError, match=r"\(y\)"):
            fg.import_node(add(x, y).owner)
        node = add(neg(x), y).owner
        fg.import_node(node, import_missing=True)
        assert y in fg.inputs and node in fg.apply_nodes

    def test_add_remove_output(self):
        x, y, _ = make_inputs()
        a, b, c = neg(x), neg(y), add(x, y)
        fg = FunctionGraph([x, y], [a, b, c], clone=False)
        fg.add_output(a)
        assert fg.clients[a] == [("output", 0), ("output", 3)]
        fg.remove_output(0)
        assert fg.outputs == [b, c, a]
        assert fg.clients[b] == [("output", 0)]
        assert fg.clients[c] == [("output", 1)]
        assert fg.clients[a] == [("output", 2)]
        assert_consistent(fg)
        fg.remove_output(0)
        assert b not in fg and b.owner not in fg
        assert_consistent(fg)

    def test_add_output_missing_input_leaves_graph_unchanged(self):
        x, y, _ = make_inputs()
        fg = FunctionGraph([x], [neg(x)], clone=False)
        with pytest.raises(MissingInputError):
            fg.add_output(neg(y))
        assert len(fg.outputs) == 1
        assert_consistent(fg)

    def test_remove_input(self):
        x, y, z = make_inputs()
        a = neg(x)
        b = add(a, y)
        c = neg(y)
        fg = FunctionGraph([x, y, z], [b, c, x, z, b], clone=False)
        fg.remove_input(0)
        assert fg.inputs == [y, z]
        assert fg.outputs == [c, z]
        assert x not in fg and a.owner not in fg and b.owner not in fg
        assert fg.clients[c] == [("output", 0)] and fg.clients[z] == [("output", 1)]
        assert_consistent(fg)

    def test_remove_node(self):
        x, y, _ = make_inputs()
        a = neg(x)
        b = add(a, y)
        c = neg(b)
        d = neg(y)
        rec = Recorder()
        fg = FunctionGraph([x, y], [c, d, b], features=[rec], clone=False)
        rec.calls.clear()
        fg.remove_node(a.owner, reason="rm")
        assert fg.outputs == [d]
        assert fg.apply_nodes == {d.owner}
        pruned = [c[1] for c in rec.calls if c[0] == "prune"]
        assert set(pruned) == {a.owner, b.owner, c.owner} and len(pruned) == 3
        assert a.owner.tag.removed_by == ["rm"]
        assert_consistent(fg)
        fg.remove_node(a.owner)  # already gone: no-op
        assert_consistent(fg)

    def test_remove_node_deep_chain(self):
        x = tt("x")
        y = x
        for _ in range(3000):
            y = neg(y)
        fg = FunctionGraph([x], [y], clone=False)
        first = next(iter(fg.clients[x]))[0]
        fg.remove_node(first)
        assert fg.outputs == [] and fg.apply_nodes == set()
        assert_consistent(fg)


class TestFeatures:
    def test_attach_remove_hooks(self):
        x, _, _ = make_inputs()
        out = neg(x)
        fg = FunctionGraph([x], [out], clone=False)
        rec = Recorder()
        fg.attach_feature(rec)
        assert rec.calls == [("attach", fg)]
        fg.attach_feature(rec)  # identical feature ignored
        assert rec.calls == [("attach", fg)] and fg._features.count(rec) == 1
        fg.remove_feature(rec)
        assert rec.calls[-1] == ("detach", fg)
        fg.remove_feature(rec)  # not attached: ignored
        assert rec.kinds().count("detach") == 1
        fg.replace(out, neg(x))
        assert rec.kinds() == ["attach", "detach"]

    def test_import_hook_on_construction(self):
        x, _, _ = make_inputs()
        rec = Recorder()
        n = neg(x)
        out = neg(n)
        FunctionGraph([x], [out], features=[rec], clone=False)
        assert rec.calls[1:] == [
            ("import", n.owner, "init"),
            ("import", out.owner, "init"),
        ]

    def test_toposort_with_orderings(self):
        x, y, _ = make_inputs()
        a, b = neg(x), neg(y)
        out = add(a, b)

        class Order(Feature):
            def orderings(self, fgraph):
                return {a.owner: [b.owner]}

        fg = FunctionGraph([x, y], [out], clone=False)
        assert fg.toposort() == [a.owner, b.owner, out.owner]
        fg.attach_feature(Order())
        assert fg.orderings() == {a.owner: [b.owner]}
        assert fg.toposort() == [b.owner, a.owner, out.owner]

        class Order2(Feature):
            def orderings(self, fgraph):
                return {a.owner: [b.owner], out.owner: [a.owner]}

        fg.attach_feature(Order2())
        assert fg.orderings() == {a.owner: [b.owner], out.owner: [a.owner]}

    def test_toposort_small(self):
        x, _, _ = make_inputs()
        fg = FunctionGraph([x], [x], clone=False)
        assert fg.toposort() == []
        n = neg(x)
        assert FunctionGraph([x], [n], clone=False).toposort() == [n.owner]

    def test_collect_callbacks(self):
        class Answer(Feature):
            def answer(self, k):
                return 42 + k

        x, _, _ = make_inputs()
        fg = FunctionGraph([x], [neg(x)], clone=False)
        f = Answer()
        fg.attach_feature(f)
        assert fg.collect_callbacks("answer", 1) == {f: 43}


class TestCloneAndPickle:
    def test_clone(self):
        x, y, _ = make_inputs()
        out = add(neg(x), y)
        fg = FunctionGraph([x, y], [out])
        rec = Recorder()
        fg.attach_feature(rec)
        fg2, equiv = fg.clone_get_equiv()
        assert fg2.inputs == [equiv[i] for i in fg.inputs]
        assert fg2.outputs == [equiv[o] for o in fg.outputs]
        assert all(n not in fg2.apply_nodes for n in fg.apply_nodes)
        assert equal_computations(fg.outputs, fg2.outputs, fg.inputs, fg2.inputs)
        assert any(isinstance(f, Recorder) and f is not rec for f in fg2._features)
        assert_consistent(fg2)
        fg3 = fg.clone()
        assert isinstance(fg3, FunctionGraph) and fg3.outputs[0] is not fg.outputs[0]
        fg4, _ = fg.clone_get_equiv(attach_feature=False)
        assert not any(isinstance(f, Recorder) for f in fg4._features)

    def test_pickle_round_trip(self):
        x, y, _ = make_inputs()
        k = Constant(tt, 2)
        a, b = split(add(x, k))
        fg = FunctionGraph([x, y], [add(a, y), b])
        fg2 = pickle.loads(pickle.dumps(fg))
        assert [v.name for v in fg2.inputs] == ["x", "y"]
        assert equal_computations(fg.outputs, fg2.outputs, fg.inputs, fg2.inputs)
        assert_consistent(fg2)
        # The standard features still work after unpickling.
        chk = fg2.checkpoint()
        fg2.replace(fg2.outputs[1], fg2.inputs[1])
        fg2.revert(chk)
        assert fg2.outputs[1].owner.op == split
        assert fg2.validate()
        fg2.replace_validate(fg2.outputs[1], fg2.inputs[1])
        assert fg2.outputs[1] is fg2.inputs[1]
        assert_consistent(fg2)


class TestHistory:
    def test_checkpoint_revert(self):
        x, y, z = make_inputs()
        a = neg(x)
        out = add(a, y)
        fg = FunctionGraph([x, y, z], [out], clone=False)
        chk = fg.checkpoint()
        fg.replace(a, neg(z))
        fg.replace(y, z)
        assert out.owner.inputs[1] is z
        fg.revert(chk)
        assert out.owner.inputs == [a, y]
        assert a.owner in fg.apply_nodes
        assert_consistent(fg)


# ---------------------------------------------------------------------------
# Random replacement sequences
# ---------------------------------------------------------------------------

unary_ops = [neg, MyOp("sin", 1)]
binary_ops = [add, MyOp("mul", 2)]


@st.composite
def graph_and_edits(draw):
    n_in = draw(st.integers(1, 3))
    ins = make_inputs(n_in)
    pool = list(ins)
    for _ in range(draw(st.integers(1, 8))):
        kind = draw(st.integers(0, 3))
        if kind == 0:
            pool.append(draw(st.sampled_from(unary_ops))(draw(st.sampled_from(pool))))
        elif kind == 1:
            op = draw(st.sampled_from(binary_ops))
            pool.append(op(draw(st.sampled_from(pool)), draw(st.sampled_from(pool))))
        elif kind == 2:
            pool.append(
                add(draw(st.sampled_from(pool)), Constant(tt, draw(st.integers(0, 2))))
            )
        else:
            pool.extend(split(draw(st.sampled_from(pool))))
    outs = draw(st.lists(st.sampled_from(pool), min_size=1, max_size=3))
    edits = draw(
        st.lists(
            st.tuples(st.integers(0, 10**6), st.integers(0, 3), st.integers(0, 10**6)),
            max_size=6,
        )
    )
    return ins, outs, edits


@settings(max_examples=150, deadline=None)
@given(graph_and_edits())
def test_random_replacements_keep_integrity(data):
    ins, outs, edits = data
    fg = FunctionGraph(ins, outs, clone=True)
    assert_consistent(fg)
    for pick, kind, pick2 in edits:
        candidates = sorted(
            (v for v in fg.variables if fg.clients[v]), key=lambda v: v.auto_name
        )
        if not candidates:
            break
        var = candidates[pick % len(candidates)]
        if kind == 0:
            # A new expression over graph inputs (never a cycle).
            new = neg(fg.inputs[pick2 % len(fg.inputs)])
        elif kind == 1:
            new = add(fg.inputs[pick2 % len(fg.inputs)], Constant(tt, 1))
        elif kind == 2:
            # An existing variable that does not depend on ``var``.
            others = sorted(
                (
                    v
                    for v in fg.variables
                    if v is not var and var not in set(ancestors([v]))
                ),
                key=lambda v: v.auto_name,
            )
            if not others:
                continue
            new = others[pick2 % len(others)]
        else:
            new = Constant(tt, float(pick2 % 3))
        old_clients = list(fg.clients[var])
        fg.replace(var, new, reason="random")
        # Every former client now uses the replacement.
        for node, i in old_clients:
            assert (fg.outputs[i] if node == "output" else node.inputs[i]) is new
        assert_consistent(fg)
    # The graph can still be cloned and sorted.
    order = fg.toposort()
    assert set(order) == fg.apply_nodes
    assert_consistent(fg.clone())
