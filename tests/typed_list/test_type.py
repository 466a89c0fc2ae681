"""`TypedListType`: construction, filtering, equality and value comparison."""

import numpy as np
import pytest

import aesara
from aesara.tensor.type import TensorType
from aesara.typed_list.basic import TypedListConstant, TypedListVariable
from aesara.typed_list.type import TypedListType

floatX = aesara.config.floatX
MATRIX = TensorType(floatX, shape=(None, None))


def _mat(rng, shape=(3, 4)):
    return rng.uniform(-10, 10, size=shape).astype(floatX)


def test_bad_arguments_on_creation():
    with pytest.raises(TypeError, match="ttype must be an Aesara Type"):
        TypedListType(None)
    with pytest.raises(ValueError, match="depth"):
        TypedListType(MATRIX, -1)


def test_filter_rejects_wrong_elements_and_non_lists():
    t = TypedListType(MATRIX)
    with pytest.raises(TypeError, match="element 0"):
        t.filter([4])
    with pytest.raises(TypeError, match="expected a list"):
        t.filter(4)
    with pytest.raises(TypeError, match="Python list"):
        t.filter((np.zeros((2, 2), dtype=floatX),), strict=True)


def test_filter_converts_elements():
    rng = np.random.default_rng(0)
    t = TypedListType(MATRIX)
    x = _mat(rng)
    out = t.filter((x, x.tolist()))
    assert isinstance(out, list) and len(out) == 2
    assert out[1].dtype == floatX
    np.testing.assert_array_equal(out[1], x)
    assert t.is_valid_value([x])
    assert not t.is_valid_value((x,))


def test_equality_and_hash():
    a = TypedListType(MATRIX)
    b = TypedListType(TensorType(floatX, shape=(None, None)))
    c = TypedListType(TensorType(floatX, shape=()))
    assert a == b and hash(a) == hash(b)
    assert a != c
    assert TypedListType(MATRIX, 1) == TypedListType(TypedListType(MATRIX))
    assert TypedListType(MATRIX, 1) != a


def test_depth_and_nested_filter():
    rng = np.random.default_rng(1)
    t = TypedListType(MATRIX, 2)
    assert t.get_depth() == 2
    assert TypedListType(MATRIX).get_depth() == 0
    x = _mat(rng)
    assert t.filter([[[x]]])[0][0][0] is not None
    with pytest.raises(TypeError):
        t.filter([[x]])


def test_values_eq_and_may_share_memory():
    rng = np.random.default_rng(2)
    t = TypedListType(MATRIX)
    x, y = _mat(rng), _mat(rng)
    assert t.values_eq([x, y], [x.copy(), y.copy()])
    assert not t.values_eq([x, y], [y, x])
    assert not t.values_eq([x], [x, x])
    assert t.values_eq_approx([x], [x + 1e-9])
    assert t.may_share_memory([x], [y, x])
    assert t.may_share_memory(x, [y, x[1:]])
    assert not t.may_share_memory([x], [y])


def test_variable_and_constant_classes():
    t = TypedListType(MATRIX)
    v = t()
    assert isinstance(v, TypedListVariable)
    assert v.ttype == MATRIX and v.dtype == floatX and v.ndim == 3
    assert t.ndim == 3 and t.shape == (None, None, None) and t.dtype == MATRIX
    assert str(t) == f"TypedList <{MATRIX}>"
    c = t.make_constant([np.zeros((1, 1), dtype=floatX)])
    assert isinstance(c, TypedListConstant)
    with pytest.raises(TypeError, match="cannot be iterated"):
        iter(v)
    with pytest.raises(TypeError):
        len(v)  # the symbolic length is ``v.__len__()``
