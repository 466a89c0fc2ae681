"""Sparse matrices in graphs: variable constructors, conversions and every sparse op.

This module is the public namespace of Aesara's ``aesara.sparse.basic``. The
ops themselves live in modules named for what they do (:mod:`.csm`,
:mod:`.conversion`, :mod:`.indexing`, :mod:`.structure`, :mod:`.arithmetic`,
:mod:`.comparison`, :mod:`.elemwise`, :mod:`.reduction`, :mod:`.products`)
and are re-exported here; what is defined here is how values and variables
become sparse variables.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import scipy.sparse

from aesara.configdefaults import config
from aesara.graph.basic import Apply, Variable, _as_symbolic, as_symbolic
from aesara.sparse.type import SparseTensorType, SparseType, _is_sparse
from aesara.sparse.variable import (
    SparseConstant,
    SparseConstantSignature,
    SparseVariable,
    _sparse_py_operators,
    override_dense,
)
from aesara.tensor.type import TensorType

sparse_formats = ["csc", "csr"]

# SciPy matrix classes and their format names (csr/csc: the formats every op takes).
_mtypes = [scipy.sparse.csc_matrix, scipy.sparse.csr_matrix]
_mtype_to_str = {scipy.sparse.csc_matrix: "csc", scipy.sparse.csr_matrix: "csr"}


def _not_a_variable(x: Any) -> NotImplementedError:
    return NotImplementedError(
        "this function takes symbolic variables (of a SparseTensorType or a "
        f"TensorType), not {type(x).__name__}: {x!r}"
    )


def _is_sparse_variable(x: Any) -> bool:
    """Whether the variable ``x`` is sparse (raises for non-variables)."""
    if not isinstance(x, Variable):
        raise _not_a_variable(x)
    return isinstance(x.type, SparseTensorType)


def _is_dense_variable(x: Any) -> bool:
    """Whether the variable ``x`` is a dense tensor (raises for non-variables)."""
    if not isinstance(x, Variable):
        raise _not_a_variable(x)
    return isinstance(x.type, TensorType) and not isinstance(x.type, SparseTensorType)


def _is_dense(x: Any) -> bool:
    """Whether the value ``x`` is an ndarray (``False`` for a SciPy sparse matrix)."""
    if not (scipy.sparse.issparse(x) or isinstance(x, np.ndarray)):
        raise NotImplementedError(
            "this function takes a SciPy sparse matrix or a numpy.ndarray, not "
            f"{type(x).__name__}"
        )
    return isinstance(x, np.ndarray)


def constant(x: Any, name: str | None = None) -> SparseConstant:
    """A sparse constant holding a copy of the SciPy sparse matrix ``x``."""
    if not scipy.sparse.issparse(x):
        raise TypeError(
            f"sparse.constant must be called on a scipy.sparse matrix, got "
            f"{type(x).__name__}"
        )
    if x.format not in SparseTensorType.format_cls:
        x = x.tocsr()
    try:
        stype = SparseTensorType(format=x.format, dtype=x.dtype)
    except TypeError as e:
        raise TypeError(
            f"Could not convert {type(x).__name__} to a sparse type: {e}"
        ) from e
    return SparseConstant(stype, x.copy(), name=name)


sparse_constant = constant


def as_sparse_variable(
    x: Any, name: str | None = None, ndim: int | None = None, **kwargs
):
    """Return ``x`` as a sparse variable.

    Parameters
    ----------
    x
        A sparse variable (returned as is), a single-output ``Apply``, or a
        SciPy sparse matrix (becomes a constant; coo/lil/... matrices become
        csr).

    Raises
    ------
    TypeError
        For a dense variable or a value that is not a sparse matrix.
    """
    if isinstance(x, Apply):
        if len(x.outputs) != 1:
            raise ValueError(
                "It is ambiguous which output of a multi-output Op has to be fetched."
            )
        x = x.outputs[0]
    if isinstance(x, Variable):
        if not isinstance(x.type, SparseTensorType):
            raise TypeError(
                f"Variable type field must be a SparseTensorType; {x} has type {x.type}"
            )
        return x
    if not scipy.sparse.issparse(x):
        raise TypeError(
            f"Cannot convert {type(x).__name__} to a sparse variable: expected a "
            "scipy.sparse matrix or a sparse variable"
        )
    return constant(x, name=name)


as_sparse = as_sparse_variable


@_as_symbolic.register(scipy.sparse.spmatrix)
def as_symbolic_sparse(x, **kwargs):
    return as_sparse_variable(x, **kwargs)


try:  # SciPy's newer sparse arrays (csr_array...) are sparse values too.
    _as_symbolic.register(scipy.sparse.sparray)(as_symbolic_sparse)
except AttributeError:  # pragma: no cover - old SciPy
    pass

# A sparse matrix stays sparse, anything else becomes a tensor.
as_sparse_or_tensor_variable = as_symbolic


def matrix(format: str, name: str | None = None, dtype: Any = None) -> SparseVariable:
    """A symbolic sparse matrix of ``format`` (dtype ``config.floatX`` by default)."""
    if dtype is None:
        dtype = config.floatX
    return SparseTensorType(format=format, dtype=dtype)(name)


def csc_matrix(name: str | None = None, dtype: Any = None) -> SparseVariable:
    """A symbolic csc matrix."""
    return matrix("csc", name, dtype)


def csr_matrix(name: str | None = None, dtype: Any = None) -> SparseVariable:
    """A symbolic csr matrix."""
    return matrix("csr", name, dtype)


def bsr_matrix(name: str | None = None, dtype: Any = None) -> SparseVariable:
    """A symbolic bsr matrix."""
    return matrix("bsr", name, dtype)


csc_dmatrix = SparseTensorType(format="csc", dtype="float64")
csr_dmatrix = SparseTensorType(format="csr", dtype="float64")
bsr_dmatrix = SparseTensorType(format="bsr", dtype="float64")
csc_fmatrix = SparseTensorType(format="csc", dtype="float32")
csr_fmatrix = SparseTensorType(format="csr", dtype="float32")
bsr_fmatrix = SparseTensorType(format="bsr", dtype="float32")

all_dtypes = list(SparseTensorType.dtype_specs_map)
complex_dtypes = [t for t in all_dtypes if t.startswith("complex")]
float_dtypes = [t for t in all_dtypes if t.startswith("float")]
int_dtypes = [t for t in all_dtypes if t.startswith("int")]
uint_dtypes = [t for t in all_dtypes if t.startswith("uint")]
integer_dtypes = int_dtypes + uint_dtypes
continuous_dtypes = complex_dtypes + float_dtypes
discrete_dtypes = int_dtypes + uint_dtypes

# The ops, by family: each module's public names are re-exported here.
from aesara.sparse import arithmetic as _arithmetic  # noqa: E402
from aesara.sparse import comparison as _comparison  # noqa: E402
from aesara.sparse import construct as _construct  # noqa: E402
from aesara.sparse import conversion as _conversion  # noqa: E402
from aesara.sparse import csm as _csm  # noqa: E402
from aesara.sparse import elemwise as _elemwise  # noqa: E402
from aesara.sparse import indexing as _indexing  # noqa: E402
from aesara.sparse import products as _products  # noqa: E402
from aesara.sparse import reduction as _reduction  # noqa: E402
from aesara.sparse import structure as _structure  # noqa: E402
from aesara.sparse.arithmetic import *  # noqa: E402,F401,F403
from aesara.sparse.comparison import *  # noqa: E402,F401,F403
from aesara.sparse.construct import *  # noqa: E402,F401,F403
from aesara.sparse.conversion import *  # noqa: E402,F401,F403
from aesara.sparse.csm import *  # noqa: E402,F401,F403
from aesara.sparse.elemwise import *  # noqa: E402,F401,F403
from aesara.sparse.indexing import *  # noqa: E402,F401,F403
from aesara.sparse.products import *  # noqa: E402,F401,F403
from aesara.sparse.reduction import *  # noqa: E402,F401,F403
from aesara.sparse.structure import *  # noqa: E402,F401,F403

_FAMILIES = (
    _csm,
    _conversion,
    _indexing,
    _structure,
    _construct,
    _arithmetic,
    _comparison,
    _elemwise,
    _reduction,
    _products,
)

__all__ = [
    "SparseConstant",
    "SparseConstantSignature",
    "SparseTensorType",
    "SparseType",
    "SparseVariable",
    "_is_dense",
    "_is_dense_variable",
    "_is_sparse",
    "_is_sparse_variable",
    "_sparse_py_operators",
    "all_dtypes",
    "as_sparse",
    "as_sparse_or_tensor_variable",
    "as_sparse_variable",
    "as_symbolic",
    "as_symbolic_sparse",
    "bsr_dmatrix",
    "bsr_fmatrix",
    "bsr_matrix",
    "complex_dtypes",
    "constant",
    "continuous_dtypes",
    "csc_dmatrix",
    "csc_fmatrix",
    "csc_matrix",
    "csr_dmatrix",
    "csr_fmatrix",
    "csr_matrix",
    "discrete_dtypes",
    "float_dtypes",
    "int_dtypes",
    "integer_dtypes",
    "matrix",
    "override_dense",
    "sparse_constant",
    "sparse_formats",
    "uint_dtypes",
] + [name for mod in _FAMILIES for name in mod.__all__]
