"""The optimized gradient of a logistic-regression loss: graph size and speed.

Builds the negative log-likelihood of a logistic regression,
``-sum(y * log(sigmoid(X @ w)) + (1 - y) * log(1 - sigmoid(X @ w)))``, takes
its gradient with respect to ``w`` (X is 1000x100), compiles it with the
default mode and reports:

* the number of nodes in the optimized graph and how many of them are
  element-wise kernels (``Elemwise``), i.e. how well the rewrites simplified
  and fused the gradient;
* the time per call, next to a hand-written NumPy gradient;
* the same for PyTensor and JAX when they are installed.

Run::

    python benchmarks/bench_logreg_grad.py
"""

from __future__ import annotations

import os
import sys
import timeit

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from benchmarks._results import record  # noqa: E402

N_ROWS, N_COLS = 1000, 100


def data():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(N_ROWS, N_COLS))
    y = (rng.random(N_ROWS) < 0.5).astype("float64")
    w = rng.normal(size=N_COLS) * 0.1
    return X, y, w


def best_time_ms(fn, number: int = 50, repeat: int = 5) -> float:
    """Best time of one call of ``fn`` in milliseconds."""
    return min(timeit.repeat(fn, number=number, repeat=repeat)) / number * 1e3


def numpy_grad(X, y, w):
    p = 1.0 / (1.0 + np.exp(-(X @ w)))
    return X.T @ (p - y)


def nll_graph(lib):
    """Symbolic loss and gradient, built the same way with aesara or pytensor."""
    X, y, w = lib.dmatrix("X"), lib.dvector("y"), lib.dvector("w")
    p = lib.sigmoid(X @ w)
    loss = -lib.sum(y * lib.log(p) + (1 - y) * lib.log(1 - p))
    return (X, y, w), lib.grad(loss, w)


def count_nodes(fgraph) -> tuple[int, int]:
    nodes = fgraph.toposort()
    kernels = sum(type(n.op).__name__ == "Elemwise" for n in nodes)
    return len(nodes), kernels


def aesara_row(X, y, w):
    import aesara
    import aesara.tensor as at

    class _Lib:
        dmatrix, dvector, sigmoid, log, sum = (
            at.dmatrix,
            at.dvector,
            at.sigmoid,
            at.log,
            at.sum,
        )
        grad = staticmethod(aesara.grad)

    ins, g = nll_graph(_Lib)
    f = aesara.function(list(ins), g)
    np.testing.assert_allclose(f(X, y, w), numpy_grad(X, y, w), rtol=1e-8)
    n, k = count_nodes(f.maker.fgraph)
    return "aesara (default mode)", n, k, best_time_ms(lambda: f(X, y, w))


def pytensor_row(X, y, w):
    try:
        import pytensor
        import pytensor.tensor as pt
    except ImportError:
        return None

    class _Lib:
        dmatrix, dvector, sigmoid, log, sum = (
            pt.dmatrix,
            pt.dvector,
            pt.sigmoid,
            pt.log,
            pt.sum,
        )
        grad = staticmethod(pytensor.grad)

    ins, g = nll_graph(_Lib)
    f = pytensor.function(list(ins), g)
    np.testing.assert_allclose(f(X, y, w), numpy_grad(X, y, w), rtol=1e-8)
    n, k = count_nodes(f.maker.fgraph)
    return "pytensor (default mode)", n, k, best_time_ms(lambda: f(X, y, w))


def jax_row(X, y, w):
    try:
        import jax
        import jax.numpy as jnp
    except ImportError:
        return None
    jax.config.update("jax_enable_x64", True)

    def loss(w, X, y):
        p = jax.nn.sigmoid(X @ w)
        return -jnp.sum(y * jnp.log(p) + (1 - y) * jnp.log(1 - p))

    g = jax.jit(jax.grad(loss))
    np.testing.assert_allclose(np.asarray(g(w, X, y)), numpy_grad(X, y, w), rtol=1e-8)

    def call():
        g(w, X, y).block_until_ready()

    return "jax (jit)", None, None, best_time_ms(call)


def main() -> None:
    X, y, w = data()
    t_np = best_time_ms(lambda: numpy_grad(X, y, w))
    rows = [("numpy (hand-written gradient)", None, None, t_np)]
    for make_row in (aesara_row, pytensor_row, jax_row):
        row = make_row(X, y, w)
        if row is not None:
            rows.append(row)
    print(f"logistic-regression NLL gradient, X {N_ROWS}x{N_COLS}")
    print(f"{'what':<30} {'nodes':>6} {'Elemwise':>9} {'ms/call':>9} {'x numpy':>8}")
    for what, n, k, t in rows:
        n_txt = f"{n:>6}" if n is not None else f"{'-':>6}"
        k_txt = f"{k:>9}" if k is not None else f"{'-':>9}"
        print(f"{what:<30} {n_txt} {k_txt} {t:>9.3f} {t / t_np:>8.2f}")
        impl = what.split()[0]  # numpy, aesara, pytensor, jax
        record("4 logreg grad", impl, "time per call", t, "ms")
        if n is not None:
            record("4 logreg grad", impl, "nodes", n, "nodes")


if __name__ == "__main__":
    main()
