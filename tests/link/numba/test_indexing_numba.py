"""Numba indexing and index-driven ops: behaviour the op database does not sample.

Out-of-range and negative indices, repeated indices when incrementing,
in-place results, NumPy's placement of separated advanced indices, and
the errors bad inputs raise. Every function here must compile in
nopython mode (``numba__fallback="raise"``).
"""

from __future__ import annotations

import numpy as np
import pytest

pytest.importorskip("numba", reason="the Numba backend needs numba")

import aesara.tensor as at  # noqa: E402
from aesara.compile.function import function  # noqa: E402
from aesara.compile.io import In  # noqa: E402
from aesara.compile.mode import get_mode  # noqa: E402
from aesara.configdefaults import config  # noqa: E402
from aesara.tensor.extra_ops import bincount, repeat, unravel_index  # noqa: E402
from aesara.tensor.sort import topk  # noqa: E402
from aesara.tensor.subtensor_advanced import (  # noqa: E402
    AdvancedIncSubtensor,
    AdvancedIncSubtensor1,
)

NUMBA = get_mode("NUMBA")


def _numba_fn(inputs, outputs, **kwargs):
    with config.change_flags(numba__fallback="raise"):
        fn = function(inputs, outputs, mode=NUMBA, **kwargs)
    assert fn.maker.linker.nopython
    return fn


def test_advanced_subtensor1_negative_and_out_of_bounds():
    x = at.matrix("x")
    i = at.lvector("i")
    fn = _numba_fn([x, i], x[i])
    xv = np.arange(12.0).reshape(4, 3)
    np.testing.assert_array_equal(fn(xv, np.array([-1, 0, -4])), xv[[-1, 0, -4]])
    with pytest.raises(IndexError):
        fn(xv, np.array([0, 4]))
    with pytest.raises(IndexError):
        fn(xv, np.array([-5]))


def test_inc_subtensor1_accumulates_duplicates_and_set_keeps_last():
    x = at.vector("x")
    y = at.vector("y")
    i = at.lvector("i")
    inc = _numba_fn([x, y, i], at.inc_subtensor(x[i], y))
    st = _numba_fn([x, y, i], at.set_subtensor(x[i], y))
    xv = np.zeros(4)
    iv = np.array([1, 1, -1, 1])
    yv = np.array([1.0, 2.0, 3.0, 4.0])
    np.testing.assert_array_equal(inc(xv, yv, iv), [0.0, 7.0, 0.0, 3.0])
    np.testing.assert_array_equal(st(xv, yv, iv), [0.0, 4.0, 0.0, 3.0])
    assert any(
        isinstance(n.op, AdvancedIncSubtensor1) for n in inc.maker.fgraph.toposort()
    )
    with pytest.raises(IndexError):
        inc(xv, yv, np.array([0, 1, 2, 4]))
    with pytest.raises(ValueError):
        inc(xv, np.ones(3), iv)


def test_inplace_set_subtensor_writes_into_a_mutable_input():
    x = at.vector("x")
    i = at.lvector("i")
    out = at.set_subtensor(x[i], 5.0)
    fn = _numba_fn([In(x, mutable=True), i], out)
    ops = [n.op for n in fn.maker.fgraph.toposort()]
    assert any(getattr(op, "inplace", False) for op in ops), ops
    xv = np.zeros(3)
    res = fn(xv, np.array([0, 2]))
    np.testing.assert_array_equal(res, [5.0, 0.0, 5.0])
    np.testing.assert_array_equal(xv, [5.0, 0.0, 5.0])


def test_separated_advanced_indices_go_first():
    x = at.tensor3("x")
    i = at.lvector("i")
    j = at.lvector("j")
    fn = _numba_fn([x, i, j], x[i, :, j])
    xv = np.arange(24.0).reshape(2, 3, 4)
    iv, jv = np.array([1, 0, -1]), np.array([3, -4, 2])
    np.testing.assert_array_equal(fn(xv, iv, jv), xv[iv, :, jv])
    with pytest.raises(IndexError):
        fn(xv, np.array([0, 1]), jv)  # shapes (2,) and (3,) do not broadcast
    with pytest.raises(IndexError):
        fn(xv, iv, np.array([0, 4, 0]))


def test_mask_with_slice_step_and_newaxis():
    x = at.matrix("x")
    m = at.vector("m", dtype="bool")
    fn = _numba_fn([x, m], x[None, 3:0:-2, m])
    xv = np.arange(20.0).reshape(4, 5)
    mv = np.array([1, 0, 1, 1, 0], dtype=bool)
    np.testing.assert_array_equal(fn(xv, mv), xv[None, 3:0:-2, mv])
    with pytest.raises(IndexError):
        fn(xv, np.ones(4, dtype=bool))


def test_advanced_inc_subtensor_pairs_accumulate_and_ignore_duplicates():
    x = at.matrix("x")
    i = at.lvector("i")
    j = at.lvector("j")
    acc = _numba_fn([x, i, j], at.inc_subtensor(x[i, j], 1.0))
    once = _numba_fn([x, i, j], at.inc_subtensor(x[i, j], 1.0, ignore_duplicates=True))
    assert any(
        isinstance(n.op, AdvancedIncSubtensor) for n in acc.maker.fgraph.toposort()
    )
    xv = np.zeros((2, 3))
    iv, jv = np.array([0, 0, 1]), np.array([-1, 2, 0])
    expected = np.zeros((2, 3))
    np.add.at(expected, (iv, jv), 1.0)
    np.testing.assert_array_equal(acc(xv, iv, jv), expected)
    expected = np.zeros((2, 3))
    expected[iv, jv] += 1.0
    np.testing.assert_array_equal(once(xv, iv, jv), expected)


def test_take_along_axis_and_choose_errors():
    x = at.matrix("x")
    idx = at.lmatrix("idx")
    fn = _numba_fn([x, idx], at.take_along_axis(x, idx, 1))
    xv = np.arange(6.0).reshape(2, 3)
    iv = np.array([[-1], [0]])
    np.testing.assert_array_equal(fn(xv, iv), np.take_along_axis(xv, iv, 1))
    with pytest.raises(IndexError):
        fn(xv, np.array([[3], [0]]))
    a = at.lvector("a")
    c = at.matrix("c")
    ch = _numba_fn([a, c], at.choose(a, c))
    with pytest.raises(ValueError):
        ch(np.array([0, 2]), np.ones((2, 2)))


def test_errors_of_extra_ops():
    v = at.lvector("v")
    k = at.lscalar("k")
    f_bin = _numba_fn([v], bincount(v))
    with pytest.raises(ValueError):
        f_bin(np.array([1, -1]))
    f_rep = _numba_fn([v, k], repeat(v, k))
    np.testing.assert_array_equal(f_rep(np.array([1, 2]), 2), [1, 1, 2, 2])
    with pytest.raises(ValueError):
        f_rep(np.array([1, 2]), -1)
    f_unr = _numba_fn([v], list(unravel_index(v, (2, 3))))
    with pytest.raises(ValueError):
        f_unr(np.array([6]))
    x = at.vector("x")
    f_top = _numba_fn([x, k], topk(x, k))
    np.testing.assert_array_equal(f_top(np.array([1.0, 3.0, 2.0]), -2), [1.0, 2.0])
    with pytest.raises(ValueError):
        f_top(np.array([1.0, 3.0]), 0)
    with pytest.raises(ValueError):
        f_top(np.array([1.0, 3.0]), 3)


def test_complex_from_polar_rejects_a_negative_radius():
    r = at.vector("r")
    t = at.vector("t")
    fn = _numba_fn([r, t], at.complex_from_polar(r, t))
    np.testing.assert_allclose(fn(np.array([2.0]), np.array([0.5])), 2 * np.exp(0.5j))
    with pytest.raises(ValueError):
        fn(np.array([-1.0]), np.array([0.0]))


def test_symbolic_slice_with_an_index_array():
    x = at.matrix("x")
    i = at.lscalar("i")
    fn = _numba_fn([x, i], x[i:, [0, -1]])
    xv = np.arange(12.0).reshape(4, 3)
    np.testing.assert_array_equal(fn(xv, 1), xv[1:, [0, -1]])
    np.testing.assert_array_equal(fn(xv, -1), xv[-1:, [0, -1]])


def test_untranslated_index_with_a_constant_slice_runs_in_object_mode():
    import warnings

    from aesara.tensor.subtensor_advanced import AdvancedSubtensor

    x = at.matrix("x")
    b = at.scalar("b", dtype="bool")
    # A 0-d boolean index has no translation: the constant slice must stay
    # on the Python side of the object-mode call.
    out = AdvancedSubtensor()(x, slice(1, None), b)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        fn = function([x, b], out, mode=NUMBA)
    assert any("AdvancedSubtensor" in str(w.message) for w in caught)
    assert not fn.maker.linker.nopython
    xv = np.arange(6.0).reshape(2, 3)
    np.testing.assert_array_equal(fn(xv, True), xv[1:, True])
