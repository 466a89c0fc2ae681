"""Tests of the element-wise functions and reductions of aesara.tensor.math."""

from __future__ import annotations

import numpy as np
import pytest

import aesara.tensor.math as atm
from aesara.tensor.elemwise import CAReduce, DimShuffle, Elemwise
from aesara.tensor.math import All, Any, Argmax, Max, MaxAndArgmax, Min, Prod, Sum
from aesara.tensor.type import matrix, scalar, tensor, vector
from tests.tensor.test_elemwise import evaluate


def test_all_public_names_exist():
    for name in atm.__all__:
        assert hasattr(atm, name), name


@pytest.mark.parametrize(
    "name",
    [
        "add",
        "sub",
        "mul",
        "true_div",
        "int_div",
        "exp",
        "log",
        "sqrt",
        "maximum",
        "eq",
        "and_",
        "invert",
        "clip",
    ],
)
def test_elementwise_functions_are_elemwise_with_docs(name):
    op = getattr(atm, name)
    assert isinstance(op, Elemwise)
    assert op.__doc__ and "lement-wise" in op.__doc__ or "Clip" in op.__doc__


def test_aliases():
    assert atm.floor_div is atm.int_div
    assert atm.bitwise_and is atm.and_
    assert atm.bitwise_not is atm.invert
    assert atm.square is atm.sqr
    assert atm.conjugate is atm.conj
    with pytest.warns(DeprecationWarning, match="abs_"):
        assert atm.abs_ is atm.abs
    with pytest.raises(AttributeError, match="no attribute"):
        atm.not_a_function  # noqa: B018


def test_str_of_elemwise_functions():
    assert str(atm.add) == "Elemwise{add,no_inplace}"
    x = vector("x")
    assert str(atm.exp(x).owner.op) == "Elemwise{exp,no_inplace}"


class TestReductions:
    rng = np.random.default_rng(42)
    x3 = rng.normal(size=(2, 3, 4))

    @pytest.mark.parametrize("axis", [None, 0, -1, (0, 2), (-1, -3), ()])
    @pytest.mark.parametrize("keepdims", [False, True])
    def test_sum_prod_max_min(self, axis, keepdims):
        x = tensor(dtype="float64", shape=(None, None, None))
        for fn, ref in (
            (atm.sum, np.sum),
            (atm.prod, np.prod),
            (atm.max, np.max),
            (atm.min, np.min),
        ):
            out = fn(x, axis=axis, keepdims=keepdims)
            res = evaluate(out, {x: self.x3})
            np.testing.assert_allclose(res, ref(self.x3, axis=axis, keepdims=keepdims))
            assert out.type.ndim == np.ndim(res)

    def test_keepdims_static_shape(self):
        x = tensor(dtype="float64", shape=(2, 3, 4))
        out = atm.sum(x, axis=(0, -1), keepdims=True)
        assert out.type.shape == (1, 3, 1)
        assert atm.max(x, axis=1).type.shape == (2, 4)

    def test_ops_built(self):
        x = matrix("x")
        assert isinstance(atm.sum(x).owner.op, Sum)
        assert isinstance(atm.prod(x).owner.op, Prod)
        assert isinstance(atm.max(x).owner.op, Max)
        assert isinstance(atm.min(x).owner.op, Min)
        assert isinstance(atm.all(x).owner.op, All)
        assert isinstance(atm.any(x).owner.op, Any)
        assert isinstance(atm.argmax(x).owner.op, Argmax)
        assert isinstance(Sum(), CAReduce)
        assert Sum(axis=(1, 0)) == Sum(axis=(0, 1))

    def test_out_of_range_axis_message(self):
        x = matrix("x")
        with pytest.raises(
            ValueError,
            match="Sum: axis 2 is out of bounds for a tensor with 2 dimensions",
        ):
            atm.sum(x, axis=2)
        with pytest.raises(ValueError, match="axis -3 is out of bounds"):
            atm.max(x, axis=-3)
        with pytest.raises(ValueError, match="axis 5 is out of bounds"):
            atm.argmax(x, axis=5)

    def test_empty(self):
        x = matrix("x")
        e = np.zeros((0, 3))
        np.testing.assert_array_equal(evaluate(atm.sum(x, axis=0), {x: e}), np.zeros(3))
        assert evaluate(atm.sum(x), {x: e}) == 0.0
        assert evaluate(atm.prod(x), {x: e}) == 1.0
        assert evaluate(atm.all(x), {x: e}) is not None and bool(
            evaluate(atm.all(x), {x: e})
        )
        assert not bool(evaluate(atm.any(x), {x: e}))
        with pytest.raises(ValueError, match="Max.*shape \\(0, 3\\)"):
            evaluate(atm.max(x, axis=0), {x: e})
        with pytest.raises(ValueError, match="zero elements"):
            evaluate(atm.argmax(x, axis=0), {x: e})

    def test_zero_d(self):
        s = scalar("s")
        assert evaluate(atm.sum(s), {s: np.asarray(3.0)}) == 3.0
        assert evaluate(atm.argmax(s), {s: np.asarray(3.0)}) == 0
        assert evaluate(atm.mean(s), {s: np.asarray(3.0)}) == 3.0

    @pytest.mark.parametrize(
        "dtype", ["int8", "int32", "uint8", "bool", "float32", "float64"]
    )
    def test_dtypes_like_numpy(self, dtype):
        x = vector("x", dtype=dtype)
        val = np.asarray([1, 0, 1, 1], dtype=dtype)
        for fn, ref in (
            (atm.sum, np.sum),
            (atm.prod, np.prod),
            (atm.mean, np.mean),
            (atm.max, np.max),
        ):
            out = fn(x)
            assert out.type.dtype == str(ref(val).dtype), (fn, dtype)
            np.testing.assert_allclose(evaluate(out, {x: val}), ref(val))

    def test_sum_explicit_dtype(self):
        x = vector("x", dtype="int8")
        out = atm.sum(x, dtype="float32")
        assert out.type.dtype == "float32"
        assert evaluate(out, {x: np.full(3, 100, dtype="int8")}) == 300.0

    def test_all_any_on_numbers(self):
        x = vector("x")
        val = np.array([0.0, 2.0])
        assert atm.all(x).type.dtype == "bool"
        assert not evaluate(atm.all(x), {x: val})
        assert evaluate(atm.any(x), {x: val})

    def test_mean_int_is_float64(self):
        x = vector("x", dtype="int32")
        out = atm.mean(x)
        assert out.type.dtype == "float64"
        assert evaluate(out, {x: np.array([1, 2], dtype="int32")}) == 1.5

    def test_mean_float32_stays_float32(self):
        x = matrix("x", dtype="float32")
        out = atm.mean(x, axis=0)
        assert out.type.dtype == "float32"

    @pytest.mark.parametrize("ddof", [0, 1, 2])
    @pytest.mark.parametrize("axis", [None, 0, (0, 1)])
    def test_var_std(self, ddof, axis):
        x = tensor(dtype="float64", shape=(None, None, None))
        np.testing.assert_allclose(
            evaluate(atm.var(x, axis=axis, ddof=ddof), {x: self.x3}),
            np.var(self.x3, axis=axis, ddof=ddof),
        )
        np.testing.assert_allclose(
            evaluate(atm.std(x, axis=axis, ddof=ddof, keepdims=True), {x: self.x3}),
            np.std(self.x3, axis=axis, ddof=ddof, keepdims=True),
        )

    def test_var_corrected_and_bad_ddof(self):
        x = vector("x")
        val = np.array([1e8 + 1, 1e8 + 2, 1e8 + 3])
        np.testing.assert_allclose(
            evaluate(atm.var(x, corrected=True), {x: val}), np.var(val)
        )
        np.testing.assert_allclose(
            evaluate(atm.var(x, ddof=1, corrected=True), {x: val}), np.var(val, ddof=1)
        )
        with pytest.raises(ValueError, match="keepdims is the fourth argument"):
            atm.var(x, None, True)

    def test_argmax_argmin_tuple_axes(self):
        x = tensor(dtype="float64", shape=(None, None, None))
        val = self.x3
        out = atm.argmax(x, axis=(0, 2))
        flat = np.transpose(val, (1, 0, 2)).reshape(3, -1)
        np.testing.assert_array_equal(evaluate(out, {x: val}), flat.argmax(axis=-1))
        np.testing.assert_array_equal(
            evaluate(atm.argmin(x, axis=(0, 2)), {x: val}), flat.argmin(axis=-1)
        )
        keep = atm.argmax(x, axis=1, keepdims=True)
        np.testing.assert_array_equal(
            evaluate(keep, {x: val}), val.argmax(axis=1)[:, None, :]
        )

    @pytest.mark.parametrize("dtype", ["int8", "uint8", "bool", "float64"])
    def test_argmin_extremes_no_overflow(self, dtype):
        x = vector("x", dtype=dtype)
        info = np.iinfo(dtype) if np.dtype(dtype).kind in "iu" else None
        if info is not None:
            val = np.array([0, info.min, info.max, 1], dtype=dtype)
        elif dtype == "bool":
            val = np.array([True, False, True])
        else:
            val = np.array([0.0, -np.inf, np.inf, 1.0])
        assert evaluate(atm.argmin(x), {x: val}) == np.argmin(val)
        assert evaluate(atm.argmax(x), {x: val}) == np.argmax(val)

    def test_max_and_argmax(self):
        x = matrix("x")
        val = np.array([[1.0, 5.0, 2.0], [7.0, 0.0, 7.0]])
        mx, am = atm.max_and_argmax(x, axis=-1)
        assert isinstance(mx.owner.op, MaxAndArgmax)
        assert mx.owner.op.axis == (1,)
        r_max, r_arg = evaluate([mx, am], {x: val})
        np.testing.assert_array_equal(r_max, [5.0, 7.0])
        np.testing.assert_array_equal(r_arg, [1, 0])
        assert am.type.dtype == "int64"

    def test_ptp_and_logsumexp(self):
        x = matrix("x")
        val = np.array([[1.0, 1000.0], [-np.inf, -np.inf]])
        np.testing.assert_array_equal(
            evaluate(atm.ptp(x, axis=0), {x: val[:1]}), [0.0, 0.0]
        )
        res = evaluate(atm.logsumexp(x, axis=1), {x: val})
        np.testing.assert_allclose(res, [1000.0, -np.inf])


class TestReductionGradients:
    def _grad(self, out, x, gz):
        (gx,) = out.owner.op.L_op([x], [out], [gz])
        return gx

    def test_sum_grad(self):
        x = matrix("x")
        out = atm.sum(x, axis=0)
        gz = vector("gz")
        gx = self._grad(out, x, gz)
        res = evaluate(gx, {x: np.zeros((2, 3)), gz: np.array([1.0, 2.0, 3.0])})
        np.testing.assert_array_equal(res, [[1.0, 2.0, 3.0]] * 2)

    @pytest.mark.parametrize(
        "row",
        [[2.0, 3.0, 4.0], [2.0, 0.0, 4.0], [0.0, 0.0, 4.0]],
    )
    def test_prod_grad_handles_zeros(self, row):
        x = matrix("x")
        out = atm.prod(x, axis=1)
        gz = vector("gz")
        gx = self._grad(out, x, gz)
        val = np.array([row])
        res = evaluate(gx, {x: val, gz: np.array([1.0])})
        expected = [[np.prod(np.delete(val[0], i)) for i in range(3)]]
        np.testing.assert_allclose(res, expected)

    def test_prod_grad_no_zeros(self):
        x = vector("x")
        out = atm.prod(x, no_zeros_in_input=True)
        gz = scalar("gz")
        gx = self._grad(out, x, gz)
        res = evaluate(gx, {x: np.array([2.0, 3.0]), gz: np.asarray(1.0)})
        np.testing.assert_allclose(res, [3.0, 2.0])

    def test_max_grad_goes_to_maxima(self):
        x = matrix("x")
        out = atm.max(x, axis=1)
        gz = vector("gz")
        gx = self._grad(out, x, gz)
        val = np.array([[1.0, 3.0, 2.0], [5.0, 4.0, 5.0]])
        res = evaluate(gx, {x: val, gz: np.array([10.0, 1.0])})
        np.testing.assert_array_equal(res, [[0.0, 10.0, 0.0], [1.0, 0.0, 1.0]])

    def test_sum_of_int_has_zero_float_grad(self):
        x = vector("x", dtype="int64")
        out = atm.sum(x)
        gx = self._grad(out, x, scalar("g", dtype="int64"))
        assert gx.type.dtype.startswith("float")


class TestElementwiseFunctions:
    def test_isclose_allclose(self):
        a = vector("a")
        b = vector("b")
        av = np.array([1.0, np.inf, np.nan, 1.0, -np.inf])
        bv = np.array([1.0 + 1e-9, np.inf, np.nan, 2.0, np.inf])
        np.testing.assert_array_equal(
            evaluate(atm.isclose(a, b), {a: av, b: bv}), np.isclose(av, bv)
        )
        np.testing.assert_array_equal(
            evaluate(atm.isclose(a, b, equal_nan=True), {a: av, b: bv}),
            np.isclose(av, bv, equal_nan=True),
        )
        assert not evaluate(atm.allclose(a, b), {a: av, b: bv})
        assert evaluate(atm.allclose(a, b), {a: av[:1], b: bv[:1]})

    def test_round_modes(self):
        x = vector("x")
        val = np.array([0.5, 1.5, 2.5, -0.5, -1.5])
        np.testing.assert_array_equal(evaluate(atm.round(x), {x: val}), np.round(val))
        np.testing.assert_array_equal(
            evaluate(atm.round(x, "half_away_from_zero"), {x: val}),
            [1.0, 2.0, 3.0, -1.0, -2.0],
        )
        out = atm.iround(x)
        assert out.type.dtype == "int64"
        with pytest.raises(ValueError, match="half_to_even"):
            atm.round(x, "up")

    def test_divmod_and_ceil_intdiv(self):
        a = vector("a", dtype="int64")
        b = vector("b", dtype="int64")
        av = np.array([7, -7, 6, 0])
        bv = np.array([2, 2, -4, 3])
        q, r = atm.divmod(a, b)
        rq, rr = evaluate([q, r], {a: av, b: bv})
        np.testing.assert_array_equal(rq, av // bv)
        np.testing.assert_array_equal(rr, av % bv)
        np.testing.assert_array_equal(
            evaluate(atm.ceil_intdiv(a, b), {a: av, b: bv}), -(-av // bv)
        )

    def test_mod_of_complex_rejected(self):
        z = vector("z", dtype="complex128")
        with pytest.raises(TypeError, match="modulo of complex"):
            atm.mod_check(z, z)

    def test_clip(self):
        x = vector("x")
        val = np.array([-5.0, 0.5, 5.0])
        np.testing.assert_array_equal(
            evaluate(atm.clip(x, 0.0, 1.0), {x: val}), [0.0, 0.5, 1.0]
        )

    def test_logaddexp_extremes(self):
        a = vector("a")
        b = vector("b")
        av = np.array([0.0, 1000.0, -np.inf, np.inf, -np.inf])
        bv = np.array([0.0, 1000.0, -np.inf, np.inf, 3.0])
        np.testing.assert_allclose(
            evaluate(atm.logaddexp(a, b), {a: av, b: bv}), np.logaddexp(av, bv)
        )

    def test_smallest_largest(self):
        a = vector("a")
        b = vector("b")
        c = vector("c")
        vals = {
            a: np.array([1.0, 5.0]),
            b: np.array([3.0, 2.0]),
            c: np.array([0.0, 9.0]),
        }
        np.testing.assert_array_equal(evaluate(atm.smallest(a, b, c), vals), [0.0, 2.0])
        np.testing.assert_array_equal(evaluate(atm.largest(a, b, c), vals), [3.0, 9.0])

    def test_broadcasting_pads_with_dimshuffle(self):
        x = matrix("x")
        out = atm.mul(x, 2.0)
        assert isinstance(out.owner.inputs[1].owner.op, DimShuffle)
        np.testing.assert_array_equal(
            evaluate(out, {x: np.ones((2, 2))}), np.full((2, 2), 2.0)
        )


def test_inplace_module():
    from aesara.tensor import inplace

    x = vector("x")
    y = vector("y")
    out = inplace.add_inplace(x, y)
    assert out.owner.op.destroy_map == {0: [0]}
    assert str(out.owner.op) == "Elemwise{add_inplace,inplace}"  # as Aesara 2.9.4
    xv = np.arange(3.0)
    storage = [[None]]
    out.owner.op.perform(out.owner, [xv, np.ones(3)], storage)
    assert storage[0][0] is xv
    t = inplace.transpose_inplace(matrix("m"))
    assert t.owner.op.new_order == (1, 0)
