"""MonitorMode calls its callbacks around every node."""

from __future__ import annotations

import pickle

import numpy as np
import pytest

import aesara
import aesara.tensor as at
from aesara.compile.monitormode import MonitorMode, detect_nan


def test_callbacks_see_every_node_in_order():
    x = at.dmatrix("x")
    y = (at.exp(x) + 1).sum(axis=0) * at.dot(x, x).sum()
    seen_pre, seen_post = [], []

    def pre(fgraph, i, node, fn):
        # Before: the outputs are not computed yet, the inputs are.
        assert all(c[0] is not None for c in fn.inputs)
        seen_pre.append((i, node))

    def post(fgraph, i, node, fn):
        assert all(c[0] is not None for c in fn.outputs)
        seen_post.append((i, node, [np.copy(c[0]) for c in fn.outputs]))

    f = aesara.function([x], y, mode=MonitorMode(pre_func=pre, post_func=post))
    value = np.arange(4.0).reshape(2, 2) / 4
    res = f(value)
    g = aesara.function([x], y)
    np.testing.assert_allclose(res, g(value))
    nodes = f.maker.fgraph.toposort()
    assert [n for _, n in seen_pre] == nodes
    assert [n for _, n, _ in seen_post] == nodes
    assert [i for i, _ in seen_pre] == list(range(len(nodes)))
    # The last node's output is the function's result.
    np.testing.assert_allclose(seen_post[-1][2][0], res)


def test_add_pre_and_post_funcs_chain():
    calls = []
    mode = MonitorMode(post_func=lambda *a: calls.append("post1"))
    mode.add_post_func(lambda *a: calls.append("post2"))
    mode.add_pre_func(lambda *a: calls.append("pre"))
    x = at.dvector("x")
    f = aesara.function([x], at.exp(x), mode=mode)
    np.testing.assert_allclose(f(np.zeros(2)), [1.0, 1.0])
    n = len(f.maker.fgraph.apply_nodes)
    assert calls == ["pre", "post1", "post2"] * n
    with pytest.raises(TypeError):
        mode.add_pre_func(3)


def test_detect_nan_prints_the_node(capsys):
    x = at.dvector("x")
    f = aesara.function([x], at.log(x) * 2, mode=MonitorMode(post_func=detect_nan))
    f(np.array([1.0]))
    assert "NaN detected" not in capsys.readouterr().out
    f(np.array([-1.0]))
    out = capsys.readouterr().out
    assert "*** NaN detected ***" in out
    assert "log" in out


def test_optimizer_clone_and_pickle():
    x = at.dvector("x")
    nodes = []
    mode = MonitorMode(
        post_func=lambda fg, i, node, fn: nodes.append(node), optimizer=None
    )
    f = aesara.function([x], at.exp(x) * 1, mode=mode)
    f(np.zeros(2))
    # No rewrite removed the multiplication by one.
    assert nodes == f.maker.fgraph.toposort()
    assert any(str(n.op).startswith("Elemwise{mul") for n in nodes)
    other = mode.including("fast_run")
    assert isinstance(other, MonitorMode) and other.post_func is mode.post_func
    state_mode = MonitorMode(post_func=detect_nan)
    again = pickle.loads(pickle.dumps(state_mode))
    assert again.post_func is detect_nan
    with pytest.raises(ValueError, match="own linker"):
        MonitorMode(linker="py")


def test_lazy_ifelse_runs_lazily():
    from aesara.ifelse import ifelse

    x = at.dvector("x")
    c = at.bscalar("c")
    out = ifelse(c, x.sum(), (x * 2).sum())
    ran = []
    mode = MonitorMode(post_func=lambda fg, i, node, fn: ran.append(node))
    f = aesara.function([c, x], out, mode=mode)
    assert f(1, np.arange(3.0)) == 3.0
    taken = list(ran)
    ran.clear()
    assert f(0, np.arange(3.0)) == 6.0
    # Each call ran the ifelse once and only the branch it needed.
    assert sum(type(n.op).__name__ == "IfElse" for n in taken) == 1
    assert len(taken) < len(f.maker.fgraph.apply_nodes)
    assert set(taken) != set(ran)
