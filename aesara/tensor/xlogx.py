"""``x * log(x)`` and ``x * log(y)`` with the convention ``0 * log(0) == 0``."""

from __future__ import annotations

import numpy as np

import aesara.scalar.basic as aes
from aesara.tensor.elemwise import Elemwise

__all__ = ["XlogX", "scalar_xlogx", "xlogx", "XlogY0", "scalar_xlogy0", "xlogy0"]


def xlogx_array(x):
    """Vectorised ``x * log(x)``, 0 where ``x == 0`` (``scipy.special.xlogy(x, x)``)."""
    x = np.asarray(x)
    if x.dtype.kind in "biu":
        x = x.astype(np.float32 if x.dtype.itemsize <= 2 else np.float64)
    with np.errstate(divide="ignore", invalid="ignore"):
        r = np.where(x == 0, 0, x * np.log(x)).astype(x.dtype)
    return r[()] if r.ndim == 0 else r


def xlogy0_array(x, y):
    """Vectorised ``x * log(y)``, 0 where ``x == 0`` (``scipy.special.xlogy``)."""
    x, y = np.asarray(x), np.asarray(y)
    dtype = np.result_type(
        *[
            (np.float32 if a.dtype.itemsize <= 2 else np.float64)
            if a.dtype.kind in "biu"
            else a.dtype
            for a in (x, y)
        ]
    )
    with np.errstate(divide="ignore", invalid="ignore"):
        r = np.where(x == 0, 0, x * np.log(y)).astype(dtype)
    return r[()] if r.ndim == 0 else r


class XlogX(aes.UnaryScalarOp):
    """``x * log(x)``, defined as 0 at ``x == 0``."""

    nfunc_spec = ("aesara.tensor.xlogx.xlogx_array", 1, 1)

    def impl(self, x):
        return xlogx_array(x)

    def L_op(self, inputs, outputs, output_gradients):
        (x,) = inputs
        (gz,) = output_gradients
        if x.type in aes.discrete_types:
            x = aes.cast(x, outputs[0].type.dtype)
        return [gz * (aes.log(x) + aes._const_like(1.0, outputs[0]))]


scalar_xlogx = XlogX(aes.upgrade_to_float_no_complex, name="scalar_xlogx")
xlogx = Elemwise(scalar_xlogx, name="xlogx")
xlogx.__doc__ = "Element-wise ``x * log(x)``, 0 where ``x == 0``."


class XlogY0(aes.BinaryScalarOp):
    """``x * log(y)``, defined as 0 where ``x == 0``."""

    nfunc_spec = ("aesara.tensor.xlogx.xlogy0_array", 2, 1)

    def impl(self, x, y):
        return xlogy0_array(x, y)

    def L_op(self, inputs, outputs, output_gradients):
        x, y = inputs
        (gz,) = output_gradients
        out = outputs[0]
        xf = aes.cast(x, out.type.dtype) if x.type in aes.discrete_types else x
        yf = aes.cast(y, out.type.dtype) if y.type in aes.discrete_types else y
        return [gz * aes.log(yf), gz * xf / yf]


scalar_xlogy0 = XlogY0(aes.upgrade_to_float_no_complex, name="scalar_xlogy0")
xlogy0 = Elemwise(scalar_xlogy0, name="xlogy0")
xlogy0.__doc__ = "Element-wise ``x * log(y)``, 0 where ``x == 0``."
