"""Rewrites of the softmax family."""

import numpy as np
import pytest
import scipy.special as sp

import aesara
import aesara.tensor as at
from aesara.compile.mode import Mode
from aesara.tensor.special import LogSoftmax, Softmax, softmax

NO_REWRITES = Mode(linker="py", optimizer=None)


def _ops(f):
    return [type(n.op) for n in f.maker.fgraph.apply_nodes]


@pytest.mark.parametrize("axis", [None, 0, 1, -1])
def test_log_softmax(axis):
    m = at.dmatrix("m")
    out = at.log(softmax(m, axis=axis))
    f = aesara.function([m], out)
    assert LogSoftmax in _ops(f) and Softmax not in _ops(f)
    v = np.array([[0.0, 2000.0, -3.0], [1.0, 2.0, 3.0]])
    expected = sp.log_softmax(v, axis=axis)
    np.testing.assert_allclose(f(v), expected, rtol=1e-13)
    with np.errstate(all="ignore"):
        naive = aesara.function([m], out, mode=NO_REWRITES)(v)
    assert np.isinf(naive).any()


@pytest.mark.parametrize("axis", [None, 0, 1])
def test_softmax_from_exp(axis):
    m = at.dmatrix("m")
    e = at.exp(m)
    out = e / at.sum(e, axis=axis, keepdims=True)
    f = aesara.function([m], out)
    assert Softmax in _ops(f)
    v = np.array([[1000.0, 1000.0, 0.0], [800.0, -800.0, 1.0]])
    np.testing.assert_allclose(f(v), sp.softmax(v, axis=axis), rtol=1e-13)
    with np.errstate(all="ignore"):
        naive = aesara.function([m], out, mode=NO_REWRITES)(v)
    assert np.isnan(naive).any()


def test_softmax_from_exp_needs_matching_sum():
    m = at.dmatrix("m")
    y = at.dmatrix("y")
    out = at.exp(m) / at.sum(at.exp(y), axis=1, keepdims=True)
    f = aesara.function([m, y], out)
    assert Softmax not in _ops(f)
    v = np.array([[0.5, 1.0]])
    w = np.array([[2.0, -1.0]])
    np.testing.assert_allclose(f(v, w), np.exp(v) / np.exp(w).sum(1, keepdims=True))


def test_log_softmax_grad_is_finite():
    v = at.dvector("v")
    cost = at.log(softmax(v))[1]
    g = aesara.function([v], aesara.grad(cost, v))
    r = g(np.array([0.0, 2000.0, -5.0]))
    assert np.all(np.isfinite(r))
    np.testing.assert_allclose(
        r, np.array([0.0, 1.0, 0.0]) - sp.softmax([0.0, 2000.0, -5.0]), atol=1e-12
    )
