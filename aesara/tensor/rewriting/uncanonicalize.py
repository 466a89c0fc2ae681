"""Rewrites of the ``uncanonicalize`` stage (``optdb`` position 3).

Canonicalization puts graphs in one standard form so that other rewrites
have fewer patterns to match; some of those forms are not the fastest to
run. After the stabilize stage, these rewrites undo a few of them:

* ``MaxAndArgmax`` with one output unused becomes ``Max`` or ``Argmax``;
* ``-max(-x)`` becomes ``min(x)``;
* a ``DimShuffle`` that only adds leading broadcastable dimensions is folded
  into the ``Alloc`` it feeds or reads;
* a ``DimShuffle`` that keeps the order of the dimensions is dropped in
  front of a ``Reshape``;
* a ``DimShuffle`` that only drops broadcastable dimensions of a
  ``Subtensor`` result is replaced by indexing those dimensions with 0.
"""

from __future__ import annotations

from aesara import scalar as aes
from aesara.graph.rewriting.basic import copy_stack_trace, node_rewriter
from aesara.tensor.basic import Alloc, alloc, constant
from aesara.tensor.elemwise import CAReduce, DimShuffle
from aesara.tensor.math import Argmax, Max, MaxAndArgmax, Min, neg
from aesara.tensor.rewriting.basic import register_uncanonicalize
from aesara.tensor.shape import Reshape, reshape
from aesara.tensor.subtensor import Subtensor, get_idx_list

__all__ = [
    "local_alloc_dimshuffle",
    "local_dimshuffle_alloc",
    "local_dimshuffle_subtensor",
    "local_max_and_argmax",
    "local_max_to_min",
    "local_reshape_dimshuffle",
]


def _only_adds_leading_dims(new_order: tuple, in_ndim: int) -> bool:
    """Whether ``new_order`` is ``('x', ..., 'x', 0, 1, ..., in_ndim - 1)``."""
    n_new = len(new_order) - in_ndim
    return n_new >= 0 and tuple(new_order) == ("x",) * n_new + tuple(range(in_ndim))


@register_uncanonicalize
@node_rewriter([MaxAndArgmax])
def local_max_and_argmax(fgraph, node):
    """``MaxAndArgmax`` whose argmax (or max) is unused -> ``Max`` (or ``Argmax``)."""
    if not isinstance(node.op, MaxAndArgmax):
        return False
    axis = node.op.axis
    max_out, argmax_out = node.outputs
    if not fgraph.clients.get(argmax_out):
        new = Max(axis)(node.inputs[0])
        copy_stack_trace(max_out, new)
        return [new, None]
    if not fgraph.clients.get(max_out):
        new = Argmax(axis)(node.inputs[0])
        copy_stack_trace(argmax_out, new)
        return [None, new]
    return False


def _is_neg(node) -> bool:
    return node is not None and node.op == neg


@register_uncanonicalize
@node_rewriter([neg])
def local_max_to_min(fgraph, node):
    """``-max(-x, axis) -> min(x, axis)``."""
    if not _is_neg(node):
        return False
    red = node.inputs[0].owner
    if not (
        red is not None
        and isinstance(red.op, CAReduce)
        and isinstance(red.op.scalar_op, aes.ScalarMaximum)
    ):
        return False
    inner = red.inputs[0].owner
    if not _is_neg(inner):
        return False
    new = Min(red.op.axis)(inner.inputs[0])
    copy_stack_trace(node.outputs[0], new)
    return [new]


@register_uncanonicalize
@node_rewriter([Alloc])
def local_alloc_dimshuffle(fgraph, node):
    """``alloc(x.dimshuffle('x', ..., 0, 1...), *shape) -> alloc(x, *shape)``.

    ``Alloc`` adds the leading dimensions itself.
    """
    if not isinstance(node.op, Alloc):
        return False
    ds = node.inputs[0].owner
    if ds is None or not isinstance(ds.op, DimShuffle):
        return False
    x = ds.inputs[0]
    if not _only_adds_leading_dims(ds.op.new_order, x.type.ndim):
        return False
    new = alloc(x, *node.inputs[1:])
    copy_stack_trace(node.outputs[0], new)
    return [new]


@register_uncanonicalize
@node_rewriter([Reshape])
def local_reshape_dimshuffle(fgraph, node):
    """``reshape(x.dimshuffle(...), shp) -> reshape(x, shp)`` when the
    ``DimShuffle`` keeps the order of ``x``'s dimensions (it only adds or
    drops broadcastable ones, which does not change the element order)."""
    if not isinstance(node.op, Reshape):
        return False
    ds = node.inputs[0].owner
    if ds is None or not isinstance(ds.op, DimShuffle):
        return False
    kept = [d for d in ds.op.new_order if d != "x"]
    if kept != list(range(len(kept))):
        return False
    out = node.outputs[0]
    new = reshape(ds.inputs[0], node.inputs[1], ndim=out.type.ndim)
    copy_stack_trace(out, new)
    return [out.type.filter_variable(new, allow_convert=True)]


@register_uncanonicalize
@node_rewriter([DimShuffle])
def local_dimshuffle_alloc(fgraph, node):
    """``alloc(x, *shape).dimshuffle('x', ..., 0, 1...) -> alloc(x, 1, ..., *shape)``."""
    if not isinstance(node.op, DimShuffle):
        return False
    src = node.inputs[0]
    if src.owner is None or not isinstance(src.owner.op, Alloc):
        return False
    if not _only_adds_leading_dims(node.op.new_order, src.type.ndim):
        return False
    n_new = len(node.op.new_order) - src.type.ndim
    x, *shape = src.owner.inputs
    new = alloc(x, *([1] * n_new), *shape)
    copy_stack_trace(node.outputs[0], new)
    return [new]


@register_uncanonicalize
@node_rewriter([DimShuffle])
def local_dimshuffle_subtensor(fgraph, node):
    """``x[idx].dimshuffle(kept)`` dropping broadcastable dimensions -> ``x[idx']``.

    The dropped dimensions of the ``Subtensor`` result have length 1; they
    are indexed with 0 in the new ``Subtensor`` instead of being sliced.
    Only applies when the ``DimShuffle`` adds no dimension and keeps the
    order, and each dropped dimension comes from a full slice ``:`` (or from
    a dimension the subtensor did not index).
    """
    if not isinstance(node.op, DimShuffle):
        return False
    order = node.op.new_order
    if "x" in order or list(order) != sorted(order):
        return False
    sub = node.inputs[0].owner
    if sub is None or not isinstance(sub.op, Subtensor):
        return False
    sub_out = node.inputs[0]
    dropped = set(range(sub_out.type.ndim)) - set(order)
    if not dropped:
        return False
    if not all(sub_out.type.shape[d] == 1 for d in dropped):
        return False
    x = sub.inputs[0]
    index = list(get_idx_list(sub.inputs, sub.op.idx_list))
    # Pad with full slices so that every dimension of ``x`` has an entry.
    index += [slice(None)] * (x.type.ndim - len(index))
    zero = constant(0, dtype="int64")
    out_dim = 0
    new_index = []
    for entry in index:
        if isinstance(entry, slice):
            if out_dim in dropped:
                if not (
                    entry.start is None and entry.stop is None and entry.step is None
                ):
                    return False
                new_index.append(zero)
            else:
                new_index.append(entry)
            out_dim += 1
        else:
            new_index.append(entry)
    new = x[tuple(new_index)]
    copy_stack_trace(node.outputs[0], new)
    return [node.outputs[0].type.filter_variable(new, allow_convert=True)]
