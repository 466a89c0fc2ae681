"""Random variables in the C backend (the runtime's ``RandomThunk``).

The C thunk makes the draw's one Generator method call itself; the draws,
the generator left behind and the errors must be those of the Python thunk.
"""

from __future__ import annotations

import numpy as np
import pytest

import aesara
import aesara.tensor as at
import aesara.tensor.random.basic as rb
from aesara.compile.mode import Mode
from aesara.link.c.compiler import c_compiler_available

pytestmark = pytest.mark.skipif(
    not c_compiler_available(), reason="the C runtime needs a working C compiler"
)

C_MODE = Mode("cvm", "fast_run")
PY_MODE = Mode("py", "fast_run")

# (random variable, parameters, size)
CASES = [
    (rb.normal, (0.5, 2.0), (3,)),
    (rb.normal, (np.array([0.0, 1.0]), 1.0), None),
    (rb.uniform, (-1.0, 2.0), ()),
    (rb.bernoulli, (0.3,), (5,)),
    (rb.bernoulli, (np.array([0.1, 0.9]),), None),
    (rb.poisson, (3.0,), (2, 2)),
    (rb.beta, (2.0, 3.0), (4,)),
    (rb.exponential, (1.5,), ()),
    (rb.binomial, (10, 0.4), (3,)),
    (rb.integers, (0, 10), (6,)),
    (rb.multivariate_normal, (np.zeros(2), np.eye(2)), (3,)),
    (rb.dirichlet, (np.ones(3),), (2,)),
]


def _kinds(f):
    return {type(t).__name__ for t in f.vm.thunks}


@pytest.mark.parametrize("inplace", [True, False], ids=["updated", "not-updated"])
@pytest.mark.parametrize("case", range(len(CASES)))
def test_draws_match_the_python_thunk(case, inplace):
    rv, params, size = CASES[case]
    draws = {}
    for name, mode in (("c", C_MODE), ("py", PY_MODE)):
        rng = aesara.shared(np.random.default_rng(7))
        out = rv(*params, size=size, rng=rng)
        updates = {rng: out.owner.outputs[0]} if inplace else {}
        f = aesara.function([], out, updates=updates, mode=mode)
        draws[name] = [f() for _ in range(3)]
        if name == "c" and rv in (rb.normal, rb.bernoulli, rb.uniform):
            assert "RandomThunk" in _kinds(f)
        if not inplace:
            # The generator is left as it was: the same draws every call.
            np.testing.assert_array_equal(draws[name][0], draws[name][1])
            assert rng.get_value(borrow=True).bit_generator.state == (
                np.random.default_rng(7).bit_generator.state
            )
    for a, b in zip(draws["c"], draws["py"]):
        assert a.dtype == b.dtype and a.shape == b.shape
        np.testing.assert_array_equal(a, b)


def test_random_state_and_subclasses_run_the_python_thunk():
    rng = aesara.shared(np.random.RandomState(3))
    out = rb.normal(0.0, 1.0, size=(2,), rng=rng)
    f = aesara.function([], out, mode=C_MODE)
    g = aesara.function([], out, mode=PY_MODE)
    np.testing.assert_array_equal(f(), g())


def test_counts_and_python_fallback_for_other_generators():
    rng = aesara.shared(np.random.default_rng(1))
    out = rb.normal(0.0, 1.0, size=(2,), rng=rng)
    f = aesara.function([], out, mode=C_MODE)
    (thunk,) = [t for t in f.vm.thunks if type(t).__name__ == "RandomThunk"]
    f()
    assert (thunk.calls, thunk.py_calls) == (1, 0)

    class MyGenerator(np.random.Generator):
        pass

    rng.set_value(MyGenerator(np.random.PCG64(1)), borrow=True)
    v = f()
    assert (thunk.calls, thunk.py_calls) == (1, 1)
    np.testing.assert_array_equal(v, np.random.default_rng(1).normal(0.0, 1.0, (2,)))


def test_float32_draws_are_cast_like_perform():
    rng = aesara.shared(np.random.default_rng(2))
    with aesara.config.change_flags(floatX="float32"):
        out = rb.normal(0.0, 1.0, size=(3,), rng=rng)
        f = aesara.function([], out, mode=C_MODE)
        g = aesara.function([], out, mode=PY_MODE)
    assert "RandomThunk" in _kinds(f)
    a, b = f(), g()
    assert a.dtype == np.float32
    np.testing.assert_array_equal(a, b)


def test_bad_parameters_raise_numpys_error_with_the_node():
    rng = aesara.shared(np.random.default_rng(2))
    p = at.dscalar("p")
    out = rb.bernoulli(p, size=(2,), rng=rng)
    f = aesara.function([p], out, mode=C_MODE)
    assert "RandomThunk" in _kinds(f)
    with pytest.raises(ValueError) as info:
        f(1.5)
    g = aesara.function([p], out, mode=PY_MODE)
    with pytest.raises(ValueError) as ref:
        g(1.5)
    assert str(ref.value).splitlines()[0] in str(info.value)
    assert "BernoulliRV" in str(info.value)
    assert f(0.5).shape == (2,)


# ---------------------------------------------------------------------------
# Generator copies with the runtime's PCG state copy
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("bit_generator", [np.random.PCG64, np.random.PCG64DXSM])
def test_pcg_states_are_copied_in_c(bit_generator, monkeypatch):
    import copy

    from aesara.link.c.ops import random as crandom

    monkeypatch.setattr(crandom, "_pcg_copy", None)
    rng = np.random.Generator(bit_generator(np.random.SeedSequence(5)))
    rng.normal()
    rng.integers(0, 10, dtype=np.uint32)  # a buffered 32-bit half to carry
    a, b = crandom.copy_generator_c(rng), copy.deepcopy(rng)
    assert callable(crandom._pcg_copy)  # checked once, then used
    assert a.bit_generator.state == b.bit_generator.state
    np.testing.assert_array_equal(
        a.integers(0, 2**31, size=5, dtype=np.uint32),
        b.integers(0, 2**31, size=5, dtype=np.uint32),
    )
    c = crandom.copy_generator_c(rng)
    assert c.bit_generator.state == rng.bit_generator.state
    # Other bit generators use the state property.
    mt = np.random.Generator(np.random.MT19937(3))
    assert crandom.copy_generator_c(mt).normal() == copy.deepcopy(mt).normal()


def test_a_wrong_c_state_copy_is_turned_off(monkeypatch):
    """The first C copy of a process is checked; a copy that does not give
    the same state turns the C path off, and the copy is still right."""
    import copy

    from aesara.link.c import runtime
    from aesara.link.c.ops import random as crandom

    class FakeRuntime:
        @staticmethod
        def copy_pcg64_state(src, dst):
            pass  # copies nothing

    monkeypatch.setattr(runtime, "_runtime", FakeRuntime)
    monkeypatch.setattr(crandom, "_pcg_copy", None)
    rng = np.random.default_rng(9)
    rng.normal(size=3)
    a = crandom.copy_generator_c(rng)
    assert crandom._pcg_copy is False
    assert a.bit_generator.state == rng.bit_generator.state
    assert a.normal() == copy.deepcopy(rng).normal()


def test_c_state_copy_checks_its_arguments():
    from aesara.link.c.runtime import get_runtime

    rt = get_runtime()
    with pytest.raises(TypeError, match="different types"):
        rt.copy_pcg64_state(np.random.PCG64(1), np.random.PCG64DXSM(1))
    with pytest.raises(TypeError, match="two bit generators"):
        rt.copy_pcg64_state(np.random.PCG64(1))
