"""Rewrites introducing the BLAS ops of :mod:`aesara.tensor.blas`.

Stage ``BlasOpt`` (position 1.7 of :data:`aesara.compile.mode.optdb`, tag
``fast_run``), in order:

1. :func:`local_dot_to_dot22`: ``dot`` of two matrices becomes
   :class:`~aesara.tensor.blas.Dot22` (a lone matrix-vector product stays
   ``dot``: the C backend runs it as one BLAS gemv, with the ``trans`` flag
   read from the strides, and needs no accumulator node).
2. :func:`local_gemm`: ``a * dot(x, y) + b * z`` (any signs, scalar factors,
   extra terms) becomes ``gemm(z, a, x, y, b)``; with an outer product and
   ``b == 1`` it becomes :class:`~aesara.tensor.blas.Ger`. For vectors,
   ``a * dot(A, x) + b * z`` (or ``dot(x, A)``) becomes
   :class:`~aesara.tensor.blas.Gemv` ``(z, a, A, x, b)``, as in Aesara.
3. :func:`local_dot22_to_dot22scalar`: ``a * dot(x, y)`` becomes
   :class:`~aesara.tensor.blas.Dot22Scalar`.
4. :func:`local_dot22_to_ger`: a remaining outer product becomes ``ger``.

Only float32/float64/complex64/complex128 products whose operands share a
dtype are rewritten (the dtypes BLAS computes). The in-place versions are
introduced in the ``inplace_db`` stage (:func:`local_inplace_gemm`,
:func:`local_inplace_gemv`, :func:`local_inplace_ger`).
"""

from __future__ import annotations

import numpy as np

import aesara.scalar.basic as aes
from aesara.compile import mode as compile_mode
from aesara.graph.basic import Constant, Variable
from aesara.graph.rewriting.basic import copy_stack_trace, in2out, node_rewriter
from aesara.graph.rewriting.db import SequenceDB
from aesara.tensor import math as tm
from aesara.tensor._products import Dot
from aesara.tensor.basic import as_tensor_variable, cast, zeros
from aesara.tensor.blas import (
    BLAS_DTYPES,
    Dot22,
    Dot22Scalar,
    Gemm,
    Gemv,
    Ger,
    _dot22,
    _dot22scalar,
    gemm_inplace,
    gemm_no_inplace,
    gemv_inplace,
    gemv_no_inplace,
    ger,
    ger_destructive,
)
from aesara.tensor.elemwise import DimShuffle, Elemwise

__all__ = [
    "blas_optdb",
    "local_dot22_to_dot22scalar",
    "local_dot22_to_ger",
    "local_dot_to_dot22",
    "local_gemm",
    "local_inplace_gemm",
    "local_inplace_gemv",
    "local_inplace_ger",
]


def _n_clients(fgraph, v: Variable) -> int:
    return len(fgraph.clients.get(v, ()))


def _same_type_or_specific(old: Variable, new: Variable) -> bool:
    return old.type == new.type or old.type.is_super(new.type)


def _spans(v: Variable, out: Variable) -> bool:
    """Whether the term ``v`` of the sum ``out`` has ``out``'s whole shape.

    A term with a static length 1 where the sum is longer is broadcast by
    the addition. The accumulator of gemm/ger may be (it broadcasts), the
    product may not: gemm computes it at its own shape.
    """
    return v.type.ndim == out.type.ndim and all(
        sv != 1 or so == 1 for sv, so in zip(v.type.shape, out.type.shape)
    )


def _scalar_factor(v: Variable) -> Variable | None:
    """``v`` as a 0-d tensor when it is a scalar broadcast along every axis."""
    if v.type.ndim == 0:
        return v
    if any(s != 1 for s in v.type.shape):
        return None
    if isinstance(v, Constant):
        return as_tensor_variable(np.asarray(v.data).reshape(()))
    node = v.owner
    if node is not None and isinstance(node.op, DimShuffle):
        inner = node.inputs[0]
        if inner.type.ndim == 0:
            return inner
    return None


def _parse_term(fgraph, v: Variable):
    """Split ``v`` into ``(scalar factors, sign, base, exclusive)``.

    ``v == sign * prod(factors) * base``; ``exclusive`` says that every
    intermediate between ``v`` and ``base`` is used only on that path (so
    rewriting ``v`` removes them).
    """
    coefs: list[Variable] = []
    sign = 1
    exclusive = True
    dtype = v.type.dtype
    while True:
        node = v.owner
        if node is None or type(node.op) is not Elemwise:
            break
        if node.outputs[0].type.dtype != dtype:
            break
        so = node.op.scalar_op
        if isinstance(so, aes.Neg):
            nxt = node.inputs[0]
            sign = -sign
        elif isinstance(so, aes.Mul):
            scal, rest = [], []
            for i in node.inputs:
                s = _scalar_factor(i)
                if s is not None:
                    scal.append(s)
                else:
                    rest.append(i)
            if len(rest) != 1 or not scal or rest[0].type.dtype != dtype:
                break
            coefs.extend(scal)
            nxt = rest[0]
        else:
            break
        if nxt.type.ndim != v.type.ndim:
            break
        v = nxt
        exclusive = exclusive and _n_clients(fgraph, v) == 1
    return coefs, sign, v, exclusive


def _coefficient(coefs, sign: int, dtype: str) -> Variable:
    if not coefs:
        return as_tensor_variable(np.asarray(sign, dtype=dtype))
    c = coefs[0] if len(coefs) == 1 else tm.mul(*coefs)
    if sign < 0:
        c = tm.neg(c)
    if c.type.dtype != dtype:
        c = cast(c, dtype)
    return c


def _is_zero(v: Variable) -> bool:
    return isinstance(v, Constant) and np.all(np.asarray(v.data) == 0)


def _is_one(v: Variable) -> bool:
    return isinstance(v, Constant) and np.all(np.asarray(v.data) == 1)


def _outer_operands(x: Variable, y: Variable):
    """``(u, v)`` when ``x @ y`` is ``outer(u, v)`` written as column @ row."""
    xo, yo = x.owner, y.owner
    if xo is None or yo is None:
        return None
    if not (isinstance(xo.op, DimShuffle) and isinstance(yo.op, DimShuffle)):
        return None
    if tuple(xo.op.new_order) != (0, "x") or tuple(yo.op.new_order) != ("x", 0):
        return None
    u, v = xo.inputs[0], yo.inputs[0]
    # The same orders also drop a broadcastable axis of a matrix ((?, 1) ->
    # (?, 1) reordered): no vector to hand to ger then.
    if u.type.ndim != 1 or v.type.ndim != 1:
        return None
    return u, v


@node_rewriter([Dot])
def local_dot_to_dot22(fgraph, node):
    """``dot`` of matrices -> ``Dot22``."""
    x, y = node.inputs
    out = node.outputs[0]
    dt = out.type.dtype
    if dt not in BLAS_DTYPES or x.type.dtype != dt or y.type.dtype != dt:
        return None
    if x.type.ndim == 2 and y.type.ndim == 2:
        new = _dot22(x, y)
    else:
        # A lone matrix-vector ``dot`` stays one node: the C backend runs it
        # as one BLAS gemv already, where Aesara's ``Gemv`` would need an
        # allocated accumulator (two more nodes). Accumulated products
        # ``b * z + a * dot(A, x)`` do become ``Gemv`` (:func:`local_gemm`).
        return None
    if not _same_type_or_specific(out, new):
        return None
    copy_stack_trace(out, new)
    return [new]


def _gemv_from_terms(fgraph, out: Variable, parsed: list, dt: str):
    """``b * z + a * dot(A, x) (+ other terms)`` -> ``Gemv(z, a, A, x, b) + ...``.

    The vector case of :func:`local_gemm`; ``dot(x, A)`` is ``dot(A.T, x)``.
    The accumulator ``z`` must be a full-length vector (no broadcast length
    1), so the C backend runs the node as one BLAS call.
    """
    dot_k = None
    for k, (_, _, _, _, base, excl) in enumerate(parsed):
        bo = base.owner
        if (
            excl
            and bo is not None
            and type(bo.op) is Dot
            and sorted(i.type.ndim for i in bo.inputs) == [1, 2]
            and all(i.type.dtype == dt for i in bo.inputs)
            and base.type.dtype == dt
            and _n_clients(fgraph, base) == 1
            and _spans(base, out)
        ):
            dot_k = k
            break
    if dot_k is None:
        return None
    z_k = None
    for k, (_, _, _, _, base, _) in enumerate(parsed):
        if (
            k != dot_k
            and base.type.ndim == 1
            and base.type.dtype == dt
            and base.type.shape[0] != 1
        ):
            z_k = k
            break
    if z_k is None:
        return None
    _, _, dcoefs, dsign, dbase, _ = parsed[dot_k]
    _, _, zcoefs, zsign, z, _ = parsed[z_k]
    u, v = dbase.owner.inputs
    A, x = (u, v) if u.type.ndim == 2 else (v.T, u)
    a = _coefficient(dcoefs, dsign, dt)
    b = _coefficient(zcoefs, zsign, dt)
    if _is_zero(b):
        return None  # 0 * z keeps z's NaNs; gemv would drop them
    new = gemv_no_inplace(z, a, A, x, b)
    for k, (v_, s, *_rest) in enumerate(parsed):
        if k in (dot_k, z_k):
            continue
        new = tm.add(new, v_) if s > 0 else tm.sub(new, v_)
    if new.type.dtype != dt or not _same_type_or_specific(out, new):
        return None
    copy_stack_trace(out, new)
    return [new]


@node_rewriter([Elemwise])
def local_gemm(fgraph, node):
    """``b * z + a * dot(x, y) (+ other terms)`` -> ``gemm(z, a, x, y, b) + ...``."""
    if type(node.op) is not Elemwise:
        return None
    so = node.op.scalar_op
    out = node.outputs[0]
    dt = out.type.dtype
    if out.type.ndim not in (1, 2) or dt not in BLAS_DTYPES:
        return None
    if isinstance(so, aes.Add):
        terms = [(i, 1) for i in node.inputs]
    elif isinstance(so, aes.Sub):
        terms = [(node.inputs[0], 1), (node.inputs[1], -1)]
    else:
        return None
    parsed = []
    for v, s in terms:
        coefs, sign, base, excl = _parse_term(fgraph, v)
        parsed.append(
            (v, s, coefs, sign * s, base, excl and _n_clients(fgraph, v) == 1)
        )
    if out.type.ndim == 1:
        return _gemv_from_terms(fgraph, out, parsed, dt)
    dot_k = None
    for k, (_, _, _, _, base, excl) in enumerate(parsed):
        bo = base.owner
        if (
            excl
            and bo is not None
            and isinstance(bo.op, (Dot22, Dot22Scalar))
            and base.type.dtype == dt
            and _n_clients(fgraph, base) == 1
            and _spans(base, out)
        ):
            dot_k = k
            break
    if dot_k is None:
        return None
    z_k = None
    for k, (_, _, _, _, base, _) in enumerate(parsed):
        if k != dot_k and base.type.ndim == 2 and base.type.dtype == dt:
            z_k = k
            break
    if z_k is None:
        return None
    _, _, dcoefs, dsign, dbase, _ = parsed[dot_k]
    _, _, zcoefs, zsign, z, _ = parsed[z_k]
    dnode = dbase.owner
    x, y = dnode.inputs[:2]
    if isinstance(dnode.op, Dot22Scalar):
        dcoefs = [*dcoefs, dnode.inputs[2]]
    a = _coefficient(dcoefs, dsign, dt)
    b = _coefficient(zcoefs, zsign, dt)
    if _is_zero(b):
        return None  # 0 * z keeps z's NaNs; gemm would drop them
    outer = _outer_operands(x, y)
    if outer is not None and _is_one(b):
        new = ger(z, a, *outer)
    else:
        new = gemm_no_inplace(z, a, x, y, b)
    for k, (v, s, *_rest) in enumerate(parsed):
        if k in (dot_k, z_k):
            continue
        new = tm.add(new, v) if s > 0 else tm.sub(new, v)
    if new.type.dtype != dt or not _same_type_or_specific(out, new):
        return None
    copy_stack_trace(out, new)
    return [new]


@node_rewriter([Elemwise])
def local_dot22_to_dot22scalar(fgraph, node):
    """``a * dot22(x, y)`` (scalar ``a``) -> ``Dot22Scalar(x, y, a)``."""
    if type(node.op) is not Elemwise or not isinstance(node.op.scalar_op, aes.Mul):
        return None
    out = node.outputs[0]
    dt = out.type.dtype
    if out.type.ndim != 2 or dt not in BLAS_DTYPES:
        return None
    coefs, sign, base, excl = _parse_term(fgraph, out)
    bo = base.owner
    if bo is None or not isinstance(bo.op, Dot22) or not coefs:
        return None
    if not excl or _n_clients(fgraph, base) != 1 or base.type.dtype != dt:
        return None
    a = _coefficient(coefs, sign, dt)
    new = _dot22scalar(bo.inputs[0], bo.inputs[1], a)
    if not _same_type_or_specific(out, new):
        return None
    copy_stack_trace(out, new)
    return [new]


@node_rewriter([Dot22])
def local_dot22_to_ger(fgraph, node):
    """``dot22`` of a column and a row (an outer product) -> ``ger`` on zeros."""
    x, y = node.inputs
    operands = _outer_operands(x, y)
    if operands is None:
        return None
    u, v = operands
    out = node.outputs[0]
    dt = out.type.dtype
    one = np.asarray(1, dtype=dt)
    new = ger(zeros((u.shape[0], v.shape[0]), dtype=dt), one, u, v)
    if not _same_type_or_specific(out, new):
        return None
    copy_stack_trace(out, new)
    return [new]


@node_rewriter([Gemm])
def local_inplace_gemm(fgraph, node):
    """``gemm_no_inplace`` -> ``gemm_inplace`` (validated by the destroy handler)."""
    if node.op.inplace or node.inputs[0].type != node.outputs[0].type:
        return None
    new = gemm_inplace(*node.inputs)
    copy_stack_trace(node.outputs[0], new)
    return [new]


@node_rewriter([Gemv])
def local_inplace_gemv(fgraph, node):
    """``Gemv{no_inplace}`` -> ``Gemv{inplace}``."""
    if node.op.inplace or node.inputs[0].type != node.outputs[0].type:
        return None
    new = gemv_inplace(*node.inputs)
    copy_stack_trace(node.outputs[0], new)
    return [new]


@node_rewriter([Ger])
def local_inplace_ger(fgraph, node):
    """``Ger{non-destructive}`` -> ``Ger{destructive}``."""
    if node.op.destructive or node.inputs[0].type != node.outputs[0].type:
        return None
    new = ger_destructive(*node.inputs)
    copy_stack_trace(node.outputs[0], new)
    return [new]


blas_optdb = SequenceDB()
"""The ``BlasOpt`` stage."""
blas_optdb.register(
    "local_dot_to_dot22",
    in2out(local_dot_to_dot22, name="local_dot_to_dot22"),
    "fast_run",
    position=0,
)
blas_optdb.register(
    "gemm_optimizer",
    in2out(local_gemm, name="gemm_optimizer"),
    "fast_run",
    position=10,
)
blas_optdb.register(
    "local_dot22_to_dot22scalar",
    in2out(local_dot22_to_dot22scalar, name="local_dot22_to_dot22scalar"),
    "fast_run",
    position=11,
)
blas_optdb.register(
    "local_dot22_to_ger",
    in2out(local_dot22_to_ger, name="local_dot22_to_ger"),
    "fast_run",
    position=15,
)
compile_mode.optdb.register("BlasOpt", blas_optdb, "fast_run", "blas", position=1.7)
compile_mode.optdb["inplace_db"].register(
    "blas_opt_inplace",
    in2out(
        local_inplace_gemm,
        local_inplace_gemv,
        local_inplace_ger,
        name="blas_opt_inplace",
    ),
    "fast_run",
    "inplace",
    "blas_opt_inplace",
    position=70,
)
