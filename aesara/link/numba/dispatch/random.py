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

Translated (:data:`RANDOM_DRAWS`): ``uniform``, ``normal`` (and
``standard_normal``), ``lognormal``, ``triangular``, ``beta``,
``chisquare``, ``exponential``, ``weibull``, ``logistic``, ``laplace``,
``rayleigh``, ``power``, ``f``, ``gamma``, ``poisson``, ``zipf``,
``geometric``, ``binomial``, ``bernoulli`` and ``integers``. Only the
distributions whose Numba implementation reproduces NumPy's stream exactly
are translated; the others run in object mode (their Python ``perform``)
with the backend's fallback warning:

=========================  ================================================
Distribution               Why it is not translated
=========================  ================================================
``wald``                   Numba's sampler rounds differently from NumPy's:
                           draws differ in the last bits.
``gumbel``, ``vonmises``,  Numba's ``Generator`` lacks the method (ours
``hypergeometric``         draws ``gumbel`` through SciPy).
``halfnormal``,            Drawn through SciPy's ``rvs`` (its own argument
``cauchy``,                handling and special cases); not translated yet.
``halfcauchy``,
``pareto``, ``invgamma``,
``truncexpon``, ``t``,
``gengamma``, ``nbinom``,
``betabinom``
``multivariate_normal``,   Multivariate or array-valued: not translated
``dirichlet``,             yet.
``multinomial``,
``categorical``,
``choice``,
``permutation``
``randint``                Needs a ``RandomState``, which Numba cannot hold
                           (graphs with one run on the Python linker).
=========================  ================================================

Integer-valued parameters (``binomial``'s ``n``, ``integers``' bounds) are
translated only when their dtype is an integer one.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numba
import numpy as np

import aesara.tensor.random.basic as aer
from aesara.graph.basic import Apply
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
        zero ``scale``).
    """

    def __init__(
        self,
        draw: str,
        kinds: str,
        checks: tuple = (),
        skip_when_all_zero: int | None = None,
    ):
        self.draw = draw
        self.kinds = kinds
        self.checks = tuple(checks)
        self.skip_when_all_zero = skip_when_all_zero


def _neg(k: int, name: str) -> tuple:
    return (f"{{{k}}} < 0", f"{name} < 0")


def _nonpos(k: int, name: str) -> tuple:
    return (f"{{{k}}} <= 0", f"{name} <= 0")


def _prob(k: int, name: str) -> tuple:
    return (
        f"not ({{{k}}} >= 0 and {{{k}}} <= 1)",
        f"{name} < 0, {name} > 1 or {name} is NaN",
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
        "rng.beta({0}, {1})", "ff", (_nonpos(0, "a"), _nonpos(1, "b"))
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
        "rng.poisson({0})",
        "f",
        (_neg(0, "lam"), (f"{{0}} > {_POISSON_LAM_MAX!r}", "lam value too large")),
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
        "rng.binomial({0}, {1})", "if", (_neg(0, "n"), _prob(1, "p"))
    ),
    # Ours draws ``rng.binomial(1, p)``, as SciPy's bernoulli does.
    aer.BernoulliRV: RandomDraw("rng.binomial(1, {0})", "f", (_prob(0, "p"),)),
    aer.IntegersRV: RandomDraw(
        "rng.integers({0}, {1})", "ii", (("{0} >= {1}", "low >= high"),)
    ),
}


def _rng_methods(cls: type) -> tuple:
    return (getattr(cls, "rng_fn", None), getattr(cls, "rng_fn_scipy", None))


def find_random_draw(op: RandomVariable) -> RandomDraw | None:
    """The :class:`RandomDraw` translating ``op``, or ``None``.

    The nearest listed class in ``op``'s MRO counts, provided ``op`` draws
    with that class's own ``rng_fn`` (a subclass sampling differently is
    not translated).
    """
    for cls in type(op).__mro__:
        entry = RANDOM_DRAWS.get(cls)
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
    if op.ndim_supp != 0 or any(nd != 0 for nd in op.ndims_params):
        raise NumbaTranslationMissing(f"{op}: only scalar distributions")
    for k, (p, kind) in enumerate(zip(params, entry.kinds)):
        if not isinstance(p.type, TensorType):
            raise NumbaTranslationMissing(f"{op}: parameter {k} is {p.type}")
        if kind == "i" and p.type.dtype[0] not in "iu":
            raise NumbaTranslationMissing(
                f"{op}: parameter {k} must be an integer, got dtype {p.type.dtype}"
            )
        if p.type.dtype == "uint64":
            raise NumbaTranslationMissing(f"{op}: uint64 parameter {k}")
    try:
        n_size = int(get_vector_length(size_var))
    except ValueError as e:
        raise NumbaTranslationMissing(f"{op}: size of unknown length") from e
    out_type = node.outputs[1].type
    expected_nd = (
        n_size if n_size > 0 else max((p.type.ndim for p in params), default=0)
    )
    if out_type.ndim != expected_nd:
        raise NumbaTranslationMissing(
            f"{op}: output rank {out_type.ndim}, expected {expected_nd}"
        )

    pnames = [f"p{k}" for k in range(len(params))]
    lines = [f"def random_{op.name}(rng, size, dtype, {', '.join(pnames)}):"]
    if not op.inplace:
        # The caller's generator must not move: draw from a copy, as
        # ``perform`` does.
        lines.append("    rng = copy_rng(rng)")
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
    if entry.checks:
        lines.append("    for idx in np.ndindex(shape):")
        for cond, message in entry.checks:
            lines.append(f"        if {cond.format(*elems)}:")
            lines.append(f"            raise ValueError({message!r})")
    draw = entry.draw.format(*elems)
    if entry.skip_when_all_zero is not None:
        z = entry.skip_when_all_zero
        lines.append(f"    if np.all(b{z} == 0):")
        lines.append("        out[...] = 0")
        lines.append("        return rng, out")
    lines.append("    for idx in np.ndindex(shape):")
    lines.append(f"        out[idx] = {draw}")
    lines.append("    return rng, out")
    env = {
        "copy_rng": copy_rng,
        "OUT_DTYPE": np.dtype(out_type.dtype),
    }
    return _compile_draw_fn("\n".join(lines) + "\n", f"random_{op.name}", env)


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
