"""Scan rewrites that merge loops, and the repeated inputs and outputs of one loop.

* :class:`ScanMerge`: Scan nodes that run the same number of steps, do not
  depend on one another and (for while loops) stop on the same condition
  become one loop;
* :func:`scan_merge_inouts`: an outer value passed twice to one Scan (as two
  sequences or two non-sequences) is passed once, and outputs that compute
  the same thing from the same inputs are computed once.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from aesara.graph.basic import (
    Apply,
    Variable,
    clone_replace,
    equal_computations,
    graph_inputs,
    is_in_ancestors,
)
from aesara.graph.features import ReplaceValidate
from aesara.graph.fg import FunctionGraph
from aesara.graph.rewriting.basic import (
    GraphRewriter,
    WalkingGraphRewriter,
    _handle_rewrite_failure,
    in2out,
    node_rewriter,
)
from aesara.graph.utils import InconsistencyError
from aesara.scan.op import Scan
from aesara.scan.rewriting import scan_eqopt2
from aesara.scan.rewriting._utils import new_scan_like, same_n_steps
from aesara.scan.rewriting.cleanup import (
    remove_constants_and_unused_inputs_scan,
    remove_unused_outputs_scan,
)
from aesara.scan.utils import ScanArgs, compress_outs
from aesara.tensor.rewriting.basic import constant_folding

__all__ = ["ScanMerge", "scan_merge_inouts"]


def _paired_inner_inputs(node: Apply, rep: Apply) -> tuple[list, list]:
    """Inner inputs of two Scan nodes that stand for the same outer value.

    Sequences are paired with sequences and non-sequences with
    non-sequences when their outer inputs are the same variable.
    """
    left, right = [], []
    for inner_of, outer_of in (
        (Scan.inner_seqs, Scan.outer_seqs),
        (Scan.inner_non_seqs, Scan.outer_non_seqs),
    ):
        rep_by_outer: dict[Variable, Variable] = {}
        for i, o in zip(
            inner_of(rep.op, rep.op.inner_inputs), outer_of(rep.op, rep.inputs)
        ):
            rep_by_outer.setdefault(o, i)
        for i, o in zip(
            inner_of(node.op, node.op.inner_inputs), outer_of(node.op, node.inputs)
        ):
            if o in rep_by_outer and rep_by_outer[o].type == i.type:
                left.append(i)
                right.append(rep_by_outer[o])
    return left, right


class ScanMerge(GraphRewriter):
    """Merge Scan nodes that can run as one loop.

    Two Scan nodes are merged when their ops are of the same class with the
    same mode, gradient truncation and kind of loop, neither works in place,
    they run the same number of steps (the same variable, equal constants or
    equal computations), neither depends on the other, and, for while loops,
    their conditions compute the same thing from the same outer values. The
    merged loop's inputs and outputs are the concatenation, kind by kind, of
    the nodes'.
    """

    def add_requirements(self, fgraph: Any) -> None:
        """Attach a ``ReplaceValidate`` feature (replacements are validated)."""
        if not any(isinstance(f, ReplaceValidate) for f in fgraph._features):
            fgraph.attach_feature(ReplaceValidate())

    def belongs_to_set(self, node: Apply, set_nodes: Sequence[Apply]) -> bool:
        """Whether ``node`` can be merged with every node of ``set_nodes``.

        Parameters
        ----------
        node
            A Scan node.
        set_nodes
            Scan nodes already found mergeable together.

        Returns
        -------
        bool
        """
        rep = set_nodes[0]
        op, rop = node.op, rep.op
        if (
            type(op) is not type(rop)
            or op.info.as_while != rop.info.as_while
            or op.truncate_gradient != rop.truncate_gradient
            or op.mode != rop.mode
            or op.destroy_map
            or rop.destroy_map
        ):
            return False
        if not same_n_steps(node.inputs[0], rep.inputs[0]):
            return False
        for other in set_nodes:
            if is_in_ancestors(node, other) or is_in_ancestors(other, node):
                return False
        if not op.info.as_while:
            return True
        left, right = _paired_inner_inputs(node, rep)
        return equal_computations(
            [op.inner_outputs[-1]], [rop.inner_outputs[-1]], left, right
        )

    def merge(self, nodes: Sequence[Apply]) -> list[tuple[Variable, Variable]]:
        """One Scan node doing the work of ``nodes``.

        Parameters
        ----------
        nodes
            Mergeable Scan nodes (see :meth:`belongs_to_set`).

        Returns
        -------
        list of (Variable, Variable)
            Each output of ``nodes`` with its replacement.
        """
        merged = None
        for nd in nodes:
            # Copies of the inner graphs: no two nodes share inner inputs.
            args = ScanArgs.from_node(nd, clone=True)
            merged = args if merged is None else merged.merge(args)
        assert merged is not None
        names = [nd.op.name for nd in nodes if nd.op.name]
        new_op = new_scan_like(
            nodes[0].op,
            merged.inner_inputs,
            merged.inner_outputs,
            merged.info,
            name="&".join(names) if names else None,
        )
        new_outs = new_op(*merged.outer_inputs, return_list=True)
        return list(zip(merged.outer_outputs, new_outs))

    def apply(self, fgraph: Any) -> None:
        """Merge the Scan nodes of ``fgraph``, one mergeable set at a time."""
        refused: set[frozenset] = set()
        while True:
            scans = [nd for nd in fgraph.toposort() if isinstance(nd.op, Scan)]
            sets: list[list[Apply]] = []
            for nd in scans:
                for s in sets:
                    if frozenset(s + [nd]) in refused:
                        continue
                    if self.belongs_to_set(nd, s):
                        s.append(nd)
                        break
                else:
                    sets.append([nd])
            todo = [s for s in sets if len(s) > 1 and frozenset(s) not in refused]
            if not todo:
                return
            subset = todo[0]
            try:
                pairs = self.merge(subset)
                fgraph.replace_all_validate_remove(
                    pairs, remove=subset, reason="scan_merge"
                )
            except InconsistencyError:
                # A merge the graph's features refuse: leave these nodes apart.
                refused.add(frozenset(subset))
            except Exception as exc:
                refused.add(frozenset(subset))
                _handle_rewrite_failure(exc, self)


def _dedupe_inputs(outer: list, inner: list, equiv: dict) -> tuple[list, list]:
    new_outer: list = []
    new_inner: list = []
    for o, i in zip(outer, inner):
        for k, seen in enumerate(new_outer):
            if seen is o and new_inner[k].type == i.type:
                equiv[i] = new_inner[k]
                break
        else:
            new_outer.append(o)
            new_inner.append(i)
    return new_outer, new_inner


def _state_entries(args: ScanArgs) -> list[tuple[str, int, tuple, Any, list, list]]:
    """``(kind, index, taps, outer input, inner inputs, inner outputs)`` per state."""
    res = []
    for j in range(len(args.outer_in_mit_mot)):
        res.append(
            (
                "mit_mot",
                j,
                (tuple(args.mit_mot_in_slices[j]), tuple(args.mit_mot_out_slices[j])),
                args.outer_in_mit_mot[j],
                list(args.inner_in_mit_mot[j]),
                list(args.inner_out_mit_mot[j]),
            )
        )
    for j in range(len(args.outer_in_mit_sot)):
        res.append(
            (
                "mit_sot",
                j,
                tuple(args.mit_sot_in_slices[j]),
                args.outer_in_mit_sot[j],
                list(args.inner_in_mit_sot[j]),
                [args.inner_out_mit_sot[j]],
            )
        )
    for kind in ("sit_sot", "shared"):
        for j in range(len(getattr(args, f"outer_in_{kind}"))):
            res.append(
                (
                    kind,
                    j,
                    (),
                    getattr(args, f"outer_in_{kind}")[j],
                    [getattr(args, f"inner_in_{kind}")[j]],
                    [getattr(args, f"inner_out_{kind}")[j]],
                )
            )
    return res


def _equal_outputs(xs: list, ys: list, mapping: dict) -> bool:
    """Whether ``xs`` and ``ys`` are equal once ``mapping``'s inputs are identified."""
    if mapping:
        used = set(graph_inputs(list(xs) + list(ys)))
        relevant = {k: v for k, v in mapping.items() if k in used}
        if relevant:
            # One clone of both sides (they share subgraphs).
            both = clone_replace(list(xs) + list(ys), replace=relevant)
            xs, ys = both[: len(xs)], both[len(xs) :]
    return equal_computations(xs, ys)


@node_rewriter([Scan])
def scan_merge_inouts(fgraph: FunctionGraph, node: Apply) -> dict | bool:
    """Merge repeated inputs and repeated outputs of a Scan node.

    Sequences (and non-sequences) whose outer inputs are the same variable
    become one. Then two outputs of the same kind are merged when they have
    the same outer input (buffer, length or shared value), the same taps,
    and inner outputs computing the same thing, assuming the states merged
    together hold equal values (the largest such set of states is found by
    dropping, until none is left, the pairs whose step values differ under
    the assumption). The copies are no longer computed: their uses read the
    original, and so does the step wherever it read a copy's state.
    """
    op = node.op
    a = ScanArgs.from_node(node, clone=False)
    equiv: dict[Variable, Variable] = {}
    a.outer_in_seqs, a.inner_in_seqs = _dedupe_inputs(
        a.outer_in_seqs, a.inner_in_seqs, equiv
    )
    a.outer_in_non_seqs, a.inner_in_non_seqs = _dedupe_inputs(
        a.outer_in_non_seqs, a.inner_in_non_seqs, equiv
    )
    if equiv:
        new_op = new_scan_like(
            op,
            a.inner_inputs,
            clone_replace(a.inner_outputs, replace=equiv),
            a.info,
        )
        new_outs = new_op(*a.outer_inputs, return_list=True)
        na = ScanArgs(
            a.outer_inputs,
            new_outs,
            new_op.inner_inputs,
            new_op.inner_outputs,
            new_op.info,
            clone=False,
        )
        base = dict(zip(node.outputs, na.outer_outputs))
    else:
        na = a
        base = {}

    # -- states: assume equal those with the same buffer and taps, then drop
    #    the assumptions their step values contradict --------------------------------
    entries = _state_entries(na)
    rep_of: dict[int, int] = {}
    first_of: dict[tuple, int] = {}
    for n, (kind, _, taps, outer, _, _) in enumerate(entries):
        key = (kind, taps, outer)
        if key in first_of:
            rep_of[n] = first_of[key]
        else:
            first_of[key] = n

    def mapping_of(assumed):
        m: dict[Variable, Variable] = {}
        for n, r in assumed.items():
            for i, ri in zip(entries[n][4], entries[r][4]):
                m[i] = ri
        return m

    changed = True
    while changed and rep_of:
        changed = False
        m = mapping_of(rep_of)
        for n in list(rep_of):
            if not _equal_outputs(entries[n][5], entries[rep_of[n]][5], m):
                del rep_of[n]
                changed = True
                break
    m = mapping_of(rep_of)

    # -- nit_sot outputs: same length and equal step values ---------------------------
    outer_state_outs = (
        na.outer_out_mit_mot
        + na.outer_out_mit_sot
        + na.outer_out_sit_sot
        + na.outer_out_shared
    )
    copy_of: dict[Variable, Variable] = {
        outer_state_outs[n]: outer_state_outs[r] for n, r in rep_of.items()
    }
    seen: list[int] = []
    for j, (length, out) in enumerate(zip(na.outer_in_nit_sot, na.inner_out_nit_sot)):
        for s in seen:
            if na.outer_in_nit_sot[s] is length and _equal_outputs(
                [out], [na.inner_out_nit_sot[s]], m
            ):
                copy_of[na.outer_out_nit_sot[j]] = na.outer_out_nit_sot[s]
                break
        else:
            seen.append(j)
    if not copy_of and not base:
        return False

    # -- one loop without the copies (they read their originals' states) --------------
    position = {v: k for k, v in enumerate(na.outer_outputs)}
    current = new_op if base else op
    if copy_of:
        with_originals = clone_replace(list(current.inner_outputs), replace=m)
        current = new_scan_like(op, current.inner_inputs, with_originals, current.info)
        dropped = sorted(position[v] for v in copy_of)
        ins, outs, info, outer_ins, old_to_new = compress_outs(
            current, dropped, na.outer_inputs
        )
        final_op = new_scan_like(op, ins, outs, info)
        final_outs = final_op(*outer_ins, return_list=True)
    else:
        final_outs = list(na.outer_outputs)
        old_to_new = {k: k for k in range(len(final_outs))}
    res: dict[Any, Any] = {}
    for old in node.outputs:
        v = base.get(old, old)
        v = copy_of.get(v, v)
        res[old] = final_outs[old_to_new[position[v]]]
    res["remove"] = [node]
    return res


# -- registration of ``scan_eqopt2`` (Aesara's names and order) -------------------------
#
# The database is an equilibrium: each pass runs these graph rewriters in this
# order. The cleanups after a merge catch what the merge made redundant
# (``scan_merge`` repeats the inputs the loops shared: cleanup 2); outputs that
# lost their clients during the earlier stages go last, and the inputs only
# they read with them (cleanup 3).


def _cleanup() -> WalkingGraphRewriter:
    return in2out(remove_constants_and_unused_inputs_scan, ignore_newtrees=True)


_CLEANUP_TAGS = ("remove_constants_and_unused_inputs_scan", "fast_run", "scan")

scan_eqopt2.register(
    "constant_folding_for_scan2",
    in2out(constant_folding, ignore_newtrees=True),
    "fast_run",
    "scan",
)
scan_eqopt2.register(
    "scan_remove_constants_and_unused_inputs1", _cleanup(), *_CLEANUP_TAGS
)
scan_eqopt2.register("scan_merge", ScanMerge(), "fast_run", "scan")
scan_eqopt2.register(
    "scan_remove_constants_and_unused_inputs2", _cleanup(), *_CLEANUP_TAGS
)
scan_eqopt2.register(
    "scan_merge_inouts",
    in2out(scan_merge_inouts, ignore_newtrees=True),
    "fast_run",
    "scan",
)
scan_eqopt2.register(
    "scan_remove_unused_outputs1",
    in2out(remove_unused_outputs_scan, ignore_newtrees=True),
    "remove_unused_outputs_scan",
    "fast_run",
    "scan",
)
scan_eqopt2.register(
    "scan_remove_constants_and_unused_inputs3", _cleanup(), *_CLEANUP_TAGS
)
