"""Scalar special functions: error functions, gamma family, Bessel functions,
the logistic family and the incomplete beta / hypergeometric functions.

Each op computes with :mod:`scipy.special` (or a vectorised NumPy function of
this module), so its ``impl`` also works element-wise on whole arrays, and
``nfunc_spec`` names that function for :class:`aesara.tensor.elemwise.Elemwise`.
Derivatives follow SciPy's definitions; derivatives with respect to
parameters that have no closed form (the shape parameters of the incomplete
gamma and beta functions, the parameters of ``hyp2f1``) are computed by
dedicated series ops (:class:`GammaIncDer`, :class:`BetaIncDer`,
:class:`Hyp2F1Der`).
"""

from __future__ import annotations

import importlib
from typing import Any

import numpy as np

from aesara.graph.null_type import NullType
from aesara.scalar.basic import (
    BinaryScalarOp,
    ScalarOp,
    UnaryScalarOp,
    _const_like,
    cast,
    complex_types,
    discrete_types,
    exp,
    log,
    log1p,
    sqr,
    upgrade_to_float_no_complex,
)

__all__ = [
    "Erf",
    "erf",
    "Erfc",
    "erfc",
    "Erfcx",
    "erfcx",
    "Erfinv",
    "erfinv",
    "Erfcinv",
    "erfcinv",
    "OwensT",
    "Owens_t",
    "owens_t",
    "Gamma",
    "gamma",
    "GammaLn",
    "gammaln",
    "Psi",
    "psi",
    "TriGamma",
    "tri_gamma",
    "PolyGamma",
    "polygamma",
    "Chi2SF",
    "chi2sf",
    "GammaInc",
    "gammainc",
    "GammaIncC",
    "gammaincc",
    "GammaIncDer",
    "GammaIncCDer",
    "gammaincc_der",
    "gammainc_der",
    "GammaU",
    "gammau",
    "GammaL",
    "gammal",
    "Jv",
    "jv",
    "J0",
    "j0",
    "J1",
    "j1",
    "Iv",
    "iv",
    "I0",
    "i0",
    "I1",
    "i1",
    "Sigmoid",
    "sigmoid",
    "Softplus",
    "softplus",
    "Log1mexp",
    "log1mexp",
    "BetaInc",
    "betainc",
    "BetaIncDer",
    "betainc_der",
    "Hyp2F1",
    "hyp2f1",
    "Hyp2F1Der",
    "hyp2f1_der",
]

_SQRT_PI = float(np.sqrt(np.pi))


# ---------------------------------------------------------------------------
# Helpers
# ---------------------------------------------------------------------------


def _float_array(x: Any) -> np.ndarray:
    """``x`` as a float array: small integers/bools as float32, others float64."""
    x = np.asarray(x)
    if x.dtype.kind in "biu":
        return x.astype(np.float32 if x.dtype.itemsize <= 2 else np.float64)
    return x


def _unwrap(x: np.ndarray) -> Any:
    return x[()] if x.ndim == 0 else x


def _as_float(x, out):
    """``x`` cast to the float dtype of ``out`` when ``x`` is discrete.

    Derivative formulas evaluated on integer inputs would otherwise run (and
    overflow) in integer arithmetic.
    """
    if x.type in discrete_types:
        return cast(x, out.type.dtype)
    return x


def _grad_undefined(op: ScalarOp, idx: int, x, why: str):
    """The gradient of input ``idx`` of ``op`` that is not implemented.

    Uses :func:`aesara.gradient.grad_not_implemented` when available, else a
    :class:`NullType` variable carrying the same explanation: asking for this
    gradient fails with ``why`` in the message, other gradients still work.
    """
    msg = f"{op}: the gradient with respect to input {idx} ({x}) is not implemented: {why}"
    try:
        from aesara.gradient import grad_not_implemented
    except ImportError:
        return NullType(why_null=msg)()
    return grad_not_implemented(op, idx, x, comment=why)


def _sp():
    """:mod:`scipy.special`, imported on first use (it would add 0.15 s to ``import aesara``)."""
    import scipy.special

    return scipy.special


def _resolve(path: str):
    """The function at the dotted ``path`` (``"scipy.special.erf"``)."""
    mod_name, _, attr = path.rpartition(".")
    return getattr(importlib.import_module(mod_name), attr)


def _float_out(*types):
    """Output type preference of the special functions: float, never complex."""
    return upgrade_to_float_no_complex(*types)


def _last_float_out(*types):
    """Float output typed by the last input only (the first is an order/count)."""
    return upgrade_to_float_no_complex(types[-1])


class _SpecialOp(ScalarOp):
    """A special function computed by the function named in ``nfunc_spec``.

    ``nfunc_spec`` names a :mod:`scipy.special` ufunc or a vectorised function
    of this module; ``impl`` calls the same function, so it accepts arrays.
    """

    def impl(self, *inputs):
        fn = _resolve(self.nfunc_spec[0])
        with np.errstate(all="ignore"):
            return fn(*[_float_array(i) for i in inputs])

    def _check_complex(self, inputs):
        for x in inputs:
            if x.type in complex_types:
                raise NotImplementedError(f"{self}: no gradient for complex inputs")

    def L_op(self, inputs, outputs, output_gradients):
        self._check_complex(inputs)
        (gz,) = output_gradients
        out = outputs[0]
        xs = [_as_float(x, out) for x in inputs]
        derivs = self._derivs(xs, out)
        rval = []
        for i, (x, d) in enumerate(zip(inputs, derivs)):
            if isinstance(d, str):
                rval.append(_grad_undefined(self, i, x, d))
            else:
                rval.append(gz * d)
        return rval

    def _derivs(self, xs, out) -> list:
        """Partial derivatives (or a string: why one is not implemented)."""
        raise NotImplementedError(f"{type(self).__name__} has no gradient")


class _UnarySpecial(_SpecialOp, UnaryScalarOp):
    pass


class _BinarySpecial(_SpecialOp, BinaryScalarOp):
    pass


# ---------------------------------------------------------------------------
# Error functions
# ---------------------------------------------------------------------------


class Erf(_UnarySpecial):
    """The error function ``2/sqrt(pi) * integral(exp(-t**2), 0, x)``."""

    nfunc_spec = ("scipy.special.erf", 1, 1)

    def _derivs(self, xs, out):
        (x,) = xs
        return [_const_like(2.0 / _SQRT_PI, out) * exp(-sqr(x))]


erf = Erf(_float_out, name="erf")


class Erfc(_UnarySpecial):
    """The complementary error function ``1 - erf(x)``."""

    nfunc_spec = ("scipy.special.erfc", 1, 1)

    def _derivs(self, xs, out):
        (x,) = xs
        return [_const_like(-2.0 / _SQRT_PI, out) * exp(-sqr(x))]


erfc = Erfc(_float_out, name="erfc")


class Erfcx(_UnarySpecial):
    """The scaled complementary error function ``exp(x**2) * erfc(x)``."""

    nfunc_spec = ("scipy.special.erfcx", 1, 1)

    def _derivs(self, xs, out):
        (x,) = xs
        return [_const_like(2.0, out) * x * out - _const_like(2.0 / _SQRT_PI, out)]


erfcx = Erfcx(_float_out, name="erfcx")


class Erfinv(_UnarySpecial):
    """The inverse of :class:`Erf`, defined on ``[-1, 1]``."""

    nfunc_spec = ("scipy.special.erfinv", 1, 1)

    def _derivs(self, xs, out):
        return [_const_like(_SQRT_PI / 2.0, out) * exp(sqr(out))]


erfinv = Erfinv(_float_out, name="erfinv")


class Erfcinv(_UnarySpecial):
    """The inverse of :class:`Erfc`, defined on ``[0, 2]``."""

    nfunc_spec = ("scipy.special.erfcinv", 1, 1)

    def _derivs(self, xs, out):
        return [_const_like(-_SQRT_PI / 2.0, out) * exp(sqr(out))]


erfcinv = Erfcinv(_float_out, name="erfcinv")


class OwensT(_BinarySpecial):
    """Owen's T function ``T(h, a)``."""

    nfunc_spec = ("scipy.special.owens_t", 2, 1)

    def _derivs(self, xs, out):
        h, a = xs
        half = _const_like(0.5, out)
        dh = (
            -exp(-half * sqr(h))
            * erf(a * h * _const_like(1.0 / np.sqrt(2.0), out))
            * _const_like(1.0 / (2.0 * np.sqrt(2.0 * np.pi)), out)
        )
        one_a2 = _const_like(1.0, out) + sqr(a)
        da = exp(-half * sqr(h) * one_a2) / (_const_like(2.0 * np.pi, out) * one_a2)
        return [dh, da]


owens_t = OwensT(_float_out, name="owens_t")


# ---------------------------------------------------------------------------
# Gamma family
# ---------------------------------------------------------------------------


class Gamma(_UnarySpecial):
    """The gamma function."""

    nfunc_spec = ("scipy.special.gamma", 1, 1)

    def _derivs(self, xs, out):
        (x,) = xs
        return [out * psi(x)]


gamma = Gamma(_float_out, name="gamma")


class GammaLn(_UnarySpecial):
    """``log(|gamma(x)|)``."""

    nfunc_spec = ("scipy.special.gammaln", 1, 1)

    def _derivs(self, xs, out):
        return [psi(xs[0])]


gammaln = GammaLn(_float_out, name="gammaln")


class Psi(_UnarySpecial):
    """The digamma function, the derivative of :class:`GammaLn`."""

    nfunc_spec = ("scipy.special.psi", 1, 1)

    def _derivs(self, xs, out):
        return [tri_gamma(xs[0])]


psi = Psi(_float_out, name="psi")


class TriGamma(_UnarySpecial):
    """The trigamma function, the derivative of :class:`Psi`."""

    nfunc_spec = ("aesara.scalar.math.trigamma_array", 1, 1)

    def _derivs(self, xs, out):
        return [polygamma(2, xs[0])]


def trigamma_array(x: Any) -> Any:
    """Vectorised trigamma ``polygamma(1, x)`` keeping the input's float dtype."""
    x = _float_array(x)
    with np.errstate(all="ignore"):
        r = np.asarray(_sp().polygamma(1, x)).astype(x.dtype)
    # polygamma is not defined at the poles (non-positive integers): +inf there.
    r = np.where((x <= 0) & (x == np.floor(x)), np.inf, r).astype(x.dtype)
    return _unwrap(r)


tri_gamma = TriGamma(_float_out, name="tri_gamma")


class PolyGamma(_BinarySpecial):
    """The polygamma function ``polygamma(n, x)``: the n-th derivative of psi."""

    nfunc_spec = ("aesara.scalar.math.polygamma_array", 2, 1)

    def output_types(self, types):
        n_type = types[0]
        if n_type not in discrete_types:
            raise TypeError(f"polygamma: the order n must be an integer, got {n_type}")
        return super().output_types(types)

    def L_op(self, inputs, outputs, output_gradients):
        self._check_complex(inputs)
        n, x = inputs
        (gz,) = output_gradients
        xf = _as_float(x, outputs[0])
        return [
            _grad_undefined(self, 0, n, "the order n of polygamma is an integer"),
            gz * polygamma(n + 1, xf),
        ]


def polygamma_array(n: Any, x: Any) -> Any:
    """Vectorised ``scipy.special.polygamma`` keeping the float dtype of ``x``."""
    x = _float_array(x)
    n = np.asarray(n)
    with np.errstate(all="ignore"):
        r = np.asarray(_sp().polygamma(n, x))
    dtype = np.result_type(x.dtype, np.float32) if x.dtype != np.float16 else x.dtype
    return _unwrap(r.astype(dtype))


polygamma = PolyGamma(_last_float_out, name="polygamma")


def chi2sf_array(x: Any, k: Any) -> Any:
    """Survival function of the chi-squared distribution with ``k`` degrees of freedom."""
    x, k = _float_array(x), _float_array(k)
    with np.errstate(all="ignore"):
        return _sp().chdtrc(k, x)


class Chi2SF(_BinarySpecial):
    """Survival function of the chi-squared distribution: ``chi2sf(x, k)``."""

    nfunc_spec = ("aesara.scalar.math.chi2sf_array", 2, 1)

    def _derivs(self, xs, out):
        x, k = xs
        half = _const_like(0.5, out)
        hk = half * k
        # minus the chi-squared density
        dx = -exp((hk - _const_like(1.0, out)) * log(x) - half * x - gammaln(hk)) / (
            _const_like(2.0, out) ** hk
        )
        dk = -half * gammainc_der(hk, half * x)
        return [dx, dk]


chi2sf = Chi2SF(_float_out, name="chi2sf")


def _gammainc_dk(k: np.ndarray, x: np.ndarray) -> np.ndarray:
    """d/dk of the regularized lower incomplete gamma function P(k, x).

    From ``P = sum_n exp(-x) x**(k+n) / Gamma(k+n+1)``: each term contributes
    ``term * (log(x) - psi(k+n+1))``. Terms are summed in log space until
    they no longer change the sum; the last terms decay like ``x**n / n!``.
    """
    k, x = np.broadcast_arrays(np.asarray(k, np.float64), np.asarray(x, np.float64))
    out = np.zeros(k.shape)
    ok = (k > 0) & (x > 0) & np.isfinite(k) & np.isfinite(x)
    out[~ok] = np.nan
    out[(k > 0) & (x == 0)] = 0.0
    out[(k > 0) & np.isposinf(x)] = 0.0
    if not ok.any():
        return out
    kk, xx = k[ok], x[ok]
    logx = np.log(xx)
    n = 0
    acc = np.zeros(kk.shape)
    active = np.ones(kk.shape, dtype=bool)
    limit = int(min(1e6, np.max(xx) + 40 * np.sqrt(np.max(xx)) + 200))
    while active.any() and n < limit:
        a = kk + n
        log_term = a * logx - xx - _sp().gammaln(a + 1)
        term = np.exp(log_term) * (logx - _sp().psi(a + 1))
        acc = acc + np.where(active, term, 0.0)
        # Converged once past the peak (n > x) and the term is negligible.
        small = np.abs(term) <= 1e-17 * np.maximum(np.abs(acc), 1e-300)
        active &= ~(small & (a > xx))
        n += 1
    out[ok] = acc
    return out


def gammainc_der_array(k: Any, x: Any) -> Any:
    """Vectorised d/dk of :func:`scipy.special.gammainc` in the float dtype of the inputs."""
    k, x = _float_array(k), _float_array(x)
    dtype = np.result_type(k.dtype, x.dtype)
    with np.errstate(all="ignore"):
        return _unwrap(_gammainc_dk(k, x).astype(dtype))


class GammaIncDer(_BinarySpecial):
    """Derivative of :class:`GammaInc` with respect to its shape parameter ``k``."""

    nfunc_spec = ("aesara.scalar.math.gammainc_der_array", 2, 1)

    def L_op(self, inputs, outputs, output_gradients):
        return [
            _grad_undefined(self, i, x, "second derivatives of gammainc")
            for i, x in enumerate(inputs)
        ]


gammainc_der = GammaIncDer(_float_out, name="gammainc_der")


def _dx_lower_gamma(k, x, out):
    """``exp(-x) * x**(k-1)``: the derivative of the unregularized lower gamma."""
    return exp(-x + (k - _const_like(1.0, out)) * log(x))


class GammaInc(_BinarySpecial):
    """Regularized lower incomplete gamma function ``P(k, x)`` (``scipy.special.gammainc``)."""

    nfunc_spec = ("scipy.special.gammainc", 2, 1)

    def _derivs(self, xs, out):
        k, x = xs
        return [gammainc_der(k, x), _dx_lower_gamma(k, x, out) / gamma(k)]


gammainc = GammaInc(_float_out, name="gammainc")


class GammaIncC(_BinarySpecial):
    """Regularized upper incomplete gamma function ``Q(k, x) = 1 - P(k, x)``."""

    nfunc_spec = ("scipy.special.gammaincc", 2, 1)

    def _derivs(self, xs, out):
        k, x = xs
        return [-gammainc_der(k, x), -_dx_lower_gamma(k, x, out) / gamma(k)]


gammaincc = GammaIncC(_float_out, name="gammaincc")


def gammaincc_der_array(k: Any, x: Any) -> Any:
    """Vectorised d/dk of :func:`scipy.special.gammaincc` (``-d/dk gammainc``)."""
    return -np.asarray(gammainc_der_array(k, x))


class GammaIncCDer(_BinarySpecial):
    """Derivative of :class:`GammaIncC` with respect to its shape parameter ``k``.

    ``Q = 1 - P``, so this is the negated :class:`GammaIncDer` series.
    """

    nfunc_spec = ("aesara.scalar.math.gammaincc_der_array", 2, 1)

    def impl(self, k, x):
        return _unwrap(gammaincc_der_array(k, x))

    def L_op(self, inputs, outputs, output_gradients):
        return [
            _grad_undefined(self, i, x, "second derivatives of gammaincc")
            for i, x in enumerate(inputs)
        ]


gammaincc_der = GammaIncCDer(_float_out, name="gammaincc_der")


def gammau_array(k: Any, x: Any) -> Any:
    """Upper incomplete gamma function ``Gamma(k) * Q(k, x)``, vectorised."""
    k, x = _float_array(k), _float_array(x)
    with np.errstate(all="ignore"):
        return _sp().gammaincc(k, x) * _sp().gamma(k)


def gammal_array(k: Any, x: Any) -> Any:
    """Lower incomplete gamma function ``Gamma(k) * P(k, x)``, vectorised."""
    k, x = _float_array(k), _float_array(x)
    with np.errstate(all="ignore"):
        return _sp().gammainc(k, x) * _sp().gamma(k)


class GammaU(_BinarySpecial):
    """Upper (unregularized) incomplete gamma function ``Gamma(k) * gammaincc(k, x)``."""

    nfunc_spec = ("aesara.scalar.math.gammau_array", 2, 1)

    def _derivs(self, xs, out):
        k, x = xs
        dk = out * psi(k) - gamma(k) * gammainc_der(k, x)
        return [dk, -_dx_lower_gamma(k, x, out)]


gammau = GammaU(_float_out, name="gammau")


class GammaL(_BinarySpecial):
    """Lower (unregularized) incomplete gamma function ``Gamma(k) * gammainc(k, x)``."""

    nfunc_spec = ("aesara.scalar.math.gammal_array", 2, 1)

    def _derivs(self, xs, out):
        k, x = xs
        dk = out * psi(k) + gamma(k) * gammainc_der(k, x)
        return [dk, _dx_lower_gamma(k, x, out)]


gammal = GammaL(_float_out, name="gammal")


# ---------------------------------------------------------------------------
# Bessel functions
# ---------------------------------------------------------------------------

_ORDER_GRAD = "the derivative with respect to the order is not implemented"


class Jv(_BinarySpecial):
    """Bessel function of the first kind of real order ``v``: ``jv(v, x)``."""

    nfunc_spec = ("scipy.special.jv", 2, 1)

    def _derivs(self, xs, out):
        v, x = xs
        one = _const_like(1.0, out)
        half = _const_like(0.5, out)
        return [_ORDER_GRAD, half * (jv(v - one, x) - jv(v + one, x))]


jv = Jv(_float_out, name="jv")


class J0(_UnarySpecial):
    """Bessel function of the first kind of order 0."""

    nfunc_spec = ("scipy.special.j0", 1, 1)

    def _derivs(self, xs, out):
        return [-j1(xs[0])]


j0 = J0(_float_out, name="j0")


class J1(_UnarySpecial):
    """Bessel function of the first kind of order 1."""

    nfunc_spec = ("scipy.special.j1", 1, 1)

    def _derivs(self, xs, out):
        (x,) = xs
        return [_const_like(0.5, out) * (j0(x) - jv(_const_like(2.0, out), x))]


j1 = J1(_float_out, name="j1")


class Iv(_BinarySpecial):
    """Modified Bessel function of the first kind of real order ``v``: ``iv(v, x)``."""

    nfunc_spec = ("scipy.special.iv", 2, 1)

    def _derivs(self, xs, out):
        v, x = xs
        one = _const_like(1.0, out)
        half = _const_like(0.5, out)
        return [_ORDER_GRAD, half * (iv(v - one, x) + iv(v + one, x))]


iv = Iv(_float_out, name="iv")


class I0(_UnarySpecial):
    """Modified Bessel function of the first kind of order 0."""

    nfunc_spec = ("scipy.special.i0", 1, 1)

    def _derivs(self, xs, out):
        return [i1(xs[0])]


i0 = I0(_float_out, name="i0")


class I1(_UnarySpecial):
    """Modified Bessel function of the first kind of order 1."""

    nfunc_spec = ("scipy.special.i1", 1, 1)

    def _derivs(self, xs, out):
        (x,) = xs
        return [_const_like(0.5, out) * (i0(x) + iv(_const_like(2.0, out), x))]


i1 = I1(_float_out, name="i1")


# ---------------------------------------------------------------------------
# Logistic family
# ---------------------------------------------------------------------------


class Sigmoid(_UnarySpecial):
    """The logistic function ``1 / (1 + exp(-x))`` (``scipy.special.expit``).

    Exact to the last bit for large ``|x|``: ``sigmoid(-800) == 0`` and
    ``sigmoid(800) == 1`` without overflow warnings.
    """

    nfunc_spec = ("scipy.special.expit", 1, 1)

    def _derivs(self, xs, out):
        return [out * (_const_like(1.0, out) - out)]


sigmoid = Sigmoid(_float_out, name="sigmoid")


def softplus_array(x: Any) -> Any:
    """``log(1 + exp(x))`` without overflow or loss of precision.

    Piecewise: ``exp(x)`` below -37 (where ``log1p(exp(x)) == exp(x)`` to
    double precision), ``log1p(exp(x))`` up to 18, ``x + exp(-x)`` up to 33.3
    and ``x`` beyond.
    """
    x = _float_array(x)
    with np.errstate(over="ignore", under="ignore", invalid="ignore"):
        r = np.where(
            x < -37.0,
            np.exp(x),
            np.where(
                x < 18.0,
                np.log1p(np.exp(np.minimum(x, 18.0))),
                np.where(x < 33.3, x + np.exp(-x), x),
            ),
        )
    return _unwrap(np.asarray(r, dtype=x.dtype))


class Softplus(_UnarySpecial):
    """``log(1 + exp(x))``, numerically stable over the whole real line."""

    nfunc_spec = ("aesara.scalar.math.softplus_array", 1, 1)

    def _derivs(self, xs, out):
        return [sigmoid(xs[0])]


softplus = Softplus(_float_out, name="softplus")


def log1mexp_array(x: Any) -> Any:
    """``log(1 - exp(x))`` for ``x <= 0``, accurate everywhere (Maechler's switch).

    ``log(-expm1(x))`` for ``-log(2) < x <= 0`` and ``log1p(-exp(x))`` below;
    ``0`` gives ``-inf`` and positive ``x`` gives NaN.
    """
    x = _float_array(x)
    with np.errstate(all="ignore"):
        r = np.where(
            x < -np.log(2.0),
            np.log1p(-np.exp(x)),
            np.log(-np.expm1(x)),
        )
    return _unwrap(np.asarray(r, dtype=x.dtype))


class Log1mexp(_UnarySpecial):
    """``log(1 - exp(x))``, numerically stable for ``x`` near 0 and very negative ``x``."""

    nfunc_spec = ("aesara.scalar.math.log1mexp_array", 1, 1)

    def _derivs(self, xs, out):
        (x,) = xs
        # d/dx log(1 - e^x) = -e^x / (1 - e^x) = -1 / expm1(-x)
        from aesara.scalar.basic import expm1

        return [_const_like(-1.0, out) / expm1(-x)]


log1mexp = Log1mexp(_float_out, name="log1mexp")


# ---------------------------------------------------------------------------
# Incomplete beta and Gauss hypergeometric functions
# ---------------------------------------------------------------------------


def _betainc_da_db(a: np.ndarray, b: np.ndarray, x: np.ndarray):
    """(dI/da, dI/db) of the regularized incomplete beta ``I_x(a, b)``, for x < 1.

    Uses ``I_x(a, b) = x**a (1-x)**b / (a B(a, b)) * sum_n T_n`` with
    ``T_{n+1}/T_n = x (a+b+n) / (a+1+n)``; differentiating the logarithm of
    each (positive) term gives the weights of the derivatives. Callers apply
    the symmetry ``I_x(a, b) = 1 - I_{1-x}(b, a)`` so that the series
    converges fast.
    """
    log_t = a * np.log(x) + b * np.log1p(-x) - np.log(a) - _sp().betaln(a, b)
    psi_ab = _sp().psi(a + b)
    dlog_a = np.log(x) - 1.0 / a - _sp().psi(a) + psi_ab
    dlog_b = np.log1p(-x) - _sp().psi(b) + psi_ab
    da = np.zeros(a.shape)
    db = np.zeros(a.shape)
    s_ab = np.zeros(a.shape)  # psi(a+b+n) - psi(a+b)
    s_a1 = np.zeros(a.shape)  # psi(a+1+n) - psi(a+1)
    active = np.ones(a.shape, dtype=bool)
    n = 0
    while active.any() and n < 200000:
        t = np.exp(log_t)
        ta = t * (dlog_a + s_ab - s_a1)
        tb = t * (dlog_b + s_ab)
        da = da + np.where(active, ta, 0.0)
        db = db + np.where(active, tb, 0.0)
        small = (np.abs(ta) <= 1e-17 * np.maximum(np.abs(da), 1e-300)) & (
            np.abs(tb) <= 1e-17 * np.maximum(np.abs(db), 1e-300)
        )
        # Terms decrease once x (a+b+n) < a+1+n; only stop past that point.
        decreasing = x * (a + b + n) < (a + 1 + n)
        active &= ~(small & decreasing)
        log_t = log_t + np.log(x) + np.log((a + b + n) / (a + 1 + n))
        s_ab = s_ab + 1.0 / (a + b + n)
        s_a1 = s_a1 + 1.0 / (a + 1 + n)
        n += 1
    return da, db


def betainc_der_array(a: Any, b: Any, x: Any, wrt: int) -> Any:
    """d/da (``wrt=0``) or d/db (``wrt=1``) of ``scipy.special.betainc(a, b, x)``."""
    a, b, x = (_float_array(v) for v in (a, b, x))
    dtype = np.result_type(a.dtype, b.dtype, x.dtype)
    a, b, x = np.broadcast_arrays(*(np.asarray(v, np.float64) for v in (a, b, x)))
    out = np.full(a.shape, np.nan)
    valid = (a > 0) & (b > 0) & (x >= 0) & (x <= 1)
    edge = valid & ((x == 0) | (x == 1))
    out[edge] = 0.0
    inner = valid & ~edge
    with np.errstate(all="ignore"):
        flip = inner & (x > a / (a + b))
        direct = inner & ~flip
        if direct.any():
            da, db = _betainc_da_db(a[direct], b[direct], x[direct])
            out[direct] = da if wrt == 0 else db
        if flip.any():
            # I_x(a, b) = 1 - I_{1-x}(b, a)
            da_f, db_f = _betainc_da_db(b[flip], a[flip], 1.0 - x[flip])
            out[flip] = -db_f if wrt == 0 else -da_f
    return _unwrap(out.astype(dtype))


def betainc_der_a_array(a: Any, b: Any, x: Any) -> Any:
    """d/da of ``scipy.special.betainc(a, b, x)``, vectorised."""
    return betainc_der_array(a, b, x, 0)


def betainc_der_b_array(a: Any, b: Any, x: Any) -> Any:
    """d/db of ``scipy.special.betainc(a, b, x)``, vectorised."""
    return betainc_der_array(a, b, x, 1)


class BetaIncDer(ScalarOp):
    """Derivative of :class:`BetaInc` with respect to ``a`` (``wrt=0``) or ``b`` (``wrt=1``)."""

    nin = 3
    __props__ = ("wrt",)

    def __init__(self, wrt: int, output_types_preference=None, name=None):
        if wrt not in (0, 1):
            raise ValueError(f"BetaIncDer: wrt must be 0 (a) or 1 (b), got {wrt!r}")
        self.wrt = wrt
        self.nfunc_spec = (f"aesara.scalar.math.betainc_der_{'ab'[wrt]}_array", 3, 1)
        super().__init__(output_types_preference, name)

    def impl(self, a, b, x):
        return betainc_der_array(a, b, x, self.wrt)

    def L_op(self, inputs, outputs, output_gradients):
        return [
            _grad_undefined(self, i, x, "second derivatives of betainc")
            for i, x in enumerate(inputs)
        ]


betainc_der_a = BetaIncDer(0, _float_out, name="betainc_der_a")
betainc_der_b = BetaIncDer(1, _float_out, name="betainc_der_b")


class BetaInc(_SpecialOp):
    """Regularized incomplete beta function ``I_x(a, b)`` (``scipy.special.betainc``)."""

    nin = 3
    nfunc_spec = ("scipy.special.betainc", 3, 1)

    def _derivs(self, xs, out):
        a, b, x = xs
        one = _const_like(1.0, out)
        dx = exp(
            (a - one) * log(x)
            + (b - one) * log1p(-x)
            - (gammaln(a) + gammaln(b) - gammaln(a + b))
        )
        return [betainc_der_a(a, b, x), betainc_der_b(a, b, x), dx]


betainc = BetaInc(_float_out, name="betainc")


class _BetaIncDerSelect(ScalarOp):
    """Aesara's ``betainc_der(a, b, x, wrtp)``: d/da when ``wrtp`` is true, else d/db.

    The choice is an input (as in Aesara) rather than a property, so one op
    serves both derivatives; :class:`BetaIncDer` is this project's per-parameter op.
    """

    nin = 4

    def impl(self, a, b, x, wrtp):
        wrt = np.asarray(wrtp).astype(bool)
        if wrt.ndim == 0:
            return betainc_der_array(a, b, x, 0 if wrt else 1)
        da = np.asarray(betainc_der_array(a, b, x, 0))
        db = np.asarray(betainc_der_array(a, b, x, 1))
        return np.where(wrt, da, db)

    def L_op(self, inputs, outputs, output_gradients):
        return [
            _grad_undefined(self, i, x, "second derivatives of betainc")
            for i, x in enumerate(inputs)
        ]


betainc_der = _BetaIncDerSelect(
    lambda *types: _float_out(*types[:3]), name="betainc_der"
)


def hyp2f1_der_array(a: Any, b: Any, c: Any, z: Any, wrt: int) -> Any:
    """d/da, d/db or d/dc (``wrt`` 0, 1, 2) of ``hyp2f1(a, b, c, z)`` for ``|z| < 1``.

    Differentiates the power series term by term: the term ``n`` is
    ``(a)_n (b)_n / (c)_n z**n / n!`` and its derivative with respect to
    ``a`` is the term times ``sum_{j<n} 1/(a+j)`` (minus that for ``c``).
    Outside the unit disc the result is NaN.
    """
    arrs = [_float_array(v) for v in (a, b, c, z)]
    dtype = np.result_type(*[v.dtype for v in arrs])
    a, b, c, z = np.broadcast_arrays(*(np.asarray(v, np.float64) for v in arrs))
    param = (a, b, c)[wrt]
    out = np.full(a.shape, np.nan)
    ok = np.abs(z) < 1
    if ok.any():
        a_, b_, c_, z_, p_ = a[ok], b[ok], c[ok], z[ok], param[ok]
        term = np.ones(a_.shape)
        harmonic = np.zeros(a_.shape)
        acc = np.zeros(a_.shape)
        active = np.ones(a_.shape, dtype=bool)
        sign = -1.0 if wrt == 2 else 1.0
        with np.errstate(all="ignore"):
            for n in range(200000):
                # term_n * sum_{j<n} 1/(p+j), for n >= 1
                contrib = sign * term * harmonic
                acc = acc + np.where(active, contrib, 0.0)
                harmonic = harmonic + 1.0 / (p_ + n)
                term = term * (a_ + n) * (b_ + n) / ((c_ + n) * (n + 1)) * z_
                done = (np.abs(contrib) <= 1e-17 * np.maximum(np.abs(acc), 1e-300)) & (
                    n > 2
                )
                done |= term == 0
                active &= ~done
                if not active.any():
                    break
        out[ok] = acc
    return _unwrap(out.astype(dtype))


def hyp2f1_der_a_array(a: Any, b: Any, c: Any, z: Any) -> Any:
    """d/da of ``scipy.special.hyp2f1``, vectorised (``|z| < 1``)."""
    return hyp2f1_der_array(a, b, c, z, 0)


def hyp2f1_der_b_array(a: Any, b: Any, c: Any, z: Any) -> Any:
    """d/db of ``scipy.special.hyp2f1``, vectorised (``|z| < 1``)."""
    return hyp2f1_der_array(a, b, c, z, 1)


def hyp2f1_der_c_array(a: Any, b: Any, c: Any, z: Any) -> Any:
    """d/dc of ``scipy.special.hyp2f1``, vectorised (``|z| < 1``)."""
    return hyp2f1_der_array(a, b, c, z, 2)


class Hyp2F1Der(ScalarOp):
    """Derivative of :class:`Hyp2F1` with respect to ``a``, ``b`` or ``c`` (``wrt`` 0, 1, 2)."""

    nin = 4
    __props__ = ("wrt",)

    def __init__(self, wrt: int, output_types_preference=None, name=None):
        if wrt not in (0, 1, 2):
            raise ValueError(f"Hyp2F1Der: wrt must be 0, 1 or 2, got {wrt!r}")
        self.wrt = wrt
        self.nfunc_spec = (f"aesara.scalar.math.hyp2f1_der_{'abc'[wrt]}_array", 4, 1)
        super().__init__(output_types_preference, name)

    def impl(self, a, b, c, z):
        return hyp2f1_der_array(a, b, c, z, self.wrt)

    def L_op(self, inputs, outputs, output_gradients):
        return [
            _grad_undefined(self, i, x, "second derivatives of hyp2f1")
            for i, x in enumerate(inputs)
        ]


_hyp2f1_ders = tuple(
    Hyp2F1Der(i, _float_out, name=f"hyp2f1_der_{p}") for i, p in enumerate("abc")
)


class Hyp2F1(_SpecialOp):
    """Gauss hypergeometric function ``2F1(a, b; c; z)`` (``scipy.special.hyp2f1``).

    The derivatives with respect to ``a``, ``b`` and ``c`` use a power series
    valid for ``|z| < 1`` (NaN elsewhere).
    """

    nin = 4
    nfunc_spec = ("scipy.special.hyp2f1", 4, 1)

    def _derivs(self, xs, out):
        a, b, c, z = xs
        one = _const_like(1.0, out)
        dz = a * b / c * hyp2f1(a + one, b + one, c + one, z)
        return [d(a, b, c, z) for d in _hyp2f1_ders] + [dz]


hyp2f1 = Hyp2F1(_float_out, name="hyp2f1")


class _Hyp2F1DerSelect(ScalarOp):
    """Aesara's ``hyp2f1_der(a, b, c, z, wrt)``: d/da, d/db or d/dc (``wrt`` 0, 1, 2).

    The parameter is an input, as in Aesara; :class:`Hyp2F1Der` is this
    project's per-parameter op.
    """

    nin = 5

    def impl(self, a, b, c, z, wrt):
        w = int(np.asarray(wrt))
        if w not in (0, 1, 2):
            raise ValueError(f"hyp2f1_der: wrt must be 0, 1 or 2, got {wrt!r}")
        return hyp2f1_der_array(a, b, c, z, w)

    def L_op(self, inputs, outputs, output_gradients):
        return [
            _grad_undefined(self, i, x, "second derivatives of hyp2f1")
            for i, x in enumerate(inputs)
        ]


hyp2f1_der = _Hyp2F1DerSelect(lambda *types: _float_out(*types[:4]), name="hyp2f1_der")

# Aesara's historical class name.
Owens_t = OwensT
