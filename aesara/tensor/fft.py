"""Real-input fast Fourier transforms with gradients: ``rfft`` and ``irfft``.

The convention is Aesara's: the input of :func:`rfft` is a real batch of
signals (first dimension: batch, the others: the signal's dimensions); its
output keeps the batch and signal dimensions (the last one of length
``n // 2 + 1``) and adds a trailing dimension of length 2 holding the real
and imaginary parts. :func:`irfft` takes such an array back to real signals.

:class:`RFFTOp` is the unnormalised ``numpy.fft.rfftn`` over every axis but
the first; :class:`IRFFTOp` is the *unnormalised* inverse (``irfftn`` times
the number of signal points), so the two are adjoint up to the weights of
the bins that the half spectrum stands for twice. The normalisation
(``norm=None``: none forward, ``1/N`` backward; ``"ortho"``: ``1/sqrt(N)``
both ways; ``"no_norm"``: none either way) is applied by the functions.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from aesara.graph.basic import Apply, Variable, equal_computations
from aesara.graph.op import Op
from aesara.tensor._join import disconnected
from aesara.tensor.basic import as_tensor_variable, cast, infer_static_shape
from aesara.tensor.type import TensorType, discrete_dtypes, float_dtypes
from aesara.tensor.var import TensorVariable

__all__ = ["IRFFTOp", "RFFTOp", "irfft", "irfft_op", "rfft", "rfft_op"]


def _real_input(a: Any, what: str) -> TensorVariable:
    a = as_tensor_variable(a)
    if a.type.dtype in discrete_dtypes:
        a = cast(a, "float64")
    elif a.type.dtype not in float_dtypes:
        raise TypeError(f"{what}: the input must be real, got {a.type}")
    return a


def _signal_shape(s: Any, n_dims: int, what: str):
    """The signal-shape input as an int64 vector, and its static entries."""
    from aesara.tensor.basic import stack

    entries, static = infer_static_shape(s)
    if len(entries) != n_dims:
        raise ValueError(
            f"{what}: the signal shape s must have {n_dims} entries, got {len(entries)}"
        )
    for i, v in enumerate(static):
        if v is not None and v < 1:
            raise ValueError(f"{what}: signal size s[{i}] must be positive, got {v}")
    vec = stack([cast(e, "int64") for e in entries]) if entries else None
    return vec, static


def _check_runtime_s(s: np.ndarray, what: str) -> tuple[int, ...]:
    s = tuple(int(v) for v in np.asarray(s).reshape(-1))
    if any(v < 1 for v in s):
        raise ValueError(f"{what}: signal sizes must be positive, got {s}")
    return s


def _shape_entries(x: Variable, start: int, stop: int) -> list:
    """``x.shape[start:stop]`` as int64 scalars (the default signal shape)."""
    from aesara.tensor.shape import shape

    return [cast(shape(x)[d], "int64") for d in range(start, stop)]


def _is_shape_of(s: Variable, x: Variable, start: int, stop: int) -> bool:
    """Whether ``s`` is the symbolic ``x.shape[start:stop]`` (the default)."""
    from aesara.tensor.basic import stack

    return equal_computations([s], [stack(_shape_entries(x, start, stop))])


def _fit_to(g: TensorVariable, like: TensorVariable, axes: range) -> TensorVariable:
    """``g`` cropped or zero-padded along ``axes`` to ``like``'s shape."""
    from aesara.tensor.basic import zeros_like
    from aesara.tensor.math import minimum
    from aesara.tensor.subtensor import set_subtensor

    idx: list[Any] = [slice(None)] * like.type.ndim
    for d in axes:
        idx[d] = slice(0, minimum(like.shape[d], g.shape[d]))
    out = zeros_like(like, dtype=g.type.dtype)
    return set_subtensor(out[tuple(idx)], g[tuple(idx)])


def _scale_bins(g: TensorVariable, n: Variable, factor: float) -> TensorVariable:
    """``g`` with bins ``1 .. (n+1)//2 - 1`` of axis -2 multiplied by ``factor``.

    These bins stand for a frequency and its mirror image in a half spectrum.
    """
    from aesara.tensor.subtensor import set_subtensor

    idx = (Ellipsis, slice(1, (n + 1) // 2), slice(None))
    return set_subtensor(g[idx], g[idx] * np.asarray(factor, dtype=g.type.dtype))


class RFFTOp(Op):
    """Unnormalised real-to-complex FFT over every axis but the first.

    ``RFFTOp()(a, s)``: ``a`` is real ``(batch, n_1, ..., n_d)``; ``s`` the
    signal shape (default ``a.shape[1:]``; ``a`` is cropped or zero-padded
    to it). The output is ``(batch, s_1, ..., s_d // 2 + 1, 2)``: real and
    imaginary parts in the last dimension.
    """

    __props__ = ()

    def make_node(self, a, s=None):
        a = _real_input(a, "rfft")
        if a.type.ndim < 2:
            raise TypeError(
                f"rfft: the input must have at least 2 dimensions (batch, signal...), "
                f"got {a.type}"
            )
        if s is None:
            s = _shape_entries(a, 1, a.type.ndim)
            static = list(a.type.shape[1:])
        else:
            static = None
        s_vec, s_static = _signal_shape(s, a.type.ndim - 1, "rfft")
        if static is None:
            static = list(s_static)
        last = static[-1]
        out_shape = (
            a.type.shape[0],
            *static[:-1],
            None if last is None else last // 2 + 1,
            2,
        )
        return Apply(self, [a, s_vec], [TensorType(a.type.dtype, out_shape)()])

    def perform(self, node, inputs, output_storage, params=None):
        a, s = inputs
        s = _check_runtime_s(s, "rfft")
        spec = np.fft.rfftn(a, s=s, axes=tuple(range(1, a.ndim)))
        dtype = node.outputs[0].type.dtype
        out = np.empty((*spec.shape, 2), dtype=dtype)
        out[..., 0] = spec.real
        out[..., 1] = spec.imag
        output_storage[0][0] = out

    def infer_shape(self, fgraph, node, input_shapes):
        a_shape = input_shapes[0]
        s = node.inputs[1]
        d = node.inputs[0].type.ndim - 1
        sig = [s[i] for i in range(d)]
        return [(a_shape[0], *sig[:-1], sig[-1] // 2 + 1, 2)]

    def connection_pattern(self, node):
        return [[True], [False]]

    def L_op(self, inputs, outputs, output_grads):
        a, s = inputs
        # The adjoint of the half-spectrum transform is the unnormalised
        # inverse of the half spectrum whose mirrored bins are halved (the
        # inverse counts them twice).
        g = _scale_bins(output_grads[0], s[-1], 0.5)
        ga = irfft_op(g, s)
        if not _is_shape_of(s, a, 1, a.type.ndim):
            ga = _fit_to(ga, a, range(1, a.type.ndim))
        if ga.type.dtype != a.type.dtype:
            ga = cast(ga, a.type.dtype)
        return [ga, disconnected()]

    def R_op(self, inputs, eval_points):
        if eval_points[0] is None:
            return [None]
        return [self(eval_points[0], inputs[1])]


class IRFFTOp(Op):
    """Unnormalised complex-to-real inverse FFT over every axis but the first.

    ``IRFFTOp()(a, s)``: ``a`` is ``(batch, m_1, ..., m_d, 2)`` (real and
    imaginary parts last); ``s`` the output signal shape (default: the input
    sizes with ``2 * (m_d - 1)`` last). The output, ``(batch, *s)``, is
    ``numpy.fft.irfftn`` times ``prod(s)``.
    """

    __props__ = ()

    def make_node(self, a, s=None):
        a = _real_input(a, "irfft")
        if a.type.ndim < 3:
            raise TypeError(
                "irfft: the input must have at least 3 dimensions (batch, "
                f"spectrum..., 2), got {a.type}"
            )
        if a.type.shape[-1] not in (None, 2):
            raise ValueError(
                "irfft: the last dimension must have length 2 (real, imaginary), "
                f"got {a.type.shape[-1]}"
            )
        if s is None:
            m = a.shape[-2]
            s = [*[a.shape[d] for d in range(1, a.type.ndim - 2)], 2 * (m - 1)]
        s_vec, s_static = _signal_shape(s, a.type.ndim - 2, "irfft")
        out_shape = (a.type.shape[0], *s_static)
        return Apply(self, [a, s_vec], [TensorType(a.type.dtype, out_shape)()])

    def perform(self, node, inputs, output_storage, params=None):
        a, s = inputs
        s = _check_runtime_s(s, "irfft")
        if a.shape[-1] != 2:
            raise ValueError(
                "irfft: the last dimension must have length 2 (real, imaginary), "
                f"got an input of shape {a.shape}"
            )
        spec = a[..., 0] + 1j * a[..., 1]
        out = np.fft.irfftn(spec, s=s, axes=tuple(range(1, spec.ndim)))
        out *= float(np.prod(s, dtype="float64"))
        output_storage[0][0] = out.astype(node.outputs[0].type.dtype, copy=False)

    def infer_shape(self, fgraph, node, input_shapes):
        a_shape = input_shapes[0]
        s = node.inputs[1]
        d = node.inputs[0].type.ndim - 2
        return [(a_shape[0], *[s[i] for i in range(d)])]

    def connection_pattern(self, node):
        return [[True], [False]]

    def L_op(self, inputs, outputs, output_grads):
        a, s = inputs
        # The adjoint of the unnormalised inverse is the forward transform
        # with the mirrored bins doubled (each stands for two frequencies).
        g = rfft_op(output_grads[0], s)
        g = _scale_bins(g, s[-1], 2.0)
        g = _fit_to(g, a, range(1, a.type.ndim - 1))
        if g.type.dtype != a.type.dtype:
            g = cast(g, a.type.dtype)
        return [g, disconnected()]

    def R_op(self, inputs, eval_points):
        if eval_points[0] is None:
            return [None]
        return [self(eval_points[0], inputs[1])]


rfft_op = RFFTOp()
irfft_op = IRFFTOp()


def _unitary(norm: str | None) -> str | None:
    if norm not in (None, "ortho", "no_norm"):
        raise ValueError(
            f"Invalid value {norm!r} for norm; it must be None, 'ortho' or 'no_norm'"
        )
    return norm


def _num_points(s: TensorVariable, dtype: str) -> TensorVariable:
    from aesara.tensor.math import prod

    return cast(prod(s), dtype)


def rfft(inp: Any, norm: str | None = None) -> TensorVariable:
    """Real-input FFT of a batch of signals.

    Parameters
    ----------
    inp
        Real array ``(batch, n_1, ..., n_d)``.
    norm
        ``None`` (no scaling), ``"ortho"`` (divide by ``sqrt(n_1 ... n_d)``)
        or ``"no_norm"`` (no scaling).

    Returns
    -------
    TensorVariable
        ``(batch, n_1, ..., n_d // 2 + 1, 2)``: the real and imaginary parts
        of ``numpy.fft.rfftn`` over the signal axes.
    """
    norm = _unitary(norm)
    out = rfft_op(inp)
    if norm == "ortho":
        from aesara.tensor.math import sqrt

        a, s = out.owner.inputs
        out = out / sqrt(_num_points(s, a.type.dtype))
    return out


def irfft(inp: Any, norm: str | None = None, is_odd: bool = False) -> TensorVariable:
    """Inverse of :func:`rfft`: real signals from half spectra.

    Parameters
    ----------
    inp
        ``(batch, m_1, ..., m_d, 2)``: real and imaginary parts last.
    norm
        ``None`` (divide by the number of points, as ``numpy.fft.irfftn``),
        ``"ortho"`` (divide by its square root) or ``"no_norm"`` (no scaling).
    is_odd
        Whether the signals' last dimension is odd: it is ``2 * (m_d - 1) + 1``
        if so, else ``2 * (m_d - 1)``.

    Returns
    -------
    TensorVariable
        ``(batch, m_1, ..., m_{d-1}, n_d)`` real signals.
    """
    norm = _unitary(norm)
    if not isinstance(is_odd, (bool, np.bool_)):
        raise TypeError(f"irfft: is_odd must be a bool, got {is_odd!r}")
    a = _real_input(inp, "irfft")
    if a.type.ndim < 3:
        raise TypeError(
            "irfft: the input must have at least 3 dimensions (batch, "
            f"spectrum..., 2), got {a.type}"
        )
    m = a.shape[-2]
    last = 2 * (m - 1) + (1 if is_odd else 0)
    # Static sizes where known, so the output's static shape is too.
    static = list(a.type.shape[1:-1])
    s = [
        static[d - 1] if static[d - 1] is not None else a.shape[d]
        for d in range(1, a.type.ndim - 2)
    ]
    if static[-1] is not None:
        last = 2 * (static[-1] - 1) + (1 if is_odd else 0)
    out = irfft_op(a, [*s, last])
    if norm == "no_norm":
        return out
    from aesara.tensor.math import sqrt

    n = _num_points(out.owner.inputs[1], a.type.dtype)
    return out / (n if norm is None else sqrt(n))
