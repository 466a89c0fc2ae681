"""Tests of TensorType, its filter and comparisons, and the variable constructors."""

import warnings

import numpy as np
import pytest

import aesara.tensor.type as att
from aesara.configdefaults import config
from aesara.tensor.exceptions import StaticShapeError
from aesara.tensor.type import TensorType
from aesara.tensor.var import TensorConstant, TensorVariable


class TestTensorType:
    def test_props_and_broadcastable(self):
        t = TensorType("float32", (None, 1, 3))
        assert t.dtype == "float32"
        assert t.shape == (None, 1, 3)
        assert t.ndim == 3
        assert t.broadcastable == (False, True, False)
        assert t.numpy_dtype == np.dtype("float32")
        assert t == TensorType(np.float32, [None, 1, 3])
        assert hash(t) == hash(TensorType("float32", (None, 1, 3)))
        assert t != TensorType("float32", (None, None, 3))
        assert t != TensorType("float64", (None, 1, 3))

    def test_floatX_and_bool_shape(self):
        assert TensorType("floatX", ()).dtype == config.floatX
        assert TensorType("int8", (True, False)).shape == (1, None)

    def test_deprecated_broadcastable(self):
        with pytest.warns(DeprecationWarning):
            t = TensorType("float64", broadcastable=(True, False))
        assert t.shape == (1, None)

    def test_bad_arguments(self):
        with pytest.raises(TypeError, match="Unsupported dtype"):
            TensorType("object", ())
        with pytest.raises(TypeError, match="Invalid dtype"):
            TensorType("nonsense", ())
        with pytest.raises(ValueError, match="non-negative"):
            TensorType("float64", (-2,))
        with pytest.raises(TypeError, match="int or None"):
            TensorType("float64", (2.5,))
        with pytest.raises(TypeError, match="needs a `shape`"):
            TensorType("float64")

    def test_str_repr(self):
        assert str(TensorType("float64", (None, 3))) == "TensorType(float64, (?, 3))"
        assert str(TensorType("int8", (None,))) == "TensorType(int8, (?,))"
        assert str(TensorType("int8", ())) == "TensorType(int8, ())"
        # As in Aesara 2.9, repr is str.
        assert repr(TensorType("float64", (None, 3))) == "TensorType(float64, (?, 3))"
        assert str(TensorType("float64", (), name="myT")) == "myT"

    def test_clone(self):
        t = TensorType("float64", (None, 3))
        assert t.clone(dtype="int32") == TensorType("int32", (None, 3))
        assert t.clone(shape=(2, 3)) == TensorType("float64", (2, 3))
        assert t.clone() == t

    def test_filter_exact_is_identity(self):
        t = TensorType("float64", (None, 3))
        a = np.zeros((2, 3))
        assert t.filter(a) is a
        assert t.filter(a, strict=True) is a

    def test_filter_strict_errors(self):
        t = TensorType("float64", (None,))
        with pytest.raises(TypeError, match="expected an ndarray object"):
            t.filter([1.0, 2.0], strict=True)
        with pytest.raises(
            TypeError, match=r"expected an ndarray with dtype=float64 \(got float32\)"
        ):
            t.filter(np.zeros(2, dtype="float32"), strict=True)

    def test_filter_conversions(self):
        t = TensorType("float64", (None,))
        out = t.filter([1, 2])
        assert out.dtype == "float64" and out.tolist() == [1.0, 2.0]
        # Upcasting an array is lossless, downcasting is refused.
        assert t.filter(np.arange(3, dtype="int32")).dtype == "float64"
        f32 = TensorType("float32", (None,))
        with pytest.raises(TypeError, match="cannot store a value of dtype float64"):
            f32.filter(np.zeros(2))
        assert f32.filter(np.zeros(2), allow_downcast=True).dtype == "float32"
        i8 = TensorType("int8", ())
        with pytest.raises(TypeError, match="cannot store accurately value 1000"):
            i8.filter(1000)
        with pytest.raises(TypeError, match="cannot store accurately value 1.5"):
            i8.filter(1.5)
        assert i8.filter(3).dtype == "int8"

    def test_filter_python_float_to_floatX(self):
        t = TensorType(config.floatX, ())
        assert t.filter(0.1).dtype == config.floatX
        other = "float32" if config.floatX == "float64" else "float64"
        if other == "float32":
            with pytest.raises(TypeError, match="cannot store accurately"):
                TensorType(other, ()).filter(0.1)

    def test_filter_ndim_error(self):
        t = TensorType("float64", (None, None))
        with pytest.raises(
            TypeError,
            match=r"Wrong number of dimensions: expected 2, got 1 with shape \(3,\)",
        ):
            t.filter(np.zeros(3))

    def test_filter_static_shape_error(self):
        t = TensorType("float64", (None, 3))
        with pytest.raises(ValueError, match="dimension 1 must have size 3, got 4"):
            t.filter(np.zeros((2, 4)))
        # Also a TypeError, as in Aesara.
        with pytest.raises(TypeError):
            t.filter(np.zeros((2, 4)))
        assert issubclass(StaticShapeError, TypeError)

    def test_filter_rejects_variables(self):
        t = TensorType("float64", ())
        with pytest.raises(TypeError, match="found a Variable"):
            t.filter(t())

    def test_is_super_and_convert(self):
        general = TensorType("float64", (None, None))
        specific = TensorType("float64", (2, None))
        assert general.is_super(specific)
        assert not specific.is_super(general)
        assert not general.is_super(TensorType("float32", (None, None)))
        assert not general.is_super(TensorType("float64", (None,)))
        x = specific()
        assert general.convert_variable(x) is x
        y = general()
        converted = specific.convert_variable(y)
        assert converted.type == specific
        assert type(converted.owner.op).__name__ == "SpecifyShape"
        assert TensorType("int64", (None, None)).convert_variable(y) is None

    def test_filter_variable(self):
        t = TensorType("float64", (None,))
        c = t.filter_variable([1.0, 2.0])
        assert isinstance(c, TensorConstant) and c.type == TensorType("float64", (2,))
        with pytest.raises(TypeError, match="Cannot convert Type"):
            t.filter_variable(TensorType("int32", (None,))())

    def test_in_same_class(self):
        a = TensorType("float64", (2, 1))
        assert a.in_same_class(TensorType("float64", (None, 1)))
        assert not a.in_same_class(TensorType("float64", (None, None)))

    def test_values_eq(self):
        eq = TensorType.values_eq
        assert eq(np.array([1.0, np.nan]), np.array([1.0, np.nan]))
        assert not eq(np.array([1.0, np.nan]), np.array([np.nan, 1.0]))
        assert not eq(np.zeros(2), np.zeros(3))
        assert not eq(np.zeros(2), np.zeros(2, dtype="float32"))
        assert eq(np.zeros(2), np.zeros(2, dtype="float32"), force_same_dtype=False)

    def test_values_eq_approx(self):
        approx = TensorType.values_eq_approx
        a = np.array([1.0, np.nan, np.inf])
        assert approx(a, a + np.array([1e-9, 0, 0]))
        assert not approx(a, np.array([1.0, 0.0, np.inf]))
        assert not approx(a, np.array([1.0, np.nan, -np.inf]))
        assert approx(a, np.array([1.0, 5.0, np.inf]), allow_remove_nan=True)
        assert approx(a, np.array([1.0, np.nan, 3.0]), allow_remove_inf=True)
        assert not approx(np.array([1.0]), np.array([1.1]))
        assert approx(np.array([1.0]), np.array([1.1]), rtol=0.2)
        assert approx(np.array([1, 2]), np.array([1, 2]))
        assert not approx(np.array([1, 2]), np.array([1, 3]))

    def test_misc_methods(self):
        t = TensorType("float32", (None, None))
        assert t.get_size(t.get_shape_info(np.zeros((2, 3), dtype="float32"))) == 24
        z = t.value_zeros((2, 2))
        assert z.dtype == "float32" and not z.any()
        a = np.zeros(4)
        assert TensorType.may_share_memory(a, a[1:])
        assert not TensorType.may_share_memory(a, np.zeros(4))
        assert t.dtype_specs()[0] is float


class TestDtypeGroups:
    def test_groups(self):
        assert att.int_dtypes == ["int8", "int16", "int32", "int64"]
        assert "bool" in att.discrete_dtypes and "uint8" in att.discrete_dtypes
        assert set(att.continuous_dtypes) == {
            "float16",
            "float32",
            "float64",
            "complex64",
            "complex128",
        }
        assert set(att.all_dtypes) == set(att.discrete_dtypes) | set(
            att.continuous_dtypes
        )
        assert att.float_types == (att.fscalar, att.dscalar)
        assert att.int_matrix_types[0] == att.bmatrix


_PREFIX_DTYPES = {
    "c": "complex64",
    "z": "complex128",
    "f": "float32",
    "d": "float64",
    "b": "int8",
    "w": "int16",
    "i": "int32",
    "l": "int64",
}
_KIND_SHAPES = {
    "scalar": (),
    "vector": (None,),
    "matrix": (None, None),
    "row": (1, None),
    "col": (None, 1),
    **{f"tensor{n}": (None,) * n for n in range(3, 8)},
}


@pytest.mark.parametrize("kind", list(_KIND_SHAPES))
@pytest.mark.parametrize("prefix", ["", *_PREFIX_DTYPES])
def test_constructors(prefix, kind):
    ctor = getattr(att, prefix + kind)
    v = ctor(name="v")
    assert isinstance(v, TensorVariable)
    assert v.name == "v"
    assert v.type.dtype == _PREFIX_DTYPES.get(prefix, config.floatX)
    assert v.type.shape == _KIND_SHAPES[kind]
    assert v.type.broadcastable == tuple(s == 1 for s in _KIND_SHAPES[kind])
    if prefix:
        # Prefixed names are types, compared by value.
        assert v.type == ctor
    assert prefix + kind in att.__all__


_PLURALS = {
    "scalar": "scalars",
    "vector": "vectors",
    "matrix": "matrices",
    "row": "rows",
    "col": "cols",
    **{f"tensor{n}": f"tensor{n}s" for n in range(3, 8)},
}


@pytest.mark.parametrize("kind", list(_PLURALS))
@pytest.mark.parametrize("prefix", ["", "f", "d", "i", "l"])
def test_plural_constructors(prefix, kind):
    plural = getattr(att, prefix + _PLURALS[kind])
    a, b = plural("a", "b")
    assert (a.name, b.name) == ("a", "b")
    assert a.type == b.type
    assert a.type.shape == _KIND_SHAPES[kind]
    assert a.type.dtype == _PREFIX_DTYPES.get(prefix, config.floatX)
    three = plural(3)
    assert len(three) == 3 and all(t.name is None for t in three)
    single = plural("x")
    assert isinstance(single, TensorVariable) and single.name == "x"
    assert prefix + _PLURALS[kind] in att.__all__


def test_plural_bad_argument():
    with pytest.raises(TypeError, match="takes names"):
        att.dmatrices("a", 2)
    # As in Aesara 2.9: no names at all gives an empty list.
    assert att.dmatrices() == []


def test_unprefixed_constructors_take_dtype_and_shape():
    v = att.vector("v", dtype="int16", shape=(4,))
    assert v.type == TensorType("int16", (4,))
    m = att.matrix(dtype="float32", shape=(None, 2))
    assert m.type == TensorType("float32", (None, 2))
    assert att.tensor3(shape=(1, None, 2)).type.shape == (1, None, 2)
    with pytest.raises(ValueError, match="length 2"):
        att.matrix(shape=(None,))
    with pytest.raises(
        ValueError, match="first dimension of a `row` must have shape 1"
    ):
        att.row(shape=(2, None))
    with pytest.raises(ValueError, match="second dimension of a `col`"):
        att.col(shape=(None, 2))
    with pytest.raises(TypeError, match="must be a tuple"):
        att.vector(shape=3)


def test_tensor_constructor():
    x = att.tensor("int32", shape=(None, 3), name="x")
    assert x.type == TensorType("int32", (None, 3)) and x.name == "x"
    y = att.tensor(dtype="float32", shape=(2,))
    assert y.type == TensorType("float32", (2,))
    assert att.tensor(shape=()).type.dtype == config.floatX
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        z = att.tensor("float64", broadcastable=(True, False))
    assert z.type.shape == (1, None)
    with pytest.raises(TypeError, match="needs a `shape`"):
        att.tensor("float64")


def test_str_of_variables():
    assert str(att.dmatrix()) == "<TensorType(float64, (?, ?))>"
    assert str(att.dmatrix("x")) == "x"
