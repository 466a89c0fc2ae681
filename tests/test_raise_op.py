"""Tests of ``aesara.raise_op``: CheckAndRaise, Assert and their rewrites."""

from __future__ import annotations

import numpy as np
import pytest

import aesara
import aesara.tensor as at
from aesara.compile.mode import get_default_mode
from aesara.raise_op import (
    Assert,
    CheckAndRaise,
    ExceptionType,
    assert_op,
    exception_type,
)


class CustomError(Exception):
    pass


def _checks(f):
    return [n for n in f.maker.fgraph.apply_nodes if isinstance(n.op, CheckAndRaise)]


def test_returns_value_and_raises_given_exception():
    x = at.dvector("x")
    out = CheckAndRaise(CustomError, "x is too long")(x, x.size < 3, at.all(x > 0))
    f = aesara.function([x], out)
    np.testing.assert_allclose(f([1.0, 2.0]), [1.0, 2.0])
    with pytest.raises(CustomError, match="x is too long"):
        f([1.0, 2.0, 3.0])
    with pytest.raises(CustomError, match="x is too long"):
        f([-1.0])


def test_assert_raises_assertion_error():
    x = at.dscalar("x")
    f = aesara.function([x], Assert("x must be positive")(x, x > 0) * 2)
    assert f(2.0) == 4.0
    with pytest.raises(AssertionError, match="x must be positive"):
        f(-1.0)
    assert assert_op.msg == "Aesara Assert failed!"
    assert assert_op.exc_type is AssertionError


def test_bad_arguments():
    with pytest.raises(ValueError, match="Exception subclass"):
        CheckAndRaise(int)
    with pytest.raises(TypeError, match="msg must be a str"):
        CheckAndRaise(ValueError, 3)
    with pytest.raises(TypeError, match="condition 0 must be a scalar"):
        assert_op(at.dvector(), at.bvector())


def test_props_and_str():
    assert CheckAndRaise(ValueError, "a") == CheckAndRaise(ValueError, "a")
    assert CheckAndRaise(ValueError, "a") != CheckAndRaise(TypeError, "a")
    assert hash(Assert("m")) == hash(Assert("m"))
    assert str(Assert("m")) == "Assert{msg=m}"
    assert "ValueError" in str(CheckAndRaise(ValueError, "bad"))
    assert ExceptionType() == exception_type
    assert CheckAndRaise.view_map == {0: [0]}


def test_infer_shape_and_static_type():
    x = at.tensor("float64", shape=(None, 3))
    out = assert_op(x, at.all(x > 0))
    assert out.type == x.type
    f = aesara.function([x], out.shape)
    np.testing.assert_array_equal(f(np.ones((2, 3))), [2, 3])
    # The shape graph does not need the check.
    assert not _checks(f)


def test_gradient_passes_through_and_conditions_are_disconnected():
    x = at.dvector("x")
    c = at.dscalar("c")
    out = CheckAndRaise(ValueError, "bad")(x, c > 0)
    g = aesara.grad((out**2).sum(), x)
    f = aesara.function([x, c], g)
    np.testing.assert_allclose(f([1.0, 3.0], 1.0), [2.0, 6.0])
    with pytest.raises(aesara.gradient.DisconnectedInputError):
        aesara.grad(out.sum(), c)
    v = at.dvector("v")
    jv = aesara.gradient.Rop(out, x, v)
    np.testing.assert_allclose(
        aesara.function([x, c, v], jv, on_unused_input="ignore")(
            [1.0, 2.0], 1.0, [3.0, 4.0]
        ),
        [3.0, 4.0],
    )


def test_constant_true_conditions_are_removed():
    x = at.dvector("x")
    out = assert_op(x, at.constant(np.bool_(True)), at.constant(np.int8(1)))
    f = aesara.function([x], out * 2)
    assert not _checks(f)
    np.testing.assert_allclose(f([1.0]), [2.0])
    # A symbolic condition stays, only the constant one goes.
    out2 = assert_op(x, at.constant(np.bool_(True)), x.size > 1)
    f2 = aesara.function([x], out2 * 2)
    (node,) = _checks(f2)
    assert len(node.inputs) == 2
    with pytest.raises(AssertionError):
        f2([1.0])


def test_constant_false_condition_still_raises():
    x = at.dvector("x")
    f = aesara.function([x], assert_op(x, at.constant(np.bool_(False))) * 2)
    with pytest.raises(AssertionError):
        f([1.0])


def test_remove_all_assert_only_when_included():
    x = at.dvector("x")
    out = Assert("never")(x, at.all(x > 5)) + 1
    f = aesara.function([x], out)
    with pytest.raises(AssertionError):
        f([1.0])
    mode = get_default_mode().including("local_remove_all_assert")
    f2 = aesara.function([x], out, mode=mode)
    assert not _checks(f2)
    np.testing.assert_allclose(f2([1.0]), [2.0])
    # Other CheckAndRaise ops are not asserts: they stay.
    out3 = CheckAndRaise(CustomError, "kept")(x, at.all(x > 5)) + 1
    f3 = aesara.function([x], out3, mode=mode)
    with pytest.raises(CustomError):
        f3([1.0])
