"""Scalar ops as Numba expressions.

Every scalar op class maps to a function writing the Python expression
of its result from the names of its arguments; :func:`scalar_body` strings
them together (a ``Composite`` becomes one straight-line body, every
intermediate cast to its Aesara dtype), and the element-wise loops of
:mod:`aesara.link.numba.dispatch.elemwise` paste that body into their
innermost loop. Scalar graphs (``aesara.scalar``) compile through the same
bodies.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

import aesara.scalar._elementary as el
import aesara.scalar._ops as sops
import aesara.scalar.math as smath
from aesara.graph.basic import Constant
from aesara.link.numba.dispatch import special as _special
from aesara.link.numba.dispatch.basic import (
    NumbaTranslationMissing,
    _single_output_fn,
    numba_funcify,
    numba_njit,
    with_lifted,
)
from aesara.link.numba.dispatch.vector_math import (
    vector_function,
    vector_math_available,
)
from aesara.scalar._composite import Composite
from aesara.scalar.basic import ScalarOp
from aesara.tensor._reduction_ops import MulWithoutZeros
from aesara.tensor.xlogx import XlogX, XlogY0

__all__ = ["cast_expr", "register_scalar_expr", "scalar_body", "scalar_globals"]

# op class -> fn(op, args, in_dtypes, out_dtype) -> expression
_EXPRESSIONS: dict[type, Callable[..., str]] = {}


def register_scalar_expr(*classes: type) -> Callable:
    """Register the expression writer of scalar op ``classes``."""

    def deco(fn):
        for cls in classes:
            _EXPRESSIONS[cls] = fn
        return fn

    return deco


def _np_name(dtype: str) -> str:
    return "np.bool_" if dtype == "bool" else f"np.{dtype}"


def cast_expr(expr: str, dtype: str) -> str:
    """``expr`` converted to a NumPy scalar of ``dtype``."""
    return f"{_np_name(dtype)}({expr})"


def _is_discrete(dtype: str) -> bool:
    return np.dtype(dtype).kind in "biu"


def _as_float(arg: str, dtype: str, out_dtype: str) -> str:
    """A discrete argument cast to the (float) output dtype before a float function."""
    if _is_discrete(dtype) and np.dtype(out_dtype).kind in "fc":
        return cast_expr(arg, out_dtype)
    return arg


def _vectorizable(name: str, in_dtypes, out_dtype: str, floating: bool) -> bool:
    """Whether ``np.<name>`` may be the libmvec-vectorisable call here.

    Every argument must reach the call in the output's (float) dtype: as it
    is, or cast there by :func:`_as_float`.
    """
    if vector_function(name, out_dtype) is None:
        return False
    return all(d == out_dtype or (floating and _is_discrete(d)) for d in in_dtypes)


def _ufunc(name: str, floating: bool = False) -> Callable[..., str]:
    def write(op, args, in_dtypes, out_dtype):
        if floating:
            args = [_as_float(a, d, out_dtype) for a, d in zip(args, in_dtypes)]
        if _vectorizable(name, in_dtypes, out_dtype, floating):
            return f"vector_{name}({', '.join(args)})"
        return f"np.{name}({', '.join(args)})"

    return write


_UNARY_FLOAT = {
    el.Sqrt: "sqrt",
    el.Exp: "exp",
    el.Exp2: "exp2",
    el.Expm1: "expm1",
    el.Log: "log",
    el.Log2: "log2",
    el.Log10: "log10",
    el.Log1p: "log1p",
    el.Deg2Rad: "deg2rad",
    el.Rad2Deg: "rad2deg",
    el.Cos: "cos",
    el.ArcCos: "arccos",
    el.Sin: "sin",
    el.ArcSin: "arcsin",
    el.Tan: "tan",
    el.ArcTan: "arctan",
    el.Cosh: "cosh",
    el.ArcCosh: "arccosh",
    el.Sinh: "sinh",
    el.ArcSinh: "arcsinh",
    el.Tanh: "tanh",
    el.ArcTanh: "arctanh",
    el.Ceil: "ceil",
    el.Floor: "floor",
    el.Trunc: "trunc",
    el.ArcTan2: "arctan2",
}
# The functions with libmvec variants that expressions may call.
_VECTOR_NAMES = (*_UNARY_FLOAT.values(), "power", "erf", "erfc")
for _cls, _name in _UNARY_FLOAT.items():
    _EXPRESSIONS[_cls] = _ufunc(_name, floating=True)

for _cls, _name in {
    el.Sgn: "sign",
    el.Abs: "abs",
    el.RoundHalfToEven: "rint",
    sops.IsNan: "isnan",
    sops.IsInf: "isinf",
    sops.ScalarMaximum: "maximum",
    sops.ScalarMinimum: "minimum",
    sops.Pow: "power",
    sops.Mod: "mod",
    el.Conj: "conjugate",
}.items():
    _EXPRESSIONS[_cls] = _ufunc(_name)


def _binary_operator(symbol: str) -> Callable[..., str]:
    def write(op, args, in_dtypes, out_dtype):
        return "(" + f" {symbol} ".join(args) + ")"

    return write


for _cls, _sym in {
    sops.Add: "+",
    sops.Mul: "*",
    sops.Sub: "-",
    sops.LT: "<",
    sops.GT: ">",
    sops.LE: "<=",
    sops.GE: ">=",
    sops.EQ: "==",
    sops.NEQ: "!=",
    sops.OR: "|",
    sops.XOR: "^",
    sops.AND: "&",
}.items():
    _EXPRESSIONS[_cls] = _binary_operator(_sym)


@register_scalar_expr(sops.TrueDiv)
def _true_div(op, args, in_dtypes, out_dtype):
    a, b = (_as_float(a, d, out_dtype) for a, d in zip(args, in_dtypes))
    return f"({a} / {b})"


@register_scalar_expr(sops.IntDiv)
def _int_div(op, args, in_dtypes, out_dtype):
    return f"np.floor_divide({args[0]}, {args[1]})"


@register_scalar_expr(sops.Neg)
def _neg(op, args, in_dtypes, out_dtype):
    if in_dtypes[0] == "bool":
        raise NumbaTranslationMissing("neg of a boolean")
    return f"(-{args[0]})"


@register_scalar_expr(sops.Reciprocal)
def _reciprocal(op, args, in_dtypes, out_dtype):
    if _is_discrete(out_dtype):
        raise NumbaTranslationMissing("integer reciprocal")
    return (
        f"({cast_expr(1, out_dtype)} / {_as_float(args[0], in_dtypes[0], out_dtype)})"
    )


@register_scalar_expr(el.Sqr)
def _sqr(op, args, in_dtypes, out_dtype):
    return f"({args[0]} * {args[0]})"


@register_scalar_expr(sops.Invert)
def _invert(op, args, in_dtypes, out_dtype):
    if in_dtypes[0] == "bool":
        return f"(not {args[0]})"
    return f"(~{args[0]})"


@register_scalar_expr(sops.Switch)
def _switch(op, args, in_dtypes, out_dtype):
    c, a, b = args
    return f"({cast_expr(a, out_dtype)} if {c} else {cast_expr(b, out_dtype)})"


@register_scalar_expr(sops.Clip)
def _clip(op, args, in_dtypes, out_dtype):
    x, lo, hi = args
    return f"np.minimum(np.maximum({x}, {lo}), {hi})"


@register_scalar_expr(sops.InRange)
def _in_range(op, args, in_dtypes, out_dtype):
    x, lo, hi = args
    low = ">" if op.openlow else ">="
    high = "<" if op.openhi else "<="
    return f"(({x} {low} {lo}) and ({x} {high} {hi}))"


@register_scalar_expr(sops.Second)
def _second(op, args, in_dtypes, out_dtype):
    return args[1]


@register_scalar_expr(sops.Identity)
def _identity(op, args, in_dtypes, out_dtype):
    return args[0]


@register_scalar_expr(sops.Cast)
def _cast(op, args, in_dtypes, out_dtype):
    if np.dtype(in_dtypes[0]).kind == "c" and np.dtype(out_dtype).kind != "c":
        return f"{args[0]}.real"
    return args[0]


@register_scalar_expr(el.RoundHalfAwayFromZero)
def _round_away(op, args, in_dtypes, out_dtype):
    x = args[0]
    return (
        f"(np.trunc({x}) + np.sign({x}) if np.abs({x} - np.trunc({x})) >= 0.5 "
        f"else np.trunc({x}))"
    )


@register_scalar_expr(el.Real)
def _real(op, args, in_dtypes, out_dtype):
    return f"{args[0]}.real"


@register_scalar_expr(el.Imag)
def _imag(op, args, in_dtypes, out_dtype):
    return f"{args[0]}.imag"


@register_scalar_expr(el.Angle)
def _angle(op, args, in_dtypes, out_dtype):
    return f"np.angle({_as_float(args[0], in_dtypes[0], out_dtype)})"


def _math(name: str) -> Callable[..., str]:
    def write(op, args, in_dtypes, out_dtype):
        if np.dtype(in_dtypes[0]).kind == "c":
            raise NumbaTranslationMissing(f"{name} of a complex number")
        if _vectorizable(name, in_dtypes, out_dtype, False):
            return f"vector_{name}({args[0]})"
        return f"math.{name}({args[0]})"

    return write


_EXPRESSIONS[smath.Erf] = _math("erf")
_EXPRESSIONS[smath.Erfc] = _math("erfc")
_EXPRESSIONS[smath.Gamma] = _math("gamma")
_EXPRESSIONS[smath.GammaLn] = _math("lgamma")


@register_scalar_expr(smath.Sigmoid)
def _sigmoid(op, args, in_dtypes, out_dtype):
    x = _as_float(args[0], in_dtypes[0], out_dtype)
    one = cast_expr(1, out_dtype)
    zero = cast_expr(0, out_dtype)
    exp = "vector_exp" if vector_function("exp", out_dtype) else "np.exp"
    # exp(min(x, 0)) / (1 + exp(-|x|)): exp of a non-positive value never
    # overflows (tiny results stay exact), and with no branch the loop
    # vectorises.
    return f"({exp}(np.minimum({x}, {zero})) / ({one} + {exp}(-np.abs({x}))))"


@register_scalar_expr(smath.Softplus)
def _softplus(op, args, in_dtypes, out_dtype):
    x = _as_float(args[0], in_dtypes[0], out_dtype)
    return (
        f"(np.exp({x}) if {x} < -37.0 else (np.log1p(np.exp({x})) if {x} < 18.0 "
        f"else ({x} + np.exp(-{x}) if {x} < 33.3 else {x})))"
    )


@register_scalar_expr(smath.Log1mexp)
def _log1mexp(op, args, in_dtypes, out_dtype):
    x = _as_float(args[0], in_dtypes[0], out_dtype)
    return (
        f"(np.log1p(-np.exp({x})) if {x} < -0.6931471805599453 "
        f"else np.log(-np.expm1({x})))"
    )


def scalar_expression(
    op: ScalarOp, args: Sequence[str], in_dtypes: Sequence[str], out_dtype: str
) -> str:
    """The expression computing ``op`` of ``args`` (names of NumPy scalars)."""
    for cls in type(op).__mro__:
        writer = _EXPRESSIONS.get(cls)
        if writer is not None:
            return writer(op, list(args), list(in_dtypes), out_dtype)
        if cls is ScalarOp:
            break
    raise NumbaTranslationMissing(f"No Numba translation for the scalar op {op}")


def scalar_body(
    op: ScalarOp,
    in_names: Sequence[str],
    in_dtypes: Sequence[str],
    out_names: Sequence[str],
    out_dtypes: Sequence[str],
    env: dict[str, Any],
    prefix: str = "t",
    lifted: list | None = None,
) -> list[str]:
    """Lines assigning ``out_names`` the results of ``op`` on ``in_names``.

    Constants of a ``Composite`` are appended to ``lifted`` and read from
    the names ``L0``, ``L1``..., which the caller makes parameters of the
    generated function: fusion puts a graph's constants inside its
    Composites, and as arguments they stay out of the compiled code (and of
    the cache key). Without ``lifted`` they become globals in ``env``, frozen
    by Numba at compile time.
    """
    if not isinstance(op, Composite):
        if len(out_names) != 1:
            raise NumbaTranslationMissing(f"multi-output scalar op {op}")
        expr = scalar_expression(op, in_names, in_dtypes, out_dtypes[0])
        return [f"{out_names[0]} = {cast_expr(expr, out_dtypes[0])}"]
    names: dict[Any, str] = {}
    for v, name in zip(op.fgraph.inputs, in_names):
        names[v] = name
    lines = []
    for k, node in enumerate(op.fgraph.toposort()):
        args = []
        for v in node.inputs:
            if isinstance(v, Constant):
                value = np.dtype(v.type.dtype).type(v.data)
                if lifted is not None:
                    const = f"L{len(lifted)}"
                    lifted.append(value)
                else:
                    const = f"{prefix}k{len(env)}"
                    env[const] = value
                names[v] = const
            args.append(names[v])
        dtypes = [v.type.dtype for v in node.inputs]
        inner = scalar_body(
            node.op,
            args,
            dtypes,
            [f"{prefix}{k}_{j}" for j in range(len(node.outputs))],
            [o.type.dtype for o in node.outputs],
            env,
            prefix=f"{prefix}{k}_",
            lifted=lifted,
        )
        lines.extend(inner)
        for j, o in enumerate(node.outputs):
            names[o] = f"{prefix}{k}_{j}"
    for out, name, dtype in zip(op.fgraph.outputs, out_names, out_dtypes):
        if isinstance(out, Constant):
            value = np.dtype(dtype).type(out.data)
            if lifted is not None:
                const = f"L{len(lifted)}"
                lifted.append(value)
            else:
                const = f"{prefix}k{len(env)}"
                env[const] = value
            lines.append(f"{name} = {const}")
        else:
            lines.append(f"{name} = {names[out]}")
    return lines


@numba_funcify.register(ScalarOp)
def numba_funcify_ScalarOp(op, node=None, **kwargs):
    env: dict[str, Any] = scalar_globals()
    args = [f"a{i}" for i in range(len(node.inputs))]
    outs = [f"r{j}" for j in range(len(node.outputs))]
    lifted: list = []
    body = scalar_body(
        op,
        args,
        [v.type.dtype for v in node.inputs],
        outs,
        [v.type.dtype for v in node.outputs],
        env,
        lifted=lifted,
    )
    params = args + [f"L{k}" for k in range(len(lifted))]
    ret = outs[0] if len(outs) == 1 else "(" + ", ".join(outs) + ",)"
    src = f"def scalar_{type(op).__name__}({', '.join(params)}):\n"
    src += "".join(f"    {line}\n" for line in body)
    src += f"    return {ret}\n"
    return with_lifted(
        _single_output_fn(src, f"scalar_{type(op).__name__}", env), lifted
    )


@register_scalar_expr(XlogX)
def _xlogx(op, args, in_dtypes, out_dtype):
    x = _as_float(args[0], in_dtypes[0], out_dtype)
    return f"({cast_expr(0, out_dtype)} if {x} == 0 else {x} * np.log({x}))"


@register_scalar_expr(XlogY0)
def _xlogy0(op, args, in_dtypes, out_dtype):
    x = _as_float(args[0], in_dtypes[0], out_dtype)
    y = _as_float(args[1], in_dtypes[1], out_dtype)
    return f"({cast_expr(0, out_dtype)} if {x} == 0 else {x} * np.log({y}))"


def scalar_globals() -> dict[str, Any]:
    """The globals the expressions of this module refer to (``math``, the SciPy glue)."""
    env = {
        "math": math,
        "aesara_special": _special,
        "complex_from_polar_checked": _complex_from_polar_checked,
    }
    if vector_math_available():
        for name in _VECTOR_NAMES:
            fn = vector_function(name, "float64") or vector_function(name, "float32")
            if fn is not None:
                env[f"vector_{name}"] = fn
    return env


# ---------------------------------------------------------------------------
# Functions computed by SciPy: calls into its compiled code (see
# aesara.link.numba.dispatch.special), reproducing how each op's Python
# implementation combines SciPy's ufuncs, and in which precision.
# ---------------------------------------------------------------------------


def _special_call(fn: str, real_only: bool = True) -> Callable[..., str]:
    """A writer calling ``aesara_special.<fn>`` (double precision) on the arguments."""

    def write(op, args, in_dtypes, out_dtype):
        if real_only and any(np.dtype(d).kind == "c" for d in in_dtypes):
            raise NumbaTranslationMissing(f"{op} of a complex number")
        try:
            _special.ensure_loaded()
        except (ImportError, RuntimeError) as e:
            # No usable SciPy: the node runs in object mode instead.
            raise NumbaTranslationMissing(f"{op}: {e}") from e
        return f"aesara_special.{fn}({', '.join(args)})"

    return write


for _cls, _fn in {
    smath.Psi: "psi",
    smath.TriGamma: "trigamma",
    smath.GammaInc: "gammainc",
    smath.GammaIncC: "gammaincc",
    smath.Erfcinv: "erfcinv",
    smath.Erfcx: "erfcx",
    smath.OwensT: "owens_t",
    smath.I0: "i0",
    smath.I1: "i1",
    smath.Iv: "iv",
    smath.J0: "j0",
    smath.J1: "j1",
    smath.Jv: "jv",
    smath.Hyp2F1: "hyp2f1",
    smath.PolyGamma: "polygamma",
}.items():
    _EXPRESSIONS[_cls] = _special_call(_fn)


def _single_or_double(fn: str) -> Callable[..., str]:
    """SciPy has a float32 kernel of ``fn``: used where its ufunc would pick it."""
    double = _special_call(fn)
    single = _special_call(f"{fn}_f")

    def write(op, args, in_dtypes, out_dtype):
        # The ufunc's float32 loop runs exactly when the result is float32.
        return (single if out_dtype == "float32" else double)(
            op, args, in_dtypes, out_dtype
        )

    return write


_EXPRESSIONS[smath.Erfinv] = _single_or_double("erfinv")
_EXPRESSIONS[smath.BetaInc] = _single_or_double("betainc")


@register_scalar_expr(smath.Chi2SF)
def _chi2sf(op, args, in_dtypes, out_dtype):
    x, k = args
    return _special_call("chdtrc")(op, [k, x], in_dtypes[::-1], out_dtype)


def _incomplete_gamma(regularized: str) -> Callable[..., str]:
    # gamma(k) times the regularized function, each rounded to the output
    # dtype first and multiplied in it (as the ufuncs' results are).
    def write(op, args, in_dtypes, out_dtype):
        reg = _special_call(regularized)(op, args, in_dtypes, out_dtype)
        gam = _special_call("gamma")(op, args[:1], in_dtypes[:1], out_dtype)
        return f"({cast_expr(reg, out_dtype)} * {cast_expr(gam, out_dtype)})"

    return write


_EXPRESSIONS[smath.GammaL] = _incomplete_gamma("gammainc")
_EXPRESSIONS[smath.GammaU] = _incomplete_gamma("gammaincc")


# ---------------------------------------------------------------------------
# Complex numbers from parts, and the product that skips zeros
# ---------------------------------------------------------------------------


def _real_dtype_of(complex_dtype: str) -> str:
    return "float32" if complex_dtype == "complex64" else "float64"


@register_scalar_expr(el.Complex)
def _complex(op, args, in_dtypes, out_dtype):
    # ``complex(re, im)`` sets each part: ``re + 1j * im`` would turn an
    # infinite imaginary part into a NaN real part.
    return f"complex({args[0]}, {args[1]})"


@numba_njit
def _complex_from_polar_checked(r, theta):
    if r < 0:
        raise ValueError("complex_from_polar: the radius must be non-negative")
    return complex(r * np.cos(theta), r * np.sin(theta))


@register_scalar_expr(el.ComplexFromPolar)
def _complex_from_polar(op, args, in_dtypes, out_dtype):
    # Computed in the output's real precision, as the Python implementation's
    # ufuncs pick it.
    real = _real_dtype_of(out_dtype)
    r, theta = (cast_expr(a, real) for a in args)
    return f"complex_from_polar_checked({r}, {theta})"


@register_scalar_expr(MulWithoutZeros)
def _mul_without_zeros(op, args, in_dtypes, out_dtype):
    a, b = args
    return f"({b} if {a} == 0 else ({a} if {b} == 0 else {a} * {b}))"
