"""copy_generator: the copy a non-in-place RandomVariable draws from."""

from __future__ import annotations

import copy

import numpy as np
import pytest

from aesara.tensor.random.op import copy_generator

BIT_GENERATORS = [
    np.random.PCG64,
    np.random.PCG64DXSM,
    np.random.Philox,
    np.random.SFC64,
    np.random.MT19937,
]


@pytest.mark.parametrize("bit_generator", BIT_GENERATORS)
def test_copy_matches_deepcopy(bit_generator):
    rng = np.random.Generator(bit_generator(np.random.SeedSequence(7, spawn_key=(2,))))
    rng.normal()
    rng.integers(0, 10, dtype=np.uint32)  # leaves a buffered 32-bit half
    rng.spawn(2)
    a, b = copy_generator(rng), copy.deepcopy(rng)
    assert a.bit_generator is not rng.bit_generator
    assert a.bit_generator.seed_seq is not rng.bit_generator.seed_seq
    np.testing.assert_array_equal(
        a.integers(0, 2**31, size=5, dtype=np.uint32),
        b.integers(0, 2**31, size=5, dtype=np.uint32),
    )
    np.testing.assert_array_equal(a.normal(size=3), b.normal(size=3))
    assert a.spawn(1)[0].normal() == b.spawn(1)[0].normal()
    # The original is untouched by the copies' draws and spawns.
    c = copy.deepcopy(rng)
    assert rng.normal() == c.normal()
    assert rng.spawn(1)[0].normal() == c.spawn(1)[0].normal()


@pytest.mark.parametrize("bit_generator", BIT_GENERATORS)
def test_copies_of_copies_keep_the_seed_sequence(bit_generator):
    """A copy's seed sequence is made on demand; copying a copy, spawning
    from it, reading its attributes and pickling it all behave as on
    deep copies."""
    import pickle

    rng = np.random.Generator(bit_generator(np.random.SeedSequence(11, spawn_key=(1,))))
    rng.normal(size=2)
    a = copy_generator(copy_generator(rng))
    b = copy.deepcopy(copy.deepcopy(rng))
    ss = a.bit_generator.seed_seq
    ref = b.bit_generator.seed_seq
    assert (ss.entropy, ss.spawn_key, ss.pool_size, ss.n_children_spawned) == (
        ref.entropy,
        ref.spawn_key,
        ref.pool_size,
        ref.n_children_spawned,
    )
    np.testing.assert_array_equal(ss.generate_state(4), ref.generate_state(4))
    np.testing.assert_array_equal(a.normal(size=4), b.normal(size=4))
    # Spawning from a copy counts, and a copy of it starts from that count.
    a.spawn(2)
    b.spawn(2)
    a2, b2 = copy_generator(a), copy.deepcopy(b)
    assert a2.bit_generator.seed_seq.n_children_spawned == 2
    assert a2.spawn(1)[0].normal() == b2.spawn(1)[0].normal()
    # Pickled, a copy is an ordinary generator with a SeedSequence.
    p = pickle.loads(pickle.dumps(copy_generator(rng)))
    assert type(p.bit_generator.seed_seq) is np.random.SeedSequence
    np.testing.assert_array_equal(p.normal(size=3), copy.deepcopy(rng).normal(size=3))
    assert "SeedSequence" in repr(copy_generator(rng).bit_generator.seed_seq)


def test_other_generators_are_deep_copied():
    rs = np.random.RandomState(1)
    c = copy_generator(rs)
    assert c is not rs and c.normal() == rs.normal()


@pytest.mark.parametrize(
    "p, size",
    [
        (0.5, None),
        (0.3, (4,)),
        (np.array([0.1, 0.9, 0.5]), None),
        (np.array([0.2, 0.7]), (3, 2)),
    ],
)
def test_bernoulli_draws_as_scipy(p, size):
    import scipy.stats as st

    from aesara.tensor.random.basic import BernoulliRV

    ours = BernoulliRV.rng_fn_scipy(np.random.default_rng(3), p, size)
    ref = st.bernoulli.rvs(p, size=size, random_state=np.random.default_rng(3))
    np.testing.assert_array_equal(ours, ref)
    assert np.shape(ours) == np.shape(ref)
