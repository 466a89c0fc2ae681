"""Rewrites that keep logistic-function graphs and their gradients finite.

The gradient of a cross-entropy written with ``log(sigmoid(z))`` is built
before any rewrite runs, so it holds ``(a / sigmoid(z) - b / (1 - sigmoid(z)))
* sigmoid(z) * (1 - sigmoid(z))``: ``0 / 0`` as soon as ``sigmoid(z)``
rounds to 0 or 1 (``|z|`` beyond ~37 for the complement, ~745 for the
underflow). The rewrites here turn such graphs into forms without the
divisions:

* :data:`local_greedy_distributor` (stages ``canonicalize`` and
  ``stabilize``) distributes the factors of a product over a sum factor
  when that makes terms cancel: ``(a / s - b / t) * s * t -> a * t - b * s``;
* :data:`local_exp_over_1_plus_exp` (``stabilize``, ``specialize``):
  ``exp(x) / (1 + exp(x)) -> sigmoid(x)`` and ``1 / (1 + exp(x)) ->
  sigmoid(-x)``, inside any product (the gradient of ``log1p(exp(x))``);
* :data:`local_sigm_times_exp` (``stabilize``, ``specialize``):
  ``exp(x) * sigmoid(-x) -> sigmoid(x)`` and ``exp(-x) * sigmoid(x) ->
  sigmoid(-x)``, inside any product;
* :data:`local_mul_cancel_equivalent` (``stabilize``): ``a * s / s' -> a``
  when ``s`` and ``s'`` are equal graphs built separately (the stabilising
  rewrites build fresh ``sigmoid(-z)`` nodes after canonicalisation, whose
  cancellation only looks at identical variables).

Factors are compared by structure, not identity: the ``1 - sigmoid(z)``
built by ``log(1 - p)``'s gradient and the one built by ``sigmoid``'s
gradient use different constants (``int8`` 1 and ``float64`` 1.0).
"""

from __future__ import annotations

from typing import Any

import numpy as np

import aesara.scalar.basic as aes
import aesara.scalar.math as asm
from aesara.graph.basic import Constant, Variable
from aesara.graph.rewriting.basic import node_rewriter
from aesara.tensor.elemwise import Elemwise
from aesara.tensor.math import neg, sigmoid
from aesara.tensor.rewriting.basic import (
    register_canonicalize,
    register_specialize,
    register_stabilize,
)
from aesara.tensor.rewriting.math import (
    _finish,
    get_constant,
    is_neg,
    local_add_canonizer,
    local_mul_canonizer,
)

__all__ = [
    "local_exp_over_1_plus_exp",
    "local_greedy_distributor",
    "local_mul_cancel_equivalent",
    "local_sigm_times_exp",
]

# A division costs about as much as two multiplications.
_DIV_COST = 2
# Products or sums longer than this are left alone (the scoring is quadratic).
_MAX_FACTORS = 32
_MAX_TERMS = 32
# Structural comparison gives up beyond this many node pairs.
_MAX_COMPARED = 200


# ---------------------------------------------------------------------------
# Helpers
# ---------------------------------------------------------------------------


def _scalar_op(v: Variable) -> Any:
    # Plain Elemwise only: a subclass is another op (see rewriting.math).
    node = v.owner
    if node is None or type(node.op) is not Elemwise:
        return None
    return node.op.scalar_op


def _is_float(v: Variable) -> bool:
    return getattr(v.type, "dtype", "")[:5] == "float"


def _unary_arg(v: Variable, cls: type) -> Variable | None:
    """``x`` when ``v`` is the element-wise ``cls(x)``, else ``None``."""
    sop = _scalar_op(v)
    if sop is None or not isinstance(sop, cls) or len(v.owner.inputs) != 1:
        return None
    return v.owner.inputs[0]


def _equiv(a: Variable, b: Variable, budget: list[int] | None = None) -> bool:
    """Whether ``a`` and ``b`` compute the same values.

    Both must have the same type; below that, constants are compared by
    value (their dtypes may differ: the node reading them has the same
    output type on both sides, so it computes in the same dtype) and
    computed variables by op and inputs.
    """
    if a is b:
        return True
    if budget is None:
        if a.type != b.type:
            return False
        budget = [_MAX_COMPARED]
    budget[0] -= 1
    if budget[0] < 0:
        return False
    if isinstance(a, Constant) and isinstance(b, Constant):
        da, db = np.asarray(a.data), np.asarray(b.data)
        if da.shape != db.shape or da.dtype.kind == "c" or db.dtype.kind == "c":
            return False
        # Equal values that also survive the same casts (no rounding of one).
        return bool(np.array_equal(da, db)) and da.dtype.kind in "biuf"
    # ``neg(x)`` and ``-1 * x`` (both forms survive the canonicalisation).
    ma, mb = is_neg(a), is_neg(b)
    if ma is not None and mb is not None:
        if ma.type != a.type or mb.type != b.type:
            return False
        return _equiv(ma, mb, budget)
    na, nb = a.owner, b.owner
    if na is None or nb is None or na.op != nb.op:
        return False
    if na.outputs.index(a) != nb.outputs.index(b) or len(na.inputs) != len(nb.inputs):
        return False
    if a.type != b.type:
        return False
    return all(_equiv(x, y, budget) for x, y in zip(na.inputs, nb.inputs))


def _cancel(num: list[Variable], denum: list[Variable]):
    """Remove pairs of equivalent factors found in both ``num`` and ``denum``."""
    num = list(num)
    kept = []
    for d in denum:
        for k, n in enumerate(num):
            if _equiv(n, d):
                del num[k]
                break
        else:
            kept.append(d)
    return num, kept


def _drop_ones(num: list[Variable]) -> list[Variable]:
    """Drop numerator constants equal to 1 (they cost a multiplication)."""
    out = []
    for n in num:
        c = get_constant(n)
        if c is not None and c.dtype.kind != "b" and np.all(c == 1):
            continue
        out.append(n)
    return out


def _cost(term: tuple[list, list]) -> int:
    n, d = term
    return len(n) + _DIV_COST * len(d)


def _simplify(term: tuple[list, list]) -> tuple[list, list]:
    n, d = _cancel(*term)
    return _drop_ones(n), d


# ---------------------------------------------------------------------------
# Greedy distribution of products over sums
# ---------------------------------------------------------------------------


def _distribute_into(
    pos: list, neg_: list, factor: Variable, in_denum: bool
) -> tuple[list, list] | None:
    """The terms with ``factor`` multiplied (or divided) in, when that saves work."""
    score = _DIV_COST if in_denum else 1
    new_pos, new_neg = [], []
    for terms, new_terms in ((pos, new_pos), (neg_, new_neg)):
        for n, d in terms:
            cand = (n, [*d, factor]) if in_denum else ([*n, factor], d)
            cand = _simplify(cand)
            score += _cost((n, d)) - _cost(cand)
            new_terms.append(cand)
    if score <= 0:
        return None
    return new_pos, new_neg


def _all_float(vs) -> bool:
    """Whether every factor is floating point (constants of any number kind pass)."""
    return all(_is_float(v) or get_constant(v) is not None for v in vs)


def _index(vs: list[Variable], v: Variable) -> int | None:
    """Position of ``v`` itself (not an equal variable) in ``vs``."""
    for k, w in enumerate(vs):
        if w is v:
            return k
    return None


@register_canonicalize
@register_stabilize
@node_rewriter([Elemwise])
def local_greedy_distributor(fgraph, node):
    """Distribute a product over one of its sum factors when terms cancel.

    ``(a / s - b / t) * s * t -> a * t - b * s``: each factor of the
    product (numerator or denominator) is tried on every term of each sum
    factor, and moved in when the number of multiplications and divisions
    (a division counting for two) goes down. Besides being shorter, the
    result no longer computes ``0 / 0`` where ``s`` or ``t`` underflow.
    Only floating-point products are rewritten (integer division would
    not cancel exactly).
    """
    sop = _scalar_op(node.outputs[0])
    if sop not in (aes.mul, aes.true_div) or len(node.outputs) != 1:
        return None
    out = node.outputs[0]
    if not _is_float(out):
        return None
    # Only the root of a product tree: inner nodes are read through it.
    if fgraph is not None:
        clients = fgraph.clients.get(out, [])
        if len(clients) == 1 and not isinstance(clients[0][0], str):
            client_out = clients[0][0].outputs[0]
            if _scalar_op(client_out) in (aes.mul, aes.true_div, aes.reciprocal) and (
                client_out.type.dtype == out.type.dtype
            ):
                return None
    num, denum = local_mul_canonizer.get_num_denum(out)
    if len(num) + len(denum) < 2 or len(num) + len(denum) > _MAX_FACTORS:
        return None
    if not _all_float(num) or not _all_float(denum):
        return None
    dtype = out.type.dtype
    changed = False
    new_num: list[Variable] = []
    # Factors still outside every sum (a factor moved into a sum leaves it).
    rest_num, rest_denum = list(num), list(denum)
    for cand in num:
        idx = _index(rest_num, cand)
        if idx is None or _scalar_op(cand) not in (aes.add, aes.sub):
            continue
        pos_t, neg_t = local_add_canonizer.get_num_denum(cand)
        if len(pos_t) + len(neg_t) < 2 or len(pos_t) + len(neg_t) > _MAX_TERMS:
            continue
        pos = [local_mul_canonizer.get_num_denum(t) for t in pos_t]
        neg_ = [local_mul_canonizer.get_num_denum(t) for t in neg_t]
        if not all(_all_float(n) and _all_float(d) for n, d in pos + neg_):
            continue
        del rest_num[idx]
        moved = False
        for in_denum, pool in ((False, rest_num), (True, rest_denum)):
            k = 0
            while k < len(pool):
                res = _distribute_into(pos, neg_, pool[k], in_denum)
                if res is None:
                    k += 1
                    continue
                pos, neg_ = res
                del pool[k]
                moved = True
        if not moved:
            new_num.append(cand)
            continue
        changed = True
        pos_v = [local_mul_canonizer.merge_num_denum(n, d, dtype) for n, d in pos]
        neg_v = [local_mul_canonizer.merge_num_denum(n, d, dtype) for n, d in neg_]
        new_num.append(local_add_canonizer.merge_num_denum(pos_v, neg_v, dtype))
    if not changed:
        return None
    new = local_mul_canonizer.merge_num_denum(new_num + rest_num, rest_denum, dtype)
    return _finish(node, new)


# ---------------------------------------------------------------------------
# exp(x) / (1 + exp(x)) and exp(x) * sigmoid(-x)
# ---------------------------------------------------------------------------


def _one_plus_exp(v: Variable) -> Variable | None:
    """``x`` when ``v`` is ``1 + exp(x)`` (in either order), else ``None``."""
    if _scalar_op(v) != aes.add or len(v.owner.inputs) != 2:
        return None
    a, b = v.owner.inputs
    for c, e in ((a, b), (b, a)):
        value = get_constant(c)
        if value is None or value.dtype.kind == "b" or not np.all(value == 1):
            continue
        x = _unary_arg(e, aes.Exp)
        if x is not None and _is_float(x):
            return x
    return None


def _negate(x: Variable) -> Variable:
    """``-x``, without a double negation."""
    inner = is_neg(x)
    if inner is not None and inner.type == x.type:
        return inner
    return neg(x)


def _product_root(fgraph, node) -> Variable | None:
    """The output of a floating-point product tree root, else ``None``."""
    out = node.outputs[0]
    if _scalar_op(out) not in (aes.mul, aes.true_div, aes.reciprocal):
        return None
    if not _is_float(out):
        return None
    return out


def _rebuild(node, num, denum):
    out = node.outputs[0]
    return _finish(
        node, local_mul_canonizer.merge_num_denum(num, denum, out.type.dtype)
    )


@register_stabilize
@register_specialize
@node_rewriter([Elemwise])
def local_exp_over_1_plus_exp(fgraph, node):
    """``exp(x) / (1 + exp(x)) -> sigmoid(x)``, ``1 / (1 + exp(x)) -> sigmoid(-x)``.

    Applied to the factors of a whole product: ``g * exp(x) / (1 + exp(x))``
    (the gradient of ``log1p(exp(x))``) becomes ``g * sigmoid(x)``, which
    stays finite where ``exp(x)`` overflows (``inf / inf``).
    """
    out = _product_root(fgraph, node)
    if out is None:
        return None
    num, denum = local_mul_canonizer.get_num_denum(out)
    if len(num) + len(denum) > _MAX_FACTORS:
        return None
    changed = False
    new_denum = []
    for d in denum:
        x = _one_plus_exp(d)
        if x is None:
            new_denum.append(d)
            continue
        changed = True
        for k, n in enumerate(num):
            nx = _unary_arg(n, aes.Exp)
            if nx is not None and _equiv(nx, x):
                del num[k]
                num.append(sigmoid(x))
                break
        else:
            num.append(sigmoid(_negate(x)))
    if not changed:
        return None
    return _rebuild(node, num, new_denum)


def _sigm_exp_pair(e: Variable, s: Variable) -> Variable | None:
    """``sigmoid(x)`` when ``e = exp(x)`` and ``s = sigmoid(-x)``."""
    x = _unary_arg(e, aes.Exp)
    y = _unary_arg(s, asm.Sigmoid)
    if x is None or y is None:
        return None
    mx = is_neg(x)
    if mx is not None and _equiv(mx, y):
        return sigmoid(_negate(y))
    my = is_neg(y)
    if my is not None and _equiv(my, x):
        return sigmoid(x)
    return None


@register_stabilize
@register_specialize
@node_rewriter([Elemwise])
def local_sigm_times_exp(fgraph, node):
    """``exp(x) * sigmoid(-x) -> sigmoid(x)`` and ``exp(-x) * sigmoid(x) -> sigmoid(-x)``.

    The left sides give ``inf * 0`` (NaN) where ``exp`` overflows. Pairs are
    looked for among the numerator factors of the whole product.
    """
    out = _product_root(fgraph, node)
    if out is None:
        return None
    num, denum = local_mul_canonizer.get_num_denum(out)
    if len(num) < 2 or len(num) + len(denum) > _MAX_FACTORS:
        return None
    changed = False
    k = 0
    while k < len(num):
        for j in range(len(num)):
            if j == k:
                continue
            r = _sigm_exp_pair(num[k], num[j])
            if r is not None:
                num = [v for i, v in enumerate(num) if i not in (j, k)] + [r]
                changed = True
                k = -1
                break
        k += 1
    if not changed:
        return None
    return _rebuild(node, num, denum)


@register_stabilize
@node_rewriter([Elemwise])
def local_mul_cancel_equivalent(fgraph, node):
    """Cancel equal factors of a product's numerator and denominator.

    Like the canonicalisation's cancellation, but comparing the factors by
    structure: ``g * sigmoid(-z) / sigmoid(-z)`` where the two ``sigmoid``
    nodes were created by different rewrites. As in the canonicalisation,
    ``s / s`` becomes 1 even where ``s`` is 0 (that ``0 / 0`` is what the
    rewrite removes).
    """
    out = _product_root(fgraph, node)
    if out is None:
        return None
    if fgraph is not None:
        clients = fgraph.clients.get(out, [])
        if len(clients) == 1 and not isinstance(clients[0][0], str):
            if _product_root(fgraph, clients[0][0]) is not None and (
                clients[0][0].outputs[0].type.dtype == out.type.dtype
            ):
                return None
    num, denum = local_mul_canonizer.get_num_denum(out)
    if not num or not denum or len(num) + len(denum) > _MAX_FACTORS:
        return None
    if not _all_float(num) or not _all_float(denum):
        return None
    new_num, new_denum = _cancel(num, denum)
    if len(new_denum) == len(denum):
        return None
    return _rebuild(node, new_num, new_denum)
