"""A fused element-wise workload over large vectors, next to NumPy and peers.

Computes ``exp(x) * sin(y) + log1p(z**2) - tanh(x * y)`` on three float64
vectors of 10^7 elements and reports the time per call, the effective
bandwidth (bytes of the three inputs and the output over the time), and the
memory-bandwidth reference ``np.copyto`` of one such vector. PyTensor's and
JAX's compiled versions are timed in the same run when installed. Run::

    python benchmarks/bench_elemwise.py [n_elements]
"""

from __future__ import annotations

import os
import sys
import timeit

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from benchmarks._results import record  # noqa: E402


def best_time_ms(fn, number: int = 3, repeat: int = 5) -> float:
    return min(timeit.repeat(fn, number=number, repeat=repeat)) / number * 1e3


def numpy_expr(x, y, z):
    return np.exp(x) * np.sin(y) + np.log1p(z**2) - np.tanh(x * y)


def symbolic_expr(lib, x, y, z):
    return lib.exp(x) * lib.sin(y) + lib.log1p(z**2) - lib.tanh(x * y)


def aesara_fn():
    import aesara
    import aesara.tensor as at

    x, y, z = at.dvectors("x", "y", "z")
    f = aesara.function([x, y, z], symbolic_expr(at, x, y, z))
    kernels = sum(type(n.op).__name__ == "Elemwise" for n in f.maker.fgraph.toposort())
    return f"aesara (default, {kernels} Elemwise)", f


def pytensor_fn():
    try:
        import pytensor
        import pytensor.tensor as pt
    except ImportError:
        return None
    x, y, z = pt.dvectors("x", "y", "z")
    return "pytensor (default)", pytensor.function(
        [x, y, z], symbolic_expr(pt, x, y, z)
    )


def jax_fn():
    try:
        import jax
        import jax.numpy as jnp
    except ImportError:
        return None
    jax.config.update("jax_enable_x64", True)
    f = jax.jit(lambda x, y, z: symbolic_expr(jnp, x, y, z))

    def call(x, y, z):
        return f(x, y, z).block_until_ready()

    return "jax (jit)", call


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 10**7
    rng = np.random.default_rng(0)
    x, y, z = (rng.normal(size=n) for _ in range(3))
    expected = numpy_expr(x, y, z)
    out = np.empty_like(x)
    t_copy = best_time_ms(lambda: np.copyto(out, x))
    t_np = best_time_ms(lambda: numpy_expr(x, y, z))
    nbytes = 4 * x.nbytes
    rows = [
        ("np.copyto (bandwidth reference)", t_copy, 2 * x.nbytes),
        ("numpy", t_np, nbytes),
    ]
    for make in (aesara_fn, pytensor_fn, jax_fn):
        made = make()
        if made is None:
            continue
        label, f = made
        np.testing.assert_allclose(
            np.asarray(f(x, y, z)), expected, rtol=1e-10, atol=1e-12
        )
        rows.append((label, best_time_ms(lambda f=f: f(x, y, z)), nbytes))
    print(f"exp(x)*sin(y)+log1p(z**2)-tanh(x*y), 3 x {n:.0e} float64")
    digits = len(str(n)) - 1
    size = f"1e{digits}" if n == 10**digits else str(n)  # 10**7 -> "1e7"
    print(f"{'what':<36} {'ms/call':>9} {'GB/s':>7} {'x numpy':>8}")
    for label, t, b in rows:
        print(f"{label:<36} {t:>9.2f} {b / t / 1e6:>7.1f} {t / t_np:>8.2f}")
        if not label.startswith("np."):  # "numpy", "aesara (...)", "jax (jit)"
            impl = label.split()[0]
            record(f"2 fused elemwise 3x{size}", impl, "time per call", t, "ms")


if __name__ == "__main__":
    main()
