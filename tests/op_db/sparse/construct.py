"""Sparse op-database entries: sparse matrices built from rows (``construct_sparse_from_list``)."""

from __future__ import annotations

import numpy as np
import scipy.sparse

import aesara.sparse as sp
from tests.op_db import ErrorSample, Sample
from tests.op_db.sparse import SparseOpInfo, register_sparse


def _ref(x, values, ilist):
    out = np.zeros(x.shape, dtype=x.dtype)
    np.add.at(out, np.asarray(ilist), values.astype(x.dtype))
    return scipy.sparse.csc_matrix(out)


def _cases(rng):
    """``(name, x, values, ilist)``: repeats, negatives, empty index, dtypes."""
    cases = []
    for dtype in ("float64", "float32", "complex128"):
        x = np.zeros((6, 3), dtype=dtype)
        values = rng.normal(size=(4, 3)).astype(dtype)
        cases.append((dtype, x, values, np.array([0, 5, -1, 2], dtype="int64")))
    x = np.zeros((5, 2))
    cases.append(
        ("repeats", x, rng.normal(size=(5, 2)), np.array([1, 1, 3, 1, 0], "int32"))
    )
    cases.append(("no-index", x, np.zeros((0, 2)), np.array([], "int64")))
    cases.append(
        ("no-cols", np.zeros((4, 0)), np.zeros((3, 0)), np.array([0, 2, 3], "int64"))
    )
    cases.append(
        ("explicit-zero-values", x, np.zeros((2, 2)), np.array([0, 4], "uint8"))
    )
    return cases


def _samples(rng):
    return [Sample((x, v, i), name=name) for name, x, v, i in _cases(rng)]


def _grad_samples(rng):
    # Only ``values`` is perturbed: ``x`` gives just the shape, ``ilist`` is integer.
    return [
        Sample((v,), kwargs={"x": x, "ilist": i}, name=name)
        for name, x, v, i in _cases(rng)
        if x.dtype == np.float64 and v.size
    ]


def _build(*args, x=None, ilist=None):
    if x is None:
        x, values, ilist = args
    else:
        (values,) = args
    return sp.construct_sparse_from_list(x, values, ilist)


def _ref_any(*args, x=None, ilist=None):
    if x is None:
        x, values, ilist = args
    else:
        (values,) = args
    return _ref(x, values, ilist)


register_sparse(
    SparseOpInfo(
        name="construct_sparse_from_list",
        build=_build,
        ref=_ref_any,
        samples=_samples,
        grad_samples=_grad_samples,
        errors=[
            ErrorSample(
                (np.zeros((4, 2)), np.ones((2, 2)), np.array([0, 4])),
                IndexError,
                "out of bounds",
                at_build=False,
            ),
            ErrorSample(
                (np.zeros((4, 2)), np.ones((3, 2)), np.array([0, 1])),
                ValueError,
                "3 rows but the index has 2",
                at_build=False,
            ),
            ErrorSample(
                (np.zeros((4, 2)), np.ones((2, 3)), np.array([0, 1])),
                ValueError,
                "3 columns",
                at_build=False,
            ),
            ErrorSample(
                (np.zeros(4), np.ones((2, 2)), np.array([0, 1])),
                TypeError,
                "1 dimensions",
            ),
            ErrorSample(
                (np.zeros((4, 2)), np.ones(2), np.array([0, 1])),
                TypeError,
                "values with 1 ndim",
            ),
            ErrorSample(
                (np.zeros((4, 2)), np.ones((2, 2)), np.array([0.0, 1.0])),
                TypeError,
                "index must be integers",
            ),
        ],
        differentiable=True,
        family="construct",
    )
)
