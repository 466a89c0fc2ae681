"""Sparse arithmetic: negation, addition, subtraction, multiplication and row/column scaling.

The ops are named for their operand kinds: ``SS`` takes two sparse matrices,
``SD`` a sparse and a dense matrix, ``SV`` a sparse matrix and a dense row
vector. :func:`add`, :func:`sub` and :func:`mul` pick the op from the operands
(either side may be the sparse one):

========================  =========================  ========================
operation                 result                     gradient
========================  =========================  ========================
sparse + sparse           sparse (left's format)     regular
sparse + dense matrix     dense                      structured for the sparse
sparse * sparse           sparse (left's format)     regular
sparse * dense (matrix    sparse, the sparse         regular
or scalar)                operand's pattern
========================  =========================  ========================

Dtypes follow :func:`aesara.scalar.upcast`. Adding a scalar or a vector to a
sparse matrix is refused: every entry would change, so the result would be
dense (use ``x.toarray() + s``, or :func:`aesara.sparse.structured_add` to
change the stored values only).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import scipy.sparse

from aesara.graph.basic import Apply, Variable
from aesara.graph.op import Op
from aesara.sparse.type import SparseTensorType
from aesara.tensor.type import TensorType, continuous_dtypes

__all__ = [
    "AddSD",
    "AddSS",
    "AddSSData",
    "ColScaleCSC",
    "MulSD",
    "MulSS",
    "MulSV",
    "Neg",
    "RowScaleCSC",
    "StructuredAddSV",
    "add",
    "add_s_d",
    "add_s_s",
    "add_s_s_data",
    "col_scale",
    "mul",
    "mul_s_d",
    "mul_s_s",
    "mul_s_v",
    "neg",
    "row_scale",
    "structured_add_s_v",
    "sub",
]


# ----------------------------------------------------------------------
# Helpers shared by the sparse op families
# ----------------------------------------------------------------------


def _sparse_operand(x: Any, op_name: str, what: str = "x"):
    """``x`` as a csr/csc sparse variable, or a ``TypeError`` naming the op and operand."""
    from aesara.sparse.basic import as_sparse_variable

    try:
        x = as_sparse_variable(x)
    except TypeError as e:
        raise TypeError(f"{op_name}: {what} must be a sparse matrix; {e}") from None
    if x.type.format not in ("csr", "csc"):
        raise TypeError(
            f"{op_name}: {what} must be a csr or csc matrix, got format {x.type.format!r}"
        )
    return x


def _dense_operand(y: Any, op_name: str, what: str, ndims: tuple[int, ...]):
    """``y`` as a dense tensor variable with one of ``ndims`` dimensions."""
    from aesara.tensor.basic import as_tensor_variable

    if isinstance(getattr(y, "type", None), SparseTensorType):
        raise TypeError(f"{op_name}: {what} must be a dense tensor, got the sparse {y}")
    y = as_tensor_variable(y)
    if y.type.ndim not in ndims:
        expected = " or ".join(str(n) for n in ndims)
        raise TypeError(
            f"{op_name}: {what} must have {expected} dimensions, got {y.type.ndim} ({y.type})"
        )
    return y


def _merge_static(a: tuple, b: tuple, op_name: str) -> tuple:
    """The static shape two same-shape operands share; a known mismatch is an error."""
    out = []
    for i, (da, db) in enumerate(zip(a, b)):
        if da is not None and db is not None and da != db:
            raise ValueError(
                f"{op_name}: the operands' shapes differ in dimension {i} ({da} vs {db})"
            )
        out.append(da if da is not None else db)
    return tuple(out)


def _check_same_shape(x, y, op_name: str) -> None:
    if tuple(x.shape) != tuple(y.shape):
        raise ValueError(
            f"{op_name}: the operands must have the same shape, got {tuple(x.shape)} "
            f"and {tuple(y.shape)}"
        )


def _entry_coords(x) -> tuple[np.ndarray, np.ndarray]:
    """Row and column of every stored entry of a csr/csc matrix, in storage order."""
    major = np.repeat(np.arange(len(x.indptr) - 1), np.diff(x.indptr))
    minor = np.asarray(x.indices)
    if x.format == "csr":
        return major, minor
    return minor, major


def _with_data(x, data: np.ndarray):
    """A new matrix with ``x``'s pattern (its own index buffers) and ``data`` as values."""
    return type(x)((data, x.indices.copy(), x.indptr.copy()), shape=x.shape, copy=False)


def _upcast(*dtypes: str) -> str:
    from aesara.scalar import upcast

    return upcast(*dtypes)


def _is_sparse_var(x: Any) -> bool:
    return isinstance(getattr(x, "type", None), SparseTensorType)


def _as_operand(x: Any):
    """A SciPy matrix becomes a sparse constant, any other non-variable a tensor."""
    from aesara.tensor.basic import as_tensor_variable

    if scipy.sparse.issparse(x):
        from aesara.sparse.basic import as_sparse_variable

        return as_sparse_variable(x)
    if not isinstance(x, Variable):
        return as_tensor_variable(x)
    return x


def _zero_grad(x):
    """A zero sparse gradient for a sparse input that has none (integer dtypes)."""
    from aesara.configdefaults import config
    from aesara.sparse.conversion import Cast
    from aesara.sparse.csm import sp_zeros_like

    zeros = sp_zeros_like(x)
    if x.type.dtype in continuous_dtypes:
        return zeros
    return Cast(config.floatX)(zeros)


# ----------------------------------------------------------------------
# Negation
# ----------------------------------------------------------------------


class Neg(Op):
    """``-x`` of a sparse matrix (same pattern, format and dtype; regular gradient)."""

    __props__ = ()

    def __str__(self):
        return "Sparse" + type(self).__name__

    def make_node(self, x):
        x = _sparse_operand(x, "Neg")
        return Apply(self, [x], [x.type()])

    def perform(self, node, inputs, outputs):
        (x,) = inputs
        outputs[0][0] = _with_data(x, np.negative(x.data))

    def grad(self, inputs, grads):
        (gz,) = grads
        return [neg(gz)]

    def infer_shape(self, fgraph, node, shapes):
        return [shapes[0]]


neg = Neg()


# ----------------------------------------------------------------------
# Addition
# ----------------------------------------------------------------------


class AddSS(Op):
    """``x + y`` of two sparse matrices: a sparse matrix in ``x``'s format (regular gradient)."""

    __props__ = ()

    def make_node(self, x, y):
        x = _sparse_operand(x, "AddSS", "x")
        y = _sparse_operand(y, "AddSS", "y")
        shape = _merge_static(x.type.shape, y.type.shape, "AddSS")
        out_dtype = _upcast(x.type.dtype, y.type.dtype)
        return Apply(
            self, [x, y], [SparseTensorType(x.type.format, out_dtype, shape)()]
        )

    def perform(self, node, inputs, outputs):
        x, y = inputs
        _check_same_shape(x, y, "AddSS")
        out = node.outputs[0].type
        outputs[0][0] = (x + y).asformat(out.format).astype(out.dtype, copy=False)

    def grad(self, inputs, grads):
        (gz,) = grads
        return [gz, gz]

    def infer_shape(self, fgraph, node, shapes):
        return [shapes[0]]


add_s_s = AddSS()


class AddSSData(Op):
    """``x + y`` of two sparse matrices with the same pattern, adding their stored values.

    Both must have the same dtype and format, and at run time the same
    indices and index pointers. The gradient is structured.
    """

    __props__ = ()

    def make_node(self, x, y):
        x = _sparse_operand(x, "AddSSData", "x")
        y = _sparse_operand(y, "AddSSData", "y")
        if x.type.dtype != y.type.dtype:
            raise NotImplementedError(
                f"AddSSData: x and y must have the same dtype, got {x.type.dtype} and "
                f"{y.type.dtype}"
            )
        if x.type.format != y.type.format:
            raise NotImplementedError(
                f"AddSSData: x and y must have the same format, got {x.type.format} and "
                f"{y.type.format}"
            )
        shape = _merge_static(x.type.shape, y.type.shape, "AddSSData")
        return Apply(
            self, [x, y], [SparseTensorType(x.type.format, x.type.dtype, shape)()]
        )

    def perform(self, node, inputs, outputs):
        x, y = inputs
        _check_same_shape(x, y, "AddSSData")
        if not (
            np.array_equal(x.indptr, y.indptr) and np.array_equal(x.indices, y.indices)
        ):
            raise ValueError(
                "AddSSData: x and y must have the same sparsity pattern (indices and "
                f"indptr); got {x.nnz} and {y.nnz} stored entries in different places"
            )
        outputs[0][0] = _with_data(x, x.data + y.data)

    def grad(self, inputs, grads):
        (gz,) = grads
        return [
            gz if i.type.dtype in continuous_dtypes else _zero_grad(i) for i in inputs
        ]

    def infer_shape(self, fgraph, node, shapes):
        return [shapes[0]]


add_s_s_data = AddSSData()


class AddSD(Op):
    """``x + y`` of a sparse ``x`` and a dense matrix ``y``: a dense matrix.

    The gradient is structured for ``x`` (only its stored entries receive
    gradient) and regular for ``y``.
    """

    __props__ = ()

    def make_node(self, x, y):
        x = _sparse_operand(x, "AddSD", "x")
        y = _dense_operand(
            y, "AddSD", "y (the dense operand of a sparse addition)", (2,)
        )
        shape = _merge_static(x.type.shape, y.type.shape, "AddSD")
        out_dtype = _upcast(x.type.dtype, y.type.dtype)
        return Apply(self, [x, y], [TensorType(out_dtype, shape=shape)()])

    def perform(self, node, inputs, outputs):
        x, y = inputs
        _check_same_shape(x, y, "AddSD")
        out_dtype = node.outputs[0].type.dtype
        outputs[0][0] = np.asarray(np.add(x.toarray(), y), dtype=out_dtype)

    def grad(self, inputs, grads):
        from aesara.sparse.csm import sp_ones_like

        x, _ = inputs
        (gz,) = grads
        return [mul(sp_ones_like(x), gz), gz]

    def infer_shape(self, fgraph, node, shapes):
        return [shapes[1]]


add_s_d = AddSD()


class StructuredAddSV(Op):
    """Add the dense row vector ``y`` to the stored entries of the sparse ``x``.

    Entry ``(i, j)`` stored in ``x`` becomes ``x[i, j] + y[j]``; the result
    has ``x``'s pattern, format and dtype (``y`` must have ``x``'s dtype).
    Explicitly stored zeros are stored entries too: they receive ``y[j]``.
    The gradient is structured.
    """

    __props__ = ()

    def make_node(self, x, y):
        x = _sparse_operand(x, "StructuredAddSV", "x")
        y = _dense_operand(y, "StructuredAddSV", "y", (1,))
        if x.type.dtype != y.type.dtype:
            raise NotImplementedError(
                f"StructuredAddSV: x and y must have the same dtype, got {x.type.dtype} "
                f"and {y.type.dtype}"
            )
        _merge_static(x.type.shape[1:], y.type.shape, "StructuredAddSV")
        return Apply(self, [x, y], [x.type.clone()()])

    def perform(self, node, inputs, outputs):
        x, y = inputs
        if y.shape[0] != x.shape[1]:
            raise ValueError(
                f"StructuredAddSV: y has {y.shape[0]} entries but x has {x.shape[1]} columns"
            )
        _, cols = _entry_coords(x)
        outputs[0][0] = _with_data(x, x.data + y[cols])

    def grad(self, inputs, grads):
        from aesara.sparse.reduction import sp_sum

        (gz,) = grads
        return [gz, sp_sum(gz, axis=0, sparse_grad=True)]

    def infer_shape(self, fgraph, node, shapes):
        return [shapes[0]]


structured_add_s_v = StructuredAddSV()


def add(x: Any, y: Any):
    """``x + y`` where at least one of ``x`` and ``y`` is sparse.

    Parameters
    ----------
    x, y
        Sparse variables or SciPy matrices, and dense matrices (variables or
        arrays).

    Returns
    -------
    A sparse matrix (in ``x``'s format) when both are sparse, a dense matrix
    when one is dense. The gradient is regular for sparse + sparse and
    structured for the sparse operand of sparse + dense.

    Raises
    ------
    TypeError
        When neither is sparse, or the dense operand is not a matrix.
    """
    x, y = _as_operand(x), _as_operand(y)
    x_sparse, y_sparse = _is_sparse_var(x), _is_sparse_var(y)
    if x_sparse and y_sparse:
        return add_s_s(x, y)
    if x_sparse:
        return add_s_d(x, y)
    if y_sparse:
        return add_s_d(y, x)
    raise TypeError(
        f"sparse add: at least one operand must be sparse, got {x.type} and {y.type}"
    )


def sub(x: Any, y: Any):
    """``x - y`` where at least one of ``x`` and ``y`` is sparse (``x + (-y)``)."""
    x, y = _as_operand(x), _as_operand(y)
    if not (_is_sparse_var(x) or _is_sparse_var(y)):
        raise TypeError(
            f"sparse sub: at least one operand must be sparse, got {x.type} and {y.type}"
        )
    return add(x, neg(y) if _is_sparse_var(y) else -y)


# ----------------------------------------------------------------------
# Multiplication
# ----------------------------------------------------------------------


class MulSS(Op):
    """Element-wise ``x * y`` of two sparse matrices (sparse, ``x``'s format; regular gradient)."""

    __props__ = ()

    def make_node(self, x, y):
        x = _sparse_operand(x, "MulSS", "x")
        y = _sparse_operand(y, "MulSS", "y")
        shape = _merge_static(x.type.shape, y.type.shape, "MulSS")
        out_dtype = _upcast(x.type.dtype, y.type.dtype)
        return Apply(
            self, [x, y], [SparseTensorType(x.type.format, out_dtype, shape)()]
        )

    def perform(self, node, inputs, outputs):
        x, y = inputs
        _check_same_shape(x, y, "MulSS")
        out = node.outputs[0].type
        res = x.multiply(y)
        if not scipy.sparse.issparse(res):  # some SciPy versions return np.matrix
            res = scipy.sparse.csr_matrix(res)
        outputs[0][0] = res.asformat(out.format).astype(out.dtype, copy=False)

    def grad(self, inputs, grads):
        x, y = inputs
        (gz,) = grads
        return [mul(y, gz), mul(x, gz)]

    def infer_shape(self, fgraph, node, shapes):
        return [shapes[0]]


mul_s_s = MulSS()


class MulSD(Op):
    """Element-wise ``x * y`` of a sparse ``x`` and a dense scalar or matrix ``y``.

    The result is sparse, with ``x``'s pattern and format; a matrix ``y``
    must have ``x``'s shape (no broadcasting). The gradient is regular.
    """

    __props__ = ()

    def make_node(self, x, y):
        x = _sparse_operand(x, "MulSD", "x")
        y = _dense_operand(
            y,
            "MulSD",
            "y (the dense operand of a sparse multiplication; use mul_s_v, "
            "col_scale or row_scale for vectors)",
            (0, 2),
        )
        shape = x.type.shape
        if y.type.ndim == 2:
            shape = _merge_static(shape, y.type.shape, "MulSD")
        dtype = _upcast(x.type.dtype, y.type.dtype)
        return Apply(self, [x, y], [SparseTensorType(x.type.format, dtype, shape)()])

    def perform(self, node, inputs, outputs):
        x, y = inputs
        out_dtype = node.outputs[0].type.dtype
        if y.ndim == 0:
            data = np.multiply(x.data, y)
        else:
            _check_same_shape(x, y, "MulSD")
            rows, cols = _entry_coords(x)
            data = np.multiply(x.data, y[rows, cols])
        outputs[0][0] = _with_data(x, np.asarray(data, dtype=out_dtype))

    def grad(self, inputs, grads):
        from aesara.sparse.conversion import dense_from_sparse
        from aesara.sparse.reduction import sp_sum

        x, y = inputs
        (gz,) = grads
        if y.type.ndim == 0:
            # A scalar multiplies every entry: its gradient is the total.
            gy = sp_sum(mul(x, gz))
        else:
            gy = dense_from_sparse(mul(x, gz))
        return [mul(y, gz), gy]

    def infer_shape(self, fgraph, node, shapes):
        return [shapes[0]]


mul_s_d = MulSD()


class MulSV(Op):
    """Element-wise ``x * y`` of a sparse ``x`` and a dense row vector ``y`` (broadcast over rows).

    ``y`` must have ``x``'s dtype; the result has ``x``'s pattern and format.
    """

    __props__ = ()

    def make_node(self, x, y):
        x = _sparse_operand(x, "MulSV", "x")
        y = _dense_operand(y, "MulSV", "y", (1,))
        if x.type.dtype != y.type.dtype:
            raise NotImplementedError(
                f"MulSV: x and y must have the same dtype, got {x.type.dtype} and "
                f"{y.type.dtype}"
            )
        _merge_static(x.type.shape[1:], y.type.shape, "MulSV")
        return Apply(self, [x, y], [x.type.clone()()])

    def perform(self, node, inputs, outputs):
        x, y = inputs
        if y.shape[0] != x.shape[1]:
            raise ValueError(
                f"MulSV: y has {y.shape[0]} entries but x has {x.shape[1]} columns"
            )
        _, cols = _entry_coords(x)
        outputs[0][0] = _with_data(x, x.data * y[cols])

    def grad(self, inputs, grads):
        from aesara.sparse.reduction import sp_sum

        x, y = inputs
        (gz,) = grads
        # mul_s_v wants equal dtypes: bring the lower float precision up.
        dtype = _upcast(gz.type.dtype, y.type.dtype)
        if gz.type.dtype != dtype:
            from aesara.sparse.conversion import cast

            gz = cast(gz, dtype)
        if y.type.dtype != dtype:
            y = y.astype(dtype)
        return [mul_s_v(gz, y), sp_sum(mul(x, gz), axis=0, sparse_grad=True)]

    def infer_shape(self, fgraph, node, shapes):
        return [shapes[0]]


mul_s_v = MulSV()


def mul(x: Any, y: Any):
    """Element-wise ``x * y`` where at least one of ``x`` and ``y`` is sparse.

    Parameters
    ----------
    x, y
        Sparse variables or SciPy matrices, and dense matrices or scalars.

    Returns
    -------
    A sparse matrix: in the left sparse operand's format, with the sparse
    operand's pattern (the intersection of both for sparse * sparse). The
    gradient is regular.

    Raises
    ------
    TypeError
        When neither is sparse, or the dense operand is a vector or has more
        than 2 dimensions.
    """
    from aesara.sparse.basic import as_sparse_or_tensor_variable
    from aesara.sparse.conversion import cast

    x = as_sparse_or_tensor_variable(x)
    y = as_sparse_or_tensor_variable(y)
    x_sparse, y_sparse = _is_sparse_var(x), _is_sparse_var(y)
    if x_sparse and y_sparse:
        # As Aesara: a float32 left operand is brought to float64 first.
        if y.type.dtype == "float64" and x.type.dtype == "float32":
            x = cast(x, "float64")
        return mul_s_s(x, y)
    if x_sparse:
        if y.type.dtype == "float64" and x.type.dtype == "float32":
            x = cast(x, "float64")
        return mul_s_d(x, y)
    if y_sparse:
        return mul_s_d(y, x)
    raise TypeError(
        f"sparse mul: at least one operand must be sparse, got {x.type} and {y.type}"
    )


# ----------------------------------------------------------------------
# Row and column scaling
# ----------------------------------------------------------------------


class _ScaleBase(Op):
    """Multiply every stored entry by ``s`` at the entry's column (axis 1) or row (axis 0)."""

    __props__ = ()
    _axis = 1  # the matrix axis that ``s`` runs along
    _formats: tuple[str, ...] = ("csr", "csc")

    def make_node(self, x, s):
        name = type(self).__name__
        x = _sparse_operand(x, name, "x")
        if x.type.format not in self._formats:
            raise ValueError(
                f"{name}: x must be a {' or '.join(self._formats)} matrix, got "
                f"{x.type.format}"
            )
        s = _dense_operand(s, name, "s", (1,))
        _merge_static((x.type.shape[self._axis],), s.type.shape, name)
        return Apply(self, [x, s], [x.type.clone()()])

    def perform(self, node, inputs, outputs):
        x, s = inputs
        name = type(self).__name__
        if s.shape[0] != x.shape[self._axis]:
            what = "columns" if self._axis == 1 else "rows"
            raise ValueError(
                f"{name}: s has {s.shape[0]} entries but x has {x.shape[self._axis]} {what}"
            )
        where = _entry_coords(x)[self._axis]
        data = np.asarray(x.data * s[where], dtype=x.dtype)
        outputs[0][0] = _with_data(x, data)

    def infer_shape(self, fgraph, node, shapes):
        return [shapes[0]]


class ColScaleCSC(_ScaleBase):
    """Multiply column ``j`` of a csc matrix by ``s[j]`` (structured gradient; ``x``'s dtype)."""

    _axis = 1
    _formats = ("csc",)

    def grad(self, inputs, grads):
        from aesara.sparse.reduction import sp_sum

        x, s = inputs
        (gz,) = grads
        return [col_scale(gz, s), sp_sum(mul(x, gz), axis=0)]


class RowScaleCSC(_ScaleBase):
    """Multiply row ``i`` of a sparse matrix by ``s[i]`` (structured gradient; ``x``'s dtype)."""

    _axis = 0

    def grad(self, inputs, grads):
        from aesara.sparse.reduction import sp_sum

        x, s = inputs
        (gz,) = grads
        return [row_scale(gz, s), sp_sum(mul(x, gz), axis=1)]


def col_scale(x: Any, s: Any):
    """Multiply column ``j`` of the sparse ``x`` by ``s[j]``.

    Parameters
    ----------
    x
        A csr or csc matrix.
    s
        A dense vector with one entry per column of ``x``.

    Returns
    -------
    A sparse matrix of ``x``'s format, pattern and dtype. The gradient is
    structured.
    """
    x = _sparse_operand(x, "col_scale", "x")
    if x.type.format == "csc":
        return ColScaleCSC()(x, s)
    # A csr matrix's columns are the rows of its (csc) transpose.
    from aesara.sparse.basic import transpose

    return transpose(RowScaleCSC()(transpose(x), s))


def row_scale(x: Any, s: Any):
    """Multiply row ``i`` of the sparse ``x`` by ``s[i]``.

    Parameters
    ----------
    x
        A csr or csc matrix.
    s
        A dense vector with one entry per row of ``x``.

    Returns
    -------
    A sparse matrix of ``x``'s format, pattern and dtype. The gradient is
    structured.
    """
    from aesara.sparse.basic import transpose

    x = _sparse_operand(x, "row_scale", "x")
    return transpose(col_scale(transpose(x), s))
