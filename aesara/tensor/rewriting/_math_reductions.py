"""Rewrites of reductions (``Sum``, ``Prod``, ``Max``, ``Min``, ``All``, ``Any``).

Registered in the ``canonicalize`` stage when
:mod:`aesara.tensor.rewriting.math` is imported:

* ``sum(sum(x, a), b) -> sum(x, a + b)`` (same for the other reductions);
* reductions over axes of static length 1 become a ``DimShuffle`` dropping
  them (and a cast), reductions over no axis disappear;
* ``sum(c * x) -> c * sum(x)`` and ``sum(x / c) -> sum(x) / c`` for a scalar
  ``c``; ``prod(c * x) -> c ** n * prod(x)``; ``sum(-x) -> -sum(x)``;
* ``sum(alloc(c, *shape)) -> c * n`` (spread over the kept dimensions);
* a reduction of a transposition (or of added broadcast dimensions) reduces
  first and transposes the smaller result;
* ``max(-x) -> -min(x)`` and ``min(-x) -> -max(x)``.

Rewrites that change how the sum accumulates only fire when no integer
upcast happens between the input and the output (an ``int8`` sum
accumulates in ``int64``; moving a product out of it would move where the
arithmetic wraps around).
"""

from __future__ import annotations

from typing import Any

import numpy as np

import aesara.scalar.basic as aes
from aesara.graph.basic import Variable
from aesara.graph.rewriting.basic import node_rewriter
from aesara.tensor import basic as _tb
from aesara.tensor import math as _tm
from aesara.tensor.elemwise import CAReduce, DimShuffle, _dimshuffle
from aesara.tensor.rewriting.basic import register_canonicalize, register_specialize
from aesara.tensor.rewriting.math import _finish, _scalar_op_of, is_neg

__all__ = [
    "local_max_of_neg",
    "local_op_of_op",
    "local_reduce_broadcastable",
    "local_reduce_dimshuffle",
    "local_reduce_no_axes",
    "local_sum_prod_alloc",
    "local_sum_prod_all_to_none",
    "local_sum_prod_div_dimshuffle",
    "local_sum_prod_mul_by_scalar",
]

_REDUCTIONS = (_tm.Sum, _tm.Prod, _tm.Max, _tm.Min, _tm.All, _tm.Any)


def _axes(op: CAReduce, ndim: int) -> tuple[int, ...]:
    return tuple(range(ndim)) if op.axis is None else tuple(op.axis)


def _rebuild(op: CAReduce, x: Variable, axes: tuple[int, ...]) -> Variable:
    """``op`` with ``axes`` (sorted) applied to ``x``."""
    axes = tuple(sorted(axes))
    if len(axes) == x.type.ndim and x.type.ndim > 0:
        new_op = op.clone(axis=None)
    else:
        new_op = op.clone(axis=axes)
    return new_op(x)


def _is_known_reduction(node: Any) -> bool:
    return node is not None and type(node.op) in _REDUCTIONS


def _no_discrete_upcast(node: Any) -> bool:
    """Whether the reduction's input, output (and accumulator) share a dtype."""
    idt = node.inputs[0].type.dtype
    odt = node.outputs[0].type.dtype
    if idt != odt:
        return False
    acc = getattr(node.op, "acc_dtype", None)
    return acc is None or acc == odt or idt[0] in "fc"


@register_canonicalize
@node_rewriter(list(_REDUCTIONS))
def local_reduce_no_axes(fgraph, node):
    """A reduction over no axis is its input (cast to the output dtype)."""
    if not _is_known_reduction(node) or node.op.axis != ():
        return False
    (x,) = node.inputs
    if isinstance(node.op, (_tm.All, _tm.Any)):
        return _finish(node, _tm.neq(x, 0) if x.type.dtype != "bool" else x)
    return _finish(node, x)


@register_canonicalize
@node_rewriter(list(_REDUCTIONS))
def local_sum_prod_all_to_none(fgraph, node):
    """A reduction listing every axis becomes one with ``axis=None``."""
    if not _is_known_reduction(node) or node.op.axis is None:
        return False
    (x,) = node.inputs
    if x.type.ndim == 0 or tuple(node.op.axis) != tuple(range(x.type.ndim)):
        return False
    return _finish(node, node.op.clone(axis=None)(x))


@register_canonicalize
@register_specialize
@node_rewriter(list(_REDUCTIONS))
def local_op_of_op(fgraph, node):
    """``sum(sum(x, a), b) -> sum(x, a + b)``, likewise for prod/max/min/all/any."""
    if not _is_known_reduction(node):
        return False
    (inner,) = node.inputs
    inode = inner.owner
    if not _is_known_reduction(inode) or type(inode.op) is not type(node.op):
        return False
    if len(fgraph.clients.get(inner, ())) > 1:
        return False
    (x,) = inode.inputs
    # The inner reduction must not have narrowed the dtype.
    if isinstance(node.op, (_tm.Sum, _tm.Prod)):
        if np.dtype(inner.type.dtype).itemsize < np.dtype(x.type.dtype).itemsize:
            return False
        if inner.type.dtype[0] != x.type.dtype[0] and x.type.dtype != "bool":
            return False
    inner_axes = _axes(inode.op, x.type.ndim)
    kept = [d for d in range(x.type.ndim) if d not in inner_axes]
    outer_axes = _axes(node.op, inner.type.ndim)
    merged = set(inner_axes) | {kept[a] for a in outer_axes}
    if isinstance(node.op, _tm.Prod):
        op = node.op.clone(
            no_zeros_in_input=node.op.no_zeros_in_input and inode.op.no_zeros_in_input
        )
    else:
        op = node.op
    return _finish(node, _rebuild(op, x, tuple(merged)))


def _drop_axes(x: Variable, drop: set[int]) -> Variable:
    order = [d for d in range(x.type.ndim) if d not in drop]
    return _dimshuffle(x, order)


@register_canonicalize
@register_specialize
@node_rewriter(list(_REDUCTIONS))
def local_reduce_broadcastable(fgraph, node):
    """Axes of static length 1 need no reduction: they are dropped instead."""
    if not _is_known_reduction(node):
        return False
    (x,) = node.inputs
    axes = _axes(node.op, x.type.ndim)
    ones = {d for d in axes if x.type.shape[d] == 1}
    if not ones:
        return False
    squeezed = _drop_axes(x, ones)
    rest = [d for d in axes if d not in ones]
    if not rest:
        if isinstance(node.op, (_tm.All, _tm.Any)) and squeezed.type.dtype != "bool":
            return _finish(node, _tm.neq(squeezed, 0))
        return _finish(node, squeezed)
    # Renumber the remaining axes after the drop.
    new_axes = tuple(d - sum(1 for o in ones if o < d) for d in rest)
    return _finish(node, _rebuild(node.op, squeezed, new_axes))


def _scalar_factor(v: Variable) -> bool:
    """Whether ``v`` has only static length-1 dimensions (a broadcast scalar)."""
    return all(s == 1 for s in v.type.shape)


def _as_0d(v: Variable) -> Variable:
    return v if v.type.ndim == 0 else _dimshuffle(v, [])


@register_canonicalize
@register_specialize
@node_rewriter([_tm.Sum, _tm.Prod])
def local_sum_prod_mul_by_scalar(fgraph, node):
    """Pull scalar factors and negations out of sums and products.

    ``sum(c * x) -> c * sum(x)``, ``prod(c * x) -> c ** n * prod(x)`` (``n``
    the number of elements multiplied together) and ``sum(-x) -> -sum(x)``.
    """
    if type(node.op) not in (_tm.Sum, _tm.Prod) or not _no_discrete_upcast(node):
        return False
    (x,) = node.inputs
    if len(fgraph.clients.get(x, ())) > 1:
        return False
    is_sum = isinstance(node.op, _tm.Sum)
    inner = is_neg(x)
    if inner is not None and is_sum and x.type.dtype[0] in "fc":
        if inner.type.dtype == x.type.dtype:
            return _finish(node, _tm.neg(node.op(inner)))
        return False
    if _scalar_op_of(x.owner) != aes.mul:
        return False
    if not is_sum and x.type.dtype[0] not in "fc":
        return False
    factors = [i for i in x.owner.inputs if _scalar_factor(i)]
    rest = [i for i in x.owner.inputs if not _scalar_factor(i)]
    if not factors or not rest:
        return False
    rest_prod = rest[0] if len(rest) == 1 else _tm.mul(*rest)
    if rest_prod.type.ndim != x.type.ndim:
        return False
    if rest_prod.type.dtype != x.type.dtype:
        rest_prod = _tb.cast(rest_prod, x.type.dtype)
    scalar = _as_0d(factors[0] if len(factors) == 1 else _tm.mul(*factors))
    reduced = node.op(rest_prod)
    if is_sum:
        return _finish(node, _tm.mul(scalar, reduced))
    from aesara.tensor.math import _count

    n = _count(rest_prod, node.op.axis, x.type.dtype)
    return _finish(node, _tm.mul(_tm.pow(scalar, n), reduced))


@register_canonicalize
@register_specialize
@node_rewriter([_tm.Sum, _tm.Prod])
def local_sum_prod_div_dimshuffle(fgraph, node):
    """``sum(x / c) -> sum(x) / c`` and ``prod(x / c) -> prod(x) / c ** n`` for a scalar ``c``."""
    if type(node.op) not in (_tm.Sum, _tm.Prod) or not _no_discrete_upcast(node):
        return False
    (x,) = node.inputs
    if _scalar_op_of(x.owner) != aes.true_div or x.type.dtype[0] not in "fc":
        return False
    if len(fgraph.clients.get(x, ())) > 1:
        return False
    a, c = x.owner.inputs
    if not _scalar_factor(c) or _scalar_factor(a) or a.type.ndim != x.type.ndim:
        return False
    if a.type.dtype != x.type.dtype:
        a = _tb.cast(a, x.type.dtype)
    c0 = _as_0d(c)
    reduced = node.op(a)
    if isinstance(node.op, _tm.Sum):
        return _finish(node, _tm.true_div(reduced, c0))
    from aesara.tensor.math import _count

    n = _count(a, node.op.axis, x.type.dtype)
    return _finish(node, _tm.true_div(reduced, _tm.pow(c0, n)))


@register_canonicalize
@register_specialize
@node_rewriter([_tm.Sum, _tm.Prod])
def local_sum_prod_alloc(fgraph, node):
    """``sum(alloc(c, *shape))`` is ``c`` times the number of summed elements.

    The result is spread over the kept dimensions with ``alloc``;
    ``prod(alloc(c, *shape))`` is ``c ** n`` (floating-point only).
    """
    if type(node.op) not in (_tm.Sum, _tm.Prod):
        return False
    (x,) = node.inputs
    if x.owner is None or not isinstance(x.owner.op, _tb.Alloc):
        return False
    value, *shape = x.owner.inputs
    if value.type.ndim != 0 and not _scalar_factor(value):
        return False
    odt = node.outputs[0].type.dtype
    is_sum = isinstance(node.op, _tm.Sum)
    if not is_sum and odt[0] not in "fc":
        return False
    if is_sum and odt[0] not in "fc" and not _no_discrete_upcast(node):
        return False
    axes = _axes(node.op, x.type.ndim)
    n = None
    for d in axes:
        length = _tb.cast(shape[d], odt)
        n = length if n is None else _tm.mul(n, length)
    v = _as_0d(value)
    if v.type.dtype != odt:
        v = _tb.cast(v, odt)
    if n is None:
        total = v
    else:
        total = _tm.mul(v, n) if is_sum else _tm.pow(v, n)
    kept = [shape[d] for d in range(x.type.ndim) if d not in axes]
    if kept:
        total = _tb.alloc(total, *kept)
    return _finish(node, total)


@register_canonicalize
@register_specialize
@node_rewriter(list(_REDUCTIONS))
def local_reduce_dimshuffle(fgraph, node):
    """Reduce before transposing: ``sum(x.T, 0) -> sum(x, 1)``.

    Applies to ``DimShuffle`` inputs that only reorder axes or add
    length-1 axes; the reduction moves to the original tensor and the
    (smaller) result is reordered.
    """
    if not _is_known_reduction(node):
        return False
    (y,) = node.inputs
    ds = y.owner
    if ds is None or not isinstance(ds.op, DimShuffle):
        return False
    (x,) = ds.inputs
    order = ds.op.new_order
    if sorted(o for o in order if o != "x") != list(range(x.type.ndim)):
        return False
    if len(fgraph.clients.get(y, ())) > 1:
        return False
    axes = _axes(node.op, y.type.ndim)
    in_axes = tuple(order[a] for a in axes if order[a] != "x")
    kept = [order[p] for p in range(len(order)) if p not in axes]
    if in_axes:
        reduced = _rebuild(node.op, x, in_axes)
        # Input axes left after the reduction, renumbered.
        remaining = [d for d in range(x.type.ndim) if d not in in_axes]
        new_order = [o if o == "x" else remaining.index(o) for o in kept]
    else:
        reduced = x
        new_order = kept
    if new_order != list(range(reduced.type.ndim)):
        reduced = _dimshuffle(reduced, new_order)
    if not in_axes and isinstance(node.op, (_tm.All, _tm.Any)):
        if reduced.type.dtype != "bool":
            reduced = _tm.neq(reduced, 0)
    return _finish(node, reduced)


@register_canonicalize
@register_specialize
@node_rewriter([_tm.Max, _tm.Min])
def local_max_of_neg(fgraph, node):
    """``max(-x) -> -min(x)`` and ``min(-x) -> -max(x)`` (floating point)."""
    if type(node.op) not in (_tm.Max, _tm.Min):
        return False
    (y,) = node.inputs
    x = is_neg(y)
    if x is None or y.type.dtype[0] != "f" or x.type.dtype != y.type.dtype:
        return False
    other = _tm.Min if isinstance(node.op, _tm.Max) else _tm.Max
    return _finish(node, _tm.neg(other(node.op.axis)(x)))
