"""Sparse op-database entries: buffers (CSM), dense/sparse conversions and casts."""

from __future__ import annotations

import numpy as np
import scipy.sparse

import aesara.sparse as sp
from tests.op_db import ErrorSample, Sample
from tests.op_db.sparse import (
    ALL_DTYPES,
    SparseOpInfo,
    random_sparse,
    register_sparse,
    sparse_samples,
)


def _buffers(m):
    return (
        m.data,
        np.asarray(m.indices, dtype="int32"),
        np.asarray(m.indptr, dtype="int32"),
        np.asarray(m.shape, dtype="int32"),
    )


register_sparse(
    SparseOpInfo(
        name="dense_from_sparse",
        build=lambda x: sp.dense_from_sparse(x),
        ref=lambda x: x.toarray(),
        samples=sparse_samples(dtypes=ALL_DTYPES),
        differentiable=True,
        structured_grad=True,
        family="conversion",
    )
)

register_sparse(
    SparseOpInfo(
        name="dense_from_sparse_regular_grad",
        build=lambda x: sp.DenseFromSparse(structured=False)(x),
        ref=lambda x: x.toarray(),
        samples=sparse_samples(),
        differentiable=True,
        structured_grad=False,
        family="conversion",
    )
)


def _dense_samples(rng):
    out = []
    for dtype in ALL_DTYPES:
        m = random_sparse(rng, (4, 3), "csr", dtype).toarray()
        out.append(Sample((m,), name=dtype))
    out.append(Sample((np.zeros((0, 3)),), name="empty"))
    out.append(Sample((np.zeros((3, 2)),), name="all-zero"))
    out.append(Sample((np.array([0.0, 1.5, 0.0, -2.0]),), name="vector"))
    out.append(Sample((np.float64(3.0),), name="0d"))
    return out


for _fmt in ("csr", "csc"):

    def _ref(x, _fmt=_fmt):
        x = np.asarray(x)
        x = x.reshape((1,) * (2 - x.ndim) + x.shape) if x.ndim < 2 else x
        return (
            scipy.sparse.csr_matrix(x) if _fmt == "csr" else scipy.sparse.csc_matrix(x)
        )

    register_sparse(
        SparseOpInfo(
            name=f"{_fmt}_from_dense",
            build=lambda x, _f=_fmt: sp.SparseFromDense(_f)(x),
            ref=_ref,
            samples=_dense_samples,
            errors=[
                ErrorSample((np.zeros((2, 2, 2)),), TypeError, "2 dimensions"),
                ErrorSample((np.zeros((2, 2), dtype=bool),), TypeError, "bool"),
            ],
            differentiable=True,
            family="conversion",
        )
    )

register_sparse(
    SparseOpInfo(
        name="csm_properties",
        build=lambda x: list(sp.csm_properties(x)),
        ref=_buffers,
        samples=sparse_samples(dtypes=ALL_DTYPES),
        errors=[ErrorSample((np.zeros((2, 2)),), TypeError, "SparseTensorType")],
        family="csm",
    )
)

for _fmt in ("csr", "csc"):
    register_sparse(
        SparseOpInfo(
            name=f"csm_{_fmt}_roundtrip",
            # Build from the buffers of the input: data is differentiable.
            build=lambda x, _f=_fmt: sp.CSM(_f)(*sp.csm_properties(x)),
            ref=lambda x: x.copy(),
            samples=sparse_samples(formats=(_fmt,), dtypes=ALL_DTYPES),
            differentiable=True,
            structured_grad=True,
            family="csm",
        )
    )


def _csm_from_buffers_samples(rng):
    out = []
    for fmt in ("csr", "csc"):
        m = random_sparse(rng, (5, 4), fmt, "float64", unsorted=True)
        out.append(Sample(_buffers(m), kwargs={"format": fmt}, name=f"{fmt}-unsorted"))
        z = random_sparse(rng, (3, 0), fmt, "float64")
        out.append(Sample(_buffers(z), kwargs={"format": fmt}, name=f"{fmt}-empty"))
    return out


def _csm_ref(data, indices, indptr, shape, format):
    cls = scipy.sparse.csr_matrix if format == "csr" else scipy.sparse.csc_matrix
    return cls((data, indices, indptr), shape=tuple(shape))


register_sparse(
    SparseOpInfo(
        name="csm_from_buffers",
        build=lambda d, i, p, s, format: sp.CSM(format)(d, i, p, s),
        ref=_csm_ref,
        samples=_csm_from_buffers_samples,
        errors=[
            ErrorSample(
                (
                    np.zeros((2, 2)),
                    np.zeros(2, "int32"),
                    np.zeros(3, "int32"),
                    np.array([2, 2], "int32"),
                ),
                TypeError,
                "data must be a vector",
                kwargs={"format": "csr"},
            ),
            ErrorSample(
                (
                    np.zeros(2),
                    np.zeros(2),
                    np.zeros(3, "int32"),
                    np.array([2, 2], "int32"),
                ),
                TypeError,
                "indices must be a vector of integers",
                kwargs={"format": "csr"},
            ),
            ErrorSample(
                (
                    np.zeros(3),
                    np.zeros(2, "int32"),
                    np.array([0, 1, 2], "int32"),
                    np.array([2, 2], "int32"),
                ),
                ValueError,
                "same length",
                kwargs={"format": "csr"},
                at_build=False,
            ),
        ],
        family="csm",
    )
)


for _dtype in ("float32", "float64", "int32", "complex128"):
    register_sparse(
        SparseOpInfo(
            name=f"sparse_cast_{_dtype}",
            build=lambda x, _d=_dtype: sp.cast(x, _d),
            ref=lambda x, _d=_dtype: x.astype(_d),
            samples=sparse_samples(dtypes=("int64", "float32", "float64")),
            differentiable=_dtype == "float64",
            family="conversion",
        )
    )

register_sparse(
    SparseOpInfo(
        name="sp_ones_like",
        build=lambda x: sp.sp_ones_like(x),
        ref=lambda x: type(x)(
            (np.ones_like(x.data), x.indices, x.indptr), shape=x.shape
        ),
        samples=sparse_samples(dtypes=ALL_DTYPES),
        family="csm",
    )
)

register_sparse(
    SparseOpInfo(
        name="sp_zeros_like",
        build=lambda x: sp.sp_zeros_like(x),
        ref=lambda x: type(x)(x.shape, dtype=x.dtype),
        samples=sparse_samples(dtypes=ALL_DTYPES),
        family="csm",
    )
)
