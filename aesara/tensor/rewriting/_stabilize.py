"""Numerical stabilisation of element-wise expressions.

These rewrites replace formulas that lose precision or overflow in floating
point by mathematically equal ones that do not: ``log(1 + x)`` by
``log1p(x)``, ``exp(x) - 1`` by ``expm1(x)``, ``log(sigmoid(x))`` by
``-softplus(-x)``, ``log(sum(exp(x)))`` by a max-shifted form, and so on.
They run in the ``stabilize`` stage of :data:`aesara.compile.mode.optdb`
(most also in ``specialize``, so that forms created by later stages are
caught too).

All of them apply to floating-point outputs only: on integers the naive
and the rewritten formulas can differ (``uint8`` additions wrap around).

Sums are looked at as lists of signed terms, so ``1 - x``, ``1 + (-x)``,
``(-x) + 1`` and ``1 + (-1) * x`` are all recognised, whichever form the
canonicalisation stage left.
"""

from __future__ import annotations

import numpy as np

import aesara.scalar.basic as aes
import aesara.scalar.math as asm
from aesara.graph.basic import Constant, Variable
from aesara.graph.rewriting.basic import copy_stack_trace, node_rewriter
from aesara.tensor.basic import get_scalar_constant_value
from aesara.tensor.elemwise import DimShuffle, Elemwise
from aesara.tensor.exceptions import NotScalarConstantError
from aesara.tensor.math import (
    Max,
    Sum,
    add,
    erf,
    erfc,
    erfcx,
    expm1,
    ge,
    gt,
    log,
    log1mexp,
    log1p,
    logaddexp,
    maximum,
    minimum,
    mul,
    neg,
    sigmoid,
    softplus,
    sub,
)
from aesara.tensor.math import switch_ as switch
from aesara.tensor.rewriting.basic import register_specialize, register_stabilize

__all__ = [
    "local_exp_log",
    "local_expm1",
    "local_log1p",
    "local_log1p_special",
    "local_log_add_exp",
    "local_log_erfc",
    "local_log_sigmoid",
    "local_log_sum_exp",
    "local_one_minus_special",
    "local_sigmoid_logit",
]


# ---------------------------------------------------------------------------
# Helpers
# ---------------------------------------------------------------------------


def _is_float(v: Variable) -> bool:
    return getattr(v.type, "dtype", "")[:5] == "float"


def _scalar_op_of(v: Variable, cls) -> Elemwise | None:
    """The ``Elemwise`` op computing ``v`` when its scalar op is a ``cls``.

    Subclasses of ``Elemwise`` are other ops and do not match.
    """
    node = v.owner
    if node is None or type(node.op) is not Elemwise:
        return None
    if not isinstance(node.op.scalar_op, cls):
        return None
    return node.op


def _arg(v: Variable, cls) -> Variable | None:
    """The input of ``v = f(x)`` when ``f`` is the unary element-wise ``cls``."""
    if _scalar_op_of(v, cls) is None or len(v.owner.inputs) != 1:
        return None
    return v.owner.inputs[0]


def _const(v: Variable) -> float | None:
    """The value of a constant ``v`` filled with a single number, else ``None``.

    A constant whose shape has a dimension longer than 1 would change the
    shape of a sum it is removed from, so it does not count.
    """
    node = v.owner
    if (
        node is not None
        and type(node.op) is Elemwise
        and type(node.op.scalar_op).__name__ not in ("Second", "Identity", "Cast")
    ):
        # Never constant with ``elemwise=False``: skip the (costly) failing lookup.
        return None
    try:
        value = get_scalar_constant_value(v, elemwise=False)
    except NotScalarConstantError:
        return None
    if isinstance(v, Constant) and any(d != 1 for d in np.shape(v.data)):
        return None
    if any(d != 1 for d in v.type.shape):
        # e.g. ``alloc(1, n)``: dropping it would drop its shape.
        return None
    value = np.asarray(value)
    if value.dtype.kind not in "biuf":
        return None
    return float(value)


def _signed(v: Variable) -> tuple[int, Variable]:
    """Split ``v`` into a sign and a term: ``-y`` and ``(-1) * y`` give ``(-1, y)``."""
    inner = _arg(v, aes.Neg)
    if inner is not None and _is_float(inner):
        return -1, inner
    if _scalar_op_of(v, aes.Mul) is not None and len(v.owner.inputs) == 2:
        a, b = v.owner.inputs
        for c, other in ((a, b), (b, a)):
            if (
                _const(c) == -1.0
                and other.type.ndim == v.type.ndim
                and _is_float(other)
            ):
                return -1, other
    return 1, v


def _terms(v: Variable) -> list[tuple[int, Variable]] | None:
    """``v`` as a list of signed terms when it is a float ``add`` or ``sub``.

    Integer terms are refused: negating or re-adding them in their own dtype
    could wrap around where the original sum did not.
    """
    if _scalar_op_of(v, aes.Add) is not None:
        terms = [_signed(i) for i in v.owner.inputs]
    elif _scalar_op_of(v, aes.Sub) is not None:
        a, b = v.owner.inputs
        sb, tb = _signed(b)
        terms = [_signed(a), (-sb, tb)]
    else:
        return None
    if not all(_is_float(t) or _const(t) is not None for _, t in terms):
        return None
    return terms


def _sum_terms(terms: list[tuple[int, Variable]], dtype: str) -> Variable:
    """Rebuild ``sum(sign * term)`` (at least one term) in ``dtype``."""

    terms = [(s, _as_dtype(t, dtype)) for s, t in terms]
    positive = [t for s, t in terms if s > 0]
    negative = [t for s, t in terms if s < 0]
    if positive:
        out = positive[0] if len(positive) == 1 else add(*positive)
        for t in negative:
            out = sub(out, t)
        return out
    out = negative[0] if len(negative) == 1 else add(*negative)
    return neg(out)


def _as_dtype(x: Variable, dtype: str) -> Variable:
    from aesara.tensor.basic import cast

    return x if x.type.dtype == dtype else cast(x, dtype)


def _finish(old: Variable, new: Variable) -> list[Variable] | None:
    """``[new]`` cast to ``old``'s dtype, or ``None`` when the ranks differ."""
    if new.type.ndim != old.type.ndim:
        return None
    new = _as_dtype(new, old.type.dtype)
    copy_stack_trace(old, new)
    return [new]


def _pop_one(
    terms: list[tuple[int, Variable]], value: float
) -> tuple[int, list[tuple[int, Variable]]] | None:
    """Remove one constant term equal to ``±value``; return its sign and the rest."""
    for k, (s, t) in enumerate(terms):
        c = _const(t)
        if c is None:
            continue
        if c == value:
            return s, terms[:k] + terms[k + 1 :]
        if c == -value:
            return -s, terms[:k] + terms[k + 1 :]
    return None


# ---------------------------------------------------------------------------
# log(1 + x) -> log1p(x), exp(x) - 1 -> expm1(x)
# ---------------------------------------------------------------------------


@register_stabilize
@register_specialize
@node_rewriter([Elemwise])
def local_log1p(fgraph, node):
    """``log(1 + x) -> log1p(x)`` (also ``log(x + 1)``, ``log(1 - x) -> log1p(-x)``)."""

    if _scalar_op_of(node.outputs[0], aes.Log) is None:
        return None
    out = node.outputs[0]
    (arg,) = node.inputs
    if not _is_float(out) or not _is_float(arg):
        return None
    terms = _terms(arg)
    if terms is None:
        return None
    found = _pop_one(terms, 1.0)
    if found is None or found[0] < 0 or not found[1]:
        return None
    rest = _sum_terms(found[1], arg.type.dtype)
    return _finish(out, log1p(rest))


@register_stabilize
@register_specialize
@node_rewriter([Elemwise])
def local_expm1(fgraph, node):
    """``exp(x) - 1 -> expm1(x)`` inside any sum (``1 - exp(x) -> -expm1(x)``)."""

    out = node.outputs[0]
    if not _is_float(out):
        return None
    terms = _terms(out)
    if terms is None:
        return None
    for k, (s, t) in enumerate(terms):
        x = _arg(t, aes.Exp)
        if x is None:
            continue
        rest = terms[:k] + terms[k + 1 :]
        # exp(x) - 1 with the signs of the pair opposed: s*exp(x) - s*1.
        found = _pop_one(rest, 1.0)
        if found is None or found[0] != -s:
            continue
        em1 = expm1(_as_dtype(x, t.type.dtype))
        new_terms = [(s, em1), *found[1]]
        if len(new_terms) == 1:
            new = em1 if s > 0 else neg(em1)
        else:
            new = _sum_terms(new_terms, out.type.dtype)
        return _finish(out, new)
    return None


# ---------------------------------------------------------------------------
# 1 - sigmoid, 1 - erf, 1 - erfc, softplus(x) - softplus(-x)
# ---------------------------------------------------------------------------


def _one_minus_rules(s_const: int, s_f: int, t: Variable, dtype: str):
    """Replacement of ``s_const * 1 + s_f * t``, or ``None``."""

    for cls, name in ((asm.Sigmoid, "sigmoid"), (asm.Erf, "erf"), (asm.Erfc, "erfc")):
        x = _arg(t, cls)
        if x is None:
            continue
        x = _as_dtype(x, dtype)
        if name == "sigmoid" and s_f == -s_const:
            # 1 - sigmoid(x) == sigmoid(-x)
            r = sigmoid(neg(x))
        elif name == "erf":
            # 1 - erf(x) == erfc(x); 1 + erf(x) == erfc(-x)
            r = erfc(x) if s_f == -s_const else erfc(neg(x))
        elif name == "erfc" and s_f == -s_const:
            # 1 - erfc(x) == erf(x)
            r = erf(x)
        else:
            return None
        return r if s_const > 0 else neg(r)
    return None


@register_stabilize
@register_specialize
@node_rewriter([Elemwise])
def local_one_minus_special(fgraph, node):
    """``1 - sigmoid(x) -> sigmoid(-x)``, ``1 - erf(x) -> erfc(x)``, ``1 + erf(x) -> erfc(-x)``,
    ``1 - erfc(x) -> erf(x)`` and ``softplus(x) - softplus(-x) -> x``, inside any sum.
    """
    out = node.outputs[0]
    if not _is_float(out):
        return None
    terms = _terms(out)
    if terms is None:
        return None
    special = (asm.Softplus, asm.Sigmoid, asm.Erf, asm.Erfc)
    for k, (s, t) in enumerate(terms):
        if not any(_scalar_op_of(t, cls) is not None for cls in special):
            # Only these terms can start a match: keeps big sums linear.
            continue
        rest = terms[:k] + terms[k + 1 :]
        # softplus(x) - softplus(-x) == x (what logit(sigmoid(x)) becomes).
        x = _arg(t, asm.Softplus)
        if x is not None:
            for j, (s2, t2) in enumerate(rest):
                y = _arg(t2, asm.Softplus)
                if y is None or s2 != -s:
                    continue
                ny = _arg(y, aes.Neg)
                if ny is x:
                    new_terms = [(s, x), *rest[:j], *rest[j + 1 :]]
                    return _finish(out, _sum_terms(new_terms, out.type.dtype))
        found = _pop_one(rest, 1.0)
        if found is None:
            continue
        r = _one_minus_rules(found[0], s, t, out.type.dtype)
        if r is None:
            continue
        new = r if not found[1] else _sum_terms([(1, r), *found[1]], out.type.dtype)
        return _finish(out, new)
    return None


# ---------------------------------------------------------------------------
# log / log1p of special forms
# ---------------------------------------------------------------------------


@register_stabilize
@register_specialize
@node_rewriter([Elemwise])
def local_log_sigmoid(fgraph, node):
    """``log(sigmoid(x)) -> -softplus(-x)``, ``log(-expm1(x)) -> log1mexp(x)``,
    ``log(exp(x)) -> x`` and ``log(sigmoid(-x))``-style forms of them."""

    out = node.outputs[0]
    if _scalar_op_of(out, aes.Log) is None or not _is_float(out):
        return None
    (arg,) = node.inputs
    x = _arg(arg, asm.Sigmoid)
    if x is not None:
        x = _as_dtype(x, out.type.dtype)
        return _finish(out, neg(softplus(neg(x))))
    sign, inner = _signed(arg)
    if sign < 0:
        x = _arg(inner, aes.Expm1)
        if x is not None:
            return _finish(out, log1mexp(_as_dtype(x, out.type.dtype)))
    return None


@register_stabilize
@register_specialize
@node_rewriter([Elemwise])
def local_log1p_special(fgraph, node):
    """``log1p(exp(x)) -> softplus(x)``, ``log1p(-exp(x)) -> log1mexp(x)``,
    ``log1p(-sigmoid(x)) -> -softplus(x)``."""

    out = node.outputs[0]
    if _scalar_op_of(out, aes.Log1p) is None or not _is_float(out):
        return None
    (arg,) = node.inputs
    sign, inner = _signed(arg)
    dtype = out.type.dtype
    x = _arg(inner, aes.Exp)
    if x is not None:
        x = _as_dtype(x, dtype)
        return _finish(out, softplus(x) if sign > 0 else log1mexp(x))
    x = _arg(inner, asm.Sigmoid)
    if x is not None and sign < 0:
        return _finish(out, neg(softplus(_as_dtype(x, dtype))))
    return None


@register_stabilize
@register_specialize
@node_rewriter([Elemwise])
def local_exp_log(fgraph, node):
    """Remove inverse pairs: ``log(exp(x)) -> x``, ``log1p(expm1(x)) -> x``,
    ``exp(log(x)) -> switch(x >= 0, x, nan)``, ``expm1(log1p(x)) -> switch(x >= -1, x, nan)``.
    """

    out = node.outputs[0]
    if not _is_float(out) or type(node.op) is not Elemwise or len(node.inputs) != 1:
        return None
    scalar_op = node.op.scalar_op
    (arg,) = node.inputs
    pairs = (
        (aes.Log, aes.Exp, None),
        (aes.Log1p, aes.Expm1, None),
        (aes.Exp, aes.Log, 0.0),
        (aes.Expm1, aes.Log1p, -1.0),
    )
    for outer, inner, lower in pairs:
        if not isinstance(scalar_op, outer):
            continue
        x = _arg(arg, inner)
        if x is None or not _is_float(x):
            return None
        x = _as_dtype(x, out.type.dtype)
        if lower is None:
            return _finish(out, x)
        nan = np.asarray(np.nan, dtype=out.type.dtype)
        lo = np.asarray(lower, dtype=out.type.dtype)
        return _finish(out, switch(ge(x, lo), x, nan))
    return None


@register_stabilize
@register_specialize
@node_rewriter([Elemwise])
def local_sigmoid_logit(fgraph, node):
    """``sigmoid(log(p) - log1p(-p)) -> p`` (``sigmoid(logit(p))``)."""
    out = node.outputs[0]
    x = _arg(out, asm.Sigmoid)
    if x is None or not _is_float(out):
        return None
    terms = _terms(x)
    if terms is None or len(terms) != 2:
        return None
    (s1, t1), (s2, t2) = terms
    if s1 < 0:
        (s1, t1), (s2, t2) = (s2, t2), (s1, t1)
    if s1 < 0 or s2 > 0:
        return None
    p = _arg(t1, aes.Log)
    q = _arg(t2, aes.Log1p)
    if p is None or q is None:
        return None
    sq, nq = _signed(q)
    if sq > 0 or nq is not p:
        return None
    return _finish(out, _as_dtype(p, out.type.dtype))


# ---------------------------------------------------------------------------
# log(erfc(x))
# ---------------------------------------------------------------------------


@register_stabilize
@register_specialize
@node_rewriter([Elemwise])
def local_log_erfc(fgraph, node):
    """``log(erfc(x)) -> switch(x > 0, log(erfcx(x)) - x**2, log1p(-erf(x)))``.

    ``erfc`` underflows to 0 near ``x = 27`` (``log`` then gives ``-inf``),
    while ``erfcx(x) = exp(x**2) erfc(x)`` stays near ``1 / (x sqrt(pi))``.
    """

    out = node.outputs[0]
    if _scalar_op_of(out, aes.Log) is None or not _is_float(out):
        return None
    x = _arg(node.inputs[0], asm.Erfc)
    if x is None:
        return None
    x = _as_dtype(x, out.type.dtype)
    zero = np.asarray(0, dtype=out.type.dtype)
    # Each branch gets its argument clamped into the range it is used on, so
    # neither overflows (and warns) where the switch discards it. For
    # ``x <= 0``, ``erfc(x) = 1 - erf(x)`` lies in ``[1, 2]``.
    pos = maximum(x, zero)
    nonpos = minimum(x, zero)
    new = switch(
        gt(x, zero), sub(log(erfcx(pos)), mul(pos, pos)), log1p(neg(erf(nonpos)))
    )
    return _finish(out, new)


# ---------------------------------------------------------------------------
# log(sum(exp(x))) and log(exp(a) + exp(b))
# ---------------------------------------------------------------------------


def _is_max_shift(x: Variable, shift: Variable) -> bool:
    """Whether ``shift`` is computed from a maximum of ``x`` (already stabilised)."""
    todo, seen = [shift], 0
    while todo and seen < 12:
        v = todo.pop()
        seen += 1
        if v.owner is None:
            continue
        if isinstance(v.owner.op, Max):
            src = v.owner.inputs[0]
            if src is x or (src.owner is not None and x in src.owner.inputs):
                return True
        if (
            isinstance(v.owner.op, (Elemwise, DimShuffle))
            or type(v.owner.op).__name__ == "Join"
        ):
            todo.extend(v.owner.inputs)
    return False


def _shift_max(x: Variable, axes: tuple[int, ...]) -> Variable:
    """``max(x, axes, keepdims=True)``.

    Like Aesara's rewrite, this fails on empty axes (a maximum has no
    identity), where the naive ``log(sum(exp(x)))`` gives ``-inf``.
    """
    from aesara.tensor.math import max as at_max

    return at_max(x, axis=axes, keepdims=True)


def _log_sum_exp(x: Variable, axis) -> Variable:
    """``log(sum(exp(x), axis))`` shifted by the (infinity-safe) maximum."""
    from aesara.tensor.math import exp, isinf
    from aesara.tensor.math import sum as at_sum

    ndim = x.type.ndim
    if axis is None:
        axes = tuple(range(ndim))
    else:
        axes = tuple(
            sorted(
                a % ndim for a in (axis if isinstance(axis, (tuple, list)) else (axis,))
            )
        )
    m = _shift_max(x, axes)
    # An infinite maximum (all -inf, or some +inf) would give inf - inf.
    m = switch(isinf(m), np.asarray(0, dtype=x.type.dtype), m)
    lse = add(log(at_sum(exp(sub(x, m)), axis=axes, keepdims=True)), m)
    keep = [d for d in range(ndim) if d not in axes]
    order: list = []
    for d in keep:
        order.append(d)
    return DimShuffle(tuple(s == 1 for s in lse.type.shape), order)(lse)


@register_stabilize
@register_specialize
@node_rewriter([Elemwise])
def local_log_sum_exp(fgraph, node):
    """``log(sum(exp(x), axis)) -> max(x) + log(sum(exp(x - max(x)), axis))``.

    Also when the sum keeps the reduced dimensions (a ``DimShuffle`` adding
    length-1 axes between the ``log`` and the sum).
    """

    out = node.outputs[0]
    if _scalar_op_of(out, aes.Log) is None or not _is_float(out):
        return None
    (arg,) = node.inputs
    expand = None
    if arg.owner is not None and isinstance(arg.owner.op, DimShuffle):
        ds = arg.owner.op
        if [d for d in ds.new_order if d != "x"] != list(
            range(len(ds.input_broadcastable))
        ):
            return None
        expand = ds
        arg = arg.owner.inputs[0]
    if arg.owner is None or type(arg.owner.op) is not Sum:
        return None
    summed = arg.owner.inputs[0]
    exp_arg = _arg(summed, aes.Exp)
    if exp_arg is None or not _is_float(summed):
        return None
    sub_op = _scalar_op_of(exp_arg, aes.Sub)
    if sub_op is not None and _is_max_shift(
        exp_arg.owner.inputs[0], exp_arg.owner.inputs[1]
    ):
        return None
    axis = arg.owner.op.axis
    new = _log_sum_exp(_as_dtype(exp_arg, summed.type.dtype), axis)
    if expand is not None:
        new = DimShuffle(tuple(s == 1 for s in new.type.shape), expand.new_order)(new)
    return _finish(out, new)


@register_stabilize
@register_specialize
@node_rewriter([Elemwise])
def local_log_add_exp(fgraph, node):
    """``log(exp(a) + exp(b) + ...) -> logaddexp(a, b, ...)`` (max-shifted)."""

    out = node.outputs[0]
    if _scalar_op_of(out, aes.Log) is None or not _is_float(out):
        return None
    (arg,) = node.inputs
    if _scalar_op_of(arg, aes.Add) is None or len(arg.owner.inputs) < 2:
        return None
    xs = [_arg(i, aes.Exp) for i in arg.owner.inputs]
    if any(x is None for x in xs):
        return None
    xs = [_as_dtype(x, arg.type.dtype) for x in xs]
    return _finish(out, logaddexp(*xs))
