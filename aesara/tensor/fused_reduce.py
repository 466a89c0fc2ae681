"""A reduction of an element-wise function of several tensors, in one pass.

:class:`FusedCAReduce` is what reduction fusion
(:func:`aesara.tensor.rewriting.fusion.local_careduce_fusion`) makes of
``CAReduce{op}(Elemwise{f}(x1, ..., xk))`` when ``f`` has several inputs,
e.g. ``sum(exp(x) * y)``: compiled backends evaluate ``f`` on the fly and
never build the ``k``-input broadcast intermediate. (A single-input ``f``
stays a :class:`~aesara.tensor.elemwise.CAReduce` whose scalar op is the
same kind of Composite.)

Users do not normally build this op; graphs are written with ``sum``,
``max``... and the rewrite introduces it.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

import aesara.scalar.basic as aes
from aesara.graph.basic import Apply, Variable
from aesara.graph.op import Op
from aesara.tensor.elemwise import (
    CAReduce,
    Elemwise,
    _as_tensor,
    _split_fused_reduction,
    _tensor_type,
    broadcast_shape_graph,
    fused_reduction_structure,
)

__all__ = ["FusedCAReduce", "fused_reduction_parts"]


def fused_reduction_parts(scalar_op: Any) -> tuple[Any, Any] | None:
    """``(op, f)`` of a Composite ``op(acc, f(x1, ..., xk))``, else ``None``.

    ``op`` is the binary scalar op combining accumulators; ``f`` a Composite
    of the ``k`` element inputs (``acc`` excluded).
    """
    parts = fused_reduction_structure(scalar_op)
    if parts is None:
        return None
    binop, xs, elem = parts
    if elem in xs:
        # A Composite's outputs must be computed: route the input through
        # an identity.
        elem = aes.identity(elem)
    return binop, aes.Composite(list(xs), [elem])


class FusedCAReduce(Op):
    """Reduce ``f(x1, ..., xk)`` along axes without materialising it.

    Parameters
    ----------
    scalar_op
        A :class:`~aesara.scalar.basic.Composite` of ``k + 1`` inputs,
        ``op(acc, f(x1, ..., xk))``, where ``op`` is a reorderable binary
        scalar op with a NumPy ufunc (add, mul, maximum, minimum, and, or,
        xor) and ``f`` does not use ``acc``.
    axis
        Reduced axes (non-negative), or ``None`` for all of them.
    dtype
        Output dtype.
    acc_dtype
        Accumulator dtype (the dtype of ``f``'s result and of ``acc``).

    Notes
    -----
    The inputs all have the same rank and broadcast as for ``Elemwise``.
    The result equals ``CAReduce(op, axis, dtype, acc_dtype)`` applied to
    ``Elemwise(f)(x1, ..., xk)``.
    """

    __props__ = ("scalar_op", "axis", "dtype", "acc_dtype")

    def __init__(
        self,
        scalar_op: Any,
        axis: Sequence[int] | None,
        dtype: str,
        acc_dtype: str,
    ):
        split = _split_fused_reduction(scalar_op)
        if split is None:
            raise TypeError(
                f"FusedCAReduce: scalar_op must be a Composite op(acc, f(x...)) with a "
                f"reorderable binary op, got {scalar_op}"
            )
        if axis is not None:
            axis = tuple(sorted(int(a) for a in axis))
            if any(a < 0 for a in axis):
                raise ValueError(
                    f"FusedCAReduce: axes must be non-negative, got {axis}"
                )
        self.scalar_op = scalar_op
        self.axis = axis
        self.dtype = str(np.dtype(dtype))
        self.acc_dtype = str(np.dtype(acc_dtype))
        self._ufunc, self._pre = split

    def __getstate__(self):
        d = self.__dict__.copy()
        d.pop("_ufunc", None)
        d.pop("_pre", None)
        return d

    def __setstate__(self, state):
        self.__dict__.update(state)
        self._ufunc, self._pre = _split_fused_reduction(self.scalar_op)

    @property
    def nin(self) -> int:
        """How many tensor inputs the op takes."""
        return self.scalar_op.nin - 1

    def __str__(self):
        binop, f = fused_reduction_parts(self.scalar_op)
        axis = "" if self.axis is None else f"{{axis={list(self.axis)}}}"
        return f"FusedCAReduce{{{binop}, {f}}}{axis}"

    def make_node(self, *inputs: Any) -> Apply:
        ts = [_as_tensor(i) for i in inputs]
        if len(ts) != self.nin:
            raise TypeError(f"{self}: expected {self.nin} inputs, got {len(ts)}")
        ndim = ts[0].type.ndim
        for k, t in enumerate(ts):
            if t.type.ndim != ndim:
                raise TypeError(
                    f"{self}: all inputs must have the same rank; input 0 has "
                    f"{ndim} dimensions, input {k} has {t.type.ndim}"
                )
            want = self.scalar_op.inputs[k + 1].type.dtype
            if t.type.dtype != want:
                raise TypeError(
                    f"{self}: input {k} must have dtype {want}, got {t.type.dtype}"
                )
        if self.axis is not None and any(a >= ndim for a in self.axis):
            raise ValueError(
                f"{self}: axis {self.axis} out of range for inputs of rank {ndim}"
            )
        reduced = set(range(ndim)) if self.axis is None else set(self.axis)
        shape = [s for d, s in enumerate(self._static_shape(ts)) if d not in reduced]
        return Apply(self, ts, [_tensor_type(self.dtype, shape)()])

    @staticmethod
    def _static_shape(inputs: Sequence[Variable]) -> list[int | None]:
        shape: list[int | None] = []
        for d in range(inputs[0].type.ndim):
            lengths = {t.type.shape[d] for t in inputs}
            known = {n for n in lengths if n is not None and n != 1}
            if len(known) > 1:
                raise ValueError(
                    f"FusedCAReduce: inputs cannot broadcast along axis {d}: static "
                    f"lengths {sorted(known)}"
                )
            if known:
                shape.append(known.pop())
            elif lengths == {1}:
                shape.append(1)
            else:
                shape.append(None)
        return shape

    def perform(self, node, inputs, output_storage, params=None):
        try:
            shape = np.broadcast_shapes(*(np.shape(x) for x in inputs))
        except ValueError as err:
            raise ValueError(
                f"{self}: input shapes {[np.shape(x) for x in inputs]} do not "
                f"broadcast together"
            ) from err
        vals = np.broadcast_to(self._pre(*inputs), shape)
        try:
            r = self._ufunc.reduce(vals, axis=self.axis, dtype=self.acc_dtype)
        except ValueError as err:
            raise ValueError(
                f"{self} failed on inputs of shape {shape}: {err}"
            ) from err
        if type(r) is not np.ndarray or r.dtype != self.dtype:
            r = np.asarray(r, dtype=self.dtype)
        output_storage[0][0] = r

    def infer_shape(self, fgraph, node, shapes):
        full = broadcast_shape_graph(
            node.inputs, shapes, self._static_shape(node.inputs)
        )
        if self.axis is None:
            return [()]
        return [tuple(s for d, s in enumerate(full) if d not in self.axis)]

    def unfused(self, inputs: Sequence[Variable]) -> Variable:
        """The same value as an Elemwise followed by a (differentiable) reduction."""
        from aesara.tensor import math as tm

        binop, f = fused_reduction_parts(self.scalar_op)
        elem = Elemwise(f)(*inputs)
        kind = type(binop)
        if kind is aes.Add:
            red: Op = tm.Sum(axis=self.axis, dtype=self.dtype, acc_dtype=self.acc_dtype)
        elif kind is aes.Mul:
            red = tm.Prod(axis=self.axis, dtype=self.dtype, acc_dtype=self.acc_dtype)
        elif kind is aes.ScalarMaximum:
            red = tm.Max(axis=self.axis)
        elif kind is aes.ScalarMinimum:
            red = tm.Min(axis=self.axis)
        else:
            red = CAReduce(
                binop, axis=self.axis, dtype=self.dtype, acc_dtype=self.acc_dtype
            )
        return red(elem)

    def L_op(self, inputs, outputs, output_grads):
        from aesara.gradient import grad

        out = self.unfused(inputs)
        return grad(
            None,
            list(inputs),
            known_grads={out: output_grads[0]},
            disconnected_inputs="ignore",
            return_disconnected="zero",
        )

    def R_op(self, inputs, eval_points):
        from aesara.gradient import Rop

        out = self.unfused(inputs)
        pairs = [(i, e) for i, e in zip(inputs, eval_points) if e is not None]
        if not pairs:
            return [None]
        wrt, points = zip(*pairs)
        return [Rop(out, list(wrt), list(points))]
