"""The type of sparse matrices: :class:`SparseTensorType`.

A sparse variable holds a SciPy sparse matrix (``csr``, ``csc`` or ``bsr``)
of one dtype. Sparse matrices are always 2-d; the static shape follows the
tensor convention (``None`` where a size is only known at run time).

The type subclasses :class:`~aesara.tensor.type.TensorType`, as Aesara's
does, so code that asks ``isinstance(x.type, TensorType)`` sees a matrix;
code that needs to tell them apart checks :func:`_is_sparse` on values or
``isinstance(x.type, SparseTensorType)`` on variables.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, Literal

import numpy as np
import scipy.sparse

from aesara.graph.basic import Variable
from aesara.graph.type import HasDataType
from aesara.tensor.type import TensorType

__all__ = ["SparseTensorType", "SparseType", "_is_sparse"]

SparsityTypes = Literal["csr", "csc", "bsr"]


def _is_sparse(x: Any) -> bool:
    """Whether ``x`` is a SciPy sparse matrix (``True``) or an ndarray (``False``).

    Raises
    ------
    NotImplementedError
        For anything else, as the sparse ops accept only these two kinds.
    """
    if scipy.sparse.issparse(x):
        return True
    if isinstance(x, (np.ndarray, tuple, list)):
        return False
    raise NotImplementedError(
        f"expected a SciPy sparse matrix or a numpy.ndarray, got {type(x).__name__}"
    )


class SparseTensorType(TensorType, HasDataType):
    """The type of 2-d SciPy sparse matrices of one format and dtype.

    Parameters
    ----------
    format
        ``"csr"``, ``"csc"`` or ``"bsr"``.
    dtype
        The dtype of the stored values (``bool`` and ``float16`` are not
        supported, as in Aesara).
    shape
        Static shape: two entries, each an ``int`` or ``None``.
    name
        Optional name used when printing the type.
    broadcastable
        Deprecated alternative to ``shape``.
    """

    __props__ = ("dtype", "format", "shape")
    format_cls = {
        "csr": scipy.sparse.csr_matrix,
        "csc": scipy.sparse.csc_matrix,
        "bsr": scipy.sparse.bsr_matrix,
    }
    dtype_specs_map = {
        k: v
        for k, v in TensorType.dtype_specs_map.items()
        if k not in ("bool", "float16")
    }
    # The C backend translates only ndarray-holding types; sparse values
    # run through the ops' Python implementations.
    holds_ndarray = False

    def __init__(
        self,
        format: SparsityTypes,
        dtype: str | np.dtype,
        shape: Iterable[int | None] | None = None,
        name: str | None = None,
        broadcastable: Iterable[bool] | None = None,
    ):
        if format not in self.format_cls:
            raise ValueError(
                f"unsupported sparse format {format!r}: expected one of "
                f"{sorted(self.format_cls)}"
            )
        self.format = format
        if shape is None and broadcastable is None:
            shape = (None, None)
        super().__init__(dtype, shape=shape, name=name, broadcastable=broadcastable)
        if self.ndim != 2:
            raise ValueError(
                f"sparse matrices have 2 dimensions; got a shape of {self.ndim}: "
                f"{self.shape}"
            )

    def clone(self, dtype=None, shape=None, broadcastable=None, **kwargs):
        """Return a copy of this type with another format, dtype and/or shape."""
        fmt = kwargs.pop("format", self.format)
        if broadcastable is not None and shape is None:
            shape = tuple(1 if b else None for b in broadcastable)
        return type(self)(
            fmt,
            self.dtype if dtype is None else dtype,
            shape=self.shape if shape is None else shape,
            name=kwargs.pop("name", self.name),
        )

    def __str__(self) -> str:
        if self.name:
            return self.name
        return f"Sparse({self.dtype}, {self.shape}, {self.format})"

    def __repr__(self) -> str:
        return f"Sparse({self.dtype}, {self.shape}, {self.format})"

    def __eq__(self, other: Any) -> bool:
        return (
            type(self) is type(other)
            and self.dtype == other.dtype
            and self.shape == other.shape
            and self.format == other.format
        )

    def __hash__(self) -> int:
        return hash((type(self), self.dtype, self.shape, self.format))

    # ------------------------------------------------------------------
    # Values
    # ------------------------------------------------------------------

    def filter(
        self, data: Any, strict: bool = False, allow_downcast: bool | None = None
    ):
        """Return ``data`` as a sparse matrix of this format and dtype.

        A matrix of this format and dtype is returned as is. Otherwise (and
        unless ``strict``) dense 2-d arrays and sparse matrices of other
        formats are converted; a dtype change that may lose precision needs
        ``allow_downcast``.

        Raises
        ------
        TypeError
            For a symbolic variable, a value that is not 2-d, or a lossy dtype
            change without ``allow_downcast``.
        """
        cls = self.format_cls[self.format]
        if isinstance(data, cls) and data.dtype == self.numpy_dtype:
            self._check_static_shape(data)
            return data
        if isinstance(data, Variable):
            raise TypeError(
                "Expected an array-like object, but found a Variable: maybe you are "
                "trying to call a function on a (possibly shared) variable instead "
                "of a numeric array?"
            )
        if strict:
            got = (
                f"a {data.format} matrix of dtype {data.dtype}"
                if scipy.sparse.issparse(data)
                else type(data).__name__
            )
            raise TypeError(
                f"{self} expected a {self.format} matrix of dtype {self.dtype} "
                f"(strict), got {got}"
            )
        if not scipy.sparse.issparse(data):
            arr = np.asarray(data)
            if arr.ndim != 2:
                raise TypeError(
                    f"{self} needs a 2-d value; got {arr.ndim} dimensions with "
                    f"shape {arr.shape}"
                )
            if arr.dtype == object:
                raise TypeError(f"{self} cannot store a value of dtype object")
            data = arr
        src_dtype = np.dtype(data.dtype)
        if not allow_downcast and src_dtype != self.numpy_dtype:
            up = np.promote_types(self.numpy_dtype, src_dtype)
            if up != self.numpy_dtype:
                raise TypeError(
                    f"{self} cannot store a value of dtype {src_dtype} without risking "
                    f"loss of precision (expected {self.dtype}); cast it first or "
                    f'set "allow_input_downcast=True" when calling "function".'
                )
        out = cls(data, dtype=self.numpy_dtype)
        self._check_static_shape(out)
        return out

    def _check_static_shape(self, data) -> None:
        for i, s in self._static_dims:
            if data.shape[i] != s:
                from aesara.tensor.exceptions import StaticShapeError

                raise StaticShapeError(
                    f"The type's shape ({self.shape}) is not compatible with the "
                    f"data's ({data.shape}): dimension {i} must have size {s}."
                )

    def is_valid_value(self, data: Any, strict: bool = True) -> bool:
        return scipy.sparse.issparse(data) and data.format == self.format

    @staticmethod
    def may_share_memory(a: Any, b: Any) -> bool:
        """Whether the buffers of ``a`` and ``b`` (sparse or dense) may overlap."""

        def buffers(x):
            if scipy.sparse.issparse(x):
                return [
                    getattr(x, n)
                    for n in ("data", "indices", "indptr")
                    if hasattr(x, n)
                ]
            if isinstance(x, np.ndarray):
                return [x]
            return []

        return any(np.may_share_memory(p, q) for p in buffers(a) for q in buffers(b))

    def values_eq(self, a: Any, b: Any, force_same_dtype: bool = True) -> bool:
        """Whether two sparse matrices hold the same values (stored zeros aside)."""
        if not (scipy.sparse.issparse(a) and scipy.sparse.issparse(b)):
            return False
        if a.shape != b.shape:
            return False
        if force_same_dtype and a.dtype != b.dtype:
            return False
        return (a != b).nnz == 0

    def values_eq_approx(self, a: Any, b: Any, eps: float = 1e-6, **kwargs) -> bool:
        """Whether two sparse matrices agree to ``eps`` everywhere."""
        if not (scipy.sparse.issparse(a) and scipy.sparse.issparse(b)):
            return False
        if a.shape != b.shape:
            return False
        diff = abs(a - b)
        if diff.nnz == 0:
            return True
        return bool(np.max(diff.data) < eps)

    def get_shape_info(self, obj):
        obj = self.filter(obj)
        return (
            obj.shape,
            obj.data.size,
            obj.indices.size,
            obj.indptr.size,
            obj.nnz,
        )

    def get_size(self, shape_info) -> int:
        return int(
            shape_info[1] * self.numpy_dtype.itemsize
            + (shape_info[2] + shape_info[3]) * np.dtype("int32").itemsize
        )

    def value_zeros(self, shape):
        return self.format_cls[self.format](tuple(shape), dtype=self.dtype)

    def is_super(self, otype) -> bool:
        return (
            isinstance(otype, SparseTensorType)
            and otype.format == self.format
            and otype.dtype == self.dtype
            and all(s is None or s == o for s, o in zip(self.shape, otype.shape))
        )

    def in_same_class(self, otype) -> bool:
        return (
            isinstance(otype, SparseTensorType)
            and otype.format == self.format
            and otype.dtype == self.dtype
        )

    def convert_variable(self, var: Variable):
        """Return ``var`` as a variable of this type, or ``None``.

        A sparse variable of this format whose type is at least as specific
        is returned as is; a dense matrix of the same dtype is converted with
        ``csr_from_dense``/``csc_from_dense``. Other formats are not
        converted implicitly.
        """
        vtype = var.type
        if self.is_super(vtype):
            return var
        if isinstance(vtype, SparseTensorType):
            return None
        if (
            isinstance(vtype, TensorType)
            and vtype.ndim == 2
            and vtype.dtype == self.dtype
            and self.format in ("csr", "csc")
        ):
            from aesara.sparse.conversion import SparseFromDense

            return SparseFromDense(self.format)(var)
        return None

    def make_variable(self, name: str | None = None):
        return self.variable_type(self, None, name=name)


# Deprecated alias kept by Aesara for backward compatibility.
SparseType = SparseTensorType
