"""Op database entries for the element-wise functions of ``aesara.tensor.math``.

Entries are generated from the tables below: each row names the function,
its NumPy reference, the value domain of each input (so ``log`` only sees
positive numbers, ``arccosh`` numbers >= 1...), the dtypes to try and whether
it is differentiable. Every entry gets 0-d, empty, 3-d, non-contiguous and
(for float dtypes) extreme-value samples; functions of several inputs also
get row/column broadcasting, rank padding and mixed dtypes.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

import aesara.tensor.math as atm
from tests.op_db import ErrorSample, OpInfo, Sample, register

# Extreme float values, per domain: only values inside the domain (or at its
# edge) so references and results stay comparable.
_EXTREMES = {
    "real": [np.inf, -np.inf, np.nan, 1e308, -1e308, 5e-324, -0.0, 0.0],
    "small": [np.inf, -np.inf, np.nan, 700.0, -745.0, 5e-324, -0.0],
    "pos": [np.inf, np.nan, 1e308, 5e-324, 2.2250738585072014e-308],
    "nonzero": [np.inf, -np.inf, np.nan, 1e308, -1e-300, 5e-324],
    "unit": [np.nan, 1.0, -1.0, -0.0, 5e-324],
    "ge1": [np.inf, np.nan, 1.0, 1e308],
    "ties": [0.5, 1.5, 2.5, -0.5, -2.5, np.inf, -np.inf, np.nan, -0.0],
}


def draw(rng: np.random.Generator, domain: str, shape, dtype) -> np.ndarray:
    """Random values of ``dtype`` and ``shape`` inside ``domain``."""
    dt = np.dtype(dtype)
    if dt.kind == "b":
        return np.asarray(rng.random(shape) > 0.5)
    if dt.kind in "iu":
        lo, hi = {
            "pos": (1, 9),
            "nonzero": (1, 9),
            "exponent": (0, 4),
            "ge1": (1, 9),
            "low": (-9, 0),
            "high": (0, 10),
        }.get(domain, (-9 if dt.kind == "i" else 0, 10))
        vals = rng.integers(lo, hi, size=shape)
        if domain == "nonzero" and dt.kind == "i":
            vals = vals * rng.choice([-1, 1], size=shape)
        return np.asarray(vals, dtype=dt)
    if domain == "pos":
        vals = rng.uniform(0.1, 5.0, shape)
    elif domain == "unit":
        vals = rng.uniform(-0.95, 0.95, shape)
    elif domain == "ge1":
        vals = rng.uniform(1.0, 6.0, shape)
    elif domain == "small":
        vals = rng.uniform(-4.0, 4.0, shape)
    elif domain == "nonzero":
        vals = rng.uniform(0.5, 5.0, shape) * rng.choice([-1.0, 1.0], size=shape)
    elif domain == "exponent":
        vals = rng.uniform(-2.0, 2.0, shape)
    elif domain == "low":
        vals = rng.uniform(-3.0, -0.5, shape)
    elif domain == "high":
        vals = rng.uniform(0.5, 3.0, shape)
    elif domain == "ties":
        vals = rng.integers(-6, 6, size=shape) / 2.0
    else:
        vals = rng.normal(0.0, 3.0, shape)
    if dt.kind == "c":
        vals = vals + 1j * rng.uniform(-1.0, 1.0, shape)
    return np.asarray(vals, dtype=dt)


def _extreme(domain: str, dtype, n: int) -> np.ndarray | None:
    vals = _EXTREMES.get(domain)
    if vals is None or np.dtype(dtype).kind != "f":
        return None
    with np.errstate(over="ignore", under="ignore"):
        arr = np.asarray(vals, dtype=dtype)
    # Rotate for the other inputs so extremes meet each other and ordinary values.
    return np.roll(arr, n)


@dataclass
class _Spec:
    name: str
    ref: Callable
    domains: tuple
    dtypes: tuple
    differentiable: bool = False
    build: Callable | None = None
    extremes: bool = True
    rtol: float | None = None
    atol: float | None = None


def _make_samples(spec: _Spec):
    nin = len(spec.domains)

    def samples(rng):
        out = []
        for dtype in spec.dtypes:
            dts = dtype if isinstance(dtype, tuple) else (dtype,) * nin
            tag = "-".join(dict.fromkeys(np.dtype(d).name for d in dts))

            def vals(shapes, dts=dts):
                return tuple(
                    draw(rng, dom, shp, dt)
                    for dom, shp, dt in zip(spec.domains, shapes, dts)
                )

            out.append(Sample(vals([()] * nin), name=f"0d-{tag}"))
            out.append(Sample(vals([(5,)] * nin), name=f"vector-{tag}"))
            out.append(Sample(vals([(2, 3, 4)] * nin), name=f"3d-{tag}"))
            out.append(Sample(vals([(0,)] * nin), name=f"empty-{tag}"))
            out.append(Sample(vals([(2, 0)] * nin), name=f"empty2d-{tag}"))
            # Non-contiguous values: strided slices and a transposed matrix.
            strided = tuple(v[::2, ::3] for v in vals([(6, 9)] * nin))
            out.append(Sample(strided, name=f"strided-{tag}"))
            out.append(
                Sample(
                    tuple(v.T for v in vals([(3, 4)] * nin)), name=f"transposed-{tag}"
                )
            )
            out.append(
                Sample(vals([(3, 4)] * nin), name=f"static-{tag}", static_shape=True)
            )
            if nin > 1:
                row_col = [(1, 4) if i % 2 == 0 else (3, 1) for i in range(nin)]
                out.append(Sample(vals(row_col), name=f"row-col-{tag}"))
                out.append(
                    Sample(
                        vals(row_col), name=f"row-col-static-{tag}", static_shape=True
                    )
                )
                ranks = [(2, 3, 4) if i == 0 else (3, 4) for i in range(nin)]
                out.append(Sample(vals(ranks), name=f"rank-pad-{tag}"))
                scal = [(3, 4) if i == 0 else () for i in range(nin)]
                out.append(Sample(vals(scal), name=f"with-0d-{tag}"))
                emp = [(0, 3) if i == 0 else (1, 3) for i in range(nin)]
                out.append(Sample(vals(emp), name=f"empty-bcast-{tag}"))
                # Sizes unknown statically and equal to 1 at run time broadcast.
                out.append(
                    Sample(
                        vals([(4,) if i == 0 else (1,) for i in range(nin)]),
                        name=f"runtime-bcast-{tag}",
                    )
                )
            if spec.extremes:
                ext = [
                    _extreme(dom, dt, i)
                    for i, (dom, dt) in enumerate(zip(spec.domains, dts))
                ]
                if all(e is not None for e in ext) and len({e.size for e in ext}) == 1:
                    out.append(Sample(tuple(ext), name=f"extreme-{tag}"))
        return out

    return samples


def _register(spec: _Spec) -> None:
    build = spec.build or getattr(atm, spec.name)
    nin = len(spec.domains)
    errors = ()
    if nin > 1:
        dt = spec.dtypes[0] if isinstance(spec.dtypes[0], str) else spec.dtypes[0][0]
        args = tuple(np.zeros(2 if i == 0 else 3, dtype=dt) for i in range(nin))
        errors = (
            ErrorSample(
                args,
                ValueError,
                match=r"shapes \[\(2,\), \(3,\)",
                at_build=False,
                name="runtime-shape-mismatch",
            ),
        )
    register(
        OpInfo(
            name=spec.name,
            build=build,
            ref=spec.ref,
            samples=_make_samples(spec),
            errors=errors,
            differentiable=spec.differentiable,
            rtol=spec.rtol,
            atol=spec.atol,
            family="elemwise",
        )
    )


def _round_away(x):
    return np.where(x >= 0, np.floor(x + 0.5), np.ceil(x - 0.5)).astype(x.dtype)


def _complex(re, im):
    dtype = np.result_type(re.dtype, im.dtype, np.complex64)
    out = np.empty(np.broadcast_shapes(re.shape, im.shape), dtype=dtype)
    out.real = re
    out.imag = im
    return out


def _complex_from_polar(r, theta):
    dtype = np.result_type(r.dtype, theta.dtype, np.complex64)
    return _complex(r * np.cos(theta), r * np.sin(theta)).astype(dtype)


F = ("float64", "float32")
FI = ("float64", "float32", "int64")
R, P, NZ = "real", "pos", "nonzero"

_UNARY = [
    _Spec("neg", np.negative, (R,), (*FI, "int8", "complex128"), True),
    _Spec("abs", np.abs, (R,), (*FI, "int8", "complex128"), True),
    _Spec("sgn", np.sign, (R,), FI),
    _Spec("sqr", np.square, (R,), (*FI, "complex128"), True),
    _Spec("sqrt", np.sqrt, (P,), (*FI, "complex128"), True),
    _Spec("reciprocal", np.reciprocal, (NZ,), F, True),
    _Spec("exp", np.exp, ("small",), (*F, "complex128"), True),
    _Spec("exp2", np.exp2, ("small",), F, True),
    _Spec("expm1", np.expm1, ("small",), F, True),
    _Spec("log", np.log, (P,), (*FI, "complex128"), True),
    _Spec("log2", np.log2, (P,), FI, True),
    _Spec("log10", np.log10, (P,), FI, True),
    _Spec("log1p", np.log1p, (P,), F, True),
    _Spec("cos", np.cos, (R,), F, True),
    _Spec("sin", np.sin, (R,), F, True),
    _Spec("tan", np.tan, ("unit",), F, True),
    _Spec("arccos", np.arccos, ("unit",), F, True),
    _Spec("arcsin", np.arcsin, ("unit",), F, True),
    _Spec("arctan", np.arctan, (R,), F, True),
    _Spec("cosh", np.cosh, ("small",), F, True),
    _Spec("sinh", np.sinh, ("small",), F, True),
    _Spec("tanh", np.tanh, (R,), F, True),
    _Spec("arccosh", np.arccosh, ("ge1",), F, True),
    _Spec("arcsinh", np.arcsinh, (R,), F, True),
    _Spec("arctanh", np.arctanh, ("unit",), F, True),
    _Spec("deg2rad", np.deg2rad, (R,), F, True),
    _Spec("rad2deg", np.rad2deg, (R,), F, True),
    _Spec("ceil", np.ceil, (R,), F),
    _Spec("floor", np.floor, (R,), F),
    _Spec("trunc", np.trunc, (R,), F),
    _Spec("round_half_to_even", np.round, ("ties",), F),
    _Spec("round_half_away_from_zero", _round_away, ("ties",), F),
    _Spec(
        "iround", lambda x: np.round(x).astype("int64"), ("ties",), F, extremes=False
    ),
    _Spec("isnan", np.isnan, (R,), F),
    _Spec("isinf", np.isinf, (R,), F),
    _Spec("invert", np.invert, (R,), ("bool", "int64", "int8", "uint8")),
    _Spec("real", np.real, (R,), ("complex128", "complex64", "float64"), True),
    _Spec("imag", np.imag, (R,), ("complex128", "complex64"), True),
    _Spec("angle", np.angle, (R,), ("complex128", "float64"), True),
    _Spec("conj", np.conj, (R,), ("complex128", "float64"), True),
]

_BINARY = [
    _Spec(
        "add",
        np.add,
        (R, R),
        (*FI, "int8", "complex128", ("float32", "int64"), ("int8", "float32")),
        True,
    ),
    _Spec(
        "sub", np.subtract, (R, R), (*FI, "complex128", ("float64", "float32")), True
    ),
    _Spec("mul", np.multiply, (R, R), (*FI, "complex128", ("int64", "float64")), True),
    _Spec("true_div", np.true_divide, (R, NZ), (*FI, "complex128"), True),
    _Spec("int_div", np.floor_divide, (R, NZ), ("int64", "int32", "float64")),
    _Spec("mod", np.mod, (R, NZ), ("int64", "int32", "float64")),
    _Spec("pow", np.power, (P, "exponent"), ("float64", "float32", "int64"), True),
    _Spec("maximum", np.maximum, (R, R), FI, True),
    _Spec("minimum", np.minimum, (R, R), FI, True),
    _Spec("arctan2", np.arctan2, (R, R), F, True),
    _Spec("lt", np.less, (R, R), (*FI, ("float32", "int64"))),
    _Spec("gt", np.greater, (R, R), FI),
    _Spec("le", np.less_equal, (R, R), FI),
    _Spec("ge", np.greater_equal, (R, R), FI),
    _Spec("eq", np.equal, (R, R), (*FI, "bool")),
    _Spec("neq", np.not_equal, (R, R), (*FI, "bool")),
    _Spec("and_", np.bitwise_and, (R, R), ("bool", "int64", "uint8")),
    _Spec("or_", np.bitwise_or, (R, R), ("bool", "int64", "uint8")),
    _Spec("xor", np.bitwise_xor, (R, R), ("bool", "int64", "uint8")),
    _Spec("complex", _complex, (R, R), F, True),
    _Spec("complex_from_polar", _complex_from_polar, (P, R), F, True, extremes=False),
    _Spec("logaddexp", np.logaddexp, (R, R), F, True),
    # smallest/largest pick with comparisons, so NaN handling differs from
    # np.minimum/np.maximum: no extreme values.
    _Spec(
        "smallest",
        np.minimum,
        (R, R),
        ("float64", "int64"),
        differentiable=True,
        extremes=False,
    ),
    _Spec(
        "largest",
        np.maximum,
        (R, R),
        ("float64", "int64"),
        differentiable=True,
        extremes=False,
    ),
    _Spec("ceil_intdiv", lambda a, b: -(-a // b), (R, NZ), ("int64",)),
    _Spec(
        "divmod",
        lambda a, b: list(np.divmod(a, b)),
        (R, NZ),
        ("int64", "float64"),
        extremes=False,
    ),
    _Spec("isclose", np.isclose, (R, R), ("float64",)),
    _Spec("clip", np.clip, (R, "low", "high"), FI, True),
]


for _spec in _UNARY + _BINARY:
    _register(_spec)


def _close_values(rng):
    a = draw(rng, R, (4, 5), "float64")
    b = a * (1 + rng.uniform(-2e-5, 2e-5, a.shape))
    return [
        Sample((a, b), name="near"),
        Sample((a, a + 1.0), name="far"),
        Sample(
            (np.array([np.nan, np.inf, 1.0]), np.array([np.nan, np.inf, 1.0])),
            name="special",
        ),
        Sample((np.zeros((0, 3)), np.zeros((1, 3))), name="empty"),
    ]


register(
    OpInfo(
        name="allclose",
        build=atm.allclose,
        ref=lambda a, b: np.asarray(np.allclose(a, b)),
        samples=_close_values,
        family="elemwise",
    )
)
register(
    OpInfo(
        name="isclose-equal_nan",
        build=lambda a, b: atm.isclose(a, b, equal_nan=True),
        ref=lambda a, b: np.isclose(a, b, equal_nan=True),
        samples=_close_values,
        family="elemwise",
    )
)
