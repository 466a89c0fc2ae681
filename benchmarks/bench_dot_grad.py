"""``sum(exp(X @ w))`` and its gradient: BLAS-bound work, next to NumPy and peers.

X is 2000x2000; ``w`` is a vector (matrix-vector products) and then a
2000x2000 matrix ``W`` (matrix-matrix products). Each compiled function returns
the loss and the gradient with respect to ``w``; the NumPy reference computes
the same by hand. PyTensor and JAX are timed in the same run when installed.
Run::

    python benchmarks/bench_dot_grad.py
"""

from __future__ import annotations

import os
import sys
import timeit

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

N = 2000


def best_time_ms(fn, number: int = 5, repeat: int = 5) -> float:
    return min(timeit.repeat(fn, number=number, repeat=repeat)) / number * 1e3


def numpy_loss_grad(X, w):
    e = np.exp(X @ w)
    return e.sum(), X.T @ e


def aesara_fn(matrix: bool):
    import aesara
    import aesara.tensor as at

    X = at.dmatrix("X")
    w = at.dmatrix("w") if matrix else at.dvector("w")
    loss = at.sum(at.exp(X @ w))
    return "aesara (default)", aesara.function([X, w], [loss, aesara.grad(loss, w)])


def pytensor_fn(matrix: bool):
    try:
        import pytensor
        import pytensor.tensor as pt
    except ImportError:
        return None
    X = pt.dmatrix("X")
    w = pt.dmatrix("w") if matrix else pt.dvector("w")
    loss = pt.sum(pt.exp(X @ w))
    return "pytensor (default)", pytensor.function(
        [X, w], [loss, pytensor.grad(loss, w)]
    )


def jax_fn(matrix: bool):
    try:
        import jax
        import jax.numpy as jnp
    except ImportError:
        return None
    jax.config.update("jax_enable_x64", True)
    f = jax.jit(jax.value_and_grad(lambda w, X: jnp.sum(jnp.exp(X @ w))))

    def call(X, w):
        v, g = f(w, X)
        g.block_until_ready()
        return v, g

    return "jax (jit)", call


def main() -> None:
    rng = np.random.default_rng(0)
    X = rng.normal(size=(N, N)) / N
    print(f"sum(exp(X @ w)) and its gradient, X {N}x{N}")
    print(f"{'w':<8} {'what':<22} {'ms/call':>9} {'x numpy':>8}")
    for matrix in (False, True):
        w = rng.normal(size=(N, N) if matrix else N)
        ref = numpy_loss_grad(X, w)
        t_np = best_time_ms(lambda w=w: numpy_loss_grad(X, w))
        rows = [("numpy", t_np)]
        for make in (aesara_fn, pytensor_fn, jax_fn):
            made = make(matrix)
            if made is None:
                continue
            label, f = made
            out = f(X, w)
            np.testing.assert_allclose(float(out[0]), ref[0], rtol=1e-9)
            np.testing.assert_allclose(np.asarray(out[1]), ref[1], rtol=1e-9)
            rows.append((label, best_time_ms(lambda f=f, w=w: f(X, w))))
        kind = "matrix" if matrix else "vector"
        for label, t in rows:
            print(f"{kind:<8} {label:<22} {t:>9.3f} {t / t_np:>8.2f}")


if __name__ == "__main__":
    main()
