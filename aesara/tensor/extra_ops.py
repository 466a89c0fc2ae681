"""NumPy-like array functions beyond the basics.

Cumulative sums/products (:class:`CumOp`), ``diff``, ``bincount``,
``squeeze``, ``compress``, ``repeat`` (:class:`RepeatOp`), ``unique``
(:class:`Unique`), ``searchsorted``, diagonal filling, broadcasting
(:class:`BroadcastTo`, ``broadcast_arrays``, ``broadcast_shape``), index
conversion (:class:`UnravelIndex`, :class:`RavelMultiIndex`), ``linspace``/
``logspace``/``geomspace``, ``bartlett``, ``to_one_hot`` and
``cpu_contiguous``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from aesara.configdefaults import config
from aesara.graph.basic import Apply, Variable
from aesara.graph.op import Op
from aesara.tensor._construct import (
    TakeAlongAxis,
    _broadcast_static,
    _ravel,
    arange,
    eye,
    flatnonzero,
)
from aesara.tensor._join import (
    as_int_scalar,
    const_int,
    disconnected,
    grad_as,
    join,
    normalize_axis_arg,
    zero_grad_for,
)
from aesara.tensor.basic import (
    alloc,
    as_tensor_variable,
    cast,
    constant,
    get_vector_length,
    infer_static_shape,
    switch,
)
from aesara.tensor.type import (
    TensorType,
    complex_dtypes,
    discrete_dtypes,
    float_dtypes,
    integer_dtypes,
)
from aesara.tensor.var import TensorVariable


def _math():
    import aesara.tensor.math as atm

    return atm


def _shape_i(x, i):
    from aesara.tensor.shape import shape_i

    return shape_i(x, i)


def _reshape(x, shape, ndim=None):
    from aesara.tensor.shape import reshape

    return reshape(x, shape, ndim=ndim)


def _num_elements(shape: Sequence[Any]) -> TensorVariable:
    """The product of the entries of a symbolic shape, as an int64 scalar."""
    out = constant(1, dtype="int64")
    for s in shape:
        out = out * cast(as_tensor_variable(s), "int64")
    return out


def sum_to_input(g: TensorVariable, x: TensorVariable) -> TensorVariable:
    """Reduce a gradient ``g`` of a broadcast ``x`` back to ``x``'s rank and type.

    Sums over the leading dimensions ``x`` lacks and over dimensions of static
    size 1 in ``x`` that are not size 1 in ``g``.
    """
    atm = _math()
    extra = g.type.ndim - x.type.ndim
    if extra > 0:
        g = atm.sum(g, axis=list(range(extra)))
    axes = [
        d
        for d, (xs, gs) in enumerate(zip(x.type.shape, g.type.shape))
        if xs == 1 and gs != 1
    ]
    if axes:
        g = atm.sum(g, axis=axes, keepdims=True)
    if x.type.dtype not in discrete_dtypes:
        g = grad_as(g, x)
    if g.type.shape != x.type.shape:
        from aesara.tensor.shape import specify_shape

        if any(s is not None for s in x.type.shape):
            g = specify_shape(g, x.type.shape)
    return g


# ----------------------------------------------------------------------------
# Cumulative sum / product
# ----------------------------------------------------------------------------


class CumOp(Op):
    """Cumulative sum (``mode="add"``) or product (``mode="mul"``) along ``axis``.

    With ``axis=None`` the input is flattened first.
    """

    __props__ = ("axis", "mode")

    def __init__(self, axis: int | None = None, mode: str = "add"):
        if mode not in ("add", "mul"):
            raise ValueError(f'CumOp: mode must be "add" or "mul", got {mode!r}')
        self.axis = None if axis is None else int(axis)
        self.mode = mode

    def make_node(self, x):
        x = as_tensor_variable(x)
        if self.axis is None:
            n = None
            if all(s is not None for s in x.type.shape):
                n = int(np.prod(x.type.shape, dtype="int64"))
            out_type = TensorType(self._out_dtype(x.type.dtype), (n,))
        else:
            normalize_axis_arg(self.axis, max(x.type.ndim, 1), "cumsum/cumprod: axis")
            if x.type.ndim == 0 and self.axis not in (0, -1):
                raise np.exceptions.AxisError(
                    f"cumsum/cumprod: axis {self.axis} is out of bounds for a 0-d tensor"
                )
            out_type = TensorType(self._out_dtype(x.type.dtype), x.type.shape)
        return Apply(self, [x], [out_type()])

    @staticmethod
    def _out_dtype(dtype: str) -> str:
        # NumPy accumulates small integers in the platform integer.
        if dtype in ("bool", "int8", "int16", "int32"):
            return "int64"
        if dtype in ("uint8", "uint16", "uint32"):
            return "uint64"
        return dtype

    def perform(self, node, inputs, output_storage, params=None):
        (x,) = inputs
        fn = np.cumsum if self.mode == "add" else np.cumprod
        dtype = node.outputs[0].type.dtype
        if x.ndim == 0 and self.axis is not None:
            out = np.asarray(x, dtype=dtype).copy()
        else:
            out = fn(x, axis=self.axis, dtype=dtype)
        output_storage[0][0] = out

    def infer_shape(self, fgraph, node, input_shapes):
        if self.axis is None:
            return [(_num_elements(input_shapes[0]),)]
        return [input_shapes[0]]

    def L_op(self, inputs, outputs, output_grads):
        (x,) = inputs
        (gz,) = output_grads
        if x.type.dtype in discrete_dtypes:
            return [zero_grad_for(x)]
        axis = 0 if self.axis is None else self.axis
        if self.mode == "add":
            g = _reverse_cumsum(gz, axis)
        else:
            fx = outputs[0]
            xx = x.flatten() if self.axis is None else x
            if x.type.dtype in complex_dtypes:
                # Holomorphic: the gradient uses the conjugate Jacobian.
                fx, xx = _math().conj(fx), _math().conj(xx)
            g = _reverse_cumsum(fx * gz, axis) / xx
        if self.axis is None:
            from aesara.tensor.shape import shape

            g = _reshape(g, shape(x), ndim=x.type.ndim)
        return [g]

    def R_op(self, inputs, eval_points):
        if self.mode != "add" or eval_points[0] is None:
            if eval_points[0] is None:
                return [None]
            raise NotImplementedError("CumOp: R_op is only implemented for cumsum")
        return [self(eval_points[0])]

    def __str__(self):
        return f"{type(self).__name__}{{{self.axis}, {self.mode}}}"


def _reverse_cumsum(g: TensorVariable, axis: int) -> TensorVariable:
    """``g`` summed from the end along ``axis``: ``total - cumsum(g) + g``."""
    if g.type.ndim == 0:
        return g
    atm = _math()
    total = atm.sum(g, axis=axis, keepdims=True)
    return total - CumOp(axis, "add")(g) + g


def cumsum(x: Any, axis: int | None = None) -> TensorVariable:
    """Cumulative sum along ``axis`` (of the flattened tensor if ``None``)."""
    return CumOp(axis=axis, mode="add")(x)


def cumprod(x: Any, axis: int | None = None) -> TensorVariable:
    """Cumulative product along ``axis`` (of the flattened tensor if ``None``)."""
    return CumOp(axis=axis, mode="mul")(x)


# ----------------------------------------------------------------------------
# diff
# ----------------------------------------------------------------------------


class Diff(Op):
    """``n``-th discrete difference along ``axis`` (``numpy.diff``)."""

    __props__ = ("n", "axis")

    def __init__(self, n: int = 1, axis: int = -1):
        self.n, self.axis = int(n), int(axis)

    def make_node(self, x):
        x = as_tensor_variable(x)
        if x.type.ndim == 0:
            raise ValueError("diff requires input that is at least one dimensional")
        ax = normalize_axis_arg(self.axis, x.type.ndim, "diff: axis")
        shape = list(x.type.shape)
        if shape[ax] is not None:
            shape[ax] = max(0, shape[ax] - self.n)
        dtype = "bool" if x.type.dtype == "bool" else x.type.dtype
        return Apply(self, [x], [TensorType(dtype, tuple(shape))()])

    def perform(self, node, inputs, output_storage, params=None):
        output_storage[0][0] = np.diff(inputs[0], n=self.n, axis=self.axis)

    def infer_shape(self, fgraph, node, input_shapes):
        (shp,) = input_shapes
        ax = self.axis % len(shp)
        out = list(shp)
        out[ax] = _math().maximum(shp[ax] - self.n, 0)
        return [tuple(out)]

    def L_op(self, inputs, outputs, output_grads):
        (x,) = inputs
        (gz,) = output_grads
        if x.type.dtype in discrete_dtypes:
            return [zero_grad_for(x)]
        ax = self.axis % x.type.ndim
        # The adjoint of n differences: (-1)^n * diff(g padded with n zeros on each side).
        pad_shape = [
            self.n if d == ax else _shape_i(gz, d) for d in range(gz.type.ndim)
        ]
        zeros = alloc(constant(0, dtype=gz.type.dtype), *pad_shape)
        padded = join(ax, zeros, gz, zeros)
        g = Diff(self.n, ax)(padded)
        return [-g if self.n % 2 else g]


# Aesara's name for the op.
DiffOp = Diff


def diff(x: Any, n: int = 1, axis: int = -1) -> TensorVariable:
    """The ``n``-th discrete difference of ``x`` along ``axis`` (``numpy.diff``)."""
    if isinstance(n, (bool, np.bool_)) or not isinstance(n, (int, np.integer)):
        raise TypeError(f"diff: n must be an integer, got {n!r}")
    if n < 0:
        raise ValueError(f"diff: order must be non-negative but got {n}")
    x = as_tensor_variable(x)
    if x.type.ndim == 0:
        raise ValueError("diff requires input that is at least one dimensional")
    if n == 0:
        return x
    return Diff(n, axis)(x)


# ----------------------------------------------------------------------------
# bincount
# ----------------------------------------------------------------------------


class BinCount(Op):
    """``BinCount(minlength)(x[, weights])``: ``numpy.bincount``.

    Counts are int64; weighted sums keep a float/complex weights dtype and
    are float64 for integer weights (as NumPy).
    """

    __props__ = ("minlength", "weighted")

    def __init__(self, minlength: int | None = None, weighted: bool = False):
        self.minlength = None if minlength is None else int(minlength)
        self.weighted = bool(weighted)

    def make_node(self, x, *weights):
        x = as_tensor_variable(x)
        if x.type.dtype not in integer_dtypes and x.type.dtype != "bool":
            raise TypeError(f"bincount: input must be integers, got {x.type.dtype}")
        if x.type.ndim != 1:
            raise ValueError(f"bincount: input must be 1-d, got {x.type}")
        ins = [x]
        dtype = "int64"
        if self.weighted:
            (w,) = weights
            w = as_tensor_variable(w)
            if w.type.ndim != 1:
                raise ValueError(f"bincount: weights must be 1-d, got {w.type}")
            if (
                None not in (w.type.shape[0], x.type.shape[0])
                and w.type.shape[0] != x.type.shape[0]
            ):
                raise ValueError(
                    f"bincount: weights (length {w.type.shape[0]}) and x (length "
                    f"{x.type.shape[0]}) must have the same length"
                )
            dtype = (
                w.type.dtype
                if w.type.dtype in (*float_dtypes, *complex_dtypes)
                else "float64"
            )
            ins.append(w)
        return Apply(self, ins, [TensorType(dtype, (None,))()])

    def perform(self, node, inputs, output_storage, params=None):
        x = inputs[0]
        if x.size and x.min() < 0:
            raise ValueError("bincount: input must be non-negative")
        n = int(x.max()) + 1 if x.size else 0
        if self.minlength is not None:
            n = max(n, self.minlength)
        out = np.zeros(n, dtype=node.outputs[0].type.dtype)
        if self.weighted:
            w = inputs[1]
            if w.shape != x.shape:
                raise ValueError(
                    f"bincount: weights (shape {w.shape}) and x (shape {x.shape}) differ"
                )
            np.add.at(out, x, w)
        else:
            np.add.at(out, x, 1)
        output_storage[0][0] = out

    def infer_shape(self, fgraph, node, input_shapes):
        atm = _math()
        # One more than the largest value (0 for an empty input).
        padded = join(0, cast(node.inputs[0], "int64"), constant(np.array([-1])))
        n = cast(atm.max(padded), "int64") + 1
        if self.minlength is not None:
            n = atm.maximum(n, self.minlength)
        return [(n,)]

    def connection_pattern(self, node):
        return [[False]] + [[True]] * (len(node.inputs) - 1)

    def L_op(self, inputs, outputs, output_grads):
        if not self.weighted:
            return [disconnected()]
        x, w = inputs
        if w.type.dtype in discrete_dtypes:
            return [disconnected(), zero_grad_for(w)]
        g = TakeAlongAxis(0)(output_grads[0], x)
        return [disconnected(), grad_as(g, w)]


def bincount(
    x: Any,
    weights: Any = None,
    minlength: int | None = None,
    assert_nonneg: bool = False,
) -> TensorVariable:
    """Count occurrences of each value of the non-negative int vector ``x``.

    Parameters
    ----------
    x
        Non-negative integers (1-d).
    weights
        Optional weights, summed per value instead of counting.
    minlength
        Minimum number of bins.
    assert_nonneg
        Accepted for compatibility: negative values always raise ``ValueError``
        when the function runs, as in NumPy.
    """
    if minlength is not None:
        if isinstance(minlength, (bool, np.bool_)) or not isinstance(
            minlength, (int, np.integer)
        ):
            raise TypeError(
                f"bincount: minlength must be an integer, got {minlength!r}"
            )
        if minlength < 0:
            raise ValueError(
                f"bincount: minlength must be non-negative, got {minlength}"
            )
    if weights is None:
        return BinCount(minlength)(x)
    return BinCount(minlength, weighted=True)(x, weights)


# ----------------------------------------------------------------------------
# squeeze, compress, repeat
# ----------------------------------------------------------------------------


def squeeze(x: Any, axis: Any = None) -> TensorVariable:
    """Remove dimensions of size 1 (``numpy.squeeze``).

    With ``axis=None`` the dimensions of static size 1 are removed. Named
    axes must have size 1: a static size other than 1 is a ``ValueError``
    when the graph is built, an unknown size is checked when it runs.
    """
    from aesara.tensor.shape import specify_shape

    x = as_tensor_variable(x)
    if axis is None:
        axes = [d for d, s in enumerate(x.type.shape) if s == 1]
    else:
        axes = list(axis) if isinstance(axis, (list, tuple)) else [axis]
        axes = [normalize_axis_arg(a, x.type.ndim, "squeeze: axis") for a in axes]
        for a in axes:
            s = x.type.shape[a]
            if s is not None and s != 1:
                raise ValueError(
                    f"squeeze: cannot select axis {a}: its size is {s}, not 1 (type {x.type})"
                )
        if any(x.type.shape[a] is None for a in axes):
            # Checked when the graph runs.
            x = specify_shape(x, [1 if d in axes else None for d in range(x.type.ndim)])
    if not axes:
        return x
    return x.dimshuffle([d for d in range(x.type.ndim) if d not in axes])


def compress(condition: Any, x: Any, axis: int | None = None) -> TensorVariable:
    """The slices of ``x`` along ``axis`` where ``condition`` is true (``numpy.compress``).

    With ``axis=None`` works on the flattened ``x``.
    """
    cond = as_tensor_variable(condition)
    if cond.type.ndim != 1:
        raise ValueError(f"compress: condition must be a 1-d array, got {cond.type}")
    idx = flatnonzero(cond)
    x = as_tensor_variable(x)
    if axis is None:
        return TakeAlongAxis(0)(_ravel(x), idx)
    ax = normalize_axis_arg(axis, x.type.ndim, "compress: axis")
    pattern = ["x"] * x.type.ndim
    pattern[ax] = 0
    return TakeAlongAxis(ax)(x, idx.dimshuffle(pattern))


class RepeatOp(Op):
    """Repeat elements of ``x`` along ``axis`` (``numpy.repeat``).

    ``RepeatOp(axis)(x, repeats)``: ``repeats`` is an integer scalar, or a
    vector with one count per element along ``axis``; ``axis=None`` repeats
    the flattened input.
    """

    __props__ = ("axis",)

    def __init__(self, axis: int | None = None):
        self.axis = None if axis is None else int(axis)

    def make_node(self, x, repeats):
        x = as_tensor_variable(x)
        repeats = as_tensor_variable(repeats)
        if repeats.type.dtype not in integer_dtypes:
            raise TypeError(
                f"repeat: repeats must be integers, got {repeats.type.dtype}"
            )
        if repeats.type.dtype == "uint64":
            raise TypeError(
                "repeat: repeats of dtype uint64 cannot be cast safely to int64"
            )
        if repeats.type.ndim > 1:
            raise ValueError(
                f"repeat: repeats must be a scalar or a vector, got {repeats.type}"
            )
        if self.axis is None:
            in_sizes = list(x.type.shape)
            n = None if None in in_sizes else int(np.prod(in_sizes, dtype="int64"))
            shape: list = [n]
            ax = 0
        else:
            ax = normalize_axis_arg(self.axis, x.type.ndim, "repeat: axis")
            shape = list(x.type.shape)
            n = shape[ax]
        out_n = None
        if repeats.type.ndim == 0:
            r = const_int(repeats)
            if r is not None:
                if r < 0:
                    raise ValueError(
                        f"repeat: repeats may not contain negative values, got {r}"
                    )
                out_n = None if n is None else n * r
        else:
            rlen = repeats.type.shape[0]
            if rlen is not None and n is not None and rlen not in (1, n):
                raise ValueError(
                    f"repeat: got {rlen} repeat counts for an axis of size {n}"
                )
            data = getattr(repeats, "data", None)
            if data is not None:
                if np.any(data < 0):
                    raise ValueError("repeat: repeats may not contain negative values")
                if len(data) != 1:
                    out_n = int(data.sum())
                elif n is not None:
                    out_n = n * int(data[0])
        shape[ax] = out_n
        return Apply(self, [x, repeats], [TensorType(x.type.dtype, tuple(shape))()])

    def perform(self, node, inputs, output_storage, params=None):
        x, repeats = inputs
        try:
            output_storage[0][0] = np.repeat(x, repeats, axis=self.axis)
        except ValueError as e:
            raise ValueError(f"repeat: {e}") from None

    def infer_shape(self, fgraph, node, input_shapes):
        atm = _math()
        x, repeats = node.inputs
        shp = input_shapes[0]
        if self.axis is None:
            n = _num_elements(shp)
            out = [None]
            ax = 0
        else:
            ax = self.axis % x.type.ndim
            n = shp[ax]
            out = list(shp)
        r = cast(repeats, "int64")
        if repeats.type.ndim == 0:
            out[ax] = n * r
        else:
            total = atm.sum(r)
            out[ax] = switch(atm.eq(_shape_i(repeats, 0), 1), n * total, total)
        return [tuple(out)]

    def connection_pattern(self, node):
        return [[True], [False]]

    def L_op(self, inputs, outputs, output_grads):
        from aesara.tensor.shape import shape

        x, repeats = inputs
        (gz,) = output_grads
        if x.type.dtype in discrete_dtypes:
            return [zero_grad_for(x), disconnected()]
        atm = _math()
        xx = _ravel(x) if self.axis is None else x
        ax = 0 if self.axis is None else self.axis % x.type.ndim
        if repeats.type.ndim == 0:
            sizes = [_shape_i(xx, d) for d in range(xx.type.ndim)]
            sizes.insert(ax + 1, cast(repeats, "int64"))
            g = atm.sum(_reshape(gz, sizes, ndim=xx.type.ndim + 1), axis=ax + 1)
        else:
            # Segment sums: differences of the cumulative sum at the segment ends.
            r = cast(repeats, "int64")
            r = alloc(r, _shape_i(xx, ax)) if repeats.type.shape[0] == 1 else r
            ends = CumOp(0, "add")(r)
            starts = ends - r
            zero_shape = [
                1 if d == ax else _shape_i(gz, d) for d in range(gz.type.ndim)
            ]
            cs = join(
                ax,
                alloc(constant(0, dtype=gz.type.dtype), *zero_shape),
                CumOp(ax, "add")(gz),
            )
            pattern = ["x"] * gz.type.ndim
            pattern[ax] = 0
            g = TakeAlongAxis(ax)(cs, ends.dimshuffle(pattern)) - TakeAlongAxis(ax)(
                cs, starts.dimshuffle(pattern)
            )
        if self.axis is None:
            g = _reshape(g, shape(x), ndim=x.type.ndim)
        return [g, disconnected()]


# Aesara 2.9's name of the class.
Repeat = RepeatOp


def repeat(x: Any, repeats: Any, axis: int | None = None) -> TensorVariable:
    """Repeat each element of ``x`` ``repeats`` times (``numpy.repeat``).

    Parameters
    ----------
    x
        The tensor.
    repeats
        An integer, or an integer vector with one count per element along
        ``axis`` (or one count for all).
    axis
        The axis to repeat along; ``None`` repeats the flattened ``x``.
    """
    x = as_tensor_variable(x)
    if axis is not None:
        normalize_axis_arg(axis, x.type.ndim, "repeat: axis")
    return RepeatOp(axis)(x, repeats)


# ----------------------------------------------------------------------------
# unique
# ----------------------------------------------------------------------------


class Unique(Op):
    """``numpy.unique``: the sorted unique values, and optionally the first
    indices, the inverse indices and the counts (in that order)."""

    __props__ = ("return_index", "return_inverse", "return_counts", "axis")

    def __init__(
        self,
        return_index: bool = False,
        return_inverse: bool = False,
        return_counts: bool = False,
        axis: int | None = None,
    ):
        self.return_index = bool(return_index)
        self.return_inverse = bool(return_inverse)
        self.return_counts = bool(return_counts)
        self.axis = None if axis is None else int(axis)

    def make_node(self, x):
        x = as_tensor_variable(x)
        if self.axis is None:
            values = TensorType(x.type.dtype, (None,))
        else:
            ax = normalize_axis_arg(self.axis, x.type.ndim, "unique: axis")
            shape = list(x.type.shape)
            shape[ax] = None
            values = TensorType(x.type.dtype, tuple(shape))
        outs = [values()]
        if self.return_index:
            outs.append(TensorType("int64", (None,))())
        if self.return_inverse:
            inv_shape = x.type.shape if self.axis is None else (x.type.shape[ax],)
            outs.append(TensorType("int64", inv_shape)())
        if self.return_counts:
            outs.append(TensorType("int64", (None,))())
        return Apply(self, [x], outs)

    def perform(self, node, inputs, output_storage, params=None):
        res = np.unique(
            inputs[0],
            return_index=self.return_index,
            return_inverse=self.return_inverse,
            return_counts=self.return_counts,
            axis=self.axis,
        )
        if not isinstance(res, tuple):
            res = (res,)
        for cell, r, out in zip(output_storage, res, node.outputs):
            cell[0] = np.asarray(r, dtype=out.type.dtype).reshape(
                r.shape if out.type.ndim == r.ndim else np.shape(inputs[0])
            )

    def infer_shape(self, fgraph, node, input_shapes):
        (shp,) = input_shapes
        outs = node.outputs
        res = []
        k = 0
        # The number of unique values is only known at run time.
        res.append(tuple(_shape_i(outs[0], d) for d in range(outs[0].type.ndim)))
        k += 1
        if self.return_index:
            res.append((_shape_i(outs[k], 0),))
            k += 1
        if self.return_inverse:
            if self.axis is None:
                res.append(tuple(shp))
            else:
                res.append((shp[self.axis % len(shp)],))
            k += 1
        if self.return_counts:
            res.append(
                (_shape_i(outs[0], 0 if self.axis is None else self.axis % len(shp)),)
            )
        return res

    def grad(self, inputs, output_grads):
        return [zero_grad_for(inputs[0])]


def unique(
    ar: Any,
    return_index: bool = False,
    return_inverse: bool = False,
    return_counts: bool = False,
    axis: int | None = None,
):
    """The sorted unique elements of ``ar`` (``numpy.unique``).

    Returns one variable, or a list when any ``return_*`` flag is set.
    """
    op = Unique(return_index, return_inverse, return_counts, axis)
    outs = op(ar, return_list=True)
    return outs[0] if len(outs) == 1 else outs


# ----------------------------------------------------------------------------
# searchsorted
# ----------------------------------------------------------------------------


class SearchsortedOp(Op):
    """``numpy.searchsorted``: insertion positions of ``v`` in the sorted vector ``x``."""

    __props__ = ("side",)

    def __init__(self, side: str = "left"):
        if side not in ("left", "right"):
            raise ValueError(
                f"searchsorted: side must be 'left' or 'right', got {side!r}"
            )
        self.side = side

    def make_node(self, x, v, sorter=None):
        x = as_tensor_variable(x)
        v = as_tensor_variable(v)
        if x.type.ndim != 1:
            raise ValueError(f"searchsorted: x must be 1-d, got {x.type}")
        ins = [x, v]
        if sorter is not None:
            sorter = as_tensor_variable(sorter)
            if sorter.type.ndim != 1 or sorter.type.dtype not in integer_dtypes:
                raise TypeError(
                    f"searchsorted: sorter must be an integer vector, got {sorter.type}"
                )
            ins.append(sorter)
        return Apply(self, ins, [TensorType("int64", v.type.shape)()])

    def perform(self, node, inputs, output_storage, params=None):
        x, v, *sorter = inputs
        out = np.searchsorted(
            x, v, side=self.side, sorter=sorter[0] if sorter else None
        )
        output_storage[0][0] = np.asarray(out, dtype="int64")

    def infer_shape(self, fgraph, node, input_shapes):
        return [input_shapes[1]]

    def connection_pattern(self, node):
        return [[False] for _ in node.inputs]

    def grad(self, inputs, output_grads):
        return [disconnected() for _ in inputs]


def searchsorted(
    x: Any, v: Any, side: str = "left", sorter: Any = None
) -> TensorVariable:
    """Indices where ``v`` would be inserted to keep the vector ``x`` sorted."""
    return SearchsortedOp(side)(x, v, sorter)


# ----------------------------------------------------------------------------
# Filling diagonals
# ----------------------------------------------------------------------------


def _scalar_value(val: Any, a: TensorVariable, what: str) -> TensorVariable:
    val = as_tensor_variable(val)
    if val.type.ndim != 0:
        raise TypeError(f"{what}: val must be a scalar, got {val.type}")
    if val.type.dtype in complex_dtypes and a.type.dtype not in complex_dtypes:
        raise TypeError(
            f"{what}: cannot write a complex value into an array of {a.type.dtype}"
        )
    return val


class FillDiagonal(Op):
    """``FillDiagonal()(a, val)``: a copy of ``a`` with its main diagonal set to ``val``."""

    __props__ = ()

    def make_node(self, a, val):
        a = as_tensor_variable(a)
        if a.type.ndim < 2:
            raise TypeError(f"fill_diagonal: a must be at least 2-d, got {a.type}")
        val = _scalar_value(val, a, "fill_diagonal")
        if a.type.ndim > 2:
            known = {s for s in a.type.shape if s is not None}
            if len(known) > 1:
                raise ValueError(
                    f"fill_diagonal: all dimensions of a {a.type.ndim}-d input must have "
                    f"equal length, got static shape {a.type.shape}"
                )
        return Apply(self, [a, val], [a.type()])

    def perform(self, node, inputs, output_storage, params=None):
        a, val = inputs
        out = a.copy()
        try:
            np.fill_diagonal(out, val)
        except ValueError as e:
            raise ValueError(f"fill_diagonal: {e}") from None
        output_storage[0][0] = out

    def infer_shape(self, fgraph, node, input_shapes):
        return [input_shapes[0]]

    def L_op(self, inputs, outputs, output_grads):
        a, val = inputs
        (gz,) = output_grads
        ga = zero_grad_for(a) if a.type.dtype in discrete_dtypes else self(gz, 0)
        if val.type.dtype in discrete_dtypes:
            return [ga, zero_grad_for(val)]
        from aesara.tensor._construct import ExtractDiag

        d = gz
        while d.type.ndim > 1:
            d = (
                ExtractDiag(0, 0, 1)(d)
                if d.type.ndim == 2
                else ExtractDiag(0, 0, 1)(d).dimshuffle(
                    [d.type.ndim - 2] + list(range(d.type.ndim - 2))
                )
            )
        return [ga, grad_as(_math().sum(d), val)]


fill_diagonal_ = FillDiagonal()


def fill_diagonal(a: Any, val: Any) -> TensorVariable:
    """A copy of ``a`` with its main diagonal set to the scalar ``val``."""
    return fill_diagonal_(a, val)


class FillDiagonalOffset(Op):
    """``FillDiagonalOffset()(a, val, offset)``: a copy of the matrix ``a`` with
    diagonal ``offset`` set to ``val``."""

    __props__ = ()

    def make_node(self, a, val, offset):
        a = as_tensor_variable(a)
        if a.type.ndim != 2:
            raise TypeError(f"fill_diagonal_offset: a must be a matrix, got {a.type}")
        val = _scalar_value(val, a, "fill_diagonal_offset")
        offset = as_int_scalar(offset, "fill_diagonal_offset: offset")
        return Apply(self, [a, val, offset], [a.type()])

    def perform(self, node, inputs, output_storage, params=None):
        a, val, offset = inputs
        out = a.copy()
        k = int(offset)
        n = max(
            0,
            min(a.shape[0], a.shape[1] - k)
            if k >= 0
            else min(a.shape[0] + k, a.shape[1]),
        )
        i = np.arange(n)
        out[i + max(0, -k), i + max(0, k)] = val
        output_storage[0][0] = out

    def infer_shape(self, fgraph, node, input_shapes):
        return [input_shapes[0]]

    def connection_pattern(self, node):
        return [[True], [True], [False]]

    def L_op(self, inputs, outputs, output_grads):
        a, val, offset = inputs
        (gz,) = output_grads
        ga = (
            zero_grad_for(a) if a.type.dtype in discrete_dtypes else self(gz, 0, offset)
        )
        if val.type.dtype in discrete_dtypes:
            return [ga, zero_grad_for(val), disconnected()]
        mask = eye(_shape_i(gz, 0), _shape_i(gz, 1), offset, dtype=gz.type.dtype)
        gval = grad_as(_math().sum(gz * mask), val)
        return [ga, gval, disconnected()]


fill_diagonal_offset_ = FillDiagonalOffset()


def fill_diagonal_offset(a: Any, val: Any, offset: Any) -> TensorVariable:
    """A copy of the matrix ``a`` with diagonal ``offset`` set to the scalar ``val``."""
    return fill_diagonal_offset_(a, val, offset)


# ----------------------------------------------------------------------------
# Broadcasting
# ----------------------------------------------------------------------------


class BroadcastTo(Op):
    """``BroadcastTo()(x, *shape)``: a read-only view of ``x`` broadcast to ``shape``."""

    __props__ = ()
    view_map = {0: [0]}

    def make_node(self, x, *shape):
        x = as_tensor_variable(x)
        if len(shape) == 1 and isinstance(shape[0], (list, tuple)):
            shape = shape[0]
        entries, static = infer_static_shape(list(shape))
        if len(entries) < x.type.ndim:
            raise ValueError(
                f"broadcast_to: the target shape has {len(entries)} dimension(s), fewer "
                f"than the input's {x.type.ndim} ({x.type})"
            )
        out = list(static)
        off = len(entries) - x.type.ndim
        for d, xs in enumerate(x.type.shape):
            t = static[off + d]
            if xs is not None and xs != 1 and t is not None and t != xs:
                raise ValueError(
                    f"broadcast_to: cannot broadcast input of static shape {x.type.shape} "
                    f"to shape {static}: dimension {d} has size {xs}, the target {t}"
                )
            if t is None and xs is not None and xs != 1:
                out[off + d] = xs
        entries = [cast(e, "int64") for e in entries]
        return Apply(self, [x, *entries], [TensorType(x.type.dtype, tuple(out))()])

    def perform(self, node, inputs, output_storage, params=None):
        x, *shape = inputs
        try:
            output_storage[0][0] = np.broadcast_to(x, tuple(int(s) for s in shape))
        except ValueError:
            raise ValueError(
                f"broadcast_to: cannot broadcast an array of shape {x.shape} to shape "
                f"{tuple(int(s) for s in shape)}"
            ) from None

    def infer_shape(self, fgraph, node, input_shapes):
        return [tuple(node.inputs[1:])]

    def connection_pattern(self, node):
        return [[True]] + [[False] for _ in node.inputs[1:]]

    def L_op(self, inputs, outputs, output_grads):
        x = inputs[0]
        if x.type.dtype in discrete_dtypes:
            g = zero_grad_for(x)
        else:
            g = sum_to_input(output_grads[0], x)
        return [g] + [disconnected() for _ in inputs[1:]]

    def R_op(self, inputs, eval_points):
        if eval_points[0] is None:
            return [None]
        return [self(eval_points[0], *inputs[1:])]


broadcast_to_ = BroadcastTo()


def broadcast_to(x: Any, shape: Any) -> TensorVariable:
    """A read-only view of ``x`` broadcast to ``shape`` (``numpy.broadcast_to``)."""
    x = as_tensor_variable(x)
    if isinstance(shape, Variable):
        entries, _ = infer_static_shape(shape)
    elif isinstance(shape, (list, tuple)):
        entries = list(shape)
    else:
        entries = [shape]
    if len(entries) == x.type.ndim and all(
        const_int(e) is not None and const_int(e) == s
        for e, s in zip(entries, x.type.shape)
    ):
        return x
    return broadcast_to_(x, *entries)


def broadcast_shape(*arrays: Any, arrays_are_shapes: bool = False) -> tuple:
    """The shape the inputs broadcast to, as a tuple of int64 scalars.

    Parameters
    ----------
    *arrays
        Tensors, or with ``arrays_are_shapes`` their shapes (tuples of ints
        and integer scalars).
    arrays_are_shapes
        Whether the arguments are shapes rather than tensors.
    """
    atm = _math()
    if arrays_are_shapes:
        shapes = [tuple(s) for s in arrays]
        static = [tuple(const_int(e) for e in s) for s in shapes]
    else:
        tensors = [as_tensor_variable(a) for a in arrays]
        shapes = [tuple(_shape_i(t, d) for d in range(t.type.ndim)) for t in tensors]
        static = [t.type.shape for t in tensors]
    nd = max((len(s) for s in shapes), default=0)
    _broadcast_static(static, "broadcast_shape")
    out = []
    for d in range(nd):
        cands = []
        for s, st in zip(shapes, static):
            k = len(s) - nd + d
            if k < 0 or st[k] == 1:
                continue
            cands.append((s[k], st[k]))
        if not cands:
            out.append(constant(1, dtype="int64"))
            continue
        known = [st for _, st in cands if st is not None]
        if known:
            out.append(constant(known[0], dtype="int64"))
            continue
        sizes = [cast(as_tensor_variable(e), "int64") for e, _ in cands]
        # Unknown sizes: the largest one (sizes of 1 broadcast against it).
        res = sizes[0]
        for e in sizes[1:]:
            res = atm.maximum(res, e)
        out.append(res)
    return tuple(out)


def broadcast_arrays(*args: Any) -> tuple[TensorVariable, ...]:
    """Broadcast the inputs against each other (``numpy.broadcast_arrays``)."""
    tensors = [as_tensor_variable(a) for a in args]
    shape = broadcast_shape(*tensors)
    return tuple(broadcast_to(t, shape) for t in tensors)


# ----------------------------------------------------------------------------
# Index conversion
# ----------------------------------------------------------------------------


class UnravelIndex(Op):
    """``UnravelIndex(order)(indices, dims)``: ``numpy.unravel_index``; one
    int64 output per entry of ``dims`` (whose length must be known)."""

    __props__ = ("order",)

    def __init__(self, order: str = "C"):
        if order not in ("C", "F"):
            raise ValueError(f"unravel_index: order must be 'C' or 'F', got {order!r}")
        self.order = order

    def make_node(self, indices, dims):
        indices = as_tensor_variable(indices)
        dims = as_tensor_variable(dims)
        if indices.type.dtype not in integer_dtypes:
            raise TypeError(
                f"unravel_index: indices must be integers, got {indices.type.dtype}"
            )
        if dims.type.dtype not in integer_dtypes:
            raise TypeError(
                f"unravel_index: dims must be integers, got {dims.type.dtype}"
            )
        if dims.type.ndim != 1:
            raise TypeError(f"unravel_index: dims must be a vector, got {dims.type}")
        try:
            n = get_vector_length(dims)
        except ValueError:
            raise ValueError(
                "unravel_index: the length of dims must be known when the graph is built"
            ) from None
        outs = [TensorType("int64", indices.type.shape)() for _ in range(n)]
        return Apply(self, [indices, dims], outs)

    def perform(self, node, inputs, output_storage, params=None):
        indices, dims = inputs
        res = np.unravel_index(indices, tuple(int(d) for d in dims), order=self.order)
        for cell, r in zip(output_storage, res):
            cell[0] = np.asarray(r, dtype="int64")

    def infer_shape(self, fgraph, node, input_shapes):
        return [input_shapes[0]] * len(node.outputs)

    def connection_pattern(self, node):
        return [[False] * len(node.outputs)] * 2

    def grad(self, inputs, output_grads):
        return [disconnected(), disconnected()]


def unravel_index(
    indices: Any, dims: Any, order: str = "C"
) -> tuple[TensorVariable, ...]:
    """Convert flat indices into tuples of coordinates in an array of shape ``dims``."""
    outs = UnravelIndex(order)(indices, dims, return_list=True)
    return tuple(outs)


class RavelMultiIndex(Op):
    """``RavelMultiIndex(mode, order)(*multi_index, dims)``: ``numpy.ravel_multi_index``."""

    __props__ = ("mode", "order")

    def __init__(self, mode: Any = "raise", order: str = "C"):
        modes = mode if isinstance(mode, (list, tuple)) else (mode,)
        for m in modes:
            if m not in ("raise", "wrap", "clip"):
                raise ValueError(
                    f"ravel_multi_index: mode must be 'raise', 'wrap' or 'clip', got {m!r}"
                )
        if order not in ("C", "F"):
            raise ValueError(
                f"ravel_multi_index: order must be 'C' or 'F', got {order!r}"
            )
        self.mode = tuple(mode) if isinstance(mode, (list, tuple)) else mode
        self.order = order

    def make_node(self, *inputs):
        if len(inputs) < 2:
            raise TypeError(
                "RavelMultiIndex needs at least one index array and the dims"
            )
        *index, dims = [as_tensor_variable(i) for i in inputs]
        for i, t in enumerate(index):
            if t.type.dtype not in integer_dtypes:
                raise TypeError(
                    f"ravel_multi_index: index array {i} must be integers, got {t.type.dtype}"
                )
        if dims.type.ndim != 1 or dims.type.dtype not in integer_dtypes:
            raise TypeError(
                f"ravel_multi_index: dims must be an integer vector, got {dims.type}"
            )
        shape = _broadcast_static([t.type.shape for t in index], "ravel_multi_index")
        return Apply(self, [*index, dims], [TensorType("int64", tuple(shape))()])

    def perform(self, node, inputs, output_storage, params=None):
        *index, dims = inputs
        out = np.ravel_multi_index(
            tuple(index), tuple(int(d) for d in dims), mode=self.mode, order=self.order
        )
        output_storage[0][0] = np.asarray(out, dtype="int64")

    def infer_shape(self, fgraph, node, input_shapes):
        return [broadcast_shape(*input_shapes[:-1], arrays_are_shapes=True)]

    def connection_pattern(self, node):
        return [[False] for _ in node.inputs]

    def grad(self, inputs, output_grads):
        return [disconnected() for _ in inputs]


def ravel_multi_index(
    multi_index: Sequence[Any], dims: Any, mode: Any = "raise", order: str = "C"
) -> TensorVariable:
    """Convert a tuple of index arrays into flat indices (``numpy.ravel_multi_index``)."""
    if not isinstance(multi_index, (list, tuple)):
        raise TypeError(
            "ravel_multi_index: multi_index must be a tuple or a list of index arrays"
        )
    return RavelMultiIndex(mode, order)(*multi_index, dims)


# ----------------------------------------------------------------------------
# Evenly spaced numbers
# ----------------------------------------------------------------------------


def _num_arg(num, kwargs, what):
    if "steps" in kwargs:
        num = kwargs.pop("steps")
    if kwargs:
        raise TypeError(f"{what}: unexpected keyword arguments {sorted(kwargs)}")
    if isinstance(num, (int, np.integer)) and not isinstance(num, bool) and num < 0:
        raise ValueError(f"{what}: number of samples, {num}, must be non-negative")
    return as_int_scalar(num, f"{what}: num")


def _spaced(start, stop, num, endpoint, dtype, axis, what, transform=None):
    atm = _math()
    start = as_tensor_variable(start)
    stop = as_tensor_variable(stop)
    calc = np.result_type(start.type.dtype, stop.type.dtype, np.float16).name
    if calc not in (*float_dtypes, *complex_dtypes):
        calc = "float64"
    discrete = (*integer_dtypes, "bool")
    if start.type.dtype in discrete and stop.type.dtype in discrete:
        calc = "float64"
    start = cast(start, calc)
    stop = cast(stop, calc)
    nd = max(start.type.ndim, stop.type.ndim)
    from aesara.tensor.shape import shape_padleft

    start, stop = (
        shape_padleft(start, nd - start.type.ndim),
        shape_padleft(stop, nd - stop.type.ndim),
    )
    n = cast(num, "int64")
    div = n - 1 if endpoint else n
    pos = cast(arange(n), calc).dimshuffle([0] + ["x"] * nd)
    s0 = start.dimshuffle(["x"] + list(range(nd)))
    s1 = stop.dimshuffle(["x"] + list(range(nd)))
    delta = s1 - s0
    step = delta / cast(atm.maximum(div, 1), calc)
    y = s0 + pos * step
    if endpoint:
        # The last value is exactly ``stop``, as in NumPy.
        y = switch(atm.and_(atm.eq(pos, cast(n - 1, calc)), atm.gt(n, 1)), s1, y)
    if transform is not None:
        y = transform(y)
    if dtype is not None:
        dtype = np.dtype(dtype).name
        if dtype in integer_dtypes and calc not in integer_dtypes:
            y = atm.floor(y)
        y = cast(y, dtype)
    if axis != 0 and nd:
        from aesara.tensor._join import moveaxis

        y = moveaxis(y, 0, axis)
    return y, step


def linspace(
    start: Any,
    stop: Any = None,
    num: Any = 50,
    endpoint: bool = True,
    retstep: bool = False,
    dtype: Any = None,
    axis: int = 0,
    **kwargs: Any,
):
    """``num`` evenly spaced numbers from ``start`` to ``stop`` (``numpy.linspace``).

    Also accepts Aesara's spelling ``linspace(start, end, steps)``.
    """
    if "end" in kwargs:
        stop = kwargs.pop("end")
    if stop is None:
        raise TypeError("linspace: missing the stop (end) argument")
    num = _num_arg(num, kwargs, "linspace")
    y, step = _spaced(start, stop, num, endpoint, dtype, axis, "linspace")
    if retstep:
        return y, step.dimshuffle(
            list(range(1, step.type.ndim))
        ) if step.type.ndim else step
    return y


def logspace(
    start: Any,
    stop: Any = None,
    num: Any = 50,
    endpoint: bool = True,
    base: Any = 10.0,
    dtype: Any = None,
    axis: int = 0,
    **kwargs: Any,
) -> TensorVariable:
    """Numbers evenly spaced on a log scale: ``base ** linspace(start, stop)``."""
    if "end" in kwargs:
        stop = kwargs.pop("end")
    num = _num_arg(num, kwargs, "logspace")
    base_t = as_tensor_variable(base)
    y, _ = _spaced(
        start,
        stop,
        num,
        endpoint,
        dtype,
        axis,
        "logspace",
        transform=lambda v: _math().pow(cast(base_t, v.type.dtype), v),
    )
    return y


def geomspace(
    start: Any,
    stop: Any = None,
    num: Any = 50,
    endpoint: bool = True,
    dtype: Any = None,
    axis: int = 0,
    **kwargs: Any,
) -> TensorVariable:
    """Numbers evenly spaced on a log scale between ``start`` and ``stop``
    (``numpy.geomspace``; both ends of the same sign, non-zero)."""
    atm = _math()
    if "end" in kwargs:
        stop = kwargs.pop("end")
    num = _num_arg(num, kwargs, "geomspace")
    for name, v in (("start", start), ("stop", stop)):
        if not isinstance(v, Variable) and np.any(np.asarray(v) == 0):
            raise ValueError(
                f"geomspace: Geometric sequence cannot include zero ({name})"
            )
    start = as_tensor_variable(start)
    stop = as_tensor_variable(stop)
    sign = atm.sgn(start)
    y, _ = _spaced(
        atm.log10(atm.abs(start)),
        atm.log10(atm.abs(stop)),
        num,
        endpoint,
        None,
        0,
        "geomspace",
        transform=lambda v: _math().pow(cast(10.0, v.type.dtype), v),
    )
    nd = y.type.ndim - 1
    s = sign.dimshuffle(["x"] * (nd - sign.type.ndim + 1) + list(range(sign.type.ndim)))
    y = cast(s, y.type.dtype) * y
    # Exact end points, as in NumPy.
    n = cast(num, "int64")
    pos = arange(n).dimshuffle([0] + ["x"] * nd)
    st = start.dimshuffle(
        ["x"] * (nd - start.type.ndim + 1) + list(range(start.type.ndim))
    )
    sp = stop.dimshuffle(
        ["x"] * (nd - stop.type.ndim + 1) + list(range(stop.type.ndim))
    )
    y = switch(atm.eq(pos, 0), cast(st, y.type.dtype), y)
    if endpoint:
        y = switch(
            atm.and_(atm.eq(pos, n - 1), atm.gt(n, 1)), cast(sp, y.type.dtype), y
        )
    if dtype is not None:
        dt = np.dtype(dtype).name
        if dt in integer_dtypes:
            y = atm.floor(y)
        y = cast(y, dt)
    if axis != 0 and nd:
        from aesara.tensor._join import moveaxis

        y = moveaxis(y, 0, axis)
    return y


# ----------------------------------------------------------------------------
# Windows, one-hot, contiguity
# ----------------------------------------------------------------------------


class Bartlett(Op):
    """``Bartlett()(M)``: the Bartlett (triangular) window of ``M`` points (float64)."""

    __props__ = ()

    def make_node(self, M):
        M = as_tensor_variable(M)
        if M.type.ndim != 0:
            raise TypeError(f"bartlett: M must be a scalar, got {M.type}")
        if M.type.dtype not in integer_dtypes:
            raise TypeError(f"bartlett: M must be an integer, got {M.type.dtype}")
        m = const_int(M)
        return Apply(
            self, [M], [TensorType("float64", (None if m is None else max(m, 0),))()]
        )

    def perform(self, node, inputs, output_storage, params=None):
        output_storage[0][0] = np.asarray(np.bartlett(int(inputs[0])), dtype="float64")

    def infer_shape(self, fgraph, node, input_shapes):
        return [(cast(_math().maximum(node.inputs[0], 0), "int64"),)]

    def connection_pattern(self, node):
        return [[False]]

    def grad(self, inputs, output_grads):
        return [disconnected()]


bartlett_ = Bartlett()


def bartlett(M: Any) -> TensorVariable:
    """The Bartlett window of ``M`` points (``numpy.bartlett``)."""
    return bartlett_(M)


def to_one_hot(y: Any, nb_class: Any, dtype: Any = None) -> TensorVariable:
    """One-hot encode the integer vector ``y`` into an ``(len(y), nb_class)`` matrix.

    ``dtype`` defaults to ``config.floatX``.
    """
    y = as_tensor_variable(y)
    if y.type.ndim != 1 or y.type.dtype not in integer_dtypes:
        raise TypeError(f"to_one_hot: y must be an integer vector, got {y.type}")
    dtype = config.floatX if dtype is None else dtype
    classes = arange(nb_class)
    return cast(_math().eq(y.dimshuffle(0, "x"), classes.dimshuffle("x", 0)), dtype)


class CpuContiguous(Op):
    """Return a C-contiguous copy of the input (the input itself when it already is)."""

    __props__ = ()
    view_map = {0: [0]}

    def make_node(self, x):
        x = as_tensor_variable(x)
        return Apply(self, [x], [x.type()])

    def perform(self, node, inputs, output_storage, params=None):
        x = inputs[0]
        output_storage[0][0] = x if x.flags.c_contiguous else np.array(x, order="C")

    def infer_shape(self, fgraph, node, input_shapes):
        return [input_shapes[0]]

    def grad(self, inputs, output_grads):
        return [output_grads[0]]

    def R_op(self, inputs, eval_points):
        return [None if eval_points[0] is None else self(eval_points[0])]


cpu_contiguous = CpuContiguous()


__all__ = [
    "CumOp",
    "cumsum",
    "cumprod",
    "Diff",
    "diff",
    "BinCount",
    "bincount",
    "squeeze",
    "compress",
    "RepeatOp",
    "Repeat",
    "repeat",
    "Unique",
    "unique",
    "SearchsortedOp",
    "searchsorted",
    "FillDiagonal",
    "fill_diagonal",
    "FillDiagonalOffset",
    "fill_diagonal_offset",
    "BroadcastTo",
    "broadcast_to",
    "broadcast_arrays",
    "broadcast_shape",
    "UnravelIndex",
    "unravel_index",
    "RavelMultiIndex",
    "ravel_multi_index",
    "linspace",
    "logspace",
    "geomspace",
    "Bartlett",
    "bartlett",
    "to_one_hot",
    "CpuContiguous",
    "cpu_contiguous",
]


def broadcast_shape_iter(arrays: Any, arrays_are_shapes: bool = False) -> tuple:
    """:func:`broadcast_shape` taking one iterable of tensors (or of shapes)."""
    return broadcast_shape(*list(arrays), arrays_are_shapes=arrays_are_shapes)
