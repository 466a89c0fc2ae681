"""Tests of the reduction rewrites (``aesara.tensor.rewriting._math_reductions``)."""

import numpy as np
import pytest

import aesara
import aesara.tensor as at
from aesara.compile.mode import Mode
from aesara.configdefaults import config
from aesara.graph.fg import FunctionGraph
from aesara.tensor.math import Max, Min, Prod, Sum
from aesara.tensor.rewriting._math_reductions import (
    local_op_of_op,
    local_reduce_broadcastable,
    local_reduce_dimshuffle,
    local_sum_prod_alloc,
    local_sum_prod_mul_by_scalar,
)

REF = Mode(linker="py", optimizer=None)
rng = np.random.default_rng(7)
M = rng.uniform(0.5, 1.5, size=(3, 4))
T = rng.uniform(0.5, 1.5, size=(2, 3, 4))


@pytest.fixture(autouse=True)
def _raise_on_rewrite_errors():
    with config.change_flags(on_opt_error="raise"):
        yield


def _check_same(inputs, out, values, rtol=1e-7):
    f = aesara.function(inputs, out, on_unused_input="ignore")
    g = aesara.function(inputs, out, mode=REF, on_unused_input="ignore")
    got, want = f(*values), g(*values)
    assert np.asarray(got).dtype == np.asarray(want).dtype
    assert np.shape(got) == np.shape(want)
    np.testing.assert_allclose(got, want, rtol=rtol)
    return f


def _reductions(f):
    return [
        n.op
        for n in f.maker.fgraph.toposort()
        if isinstance(n.op, (Sum, Prod, Max, Min, at.math.All, at.math.Any))
    ]


def _apply(rewrite, out):
    fg = FunctionGraph(outputs=[out], clone=False)
    return rewrite.transform(fg, out.owner)


@pytest.mark.parametrize("red", [at.sum, at.prod, at.max, at.min])
def test_op_of_op_merges(red):
    x = at.dtensor3("x")
    out = red(red(x, axis=0), axis=1)
    f = _check_same([x], out, [T])
    ops = _reductions(f)
    assert len(ops) == 1 and ops[0].axis == (0, 2)


def test_op_of_op_all_axes():
    x = at.dmatrix("x")
    out = at.sum(at.sum(x, 0), 0)
    (new,) = _apply(local_op_of_op, out)
    assert isinstance(new.owner.op, Sum) and new.owner.inputs[0] is x
    f = _check_same([x], out, [M])
    assert len(_reductions(f)) == 1


def test_op_of_op_int_dtype():
    x = at.bmatrix("x")
    xv = np.array([[100, 100], [100, 100]], dtype="int8")
    _check_same([x], at.sum(at.sum(x, 0), 0), [xv])
    _check_same([x], at.prod(at.prod(x, 1), 0), [xv])


def test_op_of_op_mixed_classes_untouched():
    x = at.dmatrix("x")
    out = at.sum(at.max(x, 0), 0)
    assert _apply(local_op_of_op, out) is False


def test_reduce_broadcastable():
    x = at.tensor("float64", shape=(1, None, 1))
    xv = rng.uniform(size=(1, 4, 1))
    for red in (at.sum, at.prod, at.max, at.min, at.all, at.any):
        out = red(x, axis=(0, 2))
        (new,) = _apply(local_reduce_broadcastable, out)
        assert _reductions_of(new) == [], red
        _check_same([x], out, [xv])
        out = red(x)
        f = _check_same([x], out, [xv])
        assert all(op.axis is None or op.axis == (0,) for op in _reductions(f))


def _reductions_of(v):
    from aesara.graph.basic import io_toposort

    return [
        n.op
        for n in io_toposort([], [v])
        if isinstance(n.op, (Sum, Prod, Max, Min, at.math.All, at.math.Any))
    ]


def test_reduce_broadcastable_int_upcast():
    x = at.tensor("int8", shape=(1, 3))
    xv = np.array([[100, 100, 100]], dtype="int8")
    f = _check_same([x], at.sum(x, axis=0), [xv])
    assert _reductions(f) == []
    assert f(xv).dtype == np.int64


def test_reduce_no_axes():
    x = at.dmatrix("x")
    out = at.sum(x, axis=())
    f = _check_same([x], out, [M])
    assert _reductions(f) == []
    f = _check_same([x], at.all(x, axis=()), [M])
    assert _reductions(f) == []


@pytest.mark.parametrize("red", [at.sum, at.prod])
def test_sum_prod_mul_by_scalar(red):
    x = at.dmatrix("x")
    s = at.dscalar("s")
    out = red(s * x, axis=1)
    (new,) = _apply(local_sum_prod_mul_by_scalar, out)
    assert new.owner.inputs[0] is not out.owner.inputs[0]
    f = _check_same([x, s], out, [M, 1.3])
    # The reduction now sees x itself.
    assert any(
        n.inputs[0].name == "x"
        for n in f.maker.fgraph.toposort()
        if isinstance(n.op, (Sum, Prod))
    )
    _check_same([x, s], red(x * s * 2), [M, 1.3])


def test_sum_of_neg():
    x = at.dmatrix("x")
    out = at.sum(-x, axis=0)
    f = _check_same([x], out, [M])
    sums = [n for n in f.maker.fgraph.toposort() if isinstance(n.op, Sum)]
    assert sums[0].inputs[0].name == "x"


def test_sum_mul_int_upcast_untouched():
    x = at.bvector("x")
    out = at.sum(x * np.int8(3))
    assert _apply(local_sum_prod_mul_by_scalar, out) is False
    _check_same([x], out, [np.array([100, 100], dtype="int8")])


def test_sum_div_scalar():
    x = at.dmatrix("x")
    s = at.dscalar("s")
    for red in (at.sum, at.prod):
        out = red(x / s, axis=0)
        f = _check_same([x, s], out, [M, 1.7])
        red_nodes = [
            n for n in f.maker.fgraph.toposort() if isinstance(n.op, (Sum, Prod))
        ]
        assert red_nodes[0].inputs[0].name == "x"


@pytest.mark.parametrize("axis", [None, 0, 1, (0, 1)])
def test_sum_prod_alloc(axis):
    v = at.dscalar("v")
    n = at.lscalar("n")
    x = at.alloc(v, n, 3)
    out = at.sum(x, axis=axis)
    (new,) = _apply(local_sum_prod_alloc, out)
    assert _reductions_of(new) == []
    f = _check_same([v, n], out, [1.5, 4])
    assert _reductions(f) == []
    _check_same([v, n], at.prod(x, axis=axis), [1.5, 4])
    _check_same([v, n], at.sum(x, axis=axis), [1.5, 0])


def test_reduce_of_transpose():
    x = at.dmatrix("x")
    out = at.sum(x.T, axis=0)
    (new,) = _apply(local_reduce_dimshuffle, out)
    assert new.owner.op.axis == (1,) and new.owner.inputs[0] is x
    f = _check_same([x], out, [M])
    assert _reductions(f)[0].axis == (1,)


def test_reduce_of_dimshuffle_with_new_axes():
    x = at.dtensor3("x")
    y = x.dimshuffle(2, "x", 0, 1)
    for red in (at.sum, at.max, at.prod, at.all):
        for axis in (0, 1, (1, 2), None, (0, 3)):
            _check_same([x], red(y, axis=axis), [T])


def test_max_of_neg():
    x = at.dmatrix("x")
    f = _check_same([x], at.max(-x, axis=0), [M])
    assert any(isinstance(op, Min) for op in _reductions(f))
    f = _check_same([x], at.min(-x, axis=1), [M])
    assert any(isinstance(op, Max) for op in _reductions(f))


def test_max_of_neg_int_untouched():
    x = at.bvector("x")
    xv = np.array([-128, 5], dtype="int8")
    f = _check_same([x], at.max(-x), [xv])
    assert not any(isinstance(op, Min) for op in _reductions(f))


def test_mean_values():
    x = at.dmatrix("x")
    _check_same([x], at.mean(x, axis=0) * 3, [M])
    _check_same([x], at.mean(2 * x), [M])
    _check_same([x], at.var(x, axis=1), [M])
