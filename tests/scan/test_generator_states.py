"""Random generators carried by a Scan from step to step.

The inner graph may draw from such a generator in place: the loop hands the
first step a copy of the outer generator (made once per run, not once per
draw), so the outer generator is never changed, and the draws are those of
the same graph compiled without in-place rewrites.
"""

from __future__ import annotations

import numpy as np
import pytest

import aesara
import aesara.tensor as at
from aesara.compile.mode import Mode, get_default_mode
from aesara.tensor.random.op import RandomVariable

NO_INPLACE = get_default_mode().excluding("inplace")
PY_MODE = Mode("py", "fast_run")


def _inner_rvs(f):
    found = []
    for node in f.maker.fgraph.apply_nodes:
        if type(node.op).__name__ == "Scan":
            found += [
                n.op
                for n in node.op.fn.maker.fgraph.apply_nodes
                if isinstance(n.op, RandomVariable)
            ]
    return found


def _walk(n_steps: int, seed: int = 3, mode=None):
    srng = at.random.RandomStream(seed)
    x0 = at.dscalar("x0")

    def step(x):
        return x + srng.normal(0.0, 1.0) + srng.uniform(-1.0, 1.0)

    xs, updates = aesara.scan(step, outputs_info=[x0], n_steps=n_steps, mode=mode)
    return x0, xs, updates, srng


@pytest.mark.parametrize("mode", [None, PY_MODE], ids=["c", "py"])
def test_inner_draws_in_place_match_copies(mode):
    x0, xs, updates, _ = _walk(6)
    f = aesara.function([x0], xs, updates=updates, mode=mode)
    x0b, xsb, updatesb, _ = _walk(6, mode=NO_INPLACE)
    g = aesara.function([x0b], xsb, updates=updatesb, mode=NO_INPLACE)
    assert all(op.inplace for op in _inner_rvs(f))
    assert not any(op.inplace for op in _inner_rvs(g))
    for _ in range(3):  # the generators advance the same way across calls
        np.testing.assert_array_equal(f(0.5), g(0.5))


@pytest.mark.parametrize("mode", [None, PY_MODE], ids=["c", "py"])
def test_outer_generator_is_left_unchanged_without_an_update(mode):
    x0, xs, updates, _ = _walk(4)
    shared_rngs = list(updates)
    assert len(shared_rngs) == 2
    before = [r.get_value(borrow=True) for r in shared_rngs]
    states = [g.bit_generator.state for g in before]
    f = aesara.function([x0], xs, mode=mode)  # no updates: the same draws each call
    assert all(op.inplace for op in _inner_rvs(f))
    a, b = f(0.0), f(0.0)
    np.testing.assert_array_equal(a, b)
    for r, g, st in zip(shared_rngs, before, states):
        assert r.get_value(borrow=True) is g
        assert g.bit_generator.state == st


def test_updated_generator_advances_once_per_call():
    x0, xs, updates, _ = _walk(3)
    f = aesara.function([x0], xs, updates=updates)
    first = f(0.0)
    second = f(0.0)
    assert not np.array_equal(first, second)
    # Resetting the generators gives the first call's draws again, as the
    # graph without in-place draws does.
    x0b, xsb, updatesb, _ = _walk(3, mode=NO_INPLACE)
    g = aesara.function([x0b], xsb, updates=updatesb, mode=NO_INPLACE)
    for k, (ra, rb) in enumerate(zip(updates, updatesb)):
        ra.set_value(np.random.default_rng(k), borrow=True)
        rb.set_value(np.random.default_rng(k), borrow=True)
    np.testing.assert_array_equal(f(0.0), g(0.0))
    np.testing.assert_array_equal(f(0.0), g(0.0))
