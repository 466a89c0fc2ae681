"""Reductions Aesara exposes as op classes, and the ``keepdims`` helper.

:func:`~aesara.tensor.math.sum`, ``prod``, ``max`` and the other reduction
functions (with their :class:`~aesara.tensor.elemwise.CAReduce` ops) live in
:mod:`aesara.tensor.math`. This module holds the two reductions Aesara 2.9
also has as classes, and :func:`makeKeepDims`:

* :class:`Mean` is the single-op form of a mean, always computed in double
  precision (``aesara.tensor.math.mean`` builds a sum and a division, which
  the rewrites understand better).
* :class:`ProdWithoutZeros` multiplies the non-zero elements only;
  :class:`~aesara.tensor.math.Prod`'s gradient needs that quantity where
  exactly one element is zero.
* :func:`makeKeepDims` puts the reduced axes back into a reduction's result
  as length-1 dimensions.

:class:`Mean`, :class:`ProdWithoutZeros` and :func:`makeKeepDims` are
re-exported from :mod:`aesara.tensor.math`.
"""

from __future__ import annotations

from typing import Any

import numpy as np

import aesara.scalar.basic as aes
from aesara.graph.basic import Apply, Variable
from aesara.tensor.elemwise import (
    CAReduce,
    Elemwise,
    _as_tensor,
    _floatX,
    _zeros_like,
)

__all__ = [
    "Mean",
    "MulWithoutZeros",
    "ProdWithoutZeros",
    "makeKeepDims",
    "mul_without_zeros",
]

AxisLike = int | tuple[int, ...] | list[int] | None


def _reduced_count(shape: tuple[int, ...], axis: tuple[int, ...] | None) -> int:
    axes = range(len(shape)) if axis is None else axis
    return int(np.prod([shape[d] for d in axes], dtype=np.int64))


class Mean(CAReduce):
    """Arithmetic mean along axes, computed and returned in double precision.

    Real inputs (including integers and booleans) give ``float64``; complex
    inputs give ``complex128``. A mean over zero elements is NaN.

    Parameters
    ----------
    axis
        Axes to average over (an int or a sequence of ints; ``None``: all).
    """

    __props__ = ("axis",)
    __str__ = CAReduce.__str__

    def __init__(self, axis: AxisLike = None):
        # ``add`` is the reduction's scalar op: the mean is a sum scaled once
        # at the end (see ``perform``).
        super().__init__(aes.add, axis=axis)

    def _output_dtype(self, idtype: str) -> str:
        return "complex128" if np.dtype(idtype).kind == "c" else "float64"

    def _acc_dtype(self, idtype: str, odtype: str) -> str:
        return odtype

    def perform(self, node: Apply, inputs: list, output_storage: list, params=None):
        (x,) = inputs
        odtype = node.outputs[0].type.dtype
        total = np.sum(x, axis=self.axis, dtype=odtype)
        n = _reduced_count(np.shape(x), self.axis)
        # 0 / 0 is NaN, as in NumPy, without its warning.
        with np.errstate(invalid="ignore", divide="ignore"):
            out = np.true_divide(total, n, dtype=odtype)
        output_storage[0][0] = np.asarray(out, dtype=odtype)

    def L_op(self, inputs, outputs, output_grads):
        from aesara.tensor.basic import cast
        from aesara.tensor.math import _count, true_div

        (x,) = inputs
        (gz,) = output_grads
        if x.type.dtype[0] not in "fc":
            # Integer and boolean inputs are not differentiable.
            return [_zeros_like(x, _floatX())]
        nd = x.type.ndim
        n = _count(x, self.axis, outputs[0].type.dtype)
        share = true_div(self._pad_to_input(_as_tensor(gz), nd), n)
        # Every input element carries 1/n of the output gradient.
        grad = Elemwise(aes.second)(x, share)
        if grad.type.dtype != x.type.dtype:
            grad = cast(grad, x.type.dtype)
        return [grad]

    def R_op(self, inputs, eval_points):
        if eval_points[0] is None:
            return [None]
        # The mean is linear: its directional derivative is the mean of the
        # direction.
        return self(*eval_points, return_list=True)


class MulWithoutZeros(aes.BinaryScalarOp):
    """Scalar product that treats a zero operand as absent.

    ``x * y`` when both are non-zero, otherwise the other operand; reducing
    with it multiplies the non-zero elements (and gives 0 when there are none).
    """

    identity = 0
    commutative = True
    associative = True

    def impl(self, x: Any, y: Any) -> Any:
        if x == 0:
            return y
        if y == 0:
            return x
        return x * y

    def L_op(self, inputs, outputs, output_gradients):
        from aesara.gradient import grad_not_implemented

        return [grad_not_implemented(self, i, x) for i, x in enumerate(inputs)]


mul_without_zeros = MulWithoutZeros(aes.upcast_out, name="mul_without_zeros")


class ProdWithoutZeros(CAReduce):
    """Product of the non-zero elements along axes.

    A group with no non-zero element (all zeros, or empty) gives 0, as
    Aesara's. Output and accumulator dtypes follow :class:`~aesara.tensor.math.Prod`
    (small integer types are widened to 64 bits). The gradient is not
    implemented: use ``prod(x, no_zeros_in_input=True)`` where ``x`` has no
    zeros.

    Parameters
    ----------
    axis
        Axes to reduce (``None``: all).
    dtype
        Output dtype.
    acc_dtype
        Accumulator dtype.
    """

    __props__ = ("axis", "dtype", "acc_dtype")
    __str__ = CAReduce.__str__

    def __init__(
        self,
        axis: AxisLike = None,
        dtype: str | None = None,
        acc_dtype: str | None = None,
    ):
        super().__init__(
            mul_without_zeros,
            axis=axis,
            dtype=dtype,
            acc_dtype=acc_dtype,
            upcast_discrete_output=True,
        )

    def perform(self, node: Apply, inputs: list, output_storage: list, params=None):
        (x,) = inputs
        odtype = node.outputs[0].type.dtype
        nonzero = x != 0
        # Zeros become the multiplicative identity; groups that had no
        # non-zero element are set to 0 afterwards.
        factors = np.where(nonzero, x, np.ones((), dtype=x.dtype))
        r = np.prod(factors, axis=self.axis, dtype=self.acc_dtype)
        r = np.where(np.any(nonzero, axis=self.axis), r, 0)
        output_storage[0][0] = np.asarray(r, dtype=odtype)

    def L_op(self, inputs, outputs, output_grads):
        from aesara.gradient import grad_not_implemented

        (x,) = inputs
        return [
            grad_not_implemented(
                self,
                0,
                x,
                "the gradient of a product that skips zeros is not implemented; "
                "for an input without zeros use prod(x, no_zeros_in_input=True)",
            )
        ]

    def R_op(self, inputs, eval_points):
        raise NotImplementedError(
            f"{self}: the R operator of a product that skips zeros is not implemented"
        )


def makeKeepDims(x: Any, y: Any, axis: Any) -> Variable:  # noqa: N802 - Aesara's name
    """Re-insert the reduced ``axis`` of ``x`` into ``y`` as length-1 dimensions.

    ``y`` is the result of reducing ``x`` over ``axis`` (``None`` for all
    axes); the result broadcasts against ``x`` like NumPy's ``keepdims=True``.
    """
    from aesara.tensor.basic import as_tensor_variable

    x = as_tensor_variable(x)
    y = as_tensor_variable(y)
    nd = x.type.ndim
    if axis is None:
        axes = list(range(nd))
    else:
        items = list(axis) if isinstance(axis, (list, tuple)) else [axis]
        axes = []
        for a in items:
            if not isinstance(a, (int, np.integer)) or isinstance(a, bool):
                raise TypeError(f"makeKeepDims: axis {a!r} is not an integer")
            if not -nd <= a < nd:
                raise ValueError(f"makeKeepDims: axis {a} out of range for {nd}-d x")
            axes.append(int(a) % nd)
    axes = sorted(set(axes))
    if y.type.ndim != nd - len(axes):
        raise ValueError(
            f"makeKeepDims: y has {y.type.ndim} dimension(s); reducing a {nd}-d x "
            f"over {len(axes)} axes leaves {nd - len(axes)}"
        )
    order: list = []
    j = 0
    for i in range(nd):
        if i in axes:
            order.append("x")
        else:
            order.append(j)
            j += 1
    return y.dimshuffle(*order)
