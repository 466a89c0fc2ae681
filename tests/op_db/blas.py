"""Op database entries for the BLAS ops: ``gemm``, ``gemv``, ``ger``, ``dot22``
and ``dot22scalar`` (:mod:`aesara.tensor.blas`)."""

from __future__ import annotations

import numpy as np

from aesara.tensor import blas
from tests.op_db import ErrorSample, OpInfo, Sample, register


def _n(rng, *shape, dtype="float64"):
    if np.dtype(dtype).kind in "iu":
        return rng.integers(-4, 5, size=shape).astype(dtype)
    v = rng.normal(0.0, 1.0, shape)
    if np.dtype(dtype).kind == "c":
        v = v + 1j * rng.normal(0.0, 1.0, shape)
    return v.astype(dtype)


def _s(value, dtype="float64"):
    return np.asarray(value, dtype=dtype)


def _gemm_ref(z, a, x, y, b):
    return (b * z + a * (x @ y)).astype(z.dtype)


def _gemm_samples(rng):
    out = []
    for dt in ("float64", "float32", "complex128", "int64"):
        out.append(
            Sample(
                (
                    _n(rng, 3, 2, dtype=dt),
                    _s(2, dt),
                    _n(rng, 3, 4, dtype=dt),
                    _n(rng, 4, 2, dtype=dt),
                    _s(-1, dt),
                ),
                name=dt,
            )
        )
    out += [
        Sample(
            (_n(rng, 3, 2), _s(0.5), _n(rng, 3, 4), _n(rng, 4, 2), _s(1.5)),
            name="static",
            static_shape=True,
        ),
        Sample(
            (_n(rng, 2, 3).T, _s(1.0), _n(rng, 4, 3).T, _n(rng, 2, 4).T, _s(2.0)),
            name="fortran-order",
        ),
        Sample(
            (
                _n(rng, 6, 4)[::2, ::2],
                _s(1.0),
                _n(rng, 3, 5)[:, ::2],
                _n(rng, 3, 2),
                _s(1.0),
            ),
            name="strided",
        ),
        Sample(
            (np.full((3, 2), np.nan), _s(1.0), _n(rng, 3, 4), _n(rng, 4, 2), _s(0.0)),
            name="beta0-keeps-nan",
        ),
        Sample(
            (_n(rng, 1, 2), _s(1.0), _n(rng, 3, 4), _n(rng, 4, 2), _s(2.0)),
            name="z-broadcasts",
        ),
        Sample(
            (_n(rng, 0, 2), _s(1.0), _n(rng, 0, 4), _n(rng, 4, 2), _s(1.0)),
            name="empty-rows",
        ),
        Sample(
            (_n(rng, 3, 2), _s(1.0), _n(rng, 3, 0), _n(rng, 0, 2), _s(3.0)),
            name="empty-inner",
        ),
        Sample(
            (_n(rng, 3, 2), _s(1e300), _n(rng, 3, 4), _n(rng, 4, 2), _s(1e-300)),
            name="extreme-scales",
        ),
    ]
    return out


def _grad_samples(samples):
    def make(rng):
        return [
            s for s in samples(rng) if s.name in ("float64", "static", "z-broadcasts")
        ]

    return make


register(
    OpInfo(
        name="blas_gemm",
        build=blas.gemm_no_inplace,
        ref=_gemm_ref,
        samples=_gemm_samples,
        errors=(
            ErrorSample(
                (
                    np.zeros((2, 2)),
                    _s(1.0),
                    np.zeros((2, 3)),
                    np.zeros((4, 2)),
                    _s(1.0),
                ),
                ValueError,
                match=r"Gemm: x and y shapes \(2, 3\) and \(4, 2\) are not aligned",
                at_build=False,
                name="inner-mismatch",
            ),
            ErrorSample(
                (
                    np.zeros((3, 3)),
                    _s(1.0),
                    np.zeros((2, 2)),
                    np.zeros((2, 2)),
                    _s(1.0),
                ),
                ValueError,
                match=r"Gemm: z of shape \(3, 3\) does not match x @ y of shape \(2, 2\)",
                at_build=False,
                name="z-mismatch",
            ),
            ErrorSample(
                (np.zeros((2, 2)), _s(1.0), np.zeros(2), np.zeros((2, 2)), _s(1.0)),
                TypeError,
                match="Gemm: input 'x' must be a matrix",
                name="rank",
            ),
            ErrorSample(
                (
                    np.zeros((2, 2)),
                    _s(1.0),
                    np.zeros((2, 2), "float32"),
                    np.zeros((2, 2)),
                    _s(1.0),
                ),
                TypeError,
                match="Gemm: input 'x' has dtype float32, expected float64",
                name="dtype",
            ),
        ),
        differentiable=True,
        grad_inputs=(0, 2, 3),
        grad_samples=_grad_samples(_gemm_samples),
        family="blas",
    )
)


def _gemv_ref(y, a, A, x, b):
    return (b * y + a * (A @ x)).astype(y.dtype)


def _gemv_samples(rng):
    out = []
    for dt in ("float64", "float32", "complex64", "int32"):
        out.append(
            Sample(
                (
                    _n(rng, 3, dtype=dt),
                    _s(2, dt),
                    _n(rng, 3, 4, dtype=dt),
                    _n(rng, 4, dtype=dt),
                    _s(3, dt),
                ),
                name=dt,
            )
        )
    out += [
        Sample(
            (_n(rng, 3), _s(1.0), _n(rng, 4, 3).T, _n(rng, 4), _s(1.0)),
            name="fortran-order",
            static_shape=True,
        ),
        Sample(
            (_n(rng, 3), _s(1.0), _n(rng, 3, 8)[:, ::2], _n(rng, 8)[::2], _s(1.0)),
            name="strided",
        ),
        Sample(
            (np.full(3, np.inf), _s(1.0), _n(rng, 3, 4), _n(rng, 4), _s(0.0)),
            name="beta0-keeps-inf",
        ),
        Sample(
            (_n(rng, 1), _s(1.0), _n(rng, 3, 4), _n(rng, 4), _s(2.0)),
            name="y-broadcasts",
        ),
        Sample((_n(rng, 0), _s(1.0), _n(rng, 0, 4), _n(rng, 4), _s(1.0)), name="empty"),
        Sample(
            (_n(rng, 3), _s(1.0), _n(rng, 3, 0), _n(rng, 0), _s(1.0)),
            name="empty-inner",
        ),
    ]
    return out


register(
    OpInfo(
        name="blas_gemv",
        build=blas.gemv_no_inplace,
        ref=_gemv_ref,
        samples=_gemv_samples,
        errors=(
            ErrorSample(
                (np.zeros(2), _s(1.0), np.zeros((2, 3)), np.zeros(4), _s(1.0)),
                ValueError,
                match=r"Gemv: A and x shapes \(2, 3\) and \(4,\) are not aligned",
                at_build=False,
                name="inner-mismatch",
            ),
            ErrorSample(
                (np.zeros((2, 2)), _s(1.0), np.zeros((2, 3)), np.zeros(3), _s(1.0)),
                TypeError,
                match="Gemv: input 'y' must be a vector",
                name="rank",
            ),
        ),
        differentiable=True,
        grad_inputs=(0, 2, 3),
        grad_samples=_grad_samples(_gemv_samples),
        family="blas",
    )
)


def _ger_ref(A, a, x, y):
    return (A + a * np.outer(x, y)).astype(A.dtype)


def _ger_samples(rng):
    out = []
    for dt in ("float64", "float32", "complex128", "int64"):
        out.append(
            Sample(
                (
                    _n(rng, 3, 4, dtype=dt),
                    _s(2, dt),
                    _n(rng, 3, dtype=dt),
                    _n(rng, 4, dtype=dt),
                ),
                name=dt,
            )
        )
    out += [
        Sample(
            (_n(rng, 4, 3).T, _s(-1.0), _n(rng, 3), _n(rng, 4)),
            name="fortran-order",
            static_shape=True,
        ),
        Sample((_n(rng, 3, 1), _s(1.0), _n(rng, 3), _n(rng, 4)), name="A-broadcasts"),
        Sample((_n(rng, 0, 4), _s(1.0), _n(rng, 0), _n(rng, 4)), name="empty"),
    ]
    return out


register(
    OpInfo(
        name="blas_ger",
        build=blas.ger,
        ref=_ger_ref,
        samples=_ger_samples,
        errors=(
            ErrorSample(
                (np.zeros((2, 2)), _s(1.0), np.zeros(3), np.zeros(2)),
                ValueError,
                match=r"Ger: A of shape \(2, 2\) does not match outer\(x, y\) of shape",
                at_build=False,
                name="shape-mismatch",
            ),
            ErrorSample(
                (np.zeros((2, 2)), np.zeros(2), np.zeros(2), np.zeros(2)),
                TypeError,
                match=r"Ger: input 'a' must be a scalar",
                name="rank",
            ),
        ),
        differentiable=True,
        grad_inputs=(0, 2, 3),
        grad_samples=_grad_samples(_ger_samples),
        family="blas",
    )
)


def _dot22_samples(rng):
    out = [
        Sample((_n(rng, 3, 4, dtype=dt), _n(rng, 4, 2, dtype=dt)), name=dt)
        for dt in ("float64", "float32", "complex64", "int16")
    ]
    out += [
        Sample((_n(rng, 3, 4), _n(rng, 4, 2)), name="static", static_shape=True),
        Sample((_n(rng, 4, 3).T, _n(rng, 8, 4)[::2].T), name="non-contiguous"),
        Sample((_n(rng, 0, 4), _n(rng, 4, 2)), name="empty-rows"),
        Sample((_n(rng, 3, 0), _n(rng, 0, 2)), name="empty-inner"),
        Sample((np.full((2, 2), 1e200), np.full((2, 2), 1e200)), name="overflow"),
    ]
    return out


register(
    OpInfo(
        name="blas_dot22",
        build=blas._dot22,
        ref=lambda x, y: x @ y,
        samples=_dot22_samples,
        errors=(
            ErrorSample(
                (np.zeros((2, 3)), np.zeros((2, 3))),
                ValueError,
                match=r"Dot22: x and y shapes \(2, 3\) and \(2, 3\) are not aligned",
                at_build=False,
                name="inner-mismatch",
            ),
            ErrorSample(
                (np.zeros((2, 3)), np.zeros((3, 2), "float32")),
                TypeError,
                match="Dot22: input 'y' has dtype float32, expected float64",
                name="dtype",
            ),
        ),
        differentiable=True,
        grad_samples=_grad_samples(_dot22_samples),
        family="blas",
    )
)


def _dot22scalar_samples(rng):
    out = [
        Sample((_n(rng, 3, 4, dtype=dt), _n(rng, 4, 2, dtype=dt), _s(3, dt)), name=dt)
        for dt in ("float64", "float32", "complex128", "int64")
    ]
    out += [
        Sample(
            (_n(rng, 3, 4), _n(rng, 4, 2), _s(-0.5)), name="static", static_shape=True
        ),
        Sample((_n(rng, 3, 0), _n(rng, 0, 2), _s(2.0)), name="empty-inner"),
        Sample((_n(rng, 3, 4), _n(rng, 4, 2), _s(0.0)), name="zero-scale"),
    ]
    return out


register(
    OpInfo(
        name="blas_dot22scalar",
        build=blas._dot22scalar,
        ref=lambda x, y, a: (a * (x @ y)).astype(x.dtype),
        samples=_dot22scalar_samples,
        errors=(
            ErrorSample(
                (np.zeros((2, 3)), np.zeros((2, 3)), _s(1.0)),
                ValueError,
                match=r"Dot22Scalar: x and y shapes \(2, 3\) and \(2, 3\) are not aligned",
                at_build=False,
                name="inner-mismatch",
            ),
            ErrorSample(
                (np.zeros((2, 3)), np.zeros((3, 2)), np.zeros(2)),
                TypeError,
                match="Dot22Scalar: input 'a' must be a scalar",
                name="rank",
            ),
        ),
        differentiable=True,
        grad_samples=_grad_samples(_dot22scalar_samples),
        family="blas",
    )
)
