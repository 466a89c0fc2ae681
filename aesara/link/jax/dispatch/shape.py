"""JAX translations of the shape ops (``aesara.tensor.shape``).

Shapes of traced arrays are known when JAX traces, so ``Shape`` and
``Shape_i`` give NumPy values: computations on them stay static.
"""

from __future__ import annotations

import numpy as np

from aesara.link.jax.dispatch.basic import (
    DynamicLengthArray,
    jax_funcify,
    jax_static_inputs,
)
from aesara.tensor.shape import Reshape, Shape, Shape_i, SpecifyShape, Unbroadcast


def _jnp():
    import jax.numpy as jnp

    return jnp


@jax_funcify.register(Shape)
def jax_funcify_Shape(op, node=None, **kwargs):
    def shape(x):
        if isinstance(x, DynamicLengthArray):
            jnp = _jnp()
            rest = jnp.asarray(x.values.shape[1:], dtype="int64")
            return jnp.concatenate([jnp.reshape(x.length, (1,)), rest])
        return np.asarray(np.shape(x), dtype="int64")

    return shape


@jax_funcify.register(Shape_i)
def jax_funcify_Shape_i(op, node=None, **kwargs):
    i = op.i

    def shape_i(x):
        if isinstance(x, DynamicLengthArray):
            if i == 0:
                return x.length
            return np.asarray(x.values.shape[i], dtype="int64")
        return np.asarray(np.shape(x)[i], dtype="int64")

    return shape_i


@jax_static_inputs.register(SpecifyShape)
def _specify_shape_static(op, node):
    return tuple(range(1, len(node.inputs)))


@jax_funcify.register(SpecifyShape)
def jax_funcify_SpecifyShape(op, node=None, **kwargs):
    def specify_shape(x, *shape):
        xshape = np.shape(x)
        expected = tuple(None if s is None else int(s) for s in shape)
        if len(xshape) != len(expected) or any(
            s is not None and s != d for s, d in zip(expected, xshape)
        ):
            raise AssertionError(
                f"SpecifyShape: Got shape {tuple(xshape)}, expected {expected}."
            )
        return x

    return specify_shape


@jax_static_inputs.register(Reshape)
def _reshape_static(op, node):
    return (1,)


@jax_funcify.register(Reshape)
def jax_funcify_Reshape(op, node=None, **kwargs):
    jnp = _jnp()

    def reshape(x, shape):
        return jnp.reshape(x, tuple(int(s) for s in np.asarray(shape).ravel()))

    return reshape


@jax_funcify.register(Unbroadcast)
def jax_funcify_Unbroadcast(op, node=None, **kwargs):
    def unbroadcast(x):
        return x

    return unbroadcast
