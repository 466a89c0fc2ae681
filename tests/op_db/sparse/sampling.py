"""Sparse op-database entries: the random sparse ops of ``aesara.sparse.sandbox.sp2``.

The generic runner compares values with a reference, so the entries use the
inputs whose draws are certain (Poisson means of zero, binomial
probabilities of 0 and 1, multinomial rows with one certain outcome): every
format, dtype and special matrix still goes through the op, its
``infer_shape`` and its error checks. The distributions themselves are
checked statistically in ``tests/sparse/test_sp2.py``.
"""

from __future__ import annotations

import numpy as np
import scipy.sparse

from aesara.sparse.sandbox import sp2
from tests.op_db import ErrorSample, Sample
from tests.op_db.sparse import SparseOpInfo, random_sparse, register_sparse

_POISSON_DTYPES = ("float32", "float64", "int32", "int64")


def _zero_means(rng):
    out = []
    for fmt in ("csr", "csc"):
        for dtype in _POISSON_DTYPES:
            m = random_sparse(rng, (4, 5), fmt, dtype)
            m.data[:] = 0  # stored zeros: every draw is 0 and is removed
            out.append(Sample((m,), name=f"{fmt}-{dtype}-stored-zeros"))
        out.append(
            Sample(
                (random_sparse(rng, (4, 5), fmt, "float64", density=0.0),),
                name=f"{fmt}-empty-pattern",
            )
        )
        out.append(
            Sample((random_sparse(rng, (0, 5), fmt, "float64"),), name=f"{fmt}-no-rows")
        )
        m = random_sparse(rng, (4, 5), fmt, "float64", unsorted=True)
        m.data[:] = 0
        out.append(Sample((m,), name=f"{fmt}-unsorted"))
    return out


def _poisson_ref(x):
    return type(x)(x.shape, dtype=x.dtype)


register_sparse(
    SparseOpInfo(
        name="sp2_poisson",
        build=lambda x: sp2.poisson(x),
        ref=_poisson_ref,
        samples=_zero_means,
        errors=[
            ErrorSample((np.zeros((2, 2)),), TypeError, "sparse", name="dense"),
            ErrorSample(
                (scipy.sparse.csr_matrix(np.array([[0.0, -1.0]])),),
                ValueError,
                ">= 0",
                at_build=False,
                name="negative-mean",
            ),
        ],
        family="sampling",
    )
)


def _binomial_samples(rng):
    out = []
    for fmt in ("csr", "csc"):
        for dtype in ("float32", "float64"):
            for n, p in ((4, 0.0), (3, 1.0)):
                out.append(
                    Sample(
                        (np.int64(n), np.float64(p), np.array([3, 5], dtype="int64")),
                        kwargs={"format": fmt, "dtype": dtype},
                        name=f"{fmt}-{dtype}-p{p}",
                    )
                )
        out.append(
            Sample(
                (np.int64(2), np.float64(1.0), np.array([0, 4], dtype="int64")),
                kwargs={"format": fmt, "dtype": "float64"},
                name=f"{fmt}-empty",
            )
        )
    return out


def _binomial_ref(n, p, shape, format, dtype):
    cls = scipy.sparse.csr_matrix if format == "csr" else scipy.sparse.csc_matrix
    return cls(np.full(tuple(shape), n * p, dtype=dtype))


register_sparse(
    SparseOpInfo(
        name="sp2_binomial",
        build=lambda n, p, shape, format, dtype: sp2.Binomial(format, dtype)(
            n, p, shape
        ),
        ref=_binomial_ref,
        samples=_binomial_samples,
        errors=[
            ErrorSample(
                (np.float64(2.0), np.float64(0.5), np.array([2, 2])),
                TypeError,
                "n must be an integer",
                kwargs={"format": "csr", "dtype": "float64"},
                name="float-n",
            ),
            ErrorSample(
                (np.int64(2), np.int64(1), np.array([2, 2])),
                TypeError,
                "p must be a float",
                kwargs={"format": "csr", "dtype": "float64"},
                name="int-p",
            ),
            ErrorSample(
                (np.int64(2), np.float64(0.5), np.array([2, 2, 2])),
                ValueError,
                "2 entries",
                kwargs={"format": "csr", "dtype": "float64"},
                at_build=False,
                name="3-entry-shape",
            ),
        ],
        family="sampling",
    )
)


def _certain_probs(rng, n_rows=5, n_cols=4, dtype="float64", unsorted=False):
    """A csr matrix with one stored 1.0 per row (plus stored zeros), and an empty row."""
    cols = rng.integers(0, n_cols, size=n_rows)
    dense = np.zeros((n_rows, n_cols), dtype=dtype)
    dense[np.arange(n_rows), cols] = 1
    dense[-1] = 0  # a row without stored values
    m = scipy.sparse.csr_matrix(dense)
    # A stored zero next to each certain outcome: a probability 0 that is drawn 0 times.
    rows = np.arange(n_rows - 1)
    extra = scipy.sparse.csr_matrix(
        (np.zeros(n_rows - 1, dtype=dtype), (rows, (cols[:-1] + 1) % n_cols)),
        shape=(n_rows, n_cols),
    )
    m = scipy.sparse.csr_matrix(
        (
            np.concatenate([m.data, extra.data]),
            (
                np.concatenate([m.tocoo().row, rows]),
                np.concatenate([m.indices, extra.indices]),
            ),
        ),
        shape=(n_rows, n_cols),
    )
    m.has_canonical_format = False
    if unsorted:
        for i in range(n_rows):
            lo, hi = m.indptr[i], m.indptr[i + 1]
            m.indices[lo:hi] = m.indices[lo:hi][::-1].copy()
            m.data[lo:hi] = m.data[lo:hi][::-1].copy()
        m.has_sorted_indices = False
    return m


def _multinomial_samples(rng):
    out = []
    for dtype in ("float32", "float64"):
        out.append(
            Sample(
                (np.int64(6), _certain_probs(rng, dtype=dtype)),
                name=f"scalar-n-{dtype}",
            )
        )
    out.append(
        Sample(
            (np.arange(5, dtype="int64"), _certain_probs(rng, unsorted=True)),
            name="vector-n-unsorted",
        )
    )
    out.append(Sample((np.int64(3), scipy.sparse.csr_matrix((0, 4))), name="no-rows"))
    return out


def _multinomial_ref(n, p):
    out = p.copy()
    rows = np.repeat(np.arange(p.shape[0]), np.diff(p.indptr))
    out.data = (np.broadcast_to(np.asarray(n), (p.shape[0],))[rows] * p.data).astype(
        p.dtype
    )
    return out


register_sparse(
    SparseOpInfo(
        name="sp2_multinomial",
        build=lambda n, p: sp2.multinomial(n, p),
        ref=_multinomial_ref,
        samples=_multinomial_samples,
        errors=[
            ErrorSample(
                (np.arange(3, dtype="int64"), _certain_probs(np.random.default_rng(0))),
                ValueError,
                "number of row",
                at_build=False,
                name="n-length",
            ),
            ErrorSample(
                (np.int64(2), scipy.sparse.csc_matrix(np.eye(2))),
                NotImplementedError,
                "csr",
                at_build=False,
                name="csc",
            ),
            ErrorSample(
                (np.ones((2, 2), dtype="int64"), scipy.sparse.csr_matrix(np.eye(2))),
                TypeError,
                "scalar or a vector",
                name="matrix-n",
            ),
        ],
        family="sampling",
    )
)
