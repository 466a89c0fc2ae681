"""Sparse comparisons through Python operators: op choice, flipping and result kinds.

Values for every dtype and comparison are checked in the op database
(``tests/op_db/sparse/comparison.py``).
"""

from __future__ import annotations

import numpy as np
import pytest
import scipy.sparse

import aesara
import aesara.sparse as sp
import aesara.tensor as at


def _rand(fmt="csr", seed=0):
    return scipy.sparse.random(4, 3, density=0.5, format=fmt, random_state=seed)


def test_operators_and_flipped_comparisons():
    x, y = sp.csr_matrix("x"), sp.csr_matrix("y")
    d = at.matrix("d")
    assert isinstance((x < y).owner.op, sp.LessThanSS)
    assert isinstance((x > d).owner.op, sp.GreaterThanSD)
    # A dense left operand: ``d < x`` is computed as ``x > d``.
    assert isinstance((d < x).owner.op, sp.GreaterThanSD)
    assert isinstance((d <= x).owner.op, sp.GreaterEqualSD)
    assert isinstance(sp.lt(d, x).owner.op, sp.GreaterThanSD)
    assert isinstance(sp.eq(d, x).owner.op, sp.EqualSD)
    assert (x < y).type.format == "csr" and (x < y).dtype == "uint8"
    assert not isinstance((x < d).type, sp.SparseTensorType)
    assert (x < d).dtype == "uint8"


def test_values_of_operators():
    a, b = _rand(seed=1), _rand(seed=2)
    dv = np.random.default_rng(0).normal(size=(4, 3))
    x, y = sp.csr_matrix("x"), sp.csr_matrix("y")
    d = at.matrix("d")
    f = aesara.function([x, y, d], [x < y, x >= y, d < x, x > d, sp.neq(x, y)])
    r = f(a, b, dv)
    da, db = a.toarray(), b.toarray()
    assert scipy.sparse.issparse(r[0]) and scipy.sparse.issparse(r[1])
    np.testing.assert_array_equal(r[0].toarray(), da < db)
    # Where both are zero ``>=`` holds: the result stores those entries.
    np.testing.assert_array_equal(r[1].toarray(), da >= db)
    np.testing.assert_array_equal(r[2], dv < da)
    np.testing.assert_array_equal(r[3], da > dv)
    np.testing.assert_array_equal(r[4].toarray(), da != db)


def test_equality_of_all_zero_matrices():
    x, d = sp.csc_matrix("x"), at.matrix("d")
    z = scipy.sparse.csc_matrix((2, 2))
    for fn, expected in [
        (sp.eq, 1),
        (sp.le, 1),
        (sp.ge, 1),
        (sp.lt, 0),
        (sp.gt, 0),
        (sp.neq, 0),
    ]:
        val = aesara.function([d, x], fn(d, x))(np.zeros((2, 2)), z)
        np.testing.assert_array_equal(val, np.full((2, 2), expected, dtype="uint8"))


def test_errors():
    x = sp.csr_matrix("x")
    with pytest.raises(NotImplementedError, match="same format"):
        _ = x < sp.csc_matrix()
    with pytest.raises(TypeError, match="2 dimensions"):
        _ = x < 0.5
    with pytest.raises(TypeError, match="complex"):
        sp.lt(sp.csr_matrix(dtype="complex128"), sp.csr_matrix(dtype="complex128"))
    with pytest.raises(TypeError, match="at least one operand"):
        sp.eq(at.matrix(), at.matrix())
