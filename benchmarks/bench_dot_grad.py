"""``sum(exp(X @ w))`` and its gradient: BLAS-bound work, next to NumPy and peers.

X is 2000x2000; ``w`` is a vector (matrix-vector products) and then a
2000x2000 matrix ``W`` (matrix-matrix products). Each compiled function returns
the loss and the gradient with respect to ``w``; the NumPy reference computes
the same by hand (``e = exp(X @ w); e.sum(), X.T @ e``). PyTensor (default
mode) and JAX (jit) are timed in the same run when installed.

The implementations are timed in interleaved rounds (one batch of calls of
each per round) and the medians over rounds are reported, so that load on the
machine drifting during the run hits all of them alike. Run::

    python benchmarks/bench_dot_grad.py [rounds]
"""

from __future__ import annotations

import os
import sys
import time

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from benchmarks._results import record  # noqa: E402

N = 2000
WORKLOADS = {
    False: "3 grad sum(exp(X@w)) vector",
    True: "3 grad sum(exp(X@W)) matrix",
}


# Seconds to wait before timing another library. NumPy and SciPy each bundle
# their own OpenBLAS, whose worker threads keep spinning for ~0.1 s after a
# call; timed right after another library's BLAS calls, an implementation
# shares the two cores with those spinning threads and looks 2-3x slower.
SETTLE_S = 0.3


def interleaved_medians_ms(fns: dict, rounds: int, number: int) -> dict:
    """Median time per call (ms) of each callable, timed in alternating rounds.

    Each round of one callable starts with an untimed call after a pause of
    ``SETTLE_S`` (see there), so that no library pays for another's threads.
    """
    samples: dict = {k: [] for k in fns}
    for _ in range(rounds):
        for k, fn in fns.items():
            time.sleep(SETTLE_S)
            fn()
            t0 = time.perf_counter()
            for _ in range(number):
                fn()
            samples[k].append((time.perf_counter() - t0) / number * 1e3)
    return {k: float(np.median(v)) for k, v in samples.items()}


def numpy_loss_grad(X, w):
    e = np.exp(X @ w)
    return e.sum(), X.T @ e


def aesara_fn(matrix: bool):
    import aesara
    import aesara.tensor as at

    X = at.dmatrix("X")
    w = at.dmatrix("w") if matrix else at.dvector("w")
    loss = at.sum(at.exp(X @ w))
    f = aesara.function([X, w], [loss, aesara.grad(loss, w)])
    return "aesara", "aesara (default)", f


def pytensor_fn(matrix: bool):
    try:
        import pytensor
        import pytensor.tensor as pt
    except ImportError:
        return None
    X = pt.dmatrix("X")
    w = pt.dmatrix("w") if matrix else pt.dvector("w")
    loss = pt.sum(pt.exp(X @ w))
    f = pytensor.function([X, w], [loss, pytensor.grad(loss, w)])
    return "pytensor", "pytensor (default)", f


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

    return "jax", "jax (jit)", call


def main() -> None:
    rounds = int(sys.argv[1]) if len(sys.argv) > 1 else 15
    rng = np.random.default_rng(0)
    X = rng.normal(size=(N, N)) / N
    print(f"sum(exp(X @ w)) and its gradient, X {N}x{N}; medians of {rounds} rounds")
    print(f"{'w':<8} {'what':<22} {'ms/call':>9} {'x numpy':>8}")
    for matrix in (False, True):
        w = rng.normal(size=(N, N) if matrix else N)
        ref = numpy_loss_grad(X, w)
        fns = {"numpy": lambda w=w: numpy_loss_grad(X, w)}
        labels = {"numpy": "numpy"}
        for make in (aesara_fn, pytensor_fn, jax_fn):
            made = make(matrix)
            if made is None:
                continue
            impl, label, f = made
            out = f(X, w)  # compile / warm up, and check the values
            np.testing.assert_allclose(float(out[0]), ref[0], rtol=1e-9)
            np.testing.assert_allclose(
                np.asarray(out[1]), ref[1], rtol=1e-9, atol=1e-12 * np.abs(ref[1]).max()
            )
            fns[impl] = lambda f=f, w=w: f(X, w)
            labels[impl] = label
        number = 1 if matrix else 20
        times = interleaved_medians_ms(fns, rounds, number)
        kind = "matrix" if matrix else "vector"
        t_np = times["numpy"]
        for impl, t in times.items():
            print(f"{kind:<8} {labels[impl]:<22} {t:>9.3f} {t / t_np:>8.2f}")
            record(WORKLOADS[matrix], impl, "time per call", t, "ms")


if __name__ == "__main__":
    main()
