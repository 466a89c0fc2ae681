"""MRG31k3p streams: exact values, reproducibility, statistics and errors."""

import warnings

import numpy as np
import pytest

import aesara
import aesara.tensor as at
from aesara.compile.mode import Mode
from aesara.gradient import NullTypeGradError

with warnings.catch_warnings():
    warnings.simplefilter("ignore", DeprecationWarning)
    from aesara.sandbox import rng_mrg
    from aesara.sandbox.rng_mrg import (
        M1,
        M2,
        DotModulo,
        MRG_RandomStream,
        ff_2p72,
        ff_2p134,
        guess_n_streams,
        mrg_uniform,
    )

# Values printed by Aesara 2.9.4 for the same calls (see
# test_values_match_aesara); the first numbers are also those of L'Ecuyer's
# reference (Java) implementation for the default seed.
REF_U64 = [
    [
        0.7353244530968368,
        0.2585685825906694,
        0.6940806899219751,
        0.6142074400559068,
        0.9489980279468,
        0.18046841165050864,
        0.11007806099951267,
    ],
    [
        0.6487741703167558,
        0.4309556516818702,
        0.003993193618953228,
        0.36619443260133266,
        0.12257590936496854,
        0.5351603352464736,
        0.10882294131442904,
    ],
]
REF_U32 = [
    0.5180769562721252,
    0.23193922638893127,
    0.3619765639305115,
    0.1112075075507164,
    0.5018560886383057,
    0.3114330768585205,
    0.40668514370918274,
    0.04314296320080757,
    0.3284054100513458,
    0.8040460348129272,
]
REF_NORMAL = [
    -0.1725205170689826,
    1.4137402219904969,
    0.9743813648696177,
    -0.5597978443286691,
    -1.508707301223298,
]
REF_BINOM = [1, 1, 0, 1, 0, 0, 1, 0]
REF_MULTI = [[0, 1, 2], [3, 0, 0]]
REF_CHOICE = [[1, 2], [1, 0]]
REF_SYM = [
    0.9494950002990663,
    0.3588241692632437,
    0.869295812677592,
    0.6165989111177623,
]
REF_SUB1 = [2064978019, 1645116392, 1248260906, 1859276422, 116063193, 944784485]
REF_SEEDED = [
    0.1480453610420227,
    0.6990689863450825,
    0.24280990846455097,
    0.14728991268202662,
    0.9701193850487471,
    0.3308154274709523,
    0.6428163279779255,
]
REF_FF72 = [1613322692, 623311037, 1722317882, 1563970864, 792350268, 619030428]


def test_values_match_aesara():
    R = MRG_RandomStream(12345)
    u = R.uniform(size=(7,), nstreams=3, dtype="float64")
    f = aesara.function([], u)
    np.testing.assert_array_equal(f(), REF_U64[0])
    np.testing.assert_array_equal(f(), REF_U64[1])
    u32 = aesara.function([], R.uniform(size=(2, 5), dtype="float32"))()
    assert u32.dtype == "float32" and u32.shape == (2, 5)
    np.testing.assert_array_equal(u32.ravel(), np.asarray(REF_U32, dtype="float32"))
    normal = aesara.function([], R.normal(size=(5,), dtype="float64", nstreams=2))()
    np.testing.assert_allclose(normal, REF_NORMAL, rtol=1e-14)
    aesara.function([], R.normal(size=(9,), dtype="float64", truncate=True, nstreams=4))
    binom = aesara.function([], R.binomial(size=(8,), p=0.3))()
    assert binom.tolist() == REF_BINOM
    pvals = np.array([[0.2, 0.3, 0.5], [0.9, 0.05, 0.05]])
    assert aesara.function([], R.multinomial(pvals=pvals, n=3))().tolist() == REF_MULTI
    p = np.array([[0.1, 0.2, 0.3, 0.4], [0.4, 0.3, 0.2, 0.1]])
    choice = aesara.function([], R.choice(size=2, p=p, replace=False))()
    assert choice.tolist() == REF_CHOICE
    s = at.lvector()
    fs = aesara.function([s], R.uniform(size=s, ndim=1, dtype="float64"))
    np.testing.assert_array_equal(fs([4]), REF_SYM)
    assert R.get_substream_rstates(5, "float64")[1].tolist() == REF_SUB1
    R.seed(77)
    np.testing.assert_array_equal(f(), REF_SEEDED)


def test_stream_jumps():
    state = np.array([12345] * 6, dtype="int32")
    assert ff_2p72(state).tolist() == REF_FF72
    assert ff_2p72(state).dtype == np.int32
    # The jump matrices are powers of the one-step matrices: checking a
    # small power against stepping the generator checks the step too.
    eight1 = rng_mrg._jump_matrix(rng_mrg.A1p0, 3, int(M1))
    eight2 = rng_mrg._jump_matrix(rng_mrg.A2p0, 3, int(M2))
    stepped = state.reshape(1, 6).copy()
    for _ in range(8):
        rng_mrg._advance(stepped)
    jumped = rng_mrg.multMatVect(state, eight1, M1, eight2, M2)
    assert stepped[0].tolist() == jumped.tolist()
    # 2**134 = (2**72) ** ... : two jumps of 2**133 make one of 2**134.
    half1 = rng_mrg._jump_matrix(rng_mrg.A1p0, 133, int(M1))
    half2 = rng_mrg._jump_matrix(rng_mrg.A2p0, 133, int(M2))
    twice = rng_mrg.multMatVect(
        rng_mrg.multMatVect(state, half1, M1, half2, M2), half1, M1, half2, M2
    )
    assert twice.tolist() == ff_2p134(state).tolist()


def test_mrg_next_value_matches_the_op():
    state = np.array([[1, 2, 3, 4, 5, 6]], dtype="int32")
    new = np.empty(6, dtype="int32")
    value = rng_mrg.mrg_next_value(
        state[0], new, NORM=rng_mrg.NORM, mask=0xFFFFFFFF, offset=0
    )
    rstate = aesara.shared(state.copy())
    new_state, sample = mrg_uniform.new(rstate, None, "float64", (1,))
    got_state, got = aesara.function([], [new_state, sample])()
    assert got[0] == value
    assert got_state[0].tolist() == new.tolist()


@pytest.mark.parametrize("n_streams", [1, 7, 3])
def test_parallel_streams_equal_serial_streams(n_streams):
    # Element i comes from stream i % n_streams.
    first = np.array([12345] * 6, dtype="int32")
    states = [first]
    for _ in range(n_streams - 1):
        states.append(ff_2p72(states[-1]))
    rstate = aesara.shared(np.array(states))
    new_state, sample = mrg_uniform.new(rstate, None, "float64", (2 * n_streams + 1,))
    parallel = aesara.function([], sample, updates=[(rstate, new_state)])()
    for k, st in enumerate(states):
        one = aesara.shared(np.array([st]))
        ns, smp = mrg_uniform.new(one, None, "float64", (3,))
        serial = aesara.function([], smp)()
        np.testing.assert_array_equal(
            parallel[k::n_streams], serial[: len(parallel[k::n_streams])]
        )


def test_deterministic_and_advancing():
    R = MRG_RandomStream(seed=4321)
    f = aesara.function([], R.uniform(size=(10, 20)))
    a1, a2 = f(), f()
    assert not np.allclose(a1, a2)
    R2 = MRG_RandomStream(seed=4321)
    g = aesara.function([], R2.uniform(size=(10, 20)))
    np.testing.assert_array_equal(g(), a1)
    np.testing.assert_array_equal(g(), a2)
    R.seed()
    np.testing.assert_array_equal(f(), a1)


def test_state_updates_and_updates():
    R = MRG_RandomStream(11)
    R.uniform(size=(3,))
    R.normal(size=(4,))
    assert len(R.state_updates) == 2
    for old, new in R.updates():
        assert old.default_update is new


@pytest.mark.parametrize("dtype", ["float64", "float32", "float16"])
def test_uniform_statistics(dtype):
    R = MRG_RandomStream(234)
    u = R.uniform(size=(200, 100), low=-2.0, high=3.0, dtype=dtype, nstreams=500)
    sample = aesara.function([], u)()
    assert sample.dtype == dtype and sample.shape == (200, 100)
    assert sample.min() >= -2 and sample.max() <= 3
    np.testing.assert_allclose(sample.mean(dtype="float64"), 0.5, atol=0.05)
    np.testing.assert_allclose(sample.var(dtype="float64"), 25 / 12, rtol=0.05)


def test_uniform_symbolic_bounds_and_size():
    R = MRG_RandomStream(9)
    low, high, n = at.dscalar(), at.dscalar(), at.lscalar()
    u = R.uniform(size=(n, 3), low=low, high=high, dtype="float64")
    f = aesara.function([low, high, n], u)
    out = f(10.0, 11.0, 50)
    assert out.shape == (50, 3) and out.min() >= 10 and out.max() <= 11
    assert f(0.0, 1.0, 2).shape == (2, 3)


def test_broadcastable_dims():
    R = MRG_RandomStream(5)
    u = R.uniform(size=(1, 4))
    assert u.type.shape == (1, None)
    with pytest.raises(NotImplementedError, match="broadcasting"):
        R.uniform(size=(1,), low=at.dvector())


@pytest.mark.parametrize("truncate", [False, True])
def test_normal_statistics(truncate):
    R = MRG_RandomStream(77)
    n = R.normal(size=(301, 67), avg=3.0, std=2.0, truncate=truncate, dtype="float64")
    sample = aesara.function([], n)()
    assert sample.shape == (301, 67)
    np.testing.assert_allclose(sample.mean(), 3.0, atol=0.05)
    if truncate:
        assert sample.min() >= 3 - 4 - 1e-9 and sample.max() <= 3 + 4 + 1e-9
        np.testing.assert_allclose(sample.std(), 2.0 * 0.87962566, rtol=0.03)
    else:
        np.testing.assert_allclose(sample.std(), 2.0, rtol=0.03)


def test_truncated_normal_has_the_requested_std():
    R = MRG_RandomStream(88)
    sample = aesara.function([], R.truncated_normal(size=(40000,), std=1.5))()
    np.testing.assert_allclose(sample.std(), 1.5, rtol=0.03)
    assert np.abs(sample).max() <= 2 * 1.5 / 0.87962566 + 1e-6


@pytest.mark.parametrize("size", [7, (3, 5), [2, 3]])
def test_normal_sizes(size):
    R = MRG_RandomStream(3)
    out = aesara.function([], R.normal(size=size))()
    expected = (size,) if isinstance(size, int) else tuple(size)
    assert out.shape == expected
    n = at.lscalar()
    g = aesara.function([n], R.normal(size=(n, 3)))
    assert g(5).shape == (5, 3)


def test_binomial_statistics():
    R = MRG_RandomStream(19)
    p = at.dscalar()
    f = aesara.function([p], R.binomial(size=(5000,), p=p, dtype="int8"))
    draws = f(0.2)
    assert draws.dtype == "int8" and set(np.unique(draws)) <= {0, 1}
    np.testing.assert_allclose(draws.mean(), 0.2, atol=0.02)
    with pytest.raises(NotImplementedError):
        R.binomial(size=(3,), n=2)


def test_multinomial_statistics():
    R = MRG_RandomStream(23)
    pvals = np.array([[0.1, 0.2, 0.7], [0.5, 0.5, 0.0]])
    f = aesara.function([], R.multinomial(pvals=pvals, n=4000))
    counts = f()
    assert counts.tolist()[1][2] == 0
    np.testing.assert_array_equal(counts.sum(axis=1), [4000, 4000])
    np.testing.assert_allclose(counts / 4000, pvals, atol=0.03)


def test_choice_without_replacement():
    R = MRG_RandomStream(29)
    p = at.dmatrix()
    f = aesara.function([p], R.choice(size=3, p=p, replace=False))
    probs = np.full((50, 4), 0.25)
    draws = f(probs)
    assert draws.shape == (50, 3)
    for row in draws:
        assert len(set(row)) == 3 and row.min() >= 0 and row.max() <= 3
    with pytest.warns(DeprecationWarning):
        w = R.multinomial_wo_replacement(pvals=p, n=2)
    assert aesara.function([p], w)(probs).shape == (50, 2)


def test_bad_arguments():
    R = MRG_RandomStream(1)
    with pytest.raises(ValueError):
        R.uniform(size=(0, 3))
    with pytest.raises(TypeError):
        R.uniform(size=(1.5,))
    with pytest.raises(TypeError):
        R.uniform(size=at.dmatrix())
    with pytest.raises(TypeError, match="unexpected keyword"):
        R.uniform(size=(2,), bogus=1)
    with pytest.raises(ValueError):
        R.normal(size=(2, -1))
    with pytest.raises(ValueError):
        R.normal(size=at.dmatrix())
    with pytest.raises(ValueError):
        R.normal(size="big")
    with pytest.raises(TypeError, match="pvals"):
        R.multinomial()
    with pytest.raises(ValueError, match="size"):
        R.multinomial(size=(2,), pvals=np.ones((2, 2)) / 2)
    with pytest.raises(NotImplementedError):
        R.multinomial(pvals=np.ones(3) / 3)
    with pytest.raises(NotImplementedError):
        R.choice(size=1, p=np.ones((1, 3)) / 3)
    with pytest.raises(TypeError):
        R.choice(size=1, a=3, p=np.ones((1, 3)) / 3, replace=False)


@pytest.mark.parametrize(
    "seed",
    [
        0,
        -3,
        2147462579,
        [0, 0, 0, 1, 1, 1],
        [1, 1, 1, 0, 0, 0],
        [2**31 - 1, 1, 1, 1, 1, 1],
    ],
)
def test_bad_seeds(seed):
    with pytest.raises(ValueError):
        MRG_RandomStream(seed)


def test_seed_type_error_and_six_value_seed():
    with pytest.raises(TypeError):
        MRG_RandomStream("abc")
    R = MRG_RandomStream([1, 2, 3, 4, 5, 6])
    assert R.rstate.tolist() == [1, 2, 3, 4, 5, 6]


def test_guess_n_streams():
    assert guess_n_streams((2, 3)) == 6
    assert guess_n_streams((10, 60)) == 100
    assert guess_n_streams((10**6,)) == 60 * 256
    with pytest.warns(DeprecationWarning):
        assert guess_n_streams(at.lvector(), warn=True) == 60 * 256


def test_inplace_rewrite_applied():
    R = MRG_RandomStream(2)
    f = aesara.function([], R.uniform(size=(4,)))
    ops = [n.op for n in f.maker.fgraph.apply_nodes if isinstance(n.op, mrg_uniform)]
    assert len(ops) == 1 and ops[0].inplace and ops[0].destroy_map == {0: [0]}
    g = aesara.function([], R.uniform(size=(4,)), mode="FAST_COMPILE")
    ops = [n.op for n in g.maker.fgraph.apply_nodes if isinstance(n.op, mrg_uniform)]
    assert not ops[0].inplace


def test_python_vm_gives_the_same_numbers():
    outs = []
    for mode in (None, Mode(linker="vm", optimizer="fast_run"), "FAST_COMPILE"):
        R = MRG_RandomStream(31)
        f = aesara.function([], R.normal(size=(5, 3)), mode=mode)
        outs.append([f(), f()])
    for other in outs[1:]:
        np.testing.assert_allclose(other, outs[0], rtol=1e-12)


def test_op_errors():
    rstate = aesara.shared(np.ones((2, 6), dtype="int32"))
    with pytest.raises(TypeError, match="int32 matrix"):
        mrg_uniform.new(aesara.shared(np.ones((2, 6))), 1, "float64", (3,))
    with pytest.raises(TypeError, match="integer vector"):
        mrg_uniform.new(rstate, 1, "float64", at.dvector())
    s = at.lvector()
    _, sample = mrg_uniform.new(rstate, 1, "float64", s)
    f = aesara.function([s], sample)
    with pytest.raises(ValueError, match="length"):
        f([2, 2])
    with pytest.raises(ValueError, match="2\\*\\*31"):
        f([2**31])


def test_no_gradient_through_sampling():
    R = MRG_RandomStream(3)
    low = at.dscalar()
    u = R.uniform(size=(3,), low=low, high=low + 1)
    with pytest.raises(NullTypeGradError):
        aesara.grad(u.sum(), low)
    n = R.normal(size=(4,), avg=low)
    with pytest.raises(NullTypeGradError):
        aesara.grad(n.sum(), low)


def test_gradient_in_scan_of_non_random_part():
    # The gradient with respect to a variable the draw does not depend on
    # is defined (the draw is a constant for it).
    R = MRG_RandomStream(5)
    x = at.dvector()
    noise = R.uniform(size=(3,))
    cost = (x * noise).sum()
    g = aesara.grad(cost, x)
    f = aesara.function([x], [g, noise], no_default_updates=True)
    grad_val, noise_val = f(np.ones(3))
    np.testing.assert_allclose(grad_val, noise_val)


def test_dot_modulo():
    rng = np.random.default_rng(0)
    A = rng.integers(0, 2**31 - 1, size=(3, 3), dtype="int64")
    s = rng.integers(0, 2**31 - 1, size=3, dtype="int32")
    A2 = rng.integers(0, 2**31 - 1, size=(2, 3), dtype="int64")
    s2 = rng.integers(0, 2**31 - 1, size=3, dtype="int32")
    As, ss, ms = at.lmatrix(), at.ivector(), at.iscalar()
    A2s, s2s, m2s = at.lmatrix(), at.ivector(), at.iscalar()
    out = DotModulo()(As, ss, ms, A2s, s2s, m2s)
    f = aesara.function([As, ss, ms, A2s, s2s, m2s], [out, out.shape])
    got, shape = f(A, s, int(M1), A2, s2, int(M2))
    exact = [sum(int(a) * int(v) for a, v in zip(row, s)) % int(M1) for row in A] + [
        sum(int(a) * int(v) for a, v in zip(row, s2)) % int(M2) for row in A2
    ]
    assert got.dtype == "int32" and got.tolist() == exact
    assert tuple(shape) == (5,)
    with pytest.raises(TypeError, match="dimensions"):
        DotModulo()(ss, ss, ms, A2s, s2s, m2s)
    with pytest.raises(ValueError, match="columns"):
        f(A[:, :2], s, 7, A2, s2, 7)


def test_many_streams_are_fast_and_distinct():
    R = MRG_RandomStream(6)
    states = R.get_substream_rstates(20000, "float32")
    assert states.shape == (20000, 6) and states.dtype == np.int32
    assert len({tuple(r) for r in states}) == 20000
    assert states[5].tolist() == ff_2p72(states[4]).tolist()
    # A big draw with a symbolic size (default 60 * 256 streams).
    n = at.lscalar()
    f = aesara.function([n], R.uniform(size=(n,), ndim=1))
    assert f(300000).shape == (300000,)
