"""Op database entries for reductions: sum, prod, max, min, all, any, mean,
var, std, argmax, argmin, max_and_argmax, ptp and logsumexp.

Each is tried over ``axis=None``, an int, a negative int, a tuple (with a
negative entry), with and without ``keepdims``, on 0-d, empty and
non-contiguous inputs and on several dtypes.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import scipy.special

import aesara.tensor.math as atm
from tests.op_db import ErrorSample, OpInfo, Sample, register


def _values(rng, shape, dtype):
    dt = np.dtype(dtype)
    if dt.kind == "b":
        return rng.random(shape) > 0.5
    if dt.kind in "iu":
        lo = 0 if dt.kind == "u" else -5
        return np.asarray(rng.integers(lo, 6, size=shape), dtype=dt)
    vals = rng.normal(0.0, 2.0, shape)
    if dt.kind == "c":
        vals = vals + 1j * rng.normal(0.0, 1.0, shape)
    return np.asarray(vals, dtype=dt)


def _axis_samples(dtypes, keepdims=True, empty=True, tuple_axes=True, kw=None):
    """Samples covering axis forms, keepdims, 0-d, empty and non-contiguous inputs."""
    kw = kw or {}

    def samples(rng):
        out = []
        for dtype in dtypes:
            name = np.dtype(dtype).name
            x3 = _values(rng, (2, 3, 4), dtype)
            axes = [None, 0, 1, -1]
            if tuple_axes:
                axes += [(0, 2), (-1, 0), (0, 1, 2)]
            for axis in axes:
                out.append(
                    Sample((x3,), {"axis": axis, **kw}, name=f"{name}-axis{axis}")
                )
                if keepdims:
                    out.append(
                        Sample(
                            (x3,),
                            {"axis": axis, "keepdims": True, **kw},
                            name=f"{name}-axis{axis}-keep",
                        )
                    )
            out.append(
                Sample(
                    (x3,), {"axis": 1, **kw}, name=f"{name}-static", static_shape=True
                )
            )
            out.append(
                Sample(
                    (_values(rng, (), dtype),), {"axis": None, **kw}, name=f"{name}-0d"
                )
            )
            strided = _values(rng, (6, 8), dtype)[::2, ::3]
            out.append(Sample((strided,), {"axis": 0, **kw}, name=f"{name}-strided"))
            out.append(
                Sample(
                    (_values(rng, (3, 4), dtype).T,),
                    {"axis": -1, **kw},
                    name=f"{name}-transposed",
                )
            )
            if empty:
                e = _values(rng, (0, 3), dtype)
                out.append(Sample((e,), {"axis": 0, **kw}, name=f"{name}-empty-axis0"))
                out.append(Sample((e,), {"axis": None, **kw}, name=f"{name}-empty-all"))
            else:
                # Empty leading axis that is not reduced: fine for every reduction.
                e = _values(rng, (0, 3), dtype)
                out.append(Sample((e,), {"axis": 1, **kw}, name=f"{name}-empty-kept"))
        return out

    return samples


def _axis_errors():
    return (
        ErrorSample(
            (np.zeros((2, 3)),),
            ValueError,
            match="axis 2 is out of bounds",
            kwargs={"axis": 2},
            name="axis-too-large",
        ),
        ErrorSample(
            (np.zeros((2, 3)),),
            ValueError,
            match="axis -3 is out of bounds",
            kwargs={"axis": -3},
            name="axis-too-negative",
        ),
        ErrorSample(
            (np.zeros((2, 3)),),
            ValueError,
            match="repeated axis",
            kwargs={"axis": (0, -2)},
            name="axis-repeated",
        ),
    )


def _empty_error():
    return ErrorSample(
        (np.zeros((0, 3)),),
        ValueError,
        match="zero-size|zero elements",
        kwargs={"axis": 0},
        at_build=False,
        name="empty-reduction",
    )


def _reg(
    name, build: Callable, ref: Callable, samples, errors=(), differentiable=True, **kw
):
    register(
        OpInfo(
            name=name,
            build=build,
            ref=ref,
            samples=samples,
            errors=errors,
            differentiable=differentiable,
            family="reduction",
            **kw,
        )
    )


NUMERIC = ("float64", "float32", "int64", "int8", "uint8", "bool")

_reg(
    "sum",
    atm.sum,
    lambda x, axis=None, keepdims=False: np.sum(x, axis=axis, keepdims=keepdims),
    _axis_samples((*NUMERIC, "complex128")),
    _axis_errors(),
)
_reg(
    "sum-dtype",
    lambda x, axis=None: atm.sum(x, axis=axis, dtype="float32"),
    lambda x, axis=None: np.sum(x, axis=axis, dtype="float64").astype("float32"),
    _axis_samples(("int64", "float64"), keepdims=False),
    differentiable=False,
)
_reg(
    "prod",
    atm.prod,
    lambda x, axis=None, keepdims=False: np.prod(x, axis=axis, keepdims=keepdims),
    _axis_samples(("float64", "float32", "int64", "int8", "bool")),
    _axis_errors(),
)
_reg(
    "max",
    atm.max,
    lambda x, axis=None, keepdims=False: np.max(x, axis=axis, keepdims=keepdims),
    _axis_samples(NUMERIC, empty=False),
    (*_axis_errors(), _empty_error()),
)
_reg(
    "min",
    atm.min,
    lambda x, axis=None, keepdims=False: np.min(x, axis=axis, keepdims=keepdims),
    _axis_samples(NUMERIC, empty=False),
    (*_axis_errors(), _empty_error()),
)
_reg(
    "all",
    atm.all,
    lambda x, axis=None, keepdims=False: np.all(x, axis=axis, keepdims=keepdims),
    _axis_samples(("bool", "int64", "float64")),
    _axis_errors(),
    differentiable=False,
)
_reg(
    "any",
    atm.any,
    lambda x, axis=None, keepdims=False: np.any(x, axis=axis, keepdims=keepdims),
    _axis_samples(("bool", "int64", "float64")),
    _axis_errors(),
    differentiable=False,
)
_reg(
    "mean",
    atm.mean,
    lambda x, axis=None, keepdims=False: np.mean(x, axis=axis, keepdims=keepdims),
    _axis_samples(("float64", "float32", "int64", "bool"), empty=False),
    _axis_errors(),
)
for _ddof in (0, 1):
    _reg(
        f"var-ddof{_ddof}",
        lambda x, axis=None, keepdims=False, ddof=_ddof: atm.var(
            x, axis=axis, ddof=ddof, keepdims=keepdims
        ),
        lambda x, axis=None, keepdims=False, ddof=_ddof: np.var(
            x, axis=axis, ddof=ddof, keepdims=keepdims
        ),
        _axis_samples(("float64", "float32", "int64", "complex128"), empty=False),
        _axis_errors(),
    )
    _reg(
        f"std-ddof{_ddof}",
        lambda x, axis=None, keepdims=False, ddof=_ddof: atm.std(
            x, axis=axis, ddof=ddof, keepdims=keepdims
        ),
        lambda x, axis=None, keepdims=False, ddof=_ddof: np.std(
            x, axis=axis, ddof=ddof, keepdims=keepdims
        ),
        _axis_samples(("float64", "float32"), empty=False),
        rtol=1e-5,
        # The 0-d samples have zero spread, where sqrt is not differentiable.
        grad_samples=lambda rng: [
            s
            for s in _axis_samples(("float64",), empty=False)(rng)
            if not s.name.endswith("-0d")
        ],
    )
_reg(
    "var-corrected",
    lambda x, axis=None: atm.var(x, axis=axis, corrected=True),
    lambda x, axis=None: np.var(x, axis=axis),
    _axis_samples(("float64",), keepdims=False, empty=False),
)


def _arg_ref(fn):
    def ref(x, axis=None, keepdims=False):
        x = np.asarray(x)
        if isinstance(axis, tuple):
            # NumPy takes one axis: move the reduced ones last and flatten them.
            axes = tuple(a % x.ndim for a in axis)
            keep = [d for d in range(x.ndim) if d not in axes]
            t = np.transpose(x, keep + sorted(axes))
            t = t.reshape(t.shape[: len(keep)] + (-1,))
            r = fn(t, axis=-1)
            if keepdims:
                r = np.expand_dims(r, tuple(sorted(axes)))
            return r
        return fn(x, axis=axis, keepdims=keepdims)

    return ref


_reg(
    "argmax",
    atm.argmax,
    _arg_ref(np.argmax),
    _axis_samples(("float64", "int64", "uint8", "int8", "bool"), empty=False),
    (*_axis_errors(), _empty_error()),
    differentiable=False,
)
_reg(
    "argmin",
    atm.argmin,
    _arg_ref(np.argmin),
    _axis_samples(("float64", "int64", "uint8", "int8", "bool"), empty=False),
    (*_axis_errors(), _empty_error()),
    differentiable=False,
)
_reg(
    "max_and_argmax",
    atm.max_and_argmax,
    lambda x, axis=None, keepdims=False: [
        np.max(x, axis=axis, keepdims=keepdims),
        _arg_ref(np.argmax)(x, axis=axis, keepdims=keepdims),
    ],
    _axis_samples(("float64", "int64"), empty=False),
    _axis_errors(),
)
_reg(
    "ptp",
    atm.ptp,
    lambda x, axis=None: np.ptp(x, axis=axis),
    _axis_samples(("float64", "int64"), keepdims=False, empty=False),
)
_reg(
    "logsumexp",
    atm.logsumexp,
    lambda x, axis=None, keepdims=False: scipy.special.logsumexp(
        x, axis=axis, keepdims=keepdims
    ),
    _axis_samples(("float64",), empty=False),
)


def _nan_samples(rng):
    x = _values(rng, (3, 4), "float64")
    x[1, 2] = np.nan
    x[0, 0] = np.inf
    x[2, 1] = -np.inf
    return [Sample((x,), {"axis": axis}, name=f"axis{axis}") for axis in (None, 0, 1)]


for _name, _build, _ref in (
    ("sum-nan", atm.sum, np.sum),
    ("max-nan", atm.max, np.max),
    ("min-nan", atm.min, np.min),
    ("prod-nan", atm.prod, np.prod),
    ("mean-nan", atm.mean, np.mean),
):
    _reg(
        _name,
        _build,
        lambda x, axis=None, _ref=_ref: _ref(x, axis=axis),
        _nan_samples,
        differentiable=False,
    )


# -- reductions of multi-input element-wise functions ----------------------
# FAST_RUN fuses these into one FusedCAReduce node (built directly in the
# last entry), so the C backend reduces f(x, y) without materialising it.


def _pair_samples(pairs):
    def samples(rng):
        out = []
        for xd, yd in pairs:
            tag = f"{np.dtype(xd).name}-{np.dtype(yd).name}"
            x = _values(rng, (3, 4), xd)
            for axis in (None, 0, -1):
                out.append(
                    Sample(
                        (x, _values(rng, (3, 4), yd)),
                        {"axis": axis},
                        name=f"{tag}-axis{axis}",
                    )
                )
                out.append(
                    Sample(
                        (x, _values(rng, (4,), yd)),
                        {"axis": axis},
                        name=f"{tag}-bcast-axis{axis}",
                    )
                )
            out.append(
                Sample((x, _values(rng, (1, 4), yd)), {"axis": 1}, name=f"{tag}-len1")
            )
            out.append(
                Sample(
                    (_values(rng, (8, 6), xd)[::2, ::-3], _values(rng, (4, 2), yd).T.T),
                    {"axis": 0},
                    name=f"{tag}-strided",
                )
            )
            out.append(
                Sample(
                    (_values(rng, (), xd), _values(rng, (), yd)),
                    {"axis": None},
                    name=f"{tag}-0d",
                )
            )
            out.append(
                Sample(
                    (x, _values(rng, (3, 4), yd)),
                    {"axis": 1},
                    name=f"{tag}-static",
                    static_shape=True,
                )
            )
        return out

    return samples


_PAIRS = (("float64", "float64"), ("float32", "float64"), ("int32", "bool"))

_reg(
    "sum-of-product",
    lambda x, y, axis=None: atm.sum(x * y, axis=axis),
    lambda x, y, axis=None: np.sum(x * y, axis=axis),
    _pair_samples(_PAIRS),
)


def _empty_pair_samples(rng):
    e = np.zeros((0, 3))
    return [
        Sample((e, _values(rng, (3,), "float64")), {"axis": a}, name=f"empty-axis{a}")
        for a in (None, 0, 1)
    ]


_reg(
    "sum-of-product-empty",
    lambda x, y, axis=None: atm.sum(x * y, axis=axis),
    lambda x, y, axis=None: np.sum(x * y, axis=axis),
    _empty_pair_samples,
    differentiable=False,
)
_reg(
    "max-of-exp-plus",
    lambda x, y, axis=None: atm.max(atm.exp(x) + y, axis=axis),
    lambda x, y, axis=None: np.max(np.exp(x) + y, axis=axis),
    _pair_samples((("float64", "float64"), ("float32", "float32"))),
    (
        ErrorSample(
            (np.zeros((0, 3)), np.zeros(3)),
            ValueError,
            match="zero-size|zero elements|identity",
            kwargs={"axis": 0},
            at_build=False,
            name="empty-reduction",
        ),
    ),
)


def _fused_sum_exp_times(x, y, axis=None):
    import aesara.scalar as aes
    from aesara.tensor.elemwise import _as_tensor
    from aesara.tensor.fused_reduce import FusedCAReduce

    x, y = _as_tensor(x), _as_tensor(y)
    if y.type.ndim < x.type.ndim:
        y = y.dimshuffle(*["x"] * (x.type.ndim - y.type.ndim), *range(y.type.ndim))
    acc = aes.float64()
    sx, sy = aes.get_scalar_type(x.type.dtype)(), aes.get_scalar_type(y.type.dtype)()
    elem = aes.cast(aes.exp(sx) * sy, "float64")
    composite = aes.Composite([acc, sx, sy], [aes.add(acc, elem)])
    if axis is not None:
        axis = [a % x.type.ndim for a in np.atleast_1d(axis)] if x.type.ndim else None
    return FusedCAReduce(composite, axis, "float64", "float64")(x, y)


_reg(
    "FusedCAReduce",
    _fused_sum_exp_times,
    lambda x, y, axis=None: np.sum(np.exp(x) * y, axis=axis, dtype="float64"),
    _pair_samples((("float64", "float64"), ("float32", "float64"))),
    # float32 exp may differ from NumPy's by an ulp, then cancel in the sum.
    rtol=1e-5,
    atol=1e-6,
)
