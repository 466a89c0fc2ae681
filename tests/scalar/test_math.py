"""Tests of the scalar special functions in aesara.scalar.math."""

from __future__ import annotations

import warnings

import numpy as np
import pytest
import scipy.special as ss

import aesara.scalar as aes
import aesara.scalar.math as asm
from aesara.graph.null_type import NullType


@pytest.mark.parametrize(
    "op, ref, args",
    [
        (asm.erf, ss.erf, (0.3,)),
        (asm.erfc, ss.erfc, (0.3,)),
        (asm.erfcx, ss.erfcx, (2.0,)),
        (asm.erfinv, ss.erfinv, (0.5,)),
        (asm.erfcinv, ss.erfcinv, (0.5,)),
        (asm.gamma, ss.gamma, (4.5,)),
        (asm.gammaln, ss.gammaln, (40.5,)),
        (asm.psi, ss.psi, (2.5,)),
        (asm.tri_gamma, lambda x: ss.polygamma(1, x), (2.5,)),
        (asm.gammainc, ss.gammainc, (2.0, 1.5)),
        (asm.gammaincc, ss.gammaincc, (2.0, 1.5)),
        (asm.jv, ss.jv, (1.5, 3.0)),
        (asm.iv, ss.iv, (1.5, 3.0)),
        (asm.j0, ss.j0, (3.0,)),
        (asm.i1, ss.i1, (3.0,)),
        (asm.sigmoid, ss.expit, (0.7,)),
        (asm.betainc, ss.betainc, (2.0, 3.0, 0.4)),
        (asm.hyp2f1, ss.hyp2f1, (1.0, 2.0, 3.0, 0.3)),
    ],
)
def test_impl_matches_scipy(op, ref, args):
    assert np.isclose(op.impl(*args), ref(*args), rtol=1e-12)


def test_output_types_follow_upgrade_to_float():
    assert asm.erf(aes.float32()).type == aes.float32
    assert asm.erf(aes.int64()).type == aes.float64
    assert asm.erf(aes.int8()).type == aes.float32
    assert asm.gammainc(aes.float32(), aes.float64()).type == aes.float64
    with pytest.raises(TypeError, match="complex"):
        asm.erf(aes.complex128())


def test_nfunc_spec_names_scipy_functions():
    assert asm.erf.nfunc_spec == ("scipy.special.erf", 1, 1)
    assert asm.gammaln.nfunc_spec[0] == "scipy.special.gammaln"
    assert asm.sigmoid.nfunc_spec[0] == "scipy.special.expit"


def test_sigmoid_softplus_log1mexp_extremes_without_warnings():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert asm.sigmoid.impl(np.float64(-800.0)) == 0.0
        assert asm.sigmoid.impl(np.float64(800.0)) == 1.0
        assert asm.softplus.impl(np.float64(800.0)) == 800.0
        assert asm.softplus.impl(np.float64(-800.0)) == 0.0
        assert asm.softplus.impl(np.float64(-40.0)) == pytest.approx(np.exp(-40.0))
        # log(1 - exp(-1e-20)) = log(1e-20) to full precision
        assert asm.log1mexp.impl(np.float64(-1e-20)) == pytest.approx(np.log(1e-20))
        assert asm.log1mexp.impl(np.float64(-800.0)) == 0.0
        assert asm.log1mexp.impl(np.float64(0.0)) == -np.inf
        assert np.isnan(asm.log1mexp.impl(np.float64(1.0)))


def test_softplus_array_matches_logaddexp():
    x = np.linspace(-60, 60, 2001)
    np.testing.assert_allclose(asm.softplus_array(x), np.logaddexp(0, x), rtol=1e-15)
    x32 = x.astype("float32")
    assert asm.softplus_array(x32).dtype == np.float32


def test_parameter_derivatives_match_finite_differences():
    h = 1e-6
    k, x = np.array([0.5, 2.0, 10.0]), np.array([0.3, 5.0, 8.0])
    fd = (ss.gammainc(k + h, x) - ss.gammainc(k - h, x)) / (2 * h)
    np.testing.assert_allclose(asm.gammainc_der_array(k, x), fd, rtol=1e-6)
    a, b, z = (
        np.array([0.5, 2.0, 30.0]),
        np.array([1.5, 3.0, 2.0]),
        np.array([0.2, 0.7, 0.9]),
    )
    for wrt, (da, db) in enumerate([(h, 0), (0, h)]):
        fd = (ss.betainc(a + da, b + db, z) - ss.betainc(a - da, b - db, z)) / (2 * h)
        np.testing.assert_allclose(asm.betainc_der_array(a, b, z, wrt), fd, rtol=1e-6)
    A, B, C, Z = (
        np.array(v) for v in ([1.0, 0.5], [2.0, 1.5], [3.0, 2.5], [0.3, -0.8])
    )
    for wrt in range(3):
        d = [0.0, 0.0, 0.0]
        d[wrt] = h
        fd = (
            ss.hyp2f1(A + d[0], B + d[1], C + d[2], Z)
            - ss.hyp2f1(A - d[0], B - d[1], C - d[2], Z)
        ) / (2 * h)
        np.testing.assert_allclose(asm.hyp2f1_der_array(A, B, C, Z, wrt), fd, rtol=1e-6)


def test_betainc_derivative_edges():
    assert asm.betainc_der_array(2.0, 3.0, 0.0, 0) == 0.0
    assert asm.betainc_der_array(2.0, 3.0, 1.0, 1) == 0.0
    assert np.isnan(asm.betainc_der_array(-1.0, 3.0, 0.5, 0))


def test_order_gradient_is_not_implemented():
    v, x = aes.float64(), aes.float64()
    out = asm.jv(v, x)
    gv, gx = asm.jv.L_op([v, x], [out], [aes.float64()])
    assert isinstance(gv.type, NullType)
    assert "not implemented" in gv.type.why_null
    assert gx.type == aes.float64


def test_polygamma_needs_integer_order():
    with pytest.raises(TypeError, match="integer"):
        asm.polygamma(aes.float64(), aes.float64())
    assert asm.polygamma(aes.int64(), aes.float32()).type == aes.float32


def test_scalar_namespace_exports_math():
    assert aes.erf is asm.erf
    assert aes.gammaln is asm.gammaln
