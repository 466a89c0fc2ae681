"""3-d convolution built from 2-d convolutions (``conv3d``) and the
diagonal-view ops it needs (``DiagonalSubtensor``, ``IncDiagonalSubtensor``).

Every signal frame is convolved with every filter frame by one batched 2-d
convolution; summing the results along diagonals of the (signal time,
filter time) plane then performs the convolution over time.
"""

from __future__ import annotations

import numpy as np
from numpy.lib.stride_tricks import as_strided

from aesara.gradient import DisconnectedType
from aesara.graph.basic import Apply, Variable
from aesara.graph.op import Op
from aesara.graph.rewriting.basic import node_rewriter
from aesara.tensor.basic import as_tensor_variable
from aesara.tensor.type import TensorType

__all__ = [
    "get_diagonal_subtensor_view",
    "DiagonalSubtensor",
    "diagonal_subtensor",
    "IncDiagonalSubtensor",
    "inc_diagonal_subtensor",
    "conv3d",
    "local_inplace_DiagonalSubtensor",
]


def get_diagonal_subtensor_view(x, i0, i1):
    """View ``v`` of ``x`` with ``v[..., a, ..., b, ...] = x[..., n1 - 1 + a - b, ..., b, ...]``
    (``a`` on axis ``i0``, ``b`` on axis ``i1``, ``n1 = x.shape[i1]``).

    The view has ``x.shape[i0] - n1 + 1`` entries along ``i0``; summing it
    over ``i1`` adds up the anti-diagonals of the ``(i0, i1)`` plane.
    """
    i0, i1 = int(i0), int(i1)
    if x.shape[i0] < x.shape[i1]:
        raise NotImplementedError(
            f"get_diagonal_subtensor_view: axis {i0} (length {x.shape[i0]}) must be at "
            f"least as long as axis {i1} (length {x.shape[i1]})"
        )
    n1 = x.shape[i1]
    idx = [slice(None)] * x.ndim
    idx[i0] = slice(n1 - 1, None)
    view = x[tuple(idx)]
    if n1 == 1:
        return view
    strides = list(view.strides)
    strides[i1] -= strides[i0]
    return as_strided(
        view, shape=view.shape, strides=strides, writeable=view.flags.writeable
    )


class DiagonalSubtensor(Op):
    """The view :func:`get_diagonal_subtensor_view` as an op (inputs ``x, i0, i1``)."""

    __props__ = ("inplace",)

    def __init__(self, inplace=False):
        self.inplace = bool(inplace)
        if self.inplace:
            self.view_map = {0: [0]}

    def __str__(self):
        return (
            f"{type(self).__name__}{{inplace}}" if self.inplace else type(self).__name__
        )

    def make_node(self, x, i0, i1) -> Apply:
        x = as_tensor_variable(x)
        shape = tuple(1 if s == 1 else None for s in x.type.shape)
        return Apply(
            self,
            [x, as_tensor_variable(i0), as_tensor_variable(i1)],
            [TensorType(x.type.dtype, shape=shape)()],
        )

    def perform(self, node, inputs, output_storage, params=None):
        view = get_diagonal_subtensor_view(*inputs)
        output_storage[0][0] = view if self.inplace else view.copy()

    def connection_pattern(self, node):
        return [[True], [False], [False]]

    def grad(self, inputs, output_gradients):
        import aesara.tensor as at

        x, i0, i1 = inputs
        gx = inc_diagonal_subtensor(at.zeros_like(x), i0, i1, output_gradients[0])
        return [gx, DisconnectedType()(), DisconnectedType()()]


diagonal_subtensor = DiagonalSubtensor(False)


class IncDiagonalSubtensor(Op):
    """``x`` with ``amt`` added to its diagonal view (inputs ``x, i0, i1, amt``)."""

    __props__ = ("inplace",)

    def __init__(self, inplace=False):
        self.inplace = bool(inplace)
        if self.inplace:
            self.destroy_map = {0: [0]}

    def __str__(self):
        return (
            f"{type(self).__name__}{{inplace}}" if self.inplace else type(self).__name__
        )

    def make_node(self, x, i0, i1, amt) -> Apply:
        x = as_tensor_variable(x)
        amt = as_tensor_variable(amt)
        return Apply(
            self, [x, as_tensor_variable(i0), as_tensor_variable(i1), amt], [x.type()]
        )

    def perform(self, node, inputs, output_storage, params=None):
        x, i0, i1, amt = inputs
        if not self.inplace:
            x = x.copy()
        view = get_diagonal_subtensor_view(x, i0, i1)
        # every (a, b) of the view is a distinct element of x (b selects the
        # column), so the in-place add updates each element once
        view += amt
        output_storage[0][0] = x

    def connection_pattern(self, node):
        return [[True], [False], [False], [True]]

    def grad(self, inputs, output_gradients):
        x, i0, i1, amt = inputs
        (gy,) = output_gradients
        return [
            gy,
            DisconnectedType()(),
            DisconnectedType()(),
            diagonal_subtensor(gy, i0, i1),
        ]


inc_diagonal_subtensor = IncDiagonalSubtensor(False)


def _spatial_out(mode, size, k):
    if mode == "valid":
        return size - k + 1
    if mode == "full":
        return size + k - 1
    if mode == "half":
        return size - (k % 2) + 1
    if mode == "same":
        raise NotImplementedError("conv3d2d: border mode 'same' is not implemented")
    raise ValueError(f"conv3d2d: invalid border mode {mode!r}")


def conv3d(
    signals, filters, signals_shape=None, filters_shape=None, border_mode="valid"
) -> Variable:
    """3-d convolution (flipped in time, rows and columns).

    Parameters
    ----------
    signals
        ``(batch, time, channels, rows, cols)``.
    filters
        ``(nkern, time, channels, krows, kcols)``.
    signals_shape, filters_shape
        Optional shapes (ints or scalars); taken from the inputs when ``None``.
    border_mode
        ``"valid"``, ``"full"`` or ``"half"``, or a triple ``(time, rows, cols)``
        whose last two entries must agree.

    Returns
    -------
    Variable
        ``(batch, out_time, nkern, out_rows, out_cols)``.
    """
    import aesara.tensor as at
    from aesara.tensor.nnet.abstract_conv import conv2d

    signals = as_tensor_variable(signals)
    filters = as_tensor_variable(filters)
    if signals.type.ndim != 5 or filters.type.ndim != 5:
        raise TypeError(
            f"conv3d2d.conv3d: signals and filters must be 5-d, got {signals.type} and "
            f"{filters.type}"
        )
    if isinstance(border_mode, str):
        border_mode = (border_mode,) * 3
    if border_mode[1] != border_mode[2]:
        raise NotImplementedError("conv3d2d: height and width border modes must match")
    s_shape = signals.shape if signals_shape is None else signals_shape
    f_shape = filters.shape if filters_shape is None else filters_shape
    Ns, Ts, C, Hs, Ws = (s_shape[i] for i in range(5))
    Nf, Tf, _, Hf, Wf = (f_shape[i] for i in range(5))
    out4 = conv2d(
        signals.reshape((Ns * Ts, C, Hs, Ws)),
        filters.reshape((Nf * Tf, C, Hf, Wf)),
        input_shape=None if signals_shape is None else (Ns * Ts, C, Hs, Ws),
        filter_shape=None if filters_shape is None else (Nf * Tf, C, Hf, Wf),
        border_mode=border_mode[1],
    )
    Hout = _spatial_out(border_mode[1], Hs, Hf)
    Wout = _spatial_out(border_mode[1], Ws, Wf)
    pairs = out4.reshape((Ns, Ts, Nf, Tf, Hout, Wout))
    if isinstance(Tf, (int, np.integer)) and Tf == 1:
        return pairs.reshape((Ns, Ts, Nf, Hout, Wout))
    tmode = border_mode[0]
    if tmode == "valid":
        tpad = 0
    elif tmode == "full":
        tpad = Tf - 1
    elif tmode == "half":
        tpad = Tf // 2
    elif tmode == "same":
        raise NotImplementedError("conv3d2d: border mode 'same' is not implemented")
    else:
        raise ValueError(f"conv3d2d: invalid border mode {tmode!r}")
    if not (isinstance(tpad, (int, np.integer)) and tpad == 0):
        padded = at.zeros((Ns, Ts + 2 * tpad, Nf, Tf, Hout, Wout), dtype=pairs.dtype)
        pairs = at.set_subtensor(padded[:, tpad : Ts + tpad], pairs)
    return diagonal_subtensor(pairs, 1, 3).sum(axis=3)


@node_rewriter([DiagonalSubtensor, IncDiagonalSubtensor])
def local_inplace_DiagonalSubtensor(fgraph, node):
    """Use the in-place version of the diagonal ops."""
    if (
        isinstance(node.op, (DiagonalSubtensor, IncDiagonalSubtensor))
        and not node.op.inplace
    ):
        new = type(node.op)(inplace=True)(*node.inputs)
        return [new]
    return False
