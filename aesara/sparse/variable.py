"""Sparse variables and constants, and the Python operators they support.

``x + y``, ``x * y``, ``x - y``, ``-x``, comparisons, ``x.T``, ``x[i, j]``,
``x.sum(axis)`` and ``x @ y`` build sparse ops. Methods that have no sparse
form (``exp``, ``mean``, ``reshape``...) densify the variable first, with a
warning saying so, as Aesara does.
"""

from __future__ import annotations

import hashlib
import warnings
from typing import Any

import numpy as np

from aesara.sparse.type import SparseTensorType
from aesara.tensor.var import TensorConstant, TensorVariable, _tensor_py_operators

__all__ = [
    "SparseConstant",
    "SparseConstantSignature",
    "SparseVariable",
    "_sparse_py_operators",
    "override_dense",
]


def _basic():
    # The ops import this module (for the variable classes); the operators
    # import the ops lazily to break the cycle.
    import aesara.sparse.basic as basic

    return basic


# Tensor methods with no sparse implementation: they run on the dense form.
_DENSIFYING_METHODS = (
    "__abs__",
    "__ceil__",
    "__floor__",
    "__trunc__",
    "transpose",
    "any",
    "all",
    "flatten",
    "ravel",
    "arccos",
    "arcsin",
    "arctan",
    "arccosh",
    "arcsinh",
    "arctanh",
    "ceil",
    "cos",
    "cosh",
    "deg2rad",
    "exp",
    "exp2",
    "expm1",
    "floor",
    "log",
    "log10",
    "log1p",
    "log2",
    "rad2deg",
    "sin",
    "sinh",
    "sqrt",
    "tan",
    "tanh",
    "copy",
    "prod",
    "mean",
    "var",
    "std",
    "min",
    "max",
    "argmin",
    "argmax",
    "round",
    "trace",
    "cumsum",
    "cumprod",
    "ptp",
    "squeeze",
    "diagonal",
    "__and__",
    "__or__",
    "__xor__",
    "__pow__",
    "__mod__",
    "__divmod__",
    "__truediv__",
    "__floordiv__",
    "reshape",
    "dimshuffle",
)


def _densifying(name: str):
    dense_method = getattr(_tensor_py_operators, name, None)

    def method(self, *args, **kwargs):
        warnings.warn(
            f"Method {name} is not implemented for sparse variables; "
            f"{self} is converted to a dense matrix first.",
            stacklevel=2,
        )
        dense_args = [
            a.toarray() if isinstance(getattr(a, "type", None), SparseTensorType) else a
            for a in args
        ]
        dense_self = self.toarray()
        if dense_method is None:
            return getattr(dense_self, name)(*dense_args, **kwargs)
        return dense_method(dense_self, *dense_args, **kwargs)

    method.__name__ = name
    method.__doc__ = f"``{name}`` of the dense form of this sparse matrix."
    return method


def override_dense(*methods: str):
    """Class decorator: make ``methods`` run on the dense form, with a warning.

    Each named tensor method of the decorated (sparse) class converts the
    variable, and any sparse argument, to a dense matrix first.
    """

    def decorate(cls):
        for name in methods:
            setattr(cls, name, _densifying(name))
        return cls

    return decorate


class _sparse_py_operators(_tensor_py_operators):
    """Operators and methods of sparse variables and constants."""

    @property
    def T(self):
        """The transpose (a csr matrix becomes csc and vice versa)."""
        return _basic().transpose(self)

    def astype(self, dtype):
        return _basic().cast(self, dtype)

    def __neg__(self):
        return _basic().neg(self)

    def __add__(left, right):
        return _basic().add(left, right)

    def __radd__(right, left):
        return _basic().add(left, right)

    def __sub__(left, right):
        return _basic().sub(left, right)

    def __rsub__(right, left):
        return _basic().sub(left, right)

    def __mul__(left, right):
        return _basic().mul(left, right)

    def __rmul__(right, left):
        return _basic().mul(left, right)

    def __lt__(self, other):
        return _basic().lt(self, other)

    def __le__(self, other):
        return _basic().le(self, other)

    def __gt__(self, other):
        return _basic().gt(self, other)

    def __ge__(self, other):
        return _basic().ge(self, other)

    def __dot__(left, right):
        return _basic().structured_dot(left, right)

    def __rdot__(right, left):
        return _basic().structured_dot(left, right)

    def __matmul__(left, right):
        return _basic().dot(left, right)

    def __rmatmul__(right, left):
        return _basic().dot(left, right)

    dot = __dot__

    def sum(self, axis=None, sparse_grad=False):
        """Sum of the elements, over ``axis`` (``None``, 0 or 1)."""
        return _basic().sp_sum(self, axis=axis, sparse_grad=sparse_grad)

    def toarray(self):
        """The dense matrix."""
        return _basic().dense_from_sparse(self)

    @property
    def shape(self):
        from aesara.tensor.shape import shape

        return shape(self)

    @property
    def ndim(self) -> int:
        return self.type.ndim

    @property
    def dtype(self) -> str:
        return self.type.dtype

    @property
    def size(self):
        """The number of stored entries (explicit zeros included), as SciPy's ``nnz``."""
        return _basic().csm_data(self).size

    @property
    def format(self) -> str:
        return self.type.format

    def zeros_like(self, dtype=None):
        """A sparse matrix of this shape storing nothing (of ``dtype`` if given)."""
        out = _basic().sp_zeros_like(self)
        if dtype is not None and dtype != out.type.dtype:
            out = _basic().cast(out, dtype)
        return out

    def ones_like(self, dtype=None):
        """Ones at the stored positions of this matrix (of ``dtype`` if given)."""
        out = _basic().sp_ones_like(self)
        if dtype is not None and dtype != out.type.dtype:
            out = _basic().cast(out, dtype)
        return out

    def conj(self):
        return _basic().conjugate(self)

    def __getitem__(self, args):
        from aesara.sparse.indexing import sparse_getitem

        return sparse_getitem(self, args)

    def __setitem__(self, key, value):
        raise TypeError(
            "sparse variables do not support item assignment; build a new matrix "
            "instead (e.g. with aesara.sparse.construct_sparse_from_list)"
        )

    def __iter__(self):
        raise TypeError("sparse variables cannot be iterated over")


override_dense(*_DENSIFYING_METHODS)(_sparse_py_operators)


class SparseVariable(_sparse_py_operators, TensorVariable):
    """A symbolic sparse matrix."""

    def __str__(self):
        if self.name is not None:
            return self.name
        return f"{type(self).__name__}{{{self.format},{self.dtype}}}"

    def __repr__(self):
        return str(self)


def hash_from_sparse(data) -> str:
    """A hex digest of a sparse matrix's format, dtype, shape and buffers."""
    h = hashlib.sha256()
    h.update(f"{data.format}|{data.dtype}|{data.shape}".encode())
    for name in ("data", "indices", "indptr"):
        arr = getattr(data, name, None)
        if arr is not None:
            h.update(name.encode())
            h.update(np.ascontiguousarray(arr).tobytes())
    return h.hexdigest()


class SparseConstantSignature(tuple):
    """``(type, matrix)`` of a sparse constant, compared by value."""

    def __eq__(self, other: Any) -> bool:
        if type(self) is not type(other):
            return False
        (t0, d0), (t1, d1) = self, other
        return (
            t0 == t1
            and d0.dtype == d1.dtype
            and type(d0) is type(d1)
            and d0.shape == d1.shape
            and (d0 != d1).nnz == 0
        )

    def __ne__(self, other: Any) -> bool:
        return not self == other

    def __hash__(self) -> int:
        t, d = self
        return hash((type(self), t, hash_from_sparse(d)))

    def aesara_hash(self) -> str:
        return hash_from_sparse(self[1])


class SparseConstant(TensorConstant, _sparse_py_operators):
    """A sparse matrix fixed when the graph is built."""

    def __init__(self, type: SparseTensorType, data: Any, name: str | None = None):
        data = type.filter(data)
        if type.shape != data.shape:
            type = type.clone(shape=data.shape)
        from aesara.graph.basic import Constant

        Constant.__init__(self, type, data, name)

    def signature(self) -> SparseConstantSignature:
        return SparseConstantSignature((self.type, self.data))

    def equals(self, other: Any) -> bool:
        return (
            isinstance(other, SparseConstant) and self.signature() == other.signature()
        )

    def __str__(self):
        if self.name is not None:
            return self.name
        return (
            f"{type(self).__name__}{{{self.format},{self.dtype},"
            f"shape={self.data.shape},nnz={self.data.nnz}}}"
        )

    def __repr__(self):
        return str(self)


SparseTensorType.variable_type = SparseVariable
SparseTensorType.constant_type = SparseConstant
