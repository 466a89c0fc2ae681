"""Tests of the shape ops: values, static shapes, infer_shape, gradients' structure
and error messages."""

import numpy as np
import pytest

from aesara.graph.basic import io_toposort
from aesara.tensor.basic import as_tensor_variable, constant
from aesara.tensor.shape import (
    Reshape,
    Shape,
    Shape_i,
    SpecifyShape,
    Unbroadcast,
    reshape,
    shape,
    shape_i,
    shape_padaxis,
    shape_padleft,
    shape_padright,
    shape_tuple,
    specify_broadcastable,
    specify_shape,
    unbroadcast,
)
from aesara.tensor.type import TensorType, dmatrix, dvector, lscalar, lvector, tensor
from aesara.tensor.type_other import NoneConst
from aesara.tensor.var import TensorConstant


def run(outputs, givens):
    """Evaluate ``outputs`` by calling each node's ``perform`` (no compilation)."""
    single = not isinstance(outputs, (list, tuple))
    outputs = [outputs] if single else list(outputs)
    values = dict(givens)
    for node in io_toposort(list(givens), outputs):
        ins = []
        for v in node.inputs:
            if v in values:
                ins.append(values[v])
            else:
                ins.append(v.data)
        storage = [[None] for _ in node.outputs]
        node.op.perform(node, ins, storage)
        for o, cell in zip(node.outputs, storage):
            values[o] = cell[0]
    res = [values[o] if o in values else o.data for o in outputs]
    return res[0] if single else res


class TestShape:
    def test_shape(self):
        x = dmatrix("x")
        s = shape(x)
        assert isinstance(s.owner.op, Shape)
        assert s.type == TensorType("int64", (2,))
        out = run(s, {x: np.zeros((3, 4))})
        assert out.dtype == "int64" and out.tolist() == [3, 4]
        assert Shape().infer_shape(None, s.owner, [(3, 4)]) == [[2]]
        assert Shape().connection_pattern(s.owner) == [[False]]
        # Non-variables are converted first.
        assert run(shape([[1, 2, 3]]), {}).tolist() == [1, 3]

    def test_shape_of_0d(self):
        s = shape(constant(1.0))
        assert s.type.shape == (0,)
        assert run(s, {}).shape == (0,)

    def test_shape_i(self):
        x = tensor("float64", shape=(None, 5))
        s0 = shape_i(x, 0)
        assert isinstance(s0.owner.op, Shape_i) and s0.owner.op.i == 0
        assert s0.type == TensorType("int64", ())
        assert run(s0, {x: np.zeros((2, 5))}) == 2
        # Static sizes give constants; negative indices count from the end.
        s1 = shape_i(x, -1)
        assert isinstance(s1, TensorConstant) and s1.data == 5 and s1.dtype == "int64"
        assert str(Shape_i(3)) == "Shape_i{3}"
        with pytest.raises(IndexError, match="out of range"):
            shape_i(x, 2)
        with pytest.raises(TypeError, match="too few dimensions"):
            Shape_i(2)(x)
        with pytest.raises(ValueError, match="non-negative"):
            Shape_i(-1)
        assert Shape_i(1) == Shape_i(1) and Shape_i(1) != Shape_i(0)

    def test_shape_tuple(self):
        x = tensor("float64", shape=(None, 3))
        a, b = shape_tuple(x)
        assert isinstance(b, TensorConstant) and b.data == 3
        assert run(a, {x: np.zeros((7, 3))}) == 7


class TestSpecifyShape:
    def test_static_shape(self):
        x = dmatrix("x")
        y = specify_shape(x, (2, None))
        assert isinstance(y.owner.op, SpecifyShape)
        assert y.type.shape == (2, None)
        assert y.owner.inputs[2] is NoneConst
        assert specify_shape(x, (None, None)) is x
        z = specify_shape(tensor("float64", shape=(2, 3)), (2, 3))
        assert z.type.shape == (2, 3) and z.owner is None

    def test_symbolic_entries(self):
        x = dmatrix("x")
        n = lscalar("n")
        y = specify_shape(x, (n, 3))
        assert y.type.shape == (None, 3)
        assert run(y, {x: np.zeros((4, 3)), n: np.asarray(4)}).shape == (4, 3)
        with pytest.raises(
            AssertionError, match=r"Got shape \(4, 3\), expected \(5, 3\)"
        ):
            run(y, {x: np.zeros((4, 3)), n: np.asarray(5)})

    def test_vector_shape_argument(self):
        x = dmatrix("x")
        y = specify_shape(x, as_tensor_variable([2, 3]))
        assert y.type.shape == (2, 3)
        with pytest.raises(ValueError, match="length of the shape vector"):
            specify_shape(x, lvector())

    def test_runtime_errors(self):
        x = dmatrix("x")
        y = specify_shape(x, (2, None))
        assert run(y, {x: np.zeros((2, 7))}).shape == (2, 7)
        with pytest.raises(
            AssertionError, match=r"Got shape \(3, 7\), expected \(2, None\)"
        ):
            run(y, {x: np.zeros((3, 7))})
        with pytest.raises(AssertionError, match="Got 1 dimensions"):
            SpecifyShape().perform(y.owner, [np.zeros(3), 2, None], [[None]])

    def test_build_errors(self):
        x = dmatrix("x")
        with pytest.raises(
            ValueError, match="2-dimensional and will never match a shape of length 1"
        ):
            specify_shape(x, (2,))
        with pytest.raises(TypeError, match="must be integers"):
            specify_shape(x, (2.5, None))
        with pytest.raises(ValueError, match="dimension 0 is 2, specified 3"):
            specify_shape(tensor("float64", shape=(2, None)), (3, None))
        with pytest.raises(ValueError, match="negative"):
            specify_shape(x, (-1, None))

    def test_infer_shape_and_connections(self):
        x = dmatrix("x")
        n = lscalar("n")
        y = specify_shape(x, (n, None))
        xs = (lscalar("a"), lscalar("b"))
        out = SpecifyShape().infer_shape(None, y.owner, [xs, (), ()])
        assert out[0][0] is n and out[0][1] is xs[1]
        assert SpecifyShape().connection_pattern(y.owner) == [[True], [False], [False]]
        assert SpecifyShape.view_map == {0: [0]}

    def test_specify_broadcastable(self):
        x = dmatrix("x")
        y = specify_broadcastable(x, 0)
        assert y.type.shape == (1, None)
        assert specify_broadcastable(x) is x
        assert specify_broadcastable(x, -1).type.shape == (None, 1)
        with pytest.raises(ValueError, match="non-existent dimension"):
            specify_broadcastable(x, 2)


class TestReshape:
    def test_static_shapes(self):
        x = tensor("float64", shape=(2, 3))
        assert reshape(x, (3, 2)).type.shape == (3, 2)
        assert reshape(x, (-1,)).type.shape == (6,)
        assert reshape(x, (3, -1)).type.shape == (3, 2)
        y = dmatrix()
        assert reshape(y, (-1,)).type.shape == (None,)
        assert reshape(y, (1, -1)).type.shape == (1, None)
        n = lscalar("n")
        assert reshape(y, (n, 4)).type.shape == (None, 4)
        assert reshape(constant(1.0), ()).type.shape == ()

    def test_values(self):
        x = dmatrix("x")
        xv = np.arange(6.0).reshape(2, 3)
        np.testing.assert_array_equal(
            run(reshape(x, (3, 2)), {x: xv}), xv.reshape(3, 2)
        )
        np.testing.assert_array_equal(run(reshape(x, (-1,)), {x: xv}), xv.ravel())
        n = lscalar("n")
        out = run(reshape(x, (n, -1)), {x: xv, n: np.asarray(3)})
        assert out.shape == (3, 2)
        v = lvector("v")
        out = run(reshape(x, v, ndim=2), {x: xv, v: np.array([1, 6])})
        assert out.shape == (1, 6)

    def test_build_errors(self):
        x = tensor("float64", shape=(2, 3))
        with pytest.raises(
            ValueError,
            match=r"cannot reshape an array of shape \(2, 3\) \(size 6\) into shape \(4,\)",
        ):
            reshape(x, (4,))
        with pytest.raises(ValueError, match="cannot reshape"):
            reshape(x, (4, -1))
        with pytest.raises(ValueError, match="only have one -1"):
            reshape(dmatrix(), (-1, -1))
        with pytest.raises(ValueError, match="invalid negative size -2"):
            reshape(dmatrix(), (-2, 3))
        with pytest.raises(TypeError, match="must be integers"):
            reshape(dmatrix(), (2.0, 3.0))
        with pytest.raises(ValueError, match="cannot be automatically determined"):
            reshape(dmatrix(), lvector())
        with pytest.raises(TypeError, match="must be a vector"):
            reshape(dmatrix(), [[2, 3]])
        with pytest.raises(ValueError, match="has 2 entries, expected 3"):
            Reshape(3)(dmatrix(), [2, 3])
        with pytest.raises(ValueError, match="0 or greater"):
            Reshape(-1)

    def test_runtime_errors(self):
        x = dmatrix("x")
        y = reshape(x, (4, -1))
        with pytest.raises(
            ValueError, match=r"Reshape: cannot reshape an array of shape \(3, 3\)"
        ):
            run(y, {x: np.zeros((3, 3))})
        v = lvector("v")
        z = reshape(x, v, ndim=2)
        with pytest.raises(ValueError, match="incorrect length: 3, should be 2"):
            run(z, {x: np.zeros((2, 3)), v: np.array([1, 2, 3])})

    def test_infer_shape(self):
        x = dmatrix("x")
        a, b = lscalar("a"), lscalar("b")
        node = reshape(x, (3, -1)).owner
        shapes = node.op.infer_shape(None, node, [(a, b)])
        (s0, s1) = shapes[0]
        assert s0 == 3
        val = run(s1, {a: np.asarray(2), b: np.asarray(6)})
        assert int(val) == 4
        # A 0-d input has one element.
        node = reshape(constant(2.0), (1, 1)).owner
        assert node.op.infer_shape(None, node, [()]) == [(1, 1)]
        assert Reshape(2).connection_pattern(node) == [[True], [False]]

    def test_props_and_str(self):
        assert Reshape(2) == Reshape(2) and Reshape(2) != Reshape(3)
        assert str(Reshape(2)) == "Reshape{2}"
        assert Reshape.view_map == {0: [0]}


class TestPadding:
    def test_padleft_right(self):
        x = tensor("float64", shape=(None, 3))
        assert shape_padleft(x).type.shape == (1, None, 3)
        assert shape_padleft(x, 2).type.shape == (1, 1, None, 3)
        assert shape_padright(x, 2).type.shape == (None, 3, 1, 1)
        assert shape_padleft(x, 0) is x
        with pytest.raises(ValueError, match="non-negative"):
            shape_padleft(x, -1)

    def test_padaxis(self):
        x = tensor("float64", shape=(2, 3))
        assert shape_padaxis(x, 0).type.shape == (1, 2, 3)
        assert shape_padaxis(x, 1).type.shape == (2, 1, 3)
        assert shape_padaxis(x, -1).type.shape == (2, 3, 1)
        with pytest.raises(IndexError, match=r"axis 3 is out of bounds \[-3, 3\)"):
            shape_padaxis(x, 3)
        xv = np.zeros((2, 3))
        assert run(shape_padaxis(x, 1), {x: xv}).shape == (2, 1, 3)


class TestUnbroadcast:
    def test_unbroadcast(self):
        x = tensor("float64", shape=(1, 1, 3))
        y = unbroadcast(x, 0)
        assert isinstance(y.owner.op, Unbroadcast)
        assert y.type.shape == (None, 1, 3)
        assert unbroadcast(x, 2) is x  # nothing to unbroadcast
        assert unbroadcast(x, 0, -2).type.shape == (None, None, 3)
        assert str(Unbroadcast(1, 0)) == "Unbroadcast{0,1}"
        assert Unbroadcast(1, 0) == Unbroadcast(0, 1)
        assert run(y, {x: np.ones((1, 1, 3))}).shape == (1, 1, 3)
        assert Unbroadcast(0).infer_shape(None, y.owner, [(1, 1, 3)]) == [(1, 1, 3)]

    def test_errors(self):
        with pytest.raises(ValueError, match="non-existent dimension"):
            unbroadcast(dvector(), 1)
        with pytest.raises(ValueError, match="non-existent"):
            Unbroadcast(3)(dvector())
        with pytest.raises(TypeError, match="integer axes"):
            Unbroadcast(0.5)
