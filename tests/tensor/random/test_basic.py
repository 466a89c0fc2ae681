"""Each distribution: shape, dtype and the same draws as NumPy/SciPy given the seed."""

import numpy as np
import pytest
import scipy.stats as stats

import aesara
import aesara.tensor as at
from aesara.tensor.random import basic as rb

SEED = 1234


def _draw(rv_fn, *args, **kwargs):
    rng = aesara.shared(np.random.default_rng(SEED))
    out = rv_fn(*args, rng=rng, **kwargs)
    return out, aesara.function([], out)()


def _ref_rng():
    return np.random.default_rng(SEED)


# (aesara op, args, size, reference(rng, *args, size))
CASES = [
    (
        "uniform",
        (-1.0, np.array([1.0, 2.0])),
        None,
        lambda r, a, b, s: r.uniform(a, b, s),
    ),
    ("uniform", (0.0, 1.0), (2, 3), lambda r, a, b, s: r.uniform(a, b, s)),
    (
        "triangular",
        (0.0, 0.5, 1.0),
        (4,),
        lambda r, a, b, c, s: r.triangular(a, b, c, s),
    ),
    ("beta", (2.0, np.array([1.0, 3.0])), (3, 2), lambda r, a, b, s: r.beta(a, b, s)),
    (
        "normal",
        (np.array([0.0, 10.0]), 2.0),
        None,
        lambda r, a, b, s: r.normal(a, b, s),
    ),
    (
        "normal",
        (np.zeros((2, 1)), np.ones(3)),
        None,
        lambda r, a, b, s: r.normal(a, b, s),
    ),
    ("lognormal", (0.0, 0.5), (5,), lambda r, a, b, s: r.lognormal(a, b, s)),
    ("chisquare", (np.array([2.0, 5.0]),), None, lambda r, a, s: r.chisquare(a, s)),
    ("exponential", (2.0,), (3,), lambda r, a, s: r.exponential(a, s)),
    ("weibull", (1.5,), (3,), lambda r, a, s: r.weibull(a, s)),
    ("logistic", (1.0, 2.0), (3,), lambda r, a, b, s: r.logistic(a, b, s)),
    ("vonmises", (0.5, 2.0), (3,), lambda r, a, b, s: r.vonmises(a, b, s)),
    ("wald", (1.0, 2.0), (3,), lambda r, a, b, s: r.wald(a, b, s)),
    ("laplace", (0.0, 2.0), (3,), lambda r, a, b, s: r.laplace(a, b, s)),
    ("poisson", (np.array([1.0, 50.0]),), None, lambda r, a, s: r.poisson(a, s)),
    ("geometric", (0.3,), (4,), lambda r, a, s: r.geometric(a, s)),
    (
        "hypergeometric",
        (10, 5, 4),
        (3,),
        lambda r, a, b, c, s: r.hypergeometric(a, b, c, s),
    ),
    (
        "binomial",
        (10, np.array([0.1, 0.9])),
        None,
        lambda r, a, b, s: r.binomial(a, b, s),
    ),
    (
        "halfnormal",
        (1.0, 2.0),
        (3,),
        lambda r, a, b, s: stats.halfnorm.rvs(a, b, size=s, random_state=r),
    ),
    (
        "pareto",
        (3.0, 2.0),
        (3,),
        lambda r, a, b, s: stats.pareto.rvs(a, scale=b, size=s, random_state=r),
    ),
    (
        "gumbel",
        (1.0, 2.0),
        (3,),
        lambda r, a, b, s: stats.gumbel_r.rvs(a, b, size=s, random_state=r),
    ),
    (
        "cauchy",
        (1.0, 2.0),
        (3,),
        lambda r, a, b, s: stats.cauchy.rvs(a, b, size=s, random_state=r),
    ),
    (
        "halfcauchy",
        (1.0, 2.0),
        (3,),
        lambda r, a, b, s: stats.halfcauchy.rvs(a, b, size=s, random_state=r),
    ),
    (
        "invgamma",
        (3.0, 2.0),
        (3,),
        lambda r, a, b, s: stats.invgamma.rvs(a, scale=b, size=s, random_state=r),
    ),
    (
        "truncexpon",
        (2.0, 1.0, 3.0),
        (3,),
        lambda r, a, b, c, s: stats.truncexpon.rvs(a, b, c, size=s, random_state=r),
    ),
    (
        "bernoulli",
        (np.array([0.2, 0.7, 0.9]),),
        None,
        lambda r, a, s: stats.bernoulli.rvs(a, size=s, random_state=r),
    ),
    (
        "nbinom",
        (5, 0.4),
        (3,),
        lambda r, a, b, s: stats.nbinom.rvs(a, b, size=s, random_state=r),
    ),
    (
        "betabinom",
        (10, 2.0, 3.0),
        (3,),
        lambda r, a, b, c, s: stats.betabinom.rvs(a, b, c, size=s, random_state=r),
    ),
    (
        "t",
        (4.0, 1.0, 2.0),
        (3,),
        lambda r, a, b, c, s: stats.t.rvs(a, b, c, size=s, random_state=r),
    ),
    (
        "gengamma",
        (2.0, 3.0, 1.5),
        (3,),
        lambda r, a, p, lam, s: stats.gengamma.rvs(
            a / p, p, scale=lam, size=s, random_state=r
        ),
    ),
    ("integers", (3, 10), (4,), lambda r, a, b, s: r.integers(a, b, s)),
    (
        "dirichlet",
        (np.array([1.0, 2.0, 3.0]),),
        (2,),
        lambda r, a, s: r.dirichlet(a, s),
    ),
    (
        "multinomial",
        (10, np.array([0.2, 0.3, 0.5])),
        (2,),
        lambda r, n, p, s: r.multinomial(n, p, s),
    ),
    (
        "multivariate_normal",
        (np.array([1.0, -1.0]), np.array([[2.0, 0.5], [0.5, 1.0]])),
        (3,),
        lambda r, m, c, s: r.multivariate_normal(m, c, s),
    ),
]


@pytest.mark.parametrize(
    "name, args, size, ref", CASES, ids=[f"{c[0]}-{i}" for i, c in enumerate(CASES)]
)
def test_draws_match_reference(name, args, size, ref):
    out, value = _draw(getattr(rb, name), *args, size=size)
    expected = np.asarray(ref(_ref_rng(), *args, size))
    assert value.shape == expected.shape
    # Static shapes are known here (constant parameters and size).
    assert out.type.shape == expected.shape
    assert out.type.dtype == (
        "int64" if expected.dtype.kind in "iu" else aesara.config.floatX
    )
    # Python-float parameters may become float32 constants: compare to 1e-6.
    np.testing.assert_allclose(value, expected, rtol=1e-6)


def test_gamma_rate_parameterisation():
    out, value = _draw(rb.gamma, 2.0, 4.0, size=(3,))
    expected = stats.gamma.rvs(2.0, scale=0.25, size=(3,), random_state=_ref_rng())
    np.testing.assert_allclose(value, expected)


def test_standard_normal_and_aliases():
    _, value = _draw(rb.standard_normal, size=(2, 2))
    np.testing.assert_allclose(value, _ref_rng().standard_normal((2, 2)))
    assert rb.negative_binomial is rb.nbinom
    assert rb.student_t is rb.t


def test_randint_needs_random_state():
    rs = aesara.shared(np.random.RandomState(3))
    value = aesara.function([], rb.randint(5, size=(4,), rng=rs))()
    np.testing.assert_array_equal(value, np.random.RandomState(3).randint(0, 5, (4,)))
    with pytest.raises(TypeError, match="RandomStateType"):
        rb.randint(5, rng=aesara.shared(np.random.default_rng()))
    with pytest.raises(TypeError, match="RandomGeneratorType"):
        rb.integers(5, rng=rs)


def test_categorical_probabilities():
    p = np.array([[0.0, 1.0, 0.0], [0.0, 0.0, 1.0]])
    out, value = _draw(rb.categorical, p, size=(4, 2))
    assert value.shape == (4, 2) and value.dtype == np.int64
    np.testing.assert_array_equal(value, np.broadcast_to([1, 2], (4, 2)))
    _, value = _draw(rb.categorical, np.array([0.3, 0.7]), size=(5000,))
    assert abs(value.mean() - 0.7) < 0.03


def test_choice_and_permutation():
    out, value = _draw(rb.choice, np.arange(10.0), size=(3,), replace=False)
    np.testing.assert_array_equal(
        value, _ref_rng().choice(np.arange(10.0), (3,), False)
    )
    assert out.type.dtype == "float64"
    p = np.array([0.0, 0.0, 1.0])
    _, value = _draw(rb.choice, 3, size=(2,), p=p)
    np.testing.assert_array_equal(value, [2, 2])
    out, value = _draw(rb.permutation, np.array([3, 1, 2, 7]))
    np.testing.assert_array_equal(value, _ref_rng().permutation(np.array([3, 1, 2, 7])))
    out, value = _draw(rb.permutation, 5)
    assert out.type.shape == (5,)
    np.testing.assert_array_equal(np.sort(value), np.arange(5))


def test_batched_multivariate_parameters():
    mean = np.array([[0.0, 0.0], [100.0, 100.0]])
    cov = np.eye(2) * 1e-12
    out, value = _draw(rb.multivariate_normal, mean, cov)
    assert value.shape == (2, 2)
    np.testing.assert_allclose(value, mean, atol=1e-4)
    out, value = _draw(rb.multivariate_normal, mean, cov, size=(3, 2))
    assert value.shape == (3, 2, 2) and out.type.shape == (3, 2, 2)
    np.testing.assert_allclose(value, np.broadcast_to(mean, (3, 2, 2)), atol=1e-4)
    out, value = _draw(rb.dirichlet, np.array([[1e6, 1e-6], [1e-6, 1e6]]))
    np.testing.assert_allclose(value, [[1, 0], [0, 1]], atol=1e-3)
    _, value = _draw(rb.multinomial, np.array([3, 7]), np.array([0.0, 1.0]))
    np.testing.assert_array_equal(value, [[0, 3], [0, 7]])


def test_symbolic_parameters_and_size():
    rng = aesara.shared(np.random.default_rng(SEED))
    mu = at.dvector("mu")
    n = at.lscalar("n")
    out = rb.normal(mu, 1.0, size=(n, mu.shape[0]), rng=rng)
    assert out.type.shape == (None, None)
    f = aesara.function([mu, n], out)
    value = f(np.array([1.0, 2.0, 3.0]), 2)
    np.testing.assert_allclose(value, _ref_rng().normal([1.0, 2.0, 3.0], 1.0, (2, 3)))
    # The shape graph agrees with the draw without drawing.
    shape_f = aesara.function([mu, n], out.shape)
    np.testing.assert_array_equal(shape_f(np.zeros(4), 5), [5, 4])
    out2 = rb.normal(at.dmatrix(), at.dvector(), rng=rng)
    shp = aesara.function(out2.owner.inputs[3:], out2.shape)(
        np.zeros((3, 1)), np.zeros(4)
    )
    np.testing.assert_array_equal(shp, [3, 4])


def test_floatx_dtype_follows_config():
    with aesara.config.change_flags(floatX="float32"):
        out, value = _draw(rb.normal, 0.0, 1.0, size=(2,))
    assert out.type.dtype == "float32" and value.dtype == np.float32


def test_errors():
    rng = aesara.shared(np.random.default_rng())
    with pytest.raises(TypeError, match="expects 2 distribution parameters"):
        rb.normal.make_node(rng, None, None, 1.0)
    with pytest.raises(
        ValueError, match="Parameter 1 of multivariate_normal needs at least 2"
    ):
        rb.multivariate_normal(np.zeros(2), np.ones(2), rng=rng)
    with pytest.raises(TypeError, match="rng must be"):
        rb.normal(0, 1, rng=at.dvector())
    with pytest.raises(TypeError, match="size must hold integers"):
        rb.normal(0, 1, size=at.dvector())
    with pytest.raises(TypeError, match="size entries must be integers"):
        rb.normal(0, 1, size=(2.5,))
    with pytest.raises(TypeError, match="size must be None, an int or a vector"):
        rb.normal(0, 1, size=at.lmatrix())
    with pytest.raises(ValueError, match="non-negative"):
        rb.normal(0, 1, size=(-1,))
    with pytest.raises(TypeError, match="no fixed dtype"):
        from aesara.tensor.type_other import NoneConst

        rb.ChoiceRV().make_node(
            rng, None, None, np.arange(3), NoneConst, np.array(True)
        )
    with pytest.raises(TypeError, match="unsupported dtype"):
        rb.ChoiceRV().make_node(
            rng, None, "object", np.arange(3), NoneConst, np.array(True)
        )
