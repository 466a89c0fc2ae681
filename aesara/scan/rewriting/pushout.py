"""Scan rewrites that move work out of the loop.

* :func:`push_out_non_seq_scan`: inner computations that read only
  non-sequences and constants give the same value at every step: they are
  computed once, before the loop, and passed in as non-sequences;
* :func:`push_out_seq_scan`: element-wise computations (and dimshuffles) of
  sequences, non-sequences and constants are done once on the whole
  sequences, before the loop, and passed in as new sequences;
* :func:`push_out_dot1_scan`: an accumulation ``acc = acc + dot(x[t], W)``
  of which only the final value is used becomes one matrix product outside
  the loop;
* :func:`push_out_add_scan`: an accumulation ``acc = acc + x[t]`` (a
  sequence, or a loop invariant) of which only the final value is used
  becomes one sum over the steps.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from typing import Any

from aesara.graph.basic import (
    Apply,
    Constant,
    Variable,
    clone_replace,
    graph_inputs,
    io_toposort,
)
from aesara.graph.fg import FunctionGraph
from aesara.graph.rewriting.basic import in2out, node_rewriter
from aesara.scan.op import Scan
from aesara.scan.rewriting import scan_seqopt1
from aesara.scan.rewriting._utils import (
    first_steps,
    inner_clients,
    last_step_user,
    new_scan_like,
)
from aesara.scan.utils import ScanArgs, safe_new

__all__ = [
    "push_out_add_scan",
    "push_out_dot1_scan",
    "push_out_non_seq_scan",
    "push_out_seq_scan",
]


def _may_move(node) -> bool:
    """Whether a node of an inner graph may be computed elsewhere."""
    from aesara.compile.ops import DeepCopyOp, ViewOp

    op = node.op
    if isinstance(op, (DeepCopyOp, ViewOp)):
        return False
    return not getattr(op, "destroy_map", None)


def _trace_length(node, nit_k: int) -> Any:
    """The length of the ``nit_k``-th nit_sot trace of a (for) Scan node."""
    from aesara.tensor.math import minimum

    n_steps = node.inputs[0]
    length = node.op.outer_nitsot(node.inputs)[nit_k]
    if length is n_steps:
        return n_steps
    return minimum(n_steps, length)


def _replace_nitsot_only_scan(node, values: list[tuple[str, Variable]]) -> dict | None:
    """Replacements for a Scan with only nit_sot outputs, each computed outside.

    ``values[k]`` is ``("const", v)`` when step ``k``'s value is ``v`` at
    every step, or ``("trace", X)`` when it is ``X[t]`` at step ``t``.
    """
    from aesara.tensor.basic import alloc

    n_steps = node.inputs[0]
    res: dict[Any, Any] = {}
    for k, (kind, v) in enumerate(values):
        length = _trace_length(node, k)
        if kind == "const":
            new = alloc(v, length, *[v.shape[d] for d in range(v.type.ndim)])
        elif length is n_steps:
            new = v[:n_steps]
        else:
            new = v[n_steps - length : n_steps]
        old = node.op.outer_nitsot_outs(node.outputs)[k]
        if new.type.dtype != old.type.dtype or new.type.ndim != old.type.ndim:
            return None
        res[old] = new
    res["remove"] = [node]
    return res


def _only_nit_sot(op: Scan) -> bool:
    info = op.info
    return (
        not info.as_while
        and info.n_mit_mot == 0
        and info.n_mit_sot == 0
        and info.n_sit_sot == 0
        and info.n_shared_outs == 0
    )


@node_rewriter([Scan])
def push_out_non_seq_scan(fgraph: FunctionGraph, node: Apply) -> dict | bool:
    """Compute once, before the loop, what a Scan's step computes from loop invariants.

    An inner node whose inputs are non-sequences, constants or results of
    such nodes gives the same value at every step. It is rebuilt on the
    outer non-sequences and its results used by the rest of the step (or
    returned by it) become new non-sequences. When nothing else is left and
    every output is a nit_sot of a for loop, the whole Scan becomes
    ``alloc``\\ s of the invariant values.
    """
    op = node.op
    ins, outs = op.inner_inputs, op.inner_outputs
    outer_of = dict(
        zip(op.inner_non_seqs(ins), op.outer_non_seqs(node.inputs))
    )  # inner non-sequence -> outer value
    pushed: dict[Variable, Variable] = {}  # inner variable -> outer value
    topo = io_toposort(ins, outs)
    remaining = []
    for nd in topo:
        movable = _may_move(nd) and all(
            isinstance(x, Constant) or x in outer_of or x in pushed for x in nd.inputs
        )
        if movable:
            try:
                new_inputs = [
                    x
                    if isinstance(x, Constant)
                    else x.type.filter_variable(outer_of.get(x, pushed.get(x)))
                    for x in nd.inputs
                ]
                new_node = nd.op.make_node(*new_inputs)
            except (TypeError, ValueError):
                movable = False
        if not movable:
            remaining.append(nd)
            continue
        for o, no in zip(nd.outputs, new_node.outputs):
            pushed[o] = no

    if not pushed:
        return False
    if not remaining and _only_nit_sot(op):
        values = []
        for o in op.inner_nitsot_outs(outs):
            if isinstance(o, Constant):
                values.append(("const", o))
            elif o in outer_of:
                values.append(("const", outer_of[o]))
            elif o in pushed:
                values.append(("const", pushed[o]))
            else:
                values = None
                break
        if values is not None:
            res = _replace_nitsot_only_scan(node, values)
            if res is not None:
                return res

    needed = {x for nd in remaining for x in nd.inputs} | set(outs)
    chosen = [v for v in pushed if v in needed]
    if not chosen:
        return False
    givens: dict[Variable, Variable] = {}
    new_inner, new_outer = [], []
    for v in chosen:
        outer = pushed[v]
        if isinstance(outer, Constant):
            givens[v] = outer
            continue
        placeholder = safe_new(v, "_pushed")
        givens[v] = placeholder
        new_inner.append(placeholder)
        new_outer.append(v.type.filter_variable(outer))
    inner_outputs = clone_replace(outs, replace=givens)
    info = op.info
    new_info = dataclasses.replace(info, n_non_seqs=info.n_non_seqs + len(new_inner))
    new_op = new_scan_like(op, list(ins) + new_inner, inner_outputs, new_info)
    new_outs = new_op(*(list(node.inputs) + new_outer), return_list=True)
    res = dict(zip(node.outputs, new_outs))
    res["remove"] = [node]
    return res


@node_rewriter([Scan])
def push_out_seq_scan(fgraph: FunctionGraph, node: Apply) -> dict | bool:
    """Do a Scan's element-wise work on whole sequences, before the loop.

    An inner ``Elemwise`` node whose inputs are sequences, non-sequences,
    constants or results of such nodes (at least one depending on a
    sequence), or a ``DimShuffle`` of such a result, is rebuilt on the outer
    sequences (time as a new first axis). Its results that the rest of the
    step uses become new sequences. When nothing else is left and every
    output is a nit_sot of a for loop, the Scan is replaced by the outer
    results.
    """
    from aesara.tensor.elemwise import DimShuffle, Elemwise
    from aesara.tensor.shape import shape_padleft

    op = node.op
    ins, outs = op.inner_inputs, op.inner_outputs
    n_steps = node.inputs[0]
    seq_of = dict(zip(op.inner_seqs(ins), op.outer_seqs(node.inputs)))
    non_seq_of = dict(zip(op.inner_non_seqs(ins), op.outer_non_seqs(node.inputs)))
    pushed: dict[Variable, Variable] = {}  # inner variable -> outer trace
    remaining = []

    def over_time(x):
        return seq_of.get(x, pushed.get(x))

    for nd in io_toposort(ins, outs):
        new_out = None
        if isinstance(nd.op, Elemwise) and _may_move(nd):
            traced = [over_time(x) for x in nd.inputs]
            ok = any(t is not None for t in traced) and all(
                t is not None or isinstance(x, Constant) or x in non_seq_of
                for x, t in zip(nd.inputs, traced)
            )
            if ok:
                distinct = {id(t) for t in traced if t is not None}
                new_inputs = []
                for x, t in zip(nd.inputs, traced):
                    if t is not None:
                        new_inputs.append(
                            first_steps(t, n_steps) if len(distinct) > 1 else t
                        )
                    else:
                        v = x if isinstance(x, Constant) else non_seq_of[x]
                        new_inputs.append(shape_padleft(v))
                try:
                    new_out = nd.op.make_node(*new_inputs).outputs
                except (TypeError, ValueError):
                    new_out = None
        elif isinstance(nd.op, DimShuffle) and over_time(nd.inputs[0]) is not None:
            order = (0,) + tuple(o if o == "x" else o + 1 for o in nd.op.new_order)
            try:
                new_out = [over_time(nd.inputs[0]).dimshuffle(order)]
            except (TypeError, ValueError):
                new_out = None
        if new_out is None:
            remaining.append(nd)
            continue
        for o, no in zip(nd.outputs, new_out):
            if no.type.dtype != o.type.dtype or no.type.ndim != o.type.ndim + 1:
                break
        else:
            for o, no in zip(nd.outputs, new_out):
                pushed[o] = no
            continue
        remaining.append(nd)

    if not remaining and _only_nit_sot(op):
        values = []
        for o in op.inner_nitsot_outs(outs):
            if over_time(o) is not None:
                values.append(("trace", over_time(o)))
            elif isinstance(o, Constant):
                values.append(("const", o))
            elif o in non_seq_of:
                values.append(("const", non_seq_of[o]))
            else:
                values = None
                break
        if values is not None and (pushed or op.info.n_nit_sot):
            res = _replace_nitsot_only_scan(node, values)
            if res is not None:
                return res

    if not pushed:
        return False
    needed = {x for nd in remaining for x in nd.inputs}
    chosen = [v for v in pushed if v in needed]
    if not chosen:
        return False
    givens: dict[Variable, Variable] = {}
    new_inner, new_outer = [], []
    for v in chosen:
        placeholder = safe_new(v, "_pushed")
        givens[v] = placeholder
        new_inner.append(placeholder)
        new_outer.append(pushed[v])
    inner_outputs = clone_replace(outs, replace=givens)
    info = op.info
    new_info = dataclasses.replace(info, n_seqs=info.n_seqs + len(new_inner))
    new_op = new_scan_like(op, new_inner + list(ins), inner_outputs, new_info)
    outer_inputs = [node.inputs[0]] + new_outer + list(node.inputs[1:])
    new_outs = new_op(*outer_inputs, return_list=True)
    res = dict(zip(node.outputs, new_outs))
    res["remove"] = [node]
    return res


# ---------------------------------------------------------------------------------
# Accumulations: acc[t] = acc[t-1] + e[t], only the final value used
# ---------------------------------------------------------------------------------


def _accumulations(
    fgraph: FunctionGraph, node: Apply
) -> Iterator[tuple[int, Variable, Variable]]:
    """The sit_sot states of ``node`` that are sums of per-step terms.

    Yields ``(k, term, target)`` for each sit_sot ``k`` whose step is
    ``acc + term`` (``term`` not reading ``acc``), whose state and new value
    the step uses nowhere else, and whose trace is used only through its
    last entry ``target``.
    """
    from aesara.scalar.basic import Add
    from aesara.tensor.elemwise import Elemwise

    op = node.op
    if op.info.as_while:
        return
    ins, outs = op.inner_inputs, op.inner_outputs
    clients = None
    states = op.inner_sitsot(ins)
    new_values = op.inner_sitsot_outs(outs)
    traces = op.outer_sitsot_outs(node.outputs)
    for k, (acc, new, trace) in enumerate(zip(states, new_values, traces)):
        owner = new.owner
        if (
            owner is None
            or not isinstance(owner.op, Elemwise)
            or not isinstance(owner.op.scalar_op, Add)
            or len(owner.inputs) != 2
            or acc not in owner.inputs
        ):
            continue
        term = owner.inputs[1] if owner.inputs[0] is acc else owner.inputs[0]
        if term is acc or term.type.dtype != acc.type.dtype:
            continue
        if acc in graph_inputs([term]):
            continue
        if clients is None:
            clients = inner_clients(ins, outs)
        if len(clients.get(acc, [])) != 1 or len(clients.get(new, [])) != 1:
            continue
        target = last_step_user(fgraph, trace)
        if target is None:
            continue
        yield k, term, target


def _without_sit_sot(node, k: int, traced: list[Variable]):
    """A new Scan node without sit_sot ``k``, with nit_sot traces of ``traced``.

    Returns the replacements of the old node's other outputs and the outer
    traces of ``traced``.
    """
    op = node.op
    args = ScanArgs(
        node.inputs,
        list(range(len(node.outputs))),  # old output indices stand in
        op.inner_inputs,
        op.inner_outputs,
        op.info,
        clone=False,
    )
    for field in (
        "outer_in_sit_sot",
        "inner_in_sit_sot",
        "sit_sot_in_slices",
        "inner_out_sit_sot",
        "outer_out_sit_sot",
    ):
        del getattr(args, field)[k]
    for j, v in enumerate(traced):
        args.inner_out_nit_sot.append(v)
        args.outer_in_nit_sot.append(node.inputs[0])
        args.outer_out_nit_sot.append(f"new{j}")
    new_op = new_scan_like(op, args.inner_inputs, args.inner_outputs, args.info)
    new_outs = new_op(*args.outer_inputs, return_list=True)
    res: dict[Any, Any] = {}
    new_traces: list[Variable] = [None] * len(traced)  # type: ignore[list-item]
    for tag, new in zip(args.outer_outputs, new_outs):
        if isinstance(tag, str):
            new_traces[int(tag[3:])] = new
        else:
            res[node.outputs[tag]] = new
    return res, new_traces


def _initial_state(node, k: int) -> Variable:
    """The initial value of sit_sot ``k``: the first entry of its buffer."""
    return node.op.outer_sitsot(node.inputs)[k][0]


def _finish(node, k, target, res, total) -> dict:
    init = _initial_state(node, k)
    res[target] = init + total
    res["remove"] = [node]
    return res


@node_rewriter([Scan])
def push_out_dot1_scan(fgraph: FunctionGraph, node: Apply) -> dict | bool:
    """``acc = acc + dot(x[t], y[t])`` summed over the steps as one product.

    For a sit_sot of a for loop whose step is ``acc + dot(a, b)`` (vectors or
    matrices, neither reading ``acc``) and of which only the final value is
    used, that value becomes ``acc0 + dot(A, B)`` computed outside the loop,
    and the state leaves the loop:

    * one operand a sequence, the other a loop invariant (non-sequence or
      constant): ``A`` is the sum of the sequence over the steps;
    * neither operand invariant: the steps are laid side by side along the
      contracted axis, and an operand that is not a sequence is stored at
      every step as a new nit_sot output (this covers Aesara's
      ``push_out_add_scan`` on products of per-step matrices).
    """
    from aesara.tensor._products import Dot
    from aesara.tensor.math import dot

    op = node.op
    n_steps = node.inputs[0]
    seq_of = dict(zip(op.inner_seqs(op.inner_inputs), op.outer_seqs(node.inputs)))
    non_seq_of = dict(
        zip(op.inner_non_seqs(op.inner_inputs), op.outer_non_seqs(node.inputs))
    )

    def invariant(v):
        if isinstance(v, Constant):
            return v
        return non_seq_of.get(v)

    for k, term, target in _accumulations(fgraph, node):
        owner = term.owner
        if owner is None or not isinstance(owner.op, Dot):
            continue
        a, b = owner.inputs
        if a.type.ndim not in (1, 2) or b.type.ndim not in (1, 2):
            continue
        if a.type.dtype != term.type.dtype or b.type.dtype != term.type.dtype:
            continue
        a_inv, b_inv = invariant(a), invariant(b)
        if a in seq_of and b_inv is not None:
            res, _ = _without_sit_sot(node, k, [])
            total = dot(
                first_steps(seq_of[a], n_steps).sum(axis=0, dtype=a.type.dtype), b_inv
            )
            return _finish(node, k, target, res, total)
        if b in seq_of and a_inv is not None:
            res, _ = _without_sit_sot(node, k, [])
            total = dot(
                a_inv, first_steps(seq_of[b], n_steps).sum(axis=0, dtype=b.type.dtype)
            )
            return _finish(node, k, target, res, total)
        if a_inv is not None or b_inv is not None:
            continue  # the other operand would be stored at every step for one sum
        to_trace = [v for v in (a, b) if v not in seq_of]
        res, traces = _without_sit_sot(node, k, to_trace)
        traced = dict(zip(to_trace, traces))
        A = first_steps(seq_of[a], n_steps) if a in seq_of else traced[a]
        B = first_steps(seq_of[b], n_steps) if b in seq_of else traced[b]
        # Lay the steps side by side along the contracted axis.
        if a.type.ndim == 1:
            A2 = A.flatten()
        else:
            A2 = A.dimshuffle(1, 0, 2).reshape((A.shape[1], A.shape[0] * A.shape[2]))
        if b.type.ndim == 1:
            B2 = B.flatten()
        else:
            B2 = B.reshape((B.shape[0] * B.shape[1], B.shape[2]))
        return _finish(node, k, target, res, dot(A2, B2))
    return False


@node_rewriter([Scan])
def push_out_add_scan(fgraph: FunctionGraph, node: Apply) -> dict | bool:
    """``acc = acc + e[t]`` summed over the steps outside the loop.

    For a sit_sot of a for loop whose step is ``acc + e`` (``e`` not reading
    ``acc``) and of which only the final value is used, that value becomes
    ``acc0 + E[:n_steps].sum(0)`` when ``e`` is a sequence ``E`` (element-wise
    terms of sequences become sequences through :func:`push_out_seq_scan`
    first), or ``acc0 + n_steps * e`` when ``e`` is a loop invariant. The
    state leaves the loop. Other terms are left alone: summing them outside
    would store them at every step. (Products ``dot(a, b)`` are
    :func:`push_out_dot1_scan`'s.)
    """
    from aesara.tensor.basic import cast

    op = node.op
    n_steps = node.inputs[0]
    seq_of = dict(zip(op.inner_seqs(op.inner_inputs), op.outer_seqs(node.inputs)))
    non_seq_of = dict(
        zip(op.inner_non_seqs(op.inner_inputs), op.outer_non_seqs(node.inputs))
    )
    for k, term, target in _accumulations(fgraph, node):
        dtype = term.type.dtype
        if dtype == "bool":
            continue
        if term in seq_of:
            res, _ = _without_sit_sot(node, k, [])
            total = first_steps(seq_of[term], n_steps).sum(axis=0, dtype=dtype)
        elif isinstance(term, Constant) or term in non_seq_of:
            res, _ = _without_sit_sot(node, k, [])
            value = term if isinstance(term, Constant) else non_seq_of[term]
            total = value * cast(n_steps, dtype)
        else:
            continue
        return _finish(node, k, target, res, total)
    return False


# -- registration (Aesara's names and positions) -----------------------------------------

scan_seqopt1.register(
    "scan_pushout_nonseqs_ops",
    in2out(push_out_non_seq_scan, ignore_newtrees=True),
    "fast_run",
    "scan",
    "scan_pushout",
    position=2,
)
scan_seqopt1.register(
    "scan_pushout_seqs_ops",
    in2out(push_out_seq_scan, ignore_newtrees=True),
    "fast_run",
    "scan",
    "scan_pushout",
    position=3,
)
scan_seqopt1.register(
    "scan_pushout_dot1",
    in2out(push_out_dot1_scan, ignore_newtrees=True),
    "fast_run",
    "more_mem",
    "scan",
    "scan_pushout",
    position=4,
)
scan_seqopt1.register(
    "scan_pushout_add",
    in2out(push_out_add_scan, ignore_newtrees=True),
    "fast_run",
    "more_mem",
    "scan",
    "scan_pushout",
    position=5,
)
