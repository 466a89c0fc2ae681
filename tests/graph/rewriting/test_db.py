import math

import pytest

import aesara
import aesara.tensor as at
from aesara.compile.mode import Mode, optdb
from aesara.configparser import change_flags
from aesara.graph.fg import FunctionGraph
from aesara.graph.rewriting.basic import (
    EquilibriumGraphRewriter,
    GraphRewriter,
    MergeOptimizer,
    SequentialGraphRewriter,
    SequentialNodeRewriter,
    WalkingGraphRewriter,
    graph_rewriter,
    node_rewriter,
)
from aesara.graph.rewriting.db import (
    EquilibriumDB,
    LocalGroupDB,
    ProxyDB,
    RewriteDatabase,
    RewriteDatabaseQuery,
    SequenceDB,
    TopoDB,
)
from tests.graph.rewriting.toy_ops import add, mul, neg, toy_var


class Recorder(GraphRewriter):
    def __init__(self, log, label):
        self.log = log
        self.label = label

    def apply(self, fgraph):
        self.log.append(self.label)


def names(rewriters):
    return [r.name for r in rewriters]


class TestRewriteDatabase:
    def test_register_and_query(self):
        db = RewriteDatabase()
        a, b, c = Recorder([], "a"), Recorder([], "b"), Recorder([], "c")
        db.register("a", a, "fast", "x")
        db.register("b", b, "fast")
        db.register("c", c, "slow", "x")
        assert names(db.query("fast")) == ["a", "b"]
        assert names(db.query("fast", "slow")) == ["a", "b", "c"]
        assert names(db.query("+fast", "-x")) == ["b"]
        assert names(db.query("fast", "&x")) == ["a"]
        assert names(
            db.query(RewriteDatabaseQuery(include=["x"], exclude=["slow"]))
        ) == ["a"]
        # The name and the class name are tags too.
        assert names(db.query("c")) == ["c"]
        assert len(db.query("Recorder")) == 3
        assert db["a"] is a and "b" in db and "zz" not in db

    def test_errors(self):
        db = RewriteDatabase()
        db.register("a", Recorder([], "a"), "t")
        with pytest.raises(ValueError, match="already used"):
            db.register("a", Recorder([], "a"))
        with pytest.raises(ValueError, match="already used"):
            db.register("t", Recorder([], "t"))
        with pytest.raises(TypeError, match="Can only register"):
            db.register("f", lambda fg: None)
        with pytest.raises(KeyError, match="No rewrite named"):
            db["missing"]
        with pytest.raises(TypeError, match="sequence of tags"):
            RewriteDatabaseQuery(include="fast_run")

    def test_query_object(self):
        q = RewriteDatabaseQuery(include=["a"])
        q2 = q.including("b").excluding("c").requiring("d")
        assert (
            q2.include == ("a", "b") and q2.exclude == ("c",) and q2.require == ("d",)
        )
        assert q.include == ("a",)  # copies, not mutation
        assert q == RewriteDatabaseQuery(include=["a"]) and hash(q) == hash(
            RewriteDatabaseQuery(include=["a"])
        )
        assert q.position_cutoff == math.inf

    def test_tags_add_remove(self):
        db = RewriteDatabase()
        db.register("a", Recorder([], "a"))
        db.add_tags("a", "new")
        assert names(db.query("new")) == ["a"]
        db.remove_tags("a", "new")
        assert db.query("new") == []


class TestSequenceDB:
    def test_positions_and_cutoff(self):
        log = []
        db = SequenceDB()
        db.register("late", Recorder(log, "late"), "t", position=5)
        db.register("early", Recorder(log, "early"), "t", position=1)
        db.register("mid", Recorder(log, "mid"), "t", position=2.5)
        db.register("last", Recorder(log, "last"), "t")  # position 6
        seq = db.query("t")
        assert isinstance(seq, SequentialGraphRewriter)
        x = toy_var()
        seq.rewrite(FunctionGraph([x], [neg(x)]))
        assert log == ["early", "mid", "late", "last"]
        q = RewriteDatabaseQuery(include=["t"], position_cutoff=3)
        assert names(db.query(q)) == ["early", "mid"]
        with change_flags(optdb__position_cutoff=2):
            assert names(db.query("t")) == ["early"]
        with pytest.raises(TypeError, match="position"):
            db.register("bad", Recorder(log, "bad"), position="first")

    def test_nested_databases_and_extra(self):
        log = []
        outer = SequenceDB()
        inner = SequenceDB()
        outer.register("inner", inner, "t", position=1)
        inner.register("i1", Recorder(log, "i1"), "t", position=0)
        inner.register("i2", Recorder(log, "i2"), "other", position=1)
        outer.register("o", Recorder(log, "o"), "t", position=2)
        q = RewriteDatabaseQuery(include=["t"]).register((Recorder(log, "extra"), 0.5))
        outer.query(q).rewrite(_tiny())
        assert log == ["extra", "i1", "o"]
        # The nested database is tagged with its own name.
        assert names(inner.query("inner")) == ["i1", "i2"]

    def test_proxy_and_topo(self):
        group = LocalGroupDB()

        @node_rewriter([add])
        def add_to_mul(fgraph, node):
            return [mul(*node.inputs)]

        group.register("add_to_mul", add_to_mul, "t")
        assert isinstance(group.query("t"), SequentialNodeRewriter)
        topo = TopoDB(group)
        walker = topo.query("t")
        assert isinstance(walker, WalkingGraphRewriter)
        x, y = toy_var(), toy_var()
        fg = FunctionGraph([x, y], [add(x, y)])
        ProxyDB(topo).query("t").rewrite(fg)
        assert [str(n.op) for n in fg.apply_nodes] == ["mul"]


def _tiny():
    x = toy_var()
    return FunctionGraph([x], [neg(x)])


class TestEquilibriumDB:
    def test_query(self):
        db = EquilibriumDB()

        @node_rewriter([neg])
        def dn(fgraph, node):
            x = node.inputs[0]
            if x.owner and x.owner.op == neg:
                return [x.owner.inputs[0]]
            return False

        final = Recorder([], "final")
        db.register("dn", dn, "t")
        db.register("final", final, "t", final_rewriter=True)
        db.register("merge", MergeOptimizer(), "t", cleanup=True)
        eq = db.query("t")
        assert isinstance(eq, EquilibriumGraphRewriter)
        assert eq.final_rewriters == [final]
        assert len(eq.cleanup_rewriters) == 1
        x = toy_var()
        fg = FunctionGraph([x], [neg(neg(neg(x)))])
        eq.rewrite(fg)
        assert len(fg.apply_nodes) == 1
        assert final.log  # ran
        with pytest.raises(ValueError, match="both"):
            db.register("bad", Recorder([], "b"), final_rewriter=True, cleanup=True)


class TestOptdbAndModes:
    def test_stages(self):
        for name, pos in [
            ("merge1", 0),
            ("canonicalize", 1),
            ("merge1.2", 1.2),
            ("stabilize", 1.5),
            ("specialize", 2),
            ("uncanonicalize", 3),
            ("specialize_device", 48.6),
            ("merge2", 49),
            ("add_destroy_handler", 49.5),
            ("merge3", 100),
        ]:
            assert name in optdb
            assert optdb.__position__[name] == pos

    def test_predefined_queries(self):
        run = names(optdb.query(RewriteDatabaseQuery(include=["fast_run"])))
        comp = names(optdb.query(RewriteDatabaseQuery(include=["fast_compile"])))
        merge = names(optdb.query(RewriteDatabaseQuery(include=["merge"])))
        assert "stabilize" in run and "stabilize" not in comp
        assert "canonicalize" in comp
        assert set(merge) == {"merge1", "merge1.1", "merge1.2", "merge2", "merge3"}
        assert names(optdb.query(RewriteDatabaseQuery(include=[]))) == []

    def test_mode_including_excluding(self):
        x = at.dvector("x")
        out = at.exp(x) + at.exp(x)
        # Without fusion, which would make any of these graphs one node.
        fast_run = Mode("py", "fast_run").excluding("fusion")
        f = aesara.function([x], out, mode=fast_run)
        assert len(f.maker.fgraph.apply_nodes) == 2  # merged
        f2 = aesara.function([x], out, mode=fast_run.excluding("merge"))
        assert len(f2.maker.fgraph.apply_nodes) == 3
        f3 = aesara.function([x], out, mode=Mode("py", "None").including("merge"))
        assert len(f3.maker.fgraph.apply_nodes) == 2
        f4 = aesara.function([x], out, mode=fast_run.requiring("nonexistent_tag"))
        assert len(f4.maker.fgraph.apply_nodes) == 3

    def test_config_excluding(self):
        x = at.dvector("x")
        out = at.exp(x) + at.exp(x)
        with change_flags(mode="Mode", optimizer_excluding="merge:fusion"):
            f = aesara.function([x], out)
        assert len(f.maker.fgraph.apply_nodes) == 3

    def test_optimizer_none_leaves_graph(self):
        x = at.dvector("x")
        out = at.exp(x) + at.exp(x)
        f = aesara.function([x], out, mode=Mode("py", None))
        assert len(f.maker.fgraph.apply_nodes) == 3

    def test_graph_rewriter_in_mode(self):
        calls = []

        @graph_rewriter
        def spy(fgraph):
            calls.append(len(fgraph.apply_nodes))

        x = at.dvector("x")
        aesara.function([x], at.exp(x), mode=Mode("py", "fast_run").register((spy, 50)))
        assert calls == [1]
