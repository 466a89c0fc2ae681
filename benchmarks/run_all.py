"""Run the benchmarks and print one closing table of the benchmarked workloads.

Usage::

    python benchmarks/run_all.py [--only SUBSTRING ...] [--results FILE]
    python benchmarks/run_all.py --summary-only FILE

Each ``bench_*.py`` script runs in a fresh process (compile caches and imports
do not leak between them) and prints its own table. The scripts also record
their key figures (:func:`benchmarks._results.record`) as JSON lines in the
file named by ``AESARA_BENCH_RESULTS``, which this script sets; at the end it
prints the summary: Aesara's figure for each workload, its ratio to NumPy,
PyTensor and JAX, the target of the issue and whether it is met. Figures a
run did not produce (a peer not installed, a script left out with
``--only``) show as ``n/a``.

Run it with the interpreter that has the peers installed (PyTensor, JAX) to
get their columns. The functions above :func:`main` are pure (no I/O besides
:func:`load_results`) so that the summary logic can be tested on its own.
"""

from __future__ import annotations

import argparse
import json
import os
import pathlib
import subprocess
import sys
import tempfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

__all__ = [
    "Check",
    "checks_for",
    "format_table",
    "index_results",
    "load_results",
    "main",
    "summarize",
]

PEERS = ("numpy", "pytensor", "jax")
TIME_UNITS = {"ns": 1e-9, "us": 1e-6, "µs": 1e-6, "ms": 1e-3, "s": 1.0}
# Graph names of workload 5 expected from bench_compile.py (others that it
# records are shown too).
COMPILE_GRAPHS = ("a+b", "chain20", "logreg")
# Workload 6: ``import aesara`` takes at most this long (seconds).
IMPORT_MAX_S = 0.35
NA = "n/a"


@dataclass(frozen=True)
class Check:
    """One line of the summary: an Aesara figure and its target.

    Parameters
    ----------
    workload
        The recorded workload name.
    label
        What the line shows (the workload, with a variant).
    impl
        The Aesara implementation name (``"aesara"``, ``"aesara trust_input"``).
    kind
        ``"time"`` or ``"count"``: which recorded figure is compared.
    targets
        ``(peer, max_ratio)`` pairs: Aesara's figure must be at most
        ``max_ratio`` times the peer's. Empty for lines that only report.
    variant
        Suffix of the peers' implementation names to compare with first
        (``" trust_input"`` compares against ``"pytensor trust_input"``).
    own_targets
        ``(impl, max_ratio)`` pairs against another implementation name of the
        same workload (an Aesara variant: NumPy-scalar arguments within 1.5x
        of 0-d-array arguments).
    max_value
        An absolute bound on the figure (seconds for times), or ``None``.
    """

    workload: str
    label: str
    impl: str = "aesara"
    kind: str = "time"
    targets: tuple[tuple[str, float], ...] = ()
    variant: str = ""
    own_targets: tuple[tuple[str, float], ...] = ()
    max_value: float | None = None


def load_results(path: str | os.PathLike) -> list[dict]:
    """The records of a results file (one JSON object per line).

    Unreadable lines (e.g. a script killed while writing) are skipped.
    """
    rows = []
    try:
        with open(path, encoding="utf-8") as f:
            lines = f.readlines()
    except OSError:
        return rows
    for line in lines:
        try:
            row = json.loads(line)
        except ValueError:
            continue
        if isinstance(row, dict) and {"workload", "impl", "value", "unit"} <= set(row):
            rows.append(row)
    return rows


def _kind(unit: str) -> str | None:
    if unit in TIME_UNITS:
        return "time"
    if unit in ("nodes", "count"):
        return "count"
    return None


def index_results(rows: Iterable[dict]) -> dict[tuple[str, str, str], float]:
    """``(workload, impl, kind) -> value``, times in seconds; the last record wins."""
    out: dict[tuple[str, str, str], float] = {}
    for row in rows:
        unit = str(row["unit"])
        kind = _kind(unit)
        try:
            value = float(row["value"])
        except (TypeError, ValueError):
            continue
        if kind is None:
            continue
        if kind == "time":
            value *= TIME_UNITS[unit]
        out[str(row["workload"]), str(row["impl"]), kind] = value
    return out


def checks_for(index: dict[tuple[str, str, str], float]) -> list[Check]:
    """The summary lines: the benchmarked workloads, in order."""
    checks: list[Check] = []
    half_pt = (("pytensor", 0.5),)
    for case in ("float64 scalars", "float64 vectors (10)"):
        w = f"1 call overhead {case}"
        checks.append(Check(w, w, targets=half_pt))
        checks.append(
            Check(
                w,
                f"{w}, trust_input",
                impl="aesara trust_input",
                targets=half_pt,
                variant=" trust_input",
            )
        )
        if case == "float64 scalars":
            checks.append(
                Check(
                    w,
                    f"{w}, numpy scalars",
                    impl="aesara numpy_scalars",
                    variant=" numpy_scalars",
                    own_targets=(("aesara", 1.5),),
                )
            )
    w = "2 fused elemwise 3x1e7"
    checks.append(Check(w, w, targets=(("pytensor", 1 / 3), ("jax", 1.0))))
    for w in ("3 grad sum(exp(X@w)) vector", "3 grad sum(exp(X@W)) matrix"):
        checks.append(Check(w, w, targets=(("numpy", 1.1),)))
    w = "4 logreg grad"
    checks.append(Check(w, f"{w}, nodes", kind="count", targets=(("pytensor", 1.0),)))
    checks.append(Check(w, f"{w}, time per call"))
    graphs = list(COMPILE_GRAPHS)
    for workload, _impl, _kind in index:
        if workload.startswith("5 compile ") and workload.endswith((" cold", " warm")):
            graph = workload[len("5 compile ") : -len(" cold")]
            if graph not in graphs:
                graphs.append(graph)
    for graph in graphs:
        w = f"5 compile {graph} cold"
        checks.append(Check(w, w, targets=(("pytensor", 0.25),)))
        w = f"5 compile {graph} warm"
        checks.append(Check(w, w, targets=(("pytensor", 0.1), ("jax", 1.0))))
    w = "6 import"
    checks.append(Check(w, "6 import aesara", max_value=IMPORT_MAX_S))
    checks.append(Check(w, "6 import aesara.tensor", impl="aesara tensor"))
    # Scan run time (bench_scan.py): the targets.
    for w in (
        "7 scan tanh(W@h) 100x100 x100 steps",
        "7 scan tanh(W@h) 10x10 x1000 steps",
    ):
        checks.append(Check(w, w, targets=(("jax", 1.0), ("pytensor", 0.5))))
    # Sparse products (bench_sparse.py): within 1.2x of SciPy (NumPy for the
    # sampled gradient product, which SciPy has no kernel for).
    for w in (
        "8 sparse structured_dot 1e5x1e4 nnz1e6 @ 1e4x64",
        "8 sparse structured_dot grad wrt A data",
    ):
        checks.append(Check(w, w, targets=(("numpy", 1.2),)))
    return checks


def _peer_value(index, check: Check, peer: str) -> float | None:
    for impl in (peer + check.variant, peer):
        value = index.get((check.workload, impl, check.kind))
        if value is not None:
            return value
    return None


def _fmt_value(value: float | None, kind: str) -> str:
    if value is None:
        return NA
    if kind == "count":
        return f"{value:g}"
    for unit, scale in (("s", 1.0), ("ms", 1e-3), ("us", 1e-6)):
        if value >= scale:
            return f"{value / scale:.3g} {unit}"
    return f"{value / 1e-9:.3g} ns"


def _fmt_ratio(ratio: float | None) -> str:
    return NA if ratio is None else f"{ratio:.3g}x"


def summarize(index: dict[tuple[str, str, str], float]) -> list[list[str]]:
    """The summary table's rows (strings), header first.

    Columns: the line, Aesara's figure, its ratio to each peer, the target
    and whether it is met (``yes``, ``no``, or ``n/a`` when a figure it
    needs is missing; ``-`` for lines without a target).
    """
    table = [["workload", "aesara", *(f"x {p}" for p in PEERS), "target", "met"]]
    for check in checks_for(index):
        mine = index.get((check.workload, check.impl, check.kind))
        ratios = {}
        for peer in PEERS:
            ref = _peer_value(index, check, peer)
            ratios[peer] = None if mine is None or not ref else mine / ref
        # Every condition as (text, ratio or figure, bound).
        conditions = [(f"<= {m:.3g}x {p}", ratios[p], m) for p, m in check.targets]
        for impl, m in check.own_targets:
            ref = index.get((check.workload, impl, check.kind))
            ratio = None if mine is None or not ref else mine / ref
            conditions.append((f"<= {m:.3g}x {impl}", ratio, m))
        if check.max_value is not None:
            text = f"<= {_fmt_value(check.max_value, check.kind)}"
            conditions.append((text, mine, check.max_value))
        target = ", ".join(text for text, _, _ in conditions) or "-"
        if not conditions:
            met = "-"
        elif any(value is None for _, value, _ in conditions):
            # A failed condition is a failure even if another is unknown.
            failed = any(value is not None and value > m for _, value, m in conditions)
            met = "no" if failed else NA
        else:
            met = "yes" if all(value <= m for _, value, m in conditions) else "no"
        table.append(
            [
                check.label,
                _fmt_value(mine, check.kind),
                *(_fmt_ratio(ratios[p]) for p in PEERS),
                target,
                met,
            ]
        )
    return table


def format_table(table: Sequence[Sequence[str]]) -> str:
    """Align the rows of :func:`summarize` in columns."""
    widths = [max(len(row[i]) for row in table) for i in range(len(table[0]))]
    lines = []
    for n, row in enumerate(table):
        cells = [
            cell.ljust(w) if i == 0 or i >= len(row) - 2 else cell.rjust(w)
            for i, (cell, w) in enumerate(zip(row, widths))
        ]
        lines.append("  ".join(cells).rstrip())
        if n == 0:
            lines.append("  ".join("-" * w for w in widths))
    return "\n".join(lines)


def _scripts(here: pathlib.Path, only: Sequence[str]) -> list[pathlib.Path]:
    scripts = sorted(here.glob("bench_*.py"))
    if only:
        scripts = [s for s in scripts if any(o in s.name for o in only)]
    return scripts


def main(argv: Sequence[str] | None = None) -> int:
    """Run the benchmarks (or read a results file) and print the summary."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--only",
        action="append",
        default=[],
        metavar="SUBSTRING",
        help="run only the scripts whose file name contains this (repeatable)",
    )
    parser.add_argument(
        "--results", help="keep the recorded figures in this file (JSON lines)"
    )
    parser.add_argument(
        "--summary-only",
        metavar="FILE",
        help="run nothing; print the summary of an existing results file",
    )
    args = parser.parse_args(argv)
    if args.summary_only:
        print(format_table(summarize(index_results(load_results(args.summary_only)))))
        return 0

    here = pathlib.Path(__file__).resolve().parent
    scripts = _scripts(here, args.only)
    if not scripts:
        print(f"no benchmark script matches {args.only}", file=sys.stderr)
        return 2
    if args.results:
        results = pathlib.Path(args.results)
        results.write_text("")
        cleanup = False
    else:
        fd, name = tempfile.mkstemp(prefix="aesara-bench-", suffix=".jsonl")
        os.close(fd)
        results, cleanup = pathlib.Path(name), True
    env = dict(os.environ, AESARA_BENCH_RESULTS=str(results))
    status = 0
    try:
        for script in scripts:
            print(f"==> {script.name}", flush=True)
            proc = subprocess.run(
                [sys.executable, str(script)], cwd=here.parent, env=env
            )
            if proc.returncode:
                print(f"(exit status {proc.returncode})", flush=True)
            status = status or proc.returncode
            print(flush=True)
        print("==> summary (ratios are Aesara's figure over the peer's)")
        print(format_table(summarize(index_results(load_results(results)))))
    finally:
        if cleanup:
            results.unlink(missing_ok=True)
    return status


if __name__ == "__main__":
    sys.exit(main())
