"""Op database entries for the :class:`Mean` and :class:`ProdWithoutZeros` ops.

``Mean`` always computes in double precision (``complex128`` for complex
inputs); ``ProdWithoutZeros`` multiplies the non-zero elements and gives 0 for
groups without any (all zeros, or empty).
"""

from __future__ import annotations

import numpy as np

from aesara.tensor.math import Mean, ProdWithoutZeros
from tests.op_db import ErrorSample, OpInfo, Sample, register

_AXES = [None, 0, 1, -1, (0, 2), (-1, 0)]


def _values(rng, shape, dtype, zeros=False):
    dt = np.dtype(dtype)
    if dt.kind == "b":
        return rng.random(shape) > 0.5
    if dt.kind in "iu":
        lo = 0 if dt.kind == "u" else -4
        return np.asarray(rng.integers(lo, 5, size=shape), dtype=dt)
    vals = rng.normal(0.0, 2.0, shape)
    if dt.kind == "c":
        vals = vals + 1j * rng.normal(0.0, 1.0, shape)
    vals = np.asarray(vals, dtype=dt)
    if zeros and vals.size:
        vals.flat[:: max(1, vals.size // 4)] = 0
    return vals


def _samples(dtypes, zeros):
    def samples(rng):
        out = []
        for dtype in dtypes:
            name = np.dtype(dtype).name
            x3 = _values(rng, (2, 3, 4), dtype, zeros)
            for axis in _AXES:
                out.append(Sample((x3,), {"axis": axis}, name=f"{name}-axis{axis}"))
            out.append(
                Sample((x3,), {"axis": 1}, name=f"{name}-static", static_shape=True)
            )
            out.append(
                Sample((_values(rng, (), dtype),), {"axis": None}, name=f"{name}-0d")
            )
            strided = _values(rng, (6, 8), dtype, zeros)[::2, ::3]
            out.append(Sample((strided,), {"axis": 0}, name=f"{name}-strided"))
            out.append(
                Sample(
                    (_values(rng, (3, 4), dtype, zeros).T,),
                    {"axis": -1},
                    name=f"{name}-transposed",
                )
            )
            e = _values(rng, (0, 3), dtype)
            out.append(Sample((e,), {"axis": 0}, name=f"{name}-empty-axis0"))
            out.append(Sample((e,), {"axis": 1}, name=f"{name}-empty-axis1"))
        return out

    return samples


def _axis_errors():
    return [
        ErrorSample(
            (np.zeros((2, 3)),),
            ValueError,
            match="out of bounds",
            kwargs={"axis": 2},
            name="axis-too-large",
        ),
        ErrorSample(
            (np.zeros((2, 3)),),
            ValueError,
            match="repeated axis",
            kwargs={"axis": (0, -2)},
            name="axis-repeated",
        ),
    ]


def _mean_ref(x, axis=None):
    axis = tuple(axis) if isinstance(axis, tuple) else axis
    dtype = np.complex128 if np.iscomplexobj(x) else np.float64
    with np.errstate(invalid="ignore", divide="ignore"):
        n = (
            x.size
            if axis is None
            else np.prod([x.shape[a] for a in np.atleast_1d(axis)])
        )
        return np.asarray(np.sum(x, axis=axis, dtype=dtype) / dtype(n), dtype=dtype)


def _prod_nz_ref(x, axis=None):
    # Reference written independently of the op: loop over the kept index
    # groups, multiplying the non-zero entries of each.
    nd = x.ndim
    axes = tuple(range(nd)) if axis is None else tuple(np.atleast_1d(axis) % max(nd, 1))
    keep = [d for d in range(nd) if d not in axes]
    moved = np.transpose(x, keep + list(axes))
    kshape = moved.shape[: len(keep)]
    n = int(np.prod(moved.shape[len(keep) :], dtype=np.int64))
    groups = moved.reshape(kshape + (n,))
    out_dtype = {
        "b": np.int64,
        "i": np.int64,
        "u": np.uint64,
    }.get(x.dtype.kind, x.dtype.type)
    res = np.empty(kshape, dtype=out_dtype)
    for idx in np.ndindex(*kshape):
        vals = [v for v in groups[idx] if v != 0]
        acc = out_dtype(1) if vals else out_dtype(0)
        for v in vals:
            acc = out_dtype(acc * out_dtype(v))
        res[idx] = acc
    return res


register(
    OpInfo(
        name="Mean",
        build=lambda x, axis=None: Mean(axis)(x),
        ref=_mean_ref,
        samples=_samples(
            ["float64", "float32", "int32", "uint8", "bool", "complex128"], False
        ),
        errors=_axis_errors(),
        differentiable=True,
        family="reduction",
    )
)

register(
    OpInfo(
        name="ProdWithoutZeros",
        build=lambda x, axis=None: ProdWithoutZeros(axis)(x),
        ref=_prod_nz_ref,
        samples=_samples(
            ["float64", "float32", "int16", "uint8", "bool", "complex128"], True
        ),
        errors=_axis_errors(),
        differentiable=False,
        family="reduction",
    )
)
