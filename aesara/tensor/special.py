"""Softmax family and special-function helpers: ``softmax``, ``log_softmax``,
``poch``, ``factorial`` and ``betaln``."""

from __future__ import annotations

import typing

import numpy as np

from aesara.graph.basic import Apply, Variable
from aesara.graph.op import Op
from aesara.tensor.basic import as_tensor_variable

__all__ = [
    "Softmax",
    "softmax",
    "LogSoftmax",
    "log_softmax",
    "SoftmaxGrad",
    "poch",
    "factorial",
    "betaln",
]


def _check_axis(axis: typing.Any, ndim: int, what: str) -> int | None:
    """``axis`` as a non-negative int (or ``None``), checked against ``ndim``."""
    if axis is None:
        return None
    if isinstance(axis, bool) or not isinstance(axis, (int, np.integer)):
        raise TypeError(f"{what}: axis must be an int or None, got {axis!r}")
    if not -ndim <= axis < ndim:
        raise ValueError(
            f"{what}: axis {axis} is out of bounds for a tensor of {ndim} dimensions"
        )
    return int(axis) % ndim


def _float_input(x: Variable, what: str) -> Variable:
    """``x`` cast to a float dtype (``upgrade_to_float`` rules) when discrete."""
    import aesara.scalar.basic as aes

    dtype = x.type.dtype
    if dtype.startswith("complex"):
        raise TypeError(f"{what}: complex inputs are not supported, got {x.type}")
    if dtype[:1] in ("b", "i", "u"):
        (out_type,) = aes.upgrade_to_float(aes.get_scalar_type(dtype))
        return x.astype(out_type.dtype)
    return x


def _sum_keep(x: Variable, axis: int | None) -> Variable:
    from aesara.tensor.math import sum as at_sum

    return at_sum(x, axis=axis, keepdims=True)


class _AxisOp(Op):
    __props__ = ("axis",)

    def __init__(self, axis: int | None = None):
        if axis is not None and (
            isinstance(axis, bool) or not isinstance(axis, (int, np.integer))
        ):
            raise TypeError(
                f"{type(self).__name__}: axis must be an int or None, got {axis!r}"
            )
        self.axis = None if axis is None else int(axis)

    def _make(self, *inputs: Variable) -> Apply:
        ndim = inputs[0].type.ndim
        _check_axis(self.axis, ndim, type(self).__name__)
        return Apply(self, list(inputs), [inputs[-1].type()])

    def infer_shape(self, fgraph, node, input_shapes):
        return [input_shapes[-1]]


class Softmax(_AxisOp):
    """``exp(x) / sum(exp(x), axis)``, shifted by the maximum for stability.

    ``axis=None`` normalises over all elements (as ``scipy.special.softmax``).
    """

    def make_node(self, x: typing.Any) -> Apply:
        x = _float_input(as_tensor_variable(x), "Softmax")
        return self._make(x)

    def perform(self, node, inputs, output_storage, params=None):
        (x,) = inputs
        dtype = node.outputs[0].type.dtype
        if x.size == 0:
            output_storage[0][0] = np.empty(x.shape, dtype=dtype)
            return
        with np.errstate(invalid="ignore", over="ignore", under="ignore"):
            e = np.exp(x - np.max(x, axis=self.axis, keepdims=True))
            r = e / np.sum(e, axis=self.axis, keepdims=True)
        output_storage[0][0] = np.asarray(r, dtype=dtype)

    def L_op(self, inputs, outputs, output_gradients):
        (x,) = inputs
        (gz,) = output_gradients
        return [SoftmaxGrad(self.axis)(gz, outputs[0])]

    def R_op(self, inputs, eval_points):
        if eval_points[0] is None:
            return [None]
        return [SoftmaxGrad(self.axis)(eval_points[0], self(inputs[0]))]


class SoftmaxGrad(_AxisOp):
    """Gradient of :class:`Softmax`: ``(dy - sum(dy * sm, axis)) * sm``.

    Inputs are the output gradient ``dy`` and the softmax output ``sm``.
    """

    def make_node(self, dy: typing.Any, sm: typing.Any) -> Apply:
        dy = as_tensor_variable(dy)
        sm = as_tensor_variable(sm)
        if dy.type.ndim != sm.type.ndim:
            raise ValueError(
                f"SoftmaxGrad: dy and sm must have the same rank, got {dy.type} and "
                f"{sm.type}"
            )
        if dy.type.dtype != sm.type.dtype:
            dy = dy.astype(sm.type.dtype)
        return self._make(dy, sm)

    def perform(self, node, inputs, output_storage, params=None):
        dy, sm = inputs
        s = np.sum(dy * sm, axis=self.axis, keepdims=True)
        r = (dy - s) * sm
        output_storage[0][0] = np.asarray(r, dtype=node.outputs[0].type.dtype)

    def L_op(self, inputs, outputs, output_gradients):
        dy, sm = inputs
        (g,) = output_gradients
        t = _sum_keep(g * sm, self.axis)
        s = _sum_keep(dy * sm, self.axis)
        g_dy = sm * (g - t)
        g_sm = g * (dy - s) - t * dy
        return [g_dy, g_sm]


class LogSoftmax(_AxisOp):
    """``x - log(sum(exp(x), axis))``, shifted by the maximum for stability.

    ``axis=None`` normalises over all elements (as ``scipy.special.log_softmax``).
    """

    def make_node(self, x: typing.Any) -> Apply:
        x = _float_input(as_tensor_variable(x), "LogSoftmax")
        return self._make(x)

    def perform(self, node, inputs, output_storage, params=None):
        (x,) = inputs
        dtype = node.outputs[0].type.dtype
        if x.size == 0:
            output_storage[0][0] = np.empty(x.shape, dtype=dtype)
            return
        with np.errstate(
            invalid="ignore", over="ignore", under="ignore", divide="ignore"
        ):
            m = np.max(x, axis=self.axis, keepdims=True)
            m = np.where(np.isfinite(m), m, 0)
            shifted = x - m
            r = shifted - np.log(np.sum(np.exp(shifted), axis=self.axis, keepdims=True))
        output_storage[0][0] = np.asarray(r, dtype=dtype)

    def L_op(self, inputs, outputs, output_gradients):
        from aesara.tensor.math import exp

        (gz,) = output_gradients
        return [gz - exp(outputs[0]) * _sum_keep(gz, self.axis)]

    def R_op(self, inputs, eval_points):
        from aesara.tensor.math import exp

        if eval_points[0] is None:
            return [None]
        ev = eval_points[0]
        sm = exp(self(inputs[0]))
        return [ev - _sum_keep(ev * sm, self.axis)]


def softmax(c: typing.Any, axis: int | None = None) -> Variable:
    """Softmax of ``c`` along ``axis`` (all elements when ``None``), as ``scipy.special.softmax``.

    Integer inputs give float outputs; the computation subtracts the maximum
    first, so large inputs do not overflow.
    """
    c = as_tensor_variable(c)
    return Softmax(axis=_check_axis(axis, c.type.ndim, "softmax"))(c)


def log_softmax(c: typing.Any, axis: int | None = None) -> Variable:
    """Logarithm of :func:`softmax`, computed stably (``scipy.special.log_softmax``)."""
    c = as_tensor_variable(c)
    return LogSoftmax(axis=_check_axis(axis, c.type.ndim, "log_softmax"))(c)


def poch(z: typing.Any, m: typing.Any) -> Variable:
    """Pochhammer symbol (rising factorial) ``gamma(z + m) / gamma(z)``."""
    from aesara.tensor.math import gamma

    z = as_tensor_variable(z)
    m = as_tensor_variable(m)
    return gamma(z + m) / gamma(z)


def factorial(n: typing.Any) -> Variable:
    """``n!`` as ``gamma(n + 1)`` (defined for non-integer ``n`` too)."""
    from aesara.tensor.math import gamma

    return gamma(as_tensor_variable(n) + 1)


def betaln(a: typing.Any, b: typing.Any) -> Variable:
    """Logarithm of the beta function, ``gammaln(a) + gammaln(b) - gammaln(a + b)``."""
    from aesara.tensor.math import gammaln

    a = as_tensor_variable(a)
    b = as_tensor_variable(b)
    return gammaln(a) + gammaln(b) - gammaln(a + b)
