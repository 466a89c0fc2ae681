"""Tests of the BLAS ops (values, in-place behaviour, errors); the op
database (``tests/op_db/blas.py``) covers samples, shapes and gradients."""

from __future__ import annotations

import numpy as np
import pytest

import aesara
import aesara.tensor as at
from aesara.compile.io import In
from aesara.compile.mode import Mode
from aesara.tensor.blas import (
    _dot22,
    _dot22scalar,
    gemm_inplace,
    gemm_no_inplace,
    gemv_inplace,
    ger,
    ger_destructive,
)
from aesara.tensor.type import tensor

NO_OPT = Mode("py", None)


def _f(inputs, out):
    return aesara.function(inputs, out, mode=NO_OPT, accept_inplace=True)


@pytest.mark.parametrize("dtype", ["float32", "float64", "complex128", "int64"])
@pytest.mark.parametrize("order", ["C", "F"])
def test_gemm_values(dtype, order):
    rng = np.random.default_rng(0)
    z, x, y = (at.matrix(n, dtype=dtype) for n in "zxy")
    a, b = at.scalar("a", dtype=dtype), at.scalar("b", dtype=dtype)
    f = _f([z, a, x, y, b], gemm_no_inplace(z, a, x, y, b))
    zv, xv, yv = (
        np.asarray(rng.integers(-3, 4, size=s), dtype=dtype, order=order)
        for s in ((3, 2), (3, 4), (4, 2))
    )
    zc = zv.copy()
    r = f(zv, np.asarray(2, dtype), xv, yv, np.asarray(3, dtype))
    np.testing.assert_allclose(r, 3 * zc + 2 * xv @ yv, rtol=1e-5)
    assert r.dtype == dtype
    np.testing.assert_array_equal(zv, zc)


@pytest.mark.parametrize("order", ["C", "F"])
def test_gemm_inplace_overwrites_z(order):
    z, x, y = at.dmatrices("z", "x", "y")
    a, b = at.dscalars("a", "b")
    f = aesara.function(
        [In(z, mutable=True), a, x, y, b],
        gemm_inplace(z, a, x, y, b),
        mode=NO_OPT,
        accept_inplace=True,
    )
    zv = np.asarray(np.ones((2, 2)), order=order)
    xv = np.eye(2)
    r = f(zv, 2.0, xv, xv, 0.5)
    np.testing.assert_allclose(r, 0.5 + 2 * np.eye(2))
    # BLAS wrote into z's memory
    np.testing.assert_allclose(zv, r)


def test_gemm_zero_beta_keeps_nan_like_numpy():
    z, x, y = at.dmatrices("z", "x", "y")
    f = _f([z, x, y], gemm_no_inplace(z, 1.0, x, y, 0.0))
    zv = np.zeros((2, 2))
    zv[0, 1] = np.nan
    r = f(zv, np.eye(2), np.eye(2))
    np.testing.assert_array_equal(r, 0.0 * zv + np.eye(2))
    np.testing.assert_array_equal(
        f(np.full((2, 2), 7.0), np.eye(2), np.eye(2)), np.eye(2)
    )


def test_gemm_python_scalars_take_z_dtype():
    z, x, y = at.fmatrices("z", "x", "y")
    out = gemm_no_inplace(z, 0.5, x, y, 2)
    assert out.owner.inputs[1].type.dtype == "float32"
    assert out.type.dtype == "float32"


def test_gemm_build_errors():
    z = at.dmatrix("z")
    with pytest.raises(TypeError, match="Gemm: input 'z' must be a matrix"):
        gemm_no_inplace(at.dvector(), 1.0, z, z, 1.0)
    with pytest.raises(TypeError, match="Gemm: input 'a' has dtype float32"):
        gemm_no_inplace(z, at.fscalar(), z, z, 1.0)
    with pytest.raises(ValueError, match="static lengths 3 and 4"):
        gemm_no_inplace(
            z,
            1.0,
            tensor("float64", shape=(2, 3)),
            tensor("float64", shape=(4, 2)),
            1.0,
        )
    with pytest.raises(TypeError, match="Gemm: input 'z' must have a numeric dtype"):
        gemm_no_inplace(
            at.bmatrix().astype("bool"),
            True,
            at.bmatrix().astype("bool"),
            at.bmatrix().astype("bool"),
            True,
        )
    with pytest.raises(TypeError, match="gemm_inplace: z of static shape"):
        gemm_inplace(
            tensor("float64", shape=(1, 2)),
            1.0,
            at.dmatrix(),
            tensor("float64", shape=(3, 2)),
            1.0,
        )


def test_gemm_infer_shape_and_static_shape():
    z = tensor("float64", shape=(None, None))
    x = tensor("float64", shape=(3, 4))
    y = tensor("float64", shape=(None, 5))
    out = gemm_no_inplace(z, 1.0, x, y, 1.0)
    assert out.type.shape == (3, 5)
    f = _f([z, x, y], out.shape)
    np.testing.assert_array_equal(
        f(np.ones((3, 5)), np.ones((3, 4)), np.ones((4, 5))), [3, 5]
    )


def test_gemv_values_and_inplace():
    yv_, A, x = at.dvector("y"), at.dmatrix("A"), at.dvector("x")
    f = aesara.function(
        [In(yv_, mutable=True), A, x],
        gemv_inplace(yv_, 2.0, A, x, 1.0),
        mode=NO_OPT,
        accept_inplace=True,
    )
    rng = np.random.default_rng(1)
    Av, xv, yv = rng.normal(size=(3, 4)), rng.normal(size=4), rng.normal(size=3)
    yc = yv.copy()
    r = f(yv, Av, xv)
    np.testing.assert_allclose(r, yc + 2 * Av @ xv)
    np.testing.assert_allclose(yv, r)  # written in place


@pytest.mark.parametrize("dtype", ["float64", "complex64"])
def test_ger_values(dtype):
    A = at.matrix("A", dtype=dtype)
    x, y = at.vector("x", dtype=dtype), at.vector("y", dtype=dtype)
    f = _f([A, x, y], ger(A, np.asarray(2, dtype), x, y))
    rng = np.random.default_rng(2)
    Av = (
        (rng.normal(size=(3, 2)) + 1j * rng.normal(size=(3, 2))).astype(dtype)
        if "c" in dtype
        else rng.normal(size=(3, 2))
    )
    xv = rng.normal(size=3).astype(dtype)
    yv = (rng.normal(size=2) + 1j).astype(dtype) if "c" in dtype else rng.normal(size=2)
    Ac = Av.copy()
    np.testing.assert_allclose(f(Av, xv, yv), Ac + 2 * np.outer(xv, yv), rtol=1e-5)
    np.testing.assert_array_equal(Av, Ac)


def test_ger_destructive_writes_into_A():
    A, x, y = at.dmatrix("A"), at.dvector("x"), at.dvector("y")
    f = aesara.function(
        [In(A, mutable=True), x, y],
        ger_destructive(A, 1.0, x, y),
        mode=NO_OPT,
        accept_inplace=True,
    )
    Av = np.zeros((2, 3))
    r = f(Av, np.ones(2), np.arange(3.0))
    np.testing.assert_allclose(r, np.outer(np.ones(2), np.arange(3.0)))
    np.testing.assert_allclose(Av, r)


def test_dot22_and_dot22scalar():
    x, y = at.fmatrices("x", "y")
    a = at.fscalar("a")
    f = _f([x, y, a], [_dot22(x, y), _dot22scalar(x, y, a)])
    rng = np.random.default_rng(3)
    xv, yv = (
        rng.normal(size=(3, 4)).astype("float32"),
        rng.normal(size=(4, 2)).astype("float32"),
    )
    r1, r2 = f(xv, yv, np.float32(1.5))
    assert r1.dtype == r2.dtype == np.float32
    np.testing.assert_allclose(r1, xv @ yv, rtol=1e-5)
    np.testing.assert_allclose(r2, 1.5 * xv @ yv, rtol=1e-5)
    with pytest.raises(
        ValueError, match=r"Dot22: x and y shapes \(3, 4\) and \(3, 4\)"
    ):
        f(xv, xv, np.float32(1))


def test_gradients_of_blas_ops_match_dot():
    rng = np.random.default_rng(4)
    z, x, y = (rng.normal(size=(2, 2)) for _ in range(3))
    aesara.gradient.verify_grad(
        lambda z_, x_, y_: gemm_no_inplace(z_, 0.5, x_, y_, 2.0), [z, x, y], rng=rng
    )
    aesara.gradient.verify_grad(
        lambda x_, y_: _dot22scalar(x_, y_, 3.0), [x, y], rng=rng
    )
