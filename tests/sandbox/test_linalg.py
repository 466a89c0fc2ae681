"""The tag-driven linear-algebra rewrites and `spectral_radius_bound`."""

import warnings

import numpy as np
import pytest

import aesara
import aesara.tensor as at
from aesara.sandbox.linalg import spectral_radius_bound
from aesara.sandbox.linalg.ops import (
    Cholesky,
    MatrixInverse,
    Solve,
    SolveTriangular,
)
from aesara.tensor.nlinalg import Det, det, matrix_inverse
from aesara.tensor.slinalg import cholesky, solve


def _ops(f):
    return [n.op for n in f.maker.fgraph.toposort()]


def _spd(rng, n=4):
    a = rng.normal(size=(n, n))
    return a @ a.T + n * np.eye(n)


def test_inv_as_solve():
    rng = np.random.default_rng(0)
    A, b, B = at.dmatrix(), at.dvector(), at.dmatrix()
    f = aesara.function(
        [A, b, B], [at.dot(matrix_inverse(A), b), at.dot(B, matrix_inverse(A))]
    )
    assert not any(isinstance(op, MatrixInverse) for op in _ops(f))
    a, bv, bm = _spd(rng), rng.normal(size=4), rng.normal(size=(2, 4))
    x1, x2 = f(a, bv, bm)
    np.testing.assert_allclose(x1, np.linalg.solve(a, bv))
    np.testing.assert_allclose(x2, bm @ np.linalg.inv(a))


def test_psd_solve_uses_cholesky():
    rng = np.random.default_rng(1)
    A, b = at.dmatrix(), at.dvector()
    A.tag.psd = True
    f = aesara.function([A, b], solve(A, b))
    assert any(isinstance(op, Cholesky) for op in _ops(f))
    a, bv = _spd(rng), rng.normal(size=4)
    np.testing.assert_allclose(f(a, bv), np.linalg.solve(a, bv))


def test_det_from_existing_cholesky():
    rng = np.random.default_rng(2)
    X = at.dmatrix()
    f = aesara.function([X], [det(X), cholesky(X)])
    assert not any(isinstance(op, Det) for op in _ops(f))
    a = _spd(rng)
    np.testing.assert_allclose(f(a)[0], np.linalg.det(a))


def test_log_prod_of_positive():
    p = at.dvector()
    p.tag.positive = True
    f = aesara.function([p], at.log(at.prod(p)))
    assert not any("Prod" in type(op).__name__ for op in _ops(f))
    np.testing.assert_allclose(f(np.array([2.0, 3.0, 4.0])), np.log(24.0))


def test_symmetric_transpose_removed():
    S = at.dmatrix()
    S.tag.symmetric = True
    f = aesara.function([S], S.T * 2)
    assert not any("DimShuffle" in type(op).__name__ for op in _ops(f))
    m = np.array([[1.0, 2.0], [2.0, 5.0]])
    np.testing.assert_allclose(f(m), 2 * m)


def test_solve_with_cholesky_factor_is_tagged():
    rng = np.random.default_rng(3)
    X, b = at.dmatrix(), at.dvector()
    L = cholesky(X)
    f = aesara.function([X, b], [solve(L, b), solve(L.T, b)])
    assert not any(isinstance(op, Solve) for op in _ops(f))
    solves = [op for op in _ops(f) if isinstance(op, SolveTriangular)]
    assert {op.lower for op in solves} == {True, False}
    a, bv = _spd(rng), rng.normal(size=4)
    chol = np.linalg.cholesky(a)
    r1, r2 = f(a, bv)
    np.testing.assert_allclose(r1, np.linalg.solve(chol, bv))
    np.testing.assert_allclose(r2, np.linalg.solve(chol.T, bv))


def test_transpose_of_inverse():
    rng = np.random.default_rng(4)
    A = at.dmatrix()
    f = aesara.function([A], matrix_inverse(A).T)
    a = rng.normal(size=(3, 3)) + 3 * np.eye(3)
    np.testing.assert_allclose(f(a), np.linalg.inv(a).T)


def test_spectral_radius_bound():
    rng = np.random.default_rng(5)
    X = at.dmatrix()
    a = _spd(rng, 5)
    largest = np.abs(np.linalg.eigvalsh(a)).max()
    bounds = [aesara.function([X], spectral_radius_bound(X, k))(a) for k in (1, 3, 5)]
    assert all(b >= largest * (1 - 1e-12) for b in bounds)
    assert bounds[0] >= bounds[1] >= bounds[2]
    np.testing.assert_allclose(bounds[2], largest, rtol=0.1)
    with pytest.raises(TypeError, match="matrix"):
        spectral_radius_bound(at.dvector(), 2)
    with pytest.raises(TypeError, match="integer"):
        spectral_radius_bound(X, 2.0)
    with pytest.raises(ValueError, match="positive"):
        spectral_radius_bound(X, 0)


def test_sandbox_solve_alias():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from aesara.sandbox.solve import solve as sandbox_solve
    assert sandbox_solve is solve
