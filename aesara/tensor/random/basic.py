"""The distributions: one :class:`RandomVariable` subclass and instance each.

Parameterisations follow Aesara 2.9 (mostly NumPy's, with ``gamma`` taking a
rate). Distributions NumPy's ``Generator`` lacks draw through SciPy
(:class:`ScipyRandomVariable`), which accepts the same generator.
"""

from __future__ import annotations

import functools
import importlib
from types import ModuleType
from typing import Any

import numpy as np

from aesara.graph.basic import Variable
from aesara.tensor.random.op import RandomVariable, default_supp_shape_from_params
from aesara.tensor.random.type import RandomGeneratorType, RandomStateType
from aesara.tensor.random.utils import broadcast_params

__all__ = [
    "ScipyRandomVariable",
    "permutation",
    "choice",
    "integers",
    "randint",
    "categorical",
    "multinomial",
    "betabinom",
    "nbinom",
    "negative_binomial",
    "binomial",
    "laplace",
    "bernoulli",
    "truncexpon",
    "wald",
    "invgamma",
    "halfcauchy",
    "cauchy",
    "hypergeometric",
    "geometric",
    "poisson",
    "dirichlet",
    "multivariate_normal",
    "vonmises",
    "logistic",
    "weibull",
    "exponential",
    "gumbel",
    "pareto",
    "chisquare",
    "gamma",
    "gengamma",
    "lognormal",
    "halfnormal",
    "normal",
    "beta",
    "triangular",
    "uniform",
    "standard_normal",
    "t",
    "student_t",
    "standard_t",
    "standard_cauchy",
    "standard_exponential",
    "standard_gamma",
    "rayleigh",
    "power",
    "zipf",
    "f",
    "random",
]


class _LazyModule:
    """A module imported on first attribute access.

    ``scipy.stats`` takes about 0.4 s to import and only the SciPy-backed
    samplers need it, so ``import aesara`` does not pay for it.
    """

    def __init__(self, name: str):
        self._name = name
        self._module: ModuleType | None = None

    def __getattr__(self, attr: str) -> Any:
        if self._module is None:
            self._module = importlib.import_module(self._name)
        return getattr(self._module, attr)


stats = _LazyModule("scipy.stats")


def _at():
    import aesara.tensor as at

    return at


# Aesara 2.9 exposes NumPy's shape broadcasting under this module.
broadcast_shapes = np.broadcast_shapes


def _with_fixed_params(rv: RandomVariable, name: str, **fixed: Any):
    """Return ``rv`` with some parameters fixed, named ``name``.

    NumPy's ``standard_*`` draws are the general distributions with their
    location/scale/rate fixed; Aesara exposes them the same way.
    """
    wrapper = functools.partial(rv, **fixed)
    wrapper.__name__ = name
    wrapper.__module__ = rv.__module__
    wrapper.__doc__ = f"Draw from ``{rv.name}`` with {fixed} fixed."
    return wrapper


class ScipyRandomVariable(RandomVariable):
    """A random variable drawn by a SciPy distribution's ``rvs``.

    Subclasses implement ``rng_fn_scipy(rng, *params, size)``; the result is
    always returned as an ndarray (SciPy returns Python scalars for 0-d draws).
    """

    @classmethod
    def rng_fn_scipy(cls, rng: Any, *args: Any, **kwargs: Any) -> Any:
        raise NotImplementedError

    @classmethod
    def rng_fn(cls, rng: Any, *args: Any, **kwargs: Any) -> np.ndarray:
        return np.asarray(cls.rng_fn_scipy(rng, *args, **kwargs))


# ---------------------------------------------------------------------------
# Continuous scalar distributions
# ---------------------------------------------------------------------------


class UniformRV(RandomVariable):
    """Uniform on ``[low, high)``."""

    name = "uniform"
    ndim_supp = 0
    ndims_params = (0, 0)
    dtype = "floatX"

    def __call__(self, low=0.0, high=1.0, size=None, **kwargs) -> Variable:
        """Draw from a uniform distribution on ``[low, high)``."""
        return super().__call__(low, high, size=size, **kwargs)


uniform = UniformRV()


class TriangularRV(RandomVariable):
    """Triangular on ``[left, right]`` with peak at ``mode``."""

    name = "triangular"
    ndim_supp = 0
    ndims_params = (0, 0, 0)
    dtype = "floatX"

    def __call__(self, left, mode, right, size=None, **kwargs) -> Variable:
        """Draw from a triangular distribution."""
        return super().__call__(left, mode, right, size=size, **kwargs)


triangular = TriangularRV()


class BetaRV(RandomVariable):
    """Beta with shapes ``alpha`` and ``beta``."""

    name = "beta"
    ndim_supp = 0
    ndims_params = (0, 0)
    dtype = "floatX"

    def __call__(self, alpha, beta, size=None, **kwargs) -> Variable:
        """Draw from a beta distribution."""
        return super().__call__(alpha, beta, size=size, **kwargs)


beta = BetaRV()


class NormalRV(RandomVariable):
    """Normal with mean ``loc`` and standard deviation ``scale``."""

    name = "normal"
    ndim_supp = 0
    ndims_params = (0, 0)
    dtype = "floatX"

    def __call__(self, loc=0.0, scale=1.0, size=None, **kwargs) -> Variable:
        """Draw from a normal distribution."""
        return super().__call__(loc, scale, size=size, **kwargs)


normal = NormalRV()


class StandardNormalRV(NormalRV):
    """Normal with mean 0 and standard deviation 1."""

    def __call__(self, size=None, **kwargs) -> Variable:
        """Draw from the standard normal distribution."""
        return super().__call__(loc=0.0, scale=1.0, size=size, **kwargs)


standard_normal = StandardNormalRV()


class HalfNormalRV(ScipyRandomVariable):
    """``loc + |N(0, scale)|``."""

    name = "halfnormal"
    ndim_supp = 0
    ndims_params = (0, 0)
    dtype = "floatX"

    def __call__(self, loc=0.0, scale=1.0, size=None, **kwargs) -> Variable:
        """Draw from a half-normal distribution."""
        return super().__call__(loc, scale, size=size, **kwargs)

    @classmethod
    def rng_fn_scipy(cls, rng, loc, scale, size):
        return stats.halfnorm.rvs(loc, scale, random_state=rng, size=size)


halfnormal = HalfNormalRV()


class LogNormalRV(RandomVariable):
    """``exp(N(mean, sigma))``."""

    name = "lognormal"
    ndim_supp = 0
    ndims_params = (0, 0)
    dtype = "floatX"

    def __call__(self, mean=0.0, sigma=1.0, size=None, **kwargs) -> Variable:
        """Draw from a log-normal distribution."""
        return super().__call__(mean, sigma, size=size, **kwargs)


lognormal = LogNormalRV()


class GammaRV(ScipyRandomVariable):
    """Gamma with ``shape`` and ``rate``; the node holds ``(shape, 1 / rate)``."""

    name = "gamma"
    ndim_supp = 0
    ndims_params = (0, 0)
    dtype = "floatX"

    def __call__(self, shape, rate, size=None, **kwargs) -> Variable:
        """Draw from a gamma distribution of the given shape and rate."""
        return super().__call__(
            shape, 1.0 / _at().as_tensor_variable(rate), size=size, **kwargs
        )

    @classmethod
    def rng_fn_scipy(cls, rng, shape, scale, size):
        return stats.gamma.rvs(shape, scale=scale, size=size, random_state=rng)


gamma = GammaRV()


class GenGammaRV(ScipyRandomVariable):
    """Generalized gamma (Stacy) with shapes ``alpha``, ``p`` and scale ``lambd``."""

    name = "gengamma"
    ndim_supp = 0
    ndims_params = (0, 0, 0)
    dtype = "floatX"

    def __call__(self, alpha=1.0, p=1.0, lambd=1.0, size=None, **kwargs) -> Variable:
        """Draw from a generalized gamma distribution."""
        return super().__call__(alpha, p, lambd, size=size, **kwargs)

    @classmethod
    def rng_fn_scipy(cls, rng, alpha, p, lambd, size):
        return stats.gengamma.rvs(
            alpha / p, p, scale=lambd, size=size, random_state=rng
        )


gengamma = GenGammaRV()


class ChiSquareRV(RandomVariable):
    """Chi-square with ``df`` degrees of freedom."""

    name = "chisquare"
    ndim_supp = 0
    ndims_params = (0,)
    dtype = "floatX"

    def __call__(self, df, size=None, **kwargs) -> Variable:
        """Draw from a chi-square distribution."""
        return super().__call__(df, size=size, **kwargs)


chisquare = ChiSquareRV()


class ParetoRV(ScipyRandomVariable):
    """Pareto with shape ``b`` and scale (minimum) ``scale``."""

    name = "pareto"
    ndim_supp = 0
    ndims_params = (0, 0)
    dtype = "floatX"

    def __call__(self, b, scale=1.0, size=None, **kwargs) -> Variable:
        """Draw from a Pareto distribution."""
        return super().__call__(b, scale, size=size, **kwargs)

    @classmethod
    def rng_fn_scipy(cls, rng, b, scale, size):
        return stats.pareto.rvs(b, scale=scale, size=size, random_state=rng)


pareto = ParetoRV()


class GumbelRV(ScipyRandomVariable):
    """Gumbel (right-skewed) with location ``loc`` and scale ``scale``."""

    name = "gumbel"
    ndim_supp = 0
    ndims_params = (0, 0)
    dtype = "floatX"

    def __call__(self, loc, scale=1.0, size=None, **kwargs) -> Variable:
        """Draw from a Gumbel distribution."""
        return super().__call__(loc, scale, size=size, **kwargs)

    @classmethod
    def rng_fn_scipy(cls, rng, loc, scale, size):
        return stats.gumbel_r.rvs(loc=loc, scale=scale, size=size, random_state=rng)


gumbel = GumbelRV()


class ExponentialRV(RandomVariable):
    """Exponential with scale ``scale`` (the mean)."""

    name = "exponential"
    ndim_supp = 0
    ndims_params = (0,)
    dtype = "floatX"

    def __call__(self, scale=1.0, size=None, **kwargs) -> Variable:
        """Draw from an exponential distribution."""
        return super().__call__(scale, size=size, **kwargs)


exponential = ExponentialRV()


class WeibullRV(RandomVariable):
    """Weibull with shape ``shape`` (scale 1)."""

    name = "weibull"
    ndim_supp = 0
    ndims_params = (0,)
    dtype = "floatX"

    def __call__(self, shape, size=None, **kwargs) -> Variable:
        """Draw from a Weibull distribution."""
        return super().__call__(shape, size=size, **kwargs)


weibull = WeibullRV()


class LogisticRV(RandomVariable):
    """Logistic with location ``loc`` and scale ``scale``."""

    name = "logistic"
    ndim_supp = 0
    ndims_params = (0, 0)
    dtype = "floatX"

    def __call__(self, loc=0, scale=1, size=None, **kwargs) -> Variable:
        """Draw from a logistic distribution."""
        return super().__call__(loc, scale, size=size, **kwargs)


logistic = LogisticRV()


class VonMisesRV(RandomVariable):
    """Von Mises on the circle with mode ``mu`` and concentration ``kappa``."""

    name = "vonmises"
    ndim_supp = 0
    ndims_params = (0, 0)
    dtype = "floatX"

    def __call__(self, mu, kappa, size=None, **kwargs) -> Variable:
        """Draw from a von Mises distribution."""
        return super().__call__(mu, kappa, size=size, **kwargs)


vonmises = VonMisesRV()


class CauchyRV(ScipyRandomVariable):
    """Cauchy with location ``loc`` and scale ``scale``."""

    name = "cauchy"
    ndim_supp = 0
    ndims_params = (0, 0)
    dtype = "floatX"

    def __call__(self, loc=0.0, scale=1.0, size=None, **kwargs) -> Variable:
        """Draw from a Cauchy distribution."""
        return super().__call__(loc, scale, size=size, **kwargs)

    @classmethod
    def rng_fn_scipy(cls, rng, loc, scale, size):
        return stats.cauchy.rvs(loc=loc, scale=scale, random_state=rng, size=size)


cauchy = CauchyRV()


class HalfCauchyRV(ScipyRandomVariable):
    """``loc + |Cauchy(0, scale)|``."""

    name = "halfcauchy"
    ndim_supp = 0
    ndims_params = (0, 0)
    dtype = "floatX"

    def __call__(self, loc=0.0, scale=1.0, size=None, **kwargs) -> Variable:
        """Draw from a half-Cauchy distribution."""
        return super().__call__(loc, scale, size=size, **kwargs)

    @classmethod
    def rng_fn_scipy(cls, rng, loc, scale, size):
        return stats.halfcauchy.rvs(loc=loc, scale=scale, random_state=rng, size=size)


halfcauchy = HalfCauchyRV()


class InvGammaRV(ScipyRandomVariable):
    """Inverse gamma with shape ``shape`` and scale ``scale``."""

    name = "invgamma"
    ndim_supp = 0
    ndims_params = (0, 0)
    dtype = "floatX"

    def __call__(self, shape, scale, size=None, **kwargs) -> Variable:
        """Draw from an inverse gamma distribution."""
        return super().__call__(shape, scale, size=size, **kwargs)

    @classmethod
    def rng_fn_scipy(cls, rng, shape, scale, size):
        return stats.invgamma.rvs(shape, scale=scale, size=size, random_state=rng)


invgamma = InvGammaRV()


class WaldRV(RandomVariable):
    """Wald (inverse Gaussian) with ``mean`` and ``scale``."""

    name = "wald"
    ndim_supp = 0
    ndims_params = (0, 0)
    dtype = "floatX"

    def __call__(self, mean=1.0, scale=1.0, size=None, **kwargs) -> Variable:
        """Draw from a Wald distribution."""
        return super().__call__(mean, scale, size=size, **kwargs)


wald = WaldRV()


class TruncExponentialRV(ScipyRandomVariable):
    """Exponential truncated to ``[loc, loc + b * scale]``."""

    name = "truncexpon"
    ndim_supp = 0
    ndims_params = (0, 0, 0)
    dtype = "floatX"

    def __call__(self, b, loc=0.0, scale=1.0, size=None, **kwargs) -> Variable:
        """Draw from a truncated exponential distribution."""
        return super().__call__(b, loc, scale, size=size, **kwargs)

    @classmethod
    def rng_fn_scipy(cls, rng, b, loc, scale, size):
        return stats.truncexpon.rvs(
            b, loc=loc, scale=scale, size=size, random_state=rng
        )


truncexpon = TruncExponentialRV()


class LaplaceRV(RandomVariable):
    """Laplace (double exponential) with location ``loc`` and scale ``scale``."""

    name = "laplace"
    ndim_supp = 0
    ndims_params = (0, 0)
    dtype = "floatX"

    def __call__(self, loc=0.0, scale=1.0, size=None, **kwargs) -> Variable:
        """Draw from a Laplace distribution."""
        return super().__call__(loc, scale, size=size, **kwargs)


laplace = LaplaceRV()


class StudentTRV(ScipyRandomVariable):
    """Student's t with ``df`` degrees of freedom, location and scale."""

    name = "t"
    ndim_supp = 0
    ndims_params = (0, 0, 0)
    dtype = "floatX"

    def __call__(self, df, loc=0.0, scale=1.0, size=None, **kwargs) -> Variable:
        """Draw from a Student's t distribution."""
        return super().__call__(df, loc, scale, size=size, **kwargs)

    @classmethod
    def rng_fn_scipy(cls, rng, df, loc, scale, size):
        return stats.t.rvs(df, loc=loc, scale=scale, size=size, random_state=rng)


t = StudentTRV()
student_t = t


standard_t = _with_fixed_params(t, "standard_t", loc=0.0, scale=1.0)
standard_cauchy = _with_fixed_params(cauchy, "standard_cauchy", loc=0.0, scale=1.0)
standard_exponential = _with_fixed_params(
    exponential, "standard_exponential", scale=1.0
)
standard_gamma = _with_fixed_params(gamma, "standard_gamma", rate=1.0)


class RayleighRV(RandomVariable):
    """Rayleigh with scale ``scale`` (NumPy's ``Generator.rayleigh``)."""

    name = "rayleigh"
    ndim_supp = 0
    ndims_params = (0,)
    dtype = "floatX"

    def __call__(self, scale=1.0, size=None, **kwargs) -> Variable:
        """Draw from a Rayleigh distribution."""
        return super().__call__(scale, size=size, **kwargs)


rayleigh = RayleighRV()


class PowerRV(RandomVariable):
    """Power distribution on ``[0, 1]`` with exponent ``a - 1`` (NumPy's ``power``)."""

    name = "power"
    ndim_supp = 0
    ndims_params = (0,)
    dtype = "floatX"

    def __call__(self, a, size=None, **kwargs) -> Variable:
        """Draw from a power distribution with parameter ``a > 0``."""
        return super().__call__(a, size=size, **kwargs)


power = PowerRV()


class FRV(RandomVariable):
    """Fisher's F with ``dfn`` and ``dfd`` degrees of freedom."""

    name = "f"
    ndim_supp = 0
    ndims_params = (0, 0)
    dtype = "floatX"

    def __call__(self, dfn=1, dfd=1, size=None, **kwargs) -> Variable:
        """Draw from an F distribution."""
        return super().__call__(dfn, dfd, size=size, **kwargs)


f = FRV()


# ---------------------------------------------------------------------------
# Discrete scalar distributions
# ---------------------------------------------------------------------------


class PoissonRV(RandomVariable):
    """Poisson with rate ``lam``."""

    name = "poisson"
    ndim_supp = 0
    ndims_params = (0,)
    dtype = "int64"

    def __call__(self, lam=1.0, size=None, **kwargs) -> Variable:
        """Draw from a Poisson distribution."""
        return super().__call__(lam, size=size, **kwargs)


poisson = PoissonRV()


class ZipfRV(RandomVariable):
    """Zipf with exponent ``a > 1`` (NumPy's ``Generator.zipf``)."""

    name = "zipf"
    ndim_supp = 0
    ndims_params = (0,)
    dtype = "int64"

    def __call__(self, a, size=None, **kwargs) -> Variable:
        """Draw from a Zipf distribution."""
        return super().__call__(a, size=size, **kwargs)


zipf = ZipfRV()


class GeometricRV(RandomVariable):
    """Number of Bernoulli(``p``) trials up to the first success."""

    name = "geometric"
    ndim_supp = 0
    ndims_params = (0,)
    dtype = "int64"

    def __call__(self, p, size=None, **kwargs) -> Variable:
        """Draw from a geometric distribution."""
        return super().__call__(p, size=size, **kwargs)


geometric = GeometricRV()


class HyperGeometricRV(RandomVariable):
    """Good items among ``nsample`` drawn without replacement."""

    name = "hypergeometric"
    ndim_supp = 0
    ndims_params = (0, 0, 0)
    dtype = "int64"

    def __call__(self, ngood, nbad, nsample, size=None, **kwargs) -> Variable:
        """Draw from a hypergeometric distribution."""
        return super().__call__(ngood, nbad, nsample, size=size, **kwargs)


hypergeometric = HyperGeometricRV()


class BernoulliRV(ScipyRandomVariable):
    """1 with probability ``p``, else 0."""

    name = "bernoulli"
    ndim_supp = 0
    ndims_params = (0,)
    dtype = "int64"

    def __call__(self, p, size=None, **kwargs) -> Variable:
        """Draw from a Bernoulli distribution."""
        return super().__call__(p, size=size, **kwargs)

    @classmethod
    def rng_fn_scipy(cls, rng, p, size):
        # SciPy's bernoulli.rvs draws rng.binomial(1, p, size): the same
        # draws without its argument checking (16 times slower per draw).
        return rng.binomial(1, p, size=size)


bernoulli = BernoulliRV()


class BinomialRV(RandomVariable):
    """Successes in ``n`` Bernoulli(``p``) trials."""

    name = "binomial"
    ndim_supp = 0
    ndims_params = (0, 0)
    dtype = "int64"

    def __call__(self, n, p, size=None, **kwargs) -> Variable:
        """Draw from a binomial distribution."""
        return super().__call__(n, p, size=size, **kwargs)


binomial = BinomialRV()


class NegBinomialRV(ScipyRandomVariable):
    """Failures before the ``n``-th success of Bernoulli(``p``) trials."""

    name = "nbinom"
    ndim_supp = 0
    ndims_params = (0, 0)
    dtype = "int64"

    def __call__(self, n, p, size=None, **kwargs) -> Variable:
        """Draw from a negative binomial distribution."""
        return super().__call__(n, p, size=size, **kwargs)

    @classmethod
    def rng_fn_scipy(cls, rng, n, p, size):
        return stats.nbinom.rvs(n, p, size=size, random_state=rng)


nbinom = NegBinomialRV()
negative_binomial = nbinom


class BetaBinomialRV(ScipyRandomVariable):
    """Binomial(``n``, p) with p ~ Beta(``a``, ``b``)."""

    name = "beta_binomial"
    ndim_supp = 0
    ndims_params = (0, 0, 0)
    dtype = "int64"

    def __call__(self, n, a, b, size=None, **kwargs) -> Variable:
        """Draw from a beta-binomial distribution."""
        return super().__call__(n, a, b, size=size, **kwargs)

    @classmethod
    def rng_fn_scipy(cls, rng, n, a, b, size):
        return stats.betabinom.rvs(n, a, b, size=size, random_state=rng)


betabinom = BetaBinomialRV()


class _IntegerBoundsRV(RandomVariable):
    ndim_supp = 0
    ndims_params = (0, 0)
    dtype = "int64"
    rng_type: type = RandomGeneratorType

    def __call__(self, low, high=None, size=None, **kwargs) -> Variable:
        """Draw integers from ``[low, high)`` (``[0, low)`` when ``high`` is None)."""
        if high is None:
            low, high = 0, low
        return super().__call__(low, high, size=size, **kwargs)

    def make_node(self, rng, *args, **kwargs):
        if rng is not None and not isinstance(
            getattr(rng, "type", None), self.rng_type
        ):
            raise TypeError(
                f"`{self.name}` needs an rng of {self.rng_type.__name__}, got "
                f"{getattr(rng, 'type', type(rng).__name__)}"
            )
        if rng is None and self.rng_type is RandomStateType:
            from aesara.compile.sharedvalue import shared

            rng = shared(np.random.RandomState())
        return super().make_node(rng, *args, **kwargs)


class RandIntRV(_IntegerBoundsRV):
    """``RandomState.randint``: integers in ``[low, high)`` (RandomState only)."""

    name = "randint"
    rng_type = RandomStateType


randint = RandIntRV()


class IntegersRV(_IntegerBoundsRV):
    """``Generator.integers``: integers in ``[low, high)`` (Generator only)."""

    name = "integers"
    rng_type = RandomGeneratorType


integers = IntegersRV()


# ---------------------------------------------------------------------------
# Multivariate distributions
# ---------------------------------------------------------------------------


def _batch_loop(rng, size, params, ndims_params, draw_one, out_core_shape, dtype):
    """Draw a batched multivariate sample one batch entry at a time.

    NumPy's multivariate samplers do not broadcast batched parameters, so
    the parameters are broadcast (to ``size`` when given) and looped over.
    """
    params = [np.asarray(p) for p in params]
    if size is not None:
        size = tuple(size)
        params = [
            np.broadcast_to(p, size + p.shape[p.ndim - nd :])
            for p, nd in zip(params, ndims_params)
        ]
    params = broadcast_params(params, ndims_params)
    batch = params[0].shape[: params[0].ndim - ndims_params[0]]
    out = np.empty(batch + tuple(out_core_shape(params)), dtype=dtype)
    for idx in np.ndindex(batch):
        out[idx] = draw_one(*(p[idx] for p in params))
    return out


class MvNormalRV(RandomVariable):
    """Multivariate normal with mean vector ``mean`` and covariance ``cov``."""

    name = "multivariate_normal"
    ndim_supp = 1
    ndims_params = (1, 2)
    dtype = "floatX"

    def __call__(self, mean=None, cov=None, size=None, **kwargs) -> Variable:
        """Draw from a multivariate normal distribution."""
        if mean is None:
            mean = np.array([0.0])
        if cov is None:
            cov = np.array([[1.0]])
        return super().__call__(mean, cov, size=size, **kwargs)

    @classmethod
    def rng_fn(cls, rng, mean, cov, size):
        mean, cov = np.asarray(mean), np.asarray(cov)
        if mean.ndim == 1 and cov.ndim == 2:
            return rng.multivariate_normal(mean, cov, size=size)
        return _batch_loop(
            rng,
            size,
            [mean, cov],
            cls.ndims_params,
            lambda m, c: rng.multivariate_normal(m, c),
            lambda ps: ps[0].shape[-1:],
            "float64",
        )


multivariate_normal = MvNormalRV()


class DirichletRV(RandomVariable):
    """Dirichlet with concentration vector ``alphas``."""

    name = "dirichlet"
    ndim_supp = 1
    ndims_params = (1,)
    dtype = "floatX"

    def __call__(self, alphas, size=None, **kwargs) -> Variable:
        """Draw from a Dirichlet distribution."""
        return super().__call__(alphas, size=size, **kwargs)

    @classmethod
    def rng_fn(cls, rng, alphas, size):
        alphas = np.asarray(alphas)
        if alphas.ndim == 1:
            return rng.dirichlet(alphas, size=size)
        return _batch_loop(
            rng,
            size,
            [alphas],
            cls.ndims_params,
            lambda a: rng.dirichlet(a),
            lambda ps: ps[0].shape[-1:],
            "float64",
        )


dirichlet = DirichletRV()


class MultinomialRV(RandomVariable):
    """Counts of ``n`` draws among ``len(p)`` categories of probabilities ``p``."""

    name = "multinomial"
    ndim_supp = 1
    ndims_params = (0, 1)
    dtype = "int64"

    def __call__(self, n, p, size=None, **kwargs) -> Variable:
        """Draw from a multinomial distribution."""
        return super().__call__(n, p, size=size, **kwargs)

    def _supp_shape_from_params(self, dist_params, param_shapes=None):
        return default_supp_shape_from_params(
            self.ndim_supp, dist_params, rep_param_idx=1, param_shapes=param_shapes
        )

    @classmethod
    def rng_fn(cls, rng, n, p, size):
        n, p = np.asarray(n), np.asarray(p)
        if n.ndim == 0 and p.ndim == 1:
            return rng.multinomial(n, p, size=size)
        return _batch_loop(
            rng,
            size,
            [n, p],
            cls.ndims_params,
            lambda n_, p_: rng.multinomial(n_, p_),
            lambda ps: ps[1].shape[-1:],
            "int64",
        )


multinomial = MultinomialRV()


class CategoricalRV(RandomVariable):
    """Index drawn with the probabilities ``p`` (last axis)."""

    name = "categorical"
    ndim_supp = 0
    ndims_params = (1,)
    dtype = "int64"

    def __call__(self, p, size=None, **kwargs) -> Variable:
        """Draw category indices from the probability vectors ``p``."""
        return super().__call__(p, size=size, **kwargs)

    @classmethod
    def rng_fn(cls, rng, p, size):
        p = np.asarray(p)
        if size is None:
            size = p.shape[:-1]
        else:
            size = tuple(size)
            p = np.broadcast_to(p, size + p.shape[-1:])
        u = rng.uniform(size=size)
        cdf = np.cumsum(p, axis=-1)
        # Inverse-CDF sampling; the clip guards against sums of p a hair below 1.
        idx = (cdf < u[..., None]).sum(axis=-1)
        return np.minimum(idx, p.shape[-1] - 1).astype("int64")


categorical = CategoricalRV()


class ChoiceRV(RandomVariable):
    """Elements of ``a`` drawn with or without replacement (probabilities ``p``)."""

    name = "choice"
    ndim_supp = 0
    ndims_params = (1, 1, 0)
    dtype = None

    def __call__(self, a, size=None, replace=True, p=None, **kwargs) -> Variable:
        """Draw ``size`` elements of ``a`` (of ``arange(a)`` for an int ``a``)."""
        at = _at()
        a = at.as_tensor_variable(a)
        if a.type.ndim == 0:
            a = at.arange(a)
        if p is None:
            from aesara.tensor.type_other import NoneConst

            p = NoneConst.clone()
        replace = at.as_tensor_variable(
            np.asarray(replace) if isinstance(replace, bool) else replace
        )
        return super().__call__(a, p, replace, size=size, dtype=a.dtype, **kwargs)

    @classmethod
    def rng_fn(cls, rng, a, p, replace, size):
        return rng.choice(a, size, bool(replace), p)

    def _supp_shape_from_params(self, *args, **kwargs):
        raise NotImplementedError("choice has no support dimensions")

    def _infer_shape(self, size, dist_params, param_shapes=None):
        at = _at()
        return tuple(size[i] for i in range(at.get_vector_length(size)))

    def _static_shape(self, size, dist_params):
        at = _at()
        if at.get_vector_length(size) == 0:
            return ()
        return tuple(at.infer_static_shape(size)[1])


choice = ChoiceRV()


class PermutationRV(RandomVariable):
    """A random permutation of ``x`` along its first axis (of ``arange(x)`` for an int)."""

    name = "permutation"
    ndim_supp = 1
    ndims_params = (1,)
    dtype = None

    def __call__(self, x, **kwargs) -> Variable:
        """Draw a random permutation of ``x``."""
        x = _at().as_tensor_variable(x)
        return super().__call__(x, dtype=x.dtype, **kwargs)

    def make_node(self, rng, size, dtype, x):
        # An integer scalar stands for arange(x): accept it despite ndims_params.
        x = _at().as_tensor_variable(x)
        if x.type.ndim == 0 and x.type.dtype not in _at().type.integer_dtypes:
            raise TypeError(f"permutation of a scalar needs an integer, got {x.type}")
        return super().make_node(rng, size, dtype, x)

    def _check_param_ndim(self, i, p, nd):
        return p.type.ndim >= 1 or p.type.dtype in _at().type.integer_dtypes

    @classmethod
    def rng_fn(cls, rng, x, size):
        return rng.permutation(x if x.ndim > 0 else x.item())

    def _infer_shape(self, size, dist_params, param_shapes=None):
        (x,) = dist_params
        if x.type.ndim == 0:
            return (x,)
        if param_shapes is not None:
            return tuple(param_shapes[0])
        return tuple(x.shape[i] for i in range(x.type.ndim))

    def _static_shape(self, size, dist_params):
        from aesara.tensor.random.op import _const_dim

        (x,) = dist_params
        if x.type.ndim == 0:
            return (_const_dim(x),)
        return tuple(x.type.shape)


permutation = PermutationRV()


# How printers (AePPL's, for one) name each distribution: (plain text, LaTeX).
_PRINT_NAMES: dict[str, tuple[str, str]] = {
    "UniformRV": ("U", "\\operatorname{U}"),
    "TriangularRV": ("Triang", "\\operatorname{Triang}"),
    "BetaRV": ("Beta", "\\operatorname{Beta}"),
    "NormalRV": ("N", "\\operatorname{N}"),
    "HalfNormalRV": ("N**+", "\\operatorname{N^{+}}"),
    "LogNormalRV": ("LogN", "\\operatorname{LogN}"),
    "GammaRV": ("Gamma", "\\operatorname{Gamma}"),
    "ChiSquareRV": ("ChiSquare", "\\operatorname{ChiSquare}"),
    "ParetoRV": ("Pareto", "\\operatorname{Pareto}"),
    "GumbelRV": ("Gumbel", "\\operatorname{Gumbel}"),
    "ExponentialRV": ("Exp", "\\operatorname{Exp}"),
    "WeibullRV": ("Weibull", "\\operatorname{Weibull}"),
    "LogisticRV": ("Logistic", "\\operatorname{Logistic}"),
    "VonMisesRV": ("VonMises", "\\operatorname{VonMises}"),
    "MvNormalRV": ("N", "\\operatorname{N}"),
    "DirichletRV": ("Dir", "\\operatorname{Dir}"),
    "PoissonRV": ("Pois", "\\operatorname{Pois}"),
    "GeometricRV": ("Geom", "\\operatorname{Geom}"),
    "HyperGeometricRV": ("HyperGeom", "\\operatorname{HyperGeom}"),
    "CauchyRV": ("C", "\\operatorname{C}"),
    "HalfCauchyRV": ("C**+", "\\operatorname{C^{+}}"),
    "InvGammaRV": ("InvGamma", "\\operatorname{Gamma^{-1}}"),
    "TruncExponentialRV": ("TruncExp", "\\operatorname{TruncExp}"),
    "StudentTRV": ("StudentT", "\\operatorname{StudentT}"),
    "BernoulliRV": ("Bern", "\\operatorname{Bern}"),
    "LaplaceRV": ("Laplace", "\\operatorname{Laplace}"),
    "BinomialRV": ("Binom", "\\operatorname{Binom}"),
    "NegBinomialRV": ("NB", "\\operatorname{NB}"),
    "BetaBinomialRV": ("BetaBinom", "\\operatorname{BetaBinom}"),
    "GenGammaRV": ("GG", "\\operatorname{GG}"),
    "MultinomialRV": ("MN", "\\operatorname{MN}"),
    "CategoricalRV": ("Cat", "\\operatorname{Cat}"),
    "RandIntRV": ("randint", "\\operatorname{randint}"),
    "IntegersRV": ("integers", "\\operatorname{integers}"),
    "ChoiceRV": ("choice", "\\operatorname{choice}"),
    "PermutationRV": ("permutation", "\\operatorname{permutation}"),
    "RayleighRV": ("Rayleigh", "\\operatorname{Rayleigh}"),
    "PowerRV": ("Power", "\\operatorname{Power}"),
    "ZipfRV": ("Zipf", "\\operatorname{Zipf}"),
    "FRV": ("F", "\\operatorname{F}"),
}
for _cls_name, _names in _PRINT_NAMES.items():
    _cls = globals().get(_cls_name)
    if isinstance(_cls, type):
        _cls._print_name = _names
del _cls_name, _names, _cls


# Aesara's name for a uniform draw on ``[0, 1)``, as ``numpy.random.random``.
random = uniform
