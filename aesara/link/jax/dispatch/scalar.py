"""JAX translations of the scalar ops (``aesara.scalar``) and ``Composite``.

A scalar op's translation works on arrays of any shape (``jax.numpy``
functions broadcast), so the same function serves a scalar node (inside a
``Composite``) and an ``Elemwise`` node. The node's dtypes decide the
arithmetic: inputs are cast to the output dtype before the operation (so
``float32 + int64`` computes in the dtype Aesara gives it, not in JAX's
promotion), comparisons compute in the inputs' common dtype, and the result
is cast to the output dtype.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import reduce

import numpy as np

import aesara.scalar._composite as s_comp
import aesara.scalar._elementary as se
import aesara.scalar._ops as so
import aesara.scalar.math as sm
from aesara.graph.basic import Apply
from aesara.link.jax.dispatch.basic import JAXTranslationError, jax_funcify
from aesara.scalar.basic import ScalarOp
from aesara.tensor import xlogx
from aesara.tensor._reduction_ops import MulWithoutZeros

__all__ = ["scalar_op_fn"]


def _jnp():
    import jax.numpy as jnp

    return jnp


def _jsp():
    import jax.scipy.special as jsp

    return jsp


# How the inputs are prepared: "out" casts them to the output dtype,
# "common" to the inputs' common dtype, "none" leaves them.
_CAST_COMMON = (so.LogicalComparison, so.InRange)
_CAST_NONE = (
    so.FixedLogicalComparison,
    so.Cast,
    se.Real,
    se.Imag,
    se.Angle,
    se.Abs,
    se.Conj,
    se.Complex,
    se.ComplexFromPolar,
)


def _np_name_fn(name: str) -> Callable:
    jnp = _jnp()
    if name.startswith("scipy.special."):
        fn = getattr(_jsp(), name[len("scipy.special.") :], None)
    else:
        fn = getattr(jnp, name, None)
    if fn is None:
        raise JAXTranslationError(f"JAX has no function {name!r}")
    return fn


def _log1mexp(x):
    jnp = _jnp()
    # log(1 - exp(x)) for x <= 0, accurate on both sides of -log(2).
    return jnp.where(
        x < -0.6931471805599453, jnp.log1p(-jnp.exp(x)), jnp.log(-jnp.expm1(x))
    )


def _softplus(x):
    jnp = _jnp()
    return jnp.where(x > 30, x, jnp.logaddexp(x, jnp.zeros_like(x)))


def _round_half_away(x):
    jnp = _jnp()
    return jnp.sign(x) * jnp.floor(jnp.abs(x) + 0.5)


def _sgn(x):
    jnp = _jnp()
    if jnp.iscomplexobj(x):
        mag = jnp.abs(x)
        return jnp.where(mag == 0, 0, x / jnp.where(mag == 0, 1, mag))
    return jnp.sign(x)


def _second(x, y):
    jnp = _jnp()
    return jnp.broadcast_to(y, jnp.broadcast_shapes(jnp.shape(x), jnp.shape(y)))


def _clip(x, lo, hi):
    jnp = _jnp()
    return jnp.minimum(jnp.maximum(x, lo), hi)


def _int_div(x, y):
    jnp = _jnp()
    if jnp.issubdtype(jnp.result_type(x), jnp.integer):
        # NumPy gives 0 for a division by zero.
        safe = jnp.where(y == 0, 1, y)
        return jnp.where(y == 0, 0, jnp.floor_divide(x, safe))
    return jnp.floor_divide(x, y)


def _mod(x, y):
    jnp = _jnp()
    if jnp.issubdtype(jnp.result_type(x), jnp.integer):
        safe = jnp.where(y == 0, 1, y)
        return jnp.where(y == 0, 0, jnp.remainder(x, safe))
    return jnp.remainder(x, y)


def _xlogx(x):
    jnp = _jnp()
    return jnp.where(x == 0, 0.0, x * jnp.log(jnp.where(x == 0, 1.0, x)))


def _xlogy0(x, y):
    jnp = _jnp()
    return jnp.where(x == 0, 0.0, x * jnp.log(jnp.where(x == 0, 1.0, y)))


def _mul_without_zeros(*xs):
    jnp = _jnp()

    def mul(a, b):
        return jnp.where(a == 0, b, jnp.where(b == 0, a, a * b))

    return reduce(mul, xs)


def _erfcinv(x):
    jsp = _jsp()
    return -jsp.ndtri(x / 2) / np.sqrt(2.0)


def _chi2sf(x, k):
    jsp = _jsp()
    return jsp.gammaincc(k / 2, x / 2)


def _gammau(k, x):
    jsp = _jsp()
    return jsp.gammaincc(k, x) * jsp.gamma(k)


def _gammal(k, x):
    jsp = _jsp()
    return jsp.gammainc(k, x) * jsp.gamma(k)


def _trigamma(x):
    jsp = _jsp()
    return jsp.polygamma(1, x)


def _polygamma(n, x):
    jsp = _jsp()
    jnp = _jnp()
    # JAX wants an integer order; Aesara's is a float holding an integer.
    return jsp.polygamma(jnp.asarray(n).astype("int64"), x)


def _j0(x):
    jnp = _jnp()
    # JAX's series is written for x >= 0; J0 is even.
    ax = jnp.abs(x).astype("float64")
    return _jsp().bessel_jn(ax, v=0, n_iter=50)[0].astype(jnp.result_type(x))


def _j1(x):
    jnp = _jnp()
    # J1 is odd.
    # (the series needs float64 even for float32 values).
    ax = jnp.abs(x).astype("float64")
    j1 = _jsp().bessel_jn(ax, v=1, n_iter=50)[1]
    return (jnp.sign(x) * j1).astype(jnp.result_type(x))


def _complex_from_polar(r, theta):
    jnp = _jnp()
    return r * jnp.exp(1j * theta)


def _variadic(fn):
    def apply(*xs):
        return reduce(fn, xs)

    return apply


def _op_function(op: ScalarOp) -> Callable:
    """The array function computing ``op`` (before dtype handling)."""
    jnp = _jnp()
    import operator

    special = {
        so.Add: _variadic(operator.add),
        so.Mul: _variadic(operator.mul),
        so.Sub: operator.sub,
        so.TrueDiv: jnp.true_divide,
        so.IntDiv: _int_div,
        so.Mod: _mod,
        so.Pow: jnp.power,
        so.Clip: _clip,
        so.Second: _second,
        so.Identity: lambda x: x,
        so.Neg: jnp.negative,
        so.Reciprocal: lambda x: 1 / x,
        so.ScalarMaximum: _variadic(jnp.maximum),
        so.ScalarMinimum: _variadic(jnp.minimum),
        so.OR: _variadic(jnp.bitwise_or),
        so.AND: _variadic(jnp.bitwise_and),
        so.XOR: _variadic(jnp.bitwise_xor),
        so.Invert: jnp.invert,
        so.Switch: jnp.where,
        se.Sgn: _sgn,
        se.Sqr: lambda x: x * x,
        se.RoundHalfAwayFromZero: _round_half_away,
        se.RoundHalfToEven: jnp.round,
        se.Conj: jnp.conj,
        se.Angle: jnp.angle,
        se.Complex: lambda re, im: re + 1j * im,
        se.ComplexFromPolar: _complex_from_polar,
        sm.Sigmoid: _jsp().expit,
        sm.Softplus: _softplus,
        sm.Log1mexp: _log1mexp,
        sm.Erfcinv: _erfcinv,
        sm.Chi2SF: _chi2sf,
        sm.GammaU: _gammau,
        sm.GammaL: _gammal,
        sm.TriGamma: _trigamma,
        sm.PolyGamma: _polygamma,
        sm.Psi: _jsp().digamma,
        sm.J0: _j0,
        sm.J1: _j1,
        xlogx.XlogX: _xlogx,
        xlogx.XlogY0: _xlogy0,
        MulWithoutZeros: _mul_without_zeros,
    }
    for cls in type(op).__mro__:
        if cls in special:
            return special[cls]
    if isinstance(op, so.InRange):
        lo_cmp = jnp.greater if op.openlow else jnp.greater_equal
        hi_cmp = jnp.less if op.openhi else jnp.less_equal
        return lambda x, lo, hi: jnp.logical_and(lo_cmp(x, lo), hi_cmp(x, hi))
    spec = getattr(op, "nfunc_spec", None)
    if spec:
        name = spec[0]
        if name.startswith("aesara."):
            raise JAXTranslationError(
                f"No JAX translation for the scalar op {op} (computed by {name})"
            )
        return _np_name_fn(name)
    raise JAXTranslationError(f"No JAX translation for the scalar op {op}")


def _dtype(var) -> str:
    return var.type.dtype


def scalar_op_fn(op: ScalarOp, node: Apply) -> Callable:
    """A function of arrays computing ``op`` with the dtypes of ``node``."""
    jnp = _jnp()
    if isinstance(op, s_comp.Composite):
        return composite_fn(op, len(node.outputs))
    out_dtypes = [_dtype(o) for o in node.outputs]
    in_dtypes = [_dtype(i) for i in node.inputs]
    out_dtype = out_dtypes[0]
    if isinstance(op, so.Cast):

        def cast(x):
            return jnp.asarray(x).astype(out_dtype)

        return cast
    fn = _op_function(op)
    if isinstance(op, _CAST_NONE):
        targets = list(in_dtypes)
    elif isinstance(op, _CAST_COMMON):
        common = np.result_type(*in_dtypes).name if in_dtypes else out_dtype
        targets = [common] * len(in_dtypes)
    elif isinstance(op, so.Switch):
        targets = [in_dtypes[0]] + [out_dtype] * (len(in_dtypes) - 1)
    elif isinstance(op, sm.PolyGamma):
        targets = [out_dtype, out_dtype]
    elif out_dtype == "bool" and not isinstance(op, (so.BinaryBitOp, so.UnaryBitOp)):
        targets = list(in_dtypes)
    else:
        targets = [out_dtype] * len(in_dtypes)
    casts = [t != d for t, d in zip(targets, in_dtypes)]
    any_cast = any(casts)

    def scalar_fn(*xs):
        if any_cast:
            xs = [
                jnp.asarray(x).astype(t) if c else x
                for x, t, c in zip(xs, targets, casts)
            ]
        res = fn(*xs)
        res = jnp.asarray(res)
        if res.dtype != out_dtype:
            res = res.astype(out_dtype)
        return res

    scalar_fn.__name__ = type(op).__name__.lower()
    return scalar_fn


def composite_fn(op, n_out: int) -> Callable:
    """The array function of a ``Composite`` with ``n_out`` outputs."""
    from aesara.link.jax.dispatch.basic import fgraph_to_jax

    inner = fgraph_to_jax(op.fgraph, fgraph_name="jax_composite", static=set())

    def composite(*xs):
        res = inner(*xs)
        return res[0] if n_out == 1 else tuple(res)

    return composite


@jax_funcify.register(ScalarOp)
def jax_funcify_ScalarOp(op, node=None, **kwargs):
    return scalar_op_fn(op, node)
