"""One compiled function called from several threads at once.

Times a batch of calls made one after another, then the same batch spread
over 8 threads calling the *same* compiled function (aesara gives concurrent
callers storage of their own), for a small call (overhead-bound) and an
element-wise call over 1e6 elements (compute-bound), next to NumPy's
expression in the same threads and JAX's jitted function when installed
(PyTensor's compiled functions are not safe to share between threads, so
they are not timed here). Run::

    python benchmarks/bench_threads.py
"""

from __future__ import annotations

import os
import sys
import threading
import time

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

import aesara  # noqa: E402
import aesara.tensor as at  # noqa: E402
from benchmarks._results import record  # noqa: E402

N_THREADS = 8


def batch_time(fn, args, calls: int, threads: int, repeat: int = 5) -> float:
    """Best wall time (s) of ``calls`` calls of ``fn(*args)`` over ``threads``."""
    per = calls // threads
    best = float("inf")
    for _ in range(repeat):
        barrier = threading.Barrier(threads + 1)

        def work(barrier=barrier):
            barrier.wait()
            for _ in range(per):
                fn(*args)

        ts = [threading.Thread(target=work) for _ in range(threads)]
        for t in ts:
            t.start()
        barrier.wait()
        t0 = time.perf_counter()
        for t in ts:
            t.join()
        best = min(best, time.perf_counter() - t0)
    return best


def jax_fn(kind: str):
    try:
        import jax
        import jax.numpy as jnp
    except ImportError:
        return None
    jax.config.update("jax_enable_x64", True)
    if kind == "small":
        fn = jax.jit(lambda a, b: a + b)
    else:
        fn = jax.jit(lambda x, y: jnp.exp(x) * jnp.sin(y) + jnp.log1p(x * x))

    def call(*args):
        return fn(*args).block_until_ready()

    return call


def main() -> None:
    a, b = at.dvector("a"), at.dvector("b")
    small = aesara.function([a, b], a + b)
    x, y = at.dvector("x"), at.dvector("y")
    big = aesara.function([x, y], at.exp(x) * at.sin(y) + at.log1p(x * x))
    rng = np.random.default_rng(0)
    cases = [
        (
            "small a+b (10)",
            small,
            lambda p, q: p + q,
            (rng.normal(size=10), rng.normal(size=10)),
            8000,
            "small",
        ),
        (
            "elemwise 1e6",
            big,
            lambda p, q: np.exp(p) * np.sin(q) + np.log1p(p * p),
            (rng.normal(size=10**6), rng.normal(size=10**6)),
            64,
            "big",
        ),
    ]
    print(f"{'case':<16} {'impl':<8} {'1 thread':>12} {'8 threads':>12} {'ratio':>7}")
    for label, fa, fnp, args, calls, kind in cases:
        impls = [("aesara", fa), ("numpy", fnp)]
        fj = jax_fn(kind)
        if fj is not None:
            impls.append(("jax", fj))
        for impl, fn in impls:
            fn(*args)  # warm up (JAX compiles here)
            t1 = batch_time(fn, args, calls, 1)
            t8 = batch_time(fn, args, calls, N_THREADS)
            unit = 1e6 / calls
            print(
                f"{label:<16} {impl:<8} {t1 * unit:>9.2f} us {t8 * unit:>9.2f} us "
                f"{t8 / t1:>7.2f}"
            )
            record(f"6 threads {label}, per call", impl, "8 threads", t8 * unit, "us")
            record(f"6 threads {label}, per call", impl, "1 thread", t1 * unit, "us")


if __name__ == "__main__":
    main()
