"""Sparse op-database entries: rows by a list, elements by two lists, 2-d slices, one element."""

from __future__ import annotations

import numpy as np

import aesara.sparse as sp
from tests.op_db import ErrorSample, Sample
from tests.op_db.sparse import (
    ALL_DTYPES,
    SparseOpInfo,
    random_sparse,
    register_sparse,
    sparse_samples,
)


def _rows(rng, n, k=5):
    """``k`` row indices of a matrix with ``n`` rows: repeats and negatives included."""
    if n == 0:
        return np.array([], dtype="int64")
    return rng.integers(-n, n, size=k).astype("int64")


def _row_extra(rng, fmt, dtype, shape):
    return (_rows(rng, shape[0]),)


def _pair_extra(rng, fmt, dtype, shape):
    n, m = shape
    if n == 0 or m == 0:
        return (np.array([], "int64"), np.array([], "int64"))
    idx = _rows(rng, n, 6)
    # Repeat the first position so duplicate gradients are summed.
    idx[-1] = idx[0]
    cols = rng.integers(-m, m, size=6).astype("int64")
    cols[-1] = cols[0]
    return (idx, cols)


def _to_kwargs(samples_fn, names):
    """The same samples with their index arguments as constant keyword arguments.

    Gradient checks perturb every positional argument, so the indices move
    to ``kwargs`` there.
    """

    def samples(rng):
        out = []
        for s in samples_fn(rng):
            x, *rest = s.args
            out.append(Sample((x,), kwargs=dict(zip(names, rest)), name=s.name))
        return out

    return samples


register_sparse(
    SparseOpInfo(
        name="get_item_list",
        build=lambda x, index: sp.get_item_list(x, index),
        ref=lambda x, index: x[index],
        samples=sparse_samples(dtypes=ALL_DTYPES, extra=_row_extra),
        grad_samples=_to_kwargs(sparse_samples(extra=_row_extra), ["index"]),
        errors=[
            ErrorSample(
                (random_sparse(np.random.default_rng(0), (4, 3)), np.array([0, 4])),
                IndexError,
                "out of range",
                at_build=False,
            ),
            ErrorSample(
                (random_sparse(np.random.default_rng(0), (4, 3)), np.array([0.0])),
                TypeError,
                "integers",
            ),
            ErrorSample(
                (
                    random_sparse(np.random.default_rng(0), (4, 3)),
                    np.zeros((2, 2), "int64"),
                ),
                TypeError,
                "vector",
            ),
            ErrorSample(
                (np.zeros((2, 2)), np.array([0])), TypeError, "SparseTensorType"
            ),
        ],
        differentiable=True,
        family="indexing",
    )
)


def _two_lists_ref(x, ind1, ind2):
    if len(ind1) == 0:
        return np.zeros(0, dtype=x.dtype)
    return np.asarray(x[ind1, ind2]).reshape(-1)


register_sparse(
    SparseOpInfo(
        name="get_item_2lists",
        build=lambda x, ind1, ind2: sp.get_item_2lists(x, ind1, ind2),
        ref=_two_lists_ref,
        samples=sparse_samples(dtypes=ALL_DTYPES, extra=_pair_extra),
        grad_samples=_to_kwargs(sparse_samples(extra=_pair_extra), ["ind1", "ind2"]),
        errors=[
            ErrorSample(
                (
                    random_sparse(np.random.default_rng(0), (4, 3)),
                    np.array([0, 1]),
                    np.array([0, 3]),
                ),
                IndexError,
                "out of range",
                at_build=False,
            ),
            ErrorSample(
                (
                    random_sparse(np.random.default_rng(0), (4, 3)),
                    np.array([0, 1]),
                    np.array([0]),
                ),
                IndexError,
                "same length",
                at_build=False,
            ),
            ErrorSample(
                (
                    random_sparse(np.random.default_rng(0), (4, 3)),
                    np.array([0.5]),
                    np.array([0]),
                ),
                TypeError,
                "integers",
            ),
        ],
        differentiable=True,
        family="indexing",
    )
)


_SLICES = {
    "rows": (slice(1, 3),),
    "both": (slice(1, 3), slice(None, None, 2)),
    "reversed": (slice(None, None, -1), slice(None, None, -2)),
    "negative-bounds": (slice(-3, -1), slice(-2, None)),
    "past-the-end": (slice(2, 10), slice(0, 100, 3)),
    "empty-range": (slice(3, 1), slice(None)),
    "unit-step": (slice(0, 4, 1), slice(1, 3, 1)),
}


def _slice_samples(rng):
    out = []
    for name, idx in _SLICES.items():
        for s in sparse_samples(dtypes=("float64", "int32", "complex64"))(rng):
            if name != "both" and not s.name.endswith("float64"):
                continue  # the dtype sweep once is enough
            out.append(Sample(s.args, kwargs={"index": idx}, name=f"{name}-{s.name}"))
    return out


register_sparse(
    SparseOpInfo(
        name="get_item_2d",
        build=lambda x, index: sp.get_item_2d(x, index),
        ref=lambda x, index: x[index] if len(index) == 2 else x[index[0], :],
        samples=_slice_samples,
        errors=[
            ErrorSample(
                (random_sparse(np.random.default_rng(0), (4, 3)),),
                NotImplementedError,
                "no sparse vector",
                kwargs={"index": (slice(0, 2), 1)},
            ),
            ErrorSample(
                (random_sparse(np.random.default_rng(0), (4, 3)),),
                ValueError,
                "Advanced indexing",
                kwargs={"index": (np.array([0, 1]), slice(0, 2))},
            ),
            ErrorSample(
                (random_sparse(np.random.default_rng(0), (4, 3)),),
                ValueError,
                "slice where start",
                kwargs={"index": (slice(0.5, 2),)},
            ),
            ErrorSample(
                (random_sparse(np.random.default_rng(0), (4, 3)),),
                ValueError,
                "step cannot be zero",
                kwargs={"index": (slice(None, None, 0),)},
                at_build=False,
            ),
        ],
        family="indexing",
    )
)


def _symbolic_slice_samples(rng):
    out = []
    for a, b, s in [(1, 4, 2), (-1, 0, -1), (0, 100, 3), (3, 1, 1)]:
        for fmt in ("csr", "csc"):
            x = random_sparse(rng, (5, 4), fmt, "float64")
            bounds = tuple(np.array(v, dtype="int32") for v in (a, b, s))
            out.append(Sample((x, *bounds), name=f"{fmt}-{a}:{b}:{s}"))
    return out


register_sparse(
    SparseOpInfo(
        name="get_item_2d_symbolic_bounds",
        build=lambda x, a, b, s: sp.get_item_2d(x, (slice(a, b, s), slice(b, None, s))),
        ref=lambda x, a, b, s: x[int(a) : int(b) : int(s), int(b) :: int(s)],
        samples=_symbolic_slice_samples,
        errors=[
            ErrorSample(
                (
                    random_sparse(np.random.default_rng(0), (4, 3)),
                    np.array([1, 2]),
                    np.array(3),
                    np.array(1),
                ),
                ValueError,
                "slice where start",
            ),
        ],
        family="indexing",
    )
)


def _scalar_samples(rng):
    out = []
    for s in sparse_samples(dtypes=ALL_DTYPES, empty=False)(rng):
        (x,) = s.args
        i = np.array(rng.integers(-x.shape[0], x.shape[0]), dtype="int64")
        j = np.array(rng.integers(-x.shape[1], x.shape[1]), dtype="int32")
        out.append(Sample((x, i, j), name=s.name))
    return out


register_sparse(
    SparseOpInfo(
        name="get_item_scalar",
        build=lambda x, i, j: sp.get_item_scalar(x, (i, j)),
        ref=lambda x, i, j: np.asarray(x[int(i), int(j)], dtype=x.dtype),
        samples=_scalar_samples,
        errors=[
            ErrorSample(
                (
                    random_sparse(np.random.default_rng(0), (4, 3)),
                    np.array(4),
                    np.array(0),
                ),
                IndexError,
                "out of range",
                at_build=False,
            ),
            ErrorSample(
                (
                    random_sparse(np.random.default_rng(0), (4, 3)),
                    np.array(1.0),
                    np.array(0),
                ),
                TypeError,
                "integer scalars",
            ),
            ErrorSample(
                (
                    random_sparse(np.random.default_rng(0), (4, 3)),
                    np.array([1]),
                    np.array(0),
                ),
                TypeError,
                "integer scalars",
            ),
        ],
        family="indexing",
    )
)
