"""Import time (workload 6): ``import aesara`` next to NumPy, PyTensor and JAX.

Each figure is the median, over several fresh interpreters, of the time one
``import`` statement takes (measured inside the child, so interpreter
start-up is not counted). Runs alternate between the libraries so that a
change in the machine's load hits them alike. Children write their bytecode
to a private ``__pycache__`` prefix, filled by a first, untimed run, as an
installed package would have it. NumPy's figure is the floor: every library
here imports it. Run::

    /tmp/ptenv/bin/python benchmarks/bench_import.py [--repeat N]
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, REPO)

from benchmarks._results import record  # noqa: E402

# (implementation name in the summary, statement timed)
LIBS = (
    ("numpy", "import numpy"),
    ("aesara", "import aesara"),
    ("aesara tensor", "import aesara.tensor"),
    ("pytensor", "import pytensor"),
    ("jax", "import jax"),
)
_CHILD = "import time; t = time.perf_counter(); {stmt}; print(time.perf_counter() - t)"


def _env(pyc: str) -> dict:
    env = dict(os.environ)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env["PYTHONPYCACHEPREFIX"] = pyc
    env["PYTHONPATH"] = REPO + os.pathsep + env.get("PYTHONPATH", "")
    return env


def time_import(stmt: str, env: dict) -> float | None:
    """Seconds ``stmt`` takes in a fresh interpreter; None when it fails."""
    proc = subprocess.run(
        [sys.executable, "-c", _CHILD.format(stmt=stmt)],
        capture_output=True,
        text=True,
        env=env,
        cwd=REPO,
        timeout=300,
    )
    if proc.returncode != 0:
        return None
    return float(proc.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args()
    tmp = tempfile.mkdtemp(prefix="aesara-bench-import-")
    env = _env(os.path.join(tmp, "pycache"))
    try:
        present = [(impl, stmt) for impl, stmt in LIBS if time_import(stmt, env)]
        times: dict[str, list[float]] = {impl: [] for impl, _ in present}
        for _ in range(args.repeat):
            for impl, stmt in present:
                t = time_import(stmt, env)
                if t is not None:
                    times[impl].append(t)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    print(f"Import time in a fresh interpreter, seconds (median of {args.repeat})")
    base = statistics.median(times["numpy"]) if times.get("numpy") else None
    print(f"{'statement':24} {'median':>7} {'min':>7} {'max':>7} {'x numpy':>8}")
    for impl, stmt in LIBS:
        runs = times.get(impl)
        if not runs:
            print(f"{stmt:24} {'-':>7}  (not installed)")
            continue
        med = statistics.median(runs)
        ratio = f"{med / base:8.2f}" if base else "       -"
        print(f"{stmt:24} {med:7.3f} {min(runs):7.3f} {max(runs):7.3f} {ratio}")
        record("6 import", impl, "import time", med, "s")


if __name__ == "__main__":
    main()
