"""Aesara 2.9 names of ``aesara.scalar`` and of the tensor modules (issue 18).

Renamed scalar ops (``true_divide``...), the scalar ``Mean`` op, the rounding
helpers, ``Compositef32``, the deprecated ``Inv``/``inv``/``abs_``,
``extract_diag``, the ``Convolve`` op, ``DenseTensorType`` and the dense
variable classes, and ``aesara.tensor.var.get_unique_value``.
"""

from __future__ import annotations

import sys
import warnings

import numpy as np
import pytest
import scipy.sparse

import aesara
import aesara.scalar as aes
import aesara.scalar.basic as aesb
import aesara.tensor as at
import aesara.tensor.basic as atb
import aesara.tensor.math as atm
from aesara.gradient import grad, verify_grad
from aesara.graph.fg import FunctionGraph
from aesara.tensor.elemwise import Elemwise
from aesara.tensor.type import DenseTensorType, TensorType

atv = sys.modules["aesara.tensor.var"]  # ``aesara.tensor.var`` is the variance


# ---------------------------------------------------------------------------
# Renamed scalar ops
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("module", [aes, aesb])
@pytest.mark.parametrize(
    "new, old",
    [
        ("true_divide", "true_div"),
        ("divide", "true_div"),
        ("TrueDivide", "TrueDiv"),
        ("floor_divide", "int_div"),
        ("FloorDivide", "IntDiv"),
        ("square", "sqr"),
    ],
)
def test_renamed_scalar_ops_are_the_same_objects(module, new, old):
    assert getattr(module, new) is getattr(module, old)


def test_renamed_scalar_ops_compute_and_print_as_before():
    x, y = aes.float64("x"), aes.float64("y")
    f = aesara.function(
        [x, y], [aes.true_divide(x, y), aes.floor_divide(x, y), aes.square(x)]
    )
    np.testing.assert_allclose(f(7.0, 2.0), [3.5, 3.0, 49.0])
    assert str(aes.true_divide(x, y).owner.op) == "true_divide"
    assert isinstance(aes.divide(x, y).owner.op, aes.TrueDivide)


def test_owens_t_class_name_in_aesara_scalar():
    assert aes.Owens_t is aes.OwensT
    assert isinstance(aes.owens_t, aes.Owens_t)


def test_cast_mapping_maps_every_dtype_to_its_cast_op():
    mapping = aesb._cast_mapping
    assert set(mapping) == set(aesb.all_dtypes)
    for dtype, op in mapping.items():
        assert isinstance(op, aesb.Cast)
        assert op.o_type.dtype == dtype
    x = aes.int32("x")
    assert aesb.cast(x, "float32").owner.op is mapping["float32"]


@pytest.mark.parametrize("module", [aes, aesb])
@pytest.mark.parametrize("name, target", [("Inv", "Reciprocal"), ("inv", "reciprocal")])
def test_inv_is_deprecated_alias_of_reciprocal(module, name, target):
    with pytest.warns(DeprecationWarning, match="use `" + target):
        obj = getattr(module, name)
    assert obj is getattr(module, target)


def test_unknown_scalar_attribute_still_raises():
    with pytest.raises(AttributeError, match="no_such_name"):
        aes.no_such_name  # noqa: B018


# ---------------------------------------------------------------------------
# Mean
# ---------------------------------------------------------------------------


def test_scalar_mean_value_and_type():
    x, y, z = aes.float32("x"), aes.int32("y"), aes.float64("z")
    out = aes.mean(x, y, z)
    assert out.type == aes.float64
    assert isinstance(out.owner.op, aes.Mean) and aesb.Mean is aes.Mean
    f = aesara.function([x, y, z], out)
    assert f(1.5, 2, 5.5) == pytest.approx(3.0)
    assert aes.mean.impl() == 0.0


def test_scalar_mean_gradient():
    x, y = aes.float64("x"), aes.float64("y")
    out = aes.mean(x, y, x)
    gx, gy = grad(out, [x, y])
    f = aesara.function([x, y], [gx, gy])
    np.testing.assert_allclose(f(1.0, 2.0), [2 / 3, 1 / 3])
    i = aes.int32("i")
    (gi,) = grad(aes.mean(i, x), [i], disconnected_inputs="ignore")
    assert aesara.function([i, x], gi, on_unused_input="ignore")(3, 1.0) == 0


def test_scalar_mean_elementwise():
    # Aesara 2.9 fails here (it calls numpy.mean(a, b)); ours averages.
    a, b = at.dvector("a"), at.dvector("b")
    f = aesara.function([a, b], Elemwise(aes.mean)(a, b))
    np.testing.assert_allclose(f([1.0, 2.0], [3.0, 5.0]), [2.0, 3.5])


# ---------------------------------------------------------------------------
# Rounding helpers
# ---------------------------------------------------------------------------


def test_round_half_away_from_zero_scalar_helper():
    r = aes.round_half_away_from_zero_
    assert [r(v) for v in (2.5, -2.5, 0.4, -0.6, 3)] == [3.0, -3.0, 0.0, -1.0, 3.0]
    assert isinstance(r(1.5), np.float64)
    assert r(np.float32(0.5)).dtype == np.float32
    with pytest.raises(TypeError, match="round_half_away_from_zero_vec"):
        r(np.array([1.5, 2.5]))


def test_round_half_away_from_zero_vector_helpers():
    data = np.array([0.5, -0.5, 1.5, -2.5, 2.4, 0.49999999999999994])
    expected = np.array([1.0, -1.0, 2.0, -3.0, 2.0, 0.0])
    out64 = aesb.round_half_away_from_zero_vec64(data)
    out32 = aesb.round_half_away_from_zero_vec32(data)
    assert out64.dtype == np.float64 and out32.dtype == np.float32
    np.testing.assert_array_equal(out64, expected)
    # 0.49999999999999994 is 0.5 in float32, a tie.
    np.testing.assert_array_equal(out32, expected[:5].tolist() + [1.0])
    assert aes.round_half_away_from_zero_vec(data.astype("float32")).dtype == np.float32
    assert aes.round_half_away_from_zero_vec([1, 2]).dtype == np.float64
    # Same results as the scalar op.
    x = aes.float64("x")
    f = aesara.function([x], aes.round_half_away_from_zero(x))
    assert [f(v) for v in data] == out64.tolist()


# ---------------------------------------------------------------------------
# Compositef32
# ---------------------------------------------------------------------------


def _eval_scalar(inputs, outputs, *values):
    return aesara.function(inputs, outputs)(*values)


def test_composite_f32_converts_float16_graph():
    x, y = aes.float16("x"), aes.float32("y")
    two = aes.constant(2.0, dtype="float16")
    out = aes.cast(aes.exp(x) * two + y, "float16")
    fgraph = FunctionGraph([x, y], [out], clone=False)
    new_ins, new_outs = aes.composite_f32.apply(fgraph)
    assert [v.type for v in new_ins] == [aes.float32, aes.float32]
    assert new_ins[1] is y and new_ins[0] is not x
    # The final cast to float16 became float32 (and vanished: already float32).
    assert new_outs[0].type == aes.float32
    assert not isinstance(new_outs[0].owner.op, aes.Cast)
    val = _eval_scalar(new_ins, new_outs[0], 0.5, 1.0)
    assert val == pytest.approx(2 * np.exp(0.5) + 1.0, rel=1e-6)
    assert isinstance(aes.composite_f32, aes.Compositef32)


def test_composite_f32_cast_handling():
    x, i = aes.float16("x"), aes.int32("i")
    up = aes.cast(x, "float32")  # becomes a no-op on a float32 input
    down = aes.cast(i, "float16")  # becomes a cast to float32
    new_ins, (new_up, new_down) = aes.composite_f32.apply(
        FunctionGraph([x, i], [up, down])
    )
    assert new_up is new_ins[0]
    assert new_down.type == aes.float32 and isinstance(new_down.owner.op, aes.Cast)
    assert aes.Compositef32.special[aes.Cast] is aes.handle_cast


def test_composite_f32_nested_composite():
    a, b = aes.float16("a"), aes.float16("b")
    comp = aes.Composite([a, b], [aes.sqrt(a) + b])
    x, y = aes.float16("x"), aes.float16("y")
    out = comp(x, y)
    new_ins, (new_out,) = aes.composite_f32.apply(FunctionGraph([x, y], [out]))
    op = new_out.owner.op
    assert isinstance(op, aes.Composite) and op is not comp
    assert op.inputs_type == (aes.float32, aes.float32)
    assert new_out.type == aes.float32
    assert _eval_scalar(new_ins, new_out, 4.0, 0.5) == pytest.approx(2.5)
    assert aes.Compositef32.special[aes.Composite] is aes.handle_composite


def test_composite_f32_rejects_op_that_insists_on_float16():
    class ToHalf(aesb.UnaryScalarOp):
        def impl(self, x):
            return np.float16(x)

    to_half = ToHalf(aesb.specific_out(aes.float16), name="to_half")
    x = aes.float32("x")
    with pytest.raises(TypeError, match="still outputs float16"):
        aes.composite_f32.apply(FunctionGraph([x], [to_half(x)]))


# ---------------------------------------------------------------------------
# Tensor: deprecated aliases, extract_diag
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("name, target", [("abs_", "abs"), ("inv", "reciprocal")])
def test_tensor_deprecated_aliases(name, target):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        obj = getattr(at, name)
    assert obj is getattr(at, target)
    assert [w.category for w in caught] == [DeprecationWarning]
    assert caught[0].filename == __file__  # points at the caller
    x = at.dvector("x")
    np.testing.assert_allclose(
        aesara.function([x], obj(x))(np.array([-2.0, 4.0])),
        np.abs([-2.0, 4.0]) if target == "abs" else [-0.5, 0.25],
    )
    with pytest.raises(AttributeError, match="no_such_name"):
        at.no_such_name  # noqa: B018


def test_extract_diag():
    assert at.extract_diag is atb.extract_diag
    assert isinstance(at.extract_diag, at.ExtractDiag)
    m = at.dtensor3("m")
    f = aesara.function([m], at.extract_diag(m))
    data = np.arange(24.0).reshape(2, 3, 4)
    np.testing.assert_array_equal(f(data), np.diagonal(data))


# ---------------------------------------------------------------------------
# Convolve
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("mode", ["full", "same", "valid"])
@pytest.mark.parametrize("m, n", [(6, 3), (2, 5), (4, 4)])
def test_convolve_matches_numpy(mode, m, n):
    rng = np.random.default_rng(m * 10 + n)
    a_val, v_val = rng.normal(size=m), rng.normal(size=n)
    a, v = at.dvector("a"), at.dvector("v")
    out = at.convolve(a, v, mode=mode)
    f = aesara.function([a, v], out)
    np.testing.assert_allclose(f(a_val, v_val), np.convolve(a_val, v_val, mode))
    # infer_shape gives the right length without running the op.
    shape_fn = aesara.function([a, v], out.shape)
    assert tuple(shape_fn(a_val, v_val)) == np.convolve(a_val, v_val, mode).shape
    verify_grad(
        lambda x, y: at.convolve(x, y, mode),
        [a_val, v_val],
        rng=np.random.RandomState(0),
    )


def test_convolve_static_shape_dtype_and_props():
    assert at.convolve is atm.convolve
    a = at.tensor("float32", shape=(7,))
    v = at.tensor("int8", shape=(3,))
    assert atm.convolve(a, v).type == TensorType("float32", shape=(9,))
    assert atm.convolve(a, v, "same").type.shape == (7,)
    assert atm.convolve(v, a, "valid").type.shape == (5,)
    assert atm.convolve(at.dvector(), v).type.shape == (None,)
    assert atm.Convolve("same") == atm.Convolve("same") != atm.Convolve("valid")
    assert hash(atm.Convolve("same")) == hash(atm.Convolve("same"))
    i = at.lvector("i")
    f = aesara.function([i], atm.convolve(i, np.array([1, 1], dtype="int64")))
    out = f(np.array([1, 2, 3]))
    assert out.dtype == np.int64
    np.testing.assert_array_equal(out, [1, 3, 5, 3])


def test_convolve_integer_input_gets_zero_gradient():
    i, x = at.lvector("i"), at.dvector("x")
    cost = atm.convolve(i, x).sum()
    gi, gx = grad(cost, [i, x])
    f = aesara.function([i, x], [gi, gx])
    gi_val, gx_val = f(np.array([1, 2]), np.array([1.0, 1.0, 1.0]))
    np.testing.assert_array_equal(gi_val, [0.0, 0.0])
    np.testing.assert_allclose(gx_val, [3.0, 3.0, 3.0])


def test_convolve_bad_inputs():
    with pytest.raises(ValueError, match="mode must be one of.*'circular'"):
        atm.convolve(at.dvector(), at.dvector(), mode="circular")
    with pytest.raises(ValueError, match="input a must be 1-dim"):
        atm.convolve(at.dmatrix(), at.dvector())
    with pytest.raises(ValueError, match="input v must be 1-dim"):
        atm.convolve(at.dvector(), at.dscalar())


# ---------------------------------------------------------------------------
# Dense types and variables
# ---------------------------------------------------------------------------


def test_dense_tensor_type_instance_checks():
    from aesara.sparse.type import SparseTensorType

    dense = TensorType("float64", shape=(None, 3))
    sparse = SparseTensorType("csr", "float64")
    assert isinstance(dense, DenseTensorType)
    assert isinstance(at.dmatrix().type, DenseTensorType)
    assert isinstance(sparse, TensorType)
    assert not isinstance(sparse, DenseTensorType)
    assert not isinstance(aes.float64, DenseTensorType)
    assert issubclass(DenseTensorType, TensorType)
    assert not issubclass(SparseTensorType, DenseTensorType)


def test_dense_tensor_type_constructor_builds_a_tensor_type():
    t = DenseTensorType("float32", shape=(None,))
    assert type(t) is TensorType
    assert t == at.fvector().type
    assert isinstance(t, DenseTensorType)
    x = t("x")
    f = aesara.function([x], x * 2)
    np.testing.assert_allclose(f(np.array([1.0, 2.0], dtype="float32")), [2.0, 4.0])


def test_dense_variable_and_constant_classes():
    import aesara.sparse as sp

    x = at.dvector("x")
    c = at.constant(np.ones(3))
    shared = aesara.shared(np.zeros(2))
    assert isinstance(x, atv.DenseTensorVariable)
    assert isinstance(c, atv.DenseTensorVariable)
    # As in Aesara, shared variables are not TensorVariables.
    assert not isinstance(shared, atv.DenseTensorVariable)
    assert isinstance(c, atv.DenseTensorConstant)
    assert not isinstance(x, atv.DenseTensorConstant)
    s = sp.csr_matrix("s")
    sc = sp.as_sparse_variable(scipy.sparse.csr_matrix(np.eye(2)))
    assert not isinstance(s, atv.DenseTensorVariable)
    assert not isinstance(sc, atv.DenseTensorConstant)
    assert not isinstance(aes.float64("y"), atv.DenseTensorVariable)
    assert isinstance(atv.DenseTensorVariable, atv.DenseVariableMeta)
    assert isinstance(atv.DenseTensorConstant, atv.DenseConstantMeta)
    # Calling the classes builds the ordinary variable classes.
    v = atv.DenseTensorVariable(TensorType("float64", (None,)), name="v")
    assert type(v) is at.TensorVariable and v.name == "v"
    k = atv.DenseTensorConstant(TensorType("float64", (None,)), np.arange(3.0))
    assert type(k) is at.TensorConstant
    np.testing.assert_array_equal(k.data, [0.0, 1.0, 2.0])


def test_get_unique_value():
    assert atv.get_unique_value is atb.get_unique_value is at.get_unique_value
    assert atv.get_unique_value(at.constant(np.full((2, 3), 7.0))) == 7.0
    assert atv.get_unique_value(at.constant(np.array([1.0, 2.0]))) is None
    assert atv.get_unique_value(at.constant(np.array(5.0))) is None  # 0-d
    assert atv.get_unique_value(at.constant(np.zeros(0))) is None  # empty
    assert atv.get_unique_value(at.dvector()) is None
