"""The profile summary of compiled functions: sections, numbers, exit printing."""

from __future__ import annotations

import io
import os
import re
import subprocess
import sys
import textwrap

import numpy as np
import pytest

import aesara
import aesara.tensor as at
from aesara.compile.mode import Mode
from aesara.compile.profiling import ProfileStats, register_profiler_printer
from aesara.configdefaults import config

N_CALLS = 4


def _profiled(linker: str = "cvm", **flags):
    x = at.dmatrix("x")
    y = at.dmatrix("y")
    out = at.exp(x) * y + at.dot(x, y).sum()
    with config.change_flags(**flags):
        f = aesara.function(
            [x, y], out, profile=True, name="prof_fn", mode=Mode(linker=linker)
        )
        a = np.ones((20, 20))
        for _ in range(N_CALLS):
            f(a, a)
    return f


@pytest.mark.parametrize("linker", ["cvm", "vm", "vm_nogc", "cvm_nogc"])
def test_counts_and_times_are_consistent(linker):
    f = _profiled(linker)
    p = f.profile
    assert isinstance(p, ProfileStats)
    assert p.fct_callcount == N_CALLS
    nodes = f.maker.fgraph.apply_nodes
    assert p.nb_nodes == len(nodes)
    assert {n for _, n in p.apply_callcount} == set(nodes)
    assert set(p.apply_callcount.values()) == {N_CALLS}
    thunk_time = sum(p.apply_time.values())
    assert 0 < thunk_time <= p.vm_call_time <= p.fct_call_time
    assert p.compile_time >= p.rewriting_time + p.linker_time > 0
    # Aggregates agree with the per-node numbers.
    assert sum(p.op_callcount().values()) == N_CALLS * len(nodes)
    assert sum(p.class_nodes().values()) == len(nodes)
    assert sum(p.class_time().values()) == pytest.approx(thunk_time)
    assert sum(p.op_time().values()) == pytest.approx(thunk_time)
    totals = p.compute_total_times()
    out_node = f.maker.fgraph.outputs[0].owner
    assert totals[out_node] == pytest.approx(thunk_time)
    assert p.optimizer_time == p.rewriting_time


def test_linker_without_per_node_timing_says_so():
    # The plain Python linker runs the graph as one function: only whole
    # calls are timed.
    f = _profiled("py")
    assert f.profile.fct_callcount == N_CALLS
    assert f.profile.apply_time == {}
    buf = io.StringIO()
    f.profile.summary(file=buf)
    assert "No execution time accumulated per node" in buf.getvalue()
    assert "\nApply\n" not in buf.getvalue()


def test_summary_sections():
    f = _profiled()
    buf = io.StringIO()
    f.profile.summary(file=buf, n_ops_to_print=2, n_apply_to_print=3)
    text = buf.getvalue()
    for head in (
        "Function profiling",
        "  Message: prof_fn",
        f"  Time in {N_CALLS} calls to Function.__call__:",
        "  Time in Function.vm.__call__:",
        "  Time in thunks:",
        "  Total compilation time:",
        f"    Number of Apply nodes: {len(f.maker.fgraph.apply_nodes)}",
        "    Aesara rewrite time:",
        "Class\n---\n<% time> <sum %> <apply time> <time per call> <type> <#call> "
        "<#apply> <Class name>",
        "Ops\n---\n",
        "Apply\n------\n<% time> <sum %> <apply time> <time per call> <#call> <id> "
        "<Apply name>",
        "Here are tips to potentially make your code run faster",
    ):
        assert head in text, head
    n_nodes = len(f.maker.fgraph.apply_nodes)
    assert f"remaining {n_nodes - 3} Apply instances" in text
    assert "aesara.tensor.blas.Dot22" in text or "Dot" in text
    # Apply rows: cumulative % ends at or below 100 and call counts are exact.
    rows = re.findall(
        r"^\s+([\d.]+)%\s+([\d.]+)%\s+[\d.]+s\s+\S+s\s+(\d+)\s+\d+ ", text, re.M
    )
    assert len(rows) >= 3
    assert all(int(r[2]) == N_CALLS for r in rows)
    cums = [float(r[1]) for r in rows]
    assert cums == sorted(cums) and cums[-1] <= 100.0


def test_no_memory_or_rewriter_section_by_default():
    f = _profiled()
    buf = io.StringIO()
    f.profile.summary(file=buf)
    assert "Memory Profile" not in buf.getvalue()
    assert "Rewriter Profile" not in buf.getvalue()
    assert f.profile.variable_shape == {}


def test_memory_profile():
    f = _profiled(profile_memory=True)
    p = f.profile
    fg = f.maker.fgraph
    dot_node = next(n for n in fg.apply_nodes if "Dot" in type(n.op).__name__)
    assert p.variable_shape[dot_node.outputs[0]] == (20, 20)
    assert p.variable_shape[fg.inputs[0]] == (20, 20)
    assert p.variable_strides[fg.inputs[0]] == (160, 8)
    buf = io.StringIO()
    with config.change_flags(profile_memory=True):
        p.summary(file=buf)
    text = buf.getvalue()
    assert "Memory Profile" in text
    assert "    Max peak memory with current setting\n        CPU: " in text
    assert "    input 0: dtype=float64, shape=(20, 20), strides=(160, 8)" in text
    # A (20, 20) float64 result is 3200 bytes.
    assert re.search(r"\s3200B\s+\[\(20, 20\)\] c ", text)
    peak = int(re.search(r"if allow_gc=False.*\n\s+CPU: (\d+)KB", text).group(1))
    assert peak >= 3  # at least the two 3200B results


def test_rewriter_profile():
    f = _profiled(profile_optimizer=True)
    assert f.profile.rewriter_profile is not None
    buf = io.StringIO()
    f.profile.summary(file=buf)
    text = buf.getvalue()
    assert "Rewriter Profile\n----------------\n" in text
    assert "canonicalize" in text


def test_reset_and_ignore_first_call():
    f = _profiled()
    f.profile.reset()
    assert f.profile.fct_callcount == 0 and f.profile.apply_time == {}
    with config.change_flags(profiling__ignore_first_call=True):
        x = at.dvector("x")
        g = aesara.function([x], at.exp(x), profile=True)
    for _ in range(3):
        g(np.ones(3))
    assert g.profile.fct_callcount == 2
    assert set(g.profile.apply_callcount.values()) == {2}


def test_profiler_printer_and_merge():
    seen = []

    def printer(message, compile_time, fct_call_time, apply_time, cimpl, sizes, file):
        seen.append(message)
        print("EXTRA PRINTER", file=file)

    register_profiler_printer(printer)
    try:
        f = _profiled()
        buf = io.StringIO()
        f.profile.summary(file=buf)
    finally:
        from aesara.compile import profiling

        profiling._profiler_printers.remove(printer)
    assert seen == ["prof_fn"] and "EXTRA PRINTER" in buf.getvalue()
    g = _profiled()
    total = ProfileStats.merged([f.profile, g.profile], message="both")
    assert total.fct_callcount == 2 * N_CALLS
    assert total.fct_call_time == pytest.approx(
        f.profile.fct_call_time + g.profile.fct_call_time
    )
    with pytest.raises(TypeError, match="callable"):
        register_profiler_printer(3)


def test_profile_named_by_a_string():
    x = at.dvector("x")
    f = aesara.function([x], at.exp(x), profile="my profile")
    f(np.ones(2))
    assert isinstance(f.profile, ProfileStats)
    assert f.profile.message == "my profile"
    assert f.profile.fct_callcount == 1


def test_unprofiled_function_has_no_profile_path():
    x = at.dvector("x")
    f = aesara.function([x], at.exp(x), profile=False)
    assert f.profile is None
    assert type(f._fast_call).__name__ != "_ProfiledCall"
    assert getattr(f.vm, "time_thunks", False) is False
    assert getattr(f.vm, "record_shapes", False) is False


def test_config_profile_prints_at_exit(tmp_path):
    code = textwrap.dedent(
        """
        import numpy as np, aesara, aesara.tensor as at
        x = at.dvector("x")
        f = aesara.function([x], at.exp(x).sum(), name="exit_fn")
        g = aesara.function([x], x * 2, name="other_fn")
        f(np.ones(3)); f(np.ones(3)); g(np.ones(3))
        """
    )
    env = dict(os.environ)
    root = os.path.dirname(os.path.dirname(os.path.abspath(aesara.__file__)))
    env["PYTHONPATH"] = os.pathsep.join(p for p in (root, env.get("PYTHONPATH")) if p)
    env["AESARA_FLAGS"] = (
        env.get("AESARA_FLAGS", "") + ",profile=True,profiling__destination=stdout"
    ).lstrip(",")
    out = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
        timeout=300,
    )
    assert out.returncode == 0, out.stderr
    text = out.stdout
    assert "Message: exit_fn" in text
    assert "Time in 2 calls to Function.__call__" in text
    assert "Message: other_fn" in text
    assert "Sum of all(2) printed profiles at exit." in text
    assert "Time in 3 calls to Function.__call__" in text
