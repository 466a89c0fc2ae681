"""Scan rewrites that simplify a loop's inputs and outputs.

* :func:`remove_constants_and_unused_inputs_scan`: constant sequences and
  non-sequences move into the inner graph (where they can be folded),
  inputs the inner graph does not read are dropped, and an outer value
  passed twice (as two sequences or two non-sequences) is passed once;
* :func:`remove_unused_outputs_scan`: outputs nobody uses are no longer
  computed, unless another output reads their state.
"""

from __future__ import annotations

import numpy as np

from aesara.graph.basic import (
    Apply,
    Constant,
    Variable,
    clone_replace,
    graph_inputs,
)
from aesara.graph.fg import FunctionGraph
from aesara.graph.rewriting.basic import in2out, node_rewriter
from aesara.scan.op import Scan
from aesara.scan.rewriting import scan_seqopt1
from aesara.scan.rewriting._utils import new_scan_like
from aesara.scan.utils import ScanArgs, compress_outs, scan_can_remove_outs

__all__ = ["remove_constants_and_unused_inputs_scan", "remove_unused_outputs_scan"]


def _as_inner_constant(value: object, inner: Variable) -> Variable | None:
    """A constant of ``inner``'s type holding ``value`` (``None`` if impossible)."""
    make = getattr(inner.type, "make_constant", None)
    if make is None:
        return None
    try:
        return make(value)
    except (TypeError, ValueError):
        return None


def _constant_step(outer: Variable, inner: Variable) -> Variable | None:
    """For a constant sequence whose steps are all equal, that step as a constant."""
    if not isinstance(outer, Constant):
        return None
    data = np.asarray(outer.data)
    if data.ndim < 1 or data.shape[0] == 0:
        return None
    first = data[0]
    try:
        same = bool(np.array_equal(data, np.broadcast_to(first, data.shape)))
    except (TypeError, ValueError):
        return None
    if not same:
        return None
    return _as_inner_constant(first, inner)


def _find_equal(kept: list[Variable], v: Variable) -> int | None:
    """The position of an outer input of ``kept`` computing the same as ``v``."""
    from aesara.graph.basic import equal_computations

    for k, w in enumerate(kept):
        if w is v:
            return k
    for k, w in enumerate(kept):
        if w.type == v.type and equal_computations([w], [v]):
            return k
    return None


@node_rewriter([Scan])
def remove_constants_and_unused_inputs_scan(
    fgraph: FunctionGraph, node: Apply
) -> dict | bool:
    """Fold constant inputs into a Scan's inner graph; drop unused and repeated ones.

    Only sequences and non-sequences are concerned (states keep their
    inputs):

    * a constant non-sequence becomes a constant of the inner graph;
    * a constant sequence whose steps are all equal becomes the constant
      step;
    * a sequence or non-sequence the inner graph does not read is dropped;
    * two sequences (or two non-sequences) computing the same outer value
      become one.
    """
    op = node.op
    args = ScanArgs.from_node(node, clone=False)
    used = set(graph_inputs(op.inner_outputs))
    givens: dict[Variable, Variable] = {}

    def sift(outers, inners, fold):
        kept_outer: list[Variable] = []
        kept_inner: list[Variable] = []
        for outer, inner in zip(outers, inners):
            if inner not in used:
                continue
            const = fold(outer, inner)
            if const is not None:
                givens[inner] = const
                continue
            k = _find_equal(kept_outer, outer)
            if k is not None and kept_inner[k].type == inner.type:
                givens[inner] = kept_inner[k]
                continue
            kept_outer.append(outer)
            kept_inner.append(inner)
        return kept_outer, kept_inner

    def fold_non_seq(outer, inner):
        if not isinstance(outer, Constant):
            return None
        if outer.type == inner.type:
            return outer
        return _as_inner_constant(outer.data, inner)

    seqs_out, seqs_in = sift(args.outer_in_seqs, args.inner_in_seqs, _constant_step)
    ns_out, ns_in = sift(args.outer_in_non_seqs, args.inner_in_non_seqs, fold_non_seq)
    n_before = len(args.inner_in_seqs) + len(args.inner_in_non_seqs)
    if len(seqs_in) + len(ns_in) == n_before:
        return False
    args.outer_in_seqs, args.inner_in_seqs = seqs_out, seqs_in
    args.outer_in_non_seqs, args.inner_in_non_seqs = ns_out, ns_in
    inner_outputs = args.inner_outputs
    if givens:
        inner_outputs = clone_replace(inner_outputs, replace=givens)
    new_op = new_scan_like(op, args.inner_inputs, inner_outputs, args.info)
    new_outs = new_op(*args.outer_inputs, return_list=True)
    res = dict(zip(node.outputs, new_outs))
    res["remove"] = [node]
    return res


@node_rewriter([Scan])
def remove_unused_outputs_scan(fgraph: FunctionGraph, node: Apply) -> dict | bool:
    """Stop computing the outputs of a Scan that nothing uses.

    An output without clients is dropped with its state (inner inputs,
    inner outputs, outer buffer) unless an output that stays reads that
    state (see :func:`~aesara.scan.utils.scan_can_remove_outs`).
    """
    op = node.op
    unused = [k for k, o in enumerate(node.outputs) if not fgraph.clients.get(o)]
    if not unused:
        return False
    _, removable = scan_can_remove_outs(op, unused)
    if not removable or len(removable) == len(node.outputs):
        return False
    ins, outs, info, outer_ins, old_to_new = compress_outs(op, removable, node.inputs)
    new_op = new_scan_like(op, ins, outs, info)
    new_outs = new_op(*outer_ins, return_list=True)
    res = {node.outputs[old]: new_outs[new] for old, new in old_to_new.items()}
    res["remove"] = [node]
    return res


# -- registration (Aesara's names and places) ------------------------------------------

scan_seqopt1.register(
    "scan_remove_constants_and_unused_inputs0",
    in2out(remove_constants_and_unused_inputs_scan, ignore_newtrees=True),
    "remove_constants_and_unused_inputs_scan",
    "fast_run",
    "scan",
    position=1,
)
scan_seqopt1.register(
    "scan_remove_unused_outputs0",
    in2out(remove_unused_outputs_scan, ignore_newtrees=True),
    "remove_unused_outputs_scan",
    "fast_run",
    "scan",
    position=1.5,
)
# The ``scan_eqopt2`` entries are registered in :mod:`.merge`, in Aesara's order
# (cleanups interleaved with the merges).
