"""Rewrites of indexing: merging ``x[a][b]`` into one index, removing useless
indexing, moving indexing before element-wise ops and allocations, and
simplifying ``inc_subtensor``/``set_subtensor``.

Like Aesara's, the rewrites assume the program's indices are in bounds: a
merged index may not raise where the original would have.
"""

from __future__ import annotations

from typing import Any

import numpy as np

import aesara.scalar.basic as aes
from aesara.graph.basic import Constant, Variable
from aesara.graph.rewriting.basic import copy_stack_trace, node_rewriter
from aesara.tensor import basic as atb
from aesara.tensor.elemwise import Elemwise
from aesara.tensor.rewriting.basic import (
    _broadcast_to_type,
    _same_size,
    _size_is,
    register_canonicalize,
    register_specialize,
    register_stabilize,
    register_useless,
)
from aesara.tensor.shape import shape_i
from aesara.tensor.subtensor import (
    IncSubtensor,
    Subtensor,
    get_idx_list,
)
from aesara.tensor.subtensor_advanced import AdvancedIncSubtensor1, AdvancedSubtensor1

__all__ = [
    "local_adv_sub1_adv_inc_sub1",
    "local_incsubtensor_of_zeros",
    "local_incsubtensor_of_zeros_to_setsubtensor",
    "local_setsubtensor_of_constants",
    "local_subtensor_lift",
    "local_subtensor_make_vector",
    "local_subtensor_merge",
    "local_subtensor_of_alloc",
    "local_useless_inc_subtensor",
    "local_useless_subtensor",
    "merge_two_slices",
]


# ----------------------------------------------------------------------------
# Index helpers
# ----------------------------------------------------------------------------


def _lit(v: Any) -> int | None | Any:
    """An index part as a Python int when constant, ``None`` for ``None``, else a variable."""
    if v is None or isinstance(v, (int, np.integer)):
        return None if v is None else int(v)
    if isinstance(v, Constant):
        return int(np.asarray(v.data))
    return v


def _parts(e: Any):
    """``(start, stop, step)`` of a slice entry with constant parts as ints."""
    return _lit(e.start), _lit(e.stop), _lit(e.step)


def _tensor(v: Any) -> Variable:
    """An int or index variable as a 0-d int64 tensor."""
    if isinstance(v, (int, np.integer)):
        return atb.constant(int(v), dtype="int64")
    if isinstance(v.type, aes.ScalarType):
        if v.owner is not None and isinstance(v.owner.op, atb.ScalarFromTensor):
            v = v.owner.inputs[0]
        else:
            v = atb.tensor_from_scalar(v)
    if v.type.dtype != "int64":
        v = atb.cast(v, "int64")
    return v


def _m():
    from aesara.tensor import math

    return math


def _norm_slice(parts: tuple, n: Any):
    """``(start, step, length)`` of a slice over a dimension of length ``n`` (symbolic)."""
    m = _m()
    start, stop, step = parts
    n = _tensor(n)

    def wrap(v, lo, hi):
        v = _tensor(v)
        v = atb.switch(m.lt(v, 0), v + n, v)
        return m.minimum(m.maximum(v, lo), hi)

    def pos(st):
        a = atb.constant(0, dtype="int64") if start is None else wrap(start, 0, n)
        b = n if stop is None else wrap(stop, 0, n)
        length = m.maximum(m.int_div(b - a + st - 1, st), 0)
        return a, length

    def neg(st):
        a = n - 1 if start is None else wrap(start, -1, n - 1)
        b = atb.constant(-1, dtype="int64") if stop is None else wrap(stop, -1, n - 1)
        length = m.maximum(m.int_div(a - b - st - 1, -st), 0)
        return a, length

    if step is None or isinstance(step, int):
        st = 1 if step is None else step
        if st == 0:
            raise ValueError("slice step cannot be zero")
        a, length = pos(st) if st > 0 else neg(st)
        return a, atb.constant(st, dtype="int64"), length
    st = _tensor(step)
    ap, lp = pos(st)
    an, ln = neg(st)
    is_neg = m.lt(st, 0)
    return atb.switch(is_neg, an, ap), st, atb.switch(is_neg, ln, lp)


def _norm_index(i: Any, n: Any) -> Variable:
    m = _m()
    i = _tensor(i)
    return atb.switch(m.lt(i, 0), i + _tensor(n), i)


def _is_full(e: Any) -> bool:
    return isinstance(e, slice) and all(p is None for p in _parts(e))


def merge_two_slices(fgraph, n: Any, e1: Any, e2: Any) -> Any:
    """The index of ``x[e1][e2]`` in one step (see :func:`_merge_index`).

    An integer ``e2`` outside ``e1``'s range gives an index that is out of
    range for ``x`` too (so indexing still raises).
    """
    index, valid = _merge_index(fgraph, n, e1, e2)
    if valid is None:
        return index
    return atb.switch(valid, index, _tensor(n))


def _merge_index(fgraph, n: Any, e1: Any, e2: Any) -> tuple[Any, Any]:
    """The index of ``x[e1][e2]`` in one step, for one dimension of ``x`` of length ``n``.

    ``e1`` is a slice; ``e2`` a slice or an integer index into the result of
    ``e1``. Returns ``(index, valid)``: a slice or an integer index (ints
    where everything is constant, 0-d int64 tensors otherwise), and ``None``
    or, for a symbolic integer ``e2``, the condition that ``e2`` is within
    ``e1``'s range (outside it, ``x[e1][e2]`` raises while ``x[index]`` might
    read another row). ``(None, None)``: no merge.
    """
    if _is_full(e1):
        return e2, None
    if isinstance(e2, slice) and _is_full(e2):
        return e1, None
    p1 = _parts(e1)
    p2 = _parts(e2) if isinstance(e2, slice) else _lit(e2)
    n_lit = _lit(n) if not isinstance(n, Variable) or isinstance(n, Constant) else None
    literal = (
        n_lit is not None
        and all(not isinstance(p, Variable) for p in p1)
        and (
            all(not isinstance(p, Variable) for p in p2)
            if isinstance(e2, slice)
            else not isinstance(p2, Variable)
        )
    )
    if literal:
        r = range(n_lit)[slice(*p1)]
        if not isinstance(e2, slice):
            # An out-of-range index must keep raising: do not merge it.
            return (r[p2], None) if -len(r) <= p2 < len(r) else (None, None)
        r2 = r[slice(*p2)]
        if len(r2) == 0:
            return slice(0, 0, 1), None
        stop = r2.stop
        if stop < 0:
            stop = None
        return slice(r2.start, stop, r2.step), None
    m = _m()
    s1, t1, l1 = _norm_slice(p1, n)
    if not isinstance(e2, slice):
        i2 = _norm_index(p2, l1)
        return s1 + i2 * t1, m.and_(m.ge(i2, 0), m.lt(i2, l1))
    s2, t2, l2 = _norm_slice(p2, l1)
    start = s1 + s2 * t1
    step = t1 * t2
    stop = start + l2 * step
    n_t = _tensor(n)
    stop = atb.switch(m.lt(stop, 0), -n_t - 1, stop)
    empty = m.eq(l2, 0)
    zero = atb.constant(0, dtype="int64")
    return slice(
        atb.switch(empty, zero, start), atb.switch(empty, zero, stop), step
    ), None


def _index_of(node) -> list:
    """The index of a ``Subtensor`` node: its entries with inputs substituted."""
    return list(get_idx_list(node.inputs, node.op.idx_list))


def _apply_index(x: Variable, index: list) -> Variable:
    clean = []
    for e in index:
        if isinstance(e, slice):
            clean.append(
                slice(
                    *[
                        p if p is None or isinstance(p, int) else _tensor(p)
                        for p in (e.start, e.stop, e.step)
                    ]
                )
            )
        elif isinstance(e, int):
            clean.append(e)
        else:
            clean.append(_tensor(e))
    while clean and _is_full(clean[-1]):
        clean.pop()
    if not clean:
        return x
    return x[tuple(clean)]


# ----------------------------------------------------------------------------
# Subtensor rewrites
# ----------------------------------------------------------------------------


@register_canonicalize
@register_specialize
@node_rewriter([Subtensor])
def local_subtensor_merge(fgraph, node):
    """``x[a][b]`` -> ``x[c]``: two basic indexings merged into one."""
    inner = node.inputs[0]
    if inner.owner is None or not isinstance(inner.owner.op, Subtensor):
        return None
    x = inner.owner.inputs[0]
    idx1 = _index_of(inner.owner)
    idx2 = _index_of(node)
    merged = []
    checks = []
    k = 0  # position in idx2
    for d in range(x.type.ndim):
        e1 = idx1[d] if d < len(idx1) else slice(None)
        if not isinstance(e1, slice):
            merged.append(e1)
            continue
        e2 = idx2[k] if k < len(idx2) else slice(None)
        k += 1
        m, valid = _merge_index(fgraph, shape_i(x, d, fgraph), e1, e2)
        if m is None:
            return None
        merged.append(m)
        if valid is not None:
            checks.append(valid)
    out = _apply_index(x, merged)
    if checks:
        # The merged index reads the right row whenever the original one was
        # in range; otherwise the original raised, and so must the result.
        from aesara.raise_op import CheckAndRaise

        out = CheckAndRaise(IndexError, "index out of bounds")(out, *checks)
    new = _broadcast_to_type(out, node.outputs[0])
    if new is None:
        return None
    copy_stack_trace([node.outputs[0], inner], new)
    return [new]


@register_useless
@register_canonicalize
@register_specialize
@node_rewriter([Subtensor])
def local_useless_subtensor(fgraph, node):
    """``x[:]`` (slices covering every indexed dimension in order) -> ``x``."""
    x = node.inputs[0]
    for d, e in enumerate(_index_of(node)):
        if not isinstance(e, slice):
            return None
        start, stop, step = _parts(e)
        if step not in (None, 1) or start not in (None, 0):
            return None
        if stop is None:
            continue
        if isinstance(stop, int):
            static = x.type.shape[d]
            if static is None or stop < static:
                return None
            continue
        if not _size_is(fgraph, x, d, _tensor(stop)):
            return None
    return [_broadcast_to_type(x, node.outputs[0])]


@register_canonicalize
@register_specialize
@node_rewriter([Subtensor])
def local_subtensor_lift(fgraph, node):
    """``f(x)[idx]`` -> ``f(x[idx])`` for a unary element-wise ``f`` used only there.

    With several inputs, all must provably have the output's shape (indexing
    an input that broadcasts would be wrong).
    """
    u = node.inputs[0]
    if u.owner is None or not isinstance(u.owner.op, Elemwise):
        return None
    if len(u.owner.outputs) != 1 or len(fgraph.clients.get(u, ())) != 1:
        return None
    idx = node.inputs[1:]
    ins = u.owner.inputs
    if len(ins) > 1:
        for i in ins:
            if i.type.ndim != u.type.ndim or not all(
                _same_size(fgraph, i, d, u, d)
                or (i.type.shape[d] == u.type.shape[d] and u.type.shape[d] is not None)
                for d in range(u.type.ndim)
            ):
                return None
    new_ins = [node.op(i, *idx) for i in ins]
    copy_stack_trace(node.outputs[0], new_ins)
    out = u.owner.op(*new_ins)
    new = _broadcast_to_type(out, node.outputs[0])
    if new is None:
        return None
    copy_stack_trace([node.outputs[0], u], new)
    return [new]


@register_canonicalize
@register_specialize
@node_rewriter([Subtensor])
def local_subtensor_of_alloc(fgraph, node):
    """``alloc(v, *shape)[idx]`` -> ``alloc(v[idx'], *shape')``: index the small value."""
    a = node.inputs[0]
    if a.owner is None or not isinstance(a.owner.op, atb.Alloc):
        return None
    v, *shape = a.owner.inputs
    index = _index_of(node)
    offset = a.type.ndim - v.type.ndim
    v_index = []
    new_shape = []
    for d in range(a.type.ndim):
        e = index[d] if d < len(index) else slice(None)
        k = d - offset
        if k >= 0:
            vs = v.type.shape[k]
            if vs == 1:
                v_index.append(slice(None) if isinstance(e, slice) else 0)
            elif vs is not None or _size_is(fgraph, v, k, _tensor(shape[d])):
                v_index.append(e)
            else:
                # v may broadcast there at run time: its index is unknown.
                return None
        if isinstance(e, slice):
            if _is_full(e):
                new_shape.append(shape[d])
            else:
                from aesara.tensor.subtensor import slice_len

                new_shape.append(
                    _tensor(
                        slice_len(
                            slice(
                                *[
                                    p if p is None or isinstance(p, int) else _tensor(p)
                                    for p in _parts(e)
                                ]
                            ),
                            shape[d],
                        )
                    )
                )
    nv = _apply_index(v, v_index) if v_index else v
    out = atb.alloc(nv, *new_shape) if new_shape else nv
    new = _broadcast_to_type(out, node.outputs[0])
    if new is None:
        return None
    copy_stack_trace(node.outputs[0], new)
    return [new]


@register_useless
@register_canonicalize
@register_specialize
@node_rewriter([Subtensor])
def local_subtensor_make_vector(fgraph, node):
    """``make_vector(a, b, c)[1]`` -> ``b``; a constant slice -> a shorter ``make_vector``."""
    mv = node.inputs[0]
    if mv.owner is None or not isinstance(mv.owner.op, atb.MakeVector):
        return None
    elems = mv.owner.inputs
    (e,) = _index_of(node)
    if isinstance(e, slice):
        parts = _parts(e)
        if any(isinstance(p, Variable) for p in parts):
            return None
        chosen = elems[slice(*parts)]
        out = atb.MakeVector(mv.owner.op.dtype)(*chosen) if chosen else None
        if out is None:
            out = atb.constant(np.zeros((0,), dtype=mv.owner.op.dtype))
    else:
        i = _lit(e)
        if isinstance(i, Variable):
            try:
                i = int(atb.get_scalar_constant_value(i))
            except Exception:
                return None
        if not -len(elems) <= i < len(elems):
            return None
        out = elems[i]
    new = _broadcast_to_type(out, node.outputs[0])
    if new is None:
        return None
    copy_stack_trace(node.outputs[0], new)
    return [new]


# ----------------------------------------------------------------------------
# IncSubtensor rewrites
# ----------------------------------------------------------------------------


def _is_zeros(v: Variable) -> bool:
    """Whether every element of ``v`` is provably zero."""
    try:
        return float(atb.get_scalar_constant_value(v, elemwise=False)) == 0
    except Exception:
        pass
    if isinstance(v, Constant):
        data = np.asarray(v.data)
        return data.size > 0 and not data.any()
    return False


@register_canonicalize
@register_specialize
@register_stabilize
@node_rewriter([IncSubtensor, AdvancedIncSubtensor1])
def local_incsubtensor_of_zeros(fgraph, node):
    """``inc_subtensor(x[idx], 0)`` -> ``x``."""
    op = node.op
    if op.set_instead_of_inc or getattr(op, "inplace", False):
        return None
    x, y = node.inputs[:2]
    if not _is_zeros(y):
        return None
    return [_broadcast_to_type(x, node.outputs[0])]


@register_canonicalize
@register_specialize
@node_rewriter([IncSubtensor])
def local_incsubtensor_of_zeros_to_setsubtensor(fgraph, node):
    """``inc_subtensor(zeros[idx], y)`` -> ``set_subtensor(zeros[idx], y)`` (no read-add)."""
    op = node.op
    if op.set_instead_of_inc or op.inplace:
        return None
    x = node.inputs[0]
    if not _is_zeros(x):
        return None
    new = IncSubtensor(op.idx_list, set_instead_of_inc=True)(*node.inputs)
    copy_stack_trace(node.outputs[0], new)
    return [new]


@register_canonicalize
@register_specialize
@node_rewriter([IncSubtensor])
def local_useless_inc_subtensor(fgraph, node):
    """``set_subtensor(x[:], y)`` (or ``inc`` into zeros) with ``y`` of ``x``'s shape -> ``y``."""
    op = node.op
    x, y, *idx = node.inputs
    if not op.set_instead_of_inc and not _is_zeros(x):
        return None
    if op.inplace:
        return None
    index = _index_of_inc(node)
    for e in index:
        if not isinstance(e, slice):
            return None
        start, stop, step = _parts(e)
        if start not in (None, 0) or stop is not None or step not in (None, 1, -1):
            return None
    if y.type.ndim != x.type.ndim or y.type.dtype != x.type.dtype:
        return None
    for d in range(x.type.ndim):
        if not _same_size(fgraph, x, d, y, d):
            return None
    reverse = [d for d, e in enumerate(index) if _parts(e)[2] == -1]
    out = y
    if reverse:
        out = y[
            tuple(
                slice(None, None, -1) if d in reverse else slice(None)
                for d in range(max(reverse) + 1)
            )
        ]
    new = _broadcast_to_type(out, node.outputs[0])
    return None if new is None else [new]


def _index_of_inc(node) -> list:
    return list(get_idx_list([node.inputs[0], *node.inputs[2:]], node.op.idx_list))


@register_canonicalize
@register_specialize
@node_rewriter([IncSubtensor])
def local_setsubtensor_of_constants(fgraph, node):
    """``set_subtensor(c[idx], v)`` -> ``c`` when the constant ``c`` already holds ``v`` there."""
    op = node.op
    if not op.set_instead_of_inc:
        return None
    x, y = node.inputs[:2]
    if not isinstance(x, Constant):
        return None
    try:
        y_val = atb.get_scalar_constant_value(y, elemwise=False)
        idx = op.get_constant_idx(node.inputs)
    except Exception:
        return None
    region = np.asarray(x.data)[tuple(idx)]
    if region.size and np.all(region == y_val):
        return [x]
    return None


@register_canonicalize
@register_stabilize
@register_specialize
@node_rewriter([AdvancedSubtensor1])
def local_adv_sub1_adv_inc_sub1(fgraph, node):
    """``set_subtensor(x[i], y)[i]`` -> ``y`` (broadcast to the indexed shape).

    Only for constant indices without repeats: with repeats the later writes
    win and the read would not give back ``y``.
    """
    inc = node.inputs[0]
    idx = node.inputs[1]
    if inc.owner is None or not isinstance(inc.owner.op, AdvancedIncSubtensor1):
        return None
    x, y, idx2 = inc.owner.inputs
    if idx2 is not idx and not (
        isinstance(idx, Constant)
        and isinstance(idx2, Constant)
        and np.array_equal(idx.data, idx2.data)
    ):
        return None
    if not isinstance(idx, Constant):
        return None
    data = np.asarray(idx.data)
    n = x.type.shape[0]
    if n is None:
        if (data < 0).any():
            return None
        if len(np.unique(data)) != data.size:
            return None
    else:
        if len(np.unique(np.where(data < 0, data + n, data))) != data.size:
            return None
    if not inc.owner.op.set_instead_of_inc and not _is_zeros(x):
        return None
    out = node.outputs[0]
    res = y
    if res.type.dtype != out.type.dtype:
        res = atb.cast(res, out.type.dtype)
    if res.type.ndim < out.type.ndim or any(
        rs != os for rs, os in zip(res.type.shape, out.type.shape)
    ):
        # The shape of x[i]: len(i), then x's other dimensions.
        shape = [atb.constant(data.size, dtype="int64")] + [
            shape_i(x, d, fgraph) for d in range(1, x.type.ndim)
        ]
        res = atb.alloc(res, *shape)
    new = _broadcast_to_type(res, out)
    if new is None:
        return None
    copy_stack_trace(out, new)
    return [new]
