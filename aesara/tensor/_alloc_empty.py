"""Uninitialised allocation: :class:`AllocEmpty`, :func:`empty`, :func:`empty_like`.

NumPy's ``empty``: an array of a given shape whose contents are whatever the
memory held. Aesara keeps these names in :mod:`aesara.tensor.basic`, which
re-exports them.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from aesara.configdefaults import config
from aesara.graph.basic import Apply, Variable
from aesara.graph.op import Op
from aesara.tensor.type import TensorType

__all__ = ["AllocEmpty", "empty", "empty_like"]


def _as_tensor(x: Any, **kw: Any) -> Variable:
    from aesara.tensor.basic import as_tensor_variable

    return as_tensor_variable(x, **kw)


class AllocEmpty(Op):
    """Allocate an array of a given shape whose contents are unspecified.

    Parameters
    ----------
    dtype
        The dtype of the array.
    """

    __props__ = ("dtype",)

    def __init__(self, dtype: str):
        if not isinstance(dtype, str):
            raise TypeError(f"AllocEmpty: dtype must be a string, got {dtype!r}")
        self.dtype = np.dtype(dtype).name

    def make_node(self, *shape: Any) -> Apply:
        from aesara.tensor.basic import infer_static_shape

        shape_vars, static = infer_static_shape(shape)
        out = TensorType(self.dtype, shape=static)()
        return Apply(self, list(shape_vars), [out])

    def perform(self, node, inputs, output_storage):
        dims = tuple(int(d) for d in inputs)
        out = output_storage[0]
        if out[0] is None or out[0].shape != dims:
            out[0] = np.empty(dims, dtype=self.dtype)

    def infer_shape(self, fgraph, node, input_shapes):
        return [tuple(node.inputs)]

    def do_constant_folding(self, fgraph, node):
        # Folding would freeze arbitrary contents into a constant.
        return False

    def connection_pattern(self, node):
        return [[False] for _ in node.inputs]

    def L_op(self, inputs, outputs, output_grads):
        from aesara.gradient import disconnected_type

        return [disconnected_type() for _ in inputs]


def empty(shape: Any, dtype: Any = None) -> Variable:
    """A tensor of shape ``shape`` whose contents are unspecified.

    Parameters
    ----------
    shape
        An int, or a sequence of ints/scalar variables.
    dtype
        Defaults to ``config.floatX``.
    """
    if not isinstance(shape, (list, tuple, Variable)):
        shape = [shape]
    if isinstance(shape, Variable):
        if shape.type.ndim == 0:
            shape = [shape]
        else:
            from aesara.tensor.basic import get_vector_length

            shape = [shape[i] for i in range(get_vector_length(shape))]
    dtype = config.floatX if dtype is None else np.dtype(dtype).name
    return AllocEmpty(dtype)(*shape)


def empty_like(prototype: Any, dtype: Any = None, shape: Any = None) -> Variable:
    """An uninitialised tensor with the shape and dtype of ``prototype``.

    Parameters
    ----------
    prototype
        The tensor to take the shape and dtype from.
    dtype, shape
        Override the dtype or the shape.
    """
    prototype = _as_tensor(prototype)
    if dtype is None:
        dtype = prototype.type.dtype
    if shape is None:
        shape = [prototype.shape[i] for i in range(prototype.type.ndim)]
    return empty(shape, dtype)
