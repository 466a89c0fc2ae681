"""BLAS operations: matrix products with scaling and accumulation.

The rewrites of :mod:`aesara.tensor.rewriting.blas` turn ``dot`` and the
element-wise arithmetic around it into these ops; they can also be used
directly.

=================  =========================================  ==============
op                 computes                                   inputs
=================  =========================================  ==============
:class:`Gemm`      ``b * z + a * (x @ y)``                    z, a, x, y, b
:class:`Gemv`      ``b * y + a * (A @ x)``                    y, a, A, x, b
:class:`Ger`       ``A + a * outer(x, y)``                    A, a, x, y
:class:`Dot22`     ``x @ y`` (two matrices)                   x, y
:class:`Dot22Scalar` ``a * (x @ y)``                          x, y, a
=================  =========================================  ==============

``z``/``y``/``A`` and the matrices/vectors share one dtype; the scalars
``a``, ``b`` are 0-d tensors of that dtype (Python numbers are converted).
The in-place versions (``gemm_inplace``, ``gemv_inplace``,
``ger_destructive``) overwrite their first input. As in BLAS, a zero
``b`` multiplies the accumulated input like NumPy would (``0 * nan`` is
``nan``), unlike raw BLAS, which ignores it.

``perform`` calls ``scipy.linalg.blas`` (``?gemm``, ``?gemv``, ``?ger``) for
float32/float64/complex64/complex128 data and NumPy otherwise.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from aesara.graph.basic import Apply, Variable
from aesara.graph.op import Op
from aesara.tensor._products import (  # noqa: F401 - Aesara 2.9 exposes them here
    BatchedDot,
    batched_dot,
    batched_tensordot,
)
from aesara.tensor.basic import as_tensor_variable
from aesara.tensor.type import TensorType

__all__ = [
    "Dot22",
    "Dot22Scalar",
    "Gemm",
    "Gemv",
    "Ger",
    "_dot22",
    "_dot22scalar",
    "gemm",
    "gemm_inplace",
    "gemm_no_inplace",
    "gemv",
    "gemv_inplace",
    "gemv_no_inplace",
    "ger",
    "ger_destructive",
]

BLAS_DTYPES = ("float32", "float64", "complex64", "complex128")
"""Dtypes computed by ``scipy.linalg.blas``; others fall back to NumPy."""


# ---------------------------------------------------------------------------
# Input checking
# ---------------------------------------------------------------------------


def _as_operand(op: str, name: str, v: Any, ndim: int, dtype: str | None) -> Variable:
    """Convert ``v`` to a tensor of rank ``ndim`` (and ``dtype`` if given)."""
    if not isinstance(v, Variable) and dtype is not None:
        v = np.asarray(v, dtype=dtype)
    v = as_tensor_variable(v)
    if v.type.ndim != ndim:
        what = {0: "a scalar (0-d tensor)", 1: "a vector", 2: "a matrix"}[ndim]
        raise TypeError(
            f"{op}: input {name!r} must be {what}, got a tensor of {v.type.ndim} "
            f"dimensions ({v.type})"
        )
    if dtype is not None and v.type.dtype != dtype:
        raise TypeError(
            f"{op}: input {name!r} has dtype {v.type.dtype}, expected {dtype} "
            "(the dtype of the other operands; cast it first)"
        )
    if v.type.dtype not in np.sctypeDict or np.dtype(v.type.dtype).kind not in "iufc":
        raise TypeError(
            f"{op}: input {name!r} must have a numeric dtype, got {v.type.dtype}"
        )
    return v


def _merge_dim(op: str, what: str, a: int | None, b: int | None) -> int | None:
    if a is not None and b is not None and a != b:
        raise ValueError(f"{op}: {what} have static lengths {a} and {b}, which differ")
    return a if a is not None else b


def _accumulated_shape(op: str, acc: Variable, prod_shape: tuple) -> tuple:
    """Static shape of ``b * acc + product``: ``acc`` may broadcast (length 1)."""
    shape = []
    for d, (s, p) in enumerate(zip(acc.type.shape, prod_shape)):
        if s == 1:
            shape.append(p if p is not None else None)
        elif s is not None and p is not None and s != p:
            raise ValueError(
                f"{op}: the accumulated input has static length {s} on axis {d} but "
                f"the product has length {p}"
            )
        else:
            shape.append(s if s is not None else p)
    return tuple(shape)


def _check_inner(op: str, lhs_shape, rhs_shape, what: str) -> None:
    if lhs_shape[-1] != rhs_shape[0]:
        raise ValueError(
            f"{op}: {what} shapes {tuple(lhs_shape)} and {tuple(rhs_shape)} are not "
            f"aligned ({lhs_shape[-1]} != {rhs_shape[0]})"
        )


def _scalar(v: np.ndarray) -> Any:
    return v.item() if isinstance(v, np.ndarray) else v


def _overlaps(acc: np.ndarray, *operands: np.ndarray) -> bool:
    """Whether the accumulator may share memory with an operand.

    BLAS reads the operands while it writes the accumulator: with
    ``overwrite`` on, an operand aliasing it (two function inputs given the
    same array, one of them mutable) would be read after being overwritten.
    The graph never builds such a node (the destroy handler rejects it), so
    this only guards aliasing that appears at run time; then the result gets
    new storage, as the C thunks do.
    """
    return any(np.may_share_memory(acc, op) for op in operands)


def _blas_func(name: str, *arrays: np.ndarray):
    """The scipy BLAS routine ``name`` for the arrays' dtype, or ``None``."""
    dt = arrays[0].dtype
    if dt.name not in BLAS_DTYPES or any(a.dtype != dt for a in arrays):
        return None
    if any(a.size == 0 for a in arrays):
        return None
    if name == "ger" and dt.kind == "c":
        name = "geru"
    # Imported here: scipy.linalg costs about 0.3 s, a large part of ``import aesara``.
    from scipy.linalg import blas

    return blas.get_blas_funcs(name, dtype=dt)


# ---------------------------------------------------------------------------
# Kernels
# ---------------------------------------------------------------------------


def _gemm_kernel(alpha, x, y, beta, z, overwrite: bool, out_shape, dtype):
    """``beta * z + alpha * x @ y`` (``z`` may be ``None``: ``beta`` is 0)."""
    if z is not None and z.shape != out_shape:
        # ``z`` broadcasts: the result needs new storage.
        z = np.broadcast_to(z, out_shape)
        overwrite = False
    if z is not None and beta == 0 and not np.isfinite(z).all():
        # 0 * nan is nan: keep the meaning of ``b * z`` that BLAS drops.
        prod = _gemm_kernel(alpha, x, y, 0.0, None, False, out_shape, dtype)
        return np.asarray(prod + beta * z, dtype=dtype)
    use_z = z is not None and beta != 0
    fn = _blas_func("gemm", x, y, *([z] if use_z else []))
    if fn is not None:
        overwrite = bool(overwrite and use_z and z.flags.writeable)
        if use_z and z.flags.f_contiguous and not z.flags.c_contiguous:
            return fn(alpha, x, y, beta=beta, c=z, overwrite_c=overwrite)
        # Row-major data: compute the transpose, (x @ y).T = y.T @ x.T, so
        # that BLAS works on the arrays' memory without copies.
        if use_z:
            r = fn(alpha, y.T, x.T, beta=beta, c=z.T, overwrite_c=overwrite)
        else:
            r = fn(alpha, y.T, x.T)
        return r.T
    prod = np.dot(x, y)
    if alpha != 1:
        prod = prod * alpha
    if not use_z:
        return np.asarray(prod, dtype=dtype)
    if overwrite and z.flags.writeable and z.dtype == dtype:
        if beta != 1:
            z *= beta
        z += prod
        return z
    return np.asarray(beta * z + prod, dtype=dtype)


class Gemm(Op):
    """``b * z + a * (x @ y)`` on matrices (BLAS ``?gemm``).

    Parameters
    ----------
    inplace
        Whether the result overwrites ``z``.

    Notes
    -----
    ``z`` may broadcast against ``x @ y`` along axes of length 1 (the result
    then gets new storage even in place).
    """

    __props__ = ("inplace",)

    def __init__(self, inplace: bool = False):
        self.inplace = bool(inplace)
        if self.inplace:
            self.destroy_map = {0: [0]}

    def __str__(self):
        return "gemm_inplace" if self.inplace else "gemm_no_inplace"

    def make_node(self, z: Any, a: Any, x: Any, y: Any, b: Any) -> Apply:
        z = _as_operand("Gemm", "z", z, 2, None)
        dt = z.type.dtype
        x = _as_operand("Gemm", "x", x, 2, dt)
        y = _as_operand("Gemm", "y", y, 2, dt)
        a = _as_operand("Gemm", "a", a, 0, dt)
        b = _as_operand("Gemm", "b", b, 0, dt)
        _merge_dim(
            "Gemm",
            "the columns of x and the rows of y",
            x.type.shape[1],
            y.type.shape[0],
        )
        shape = _accumulated_shape("Gemm", z, (x.type.shape[0], y.type.shape[1]))
        if self.inplace and shape != z.type.shape:
            raise TypeError(
                f"gemm_inplace: z of static shape {z.type.shape} cannot hold the "
                f"result of static shape {shape}"
            )
        return Apply(self, [z, a, x, y, b], [TensorType(dt, shape=shape)()])

    def perform(self, node, inputs, output_storage, params=None):
        z, a, x, y, b = inputs
        _check_inner("Gemm", x.shape, y.shape, "x and y")
        out_shape = (x.shape[0], y.shape[1])
        try:
            ok = np.broadcast_shapes(z.shape, out_shape) == out_shape
        except ValueError:
            ok = False
        if not ok:
            raise ValueError(
                f"Gemm: z of shape {z.shape} does not match x @ y of shape {out_shape}"
            )
        dtype = node.outputs[0].type.dtype
        overwrite = self.inplace and not _overlaps(z, x, y)
        r = _gemm_kernel(_scalar(a), x, y, _scalar(b), z, overwrite, out_shape, dtype)
        output_storage[0][0] = np.asarray(r, dtype=dtype)

    def infer_shape(self, fgraph, node, input_shapes):
        return [(input_shapes[2][0], input_shapes[3][1])]

    def L_op(self, inputs, outputs, output_grads):
        from aesara.tensor import math as tm

        z, a, x, y, b = inputs
        (g,) = output_grads
        gz = _sum_to(g * b, z)
        ga = tm.sum(g * tm.dot(x, y))
        gx = tm.dot(g, y.T) * a
        gy = tm.dot(x.T, g) * a
        gb = tm.sum(g * z)
        return [gz, ga.astype(a.dtype), gx, gy, gb.astype(b.dtype)]


def _sum_to(g: Variable, like: Variable) -> Variable:
    """Sum ``g`` over the axes where ``like`` broadcasts (static length 1)."""
    axes = [d for d, s in enumerate(like.type.shape) if s == 1]
    if axes:
        g = g.sum(axis=axes, keepdims=True)
    return g.astype(like.type.dtype)


gemm_no_inplace = Gemm(inplace=False)
gemm_inplace = Gemm(inplace=True)
gemm = gemm_no_inplace


class Gemv(Op):
    """``b * y + a * (A @ x)`` for a matrix ``A`` and vectors (BLAS ``?gemv``).

    Parameters
    ----------
    inplace
        Whether the result overwrites ``y``.
    """

    __props__ = ("inplace",)

    def __init__(self, inplace: bool = False):
        self.inplace = bool(inplace)
        if self.inplace:
            self.destroy_map = {0: [0]}

    def __str__(self):
        return "Gemv{inplace}" if self.inplace else "Gemv{no_inplace}"

    def make_node(self, y: Any, a: Any, A: Any, x: Any, b: Any) -> Apply:
        y = _as_operand("Gemv", "y", y, 1, None)
        dt = y.type.dtype
        A = _as_operand("Gemv", "A", A, 2, dt)
        x = _as_operand("Gemv", "x", x, 1, dt)
        a = _as_operand("Gemv", "a", a, 0, dt)
        b = _as_operand("Gemv", "b", b, 0, dt)
        _merge_dim(
            "Gemv",
            "the columns of A and the length of x",
            A.type.shape[1],
            x.type.shape[0],
        )
        shape = _accumulated_shape("Gemv", y, (A.type.shape[0],))
        if self.inplace and shape != y.type.shape:
            raise TypeError(
                f"gemv_inplace: y of static shape {y.type.shape} cannot hold the "
                f"result of static shape {shape}"
            )
        return Apply(self, [y, a, A, x, b], [TensorType(dt, shape=shape)()])

    def perform(self, node, inputs, output_storage, params=None):
        y, a, A, x, b = inputs
        _check_inner("Gemv", A.shape, x.shape, "A and x")
        n = A.shape[0]
        if y.shape not in ((n,), (1,)):
            raise ValueError(
                f"Gemv: y of shape {y.shape} does not match A @ x of shape ({n},)"
            )
        dtype = node.outputs[0].type.dtype
        alpha, beta = _scalar(a), _scalar(b)
        overwrite = self.inplace and not _overlaps(y, A, x)
        if y.shape != (n,):
            y = np.broadcast_to(y, (n,))
            overwrite = False
        if beta == 0 and not np.isfinite(y).all():
            # 0 * nan is nan: keep the meaning of ``b * y`` that BLAS drops.
            overwrite = False
            y = np.asarray(beta * y, dtype=dtype)
            beta = 1
        fn = _blas_func("gemv", A, x, y)
        if fn is not None:
            overwrite = bool(overwrite and y.flags.writeable)
            if A.flags.c_contiguous:
                r = fn(alpha, A.T, x, beta=beta, y=y, trans=1, overwrite_y=overwrite)
            else:
                r = fn(alpha, A, x, beta=beta, y=y, overwrite_y=overwrite)
        else:
            prod = np.dot(A, x) * alpha
            r = prod if beta == 0 else beta * y + prod
        output_storage[0][0] = np.asarray(r, dtype=dtype)

    def infer_shape(self, fgraph, node, input_shapes):
        return [(input_shapes[2][0],)]

    def L_op(self, inputs, outputs, output_grads):
        from aesara.tensor import math as tm

        y, a, A, x, b = inputs
        (g,) = output_grads
        gy = _sum_to(g * b, y)
        ga = tm.sum(g * tm.dot(A, x))
        gA = tm.outer(g, x) * a
        gx = tm.dot(A.T, g) * a
        gb = tm.sum(g * y)
        return [gy, ga.astype(a.dtype), gA, gx, gb.astype(b.dtype)]


gemv_no_inplace = Gemv(inplace=False)
gemv_inplace = Gemv(inplace=True)
gemv = gemv_no_inplace


class Ger(Op):
    """``A + a * outer(x, y)`` (BLAS ``?ger``; ``?geru`` for complex data).

    Parameters
    ----------
    destructive
        Whether the result overwrites ``A``.
    """

    __props__ = ("destructive",)

    def __init__(self, destructive: bool = False):
        self.destructive = bool(destructive)
        if self.destructive:
            self.destroy_map = {0: [0]}

    def __str__(self):
        return "Ger{destructive}" if self.destructive else "Ger{non-destructive}"

    def make_node(self, A: Any, a: Any, x: Any, y: Any) -> Apply:
        A = _as_operand("Ger", "A", A, 2, None)
        dt = A.type.dtype
        a = _as_operand("Ger", "a", a, 0, dt)
        x = _as_operand("Ger", "x", x, 1, dt)
        y = _as_operand("Ger", "y", y, 1, dt)
        shape = _accumulated_shape("Ger", A, (x.type.shape[0], y.type.shape[0]))
        if self.destructive and shape != A.type.shape:
            raise TypeError(
                f"ger_destructive: A of static shape {A.type.shape} cannot hold the "
                f"result of static shape {shape}"
            )
        return Apply(self, [A, a, x, y], [TensorType(dt, shape=shape)()])

    def perform(self, node, inputs, output_storage, params=None):
        A, a, x, y = inputs
        out_shape = (x.shape[0], y.shape[0])
        try:
            ok = np.broadcast_shapes(A.shape, out_shape) == out_shape
        except ValueError:
            ok = False
        if not ok:
            raise ValueError(
                f"Ger: A of shape {A.shape} does not match outer(x, y) of shape "
                f"{out_shape}"
            )
        dtype = node.outputs[0].type.dtype
        alpha = _scalar(a)
        overwrite = self.destructive and not _overlaps(A, x, y)
        if A.shape != out_shape:
            A = np.broadcast_to(A, out_shape)
            overwrite = False
        fn = _blas_func("ger", A, x, y)
        if fn is not None:
            overwrite = bool(overwrite and A.flags.writeable)
            if A.flags.c_contiguous:
                r = fn(alpha, y, x, a=A.T, overwrite_a=overwrite).T
            else:
                r = fn(alpha, x, y, a=A, overwrite_a=overwrite)
        else:
            r = A + alpha * np.outer(x, y)
        output_storage[0][0] = np.asarray(r, dtype=dtype)

    def infer_shape(self, fgraph, node, input_shapes):
        return [(input_shapes[2][0], input_shapes[3][0])]

    def L_op(self, inputs, outputs, output_grads):
        from aesara.tensor import math as tm

        A, a, x, y = inputs
        (g,) = output_grads
        gA = _sum_to(g, A)
        ga = tm.sum(g * tm.outer(x, y))
        gx = tm.dot(g, y) * a
        gy = tm.dot(g.T, x) * a
        return [gA, ga.astype(a.dtype), gx, gy]


ger = Ger(destructive=False)
ger_destructive = Ger(destructive=True)


class Dot22(Op):
    """``x @ y`` for two matrices of one dtype (BLAS ``?gemm``)."""

    __props__ = ()

    def make_node(self, x: Any, y: Any) -> Apply:
        x = _as_operand("Dot22", "x", x, 2, None)
        y = _as_operand("Dot22", "y", y, 2, x.type.dtype)
        _merge_dim(
            "Dot22",
            "the columns of x and the rows of y",
            x.type.shape[1],
            y.type.shape[0],
        )
        shape = (x.type.shape[0], y.type.shape[1])
        return Apply(self, [x, y], [TensorType(x.type.dtype, shape=shape)()])

    def perform(self, node, inputs, output_storage, params=None):
        x, y = inputs
        _check_inner("Dot22", x.shape, y.shape, "x and y")
        dtype = node.outputs[0].type.dtype
        out_shape = (x.shape[0], y.shape[1])
        r = _gemm_kernel(1.0, x, y, 0.0, None, False, out_shape, dtype)
        output_storage[0][0] = np.asarray(r, dtype=dtype)

    def infer_shape(self, fgraph, node, input_shapes):
        return [(input_shapes[0][0], input_shapes[1][1])]

    def L_op(self, inputs, outputs, output_grads):
        x, y = inputs
        (g,) = output_grads
        return [_dot22(g, y.T), _dot22(x.T, g)]

    def __str__(self):
        return "Dot22"


_dot22 = Dot22()


class Dot22Scalar(Op):
    """``a * (x @ y)`` for two matrices and a 0-d scale of one dtype."""

    __props__ = ()

    def make_node(self, x: Any, y: Any, a: Any) -> Apply:
        x = _as_operand("Dot22Scalar", "x", x, 2, None)
        dt = x.type.dtype
        y = _as_operand("Dot22Scalar", "y", y, 2, dt)
        a = _as_operand("Dot22Scalar", "a", a, 0, dt)
        _merge_dim(
            "Dot22Scalar",
            "the columns of x and the rows of y",
            x.type.shape[1],
            y.type.shape[0],
        )
        shape = (x.type.shape[0], y.type.shape[1])
        return Apply(self, [x, y, a], [TensorType(dt, shape=shape)()])

    def perform(self, node, inputs, output_storage, params=None):
        x, y, a = inputs
        _check_inner("Dot22Scalar", x.shape, y.shape, "x and y")
        dtype = node.outputs[0].type.dtype
        out_shape = (x.shape[0], y.shape[1])
        r = _gemm_kernel(_scalar(a), x, y, 0.0, None, False, out_shape, dtype)
        output_storage[0][0] = np.asarray(r, dtype=dtype)

    def infer_shape(self, fgraph, node, input_shapes):
        return [(input_shapes[0][0], input_shapes[1][1])]

    def L_op(self, inputs, outputs, output_grads):
        from aesara.tensor import math as tm

        x, y, a = inputs
        (g,) = output_grads
        ga = tm.sum(g * _dot22(x, y))
        return [_dot22scalar(g, y.T, a), _dot22scalar(x.T, g, a), ga.astype(a.dtype)]

    def __str__(self):
        return "Dot22Scalar"


_dot22scalar = Dot22Scalar()
