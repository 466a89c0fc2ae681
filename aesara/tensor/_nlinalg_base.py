"""Shared helpers of the NumPy-style linear algebra ops (:mod:`aesara.tensor.nlinalg`).

Input checking (rank, squareness, dtype promotion), conjugate transposes and
the small symbolic building blocks that several gradients reuse.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from aesara.graph.basic import Variable
from aesara.tensor.basic import as_tensor_variable, cast
from aesara.tensor.type import TensorType


def linalg_dtype(dtype: str) -> str:
    """The dtype NumPy's ``linalg`` computes in for inputs of ``dtype``.

    Integers and booleans become ``float64`` (as ``numpy.linalg`` does);
    ``float16``, which LAPACK does not handle, becomes ``float32``.
    """
    kind = np.dtype(dtype).kind
    if kind in "biu":
        return "float64"
    if dtype == "float16":
        return "float32"
    return dtype


def real_dtype(dtype: str) -> str:
    """The real dtype matching ``dtype`` (``complex128`` -> ``float64``)."""
    return {"complex64": "float32", "complex128": "float64"}.get(dtype, dtype)


def complex_dtype(dtype: str) -> str:
    """The complex dtype matching a floating ``dtype``."""
    return {"float32": "complex64", "float64": "complex128"}.get(dtype, dtype)


def is_complex(v: Variable) -> bool:
    return v.type.dtype.startswith("complex")


def as_linalg_input(
    x: Any, what: str, ndim: int | tuple[int, ...] = 2, square: bool = False
) -> Variable:
    """``x`` as a tensor of rank ``ndim``, cast to the dtype linalg computes in.

    Raises ``TypeError`` for a wrong rank and ``ValueError`` when ``square`` is
    requested and the static shape says the matrix is not square.
    """
    x = as_tensor_variable(x)
    allowed = (ndim,) if isinstance(ndim, int) else ndim
    if x.type.ndim not in allowed:
        expected = " or ".join(f"{d}-d" for d in allowed)
        raise TypeError(
            f"{what}: expected a {expected} tensor, got a {x.type.ndim}-d tensor "
            f"({x.type})"
        )
    if square:
        r, c = x.type.shape[-2:]
        if r is not None and c is not None and r != c:
            raise ValueError(
                f"{what}: expected a square matrix, got static shape {x.type.shape}"
            )
    dtype = linalg_dtype(x.type.dtype)
    if dtype != x.type.dtype:
        x = cast(x, dtype)
    return x


def square_size(x: Variable) -> int | None:
    """The static size of a square matrix ``x`` (either dimension), or ``None``."""
    r, c = x.type.shape[-2:]
    return r if r is not None else c


def matrix_type(dtype: str, shape: tuple) -> TensorType:
    return TensorType(dtype, shape=shape)


def H(x: Variable) -> Variable:
    """Conjugate transpose of a matrix (plain transpose for real ``x``)."""
    if is_complex(x):
        from aesara.tensor.math import conj

        return conj(x).T
    return x.T


def conj(x: Variable) -> Variable:
    if is_complex(x):
        from aesara.tensor.math import conj as _conj

        return _conj(x)
    return x


def grad_as(g: Variable, x: Variable) -> Variable:
    """``g`` as the gradient of ``x``: its real part for real ``x``, ``x``'s dtype."""
    if is_complex(g) and not is_complex(x):
        from aesara.tensor.math import real

        g = real(g)
    if g.type.dtype != x.type.dtype:
        g = cast(g, x.type.dtype)
    return g


def is_zero(g: Any) -> bool:
    """Whether ``g`` is provably zero (e.g. the zeros the gradient machinery
    passes for outputs a cost does not use)."""
    from aesara.tensor.basic import get_scalar_constant_value
    from aesara.tensor.exceptions import NotScalarConstantError

    if g is None:
        return True
    try:
        return bool(get_scalar_constant_value(g) == 0)
    except (NotScalarConstantError, TypeError, ValueError):
        return False


def off_diagonal_reciprocal_gaps(w: Variable, squared: bool = False) -> Variable:
    """``F[i, j] = 1 / (w[j] - w[i])`` off the diagonal and 0 on it (symbolic).

    With ``squared`` the gaps are ``w[j]**2 - w[i]**2`` (singular values).
    """
    from aesara.tensor.basic import eye, switch
    from aesara.tensor.shape import shape_i

    if squared:
        w = w * w
    gaps = w.dimshuffle("x", 0) - w.dimshuffle(0, "x")
    n = shape_i(w, 0)
    on_diag = eye(n, n, 0, dtype="bool")
    # Add one on the diagonal before dividing so that no 1/0 is ever formed
    # (its gradient would be NaN even though switch discards it).
    safe = switch(on_diag, gaps + 1, gaps)
    return switch(on_diag, 0, 1 / safe)


def numpy_reciprocal_gaps(w: np.ndarray, squared: bool = False) -> np.ndarray:
    """NumPy twin of :func:`off_diagonal_reciprocal_gaps`."""
    if squared:
        w = w * w
    gaps = w[None, :] - w[:, None]
    np.fill_diagonal(gaps, 1)
    out = 1 / gaps
    np.fill_diagonal(out, 0)
    return out


def triangle_read_grad(g: Variable, lower: bool) -> Variable:
    """Map a gradient ``g`` w.r.t. a symmetric matrix to the input that only its
    lower (or upper) triangle was read from: off-diagonal entries collect both
    halves, the unread triangle gets zero."""
    from aesara.tensor.basic import diag, diagonal, tril, triu

    both = g + g.T
    tri_part = tril(both) if lower else triu(both)
    return tri_part - diag(diagonal(g))


def numpy_triangle_read_grad(g: np.ndarray, lower: bool) -> np.ndarray:
    both = g + g.T
    out = np.tril(both) if lower else np.triu(both)
    return out - np.diag(np.diag(g))
