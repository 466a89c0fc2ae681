import numpy as np
import pytest

from aesara.compile.function import function
from aesara.compile.sharedvalue import SharedVariable, shared, shared_constructor
from aesara.tensor.sharedvar import ScalarSharedVariable, TensorSharedVariable
from aesara.tensor.type import TensorType


def test_shared_tensor_types():
    s = shared(np.zeros((2, 3)), name="s")
    assert isinstance(s, TensorSharedVariable)
    assert s.type == TensorType("float64", shape=(None, None))
    b = shared(np.zeros((1, 3)), broadcastable=(True, False))
    assert b.type.shape == (1, None)
    st = shared(np.zeros((2, 3)), shape=(2, 3))
    assert st.type.shape == (2, 3)
    f = shared(1.0)
    assert (
        isinstance(f, ScalarSharedVariable)
        and f.type.dtype == "float64"
        and f.type.ndim == 0
    )
    assert shared(3).type.dtype == "int64"
    assert shared(np.float32(1)).type.dtype == "float32"
    assert shared(True).type.dtype == "bool"


def test_shared_copies_value_unless_borrow():
    v = np.zeros(3)
    s = shared(v)
    v[0] = 5
    assert s.get_value()[0] == 0
    b = shared(v, borrow=True)
    v[1] = 7
    assert b.get_value(borrow=True)[1] == 7


def test_get_value_borrow():
    s = shared(np.zeros(3))
    copy = s.get_value()
    copy[0] = 1
    assert s.get_value()[0] == 0
    internal = s.get_value(borrow=True)
    internal[0] = 1
    assert s.get_value()[0] == 1


def test_set_value_borrow_and_checks():
    s = shared(np.zeros(3), name="w")
    new = np.ones(3)
    s.set_value(new)
    new[0] = 9
    assert s.get_value()[0] == 1
    s.set_value(new, borrow=True)
    new[1] = 8
    assert s.get_value()[1] == 8
    with pytest.raises(TypeError, match=r'shared variable "w".*expected 1, got 2'):
        s.set_value(np.zeros((2, 2)))
    i = shared(np.zeros(2, dtype="int32"), name="i")
    with pytest.raises(TypeError, match='"i"'):
        i.set_value(np.array([1.5, 2.5]))
    fixed = shared(np.zeros(3), shape=(3,), name="fixed")
    with pytest.raises(ValueError, match='"fixed"'):
        fixed.set_value(np.zeros(4))


def test_set_value_seen_by_compiled_function():
    s = shared(np.arange(3.0))
    f = function([], s * 2)
    np.testing.assert_array_equal(f(), [0, 2, 4])
    s.set_value(np.ones(3))
    np.testing.assert_array_equal(f(), [2, 2, 2])


def test_symbolic_value_rejected():
    s = shared(1.0)
    with pytest.raises(TypeError, match="can not be symbolic"):
        shared(s + 1)


def test_generic_shared_and_registry():
    g = shared({"a": 1})
    assert type(g) is SharedVariable
    assert g.get_value() == {"a": 1}

    class Marker:
        pass

    calls = []

    def ctor(value, name=None, strict=False, allow_downcast=None, **kw):
        if not isinstance(value, Marker):
            raise TypeError("not a Marker")
        calls.append(value)
        return shared_constructor.__globals__["generic_constructor"](
            value, name=name, borrow=True
        )

    shared_constructor(ctor)
    try:
        m = Marker()
        shared(m)
        assert calls == [m]
    finally:
        shared_constructor(ctor, remove=True)
    with pytest.raises(TypeError, match="No suitable SharedVariable constructor"):
        shared(np.zeros(2), bogus_kwarg=1)


def test_clone_shares_container():
    s = shared(np.zeros(2), name="s")
    c = s.clone()
    assert c.container is s.container
    c.set_value(np.ones(2))
    assert s.get_value()[0] == 1


def test_zero():
    s = shared(np.ones(3))
    s.zero()
    np.testing.assert_array_equal(s.get_value(), np.zeros(3))


def test_tensor_operators_on_shared():
    s = shared(np.arange(4.0).reshape(2, 2))
    np.testing.assert_array_equal(
        function([], s.T + 1)(), np.arange(4.0).reshape(2, 2).T + 1
    )
