"""Tests of aesara.link.c.type and aesara.link.c.interface (the C-aware types)."""

import copy
import datetime
import pickle

import numpy as np
import pytest

import aesara.tensor as at
from aesara.compile.sharedvalue import GenericType, shared
from aesara.graph.basic import Constant
from aesara.graph.utils import MethodNotDefined
from aesara.link.c.interface import CLinkerObject, CLinkerOp, CLinkerType, HideC
from aesara.link.c.type import (
    CDataType,
    CDataTypeConstant,
    CEnumType,
    CType,
    EnumList,
    EnumType,
    Generic,
    generic,
)
from aesara.raise_op import ExceptionType
from aesara.scalar.basic import ScalarType
from aesara.tensor.random.type import RandomGeneratorType
from aesara.tensor.type import TensorType
from aesara.tensor.type_other import NoneTypeT, SliceType

SUB = {"fail": "goto fail;"}


def a_capsule():
    return datetime.datetime_CAPI


class TestInterface:
    def test_object_defaults_are_empty(self):
        obj = CLinkerObject()
        assert obj.c_headers() == []
        assert obj.c_header_dirs() == []
        assert obj.c_libraries() == []
        assert obj.c_lib_dirs() == []
        assert obj.c_support_code() == ""
        assert obj.c_compile_args() == []
        assert obj.c_no_compile_args() == []
        assert obj.c_init_code() == []
        assert obj.c_code_cache_version() == ()

    def test_op_requires_c_code(self):
        op = CLinkerOp()
        with pytest.raises(MethodNotDefined, match="c_code"):
            op.c_code(None, "n", ["x"], ["z"], SUB)
        assert op.c_code_cleanup(None, "n", ["x"], ["z"], SUB) == ""
        assert op.c_support_code_apply(None, "n") == ""

    def test_op_cache_version_apply_follows_cache_version(self):
        class Versioned(CLinkerOp):
            def c_code_cache_version(self):
                return (7, 2)

        assert Versioned().c_code_cache_version_apply(None) == (7, 2)

    @pytest.mark.parametrize("hook", ["c_declare", "c_init", "c_extract", "c_sync"])
    def test_type_requires_core_hooks(self, hook):
        with pytest.raises(MethodNotDefined, match=hook):
            getattr(CLinkerType(), hook)("v", SUB)

    def test_extract_out_wraps_init_and_extract(self):
        code = generic.c_extract_out("v", SUB)
        assert "py_v == Py_None" in code
        assert generic.c_init("v", SUB).strip() in code
        assert generic.c_extract("v", SUB).splitlines()[0] in code

    def test_hidec_hides_inherited_code(self):
        class Parent(CLinkerOp):
            def c_code(self, node, name, inputs, outputs, sub):
                return "z = x;"

            def c_code_cache_version(self):
                return (3,)

        class Child(HideC, Parent):
            pass

        assert Parent().c_code(None, "n", ["x"], ["z"], SUB) == "z = x;"
        with pytest.raises(MethodNotDefined):
            Child().c_code(None, "n", ["x"], ["z"], SUB)
        with pytest.raises(MethodNotDefined):
            Child().c_headers()
        assert Child().c_code_cache_version() == ()


class TestTypeHierarchy:
    def test_tensor_and_scalar_types_are_ctypes(self):
        assert isinstance(at.dmatrix().type, CType)
        assert isinstance(ScalarType("int32"), CType)
        assert isinstance(TensorType("float64", shape=(None,)), CLinkerType)

    def test_generic_based_types(self):
        assert isinstance(NoneTypeT(), Generic)
        assert isinstance(ExceptionType(), Generic)
        assert GenericType is Generic

    def test_non_c_types_are_not_ctypes(self):
        assert not isinstance(SliceType(), CType)
        assert not isinstance(RandomGeneratorType(), CType)

    def test_subtensor_index_types_are_ctypes(self):
        # Consumers tell index placeholders (types) from literals this way.
        x = at.dvector()
        idx_list = x[1 : at.iscalar()].owner.op.idx_list
        assert any(
            isinstance(p, CType)
            for e in idx_list
            for p in (e.start, e.stop, e.step)
            if e is not None
        )


class TestGeneric:
    def test_singleton(self):
        assert Generic() is generic
        assert copy.copy(generic) is generic
        assert copy.deepcopy(generic) is generic
        assert pickle.loads(pickle.dumps(generic)) is generic
        assert NoneTypeT() is NoneTypeT()
        assert NoneTypeT() is not generic

    def test_filter_accepts_anything(self):
        obj = {"a": [1, 2]}
        assert generic.filter(obj) is obj
        assert generic.is_valid_value(object())

    def test_values_eq(self):
        assert generic.values_eq([1, 2], [1, 2])
        assert not generic.values_eq([1, 2], [2, 1])
        a = np.arange(3)
        # Array == is not a bool: fall back to identity.
        assert generic.values_eq(a, a)
        assert not generic.values_eq(a, a.copy())

    def test_str_and_equality(self):
        assert str(generic) == "Generic"
        assert generic == Generic()
        assert hash(generic) == hash(Generic())
        assert generic != NoneTypeT()

    def test_variables_and_shared(self):
        v = generic("obj")
        assert v.type is generic
        s = shared({"k": 1})
        assert s.type is generic
        assert s.get_value() == {"k": 1}

    def test_none_type_still_rejects_other_values(self):
        with pytest.raises(TypeError):
            NoneTypeT().filter(3)
        assert NoneTypeT().is_valid_value(None)
        assert not NoneTypeT().is_valid_value(0)

    def test_c_hooks(self):
        assert "PyObject*" in generic.c_declare("v", SUB)
        assert "Py_INCREF(py_v)" in generic.c_extract("v", SUB)
        assert "Py_XDECREF(v)" in generic.c_cleanup("v", SUB)
        assert generic.c_code_cache_version() == (1,)


class TestCDataType:
    def test_props_equality_and_hash(self):
        a = CDataType("void *", "free", headers=["<stdlib.h>"], version=2)
        b = CDataType("void *", "free", headers=("<stdlib.h>",), version=2)
        c = CDataType("void *", "free", headers=("<stdlib.h>",), version=3)
        assert a == b and hash(a) == hash(b)
        assert a != c
        assert a.headers == ("<stdlib.h>",)
        assert str(a) == "CDataType{void *}"

    def test_filter(self):
        t = CDataType("void *")
        cap = a_capsule()
        assert t.filter(cap) is cap
        assert t.filter(None) is None
        with pytest.raises(TypeError, match="PyCapsule"):
            t.filter(3)

    def test_bad_arguments(self):
        with pytest.raises(TypeError, match="ctype"):
            CDataType(5)
        with pytest.raises(TypeError, match="freefunc"):
            CDataType("void *", freefunc=1)
        with pytest.raises(TypeError, match="headers"):
            CDataType("void *", headers="<stdlib.h>")
        with pytest.raises(TypeError, match="libraries"):
            CDataType("void *", libraries=[3])

    def test_constant_class_and_merge_signature(self):
        t = CDataType("void *")
        assert t.constant_type is CDataTypeConstant
        cap = a_capsule()
        k1 = t.make_constant(cap)
        k2 = t.make_constant(cap)
        assert isinstance(k1, CDataTypeConstant)
        assert k1.merge_signature() == id(cap) == k2.merge_signature()
        assert k1.signature() == (t,)

    def test_c_hooks(self):
        t = CDataType("gsl_rng *", "gsl_rng_free", libraries=["gsl"], version=4)
        assert t.c_declare("r", SUB).strip() == "gsl_rng * r;"
        assert "PyCapsule_GetPointer(py_r" in t.c_extract("r", SUB)
        assert "goto fail;" in t.c_extract("r", SUB)
        assert "gsl_rng_free(r)" in t.c_sync("r", SUB)
        assert t.c_libraries() == ["gsl"]
        assert t.c_code_cache_version() == (3, 4)
        assert CDataType("void *").c_code_cache_version() == (3,)

    def test_pickle_round_trip(self):
        t = CDataType("void *", "free", headers=["<stdlib.h>"])
        assert pickle.loads(pickle.dumps(t)) == t


class TestEnumType:
    def test_constants_as_attributes_and_items(self):
        e = EnumType(ONE=1, HALF=0.5, NO=False, YES=True)
        assert (e.ONE, e.HALF, e.NO, e.YES) == (1, 0.5, 0, 1)
        assert e["HALF"] == 0.5
        assert isinstance(e.NO, int) and not isinstance(e.NO, bool)
        assert e.ctype == "double" and e.cname == "double"

    def test_aliases(self):
        e = EnumType(A=("alpha", 1), B=2, ctype="int")
        assert e.fromalias("alpha") == 1
        assert e.fromalias("B") == 2
        assert e.has_alias("alpha") and not e.has_alias("B")
        assert e.get_aliases() == ("alpha",)
        with pytest.raises(KeyError, match="neither"):
            e.fromalias("gamma")

    def test_filter(self):
        e = EnumType(A=("alpha", 1), B=2, ctype="int")
        assert e.filter(2) == 2
        assert e.filter("alpha") == 1
        assert e.filter("B") == 2
        assert e.filter(True) == 1
        with pytest.raises(TypeError, match="not the value"):
            e.filter(3)
        with pytest.raises(TypeError, match="not the value"):
            e.filter("alpha", strict=True)
        with pytest.raises(TypeError):
            e.filter("nope")
        with pytest.raises(TypeError):
            e.filter(np.array([1, 2]))
        assert e.values_eq(1, 1) and not e.values_eq_approx(1, 2)

    def test_immutable(self):
        e = EnumType(A=1)
        with pytest.raises(NotImplementedError):
            e.A = 2
        with pytest.raises(NotImplementedError):
            e["A"] = 2
        with pytest.raises(NotImplementedError):
            del e["A"]
        with pytest.raises(NotImplementedError):
            e.update(B=3)
        assert e.A == 1 and len(e) == 1

    def test_equality_and_hash(self):
        a = EnumType(A=1, B=("bee", 2))
        b = EnumType(B=("bee", 2), A=1)
        assert a == b and hash(a) == hash(b)
        assert a != EnumType(A=1, B=2)
        assert a != EnumType(A=1, B=("bee", 2), ctype="int")
        assert EnumList("A", "B") != EnumType(A=0, B=1, ctype="int")
        assert len({a, b}) == 1

    def test_repr(self):
        e = EnumType(B=("bee", 2), A=1, ctype="int")
        assert repr(e) == "EnumType<int>(A:1, B(bee):2)"

    def test_bad_definitions(self):
        with pytest.raises(AttributeError, match="invalid constant name"):
            EnumType(lower=1)
        with pytest.raises(TypeError, match="int or a float"):
            EnumType(A="x")
        with pytest.raises(TypeError, match="pair"):
            EnumType(A=("a", 1, 2))
        with pytest.raises(TypeError, match="itself"):
            EnumType(A=("A", 1))
        with pytest.raises(TypeError, match="used by both"):
            EnumType(A=("x", 1), B=("x", 2))
        with pytest.raises(TypeError, match="also constant names"):
            EnumType(A=("B", 1), B=2)
        with pytest.raises(TypeError, match="C type"):
            EnumType(A=1, ctype="int*")
        with pytest.raises(TypeError, match="C name"):
            EnumType(A=1, cname="my name")

    def test_ctype_words_normalised(self):
        e = EnumType(A=1, ctype="unsigned   long")
        assert e.ctype == "unsigned long"
        assert e.cname == "unsigned_long"

    def test_pickle_and_copy(self):
        e = EnumType(A=("alpha", 1), B=2.5, ctype="float", cname="Mine")
        for other in (pickle.loads(pickle.dumps(e)), copy.deepcopy(e)):
            assert other == e
            assert other.cname == "Mine"
            assert other.fromalias("alpha") == 1

    def test_as_type_of_constant(self):
        e = EnumType(A=1, B=2, ctype="int")
        k = Constant(e, e.filter("B"))
        assert k.data == 2 and k.type == e

    def test_c_hooks(self):
        e = EnumType(A=1, B=2, ctype="int", cname="Letters")
        code = e.c_support_code()
        assert "#define A 1" in code and "#define B 2" in code
        assert "aesara_enum_to_string_Letters" in code
        assert e.c_declare("v", SUB).strip() == "int v;"
        assert "PyLong_AsLong(py_v)" in e.c_extract("v", SUB)
        with pytest.raises(NotImplementedError):
            e.c_sync("v", SUB)
        assert e.c_code_cache_version()[:3] == (2, "int", "Letters")


class TestEnumList:
    def test_numbering_and_aliases(self):
        e = EnumList("RED", ("GREEN", "g"), "BLUE")
        assert (e.RED, e.GREEN, e.BLUE) == (0, 1, 2)
        assert e.fromalias("g") == 1
        assert e.ctype == "int"

    def test_options(self):
        e = EnumList("A", "B", ctype="unsigned int", cname="AB")
        assert e.ctype == "unsigned int" and e.cname == "AB"
        with pytest.raises(TypeError, match="unexpected keyword"):
            EnumList("A", other=1)

    def test_bad_entries(self):
        with pytest.raises(TypeError, match="twice"):
            EnumList("A", "A")
        with pytest.raises(TypeError, match="must be str"):
            EnumList(3)
        with pytest.raises(TypeError, match="pair"):
            EnumList(("A", "a", "x"))
        with pytest.raises(TypeError, match="alias"):
            EnumList(("A", 3))


class TestCEnumType:
    def test_values_and_c_extract(self):
        e = CEnumType("SEEK_SET", ("SEEK_END", "end"), ctype="long")
        assert e.SEEK_SET == 0 and e.fromalias("end") == 1
        code = e.c_extract("w", SUB)
        assert "case 0: w = SEEK_SET;" in code
        assert "case 1: w = SEEK_END;" in code
        # The C names come from C: no #define of Python's numbers.
        assert "#define SEEK_SET" not in e.c_support_code()
        assert e.c_code_cache_version()[0] == 1
        assert e != EnumList("SEEK_SET", ("SEEK_END", "end"), ctype="long")
