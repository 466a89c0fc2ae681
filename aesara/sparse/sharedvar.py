"""Shared variables holding SciPy sparse matrices."""

from __future__ import annotations

import copy
from typing import Any

import scipy.sparse

from aesara.compile.sharedvalue import shared_constructor
from aesara.sparse.type import SparseTensorType
from aesara.sparse.variable import _sparse_py_operators
from aesara.tensor.sharedvar import TensorSharedVariable

__all__ = ["SparseTensorSharedVariable", "sparse_constructor"]


class SparseTensorSharedVariable(_sparse_py_operators, TensorSharedVariable):
    """A shared variable whose value is a SciPy sparse matrix."""

    @property
    def format(self) -> str:
        return self.type.format

    def zero(self, borrow: bool = False) -> None:
        """Set the value to an all-zero matrix (nothing stored) of the same shape."""
        value = self.get_value(borrow=True)
        self.container.value = type(value)(value.shape, dtype=value.dtype)


@shared_constructor
def sparse_constructor(
    value: Any,
    name: str | None = None,
    strict: bool = False,
    allow_downcast: bool | None = None,
    borrow: bool = False,
    format: str | None = None,
) -> SparseTensorSharedVariable:
    """Make a shared variable from a SciPy sparse matrix (declines anything else).

    Parameters
    ----------
    format
        Format of the variable's type; by default the value's (coo, lil...
        values are converted to csr).
    borrow
        Use ``value`` itself instead of a copy.
    """
    if not scipy.sparse.issparse(value):
        raise TypeError(f"Expected a scipy.sparse matrix, got {type(value).__name__}")
    if format is None:
        format = value.format if value.format in SparseTensorType.format_cls else "csr"
    stype = SparseTensorType(format=format, dtype=value.dtype)
    if not borrow:
        value = copy.deepcopy(value)
    return SparseTensorSharedVariable(
        type=stype, value=value, strict=strict, allow_downcast=allow_downcast, name=name
    )
