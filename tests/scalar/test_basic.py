"""Tests of aesara.scalar: types, constants, ops (values, dtypes, gradients)
and Composite.

Scalar graphs are evaluated with a tiny local evaluator (toposort + perform),
independent of the compilation machinery.
"""

import pickle
import warnings

import numpy as np
import pytest

import aesara.scalar as aes
import aesara.scalar.basic as sb
from aesara.configdefaults import config
from aesara.graph.basic import Constant, Variable, graph_inputs, io_toposort
from aesara.scalar._composite import scalar_graph_grad
from aesara.scalar.basic import (
    Composite,
    ScalarConstant,
    ScalarType,
    ScalarVariable,
    as_scalar,
    cast,
    constant,
    float32,
    float64,
    get_scalar_type,
    int8,
    int32,
    int64,
    uint8,
    upcast,
)

# ---------------------------------------------------------------------------
# helpers
# ---------------------------------------------------------------------------


def evaluate(outputs, givens):
    """Evaluate scalar ``outputs`` given ``{input_variable: value}``."""
    single = not isinstance(outputs, (list, tuple))
    outs = [outputs] if single else list(outputs)
    values = dict(givens)
    for node in io_toposort(list(givens), outs):
        args = [values[v] if v in values else v.data for v in node.inputs]
        storage = [[None] for _ in node.outputs]
        node.op.perform(node, args, storage)
        for o, s in zip(node.outputs, storage):
            values[o] = s[0]
    res = [values[o] if o in values else o.data for o in outs]
    return res[0] if single else res


def run_op(op, *values):
    """Apply ``op`` to constants of ``values`` and run its perform."""
    node = op.make_node(
        *[constant(v) if not isinstance(v, sb.Variable) else v for v in values]
    )
    storage = [[None] for _ in node.outputs]
    node.op.perform(node, [i.data for i in node.inputs], storage)
    return storage[0][0] if len(storage) == 1 else [s[0] for s in storage]


def symbolic_grads(op, inputs):
    """Gradients of ``op(*inputs)`` w.r.t. ``inputs`` given output grad ``gz``."""
    out = op(*inputs)
    gz = out.type("gz")
    grads = op.L_op(list(out.owner.inputs), [out], [gz])
    return out, gz, grads


def numeric_grad(f, point, eps=1e-6):
    point = np.asarray(point, dtype="float64")
    g = np.zeros_like(point)
    for k in range(point.size):
        d = np.zeros_like(point)
        d[k] = eps
        g[k] = (f(*(point + d)) - f(*(point - d))) / (2 * eps)
    return g


def check_grad(op, point, rtol=1e-5, atol=1e-7, eps=1e-6):
    inputs = [float64(f"x{k}") for k in range(len(point))]
    out, gz, grads = symbolic_grads(op, inputs)

    def f(*vals):
        return float(evaluate(out, dict(zip(inputs, map(np.float64, vals)))))

    givens = dict(zip(inputs, map(np.float64, point)))
    givens[gz] = np.float64(1.0)
    got = [float(v) for v in evaluate(grads, givens)]
    expected = numeric_grad(f, point, eps=eps)
    np.testing.assert_allclose(got, expected, rtol=rtol, atol=atol, err_msg=str(op))


# ---------------------------------------------------------------------------
# ScalarType
# ---------------------------------------------------------------------------


class TestScalarType:
    def test_props_and_str(self):
        assert ScalarType("float64") == float64
        assert hash(ScalarType("float64")) == hash(float64)
        assert ScalarType("float32") != float64
        assert str(float64) == "float64"
        assert repr(int8) == "ScalarType(int8)"
        assert float64.ndim == 0 and float64.shape == () and float64.broadcastable == ()
        assert ScalarType("floatX").dtype == config.floatX
        assert ScalarType(np.int16).dtype == "int16"
        assert get_scalar_type("int8") is int8
        assert float32.dtype_specs()[0] is np.float32

    @pytest.mark.parametrize("bad", ["object", "str", "datetime64", "nope"])
    def test_bad_dtype(self, bad):
        with pytest.raises(TypeError, match="Unsupported dtype"):
            ScalarType(bad)

    def test_module_instances(self):
        assert aes.bool.dtype == "bool"
        names = "int8 int16 int32 int64 uint8 uint16 uint32 uint64 float16 float32 float64 complex64 complex128"
        for n in names.split():
            assert getattr(aes, n).dtype == n
        assert set(sb.all_types) == set(sb.discrete_types) | set(sb.continuous_types)
        assert len(sb.all_types) == 14
        assert sb.float_types == (sb.float16, sb.float32, sb.float64)

    def test_filter_non_strict(self):
        r = float64.filter(1)
        assert type(r) is np.float64 and r == 1.0
        assert type(float32.filter(1.5)) is np.float32
        assert type(int8.filter(np.int64(5))) is np.int8
        assert type(int8.filter(np.array(7))) is np.int8
        assert type(sb.bool.filter(1)) is np.bool_
        assert sb.complex64.filter(1 + 2j) == np.complex64(1 + 2j)
        assert np.isnan(float32.filter(np.float64("nan")))
        # already the right dtype: returned as is
        v = np.float32(2.5)
        assert float32.filter(v) is v

    def test_filter_strict(self):
        v = np.float64(1.0)
        assert float64.filter(v, strict=True) is v
        with pytest.raises(
            TypeError,
            match="strict mode expects a NumPy scalar of dtype float64, got float",
        ):
            float64.filter(1.0, strict=True)
        with pytest.raises(TypeError, match="got float32"):
            float64.filter(np.float32(1.0), strict=True)

    def test_filter_downcast(self):
        with pytest.raises(TypeError, match="cannot accurately represent 300"):
            int8.filter(300)
        assert int8.filter(300, allow_downcast=True) == np.int8(44)
        with pytest.raises(TypeError, match=r"cannot accurately represent"):
            uint8.filter(-1)
        with pytest.raises(TypeError, match="allow_downcast=True"):
            float32.filter(np.float64(1.1))
        assert float32.filter(np.float64(1.1), allow_downcast=True) == np.float32(1.1)
        with pytest.raises(TypeError):
            int32.filter(1.5)
        with pytest.raises(TypeError):
            sb.bool.filter(2)

    def test_filter_python_float_into_floatx(self):
        with config.change_flags(floatX="float32"):
            assert float32.filter(1.1) == np.float32(1.1)
            with pytest.raises(TypeError):
                float32.filter(1.1, allow_downcast=False)
        if config.floatX == "float64":
            with pytest.raises(TypeError):
                float32.filter(1.1)

    @pytest.mark.parametrize(
        "bad", ["1.0", [1.0], np.array([1.0, 2.0]), None, object()]
    )
    def test_filter_rejects_non_numbers(self, bad):
        with pytest.raises(TypeError, match="expects a (number|scalar)"):
            float64.filter(bad)

    def test_values_eq_approx(self):
        assert float64.values_eq_approx(np.float64(1.0), np.float64(1.0 + 1e-7))
        assert not float64.values_eq_approx(np.float64(1.0), np.float64(1.1))
        assert float64.values_eq_approx(np.float64("nan"), np.float64("nan"))
        assert not float64.values_eq_approx(np.float64("nan"), np.float64(1))
        assert float64.values_eq_approx(np.float64("inf"), np.float64("inf"))
        assert not float64.values_eq_approx(np.float64("inf"), np.float64("-inf"))
        assert int8.values_eq_approx(np.int8(127), np.int8(127))
        assert not int8.values_eq_approx(np.int8(127), np.int8(-128))
        assert sb.bool.values_eq_approx(np.True_, np.True_)

    def test_shape_info_and_sharing(self):
        assert float64.get_shape_info(np.float64(1)) == 8
        assert float64.get_size(8) == 8
        assert not float64.may_share_memory(np.float64(1), np.float64(1))

    def test_make_variable_and_upcast(self):
        x = float32("x")
        assert isinstance(x, ScalarVariable) and x.type == float32 and x.name == "x"
        assert x.dtype == "float32" and x.ndim == 0
        assert float32.upcast(int64) == "float64"


class TestUpcast:
    @pytest.mark.parametrize(
        "dtypes",
        [
            ("int8", "int16"),
            ("int8", "uint8"),
            ("uint64", "int64"),
            ("int32", "float32"),
            ("int16", "float16"),
            ("bool", "int8"),
            ("float32", "complex64"),
            ("float64", "complex64"),
            ("int64", "float32"),
            ("bool", "bool"),
            ("int8", "float16", "uint16"),
        ],
    )
    def test_matches_numpy(self, dtypes):
        assert upcast(*dtypes) == np.result_type(*dtypes).name

    def test_numpy_floatx_policy(self):
        with config.change_flags(floatX="float32", cast_policy="numpy+floatX"):
            assert upcast("int64", "float32") == "float32"
            assert upcast("int32", "float32") == "float32"
            assert upcast("float64", "float32") == "float64"
            assert upcast("int64", "int64") == "int64"
        with config.change_flags(floatX="float32", cast_policy="custom"):
            assert upcast("int64", "float32") == "float64"


class TestConstants:
    def test_autocast_custom(self):
        assert constant(3).dtype == "int8"
        assert constant(300).dtype == "int16"
        assert constant(2**40).dtype == "int64"
        assert constant(2**63).dtype == "uint64"
        assert constant(1.5).dtype == "float32"
        assert constant(1.1).dtype == "float64"
        assert constant(float("inf")).dtype == "float32"
        assert constant(np.float64(1.5)).dtype == "float64"
        assert constant(np.int64(3)).dtype == "int64"
        assert constant(3, dtype="float32").dtype == "float32"
        assert constant(1 + 2j).dtype == "complex128"
        c = constant(1.5, name="c")
        assert (
            isinstance(c, ScalarConstant)
            and c.name == "c"
            and type(c.data) is np.float32
        )

    def test_autocast_float_as(self):
        with sb.autocast_float_as("float32"):
            assert constant(1.1).dtype == "float32"
        assert constant(1.1).dtype == "float64"

    def test_numpy_floatx_policy(self):
        with config.change_flags(floatX="float32", cast_policy="numpy+floatX"):
            assert constant(1.1).dtype == "float32"
            assert constant(3).dtype == "int64"

    def test_bad_constants(self):
        with pytest.raises(TypeError, match="single number"):
            constant([1, 2])
        with pytest.raises(TypeError, match="not a numeric dtype"):
            constant("abc")
        with pytest.raises(TypeError, match="too large"):
            constant(2**70)

    def test_as_scalar(self):
        x = float64("x")
        assert as_scalar(x) is x
        c = as_scalar(2.5)
        assert isinstance(c, ScalarConstant) and c.data == 2.5
        y = (x + 1).owner
        assert as_scalar(y) is y.outputs[0]
        with pytest.raises(TypeError, match="Cannot convert"):

            class FakeType:
                ndim = 2

            as_scalar(Variable(FakeType()))


# ---------------------------------------------------------------------------
# Op values and dtypes
# ---------------------------------------------------------------------------

X = np.float64(0.3)
Y = np.float64(0.7)

UNARY_FLOAT = [
    (sb.exp, np.exp, 0.3),
    (sb.exp2, np.exp2, 0.3),
    (sb.expm1, np.expm1, 1e-10),
    (sb.log, np.log, 0.3),
    (sb.log2, np.log2, 0.3),
    (sb.log10, np.log10, 0.3),
    (sb.log1p, np.log1p, 1e-10),
    (sb.sqrt, np.sqrt, 0.3),
    (sb.sqr, np.square, -0.3),
    (sb.cos, np.cos, 0.3),
    (sb.arccos, np.arccos, 0.3),
    (sb.sin, np.sin, 0.3),
    (sb.arcsin, np.arcsin, 0.3),
    (sb.tan, np.tan, 0.3),
    (sb.arctan, np.arctan, 0.3),
    (sb.cosh, np.cosh, 0.3),
    (sb.arccosh, np.arccosh, 1.3),
    (sb.sinh, np.sinh, 0.3),
    (sb.arcsinh, np.arcsinh, 0.3),
    (sb.tanh, np.tanh, 0.3),
    (sb.arctanh, np.arctanh, 0.3),
    (sb.deg2rad, np.deg2rad, 30.0),
    (sb.rad2deg, np.rad2deg, 0.3),
    (sb.neg, np.negative, 0.3),
    (sb.abs, np.abs, -0.3),
    (sb.sgn, np.sign, -0.3),
    (sb.ceil, np.ceil, -0.3),
    (sb.floor, np.floor, -0.3),
    (sb.trunc, np.trunc, -1.7),
    (sb.reciprocal, np.reciprocal, 0.3),
    (sb.identity, lambda v: v, 0.3),
    (sb.round_half_to_even, np.round, 2.5),
]


@pytest.mark.parametrize(
    "op, ref, value", UNARY_FLOAT, ids=[str(t[0]) for t in UNARY_FLOAT]
)
def test_unary_float_values(op, ref, value):
    for dtype in ("float64", "float32"):
        v = np.dtype(dtype).type(value)
        res = run_op(op, v)
        assert type(res) is np.dtype(dtype).type
        np.testing.assert_allclose(res, ref(v), rtol=1e-6)


def test_nfunc_spec_matches_impl():
    # The tensor Elemwise calls the NumPy function named by nfunc_spec on
    # whole arrays, so it must agree with impl.
    for op, _, value in UNARY_FLOAT:
        if op.nfunc_spec is None:
            continue
        name, nin, nout = op.nfunc_spec
        assert (nin, nout) == (1, 1)
        arr = np.array([value, value * 1.05])
        np.testing.assert_allclose(getattr(np, name)(arr), op.impl(arr))
    assert sb.add.nfunc_spec == ("add", 2, 1)
    assert sb.true_div.nfunc_spec == ("true_divide", 2, 1)
    assert sb.int_div.nfunc_spec == ("floor_divide", 2, 1)
    assert sb.exp.nfunc_spec == ("exp", 1, 1)
    for op in [
        sb.add,
        sb.sub,
        sb.mul,
        sb.true_div,
        sb.int_div,
        sb.mod,
        sb.pow,
        sb.lt,
        sb.eq,
        sb.and_,
        sb.scalar_maximum,
        sb.arctan2,
        sb.switch,
        sb.clip,
        sb.invert,
    ]:
        assert callable(getattr(np, op.nfunc_spec[0]))


@pytest.mark.parametrize(
    "op, ref",
    [
        (sb.add, np.add),
        (sb.sub, np.subtract),
        (sb.mul, np.multiply),
        (sb.true_div, np.true_divide),
        (sb.pow, np.power),
        (sb.arctan2, np.arctan2),
        (sb.scalar_maximum, np.maximum),
        (sb.scalar_minimum, np.minimum),
        (sb.lt, np.less),
        (sb.gt, np.greater),
        (sb.le, np.less_equal),
        (sb.ge, np.greater_equal),
        (sb.eq, np.equal),
        (sb.neq, np.not_equal),
    ],
)
def test_binary_float_values(op, ref):
    for a, b in [(0.3, 0.7), (0.7, 0.3), (0.5, 0.5), (-2.0, 3.0)]:
        res = run_op(op, np.float64(a), np.float64(b))
        np.testing.assert_allclose(res, ref(np.float64(a), np.float64(b)))
        assert res.dtype == np.result_type(ref(np.float64(a), np.float64(b)))


def test_variadic_add_mul():
    xs = [float64(f"x{i}") for i in range(4)]
    vals = [np.float64(v) for v in (1.0, 2.0, 3.0, 4.0)]
    givens = dict(zip(xs, vals))
    assert evaluate(sb.add(*xs), givens) == 10.0
    assert evaluate(sb.mul(*xs), givens) == 24.0
    assert evaluate(sb.add(xs[0]), givens) == 1.0
    with pytest.raises(TypeError, match="at least one input"):
        sb.add()
    np.testing.assert_allclose(
        sb.add.impl(np.ones(3), np.ones(3), np.ones(3)), [3, 3, 3]
    )


def test_integer_ops_numpy_semantics():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        assert run_op(sb.int_div, np.int64(7), np.int64(0)) == np.floor_divide(
            np.int64(7), np.int64(0)
        )
        assert run_op(sb.mod, np.int64(7), np.int64(0)) == np.mod(
            np.int64(7), np.int64(0)
        )
        assert np.isnan(run_op(sb.mod, np.float64(7), np.float64(0)))
    assert run_op(sb.int_div, np.int64(-7), np.int64(2)) == -4
    assert run_op(sb.mod, np.int64(-7), np.int64(3)) == 2
    assert run_op(sb.mod, np.int64(7), np.int64(-3)) == -2
    assert run_op(sb.mod, np.float64(-7.5), np.float64(2)) == 0.5
    assert run_op(sb.int_div, np.float64(-7.5), np.float64(2)) == -4.0
    # int8 arithmetic wraps like NumPy
    assert run_op(sb.add, np.int8(100), np.int8(100)) == np.int8(-56)
    assert run_op(sb.true_div, np.int64(1), np.int64(2)) == 0.5
    with pytest.raises(ValueError, match="negative integer powers"):
        run_op(sb.pow, np.int64(2), np.int64(-1))


def test_nan_propagation():
    nan = np.float64("nan")
    assert np.isnan(run_op(sb.scalar_maximum, nan, np.float64(1)))
    assert np.isnan(run_op(sb.scalar_minimum, np.float64(1), nan))
    assert run_op(sb.isnan, nan) == np.True_
    assert run_op(sb.isinf, np.float64("-inf")) == np.True_
    assert run_op(sb.isinf, nan) == np.False_
    assert np.isnan(run_op(sb.sgn, nan))
    assert run_op(sb.lt, nan, np.float64(1)) == np.False_
    assert run_op(sb.neq, nan, nan) == np.True_


def test_rounding():
    rh = sb.round_half_away_from_zero
    for v, e in [
        (2.5, 3.0),
        (-2.5, -3.0),
        (0.5, 1.0),
        (1.4, 1.0),
        (-1.6, -2.0),
        (0.49999999999999994, 0.0),
        (np.inf, np.inf),
    ]:
        assert run_op(rh, np.float64(v)) == e
    assert np.isnan(run_op(rh, np.float64("nan")))
    assert run_op(sb.round_half_to_even, np.float64(2.5)) == 2.0
    assert run_op(sb.round_half_to_even, np.float64(3.5)) == 4.0
    np.testing.assert_array_equal(rh.impl(np.array([-0.5, 0.5, 1.5])), [-1.0, 1.0, 2.0])
    with pytest.raises(TypeError, match="only float types"):
        rh(int8("i"))


def test_clip_switch_second_identity():
    assert run_op(sb.clip, np.float64(5), np.float64(0), np.float64(1)) == 1.0
    assert run_op(sb.clip, np.float64(-5), np.float64(0), np.float64(1)) == 0.0
    assert run_op(sb.clip, np.float64(0.5), np.float64(0), np.float64(1)) == 0.5
    # like np.clip when min > max
    assert run_op(sb.clip, np.float64(0.5), np.float64(2), np.float64(1)) == np.clip(
        0.5, 2, 1
    )
    assert run_op(sb.switch, np.True_, np.float64(1), np.float64(2)) == 1.0
    assert run_op(sb.switch, np.False_, np.int8(1), np.float32(2)) == np.float32(2)
    res = run_op(sb.second, np.float64(1), np.int8(3))
    assert type(res) is np.int8 and res == 3
    assert run_op(sb.identity, np.int8(3)) == 3
    np.testing.assert_array_equal(
        sb.second.impl(np.zeros((2, 2)), np.float64(3)), np.full((2, 2), 3.0)
    )


def test_bitwise():
    assert run_op(sb.and_, np.int8(6), np.int8(3)) == 2
    assert run_op(sb.or_, np.int8(6), np.int8(3)) == 7
    assert run_op(sb.xor, np.int8(6), np.int8(3)) == 5
    assert run_op(sb.invert, np.int8(6)) == -7
    assert run_op(sb.invert, np.True_) == np.False_
    assert sb.and_(sb.bool("a"), sb.bool("b")).dtype == "bool"
    with pytest.raises(TypeError, match="bit op"):
        sb.and_(float64("x"), int8("i"))
    with pytest.raises(TypeError, match="bit op"):
        sb.invert(float64("x"))


def test_complex_ops():
    z = np.complex128(3 + 4j)
    assert run_op(sb.real, z) == 3.0
    assert run_op(sb.imag, z) == 4.0
    assert run_op(sb.abs, z) == 5.0
    assert run_op(sb.abs, np.complex64(3 + 4j)).dtype == np.float32
    np.testing.assert_allclose(run_op(sb.angle, z), np.angle(z))
    assert run_op(sb.conj, z) == 3 - 4j
    c = run_op(sb.complex, np.float32(1), np.float32(2))
    assert type(c) is np.complex64 and c == 1 + 2j
    assert type(run_op(sb.complex, np.float64(1), np.float32(2))) is np.complex128
    c = run_op(sb.complex, np.float64(np.inf), np.float64(0))
    assert c.real == np.inf and c.imag == 0
    np.testing.assert_allclose(
        run_op(sb.complex_from_polar, np.float64(2), np.float64(0.5)), 2 * np.exp(0.5j)
    )
    with pytest.raises(ValueError, match="non-negative"):
        run_op(sb.complex_from_polar, np.float64(-1), np.float64(0.5))
    with pytest.raises(TypeError, match="must be real"):
        sb.complex(sb.complex64("z"), float32("x"))
    np.testing.assert_allclose(run_op(sb.exp, z), np.exp(z))
    assert sb.exp(sb.complex64("z")).dtype == "complex64"
    with pytest.raises(sb.ComplexError):
        sb.complex64("z") % 2
    with pytest.raises(sb.ComplexError):
        sb.int_div(sb.complex64("z"), 2)
    with pytest.raises(TypeError, match="ambiguous"):
        cast(sb.complex64("z"), "float32")


@pytest.mark.parametrize(
    "op, in_dtype, out_dtype",
    [
        (sb.exp, "int8", "float32"),
        (sb.exp, "uint8", "float32"),
        (sb.exp, "bool", "float32"),
        (sb.exp, "int16", "float32"),
        (sb.exp, "int32", "float64"),
        (sb.exp, "uint64", "float64"),
        (sb.exp, "float16", "float16"),
        (sb.sqrt, "int8", "float32"),
        (sb.log, "int64", "float64"),
        (sb.ceil, "int8", "float32"),
        (sb.neg, "int8", "int8"),
        (sb.abs, "complex128", "float64"),
        (sb.real, "complex64", "float32"),
        (sb.angle, "int8", "float32"),
        (sb.sqr, "int16", "int16"),
    ],
)
def test_unary_output_dtypes(op, in_dtype, out_dtype):
    x = get_scalar_type(in_dtype)("x")
    out = op(x)
    assert out.dtype == out_dtype
    # The computed value has the declared dtype.
    val = run_op(op, np.dtype(in_dtype).type(1))
    assert val.dtype == np.dtype(out_dtype)


def test_binary_output_dtypes():
    i8, i64, f32, f64 = int8("a"), int64("b"), float32("c"), float64("d")
    b = sb.bool("e")
    assert (i8 + i8).dtype == "int8"
    assert (i8 + f32).dtype == "float32"
    assert (i64 + f32).dtype == "float64"
    assert (i8 / i8).dtype == config.floatX
    assert (i64 / f32).dtype == "float64"
    assert (i8 // i8).dtype == "int8"
    assert (b // b).dtype == "int8"
    assert (b**b).dtype == "int8"
    assert sb.add(b, b).dtype == "bool"
    assert (f32**2).dtype == "float32"
    assert (i8 < f64).dtype == "bool"
    assert sb.switch(b, i8, f32).dtype == "float32"
    assert sb.true_div(i8, i8).dtype == config.floatX
    with config.change_flags(floatX="float32"):
        assert sb.true_div(i64, i64).dtype == "float32"
    with pytest.raises(TypeError, match="bool output not supported"):
        sb.sub(b, b)
    with pytest.raises(TypeError, match="bool input not supported"):
        sb.neg(b)
    assert (f32 + 1.1).dtype == "float64"
    assert (f32 + 1.5).dtype == "float32"
    assert (i8 + 1).dtype == "int8"


def test_make_node_errors():
    with pytest.raises(
        TypeError, match=r"Wrong number of inputs for exp.make_node: expected 1, got 2"
    ):
        sb.exp(float64("x"), float64("y"))
    with pytest.raises(TypeError, match="Input 0 of exp"):
        sb.exp("abc")
    with pytest.raises(NotImplementedError, match="Cannot calculate the output types"):
        sb.ScalarOp(name="noprefs")(float64("x"))
    with pytest.raises(TypeError, match="callable"):
        sb.ScalarOp(output_types_preference=3)


def test_cast():
    x = float64("x")
    y = cast(x, "int8")
    assert y.dtype == "int8" and str(y.owner.op) == "Cast{int8}"
    assert cast(x, "float64") is x
    assert cast(x, "floatX").dtype == config.floatX
    assert run_op(sb.convert_to_int8, np.float64(3.7)) == 3
    assert run_op(sb.convert_to_bool, np.float64(0.5)) == np.True_
    assert run_op(sb.convert_to_float32, np.int64(3)).dtype == np.float32
    assert x.astype("int32").dtype == "int32"
    with pytest.raises(TypeError, match="unsupported dtype"):
        cast(x, "str")
    with pytest.raises(TypeError, match="ScalarType"):
        sb.Cast("float64")


def test_op_equality_and_str():
    assert sb.Add(sb.upcast_out, name="add") == sb.add
    assert hash(sb.Add(sb.upcast_out, name="add")) == hash(sb.add)
    assert sb.Add(sb.upcast_out_nobool) != sb.add
    assert sb.add != sb.mul
    assert str(sb.add) == "add" and str(sb.true_div) == "true_divide"
    assert sb.Cast(float32) == sb.convert_to_float32
    assert sb.Cast(float32) != sb.convert_to_float64
    assert sb.InRange(True, False) != sb.InRange(True, True)
    assert sb.InRange(True, True) == sb.inopenrange
    assert sb.transfer_type(1) == sb.transfer_type(1)
    assert pickle.loads(pickle.dumps(sb.add)) == sb.add
    assert pickle.loads(pickle.dumps(sb.convert_to_int8)) == sb.convert_to_int8
    assert sb.add.commutative and sb.add.associative and sb.add.identity == 0
    assert sb.mul.identity == 1 and sb.scalar_maximum.identity == -np.inf


def test_perform_multi_output():
    class DivMod(sb.BinaryScalarOp):
        nout = 2

        def impl(self, x, y):
            return np.divmod(x, y)

    op = DivMod(sb.transfer_type(0, 0))
    q, r = op(int64("a"), int64("b"))
    res = evaluate(
        [q, r], {q.owner.inputs[0]: np.int64(7), q.owner.inputs[1]: np.int64(-2)}
    )
    assert res == [-4, -1] and all(type(v) is np.int64 for v in res)


def test_inrange():
    assert (
        run_op(sb.inclosedrange, np.float64(1), np.float64(1), np.float64(2))
        == np.True_
    )
    assert (
        run_op(sb.inopenrange, np.float64(1), np.float64(1), np.float64(2)) == np.False_
    )


def test_python_operators():
    x, y = float64("x"), float64("y")
    g = {x: np.float64(7.0), y: np.float64(2.0)}
    cases = {
        x + y: 9.0,
        x - y: 5.0,
        x * y: 14.0,
        x / y: 3.5,
        x // y: 3.0,
        x % y: 1.0,
        x**y: 49.0,
        -x: -7.0,
        abs(-x): 7.0,
        1 + x: 8.0,
        1 - x: -6.0,
        2 * x: 14.0,
        14 / x: 2.0,
        15 // x: 2.0,
        15 % x: 1.0,
        2**y: 4.0,
    }
    for expr, val in cases.items():
        assert evaluate(expr, g) == val, expr
    assert evaluate(x < y, g) == np.False_
    assert evaluate(x >= y, g) == np.True_
    assert (x == x) is True and (x == y) is False  # identity semantics
    assert hash(x) != hash(y)
    i, j = int8("i"), int8("j")
    gi = {i: np.int8(6), j: np.int8(3)}
    assert evaluate(i & j, gi) == 2 and evaluate(i | j, gi) == 7
    assert evaluate(i ^ j, gi) == 5 and evaluate(~i, gi) == -7
    assert evaluate(3 & i, gi) == 2
    assert evaluate(sb.eq(x, x), g) == np.True_
    assert evaluate(x.zeros_like(), g) == 0.0 and x.zeros_like().dtype == "float64"
    assert evaluate(x.ones_like("int8"), g) == 1 and x.ones_like("int8").dtype == "int8"


# ---------------------------------------------------------------------------
# Gradients
# ---------------------------------------------------------------------------

GRAD_UNARY = [
    (sb.exp, [0.3, -1.2]),
    (sb.exp2, [0.3]),
    (sb.expm1, [0.3]),
    (sb.log, [0.3, 2.5]),
    (sb.log2, [0.3]),
    (sb.log10, [0.3]),
    (sb.log1p, [0.3]),
    (sb.sqrt, [0.3]),
    (sb.sqr, [-0.3]),
    (sb.cos, [0.3]),
    (sb.arccos, [0.3]),
    (sb.sin, [0.3]),
    (sb.arcsin, [-0.3]),
    (sb.tan, [0.3]),
    (sb.arctan, [0.3]),
    (sb.cosh, [0.3]),
    (sb.arccosh, [1.3]),
    (sb.sinh, [0.3]),
    (sb.arcsinh, [0.3]),
    (sb.tanh, [0.3]),
    (sb.arctanh, [0.3]),
    (sb.deg2rad, [30.0]),
    (sb.rad2deg, [0.3]),
    (sb.neg, [0.3]),
    (sb.abs, [-0.3, 0.4]),
    (sb.sgn, [-0.3]),
    (sb.ceil, [0.3]),
    (sb.floor, [0.3]),
    (sb.trunc, [0.3]),
    (sb.round_half_to_even, [0.3]),
    (sb.round_half_away_from_zero, [0.3]),
    (sb.reciprocal, [0.3]),
    (sb.identity, [0.3]),
    (sb.real, [0.3]),
    (sb.imag, [0.3]),
    (sb.conj, [0.3]),
    (sb.angle, [0.3]),
    (sb.convert_to_float32, [0.3]),
]


@pytest.mark.parametrize("op, points", GRAD_UNARY, ids=[str(t[0]) for t in GRAD_UNARY])
def test_grad_unary(op, points):
    for p in points:
        if op is sb.convert_to_float32:
            # float32 rounding makes tiny finite-difference steps noisy
            check_grad(op, [p], rtol=1e-4, eps=1e-2)
        else:
            check_grad(op, [p])


GRAD_BINARY = [
    (sb.add, [(0.3, 0.7)]),
    (sb.sub, [(0.3, 0.7)]),
    (sb.mul, [(0.3, 0.7)]),
    (sb.true_div, [(0.3, 0.7), (-2.0, 0.5)]),
    (sb.pow, [(0.3, 0.7), (2.0, 3.0), (1.5, -2.0)]),
    (sb.arctan2, [(0.3, 0.7), (-0.3, -0.7)]),
    (sb.scalar_maximum, [(0.3, 0.7), (0.7, 0.3)]),
    (sb.scalar_minimum, [(0.3, 0.7), (0.7, 0.3)]),
    (sb.mod, [(7.3, 2.0), (-7.3, 2.0)]),
    (sb.int_div, [(7.3, 2.0)]),
    (sb.second, [(0.3, 0.7)]),
    (sb.lt, [(0.3, 0.7)]),
]


@pytest.mark.parametrize(
    "op, points", GRAD_BINARY, ids=[str(t[0]) for t in GRAD_BINARY]
)
def test_grad_binary(op, points):
    for p in points:
        if op is sb.second:
            x, y = float64("x"), float64("y")
            out, gz, (gx, gy) = symbolic_grads(op, [x, y])
            assert evaluate(gy, {gz: np.float64(2.0)}) == 2.0
            # x is disconnected (or a zero gradient before aesara.gradient exists)
            assert gx.owner is None or evaluate(gx, {x: np.float64(1.0)}) == 0
            assert op.connection_pattern(out.owner) == [[False], [True]]
            continue
        check_grad(op, list(p))


def test_grad_variadic_and_repeated_inputs():
    x, y, z = float64("x"), float64("y"), float64("z")
    for op in (sb.add, sb.mul):
        out = op(x, y, z)
        gz = float64("gz")
        grads = op.L_op([x, y, z], [out], [gz])
        vals = {
            x: np.float64(2.0),
            y: np.float64(3.0),
            z: np.float64(5.0),
            gz: np.float64(1.0),
        }
        got = evaluate(grads, vals)
        expected = [1.0, 1.0, 1.0] if op is sb.add else [15.0, 10.0, 6.0]
        assert got == expected
    # mul(x, x): each position gets the other factor
    out = sb.mul(x, x)
    gz = float64("gz")
    gx1, gx2 = sb.mul.L_op([x, x], [out], [gz])
    assert evaluate(sb.add(gx1, gx2), {x: np.float64(3.0), gz: np.float64(1.0)}) == 6.0


def test_grad_clip_and_switch():
    for p in [(0.5, 0.0, 1.0), (-0.5, 0.0, 1.0), (1.5, 0.0, 1.0)]:
        check_grad(sb.clip, list(p))
    c, a, b = sb.bool("c"), float64("a"), float64("b")
    out = sb.switch(c, a, b)
    gz = float64("gz")
    gc, ga, gb = sb.switch.L_op([c, a, b], [out], [gz])
    for cond, ea, eb in [(True, 2.0, 0.0), (False, 0.0, 2.0)]:
        vals = {
            c: np.bool_(cond),
            a: np.float64(1),
            b: np.float64(1),
            gz: np.float64(2.0),
        }
        assert evaluate([ga, gb], vals) == [ea, eb]
        assert evaluate(gc, vals) == 0.0
    assert gc.dtype == config.floatX


def test_grad_discrete_inputs_are_float_zeros():
    i, j = int8("i"), int8("j")
    for op in (sb.add, sb.mul, sb.sub, sb.int_div, sb.mod, sb.lt, sb.and_, sb.pow):
        out = op(i, j)
        grads = op.L_op([i, j], [out], [out.type("gz")])
        for g in grads:
            assert g.dtype in sb.float_dtypes, (op, g.dtype)
            assert evaluate(g, {i: np.int8(3), j: np.int8(2)}) == 0
    # float output with an integer input: the gradient flows and is float
    out = sb.exp(i)
    gz = float32("gz")
    (g,) = sb.exp.L_op([i], [out], [gz])
    assert g.dtype == "float32"
    np.testing.assert_allclose(
        evaluate(g, {i: np.int8(1), gz: np.float32(1)}), np.e, rtol=1e-6
    )


def _complex_cost_grad_check(op, z0, a=0.7, b=-0.4, eps=1e-6):
    """Check the complex-gradient convention: g = dC/dRe(z) + 1j dC/dIm(z)."""
    z = sb.complex128("z")
    out = op(z)
    if out.type in sb.complex_types:
        gz = sb.complex128("gz")
        gval = np.complex128(a + 1j * b)

        def cost(v):
            w = evaluate(out, {z: np.complex128(v)})
            return a * w.real + b * w.imag
    else:
        gz = float64("gz")
        gval = np.float64(a)

        def cost(v):
            return a * float(evaluate(out, {z: np.complex128(v)}))

    (g,) = op.L_op([z], [out], [gz])
    got = evaluate(g, {z: np.complex128(z0), gz: gval})
    d_re = (cost(z0 + eps) - cost(z0 - eps)) / (2 * eps)
    d_im = (cost(z0 + 1j * eps) - cost(z0 - 1j * eps)) / (2 * eps)
    np.testing.assert_allclose(got, d_re + 1j * d_im, rtol=1e-5, err_msg=str(op))


@pytest.mark.parametrize(
    "op",
    [
        sb.exp,
        sb.log,
        sb.sqrt,
        sb.sin,
        sb.tanh,
        sb.sqr,
        sb.abs,
        sb.angle,
        sb.real,
        sb.imag,
        sb.conj,
        sb.reciprocal,
        sb.neg,
        sb.identity,
    ],
    ids=str,
)
def test_grad_complex_convention(op):
    _complex_cost_grad_check(op, 0.6 + 0.8j)


def test_grad_complex_constructors():
    x, y = float64("x"), float64("y")
    for op in (sb.complex, sb.complex_from_polar):
        out = op(x, y)
        gz = sb.complex128("gz")
        gx, gy = op.L_op([x, y], [out], [gz])
        p = (0.8, 0.3)
        a, b = 0.7, -0.4

        def cost(u, v, out=out, a=a, b=b):
            w = evaluate(out, {x: np.float64(u), y: np.float64(v)})
            return a * w.real + b * w.imag

        got = evaluate(
            [gx, gy],
            {x: np.float64(p[0]), y: np.float64(p[1]), gz: np.complex128(a + 1j * b)},
        )
        np.testing.assert_allclose(
            [float(v) for v in got], numeric_grad(cost, p), rtol=1e-5
        )


def test_scalar_graph_grad_chain():
    x, y = float64("x"), float64("y")
    out = sb.exp(x * y) + sb.sin(x)
    gx, gy = scalar_graph_grad([x, y], [out], [constant(np.float64(1.0))])
    vals = {x: np.float64(0.4), y: np.float64(-0.6)}
    got = evaluate([gx, gy], vals)
    np.testing.assert_allclose(
        got, [-0.6 * np.exp(-0.24) + np.cos(0.4), 0.4 * np.exp(-0.24)], rtol=1e-12
    )
    # inputs the outputs do not depend on get None
    z = float64("z")
    assert scalar_graph_grad([x, z], [out], [constant(np.float64(1.0))])[1] is None


# ---------------------------------------------------------------------------
# Composite
# ---------------------------------------------------------------------------


class TestComposite:
    def test_eval_and_name(self):
        x, y = float64("x"), float64("y")
        c = Composite([x, y], [x + sb.exp(y)])
        assert str(c) == "Composite{(i0 + exp(i1))}"
        assert c.nin == 2 and c.nout == 1
        np.testing.assert_allclose(c.impl(1.0, 2.0), 1 + np.exp(2.0))
        out = c(float64("a"), float64("b"))
        assert out.dtype == "float64"
        assert (
            evaluate(
                out,
                {
                    out.owner.inputs[0]: np.float64(1),
                    out.owner.inputs[1]: np.float64(0),
                },
            )
            == 2.0
        )
        # vectorizes over arrays
        np.testing.assert_allclose(
            c.impl(np.arange(3.0), np.zeros(3)), np.arange(3.0) + 1
        )

    def test_inner_graph_is_a_copy(self):
        x, y = float64("x"), float64("y")
        z = x * y
        c = Composite([x, y], [z])
        assert c.inputs[0] is not x and c.inputs[0].name == "i0"
        assert c.outputs[0] is not z
        assert c.inner_inputs == c.inputs and c.inner_outputs == c.outputs
        assert [n.op for n in c.fgraph.toposort()] == [sb.mul]
        assert [n.op for n in c.inner_graph_order()] == [sb.mul]

    def test_equality_and_hash(self):
        def build():
            x, y = float64("x"), float32("y")
            return Composite([x, y], [sb.exp(x) * y + 2, sb.neg(y)])

        c1, c2 = build(), build()
        assert c1 == c2 and hash(c1) == hash(c2)
        x, y = float64("x"), float32("y")
        assert Composite([x, y], [sb.exp(x) * y + 3, sb.neg(y)]) != c1
        assert Composite([x, y], [sb.log(x) * y + 2, sb.neg(y)]) != c1
        assert Composite([y, x], [sb.exp(x) * y + 2, sb.neg(y)]) != c1
        assert len({c1, c2}) == 1

    def test_multi_output_and_types(self):
        x, i = float32("x"), int8("i")
        c = Composite([x, i], [x * i, i + 1, x < 1])
        assert c.outputs_type == (float32, int8, sb.bool)
        outs = c(float32("a"), int8("b"))
        assert [o.dtype for o in outs] == ["float32", "int8", "bool"]
        a, b = outs[0].owner.inputs
        vals = evaluate(outs, {a: np.float32(0.5), b: np.int8(127)})
        assert vals[0] == np.float32(63.5)
        assert vals[1] == np.int8(-128)  # intermediate int8 wraps like separate ops
        assert vals[2] == np.True_
        assert [type(v) for v in vals] == [np.float32, np.int8, np.bool_]

    def test_intermediate_casts_match_separate_ops(self):
        # (i + i) / 2 with int8 i: the sum wraps in int8 before the division.
        i = int8("i")
        out = (i + i) / 2
        c = Composite([i], [out])
        assert c.impl(np.int8(100)) == evaluate(out, {i: np.int8(100)}) == -28.0

    def test_nested(self):
        x, y = float64("x"), float64("y")
        inner = Composite([x, y], [x * y])
        a, b = float64("a"), float64("b")
        outer = Composite([a, b], [inner(a, b) + sb.sin(a)])
        np.testing.assert_allclose(outer.impl(2.0, 3.0), 6.0 + np.sin(2.0))
        assert "Composite{(i0 * i1)}(i0, i1)" in str(outer)
        a2, b2 = float64("a"), float64("b")
        outer2 = Composite([a2, b2], [Composite([x, y], [x * y])(a2, b2) + sb.sin(a2)])
        assert outer == outer2

    def test_constants_and_passthrough_outputs(self):
        x = float64("x")
        c = Composite([x], [x, x * 2.5])
        assert c.impl(np.float64(2.0)) == (2.0, 5.0)
        c2 = Composite([x], [constant(np.float64(3.0))])
        assert c2.impl(np.float64(1.0)) == 3.0

    def test_retyping_make_node(self):
        x = float32("x")
        c = Composite([x], [sb.exp(x) + 1])
        out = c(float64("y"))
        assert out.dtype == "float64"
        assert out.owner.op.inputs_type == (float64,)
        assert out.owner.op != c

    def test_errors(self):
        x, y = float64("x"), float64("y")
        with pytest.raises(ValueError, match="not one of its inputs"):
            Composite([x], [x + y])
        with pytest.raises(ValueError, match="free variable"):
            Composite([x + 1], [x])
        with pytest.raises(TypeError, match="scalar variable"):
            Composite([3], [x])
        with pytest.raises(ValueError, match="at least one output"):
            Composite([x], [])
        c = Composite([x], [sb.exp(x)])
        with pytest.raises(TypeError, match="expected 1, got 2"):
            c(x, y)

    def test_grad(self):
        x, y = float64("x"), float64("y")
        c = Composite([x, y], [sb.exp(x * y) + sb.sin(x), sb.tanh(y)])
        a, b = float64("a"), float64("b")
        o1, o2 = c(a, b)
        g1, g2 = float64("g1"), float64("g2")
        ga, gb = c.L_op([a, b], [o1, o2], [g1, g2])
        vals = {
            a: np.float64(0.4),
            b: np.float64(-0.6),
            g1: np.float64(1.0),
            g2: np.float64(2.0),
        }
        got = evaluate([ga, gb], vals)
        e = np.exp(-0.24)
        expected = [-0.6 * e + np.cos(0.4), 0.4 * e + 2 * (1 - np.tanh(-0.6) ** 2)]
        np.testing.assert_allclose(got, expected, rtol=1e-12)
        # the gradient graph is expressed on the node's inputs, not inner ones
        assert set(graph_inputs([ga, gb])) <= {a, b, g1, g2} | {
            v for v in graph_inputs([ga, gb]) if isinstance(v, Constant)
        }

    def test_grad_repeated_input(self):
        x, y = float64("x"), float64("y")
        c = Composite([x, y], [x * y])
        a = float64("a")
        out = c(a, a)
        g = float64("g")
        ga1, ga2 = c.L_op([a, a], [out], [g])
        vals = {a: np.float64(3.0), g: np.float64(1.0)}
        assert evaluate([ga1, ga2], vals) == [3.0, 3.0]

    def test_pickle_and_clone(self):
        x, y = float64("x"), float64("y")
        c = Composite([x, y], [x + sb.exp(y)])
        c.impl(1.0, 2.0)  # build the generated function first
        c2 = pickle.loads(pickle.dumps(c))
        assert c2 == c and str(c2) == str(c)
        np.testing.assert_allclose(c2.impl(1.0, 2.0), 1 + np.exp(2.0))
        c3 = c.clone()
        assert c3 == c and c3.inputs[0] is not c.inputs[0]

    def test_unpickled_composite_keeps_its_structure_key(self):
        # Hashing an unpickled Composite (graphs loaded from the rewrite
        # cache) must not walk its inner graph again; the hash itself is
        # per process and is recomputed.
        x, y = float64("x"), float64("y")
        c = Composite([x, y], [x * sb.exp(y) + 1.5])
        hash(c)
        state = c.__getstate__()
        assert "_key" in state and "_hash" not in state
        c2 = pickle.loads(pickle.dumps(c))
        assert "_key" in c2.__dict__
        assert hash(c2) == hash(c) and c2 == c
        assert c2 != Composite([x, y], [x * sb.exp(y) + 2.5])

    def test_connection_pattern(self):
        x, y = float64("x"), float64("y")
        c = Composite([x, y], [sb.exp(x), x + y])
        node = c(float64("a"), float64("b"))[0].owner
        assert c.connection_pattern(node) == [[True, True], [False, True]]


# ---------------------------------------------------------------------------
# impl on arrays (what element-wise tensor ops and Composite rely on)
# ---------------------------------------------------------------------------

_F = np.array([0.25, 0.5, 0.75])
_I = np.array([3, -7, 5], dtype="int8")
_B = np.array([True, False, True])

VECTOR_CASES = [
    (sb.add, (_F, _F, _F)),
    (sb.mul, (_F, _F, _F)),
    (sb.sub, (_F, _F[::-1])),
    (sb.true_div, (_I, np.array([2, 3, 4], dtype="int8"))),
    (sb.int_div, (_I, np.array([2, 3, -4], dtype="int8"))),
    (sb.mod, (_I, np.array([2, 3, -4], dtype="int8"))),
    (sb.pow, (_F, _F[::-1])),
    (sb.switch, (_B, _F, _F[::-1])),
    (sb.clip, (_F, np.float64(0.3), np.float64(0.6))),
    (sb.second, (_F, np.float64(2.0))),
    (sb.identity, (_F,)),
    (sb.convert_to_int8, (_F * 10,)),
    (sb.convert_to_float32, (_I,)),
    (sb.exp, (_I,)),
    (sb.sqrt, (np.abs(_I),)),
    (sb.ceil, (_I,)),
    (sb.round_half_away_from_zero, (_F * 4,)),
    (sb.complex, (_F, _F[::-1])),
    (sb.complex_from_polar, (_F, _F[::-1])),
    (sb.angle, (_I,)),
    (sb.inclosedrange, (_F, np.float64(0.3), np.float64(0.75))),
    (sb.arctan2, (_I, _F)),
    (sb.and_, (_B, _B[::-1])),
    (sb.invert, (_B,)),
]


@pytest.mark.parametrize(
    "op, args", VECTOR_CASES, ids=[str(c[0]) for c in VECTOR_CASES]
)
def test_impl_vectorizes(op, args):
    node = op.make_node(*[get_scalar_type(np.asarray(a).dtype)() for a in args])
    out_dtype = node.outputs[0].dtype
    vec = np.asarray(op.impl(*args)).astype(out_dtype)
    n = max(np.size(a) for a in args)
    for k in range(n):
        elems = [a[k] if np.ndim(a) else a for a in args]
        storage = [[None]]
        op.perform(node, elems, storage)
        assert storage[0][0].dtype == np.dtype(out_dtype)
        np.testing.assert_allclose(vec[k], storage[0][0], rtol=1e-6)


def test_grad_method_falls_back_to_L_op():
    x = float64("x")
    (g,) = sb.exp.grad([x], [constant(np.float64(1.0))])
    assert evaluate(g, {x: np.float64(0.0)}) == 1.0
    with pytest.raises(NotImplementedError, match="does not implement grad"):
        sb.ScalarOp(sb.same_out).grad([x], [x])


def test_composite_name_is_linear_in_reuse():
    # A value used twice was spelled out at each use: 2**30 terms for this
    # 60-node graph (fusion ran out of memory naming it).
    import aesara.scalar as aes_

    x = aes_.float64("x")
    y = x
    for _ in range(30):
        y = y * y + y
    c = aes_.Composite([x], [y])
    assert len(c.name) <= 1100
    assert c.name.startswith("Composite{t0=")
