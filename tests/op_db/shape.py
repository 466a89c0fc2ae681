"""Op database entries for the shape ops (``aesara.tensor.shape``) and allocation."""

from __future__ import annotations

import numpy as np

import aesara.tensor.basic as atb
from aesara.tensor.shape import (
    reshape,
    shape,
    shape_i,
    shape_padaxis,
    shape_padleft,
    shape_padright,
    specify_broadcastable,
    specify_shape,
    unbroadcast,
)
from tests.op_db import ErrorSample, OpInfo, Sample, register


def _arange(shape, dtype="float64"):
    return np.arange(int(np.prod(shape)), dtype=dtype).reshape(shape)


# ---------------------------------------------------------------------------
# Shape, Shape_i
# ---------------------------------------------------------------------------


def _shape_samples(rng):
    return [
        Sample((np.float64(1.5),), name="0d"),
        Sample((rng.random(5),), name="vector"),
        Sample((rng.random((2, 3, 4)).astype("float32"),), name="3d"),
        Sample((np.zeros((0, 3), dtype="int8"),), name="empty"),
        Sample((rng.random((4, 3)).T,), name="transposed"),
        Sample((rng.random((2, 1)),), name="static", static_shape=True),
    ]


register(
    OpInfo(
        name="shape",
        build=lambda x: shape(x),
        ref=lambda x: np.asarray(np.shape(x), dtype="int64"),
        samples=_shape_samples,
        family="shape",
    )
)


def _shape_i_samples(rng):
    return [
        Sample((rng.random(5),), {"i": 0}, name="vector"),
        Sample((rng.random((2, 3, 4)),), {"i": 1}, name="3d-middle"),
        Sample((rng.random((2, 3, 4)),), {"i": -1}, name="3d-negative"),
        Sample((np.zeros((0, 3)),), {"i": 0}, name="empty"),
        Sample((rng.random((2, 3)),), {"i": 1}, name="static", static_shape=True),
    ]


register(
    OpInfo(
        name="shape_i",
        build=lambda x, i: shape_i(x, i),
        ref=lambda x, i: np.asarray(np.shape(x)[i], dtype="int64"),
        samples=_shape_i_samples,
        errors=[
            ErrorSample(
                (np.zeros((2, 3)),),
                IndexError,
                "out of range",
                {"i": 2},
                name="too-big",
            ),
        ],
        family="shape",
    )
)


# ---------------------------------------------------------------------------
# Reshape
# ---------------------------------------------------------------------------


def _reshape_samples(rng):
    return [
        Sample((_arange((2, 3)),), {"newshape": (3, 2)}, name="2d"),
        Sample((_arange((2, 3), "int32"),), {"newshape": (-1,)}, name="ravel"),
        Sample(
            (_arange((2, 3, 4), "float32"),), {"newshape": (4, -1)}, name="minus-one"
        ),
        Sample((np.float64(3.0),), {"newshape": (1, 1)}, name="0d-to-2d"),
        Sample((np.ones((1, 1)),), {"newshape": ()}, name="to-0d"),
        Sample((np.zeros((0, 3)),), {"newshape": (3, -1)}, name="empty"),
        Sample((_arange((4, 3)).T,), {"newshape": (2, 6)}, name="transposed"),
        Sample((rng.random(6) > 0.5,), {"newshape": (2, 3)}, name="bool"),
        Sample(
            (_arange((2, 3)),), {"newshape": (3, -1)}, name="static", static_shape=True
        ),
        Sample((_arange((2, 6)),), {"newshape": 12}, name="int-shape"),
    ]


register(
    OpInfo(
        name="reshape",
        build=lambda x, newshape: reshape(x, newshape),
        ref=lambda x, newshape: np.reshape(x, newshape),
        samples=_reshape_samples,
        errors=[
            ErrorSample(
                (np.zeros((2, 3)),),
                TypeError,
                "must be integers",
                {"newshape": (2, 1.5)},
            ),
            ErrorSample(
                (np.zeros((2, 3)),),
                ValueError,
                "only have one -1",
                {"newshape": (-1, -1)},
            ),
            ErrorSample(
                (np.zeros((2, 3)),),
                ValueError,
                "cannot reshape",
                {"newshape": (4,)},
                at_build=False,
                name="runtime-size",
            ),
        ],
        differentiable=True,
        family="shape",
    )
)


register(
    OpInfo(
        name="reshape_symbolic",
        differentiable=True,
        build=lambda x, a, b: reshape(x, [a, b]),
        ref=lambda x, a, b: np.reshape(x, (int(a), int(b))),
        samples=lambda rng: [
            Sample((_arange((2, 6)), np.int64(3), np.int64(4)), name="known"),
            Sample((_arange((2, 6)), np.int64(-1), np.int64(2)), name="minus-one"),
            Sample((np.zeros((0, 2)), np.int64(2), np.int64(0)), name="empty"),
        ],
        errors=[
            ErrorSample(
                (np.zeros((2, 3)), np.int64(4), np.int64(4)),
                ValueError,
                "cannot reshape",
                at_build=False,
            ),
        ],
        family="shape",
        grad_inputs=(0,),
    )
)


# ---------------------------------------------------------------------------
# SpecifyShape, Unbroadcast
# ---------------------------------------------------------------------------


register(
    OpInfo(
        name="specify_shape",
        build=lambda x, shape: specify_shape(x, shape),
        ref=lambda x, shape: x,
        samples=lambda rng: [
            Sample((rng.random((2, 3)),), {"shape": (2, 3)}, name="full"),
            Sample((rng.random((2, 3)),), {"shape": (None, 3)}, name="partial"),
            Sample((np.float32(2.0),), {"shape": ()}, name="0d"),
            Sample((np.zeros((0, 4)),), {"shape": (0, None)}, name="empty"),
            Sample((rng.random((3, 2)).T,), {"shape": (2, 3)}, name="transposed"),
        ],
        errors=[
            ErrorSample(
                (np.zeros((2, 3)),),
                AssertionError,
                r"Got shape \(2, 3\), expected \(3, None\)",
                {"shape": (3, None)},
                at_build=False,
                name="runtime-mismatch",
            ),
            ErrorSample(
                (np.zeros((2, 3)),),
                ValueError,
                "will never match",
                {"shape": (2,)},
                name="rank",
            ),
            ErrorSample(
                (np.zeros(3),),
                TypeError,
                "integers",
                {"shape": (2.5,)},
                name="float-entry",
            ),
        ],
        differentiable=True,
        family="shape",
    )
)


register(
    OpInfo(
        name="unbroadcast",
        differentiable=True,
        build=lambda x, axes: unbroadcast(x, *axes),
        ref=lambda x, axes: x,
        samples=lambda rng: [
            Sample(
                (rng.random((1, 3)),), {"axes": (0,)}, name="row", static_shape=True
            ),
            Sample(
                (rng.random((1, 1)),), {"axes": (0, 1)}, name="both", static_shape=True
            ),
            Sample((rng.random((2, 3)),), {"axes": (1,)}, name="noop"),
        ],
        errors=[
            ErrorSample((np.zeros(3),), ValueError, "non-existent", {"axes": (3,)}),
        ],
        family="shape",
    )
)


register(
    OpInfo(
        name="specify_broadcastable",
        differentiable=True,
        build=lambda x, axes: specify_broadcastable(x, *axes),
        ref=lambda x, axes: x,
        samples=lambda rng: [
            Sample((rng.random((1, 3)),), {"axes": (0,)}, name="row"),
            Sample((rng.random((3, 1, 1)),), {"axes": (1, -1)}, name="negative"),
        ],
        errors=[
            ErrorSample(
                (np.zeros((2, 3)),),
                AssertionError,
                "expected",
                {"axes": (0,)},
                at_build=False,
                name="runtime-not-1",
            ),
        ],
        family="shape",
    )
)


# ---------------------------------------------------------------------------
# Dimension padding
# ---------------------------------------------------------------------------


def _pad_samples(rng, key, values):
    return [
        Sample((np.float64(2.0),), {key: values[0]}, name="0d"),
        Sample((rng.random(4),), {key: values[1]}, name="vector"),
        Sample((rng.random((2, 3)),), {key: values[2]}, name="matrix"),
        Sample((np.zeros((0, 2), dtype="int32"),), {key: values[1]}, name="empty"),
        Sample(
            (rng.random((2, 3)),), {key: values[2]}, name="static", static_shape=True
        ),
    ]


register(
    OpInfo(
        name="shape_padleft",
        differentiable=True,
        build=lambda x, n_ones: shape_padleft(x, n_ones),
        ref=lambda x, n_ones: np.reshape(x, (1,) * n_ones + np.shape(x)),
        samples=lambda rng: _pad_samples(rng, "n_ones", (1, 2, 0)),
        family="shape",
    )
)

register(
    OpInfo(
        name="shape_padright",
        differentiable=True,
        build=lambda x, n_ones: shape_padright(x, n_ones),
        ref=lambda x, n_ones: np.reshape(x, np.shape(x) + (1,) * n_ones),
        samples=lambda rng: _pad_samples(rng, "n_ones", (2, 1, 3)),
        family="shape",
    )
)

register(
    OpInfo(
        name="shape_padaxis",
        differentiable=True,
        build=lambda x, axis: shape_padaxis(x, axis),
        ref=lambda x, axis: np.expand_dims(x, axis),
        samples=lambda rng: _pad_samples(rng, "axis", (0, -1, 1)),
        errors=[ErrorSample((np.zeros(3),), IndexError, "out of bounds", {"axis": 2})],
        family="shape",
    )
)


# ---------------------------------------------------------------------------
# Allocation
# ---------------------------------------------------------------------------


register(
    OpInfo(
        name="alloc",
        build=lambda v, shape: atb.alloc(v, *shape),
        ref=lambda v, shape: np.broadcast_to(v, shape).copy(),
        samples=lambda rng: [
            Sample((np.float64(1.5),), {"shape": (2, 3)}, name="scalar"),
            Sample((rng.random((1, 3)),), {"shape": (2, 3)}, name="row"),
            Sample(
                (rng.random(3).astype("float32"),), {"shape": (4, 2, 3)}, name="pad"
            ),
            Sample((np.int8(-4),), {"shape": ()}, name="0d"),
            Sample((np.float64(np.nan),), {"shape": (0, 3)}, name="empty"),
            Sample(
                (rng.random((1, 3)),),
                {"shape": (2, 3)},
                name="static",
                static_shape=True,
            ),
        ],
        errors=[
            ErrorSample(
                (np.zeros(4),),
                ValueError,
                "cannot broadcast",
                {"shape": (2, 3)},
                at_build=False,
                name="runtime-broadcast",
            ),
            ErrorSample(
                (np.zeros((2, 2, 2)),),
                TypeError,
                "more dimensions",
                {"shape": (2, 2)},
                name="rank",
            ),
            ErrorSample(
                (np.float64(0),), TypeError, "integers", {"shape": (2.5,)}, name="float"
            ),
            ErrorSample(
                (np.float64(0),),
                ValueError,
                "non-negative",
                {"shape": (-1,)},
                name="neg",
            ),
        ],
        differentiable=True,
        family="shape",
    )
)


register(
    OpInfo(
        name="alloc_symbolic_shape",
        build=lambda v, n: atb.alloc(v, n, 3),
        ref=lambda v, n: np.broadcast_to(v, (int(n), 3)).copy(),
        samples=lambda rng: [
            Sample((np.float64(2.0), np.int64(2)), name="scalar"),
            Sample((rng.random(3), np.int64(4)), name="vector"),
            Sample((rng.random(3), np.int64(0)), name="empty"),
        ],
        family="shape",
    )
)


def _fill_samples(rng):
    return [
        Sample((np.int64(3),), {"dtype": "float64"}, name="float64"),
        Sample((np.int64(2),), {"dtype": "int32"}, name="int32"),
        Sample((np.int64(0),), {"dtype": "bool"}, name="empty-bool"),
        Sample((np.int32(4),), {"dtype": "complex64"}, name="complex64"),
    ]


register(
    OpInfo(
        name="zeros",
        build=lambda n, dtype: atb.zeros((n, 2), dtype=dtype),
        ref=lambda n, dtype: np.zeros((int(n), 2), dtype=dtype),
        samples=_fill_samples,
        family="shape",
    )
)

register(
    OpInfo(
        name="ones",
        build=lambda n, dtype: atb.ones((2, n), dtype=dtype),
        ref=lambda n, dtype: np.ones((2, int(n)), dtype=dtype),
        samples=_fill_samples,
        family="shape",
    )
)

register(
    OpInfo(
        name="full",
        build=lambda n, dtype: atb.full((n,), 7, dtype=dtype),
        ref=lambda n, dtype: np.full((int(n),), 7, dtype=dtype),
        samples=_fill_samples,
        family="shape",
    )
)

register(
    OpInfo(
        name="zeros_constant_shape",
        build=lambda shape: atb.zeros(shape),
        ref=lambda shape: np.zeros(shape),
        samples=lambda rng: [
            Sample((), {"shape": (2, 3)}, name="2d"),
            Sample((), {"shape": ()}, name="0d"),
            Sample((), {"shape": 4}, name="int"),
            Sample((), {"shape": (0, 5)}, name="empty"),
        ],
        family="shape",
    )
)
