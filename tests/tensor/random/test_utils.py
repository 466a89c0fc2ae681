"""RandomStream: which generator each draw gets, as Aesara seeds them."""

from __future__ import annotations

import numpy as np

import aesara
from aesara.tensor.random.utils import RandomStream


def _children(seed, n):
    return np.random.SeedSequence(seed).spawn(n)


def test_generators_are_seeded_by_spawned_seed_sequences():
    # The k-th generator of a stream is default_rng(k-th child of
    # SeedSequence(seed)): the same draws as Aesara for the same seed.
    srng = RandomStream(seed=59)
    a = srng.normal(0, 1)
    b = srng.uniform(0, 1, size=(3,))
    f = aesara.function([], [a, b], updates=srng.updates())
    va, vb = f()
    ca, cb = _children(59, 2)
    assert va == np.random.default_rng(ca).normal(0, 1)
    np.testing.assert_array_equal(vb, np.random.default_rng(cb).uniform(0, 1, size=3))


def test_reseed_restarts_the_same_streams():
    srng = RandomStream(seed=3)
    x = srng.normal(0, 1, size=(2,))
    f = aesara.function([], x, updates=srng.updates())
    first = f()
    assert not np.array_equal(first, f())
    srng.seed(3)
    np.testing.assert_array_equal(f(), first)
    srng.seed(11)
    (child,) = _children(11, 1)
    np.testing.assert_array_equal(
        f(), np.random.default_rng(child).normal(0, 1, size=2)
    )


def test_random_state_streams():
    srng = RandomStream(seed=3, rng_ctor=np.random.RandomState)
    x = srng.normal(0, 1, size=(2,))
    f = aesara.function([], x, updates=srng.updates())
    (child,) = _children(3, 1)
    expected = np.random.RandomState(np.random.MT19937(child)).normal(0, 1, size=2)
    np.testing.assert_array_equal(f(), expected)
