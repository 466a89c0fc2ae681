"""Tests of DimShuffle, Elemwise and CAReduce (aesara.tensor.elemwise)."""

from __future__ import annotations

import pickle

import numpy as np
import pytest

import aesara.scalar.basic as aes
from aesara.graph.basic import Constant, io_toposort
from aesara.tensor.elemwise import CAReduce, DimShuffle, Elemwise, normalize_axis
from aesara.tensor.math import Sum
from aesara.tensor.type import matrix, scalar, tensor, vector

try:
    from aesara.compile.function import function as _function  # noqa: F401

    HAS_FUNCTION = True
except ImportError:  # the compiler is optional for these tests
    HAS_FUNCTION = False


def evaluate(outputs, givens):
    """Compute ``outputs`` for ``givens`` ({input: value}).

    Compiles with ``aesara.function`` when it is available; otherwise runs each
    node's ``perform`` in topological order.
    """
    single = not isinstance(outputs, (list, tuple))
    outs = [outputs] if single else list(outputs)
    inputs = list(givens)
    if HAS_FUNCTION:
        from aesara.compile.function import function

        fn = function(inputs, outs, on_unused_input="ignore")
        res = fn(*[givens[i] for i in inputs])
        res = [res] if not isinstance(res, (list, tuple)) else list(res)
    else:
        vals = dict(givens)
        for node in io_toposort(inputs, outs):
            args = []
            for v in node.inputs:
                if v not in vals:
                    assert isinstance(v, Constant), f"missing input {v}"
                    vals[v] = v.data
                args.append(vals[v])
            storage = [[None] for _ in node.outputs]
            node.op.perform(node, args, storage)
            for o, s in zip(node.outputs, storage):
                vals[o] = s[0]
        res = [vals[o] if o in vals else o.data for o in outs]
    return res[0] if single else res


def perform(node, *values):
    storage = [[None] for _ in node.outputs]
    node.op.perform(node, list(values), storage)
    return [s[0] for s in storage]


# ---------------------------------------------------------------------------
# DimShuffle
# ---------------------------------------------------------------------------


class TestDimShuffle:
    def test_transpose_is_view(self):
        x = matrix("x")
        y = DimShuffle((False, False), (1, 0))(x)
        assert y.type.shape == (None, None)
        val = np.arange(6.0).reshape(2, 3)
        (out,) = perform(y.owner, val)
        np.testing.assert_array_equal(out, val.T)
        assert np.shares_memory(out, val)
        assert y.owner.op.view_map == {0: [0]}

    def test_not_inplace_copies(self):
        x = matrix("x")
        op = DimShuffle((False, False), (1, 0), inplace=False)
        y = op(x)
        val = np.arange(6.0).reshape(2, 3)
        (out,) = perform(y.owner, val)
        assert not np.shares_memory(out, val)
        assert op.view_map == {}
        assert str(op) == "DimShuffle{1,0}"

    def test_augment_and_drop(self):
        x = tensor(dtype="float64", shape=(1, None, 3))
        y = DimShuffle((True, False, False), (2, "x", 1))(x)
        assert y.type.shape == (3, 1, None)
        val = np.arange(12.0).reshape(1, 4, 3)
        (out,) = perform(y.owner, val)
        np.testing.assert_array_equal(out, val[0].T[:, None, :])
        assert np.shares_memory(out, val)

    def test_zero_d_in_and_out(self):
        s = scalar("s")
        y = DimShuffle((), ("x", "x"))(s)
        assert y.type.shape == (1, 1)
        (out,) = perform(y.owner, np.asarray(2.0))
        assert out.shape == (1, 1)
        back = DimShuffle((True, True), ())(y)
        assert back.type.shape == ()
        (res,) = perform(back.owner, out)
        assert isinstance(res, np.ndarray) and res.shape == () and res == 2.0

    def test_str_and_attributes(self):
        op = DimShuffle((False,), ("x", 0))
        assert str(op) == "InplaceDimShuffle{x,0}"
        assert op.augment == [0]
        assert op.shuffle == [0]
        assert op.drop == []
        assert op.is_left_expand_dims and not op.is_right_expand_dims
        op2 = DimShuffle((True, False), (1,))
        assert op2.drop == [0]
        assert op2.transposition == [1, 0]

    def test_equality_and_hash(self):
        a = DimShuffle((False, False), (1, 0))
        b = DimShuffle([False, False], [1, 0])
        assert a == b and hash(a) == hash(b)
        assert a != DimShuffle((False, False), (0, 1))

    def test_cannot_drop_non_broadcastable(self):
        with pytest.raises(ValueError, match="cannot drop input axis 1"):
            DimShuffle((False, False), (0,))

    def test_out_of_range_and_repeated(self):
        with pytest.raises(
            ValueError, match=r"new_order\[1\] is 2, but the input only has 2 axes"
        ):
            DimShuffle((False, False), (0, 2))
        with pytest.raises(ValueError, match="appears twice"):
            DimShuffle((False, False), (0, 0, 1))
        with pytest.raises(ValueError, match="must be an int or 'x'"):
            DimShuffle((False,), ("y", 0))
        with pytest.raises(TypeError, match="list or tuple"):
            DimShuffle((False,), "x0")

    def test_make_node_checks_input(self):
        op = DimShuffle((False, False), (1, 0))
        with pytest.raises(TypeError, match="has 1 dimensions, expected 2"):
            op(vector("v"))
        op2 = DimShuffle((True, False), (1,))
        with pytest.raises(TypeError, match="does not match input_broadcastable"):
            op2(matrix("m"))

    def test_infer_shape(self):
        x = tensor(dtype="float64", shape=(None, 1, None))
        op = DimShuffle((False, True, False), (2, "x", 0))
        node = op(x).owner
        assert op.infer_shape(None, node, [("a", 1, "c")]) == [("c", 1, "a")]

    def test_grad_is_inverse_shuffle(self):
        x = tensor(dtype="float64", shape=(None, 1, None))
        y = DimShuffle((False, True, False), (2, "x", 0))(x)
        gz = tensor(dtype="float64", shape=(None, 1, None))
        (gx,) = y.owner.op.L_op([x], [y], [gz])
        val = np.arange(6.0).reshape(3, 1, 2)
        out = evaluate(gx, {gz: val})
        # Output axis 0 came from input axis 2, output axis 2 from input 0.
        assert out.shape == (2, 1, 3)
        np.testing.assert_array_equal(out[:, 0, :], val[:, 0, :].T)

    def test_pickle(self):
        op = DimShuffle((False, True), (1, "x", 0))
        op2 = pickle.loads(pickle.dumps(op))
        assert op2 == op and op2.transposition == op.transposition


# ---------------------------------------------------------------------------
# Elemwise
# ---------------------------------------------------------------------------

add = Elemwise(aes.add)
mul = Elemwise(aes.mul)


class TestElemwiseBuild:
    def test_str(self):
        # As Aesara 2.9.4: a bare op shows its scalar op and in-place pattern.
        assert str(add) == "Elemwise{add}"
        assert str(Elemwise(aes.add, {0: 0})) == "Elemwise{add}[(0, 0)]"
        assert str(Elemwise(aes.add, name="plus")) == "plus"

    def test_props(self):
        assert Elemwise(aes.add) == add
        assert hash(Elemwise(aes.add)) == hash(add)
        assert Elemwise(aes.add, {0: 0}) != add
        assert Elemwise(aes.add, {0: 0}).destroy_map == {0: [0]}

    @pytest.mark.parametrize(
        "shapes, expected",
        [
            (((None,), (1,)), (None,)),
            (((3,), (None,)), (3,)),
            (((1,), (1,)), (1,)),
            (((1, 4), (3, 1)), (3, 4)),
            (((None, 1), (1, None)), (None, None)),
            (((2, 3, 4), (3, 4)), (2, 3, 4)),
            (((), (5,)), (5,)),
        ],
    )
    def test_static_shape(self, shapes, expected):
        ins = [tensor(dtype="float64", shape=s) for s in shapes]
        out = add(*ins)
        assert out.type.shape == expected

    def test_static_shape_mismatch(self):
        a = tensor(dtype="float64", shape=(2,))
        b = tensor(dtype="float64", shape=(3,))
        with pytest.raises(ValueError, match=r"Elemwise\{add\}.*\(2,\).*\(3,\)"):
            add(a, b)

    def test_rank_padding_uses_dimshuffle(self):
        x = matrix("x")
        v = vector("v")
        out = add(x, v)
        pad = out.owner.inputs[1]
        assert isinstance(pad.owner.op, DimShuffle)
        assert pad.owner.op.new_order == ("x", 0)
        assert out.owner.inputs[0] is x

    @pytest.mark.parametrize(
        "d1, d2",
        [
            ("float32", "float64"),
            ("int8", "float32"),
            ("int64", "float32"),
            ("int32", "int64"),
            ("uint8", "int8"),
            ("bool", "int8"),
            ("float32", "complex64"),
        ],
    )
    def test_dtype_upcast_matches_numpy(self, d1, d2):
        a = vector("a", dtype=d1)
        b = vector("b", dtype=d2)
        out = add(a, b)
        expected = np.add(np.zeros(1, d1), np.zeros(1, d2)).dtype
        assert out.type.dtype == str(expected)

    def test_wrong_number_of_inputs(self):
        with pytest.raises(TypeError, match="expects 2 inputs, got 3"):
            Elemwise(aes.sub)(vector(), vector(), vector())

    def test_inplace_checks(self):
        x = vector("x", dtype="int64")
        with pytest.raises(TypeError, match="cannot compute output 0"):
            Elemwise(aes.true_div, {0: 0})(x, x)
        r = tensor(dtype="float64", shape=(1, None))
        m = matrix("m")
        with pytest.raises(TypeError, match="is broadcast along axis 0"):
            Elemwise(aes.add, {0: 0})(r, m)
        a, b = aes.float64(), aes.float64()
        two_outputs = aes.Composite([a, b], [a + b, a * b])
        with pytest.raises(ValueError, match="several outputs into the same input"):
            Elemwise(two_outputs, {0: 1, 1: 1})


class TestElemwisePerform:
    def test_runtime_broadcasting_of_unknown_dims(self):
        a = vector("a")
        b = vector("b")
        out = add(a, b)
        res = evaluate(out, {a: np.arange(4.0), b: np.array([10.0])})
        np.testing.assert_array_equal(res, np.arange(4.0) + 10)

    def test_runtime_shape_mismatch_message(self):
        a = vector("a")
        b = vector("b")
        out = add(a, b)
        with pytest.raises(
            ValueError, match=r"Elemwise\{add\}.*shapes \[\(2,\), \(3,\)\]"
        ):
            perform(out.owner, np.zeros(2), np.zeros(3))

    def test_zero_d_result_is_ndarray(self):
        a = scalar("a")
        b = scalar("b")
        (res,) = perform(add(a, b).owner, np.asarray(1.0), np.asarray(2.0))
        assert type(res) is np.ndarray and res.shape == () and res == 3.0

    def test_variadic_add(self):
        vs = [vector(f"v{i}") for i in range(4)]
        out = add(*vs)
        vals = [np.full(3, float(i)) for i in range(4)]
        (res,) = perform(out.owner, *vals)
        np.testing.assert_array_equal(res, np.full(3, 6.0))

    def test_output_dtype_enforced(self):
        # NumPy gives float16 for sqrt of int8; the declared type is float32
        # and must be computed at that precision.
        x = vector("x", dtype="int8")
        out = Elemwise(aes.sqrt)(x)
        (res,) = perform(out.owner, np.array([2, 3, 120], dtype="int8"))
        assert res.dtype == np.dtype(out.type.dtype)
        np.testing.assert_allclose(
            res, np.sqrt(np.array([2.0, 3.0, 120.0])).astype(out.type.dtype), rtol=1e-7
        )

    def test_inplace_writes_into_input(self):
        x = vector("x")
        y = vector("y")
        out = Elemwise(aes.add, {0: 0})(x, y)
        xv = np.arange(3.0)
        (res,) = perform(out.owner, xv, np.ones(3))
        assert res is xv
        np.testing.assert_array_equal(xv, [1.0, 2.0, 3.0])

    def test_inplace_falls_back_when_target_is_broadcast(self):
        x = vector("x")
        y = vector("y")
        out = Elemwise(aes.add, {0: 0})(x, y)
        xv = np.array([1.0])
        (res,) = perform(out.owner, xv, np.ones(3))
        np.testing.assert_array_equal(res, [2.0, 2.0, 2.0])
        np.testing.assert_array_equal(xv, [1.0])

    def test_non_contiguous_inputs(self):
        x = matrix("x")
        y = matrix("y")
        xv = np.arange(24.0).reshape(4, 6)[::2, ::3]
        yv = np.arange(4.0).reshape(2, 2).T
        (res,) = perform(mul(x, y).owner, xv, yv)
        np.testing.assert_array_equal(res, xv * yv)

    def test_switch_uses_where(self):
        c = vector("c", dtype="bool")
        a = vector("a")
        b = vector("b")
        out = Elemwise(aes.switch)(c, a, b)
        (res,) = perform(
            out.owner,
            np.array([True, False]),
            np.array([1.0, 2.0]),
            np.array([3.0, 4.0]),
        )
        np.testing.assert_array_equal(res, [1.0, 4.0])

    def test_second_and_identity_copy(self):
        x = matrix("x")
        y = scalar("y")
        out = Elemwise(aes.second)(x, y)
        (res,) = perform(out.owner, np.zeros((2, 3)), np.asarray(5.0))
        np.testing.assert_array_equal(res, np.full((2, 3), 5.0))
        res[0, 0] = 1.0  # writable, not a broadcast view
        xv = np.arange(3.0)
        (ident,) = perform(Elemwise(aes.identity)(vector()).owner, xv)
        np.testing.assert_array_equal(ident, xv)
        assert not np.shares_memory(ident, xv)

    def test_python_fallback_for_op_without_numpy_function(self):
        class Halve(aes.UnaryScalarOp):
            nfunc_spec = None

            def impl(self, x):
                return x / 2

            def output_types(self, types):
                return [aes.get_scalar_type("float64")]

        op = Elemwise(Halve(name="halve"))
        x = vector("x")
        (res,) = perform(op(x).owner, np.array([2.0, 5.0]))
        assert res.dtype == np.float64
        np.testing.assert_array_equal(res, [1.0, 2.5])

    @pytest.mark.skipif(
        not hasattr(aes, "Composite"), reason="aesara.scalar has no Composite"
    )
    def test_composite_evaluated_on_whole_arrays(self):
        xs = aes.get_scalar_type("float64")()
        ys = aes.get_scalar_type("float64")()
        comp = aes.Composite([xs, ys], [aes.add(aes.mul(xs, ys), aes.exp(xs))])
        op = Elemwise(comp)
        x = vector("x")
        y = vector("y")
        xv = np.array([0.0, 1.0, 2.0])
        yv = np.array([3.0, 4.0, 5.0])
        (res,) = perform(op(x, y).owner, xv, yv)
        np.testing.assert_allclose(res, xv * yv + np.exp(xv))

    def test_pickle_round_trip(self):
        op = Elemwise(aes.add, {0: 0})
        op2 = pickle.loads(pickle.dumps(op))
        assert op2 == op
        x = vector("x")
        (res,) = perform(op2(x, x).owner, np.arange(3.0), np.arange(3.0))
        np.testing.assert_array_equal(res, [0.0, 2.0, 4.0])


class TestElemwiseShapesAndGrads:
    def test_infer_shape_picks_known_lengths(self):
        a = tensor(dtype="float64", shape=(None, 1))
        b = tensor(dtype="float64", shape=(1, 5))
        out = add(a, b)
        shp = out.owner.op.infer_shape(None, out.owner, [("n", 1), (1, 5)])
        assert shp == [("n", 5)]

    @pytest.mark.parametrize(
        "n1, n2, expected",
        [(1, 7, 7), (7, 1, 7), (0, 1, 0), (1, 0, 0), (3, 3, 3), (1, 1, 1)],
    )
    def test_infer_shape_of_two_unknown_lengths(self, n1, n2, expected):
        a = vector("a")
        b = vector("b")
        out = add(a, b)
        s1 = scalar("n1", dtype="int64")
        s2 = scalar("n2", dtype="int64")
        ((d,),) = out.owner.op.infer_shape(None, out.owner, [(s1,), (s2,)])
        vals = {s1: np.asarray(n1, dtype="int64"), s2: np.asarray(n2, dtype="int64")}
        assert evaluate(d, vals) == expected

    def test_grad_of_mul(self):
        x = vector("x")
        y = vector("y")
        out = mul(x, y)
        g = vector("g")
        gx, gy = out.owner.op.L_op([x, y], [out], [g])
        xv, yv, gv = np.array([1.0, 2.0]), np.array([3.0, 4.0]), np.array([0.5, 2.0])
        np.testing.assert_allclose(evaluate(gx, {x: xv, y: yv, g: gv}), gv * yv)
        np.testing.assert_allclose(evaluate(gy, {x: xv, y: yv, g: gv}), gv * xv)

    def test_grad_sums_over_broadcast_axes(self):
        r = tensor(dtype="float64", shape=(1, None))
        m = matrix("m")
        out = add(r, m)
        g = matrix("g")
        gr, gm = out.owner.op.L_op([r, m], [out], [g])
        assert gr.type.shape[0] == 1
        gv = np.arange(6.0).reshape(2, 3)
        res = evaluate(gr, {g: gv, r: np.zeros((1, 3)), m: np.zeros((2, 3))})
        np.testing.assert_allclose(res, gv.sum(axis=0, keepdims=True))

    def test_grad_uses_output(self):
        x = vector("x")
        out = Elemwise(aes.exp)(x)
        g = vector("g")
        (gx,) = out.owner.op.L_op([x], [out], [g])
        xv = np.array([0.0, 1.0])
        np.testing.assert_allclose(evaluate(gx, {x: xv, g: np.ones(2)}), np.exp(xv))

    def test_grad_of_discrete_output_is_zero(self):
        x = vector("x")
        y = vector("y")
        out = Elemwise(aes.lt)(x, y)
        gx, gy = out.owner.op.L_op([x, y], [out], [vector("g", dtype="bool")])
        res = evaluate(gx, {x: np.array([1.0, 2.0]), y: np.zeros(2)})
        np.testing.assert_array_equal(res, [0.0, 0.0])

    def test_r_op(self):
        x = vector("x")
        y = vector("y")
        ex = vector("ex")
        ey = vector("ey")
        (rop,) = mul.R_op([x, y], [ex, ey])
        vals = {
            x: np.array([1.0, 2.0]),
            y: np.array([3.0, 4.0]),
            ex: np.array([1.0, 0.0]),
            ey: np.array([0.0, 1.0]),
        }
        np.testing.assert_allclose(evaluate(rop, vals), [3.0, 2.0])


# ---------------------------------------------------------------------------
# CAReduce
# ---------------------------------------------------------------------------


class TestNormalizeAxis:
    def test_forms(self):
        assert normalize_axis(None, 3) is None
        assert normalize_axis(-1, 3) == (2,)
        assert normalize_axis((2, -3), 3) == (0, 2)
        assert normalize_axis(np.int64(1), 2) == (1,)
        assert normalize_axis(np.asarray(0), 2) == (0,)
        assert normalize_axis([], 2) == ()

    def test_errors(self):
        with pytest.raises(
            ValueError, match="axis 3 is out of bounds for a tensor with 3 dimensions"
        ):
            normalize_axis(3, 3)
        with pytest.raises(ValueError, match="axis -4 is out of bounds"):
            normalize_axis((-4,), 3)
        with pytest.raises(ValueError, match="repeated axis"):
            normalize_axis((1, -2), 3)
        with pytest.raises(TypeError, match="must be ints"):
            normalize_axis((1.5,), 3)
        with pytest.raises(
            ValueError, match="axis 0 is out of bounds for a tensor with 0 dimensions"
        ):
            normalize_axis(0, 0)


class TestCAReduce:
    def test_axis_normalized_at_build(self):
        x = tensor(dtype="float64", shape=(2, None, 4))
        out = CAReduce(aes.add, axis=(-1, 0))(x)
        assert out.owner.op.axis == (0, 2)
        assert out.type.shape == (None,)
        assert CAReduce(aes.add, axis=(2, 0)).axis == (0, 2)

    def test_perform_axis_tuple(self):
        x = tensor(dtype="float64", shape=(None, None, None))
        out = CAReduce(aes.scalar_maximum, axis=(0, 2))(x)
        val = np.random.default_rng(0).normal(size=(2, 3, 4))
        (res,) = perform(out.owner, val)
        np.testing.assert_array_equal(res, val.max(axis=(0, 2)))

    def test_all_axes_gives_0d_array(self):
        x = matrix("x")
        out = CAReduce(aes.add)(x)
        assert out.type.shape == ()
        (res,) = perform(out.owner, np.ones((2, 3)))
        assert type(res) is np.ndarray and res.shape == () and res == 6.0

    def test_empty_reduction_identity_and_error(self):
        x = matrix("x")
        (res,) = perform(CAReduce(aes.add, axis=0)(x).owner, np.zeros((0, 3)))
        np.testing.assert_array_equal(res, np.zeros(3))
        node = CAReduce(aes.scalar_maximum, axis=0)(x).owner
        with pytest.raises(ValueError, match=r"CAReduce\{maximum\}.*shape \(0, 3\)"):
            perform(node, np.zeros((0, 3)))

    def test_axis_errors(self):
        x = matrix("x")
        with pytest.raises(
            ValueError, match="axis 2 is out of bounds for a tensor with 2 dimensions"
        ):
            CAReduce(aes.add, axis=2)(x)
        with pytest.raises(ValueError, match="repeated axis"):
            CAReduce(aes.add, axis=(0, -2))(x)

    def test_rejects_non_binary_ops(self):
        with pytest.raises(NotImplementedError, match="binary scalar ops"):
            CAReduce(aes.neg)

    def test_infer_shape(self):
        x = tensor(dtype="float64", shape=(None, None, None))
        out = CAReduce(aes.add, axis=(1,))(x)
        assert out.owner.op.infer_shape(None, out.owner, [("a", "b", "c")]) == [
            ("a", "c")
        ]
        out2 = CAReduce(aes.add)(x)
        assert out2.owner.op.infer_shape(None, out2.owner, [("a", "b", "c")]) == [()]

    @pytest.mark.parametrize(
        "dtype, expected",
        [
            ("int8", "int64"),
            ("int32", "int64"),
            ("uint16", "uint64"),
            ("bool", "int64"),
            ("float32", "float32"),
            ("int64", "int64"),
            ("complex64", "complex64"),
        ],
    )
    def test_sum_output_dtype_like_numpy(self, dtype, expected):
        x = vector("x", dtype=dtype)
        out = Sum()(x)
        assert out.type.dtype == expected
        assert np.sum(np.zeros(2, dtype=dtype)).dtype == np.dtype(expected)

    def test_sum_accumulates_in_wider_dtype(self):
        x = vector("x", dtype="int8")
        out = Sum()(x)
        (res,) = perform(out.owner, np.full(100, 100, dtype="int8"))
        assert res == 10000 and res.dtype == np.int64

    def test_str(self):
        x = matrix("x")
        assert str(Sum(axis=1)(x).owner.op) == "Sum{axis=[1], acc_dtype=float64}"
        assert (
            str(CAReduce(aes.scalar_maximum, axis=0)) == "CAReduce{maximum}{axis=[0]}"
        )


def test_import_defers_scipy_special_and_stats():
    """``import aesara`` leaves SciPy's slow modules for first use (import time)."""
    import os
    import subprocess
    import sys
    from pathlib import Path

    code = (
        "import sys, numpy as np, aesara, aesara.tensor as at\n"
        "lazy = [m for m in ('scipy.special', 'scipy.stats') if m in sys.modules]\n"
        "assert not lazy, lazy\n"
        "x = at.dvector('x')\n"
        "f = aesara.function([x], at.erf(x), mode='FAST_COMPILE')\n"
        "assert 'scipy.special' in sys.modules\n"
        "import scipy.special\n"
        "assert np.allclose(f(np.array([0.3])), scipy.special.erf(0.3))\n"
        "assert at.math.erf.ufunc is scipy.special.erf\n"
        "print('OK')\n"
    )
    repo = Path(__file__).resolve().parents[2]
    proc = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, "PYTHONPATH": str(repo)},
    )
    assert proc.returncode == 0 and "OK" in proc.stdout, proc.stderr[-2000:]


def test_elemwise_of_unimported_module_resolves_lazily_and_pickles():
    import aesara.scalar.math as asm

    op = Elemwise(asm.erf)
    op.__dict__.pop("ufunc", None)  # as if scipy.special were not imported yet
    clone = pickle.loads(pickle.dumps(op))
    import scipy.special

    assert op.ufunc is scipy.special.erf
    assert clone.ufunc is scipy.special.erf
    with pytest.raises(AttributeError, match="no attribute 'not_there'"):
        op.not_there  # noqa: B018


def test_python_perform_of_in_place_composite_writes_into_its_input():
    """Without a compiled kernel, an in-place ``Composite`` still overwrites
    the input it declares (so both paths alias memory alike); a read-only
    input is left alone."""
    a, b = aes.float64("a"), aes.float64("b")
    comp = aes.Composite([a, b], [aes.exp(a) + b, a * b])
    op = Elemwise(comp, inplace_pattern={0: 1, 1: 0})
    x, y = vector("x", dtype="float64"), vector("y", dtype="float64")
    node = op.make_node(x, y)
    xv, yv = np.array([0.0, 1.0]), np.array([2.0, 3.0])
    out = [[None], [None]]
    op.perform(node, [xv, yv], out)
    np.testing.assert_allclose(out[0][0], np.exp([0.0, 1.0]) + [2.0, 3.0])
    np.testing.assert_allclose(out[1][0], [0.0, 3.0])
    assert out[0][0] is yv and out[1][0] is xv

    # A read-only input is left alone: the result is new memory.
    ro = np.array([0.0, 1.0])
    ro.flags.writeable = False
    out = [[None], [None]]
    op.perform(node, [ro, np.array([2.0, 3.0])], out)
    assert out[1][0] is not ro
    np.testing.assert_array_equal(ro, [0.0, 1.0])
    np.testing.assert_allclose(out[1][0], [0.0, 3.0])
