"""JAX translations of the ``scipy.linalg`` ops (``aesara.tensor.slinalg``)."""

from __future__ import annotations

from aesara.link.jax.dispatch.basic import jax_funcify
from aesara.tensor._slinalg_matfun import (
    Eigvalsh,
    Expm,
    ExpmGrad,
    SolveContinuousLyapunov,
    SolveDiscreteLyapunov,
)
from aesara.tensor.slinalg import Cholesky, CholeskySolve, Solve, SolveTriangular


def _jsl():
    import jax.scipy.linalg as jsl

    return jsl


def _jnp():
    import jax.numpy as jnp

    return jnp


def _cast_to(dtype):
    def cast(x):
        return x if x.dtype == dtype else x.astype(dtype)

    return cast


@jax_funcify.register(Cholesky)
def jax_funcify_Cholesky(op, node=None, **kwargs):
    jsl, jnp = _jsl(), _jnp()
    cast = _cast_to(node.outputs[0].type.dtype)
    lower = op.lower
    on_error = op.on_error

    def cholesky(x):
        c = jsl.cholesky(x, lower=lower)
        if on_error != "raise":
            # JAX gives NaNs for a matrix that is not positive definite,
            # which is what ``on_error="nan"`` asks for.
            c = jnp.where(jnp.any(jnp.isnan(c)), jnp.full_like(c, jnp.nan), c)
        return cast(c)

    return cholesky


@jax_funcify.register(Solve)
def jax_funcify_Solve(op, node=None, **kwargs):
    jsl = _jsl()
    cast = _cast_to(node.outputs[0].type.dtype)
    assume_a = op.assume_a
    lower = op.lower

    def solve(a, b):
        return cast(jsl.solve(a, b, assume_a=assume_a, lower=lower))

    return solve


@jax_funcify.register(SolveTriangular)
def jax_funcify_SolveTriangular(op, node=None, **kwargs):
    jsl = _jsl()
    cast = _cast_to(node.outputs[0].type.dtype)

    def solve_triangular(a, b):
        return cast(
            jsl.solve_triangular(
                a,
                b,
                trans=op.trans,
                lower=op.lower,
                unit_diagonal=op.unit_diagonal,
            )
        )

    return solve_triangular


@jax_funcify.register(CholeskySolve)
def jax_funcify_CholeskySolve(op, node=None, **kwargs):
    jsl = _jsl()
    cast = _cast_to(node.outputs[0].type.dtype)
    lower = op.lower

    def cholesky_solve(c, b):
        return cast(jsl.cho_solve((c, lower), b))

    return cholesky_solve


@jax_funcify.register(Eigvalsh)
def jax_funcify_Eigvalsh(op, node=None, **kwargs):
    jsl = _jsl()
    cast = _cast_to(node.outputs[0].type.dtype)
    lower = op.lower

    def eigvalsh(a, *b):
        if b:
            # A v = w B v with B = L L^H: the eigenvalues of L^-1 A L^-H.
            jnp = _jnp()
            (bm,) = b
            sym_a = jnp.tril(a) + jnp.tril(a, -1).conj().T
            sym_b = jnp.tril(bm) + jnp.tril(bm, -1).conj().T
            if not lower:
                sym_a = jnp.triu(a) + jnp.triu(a, 1).conj().T
                sym_b = jnp.triu(bm) + jnp.triu(bm, 1).conj().T
            low = jsl.cholesky(sym_b, lower=True)
            left = jsl.solve_triangular(low, sym_a, lower=True)
            c = jsl.solve_triangular(low, left.conj().T, lower=True).conj().T
            return cast(jnp.linalg.eigvalsh(c))
        return cast(jsl.eigh(a, lower=lower, eigvals_only=True))

    return eigvalsh


@jax_funcify.register(Expm)
def jax_funcify_Expm(op, node=None, **kwargs):
    jsl = _jsl()
    cast = _cast_to(node.outputs[0].type.dtype)

    def expm(a):
        return cast(jsl.expm(a))

    return expm


@jax_funcify.register(SolveContinuousLyapunov)
def jax_funcify_SolveContinuousLyapunov(op, node=None, **kwargs):
    jnp = _jnp()
    cast = _cast_to(node.outputs[0].type.dtype)

    def solve_continuous_lyapunov(a, q):
        # A X + X A^H = Q as one linear system (Kronecker form).
        n = a.shape[0]
        eye = jnp.eye(n, dtype=a.dtype)
        k = jnp.kron(eye, a) + jnp.kron(a.conj(), eye)
        x = jnp.linalg.solve(k, q.reshape(-1, order="F"))
        return cast(x.reshape((n, n), order="F"))

    return solve_continuous_lyapunov


@jax_funcify.register(SolveDiscreteLyapunov)
def jax_funcify_SolveDiscreteLyapunov(op, node=None, **kwargs):
    jnp = _jnp()
    cast = _cast_to(node.outputs[0].type.dtype)

    def solve_discrete_lyapunov(a, q):
        # X - A X A^H = Q as one linear system (Kronecker form).
        n = a.shape[0]
        k = jnp.eye(n * n, dtype=a.dtype) - jnp.kron(a.conj(), a)
        x = jnp.linalg.solve(k, q.reshape(-1, order="F"))
        return cast(x.reshape((n, n), order="F"))

    return solve_discrete_lyapunov


@jax_funcify.register(ExpmGrad)
def jax_funcify_ExpmGrad(op, node=None, **kwargs):
    jsl, jnp = _jsl(), _jnp()
    cast = _cast_to(node.outputs[0].type.dtype)

    def expm_grad(a, g):
        # The adjoint Frechet derivative L(a^T, g), from the block matrix
        # expm([[a^T, g], [0, a^T]]) whose upper-right block it is.
        n = a.shape[0]
        at = jnp.asarray(a, dtype="float64").T
        block = jnp.block(
            [[at, jnp.asarray(g, dtype="float64")], [jnp.zeros((n, n)), at]]
        )
        return cast(jsl.expm(block)[:n, n:])

    return expm_grad
