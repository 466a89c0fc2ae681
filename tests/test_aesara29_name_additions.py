"""Names of Aesara 2.9 added while auditing the whole API (issue 18).

Random variables NumPy draws directly, the ``standard_*`` shortcuts,
Aesara's derivative helpers of the special functions, the in-place special
functions, and a few aliases. The audit itself is ``tests/test_api_audit.py``.
"""

from __future__ import annotations

import numpy as np
import pytest
import scipy.special as sp

import aesara
import aesara.scalar as aes
import aesara.tensor as at
from aesara.graph.fg import FunctionGraph
from aesara.tensor.random import basic as rb


def _draw(rv_fn, *args, seed=3, size=(4,)):
    rng = aesara.shared(np.random.default_rng(seed))
    out = rv_fn(*args, size=size, rng=rng)
    return out, aesara.function([], out)()


@pytest.mark.parametrize(
    "name, args",
    [("rayleigh", (2.0,)), ("power", (3.0,)), ("zipf", (2.0,)), ("f", (3.0, 4.0))],
)
def test_numpy_drawn_variables_match_numpy(name, args):
    out, value = _draw(getattr(rb, name), *args)
    expected = getattr(np.random.default_rng(3), name)(*args, size=(4,))
    np.testing.assert_allclose(value, expected)
    assert out.owner.op.name == name
    assert out.dtype == ("int64" if name == "zipf" else aesara.config.floatX)


@pytest.mark.parametrize(
    "short, full, args, fixed",
    [
        ("standard_t", "t", (3.0,), (0.0, 1.0)),
        ("standard_cauchy", "cauchy", (), (0.0, 1.0)),
        ("standard_exponential", "exponential", (), (1.0,)),
        ("standard_gamma", "gamma", (2.0,), (1.0,)),
    ],
)
def test_standard_shortcuts_fix_parameters(short, full, args, fixed):
    _, value = _draw(getattr(rb, short), *args)
    _, expected = _draw(getattr(rb, full), *args, *fixed)
    np.testing.assert_allclose(value, expected)
    assert getattr(rb, short).__name__ == short


def test_random_is_uniform_and_broadcast_shapes_is_numpys():
    assert rb.random is rb.uniform
    assert rb.broadcast_shapes((2, 1), (3,)) == (2, 3)
    assert at.random.rayleigh is rb.rayleigh


def test_rv_used_elsewhere_ignores_shape_queries():
    from aesara.tensor.random.rewriting import is_rv_used_in_graph

    x = at.random.normal(0, 1, size=3)
    y = x * 2
    only_shape = FunctionGraph(outputs=[y, x.shape[0]], clone=False)
    assert not is_rv_used_in_graph(x, y.owner, only_shape)
    other_use = FunctionGraph(outputs=[y, x + 1], clone=False)
    assert is_rv_used_in_graph(x, y.owner, other_use)
    as_output = FunctionGraph(outputs=[y, x], clone=False)
    assert is_rv_used_in_graph(x, y.owner, as_output)


def _central_diff(fn, args, i, h=1e-6):
    lo, hi = list(args), list(args)
    lo[i] -= h
    hi[i] += h
    return (fn(*hi) - fn(*lo)) / (2 * h)


def test_scalar_derivative_helpers_match_finite_differences():
    from aesara.scalar.math import betainc_der, gammaincc_der, hyp2f1_der

    k, x = aes.float64(), aes.float64()
    got = aesara.function([k, x], gammaincc_der(k, x))(2.0, 1.5)
    np.testing.assert_allclose(got, _central_diff(sp.gammaincc, (2.0, 1.5), 0), 1e-6)

    a, b, z = aes.float64(), aes.float64(), aes.float64()
    wrt = aes.int64()
    f = aesara.function([a, b, z, wrt], betainc_der(a, b, z, wrt))
    args = (2.0, 3.0, 0.4)
    np.testing.assert_allclose(f(*args, 1), _central_diff(sp.betainc, args, 0), 1e-6)
    np.testing.assert_allclose(f(*args, 0), _central_diff(sp.betainc, args, 1), 1e-6)

    c = aes.float64()
    g = aesara.function([a, b, c, z, wrt], hyp2f1_der(a, b, c, z, wrt))
    args = (1.0, 2.0, 3.0, 0.3)
    for i in range(3):
        np.testing.assert_allclose(
            g(*args, i), _central_diff(sp.hyp2f1, args, i), rtol=1e-6
        )
    with pytest.raises(ValueError, match="wrt must be 0, 1 or 2"):
        g(*args, 3)


def test_tensor_hyp2f1_der_is_elementwise():
    a = at.dvector()
    w = at.lscalar()
    f = aesara.function([a, w], at.hyp2f1_der(a, a + 1, a + 2, 0.3, w))
    values = np.array([1.0, 2.0])
    expected = [
        _central_diff(sp.hyp2f1, (v, v + 1, v + 2, 0.3), 2, h=1e-6) for v in values
    ]
    np.testing.assert_allclose(f(values, 2), expected, rtol=1e-6)


@pytest.mark.parametrize("name", ["erf_inplace", "sigmoid_inplace", "gammaln_inplace"])
def test_inplace_special_functions_overwrite_their_input(name):
    import aesara.tensor.inplace as inplace

    op = getattr(inplace, name)
    x = at.dvector()
    out = op(x)
    assert out.owner.op.destroy_map == {0: [0]}
    f = aesara.function([aesara.In(x, mutable=True)], out, accept_inplace=True)
    value = np.array([0.5, 1.5])
    ref = getattr(at, name[: -len("_inplace")])
    expected = aesara.function([x], ref(x))(value.copy())
    np.testing.assert_allclose(f(value), expected)


def test_inplace_division_names():
    import aesara.tensor.inplace as inplace

    x, y = at.dvectors("xy")
    f = aesara.function(
        [aesara.In(x, mutable=True), y],
        inplace.floor_divide_inplace(x, y),
        accept_inplace=True,
    )
    np.testing.assert_array_equal(f(np.array([7.0, 8.0]), np.array([2.0, 3.0])), [3, 2])
    assert "true_divide_inplace" in inplace.__all__


def test_allclose_tolerance_follows_the_narrower_dtype():
    from aesara.tensor.math import _allclose, _conj, isnan_

    assert _allclose(np.float32(1), np.float32(1 + 1e-6))
    assert not _allclose(np.float64(1), np.float64(1 + 1e-4))
    assert _allclose(np.float64(1), np.float64(1 + 1e-4), rtol=1e-3)
    assert _conj is at.conj and isnan_ is at.isnan


def test_aliases():
    from aesara.tensor import _products, blas
    from aesara.tensor.extra_ops import Repeat, RepeatOp

    assert Repeat is RepeatOp
    assert blas.batched_dot is _products.batched_dot
    assert blas.BatchedDot is _products.BatchedDot


def test_version_module():
    import aesara._version as v

    assert v.version == aesara.__version__
    assert v.version_tuple[0] == int(aesara.__version__.split(".")[0])


def test_symbolic_generator_constructors_seed_like_numpy():
    rng = at.random.default_rng(123)
    draws = aesara.function([], at.random.normal(0, 1, size=3, rng=rng))()
    np.testing.assert_allclose(draws, np.random.default_rng(123).normal(0, 1, size=3))
    state = at.random.RandomState(5)
    draws = aesara.function([], at.random.normal(0, 1, size=2, rng=state))()
    np.testing.assert_allclose(draws, np.random.RandomState(5).normal(0, 1, size=2))
    assert isinstance(
        aesara.function([], at.random.default_rng())(), np.random.Generator
    )
    with pytest.raises(TypeError, match="seed must be an integer"):
        at.random.default_rng(1.5)


def test_new_variables_have_aesaras_print_names():
    assert rb.rayleigh._print_name == ("Rayleigh", "\\operatorname{Rayleigh}")
    assert rb.f._print_name[0] == "F"
    assert rb.zipf._print_name[0] == "Zipf"
    assert rb.power._print_name[0] == "Power"


def test_generator_state_layout_matches_numpy():
    from aesara.tensor.random.type import gen_states_keys, numpy_bit_gens

    assert numpy_bit_gens == {0: "MT19937", 1: "PCG64", 2: "Philox", 3: "SFC64"}
    for name, (top, inner) in gen_states_keys.items():
        state = getattr(np.random, name)(0).state
        assert sorted(k for k in state if k != "bit_generator") == sorted(top)
        assert sorted(state["state"]) == sorted(inner)


def test_shared_generator_base_class_and_pickle_loader():
    from aesara.tensor.random.var import RandomTypeSharedVariable
    from aesara.tensor.sharedvar import TensorSharedVariable, load_shared_variable

    assert isinstance(aesara.shared(np.random.default_rng(0)), RandomTypeSharedVariable)
    assert isinstance(aesara.shared(np.random.RandomState(0)), RandomTypeSharedVariable)
    var = load_shared_variable(np.ones(2))
    assert isinstance(var, TensorSharedVariable)
    np.testing.assert_array_equal(var.get_value(), [1.0, 1.0])


def test_fast_inplace_check_skips_constants_destroyed_and_protected():
    from aesara.compile.function.types import Supervisor
    from aesara.graph.destroyhandler import DestroyHandler, fast_inplace_check

    x, y = at.dvectors("xy")
    fg = FunctionGraph([x, y], [x + y])
    with pytest.raises(ValueError, match="DestroyHandler"):
        fast_inplace_check(fg, fg.inputs)
    fg.attach_feature(DestroyHandler())
    assert fast_inplace_check(fg, fg.inputs) == fg.inputs
    fg.attach_feature(Supervisor([fg.inputs[0]]))
    assert fast_inplace_check(fg, [*fg.inputs, at.constant(1.0)]) == [fg.inputs[1]]


def test_graph_utils_toposort_and_assoc_list():
    from aesara.graph.utils import AssocList, toposort

    assert toposort({1: set(), 2: {1}, 3: {1, 2}}) == [1, 2, 3]
    with pytest.raises(ValueError, match="cycle"):
        toposort({1: {2}, 2: {1}})
    assoc = AssocList()
    assoc[[1, 2]] = "list key"
    assoc["k"] = "hashable key"
    assert assoc[[1, 2]] == "list key" and assoc["k"] == "hashable key"
    assert assoc["absent"] is None and [1, 2] in assoc and len(assoc) == 2
    del assoc[[1, 2]]
    assert [1, 2] not in assoc
    with pytest.raises(KeyError):
        del assoc[[3]]


def test_missing_test_message_follows_the_flag():
    from aesara.graph.op import missing_test_message
    from aesara.graph.utils import TestValueError

    with aesara.config.change_flags(compute_test_value="raise"):
        with pytest.raises(TestValueError, match="no value"):
            missing_test_message("no value")
    with aesara.config.change_flags(compute_test_value="warn"):
        with pytest.warns(UserWarning, match="no value"):
            missing_test_message("no value")
    with aesara.config.change_flags(compute_test_value="off"):
        missing_test_message("no value")


def test_scan_nan_inf_none_detection():
    from aesara.scan.basic import isNaN_or_Inf_or_None

    for value in (None, "n", np.nan, np.inf, at.constant(np.inf)):
        assert isNaN_or_Inf_or_None(value)
    for value in (3, at.constant(2.0), at.dscalar()):
        assert not isNaN_or_Inf_or_None(value)


def test_configparser_old_names():
    import warnings

    import aesara.configparser as cp

    assert cp.config_files_from_aesararc() == cp.rc_files_from_environment()
    with pytest.warns(cp.AesaraConfigWarning, match="ignored"):
        cp.AesaraConfigWarning.warn("setting ignored")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        change = cp._change_flags
    assert caught and caught[0].category is DeprecationWarning
    assert change.__self__ is aesara.config
    with pytest.raises(AttributeError, match="no_such_name"):
        cp.no_such_name  # noqa: B018
