"""Tests of ``aesara.ifelse``: laziness, types, shapes, derivatives, rewrites."""

from __future__ import annotations

import numpy as np
import pytest

import aesara
import aesara.tensor as at
from aesara.compile.mode import Mode, get_default_mode
from aesara.graph.basic import Apply
from aesara.graph.op import Op
from aesara.ifelse import IfElse, ifelse
from aesara.link.basic import PerformLinker
from aesara.link.c.linker import CVMLinker
from aesara.link.vm import Stack, VMLinker


class CountingOp(Op):
    """Doubles its input and records each call; raises when ``fail``."""

    __props__ = ("tag", "fail")

    def __init__(self, tag: str, fail: bool = False):
        self.tag = tag
        self.fail = fail
        self.calls = 0

    def make_node(self, x):
        x = at.as_tensor_variable(x)
        return Apply(self, [x], [x.type()])

    def perform(self, node, inputs, output_storage, params=None):
        type(self).log.append(self.tag)
        if self.fail:
            raise RuntimeError(f"branch {self.tag} must not run")
        output_storage[0][0] = inputs[0] * 2


CountingOp.log = []


@pytest.fixture(autouse=True)
def _clear_log():
    CountingOp.log.clear()
    yield
    CountingOp.log.clear()


def _no_rewrites(linker):
    return Mode(linker=linker, optimizer=None)


LAZY_MODES = {
    "default": None,
    "vm-lazy": _no_rewrites(VMLinker(lazy=True)),
    "vm-lazy-nogc": _no_rewrites(VMLinker(lazy=True, allow_gc=False)),
    # The same VM with its loop in C (where a compiler works).
    "cvm-lazy": _no_rewrites(CVMLinker(lazy=True)),
    "cvm-lazy-nogc": _no_rewrites(CVMLinker(lazy=True, allow_gc=False)),
}
EAGER_MODES = {
    "py": _no_rewrites(PerformLinker()),
    "vm-eager": _no_rewrites(VMLinker(lazy=False)),
}


@pytest.mark.parametrize("mode", list(LAZY_MODES.values()), ids=list(LAZY_MODES))
def test_untaken_branch_is_never_computed(mode):
    c = at.iscalar("c")
    x = at.dvector("x")
    out = ifelse(c, CountingOp("then")(x), CountingOp("else", fail=True)(x))
    f = aesara.function([c, x], out, mode=mode)
    np.testing.assert_allclose(f(1, [1.0, 2.0]), [2.0, 4.0])
    assert CountingOp.log == ["then"]
    with pytest.raises(RuntimeError, match="else must not run"):
        f(0, [1.0, 2.0])


@pytest.mark.parametrize("mode", list(LAZY_MODES.values()), ids=list(LAZY_MODES))
def test_else_branch_taken_only(mode):
    c = at.iscalar("c")
    x = at.dvector("x")
    out = ifelse(c, CountingOp("then", fail=True)(x), CountingOp("else")(x) + 1)
    f = aesara.function([c, x], out, mode=mode)
    for _ in range(3):
        np.testing.assert_allclose(f(0, [1.0]), [3.0])
    assert CountingOp.log == ["else"] * 3


@pytest.mark.parametrize("mode", list(LAZY_MODES.values()), ids=list(LAZY_MODES))
def test_nested_ifelse_is_lazy(mode):
    a, b = at.iscalars("a", "b")
    x = at.dscalar("x")
    inner = ifelse(b, CountingOp("inner-then")(x), CountingOp("inner-else")(x) + 1)
    out = ifelse(a, inner, CountingOp("outer-else")(x) - 1)
    f = aesara.function([a, b, x], out, mode=mode)
    assert f(1, 1, 3.0) == 6.0
    assert CountingOp.log == ["inner-then"]
    CountingOp.log.clear()
    assert f(1, 0, 3.0) == 7.0
    assert CountingOp.log == ["inner-else"]
    CountingOp.log.clear()
    assert f(0, 1, 3.0) == 5.0
    assert CountingOp.log == ["outer-else"]


@pytest.mark.parametrize("mode", list(LAZY_MODES.values()), ids=list(LAZY_MODES))
def test_shared_subgraph_is_computed_once(mode):
    c = at.iscalar("c")
    x = at.dvector("x")
    common = CountingOp("common")(x)
    out = ifelse(c, common + 1, common * 3)
    f = aesara.function([c, x], [out, common.sum()], mode=mode)
    res, total = f(0, [1.0, 2.0])
    np.testing.assert_allclose(res, [6.0, 12.0])
    assert total == 6.0
    assert CountingOp.log == ["common"]


@pytest.mark.parametrize("mode", list(EAGER_MODES.values()), ids=list(EAGER_MODES))
def test_non_lazy_linkers_give_the_right_value(mode):
    c = at.iscalar("c")
    x = at.dvector("x")
    out = ifelse(c, CountingOp("then")(x), CountingOp("else")(x) + 10)
    f = aesara.function([c, x], out, mode=mode)
    np.testing.assert_allclose(f(1, [1.0]), [2.0])
    np.testing.assert_allclose(f(0, [1.0]), [12.0])
    # Both branches ran: these linkers are not lazy.
    assert sorted(set(CountingOp.log)) == ["else", "then"]


def test_multiple_outputs_list_and_tuple():
    c = at.iscalar("c")
    x = at.dvector("x")
    y = at.dscalar("y")
    outs = ifelse(c, [x, y], [x * 2, y + 1])
    assert isinstance(outs, list) and len(outs) == 2
    f = aesara.function([c, x, y], outs)
    r1 = f(1, [1.0, 2.0], 5.0)
    np.testing.assert_allclose(r1[0], [1.0, 2.0])
    assert r1[1] == 5.0
    r0 = f(0, [1.0, 2.0], 5.0)
    np.testing.assert_allclose(r0[0], [2.0, 4.0])
    assert r0[1] == 6.0
    tup = ifelse(c, (x,), (x * 2,))
    assert isinstance(tup, tuple) and len(tup) == 1


def test_output_is_a_copy_not_the_input():
    c = at.iscalar("c")
    x = at.dvector("x")
    f = aesara.function([c, x], ifelse(c, x, x * 2))
    v = np.array([1.0, 2.0])
    out = f(1, v)
    out[0] = 100.0
    assert v[0] == 1.0


def test_python_literal_branch_takes_other_dtype():
    c = at.iscalar("c")
    x = at.fvector("x")
    out = ifelse(c, x, np.zeros(2))
    assert out.type.dtype == "float32"
    f = aesara.function([c, x], out)
    np.testing.assert_array_equal(f(0, np.ones(2, dtype="float32")), [0.0, 0.0])


def test_type_errors_name_the_output():
    c = at.iscalar("c")
    x = at.dvector("x")
    with pytest.raises(TypeError, match="output 1"):
        ifelse(c, [x, x], [x, at.fvector()])
    with pytest.raises(TypeError, match="same type"):
        ifelse(c, x, at.dmatrix())
    with pytest.raises(ValueError, match="same number"):
        ifelse(c, [x, x], [x])
    with pytest.raises(TypeError, match="scalar"):
        ifelse(x, x, x)
    with pytest.raises(ValueError, match="expected 2 branch values"):
        IfElse(1)(c, x)
    with pytest.raises(ValueError, match="at least 1"):
        IfElse(0)


def test_static_shapes_join():
    c = at.iscalar("c")
    a = at.tensor("float64", shape=(2, 3))
    b = at.tensor("float64", shape=(4, 3))
    out = ifelse(c, a, b)
    assert out.type.shape == (None, 3)
    same = ifelse(c, a, a + 1)
    assert same.type.shape == (2, 3)


def test_infer_shape_picks_the_branch_shape():
    c = at.iscalar("c")
    a = at.dmatrix("a")
    b = at.dmatrix("b")
    out = ifelse(c, a, b)
    f = aesara.function([c, a, b], out.shape)
    np.testing.assert_array_equal(f(1, np.zeros((2, 3)), np.zeros((4, 5))), [2, 3])
    np.testing.assert_array_equal(f(0, np.zeros((2, 3)), np.zeros((4, 5))), [4, 5])
    node = out.owner
    shapes = node.op.infer_shape(None, node, [(), (2, 3), (2, 7)])
    assert shapes[0][0] == 2


def test_grad_routes_to_the_taken_branch():
    c = at.iscalar("c")
    x = at.dvector("x")
    y = at.dvector("y")
    cost = ifelse(c, (x**2).sum(), (3 * y).sum())
    gx, gy = aesara.grad(cost, [x, y])
    f = aesara.function([c, x, y], [gx, gy])
    gx1, gy1 = f(1, [1.0, 2.0], [5.0])
    np.testing.assert_allclose(gx1, [2.0, 4.0])
    np.testing.assert_allclose(gy1, [0.0])
    gx0, gy0 = f(0, [1.0, 2.0], [5.0])
    np.testing.assert_allclose(gx0, [0.0, 0.0])
    np.testing.assert_allclose(gy0, [3.0])
    # The condition is not differentiable: it is disconnected.
    cf = at.dscalar("cf")
    with pytest.raises(aesara.gradient.DisconnectedInputError):
        aesara.grad(ifelse(cf, x.sum(), y.sum()), cf)


def test_rop():
    c = at.iscalar("c")
    x = at.dvector("x")
    v = at.dvector("v")
    out = ifelse(c, x**2, at.zeros_like(x))
    jv = aesara.gradient.Rop(out, x, v)
    f = aesara.function([c, x, v], jv)
    np.testing.assert_allclose(f(1, [1.0, 3.0], [1.0, 1.0]), [2.0, 6.0])
    np.testing.assert_allclose(f(0, [1.0, 3.0], [1.0, 1.0]), [0.0, 0.0])


def _ifelse_nodes(f):
    return [n for n in f.maker.fgraph.apply_nodes if isinstance(n.op, IfElse)]


def test_rewrite_removes_constant_condition():
    x = at.dvector("x")
    for cond, expected in ((1, [2.0]), (0, [3.0])):
        out = ifelse(at.constant(np.int8(cond)), x * 2, x * 3)
        f = aesara.function([x], out)
        assert not _ifelse_nodes(f)
        np.testing.assert_allclose(f([1.0]), expected)


def test_rewrite_removes_identical_branches():
    c = at.iscalar("c")
    x = at.dvector("x")
    y = at.dvector("y")
    a, b = ifelse(c, [x + 1, x], [y, x])
    f = aesara.function([c, x, y], [a, b])
    nodes = _ifelse_nodes(f)
    assert len(nodes) == 1 and nodes[0].op.n_outs == 1
    r = f(0, [1.0], [7.0])
    np.testing.assert_allclose(r[0], [7.0])
    np.testing.assert_allclose(r[1], [1.0])
    out = ifelse(c, x, x)
    f2 = aesara.function([c, x], out)
    assert not _ifelse_nodes(f2)
    np.testing.assert_allclose(f2(0, [4.0]), [4.0])


def test_rewrites_keep_the_output_type():
    x = at.tensor("float64", shape=(2,))
    y = at.dvector("y")
    out = ifelse(at.constant(np.int8(1)), x, y)
    assert out.type.shape == (None,)
    f = aesara.function([x, y], out)
    np.testing.assert_allclose(f(np.ones(2), np.zeros(3)), [1.0, 1.0])


def test_str_and_props():
    assert str(IfElse(2, name="choose")) == "if{choose}"
    assert str(IfElse(1, as_view=True)) == "if{inplace}"
    assert IfElse(2) == IfElse(2, name="other")
    assert IfElse(2) != IfElse(2, as_view=True)
    assert IfElse(1, as_view=True).view_map == {0: [1]}


def test_default_mode_uses_lazy_vm():
    c = at.iscalar("c")
    x = at.dvector("x")
    f = aesara.function([c, x], ifelse(c, x, x * 2), mode=get_default_mode())
    # The Stack VM, with its loop in C where a compiler works.
    assert isinstance(f.vm, Stack)
    assert type(f.vm).__name__ in ("Stack", "CStack")


def test_ifelse_that_skips_nothing_runs_eagerly():
    """When every branch is a graph input, or needed by another output anyway,
    laziness saves nothing: the default mode runs the graph on its eager C
    loop, with the same values."""
    c = at.iscalar("c")
    x, y = at.dvector("x"), at.dvector("y")
    f = aesara.function([c, x, y], ifelse(c, x, y), mode=get_default_mode())
    assert not isinstance(f.vm, Stack)
    np.testing.assert_allclose(f(1, [1.0], [2.0]), [1.0])
    np.testing.assert_allclose(f(0, [1.0], [2.0]), [2.0])

    doubled = CountingOp("doubled")(x)
    g = aesara.function(
        [c, x, y], [ifelse(c, doubled, y), doubled.sum()], mode=get_default_mode()
    )
    assert not isinstance(g.vm, Stack)
    res, total = g(0, [1.0, 2.0], [5.0, 6.0])
    np.testing.assert_allclose(res, [5.0, 6.0])
    assert total == 6.0
    res, _ = g(1, [1.0, 2.0], [5.0, 6.0])
    np.testing.assert_allclose(res, [2.0, 4.0])


def test_lazy_requested_keeps_the_lazy_vm():
    c = at.iscalar("c")
    x, y = at.dvector("x"), at.dvector("y")
    f = aesara.function([c, x, y], ifelse(c, x, y), mode=LAZY_MODES["vm-lazy"])
    assert isinstance(f.vm, Stack)
    np.testing.assert_allclose(f(0, [1.0], [2.0]), [2.0])
    with aesara.config.change_flags(vm__lazy=True):
        g = aesara.function([c, x, y], ifelse(c, x, y), mode=get_default_mode())
    assert isinstance(g.vm, Stack)


@pytest.mark.parametrize("linker", ["cvm", "vm"])
def test_lazy_vm_runs_readers_before_an_in_place_overwrite(linker):
    """An in-place node may overwrite a value only after every other reader
    of it ran (the destroy handler's orderings). Evaluating on demand, the
    lazy VM must honour those orderings itself: here the in-place
    ``set_subtensor`` is requested first, and the lazily read branch needs
    the value it overwrites (this silently broke AeHMC's NUTS chains)."""
    c = at.iscalar("c")
    x = at.dvector("x")
    y = at.cumsum(x)
    z = at.set_subtensor(y[0], 5.0)  # in place on y under fast_run
    branch = ifelse(c, y.sum(), y.prod())
    f = aesara.function(
        [c, x], [z, branch], mode=Mode(linker=linker, optimizer="fast_run")
    )
    assert isinstance(f.vm, Stack)
    assert any(node.op.destroy_map for node in f.maker.fgraph.apply_nodes)
    xv = np.array([0.5, -1.0, 2.0])
    yv = np.cumsum(xv)
    for cond in (1, 0):
        zv, bv = f(cond, xv)
        np.testing.assert_allclose(zv, np.r_[5.0, yv[1:]])
        np.testing.assert_allclose(bv, yv.sum() if cond else yv.prod())
