"""Op database entries for ``aesara.tensor.fourier.fft`` (``numpy.fft.fft``)."""

from __future__ import annotations

import numpy as np

from aesara.tensor.fourier import fft
from tests.op_db import ErrorSample, OpInfo, Sample, register

F = "fourier"


def _r(rng, *shape, dtype="float64"):
    return rng.standard_normal(shape).astype(dtype)


def _c(rng, *shape):
    return (_r(rng, *shape) + 1j * _r(rng, *shape)).astype("complex128")


def _ref(a, n=None, axis=-1):
    # Aesara's output is always complex128 (NumPy 2 keeps complex64 for
    # single precision), hence the cast.
    return np.fft.fft(a, n=None if n is None else int(n), axis=axis).astype(
        "complex128"
    )


def _build(a, n=None, axis=None):
    return fft(a, n, axis)


def _samples(rng):
    return [
        Sample((_r(rng, 8),), name="vector"),
        Sample((_r(rng, 1),), name="length1"),
        Sample((_r(rng, 3, 5),), {"axis": 0}, name="axis0"),
        Sample((_r(rng, 2, 3, 4),), {"axis": -2}, name="neg-axis", static_shape=True),
        Sample((_r(rng, 3, 5),), {"n": 3}, name="crop"),
        Sample((_r(rng, 3, 5),), {"n": 9, "axis": 0}, name="pad", static_shape=True),
        Sample((_c(rng, 4, 6),), {"axis": 1}, name="complex"),
        Sample((_c(rng, 4, 6).astype("complex64"),), name="complex64"),
        Sample((_r(rng, 6, 4).T,), {"axis": 0}, name="noncontig"),
        Sample((_r(rng, 5).astype("float32"),), name="float32"),
        Sample((np.arange(-3, 4, dtype="int32"),), name="int32"),
        Sample((np.zeros((0, 4)),), {"axis": 1}, name="empty-batch"),
        Sample((np.zeros((0, 4)),), {"n": 3, "axis": 0}, name="empty-axis-padded"),
        Sample((np.array([1e300, -1e300, 1e-300, 0.0]),), name="extreme"),
        Sample((np.array([np.inf, 1.0, 2.0]),), name="inf"),
    ]


def _grad_samples(rng):
    return [
        Sample((_r(rng, 6),), name="vector"),
        Sample((_r(rng, 3, 4),), {"axis": 0}, name="axis0"),
        Sample((_r(rng, 3, 4),), {"n": 2}, name="crop"),
        Sample((_r(rng, 3, 4),), {"n": 6, "axis": -2}, name="pad"),
        Sample((_c(rng, 2, 5),), {"n": 4}, name="complex"),
    ]


register(
    OpInfo(
        name="fourier_fft",
        build=_build,
        ref=_ref,
        samples=_samples,
        errors=[
            ErrorSample((np.float64(1.0),), TypeError, "at least one dimension"),
            ErrorSample((np.zeros((2, 3)),), ValueError, "out of bounds", {"axis": 2}),
            ErrorSample((np.zeros((2, 3)),), ValueError, "out of bounds", {"axis": -3}),
            ErrorSample((np.zeros(3),), ValueError, "at least 1", {"n": 0}),
            ErrorSample((np.zeros(3),), TypeError, "n must be an integer", {"n": 2.5}),
            ErrorSample(
                (np.zeros(3),), TypeError, "axis must be an integer", {"axis": 0.0}
            ),
            ErrorSample((np.zeros(3),), TypeError, "n must be a scalar", {"n": [2, 3]}),
            ErrorSample(
                (np.zeros(3), np.int64(0)), ValueError, "at least 1", at_build=False
            ),
        ],
        differentiable=True,
        grad_samples=_grad_samples,
        family=F,
    )
)


def _build_sym_n(a, n, axis=None):
    return fft(a, n, axis)


register(
    OpInfo(
        name="fourier_fft_symbolic_n",
        build=_build_sym_n,
        ref=_ref,
        samples=lambda rng: [
            Sample((_r(rng, 3, 5), np.int64(4)), name="crop"),
            Sample((_r(rng, 3, 5), np.int64(8)), {"axis": 0}, name="pad"),
            Sample((_c(rng, 6), np.int32(6)), name="same"),
        ],
        errors=[
            ErrorSample(
                (np.zeros(3), np.int64(-1)), ValueError, "at least 1", at_build=False
            ),
            ErrorSample(
                (np.zeros(3), np.float64(2.0)), TypeError, "n must be an integer"
            ),
        ],
        differentiable=True,
        grad_inputs=[0],
        family=F,
    )
)
