"""The random sparse ops of ``aesara.sparse.sandbox.sp2``: formats, dtypes, shapes and distributions."""

from __future__ import annotations

import numpy as np
import pytest
import scipy.sparse

import aesara
import aesara.sparse as sp
from aesara.gradient import NullTypeGradError
from aesara.sparse.sandbox import sp2
from aesara.tensor.type import dscalar, lscalar, lvector


@pytest.fixture(autouse=True)
def _seeded():
    state = np.random.get_state()
    np.random.seed(1234)
    yield
    np.random.set_state(state)


def _means(fmt, n_rows=200, n_cols=50, mean=3.0, dtype="float64"):
    m = scipy.sparse.random(n_rows, n_cols, density=0.5, format=fmt, random_state=1)
    m.data = np.full(m.nnz, mean, dtype=dtype)
    return m


@pytest.mark.parametrize("fmt", ["csr", "csc"])
@pytest.mark.parametrize("dtype", ["float32", "float64", "int64"])
def test_poisson_format_dtype_and_moments(fmt, dtype):
    x = sp.matrix(fmt, "x", dtype=dtype)
    f = aesara.function([x], sp2.poisson(x))
    means = _means(fmt, dtype=dtype)
    out = f(means)
    assert out.format == fmt and out.dtype == dtype and out.shape == means.shape
    dense = out.toarray()
    # Only stored positions can be drawn, and zero draws are not stored.
    assert np.all(dense[means.toarray() == 0] == 0)
    assert np.all(out.data != 0)
    draws = dense[means.toarray() != 0]
    assert np.allclose(np.floor(draws), draws)
    # Poisson(3): mean 3 and variance 3; 5000 draws give a standard error of 0.025.
    assert abs(draws.mean() - 3.0) < 0.15
    assert abs(draws.var() - 3.0) < 0.4


def test_poisson_reproducible_with_numpy_seed_and_no_gradient():
    x = sp.csr_matrix("x")
    f = aesara.function([x], sp2.poisson(x))
    means = _means("csr")
    np.random.seed(7)
    a = f(means).toarray()
    np.random.seed(7)
    b = f(means).toarray()
    np.testing.assert_array_equal(a, b)
    with pytest.raises(NullTypeGradError):
        aesara.grad(sp.sp_sum(sp2.poisson(x)), x)


@pytest.mark.parametrize("fmt", ["csr", "csc"])
@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_binomial_format_dtype_shape_and_moments(fmt, dtype):
    n, p, shape = lscalar("n"), dscalar("p"), lvector("shape")
    op = sp2.Binomial(fmt, dtype)
    out_var = op(n, p, shape)
    assert out_var.type.format == fmt and out_var.type.dtype == dtype
    f = aesara.function([n, p, shape], out_var)
    out = f(5, 0.25, np.array([100, 80]))
    assert out.format == fmt and out.dtype == dtype and out.shape == (100, 80)
    dense = out.toarray()
    assert np.allclose(np.floor(dense), dense) and dense.min() >= 0 and dense.max() <= 5
    # Binomial(5, 0.25): mean 1.25, variance 0.9375; 8000 draws.
    assert abs(dense.mean() - 1.25) < 0.05
    assert abs(dense.var() - 0.9375) < 0.08
    # infer_shape gives the requested shape without drawing.
    shp = aesara.function([n, p, shape], out_var.shape)(5, 0.25, np.array([7, 3]))
    assert tuple(shp) == (7, 3)


def test_binomial_named_instances_and_props():
    assert sp2.csr_fbinomial == sp2.Binomial("csr", "float32")
    assert sp2.csc_dbinomial.format == "csc" and sp2.csc_dbinomial.dtype == "float64"
    assert sp2.csr_dbinomial != sp2.csc_dbinomial
    with pytest.raises(ValueError, match="csr or csc"):
        sp2.Binomial("coo", "float64")


def test_binomial_gradient_undefined_for_n_and_p():
    n, p, shape = lscalar("n"), dscalar("p"), lvector("shape")
    out = sp2.csr_dbinomial(n, p, shape)
    with pytest.raises(NullTypeGradError):
        aesara.grad(sp.sp_sum(out), p)


def _probs():
    return scipy.sparse.csr_matrix(
        np.array(
            [
                [0.0, 0.5, 0.0, 0.5],
                [0.1, 0.2, 0.3, 0.4],
                [0.0, 1.0, 0.0, 0.0],
                [0.3, 0.3, 0.0, 0.4],
            ]
        )
    )


def test_multinomial_scalar_and_vector_n():
    p = sp.csr_matrix("p")
    n = lscalar("n")
    f = aesara.function([p, n], sp2.multinomial(n, p))
    out = f(_probs(), 5)
    assert out.shape == (4, 4) and out.format == "csr"
    dense = out.toarray()
    assert np.allclose(np.floor(dense), dense)
    np.testing.assert_array_equal(dense.sum(axis=1), [5, 5, 5, 5])
    assert dense[2, 1] == 5
    # Only stored positions receive counts.
    assert np.all(dense[_probs().toarray() == 0] == 0)

    nv = lvector("n")
    g = aesara.function([p, nv], sp2.multinomial(nv, p))
    dense = g(_probs(), np.array([1, 2, 3, 4])).toarray()
    np.testing.assert_array_equal(dense.sum(axis=1), [1, 2, 3, 4])
    assert dense[2, 1] == 3


def test_multinomial_frequencies_match_probabilities():
    p = sp.csr_matrix("p")
    n = lscalar("n")
    f = aesara.function([p, n], sp2.multinomial(n, p))
    probs = _probs()
    dense = f(probs, 20000).toarray()
    np.testing.assert_allclose(dense / 20000, probs.toarray(), atol=0.015)


def test_multinomial_leftover_mass_goes_to_the_last_stored_value():
    # As numpy.random.multinomial on the row: the last value takes 1 - sum(rest).
    p = sp.csr_matrix("p")
    f = aesara.function([p], sp2.multinomial(1000, p))
    probs = scipy.sparse.csr_matrix(np.array([[0.2, 0.0, 0.0], [0.0, 0.1, 0.1]]))
    dense = f(probs).toarray()
    np.testing.assert_array_equal(dense.sum(axis=1), [1000, 1000])
    assert dense[1, 2] > dense[1, 1]


def test_multinomial_errors():
    p = sp.csr_matrix("p")
    nv = lvector("n")
    f = aesara.function([p, nv], sp2.multinomial(nv, p))
    with pytest.raises(ValueError, match="number of row"):
        f(_probs(), np.array([1, 2]))
    pc = sp.csc_matrix("pc")
    g = aesara.function([pc], sp2.multinomial(3, pc))
    with pytest.raises(NotImplementedError, match="csr"):
        g(scipy.sparse.csc_matrix(_probs()))


def test_eliminate_zeros_alias():
    assert sp2.EliminateZeros is sp.Remove0
    assert sp2.eliminate_zeros is sp.remove0
    x = sp.csr_matrix("x")
    f = aesara.function([x], sp2.eliminate_zeros(x))
    m = scipy.sparse.csr_matrix(
        (np.array([0.0, 2.0]), np.array([0, 1]), np.array([0, 2])), shape=(1, 2)
    )
    assert f(m).nnz == 1
