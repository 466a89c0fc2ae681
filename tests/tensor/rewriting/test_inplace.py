"""Tests of the in-place rewrites (Elemwise, IncSubtensor family)."""

from __future__ import annotations

import numpy as np
import pytest

import aesara
import aesara.tensor as at
from aesara.compile.io import In
from aesara.compile.mode import get_default_mode
from aesara.graph.fg import FunctionGraph
from aesara.tensor.elemwise import Elemwise
from aesara.tensor.rewriting.inplace import InplaceElemwiseOptimizer
from aesara.tensor.subtensor import IncSubtensor
from aesara.tensor.subtensor_advanced import AdvancedIncSubtensor, AdvancedIncSubtensor1

MODE = get_default_mode().including("inplace")
NO_INPLACE = get_default_mode().excluding("inplace")


def _destroyers(f):
    return [n for n in f.maker.fgraph.toposort() if n.op.destroy_map]


def test_elemwise_on_intermediate_becomes_inplace():
    x = at.dvector("x")
    y = at.dvector("y")
    t = at.cumsum(x)  # a fresh intermediate: safe to overwrite
    out = at.exp(t) * y
    f = aesara.function([x, y], out, mode=MODE.excluding("fusion"))
    d = _destroyers(f)
    assert d and all(isinstance(n.op, Elemwise) for n in d)
    xv, yv = np.arange(3.0), np.full(3, 2.0)
    np.testing.assert_allclose(f(xv, yv), np.exp(np.cumsum(xv)) * yv)
    np.testing.assert_array_equal(xv, np.arange(3.0))
    np.testing.assert_array_equal(yv, np.full(3, 2.0))


def test_user_inputs_are_never_overwritten():
    x = at.dmatrix("x")
    f = aesara.function([x], at.exp(x) + 1, mode=MODE)
    assert not _destroyers(f)
    xv = np.ones((2, 2))
    f(xv)
    np.testing.assert_array_equal(xv, np.ones((2, 2)))


def test_mutable_input_may_be_overwritten():
    x = at.dvector("x")
    f = aesara.function([In(x, mutable=True)], at.exp(x) + 1, mode=MODE)
    assert _destroyers(f)
    xv = np.zeros(3)
    r = f(xv)
    np.testing.assert_allclose(r, np.full(3, 2.0))


def test_broadcast_input_is_not_destroyed():
    x = at.dvector("x")
    col = at.dmatrix("m")
    t = at.cumsum(x)  # shape (n,) broadcast against a matrix
    out = t * col
    fg = FunctionGraph([x, col], [out])
    InplaceElemwiseOptimizer().rewrite(fg)
    (mul,) = [n for n in fg.apply_nodes if isinstance(n.op, Elemwise)]
    # A bare graph protects nothing: the full-size input is overwritten,
    # never the broadcast one.
    assert mul.op.inplace_pattern == {0: 1}
    assert mul.inputs[1] is fg.inputs[1]


def test_constants_are_not_destroyed():
    x = at.dvector("x")
    c = at.constant(np.arange(3.0))
    out = at.exp(c + 0 * at.cumsum(x))
    f = aesara.function([x], [out, c * 2], mode=MODE.excluding("fusion"))
    for n in _destroyers(f):
        for idxs in n.op.destroy_map.values():
            assert n.inputs[idxs[0]] is not c
    r1, r2 = f(np.ones(3))
    np.testing.assert_allclose(r2, np.arange(3.0) * 2)


def test_value_needed_by_another_reader_stays_correct():
    x = at.dvector("x")
    t = at.cumsum(x)
    a = at.exp(t)
    b = t * 2
    f = aesara.function([x], [a, b], mode=MODE.excluding("fusion"))
    g = aesara.function([x], [a, b], mode=NO_INPLACE)
    xv = np.array([0.1, 0.2, 0.3])
    for r, e in zip(f(xv), g(xv)):
        np.testing.assert_allclose(r, e)


@pytest.mark.parametrize("set_", [True, False])
def test_inplace_setsubtensor(set_):
    x = at.dmatrix("x")
    v = at.dvector("v")
    base = x * 2
    out = at.set_subtensor(base[0], v) if set_ else at.inc_subtensor(base[0], v)
    f = aesara.function([x, v], out, mode=MODE)
    incs = [n for n in f.maker.fgraph.toposort() if isinstance(n.op, IncSubtensor)]
    assert len(incs) == 1 and incs[0].op.inplace
    xv = np.ones((2, 3))
    vv = np.arange(3.0)
    ref = xv * 2
    ref[0] = vv if set_ else ref[0] + vv
    np.testing.assert_allclose(f(xv, vv), ref)
    np.testing.assert_array_equal(xv, np.ones((2, 3)))


def test_setsubtensor_on_user_input_copies():
    x = at.dmatrix("x")
    v = at.dvector("v")
    f = aesara.function([x, v], at.set_subtensor(x[0], v), mode=MODE)
    incs = [n for n in f.maker.fgraph.toposort() if isinstance(n.op, IncSubtensor)]
    assert len(incs) == 1 and not incs[0].op.inplace
    xv = np.ones((2, 3))
    f(xv, np.zeros(3))
    np.testing.assert_array_equal(xv, np.ones((2, 3)))
    g = aesara.function([In(x, mutable=True), v], at.set_subtensor(x[0], v), mode=MODE)
    assert any(
        isinstance(n.op, IncSubtensor) and n.op.inplace
        for n in g.maker.fgraph.toposort()
    )
    np.testing.assert_allclose(g(np.ones((2, 3)), np.zeros(3))[0], np.zeros(3))


def test_inplace_advanced_incsubtensor1():
    x = at.dvector("x")
    idx = at.lvector("i")
    out = at.inc_subtensor((x + 1)[idx], 5.0)
    f = aesara.function([x, idx], out, mode=MODE)
    nodes = [
        n for n in f.maker.fgraph.toposort() if isinstance(n.op, AdvancedIncSubtensor1)
    ]
    assert len(nodes) == 1 and nodes[0].op.inplace
    xv = np.zeros(4)
    ref = xv + 1
    np.add.at(ref, [0, 2, 2], 5.0)
    np.testing.assert_allclose(f(xv, np.array([0, 2, 2])), ref)
    np.testing.assert_array_equal(xv, np.zeros(4))


def test_inplace_advanced_incsubtensor():
    x = at.dmatrix("x")
    i = at.lvector("i")
    j = at.lvector("j")
    out = at.set_subtensor((x * 3)[i, j], 0.0)
    f = aesara.function([x, i, j], out, mode=MODE)
    nodes = [
        n for n in f.maker.fgraph.toposort() if isinstance(n.op, AdvancedIncSubtensor)
    ]
    assert len(nodes) == 1 and nodes[0].op.inplace
    xv = np.ones((3, 3))
    ref = xv * 3
    ref[[0, 1], [2, 0]] = 0.0
    np.testing.assert_allclose(f(xv, np.array([0, 1]), np.array([2, 0])), ref)
