"""Tests of aesara.graph.features."""

import pytest

from aesara.graph.basic import Constant
from aesara.graph.features import (
    AlreadyThere,
    Bookkeeper,
    Feature,
    History,
    NodeFinder,
    NoOutputFromInplace,
    PreserveNames,
    PreserveVariableAttributes,
    PrintListener,
    ReplacementDidNotRemoveError,
    ReplaceValidate,
    Validator,
)
from aesara.graph.fg import FunctionGraph
from aesara.graph.utils import InconsistencyError
from tests.graph import MyOp, add, destroy, make_inputs, neg, split, tt


def small_graph():
    x, y, z = make_inputs()
    a = neg(x)
    out = add(a, y)
    fg = FunctionGraph([x, y, z], [out], clone=False)
    return fg, x, y, z, a, out


class Veto(Feature):
    """Makes validation fail while ``forbidden`` is an output of the graph."""

    def __init__(self, forbidden):
        self.forbidden = forbidden

    def validate(self, fgraph):
        if self.forbidden in fgraph.outputs or any(
            self.forbidden in n.inputs for n in fgraph.apply_nodes
        ):
            raise InconsistencyError("forbidden variable used")
        return True


class TestHistory:
    def test_revert_undoes_changes_since_checkpoint(self):
        fg, x, y, z, a, out = small_graph()
        fg.replace(y, z)  # before the checkpoint: kept
        chk = fg.checkpoint()
        fg.replace(a, z)
        fg.replace(z, x)
        fg.revert(chk)
        assert out.owner.inputs == [a, z]
        fg.check_integrity()

    def test_attach_twice_and_detach(self):
        fg, *_ = small_graph()
        h = History()
        fg.attach_feature(h)  # ReplaceValidate already provides checkpoint
        assert h not in fg._features
        v = tt()
        fg2 = FunctionGraph([v], [v], clone=False)
        rv = [f for f in fg2._features if isinstance(f, ReplaceValidate)][0]
        fg2.remove_feature(rv)
        assert not hasattr(fg2, "checkpoint") and not hasattr(fg2, "replace_validate")
        fg2.attach_feature(h)
        assert hasattr(fg2, "checkpoint") and hasattr(fg2, "revert")
        fg2.remove_feature(h)
        assert not hasattr(fg2, "checkpoint")

    def test_clone(self):
        h = History()
        assert type(h.clone()) is History and h.clone() is not h


class TestReplaceValidate:
    def test_replace_validate_ok(self):
        fg, x, y, z, a, out = small_graph()
        fg.replace_validate(a, z, reason="ok")
        assert out.owner.inputs[0] is z
        fg.check_integrity()

    def test_rolls_back_on_inconsistency(self):
        fg, x, y, z, a, out = small_graph()
        fg.attach_feature(Veto(z))
        with pytest.raises(InconsistencyError, match="forbidden"):
            fg.replace_validate(a, z)
        assert out.owner.inputs == [a, y]
        assert a.owner in fg.apply_nodes
        fg.check_integrity()
        assert fg.consistent()
        with pytest.raises(InconsistencyError):
            fg.replace_all_validate([(y, x), (a, z)])
        assert out.owner.inputs == [a, y]
        fg.check_integrity()

    def test_rolls_back_on_replace_error(self):
        fg, x, y, z, a, out = small_graph()
        with pytest.raises(TypeError):
            fg.replace_all_validate([(y, x), (a, tt.clone(thingy=9)("bad"))])
        assert out.owner.inputs == [a, y]
        fg.check_integrity()

    def test_replace_all_validate_remove(self):
        fg, x, y, z, a, out = small_graph()
        with pytest.raises(ReplacementDidNotRemoveError):
            fg.replace_all_validate_remove([(y, z)], remove=[a.owner])
        assert out.owner.inputs == [a, y]
        fg.replace_all_validate_remove([(a, z)], remove=[a.owner])
        assert out.owner.inputs == [z, y]
        fg.check_integrity()

    def test_validator_time_and_consistent(self):
        fg, *_ = small_graph()
        assert fg.validate() is True and fg.consistent() is True
        assert fg.validate_time >= 0

    def test_only_one_attached(self):
        fg, *_ = small_graph()
        n = len(fg._features)
        fg.attach_feature(ReplaceValidate())
        fg.attach_feature(Validator())
        assert len(fg._features) == n


class TestNodeFinder:
    def test_get_nodes_tracks_changes(self):
        fg, x, y, z, a, out = small_graph()
        nf = NodeFinder()
        fg.attach_feature(nf)
        assert fg.get_nodes(neg) == [a.owner]
        assert fg.get_nodes(add) == [out.owner]
        assert fg.get_nodes(split) == []
        b = neg(z)
        fg.replace(y, b)
        assert set(fg.get_nodes(neg)) == {a.owner, b.owner}
        fg.replace(a, z)
        assert fg.get_nodes(neg) == [b.owner]
        # equal ops share an entry
        assert fg.get_nodes(MyOp("neg", 1)) == [b.owner]
        fg.remove_feature(nf)
        assert not hasattr(fg, "get_nodes")

    def test_one_graph_only(self):
        fg, *_ = small_graph()
        fg2, *_ = small_graph()
        nf = NodeFinder()
        fg.attach_feature(nf)
        with pytest.raises(Exception, match="only serve one graph"):
            fg2.attach_feature(nf)
        fg.attach_feature(NodeFinder())  # equivalent one: refused quietly
        assert sum(isinstance(f, NodeFinder) for f in fg._features) == 1


class TestBookkeeper:
    def test_replays_imports_and_prunes(self):
        class Book(Bookkeeper):
            def __init__(self):
                self.events = []

            def on_import(self, fgraph, node, reason):
                self.events.append(("import", node, reason))

            def on_prune(self, fgraph, node, reason):
                self.events.append(("prune", node, reason))

        fg, x, y, z, a, out = small_graph()
        b = Book()
        fg.attach_feature(b)
        assert b.events == [
            ("import", a.owner, "on_attach"),
            ("import", out.owner, "on_attach"),
        ]
        fg.remove_feature(b)
        assert b.events[2:] == [
            ("prune", a.owner, "Bookkeeper.detach"),
            ("prune", out.owner, "Bookkeeper.detach"),
        ]


class TestNoOutputFromInplace:
    def test_validate(self):
        x, y, _ = make_inputs()
        d = destroy(x)
        fg = FunctionGraph([x, y], [neg(y), d], clone=False)
        fg.attach_feature(NoOutputFromInplace([0]))
        assert fg.validate()
        f = NoOutputFromInplace([1])
        fg2 = FunctionGraph([x, y], [neg(y), d], clone=False)
        fg2.attach_feature(f)
        with pytest.raises(InconsistencyError, match="Output 1 of the graph"):
            fg2.validate()
        # A replacement making a protected output in-place is rolled back.
        n = fg.outputs[0]
        with pytest.raises(InconsistencyError):
            fg.replace_validate(n, destroy(y))
        assert fg.outputs[0] is n
        assert f.clone().protected_out_ids == (1,)

    def test_only_destroyed_output_counts(self):
        class DestroySecond(MyOp):
            destroy_map = {1: [0]}

        x = tt("x")
        o0, o1 = DestroySecond("ds", 1, 2)(x)
        fg = FunctionGraph([x], [o0, o1], clone=False)
        fg.attach_feature(NoOutputFromInplace([0]))
        assert fg.validate()
        f = NoOutputFromInplace([1])
        fg2 = FunctionGraph([x], [o0, o1], clone=False)
        fg2.attach_feature(f)
        with pytest.raises(InconsistencyError):
            fg2.validate()

    def test_attach_once(self):
        fg, *_ = small_graph()
        fg.attach_feature(NoOutputFromInplace([0]))
        fg.attach_feature(NoOutputFromInplace([0]))
        assert sum(isinstance(f, NoOutputFromInplace) for f in fg._features) == 1
        with pytest.raises(AlreadyThere):
            NoOutputFromInplace([0]).on_attach(fg)


class TestSmallFeatures:
    def test_preserve_names(self):
        fg, x, y, z, a, out = small_graph()
        a.name = "a"
        fg.attach_feature(PreserveNames())
        new = neg(z)
        fg.replace(a, new)
        assert new.name == "a"
        named = neg(x)
        named.name = "kept"
        fg.replace(y, named)
        assert named.name == "kept"

    def test_preserve_variable_attributes(self):
        fg, x, y, z, a, out = small_graph()
        a.name = "a"
        a.tag.nan_guard_mode_check = True
        fg.attach_feature(PreserveVariableAttributes())
        new = neg(z)
        fg.replace(a, new)
        assert new.name == "a"

    def test_print_listener(self, capsys):
        fg, x, y, z, a, out = small_graph()
        fg.attach_feature(PrintListener())
        fg.replace(a, Constant(tt, 1))
        text = capsys.readouterr().out
        assert "-- attaching to:" in text and "-- pruning: neg(x)" in text
        assert "-- changing (add(" in text
        assert PrintListener(False).clone().active is False

    def test_feature_defaults(self):
        f = Feature()
        assert f.orderings(None) == {}
        assert type(f.clone()) is Feature
