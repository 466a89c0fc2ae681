"""Tests of the products: Dot, dot, matmul, tensordot, outer, batched_dot."""

from __future__ import annotations

import numpy as np
import pytest

import aesara
import aesara.tensor as at
import aesara.tensor.math as atm
from aesara.gradient import Rop, verify_grad
from aesara.tensor.math import BatchedDot, Contraction, Dot, MatMul


def test_dot_dispatches_like_numpy_dot():
    assert isinstance(atm.dot(at.dmatrix(), at.dvector()).owner.op, Dot)
    assert isinstance(atm.dot(at.dtensor3(), at.dmatrix()).owner.op, Contraction)
    assert atm.dot(at.dscalar(), at.dmatrix()).owner.op.__class__.__name__ == "Elemwise"


def test_dot_static_shapes_and_dtype():
    x = at.tensor("float32", shape=(3, 4))
    y = at.tensor("int64", shape=(4, None))
    out = atm.dot(x, y)
    assert out.type.shape == (3, None)
    assert out.dtype == "float64"
    assert atm.dot(at.bmatrix(), at.bmatrix()).dtype == "int8"


def test_dot_static_mismatch_names_both_shapes():
    with pytest.raises(ValueError, match=r"shapes \(2, 3\) and \(4, 2\)"):
        atm.dot(at.tensor("float64", shape=(2, 3)), at.tensor("float64", shape=(4, 2)))
    with pytest.raises(ValueError, match="not aligned"):
        atm.matmul(at.tensor("float64", shape=(2, 3)), at.tensor("float64", shape=(4,)))
    with pytest.raises(ValueError, match="tensordot"):
        atm.tensordot(
            at.tensor("float64", shape=(2, 3)), at.tensor("float64", shape=(4, 2)), 1
        )


def test_dot_runtime_mismatch():
    x, y = at.dmatrix(), at.dmatrix()
    f = aesara.function([x, y], atm.dot(x, y))
    with pytest.raises(ValueError, match=r"shapes \(2, 3\) and \(4, 2\)"):
        f(np.zeros((2, 3)), np.zeros((4, 2)))


def test_var_methods():
    x, y = at.dmatrix(), at.dmatrix()
    a, b = np.arange(6.0).reshape(2, 3), np.arange(12.0).reshape(3, 4)
    f = aesara.function([x, y], [x.dot(y), x @ y, a @ y])
    for r in f(a, b):
        np.testing.assert_allclose(r, a @ b)


def test_matmul_broadcasting_and_dtype():
    x = at.tensor("float64", shape=(2, 1, 3, 4))
    y = at.tensor("float64", shape=(5, 4, 6))
    out = atm.matmul(x, y)
    assert out.type.shape == (2, 5, 3, 6)
    assert atm.matmul(at.dmatrix(), at.dmatrix(), dtype="float32").dtype == "float32"
    with pytest.raises(ValueError, match="batch"):
        atm.matmul(
            at.tensor("float64", shape=(2, 3, 4)), at.tensor("float64", shape=(3, 4, 5))
        )
    with pytest.raises(ValueError, match="0-d"):
        atm.matmul(at.dscalar(), at.dvector())
    assert MatMul() == MatMul(None) and MatMul("float32") != MatMul()


def test_tensordot_and_batched_values():
    rng = np.random.default_rng(0)
    a, b = rng.normal(size=(2, 3, 4)), rng.normal(size=(4, 3, 5))
    x, y = at.dtensor3(), at.dtensor3()
    f = aesara.function([x, y], atm.tensordot(x, y, [[1, 2], [1, 0]]))
    np.testing.assert_allclose(f(a, b), np.tensordot(a, b, [[1, 2], [1, 0]]))
    c, d = rng.normal(size=(3, 2, 4)), rng.normal(size=(3, 4, 5))
    g = aesara.function([x, y], atm.batched_dot(x, y))
    assert isinstance(atm.batched_dot(x, y).owner.op, BatchedDot)
    np.testing.assert_allclose(g(c, d), np.matmul(c, d))


@pytest.mark.parametrize(
    "fn, shapes",
    [
        (atm.dot, [(3,), (3,)]),
        (atm.dot, [(2, 3), (3,)]),
        (atm.dot, [(3,), (3, 2)]),
        (atm.dot, [(2, 3), (3, 4)]),
        (atm.dot, [(2, 2, 3), (3, 4)]),
        (atm.matmul, [(3,), (2, 3, 4)]),
        (atm.matmul, [(2, 1, 2, 3), (3, 4)]),
        (atm.matmul, [(2, 1, 2, 3), (3, 3, 1)]),
        (lambda a, b: atm.tensordot(a, b, [[0, 2], [1, 0]]), [(2, 3, 4), (4, 2)]),
        (atm.outer, [(3,), (4,)]),
        (atm.batched_dot, [(3, 2, 4), (3, 4)]),
        (atm.batched_dot, [(3, 4), (3, 4, 2)]),
        (lambda a, b: atm.batched_tensordot(a, b, 1), [(2, 3, 4), (2, 4, 5)]),
    ],
)
def test_product_gradients(fn, shapes):
    rng = np.random.default_rng(2)
    verify_grad(fn, [rng.normal(size=s) for s in shapes], rng=rng)


def test_dot_rop():
    x, y, v = at.dmatrix(), at.dmatrix(), at.dmatrix()
    r = Rop(atm.dot(x, y), x, v)
    f = aesara.function([x, y, v], r)
    a, b, e = np.ones((2, 3)), np.arange(12.0).reshape(3, 4), np.full((2, 3), 2.0)
    np.testing.assert_allclose(f(a, b, e), e @ b)


def test_integer_inputs_get_float_zero_gradients():
    x, y = at.lmatrix(), at.dmatrix()
    from aesara.gradient import grad

    gy = grad(atm.dot(x, y).sum(), y)
    f = aesara.function([x, y], gy)
    np.testing.assert_allclose(
        f(np.ones((2, 3), "int64"), np.ones((3, 2))), np.full((3, 2), 2.0)
    )
