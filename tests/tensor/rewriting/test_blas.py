"""Tests of the rewrites introducing BLAS ops (and their in-place versions)."""

from __future__ import annotations

import numpy as np
import pytest

import aesara
import aesara.tensor as at
from aesara.compile.mode import get_default_mode
from aesara.tensor._products import Dot
from aesara.tensor.blas import Dot22, Dot22Scalar, Gemm, Gemv, Ger

MODE = get_default_mode()
NO_BLAS = MODE.excluding("blas")


def _ops(f):
    return [n.op for n in f.maker.fgraph.toposort()]


def _check(inputs, out, vals, ref, op_type, **kw):
    f = aesara.function(inputs, out, mode=MODE, on_unused_input="ignore")
    assert any(isinstance(op, op_type) for op in _ops(f)), _ops(f)
    g = aesara.function(inputs, out, mode=NO_BLAS, on_unused_input="ignore")
    assert not any(
        isinstance(op, (Gemm, Gemv, Ger, Dot22, Dot22Scalar)) for op in _ops(g)
    )
    np.testing.assert_allclose(f(*vals), ref, **kw)
    np.testing.assert_allclose(g(*vals), ref, **kw)
    return f


rng = np.random.default_rng(0)
X, Y, Z = (rng.normal(size=(3, 3)) for _ in range(3))
V, W = rng.normal(size=3), rng.normal(size=3)


def test_dot_of_matrices_becomes_dot22():
    x, y = at.dmatrices("x", "y")
    f = _check([x, y], at.dot(x, y), [X, Y], X @ Y, Dot22)
    assert not any(isinstance(op, Dot) for op in _ops(f))


def test_int_dot_is_left_alone():
    x, y = at.lmatrices("x", "y")
    f = aesara.function([x, y], at.dot(x, y), mode=MODE)
    assert any(isinstance(op, Dot) for op in _ops(f))
    xi = np.arange(4).reshape(2, 2)
    np.testing.assert_array_equal(f(xi, xi), xi @ xi)


@pytest.mark.parametrize("side", ["mv", "vm"])
def test_matrix_vector_stays_one_dot(side):
    # No Gemv with an allocated zero accumulator: one Dot node, BLAS inside.
    x, v = at.dmatrix("x"), at.dvector("v")
    out = at.dot(x, v) if side == "mv" else at.dot(v, x)
    ref = X @ V if side == "mv" else V @ X
    f = aesara.function([x, v], out)
    nodes = f.maker.fgraph.toposort()
    assert [type(n.op).__name__ for n in nodes] == ["Dot"]
    np.testing.assert_allclose(f(X, V), ref)


def test_outer_becomes_ger():
    v, w = at.dvectors("v", "w")
    _check([v, w], at.outer(v, w), [V, W], np.outer(V, W), Ger)


def test_accumulated_outer_becomes_ger_on_z():
    z, v, w = at.dmatrix("z"), at.dvector("v"), at.dvector("w")
    a = at.dscalar("a")
    f = _check(
        [z, v, w, a],
        z + a * at.outer(v, w),
        [Z, V, W, 2.0],
        Z + 2 * np.outer(V, W),
        Ger,
    )
    (ger,) = [n for n in f.maker.fgraph.toposort() if isinstance(n.op, Ger)]
    assert ger.inputs[0] is f.maker.fgraph.inputs[0]


@pytest.mark.parametrize(
    "build, ref",
    [
        (lambda x, y, z, a, b: a * at.dot(x, y) + b * z, lambda: 2 * X @ Y + 3 * Z),
        (lambda x, y, z, a, b: z + at.dot(x, y), lambda: Z + X @ Y),
        (lambda x, y, z, a, b: z - at.dot(x, y) * a, lambda: Z - 2 * X @ Y),
        (lambda x, y, z, a, b: -at.dot(x, y) + z * b, lambda: -(X @ Y) + Z * 3),
        (lambda x, y, z, a, b: at.dot(x, y) + z + x, lambda: X @ Y + Z + X),
        (
            lambda x, y, z, a, b: at.dot(x, y) * 2 + at.dot(y, z) - x * b,
            lambda: X @ Y * 2 + Y @ Z - X * 3,
        ),
    ],
)
def test_gemm_patterns(build, ref):
    x, y, z = at.dmatrices("x", "y", "z")
    a, b = at.dscalars("a", "b")
    out = build(x, y, z, a, b)
    _check([x, y, z, a, b], out, [X, Y, Z, 2.0, 3.0], ref(), Gemm, rtol=1e-12)


def test_gemm_float32_and_broadcast_z():
    x, y = at.fmatrices("x", "y")
    row = at.frow("row")
    out = at.dot(x, y) + row
    xv, yv = X.astype("float32"), Y.astype("float32")
    rv = np.arange(3, dtype="float32")[None]
    f = _check([x, y, row], out, [xv, yv, rv], xv @ yv + rv, Gemm, rtol=1e-5)
    assert f(xv, yv, rv).dtype == np.float32


def test_gemm_runtime_broadcast_of_unknown_dims():
    x, y, z = at.dmatrices("x", "y", "z")
    out = at.dot(x, y) + z
    f = aesara.function([x, y, z], out, mode=MODE)
    zr = np.arange(3.0)[None]
    np.testing.assert_allclose(f(X, Y, zr), X @ Y + zr)


def test_zero_scaled_z_is_not_dropped():
    x, y, z = at.dmatrices("x", "y", "z")
    zero = at.dscalar("zero")
    out = at.dot(x, y) + zero * z
    f = aesara.function([x, y, z, zero], out, mode=MODE)
    r = f(X, Y, np.full((3, 3), np.nan), 0.0)
    assert np.isnan(r).all()


def test_scaled_dot_becomes_dot22scalar():
    x, y = at.dmatrices("x", "y")
    a = at.dscalar("a")
    _check([x, y, a], a * at.dot(x, y), [X, Y, 1.5], 1.5 * X @ Y, Dot22Scalar)


def test_dot_with_other_clients_is_not_folded_into_gemm():
    x, y, z = at.dmatrices("x", "y", "z")
    d = at.dot(x, y)
    f = aesara.function([x, y, z], [d + z, d * 2], mode=MODE)
    assert not any(isinstance(op, Gemm) for op in _ops(f))
    r1, r2 = f(X, Y, Z)
    np.testing.assert_allclose(r1, X @ Y + Z)
    np.testing.assert_allclose(r2, 2 * X @ Y)


def test_gemm_becomes_inplace_on_intermediate_but_not_on_inputs():
    x, y, z = at.dmatrices("x", "y", "z")
    f = aesara.function([x, y, z], at.dot(x, y) + z * 2, mode=MODE)
    gemms = [op for op in _ops(f) if isinstance(op, Gemm)]
    assert gemms and not any(op.inplace for op in gemms)
    zc = Z.copy()
    np.testing.assert_allclose(f(X, Y, Z), X @ Y + 2 * Z)
    np.testing.assert_array_equal(Z, zc)
    g = aesara.function([x, y, z], at.dot(x, y) + at.exp(z), mode=MODE)
    gemms = [op for op in _ops(g) if isinstance(op, Gemm)]
    assert gemms and all(op.inplace for op in gemms)
    np.testing.assert_allclose(g(X, Y, Z), X @ Y + np.exp(Z))
    np.testing.assert_array_equal(Z, zc)
