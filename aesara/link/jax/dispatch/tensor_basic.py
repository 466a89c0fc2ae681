"""JAX translations of array construction and joining (``aesara.tensor.basic``).

Sizes (``Alloc``'s shape, ``ARange``'s bounds, ``Eye``'s sizes, a join's
axis, split sizes) are static values: JAX needs them when it traces.
"""

from __future__ import annotations

import numpy as np

from aesara.link.jax.dispatch.basic import (
    jax_funcify,
    jax_needs_checks,
    jax_static_inputs,
    register_check,
)
from aesara.tensor._alloc_empty import AllocEmpty
from aesara.tensor._construct import (
    AllocDiag,
    ARange,
    Choose,
    Default,
    DiagonalScatter,
    ExtractDiag,
    Eye,
    ScatterAddAlongAxis,
    TakeAlongAxis,
    Tri,
)
from aesara.tensor._join import Join, Roll, Split
from aesara.tensor.basic import Alloc, MakeVector, ScalarFromTensor, TensorFromScalar


def _jnp():
    import jax.numpy as jnp

    return jnp


def _all_inputs(op, node):
    return tuple(range(len(node.inputs)))


def _all_but_first(op, node):
    return tuple(range(1, len(node.inputs)))


for _cls in (AllocEmpty, ARange, Eye, Tri):
    jax_static_inputs.register(_cls)(_all_inputs)
jax_static_inputs.register(Alloc)(_all_but_first)


@jax_static_inputs.register(Join)
def _join_static(op, node):
    return (0,)


@jax_static_inputs.register(Split)
def _split_static(op, node):
    return (1, 2)


@jax_funcify.register(TensorFromScalar)
def jax_funcify_TensorFromScalar(op, node=None, **kwargs):
    jnp = _jnp()
    dtype = node.outputs[0].type.dtype

    def tensor_from_scalar(x):
        return jnp.asarray(x, dtype=dtype)

    return tensor_from_scalar


@jax_funcify.register(ScalarFromTensor)
def jax_funcify_ScalarFromTensor(op, node=None, **kwargs):
    jnp = _jnp()

    def scalar_from_tensor(x):
        return jnp.reshape(jnp.asarray(x), (-1,))[0]

    return scalar_from_tensor


@jax_funcify.register(MakeVector)
def jax_funcify_MakeVector(op, node=None, **kwargs):
    jnp = _jnp()
    dtype = node.outputs[0].type.dtype

    def make_vector(*xs):
        if not xs:
            return jnp.zeros((0,), dtype=dtype)
        return jnp.stack([jnp.asarray(x, dtype=dtype) for x in xs])

    return make_vector


def _sizes(values) -> tuple:
    return tuple(int(v) for v in values)


@jax_funcify.register(Alloc)
def jax_funcify_Alloc(op, node=None, **kwargs):
    jnp = _jnp()
    dtype = node.outputs[0].type.dtype

    def alloc(v, *shape):
        return jnp.broadcast_to(jnp.asarray(v, dtype=dtype), _sizes(shape))

    return alloc


@jax_funcify.register(AllocEmpty)
def jax_funcify_AllocEmpty(op, node=None, **kwargs):
    jnp = _jnp()
    dtype = op.dtype

    def alloc_empty(*shape):
        return jnp.zeros(_sizes(shape), dtype=dtype)

    return alloc_empty


@jax_funcify.register(ARange)
def jax_funcify_ARange(op, node=None, **kwargs):
    jnp = _jnp()
    dtype = op.dtype

    def arange(start, stop, step):
        if step == 0:
            raise ValueError("arange: step must not be zero")
        # NumPy decides the length; JAX builds the values.
        n = len(np.arange(np.asarray(start), np.asarray(stop), np.asarray(step)))
        return (jnp.asarray(start) + jnp.arange(n) * jnp.asarray(step)).astype(dtype)

    return arange


@jax_funcify.register(Eye)
def jax_funcify_Eye(op, node=None, **kwargs):
    jnp = _jnp()
    dtype = op.dtype

    def eye(n, m, k):
        return jnp.eye(int(n), int(m), int(k), dtype=dtype)

    return eye


@jax_funcify.register(Tri)
def jax_funcify_Tri(op, node=None, **kwargs):
    jnp = _jnp()
    dtype = op.dtype

    def tri(n, m, k):
        return jnp.tri(int(n), int(m), int(k), dtype=dtype)

    return tri


@jax_funcify.register(Join)
def jax_funcify_Join(op, node=None, **kwargs):
    jnp = _jnp()
    dtype = node.outputs[0].type.dtype

    def join(axis, *tensors):
        tensors = [jnp.asarray(t, dtype=dtype) for t in tensors]
        return jnp.concatenate(tensors, axis=int(axis))

    return join


@jax_funcify.register(Split)
def jax_funcify_Split(op, node=None, **kwargs):
    jnp = _jnp()

    def split(x, axis, splits):
        axis = int(axis)
        splits = [int(s) for s in np.asarray(splits)]
        if sum(splits) != x.shape[axis] or any(s < 0 for s in splits):
            raise ValueError(
                f"Split: the split sizes {splits} do not add up to the size "
                f"{x.shape[axis]} of axis {axis}"
            )
        points = np.cumsum(splits)[:-1].tolist()
        return tuple(jnp.split(x, points, axis=axis))

    return split


@jax_funcify.register(Roll)
def jax_funcify_Roll(op, node=None, **kwargs):
    jnp = _jnp()
    axes = tuple(op.axes)

    def roll(x, shifts):
        shifts = jnp.asarray(shifts)
        for k, a in enumerate(axes):
            x = jnp.roll(x, shifts[k], axis=a)
        return x

    return roll


@jax_funcify.register(ExtractDiag)
def jax_funcify_ExtractDiag(op, node=None, **kwargs):
    jnp = _jnp()

    def extract_diag(x):
        return jnp.diagonal(x, op.offset, op.axis1, op.axis2)

    return extract_diag


@jax_funcify.register(AllocDiag)
def jax_funcify_AllocDiag(op, node=None, **kwargs):
    jnp = _jnp()
    k = op.offset

    def alloc_diag(v):
        n = v.shape[-1]
        size = n + abs(k)
        out = jnp.zeros((*v.shape[:-1], size, size), dtype=v.dtype)
        i = np.arange(n)
        out = out.at[..., i + max(0, -k), i + max(0, k)].set(v)
        nd = out.ndim
        return jnp.moveaxis(out, (-2, -1), (op.axis1 % nd, op.axis2 % nd))

    return alloc_diag


@jax_funcify.register(DiagonalScatter)
def jax_funcify_DiagonalScatter(op, node=None, **kwargs):
    jnp = _jnp()
    k = op.offset
    dtype = node.outputs[0].type.dtype

    def diagonal_scatter(like, v):
        out = jnp.zeros(like.shape, dtype=dtype)
        nd = out.ndim
        src = (op.axis1 % nd, op.axis2 % nd)
        moved = jnp.moveaxis(out, src, (-2, -1))
        i = np.arange(v.shape[-1])
        moved = moved.at[..., i + max(0, -k), i + max(0, k)].set(v)
        return jnp.moveaxis(moved, (-2, -1), src)

    return diagonal_scatter


@jax_funcify.register(TakeAlongAxis)
def jax_funcify_TakeAlongAxis(op, node=None, **kwargs):
    jnp = _jnp()

    def take_along_axis(arr, idx):
        return jnp.take_along_axis(arr, idx, axis=op.axis)

    return take_along_axis


jax_needs_checks.register(Choose)(lambda op: op.mode == "raise")


@jax_funcify.register(Choose)
def jax_funcify_Choose(op, node=None, **kwargs):
    jnp = _jnp()
    dtype = node.outputs[0].type.dtype
    mode = op.mode
    if mode == "raise":
        from jax.experimental import checkify

        tag = register_check(
            op, node, ValueError, "choose: invalid entry in choice array"
        )

    def choose(a, choices):
        if mode == "raise":
            n = choices.shape[0]
            checkify.check(jnp.all((a >= 0) & (a < n)), tag)
        # In-range indices give the same result in every mode.
        run_mode = "clip" if mode == "raise" else mode
        return jnp.choose(a, choices, mode=run_mode).astype(dtype)

    return choose


@jax_funcify.register(Default)
def jax_funcify_Default(op, node=None, **kwargs):
    def default(x, d):
        return d if x is None else x

    return default


@jax_funcify.register(ScatterAddAlongAxis)
def jax_funcify_ScatterAddAlongAxis(op, node=None, **kwargs):
    jnp = _jnp()
    dtype = node.outputs[0].type.dtype

    def scatter_add_along_axis(like, idx, values):
        ax = op.axis % like.ndim
        full = list(values.shape)
        full[ax] = like.shape[ax]
        out = jnp.zeros(full, dtype=dtype)
        idx = jnp.broadcast_to(idx, values.shape)
        grids = list(jnp.indices(values.shape, sparse=True))
        grids[ax] = idx
        out = out.at[tuple(grids)].add(values.astype(dtype))
        # Sum over the dimensions ``like`` broadcasts.
        red = tuple(
            d for d in range(like.ndim) if like.shape[d] == 1 and out.shape[d] != 1
        )
        if red:
            out = out.sum(axis=red, keepdims=True)
        return out.reshape(like.shape)

    return scatter_add_along_axis
