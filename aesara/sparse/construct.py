"""Sparse matrices built from rows: the sparse gradient of ``x[ilist]``.

``aesara.grad`` of a cost that reads ``sparse_grad(x[ilist])`` gives, for
``x``, the output gradient's rows put back at ``ilist`` in a matrix shaped
like ``x`` that stores only those rows (:class:`ConstructSparseFromList`),
instead of a dense matrix of mostly zeros.
"""

from __future__ import annotations

import numpy as np
import scipy.sparse

from aesara.gradient import DisconnectedType
from aesara.graph.basic import Apply
from aesara.graph.op import Op
from aesara.sparse.type import SparseTensorType
from aesara.tensor.type import integer_dtypes

__all__ = ["ConstructSparseFromList", "construct_sparse_from_list"]


class ConstructSparseFromList(Op):
    """A csc matrix shaped like ``x`` with ``values[k]`` as its row ``ilist[k]``.

    Called as ``construct_sparse_from_list(x, values, ilist)``: ``x`` (a
    dense matrix) only gives the output's shape and dtype, ``values`` is a
    dense matrix with one row per entry of the integer vector ``ilist``.
    Rows given several times add up; negative indices count from the end.
    The node keeps ``x.shape``, not ``x``, so ``x`` need not stay alive. The
    gradient is regular.
    """

    __props__ = ()

    def make_node(self, x, values, ilist):
        from aesara.tensor.basic import as_tensor_variable

        x = as_tensor_variable(x)
        if x.type.ndim != 2:
            raise TypeError(
                f"cannot create a sparse matrix with {x.type.ndim} dimensions "
                f"(x: {x.type})"
            )
        return self._node(x.shape, values, ilist, x.type.dtype, x.type.shape)

    def _node(self, shape, values, ilist, dtype, static_shape=(None, None)):
        from aesara.tensor.basic import as_tensor_variable

        values = as_tensor_variable(values)
        ilist = as_tensor_variable(ilist)
        if ilist.type.dtype not in integer_dtypes:
            raise TypeError(f"index must be integers, got dtype {ilist.type.dtype}")
        if ilist.type.ndim != 1:
            raise TypeError(f"index must be vector, got {ilist.type.ndim} dimensions")
        if values.type.ndim != 2:
            raise TypeError(
                f"cannot create a sparse matrix from values with {values.type.ndim} "
                "ndim (expected a matrix)"
            )
        if dtype not in SparseTensorType.dtype_specs_map:
            raise TypeError(f"sparse matrices cannot hold dtype {dtype}")
        out = SparseTensorType("csc", dtype, shape=static_shape)()
        return Apply(self, [as_tensor_variable(shape), values, ilist], [out])

    def perform(self, node, inputs, outputs):
        shape, values, ilist = inputs
        n_rows, n_cols = (int(s) for s in shape)
        rows, cols = values.shape
        if rows != len(ilist):
            raise ValueError(
                f"ConstructSparseFromList: values has {rows} rows but the index has "
                f"{len(ilist)} entries"
            )
        if cols != n_cols:
            raise ValueError(
                f"ConstructSparseFromList: values has {cols} columns, the output {n_cols}"
            )
        idx = np.asarray(ilist, dtype=np.int64)
        bad = (idx < -n_rows) | (idx >= n_rows)
        if bad.any():
            raise IndexError(
                f"index {int(idx[bad][0])} is out of bounds for axis 0 with size {n_rows}"
            )
        idx = np.where(idx < 0, idx + n_rows, idx)
        # Every value of row k goes to row idx[k]; COO -> CSC sums repeated rows.
        out_rows = np.repeat(idx, cols)
        out_cols = np.tile(np.arange(cols), rows)
        data = np.asarray(values, dtype=node.outputs[0].type.dtype).reshape(-1)
        outputs[0][0] = scipy.sparse.coo_matrix(
            (data, (out_rows, out_cols)), shape=(n_rows, n_cols)
        ).tocsc()

    def infer_shape(self, fgraph, node, shapes):
        shape = node.inputs[0]
        return [(shape[0], shape[1])]

    def connection_pattern(self, node):
        # The shape input is an integer vector: it takes no gradient.
        return [[False], [True], [False]]

    def L_op(self, inputs, outputs, grads):
        from aesara.sparse.conversion import dense_from_sparse
        from aesara.sparse.indexing import get_item_list
        from aesara.tensor.subtensor import advanced_subtensor1

        _, values, ilist = inputs
        (gz,) = grads
        if isinstance(gz.type, SparseTensorType):
            g_values = dense_from_sparse(get_item_list(gz, ilist))
        else:
            g_values = advanced_subtensor1(gz, ilist)
        return [DisconnectedType()(), g_values, DisconnectedType()()]

    def R_op(self, inputs, eval_points):
        if eval_points[1] is None:
            return [None]
        shape, _, ilist = inputs
        out = self._node(shape, eval_points[1], ilist, eval_points[1].type.dtype)
        return out.outputs


construct_sparse_from_list = ConstructSparseFromList()
