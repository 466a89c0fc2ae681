"""Sparse op-database entries: negation, addition, subtraction, multiplication, scaling.

References are computed on the dense matrices with NumPy (dtypes by NumPy's
promotion, which is Aesara's ``upcast`` for these pairs) and converted to
the expected sparse format; they do not call the SciPy operations the ops
use.
"""

from __future__ import annotations

import numpy as np
import scipy.sparse

import aesara.sparse as sp
from tests.op_db import ErrorSample, Sample
from tests.op_db.sparse import (
    ALL_DTYPES,
    SparseOpInfo,
    _values,
    random_sparse,
    register_sparse,
    sparse_samples,
)

FLOATS = ("float32", "float64")


def _spm(dense, fmt):
    """``dense`` as a SciPy matrix of format ``fmt``."""
    return (
        scipy.sparse.csr_matrix(dense)
        if fmt == "csr"
        else scipy.sparse.csc_matrix(dense)
    )


def _dense_like(rng, fmt, dtype, shape):
    """A dense matrix of ``shape`` and ``dtype`` with every entry random."""
    n = shape[0] * shape[1]
    return (_values(rng, n, dtype).reshape(shape),)


def _stored_mask(x):
    """Where ``x`` stores an entry (explicit zeros included)."""
    ones = x.copy()
    ones.data = np.ones(len(x.data))
    return ones.toarray() != 0


def _swap(samples_fn):
    """The samples of ``samples_fn`` with their arguments reversed (dense operand first)."""

    def samples(rng):
        return [Sample(tuple(reversed(s.args)), name=s.name) for s in samples_fn(rng)]

    return samples


def _mixed_pairs(rng, second_dense=False):
    """Pairs of operands with different formats and dtypes."""
    combos = [
        ("csr", "float32", "csc", "float64"),
        ("csc", "int8", "csr", "float64"),
        ("csr", "float64", "csr", "int8"),
        ("csc", "uint16", "csc", "int32"),
        ("csr", "float32", "csr", "complex128"),
    ]
    out = []
    for f1, d1, f2, d2 in combos:
        x = random_sparse(rng, (4, 3), f1, d1)
        y = (
            _dense_like(rng, f2, d2, (4, 3))[0]
            if second_dense
            else random_sparse(rng, (4, 3), f2, d2)
        )
        out.append(Sample((x, y), name=f"{f1}-{d1}-{f2}-{d2}"))
    return out


def _plus_mixed(base, second_dense=False):
    def samples(rng):
        return list(base(rng)) + _mixed_pairs(rng, second_dense)

    return samples


def _rt(*vals):
    return np.result_type(*[v.dtype for v in vals])


# ----------------------------------------------------------------------
# Negation
# ----------------------------------------------------------------------

register_sparse(
    SparseOpInfo(
        name="sparse_neg",
        build=lambda x: sp.neg(x),
        ref=lambda x: _spm(-x.toarray(), x.format),
        samples=sparse_samples(dtypes=ALL_DTYPES),
        errors=[ErrorSample((np.zeros((2, 2)),), TypeError, "must be a sparse matrix")],
        differentiable=True,
        family="arithmetic",
    )
)

# ----------------------------------------------------------------------
# Addition and subtraction
# ----------------------------------------------------------------------

_ss_all = _plus_mixed(sparse_samples(n_inputs=2, dtypes=ALL_DTYPES))
_sd_all = _plus_mixed(sparse_samples(dtypes=ALL_DTYPES, extra=_dense_like), True)

_SS_ERRORS = [
    ErrorSample(
        (
            random_sparse(np.random.default_rng(0), (3, 2)),
            random_sparse(np.random.default_rng(1), (2, 3)),
        ),
        ValueError,
        "same shape",
        at_build=False,
        name="shape-mismatch",
    ),
]
_SD_ERRORS = [
    ErrorSample(
        (random_sparse(np.random.default_rng(0), (3, 2)), np.ones((2, 3))),
        ValueError,
        "same shape",
        at_build=False,
        name="shape-mismatch",
    ),
    ErrorSample(
        (random_sparse(np.random.default_rng(0), (3, 2)), np.ones(2)),
        TypeError,
        "must have 2 dimensions",
        name="vector",
    ),
    ErrorSample(
        (random_sparse(np.random.default_rng(0), (3, 2)), np.float64(2.0)),
        TypeError,
        "must have 2 dimensions",
        name="scalar",
    ),
]

register_sparse(
    SparseOpInfo(
        name="sparse_add_s_s",
        build=lambda x, y: sp.add(x, y),
        ref=lambda x, y: _spm((x.toarray() + y.toarray()).astype(_rt(x, y)), x.format),
        samples=_ss_all,
        grad_samples=sparse_samples(n_inputs=2),
        errors=_SS_ERRORS
        + [
            ErrorSample(
                (np.ones((2, 2)), np.ones((2, 2))), TypeError, "at least one operand"
            )
        ],
        differentiable=True,
        family="arithmetic",
    )
)

register_sparse(
    SparseOpInfo(
        name="sparse_add_s_d",
        build=lambda x, y: sp.add(x, y),
        ref=lambda x, y: (x.toarray() + y).astype(_rt(x, y)),
        samples=_sd_all,
        grad_samples=sparse_samples(extra=_dense_like),
        errors=_SD_ERRORS,
        differentiable=True,
        structured_grad=True,
        family="arithmetic",
    )
)

register_sparse(
    SparseOpInfo(
        name="sparse_add_d_s",
        build=lambda d, x: d + x,
        ref=lambda d, x: (d + x.toarray()).astype(_rt(x, d)),
        samples=_swap(sparse_samples(extra=_dense_like)),
        differentiable=True,
        structured_grad=True,
        family="arithmetic",
    )
)

register_sparse(
    SparseOpInfo(
        name="sparse_sub_s_s",
        build=lambda x, y: sp.sub(x, y),
        ref=lambda x, y: _spm((x.toarray() - y.toarray()).astype(_rt(x, y)), x.format),
        samples=sparse_samples(
            n_inputs=2, dtypes=("int32", "float32", "float64", "complex128")
        ),
        errors=[
            ErrorSample(
                (np.ones((2, 2)), np.ones((2, 2))), TypeError, "at least one operand"
            )
        ],
        differentiable=True,
        family="arithmetic",
    )
)

register_sparse(
    SparseOpInfo(
        name="sparse_sub_s_d",
        build=lambda x, y: sp.sub(x, y),
        ref=lambda x, y: (x.toarray() - y).astype(_rt(x, y)),
        samples=sparse_samples(
            dtypes=("int64", "float32", "float64"), extra=_dense_like
        ),
        differentiable=True,
        structured_grad=True,
        family="arithmetic",
    )
)

register_sparse(
    SparseOpInfo(
        name="sparse_sub_d_s",
        build=lambda d, x: d - x,
        ref=lambda d, x: (d - x.toarray()).astype(_rt(x, d)),
        samples=_swap(
            sparse_samples(dtypes=("int64", "float32", "float64"), extra=_dense_like)
        ),
        differentiable=True,
        structured_grad=True,
        family="arithmetic",
    )
)


def _same_pattern_samples(rng):
    out = []
    for fmt in ("csr", "csc"):
        for dtype in ALL_DTYPES:
            x = random_sparse(rng, (4, 3), fmt, dtype)
            y = x.copy()
            y.data = _values(rng, len(x.data), dtype)
            out.append(Sample((x, y), name=f"{fmt}-{dtype}"))
        for kw in ({"explicit_zeros": True}, {"unsorted": True}, {"density": 0.0}):
            x = random_sparse(rng, (4, 3), fmt, "float64", **kw)
            y = x.copy()
            y.data = _values(rng, len(x.data), "float64")
            out.append(Sample((x, y), name=f"{fmt}-{'-'.join(kw)}"))
    return out


_rng0 = np.random.default_rng(7)
_pat_a = random_sparse(_rng0, (4, 3), "csr", "float64", density=0.3)
_pat_b = random_sparse(_rng0, (4, 3), "csr", "float64", density=0.6)

register_sparse(
    SparseOpInfo(
        name="sparse_add_s_s_data",
        build=lambda x, y: sp.add_s_s_data(x, y),
        ref=lambda x, y: _spm(x.toarray() + y.toarray(), x.format),
        samples=_same_pattern_samples,
        errors=[
            ErrorSample(
                (_pat_a, _pat_b), ValueError, "same sparsity pattern", at_build=False
            ),
            ErrorSample(
                (_pat_a, _pat_a.astype("float32")),
                NotImplementedError,
                "same dtype",
                name="dtypes",
            ),
            ErrorSample(
                (_pat_a, _pat_a.tocsc()),
                NotImplementedError,
                "same format",
                name="formats",
            ),
        ],
        differentiable=True,
        structured_grad=True,
        family="arithmetic",
    )
)


def _vector_extra(axis):
    def extra(rng, fmt, dtype, shape):
        return (_values(rng, shape[axis], dtype),)

    return extra


def _structured_add_sv_ref(x, y):
    dense = np.where(_stored_mask(x), x.toarray() + y[None, :], 0)
    return _spm(dense.astype(x.dtype), x.format)


register_sparse(
    SparseOpInfo(
        name="sparse_structured_add_s_v",
        build=lambda x, y: sp.structured_add_s_v(x, y),
        ref=_structured_add_sv_ref,
        samples=sparse_samples(dtypes=ALL_DTYPES, extra=_vector_extra(1)),
        errors=[
            ErrorSample((_pat_a, np.ones(4)), ValueError, "3 columns", at_build=False),
            ErrorSample(
                (_pat_a, np.ones(3, "float32")),
                NotImplementedError,
                "same dtype",
                name="dtype",
            ),
            ErrorSample(
                (_pat_a, np.ones((3, 3))),
                TypeError,
                "must have 1 dimensions",
                name="matrix",
            ),
        ],
        differentiable=True,
        structured_grad=True,
        family="arithmetic",
    )
)

# ----------------------------------------------------------------------
# Multiplication
# ----------------------------------------------------------------------

register_sparse(
    SparseOpInfo(
        name="sparse_mul_s_s",
        build=lambda x, y: x * y,
        ref=lambda x, y: _spm((x.toarray() * y.toarray()).astype(_rt(x, y)), x.format),
        samples=_ss_all,
        grad_samples=sparse_samples(n_inputs=2),
        errors=_SS_ERRORS,
        differentiable=True,
        family="arithmetic",
    )
)

register_sparse(
    SparseOpInfo(
        name="sparse_mul_s_d",
        build=lambda x, y: sp.mul(x, y),
        ref=lambda x, y: _spm((x.toarray() * y).astype(_rt(x, y)), x.format),
        samples=_sd_all,
        grad_samples=sparse_samples(extra=_dense_like),
        errors=[
            _SD_ERRORS[0],
            ErrorSample(
                (_pat_a, np.ones(3)),
                TypeError,
                "must have 0 or 2 dimensions",
                name="vector",
            ),
            ErrorSample(
                (_pat_a, np.ones((4, 3, 1))), TypeError, "0 or 2 dimensions", name="3d"
            ),
            ErrorSample(
                (np.ones((2, 2)), np.ones((2, 2))),
                TypeError,
                "at least one operand",
                name="dense",
            ),
        ],
        differentiable=True,
        family="arithmetic",
    )
)

register_sparse(
    SparseOpInfo(
        name="sparse_mul_d_s",
        build=lambda d, x: d * x,
        ref=lambda d, x: _spm((d * x.toarray()).astype(_rt(x, d)), x.format),
        samples=_swap(
            sparse_samples(dtypes=("int16", "float32", "float64"), extra=_dense_like)
        ),
        differentiable=True,
        family="arithmetic",
    )
)


def _scalar_extra(rng, fmt, dtype, shape):
    return (np.asarray(_values(rng, 1, dtype)[0]),)


def _scalar_samples(rng):
    out = list(sparse_samples(dtypes=ALL_DTYPES, extra=_scalar_extra)(rng))
    x = random_sparse(rng, (4, 3), "csr", "float32")
    out.append(Sample((x, np.asarray(2.5)), name="float32-times-float64"))
    out.append(
        Sample(
            (random_sparse(rng, (4, 3), "csc", "int8"), np.asarray(3.0)),
            name="int8-times-float64",
        )
    )
    return out


register_sparse(
    SparseOpInfo(
        name="sparse_mul_s_scalar",
        build=lambda x, y: sp.mul(x, y),
        ref=lambda x, y: _spm((x.toarray() * y).astype(_rt(x, y)), x.format),
        samples=_scalar_samples,
        grad_samples=sparse_samples(extra=_scalar_extra),
        differentiable=True,
        family="arithmetic",
    )
)

register_sparse(
    SparseOpInfo(
        name="sparse_mul_s_python_number",
        build=lambda x: 2 * x,
        ref=lambda x: _spm(2 * x.toarray(), x.format),
        samples=sparse_samples(
            dtypes=("int8", "int64", "float32", "float64", "complex64")
        ),
        differentiable=True,
        family="arithmetic",
    )
)

register_sparse(
    SparseOpInfo(
        name="sparse_mul_s_v",
        build=lambda x, y: sp.mul_s_v(x, y),
        ref=lambda x, y: _spm((x.toarray() * y[None, :]).astype(x.dtype), x.format),
        samples=sparse_samples(dtypes=ALL_DTYPES, extra=_vector_extra(1)),
        errors=[
            ErrorSample((_pat_a, np.ones(4)), ValueError, "3 columns", at_build=False),
            ErrorSample(
                (_pat_a, np.ones(3, "float32")),
                NotImplementedError,
                "same dtype",
                name="dtype",
            ),
        ],
        differentiable=True,
        family="arithmetic",
    )
)

# ----------------------------------------------------------------------
# Row and column scaling
# ----------------------------------------------------------------------

_SCALE_DTYPES = ("int32", "float32", "float64", "complex128")

register_sparse(
    SparseOpInfo(
        name="sparse_col_scale",
        build=lambda x, s: sp.col_scale(x, s),
        ref=lambda x, s: _spm((x.toarray() * s[None, :]).astype(x.dtype), x.format),
        samples=sparse_samples(dtypes=_SCALE_DTYPES, extra=_vector_extra(1)),
        errors=[
            ErrorSample(
                (_pat_a, np.ones(4)), ValueError, "entries but x has", at_build=False
            ),
            ErrorSample(
                (_pat_a, np.ones((3, 1))),
                TypeError,
                "must have 1 dimensions",
                name="matrix",
            ),
        ],
        differentiable=True,
        structured_grad=True,
        family="arithmetic",
    )
)

register_sparse(
    SparseOpInfo(
        name="sparse_row_scale",
        build=lambda x, s: sp.row_scale(x, s),
        ref=lambda x, s: _spm((x.toarray() * s[:, None]).astype(x.dtype), x.format),
        samples=sparse_samples(dtypes=_SCALE_DTYPES, extra=_vector_extra(0)),
        errors=[
            ErrorSample(
                (_pat_a, np.ones(3)), ValueError, "entries but x has", at_build=False
            )
        ],
        differentiable=True,
        structured_grad=True,
        family="arithmetic",
    )
)

register_sparse(
    SparseOpInfo(
        name="sparse_ColScaleCSC",
        build=lambda x, s: sp.ColScaleCSC()(x, s),
        ref=lambda x, s: _spm((x.toarray() * s[None, :]).astype(x.dtype), "csc"),
        samples=sparse_samples(formats=("csc",), extra=_vector_extra(1)),
        errors=[ErrorSample((_pat_a, np.ones(3)), ValueError, "must be a csc matrix")],
        differentiable=True,
        structured_grad=True,
        family="arithmetic",
    )
)

register_sparse(
    SparseOpInfo(
        name="sparse_RowScaleCSC",
        build=lambda x, s: sp.RowScaleCSC()(x, s),
        ref=lambda x, s: _spm((x.toarray() * s[:, None]).astype(x.dtype), x.format),
        samples=sparse_samples(extra=_vector_extra(0)),
        differentiable=True,
        structured_grad=True,
        family="arithmetic",
    )
)
