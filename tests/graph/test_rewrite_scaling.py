"""Guards against super-linear work in the FAST_RUN rewrite pipeline.

Nothing here is timed: the tests count work that does not depend on the
machine (nodes walked by topological sorts, node-rewrite attempts, full
validations of the in-place constraints) on graphs of two sizes and check
that doubling the graph at most about doubles the work.
"""

from __future__ import annotations

import random
import sys

import pytest

import aesara.tensor as at
from aesara.compile.function.types import FunctionMaker, std_fgraph
from aesara.compile.mode import get_mode
from aesara.graph import basic as graph_basic
from aesara.graph import destroyhandler, features, fg
from aesara.graph.destroyhandler import DestroyHandler
from aesara.graph.rewriting import _engine
from aesara.tensor.elemwise import Elemwise

MAX_RATIO = 2.5


def chain_graph(n: int):
    """A deep element-wise chain of ``n`` nodes."""
    x, y = at.dvector("x"), at.dvector("y")
    v = x
    unary = [at.exp, at.sin, at.tanh]
    for i in range(n):
        k = i % 4
        if k == 0:
            v = v * y
        elif k == 2:
            v = v + x
        else:
            v = unary[i % 3](v)
    return [x, y], [v]


def ladder_graph(n: int):
    """Element-wise nodes that each feed two others: many in-place candidates
    whose other reader comes later in the order."""
    x, y = at.dvector("x"), at.dvector("y")
    a, b = x, y
    for _ in range(n // 3):
        a, b = at.exp(a) + b, at.sin(a)
    return [x, y], [a, b]


def _rewrite(inputs, outputs, mode):
    graph, _ = std_fgraph(
        [FunctionMaker.wrap_in(i) for i in inputs],
        [FunctionMaker.wrap_out(o) for o in outputs],
    )
    get_mode(mode).optimizer.rewrite(graph)
    return graph


class WorkCounter:
    """Counts machine-independent rewriting work while active."""

    def __init__(self, monkeypatch):
        self.sorted_nodes = 0
        self.attempts = 0
        self.full_validations = 0
        orig_sort = graph_basic.io_toposort

        def counting_sort(*args, **kwargs):
            res = orig_sort(*args, **kwargs)
            self.sorted_nodes += len(res)
            return res

        def counting_dh_sort(*args, **kwargs):
            self.full_validations += 1
            return counting_sort(*args, **kwargs)

        for mod in (fg, features, _engine):
            monkeypatch.setattr(mod, "io_toposort", counting_sort)
        monkeypatch.setattr(destroyhandler, "io_toposort", counting_dh_sort)
        orig_process = _engine.NodeProcessingGraphRewriter.process_node

        def counting_process(rewriter, *args, **kwargs):
            self.attempts += 1
            return orig_process(rewriter, *args, **kwargs)

        monkeypatch.setattr(
            _engine.NodeProcessingGraphRewriter, "process_node", counting_process
        )

    def snapshot(self):
        return (self.sorted_nodes, self.attempts, self.full_validations)


def _work(monkeypatch, build, n, mode):
    counter = WorkCounter(monkeypatch)
    inputs, outputs = build(n)
    graph = _rewrite(inputs, outputs, mode)
    monkeypatch.undo()
    return counter.snapshot(), graph


@pytest.mark.parametrize(
    "build, mode",
    [
        (chain_graph, "FAST_RUN"),
        (ladder_graph, get_mode("FAST_RUN").excluding("fusion")),
    ],
    ids=["chain", "ladder-no-fusion"],
)
def test_rewrite_work_grows_linearly(monkeypatch, build, mode):
    (sort_a, att_a, val_a), _ = _work(monkeypatch, build, 600, mode)
    (sort_b, att_b, val_b), g = _work(monkeypatch, build, 1200, mode)
    assert att_b > 0 and sort_b > 0
    assert sort_b / sort_a < MAX_RATIO, (sort_a, sort_b)
    assert att_b / att_a < MAX_RATIO, (att_a, att_b)
    # Full re-validations of the in-place constraints do not grow with the graph.
    assert val_b <= val_a + 2, (val_a, val_b)
    if build is ladder_graph:
        # The in-place stage really had work to do.
        assert any(
            isinstance(n.op, Elemwise) and n.op.destroy_map for n in g.apply_nodes
        )


def _inplace_signature(graph):
    return sorted(
        (str(n.op), sorted(n.op.destroy_map.items()))
        for n in graph.apply_nodes
        if n.op.destroy_map
    )


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_incremental_validation_matches_full(monkeypatch, seed):
    """The local validation accepts exactly what a full check accepts."""
    rng = random.Random(seed)
    xs = [at.dvector(f"x{i}") for i in range(3)]
    pool = list(xs)
    for _ in range(120):
        r = rng.random()
        a = pool[rng.randrange(max(0, len(pool) - 12), len(pool))]
        b = pool[rng.randrange(len(pool))]
        if r < 0.4:
            v = [at.add, at.mul, at.sub][rng.randrange(3)](a, b)
        elif r < 0.8:
            v = [at.exp, at.sin, at.neg][rng.randrange(3)](a)
        else:
            v = at.set_subtensor(a[1:], b[:-1])
        pool.append(v)
    used = {i for v in pool if v.owner for i in v.owner.inputs}
    outputs = [v for v in pool[3:] if v not in used]
    mode = get_mode("FAST_RUN").excluding("fusion")
    fast = _rewrite(xs, outputs, mode)
    monkeypatch.setattr(DestroyHandler, "incremental", False)
    full = _rewrite(xs, outputs, mode)
    assert _inplace_signature(fast) == _inplace_signature(full)
    assert _inplace_signature(fast)
    fast.check_integrity()


def test_deep_chain_does_not_hit_the_recursion_limit():
    """A 2,000-node chain is rewritten under a low recursion limit."""
    inputs, outputs = chain_graph(2000)
    old = sys.getrecursionlimit()
    sys.setrecursionlimit(1000)
    try:
        graph = _rewrite(inputs, outputs, "FAST_RUN")
    finally:
        sys.setrecursionlimit(old)
    assert len(graph.apply_nodes) < 10
