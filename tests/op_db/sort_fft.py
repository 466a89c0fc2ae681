"""Op database entries for sorting/selection, real FFTs, ``ifelse`` and checks."""

from __future__ import annotations

import numpy as np

from aesara.ifelse import ifelse
from aesara.raise_op import CheckAndRaise
from aesara.tensor import fft as atfft
from aesara.tensor.sort import argsort, argtopk, sort, topk, topk_and_argtopk
from tests.op_db import ErrorSample, OpInfo, Sample, register

F = "sort_fft"


def _r(rng, *shape, dtype="float64"):
    if not shape:
        return np.float64(rng.standard_normal())
    return rng.standard_normal(shape).astype(dtype)


# ---------------------------------------------------------------------------
# sort / argsort
# ---------------------------------------------------------------------------


def _sort_samples(rng):
    return [
        Sample((_r(rng, 6),), name="vector"),
        Sample((_r(rng, 3, 4),), {"axis": 0}, name="axis0"),
        Sample((_r(rng, 2, 3, 4),), {"axis": -2}, name="neg-axis", static_shape=True),
        Sample((_r(rng, 3, 4),), {"axis": None}, name="flat"),
        Sample((_r(rng),), {"axis": None}, name="0d-flat"),
        Sample((np.zeros((0, 3)),), {"axis": 0}, name="empty"),
        Sample((np.array([2.0, 1.0, 2.0, 1.0, 0.0]),), name="ties"),
        Sample((np.array([3.0, np.nan, -1.0, np.inf, -np.inf]),), name="nan-inf"),
        Sample((np.array([[5, -2, 7], [0, 0, -9]], dtype="int32"),), name="int32"),
        Sample((np.array([200, 3, 17], dtype="uint8"),), name="uint8"),
        Sample((np.array([True, False, True]),), name="bool"),
        Sample((_r(rng, 5, 3).T,), {"axis": 1}, name="noncontig"),
        Sample((_r(rng, 7).astype("float32"),), name="float32"),
        Sample((_r(rng, 4, 3),), {"axis": 0, "kind": "mergesort"}, name="mergesort"),
    ]


def _sort_grad_samples(rng):
    # Distinct values: sort is differentiable away from ties.
    return [
        Sample((rng.permutation(12).reshape(3, 4) + _r(rng, 3, 4) * 0.1,), name="mat"),
        Sample((_r(rng, 6),), {"axis": 0}, name="vector"),
        Sample((_r(rng, 2, 3, 4),), {"axis": 1}, name="axis1"),
        Sample((_r(rng, 3, 4),), {"axis": None}, name="flat"),
    ]


_SORT_ERRORS = [
    ErrorSample(
        (np.zeros((2, 3)),), np.exceptions.AxisError, "out of bounds", {"axis": 2}
    ),
    ErrorSample(
        (np.float64(1.0),), np.exceptions.AxisError, "out of bounds", name="0d"
    ),
    ErrorSample((np.zeros(3),), ValueError, "kind", {"kind": "bogus"}, name="kind"),
    ErrorSample(
        (np.zeros(3),), TypeError, "integer scalar", {"axis": 0.5}, name="float-axis"
    ),
]


def _sort_build(fn):
    def build(x, axis=-1, kind="quicksort"):
        return fn(x, axis=axis, kind=kind)

    return build


def _sort_ref(fn):
    def ref(x, axis=-1, kind="quicksort"):
        out = fn(x, axis=axis, kind=kind)
        return out.astype("int64") if fn is np.argsort else out

    return ref


register(
    OpInfo(
        name="sort",
        build=_sort_build(sort),
        ref=_sort_ref(np.sort),
        samples=_sort_samples,
        errors=_SORT_ERRORS,
        differentiable=True,
        grad_samples=_sort_grad_samples,
        family=F,
    )
)
register(
    OpInfo(
        name="argsort",
        build=_sort_build(argsort),
        ref=_sort_ref(np.argsort),
        samples=_sort_samples,
        errors=_SORT_ERRORS,
        family=F,
    )
)


# ---------------------------------------------------------------------------
# topk / argtopk
# ---------------------------------------------------------------------------


def _ref_topk_indices(x, kth, axis):
    """Most extreme first; ties by lower index; NaN larger than any number."""
    x = np.asarray(x)
    if axis is None:
        x, axis = x.reshape(-1), 0
    moved = np.moveaxis(x, axis, -1)
    flat = moved.reshape(-1, moved.shape[-1])
    m = abs(kth)
    rows = []
    for row in flat:
        vals = row.tolist()

        def key(i, vals=vals):
            v = vals[i]
            nan = isinstance(v, float) and v != v
            rank = (1, 0) if nan else (0, v)
            if kth > 0:
                rank = (-rank[0], -rank[1])
            return (*rank, i)

        rows.append(sorted(range(len(vals)), key=key)[:m])
    idx = np.array(rows, dtype="int64").reshape((*moved.shape[:-1], m))
    return np.moveaxis(idx, -1, axis), x, axis


def _ref_topk(x, kth, axis=-1):
    idx, xx, ax = _ref_topk_indices(x, kth, axis)
    return np.take_along_axis(xx, idx, axis=ax)


def _ref_argtopk(x, kth, axis=-1):
    return _ref_topk_indices(x, kth, axis)[0]


def _topk_samples(rng):
    return [
        Sample((_r(rng, 7),), {"kth": 3}, name="largest"),
        Sample((_r(rng, 7),), {"kth": -3}, name="smallest"),
        Sample((_r(rng, 4, 5),), {"kth": 2, "axis": 0}, name="axis0"),
        Sample((_r(rng, 2, 3, 5),), {"kth": -2, "axis": -2}, name="neg-axis"),
        Sample((_r(rng, 3, 4),), {"kth": 5, "axis": None}, name="flat"),
        Sample((_r(rng, 3, 4),), {"kth": 4}, name="whole-axis"),
        Sample((_r(rng, 3, 4),), {"kth": 1}, name="k1", static_shape=True),
        Sample((_r(rng, 3, 4),), {"kth": -1}, name="k-1"),
        Sample((np.zeros((0, 4)),), {"kth": 2}, name="empty-batch"),
        Sample((np.array([1.0, 3.0, 3.0, 2.0, 3.0]),), {"kth": 2}, name="ties"),
        Sample((np.array([1.0, 1.0, 0.0, 1.0]),), {"kth": -2}, name="ties-smallest"),
        Sample((np.array([1.0, np.nan, 5.0, -np.inf]),), {"kth": 2}, name="nan"),
        Sample(
            (np.array([[4, -1, 9], [0, 7, 7]], dtype="int32"),),
            {"kth": 2},
            name="int32",
        ),
        Sample((np.array([250, 3, 128, 7], dtype="uint8"),), {"kth": -2}, name="uint8"),
        Sample((_r(rng, 6).astype("float32"),), {"kth": 3}, name="float32"),
        Sample((_r(rng, 5, 4).T,), {"kth": 2, "axis": 1}, name="noncontig"),
        Sample((_r(rng, 6), np.int64(-4)), name="symbolic-kth"),
    ]


def _topk_grad_samples(rng):
    return [
        Sample((rng.permutation(8) + _r(rng, 8) * 0.1,), {"kth": 3}, name="largest"),
        Sample((rng.permutation(8) + _r(rng, 8) * 0.1,), {"kth": -3}, name="smallest"),
        Sample((_r(rng, 4, 5),), {"kth": 2, "axis": 0}, name="axis0"),
        Sample((_r(rng, 3, 4),), {"kth": 5, "axis": None}, name="flat"),
    ]


_TOPK_ERRORS = [
    ErrorSample((np.zeros(3),), ValueError, "cannot be zero", {"kth": 0}, name="k0"),
    ErrorSample(
        (np.zeros(3),),
        ValueError,
        "larger than the size",
        {"kth": 4},
        at_build=False,
        name="k-too-big",
    ),
    ErrorSample(
        (np.zeros(3),),
        ValueError,
        "larger than the size",
        {"kth": -4},
        at_build=False,
        name="neg-k-too-big",
    ),
    ErrorSample(
        (np.zeros(3), np.int64(0)),
        ValueError,
        "cannot be zero",
        at_build=False,
        name="symbolic-k0",
    ),
    ErrorSample(
        (np.float64(1.0),), ValueError, "at least one dimension", {"kth": 1}, name="0d"
    ),
    ErrorSample(
        (np.zeros((2, 2)),),
        IndexError,
        "out of range",
        {"kth": 1, "axis": 2},
        name="axis",
    ),
    ErrorSample(
        (np.zeros(3), np.float64(1.0)), TypeError, "integer scalar", name="float-k"
    ),
]


def _topk_build(which):
    # ``kth`` comes as a constant keyword, or as a symbolic second input ``k``.
    def build(x, k=None, kth=None, axis=-1):
        return which(x, k if k is not None else kth, axis=axis)

    return build


register(
    OpInfo(
        name="topk",
        build=_topk_build(topk),
        ref=lambda x, k=None, kth=None, axis=-1: _ref_topk(
            x, int(k if k is not None else kth), axis
        ),
        samples=_topk_samples,
        errors=_TOPK_ERRORS,
        differentiable=True,
        grad_inputs=[0],
        grad_samples=_topk_grad_samples,
        family=F,
    )
)
register(
    OpInfo(
        name="argtopk",
        build=_topk_build(argtopk),
        ref=lambda x, k=None, kth=None, axis=-1: _ref_argtopk(
            x, int(k if k is not None else kth), axis
        ),
        samples=_topk_samples,
        errors=_TOPK_ERRORS,
        family=F,
    )
)
register(
    OpInfo(
        name="topk_and_argtopk",
        build=lambda x, k=None, kth=None, axis=-1: list(
            topk_and_argtopk(x, k if k is not None else kth, axis=axis)
        ),
        ref=lambda x, k=None, kth=None, axis=-1: [
            _ref_topk(x, int(k if k is not None else kth), axis),
            _ref_argtopk(x, int(k if k is not None else kth), axis),
        ],
        samples=_topk_samples,
        family=F,
    )
)


# ---------------------------------------------------------------------------
# rfft / irfft
# ---------------------------------------------------------------------------

_NP_NORM_FWD = {None: "backward", "ortho": "ortho", "no_norm": "backward"}
_NP_NORM_INV = {None: "backward", "ortho": "ortho", "no_norm": "forward"}


def _ref_rfft(x, norm=None):
    x = np.asarray(x)
    dtype = x.dtype if x.dtype.kind == "f" else np.dtype("float64")
    spec = np.fft.rfftn(x, axes=tuple(range(1, x.ndim)), norm=_NP_NORM_FWD[norm])
    return np.stack([spec.real, spec.imag], axis=-1).astype(dtype)


def _ref_irfft(x, norm=None, is_odd=False):
    x = np.asarray(x)
    spec = x[..., 0] + 1j * x[..., 1]
    s = [*spec.shape[1:-1], 2 * (spec.shape[-1] - 1) + int(is_odd)]
    out = np.fft.irfftn(
        spec, s=s, axes=tuple(range(1, spec.ndim)), norm=_NP_NORM_INV[norm]
    )
    return out.astype(x.dtype if x.dtype.kind == "f" else "float64")


def _half_spectrum(rng, *shape):
    return _r(rng, *shape, 2)


register(
    OpInfo(
        name="rfft",
        build=lambda x, norm=None: atfft.rfft(x, norm=norm),
        ref=_ref_rfft,
        samples=lambda rng: [
            Sample((_r(rng, 3, 8),), name="even"),
            Sample((_r(rng, 2, 7),), {"norm": "ortho"}, name="odd-ortho"),
            Sample((_r(rng, 2, 4, 6),), {"norm": "no_norm"}, name="2d-signal"),
            Sample((_r(rng, 2, 3, 4, 5),), name="3d-signal", static_shape=True),
            Sample((_r(rng, 2, 1),), name="length1"),
            Sample((np.zeros((0, 6)),), name="empty-batch"),
            Sample((_r(rng, 6, 3).T,), name="noncontig"),
            Sample(
                (_r(rng, 2, 8).astype("float32"),), {"norm": "ortho"}, name="float32"
            ),
            Sample((np.arange(12, dtype="int32").reshape(2, 6),), name="int32"),
            Sample((np.array([[1e300, -1e300, 0.0, 1.0]]),), name="huge"),
        ],
        errors=[
            ErrorSample((np.zeros(4),), TypeError, "at least 2 dimensions", name="1d"),
            ErrorSample(
                (np.zeros((2, 4)),), ValueError, "norm", {"norm": "bogus"}, name="norm"
            ),
            ErrorSample(
                (np.zeros((2, 4), dtype="complex128"),),
                TypeError,
                "must be real",
                name="complex",
            ),
        ],
        differentiable=True,
        grad_samples=lambda rng: [
            Sample((_r(rng, 2, 6),), name="even"),
            Sample((_r(rng, 2, 5),), {"norm": "ortho"}, name="odd-ortho"),
            Sample((_r(rng, 2, 3, 4),), name="2d-signal"),
            Sample((_r(rng, 1, 3, 2, 3),), {"norm": "no_norm"}, name="3d-signal"),
        ],
        rtol=1e-6,
        atol=1e-9,
        family=F,
    )
)
register(
    OpInfo(
        name="irfft",
        build=lambda x, norm=None, is_odd=False: atfft.irfft(
            x, norm=norm, is_odd=is_odd
        ),
        ref=_ref_irfft,
        samples=lambda rng: [
            Sample((_half_spectrum(rng, 3, 5),), name="even"),
            Sample((_half_spectrum(rng, 2, 4),), {"is_odd": True}, name="odd"),
            Sample((_half_spectrum(rng, 2, 4),), {"norm": "ortho"}, name="ortho"),
            Sample(
                (_half_spectrum(rng, 2, 3, 4),), {"norm": "no_norm"}, name="2d-signal"
            ),
            Sample(
                (_half_spectrum(rng, 2, 3, 2, 3),),
                {"is_odd": True},
                name="3d",
                static_shape=True,
            ),
            Sample((np.zeros((0, 4, 2)),), name="empty-batch"),
            Sample((_half_spectrum(rng, 2, 4).astype("float32"),), name="float32"),
        ],
        errors=[
            ErrorSample(
                (np.zeros((2, 4)),), TypeError, "at least 3 dimensions", name="2d"
            ),
            ErrorSample(
                (np.zeros((2, 4, 3)),),
                ValueError,
                "length 2",
                name="not-pairs",
                at_build=False,
            ),
            ErrorSample(
                (np.zeros((2, 4, 2)),), ValueError, "norm", {"norm": "x"}, name="norm"
            ),
        ],
        differentiable=True,
        grad_samples=lambda rng: [
            Sample((_half_spectrum(rng, 2, 4),), name="even"),
            Sample((_half_spectrum(rng, 2, 4),), {"is_odd": True}, name="odd"),
            Sample(
                (_half_spectrum(rng, 1, 3, 3),), {"norm": "ortho"}, name="2d-signal"
            ),
        ],
        rtol=1e-6,
        atol=1e-9,
        family=F,
    )
)


# ---------------------------------------------------------------------------
# ifelse and CheckAndRaise
# ---------------------------------------------------------------------------


def _ifelse_build(c, a, b, const=None):
    # ``const`` replaces the symbolic condition by a constant (the rewrites
    # then remove the ifelse).
    cond = c if const is None else const
    return ifelse(cond, a, b)


def _ifelse_ref(c, a, b, const=None):
    cond = c if const is None else const
    return np.array(a if cond else b, copy=True)


register(
    OpInfo(
        name="ifelse",
        build=_ifelse_build,
        ref=_ifelse_ref,
        samples=lambda rng: [
            Sample((np.int8(1), _r(rng, 3), _r(rng, 3)), name="then"),
            Sample((np.int8(0), _r(rng, 3), _r(rng, 3)), name="else"),
            Sample((np.float64(0.5), _r(rng, 2, 2), _r(rng, 2, 2)), name="float-cond"),
            Sample((np.bool_(False), _r(rng), _r(rng)), name="0d"),
            Sample((np.int8(1), np.zeros((0, 2)), np.zeros((3, 2))), name="empty-then"),
            Sample((np.int8(0), _r(rng, 2, 3), _r(rng, 4, 3)), name="shapes-differ"),
            Sample(
                (np.int8(0), _r(rng, 2), _r(rng, 2)),
                {"const": np.int8(1)},
                name="const-true",
            ),
            Sample(
                (np.int8(1), _r(rng, 2), _r(rng, 2)), {"const": 0}, name="const-false"
            ),
            Sample(
                (np.int8(1), np.arange(3, dtype="int32"), np.ones(3, dtype="int32")),
                name="int32",
                static_shape=True,
            ),
        ],
        errors=[
            ErrorSample(
                (np.ones(2), np.zeros(2), np.zeros(2)),
                TypeError,
                "scalar",
                name="vector-cond",
            ),
            ErrorSample(
                (np.int8(1), np.zeros(2), np.zeros(2, dtype="float32")),
                TypeError,
                "output 0",
                name="dtype-mismatch",
            ),
            ErrorSample(
                (np.int8(1), np.zeros(2), np.zeros((2, 2))),
                TypeError,
                "same type",
                name="ndim",
            ),
        ],
        differentiable=True,
        grad_inputs=[1, 2],
        family=F,
    )
)

register(
    OpInfo(
        name="check_and_raise",
        build=lambda x, c: CheckAndRaise(ValueError, "x must be valid")(x, c),
        ref=lambda x, c: x,
        samples=lambda rng: [
            Sample((_r(rng, 3), np.bool_(True)), name="vector"),
            Sample((_r(rng), np.int8(1)), name="0d"),
            Sample((np.zeros((0, 2)), np.bool_(True)), name="empty"),
            Sample((np.arange(4, dtype="int32"), np.bool_(True)), name="int32"),
        ],
        errors=[
            ErrorSample(
                (_r(np.random.default_rng(0), 3), np.bool_(False)),
                ValueError,
                "x must be valid",
                at_build=False,
                name="false",
            ),
            ErrorSample(
                (np.zeros(3), np.ones(2, dtype=bool)),
                TypeError,
                "scalar",
                name="vector-cond",
            ),
        ],
        differentiable=True,
        grad_inputs=[0],
        family=F,
    )
)
