"""C thunks of structural ops (views, indexing, cumsum, softmax) against ``perform``.

Most tests build one node, run it through its ``StructThunk`` and through
the op's Python thunk on separate storage, and compare values, dtypes,
shapes, strides and whether the output shares memory with the input. Error
cases must raise the same exception type and message as ``perform``.
"""

from __future__ import annotations

import numpy as np
import pytest

import aesara.tensor as at
from aesara.compile.function import function
from aesara.compile.mode import Mode
from aesara.link.c.compiler import c_compiler_available
from aesara.link.c.registry import build_plans, plan_for
from aesara.scalar.basic import int64 as s_int64
from aesara.tensor.basic import Alloc
from aesara.tensor.elemwise import DimShuffle
from aesara.tensor.extra_ops import CumOp
from aesara.tensor.shape import Reshape, Shape, Shape_i, SpecifyShape
from aesara.tensor.special import LogSoftmax, Softmax, SoftmaxGrad
from aesara.tensor.subtensor import IncSubtensor, Subtensor
from aesara.tensor.subtensor_advanced import AdvancedIncSubtensor1, AdvancedSubtensor1
from aesara.tensor.type import TensorType, lscalar, lvector, tensor

pytestmark = pytest.mark.skipif(
    not c_compiler_available(), reason="needs a working C compiler"
)

CVM_MODE = Mode("cvm", "fast_run")
PY_MODE = Mode("py", "fast_run")


def _storage(node, values):
    storage = {v: [val] for v, val in zip(node.inputs, values)}
    compute = {v: [True] for v in node.inputs}
    for o in node.outputs:
        storage[o] = [None]
        compute[o] = [False]
    return storage, compute


def c_thunk(node, values):
    """The node's ``StructThunk`` on fresh cells holding ``values``."""
    plan = plan_for(node)
    assert plan is not None, f"no C plan for {node}"
    artifact = build_plans([plan])[plan.key]
    assert artifact is not None
    storage, compute = _storage(node, values)
    thunk = plan.make(artifact, node, storage, compute, [])
    assert type(thunk).__name__ == "StructThunk"
    return thunk, storage[node.outputs[0]]


def run_c(node, *values, expect_c=True):
    thunk, out = c_thunk(node, values)
    thunk()
    if expect_c:
        assert (thunk.calls, thunk.py_calls) == (1, 0), "the C path did not run"
    return out[0]


def run_py(node, *values):
    storage, compute = _storage(node, values)
    node.op.make_thunk(node, storage, compute, [], impl="py")()
    return storage[node.outputs[0]][0]


def _copy(v):
    return v.copy() if isinstance(v, np.ndarray) else v


def check(node, *values, expect_c=True, exact=True):
    """Run both ways (on copies for ops that write) and compare everything."""
    destroys = bool(getattr(node.op, "destroy_map", None))
    c_in = [_copy(v) for v in values] if destroys else list(values)
    py_in = [_copy(v) for v in values] if destroys else list(values)
    r = run_c(node, *c_in, expect_c=expect_c)
    e = run_py(node, *py_in)
    assert type(r) is type(e)
    assert r.dtype == e.dtype and r.shape == e.shape
    if exact:
        np.testing.assert_array_equal(r, e)
    else:
        tol = 1e-5 if r.dtype == np.float32 else 1e-12
        np.testing.assert_allclose(r, e, rtol=tol, atol=tol, equal_nan=True)
    x = values[0]
    if isinstance(x, np.ndarray) and not destroys:
        assert np.shares_memory(r, x) == np.shares_memory(e, x)
        if np.shares_memory(r, x):
            assert r.strides == e.strides
            assert r.flags.writeable == e.flags.writeable
    if destroys:
        # In-place ops return their (modified) first input, like perform.
        assert (r is c_in[0]) == (e is py_in[0])
        np.testing.assert_array_equal(c_in[0], py_in[0])
    return r


def check_error(node, *values):
    """The C thunk raises what ``perform`` raises."""
    with pytest.raises(Exception) as py_err:
        run_py(node, *[_copy(v) for v in values])
    c_in = [_copy(v) for v in values]
    thunk, _ = c_thunk(node, c_in)
    with pytest.raises(type(py_err.value)) as c_err:
        thunk()
    assert str(c_err.value) == str(py_err.value)
    return c_err.value, c_in


def layouts(a):
    """``a`` (C order), a non-contiguous view and a negative-stride view of equal shape."""
    if a.ndim == 0:
        return [a, a.copy()]
    big = np.repeat(a, 2, axis=-1)
    rev = np.ascontiguousarray(a[(slice(None, None, -1),) * a.ndim])
    return [a, big[..., ::2], rev[(slice(None, None, -1),) * a.ndim]]


# ---------------------------------------------------------------------------
# Views: DimShuffle, Reshape, Subtensor
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("inplace", [True, False])
@pytest.mark.parametrize(
    "bcast, order",
    [
        ((False, False), (1, 0)),
        ((False, False), ("x", 0, "x", 1)),
        ((False, True), (0,)),
        ((True, False, False), (2, "x", 1)),
        ((), ("x", "x")),
    ],
)
def test_dimshuffle(bcast, order, inplace):
    x = tensor("float64", shape=tuple(1 if b else None for b in bcast))
    node = DimShuffle(bcast, order, inplace=inplace)(x).owner
    shape = tuple(1 if b else 3 + i for i, b in enumerate(bcast))
    for v in layouts(
        np.arange(np.prod(shape, dtype=int), dtype="float64").reshape(shape)
    ):
        r = check(node, v)
        assert np.shares_memory(r, v) == (inplace and v.size > 0)
        if not inplace:
            assert r.flags.c_contiguous


def test_dimshuffle_readonly_input_gives_readonly_view():
    x = at.matrix("x", dtype="int32")
    node = x.T.owner
    v = np.arange(6, dtype="int32").reshape(2, 3)
    v.flags.writeable = False
    assert not check(node, v).flags.writeable


def test_dimshuffle_of_non_array_runs_python():
    x = at.scalar("x", dtype="float64")
    node = DimShuffle((), ("x",))(x).owner
    r = run_c(node, 2.0, expect_c=False)
    assert r.shape == (1,)


@pytest.mark.parametrize(
    "shape_in, new",
    [
        ((2, 6), (3, 4)),
        ((2, 6), (-1, 3)),
        ((12,), (2, -1, 3)),
        ((1,), ()),
        ((2, 3), (6,)),
    ],
)
def test_reshape(shape_in, new):
    x = tensor("float32", shape=(None,) * len(shape_in))
    s = lvector("s")
    node = Reshape(len(new))(x, s).owner
    a = np.arange(np.prod(shape_in), dtype="float32").reshape(shape_in)
    for v in layouts(a):
        check(node, v, np.array(new, dtype="int64"))
    # A shape vector of another integer type and layout.
    s32 = at.vector("s32", dtype="int32")
    node32 = Reshape(len(new))(x, s32).owner
    check(node32, a, np.repeat(np.array(new, dtype="int32"), 2)[::2])


def test_reshape_errors():
    x, s = at.matrix("x"), lvector("s")
    node = Reshape(2)(x, s).owner
    a = np.zeros((2, 3), dtype=x.type.dtype)
    err, _ = check_error(node, a, np.array([4, 2]))
    assert isinstance(err, ValueError) and "cannot reshape" in str(err)
    check_error(node, a, np.array([-1, -1]))
    check_error(node, a, np.array([6]))


def test_reshape_in_function_raises_with_node_info():
    x, s = at.matrix("x"), lvector("s")
    f = function([x, s], x.reshape(s, ndim=2), mode=CVM_MODE)
    assert "StructThunk" in [type(t).__name__ for t in f.vm.thunks]
    with pytest.raises(ValueError, match="cannot reshape") as e:
        f(np.zeros((2, 3), dtype=x.type.dtype), [4, 2])
    assert "Reshape" in str(e.value)


def _sub_node(x, idx_list, n_inputs):
    return Subtensor(idx_list)(x, *[lscalar() for _ in range(n_inputs)]).owner


@pytest.mark.parametrize(
    "idx_list, vals",
    [
        ((1,), ()),
        ((-1, slice(None, None, -1)), ()),
        ((slice(1, None),), ()),
        ((slice(None, None, 2), 2), ()),
        ((s_int64,), (2,)),
        ((s_int64,), (-3,)),
        ((slice(s_int64, s_int64, s_int64),), (4, 0, -2)),
        ((slice(s_int64, None, s_int64), slice(None, s_int64)), (-100, -1, 100)),
        ((slice(5, 2),), ()),
        ((slice(None, None, -1), slice(1, 2)), ()),
        ((s_int64, s_int64), (2, 3)),
    ],
)
def test_subtensor(idx_list, vals):
    x = at.matrix("x", dtype="float64")
    node = _sub_node(x, idx_list, len(vals))
    args = [np.int64(v) for v in vals]
    for v in layouts(np.arange(20.0).reshape(5, 4)):
        r = check(node, v, *args)
        assert np.shares_memory(r, v) or r.size == 0


def test_subtensor_empty_dim_negative_step():
    x = at.matrix("x", dtype="int64")
    node = Subtensor((slice(None, None, -1),))(x).owner
    check(node, np.zeros((0, 3), dtype="int64"))


def test_subtensor_errors():
    x = at.matrix("x", dtype="float64")
    a = np.zeros((3, 4))
    err, _ = check_error(_sub_node(x, (s_int64,), 1), a, np.int64(3))
    assert isinstance(err, IndexError) and "out of bounds" in str(err)
    check_error(_sub_node(x, (slice(None), s_int64), 1), a, np.int64(-5))
    check_error(_sub_node(x, (slice(None, None, s_int64),), 1), a, np.int64(0))


def test_incsubtensor_set_and_inc():
    x = at.matrix("x", dtype="float64")
    y = at.vector("y", dtype="float64")
    i = lscalar("i")
    base = np.arange(12.0).reshape(3, 4)
    for inplace in (False, True):
        for set_ in (False, True):
            op = IncSubtensor(
                (slice(None), s_int64), inplace=inplace, set_instead_of_inc=set_
            )
            node = op(x, y, i).owner
            for v in layouts(base):
                check(node, v, np.array([10.0, 20.0, 30.0]), np.int64(-2))
            v = base.copy()
            r = run_c(node, v, np.array([10.0, 20.0, 30.0]), np.int64(-2))
            assert (r is v) == inplace and r.flags.c_contiguous
    # A scalar value broadcast into a region, and a narrower dtype.
    z = at.scalar("z", dtype="float32")
    node = IncSubtensor((slice(1, None, -1),))(x, z).owner
    check(node, base, np.array(1.5, dtype="float32"))
    node = IncSubtensor((slice(0, 2),), set_instead_of_inc=True)(x, z).owner
    check(node, base, np.array(2.5, dtype="float32"))


@pytest.mark.parametrize("inplace", [False, True])
def test_set_subtensor_contiguous_rows(inplace):
    """Setting whole contiguous rows from an array of the same type and shape
    (a plain memory copy), also when the value overlaps the target."""
    x = at.matrix("x", dtype="float64")
    y = at.matrix("y", dtype="float64")
    node = IncSubtensor((slice(1, None),), inplace=inplace, set_instead_of_inc=True)(
        x, y
    ).owner
    base = np.arange(12.0).reshape(3, 4)
    check(node, base, np.arange(8.0).reshape(2, 4) + 100)
    # The value is a view of the rows above the target: overlapping memory.
    v = base.copy()
    r = run_c(node, v, v[:-1])
    np.testing.assert_array_equal(r[1:], base[:-1])
    np.testing.assert_array_equal(r[0], base[0])
    # Another dtype or a non-contiguous value goes through NumPy's assignment.
    check(
        node, base, (np.arange(8).reshape(2, 4) * 3).astype("int64").astype("float64")
    )
    check(node, base, (np.arange(16.0).reshape(2, 8))[:, ::2])


def test_incsubtensor_errors_leave_input_alone():
    x = at.matrix("x", dtype="float64")
    y = at.vector("y", dtype="float64")
    node = IncSubtensor((1,), inplace=True)(x, y).owner
    err, c_in = check_error(node, np.zeros((3, 4)), np.ones(3))
    assert isinstance(err, ValueError)
    np.testing.assert_array_equal(c_in[0], 0)
    node = IncSubtensor((lscalar().type,), inplace=True)
    i = lscalar("i")
    node = IncSubtensor((s_int64,), inplace=True)(x, y, i).owner
    err, c_in = check_error(node, np.zeros((3, 4)), np.ones(4), np.int64(7))
    assert isinstance(err, IndexError)
    np.testing.assert_array_equal(c_in[0], 0)


# ---------------------------------------------------------------------------
# Shapes and Alloc
# ---------------------------------------------------------------------------


def test_shape_ops():
    x = tensor("int16", shape=(None, None, None))
    v = np.zeros((2, 0, 5), dtype="int16")
    check(Shape()(x).owner, v)
    for i in range(3):
        check(Shape_i(i)(x).owner, v)
    n = lscalar("n")
    node = SpecifyShape()(x, 2, None, n).owner
    r = check(node, v, np.array(2), None, np.array(5))
    assert r is v
    err, _ = check_error(node, v, np.array(2), None, np.array(4))
    assert isinstance(err, AssertionError)


def test_alloc():
    v = at.vector("v", dtype="float32")
    a, b = lscalar("a"), lscalar("b")
    node = Alloc()(v, a, b).owner
    val = np.arange(3, dtype="float32")
    check(node, val, np.array(2), np.array(3))
    check(node, val[::-1], np.array(4), np.array(3))
    err, _ = check_error(node, val, np.array(2), np.array(4))
    assert isinstance(err, ValueError)
    check_error(node, val, np.array(-2), np.array(3))
    s = at.scalar("s", dtype="complex128")
    node = Alloc()(s, a).owner
    check(node, np.array(1 + 2j), np.array(5))
    # Repeated calls refill the previous buffer when nothing else holds it.
    thunk, out = c_thunk(node, [np.array(3j), np.array(4)])
    thunk()
    first_id = id(out[0])
    thunk()
    assert id(out[0]) == first_id and thunk.py_calls == 0
    held = out[0]
    thunk()
    assert out[0] is not held
    np.testing.assert_array_equal(out[0], np.full(4, 3j))


# ---------------------------------------------------------------------------
# Pass-through ops, ScalarFromTensor, AllocEmpty
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("dtype", ["float64", "int32", "bool", "complex64"])
def test_scalar_from_tensor(dtype):
    from aesara.tensor.basic import scalar_from_tensor

    x = tensor(dtype, shape=())
    node = scalar_from_tensor(x).owner
    val = np.array(3, dtype=dtype)
    r = run_c(node, val)
    e = run_py(node, val)
    assert type(r) is type(e) and r == e
    # A NumPy scalar input (not an array) runs the Python thunk.
    r = run_c(node, val[()], expect_c=False)
    assert type(r) is type(e) and r == e


def test_pass_through_ops_return_their_input():
    from aesara.compile.ops import ViewOp
    from aesara.raise_op import Assert, CheckAndRaise
    from aesara.tensor.shape import Unbroadcast

    x = tensor("float64", shape=(1, None))
    val = np.ones((1, 3))
    c = lscalar("c")
    nodes = [
        ViewOp()(x).owner,
        Unbroadcast(0)(x).owner,
        CheckAndRaise(ValueError, "bad")(x, c, c > 0).owner,
        Assert("nope")(x, c).owner,
    ]
    for node in nodes:
        values = [val] + [np.array(1)] * (len(node.inputs) - 1)
        assert run_c(node, *values) is val
    # A false condition raises the op's error (through its Python thunk).
    err, _ = check_error(nodes[2], val, np.array(0), np.array(False))
    assert isinstance(err, ValueError) and str(err) == "bad"
    err, _ = check_error(nodes[3], val, np.array(0))
    assert isinstance(err, AssertionError)


@pytest.mark.parametrize("dtype", ["int64", "float32", "bool"])
def test_make_vector(dtype):
    from aesara.tensor.basic import MakeVector

    a, b, c = (tensor(dtype, shape=()) for _ in range(3))
    node = MakeVector(dtype)(a, b, c).owner
    vals = [np.array(v, dtype=dtype) for v in (1, 0, 3)]
    check(node, *vals)
    # Not arrays of the output's dtype: the Python thunk.
    r = run_c(node, vals[0][()], vals[1], vals[2], expect_c=False)
    np.testing.assert_array_equal(r, np.array([1, 0, 3], dtype=dtype))
    empty = MakeVector(dtype)().owner
    r = run_c(empty)
    assert r.shape == (0,) and r.dtype == dtype


def test_alloc_empty_shape_dtype_and_reuse():
    from aesara.tensor.basic import AllocEmpty

    a, b = lscalar("a"), lscalar("b")
    node = AllocEmpty("float32")(a, b).owner
    thunk, out = c_thunk(node, [np.array(2), np.array(3)])
    thunk()
    first = out[0]
    assert first.shape == (2, 3) and first.dtype == np.float32
    thunk()
    assert out[0] is first  # same shape: the same buffer, as perform does
    thunk.inputs[0][0] = np.array(4)
    thunk()
    assert out[0].shape == (4, 3) and out[0] is not first
    assert (thunk.calls, thunk.py_calls) == (3, 0)
    # A negative size gives perform's error.
    check_error(node, np.array(-1), np.array(2))


# ---------------------------------------------------------------------------
# Advanced indexing on axis 0
# ---------------------------------------------------------------------------


def test_advanced_subtensor1():
    x = at.matrix("x", dtype="float64")
    node = AdvancedSubtensor1()(x, lvector("i")).owner
    for v in layouts(np.arange(12.0).reshape(4, 3)):
        check(node, v, np.array([0, 3, -1, 0]))
    err, _ = check_error(node, np.zeros((4, 3)), np.array([0, 4]))
    assert isinstance(err, IndexError)


@pytest.mark.parametrize("inplace", [False, True])
@pytest.mark.parametrize("set_", [False, True])
def test_advanced_inc_subtensor1(inplace, set_):
    x = at.matrix("x", dtype="float64")
    y = at.matrix("y", dtype="float64")
    i = at.vector("i", dtype="int32")
    node = AdvancedIncSubtensor1(inplace=inplace, set_instead_of_inc=set_)(
        x, y, i
    ).owner
    yv = np.arange(9.0).reshape(3, 3)
    for v in layouts(np.ones((4, 3))):
        check(node, v, yv, np.array([1, -1, 1], dtype="int32"))
    err, c_in = check_error(
        node, np.ones((4, 3)), yv, np.array([1, 9, 1], dtype="int32")
    )
    assert isinstance(err, IndexError)
    np.testing.assert_array_equal(c_in[0], 1)


# ---------------------------------------------------------------------------
# CumOp
# ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "dtype",
    ["float64", "float32", "int64", "uint64", "int32", "uint8", "bool", "complex64"],
)
@pytest.mark.parametrize("mode", ["add", "mul"])
def test_cumop(dtype, mode):
    rng = np.random.default_rng(0)
    a = (rng.random((3, 4, 5)) * 3).astype(dtype)
    x = tensor(dtype, shape=(None, None, None))
    for axis in (None, 0, 1, 2, -1):
        node = CumOp(axis, mode)(x).owner
        for v in layouts(a):
            check(node, v, exact=dtype[0] not in "fc")
    node = CumOp(0, mode)(tensor(dtype, shape=())).owner
    check(node, np.asarray(a[0, 0, 0]))
    check(CumOp(None, mode)(x).owner, a[:, :0])


# ---------------------------------------------------------------------------
# Softmax family
# ---------------------------------------------------------------------------

EXTREME = np.array(
    [
        [1e308, -1e308, 0.0, 1.0],
        [1000.0, 1000.0, -1000.0, 0.0],
        [-np.inf, 0.0, 1.0, -np.inf],
        [-np.inf, -np.inf, -np.inf, -np.inf],
        [np.inf, 0.0, 1.0, 2.0],
        [np.nan, 0.0, 1.0, 2.0],
    ]
)


@pytest.mark.parametrize("op_cls", [Softmax, LogSoftmax])
@pytest.mark.parametrize("dtype", ["float64", "float32"])
def test_softmax_forward(op_cls, dtype):
    rng = np.random.default_rng(1)
    x3 = tensor(dtype, shape=(None, None, None))
    a = (rng.standard_normal((3, 5, 4)) * 10).astype(dtype)
    for axis in (None, 0, 1, 2, -1):
        node = op_cls(axis)(x3).owner
        for v in layouts(a):
            check(node, v, exact=False)
    x2 = tensor(dtype, shape=(None, None))
    with np.errstate(all="ignore"):
        ext = EXTREME.astype(dtype)
    for axis in (0, 1, None):
        check(op_cls(axis)(x2).owner, ext, exact=False)
    check(op_cls(1)(x2).owner, np.zeros((0, 3), dtype=dtype))


def test_softmax_extreme_values_are_finite_where_numpy_is():
    x = at.matrix("x", dtype="float64")
    r = run_c(Softmax(1)(x).owner, EXTREME[:3])
    assert np.isfinite(r).all()
    np.testing.assert_allclose(r.sum(axis=1), 1.0)
    r = run_c(LogSoftmax(1)(x).owner, EXTREME[1:2])
    np.testing.assert_allclose(r[0, :2], np.log(0.5))


@pytest.mark.parametrize("dtype", ["float64", "float32"])
def test_softmax_grad(dtype):
    rng = np.random.default_rng(2)
    dy, sm = tensor(dtype, shape=(None, None)), tensor(dtype, shape=(None, None))
    a = rng.standard_normal((4, 6)).astype(dtype)
    b = rng.random((4, 6)).astype(dtype)
    for axis in (None, 0, 1):
        node = SoftmaxGrad(axis)(dy, sm).owner
        for va, vb in zip(layouts(a), layouts(b)):
            check(node, va, vb, exact=False)
    # Shapes that only broadcast run in Python.
    node = SoftmaxGrad(1)(dy, sm).owner
    check(node, a[:1], b, expect_c=False, exact=False)


def test_softmax_float16_and_wrong_dtype_run_python():
    x = at.matrix("x", dtype="float16")
    assert plan_for(Softmax(1)(x).owner) is None
    x64 = at.matrix("x64", dtype="float64")
    node = Softmax(1)(x64).owner
    r = run_c(node, np.ones((2, 2), dtype="float32"), expect_c=False)
    assert r.dtype == np.float64


# ---------------------------------------------------------------------------
# Whole functions
# ---------------------------------------------------------------------------


def test_structural_graph_runs_c_thunks_and_matches_python():
    x = at.matrix("x", dtype="float64")
    i = lscalar("i")
    outs = [
        x.T.reshape((x.shape[1], x.shape[0]))[1:3] + 1,
        at.special.softmax(x, axis=1),
        at.extra_ops.cumsum(x[i:], axis=0),
        at.set_subtensor(x[1:, i], 5.0),
        x[[0, 2, 0]],
    ]
    f = function([x, i], outs, mode=CVM_MODE)
    g = function([x, i], outs, mode=PY_MODE)
    v = np.random.default_rng(3).random((3, 4))
    for _ in range(2):
        for r, e in zip(f(v, 1), g(v, 1)):
            np.testing.assert_allclose(r, e)
    thunks = [t for t in f.vm.thunks if type(t).__name__ == "StructThunk"]
    assert len(thunks) >= 5
    assert all(t.calls == 2 and t.py_calls == 0 for t in thunks)


def test_plans_skip_unsupported_nodes():
    x = at.matrix("x")
    assert plan_for(DimShuffle((False, False), (1, 0))(x).owner) is not None

    class MyShuffle(DimShuffle):
        pass

    assert plan_for(MyShuffle((False, False), (1, 0))(x).owner) is None
    assert isinstance(x.type, TensorType)


def test_groups_are_separate_modules():
    """Each group of kinds builds its own module, which refuses other kinds."""
    from aesara.link.c.structural_runtime import (
        GROUPS,
        KINDS,
        get_structural_runtime,
        group_of,
    )

    assert sorted(k for kinds in GROUPS.values() for k in kinds) == sorted(KINDS)
    x = tensor(dtype="float64", shape=(None, None))
    plans = {
        "view": plan_for(DimShuffle((False, False), (1, 0))(x).owner),
        "alloc": plan_for(at.alloc(np.float64(0.0), 2, 3).owner),
    }
    assert plans["view"].key != plans["alloc"].key
    view = get_structural_runtime("view")
    assert get_structural_runtime(group_of("reshape")) is view
    assert get_structural_runtime("alloc") is not view
    cell = [np.zeros((2, 3))]
    with pytest.raises(ValueError, match="not built into this module"):
        view.StructThunk(KINDS["alloc"], (cell,), ([None],), (0,), 12, "a", print)
    t = view.StructThunk(
        KINDS["dimshuffle"], (cell,), ([None],), (1, 2, 2, 1, 0), 12, "d", print
    )
    t()
    assert t.calls == 1
    assert t.outputs[0][0].shape == (3, 2)
