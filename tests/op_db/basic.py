"""Op database entries for ``aesara.tensor.basic``: casts, vectors of scalars,
scalar/tensor conversion and the ``*_like`` constructors."""

from __future__ import annotations

import numpy as np

import aesara.tensor.basic as atb
from tests.op_db import ErrorSample, OpInfo, Sample, register

_TARGETS = [
    "bool",
    "int8",
    "int16",
    "int32",
    "int64",
    "uint8",
    "uint16",
    "uint32",
    "uint64",
    "float16",
    "float32",
    "float64",
    "complex64",
    "complex128",
]


def _cast_samples(target):
    def samples(rng):
        # Values every target dtype represents (no out-of-range float->int casts,
        # whose result NumPy leaves undefined).
        small = rng.integers(0, 100, size=(2, 3))
        out = [
            Sample((small.astype("int64"),), name="int64"),
            Sample((small.astype("float64") + 0.25,), name="float64"),
            Sample((small.astype("float32"),), name="float32"),
            Sample((rng.random((2, 3)) > 0.5,), name="bool"),
            Sample((np.int16(7),), name="0d"),
            Sample((np.zeros((0, 3), dtype="int32"),), name="empty"),
            Sample((small.astype("uint8").T,), name="transposed"),
            Sample((small.astype("int64"),), name="static", static_shape=True),
        ]
        if np.dtype(target).kind in "fc":
            huge = 6e4 if target == "float16" else 1e30
            special = np.array([np.inf, -np.inf, np.nan, -0.0, huge, 1e-30])
            out.append(Sample((special,), name="extreme"))
        if np.dtype(target).kind == "c":
            out.append(Sample((small.astype("complex128") * (1 + 1j),), name="complex"))
        return out

    return samples


for _target in _TARGETS:
    register(
        OpInfo(
            name=f"cast_{_target}",
            build=lambda x, _t=_target: atb.cast(x, _t),
            ref=lambda x, _t=_target: np.asarray(x).astype(_t),
            samples=_cast_samples(_target),
            errors=(
                [
                    ErrorSample(
                        (np.zeros(2, dtype="complex128"),),
                        TypeError,
                        "complex to real is ambiguous",
                    )
                ]
                if np.dtype(_target).kind != "c"
                else []
            ),
            differentiable=np.dtype(_target).kind == "f",
            family="cast",
            rtol=1e-3 if _target == "float16" else None,
            atol=1e-3 if _target == "float16" else None,
        )
    )

register(
    OpInfo(
        name="cast_invalid_dtype",
        build=lambda x: atb.cast(x, "not-a-dtype"),
        ref=lambda x: x,
        samples=lambda rng: [],
        errors=[ErrorSample((np.zeros(2),), TypeError, "invalid dtype")],
        family="cast",
    )
)


# ---------------------------------------------------------------------------
# Vectors of scalars
# ---------------------------------------------------------------------------


def _upcast(*values):
    return np.result_type(*[np.asarray(v).dtype for v in values])


register(
    OpInfo(
        name="as_tensor_list",
        build=lambda a, b: atb.as_tensor_variable([a, b, 2]),
        ref=lambda a, b: np.array([a, b, 2], dtype=_upcast(a, b)),
        samples=lambda rng: [
            Sample((np.float64(1.5), np.float64(-2.0)), name="float64"),
            Sample((np.int64(3), np.float32(0.5)), name="mixed"),
            Sample((np.int32(3), np.int32(-4)), name="int32"),
            Sample((np.float64(np.nan), np.float64(np.inf)), name="extreme"),
        ],
        differentiable=True,
        family="basic",
    )
)


register(
    OpInfo(
        name="make_vector",
        differentiable=True,
        build=lambda a, b, c: atb.MakeVector("float64")(a, b, c),
        ref=lambda a, b, c: np.array([a, b, c], dtype="float64"),
        samples=lambda rng: [
            Sample((np.float64(1.0), np.float64(2.0), np.float64(3.0)), name="float64"),
            Sample((np.int8(1), np.float32(2.5), np.int64(-3)), name="upcast"),
        ],
        errors=[
            ErrorSample(
                (np.zeros(2), np.float64(1), np.float64(1)),
                ValueError,
                "must be scalars",
            ),
            ErrorSample(
                (np.complex128(1), np.float64(1), np.float64(1)),
                TypeError,
                "upcastable to float64",
                name="downcast",
            ),
        ],
        family="basic",
    )
)


register(
    OpInfo(
        name="make_vector_empty",
        build=lambda: atb.MakeVector("int64")(),
        ref=lambda: np.zeros((0,), dtype="int64"),
        samples=lambda rng: [Sample((), name="empty")],
        family="basic",
    )
)


register(
    OpInfo(
        name="tensor_scalar_roundtrip",
        differentiable=True,
        build=lambda x: atb.tensor_from_scalar(atb.scalar_from_tensor(x)),
        ref=lambda x: np.asarray(x),
        samples=lambda rng: [
            Sample((np.float64(2.5),), name="float64"),
            Sample((np.int32(-3),), name="int32"),
            Sample((np.float32(np.inf),), name="inf"),
            Sample((np.bool_(True),), name="bool"),
        ],
        errors=[
            ErrorSample((np.zeros(2),), TypeError, "0-d tensor", name="vector"),
        ],
        family="basic",
    )
)


# ---------------------------------------------------------------------------
# *_like and dimension helpers
# ---------------------------------------------------------------------------


def _like_samples(rng):
    return [
        Sample((rng.random((2, 3)),), name="matrix"),
        Sample((np.int32(5),), name="0d"),
        Sample((np.zeros((0, 2), dtype="float32"),), name="empty"),
        Sample((rng.random((3, 2)).T,), name="transposed"),
        Sample((rng.random((1, 3)),), name="static", static_shape=True),
    ]


register(
    OpInfo(
        name="zeros_like",
        build=lambda x: atb.zeros_like(x),
        ref=lambda x: np.zeros_like(x),
        samples=_like_samples,
        family="basic",
    )
)

register(
    OpInfo(
        name="ones_like",
        build=lambda x: atb.ones_like(x, dtype="int16"),
        ref=lambda x: np.ones_like(x, dtype="int16"),
        samples=_like_samples,
        family="basic",
    )
)

register(
    OpInfo(
        name="full_like",
        build=lambda x: atb.full_like(x, 2.5, dtype="float64"),
        ref=lambda x: np.full_like(x, 2.5, dtype="float64"),
        samples=_like_samples,
        family="basic",
    )
)


register(
    OpInfo(
        name="transpose",
        build=lambda x, axes=None: atb.transpose(x, axes),
        ref=lambda x, axes=None: np.transpose(x, axes),
        samples=lambda rng: [
            Sample((rng.random((2, 3)),), name="matrix"),
            Sample(
                (rng.random((2, 3, 4)),), {"axes": (1, -1, 0)}, name="negative-axes"
            ),
            Sample((np.float64(1.0),), name="0d"),
            Sample((np.zeros((0, 2)),), name="empty"),
            Sample((rng.random((2, 3)),), name="static", static_shape=True),
        ],
        errors=[
            ErrorSample(
                (np.zeros((2, 3)),), ValueError, "not a permutation", {"axes": (0, 0)}
            )
        ],
        differentiable=True,
        family="basic",
    )
)


register(
    OpInfo(
        name="flatten",
        build=lambda x, ndim=1: atb.flatten(x, ndim),
        ref=lambda x, ndim=1: np.reshape(x, np.shape(x)[: ndim - 1] + (-1,)),
        samples=lambda rng: [
            Sample((rng.random((2, 3, 4)),), name="3d"),
            Sample((rng.random((2, 3, 4)),), {"ndim": 2}, name="keep-one"),
            Sample((np.float64(3.0),), name="0d"),
            Sample((np.zeros((2, 0)),), name="empty"),
            Sample((rng.random((2, 3)),), {"ndim": 2}, name="noop"),
            Sample(
                (rng.random((2, 1, 1)),), {"ndim": 2}, name="static", static_shape=True
            ),
        ],
        errors=[
            ErrorSample((np.zeros((2, 3)),), ValueError, "out of bound", {"ndim": 3})
        ],
        differentiable=True,
        family="basic",
    )
)
