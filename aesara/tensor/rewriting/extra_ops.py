"""Rewrites of the ops of :mod:`aesara.tensor.extra_ops` (``Unique``, ``BroadcastTo``).

``unique(x)`` (values only, flattened) does not change when ``x`` is first
copied into a bigger array by ``alloc``, ``broadcast_to``, ``repeat`` or
``second`` -- provided that copy is not empty. These rewrites drop the copy.
Where the new shape or the repeat counts are not known to be positive at
compile time the rewrite is not applied: an empty copy has no unique values,
while ``x`` has some.
"""

from __future__ import annotations

import numpy as np

import aesara.scalar.basic as aes
from aesara.graph.basic import Apply, Constant, Variable
from aesara.graph.rewriting.basic import node_rewriter
from aesara.tensor.basic import Alloc, get_scalar_constant_value
from aesara.tensor.elemwise import Elemwise
from aesara.tensor.exceptions import NotScalarConstantError
from aesara.tensor.extra_ops import BroadcastTo, RepeatOp, Unique
from aesara.tensor.rewriting.basic import register_canonicalize, register_useless

__all__ = [
    "local_Unique_Alloc_lift",
    "local_Unique_BroadcastTo_lift",
    "local_Unique_Repeat_lift",
    "local_Unique_scalar",
    "local_Unique_second",
    "local_remove_scalar_BroadcastTo",
]

# Aesara's name for the repeat op; ours is ``RepeatOp``.
Repeat = RepeatOp


def _values_only(op: Unique) -> bool:
    """Whether ``op`` returns only the flattened unique values."""
    return not (
        op.return_index or op.return_inverse or op.return_counts or op.axis is not None
    )


def _positive_constant(v: Variable) -> bool:
    """Whether ``v`` is known at compile time to hold only positive numbers."""
    if isinstance(v, Constant):
        data = np.asarray(v.data)
        return data.size > 0 and bool(np.all(data > 0))
    try:
        return get_scalar_constant_value(v) > 0
    except NotScalarConstantError:
        return False


def _unique_of(node: Apply, x: Variable) -> list[Variable]:
    """``node``'s ``Unique`` applied to ``x``, typed like the old output."""
    new = node.op.make_node(x).outputs[0]
    old = node.outputs[0]
    return [old.type.filter_variable(new, allow_convert=True)]


@register_useless
@register_canonicalize
@node_rewriter([Unique])
def local_Unique_scalar(fgraph, node):
    """``unique(x) -> [x]`` for a scalar ``x`` (values only)."""
    op = node.op
    if not isinstance(op, Unique) or (
        op.return_index or op.return_inverse or op.return_counts
    ):
        return False
    x = node.inputs[0]
    if x.type.ndim != 0:
        return False
    old = node.outputs[0]
    new = x.dimshuffle("x").astype(old.type.dtype)
    return [old.type.filter_variable(new, allow_convert=True)]


@register_useless
@register_canonicalize
@node_rewriter([Unique])
def local_Unique_Alloc_lift(fgraph, node):
    """``unique(alloc(x, *shape)) -> unique(x)`` when every size is positive."""
    if not isinstance(node.op, Unique) or not _values_only(node.op):
        return False
    src = node.inputs[0].owner
    if src is None or not isinstance(src.op, Alloc):
        return False
    x, *shape = src.inputs
    if not all(_positive_constant(s) for s in shape):
        return False
    return _unique_of(node, x)


@register_useless
@register_canonicalize
@node_rewriter([Unique])
def local_Unique_BroadcastTo_lift(fgraph, node):
    """``unique(broadcast_to(x, shape)) -> unique(x)`` when every size is positive."""
    if not isinstance(node.op, Unique) or not _values_only(node.op):
        return False
    src = node.inputs[0].owner
    if src is None or not isinstance(src.op, BroadcastTo):
        return False
    x, *shape = src.inputs
    if not all(_positive_constant(s) for s in shape):
        return False
    return _unique_of(node, x)


@register_useless
@register_canonicalize
@node_rewriter([Unique])
def local_Unique_Repeat_lift(fgraph, node):
    """``unique(repeat(x, r)) -> unique(x)`` when the counts ``r`` are positive constants."""
    if not isinstance(node.op, Unique) or not _values_only(node.op):
        return False
    src = node.inputs[0].owner
    if src is None or not isinstance(src.op, RepeatOp):
        return False
    x, repeats = src.inputs
    if not _positive_constant(repeats):
        return False
    return _unique_of(node, x)


@register_useless
@register_canonicalize
@node_rewriter([Unique])
def local_Unique_second(fgraph, node):
    """``unique(second(s, x)) -> unique(x)`` when ``s`` has no zero-size dimension.

    ``second(s, x)`` broadcasts ``x`` to the shape of ``s``; the sizes of
    ``s`` must be known (statically) to be positive.
    """
    if not isinstance(node.op, Unique) or not _values_only(node.op):
        return False
    src = node.inputs[0].owner
    if not (
        src is not None
        and isinstance(src.op, Elemwise)
        and isinstance(src.op.scalar_op, aes.Second)
    ):
        return False
    shape_of, x = src.inputs
    if not all(s is not None and s > 0 for s in shape_of.type.shape):
        return False
    return _unique_of(node, x)


@register_useless
@register_canonicalize
@node_rewriter([BroadcastTo])
def local_remove_scalar_BroadcastTo(fgraph, node):
    """``broadcast_to(x, ()) -> x``: broadcasting a scalar to no dimensions."""
    if not isinstance(node.op, BroadcastTo) or len(node.inputs) > 1:
        return False
    x = node.inputs[0]
    if x.type.ndim != 0:
        return False
    return [x]
