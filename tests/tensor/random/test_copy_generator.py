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


def _needs_runtime():
    from aesara.link.c.compiler import c_compiler_available

    if not c_compiler_available():
        pytest.skip("the C state copy needs the C runtime (a working C compiler)")
    from aesara.link.c.runtime import get_runtime

    return get_runtime()


@pytest.mark.parametrize("bit_generator", [np.random.PCG64, np.random.PCG64DXSM])
def test_pcg_states_are_copied_in_c(bit_generator, monkeypatch):
    from aesara.tensor.random import op

    _needs_runtime()
    monkeypatch.setattr(op, "_pcg_copy", None)
    rng = np.random.Generator(bit_generator(np.random.SeedSequence(5)))
    rng.normal()
    rng.integers(0, 10, dtype=np.uint32)  # a buffered 32-bit half to carry
    a, b = copy_generator(rng), copy.deepcopy(rng)
    assert callable(op._pcg_copy)  # checked once, then used
    assert a.bit_generator.state == b.bit_generator.state
    np.testing.assert_array_equal(
        a.integers(0, 2**31, size=5, dtype=np.uint32),
        b.integers(0, 2**31, size=5, dtype=np.uint32),
    )
    c = copy_generator(rng)
    assert c.bit_generator.state == rng.bit_generator.state


def test_a_wrong_c_state_copy_is_turned_off(monkeypatch):
    """The first C copy of a process is checked; a copy that does not give
    the same state turns the C path off and the copy is still right."""
    from aesara.link.c import runtime
    from aesara.tensor.random import op

    _needs_runtime()

    class FakeRuntime:
        @staticmethod
        def copy_pcg64_state(src, dst):
            pass  # copies nothing

    monkeypatch.setattr(runtime, "_runtime", FakeRuntime)
    monkeypatch.setattr(op, "_pcg_copy", None)
    rng = np.random.default_rng(9)
    rng.normal(size=3)
    a = copy_generator(rng)
    assert op._pcg_copy is False
    assert a.bit_generator.state == rng.bit_generator.state
    assert a.normal() == copy.deepcopy(rng).normal()


def test_c_state_copy_checks_its_arguments():
    rt = _needs_runtime()
    with pytest.raises(TypeError, match="different types"):
        rt.copy_pcg64_state(np.random.PCG64(1), np.random.PCG64DXSM(1))
    with pytest.raises(TypeError, match="two bit generators"):
        rt.copy_pcg64_state(np.random.PCG64(1))
