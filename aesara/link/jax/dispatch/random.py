"""JAX translations of the random variables (``aesara.tensor.random``).

A random generator is a raw JAX PRNG key (``uint32[2]``) inside the
translated function: a draw splits the key it is given, samples with one
half and returns the other as the advanced generator. The linker draws the
first key from the NumPy generator held by a shared variable and turns the
returned key into that variable's next generator, so a function that
updates its generators draws new values on every call (see
:mod:`aesara.link.jax.linker`).

Draws follow the distributions NumPy/SciPy sample, not their exact
streams: the same seed gives the same values in JAX mode, different ones
from the other modes.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

import aesara.tensor.random.basic as rb
from aesara.link.jax.dispatch.basic import (
    JAXTranslationError,
    jax_funcify,
    jax_static_inputs,
    jax_typify,
)
from aesara.tensor.random.op import RandomVariable


def _jax():
    import jax

    return jax


@jax_typify.register(np.random.Generator)
@jax_typify.register(np.random.RandomState)
def _typify_rng(data, dtype=None, **kwargs):
    from aesara.link.jax.linker import rng_to_key

    return rng_to_key(data)


@jax_static_inputs.register(RandomVariable)
def _rv_static(op, node):
    # The size decides the draw's shape.
    return (1,)


# Each sampler: ``sample(key, shape, dtype, *params) -> draw`` where
# ``shape`` is the shape of the batch (the draw's shape without the support
# dimensions) and the parameters are broadcast to it by the sampler.


def _normal(key, shape, dtype, loc, scale):
    jax = _jax()
    return loc + scale * jax.random.normal(key, shape, dtype)


def _uniform(key, shape, dtype, low, high):
    jax = _jax()
    return low + (high - low) * jax.random.uniform(key, shape, dtype)


def _triangular(key, shape, dtype, left, mode, right):
    jax = _jax()
    return jax.random.triangular(key, left, mode, right, shape, dtype)


def _beta(key, shape, dtype, a, b):
    jax = _jax()
    return jax.random.beta(key, a, b, shape, dtype)


def _halfnormal(key, shape, dtype, loc, scale):
    jax = _jax()
    return loc + scale * abs(jax.random.normal(key, shape, dtype))


def _lognormal(key, shape, dtype, mean, sigma):
    jax = _jax()
    return jax.numpy.exp(mean + sigma * jax.random.normal(key, shape, dtype))


def _gamma(key, shape, dtype, k, scale):
    jax = _jax()
    return jax.random.gamma(key, k, shape, dtype) * scale


def _chisquare(key, shape, dtype, df):
    jax = _jax()
    return jax.random.chisquare(key, df, shape, dtype)


def _pareto(key, shape, dtype, b, scale):
    jax = _jax()
    return scale * jax.random.pareto(key, b, shape, dtype)


def _gumbel(key, shape, dtype, loc, scale):
    jax = _jax()
    return loc + scale * jax.random.gumbel(key, shape, dtype)


def _exponential(key, shape, dtype, scale):
    jax = _jax()
    return scale * jax.random.exponential(key, shape, dtype)


def _weibull(key, shape, dtype, k):
    jax = _jax()
    return jax.random.weibull_min(key, 1.0, k, shape, dtype)


def _logistic(key, shape, dtype, loc, scale):
    jax = _jax()
    return loc + scale * jax.random.logistic(key, shape, dtype)


def _cauchy(key, shape, dtype, loc, scale):
    jax = _jax()
    return loc + scale * jax.random.cauchy(key, shape, dtype)


def _halfcauchy(key, shape, dtype, loc, scale):
    jax = _jax()
    return loc + scale * abs(jax.random.cauchy(key, shape, dtype))


def _invgamma(key, shape, dtype, k, scale):
    jax = _jax()
    return scale / jax.random.gamma(key, k, shape, dtype)


def _wald(key, shape, dtype, mean, scale):
    jax = _jax()
    jnp = jax.numpy
    k1, k2 = jax.random.split(key)
    # The inverse Gaussian by the transformation of Michael, Schucany and Haas.
    y = jax.random.normal(k1, shape, dtype) ** 2
    mu = jnp.broadcast_to(mean, shape).astype(dtype)
    lam = jnp.broadcast_to(scale, shape).astype(dtype)
    x = (
        mu
        + mu * mu * y / (2 * lam)
        - mu / (2 * lam) * jnp.sqrt(4 * mu * lam * y + (mu * y) ** 2)
    )
    u = jax.random.uniform(k2, shape, dtype)
    return jnp.where(u <= mu / (mu + x), x, mu * mu / x)


def _truncexpon(key, shape, dtype, b, loc, scale):
    jax = _jax()
    jnp = jax.numpy
    u = jax.random.uniform(key, shape, dtype)
    # The inverse of the CDF (1 - exp(-x)) / (1 - exp(-b)) on [0, b].
    x = -jnp.log1p(-u * -jnp.expm1(-b))
    return loc + scale * x


def _laplace(key, shape, dtype, loc, scale):
    jax = _jax()
    return loc + scale * jax.random.laplace(key, shape, dtype)


def _student_t(key, shape, dtype, df, loc, scale):
    jax = _jax()
    return loc + scale * jax.random.t(key, df, shape, dtype)


def _poisson(key, shape, dtype, lam):
    jax = _jax()
    return jax.random.poisson(key, lam, shape, dtype)


def _geometric(key, shape, dtype, p):
    jax = _jax()
    return jax.random.geometric(key, p, shape, dtype)


def _bernoulli(key, shape, dtype, p):
    jax = _jax()
    return jax.random.bernoulli(key, p, shape).astype(dtype)


def _binomial(key, shape, dtype, n, p):
    jax = _jax()
    return jax.random.binomial(key, n, p, shape).astype(dtype)


def _nbinom(key, shape, dtype, n, p):
    jax = _jax()
    k1, k2 = jax.random.split(key)
    # A Poisson draw whose rate is gamma distributed.
    lam = jax.random.gamma(k1, n, shape) * (1 - p) / p
    return jax.random.poisson(k2, lam, shape).astype(dtype)


def _beta_binomial(key, shape, dtype, n, a, b):
    jax = _jax()
    k1, k2 = jax.random.split(key)
    p = jax.random.beta(k1, a, b, shape)
    return jax.random.binomial(k2, n, p, shape).astype(dtype)


def _integers(key, shape, dtype, low, high):
    jax = _jax()
    return jax.random.randint(key, shape, low, high, dtype)


def _mvnormal(key, shape, dtype, mean, cov):
    jax = _jax()
    return jax.random.multivariate_normal(key, mean, cov, shape, dtype, method="svd")


def _dirichlet(key, shape, dtype, alphas):
    jax = _jax()
    return jax.random.dirichlet(key, alphas, shape, dtype)


def _multinomial(key, shape, dtype, n, p):
    jax = _jax()
    jnp = jax.numpy
    n = jnp.broadcast_to(n, shape)
    return jax.random.multinomial(key, n, p, shape=(*shape, p.shape[-1])).astype(dtype)


def _categorical(key, shape, dtype, p):
    jax = _jax()
    jnp = jax.numpy
    return jax.random.categorical(key, jnp.log(p), axis=-1, shape=shape).astype(dtype)


_SAMPLERS: dict[type, tuple[Callable, int]] = {
    # class: (sampler, number of support dimensions the sampler adds)
    rb.NormalRV: (_normal, 0),
    rb.UniformRV: (_uniform, 0),
    rb.TriangularRV: (_triangular, 0),
    rb.BetaRV: (_beta, 0),
    rb.HalfNormalRV: (_halfnormal, 0),
    rb.LogNormalRV: (_lognormal, 0),
    rb.GammaRV: (_gamma, 0),
    rb.ChiSquareRV: (_chisquare, 0),
    rb.ParetoRV: (_pareto, 0),
    rb.GumbelRV: (_gumbel, 0),
    rb.ExponentialRV: (_exponential, 0),
    rb.WeibullRV: (_weibull, 0),
    rb.LogisticRV: (_logistic, 0),
    rb.CauchyRV: (_cauchy, 0),
    rb.HalfCauchyRV: (_halfcauchy, 0),
    rb.InvGammaRV: (_invgamma, 0),
    rb.WaldRV: (_wald, 0),
    rb.TruncExponentialRV: (_truncexpon, 0),
    rb.LaplaceRV: (_laplace, 0),
    rb.StudentTRV: (_student_t, 0),
    rb.PoissonRV: (_poisson, 0),
    rb.GeometricRV: (_geometric, 0),
    rb.BernoulliRV: (_bernoulli, 0),
    rb.BinomialRV: (_binomial, 0),
    rb.NegBinomialRV: (_nbinom, 0),
    rb.BetaBinomialRV: (_beta_binomial, 0),
    rb.IntegersRV: (_integers, 0),
    rb.RandIntRV: (_integers, 0),
    rb.MvNormalRV: (_mvnormal, 1),
    rb.DirichletRV: (_dirichlet, 1),
    rb.MultinomialRV: (_multinomial, 1),
    rb.CategoricalRV: (_categorical, 0),
}


def _sampler(op) -> tuple[Callable, int] | None:
    for cls in type(op).__mro__:
        if cls in _SAMPLERS:
            return _SAMPLERS[cls]
    return None


def _batch_shape(op, size, params) -> tuple:
    """The draw's shape without its support dimensions."""
    if size is not None and np.size(size) > 0:
        return tuple(int(s) for s in np.asarray(size).ravel())
    shapes = [np.shape(p)[: np.ndim(p) - nd] for p, nd in zip(params, op.ndims_params)]
    return tuple(np.broadcast_shapes(*shapes)) if shapes else ()


@jax_funcify.register(RandomVariable)
def jax_funcify_RandomVariable(op, node=None, **kwargs):
    jax = _jax()
    dtype = node.outputs[1].type.dtype
    if isinstance(op, rb.ChoiceRV):
        return _choice_fn(op, node, dtype)
    if isinstance(op, rb.PermutationRV):
        return _permutation_fn(op, node)
    found = _sampler(op)
    if found is None:
        raise JAXTranslationError(
            f"No JAX sampler for the random variable {op} (class "
            f"{type(op).__name__}); it cannot run in mode='JAX'."
        )
    sample, _ = found
    param_dtype = dtype if dtype[0] in "fc" else "float64"

    def random_variable(rng, size, _dtype, *params):
        new_key, key = jax.random.split(rng)
        shape = _batch_shape(op, size, params)
        params = [jax.numpy.asarray(p) for p in params]
        if dtype[0] in "fc":
            # Float parameters in the draw's precision.
            params = [
                p.astype(param_dtype) if p.dtype.kind in "fc" else p for p in params
            ]
        if op.ndim_supp == 0:
            # Each parameter to the batch shape plus its own core shape.
            params = [
                jax.numpy.broadcast_to(p, shape + p.shape[p.ndim - nd :])
                for p, nd in zip(params, op.ndims_params)
            ]
        draw = sample(key, shape, dtype, *params)
        return new_key, jax.numpy.asarray(draw).astype(dtype)

    return random_variable


def _choice_fn(op, node, dtype):
    jax = _jax()
    jnp = jax.numpy

    def choice(rng, size, _dtype, a, p, replace):
        new_key, key = jax.random.split(rng)
        shape = () if size is None or np.size(size) == 0 else _batch_shape(op, size, [])
        if not isinstance(replace, (bool, np.bool_)) and not isinstance(
            replace, np.ndarray
        ):
            raise JAXTranslationError(
                "choice: `replace` must be known when JAX traces the graph"
            )
        draw = jax.random.choice(
            key,
            jnp.asarray(a),
            shape=shape,
            replace=bool(replace),
            p=None if p is None else jnp.asarray(p),
        )
        return new_key, draw.astype(dtype)

    return choice


def _permutation_fn(op, node):
    jax = _jax()
    dtype = node.outputs[1].type.dtype

    def permutation(rng, size, _dtype, x):
        new_key, key = jax.random.split(rng)
        if np.ndim(x) == 0:
            if not isinstance(x, (int, np.integer, np.ndarray)):
                raise JAXTranslationError(
                    "permutation: the length must be known when JAX traces the graph"
                )
            x = int(x)
        return new_key, jax.random.permutation(key, x).astype(dtype)

    return permutation


@jax_static_inputs.register(rb.ChoiceRV)
def _choice_static(op, node):
    return (1, 5)


@jax_static_inputs.register(rb.PermutationRV)
def _permutation_static(op, node):
    x = node.inputs[3]
    return (1, 3) if x.type.ndim == 0 else (1,)
