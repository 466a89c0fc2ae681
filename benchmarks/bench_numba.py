"""The Numba backend (mode ``"NUMBA"``) next to PyTensor's NUMBA mode and aesara's C mode.

Reports, in one run:

* compile time (building the function and its first call) of the
  logistic-regression gradient, of the fused element-wise workload and of
  a ``scan`` (``h = tanh(W @ h)``, W 10x10, 1000 steps, last state),
  cold (empty caches) and warm (caches filled by the cold run), each in a
  fresh process;
* run time of the element-wise workload ``exp(x)*sin(y)+log1p(z**2)-tanh(x*y)``
  (three float64 vectors of 1e7 elements; ``--small``: 1e6) and of the
  logistic-regression gradient (X 1000x100) and of the scan;
* the call overhead of ``f(a, b) = a + b`` on float64 scalars.

Ratios are against aesara's NUMBA mode. PyTensor's rows appear when it is
importable.

Run::

    python benchmarks/bench_numba.py [--small]
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
import timeit

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
sys.path.insert(0, REPO)

from benchmarks._results import record  # noqa: E402

N_ROWS, N_COLS = 1000, 100
SCAN_SIZE, SCAN_STEPS = 10, 1000


# ---------------------------------------------------------------------------
# Graphs, built the same way with aesara or pytensor
# ---------------------------------------------------------------------------


def _lib(name: str):
    if name == "aesara":
        import aesara as lib
        import aesara.tensor as t
    else:
        import pytensor as lib
        import pytensor.tensor as t
    return lib, t


def logreg(name: str, mode: str):
    lib, t = _lib(name)
    X, y, w = t.dmatrix("X"), t.dvector("y"), t.dvector("w")
    p = t.sigmoid(X @ w)
    loss = -t.sum(y * t.log(p) + (1 - y) * t.log(1 - p))
    return lib.function([X, y, w], lib.grad(loss, w), mode=mode)


def elemwise(name: str, mode: str):
    lib, t = _lib(name)
    x, y, z = t.dvector("x"), t.dvector("y"), t.dvector("z")
    out = t.exp(x) * t.sin(y) + t.log1p(z**2) - t.tanh(x * y)
    return lib.function([x, y, z], out, mode=mode)


def scalar_add(name: str, mode: str):
    lib, t = _lib(name)
    a, b = t.dscalar("a"), t.dscalar("b")
    return lib.function([a, b], a + b, mode=mode)


def scan_tanh(name: str, mode: str):
    lib, t = _lib(name)
    h0, W = t.dvector("h0"), t.dmatrix("W")
    out, _ = lib.scan(
        lambda h, W: t.tanh(W @ h),
        outputs_info=h0,
        non_sequences=W,
        n_steps=SCAN_STEPS,
    )
    return lib.function([h0, W], out[-1], mode=mode)


def scan_data():
    rng = np.random.default_rng(2)
    return rng.normal(size=SCAN_SIZE), rng.normal(size=(SCAN_SIZE, SCAN_SIZE)) * 0.3


def scan_numpy(h, W):
    for _ in range(SCAN_STEPS):
        h = np.tanh(W @ h)
    return h


def logreg_data():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(N_ROWS, N_COLS))
    y = (rng.random(N_ROWS) < 0.5).astype("float64")
    w = rng.normal(size=N_COLS) * 0.1
    return X, y, w


def logreg_numpy(X, y, w):
    p = 1.0 / (1.0 + np.exp(-(X @ w)))
    return X.T @ (p - y)


def elemwise_data(n: int):
    rng = np.random.default_rng(1)
    return [rng.random(n) for _ in range(3)]


def elemwise_numpy(x, y, z):
    return np.exp(x) * np.sin(y) + np.log1p(z**2) - np.tanh(x * y)


WORKLOADS = {
    "logreg": (logreg, logreg_data),
    "elemwise": (elemwise, None),
    "scan": (scan_tanh, scan_data),
}
IMPLS = {
    "aesara NUMBA": ("aesara", "NUMBA"),
    "pytensor NUMBA": ("pytensor", "NUMBA"),
    "aesara C": ("aesara", "FAST_RUN"),
}


# ---------------------------------------------------------------------------
# Compile time, measured in fresh processes
# ---------------------------------------------------------------------------


def child_compile(impl: str, workload: str) -> None:
    """Build and call once (in this fresh process); print the seconds taken."""
    name, mode = IMPLS[impl]
    build, make_data = WORKLOADS[workload]
    args = make_data() if make_data else elemwise_data(1000)
    _lib(name)  # imports are not compile time
    if mode == "NUMBA":
        # Nor is importing Numba (``import pytensor`` already does it).
        import numba  # noqa: F401
    t0 = time.perf_counter()
    f = build(name, mode)
    f(*args)
    print(json.dumps({"seconds": time.perf_counter() - t0}))


def _have_pytensor() -> bool:
    try:
        import pytensor  # noqa: F401
    except ImportError:
        return False
    return True


def compile_times(impls: list[str]) -> dict:
    """``{(impl, workload): (cold, warm)}``, each in a fresh process."""
    out = {}
    for impl in impls:
        for workload in WORKLOADS:
            with tempfile.TemporaryDirectory() as tmp:
                env = dict(os.environ)
                # Every cache starts empty: aesara's and PyTensor's compile
                # directories (PyTensor keeps its Numba cache there) and
                # Numba's own.
                env["AESARA_FLAGS"] = f"base_compiledir={tmp}/aesara"
                env["PYTENSOR_FLAGS"] = f"base_compiledir={tmp}/pytensor"
                env["NUMBA_CACHE_DIR"] = f"{tmp}/numba"
                times = []
                for _ in ("cold", "warm"):
                    proc = subprocess.run(
                        [sys.executable, __file__, "--child", impl, workload],
                        env=env,
                        capture_output=True,
                        text=True,
                        cwd=REPO,
                    )
                    if proc.returncode != 0:
                        raise RuntimeError(f"{impl} {workload}: {proc.stderr[-2000:]}")
                    times.append(
                        json.loads(proc.stdout.strip().splitlines()[-1])["seconds"]
                    )
                out[impl, workload] = tuple(times)
    return out


# ---------------------------------------------------------------------------
# Run time
# ---------------------------------------------------------------------------


def best_ms(fn, number: int, repeat: int = 5) -> float:
    return min(timeit.repeat(fn, number=number, repeat=repeat)) / number * 1e3


def run_times(impls: list[str], n: int) -> dict:
    X, y, w = logreg_data()
    xs = elemwise_data(n)
    out = {("numpy", "logreg"): best_ms(lambda: logreg_numpy(X, y, w), 50)}
    out["numpy", "elemwise"] = best_ms(lambda: elemwise_numpy(*xs), 1, 3)
    out["numpy", "add"] = best_ms(lambda: 1.5 + 2.5, 100000) * 1e3
    hs, Ws = scan_data()
    out["numpy", "scan"] = best_ms(lambda: scan_numpy(hs, Ws), 5)
    for impl in impls:
        name, mode = IMPLS[impl]
        f = logreg(name, mode)
        np.testing.assert_allclose(f(X, y, w), logreg_numpy(X, y, w), rtol=1e-8)
        out[impl, "logreg"] = best_ms(lambda f=f: f(X, y, w), 50)
        g = elemwise(name, mode)
        np.testing.assert_allclose(g(*xs), elemwise_numpy(*xs), rtol=1e-10)
        out[impl, "elemwise"] = best_ms(lambda g=g: g(*xs), 1, 3)
        h = scalar_add(name, mode)
        assert h(1.5, 2.5) == 4.0
        out[impl, "add"] = best_ms(lambda h=h: h(1.5, 2.5), 20000) * 1e3
        s = scan_tanh(name, mode)
        np.testing.assert_allclose(s(hs, Ws), scan_numpy(hs, Ws), rtol=1e-8)
        out[impl, "scan"] = best_ms(lambda s=s: s(hs, Ws), 20)
    return out


def main() -> None:
    small = "--small" in sys.argv
    n = 10**6 if small else 10**7
    impls = [i for i in IMPLS if not i.startswith("pytensor") or _have_pytensor()]
    comp = compile_times(impls)
    runs = run_times(impls, n)
    base = "aesara NUMBA"

    print("compile time (build + first call, fresh process), seconds")
    print(
        f"{'impl':<16} {'workload':<10} {'cold':>7} {'warm':>7} {'cold/aes':>9} {'warm/aes':>9}"
    )
    for (impl, workload), (cold, warm) in comp.items():
        bc, bw = comp[base, workload]
        print(
            f"{impl:<16} {workload:<10} {cold:>7.2f} {warm:>7.2f} "
            f"{cold / bc:>9.2f} {warm / bw:>9.2f}"
        )
        key = impl.replace(" ", "_")
        record(f"numba compile {workload}", key, "cold compile", cold, "s")
        record(f"numba compile {workload}", key, "warm compile", warm, "s")

    print()
    print(f"run time (elemwise: 3 x {n:.0e} float64; logreg: X {N_ROWS}x{N_COLS})")
    print(f"{'impl':<16} {'workload':<10} {'time':>12} {'x aesara NUMBA':>15}")
    units = {"logreg": "ms", "elemwise": "ms", "add": "us", "scan": "ms"}
    for (impl, workload), t in runs.items():
        ratio = t / runs[base, workload]
        print(
            f"{impl:<16} {workload:<10} {t:>9.3f} {units[workload]:<2} {ratio:>15.2f}"
        )
        record(
            f"numba run {workload}", impl.replace(" ", "_"), "time", t, units[workload]
        )


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "--child":
        child_compile(" ".join(sys.argv[2:-1]), sys.argv[-1])
    else:
        main()
