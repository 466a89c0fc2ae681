"""The structure of sparse matrices: transposes, diagonals, index order, explicit zeros, stacking.

:class:`Transpose` swaps csr and csc; :class:`Diag` and
:class:`SquareDiagonal` go between a square matrix's diagonal and a dense
vector; :class:`EnsureSortedIndices` and :class:`Remove0` (and
:func:`clean`, both at once) normalise the stored buffers without changing
the matrix's value; :class:`HStack` and :class:`VStack` join blocks. All
gradients are regular (not structured).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import scipy.sparse

from aesara.graph.basic import Apply
from aesara.graph.op import Op
from aesara.sparse.type import SparseTensorType
from aesara.tensor.type import TensorType, continuous_dtypes

__all__ = [
    "Diag",
    "EnsureSortedIndices",
    "HStack",
    "Remove0",
    "SquareDiagonal",
    "Transpose",
    "VStack",
    "clean",
    "diag",
    "ensure_sorted_indices",
    "hstack",
    "remove0",
    "square_diagonal",
    "transpose",
    "vstack",
]

_FORMATS = ("csr", "csc")


def _as_sparse(x: Any, op: str):
    from aesara.sparse.basic import as_sparse_variable

    x = as_sparse_variable(x)
    if x.type.format not in _FORMATS:
        raise TypeError(f"{op} needs a csr or csc matrix, got format {x.type.format!r}")
    return x


class Transpose(Op):
    """The transpose of a csr/csc matrix: a csr matrix becomes csc and vice versa.

    The transposed matrix reads the input's buffers the other way round, so
    no index is moved; the buffers are copied (O(nnz)) so that the output is
    not a view of the input. The gradient is regular.
    """

    __props__ = ()
    format_map = {"csr": "csc", "csc": "csr"}

    def __str__(self):
        return "Sparse" + type(self).__name__

    def make_node(self, x):
        x = _as_sparse(x, "Transpose")
        out = SparseTensorType(
            self.format_map[x.type.format], x.type.dtype, shape=x.type.shape[::-1]
        )()
        return Apply(self, [x], [out])

    def perform(self, node, inputs, outputs):
        (x,) = inputs
        outputs[0][0] = x.transpose(copy=True)

    def L_op(self, inputs, outputs, grads):
        return [transpose(grads[0])]

    def infer_shape(self, fgraph, node, shapes):
        return [shapes[0][::-1]]


transpose = Transpose()


class Diag(Op):
    """The diagonal of a square csr/csc matrix, as a dense vector (regular gradient)."""

    __props__ = ()

    def make_node(self, x):
        x = _as_sparse(x, "Diag")
        n, m = x.type.shape
        if n is not None and m is not None and n != m:
            raise ValueError(
                f"Diag only applies to square matrices, got shape {(n, m)}"
            )
        out = TensorType(x.type.dtype, shape=(n if n is not None else m,))()
        return Apply(self, [x], [out])

    def perform(self, node, inputs, outputs):
        (x,) = inputs
        if x.shape[0] != x.shape[1]:
            raise ValueError(
                f"Diag only applies to square matrices, got shape {x.shape}"
            )
        outputs[0][0] = np.asarray(x.diagonal(), dtype=node.outputs[0].type.dtype)

    def L_op(self, inputs, outputs, grads):
        return [square_diagonal(grads[0])]

    def infer_shape(self, fgraph, node, shapes):
        from aesara.tensor.math import minimum

        return [(minimum(*shapes[0]),)]


diag = Diag()


class SquareDiagonal(Op):
    """A square csc matrix whose diagonal is the dense vector given (regular gradient).

    Every diagonal entry is stored, zeros included.
    """

    __props__ = ()

    def make_node(self, diag):
        from aesara.tensor.basic import as_tensor_variable

        diag = as_tensor_variable(diag)
        if diag.type.ndim != 1:
            raise TypeError(
                f"SquareDiagonal: the diagonal must be a vector, got {diag.type.ndim} "
                f"dimensions ({diag.type})"
            )
        if diag.type.dtype not in SparseTensorType.dtype_specs_map:
            raise TypeError(
                f"SquareDiagonal: sparse matrices cannot hold dtype {diag.type.dtype}"
            )
        n = diag.type.shape[0]
        out = SparseTensorType("csc", diag.type.dtype, shape=(n, n))()
        return Apply(self, [diag], [out])

    def perform(self, node, inputs, outputs):
        (d,) = inputs
        n = len(d)
        steps = np.arange(n + 1, dtype=np.int32)
        outputs[0][0] = scipy.sparse.csc_matrix(
            (np.array(d), steps[:n].copy(), steps), shape=(n, n)
        )

    def L_op(self, inputs, outputs, grads):
        return [diag(grads[0])]

    def infer_shape(self, fgraph, node, shapes):
        return [(shapes[0][0], shapes[0][0])]


square_diagonal = SquareDiagonal()


class EnsureSortedIndices(Op):
    """The same matrix with the indices of every row (csr) / column (csc) sorted.

    Parameters
    ----------
    inplace
        Sort the input's own buffers (declared in ``destroy_map``: its
        ``data`` and ``indices`` arrays are permuted) instead of a copy.
    """

    __props__ = ("inplace",)

    def __init__(self, inplace: bool = False):
        self.inplace = bool(inplace)
        if self.inplace:
            self.destroy_map = {0: [0]}

    def __str__(self):
        return f"{type(self).__name__}{{{'inplace' if self.inplace else 'no_inplace'}}}"

    def make_node(self, x):
        x = _as_sparse(x, "EnsureSortedIndices")
        return Apply(self, [x], [x.type()])

    def perform(self, node, inputs, outputs):
        (x,) = inputs
        if self.inplace:
            x.sort_indices()
            outputs[0][0] = x
        else:
            outputs[0][0] = x.sorted_indices()

    def L_op(self, inputs, outputs, grads):
        return [grads[0]]

    def infer_shape(self, fgraph, node, shapes):
        return shapes


ensure_sorted_indices = EnsureSortedIndices(inplace=False)


class Remove0(Op):
    """The same matrix without its explicitly stored zeros (regular gradient).

    Parameters
    ----------
    inplace
        Compact the input's own buffers (declared in ``destroy_map``) instead
        of a copy; :func:`aesara.sparse.rewriting.local_inplace_remove0`
        switches to it where the input is not needed elsewhere.
    """

    __props__ = ("inplace",)

    def __init__(self, inplace: bool = False):
        self.inplace = bool(inplace)
        if self.inplace:
            self.destroy_map = {0: [0]}

    def __str__(self):
        return f"{type(self).__name__}{{{'inplace' if self.inplace else ''}}}"

    def make_node(self, x):
        x = _as_sparse(x, "Remove0")
        return Apply(self, [x], [x.type()])

    def perform(self, node, inputs, outputs):
        (x,) = inputs
        out = x if self.inplace else x.copy()
        out.eliminate_zeros()
        outputs[0][0] = out

    def L_op(self, inputs, outputs, grads):
        return [grads[0]]

    def infer_shape(self, fgraph, node, shapes):
        return shapes


remove0 = Remove0()


def clean(x):
    """``x`` without explicit zeros and with sorted indices (the same value).

    Useful before handing buffers to libraries that expect canonical
    matrices. The gradient is regular.
    """
    return ensure_sorted_indices(remove0(x))


class HStack(Op):
    """Sparse matrices joined side by side (column-wise), as SciPy's ``hstack``.

    Parameters
    ----------
    format
        The output format, ``"csc"`` by default.
    dtype
        The output dtype (required; :func:`hstack` upcasts the blocks').
    """

    __props__ = ("format", "dtype")
    _axis = 1

    def __init__(self, format: str | None = None, dtype: Any = None):
        if format is None:
            format = "csc"
        if format not in _FORMATS:
            raise ValueError(
                f"{type(self).__name__}: format must be csr or csc, got {format!r}"
            )
        if dtype is None:
            raise ValueError("The output dtype must be specified.")
        self.format = format
        self.dtype = np.dtype(dtype).name

    def __str__(self):
        return f"{type(self).__name__}({self.format},{self.dtype})"

    def make_node(self, *mat):
        if not mat:
            raise ValueError("Cannot join an empty list of sparses.")
        blocks = [_as_sparse(x, type(self).__name__) for x in mat]
        other = 1 - self._axis
        known = {b.type.shape[other] for b in blocks} - {None}
        if len(known) > 1:
            what = "rows" if other == 0 else "columns"
            raise ValueError(
                f"{type(self).__name__}: the blocks must have the same number of "
                f"{what}, got {sorted(known)}"
            )
        lengths = [b.type.shape[self._axis] for b in blocks]
        total = None if None in lengths else sum(lengths)
        fixed = known.pop() if known else None
        shape = (fixed, total) if self._axis == 1 else (total, fixed)
        out = SparseTensorType(self.format, self.dtype, shape=shape)()
        return Apply(self, blocks, [out])

    def _stack(self, blocks):
        return scipy.sparse.hstack(blocks, format=self.format, dtype=self.dtype)

    def perform(self, node, inputs, outputs):
        other = 1 - self._axis
        sizes = {b.shape[other] for b in inputs}
        if len(sizes) > 1:
            what = "rows" if other == 0 else "columns"
            raise ValueError(
                f"{type(self).__name__}: the blocks must have the same number of "
                f"{what}, got shapes {[b.shape for b in inputs]}"
            )
        out = self._stack(inputs)
        if out.format != self.format:
            out = out.asformat(self.format)
        if out.dtype != self.dtype:
            out = out.astype(self.dtype)
        outputs[0][0] = out

    def L_op(self, inputs, outputs, grads):
        from aesara.configdefaults import config
        from aesara.sparse.conversion import SparseFromDense, cast, dense_from_sparse
        from aesara.sparse.csm import sp_zeros_like
        from aesara.tensor.basic import split, stack

        (gz,) = grads
        if isinstance(gz.type, SparseTensorType):
            gz = dense_from_sparse(gz)
        sizes = stack([x.shape[self._axis] for x in inputs])
        pieces = split(gz, sizes, len(inputs), axis=self._axis)
        if not isinstance(pieces, (list, tuple)):
            pieces = [pieces]
        out = []
        for x, piece in zip(inputs, pieces):
            if x.type.dtype in continuous_dtypes:
                out.append(SparseFromDense(self.format)(piece))
            else:
                # Integer blocks get no gradient.
                out.append(cast(sp_zeros_like(x), config.floatX))
        return out

    def infer_shape(self, fgraph, node, shapes):
        total = shapes[0][self._axis]
        for s in shapes[1:]:
            total = total + s[self._axis]
        if self._axis == 1:
            return [(shapes[0][0], total)]
        return [(total, shapes[0][1])]


def _blocks_and_dtype(blocks: Sequence[Any], dtype: Any):
    """The blocks as sparse variables, and the output dtype (their upcast by default)."""
    from aesara.scalar.basic import upcast
    from aesara.sparse.basic import as_sparse_variable

    blocks = [as_sparse_variable(b) for b in blocks]
    if not blocks:
        raise ValueError("Cannot join an empty list of sparses.")
    if dtype is None:
        dtype = upcast(*[b.type.dtype for b in blocks])
    return blocks, dtype


def hstack(blocks: Sequence[Any], format: str | None = None, dtype: Any = None):
    """Join sparse matrices column-wise (their row counts must agree).

    Parameters
    ----------
    blocks
        Sparse variables (or SciPy matrices).
    format
        The output format, csc by default.
    dtype
        The output dtype, by default the upcast of the blocks' dtypes.
    """
    blocks, dtype = _blocks_and_dtype(blocks, dtype)
    return HStack(format=format, dtype=dtype)(*blocks)


class VStack(HStack):
    """Sparse matrices joined on top of each other (row-wise), as SciPy's ``vstack``.

    Parameters as :class:`HStack`.
    """

    _axis = 0

    def _stack(self, blocks):
        return scipy.sparse.vstack(blocks, format=self.format, dtype=self.dtype)


def vstack(blocks: Sequence[Any], format: str | None = None, dtype: Any = None):
    """Join sparse matrices row-wise (their column counts must agree).

    Parameters as :func:`hstack`.
    """
    blocks, dtype = _blocks_and_dtype(blocks, dtype)
    return VStack(format=format, dtype=dtype)(*blocks)
