"""Algebraic rewrites of the element-wise arithmetic ops.

Three groups live here, all registered in :data:`aesara.compile.mode.optdb`
when this module is imported:

* **canonicalisation** (stage ``canonicalize``): :class:`AlgebraicCanonizer`
  flattens nested ``add``/``sub``/``neg`` and ``mul``/``true_div``/
  ``reciprocal`` trees into one list of positive and one list of negative
  terms, cancels equal terms, folds the constants and rebuilds a canonical
  graph (:data:`local_add_canonizer`, :data:`local_mul_canonizer`);
  ``neg(x)`` becomes ``-1 * x`` so that negations take part in it;
* **useless operations** (stages ``useless`` and ``canonicalize``): ``x * 1``,
  ``x + 0``, ``x ** 1``, ``neg(neg(x))``, ``abs(abs(x))``, ``sqr(sqrt(x))``,
  boolean logic with constants (``x == x``, ``switch`` with a constant
  condition and ``exp(log(x))`` are in :mod:`aesara.tensor.rewriting.basic`
  and :mod:`aesara.tensor.rewriting._stabilize`);
* **specialisation** (stages ``specialize`` and ``specialize_device``):
  ``x ** 2 -> sqr(x)``, ``x ** 0.5 -> sqrt(x)``, small integer powers as
  products, ``-1 * x -> neg(x)``, ``x * x -> sqr(x)``.

The reduction rewrites (``sum(sum(x))``, ``sum(c * x)``...) are in
:mod:`aesara.tensor.rewriting._math_reductions`.

Every replacement keeps the dtype and the broadcast shape of the variable
it replaces: a term that disappears but made the output larger leaves a
``second(term, new)`` (``fill``) behind, and dtype changes are undone with a
cast.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

import aesara.scalar.basic as aes
from aesara.graph.basic import Constant, Variable
from aesara.graph.rewriting.basic import NodeRewriter, copy_stack_trace, node_rewriter
from aesara.tensor import basic as _tb
from aesara.tensor import math as _tm
from aesara.tensor.elemwise import Elemwise
from aesara.tensor.exceptions import NotScalarConstantError
from aesara.tensor.rewriting.basic import (
    register_canonicalize,
    register_specialize,
    register_specialize_device,
    register_stabilize,
    register_useless,
)

__all__ = [
    "AlgebraicCanonizer",
    "broadcast_like",
    "get_constant",
    "is_neg",
    "local_abs_of_abs_or_neg",
    "local_add_canonizer",
    "local_add_specialize",
    "local_bool_identities",
    "local_inv_inv",
    "local_mul_canonizer",
    "local_mul_specialize",
    "local_mul_to_sqr",
    "local_mul_zero",
    "local_neg_neg",
    "local_neg_to_mul",
    "local_pow_canonicalize",
    "local_pow_specialize",
    "local_pow_specialize_device",
    "local_sqrt_sqr",
    "local_useless_neutral_element",
]


# ---------------------------------------------------------------------------
# Helpers
# ---------------------------------------------------------------------------


def _scalar_op_of(node: Any) -> Any:
    """The scalar op of an ``Elemwise`` node (``None`` for other nodes).

    Only plain ``Elemwise`` ops count: a subclass (e.g. a library's marker op
    deriving from ``Elemwise``) is a different op, as Aesara's equality-based
    matching has it, and rewriting it as its scalar op would drop its class.
    """
    if node is None or type(node.op) is not Elemwise:
        return None
    return node.op.scalar_op


def _is_op(var: Variable, scalar_op: Any) -> bool:
    """Whether ``var`` is computed by an ``Elemwise`` of ``scalar_op`` (or of its class)."""
    sop = _scalar_op_of(var.owner)
    if sop is None:
        return False
    if isinstance(scalar_op, type):
        return isinstance(sop, scalar_op)
    return sop == scalar_op


def get_constant(v: Variable) -> np.ndarray | None:
    """The value of ``v`` when it is a constant holding a single number, else ``None``.

    Only variables whose every static dimension is 1 qualify (so dropping
    them cannot change the shape of a result beyond its number of
    dimensions); constants seen through ``DimShuffle``, casts and ``Alloc``
    count, element-wise computations do not.
    """
    t = v.type
    shape = getattr(t, "shape", None)
    if shape is None or any(s != 1 for s in shape):
        return None
    try:
        return _tb.get_scalar_constant_value(v, elemwise=False)
    except NotScalarConstantError:
        return None


def is_neg(var: Variable) -> Variable | None:
    """If ``var`` is ``-x`` (``neg(x)`` or ``-1 * x``), return ``x``, else ``None``."""
    node = var.owner
    sop = _scalar_op_of(node)
    if sop is None:
        return None
    if sop == aes.neg:
        return node.inputs[0]
    if sop == aes.mul and len(node.inputs) == 2:
        for i, inp in enumerate(node.inputs):
            c = get_constant(inp)
            if c is not None and c.dtype.kind != "b" and np.all(c == -1):
                other = node.inputs[1 - i]
                # ``-1 * x`` also broadcasts x against the constant's rank.
                if other.type.ndim == var.type.ndim:
                    return other
    return None


def _np_const(value: Any, dtype: str) -> Variable:
    """A 0-d tensor constant of ``dtype`` (integers wrap like NumPy's arithmetic)."""
    arr = np.asarray(value)
    if np.dtype(dtype).kind in "iub" and arr.dtype.kind in "iub":
        arr = arr.astype(dtype, casting="unsafe")
    else:
        with np.errstate(all="ignore"):
            arr = arr.astype(dtype)
    return _tb.constant(arr, dtype=dtype)


def _broadcasts_more(i: Variable, new: Variable) -> bool:
    """Whether ``i`` can make a result broadcast beyond the shape of ``new``."""
    if i.type.ndim > new.type.ndim:
        return True
    off = new.type.ndim - i.type.ndim
    for k, si in enumerate(i.type.shape):
        sn = new.type.shape[off + k]
        if sn == 1 and si != 1:
            return True
    return False


def broadcast_like(
    new: Variable, out: Variable, inputs: Sequence[Variable]
) -> Variable | None:
    """Make ``new`` a valid replacement for ``out``, whose inputs were ``inputs``.

    ``new`` is cast to the dtype of ``out``; when some input of the original
    node made ``out`` broadcast beyond ``new`` (more dimensions, or a length
    where ``new`` has 1), ``new`` is spread with ``second(input, new)``.
    Returns ``None`` when the result still cannot stand for ``out``.
    """
    if not isinstance(new, Variable):
        new = _np_const(new, out.type.dtype)
    if new.type.dtype != out.type.dtype:
        new = _tb.cast(new, out.type.dtype)
    for i in inputs:
        if new.type.broadcastable == out.type.broadcastable:
            break
        if _broadcasts_more(i, new):
            new = _tb.second(i, new)
    if new.type.ndim != out.type.ndim:
        return None
    if new.type.broadcastable != out.type.broadcastable:
        return None
    try:
        new = out.type.filter_variable(new, allow_convert=True)
    except TypeError:
        return None
    return new


def _finish(node: Any, new: Any, inputs: Sequence[Variable] | None = None):
    """``[new]`` adjusted to replace ``node``'s single output, or ``False``."""
    out = node.outputs[0]
    res = broadcast_like(new, out, node.inputs if inputs is None else inputs)
    if res is None or res is out:
        return False
    copy_stack_trace(out, res)
    return [res]


def _ones_or_zeros(node: Any, value: int):
    out = node.outputs[0]
    return _finish(node, _np_const(value, out.type.dtype))


# ---------------------------------------------------------------------------
# The algebraic canonizer
# ---------------------------------------------------------------------------


def _may_expand(var: Variable, root_dtype: str) -> bool:
    """Whether a sub-tree of dtype ``var.type.dtype`` may merge into a root of ``root_dtype``.

    Merging an integer sub-tree into an integer root of another dtype would
    change where the arithmetic wraps around; into a floating-point root it
    only removes overflow.
    """
    dtype = var.type.dtype
    if dtype == root_dtype:
        return True
    return np.dtype(root_dtype).kind in "fc"


def _same_graph(a: Variable, b: Variable) -> bool:
    """Whether ``a`` and ``b`` compute the same thing with the same structure.

    The walk stops at shared variables, so comparing a freshly built
    candidate with the node it would replace costs the size of the
    candidate, not of the whole graph.
    """
    if a is b:
        return True
    if isinstance(a, Constant) and isinstance(b, Constant):
        try:
            return a.type == b.type and bool(a.equals(b))
        except Exception:
            return False
    na, nb = a.owner, b.owner
    if na is None or nb is None or na.op != nb.op:
        return False
    if len(na.inputs) != len(nb.inputs) or na.outputs.index(a) != nb.outputs.index(b):
        return False
    return all(_same_graph(x, y) for x, y in zip(na.inputs, nb.inputs))


# Flattening stops beyond this many terms: a graph reusing a product many
# times would otherwise expand to exponentially many terms.
_MAX_TERMS = 256


class AlgebraicCanonizer(NodeRewriter):
    r"""Canonical form of a tree of ``main``, ``inverse`` and ``reciprocal`` ops.

    For ``main=mul, inverse=true_div, reciprocal=reciprocal`` the tree
    ``a * (b / c) * reciprocal(d * a)`` is read as the numerator terms
    ``[a, b, a]`` over the denominator terms ``[c, d, a]``. Terms found on
    both sides cancel, constant terms are folded into one number (put first),
    a neutral number (1 for ``mul``, 0 for ``add``) disappears, and the
    result is rebuilt as ``main(*num)`` or ``inverse(main(*num), main(*denum))``
    (``reciprocal(main(*denum))`` with no numerator). The rewrite fires only
    when that changes the graph, and only on the root of a tree.

    Parameters
    ----------
    main, inverse, reciprocal
        The scalar ops: e.g. ``aes.add, aes.sub, aes.neg`` or
        ``aes.mul, aes.true_div, aes.reciprocal``.
    calculate
        ``calculate(num_values, denum_values)``: the folded value of constant
        terms, as a NumPy number.
    neutral
        The neutral element of ``main`` (0 or 1).
    skip_kinds
        NumPy dtype kinds of outputs left alone (e.g. booleans, where ``add``
        is a logical or).
    name
        The rewrite's name.
    """

    def __init__(
        self,
        main: Any,
        inverse: Any,
        reciprocal: Any,
        calculate: Callable[[list, list], Any],
        neutral: int,
        skip_kinds: str = "b",
        name: str | None = None,
    ):
        self.main = main
        self.inverse = inverse
        self.reciprocal = reciprocal
        self.calculate = calculate
        self.neutral = neutral
        self.skip_kinds = skip_kinds
        self.name = self.__name__ = name or f"{main}_canonizer"
        self._ops = (main, inverse, reciprocal)

    def tracks(self):
        return [Elemwise]

    # -- reading the tree ---------------------------------------------------

    def _family(self, var: Variable) -> Any:
        sop = _scalar_op_of(var.owner)
        return sop if sop in self._ops else None

    def _negated(self, var: Variable) -> Variable | None:
        """A term that counts as a reciprocal beyond the ``reciprocal`` op."""
        if self.main == aes.add:
            return is_neg(var)
        return None

    def get_num_denum(
        self,
        var: Variable,
        budget: list | None = None,
        root_dtype: str | None = None,
    ):
        """The numerator and denominator terms of ``var`` (lists of variables)."""
        if budget is None:
            budget = [_MAX_TERMS]
            root_dtype = var.type.dtype
        if budget[0] <= 0:
            return [var], []
        sop = self._family(var)
        if sop is None:
            negated = self._negated(var)
            if (
                negated is not None
                and var.type.dtype == negated.type.dtype
                and _may_expand(var, root_dtype)
            ):
                n, d = self.get_num_denum(negated, budget, root_dtype)
                return d, n
            budget[0] -= 1
            return [var], []
        inputs = var.owner.inputs
        if root_dtype is not None and not _may_expand(var, root_dtype):
            budget[0] -= 1
            return [var], []
        num: list = []
        denum: list = []
        if sop == self.main:
            for i in inputs:
                n, d = self.get_num_denum(i, budget, root_dtype)
                num += n
                denum += d
        elif sop == self.inverse:
            n, d = self.get_num_denum(inputs[0], budget, root_dtype)
            n2, d2 = self.get_num_denum(inputs[1], budget, root_dtype)
            num = n + d2
            denum = d + n2
        else:
            n, d = self.get_num_denum(inputs[0], budget, root_dtype)
            num, denum = d, n
        return num, denum

    # -- simplifying ---------------------------------------------------------

    @staticmethod
    def _cancel(num: list, denum: list) -> tuple[list, list]:
        num = list(num)
        new_denum = []
        for d in denum:
            for k, n in enumerate(num):
                if n is d:
                    del num[k]
                    break
            else:
                new_denum.append(d)
        return num, new_denum

    def _fold(self, num: list, denum: list, dtype: str):
        """Fold the constant terms into one constant, put first in the numerator.

        A lone constant numerator term is kept as it is (rebuilding an equal
        constant would look like a change to the equilibrium loop).
        """
        cnum, cden, rnum, rden, cvars = [], [], [], [], []
        for t in num:
            c = get_constant(t)
            if c is None:
                rnum.append(t)
            else:
                cnum.append(c)
                cvars.append(t)
        for t in denum:
            c = get_constant(t)
            (rden if c is None else cden).append(t if c is None else c)
        if not cnum and not cden:
            return rnum, rden
        with np.errstate(all="ignore"):
            value = self.calculate(cnum, cden, dtype)
        if np.all(value == self.neutral) and (rnum or rden):
            return rnum, rden
        if len(cnum) == 1 and not cden:
            return [cvars[0], *rnum], rden
        return [_np_const(value, dtype), *rnum], rden

    # -- rebuilding -------------------------------------------------------------

    def _build(self, terms: list) -> Variable:
        if len(terms) == 1:
            return terms[0]
        return Elemwise(self.main)(*terms)

    def merge_num_denum(self, num: list, denum: list, dtype: str) -> Variable:
        """Build ``main(*num)``, over ``main(*denum)`` when there is one."""
        if not denum:
            if not num:
                return _np_const(self.neutral, dtype)
            return self._build(num)
        if not num:
            return Elemwise(self.reciprocal)(self._build(denum))
        return Elemwise(self.inverse)(self._build(num), self._build(denum))

    def transform(self, fgraph, node, *args, **kwargs):
        sop = _scalar_op_of(node)
        if sop not in self._ops or len(node.outputs) != 1:
            return False
        out = node.outputs[0]
        dtype = out.type.dtype
        if np.dtype(dtype).kind in self.skip_kinds:
            return False
        if any(np.dtype(i.type.dtype).kind in self.skip_kinds for i in node.inputs):
            return False
        # Only the root of a tree is rewritten: an inner node is read by it.
        clients = fgraph.clients.get(out, []) if fgraph is not None else []
        if len(clients) == 1:
            client, _ = clients[0]
            if (
                not isinstance(client, str)
                and self._family(client.outputs[0]) is not None
                and client.outputs[0].type.dtype == dtype
            ):
                return False
        num, denum = self.get_num_denum(out)
        num, denum = self._cancel(num, denum)
        num, denum = self._fold(num, denum, dtype)
        new = self.merge_num_denum(num, denum, dtype)
        candidate = broadcast_like(new, out, node.inputs)
        if candidate is None:
            return False
        if _same_graph(candidate, out):
            return False
        copy_stack_trace(out, candidate)
        return [candidate]

    def __str__(self):
        return self.name


def _add_calculate(num: list, denum: list, dtype: str):
    kind = np.dtype(dtype).kind
    work = "float64" if kind == "f" else ("complex128" if kind == "c" else dtype)
    total = np.zeros((), dtype=work)
    for v in num:
        total = total + np.asarray(v).astype(work)
    for v in denum:
        total = total - np.asarray(v).astype(work)
    return total


def _mul_calculate(num: list, denum: list, dtype: str):
    kind = np.dtype(dtype).kind
    work = "float64" if kind == "f" else ("complex128" if kind == "c" else dtype)
    if kind in "iu" and denum:
        work = "float64"
    total = np.ones((), dtype=work)
    for v in num:
        total = total * np.asarray(v).astype(work)
    for v in denum:
        total = total / np.asarray(v).astype(work)
    return total


local_add_canonizer = AlgebraicCanonizer(
    aes.add,
    aes.sub,
    aes.neg,
    _add_calculate,
    0,
    # Unsigned subtraction wraps around: folding it into one signed
    # constant would not be representable.
    skip_kinds="bu",
    name="local_add_canonizer",
)
local_mul_canonizer = AlgebraicCanonizer(
    aes.mul,
    aes.true_div,
    aes.reciprocal,
    _mul_calculate,
    1,
    skip_kinds="b",
    # ``1 / x`` becomes ``reciprocal(x)``: the stabilizing rewrites (sigmoid,
    # cancellations) are written against that form. Aesara keeps ``1 / x``
    # under other nodes; see docs/compatibility.md.
    name="local_mul_canonizer",
)
register_canonicalize(local_add_canonizer, name="local_add_canonizer")
register_canonicalize(local_mul_canonizer, name="local_mul_canonizer")


@register_specialize
@node_rewriter([Elemwise])
def local_div_to_reciprocal(fgraph, node):
    """``1 / x -> reciprocal(x)`` (for graphs the product canonizer did not reach)."""
    if _scalar_op_of(node) != aes.true_div:
        return False
    one, x = node.inputs
    if not (isinstance(one, Constant) and np.all(np.asarray(one.data) == 1)):
        return False
    return _finish(node, _tm.reciprocal(x))


@register_canonicalize
@node_rewriter([Elemwise])
def local_neg_to_mul(fgraph, node):
    """``neg(x) -> -1 * x``, so the product canonizer sees negations."""
    if _scalar_op_of(node) != aes.neg:
        return False
    (x,) = node.inputs
    if x.type.dtype[0] not in "ifc":
        return False
    return _finish(node, _tm.mul(_np_const(-1, x.type.dtype), x))


@register_canonicalize
@node_rewriter([Elemwise])
def local_mul_zero(fgraph, node):
    """``x * 0 -> zeros`` of the product's shape and dtype.

    As in Aesara, ``inf * 0`` and ``nan * 0`` also become 0.
    """
    if _scalar_op_of(node) != aes.mul:
        return False
    for i in node.inputs:
        c = get_constant(i)
        if c is None:
            try:
                c = _tb.get_scalar_constant_value(i, elemwise=False)
            except NotScalarConstantError:
                continue
        if np.all(c == 0):
            return _ones_or_zeros(node, 0)
    return False


# ---------------------------------------------------------------------------
# Useless arithmetic
# ---------------------------------------------------------------------------


def _is_const(v: Variable, value: Any) -> bool:
    c = get_constant(v)
    return c is not None and bool(np.all(c == value))


@register_canonicalize
@register_useless
@node_rewriter([Elemwise])
def local_useless_neutral_element(fgraph, node):
    """Remove neutral constants: ``x * 1``, ``x + 0``, ``x - 0``, ``x / 1``, ``x ** 1``."""
    sop = _scalar_op_of(node)
    if sop is None or len(node.outputs) != 1:
        return False
    inputs = node.inputs
    if sop in (aes.add, aes.mul):
        neutral = 0 if sop == aes.add else 1
        if node.outputs[0].type.dtype == "bool":
            return False
        kept = [i for i in inputs if not _is_const(i, neutral)]
        if len(kept) == len(inputs):
            return False
        if not kept:
            return _ones_or_zeros(node, neutral)
        new = kept[0] if len(kept) == 1 else Elemwise(sop)(*kept)
        return _finish(node, new)
    if sop == aes.int_div and node.outputs[0].type.dtype[0] not in "iu":
        # On floats ``x // 1`` is ``floor(x)``.
        return False
    if sop in (aes.sub, aes.true_div, aes.pow, aes.int_div) and len(inputs) == 2:
        neutral = 0 if sop == aes.sub else 1
        if _is_const(inputs[1], neutral):
            return _finish(node, inputs[0])
    return False


@register_canonicalize
@register_useless
@node_rewriter([Elemwise])
def local_neg_neg(fgraph, node):
    """``-(-x) -> x``."""
    if _scalar_op_of(node) != aes.neg:
        return False
    inner = is_neg(node.inputs[0])
    if inner is None:
        return False
    return _finish(node, inner)


@register_canonicalize
@register_useless
@node_rewriter([Elemwise])
def local_inv_inv(fgraph, node):
    """``reciprocal(reciprocal(x)) -> x`` (cast back to the output dtype)."""
    if _scalar_op_of(node) != aes.reciprocal:
        return False
    (x,) = node.inputs
    if not _is_op(x, aes.reciprocal):
        return False
    return _finish(node, x.owner.inputs[0])


@register_canonicalize
@register_useless
@node_rewriter([Elemwise])
def local_abs_of_abs_or_neg(fgraph, node):
    """``abs(abs(x)) -> abs(x)`` and ``abs(-x) -> abs(x)``."""
    if _scalar_op_of(node) != aes.abs:
        return False
    (x,) = node.inputs
    if _is_op(x, aes.abs):
        return _finish(node, x)
    inner = is_neg(x)
    if inner is not None and inner.type.dtype == x.type.dtype:
        return _finish(node, _tm.abs(inner))
    return False


@register_canonicalize
@register_stabilize
@register_specialize
@node_rewriter([Elemwise])
def local_sqrt_sqr(fgraph, node):
    """``sqrt(sqr(x)) -> abs(x)``; ``sqr(sqrt(x)) -> x`` where ``x >= 0`` (NaN elsewhere)."""
    sop = _scalar_op_of(node)
    if sop not in (aes.sqrt, aes.sqr):
        return False
    (x,) = node.inputs
    out = node.outputs[0]
    if out.type.dtype[0] == "c":
        return False
    if not (_is_op(x, aes.sqr) or _is_op(x, aes.sqrt)):
        return False
    if x.owner.inputs[0].type.dtype[0] != "f":
        # Integer squares wrap around; complex square roots are not abs.
        return False
    if sop == aes.sqrt and _is_op(x, aes.sqr):
        return _finish(node, _tm.abs(x.owner.inputs[0]))
    if sop == aes.sqr and _is_op(x, aes.sqrt):
        y = x.owner.inputs[0]
        nan = _np_const(np.nan, out.type.dtype)
        return _finish(node, _tb.switch(_tm.ge(y, 0), y, nan))
    return False


@register_canonicalize
@register_useless
@node_rewriter([Elemwise])
def local_bool_identities(fgraph, node):
    """Logic on booleans with constants or with itself.

    ``x & True -> x``, ``x & False -> False``, ``x | False -> x``,
    ``x | True -> True``, ``x & x -> x``, ``x | x -> x``, ``x ^ x -> False``
    (only when every input is boolean: on integers these ops are bitwise).
    """
    sop = _scalar_op_of(node)
    if sop not in (aes.and_, aes.or_, aes.xor) or len(node.inputs) != 2:
        return False
    if any(i.type.dtype != "bool" for i in node.inputs):
        return False
    a, b = node.inputs
    if a is b:
        if sop == aes.xor:
            return _ones_or_zeros(node, 0)
        return _finish(node, a)
    for x, c in ((a, b), (b, a)):
        value = get_constant(c)
        if value is None:
            continue
        value = bool(value)
        if sop == aes.and_:
            return _finish(node, x) if value else _ones_or_zeros(node, 0)
        if sop == aes.or_:
            return _ones_or_zeros(node, 1) if value else _finish(node, x)
        if sop == aes.xor and not value:
            return _finish(node, x)
    return False


@register_canonicalize
@node_rewriter([Elemwise])
def local_pow_canonicalize(fgraph, node):
    """``x ** 0 -> ones`` and ``x ** 1 -> x`` (shape and dtype kept)."""
    if _scalar_op_of(node) != aes.pow:
        return False
    x, y = node.inputs
    c = get_constant(y)
    if c is None:
        return False
    if np.all(c == 0):
        return _ones_or_zeros(node, 1)
    if np.all(c == 1):
        return _finish(node, x)
    return False


# ---------------------------------------------------------------------------
# Specialisation
# ---------------------------------------------------------------------------


@register_specialize
@node_rewriter([Elemwise])
def local_pow_specialize(fgraph, node):
    """Cheaper ops for common powers.

    ``x ** 2 -> sqr(x)``, ``x ** 0.5 -> sqrt(x)``, ``x ** -1 -> reciprocal(x)``,
    ``x ** -2 -> reciprocal(sqr(x))``, ``x ** -0.5 -> reciprocal(sqrt(x))``,
    ``x ** 1 -> x``, ``x ** 0 -> ones``.
    """
    if _scalar_op_of(node) != aes.pow:
        return False
    x, y = node.inputs
    c = get_constant(y)
    if c is None:
        return False
    out = node.outputs[0]
    # Negative or fractional powers of integers have float results, which
    # the integer pow would not give: leave those alone.
    discrete = out.type.dtype[0] in "biu"
    if np.all(c == 0):
        return _ones_or_zeros(node, 1)
    # Compute in the output dtype (an int8 input squared in float must not
    # wrap around first).
    x = x if x.type.dtype == out.type.dtype else _tb.cast(x, out.type.dtype)
    if np.all(c == 1):
        return _finish(node, x)
    if np.all(c == 2):
        return _finish(node, _tm.sqr(x))
    if discrete:
        return False
    if np.all(c == 0.5):
        return _finish(node, _tm.sqrt(x))
    if np.all(c == -1):
        return _finish(node, _tm.reciprocal(x))
    if np.all(c == -2):
        return _finish(node, _tm.reciprocal(_tm.sqr(x)))
    if np.all(c == -0.5):
        return _finish(node, _tm.reciprocal(_tm.sqrt(x)))
    return False


# Powers beyond this are left to ``pow``: the product chain would be long.
_MAX_INT_POWER = 512


def _power_by_squaring(x: Variable, n: int) -> Variable:
    """``x ** n`` for an integer ``n >= 1`` as a chain of squarings and products."""
    result = None
    square = x
    while n:
        if n & 1:
            result = square if result is None else _tm.mul(result, square)
        n >>= 1
        if n:
            square = _tm.sqr(square)
    return result


@register_specialize_device
@node_rewriter([Elemwise])
def local_pow_specialize_device(fgraph, node):
    """``x ** n`` for a constant integer ``2 < |n| <= 512`` as products of squares.

    Negative ``n`` takes the reciprocal (floating-point outputs only).
    """
    if _scalar_op_of(node) != aes.pow:
        return False
    x, y = node.inputs
    c = get_constant(y)
    if c is None or c.dtype.kind == "c":
        return False
    value = float(c)
    if not value.is_integer() or not 2 < abs(value) <= _MAX_INT_POWER:
        return False
    out = node.outputs[0]
    n = int(value)
    if n < 0 and out.type.dtype[0] not in "fc":
        return False
    base = x if x.type.dtype == out.type.dtype else _tb.cast(x, out.type.dtype)
    new = _power_by_squaring(base, abs(n))
    if n < 0:
        new = _tm.reciprocal(new)
    return _finish(node, new)


@register_specialize
@node_rewriter([Elemwise])
def local_mul_specialize(fgraph, node):
    """Drop factors of 1 and turn a factor of -1 into a negation.

    ``1 * x -> x``, ``-1 * x -> neg(x)``, ``-1 * x * y -> neg(x * y)``,
    and constant factors are multiplied together.
    """
    if _scalar_op_of(node) != aes.mul or len(node.inputs) < 2:
        return False
    out = node.outputs[0]
    if out.type.dtype == "bool":
        return False
    value = np.ones((), dtype="float64" if out.type.dtype[0] != "c" else "complex128")
    nconst = 0
    rest = []
    for i in node.inputs:
        c = get_constant(i)
        if c is None or c.dtype.kind == "b":
            rest.append(i)
        else:
            value = value * c
            nconst += 1
    if nconst == 0 or not rest:
        return False
    negate = False
    if np.all(value == 1):
        pass
    elif np.all(value == -1) and out.type.dtype[0] in "ifc":
        negate = True
    elif nconst == 1:
        return False
    else:
        rest = [_np_const(value, out.type.dtype), *rest]
    new = rest[0] if len(rest) == 1 else _tm.mul(*rest)
    if new.type.dtype != out.type.dtype:
        new = _tb.cast(new, out.type.dtype)
    if negate:
        new = _tm.neg(new)
    return _finish(node, new)


@register_specialize
@node_rewriter([Elemwise])
def local_add_specialize(fgraph, node):
    """Drop terms equal to 0 from a sum, and a sum of a single term."""
    if _scalar_op_of(node) != aes.add:
        return False
    out = node.outputs[0]
    if out.type.dtype == "bool":
        return False
    rest = [i for i in node.inputs if not _is_const(i, 0)]
    if len(rest) == len(node.inputs) and len(rest) > 1:
        return False
    if not rest:
        return _ones_or_zeros(node, 0)
    new = rest[0] if len(rest) == 1 else _tm.add(*rest)
    return _finish(node, new)


@register_specialize
@node_rewriter([Elemwise])
def local_mul_to_sqr(fgraph, node):
    """``x * x -> sqr(x)``."""
    if _scalar_op_of(node) != aes.mul or len(node.inputs) != 2:
        return False
    a, b = node.inputs
    if a is not b or a.type.dtype == "bool":
        return False
    return _finish(node, _tm.sqr(a))


# The reduction rewrites register themselves on import.
from aesara.tensor.rewriting import _math_reductions  # noqa: E402, F401

# Stabilisation rewrites live in _stabilize.py; re-exported under their Aesara module path.
from aesara.tensor.rewriting._stabilize import *  # noqa: E402, F401, F403
