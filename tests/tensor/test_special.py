"""Tests of aesara.tensor.special: softmax, log_softmax, poch, factorial, betaln."""

from __future__ import annotations

import warnings

import numpy as np
import pytest
import scipy.special as ss

import aesara
import aesara.tensor as at
from aesara.gradient import Rop, verify_grad
from aesara.tensor.special import (
    LogSoftmax,
    Softmax,
    SoftmaxGrad,
    betaln,
    factorial,
    log_softmax,
    poch,
    softmax,
)


@pytest.mark.parametrize("axis", [None, 0, 1, -1])
@pytest.mark.parametrize(
    "fn, ref", [(softmax, ss.softmax), (log_softmax, ss.log_softmax)]
)
def test_matches_scipy(fn, ref, axis):
    x = at.dmatrix()
    v = np.random.default_rng(0).normal(size=(3, 4)) * 5
    np.testing.assert_allclose(
        aesara.function([x], fn(x, axis=axis))(v), ref(v, axis=axis)
    )


def test_stable_for_huge_inputs():
    x = at.dvector()
    v = np.array([1000.0, 1000.0, -1000.0])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        np.testing.assert_allclose(
            aesara.function([x], softmax(x, axis=0))(v), [0.5, 0.5, 0.0]
        )
        np.testing.assert_allclose(
            aesara.function([x], log_softmax(x, axis=0))(v),
            [-np.log(2), -np.log(2), -2000 - np.log(2)],
        )


def test_types_props_and_errors():
    assert softmax(at.fmatrix(), axis=1).dtype == "float32"
    assert softmax(at.lmatrix(), axis=1).dtype == "float64"
    assert softmax(at.tensor("float64", shape=(2, 3)), axis=1).type.shape == (2, 3)
    assert Softmax(axis=1) == Softmax(axis=1) and Softmax(axis=1) != Softmax(axis=0)
    assert isinstance(log_softmax(at.dmatrix(), -1).owner.op, LogSoftmax)
    with pytest.raises(ValueError, match="out of bounds"):
        softmax(at.dmatrix(), axis=2)
    with pytest.raises(TypeError, match="axis"):
        Softmax(axis="1")
    with pytest.raises(TypeError, match="complex"):
        softmax(at.zmatrix(), axis=0)


@pytest.mark.parametrize("axis", [None, 0, -1])
def test_gradients(axis):
    rng = np.random.default_rng(3)
    v = rng.normal(size=(3, 4))
    verify_grad(lambda x: softmax(x, axis=axis), [v], rng=rng)
    verify_grad(lambda x: log_softmax(x, axis=axis), [v], rng=rng)
    sm = ss.softmax(v, axis=axis)
    verify_grad(
        lambda dy, s: SoftmaxGrad(axis)(dy, s), [rng.normal(size=(3, 4)), sm], rng=rng
    )


def test_softmax_rop():
    x, e = at.dvector(), at.dvector()
    f = aesara.function([x, e], Rop(softmax(x, axis=0), x, e))
    v, ev = np.array([0.1, -0.3, 2.0]), np.array([1.0, 0.5, -1.0])
    s = ss.softmax(v)
    jac = np.diag(s) - np.outer(s, s)
    np.testing.assert_allclose(f(v, ev), jac @ ev)


def test_poch_factorial_betaln():
    z, m = at.dvector(), at.dvector()
    zv, mv = np.array([0.5, 2.0, 3.5]), np.array([1.0, 2.5, 3.0])
    np.testing.assert_allclose(
        aesara.function([z, m], poch(z, m))(zv, mv), ss.poch(zv, mv)
    )
    np.testing.assert_allclose(
        aesara.function([z, m], betaln(z, m))(zv, mv), ss.betaln(zv, mv)
    )
    n = at.lvector()
    np.testing.assert_allclose(
        aesara.function([n], factorial(n))(np.arange(6)), ss.factorial(np.arange(6))
    )
