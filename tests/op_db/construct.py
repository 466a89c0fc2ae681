"""Op database entries for joining, splitting and array construction
(``aesara.tensor.basic``: join/stack/split/tile/roll/eye/tri/arange/diag/
nonzero/choose/take_along_axis...)."""

from __future__ import annotations

import numpy as np

import aesara.tensor.basic as atb
from tests.op_db import ErrorSample, OpInfo, Sample, register

F = "construct"


def _r(rng, *shape, dtype="float64"):
    return (
        rng.standard_normal(shape).astype(dtype)
        if shape
        else np.float64(rng.standard_normal())
    )


# ---------------------------------------------------------------------------
# join / concatenate / stack / split
# ---------------------------------------------------------------------------


def _concat_samples(rng):
    return [
        Sample((_r(rng, 2, 3), _r(rng, 4, 3)), {"axis": 0}, name="rows"),
        Sample((_r(rng, 2, 3), _r(rng, 2, 1)), {"axis": -1}, name="neg-axis"),
        Sample(
            (_r(rng, 2, 3), _r(rng, 2, 3)),
            {"axis": 1},
            name="static",
            static_shape=True,
        ),
        Sample((_r(rng, 0, 3), _r(rng, 2, 3)), {"axis": 0}, name="empty"),
        Sample((_r(rng, 3), _r(rng, 2).astype("float32")), {"axis": 0}, name="upcast"),
        Sample(
            (np.arange(6).reshape(2, 3), np.ones((2, 2), "int8")),
            {"axis": 1},
            name="int",
        ),
        Sample(
            (_r(rng, 3, 2).T, _r(rng, 2, 2, 2)[:, :, 0]), {"axis": 1}, name="noncontig"
        ),
        Sample((np.array([True, False]), np.array([True])), {"axis": 0}, name="bool"),
        Sample((_r(rng, 2) + 1j, _r(rng, 1)), {"axis": 0}, name="complex"),
    ]


register(
    OpInfo(
        name="concatenate",
        build=lambda a, b, axis: atb.concatenate([a, b], axis=axis),
        ref=lambda a, b, axis: np.concatenate([a, b], axis=axis),
        samples=_concat_samples,
        errors=[
            ErrorSample(
                (np.zeros(2), np.zeros((2, 2))),
                TypeError,
                "same number of dimensions",
                {"axis": 0},
            ),
            ErrorSample(
                (np.float64(1), np.float64(2)),
                TypeError,
                "zero-dimensional",
                {"axis": 0},
                name="0d",
            ),
            ErrorSample(
                (np.zeros(2), np.zeros(2)),
                IndexError,
                "out of bounds",
                {"axis": 1},
                name="axis",
            ),
            ErrorSample(
                (np.zeros((2, 3)), np.zeros((2, 4))),
                ValueError,
                "cannot join",
                {"axis": 0},
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
        name="join_symbolic_axis",
        build=lambda ax, a, b: atb.join(ax, a, b),
        ref=lambda ax, a, b: np.concatenate([a, b], axis=int(ax)),
        samples=lambda rng: [
            Sample((np.int64(1), _r(rng, 2, 3), _r(rng, 2, 2)), name="axis1"),
            Sample((np.int64(-2), _r(rng, 2, 3), _r(rng, 1, 3)), name="neg"),
        ],
        differentiable=True,
        grad_inputs=[1, 2],
        family=F,
    )
)


def _stack_samples(rng):
    return [
        Sample((_r(rng, 2, 3), _r(rng, 2, 3)), {"axis": 0}, name="axis0"),
        Sample((_r(rng, 2, 3), _r(rng, 2, 3)), {"axis": -1}, name="neg-axis"),
        Sample(
            (_r(rng, 2, 3), _r(rng, 2, 3)),
            {"axis": 1},
            name="static",
            static_shape=True,
        ),
        Sample((_r(rng), _r(rng)), {"axis": 0}, name="0d"),
        Sample((np.zeros((0, 2)), np.zeros((0, 2))), {"axis": 1}, name="empty"),
        Sample(
            (np.arange(3, dtype="int32"), np.arange(3, dtype="int64")),
            {"axis": 0},
            name="int",
        ),
    ]


register(
    OpInfo(
        name="stack",
        build=lambda a, b, axis: atb.stack([a, b], axis=axis),
        ref=lambda a, b, axis: np.stack([a, b], axis=axis),
        samples=_stack_samples,
        errors=[
            ErrorSample(
                (np.zeros(2), np.zeros((2, 2))),
                ValueError,
                "same number of dimensions",
                {"axis": 0},
            ),
            ErrorSample(
                (np.zeros(2), np.zeros(2)),
                IndexError,
                "out of bounds",
                {"axis": 3},
                name="axis",
            ),
        ],
        differentiable=True,
        family=F,
    )
)


def _split_ref(x, sizes, axis):
    return np.split(x, np.cumsum(sizes)[:-1], axis=axis)


register(
    OpInfo(
        name="split",
        build=lambda x, sizes, axis: atb.split(x, sizes, len(sizes), axis=axis),
        ref=_split_ref,
        samples=lambda rng: [
            Sample((_r(rng, 5, 2),), {"sizes": [2, 3], "axis": 0}, name="rows"),
            Sample(
                (_r(rng, 2, 4),),
                {"sizes": [1, 0, 3], "axis": -1},
                name="neg-empty-piece",
            ),
            Sample(
                (_r(rng, 2, 4),),
                {"sizes": [4], "axis": 1},
                name="one",
                static_shape=True,
            ),
            Sample((np.arange(6),), {"sizes": [3, 3], "axis": 0}, name="int"),
            Sample((_r(rng, 4, 3).T,), {"sizes": [1, 3], "axis": 1}, name="noncontig"),
        ],
        errors=[
            ErrorSample(
                (np.float64(1),),
                TypeError,
                "zero-dimensional",
                {"sizes": [1], "axis": 0},
            ),
            ErrorSample(
                (np.zeros(4),),
                ValueError,
                "add up to",
                {"sizes": [1, 2], "axis": 0},
                at_build=False,
                name="sum",
            ),
            ErrorSample(
                (np.zeros((4,)),),
                IndexError,
                "out of bounds",
                {"sizes": [2, 2], "axis": 1},
                name="axis",
            ),
        ],
        differentiable=True,
        family=F,
    )
)

register(
    OpInfo(
        name="horizontal_stack",
        build=lambda a, b: atb.horizontal_stack(a, b),
        ref=lambda a, b: np.hstack([a, b]),
        samples=lambda rng: [
            Sample((_r(rng, 2, 3), _r(rng, 2, 1)), name="matrix"),
            Sample((_r(rng, 2), _r(rng, 3)), name="vector"),
        ],
        differentiable=True,
        family=F,
    )
)

register(
    OpInfo(
        name="vertical_stack",
        build=lambda a, b: atb.vertical_stack(a, b),
        ref=lambda a, b: np.vstack([a, b]),
        samples=lambda rng: [
            Sample((_r(rng, 2, 3), _r(rng, 1, 3)), name="matrix"),
            Sample((_r(rng, 3), _r(rng, 3)), name="vector"),
        ],
        differentiable=True,
        family=F,
    )
)

# ---------------------------------------------------------------------------
# tile / roll / axis shuffles
# ---------------------------------------------------------------------------

register(
    OpInfo(
        name="tile",
        build=lambda x, reps: atb.tile(x, reps),
        ref=lambda x, reps: np.tile(x, reps),
        samples=lambda rng: [
            Sample((_r(rng, 2, 3),), {"reps": (2, 3)}, name="matrix"),
            Sample((_r(rng, 3),), {"reps": (2, 1, 2)}, name="more-reps"),
            Sample((_r(rng, 2, 3, 2),), {"reps": (2,)}, name="fewer-reps"),
            Sample((_r(rng),), {"reps": (3,)}, name="0d"),
            Sample((np.zeros((0, 2)),), {"reps": (2, 2)}, name="empty"),
            Sample((np.arange(4).reshape(2, 2),), {"reps": (0, 2)}, name="zero-reps"),
            Sample(
                (_r(rng, 2, 3),), {"reps": (2, 2)}, name="static", static_shape=True
            ),
        ],
        errors=[
            ErrorSample((np.zeros(2),), ValueError, "non-negative", {"reps": (-1,)})
        ],
        differentiable=True,
        family=F,
    )
)

register(
    OpInfo(
        name="roll",
        build=lambda x, shift, axis: atb.roll(x, shift, axis),
        ref=lambda x, shift, axis: np.roll(x, shift, axis),
        samples=lambda rng: [
            Sample((_r(rng, 5),), {"shift": 2, "axis": 0}, name="vector"),
            Sample((_r(rng, 3, 4),), {"shift": -1, "axis": -1}, name="neg"),
            Sample((_r(rng, 3, 4),), {"shift": 5, "axis": None}, name="flat"),
            Sample((_r(rng, 3, 4),), {"shift": (1, 2), "axis": (0, 1)}, name="multi"),
            Sample((np.zeros((0, 3)),), {"shift": 1, "axis": 0}, name="empty"),
            Sample(
                (np.arange(6),),
                {"shift": 7, "axis": 0},
                name="int-wrap",
                static_shape=True,
            ),
            Sample((_r(rng),), {"shift": 1, "axis": None}, name="0d"),
        ],
        errors=[
            ErrorSample(
                (np.zeros(2),), IndexError, "out of bounds", {"shift": 1, "axis": 1}
            )
        ],
        differentiable=True,
        family=F,
    )
)

register(
    OpInfo(
        name="moveaxis",
        build=lambda x, s, d: atb.moveaxis(x, s, d),
        ref=lambda x, s, d: np.moveaxis(x, s, d),
        samples=lambda rng: [
            Sample((_r(rng, 2, 3, 4),), {"s": 0, "d": -1}, name="first-last"),
            Sample(
                (_r(rng, 2, 3, 4),),
                {"s": [0, 1], "d": [2, 0]},
                name="multi",
                static_shape=True,
            ),
        ],
        errors=[
            ErrorSample(
                (np.zeros((2, 2)),), IndexError, "out of bounds", {"s": 2, "d": 0}
            )
        ],
        differentiable=True,
        family=F,
    )
)

register(
    OpInfo(
        name="expand_dims",
        build=lambda x, axis: atb.expand_dims(x, axis),
        ref=lambda x, axis: np.expand_dims(x, axis),
        samples=lambda rng: [
            Sample((_r(rng, 2, 3),), {"axis": 0}, name="front"),
            Sample((_r(rng, 2, 3),), {"axis": (-1, 1)}, name="multi-neg"),
            Sample((_r(rng),), {"axis": 0}, name="0d"),
        ],
        errors=[
            ErrorSample((np.zeros(2),), ValueError, "repeated axis", {"axis": (0, 0)})
        ],
        differentiable=True,
        family=F,
    )
)


def _atleast_ref(n):
    def ref(x, left=True):
        x = np.asarray(x)
        missing = max(0, n - x.ndim)
        shape = (1,) * missing + x.shape if left else x.shape + (1,) * missing
        return x.reshape(shape)

    return ref


for _n, _fn in ((1, atb.atleast_1d), (2, atb.atleast_2d), (3, atb.atleast_3d)):
    register(
        OpInfo(
            name=f"atleast_{_n}d",
            build=lambda x, left=True, _fn=_fn: _fn(x, left=left),
            ref=_atleast_ref(_n),
            samples=lambda rng: [
                Sample((_r(rng),), name="0d"),
                Sample((_r(rng, 3),), name="vector"),
                Sample((_r(rng, 3),), {"left": False}, name="right"),
                Sample((_r(rng, 2, 3, 4, 1),), name="4d"),
            ],
            differentiable=True,
            family=F,
        )
    )

# ---------------------------------------------------------------------------
# eye / tri / tril / triu / arange
# ---------------------------------------------------------------------------

register(
    OpInfo(
        name="eye",
        build=lambda n, m, k, dtype=None: atb.eye(n, m, k, dtype=dtype),
        ref=lambda n, m, k, dtype=None: np.eye(n, m, k, dtype=dtype or "float64"),
        samples=lambda rng: [
            Sample((np.int64(3), np.int64(4), np.int64(1)), name="rect"),
            Sample((np.int64(3), np.int64(3), np.int64(-5)), name="far-off"),
            Sample(
                (np.int32(0), np.int32(2), np.int32(0)),
                {"dtype": "int8"},
                name="empty-int8",
            ),
            Sample(
                (np.int64(2), np.int64(2), np.int64(0)), {"dtype": "bool"}, name="bool"
            ),
        ],
        errors=[
            ErrorSample(
                (np.float64(2), np.int64(2), np.int64(0)), TypeError, "integer scalar"
            ),
            ErrorSample(
                (np.int64(-2), np.int64(2), np.int64(0)),
                ValueError,
                "non-negative",
                at_build=False,
                name="neg",
            ),
        ],
        family=F,
    )
)

register(
    OpInfo(
        name="eye_constant",
        build=lambda: atb.eye(3, k=1),
        ref=lambda: np.eye(3, k=1),
        samples=lambda rng: [Sample(())],
        errors=[],
        family=F,
    )
)

register(
    OpInfo(
        name="tri",
        build=lambda n, m, k, dtype=None: atb.tri(n, m, k, dtype=dtype),
        ref=lambda n, m, k, dtype=None: np.tri(n, m, k, dtype=dtype or "float64"),
        samples=lambda rng: [
            Sample((np.int64(3), np.int64(4), np.int64(0)), name="rect"),
            Sample(
                (np.int64(4), np.int64(2), np.int64(-1)),
                {"dtype": "int32"},
                name="neg-k",
            ),
            Sample((np.int64(0), np.int64(0), np.int64(0)), name="empty"),
        ],
        family=F,
    )
)


def _tri_samples(rng):
    return [
        Sample((_r(rng, 3, 4),), {"k": 0}, name="rect"),
        Sample((_r(rng, 4, 3),), {"k": -1}, name="neg-k"),
        Sample((_r(rng, 2, 3, 3),), {"k": 1}, name="batched"),
        Sample((_r(rng, 3),), {"k": 0}, name="vector"),
        Sample((np.arange(9).reshape(3, 3) > 3,), {"k": 0}, name="bool"),
        Sample((np.zeros((0, 2)),), {"k": 0}, name="empty"),
        Sample((_r(rng, 3, 3).T,), {"k": 2}, name="noncontig", static_shape=True),
    ]


for _name, _fn, _ref in (("tril", atb.tril, np.tril), ("triu", atb.triu, np.triu)):
    register(
        OpInfo(
            name=_name,
            build=lambda x, k, _fn=_fn: _fn(x, k),
            ref=lambda x, k, _ref=_ref: _ref(x, k),
            samples=_tri_samples,
            errors=[
                ErrorSample((np.float64(1),), ValueError, "at least 1-d", {"k": 0})
            ],
            differentiable=True,
            family=F,
        )
    )

register(
    OpInfo(
        name="arange",
        build=lambda a, b, c: atb.arange(a, b, c),
        ref=lambda a, b, c: np.arange(a, b, c),
        samples=lambda rng: [
            Sample((np.int64(0), np.int64(10), np.int64(3)), name="int"),
            Sample((np.int64(10), np.int64(0), np.int64(-2)), name="neg-step"),
            Sample((np.int64(5), np.int64(0), np.int64(1)), name="empty"),
            Sample((np.float64(0.5), np.float64(3.2), np.float64(0.7)), name="float"),
            Sample(
                (np.float64(0.0), np.float64(1.0), np.float64(0.1)), name="float-0.1"
            ),
        ],
        errors=[
            ErrorSample(
                (np.int64(0), np.int64(3), np.int64(0)),
                ValueError,
                "step must not be zero",
                at_build=False,
            ),
            ErrorSample(
                (np.zeros(2), np.int64(3), np.int64(1)),
                TypeError,
                "must be a scalar",
                name="vector",
            ),
        ],
        differentiable=True,
        grad_inputs=[0, 2],
        # Away from points where a small change of start/step changes the length.
        grad_samples=lambda rng: [
            Sample((np.float64(0.5), np.float64(3.2), np.float64(0.7)), name="float")
        ],
        family=F,
    )
)

register(
    OpInfo(
        name="arange_constant",
        build=lambda stop, step=1: atb.arange(0, stop, step),
        ref=lambda stop, step=1: np.arange(0, stop, step),
        samples=lambda rng: [
            Sample((), {"stop": 7}),
            Sample((), {"stop": 0}, name="empty"),
        ],
        errors=[
            ErrorSample(
                (),
                ValueError,
                "step must not be zero",
                {"stop": 0, "step": 0},
                name="zero-step",
            )
        ],
        family=F,
    )
)
register(
    OpInfo(
        name="arange_constant_step",
        build=lambda stop, step: atb.arange(0, stop, step),
        ref=lambda stop, step: np.arange(0, stop, step),
        samples=lambda rng: [Sample((), {"stop": 7, "step": 2})],
        errors=[
            ErrorSample((), ValueError, "step must not be zero", {"stop": 3, "step": 0})
        ],
        family=F,
    )
)

# ---------------------------------------------------------------------------
# Diagonals
# ---------------------------------------------------------------------------

register(
    OpInfo(
        name="diagonal",
        build=lambda x, offset=0, axis1=0, axis2=1: atb.diagonal(
            x, offset, axis1, axis2
        ),
        ref=lambda x, offset=0, axis1=0, axis2=1: np.diagonal(
            x, offset, axis1, axis2
        ).copy(),
        samples=lambda rng: [
            Sample((_r(rng, 3, 4),), name="rect"),
            Sample((_r(rng, 3, 4),), {"offset": 2}, name="offset"),
            Sample(
                (_r(rng, 4, 3),), {"offset": -2}, name="neg-offset", static_shape=True
            ),
            Sample((_r(rng, 2, 3, 4),), {"axis1": -1, "axis2": 0}, name="3d-neg-axes"),
            Sample((_r(rng, 3, 3),), {"offset": 5}, name="empty-diag"),
            Sample((np.zeros((0, 3)),), name="empty"),
            Sample((_r(rng, 4, 4).T,), name="noncontig"),
            Sample((np.arange(9).reshape(3, 3),), name="int"),
        ],
        errors=[
            ErrorSample((np.zeros(3),), ValueError, "2 or more dimensions"),
            ErrorSample(
                (np.zeros((2, 2)),),
                ValueError,
                "cannot be the same",
                {"axis1": 1, "axis2": -1},
                name="same",
            ),
        ],
        differentiable=True,
        family=F,
    )
)

register(
    OpInfo(
        name="diag",
        build=lambda x, k=0: atb.diag(x, k),
        ref=lambda x, k=0: np.diag(x, k),
        samples=lambda rng: [
            Sample((_r(rng, 3),), name="alloc"),
            Sample((_r(rng, 3),), {"k": -2}, name="alloc-neg-k", static_shape=True),
            Sample((_r(rng, 3, 3),), {"k": 1}, name="extract"),
            Sample((np.zeros(0),), name="empty"),
            Sample((np.arange(3),), {"k": 1}, name="int"),
        ],
        errors=[ErrorSample((np.zeros((2, 2, 2)),), ValueError, "1-d or 2-d")],
        differentiable=True,
        family=F,
    )
)


def _alloc_diag_ref(v, offset=0, axis1=0, axis2=1):
    n = v.shape[-1] + abs(offset)
    out = np.zeros(v.shape[:-1] + (n, n), dtype=v.dtype)
    for i in range(v.shape[-1]):
        r, c = (i, i + offset) if offset >= 0 else (i - offset, i)
        out[..., r, c] = v[..., i]
    return np.moveaxis(out, (-2, -1), (axis1, axis2))


register(
    OpInfo(
        name="AllocDiag",
        build=lambda v, offset=0, axis1=0, axis2=1: atb.AllocDiag(offset, axis1, axis2)(
            v
        ),
        ref=_alloc_diag_ref,
        samples=lambda rng: [
            Sample(
                (_r(rng, 2, 3),), {"offset": 1, "axis1": 0, "axis2": 2}, name="batched"
            ),
            Sample(
                (_r(rng, 2, 3),),
                {"offset": -1, "axis1": -1, "axis2": 0},
                name="neg-axes",
            ),
        ],
        errors=[ErrorSample((np.float64(1),), ValueError, "at least 1 dimension")],
        differentiable=True,
        family=F,
    )
)

# ---------------------------------------------------------------------------
# Non-zero positions
# ---------------------------------------------------------------------------


def _nz_samples(rng):
    return [
        Sample((np.array([[0, 1, 0], [2, 0, 3]]),), name="int"),
        Sample((rng.standard_normal(5) > 0,), name="bool"),
        Sample((np.zeros((2, 0)),), name="empty"),
        Sample((np.zeros((2, 3)),), name="all-zero"),
        Sample((np.array([[0.0, 1.5], [np.nan, 0.0]]).T,), name="nan-noncontig"),
        Sample((np.arange(8).reshape(2, 2, 2) % 3,), name="3d"),
    ]


register(
    OpInfo(
        name="nonzero",
        build=lambda a: list(atb.nonzero(a)),
        ref=lambda a: [i.astype("int64") for i in np.nonzero(a)],
        samples=_nz_samples,
        errors=[ErrorSample((np.float64(1),), ValueError, "0-d")],
        family=F,
    )
)

register(
    OpInfo(
        name="nonzero_matrix",
        build=lambda a: atb.nonzero(a, return_matrix=True),
        ref=lambda a: np.array(np.nonzero(a), dtype="int64").reshape(a.ndim, -1),
        samples=_nz_samples,
        family=F,
    )
)

register(
    OpInfo(
        name="flatnonzero",
        build=lambda a: atb.flatnonzero(a),
        ref=lambda a: np.flatnonzero(a).astype("int64"),
        samples=lambda rng: _nz_samples(rng) + [Sample((np.float64(2.0),), name="0d")],
        family=F,
    )
)

register(
    OpInfo(
        name="nonzero_values",
        build=lambda a: atb.nonzero_values(a),
        ref=lambda a: np.asarray(a).ravel()[np.flatnonzero(a)],
        samples=lambda rng: (
            _nz_samples(rng)
            + [Sample((np.array([[0.0, 1.5], [-2.0, 0.0]]),), name="float")]
        ),
        differentiable=True,
        # Zeros would make finite differences change the output's length.
        grad_samples=lambda rng: [
            Sample((np.array([[0.7, 1.5], [-2.0, 0.5]]),), name="no-zeros")
        ],
        family=F,
    )
)

for _name, _fn, _ref in (
    ("tril_indices", atb.tril_indices, np.tril_indices),
    ("triu_indices", atb.triu_indices, np.triu_indices),
):
    register(
        OpInfo(
            name=_name,
            build=lambda n, k, m, _fn=_fn: list(_fn(n, k, m)),
            ref=lambda n, k, m, _ref=_ref: [i.astype("int64") for i in _ref(n, k, m)],
            samples=lambda rng: [
                Sample((np.int64(3), np.int64(0), np.int64(3)), name="square"),
                Sample((np.int64(3), np.int64(1), np.int64(5)), name="rect"),
                Sample((np.int64(3), np.int64(-1), np.int64(2)), name="neg-k"),
            ],
            family=F,
        )
    )

for _name, _fn, _ref in (
    ("tril_indices_from", atb.tril_indices_from, np.tril_indices_from),
    ("triu_indices_from", atb.triu_indices_from, np.triu_indices_from),
):
    register(
        OpInfo(
            name=_name,
            build=lambda a, k=0, _fn=_fn: list(_fn(a, k)),
            ref=lambda a, k=0, _ref=_ref: [i.astype("int64") for i in _ref(a, k)],
            samples=lambda rng: [
                Sample((np.zeros((3, 4)),), name="rect"),
                Sample((np.zeros((4, 2)),), {"k": -1}, name="neg-k"),
            ],
            errors=[ErrorSample((np.zeros(3),), ValueError, "two-dimensional")],
            family=F,
        )
    )

# ---------------------------------------------------------------------------
# choose / take_along_axis
# ---------------------------------------------------------------------------


def _choose_ref(a, choices, mode="raise"):
    return np.choose(a, choices, mode=mode)


register(
    OpInfo(
        name="choose",
        build=lambda a, choices, mode="raise": atb.choose(a, choices, mode=mode),
        ref=_choose_ref,
        samples=lambda rng: [
            Sample((np.array([0, 2, 1, 0]), _r(rng, 3, 4)), name="vector"),
            Sample((np.array([[0], [1]]), _r(rng, 2, 2, 3)), name="broadcast"),
            Sample(
                (np.array([-1, 4, 1]), _r(rng, 3, 3)), {"mode": "wrap"}, name="wrap"
            ),
            Sample(
                (np.array([-1, 4, 1]), _r(rng, 3, 3)), {"mode": "clip"}, name="clip"
            ),
            Sample((np.zeros(0, dtype="int64"), _r(rng, 2, 0)), name="empty"),
            Sample((np.int64(1), _r(rng, 2)), name="0d"),
        ],
        errors=[
            ErrorSample((np.zeros(2), np.zeros((2, 2))), TypeError, "must be integer"),
            ErrorSample(
                (np.array([3]), np.zeros((2, 1))),
                ValueError,
                "choose",
                at_build=False,
                name="range",
            ),
            ErrorSample(
                (np.array([0]), np.zeros((2, 1))),
                ValueError,
                "mode",
                {"mode": "bad"},
                name="mode",
            ),
        ],
        differentiable=True,
        grad_inputs=[1],
        family=F,
    )
)

register(
    OpInfo(
        name="choose_list",
        build=lambda a, c0, c1: atb.choose(a, [c0, c1]),
        ref=lambda a, c0, c1: np.choose(a, np.broadcast_arrays(c0, c1)),
        samples=lambda rng: [
            Sample(
                (np.array([[0, 1, 1]]), _r(rng, 3), _r(rng, 2, 1)), name="broadcast"
            ),
        ],
        differentiable=True,
        grad_inputs=[1, 2],
        family=F,
    )
)

register(
    OpInfo(
        name="take_along_axis",
        build=lambda x, idx, axis: atb.take_along_axis(x, idx, axis),
        ref=lambda x, idx, axis: np.take_along_axis(x, idx, axis),
        samples=lambda rng: [
            Sample(
                (_r(rng, 3, 4), rng.integers(0, 3, (2, 4))), {"axis": 0}, name="axis0"
            ),
            Sample(
                (_r(rng, 3, 4), rng.integers(-4, 4, (3, 6))),
                {"axis": -1},
                name="neg-idx",
            ),
            Sample(
                (_r(rng, 3, 4), rng.integers(0, 3, (2, 1))),
                {"axis": 0},
                name="bcast-idx",
            ),
            Sample(
                (_r(rng, 1, 4), rng.integers(0, 4, (3, 2))),
                {"axis": 1},
                name="bcast-arr",
            ),
            Sample(
                (_r(rng, 5), np.array([1, 1, 4])), {"axis": None}, name="flat-repeat"
            ),
            Sample(
                (_r(rng, 3, 0), np.zeros((2, 0), "int64")), {"axis": 0}, name="empty"
            ),
            Sample(
                (np.arange(6).reshape(2, 3), np.array([[2], [0]])),
                {"axis": 1},
                name="int",
                static_shape=True,
            ),
        ],
        errors=[
            ErrorSample(
                (np.zeros(3), np.zeros(2)), IndexError, "must be integers", {"axis": 0}
            ),
            ErrorSample(
                (np.zeros((3, 2)), np.zeros(2, "int64")),
                ValueError,
                "same number of dimensions",
                {"axis": 0},
                name="rank",
            ),
            ErrorSample(
                (np.zeros(3), np.array([3])),
                IndexError,
                "out of bounds",
                {"axis": 0},
                at_build=False,
                name="oob",
            ),
        ],
        differentiable=True,
        grad_inputs=[0],
        family=F,
    )
)

register(
    OpInfo(
        name="default",
        build=lambda x, d: atb.default(x, d),
        ref=lambda x, d: x,
        samples=lambda rng: [Sample((_r(rng, 2), _r(rng, 2)))],
        errors=[ErrorSample((np.zeros(2), np.zeros((2, 2))), TypeError, "same type")],
        family=F,
    )
)
