"""One-dimensional discrete convolution: :class:`Convolve` and :func:`convolve`.

Part of :mod:`aesara.tensor.math`'s namespace (as in Aesara 2.9); import from
there (or ``convolve`` from :mod:`aesara.tensor`).
"""

from __future__ import annotations

import typing

import numpy as np

import aesara.scalar.basic as aes
from aesara.graph.basic import Apply, Variable
from aesara.graph.op import Op
from aesara.tensor._products import _conj, _grad_like
from aesara.tensor.basic import as_tensor_variable
from aesara.tensor.type import TensorType

if typing.TYPE_CHECKING:
    from aesara.tensor.var import TensorVariable

#: The modes of ``numpy.convolve``.
CONVOLVE_MODES = ("full", "same", "valid")


def _out_length(m: typing.Any, n: typing.Any, mode: str) -> typing.Any:
    # Works on ints (static shapes) and symbolic scalars (infer_shape) alike.
    if mode == "full":
        return m + n - 1
    if isinstance(m, int) and isinstance(n, int):
        longer, shorter = max(m, n), min(m, n)
    else:
        from aesara.tensor.math import maximum, minimum

        longer, shorter = maximum(m, n), minimum(m, n)
    if mode == "same":
        return longer
    return longer - shorter + 1


def _full_offset(m: typing.Any, n: typing.Any, mode: str) -> typing.Any:
    """Where the ``mode`` result starts inside the ``"full"`` result."""
    from aesara.tensor.math import minimum

    if mode == "full":
        return 0
    shorter = minimum(m, n)
    if mode == "same":
        return (shorter - 1) // 2
    return shorter - 1


class Convolve(Op):
    """Discrete linear convolution of two vectors, as ``numpy.convolve``.

    Parameters
    ----------
    mode
        ``"full"`` (every point of overlap, length ``m + n - 1``), ``"same"``
        (length ``max(m, n)``, centred on the full result) or ``"valid"``
        (only points where the vectors overlap completely, length
        ``max(m, n) - min(m, n) + 1``).

    Notes
    -----
    The output dtype is the upcast of the inputs' dtypes. Empty inputs fail
    when the function runs, with NumPy's ``ValueError``. The gradient is the
    correlation of the output gradient with the other input (complex inputs
    are conjugated, as for :func:`~aesara.tensor.math.dot`); integer inputs get
    zero gradients.
    """

    __props__ = ("mode",)

    def __init__(self, mode: str = "full"):
        if mode not in CONVOLVE_MODES:
            raise ValueError(
                f"Convolve: mode must be one of {', '.join(map(repr, CONVOLVE_MODES))}, "
                f"got {mode!r}"
            )
        self.mode = mode

    def make_node(self, a: typing.Any, v: typing.Any) -> Apply:
        a = as_tensor_variable(a)
        v = as_tensor_variable(v)
        for label, x in (("a", a), ("v", v)):
            if x.type.ndim != 1:
                raise ValueError(
                    f"convolve: input {label} must be 1-dim, got {x.type} "
                    f"({x.type.ndim} dimensions)"
                )
        m, n = a.type.shape[0], v.type.shape[0]
        # A static 0 would give a wrong length; NumPy rejects it at run time.
        length = _out_length(m, n, self.mode) if m and n else None
        dtype = aes.upcast(a.type.dtype, v.type.dtype)
        return Apply(self, [a, v], [TensorType(dtype, shape=(length,))()])

    def perform(self, node, inputs, output_storage):
        a, v = inputs
        dtype = node.outputs[0].type.dtype
        output_storage[0][0] = np.asarray(
            np.convolve(a, v, mode=self.mode), dtype=dtype
        )

    def infer_shape(self, fgraph, node, input_shapes):
        ((m,), (n,)) = input_shapes
        return [(_out_length(m, n, self.mode),)]

    def L_op(self, inputs, outputs, output_gradients):
        from aesara.tensor.basic import zeros
        from aesara.tensor.subtensor import set_subtensor

        a, v = inputs
        (gz,) = output_gradients
        m, n = a.shape[0], v.shape[0]
        if self.mode == "full":
            g_full = gz
        else:
            # The output is a window of the full convolution: place gz there.
            start = _full_offset(m, n, self.mode)
            g_full = set_subtensor(
                zeros((m + n - 1,), dtype=gz.type.dtype)[start : start + gz.shape[0]],
                gz,
            )
        # full[k] = sum_i a[i] v[k - i], so d full[k] / d a[i] = v[k - i]: the
        # gradient of a is the correlation of g_full with v, a "valid"
        # convolution with v reversed (and likewise for v).
        valid = Convolve("valid")
        ga = valid(g_full, _conj(v)[::-1])
        gv = valid(g_full, _conj(a)[::-1])
        return [_grad_like(ga, a), _grad_like(gv, v)]


def convolve(
    a: typing.Any, v: typing.Any, mode: str = "full"
) -> TensorVariable | Variable:
    """Discrete linear convolution of the vectors ``a`` and ``v`` (``numpy.convolve``).

    Parameters
    ----------
    a, v
        One-dimensional tensors (or values convertible to them).
    mode
        ``"full"`` (default), ``"same"`` or ``"valid"``; see :class:`Convolve`.

    Returns
    -------
    The convolution, a vector of the upcast dtype of ``a`` and ``v``.

    Raises
    ------
    ValueError
        For an unknown ``mode`` or inputs that are not 1-dim.
    """
    return Convolve(mode=mode)(a, v)


__all__ = ["convolve"]
