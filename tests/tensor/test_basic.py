"""Tests of aesara.tensor.basic: conversion, constants, casts, MakeVector, Alloc."""

import numpy as np
import pytest

import aesara.tensor.basic as atb
from aesara.configdefaults import config
from aesara.graph.basic import Apply
from aesara.tensor.basic import (
    Alloc,
    MakeVector,
    alloc,
    as_tensor_variable,
    cast,
    constant,
    extract_constant,
    get_scalar_constant_value,
    get_vector_length,
    infer_static_shape,
    ones,
    scalar_from_tensor,
    tensor_from_scalar,
    zeros,
)
from aesara.tensor.exceptions import EmptyConstantError, NotScalarConstantError
from aesara.tensor.shape import shape_i
from aesara.tensor.type import (
    TensorType,
    dmatrix,
    dscalar,
    dvector,
    iscalar,
    lscalar,
    tensor,
)
from aesara.tensor.var import TensorConstant


class TestConstant:
    @pytest.mark.parametrize(
        "value, dtype",
        [
            (1, "int8"),
            (-128, "int8"),
            (300, "int16"),
            (70000, "int32"),
            (2**40, "int64"),
            (2**63, "uint64"),
            (1.5, "float32"),
            (0.1, "float64"),
            (np.float64(1.5), "float64"),
            (np.float32(0.1), "float32"),
            (np.int16(3), "int16"),
            ([1, 2], "int64"),
            ([1.5, 2.0], "float64"),
        ],
    )
    def test_autocast_dtypes(self, value, dtype):
        if isinstance(value, float) and config.floatX != "float64":
            pytest.skip("the custom policy casts Python floats to floatX=float32")
        c = constant(value)
        assert c.dtype == dtype
        assert np.all(c.data == np.asarray(value))

    def test_empty_list_is_floatX(self):
        assert constant([]).dtype == config.floatX

    def test_static_shape_and_ndim(self):
        c = constant(np.zeros((2, 3)))
        assert c.type.shape == (2, 3)
        assert constant(5, ndim=2).type.shape == (1, 1)
        assert constant(np.ones((1, 1, 3)), ndim=1).type.shape == (3,)
        with pytest.raises(
            ValueError, match="could not be cast to a constant with 1 dimensions"
        ):
            constant(np.ones((2, 3)), ndim=1)

    def test_dtype_and_name(self):
        c = constant(1, dtype="float32", name="one")
        assert c.dtype == "float32" and c.name == "one"
        assert constant(c) is c
        assert constant(c, dtype="float64").dtype == "float64"

    def test_bad_values(self):
        with pytest.raises(TypeError, match="symbolic variable"):
            constant(dvector())
        with pytest.raises(TypeError, match="Unsupported dtype"):
            constant("abc")
        with pytest.raises(TypeError, match="Cannot make a tensor constant"):
            constant(object())


class TestAsTensorVariable:
    def test_variables_pass_through(self):
        x = dmatrix()
        assert as_tensor_variable(x) is x
        with pytest.raises(TypeError, match="Cannot convert None"):
            as_tensor_variable(None)
        y = x + 1
        assert as_tensor_variable(y.owner) is y

    def test_python_bool_rejected(self):
        with pytest.raises(TypeError, match="Cannot cast True or False"):
            as_tensor_variable(True)
        assert as_tensor_variable(np.bool_(True)).dtype == "bool"

    def test_numbers_and_arrays(self):
        c = as_tensor_variable(np.arange(3, dtype="int16"), name="c")
        assert isinstance(c, TensorConstant) and c.dtype == "int16" and c.name == "c"
        assert as_tensor_variable(2).dtype == "int8"

    def test_ndim(self):
        v = dvector()
        m = as_tensor_variable(v, ndim=2)
        assert m.type.shape == (1, None)
        r = tensor("float64", shape=(1, None))
        assert as_tensor_variable(r, ndim=1).type.shape == (None,)
        with pytest.raises(ValueError, match="could not be cast to have 1 dimensions"):
            as_tensor_variable(dmatrix(), ndim=1)

    def test_sequences(self):
        c = as_tensor_variable([[1, 2], [3, 4]])
        assert isinstance(c, TensorConstant) and c.type.shape == (2, 2)
        a, b = iscalar("a"), lscalar("b")
        v = as_tensor_variable([a, b, 3])
        assert isinstance(v.owner.op, MakeVector)
        assert v.type == TensorType("int64", (3,))
        np.testing.assert_array_equal(v.eval({a: 1, b: 2}), [1, 2, 3])
        # Constants inside sequences are unwrapped.
        k = as_tensor_variable([constant(1.5), 2.5])
        assert isinstance(k, TensorConstant)
        # Non-scalar variables are stacked along a new leading axis.
        x, y = dvector(), dvector()
        s = as_tensor_variable([x, y])
        assert s.type.ndim == 2 and s.type.shape[0] == 2
        np.testing.assert_array_equal(
            s.eval({x: np.array([1.0, 2.0]), y: np.array([3.0, 4.0])}),
            [[1.0, 2.0], [3.0, 4.0]],
        )

    def test_scalar_variable(self):
        import aesara.scalar.basic as aes

        s = aes.float64("s")
        t = as_tensor_variable(s)
        assert t.type == TensorType("float64", ())
        assert t.owner.op == tensor_from_scalar

    def test_unknown_objects(self):
        with pytest.raises(TypeError, match="Cannot convert"):
            as_tensor_variable(object())

    def test_multi_output_apply(self):
        class TwoOut(atb.Op):
            def make_node(self):
                return Apply(self, [], [dvector(), dvector()])

        with pytest.raises(TypeError, match="Multi-output"):
            as_tensor_variable(TwoOut().make_node())


class TestGetScalarConstantValue:
    def test_values(self):
        assert get_scalar_constant_value(3) == 3
        assert get_scalar_constant_value(np.array(2.5)) == 2.5
        assert get_scalar_constant_value(constant(7)) == 7
        # A constant whose elements are all equal.
        assert get_scalar_constant_value(constant(np.full((2, 2), 4.0))) == 4.0

    def test_through_ops(self):
        x = dmatrix("x")
        assert get_scalar_constant_value(constant(3) + 2) == 5
        assert get_scalar_constant_value(cast(constant(3), "float32")) == 3
        assert get_scalar_constant_value(alloc(constant(2.0), 3, 4)) == 2.0
        assert (
            get_scalar_constant_value(shape_i(tensor("float64", shape=(None, 4)), 1))
            == 4
        )
        with pytest.raises(NotScalarConstantError):
            get_scalar_constant_value(x.shape[0])
        with pytest.raises(NotScalarConstantError):
            get_scalar_constant_value(constant(3) + 2, elemwise=False)
        with pytest.raises(NotScalarConstantError):
            get_scalar_constant_value(constant(3) + 2, only_process_constants=True)

    def test_errors(self):
        with pytest.raises(EmptyConstantError):
            get_scalar_constant_value(constant(np.zeros((0,))))
        with pytest.raises(NotScalarConstantError):
            get_scalar_constant_value(constant(np.array([1, 2])))
        with pytest.raises(NotScalarConstantError):
            get_scalar_constant_value(dscalar())
        with pytest.raises(NotScalarConstantError):
            get_scalar_constant_value(None)

    def test_extract_constant(self):
        x = dscalar()
        assert extract_constant(x) is x
        assert extract_constant(constant(3) + 1) == 4


class TestGetVectorLength:
    def test_lengths(self):
        assert get_vector_length(tensor("float64", shape=(5,))) == 5
        assert get_vector_length(constant([1, 2, 3])) == 3
        assert get_vector_length(dmatrix().shape) == 2
        assert get_vector_length(as_tensor_variable([iscalar(), iscalar()])) == 2
        assert get_vector_length([1, 2]) == 2

    def test_errors(self):
        with pytest.raises(TypeError, match="must be a vector"):
            get_vector_length(dmatrix())
        with pytest.raises(ValueError, match="cannot be determined"):
            get_vector_length(dvector())


class TestCast:
    def test_cast(self):
        x = dvector("x")
        y = cast(x, "int32")
        assert y.type == TensorType("int32", (None,))
        np.testing.assert_array_equal(y.eval({x: np.array([1.7, -1.2])}), [1, -1])
        assert cast(x, "float64") is x
        assert cast(x, "floatX").dtype == config.floatX
        assert cast(x, np.float32).dtype == "float32"
        assert cast([1, 2], "float32").dtype == "float32"

    def test_errors(self):
        z = tensor("complex128", shape=(None,))
        with pytest.raises(TypeError, match="complex to real is ambiguous"):
            cast(z, "float64")
        with pytest.raises(TypeError, match="invalid dtype"):
            cast(dvector(), "nope")
        with pytest.raises(TypeError, match="unsupported dtype"):
            cast(dvector(), "datetime64[s]")

    def test_lazy_ops_are_elemwise(self):
        from aesara.tensor.elemwise import Elemwise

        assert isinstance(atb.second, Elemwise)
        assert atb.fill is atb.second
        assert isinstance(atb.tensor_copy, Elemwise)
        assert isinstance(atb._convert_to_int8, Elemwise)
        assert atb.where is atb.switch
        with pytest.raises(AttributeError):
            atb.not_a_name  # noqa: B018


class TestScalarTensorConversion:
    def test_roundtrip(self):
        x = dscalar("x")
        s = scalar_from_tensor(x)
        assert s.type.dtype == "float64"
        t = tensor_from_scalar(s)
        assert t.type == TensorType("float64", ())
        assert t.eval({x: 2.5}) == 2.5

    def test_errors(self):
        with pytest.raises(TypeError, match="0-d tensor"):
            scalar_from_tensor(dvector())
        with pytest.raises(TypeError, match="ScalarType"):
            tensor_from_scalar(dscalar())

    def test_infer_shape(self):
        x = dscalar()
        s = scalar_from_tensor(x)
        assert scalar_from_tensor.infer_shape(None, s.owner, [()]) == [()]


class TestMakeVector:
    def test_basic(self):
        a, b = iscalar("a"), iscalar("b")
        v = MakeVector("int32")(a, b)
        assert v.type == TensorType("int32", (2,))
        np.testing.assert_array_equal(v.eval({a: 1, b: 2}), [1, 2])
        node = v.owner
        assert node.op.infer_shape(None, node, [(), ()]) == [(2,)]
        assert str(MakeVector("int32")) == "MakeVector{dtype='int32'}"

    def test_upcast_and_errors(self):
        a = iscalar("a")
        v = MakeVector("float64")(a, 2)
        assert v.dtype == "float64"
        np.testing.assert_array_equal(v.eval({a: 3}), [3.0, 2.0])
        with pytest.raises(TypeError, match="upcastable to int32"):
            MakeVector("int32")(dscalar(), a)
        with pytest.raises(ValueError, match="must be scalars"):
            MakeVector("float64")(dvector())

    def test_empty(self):
        v = MakeVector("int64")()
        assert v.type.shape == (0,)
        assert v.eval().shape == (0,)


class TestAlloc:
    def test_static_shape(self):
        assert alloc(0.0, 2, 3).type.shape == (2, 3)
        n = lscalar("n")
        assert alloc(0.0, n, 3).type.shape == (None, 3)
        v = tensor("float64", shape=(4,))
        # The value's known size fixes the output's.
        assert alloc(v, 2, n).type.shape == (2, 4)
        assert alloc(v, 2, 4).type.shape == (2, 4)

    def test_values(self):
        v = dvector("v")
        n = lscalar("n")
        out = alloc(v, n, 3)
        np.testing.assert_array_equal(
            out.eval({v: np.array([1.0, 2.0, 3.0]), n: 2}),
            np.tile([1.0, 2.0, 3.0], (2, 1)),
        )
        np.testing.assert_array_equal(alloc(np.float32(7), 2).eval(), [7, 7])

    def test_errors(self):
        with pytest.raises(TypeError, match="more dimensions"):
            alloc(dmatrix(), 3)
        with pytest.raises(
            ValueError, match="cannot broadcast a value of static shape"
        ):
            alloc(tensor("float64", shape=(3,)), 2, 4)
        with pytest.raises(TypeError, match="scalar integers"):
            alloc(0.0, 2.5)
        with pytest.raises(ValueError, match="non-negative"):
            alloc(0.0, -1)
        v = dvector("v")
        with pytest.raises(
            ValueError,
            match=r"cannot broadcast a value of shape \(4,\) to shape \(2, 3\)",
        ):
            alloc(v, 2, 3).eval({v: np.zeros(4)})

    def test_infer_shape_and_connection_pattern(self):
        n = lscalar("n")
        out = alloc(0.0, n, 3)
        node = out.owner
        shapes = Alloc().infer_shape(None, node, [(), (), ()])
        assert shapes == [node.inputs[1:]]
        assert Alloc().connection_pattern(node) == [[True], [False], [False]]

    def test_zeros_ones_full(self):
        n = lscalar("n")
        z = zeros((n, 2), dtype="int16")
        assert z.type == TensorType("int16", (None, 2))
        np.testing.assert_array_equal(z.eval({n: 3}), np.zeros((3, 2), dtype="int16"))
        assert zeros(4).type.shape == (4,)
        assert ones(()).eval() == 1.0
        assert ones((2, 3)).dtype == config.floatX
        x = dmatrix("x")
        np.testing.assert_array_equal(
            zeros(x.shape).eval({x: np.ones((2, 5))}), np.zeros((2, 5))
        )
        f = atb.full((2,), 3, dtype="float32")
        assert f.dtype == "float32"
        np.testing.assert_array_equal(f.eval(), [3.0, 3.0])

    def test_like(self):
        x = dmatrix("x")
        xv = np.ones((2, 3))
        np.testing.assert_array_equal(atb.zeros_like(x).eval({x: xv}), np.zeros((2, 3)))
        assert atb.ones_like(x, dtype="int8").dtype == "int8"
        np.testing.assert_array_equal(
            atb.full_like(x, 5.0).eval({x: xv}), np.full((2, 3), 5.0)
        )

    def test_infer_static_shape(self):
        n = lscalar("n")
        entries, static = infer_static_shape([2, n, constant(3) + 1])
        assert static == (2, None, 4)
        assert len(entries) == 3
        _, static = infer_static_shape(dmatrix().shape)
        assert static == (None, None)
        with pytest.raises(TypeError, match="scalar integers"):
            infer_static_shape([dvector()])


class TestDimensionHelpers:
    def test_transpose_and_swapaxes(self):
        x = tensor("float64", shape=(2, 3, 4))
        assert atb.transpose(x).type.shape == (4, 3, 2)
        assert atb.transpose(x, (0, -1, 1)).type.shape == (2, 4, 3)
        assert atb.swapaxes(x, 0, -1).type.shape == (4, 3, 2)
        with pytest.raises(ValueError, match="not a permutation"):
            atb.transpose(x, (0, 1))
        with pytest.raises(IndexError, match="out of bounds"):
            atb.swapaxes(x, 0, 3)

    def test_flatten(self):
        x = tensor("float64", shape=(2, 3, 4))
        assert atb.flatten(x).type.shape == (24,)
        assert atb.flatten(x, 2).type.shape == (2, 12)
        y = tensor("float64", shape=(None, 1, 1))
        assert atb.flatten(y, 2).type.shape == (None, 1)
        with pytest.raises(ValueError, match="out of bound"):
            atb.flatten(x, 4)
