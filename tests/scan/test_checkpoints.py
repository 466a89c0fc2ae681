"""``aesara.scan.checkpoints.scan_checkpoints`` gives the values (at every
``save_every_N``-th step and at the last step) and the gradients of the
equivalent plain ``scan``."""

from __future__ import annotations

import numpy as np
import pytest

import aesara
import aesara.tensor as at
from aesara.scan.checkpoints import scan_checkpoints


def _kept_steps(n_steps, every):
    """Indices of the plain-scan steps that ``scan_checkpoints`` returns."""
    idx = list(range(every - 1, n_steps, every))
    if not idx or idx[-1] != n_steps - 1:
        idx.append(n_steps - 1)
    return idx


def _rnn_step(x_t, h, w):
    return at.tanh(at.dot(h, w) + x_t)


class TestPowerLoop:
    """A loop with no sequence: ``n_steps`` gives the length."""

    def setup_method(self):
        self.a = at.dvector("a")
        self.k = at.iscalar("k")

        def step(prev, base):
            return prev * base

        plain, _ = aesara.scan(
            step,
            outputs_info=at.ones_like(self.a),
            non_sequences=self.a,
            n_steps=self.k,
        )
        ck, ck_updates = scan_checkpoints(
            step,
            outputs_info=at.ones_like(self.a),
            non_sequences=self.a,
            n_steps=self.k,
            save_every_N=4,
        )
        self.plain, self.ck, self.ck_updates = plain, ck, ck_updates

    def test_forward_values(self):
        assert len(self.ck_updates) == 0
        f = aesara.function([self.a, self.k], [self.plain, self.ck])
        av = np.array([1.0, 1.1, -0.9, 0.5])
        for k in (10, 8, 3):
            full, kept = f(av, k)
            np.testing.assert_allclose(full[-1], av**k)
            np.testing.assert_allclose(kept[-1], full[-1])
            np.testing.assert_allclose(kept, full[_kept_steps(k, 4)])

    def test_gradient(self):
        g_plain = aesara.grad(self.plain[-1].sum(), self.a)
        g_ck = aesara.grad(self.ck[-1].sum(), self.a)
        f = aesara.function([self.a, self.k], [g_plain, g_ck])
        av = np.array([1.0, 1.1, -0.9, 0.5])
        r_plain, r_ck = f(av, 10)
        np.testing.assert_allclose(r_plain, 10 * av**9)
        np.testing.assert_allclose(r_ck, r_plain)


@pytest.mark.parametrize(
    "length, every",
    [
        (23, 10),
        pytest.param(20, 5, marks=pytest.mark.slow),
        pytest.param(25, 10, marks=pytest.mark.slow),
        pytest.param(7, 10, marks=pytest.mark.slow),
        (9, 3),
    ],
    ids=lambda v: str(v),
)
def test_rnn_matches_plain_scan(length, every):
    X = at.dmatrix("X")
    h0 = at.dvector("h0")
    W = at.dmatrix("W")

    plain, _ = aesara.scan(_rnn_step, sequences=X, outputs_info=h0, non_sequences=W)
    ck, _ = scan_checkpoints(
        _rnn_step,
        sequences=[X],
        outputs_info=[h0],
        non_sequences=[W],
        save_every_N=every,
    )
    cost_plain = (plain[-1] ** 2).sum()
    cost_ck = (ck[-1] ** 2).sum()
    grads_plain = aesara.grad(cost_plain, [X, h0, W])
    grads_ck = aesara.grad(cost_ck, [X, h0, W])
    f = aesara.function([X, h0, W], [plain, ck, *grads_plain, *grads_ck])

    rng = np.random.default_rng(length * 100 + every)
    xv = rng.normal(size=(length, 3))
    h0v = rng.normal(size=3)
    wv = rng.normal(size=(3, 3)) * 0.6
    full, kept, *grads = f(xv, h0v, wv)

    ref, h = [], h0v
    for x_t in xv:
        h = np.tanh(h @ wv + x_t)
        ref.append(h)
    np.testing.assert_allclose(full, np.stack(ref))
    np.testing.assert_allclose(kept, full[_kept_steps(length, every)])

    g_plain, g_ck = grads[:3], grads[3:]
    assert g_ck[0].shape == xv.shape
    for a, b in zip(g_ck, g_plain):
        np.testing.assert_allclose(a, b, rtol=1e-7, atol=1e-10)


def test_vector_sequence_and_map_like_output():
    x = at.dvector("x")
    h0 = at.dscalar("h0")
    c = at.dscalar("c")

    def step(v, h, cc):
        new = h * cc + v
        return [new, new * v]

    (p_h, p_z), _ = aesara.scan(
        step, sequences=x, outputs_info=[h0, None], non_sequences=c
    )
    (k_h, k_z), _ = scan_checkpoints(
        step, sequences=[x], outputs_info=[h0, None], non_sequences=[c], save_every_N=4
    )
    cost_p = p_h[-1] + p_z[-1]
    k_cost = k_h[-1] + k_z[-1]
    g_p = aesara.grad(cost_p, [x, h0, c])
    g_k = aesara.grad(k_cost, [x, h0, c])
    f = aesara.function([x, h0, c], [p_h, p_z, k_h, k_z, *g_p, *g_k])

    xv = np.random.default_rng(5).normal(size=12)
    r_ph, r_pz, r_kh, r_kz, *grads = f(xv, 0.5, 0.9)
    ref_h, ref_z, h = [], [], 0.5
    for v in xv:
        h = h * 0.9 + v
        ref_h.append(h)
        ref_z.append(h * v)
    np.testing.assert_allclose(r_ph, ref_h)
    np.testing.assert_allclose(r_pz, ref_z)
    kept = _kept_steps(12, 4)
    np.testing.assert_allclose(r_kh, np.array(ref_h)[kept])
    np.testing.assert_allclose(r_kz, np.array(ref_z)[kept])
    for a, b in zip(grads[3:], grads[:3]):
        np.testing.assert_allclose(a, b)


def test_without_padding_when_length_is_a_multiple():
    X = at.dmatrix("X")
    h0 = at.dvector("h0")
    W = at.dmatrix("W")
    ck, _ = scan_checkpoints(
        _rnn_step,
        sequences=[X],
        outputs_info=[h0],
        non_sequences=[W],
        save_every_N=3,
        padding=False,
    )
    f = aesara.function([X, h0, W], ck[-1])
    rng = np.random.default_rng(8)
    xv = rng.normal(size=(9, 2))
    h0v = rng.normal(size=2)
    wv = rng.normal(size=(2, 2))
    h = h0v
    for x_t in xv:
        h = np.tanh(h @ wv + x_t)
    np.testing.assert_allclose(f(xv, h0v, wv), h)


def test_without_non_sequences():
    x = at.dvector("x")
    h0 = at.dscalar("h0")
    plain, _ = aesara.scan(lambda v, h: h * 0.5 + v, sequences=x, outputs_info=h0)
    ck, _ = scan_checkpoints(
        lambda v, h: h * 0.5 + v, sequences=[x], outputs_info=[h0], save_every_N=5
    )
    g_plain = aesara.grad(plain[-1], x)
    g_ck = aesara.grad(ck[-1], x)
    f = aesara.function([x, h0], [plain, ck, g_plain, g_ck])
    xv = np.arange(10.0)
    full, kept, gp, gk = f(xv, 1.0)
    np.testing.assert_allclose(kept, full[[4, 9]])
    np.testing.assert_allclose(gk, gp)
    np.testing.assert_allclose(gp, 0.5 ** np.arange(9, -1, -1))


def test_output_taps_are_rejected():
    h0 = at.dvector("h0")
    with pytest.raises(RuntimeError, match="taps"):
        scan_checkpoints(
            lambda a, b: a + b,
            outputs_info=[dict(initial=h0, taps=[-2, -1])],
            n_steps=4,
        )
