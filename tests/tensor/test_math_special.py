"""Tests of the element-wise special functions of aesara.tensor.math."""

from __future__ import annotations

import warnings

import numpy as np
import pytest
import scipy.special as ss

import aesara
import aesara.tensor as at
import aesara.tensor.math as atm
from aesara.gradient import grad, verify_grad
from aesara.tensor.elemwise import Elemwise
from aesara.tensor.xlogx import xlogx, xlogy0


def _eval(fn, *values):
    syms = [
        at.tensor(dtype=str(np.asarray(v).dtype), shape=(None,) * np.ndim(v))
        for v in values
    ]
    return aesara.function(syms, fn(*syms))(*values)


@pytest.mark.parametrize(
    "name",
    [
        "erf",
        "erfc",
        "erfinv",
        "gamma",
        "gammaln",
        "psi",
        "gammainc",
        "jv",
        "sigmoid",
        "softplus",
        "betainc",
        "hyp2f1",
    ],
)
def test_special_functions_are_elemwise_in_math_and_tensor(name):
    op = getattr(atm, name)
    assert isinstance(op, Elemwise)
    assert getattr(at, name) is op
    assert op.__doc__


def test_aliases():
    assert atm.expit is atm.sigmoid
    assert atm.log1pexp is atm.softplus


def test_extreme_values_exact_and_warning_free():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert _eval(atm.sigmoid, np.array([-800.0]))[0] == 0.0
        assert _eval(atm.softplus, np.array([800.0]))[0] == 800.0
        assert (
            _eval(atm.softplus, np.array([800.0], dtype="float32")).dtype == np.float32
        )
        r = _eval(atm.log1mexp, np.array([-1e-20, -1e-10, -50.0]))
        np.testing.assert_allclose(
            r, [np.log(1e-20), np.log(1e-10) - 5e-11, -np.exp(-50.0)], rtol=1e-12
        )
        r = _eval(lambda x: atm.logsumexp(x), np.array([1000.0, 1000.0]))
        assert r == pytest.approx(1000.0 + np.log(2.0), rel=1e-15)


def test_dtypes():
    assert atm.erf(at.fvector()).dtype == "float32"
    assert atm.erf(at.lvector()).dtype == "float64"
    assert atm.erf(at.bvector()).dtype == "float32"
    assert atm.gammainc(at.fvector(), at.dvector()).dtype == "float64"
    assert _eval(atm.gammaln, np.array([1, 2, 5])).dtype == np.float64
    np.testing.assert_allclose(
        _eval(atm.gammaln, np.array([1, 2, 5])), ss.gammaln([1, 2, 5])
    )


def test_polygamma_and_logit():
    x = np.array([0.5, 1.5, 3.0])
    np.testing.assert_allclose(_eval(atm.polygamma, np.array(2), x), ss.polygamma(2, x))
    p = np.array([0.1, 0.5, 0.9])
    np.testing.assert_allclose(_eval(atm.logit, p), ss.logit(p))


def test_xlogx_conventions():
    np.testing.assert_array_equal(_eval(xlogx, np.array([0.0, 1.0])), [0.0, 0.0])
    np.testing.assert_allclose(
        _eval(xlogy0, np.array([0.0, 2.0]), np.array([0.0, 3.0])), [0.0, 2 * np.log(3)]
    )


@pytest.mark.parametrize(
    "fn, point",
    [
        (atm.erf, [np.array([-0.5, 0.3, 1.2])]),
        (atm.erfinv, [np.array([-0.5, 0.3, 0.8])]),
        (atm.erfcx, [np.array([-0.5, 0.3, 1.2])]),
        (atm.gammaln, [np.array([0.5, 2.3, 7.0])]),
        (atm.psi, [np.array([0.5, 2.3, 7.0])]),
        (atm.tri_gamma, [np.array([0.5, 2.3, 7.0])]),
        (atm.gammainc, [np.array([0.7, 2.0, 5.0]), np.array([0.4, 2.5, 6.0])]),
        (atm.gammaincc, [np.array([0.7, 2.0, 5.0]), np.array([0.4, 2.5, 6.0])]),
        (atm.gammau, [np.array([0.7, 2.0]), np.array([0.4, 2.5])]),
        (
            atm.betainc,
            [np.array([0.7, 2.0]), np.array([1.5, 3.0]), np.array([0.3, 0.8])],
        ),
        (
            atm.hyp2f1,
            [
                np.array([0.7, 1.0]),
                np.array([1.5, 2.0]),
                np.array([2.5, 3.5]),
                np.array([0.3, -0.4]),
            ],
        ),
        (atm.j1, [np.array([0.5, 2.3, 7.0])]),
        (atm.i0, [np.array([0.5, 2.3, 4.0])]),
        (atm.softplus, [np.array([-30.0, 0.5, 25.0])]),
        (atm.log1mexp, [np.array([-3.0, -0.5, -1e-3])]),
        (atm.owens_t, [np.array([0.3, -1.0]), np.array([0.5, 2.0])]),
    ],
)
def test_gradients_match_finite_differences(fn, point):
    verify_grad(fn, point, rng=np.random.default_rng(1))


def test_bessel_order_gradient_is_reported_not_implemented():
    v, x = at.dvector(), at.dvector()
    gx = grad(atm.jv(v, x).sum(), x)
    f = aesara.function([v, x], gx)
    np.testing.assert_allclose(
        f(np.array([1.0]), np.array([2.0])), 0.5 * (ss.jv(0, 2.0) - ss.jv(2, 2.0))
    )
    with pytest.raises(Exception, match="not implemented"):
        grad(atm.jv(v, x).sum(), v)
