"""Element-wise special functions of :mod:`aesara.tensor.math`.

Each public name is an :class:`~aesara.tensor.elemwise.Elemwise` lifting the
scalar op of the same name in :mod:`aesara.scalar.math`; this module is
re-exported by :mod:`aesara.tensor.math` (import from there).
"""

from __future__ import annotations

import typing

import aesara.scalar.math as asm
from aesara.graph.basic import Variable
from aesara.tensor.elemwise import Elemwise

__all__ = [
    "erf",
    "erfc",
    "erfcx",
    "erfinv",
    "erfcinv",
    "owens_t",
    "gamma",
    "gammaln",
    "psi",
    "digamma",
    "tri_gamma",
    "polygamma",
    "chi2sf",
    "gammainc",
    "gammaincc",
    "gammau",
    "gammal",
    "j0",
    "j1",
    "jv",
    "i0",
    "i1",
    "iv",
    "sigmoid",
    "expit",
    "softplus",
    "log1pexp",
    "log1mexp",
    "logit",
    "betainc",
    "hyp2f1",
    "hyp2f1_der",
]


def _lift(scalar_op, doc: str) -> Elemwise:
    op = Elemwise(scalar_op)
    op.__doc__ = doc
    # Shown (and pickled by name) as members of aesara.tensor.math.
    op.__module__ = "aesara.tensor.math"
    return op


erf = _lift(asm.erf, "Element-wise error function (``scipy.special.erf``).")
erfc = _lift(asm.erfc, "Element-wise complementary error function ``1 - erf(x)``.")
erfcx = _lift(asm.erfcx, "Element-wise scaled complementary error function.")
erfinv = _lift(asm.erfinv, "Element-wise inverse error function, on ``[-1, 1]``.")
erfcinv = _lift(asm.erfcinv, "Element-wise inverse of ``erfc``, on ``[0, 2]``.")
owens_t = _lift(asm.owens_t, "Element-wise Owen's T function ``owens_t(h, a)``.")
gamma = _lift(asm.gamma, "Element-wise gamma function.")
gammaln = _lift(asm.gammaln, "Element-wise ``log(|gamma(x)|)``.")
psi = _lift(asm.psi, "Element-wise digamma function (derivative of ``gammaln``).")
digamma = psi
tri_gamma = _lift(asm.tri_gamma, "Element-wise trigamma function.")
polygamma = _lift(
    asm.polygamma,
    "Element-wise polygamma function ``polygamma(n, x)`` (``n`` an integer tensor).",
)
chi2sf = _lift(
    asm.chi2sf,
    "Element-wise survival function of the chi-squared distribution ``chi2sf(x, k)``.",
)
gammainc = _lift(
    asm.gammainc, "Element-wise regularized lower incomplete gamma ``P(k, x)``."
)
gammaincc = _lift(
    asm.gammaincc, "Element-wise regularized upper incomplete gamma ``Q(k, x)``."
)
gammau = _lift(
    asm.gammau, "Element-wise upper incomplete gamma ``Gamma(k) * Q(k, x)``."
)
gammal = _lift(
    asm.gammal, "Element-wise lower incomplete gamma ``Gamma(k) * P(k, x)``."
)
j0 = _lift(asm.j0, "Element-wise Bessel function of the first kind of order 0.")
j1 = _lift(asm.j1, "Element-wise Bessel function of the first kind of order 1.")
jv = _lift(asm.jv, "Element-wise Bessel function of the first kind ``jv(v, x)``.")
i0 = _lift(asm.i0, "Element-wise modified Bessel function of the first kind, order 0.")
i1 = _lift(asm.i1, "Element-wise modified Bessel function of the first kind, order 1.")
iv = _lift(
    asm.iv, "Element-wise modified Bessel function of the first kind ``iv(v, x)``."
)
sigmoid = _lift(asm.sigmoid, "Element-wise logistic function ``1 / (1 + exp(-x))``.")
expit = sigmoid
softplus = _lift(asm.softplus, "Element-wise ``log(1 + exp(x))``, numerically stable.")
log1pexp = softplus
log1mexp = _lift(
    asm.log1mexp, "Element-wise ``log(1 - exp(x))`` for ``x <= 0``, numerically stable."
)
betainc = _lift(
    asm.betainc, "Element-wise regularized incomplete beta function ``I_x(a, b)``."
)
hyp2f1 = _lift(
    asm.hyp2f1, "Element-wise Gauss hypergeometric function ``2F1(a, b; c; z)``."
)
hyp2f1_der = _lift(
    asm.hyp2f1_der,
    "Element-wise derivative of ``hyp2f1(a, b, c, z)`` with respect to "
    "parameter ``wrt`` (0: ``a``, 1: ``b``, 2: ``c``), Aesara's signature.",
)


def logit(x: typing.Any) -> Variable:
    """Element-wise ``log(x / (1 - x))``, the inverse of :func:`sigmoid`."""
    from aesara.tensor.basic import as_tensor_variable
    from aesara.tensor.math import log, log1p, neg, sub

    x = as_tensor_variable(x)
    if x.type.dtype.startswith("complex"):
        raise TypeError(f"logit: complex inputs are not supported, got {x.type}")
    return sub(log(x), log1p(neg(x)))
