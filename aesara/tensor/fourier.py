"""The discrete Fourier transform of a (possibly complex) array along one axis.

:data:`fft` (an instance of :class:`Fourier`) computes ``numpy.fft.fft(a, n,
axis)``: the unnormalised DFT along ``axis``, after cropping or zero-padding
that axis to length ``n``. The output is always ``complex128``, as in Aesara.
For batched real-input transforms see :mod:`aesara.tensor.fft`.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from aesara.graph.basic import Apply, Variable
from aesara.graph.op import Op
from aesara.tensor._join import disconnected, zero_grad_for
from aesara.tensor.basic import as_tensor_variable, cast, get_scalar_constant_value
from aesara.tensor.exceptions import NotScalarConstantError
from aesara.tensor.type import TensorType, discrete_dtypes, integer_dtypes
from aesara.tensor.var import TensorConstant, TensorVariable

__all__ = ["Fourier", "fft"]


def _int_scalar(x: Any, what: str) -> TensorVariable:
    """``x`` as an int64 scalar tensor, or a TypeError naming ``what``."""
    x = as_tensor_variable(x)
    if x.type.dtype not in integer_dtypes:
        raise TypeError(f"Fourier: {what} must be an integer, got dtype {x.type.dtype}")
    if x.type.ndim != 0:
        raise TypeError(
            f"Fourier: {what} must be a scalar, got {x.type.ndim}-d {x.type}"
        )
    if isinstance(x, TensorConstant):
        # Keep constants constant so static shapes can be read off them.
        return as_tensor_variable(np.int64(x.data))
    return cast(x, "int64")


def _static_int(x: Variable) -> int | None:
    try:
        return int(get_scalar_constant_value(x))
    except (NotScalarConstantError, TypeError, ValueError):
        return None


class Fourier(Op):
    """Discrete Fourier transform along one axis, as ``numpy.fft.fft``.

    Inputs are ``a`` (at least 1-d, real, integer or complex), ``n`` (the
    length of the transformed axis in the output: the input is cropped or
    zero-padded to it; ``None``: the input's length) and ``axis`` (the axis
    to transform; ``None``: the last; negative values count from the end).
    The output is ``complex128`` with ``a``'s shape except along ``axis``.

    The gradient treats the transform as the linear map it is, with the
    convention used throughout :mod:`aesara.gradient` for complex values;
    it needs a constant ``axis``.
    """

    __props__ = ()

    def make_node(self, a: Any, n: Any = None, axis: Any = None) -> Apply:
        a = as_tensor_variable(a)
        ndim = a.type.ndim
        if ndim < 1:
            raise TypeError(
                f"Fourier: the input must have at least one dimension, got {a.type}"
            )
        if axis is None:
            axis = ndim - 1
        axis = _int_scalar(axis, "axis")
        static_axis = int(axis.data) if isinstance(axis, TensorConstant) else None
        if static_axis is not None:
            if not -ndim <= static_axis < ndim:
                raise ValueError(
                    f"Fourier: axis {static_axis} is out of bounds for an input with "
                    f"{ndim} dimension(s)"
                )
            static_axis %= ndim
            axis = as_tensor_variable(np.int64(static_axis))
        if n is None:
            from aesara.tensor.shape import shape

            # The input's own length along the axis (static when known).
            static_n = None if static_axis is None else a.type.shape[static_axis]
            n = _int_scalar(shape(a)[axis], "n")
        else:
            n = _int_scalar(n, "n")
            static_n = _static_int(n)
        if static_n is not None and static_n < 1:
            raise ValueError(
                f"Fourier: n (the transformed length) must be at least 1, got {static_n}"
            )
        if static_axis is None:
            out_shape = (None,) * ndim
        else:
            out_shape = list(a.type.shape)
            out_shape[static_axis] = static_n
            out_shape = tuple(out_shape)
        out = TensorType("complex128", shape=out_shape)()
        return Apply(self, [a, n, axis], [out])

    def perform(self, node, inputs, output_storage):
        a, n, axis = inputs
        n, axis = int(n), int(axis)
        if n < 1:
            raise ValueError(
                f"Fourier: n (the transformed length) must be at least 1, got {n}"
            )
        if not -a.ndim <= axis < a.ndim:
            raise ValueError(
                f"Fourier: axis {axis} is out of bounds for an input with "
                f"{a.ndim} dimension(s)"
            )
        output_storage[0][0] = np.asarray(
            np.fft.fft(a, n=n, axis=axis), dtype="complex128"
        )

    def infer_shape(self, fgraph, node, in_shapes):
        a_shape = in_shapes[0]
        _, n, axis = node.inputs
        if isinstance(axis, TensorConstant):
            out = list(a_shape)
            out[int(axis.data)] = n
            return [tuple(out)]
        from aesara.tensor.basic import switch
        from aesara.tensor.math import eq, lt

        # Which dimension changes is only known at run time.
        ax = axis + cast(lt(axis, 0), "int64") * len(a_shape)
        return [tuple(switch(eq(ax, i), n, s) for i, s in enumerate(a_shape))]

    def connection_pattern(self, node):
        return [[True], [False], [False]]

    def L_op(self, inputs, outputs, output_grads):
        a, n, axis = inputs
        (gz,) = output_grads
        if a.type.dtype in discrete_dtypes:
            return [zero_grad_for(a), disconnected(), disconnected()]
        if not isinstance(axis, TensorConstant):
            raise NotImplementedError(
                "Fourier: the gradient is only implemented for a constant axis, "
                f"got the symbolic axis {axis}"
            )
        from aesara.tensor._join import concatenate
        from aesara.tensor.basic import zeros
        from aesara.tensor.math import conj, real
        from aesara.tensor.shape import shape_i

        ax = int(axis.data)
        # y = F a with F[k, j] = w**(j*k) for j < min(len, n); with the real
        # inner product Re(conj(g) . y) the adjoint is conj(F).T g, i.e. the
        # DFT of conj(g) conjugated, cropped (or zero-padded) to a's length.
        g = conj(self(conj(gz), n, axis))
        m = shape_i(a, ax)
        pad_shape = [shape_i(a, d) if d != ax else m for d in range(a.type.ndim)]
        padded = concatenate([g, zeros(pad_shape, dtype=g.type.dtype)], axis=ax)
        index = [slice(None)] * a.type.ndim
        index[ax] = slice(None, m)
        ga = padded[tuple(index)]
        if a.type.dtype.startswith("complex"):
            ga = cast(ga, a.type.dtype)
        else:
            ga = cast(real(ga), a.type.dtype)
        return [ga, disconnected(), disconnected()]

    def R_op(self, inputs, eval_points):
        if eval_points[0] is None:
            return [None]
        # The transform is linear in a.
        return [self(eval_points[0], inputs[1], inputs[2])]


fft = Fourier()
