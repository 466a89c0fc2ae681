"""C reductions (``ReduceThunk``): values, dtypes and layouts against the Python VM."""

from __future__ import annotations

import numpy as np
import pytest

import aesara.scalar as aes
import aesara.tensor as at
from aesara.compile.function import function
from aesara.compile.mode import Mode
from aesara.configdefaults import config
from aesara.link.c.compiler import c_compiler_available
from aesara.link.c.reduce_codegen import argmax_kernel, reduce_kernel
from aesara.tensor.elemwise import CAReduce
from aesara.tensor.math import Argmax, MaxAndArgmax
from aesara.tensor.type import tensor

pytestmark = pytest.mark.skipif(
    not c_compiler_available(), reason="needs a working C compiler"
)

CVM_MODE = Mode("cvm", "fast_run")
PY_MODE = Mode("py", "fast_run")


def _thunk_kinds(f):
    return [type(t).__name__ for t in f.vm.thunks]


def _values(rng, shape, dtype):
    dt = np.dtype(dtype)
    if dt.kind == "b":
        return rng.random(shape) > 0.4
    if dt.kind in "iu":
        lo = 0 if dt.kind == "u" else -4
        return np.asarray(rng.integers(lo, 5, size=shape), dtype=dt)
    return np.asarray(rng.normal(0.0, 2.0, shape), dtype=dt)


def _compare(build, arrays, dtypes=None, expect_c=True, exact=False):
    """Compile ``build`` for the C and Python VMs; compare on each of ``arrays``."""
    first = arrays[0]
    x = tensor(dtypes or str(first.dtype), shape=(None,) * first.ndim, name="x")
    out = build(x)
    f_c = function([x], out, mode=CVM_MODE)
    f_py = function([x], out, mode=PY_MODE)
    if expect_c:
        assert "ReduceThunk" in _thunk_kinds(f_c), _thunk_kinds(f_c)
    for a in arrays:
        exp = f_py(a)
        for _ in range(2):  # the second call may reuse the output buffer
            got = f_c(a)
            if isinstance(exp, list):
                pairs = list(zip(got, exp))
            else:
                pairs = [(got, exp)]
            for g, e in pairs:
                g, e = np.asarray(g), np.asarray(e)
                assert g.dtype == e.dtype and g.shape == e.shape
                if exact or g.dtype.kind in "biu":
                    np.testing.assert_array_equal(g, e)
                else:
                    low = np.float32 in (g.dtype, np.asarray(a).dtype)
                    rtol = 1e-4 if low else 1e-10
                    np.testing.assert_allclose(
                        g, e, rtol=rtol, atol=rtol, equal_nan=True
                    )
    return f_c


REDUCTIONS = {
    "sum": lambda x, axis: at.sum(x, axis=axis),
    "prod": lambda x, axis: at.prod(x, axis=axis),
    "max": lambda x, axis: at.max(x, axis=axis),
    "min": lambda x, axis: at.min(x, axis=axis),
    "all": lambda x, axis: at.all(x, axis=axis),
    "any": lambda x, axis: at.any(x, axis=axis),
}
# (reduction, dtype) pairs run by default; the full matrix is marked slow
# (each pair compiles its own kernel on a cold cache).
FAST_PAIRS = [
    ("sum", "float64"),
    ("sum", "float32"),
    ("sum", "int8"),
    ("sum", "uint16"),
    ("sum", "bool"),
    ("prod", "int32"),
    ("max", "float32"),
    ("max", "int64"),
    ("min", "float64"),
    ("min", "uint8"),
    ("all", "float64"),
    ("any", "int8"),
]
DTYPES = ["float64", "float32", "int64", "int32", "int8", "uint8", "uint16", "bool"]
SLOW_PAIRS = [
    pytest.param(n, d, marks=pytest.mark.slow)
    for n in sorted(REDUCTIONS)
    for d in DTYPES
    if (n, d) not in FAST_PAIRS
]


@pytest.mark.parametrize("name, dtype", FAST_PAIRS + SLOW_PAIRS)
def test_reductions_all_axes_and_dtypes(name, dtype):
    rng = np.random.default_rng(1)
    a = _values(rng, (3, 4, 5), dtype)
    for axis in (None, 0, 1, 2, (0, 2), (1, 2), (0, 1), (0, 1, 2)):
        _compare(lambda x, axis=axis: REDUCTIONS[name](x, axis), [a])


@pytest.mark.parametrize(
    "in_dtype, kwargs",
    [
        ("float64", {"dtype": "float32"}),
        ("float32", {"acc_dtype": "float32"}),
        ("int8", {"dtype": "int32", "acc_dtype": "int64"}),
        ("bool", {"dtype": "float64"}),
        ("int8", {"acc_dtype": "int16"}),
        ("float32", {}),
    ],
)
def test_sum_prod_dtype_and_acc_dtype(in_dtype, kwargs):
    rng = np.random.default_rng(2)
    a = _values(rng, (6, 7), in_dtype)
    for axis in (None, 0, 1):
        _compare(lambda x, axis=axis: at.sum(x, axis=axis, **kwargs), [a])
    _compare(lambda x: at.prod(x, axis=1, **kwargs), [a])


def test_acc_dtype_losing_precision_is_refused():
    with pytest.raises(TypeError, match="precision"):
        at.sum(at.matrix("x"), acc_dtype="float32")


@pytest.mark.parametrize(
    "scalar_op, dtype",
    [
        (aes.xor, "int32"),
        (aes.or_, "uint8"),
        (aes.and_, "int64"),
        (aes.and_, "bool"),
        (aes.add, "int8"),
        (aes.mul, "float32"),
        (aes.scalar_maximum, "uint16"),
        (aes.scalar_minimum, "int8"),
    ],
)
def test_generic_careduce(scalar_op, dtype):
    rng = np.random.default_rng(3)
    a = _values(rng, (5, 6, 3), dtype)
    for axis in (None, 1, (0, 2)):
        _compare(lambda x, axis=axis: CAReduce(scalar_op, axis=axis)(x), [a])


def test_unsupported_scalar_op_keeps_python():
    rng = np.random.default_rng(4)
    a = _values(rng, (4, 5), "float64")
    f = _compare(lambda x: CAReduce(aes.sub, axis=1)(x), [a], expect_c=False)
    assert "ReduceThunk" not in _thunk_kinds(f)


def _layouts(rng, dtype):
    base = _values(rng, (9, 12, 7), dtype)
    return [
        base,
        base[::2, 1::3, ::-1],  # strided, negative stride
        base[::-1, ::-2],  # negative strides on the outer axes
        base.transpose(2, 0, 1),
        np.broadcast_to(base[:1], (4, 12, 7)),  # zero stride
        np.broadcast_to(base[:, :, :1], (9, 12, 5)),
        base[:, :1, :],  # a length-1 axis
        np.asfortranarray(base),
    ]


@pytest.mark.parametrize("dtype", ["float64", "int16", "bool"])
@pytest.mark.parametrize("axis", [None, 0, 1, 2, (0, 2), (0, 1)])
def test_layouts(dtype, axis):
    rng = np.random.default_rng(5)
    arrays = _layouts(rng, dtype)
    for fn in (at.sum, at.max, at.min):
        _compare(lambda x, fn=fn: fn(x, axis=axis), arrays)
    _compare(lambda x: at.argmax(x, axis=axis), arrays)


def test_0d_and_length_one():
    for a in (np.asarray(2.5), np.ones((1, 1, 1))):
        for fn in (at.sum, at.max, at.any):
            _compare(lambda x, fn=fn: fn(x), [a])
    _compare(lambda x: at.sum(x, axis=1), [np.ones((3, 1, 2), dtype="float64")])
    _compare(lambda x: at.sum(x), [np.asarray(-3, dtype="int8")])


def test_empty_inputs_follow_perform():
    e = np.zeros((0, 3))
    for fn in (at.sum, at.prod, at.all, at.any):
        for axis in (None, 0, 1):
            _compare(lambda x, fn=fn, axis=axis: fn(x, axis=axis), [e])
    x = at.matrix("x")
    for fn in (at.max, at.min):
        # A non-empty output from zero elements: no identity, like NumPy.
        f_c = function([x], fn(x, axis=0), mode=CVM_MODE)
        f_py = function([x], fn(x, axis=0), mode=PY_MODE)
        assert "ReduceThunk" in _thunk_kinds(f_c)
        for f in (f_c, f_py):
            with pytest.raises(ValueError, match="identity"):
                f(e)
        # An empty output is fine.
        assert function([x], fn(x, axis=1), mode=CVM_MODE)(e).shape == (0,)
    f = function([x], at.argmax(x, axis=0), mode=CVM_MODE)
    with pytest.raises(ValueError):
        f(e)


def test_nan_propagation():
    a = np.arange(24.0).reshape(4, 6)
    a[1, 2] = np.nan
    a[3, 5] = np.nan
    big = np.random.default_rng(6).normal(size=(3, 5000))
    big[1, 4321] = np.nan
    for arr in (a, a.T, big):
        for axis in (None, 0, 1):
            for fn in (at.max, at.min):
                _compare(lambda x, fn=fn, axis=axis: fn(x, axis=axis), [arr])
            _compare(lambda x, axis=axis: at.argmax(x, axis=axis), [arr])
            _compare(lambda x, axis=axis: at.argmin(x, axis=axis), [arr])


@pytest.mark.parametrize("dtype", ["float64", "float32", "int32", "uint8", "bool"])
def test_argmax_and_max_and_argmax(dtype):
    rng = np.random.default_rng(7)
    a = _values(rng, (4, 5, 6), dtype)  # many ties: the first one wins
    arrays = [a, a[::-1, :, ::2], a.transpose(1, 2, 0)]
    for axis in (None, 0, 2, (0, 2), (1, 2), (-1, 0)):
        _compare(lambda x, axis=axis: at.argmax(x, axis=axis), arrays)
        _compare(lambda x, axis=axis: at.argmin(x, axis=axis), arrays)
        _compare(lambda x, axis=axis: at.max_and_argmax(x, axis=axis), arrays)


def test_argmax_ops_get_c_thunks():
    x = at.matrix("x")
    for op in (Argmax((1,)), MaxAndArgmax((0,))):
        f = function([x], op(x), mode=CVM_MODE)
        assert _thunk_kinds(f) == ["ReduceThunk"]


def test_fused_reduction_is_one_c_node():
    rng = np.random.default_rng(8)
    a = rng.normal(size=(40, 300))
    for build in (
        lambda x: at.sum(at.exp(x), axis=0),
        lambda x: at.sum(at.exp(x), axis=1),
        lambda x: at.sum(at.sqr(x)),
        lambda x: at.max(at.abs(x), axis=1),
        lambda x: at.prod(at.cos(x) + 2.0, axis=0),
    ):
        f = _compare(build, [a, a[::-2, ::3]])
        nodes = f.maker.fgraph.toposort()
        assert len(nodes) == 1 and isinstance(nodes[0].op, CAReduce), nodes
        assert type(nodes[0].op.scalar_op).__name__ == "Composite"
        assert _thunk_kinds(f) == ["ReduceThunk"]


def test_fused_reduction_float32_accumulates_wide():
    a = np.random.default_rng(9).normal(size=(50, 70)).astype("float32")
    _compare(lambda x: at.sum(at.exp(x), axis=1), [a])
    _compare(lambda x: at.sum(at.exp(x), dtype="float64"), [a])


def _threads_vs_serial(build, arrays):
    x = tensor(str(arrays[0].dtype), shape=(None,) * arrays[0].ndim, name="x")
    with config.change_flags(openmp=True, openmp_elemwise_minsize=1000):
        f_t = function([x], build(x), mode=CVM_MODE)
    with config.change_flags(openmp=False):
        f_s = function([x], build(x), mode=CVM_MODE)
    assert f_t.vm.thunks[-1].thread_min == 1000
    assert f_s.vm.thunks[-1].thread_min < 0
    for a in arrays:
        r_t, r_s = np.asarray(f_t(a)), np.asarray(f_s(a))
        # Bit-identical, not merely close.
        assert r_t.tobytes() == r_s.tobytes()


def test_threads_on_and_off_are_bit_identical():
    rng = np.random.default_rng(10)
    m = rng.normal(size=(300, 700))
    v = rng.normal(size=100_003)
    arrays2 = [m, m.T, m[::-1, ::2], np.asfortranarray(m)]
    for axis in (None, 0, 1):
        _threads_vs_serial(lambda x, axis=axis: at.sum(x, axis=axis), arrays2)
        _threads_vs_serial(lambda x, axis=axis: at.sum(at.exp(x), axis=axis), arrays2)
        _threads_vs_serial(lambda x, axis=axis: at.argmax(x, axis=axis), arrays2)
    _threads_vs_serial(lambda x: at.sum(x), [v, v[::-3]])
    _threads_vs_serial(lambda x: at.prod(1.0 + x * 1e-3), [v])
    _threads_vs_serial(lambda x: at.max(x), [v])


def test_large_values_match_numpy():
    rng = np.random.default_rng(11)
    v = rng.normal(size=50_001)
    x = at.vector("x")
    f = function([x], [at.sum(x), at.max(x), at.min(x)], mode=CVM_MODE)
    s, mx, mn = f(v)
    np.testing.assert_allclose(s, v.sum(), rtol=1e-12)
    assert mx == v.max() and mn == v.min()
    i = at.vector("i", dtype="int32")
    g = function([i], at.sum(i), mode=CVM_MODE)
    iv = rng.integers(-(2**31), 2**31 - 1, size=10_000).astype("int32")
    assert g(iv) == iv.sum(dtype="int64")


def test_kernel_sources():
    src = reduce_kernel(aes.add, "float64", "float64", "float64").source
    assert "aesara_reduce" in src and "aesara_reduce_finish" in src
    assert "aesara_argmax" in argmax_kernel("int8").source
    with pytest.raises(NotImplementedError):
        reduce_kernel(aes.sub, "float64", "float64", "float64")
    with pytest.raises(NotImplementedError):
        reduce_kernel(aes.add, "complex128", "complex128", "complex128")


def test_unexpected_input_uses_python_thunk():
    x = at.matrix("x")
    f = function([x], at.sum(x, axis=0), mode=CVM_MODE)
    (thunk,) = f.vm.thunks
    # Byte-swapped input: the Python thunk computes it.
    a = np.arange(6.0).reshape(2, 3).astype(">f8")
    cell = thunk.inputs[0]
    cell[0] = a
    thunk()
    np.testing.assert_allclose(thunk.outputs[0][0], a.sum(axis=0))


# -- reductions of multi-input element-wise functions (FusedCAReduce) -------


def _compare_n(build, cases, exact=False):
    """Like ``_compare`` for graphs of several inputs; ``cases`` are tuples of arrays."""
    from aesara.tensor.fused_reduce import FusedCAReduce

    first = cases[0]
    xs = [
        tensor(str(a.dtype), shape=(None,) * a.ndim, name=f"x{k}")
        for k, a in enumerate(first)
    ]
    out = build(*xs)
    f_c = function(xs, out, mode=CVM_MODE)
    f_py = function(xs, out, mode=PY_MODE)
    nodes = f_c.maker.fgraph.toposort()
    assert any(isinstance(n.op, FusedCAReduce) for n in nodes), nodes
    assert "ReduceThunk" in _thunk_kinds(f_c), _thunk_kinds(f_c)
    for arrays in cases:
        exp = np.asarray(f_py(*arrays))
        for _ in range(2):
            got = np.asarray(f_c(*arrays))
            assert got.dtype == exp.dtype and got.shape == exp.shape
            if exact or got.dtype.kind in "biu":
                np.testing.assert_array_equal(got, exp)
            else:
                low = any(np.asarray(a).dtype == np.float32 for a in arrays)
                rtol = 1e-5 if low else 1e-10
                np.testing.assert_allclose(
                    got, exp, rtol=rtol, atol=rtol, equal_nan=True
                )
    return f_c


def _pair_layouts(rng, dtype_x, dtype_y):
    x = _values(rng, (9, 12, 7), dtype_x)
    y = _values(rng, (9, 12, 7), dtype_y)
    return [
        (x, y),
        (x[::2, 1::3, ::-1], y[::2, 1::3, ::-1]),  # strided, one axis backwards
        (x[::-1, ::-2], y[::-1, ::-2]),
        (x.transpose(2, 0, 1), np.ascontiguousarray(y.transpose(2, 0, 1))),
        (np.asfortranarray(x), y),  # the inputs walk memory in different orders
        (x, y[:1]),  # runtime broadcasting of a length-1 axis
        (x[:, :1], y),
        (np.broadcast_to(x[:1], (4, 12, 7)), y[:4]),  # zero stride
        (x[:, :, :1], y[:, :, :1]),
    ]


@pytest.mark.parametrize("axis", [None, 0, 1, 2, (0, 2), (0, 1)])
def test_multi_input_fused_layouts(axis):
    rng = np.random.default_rng(21)
    cases = _pair_layouts(rng, "float64", "float64")
    _compare_n(lambda x, y: at.sum(at.exp(x) * y, axis=axis), cases)
    _compare_n(lambda x, y: at.max(x - 2.0 * y, axis=axis), cases)
    _compare_n(lambda x, y: at.prod(1.0 + 0.01 * x * y, axis=axis), cases)


@pytest.mark.parametrize(
    "dx, dy", [("float32", "float32"), ("int8", "bool"), ("int32", "int64")]
)
def test_multi_input_fused_dtypes(dx, dy):
    rng = np.random.default_rng(22)
    cases = _pair_layouts(rng, dx, dy)[:5]
    for axis in (None, 1, (0, 2)):
        _compare_n(lambda x, y, axis=axis: at.sum(x * y, axis=axis), cases)
        _compare_n(lambda x, y, axis=axis: at.min(x + y, axis=axis), cases)


def test_multi_input_fused_three_inputs_and_vector_broadcast():
    rng = np.random.default_rng(23)
    X = rng.normal(size=(50, 30))
    w = rng.normal(size=30)
    b = rng.normal(size=(50, 1))
    x, v, c = at.matrix("x"), at.vector("v"), at.matrix("c")
    for axis in (None, 0, 1):
        out = at.sum(at.log1p(at.exp(x * v + c)), axis=axis)
        f_c = function([x, v, c], out, mode=CVM_MODE)
        f_py = function([x, v, c], out, mode=PY_MODE)
        assert _thunk_kinds(f_c).count("ReduceThunk") == 1
        for args in ((X, w, b), (X[::-1, ::2], w[::2], b[::-1])):
            np.testing.assert_allclose(f_c(*args), f_py(*args), rtol=1e-10)


def test_multi_input_fused_bad_and_empty_shapes():
    x, y = at.matrix("x"), at.matrix("y")
    f_sum = function([x, y], at.sum(x * y, axis=0), mode=CVM_MODE)
    f_max = function([x, y], at.max(x + y, axis=0), mode=CVM_MODE)
    assert "ReduceThunk" in _thunk_kinds(f_sum)
    with pytest.raises(ValueError, match="broadcast"):
        f_sum(np.ones((3, 4)), np.ones((2, 4)))
    # Empty inputs follow perform: a sum of nothing is 0, a max is an error.
    np.testing.assert_array_equal(f_sum(np.ones((0, 4)), np.ones((1, 4))), np.zeros(4))
    with pytest.raises(ValueError, match="identity"):
        f_max(np.ones((0, 4)), np.ones((0, 4)))
    # The thunk still works on good inputs afterwards.
    np.testing.assert_array_equal(
        f_sum(np.ones((3, 4)), np.ones((1, 4))), np.full(4, 3.0)
    )


def test_multi_input_threads_on_and_off_are_bit_identical():
    rng = np.random.default_rng(24)
    m = rng.normal(size=(300, 700))
    n = rng.normal(size=(300, 700))
    v = rng.normal(size=700)
    for axis in (None, 0, 1):
        for args in ((m, n), (m.T, n.T), (m[::-1, ::2], n[::-1, ::2]), (m, v[None, :])):
            a0, a1 = args
            xs = [tensor("float64", shape=(None, None), name=f"x{k}") for k in range(2)]
            out = at.sum(at.exp(xs[0]) * xs[1], axis=axis)
            with config.change_flags(openmp=True, openmp_elemwise_minsize=1000):
                f_t = function(xs, out, mode=CVM_MODE)
            with config.change_flags(openmp=False):
                f_s = function(xs, out, mode=CVM_MODE)
            assert (
                np.asarray(f_t(a0, a1)).tobytes() == np.asarray(f_s(a0, a1)).tobytes()
            )
    big = rng.normal(size=100_003)
    x, y = at.vector("x"), at.vector("y")
    with config.change_flags(openmp=True, openmp_elemwise_minsize=1000):
        f_t = function([x, y], at.sum(x * y), mode=CVM_MODE)
    with config.change_flags(openmp=False):
        f_s = function([x, y], at.sum(x * y), mode=CVM_MODE)
    assert f_t(big, big[::-1]).tobytes() == f_s(big, big[::-1]).tobytes()


def test_multi_input_kernel_source_and_abi():
    import aesara.scalar.basic as sb

    acc, a, b = sb.float64(), sb.float64(), sb.int8()
    comp = sb.Composite([acc, a, b], [sb.add(acc, a * b)])
    src = reduce_kernel(comp, ["float64", "int8"], "float64", "float64").source
    assert "#define AE_NX 2" in src and "typedef int8_t x1_t;" in src
    with pytest.raises(NotImplementedError, match="input"):
        reduce_kernel(comp, ["float64"], "float64", "float64")
