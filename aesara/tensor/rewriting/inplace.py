"""In-place rewrites: let ops overwrite an input instead of allocating.

They run last (the ``inplace_db`` stage of :data:`aesara.compile.mode.optdb`,
after the :class:`~aesara.graph.destroyhandler.DestroyHandler` is attached).
Every candidate is checked by the graph's features: the destroy handler
rejects destroying a constant, memory destroyed twice, or a value other
nodes still need but cannot be ordered before the destroyer; the function's
``Supervisor`` rejects destroying its non-mutable inputs and its outputs.

* :class:`InplaceElemwiseOptimizer` makes Elemwise nodes compute an output
  in the storage of an input of the same type.
* :func:`local_inplace_setsubtensor`, :func:`local_inplace_AdvancedIncSubtensor1`
  and :func:`local_inplace_AdvancedIncSubtensor` switch ``set_subtensor`` /
  ``inc_subtensor`` to their in-place versions.

The BLAS in-place rewrites live in :mod:`aesara.tensor.rewriting.blas`.
"""

from __future__ import annotations

from aesara.compile import mode as compile_mode
from aesara.graph.basic import Apply, Constant, Variable
from aesara.graph.destroyhandler import DestroyHandler
from aesara.graph.features import ReplaceValidate
from aesara.graph.fg import FunctionGraph
from aesara.graph.rewriting.basic import (
    GraphRewriter,
    copy_stack_trace,
    in2out,
    node_rewriter,
)
from aesara.graph.utils import InconsistencyError
from aesara.tensor.elemwise import Elemwise
from aesara.tensor.subtensor import IncSubtensor
from aesara.tensor.subtensor_advanced import AdvancedIncSubtensor, AdvancedIncSubtensor1

__all__ = [
    "InplaceElemwiseOptimizer",
    "inplace_elemwise_optimizer",
    "local_inplace_AdvancedIncSubtensor",
    "local_inplace_AdvancedIncSubtensor1",
    "local_inplace_setsubtensor",
]


def _protected_inputs(fgraph: FunctionGraph) -> set:
    """Variables the graph's features forbid destroying (cheap pre-filter)."""
    protected: set = set()
    for f in getattr(fgraph, "_features", ()):
        prot = getattr(f, "protected", None)
        if prot is not None:
            protected.update(prot)
    protected.update(fgraph.outputs)
    return protected


def _may_destroy(fgraph: FunctionGraph, var: Variable, protected: set) -> bool:
    """A quick check that ``var``'s memory may be destroyed (validation decides)."""
    if isinstance(var, Constant) or getattr(var.tag, "indestructible", False):
        return False
    dh = getattr(fgraph, "destroy_handler", None)
    root = dh._root(var) if dh is not None else var
    if root in protected or isinstance(root, Constant):
        return False
    if dh is not None and fgraph.has_destroyers([var]):
        return False
    return True


class InplaceElemwiseOptimizer(GraphRewriter):
    """Make Elemwise nodes write their outputs into the storage of an input.

    An input qualifies for an output when it has the output's exact type
    (dtype and static shape, so no broadcasting stretches it), is not a
    constant and is not protected; among those, inputs with fewer other
    readers are tried first. The graph's validation has the final word.
    """

    def add_requirements(self, fgraph: FunctionGraph) -> None:
        fgraph.attach_feature(ReplaceValidate())
        if not hasattr(fgraph, "destroy_handler"):
            fgraph.attach_feature(DestroyHandler())

    def _try(self, fgraph, node: Apply, pattern: dict) -> Apply | None:
        op = node.op
        try:
            new_op = Elemwise(op.scalar_op, pattern, nfunc_spec=op.nfunc_spec)
            new_node = new_op.make_node(*node.inputs)
        except (TypeError, ValueError):
            return None
        if any(o.type != n.type for o, n in zip(node.outputs, new_node.outputs)):
            return None
        for o, n in zip(node.outputs, new_node.outputs):
            copy_stack_trace(o, n)
        try:
            fgraph.replace_all_validate(
                list(zip(node.outputs, new_node.outputs)),
                reason="inplace_elemwise_optimizer",
            )
        except InconsistencyError:
            return None
        return new_node

    def apply(self, fgraph: FunctionGraph):
        protected = _protected_inputs(fgraph)
        nb_inplace = 0
        for node in list(fgraph.toposort()):
            if type(node.op) is not Elemwise or node.op.inplace_pattern:
                continue
            if node not in fgraph.apply_nodes:
                continue
            pattern: dict[int, int] = {}
            for o_idx, out in enumerate(node.outputs):
                candidates = [
                    i
                    for i, inp in enumerate(node.inputs)
                    if i not in pattern.values()
                    and inp.type == out.type
                    and _may_destroy(fgraph, inp, protected)
                ]
                candidates.sort(
                    key=lambda i: len(fgraph.clients.get(node.inputs[i], ()))
                )
                for i in candidates:
                    new_node = self._try(fgraph, node, {**pattern, o_idx: i})
                    if new_node is not None:
                        pattern[o_idx] = i
                        node = new_node
                        nb_inplace += 1
                        break
        return {"nb_inplace": nb_inplace}

    def __str__(self):
        return "InplaceElemwiseOptimizer"


inplace_elemwise_optimizer = InplaceElemwiseOptimizer()


@node_rewriter([IncSubtensor])
def local_inplace_setsubtensor(fgraph, node):
    """``set_subtensor``/``inc_subtensor`` writing into their first input."""
    op = node.op
    if op.inplace:
        return None
    new_op = IncSubtensor(
        op.idx_list,
        inplace=True,
        set_instead_of_inc=op.set_instead_of_inc,
        destroyhandler_tolerate_aliased=op.destroyhandler_tolerate_aliased,
    )
    new = new_op(*node.inputs)
    copy_stack_trace(node.outputs, new)
    return [new]


@node_rewriter([AdvancedIncSubtensor1])
def local_inplace_AdvancedIncSubtensor1(fgraph, node):
    """Integer-vector ``set``/``inc`` writing into their first input."""
    if node.op.inplace:
        return None
    new = node.op.clone_inplace()(*node.inputs)
    copy_stack_trace(node.outputs, new)
    return [new]


@node_rewriter([AdvancedIncSubtensor])
def local_inplace_AdvancedIncSubtensor(fgraph, node):
    """Advanced-index ``set``/``inc`` writing into their first input."""
    op = node.op
    if op.inplace:
        return None
    new_op = type(op)(
        inplace=True,
        set_instead_of_inc=op.set_instead_of_inc,
        ignore_duplicates=op.ignore_duplicates,
    )
    new = new_op(*node.inputs)
    copy_stack_trace(node.outputs, new)
    return [new]


_inplace_db = compile_mode.optdb["inplace_db"]
_inplace_db.register(
    "local_inplace_setsubtensor",
    in2out(local_inplace_setsubtensor, name="local_inplace_setsubtensor"),
    "fast_run",
    "inplace",
    position=60,
)
_inplace_db.register(
    "local_inplace_AdvancedIncSubtensor1",
    in2out(
        local_inplace_AdvancedIncSubtensor1,
        name="local_inplace_AdvancedIncSubtensor1",
    ),
    "fast_run",
    "inplace",
    position=60.1,
)
_inplace_db.register(
    "local_inplace_AdvancedIncSubtensor",
    in2out(
        local_inplace_AdvancedIncSubtensor, name="local_inplace_AdvancedIncSubtensor"
    ),
    "fast_run",
    "inplace",
    position=60.2,
)
_inplace_db.register(
    "inplace_elemwise_opt",
    inplace_elemwise_optimizer,
    "fast_run",
    "inplace",
    "inplace_elemwise_optimizer",
    "inplace_opt",
    position=75,
)
