"""``aesara.map``, ``aesara.reduce``, ``aesara.foldl`` and ``aesara.foldr``."""

from __future__ import annotations

import functools

import numpy as np
import pytest

import aesara
import aesara.tensor as at
from aesara.graph.basic import Variable
from aesara.scan import views


def _gen(seed=99):
    return np.random.default_rng(seed)


def test_views_are_exported_at_top_level():
    assert aesara.map is views.map
    assert aesara.reduce is views.reduce
    assert aesara.foldl is views.foldl
    assert aesara.foldr is views.foldr


class TestMap:
    def test_doubles_each_element(self):
        x = at.dvector("x")
        out, updates = aesara.map(lambda v: v * 2.0, x)
        assert isinstance(out, Variable)
        assert len(updates) == 0
        f = aesara.function([x], out)
        xv = _gen().normal(size=6)
        np.testing.assert_allclose(f(xv), [v * 2 for v in xv])

    def test_views_module_function(self):
        m = at.dmatrix("m")
        out, _ = views.map(lambda row: at.sqrt((row**2).sum()), sequences=m)
        f = aesara.function([m], out)
        mv = _gen().normal(size=(4, 3))
        np.testing.assert_allclose(f(mv), np.linalg.norm(mv, axis=1))

    def test_several_sequences_and_non_sequences(self):
        x = at.dvector("x")
        y = at.dvector("y")
        w = at.dscalar("w")
        out, _ = aesara.map(
            lambda a, b, ww: a * ww - b, sequences=[x, y], non_sequences=[w]
        )
        f = aesara.function([x, y, w], out)
        xv, yv = np.arange(4.0), np.array([1.0, 0.0, -1.0, 2.0])
        np.testing.assert_allclose(f(xv, yv, 3.0), xv * 3 - yv)

    def test_several_outputs(self):
        x = at.dvector("x")
        (sq, cube), _ = aesara.map(lambda v: [v**2, v**3], x)
        f = aesara.function([x], [sq, cube])
        xv = np.array([1.0, -2.0, 0.5])
        s, c = f(xv)
        np.testing.assert_allclose(s, xv**2)
        np.testing.assert_allclose(c, xv**3)

    def test_go_backwards(self):
        x = at.dvector("x")
        out, _ = aesara.map(lambda v: v + 1.0, x, go_backwards=True)
        f = aesara.function([x], out)
        xv = np.array([1.0, 5.0, 9.0])
        np.testing.assert_allclose(f(xv), (xv + 1)[::-1])

    def test_empty_sequence(self):
        x = at.dvector("x")
        out, _ = aesara.map(lambda v: v * 3.0, x)
        f = aesara.function([x], out)
        assert f(np.zeros(0)).shape == (0,)


class TestReduce:
    def test_sum_with_initial_value(self):
        x = at.dvector("x")
        init = at.dscalar("init")
        total, updates = aesara.reduce(lambda v, acc: acc + v, x, init)
        assert len(updates) == 0
        # Only the final value is returned.
        assert total.ndim == 0
        f = aesara.function([x, init], total)
        xv = _gen().normal(size=8)
        np.testing.assert_allclose(
            f(xv, 2.0), functools.reduce(lambda a, v: a + v, xv, 2.0)
        )

    def test_vector_accumulator(self):
        m = at.dmatrix("m")
        acc0 = at.dvector("acc0")
        out, _ = aesara.reduce(
            lambda row, acc: at.maximum(acc, row), sequences=m, outputs_info=acc0
        )
        assert out.ndim == 1
        f = aesara.function([m, acc0], out)
        mv = _gen().normal(size=(5, 3))
        np.testing.assert_allclose(f(mv, np.full(3, -10.0)), mv.max(axis=0))

    def test_several_accumulators(self):
        x = at.dvector("x")
        s0 = at.dscalar("s0")
        p0 = at.dscalar("p0")
        (s, p), _ = aesara.reduce(
            lambda v, s_, p_: [s_ + v, p_ * v], sequences=x, outputs_info=[s0, p0]
        )
        assert s.ndim == 0 and p.ndim == 0
        f = aesara.function([x, s0, p0], [s, p])
        xv = np.array([1.5, 2.0, -1.0, 3.0])
        rs, rp = f(xv, 0.0, 1.0)
        np.testing.assert_allclose(rs, xv.sum())
        np.testing.assert_allclose(rp, xv.prod())

    def test_reduce_with_non_sequence(self):
        x = at.dvector("x")
        init = at.dscalar("init")
        k = at.dscalar("k")
        out, _ = views.reduce(
            lambda v, acc, kk: acc * kk + v,
            sequences=x,
            outputs_info=init,
            non_sequences=k,
        )
        f = aesara.function([x, init, k], out)
        xv = np.array([1.0, 2.0, 3.0])
        acc = 0.5
        for v in xv:
            acc = acc * 0.1 + v
        np.testing.assert_allclose(f(xv, 0.5, 0.1), acc)

    def test_reduce_go_backwards(self):
        x = at.dvector("x")
        init = at.dscalar("init")
        out, _ = aesara.reduce(lambda v, acc: acc * 2.0 + v, x, init, go_backwards=True)
        f = aesara.function([x, init], out)
        xv = np.array([1.0, 2.0, 3.0])
        acc = 0.0
        for v in xv[::-1]:
            acc = acc * 2 + v
        np.testing.assert_allclose(f(xv, 0.0), acc)


class TestFolds:
    @staticmethod
    def _np_fold(xs, acc):
        for v in xs:
            acc = acc * 2.0 + v
        return acc

    def test_foldl_goes_from_the_start(self):
        x = at.dvector("x")
        init = at.dscalar("init")
        out, updates = aesara.foldl(lambda v, acc: acc * 2.0 + v, x, init)
        assert len(updates) == 0
        assert out.ndim == 0
        f = aesara.function([x, init], out)
        xv = np.array([1.0, 0.0, 3.0, -2.0])
        np.testing.assert_allclose(f(xv, 0.5), self._np_fold(xv, 0.5))

    def test_foldr_goes_from_the_end(self):
        x = at.dvector("x")
        init = at.dscalar("init")
        out, updates = aesara.foldr(lambda v, acc: acc * 2.0 + v, x, init)
        assert len(updates) == 0
        assert out.ndim == 0
        f = aesara.function([x, init], out)
        xv = np.array([1.0, 0.0, 3.0, -2.0])
        res = f(xv, 0.5)
        np.testing.assert_allclose(res, self._np_fold(xv[::-1], 0.5))
        # The two folds really differ for this step.
        assert not np.isclose(res, self._np_fold(xv, 0.5))

    def test_folds_from_views_module_with_non_sequences(self):
        x = at.dvector("x")
        init = at.dvector("init")
        scale = at.dscalar("scale")

        def step(v, acc, s):
            return at.concatenate([acc[1:], at.stack([acc[0] * s + v])])

        left, _ = views.foldl(step, sequences=x, outputs_info=init, non_sequences=scale)
        right, _ = views.foldr(
            step, sequences=x, outputs_info=init, non_sequences=scale
        )
        f = aesara.function([x, init, scale], [left, right])

        def np_step(acc, v, s):
            return np.concatenate([acc[1:], [acc[0] * s + v]])

        xv = np.array([1.0, 2.0, 3.0, 4.0, 5.0])
        iv = np.array([0.5, -1.0])
        ref_l, ref_r = iv, iv
        for v in xv:
            ref_l = np_step(ref_l, v, 3.0)
        for v in xv[::-1]:
            ref_r = np_step(ref_r, v, 3.0)
        rl, rr = f(xv, iv, 3.0)
        np.testing.assert_allclose(rl, ref_l)
        np.testing.assert_allclose(rr, ref_r)

    def test_fold_of_matrix_rows(self):
        m = at.dmatrix("m")
        init = at.dvector("init")
        out, _ = aesara.foldl(lambda row, acc: acc * row, m, init)
        f = aesara.function([m, init], out)
        mv = _gen().uniform(0.5, 1.5, size=(4, 3))
        np.testing.assert_allclose(f(mv, np.ones(3)), mv.prod(axis=0))

    @pytest.mark.parametrize("fold", ["foldl", "foldr"])
    def test_fold_gradient(self, fold):
        x = at.dvector("x")
        init = at.dscalar("init")
        out, _ = getattr(aesara, fold)(lambda v, acc: acc * v, x, init)
        g = aesara.grad(out, x)
        f = aesara.function([x, init], g)
        xv = np.array([2.0, 3.0, 0.5])
        # d/dx_i of init * prod(x) is init * prod(x) / x_i.
        np.testing.assert_allclose(f(xv, 1.5), 1.5 * xv.prod() / xv)
