"""Op database entries for the special functions (``aesara.scalar.math`` lifted
to tensors in ``aesara.tensor.math``), ``aesara.tensor.xlogx`` and
``aesara.tensor.special`` (softmax family, ``poch``, ``factorial``, ``betaln``).

Each element-wise function is described by the value domain of each input
(so ``erfinv`` only sees ``(-1, 1)``, the incomplete gamma function positive
shapes...), extreme values that exercise its stable branches, the dtypes to
try and which inputs are differentiable.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import scipy.special as ss

import aesara.tensor.math as atm
import aesara.tensor.special as ats
import aesara.tensor.xlogx as atx
from tests.op_db import ErrorSample, OpInfo, Sample, register

# name -> (low, high) of a uniform draw, or "normal"
_DOMAINS: dict[str, tuple[float, float] | str] = {
    "real": "normal",
    "pos": (0.2, 5.0),
    "shape": (0.5, 6.0),
    "unit": (-0.95, 0.95),
    "erfc": (0.05, 1.95),
    "prob": (0.05, 0.95),
    "neg": (-5.0, -0.05),
    "order": (0.0, 3.0),
    "z": (-0.7, 0.7),
    "bessel": (0.2, 8.0),
}


def _draw(rng: np.random.Generator, domain: str, shape, dtype) -> np.ndarray:
    dt = np.dtype(dtype)
    dom = _DOMAINS[domain]
    if dt.kind in "iu":
        lo, hi = (-5, 6) if dom == "normal" else (int(np.ceil(dom[0])), int(dom[1]) + 1)
        if domain == "unit":
            lo, hi = 0, 1
        return np.asarray(rng.integers(lo, hi, size=shape), dtype=dt)
    if dom == "normal":
        vals = rng.normal(0.0, 3.0, shape)
    else:
        vals = rng.uniform(dom[0], dom[1], shape)
    return np.asarray(vals, dtype=dt)


def _float_dtype(*arrays) -> np.dtype:
    """Output dtype under Aesara's upgrade_to_float rules."""
    dts = []
    for a in arrays:
        dt = np.asarray(a).dtype
        if dt.kind in "biu":
            dt = np.dtype(np.float32 if dt.itemsize <= 2 else np.float64)
        dts.append(dt)
    return np.result_type(*dts)


def _in_float64(fn: Callable) -> Callable:
    """A reference computed in float64 and cast to Aesara's output dtype."""

    def ref(*args):
        dtype = _float_dtype(*args)
        with np.errstate(all="ignore"):
            r = fn(*[np.asarray(a, dtype=np.float64) for a in args])
        return np.asarray(r).astype(dtype)

    return ref


def _same_dtype(fn: Callable) -> Callable:
    """A SciPy reference evaluated on inputs cast to the output dtype."""

    def ref(*args):
        dtype = _float_dtype(*args)
        with np.errstate(all="ignore"):
            r = fn(*[np.asarray(a, dtype=dtype) for a in args])
        return np.asarray(r).astype(dtype)

    return ref


@dataclass
class _Spec:
    name: str
    ref: Callable
    domains: tuple
    dtypes: tuple = ("float64", "float32")
    extremes: tuple | None = None
    differentiable: bool = True
    grad_inputs: tuple | None = None
    rtol: float | None = None
    atol: float | None = None
    build: Callable | None = None


def _samples(spec: _Spec):
    nin = len(spec.domains)

    def samples(rng):
        out = []
        for dtype in spec.dtypes:
            dts = dtype if isinstance(dtype, tuple) else (dtype,) * nin
            tag = "-".join(dict.fromkeys(np.dtype(d).name for d in dts))

            def vals(shapes, dts=dts):
                return tuple(
                    _draw(rng, dom, shp, dt)
                    for dom, shp, dt in zip(spec.domains, shapes, dts)
                )

            out.append(Sample(vals([()] * nin), name=f"0d-{tag}"))
            out.append(Sample(vals([(5,)] * nin), name=f"vector-{tag}"))
            out.append(Sample(vals([(2, 3, 2)] * nin), name=f"3d-{tag}"))
            out.append(Sample(vals([(0,)] * nin), name=f"empty-{tag}"))
            strided = tuple(v[::2, ::3] for v in vals([(4, 6)] * nin))
            out.append(Sample(strided, name=f"strided-{tag}"))
            out.append(
                Sample(vals([(3, 2)] * nin), name=f"static-{tag}", static_shape=True)
            )
            if nin > 1:
                row_col = [(1, 3) if i % 2 == 0 else (2, 1) for i in range(nin)]
                out.append(Sample(vals(row_col), name=f"row-col-{tag}"))
                scal = [(2, 3) if i == 0 else () for i in range(nin)]
                out.append(Sample(vals(scal), name=f"with-0d-{tag}"))
            if spec.extremes is not None and np.dtype(dts[0]).kind == "f":
                ext = []
                for i, dt in enumerate(dts):
                    column = spec.extremes[i] if nin > 1 else spec.extremes
                    with np.errstate(over="ignore"):
                        ext.append(np.asarray(column, dtype=dt))
                out.append(Sample(tuple(ext), name=f"extreme-{tag}"))
        return out

    return samples


def _grad_samples(spec: _Spec):
    nin = len(spec.domains)

    def samples(rng):
        return [
            Sample(
                tuple(_draw(rng, dom, (3,), "float64") for dom in spec.domains),
                name="grad-vector",
            ),
            Sample(
                tuple(_draw(rng, dom, (), "float64") for dom in spec.domains),
                name="grad-0d",
            ),
        ] + (
            [
                Sample(
                    tuple(
                        _draw(rng, dom, (2, 1) if i else (1, 3), "float64")
                        for i, dom in enumerate(spec.domains)
                    ),
                    name="grad-bcast",
                )
            ]
            if nin > 1
            else []
        )

    return samples


def _register(spec: _Spec) -> None:
    nin = len(spec.domains)
    build = spec.build or getattr(atm, spec.name)
    errors = [
        ErrorSample(
            (np.zeros(2, dtype="complex128"),) * nin,
            TypeError,
            match="complex",
            name="complex-input",
        )
    ]
    if nin > 1:
        errors.append(
            ErrorSample(
                tuple(np.full(2 if i == 0 else 3, 0.5) for i in range(nin)),
                ValueError,
                match=r"shapes \[\(2,\), \(3,\)",
                at_build=False,
                name="runtime-shape-mismatch",
            )
        )
    register(
        OpInfo(
            name=spec.name,
            build=build,
            ref=spec.ref,
            samples=_samples(spec),
            errors=tuple(errors),
            differentiable=spec.differentiable,
            grad_inputs=spec.grad_inputs,
            grad_samples=_grad_samples(spec) if spec.differentiable else None,
            rtol=spec.rtol,
            atol=spec.atol,
            family="special",
        )
    )


_INF, _NAN = np.inf, np.nan


def _softplus_ref(x):
    return np.logaddexp(0.0, x)


def _log1mexp_ref(x):
    # mpmath-free high-accuracy reference: the two-branch formula in float64
    return np.where(x < -np.log(2), np.log1p(-np.exp(x)), np.log(-np.expm1(x)))


_SPECS = [
    _Spec(
        "erf",
        _same_dtype(ss.erf),
        ("real",),
        ("float64", "float32", "int64", "int8"),
        (_INF, -_INF, _NAN, 0.0, -0.0, 1e-300, 30.0, -30.0),
    ),
    _Spec("erfc", _same_dtype(ss.erfc), ("real",), extremes=(_INF, -_INF, _NAN, 30.0)),
    _Spec("erfcx", _same_dtype(ss.erfcx), ("real",), extremes=(_INF, _NAN, 1e5, -5.0)),
    _Spec(
        "erfinv",
        _same_dtype(ss.erfinv),
        ("unit",),
        extremes=(1.0, -1.0, 0.0, _NAN, 2.0, 1e-300),
    ),
    _Spec(
        "erfcinv",
        _same_dtype(ss.erfcinv),
        ("erfc",),
        extremes=(0.0, 2.0, 1.0, _NAN, 3.0, 1e-300),
    ),
    _Spec("owens_t", _same_dtype(ss.owens_t), ("real", "real"), rtol=1e-6),
    _Spec(
        "gamma",
        _same_dtype(ss.gamma),
        ("pos",),
        ("float64", "float32", "int64"),
        (0.0, -1.0, -2.5, 171.5, 200.0, _INF, _NAN, 1e-300),
    ),
    _Spec(
        "gammaln",
        _same_dtype(ss.gammaln),
        ("pos",),
        ("float64", "float32", "int64"),
        (0.0, -1.0, -2.5, 1e300, _INF, _NAN, 1e-300, 1.0),
    ),
    _Spec("psi", _same_dtype(ss.psi), ("pos",), extremes=(0.0, -1.0, 1e300, _NAN, 1.0)),
    _Spec(
        "tri_gamma",
        _in_float64(lambda x: ss.polygamma(1, x)),
        ("pos",),
        extremes=(1e-300, 1e10, _NAN, 1.0, 0.5),
    ),
    _Spec(
        "chi2sf", _in_float64(lambda x, k: ss.chdtrc(k, x)), ("pos", "shape"), rtol=1e-6
    ),
    _Spec(
        "gammainc",
        _same_dtype(ss.gammainc),
        ("shape", "pos"),
        extremes=((1.0, 2.0, 0.5, 10.0), (0.0, _INF, 1e-300, 1e3)),
    ),
    _Spec(
        "gammaincc",
        _same_dtype(ss.gammaincc),
        ("shape", "pos"),
        extremes=((1.0, 2.0, 0.5, 10.0), (0.0, _INF, 1e-300, 1e3)),
    ),
    _Spec(
        "gammau",
        _in_float64(lambda k, x: ss.gammaincc(k, x) * ss.gamma(k)),
        ("shape", "pos"),
        rtol=1e-6,
    ),
    _Spec(
        "gammal",
        _in_float64(lambda k, x: ss.gammainc(k, x) * ss.gamma(k)),
        ("shape", "pos"),
        rtol=1e-6,
    ),
    _Spec("j0", _same_dtype(ss.j0), ("real",), extremes=(0.0, _INF, _NAN, 1e5)),
    _Spec("j1", _same_dtype(ss.j1), ("real",), extremes=(0.0, _INF, _NAN, 1e5)),
    _Spec(
        "jv",
        _same_dtype(ss.jv),
        ("order", "bessel"),
        grad_inputs=(1,),
        rtol=1e-6,
    ),
    _Spec("i0", _same_dtype(ss.i0), ("real",), extremes=(0.0, 800.0, _NAN, -3.0)),
    _Spec("i1", _same_dtype(ss.i1), ("real",), extremes=(0.0, 800.0, _NAN, -3.0)),
    _Spec("iv", _same_dtype(ss.iv), ("order", "bessel"), grad_inputs=(1,), rtol=1e-6),
    _Spec(
        "sigmoid",
        _same_dtype(ss.expit),
        ("real",),
        ("float64", "float32", "int64"),
        (-800.0, 800.0, _INF, -_INF, _NAN, 0.0, 1e-300, -40.0),
    ),
    _Spec(
        "softplus",
        _in_float64(_softplus_ref),
        ("real",),
        ("float64", "float32", "int64"),
        (-800.0, 800.0, -40.0, 20.0, 35.0, _INF, -_INF, _NAN),
    ),
    _Spec(
        "log1mexp",
        _in_float64(_log1mexp_ref),
        ("neg",),
        extremes=(0.0, -0.0, -1e-20, -1e-5, -800.0, -_INF, _NAN, -np.log(2)),
    ),
    _Spec(
        "betainc",
        _same_dtype(ss.betainc),
        ("shape", "shape", "prob"),
        extremes=((1.0, 2.0, 0.5, 3.0), (1.0, 0.5, 2.0, 3.0), (0.0, 1.0, 0.5, 1e-300)),
        rtol=1e-6,
    ),
    _Spec(
        "hyp2f1",
        _same_dtype(ss.hyp2f1),
        ("order", "order", "shape", "z"),
        rtol=1e-6,
    ),
    _Spec(
        "xlogx",
        _in_float64(lambda x: ss.xlogy(x, x)),
        ("pos",),
        ("float64", "float32", "int64"),
        (0.0, 1.0, 1e-300, _INF, _NAN),
        build=atx.xlogx,
    ),
    _Spec(
        "xlogy0",
        _in_float64(ss.xlogy),
        ("pos", "pos"),
        extremes=((0.0, 0.0, 1.0, 2.0), (0.0, 1.0, 1e-300, _INF)),
        build=atx.xlogy0,
    ),
    _Spec(
        "logit",
        _in_float64(ss.logit),
        ("prob",),
        extremes=(0.0, 1.0, 0.5, 1e-300, _NAN),
    ),
]

for _spec in _SPECS:
    _register(_spec)


# polygamma: an integer order and a float argument.
def _polygamma_samples(rng):
    x = rng.uniform(0.3, 5.0, (2, 3))
    return [
        Sample((np.array([0, 1, 2]), x), name="row-order"),
        Sample((np.array(3), x.astype("float32")), name="0d-order-float32"),
        Sample((np.array([1, 2], dtype="int8").reshape(2, 1), x), name="bcast"),
        Sample((np.zeros(0, dtype="int64"), np.zeros(0)), name="empty"),
    ]


register(
    OpInfo(
        name="polygamma",
        build=atm.polygamma,
        ref=lambda n, x: np.asarray(ss.polygamma(n, x)).astype(_float_dtype(x)),
        samples=_polygamma_samples,
        errors=(
            ErrorSample(
                (np.zeros(2), np.zeros(2)),
                TypeError,
                match="integer",
                name="float-order",
            ),
        ),
        differentiable=True,
        grad_inputs=(1,),
        rtol=1e-6,
        family="special",
    )
)


# ---------------------------------------------------------------------------
# Softmax family, poch, factorial, betaln
# ---------------------------------------------------------------------------


def _softmax_samples(rng):
    m = rng.normal(0.0, 3.0, (3, 4))
    return [
        Sample((m,), {"axis": -1}, name="matrix-last"),
        Sample((m,), {"axis": 0}, name="matrix-first"),
        Sample((m,), {"axis": None}, name="matrix-all"),
        Sample((m.astype("float32"),), {"axis": 1}, name="float32"),
        Sample((rng.normal(size=(2, 3, 4)),), {"axis": -2}, name="3d-middle"),
        Sample((np.asarray(1.5),), {"axis": None}, name="0d"),
        Sample((np.zeros((0, 3)),), {"axis": 1}, name="empty"),
        Sample((m.T,), {"axis": 1}, name="transposed"),
        Sample((m,), {"axis": -1}, name="static", static_shape=True),
        Sample(
            (np.array([[1000.0, 1000.0, -1000.0], [-800.0, 0.0, 800.0]]),),
            {"axis": -1},
            name="extreme",
        ),
        Sample((np.arange(6).reshape(2, 3),), {"axis": -1}, name="int64"),
    ]


def _softmax_grad_samples(rng):
    m = rng.normal(0.0, 2.0, (3, 4))
    return [
        Sample((m,), {"axis": -1}, name="grad-last"),
        Sample((m,), {"axis": 0}, name="grad-first"),
        Sample((m,), {"axis": None}, name="grad-all"),
    ]


def _as_float64_out(fn):
    def ref(x, axis=None):
        dtype = _float_dtype(x)
        return np.asarray(fn(np.asarray(x, dtype=np.float64), axis=axis)).astype(dtype)

    return ref


_axis_errors = (
    ErrorSample(
        (np.zeros((2, 3)),), ValueError, match="out of bounds", kwargs={"axis": 2}
    ),
    ErrorSample((np.zeros((2, 3)),), TypeError, match="axis", kwargs={"axis": 1.5}),
)

register(
    OpInfo(
        name="softmax",
        build=ats.softmax,
        ref=_as_float64_out(ss.softmax),
        samples=_softmax_samples,
        errors=_axis_errors,
        differentiable=True,
        grad_samples=_softmax_grad_samples,
        family="special",
    )
)
register(
    OpInfo(
        name="log_softmax",
        build=ats.log_softmax,
        ref=_as_float64_out(ss.log_softmax),
        samples=_softmax_samples,
        errors=_axis_errors,
        differentiable=True,
        grad_samples=_softmax_grad_samples,
        family="special",
    )
)


def _pos_pair_samples(rng):
    a = rng.uniform(0.5, 4.0, (2, 3))
    b = rng.uniform(0.5, 4.0, (2, 3))
    return [
        Sample((a, b), name="matrix"),
        Sample((a[0], np.asarray(2.0)), name="with-0d"),
        Sample((a.astype("float32"), b.astype("float32")), name="float32"),
        Sample((np.zeros(0), np.zeros(0)), name="empty"),
    ]


register(
    OpInfo(
        name="poch",
        build=ats.poch,
        ref=lambda z, m: np.asarray(ss.poch(z, m)).astype(_float_dtype(z, m)),
        samples=_pos_pair_samples,
        differentiable=True,
        rtol=1e-5,
        family="special",
    )
)
register(
    OpInfo(
        name="betaln",
        build=ats.betaln,
        ref=lambda a, b: np.asarray(ss.betaln(a, b)).astype(_float_dtype(a, b)),
        samples=_pos_pair_samples,
        differentiable=True,
        rtol=1e-5,
        atol=1e-6,
        family="special",
    )
)
register(
    OpInfo(
        name="factorial",
        build=ats.factorial,
        ref=lambda n: np.asarray(ss.factorial(n)).astype(_float_dtype(n)),
        samples=lambda rng: [
            Sample((np.arange(8),), name="int64"),
            Sample((rng.uniform(0.0, 6.0, (2, 3)),), name="float64"),
            Sample((np.asarray(5.0, dtype="float32"),), name="0d-float32"),
        ],
        differentiable=True,
        rtol=1e-6,
        family="special",
    )
)
