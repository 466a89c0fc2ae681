"""C BLAS thunks (aesara/link/c/blas_runtime.c): Dot and the BLAS ops vs NumPy.

Most tests drive a node's ``BlasThunk`` directly on storage cells, so any
array layout (C/F order, transposed views, strided, negative or zero strides)
can be fed in without compiling a function per case.
"""

from __future__ import annotations

import weakref

import numpy as np
import pytest

from aesara.compile.function import function
from aesara.compile.mode import Mode
from aesara.link.c.compiler import c_compiler_available
from aesara.tensor._products import dot
from aesara.tensor.blas import (
    _dot22,
    _dot22scalar,
    gemm_inplace,
    gemm_no_inplace,
    gemv_inplace,
    gemv_no_inplace,
    ger,
    ger_destructive,
)
from aesara.tensor.math import exp
from aesara.tensor.math import sum as at_sum
from aesara.tensor.type import dmatrix, dvector, tensor

pytestmark = pytest.mark.skipif(
    not c_compiler_available(), reason="needs a working C compiler"
)

DTYPES = ["float32", "float64", "complex64", "complex128"]
CVM_MODE = Mode("cvm", "fast_run")


def _tol(dtype):
    return (
        {"rtol": 2e-4, "atol": 1e-4}
        if dtype in ("float32", "complex64")
        else {"rtol": 1e-10, "atol": 1e-11}
    )


def _rand(rng, shape, dtype):
    a = rng.normal(size=shape)
    if dtype.startswith("complex"):
        a = a + 1j * rng.normal(size=shape)
    return a.astype(dtype)


def _layouts(a):
    """``a`` (a 2-d array) in several memory layouts, same values."""
    r, c = a.shape
    big = np.zeros((2 * r + 1, 3 * c + 2), dtype=a.dtype)
    strided = big[1::2, 2::3]
    strided[...] = a
    padded = np.zeros((r, c + 3), dtype=a.dtype)[:, 1 : c + 1]
    padded[...] = a
    return {
        "C": np.array(a, order="C", copy=True),
        "F": np.asfortranarray(a),
        "T-view": np.ascontiguousarray(a.T).T,
        "padded": padded,
        "strided": strided,
        "reversed": np.ascontiguousarray(a[::-1, ::-1])[::-1, ::-1],
    }


def _vlayouts(v):
    n = v.shape[0]
    big = np.zeros(3 * n + 1, dtype=v.dtype)
    big[1::3] = v
    rev = np.ascontiguousarray(v[::-1])[::-1]
    out = {"contig": v.copy(), "strided": big[1::3], "reversed": rev}
    if n and np.all(v == v[0]):
        out["zero-stride"] = np.broadcast_to(v[:1], v.shape)
    return out


def _thunk(out_var):
    """The C thunk of ``out_var``'s node, with its cells."""
    from aesara.link.c.registry import build_plans, plan_for

    node = out_var.owner
    plan = plan_for(node)
    assert plan is not None, f"no C plan for {node}"
    artifact = build_plans([plan])[plan.key]
    assert artifact is not None
    storage_map = {v: [None] for v in node.inputs + node.outputs}
    compute_map = {v: [False] for v in node.inputs + node.outputs}
    thunk = plan.make(artifact, node, storage_map, compute_map, [])
    assert type(thunk).__name__ == "BlasThunk"
    ins = [storage_map[v] for v in node.inputs]
    return thunk, ins, storage_map[node.outputs[0]]


def _run(thunk, ins, out, *values):
    for cell, v in zip(ins, values):
        cell[0] = v
    thunk()
    return out[0]


def _py(out_var, *values):
    """What the node's Python ``perform`` returns (on copies of the inputs)."""
    node = out_var.owner
    storage = [[None]]
    node.op.perform(node, [np.array(v, copy=True) for v in values], storage)
    return storage[0][0]


def _sym(dtype, ndim):
    return tensor(dtype=dtype, shape=(None,) * ndim)


# ---------------------------------------------------------------------------
# Dot of every rank combination
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("ranks", [(1, 1), (2, 1), (1, 2), (2, 2)])
def test_dot_all_ranks_and_layouts(dtype, ranks):
    rng = np.random.default_rng(0)
    xs, ys = _sym(dtype, ranks[0]), _sym(dtype, ranks[1])
    thunk, ins, out = _thunk(dot(xs, ys))
    m, k, n = 5, 4, 3
    xv = _rand(rng, (m, k) if ranks[0] == 2 else (k,), dtype)
    yv = _rand(rng, (k, n) if ranks[1] == 2 else (k,), dtype)
    xl = _layouts(xv) if ranks[0] == 2 else _vlayouts(xv)
    yl = _layouts(yv) if ranks[1] == 2 else _vlayouts(yv)
    expected = np.dot(xv, yv)
    for xn, xa in xl.items():
        for yn, ya in yl.items():
            r = _run(thunk, ins, out, xa, ya)
            assert r.dtype == dtype and r.shape == expected.shape, (xn, yn)
            np.testing.assert_allclose(r, expected, **_tol(dtype), err_msg=f"{xn},{yn}")
    assert thunk.fallbacks == 0
    assert thunk.calls == len(xl) * len(yl)


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("ranks", [(2, 1), (1, 2)])
@pytest.mark.parametrize("shape", [(5, 4), (97, 101)])
def test_matrix_vector_dot_both_paths(dtype, ranks, shape):
    """Small matrix-vector products call gemv directly, bigger ones (and all
    of them with the limit at 0) NumPy's product: both agree on every layout."""
    from aesara.link.c.blas_runtime import get_blas_runtime

    rt = get_blas_runtime()
    rng = np.random.default_rng(7)
    m, k = shape
    xs, ys = _sym(dtype, ranks[0]), _sym(dtype, ranks[1])
    thunk, ins, out = _thunk(dot(xs, ys))
    mat = _rand(rng, (m, k) if ranks[0] == 2 else (k, m), dtype)
    vec = _rand(rng, (k,), dtype)
    pairs = (
        [(a, v) for a in _layouts(mat).values() for v in _vlayouts(vec).values()]
        if ranks[0] == 2
        else [(v, a) for a in _layouts(mat).values() for v in _vlayouts(vec).values()]
    )
    expected = np.dot(*pairs[0])
    old = rt.set_direct_gemv_max(9215)
    try:
        for limit in (9215, 0):
            rt.set_direct_gemv_max(limit)
            for xa, ya in pairs:
                out[0] = np.full(expected.shape, np.nan, dtype=dtype)  # stale buffer
                r = _run(thunk, ins, out, xa, ya)
                np.testing.assert_allclose(r, expected, **_tol(dtype))
    finally:
        rt.set_direct_gemv_max(old)
    assert thunk.fallbacks == 0
    with pytest.raises(ValueError, match="must be >= 0"):
        rt.set_direct_gemv_max(-1)


@pytest.mark.parametrize("ranks", [(1, 1), (2, 1), (1, 2), (2, 2)])
def test_dot_zero_stride_and_unit_dims(ranks):
    rng = np.random.default_rng(1)
    xs, ys = _sym("float64", ranks[0]), _sym("float64", ranks[1])
    thunk, ins, out = _thunk(dot(xs, ys))
    for m, k, n in [(1, 1, 1), (1, 4, 1), (3, 1, 2), (1, 3, 4)]:
        xv = rng.normal(size=(m, k) if ranks[0] == 2 else (k,))
        yv = rng.normal(size=(k, n) if ranks[1] == 2 else (k,))
        r = _run(thunk, ins, out, xv, yv)
        np.testing.assert_allclose(r, np.dot(xv, yv), rtol=1e-12)
    # Broadcast (zero-stride) operands are copied, not passed to BLAS.
    xv = np.broadcast_to(rng.normal(size=(1,) * ranks[0]), (3,) * ranks[0])
    yv = np.broadcast_to(rng.normal(size=(1,) * ranks[1]), (3,) * ranks[1])
    np.testing.assert_allclose(_run(thunk, ins, out, xv, yv), np.dot(xv, yv))
    assert thunk.fallbacks == 0


@pytest.mark.parametrize("ranks", [(1, 1), (2, 1), (1, 2), (2, 2)])
def test_dot_empty_dimensions(ranks):
    xs, ys = _sym("float64", ranks[0]), _sym("float64", ranks[1])
    thunk, ins, out = _thunk(dot(xs, ys))
    for m, k, n in [(0, 3, 2), (2, 0, 3), (2, 3, 0), (0, 0, 0)]:
        xv = np.ones((m, k) if ranks[0] == 2 else (k,))
        yv = np.ones((k, n) if ranks[1] == 2 else (k,))
        expected = np.dot(xv, yv)
        # A NaN-filled buffer in the output cell must not leak into the result.
        out[0] = np.full(expected.shape, np.nan)
        r = _run(thunk, ins, out, xv, yv)
        assert r.shape == expected.shape
        np.testing.assert_array_equal(r, expected)
    assert thunk.fallbacks == 0


def test_dot_misaligned_and_mismatched():
    thunk, ins, out = _thunk(dot(_sym("float64", 2), _sym("float64", 1)))
    buf = np.zeros(3 * 4 * 8 + 8, dtype=np.uint8)[1:-7]
    A = buf.view("float64").reshape(3, 4)
    A[...] = np.arange(12.0).reshape(3, 4)
    assert not A.flags.aligned
    np.testing.assert_allclose(_run(thunk, ins, out, A, np.ones(4)), A.sum(1))
    with pytest.raises(ValueError, match="not aligned"):
        _run(thunk, ins, out, np.ones((3, 4)), np.ones(5))
    # Another dtype than the node's: the Python thunk handles it.
    _run(thunk, ins, out, np.ones((3, 4), dtype="float32"), np.ones(4))
    assert thunk.fallbacks >= 1


def test_no_plan_for_non_blas_dtypes():
    from aesara.link.c.registry import plan_for

    assert plan_for(dot(_sym("int64", 2), _sym("int64", 2)).owner) is None
    assert plan_for(dot(_sym("float32", 2), _sym("float64", 1)).owner) is None
    assert plan_for(dot(_sym("float64", 2), _sym("float64", 2)).owner) is not None


def test_output_buffer_reused_and_nan_not_propagated():
    thunk, ins, out = _thunk(_dot22(_sym("float64", 2), _sym("float64", 2)))
    x, y = np.ones((3, 4)), np.ones((4, 2))
    out[0] = np.full((3, 2), np.nan)
    ref = weakref.ref(out[0])
    r = _run(thunk, ins, out, x, y)
    assert ref() is r  # the stale buffer was reused...
    np.testing.assert_array_equal(r, np.full((3, 2), 4.0))  # ...without its NaNs
    del r
    # A buffer someone else holds is never overwritten.
    held = out[0]
    r2 = _run(thunk, ins, out, 2 * x, y)
    assert r2 is not held
    np.testing.assert_array_equal(held, np.full((3, 2), 4.0))


def test_gemv_nan_buffer_beta_zero():
    thunk, ins, out = _thunk(dot(_sym("float32", 2), _sym("float32", 1)))
    out[0] = np.full(3, np.nan, dtype="float32")
    r = _run(thunk, ins, out, np.ones((3, 2), "float32"), np.ones(2, "float32"))
    np.testing.assert_array_equal(r, [2, 2, 2])


# ---------------------------------------------------------------------------
# Dot22, Dot22Scalar
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("dtype", DTYPES)
def test_dot22_and_dot22scalar(dtype):
    rng = np.random.default_rng(2)
    xs, ys = _sym(dtype, 2), _sym(dtype, 2)
    a = tensor(dtype=dtype, shape=())
    t1, i1, o1 = _thunk(_dot22(xs, ys))
    t2, i2, o2 = _thunk(_dot22scalar(xs, ys, a))
    xv, yv = _rand(rng, (4, 6), dtype), _rand(rng, (6, 3), dtype)
    av = np.asarray(_rand(rng, (), dtype))
    for xa in _layouts(xv).values():
        for ya in _layouts(yv).values():
            np.testing.assert_allclose(_run(t1, i1, o1, xa, ya), xv @ yv, **_tol(dtype))
            np.testing.assert_allclose(
                _run(t2, i2, o2, xa, ya, av), av * (xv @ yv), **_tol(dtype)
            )
    assert t1.fallbacks == t2.fallbacks == 0


# ---------------------------------------------------------------------------
# Gemm, Gemv, Ger: values and in-place semantics
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("inplace", [False, True])
def test_gemm_matches_perform(dtype, inplace):
    rng = np.random.default_rng(3)
    op = gemm_inplace if inplace else gemm_no_inplace
    sc = tensor(dtype=dtype, shape=())
    var = op(_sym(dtype, 2), sc, _sym(dtype, 2), _sym(dtype, 2), sc.type())
    thunk, ins, out = _thunk(var)
    zv, xv, yv = (_rand(rng, s, dtype) for s in [(4, 3), (4, 5), (5, 3)])
    for alpha, beta in [(1.0, 1.0), (0.5, -2.0), (2.0, 0.0), (0.0, 1.5)]:
        a, b = np.asarray(alpha, dtype), np.asarray(beta, dtype)
        expected = _py(var, zv, a, xv, yv, b)
        for zn in _layouts(zv):
            for x in list(_layouts(xv).values())[::2]:
                for y in list(_layouts(yv).values())[1::2]:
                    z = _layouts(zv)[zn]  # fresh: the in-place op overwrites it
                    r = _run(thunk, ins, out, z, a, x, y, b)
                    np.testing.assert_allclose(r, expected, **_tol(dtype))
                    if inplace:
                        # The result is written into z (whatever its layout).
                        assert r is z
                    else:
                        np.testing.assert_array_equal(z, zv)
    assert thunk.fallbacks == 0


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("inplace", [False, True])
def test_gemv_matches_perform(dtype, inplace):
    rng = np.random.default_rng(4)
    op = gemv_inplace if inplace else gemv_no_inplace
    sc = tensor(dtype=dtype, shape=())
    var = op(_sym(dtype, 1), sc, _sym(dtype, 2), _sym(dtype, 1), sc.type())
    thunk, ins, out = _thunk(var)
    yv, Av, xv = (
        _rand(rng, (4,), dtype),
        _rand(rng, (4, 6), dtype),
        _rand(rng, (6,), dtype),
    )
    for alpha, beta in [(1.0, 1.0), (-0.5, 3.0), (2.0, 0.0)]:
        a, b = np.asarray(alpha, dtype), np.asarray(beta, dtype)
        expected = _py(var, yv, a, Av, xv, b)
        for yn in ("contig", "strided", "reversed"):
            for A in _layouts(Av).values():
                for x in _vlayouts(xv).values():
                    y = _vlayouts(yv)[yn]
                    r = _run(thunk, ins, out, y, a, A, x, b)
                    np.testing.assert_allclose(r, expected, **_tol(dtype))
                    if inplace:
                        assert r is y
                    else:
                        np.testing.assert_array_equal(y, yv)
    assert thunk.fallbacks == 0


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("destructive", [False, True])
def test_ger_matches_perform(dtype, destructive):
    rng = np.random.default_rng(5)
    op = ger_destructive if destructive else ger
    var = op(
        _sym(dtype, 2), tensor(dtype=dtype, shape=()), _sym(dtype, 1), _sym(dtype, 1)
    )
    thunk, ins, out = _thunk(var)
    Av, xv, yv = (
        _rand(rng, (4, 3), dtype),
        _rand(rng, (4,), dtype),
        _rand(rng, (3,), dtype),
    )
    a = np.asarray(1.5, dtype)
    expected = _py(var, Av, a, xv, yv)
    for An in _layouts(Av):
        for x in _vlayouts(xv).values():
            for y in _vlayouts(yv).values():
                A = _layouts(Av)[An]
                r = _run(thunk, ins, out, A, a, x, y)
                np.testing.assert_allclose(r, expected, **_tol(dtype))
                if destructive:
                    assert r is A
                else:
                    np.testing.assert_array_equal(A, Av)
    assert thunk.fallbacks == 0


def test_inplace_on_readonly_or_aliased_accumulator():
    sc = tensor(dtype="float64", shape=())
    var = gemm_inplace(
        _sym("float64", 2), sc, _sym("float64", 2), _sym("float64", 2), sc.type()
    )
    thunk, ins, out = _thunk(var)
    one = np.asarray(1.0)
    z = np.ones((3, 3))
    z.flags.writeable = False
    r = _run(thunk, ins, out, z, one, np.eye(3), np.full((3, 3), 2.0), one)
    np.testing.assert_array_equal(r, np.full((3, 3), 3.0))
    np.testing.assert_array_equal(z, np.ones((3, 3)))  # left alone, like perform
    # z aliasing x: BLAS would read what it writes, so a new buffer is used.
    z = np.arange(9.0).reshape(3, 3)
    expected = z + z @ z
    r = _run(thunk, ins, out, z, one, z, z, one)
    np.testing.assert_allclose(r, expected)


def test_beta_zero_keeps_nan_of_accumulator():
    """``0 * nan`` is ``nan`` in the Ops' semantics (BLAS would drop it)."""
    sc = tensor(dtype="float64", shape=())
    var = gemm_no_inplace(
        _sym("float64", 2), sc, _sym("float64", 2), _sym("float64", 2), sc.type()
    )
    thunk, ins, out = _thunk(var)
    z = np.ones((2, 2))
    z[0, 1] = np.nan
    r = _run(thunk, ins, out, z, np.asarray(1.0), np.eye(2), np.eye(2), np.asarray(0.0))
    np.testing.assert_array_equal(np.isnan(r), np.isnan(z))
    np.testing.assert_array_equal(r, _py(var, z, 1.0, np.eye(2), np.eye(2), 0.0))
    assert thunk.fallbacks == 1
    var = gemv_inplace(
        _sym("float64", 1), sc, _sym("float64", 2), _sym("float64", 1), sc.type()
    )
    thunk, ins, out = _thunk(var)
    y = np.array([np.nan, 1.0])
    r = _run(
        thunk, ins, out, y, np.asarray(1.0), np.eye(2), np.ones(2), np.asarray(0.0)
    )
    assert np.isnan(r[0]) and r[1] == 1.0


def test_blas_ops_empty_dimensions():
    sc = tensor(dtype="float64", shape=())
    a, b = np.asarray(2.0), np.asarray(3.0)
    gm = gemm_no_inplace(
        _sym("float64", 2), sc, _sym("float64", 2), _sym("float64", 2), sc.type()
    )
    gv = gemv_no_inplace(
        _sym("float64", 1), sc, _sym("float64", 2), _sym("float64", 1), sc.type()
    )
    gr = ger(_sym("float64", 2), sc, _sym("float64", 1), _sym("float64", 1))
    cases = [
        (gm, [(2, 3), (2, 0), (0, 3)]),
        (gm, [(0, 3), (0, 4), (4, 3)]),
        (gm, [(2, 0), (2, 4), (4, 0)]),
        (gv, [(3,), (3, 0), (0,)]),
        (gv, [(0,), (0, 4), (4,)]),
        (gr, [(0, 3), (0,), (3,)]),
        (gr, [(2, 0), (2,), (0,)]),
    ]
    for var, shapes in cases:
        thunk, ins, out = _thunk(var)
        vals = [np.ones(s) for s in shapes]
        if var is gr:
            args = [vals[0], a, vals[1], vals[2]]
        else:
            args = [vals[0], a, vals[1], vals[2], b]
        r = _run(thunk, ins, out, *args)
        np.testing.assert_array_equal(r, _py(var, *args))
        assert thunk.fallbacks == 0


def test_broadcasting_accumulator_falls_back():
    sc = tensor(dtype="float64", shape=())
    zs = tensor(dtype="float64", shape=(1, None))
    var = gemm_no_inplace(zs, sc, _sym("float64", 2), _sym("float64", 2), sc.type())
    thunk, ins, out = _thunk(var)
    z = np.arange(3.0)[None, :]
    x, y = np.ones((2, 4)), np.ones((4, 3))
    r = _run(thunk, ins, out, z, np.asarray(1.0), x, y, np.asarray(2.0))
    np.testing.assert_allclose(r, 2 * z + x @ y)
    assert thunk.fallbacks == 1


# ---------------------------------------------------------------------------
# Through compiled functions
# ---------------------------------------------------------------------------


def _kinds(f):
    return [type(t).__name__ for t in f.vm.thunks]


def test_compiled_graph_uses_blas_thunks():
    X, w = dmatrix("X"), dvector("w")
    loss = at_sum(exp(X @ w))
    from aesara.gradient import grad

    f = function([X, w], [loss, grad(loss, w)], mode=CVM_MODE)
    assert _kinds(f).count("BlasThunk") == 2
    rng = np.random.default_rng(6)
    Xv, wv = rng.normal(size=(30, 20)) / 5, rng.normal(size=20)
    for _ in range(2):
        v, g = f(Xv, wv)
        e = np.exp(Xv @ wv)
        np.testing.assert_allclose(v, e.sum(), rtol=1e-12)
        np.testing.assert_allclose(g, Xv.T @ e, rtol=1e-12)
    blas = [t for t in f.vm.thunks if type(t).__name__ == "BlasThunk"]
    assert all(t.calls == 2 and t.fallbacks == 0 for t in blas)


def test_compiled_gemm_graph_matches_python():
    x, y, z = dmatrix("x"), dmatrix("y"), dmatrix("z")
    out = 2.0 * z + 3.0 * (x @ y.T)
    f = function([x, y, z], out, mode=CVM_MODE)
    g = function([x, y, z], out, mode=Mode("py", "fast_run"))
    assert "BlasThunk" in _kinds(f)
    rng = np.random.default_rng(7)
    xv, yv, zv = (
        rng.normal(size=(4, 5)),
        rng.normal(size=(6, 5)),
        rng.normal(size=(4, 6)),
    )
    np.testing.assert_allclose(f(xv, yv, zv), g(xv, yv, zv), rtol=1e-12)
    np.testing.assert_allclose(f(xv, yv, zv), 2 * zv + 3 * xv @ yv.T, rtol=1e-12)
