"""The closing summary of ``benchmarks/run_all.py``, on synthetic results."""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]


def _load(name: str):
    spec = importlib.util.spec_from_file_location(
        f"_bench_{name}", REPO / "benchmarks" / f"{name}.py"
    )
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up
    spec.loader.exec_module(module)
    return module


run_all = _load("run_all")
results_mod = _load("_results")


def rec(workload, impl, value, unit="us", metric="time per call"):
    return {
        "workload": workload,
        "impl": impl,
        "metric": metric,
        "value": value,
        "unit": unit,
    }


SYNTHETIC = [
    # Workload 1: default met (2 <= 0.5 * 5), trust_input missed (2 > 0.5 * 2.4).
    rec("1 call overhead float64 scalars", "numpy", 0.34),
    rec("1 call overhead float64 scalars", "aesara", 2.0),
    rec("1 call overhead float64 scalars", "aesara trust_input", 2.0),
    rec("1 call overhead float64 scalars", "pytensor", 5.0),
    rec("1 call overhead float64 scalars", "pytensor trust_input", 2.4),
    rec("1 call overhead float64 scalars", "jax", 4.5),
    # NumPy-scalar arguments: 2.5 us, 1.25x the 0-d-array figure (2 us).
    rec("1 call overhead float64 scalars", "aesara numpy_scalars", 2.5),
    rec("1 call overhead float64 scalars", "pytensor numpy_scalars", 10.0),
    # Workload 2 in mixed units: 100 ms vs PyTensor 0.45 s, JAX 130 ms.
    rec("2 fused elemwise 3x1e7", "numpy", 197, "ms"),
    rec("2 fused elemwise 3x1e7", "aesara", 100, "ms"),
    rec("2 fused elemwise 3x1e7", "pytensor", 0.45, "s"),
    rec("2 fused elemwise 3x1e7", "jax", 130_000, "us"),
    # Workload 3: vector met, matrix has no NumPy figure.
    rec("3 grad sum(exp(X@w)) vector", "numpy", 1.0, "ms"),
    rec("3 grad sum(exp(X@w)) vector", "aesara", 1.05, "ms"),
    rec("3 grad sum(exp(X@W)) matrix", "aesara", 300, "ms"),
    # Workload 4: node counts and times in one workload.
    rec("4 logreg grad", "aesara", 8, "nodes", "nodes"),
    rec("4 logreg grad", "pytensor", 7, "nodes", "nodes"),
    rec("4 logreg grad", "aesara", 0.5, "ms"),
    rec("4 logreg grad", "numpy", 0.4, "ms"),
    # Workload 5: one graph cold and warm, the warm JAX figure missing; a
    # graph the summary does not know beforehand.
    rec("5 compile a+b cold", "aesara", 0.5, "s", "compile time"),
    rec("5 compile a+b cold", "pytensor", 3.0, "s", "compile time"),
    rec("5 compile a+b warm", "aesara", 0.01, "s", "compile time"),
    rec("5 compile a+b warm", "pytensor", 0.5, "s", "compile time"),
    rec("5 compile scan100 warm", "aesara", 0.2, "s", "compile time"),
    rec("5 compile scan100 warm", "pytensor", 0.5, "s", "compile time"),
    # Workload 6: import times, NumPy the floor.
    rec("6 import", "numpy", 0.1, "s", "import time"),
    rec("6 import", "aesara", 0.3, "s", "import time"),
    rec("6 import", "aesara tensor", 300, "ms", "import time"),
    rec("6 import", "pytensor", 0.4, "s", "import time"),
    rec("6 import", "jax", 1.2, "s", "import time"),
]


@pytest.fixture
def table(tmp_path):
    path = tmp_path / "results.jsonl"
    lines = [json.dumps(r) for r in SYNTHETIC]
    lines.insert(3, '{"workload": "truncated')  # a script killed mid-write
    path.write_text("\n".join(lines) + "\n")
    rows = run_all.load_results(path)
    assert len(rows) == len(SYNTHETIC)
    summary = run_all.summarize(run_all.index_results(rows))
    return {row[0]: row for row in summary[1:]}, summary


def test_header_and_every_workload_present(table):
    by_label, summary = table
    assert summary[0] == [
        "workload",
        "aesara",
        "x numpy",
        "x pytensor",
        "x jax",
        "target",
        "met",
    ]
    labels = [row[0] for row in summary[1:]]
    for prefix in ("1 call", "2 fused", "3 grad", "4 logreg", "5 compile", "6 import"):
        assert any(label.startswith(prefix) for label in labels), prefix
    # The expected compile graphs appear even with no figure at all.
    assert by_label["5 compile chain20 cold"][1:] == [
        "n/a",
        "n/a",
        "n/a",
        "n/a",
        "<= 0.25x pytensor",
        "n/a",
    ]
    assert "5 compile scan100 warm" in by_label


def test_call_overhead_targets_compare_like_with_like(table):
    by_label, _ = table
    default = by_label["1 call overhead float64 scalars"]
    assert default[1] == "2 us"
    assert default[3] == "0.4x" and default[-1] == "yes"
    trust = by_label["1 call overhead float64 scalars, trust_input"]
    # Against PyTensor's trust_input figure (2.4 us), not its default one.
    assert trust[3] == "0.833x" and trust[-1] == "no"
    # NumPy has no variant: the plain figure is used.
    assert trust[2] == f"{2.0 / 0.34:.3g}x"
    vectors = by_label["1 call overhead float64 vectors (10)"]
    assert vectors[1] == "n/a" and vectors[-1] == "n/a"


def test_numpy_scalar_arguments_compared_with_array_arguments(table):
    by_label, _ = table
    row = by_label["1 call overhead float64 scalars, numpy scalars"]
    assert row[1] == "2.5 us"
    assert row[3] == "0.25x"  # against PyTensor's NumPy-scalar figure
    assert row[5] == "<= 1.5x aesara" and row[-1] == "yes"
    # Over 1.5x the 0-d-array figure fails the line.
    index = run_all.index_results(
        [
            rec("1 call overhead float64 scalars", "aesara", 0.2),
            rec("1 call overhead float64 scalars", "aesara numpy_scalars", 0.4),
        ]
    )
    rows = {r[0]: r for r in run_all.summarize(index)[1:]}
    assert rows["1 call overhead float64 scalars, numpy scalars"][-1] == "no"


def test_import_time_absolute_target_and_peer_ratios(table):
    by_label, _ = table
    row = by_label["6 import aesara"]
    assert row[1:5] == ["300 ms", "3x", "0.75x", "0.25x"]
    assert row[5] == "<= 350 ms" and row[-1] == "yes"
    tensor = by_label["6 import aesara.tensor"]
    assert tensor[1] == "300 ms" and tensor[-2:] == ["-", "-"]
    slow = run_all.index_results([rec("6 import", "aesara", 0.5, "s", "import time")])
    rows = {r[0]: r for r in run_all.summarize(slow)[1:]}
    assert rows["6 import aesara"][-1] == "no"
    assert rows["6 import aesara"][2] == "n/a"


def test_units_are_converted_and_both_targets_needed(table):
    by_label, _ = table
    row = by_label["2 fused elemwise 3x1e7"]
    assert row[1] == "100 ms"
    assert row[2:5] == [f"{100 / 197:.3g}x", f"{100 / 450:.3g}x", f"{100 / 130:.3g}x"]
    assert row[5] == "<= 0.333x pytensor, <= 1x jax"
    assert row[-1] == "yes"


def test_missing_reference_is_na_not_a_failure(table):
    by_label, _ = table
    assert by_label["3 grad sum(exp(X@w)) vector"][-1] == "yes"
    matrix = by_label["3 grad sum(exp(X@W)) matrix"]
    assert matrix[1] == "300 ms" and matrix[2] == "n/a" and matrix[-1] == "n/a"


def test_counts_and_report_only_lines(table):
    by_label, _ = table
    nodes = by_label["4 logreg grad, nodes"]
    assert nodes[1] == "8" and nodes[3] == f"{8 / 7:.3g}x" and nodes[-1] == "no"
    timing = by_label["4 logreg grad, time per call"]
    assert timing[1] == "500 us" and timing[2] == "1.25x"
    assert timing[-2:] == ["-", "-"]


def test_compile_targets(table):
    by_label, _ = table
    assert by_label["5 compile a+b cold"][-1] == "yes"  # 0.5 / 3 <= 0.25
    # Warm: PyTensor met (0.02x), JAX missing -> unknown overall.
    assert by_label["5 compile a+b warm"][-1] == "n/a"
    # A failed condition fails the line even when another is unknown.
    assert by_label["5 compile scan100 warm"][-1] == "no"


def test_format_table_aligns_columns(table):
    _, summary = table
    text = run_all.format_table(summary)
    lines = text.splitlines()
    assert len(lines) == len(summary) + 1
    assert set(lines[1].replace(" ", "")) == {"-"}
    # The "met" column starts at the same place on every line.
    col = lines[0].index("met")
    assert all(
        line[col:].split()[0] in ("met", "yes", "no", "n/a", "-") for line in lines[2:]
    )


def test_empty_or_absent_results_give_all_na(tmp_path):
    rows = run_all.load_results(tmp_path / "missing.jsonl")
    assert rows == []
    summary = run_all.summarize(run_all.index_results(rows))
    assert len(summary) > 10
    assert {row[-1] for row in summary[1:]} <= {"n/a", "-"}


def test_record_appends_json_lines(tmp_path, monkeypatch):
    path = tmp_path / "r.jsonl"
    monkeypatch.delenv("AESARA_BENCH_RESULTS", raising=False)
    results_mod.record("w", "aesara", "time per call", 1.0, "us")  # no file: no-op
    assert not path.exists()
    monkeypatch.setenv("AESARA_BENCH_RESULTS", str(path))
    results_mod.record("w", "aesara", "time per call", 1.5, "us")
    results_mod.record("w", "numpy", "time per call", 3, "us")
    index = run_all.index_results(run_all.load_results(path))
    assert index == {("w", "aesara", "time"): 1.5e-6, ("w", "numpy", "time"): 3e-6}


def test_main_summary_only_and_only_filter(tmp_path, capsys):
    path = tmp_path / "results.jsonl"
    path.write_text("\n".join(json.dumps(r) for r in SYNTHETIC) + "\n")
    assert run_all.main(["--summary-only", str(path)]) == 0
    out = capsys.readouterr().out
    assert "2 fused elemwise 3x1e7" in out and "yes" in out
    assert run_all.main(["--only", "no-such-benchmark"]) == 2
    here = REPO / "benchmarks"
    picked = run_all._scripts(here, ["call_overhead"])
    assert [p.name for p in picked] == ["bench_call_overhead.py"]
