"""Random variables in JAX mode: keys threaded through, generators written back."""

from __future__ import annotations

import numpy as np
import pytest

jax = pytest.importorskip("jax", reason="the JAX backend needs the jax package")

import aesara  # noqa: E402
import aesara.tensor as at  # noqa: E402
from aesara.compile.sharedvalue import shared  # noqa: E402
from aesara.tensor.random import basic as rb  # noqa: E402
from aesara.tensor.random.utils import RandomStream  # noqa: E402

N = 20000


def jfunction(*args, **kwargs):
    return aesara.function(*args, mode="JAX", **kwargs)


def test_each_call_draws_new_values_and_seeds_reproduce():
    srng = RandomStream(seed=123)
    x = srng.normal(0.0, 1.0, size=(4,))
    f = jfunction([], x)
    a, b = f(), f()
    assert a.shape == (4,) and a.dtype == "float64"
    assert not np.allclose(a, b)
    srng.seed(123)
    np.testing.assert_array_equal(f(), a)
    np.testing.assert_array_equal(f(), b)


def test_shared_generator_is_replaced_not_mutated():
    rng = np.random.default_rng(5)
    rng_var = shared(rng)
    state = rng.bit_generator.state
    new_rng, draw = rb.normal(0, 1, size=(2,), rng=rng_var).owner.outputs
    f = jfunction([], draw, updates={rng_var: new_rng})
    f()
    # The original generator object is left as it was; the variable holds a new one.
    assert rng.bit_generator.state == state
    assert isinstance(rng_var.get_value(borrow=True), np.random.Generator)
    assert rng_var.get_value(borrow=True).bit_generator.state != state


def test_without_update_the_same_values_come_back():
    rng_var = shared(np.random.default_rng(7))
    draw = rb.uniform(0, 1, size=(3,), rng=rng_var)
    f = jfunction([], draw)
    np.testing.assert_array_equal(f(), f())


def test_random_state_generators_are_supported():
    rng_var = shared(np.random.RandomState(3))
    new_rng, draw = rb.normal(0, 1, size=(2,), rng=rng_var).owner.outputs
    f = jfunction([], draw, updates={rng_var: new_rng})
    a, b = f(), f()
    assert not np.allclose(a, b)
    assert isinstance(rng_var.get_value(borrow=True), np.random.RandomState)


@pytest.fixture(scope="module")
def moment_draws():
    """One compiled function drawing every distribution checked below."""
    srng = RandomStream(seed=2024)
    loc = at.dvector("loc")
    specs = {
        "normal": (srng.normal(loc, 2.0, size=(N, 2)), [1.0, -1.0], [4.0, 4.0]),
        "uniform": (srng.uniform(-1.0, 3.0, size=(N,)), 1.0, 16.0 / 12),
        "gamma": (srng.gamma(3.0, 2.0, size=(N,)), 1.5, 0.75),
        "exponential": (srng.exponential(2.0, size=(N,)), 2.0, 4.0),
        "beta": (srng.beta(2.0, 3.0, size=(N,)), 0.4, 0.04),
        "poisson": (srng.poisson(4.0, size=(N,)), 4.0, 4.0),
        "bernoulli": (srng.bernoulli(0.3, size=(N,)), 0.3, 0.21),
        "binomial": (srng.binomial(10, 0.4, size=(N,)), 4.0, 2.4),
        "lognormal": (srng.lognormal(0.0, 0.5, size=(N,)), np.exp(0.125), None),
        "laplace": (srng.laplace(1.0, 2.0, size=(N,)), 1.0, 8.0),
        "logistic": (srng.logistic(0.0, 1.0, size=(N,)), 0.0, np.pi**2 / 3),
        "integers": (srng.integers(0, 10, size=(N,)), 4.5, 8.25),
        "chisquare": (srng.chisquare(3.0, size=(N,)), 3.0, 6.0),
        "invgamma": (srng.invgamma(5.0, 4.0, size=(N,)), 1.0, 1.0 / 3),
        "wald": (srng.wald(1.0, 2.0, size=(N,)), 1.0, 0.5),
        "truncexpon": (srng.truncexpon(2.0, 0.0, 1.0, size=(N,)), None, None),
        "halfnormal": (srng.halfnormal(0.0, 1.0, size=(N,)), np.sqrt(2 / np.pi), None),
        "geometric": (srng.geometric(0.25, size=(N,)), 4.0, 12.0),
        "negative_binomial": (
            srng.negative_binomial(5, 0.5, size=(N,)),
            5.0,
            10.0,
        ),
        "categorical": (
            srng.categorical(np.array([0.2, 0.3, 0.5]), size=(N,)),
            1.3,
            0.61,
        ),
        "dirichlet": (srng.dirichlet(np.array([1.0, 2.0, 3.0]), size=(N,)), None, None),
        "multivariate_normal": (
            srng.multivariate_normal(
                np.zeros(2), np.array([[1.0, 0.5], [0.5, 2.0]]), size=(N,)
            ),
            None,
            None,
        ),
    }
    names = list(specs)
    f = jfunction([loc], [specs[n][0] for n in names])
    draws = dict(zip(names, f(np.array([1.0, -1.0]))))
    return specs, draws


@pytest.mark.parametrize(
    "name",
    [
        "normal", "uniform", "gamma", "exponential", "beta", "poisson", "bernoulli",
        "binomial", "lognormal", "laplace", "logistic", "integers", "chisquare",
        "invgamma", "wald", "halfnormal", "geometric", "negative_binomial",
        "categorical",
    ],
)  # fmt: skip
def test_moments(moment_draws, name):
    specs, draws = moment_draws
    var, mean, variance = specs[name]
    value = draws[name]
    assert value.dtype == var.type.dtype
    assert value.shape[0] == N
    np.testing.assert_allclose(value.mean(axis=0), mean, rtol=0.05, atol=0.03)
    if variance is not None:
        np.testing.assert_allclose(value.var(axis=0), variance, rtol=0.08, atol=0.02)


def test_bounded_and_multivariate_draws(moment_draws):
    _, draws = moment_draws
    t = draws["truncexpon"]
    assert t.min() >= 0 and t.max() <= 2.0
    d = draws["dirichlet"]
    assert d.shape == (N, 3)
    np.testing.assert_allclose(d.sum(axis=1), 1.0)
    np.testing.assert_allclose(d.mean(axis=0), [1 / 6, 2 / 6, 3 / 6], atol=0.01)
    m = draws["multivariate_normal"]
    assert m.shape == (N, 2)
    np.testing.assert_allclose(np.cov(m.T), [[1.0, 0.5], [0.5, 2.0]], atol=0.08)


def test_shapes_follow_parameters_and_size():
    srng = RandomStream(seed=1)
    mu = at.dmatrix("mu")
    f = jfunction([mu], [srng.normal(mu, 1.0), srng.normal(0.0, 1.0, size=mu.shape)])
    a, b = f(np.zeros((3, 2)))
    assert a.shape == (3, 2) and b.shape == (3, 2)


def test_choice_and_permutation():
    srng = RandomStream(seed=9)
    f = jfunction(
        [], [srng.choice(np.arange(10), size=(4,), replace=False), srng.permutation(6)]
    )
    c, p = f()
    assert len(set(c.tolist())) == 4 and c.max() < 10
    assert sorted(p.tolist()) == list(range(6))
