"""Tests of aesara.graph.type and aesara.graph.null_type."""

import pytest

from aesara.graph.basic import Constant, Variable
from aesara.graph.null_type import NullType, null_type
from aesara.graph.type import Type
from tests.graph import MyType, tt


class TestType:
    def test_filter(self):
        assert tt.filter(3) == 3.0 and isinstance(tt.filter(3), float)
        with pytest.raises(TypeError, match="expects a float, got int"):
            tt.filter(3, strict=True)
        with pytest.raises(TypeError, match="cannot hold"):
            tt.filter("x")

    def test_is_valid_value(self):
        assert tt.is_valid_value(1.0)
        assert not tt.is_valid_value(1)  # strict by default
        assert tt.is_valid_value(1, strict=False)
        assert not tt.is_valid_value("abc", strict=False)

    def test_filter_variable_same_type(self):
        x = tt("x")
        assert tt.filter_variable(x) is x
        assert MyType(1).filter_variable(x) is x  # equal type, other instance

    def test_filter_variable_constant(self):
        c = tt.filter_variable(2)
        assert isinstance(c, Constant) and c.type == tt and c.data == 2.0
        with pytest.raises(TypeError, match="cannot hold"):
            tt.filter_variable("nope")

    def test_filter_variable_convert(self):
        sup = MyType(None)
        x = tt("x")
        # MyType(None) is a super type of every MyType: converted as is.
        assert sup.filter_variable(x) is x
        assert sup.convert_variable(x) is x
        with pytest.raises(TypeError, match="Cannot convert Type"):
            sup.filter_variable(x, allow_convert=False)
        # The other way round is not lossless.
        y = sup("y")
        assert tt.convert_variable(y) is None
        with pytest.raises(
            TypeError,
            match=r"Cannot convert Type MyType\{thingy=None\} \(of Variable y\) into Type MyType\{thingy=1\}",
        ):
            tt.filter_variable(y)

    def test_make_variable_and_call(self):
        v = tt.make_variable("v")
        assert (
            type(v) is Variable and v.type is tt and v.name == "v" and v.owner is None
        )
        w = tt("w")
        assert w.name == "w" and w.type is tt
        assert tt().name is None
        c = tt.make_constant(3, name="three")
        assert isinstance(c, Constant) and c.data == 3.0 and c.name == "three"

    def test_variable_types(self):
        class MyVar(Variable):
            pass

        class MyConst(Constant):
            pass

        class T2(MyType):
            variable_type = MyVar
            constant_type = MyConst

        t2 = T2()
        assert type(t2()) is MyVar
        assert type(t2.filter_variable(1.0)) is MyConst

    def test_in_same_class_is_super(self):
        assert tt.in_same_class(MyType(1))
        assert not tt.in_same_class(MyType(2))
        assert tt.is_super(MyType(1)) is True
        assert tt.is_super(MyType(2)) is None
        assert MyType(None).is_super(MyType(2)) is True
        assert MyType(2).is_super(MyType(None)) is None

    def test_eq_hash_str(self):
        assert tt == MyType(1) and hash(tt) == hash(MyType(1))
        assert tt != MyType(2)
        assert str(tt) == "MyType{thingy=1}" == repr(tt)

    def test_clone(self):
        assert tt.clone() == tt and tt.clone() is not tt
        assert tt.clone(thingy=3) == MyType(3)
        assert tt.clone(4) == MyType(4)

    def test_values_eq(self):
        assert tt.values_eq(1.0, 1.0) and not tt.values_eq(1.0, 2.0)
        assert tt.values_eq_approx(1.0, 1.0)
        a = [1]
        assert tt.may_share_memory(a, a) and not tt.may_share_memory(a, [1])

    def test_abstract_filter(self):
        class Bare(Type):
            pass

        with pytest.raises(NotImplementedError):
            Bare().filter(1)
        assert not Bare().in_same_class(tt)
        b = Bare()
        assert str(b) == repr(b) and "Bare object" in repr(b)  # no infinite recursion


class TestNullType:
    def test_null_type(self):
        t = NullType("undefined gradient")
        assert t == NullType("undefined gradient") and t != null_type
        assert str(t) == "NullType"
        with pytest.raises(ValueError, match="No values may be assigned to a NullType"):
            t.filter(1)
        with pytest.raises(ValueError, match="No values"):
            t.filter_variable(tt())
        with pytest.raises(ValueError, match="no values to compare"):
            t.values_eq(1, 1)
        assert not t.may_share_memory(1, 1)
        v = t()
        assert v.type is t
