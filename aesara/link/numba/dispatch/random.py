"""Translations of random variables to Numba.

A :class:`~aesara.tensor.random.op.RandomVariable` node
``rv(rng, size, dtype, *params)`` becomes a nopython function that draws
with the NumPy ``Generator`` itself (Numba compiles calls to its methods,
which run on the generator's own bit generator state) and returns
``(rng, draw)``. The draw is made one element at a time, in C order over
the broadcast of ``size`` and the parameters, which is the order NumPy's
array samplers use: the same seed gives the same numbers, and leaves the
generator in the same state, as the Python backend.

A node that is not in-place draws from a copy of the caller's generator,
as :meth:`RandomVariable.perform` does; copying a generator needs Python
objects, so that one step runs in ``numba.objmode`` (the draws themselves
stay in nopython code). In compiled functions the ``random_make_inplace``
rewrite usually makes the nodes in-place, so no copy is made.

Parameters are checked as NumPy checks them (same conditions, a
``ValueError`` before anything is drawn).

The draw functions are compiled without the backend's fast-math flags:
approximate logarithms and reassociated products change the samplers'
last bits.

Translated (:data:`RANDOM_DRAWS`, element by element): ``uniform``,
``normal`` (and ``standard_normal``), ``lognormal``, ``triangular``,
``beta``, ``chisquare``, ``exponential``, ``weibull``, ``logistic``,
``laplace``, ``rayleigh``, ``power``, ``f``, ``gamma``, ``poisson``,
``zipf``, ``geometric``, ``binomial``, ``bernoulli``, ``integers``,
``wald``, ``vonmises`` and ``hypergeometric`` (``beta``, ``binomial``,
``bernoulli``, ``poisson``, ``wald``, ``vonmises`` and ``hypergeometric``
with NumPy 2's algorithms written out in
:mod:`~aesara.link.numba.dispatch.random_algorithms`, as Numba's differ
from them or are missing), and the SciPy-drawn ``halfnormal``
(``|standard_normal|``), ``cauchy`` and ``invgamma`` and ``truncexpon``
(SciPy's quantile functions of uniforms, with SciPy's own special
functions), ``t`` (``standard_t``), ``nbinom`` (``negative_binomial``) and
``betabinom`` (all betas, then all binomials), each followed by SciPy's
``* scale + loc`` and preceded by its argument checks. Translated by their
own builders (:data:`ARRAY_DRAWS`): ``dirichlet``, ``multinomial``,
``categorical``, ``permutation``, ``choice`` (NumPy's four index
algorithms, picked at run time from ``replace``, as NumPy picks them) and
``multivariate_normal`` (SVD and product by SciPy's OpenBLAS build, which
gives the bits of NumPy's build of the same library; see
:func:`~aesara.link.numba.dispatch.random_algorithms.multivariate_normal_rows`).

Only the distributions whose Numba implementation reproduces the Python
backend's stream exactly are translated; the others run in object mode
(their Python ``perform``) with the backend's fallback warning:

=========================  ================================================
Distribution               Why it is not translated
=========================  ================================================
``gumbel``,                deliberately: SciPy transforms the uniforms with
``halfcauchy``,            NumPy ufuncs (``np.log``, ``np.tan``,
``pareto``,                ``np.power``), which NumPy computes with its own
``gengamma``               SIMD kernels on CPUs that have them (AVX2,
                           AVX-512); their last bits differ from the C
                           library's functions Numba calls.
``randint``                deliberately: needs a ``RandomState``, which
                           Numba cannot hold (graphs with one run on the
                           Python linker).
=========================  ================================================

Integer-valued parameters (``binomial``'s ``n``, ``integers``' bounds) are
translated only when their dtype is an integer one.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numba
import numpy as np

import aesara.link.numba.dispatch.random_algorithms as ra
import aesara.tensor.random.basic as aer
from aesara.graph.basic import Apply, Constant
from aesara.link._python_codegen import compile_function_src
from aesara.link.numba.dispatch.basic import (
    GENERATED_MODULE,
    NumbaTranslationMissing,
    _env_key,
    numba_funcify,
    numba_njit,
    numba_output_converter,
    numba_type,
)
from aesara.tensor.random.op import RandomVariable, copy_generator
from aesara.tensor.random.type import RandomGeneratorType
from aesara.tensor.type import TensorType

__all__ = ["RandomDraw", "numba_funcify_RandomVariable"]


@numba_type.register(RandomGeneratorType)
def _numba_type_generator(aesara_type: RandomGeneratorType, layout: str = "A"):
    return numba.types.npy_rng


@numba_output_converter.register(RandomGeneratorType)
def _generator_output_converter(t: RandomGeneratorType) -> Callable:
    # A generator crosses the object-mode boundary as itself.
    return lambda value: value


class RandomDraw:
    """How one element of a distribution is drawn in nopython code.

    Parameters
    ----------
    draw
        Source of one draw, ``rng`` being the generator and ``{k}`` the
        ``k``-th parameter's element (a scalar).
    kinds
        ``"f"`` (passed as ``float64``) or ``"i"`` (an integer dtype is
        required, passed as ``int64``) for each parameter, as NumPy
        converts them.
    checks
        ``(failing condition, message)`` pairs on the parameters' elements;
        any element meeting a condition raises ``ValueError(message)``
        before anything is drawn.
    skip_when_all_zero
        Index of a parameter whose being zero everywhere means nothing is
        drawn and the result is all zeros (SciPy's ``rvs`` does so for a
        zero ``scale``), or the ``loc`` parameter's value.
    loc
        Index of the location parameter a zero ``scale`` returns.
    pre_draw
        Source of a first pass over all elements (SciPy's ``rvs`` making
        one array of draws before the next), each element available to
        ``draw`` as ``{pre}``.
    helpers
        Jitted functions the sources call, by name.
    needs_scipy
        The helpers call SciPy's C special functions
        (:func:`~aesara.link.numba.dispatch.random_algorithms.ensure_scipy_loaded`).
    """

    def __init__(
        self,
        draw: str,
        kinds: str,
        checks: tuple = (),
        skip_when_all_zero: int | None = None,
        loc: int | None = None,
        pre_draw: str | None = None,
        helpers: dict[str, Callable] | None = None,
        needs_scipy: bool = False,
    ):
        self.draw = draw
        self.kinds = kinds
        self.checks = tuple(checks)
        self.skip_when_all_zero = skip_when_all_zero
        self.loc = loc
        self.pre_draw = pre_draw
        self.helpers = dict(helpers or {})
        self.needs_scipy = needs_scipy


class ArrayDraw:
    """A distribution translated by its own source builder.

    For random variables whose parameters or draws are arrays (the
    multivariate ones, ``categorical``, ``permutation``): ``build(op, node,
    n_size)`` returns the lines of the draw function's body after the
    optional generator copy, ending with ``return rng, out``, and the
    globals they need.
    """

    def __init__(
        self,
        build: Callable[[RandomVariable, Apply, int], tuple],
        none_params: tuple[int, ...] = (),
    ):
        self.build = build
        # Parameters that may be a ``None`` constant (``choice``'s ``p``).
        self.none_params = none_params


def _neg(k: int, name: str) -> tuple:
    return (f"{{{k}}} < 0", f"{name} < 0")


def _nonpos(k: int, name: str) -> tuple:
    return (f"{{{k}}} <= 0", f"{name} <= 0")


def _prob(k: int, name: str) -> tuple:
    return (
        f"not ({{{k}}} >= 0 and {{{k}}} <= 1)",
        f"{name} < 0, {name} > 1 or {name} is NaN",
    )


def _scipy_domain(cond: str, scipy_name: str) -> tuple:
    """SciPy ``rvs``'s check of shape parameters and ``scale`` (``cond`` failing)."""
    return (
        f"not ({cond})",
        "Domain error in arguments. The `scale` parameter must be positive for "
        "all distributions, and many distributions have restrictions on shape "
        f"parameters. Please see the `scipy.stats.{scipy_name}` documentation "
        "for details.",
    )


_HYPERGEOM_TOO_LARGE = (
    "{0} >= 1000000000 or {1} >= 1000000000",
    "both ngood and nbad must be less than 1000000000",
)

# Largest Poisson rate NumPy accepts.
_POISSON_LAM_MAX = float(np.iinfo("l").max - np.sqrt(np.iinfo("l").max) * 10)

# Draws by op class. An op is translated when its class (or the nearest
# class above it that is listed) draws with the same ``rng_fn`` as here.
RANDOM_DRAWS: dict[type, RandomDraw] = {
    aer.UniformRV: RandomDraw(
        "rng.uniform({0}, {1})",
        "ff",
        (("not np.isfinite({1} - {0})", "Range exceeds valid bounds"),),
    ),
    aer.NormalRV: RandomDraw("rng.normal({0}, {1})", "ff", (_neg(1, "scale"),)),
    aer.LogNormalRV: RandomDraw("rng.lognormal({0}, {1})", "ff", (_neg(1, "sigma"),)),
    aer.TriangularRV: RandomDraw(
        "rng.triangular({0}, {1}, {2})",
        "fff",
        (
            ("{0} > {1}", "left > mode"),
            ("{1} > {2}", "mode > right"),
            ("{0} == {2}", "left == right"),
        ),
    ),
    aer.BetaRV: RandomDraw(
        "beta(rng, {0}, {1})",
        "ff",
        (_nonpos(0, "a"), _nonpos(1, "b")),
        helpers={"beta": ra.beta},
    ),
    aer.ChiSquareRV: RandomDraw("rng.chisquare({0})", "f", (_nonpos(0, "df"),)),
    aer.ExponentialRV: RandomDraw("rng.exponential({0})", "f", (_neg(0, "scale"),)),
    aer.WeibullRV: RandomDraw("rng.weibull({0})", "f", (_neg(0, "a"),)),
    aer.LogisticRV: RandomDraw("rng.logistic({0}, {1})", "ff", (_neg(1, "scale"),)),
    aer.LaplaceRV: RandomDraw("rng.laplace({0}, {1})", "ff", (_neg(1, "scale"),)),
    aer.RayleighRV: RandomDraw("rng.rayleigh({0})", "f", (_neg(0, "scale"),)),
    aer.PowerRV: RandomDraw("rng.power({0})", "f", (_nonpos(0, "a"),)),
    aer.FRV: RandomDraw(
        "rng.f({0}, {1})", "ff", (_nonpos(0, "dfnum"), _nonpos(1, "dfden"))
    ),
    # SciPy's gamma.rvs: standard_gamma(shape) * scale (+ loc, here 0).
    aer.GammaRV: RandomDraw(
        "rng.standard_gamma({0}) * {1}",
        "ff",
        (
            (
                "not ({0} > 0 and {1} >= 0)",
                "Domain error in arguments. The `scale` parameter must be "
                "positive for all distributions, and many distributions have "
                "restrictions on shape parameters.",
            ),
        ),
        skip_when_all_zero=1,
    ),
    aer.PoissonRV: RandomDraw(
        "poisson(rng, {0})",
        "f",
        (_neg(0, "lam"), (f"{{0}} > {_POISSON_LAM_MAX!r}", "lam value too large")),
        helpers={"poisson": ra.poisson},
    ),
    aer.ZipfRV: RandomDraw(
        "rng.zipf({0})", "f", (("not ({0} > 1)", "a <= 1.0 or a is NaN"),)
    ),
    aer.GeometricRV: RandomDraw(
        "rng.geometric({0})",
        "f",
        (("not ({0} > 0 and {0} <= 1)", "p <= 0, p > 1 or p contains NaNs"),),
    ),
    aer.BinomialRV: RandomDraw(
        "binomial(rng, {0}, {1})",
        "if",
        (_neg(0, "n"), _prob(1, "p")),
        helpers={"binomial": ra.binomial},
    ),
    # Ours draws ``rng.binomial(1, p)``, as SciPy's bernoulli does.
    aer.BernoulliRV: RandomDraw(
        "binomial(rng, 1, {0})",
        "f",
        (_prob(0, "p"),),
        helpers={"binomial": ra.binomial},
    ),
    aer.IntegersRV: RandomDraw(
        "rng.integers({0}, {1})", "ii", (("{0} >= {1}", "low >= high"),)
    ),
    aer.WaldRV: RandomDraw(
        "wald(rng, {0}, {1})",
        "ff",
        (_nonpos(0, "mean"), _nonpos(1, "scale")),
        helpers={"wald": ra.wald},
    ),
    aer.VonMisesRV: RandomDraw(
        "vonmises(rng, {0}, {1})",
        "ff",
        (_neg(1, "kappa"),),
        helpers={"vonmises": ra.vonmises},
    ),
    # The SciPy-drawn ones: ``_rvs(shape params) * scale + loc``, after
    # SciPy's checks, and nothing drawn when every scale is zero.
    aer.HalfNormalRV: RandomDraw(
        "abs(rng.standard_normal()) * {1} + {0}",
        "ff",
        (_scipy_domain("{1} >= 0", "halfnorm"),),
        skip_when_all_zero=1,
        loc=0,
    ),
    aer.CauchyRV: RandomDraw(
        "cauchy_ppf(rng.random()) * {1} + {0}",
        "ff",
        (_scipy_domain("{1} >= 0", "cauchy"),),
        skip_when_all_zero=1,
        loc=0,
        helpers={"cauchy_ppf": ra.cauchy_ppf},
    ),
    aer.InvGammaRV: RandomDraw(
        "invgamma_ppf({0}, rng.random()) * {1} + 0.0",
        "ff",
        (_scipy_domain("{0} > 0 and {1} >= 0", "invgamma"),),
        skip_when_all_zero=1,
        helpers={"invgamma_ppf": ra.invgamma_ppf},
        needs_scipy=True,
    ),
    aer.TruncExponentialRV: RandomDraw(
        "truncexpon_ppf({0}, rng.random()) * {2} + {1}",
        "fff",
        (_scipy_domain("{0} > 0 and {2} >= 0", "truncexpon"),),
        skip_when_all_zero=2,
        loc=1,
        helpers={"truncexpon_ppf": ra.truncexpon_ppf},
        needs_scipy=True,
    ),
    aer.StudentTRV: RandomDraw(
        "rng.standard_t({0}) * {2} + {1}",
        "fff",
        (_scipy_domain("{0} > 0 and {2} >= 0", "t"),),
        skip_when_all_zero=2,
        loc=1,
    ),
    aer.NegBinomialRV: RandomDraw(
        "negative_binomial(rng, {0}, {1})",
        "ff",
        (
            _scipy_domain("{0} > 0 and {1} > 0 and {1} <= 1", "nbinom"),
            (
                f"(1 - {{1}}) / {{1}} * ({{0}} + 10 * np.sqrt({{0}})) > "
                f"{_POISSON_LAM_MAX!r}",
                "n too large or p too small, see Generator.negative_binomial Notes",
            ),
        ),
        helpers={"negative_binomial": ra.negative_binomial},
    ),
    aer.HyperGeometricRV: RandomDraw(
        "hypergeometric(rng, {0}, {1}, {2})",
        "iii",
        (
            _HYPERGEOM_TOO_LARGE,
            ("{0} + {1} < {2}", "ngood + nbad < nsample"),
            _neg(0, "ngood"),
            _neg(1, "nbad"),
            _neg(2, "nsample"),
        ),
        helpers={"hypergeometric": ra.hypergeometric},
    ),
    # SciPy draws all the beta probabilities, then all the binomials.
    # NumPy's binomial refuses a float ``n``, so only integer ones are
    # translated.
    aer.BetaBinomialRV: RandomDraw(
        "binomial(rng, {0}, {pre})",
        "iff",
        (_scipy_domain("{0} >= 0 and {1} > 0 and {2} > 0", "betabinom"),),
        pre_draw="beta(rng, {1}, {2})",
        helpers={"beta": ra.beta, "binomial": ra.binomial},
    ),
}


def _batch_src(n_size: int, batch_parts: list[str]) -> str:
    """The batch shape: ``size`` when given, else the parameters' broadcast."""
    if n_size > 0:
        return _tuple_src([f"size[{k}]" for k in range(n_size)])
    return f"np.broadcast_shapes({', '.join(batch_parts)})"


def _check_rank(op: RandomVariable, node: Apply, expected: int) -> None:
    out_ndim = node.outputs[1].type.ndim
    if out_ndim != expected:
        raise NumbaTranslationMissing(
            f"{op}: output rank {out_ndim}, expected {expected}"
        )


def _build_dirichlet(op: RandomVariable, node: Apply, n_size: int) -> tuple:
    (alpha,) = node.inputs[3:]
    if alpha.type.ndim < 1:
        raise NumbaTranslationMissing(f"{op}: alpha must be at least a vector")
    n_batch = n_size if n_size > 0 else alpha.type.ndim - 1
    _check_rank(op, node, n_batch + 1)
    body = [
        f"batch = {_batch_src(n_size, ['p0.shape[:-1]'])}",
        "k = p0.shape[-1]",
        "a = np.broadcast_to(p0, batch + (k,))",
        "for idx in np.ndindex(batch):",
        "    row = a[idx]",
        "    for j in range(k):",
        "        if row[j] < 0:",
        "            raise ValueError('alpha < 0')",
        "out = np.empty(batch + (k,), dtype=OUT_DTYPE)",
        "vals = np.empty(k, dtype=np.float64)",
        "for idx in np.ndindex(batch):",
        "    dirichlet_draw(rng, a[idx].astype(np.float64), vals)",
        "    out[idx] = vals",
        "return rng, out",
    ]
    return body, {"dirichlet_draw": ra.dirichlet_draw}


def _build_multinomial(op: RandomVariable, node: Apply, n_size: int) -> tuple:
    n, p = node.inputs[3:]
    if p.type.ndim < 1:
        raise NumbaTranslationMissing(f"{op}: p must be at least a vector")
    if n.type.dtype[0] not in "iu":
        raise NumbaTranslationMissing(
            f"{op}: n must be an integer, got dtype {n.type.dtype}"
        )
    n_batch = n_size if n_size > 0 else max(n.type.ndim, p.type.ndim - 1)
    _check_rank(op, node, n_batch + 1)
    body = [
        f"batch = {_batch_src(n_size, ['p0.shape', 'p1.shape[:-1]'])}",
        "d = p1.shape[-1]",
        "nb = np.broadcast_to(p0, batch)",
        "pb = np.broadcast_to(p1, batch + (d,))",
        # Every check over every entry before anything is drawn.
        "for idx in np.ndindex(batch):",
        "    if d == 0:",
        "        raise ValueError('pvals must have at least 1 dimension and the "
        "last dimension of pvals must be greater than 0.')",
        "    prow = pb[idx]",
        "    for j in range(d):",
        "        pj = np.float64(prow[j])",
        "        if not (pj >= 0 and pj <= 1):",
        "            raise ValueError('pvals < 0, pvals > 1 or pvals contains NaNs')",
        "    if kahan_sum(prow.astype(np.float64), d - 1) > 1.0 + 1e-12:",
        "        raise ValueError('sum(pvals[:-1]) > 1.0')",
        "    if np.int64(nb[idx]) < 0:",
        "        raise ValueError('n < 0')",
        "out = np.empty(batch + (d,), dtype=OUT_DTYPE)",
        "counts = np.zeros(d, dtype=np.int64)",
        "for idx in np.ndindex(batch):",
        "    multinomial_draw(rng, np.int64(nb[idx]), pb[idx].astype(np.float64), "
        "counts)",
        "    out[idx] = counts",
        "return rng, out",
    ]
    return body, {"multinomial_draw": ra.multinomial_draw, "kahan_sum": ra.kahan_sum}


def _build_categorical(op: RandomVariable, node: Apply, n_size: int) -> tuple:
    (p,) = node.inputs[3:]
    if p.type.ndim < 1:
        raise NumbaTranslationMissing(f"{op}: p must be at least a vector")
    _check_rank(op, node, n_size if n_size > 0 else p.type.ndim - 1)
    # All the uniforms are drawn first in ``rng_fn``; the lookups draw
    # nothing, so drawing each just before its lookup keeps the stream.
    body = [
        f"batch = {_batch_src(n_size, ['p0.shape[:-1]'])}",
        "k = p0.shape[-1]",
        "pb = np.broadcast_to(p0, batch + (k,))",
        "out = np.empty(batch, dtype=OUT_DTYPE)",
        "for idx in np.ndindex(batch):",
        "    out[idx] = categorical_draw(rng.random(), pb[idx])",
        "return rng, out",
    ]
    return body, {"categorical_draw": ra.categorical_draw}


def _build_permutation(op: RandomVariable, node: Apply, n_size: int) -> tuple:
    (x,) = node.inputs[3:]
    # ``rng_fn`` ignores ``size``; so does this.
    _check_rank(op, node, max(x.type.ndim, 1))
    if x.type.ndim == 0:
        if x.type.dtype[0] not in "iu":
            raise NumbaTranslationMissing(f"{op}: a scalar x must be an integer")
        draw = "rng.permutation(np.int64(p0.item()))"
    else:
        draw = "rng.permutation(p0)"
    body = [f"res = {draw}", "return rng, res.astype(OUT_DTYPE)"]
    return body, {}


def _build_choice(op: RandomVariable, node: Apply, n_size: int) -> tuple:
    a, p, replace = node.inputs[3:]
    weighted = not (isinstance(p, Constant) and p.data is None)
    if a.type.ndim != 1 or replace.type.ndim != 0:
        raise NumbaTranslationMissing(f"{op}: a vector a and a scalar replace only")
    if weighted and p.type.ndim != 1:
        raise NumbaTranslationMissing(f"{op}: p must be a vector")
    _check_rank(op, node, n_size)
    if n_size > 0:
        body = [f"shape = {_tuple_src([f'size[{k}]' for k in range(n_size)])}"]
        body += ["n = 1"] + [f"n *= size[{k}]" for k in range(n_size)]
    else:
        body = ["n = 1"]
    body += [
        "pop = p0.shape[0]",
        "if pop == 0 and n != 0:",
        "    raise ValueError('a cannot be empty unless no samples are taken')",
    ]
    env: dict[str, Any] = {}
    if weighted:
        # NumPy's tolerance on sum(p): the larger of float64's and p's own
        # dtype's square-root epsilon.
        atol = float(np.sqrt(np.finfo(np.float64).eps))
        if p.type.dtype.startswith("float"):
            atol = max(atol, float(np.sqrt(np.finfo(p.type.dtype).eps)))
        env.update(choice_weighted=ra.choice_weighted, ATOL=atol)
        body += [
            "if p1.shape[0] != pop:",
            "    raise ValueError('a and p must have same size')",
            "idx = choice_weighted(rng, p1.astype(np.float64), n, p2.item(), ATOL)",
        ]
    else:
        env.update(choice_uniform=ra.choice_uniform)
        body += ["idx = choice_uniform(rng, pop, n, p2.item())"]
    body += [
        "flat = np.empty(n, dtype=OUT_DTYPE)",
        "for i in range(n):",
        "    flat[i] = p0[idx[i]]",
    ]
    if n_size > 0:
        body += ["return rng, flat.reshape(shape)"]
    else:
        body += ["return rng, np.asarray(flat[0])"]
    return body, env


def _build_multivariate_normal(op: RandomVariable, node: Apply, n_size: int) -> tuple:
    mean, cov = node.inputs[3:]
    if mean.type.ndim < 1 or cov.type.ndim < 2:
        raise NumbaTranslationMissing(f"{op}: mean must be a vector, cov a matrix")
    n_batch = n_size if n_size > 0 else max(mean.type.ndim - 1, cov.type.ndim - 2)
    _check_rank(op, node, n_batch + 1)
    if mean.type.ndim == 1 and cov.type.ndim == 2:
        # One call of NumPy's sampler: all the normals, one factorisation.
        batch = _tuple_src([f"size[{k}]" for k in range(n_size)])
        body = [f"batch = {batch}", "nrows = 1"]
        body += [f"nrows *= size[{k}]" for k in range(n_size)]
        body += [
            "rows = multivariate_normal_rows(rng, p0.astype(np.float64), "
            "p1.astype(np.float64), nrows)",
            "return rng, rows.reshape(batch + (p0.shape[0],)).astype(OUT_DTYPE)",
        ]
    else:
        # ``rng_fn`` draws each batch entry with its own call.
        body = [
            f"batch = {_batch_src(n_size, ['p0.shape[:-1]', 'p1.shape[:-2]'])}",
            "k = p0.shape[-1]",
            "mb = np.broadcast_to(p0, batch + (k,))",
            "cb = np.broadcast_to(p1, batch + p1.shape[-2:])",
            "out = np.empty(batch + (k,), dtype=OUT_DTYPE)",
            "for idx in np.ndindex(batch):",
            "    rows = multivariate_normal_rows(rng, mb[idx].astype(np.float64), "
            "cb[idx].astype(np.float64), 1)",
            "    out[idx] = rows[0]",
            "return rng, out",
        ]
    return body, {"multivariate_normal_rows": ra.multivariate_normal_rows}


# Distributions with array parameters or draws, by op class.
ARRAY_DRAWS: dict[type, ArrayDraw] = {
    aer.DirichletRV: ArrayDraw(_build_dirichlet),
    aer.MultinomialRV: ArrayDraw(_build_multinomial),
    aer.CategoricalRV: ArrayDraw(_build_categorical),
    aer.PermutationRV: ArrayDraw(_build_permutation),
    aer.ChoiceRV: ArrayDraw(_build_choice, none_params=(1,)),
    aer.MvNormalRV: ArrayDraw(_build_multivariate_normal),
}


def _rng_methods(cls: type) -> tuple:
    return (getattr(cls, "rng_fn", None), getattr(cls, "rng_fn_scipy", None))


def find_random_draw(op: RandomVariable) -> RandomDraw | ArrayDraw | None:
    """The :class:`RandomDraw` or :class:`ArrayDraw` translating ``op``, or ``None``.

    The nearest listed class in ``op``'s MRO counts, provided ``op`` draws
    with that class's own ``rng_fn`` (a subclass sampling differently is
    not translated).
    """
    for cls in type(op).__mro__:
        entry = RANDOM_DRAWS.get(cls) or ARRAY_DRAWS.get(cls)
        if entry is not None:
            if _rng_methods(type(op)) != _rng_methods(cls):
                return None
            return entry
    return None


_RNG_TYPE = numba.types.npy_rng


@numba.njit
def copy_rng(rng):  # pragma: no cover - compiled by Numba
    """A copy of a generator (``copy_generator``), callable from nopython code."""
    # Object mode reads the names of this module (the generated node
    # functions' globals are another module's).
    with numba.objmode(new_rng=_RNG_TYPE):
        new_rng = copy_generator(rng)
    return new_rng


def _tuple_src(items: list[str]) -> str:
    if not items:
        return "()"
    return "(" + ", ".join(items) + ("," if len(items) == 1 else "") + ")"


@numba_funcify.register(RandomVariable)
def numba_funcify_RandomVariable(
    op: RandomVariable, node: Apply | None = None, **kwargs: Any
) -> Callable:
    """A nopython function ``(rng, size, dtype, *params) -> (rng, draw)``.

    Raises
    ------
    NumbaTranslationMissing
        For generators other than ``Generator``, distributions not listed
        in :data:`RANDOM_DRAWS` and parameters of unsuitable dtypes.
    """
    from aesara.tensor.basic import get_vector_length

    if node is None:
        raise NumbaTranslationMissing(f"{op}: the node is needed to translate it")
    rng_var, size_var, _dtype_var, *params = node.inputs
    if not isinstance(rng_var.type, RandomGeneratorType):
        raise NumbaTranslationMissing(
            f"{op}: Numba only draws with numpy.random.Generator, not {rng_var.type}"
        )
    entry = find_random_draw(op)
    if entry is None:
        raise NumbaTranslationMissing(
            f"{op}: no Numba translation reproducing NumPy's draws"
        )
    try:
        n_size = int(get_vector_length(size_var))
    except ValueError as e:
        raise NumbaTranslationMissing(f"{op}: size of unknown length") from e
    for k, p in enumerate(params):
        none_ok = isinstance(entry, ArrayDraw) and k in entry.none_params
        if none_ok and isinstance(p, Constant) and p.data is None:
            continue
        if not isinstance(p.type, TensorType):
            raise NumbaTranslationMissing(f"{op}: parameter {k} is {p.type}")
        if p.type.dtype == "uint64":
            raise NumbaTranslationMissing(f"{op}: uint64 parameter {k}")
    out_type = node.outputs[1].type
    pnames = [f"p{k}" for k in range(len(params))]
    lines = [f"def random_{op.name}(rng, size, dtype, {', '.join(pnames)}):"]
    if not op.inplace:
        # The caller's generator must not move: draw from a copy, as
        # ``perform`` does.
        lines.append("    rng = copy_rng(rng)")
    env = {
        "copy_rng": copy_rng,
        "OUT_DTYPE": np.dtype(out_type.dtype),
    }
    if isinstance(entry, ArrayDraw):
        body, extra_env = entry.build(op, node, n_size)
        lines.extend("    " + line for line in body)
        env.update(extra_env)
    else:
        lines.extend(_scalar_draw_body(op, node, entry, n_size))
        env.update(entry.helpers)
        if entry.needs_scipy:
            ra.ensure_scipy_loaded()
    return _compile_draw_fn("\n".join(lines) + "\n", f"random_{op.name}", env)


def _scalar_draw_body(
    op: RandomVariable, node: Apply, entry: RandomDraw, n_size: int
) -> list[str]:
    """Lines drawing a scalar distribution element by element."""
    params = node.inputs[3:]
    if op.ndim_supp != 0 or any(nd != 0 for nd in op.ndims_params):
        raise NumbaTranslationMissing(f"{op}: only scalar distributions")
    for k, (p, kind) in enumerate(zip(params, entry.kinds)):
        if kind == "i" and p.type.dtype[0] not in "iu":
            raise NumbaTranslationMissing(
                f"{op}: parameter {k} must be an integer, got dtype {p.type.dtype}"
            )
    out_type = node.outputs[1].type
    expected_nd = (
        n_size if n_size > 0 else max((p.type.ndim for p in params), default=0)
    )
    if out_type.ndim != expected_nd:
        raise NumbaTranslationMissing(
            f"{op}: output rank {out_type.ndim}, expected {expected_nd}"
        )

    pnames = [f"p{k}" for k in range(len(params))]
    lines = []
    if n_size > 0:
        shape = _tuple_src([f"size[{k}]" for k in range(n_size)])
    else:
        shape = f"np.broadcast_shapes({', '.join(f'{p}.shape' for p in pnames)})"
    lines.append(f"    shape = {shape}")
    lines.append("    out = np.empty(shape, dtype=OUT_DTYPE)")
    elems = []
    for k, (p, kind) in enumerate(zip(pnames, entry.kinds)):
        lines.append(f"    b{k} = np.broadcast_to({p}, shape)")
        cast = "np.float64" if kind == "f" else "np.int64"
        elems.append(f"{cast}(b{k}[idx])")
    # Each condition over every element before the next one, as NumPy and
    # SciPy check their parameters.
    for cond, message in entry.checks:
        lines.append("    for idx in np.ndindex(shape):")
        lines.append(f"        if {cond.format(*elems)}:")
        lines.append(f"            raise ValueError({message!r})")
    if entry.skip_when_all_zero is not None:
        z = entry.skip_when_all_zero
        lines.append(f"    if np.all(b{z} == 0):")
        if entry.loc is None:
            lines.append("        out[...] = 0")
        else:
            lines.append(f"        out[...] = b{entry.loc}")
        lines.append("        return rng, out")
    if entry.pre_draw is not None:
        lines.append("    pre = np.empty(shape, dtype=np.float64)")
        lines.append("    for idx in np.ndindex(shape):")
        lines.append(f"        pre[idx] = {entry.pre_draw.format(*elems)}")
    draw = entry.draw.format(*elems, pre="pre[idx]")
    lines.append("    for idx in np.ndindex(shape):")
    lines.append(f"        out[idx] = {draw}")
    lines.append("    return rng, out")
    return lines


# Compiled draw functions by source and globals, so that a node seen again
# reuses the machine code.
_DRAW_FNS: dict = {}


def _compile_draw_fn(src: str, name: str, env: dict) -> Callable:
    """Jit a draw function without fast-math.

    The samplers Numba inlines compute logarithms, powers and divisions;
    the backend's fast-math flags (approximate functions, reassociation)
    would change their last bits, and with them the stream NumPy's
    samplers give.
    """
    key = (src, name, _env_key(env))
    hit = _DRAW_FNS.get(key)
    if hit is None:
        g = {"np": np, "numba": numba, "__name__": GENERATED_MODULE, **env}
        fn = numba_njit(compile_function_src(src, name, g), fastmath=False)
        # The environment is kept with the function: its key holds the
        # identities of its objects.
        hit = _DRAW_FNS[key] = (fn, env)
    return hit[0]
