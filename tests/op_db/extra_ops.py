"""Op database entries for ``aesara.tensor.extra_ops``."""

from __future__ import annotations

import numpy as np

import aesara.tensor.extra_ops as ext
from tests.op_db import ErrorSample, OpInfo, Sample, register

F = "extra_ops"


def _r(rng, *shape, dtype="float64"):
    if not shape:
        return np.float64(rng.standard_normal())
    return rng.standard_normal(shape).astype(dtype)


def _cum_samples(rng):
    return [
        Sample((_r(rng, 2, 3),), {"axis": None}, name="flat"),
        Sample((_r(rng, 2, 3),), {"axis": 1}, name="axis1"),
        Sample((_r(rng, 2, 3, 2),), {"axis": -2}, name="neg-axis", static_shape=True),
        Sample((_r(rng),), {"axis": None}, name="0d"),
        Sample((np.zeros((0, 3)),), {"axis": 0}, name="empty"),
        Sample(
            (np.arange(1, 7, dtype="int32").reshape(2, 3),), {"axis": 0}, name="int32"
        ),
        Sample((np.array([True, False, True]),), {"axis": 0}, name="bool"),
        Sample((_r(rng, 4, 3).T,), {"axis": 1}, name="noncontig"),
        Sample((_r(rng, 3).astype("float32"),), {"axis": 0}, name="float32"),
        Sample((_r(rng, 3) + 1j * _r(rng, 3),), {"axis": 0}, name="complex"),
    ]


for _name, _fn, _ref in (
    ("cumsum", ext.cumsum, np.cumsum),
    ("cumprod", ext.cumprod, np.cumprod),
):
    register(
        OpInfo(
            name=_name,
            build=lambda x, axis, _fn=_fn: _fn(x, axis=axis),
            ref=lambda x, axis, _ref=_ref: _ref(x, axis=axis),
            samples=_cum_samples,
            errors=[
                ErrorSample((np.zeros(3),), IndexError, "out of bounds", {"axis": 1}),
            ],
            differentiable=True,
            family=F,
        )
    )

register(
    OpInfo(
        name="diff",
        build=lambda x, n=1, axis=-1: ext.diff(x, n, axis),
        ref=lambda x, n=1, axis=-1: np.diff(x, n, axis),
        samples=lambda rng: [
            Sample((_r(rng, 5),), name="vector"),
            Sample((_r(rng, 3, 5),), {"n": 2, "axis": 0}, name="n2-axis0"),
            Sample(
                (_r(rng, 3, 5),), {"n": 3, "axis": -1}, name="n3", static_shape=True
            ),
            Sample((_r(rng, 3),), {"n": 5}, name="n-too-big"),
            Sample((_r(rng, 3),), {"n": 0}, name="n0"),
            Sample((np.zeros((2, 0)),), name="empty"),
            Sample((np.array([1, 5, 2], dtype="uint8"),), name="uint8"),
            Sample((np.array([True, False, False]),), name="bool"),
            Sample((_r(rng, 5, 4).T,), {"axis": 0}, name="noncontig"),
        ],
        errors=[
            ErrorSample((np.float64(1),), ValueError, "at least one dimensional"),
            ErrorSample(
                (np.zeros(3),), ValueError, "non-negative", {"n": -1}, name="neg-n"
            ),
        ],
        differentiable=True,
        family=F,
    )
)


def _bincount_ref(x, w=None, minlength=None):
    if w is None:
        return np.bincount(x, minlength=minlength or 0).astype("int64")
    dtype = w.dtype if w.dtype.kind in "fc" else np.dtype("float64")
    return np.bincount(x, w, minlength=minlength or 0).astype(dtype)


register(
    OpInfo(
        name="bincount",
        build=lambda x, minlength=None: ext.bincount(x, minlength=minlength),
        ref=lambda x, minlength=None: _bincount_ref(x, minlength=minlength),
        samples=lambda rng: [
            Sample((np.array([0, 1, 1, 3, 2, 1]),), name="int64"),
            Sample(
                (np.array([2, 2], dtype="uint8"),), {"minlength": 5}, name="minlength"
            ),
            Sample((np.zeros(0, "int32"),), name="empty"),
            Sample((np.zeros(0, "int32"),), {"minlength": 3}, name="empty-minlength"),
        ],
        errors=[
            ErrorSample((np.zeros(3),), TypeError, "must be integers"),
            ErrorSample(
                (np.array([0, -1]),),
                ValueError,
                "non-negative",
                at_build=False,
                name="negative",
            ),
            ErrorSample((np.zeros((2, 2), "int64"),), ValueError, "1-d", name="2d"),
        ],
        family=F,
    )
)

register(
    OpInfo(
        name="bincount_weights",
        build=lambda x, w: ext.bincount(x, w),
        ref=lambda x, w: _bincount_ref(x, w),
        samples=lambda rng: [
            Sample((np.array([0, 1, 1, 3]), _r(rng, 4)), name="float64"),
            Sample((np.array([0, 2]), np.array([1.5, 2.0], "float32")), name="float32"),
            Sample((np.array([0, 2]), np.array([3, 4])), name="int-weights"),
        ],
        errors=[
            ErrorSample(
                (np.array([0, 1]), np.zeros(3)), ValueError, "differ", at_build=False
            ),
        ],
        differentiable=True,
        grad_inputs=[1],
        family=F,
    )
)

register(
    OpInfo(
        name="squeeze",
        build=lambda x, axis=None: ext.squeeze(x, axis),
        ref=lambda x, axis=None: np.squeeze(x, axis),
        samples=lambda rng: [
            Sample((_r(rng, 1, 3, 1),), name="static-all", static_shape=True),
            Sample((_r(rng, 1, 3, 1),), {"axis": -1}, name="neg-axis"),
            Sample((_r(rng, 1, 3, 1),), {"axis": (0, 2)}, name="tuple"),
            Sample((_r(rng, 2, 3),), name="nothing"),
            Sample((_r(rng),), name="0d"),
            Sample((np.zeros((1, 0)),), {"axis": 0}, name="empty"),
        ],
        errors=[
            # Aesara checks unknown sizes with SpecifyShape, which raises AssertionError.
            ErrorSample(
                (np.zeros((2, 2)),),
                AssertionError,
                "SpecifyShape",
                {"axis": 1},
                at_build=False,
                name="runtime",
            ),
            ErrorSample(
                (np.zeros(2),), IndexError, "out of bounds", {"axis": 1}, name="axis"
            ),
        ],
        differentiable=True,
        family=F,
    )
)

register(
    OpInfo(
        name="compress",
        build=lambda c, x, axis=None: ext.compress(c, x, axis),
        ref=lambda c, x, axis=None: np.compress(c, x, axis),
        samples=lambda rng: [
            Sample(
                (np.array([True, False, True]), _r(rng, 3, 2)),
                {"axis": 0},
                name="axis0",
            ),
            Sample(
                (np.array([0, 1]), _r(rng, 3, 2)),
                {"axis": -1},
                name="int-cond-neg-axis",
            ),
            Sample((np.array([1, 0, 1, 1]), _r(rng, 2, 3)), name="flat"),
            Sample(
                (np.array([False, False]), _r(rng, 2, 2)),
                {"axis": 1},
                name="empty-result",
            ),
            Sample(
                (np.array([True, True]), np.arange(6).reshape(3, 2).T),
                {"axis": 1},
                name="int-noncontig",
            ),
        ],
        errors=[
            ErrorSample((np.zeros((2, 2)), np.zeros(3)), ValueError, "1-d"),
        ],
        differentiable=True,
        grad_inputs=[1],
        family=F,
    )
)

register(
    OpInfo(
        name="repeat",
        build=lambda x, repeats, axis=None: ext.repeat(x, repeats, axis),
        ref=lambda x, repeats, axis=None: np.repeat(x, repeats, axis),
        samples=lambda rng: [
            Sample((_r(rng, 2, 3),), {"repeats": 2, "axis": 0}, name="scalar"),
            Sample((_r(rng, 2, 3),), {"repeats": 3}, name="flat"),
            Sample(
                (_r(rng, 2, 3),),
                {"repeats": np.array([1, 0, 2]), "axis": -1},
                name="vector",
                static_shape=True,
            ),
            Sample(
                (_r(rng, 2, 3),),
                {"repeats": np.array([2]), "axis": 0},
                name="vector-len1",
            ),
            Sample(
                (_r(rng, 2, 3),),
                {"repeats": np.array([0, 3, 1, 2, 0, 1])},
                name="vector-flat",
            ),
            Sample((_r(rng),), {"repeats": 3}, name="0d"),
            Sample((np.zeros((0, 2)),), {"repeats": 2, "axis": 1}, name="empty"),
            Sample(
                (np.arange(3, dtype="int8"),), {"repeats": 2, "axis": 0}, name="int8"
            ),
        ],
        errors=[
            ErrorSample(
                (np.zeros(3),), TypeError, "integers", {"repeats": 1.5, "axis": 0}
            ),
            ErrorSample(
                (np.zeros(3),),
                ValueError,
                "negative",
                {"repeats": -1, "axis": 0},
                name="neg",
            ),
            ErrorSample(
                (np.zeros(3),),
                IndexError,
                "out of bounds",
                {"repeats": 1, "axis": 2},
                name="axis",
            ),
            ErrorSample(
                (np.zeros(3),),
                ValueError,
                "repeat",
                {"repeats": np.array([1, 2]), "axis": 0},
                at_build=False,
                name="len",
            ),
        ],
        differentiable=True,
        family=F,
    )
)

register(
    OpInfo(
        name="repeat_symbolic",
        build=lambda x, r: ext.repeat(x, r, axis=0),
        ref=lambda x, r: np.repeat(x, r, axis=0),
        samples=lambda rng: [
            Sample((_r(rng, 3, 2), np.array([2, 0, 1])), name="vector"),
            Sample((_r(rng, 3, 2), np.int64(2)), name="scalar"),
        ],
        errors=[
            ErrorSample(
                (np.zeros(3), np.array([1, 2])), ValueError, "repeat", at_build=False
            ),
        ],
        differentiable=True,
        grad_inputs=[0],
        family=F,
    )
)


def _unique_ref(x, **kw):
    res = np.unique(x, **kw)
    if not isinstance(res, tuple):
        return res
    return [
        np.asarray(r, dtype=x.dtype if i == 0 else "int64") for i, r in enumerate(res)
    ]


def _unique_samples(rng):
    return [
        Sample((np.array([3, 1, 2, 3, 1]),), name="plain"),
        Sample(
            (np.array([[1.0, 2.0], [2.0, np.nan]]),),
            {"return_index": True, "return_inverse": True, "return_counts": True},
            name="all-nan",
        ),
        Sample(
            (np.array([[1, 2], [1, 2], [0, 5]]),),
            {"axis": 0, "return_inverse": True, "return_counts": True},
            name="axis0",
        ),
        Sample(
            (np.array([[1, 1], [2, 2]]),),
            {"axis": -1, "return_index": True},
            name="neg-axis",
        ),
        Sample((np.zeros(0),), {"return_counts": True}, name="empty"),
        Sample((np.float64(4.0),), {"return_inverse": True}, name="0d"),
        Sample((np.array([True, False, True]),), name="bool"),
    ]


register(
    OpInfo(
        name="unique",
        build=lambda x, **kw: ext.unique(x, **kw),
        ref=_unique_ref,
        samples=_unique_samples,
        errors=[ErrorSample((np.zeros(3),), IndexError, "out of bounds", {"axis": 1})],
        family=F,
    )
)

register(
    OpInfo(
        name="searchsorted",
        build=lambda x, v, side="left": ext.searchsorted(x, v, side=side),
        ref=lambda x, v, side="left": np.asarray(
            np.searchsorted(x, v, side=side), dtype="int64"
        ),
        samples=lambda rng: [
            Sample(
                (np.array([1.0, 2.0, 2.0, 5.0]), np.array([2.0, 0.0, 7.0])), name="left"
            ),
            Sample(
                (np.array([1.0, 2.0, 2.0, 5.0]), np.array([[2.0], [3.0]])),
                {"side": "right"},
                name="right-2d",
            ),
            Sample((np.array([1, 3]), np.int64(2)), name="0d"),
            Sample((np.zeros(0), np.array([1.0])), name="empty"),
        ],
        errors=[
            ErrorSample((np.zeros((2, 2)), np.zeros(2)), ValueError, "1-d"),
            ErrorSample(
                (np.zeros(2), np.zeros(2)),
                ValueError,
                "side",
                {"side": "middle"},
                name="side",
            ),
        ],
        family=F,
    )
)

register(
    OpInfo(
        name="searchsorted_sorter",
        build=lambda x, v, s: ext.searchsorted(x, v, sorter=s),
        ref=lambda x, v, s: np.searchsorted(x, v, sorter=s).astype("int64"),
        samples=lambda rng: [
            Sample(
                (np.array([3.0, 1.0, 2.0]), np.array([2.5, 0.0]), np.array([1, 2, 0])),
                name="sorter",
            ),
        ],
        errors=[
            ErrorSample((np.zeros(2), np.zeros(2), np.zeros(2)), TypeError, "sorter"),
        ],
        family=F,
    )
)


def _fill_diag_ref(a, val):
    out = a.copy()
    np.fill_diagonal(out, val)
    return out


register(
    OpInfo(
        name="fill_diagonal",
        build=lambda a, v: ext.fill_diagonal(a, v),
        ref=_fill_diag_ref,
        samples=lambda rng: [
            Sample((_r(rng, 3, 3), _r(rng)), name="square"),
            Sample((_r(rng, 2, 4), _r(rng)), name="wide"),
            Sample((_r(rng, 4, 2), _r(rng)), name="tall"),
            Sample((_r(rng, 3, 3, 3), _r(rng)), name="3d"),
            Sample((np.zeros((0, 2)), _r(rng)), name="empty"),
            Sample((np.arange(4).reshape(2, 2), np.int64(9)), name="int"),
            Sample((_r(rng, 3, 3).T, _r(rng)), name="noncontig"),
        ],
        errors=[
            ErrorSample((np.zeros(3), np.float64(1)), TypeError, "at least 2-d"),
            ErrorSample(
                (np.zeros((2, 2)), np.zeros(2)), TypeError, "scalar", name="val"
            ),
            ErrorSample(
                (np.zeros((2, 2, 3)), np.float64(1)),
                ValueError,
                "equal length",
                at_build=False,
                name="unequal",
            ),
        ],
        differentiable=True,
        family=F,
    )
)


def _fill_diag_offset_ref(a, val, offset):
    out = a.copy()
    k = int(offset)
    for i in range(a.shape[0]):
        j = i + k
        if 0 <= j < a.shape[1]:
            out[i, j] = val
    return out


register(
    OpInfo(
        name="fill_diagonal_offset",
        build=lambda a, v, k: ext.fill_diagonal_offset(a, v, k),
        ref=_fill_diag_offset_ref,
        samples=lambda rng: [
            Sample((_r(rng, 3, 4), _r(rng), np.int64(1)), name="pos"),
            Sample((_r(rng, 4, 3), _r(rng), np.int64(-2)), name="neg"),
            Sample((_r(rng, 3, 3), _r(rng), np.int64(5)), name="outside"),
            Sample((np.zeros((0, 3)), _r(rng), np.int64(0)), name="empty"),
        ],
        errors=[
            ErrorSample(
                (np.zeros((2, 2, 2)), np.float64(1), np.int64(0)), TypeError, "matrix"
            ),
            ErrorSample(
                (np.zeros((2, 2)), np.float64(1), np.float64(0)),
                TypeError,
                "integer scalar",
                name="offset",
            ),
        ],
        differentiable=True,
        grad_inputs=[0, 1],
        family=F,
    )
)

register(
    OpInfo(
        name="broadcast_to",
        build=lambda x, shape: ext.broadcast_to(x, shape),
        ref=lambda x, shape: np.broadcast_to(x, shape),
        samples=lambda rng: [
            Sample((_r(rng, 3),), {"shape": (2, 3)}, name="vector"),
            Sample(
                (_r(rng, 2, 1),), {"shape": (4, 2, 5)}, name="static", static_shape=True
            ),
            Sample((_r(rng),), {"shape": (2, 0)}, name="0d-empty"),
            Sample((_r(rng, 2, 1),), {"shape": (2, 1)}, name="same"),
            Sample((np.arange(3),), {"shape": (2, 3)}, name="int"),
        ],
        errors=[
            ErrorSample((np.zeros((2, 3)),), ValueError, "fewer", {"shape": (3,)}),
            ErrorSample(
                (np.zeros(3),),
                ValueError,
                "cannot broadcast",
                {"shape": (2, 4)},
                at_build=False,
                name="runtime",
            ),
        ],
        differentiable=True,
        family=F,
    )
)

register(
    OpInfo(
        name="broadcast_to_static",
        build=lambda x, shape: ext.broadcast_to(x, shape),
        ref=lambda x, shape: np.broadcast_to(x, shape),
        samples=lambda rng: [
            Sample((_r(rng, 2, 1),), {"shape": (2, 4)}, static_shape=True)
        ],
        errors=[],
        differentiable=True,
        family=F,
    )
)


def _bcast_arrays_ref(*xs):
    return [np.array(b) for b in np.broadcast_arrays(*xs)]


register(
    OpInfo(
        name="broadcast_arrays",
        build=lambda a, b: list(ext.broadcast_arrays(a, b)),
        ref=_bcast_arrays_ref,
        samples=lambda rng: [
            Sample((_r(rng, 3), _r(rng, 2, 1)), name="mixed"),
            Sample((_r(rng), np.arange(3)), name="0d-int"),
            Sample((_r(rng, 2, 1), _r(rng, 1, 3)), name="static", static_shape=True),
        ],
        differentiable=True,
        family=F,
    )
)


def _stack_shape(a, b):
    from aesara.tensor.basic import stack

    return stack(list(ext.broadcast_shape(a, b)))


register(
    OpInfo(
        name="broadcast_shape",
        build=lambda a, b: _stack_shape(a, b),
        ref=lambda a, b: np.array(np.broadcast_shapes(a.shape, b.shape), dtype="int64"),
        samples=lambda rng: [
            Sample((_r(rng, 3), _r(rng, 2, 1)), name="mixed"),
            Sample((_r(rng, 2, 3), _r(rng, 2, 3)), name="same"),
        ],
        family=F,
    )
)


register(
    OpInfo(
        name="unravel_index",
        build=lambda i, dims, order="C": list(ext.unravel_index(i, dims, order)),
        ref=lambda i, dims, order="C": [
            np.asarray(r, dtype="int64") for r in np.unravel_index(i, dims, order=order)
        ],
        samples=lambda rng: [
            Sample((np.array([0, 5, 11]),), {"dims": (3, 4)}, name="C"),
            Sample(
                (np.array([[0], [7]]),), {"dims": (2, 2, 2), "order": "F"}, name="F-2d"
            ),
            Sample((np.int64(3),), {"dims": (4,)}, name="0d"),
            Sample((np.zeros(0, "int64"),), {"dims": (2, 2)}, name="empty"),
        ],
        errors=[
            ErrorSample((np.zeros(2),), TypeError, "integers", {"dims": (2, 2)}),
            ErrorSample(
                (np.array([4]),),
                ValueError,
                "",
                {"dims": (2, 2)},
                at_build=False,
                name="oob",
            ),
            ErrorSample(
                (np.array([1]),),
                ValueError,
                "order",
                {"dims": (2, 2), "order": "K"},
                name="order",
            ),
        ],
        family=F,
    )
)

register(
    OpInfo(
        name="ravel_multi_index",
        build=lambda i, j, dims, mode="raise", order="C": ext.ravel_multi_index(
            (i, j), dims, mode, order
        ),
        ref=lambda i, j, dims, mode="raise", order="C": np.asarray(
            np.ravel_multi_index((i, j), dims, mode=mode, order=order), dtype="int64"
        ),
        samples=lambda rng: [
            Sample(
                (np.array([0, 1, 2]), np.array([3, 0, 1])), {"dims": (3, 4)}, name="C"
            ),
            Sample(
                (np.array([0, 1]), np.array([[1], [2]])),
                {"dims": (3, 4), "order": "F"},
                name="F-bcast",
            ),
            Sample(
                (np.array([5, -1]), np.array([1, 9])),
                {"dims": (3, 4), "mode": "clip"},
                name="clip",
            ),
            Sample(
                (np.array([5, -1]), np.array([1, 9])),
                {"dims": (3, 4), "mode": ("wrap", "clip")},
                name="mixed-modes",
            ),
            Sample((np.int64(1), np.int64(2)), {"dims": (3, 4)}, name="0d"),
        ],
        errors=[
            ErrorSample(
                (np.zeros(2), np.zeros(2, "int64")),
                TypeError,
                "integers",
                {"dims": (2, 2)},
            ),
            ErrorSample(
                (np.array([3]), np.array([0])),
                ValueError,
                "",
                {"dims": (2, 2)},
                at_build=False,
                name="oob",
            ),
            ErrorSample(
                (np.array([0]), np.array([0])),
                ValueError,
                "mode",
                {"dims": (2, 2), "mode": "bad"},
                name="mode",
            ),
        ],
        family=F,
    )
)

register(
    OpInfo(
        name="linspace",
        build=lambda a, b, num=50, endpoint=True, axis=0: ext.linspace(
            a, b, num, endpoint=endpoint, axis=axis
        ),
        ref=lambda a, b, num=50, endpoint=True, axis=0: np.linspace(
            a, b, num, endpoint=endpoint, axis=axis
        ),
        samples=lambda rng: [
            Sample((np.float64(0.0), np.float64(1.0)), {"num": 5}, name="basic"),
            Sample(
                (np.float64(2.0), np.float64(-1.0)),
                {"num": 4, "endpoint": False},
                name="no-endpoint",
            ),
            Sample((np.float64(2.0), np.float64(3.0)), {"num": 1}, name="one"),
            Sample((np.float64(2.0), np.float64(3.0)), {"num": 0}, name="zero"),
            Sample(
                (np.array([0.0, 1.0]), np.array([1.0, 5.0])),
                {"num": 3, "axis": -1},
                name="array-axis",
            ),
            Sample((np.float32(0.0), np.float32(1.0)), {"num": 3}, name="float32"),
            Sample((np.int64(0), np.int64(10)), {"num": 4}, name="int-inputs"),
        ],
        errors=[
            ErrorSample(
                (np.float64(0), np.float64(1)), ValueError, "non-negative", {"num": -1}
            )
        ],
        differentiable=True,
        rtol=1e-12,
        atol=1e-12,
        family=F,
    )
)

register(
    OpInfo(
        name="linspace_aesara_signature",
        build=lambda a, b: ext.linspace(a, end=b, steps=4),
        ref=lambda a, b: np.linspace(a, b, 4),
        samples=lambda rng: [Sample((np.float64(-1.0), np.float64(1.0)))],
        family=F,
    )
)

register(
    OpInfo(
        name="linspace_int_dtype",
        build=lambda a, b: ext.linspace(a, b, 5, dtype="int64"),
        ref=lambda a, b: np.linspace(a, b, 5, dtype="int64"),
        samples=lambda rng: [Sample((np.float64(-1.0), np.float64(7.0)))],
        family=F,
    )
)

register(
    OpInfo(
        name="logspace",
        build=lambda a, b, num=50, base=10.0: ext.logspace(a, b, num, base=base),
        ref=lambda a, b, num=50, base=10.0: np.logspace(a, b, num, base=base),
        samples=lambda rng: [
            Sample((np.float64(0.0), np.float64(2.0)), {"num": 3}, name="base10"),
            Sample(
                (np.float64(1.0), np.float64(-1.0)),
                {"num": 5, "base": 2.0},
                name="base2",
            ),
        ],
        differentiable=True,
        rtol=1e-12,
        family=F,
    )
)

register(
    OpInfo(
        name="geomspace",
        build=lambda a, b, num=50, endpoint=True: ext.geomspace(
            a, b, num, endpoint=endpoint
        ),
        ref=lambda a, b, num=50, endpoint=True: np.geomspace(
            a, b, num, endpoint=endpoint
        ),
        samples=lambda rng: [
            Sample((np.float64(1.0), np.float64(1000.0)), {"num": 4}, name="pos"),
            Sample((np.float64(-1.0), np.float64(-16.0)), {"num": 5}, name="neg"),
            Sample(
                (np.float64(2.0), np.float64(32.0)),
                {"num": 4, "endpoint": False},
                name="no-endpoint",
            ),
            Sample(
                (np.array([1.0, 10.0]), np.array([4.0, 1000.0])),
                {"num": 3},
                name="array",
            ),
        ],
        rtol=1e-12,
        family=F,
    )
)

register(
    OpInfo(
        name="geomspace_zero",
        build=lambda: ext.geomspace(0.0, 1.0, 3),
        ref=lambda: None,
        samples=lambda rng: [],
        errors=[ErrorSample((), ValueError, "cannot include zero")],
        family=F,
    )
)

register(
    OpInfo(
        name="bartlett",
        build=lambda m: ext.bartlett(m),
        ref=lambda m: np.bartlett(int(m)),
        samples=lambda rng: [
            Sample((np.int64(5),), name="odd"),
            Sample((np.int32(4),), name="even"),
            Sample((np.int64(1),), name="one"),
            Sample((np.int64(0),), name="zero"),
            Sample((np.int64(-3),), name="negative"),
        ],
        errors=[
            ErrorSample((np.float64(5),), TypeError, "integer"),
            ErrorSample((np.array([5]),), TypeError, "scalar", name="vector"),
        ],
        family=F,
    )
)

register(
    OpInfo(
        name="bartlett_constant",
        build=lambda: ext.bartlett(4),
        ref=lambda: np.bartlett(4),
        samples=lambda rng: [Sample(())],
        family=F,
    )
)


def _one_hot_ref(y, nb_class, dtype="float64"):
    out = np.zeros((len(y), nb_class), dtype=dtype)
    out[np.arange(len(y)), y] = 1
    return out


register(
    OpInfo(
        name="to_one_hot",
        build=lambda y, nb_class, dtype="float64": ext.to_one_hot(
            y, nb_class, dtype=dtype
        ),
        ref=_one_hot_ref,
        samples=lambda rng: [
            Sample((np.array([0, 2, 1, 2]),), {"nb_class": 3}, name="float64"),
            Sample(
                (np.array([1], "int8"),),
                {"nb_class": 2, "dtype": "int32"},
                name="int32",
            ),
            Sample((np.zeros(0, "int64"),), {"nb_class": 4}, name="empty"),
        ],
        errors=[
            ErrorSample((np.zeros(2),), TypeError, "integer vector", {"nb_class": 2})
        ],
        family=F,
    )
)

register(
    OpInfo(
        name="cpu_contiguous",
        build=lambda x: ext.cpu_contiguous(x),
        ref=lambda x: np.array(x, order="C"),
        samples=lambda rng: [
            Sample((_r(rng, 3, 4).T,), name="noncontig"),
            Sample((_r(rng),), name="0d"),
            Sample((np.zeros((0, 2), "int8"),), name="empty"),
        ],
        differentiable=True,
        family=F,
    )
)
