"""Sparse op-database entries: element-wise functions of the stored values.

References apply the NumPy function to the dense matrix (in the output
dtype Aesara's element-wise op gives: integers of up to 16 bits become
float32, wider ones float64, for the float-valued functions). For the
structured functions only the stored entries (explicit zeros included)
take the function's value; the others must agree with the dense function
everywhere. Sample values are mapped into each function's domain.
"""

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

REAL = tuple(d for d in ALL_DTYPES if not d.startswith("complex"))
SIGNED_REAL = tuple(d for d in REAL if not d.startswith("uint"))
FLOAT = ("float32", "float64")


def _spm(dense, fmt):
    return (
        scipy.sparse.csr_matrix(dense)
        if fmt == "csr"
        else scipy.sparse.csc_matrix(dense)
    )


def _to_float(dtype) -> np.dtype:
    """Aesara's ``upgrade_to_float``: the dtype a float-valued function returns."""
    dtype = np.dtype(dtype)
    if dtype.kind in "iu":
        return np.dtype("float32" if dtype.itemsize <= 2 else "float64")
    return dtype


def _with_int8_scalar(dtype) -> np.dtype:
    """The dtype of an op of ``dtype`` values and an int8 scalar (NumPy promotion)."""
    return np.result_type(np.dtype(dtype), np.int8)


def _stored_mask(x):
    ones = x.copy()
    ones.data = np.ones(len(x.data))
    return ones.toarray() != 0


def _unit(d):
    """Values in (-0.9, 0.9) (integers: -1, 0, 1 become 0, ...)."""
    if d.dtype.kind in "iu":
        return np.zeros_like(d)
    return np.tanh(d) * 0.9


def _positive(d):
    return np.abs(d) + (1 if d.dtype.kind in "iu" else 0.5)


def _small(d):
    if d.dtype.kind in "iu":
        return np.clip(d, -1 if d.dtype.kind == "i" else 0, 1)
    return np.tanh(d) * 0.9


def _mapped(samples_fn, domain):
    """The samples of ``samples_fn`` with the stored values mapped by ``domain``."""
    if domain is None:
        return samples_fn

    def samples(rng):
        out = []
        for s in samples_fn(rng):
            args = []
            for a in s.args:
                a = a.copy()
                a.data = np.asarray(domain(a.data)).astype(a.dtype)
                args.append(a)
            out.append(Sample(tuple(args), kwargs=s.kwargs, name=s.name))
        return out

    return samples


# Each (function, dtype) pair compiles a dense element-wise op; the dtype
# logic is the dense op's (tested with the dense ops), so most entries take
# a representative subset: both float-upgrade widths, unsigned, float, complex.
_REPRESENTATIVE = ("int8", "uint16", "int64", "float32", "float64", "complex128")
_FULL_DTYPES = {"structured_exp", "structured_pow", "sin", "square", "sgn", "floor"}


def _grad_samples(rng):
    """Two gradient checks per function (each compiles a gradient graph)."""
    return [
        Sample((random_sparse(rng, (4, 3), "csr", "float64"),), name="csr-float64"),
        Sample(
            (
                random_sparse(
                    rng, (4, 3), "csc", "float64", explicit_zeros=True, unsorted=True
                ),
            ),
            name="csc-explicit-zeros-unsorted",
        ),
    ]


def _register(
    name, fn, np_fn, dtypes, *, structured, out_dtype=_to_float, domain=None, grad=True
):
    if name not in _FULL_DTYPES:
        dtypes = tuple(d for d in dtypes if d in _REPRESENTATIVE) or dtypes

    def ref(x):
        dense = x.toarray().astype(out_dtype(x.dtype))
        with np.errstate(divide="ignore", invalid="ignore"):
            # Structured references evaluate f at absent entries too, then drop them.
            res = np_fn(dense)
        if structured:
            res = np.where(_stored_mask(x), res, 0)
        return _spm(np.asarray(res, dtype=out_dtype(x.dtype)), x.format)

    register_sparse(
        SparseOpInfo(
            name=f"sparse_{name}",
            build=fn,
            ref=ref,
            samples=_mapped(sparse_samples(dtypes=dtypes), domain),
            grad_samples=_mapped(_grad_samples, domain),
            errors=[
                ErrorSample((np.ones((2, 2)),), TypeError, "must be a sparse matrix")
            ],
            differentiable=grad,
            structured_grad=True,
            rtol=1e-5,
            atol=1e-6,
            family="elemwise",
        )
    )


def _same(dtype):
    return np.dtype(dtype)


def _sigmoid(d):
    return 1.0 / (1.0 + np.exp(-d))


_ALL_NUM = ALL_DTYPES
_NO_CPLX = REAL

# Structured functions: f(0) may be non-zero, only stored entries change.
_register(
    "structured_sigmoid", sp.structured_sigmoid, _sigmoid, _NO_CPLX, structured=True
)
_register(
    "structured_exp",
    sp.structured_exp,
    np.exp,
    _ALL_NUM,
    structured=True,
    domain=_small,
)
_register(
    "structured_log",
    sp.structured_log,
    np.log,
    _ALL_NUM,
    structured=True,
    domain=_positive,
)
_register(
    "structured_pow",
    lambda x: sp.structured_pow(x, 2),
    lambda d: np.power(d, 2),
    _ALL_NUM,
    structured=True,
    out_dtype=_with_int8_scalar,
)
_register(
    "structured_minimum",
    lambda x: sp.structured_minimum(x, 2),
    lambda d: np.minimum(d, 2),
    _NO_CPLX,
    structured=True,
    out_dtype=_with_int8_scalar,
)
_register(
    "structured_maximum",
    lambda x: sp.structured_maximum(x, 2),
    lambda d: np.maximum(d, 2),
    _NO_CPLX,
    structured=True,
    out_dtype=_with_int8_scalar,
)
_register(
    "structured_add",
    lambda x: sp.structured_add(x, 2),
    lambda d: d + 2,
    _ALL_NUM,
    structured=True,
    out_dtype=_with_int8_scalar,
)

# Zero-preserving functions: the same as the dense function everywhere.
_register("sin", sp.sin, np.sin, _ALL_NUM, structured=False)
_register("tan", sp.tan, np.tan, _ALL_NUM, structured=False, domain=_small)
_register("arcsin", sp.arcsin, np.arcsin, _ALL_NUM, structured=False, domain=_unit)
_register("arctan", sp.arctan, np.arctan, _ALL_NUM, structured=False)
_register("sinh", sp.sinh, np.sinh, _ALL_NUM, structured=False, domain=_small)
_register("arcsinh", sp.arcsinh, np.arcsinh, _ALL_NUM, structured=False)
_register("tanh", sp.tanh, np.tanh, _ALL_NUM, structured=False)
_register("arctanh", sp.arctanh, np.arctanh, _ALL_NUM, structured=False, domain=_unit)
_register("rint", sp.rint, np.rint, FLOAT, structured=False, grad=False)
_register(
    "sgn",
    sp.sgn,
    np.sign,
    SIGNED_REAL + ("uint8",),
    structured=False,
    out_dtype=_same,
    grad=False,
)
_register("ceil", sp.ceil, np.ceil, _NO_CPLX, structured=False, grad=False)
_register("floor", sp.floor, np.floor, _NO_CPLX, structured=False, grad=False)
_register("trunc", sp.trunc, np.trunc, _NO_CPLX, structured=False, grad=False)
_register("log1p", sp.log1p, np.log1p, _ALL_NUM, structured=False, domain=_positive)
_register("expm1", sp.expm1, np.expm1, _ALL_NUM, structured=False, domain=_small)
_register("deg2rad", sp.deg2rad, np.deg2rad, _NO_CPLX, structured=False)
_register("rad2deg", sp.rad2deg, np.rad2deg, _NO_CPLX, structured=False)
_register("square", sp.square, np.square, _ALL_NUM, structured=False, out_dtype=_same)
_register("sqrt", sp.sqrt, np.sqrt, _ALL_NUM, structured=False, domain=_positive)
_register(
    "conj", sp.conj, np.conj, _ALL_NUM, structured=False, out_dtype=_same, grad=False
)
_register(
    "_conj", sp._conj, np.conj, _ALL_NUM, structured=False, out_dtype=_same, grad=False
)
