"""Aesara 2.9 names of the graph, rewriting, scan and tensor-io modules (issue 18).

Each test checks what the name does, not only that it exists.
"""

import importlib
import importlib.util
import io
import pickle
import time
import typing
import warnings

import numpy as np
import pytest
from etuples import etuple, etuplize
from etuples.dispatch import apply as etuple_apply
from unification import unify, var

import aesara
import aesara.tensor as at
from aesara.configdefaults import config
from aesara.graph.basic import (
    Apply,
    NodeAndChildren,
    NominalVariable,
    NoParams,
    Variable,
    graph_inputs,
    replace_nominals_with_dummies,
)
from aesara.graph.fg import FunctionGraph
from aesara.graph.op import Op
from aesara.graph.rewriting.basic import (
    CheckStackTraceFeature,
    CheckStackTraceRewriter,
    DispatchingFeature,
    GraphRewriter,
    MetaNodeRewriter,
    MetaNodeRewriterSkip,
    WalkingGraphRewriter,
    check_chain,
    graph_rewriter,
    inplace_graph_rewriter,
    merge_dict,
    node_rewriter,
    pre_greedy_node_rewriter,
    walking_rewriter,
)
from aesara.graph.rewriting.db import RewriteDatabase
from aesara.graph.rewriting.unify import (
    apply_Op_ExpressionTuple,
    car_Type,
    cdr_Type,
)
from aesara.graph.rewriting.utils import is_same_graph_with_merge, rewrite_graph
from aesara.tensor.elemwise import DimShuffle, Elemwise
from aesara.tensor.type import TensorType

scan_op = importlib.import_module("aesara.scan.op")
scan_utils = importlib.import_module("aesara.scan.utils")
scan_basic = importlib.import_module("aesara.scan.basic")
scan_args = importlib.import_module("aesara.scan.scan_args")


def _old_module(name):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        return importlib.import_module(name)


# ---------------------------------------------------------------------------
# aesara.graph.basic
# ---------------------------------------------------------------------------


def test_noparams_is_one_sentinel_shared_with_op_module():
    import aesara.graph.op as op_module

    assert op_module.NoParams is NoParams
    assert repr(NoParams) == "NoParams"
    assert pickle.loads(pickle.dumps(NoParams)) is NoParams


def test_node_and_children_is_a_pair_type():
    assert typing.get_origin(NodeAndChildren) is tuple
    assert len(typing.get_args(NodeAndChildren)) == 2


def test_replace_nominals_with_dummies():
    t = at.dvector().type
    n0, n1 = NominalVariable(0, t), NominalVariable(1, t)
    out = n0 * 2 + n1
    ins, outs = replace_nominals_with_dummies([n0, n1], [out])
    assert not any(isinstance(i, NominalVariable) for i in ins)
    assert [i.type for i in ins] == [t, t]
    # The new output is computed from the dummies only, not the nominals.
    assert not any(isinstance(v, NominalVariable) for v in graph_inputs(outs))
    f = aesara.function(ins, outs[0])
    np.testing.assert_allclose(f([1.0, 2.0], [3.0, 4.0]), [5.0, 8.0])
    # The original graph is untouched.
    assert set(graph_inputs([out])) >= {n0, n1}


def test_replace_nominals_with_dummies_without_nominals_keeps_graph():
    x = at.dvector("x")
    y = x + 1
    ins, outs = replace_nominals_with_dummies([x], [y])
    assert ins == [x] and outs == [y]


# ---------------------------------------------------------------------------
# aesara.graph.rewriting.basic
# ---------------------------------------------------------------------------


def test_merge_dict_adds_shared_keys_and_keeps_inputs():
    d1, d2 = {"a": 1, "b": [1]}, {"b": [2], "c": 3.0}
    assert merge_dict(d1, d2) == {"a": 1, "b": [1, 2], "c": 3.0}
    assert d1 == {"a": 1, "b": [1]} and d2 == {"b": [2], "c": 3.0}


def test_check_chain():
    x = at.dmatrix("x")
    y = at.exp(at.log(x))
    exp_op, log_op = y.owner.op, y.owner.inputs[0].owner.op
    assert check_chain(y, exp_op, log_op)
    assert check_chain(y.owner, Elemwise, Elemwise)  # an Apply stands for its output
    assert check_chain(y, exp_op, log_op, None)  # then an input
    assert not check_chain(y, log_op)
    assert not check_chain(y, exp_op, exp_op)
    assert not check_chain(y, DimShuffle)
    assert not check_chain(y, exp_op, log_op, exp_op)  # x has no owner
    assert not check_chain(y, "not an op")
    assert not check_chain(y, None)


def test_walking_rewriter_orders_and_names():
    @node_rewriter([Elemwise])
    def exp_to_log(fgraph, node):
        if node.op == at.exp(at.dscalar()).owner.op:
            return [at.log(node.inputs[0])]
        return None

    rw = walking_rewriter("out_to_in", exp_to_log)
    assert isinstance(rw, WalkingGraphRewriter)
    assert rw.order == "out_to_in"
    assert rw.__name__ == "exp_to_log"
    x = at.dscalar("x")
    fg = FunctionGraph([x], [at.exp(x)], clone=False)
    rw.rewrite(fg)
    assert fg.outputs[0].owner.op == at.log(x).owner.op
    named = walking_rewriter("in_to_out", exp_to_log, exp_to_log, name="both")
    assert named.order == "in_to_out" and named.__name__ == "both"
    with pytest.raises(ValueError):
        walking_rewriter("sideways", exp_to_log)


def test_inplace_graph_rewriter_attaches_destroy_handler():
    seen = []

    @inplace_graph_rewriter
    def record(fgraph):
        seen.append(fgraph)

    assert isinstance(record, GraphRewriter)
    x = at.dvector("x")
    fg = FunctionGraph([x], [x * 2])
    record.rewrite(fg)
    assert seen == [fg]
    assert hasattr(fg, "destroyers")
    # ``graph_rewriter`` does not add one.
    fg2 = FunctionGraph([x], [x * 2])
    graph_rewriter(lambda fgraph: None).rewrite(fg2)
    assert not hasattr(fg2, "destroyers")


def test_dispatching_feature_forwards_events():
    imported, pruned, changed = [], [], []
    feature = DispatchingFeature(
        imported.append,
        pruned.append,
        lambda node, i, r, new_r, reason: changed.append((node, i, r, new_r)),
        name="spy",
    )
    assert str(feature) == "DispatchingFeature{spy}"
    x = at.dvector("x")
    y = at.exp(x)
    fg = FunctionGraph([x], [y], clone=False)
    fg.attach_feature(feature)
    z = at.log(x)
    fg.replace(y, z)
    assert z.owner in imported
    assert y.owner in pruned
    assert changed and changed[0][2] is y and changed[0][3] is z
    fg.remove_feature(feature)
    assert feature.importer is None and feature.chin is None
    # ``None`` callbacks are allowed.
    fg.attach_feature(DispatchingFeature(None, None, None))
    fg.replace(z, at.sin(x))


def _fgraph_with_checker():
    x = at.dvector("x")
    fg = FunctionGraph([x], [at.exp(x)], clone=False)
    CheckStackTraceRewriter().add_requirements(fg)
    CheckStackTraceRewriter().add_requirements(fg)  # attached once only
    assert sum(isinstance(f, CheckStackTraceFeature) for f in fg._features) == 1
    new = at.log(x)
    new.tag.trace = []
    return fg, new


def test_check_stack_trace_feature_raise():
    fg, new = _fgraph_with_checker()
    with config.change_flags(check_stack_trace="raise"):
        with pytest.raises(AssertionError, match="no creation trace"):
            fg.add_output(new, reason="my_rewrite")


def test_check_stack_trace_feature_log_and_warn():
    fg, new = _fgraph_with_checker()
    with config.change_flags(check_stack_trace="log"):
        fg.add_output(new, reason="my_rewrite")
    assert "my_rewrite" in str(new.tag.trace)
    fg, new = _fgraph_with_checker()
    with config.change_flags(check_stack_trace="warn"):
        with pytest.warns(UserWarning, match="my_rewrite"):
            fg.add_output(new, reason="my_rewrite")
    fg, new = _fgraph_with_checker()
    with config.change_flags(check_stack_trace="off"):
        fg.add_output(new, reason="my_rewrite")
    assert new.tag.trace == []
    assert CheckStackTraceRewriter().apply(fg) is None


class _Slow(Op):
    """Identity on vectors that sleeps: the slow candidate of the meta rewriter."""

    __props__ = ()

    def make_node(self, x):
        return Apply(self, [x], [x.type()])

    def perform(self, node, inputs, outputs):
        time.sleep(0.02)
        outputs[0][0] = inputs[0].copy()


def _meta_rewriter(*candidates):
    meta = MetaNodeRewriter()
    for c in candidates:
        meta.register(c, ["test"])
    return meta


@node_rewriter([Elemwise])
def _slow_candidate(fgraph, node):
    return [_Slow()(node.outputs[0].owner.op(*node.inputs))]


@node_rewriter([Elemwise])
def _fast_candidate(fgraph, node):
    return [node.op(*node.inputs) * 1.0]


@node_rewriter([Elemwise])
def _skipping_candidate(fgraph, node):
    raise MetaNodeRewriterSkip()


def test_meta_node_rewriter_picks_the_fastest_candidate():
    meta = _meta_rewriter(_slow_candidate, _fast_candidate)
    assert meta.tracks() == [Elemwise, Elemwise]
    assert meta.tag_dict["test"] == [_slow_candidate, _fast_candidate]
    assert meta.get_rewrites(at.exp(at.dvector()).owner) == [
        _slow_candidate,
        _fast_candidate,
    ]
    x = at.dvector("x")
    x.tag.test_value = np.ones(3)
    y = at.exp(x)
    fg = FunctionGraph([x], [y], clone=False)
    with config.change_flags(compute_test_value="off"):
        out = meta.transform(fg, y.owner)
    assert out is not None and len(out) == 1
    # The fast candidate multiplies by one; the slow one is a ``_Slow`` node.
    assert not isinstance(out[0].owner.op, _Slow)


def test_meta_node_rewriter_without_input_values_or_candidates():
    meta = _meta_rewriter(_fast_candidate)
    x = at.dvector("x")  # no test value: provide_inputs cannot invent one
    y = at.exp(x)
    fg = FunctionGraph([x], [y], clone=False)
    with pytest.raises(NotImplementedError, match="cannot provide values"):
        meta.transform(fg, y.owner)
    # Ops it does not track are left alone.
    z = at.dvector("z")
    node = DimShuffle((False,), ("x", 0))(z).owner
    assert meta.transform(fg, node) is None
    with pytest.raises(TypeError, match="NodeRewriter"):
        meta.register("not a rewriter", [])


def test_meta_node_rewriter_provide_inputs_and_skip():
    class Provided(MetaNodeRewriter):
        def provide_inputs(self, node, inputs):
            return {i: aesara.shared(np.ones(4)) for i in inputs}

    meta = Provided()
    meta.register(_skipping_candidate, [])
    x = at.dvector("x")
    y = at.exp(x)
    fg = FunctionGraph([x], [y], clone=False)
    assert meta.transform(fg, y.owner) is None  # the only candidate skipped
    meta.register(_fast_candidate, [])
    out = meta.transform(fg, y.owner)
    assert out is not None and out[0].owner.op != y.owner.op
    assert issubclass(MetaNodeRewriterSkip, AssertionError)


@pytest.mark.parametrize("module", ["aesara.graph.rewriting.basic", "aesara.graph.opt"])
def test_deprecated_rewriting_names_warn(module):
    mod = _old_module(module)
    for old, new in (
        ("LocalMetaOptimizerSkipAssertionError", MetaNodeRewriterSkip),
        ("LocalMetaOptimizer", MetaNodeRewriter),
        ("topogroup_optimizer", walking_rewriter),
        ("pre_greedy_local_optimizer", pre_greedy_node_rewriter),
    ):
        with pytest.warns(DeprecationWarning, match=old):
            assert getattr(mod, old) is new
    for name in ("CheckStackTraceFeature", "check_chain", "merge_dict"):
        assert getattr(mod, name) is getattr(
            importlib.import_module("aesara.graph.rewriting.basic"), name
        )


# ---------------------------------------------------------------------------
# aesara.graph.rewriting.utils / db / unify
# ---------------------------------------------------------------------------


def test_is_same_graph_with_merge():
    x, y = at.dvectors("x", "y")
    assert is_same_graph_with_merge(x + y, x + y)
    assert not is_same_graph_with_merge(x + y, y + x)
    assert is_same_graph_with_merge(x, x)
    assert not is_same_graph_with_merge(x, y)
    assert is_same_graph_with_merge(x + 1, y + 1, givens={x: y})
    assert is_same_graph_with_merge(x, y, givens={x: y})
    a = at.exp(x)
    is_same_graph_with_merge(a, at.exp(x))
    assert a.owner.inputs[0] is x  # the given graphs are not rewired
    with pytest.raises(TypeError, match="var2"):
        is_same_graph_with_merge(x, 3)
    opt_utils = _old_module("aesara.graph.opt_utils")
    assert opt_utils.is_same_graph_with_merge is is_same_graph_with_merge


def test_optimize_graph_is_deprecated_rewrite_graph():
    utils = importlib.import_module("aesara.graph.rewriting.utils")
    with pytest.warns(DeprecationWarning, match="rewrite_graph"):
        assert utils.optimize_graph is rewrite_graph


def test_db_is_deprecated_rewrite_database():
    db = importlib.import_module("aesara.graph.rewriting.db")
    with pytest.warns(DeprecationWarning, match="RewriteDatabase"):
        assert db.DB is RewriteDatabase


def test_types_are_cons_pairs_for_unification():
    t = TensorType("float64", shape=(None, 3))
    assert car_Type(t) is TensorType
    assert tuple(cdr_Type(t)) == ("float64", (None, 3))
    assert etuplize(t).evaled_obj is t
    dtype, shape = var(), var()
    s = unify(etuple(TensorType, dtype, shape), t, {})
    assert s[dtype] == "float64" and s[shape] == (None, 3)
    assert unify(etuple(TensorType, "float32", shape), t, {}) is False
    from cons.core import ConsError

    class NoProps:
        pass

    with pytest.raises(ConsError):
        car_Type(NoProps())
    with pytest.raises(ConsError):
        cdr_Type(NoProps())
    unify_mod = _old_module("aesara.graph.unify")
    assert unify_mod.car_Type is car_Type and unify_mod.cdr_Type is cdr_Type


def test_apply_op_expression_tuple_builds_the_node():
    x = at.dvector("x")
    exp_op = at.exp(x).owner.op
    out = apply_Op_ExpressionTuple(exp_op, etuple(x))
    assert isinstance(out, Variable) and out.owner.op == exp_op
    assert out.owner.inputs == [x]
    # ``etuples.apply`` (``kanren.term``) dispatches to it for ops.
    via_apply = etuple_apply(exp_op, etuple(etuple(at.log, x)))
    assert via_apply.owner.op == exp_op
    assert via_apply.owner.inputs[0].owner.op == at.log(x).owner.op
    # Several outputs and no default output: the list of outputs.
    from aesara.graph.basic import Apply as _Apply

    class Two(Op):
        __props__ = ()

        def make_node(self, a):
            return _Apply(self, [a], [a.type(), a.type()])

        def perform(self, node, inputs, outputs):
            outputs[0][0] = outputs[1][0] = inputs[0]

    outs = apply_Op_ExpressionTuple(Two(), etuple(x))
    assert isinstance(outs, list) and len(outs) == 2


# ---------------------------------------------------------------------------
# aesara.scan
# ---------------------------------------------------------------------------


def test_get_updates_and_outputs():
    x = at.dvector("x")
    s = aesara.shared(np.zeros(2))
    cond = scan_utils.until(x.sum() > 0)
    assert scan_basic.get_updates_and_outputs(x) == (None, [x], {})
    assert scan_basic.get_updates_and_outputs({s: x}) == (None, [], {s: x})
    c, outs, upd = scan_basic.get_updates_and_outputs(([x, x], {s: x}, cond))
    assert c is cond.condition and outs == [x, x] and upd == {s: x}
    c, outs, upd = scan_basic.get_updates_and_outputs((cond, [x]))
    assert c is cond.condition and outs == [x] and upd == {}
    with pytest.raises(ValueError):
        scan_basic.get_updates_and_outputs(object())


def test_check_broadcast():
    row = at.TensorType("float64", shape=(1, None))("row")
    mat = at.dmatrix("mat")
    vec = at.dvector("vec")
    scan_op.check_broadcast(mat, mat)
    scan_op.check_broadcast(vec, mat)  # only the trailing axes are compared
    with pytest.raises(TypeError, match="axis 1 of the output is broadcastable=True"):
        scan_op.check_broadcast(row, mat)
    # Non-tensors are not checked.
    from aesara.graph.null_type import NullType

    scan_op.check_broadcast(NullType()(), NullType()())


def test_copy_var_format():
    x = at.fvector("x")
    like = at.TensorType("float64", shape=(3,))("like")
    out = scan_op.copy_var_format(x, like)
    assert out.type.dtype == "float64" and out.type.shape == (3,)
    # One more dimension: a trace over steps keeps its first dimension.
    trace = at.dmatrix("trace")
    out = scan_op.copy_var_format(trace, like)
    assert out.type.shape == (None, 3)
    assert scan_op.copy_var_format("not a tensor", like) == "not a tensor"


def test_err_msgs_are_format_templates():
    m1 = scan_op.err_msg1 % ("initial state", "h0", 1, "float64", 2, "h", "float32", 2)
    assert "h0" in m1 and "float32" in m1
    m2 = scan_op.err_msg2 % ("h0", 1, "float32", "float64")
    assert "float32" in m2 and "float64" in m2
    m3 = scan_op.err_msg3 % ("h0", 1, 1, 1)
    assert "h0" in m3


def test_profile_printer_reports_scan_overhead():
    from aesara.compile.profiling import _profiler_printers

    assert scan_op.profile_printer in _profiler_printers
    x = at.dvector("x")
    out, _ = aesara.scan(
        lambda v, acc: acc * v,
        sequences=[x],
        outputs_info=[at.constant(1.0, dtype="float64")],
        profile=True,
    )
    f = aesara.function([x], out)
    f(np.arange(3.0))
    scan_nodes = [
        n for n in f.maker.fgraph.toposort() if isinstance(n.op, scan_op.Scan)
    ]
    assert scan_nodes
    apply_time = {(f.maker.fgraph, n): 0.5 for n in scan_nodes}
    buf = io.StringIO()
    scan_op.profile_printer("msg", 0.0, 1.0, apply_time, {}, {}, file=buf)
    text = buf.getvalue()
    assert "Scan overhead:" in text and "total" in text
    # A Scan whose inner function was not profiled gets a hint instead.
    out2, _ = aesara.scan(
        lambda v, acc: acc + v,
        sequences=[x],
        outputs_info=[at.constant(0.0, dtype="float64")],
    )
    g = aesara.function([x], out2)
    node2 = next(n for n in g.maker.fgraph.toposort() if isinstance(n.op, scan_op.Scan))
    buf = io.StringIO()
    scan_op.profile_printer("msg", 0, 1, {(g.maker.fgraph, node2): 1.0}, {}, {}, buf)
    assert "profile=True" in buf.getvalue()
    # Nothing to say without Scan nodes that ran.
    buf = io.StringIO()
    scan_op.profile_printer("msg", 0.0, 1.0, {}, {}, {}, file=buf)
    assert buf.getvalue() == ""


def test_scan_utils_reexports_scan_args_helpers():
    assert scan_utils.FieldInfo is scan_args.FieldInfo
    assert scan_utils.safe_index is scan_args.safe_index
    assert scan_utils.default_filter_scanargs is scan_args.default_filter_scanargs
    assert scan_utils.safe_index([1, 2, 3], 3) == 2
    assert scan_utils.safe_index([1, 2, 3], 4) is None
    assert scan_utils.default_filter_scanargs("inner_in_seqs")
    assert not scan_utils.default_filter_scanargs("n_steps")


def test_validator():
    x, y, ye = at.dvectors("x", "y", "ye")
    z = at.exp(x) + y
    v = scan_utils.Validator(valid=[x], invalid=[y])
    assert v.check(z) is None
    ex = at.exp(x)
    assert v.check(ex) == (ex, True)
    v = scan_utils.Validator(valid_equivalent={y: ye})
    equivalent, is_valid = v.check(z)
    assert not is_valid
    assert ye in equivalent.owner.inputs
    assert v.check(z) == (equivalent, False)  # remembered
    c = at.constant(2.0)
    assert scan_utils.Validator(invalid=[y]).check(c) == (c, True)


def test_traverse():
    x, y = at.dvectors("x", "y")
    d = {"kept": 1}
    visited = set()
    assert scan_utils.traverse(at.exp(y) + y, x, x, d, visited) is d
    assert y in visited
    with pytest.raises(RuntimeError, match="not supported"):
        scan_utils.traverse(at.exp(x), x, y, {})


def test_scan_profile_stats_summary():
    stats = scan_utils.ScanProfileStats(atexit_print=False, name="loop")
    buf = io.StringIO()
    stats.summary_function(buf)
    assert buf.getvalue() == ""  # never called
    stats.callcount, stats.nbsteps, stats.call_time = 2, 10, 2.0
    stats.vm_call_time = 1.5
    stats.summary_function(buf)
    text = buf.getvalue()
    assert "Scan Op profiling (loop)" in text
    assert "2 calls" in text and "10 steps" in text and "75.000%" in text
    buf = io.StringIO()
    stats.summary_globals(buf)
    assert buf.getvalue() == ""


# ---------------------------------------------------------------------------
# aesara.tensor.io / aesara.tensor.elemwise
# ---------------------------------------------------------------------------


def test_mpi_enabled_says_whether_mpi4py_is_installed():
    from aesara.tensor import io as tio

    assert tio.mpi_enabled is (importlib.util.find_spec("mpi4py") is not None)


def test_dimshuffle_printer_is_the_pretty_printer_class():
    from aesara.printing import DimShufflePrinter, pprint
    from aesara.tensor.elemwise import DimShufflePrinter as FromElemwise

    assert FromElemwise is DimShufflePrinter
    x = at.dmatrix("x")
    assert pprint(x.T) == "x.T"
    # Broadcasting dimshuffles are hidden.
    assert pprint(x.dimshuffle("x", 0, 1)) == "x"
