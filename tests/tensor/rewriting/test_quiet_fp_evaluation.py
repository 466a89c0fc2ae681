"""Evaluation done by the compiler, or standing in for C code, stays quiet.

``log(0)`` or ``0/0`` met while folding constants is not the user's
computation, and an element-wise node the C backend computes through NumPy
must behave like the C kernel it replaces (IEEE results, no warning).
"""

import warnings

import numpy as np
import pytest

import aesara
import aesara.tensor as at
from aesara.compile.mode import Mode, optdb
from aesara.graph.fg import FunctionGraph
from aesara.link.c.compiler import c_compiler_available
from aesara.tensor.basic import get_scalar_constant_value
from aesara.tensor.math import gammaln


def test_constant_folding_keeps_inf_and_nan_without_warning():
    c = at.constant(np.array([0.0, -1.0, 1.0]))
    out = at.log(c)
    fg = FunctionGraph([], [out], clone=False)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        optdb.query("+canonicalize").rewrite(fg)
    folded = fg.outputs[0]
    assert isinstance(folded, at.TensorConstant)
    np.testing.assert_array_equal(folded.data, [-np.inf, np.nan, 0.0])


def test_folding_division_by_zero_is_quiet():
    out = at.true_divide(at.constant(np.array([1.0, 0.0])), at.constant(0.0))
    fg = FunctionGraph([], [out], clone=False)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        optdb.query("+canonicalize").rewrite(fg)
    np.testing.assert_array_equal(fg.outputs[0].data, [np.inf, np.nan])


def test_scalar_constant_value_of_log_zero_is_quiet():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        value = get_scalar_constant_value(at.log(at.constant(0.0)))
    assert value == -np.inf


def test_user_numpy_error_state_is_left_as_it_was():
    before = np.geterr()
    fg = FunctionGraph([], [at.log(at.constant(0.0))], clone=False)
    optdb.query("+canonicalize").rewrite(fg)
    assert np.geterr() == before


@pytest.mark.skipif(not c_compiler_available(), reason="needs a working C compiler")
def test_numpy_fallback_under_c_linker_is_quiet():
    # gammaln has no C translation: the C linker runs this node through NumPy.
    x = at.dvector("x")
    f = aesara.function([x], gammaln(x) + at.log(x))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        res = f(np.array([0.0, 1.0, -1.0]))
    assert np.isnan(res[0]) or np.isinf(res[0])
    assert res[1] == 0.0
    assert np.isnan(res[2])


def test_python_linker_still_reports_numpy_warnings():
    # The pure-Python mode is NumPy's behaviour, as in Aesara.
    x = at.dvector("x")
    f = aesara.function([x], at.log(x), mode=Mode(linker="py", optimizer=None))
    with pytest.warns(RuntimeWarning, match="divide by zero"):
        f(np.array([0.0]))
