"""Tests of ``aesara.tensor.sort`` beyond the op database entries."""

from __future__ import annotations

import numpy as np
import pytest

import aesara
import aesara.tensor as at
from aesara.gradient import verify_grad
from aesara.tensor.sort import (
    ArgSortOp,
    SortOp,
    TopKOp,
    argsort,
    argtopk,
    sort,
    topk,
    topk_and_argtopk,
)


def test_exported_from_aesara_tensor():
    assert at.sort is sort and at.argsort is argsort
    assert at.topk is topk and at.argtopk is argtopk
    assert at.topk_and_argtopk is topk_and_argtopk


def test_symbolic_axis():
    x = at.dmatrix("x")
    ax = at.iscalar("ax")
    f = aesara.function([x, ax], [sort(x, ax), argsort(x, ax)])
    v = np.array([[3.0, 1.0, 2.0], [0.0, 5.0, -1.0]])
    for a in (0, 1, -1):
        s, i = f(v, a)
        np.testing.assert_array_equal(s, np.sort(v, axis=a))
        np.testing.assert_array_equal(i, np.argsort(v, axis=a))
    with pytest.raises(np.exceptions.AxisError, match="out of bounds"):
        f(v, 2)


def test_static_shapes():
    x = at.tensor("float64", shape=(2, None, 4))
    assert sort(x, 1).type.shape == (2, None, 4)
    assert argsort(x).type.dtype == "int64"
    assert sort(x, axis=None).type.ndim == 1
    assert topk(x, 3).type.shape == (2, None, 3)
    assert topk(x, -2, axis=0).type.shape == (2, None, 4)
    assert topk(x, at.iscalar()).type.shape == (2, None, None)
    assert argtopk(x, 1, idx_dtype="int32").type.dtype == "int32"


def test_op_props():
    assert SortOp("quicksort") == SortOp("quicksort")
    assert SortOp("quicksort") != SortOp("mergesort")
    assert ArgSortOp("heapsort").kind == "heapsort"
    assert str(SortOp("quicksort")) == "SortOp{quicksort, None}"
    assert TopKOp(axis=0) != TopKOp(axis=1)
    with pytest.raises(ValueError, match="order"):
        sort(at.dvector(), order=["a"])
    with pytest.raises(TypeError, match="idx_dtype"):
        TopKOp(idx_dtype="float64")
    with pytest.raises(ValueError, match="at least one"):
        TopKOp(return_values=False, return_indices=False)
    with pytest.raises(TypeError, match="axis must be an integer"):
        TopKOp(axis=1.5)


def test_topk_static_kth_larger_than_static_axis():
    x = at.tensor("float64", shape=(3,))
    with pytest.raises(ValueError, match="larger than the size 3"):
        topk(x, 4)


def test_topk_orders():
    x = at.dvector("x")
    v = np.array([5.0, 1.0, 9.0, 3.0, 7.0])
    f = aesara.function([x], [topk(x, 3), topk(x, -3), argtopk(x, 2)])
    big, small, idx = f(v)
    np.testing.assert_array_equal(big, [9.0, 7.0, 5.0])
    np.testing.assert_array_equal(small, [1.0, 3.0, 5.0])
    np.testing.assert_array_equal(idx, [2, 4])


def test_topk_unsorted_gives_the_same_set():
    x = at.dmatrix("x")
    rng = np.random.default_rng(3)
    v = rng.standard_normal((4, 9))
    vals, idx = topk_and_argtopk(x, 4, sorted=False)
    got_vals, got_idx = aesara.function([x], [vals, idx])(v)
    np.testing.assert_allclose(np.sort(got_vals, axis=-1), np.sort(v, axis=-1)[:, -4:])
    np.testing.assert_allclose(np.take_along_axis(v, got_idx, axis=-1), got_vals)


def test_single_output_variants():
    x = at.dvector("x")
    v = np.array([2.0, 8.0, -1.0, 4.0])
    values_only = TopKOp(return_indices=False)(x, 2)
    indices_only = TopKOp(return_values=False, idx_dtype="int16")(x, -2)
    f = aesara.function([x], [values_only, indices_only])
    a, b = f(v)
    np.testing.assert_array_equal(a, [8.0, 4.0])
    np.testing.assert_array_equal(b, [2, 0])
    assert b.dtype == np.int16
    # The values-only op still has a gradient (it recomputes the indices).
    g = aesara.grad(values_only.sum(), x)
    np.testing.assert_array_equal(aesara.function([x], g)(v), [0.0, 1.0, 0.0, 1.0])


def test_symbolic_kth_runtime_errors():
    x = at.dvector("x")
    k = at.iscalar("k")
    f = aesara.function([x, k], topk(x, k))
    np.testing.assert_array_equal(f([1.0, 3.0, 2.0], -1), [1.0])
    with pytest.raises(ValueError, match="cannot be zero"):
        f([1.0, 2.0], 0)
    with pytest.raises(ValueError, match="larger than the size 2"):
        f([1.0, 2.0], 3)
    shape_f = aesara.function([x, k], topk(x, k).shape)
    np.testing.assert_array_equal(shape_f(np.zeros(5), -3), [3])


def test_sort_gradient_scatters_back():
    x = at.dvector("x")
    w = np.array([1.0, 10.0, 100.0])
    g = aesara.grad((sort(x) * w).sum(), x)
    got = aesara.function([x], g)(np.array([3.0, 1.0, 2.0]))
    # x sorted is [1, 2, 3] = x[[1, 2, 0]]: x[1] gets w[0], x[2] w[1], x[0] w[2].
    np.testing.assert_array_equal(got, [100.0, 1.0, 10.0])


def test_argsort_and_argtopk_gradients_are_zero():
    x = at.dvector("x")
    cost = argsort(x).sum() * 1.0 + argtopk(x, 2).sum() * 1.0
    g = aesara.grad(cost, x)
    np.testing.assert_array_equal(aesara.function([x], g)([3.0, 1.0, 2.0]), [0, 0, 0])


def test_sort_gradient_with_symbolic_axis_is_not_implemented():
    x = at.dvector("x")
    ax = at.iscalar("ax")
    from aesara.gradient import NullTypeGradError

    with pytest.raises(NullTypeGradError, match="constant axis"):
        aesara.grad(sort(x, ax).sum(), x)


def test_gradients_numeric():
    rng = np.random.default_rng(0)
    v = rng.permutation(12).reshape(3, 4) + rng.random((3, 4)) * 0.5
    verify_grad(lambda a: sort(a, axis=0), [v], rng=rng)
    verify_grad(lambda a: sort(a, axis=None), [v], rng=rng)
    verify_grad(lambda a: topk(a, -2, axis=1), [v], rng=rng)
    verify_grad(lambda a: topk(a, 3, axis=None), [v], rng=rng)


def test_float32_gradient_keeps_dtype():
    x = at.fvector("x")
    g = aesara.grad(topk(x, 2).sum(), x)
    assert g.type.dtype == "float32"
    np.testing.assert_array_equal(
        aesara.function([x], g)(np.array([1, 5, 3], dtype="float32")), [0, 1, 1]
    )
