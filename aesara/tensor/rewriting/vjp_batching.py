"""Batching a VJP graph over the rows of a Jacobian (a graph vectorisation).

A Jacobian row ``i`` is the vector-Jacobian product (VJP) of the expression
with the basis vector ``e_i``. :func:`aesara.gradient.jacobian` builds the VJP
graph once, as a function of a symbolic output gradient ``u``; this module
rewrites that graph so that ``u`` becomes the identity matrix, every node that
depends on ``u`` gaining a leading "row" axis. The rows are then computed by
one graph of the same size as the VJP instead of ``n`` copies of it.

Only ops whose batched form is known are rewritten (element-wise ops,
dimension shuffles, reductions, ``SpecifyShape``, basic indexing, ``Alloc`` and
matrix-vector ``Dot``); when the
VJP graph holds anything else, :func:`batch_vjp` returns ``None`` and the
caller falls back to one substitution per row, which is always correct.

This is a graph transformation called directly by
:func:`aesara.gradient.jacobian`, not a rewrite registered in the rewrite
databases.
"""

from __future__ import annotations

from collections.abc import Sequence

from aesara.graph.basic import Apply, Variable, io_toposort

__all__ = ["batch_vjp"]


class _CannotBatch(Exception):
    """The VJP graph holds an op this module cannot give a row axis to."""


def _lift(v: Variable) -> Variable:
    """``v`` with a new broadcastable leading axis (a row-independent input)."""
    return v.dimshuffle("x", *range(v.type.ndim))


def _is_none(v: Variable) -> bool:
    return type(v.type).__name__ == "NoneTypeT"


def _batch_node(
    node: Apply, inputs: list[Variable], batched: list[bool], n_rows: int
) -> list:
    """The outputs of ``node`` recomputed with a leading row axis."""
    from aesara.tensor.basic import Alloc, alloc
    from aesara.tensor.elemwise import CAReduce, DimShuffle, Elemwise
    from aesara.tensor.math import dot
    from aesara.tensor.shape import SpecifyShape, specify_shape
    from aesara.tensor.subtensor import IncSubtensor, Subtensor

    op = node.op
    if isinstance(op, Elemwise):
        # Every input gets the row axis; unbatched ones broadcast along it.
        args = [x if b else _lift(x) for x, b in zip(inputs, batched)]
        out = op.make_node(*args).outputs
        return list(out)
    if isinstance(op, DimShuffle):
        (x,) = inputs
        order = [0] + [o if o == "x" else o + 1 for o in op.new_order]
        return [x.dimshuffle(*order)]
    if isinstance(op, CAReduce):
        (x,) = inputs
        nd = node.inputs[0].type.ndim
        axis = tuple(range(nd)) if op.axis is None else tuple(op.axis)
        shifted = tuple(a % nd + 1 for a in axis)
        return [op.clone(axis=shifted)(x)]
    if isinstance(op, Alloc):
        value, *shape = inputs
        if batched[1:] and any(batched[1:]):
            raise _CannotBatch("a shape that depends on the output gradient")
        if not batched[0]:
            return [_lift(node.outputs[0])]
        vnd = node.inputs[0].type.ndim
        pad = len(shape) - vnd
        value = value.dimshuffle(0, *(["x"] * pad), *range(1, vnd + 1))
        return [alloc(value, value.shape[0], *shape)]
    if isinstance(op, SpecifyShape):
        x, *shape = inputs
        if any(batched[1:]):
            raise _CannotBatch("a shape that depends on the output gradient")
        dims = [None] + [None if _is_none(d) else d for d in node.inputs[1:]]
        return [specify_shape(x, dims)]
    if isinstance(op, (Subtensor, IncSubtensor)):
        n_data = 1 if isinstance(op, Subtensor) else 2
        if any(batched[n_data:]):
            raise _CannotBatch("an index that depends on the output gradient")
        idx = inputs[n_data:]
        rows = (slice(None),) + tuple(op.idx_list)
        if isinstance(op, Subtensor):
            return [Subtensor(rows)(inputs[0], *idx)]
        x, y = inputs[:2]
        if not batched[0]:
            # Every row updates its own copy of x.
            dims = [x.shape[d] for d in range(x.type.ndim)]
            x = alloc(_lift(x), n_rows, *dims)
        target_nd = Subtensor(op.idx_list)(*node.inputs[:1], *idx).type.ndim
        y_nd = node.inputs[1].type.ndim
        if batched[1]:
            pad = ["x"] * (target_nd - y_nd)
            y = y.dimshuffle(0, *pad, *range(1, y_nd + 1))
        new_op = IncSubtensor(
            rows, inplace=False, set_instead_of_inc=op.set_instead_of_inc
        )
        return [new_op(x, y, *idx)]
    if type(op).__name__ == "Dot":
        a, b = inputs
        na, nb = (v.type.ndim for v in node.inputs)
        if batched[0] and not batched[1] and na == 1 and nb == 2:
            # rows of (u_i @ B) are rows of U @ B
            return [dot(a, b)]
        if batched[1] and not batched[0] and na == 2 and nb == 1:
            # A @ u_i for every row i is (U @ A.T)[i]
            return [dot(b, a.T)]
        raise _CannotBatch(f"Dot of a {na}-d and a {nb}-d operand")
    raise _CannotBatch(type(op).__name__)


def batch_vjp(
    vjps: Sequence[Variable], u: Variable, basis: Variable, n: int | Variable
) -> list[Variable] | None:
    """Rewrite VJP graphs so that the output gradient ``u`` becomes ``basis``.

    Parameters
    ----------
    vjps
        Graphs computing vector-Jacobian products from the vector ``u``.
    u
        The symbolic output gradient, a vector of length ``n``.
    basis
        An ``(n, n)`` matrix whose rows replace ``u`` (the identity).
    n
        The number of rows (an int, or a symbolic scalar when the length is
        only known at run time).

    Returns
    -------
    list or None
        For each VJP, a variable of shape ``(n,) + vjp.shape`` whose row ``i``
        is the VJP with ``u = basis[i]``; ``None`` when some op on the way
        cannot be batched.
    """
    from aesara.tensor.basic import alloc, as_tensor_variable
    from aesara.tensor.shape import specify_shape

    outputs = [as_tensor_variable(v) for v in vjps]
    new: dict[Variable, Variable] = {u: basis}
    try:
        for node in io_toposort([u], outputs):
            flags = [x in new for x in node.inputs]
            if not any(flags):
                continue
            args = [new.get(x, x) for x in node.inputs]
            outs = _batch_node(node, args, flags, n)
            for old, b in zip(node.outputs, outs):
                if b.type.ndim != old.type.ndim + 1:
                    raise _CannotBatch(f"{node.op} gave rank {b.type.ndim}")
                new[old] = b
    except _CannotBatch:
        return None
    result = []
    for v in outputs:
        if v in new:
            out = new[v]
        else:
            # This VJP does not depend on u (e.g. it is zero): repeat it.
            dims = [v.shape[d] for d in range(v.type.ndim)]
            out = alloc(v, n, *dims)
        if isinstance(n, int):
            out = specify_shape(out, (n,) + (None,) * v.type.ndim)
        result.append(out)
    return result
