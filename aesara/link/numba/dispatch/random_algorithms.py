"""NumPy's and SciPy's sampling algorithms, as nopython Numba functions.

The Numba translations of random variables
(:mod:`aesara.link.numba.dispatch.random`) must give the Python backend's
draws bit for bit. Where Numba's ``Generator`` lacks a method, or its method
computes differently from the NumPy release in use, the algorithm is
written here from NumPy's (or SciPy's) definition, with the same
operations in the same order:

- :func:`wald`: NumPy draws a standard normal ``N`` and a uniform ``U``
  and computes ``mean * (1 - 2 / (1 + sqrt(1 + 4 * scale / Y)))`` with
  ``Y = mean * N * N`` (the cancellation-free form NumPy 2 uses; Numba
  still has the older formula);
- :func:`vonmises`: Best and Fisher's rejection sampler, with NumPy's
  uniform branch for ``kappa < 1e-8``, its series for ``kappa < 1e-5`` and
  its wrapped-normal branch for ``kappa > 1e6``;
- the SciPy quantile functions applied to uniform draws by
  ``scipy.stats``' default ``_rvs``: :func:`cauchy_ppf` (Boost's Cauchy
  quantile, as SciPy's ``_cauchy_ppf``), :func:`invgamma_ppf`
  (``1 / gammainccinv(a, q)``) and :func:`truncexpon_ppf`
  (``-log1p(q * expm1(-b))``); the special functions are SciPy's own C
  functions from ``scipy.special.cython_special``;
- :func:`hypergeometric`: NumPy's ``random_hypergeometric`` (draws
  without replacement by ``random_interval`` for small samples, Stadlober's
  ratio-of-uniforms "HRUA" otherwise), with its ``log(k!)`` (a table of
  the correctly rounded values below 126, Stirling's series above);
- :func:`choice_uniform` and :func:`choice_weighted`: the indices
  ``Generator.choice`` draws (bounded integers or a search of the
  normalised cumulative sums with replacement; Floyd's algorithm or a tail
  shuffle, or repeated searches dropping repeats, without), with NumPy's
  Lemire bounded integers;
- :func:`dirichlet_draw`, :func:`multinomial_draw` and
  :func:`categorical_draw`: one vector of NumPy's ``Generator.dirichlet``
  (stick-breaking with beta draws when every ``alpha < 0.1``, normalised
  gammas otherwise), ``Generator.multinomial`` (sequential binomials) and
  of our ``categorical``'s inverse-CDF lookup;
- :func:`multivariate_normal_rows`: ``Generator.multivariate_normal``'s
  default method: all the standard normals, then ``mean + x @ (u *
  sqrt(s)).T`` with ``u, s`` from the SVD of the covariance. NumPy's SVD
  and product come from the OpenBLAS in NumPy's wheel, Numba's from the
  one in SciPy's; both wheels ship builds of the same scipy-openblas, whose
  kernels give the same bits (the tests compare them);
- :func:`beta`, :func:`binomial`, :func:`poisson` and
  :func:`negative_binomial`: NumPy 2's samplers (Johnk's algorithm with
  the logarithmic path for underflows and the tiny-parameter shortcut;
  inversion with ``log1p`` and BTPE; the multiplication method and PTRS
  with ``floor``). Numba's versions follow older NumPy code or differ in
  details (``log`` for ``log1p``, a misprinted constant in BTPE,
  truncation for ``floor``), which changes rare draws.

``random_standard_gamma`` and ``random_loggam`` are Numba's (called on the
bit generator, without the public methods' checks), which agree with
NumPy's. Everything here is compiled without fast-math: the samplers' last bits
depend on the exact operations.
"""

from __future__ import annotations

import decimal
import math
import threading
import warnings

import numba
import numpy as np
from numba import types
from numba.np.random.distributions import random_loggam, random_standard_gamma
from numba.np.random.random_methods import (
    bounded_lemire_uint64,
    buffered_bounded_lemire_uint32,
    gen_mask,
    random_interval,
)

__all__ = [
    "beta",
    "binomial",
    "categorical_draw",
    "cauchy_ppf",
    "choice_uniform",
    "choice_weighted",
    "dirichlet_draw",
    "ensure_scipy_loaded",
    "hypergeometric",
    "log_factorial",
    "invgamma_ppf",
    "kahan_sum",
    "multinomial_draw",
    "multivariate_normal_rows",
    "negative_binomial",
    "poisson",
    "truncexpon_ppf",
    "vonmises",
    "wald",
]

_jit = numba.njit(error_model="numpy", fastmath=False)

# SciPy's C functions: our symbol name -> (cython_special export, arguments).
_PREFIX = "aesara_random_cython_special_"
_SCIPY_EXPORTS: dict[str, tuple[str, int]] = {
    "gammainccinv": ("gammainccinv", 2),
    "log1p": ("log1p", 1),
    "expm1": ("expm1", 1),
}
_scipy_loaded = False
_scipy_lock = threading.Lock()


def _external(name: str) -> types.ExternalFunction:
    nargs = _SCIPY_EXPORTS[name][1]
    return types.ExternalFunction(
        _PREFIX + name, types.float64(*([types.float64] * nargs), types.intc)
    )


def ensure_scipy_loaded() -> None:
    """Register SciPy's special functions used here with LLVM (once).

    The compiled code calls them by symbol name (so it can be cached on
    disk); the names must be registered before such code is compiled or
    loaded.

    Raises
    ------
    RuntimeError
        If ``scipy.special.cython_special`` exports no ``double`` version of
        one of the functions.
    """
    global _scipy_loaded
    if _scipy_loaded:
        return
    with _scipy_lock:
        if _scipy_loaded:
            return
        import llvmlite.binding as llvm
        import scipy.special.cython_special as cs
        from numba.extending import get_cython_function_address

        from aesara.link.numba.dispatch.special import special_export

        capi = cs.__pyx_capi__
        for name, (fn, nargs) in _SCIPY_EXPORTS.items():
            want = f"double ({', '.join(['double'] * nargs)}, int __pyx_skip_dispatch)"
            export = special_export(capi, fn, want)
            address = get_cython_function_address(
                "scipy.special.cython_special", export
            )
            llvm.add_symbol(_PREFIX + name, address)
        _scipy_loaded = True


_c_gammainccinv = _external("gammainccinv")
_c_log1p = _external("log1p")
_c_expm1 = _external("expm1")
_NO = np.intc(0)


@_jit
def cauchy_ppf(q):  # pragma: no cover - compiled by Numba
    """SciPy's standard Cauchy quantile (Boost's algorithm) of ``q`` in ``[0, 1)``."""
    if q == 0.0:
        # SciPy's Boost policy raises on the infinite quantile.
        raise OverflowError(
            "Error in function boost::math::quantile(cauchy<d>&, %1%): Overflow Error"
        )
    p = q - np.floor(q)
    if p > 0.5:
        p = p - 1.0
    if p == 0.5:
        return 0.0
    return 0.0 + (-1.0 / math.tan(math.pi * p))


@_jit
def invgamma_ppf(a, q):  # pragma: no cover - compiled by Numba
    """SciPy's standard inverse-gamma quantile, ``1 / gammainccinv(a, q)``."""
    return 1.0 / _c_gammainccinv(a, q, _NO)


@_jit
def truncexpon_ppf(b, q):  # pragma: no cover - compiled by Numba
    """SciPy's standard truncated-exponential quantile."""
    return -_c_log1p(q * _c_expm1(-b, _NO), _NO)


# Below this, NumPy's beta sampler only decides between 0 and 1.
_BETA_TINY = 3e-103


@_jit
def beta(rng, a, b):  # pragma: no cover - compiled by Numba
    """One draw of NumPy's ``random_beta(a, b)`` (``a``, ``b`` non-negative)."""
    if a <= 1.0 and b <= 1.0:
        if a < _BETA_TINY and b < _BETA_TINY:
            u = rng.random()
            return 1.0 if (a + b) * u < a else 0.0
        while True:
            u = rng.random()
            v = rng.random()
            x = u ** (1.0 / a)
            y = v ** (1.0 / b)
            xpy = x + y
            if xpy <= 1.0 and u + v > 0.0:
                if x > 0 and y > 0:
                    return x / xpy
                # An underflow: work with logarithms.
                log_x = np.log(u) / a
                log_y = np.log(v) / b
                delta = log_x - log_y
                if delta > 0:
                    return np.exp(-np.log1p(np.exp(-delta)))
                return np.exp(delta - np.log1p(np.exp(delta)))
    bitgen = rng.bit_generator
    ga = random_standard_gamma(bitgen, a)
    gb = random_standard_gamma(bitgen, b)
    return ga / (ga + gb)


@_jit
def _binomial_inversion(rng, n, p):  # pragma: no cover - compiled by Numba
    q = 1.0 - p
    qn = np.exp(n * np.log1p(-p))
    np_ = n * p
    bound = np.int64(min(np.float64(n), np_ + 10.0 * math.sqrt(np_ * q + 1)))
    x = np.int64(0)
    px = qn
    u = rng.random()
    while u > px:
        x += 1
        if x > bound:
            x = np.int64(0)
            px = qn
            u = rng.random()
        else:
            u -= px
            px = ((n - x + 1) * p * px) / (x * q)
    return x


@_jit
def _stirling_tail(v, v2):  # pragma: no cover - compiled by Numba
    return (
        (13680.0 - (462.0 - (132.0 - (99.0 - 140.0 / v2) / v2) / v2) / v2)
        / v
        / (166320.0)
    )


@_jit
def _binomial_btpe(rng, n, p):  # pragma: no cover - compiled by Numba
    # Kachitvichyanukul and Schmeiser's BTPE, as NumPy writes it (its
    # gotos become the ``step`` states).
    r = min(p, 1.0 - p)
    q = 1.0 - r
    fm = n * r + r
    m = np.int64(np.floor(fm))
    p1 = np.floor(2.195 * math.sqrt(n * r * q) - 4.6 * q) + 0.5
    xm = m + 0.5
    xl = xm - p1
    xr = xm + p1
    c = 0.134 + 20.5 / (15.3 + m)
    a = (fm - xl) / (fm - xl * r)
    laml = a * (1.0 + a / 2.0)
    a = (xr - fm) / (xr * q)
    lamr = a * (1.0 + a / 2.0)
    p2 = p1 * (1.0 + 2.0 * c)
    p3 = p2 + c / laml
    p4 = p3 + c / lamr
    y = np.int64(0)
    u = 0.0
    v = 0.0
    nrq = 0.0
    step = 10
    while True:
        if step == 10:
            nrq = n * r * q
            u = rng.random() * p4
            v = rng.random()
            if u > p1:
                step = 20
                continue
            y = np.int64(np.floor(xm - p1 * v + u))
            step = 60
        elif step == 20:
            if u > p2:
                step = 30
                continue
            x = xl + (u - p1) / c
            v = v * c + 1.0 - abs(m - x + 0.5) / p1
            if v > 1.0:
                step = 10
                continue
            y = np.int64(np.floor(x))
            step = 50
        elif step == 30:
            if u > p3:
                step = 40
                continue
            if v == 0.0:
                step = 10
                continue
            y = np.int64(np.floor(xl + math.log(v) / laml))
            if y < 0:
                step = 10
                continue
            v = v * (u - p2) * laml
            step = 50
        elif step == 40:
            if v == 0.0:
                step = 10
                continue
            y = np.int64(np.floor(xr - math.log(v) / lamr))
            if y > n:
                step = 10
                continue
            v = v * (u - p3) * lamr
            step = 50
        elif step == 50:
            k = abs(y - m)
            if k > 20 and k < nrq / 2.0 - 1:
                rho = (k / nrq) * (
                    (k * (k / 3.0 + 0.625) + 0.16666666666666666) / nrq + 0.5
                )
                t = -k * k / (2 * nrq)
                big_a = np.log(v)
                if big_a < t - rho:
                    step = 60
                    continue
                if big_a > t + rho:
                    step = 10
                    continue
                x1 = np.float64(y) + 1
                f1 = np.float64(m) + 1
                z = np.float64(n) + 1 - np.float64(m)
                w = np.float64(n) - np.float64(y) + 1
                bound = (
                    xm * math.log(f1 / x1)
                    + (n - m + 0.5) * math.log(z / w)
                    + (y - m) * math.log(w * r / (x1 * q))
                    + _stirling_tail(f1, f1 * f1)
                    + _stirling_tail(z, z * z)
                    + _stirling_tail(x1, x1 * x1)
                    + _stirling_tail(w, w * w)
                )
                step = 10 if big_a > bound else 60
                continue
            s = r / q
            a = s * (n + 1)
            f = 1.0
            if m < y:
                for i in range(m + 1, y + 1):
                    f *= a / i - s
            elif m > y:
                for i in range(y + 1, m + 1):
                    f /= a / i - s
            step = 10 if v > f else 60
        else:
            if p > 0.5:
                y = n - y
            return y


@_jit
def binomial(rng, n, p):  # pragma: no cover - compiled by Numba
    """One draw of NumPy's ``random_binomial(p, n)`` (no argument checks)."""
    n = np.int64(n)
    if n == 0 or p == 0.0:
        return np.int64(0)
    if p <= 0.5:
        if p * n <= 30.0:
            return _binomial_inversion(rng, n, p)
        return _binomial_btpe(rng, n, p)
    q = 1.0 - p
    if q * n <= 30.0:
        return n - _binomial_inversion(rng, n, q)
    return n - _binomial_btpe(rng, n, q)


@_jit
def _poisson_ptrs(rng, lam):  # pragma: no cover - compiled by Numba
    # Hoermann's transformed rejection.
    slam = math.sqrt(lam)
    loglam = math.log(lam)
    b = 0.931 + 2.53 * slam
    a = -0.059 + 0.02483 * b
    invalpha = 1.1239 + 1.1328 / (b - 3.4)
    vr = 0.9277 - 3.6224 / (b - 2)
    while True:
        u = rng.random() - 0.5
        v = rng.random()
        us = 0.5 - abs(u)
        kf = np.floor((2 * a / us + b) * u + lam + 0.43)
        # C converts the floor to an integer; out of range only when huge
        # negative, which is rejected below anyway.
        k = np.int64(kf) if kf > -9.2e18 else np.int64(-1)
        if us >= 0.07 and v <= vr:
            return k
        if k < 0 or (us < 0.013 and v > us):
            continue
        if (np.log(v) + math.log(invalpha) - math.log(a / (us * us) + b)) <= (
            -lam + np.float64(k) * loglam - random_loggam(np.float64(k) + 1)
        ):
            return k


@_jit
def poisson(rng, lam):  # pragma: no cover - compiled by Numba
    """One draw of NumPy's ``random_poisson(lam)`` (no argument checks)."""
    if lam >= 10:
        return _poisson_ptrs(rng, lam)
    if lam == 0:
        return np.int64(0)
    enlam = math.exp(-lam)
    x = np.int64(0)
    prod = 1.0
    while True:
        prod *= rng.random()
        if prod > enlam:
            x += 1
        else:
            return x


@_jit
def negative_binomial(rng, n, p):  # pragma: no cover - compiled by Numba
    """One draw of NumPy's ``random_negative_binomial(n, p)``."""
    y = (1 - p) / p * random_standard_gamma(rng.bit_generator, n)
    return poisson(rng, y)


@_jit
def wald(rng, mean, scale):  # pragma: no cover - compiled by Numba
    """One draw of NumPy's ``Generator.wald(mean, scale)``."""
    n = rng.standard_normal()
    y = mean * n * n
    x = mean * (1.0 - 2.0 / (1.0 + math.sqrt(1.0 + 4.0 * scale / y)))
    u = rng.random()
    if u <= mean / (mean + x):
        return x
    return mean * mean / x


@_jit
def vonmises(rng, mu, kappa):  # pragma: no cover - compiled by Numba
    """One draw of NumPy's ``Generator.vonmises(mu, kappa)``."""
    if math.isnan(kappa):
        return np.nan
    if kappa < 1e-8:
        return math.pi * (2.0 * rng.random() - 1.0)
    if kappa < 1e-5:
        s = 1.0 / kappa + kappa
    elif kappa <= 1e6:
        r = 1.0 + math.sqrt(1.0 + 4.0 * kappa * kappa)
        rho = (r - math.sqrt(2.0 * r)) / (2.0 * kappa)
        s = (1.0 + rho * rho) / (2.0 * rho)
    else:
        # Very concentrated: a wrapped normal.
        res = mu + math.sqrt(1.0 / kappa) * rng.standard_normal()
        if res < -math.pi:
            res += 2.0 * math.pi
        if res > math.pi:
            res -= 2.0 * math.pi
        return res
    while True:
        u = rng.random()
        z = math.cos(math.pi * u)
        w = (1.0 + s * z) / (s + z)
        y = kappa * (s - w)
        v = rng.random()
        if (y * (2.0 - y) - v >= 0.0) or (math.log(y / v) + 1.0 - y >= 0.0):
            break
    u = rng.random()
    res = math.acos(w)
    if u < 0.5:
        res = -res
    res += mu
    neg = res < 0.0
    # fmod is exact: any implementation gives C's bits.
    mod = np.fmod(abs(res) + math.pi, 2.0 * math.pi) - math.pi
    if neg:
        mod *= -1.0
    return mod


@_jit
def kahan_sum(x, n):  # pragma: no cover - compiled by Numba
    """Compensated sum of ``x[:n]``, as NumPy's ``multinomial`` checks ``p``."""
    if n <= 0:
        return 0.0
    total = x[0]
    c = 0.0
    for i in range(1, n):
        y = x[i] - c
        t = total + y
        c = (t - total) - y
        total = t
    return total


@_jit
def dirichlet_draw(rng, alpha, out):  # pragma: no cover - compiled by Numba
    """Fill ``out`` (length ``len(alpha)``) with one ``Generator.dirichlet`` draw.

    ``alpha`` must be non-negative (checked by the caller).
    """
    k = alpha.shape[0]
    bitgen = rng.bit_generator
    if k > 0 and np.max(alpha) < 0.1:
        # Small concentrations: stick-breaking with beta draws, which
        # cannot give 0/0.
        csum_right = np.empty(k)
        csum = 0.0
        for j in range(k - 1, -1, -1):
            csum += alpha[j]
            csum_right[j] = csum
        out[:] = 0.0
        if csum > 0.0:
            acc = 1.0
            for j in range(k - 1):
                v = beta(rng, alpha[j], csum_right[j + 1])
                out[j] = acc * v
                acc *= 1.0 - v
                if csum_right[j + 1] == 0.0:
                    break
            out[k - 1] = acc
        return
    acc = 0.0
    for j in range(k):
        g = random_standard_gamma(bitgen, alpha[j])
        out[j] = g
        acc = acc + g
    inv = 1.0 / acc
    for j in range(k):
        out[j] = out[j] * inv


@_jit
def multinomial_draw(rng, n, p, out):  # pragma: no cover - compiled by Numba
    """Fill ``out`` with one ``Generator.multinomial(n, p)`` draw.

    ``n >= 0`` and ``p`` in ``[0, 1]`` with ``sum(p[:-1]) <= 1 + 1e-12``
    (checked by the caller).
    """
    d = p.shape[0]
    out[:] = 0
    remaining_p = 1.0
    dn = n
    for j in range(d - 1):
        # NumPy calls its binomial sampler without the public checks: the
        # ratio may exceed 1 by rounding.
        out[j] = binomial(rng, dn, p[j] / remaining_p)
        dn = dn - out[j]
        if dn <= 0:
            break
        remaining_p -= p[j]
    if dn > 0:
        out[d - 1] = dn


@_jit
def categorical_draw(u, p):  # pragma: no cover - compiled by Numba
    """The category of uniform ``u`` under probabilities ``p`` (last one if past the end).

    Counts the entries of ``cumsum(p)`` below ``u``, as our ``categorical``'s
    ``rng_fn`` does.
    """
    k = p.shape[0]
    if k == 0:
        return -1
    # Accumulated in p's own dtype, as ``np.cumsum`` does.
    csum = p[0]
    count = 1 if csum < u else 0
    for j in range(1, k):
        csum = csum + p[j]
        if csum < u:
            count += 1
    return min(count, k - 1)


def _log_factorial_table(n: int) -> np.ndarray:
    """``log(k!)`` for ``k < n``, correctly rounded to double.

    NumPy's hypergeometric sampler looks these values up; computing them
    with 60 significant digits and rounding once gives the same doubles.
    """
    ctx = decimal.Context(prec=60)
    table = np.zeros(n)
    fact = 1
    for k in range(2, n):
        fact *= k
        table[k] = float(ctx.ln(decimal.Decimal(fact)))
    return table


_LOG_FACTORIALS = _log_factorial_table(126)
_HALF_LOG_2PI = 0.9189385332046728


@_jit
def log_factorial(k):  # pragma: no cover - compiled by Numba
    """``log(k!)`` for an integer ``k >= 0``, as NumPy's ``logfactorial``."""
    if k < 126:
        return _LOG_FACTORIALS[k]
    # Stirling's series up to the 1/k**3 term.
    return (
        (k + 0.5) * math.log(k)
        - k
        + (_HALF_LOG_2PI + (1.0 / k) * (1 / 12.0 - 1 / (360.0 * k * k)))
    )


@_jit
def _hypergeometric_sample(rng, good, bad, sample):  # pragma: no cover
    # Picks items one by one (the complement when sample > total / 2).
    total = good + bad
    computed = total - sample if sample > total // 2 else sample
    left_total = total
    left_good = good
    while computed > 0 and left_good > 0 and left_total > left_good:
        left_total -= 1
        if np.int64(random_interval(rng.bit_generator, left_total)) < left_good:
            left_good -= 1
        computed -= 1
    if left_total == left_good:
        left_good -= computed
    if sample > total // 2:
        return left_good
    return good - left_good


@_jit
def _hypergeometric_hrua(rng, good, bad, sample):  # pragma: no cover
    # Stadlober's ratio-of-uniforms method (algorithm HRUA).
    d1 = 1.7155277699214135  # 2 * sqrt(2 / e)
    d2 = 0.8989161620588988  # 3 - 2 * sqrt(3 / e)
    popsize = good + bad
    computed = min(sample, popsize - sample)
    min_gb = min(good, bad)
    max_gb = max(good, bad)
    p = np.float64(min_gb) / popsize
    q = np.float64(max_gb) / popsize
    mu = computed * p
    a = mu + 0.5
    var = np.float64(popsize - computed) * computed * p * q / (popsize - 1)
    c = math.sqrt(var + 0.5)
    h = d1 * c + d2
    m = np.int64(np.floor(np.float64(computed + 1) * (min_gb + 1) / (popsize + 2)))
    g = (
        log_factorial(m)
        + log_factorial(min_gb - m)
        + log_factorial(computed - m)
        + log_factorial(max_gb - computed + m)
    )
    # C's MIN of an integer and a double compares and returns doubles.
    bound1 = np.float64(min(computed, min_gb) + 1)
    bound2 = np.floor(a + 16 * c)
    b = bound1 if bound1 < bound2 else bound2
    k = np.int64(0)
    while True:
        u = rng.random()
        v = rng.random()
        x = a + h * (v - 0.5) / u
        if x < 0.0 or x >= b:
            continue
        k = np.int64(np.floor(x))
        gp = (
            log_factorial(k)
            + log_factorial(min_gb - k)
            + log_factorial(computed - k)
            + log_factorial(max_gb - computed + k)
        )
        t = g - gp
        if (u * (4.0 - u) - 3.0) <= t:
            break
        if u * (u - t) >= 1:
            continue
        if 2.0 * math.log(u) <= t:
            break
    if good > bad:
        k = computed - k
    if computed < sample:
        k = good - k
    return k


@_jit
def hypergeometric(rng, good, bad, sample):  # pragma: no cover - compiled by Numba
    """One draw of NumPy's ``Generator.hypergeometric(good, bad, sample)``.

    The arguments are non-negative ``int64`` with ``sample <= good + bad``
    (checked by the caller).
    """
    if sample >= 10 and sample <= good + bad - 10:
        return _hypergeometric_hrua(rng, good, bad, sample)
    return _hypergeometric_sample(rng, good, bad, sample)


_UINT64_EMPTY = np.uint64(0xFFFFFFFFFFFFFFFF)


@_jit
def _bounded_uint64(rng, high):  # pragma: no cover - compiled by Numba
    # NumPy's ``random_bounded_uint64(bitgen, 0, high, 0, 0)``: Lemire's
    # method on 32 bits when the range fits, else on 64.
    high = np.uint64(high)
    bitgen = rng.bit_generator
    if high == 0:
        return np.uint64(0)
    if high <= 0xFFFFFFFF:
        return np.uint64(buffered_bounded_lemire_uint32(bitgen, high))
    return np.uint64(bounded_lemire_uint64(bitgen, high))


@_jit
def _shuffle_int(rng, n, first, data):  # pragma: no cover - compiled by Numba
    # Fisher-Yates over positions n - 1 down to first.
    for i in range(n - 1, first - 1, -1):
        j = np.int64(_bounded_uint64(rng, i))
        tmp = data[j]
        data[j] = data[i]
        data[i] = tmp


@_jit
def _search_right(cdf, u):  # pragma: no cover - compiled by Numba
    # ``np.searchsorted(cdf, u, side="right")`` on a non-decreasing cdf.
    lo = 0
    hi = cdf.shape[0]
    while lo < hi:
        mid = (lo + hi) // 2
        if cdf[mid] <= u:
            lo = mid + 1
        else:
            hi = mid
    return lo


@_jit
def _normalised_cdf(p):  # pragma: no cover - compiled by Numba
    cdf = np.cumsum(p)
    last = cdf[-1]
    for i in range(cdf.shape[0]):
        cdf[i] = cdf[i] / last
    return cdf


@_jit
def choice_uniform(rng, pop_size, size, replace):  # pragma: no cover
    """The ``size`` indices ``Generator.choice(pop_size, size, replace)`` draws."""
    idx = np.empty(size, dtype=np.int64)
    if replace:
        for i in range(size):
            idx[i] = rng.integers(0, pop_size)
        return idx
    if size > pop_size:
        raise ValueError(
            "Cannot take a larger sample than population when replace is False"
        )
    if pop_size > 10000 and size > pop_size // 50:
        # Shuffle the tail of the whole population.
        pool = np.arange(pop_size)
        _shuffle_int(rng, pop_size, max(pop_size - size, 1), pool)
        idx[:] = pool[pop_size - size :]
        return idx
    # Floyd's algorithm with an open-addressing hash set, then a shuffle.
    mask = np.uint64(gen_mask(np.uint64(1.2 * size)))
    table = np.full(np.int64(mask) + 1, _UINT64_EMPTY, dtype=np.uint64)
    for j in range(pop_size - size, pop_size):
        val = _bounded_uint64(rng, j)
        loc = val & mask
        while table[loc] != _UINT64_EMPTY and table[loc] != val:
            loc = (loc + np.uint64(1)) & mask
        if table[loc] == _UINT64_EMPTY:
            table[loc] = val
            idx[j - pop_size + size] = np.int64(val)
        else:
            loc = np.uint64(j) & mask
            while table[loc] != _UINT64_EMPTY:
                loc = (loc + np.uint64(1)) & mask
            table[loc] = np.uint64(j)
            idx[j - pop_size + size] = j
    _shuffle_int(rng, size, 1, idx)
    return idx


@_jit
def choice_weighted(rng, p, size, replace, atol):  # pragma: no cover
    """The ``size`` indices ``Generator.choice(len(p), size, replace, p)`` draws.

    ``p`` is ``float64``; ``atol`` the tolerance on its sum.
    """
    d = p.shape[0]
    total = kahan_sum(p, d)
    if np.isnan(total):
        raise ValueError("Probabilities contain NaN")
    for i in range(d):
        if p[i] < 0:
            raise ValueError("Probabilities are not non-negative")
    if abs(total - 1.0) > atol:
        raise ValueError(
            "Probabilities do not sum to 1. See Notes section of docstring for "
            "more information."
        )
    idx = np.empty(size, dtype=np.int64)
    if replace:
        cdf = _normalised_cdf(p)
        u = np.empty(size)
        for i in range(size):
            u[i] = rng.random()
        for i in range(size):
            idx[i] = _search_right(cdf, u[i])
        return idx
    if size > d:
        raise ValueError(
            "Cannot take a larger sample than population when replace is False"
        )
    if np.count_nonzero(p > 0) < size:
        raise ValueError("Fewer non-zero entries in p than size")
    q = p.copy()
    seen = np.zeros(d, dtype=np.bool_)
    n_uniq = 0
    while n_uniq < size:
        m = size - n_uniq
        x = np.empty(m)
        for i in range(m):
            x[i] = rng.random()
        for i in range(n_uniq):
            q[idx[i]] = 0.0
        cdf = _normalised_cdf(q)
        # The new indices, first occurrences only, in the order drawn.
        seen[:] = False
        first = n_uniq
        for i in range(m):
            k = _search_right(cdf, x[i])
            if not seen[k]:
                seen[k] = True
                idx[first] = k
                first += 1
        n_uniq = first
    return idx


def _warn_not_psd() -> None:
    warnings.warn("covariance is not symmetric positive-semidefinite.", RuntimeWarning)


@_jit
def multivariate_normal_rows(rng, mean, cov, nrows):  # pragma: no cover
    """``nrows`` draws of ``Generator.multivariate_normal(mean, cov)`` (``float64``).

    Returns an ``(nrows, len(mean))`` array; warns, as NumPy does, when
    ``cov`` is not symmetric positive-semidefinite.
    """
    k = mean.shape[0]
    if cov.shape[0] != cov.shape[1]:
        raise ValueError("cov must be 2 dimensional and square")
    if k != cov.shape[0]:
        raise ValueError("mean and cov must have same length")
    x = np.empty((nrows, k))
    for i in range(nrows):
        for j in range(k):
            x[i, j] = rng.standard_normal()
    u, s, vh = np.linalg.svd(np.ascontiguousarray(cov))
    rebuilt = np.dot(np.ascontiguousarray(vh.T * s), vh)
    if not np.allclose(rebuilt, cov, rtol=1e-8, atol=1e-8):
        with numba.objmode():
            _warn_not_psd()
    factor = u * np.sqrt(s)
    return mean + x @ factor.T
