"""The C runtime's ElemwiseThunk and CLoop, driven directly on storage cells."""

from __future__ import annotations

import numpy as np
import pytest

from aesara.link.c.compiler import c_compiler_available

pytestmark = pytest.mark.skipif(
    not c_compiler_available(), reason="needs a working C compiler"
)


@pytest.fixture(scope="module")
def rt():
    from aesara.link.c.runtime import get_runtime

    return get_runtime()


def _kernel(scalar_op, in_dtypes, out_dtypes):
    from aesara.link.c.compiler import compile_shared_library
    from aesara.link.c.elemwise_codegen import elemwise_kernel

    k = elemwise_kernel(scalar_op, in_dtypes, out_dtypes)
    return str(compile_shared_library(k.source, "elemwise"))


@pytest.fixture(scope="module")
def add_path():
    import aesara.scalar as aes

    return _kernel(aes.add, ["float64", "float64"], ["float64"])


def make_add(
    rt, add_path, ndim=1, inplace=-1, bcast=None, thread_min=-1, fallback=None
):
    ins = ([None], [None])
    out = ([None],)
    bcast = bcast or ((False,) * ndim, (False,) * ndim)
    t = rt.ElemwiseThunk(
        add_path,
        1,
        ins,
        out,
        (np.dtype("float64").num,) * 2,
        (np.dtype("float64").num,),
        ndim,
        (inplace,),
        bcast,
        "Elemwise{add}",
        fallback,
        thread_min,
    )
    return t, ins, out


def run(t, ins, out, *values):
    for c, v in zip(ins, values):
        c[0] = v
    t()
    return out[0][0]


@pytest.mark.parametrize(
    "a, b",
    [
        (np.arange(6.0).reshape(2, 3), np.ones((2, 3))),
        (np.arange(6.0).reshape(2, 3), np.arange(3.0)[None, :]),  # runtime broadcast
        (np.arange(6.0).reshape(2, 3)[:, ::-1], np.arange(2.0)[:, None]),
        (np.arange(24.0).reshape(4, 6)[::2, 1::2], np.ones((2, 3)).T.copy().T),
        (np.zeros((0, 3)), np.ones((1, 3))),
        (np.ones((2, 1)), np.ones((1, 4))),
    ],
)
def test_values_match_numpy(rt, add_path, a, b):
    t, ins, out = make_add(rt, add_path, ndim=2)
    r = run(t, ins, out, a, b)
    np.testing.assert_array_equal(r, a + b)
    assert r.dtype == np.float64 and r.flags.c_contiguous


def test_zero_dim_and_lower_rank_padding(rt, add_path):
    t, ins, out = make_add(rt, add_path, ndim=0)
    r = run(t, ins, out, np.array(1.5), np.array(2.25))
    assert r.shape == () and r == 3.75
    t2, ins2, out2 = make_add(rt, add_path, ndim=2, bcast=((False, False), (False,)))
    r2 = run(t2, ins2, out2, np.ones((2, 3)), np.arange(3.0))
    np.testing.assert_array_equal(r2, np.ones((2, 3)) + np.arange(3.0))


def test_shape_mismatch_message(rt, add_path):
    t, ins, out = make_add(rt, add_path)
    with pytest.raises(ValueError, match=r"shapes \[\(3,\), \(4,\)\].*broadcast"):
        run(t, ins, out, np.ones(3), np.ones(4))


def test_static_broadcastable_axis_checked(rt, add_path):
    t, ins, out = make_add(rt, add_path, bcast=((True,), (False,)))
    with pytest.raises(ValueError, match="broadcastable"):
        run(t, ins, out, np.ones(3), np.ones(3))
    np.testing.assert_array_equal(
        run(t, ins, out, np.ones(1), np.arange(3.0)), [1, 2, 3]
    )


def test_output_buffer_reused_only_when_unaliased(rt, add_path):
    t, ins, out = make_add(rt, add_path)
    first = run(t, ins, out, np.ones(4), np.ones(4))
    first_id = id(first)
    del first
    second = run(t, ins, out, np.full(4, 2.0), np.ones(4))
    assert id(second) == first_id  # reused: only the cell held it
    held = second
    third = run(t, ins, out, np.zeros(4), np.ones(4))
    assert third is not held  # the caller still holds the old one
    np.testing.assert_array_equal(held, np.full(4, 3.0))
    np.testing.assert_array_equal(third, np.ones(4))


def test_inplace_writes_into_destroyed_input(rt, add_path):
    t, ins, out = make_add(rt, add_path, inplace=0)
    a = np.arange(4.0)
    r = run(t, ins, out, a, np.ones(4))
    assert r is a
    np.testing.assert_array_equal(a, [1, 2, 3, 4])
    # A broadcast target cannot hold the result: a new array is made.
    small = np.ones(1)
    r2 = run(t, ins, out, small, np.arange(3.0))
    assert r2 is not small and r2.shape == (3,)
    # A read-only input is not overwritten either.
    ro = np.arange(3.0)
    ro.flags.writeable = False
    r3 = run(t, ins, out, ro, np.ones(3))
    assert r3 is not ro
    np.testing.assert_array_equal(ro, np.arange(3.0))


def test_misaligned_and_byteswapped_inputs_are_copied(rt, add_path):
    t, ins, out = make_add(rt, add_path)
    buf = np.zeros(8 * 5 + 1, dtype=np.uint8)
    mis = buf[1:].view(np.float64)
    mis[:] = np.arange(5.0)
    assert not mis.flags.aligned
    swapped = np.arange(5.0).astype(">f8")
    r = run(t, ins, out, mis, swapped)
    np.testing.assert_array_equal(r, 2 * np.arange(5.0))


def test_unexpected_input_uses_fallback(rt, add_path):
    calls = []
    t, ins, out = make_add(rt, add_path, fallback=lambda: calls.append(1))
    run(t, ins, out, np.ones(3, dtype=np.float32), np.ones(3))
    assert calls == [1]
    t2, ins2, out2 = make_add(rt, add_path)
    with pytest.raises(TypeError, match="input 0"):
        run(t2, ins2, out2, [1.0, 2.0], np.ones(2))


def test_threads_match_single_thread(rt, add_path):
    rng = np.random.default_rng(0)
    a = rng.normal(size=(37, 1001))
    b = rng.normal(size=(1001,))
    one, ins1, out1 = make_add(rt, add_path, ndim=2, thread_min=-1)
    many, ins2, out2 = make_add(rt, add_path, ndim=2, thread_min=1)
    r1 = run(one, ins1, out1, a, b)
    r2 = run(many, ins2, out2, a[:, ::1], b)
    np.testing.assert_array_equal(r1, r2)
    np.testing.assert_array_equal(r1, a + b)
    r3 = run(many, ins2, out2, a[::-1].T.copy().T[::-1], b)
    np.testing.assert_array_equal(r3, a + b)


def test_bad_construction_arguments(rt, add_path):
    with pytest.raises(TypeError, match="storage cell"):
        rt.ElemwiseThunk(
            add_path,
            1,
            ([None], "x"),
            ([None],),
            (12, 12),
            (12,),
            1,
            (-1,),
            ((False,), (False,)),
            "add",
            None,
            -1,
        )
    with pytest.raises(ImportError, match="ABI"):
        rt.ElemwiseThunk(
            add_path,
            999,
            ([None], [None]),
            ([None],),
            (12, 12),
            (12,),
            1,
            (-1,),
            ((False,), (False,)),
            "add",
            None,
            -1,
        )
    with pytest.raises(ValueError, match="in place on input 5"):
        rt.ElemwiseThunk(
            add_path,
            1,
            ([None], [None]),
            ([None],),
            (12, 12),
            (12,),
            1,
            (5,),
            ((False,), (False,)),
            "add",
            None,
            -1,
        )


def test_cloop_runs_clears_and_reports(rt):
    a, b, c = [1], [None], [None]
    log = []

    def t1():
        b[0] = a[0] + 1

    def t2():
        c[0] = b[0] * 10

    loop = rt.CLoop((t1, t2), ((), (b,)), (c,), lambda *e: log.append(e))
    loop()
    assert c == [20] and b == [None]

    def boom():
        raise KeyError("inner")

    def on_error(i, etype, evalue, tb):
        raise RuntimeError(f"node {i}: {evalue!r}")

    bad = rt.CLoop((t1, boom), ((), ()), (), on_error)
    with pytest.raises(RuntimeError, match="node 1: KeyError"):
        bad()
    with pytest.raises(ValueError, match="one entry per thunk"):
        rt.CLoop((t1,), (), (), on_error)
