"""RandomVariable graphs: generator threading, in-place rewrite, RandomStream, pickling."""

import pickle

import numpy as np
import pytest

import aesara
import aesara.tensor as at
from aesara.compile.mode import get_mode
from aesara.tensor.random.basic import normal, uniform
from aesara.tensor.random.op import RandomVariable
from aesara.tensor.random.type import random_generator_type, random_state_type
from aesara.tensor.random.utils import (
    RandomStream,
    broadcast_params,
    normalize_size_param,
    params_broadcast_shapes,
)
from aesara.tensor.random.var import (
    RandomGeneratorSharedVariable,
    RandomStateSharedVariable,
)


def _rv_nodes(f):
    return [n for n in f.maker.fgraph.toposort() if isinstance(n.op, RandomVariable)]


def test_shared_constructors_and_types():
    g = np.random.default_rng(5)
    s = aesara.shared(g)
    assert (
        isinstance(s, RandomGeneratorSharedVariable) and s.type == random_generator_type
    )
    assert s.get_value(borrow=True) is not g  # copied unless borrow
    assert isinstance(
        aesara.shared(np.random.RandomState(1)), RandomStateSharedVariable
    )
    assert aesara.shared(np.random.RandomState(1)).type == random_state_type
    assert random_generator_type.values_eq(
        np.random.default_rng(3), np.random.default_rng(3)
    )
    assert not random_generator_type.values_eq(
        np.random.default_rng(3), np.random.default_rng(4)
    )
    with pytest.raises(TypeError, match="expects a numpy.random"):
        random_generator_type.filter(np.random.RandomState(0))
    rebuilt = random_generator_type.filter(np.random.default_rng(9).bit_generator.state)
    assert rebuilt.random() == np.random.default_rng(9).random()


def test_shared_rng_not_mutated_without_inplace():
    rng = aesara.shared(np.random.default_rng(0))
    x = normal(0, 1, size=(3,), rng=rng)
    for mode in ("FAST_COMPILE", "FAST_RUN"):
        f = aesara.function([], x, mode=mode)
        assert not any(n.op.inplace for n in _rv_nodes(f))
        a, b = f(), f()
        np.testing.assert_array_equal(a, b)  # no update: the same draw each call
    assert rng.type.values_eq(rng.get_value(borrow=True), np.random.default_rng(0))


def test_inplace_rewrite_with_updates():
    rng = aesara.shared(np.random.default_rng(0))
    next_rng, x = normal(0, 1, size=(3,), rng=rng).owner.outputs
    f = aesara.function([], x, updates={rng: next_rng}, mode="FAST_RUN")
    assert [n.op.inplace for n in _rv_nodes(f)] == [True]
    ref = np.random.default_rng(0)
    np.testing.assert_allclose(f(), ref.normal(0, 1, 3))
    np.testing.assert_allclose(f(), ref.normal(0, 1, 3))
    assert rng.type.values_eq(rng.get_value(borrow=True), ref)
    # Without the in-place stage the result is the same.
    rng.set_value(np.random.default_rng(0))
    g = aesara.function(
        [], x, updates={rng: next_rng}, mode=get_mode("FAST_RUN").excluding("inplace")
    )
    assert [n.op.inplace for n in _rv_nodes(g)] == [False]
    np.testing.assert_allclose(g(), np.random.default_rng(0).normal(0, 1, 3))


def test_inplace_refused_when_rng_also_read_elsewhere():
    rng = aesara.shared(np.random.default_rng(0))
    next_rng, x = normal(0, 1, rng=rng).owner.outputs
    y = uniform(0, 1, rng=rng)  # reads the same, un-advanced generator
    f = aesara.function([], [x, y], updates={rng: next_rng}, mode="FAST_RUN")
    xv, yv = f()
    ref = np.random.default_rng(0)
    assert xv == pytest.approx(np.random.default_rng(0).normal(0, 1))
    assert yv == pytest.approx(ref.uniform(0, 1))


def test_random_stream_updates_and_seed():
    srng = RandomStream(seed=42)
    x = srng.normal(0, 1, size=(2,))
    y = srng.uniform(size=3)
    assert len(srng.updates()) == 2 and srng.updates()[0][0] is x.rng
    assert x.rng.default_update is x.owner.outputs[0]
    f = aesara.function([], [x, y])
    a1, b1 = f()
    a2, b2 = f()
    assert not np.allclose(a1, a2) and not np.allclose(b1, b2)
    srng.seed(42)
    a3, b3 = f()
    np.testing.assert_array_equal(a1, a3)
    np.testing.assert_array_equal(b1, b3)
    # A fresh stream with the same seed reproduces the same draws.
    srng2 = RandomStream(seed=42)
    g = aesara.function([], [srng2.normal(0, 1, size=(2,)), srng2.uniform(size=3)])
    np.testing.assert_array_equal(g()[0], a1)
    # no_default_updates keeps the generator still.
    h = aesara.function([], x, no_default_updates=True)
    np.testing.assert_array_equal(h(), h())
    with pytest.raises(AttributeError, match="No random variable named"):
        getattr(srng, "not_a_distribution")  # noqa: B009
    with pytest.raises(ValueError, match="do not pass rng"):
        srng.normal(0, 1, rng=aesara.shared(np.random.default_rng()))


def test_random_stream_random_state_ctor():
    srng = RandomStream(seed=3, rng_ctor=np.random.RandomState)
    x = srng.randint(10, size=(5,))
    f = aesara.function([], x)
    v1, v2 = f(), f()
    assert v1.shape == (5,) and not np.array_equal(v1, v2)


def test_pickle_function_with_rng():
    srng = RandomStream(seed=7)
    x = srng.normal(0, 1, size=(4,))
    f = aesara.function([], x)
    f()
    g = pickle.loads(pickle.dumps(f))
    np.testing.assert_array_equal(g(), f())


def test_size_and_param_broadcasting_helpers():
    assert normalize_size_param(None).data.shape == (0,)
    np.testing.assert_array_equal(normalize_size_param(3).data, [3])
    n = at.lscalar()
    assert normalize_size_param((n, 2)).type.shape == (2,)
    shapes = params_broadcast_shapes(
        [(3, 1), (4,), (2, 2)], [0, 0, 2], use_aesara=False
    )
    assert shapes == [(3, 4), (3, 4), (3, 4, 2, 2)]
    a, b = broadcast_params([np.zeros((2, 1, 3)), np.ones((4, 3, 3))], [1, 2])
    assert a.shape == (2, 4, 3) and b.shape == (2, 4, 3, 3)
    m = at.dmatrix()
    sa, sb = broadcast_params([m, at.dvector()], [0, 0])
    f = aesara.function(
        [m, sb.owner.inputs[0] if sb.owner else sb], [sa.shape, sb.shape]
    )
    r = f(np.zeros((3, 1)), np.zeros(5))
    np.testing.assert_array_equal(r[0], [3, 5])
    np.testing.assert_array_equal(r[1], [3, 5])


def test_grad_undefined_and_rop():
    mu = at.dscalar()
    x = normal(mu, 1.0, rng=aesara.shared(np.random.default_rng()))
    with pytest.raises(Exception, match="normal"):
        aesara.grad(x, mu)
