"""Tests of ``aesara.tensor.extra_ops`` beyond the op database: static shapes,
props, views, multi-output ops, keyword spellings and gradients."""

from __future__ import annotations

import numpy as np
import pytest

import aesara
import aesara.tensor as at
from aesara.gradient import grad, verify_grad
from aesara.tensor.extra_ops import (
    BroadcastTo,
    CumOp,
    RepeatOp,
    Unique,
    bartlett,
    broadcast_shape,
    broadcast_to,
    cpu_contiguous,
    cumprod,
    cumsum,
    diff,
    fill_diagonal,
    fill_diagonal_offset,
    linspace,
    repeat,
    squeeze,
    to_one_hot,
    unique,
)
from aesara.tensor.type import TensorType, dmatrix, dvector, lscalar, tensor


def _fn(ins, outs):
    return aesara.function(ins, outs, on_unused_input="ignore")


def test_props_and_str():
    assert CumOp(0, "add") == CumOp(0, "add") and CumOp(0) != CumOp(1)
    assert CumOp(None, "mul") != CumOp(None, "add")
    with pytest.raises(ValueError, match="mode"):
        CumOp(0, "max")
    assert RepeatOp(1) == RepeatOp(1)
    assert Unique(True, False, True, 0) == Unique(True, False, True, 0)


def test_cumsum_static_shapes():
    x = tensor("int8", shape=(2, 3))
    assert cumsum(x).type == TensorType("int64", (6,))
    assert cumprod(x, axis=1).type == TensorType("int64", (2, 3))
    assert cumsum(dmatrix(), axis=-1).type.shape == (None, None)


def test_cumop_gradients():
    rng = np.random.default_rng(0)
    verify_grad(lambda x: cumsum(x, axis=0), [rng.random((3, 2))], rng=rng)
    verify_grad(lambda x: cumsum(x), [rng.random((3, 2))], rng=rng)
    verify_grad(lambda x: cumprod(x, axis=1), [rng.random((2, 4)) + 0.5], rng=rng)


def test_diff_grad_and_static_shape():
    x = tensor("float64", shape=(3, 6))
    assert diff(x, n=2).type.shape == (3, 4)
    assert diff(x, n=9, axis=0).type.shape == (0, 6)
    rng = np.random.default_rng(1)
    verify_grad(lambda v: diff(v, n=3, axis=0), [rng.random((5, 2))], rng=rng)


def test_repeat_static_shapes_and_grad():
    x = tensor("float64", shape=(2, 3))
    assert repeat(x, 2, axis=1).type.shape == (2, 6)
    assert repeat(x, np.array([1, 2]), axis=0).type.shape == (3, 3)
    assert repeat(x, 3).type.shape == (18,)
    with pytest.raises(ValueError, match="repeat counts"):
        repeat(x, np.array([1, 2, 3]), axis=0)
    rng = np.random.default_rng(2)
    verify_grad(lambda v: repeat(v, 3, axis=0), [rng.random((2, 2))], rng=rng)
    verify_grad(
        lambda v: repeat(v, np.array([2, 0, 1]), axis=1), [rng.random((2, 3))], rng=rng
    )
    verify_grad(lambda v: repeat(v, 2), [rng.random((2, 2))], rng=rng)


def test_squeeze():
    x = tensor("float64", shape=(1, None, 1))
    assert squeeze(x).type.shape == (None,)
    y = dmatrix()
    out = squeeze(y, axis=0)
    assert out.type.shape == (None,)
    np.testing.assert_array_equal(out.eval({y: np.ones((1, 3))}), np.ones(3))
    with pytest.raises(ValueError, match="not 1"):
        squeeze(tensor("float64", shape=(2, 1)), axis=0)


def test_unique_outputs_and_static_shapes():
    x = tensor("int64", shape=(2, 3))
    vals, idx, inv, counts = unique(x, True, True, True)
    assert inv.type.shape == (2, 3)  # NumPy 2: the inverse has the input's shape
    assert vals.type.shape == (None,)
    f = _fn([x], [vals, idx, inv, counts])
    xv = np.array([[3, 1, 3], [2, 1, 0]])
    for a, b in zip(f(xv), np.unique(xv, True, True, True)):
        np.testing.assert_array_equal(a, b)
    rows, inv0 = unique(x, return_inverse=True, axis=0)
    assert rows.type.shape == (None, 3) and inv0.type.shape == (2,)


def test_broadcast_to_is_a_view_and_static():
    x = tensor("float64", shape=(3, 1))
    out = broadcast_to(x, (2, 3, 4))
    assert out.type.shape == (2, 3, 4)
    assert out.owner.op.view_map == {0: [0]}
    assert BroadcastTo() == BroadcastTo()
    assert broadcast_to(x, (3, 1)) is x
    n = lscalar()
    assert broadcast_to(x, (n, 3, 1)).type.shape == (None, 3, 1)
    with pytest.raises(ValueError, match="cannot broadcast"):
        broadcast_to(x, (2, 4))
    rng = np.random.default_rng(3)
    verify_grad(lambda v: broadcast_to(v, (2, 3, 4)), [rng.random((3, 1))], rng=rng)


def test_broadcast_shape():
    a = tensor("float64", shape=(None, 1))
    b = tensor("float64", shape=(4,))
    shp = broadcast_shape(a, b)
    assert len(shp) == 2
    assert int(shp[1].eval()) == 4
    assert int(shp[0].eval({a: np.zeros((5, 1))})) == 5
    shp2 = broadcast_shape((2, 1), (1, 3), arrays_are_shapes=True)
    assert [int(s.eval()) for s in shp2] == [2, 3]
    with pytest.raises(ValueError, match="cannot be broadcast"):
        broadcast_shape((2,), (3,), arrays_are_shapes=True)


def test_fill_diagonal_grads():
    rng = np.random.default_rng(4)
    a, v = rng.random((3, 4)), np.asarray(rng.random())
    verify_grad(fill_diagonal, [a, v], rng=rng)
    verify_grad(lambda a, v: fill_diagonal_offset(a, v, 1), [a, v], rng=rng)
    verify_grad(lambda a, v: fill_diagonal_offset(a, v, -2), [a.T, v], rng=rng)
    x = at.dtensor3()
    val = at.dscalar()
    g = grad(fill_diagonal(x, val).sum(), val)
    assert g.eval({x: np.zeros((3, 3, 3)), val: 1.0}) == 3.0


def test_linspace_spellings_and_retstep():
    a, b = at.dscalar(), at.dscalar()
    y, step = linspace(a, b, 5, retstep=True)
    f = _fn([a, b], [y, step])
    yv, sv = f(0.0, 2.0)
    ref, rstep = np.linspace(0.0, 2.0, 5, retstep=True)
    np.testing.assert_allclose(yv, ref)
    assert sv == pytest.approx(rstep)
    np.testing.assert_allclose(linspace(0.0, end=1.0, steps=3).eval(), [0, 0.5, 1])
    with pytest.raises(TypeError, match="unexpected keyword"):
        linspace(0.0, 1.0, 3, bogus=1)
    n = lscalar()
    np.testing.assert_allclose(linspace(0.0, 1.0, n).eval({n: 3}), [0, 0.5, 1])
    rng = np.random.default_rng(5)
    verify_grad(
        lambda s, e: linspace(s, e, 4), [np.asarray(0.5), np.asarray(2.0)], rng=rng
    )


def test_bartlett_static_and_one_hot():
    assert bartlett(5).type.shape == (5,)
    assert bartlett(-1).type.shape == (0,)
    y = at.lvector()
    out = to_one_hot(y, 3)
    assert out.dtype == aesara.config.floatX and out.type.ndim == 2
    np.testing.assert_array_equal(
        out.eval({y: np.array([2, 0])}), [[0, 0, 1], [1, 0, 0]]
    )


def test_cpu_contiguous_makes_contiguous_and_keeps_contiguous_input():
    x = dmatrix()
    node = cpu_contiguous(x).owner
    storage = [[None]]
    arr = np.ones((3, 4)).T
    node.op.perform(node, [arr], storage)
    assert storage[0][0].flags.c_contiguous
    c = np.ones((2, 2))
    node.op.perform(node, [c], storage)
    assert storage[0][0] is c
    g = grad(cpu_contiguous(x).sum(), x)
    np.testing.assert_array_equal(g.eval({x: arr}), np.ones((4, 3)))


def test_tensor_methods_delegate():
    x = dvector()
    xv = np.array([3.0, 1.0, 2.0])
    np.testing.assert_array_equal(x.cumsum().eval({x: xv}), np.cumsum(xv))
    np.testing.assert_array_equal(x.cumprod().eval({x: xv}), np.cumprod(xv))
    np.testing.assert_array_equal(x.repeat(2).eval({x: xv}), np.repeat(xv, 2))
    np.testing.assert_array_equal(
        x.compress(np.array([True, False, True])).eval({x: xv}), [3.0, 2.0]
    )
    assert x.ptp().eval({x: xv}) == 2.0
    (nz,) = x.nonzero()
    np.testing.assert_array_equal(nz.eval({x: np.array([0.0, 1.0])}), [1])
    m = dmatrix()
    assert m.trace().eval({m: np.eye(3)}) == 3.0
    np.testing.assert_array_equal(m.diagonal(1).eval({m: np.eye(3)}), [0, 0])
