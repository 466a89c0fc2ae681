"""JAX translations of ``Elemwise``, ``DimShuffle``, the reductions and softmax."""

from __future__ import annotations

import aesara.scalar._ops as so
from aesara.link.jax.dispatch.basic import JAXTranslationError, jax_funcify
from aesara.link.jax.dispatch.scalar import composite_fn, scalar_op_fn
from aesara.tensor._reduction_ops import Mean, MulWithoutZeros
from aesara.tensor.elemwise import (
    CAReduce,
    DimShuffle,
    Elemwise,
    fused_reduction_structure,
)
from aesara.tensor.fused_reduce import FusedCAReduce
from aesara.tensor.math import Argmax, MaxAndArgmax
from aesara.tensor.special import LogSoftmax, Softmax, SoftmaxGrad


def _jnp():
    import jax.numpy as jnp

    return jnp


@jax_funcify.register(Elemwise)
def jax_funcify_Elemwise(op, node=None, **kwargs):
    jnp = _jnp()
    fn = scalar_op_fn(op.scalar_op, node)
    n_out = len(node.outputs)
    out_ndim = node.outputs[0].type.ndim

    def elemwise(*xs):
        res = fn(*xs)
        if n_out == 1:
            # A scalar op that ignores some inputs still gives the
            # broadcast shape of all of them.
            if jnp.ndim(res) != out_ndim or len(xs) > 1:
                shape = jnp.broadcast_shapes(*[jnp.shape(x) for x in xs])
                if jnp.shape(res) != shape:
                    res = jnp.broadcast_to(res, shape)
            return res
        return tuple(res)

    return elemwise


@jax_funcify.register(DimShuffle)
def jax_funcify_DimShuffle(op, node=None, **kwargs):
    jnp = _jnp()
    new_order = tuple(op.new_order)
    kept = [d for d in new_order if d != "x"]
    dropped = [d for d in range(len(op.input_broadcastable)) if d not in kept]
    perm = tuple(kept + dropped)
    identity_perm = perm == tuple(range(len(perm)))

    def dimshuffle(x):
        x = jnp.asarray(x)
        shape = tuple(1 if d == "x" else x.shape[d] for d in new_order)
        y = x if identity_perm else jnp.transpose(x, perm)
        if y.shape != shape:
            y = jnp.reshape(y, shape)
        return y

    return dimshuffle


def _reducer(scalar_op):
    jnp = _jnp()
    import jax

    if isinstance(scalar_op, so.Add):
        return jnp.sum
    if isinstance(scalar_op, MulWithoutZeros):

        def prod_no_zeros(x, axis):
            return jnp.prod(jnp.where(x == 0, jnp.ones_like(x), x), axis=axis)

        return prod_no_zeros
    if isinstance(scalar_op, so.Mul):
        return jnp.prod
    if isinstance(scalar_op, so.ScalarMaximum):
        return jnp.max
    if isinstance(scalar_op, so.ScalarMinimum):
        return jnp.min
    if isinstance(scalar_op, so.AND):

        def reduce_and(x, axis):
            if x.dtype == bool:
                return jnp.all(x, axis=axis)
            return jax.lax.reduce(x, jnp.array(-1, x.dtype), jax.lax.bitwise_and, axis)

        return reduce_and
    if isinstance(scalar_op, so.OR):

        def reduce_or(x, axis):
            if x.dtype == bool:
                return jnp.any(x, axis=axis)
            return jax.lax.reduce(x, jnp.array(0, x.dtype), jax.lax.bitwise_or, axis)

        return reduce_or
    if isinstance(scalar_op, so.XOR):

        def reduce_xor(x, axis):
            return jax.lax.reduce(x, jnp.array(0, x.dtype), jax.lax.bitwise_xor, axis)

        return reduce_xor
    return None


def _fused_parts(scalar_op):
    """``(reducer, element function)`` of a fused ``op(acc, f(x...))``, or ``None``."""
    import aesara.scalar as aes

    parts = fused_reduction_structure(scalar_op)
    if parts is None:
        return None
    binop, xs, elem = parts
    reduce = _reducer(binop)
    if reduce is None:
        return None
    if elem in xs:
        pos = xs.index(elem)
        return reduce, lambda *arrays: arrays[pos]
    return reduce, composite_fn(aes.Composite(xs, [elem]), 1)


@jax_funcify.register(FusedCAReduce)
def jax_funcify_FusedCAReduce(op, node=None, **kwargs):
    jnp = _jnp()
    parts = _fused_parts(op.scalar_op)
    if parts is None:
        raise JAXTranslationError(f"No JAX translation for the reduction {op}")
    reduce, elem = parts
    ndim = node.outputs[0].type.ndim + (
        len(op.axis) if op.axis is not None else max(i.type.ndim for i in node.inputs)
    )
    axis = tuple(range(ndim)) if op.axis is None else tuple(op.axis)
    acc, odtype = op.acc_dtype, node.outputs[0].type.dtype

    def fused_careduce(*xs):
        shape = jnp.broadcast_shapes(*[jnp.shape(x) for x in xs])
        vals = jnp.broadcast_to(jnp.asarray(elem(*xs)), shape)
        res = reduce(vals.astype(acc), axis=axis)
        return res.astype(odtype)

    return fused_careduce


@jax_funcify.register(CAReduce)
def jax_funcify_CAReduce(op, node=None, **kwargs):
    jnp = _jnp()
    reduce = _reducer(op.scalar_op)
    if reduce is None and _fused_parts(op.scalar_op) is not None:
        reduce, elem = _fused_parts(op.scalar_op)
        inner = reduce

        def reduce(x, axis):
            return inner(jnp.asarray(elem(x)), axis=axis)

    if reduce is None:
        raise JAXTranslationError(
            f"No JAX translation for the reduction {op} (scalar op {op.scalar_op})"
        )
    ndim = node.inputs[0].type.ndim
    axis = tuple(range(ndim)) if op.axis is None else tuple(op.axis)
    acc = getattr(op, "acc_dtype", None)
    odtype = node.outputs[0].type.dtype

    def careduce(x):
        x = jnp.asarray(x)
        if acc is not None and x.dtype != acc:
            x = x.astype(acc)
        res = reduce(x, axis=axis)
        return res.astype(odtype) if res.dtype != odtype else res

    return careduce


@jax_funcify.register(Mean)
def jax_funcify_Mean(op, node=None, **kwargs):
    jnp = _jnp()
    ndim = node.inputs[0].type.ndim
    axis = tuple(range(ndim)) if op.axis is None else tuple(op.axis)
    odtype = node.outputs[0].type.dtype

    def mean(x):
        x = jnp.asarray(x)
        total = jnp.sum(x.astype(odtype), axis=axis)
        n = 1
        for a in axis:
            n *= x.shape[a]
        return (total / n).astype(odtype)

    return mean


def _flatten_axes(jnp, x, axis):
    """Move ``axis`` to the end and merge them into one axis."""
    ndim = x.ndim
    axis = tuple(range(ndim)) if axis is None else tuple(axis)
    rest = [d for d in range(ndim) if d not in axis]
    y = jnp.transpose(x, rest + list(axis))
    return jnp.reshape(y, tuple(x.shape[d] for d in rest) + (-1,))


@jax_funcify.register(Argmax)
def jax_funcify_Argmax(op, node=None, **kwargs):
    jnp = _jnp()

    def argmax(x):
        flat = _flatten_axes(jnp, jnp.asarray(x), op.axis)
        return jnp.argmax(flat, axis=-1).astype("int64")

    return argmax


@jax_funcify.register(MaxAndArgmax)
def jax_funcify_MaxAndArgmax(op, node=None, **kwargs):
    jnp = _jnp()
    odtype = node.outputs[0].type.dtype

    def max_and_argmax(x):
        flat = _flatten_axes(jnp, jnp.asarray(x), op.axis)
        return (
            jnp.max(flat, axis=-1).astype(odtype),
            jnp.argmax(flat, axis=-1).astype("int64"),
        )

    return max_and_argmax


def _softmax_axis(op):
    return None if op.axis is None else op.axis


@jax_funcify.register(Softmax)
def jax_funcify_Softmax(op, node=None, **kwargs):
    import jax

    axis = _softmax_axis(op)
    odtype = node.outputs[0].type.dtype

    def softmax(x):
        return jax.nn.softmax(x, axis=axis).astype(odtype)

    return softmax


@jax_funcify.register(LogSoftmax)
def jax_funcify_LogSoftmax(op, node=None, **kwargs):
    import jax

    axis = _softmax_axis(op)
    odtype = node.outputs[0].type.dtype

    def log_softmax(x):
        return jax.nn.log_softmax(x, axis=axis).astype(odtype)

    return log_softmax


@jax_funcify.register(SoftmaxGrad)
def jax_funcify_SoftmaxGrad(op, node=None, **kwargs):
    jnp = _jnp()
    axis = _softmax_axis(op)
    odtype = node.outputs[0].type.dtype

    def softmax_grad(dy, sm):
        s = jnp.sum(dy * sm, axis=axis, keepdims=True)
        return ((dy - s) * sm).astype(odtype)

    return softmax_grad
