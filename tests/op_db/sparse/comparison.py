"""Sparse op-database entries: ``==``, ``!=``, ``<``, ``>``, ``<=``, ``>=`` with sparse operands.

Every comparison is checked sparse vs sparse (a sparse uint8 result), sparse
vs dense and dense vs sparse (dense uint8 results), against NumPy on the
dense matrices. Equal values are sampled too (integer data, and a matrix
compared with a copy of itself).
"""

from __future__ import annotations

import operator

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

REAL_DTYPES = tuple(d for d in ALL_DTYPES if not d.startswith("complex"))

# name, Python operator, sparse function, whether complex values are comparable
_COMPARISONS = [
    ("eq", operator.eq, sp.eq, True),
    ("neq", operator.ne, sp.neq, True),
    ("lt", operator.lt, sp.lt, False),
    ("gt", operator.gt, sp.gt, False),
    ("le", operator.le, sp.le, False),
    ("ge", operator.ge, sp.ge, False),
]


def _spm(dense, fmt):
    return (
        scipy.sparse.csr_matrix(dense)
        if fmt == "csr"
        else scipy.sparse.csc_matrix(dense)
    )


def _dense_like(rng, fmt, dtype, shape):
    return (_values(rng, shape[0] * shape[1], dtype).reshape(shape),)


def _with_equal(base, dense_second):
    """``base``'s samples plus a matrix compared with (a dense copy of) itself."""

    def samples(rng):
        out = list(base(rng))
        for fmt in ("csr", "csc"):
            x = random_sparse(rng, (4, 3), fmt, "float64")
            other = x.toarray() if dense_second else x.copy()
            out.append(Sample((x, other), name=f"{fmt}-self"))
        return out

    return samples


def _swap(samples_fn):
    def samples(rng):
        return [Sample(tuple(reversed(s.args)), name=s.name) for s in samples_fn(rng)]

    return samples


_rng0 = np.random.default_rng(11)
_a = random_sparse(_rng0, (4, 3), "csr", "float64")
_b = random_sparse(_rng0, (3, 4), "csr", "float64")

for _name, _op, _fn, _complex_ok in _COMPARISONS:
    _dtypes = ALL_DTYPES if _complex_ok else REAL_DTYPES
    _ss_errors = [
        ErrorSample((_a, _b), ValueError, "same shape", at_build=False, name="shape"),
        ErrorSample(
            (_a, _a.tocsc()), NotImplementedError, "same format", name="formats"
        ),
        ErrorSample(
            (_a.toarray(), _a.toarray()),
            TypeError,
            "at least one operand",
            name="dense",
        ),
    ]
    _sd_errors = [
        ErrorSample(
            (_a, _b.toarray()), ValueError, "same shape", at_build=False, name="shape"
        ),
        ErrorSample((_a, np.float64(0.5)), TypeError, "2 dimensions", name="scalar"),
    ]
    if not _complex_ok:
        _z = _a.astype("complex128")
        _ss_errors.append(ErrorSample((_z, _z), TypeError, "complex", name="complex"))
        _sd_errors.append(
            ErrorSample((_z, _z.toarray()), TypeError, "complex", name="complex")
        )

    register_sparse(
        SparseOpInfo(
            name=f"sparse_{_name}_s_s",
            build=lambda x, y, _f=_fn: _f(x, y),
            ref=lambda x, y, _o=_op: _spm(
                _o(x.toarray(), y.toarray()).astype("uint8"), x.format
            ),
            samples=_with_equal(sparse_samples(n_inputs=2, dtypes=_dtypes), False),
            errors=_ss_errors,
            family="comparison",
        )
    )
    register_sparse(
        SparseOpInfo(
            name=f"sparse_{_name}_s_d",
            build=lambda x, y, _f=_fn: _f(x, y),
            ref=lambda x, y, _o=_op: _o(x.toarray(), y).astype("uint8"),
            samples=_with_equal(
                sparse_samples(dtypes=_dtypes, extra=_dense_like), True
            ),
            errors=_sd_errors,
            family="comparison",
        )
    )
    register_sparse(
        SparseOpInfo(
            name=f"sparse_{_name}_d_s",
            build=lambda y, x, _f=_fn: _f(y, x),
            ref=lambda y, x, _o=_op: _o(y, x.toarray()).astype("uint8"),
            samples=_swap(_with_equal(sparse_samples(extra=_dense_like), True)),
            family="comparison",
        )
    )
