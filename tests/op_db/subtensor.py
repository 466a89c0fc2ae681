"""Op database entries for indexing (``aesara.tensor.subtensor``).

The indexed array (and the value of set/inc) are symbolic inputs; the index
itself is a keyword argument (``idx``), except in the samples that exercise
symbolic bounds, where the integers are extra symbolic inputs.
"""

from __future__ import annotations

import numpy as np

from aesara.tensor.subtensor import (
    advanced_subtensor1,
    inc_subtensor,
    set_subtensor,
    take,
)
from tests.op_db import ErrorSample, OpInfo, Sample, register


def _index(x, idx):
    return x[idx]


def _np_index(x, idx):
    return np.asarray(x[idx])


def _basic_samples(rng):
    m = rng.standard_normal((4, 5))
    t = rng.standard_normal((3, 4, 5)).astype("float32")
    return [
        Sample((m,), {"idx": (1,)}, name="int"),
        Sample((m,), {"idx": (-1, 2)}, name="all-int-0d"),
        Sample((m,), {"idx": (slice(1, 3),)}, name="slice"),
        Sample((m,), {"idx": (slice(None, None, -1), slice(0, 5, 2))}, name="neg-step"),
        Sample((m,), {"idx": (slice(-2, None), -3)}, name="neg-bounds"),
        Sample((m,), {"idx": (slice(3, 1),)}, name="empty-result"),
        Sample((np.zeros((0, 3)),), {"idx": (slice(None), 1)}, name="empty-input"),
        Sample((t,), {"idx": (Ellipsis, 1)}, name="ellipsis"),
        Sample((t,), {"idx": (None, 1, slice(None), None)}, name="newaxis"),
        Sample(
            (t,), {"idx": (slice(None, None, -2), 0)}, name="static", static_shape=True
        ),
        Sample(
            (rng.standard_normal((6, 4)).T,),
            {"idx": (slice(1, None), 2)},
            name="non-contiguous",
        ),
        Sample(
            (np.array([[np.inf, -np.inf], [np.nan, 1e308]]),),
            {"idx": (slice(None), 0)},
            name="extreme",
        ),
        Sample(
            (np.arange(12, dtype="int32").reshape(3, 4),),
            {"idx": (2, slice(None, -1))},
            name="int32",
        ),
    ]


register(
    OpInfo(
        name="subtensor",
        build=_index,
        ref=_np_index,
        samples=_basic_samples,
        errors=[
            ErrorSample(
                (np.zeros((2, 3)),),
                IndexError,
                "too many indices",
                {"idx": (0, 0, 0)},
                name="too-many",
            ),
            ErrorSample(
                (np.zeros((2, 3)),),
                TypeError,
                "integer",
                {"idx": (1.5,)},
                name="float-index",
            ),
            ErrorSample(
                (np.zeros((2, 3)),),
                IndexError,
                "index 5 is out of bounds for dimension 1 with size 3",
                {"idx": (0, 5)},
                at_build=False,
                name="out-of-bounds",
            ),
        ],
        differentiable=True,
        family="subtensor",
    )
)


def _symbolic_bounds_samples(rng):
    m = rng.standard_normal((5, 3))
    i64 = np.int64
    return [
        Sample((m, i64(1), i64(4), i64(2)), name="positive-step"),
        Sample((m, i64(-1), i64(0), i64(-1)), name="negative-step"),
        Sample((m, i64(-10), i64(10), i64(-3)), name="clipped"),
        Sample((m, i64(4), i64(1), i64(1)), name="empty"),
        Sample((np.zeros((0, 2)), i64(0), i64(3), i64(1)), name="empty-input"),
    ]


register(
    OpInfo(
        name="subtensor_symbolic_slice",
        build=lambda x, a, b, c: x[a:b:c],
        ref=lambda x, a, b, c: x[a:b:c],
        samples=_symbolic_bounds_samples,
        differentiable=True,
        grad_inputs=[0],
        family="subtensor",
    )
)


def _advanced_samples(rng):
    m = rng.standard_normal((4, 5))
    t = rng.standard_normal((3, 4, 5))
    return [
        Sample((m,), {"idx": ([0, 3, -1],)}, name="vector"),
        Sample((m,), {"idx": (np.array([[0, 1], [2, 2]]),)}, name="matrix-index"),
        Sample((m,), {"idx": ([0, 1], [4, -5])}, name="pairs"),
        Sample((m,), {"idx": (slice(None), [1, 1, 0])}, name="slice-then-array"),
        Sample((t,), {"idx": ([0, 2], slice(1, 3), [4, 0])}, name="separated"),
        Sample((t,), {"idx": (1, slice(None), [0, 2])}, name="int-separated"),
        Sample((t,), {"idx": (None, [0, 1], Ellipsis, None)}, name="newaxis-ellipsis"),
        Sample((m,), {"idx": (np.array([], dtype="int64"),)}, name="empty-index"),
        Sample(
            (t,),
            {"idx": (slice(None), [[0], [1]], [1, 2, 3])},
            name="broadcast-indices",
        ),
        Sample(
            (m,),
            {"idx": ([2, 0], slice(None, None, -1))},
            name="static",
            static_shape=True,
        ),
        Sample(
            (np.arange(20, dtype="int8").reshape(4, 5),),
            {"idx": ([1, 3],)},
            name="int8",
        ),
    ]


register(
    OpInfo(
        name="advanced_subtensor",
        build=_index,
        ref=_np_index,
        samples=_advanced_samples,
        errors=[
            ErrorSample(
                (np.zeros((2, 3)),),
                TypeError,
                "integer",
                {"idx": (np.array([0.5]),)},
                name="float-array",
            ),
            ErrorSample(
                (np.zeros((2, 3)),),
                IndexError,
                "too many indices",
                {"idx": ([0], [0], [0])},
                name="too-many",
            ),
            ErrorSample(
                (np.zeros((2, 3)),),
                IndexError,
                "out of bounds",
                {"idx": ([0, 7],)},
                at_build=False,
                name="out-of-bounds",
            ),
            ErrorSample(
                (np.zeros((2, 3)),),
                IndexError,
                "shape mismatch",
                {"idx": ([0, 1], [0, 1, 2])},
                name="mismatched-arrays",
            ),
        ],
        differentiable=True,
        family="subtensor",
    )
)


def _mask_samples(rng):
    m = rng.standard_normal((4, 5))
    t = rng.standard_normal((3, 4, 2))
    return [
        Sample((m,), {"mask": "positive"}, name="x-gt-0"),
        Sample((t,), {"mask": "positive"}, name="3d"),
        Sample((m,), {"mask": "none"}, name="no-true"),
        Sample((np.zeros((0, 3)),), {"mask": "positive"}, name="empty"),
    ]


def _mask_build(x, mask):
    return x[x > 0] if mask == "positive" else x[x > np.inf]


def _mask_ref(x, mask):
    return x[x > 0] if mask == "positive" else x[x > np.inf]


register(
    OpInfo(
        name="boolean_mask_subtensor",
        build=_mask_build,
        ref=_mask_ref,
        samples=_mask_samples,
        differentiable=True,
        family="subtensor",
    )
)


def _constant_mask_samples(rng):
    m = rng.standard_normal((3, 4))
    return [
        Sample((m,), {"idx": (np.array([True, False, True]),)}, name="rows"),
        Sample(
            (m,),
            {"idx": (slice(None), np.array([False, True, True, False]))},
            name="columns",
        ),
        Sample((m,), {"idx": (m > 0,)}, name="full-mask"),
        Sample(
            (m,),
            {"idx": (np.array([True, False, True]), [1, 3])},
            name="mask-and-array",
        ),
    ]


register(
    OpInfo(
        name="constant_mask_subtensor",
        build=_index,
        ref=_np_index,
        samples=_constant_mask_samples,
        errors=[
            ErrorSample(
                (np.zeros((2, 3)),),
                IndexError,
                "boolean index did not match",
                {"idx": (np.array([True, False, True]),)},
                at_build=False,
                name="mask-shape",
            ),
        ],
        differentiable=True,
        family="subtensor",
    )
)


# ---------------------------------------------------------------------------
# set / inc
# ---------------------------------------------------------------------------


def _set_ref(x, y, idx):
    x = x.copy()
    x[idx] = y
    return x


def _inc_ref(x, y, idx):
    x = x.copy()
    np.add.at(x, idx, y)
    return x


def _basic_update_samples(rng):
    m = rng.standard_normal((4, 5))
    return [
        Sample((m, rng.standard_normal((2, 5))), {"idx": (slice(1, 3),)}, name="rows"),
        Sample(
            (m, np.float64(2.5)),
            {"idx": (1, slice(None, None, -2))},
            name="scalar-broadcast",
        ),
        Sample(
            (m, rng.standard_normal(5)), {"idx": (slice(None),)}, name="row-broadcast"
        ),
        Sample((m, np.float64(-1.0)), {"idx": (-1, -1)}, name="0d-region"),
        Sample((m, np.zeros((0, 5))), {"idx": (slice(3, 1),)}, name="empty-region"),
        Sample(
            (m, rng.standard_normal((4, 1))),
            {"idx": (slice(None), slice(2, 3))},
            name="static",
            static_shape=True,
        ),
    ]


def _update_errors():
    return [
        ErrorSample(
            (np.zeros((4, 5)), np.zeros((3, 5))),
            ValueError,
            "cannot broadcast",
            {"idx": (slice(1, 3),)},
            at_build=False,
            name="bad-broadcast",
        ),
        ErrorSample(
            (np.zeros((4, 5)), np.zeros((2, 4, 5))),
            TypeError,
            "2-dimensional subtensor with a 3-dimensional value",
            {"idx": (slice(1, 3),)},
            name="too-many-dims",
        ),
    ]


register(
    OpInfo(
        name="set_subtensor",
        build=lambda x, y, idx: set_subtensor(x[idx], y),
        ref=_set_ref,
        samples=_basic_update_samples,
        errors=_update_errors(),
        differentiable=True,
        family="subtensor",
    )
)

register(
    OpInfo(
        name="inc_subtensor",
        build=lambda x, y, idx: inc_subtensor(x[idx], y),
        ref=_inc_ref,
        samples=_basic_update_samples,
        errors=_update_errors(),
        differentiable=True,
        family="subtensor",
    )
)


def _advanced_update_samples(rng):
    m = rng.standard_normal((4, 5))
    t = rng.standard_normal((3, 4, 5))
    return [
        Sample(
            (m, rng.standard_normal((3, 5))), {"idx": ([0, 2, 0],)}, name="duplicates"
        ),
        Sample(
            (m, np.float64(1.5)),
            {"idx": ([1, 1, 1], [2, 2, 0])},
            name="pairs-duplicates",
        ),
        Sample(
            (t, rng.standard_normal((2, 2))),
            {"idx": ([0, 2], slice(1, 3), [4, 4])},
            name="separated",
        ),
        Sample(
            (m, rng.standard_normal(5)),
            {"idx": (np.array([True, False, True, True]),)},
            name="mask",
        ),
        Sample(
            (m, np.float64(0.0)),
            {"idx": (np.array([], dtype="int64"),)},
            name="empty-index",
        ),
        Sample(
            (m, rng.standard_normal((1, 2, 5))), {"idx": (None, [3, 3])}, name="newaxis"
        ),
        Sample(
            (m, rng.standard_normal((2, 5))),
            {"idx": ([1, -1],)},
            name="static",
            static_shape=True,
        ),
    ]


def _advanced_update_errors():
    return [
        ErrorSample(
            (np.zeros((4, 5)), np.zeros((3, 5))),
            ValueError,
            "cannot broadcast",
            {"idx": ([0, 1],)},
            at_build=False,
            name="bad-broadcast",
        ),
        ErrorSample(
            (np.zeros((4, 5)), np.zeros(2)),
            IndexError,
            "out of bounds",
            {"idx": ([0, 9], [0, 0])},
            at_build=False,
            name="out-of-bounds",
        ),
    ]


register(
    OpInfo(
        name="advanced_set_subtensor",
        build=lambda x, y, idx: set_subtensor(x[idx], y),
        ref=_set_ref,
        # Repeated indices: NumPy keeps the last write, which is what the op does.
        samples=_advanced_update_samples,
        errors=_advanced_update_errors(),
        differentiable=True,
        # With duplicated indices only the last write reaches the output, so
        # y's gradient is defined only for duplicate-free samples.
        grad_samples=lambda rng: [
            s
            for s in _advanced_update_samples(rng)
            if s.name in ("separated", "mask", "static")
        ],
        family="subtensor",
    )
)

register(
    OpInfo(
        name="advanced_inc_subtensor",
        build=lambda x, y, idx: inc_subtensor(x[idx], y),
        ref=_inc_ref,
        samples=_advanced_update_samples,
        errors=_advanced_update_errors(),
        differentiable=True,
        family="subtensor",
    )
)


def _ignore_duplicates_ref(x, y, idx):
    x = x.copy()
    x[idx] += y
    return x


register(
    OpInfo(
        name="advanced_inc_subtensor_ignore_duplicates",
        build=lambda x, y, idx: inc_subtensor(x[idx], y, ignore_duplicates=True),
        ref=_ignore_duplicates_ref,
        samples=lambda rng: [
            Sample(
                (rng.standard_normal((4, 3)), rng.standard_normal((3, 3))),
                {"idx": ([0, 2, 0],)},
                name="duplicates",
            ),
            Sample(
                (rng.standard_normal((4, 3)), np.float64(2.0)),
                {"idx": ([1, 2], [0, 0])},
                name="pairs",
            ),
        ],
        family="subtensor",
    )
)


# ---------------------------------------------------------------------------
# AdvancedSubtensor1 and take
# ---------------------------------------------------------------------------


register(
    OpInfo(
        name="advanced_subtensor1",
        build=lambda x, i: advanced_subtensor1(x, i),
        ref=lambda x, i: x[i],
        samples=lambda rng: [
            Sample(
                (rng.standard_normal((4, 3)), np.array([0, 3, 3, -1])), name="matrix"
            ),
            Sample(
                (rng.standard_normal(5), np.array([], dtype="int64")),
                name="empty-index",
            ),
            Sample((np.zeros((0, 2)), np.array([], dtype="int32")), name="empty-input"),
            Sample(
                (rng.standard_normal((3, 2, 2)), np.array([2, 0], dtype="uint8")),
                name="3d-uint8",
            ),
            Sample(
                (rng.standard_normal((3, 2)), np.array([1, 2])),
                name="static",
                static_shape=True,
            ),
        ],
        errors=[
            ErrorSample(
                (np.zeros((3, 2)), np.array([0, 3])),
                IndexError,
                "out of bounds",
                at_build=False,
                name="oob",
            ),
            ErrorSample(
                (np.zeros((3, 2)), np.array([[0]])),
                TypeError,
                "vector",
                name="matrix-index",
            ),
            ErrorSample(
                (np.zeros((3, 2)), np.array([0.0])),
                TypeError,
                "integers",
                name="float-index",
            ),
            ErrorSample(
                (np.float64(1.0), np.array([0])), TypeError, "0-d", name="scalar-input"
            ),
        ],
        differentiable=True,
        grad_inputs=[0],
        family="subtensor",
    )
)


def _take_ref(a, indices, axis=None, mode="raise"):
    return np.take(a, indices, axis=axis, mode=mode)


register(
    OpInfo(
        name="take",
        build=lambda a, i, axis=None, mode="raise": take(a, i, axis=axis, mode=mode),
        ref=_take_ref,
        samples=lambda rng: [
            Sample(
                (rng.standard_normal((4, 3)), np.array([0, 2, 2])),
                {"axis": 0},
                name="axis0",
            ),
            Sample(
                (rng.standard_normal((4, 3)), np.array([[0, 2], [1, 1]])),
                {"axis": 1},
                name="axis1-matrix",
            ),
            Sample(
                (rng.standard_normal((4, 3)), np.array([5, 0])),
                {"axis": None},
                name="flat",
            ),
            Sample(
                (rng.standard_normal((2, 3, 4)), np.array([1, -1])),
                {"axis": -1},
                name="negative-axis",
            ),
            Sample(
                (rng.standard_normal((4, 3)), np.array([7, -9])),
                {"axis": 0, "mode": "wrap"},
                name="wrap",
            ),
            Sample(
                (rng.standard_normal((4, 3)), np.array([7, -9])),
                {"axis": 1, "mode": "clip"},
                name="clip",
            ),
            Sample(
                (rng.standard_normal((4, 3)), np.int64(2)),
                {"axis": 1},
                name="scalar-index",
            ),
        ],
        errors=[
            ErrorSample(
                (np.zeros(3), np.array([0])),
                ValueError,
                "out of bounds",
                {"axis": 1},
                name="bad-axis",
            ),
            ErrorSample(
                (np.zeros(3), np.array([0])),
                ValueError,
                "mode",
                {"mode": "nearest"},
                name="bad-mode",
            ),
        ],
        differentiable=True,
        grad_inputs=[0],
        family="subtensor",
    )
)
