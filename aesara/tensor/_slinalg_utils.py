"""Helpers shared by the :mod:`aesara.tensor.slinalg` modules: input checks,
the result-dtype rule and small graph builders for the gradients."""

from __future__ import annotations

import typing
from collections.abc import Sequence

import numpy as np

import aesara.scalar.basic as aes
from aesara.gradient import grad_not_implemented
from aesara.graph.basic import Apply, Variable
from aesara.graph.op import Op
from aesara.tensor.basic import as_tensor_variable


def _scipy_linalg() -> typing.Any:
    """:mod:`scipy.linalg`, imported on first use: it costs about 0.3 s, a
    large part of ``import aesara``, and only computing these ops needs it."""
    import scipy.linalg

    return scipy.linalg


def _lazy_scipy_attribute(module: str, name: str) -> typing.Any:
    """A module ``__getattr__``: ``scipy`` (with ``scipy.linalg`` loaded), the
    attribute the modules that imported ``scipy.linalg`` eagerly had."""
    if name == "scipy":
        import scipy.linalg

        return scipy
    raise AttributeError(f"module {module!r} has no attribute {name!r}")


def _shape_str(shape: Sequence[int | None]) -> str:
    inner = ", ".join("?" if s is None else str(s) for s in shape)
    return f"({inner}{',' if len(shape) == 1 else ''})"


def _result_dtype(*variables: Variable) -> str:
    """The float (or complex) dtype a linear-algebra result of these inputs has."""
    types = [aes.get_scalar_type(v.type.dtype) for v in variables]
    dtype = aes.upgrade_to_float(*types)[0].dtype
    # LAPACK has no half precision.
    return "float32" if dtype == "float16" else dtype


def _as_matrix(x: typing.Any, op_name: str, what: str) -> Variable:
    """``x`` as a 2-d tensor, with a clear error otherwise."""
    x = as_tensor_variable(x)
    if x.type.ndim != 2:
        raise TypeError(
            f"{op_name}: {what} must be a matrix (2-d tensor), got a tensor of "
            f"{x.type.ndim} dimensions ({x.type})"
        )
    return x


def _check_square(x: Variable, op_name: str, what: str) -> None:
    rows, cols = x.type.shape
    if rows is not None and cols is not None and rows != cols:
        raise ValueError(
            f"{op_name}: {what} must be a square matrix, got static shape "
            f"{_shape_str(x.type.shape)}"
        )


def _square_size(x: Variable) -> int | None:
    rows, cols = x.type.shape
    return rows if rows is not None else cols


def _check_same_size(
    x: Variable, y: Variable, op_name: str, what_x: str, what_y: str
) -> int | None:
    """Both square matrices of one size (as far as static shapes tell)."""
    nx, ny = _square_size(x), _square_size(y)
    if nx is not None and ny is not None and nx != ny:
        raise ValueError(
            f"{op_name}: {what_x} {_shape_str(x.type.shape)} and {what_y} "
            f"{_shape_str(y.type.shape)} must have the same size"
        )
    return nx if nx is not None else ny


def _check_runtime_square(op_name: str, what: str, value: np.ndarray) -> None:
    if value.ndim != 2 or value.shape[0] != value.shape[1]:
        raise ValueError(
            f"{op_name}: {what} must be a square matrix, got shape {value.shape}"
        )


def _is_discrete(v: Variable) -> bool:
    return v.type.dtype[:1] in "bui"


def _is_complex(v: Variable) -> bool:
    return v.type.dtype.startswith("complex")


def _input_grad(g: Variable, x: Variable) -> Variable:
    """``g`` as the gradient of input ``x`` (float zeros for a discrete ``x``)."""
    from aesara.configdefaults import config
    from aesara.tensor.basic import cast, zeros_like

    if _is_discrete(x):
        return zeros_like(x, dtype=config.floatX)
    if g.type.dtype != x.type.dtype:
        g = cast(g, x.type.dtype)
    return g


def _complex_grads_missing(op: Op, inputs: Sequence[Variable]) -> list | None:
    """Null gradients when an input is complex (only real gradients are written)."""
    if any(_is_complex(v) for v in inputs):
        return [
            grad_not_implemented(op, i, v, "gradients of complex inputs")
            for i, v in enumerate(inputs)
        ]
    return None


def _dot(x: Variable, y: Variable) -> Variable:
    from aesara.tensor.math import dot

    return dot(x, y)


def _outer_or_dot(x: Variable, y: Variable) -> Variable:
    """``x y^T`` for matrices, ``outer(x, y)`` for vectors."""
    from aesara.tensor.math import outer

    if x.type.ndim == 1:
        return outer(x, y)
    return _dot(x, y.T)


def _zeros_like(x: Variable) -> Variable:
    from aesara.tensor.basic import zeros_like

    return zeros_like(x)


def _tril(x: Variable, k: int = 0) -> Variable:
    from aesara.tensor.basic import tril

    return tril(x, k)


def _triu(x: Variable, k: int = 0) -> Variable:
    from aesara.tensor.basic import triu

    return triu(x, k)


def _fold(g: Variable, lower: bool) -> Variable:
    """Pull back a gradient through the symmetric matrix read from one triangle.

    A routine reading the lower triangle of ``A`` works on
    ``tril(A) + tril(A, -1).T``; given a gradient ``g`` with respect to that
    symmetric matrix, the gradient with respect to ``A`` is
    ``tril(g) + triu(g, 1).T`` (and the mirror image for the upper triangle).
    """
    if lower:
        return _tril(g) + _triu(g, 1).T
    return _triu(g) + _tril(g, -1).T


def _symmetric_from(a: Variable, lower: bool) -> Variable:
    """The symmetric matrix a one-triangle routine sees (linear in ``a``)."""
    if lower:
        return _tril(a) + _tril(a, -1).T
    return _triu(a) + _triu(a, 1).T


def _half_diagonal_lower(x: Variable) -> Variable:
    """The strictly lower triangle of ``x`` plus half its diagonal."""
    from aesara.tensor.basic import identity_like

    return _tril(x, -1) + 0.5 * (x * identity_like(x))


def _cast_out(value: np.ndarray, node: Apply, k: int = 0) -> np.ndarray:
    return np.asarray(value, dtype=node.outputs[k].type.dtype)
