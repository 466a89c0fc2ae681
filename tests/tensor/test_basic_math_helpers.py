"""Tests of the smaller helpers of aesara.tensor.basic and aesara.tensor.math.

Nested stacking (``_join``), rank and axis checks (``utils``), device transfer
(``_transfer``), uninitialised allocation (``_alloc_empty``), ``cov``
(``_statistics``) and ``makeKeepDims`` (``_reduction_ops``).
"""

from __future__ import annotations

import numpy as np
import pytest

import aesara
import aesara.tensor as at
from aesara.tensor.basic import (
    check_and_normalize_axes,
    empty,
    empty_like,
    is_flat,
    register_transfer,
    stacklists,
    transfer,
)
from aesara.tensor.math import cov, makeKeepDims


def test_stacklists_nested():
    a, b, c, d = at.dscalars("a", "b", "c", "d")
    x = stacklists([[a, b], [c, d]])
    assert x.type.shape == (2, 2)
    f = aesara.function([a, b, c, d], x)
    np.testing.assert_array_equal(f(1, 2, 3, 4), [[1, 2], [3, 4]])
    m = at.dmatrix()
    assert stacklists(m) is m


def test_is_flat():
    assert is_flat(at.dvector())
    assert not is_flat(at.dmatrix())
    assert is_flat(at.dmatrix(), ndim=2)


def test_transfer_and_register():
    x = at.dvector()
    assert transfer(x, "cpu") is x
    with pytest.raises(ValueError, match="'gpu9'"):
        transfer(x, "gpu9")
    register_transfer(lambda v, t: v * 1 if t == "double-cpu" else None)
    assert transfer(x, "double-cpu").owner is not None
    with pytest.raises(TypeError, match="callable"):
        register_transfer(3)


def test_empty_and_empty_like_shapes():
    n = at.lscalar()
    f = aesara.function([n], empty((n, 3), dtype="int32"))
    out = f(4)
    assert out.shape == (4, 3) and out.dtype == np.int32
    m = at.fmatrix()
    e = empty_like(m)
    assert e.type.dtype == "float32"
    assert aesara.function([m], e)(np.zeros((2, 5), "float32")).shape == (2, 5)
    assert empty(3).type.shape == (3,)


def test_check_and_normalize_axes():
    x = at.dtensor3()
    assert check_and_normalize_axes(x, -1) == [2]
    assert check_and_normalize_axes(x, (0, -2)) == [0, 1]
    assert check_and_normalize_axes(x, None) == []
    with pytest.raises(ValueError, match="out of range"):
        check_and_normalize_axes(x, 3)
    with pytest.raises(TypeError, match="not an integer"):
        check_and_normalize_axes(x, 1.5)


@pytest.mark.parametrize(
    "kwargs", [{}, {"bias": True}, {"ddof": 0}, {"rowvar": False}], ids=str
)
def test_cov_matches_numpy(kwargs):
    rng = np.random.default_rng(0)
    m = rng.standard_normal((3, 6))
    y = rng.standard_normal((3, 6))
    np.testing.assert_allclose(cov(m, **kwargs).eval(), np.cov(m, **kwargs))
    np.testing.assert_allclose(cov(m, y, **kwargs).eval(), np.cov(m, y, **kwargs))
    v = rng.standard_normal(5)
    np.testing.assert_allclose(cov(v).eval(), np.cov(v))


def test_cov_errors():
    with pytest.raises(ValueError, match="1-d or 2-d"):
        cov(np.zeros((2, 2, 2)))
    with pytest.raises(NotImplementedError, match="fweights"):
        cov(np.zeros((2, 2)), fweights=np.ones(2))


def test_make_keep_dims():
    x = at.dtensor3()
    y = makeKeepDims(x, x.sum(axis=(0, 2)), (0, -1))
    assert y.type.broadcastable == (True, False, True)
    v = np.arange(24.0).reshape(2, 3, 4)
    np.testing.assert_allclose(y.eval({x: v}), v.sum(axis=(0, 2), keepdims=True))
    assert makeKeepDims(x, x.sum(), None).type.ndim == 3
    with pytest.raises(ValueError, match="leaves"):
        makeKeepDims(x, x.sum(), 1)


def test_choose_out_must_be_none():
    with pytest.raises(TypeError, match="out must be None"):
        at.choose(np.array([0, 1]), [np.zeros(2), np.ones(2)], out=np.zeros(2))
