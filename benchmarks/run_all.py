"""Run every benchmark in this directory and print their tables.

Usage: ``python benchmarks/run_all.py``. Each ``bench_*.py`` script is run in
a fresh process so that compile caches and imports do not leak between them.
"""

from __future__ import annotations

import pathlib
import subprocess
import sys


def main() -> int:
    here = pathlib.Path(__file__).resolve().parent
    status = 0
    for script in sorted(here.glob("bench_*.py")):
        print(f"==> {script.name}", flush=True)
        proc = subprocess.run([sys.executable, str(script)], cwd=here.parent)
        status = status or proc.returncode
        print(flush=True)
    return status


if __name__ == "__main__":
    sys.exit(main())
