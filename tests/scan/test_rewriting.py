"""Rewrites of Scan nodes (``aesara.scan.rewriting``) and ``ScanArgs``.

Each rewrite is checked three ways: it fires where it should (applied to a
``FunctionGraph`` directly, or seen in the graph the default mode compiles),
it leaves alone what it must not touch, and the compiled function computes
what the unrewritten graph computes (Python linker, no rewrites).
"""

from __future__ import annotations

import copy

import numpy as np
import pytest

import aesara
import aesara.tensor as at
from aesara.compile.mode import Mode
from aesara.graph.basic import Constant, graph_inputs, io_toposort
from aesara.graph.fg import FunctionGraph
from aesara.graph.rewriting.basic import in2out
from aesara.scan.op import Scan, ScanInfo
from aesara.scan.rewriting import scan_eqopt1, scan_eqopt2, scan_seqopt1
from aesara.scan.rewriting.cleanup import (
    remove_constants_and_unused_inputs_scan,
    remove_unused_outputs_scan,
)
from aesara.scan.rewriting.merge import ScanMerge, scan_merge_inouts
from aesara.scan.rewriting.pushout import (
    push_out_add_scan,
    push_out_dot1_scan,
    push_out_non_seq_scan,
    push_out_seq_scan,
)
from aesara.scan.scan_args import FieldInfo, ScanArgs
from aesara.scan.utils import (
    compress_outs,
    expand_empty,
    scan_can_remove_outs,
    until,
)
from aesara.tensor._products import Dot
from aesara.tensor.elemwise import Elemwise
from aesara.tensor.rewriting.basic import topo_constant_folding
from tests.tensor.rewriting.rewrite_check import check_rewrite

REF_MODE = Mode(linker="py", optimizer=None)


def _rng(seed=0):
    return np.random.default_rng(seed)


def _scan_nodes(fgraph):
    return [n for n in fgraph.toposort() if isinstance(n.op, Scan)]


def _fn_scans(f):
    return _scan_nodes(f.maker.fgraph)


def _inner_ops(node):
    return [n.op for n in io_toposort(node.op.inner_inputs, node.op.inner_outputs)]


def _has_inner(node, pred):
    return any(pred(op) for op in _inner_ops(node))


def _is_scalar_op(name):
    def pred(op):
        return isinstance(op, Elemwise) and type(op.scalar_op).__name__.lower() == name

    return pred


def _apply(rewrite, inputs, outputs, fold=False):
    """``outputs``' graph (a copy) after ``in2out(rewrite)`` (and constant folding)."""
    fg = FunctionGraph(inputs, outputs, clone=True)
    if fold:
        topo_constant_folding.rewrite(fg)
    in2out(rewrite, ignore_newtrees=True).rewrite(fg)
    return fg


def _check_values(inputs, outputs, values, updates=None):
    kw = dict(updates=updates, on_unused_input="ignore")
    f = aesara.function(inputs, outputs, **kw)
    g = aesara.function(inputs, outputs, mode=REF_MODE, **kw)
    res, ref = f(*values), g(*values)
    if not isinstance(res, list):
        res, ref = [res], [ref]
    for r, e in zip(res, ref):
        np.testing.assert_allclose(r, e, rtol=1e-10, atol=1e-12)
    return f


# ---------------------------------------------------------------------------------
# ScanArgs
# ---------------------------------------------------------------------------------


def _mixed_scan():
    """A scan with a sequence, a mit_sot, a sit_sot, a nit_sot and a non-sequence."""
    x = at.dvector("x")
    i = at.dvector("i")
    s0 = at.dscalar("s0")
    w = at.dscalar("w")

    def step(x_t, m2, m1, s, w):
        return m1 + m2 * w, s + x_t, x_t * 2.0

    outs, _ = aesara.scan(
        step,
        sequences=[x],
        outputs_info=[dict(initial=i, taps=[-2, -1]), s0, None],
        non_sequences=[w],
    )
    node = outs[0].owner.inputs[0].owner
    assert isinstance(node.op, Scan)
    return [x, i, s0, w], outs, node


def _mixed_scan_inputs(node):
    """The graph inputs of a node made by :func:`_mixed_scan`, in its order."""
    by_name = {v.name: v for v in graph_inputs(node.inputs) if v.name}
    return [by_name[n] for n in ("x", "i", "s0", "w")]


def _mixed_values():
    return [
        np.arange(5.0),
        np.array([1.0, 2.0]),
        np.float64(0.5),
        np.float64(0.3),
    ]


class TestScanArgs:
    def test_reexported_from_utils(self):
        import importlib

        sa = importlib.import_module("aesara.scan.scan_args")
        su = importlib.import_module("aesara.scan.utils")
        assert su.ScanArgs is sa.ScanArgs

    def test_fields(self):
        _, _, node = _mixed_scan()
        args = ScanArgs.from_node(node)
        op = node.op
        assert args.n_steps is node.inputs[0]
        assert args.outer_in_seqs == op.outer_seqs(node.inputs)
        assert args.inner_in_seqs == op.inner_seqs(op.inner_inputs)
        assert args.inner_in_mit_sot == [op.inner_mitsot(op.inner_inputs)]
        assert args.mit_sot_in_slices == [(-2, -1)]
        assert args.inner_in_sit_sot == op.inner_sitsot(op.inner_inputs)
        assert args.sit_sot_in_slices == [(-1,)]
        assert args.outer_in_nit_sot == op.outer_nitsot(node.inputs)
        assert args.inner_out_nit_sot == op.inner_nitsot_outs(op.inner_outputs)
        assert args.outer_out_sit_sot == op.outer_sitsot_outs(node.outputs)
        assert args.inner_in_non_seqs == op.inner_non_seqs(op.inner_inputs)
        assert args.outer_in_non_seqs == op.outer_non_seqs(node.inputs)
        assert args.cond == [] and not args.as_while
        assert args.inner_inputs == list(op.inner_inputs)
        assert args.inputs == list(op.inner_inputs)
        assert args.inner_outputs == list(op.inner_outputs)
        assert args.outer_inputs == list(node.inputs)
        assert args.outer_outputs == list(node.outputs)
        assert args.info == op.info
        assert args.n_nit_sot == 1 and args.n_mit_mot == 0
        assert "outer_in_seqs" in args.field_names
        assert "mit_sot_in_slices" in args.field_names
        assert str(args).startswith("ScanArgs(")
        with pytest.raises(TypeError, match="not a Scan node"):
            ScanArgs.from_node(at.ones(2).owner)

    def test_clone(self):
        _, _, node = _mixed_scan()
        args = ScanArgs.from_node(node, clone=True)
        assert not set(args.inner_inputs) & set(node.op.inner_inputs)
        assert args.outer_inputs == list(node.inputs)
        assert args.info == node.op.info

    def test_round_trip_values(self):
        inputs, outs, node = _mixed_scan()
        args = ScanArgs.from_node(node)
        new_op = Scan(args.inner_inputs, args.inner_outputs, args.info)
        new_outs = new_op(*args.outer_inputs, return_list=True)
        f = aesara.function(inputs, list(node.outputs), mode=REF_MODE)
        g = aesara.function(inputs, new_outs, mode=REF_MODE)
        for a, b in zip(f(*_mixed_values()), g(*_mixed_values())):
            np.testing.assert_allclose(a, b)

    def test_find_and_alt_field(self):
        _, _, node = _mixed_scan()
        args = ScanArgs.from_node(node)
        tap = args.inner_in_mit_sot[0][1]
        info = args.find_among_fields(tap)
        assert info == FieldInfo("inner_in_mit_sot", "inner_inputs", 0, 1, 2)
        assert args.inner_inputs[info.agg_index] is tap
        assert args.find_among_fields(at.dscalar()) is None
        only_outer = args.find_among_fields(
            tap, field_filter=lambda f: f.startswith("outer")
        )
        assert only_outer is None
        out = args.outer_out_sit_sot[0]
        assert args.get_alt_field(out, "inner_out") is args.inner_out_sit_sot[0]
        assert args.get_alt_field(out, "outer_in") is args.outer_in_sit_sot[0]
        assert args.get_alt_field(out, "inner_in") is args.inner_in_sit_sot[0]
        with pytest.raises(ValueError):
            args.get_alt_field(at.dscalar(), "inner_out")
        maps = args.var_mappings
        assert maps["outer_out_from_inner_out"] == {0: 0, 1: 1, 2: 2}

    def test_copy_and_eq(self):
        _, _, node = _mixed_scan()
        args = ScanArgs.from_node(node)
        dup = copy.copy(args)
        assert dup is not args and dup == args
        dup.inner_in_mit_sot[0].pop()
        assert len(args.inner_in_mit_sot[0]) == 2  # nested lists are copied
        assert dup != args
        assert args != 3

    def test_remove_inner_input_with_dependents(self):
        _, _, node = _mixed_scan()
        args = ScanArgs.from_node(node)
        x_t = args.inner_in_seqs[0]
        deps = args.get_dependent_nodes(x_t)
        # The sequence feeds the sit_sot and the nit_sot: both go.
        assert args.outer_in_seqs[0] in deps
        assert args.inner_out_nit_sot[0] in deps
        assert args.outer_out_nit_sot[0] in deps
        assert args.inner_out_sit_sot[0] in deps
        assert args.outer_out_sit_sot[0] in deps
        assert args.outer_in_sit_sot[0] in deps
        assert x_t not in deps
        # The mit_sot does not read the sequence.
        assert args.inner_out_mit_sot[0] not in deps

        work = copy.copy(args)
        removed = work.remove_from_fields(x_t)
        assert {v for v, _ in removed} == deps | {x_t}
        assert all(isinstance(i, FieldInfo) for _, i in removed)
        assert work.inner_in_seqs == [] and work.outer_in_seqs == []
        assert work.inner_out_nit_sot == [] and work.outer_in_nit_sot == []
        assert work.inner_out_sit_sot == [] and work.inner_in_sit_sot == []
        assert work.inner_out_mit_sot == args.inner_out_mit_sot
        info = work.info
        assert (info.n_seqs, info.n_sit_sot, info.n_nit_sot) == (0, 0, 0)
        assert info.n_mit_sot == 1
        # The remaining loop still builds and runs.
        op = Scan(work.inner_inputs, work.inner_outputs, work.info)
        (res,) = op(*work.outer_inputs, return_list=True)
        inputs = _mixed_scan_inputs(node)
        f = aesara.function(
            inputs, [node.outputs[0], res], mode=REF_MODE, on_unused_input="ignore"
        )
        a, b = f(*_mixed_values())
        np.testing.assert_allclose(a, b)

    def test_remove_without_dependents(self):
        _, _, node = _mixed_scan()
        args = ScanArgs.from_node(node)
        nit = args.inner_out_nit_sot[0]
        removed = args.remove_from_fields(nit, rm_dependents=False)
        assert removed == [
            (nit, FieldInfo("inner_out_nit_sot", "inner_outputs", 0, None, 2))
        ]
        assert args.inner_out_nit_sot == []
        assert args.outer_out_nit_sot  # untouched
        assert args.remove_from_fields(at.dscalar(), rm_dependents=False)[0][1] is None

    def test_remove_outer_output(self):
        _, _, node = _mixed_scan()
        args = ScanArgs.from_node(node)
        out = args.outer_out_mit_sot[0]
        args.remove_from_fields(out)
        assert args.outer_out_mit_sot == [] and args.inner_out_mit_sot == []
        assert args.inner_in_mit_sot == [] and args.mit_sot_in_slices == []
        assert args.outer_in_mit_sot == []
        assert args.info.n_mit_sot == 0
        # Other kinds are untouched.
        assert len(args.inner_out_sit_sot) == 1 and len(args.inner_out_nit_sot) == 1
        outs = Scan(args.inner_inputs, args.inner_outputs, args.info)(
            *args.outer_inputs, return_list=True
        )
        f = aesara.function(
            _mixed_scan_inputs(node),
            [node.outputs[1], outs[0]],
            mode=REF_MODE,
            on_unused_input="ignore",
        )
        a, b = f(*_mixed_values())
        np.testing.assert_allclose(a, b)

    def test_state_turned_into_a_sequence(self):
        # What AePPL does to compute a log-density: a sit_sot's values become
        # a sequence (given), and a new nit_sot output is computed from them.
        x = at.dvector("x")

        def step(x_t, s):
            return s * 0.5 + x_t

        out, _ = aesara.scan(
            step, sequences=[x], outputs_info=[at.as_tensor(np.float64(1.0))]
        )
        node = out.owner.inputs[0].owner
        args = copy.copy(ScanArgs.from_node(node))
        io = args.inner_out_sit_sot[0]
        prev = args.inner_in_sit_sot[0]
        args.remove_from_fields(io, rm_dependents=False)
        args.remove_from_fields(args.outer_out_sit_sot[0], rm_dependents=False)
        args.inner_in_sit_sot = []
        args.outer_in_sit_sot = []
        value = at.dvector("value")  # the whole trace, initial value first
        cur = io.type()
        args.inner_in_seqs = args.inner_in_seqs + [prev, cur]
        args.outer_in_seqs = args.outer_in_seqs + [value[:-1], value[1:]]
        args.inner_out_nit_sot = args.inner_out_nit_sot + [cur - io]
        args.outer_in_nit_sot = args.outer_in_nit_sot + [args.n_steps]
        assert args.info.n_sit_sot == 0 and args.info.n_seqs == 3
        (resid,) = Scan(args.inner_inputs, args.inner_outputs, args.info)(
            *args.outer_inputs, return_list=True
        )
        f = aesara.function([x, value], resid, mode=REF_MODE)
        xv = np.arange(4.0)
        trace = [1.0]
        for v in xv:
            trace.append(trace[-1] * 0.5 + v)
        np.testing.assert_allclose(f(xv, np.array(trace)), np.zeros(4), atol=1e-12)

    def test_merge(self):
        _, _, node = _mixed_scan()
        a = ScanArgs.from_node(node, clone=True)
        b = ScanArgs.from_node(node, clone=True)
        m = a.merge(b)
        assert len(m.outer_in_seqs) == 2 and len(m.inner_in_mit_sot) == 2
        assert m.mit_sot_in_slices == [(-2, -1), (-2, -1)]
        assert len(a.outer_in_seqs) == 1  # a is unchanged
        info = m.info
        assert info.n_mit_sot == 2 and info.n_sit_sot == 2 and info.n_nit_sot == 2
        op = Scan(m.inner_inputs, m.inner_outputs, info)
        outs = op(*m.outer_inputs, return_list=True)
        assert len(outs) == 6

    def test_while_loop(self):
        x = at.dvector("x")

        def step(x_t, s):
            return s + x_t, until(s > 3)

        out, _ = aesara.scan(
            step, sequences=[x], outputs_info=[at.as_tensor(0.0, dtype="float64")]
        )
        node = out.owner.inputs[0].owner
        args = ScanArgs.from_node(node)
        assert args.as_while and len(args.cond) == 1
        assert args.inner_outputs[-1] is args.cond[0]
        assert args.info == node.op.info


class TestCompressOuts:
    def test_can_remove_and_compress(self):
        inputs, outs, node = _mixed_scan()
        op = node.op
        # The nit_sot (2) and the mit_sot (0) read no other state.
        required, removable = scan_can_remove_outs(op, [0, 2])
        assert required == [] and removable == [0, 2]
        ins, outs_, info, outer, mapping = compress_outs(op, [0, 2], node.inputs)
        assert mapping == {1: 0}
        assert info.n_mit_sot == 0 and info.n_nit_sot == 0 and info.n_sit_sot == 1
        new = Scan(ins, outs_, info)(*outer, return_list=True)
        f = aesara.function(inputs, [node.outputs[1], new[0]], mode=REF_MODE)
        a, b = f(*_mixed_values())
        np.testing.assert_allclose(a, b)

    def test_state_read_by_a_kept_output_stays(self):
        x = at.dvector("x")

        def step(x_t, a):
            return a + 1.0, a * x_t

        (a, b), _ = aesara.scan(
            step, sequences=[x], outputs_info=[at.as_tensor(np.float64(0.0)), None]
        )
        node = b.owner
        assert isinstance(node.op, Scan)
        required, removable = scan_can_remove_outs(node.op, [0])
        assert required == [0] and removable == []


# ---------------------------------------------------------------------------------
# cleanup: constants, unused inputs, unused outputs
# ---------------------------------------------------------------------------------


class TestRemoveConstantsAndUnusedInputs:
    def test_constant_non_sequence_moves_inside(self):
        x = at.dvector("x")
        c = at.constant(np.array([1.0, 2.0, 3.0]), name="c")
        w = at.dvector("w")  # passed but unused

        out, _ = aesara.scan(
            lambda x_t, c, w: x_t * c, sequences=[x], non_sequences=[c, w]
        )
        node = out.owner
        assert node.op.info.n_non_seqs >= 1
        fg = _apply(remove_constants_and_unused_inputs_scan, [x, w], [out])
        (new,) = _scan_nodes(fg)
        assert new.op.info.n_non_seqs == 0
        assert any(
            isinstance(v, Constant) and v.data.shape == (3,)
            for v in graph_inputs(new.op.inner_outputs)
        )
        xv = np.array([1.0, 2.0])
        g = aesara.function([x, w], out, mode=REF_MODE)
        h = aesara.function(
            fg.inputs, fg.outputs, mode=REF_MODE, on_unused_input="ignore"
        )
        np.testing.assert_allclose(h(xv, xv)[0], g(xv, xv))
        _check_values([x, w], out, [xv, xv])

    def test_repeated_non_sequences_merged(self):
        x = at.dvector("x")
        w = at.dscalar("w")
        n_steps = x.shape[0]
        t = x.type.clone(shape=())()
        w1, w2 = w.type(), w.type()
        info = ScanInfo(
            n_seqs=1,
            mit_mot_in_slices=(),
            mit_mot_out_slices=(),
            mit_sot_in_slices=(),
            sit_sot_in_slices=(),
            n_nit_sot=1,
            n_shared_outs=0,
            n_non_seqs=2,
            as_while=False,
        )
        op = Scan([t, w1, w2], [t * w1 + w2], info)
        out = op(n_steps, x, n_steps, w, w)
        fg = _apply(remove_constants_and_unused_inputs_scan, [x, w], [out])
        (new,) = _scan_nodes(fg)
        assert new.op.info.n_non_seqs == 1
        f = aesara.function([x, w], out, mode=REF_MODE)
        g = aesara.function(fg.inputs, fg.outputs, mode=REF_MODE)
        np.testing.assert_allclose(g([1.0, 2.0], 3.0)[0], f([1.0, 2.0], 3.0))

    def test_constant_sequence(self):
        x = at.dvector("x")
        same = at.constant(np.full((4, 2), 5.0))
        varying = at.constant(np.arange(8.0).reshape(4, 2))

        def step(x_t, a, b):
            return x_t + a.sum() + b.sum()

        out, _ = aesara.scan(step, sequences=[x, same, varying], n_steps=4)
        fg = _apply(remove_constants_and_unused_inputs_scan, [x], [out], fold=True)
        (new,) = _scan_nodes(fg)
        # The constant sequence with equal steps became a constant; the
        # other one stays a sequence.
        assert new.op.info.n_seqs == 2
        f = _check_values([x], out, [np.arange(4.0)])
        (node,) = _fn_scans(f)
        assert node.op.info.n_seqs == 2

    def test_nothing_to_do(self):
        x = at.dvector("x")
        out, _ = aesara.scan(lambda x_t: x_t * 2.0, sequences=[x])
        fg = FunctionGraph([x], [out], clone=True)
        (node,) = _scan_nodes(fg)
        assert remove_constants_and_unused_inputs_scan.transform(fg, node) is False


class TestRemoveUnusedOutputs:
    def test_unused_output_dropped(self):
        x = at.dvector("x")

        def step(x_t):
            return x_t * 2.0, at.exp(x_t)

        (a, b), _ = aesara.scan(step, sequences=[x])
        fg = _apply(remove_unused_outputs_scan, [x], [a])
        (node,) = _scan_nodes(fg)
        assert len(node.outputs) == 1
        assert not _has_inner(node, _is_scalar_op("exp"))
        _check_values([x], a, [np.arange(3.0)])

    def test_state_feeding_a_used_output_kept(self):
        x = at.dvector("x")

        def step(x_t, a):
            return a + 1.0, a * x_t

        (a, b), _ = aesara.scan(
            step, sequences=[x], outputs_info=[at.as_tensor(np.float64(0.0)), None]
        )
        fg = FunctionGraph([x], [b], clone=True)
        (node,) = _scan_nodes(fg)
        assert remove_unused_outputs_scan.transform(fg, node) is False
        f = _check_values([x], b, [np.arange(4.0)])
        assert len(_fn_scans(f)) == 1

    def test_default_mode_drops_it(self):
        x = at.dvector("x")
        s0 = at.dscalar("s0")

        def step(x_t, s):
            return s * x_t, at.sin(x_t) * s

        (a, b), _ = aesara.scan(step, sequences=[x], outputs_info=[s0, None])
        f = _check_values([x, s0], a, [np.arange(1.0, 4.0), 2.0])
        (node,) = _fn_scans(f)
        assert not _has_inner(node, _is_scalar_op("sin"))


# ---------------------------------------------------------------------------------
# pushout
# ---------------------------------------------------------------------------------


class TestPushOutNonSeq:
    def test_invariant_computed_once(self):
        x = at.dvector("x")
        W = at.dmatrix("W")

        def step(x_t, h, W):
            return at.tanh(h * x_t + at.exp(W).sum())

        out, _ = aesara.scan(
            step,
            sequences=[x],
            outputs_info=[at.as_tensor(np.float64(0.0))],
            non_sequences=[W],
        )
        fg = _apply(push_out_non_seq_scan, [x, W], [out])
        (node,) = _scan_nodes(fg)
        assert not _has_inner(node, _is_scalar_op("exp"))
        assert node.op.info.n_non_seqs == 2  # W and exp(W).sum()
        vals = [np.linspace(0, 1, 5), _rng().normal(size=(2, 3))]
        f = _check_values([x, W], out, vals)
        (node,) = _fn_scans(f)
        assert not _has_inner(node, _is_scalar_op("exp"))

    def test_invariant_returned_by_the_step(self):
        x = at.dvector("x")
        w = at.dscalar("w")

        def step(x_t, s, w):
            return s + x_t, at.exp(w)

        (a, b), _ = aesara.scan(
            step,
            sequences=[x],
            outputs_info=[at.as_tensor(np.float64(0.0)), None],
            non_sequences=[w],
        )
        fg = _apply(push_out_non_seq_scan, [x, w], [a, b])
        (node,) = _scan_nodes(fg)
        assert not _has_inner(node, _is_scalar_op("exp"))
        _check_values([x, w], [a, b], [np.arange(3.0), 0.5])

    def test_all_invariant_map_becomes_alloc(self):
        x = at.dvector("x")
        W = at.dvector("W")
        out, _ = aesara.scan(
            lambda x_t, W: at.exp(W) * 2.0, sequences=[x], non_sequences=[W]
        )
        fg = _apply(push_out_non_seq_scan, [x, W], [out])
        assert _scan_nodes(fg) == []
        f = _check_values([x, W], out, [np.arange(4.0), np.array([0.5, 1.5])])
        assert _fn_scans(f) == []

    def test_does_not_fire_on_state_dependent_work(self):
        x = at.dvector("x")
        w = at.dscalar("w")

        def step(x_t, s, w):
            return at.exp(s) * w + x_t

        out, _ = aesara.scan(
            step,
            sequences=[x],
            outputs_info=[at.as_tensor(np.float64(0.0))],
            non_sequences=[w],
        )
        fg = FunctionGraph([x, w], [out], clone=True)
        (node,) = _scan_nodes(fg)
        assert push_out_non_seq_scan.transform(fg, node) is False
        f = _check_values([x, w], out, [np.arange(3.0) / 10, 0.5])
        (node,) = _fn_scans(f)
        assert _has_inner(node, lambda op: isinstance(op, Elemwise))


class TestPushOutSeq:
    def test_elementwise_on_whole_sequence(self):
        x = at.dvector("x")

        def step(x_t, s):
            return s * at.exp(x_t * 2.0)

        out, _ = aesara.scan(
            step, sequences=[x], outputs_info=[at.as_tensor(np.float64(1.0))]
        )
        fg = _apply(push_out_seq_scan, [x], [out])
        (node,) = _scan_nodes(fg)
        assert not _has_inner(node, _is_scalar_op("exp"))
        assert node.op.info.n_seqs == 2
        f = _check_values([x], out, [np.linspace(-1, 1, 6)])
        (node,) = _fn_scans(f)
        assert not _has_inner(node, _is_scalar_op("exp"))

    def test_with_non_sequence_and_dimshuffle(self):
        X = at.dmatrix("X")
        b = at.dvector("b")

        def step(x_t, s, b):
            return s + (at.exp(x_t) * b).dimshuffle("x", 0).sum(axis=0) * s

        out, _ = aesara.scan(
            step, sequences=[X], outputs_info=[at.zeros_like(b)], non_sequences=[b]
        )
        fg = _apply(push_out_seq_scan, [X, b], [out])
        (node,) = _scan_nodes(fg)
        assert not _has_inner(node, _is_scalar_op("exp"))
        _check_values([X, b], out, [_rng().normal(size=(4, 3)), np.ones(3)])

    def test_pure_map_replaced(self):
        x = at.dmatrix("x")
        c = at.dvector("c")
        out, _ = aesara.scan(
            lambda x_t, c: at.exp(x_t) + c, sequences=[x], non_sequences=[c]
        )
        fg = _apply(push_out_seq_scan, [x, c], [out])
        assert _scan_nodes(fg) == []
        f = _check_values([x, c], out, [_rng().normal(size=(3, 2)), np.ones(2)])
        assert _fn_scans(f) == []

    def test_does_not_fire_on_state_dependent_work(self):
        x = at.dvector("x")

        def step(x_t, s):
            return at.exp(s) * x_t

        out, _ = aesara.scan(
            step, sequences=[x], outputs_info=[at.as_tensor(np.float64(0.1))]
        )
        fg = FunctionGraph([x], [out], clone=True)
        (node,) = _scan_nodes(fg)
        assert push_out_seq_scan.transform(fg, node) is False
        _check_values([x], out, [np.arange(3.0) / 10])


class TestPushOutDot:
    def test_dot_with_invariant_matrix(self):
        X = at.dmatrix("X")
        W = at.dmatrix("W")
        acc0 = at.dvector("acc0")

        def step(x_t, acc, W):
            return acc + at.dot(x_t, W)

        out, _ = aesara.scan(
            step, sequences=[X], outputs_info=[acc0], non_sequences=[W]
        )
        last = out[-1]
        fg = _apply(push_out_dot1_scan, [X, W, acc0], [last])
        assert _scan_nodes(fg) == []
        assert any(isinstance(n.op, Dot) for n in fg.toposort())
        vals = [_rng().normal(size=(5, 2)), _rng(1).normal(size=(2, 3)), np.ones(3)]
        f = _check_values([X, W, acc0], last, vals)
        assert _fn_scans(f) == []
        # No step at all: the initial value.
        np.testing.assert_allclose(f(np.zeros((0, 2)), vals[1], vals[2]), vals[2])

    def test_dot_of_two_sequences(self):
        A = at.dtensor3("A")
        B = at.dtensor3("B")

        def step(a_t, b_t, acc):
            return acc + at.dot(a_t, b_t)

        out, _ = aesara.scan(step, sequences=[A, B], outputs_info=[at.zeros((2, 4))])
        last = out[-1]
        fg = _apply(push_out_dot1_scan, [A, B], [last])
        assert _scan_nodes(fg) == []
        vals = [_rng().normal(size=(3, 2, 5)), _rng(1).normal(size=(3, 5, 4))]
        _check_values([A, B], last, vals)

    def test_dot_with_a_traced_operand(self):
        X = at.dmatrix("X")
        W = at.dmatrix("W")

        def step(x_t, acc, h, W):
            # ``h`` is another state: ``W * h`` changes at every step.
            return acc + at.dot(x_t, W * h), h * 0.5

        (acc, h), _ = aesara.scan(
            step,
            sequences=[X],
            outputs_info=[at.zeros((3,)), at.as_tensor(np.float64(1.0))],
            non_sequences=[W],
        )
        last = acc[-1]
        fg = _apply(push_out_dot1_scan, [X, W], [last, h])
        (node,) = _scan_nodes(fg)
        assert node.op.info.n_sit_sot == 1 and node.op.info.n_nit_sot == 1
        vals = [_rng().normal(size=(4, 2)), _rng(1).normal(size=(2, 3))]
        _check_values([X, W], [last, h], vals)

    def test_dot_of_two_computed_operands(self):
        # Aesara's push_out_add_scan case: both operands traced, one product.
        X = at.dmatrix("X")
        W = at.dmatrix("W")

        def step(x_t, acc, h, W):
            a = at.tanh(x_t * h).dimshuffle(0, "x")  # (2, 1), changes every step
            b = (W * h).dimshuffle("x", 0, 1)[0]  # (2, 3)
            return acc + at.dot(a.T, b), h * 0.9

        (acc, h), _ = aesara.scan(
            step,
            sequences=[X],
            outputs_info=[at.zeros((1, 3)), at.as_tensor(np.float64(1.0))],
            non_sequences=[W],
        )
        last = acc[-1]
        fg = _apply(push_out_dot1_scan, [X, W], [last, h])
        (node,) = _scan_nodes(fg)
        assert node.op.info.n_sit_sot == 1 and node.op.info.n_nit_sot == 2
        vals = [_rng().normal(size=(4, 2)), _rng(1).normal(size=(2, 3))]
        _check_values([X, W], [last, h], vals)

    def test_not_with_an_invariant_and_a_computed_operand(self):
        x = at.dvector("x")
        W = at.dmatrix("W")

        def step(x_t, acc, h, W):
            return acc + at.dot(at.sin(h * x_t) * at.ones((2,)), W), h + x_t

        (acc, h), _ = aesara.scan(
            step,
            sequences=[x],
            outputs_info=[at.zeros((3,)), at.as_tensor(np.float64(0.5))],
            non_sequences=[W],
        )
        fg = FunctionGraph([x, W], [acc[-1], h], clone=True)
        (node,) = _scan_nodes(fg)
        assert push_out_dot1_scan.transform(fg, node) is False
        vals = [np.linspace(0, 1, 4), _rng(1).normal(size=(2, 3))]
        _check_values([x, W], [acc[-1], h], vals)

    def test_not_when_the_trace_is_used(self):
        X = at.dmatrix("X")
        W = at.dmatrix("W")

        def step(x_t, acc, W):
            return acc + at.dot(x_t, W)

        out, _ = aesara.scan(
            step, sequences=[X], outputs_info=[at.zeros((3,))], non_sequences=[W]
        )
        fg = FunctionGraph([X, W], [out, out[-1]], clone=True)
        (node,) = _scan_nodes(fg)
        assert push_out_dot1_scan.transform(fg, node) is False
        vals = [_rng().normal(size=(4, 2)), _rng(1).normal(size=(2, 3))]
        f = _check_values([X, W], [out, out[-1]], vals)
        assert len(_fn_scans(f)) == 1

    def test_not_when_the_state_is_read_elsewhere(self):
        X = at.dmatrix("X")
        W = at.dmatrix("W")

        def step(x_t, acc, W):
            return acc + at.dot(x_t, W), acc.sum()

        (acc, s), _ = aesara.scan(
            step, sequences=[X], outputs_info=[at.zeros((3,)), None], non_sequences=[W]
        )
        fg = FunctionGraph([X, W], [acc[-1], s], clone=True)
        (node,) = _scan_nodes(fg)
        assert push_out_dot1_scan.transform(fg, node) is False
        vals = [_rng().normal(size=(4, 2)), _rng(1).normal(size=(2, 3))]
        _check_values([X, W], [acc[-1], s], vals)


class TestPushOutAdd:
    def test_sum_of_a_sequence(self):
        X = at.dmatrix("X")
        acc0 = at.dvector("acc0")
        out, _ = aesara.scan(
            lambda x_t, acc: acc + x_t, sequences=[X], outputs_info=[acc0]
        )
        last = out[-1]
        fg = _apply(push_out_add_scan, [X, acc0], [last])
        assert _scan_nodes(fg) == []
        f = _check_values([X, acc0], last, [_rng().normal(size=(5, 3)), np.ones(3)])
        assert _fn_scans(f) == []

    def test_sum_of_an_invariant(self):
        w = at.dvector("w")
        out, _ = aesara.scan(
            lambda acc, w: acc + w,
            outputs_info=[at.zeros((2,))],
            non_sequences=[w],
            n_steps=7,
        )
        last = out[-1]
        fg = _apply(push_out_add_scan, [w], [last])
        assert _scan_nodes(fg) == []
        _check_values([w], last, [np.array([0.5, -1.0])])

    def test_sum_of_an_elementwise_term(self):
        # ``exp(x[t])`` becomes a sequence first (push_out_seq_scan).
        X = at.dmatrix("X")
        out, _ = aesara.scan(
            lambda x_t, acc: acc + at.exp(x_t),
            sequences=[X],
            outputs_info=[at.zeros((2,))],
        )
        f = _check_values([X], out[-1], [_rng().normal(size=(4, 2))])
        assert _fn_scans(f) == []

    def test_not_on_a_term_computed_from_a_state(self):
        # Summing it outside would store it at every step: left alone.
        x = at.dvector("x")

        def step(x_t, acc, h):
            return acc + at.sin(h) * x_t, h + x_t

        (acc, h), _ = aesara.scan(
            step,
            sequences=[x],
            outputs_info=[at.as_tensor(np.float64(0.0)), at.as_tensor(np.float64(1.0))],
        )
        last = acc[-1]
        fg = FunctionGraph([x], [last, h], clone=True)
        (node,) = _scan_nodes(fg)
        assert push_out_add_scan.transform(fg, node) is False
        f = _check_values([x], [last, h], [np.linspace(0, 1, 6)])
        (node,) = _fn_scans(f)
        assert node.op.info.n_sit_sot == 2

    def test_not_when_the_trace_is_used(self):
        X = at.dmatrix("X")
        out, _ = aesara.scan(
            lambda x_t, acc: acc + x_t, sequences=[X], outputs_info=[at.zeros((3,))]
        )
        fg = FunctionGraph([X], [out], clone=True)
        (node,) = _scan_nodes(fg)
        assert push_out_add_scan.transform(fg, node) is False
        f = _check_values([X], out, [_rng().normal(size=(4, 3))])
        assert len(_fn_scans(f)) == 1

    def test_not_on_while_loops(self):
        x = at.dvector("x")

        def step(x_t, acc):
            return acc + x_t, until(x_t > 2)

        out, _ = aesara.scan(
            step, sequences=[x], outputs_info=[at.as_tensor(np.float64(0.0))]
        )
        fg = FunctionGraph([x], [out[-1]], clone=True)
        (node,) = _scan_nodes(fg)
        assert push_out_add_scan.transform(fg, node) is False
        _check_values([x], out[-1], [np.arange(6.0)])


# ---------------------------------------------------------------------------------
# merge
# ---------------------------------------------------------------------------------


class TestScanMerge:
    def test_two_maps_merged(self):
        x = at.dvector("x")
        a, _ = aesara.scan(
            lambda v, s: s * at.sin(v),
            sequences=[x],
            outputs_info=[at.as_tensor(np.float64(1.0))],
        )
        b, _ = aesara.scan(
            lambda v, s: s + at.cos(v),
            sequences=[x],
            outputs_info=[at.as_tensor(np.float64(0.0))],
        )
        fg = FunctionGraph([x], [a, b], clone=True)
        ScanMerge().rewrite(fg)
        (node,) = _scan_nodes(fg)
        assert node.op.info.n_sit_sot == 2
        f = _check_values([x], [a, b], [np.linspace(0, 1, 5)])
        assert len(_fn_scans(f)) == 1

    def test_not_when_one_reads_the_other(self):
        x = at.dvector("x")
        a, _ = aesara.scan(
            lambda v, s: s * at.sin(v),
            sequences=[x],
            outputs_info=[at.as_tensor(np.float64(1.0))],
        )
        b, _ = aesara.scan(
            lambda v, s: s + at.cos(v),
            sequences=[a],
            outputs_info=[at.as_tensor(np.float64(0.0))],
        )
        fg = FunctionGraph([x], [b], clone=True)
        ScanMerge().rewrite(fg)
        assert len(_scan_nodes(fg)) == 2
        f = _check_values([x], b, [np.linspace(0, 1, 5)])
        assert len(_fn_scans(f)) == 2

    def test_not_with_other_step_counts(self):
        x = at.dvector("x")
        a, _ = aesara.scan(
            lambda s: s * 2.0, outputs_info=[at.as_tensor(np.float64(1.0))], n_steps=3
        )
        b, _ = aesara.scan(
            lambda s: s + 1.0, outputs_info=[at.as_tensor(np.float64(0.0))], n_steps=4
        )
        fg = FunctionGraph([x], [a + x.sum(), b], clone=True)
        ScanMerge().rewrite(fg)
        assert len(_scan_nodes(fg)) == 2
        c, _ = aesara.scan(
            lambda s: s + 1.0, outputs_info=[at.as_tensor(np.float64(0.0))], n_steps=3
        )
        fg = FunctionGraph([x], [a + x.sum(), c], clone=True)
        ScanMerge().rewrite(fg)
        assert len(_scan_nodes(fg)) == 1
        _check_values([x], [a + x.sum(), c], [np.ones(2)])

    def test_while_loops(self):
        x = at.dvector("x")

        def make(fn):
            def step(v, s):
                return fn(s, v), until(v > 2.5)

            out, _ = aesara.scan(
                step, sequences=[x], outputs_info=[at.as_tensor(np.float64(0.0))]
            )
            return out

        a = make(lambda s, v: s + v)
        b = make(lambda s, v: s * 0.5 + v)
        # Same outer sequence, same condition: merged.
        x_seq_a = a.owner.inputs[0].owner.inputs[1]
        b_node = b.owner.inputs[0].owner
        b_node.inputs[1] = x_seq_a  # both read the very same outer sequence
        fg = FunctionGraph([x], [a, b], clone=True)
        ScanMerge().rewrite(fg)
        assert len(_scan_nodes(fg)) == 1
        _check_values([x], [a, b], [np.arange(6.0)])

    def test_while_loops_with_other_conditions(self):
        x = at.dvector("x")

        def step_a(v, s):
            return s + v, until(v > 2.5)

        def step_b(v, s):
            return s + v, until(v > 1.5)

        a, _ = aesara.scan(
            step_a, sequences=[x], outputs_info=[at.as_tensor(np.float64(0.0))]
        )
        b, _ = aesara.scan(
            step_b, sequences=[x], outputs_info=[at.as_tensor(np.float64(0.0))]
        )
        fg = FunctionGraph([x], [a, b], clone=True)
        ScanMerge().rewrite(fg)
        assert len(_scan_nodes(fg)) == 2
        _check_values([x], [a, b], [np.arange(6.0)])


def _hand_made_scan(inner_ins, inner_outs, info, outer_ins):
    op = Scan(inner_ins, inner_outs, info)
    return op(*outer_ins, return_list=True)


class TestScanMergeInouts:
    def test_repeated_sequence_merged(self):
        x = at.dvector("x")
        n = x.shape[0]
        t1, t2 = at.dscalar("t1"), at.dscalar("t2")
        info = ScanInfo(
            n_seqs=2,
            mit_mot_in_slices=(),
            mit_mot_out_slices=(),
            mit_sot_in_slices=(),
            sit_sot_in_slices=(),
            n_nit_sot=1,
            n_shared_outs=0,
            n_non_seqs=0,
            as_while=False,
        )
        (out,) = _hand_made_scan([t1, t2], [t1 * t2], info, [n, x, x, n])
        fg = _apply(scan_merge_inouts, [x], [out])
        (node,) = _scan_nodes(fg)
        assert node.op.info.n_seqs == 1
        f = aesara.function([x], out, mode=REF_MODE)
        g = aesara.function(fg.inputs, fg.outputs, mode=REF_MODE)
        np.testing.assert_allclose(g([1.0, 2.0, 3.0])[0], f([1.0, 2.0, 3.0]))

    def _two_states(self, upd_a, upd_b):
        x = at.dvector("x")
        n = x.shape[0]
        buf = expand_empty(at.zeros((1,)), n)
        t = at.dscalar("t")
        a, b = at.dscalar("a"), at.dscalar("b")
        info = ScanInfo(
            n_seqs=1,
            mit_mot_in_slices=(),
            mit_mot_out_slices=(),
            mit_sot_in_slices=(),
            sit_sot_in_slices=((-1,), (-1,)),
            n_nit_sot=0,
            n_shared_outs=0,
            n_non_seqs=0,
            as_while=False,
        )
        outs = _hand_made_scan(
            [t, a, b], [upd_a(t, a, b), upd_b(t, a, b)], info, [n, x, buf, buf]
        )
        return x, outs

    def test_equal_states_merged(self):
        x, (a, b) = self._two_states(lambda t, a, b: a + t, lambda t, a, b: b + t)
        fg = _apply(scan_merge_inouts, [x], [a, b])
        (node,) = _scan_nodes(fg)
        assert fg.outputs[0] is fg.outputs[1]
        xv = np.arange(4.0)
        f = aesara.function([x], [a, b], mode=REF_MODE)
        g = aesara.function(fg.inputs, fg.outputs, mode=REF_MODE)
        for r, e in zip(g(xv), f(xv)):
            np.testing.assert_allclose(r, e)
        h = _check_values([x], [a, b], [xv])
        (node,) = _fn_scans(h)
        assert node.op.info.n_sit_sot == 1

    def test_different_states_not_merged(self):
        x, (a, b) = self._two_states(lambda t, a, b: a + t, lambda t, a, b: b * t)
        fg = FunctionGraph([x], [a, b], clone=True)
        (node,) = _scan_nodes(fg)
        assert scan_merge_inouts.transform(fg, node) is False
        _check_values([x], [a, b], [np.arange(1.0, 5.0)])

    def test_assumptions_are_checked_together(self):
        # a' = a + c and b' = b + d look alike if c and d are assumed equal,
        # but c' = c + t and d' = d * t differ: nothing may be merged.
        x = at.dvector("x")
        n = x.shape[0]
        buf = expand_empty(at.ones((1,)), n)
        t = at.dscalar("t")
        a, b, c, d = (at.dscalar(s) for s in "abcd")
        info = ScanInfo(
            n_seqs=1,
            mit_mot_in_slices=(),
            mit_mot_out_slices=(),
            mit_sot_in_slices=(),
            sit_sot_in_slices=((-1,),) * 4,
            n_nit_sot=0,
            n_shared_outs=0,
            n_non_seqs=0,
            as_while=False,
        )
        outs = _hand_made_scan(
            [t, a, b, c, d],
            [a + c, b + d, c + t, d * t],
            info,
            [n, x, buf, buf, buf, buf],
        )
        fg = FunctionGraph([x], outs, clone=True)
        (node,) = _scan_nodes(fg)
        assert scan_merge_inouts.transform(fg, node) is False
        _check_values([x], outs, [np.arange(2.0, 6.0)])

    def test_equal_nit_sot_outputs_merged(self):
        x = at.dvector("x")

        def step(v, s):
            return at.sin(s * v), at.exp(s * v) * 2.0, at.exp(s * v) * 2.0

        (s, a, b), _ = aesara.scan(
            step,
            sequences=[x],
            outputs_info=[at.as_tensor(np.float64(1.0)), None, None],
        )
        fg = _apply(scan_merge_inouts, [x], [s, a, b])
        (node,) = _scan_nodes(fg)
        assert node.op.info.n_nit_sot == 1
        assert fg.outputs[1] is fg.outputs[2]
        _check_values([x], [s, a, b], [np.linspace(0, 1, 4)])


# ---------------------------------------------------------------------------------
# registration
# ---------------------------------------------------------------------------------


def test_registered_names():
    for name in (
        "scan_remove_constants_and_unused_inputs0",
        "scan_pushout_nonseqs_ops",
        "scan_pushout_seqs_ops",
        "scan_pushout_dot1",
        "scan_pushout_add",
    ):
        assert name in scan_seqopt1.__db__
    for name in (
        "constant_folding_for_scan2",
        "scan_remove_constants_and_unused_inputs1",
        "scan_merge",
        "scan_remove_constants_and_unused_inputs2",
        "scan_merge_inouts",
        "scan_remove_constants_and_unused_inputs3",
    ):
        assert name in scan_eqopt2.__db__
    assert "all_pushout_opt" in scan_eqopt1.__db__


def test_subclass_kept():
    class MyScan(Scan):
        pass

    x = at.dvector("x")
    W = at.dvector("W")
    out, _ = aesara.scan(
        lambda x_t, W: x_t * at.exp(W).sum(), sequences=[x], non_sequences=[W]
    )
    node = out.owner
    op = node.op
    sub = MyScan(op.inner_inputs, op.inner_outputs, op.info)
    new_out = sub(*node.inputs)
    fg = FunctionGraph([x, W], [new_out * 1.0], clone=True)
    (snode,) = _scan_nodes(fg)
    res = push_out_non_seq_scan.transform(fg, snode)
    assert res
    new_node = res[snode.outputs[0]].owner
    assert type(new_node.op) is MyScan


# ---------------------------------------------------------------------------------
# Each registered name fires in the default pipeline and keeps the values
# (``check_rewrite`` also compiles with the rewrite excluded, and without any).
# ---------------------------------------------------------------------------------


def _zero():
    return at.as_tensor(np.float64(0.0))


def test_catalog_cleanup():
    x, w = at.dvector("x"), at.dscalar("w")
    xv = np.linspace(0.0, 1.0, 4)
    # An unused non-sequence, dropped before the push-outs.
    out, _ = aesara.scan(lambda x_t, w: x_t * 2.0, sequences=[x], non_sequences=[w])
    check_rewrite(
        "scan_remove_constants_and_unused_inputs0",
        inputs=[x, w],
        outputs=out,
        values=[xv, 1.0],
        linker="py",
    )
    # An output nobody uses.
    (a, b), _ = aesara.scan(
        lambda x_t, s: (s + x_t, at.exp(x_t) * s),
        sequences=[x],
        outputs_info=[_zero(), None],
    )
    check_rewrite(
        "scan_remove_unused_outputs0", inputs=[x], outputs=a, values=[xv], linker="py"
    )
    # A non-sequence that canonicalization folds into a constant.
    c = at.exp(at.constant(np.array([1.0, 2.0])))
    out, _ = aesara.scan(
        lambda x_t, s, c: s * x_t + c,
        sequences=[x],
        outputs_info=[at.zeros((2,))],
        non_sequences=[c],
    )
    check_rewrite(
        "scan_remove_constants_and_unused_inputs1",
        inputs=[x],
        outputs=out,
        values=[xv],
        linker="py",
    )
    # An output that only its shape used: gone after canonicalization, and
    # the non-sequence only it read with it.
    (a, b), _ = aesara.scan(
        lambda v, s, w: (s * v + 1.0, v * w),
        sequences=[x],
        outputs_info=[_zero(), None],
        non_sequences=[w],
    )
    y = a.sum() + b.shape[0]
    check_rewrite(
        "scan_remove_unused_outputs1",
        inputs=[x, w],
        outputs=y,
        values=[xv, 2.0],
        linker="py",
    )
    check_rewrite(
        "scan_remove_constants_and_unused_inputs3",
        inputs=[x, w],
        outputs=y,
        values=[xv, 2.0],
        linker="py",
    )
    # Constants that survive to the scan stage (constant folding excluded
    # elsewhere).
    out, _ = aesara.scan(
        lambda v, s: s * v + 1.0, sequences=[x], outputs_info=[_zero()]
    )
    check_rewrite(
        "constant_folding_for_scan2",
        inputs=[x],
        outputs=out + at.exp(at.constant(1.0)),
        values=[xv],
        mode=aesara.compile.mode.get_mode("FAST_RUN").excluding(
            "constant_folding", "topo_constant_folding"
        ),
        linker="py",
    )


def test_catalog_merge():
    x = at.dvector("x")
    xv = np.linspace(0.0, 1.0, 4)
    a, _ = aesara.scan(
        lambda v, s: at.sin(s * v),
        sequences=[x],
        outputs_info=[at.as_tensor(np.float64(1.0))],
    )
    b, _ = aesara.scan(
        lambda v, s: at.cos(s + v), sequences=[x], outputs_info=[_zero()]
    )
    fg = check_rewrite(
        "scan_merge", inputs=[x], outputs=[a, b], values=[xv], linker="py"
    )
    assert len(_scan_nodes(fg)) == 1
    # The merged loop reads ``x`` twice.
    check_rewrite(
        "scan_remove_constants_and_unused_inputs2",
        inputs=[x],
        outputs=[a, b],
        values=[xv],
        linker="py",
    )
    (c, d), _ = aesara.scan(
        lambda v, s1, s2: (s1 * v + 1.0, s2 * v + 1.0),
        sequences=[x],
        outputs_info=[_zero(), _zero()],
    )
    fg = check_rewrite(
        "scan_merge_inouts", inputs=[x], outputs=[c, d], values=[xv], linker="py"
    )
    (node,) = _scan_nodes(fg)
    assert node.op.info.n_sit_sot == 1


def test_catalog_pushout():
    x, X = at.dvector("x"), at.dmatrix("X")
    W = at.dmatrix("W")
    xv = np.linspace(0.0, 1.0, 4)
    Xv, Wv = _rng().normal(size=(5, 2)), _rng(1).normal(size=(2, 3))
    out, _ = aesara.scan(
        lambda x_t, h, W: at.tanh(h * x_t + at.exp(W).sum()),
        sequences=[x],
        outputs_info=[_zero()],
        non_sequences=[W],
    )
    check_rewrite(
        "scan_pushout_nonseqs_ops",
        inputs=[x, W],
        outputs=out,
        values=[xv, Wv],
        linker="py",
    )
    out, _ = aesara.scan(
        lambda x_t, s: s * at.exp(x_t * 2.0),
        sequences=[x],
        outputs_info=[at.as_tensor(np.float64(1.0))],
    )
    check_rewrite(
        "scan_pushout_seqs_ops", inputs=[x], outputs=out, values=[xv], linker="py"
    )
    out, _ = aesara.scan(
        lambda x_t, acc, W: acc + at.dot(x_t, W),
        sequences=[X],
        outputs_info=[at.zeros((3,))],
        non_sequences=[W],
    )
    fg = check_rewrite(
        "scan_pushout_dot1",
        inputs=[X, W],
        outputs=out[-1],
        values=[Xv, Wv],
        linker="py",
    )
    assert _scan_nodes(fg) == []
    out, _ = aesara.scan(
        lambda x_t, acc: acc + x_t, sequences=[X], outputs_info=[at.zeros((2,))]
    )
    fg = check_rewrite(
        "scan_pushout_add", inputs=[X], outputs=out[-1], values=[Xv], linker="py"
    )
    assert _scan_nodes(fg) == []
