"""Tests of aesara.tensor.nnet.ctc against brute-force path enumeration."""

from __future__ import annotations

import itertools
import warnings

import numpy as np
import pytest
import scipy.special as sp

import aesara
import aesara.tensor as at
from aesara.gradient import verify_grad

with warnings.catch_warnings():
    warnings.simplefilter("ignore", DeprecationWarning)
    from aesara.tensor.nnet.ctc import (
        ConnectionistTemporalClassification,
        ctc,
        ctc_available,
    )


def brute_force_nll(acts, label):
    """-log of the summed probability of every alignment collapsing to label."""
    T, A = acts.shape
    logp = sp.log_softmax(acts, axis=1)
    total = -np.inf
    for path in itertools.product(range(A), repeat=T):
        collapsed = [
            k for i, k in enumerate(path) if k != 0 and (i == 0 or path[i - 1] != k)
        ]
        if collapsed == list(label):
            total = np.logaddexp(total, sum(logp[t, k] for t, k in enumerate(path)))
    return -total


def test_ctc_costs_match_brute_force():
    rng = np.random.default_rng(0)
    T, B, A = 5, 3, 3
    acts = rng.normal(size=(T, B, A)).astype("float32")
    labels = np.array([[1, 2], [2, 2], [1, -1]], dtype="int32")
    lengths = np.array([5, 5, 3], dtype="int32")
    a, lab, ln = at.ftensor3(), at.imatrix(), at.ivector()
    cost = aesara.function([a, lab, ln], ctc(a, lab, ln))(acts, labels, lengths)
    assert cost.dtype == np.float32
    ref = [
        brute_force_nll(acts[:5, 0].astype("float64"), [1, 2]),
        brute_force_nll(acts[:5, 1].astype("float64"), [2, 2]),
        brute_force_nll(acts[:3, 2].astype("float64"), [1]),
    ]
    np.testing.assert_allclose(cost, ref, rtol=1e-5)


def test_ctc_gradient():
    rng = np.random.default_rng(1)
    acts = rng.normal(size=(4, 2, 3))
    labels = np.array([[1, 2], [1, -1]], dtype="int32")
    lengths = np.array([4, 3], dtype="int32")
    verify_grad(lambda a: ctc(a, labels, lengths), [acts], rng=rng)
    # padded time steps get no gradient
    a = at.dtensor3()
    g = aesara.function([a], aesara.grad(ctc(a, labels, lengths).sum(), a))(acts)
    np.testing.assert_array_equal(g[3, 1], 0)


def test_ctc_bad_inputs():
    assert ctc_available()
    with pytest.raises(TypeError, match="int32"):
        ctc(at.ftensor3(), at.lmatrix(), at.ivector())
    with pytest.raises(ValueError, match="3 dimensions"):
        ctc(at.fmatrix(), at.imatrix(), at.ivector())
    with pytest.raises(TypeError, match="float"):
        ctc(at.itensor3(), at.imatrix(), at.ivector())
    a, lab, ln = at.dtensor3(), at.imatrix(), at.ivector()
    f = aesara.function([a, lab, ln], ctc(a, lab, ln))
    with pytest.raises(ValueError, match="batch sizes"):
        f(np.zeros((3, 2, 3)), np.zeros((1, 1), "int32"), np.array([3, 3], "int32"))
    with pytest.raises(ValueError, match="alphabet"):
        f(np.zeros((3, 1, 3)), np.array([[5]], "int32"), np.array([3], "int32"))
    op = ConnectionistTemporalClassification(compute_grad=False)
    assert len(op.make_node(a, lab, ln).outputs) == 1
