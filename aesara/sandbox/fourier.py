"""Deprecated FFT ops on matrices (`FFT`, `fft`, `ifft`...) and `dct_matrix`.

Use :mod:`aesara.tensor.fft` instead, which has gradients.
"""

from __future__ import annotations

import warnings

import numpy as np

from aesara.gradient import grad_undefined
from aesara.graph.basic import Apply
from aesara.graph.op import Op
from aesara.link.c.type import generic
from aesara.tensor.basic import as_tensor
from aesara.tensor.type import zmatrix

__all__ = [
    "GradTodo",
    "grad_todo",
    "FFT",
    "fft",
    "half_fft",
    "ifft",
    "half_ifft",
    "dct_matrix",
]

warnings.warn(
    "The module aesara.sandbox.fourier will soon be deprecated."
    " Please use aesara.tensor.fft, which supports gradients."
)


class GradTodo(Op):
    """A placeholder for a gradient nobody has written: running it raises."""

    __props__ = ()

    def make_node(self, x):
        return Apply(self, [x], [x.type()])

    def perform(self, node, inputs, outputs):
        raise NotImplementedError("GradTodo: this gradient is not implemented")


grad_todo = GradTodo()


class FFT(Op):
    """The ``n``-point (inverse) FFT of a matrix along axis 0 or 1.

    ``op(frames, n, axis)`` returns a ``complex128`` matrix (the op's second
    output, a placeholder for an FFT plan, is always ``None``).

    Parameters
    ----------
    half
        Return only the first half (the non-negative frequencies) along
        ``axis``; ``n`` must then be even and the input real.
    inverse
        Compute the inverse transform.
    """

    default_output = 0
    __props__ = ("half", "inverse")

    def __init__(self, half: bool = False, inverse: bool = False):
        self.half = half
        self.inverse = inverse

    def make_node(self, frames, n, axis):
        _frames = as_tensor(frames, ndim=2)
        _n = as_tensor(n, ndim=0)
        _axis = as_tensor(axis, ndim=0)
        if self.half and _frames.type.dtype.startswith("complex"):
            raise TypeError("Argument to HalfFFT must not be complex", frames)
        # The second output is reserved for a reusable plan object.
        return Apply(self, [_frames, _n, _axis], [zmatrix(), generic()])

    def perform(self, node, inputs, outputs):
        frames, n, axis = inputs
        axis = int(axis)
        if axis not in (0, 1):
            raise ValueError(f"FFT: axis must be 0 or 1, got {axis}")
        transform = np.fft.ifft if self.inverse else np.fft.fft
        spectrum = transform(frames, int(n), axis)
        if self.half:
            length = spectrum.shape[axis]
            if length % 2:
                raise ValueError("halfFFT on odd-length vectors is undefined")
            keep = [slice(None), slice(None)]
            keep[axis] = slice(0, length // 2)
            spectrum = spectrum[tuple(keep)]
        outputs[0][0] = np.asarray(spectrum, dtype="complex128")
        outputs[1][0] = None

    def connection_pattern(self, node):
        # Only the spectrum depends on the frames; the plan output is unused.
        return [[True, False], [False, False], [False, False]]

    def grad(self, inputs, output_grads):
        frames, n, axis = inputs
        return [
            grad_todo(frames),
            grad_undefined(self, 1, n),
            grad_undefined(self, 2, axis),
        ]


fft = FFT(half=False, inverse=False)
half_fft = FFT(half=True, inverse=False)
ifft = FFT(half=False, inverse=True)
half_ifft = FFT(half=True, inverse=True)


def dct_matrix(rows: int, cols: int, unitary: bool = True) -> np.ndarray:
    """A ``(rows, cols)`` matrix of the type-II discrete cosine transform.

    Row ``i`` is ``cos(pi * i * (2 * k + 1) / (2 * cols)) * sqrt(2 / cols)``
    for ``k`` in ``range(cols)``; with ``unitary`` the first row is scaled by
    ``sqrt(1 / 2)`` so that a square matrix is orthogonal.
    """
    k = np.arange(cols)
    i = np.arange(rows)[:, None]
    out = np.cos(i * (2 * k + 1) / (2.0 * cols) * np.pi) * np.sqrt(2.0 / cols)
    if unitary and rows > 0:
        out[0] *= np.sqrt(0.5)
    return out
