"""Indexing sparse matrices: rows by a list, elements by two lists, 2-d slices, one element.

``x[[0, 2]]`` (:class:`GetItemList`), ``x[[0, 1], [2, 3]]``
(:class:`GetItem2Lists`), ``x[1:3, ::2]`` (:class:`GetItem2d`) and
``x[0, 1]`` (:class:`GetItemScalar`) are dispatched by :func:`sparse_getitem`,
which ``SparseVariable.__getitem__`` calls. Every selection runs on SciPy's
compiled indexing; the gradients of the list selections scatter the output
gradient back through a COO matrix (duplicate indices add up).

There are no sparse vectors, so an integer on one axis and a slice on the
other (``x[1:3, 0]``) is refused, as in Aesara: write ``x[1:3, 0:1]``.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import scipy.sparse

from aesara.gradient import DisconnectedType, grad_undefined
from aesara.graph.basic import Apply, Constant, Variable
from aesara.graph.op import Op
from aesara.sparse.type import SparseTensorType
from aesara.tensor.type import TensorType, discrete_dtypes, integer_dtypes

__all__ = [
    "GetItem2Lists",
    "GetItem2ListsGrad",
    "GetItem2d",
    "GetItemList",
    "GetItemListGrad",
    "GetItemScalar",
    "get_item_2d",
    "get_item_2lists",
    "get_item_2lists_grad",
    "get_item_list",
    "get_item_list_grad",
    "get_item_scalar",
    "sparse_getitem",
]


def _as_sparse(x: Any, op: str):
    from aesara.sparse.basic import as_sparse_variable

    x = as_sparse_variable(x)
    if x.type.format not in ("csr", "csc"):
        raise TypeError(f"{op} needs a csr or csc matrix, got format {x.type.format!r}")
    return x


def _int_vector(value: Any, op: str, what: str):
    from aesara.tensor.basic import as_tensor_variable

    var = as_tensor_variable(value)
    if var.type.dtype not in integer_dtypes:
        raise TypeError(f"{op}: {what} must hold integers, got dtype {var.type.dtype}")
    if var.type.ndim != 1:
        raise TypeError(
            f"{op}: {what} must be a vector (1-d), got {var.type.ndim} dimensions"
        )
    return var


def _wrap_indices(idx: np.ndarray, n: int, axis: str) -> np.ndarray:
    """``idx`` with negative entries wrapped; IndexError for entries outside ``[-n, n)``."""
    idx = np.asarray(idx, dtype=np.int64)
    bad = (idx < -n) | (idx >= n)
    if bad.any():
        raise IndexError(
            f"index ({int(idx[bad][0])}) out of range for {axis} of size {n}"
        )
    return np.where(idx < 0, idx + n, idx)


def _zero_grad_for_integers(x):
    """The float zero gradient of an integer sparse input (integers get no gradient)."""
    from aesara.configdefaults import config
    from aesara.sparse.conversion import cast
    from aesara.sparse.csm import sp_zeros_like

    return cast(sp_zeros_like(x), config.floatX)


def _scatter(rows, cols, values, shape, format: str, dtype: str):
    """A ``format`` matrix of ``shape`` holding ``values`` at ``(rows, cols)``, duplicates summed."""
    coo = scipy.sparse.coo_matrix(
        (np.asarray(values, dtype=dtype), (rows, cols)), shape=shape
    )
    return coo.asformat(format)


class GetItemList(Op):
    """The rows of a csr/csc matrix given by an integer vector, as a matrix of the same format.

    Negative indices count from the end; repeated indices repeat rows. The
    gradient is regular (:class:`GetItemListGrad`).
    """

    __props__ = ()

    def make_node(self, x, index):
        x = _as_sparse(x, "GetItemList")
        index = _int_vector(index, "GetItemList", "index")
        out = SparseTensorType(
            x.type.format, x.type.dtype, shape=(index.type.shape[0], x.type.shape[1])
        )()
        return Apply(self, [x, index], [out])

    def perform(self, node, inputs, outputs):
        x, index = inputs
        outputs[0][0] = x[_wrap_indices(index, x.shape[0], "axis 0")]

    def infer_shape(self, fgraph, node, shapes):
        return [(shapes[1][0], shapes[0][1])]

    def connection_pattern(self, node):
        return [[True], [False]]

    def L_op(self, inputs, outputs, grads):
        x, index = inputs
        (gz,) = grads
        if x.type.dtype in discrete_dtypes:
            gx = _zero_grad_for_integers(x)
        else:
            gx = get_item_list_grad(x, index, gz)
        return [gx, DisconnectedType()()]


get_item_list = GetItemList()


class GetItemListGrad(Op):
    """The gradient of :class:`GetItemList`: the rows of ``gz`` put back at ``index``.

    The result is shaped like ``x`` (and has its format and dtype); rows
    selected several times receive the sum of their gradients.
    """

    __props__ = ()

    def make_node(self, x, index, gz):
        x = _as_sparse(x, "GetItemListGrad")
        gz = _as_sparse(gz, "GetItemListGrad")
        index = _int_vector(index, "GetItemListGrad", "index")
        return Apply(self, [x, index, gz], [x.type()])

    def perform(self, node, inputs, outputs):
        x, index, gz = inputs
        if gz.shape != (len(index), x.shape[1]):
            raise ValueError(
                f"GetItemListGrad: the gradient has shape {gz.shape}, expected "
                f"{(len(index), x.shape[1])}"
            )
        rows = _wrap_indices(index, x.shape[0], "axis 0")
        g = gz.tocoo()
        outputs[0][0] = _scatter(
            rows[g.row], g.col, g.data, x.shape, x.format, node.outputs[0].type.dtype
        )

    def infer_shape(self, fgraph, node, shapes):
        return [shapes[0]]


get_item_list_grad = GetItemListGrad()


class GetItem2Lists(Op):
    """The elements of a csr/csc matrix at ``(ind1[k], ind2[k])``, as a dense vector.

    The gradient is regular (:class:`GetItem2ListsGrad`).
    """

    __props__ = ()

    def make_node(self, x, ind1, ind2):
        x = _as_sparse(x, "GetItem2Lists")
        ind1 = _int_vector(ind1, "GetItem2Lists", "the row indices")
        ind2 = _int_vector(ind2, "GetItem2Lists", "the column indices")
        n1, n2 = ind1.type.shape[0], ind2.type.shape[0]
        if n1 is not None and n2 is not None and n1 != n2:
            raise ValueError(
                f"GetItem2Lists: the row indices ({n1}) and column indices ({n2}) "
                "must have the same length"
            )
        out = TensorType(x.type.dtype, shape=(n1 if n1 is not None else n2,))()
        return Apply(self, [x, ind1, ind2], [out])

    def perform(self, node, inputs, outputs):
        x, ind1, ind2 = inputs
        if len(ind1) != len(ind2):
            raise IndexError(
                f"GetItem2Lists: the row indices ({len(ind1)}) and column indices "
                f"({len(ind2)}) must have the same length"
            )
        rows = _wrap_indices(ind1, x.shape[0], "axis 0")
        cols = _wrap_indices(ind2, x.shape[1], "axis 1")
        # SciPy answers with a 1 x n np.matrix.
        values = np.asarray(x[rows, cols]).reshape(-1) if len(rows) else np.empty(0)
        outputs[0][0] = values.astype(node.outputs[0].type.dtype, copy=False)

    def infer_shape(self, fgraph, node, shapes):
        return [(shapes[1][0],)]

    def connection_pattern(self, node):
        return [[True], [False], [False]]

    def L_op(self, inputs, outputs, grads):
        x, ind1, ind2 = inputs
        (gz,) = grads
        if x.type.dtype in discrete_dtypes:
            gx = _zero_grad_for_integers(x)
        else:
            gx = get_item_2lists_grad(x, ind1, ind2, gz)
        return [gx, DisconnectedType()(), DisconnectedType()()]


get_item_2lists = GetItem2Lists()


class GetItem2ListsGrad(Op):
    """The gradient of :class:`GetItem2Lists`: ``gz[k]`` put at ``(ind1[k], ind2[k])``.

    The result is shaped like ``x`` (its format and dtype); positions
    selected several times receive the sum of their gradients.
    """

    __props__ = ()

    def make_node(self, x, ind1, ind2, gz):
        from aesara.tensor.basic import as_tensor_variable

        x = _as_sparse(x, "GetItem2ListsGrad")
        ind1 = _int_vector(ind1, "GetItem2ListsGrad", "the row indices")
        ind2 = _int_vector(ind2, "GetItem2ListsGrad", "the column indices")
        gz = as_tensor_variable(gz)
        if gz.type.ndim != 1:
            raise TypeError(
                f"GetItem2ListsGrad: the gradient must be a vector, got {gz.type}"
            )
        return Apply(self, [x, ind1, ind2, gz], [x.type()])

    def perform(self, node, inputs, outputs):
        x, ind1, ind2, gz = inputs
        if not len(ind1) == len(ind2) == len(gz):
            raise ValueError(
                f"GetItem2ListsGrad: {len(ind1)} row indices, {len(ind2)} column "
                f"indices and {len(gz)} gradient values must agree"
            )
        rows = _wrap_indices(ind1, x.shape[0], "axis 0")
        cols = _wrap_indices(ind2, x.shape[1], "axis 1")
        outputs[0][0] = _scatter(
            rows, cols, gz, x.shape, x.format, node.outputs[0].type.dtype
        )

    def infer_shape(self, fgraph, node, shapes):
        return [shapes[0]]


get_item_2lists_grad = GetItem2ListsGrad()


def _slice_part(value: Any, what: str):
    """``NoneConst`` for ``None``, else a 0-d integer tensor for one slice bound."""
    from aesara.tensor.basic import as_tensor_variable
    from aesara.tensor.type_other import NoneConst

    if value is None or value is NoneConst:
        return NoneConst
    if not isinstance(value, Variable):
        try:
            value = as_tensor_variable(value)
        except (TypeError, ValueError) as e:
            raise ValueError(
                "Impossible to index into a sparse matrix with a slice where "
                f"{what}={value!r}: {e}"
            ) from None
    if not (
        getattr(value.type, "ndim", None) == 0
        and getattr(value.type, "dtype", None) in discrete_dtypes
    ):
        raise ValueError(
            "Impossible to index into a sparse matrix with a slice where "
            f"{what}={value} (expected an integer scalar, got {value.type})"
        )
    return value


def _is_int_scalar(ind: Any) -> bool:
    if isinstance(ind, Variable):
        return (
            getattr(ind.type, "ndim", None) == 0
            and getattr(ind.type, "dtype", None) in discrete_dtypes
        )
    return isinstance(ind, (int, np.integer)) and not isinstance(ind, bool)


def _value(v):
    return None if v is None else int(v)


class GetItem2d(Op):
    """A 2-d slice ``x[a:b:s, c:d:t]`` of a csr/csc matrix, as a matrix of the same format.

    Bounds and steps are Python/NumPy integers or integer scalar variables;
    ``x[a:b]`` slices the rows only. An integer on one axis is refused
    (there are no sparse vectors): use ``x[a:b, c:c + 1]`` or
    :class:`GetItemScalar` for one element. There is no gradient.
    """

    __props__ = ()

    def make_node(self, x, index):
        from aesara.tensor.type_other import NoneConst

        x = _as_sparse(x, "GetItem2d")
        if not isinstance(index, (tuple, list)):
            index = (index,)
        if len(index) not in (1, 2):
            raise IndexError(
                f"GetItem2d: a sparse matrix takes 1 or 2 indices, got {len(index)}"
            )
        inputs = [x]
        for ind in index:
            if isinstance(ind, slice):
                step = ind.step
                if isinstance(step, (int, np.integer)) and step == 1:
                    step = None
                inputs += [
                    _slice_part(ind.start, "start"),
                    _slice_part(ind.stop, "stop"),
                    _slice_part(step, "step"),
                ]
            elif _is_int_scalar(ind):
                raise NotImplementedError(
                    "Aesara has no sparse vector: an integer index on one axis is not "
                    "supported; use X[a:b, c:d], X[a:b, c:c+1] or X[a:b] instead."
                )
            else:
                raise ValueError(
                    "Advanced indexing is not implemented for sparse matrices. "
                    f"Argument not supported: {ind!r}"
                )
        if len(index) == 1:
            inputs += [NoneConst, NoneConst, NoneConst]
        out = SparseTensorType(x.type.format, x.type.dtype, shape=(None, None))()
        return Apply(self, inputs, [out])

    def perform(self, node, inputs, outputs):
        x, a, b, s, c, d, t = (_value(v) if k else v for k, v in enumerate(inputs))
        outputs[0][0] = x[a:b:s, c:d:t]

    def infer_shape(self, fgraph, node, shapes):
        from aesara.tensor.subtensor import slice_len

        def part(v):
            return None if isinstance(v, Constant) and v.data is None else v

        parts = [part(v) for v in node.inputs[1:]]
        n_rows, n_cols = shapes[0]
        return [
            (
                slice_len(slice(*parts[0:3]), n_rows),
                slice_len(slice(*parts[3:6]), n_cols),
            )
        ]


get_item_2d = GetItem2d()


class GetItemScalar(Op):
    """One element ``x[i, j]`` of a csr/csc matrix, as a 0-d dense tensor.

    ``i`` and ``j`` are integers or integer scalar variables (negative ones
    count from the end). There is no gradient.
    """

    __props__ = ()

    def make_node(self, x, index):
        from aesara.tensor.basic import as_tensor_variable

        x = _as_sparse(x, "GetItemScalar")
        if not isinstance(index, (tuple, list)) or len(index) != 2:
            raise IndexError(
                f"GetItemScalar needs two indices (row, column), got {index!r}"
            )
        inputs = [x]
        for ind in index:
            if isinstance(ind, slice):
                raise TypeError("GetItemScalar called with a slice as index")
            if not _is_int_scalar(ind):
                raise TypeError(
                    f"GetItemScalar: indices must be integer scalars, got {ind!r}"
                )
            inputs.append(as_tensor_variable(ind))
        return Apply(self, inputs, [TensorType(x.type.dtype, shape=())()])

    def perform(self, node, inputs, outputs):
        x, i, j = inputs
        outputs[0][0] = np.asarray(x[int(i), int(j)], dtype=node.outputs[0].type.dtype)

    def infer_shape(self, fgraph, node, shapes):
        return [()]

    def connection_pattern(self, node):
        return [[True], [False], [False]]

    def L_op(self, inputs, outputs, grads):
        return [
            grad_undefined(self, 0, inputs[0], "GetItemScalar has no gradient"),
            DisconnectedType()(),
            DisconnectedType()(),
        ]


get_item_scalar = GetItemScalar()


def _is_index_list(ind: Any) -> bool:
    """A Python list, a 1-d integer array or a 1-d integer tensor variable."""
    if isinstance(ind, list):
        return True
    if isinstance(ind, np.ndarray):
        return ind.ndim == 1 and ind.dtype.kind in "iu"
    if isinstance(ind, Variable):
        return (
            getattr(ind.type, "ndim", None) == 1
            and getattr(ind.type, "dtype", None) in integer_dtypes
            and not isinstance(ind.type, SparseTensorType)
        )
    return False


def _is_scalar(ind: Any) -> bool:
    """A number or a 0-d tensor variable (integer or not: GetItemScalar checks)."""
    if isinstance(ind, Variable):
        return getattr(ind.type, "ndim", None) == 0
    return np.isscalar(ind) and not isinstance(ind, (str, bytes))


def sparse_getitem(x, args):
    """``x[args]`` for a sparse variable ``x``.

    - two integer scalars: one element (:class:`GetItemScalar`);
    - two integer lists/vectors: elements at those positions
      (:class:`GetItem2Lists`);
    - one integer list/vector: rows (:class:`GetItemList`);
    - otherwise slices (:class:`GetItem2d`).
    """
    if not isinstance(args, tuple):
        args = (args,)
    if len(args) > 2:
        raise IndexError(
            f"too many indices for a sparse matrix: got {len(args)}, at most 2"
        )
    if len(args) == 2:
        first, second = args
        if _is_scalar(first) and _is_scalar(second):
            return get_item_scalar(x, args)
        if _is_index_list(first):
            if not _is_index_list(second):
                raise ValueError(
                    "Advanced indexing of a sparse matrix takes two integer lists "
                    f"(rows, columns); got {first!r} and {second!r}"
                )
            return get_item_2lists(x, first, second)
        return get_item_2d(x, args)
    if _is_index_list(args[0]):
        return get_item_list(x, args[0])
    return get_item_2d(x, args)
