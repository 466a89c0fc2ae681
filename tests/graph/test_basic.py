"""Tests of aesara.graph.basic: variables, apply nodes and graph algorithms."""

import inspect
import pickle

import numpy as np
import pytest

from aesara.graph.basic import (
    Apply,
    AtomicVariable,
    Constant,
    NominalVariable,
    Variable,
    ancestors,
    applys_between,
    as_string,
    clone,
    clone_get_equiv,
    clone_replace,
    equal_computations,
    general_toposort,
    graph_inputs,
    io_connection_pattern,
    io_toposort,
    is_in_ancestors,
    orphans_between,
    vars_between,
    view_roots,
    walk,
)
from aesara.graph.op import HasInnerGraph, Op
from tests.graph import (
    MyOp,
    MyType,
    add,
    as_var,
    destroy,
    make_inputs,
    neg,
    split,
    tt,
    view,
)


def lineno() -> int:
    """The line number of the caller."""
    return inspect.currentframe().f_back.f_lineno


# ---------------------------------------------------------------------------
# Apply
# ---------------------------------------------------------------------------


class TestApply:
    def test_construction_sets_ownership(self):
        x, y, _ = make_inputs()
        out = tt()
        node = Apply(add, [x, y], [out])
        assert out.owner is node and out.index == 0
        assert node.inputs == [x, y] and node.outputs == [out]
        assert node.nin == 2 and node.nout == 1
        assert node.get_parents() == [x, y]

    def test_inputs_outputs_must_be_sequences(self):
        x, _, _ = make_inputs()
        with pytest.raises(
            TypeError, match="inputs of an Apply must be a list or tuple"
        ):
            Apply(neg, x, [tt()])
        with pytest.raises(
            TypeError, match="outputs of an Apply must be a list or tuple"
        ):
            Apply(neg, [x], tt())

    def test_non_variable_input_or_output_rejected(self):
        x, _, _ = make_inputs()
        with pytest.raises(
            TypeError, match="Input 0 of neg must be a Variable, got float"
        ):
            Apply(neg, [1.0], [tt()])
        with pytest.raises(
            TypeError, match="Output 0 of neg must be a Variable, got int"
        ):
            Apply(neg, [x], [3])

    def test_output_owned_by_another_node_rejected(self):
        x, _, _ = make_inputs()
        y = neg(x)
        with pytest.raises(ValueError, match="already belongs to another node"):
            Apply(neg, [x], [y])
        # Re-wrapping a node's own outputs in place is allowed for the same node only.
        with pytest.raises(ValueError, match="already belongs"):
            Apply(split, [x], [tt(), y])

    def test_default_output_and_out(self):
        x, _, _ = make_inputs()
        node = neg(x).owner
        assert node.default_output() is node.outputs[0]
        assert node.out is node.outputs[0]

        multi = split.make_node(x)
        with pytest.raises(ValueError, match="2 outputs and no default_output"):
            multi.default_output()

        class SecondOut(MyOp):
            default_output = 1

        op = SecondOut("second", 1, 2)
        node = op.make_node(x)
        assert node.default_output() is node.outputs[1]
        assert node.out is node.outputs[1]

        class BadOut(MyOp):
            default_output = 5

        with pytest.raises(ValueError, match="out of range"):
            BadOut("bad", 1, 2).make_node(x).default_output()

    def test_str(self):
        x, y, _ = make_inputs()
        node = add(x, neg(y)).owner
        assert str(node) == "add(x, neg.0)"
        assert repr(node) == str(node)

    def test_clone(self):
        x, _, _ = make_inputs()
        node = split.make_node(x)
        node.tag.note = "kept"
        cp = node.clone()
        assert cp is not node and cp.op is node.op
        assert cp.inputs == node.inputs
        assert all(a is not b for a, b in zip(cp.outputs, node.outputs))
        assert [o.owner for o in cp.outputs] == [cp, cp]
        assert [o.index for o in cp.outputs] == [0, 1]
        assert cp.tag.note == "kept"
        assert cp.tag is not node.tag

    def test_clone_inner_graph(self):
        class InnerOp(HasInnerGraph, MyOp):
            clones = 0

            def clone(self):
                InnerOp.clones += 1
                return InnerOp(self.name, self.nin, self.nout)

        x, _, _ = make_inputs()
        node = InnerOp("inner", 1, 1).make_node(x)
        assert node.clone().op is node.op
        assert InnerOp.clones == 0
        cp = node.clone(clone_inner_graph=True)
        assert InnerOp.clones == 1 and cp.op is not node.op and cp.op == node.op

    def test_clone_with_new_inputs_same_type(self):
        x, y, z = make_inputs()
        node = add(x, y).owner
        new = node.clone_with_new_inputs([z, x])
        assert new.inputs == [z, x] and new.op is add
        assert new.outputs[0] is not node.outputs[0]
        assert node.inputs == [x, y]

    def test_clone_with_new_inputs_strict_converts(self):
        x, y, _ = make_inputs()
        node = add(x, y).owner
        # A constant value is converted to a constant of the input's type.
        new = node.clone_with_new_inputs([x, Constant(tt, 2.0)])
        assert isinstance(new.inputs[1], Constant) and new.inputs[1].data == 2.0
        with pytest.raises(TypeError, match="Cannot convert Type"):
            node.clone_with_new_inputs([x, MyType(7)("w")])

    def test_clone_with_new_inputs_non_strict_remakes(self):
        class TypeFollowingOp(MyOp):
            def make_node(self, *inputs):
                return Apply(self, list(inputs), [inputs[0].type()])

        op = TypeFollowingOp("follow", 1)
        x = tt("x")
        node = op.make_node(x)
        node.tag.note = 1
        w = MyType(7)("w")
        new = node.clone_with_new_inputs([w], strict=False)
        # Rebuilt through make_node: the output type follows the new input.
        assert new.outputs[0].type == MyType(7)
        assert new.tag.note == 1

    def test_clone_with_new_inputs_wrong_count(self):
        x, y, _ = make_inputs()
        with pytest.raises(ValueError, match="expects 2 inputs, got 1"):
            add(x, y).owner.clone_with_new_inputs([x])


# ---------------------------------------------------------------------------
# Variables
# ---------------------------------------------------------------------------


class TestVariable:
    def test_str_repr(self):
        x = tt("x")
        assert str(x) == "x" and repr(x) == "x"
        anon = tt()
        assert str(anon) == "<MyType{thingy=1}>"
        assert str(neg(x)) == "neg.0"
        y0, y1 = split(x)
        assert (str(y0), str(y1)) == ("split.0", "split.1")

        class DefaultOut(MyOp):
            default_output = 0

        assert str(DefaultOut("d", 1, 1)(x)) == "d.out"

    def test_auto_name_unique(self):
        a, b = tt(), tt()
        assert a.auto_name.startswith("auto_") and b.auto_name.startswith("auto_")
        assert a.auto_name != b.auto_name

    def test_name_validation(self):
        with pytest.raises(TypeError, match="name must be a string, got int"):
            Variable(tt, None, name=3)
        with pytest.raises(TypeError, match="owner must be an Apply"):
            Variable(tt, owner="node")
        with pytest.raises(TypeError, match="index must be an int"):
            Variable(tt, index=1.5)
        assert Variable(tt, index=np.int64(0)).index == 0

    def test_trace_points_at_user_code(self):
        x = tt("x")
        line = lineno() - 1
        frames = x.tag.trace[0]
        assert frames[0][0] == __file__
        assert frames[0][1] == line
        assert frames[0][2] == "test_trace_points_at_user_code"
        # Outputs of ops made by Aesara's own code (here the itypes/otypes
        # make_node) point here too, not into aesara's modules.

        class ITOp(Op):
            itypes = [tt]
            otypes = [tt]

        y = ITOp()(x)
        line = lineno() - 1
        assert y.tag.trace[0][0][:2] == (__file__, line)
        assert "Backtrace when that variable is created" in y.location()
        assert f"line {line}" in y.location()

    def test_clone(self):
        x = tt("x")
        x.tag.note = 5
        y = neg(x)
        c = y.clone()
        assert c.owner is None and c.index is None
        assert c.type == y.type and c.name == y.name
        assert c.tag.note if hasattr(c.tag, "note") else True
        xc = x.clone()
        assert xc.name == "x" and xc.tag.note == 5 and xc.tag is not x.tag
        assert xc.tag.trace == x.tag.trace
        assert x.clone(name="renamed").name == "renamed"

    def test_get_parents(self):
        x = tt("x")
        y = neg(x)
        assert x.get_parents() == [] and y.get_parents() == [y.owner]

    def test_test_value(self):
        from aesara.graph.utils import TestValueError

        x = tt("x")
        with pytest.raises(TestValueError, match="has no test value"):
            x.get_test_value()
        x.tag.test_value = 1.5
        assert x.get_test_value() == 1.5

    def test_pickle(self):
        x = tt("x")
        y = add(x, neg(x))
        y2 = pickle.loads(pickle.dumps(y))
        assert y2.owner.op == add and y2.owner.inputs[0].name == "x"
        assert y2.owner.inputs[1].owner.inputs[0] is y2.owner.inputs[0]


class TestAtomicAndConstant:
    def test_constant_basics(self):
        c = Constant(tt, 3)
        assert c.data == 3.0 and isinstance(c.data, float)
        assert c.value == 3.0
        assert c.get_test_value() == 3.0
        assert c.owner is None and c.index is None
        assert str(c) == "Constant{3.0}"
        assert str(Constant(tt, 1, name="one")) == "one"

    def test_constant_str_truncated(self):
        value = 1e-300 / 3.0
        c = Constant(tt, value)
        text = str(value)
        assert len(text) > 20
        assert str(c) == f"Constant{{{text[:10]}...{text[-10:]}}}"

    def test_constant_filter_error(self):
        with pytest.raises(TypeError, match="cannot hold"):
            Constant(tt, "abc")

    def test_constant_signature_equals(self):
        a, b, c = Constant(tt, 2), Constant(tt, 2.0), Constant(tt, 3)
        assert a.signature() == (tt, 2.0)
        assert a.equals(b) and not a.equals(c)
        assert a != b  # identity, not value, equality for Python ==
        assert not a.equals(Constant(MyType(2), 2))

    def test_constant_clone(self):
        a = Constant(tt, 2, name="two")
        a.tag.note = 1
        b = a.clone()
        assert b is not a and b.data == a.data and b.name == "two" and b.tag.note == 1
        assert a.clone(name="deux").name == "deux"

    def test_atomic_owner_immutable(self):
        c = Constant(tt, 2)
        with pytest.raises(ValueError, match="cannot have an owner"):
            c.owner = neg(tt()).owner
        with pytest.raises(ValueError, match="cannot have an index"):
            c.index = 0
        c.owner = None  # allowed: a no-op
        assert c.owner is None

    def test_atomic_variable_clone(self):
        a = AtomicVariable(tt, name="a")
        b = a.clone()
        assert type(b) is AtomicVariable and b is not a and b.name == "a"
        assert a.equals(a) and not a.equals(b)

    def test_nominal_variable_identity(self):
        a = NominalVariable(1, tt)
        a.tag.note = "kept"
        assert NominalVariable(1, tt) is a
        assert a.tag.note == "kept"  # not re-initialised
        assert NominalVariable(2, tt) is not a
        assert NominalVariable(1, MyType(2)) is not a
        assert a == NominalVariable(1, tt) and hash(a) == hash(NominalVariable(1, tt))
        assert a != NominalVariable(2, tt)
        assert a.clone() is a
        assert a.signature() == (tt, 1)
        assert a.owner is None
        assert isinstance(a, tt.variable_type) and isinstance(a, NominalVariable)
        assert repr(a) == "NominalVariable(1, MyType{thingy=1})"
        assert str(a) == "*1-<MyType{thingy=1}>"
        assert pickle.loads(pickle.dumps(a)) is a


# ---------------------------------------------------------------------------
# Walking
# ---------------------------------------------------------------------------


def diamond():
    """x, y -> a = neg(x), b = add(a, y), c = add(a, b)."""
    x, y, _ = make_inputs()
    a = neg(x)
    b = add(a, y)
    c = add(a, b)
    return x, y, a, b, c


class TestWalking:
    def test_walk_bfs_dfs(self):
        tree = {1: [2, 3], 2: [4], 3: [5], 4: [], 5: []}
        assert list(walk([1], tree.get, bfs=True)) == [1, 2, 3, 4, 5]
        assert list(walk([1], tree.get, bfs=False)) == [1, 3, 5, 2, 4]

    def test_walk_return_children_and_dedup(self):
        graph = {1: [2, 2, 3], 2: [3], 3: None}
        res = list(walk([1], graph.get, return_children=True))
        assert res == [(1, [2, 2, 3]), (2, [3]), (3, None)]

    def test_walk_hash_fn(self):
        # Nodes with the same key are visited once.
        res = list(walk([1, 11, 21], lambda n: None, hash_fn=lambda n: n % 10))
        assert res == [1]

    def test_ancestors(self):
        x, y, a, b, c = diamond()
        anc = list(ancestors([c]))
        assert set(anc) == {x, y, a, b, c}
        assert len(anc) == 5
        assert anc[0] is c
        # depth-first, left input first
        assert anc.index(a) < anc.index(b)

    def test_ancestors_blockers(self):
        x, y, a, b, c = diamond()
        assert set(ancestors([c], blockers=[b])) == {c, a, b, x}
        assert set(ancestors([c], blockers=[a, b])) == {c, a, b}

    def test_graph_inputs(self):
        x, y, a, b, c = diamond()
        k = Constant(tt, 1)
        d = add(c, k)
        assert list(graph_inputs([d])) == [x, y, k] or set(graph_inputs([d])) == {
            x,
            y,
            k,
        }
        assert set(graph_inputs([d])) == {x, y, k}
        # Blockers with an owner stop the search but are not yielded.
        assert set(graph_inputs([d], blockers=[b])) == {x, k}
        assert set(graph_inputs([d], blockers=[a, b])) == {k}

    def test_vars_between(self):
        x, y, a, b, c = diamond()
        assert set(vars_between([x, y], [c])) == {x, y, a, b, c}
        assert set(vars_between([a], [c])) == {a, b, c, y}
        # Unused outputs of the nodes on the path are included.
        s0, s1 = split(x)
        assert set(vars_between([x], [neg(s0)])) >= {s0, s1, x}

    def test_orphans_between(self):
        x, y, a, b, c = diamond()
        assert set(orphans_between([x], [c])) == {y}
        k = Constant(tt, 1)
        assert set(orphans_between([x, y], [add(c, k)])) == {k}

    def test_applys_between(self):
        x, y, a, b, c = diamond()
        assert set(applys_between([x, y], [c])) == {a.owner, b.owner, c.owner}
        # As in Aesara, the owner of a variable in ``ins`` is included (the
        # search stops above it).
        assert set(applys_between([a], [c])) == {a.owner, b.owner, c.owner}
        assert set(applys_between([b], [b])) == {b.owner}
        s0, s1 = split(x)
        nodes = list(applys_between([x], [s0, s1]))
        assert nodes == [s0.owner]

    def test_io_toposort_valid_order(self):
        x, y, a, b, c = diamond()
        order = io_toposort([x, y], [c])
        assert order == [a.owner, b.owner, c.owner]
        assert io_toposort([a], [c]) == [b.owner, c.owner]
        assert io_toposort([x, y], [x]) == []

    def test_io_toposort_random_graphs_respect_deps(self):
        rng = np.random.default_rng(0)
        for _ in range(20):
            vars_ = make_inputs(3)
            for _ in range(15):
                if rng.random() < 0.5:
                    vars_.append(neg(vars_[rng.integers(len(vars_))]))
                else:
                    i, j = rng.integers(len(vars_), size=2)
                    vars_.append(add(vars_[i], vars_[j]))
            outs = [vars_[-1], vars_[-3]]
            order = io_toposort(vars_[:3], outs)
            pos = {n: k for k, n in enumerate(order)}
            assert len(pos) == len(order)
            assert set(order) == set(applys_between(vars_[:3], outs))
            for n in order:
                for i in n.inputs:
                    if i.owner is not None:
                        assert pos[i.owner] < pos[n]

    def test_io_toposort_fills_clients(self):
        x, y, a, b, c = diamond()
        clients = {}
        order = io_toposort([x, y], [c], clients=clients)
        assert order == io_toposort([x, y], [c])
        # Variables map to the sorted nodes that read them ...
        for v in (x, y, a, b):
            assert clients[v] == [n for n in order if v in n.inputs]
        # ... and nodes to their outputs used in the sorted part (or asked for).
        assert clients[a.owner] == [a] and clients[c.owner] == [c]
        assert c not in clients
        # Nothing above the given inputs is recorded.
        clients = {}
        io_toposort([a], [c], clients=clients)
        assert a.owner not in clients and x not in clients

    def test_io_toposort_orderings(self):
        x, y, _ = make_inputs()
        a = neg(x)
        b = neg(y)
        out = add(a, b)
        assert io_toposort([x, y], [out]) == [a.owner, b.owner, out.owner]
        order = io_toposort([x, y], [out], orderings={a.owner: [b.owner]})
        assert order == [b.owner, a.owner, out.owner]

    def test_io_toposort_cycle(self):
        x, _, _ = make_inputs()
        a = neg(x)
        b = neg(a)
        with pytest.raises(ValueError, match="graph contains cycles"):
            io_toposort([x], [b], orderings={a.owner: [b.owner]})
        # A cycle made by (illegally) rewiring the inputs is detected too.
        a.owner.inputs[0] = b
        with pytest.raises(ValueError, match="cycles"):
            io_toposort([x], [b])

    def test_general_toposort(self):
        deps = {"a": ["b", "c"], "b": ["c"], "c": [], "d": ["a"]}
        order = general_toposort(["d"], deps.get)
        assert order == ["c", "b", "a", "d"]
        assert general_toposort(["a", "d"], deps.get) == ["c", "b", "a", "d"]
        with pytest.raises(ValueError, match="cycles"):
            general_toposort(["a"], {"a": ["b"], "b": ["a"]}.get)
        # compute_deps_cache replaces deps
        assert general_toposort(["x"], None, compute_deps_cache={"x": ["y"]}.get) == [
            "y",
            "x",
        ]

    def test_is_in_ancestors(self):
        x, y, a, b, c = diamond()
        assert is_in_ancestors(c.owner, a.owner)
        assert is_in_ancestors(c.owner, b.owner)
        assert not is_in_ancestors(a.owner, c.owner)
        assert is_in_ancestors(a.owner, a.owner)
        assert not is_in_ancestors(b.owner, neg(y).owner)

    def test_view_roots(self):
        x, y, _ = make_inputs()
        v = view(x)
        vv = view(v)
        assert view_roots(vv) == [x]
        assert view_roots(v) == [x]
        assert view_roots(x) == [x]
        d = destroy(x)
        assert view_roots(d) == [d]  # destroy_map is not a view
        n = neg(vv)
        assert view_roots(n) == [n]

        class TwoViews(MyOp):
            view_map = {0: [0, 1]}

        tv = TwoViews("tv", 2)(view(x), y)
        assert view_roots(tv) == [x, y]

    def test_io_connection_pattern(self):
        x, y, z = make_inputs()
        a = neg(x)
        b = add(a, y)
        assert io_connection_pattern([x, y, z], [a, b, z]) == [
            [True, True, False],
            [False, True, False],
            [False, False, True],
        ]

    def test_io_connection_pattern_uses_op_patterns(self):
        class FirstOnly(MyOp):
            def connection_pattern(self, node):
                return [[True, True], [False, True]]

        x, y, _ = make_inputs()
        o0, o1 = FirstOnly("first", 2, 2)(x, y)
        assert io_connection_pattern([x, y], [o0, o1]) == [[True, True], [False, True]]
        assert io_connection_pattern([x, y], [neg(o0)]) == [[True], [False]]

    def test_as_string(self):
        x, y, a, b, c = diamond()
        assert as_string([x, y], [c]) == ["add(*1 -> neg(x), add(*1, y))"]
        assert as_string([x, y], [b]) == ["add(neg(x), y)"]
        # inputs are leaves even if they have an owner
        assert as_string([a, y], [b]) == ["add(neg.0, y)"]
        s0, s1 = split(x)
        assert as_string([x], [add(s0, s1)]) == ["add(*1 -> split(x)::0, *1::1)"]
        # Shared between two outputs
        assert as_string([x, y], [a, b]) == ["*1 -> neg(x)", "add(*1, y)"]


# ---------------------------------------------------------------------------
# Cloning
# ---------------------------------------------------------------------------


class TestClone:
    def test_clone_get_equiv(self):
        x, y, a, b, c = diamond()
        equiv = clone_get_equiv([x, y], [c])
        for v in (x, y, a, b, c):
            assert equiv[v] is not v and equiv[v].type == v.type
        for n in (a.owner, b.owner, c.owner):
            assert equiv[n].op is n.op
            assert equiv[n].inputs == [equiv[i] for i in n.inputs]
        assert equiv[x].name == "x"
        assert equiv[x].owner is None
        assert c.owner.inputs == [a, b]  # originals untouched

    def test_clone_get_equiv_copy_inputs_false(self):
        x, y, a, b, c = diamond()
        equiv = clone_get_equiv([x, y], [c], copy_inputs=False)
        assert equiv[x] is x and equiv[y] is y
        assert equiv[c] is not c

    def test_clone_get_equiv_orphans(self):
        x, y, _ = make_inputs()
        k = Constant(tt, 2)
        out = add(add(x, k), y)
        eq = clone_get_equiv([x], [out], copy_orphans=True)
        assert eq[y] is not y and eq[k] is not k and eq[k].data == 2.0
        eq = clone_get_equiv([x], [out], copy_orphans=False)
        assert eq[y] is y and eq[k] is k
        # An orphan output is handled too.
        eq = clone_get_equiv([x], [y], copy_orphans=False)
        assert eq[y] is y
        eq = clone_get_equiv([x], [y], copy_orphans=True)
        assert eq[y] is not y

    def test_clone_get_equiv_memo(self):
        x, y, a, b, c = diamond()
        w = tt("w")
        memo = {x: w}
        equiv = clone_get_equiv([x, y], [c], memo=memo)
        assert equiv is memo
        assert equiv[x] is w
        assert equiv[a].owner.inputs == [w]

    def test_clone(self):
        x, y, a, b, c = diamond()
        (x2, y2), (c2,) = clone([x, y], [c])
        assert x2 is not x and c2 is not c
        assert equal_computations([c2], [c], [x2, y2], [x, y])
        (x3, y3), (c3,) = clone([x, y], [c], copy_inputs=False)
        assert x3 is x and c3 is not c
        assert set(graph_inputs([c3])) == {x, y}

    def test_clone_replace_dict_and_pairs(self):
        x, y, z = make_inputs()
        a = neg(x)
        out = add(a, y)
        r = clone_replace(out, {x: z})
        assert r is not out and set(graph_inputs([r])) == {z, y}
        assert equal_computations([r], [add(neg(z), y)])
        r2 = clone_replace([out, a], [(y, z)])
        assert isinstance(r2, list) and len(r2) == 2
        assert equal_computations(r2, [add(neg(x), z), neg(x)])
        # original untouched
        assert out.owner.inputs == [a, y]

    def test_clone_replace_intermediate_and_self_reference(self):
        x, y, _ = make_inputs()
        a = neg(x)
        out = add(a, y)
        # Replace a with an expression that uses a itself: no infinite loop.
        r = clone_replace(out, {a: add(a, a)})
        assert equal_computations([r], [add(add(neg(x), neg(x)), y)])
        # Replacing an output itself
        assert clone_replace(out, {out: x}) is x

    def test_clone_replace_share_inputs(self):
        x, y, _ = make_inputs()
        out = add(neg(x), y)
        shared = clone_replace(out, {}, share_inputs=True)
        assert set(graph_inputs([shared])) == {x, y}
        copied = clone_replace(out, None, share_inputs=False)
        ins = set(graph_inputs([copied]))
        assert x not in ins and y not in ins and {v.name for v in ins} == {"x", "y"}

    def test_clone_replace_strict(self):
        x, y, _ = make_inputs()
        out = add(neg(x), y)
        w = MyType(5)("w")
        with pytest.raises(TypeError, match="Cannot convert Type"):
            clone_replace(out, {x: w}, strict=True)
        r = clone_replace(out, {x: w}, strict=False)
        assert r.owner.inputs[0].owner.inputs[0] is w
        # A value is converted to a constant.
        r = clone_replace(out, {y: 3.0})
        assert isinstance(r.owner.inputs[1], Constant) and r.owner.inputs[1].data == 3.0

    def test_clone_replace_errors(self):
        x, _, _ = make_inputs()
        with pytest.raises(TypeError, match="not a Variable"):
            clone_replace(neg(x), {"x": x})
        with pytest.raises(TypeError, match="dict or a list of pairs"):
            clone_replace(neg(x), 5)


# ---------------------------------------------------------------------------
# equal_computations
# ---------------------------------------------------------------------------


class TestEqualComputations:
    def test_equal(self):
        x, y, _ = make_inputs()
        assert equal_computations([add(neg(x), y)], [add(neg(x), y)])
        assert equal_computations([x], [x])
        assert equal_computations([], [])

    def test_different_op_or_structure(self):
        x, y, _ = make_inputs()
        assert not equal_computations([neg(x)], [neg(y)])
        assert not equal_computations([add(x, y)], [add(y, x)])
        assert not equal_computations([neg(x)], [view(x)])
        assert not equal_computations([neg(neg(x))], [neg(x)])
        assert not equal_computations([neg(x)], [x])
        assert not equal_computations([x], [y])

    def test_constants(self):
        x, _, _ = make_inputs()
        assert equal_computations([add(x, 2.0)], [add(x, 2.0)])
        assert not equal_computations([add(x, 2.0)], [add(x, 3.0)])
        # The same constant compared with two equal constants.
        c = as_var(1.0)
        assert equal_computations([add(c, c)], [add(as_var(1.0), as_var(1.0))])
        # Types differ: only equal with strict_dtype=False.
        k1, k2 = Constant(tt, 1.0), Constant(MyType(2), 1.0)
        assert not equal_computations([k1], [k2])
        assert equal_computations([k1], [k2], strict_dtype=False)
        # Non-variables compare by value.
        assert equal_computations([Constant(tt, 2.0)], [2.0])
        assert equal_computations([2.0], [Constant(tt, 2.0)])
        assert not equal_computations([x], [2.0])
        assert equal_computations([np.array([1, 2])], [np.array([1, 2])])

    def test_in_xs_in_ys(self):
        x, y, z = make_inputs()
        gx = add(neg(x), y)
        gz = add(neg(z), y)
        assert not equal_computations([gx], [gz])
        assert equal_computations([gx], [gz], in_xs=[x], in_ys=[z])
        assert not equal_computations([gx], [gz], in_xs=[x], in_ys=[y])
        assert not equal_computations([gx], [gz], in_xs=[x], in_ys=[])
        # A variable in in_ys may only match its partner.
        assert not equal_computations([add(x, y)], [add(z, z)], in_xs=[x], in_ys=[z])
        # Different types in in_xs/in_ys
        w = MyType(3)("w")
        assert not equal_computations([neg(x)], [neg(w)], in_xs=[x], in_ys=[w])

    def test_multi_output(self):
        x, _, _ = make_inputs()
        a0, a1 = split(x)
        b0, b1 = split(x)
        assert equal_computations([a0, a1], [b0, b1])
        assert not equal_computations([a0], [b1])
        assert equal_computations([add(a0, a1)], [add(b0, b1)])
        assert not equal_computations([add(a0, a1)], [add(b1, b0)])

    def test_length_mismatch(self):
        x, _, _ = make_inputs()
        with pytest.raises(ValueError, match="number of graphs"):
            equal_computations([x], [])


# ---------------------------------------------------------------------------
# Scale
# ---------------------------------------------------------------------------


def test_deep_chain_no_recursion_limit():
    from aesara.graph.fg import FunctionGraph

    n = 10_000
    x = tt("x")
    y = x
    for i in range(n):
        y = add(y, x) if i % 2 else neg(y)
    x2 = tt("x2")
    z = x2
    for i in range(n):
        z = add(z, x2) if i % 2 else neg(z)
    assert len(io_toposort([x], [y])) == n
    assert len(list(ancestors([y]))) == n + 1
    (xc,), (yc,) = clone([x], [y])
    assert equal_computations([yc], [y], [xc], [x])
    assert equal_computations([y], [z], [x], [x2])
    assert not equal_computations([y], [z])
    assert len(as_string([x], [y])[0]) > n
    assert view_roots(y) == [y]
    fg = FunctionGraph([x], [y], clone=False)
    assert len(fg.apply_nodes) == n


def test_op_without_props_identity():
    class NoProps(Op):
        def make_node(self, x):
            return Apply(self, [x], [tt()])

    a, b = NoProps(), NoProps()
    assert a != b and a == a
    assert str(a) == "NoProps"
