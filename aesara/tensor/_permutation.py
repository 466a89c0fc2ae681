"""Row permutations: :class:`PermuteRowElements` and the functions built on it.

:func:`permute_row_elements` reorders the last axis of a tensor by integer
permutations (leading axes broadcast), and :func:`inverse_permutation` inverts
permutations. Aesara keeps these names in :mod:`aesara.tensor.basic`, which
re-exports them.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from aesara.graph.basic import Apply, Variable
from aesara.graph.op import Op
from aesara.tensor.type import TensorType

__all__ = ["PermuteRowElements", "inverse_permutation", "permute_row_elements"]


def _as_tensor(x: Any, **kw: Any) -> Variable:
    from aesara.tensor.basic import as_tensor_variable

    return as_tensor_variable(x, **kw)


def _broadcast_static(a: Sequence, b: Sequence) -> tuple:
    """Static broadcast of two leading-shape tuples (``None`` = unknown)."""
    n = max(len(a), len(b))
    a = (1,) * (n - len(a)) + tuple(a)
    b = (1,) * (n - len(b)) + tuple(b)
    out = []
    for i, (p, q) in enumerate(zip(a, b)):
        if p == 1:
            out.append(q)
        elif q == 1 or q is None:
            out.append(p)
        elif p is None:
            out.append(q)
        elif p != q:
            raise ValueError(
                f"PermuteRowElements: leading dimension {i} of x ({p}) and of y ({q}) "
                "do not broadcast"
            )
        else:
            out.append(p)
    return tuple(out)


class PermuteRowElements(Op):
    """Permute the entries of the last axis of ``x`` by integer permutations ``y``.

    ``out[..., i] = x[..., y[..., i]]``; with ``inverse`` the permutation is
    inverted first (``out[..., y[..., i]] = x[..., i]``). The leading axes of
    ``x`` and ``y`` broadcast against each other, so one permutation can apply
    to every row of a matrix, or one row to many permutations.

    Parameters
    ----------
    inverse
        Apply the inverse of each permutation.
    """

    __props__ = ("inverse",)

    def __init__(self, inverse: bool = False):
        self.inverse = bool(inverse)

    def make_node(self, x: Any, y: Any, inverse: Any = None) -> Apply:
        if inverse is not None:
            raise TypeError(
                "PermuteRowElements: pass `inverse` to the constructor, not as an input"
            )
        x = _as_tensor(x)
        y = _as_tensor(y)
        if x.type.ndim < 1:
            raise TypeError(
                f"PermuteRowElements: x must have at least 1 dimension, got type {x.type}"
            )
        if y.type.ndim < 1:
            raise TypeError(
                f"PermuteRowElements: y must have at least 1 dimension, got type {y.type}"
            )
        if np.dtype(y.type.dtype).kind not in "iu":
            raise TypeError(
                f"PermuteRowElements: y must hold integers (a permutation), got dtype "
                f"{y.type.dtype}"
            )
        nx, ny = x.type.shape[-1], y.type.shape[-1]
        if nx is not None and ny is not None and nx != ny:
            raise ValueError(
                f"PermuteRowElements: the last axis of x has length {nx} but the "
                f"permutations in y have length {ny}"
            )
        lead = _broadcast_static(x.type.shape[:-1], y.type.shape[:-1])
        last = nx if nx is not None else ny
        out = TensorType(x.type.dtype, shape=lead + (last,))()
        return Apply(self, [x, y], [out])

    def perform(self, node, inputs, output_storage):
        x, y = inputs
        if x.shape[-1] != y.shape[-1]:
            raise ValueError(
                f"PermuteRowElements: the last axis of x has length {x.shape[-1]} but "
                f"the permutations in y have length {y.shape[-1]}"
            )
        n = y.shape[-1]
        # A permutation of 0..n-1 sorted is exactly 0..n-1.
        if y.size and not np.array_equal(
            np.sort(y, axis=-1), np.broadcast_to(np.arange(n), y.shape)
        ):
            raise ValueError(
                f"PermuteRowElements: every row of y must be a permutation of "
                f"0..{n - 1}, got {y!r}"
            )
        lead = np.broadcast_shapes(x.shape[:-1], y.shape[:-1])
        xb = np.broadcast_to(x, lead + (n,))
        yb = np.broadcast_to(y, lead + (n,))
        if self.inverse:
            yb = np.argsort(yb, axis=-1, kind="stable")
        output_storage[0][0] = np.ascontiguousarray(np.take_along_axis(xb, yb, axis=-1))

    def infer_shape(self, fgraph, node, input_shapes):
        from aesara.tensor.math import maximum

        xs, ys = input_shapes
        xl, yl = list(xs[:-1]), list(ys[:-1])
        xst, yst = node.inputs[0].type.shape[:-1], node.inputs[1].type.shape[:-1]
        n = max(len(xl), len(yl))
        pad_x, pad_y = n - len(xl), n - len(yl)
        lead = []
        for i in range(n):
            if i < pad_x:
                lead.append(yl[i - pad_y])
                continue
            if i < pad_y:
                lead.append(xl[i - pad_x])
                continue
            if xst[i - pad_x] == 1:
                lead.append(yl[i - pad_y])
            elif yst[i - pad_y] == 1:
                lead.append(xl[i - pad_x])
            else:
                lead.append(maximum(xl[i - pad_x], yl[i - pad_y]))
        return [tuple(lead) + (xs[-1],)]

    def connection_pattern(self, node):
        # The permutation indices are integers: nothing flows back into them.
        return [[True], [False]]

    def L_op(self, inputs, outputs, output_grads):
        from aesara.gradient import disconnected_type

        x, y = inputs
        (gz,) = output_grads
        gx = PermuteRowElements(not self.inverse)(gz, y)
        # Sum over the axes along which x was broadcast.
        extra = gx.type.ndim - x.type.ndim
        axes = list(range(extra))
        for i, b in enumerate(x.type.broadcastable[:-1]):
            if b and not gx.type.broadcastable[extra + i]:
                axes.append(extra + i)
        if axes:
            gx = gx.sum(axis=axes, keepdims=True)
            if extra:
                gx = gx.dimshuffle(*range(extra, gx.type.ndim))
        return [gx, disconnected_type()]

    def R_op(self, inputs, eval_points):
        if eval_points[0] is None:
            return [None]
        return [self(eval_points[0], inputs[1])]


def permute_row_elements(x: Any, y: Any, inverse: bool = False) -> Variable:
    """Permute the last axis of ``x`` by the integer permutation(s) ``y``.

    Parameters
    ----------
    x
        A tensor with at least one dimension.
    y
        Integer permutation(s) of ``0..n-1`` (``n = x.shape[-1]``); leading axes
        broadcast against those of ``x``.
    inverse
        Apply the inverse permutations instead.

    Returns
    -------
    TensorVariable
        ``out[..., i] = x[..., y[..., i]]`` (or its inverse).
    """
    return PermuteRowElements(inverse)(x, y)


def inverse_permutation(perm: Any) -> Variable:
    """The inverse of each permutation in ``perm`` (along its last axis).

    Parameters
    ----------
    perm
        An integer tensor whose last axis holds permutations of ``0..n-1``.
    """
    from aesara.tensor.basic import arange

    perm = _as_tensor(perm)
    if perm.type.ndim < 1 or np.dtype(perm.type.dtype).kind not in "iu":
        raise TypeError(
            f"inverse_permutation: perm must be an integer tensor with at least one "
            f"dimension, got type {perm.type}"
        )
    ident = arange(perm.shape[-1], dtype=perm.type.dtype)
    return PermuteRowElements(True)(ident, perm)
