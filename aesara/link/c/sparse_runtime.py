"""Build and load ``sparse_runtime.c``, and the sampled dense-dense product helper.

The sparse ops run on SciPy's compiled kernels, but SciPy has no kernel for
one product the sparse gradients need: the entries of ``major @ minor.T`` at
the stored positions of a sparse pattern (the gradient of a structured
sparse-dense product with respect to the stored values, and the sampling
dot). :func:`sampled_rowdot` computes it with the small compiled module of
``sparse_runtime.c`` (built once per machine through the compile cache),
and with NumPy, in chunks of bounded memory, when no compiler works or for
dtypes the module does not handle (integers, complex).
"""

from __future__ import annotations

import threading
from pathlib import Path
from types import ModuleType

import numpy as np

__all__ = ["get_sparse_runtime", "sampled_rowdot", "sampled_rowdot_numpy"]

_SOURCE = Path(__file__).with_name("sparse_runtime.c")
_lock = threading.Lock()
_module: ModuleType | None = None
_failed: dict[str, BaseException] = {}

# Elements (rows x columns) gathered per NumPy chunk: 2**20 float64 values
# are 8 MiB per operand, which stays in the caches' reach and bounds the
# temporaries whatever the number of stored entries.
_CHUNK_ELEMENTS = 1 << 20


def get_sparse_runtime() -> ModuleType:
    """The compiled sparse runtime module, built on first use.

    Raises
    ------
    aesara.link.c.compiler.CompileError
        When the compiler cannot build it (remembered per compiler, so a
        failing compiler is tried once per process).
    """
    global _module
    if _module is not None:
        return _module
    from aesara.link.c.compiler import _cxx, compile_module

    with _lock:
        if _module is not None:
            return _module
        cxx = _cxx()
        if cxx in _failed:
            raise _failed[cxx]
        try:
            # The dot loop wants -O3 -march=native (the default flags);
            # -fopenmp-simd lets its reduction vectorise without -ffast-math.
            _module = compile_module(
                _SOURCE.read_text(), "sparse_runtime", extra_flags=("-fopenmp-simd",)
            )
        except Exception as e:
            _failed[cxx] = e
            raise
        return _module


def _runtime_or_none() -> ModuleType | None:
    from aesara.configdefaults import config

    if not config.cxx:
        return None
    try:
        return get_sparse_runtime()
    except Exception:
        # No working compiler: the NumPy path gives the same values.
        return None


def sampled_rowdot_numpy(
    indptr: np.ndarray,
    indices: np.ndarray,
    major: np.ndarray,
    minor: np.ndarray,
    dtype: str | np.dtype | None = None,
) -> np.ndarray:
    """:func:`sampled_rowdot` with NumPy only, in chunks of bounded memory."""
    dtype = np.result_type(major, minor) if dtype is None else np.dtype(dtype)
    nnz = len(indices)
    out = np.empty(nnz, dtype=dtype)
    if nnz == 0:
        return out
    k = major.shape[1]
    if k == 0:
        out[:] = 0
        return out
    rows = np.repeat(np.arange(len(indptr) - 1), np.diff(indptr))
    step = max(1, _CHUNK_ELEMENTS // k)
    for lo in range(0, nnz, step):
        hi = min(lo + step, nnz)
        # Gathered rows of both operands, multiplied and summed per entry.
        out[lo:hi] = np.einsum(
            "ij,ij->i", major[rows[lo:hi]], minor[indices[lo:hi]], dtype=dtype
        )
    return out


def sampled_rowdot(
    indptr: np.ndarray,
    indices: np.ndarray,
    major: np.ndarray,
    minor: np.ndarray,
    dtype: str | np.dtype | None = None,
) -> np.ndarray:
    """``out[k] = major[r] . minor[indices[k]]`` for every stored entry ``k`` of major index ``r``.

    Parameters
    ----------
    indptr, indices
        A compressed sparse pattern (csr: ``r`` is the row, ``indices`` the
        columns; csc: ``r`` is the column, ``indices`` the rows).
    major
        Dense matrix with one row per major index (``len(indptr) - 1`` rows).
    minor
        Dense matrix with one row per minor index; as many columns as ``major``.
    dtype
        Dtype of the result (the common dtype of ``major`` and ``minor`` by
        default).

    Returns
    -------
    numpy.ndarray
        A vector with one value per stored entry, in storage order.

    Raises
    ------
    ValueError
        When the sizes do not agree or an index is out of range.
    """
    major = np.asarray(major)
    minor = np.asarray(minor)
    if major.ndim != 2 or minor.ndim != 2:
        raise ValueError(
            f"sampled_rowdot needs two matrices, got {major.ndim}-d and {minor.ndim}-d"
        )
    if len(indptr) != major.shape[0] + 1:
        raise ValueError(
            f"sampled_rowdot: {len(indptr) - 1} major indices in the pattern but "
            f"{major.shape[0]} rows in the major operand"
        )
    if major.shape[1] != minor.shape[1]:
        raise ValueError(
            f"sampled_rowdot: the operands have {major.shape[1]} and "
            f"{minor.shape[1]} columns"
        )
    dtype = np.result_type(major, minor) if dtype is None else np.dtype(dtype)
    work = np.result_type(major, minor)
    if work.kind == "f" and work.itemsize < 4:
        work = np.dtype("float32")
    module = _runtime_or_none() if work in (np.float32, np.float64) else None
    if module is None:
        if len(indices) and (indices.min() < 0 or indices.max() >= minor.shape[0]):
            # The compiled path checks this too: both fail alike.
            raise ValueError(
                f"sampled_rowdot: an index is out of range [0, {minor.shape[0]})"
            )
        return sampled_rowdot_numpy(indptr, indices, major, minor, dtype)
    itype = np.int64 if np.asarray(indptr).dtype.itemsize > 4 else np.int32
    if np.asarray(indices).dtype.itemsize > 4:
        itype = np.int64
    out = np.empty(len(indices), dtype=work)
    module.sampled_rowdot(
        np.ascontiguousarray(indptr, dtype=itype),
        np.ascontiguousarray(indices, dtype=itype),
        np.ascontiguousarray(major, dtype=work),
        np.ascontiguousarray(minor, dtype=work),
        out,
    )
    return out if out.dtype == dtype else out.astype(dtype)
