"""How the FAST_RUN rewrite pipeline scales with the size of the graph.

Builds random element-wise graphs of 10, 100, 1,000 and 10,000 nodes (binary
and unary element-wise ops over a few vector inputs, with repeated
sub-expressions and constants so merging and constant folding have work to
do), runs ``mode.optimizer.rewrite`` on a FunctionGraph of each and prints
the time per node. Near-constant time per node means near-linear rewriting.
PyTensor's pipeline is timed on the same graphs when it is installed. Run::

    python benchmarks/bench_rewrite_scaling.py
"""

from __future__ import annotations

import os
import random
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

import aesara.tensor as at  # noqa: E402
from aesara.compile.mode import get_mode  # noqa: E402
from aesara.graph.fg import FunctionGraph  # noqa: E402

SIZES = (10, 100, 1000, 10000)


def random_graph(lib, n_nodes: int, seed: int = 0):
    """Inputs and outputs of a random element-wise graph of about ``n_nodes`` nodes."""
    rng = random.Random(seed)
    inputs = [lib.dvector(f"x{i}") for i in range(4)]
    pool = list(inputs)
    binary = [lib.add, lib.mul, lib.sub, lib.maximum]
    unary = [lib.exp, lib.sin, lib.tanh, lib.abs]
    for i in range(n_nodes):
        r = rng.random()
        if r < 0.1:
            # Constant sub-expressions: folded away.
            v = lib.mul(
                pool[rng.randrange(len(pool))], lib.constant(float(i % 5)) * 2.0
            )
        elif r < 0.55:
            a, b = rng.sample(pool[-50:], 2) if len(pool) > 1 else (pool[0], pool[0])
            v = binary[rng.randrange(4)](a, b)
        else:
            v = unary[rng.randrange(4)](
                pool[rng.randrange(max(0, len(pool) - 50), len(pool))]
            )
        pool.append(v)
    # Every variable nobody uses is an output, so no node is dropped.
    used = {id(i) for v in pool if v.owner is not None for i in v.owner.inputs}
    outputs = [v for v in pool[len(inputs) :] if id(v) not in used]
    return inputs, outputs


def time_aesara(n: int, repeat: int = 3) -> tuple[int, float]:
    """Best of ``repeat`` rewrites of fresh copies of the graph."""
    inputs, outputs = random_graph(at, n)
    best = float("inf")
    nodes = 0
    for _ in range(repeat):
        fg = FunctionGraph(inputs, outputs)
        nodes = len(fg.apply_nodes)
        rewriter = get_mode("FAST_RUN").optimizer
        t0 = time.perf_counter()
        rewriter.rewrite(fg)
        best = min(best, time.perf_counter() - t0)
    return nodes, best


def time_pytensor(n: int) -> float | None:
    try:
        import pytensor.tensor as pt
        from pytensor.compile.mode import get_mode as pt_get_mode
        from pytensor.graph.fg import FunctionGraph as PtFunctionGraph
    except ImportError:
        return None
    inputs, outputs = random_graph(pt, n)
    fg = PtFunctionGraph(inputs, outputs)
    rewriter = pt_get_mode("FAST_RUN").optimizer
    t0 = time.perf_counter()
    rewriter.rewrite(fg)
    return time.perf_counter() - t0


def main() -> None:
    time_aesara(10)  # warm-up: first-use imports and caches
    print(f"{'nodes':>8} {'rewrite s':>10} {'us/node':>9} {'pytensor us/node':>17}")
    for n in SIZES:
        nodes, dt = time_aesara(n)
        pt = time_pytensor(n)
        pt_txt = (
            f"{pt / nodes * 1e6:17.1f}"
            if pt is not None
            else f"{'(not installed)':>17}"
        )
        print(f"{nodes:>8} {dt:>10.4f} {dt / nodes * 1e6:>9.1f} {pt_txt}")


if __name__ == "__main__":
    main()
