"""Op database entries for loops (``aesara.scan``): each against a plain NumPy loop."""

from __future__ import annotations

import numpy as np

import aesara
import aesara.tensor as at
from aesara.scan.utils import until
from tests.op_db import ErrorSample, OpInfo, Sample, register

# ---------------------------------------------------------------------------
# A recurrent layer: h_t = tanh(W h_{t-1} + x_t)  (sequence, sit_sot, non-sequence)
# ---------------------------------------------------------------------------


def _rnn(x, h0, W):
    out, _ = aesara.scan(
        lambda xt, h, W: at.tanh(W @ h + xt),
        sequences=x,
        outputs_info=h0,
        non_sequences=W,
    )
    return out


def _rnn_ref(x, h0, W):
    h, res = h0, []
    for xt in x:
        h = np.tanh(W @ h + xt)
        res.append(h)
    return np.array(res).reshape((len(x),) + h0.shape)


def _rnn_samples(rng):
    W = rng.normal(size=(3, 3)) * 0.5
    return [
        Sample((rng.normal(size=(5, 3)), rng.normal(size=3), W), name="5-steps"),
        Sample((rng.normal(size=(1, 3)), rng.normal(size=3), W), name="1-step"),
        Sample((np.zeros((0, 3)), rng.normal(size=3), W), name="0-steps"),
        Sample(
            (rng.normal(size=(3, 4)).T, rng.normal(size=3), W), name="transposed-seq"
        ),
        Sample(
            (rng.normal(size=(4, 2)), rng.normal(size=2), W[:2, :2]),
            name="static",
            static_shape=True,
        ),
    ]


register(
    OpInfo(
        name="scan_rnn",
        build=_rnn,
        ref=_rnn_ref,
        samples=_rnn_samples,
        grad_samples=lambda rng: _rnn_samples(rng)[:1],
        errors=[
            ErrorSample(
                (
                    np.zeros((4, 3), dtype="float32"),
                    np.zeros(3, dtype="float32"),
                    np.eye(3),
                ),
                TypeError,
                match="dtype",
                name="state-dtype-changes",
            ),
        ],
        differentiable=True,
        family="scan",
    )
)

# ---------------------------------------------------------------------------
# Two past values (mit_sot) and a scalar parameter
# ---------------------------------------------------------------------------


def _lagged(x0, a, n_steps=6):
    out, _ = aesara.scan(
        lambda p2, p1, a: a * p2 + 0.5 * p1 * p1,
        outputs_info=dict(initial=x0, taps=[-2, -1]),
        non_sequences=a,
        n_steps=n_steps,
    )
    return out


def _lagged_ref(x0, a, n_steps=6):
    vals = list(x0[:2])
    for _ in range(n_steps):
        vals.append(a * vals[-2] + 0.5 * vals[-1] * vals[-1])
    return np.array(vals[2:]).reshape((n_steps,) + np.shape(x0)[1:])


def _lagged_samples(rng):
    return [
        Sample((rng.normal(size=2) * 0.5, np.float64(0.7)), name="scalar-states"),
        Sample((rng.normal(size=(2, 3)) * 0.5, np.float64(-0.4)), name="vector-states"),
        Sample(
            (rng.normal(size=2) * 0.5, np.float64(0.7)), {"n_steps": 0}, name="0-steps"
        ),
    ]


register(
    OpInfo(
        name="scan_mit_sot",
        build=_lagged,
        ref=_lagged_ref,
        samples=_lagged_samples,
        grad_samples=lambda rng: _lagged_samples(rng)[1:2],
        differentiable=True,
        family="scan",
    )
)

# ---------------------------------------------------------------------------
# A map over two sequences of unequal length, one read with taps
# ---------------------------------------------------------------------------


def _map2(x, y):
    out, _ = aesara.scan(
        lambda xm, x0, x1, yt: xm * x1 + at.sin(x0) * yt,
        sequences=[dict(input=x, taps=[-1, 0, 1]), y],
    )
    return out


def _map2_ref(x, y):
    n = min(len(x) - 2, len(y))
    return np.array(
        [x[t] * x[t + 2] + np.sin(x[t + 1]) * y[t] for t in range(n)]
    ).reshape((n,) + x.shape[1:])


def _map2_samples(rng):
    return [
        Sample((rng.normal(size=7), rng.normal(size=4)), name="y-shorter"),
        Sample((rng.normal(size=5), rng.normal(size=9)), name="x-shorter"),
        Sample((rng.normal(size=(6, 2)), rng.normal(size=(6, 2))), name="matrix-rows"),
        Sample((rng.normal(size=2), rng.normal(size=3)), name="0-steps"),
        Sample((rng.normal(size=(12,))[::2], rng.normal(size=5)), name="strided"),
    ]


register(
    OpInfo(
        name="scan_map_taps",
        build=_map2,
        ref=_map2_ref,
        samples=_map2_samples,
        differentiable=True,
        # Gradient checks compile the forward and backward loops: one sample.
        grad_samples=lambda rng: [
            Sample((rng.normal(size=6), rng.normal(size=3)), name="y-shorter")
        ],
        family="scan",
    )
)

# ---------------------------------------------------------------------------
# A while loop and a nit_sot integer counter
# ---------------------------------------------------------------------------


def _grow(h0, rate):
    out, _ = aesara.scan(
        lambda h, r: (h * r, until(h * r > 50.0)),
        outputs_info=h0,
        non_sequences=rate,
        n_steps=40,
    )
    return out


def _grow_ref(h0, rate):
    h, res = h0, []
    for _ in range(40):
        h = h * rate
        res.append(h)
        if h > 50.0:
            break
    return np.array(res, dtype="float64")


def _grow_samples(rng):
    return [
        Sample((np.float64(1.3), np.float64(1.7)), name="stops"),
        Sample((np.float64(80.0), np.float64(1.1)), name="stops-at-step-0"),
        Sample((np.float64(0.1), np.float64(1.01)), name="runs-all-steps"),
    ]


register(
    OpInfo(
        name="scan_while",
        build=_grow,
        ref=_grow_ref,
        samples=_grow_samples,
        grad_samples=lambda rng: _grow_samples(rng)[:1],
        differentiable=True,
        family="scan",
    )
)


def _reduce_prod(x):
    out, _ = aesara.reduce(
        lambda v, acc: acc * v, sequences=x, outputs_info=at.ones_like(x[0])
    )
    return out


register(
    OpInfo(
        name="scan_reduce",
        build=_reduce_prod,
        ref=lambda x: np.prod(x, axis=0),
        samples=lambda rng: [
            Sample((rng.normal(size=5),), name="vector"),
            Sample((rng.normal(size=(4, 3)),), name="matrix"),
        ],
        grad_samples=lambda rng: [Sample((rng.normal(size=(4, 2)),), name="matrix")],
        differentiable=True,
        family="scan",
    )
)
