"""The rewrite cache: rewritten graphs stored in the compile cache.

The warm-hit tests compile in a NEW process (a subprocess with the same
private ``compiledir``) and compare the optimized graph and the values with
those of a fresh rewrite.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import numpy as np
import pytest

import aesara
import aesara.tensor as at
from aesara.compile import rewrite_cache
from aesara.compile.function import function
from aesara.compile.io import In, SymbolicOutput
from aesara.compile.mode import get_mode
from aesara.compile.rewrite_cache import Uncacheable, graph_key, stats
from aesara.compile.sharedvalue import shared
from aesara.configdefaults import config
from aesara.graph.basic import Apply
from aesara.graph.fg import FunctionGraph
from aesara.graph.op import Op
from aesara.link.c import cache as cache_mod
from aesara.link.c.cache import CompileCache
from aesara.printing import debugprint

REPO = Path(__file__).resolve().parents[2]

# Child: builds the logistic-regression gradient (and a graph with a shared
# variable and an update), compiles both, prints the optimized graphs, the
# values and the cache counters as JSON.
CHILD = textwrap.dedent(
    """
    import json, sys
    import numpy as np
    import aesara, aesara.tensor as at
    from aesara.compile import rewrite_cache
    from aesara.compile.rewrite_cache import stats
    # Other work may edit aesara's sources between the two processes; pin
    # the source fingerprint so the test sees only the graph's own key.
    rewrite_cache._source_fp = "pinned-for-test"
    from aesara.printing import debugprint

    X, y, w = at.dmatrix("X"), at.dvector("y"), at.dvector("w")
    p = at.sigmoid(X @ w)
    loss = -at.sum(y * at.log(p) + (1 - y) * at.log(1 - p))
    g = aesara.grad(loss, w)
    f = aesara.function([X, y, w], g)
    rng = np.random.default_rng(0)
    Xv, yv, wv = rng.normal(size=(20, 5)), (rng.random(20) < 0.5) * 1.0, rng.normal(size=5)

    acc = aesara.shared(np.zeros(3), name="acc")
    v = at.dvector("v")
    h = aesara.function([v], (acc * 2).sum(), updates={acc: acc + v})
    h(np.ones(3)); h(np.ones(3))
    print(json.dumps({
        "graph": debugprint(f, file="str"),
        "graph_h": debugprint(h, file="str"),
        "value": f(Xv, yv, wv).tolist(),
        "acc": acc.get_value().tolist(),
        "h": float(h(np.ones(3))),
        "hits": stats.hits, "misses": stats.misses, "skipped": stats.skipped,
    }))
    """
)


def run_script(compiledir: Path, source: str, *args: str, flags: str = "") -> str:
    """Run ``source`` in a fresh Python process over ``compiledir``; its stdout."""
    env = dict(os.environ)
    env["AESARA_FLAGS"] = f"compiledir={compiledir}" + (f",{flags}" if flags else "")
    env["PYTHONPATH"] = str(REPO) + os.pathsep + env.get("PYTHONPATH", "")
    proc = subprocess.run(
        [sys.executable, "-c", source, *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=600,
    )
    assert proc.returncode == 0, proc.stderr
    return proc.stdout


def run_child(compiledir: Path, flags: str = "") -> dict:
    out = run_script(compiledir, CHILD, flags=flags)
    return json.loads(out.strip().splitlines()[-1])


@pytest.fixture
def private_cache(tmp_path, monkeypatch):
    """This process's default cache over an empty directory."""
    cache = CompileCache(tmp_path / "cc", max_bytes=0)
    monkeypatch.setattr(cache_mod, "_default", cache)
    monkeypatch.setattr(rewrite_cache, "_source_fp", "pinned-for-test")
    stats.reset()
    return cache


def rewrite_entries(cache: CompileCache) -> list:
    return [e for e in cache.entries() if e.meta.get("kind") == "rewritten-graph"]


def test_warm_hit_in_new_process_matches_fresh_rewrite(tmp_path):
    cold = run_child(tmp_path / "cc")
    warm = run_child(tmp_path / "cc")
    off = run_child(tmp_path / "cc2", "rewrite_cache=False")
    assert cold["misses"] == 2 and cold["hits"] == 0
    assert warm["hits"] == 2 and warm["misses"] == 0
    assert off["hits"] == off["misses"] == 0
    for key in ("graph", "graph_h"):
        assert warm[key] == cold[key] == off[key]
    np.testing.assert_allclose(warm["value"], off["value"], rtol=1e-12)
    # The shared variable and its update work on a hit.
    assert warm["acc"] == cold["acc"] == [2.0, 2.0, 2.0]
    assert warm["h"] == cold["h"] == 12.0
    # Stored under the configured compiledir.
    assert len(rewrite_entries(CompileCache(tmp_path / "cc", max_bytes=0))) == 2


def _logreg(scale=1.0):
    X, y, w = at.dmatrix("X"), at.dvector("y"), at.dvector("w")
    p = at.sigmoid(X @ w * scale)
    loss = -at.sum(y * at.log(p) + (1 - y) * at.log(1 - p))
    return [X, y, w], aesara.grad(loss, w)


def _key(inputs, outputs, mode=None, specs=None):
    specs = specs or [In(i) for i in inputs]
    fg = FunctionGraph(
        [s.variable for s in specs], [SymbolicOutput(o).variable for o in outputs]
    )
    return graph_key(fg, get_mode(mode), specs)


def test_key_is_stable_and_changes_with_graph_constant_mode_flag():
    ins, g = _logreg()
    base = _key(ins, [g])
    ins2, g2 = _logreg()
    assert _key(ins2, [g2]) == base  # same graph built again: same key
    ins3, g3 = _logreg(scale=2.0)
    assert _key(ins3, [g3]) != base  # another constant
    x = at.dvector("x")
    assert _key([x], [at.exp(x)]) != _key([x], [at.log(x)])  # another op
    assert _key([x], [x + 1]) != _key([x], [x + np.float64(1.5)])
    assert _key(ins, [g], mode="FAST_COMPILE") != base  # another mode
    assert _key(ins, [g], mode=get_mode(None).excluding("fusion")) != base
    with aesara.config.change_flags(on_opt_error="raise"):
        assert _key(ins, [g]) != base  # another flag
    with pytest.MonkeyPatch.context() as mp:  # edited aesara sources
        mp.setattr(rewrite_cache, "_source_fp", "another-source-tree")
        assert _key(ins, [g]) != base
    # Inputs declared mutable may be overwritten by in-place rewrites.
    specs = [In(ins[0]), In(ins[1], mutable=True), In(ins[2])]
    assert _key(ins, [g], specs=specs) != base


def test_miss_then_hit_in_process_and_changed_graph_misses(private_cache):
    ins, g = _logreg()
    f1 = function(ins, g)
    assert (stats.misses, stats.hits) == (1, 0)
    ins2, g2 = _logreg()
    f2 = function(ins2, g2)
    assert (stats.misses, stats.hits) == (1, 1)
    assert debugprint(f1, file="str") == debugprint(f2, file="str")
    ins3, g3 = _logreg(scale=3.0)
    function(ins3, g3)
    assert (stats.misses, stats.hits) == (2, 1)
    assert len(rewrite_entries(private_cache)) == 2


def test_corrupt_entry_is_rebuilt_without_error(private_cache):
    x = at.dvector("x")
    out = at.exp(x) * 2 + 1
    function([x], out)
    (entry,) = rewrite_entries(private_cache)
    # Same size, other bytes: the manifest digest catches it.
    path = entry.path / "fgraph.pkl"
    path.write_bytes(b"\0" * path.stat().st_size)
    private_cache._verified.clear()
    f = function([x], out)
    np.testing.assert_allclose(f(np.arange(3.0)), np.exp(np.arange(3.0)) * 2 + 1)
    assert stats.misses == 2 and stats.hits == 0
    assert len(rewrite_entries(private_cache)) == 1
    # A well-formed entry whose pickle is garbage: discarded and rebuilt too.
    (entry,) = rewrite_entries(private_cache)
    private_cache.remove(entry.key)

    def build(directory):
        (directory / "fgraph.pkl").write_bytes(b"not a pickle")
        return {"kind": "rewritten-graph"}

    private_cache.get_or_build(entry.key, build)
    f = function([x], out)
    np.testing.assert_allclose(f(np.arange(3.0)), np.exp(np.arange(3.0)) * 2 + 1)
    assert stats.discarded == 1
    function([x], out)
    assert stats.hits == 1


def test_disabled_flag_means_no_cache_use(private_cache):
    x = at.dvector("x")
    with config.change_flags(rewrite_cache=False):
        f = function([x], at.exp(x) + 1)
    np.testing.assert_allclose(f(np.zeros(2)), [2.0, 2.0])
    assert stats.hits == stats.misses == stats.skipped == 0
    assert rewrite_entries(private_cache) == []


def test_shared_variables_and_updates_on_a_hit(private_cache):
    def make():
        s = shared(np.ones(4), name="s")
        x = at.dvector("x")
        return s, function([x], (s * x).sum(), updates=[(s, s + x)])

    s1, f1 = make()
    s2, f2 = make()
    assert stats.hits == 1
    x = np.arange(4.0)
    assert f2(x) == 6.0
    np.testing.assert_allclose(s2.get_value(), 1 + x)
    np.testing.assert_allclose(s1.get_value(), np.ones(4))  # untouched
    # Givens are substituted before rewriting; a different given misses.
    y = at.dvector("y")
    z = at.dvector("z")
    g1 = function([z], y * 2, givens={y: z + 1})
    g2 = function([z], y * 2, givens={y: z - 1})
    np.testing.assert_allclose(g1(np.ones(2)), [4.0, 4.0])
    np.testing.assert_allclose(g2(np.ones(2)), [0.0, 0.0])


class _StatefulOp(Op):
    """An op without ``__props__`` holding an unkeyable object."""

    def __init__(self):
        self.thing = object()

    def make_node(self, x):
        return Apply(self, [x], [x.type()])

    def perform(self, node, inputs, outputs):
        outputs[0][0] = inputs[0].copy()


def test_uncacheable_graph_is_skipped_cleanly(private_cache):
    x = at.dvector("x")
    with pytest.raises(Uncacheable):
        _key([x], [_StatefulOp()(x)])
    f = function([x], _StatefulOp()(x) + 1)
    np.testing.assert_allclose(f(np.zeros(2)), [1.0, 1.0])
    assert stats.skipped == 1 and stats.misses == 0
    assert rewrite_entries(private_cache) == []


TRACE_CHILD = textwrap.dedent(
    """
    import sys
    import numpy as np
    import aesara, aesara.tensor as at
    from aesara.compile import rewrite_cache
    from aesara.compile.rewrite_cache import stats
    rewrite_cache._source_fp = "pinned-for-test"
    pad = int(sys.argv[1])
    exec("\\n" * pad + "x = at.dvector('x'); y = at.dvector('y'); out = at.exp(x) + y",
         {"at": at}, globals())
    f = aesara.function([x, y], out)
    try:
        f(np.ones(3), np.ones(4))
    except ValueError as e:
        msg = str(e)
    else:
        raise SystemExit("no error")
    print("HITS", stats.hits)
    print("LINE", pad + 1, "IN", f"line {pad + 1}" in msg)
    """
)


def test_hit_in_new_process_names_the_callers_line(tmp_path):
    """A cached graph's errors point at the line of the process that compiles it."""
    outs = [run_script(tmp_path / "cc", TRACE_CHILD, str(pad)) for pad in (3, 40)]
    assert "HITS 0" in outs[0] and "HITS 1" in outs[1]
    assert "LINE 4 IN True" in outs[0]
    assert "LINE 41 IN True" in outs[1]


JOINED_TRACE_CHILD = """
import aesara, aesara.tensor as at
from aesara.compile.rewrite_cache import stats
x = at.dvector("x")
y = at.exp(x)
f = aesara.function([x], y * 1)
(node,) = f.maker.fgraph.apply_nodes
print("HITS", stats.hits)
print("LINES", sorted(frames[-1][1] for frames in node.outputs[0].tag.trace))
"""


def test_hit_keeps_a_trace_joined_by_a_rewrite(tmp_path):
    # ``exp(x) * 1 -> exp(x)``: the result carries the lines of both the exp
    # and the product; a hit in a new process must restore both.
    outs = [run_script(tmp_path / "cc", JOINED_TRACE_CHILD) for _ in range(2)]
    assert "HITS 0" in outs[0] and "HITS 1" in outs[1]
    assert "LINES [5, 6]" in outs[0], outs[0]
    assert "LINES [5, 6]" in outs[1], outs[1]


def _scan_graph(coef: float):
    W, h0 = at.dmatrix("W"), at.dvector("h0")
    out, _ = aesara.scan(
        lambda h, W: at.tanh(W @ h) * coef, outputs_info=h0, non_sequences=W, n_steps=5
    )
    return [W, h0], out[-1]


def test_graphs_with_scan_are_cached_and_keyed_by_the_inner_graph(private_cache):
    # Scan keeps a lock and its compiled inner function in its __dict__: the
    # key reads its pickled state instead (the inner graph included).
    ins, out = _scan_graph(1.0)
    f1 = function(ins, out)
    assert stats.skipped == 0 and stats.misses >= 1
    misses = stats.misses
    ins2, out2 = _scan_graph(1.0)
    f2 = function(ins2, out2)
    assert stats.misses == misses and stats.hits >= 1
    ins3, out3 = _scan_graph(2.0)  # another inner graph: another entry
    f3 = function(ins3, out3)
    assert stats.misses > misses
    Wv, hv = np.eye(2) * 0.5, np.array([1.0, -2.0])
    want = hv
    for _ in range(5):
        want = np.tanh(Wv @ want)
    np.testing.assert_allclose(f1(Wv, hv), want)
    np.testing.assert_allclose(f2(Wv, hv), want)
    want3 = hv
    for _ in range(5):
        want3 = np.tanh(Wv @ want3) * 2.0
    np.testing.assert_allclose(f3(Wv, hv), want3)
