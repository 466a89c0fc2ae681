"""The sparse part of the op database: entries whose inputs are SciPy sparse matrices.

Sparse entries use the same :class:`~tests.op_db.OpInfo` description as the
dense ones (build, NumPy/SciPy reference, samples, error samples,
differentiability) but live in their own table, :data:`SPARSE_OPS`, because
their values are SciPy matrices rather than ndarrays: the generic runner in
``tests/sparse/test_sparse_op_db.py`` knows how to make sparse symbolic
inputs, compare sparse results and check sparse gradients.

Adding an op: register a :class:`SparseOpInfo` with :func:`register_sparse`
in the family module (``tests/op_db/sparse/<family>.py``); the samples come
from :func:`sparse_samples` (every format, dtype, empty matrices, explicit
zeros, unsorted indices) or are written by hand.
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
import scipy.sparse

from tests.op_db import OpInfo, Sample

__all__ = [
    "SPARSE_OPS",
    "SparseOpInfo",
    "load_sparse",
    "random_sparse",
    "register_sparse",
    "sparse_samples",
]

SPARSE_FORMATS = ("csr", "csc")
FLOAT_DTYPES = ("float32", "float64")
ALL_DTYPES = (
    "int8",
    "int16",
    "int32",
    "int64",
    "uint8",
    "uint16",
    "uint32",
    "uint64",
    "float32",
    "float64",
    "complex64",
    "complex128",
)


@dataclass
class SparseOpInfo(OpInfo):
    """An op-database entry over sparse inputs.

    Parameters (besides :class:`~tests.op_db.OpInfo`'s)
    ----------
    structured_grad
        Whether the gradient is structured (checked by perturbing only the
        stored values, the pattern fixed) or regular (the dense matrix).
    check_format
        Whether a sparse result must have the reference result's format.
    """

    structured_grad: bool = False
    check_format: bool = True


SPARSE_OPS: dict[str, SparseOpInfo] = {}


def register_sparse(info: SparseOpInfo) -> SparseOpInfo:
    """Add ``info`` to :data:`SPARSE_OPS` (names must be unique)."""
    if info.name in SPARSE_OPS:
        raise ValueError(f"sparse op database already has an entry named {info.name!r}")
    SPARSE_OPS[info.name] = info
    return info


def load_sparse() -> dict[str, SparseOpInfo]:
    """Import every family module of this package and return :data:`SPARSE_OPS`."""
    for mod in pkgutil.iter_modules(__path__):
        importlib.import_module(f"{__name__}.{mod.name}")
    return SPARSE_OPS


def _values(rng: np.random.Generator, n: int, dtype: str) -> np.ndarray:
    kind = np.dtype(dtype).kind
    if kind == "u":
        return rng.integers(1, 10, size=n).astype(dtype)
    if kind == "i":
        return rng.integers(-9, 10, size=n).astype(dtype)
    if kind == "c":
        return (rng.normal(size=n) + 1j * rng.normal(size=n)).astype(dtype)
    return rng.normal(size=n).astype(dtype)


def random_sparse(
    rng: np.random.Generator,
    shape: tuple[int, int],
    format: str = "csr",
    dtype: str = "float64",
    density: float = 0.4,
    explicit_zeros: bool = False,
    unsorted: bool = False,
):
    """A random SciPy sparse matrix.

    Parameters
    ----------
    explicit_zeros
        Store some zeros explicitly (they count in ``nnz``).
    unsorted
        Reverse the index order inside every row (csr) / column (csc).
    """
    n_rows, n_cols = shape
    total = n_rows * n_cols
    nnz = int(round(density * total))
    flat = rng.choice(total, size=nnz, replace=False) if total else np.array([], int)
    rows, cols = np.divmod(flat, max(n_cols, 1))
    data = _values(rng, nnz, dtype)
    if explicit_zeros and nnz:
        data[:: max(1, nnz // 3)] = 0
    m = scipy.sparse.coo_matrix((data, (rows, cols)), shape=shape, dtype=dtype)
    m = m.asformat(format)
    if explicit_zeros:
        # coo -> csr/csc keeps stored zeros; make sure none were summed away.
        m.has_canonical_format = False
    if unsorted and m.nnz:
        for i in range(len(m.indptr) - 1):
            lo, hi = m.indptr[i], m.indptr[i + 1]
            m.indices[lo:hi] = m.indices[lo:hi][::-1].copy()
            m.data[lo:hi] = m.data[lo:hi][::-1].copy()
        m.has_sorted_indices = False
    return m


def sparse_samples(
    n_inputs: int = 1,
    formats: Sequence[str] = SPARSE_FORMATS,
    dtypes: Sequence[str] = FLOAT_DTYPES,
    shape: tuple[int, int] = (4, 3),
    extra: Callable[..., tuple] | None = None,
    empty: bool = True,
    special: bool = True,
) -> Callable[[np.random.Generator], list[Sample]]:
    """A ``samples(rng)`` function giving ``n_inputs`` sparse matrices per sample.

    Every format and dtype combination is sampled, plus (with ``special``)
    explicit zeros and unsorted indices, and (with ``empty``) 0-row, 0-column
    and all-zero matrices. ``extra`` returns further
    (dense) arguments appended to each sample; it is called as
    ``extra(rng, format, dtype, shape)``.
    """

    def samples(rng: np.random.Generator) -> list[Sample]:
        out = []

        def add(name, fmt, dtype, shp, **kw):
            args = tuple(
                random_sparse(rng, shp, fmt, dtype, **kw) for _ in range(n_inputs)
            )
            if extra is not None:
                args = args + tuple(extra(rng, fmt, dtype, shp))
            out.append(Sample(args, name=name))

        for fmt in formats:
            for dtype in dtypes:
                add(f"{fmt}-{dtype}", fmt, dtype, shape)
            if special:
                add(
                    f"{fmt}-explicit-zeros", fmt, dtypes[-1], shape, explicit_zeros=True
                )
                add(f"{fmt}-unsorted", fmt, dtypes[-1], shape, unsorted=True)
            if empty:
                add(f"{fmt}-no-rows", fmt, dtypes[-1], (0, shape[1]))
                add(f"{fmt}-no-cols", fmt, dtypes[-1], (shape[0], 0))
                add(f"{fmt}-all-zero", fmt, dtypes[-1], shape, density=0.0)
        return out

    return samples
