"""How the FAST_RUN rewrite pipeline scales with the size of the graph.

Three graph families are built at about 10, 100, 1,000 and 10,000 nodes:

* ``chain``: one long element-wise chain (unary and binary ops mixed with
  two inputs), the deepest possible graph;
* ``tree``: a balanced tree of mixed element-wise ops over a few inputs,
  with every fourth sub-expression built twice (merging has work to do)
  and some constant sub-expressions (constant folding has work to do);
* ``mix``: repeated "layers" of realistic model code (``dot``, bias add,
  ``tanh``, reductions, slicing, ``reshape``, ``dimshuffle``, element-wise).

For each, the full default pipeline (what ``function`` runs: the FAST_RUN
query of ``optdb``, with shape inference, canonicalize, stabilize,
specialize, fusion and the in-place stage under a DestroyHandler) is timed
on the graph a function would rewrite, next to PyTensor's default
rewriter on the same graph. The whole ``function()`` call (rewriting plus
linking, warm compile cache) is timed too. Run::

    /tmp/ptenv/bin/python benchmarks/bench_rewrite_scaling.py [--sizes 10,100] \
        [--families chain,tree] [--no-function]

Near-constant µs per node means near-linear rewriting.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.setrecursionlimit(max(sys.getrecursionlimit(), 100000))

from _results import record  # noqa: E402

import aesara  # noqa: E402
import aesara.tensor as at  # noqa: E402
from aesara.compile.function.types import FunctionMaker, std_fgraph  # noqa: E402
from aesara.compile.mode import get_default_mode  # noqa: E402

SIZES = (10, 100, 1000, 10000)
FAMILIES = ("chain", "tree", "mix")


# ---------------------------------------------------------------------------
# Graph families (``lib`` is aesara.tensor or pytensor.tensor)
# ---------------------------------------------------------------------------


def chain_graph(lib, n: int):
    """An element-wise chain of ``n`` nodes over two vectors."""
    x, y = lib.dvector("x"), lib.dvector("y")
    unary = [lib.exp, lib.sin, lib.tanh, lib.cos]
    v = x
    for i in range(n):
        k = i % 4
        if k == 0:
            v = v * y
        elif k == 2:
            v = v + x
        else:
            v = unary[i % 3](v)
    return [x, y], [v]


def tree_graph(lib, n: int, seed: int = 0):
    """A balanced tree of about ``n`` mixed element-wise nodes with shared parts."""
    rng = random.Random(seed)
    inputs = [lib.dvector(f"x{i}") for i in range(4)]
    binary = [lib.add, lib.mul, lib.sub, lib.maximum]
    unary = [lib.exp, lib.sin, lib.tanh, lib.abs]
    count = 0
    # Leaves: unary ops of the inputs (some repeated: merged later).
    level = []
    n_leaves = max(2, n // 3)
    for i in range(n_leaves):
        u = unary[rng.randrange(4)]
        level.append(u(inputs[i % 4]))
        count += 1
    while len(level) > 1:
        nxt = []
        for j in range(0, len(level) - 1, 2):
            a, b = level[j], level[j + 1]
            op = binary[(j // 2) % 4]
            v = op(a, b)
            count += 1
            if j % 8 == 0:
                # The same sub-expression built twice (a merge candidate).
                v = lib.add(v, op(a, b))
                count += 2
            elif j % 8 == 4:
                # A constant sub-expression (folded away).
                v = v * (lib.constant(float(j % 5)) * 2.0)
                count += 2
            if count < n and j % 3 == 0:
                v = unary[j % 4](v)
                count += 1
            nxt.append(v)
        if len(level) % 2:
            nxt.append(level[-1])
        level = nxt
    return inputs, level


def mix_graph(lib, n: int):
    """Repeated layers of dot / reductions / slicing / reshape / element-wise."""
    x = lib.dmatrix("x")
    w = lib.dmatrix("w")
    b = lib.dvector("b")
    h = x
    outs = []
    n_layers = max(1, n // 14)
    for i in range(n_layers):
        z = lib.dot(h, w) + b  # dot, dimshuffle, add
        a = lib.tanh(z) if i % 2 else lib.exp(-z)
        s = a.sum(axis=0)  # reduction
        m = a.max(axis=1)  # reduction
        r = a[1:, :-1].reshape((-1,))  # subtensor, reshape
        outs.append(s.mean() + m[0] + r.sum() * 0.5)
        h = a * 0.9 + z.dimshuffle(0, 1) * 0.1
    outs.append(h)
    total = outs[0]
    for o in outs[1:-1]:
        total = total + o
    return [x, w, b], [total, outs[-1]]


BUILDERS = {"chain": chain_graph, "tree": tree_graph, "mix": mix_graph}


# ---------------------------------------------------------------------------
# Timing
# ---------------------------------------------------------------------------


def _median(ts):
    return statistics.median(ts)


def aesara_rewrite(family: str, n: int, repeat: int) -> tuple[int, float]:
    """(node count before rewriting, median rewrite time in s)."""
    inputs, outputs = BUILDERS[family](at, n)
    times = []
    nodes = 0
    mode = get_default_mode()
    for _ in range(repeat):
        fg, _ = std_fgraph(
            [FunctionMaker.wrap_in(i) for i in inputs],
            [FunctionMaker.wrap_out(o) for o in outputs],
        )
        nodes = len(fg.apply_nodes)
        rewriter = mode.optimizer
        t0 = time.perf_counter()
        rewriter.rewrite(fg)
        times.append(time.perf_counter() - t0)
    return nodes, _median(times)


def aesara_function(family: str, n: int) -> float:
    """Time of a whole ``function()`` call (after a warm-up one filled the cache)."""
    from aesara.configdefaults import config

    # Rewriting is what is measured: a cached rewritten graph would skip it.
    flags = {"rewrite_cache": False} if hasattr(config, "rewrite_cache") else {}
    inputs, outputs = BUILDERS[family](at, n)
    with config.change_flags(**flags):
        aesara.function(inputs, outputs, on_unused_input="ignore")
        t0 = time.perf_counter()
        aesara.function(inputs, outputs, on_unused_input="ignore")
        return time.perf_counter() - t0


def pytensor_available() -> bool:
    try:
        import pytensor  # noqa: F401
    except ImportError:
        return False
    return True


def pytensor_rewrite(family: str, n: int, repeat: int) -> float:
    import pytensor.tensor as pt
    from pytensor.compile.maker import FunctionMaker as PtMaker
    from pytensor.compile.mode import get_default_mode as pt_default_mode

    inputs, outputs = BUILDERS[family](pt, n)
    mode = pt_default_mode()
    times = []
    for _ in range(repeat):
        fg, _ = PtMaker.create_fgraph(
            [PtMaker.wrap_in(i) for i in inputs],
            [PtMaker.wrap_out(o) for o in outputs],
            force_clone=True,  # otherwise the user's graph is rewritten in place
        )
        rewriter = mode.optimizer
        t0 = time.perf_counter()
        rewriter.rewrite(fg)
        times.append(time.perf_counter() - t0)
    return _median(times)


def pytensor_function(family: str, n: int) -> float:
    import pytensor
    import pytensor.tensor as pt

    inputs, outputs = BUILDERS[family](pt, n)
    pytensor.function(inputs, outputs, on_unused_input="ignore")
    t0 = time.perf_counter()
    pytensor.function(inputs, outputs, on_unused_input="ignore")
    return time.perf_counter() - t0


def main(argv=None) -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--sizes", default=",".join(map(str, SIZES)))
    p.add_argument("--families", default=",".join(FAMILIES))
    p.add_argument(
        "--no-function", action="store_true", help="skip whole function() timings"
    )
    p.add_argument(
        "--function-max",
        type=int,
        default=10000,
        help="largest size whose whole function() call is timed",
    )
    args = p.parse_args(argv)
    sizes = [int(s) for s in args.sizes.split(",")]
    families = args.families.split(",")
    have_pt = pytensor_available()

    aesara_rewrite("chain", 10, 1)  # warm-up: first-use imports and caches
    if have_pt:
        pytensor_rewrite("chain", 10, 1)

    header = (
        f"{'family':<6} {'size':>6} {'nodes':>6} {'aesara ms':>10} {'us/node':>8} "
        f"{'growth':>6} {'pytensor ms':>11} {'us/node':>8} {'pt/ae':>6} "
        f"{'ae fn ms':>9} {'pt fn ms':>9}"
    )
    print(
        "rewrite = default FAST_RUN rewriter on the function's graph; fn = function()"
    )
    print(header)
    print("-" * len(header))
    for family in families:
        prev = None
        for n in sizes:
            repeat = 3 if n <= 1000 else 1
            nodes, t_ae = aesara_rewrite(family, n, repeat)
            us_ae = t_ae / nodes * 1e6
            growth = f"{us_ae / prev:6.2f}" if prev else f"{'':>6}"
            prev = us_ae
            t_pt = pytensor_rewrite(family, n, repeat) if have_pt else None
            fn_ae = fn_pt = None
            if not args.no_function and n <= args.function_max:
                fn_ae = aesara_function(family, n)
                if have_pt:
                    fn_pt = pytensor_function(family, n)
            workload = f"rewrite scaling {family}"
            record(workload, "aesara", f"rewrite time, {n} nodes", t_ae * 1e3, "ms")
            record(workload, "aesara", f"rewrite per node, {n} nodes", us_ae, "us")
            if t_pt is not None:
                record(
                    workload, "pytensor", f"rewrite time, {n} nodes", t_pt * 1e3, "ms"
                )
                record(
                    workload,
                    "pytensor",
                    f"rewrite per node, {n} nodes",
                    t_pt / nodes * 1e6,
                    "us",
                )
            if fn_ae is not None:
                record(workload, "aesara", f"function() time, {n} nodes", fn_ae, "s")
            if fn_pt is not None:
                record(workload, "pytensor", f"function() time, {n} nodes", fn_pt, "s")
            pt_txt = (
                f"{t_pt * 1e3:11.1f} {t_pt / nodes * 1e6:8.1f} {t_pt / t_ae:6.2f}"
                if t_pt is not None
                else f"{'-':>11} {'-':>8} {'-':>6}"
            )
            fn_txt = (f"{fn_ae * 1e3:9.1f}" if fn_ae is not None else f"{'-':>9}") + (
                f" {fn_pt * 1e3:9.1f}" if fn_pt is not None else f" {'-':>9}"
            )
            print(
                f"{family:<6} {n:>6} {nodes:>6} {t_ae * 1e3:10.1f} {us_ae:8.1f} "
                f"{growth} {pt_txt} {fn_txt}",
                flush=True,
            )


if __name__ == "__main__":
    main()
