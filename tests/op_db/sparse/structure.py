"""Sparse op-database entries: transpose, diagonals, sorted indices, explicit zeros, stacking."""

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

register_sparse(
    SparseOpInfo(
        name="sparse_transpose",
        build=lambda x: sp.transpose(x),
        ref=lambda x: x.T,
        samples=sparse_samples(dtypes=ALL_DTYPES),
        errors=[ErrorSample((np.zeros((2, 2)),), TypeError, "SparseTensorType")],
        differentiable=True,
        family="structure",
    )
)


def _square_samples(rng):
    out = sparse_samples(dtypes=ALL_DTYPES, shape=(4, 4), empty=False)(rng)
    for fmt in ("csr", "csc"):
        out.append(Sample((random_sparse(rng, (0, 0), fmt),), name=f"{fmt}-0x0"))
        out.append(
            Sample(
                (random_sparse(rng, (3, 3), fmt, density=0.0),), name=f"{fmt}-all-zero"
            )
        )
    return out


register_sparse(
    SparseOpInfo(
        name="sparse_diag",
        build=lambda x: sp.diag(x),
        ref=lambda x: np.asarray(x.diagonal(), dtype=x.dtype),
        samples=_square_samples,
        errors=[
            ErrorSample(
                (random_sparse(np.random.default_rng(0), (4, 3)),),
                ValueError,
                "square",
                at_build=False,
            ),
            ErrorSample((np.zeros((2, 2)),), TypeError, "SparseTensorType"),
        ],
        differentiable=True,
        family="structure",
    )
)


def _vector_samples(rng):
    out = []
    for dtype in ALL_DTYPES:
        m = random_sparse(rng, (1, 5), "csr", dtype, density=0.8).toarray()[0]
        out.append(Sample((m,), name=dtype))
    out.append(Sample((np.zeros(0),), name="empty"))
    out.append(Sample((np.array([0.0, 2.0, 0.0]),), name="with-zeros"))
    return out


def _square_diagonal_ref(d):
    n = len(d)
    steps = np.arange(n + 1)
    return scipy.sparse.csc_matrix((d, steps[:n], steps), shape=(n, n))


register_sparse(
    SparseOpInfo(
        name="square_diagonal",
        build=lambda d: sp.square_diagonal(d),
        ref=_square_diagonal_ref,
        samples=_vector_samples,
        errors=[
            ErrorSample((np.zeros((2, 2)),), TypeError, "must be a vector"),
            ErrorSample((np.zeros(2, dtype=bool),), TypeError, "bool"),
        ],
        differentiable=True,
        family="structure",
    )
)

register_sparse(
    SparseOpInfo(
        name="ensure_sorted_indices",
        build=lambda x: sp.ensure_sorted_indices(x),
        ref=lambda x: x.sorted_indices(),
        samples=sparse_samples(dtypes=ALL_DTYPES),
        errors=[ErrorSample((np.zeros((2, 2)),), TypeError, "SparseTensorType")],
        differentiable=True,
        family="structure",
    )
)


def _without_zeros(x):
    x = x.copy()
    x.eliminate_zeros()
    return x


register_sparse(
    SparseOpInfo(
        name="remove0",
        build=lambda x: sp.remove0(x),
        ref=_without_zeros,
        samples=sparse_samples(dtypes=ALL_DTYPES),
        errors=[ErrorSample((np.zeros((2, 2)),), TypeError, "SparseTensorType")],
        differentiable=True,
        family="structure",
    )
)

register_sparse(
    SparseOpInfo(
        name="sparse_clean",
        build=lambda x: sp.clean(x),
        ref=lambda x: _without_zeros(x).sorted_indices(),
        samples=sparse_samples(),
        differentiable=True,
        family="structure",
    )
)


def _mixed_dtype_samples(rng, stack_axis):
    out = []
    shape_a, shape_b = ((4, 3), (4, 2)) if stack_axis == 1 else ((4, 3), (2, 3))
    pairs = [
        ("float32", "float64"),
        ("int8", "float32"),
        ("int64", "complex64"),
        ("uint8", "int8"),
    ]
    for fmt_out in ("csr", "csc"):
        for da, db in pairs:
            a = random_sparse(rng, shape_a, "csr", da)
            b = random_sparse(rng, shape_b, "csc", db)
            out.append(
                Sample((a, b), kwargs={"format": fmt_out}, name=f"{fmt_out}-{da}-{db}")
            )
    return out


def _stack_samples(stack_axis):
    def samples(rng):
        out = []
        for s in sparse_samples(n_inputs=2, dtypes=ALL_DTYPES)(rng):
            out.append(Sample(s.args, kwargs={"format": None}, name=s.name))
        # Three blocks, one of them csr and one csc, explicit output dtype.
        blocks = tuple(random_sparse(rng, (3, 3), f) for f in ("csr", "csc", "csr"))
        out.append(
            Sample(
                blocks,
                kwargs={"format": "csr", "dtype": "float32"},
                name="three-blocks",
            )
        )
        return out + _mixed_dtype_samples(rng, stack_axis)

    return samples


def _stack_ref(scipy_stack):
    def ref(*blocks, format=None, dtype=None):
        if dtype is None:
            dtype = np.result_type(*[b.dtype for b in blocks])
        return scipy_stack(blocks, format=format or "csc").astype(dtype)

    return ref


def _grad_stack_samples(stack_axis):
    def samples(rng):
        return [
            Sample(s.args, kwargs={"format": None}, name=s.name)
            for s in sparse_samples(n_inputs=2, dtypes=("float64",))(rng)
        ]

    return samples


for _name, _fn, _scipy, _axis, _bad in [
    ("sparse_hstack", sp.hstack, scipy.sparse.hstack, 1, ((4, 3), (3, 3))),
    ("sparse_vstack", sp.vstack, scipy.sparse.vstack, 0, ((4, 3), (4, 2))),
]:
    _rng = np.random.default_rng(1)
    register_sparse(
        SparseOpInfo(
            name=_name,
            build=lambda *xs, _f=_fn, **kw: _f(list(xs), **kw),
            ref=_stack_ref(_scipy),
            samples=_stack_samples(_axis),
            grad_samples=_grad_stack_samples(_axis),
            errors=[
                ErrorSample(
                    tuple(random_sparse(_rng, s) for s in _bad),
                    ValueError,
                    "same number of",
                    at_build=False,
                ),
                ErrorSample((), ValueError, "empty list"),
                ErrorSample((np.zeros((2, 2)),), TypeError, "SparseTensorType"),
                ErrorSample(
                    (random_sparse(_rng, (2, 2)),),
                    ValueError,
                    "format must be csr or csc",
                    kwargs={"format": "coo"},
                ),
            ],
            differentiable=True,
            family="structure",
        )
    )
