"""The in-place rewrite of the typed-list ops that change a list."""

from __future__ import annotations

from aesara.compile.mode import optdb
from aesara.graph.rewriting.basic import (
    WalkingGraphRewriter,
    copy_stack_trace,
    node_rewriter,
)
from aesara.typed_list.basic import Append, Extend, Insert, Remove, Reverse

__all__ = ["typed_list_inplace_rewrite"]

_MODIFYING_OPS = (Append, Extend, Insert, Reverse, Remove)


@node_rewriter(list(_MODIFYING_OPS), inplace=True)
def typed_list_inplace_rewrite(fgraph, node):
    """Replace a copying list op by its in-place version.

    The destroy handler rejects the replacement when the list is still read
    elsewhere, or is a graph input that is not mutable.
    """
    op = node.op
    if not isinstance(op, _MODIFYING_OPS) or op.inplace:
        return False
    new_out = type(op)(inplace=True).make_node(*node.inputs).outputs
    copy_stack_trace(node.outputs, new_out)
    return new_out


optdb.register(
    "typed_list_inplace_rewrite",
    WalkingGraphRewriter(
        typed_list_inplace_rewrite, failure_callback=WalkingGraphRewriter.warn_inplace
    ),
    "fast_run",
    "inplace",
    position=60,
)
