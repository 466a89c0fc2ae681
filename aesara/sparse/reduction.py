"""Sums of sparse matrices: over every entry, or along one axis, as a dense result."""

from __future__ import annotations

from typing import Any

import numpy as np

from aesara.graph.basic import Apply
from aesara.graph.op import Op
from aesara.tensor.type import TensorType, continuous_dtypes

__all__ = ["SpSum", "sp_sum"]


class SpSum(Op):
    """Sum of a csr/csc matrix over ``axis`` (``None``: every entry), as a dense tensor.

    The result has the matrix's dtype (no integer widening, as in Aesara).

    Parameters
    ----------
    axis
        ``None`` (a scalar result), ``0`` (one sum per column) or ``1`` (one
        sum per row).
    sparse_grad
        Whether the gradient is structured (only the stored entries receive
        gradient) or regular (every entry does). Either way it is a sparse
        matrix of the input's format.

    Notes
    -----
    ``sparse_grad`` is not part of the op's identity (``__props__``): both
    kinds compute the same values, so the merge rewrite may merge them.
    """

    __props__ = ("axis",)

    def __init__(self, axis: int | None = None, sparse_grad: bool = True):
        super().__init__()
        if axis not in (None, 0, 1):
            raise ValueError(f"SpSum: axis must be None, 0 or 1, got {axis!r}")
        self.axis = axis
        self.structured = bool(sparse_grad)

    def make_node(self, x):
        from aesara.sparse.arithmetic import _sparse_operand

        x = _sparse_operand(x, "SpSum", "x")
        if self.axis is None:
            shape: tuple = ()
        else:
            # Summing over ``axis`` leaves the other dimension.
            shape = (x.type.shape[1 - self.axis],)
        return Apply(self, [x], [TensorType(x.type.dtype, shape=shape)()])

    def perform(self, node, inputs, outputs):
        from aesara.sparse.arithmetic import _entry_coords

        (x,) = inputs
        dtype = np.dtype(node.outputs[0].type.dtype)
        # SciPy's own sum may sort the indices of the input in place: sum the
        # stored values directly instead (integers accumulate in 64 bits).
        acc = {"i": np.int64, "u": np.uint64}.get(dtype.kind, dtype)
        if self.axis is None:
            outputs[0][0] = np.asarray(np.sum(x.data, dtype=acc), dtype=dtype)
            return
        target = _entry_coords(x)[1 - self.axis]
        total = np.zeros(x.shape[1 - self.axis], dtype=acc)
        np.add.at(total, target, x.data)
        outputs[0][0] = total.astype(dtype, copy=False)

    def grad(self, inputs, grads):
        from aesara.sparse.arithmetic import _zero_grad, col_scale, mul, row_scale
        from aesara.sparse.csm import sp_ones_like

        (x,) = inputs
        (gz,) = grads
        if x.type.dtype not in continuous_dtypes:
            return [_zero_grad(x)]
        if gz.type.dtype != x.type.dtype:
            gz = gz.astype(x.type.dtype)
        if self.structured:
            ones = sp_ones_like(x)
            if self.axis is None:
                return [mul(gz, ones)]
            if self.axis == 0:
                return [col_scale(ones, gz)]
            return [row_scale(ones, gz)]
        return [self._regular_grad(x, gz)]

    def _regular_grad(self, x, gz):
        """Every entry of ``x`` gets the gradient of its sum, densely, then made sparse."""
        import aesara.tensor as at
        from aesara.sparse.conversion import SparseFromDense

        shape = x.shape
        if self.axis is None:
            dense = at.alloc(gz, shape[0], shape[1])
        elif self.axis == 0:
            dense = at.alloc(gz.dimshuffle("x", 0), shape[0], shape[1])
        else:
            dense = at.alloc(gz.dimshuffle(0, "x"), shape[0], shape[1])
        return SparseFromDense(x.type.format)(dense)

    def infer_shape(self, fgraph, node, shapes):
        if self.axis is None:
            return [()]
        return [(shapes[0][1 - self.axis],)]

    def __str__(self):
        return f"{type(self).__name__}{{axis={self.axis}}}"


def sp_sum(x: Any, axis: int | None = None, sparse_grad: bool = False):
    """The sum of the sparse matrix ``x`` over ``axis``, as a dense tensor.

    Parameters
    ----------
    x
        A csr or csc matrix.
    axis
        ``None`` (sum of every entry), ``0`` or ``1``.
    sparse_grad
        ``True`` for a structured gradient, ``False`` (default) for a regular
        one; both are sparse matrices of ``x``'s format.
    """
    return SpSum(axis, sparse_grad)(x)
