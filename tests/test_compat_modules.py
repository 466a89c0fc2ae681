"""Small modules kept for Aesara compatibility: ``aesara.tensor.io``, the BLAS name
modules, ``elemwise_cgen``, ``aesara.graph.sched`` and the scalar extras."""

from __future__ import annotations

import pickle

import numpy as np
import pytest

import aesara
import aesara.scalar as aes
import aesara.tensor as at
from aesara.compile.io import In
from aesara.compile.mode import get_mode
from tests.tensor.rewriting.rewrite_check import check_rewrite


# ----------------------------------------------------------------------
# aesara.tensor.io
# ----------------------------------------------------------------------
def test_load_reads_the_file_at_each_call(tmp_path):
    from aesara.tensor.io import LoadFromDisk, load

    path = tmp_path / "a.npy"
    np.save(path, np.arange(5))
    x = load(str(path), "int64", (None,))
    assert isinstance(x.owner.op, LoadFromDisk) and x.type.shape == (None,)
    f = aesara.function([], x.sum())
    assert f() == 10
    np.save(path, np.arange(6))
    assert f() == 15  # not folded into a constant at compile time
    mapped = aesara.function([], load(str(path), "int64", (None,), mmap_mode="c"))()
    assert isinstance(mapped, np.memmap) or mapped.base is not None
    np.testing.assert_array_equal(mapped, np.arange(6))


def test_load_errors(tmp_path):
    from aesara.tensor.io import LoadFromDisk, load

    path = tmp_path / "a.npy"
    np.save(path, np.arange(3))
    with pytest.raises(ValueError, match="mmap_mode"):
        LoadFromDisk("int64", (None,), mmap_mode="r+")
    with pytest.raises(TypeError, match="dtype float64"):
        aesara.function([], load(str(path), "float64", (None,)))()
    with pytest.raises(ValueError, match=r"shape \(2,\)"):
        aesara.function([], load(str(path), "int64", (2,)))()
    np.savez(tmp_path / "b.npz", a=np.arange(2))
    with pytest.raises(ValueError, match=".npz"):
        aesara.function([], load(str(tmp_path / "b.npz"), "int64", (None,)))()


def test_mpi_ops_build_and_say_what_is_missing():
    from aesara.tensor.io import MPIRecv, MPIRecvWait, mpi_cmps, recv, send

    r = recv((2, 3), "float32", source=0, tag=4)
    assert isinstance(r.owner.op, MPIRecvWait) and r.type.ndim == 2
    assert isinstance(r.owner.inputs[0].owner.op, MPIRecv)
    s = send(at.vector("v"), dest=1, tag=2)
    assert s.owner is not None and len(mpi_cmps) == 2
    try:
        import mpi4py  # noqa: F401
    except ImportError:
        f = aesara.function([], r)
        with pytest.raises(ImportError, match="mpi4py"):
            f()


# ----------------------------------------------------------------------
# BLAS name modules
# ----------------------------------------------------------------------
def test_c_blas_names_are_our_ops():
    from aesara.tensor.blas import Gemv, Ger
    from aesara.tensor.blas_c import CGemv, CGer, cgemv_inplace, cger_no_inplace

    assert issubclass(CGemv, Gemv) and issubclass(CGer, Ger)
    assert str(cgemv_inplace) == "CGemv{inplace}"
    assert str(cger_no_inplace) == "CGer{non-destructive}"
    A, x, y = at.matrix("A"), at.vector("x"), at.vector("y")
    out = cgemv_inplace(y, 2.0, A, x, 0.5)
    f = aesara.function([A, x, In(y, mutable=True)], out, accept_inplace=True)
    Av, xv, yv = np.ones((2, 3)), np.arange(3.0), np.ones(2)
    np.testing.assert_allclose(f(Av, xv, yv.copy()), 0.5 * yv + 2.0 * Av @ xv)


def _ger_case(tag):
    import aesara.tensor.blas_c  # noqa: F401  (registers the rewrites)
    import aesara.tensor.blas_scipy  # noqa: F401

    A, x, y = at.matrix("A"), at.vector("x"), at.vector("y")
    rng = np.random.default_rng(0)
    values = [rng.normal(size=(2, 3)), rng.normal(size=3), rng.normal(size=2)]
    # A mutable ``A`` lets the destructive versions write into it.
    return (
        [In(A, mutable=True), x, y],
        A + at.outer(y, x),
        values,
        get_mode("FAST_RUN").including(tag),
    )


def _op_names(fg):
    return {type(n.op).__name__ for n in fg.apply_nodes}


def test_use_c_blas():
    ins, out, vals, mode = _ger_case("c_blas")
    fg = check_rewrite("use_c_blas", ins, out, vals, mode=mode)
    assert "CGer" in _op_names(fg)


def test_c_blas_destructive():
    ins, out, vals, mode = _ger_case("c_blas")
    fg = check_rewrite("c_blas_destructive", ins, out, vals, mode=mode)
    assert any(getattr(n.op, "destructive", False) for n in fg.apply_nodes)


def test_scipy_blas():
    ins, out, vals, mode = _ger_case("scipy_blas")
    fg = check_rewrite("scipy_blas", ins, out, vals, mode=mode)
    assert "ScipyGer" in _op_names(fg)


def test_make_scipy_blas_destructive():
    ins, out, vals, mode = _ger_case("scipy_blas")
    fg = check_rewrite("make_scipy_blas_destructive", ins, out, vals, mode=mode)
    assert any(getattr(n.op, "destructive", False) for n in fg.apply_nodes)


def test_default_modes_keep_plain_blas_ops():
    import aesara.tensor.blas_c  # noqa: F401

    A, x, y = at.matrix("A"), at.vector("x"), at.vector("y")
    f = aesara.function([A, x, y], A + at.outer(y, x))
    assert [type(n.op).__name__ for n in f.maker.fgraph.apply_nodes] == ["Ger"]


def test_ldflags(monkeypatch):
    from aesara.tensor import blas_c

    with aesara.config.change_flags(
        blas__ldflags="-L/opt/lib -lopenblas -lm -I/inc -O2"
    ):
        assert blas_c.ldflags() == ["openblas", "m"]
        assert blas_c.ldflags(libs=False, libs_dir=True) == ["/opt/lib"]
        assert blas_c.ldflags(libs=False, include_dir=True) == ["/inc"]
        assert blas_c.ldflags(libs=False, flags=True) == ["-O2"]


def test_blas_headers_declare_the_fortran_routines():
    from aesara.tensor.blas_headers import blas_header_text, blas_header_version

    text = blas_header_text()
    for routine in ("sgemm_", "dgemm_", "dgemv_", "dger_", "ddot_"):
        assert f" {routine}(" in text
    assert isinstance(blas_header_version(), tuple)


def test_elemwise_cgen_names_raise_with_a_pointer():
    from aesara.tensor import elemwise_cgen

    with pytest.raises(NotImplementedError, match="elemwise_kernel"):
        elemwise_cgen.make_loop([], [], [], {})


# ----------------------------------------------------------------------
# aesara.graph.sched
# ----------------------------------------------------------------------
def test_posort_respects_comparators_in_order():
    from aesara.graph.sched import posort

    def lower_tens(a, b):
        return a // 10 - b // 10

    def evens_first(a, b):
        return a % 2 - b % 2

    out = posort(list(range(20)), lower_tens, evens_first)
    assert sorted(out) == list(range(20))
    assert all(a // 10 <= b // 10 for a, b in zip(out, out[1:]))
    for decade in (out[:10], out[10:]):
        assert [v % 2 for v in decade] == [0] * 5 + [1] * 5


def test_sort_schedule_fn_orders_by_dependence_then_key():
    from aesara.graph.fg import FunctionGraph
    from aesara.graph.sched import (
        key_to_cmp,
        make_depends,
        reverse_dict,
        sort_schedule_fn,
    )

    x = at.vector("x")
    a = at.exp(x)
    b = at.log(x)
    out = a + b
    fg = FunctionGraph([x], [out], clone=False)
    by_name = key_to_cmp(lambda node: str(node.op))
    order = sort_schedule_fn(by_name)(fg)
    assert order[-1] is out.owner  # depends on both
    assert [str(n.op) for n in order[:2]] == sorted(str(n.op) for n in order[:2])
    depends = make_depends()
    assert depends((out.owner, a.owner)) and not depends((a.owner, out.owner))
    assert reverse_dict({"a": (1, 2), "b": (2,)}) == {1: ("a",), 2: ("a", "b")}


def test_schedule_drives_a_linker():
    from aesara.graph.sched import key_to_cmp, sort_schedule_fn
    from aesara.link.basic import PerformLinker

    x = at.vector("x")
    out = at.exp(x) + at.log(x)
    seen = []
    schedule = sort_schedule_fn(key_to_cmp(lambda node: str(node.op)))

    def recording(fgraph):
        order = schedule(fgraph)
        seen.append(order)
        return order

    mode = aesara.compile.mode.Mode(
        linker=PerformLinker(schedule=recording), optimizer=None
    )
    f = aesara.function([x], out, mode=mode)
    np.testing.assert_allclose(
        f(np.array([1.0, 2.0])), np.exp([1.0, 2.0]) + np.log([1.0, 2.0])
    )
    assert seen and len(seen[-1]) == 3


# ----------------------------------------------------------------------
# aesara.scalar extras
# ----------------------------------------------------------------------
def test_sympy_ccode_op():
    sympy_abc = pytest.importorskip("sympy.abc", reason="SymPyCCode needs sympy")
    from aesara.scalar.basic_sympy import SymPyCCode

    xs, ys = sympy_abc.x, sympy_abc.y
    op = SymPyCCode([xs, ys], xs**2 + ys)
    a, b = aes.float64("a"), aes.float64("b")
    out = op(a, b)
    assert out.type == aes.float64
    f = aesara.function([a, b], out)
    assert f(3.0, 2.0) == 11.0
    g = aesara.grad(out, a)
    assert g.eval({a: 3.0, b: 2.0}) == 6.0
    assert "double" in op.c_support_code() and op.c_headers() == ["<math.h>"]
    assert op.c_code(None, "n", ["i0", "i1"], ["o"], {}) == f"o = {op.name}(i0, i1);"
    assert pickle.loads(pickle.dumps(op)) == op
    with pytest.raises(TypeError, match="expected 2"):
        op(a)


def test_scalar_shared_variable():
    from aesara.scalar.sharedvar import ScalarSharedVariable, shared

    s = shared(3.0, name="s")
    assert isinstance(s, ScalarSharedVariable) and s.type == aes.float64
    x = aes.float64("x")
    f = aesara.function([x], x * s, updates=[(s, s + 1.0)])
    assert f(2.0) == 6.0 and s.get_value() == 4.0
    assert shared(np.int32(2)).type == aes.int32
    with pytest.raises(TypeError, match="expects a Python or NumPy number"):
        shared(np.zeros(2))
