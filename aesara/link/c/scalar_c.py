"""C translations of scalar ops, keyed by op class.

The C backend turns the scalar op of an ``Elemwise`` (often a fused
:class:`~aesara.scalar.basic.Composite`) into C statements evaluated once per
element. Each translator is registered for one or more scalar op classes::

    @register_c_scalar(Exp)
    def _exp(op, ctx, args, in_dtypes, out_dtypes):
        return [ctx.math("exp", out_dtypes[0], args[0])]

and returns one C expression per output, already of the output's C type.
A scalar op with no translator makes :func:`translate_scalar` raise
``NotImplementedError``; the node then runs through its ``perform``.

Semantics follow NumPy's: integer division and modulo floor (and give 0 on
division by zero), ``maximum``/``minimum``/``clip`` propagate NaN, ``sign``
of NaN is NaN, ``round`` rounds half to even, booleans are 0/1 bytes.
Integer overflow wraps (modules are compiled with ``-fwrapv``).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

__all__ = [
    "C_TYPES",
    "CScalarContext",
    "c_literal",
    "c_scalar_translators",
    "register_c_scalar",
    "translate_scalar",
]

C_TYPES = {
    "bool": "uint8_t",
    "int8": "int8_t",
    "int16": "int16_t",
    "int32": "int32_t",
    "int64": "int64_t",
    "uint8": "uint8_t",
    "uint16": "uint16_t",
    "uint32": "uint32_t",
    "uint64": "uint64_t",
    "float32": "float",
    "float64": "double",
}
"""The dtypes the C backend handles, and their C types."""

_FLOATS = ("float32", "float64")

# libm functions glibc's vector math library has SIMD versions of; declaring
# them with the `simd` attribute lets GCC vectorise loops that call them.
_SIMD_MATH = {
    "exp",
    "log",
    "sin",
    "cos",
    "tan",
    "pow",
    "exp2",
    "exp10",
    "expm1",
    "log1p",
    "log2",
    "log10",
    "sinh",
    "cosh",
    "tanh",
    "asin",
    "acos",
    "atan",
    "asinh",
    "acosh",
    "atanh",
    "atan2",
    "erf",
    "erfc",
    "cbrt",
}
_BINARY_MATH = {"pow", "atan2", "fmod", "copysign", "hypot"}

# Helper functions, emitted once per kernel when used.
_HELPERS: dict[str, str] = {
    "floordiv_s": """
#define AE_FLOORDIV_S(T) static inline T ae_floordiv_##T(T a, T b) { \\
    if (b == 0) return 0; \\
    if (b == -1) return (T)(0 - (uint64_t)a); \\
    T q = a / b; \\
    if ((a % b != 0) && ((a < 0) != (b < 0))) q -= 1; \\
    return q; }
#define AE_MOD_S(T) static inline T ae_mod_##T(T a, T b) { \\
    if (b == 0 || b == -1) return 0; \\
    T r = a % b; \\
    if (r != 0 && ((r < 0) != (b < 0))) r += b; \\
    return r; }
AE_FLOORDIV_S(int8_t) AE_FLOORDIV_S(int16_t) AE_FLOORDIV_S(int32_t) AE_FLOORDIV_S(int64_t)
AE_MOD_S(int8_t) AE_MOD_S(int16_t) AE_MOD_S(int32_t) AE_MOD_S(int64_t)
""",
    "floordiv_u": """
#define AE_FLOORDIV_U(T) static inline T ae_floordiv_##T(T a, T b) { return b == 0 ? 0 : a / b; }
#define AE_MOD_U(T) static inline T ae_mod_##T(T a, T b) { return b == 0 ? 0 : a % b; }
AE_FLOORDIV_U(uint8_t) AE_FLOORDIV_U(uint16_t) AE_FLOORDIV_U(uint32_t) AE_FLOORDIV_U(uint64_t)
AE_MOD_U(uint8_t) AE_MOD_U(uint16_t) AE_MOD_U(uint32_t) AE_MOD_U(uint64_t)
""",
    # Python/NumPy floor division and modulo of floats.
    "floordiv_f": """
#define AE_DIVMOD_F(T, SFX) \\
static inline T ae_mod_##T(T a, T b) { \\
    if (b == 0) return fmod##SFX(a, b); \\
    T m = fmod##SFX(a, b); \\
    if (m != 0) { if ((b < 0) != (m < 0)) m += b; } \\
    else m = copysign##SFX((T)0, b); \\
    return m; } \\
static inline T ae_floordiv_##T(T a, T b) { \\
    if (b == 0) return a / b; \\
    T m = fmod##SFX(a, b); \\
    T d = (a - m) / b; \\
    if (m != 0 && ((b < 0) != (m < 0))) d -= 1; \\
    T f; \\
    if (d != 0) { f = floor##SFX(d); if (d - f > (T)0.5) f += 1; } \\
    else f = copysign##SFX((T)0, a / b); \\
    return f; }
AE_DIVMOD_F(double, ) AE_DIVMOD_F(float, f)
""",
    "minmax": """
#define AE_MINMAX(T) \\
static inline T ae_max_##T(T a, T b) { return (a >= b || a != a) ? a : b; } \\
static inline T ae_min_##T(T a, T b) { return (a <= b || a != a) ? a : b; }
AE_MINMAX(double) AE_MINMAX(float) AE_MINMAX(int8_t) AE_MINMAX(int16_t) AE_MINMAX(int32_t)
AE_MINMAX(int64_t) AE_MINMAX(uint8_t) AE_MINMAX(uint16_t) AE_MINMAX(uint32_t) AE_MINMAX(uint64_t)
""",
    "sign": """
#define AE_SIGN(T) static inline T ae_sign_##T(T a) { \\
    return (a > 0) ? (T)1 : ((a < 0) ? (T)-1 : a); }
AE_SIGN(double) AE_SIGN(float) AE_SIGN(int8_t) AE_SIGN(int16_t) AE_SIGN(int32_t) AE_SIGN(int64_t)
AE_SIGN(uint8_t) AE_SIGN(uint16_t) AE_SIGN(uint32_t) AE_SIGN(uint64_t)
""",
    "sigmoid": """
static inline double ae_sigmoid_double(double x) { return 1.0 / (1.0 + exp(-x)); }
static inline float ae_sigmoid_float(float x) { return 1.0f / (1.0f + expf(-x)); }
""",
    "softplus": """
static inline double ae_softplus_double(double x) {
    return x < -37.0 ? exp(x) : (x < 18.0 ? log1p(exp(x)) : (x < 33.3 ? x + exp(-x) : x)); }
static inline float ae_softplus_float(float x) {
    return (float)ae_softplus_double((double)x); }
""",
    "log1mexp": """
static inline double ae_log1mexp_double(double x) {
    return x < -0.6931471805599453 ? log1p(-exp(x)) : log(-expm1(x)); }
static inline float ae_log1mexp_float(float x) { return (float)ae_log1mexp_double((double)x); }
""",
}


class CScalarContext:
    """What a kernel's translation needs besides its expressions.

    Collects the helper functions and the SIMD math declarations to put at
    the top of the generated source.
    """

    def __init__(self) -> None:
        self.helpers: list[str] = []
        self.math_functions: set[str] = set()

    def need(self, helper: str) -> None:
        """Emit helper ``helper`` (a key of the helper table) once."""
        if helper not in self.helpers:
            self.helpers.append(helper)

    def math(self, name: str, dtype: str, *args: str) -> str:
        """A call of libm's ``name`` in precision ``dtype`` (float32 uses ``namef``)."""
        if dtype not in _FLOATS:
            raise NotImplementedError(f"libm {name} on {dtype}")
        fn = name + ("f" if dtype == "float32" else "")
        self.math_functions.add(fn)
        return f"{fn}({', '.join(args)})"

    def prelude(self) -> str:
        """Declarations and helpers for the top of the kernel source."""
        lines = []
        for fn in sorted(self.math_functions):
            base = fn[:-1] if fn.endswith("f") and fn[:-1] in _SIMD_MATH else fn
            if base not in _SIMD_MATH:
                continue
            ctype = "float" if fn != base else "double"
            params = ", ".join([ctype] * (2 if base in _BINARY_MATH else 1))
            lines.append(f"AE_SIMD {ctype} {fn}({params});")
        return "\n".join(lines + [_HELPERS[h] for h in self.helpers])


Translator = Callable[
    [Any, CScalarContext, Sequence[str], Sequence[str], Sequence[str]], list[str]
]
c_scalar_translators: dict[type, Translator] = {}
"""The registry: scalar op class -> translator."""


def register_c_scalar(*op_classes: type) -> Callable[[Translator], Translator]:
    """Register a translator for the given scalar op classes."""

    def deco(fn: Translator) -> Translator:
        for cls in op_classes:
            c_scalar_translators[cls] = fn
        return fn

    return deco


def translate_scalar(
    op: Any,
    ctx: CScalarContext,
    args: Sequence[str],
    in_dtypes: Sequence[str],
    out_dtypes: Sequence[str],
) -> list[str]:
    """C expressions computing ``op``'s outputs from the C expressions ``args``.

    Raises
    ------
    NotImplementedError
        When the op, or one of the dtypes involved, has no C translation.
    """
    for dt in (*in_dtypes, *out_dtypes):
        if dt not in C_TYPES:
            raise NotImplementedError(f"no C type for dtype {dt}")
    for cls in type(op).__mro__:
        fn = c_scalar_translators.get(cls)
        if fn is not None:
            return fn(op, ctx, args, in_dtypes, out_dtypes)
    raise NotImplementedError(f"no C translation for scalar op {type(op).__name__}")


def c_literal(value: Any, dtype: str) -> str:
    """A C literal for ``value`` of ``dtype`` (handles inf and NaN)."""
    ctype = C_TYPES[dtype]
    if dtype == "bool":
        return "1" if bool(value) else "0"
    if dtype in _FLOATS:
        v = float(value)
        if math.isnan(v):
            return f"(({ctype})NAN)"
        if math.isinf(v):
            return f"(({ctype})({'-' if v < 0 else ''}INFINITY))"
        return f"(({ctype}){float.hex(v)})"
    v = int(value)
    if dtype == "uint64":
        return f"(({ctype}){v}ULL)"
    if v == np.iinfo(np.int64).min:
        return f"(({ctype})(-9223372036854775807LL - 1))"
    return f"(({ctype}){v}LL)"


def _cast(expr: str, dtype: str) -> str:
    if dtype == "bool":
        return f"((uint8_t)(({expr}) != 0))"
    return f"(({C_TYPES[dtype]})({expr}))"


def _upcast(dtypes: Sequence[str]) -> str:
    return str(np.result_type(*[np.dtype(d) for d in dtypes]))


# ---------------------------------------------------------------------------
# Translators
# ---------------------------------------------------------------------------


def _setup() -> None:
    from aesara.scalar import _elementary as E
    from aesara.scalar import _ops as O
    from aesara.scalar import math as M

    def in_out(args, in_dtypes, out):
        return [_cast(a, out) for a in args]

    @register_c_scalar(O.Add, O.Mul)
    def _add_mul(op, ctx, args, in_dtypes, out_dtypes):
        out = out_dtypes[0]
        sym = " + " if isinstance(op, O.Add) else " * "
        if out == "bool":
            # NumPy: bool + bool is `or`, bool * bool is `and`.
            sym = " | " if isinstance(op, O.Add) else " & "
            return [f"((uint8_t)({sym.join(_cast(a, 'bool') for a in args)}))"]
        return [_cast(sym.join(in_out(args, in_dtypes, out)), out)]

    @register_c_scalar(O.Sub)
    def _sub(op, ctx, args, in_dtypes, out_dtypes):
        out = out_dtypes[0]
        if out == "bool":
            raise NotImplementedError("boolean subtract")
        a, b = in_out(args, in_dtypes, out)
        return [_cast(f"{a} - {b}", out)]

    @register_c_scalar(O.Neg)
    def _neg(op, ctx, args, in_dtypes, out_dtypes):
        out = out_dtypes[0]
        if out == "bool":
            raise NotImplementedError("boolean negative")
        return [_cast(f"-{_cast(args[0], out)}", out)]

    @register_c_scalar(O.TrueDiv)
    def _truediv(op, ctx, args, in_dtypes, out_dtypes):
        out = out_dtypes[0]
        if out not in _FLOATS:
            raise NotImplementedError(f"true_div to {out}")
        a, b = in_out(args, in_dtypes, out)
        return [f"({a} / {b})"]

    @register_c_scalar(O.Reciprocal)
    def _reciprocal(op, ctx, args, in_dtypes, out_dtypes):
        out = out_dtypes[0]
        if out not in _FLOATS:
            raise NotImplementedError(f"reciprocal to {out}")
        return [f"(({C_TYPES[out]})1 / {_cast(args[0], out)})"]

    def _divmod_helper(ctx, out):
        if out in _FLOATS:
            ctx.need("floordiv_f")
        elif out.startswith("uint"):
            ctx.need("floordiv_u")
        elif out.startswith("int"):
            ctx.need("floordiv_s")
        else:
            raise NotImplementedError(f"floor division of {out}")

    @register_c_scalar(O.IntDiv, O.Mod)
    def _intdiv_mod(op, ctx, args, in_dtypes, out_dtypes):
        out = out_dtypes[0]
        _divmod_helper(ctx, out)
        a, b = in_out(args, in_dtypes, out)
        fn = "ae_floordiv_" if isinstance(op, O.IntDiv) else "ae_mod_"
        return [f"{fn}{C_TYPES[out]}({a}, {b})"]

    @register_c_scalar(O.Pow)
    def _pow(op, ctx, args, in_dtypes, out_dtypes):
        out = out_dtypes[0]
        # Integer powers raise on negative exponents in NumPy: keep perform.
        if out not in _FLOATS:
            raise NotImplementedError("integer power")
        a, b = in_out(args, in_dtypes, out)
        return [ctx.math("pow", out, a, b)]

    def _cmp(sym):
        def tr(op, ctx, args, in_dtypes, out_dtypes):
            common = _upcast(in_dtypes)
            a, b = (_cast(x, common) for x in args)
            return [f"((uint8_t)({a} {sym} {b}))"]

        return tr

    for cls, sym in (
        (O.LT, "<"),
        (O.GT, ">"),
        (O.LE, "<="),
        (O.GE, ">="),
        (O.EQ, "=="),
        (O.NEQ, "!="),
    ):
        register_c_scalar(cls)(_cmp(sym))

    @register_c_scalar(O.IsNan)
    def _isnan(op, ctx, args, in_dtypes, out_dtypes):
        if in_dtypes[0] not in _FLOATS:
            return ["((uint8_t)0)"]
        return [f"((uint8_t)({args[0]} != {args[0]}))"]

    @register_c_scalar(O.IsInf)
    def _isinf(op, ctx, args, in_dtypes, out_dtypes):
        if in_dtypes[0] not in _FLOATS:
            return ["((uint8_t)0)"]
        return [f"((uint8_t)(isinf({args[0]}) != 0))"]

    @register_c_scalar(O.Switch)
    def _switch(op, ctx, args, in_dtypes, out_dtypes):
        out = out_dtypes[0]
        c, a, b = args
        return [f"(({c}) ? {_cast(a, out)} : {_cast(b, out)})"]

    def _bitop(sym):
        def tr(op, ctx, args, in_dtypes, out_dtypes):
            out = out_dtypes[0]
            if out in _FLOATS:
                raise NotImplementedError("bitwise op on floats")
            return [_cast(f" {sym} ".join(_cast(a, out) for a in args), out)]

        return tr

    register_c_scalar(O.AND)(_bitop("&"))
    register_c_scalar(O.OR)(_bitop("|"))
    register_c_scalar(O.XOR)(_bitop("^"))

    @register_c_scalar(O.Invert)
    def _invert(op, ctx, args, in_dtypes, out_dtypes):
        out = out_dtypes[0]
        if out == "bool":
            return [f"((uint8_t)!({args[0]}))"]
        if out in _FLOATS:
            raise NotImplementedError("invert of floats")
        return [_cast(f"~{_cast(args[0], out)}", out)]

    @register_c_scalar(O.ScalarMaximum, O.ScalarMinimum)
    def _maxmin(op, ctx, args, in_dtypes, out_dtypes):
        out = out_dtypes[0]
        if out == "bool":
            sym = "|" if isinstance(op, O.ScalarMaximum) else "&"
            return [f"((uint8_t)({_cast(args[0], out)} {sym} {_cast(args[1], out)}))"]
        ctx.need("minmax")
        fn = "ae_max_" if isinstance(op, O.ScalarMaximum) else "ae_min_"
        a, b = in_out(args, in_dtypes, out)
        return [f"{fn}{C_TYPES[out]}({a}, {b})"]

    @register_c_scalar(O.Clip)
    def _clip(op, ctx, args, in_dtypes, out_dtypes):
        out = out_dtypes[0]
        if out == "bool":
            raise NotImplementedError("clip of bool")
        ctx.need("minmax")
        x, lo, hi = in_out(args, in_dtypes, out)
        t = C_TYPES[out]
        return [f"ae_min_{t}(ae_max_{t}({x}, {lo}), {hi})"]

    @register_c_scalar(O.Second)
    def _second(op, ctx, args, in_dtypes, out_dtypes):
        return [_cast(args[1], out_dtypes[0])]

    @register_c_scalar(O.Identity, O.Cast)
    def _identity(op, ctx, args, in_dtypes, out_dtypes):
        return [_cast(args[0], out_dtypes[0])]

    # -- element-wise math ----------------------------------------------------
    @register_c_scalar(E.Abs)
    def _abs(op, ctx, args, in_dtypes, out_dtypes):
        out = out_dtypes[0]
        if out in _FLOATS:
            return [ctx.math("fabs", out, _cast(args[0], out))]
        if out == "bool" or out.startswith("uint"):
            return [_cast(args[0], out)]
        a = _cast(args[0], out)
        return [_cast(f"{a} < 0 ? -{a} : {a}", out)]

    @register_c_scalar(E.Sgn)
    def _sgn(op, ctx, args, in_dtypes, out_dtypes):
        out = out_dtypes[0]
        if out == "bool":
            return [_cast(args[0], out)]
        ctx.need("sign")
        return [f"ae_sign_{C_TYPES[out]}({_cast(args[0], out)})"]

    def _rounding(name):
        def tr(op, ctx, args, in_dtypes, out_dtypes):
            out = out_dtypes[0]
            if out not in _FLOATS:
                return [_cast(args[0], out)]
            return [ctx.math(name, out, _cast(args[0], out))]

        return tr

    register_c_scalar(E.Ceil)(_rounding("ceil"))
    register_c_scalar(E.Floor)(_rounding("floor"))
    register_c_scalar(E.Trunc)(_rounding("trunc"))
    register_c_scalar(E.RoundHalfToEven)(_rounding("nearbyint"))
    register_c_scalar(E.RoundHalfAwayFromZero)(_rounding("round"))

    @register_c_scalar(E.Sqr)
    def _sqr(op, ctx, args, in_dtypes, out_dtypes):
        out = out_dtypes[0]
        if out == "bool":
            return [_cast(args[0], out)]
        a = _cast(args[0], out)
        return [_cast(f"{a} * {a}", out)]

    def _unary_math(name):
        def tr(op, ctx, args, in_dtypes, out_dtypes):
            out = out_dtypes[0]
            return [ctx.math(name, out, _cast(args[0], out))]

        return tr

    for cls, name in (
        (E.Sqrt, "sqrt"),
        (E.Exp, "exp"),
        (E.Exp2, "exp2"),
        (E.Expm1, "expm1"),
        (E.Log, "log"),
        (E.Log2, "log2"),
        (E.Log10, "log10"),
        (E.Log1p, "log1p"),
        (E.Cos, "cos"),
        (E.ArcCos, "acos"),
        (E.Sin, "sin"),
        (E.ArcSin, "asin"),
        (E.Tan, "tan"),
        (E.ArcTan, "atan"),
        (E.Cosh, "cosh"),
        (E.ArcCosh, "acosh"),
        (E.Sinh, "sinh"),
        (E.ArcSinh, "asinh"),
        (E.Tanh, "tanh"),
        (E.ArcTanh, "atanh"),
        (M.Erf, "erf"),
        (M.Erfc, "erfc"),
        (M.Gamma, "tgamma"),
    ):
        register_c_scalar(cls)(_unary_math(name))

    @register_c_scalar(E.ArcTan2)
    def _atan2(op, ctx, args, in_dtypes, out_dtypes):
        out = out_dtypes[0]
        a, b = (_cast(x, out) for x in args)
        return [ctx.math("atan2", out, a, b)]

    @register_c_scalar(E.Deg2Rad, E.Rad2Deg)
    def _angles(op, ctx, args, in_dtypes, out_dtypes):
        out = out_dtypes[0]
        if out not in _FLOATS:
            raise NotImplementedError("angle conversion to non-float")
        factor = math.pi / 180.0 if isinstance(op, E.Deg2Rad) else 180.0 / math.pi
        return [f"({_cast(args[0], out)} * {c_literal(factor, out)})"]

    def _special(helper):
        def tr(op, ctx, args, in_dtypes, out_dtypes):
            out = out_dtypes[0]
            if out not in _FLOATS:
                raise NotImplementedError(f"{helper} to {out}")
            ctx.need(helper)
            ctx.math("exp", out, "0")  # the helpers call exp/log1p: declare them
            ctx.math("log1p", out, "0")
            ctx.math("expm1", out, "0")
            ctx.math("log", out, "0")
            return [f"ae_{helper}_{C_TYPES[out]}({_cast(args[0], out)})"]

        return tr

    register_c_scalar(M.Sigmoid)(_special("sigmoid"))
    register_c_scalar(M.Softplus)(_special("softplus"))
    register_c_scalar(M.Log1mexp)(_special("log1mexp"))


_setup()
