"""Op database entries for the products: ``dot``, ``matmul``, ``tensordot``,
``outer``, ``batched_dot`` and ``batched_tensordot``."""

from __future__ import annotations

import numpy as np

import aesara.tensor.math as atm
from tests.op_db import ErrorSample, OpInfo, Sample, register


def _n(rng, *shape, dtype="float64"):
    v = rng.normal(0.0, 1.0, shape)
    if np.dtype(dtype).kind in "iu":
        return rng.integers(-4, 5, size=shape).astype(dtype)
    if np.dtype(dtype).kind == "b":
        return rng.random(shape) > 0.5
    return v.astype(dtype)


def _dot_samples(rng):
    return [
        Sample((_n(rng, 4), _n(rng, 4)), name="vec-vec"),
        Sample((_n(rng, 3, 4), _n(rng, 4)), name="mat-vec"),
        Sample((_n(rng, 4), _n(rng, 4, 2)), name="vec-mat"),
        Sample((_n(rng, 3, 4), _n(rng, 4, 2)), name="mat-mat"),
        Sample((_n(rng, 3, 4), _n(rng, 4, 2)), name="static", static_shape=True),
        Sample((_n(rng, 6, 8)[::2, ::2], _n(rng, 4, 2).T.copy().T), name="strided"),
        Sample((_n(rng, 3, 4).T, _n(rng, 3)), name="transposed"),
        Sample((_n(rng, 3, 0), _n(rng, 0, 2)), name="empty-inner"),
        Sample((_n(rng, 0, 4), _n(rng, 4, 2)), name="empty-outer"),
        Sample((np.asarray(2.5), _n(rng, 3, 2)), name="0d-mat"),
        Sample((_n(rng, 2, 3, 4), _n(rng, 4, 5)), name="3d-mat"),
        Sample((_n(rng, 2, 3), _n(rng, 4, 3, 5)), name="mat-3d"),
        Sample((_n(rng, 2, 3, 4), _n(rng, 4)), name="3d-vec"),
        Sample(
            (_n(rng, 3, 4, dtype="float32"), _n(rng, 4, 2, dtype="float32")),
            name="float32",
        ),
        Sample(
            (_n(rng, 3, 4, dtype="int64"), _n(rng, 4, 2, dtype="int64")), name="int64"
        ),
        Sample(
            (_n(rng, 3, 4, dtype="int8"), _n(rng, 4, 2, dtype="float32")),
            name="int8-float32",
        ),
        Sample(
            (_n(rng, 3, 4, dtype="complex128") + 1j, _n(rng, 4, dtype="float64")),
            name="complex",
        ),
    ]


register(
    OpInfo(
        name="dot",
        build=atm.dot,
        ref=np.dot,
        samples=_dot_samples,
        errors=(
            ErrorSample(
                (np.zeros((2, 3)), np.zeros((4, 2))),
                ValueError,
                match=r"shapes \(2, 3\) and \(4, 2\) are not aligned",
                at_build=False,
                name="runtime",
            ),
        ),
        differentiable=True,
        family="products",
    )
)


def _static_mismatch_dot(a, b):
    from aesara.tensor.type import tensor

    return atm.dot(tensor("float64", shape=(2, 3)), tensor("float64", shape=(4, 2)))


register(
    OpInfo(
        name="dot-static-mismatch",
        build=_static_mismatch_dot,
        ref=np.dot,
        samples=lambda rng: [],
        errors=(
            ErrorSample(
                (np.zeros(1), np.zeros(1)),
                ValueError,
                match=r"shapes \(2, 3\) and \(4, 2\) are not aligned",
                name="build",
            ),
        ),
        family="products",
    )
)


def _matmul_samples(rng):
    return [
        Sample((_n(rng, 4), _n(rng, 4)), name="vec-vec"),
        Sample((_n(rng, 3, 4), _n(rng, 4)), name="mat-vec"),
        Sample((_n(rng, 4), _n(rng, 4, 2)), name="vec-mat"),
        Sample((_n(rng, 3, 4), _n(rng, 4, 2)), name="mat-mat"),
        Sample((_n(rng, 2, 3, 4), _n(rng, 4, 5)), name="batch-mat"),
        Sample((_n(rng, 4), _n(rng, 2, 4, 5)), name="vec-batch"),
        Sample((_n(rng, 2, 3, 4), _n(rng, 4)), name="batch-vec"),
        Sample((_n(rng, 2, 1, 3, 4), _n(rng, 5, 4, 2)), name="broadcast-batch"),
        Sample(
            (_n(rng, 2, 1, 3, 4), _n(rng, 5, 4, 2)), name="static", static_shape=True
        ),
        Sample((_n(rng, 0, 3, 4), _n(rng, 4, 2)), name="empty-batch"),
        Sample((_n(rng, 3, 0), _n(rng, 0, 2)), name="empty-inner"),
        Sample((_n(rng, 4, 3).T, _n(rng, 4, 2)), name="transposed"),
        Sample(
            (_n(rng, 2, 3, dtype="int32"), _n(rng, 3, 2, dtype="float32")),
            name="int32-float32",
        ),
    ]


register(
    OpInfo(
        name="matmul",
        build=atm.matmul,
        ref=np.matmul,
        samples=_matmul_samples,
        errors=(
            ErrorSample(
                (np.asarray(1.0), np.zeros(2)), ValueError, match="0-d", name="0d"
            ),
            ErrorSample(
                (np.zeros((2, 3)), np.zeros((4, 2))),
                ValueError,
                match=r"shapes \(2, 3\) and \(4, 2\)",
                at_build=False,
                name="runtime",
            ),
        ),
        differentiable=True,
        family="products",
    )
)
register(
    OpInfo(
        name="matmul-dtype",
        build=lambda a, b: atm.matmul(a, b, dtype="float32"),
        ref=lambda a, b: np.matmul(a, b).astype("float32"),
        samples=lambda rng: [Sample((_n(rng, 2, 3), _n(rng, 3, 2)), name="float64")],
        family="products",
    )
)


def _tensordot_samples(rng):
    return [
        Sample((_n(rng, 2, 3, 4), _n(rng, 3, 4, 5)), {"axes": 2}, name="axes2"),
        Sample((_n(rng, 2, 3), _n(rng, 4, 5)), {"axes": 0}, name="axes0-outer"),
        Sample(
            (_n(rng, 2, 3, 4), _n(rng, 4, 3, 5)),
            {"axes": [[1, 2], [1, 0]]},
            name="lists",
        ),
        Sample(
            (_n(rng, 2, 3, 4), _n(rng, 4, 3)),
            {"axes": [[-1, -2], [0, 1]]},
            name="negative",
        ),
        Sample((_n(rng, 3, 4), _n(rng, 4)), {"axes": 1}, name="mat-vec"),
        Sample((_n(rng, 3), _n(rng, 3)), {"axes": 1}, name="vec-vec-0d-out"),
        Sample(
            (_n(rng, 2, 3, 4), _n(rng, 3, 4, 5)),
            {"axes": 2},
            name="static",
            static_shape=True,
        ),
        Sample((_n(rng, 0, 3), _n(rng, 3, 2)), {"axes": 1}, name="empty"),
        Sample(
            (_n(rng, 2, 3, dtype="int64"), _n(rng, 3, dtype="float32")),
            {"axes": 1},
            name="int64-float32",
        ),
    ]


register(
    OpInfo(
        name="tensordot",
        build=atm.tensordot,
        ref=np.tensordot,
        samples=_tensordot_samples,
        errors=(
            ErrorSample(
                (np.zeros((2, 3)), np.zeros((3, 2))),
                ValueError,
                match="out of bounds",
                kwargs={"axes": [[2], [0]]},
                name="bad-axis",
            ),
            ErrorSample(
                (np.zeros((2, 3)), np.zeros((3, 2))),
                ValueError,
                match="same length",
                kwargs={"axes": [[1], [0, 1]]},
                name="unequal-lists",
            ),
            ErrorSample(
                (np.zeros((2, 3)), np.zeros((3, 2))),
                ValueError,
                match="cannot sum over 3 axes",
                kwargs={"axes": 3},
                name="too-many",
            ),
            ErrorSample(
                (np.zeros((2, 3)), np.zeros((4, 2))),
                ValueError,
                match=r"shapes \(2, 3\) and \(4, 2\)",
                kwargs={"axes": 1},
                at_build=False,
                name="runtime",
            ),
        ),
        differentiable=True,
        family="products",
    )
)
register(
    OpInfo(
        name="outer",
        build=atm.outer,
        ref=np.outer,
        samples=lambda rng: [
            Sample((_n(rng, 3), _n(rng, 4)), name="vectors"),
            Sample((_n(rng, 2, 2), _n(rng, 3)), name="flattened"),
            Sample((_n(rng, 0), _n(rng, 4)), name="empty"),
            Sample((_n(rng, 3), _n(rng, 4)), name="static", static_shape=True),
        ],
        differentiable=True,
        family="products",
    )
)


def _batched_dot_ref(a, b):
    if a.ndim == 1:
        return a.reshape((-1,) + (1,) * (b.ndim - 1)) * b
    if b.ndim == 1:
        return a * b.reshape((-1,) + (1,) * (a.ndim - 1))
    return np.stack([np.dot(x, y) for x, y in zip(a, b)])


register(
    OpInfo(
        name="batched_dot",
        build=atm.batched_dot,
        ref=_batched_dot_ref,
        samples=lambda rng: [
            Sample((_n(rng, 3, 4), _n(rng, 3, 4)), name="vectors"),
            Sample((_n(rng, 3, 2, 4), _n(rng, 3, 4, 5)), name="matrices"),
            Sample((_n(rng, 3, 2, 4), _n(rng, 3, 4)), name="mat-vec"),
            Sample((_n(rng, 3, 4), _n(rng, 3, 4, 5)), name="vec-mat"),
            Sample((_n(rng, 3), _n(rng, 3, 4)), name="1d-scale"),
            Sample((_n(rng, 2, 3, 4, 5), _n(rng, 2, 5, 6)), name="4d"),
            Sample(
                (_n(rng, 3, 2, 4), _n(rng, 3, 4, 5)), name="static", static_shape=True
            ),
        ],
        errors=(
            ErrorSample(
                (np.asarray(1.0), np.zeros(2)), TypeError, match="batch", name="0d"
            ),
            ErrorSample(
                (np.zeros((2, 3)), np.zeros((3, 3))),
                ValueError,
                match=r"shapes \(2, 3\) and \(3, 3\)",
                at_build=False,
                name="runtime-batch",
            ),
        ),
        differentiable=True,
        family="products",
    )
)


def _batched_tensordot_ref(x, y, axes=2):
    if isinstance(axes, int):
        ax = [list(range(x.ndim - axes, x.ndim)), list(range(1, axes + 1))]
    else:
        ax = [list(a) for a in axes]
    ax = [[a - 1 for a in ax[0]], [a - 1 for a in ax[1]]]
    return np.stack([np.tensordot(a, b, ax) for a, b in zip(x, y)])


register(
    OpInfo(
        name="batched_tensordot",
        build=atm.batched_tensordot,
        ref=_batched_tensordot_ref,
        samples=lambda rng: [
            Sample((_n(rng, 2, 3, 4), _n(rng, 2, 3, 4, 5)), {"axes": 2}, name="axes2"),
            Sample(
                (_n(rng, 2, 3, 4), _n(rng, 2, 4, 3)),
                {"axes": [[1, 2], [2, 1]]},
                name="lists",
            ),
            Sample((_n(rng, 2, 3), _n(rng, 2, 3, 5)), {"axes": 1}, name="axes1"),
        ],
        errors=(
            ErrorSample(
                (np.zeros((2, 3)), np.zeros((2, 3))),
                ValueError,
                match="batch axis",
                kwargs={"axes": [[0], [0]]},
                name="batch-axis",
            ),
        ),
        differentiable=True,
        family="products",
    )
)
