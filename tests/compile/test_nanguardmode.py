"""NanGuardMode stops at the first NaN, Inf or huge value, naming where."""

from __future__ import annotations

import logging
import pickle

import numpy as np
import pytest

import aesara
import aesara.tensor as at
from aesara.compile.mode import get_mode
from aesara.compile.nanguardmode import (
    NanGuardMode,
    contains_inf,
    contains_nan,
    flatten,
)
from aesara.configdefaults import config


def _mode(**kwargs):
    return NanGuardMode(
        kwargs.pop("nan_is_error", True),
        kwargs.pop("inf_is_error", True),
        kwargs.pop("big_is_error", True),
        **kwargs,
    )


def test_clean_values_pass():
    x = at.dmatrix("x")
    f = aesara.function([x], at.exp(x).sum(axis=0) * 2, mode=_mode())
    np.testing.assert_allclose(f(np.zeros((2, 3))), [4.0, 4.0, 4.0])


def test_nan_in_node_output_names_node_and_line():
    x = at.dvector("x")
    y = at.log(x) * 2  # log(-1) is NaN
    f = aesara.function([x], y, mode=_mode(), name="fn")
    np.testing.assert_allclose(f(np.ones(2)), [0.0, 0.0])
    with pytest.raises(AssertionError) as info:
        f(np.array([1.0, -1.0]))
    msg = str(info.value)
    assert "NaN" in msg
    assert "output 0 of node" in msg
    assert "log" in msg
    assert "test_nanguardmode.py" in msg  # the user's line


def test_inf_in_node_output():
    x = at.dvector("x")
    f = aesara.function([x], at.exp(x) + 1, mode=_mode())
    with pytest.raises(AssertionError, match="Inf"):
        f(np.array([1.0, 1000.0]))
    g = aesara.function(
        [x], at.exp(x) + 1, mode=_mode(inf_is_error=False, big_is_error=False)
    )
    assert np.isinf(g(np.array([1.0, 1000.0]))[1])


def test_big_value_in_node_output():
    x = at.dvector("x")
    f = aesara.function([x], x * 1e6, mode=_mode())
    np.testing.assert_allclose(f(np.ones(2)), [1e6, 1e6])
    with pytest.raises(AssertionError, match="big value"):
        f(np.array([1.0, 1e5]))
    g = aesara.function([x], x * 1e6, mode=_mode(big_is_error=False))
    np.testing.assert_allclose(g(np.array([1.0, 1e5])), [1e6, 1e11])


def test_bad_graph_input_is_caught_before_running():
    x = at.dvector("x")
    f = aesara.function([x], at.sqr(x), mode=_mode())
    with pytest.raises(AssertionError) as info:
        f(np.array([np.nan, 1.0]))
    assert "graph input x" in str(info.value)
    with pytest.raises(AssertionError, match="graph input x"):
        f(np.array([np.inf, 1.0]))
    with pytest.raises(AssertionError, match="big value"):
        f(np.array([1e11, 1.0]))


def test_first_bad_node_is_reported():
    x = at.dvector("x")
    a = at.log(x)  # NaN appears here first...
    b = a * 2  # ...and propagates
    f = aesara.function([x], [b, a], mode=_mode(optimizer=None))
    with pytest.raises(AssertionError) as info:
        f(np.array([-1.0]))
    msg = str(info.value)
    assert "log" in msg.split("node:")[0]


def test_integer_and_empty_values_are_fine():
    i = at.lvector("i")
    f = aesara.function([i], i * 2, mode=_mode())
    np.testing.assert_array_equal(f(np.array([1, 2])), [2, 4])
    with pytest.raises(AssertionError, match="big value"):
        f(np.array([10**11], dtype="int64"))
    e = at.dvector("e")
    g = aesara.function([e], at.log(e), mode=_mode())
    assert g(np.zeros(0)).shape == (0,)


def test_nan_guard_mode_check_tag_skips_a_variable():
    x = at.dvector("x")
    y = at.log(x)
    y.tag.nan_guard_mode_check = False
    f = aesara.function([x], y, mode=_mode(optimizer=None))
    assert np.isnan(f(np.array([-1.0]))[0])


def test_action_warn_logs(caplog):
    x = at.dvector("x")
    f = aesara.function([x], at.log(x), mode=_mode())
    with config.change_flags(NanGuardMode__action="warn"):
        with caplog.at_level(logging.ERROR, logger="aesara.compile.nanguardmode"):
            out = f(np.array([-1.0]))
    assert np.isnan(out[0])
    assert any("NaN" in r.getMessage() for r in caplog.records)


def test_mode_name_defaults_and_pickle():
    mode = get_mode("NanGuardMode")
    assert isinstance(mode, NanGuardMode)
    assert (mode.nan_is_error, mode.inf_is_error, mode.big_is_error) == (
        True,
        True,
        True,
    )
    with config.change_flags(NanGuardMode__big_is_error=False):
        assert NanGuardMode().big_is_error is False
    with pytest.raises(ValueError, match="at least one"):
        NanGuardMode(False, False, False)
    again = pickle.loads(pickle.dumps(_mode(big_is_error=False)))
    assert again.big_is_error is False and again.nan_is_error is True
    clone = _mode().excluding("fusion")
    assert isinstance(clone, NanGuardMode)
    x = at.dvector("x")
    f = aesara.function([x], at.log(x) * 2, mode="NanGuardMode")
    with pytest.raises(AssertionError, match="NaN"):
        f(np.array([-1.0]))


def test_helpers():
    assert contains_nan(np.array([1.0, np.nan]))
    assert not contains_nan(np.array([1.0, np.inf]))
    assert contains_inf(np.array([1.0, -np.inf]))
    assert not contains_inf(np.array([1, 2]))
    assert not contains_nan(np.zeros(0))
    assert not contains_nan(np.random.default_rng())
    assert flatten([1, [2, (3, 4)], 5]) == [1, 2, 3, 4, 5]
    assert flatten(7) == [7]
