"""Reductions next to NumPy and peers: sum/max over 2000x2000 and 1e7 float64.

Workloads: ``sum`` and ``max`` of a 2000x2000 matrix over ``axis=None``,
``0`` and ``1``, of a 10^7 vector, and the fused ``sum(exp(x) * y, axis=0)``
(2000x2000) and ``sum(exp(x))`` (10^7). Times are medians per call, in the
same run for every implementation; PyTensor (its default linker) and JAX
(jit) are timed when installed. Run::

    python benchmarks/bench_reduce.py [--quick]
"""

from __future__ import annotations

import os
import statistics
import sys
import timeit

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from benchmarks._results import record  # noqa: E402


def median_ms(fn, number: int = 5, repeat: int = 7) -> float:
    fn()
    times = timeit.repeat(fn, number=number, repeat=repeat)
    return statistics.median(times) / number * 1e3


def workloads():
    """(name, input shapes, expression on a tensor library ``lib``, numpy version)."""
    m, v = (2000, 2000), (10**7,)
    out = []
    for red in ("sum", "max"):
        for shape, axes in ((m, (None, 0, 1)), (v, (None,))):
            for axis in axes:
                name = f"{red}(axis={axis}) {'x'.join(map(str, shape))}"
                out.append(
                    (
                        name,
                        [shape],
                        lambda lib, x, red=red, axis=axis: getattr(lib, red)(
                            x, axis=axis
                        ),
                        lambda x, red=red, axis=axis: getattr(np, red)(x, axis=axis),
                    )
                )
    out.append(
        (
            "sum(exp(x)*y, axis=0) 2000x2000",
            [m, m],
            lambda lib, x, y: lib.sum(lib.exp(x) * y, axis=0),
            lambda x, y: np.sum(np.exp(x) * y, axis=0),
        )
    )
    out.append(
        (
            "sum(exp(x)) 1e7",
            [v],
            lambda lib, x: lib.sum(lib.exp(x)),
            lambda x: np.sum(np.exp(x)),
        )
    )
    return out


def _aesara(expr, shapes):
    import aesara
    import aesara.tensor as at

    xs = [at.tensor("float64", shape=(None,) * len(s)) for s in shapes]
    return aesara.function(xs, expr(at, *xs))


def _pytensor(expr, shapes):
    try:
        import pytensor
        import pytensor.tensor as pt
    except ImportError:
        return None
    xs = [pt.tensor("x", dtype="float64", shape=(None,) * len(s)) for s in shapes]
    return pytensor.function(xs, expr(pt, *xs))


def _jax(expr, shapes):
    try:
        import jax
        import jax.numpy as jnp
    except ImportError:
        return None
    jax.config.update("jax_enable_x64", True)
    f = jax.jit(lambda *a: expr(jnp, *a))

    def call(*a):
        return f(*a).block_until_ready()

    return call


def main() -> None:
    rng = np.random.default_rng(0)
    print(f"{'workload':<34} {'impl':<10} {'ms/call':>9} {'x numpy':>8}")
    for name, shapes, expr, np_fn in workloads():
        args = [rng.normal(size=s) for s in shapes]
        expected = np_fn(*args)
        t_np = median_ms(lambda np_fn=np_fn, args=args: np_fn(*args))
        rows = [("numpy", t_np)]
        for impl, make in (("aesara", _aesara), ("pytensor", _pytensor), ("jax", _jax)):
            f = make(expr, shapes)
            if f is None:
                continue
            np.testing.assert_allclose(np.asarray(f(*args)), expected, rtol=1e-9)
            rows.append((impl, median_ms(lambda f=f, args=args: f(*args))))
        for impl, t in rows:
            print(f"{name:<34} {impl:<10} {t:>9.3f} {t / t_np:>8.2f}")
            record(name, impl, "time per call", t, "ms")


if __name__ == "__main__":
    main()
