"""The C lazy VM loop (``CStack``, the runtime's ``CLazyLoop``).

It must evaluate exactly what the Python ``Stack`` VM evaluates: the same
values, the same nodes skipped, in-place nodes after the readers of what
they overwrite. Random graphs with nested ``ifelse``, several outputs and
their gradients are fuzzed against the Python VM.
"""

from __future__ import annotations

import numpy as np
import pytest

import aesara
import aesara.tensor as at
from aesara.compile.mode import Mode
from aesara.graph.basic import Apply
from aesara.graph.op import Op
from aesara.ifelse import IfElse, ifelse
from aesara.link.c.compiler import c_compiler_available
from aesara.link.c.linker import CStack, CVMLinker
from aesara.link.vm import Stack, VMLinker

pytestmark = pytest.mark.skipif(
    not c_compiler_available(), reason="the C lazy loop needs a working C compiler"
)


def _modes(allow_gc: bool):
    c_mode = Mode(CVMLinker(lazy=True, allow_gc=allow_gc), "fast_run")
    py_mode = Mode(VMLinker(lazy=True, allow_gc=allow_gc), "fast_run")
    return c_mode, py_mode


def _random_graph(rng: np.random.Generator, x, y, conds):
    """A few outputs built from element-wise work, reductions and nested ifelse."""
    pool = [x, y, x * y, at.exp(-(x**2))]

    def pick():
        return pool[rng.integers(len(pool))]

    for _ in range(rng.integers(4, 9)):
        kind = rng.integers(5)
        a, b = pick(), pick()
        if kind == 0:
            v = a + b * 0.5
        elif kind == 1:
            v = at.tanh(a) - b
        elif kind == 2:
            c = conds[rng.integers(len(conds))]
            v = ifelse(c, a * 2.0, b - 1.0)
        elif kind == 3:
            c1, c2 = conds[rng.integers(len(conds))], conds[rng.integers(len(conds))]
            v = ifelse(c1, ifelse(c2, a, b + 3.0), at.sin(a) * b)
        else:
            # A value some node may overwrite in place (set_subtensor).
            v = at.set_subtensor((a + 1.0)[0], b.sum())
        pool.append(v)
    outs = pool[4:]
    chosen = [
        outs[i] for i in rng.choice(len(outs), size=min(3, len(outs)), replace=False)
    ]
    cost = sum(o.sum() for o in chosen)
    return chosen + [aesara.grad(cost, x)]


@pytest.mark.parametrize("allow_gc", [True, False])
def test_random_lazy_graphs_match_the_python_stack(allow_gc):
    c_mode, py_mode = _modes(allow_gc)
    rng = np.random.default_rng(20261208)
    used_c = 0
    for trial in range(12):
        x, y = at.dvector("x"), at.dvector("y")
        conds = [at.iscalar(f"c{k}") for k in range(2)]
        outs = _random_graph(rng, x, y, conds)
        kw = dict(on_unused_input="ignore")
        f_c = aesara.function([x, y, *conds], outs, mode=c_mode, **kw)
        f_py = aesara.function([x, y, *conds], outs, mode=py_mode, **kw)
        assert type(f_py.vm) is Stack
        used_c += isinstance(f_c.vm, CStack)
        for _ in range(4):
            xv, yv = rng.normal(size=4), rng.normal(size=4)
            cv = [int(v) for v in rng.integers(0, 2, size=2)]
            got = f_c(xv, yv, *cv)
            want = f_py(xv, yv, *cv)
            for k, (g, w) in enumerate(zip(got, want)):
                np.testing.assert_allclose(g, w, err_msg=f"trial {trial}, output {k}")
    assert used_c >= 6


class LazyChoose(Op):
    """A lazy op other than IfElse: ``x if c else y``, asking only for the one it needs."""

    __props__ = ()

    def make_node(self, c, x, y):
        c, x, y = map(at.as_tensor_variable, (c, x, y))
        return Apply(self, [c, x, y], [x.type()])

    def perform(self, node, inputs, output_storage, params=None):
        c, x, y = inputs
        output_storage[0][0] = np.array(x if c else y, copy=True)

    def make_thunk(self, node, storage_map, compute_map, no_recycling, impl=None):
        ins = [storage_map[v] for v in node.inputs]
        flags = [compute_map[v] for v in node.inputs]
        out, out_flag = storage_map[node.outputs[0]], compute_map[node.outputs[0]]

        def thunk():
            if not flags[0][0]:
                return [0]
            k = 1 if ins[0][0] else 2
            if not flags[k][0]:
                return [k]
            out[0] = np.array(ins[k][0], copy=True)
            out_flag[0] = True
            return []

        thunk.lazy = True
        thunk.inputs, thunk.outputs = ins, [out]
        return thunk


class Recorder(Op):
    """``x + 1``, recording each call."""

    __props__ = ("tag",)
    log: list = []

    def __init__(self, tag):
        self.tag = tag

    def make_node(self, x):
        x = at.as_tensor_variable(x)
        return Apply(self, [x], [x.type()])

    def perform(self, node, inputs, output_storage, params=None):
        Recorder.log.append(self.tag)
        output_storage[0][0] = inputs[0] + 1


def test_user_lazy_op_runs_lazily_in_the_c_loop():
    c, x = at.iscalar("c"), at.dvector("x")
    out = LazyChoose()(c, Recorder("then")(x), Recorder("else")(x))
    f = aesara.function([c, x], out, mode=Mode(CVMLinker(lazy=True), None))
    assert isinstance(f.vm, CStack)
    Recorder.log.clear()
    np.testing.assert_allclose(f(1, np.zeros(2)), [1.0, 1.0])
    assert Recorder.log == ["then"]
    Recorder.log.clear()
    np.testing.assert_allclose(f(0, np.ones(2)), [2.0, 2.0])
    assert Recorder.log == ["else"]


def test_ifelse_of_non_arrays_takes_the_python_thunk():
    """Scalars (not arrays) are copied by the op's own thunk: same values."""
    import aesara.scalar as aes

    c = at.iscalar("c")
    a, b = aes.float64("a"), aes.float64("b")
    out = ifelse(c, a * 2, b - 1)
    f = aesara.function([c, a, b], out, mode=Mode(CVMLinker(lazy=True), "fast_run"))
    assert isinstance(f.vm, CStack)
    assert f(1, 3.0, 5.0) == 6.0
    assert f(0, 3.0, 5.0) == 4.0


@pytest.mark.parametrize("as_view", [False, True])
def test_ifelse_copies_unless_a_view(as_view):
    c = at.iscalar("c")
    x = at.dvector("x")
    op = IfElse(1, as_view=as_view)
    out = op(c, x, x + 1.0)
    f = aesara.function(
        [c, aesara.In(x, borrow=True)],
        aesara.Out(out, borrow=True),
        mode=Mode(CVMLinker(lazy=True), None),
    )
    assert isinstance(f.vm, CStack)
    xv = np.arange(3.0)
    r = f(1, xv)
    np.testing.assert_allclose(r, xv)
    assert np.shares_memory(r, xv) == as_view
    np.testing.assert_allclose(f(0, xv), xv + 1.0)


def test_errors_name_the_failing_node():
    c, x = at.iscalar("c"), at.dvector("x")
    bad = at.specify_shape(x, (3,))
    out = ifelse(c, bad * 2.0, x)
    f = aesara.function([c, x], out, mode=Mode(CVMLinker(lazy=True), None))
    assert isinstance(f.vm, CStack)
    np.testing.assert_allclose(f(0, np.ones(2)), [1.0, 1.0])  # branch not taken
    with pytest.raises(AssertionError, match="SpecifyShape") as info:
        f(1, np.ones(2))
    assert "Apply node that caused the error" in str(info.value)
    # The function still works after an error.
    np.testing.assert_allclose(f(1, np.ones(3)), [2.0, 2.0, 2.0])


def test_output_subset_and_fast_call():
    c, x = at.iscalar("c"), at.dvector("x")
    outs = [ifelse(c, x * 2.0, x - 1.0), x.sum()]
    f = aesara.function([c, x], outs, mode=Mode(CVMLinker(lazy=True), "fast_run"))
    assert isinstance(f.vm, CStack)
    assert f._fast_call is not None
    xv = np.arange(3.0)
    r0, r1 = f(1, xv)
    np.testing.assert_allclose(r0, xv * 2)
    assert r1 == 3.0
    (only,) = f(0, xv, output_subset=[0])
    np.testing.assert_allclose(only, xv - 1.0)


def test_scan_inner_lazy_graph_runs_in_c():
    """A scan whose step holds an ifelse: its inner VM is the C lazy loop,
    and the loop's values are the Python VM's."""
    x = at.dvector("x")

    def step(v, acc):
        return ifelse(at.gt(v, 0.0), acc + v, acc * 0.5)

    res, _ = aesara.scan(
        step, sequences=[x], outputs_info=[at.constant(1.0, dtype="float64")]
    )
    c_mode, py_mode = _modes(True)
    f_c = aesara.function([x], [res, aesara.grad(res[-1], x)], mode=c_mode)
    f_py = aesara.function([x], [res, aesara.grad(res[-1], x)], mode=py_mode)
    xv = np.array([0.5, -1.0, 2.0, -0.25, 3.0])
    for g, w in zip(f_c(xv), f_py(xv)):
        np.testing.assert_allclose(g, w)
    scans = [n for n in f_c.maker.fgraph.apply_nodes if type(n.op).__name__ == "Scan"]
    assert scans
    assert any(isinstance(n.op.fn.vm, CStack) for n in scans)
