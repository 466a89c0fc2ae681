"""Tests of the arithmetic canonicalisation, useless-op and specialisation rewrites."""

import numpy as np
import pytest

import aesara
import aesara.scalar.basic as aes
import aesara.tensor as at
from aesara.compile.mode import Mode, get_default_mode
from aesara.configdefaults import config
from aesara.graph.basic import Constant
from aesara.graph.fg import FunctionGraph
from aesara.tensor.elemwise import Elemwise
from aesara.tensor.rewriting.math import (
    AlgebraicCanonizer,
    broadcast_like,
    get_constant,
    is_neg,
    local_add_canonizer,
    local_mul_canonizer,
)

REF = Mode(linker="py", optimizer=None)


@pytest.fixture(autouse=True)
def _raise_on_rewrite_errors():
    # A rewrite that fails silently would make these tests pass vacuously.
    with config.change_flags(on_opt_error="raise"):
        yield


def _compile(inputs, out, mode=None):
    return aesara.function(
        inputs, out, mode=mode or get_default_mode(), on_unused_input="ignore"
    )


def _scalar_ops(f):
    return [
        n.op.scalar_op for n in f.maker.fgraph.toposort() if isinstance(n.op, Elemwise)
    ]


def _op_names(f):
    out = []
    for n in f.maker.fgraph.toposort():
        if isinstance(n.op, Elemwise):
            out.append(type(n.op.scalar_op).__name__)
        else:
            out.append(type(n.op).__name__)
    return out


def _check_same(inputs, out, values, mode=None, rtol=1e-7):
    """Compile with rewrites and without; results, dtypes and shapes must agree."""
    f = _compile(inputs, out, mode)
    g = aesara.function(inputs, out, mode=REF, on_unused_input="ignore")
    got = f(*values)
    want = g(*values)
    assert np.asarray(got).dtype == np.asarray(want).dtype
    assert np.shape(got) == np.shape(want)
    np.testing.assert_allclose(got, want, rtol=rtol, equal_nan=True)
    assert f.maker.fgraph.outputs[0].type.dtype == out.type.dtype
    return f


rng = np.random.default_rng(42)
XV = rng.uniform(0.5, 2.0, size=(3,))
YV = rng.uniform(0.5, 2.0, size=(3,))
MV = rng.uniform(0.5, 2.0, size=(2, 3))


# ---------------------------------------------------------------------------
# The examples of the issue
# ---------------------------------------------------------------------------


def test_mul_div_cancels_to_y():
    x, y = at.dvectors("x", "y")
    f = _check_same([x, y], x * y / x, [XV, YV])
    assert f.maker.fgraph.apply_nodes == set() or _scalar_ops(f) == []


def test_x_minus_x_is_zeros_of_x_shape():
    x = at.dvector("x")
    f = _check_same([x], x - x, [XV])
    assert aes.sub not in _scalar_ops(f)
    np.testing.assert_array_equal(f(np.arange(5.0)), np.zeros(5))


def test_neg_neg():
    x = at.dvector("x")
    neg_x = -x
    f = _check_same([x], -neg_x, [XV])
    assert _scalar_ops(f) == []


def test_mul_one_add_zero():
    x = at.dvector("x")
    for out in (x * 1, 1 * x, x + 0, 0 + x, x - 0, x / 1, x**1):
        f = _check_same([x], out, [XV])
        assert _scalar_ops(f) == [], out


def test_add_sub_cancel():
    x, y = at.dvectors("x", "y")
    f = _check_same([x, y], (x + y) - y, [XV, YV])
    assert _scalar_ops(f) == []


def test_constants_folded():
    x = at.dvector("x")
    f = _check_same([x], 2 * x * 3, [XV])
    nodes = f.maker.fgraph.toposort()
    assert len(nodes) == 1 and nodes[0].op.scalar_op == aes.mul
    consts = [i for i in nodes[0].inputs if isinstance(i, Constant)]
    assert len(consts) == 1 and np.all(consts[0].data == 6)


def test_x_div_x_is_ones():
    x = at.dvector("x")
    f = _check_same([x], x / x, [XV])
    assert aes.true_div not in _scalar_ops(f)
    np.testing.assert_array_equal(f(np.arange(1.0, 5.0)), np.ones(4))


# ---------------------------------------------------------------------------
# The canonizer
# ---------------------------------------------------------------------------


def _canonize(out, canonizer):
    fg = FunctionGraph(outputs=[out], clone=False)
    node = out.owner
    return canonizer.transform(fg, node)


def test_canonizer_get_num_denum():
    x, y, z = at.dvectors("x", "y", "z")
    out = (x * y) / (z * at.reciprocal(x))
    num, denum = local_mul_canonizer.get_num_denum(out)
    assert num == [x, y, x] and denum == [z]
    out = (x + y) - (z - x)
    num, denum = local_add_canonizer.get_num_denum(out)
    assert num == [x, y, x] and denum == [z]


def test_canonizer_fires_only_on_root():
    x, y = at.dvectors("x", "y")
    inner = x * y
    out = inner * x
    fg = FunctionGraph(outputs=[out], clone=False)
    assert local_mul_canonizer.transform(fg, inner.owner) is False
    assert local_mul_canonizer.transform(fg, out.owner) is not False


def test_canonizer_fixed_point():
    x, y = at.dvectors("x", "y")
    assert _canonize(x * y, local_mul_canonizer) is False
    assert _canonize(x / y, local_mul_canonizer) is False
    assert _canonize(x - y, local_add_canonizer) is False


def test_canonizer_flattens():
    x, y, z = at.dvectors("x", "y", "z")
    (new,) = _canonize((x * y) * z, local_mul_canonizer)
    assert new.owner.op.scalar_op == aes.mul and new.owner.inputs == [x, y, z]


def test_canonizer_class_custom():
    can = AlgebraicCanonizer(
        aes.add, aes.sub, aes.neg, lambda n, d, dt: np.asarray(0), 0, name="my"
    )
    assert str(can) == "my"
    x, y = at.dvectors("x", "y")
    (new,) = _canonize((x + y) - x, can)
    assert new is y


@pytest.mark.parametrize(
    "build",
    [
        lambda x, y, m, s: m * s / s,  # the cancelled scalar did not broadcast
        lambda x, y, m, s: x * m / m,  # the cancelled matrix made it 2-d
        lambda x, y, m, s: (m + x) - m,
        lambda x, y, m, s: x * y / x * 2 / 4,
        lambda x, y, m, s: (x * 2) / (x * 4) + m,
        lambda x, y, m, s: s / s,
        lambda x, y, m, s: m - m,
        lambda x, y, m, s: -(x - y) + x,
        lambda x, y, m, s: at.reciprocal(at.reciprocal(x)),
        lambda x, y, m, s: (x / y) / (x / y),
        lambda x, y, m, s: x - (-y),
    ],
)
def test_canonizer_values_and_broadcasting(build):
    x, y = at.dvectors("x", "y")
    m = at.dmatrix("m")
    s = at.dscalar("s")
    out = build(x, y, m, s)
    _check_same([x, y, m, s], out, [XV, YV, MV, 1.7])


def test_cancelled_term_keeps_output_shape():
    x = at.dvector("x")
    m = at.dmatrix("m")
    f = _check_same([x, m], x * m / m, [XV, MV])
    assert f(XV, MV).shape == (2, 3)


def test_int_and_float_mix():
    i = at.lvector("i")
    j = at.lvector("j")
    x = at.dvector("x")
    iv = np.array([1, 2, 3])
    jv = np.array([4, 5, 6])
    f = _check_same([i, j, x], i * j / i, [iv, jv, XV])
    assert aes.true_div not in _scalar_ops(f)
    _check_same([i, j, x], i * x / i + j, [iv, jv, XV])
    _check_same([i, j, x], (i + j) - j, [iv, jv, XV])
    _check_same([i, j, x], i * 2 * 3, [iv, jv, XV])
    _check_same([i, j, x], i / 2, [iv, jv, XV])


def test_int_subtrees_of_other_dtype_not_merged():
    # int8 arithmetic wraps; merging it into an int64 sum would not.
    a = at.bvector("a")
    b = at.lvector("b")
    out = (a + a) + b
    av = np.array([100, -100], dtype="int8")
    bv = np.array([1, 2])
    f = _check_same([a, b], out, [av, bv])
    np.testing.assert_array_equal(f(av, bv), (av + av).astype("int64") + bv)


def test_float32_stays_float32():
    x = at.fvector("x")
    out = x * 2 * 3 / x
    f = _check_same([x], out, [XV.astype("float32")], rtol=1e-6)
    assert f.maker.fgraph.outputs[0].type.dtype == "float32"


def test_unsigned_left_alone_by_add_canonizer():
    u = at.vector("u", dtype="uint8")
    out = (u - 3) + 3
    uv = np.array([0, 1, 200], dtype="uint8")
    _check_same([u], out, [uv])


def test_canonizer_deep_graph_bounded():
    x = at.dvector("x")
    out = x
    for _ in range(12):
        out = out * out
    f = _compile([x], out)
    vals = np.array([1.0, 1.01])
    np.testing.assert_allclose(f(vals), vals ** (2**12))


# ---------------------------------------------------------------------------
# Useless arithmetic
# ---------------------------------------------------------------------------


def test_mul_zero():
    x = at.dmatrix("x")
    s = at.dscalar("s")
    f = _check_same([x, s], x * 0 * s, [MV, 2.0])
    assert aes.mul not in _scalar_ops(f)


def test_mul_zero_broadcast_shape():
    x = at.dvector("x")
    z = at.zeros((2, 1))
    f = _check_same([x], x * z, [XV])
    assert f(XV).shape == (2, 3)


def test_useless_neutral_broadcasting_constant():
    x = at.dvector("x")
    ones = at.constant(np.ones((2, 1)))
    f = _check_same([x], x * ones, [XV])
    assert f(XV).shape == (2, 3)
    zeros = at.constant(np.zeros((2, 3)))
    f = _check_same([x], x + zeros, [XV])
    assert f(XV).shape == (2, 3)


def test_useless_neutral_int_to_float():
    i = at.lvector("i")
    f = _check_same([i], i * 1.0, [np.array([1, 2, 3])])
    assert aes.mul not in _scalar_ops(f)
    _check_same([i], i / 1, [np.array([1, 2, 3])])


@pytest.mark.parametrize("mode", ["FAST_RUN", "FAST_COMPILE"])
def test_useless_in_both_modes(mode):
    x = at.dvector("x")
    f = _check_same([x], (x + 0) * 1, [XV], mode=mode)
    assert aes.mul not in _scalar_ops(f) and aes.add not in _scalar_ops(f)


def test_abs_abs_and_abs_neg():
    x = at.dvector("x")
    v = np.array([-1.5, 0.0, 2.0])
    f = _check_same([x], abs(abs(x)), [v])
    assert _scalar_ops(f).count(aes.abs) == 1
    f = _check_same([x], abs(-x), [v])
    assert _scalar_ops(f) == [aes.abs]


def test_inv_inv():
    x = at.dvector("x")
    f = _check_same([x], at.reciprocal(at.reciprocal(x)), [XV])
    assert _scalar_ops(f) == []


def test_sqrt_sqr():
    x = at.dvector("x")
    v = np.array([-2.0, 0.0, 3.0])
    f = _check_same([x], at.sqrt(at.sqr(x)), [v])
    assert _scalar_ops(f) == [aes.abs]
    f = _check_same([x], at.sqr(at.sqrt(x)), [v])
    assert aes.sqrt not in _scalar_ops(f)
    assert np.isnan(f(v)[0])


def test_bool_identities():
    b = at.vector("b", dtype="bool")
    c = at.vector("c", dtype="bool")
    bv = np.array([True, False, True])
    cv = np.array([False, False, True])
    T, F = np.bool_(True), np.bool_(False)
    for out in (at.and_(b, T), at.or_(b, F), at.xor(b, F)):
        f = _check_same([b, c], out, [bv, cv])
        assert _scalar_ops(f) == [], out
    for out in (at.and_(b, F), at.or_(b, T), at.xor(b, b)):
        f = _check_same([b, c], out, [bv, cv])
        assert not any(
            isinstance(s, (aes.AND, aes.OR, aes.XOR)) for s in _scalar_ops(f)
        ), out


def test_bool_identities_skip_integers():
    i = at.lvector("i")
    f = _check_same([i], at.and_(i, 1), [np.array([1, 2, 3])])
    assert any(isinstance(s, aes.AND) for s in _scalar_ops(f))


def test_pow_zero_and_one():
    x = at.dmatrix("x")
    f = _check_same([x], x**0, [MV])
    assert aes.pow not in _scalar_ops(f)
    np.testing.assert_array_equal(f(MV), np.ones_like(MV))
    f = _check_same([x], x**1, [MV])
    assert _scalar_ops(f) == []


# ---------------------------------------------------------------------------
# Specialisation
# ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "power, expected",
    [
        (2, [aes.sqr]),
        (0.5, [aes.sqrt]),
        (-1, [aes.reciprocal]),
        (-0.5, [aes.sqrt, aes.reciprocal]),
        (-2, [aes.sqr, aes.reciprocal]),
    ],
)
def test_pow_specialize(power, expected):
    x = at.dvector("x")
    f = _check_same([x], x**power, [XV])
    ops = _scalar_ops(f)
    assert aes.pow not in ops
    flat = []
    for op in ops:
        flat.extend(
            [n.op for n in op.fgraph.toposort()] if hasattr(op, "fgraph") else [op]
        )
    for e in expected:
        assert e in flat, (power, ops)


@pytest.mark.parametrize("power", [3, 4, 5, 7, 16, -3, -5])
def test_pow_specialize_device_integer_powers(power):
    x = at.dvector("x")
    f = _check_same([x], x**power, [XV], rtol=1e-12)
    assert aes.pow not in _scalar_ops(f)


def test_pow_specialize_int_input():
    i = at.bvector("i")
    iv = np.array([1, 2, 3, -4], dtype="int8")
    f = _check_same([i], i**2, [iv])
    assert aes.pow not in _scalar_ops(f)
    _check_same([i], i**2.0, [np.array([100, 20], dtype="int8")])
    _check_same([i], i**0.5, [np.array([1, 4], dtype="int8")])
    _check_same([i], i**3, [iv])


def test_pow_large_or_fractional_untouched():
    x = at.dvector("x")
    f = _check_same([x], x**1000, [np.array([1.0, 1.001])])
    assert aes.pow in _scalar_ops(f)
    f = _check_same([x], x**2.5, [XV])
    assert aes.pow in _scalar_ops(f)


def test_mul_specialize_neg():
    x = at.dvector("x")
    y = at.dvector("y")
    f = _check_same([x, y], -1 * x, [XV, YV])
    assert _scalar_ops(f) == [aes.neg]
    f = _check_same([x, y], -x * y, [XV, YV])
    assert aes.neg in _scalar_ops(f) or any(
        isinstance(s, aes.Composite) for s in _scalar_ops(f)
    )


def test_mul_to_sqr():
    x = at.dvector("x")
    f = _check_same([x], x * x, [XV])
    assert _scalar_ops(f) == [aes.sqr]


def test_neg_to_mul_in_canonical_form():
    x = at.dvector("x")
    fg = FunctionGraph([x], [-x])
    from aesara.graph.rewriting.utils import rewrite_graph

    out = rewrite_graph(fg, include=("canonicalize",)).outputs[0]
    assert out.owner.op.scalar_op == aes.mul
    assert is_neg(out) is fg.inputs[0]


def test_add_specialize_drops_zero():
    from aesara.tensor.rewriting.math import local_add_specialize

    x = at.dvector("x")
    z = at.constant(np.zeros((1,)))
    out = at.add(x, z)
    fg = FunctionGraph([x], [out], clone=False)
    (new,) = local_add_specialize.transform(fg, out.owner)
    assert new is x


# ---------------------------------------------------------------------------
# Helpers
# ---------------------------------------------------------------------------


def test_get_constant():
    assert get_constant(at.constant(3.0)) == 3.0
    assert get_constant(at.constant(np.ones((1, 1)) * 2)) == 2.0
    # A constant of several elements (even equal) is not a scalar term.
    assert get_constant(at.constant(np.ones(3))) is None
    assert get_constant(at.dscalar()) is None


def test_broadcast_like():
    x = at.dvector("x")
    m = at.dmatrix("m")
    out = x * m
    new = broadcast_like(x, out, [x, m])
    assert new.type.ndim == 2 and new.owner.op.scalar_op == aes.second
    i = at.lvector("i")
    new = broadcast_like(i, x + i, [x, i])
    assert new.type.dtype == "float64"


def test_int_div_by_one_of_float_is_floor():
    x = at.dvector("x")
    f = _check_same([x], x // 1, [np.array([1.5, -2.5, 3.0])])
    np.testing.assert_array_equal(f(np.array([1.5, -2.5])), [1.0, -3.0])
    i = at.lvector("i")
    f = _check_same([i], i // 1, [np.array([3, -4])])
    assert _scalar_ops(f) == []


def test_sqrt_sqr_of_int_untouched():
    i = at.bvector("i")
    iv = np.array([100, -3], dtype="int8")
    f = _check_same([i], at.sqrt(at.sqr(i)), [iv])
    assert aes.abs not in _scalar_ops(f)
