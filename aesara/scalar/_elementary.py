"""Rounding, exponential/logarithmic, trigonometric, hyperbolic and complex
scalar ops.

Everything here is re-exported by :mod:`aesara.scalar.basic`; import from
there. Each op computes with a NumPy function so its ``impl`` also works
element-wise on arrays.
"""

from __future__ import annotations

import builtins
from typing import Any

import numpy as np

from aesara.scalar._ops import (
    add,
    cast,
    mul,
    neg,
    reciprocal,
    sub,
    true_div,
)
from aesara.scalar.basic import (
    BinaryScalarOp,
    ScalarType,
    UnaryScalarOp,
    _chain,
    _const_like,
    _float_zeros_like,
    complex64,
    complex128,
    complex_types,
    discrete_types,
    float_types,
    real_out,
    same_out,
    same_out_float_only,
    same_out_nocomplex,
    upcast,
    upgrade_to_float,
    upgrade_to_float_no_complex,
)
from aesara.scalar.basic import bool as bool_type

__all__ = [
    "Sgn",
    "sgn",
    "Abs",
    "abs",
    "abs_",
    "Ceil",
    "ceil",
    "Floor",
    "floor",
    "Trunc",
    "trunc",
    "RoundHalfToEven",
    "round_half_to_even",
    "RoundHalfAwayFromZero",
    "round_half_away_from_zero",
    "Sqr",
    "sqr",
    "Sqrt",
    "sqrt",
    "Deg2Rad",
    "deg2rad",
    "Rad2Deg",
    "rad2deg",
    "Exp",
    "exp",
    "Exp2",
    "exp2",
    "Expm1",
    "expm1",
    "Log",
    "log",
    "Log2",
    "log2",
    "Log10",
    "log10",
    "Log1p",
    "log1p",
    "Cos",
    "cos",
    "ArcCos",
    "arccos",
    "Sin",
    "sin",
    "ArcSin",
    "arcsin",
    "Tan",
    "tan",
    "ArcTan",
    "arctan",
    "ArcTan2",
    "arctan2",
    "Cosh",
    "cosh",
    "ArcCosh",
    "arccosh",
    "Sinh",
    "sinh",
    "ArcSinh",
    "arcsinh",
    "Tanh",
    "tanh",
    "ArcTanh",
    "arctanh",
    "Real",
    "real",
    "Imag",
    "imag",
    "Angle",
    "angle",
    "Conj",
    "conj",
    "Complex",
    "complex",
    "ComplexFromPolar",
    "complex_from_polar",
]

_builtin_bool = builtins.bool


def _float_input(x: Any) -> Any:
    """Cast 1-byte integer/bool values to float32 before a float ufunc.

    NumPy would compute ``exp(int8)`` in float16; Aesara's
    :func:`upgrade_to_float` gives float32, so compute in float32 directly.
    """
    if isinstance(x, _builtin_bool):
        return np.float32(x)
    dt = getattr(x, "dtype", None)
    if dt is not None and dt.kind in "bui" and dt.itemsize == 1:
        return x.astype(np.float32)
    return x


def _as_float(x, out):
    """``x`` cast to the float dtype of ``out`` when ``x`` is discrete.

    Derivative formulas evaluated on integer inputs would otherwise be
    computed (and overflow) in integer arithmetic.
    """
    if x.type in discrete_types:
        return cast(x, out.type.dtype)
    return x


class _UnaryFloatOp(UnaryScalarOp):
    """A unary op computed by the NumPy ufunc named in ``nfunc_spec``.

    Subclasses give the derivative through :meth:`_deriv` (in terms of the
    float-cast input and the output).
    """

    complex_grad = True

    def impl(self, x):
        return getattr(np, self.nfunc_spec[0])(_float_input(x))

    def _deriv(self, x, out):
        raise NotImplementedError()

    def L_op(self, inputs, outputs, output_gradients):
        (x,) = inputs
        (gz,) = output_gradients
        out = outputs[0]
        if out.type in discrete_types:
            return [_float_zeros_like(x)]
        if out.type in complex_types and not self.complex_grad:
            raise NotImplementedError(f"{self} has no gradient for complex inputs")
        return [_chain(gz, self._deriv(_as_float(x, out), out), x)]


class _ZeroGradUnaryOp(UnaryScalarOp):
    """A piecewise-constant unary op: its gradient is zero."""

    def L_op(self, inputs, outputs, output_gradients):
        return [_float_zeros_like(inputs[0])]


# ---------------------------------------------------------------------------
# Sign, absolute value, rounding
# ---------------------------------------------------------------------------


def _sgn_out(type: ScalarType):
    if type == bool_type:
        raise TypeError("bool input not supported")
    return same_out_nocomplex(type)


class Sgn(_ZeroGradUnaryOp):
    """The sign of ``x``: -1, 0 or 1 (NaN for NaN)."""

    nfunc_spec = ("sign", 1, 1)
    output_types_preference = staticmethod(_sgn_out)

    def impl(self, x):
        return np.sign(x)


sgn = Sgn(name="sgn")


def _abs_out(type: ScalarType):
    # |z| of a complex number is real.
    return real_out(type)


class Abs(UnaryScalarOp):
    nfunc_spec = ("absolute", 1, 1)

    def impl(self, x):
        return np.abs(x)

    def L_op(self, inputs, outputs, output_gradients):
        (x,) = inputs
        (gz,) = output_gradients
        if outputs[0].type in discrete_types:
            return [_float_zeros_like(x)]
        if x.type in float_types:
            return [gz * sgn(x)]
        # d|z| for complex z (and the formula for any real x != 0).
        return [gz * x / abs(x)]


abs = Abs(_abs_out, name="abs")
abs_ = abs
_abs = abs


class Ceil(_ZeroGradUnaryOp):
    nfunc_spec = ("ceil", 1, 1)

    def impl(self, x):
        return np.ceil(_float_input(x))


ceil = Ceil(upgrade_to_float_no_complex, name="ceil")


class Floor(_ZeroGradUnaryOp):
    nfunc_spec = ("floor", 1, 1)

    def impl(self, x):
        return np.floor(_float_input(x))


floor = Floor(upgrade_to_float_no_complex, name="floor")


class Trunc(_ZeroGradUnaryOp):
    nfunc_spec = ("trunc", 1, 1)

    def impl(self, x):
        return np.trunc(_float_input(x))


trunc = Trunc(upgrade_to_float_no_complex, name="trunc")


class RoundHalfToEven(_ZeroGradUnaryOp):
    """Round to the nearest integer, ties to even (NumPy's ``round``)."""

    nfunc_spec = ("rint", 1, 1)

    def impl(self, x):
        return np.rint(x)


round_half_to_even = RoundHalfToEven(same_out_float_only, name="round_half_to_even")


def _round_half_away(x: Any) -> Any:
    t = np.trunc(x)
    # x - trunc(x) is exact, so ties are detected exactly (unlike
    # floor(x + 0.5), which rounds 0.49999999999999994 up). inf - inf is
    # NaN there, which correctly keeps t.
    with np.errstate(invalid="ignore"):
        return np.where(np.abs(x - t) >= 0.5, t + np.sign(x), t)


def round_half_away_from_zero_(a: Any) -> np.floating:
    """Round the number ``a`` to the nearest integer, ties away from zero.

    ``round_half_away_from_zero_(2.5) == 3.0`` and ``(-2.5) == -3.0``; the
    result is a NumPy float (``float64`` unless ``a`` is a lower-precision
    NumPy float).
    """
    arr = np.asarray(a)
    if arr.ndim != 0:
        raise TypeError(
            "round_half_away_from_zero_ rounds one number; use "
            f"round_half_away_from_zero_vec for arrays (got shape {arr.shape})"
        )
    if arr.dtype.kind not in "fc" or arr.dtype == np.float16:
        arr = arr.astype(np.float64)
    return _round_half_away(arr)[()]


def round_half_away_from_zero_vec64(a: Any) -> np.ndarray:
    """Element-wise :func:`round_half_away_from_zero_`, as a ``float64`` array."""
    return np.asarray(_round_half_away(np.asarray(a, dtype=np.float64)))


def round_half_away_from_zero_vec32(a: Any) -> np.ndarray:
    """Element-wise :func:`round_half_away_from_zero_`, as a ``float32`` array."""
    return np.asarray(_round_half_away(np.asarray(a, dtype=np.float32)))


def round_half_away_from_zero_vec(a: Any) -> np.ndarray:
    """Element-wise rounding, ties away from zero: ``float32`` stays ``float32``,
    anything else gives ``float64``."""
    if getattr(a, "dtype", None) == np.float32:
        return round_half_away_from_zero_vec32(a)
    return round_half_away_from_zero_vec64(a)


class RoundHalfAwayFromZero(_ZeroGradUnaryOp):
    """Round to the nearest integer, ties away from zero (C's ``round``)."""

    def impl(self, x):
        return _round_half_away(x)


round_half_away_from_zero = RoundHalfAwayFromZero(
    same_out_float_only, name="round_half_away_from_zero"
)


# ---------------------------------------------------------------------------
# Powers, exponentials and logarithms
# ---------------------------------------------------------------------------


class Sqr(UnaryScalarOp):
    """``x * x``."""

    nfunc_spec = ("square", 1, 1)

    def impl(self, x):
        return np.multiply(x, x)

    def L_op(self, inputs, outputs, output_gradients):
        (x,) = inputs
        (gz,) = output_gradients
        if outputs[0].type in discrete_types:
            return [_float_zeros_like(x)]
        return [_chain(gz, x * _const_like(2, x), x)]


sqr = Sqr(same_out, name="square")


class Sqrt(_UnaryFloatOp):
    nfunc_spec = ("sqrt", 1, 1)

    def _deriv(self, x, out):
        return _const_like(0.5, out) / out


sqrt = Sqrt(upgrade_to_float, name="sqrt")


class Exp(_UnaryFloatOp):
    nfunc_spec = ("exp", 1, 1)

    def _deriv(self, x, out):
        return out


exp = Exp(upgrade_to_float, name="exp")


class Exp2(_UnaryFloatOp):
    nfunc_spec = ("exp2", 1, 1)

    def _deriv(self, x, out):
        return out * _const_like(np.log(2.0), out)


exp2 = Exp2(upgrade_to_float, name="exp2")


class Expm1(_UnaryFloatOp):
    nfunc_spec = ("expm1", 1, 1)

    def _deriv(self, x, out):
        return exp(x)


expm1 = Expm1(upgrade_to_float, name="expm1")


class Log(_UnaryFloatOp):
    nfunc_spec = ("log", 1, 1)

    def _deriv(self, x, out):
        return reciprocal(x)


log = Log(upgrade_to_float, name="log")


class Log2(_UnaryFloatOp):
    nfunc_spec = ("log2", 1, 1)

    def _deriv(self, x, out):
        return reciprocal(x * _const_like(np.log(2.0), out))


log2 = Log2(upgrade_to_float, name="log2")


class Log10(_UnaryFloatOp):
    nfunc_spec = ("log10", 1, 1)

    def _deriv(self, x, out):
        return reciprocal(x * _const_like(np.log(10.0), out))


log10 = Log10(upgrade_to_float, name="log10")


class Log1p(_UnaryFloatOp):
    nfunc_spec = ("log1p", 1, 1)

    def _deriv(self, x, out):
        return reciprocal(add(x, 1))


log1p = Log1p(upgrade_to_float, name="log1p")


# ---------------------------------------------------------------------------
# Trigonometric and hyperbolic functions
# ---------------------------------------------------------------------------


class Deg2Rad(_UnaryFloatOp):
    nfunc_spec = ("deg2rad", 1, 1)

    def _deriv(self, x, out):
        return _const_like(np.pi / 180.0, out)


deg2rad = Deg2Rad(upgrade_to_float_no_complex, name="deg2rad")


class Rad2Deg(_UnaryFloatOp):
    nfunc_spec = ("rad2deg", 1, 1)

    def _deriv(self, x, out):
        return _const_like(180.0 / np.pi, out)


rad2deg = Rad2Deg(upgrade_to_float_no_complex, name="rad2deg")


class Cos(_UnaryFloatOp):
    nfunc_spec = ("cos", 1, 1)

    def _deriv(self, x, out):
        return neg(sin(x))


cos = Cos(upgrade_to_float, name="cos")


class ArcCos(_UnaryFloatOp):
    nfunc_spec = ("arccos", 1, 1)

    def _deriv(self, x, out):
        return neg(reciprocal(sqrt(sub(1, sqr(x)))))


arccos = ArcCos(upgrade_to_float, name="arccos")


class Sin(_UnaryFloatOp):
    nfunc_spec = ("sin", 1, 1)

    def _deriv(self, x, out):
        return cos(x)


sin = Sin(upgrade_to_float, name="sin")


class ArcSin(_UnaryFloatOp):
    nfunc_spec = ("arcsin", 1, 1)

    def _deriv(self, x, out):
        return reciprocal(sqrt(sub(1, sqr(x))))


arcsin = ArcSin(upgrade_to_float, name="arcsin")


class Tan(_UnaryFloatOp):
    nfunc_spec = ("tan", 1, 1)

    def _deriv(self, x, out):
        return reciprocal(sqr(cos(x)))


tan = Tan(upgrade_to_float, name="tan")


class ArcTan(_UnaryFloatOp):
    nfunc_spec = ("arctan", 1, 1)

    def _deriv(self, x, out):
        return reciprocal(add(1, sqr(x)))


arctan = ArcTan(upgrade_to_float, name="arctan")


class Cosh(_UnaryFloatOp):
    nfunc_spec = ("cosh", 1, 1)

    def _deriv(self, x, out):
        return sinh(x)


cosh = Cosh(upgrade_to_float, name="cosh")


class ArcCosh(_UnaryFloatOp):
    nfunc_spec = ("arccosh", 1, 1)

    def _deriv(self, x, out):
        return reciprocal(sqrt(sub(sqr(x), 1)))


arccosh = ArcCosh(upgrade_to_float, name="arccosh")


class Sinh(_UnaryFloatOp):
    nfunc_spec = ("sinh", 1, 1)

    def _deriv(self, x, out):
        return cosh(x)


sinh = Sinh(upgrade_to_float, name="sinh")


class ArcSinh(_UnaryFloatOp):
    nfunc_spec = ("arcsinh", 1, 1)

    def _deriv(self, x, out):
        return reciprocal(sqrt(add(sqr(x), 1)))


arcsinh = ArcSinh(upgrade_to_float, name="arcsinh")


class Tanh(_UnaryFloatOp):
    nfunc_spec = ("tanh", 1, 1)

    def _deriv(self, x, out):
        return sub(1, sqr(out))


tanh = Tanh(upgrade_to_float, name="tanh")


class ArcTanh(_UnaryFloatOp):
    nfunc_spec = ("arctanh", 1, 1)

    def _deriv(self, x, out):
        return reciprocal(sub(1, sqr(x)))


arctanh = ArcTanh(upgrade_to_float, name="arctanh")


class ArcTan2(BinaryScalarOp):
    """``arctan2(y, x)``: the angle of the point ``(x, y)``."""

    nfunc_spec = ("arctan2", 2, 1)

    def impl(self, y, x):
        return np.arctan2(_float_input(y), _float_input(x))

    def L_op(self, inputs, outputs, output_gradients):
        y, x = inputs
        (gz,) = output_gradients
        out = outputs[0]
        yf = _as_float(y, out)
        xf = _as_float(x, out)
        r2 = add(sqr(xf), sqr(yf))
        gy = true_div(mul(gz, xf), r2)
        gx = true_div(mul(neg(gz), yf), r2)
        return [gy, gx]


arctan2 = ArcTan2(upgrade_to_float_no_complex, name="arctan2")


# ---------------------------------------------------------------------------
# Complex numbers
# ---------------------------------------------------------------------------


class Real(UnaryScalarOp):
    nfunc_spec = ("real", 1, 1)

    def impl(self, x):
        return np.real(x)

    def L_op(self, inputs, outputs, output_gradients):
        (x,) = inputs
        (gz,) = output_gradients
        if x.type in complex_types:
            return [complex(gz, gz.zeros_like())]
        if x.type in discrete_types:
            return [_float_zeros_like(x)]
        return [gz]


real = Real(real_out, name="real")


class Imag(UnaryScalarOp):
    nfunc_spec = ("imag", 1, 1)

    def impl(self, x):
        return np.imag(x)

    def L_op(self, inputs, outputs, output_gradients):
        (x,) = inputs
        (gz,) = output_gradients
        if x.type in complex_types:
            return [complex(gz.zeros_like(), gz)]
        # The imaginary part of a real number is constant.
        return [_float_zeros_like(x)]


imag = Imag(real_out, name="imag")


def _angle_out(type: ScalarType):
    if type in complex_types:
        return real_out(type)
    return upgrade_to_float(type)


class Angle(UnaryScalarOp):
    """The argument of a complex number (0 or pi for reals)."""

    nfunc_spec = ("angle", 1, 1)

    def impl(self, x):
        return np.angle(_float_input(x))

    def L_op(self, inputs, outputs, output_gradients):
        (c,) = inputs
        (gtheta,) = output_gradients
        if c.type not in complex_types:
            return [_float_zeros_like(c)]
        x = real(c)
        y = imag(c)
        r2 = add(sqr(x), sqr(y))
        gx = true_div(mul(neg(gtheta), y), r2)
        gy = true_div(mul(gtheta, x), r2)
        return [complex(gx, gy)]


angle = Angle(_angle_out, name="angle")


class Conj(UnaryScalarOp):
    nfunc_spec = ("conjugate", 1, 1)

    def impl(self, x):
        return np.conjugate(x)

    def L_op(self, inputs, outputs, output_gradients):
        (x,) = inputs
        (gz,) = output_gradients
        if outputs[0].type in discrete_types:
            return [_float_zeros_like(x)]
        if x.type in complex_types:
            return [conj(gz)]
        return [gz]


conj = Conj(same_out, name="conj")


def _complex_out(x: ScalarType, y: ScalarType):
    for t in (x, y):
        if t in complex_types:
            raise TypeError(f"real and imaginary parts must be real, got {t}")
    up = upcast(x.dtype, y.dtype)
    if up in ("float64", "int64", "uint64", "int32", "uint32"):
        return [complex128]
    return [complex64]


def _make_complex(re: Any, im: Any) -> Any:
    re = np.asarray(re)
    im = np.asarray(im)
    dtype = np.result_type(re.dtype, im.dtype, np.complex64)
    out = np.empty(np.broadcast_shapes(re.shape, im.shape), dtype=dtype)
    # Assigning the parts separately avoids 1j * inf producing a NaN real part.
    out.real = re
    out.imag = im
    return out[()] if out.ndim == 0 else out


class Complex(BinaryScalarOp):
    """``real + 1j * imag`` from two real numbers."""

    output_types_preference = staticmethod(_complex_out)

    def impl(self, x, y):
        return _make_complex(x, y)

    def L_op(self, inputs, outputs, output_gradients):
        x, y = inputs
        (gz,) = output_gradients
        gx = (
            _float_zeros_like(x)
            if x.type in discrete_types
            else cast(real(gz), x.type.dtype)
        )
        gy = (
            _float_zeros_like(y)
            if y.type in discrete_types
            else cast(imag(gz), y.type.dtype)
        )
        return [gx, gy]


complex = Complex(name="complex")


class ComplexFromPolar(BinaryScalarOp):
    """``r * exp(1j * theta)``."""

    output_types_preference = staticmethod(_complex_out)

    def impl(self, r, theta):
        if np.any(np.asarray(r) < 0):
            raise ValueError(
                f"complex_from_polar: the radius must be non-negative, got {r}"
            )
        r = _float_input(r)
        theta = _float_input(theta)
        return _make_complex(
            np.multiply(r, np.cos(theta)), np.multiply(r, np.sin(theta))
        )

    def L_op(self, inputs, outputs, output_gradients):
        r, theta = inputs
        (gz,) = output_gradients
        out = outputs[0]
        ftype = real_out(out.type)[0].dtype
        rf = cast(r, ftype) if r.type in discrete_types else r
        tf = cast(theta, ftype) if theta.type in discrete_types else theta
        gre = real(gz)
        gim = imag(gz)
        c = cos(tf)
        s = sin(tf)
        # z = r cos(t) + 1j r sin(t); chain rule on the real and imaginary parts.
        gr = add(mul(gre, c), mul(gim, s))
        gt = mul(rf, sub(mul(gim, c), mul(gre, s)))
        return [gr, gt]


complex_from_polar = ComplexFromPolar(name="complex_from_polar")
