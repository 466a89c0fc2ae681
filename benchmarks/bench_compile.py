"""Compile latency (workload 5): cold and warm caches, fresh processes.

For three graphs,

* ``a+b``: ``a + b`` on float64 scalars;
* ``chain20``: a chain of 20 element-wise ops on a float64 vector;
* ``logreg``: the gradient w.r.t. ``w`` of the logistic-regression negative
  log-likelihood (X 1000x100),

it measures the time until a function is ready to run (graph built
beforehand) in a fresh process, with an empty compile cache ("cold") and with
the cache filled by an earlier process ("warm"): the compile call plus the
first call, minus a later call (some libraries compile at the first call):

* aesara: ``aesara.function(...)`` with ``compiledir`` set to a private
  temporary directory;
* PyTensor (default mode): ``pytensor.function(...)`` with its
  ``base_compiledir`` (and Numba's cache) in a private temporary directory;
* JAX: ``jax.jit``, with JAX's persistent compilation cache in a private
  directory.

Each figure is the median over a few processes; import times are reported
separately. Child processes write bytecode to a private ``__pycache__``
prefix, as an installed package would have it. Run::

    /tmp/ptenv/bin/python benchmarks/bench_compile.py [--repeat N]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, REPO)

GRAPHS = ("a+b", "chain20", "logreg")
LIBS = ("aesara", "pytensor", "jax")


# ---------------------------------------------------------------------------
# Child side: build one graph with one library, time its compilation
# ---------------------------------------------------------------------------
def _chain(m, x):
    """20 element-wise ops (the same with aesara, pytensor and jax.numpy)."""
    e = x
    for _ in range(5):
        e = m.exp(m.sin(e) * 0.5) + 1.0
    return e


def _data(graph):
    import numpy as np

    rng = np.random.default_rng(0)
    if graph == "a+b":
        return (np.float64(1.5), np.float64(2.5))
    if graph == "chain20":
        return (rng.normal(size=1000),)
    X = rng.normal(size=(1000, 100))
    y = (rng.random(1000) < 0.5).astype("float64")
    w = rng.normal(size=100) * 0.1
    return (X, y, w)


def _symbolic(lib, tensor, graph):
    if graph == "a+b":
        a, b = tensor.dscalar("a"), tensor.dscalar("b")
        return [a, b], a + b
    if graph == "chain20":
        x = tensor.dvector("x")
        return [x], _chain(tensor, x)
    X, y, w = tensor.dmatrix("X"), tensor.dvector("y"), tensor.dvector("w")
    p = tensor.sigmoid(X @ w)
    loss = -tensor.sum(y * tensor.log(p) + (1 - y) * tensor.log(1 - p))
    return [X, y, w], lib.grad(loss, w)


def child(lib: str, graph: str, cache_dir: str) -> dict:
    """Compile ``graph`` with ``lib`` in this (fresh) process; return timings."""
    out: dict = {}
    t0 = time.perf_counter()
    if lib in ("aesara", "pytensor"):
        if lib == "aesara":
            import aesara as mod
            import aesara.tensor as tensor
        else:
            import pytensor as mod
            import pytensor.tensor as tensor
        out["import"] = time.perf_counter() - t0
        ins, expr = _symbolic(mod, tensor, graph)
        args = _data(graph)
        # As for JAX below: the function call plus the first call, minus a
        # later call (PyTensor's default Numba linker compiles at the first
        # call, not in ``function``).
        t1 = time.perf_counter()
        f = mod.function(ins, expr)
        f(*args)
        t2 = time.perf_counter()
        f(*args)
        t3 = time.perf_counter()
        out["compile"] = (t2 - t1) - (t3 - t2)
        if lib == "aesara":
            from aesara.compile.rewrite_cache import stats

            out["rewrite_cache"] = {"hits": stats.hits, "misses": stats.misses}
        return out

    import jax
    import jax.numpy as jnp

    out["import"] = time.perf_counter() - t0
    jax.config.update("jax_enable_x64", True)
    jax.config.update("jax_compilation_cache_dir", cache_dir)
    jax.config.update("jax_persistent_cache_min_compile_time_secs", 0)
    jax.config.update("jax_persistent_cache_min_entry_size_bytes", 0)
    if graph == "a+b":

        def fn(a, b):
            return a + b

    elif graph == "chain20":

        def fn(x):
            return _chain(jnp, x)

    else:

        def loss(w, X, y):
            p = jax.nn.sigmoid(X @ w)
            return -jnp.sum(y * jnp.log(p) + (1 - y) * jnp.log(1 - p))

        def fn(X, y, w):
            return jax.grad(loss)(w, X, y)

    args = _data(graph)
    t1 = time.perf_counter()
    f = jax.jit(fn)
    f(*args).block_until_ready()
    t2 = time.perf_counter()
    f(*args).block_until_ready()
    t3 = time.perf_counter()
    out["compile"] = (t2 - t1) - (t3 - t2)
    return out


# ---------------------------------------------------------------------------
# Parent side
# ---------------------------------------------------------------------------
def _env(lib: str, cache_dir: str, pyc: str) -> dict:
    env = dict(os.environ)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env["PYTHONPYCACHEPREFIX"] = pyc
    env["PYTHONPATH"] = REPO + os.pathsep + env.get("PYTHONPATH", "")
    if lib == "aesara":
        env["AESARA_FLAGS"] = f"compiledir={cache_dir}"
    elif lib == "pytensor":
        env["PYTENSOR_FLAGS"] = f"base_compiledir={cache_dir}"
        env["NUMBA_CACHE_DIR"] = os.path.join(cache_dir, "numba")
    return env


def run_child(lib: str, graph: str, cache_dir: str, pyc: str) -> dict | None:
    proc = subprocess.run(
        [sys.executable, os.path.abspath(__file__), "--child", lib, graph, cache_dir],
        capture_output=True,
        text=True,
        env=_env(lib, cache_dir, pyc),
        timeout=600,
    )
    if proc.returncode != 0:
        if "ModuleNotFoundError" in proc.stderr:
            return None
        raise RuntimeError(f"{lib} {graph} child failed:\n{proc.stderr[-3000:]}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def measure(lib: str, graph: str, repeat: int, tmp: str, pyc: str) -> dict | None:
    """Median cold and warm compile times (and import time) of one case."""
    cold, warm, imports = [], [], []
    for i in range(repeat):
        d = os.path.join(tmp, f"{lib}-{graph}-cold{i}")
        r = run_child(lib, graph, d, pyc)
        if r is None:
            return None
        cold.append(r["compile"])
        imports.append(r["import"])
        shutil.rmtree(d, ignore_errors=True)
    d = os.path.join(tmp, f"{lib}-{graph}-warm")
    run_child(lib, graph, d, pyc)  # fills the cache
    misses = 0
    for _ in range(repeat):
        r = run_child(lib, graph, d, pyc)
        if r.get("rewrite_cache", {}).get("misses"):
            misses += 1  # aesara's sources changed meanwhile (development trees)
        warm.append(r["compile"])
        imports.append(r["import"])
    return {
        "cold": statistics.median(cold),
        "warm": statistics.median(warm),
        "import": statistics.median(imports),
        "warm_misses": misses,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--child", nargs=3, metavar=("LIB", "GRAPH", "DIR"))
    args = parser.parse_args()
    if args.child:
        print(json.dumps(child(*args.child)))
        return

    from _results import record

    tmp = tempfile.mkdtemp(prefix="aesara-bench-compile-")
    pyc = os.path.join(tmp, "pycache")
    # Fill the private bytecode cache once per library.
    for lib in LIBS:
        run_child(lib, "a+b", os.path.join(tmp, f"prime-{lib}"), pyc)
    results: dict = {}
    try:
        for graph in GRAPHS:
            for lib in LIBS:
                results[graph, lib] = measure(lib, graph, args.repeat, tmp, pyc)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)

    def fmt(v):
        return "      -" if v is None else f"{v:7.3f}"

    print(f"Compile time in a fresh process, seconds (median of {args.repeat})")
    print(
        f"{'graph':9} {'cache':5} {'aesara':>7} {'pytensor':>8} {'jax':>7}"
        f" {'ae/pt':>6} {'ae/jax':>6}"
    )
    for graph in GRAPHS:
        for mode in ("cold", "warm"):
            vals = {lib: (results[graph, lib] or {}).get(mode) for lib in LIBS}
            ae, pt, jx = vals["aesara"], vals["pytensor"], vals["jax"]
            r_pt = f"{ae / pt:6.3f}" if ae and pt else "     -"
            r_jx = f"{ae / jx:6.2f}" if ae and jx else "     -"
            print(f"{graph:9} {mode:5} {fmt(ae)} {fmt(pt):>8} {fmt(jx)} {r_pt} {r_jx}")
            for lib, v in vals.items():
                if v is not None:
                    record(f"5 compile {graph} {mode}", lib, "compile time", v, "s")
    print(
        "Import time (median), seconds: "
        + ", ".join(
            f"{lib} {results['a+b', lib]['import']:.2f}"
            for lib in LIBS
            if results["a+b", lib]
        )
    )
    misses = sum((results[g, "aesara"] or {}).get("warm_misses", 0) for g in GRAPHS)
    if misses:
        print(
            f"note: {misses} warm aesara runs missed the rewrite cache "
            "(aesara's sources changed during the run)"
        )


if __name__ == "__main__":
    main()
