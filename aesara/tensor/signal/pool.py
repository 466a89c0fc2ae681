"""N-dimensional pooling over the trailing axes: ``pool_2d``, ``pool_3d`` and
the ops behind them (``Pool``, ``MaxPoolGrad``, ``AveragePoolGrad``,
``DownsampleFactorMaxGradGrad``, ``MaxPoolRop``).

Every op pools over the last ``ndim`` axes of its input; the window size
``ws``, ``stride`` and ``pad`` are symbolic integer vectors.  The NumPy
implementations are vectorised: the forward pass reduces a strided window
view, and the gradients loop over the (few) offsets inside one window, each
step updating every window of every image at once.
"""

from __future__ import annotations

import itertools
import typing
import warnings

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

from aesara.gradient import DisconnectedType
from aesara.graph.basic import Apply, Variable
from aesara.graph.op import Op
from aesara.tensor.basic import as_tensor_variable
from aesara.tensor.type import TensorType, int_dtypes

__all__ = [
    "Pool",
    "PoolGrad",
    "MaxPoolGrad",
    "AveragePoolGrad",
    "DownsampleFactorMaxGradGrad",
    "MaxPoolRop",
    "pool_2d",
    "pool_3d",
    "max_pool_2d_same_size",
]

_MODES = ("max", "sum", "average_inc_pad", "average_exc_pad")


def _check_mode(mode: str) -> str:
    if mode == "max_deterministic":
        # the NumPy max pool is deterministic already
        return "max"
    if mode not in _MODES:
        raise ValueError(f"Pool: mode must be one of {_MODES}, got {mode!r}")
    return mode


def _lowest(dtype: np.dtype) -> typing.Any:
    """The smallest value of ``dtype``: the fill that never wins a max."""
    dtype = np.dtype(dtype)
    if dtype.kind == "f":
        return -np.inf
    if dtype.kind == "b":
        return False
    return np.iinfo(dtype).min


def _out_len(v: typing.Any, w: typing.Any, s: typing.Any, ignore_border: bool):
    """Number of pooling windows along one axis of (padded) length ``v``."""
    if isinstance(v, Variable) or isinstance(w, Variable) or isinstance(s, Variable):
        import aesara.tensor as at

        if ignore_border:
            return at.maximum((v - w) // s + 1, 0)
        return at.switch(
            at.ge(s, w),
            (v - 1) // s + 1,
            at.maximum(0, (v - 1 - w) // s + 1) + 1,
        )
    if ignore_border:
        return max((v - w) // s + 1, 0)
    if s >= w:
        return (v - 1) // s + 1
    return max(0, (v - 1 - w + s) // s) + 1


def _deprecated_arg(new, old, new_name, old_name, default=None):
    if old is None:
        return new
    if new is not None and new != default:
        raise ValueError(
            f"You can't provide a value to both {new_name!r} and {old_name!r}; "
            f"use {new_name!r} only."
        )
    warnings.warn(
        f"The {old_name!r} parameter is deprecated; use {new_name!r} instead.",
        DeprecationWarning,
        stacklevel=3,
    )
    return old


class _PoolBase(Op):
    __props__ = ("ignore_border", "mode", "ndim")

    def __init__(
        self,
        ignore_border: bool = False,
        mode: str = "max",
        ndim: int = 2,
        openmp: bool | None = None,
    ):
        # ``openmp`` tuned Aesara's C code; accepted and ignored here
        if not isinstance(ndim, (int, np.integer)) or ndim < 1:
            raise ValueError(f"{type(self).__name__}: ndim must be >= 1, got {ndim!r}")
        self.ignore_border = bool(ignore_border)
        self.mode = _check_mode(mode)
        self.ndim = int(ndim)

    @staticmethod
    def out_shape(
        imgshape,
        ws=None,
        ignore_border=False,
        stride=None,
        pad=None,
        ndim=2,
        ds=None,
        st=None,
        padding=None,
    ) -> list:
        """Shape of the pooled output for an input of shape ``imgshape``.

        Parameters
        ----------
        imgshape
            Input shape (ints or scalar variables); the last ``ndim`` entries
            are pooled.
        ws
            Window size, one entry per pooled axis.
        ignore_border
            ``False`` keeps a last, partial window when ``ws`` does not fit.
        stride
            Step between windows (defaults to ``ws``).
        pad
            Zeros added on both sides of each pooled axis (defaults to 0).
        ndim
            Number of pooled (trailing) axes.
        """
        ws = _deprecated_arg(ws, ds, "ws", "ds")
        stride = _deprecated_arg(stride, st, "stride", "st")
        pad = _deprecated_arg(pad, padding, "pad", "padding")
        if ws is None:
            raise ValueError("Pool.out_shape: you must provide the window size ws")
        if len(imgshape) < ndim:
            raise TypeError(
                f"Pool.out_shape: imgshape must have at least {ndim} entries, "
                f"got {len(imgshape)}"
            )
        if stride is None:
            stride = ws
        if pad is None:
            pad = (0,) * ndim
        import aesara.tensor as at

        out = []
        for i in range(ndim):
            v = at.extract_constant(imgshape[-ndim + i]) + pad[i] * 2
            out.append(_out_len(v, ws[i], stride[i], ignore_border))
        return list(imgshape[:-ndim]) + out

    def _params(self, x, ws, stride, pad):
        nd = self.ndim
        ws = tuple(int(v) for v in np.asarray(ws).reshape(-1))
        stride = tuple(int(v) for v in np.asarray(stride).reshape(-1))
        pad = tuple(int(v) for v in np.asarray(pad).reshape(-1))
        name = type(self).__name__
        if not len(ws) == len(stride) == len(pad) == nd:
            raise ValueError(
                f"{name}: ws, stride and pad must each have {nd} entries, got "
                f"{ws}, {stride}, {pad}"
            )
        if x.ndim < nd:
            raise NotImplementedError(
                f"{name} requires an input with {nd} or more dimensions, got {x.ndim}"
            )
        if min(ws) < 1 or min(stride) < 1 or min(pad) < 0:
            raise ValueError(
                f"{name}: ws and stride must be >= 1 and pad >= 0, got ws={ws}, "
                f"stride={stride}, pad={pad}"
            )
        return ws, stride, pad

    def _check_symbolic(self, x, ws, stride, pad):
        """Common ``make_node`` checks; returns the tensor inputs."""
        nd = self.ndim
        name = type(self).__name__
        if stride is None:
            stride = ws
        if pad is None:
            pad = (0,) * nd
        if isinstance(pad, (tuple, list)):
            if max(pad) != 0 and not self.ignore_border:
                raise NotImplementedError(
                    f"{name}: padding works only with ignore_border=True"
                )
            if isinstance(ws, (tuple, list)) and any(
                pad[i] >= ws[i] for i in range(nd)
            ):
                raise NotImplementedError(
                    f"{name}: padding {tuple(pad)} must be smaller than the window "
                    f"size {tuple(ws)}"
                )
        x = as_tensor_variable(x)
        ws = as_tensor_variable(ws)
        stride = as_tensor_variable(stride)
        pad = as_tensor_variable(pad)
        for what, v in (("ws", ws), ("stride", stride), ("pad", pad)):
            if v.type.ndim != 1:
                raise TypeError(f"{name}: {what} must be a vector, got {v.type}")
            if v.type.dtype not in int_dtypes:
                raise TypeError(
                    f"{name}: {what} must hold integers, got dtype {v.type.dtype}"
                )
        if x.type.ndim < nd:
            raise TypeError(
                f"{name}: the input must have at least {nd} dimensions, got {x.type}"
            )
        return x, ws, stride, pad


def _padded(x, ws, stride, pad, out_shp, fill):
    """``x`` with ``pad`` elements of ``fill`` on both sides of each pooled
    axis, extended on the right with ``fill`` so that every one of ``out_shp``
    windows fits."""
    nd = len(ws)
    lead = x.shape[:-nd]
    img = x.shape[-nd:]
    full = tuple(
        max(img[i] + 2 * pad[i], (out_shp[i] - 1) * stride[i] + ws[i])
        for i in range(nd)
    )
    if full == img:
        return x
    y = np.full(lead + full, fill, dtype=x.dtype)
    y[(Ellipsis,) + tuple(slice(pad[i], pad[i] + img[i]) for i in range(nd))] = x
    return y


def _window_counts(img, ws, stride, pad, out_shp, inc_pad):
    """Number of elements averaged by each window (broadcastable to the output)."""
    nd = len(ws)
    total = None
    for i in range(nd):
        start = np.arange(out_shp[i]) * stride[i]
        end = np.minimum(start + ws[i], img[i] + 2 * pad[i])
        if not inc_pad:
            start = np.maximum(start, pad[i])
            end = np.minimum(end, img[i] + pad[i])
        c = np.maximum(end - start, 1)
        shape = [1] * nd
        shape[i] = out_shp[i]
        c = c.reshape(shape)
        total = c if total is None else total * c
    return total


def _offset_slices(ws, stride, out_shp):
    """For each offset inside a window, the strided slice selecting that
    element of every window."""
    for off in itertools.product(*(range(w) for w in ws)):
        yield (Ellipsis,) + tuple(
            slice(o, o + s * (n - 1) + 1, s) for o, s, n in zip(off, stride, out_shp)
        )


def _crop(g, img, pad):
    nd = len(img)
    return g[(Ellipsis,) + tuple(slice(pad[i], pad[i] + img[i]) for i in range(nd))]


class Pool(_PoolBase):
    """Pool the last ``ndim`` axes of a tensor.

    Parameters
    ----------
    ignore_border
        When ``False``, a partial window at the end of an axis is kept.
    mode
        ``"max"``, ``"sum"``, ``"average_inc_pad"`` (padding counts in the
        mean) or ``"average_exc_pad"`` (it does not).
    ndim
        Number of pooled trailing axes.

    Notes
    -----
    Padding never wins a max; it counts as zeros for the sums and, in
    ``"average_inc_pad"`` mode, in the window size.
    """

    def make_node(self, x, ws, stride=None, pad=None) -> Apply:
        x, ws, stride, pad = self._check_symbolic(x, ws, stride, pad)
        nd = self.ndim
        shape = tuple(1 if s == 1 else None for s in x.type.shape[:-nd]) + (None,) * nd
        out = TensorType(x.type.dtype, shape=shape)()
        return Apply(self, [x, ws, stride, pad], [out])

    def perform(self, node, inputs, output_storage, params=None):
        x, ws, stride, pad = inputs
        ws, stride, pad = self._params(x, ws, stride, pad)
        nd = self.ndim
        out_shp = tuple(
            self.out_shape(x.shape, ws, self.ignore_border, stride, pad, nd)[-nd:]
        )
        dtype = node.outputs[0].type.dtype
        if min(out_shp) == 0:
            output_storage[0][0] = np.zeros(x.shape[:-nd] + out_shp, dtype=dtype)
            return
        fill = _lowest(x.dtype) if self.mode == "max" else 0
        y = _padded(x, ws, stride, pad, out_shp, fill)
        axes = tuple(range(y.ndim - nd, y.ndim))
        win = sliding_window_view(y, ws, axis=axes)
        win = win[
            (Ellipsis,)
            + tuple(slice(0, n * s, s) for n, s in zip(out_shp, stride))
            + (slice(None),) * nd
        ]
        red = tuple(range(win.ndim - nd, win.ndim))
        if self.mode == "max":
            r = win.max(axis=red)
        else:
            r = win.sum(axis=red)
            if self.mode != "sum":
                counts = _window_counts(
                    x.shape[-nd:],
                    ws,
                    stride,
                    pad,
                    out_shp,
                    self.mode == "average_inc_pad",
                )
                r = r / counts
        output_storage[0][0] = np.asarray(r, dtype=dtype)

    def infer_shape(self, fgraph, node, input_shapes):
        x, ws, stride, pad = node.inputs
        return [
            self.out_shape(
                input_shapes[0], ws, self.ignore_border, stride, pad, self.ndim
            )
        ]

    def connection_pattern(self, node):
        return [[True], [False], [False], [False]]

    def L_op(self, inputs, outputs, output_gradients):
        x, ws, stride, pad = inputs
        (gz,) = output_gradients
        disc = [DisconnectedType()() for _ in inputs[1:]]
        if self.mode == "max":
            gx = MaxPoolGrad(ignore_border=self.ignore_border, ndim=self.ndim)(
                x, outputs[0], gz, ws, stride, pad
            )
        else:
            gx = AveragePoolGrad(
                ignore_border=self.ignore_border, mode=self.mode, ndim=self.ndim
            )(x, gz, ws, stride, pad)
        return [gx] + disc

    def R_op(self, inputs, eval_points):
        if eval_points[0] is None:
            return [None]
        if self.mode != "max":
            # sum and average pooling are linear in the input
            return [self(eval_points[0], *inputs[1:])]
        x, ws, stride, pad = inputs
        return [
            MaxPoolRop(
                ignore_border=self.ignore_border, mode=self.mode, ndim=self.ndim
            )(x, eval_points[0], ws, stride, pad)
        ]


class PoolGrad(_PoolBase):
    """Base class of the pooling gradients (holds ``out_shape``)."""

    def infer_shape(self, fgraph, node, input_shapes):
        return [input_shapes[0]]


class MaxPoolGrad(PoolGrad):
    """Gradient of max pooling: ``gz`` routed to every element equal to its
    window's maximum.  Inputs: ``x, maxout, gz, ws, stride, pad``."""

    def __init__(
        self, ignore_border: bool, ndim: int = 2, openmp=None, mode: str = "max"
    ):
        if mode != "max":
            raise ValueError(f"MaxPoolGrad: mode must be 'max', got {mode!r}")
        super().__init__(ignore_border, "max", ndim)

    def make_node(self, x, maxout, gz, ws, stride=None, pad=None) -> Apply:
        x, ws, stride, pad = self._check_symbolic(x, ws, stride, pad)
        maxout = as_tensor_variable(maxout)
        gz = as_tensor_variable(gz)
        for what, v in (("maxout", maxout), ("gz", gz)):
            if v.type.ndim != x.type.ndim:
                raise TypeError(
                    f"MaxPoolGrad: {what} must have the rank of x ({x.type}), got "
                    f"{v.type}"
                )
        return Apply(self, [x, maxout, gz, ws, stride, pad], [x.type()])

    def perform(self, node, inputs, output_storage, params=None):
        x, maxout, gz, ws, stride, pad = inputs
        ws, stride, pad = self._params(x, ws, stride, pad)
        nd = self.ndim
        out_shp = maxout.shape[-nd:]
        if gz.shape != maxout.shape:
            raise ValueError(
                f"MaxPoolGrad: gz has shape {gz.shape} but the pooled output has "
                f"shape {maxout.shape}"
            )
        if min(out_shp, default=1) == 0:
            output_storage[0][0] = np.zeros_like(x)
            return
        y = _padded(x, ws, stride, pad, out_shp, _lowest(x.dtype))
        gx = np.zeros(y.shape, dtype=x.dtype)
        for sl in _offset_slices(ws, stride, out_shp):
            gx[sl] += np.where(y[sl] == maxout, gz, 0).astype(x.dtype, copy=False)
        output_storage[0][0] = np.ascontiguousarray(_crop(gx, x.shape[-nd:], pad))

    def connection_pattern(self, node):
        return [[True], [True], [True], [False], [False], [False]]

    def grad(self, inputs, output_gradients):
        import aesara.tensor as at

        x, maxout, gz, ws, stride, pad = inputs
        (ggx,) = output_gradients
        return [
            at.zeros_like(x),
            at.zeros_like(maxout),
            DownsampleFactorMaxGradGrad(
                ignore_border=self.ignore_border, ndim=self.ndim
            )(x, maxout, ggx, ws, stride, pad),
        ] + [DisconnectedType()() for _ in inputs[3:]]


class AveragePoolGrad(PoolGrad):
    """Gradient of sum / average pooling.  Inputs: ``x, gz, ws, stride, pad``."""

    def __init__(
        self, ignore_border: bool, mode: str = "average_inc_pad", ndim: int = 2
    ):
        if mode not in ("sum", "average_inc_pad", "average_exc_pad"):
            raise ValueError(
                "AveragePoolGrad: mode must be 'sum', 'average_inc_pad' or "
                f"'average_exc_pad', got {mode!r}"
            )
        super().__init__(ignore_border, mode, ndim)

    def make_node(self, x, gz, ws, stride=None, pad=None, dummy=None) -> Apply:
        x, ws, stride, pad = self._check_symbolic(x, ws, stride, pad)
        gz = as_tensor_variable(gz)
        if gz.type.ndim != x.type.ndim:
            raise TypeError(
                f"AveragePoolGrad: gz must have the rank of x ({x.type}), got {gz.type}"
            )
        return Apply(self, [x, gz, ws, stride, pad], [x.type()])

    def perform(self, node, inputs, output_storage, params=None):
        x, gz, ws, stride, pad = inputs
        ws, stride, pad = self._params(x, ws, stride, pad)
        nd = self.ndim
        out_shp = gz.shape[-nd:]
        expected = tuple(
            self.out_shape(x.shape, ws, self.ignore_border, stride, pad, nd)
        )
        if gz.shape != expected:
            raise ValueError(
                f"AveragePoolGrad: gz has shape {gz.shape}, expected the pooled shape "
                f"{expected}"
            )
        if min(out_shp, default=1) == 0:
            output_storage[0][0] = np.zeros_like(x)
            return
        full = tuple(
            max(x.shape[-nd + i] + 2 * pad[i], (out_shp[i] - 1) * stride[i] + ws[i])
            for i in range(nd)
        )
        gx = np.zeros(x.shape[:-nd] + full, dtype=x.dtype)
        val = gz
        if self.mode != "sum":
            val = gz / _window_counts(
                x.shape[-nd:], ws, stride, pad, out_shp, self.mode == "average_inc_pad"
            )
        val = val.astype(x.dtype, copy=False)
        for sl in _offset_slices(ws, stride, out_shp):
            gx[sl] += val
        output_storage[0][0] = np.ascontiguousarray(_crop(gx, x.shape[-nd:], pad))

    def connection_pattern(self, node):
        return [[True], [True], [False], [False], [False]]

    def grad(self, inputs, output_gradients):
        import aesara.tensor as at

        x, gz, ws, stride, pad = inputs
        (ggx,) = output_gradients
        return [
            at.zeros_like(x),
            Pool(ignore_border=self.ignore_border, mode=self.mode, ndim=self.ndim)(
                ggx, ws, stride, pad
            ),
        ] + [DisconnectedType()() for _ in inputs[2:]]


class DownsampleFactorMaxGradGrad(_PoolBase):
    """Gradient of :class:`MaxPoolGrad` with respect to ``gz``: each window
    gathers ``ggx`` at the elements equal to its maximum.

    Inputs: ``x, maxout, ggx, ws, stride, pad``; the output has ``maxout``'s
    shape.
    """

    def __init__(
        self, ignore_border: bool, mode: str = "max", ndim: int = 2, openmp=None
    ):
        if mode != "max":
            raise ValueError(
                f"DownsampleFactorMaxGradGrad: mode must be 'max', got {mode!r}"
            )
        super().__init__(ignore_border, "max", ndim)

    def make_node(self, x, maxout, gz, ws, stride=None, pad=None) -> Apply:
        x, ws, stride, pad = self._check_symbolic(x, ws, stride, pad)
        maxout = as_tensor_variable(maxout)
        gz = as_tensor_variable(gz)
        for what, v in (("maxout", maxout), ("ggx", gz)):
            if v.type.ndim != x.type.ndim:
                raise TypeError(
                    f"DownsampleFactorMaxGradGrad: {what} must have the rank of x "
                    f"({x.type}), got {v.type}"
                )
        return Apply(self, [x, maxout, gz, ws, stride, pad], [maxout.type()])

    def perform(self, node, inputs, output_storage, params=None):
        x, maxout, ggx, ws, stride, pad = inputs
        ws, stride, pad = self._params(x, ws, stride, pad)
        nd = self.ndim
        out_shp = maxout.shape[-nd:]
        if ggx.shape != x.shape:
            raise ValueError(
                f"DownsampleFactorMaxGradGrad: ggx has shape {ggx.shape} but x has "
                f"shape {x.shape}"
            )
        ggz = np.zeros(maxout.shape, dtype=x.dtype)
        if min(out_shp, default=1) > 0:
            y = _padded(x, ws, stride, pad, out_shp, _lowest(x.dtype))
            g = _padded(ggx, ws, stride, pad, out_shp, 0)
            for sl in _offset_slices(ws, stride, out_shp):
                ggz += np.where(y[sl] == maxout, g[sl], 0).astype(x.dtype, copy=False)
        output_storage[0][0] = ggz

    def infer_shape(self, fgraph, node, input_shapes):
        return [input_shapes[1]]

    def connection_pattern(self, node):
        return [[True], [True], [True], [False], [False], [False]]

    def grad(self, inputs, output_gradients):
        import aesara.tensor as at

        x, maxout, ggx, ws, stride, pad = inputs
        (gz,) = output_gradients
        return [
            at.zeros_like(x),
            at.zeros_like(maxout),
            MaxPoolGrad(ignore_border=self.ignore_border, ndim=self.ndim)(
                x, maxout, gz, ws, stride, pad
            ),
        ] + [DisconnectedType()() for _ in inputs[3:]]


class MaxPoolRop(_PoolBase):
    """R-operator of max pooling: each window takes the value of
    ``eval_point`` at the (first) position of its maximum.

    Inputs: ``x, eval_point, ws, stride, pad``.
    """

    def make_node(self, x, eval_point, ws, stride=None, pad=None) -> Apply:
        x, ws, stride, pad = self._check_symbolic(x, ws, stride, pad)
        eval_point = as_tensor_variable(eval_point)
        if eval_point.type.ndim != x.type.ndim:
            raise TypeError(
                f"MaxPoolRop: eval_point must have the rank of x ({x.type}), got "
                f"{eval_point.type}"
            )
        nd = self.ndim
        shape = tuple(1 if s == 1 else None for s in x.type.shape[:-nd]) + (None,) * nd
        out = TensorType(eval_point.type.dtype, shape=shape)()
        return Apply(self, [x, eval_point, ws, stride, pad], [out])

    def perform(self, node, inputs, output_storage, params=None):
        x, ev, ws, stride, pad = inputs
        ws, stride, pad = self._params(x, ws, stride, pad)
        nd = self.ndim
        out_shp = tuple(
            self.out_shape(x.shape, ws, self.ignore_border, stride, pad, nd)[-nd:]
        )
        dtype = node.outputs[0].type.dtype
        out = np.zeros(x.shape[:-nd] + out_shp, dtype=dtype)
        if min(out_shp) > 0:
            y = _padded(x, ws, stride, pad, out_shp, _lowest(x.dtype))
            e = _padded(ev, ws, stride, pad, out_shp, 0)
            best = np.full(out.shape, _lowest(x.dtype), dtype=x.dtype)
            for sl in _offset_slices(ws, stride, out_shp):
                better = y[sl] > best
                best = np.where(better, y[sl], best)
                out = np.where(better, e[sl], out)
        output_storage[0][0] = np.asarray(out, dtype=dtype)

    def infer_shape(self, fgraph, node, input_shapes):
        x, ev, ws, stride, pad = node.inputs
        return [
            self.out_shape(
                input_shapes[0], ws, self.ignore_border, stride, pad, self.ndim
            )
        ]


def _pool_nd(input, ws, ignore_border, stride, pad, mode, ds, st, padding, nd):
    ws = _deprecated_arg(ws, ds, "ws", "ds")
    stride = _deprecated_arg(stride, st, "stride", "st")
    pad = _deprecated_arg(pad, padding, "pad", "padding", default=(0,) * nd)
    if ws is None:
        raise ValueError(f"pool_{nd}d: you must provide the window size ws")
    input = as_tensor_variable(input)
    if input.type.ndim < nd:
        raise NotImplementedError(
            f"pool_{nd}d requires an input with at least {nd} dimensions, got "
            f"{input.type}"
        )
    if ignore_border is None:
        warnings.warn(
            f"pool_{nd}d(): ignore_border defaults to False; pass it explicitly.",
            DeprecationWarning,
            stacklevel=3,
        )
        ignore_border = False
    return Pool(ignore_border, ndim=nd, mode=mode)(input, ws, stride, pad)


def pool_2d(
    input,
    ws=None,
    ignore_border=None,
    stride=None,
    pad=(0, 0),
    mode="max",
    ds=None,
    st=None,
    padding=None,
) -> Variable:
    """Pool the last two axes of ``input``.

    Parameters
    ----------
    input
        Tensor with at least two dimensions.
    ws
        Window size ``(rows, cols)``.
    ignore_border
        ``True`` drops a partial last window (a ``(5, 5)`` input with
        ``ws=(2, 2)`` gives ``(2, 2)``; ``False`` gives ``(3, 3)``).
    stride
        Step between windows (defaults to ``ws``).
    pad
        Zeros added on both sides of each axis (requires ``ignore_border``).
    mode
        ``"max"``, ``"sum"``, ``"average_inc_pad"`` or ``"average_exc_pad"``.
    ds, st, padding
        Deprecated spellings of ``ws``, ``stride`` and ``pad``.
    """
    return _pool_nd(input, ws, ignore_border, stride, pad, mode, ds, st, padding, 2)


def pool_3d(
    input,
    ws=None,
    ignore_border=None,
    stride=None,
    pad=(0, 0, 0),
    mode="max",
    ds=None,
    st=None,
    padding=None,
) -> Variable:
    """Pool the last three axes of ``input``; see :func:`pool_2d`."""
    return _pool_nd(input, ws, ignore_border, stride, pad, mode, ds, st, padding, 3)


def max_pool_2d_same_size(input, patch_size) -> Variable:
    """Zero every element of a 4-d tensor that is not the maximum of its
    non-overlapping ``patch_size`` patch; the output keeps the input's shape."""
    output = Pool(True)(input, patch_size)
    return MaxPoolGrad(True)(input, output, output, patch_size)
