"""ParamsType and Params: Python behaviour and the generated C struct."""

from __future__ import annotations

import pickle

import numpy as np
import pytest

from aesara.link.c.params_type import Params, ParamsType
from aesara.link.c.type import EnumList, EnumType, Generic
from aesara.scalar import ScalarType
from aesara.tensor.type import TensorType


def _pt():
    return ParamsType(
        array=TensorType("int64", shape=(None,)),
        floating=ScalarType("float64"),
        obj=Generic(),
        mode=EnumList(("SUM", "add"), "MAX"),
    )


class TestParamsType:
    def test_fields_sorted_and_types(self):
        pt = _pt()
        assert pt.fields == ("array", "floating", "mode", "obj")
        assert pt.get_type("floating") == ScalarType("float64")
        assert pt.get_field(ScalarType("float64")) == "floating"
        assert pt.has_type(Generic())
        with pytest.raises(KeyError, match="nope"):
            pt.get_type("nope")

    def test_equality_hash_and_name(self):
        assert _pt() == _pt()
        assert hash(_pt()) == hash(_pt())
        assert _pt().name == _pt().name
        other = ParamsType(floating=ScalarType("float32"))
        assert other != _pt()
        assert other.name != _pt().name

    def test_enum_constants_and_aliases(self):
        pt = _pt()
        assert pt.SUM == 0 and pt.MAX == 1
        assert pt.get_enum("MAX") == 1
        assert pt.enum_from_alias("add") == 0
        assert pt.enum_from_alias("MAX") == 1
        with pytest.raises(AttributeError):
            _ = pt.NOT_A_CONSTANT

    def test_conflicting_enums_rejected(self):
        with pytest.raises(AttributeError, match="A"):
            ParamsType(e1=EnumType(A=1), e2=EnumType(A=2, B=3))

    @pytest.mark.parametrize(
        "kwargs, error",
        [
            ({}, ValueError),
            ({"1bad": Generic()}, AttributeError),
            ({"int": Generic()}, SyntaxError),
            ({"x": 3}, TypeError),
        ],
    )
    def test_bad_fields(self, kwargs, error):
        with pytest.raises(error):
            ParamsType(**kwargs)

    def test_get_params_reads_attributes_and_filters(self):
        class Holder:
            array = [1, 2]
            floating = 2
            obj = "anything"
            mode = "add"

        p = _pt().get_params(Holder(), floating=3.5)
        assert isinstance(p, Params)
        assert p.floating == 3.5 and isinstance(p.floating, np.float64)
        assert p.array.dtype == np.int64
        assert p.mode == 0
        with pytest.raises(AttributeError, match="floating"):
            ParamsType(floating=ScalarType("float64")).get_params(object())

    def test_extended(self):
        pt = ParamsType(a=ScalarType("int32")).extended(b=Generic())
        assert pt.fields == ("a", "b")

    def test_filter(self):
        pt = ParamsType(a=ScalarType("int32"))
        p = Params(pt, a=np.int32(3))
        assert pt.filter(p) is p
        with pytest.raises(TypeError, match="strict"):
            pt.filter({"a": 1}, strict=True)
        assert pt.values_eq(p, Params(pt, a=np.int32(3)))

    def test_c_code_pieces(self):
        pt = _pt()
        support = pt.c_support_code()
        assert f"struct {pt.name}" in support[-1]
        assert "#define MAX 1" in "".join(support)
        assert f"{pt.name}* p;" in pt.c_declare("p", {"fail": ""})
        assert '"array", "floating", "mode", "obj"' in pt.c_extract("p", {"fail": "F;"})
        assert pt.c_code_cache_version() != ()
        with pytest.raises(NotImplementedError):
            pt.c_sync("p", {"fail": ""})


class TestParams:
    def test_values_and_immutability(self):
        pt = ParamsType(a=ScalarType("int32"), b=Generic())
        p = Params(pt, a=1, b="x")
        assert p.a == 1 and p["b"] == "x"
        with pytest.raises(NotImplementedError):
            p.a = 2
        with pytest.raises(NotImplementedError):
            p["a"] = 2
        with pytest.raises(AttributeError, match="zz"):
            _ = p.zz

    def test_missing_field_and_bad_type(self):
        pt = ParamsType(a=ScalarType("int32"), b=Generic())
        with pytest.raises(TypeError, match="'b'"):
            Params(pt, a=1)
        with pytest.raises(TypeError, match="ParamsType"):
            Params({"a": 1}, a=1)

    def test_hash_eq_pickle(self):
        pt = ParamsType(
            arr=TensorType("float64", shape=(None,)), s=ScalarType("float64")
        )
        p1 = Params(pt, arr=np.array([1.0, 2.0]), s=np.float64(1))
        p2 = Params(pt, arr=np.array([1.0, 2.0]), s=np.float64(1))
        p3 = Params(pt, arr=np.array([1.0, 3.0]), s=np.float64(1))
        assert p1 == p2 and hash(p1) == hash(p2)
        assert p1 != p3
        p4 = pickle.loads(pickle.dumps(p1))
        assert p4 == p1
