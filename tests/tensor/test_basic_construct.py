"""Tests of the joining and array-construction functions of ``aesara.tensor.basic``
beyond the op database: static shapes, dtype rules, views, props and
gradients of symbolic parameters."""

from __future__ import annotations

import numpy as np
import pytest

import aesara
import aesara.tensor as at
from aesara.gradient import grad, verify_grad
from aesara.tensor.basic import (
    ARange,
    Join,
    Split,
    arange,
    as_tensor_variable,
    choose,
    concatenate,
    default,
    diag,
    eye,
    identity_like,
    join,
    mgrid,
    nonzero,
    ogrid,
    roll,
    split,
    stack,
    take_along_axis,
    tile,
    tri,
)
from aesara.tensor.type import TensorType, dmatrix, dvector, iscalar, lscalar, tensor


def _fn(ins, outs):
    return aesara.function(ins, outs, on_unused_input="ignore")


class TestJoin:
    def test_static_shapes(self):
        a = tensor("float64", shape=(2, 3))
        b = tensor("float32", shape=(None, 3))
        out = concatenate([a, b], axis=0)
        assert out.type == TensorType("float64", (None, 3))
        c = tensor("float64", shape=(4, 3))
        assert concatenate([a, c]).type.shape == (6, 3)
        assert stack([a, a], axis=-1).type.shape == (2, 3, 2)

    def test_static_mismatch_is_build_error(self):
        a = tensor("float64", shape=(2, 3))
        b = tensor("float64", shape=(2, 4))
        with pytest.raises(ValueError, match="disagree in size on dimension 1"):
            concatenate([a, b], axis=0)

    def test_single_tensor_is_returned(self):
        x = dmatrix()
        assert join(0, x) is x

    def test_concatenate_needs_a_list(self):
        with pytest.raises(TypeError, match="list or tuple"):
            concatenate(dmatrix(), dmatrix())

    def test_props(self):
        assert Join() == Join() and hash(Join()) == hash(Join(-1))
        assert Join(0) != Join()
        assert Split(2) == Split(2) and Split(2) != Split(3)

    def test_stack_of_scalars_is_make_vector(self):
        a, b = iscalar(), lscalar()
        v = stack([a, b])
        assert type(v.owner.op).__name__ == "MakeVector" and v.type.dtype == "int64"
        assert list(v.eval({a: 1, b: 2})) == [1, 2]

    def test_stack_positional_compat(self):
        a, b = dvector(), dvector()
        out = stack(a, b)
        np.testing.assert_array_equal(
            out.eval({a: [1.0, 2.0], b: [3.0, 4.0]}), [[1, 2], [3, 4]]
        )

    def test_as_tensor_variable_stacks_lists_of_tensors(self):
        x, y = dmatrix(), dmatrix()
        s = as_tensor_variable([x, y])
        xv, yv = np.ones((2, 3)), np.zeros((2, 3))
        np.testing.assert_array_equal(s.eval({x: xv, y: yv}), np.stack([xv, yv]))

    def test_join_grad_symbolic_axis(self):
        ax = lscalar()
        a, b = dmatrix(), dmatrix()
        cost = (join(ax, a, b) ** 2).sum()
        ga, gb = grad(cost, [a, b])
        f = _fn([ax, a, b], [ga, gb])
        av, bv = np.ones((2, 2)), np.full((2, 1), 3.0)
        r = f(1, av, bv)
        np.testing.assert_allclose(r[0], 2 * av)
        np.testing.assert_allclose(r[1], 2 * bv)

    def test_split_grad_with_unused_piece(self):
        x = dvector()
        a, b = split(x, [2, 1], 2)
        g = grad(a.sum(), x)
        np.testing.assert_array_equal(g.eval({x: np.ones(3)}), [1, 1, 0])

    def test_split_outputs_are_views(self):
        x = dmatrix()
        (p,) = split(x, [2], 1)
        assert p.owner.op.view_map == {0: [0]}

    def test_verify_grads(self):
        rng = np.random.default_rng(0)
        verify_grad(
            lambda a, b: stack([a, b], axis=1), [rng.random(3), rng.random(3)], rng=rng
        )
        verify_grad(lambda x: tile(x, (2, 1, 3)), [rng.random((2, 2))], rng=rng)
        verify_grad(lambda x: roll(x, (1, -2), (0, 1)), [rng.random((3, 4))], rng=rng)


class TestArange:
    def test_dtypes(self):
        assert arange(5).dtype == "int64"
        assert arange(np.uint8(0), np.uint8(5), np.uint8(1)).dtype == "uint64"
        assert arange(1.5).dtype == "float32"  # custom cast policy: 1.5 is float32
        assert arange(0.1).dtype == "float64"
        assert arange(at.fscalar()).dtype == "float32"
        assert arange(5, dtype="int16").dtype == "int16"

    def test_static_length(self):
        assert arange(2, 11, 3).type.shape == (3,)
        assert arange(5, 0).type.shape == (0,)
        assert arange(lscalar()).type.shape == (None,)

    def test_zero_step_constant(self):
        with pytest.raises(ValueError, match="step must not be zero"):
            arange(0, 5, 0)

    def test_props(self):
        assert ARange("int64") == ARange(np.int64) and ARange("int64") != ARange(
            "int32"
        )

    def test_grad_step(self):
        step = at.dscalar()
        g = grad(arange(0.0, 1.0, step).sum(), step)
        # d/dstep sum_i i*step = sum_i i (length fixed at this point).
        assert g.eval({step: 0.3}) == pytest.approx(0 + 1 + 2 + 3)


class TestConstructors:
    def test_eye_tri_static_and_default_dtype(self):
        assert eye(3).type == TensorType(aesara.config.floatX, (3, 3))
        assert tri(2, 4, dtype="int8").type == TensorType("int8", (2, 4))
        n = lscalar()
        assert eye(n).type.shape == (None, None)
        np.testing.assert_array_equal(eye(n, k=-1).eval({n: 3}), np.eye(3, k=-1))

    def test_identity_like(self):
        x = tensor("int32", shape=(None, None))
        out = identity_like(x)
        assert out.dtype == "int32"
        np.testing.assert_array_equal(
            out.eval({x: np.zeros((2, 3), "int32")}), np.eye(2, 3)
        )
        with pytest.raises(ValueError, match="matrix"):
            identity_like(dvector())

    def test_diag_static_shapes(self):
        v = tensor("float64", shape=(3,))
        assert diag(v, 2).type.shape == (5, 5)
        m = tensor("float64", shape=(3, 5))
        assert diag(m, 1).type.shape == (3,)
        assert diag(m, -2).type.shape == (1,)

    def test_mgrid_ogrid(self):
        g = mgrid[0:3, 1:5:2]
        ref = np.mgrid[0:3, 1:5:2]
        assert len(g) == 2
        for a, b in zip(g, ref):
            np.testing.assert_array_equal(a.eval(), b)
        o = ogrid[0:3, 1:5:2]
        for a, b in zip(o, np.ogrid[0:3, 1:5:2]):
            np.testing.assert_array_equal(a.eval(), b)
        n = lscalar()
        # One slice gives the range itself, as in NumPy and Aesara.
        r = mgrid[0:n]
        np.testing.assert_array_equal(r.eval({n: 4}), np.arange(4))
        with pytest.raises(TypeError, match="slices"):
            mgrid[3]

    def test_ogrid_forms_aesara_accepts(self):
        n = lscalar()
        # ``a:`` counts up to ``a`` (NumPy's ``arange(a)``).
        np.testing.assert_array_equal(ogrid[n:].eval({n: 3}), np.ogrid[3:])
        # A list of slices is the same as a tuple of them.
        for a, b in zip(ogrid[[slice(0, 2), slice(None, 3)]], np.ogrid[0:2, :3]):
            np.testing.assert_array_equal(a.eval(), b)
        # No slices at all: no grids (the index of a 0-d array).
        assert ogrid[[]] == [] and mgrid[()] == []
        with pytest.raises(ValueError, match="start or a stop"):
            ogrid[:]

    def test_nonzero_tuple_static(self):
        x = dmatrix()
        rows, cols = nonzero(x)
        assert rows.type == TensorType("int64", (None,))
        xv = np.array([[0, 1.0], [2.0, 0]])
        f = _fn([x], [rows, cols])
        for a, b in zip(f(xv), np.nonzero(xv)):
            np.testing.assert_array_equal(a, b)

    def test_choose_errors_and_modes(self):
        a = at.lvector()
        c = dmatrix()
        f = _fn([a, c], choose(a, c, mode="raise"))
        with pytest.raises(ValueError, match="choose"):
            f(np.array([0, 5]), np.zeros((2, 2)))
        with pytest.raises(ValueError, match="mode"):
            choose(a, c, mode="nope")

    def test_take_along_axis_grad_accumulates_repeats(self):
        x = dvector()
        idx = at.lvector()
        g = grad(take_along_axis(x, idx, 0).sum(), x)
        np.testing.assert_array_equal(
            g.eval({x: np.zeros(3), idx: np.array([0, 0, 2])}), [2, 0, 1]
        )

    def test_default(self):
        x, d = dvector(), dvector()
        out = default(x, d)
        assert out.owner.op.view_map == {0: [0]}
        storage = [[None]]
        out.owner.op.perform(out.owner, [None, np.ones(2)], storage)
        np.testing.assert_array_equal(storage[0][0], np.ones(2))
