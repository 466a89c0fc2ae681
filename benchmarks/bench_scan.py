"""``scan``: a recurrence ``h = tanh(W @ h)``, next to NumPy, JAX and PyTensor.

Run time (in this process), the function returning the last state:

* ``100x100``: 100 steps with W 100x100 float64 (BLAS-bound steps);
* ``10 x1000``: 1,000 steps with W 10x10 (per-step overhead).

Peers: NumPy (a Python loop), JAX (``lax.fori_loop`` under ``jit``) and
PyTensor's default mode (its ``scan``), where installed; a peer that is not
installed is skipped with a note. Aesara's default mode runs this loop as
one generated C function (the fused scan kernel,
aesara/link/c/scan_kernel.py); for scale, the row ``aesara general loop``
is the general C loop (``ScanLoop``, aesara/link/c/scan_runtime.c, with
``scan__fused_kernel=False``) and ``aesara python loop`` the same graph
with the ``vm`` linker (the Python reference loop, whose inner function is
still compiled in the default mode).
Implementations are timed in interleaved rounds and the medians over rounds
are reported (see :func:`interleaved_medians_ms`).

Compile time of the 100-step scan (the ``100x100`` graph), in fresh
processes: with an empty compile cache ("cold") and with the cache an earlier
process filled ("warm"); the compile call plus the first call, minus a later
call, as in ``bench_compile.py`` (each library's cache in a private temporary
directory). Run::

    python benchmarks/bench_scan.py [rounds] [--repeat N] [--no-compile]
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

import numpy as np

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, REPO)

CASES = {
    # name: (size of h, steps, workload recorded)
    "100x100": (100, 100, "7 scan tanh(W@h) 100x100 x100 steps"),
    "10 x1000": (10, 1000, "7 scan tanh(W@h) 10x10 x1000 steps"),
}
LIBS = ("aesara", "pytensor", "jax")

# Seconds to wait before timing another library: NumPy's and SciPy's
# OpenBLAS worker threads keep spinning for ~0.1 s after a call (see
# bench_dot_grad.py).
SETTLE_S = 0.3


def interleaved_medians_ms(fns: dict, rounds: int, number: dict) -> dict:
    """Median time per call (ms) of each callable, timed in alternating rounds."""
    samples: dict = {k: [] for k in fns}
    for _ in range(rounds):
        for k, fn in fns.items():
            time.sleep(SETTLE_S)
            fn()
            t0 = time.perf_counter()
            for _ in range(number[k]):
                fn()
            samples[k].append((time.perf_counter() - t0) / number[k] * 1e3)
    return {k: float(np.median(v)) for k, v in samples.items()}


def numpy_loop(W, h, steps):
    for _ in range(steps):
        h = np.tanh(W @ h)
    return h


def aesara_fn(steps: int, linker: str | None = None, fused: bool = True):
    import aesara
    import aesara.tensor as at
    from aesara.compile.mode import Mode

    W, h0 = at.dmatrix("W"), at.dvector("h0")
    hs, _ = aesara.scan(
        lambda h, W: at.tanh(W @ h), outputs_info=h0, non_sequences=W, n_steps=steps
    )
    mode = None if linker is None else Mode(linker=linker)
    with aesara.config.change_flags(scan__fused_kernel=fused):
        return aesara.function([W, h0], hs[-1], mode=mode)


def pytensor_fn(steps: int):
    try:
        import pytensor
        import pytensor.tensor as pt
    except ImportError:
        return None
    W, h0 = pt.dmatrix("W"), pt.dvector("h0")
    hs = pytensor.scan(
        lambda h, W: pt.tanh(W @ h),
        outputs_info=h0,
        non_sequences=W,
        n_steps=steps,
        return_updates=False,
    )
    return pytensor.function([W, h0], hs[-1])


def jax_fn(steps: int):
    try:
        import jax
        import jax.numpy as jnp
    except ImportError:
        return None
    jax.config.update("jax_enable_x64", True)

    @jax.jit
    def f(W, h):
        return jax.lax.fori_loop(0, steps, lambda i, h: jnp.tanh(W @ h), h)

    def call(W, h):
        return f(W, h).block_until_ready()

    return call


def run_times(rounds: int) -> None:
    from benchmarks._results import record

    rng = np.random.default_rng(0)
    notes = []
    for case, (n, steps, workload) in CASES.items():
        W = rng.normal(size=(n, n)) / np.sqrt(n)
        h = rng.normal(size=n)
        ref = numpy_loop(W, h, steps)
        fns = {"numpy": lambda W=W, h=h, s=steps: numpy_loop(W, h, s)}
        made = {
            "aesara": aesara_fn(steps),
            "aesara general loop": aesara_fn(steps, fused=False),
            "aesara python loop": aesara_fn(steps, linker="vm"),
        }
        try:
            made["pytensor"] = pytensor_fn(steps)
        except Exception as e:  # noqa: BLE001 - a broken peer is skipped
            made["pytensor"] = None
            notes.append(f"pytensor failed: {type(e).__name__}: {e}")
        made["jax"] = jax_fn(steps)
        for impl, f in made.items():
            if f is None:
                if impl in ("pytensor", "jax") and case == "100x100":
                    notes.append(f"{impl} is not installed: skipped")
                continue
            out = np.asarray(f(W, h))  # compile / warm up, and check the values
            np.testing.assert_allclose(out, ref, rtol=1e-9, atol=1e-12)
            fns[impl] = lambda f=f, W=W, h=h: f(W, h)
        # About 20-50 ms per batch.
        per_call = {"numpy": steps * (5e-3 if n == 100 else 2e-3)}
        number = {k: max(1, int(30 / per_call.get(k, steps * 2e-3))) for k in fns}
        times = interleaved_medians_ms(fns, rounds, number)
        print(
            f"\n{case}: {steps} steps of h = tanh(W @ h), W {n}x{n} float64; "
            f"medians of {rounds} rounds"
        )
        print(f"{'what':<22} {'ms/call':>9} {'us/step':>8} {'x numpy':>8} ", end="")
        print(f"{'x jax':>7} {'x pytensor':>10}")
        for impl, t in times.items():
            r_np = t / times["numpy"]
            r_jx = f"{t / times['jax']:7.2f}" if "jax" in times else "      -"
            r_pt = (
                f"{t / times['pytensor']:10.2f}"
                if "pytensor" in times
                else " " * 9 + "-"
            )
            print(
                f"{impl:<22} {t:>9.4f} {t / steps * 1e3:>8.3f} {r_np:>8.2f} {r_jx} {r_pt}"
            )
            record(workload, impl, "time per call", t, "ms")
    for note in dict.fromkeys(notes):
        print(f"note: {note}")


# ---------------------------------------------------------------------------
# Compile time, in fresh processes
# ---------------------------------------------------------------------------


def child(lib: str, cache_dir: str) -> dict:
    """Compile the 100-step scan with ``lib`` in this (fresh) process; time it."""
    n, steps, _ = CASES["100x100"]
    rng = np.random.default_rng(0)
    args = (rng.normal(size=(n, n)) / np.sqrt(n), rng.normal(size=n))
    t0 = time.perf_counter()
    if lib == "aesara":
        import aesara  # noqa: F401

        make = aesara_fn
    elif lib == "pytensor":
        import pytensor  # noqa: F401

        make = pytensor_fn
    else:
        import jax

        jax.config.update("jax_compilation_cache_dir", cache_dir)
        jax.config.update("jax_persistent_cache_min_compile_time_secs", 0)
        jax.config.update("jax_persistent_cache_min_entry_size_bytes", 0)
        make = jax_fn
    t_import = time.perf_counter() - t0
    t1 = time.perf_counter()
    f = make(steps)
    f(*args)
    t2 = time.perf_counter()
    f(*args)
    t3 = time.perf_counter()
    return {"import": t_import, "compile": (t2 - t1) - (t3 - t2)}


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


def run_child(lib: str, cache_dir: str, pyc: str) -> dict | None:
    proc = subprocess.run(
        [sys.executable, os.path.abspath(__file__), "--child", lib, cache_dir],
        capture_output=True,
        text=True,
        env=_env(lib, cache_dir, pyc),
        timeout=600,
    )
    if proc.returncode != 0:
        if "ModuleNotFoundError" in proc.stderr:
            return None
        raise RuntimeError(f"{lib} child failed:\n{proc.stderr[-3000:]}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def compile_times(repeat: int) -> None:
    from benchmarks._results import record

    tmp = tempfile.mkdtemp(prefix="aesara-bench-scan-")
    pyc = os.path.join(tmp, "pycache")
    results: dict = {}
    try:
        for lib in LIBS:
            # Fill the private bytecode cache first (as an install would have it).
            if run_child(lib, os.path.join(tmp, f"prime-{lib}"), pyc) is None:
                results[lib] = None
                continue
            cold = []
            for i in range(repeat):
                d = os.path.join(tmp, f"{lib}-cold{i}")
                cold.append(run_child(lib, d, pyc)["compile"])
                shutil.rmtree(d, ignore_errors=True)
            d = os.path.join(tmp, f"{lib}-warm")
            run_child(lib, d, pyc)  # fills the cache
            warm = [run_child(lib, d, pyc)["compile"] for _ in range(repeat)]
            results[lib] = {
                "cold": statistics.median(cold),
                "warm": statistics.median(warm),
            }
    finally:
        shutil.rmtree(tmp, ignore_errors=True)

    print(f"\nCompile time of the 100-step scan, fresh process, s (median of {repeat})")
    print(
        f"{'cache':5} {'aesara':>7} {'pytensor':>8} {'jax':>7} {'ae/pt':>6} {'ae/jax':>6}"
    )
    for mode in ("cold", "warm"):
        vals = {lib: (results[lib] or {}).get(mode) for lib in LIBS}
        ae, pt, jx = vals["aesara"], vals["pytensor"], vals["jax"]

        def fmt(v):
            return "      -" if v is None else f"{v:7.3f}"

        r_pt = f"{ae / pt:6.3f}" if ae and pt else "     -"
        r_jx = f"{ae / jx:6.2f}" if ae and jx else "     -"
        print(f"{mode:5} {fmt(ae)} {fmt(pt):>8} {fmt(jx)} {r_pt} {r_jx}")
        for lib, v in vals.items():
            if v is not None:
                record(f"5 compile scan100 {mode}", lib, "compile time", v, "s")
    for lib in LIBS:
        if results[lib] is None:
            print(f"note: {lib} is not installed: skipped")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("rounds", nargs="?", type=int, default=15)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--no-compile", action="store_true")
    parser.add_argument("--child", nargs=2, metavar=("LIB", "DIR"))
    args = parser.parse_args()
    if args.child:
        print(json.dumps(child(*args.child)))
        return
    run_times(args.rounds)
    if not args.no_compile:
        compile_times(args.repeat)


if __name__ == "__main__":
    main()
