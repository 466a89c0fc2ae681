"""Op database entries for ``aesara.tensor.math.convolve`` (``numpy.convolve``)."""

from __future__ import annotations

import numpy as np

from aesara.tensor.math import convolve
from tests.op_db import ErrorSample, OpInfo, Sample, register

F = "convolution"


def _r(rng, n, dtype="float64"):
    if np.dtype(dtype).kind in "iu":
        return rng.integers(-4, 5, size=n).astype(dtype)
    return rng.standard_normal(n).astype(dtype)


def _samples(rng):
    samples = []
    for mode in ("full", "same", "valid"):
        kw = {"mode": mode}
        samples += [
            Sample((_r(rng, 6), _r(rng, 3)), kw, name=f"{mode}-long-short"),
            Sample((_r(rng, 2), _r(rng, 5)), kw, name=f"{mode}-short-long"),
            Sample((_r(rng, 4), _r(rng, 4)), kw, name=f"{mode}-equal"),
            Sample((_r(rng, 1), _r(rng, 1)), kw, name=f"{mode}-length1"),
            Sample(
                (_r(rng, 7), _r(rng, 2)), kw, name=f"{mode}-static", static_shape=True
            ),
        ]
    samples += [
        Sample((_r(rng, 8)[::2], _r(rng, 3)), name="strided"),
        Sample((_r(rng, 5, "float32"), _r(rng, 3, "float32")), name="float32"),
        Sample((_r(rng, 5, "int64"), _r(rng, 3, "int64")), name="int64"),
        Sample((_r(rng, 5, "int8"), _r(rng, 4, "float64")), name="int8-float64"),
        Sample(
            (_r(rng, 4) + 1j * _r(rng, 4), _r(rng, 3)), {"mode": "same"}, name="complex"
        ),
        Sample(
            (np.array([1e300, -1e300, 0.0]), np.array([1e-300, 2.0])), name="extreme"
        ),
        Sample((np.array([np.inf, 1.0]), np.array([1.0, 1.0])), name="inf"),
    ]
    return samples


def _grad_samples(rng):
    return [
        Sample((_r(rng, m), _r(rng, n)), {"mode": mode}, name=f"{mode}-{m}-{n}")
        for mode in ("full", "same", "valid")
        for m, n in ((5, 3), (2, 5))
    ]


register(
    OpInfo(
        name="convolve",
        build=convolve,
        ref=np.convolve,
        samples=_samples,
        errors=[
            ErrorSample(
                (np.zeros((2, 2)), np.zeros(3)), ValueError, "1-dim", name="2d"
            ),
            ErrorSample((np.float64(1.0), np.zeros(3)), ValueError, "1-dim", name="0d"),
            ErrorSample(
                (np.zeros(3), np.zeros(3)),
                ValueError,
                "mode must be one of",
                {"mode": "circular"},
                name="bad-mode",
            ),
            ErrorSample(
                (np.zeros(0), np.zeros(3)),
                ValueError,
                "empty",
                at_build=False,
                name="empty",
            ),
        ],
        differentiable=True,
        grad_samples=_grad_samples,
        family=F,
    )
)
