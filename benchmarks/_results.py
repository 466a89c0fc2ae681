"""Shared result recording for the benchmark scripts.

Each ``bench_*.py`` prints its own table and also calls :func:`record` for
the figures the summary needs. When ``run_all.py`` runs the scripts it sets
``AESARA_BENCH_RESULTS`` to a file; :func:`record` appends one JSON line per
figure there, and ``run_all.py`` prints the closing table from them. Run on
its own, a script's ``record`` calls do nothing.
"""

from __future__ import annotations

import json
import os

__all__ = ["record"]


def record(workload: str, impl: str, metric: str, value: float, unit: str) -> None:
    """Remember one figure for the summary table.

    Parameters
    ----------
    workload
        Short workload name, e.g. ``"1 call overhead, float64 scalars"``.
    impl
        ``"numpy"``, ``"aesara"``, ``"pytensor"``, ``"jax"`` (optionally with a
        variant after a space, e.g. ``"aesara trust_input"``).
    metric
        What was measured, e.g. ``"time per call"``, ``"nodes"``.
    value, unit
        The figure (a median) and its unit (``"us"``, ``"ms"``, ``"s"``, ``"nodes"``).
    """
    path = os.environ.get("AESARA_BENCH_RESULTS")
    if not path:
        return
    line = json.dumps(
        {
            "workload": workload,
            "impl": impl,
            "metric": metric,
            "value": float(value),
            "unit": unit,
        }
    )
    with open(path, "a", encoding="utf-8") as f:
        f.write(line + "\n")
