"""Behaviour of ``aesara.scan``: looping over sequences, recurrent states,
``n_steps``, while loops, shared variables and error reporting.

Every numerical result is checked against a plain NumPy/Python loop.
"""

from __future__ import annotations

import re

import numpy as np
import pytest

import aesara
import aesara.tensor as at
from aesara.graph.basic import Variable
from aesara.graph.utils import MissingInputError
from aesara.scan.utils import until
from aesara.tensor.random.utils import RandomStream


def _gen(seed=1234):
    return np.random.default_rng(seed)


def _tap_windows(x, taps, go_backwards=False):
    """Reference: what the step function receives for a sequence with ``taps``.

    A step is centred on an index ``c`` of ``x``; tap ``k`` hands ``x[c + k]``.
    The first centre is the one that makes the most negative tap valid and
    the last one is the one that keeps the largest positive tap in range.
    """
    lo = min(min(taps), 0)
    hi = max(max(taps), 0)
    n_steps = len(x) - (hi - lo)
    centres = list(range(-lo, -lo + n_steps))
    if go_backwards:
        centres = centres[::-1]
    return [[x[c + k] for k in taps] for c in centres]


# ---------------------------------------------------------------------------
# Sequences
# ---------------------------------------------------------------------------


class TestSequences:
    def test_map_like_square(self):
        x = at.dvector("x")
        out, updates = aesara.scan(lambda v: v**2, sequences=x)
        assert isinstance(out, Variable)
        assert out.ndim == 1
        assert out.dtype == "float64"
        assert len(updates) == 0

        f = aesara.function([x], out)
        xv = _gen().normal(size=7)
        res = f(xv)
        assert res.shape == (7,)
        np.testing.assert_allclose(res, xv**2)

    def test_sequence_given_as_single_element_list(self):
        x = at.dvector("x")
        out, _ = aesara.scan(lambda v: v + 1.0, sequences=[x])
        f = aesara.function([x], out)
        np.testing.assert_allclose(f(np.arange(4.0)), np.arange(4.0) + 1)

    def test_matrix_sequence_iterates_over_rows(self):
        m = at.dmatrix("m")
        sums, _ = aesara.scan(lambda row: row.sum(), sequences=m)
        doubled, _ = aesara.scan(lambda row: row * 2.0, sequences=m)
        assert sums.ndim == 1
        assert doubled.ndim == 2
        f = aesara.function([m], [sums, doubled])
        mv = _gen().normal(size=(4, 3))
        s, d = f(mv)
        np.testing.assert_allclose(s, mv.sum(axis=1))
        np.testing.assert_allclose(d, 2 * mv)
        assert d.shape == (4, 3)

    def test_several_sequences_shortest_wins(self):
        x = at.dvector("x")
        y = at.dvector("y")
        out, _ = aesara.scan(lambda a, b: a * 10.0 + b, sequences=[x, y])
        f = aesara.function([x, y], out)

        xv = np.arange(5.0)
        yv = np.array([0.5, 1.5, 2.5])
        np.testing.assert_allclose(f(xv, yv), xv[:3] * 10 + yv)

        # The shortest one is decided at run time, per call.
        xv = np.array([1.0, 2.0])
        yv = np.arange(4.0)
        res = f(xv, yv)
        assert res.shape == (2,)
        np.testing.assert_allclose(res, xv * 10 + yv[:2])

    def test_sequence_and_non_sequence_receive_values_in_order(self):
        x = at.dvector("x")
        y = at.dvector("y")
        w = at.dscalar("w")
        seen = []

        def step(a, b, c):
            seen.append((a.ndim, b.ndim, c.ndim))
            return a - 2.0 * b + 3.0 * c

        out, _ = aesara.scan(step, sequences=[x, y], non_sequences=w)
        assert seen and seen[0] == (0, 0, 0)
        f = aesara.function([x, y, w], out)
        xv, yv = np.array([1.0, 2.0, 3.0]), np.array([5.0, 7.0, 11.0])
        np.testing.assert_allclose(f(xv, yv, 0.25), xv - 2 * yv + 0.75)

    @pytest.mark.parametrize(
        "taps",
        [[-1, 0, 1], [1, -1], [-2], [2], [0, 3], [-3, -1]],
        ids=lambda t: "taps=" + ",".join(str(k) for k in t),
    )
    def test_sequence_taps(self, taps):
        x = at.dvector("x")
        weights = [1.0, 10.0, 100.0]

        def step(*slices):
            assert len(slices) == len(taps)
            return sum(w * s for w, s in zip(weights, slices))

        out, _ = aesara.scan(step, sequences=dict(input=x, taps=taps))
        f = aesara.function([x], out)

        xv = _gen().normal(size=9)
        expected = [
            sum(w * s for w, s in zip(weights, window))
            for window in _tap_windows(xv, taps)
        ]
        lo, hi = min(min(taps), 0), max(max(taps), 0)
        res = f(xv)
        assert res.shape == (9 - (hi - lo),)
        np.testing.assert_allclose(res, expected)

    def test_sequence_dict_without_taps_means_current_element(self):
        x = at.dvector("x")
        out, _ = aesara.scan(lambda v: v * 3.0, sequences=dict(input=x))
        f = aesara.function([x], out)
        np.testing.assert_allclose(f(np.arange(4.0)), 3 * np.arange(4.0))

    def test_tapped_sequence_aligned_with_plain_sequence(self):
        # A sequence read with tap -2 starts two entries later than a plain one
        # (the step at time t sees x[t - 2] and y[t - 2] in the plain frame).
        x = at.dvector("x")
        y = at.dvector("y")
        out, _ = aesara.scan(
            lambda xm2, x0, yt: xm2 + 10.0 * x0 + 100.0 * yt,
            sequences=[dict(input=x, taps=[-2, 0]), y],
        )
        f = aesara.function([x, y], out)
        xv = np.arange(8.0)
        yv = np.arange(20.0, 40.0)
        res = f(xv, yv)
        expected = [xv[t - 2] + 10 * xv[t] + 100 * yv[t - 2] for t in range(2, 8)]
        np.testing.assert_allclose(res, expected)

    def test_non_contiguous_sequences(self):
        x = at.dvector("x")
        m = at.dmatrix("m")
        strided, _ = aesara.scan(lambda v: v + 1.0, sequences=x[::2])
        reversed_, _ = aesara.scan(lambda v: v * 2.0, sequences=x[::-1])
        columns, _ = aesara.scan(lambda col: col * col.sum(), sequences=m.T)
        f = aesara.function([x, m], [strided, reversed_, columns])

        xv = np.arange(7.0) ** 2
        mv = _gen().normal(size=(3, 4))
        s, r, c = f(xv, mv)
        np.testing.assert_allclose(s, xv[::2] + 1)
        np.testing.assert_allclose(r, 2 * xv[::-1])
        assert c.shape == (4, 3)
        np.testing.assert_allclose(c, np.stack([col * col.sum() for col in mv.T]))

    def test_non_contiguous_numpy_input_value(self):
        # A non-contiguous *value* (not a symbolic slice) is also iterated
        # correctly.
        m = at.dmatrix("m")
        out, _ = aesara.scan(lambda row: row[0] - row[-1], sequences=m)
        f = aesara.function([m], out)
        mv = np.asfortranarray(_gen().normal(size=(5, 3)))
        np.testing.assert_allclose(f(mv), mv[:, 0] - mv[:, -1])
        big = _gen(7).normal(size=(6, 8))[::2, ::3]
        assert not big.flags.c_contiguous
        np.testing.assert_allclose(f(big), big[:, 0] - big[:, -1])

    def test_step_can_return_its_inputs_unchanged(self):
        x = at.dvector("x")
        w = at.dvector("w")
        same, _ = aesara.scan(lambda v: v, sequences=x)
        tiled, _ = aesara.scan(lambda v, ww: ww, sequences=x, non_sequences=w)
        f = aesara.function([x, w], [same, tiled])
        xv = np.array([3.0, 1.0, 2.0])
        wv = np.array([7.0, 8.0])
        s, t = f(xv, wv)
        np.testing.assert_allclose(s, xv)
        np.testing.assert_allclose(t, np.tile(wv, (3, 1)))

    def test_integer_sequence(self):
        x = at.lvector("x")
        out, _ = aesara.scan(lambda v: v * 3 + 1, sequences=x)
        assert out.dtype == "int64"
        f = aesara.function([x], out)
        res = f(np.array([1, 2, 5], dtype="int64"))
        assert res.dtype == np.int64
        np.testing.assert_array_equal(res, [4, 7, 16])


# ---------------------------------------------------------------------------
# Recurrent outputs (outputs_info)
# ---------------------------------------------------------------------------


class TestOutputsInfo:
    def test_sit_sot_running_sum(self):
        x = at.dvector("x")
        acc0 = at.dscalar("acc0")
        out, updates = aesara.scan(
            lambda v, acc: acc + v, sequences=x, outputs_info=acc0
        )
        assert len(updates) == 0
        f = aesara.function([x, acc0], out)
        xv = _gen().normal(size=6)
        res = f(xv, 1.5)
        # The initial value is not part of the result.
        assert res.shape == (6,)
        np.testing.assert_allclose(res, 1.5 + np.cumsum(xv))

    def test_sit_sot_vector_state_with_non_sequence(self):
        a = at.dvector("a")
        k = at.iscalar("k")
        powers, _ = aesara.scan(
            lambda prev, base: prev * base,
            outputs_info=at.ones_like(a),
            non_sequences=a,
            n_steps=k,
        )
        f = aesara.function([a, k], powers)
        av = np.array([1.0, 2.0, -0.5])
        res = f(av, 4)
        assert res.shape == (4, 3)
        np.testing.assert_allclose(res, np.stack([av**i for i in range(1, 5)]))

    def test_numpy_initial_value(self):
        x = at.dvector("x")
        out, _ = aesara.scan(
            lambda v, acc: acc * 0.5 + v, sequences=x, outputs_info=np.float64(2.0)
        )
        f = aesara.function([x], out)
        xv = np.array([1.0, -1.0, 4.0])
        expected, acc = [], 2.0
        for v in xv:
            acc = acc * 0.5 + v
            expected.append(acc)
        np.testing.assert_allclose(f(xv), expected)

    def test_mit_sot_taps_order_and_initial_values_excluded(self):
        x0 = at.dvector("x0")
        seen = []

        def step(m2, m1):
            seen.append((m2.ndim, m1.ndim))
            # Not symmetric in its arguments, so the order is checked.
            return 3.0 * m2 - m1

        out, _ = aesara.scan(
            step, outputs_info=dict(initial=x0, taps=[-2, -1]), n_steps=6
        )
        assert seen[0] == (0, 0)
        f = aesara.function([x0], out)
        hist = [1.0, 2.0]
        for _ in range(6):
            hist.append(3.0 * hist[-2] - hist[-1])
        res = f(np.array([1.0, 2.0]))
        assert res.shape == (6,)
        np.testing.assert_allclose(res, hist[2:])

    def test_mit_sot_fibonacci_integers(self):
        x0 = at.lvector("x0")
        fib, _ = aesara.scan(
            lambda a, b: a + b, outputs_info=dict(initial=x0, taps=[-2, -1]), n_steps=8
        )
        assert fib.dtype == "int64"
        f = aesara.function([x0], fib)
        np.testing.assert_array_equal(
            f(np.array([0, 1], dtype="int64")), [1, 2, 3, 5, 8, 13, 21, 34]
        )

    def test_mit_sot_with_non_adjacent_taps(self):
        x0 = at.dvector("x0")
        out, _ = aesara.scan(
            lambda m3, m1: m3 + 0.5 * m1,
            outputs_info=dict(initial=x0, taps=[-3, -1]),
            n_steps=5,
        )
        f = aesara.function([x0], out)
        hist = [1.0, -2.0, 4.0]
        for _ in range(5):
            hist.append(hist[-3] + 0.5 * hist[-1])
        np.testing.assert_allclose(f(np.array([1.0, -2.0, 4.0])), hist[3:])

    def test_outputs_info_dict_without_taps_is_sit_sot(self):
        h0 = at.dscalar("h0")
        out, _ = aesara.scan(
            lambda h: h * 2.0, outputs_info=dict(initial=h0), n_steps=3
        )
        f = aesara.function([h0], out)
        np.testing.assert_allclose(f(1.5), [3.0, 6.0, 12.0])

    def test_none_entry_is_not_fed_back(self):
        x = at.dvector("x")
        acc0 = at.dscalar("acc0")
        n_args = []

        def step(v, acc):
            n_args.append(2)
            return [acc + v, acc * v]

        (acc, prod), _ = aesara.scan(step, sequences=x, outputs_info=[acc0, None])
        f = aesara.function([x, acc0], [acc, prod])
        xv = np.array([1.0, 2.0, 3.0, 4.0])
        acc_ref, prod_ref, a = [], [], 0.5
        for v in xv:
            prod_ref.append(a * v)
            a = a + v
            acc_ref.append(a)
        ra, rp = f(xv, 0.5)
        np.testing.assert_allclose(ra, acc_ref)
        np.testing.assert_allclose(rp, prod_ref)

    def test_none_first_then_recurrent(self):
        # The map-like output can come before the recurrent one.
        x = at.dvector("x")
        (doubled, total), _ = aesara.scan(
            lambda v, tot: [v * 2.0, tot + v],
            sequences=x,
            outputs_info=[None, at.constant(0.0, dtype="float64")],
        )
        f = aesara.function([x], [doubled, total])
        xv = np.array([1.0, 4.0, 9.0])
        d, t = f(xv)
        np.testing.assert_allclose(d, 2 * xv)
        np.testing.assert_allclose(t, np.cumsum(xv))

    def test_outputs_of_different_rank_and_dtype(self):
        m0 = at.dmatrix("m0")
        count0 = at.as_tensor_variable(np.int64(0))

        (counts, mats), _ = aesara.scan(
            lambda c, m: [c + 1, m * 2.0 + 1.0],
            outputs_info=[count0, m0],
            n_steps=4,
        )
        assert counts.dtype == "int64"
        assert counts.ndim == 1
        assert mats.dtype == "float64"
        assert mats.ndim == 3

        f = aesara.function([m0], [counts, mats])
        mv = _gen().normal(size=(2, 3))
        rc, rm = f(mv)
        assert rc.dtype == np.int64
        np.testing.assert_array_equal(rc, [1, 2, 3, 4])
        assert rm.shape == (4, 2, 3)
        expected, cur = [], mv
        for _ in range(4):
            cur = cur * 2 + 1
            expected.append(cur)
        np.testing.assert_allclose(rm, np.stack(expected))

    def test_non_sequences_are_passed_last(self):
        x = at.dvector("x")
        acc0 = at.dscalar("acc0")
        w = at.dscalar("w")
        b = at.dscalar("b")

        out, _ = aesara.scan(
            lambda v, acc, ww, bb: acc * ww + v - bb,
            sequences=x,
            outputs_info=acc0,
            non_sequences=[w, b],
        )
        f = aesara.function([x, acc0, w, b], out)
        xv = np.array([1.0, 2.0, 3.0])
        ref, acc = [], 0.25
        for v in xv:
            acc = acc * 0.5 + v - 4.0
            ref.append(acc)
        np.testing.assert_allclose(f(xv, 0.25, 0.5, 4.0), ref)

    def test_full_argument_order(self):
        # Sequence taps (per sequence, in the given tap order), then output
        # taps (per output), then non-sequences.
        x = at.dvector("x")
        y = at.dvector("y")
        h0 = at.dvector("h0")
        s0 = at.dscalar("s0")
        c = at.dscalar("c")
        arity = []

        def step(x_m1, x_0, y_0, h_m2, h_m1, s_m1, cc):
            arity.append(7)
            h_new = 0.5 * h_m2 + h_m1 * x_m1 + cc
            s_new = s_m1 + x_0 * y_0
            z = h_m1 - s_m1 * y_0
            return [h_new, s_new, z]

        (h, s, z), updates = aesara.scan(
            step,
            sequences=[dict(input=x, taps=[-1, 0]), y],
            outputs_info=[dict(initial=h0, taps=[-2, -1]), s0, None],
            non_sequences=c,
        )
        assert arity
        assert len(updates) == 0
        f = aesara.function([x, y, h0, s0, c], [h, s, z])

        rng = _gen(3)
        xv = rng.normal(size=7)
        yv = rng.normal(size=10)
        h0v = rng.normal(size=2)
        s0v, cv = 0.3, -0.2

        n = min(len(xv) - 1, len(yv))
        hist = list(h0v)
        s_prev = s0v
        h_ref, s_ref, z_ref = [], [], []
        for t in range(n):
            x_m1, x_0, y_0 = xv[t], xv[t + 1], yv[t]
            h_new = 0.5 * hist[-2] + hist[-1] * x_m1 + cv
            s_new = s_prev + x_0 * y_0
            z_ref.append(hist[-1] - s_prev * y_0)
            hist.append(h_new)
            h_ref.append(h_new)
            s_ref.append(s_new)
            s_prev = s_new

        rh, rs, rz = f(xv, yv, h0v, s0v, cv)
        assert rh.shape == rs.shape == rz.shape == (n,)
        np.testing.assert_allclose(rh, h_ref)
        np.testing.assert_allclose(rs, s_ref)
        np.testing.assert_allclose(rz, z_ref)

    def test_matrix_state_rnn(self):
        xs = at.dmatrix("xs")
        h0 = at.dvector("h0")
        W = at.dmatrix("W")
        hs, _ = aesara.scan(
            lambda x_t, h, w: at.tanh(at.dot(w, h) + x_t),
            sequences=xs,
            outputs_info=h0,
            non_sequences=W,
        )
        f = aesara.function([xs, h0, W], [hs, hs[-1]])
        rng = _gen(11)
        xv = rng.normal(size=(5, 3))
        h0v = rng.normal(size=3)
        wv = rng.normal(size=(3, 3)) * 0.5
        ref, h = [], h0v
        for x_t in xv:
            h = np.tanh(wv @ h + x_t)
            ref.append(h)
        all_h, last = f(xv, h0v, wv)
        np.testing.assert_allclose(all_h, np.stack(ref))
        np.testing.assert_allclose(last, ref[-1])


# ---------------------------------------------------------------------------
# n_steps
# ---------------------------------------------------------------------------


class TestNSteps:
    def test_symbolic_n_steps(self):
        k = at.iscalar("k")
        h0 = at.dscalar("h0")
        out, _ = aesara.scan(lambda h: h + 2.0, outputs_info=h0, n_steps=k)
        f = aesara.function([h0, k], out)
        np.testing.assert_allclose(f(1.0, 3), [3.0, 5.0, 7.0])
        np.testing.assert_allclose(f(0.0, 5), [2.0, 4.0, 6.0, 8.0, 10.0])

    def test_constant_n_steps_without_sequences(self):
        h0 = at.dvector("h0")
        out, _ = aesara.scan(lambda h: h[::-1] * 2.0, outputs_info=h0, n_steps=4)
        f = aesara.function([h0], out)
        ref, h = [], np.array([1.0, 2.0, 3.0])
        for _ in range(4):
            h = h[::-1] * 2
            ref.append(h)
        res = f(np.array([1.0, 2.0, 3.0]))
        assert res.shape == (4, 3)
        np.testing.assert_allclose(res, np.stack(ref))

    def test_n_steps_as_symbolic_constant(self):
        h0 = at.dscalar("h0")
        out, _ = aesara.scan(
            lambda h: h * 3.0, outputs_info=h0, n_steps=at.constant(3, dtype="int64")
        )
        f = aesara.function([h0], out)
        np.testing.assert_allclose(f(1.0), [3.0, 9.0, 27.0])

    def test_n_steps_shorter_than_sequence(self):
        x = at.dvector("x")
        out, _ = aesara.scan(lambda v: v - 1.0, sequences=x, n_steps=3)
        f = aesara.function([x], out)
        np.testing.assert_allclose(f(np.arange(6.0)), [-1.0, 0.0, 1.0])

    def test_n_steps_longer_than_sequence(self):
        # Documented as an error; Aesara's optimised graphs may instead stop
        # at the end of the sequence.  Either way no stale or made-up values.
        x = at.dvector("x")
        k = at.iscalar("k")
        out, _ = aesara.scan(lambda v: v * 2.0, sequences=x, n_steps=k)
        f = aesara.function([x, k], out)
        np.testing.assert_allclose(f(np.arange(4.0) + 10.0, 2), [20.0, 22.0])
        try:
            res = f(np.arange(2.0), 5)
        except (ValueError, IndexError):
            pass
        else:
            np.testing.assert_allclose(res, [0.0, 2.0])

    def test_zero_steps(self):
        k = at.iscalar("k")
        h0 = at.dvector("h0")
        x = at.dvector("x")
        states, _ = aesara.scan(lambda h: h * 2.0, outputs_info=h0, n_steps=k)
        mapped, _ = aesara.scan(lambda v: v + 1.0, sequences=x)
        f = aesara.function([h0, k], states)
        g = aesara.function([x], mapped)

        res = f(np.array([1.0, 2.0, 3.0]), 0)
        assert res.shape == (0, 3)
        assert res.dtype == np.float64
        res = g(np.zeros(0))
        assert res.shape == (0,)
        # And the same compiled functions still work for non-empty loops.
        np.testing.assert_allclose(f(np.array([1.0, 2.0, 3.0]), 1), [[2.0, 4.0, 6.0]])
        np.testing.assert_allclose(g(np.array([1.0])), [2.0])

    def test_zero_constant_steps(self):
        h0 = at.dscalar("h0")
        out, _ = aesara.scan(lambda h: h + 1.0, outputs_info=h0, n_steps=0)
        f = aesara.function([h0], out)
        res = f(3.0)
        assert res.shape == (0,)

    def test_one_constant_step(self):
        h0 = at.dvector("h0")
        out, _ = aesara.scan(lambda h: h * 2.0 + 1.0, outputs_info=h0, n_steps=1)
        assert out.ndim == 2
        f = aesara.function([h0], out)
        res = f(np.array([1.0, -1.0]))
        assert res.shape == (1, 2)
        np.testing.assert_allclose(res, [[3.0, -1.0]])

    def test_one_step_from_sequence_length(self):
        m = at.dmatrix("m")
        out, _ = aesara.scan(lambda row: row.sum(), sequences=m)
        f = aesara.function([m], out)
        res = f(np.array([[1.0, 2.0, 3.0]]))
        assert res.shape == (1,)
        np.testing.assert_allclose(res, [6.0])

    def test_n_steps_one_with_tapped_sequence(self):
        x = at.lvector("x")
        out, _ = aesara.scan(
            lambda v, acc: acc + v,
            sequences=dict(input=x, taps=[2]),
            outputs_info=at.as_tensor_variable(np.int64(0)),
            n_steps=1,
        )
        f = aesara.function([x], out)
        np.testing.assert_array_equal(f(np.array([5, 6, 7, 8], dtype="int64")), [7])


# ---------------------------------------------------------------------------
# go_backwards
# ---------------------------------------------------------------------------


class TestGoBackwards:
    def test_map_backwards(self):
        x = at.dvector("x")
        out, _ = aesara.scan(lambda v: v**2, sequences=x, go_backwards=True)
        f = aesara.function([x], out)
        xv = np.array([1.0, 2.0, 3.0, 4.0])
        np.testing.assert_allclose(f(xv), (xv**2)[::-1])

    def test_recurrence_backwards(self):
        x = at.dvector("x")
        h0 = at.dscalar("h0")
        out, _ = aesara.scan(
            lambda v, h: 2.0 * h + v, sequences=x, outputs_info=h0, go_backwards=True
        )
        f = aesara.function([x, h0], out)
        xv = _gen().normal(size=5)
        ref, h = [], 0.5
        for v in xv[::-1]:
            h = 2 * h + v
            ref.append(h)
        np.testing.assert_allclose(f(xv, 0.5), ref)

    def test_backwards_with_n_steps_uses_the_last_entries(self):
        x = at.dvector("x")
        out, _ = aesara.scan(
            lambda v: v + 0.0, sequences=x, n_steps=3, go_backwards=True
        )
        f = aesara.function([x], out)
        np.testing.assert_allclose(f(np.arange(5.0)), [4.0, 3.0, 2.0])

    def test_backwards_with_taps(self):
        x = at.dvector("x")
        taps = [-1, 1]
        out, _ = aesara.scan(
            lambda a, b: a - 10.0 * b,
            sequences=dict(input=x, taps=taps),
            go_backwards=True,
        )
        f = aesara.function([x], out)
        xv = np.arange(6.0) ** 2
        ref = [a - 10 * b for a, b in _tap_windows(xv, taps, go_backwards=True)]
        np.testing.assert_allclose(f(xv), ref)


# ---------------------------------------------------------------------------
# Return conventions and options
# ---------------------------------------------------------------------------


class TestReturnConventions:
    def test_single_output_is_a_variable(self):
        x = at.dvector("x")
        out, updates = aesara.scan(lambda v: v + 1.0, sequences=x)
        assert isinstance(out, Variable)
        assert isinstance(updates, dict)

    def test_return_list_single_output(self):
        x = at.dvector("x")
        out, _ = aesara.scan(lambda v: v + 1.0, sequences=x, return_list=True)
        assert isinstance(out, list)
        assert len(out) == 1
        f = aesara.function([x], out[0])
        np.testing.assert_allclose(f(np.arange(3.0)), [1.0, 2.0, 3.0])

    def test_several_outputs_are_a_list(self):
        x = at.dvector("x")
        for return_list in (False, True):
            out, _ = aesara.scan(
                lambda v: [v + 1.0, v * 2.0], sequences=x, return_list=return_list
            )
            assert isinstance(out, list)
            assert len(out) == 2
            assert all(isinstance(o, Variable) for o in out)

    def test_step_may_return_a_tuple(self):
        x = at.dvector("x")
        (a, b), _ = aesara.scan(lambda v: (v + 1.0, v - 1.0), sequences=x)
        f = aesara.function([x], [a, b])
        ra, rb = f(np.arange(3.0))
        np.testing.assert_allclose(ra, [1.0, 2.0, 3.0])
        np.testing.assert_allclose(rb, [-1.0, 0.0, 1.0])

    def test_options_are_accepted(self):
        x = at.dvector("x")
        h0 = at.dscalar("h0")
        out, updates = aesara.scan(
            lambda v, h: h * v,
            sequences=x,
            outputs_info=h0,
            name="my_product",
            mode="FAST_COMPILE",
            profile=False,
            allow_gc=False,
            strict=True,
            truncate_gradient=-1,
        )
        assert len(updates) == 0
        f = aesara.function([x, h0], out)
        xv = np.array([2.0, 3.0, 0.5])
        np.testing.assert_allclose(f(xv, 1.0), np.cumprod(xv))

    def test_scan_output_composes_with_other_ops(self):
        x = at.dvector("x")
        out, _ = aesara.scan(lambda v: at.exp(v), sequences=x)
        total = out[1:].sum() + out.shape[0]
        f = aesara.function([x], total)
        xv = np.array([0.0, 1.0, 2.0])
        np.testing.assert_allclose(f(xv), np.exp(xv[1:]).sum() + 3)

    def test_same_function_called_repeatedly_does_not_reuse_stale_results(self):
        x = at.dvector("x")
        h0 = at.dscalar("h0")
        out, _ = aesara.scan(lambda v, h: h + v, sequences=x, outputs_info=h0)
        f = aesara.function([x, h0], out)
        first = f(np.array([1.0, 2.0, 3.0]), 0.0)
        first_copy = first.copy()
        second = f(np.array([10.0, 20.0]), 1.0)
        np.testing.assert_allclose(second, [11.0, 31.0])
        # The first result was not overwritten by the second call.
        np.testing.assert_allclose(first, first_copy)
        np.testing.assert_allclose(first, [1.0, 3.0, 6.0])


# ---------------------------------------------------------------------------
# While loops
# ---------------------------------------------------------------------------


class TestWhileLoops:
    @staticmethod
    def _doubling(x0, limit, max_steps):
        ref, x = [], x0
        for _ in range(max_steps):
            x = 2 * x
            ref.append(x)
            if x > limit:
                break
        return ref

    def test_doubling_until_threshold(self):
        x0 = at.dscalar("x0")

        def step(x):
            new = x * 2.0
            return new, until(new > 100.0)

        out, updates = aesara.scan(step, outputs_info=x0, n_steps=1000)
        assert len(updates) == 0
        f = aesara.function([x0], out)
        res = f(1.0)
        np.testing.assert_allclose(res, self._doubling(1.0, 100.0, 1000))
        np.testing.assert_allclose(res, [2.0, 4.0, 8.0, 16.0, 32.0, 64.0, 128.0])
        np.testing.assert_allclose(f(30.0), [60.0, 120.0])

    def test_condition_true_at_first_step_runs_one_step(self):
        x0 = at.dscalar("x0")
        out, _ = aesara.scan(
            lambda x: (x * 2.0, until(x * 2.0 > 100.0)), outputs_info=x0, n_steps=50
        )
        f = aesara.function([x0], out)
        res = f(500.0)
        # The step that made the condition true is part of the result.
        assert res.shape == (1,)
        np.testing.assert_allclose(res, [1000.0])

    def test_n_steps_is_an_upper_bound(self):
        x0 = at.dscalar("x0")
        k = at.iscalar("k")
        out, _ = aesara.scan(
            lambda x: (x * 2.0, until(x * 2.0 > 100.0)), outputs_info=x0, n_steps=k
        )
        f = aesara.function([x0, k], out)
        np.testing.assert_allclose(f(1.0, 3), [2.0, 4.0, 8.0])
        np.testing.assert_allclose(f(1.0, 100), self._doubling(1.0, 100.0, 100))

    def test_while_over_a_sequence(self):
        x = at.dvector("x")
        acc0 = at.dscalar("acc0")

        def step(v, acc):
            new = acc + v
            return new, until(new > 5.0)

        out, _ = aesara.scan(step, sequences=x, outputs_info=acc0)
        f = aesara.function([x, acc0], out)
        xv = np.array([1.0, 2.0, 1.5, 3.0, 4.0, 1.0])
        np.testing.assert_allclose(f(xv, 0.0), [1.0, 3.0, 4.5, 7.5])
        # The sequence ends before the condition holds: every entry is used.
        np.testing.assert_allclose(f(xv * 0.1, 0.0), np.cumsum(xv * 0.1))

    def test_while_with_several_outputs(self):
        n0 = at.as_tensor_variable(np.int64(1))
        (ns, sq), _ = aesara.scan(
            lambda n: ([n + 1, (n + 1) ** 2], until((n + 1) ** 2 >= 30)),
            outputs_info=[n0, None],
            n_steps=100,
        )
        f = aesara.function([], [ns, sq])
        rn, rs = f()
        np.testing.assert_array_equal(rn, [2, 3, 4, 5, 6])
        np.testing.assert_array_equal(rs, [4, 9, 16, 25, 36])

    def test_until_after_updates_without_outputs(self):
        counter = aesara.shared(np.int64(0), name="counter")

        def step():
            return {counter: counter + 1}, until(counter + 1 >= 3)

        out, updates = aesara.scan(step, n_steps=100)
        assert out is None or (isinstance(out, list) and len(out) == 0)
        assert counter in updates
        f = aesara.function([], [], updates=updates)
        f()
        assert counter.get_value() == 3

    def test_outputs_updates_and_until(self):
        counter = aesara.shared(np.int64(0), name="counter")
        x0 = at.dscalar("x0")

        def step(x):
            new = x + 1.5
            return new, {counter: counter + 1}, until(new > 6.0)

        out, updates = aesara.scan(step, outputs_info=x0, n_steps=20)
        f = aesara.function([x0], out, updates=updates)
        res = f(0.0)
        np.testing.assert_allclose(res, [1.5, 3.0, 4.5, 6.0, 7.5])
        assert counter.get_value() == len(res)
        res = f(5.0)
        np.testing.assert_allclose(res, [6.5])
        assert counter.get_value() == 6


# ---------------------------------------------------------------------------
# Shared variables and random streams
# ---------------------------------------------------------------------------


class TestSharedVariables:
    def test_shared_read_without_passing_it(self):
        W = aesara.shared(np.array([[2.0, 0.0], [1.0, 1.0]]), name="W")
        X = at.dmatrix("X")
        out, updates = aesara.scan(lambda row: at.dot(W, row), sequences=X)
        assert len(updates) == 0
        f = aesara.function([X], out)
        xv = _gen().normal(size=(4, 2))
        np.testing.assert_allclose(f(xv), xv @ W.get_value().T)
        # The shared value is read at every call, not frozen at compile time.
        W.set_value(np.array([[0.0, 1.0], [-1.0, 3.0]]))
        np.testing.assert_allclose(f(xv), xv @ W.get_value().T)

    def test_strict_raises_for_unlisted_shared(self):
        W = aesara.shared(np.eye(2), name="W_strict")
        h0 = at.dvector("h0")
        with pytest.raises(MissingInputError, match="(?i)missing"):
            aesara.scan(lambda h: at.dot(h, W), outputs_info=h0, n_steps=3, strict=True)

    def test_strict_works_when_shared_is_a_non_sequence(self):
        W = aesara.shared(np.array([[0.0, 1.0], [2.0, 0.0]]), name="W_listed")
        h0 = at.dvector("h0")
        out, _ = aesara.scan(
            lambda h, w: at.dot(h, w),
            outputs_info=h0,
            non_sequences=[W],
            n_steps=3,
            strict=True,
        )
        f = aesara.function([h0], out)
        ref, h = [], np.array([1.0, 1.0])
        for _ in range(3):
            h = h @ W.get_value()
            ref.append(h)
        np.testing.assert_allclose(f(np.array([1.0, 1.0])), np.stack(ref))

    def test_strict_allows_random_streams_and_outer_variables(self):
        # As in Aesara: random generators the step draws from are loop states,
        # and outer (non-shared) variables are passed automatically.
        srng = at.random.RandomStream(12)
        scale = at.dscalar("scale")
        out, updates = aesara.scan(
            lambda: srng.normal(0.0, 1.0) * scale, n_steps=4, strict=True
        )
        assert len(updates) == 1
        f = aesara.function([scale], out, updates=updates)
        a, b = f(0.0), f(2.0)
        np.testing.assert_array_equal(a, np.zeros(4))
        assert a.shape == b.shape == (4,) and len(set(b.tolist())) == 4

    def test_strict_with_a_computed_non_sequence(self):
        # The non-sequence is itself computed (from a random draw and a
        # variable): the step sees it as an input, not its ancestors.
        srng = at.random.RandomStream(3)
        n = at.lscalar("n")
        g = srng.normal(0.0, 1.0, size=(n,)) * 0.0 + at.arange(n)
        out, _ = aesara.scan(
            lambda gg: gg * 2.0, non_sequences=[g], n_steps=3, strict=True
        )
        f = aesara.function([n], out)
        np.testing.assert_array_equal(f(2), [[0.0, 2.0]] * 3)

    def test_strict_with_only_explicit_inputs(self):
        x = at.dvector("x")
        c = at.dscalar("c")
        out, _ = aesara.scan(
            lambda v, cc: v * cc, sequences=[x], non_sequences=[c], strict=True
        )
        f = aesara.function([x, c], out)
        np.testing.assert_allclose(f(np.arange(3.0), 2.0), [0.0, 2.0, 4.0])

    def test_updates_returned_by_step(self):
        counter = aesara.shared(np.int64(0), name="n_calls")
        h0 = at.dscalar("h0")
        out, updates = aesara.scan(
            lambda h: (h * 2.0, {counter: counter + 1}), outputs_info=h0, n_steps=5
        )
        assert counter in updates
        assert len(updates) == 1
        assert hasattr(updates, "items")

        f = aesara.function([h0], out, updates=updates)
        np.testing.assert_allclose(f(1.0), [2.0, 4.0, 8.0, 16.0, 32.0])
        assert counter.get_value() == 5
        f(3.0)
        assert counter.get_value() == 10

    def test_updates_not_applied_without_passing_them(self):
        counter = aesara.shared(np.int64(0), name="unused_updates")
        h0 = at.dscalar("h0")
        out, updates = aesara.scan(
            lambda h: (h + 1.0, {counter: counter + 1}), outputs_info=h0, n_steps=4
        )
        f = aesara.function([h0], out)
        np.testing.assert_allclose(f(0.0), [1.0, 2.0, 3.0, 4.0])
        assert counter.get_value() == 0

    def test_update_only_step(self):
        state = aesara.shared(np.float64(1.0), name="state")
        k = at.iscalar("k")
        out, updates = aesara.scan(lambda: {state: state * 2.0}, n_steps=k)
        assert out is None or (isinstance(out, list) and len(out) == 0)
        f = aesara.function([k], [], updates=updates)
        f(3)
        np.testing.assert_allclose(state.get_value(), 8.0)
        f(2)
        np.testing.assert_allclose(state.get_value(), 32.0)

    def test_update_depending_on_sequence(self):
        total = aesara.shared(np.float64(0.0), name="total")
        x = at.dvector("x")
        out, updates = aesara.scan(
            lambda v: (v * total, {total: total + v}), sequences=x
        )
        f = aesara.function([x], out, updates=updates)
        xv = np.array([1.0, 2.0, 3.0, 4.0])
        # Each step sees the value accumulated by the previous steps.
        np.testing.assert_allclose(
            f(xv), xv * np.concatenate([[0.0], np.cumsum(xv)[:-1]])
        )
        np.testing.assert_allclose(total.get_value(), xv.sum())

    def test_shared_vector_update(self):
        buf = aesara.shared(np.zeros(3), name="buf")
        x = at.dmatrix("x")
        _, updates = aesara.scan(lambda row: {buf: buf + row * row}, sequences=x)
        f = aesara.function([x], [], updates=updates)
        xv = _gen().normal(size=(4, 3))
        f(xv)
        np.testing.assert_allclose(buf.get_value(), (xv**2).sum(axis=0))

    def test_random_stream_inside_step(self):
        srng = RandomStream(seed=42)
        out, updates = aesara.scan(lambda: srng.uniform(0.0, 1.0, size=(3,)), n_steps=4)
        assert len(updates) >= 1
        f = aesara.function([], out, updates=updates)
        a = f()
        b = f()
        assert a.shape == (4, 3)
        assert np.all((a >= 0) & (a < 1))
        # Every step draws new numbers...
        for i in range(4):
            for j in range(i + 1, 4):
                assert not np.allclose(a[i], a[j])
        # ...and so does every call.
        assert not np.allclose(a, b)

    def test_random_stream_with_sequence(self):
        srng = RandomStream(seed=7)
        x = at.dvector("x")
        out, updates = aesara.scan(lambda v: v + srng.normal(0.0, 1e-3), sequences=x)
        f = aesara.function([x], out, updates=updates)
        xv = np.arange(5.0)
        a = f(xv)
        b = f(xv)
        np.testing.assert_allclose(a, xv, atol=0.05)
        noise = a - xv
        assert len(np.unique(noise)) == 5
        assert not np.allclose(a, b)

    def test_random_value_drawn_outside_is_constant_across_steps(self):
        srng = RandomStream(seed=3)
        r = srng.uniform(0.0, 1.0, size=(3,))
        out, updates = aesara.scan(lambda v: v * 1.0, non_sequences=r, n_steps=2)
        f = aesara.function([], [r, out], updates=updates)
        r1, o1 = f()
        r2, o2 = f()
        np.testing.assert_allclose(o1, np.stack([r1, r1]))
        np.testing.assert_allclose(o2, np.stack([r2, r2]))
        assert not np.allclose(r1, r2)


# ---------------------------------------------------------------------------
# Errors
# ---------------------------------------------------------------------------


class TestErrors:
    def test_output_dtype_differs_from_outputs_info(self):
        h0 = at.scalar("h0", dtype="float32")
        with pytest.raises((TypeError, ValueError)) as info:
            out, _ = aesara.scan(
                lambda h: at.cast(h, "float64") * 2.0, outputs_info=h0, n_steps=3
            )
            aesara.function([h0], out)
        msg = str(info.value)
        assert "float32" in msg
        assert "float64" in msg

    def test_output_rank_differs_from_outputs_info(self):
        h0 = at.dvector("h0")
        with pytest.raises((TypeError, ValueError)) as info:
            out, _ = aesara.scan(lambda h: at.outer(h, h), outputs_info=h0, n_steps=3)
            aesara.function([h0], out)
        assert (
            re.search(
                r"(?i)ndim|rank|dimension|broadcast|inconsisten|TensorType",
                str(info.value),
            )
            is not None
        )

    def test_taps_for_a_non_sequence_are_rejected(self):
        x = at.dvector("x")
        w = at.dvector("w")
        with pytest.raises((TypeError, ValueError, NotImplementedError)):
            out, _ = aesara.scan(
                lambda v, ww: v + ww.sum(),
                sequences=x,
                non_sequences=[dict(input=w, taps=[-1])],
            )
            aesara.function([x, w], out)

    def test_future_taps_for_outputs_are_rejected(self):
        x0 = at.dvector("x0")
        with pytest.raises(ValueError, match="(?i)tap"):
            aesara.scan(
                lambda a, b: a + b,
                outputs_info=dict(initial=x0, taps=[-1, 1]),
                n_steps=3,
            )

    def test_output_taps_without_initial_state(self):
        with pytest.raises(ValueError, match="(?i)initial"):
            aesara.scan(lambda h: h + 1.0, outputs_info=dict(taps=[-1]), n_steps=3)

    def test_outputs_info_count_mismatch(self):
        x = at.dvector("x")
        h0 = at.dscalar("h0")
        with pytest.raises(ValueError, match="(?i)outputs_info"):
            aesara.scan(lambda v, h: [h + v, h * v], sequences=x, outputs_info=[h0])

    def test_non_scalar_until_condition(self):
        x0 = at.dvector("x0")
        with pytest.raises((TypeError, ValueError, AssertionError)):
            out, _ = aesara.scan(
                lambda h: (h * 2.0, until(h > 10.0)), outputs_info=x0, n_steps=10
            )
            aesara.function([x0], out)

    def test_negative_constant_n_steps(self):
        h0 = at.dscalar("h0")
        with pytest.raises((ValueError, IndexError)) as info:
            out, _ = aesara.scan(lambda h: h * 2.0, outputs_info=h0, n_steps=-3)
            f = aesara.function([h0], out)
            f(1.0)
        assert (
            re.search(r"(?i)n_steps|negative|number of step", str(info.value))
            is not None
        )

    def test_negative_symbolic_n_steps(self):
        h0 = at.dscalar("h0")
        k = at.iscalar("k")
        out, _ = aesara.scan(lambda h: h + 1.0, outputs_info=h0, n_steps=k)
        f = aesara.function([h0, k], out)
        np.testing.assert_allclose(f(0.0, 2), [1.0, 2.0])
        with pytest.raises((ValueError, IndexError)):
            f(0.0, -2)

    def test_float_n_steps(self):
        h0 = at.dscalar("h0")
        k = at.dscalar("k")
        with pytest.raises((TypeError, ValueError), match="n_steps"):
            aesara.scan(lambda h: h + 1.0, outputs_info=h0, n_steps=k)

    def test_no_sequence_and_no_n_steps(self):
        h0 = at.dscalar("h0")
        with pytest.raises(ValueError, match="(?i)n_steps|number of steps"):
            aesara.scan(lambda h: h + 1.0, outputs_info=h0)

    def test_step_returning_non_variable(self):
        x = at.dvector("x")
        with pytest.raises((ValueError, TypeError)):
            aesara.scan(lambda v: "not a variable", sequences=x)

    def test_step_with_wrong_arity(self):
        # Python itself complains when the step does not take the number of
        # arguments scan hands it.
        x = at.dvector("x")
        h0 = at.dscalar("h0")
        with pytest.raises(TypeError):
            aesara.scan(lambda v: v * 2.0, sequences=x, outputs_info=h0)


# ---------------------------------------------------------------------------
# Printing
# ---------------------------------------------------------------------------


class TestPrinting:
    def test_debugprint_shows_the_loop_and_its_inner_graph(self):
        x = at.dvector("x")
        out, _ = aesara.scan(lambda v: at.exp(v) + 1.0, sequences=x, name="expplus")
        text = aesara.dprint(out, file="str")
        assert isinstance(text, str)
        assert "Scan" in text or "for{" in text
        assert "expplus" in text
        assert "Inner graphs:" in text
        inner = text.split("Inner graphs:", 1)[1]
        assert "exp" in inner

    def test_debugprint_of_compiled_function(self):
        x = at.dvector("x")
        h0 = at.dscalar("h0")
        out, _ = aesara.scan(lambda v, h: h * v, sequences=x, outputs_info=h0)
        f = aesara.function([x, h0], out)
        text = aesara.dprint(f, file="str")
        assert "Inner graphs:" in text
        np.testing.assert_allclose(f(np.array([2.0, 3.0]), 1.0), [2.0, 6.0])

    def test_pprint(self):
        x = at.dvector("x")
        out, _ = aesara.scan(lambda v: v * 2.0, sequences=x)
        text = aesara.pprint(out)
        assert isinstance(text, str)
        assert text


# ---------------------------------------------------------------------------
# Exhaustive sweeps (opt-in)
# ---------------------------------------------------------------------------


@pytest.mark.slow
@pytest.mark.parametrize("go_backwards", [False, True])
@pytest.mark.parametrize(
    "taps", [[0], [-1], [1], [-1, 0], [0, 1], [-2, 2], [2, -2, 0], [-4, -1], [1, 3]]
)
@pytest.mark.parametrize("length", [4, 5, 9])
def test_sequence_taps_sweep(length, taps, go_backwards):
    x = at.dvector("x")
    h0 = at.dscalar("h0")
    coefs = [1.0, -2.0, 0.5]

    def step(*args):
        *slices, h = args
        return 0.9 * h + sum(c * s for c, s in zip(coefs, slices))

    out, _ = aesara.scan(
        step,
        sequences=dict(input=x, taps=taps),
        outputs_info=h0,
        go_backwards=go_backwards,
    )
    f = aesara.function([x, h0], out)
    xv = _gen(length).normal(size=length)
    ref, h = [], 0.1
    for window in _tap_windows(xv, taps, go_backwards):
        h = 0.9 * h + sum(c * s for c, s in zip(coefs, window))
        ref.append(h)
    res = f(xv, 0.1)
    assert res.shape == (len(ref),)
    np.testing.assert_allclose(res, ref)


@pytest.mark.slow
@pytest.mark.parametrize("n_steps", [0, 1, 2, 7])
@pytest.mark.parametrize("taps", [[-2], [-2, -1], [-3, -2], [-3, -1], [-5, -2, -1]])
def test_mit_sot_sweep(n_steps, taps):
    depth = -min(taps)
    x0 = at.dvector("x0")
    k = at.iscalar("k")
    coefs = [0.5, -0.25, 1.0]

    def step(*slices):
        return sum(c * s for c, s in zip(coefs, slices)) + 1.0

    out, _ = aesara.scan(step, outputs_info=dict(initial=x0, taps=taps), n_steps=k)
    f = aesara.function([x0, k], out)
    init = _gen(depth).normal(size=depth)
    hist = list(init)
    for _ in range(n_steps):
        hist.append(sum(c * hist[t] for c, t in zip(coefs, taps)) + 1.0)
    res = f(init, n_steps)
    assert res.shape == (n_steps,)
    np.testing.assert_allclose(res, hist[depth:])


@pytest.mark.parametrize("linker", ["cvm", "vm"])
def test_profile_reports_the_inner_function(linker):
    import io

    from aesara.compile.mode import Mode

    x = at.dvector("x")
    out, _ = aesara.scan(
        lambda v, h: h + v * 2,
        sequences=x,
        outputs_info=at.as_tensor(np.float64(0.0)),
        name="cum",
        profile=True,
    )
    f = aesara.function([x], out, profile=True, mode=Mode(linker=linker))
    np.testing.assert_allclose(f(np.arange(3.0)), [0.0, 2.0, 6.0])
    text = io.StringIO()
    f.profile.summary(file=text)
    report = text.getvalue()
    assert "Inner function of forall_inplace,cpu,cum}" in report or (
        "Inner function of for{cpu,cum}" in report
    )
    # One inner call per step.
    assert "Time in 3 calls" in report.split("Inner function of")[1]
