"""Random variables in the Numba backend (``aesara.link.numba.dispatch.random``).

Every translated distribution is compiled with ``mode="NUMBA"`` and
``numba__fallback="raise"`` (so a missing nopython translation fails) and
must give exactly the Python backend's (``mode="FAST_COMPILE"``) draws for
the same seed, and leave the generator in the same state.
"""

from __future__ import annotations

import math
import re
import warnings

import numpy as np
import pytest

numba = pytest.importorskip("numba", reason="the Numba backend needs numba")

import aesara  # noqa: E402
import aesara.link.numba.dispatch.random as random_dispatch  # noqa: E402
import aesara.link.numba.dispatch.random_algorithms as ra  # noqa: E402
import aesara.tensor as at  # noqa: E402
import aesara.tensor.random.basic as aer  # noqa: E402
from aesara.compile.io import In  # noqa: E402
from aesara.configdefaults import config  # noqa: E402
from aesara.link.numba.dispatch import NumbaTranslationMissing, numba_funcify  # noqa: E402
from aesara.link.numba.dispatch.random import find_random_draw  # noqa: E402
from aesara.tensor.random.type import random_generator_type  # noqa: E402
from aesara.tensor.random.utils import RandomStream  # noqa: E402

SEED = 20261207


def _state(rng):
    return rng.bit_generator.state


def _compile(inputs, outputs, mode, **kwargs):
    if mode == "NUMBA":
        with config.change_flags(numba__fallback="raise"):
            with warnings.catch_warnings():
                warnings.simplefilter("error")
                return aesara.function(inputs, outputs, mode=mode, **kwargs)
    return aesara.function(inputs, outputs, mode=mode, **kwargs)


_COV3 = np.array([[2.0, 0.5, 0.1], [0.5, 1.0, -0.3], [0.1, -0.3, 3.0]])

# (random variable, parameter values, size). Array values become inputs of
# the compiled function; Python scalars stay constants of the graph.
CASES = [
    (aer.normal, (0.5, 2.0), None),
    (aer.normal, (np.array([0.0, 1.0, -2.0]), 2.0), None),
    (aer.normal, (np.array([[0.0], [5.0]]), np.array([1.0, 2.0, 3.0])), None),
    (aer.normal, (np.array([0.0, 1.0, -2.0]), 0.5), (4, 3)),
    (aer.standard_normal, (), (7,)),
    (aer.standard_normal, (), None),
    (aer.uniform, (-1.0, 3.0), (6,)),
    (aer.uniform, (np.array([0.0, 10.0]), np.array([[1.0, 11.0]] * 2)), None),
    (aer.exponential, (2.0,), (5,)),
    (aer.exponential, (np.array([0.5, 1.0, 4.0]),), (2, 3)),
    (aer.gamma, (2.5, 1.5), (8,)),
    (aer.gamma, (np.array([0.3, 1.0, 7.0]), np.array([[2.0], [0.5]])), None),
    (aer.beta, (0.5, 2.0), (6,)),
    (aer.beta, (np.array([0.1, 2.0, 5.0]), 3.0), (2, 3)),
    (aer.poisson, (3.0,), (6,)),
    (aer.poisson, (np.array([0.0, 0.5, 20.0, 200.0]),), None),
    (aer.binomial, (10, 0.3), (6,)),
    (aer.binomial, (np.array([1, 50, 1000]), np.array([[0.01], [0.7]])), None),
    (aer.bernoulli, (0.3,), (10,)),
    (aer.bernoulli, (np.array([0.0, 0.5, 1.0]),), (2, 3)),
    (aer.integers, (0, 10), (8,)),
    (aer.integers, (np.array([-5, 0, 2**40]), 2**41), None),
    # The other translated distributions (slow: one compilation each).
    pytest.param(aer.lognormal, (0.0, 1.0), (5,), marks=pytest.mark.slow),
    pytest.param(
        aer.chisquare, (np.array([1.0, 3.0]),), (3, 2), marks=pytest.mark.slow
    ),
    pytest.param(aer.laplace, (1.0, 2.0), (4,), marks=pytest.mark.slow),
    pytest.param(aer.logistic, (1.0, 2.0), (4,), marks=pytest.mark.slow),
    pytest.param(aer.weibull, (1.5,), (4,), marks=pytest.mark.slow),
    pytest.param(aer.rayleigh, (np.array([1.0, 2.0]),), None, marks=pytest.mark.slow),
    pytest.param(aer.power, (2.0,), (4,), marks=pytest.mark.slow),
    pytest.param(aer.f, (3.0, 5.0), (4,), marks=pytest.mark.slow),
    pytest.param(aer.triangular, (0.0, 0.5, 1.0), (5,), marks=pytest.mark.slow),
    pytest.param(
        aer.geometric, (np.array([0.1, 0.9]),), (3, 2), marks=pytest.mark.slow
    ),
    pytest.param(aer.zipf, (2.0,), (5,), marks=pytest.mark.slow),
    # NumPy's algorithms written out for Numba (many draws: rare branches).
    # Tiny beta shapes take NumPy 2's logarithmic and 0/1 paths.
    (
        aer.beta,
        (np.array([1e-3, 0.01, 5e-104]), np.array([[2e-3], [1e-104]])),
        (200, 2, 3),
    ),
    # Inversion and BTPE binomials, multiplication and PTRS Poissons.
    (aer.binomial, (np.array([40, 10**6]), np.array([[0.5], [0.01]])), (150, 2, 2)),
    (aer.poisson, (np.array([5.0, 50.0, 1e5]),), (300, 3)),
    (
        aer.wald,
        (np.array([1.0, 100.0, 1e5, 0.01]), np.array([[2.0], [0.1]])),
        (50, 2, 4),
    ),
    (
        aer.vonmises,
        (np.array([0.0, 2.0, -3.0, 1.0, 3.0, -1.0]), [1.0, 0.3, 50.0, 1e-9, 1e7, 3e-6]),
        (100, 6),
    ),
    (
        aer.hypergeometric,
        (np.array([5, 50, 1000, 3, 0]), [7, 60, 2000, 0, 4], [3, 40, 500, 2, 4]),
        (60, 5),
    ),
    pytest.param(
        aer.hypergeometric, (200000, 300000, 150000), (4,), marks=pytest.mark.slow
    ),
    # SciPy's samplers.
    (aer.halfnormal, (np.array([0.0, 1.0]), np.array([[1.0], [0.0]])), None),
    (aer.cauchy, (1.0, np.array([2.0, 0.5])), (300, 2)),
    (aer.invgamma, (np.array([0.5, 3.0]), 2.0), (3, 2)),
    (aer.truncexpon, (np.array([0.5, 3.0, 1e-3]), 1.0, 2.0), None),
    (aer.t, (np.array([1.0, 5.0, 0.5]), 0.5, 2.0), None),
    (aer.nbinom, (np.array([1.0, 5.5, 20.0]), np.array([0.3, 0.9, 0.01])), (4, 3)),
    (aer.betabinom, (np.array([3, 10, 100]), 0.5, np.array([[2.0], [0.3]])), None),
    # Array-valued ones.
    pytest.param(
        aer.dirichlet, (np.array([1.0, 2.0, 0.5]),), (4,), marks=pytest.mark.slow
    ),
    (aer.dirichlet, (np.array([[0.01, 0.05, 0.0], [1.0, 2.0, 3.0]]),), None),
    (aer.multinomial, (np.array([10, 1000]), np.array([0.2, 0.3, 0.5])), None),
    (aer.multinomial, (5, np.array([[0.2, 0.3, 0.5], [0.0, 1.0, 0.0]])), (3, 2)),
    (aer.categorical, (np.array([0.2, 0.3, 0.5]),), (7,)),
    pytest.param(
        aer.categorical,
        (np.array([[0.2, 0.3, 0.5], [0.9, 0.05, 0.05]]),),
        None,
        marks=pytest.mark.slow,
    ),
    (aer.permutation, (np.arange(10.0)[::-1],), None),
    (aer.multivariate_normal, (np.arange(3.0), _COV3), (2, 4)),
    (
        aer.multivariate_normal,
        (np.arange(6.0).reshape(2, 3), np.stack([_COV3, 2 * _COV3])),
        None,
    ),
    pytest.param(
        aer.permutation, (np.arange(12).reshape(4, 3),), None, marks=pytest.mark.slow
    ),
]


def _case_values(case):
    return case.values if hasattr(case, "values") else case


def _case_id(case):
    rv, values, size = _case_values(case)
    shapes = ",".join(str(np.shape(v)) for v in values)
    return f"{getattr(rv, '__name__', rv.name)}[{shapes}]size={size}"


def _build(rv, values, size):
    rng = random_generator_type("rng")
    inputs, args = [rng], []
    for k, v in enumerate(values):
        if isinstance(v, np.ndarray):
            var = at.tensor(v.dtype, shape=(None,) * v.ndim, name=f"p{k}")
            inputs.append(var)
            args.append(var)
        else:
            args.append(v)
    draw = rv(*args, size=size, rng=rng)
    next_rng = draw.owner.outputs[0]
    arrays = [v for v in values if isinstance(v, np.ndarray)]
    return inputs, [next_rng, draw], arrays


@pytest.mark.parametrize("rv, values, size", CASES, ids=[_case_id(c) for c in CASES])
def test_same_draws_as_python_backend(rv, values, size):
    inputs, outputs, arrays = _build(rv, values, size)
    f_numba = _compile(inputs, outputs, "NUMBA")
    f_py = _compile(inputs, outputs, "FAST_COMPILE")
    assert f_numba.maker.linker.nopython

    rng_n, rng_p = np.random.default_rng(SEED), np.random.default_rng(SEED)
    for _ in range(2):  # the second call starts from the returned generators
        start = _state(rng_n)
        new_n, x_n = f_numba(rng_n, *arrays)
        new_p, x_p = f_py(rng_p, *arrays)
        assert x_n.dtype == x_p.dtype
        assert x_n.shape == x_p.shape
        np.testing.assert_array_equal(x_n, x_p)
        assert _state(new_n) == _state(new_p)
        # Not in-place: the caller's generator did not move.
        assert _state(rng_n) == start
        assert new_n is not rng_n
        rng_n, rng_p = new_n, new_p


@pytest.mark.parametrize(
    "replace, weighted, n, size",
    [
        (True, False, 10, (6,)),
        (True, True, 5, (3, 2)),
        (False, False, 10, (6,)),  # Floyd's algorithm
        (False, False, 20000, (500,)),  # tail shuffle
        (False, True, 5, (4,)),  # repeated searches without repeats
        pytest.param(True, False, 7, None, marks=pytest.mark.slow),
    ],
)
def test_choice_same_draws_as_python_backend(replace, weighted, n, size):
    rng = random_generator_type("rng")
    a = at.dvector("a")
    rep = at.scalar("replace", dtype="bool")
    p = at.dvector("p") if weighted else None
    draw = aer.choice(a, size=size, replace=rep, p=p, rng=rng)
    inputs = [rng, a, rep] + ([p] if weighted else [])
    outputs = [draw.owner.outputs[0], draw]
    args = [np.arange(n, dtype="float64")[::-1], np.array(replace)]
    if weighted:
        args.append(np.linspace(0.0, 1.0, n) / np.linspace(0.0, 1.0, n).sum())
    f_numba = _compile(inputs, outputs, "NUMBA")
    f_py = _compile(inputs, outputs, "FAST_COMPILE")
    rng_n, rng_p = np.random.default_rng(SEED), np.random.default_rng(SEED)
    for _ in range(2):
        new_n, x_n = f_numba(rng_n, *args)
        new_p, x_p = f_py(rng_p, *args)
        assert x_n.dtype == x_p.dtype and x_n.shape == x_p.shape
        np.testing.assert_array_equal(x_n, x_p)
        assert _state(new_n) == _state(new_p)
        rng_n, rng_p = new_n, new_p
    if not replace:
        assert len(np.unique(x_n)) == x_n.size
    # The same compiled function errs as NumPy does on a too large sample.
    if not replace and size == (6,):
        with pytest.raises(ValueError, match="larger sample"):
            f_numba(rng_n, np.arange(3.0), np.array(False))


def test_every_case_distribution_is_translated():
    for case in CASES:
        rv = _case_values(case)[0]
        op = rv.func if hasattr(rv, "func") else rv
        assert find_random_draw(op) is not None, op


def test_float32_output_matches():
    with config.change_flags(floatX="float32"):
        inputs, outputs, arrays = _build(
            aer.normal, (np.array([0.0, 1.0]), 3.0), (3, 2)
        )
        assert outputs[1].dtype == "float32"
        f_numba = _compile(inputs, outputs, "NUMBA")
        f_py = _compile(inputs, outputs, "FAST_COMPILE")
    x_n = f_numba(np.random.default_rng(1), *arrays)[1]
    x_p = f_py(np.random.default_rng(1), *arrays)[1]
    assert x_n.dtype == np.float32
    np.testing.assert_array_equal(x_n, x_p)


def _node_fn(rv_op, *args, size=None):
    rng = random_generator_type("rng")
    draw = rv_op(*args, size=size, rng=rng)
    node = draw.owner
    fn = numba_funcify(node.op, node=node)
    size_value = np.asarray(node.inputs[1].data, dtype="int64")
    dtype_value = np.asarray(node.inputs[2].data)
    params = [np.asarray(v.data) for v in node.inputs[3:]]
    return fn, (size_value, dtype_value, *params)


def test_inplace_node_advances_the_callers_generator():
    op = aer.NormalRV(inplace=True)
    fn, rest = _node_fn(op, 0.0, 1.0, size=(4,))
    rng = np.random.default_rng(3)
    new_rng, x = fn(rng, *rest)
    assert new_rng is rng
    expected_rng = np.random.default_rng(3)
    np.testing.assert_array_equal(x, expected_rng.normal(0.0, 1.0, size=4))
    assert _state(rng) == _state(expected_rng)


def test_non_inplace_node_leaves_the_callers_generator():
    op = aer.NormalRV(inplace=False)
    fn, rest = _node_fn(op, 0.0, 1.0, size=(4,))
    rng = np.random.default_rng(3)
    before = _state(rng)
    new_rng, x = fn(rng, *rest)
    assert new_rng is not rng
    assert _state(rng) == before
    expected_rng = np.random.default_rng(3)
    np.testing.assert_array_equal(x, expected_rng.normal(0.0, 1.0, size=4))
    assert _state(new_rng) == _state(expected_rng)


def test_random_stream_default_updates():
    def run(mode):
        srng = RandomStream(seed=11)
        x = srng.normal(0.0, 1.0, size=(3,))
        y = srng.gamma(2.0, 1.0, size=(2,))
        z = srng.integers(0, 100, size=(4,))
        f = _compile([], [x, y, z], mode)
        return [f() for _ in range(3)], f

    results_n, f_numba = run("NUMBA")
    results_p, _ = run("FAST_COMPILE")
    assert f_numba.maker.linker.nopython
    for call_n, call_p in zip(results_n, results_p):
        for a, b in zip(call_n, call_p):
            np.testing.assert_array_equal(a, b)
    # The updates advanced the streams: no two calls drew the same.
    assert not np.array_equal(results_n[0][0], results_n[1][0])


def test_explicit_updates_with_shared_generator():
    def run(mode):
        rng = aesara.shared(np.random.default_rng(5))
        mu = at.dvector("mu")
        draw = aer.normal(mu, 2.0, rng=rng)
        f = _compile([mu], draw, mode, updates={rng: draw.owner.outputs[0]})
        values = [f(np.arange(3.0)) for _ in range(2)]
        return values, rng.get_value(borrow=True)

    values_n, rng_n = run("NUMBA")
    values_p, rng_p = run("FAST_COMPILE")
    for a, b in zip(values_n, values_p):
        np.testing.assert_array_equal(a, b)
    assert _state(rng_n) == _state(rng_p)
    assert not np.array_equal(values_n[0], values_n[1])


def test_mutable_input_generator_is_advanced_in_place():
    rng = random_generator_type("rng")
    draw = aer.uniform(0.0, 1.0, size=(3,), rng=rng)
    f = _compile([In(rng, mutable=True)], draw, "NUMBA")
    g = np.random.default_rng(9)
    x = f(g)
    expected = np.random.default_rng(9)
    np.testing.assert_array_equal(x, expected.uniform(0.0, 1.0, size=3))
    ops = [n.op for n in f.maker.fgraph.apply_nodes]
    if any(getattr(op, "inplace", False) for op in ops):
        assert _state(g) == _state(expected)


@pytest.mark.parametrize(
    "rv, values, message",
    [
        (aer.normal, (0.0, -1.0), "scale < 0"),
        (aer.beta, (0.0, 1.0), "a <= 0"),
        (aer.poisson, (-1.0,), "lam < 0"),
        (aer.binomial, (3, 1.5), "p < 0"),
        (aer.integers, (5, 5), "low >= high"),
    ],
)
def test_invalid_parameters_raise_like_numpy(rv, values, message):
    rng = random_generator_type("rng")
    draw = rv(*values, size=(2,), rng=rng)
    f = _compile([rng], draw, "NUMBA")
    with pytest.raises(ValueError, match=message):
        f(np.random.default_rng(0))
    with pytest.raises(ValueError):
        getattr(np.random.default_rng(0), rv.name)(*values, size=2)


@pytest.mark.parametrize(
    "rv, values, size, message",
    [
        (aer.wald, (1.0, 0.0), (2,), "scale <= 0"),
        (aer.vonmises, (0.0, -1.0), (2,), "kappa < 0"),
        (aer.halfnormal, (0.0, -1.0), (2,), "scipy.stats.halfnorm"),
        (aer.nbinom, (np.array([2.0, 1e20]), 1e-5), None, "n too large"),
        (aer.betabinom, (np.array([-1]), 1.0, 1.0), None, "scipy.stats.betabinom"),
        # The sum is checked before the signs.
        (aer.hypergeometric, (-1, 2, 1), (2,), "ngood < 0"),
        (aer.hypergeometric, (np.array([-1]), 2, 5), None, "ngood \\+ nbad"),
        (aer.dirichlet, (np.array([1.0, -1.0]),), (2,), "alpha < 0"),
        (aer.multinomial, (3, np.array([0.6, 0.6, 0.1])), (2,), "sum\\(pvals"),
        (aer.multinomial, (-3, np.array([0.5, 0.5])), None, "n < 0"),
    ],
)
def test_invalid_parameters_raise_like_the_python_backend(rv, values, size, message):
    inputs, outputs, arrays = _build(rv, values, size)
    for mode in ("NUMBA", "FAST_COMPILE"):
        f = _compile(inputs, outputs, mode)
        with pytest.raises(ValueError, match=message):
            f(np.random.default_rng(0), *arrays)


def test_scipy_zero_scale_returns_loc_without_drawing():
    inputs, outputs, arrays = _build(
        aer.halfnormal, (np.array([1.0, -2.0]), 0.0), (3, 2)
    )
    new_n, x_n = _compile(inputs, outputs, "NUMBA")(np.random.default_rng(0), *arrays)
    new_p, x_p = _compile(inputs, outputs, "FAST_COMPILE")(
        np.random.default_rng(0), *arrays
    )
    np.testing.assert_array_equal(x_n, np.tile([1.0, -2.0], (3, 1)))
    np.testing.assert_array_equal(x_n, x_p)
    assert _state(new_n) == _state(new_p) == _state(np.random.default_rng(0))


def test_multivariate_normal_warns_on_a_covariance_that_is_not_psd():
    inputs, outputs, arrays = _build(
        aer.multivariate_normal, (np.zeros(2), np.array([[1.0, 2.0], [2.0, 1.0]])), (3,)
    )
    f_numba = _compile(inputs, outputs, "NUMBA")
    with pytest.warns(RuntimeWarning, match="positive-semidefinite"):
        new_n, x_n = f_numba(np.random.default_rng(0), *arrays)
    f_py = _compile(inputs, outputs, "FAST_COMPILE")
    with pytest.warns(RuntimeWarning, match="positive-semidefinite"):
        new_p, x_p = f_py(np.random.default_rng(0), *arrays)
    np.testing.assert_array_equal(x_n, x_p)
    assert _state(new_n) == _state(new_p)


def test_cauchy_quantile_matches_scipy_and_overflows_at_zero():
    from scipy.special import _ufuncs

    q = np.array([1e-300, 0.1, 0.25, 0.5, 0.5 + 1e-16, 0.75, 0.999999])
    got = np.array([ra.cauchy_ppf(v) for v in q])
    np.testing.assert_array_equal(got, _ufuncs._cauchy_ppf(q, 0.0, 1.0))
    with pytest.raises(OverflowError):
        ra.cauchy_ppf(0.0)


def test_log_factorial_table_and_series():
    # Correctly rounded below 126 (NumPy's table), Stirling's series above.
    for k in (0, 1, 2, 10, 125, 126, 1000, 10**7):
        assert ra.log_factorial(k) == pytest.approx(math.lgamma(k + 1), rel=1e-14)
    assert ra.log_factorial(3) == math.log(6.0)


def test_size_and_parameters_must_broadcast():
    inputs, outputs, _ = _build(aer.normal, (np.zeros(2), 1.0), (3,))
    f = _compile(inputs, outputs, "NUMBA")
    with pytest.raises(ValueError):
        f(np.random.default_rng(0), np.zeros(2))


def test_untranslated_distribution_falls_back_with_warning():
    # SciPy's gumbel takes NumPy's SIMD logarithm of the uniforms.
    rng = random_generator_type("rng")
    draw = aer.gumbel(1.0, 2.0, size=(4,), rng=rng)
    assert find_random_draw(draw.owner.op) is None
    with pytest.warns(UserWarning, match="object mode"):
        f = aesara.function([rng], [draw.owner.outputs[0], draw], mode="NUMBA")
    g = np.random.default_rng(2)
    before = _state(g)
    new_rng, x = f(g)
    assert _state(g) == before
    expected = np.random.default_rng(2)
    np.testing.assert_array_equal(
        x, aer.GumbelRV.rng_fn(expected, np.array(1.0), np.array(2.0), (4,))
    )
    assert _state(new_rng) == _state(expected)


def _documented_fallbacks() -> set[str]:
    doc = random_dispatch.__doc__
    table = doc[doc.index("Why it is not translated") :]
    return set(re.findall(r"^``(\w+)``", table, flags=re.M))


def test_fallback_table_lists_exactly_the_untranslated_distributions():
    ops = {
        v.name: v
        for v in vars(aer).values()
        if isinstance(v, aer.RandomVariable) and type(v).__module__ == aer.__name__
    }
    untranslated = {name for name, op in ops.items() if find_random_draw(op) is None}
    assert untranslated == _documented_fallbacks()
    assert {"gumbel", "pareto", "randint"} <= untranslated
    assert "choice" not in untranslated


def test_float_parameter_for_integer_slot_is_not_translated():
    rng = random_generator_type("rng")
    n = at.dscalar("n")
    draw = aer.binomial(n, 0.5, rng=rng)
    with pytest.raises(NumbaTranslationMissing, match="integer"):
        numba_funcify(draw.owner.op, node=draw.owner)


def test_subclass_with_its_own_sampler_is_not_translated():
    class ShiftedNormal(aer.NormalRV):
        @classmethod
        def rng_fn(cls, rng, loc, scale, size):
            return rng.normal(loc, scale, size) + 1.0

    assert find_random_draw(ShiftedNormal()) is None
    assert find_random_draw(aer.StandardNormalRV()) is not None


def test_random_state_graph_runs_on_python_linker():
    rng = aesara.shared(np.random.RandomState(4))
    draw = aer.randint(0, 10, size=(3,), rng=rng)
    with pytest.warns(UserWarning, match="Python linker"):
        f = aesara.function([], draw, mode="NUMBA")
    np.testing.assert_array_equal(f(), np.random.RandomState(4).randint(0, 10, 3))


def test_gamma_with_zero_scale_draws_nothing():
    # SciPy's rvs returns zeros without drawing when every scale is 0.
    rng = random_generator_type("rng")
    draw = aer.gamma(2.0, np.inf, size=(3,), rng=rng)
    outputs = [draw.owner.outputs[0], draw]
    new_n, x_n = _compile([rng], outputs, "NUMBA")(np.random.default_rng(0))
    new_p, x_p = _compile([rng], outputs, "FAST_COMPILE")(np.random.default_rng(0))
    np.testing.assert_array_equal(x_n, x_p)
    np.testing.assert_array_equal(x_n, np.zeros(3))
    assert _state(new_n) == _state(new_p)
