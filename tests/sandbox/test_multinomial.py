"""`MultinomialFromUniform` and `ChoiceFromUniform` on given uniforms."""

import numpy as np
import pytest

import aesara
import aesara.tensor as at
from aesara.sandbox.multinomial import ChoiceFromUniform, MultinomialFromUniform


def _reference_counts(pvals, unis, n):
    """The definition, one draw at a time (a test oracle, not the op's code)."""
    out = np.zeros(pvals.shape, dtype="int64")
    rows = pvals.shape[0]
    for c in range(n):
        for r in range(rows):
            total = 0.0
            for m, p in enumerate(pvals[r]):
                total += float(p)
                if total > unis[c * rows + r]:
                    out[r, m] += 1
                    break
    return out


class TestMultinomialFromUniform:
    def test_values(self):
        p, u = at.fmatrix(), at.fvector()
        n = at.iscalar()
        f = aesara.function([p, u, n], MultinomialFromUniform("auto")(p, u, n))
        pvals = np.array([[0.2, 0.3, 0.5], [0.6, 0.3, 0.1]], dtype="float32")
        unis = np.array([0.1, 0.95, 0.25, 0.5, 0.99, 0.0], dtype="float32")
        out = f(pvals, unis, 3)
        assert out.dtype == "float32"
        np.testing.assert_array_equal(out, _reference_counts(pvals, unis, 3))
        np.testing.assert_array_equal(out.sum(axis=1), [3, 3])

    def test_random_inputs_match_the_definition(self):
        rng = np.random.default_rng(0)
        pvals = rng.uniform(size=(20, 7))
        pvals /= pvals.sum(axis=1, keepdims=True)
        unis = rng.uniform(size=20 * 5)
        p, u = at.dmatrix(), at.dvector()
        f = aesara.function([p, u], MultinomialFromUniform("int64")(p, u, 5))
        np.testing.assert_array_equal(f(pvals, unis), _reference_counts(pvals, unis, 5))

    def test_uniform_beyond_the_total_gives_no_count(self):
        p, u = at.dmatrix(), at.dvector()
        f = aesara.function([p, u], MultinomialFromUniform("int64")(p, u))
        out = f(np.array([[0.2, 0.2]]), np.array([0.9]))
        assert out.tolist() == [[0, 0]]

    def test_errors(self):
        op = MultinomialFromUniform("int64")
        with pytest.raises(NotImplementedError, match="pvals"):
            op(at.dvector(), at.dvector())
        with pytest.raises(NotImplementedError, match="unis"):
            op(at.dmatrix(), at.dmatrix())
        p, u = at.dmatrix(), at.dvector()
        f = aesara.function([p, u], op(p, u, 2))
        with pytest.raises(ValueError, match="unis.shape"):
            f(np.ones((2, 2)) / 2, np.ones(3) / 2)

    def test_gradient_is_zero(self):
        p, u = at.dmatrix(), at.dvector()
        out = MultinomialFromUniform("float64")(p, u)
        gp, gu = aesara.grad(out.sum(), [p, u])
        f = aesara.function([p, u], [gp, gu])
        a, b = f(np.ones((2, 3)) / 3, np.array([0.1, 0.9]))
        assert not a.any() and not b.any() and a.shape == (2, 3)

    def test_shape_and_str(self):
        op = MultinomialFromUniform("int32")
        assert str(op) == "MultinomialFromUniform{int32}"
        p, u = at.dmatrix(), at.dvector()
        f = aesara.function([p, u], op(p, u).shape)
        assert tuple(f(np.ones((4, 3)) / 3, np.zeros(4))) == (4, 3)
        assert op == MultinomialFromUniform("int32") != MultinomialFromUniform("int64")


class TestChoiceFromUniform:
    def test_values(self):
        p, u = at.dmatrix(), at.dvector()
        f = aesara.function([p, u], ChoiceFromUniform("auto")(p, u, 2))
        pvals = np.array([[0.1, 0.2, 0.3, 0.4], [0.4, 0.3, 0.2, 0.1]])
        # Row 0 draws outcome 3 (0.6 < 0.95), then from (1/6, 2/6, 3/6, 0)
        # the uniform 0.5 falls in outcome 2 (running totals 1/6, 1/2, 1).
        unis = np.array([0.95, 0.05, 0.5, 0.5])
        out = f(pvals, unis)
        assert out.dtype == "int64"
        assert out.tolist() == [[3, 2], [0, 2]]

    def test_no_repeats_and_shape(self):
        rng = np.random.default_rng(3)
        pvals = rng.uniform(size=(30, 6))
        pvals /= pvals.sum(axis=1, keepdims=True)
        p, u = at.dmatrix(), at.dvector()
        f = aesara.function([p, u], ChoiceFromUniform("int64")(p, u, 6))
        out = f(pvals, rng.uniform(size=30 * 6))
        assert out.shape == (30, 6)
        for row in out:
            assert sorted(row) == list(range(6))

    def test_errors(self):
        p, u = at.dmatrix(), at.dvector()
        f = aesara.function([p, u], ChoiceFromUniform("int64")(p, u, 3))
        with pytest.raises(ValueError, match="more samples"):
            f(np.ones((1, 2)) / 2, np.zeros(3))
        with pytest.raises(ValueError, match="unis.shape"):
            f(np.ones((1, 4)) / 4, np.zeros(2))

    def test_props(self):
        assert ChoiceFromUniform("int64") != ChoiceFromUniform("int64", replace=True)
        assert ChoiceFromUniform("int64").replace is False
