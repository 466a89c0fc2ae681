"""Let Scan write its states into their outer buffers instead of copies.

Without a ``destroy_map``, the loop (:class:`~aesara.scan.op.ScanRunner`)
copies each mit_mot, mit_sot and sit_sot buffer it receives before writing the
steps into it. :class:`ScanInplaceOptimizer` gives a Scan node a
``destroy_map`` so that it writes into the buffers themselves, where the
graph allows it: the :class:`~aesara.graph.destroyhandler.DestroyHandler`
validates each change (no other reader of the buffer may need its value after
the loop, no other input of the loop may share its memory), and the
function's features refuse the destruction of its inputs and constants.

Only buffers computed in the graph by ops that do not return views qualify
(the ``set_subtensor`` of an allocation that :func:`~aesara.scan.basic.scan`
builds, allocations themselves): a view may be read-only, or share its memory
with a value the destroy handler cannot see. An allocation with several
clients is computed again for the loop, so that writing into it leaves the
other clients' copy alone.

The rewrite runs in the in-place stage of :data:`aesara.compile.mode.optdb`
(``scan_make_inplace``, position 75, tags ``fast_run``, ``inplace``,
``scan``).
"""

from __future__ import annotations

from aesara.compile import optdb
from aesara.graph.basic import Apply, Constant
from aesara.graph.destroyhandler import DestroyHandler
from aesara.graph.features import ReplaceValidate
from aesara.graph.fg import FunctionGraph
from aesara.graph.rewriting.basic import GraphRewriter, copy_stack_trace
from aesara.graph.utils import InconsistencyError
from aesara.scan.op import Scan

__all__ = ["ScanInplaceOptimizer"]


def _alloc_ops() -> tuple:
    from aesara.tensor.basic import Alloc, AllocEmpty

    return (Alloc, AllocEmpty)


class ScanInplaceOptimizer(GraphRewriter):
    """Make Scan nodes compute their recurrent states in their input buffers.

    For each Scan node, every state buffer that qualifies is tried at once;
    if the graph rejects that, each is tried alone.
    """

    def add_requirements(self, fgraph: FunctionGraph) -> None:
        fgraph.attach_feature(ReplaceValidate())
        if not hasattr(fgraph, "destroy_handler"):
            fgraph.attach_feature(DestroyHandler())

    @staticmethod
    def _candidate(fgraph: FunctionGraph, node: Apply, in_idx: int) -> bool:
        """Whether the buffer ``node.inputs[in_idx]`` may be worth destroying."""
        buf = node.inputs[in_idx]
        if isinstance(buf, Constant) or getattr(buf.tag, "indestructible", False):
            return False
        owner = buf.owner
        if owner is None:
            # A function input (destroying it is the Supervisor's business;
            # mutable inputs are left alone too).
            return False
        out_idx = owner.outputs.index(buf)
        if out_idx in (getattr(owner.op, "view_map", None) or {}):
            return False
        # The same variable given for two inputs of the loop: never in place.
        if sum(1 for v in node.inputs if v is buf) > 1:
            return False
        if fgraph.has_destroyers([buf]):
            # Already destroyed by another node (the graph would reject a
            # second destroyer; an allocation is copied below instead).
            return isinstance(owner.op, _alloc_ops())
        return True

    def _attempt(
        self, fgraph: FunctionGraph, node: Apply, states: list[int]
    ) -> Apply | None:
        """Replace ``node`` by a copy writing the ``states``' buffers in place."""
        op = node.op
        first = 1 + op.info.n_seqs
        inputs = list(node.inputs)
        for k in states:
            buf = inputs[first + k]
            owner = buf.owner
            if (
                owner is not None
                and isinstance(owner.op, _alloc_ops())
                and len(fgraph.clients.get(buf, ())) > 1
            ):
                # A fresh allocation of the loop's own.
                new_buf = owner.op.make_node(*owner.inputs).outputs[
                    owner.outputs.index(buf)
                ]
                copy_stack_trace(buf, new_buf)
                inputs[first + k] = new_buf
        new_op = op.clone()
        destroy_map = {k: list(v) for k, v in op.destroy_map.items()}
        for k in states:
            destroy_map[k] = [first + k]
        new_op.destroy_map = destroy_map
        new_node = new_op.make_node(*inputs)
        for o, n in zip(node.outputs, new_node.outputs):
            copy_stack_trace(o, n)
        try:
            fgraph.replace_all_validate_remove(
                list(zip(node.outputs, new_node.outputs)),
                remove=[node],
                reason="scan_make_inplace",
            )
        except InconsistencyError:
            return None
        return new_node

    def apply(self, fgraph: FunctionGraph):
        nb_inplace = 0
        for node in reversed(list(fgraph.toposort())):
            if not isinstance(node.op, Scan) or node not in fgraph.apply_nodes:
                continue
            op = node.op
            info = op.info
            n_states = info.n_mit_mot + info.n_mit_sot + info.n_sit_sot
            first = 1 + info.n_seqs
            states = [
                k
                for k in range(n_states)
                if k not in op.destroy_map and self._candidate(fgraph, node, first + k)
            ]
            if not states:
                continue
            new_node = self._attempt(fgraph, node, states)
            if new_node is not None:
                nb_inplace += len(states)
                continue
            if len(states) == 1:
                continue
            for k in states:
                tried = self._attempt(fgraph, node, [k])
                if tried is not None:
                    node = tried
                    nb_inplace += 1
        return {"nb_inplace": nb_inplace}

    def __str__(self) -> str:
        return "ScanInplaceOptimizer"


optdb.register(
    "scan_make_inplace",
    ScanInplaceOptimizer(),
    "fast_run",
    "inplace",
    "scan",
    position=75,
)
