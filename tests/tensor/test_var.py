"""Tests of TensorVariable/TensorConstant: operators, properties and methods."""

import copy

import numpy as np
import pytest

from aesara.graph.basic import Variable
from aesara.tensor.basic import constant
from aesara.tensor.type import TensorType, dmatrix, dvector, iscalar, lvector, tensor
from aesara.tensor.var import TensorConstant, TensorConstantSignature, TensorVariable


def _op_name(v):
    op = v.owner.op
    return getattr(getattr(op, "scalar_op", op), "name", None) or type(op).__name__


class TestOperators:
    @pytest.mark.parametrize(
        "fn, expected",
        [
            (lambda x, y: x + y, np.add),
            (lambda x, y: x - y, np.subtract),
            (lambda x, y: x * y, np.multiply),
            (lambda x, y: x / y, np.true_divide),
            (lambda x, y: x**y, np.power),
            (lambda x, y: x // y, np.floor_divide),
            (lambda x, y: x % y, np.mod),
        ],
    )
    def test_binary_values(self, fn, expected):
        x, y = dvector("x"), dvector("y")
        xv, yv = np.array([1.5, 4.0, -3.0]), np.array([2.0, 0.5, 2.0])
        out = fn(x, y)
        assert isinstance(out, TensorVariable)
        np.testing.assert_allclose(out.eval({x: xv, y: yv}), expected(xv, yv))

    def test_reflected_with_python_and_numpy_scalars(self):
        x = dvector("x")
        xv = np.array([1.0, 2.0])
        np.testing.assert_allclose((2 - x).eval({x: xv}), 2 - xv)
        np.testing.assert_allclose((3.0 / x).eval({x: xv}), 3.0 / xv)
        np.testing.assert_allclose((2**x).eval({x: xv}), 2**xv)
        # NumPy scalars and arrays defer to the symbolic operand.
        out = np.float64(2) * x
        assert isinstance(out, TensorVariable)
        np.testing.assert_allclose(out.eval({x: xv}), 2 * xv)
        out = np.array([1.0, 1.0]) + x
        assert isinstance(out, TensorVariable)

    def test_unary(self):
        x = dvector("x")
        xv = np.array([-1.5, 2.0])
        np.testing.assert_allclose((-x).eval({x: xv}), -xv)
        np.testing.assert_allclose(abs(x).eval({x: xv}), np.abs(xv))
        assert +x is x
        i = lvector("i")
        np.testing.assert_array_equal(
            (~i).eval({i: np.array([0, 3])}), ~np.array([0, 3])
        )

    def test_bitwise(self):
        a, b = lvector("a"), lvector("b")
        av, bv = np.array([1, 6]), np.array([3, 5])
        np.testing.assert_array_equal((a & b).eval({a: av, b: bv}), av & bv)
        np.testing.assert_array_equal((a | b).eval({a: av, b: bv}), av | bv)
        np.testing.assert_array_equal((a ^ b).eval({a: av, b: bv}), av ^ bv)
        np.testing.assert_array_equal((1 & a).eval({a: av}), 1 & av)

    def test_comparisons_are_symbolic(self):
        x = dvector("x")
        xv = np.array([1.0, 2.0, 3.0])
        for fn, ref in [
            (lambda v: v < 2, np.less),
            (lambda v: v <= 2, np.less_equal),
            (lambda v: v > 2, np.greater),
            (lambda v: v >= 2, np.greater_equal),
        ]:
            out = fn(x)
            assert isinstance(out, TensorVariable) and out.dtype == "bool"
            np.testing.assert_array_equal(out.eval({x: xv}), ref(xv, 2))

    def test_eq_and_hash_are_identity(self):
        x, y = dvector(), dvector()
        assert (x == y) is False
        assert x == x
        assert len({x, y, x}) == 2

    def test_bool(self):
        x = dvector("x")
        assert bool(x)
        with pytest.raises(TypeError, match="do not support boolean operations"):
            bool(x < 1)
        with pytest.raises(TypeError, match="do not support boolean operations"):
            if 0 < x < 1:  # chained comparison
                pass

    def test_incompatible_static_shapes_name_op_and_shapes(self):
        a = tensor("float64", shape=(2, 3))
        b = tensor("float64", shape=(3, 3))
        with pytest.raises(ValueError) as info:
            a + b
        msg = str(info.value)
        assert "2" in msg and "3" in msg

    def test_unsupported_operand_returns_notimplemented(self):
        x = dvector("x")

        class Foreign:
            pass

        with pytest.raises(TypeError, match="unsupported operand"):
            x + Foreign()
        other = Variable(TensorType("float64", (None,)).clone(), None)
        other.type = object.__new__(type("OtherType", (), {}))
        assert x.__add__(other) is NotImplemented

    def test_numpy_ufuncs_refuse_symbolic(self):
        with pytest.raises(TypeError):
            np.exp(dvector())


class TestProperties:
    def test_basic_properties(self):
        x = tensor("float32", shape=(None, 1, 3), name="x")
        assert x.ndim == 3
        assert x.dtype == "float32"
        assert x.broadcastable == (False, True, False)
        assert x.type.shape == (None, 1, 3)

    def test_shape_and_size(self):
        x = dmatrix("x")
        xv = np.zeros((2, 5))
        np.testing.assert_array_equal(x.shape.eval({x: xv}), [2, 5])
        assert x.size.eval({x: xv}) == 10
        s = tensor("float64", shape=(2, 3)).size
        assert isinstance(s, TensorConstant) and s.data == 6
        v = dvector("v")
        assert v.size.eval({v: np.zeros(4)}) == 4

    def test_T_and_transpose(self):
        x = tensor("float64", shape=(2, 3, 4), name="x")
        assert x.T.type.shape == (4, 3, 2)
        assert x.T.name == "x.T"
        assert x.transpose(1, 0, 2).type.shape == (3, 2, 4)
        assert x.transpose((2, 0, 1)).type.shape == (4, 2, 3)

    def test_len_and_iter(self):
        v = tensor("float64", shape=(3,))
        assert len(v) == 3
        with pytest.raises(TypeError, match="first dimension"):
            len(dvector())
        with pytest.raises(TypeError, match="0-d"):
            len(iscalar())
        with pytest.raises(TypeError, match="does not support iteration"):
            list(dvector())
        with pytest.raises(TypeError, match="builtins.sum"):
            sum(dvector())
        a, b = iscalar("a"), iscalar("b")
        from aesara.tensor.basic import as_tensor_variable

        vec = as_tensor_variable([a, b])
        assert len(vec) == 2
        assert list(vec) == list(vec.owner.inputs)
        x = dmatrix("x")
        s0, s1 = x.shape
        assert (
            s0.eval({x: np.zeros((4, 7))}) == 4 and s1.eval({x: np.zeros((4, 7))}) == 7
        )

    def test_setitem_refused(self):
        with pytest.raises(TypeError, match="does not support item assignment"):
            dvector()[0] = 1


class TestMethods:
    def test_astype(self):
        x = dvector("x")
        assert x.astype("int32").dtype == "int32"
        assert x.astype("float64") is x
        np.testing.assert_array_equal(
            x.astype("int8").eval({x: np.array([1.7, -2.2])}), [1, -2]
        )

    def test_reshape_forms(self):
        x = dvector("x")
        xv = np.arange(6.0)
        assert x.reshape((2, 3)).eval({x: xv}).shape == (2, 3)
        assert x.reshape(2, 3).eval({x: xv}).shape == (2, 3)
        assert x.reshape([3, -1]).eval({x: xv}).shape == (3, 2)
        with pytest.raises(ValueError, match="ndim to be an integer"):
            x.reshape((2, 3), ndim=2.0)

    def test_dimshuffle_flatten_ravel(self):
        x = tensor("float64", shape=(2, 3), name="x")
        assert x.dimshuffle("x", 1, 0).type.shape == (1, 3, 2)
        assert x.dimshuffle(("x", 1, 0)).type.shape == (1, 3, 2)
        assert x.flatten().type.shape == (6,)
        assert x.ravel().type.shape == (6,)

    def test_reductions(self):
        x = dmatrix("x")
        xv = np.array([[1.0, -2.0, 3.0], [4.0, 5.0, -6.0]])
        np.testing.assert_allclose(x.sum().eval({x: xv}), xv.sum())
        np.testing.assert_allclose(x.sum(axis=0).eval({x: xv}), xv.sum(axis=0))
        np.testing.assert_allclose(x.prod(axis=1).eval({x: xv}), xv.prod(axis=1))
        np.testing.assert_allclose(
            x.mean(axis=1, keepdims=True).eval({x: xv}), xv.mean(1, keepdims=True)
        )
        np.testing.assert_allclose(x.max(axis=0).eval({x: xv}), xv.max(0))
        np.testing.assert_allclose(x.min().eval({x: xv}), xv.min())
        np.testing.assert_array_equal(x.argmax(axis=1).eval({x: xv}), xv.argmax(1))
        np.testing.assert_array_equal(x.argmin(axis=0).eval({x: xv}), xv.argmin(0))
        np.testing.assert_allclose(x.var().eval({x: xv}), xv.var())
        np.testing.assert_allclose(x.std(axis=0).eval({x: xv}), xv.std(axis=0))
        assert bool(x.any().eval({x: xv}))
        assert not bool((x > 10).all().eval({x: xv}))

    def test_elementwise_methods(self):
        x = dvector("x")
        xv = np.array([0.4, 2.6, 9.0])
        np.testing.assert_allclose(x.clip(1.0, 3.0).eval({x: xv}), np.clip(xv, 1, 3))
        np.testing.assert_allclose(x.exp().eval({x: xv}), np.exp(xv))
        np.testing.assert_allclose(x.log().eval({x: xv}), np.log(xv))
        np.testing.assert_allclose(x.sqrt().eval({x: xv}), np.sqrt(xv))
        np.testing.assert_allclose(round(x).eval({x: xv}), np.round(xv))
        np.testing.assert_allclose(x.zeros_like().eval({x: xv}), np.zeros(3))
        np.testing.assert_allclose(x.ones_like().eval({x: xv}), np.ones(3))

    @pytest.mark.skipif(
        not hasattr(__import__("aesara.tensor.math").tensor.math, "dot"),
        reason="aesara.tensor.math.dot is not implemented yet",
    )
    def test_dot(self):
        x = dvector("x")
        xv = np.array([0.4, 2.6, 9.0])
        np.testing.assert_allclose(x.dot(x).eval({x: xv}), xv @ xv)
        np.testing.assert_allclose((x @ x).eval({x: xv}), xv @ xv)

    def test_copy(self):
        x = dvector("x")
        c = x.copy(name="c")
        assert c is not x and c.name == "c"
        np.testing.assert_array_equal(c.eval({x: np.array([1.0, 2.0])}), [1.0, 2.0])


class TestTensorConstant:
    def test_type_has_full_static_shape(self):
        c = TensorConstant(TensorType("float64", (None, None)), np.zeros((2, 3)))
        assert c.type.shape == (2, 3)
        assert isinstance(c, TensorVariable)
        assert c.value is c.data

    def test_wrong_data_rejected(self):
        with pytest.raises(TypeError, match="Wrong number of dimensions"):
            TensorConstant(TensorType("float64", (None,)), np.zeros((2, 2)))
        with pytest.raises(ValueError, match="dimension 0 must have size 3"):
            TensorConstant(TensorType("float64", (3,)), np.zeros(2))

    def test_signature_equality_and_hash(self):
        a = constant(np.array([1.0, np.nan, 3.0]))
        b = constant(np.array([1.0, np.nan, 3.0]))
        c = constant(np.array([1.0, 2.0, 3.0]))
        assert isinstance(a.signature(), TensorConstantSignature)
        assert a.signature() == b.signature()
        assert hash(a.signature()) == hash(b.signature())
        assert a.signature() != c.signature()
        assert a.equals(b) and not a.equals(c)
        # -0.0 equals 0.0 and hashes equally
        z1, z2 = constant(np.array([0.0])), constant(np.array([-0.0]))
        assert z1.signature() == z2.signature()
        assert hash(z1.signature()) == hash(z2.signature())
        # Different dtype or shape: different
        assert (
            constant(np.array([1, 2], dtype="int32")).signature()
            != constant(np.array([1, 2], dtype="int64")).signature()
        )
        assert (
            constant(np.zeros((1, 2))).signature()
            != constant(np.zeros((2, 1))).signature()
        )

    def test_equals_python_values(self):
        assert constant(np.int8(3)).equals(3)
        assert not constant(3.0).equals(4.0)

    def test_str(self):
        assert str(constant(np.array(2.5))) == "TensorConstant{2.5}"
        assert str(constant(np.ones((5, 5)))) == "TensorConstant{(5, 5) of 1.0}"
        assert str(constant(1, name="one")) == "one"

    def test_copy_returns_self(self):
        c = constant(np.arange(3))
        assert copy.copy(c) is c
        assert copy.deepcopy(c) is c
