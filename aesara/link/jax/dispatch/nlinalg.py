"""JAX translations of products, the BLAS ops and ``numpy.linalg`` ops."""

from __future__ import annotations

from aesara.link.jax.dispatch.basic import jax_funcify, jax_static_inputs
from aesara.tensor._nlinalg_decomp import SVD, Eig, Eigh, QRFull
from aesara.tensor._products import BatchedDot, Contraction, Dot, MatMul
from aesara.tensor.blas import Dot22, Dot22Scalar, Gemm, Gemv, Ger
from aesara.tensor.nlinalg import (
    Det,
    Lstsq,
    MatrixInverse,
    MatrixPinv,
    SLogDet,
    TensorInv,
    TensorSolve,
)


def _jnp():
    import jax.numpy as jnp

    return jnp


def _out_dtype(node, k=0):
    return node.outputs[k].type.dtype


def _cast_to(dtype):
    def cast(x):
        return x if x.dtype == dtype else x.astype(dtype)

    return cast


def _product(fn, node):
    """``fn(a, b)`` computed in the node's output dtype (not JAX's promotion)."""
    cast = _cast_to(_out_dtype(node))

    def product(a, b):
        return fn(cast(a), cast(b))

    return product


def _is_matrix_transpose(var) -> bool:
    from aesara.tensor.elemwise import DimShuffle

    owner = var.owner
    return (
        owner is not None
        and isinstance(owner.op, DimShuffle)
        and tuple(owner.op.new_order) == (1, 0)
    )


@jax_funcify.register(Dot)
def jax_funcify_Dot(op, node=None, **kwargs):
    import jax

    jnp = _jnp()
    x_var, y_var = node.inputs
    if x_var.type.ndim == 2 and y_var.type.ndim in (1, 2):
        x_t = _is_matrix_transpose(x_var)
        y_t = y_var.type.ndim == 2 and _is_matrix_transpose(y_var)
        if x_t or y_t:
            # ``X.T @ y``: contract X's first axis directly. The transpose
            # undone here cancels the one that made the input, so XLA never
            # copies X into transposed order.
            def dot_transposed(x, y):
                lhs = jnp.transpose(x) if x_t else x
                rhs = jnp.transpose(y) if y_t else y
                dims = (((0 if x_t else 1,), (1 if y_t else 0,)), ((), ()))
                return jax.lax.dot_general(lhs, rhs, dims)

            return _product(dot_transposed, node)
    return _product(jnp.dot, node)


@jax_funcify.register(MatMul)
def jax_funcify_MatMul(op, node=None, **kwargs):
    return _product(_jnp().matmul, node)


@jax_funcify.register(Contraction)
def jax_funcify_Contraction(op, node=None, **kwargs):
    jnp = _jnp()
    subscripts = op.subscripts

    def contraction(a, b):
        return jnp.einsum(subscripts, a, b)

    return _product(contraction, node)


@jax_funcify.register(BatchedDot)
def jax_funcify_BatchedDot(op, node=None, **kwargs):
    jnp = _jnp()
    cast = _cast_to(_out_dtype(node))

    def batched_dot(a, b):
        a3 = a[:, None, :] if a.ndim == 2 else a
        b3 = b[:, :, None] if b.ndim == 2 else b
        r = jnp.matmul(a3, b3)
        if b.ndim == 2:
            r = r[..., 0]
        if a.ndim == 2:
            r = r[:, 0] if b.ndim == 2 else r[:, 0, :]
        return cast(r)

    return batched_dot


@jax_funcify.register(Gemm)
def jax_funcify_Gemm(op, node=None, **kwargs):
    jnp = _jnp()
    cast = _cast_to(_out_dtype(node))

    def gemm(z, a, x, y, b):
        return cast(b * z + a * jnp.dot(x, y))

    return gemm


@jax_funcify.register(Gemv)
def jax_funcify_Gemv(op, node=None, **kwargs):
    jnp = _jnp()
    cast = _cast_to(_out_dtype(node))

    def gemv(y, a, A, x, b):
        return cast(b * y + a * jnp.dot(A, x))

    return gemv


@jax_funcify.register(Ger)
def jax_funcify_Ger(op, node=None, **kwargs):
    jnp = _jnp()
    cast = _cast_to(_out_dtype(node))

    def ger(A, a, x, y):
        return cast(A + a * jnp.outer(x, y))

    return ger


@jax_funcify.register(Dot22)
def jax_funcify_Dot22(op, node=None, **kwargs):
    return _product(_jnp().dot, node)


@jax_funcify.register(Dot22Scalar)
def jax_funcify_Dot22Scalar(op, node=None, **kwargs):
    jnp = _jnp()
    cast = _cast_to(_out_dtype(node))

    def dot22scalar(x, y, a):
        return cast(a * jnp.dot(x, y))

    return dot22scalar


@jax_funcify.register(MatrixInverse)
def jax_funcify_MatrixInverse(op, node=None, **kwargs):
    jnp = _jnp()
    cast = _cast_to(_out_dtype(node))

    def matrix_inverse(x):
        return cast(jnp.linalg.inv(x))

    return matrix_inverse


@jax_funcify.register(MatrixPinv)
def jax_funcify_MatrixPinv(op, node=None, **kwargs):
    jnp = _jnp()
    cast = _cast_to(_out_dtype(node))
    hermitian = op.hermitian

    def matrix_pinv(x):
        return cast(jnp.linalg.pinv(x, hermitian=hermitian))

    return matrix_pinv


@jax_funcify.register(Det)
def jax_funcify_Det(op, node=None, **kwargs):
    jnp = _jnp()
    cast = _cast_to(_out_dtype(node))

    def det(x):
        return cast(jnp.linalg.det(x))

    return det


@jax_funcify.register(SLogDet)
def jax_funcify_SLogDet(op, node=None, **kwargs):
    jnp = _jnp()
    c0, c1 = _cast_to(_out_dtype(node, 0)), _cast_to(_out_dtype(node, 1))

    def slogdet(x):
        sign, logabs = jnp.linalg.slogdet(x)
        return c0(sign), c1(logabs)

    return slogdet


@jax_static_inputs.register(Lstsq)
def _lstsq_static(op, node):
    return (2,)


@jax_funcify.register(Lstsq)
def jax_funcify_Lstsq(op, node=None, **kwargs):
    jnp = _jnp()
    casts = [_cast_to(o.type.dtype) for o in node.outputs]

    def lstsq(a, b, rcond):
        res = jnp.linalg.lstsq(a, b, rcond=float(rcond))
        return tuple(c(jnp.asarray(v)) for c, v in zip(casts, res))

    return lstsq


@jax_funcify.register(Eig)
def jax_funcify_Eig(op, node=None, **kwargs):
    jnp = _jnp()
    c0, c1 = _cast_to(_out_dtype(node, 0)), _cast_to(_out_dtype(node, 1))

    def eig(x):
        w, v = jnp.linalg.eig(x)
        return c0(w), c1(v)

    return eig


@jax_funcify.register(Eigh)
def jax_funcify_Eigh(op, node=None, **kwargs):
    jnp = _jnp()
    c0, c1 = _cast_to(_out_dtype(node, 0)), _cast_to(_out_dtype(node, 1))
    uplo = op.UPLO

    def eigh(x):
        w, v = jnp.linalg.eigh(x, UPLO=uplo)
        return c0(w), c1(v)

    return eigh


@jax_funcify.register(QRFull)
def jax_funcify_QRFull(op, node=None, **kwargs):
    jnp = _jnp()
    casts = [_cast_to(o.type.dtype) for o in node.outputs]
    mode = op.mode

    def qr_full(x):
        res = jnp.linalg.qr(x, mode=mode)
        res = [res] if mode == "r" else list(res)
        out = tuple(c(v) for c, v in zip(casts, res))
        return out if len(out) > 1 else out[0]

    return qr_full


@jax_funcify.register(SVD)
def jax_funcify_SVD(op, node=None, **kwargs):
    jnp = _jnp()
    casts = [_cast_to(o.type.dtype) for o in node.outputs]
    full, uv = op.full_matrices, op.compute_uv

    def svd(x):
        res = jnp.linalg.svd(x, full_matrices=full, compute_uv=uv)
        res = list(res) if uv else [res]
        out = tuple(c(v) for c, v in zip(casts, res))
        return out if len(out) > 1 else out[0]

    return svd


@jax_funcify.register(TensorInv)
def jax_funcify_TensorInv(op, node=None, **kwargs):
    jnp = _jnp()
    cast = _cast_to(_out_dtype(node))
    ind = op.ind

    def tensor_inv(a):
        return cast(jnp.linalg.tensorinv(a, ind=ind))

    return tensor_inv


@jax_funcify.register(TensorSolve)
def jax_funcify_TensorSolve(op, node=None, **kwargs):
    jnp = _jnp()
    cast = _cast_to(_out_dtype(node))
    axes = op.axes

    def tensor_solve(a, b):
        return cast(jnp.linalg.tensorsolve(a, b, axes=axes))

    return tensor_solve
