"""CVMLinker: compiled element-wise thunks, the C loop and the fast call path."""

from __future__ import annotations

import os
import pickle
import shutil
import subprocess
import sys
import textwrap

import numpy as np
import pytest

from aesara.compile.function import function
from aesara.compile.mode import Mode, get_linker
from aesara.compile.sharedvalue import shared
from aesara.configdefaults import config
from aesara.link.c.compiler import c_compiler_available
from aesara.link.c.linker import CVM, CLinker, CVMLinker, OpWiseCLinker
from aesara.tensor.math import exp, log
from aesara.tensor.type import dmatrix, dscalar, dvector, lscalar, tensor

needs_cc = pytest.mark.skipif(
    not c_compiler_available(), reason="needs a working C compiler"
)
CVM_MODE = Mode("cvm", "fast_run")
PY_MODE = Mode("py", "fast_run")


def _kinds(f):
    return [type(t).__name__ for t in f.vm.thunks]


def test_linker_names_resolve_to_cvm():
    for name in ("cvm", "c", "c|py", "cvm_nogc", "c|py_nogc"):
        assert isinstance(get_linker(name), CVMLinker), name
    assert get_linker("cvm_nogc")._allow_gc is False
    assert OpWiseCLinker is CVMLinker and CLinker is CVMLinker
    assert not isinstance(get_linker("vm"), CVMLinker)


@needs_cc
def test_elemwise_nodes_get_c_thunks_and_c_loop():
    x, y = dvector("x"), dvector("y")
    f = function([x, y], exp(x) * y + 1, mode=CVM_MODE)
    assert isinstance(f.vm, CVM)
    assert "ElemwiseThunk" in _kinds(f)
    a, b = np.linspace(0, 1, 7), np.arange(7.0)
    np.testing.assert_allclose(f(a, b), np.exp(a) * b + 1)
    assert f._fast_call is not None


@needs_cc
@pytest.mark.parametrize("allow_gc", [True, False])
def test_values_match_python_linker(allow_gc):
    x, y = dmatrix("x"), dvector("y")
    z = log(exp(x) + y) * 2 - x.sum()
    mode = Mode(get_linker("cvm").clone(allow_gc=allow_gc), "fast_run")
    f = function([x, y], [z, x * y], mode=mode)
    g = function([x, y], [z, x * y], mode=PY_MODE)
    rng = np.random.default_rng(1)
    for _ in range(3):  # repeated calls exercise buffer reuse
        a = rng.normal(size=(4, 5))
        b = rng.normal(size=5)
        for r, e in zip(f(a, b), g(a, b)):
            np.testing.assert_allclose(r, e, rtol=1e-12)


@needs_cc
def test_runtime_broadcasting_and_strides():
    x = tensor(dtype="float64", shape=(None, None))
    y = tensor(dtype="float64", shape=(None, None))
    f = function([x, y], x * y + 1, mode=CVM_MODE)
    a = np.arange(24.0).reshape(4, 6)
    for u, v in [
        (a, np.arange(6.0)[None, :]),
        (a[::-1, ::2], np.arange(4.0)[:, None]),
        (a.T, a.T),
        (a[:, :1], a),
    ]:
        np.testing.assert_array_equal(f(u, v), u * v + 1)
    with pytest.raises(ValueError, match="could not be broadcast"):
        f(a, np.ones((3, 6)))


@needs_cc
def test_error_names_op_and_user_line():
    x, y = dvector("x"), dvector("y")
    f = function([x, y], x + y, mode=CVM_MODE)  # THE-USER-LINE
    with pytest.raises(ValueError) as info:
        f(np.ones(3), np.ones(4))
    msg = str(info.value)
    assert "Apply node that caused the error" in msg
    assert "add" in msg
    assert "Inputs shapes: [(3,), (4,)]" in msg
    assert __file__ in msg


@needs_cc
def test_inplace_graph_matches_and_keeps_inputs():
    x = dvector("x")
    f = function([x], exp(x) + 1, mode=CVM_MODE)  # the rewrite may work in place
    a = np.linspace(0, 2, 9)
    keep = a.copy()
    np.testing.assert_allclose(f(a), np.exp(keep) + 1)
    np.testing.assert_array_equal(a, keep)  # user inputs are never destroyed


@needs_cc
def test_outputs_are_not_recycled_between_calls():
    x = dvector("x")
    f = function([x], x * 2, mode=CVM_MODE)
    r1 = f(np.ones(3))
    r2 = f(np.full(3, 5.0))
    assert r1 is not r2
    np.testing.assert_array_equal(r1, [2, 2, 2])
    np.testing.assert_array_equal(r2, [10, 10, 10])


@needs_cc
def test_fast_call_semantics():
    s, t = dscalar("s"), dscalar("t")
    f = function([s, t], s * t, mode=CVM_MODE)
    assert f(1.5, 2.0) == 3.0 and isinstance(f(1.5, 2.0), np.ndarray)
    assert f(np.array(3.0), 2) == 6.0  # an int is converted too
    assert f(s=2.0, t=4.0) == 8.0
    with pytest.raises(TypeError, match="Missing required input"):
        f(1.0)
    with pytest.raises(TypeError, match="Bad input argument .* at index 1"):
        f(1.0, np.ones(2))
    with pytest.raises(TypeError, match="Bad input argument"):
        f(1.0, "x")
    f.trust_input = True
    assert f.trust_input is True and f._fast_call.trust_input == 1
    assert f(np.array(2.0), np.array(5.0)) == 10.0
    f.trust_input = False
    with pytest.raises(TypeError):
        f(1.0, np.ones(2))
    i = lscalar("i")
    g = function([i], i + 1, mode=CVM_MODE)
    assert g(41) == 42 and g(41).dtype == np.int64
    assert g(2**62) == 2**62 + 1
    with pytest.raises(TypeError):
        g(2**70)  # does not fit: the filter's error


@needs_cc
def test_fast_call_updates_subset_and_multiple_outputs():
    x = dvector("x")
    acc = shared(np.zeros(3), name="acc")
    f = function([x], [x + 1, x * 2], updates=[(acc, acc + x)], mode=CVM_MODE)
    r = f(np.ones(3))
    assert isinstance(r, list) and len(r) == 2
    f(np.ones(3))
    np.testing.assert_array_equal(acc.get_value(), [2, 2, 2])
    sub = f(np.ones(3), output_subset=[1])
    np.testing.assert_array_equal(sub[0], [2, 2, 2])
    np.testing.assert_array_equal(acc.get_value(), [3, 3, 3])
    d = function([x], {"a": x + 1}, mode=CVM_MODE)
    assert set(d(np.ones(2))) == {"a"}


@needs_cc
def test_pickled_function_relinks():
    x, y = dvector("x"), dvector("y")
    f = function([x, y], exp(x) - y, mode=CVM_MODE)
    g = pickle.loads(pickle.dumps(f))
    assert isinstance(g.vm, CVM) and "ElemwiseThunk" in _kinds(g)
    a, b = np.arange(3.0), np.ones(3)
    np.testing.assert_array_equal(g(a, b), f(a, b))


@needs_cc
def test_threads_on_and_off_agree():
    x, y = dmatrix("x"), dvector("y")
    rng = np.random.default_rng(3)
    a, b = rng.normal(size=(64, 257)), rng.normal(size=257)
    results = []
    for on in (False, True):
        with config.change_flags(openmp=on, openmp_elemwise_minsize=10):
            f = function([x, y], exp(x) * y - 1, mode=CVM_MODE)
        results.append(f(a, b))
        ew = [t for t in f.vm.thunks if type(t).__name__ == "ElemwiseThunk"]
        assert ew and all((t.thread_min >= 0) == on for t in ew)
    np.testing.assert_array_equal(results[0], results[1])


@needs_cc
def test_lazy_graph_keeps_stack_vm_with_c_thunks():
    from aesara.ifelse import ifelse

    c, x = lscalar("c"), dvector("x")
    f = function([c, x], ifelse(c, exp(x) + 1, x * 0), mode=CVM_MODE)
    assert not isinstance(f.vm, CVM)
    np.testing.assert_allclose(f(1, np.zeros(2)), [2.0, 2.0])
    np.testing.assert_array_equal(f(0, np.ones(2)), [0.0, 0.0])


def _run_without_c(path_env: str | None) -> subprocess.CompletedProcess:
    """Compile two functions with ``cxx=""`` in a fresh process.

    ``path_env`` replaces ``PATH`` there (``""``: no compiler can be found).
    The process prints how many "no working C compiler" warnings it saw.
    """
    code = textwrap.dedent(
        """
        import warnings
        import numpy as np
        from aesara.configdefaults import config
        from aesara.compile.function import function
        from aesara.compile.mode import Mode
        from aesara.tensor.type import dvector
        with warnings.catch_warnings(record=True) as w:
            warnings.simplefilter("always")
            with config.change_flags(cxx=""):
                x = dvector("x")
                f = function([x], x + 1, mode=Mode("cvm", "fast_run"))
                g = function([x], x * 3, mode=Mode("cvm", "fast_run"))
        assert type(f.vm).__name__ in ("Loop", "LoopGC"), type(f.vm)
        assert all(type(t).__name__ != "ElemwiseThunk" for t in f.vm.thunks)
        assert list(f(np.ones(2))) == [2.0, 2.0] and list(g(np.ones(1))) == [3.0]
        msgs = [str(x.message) for x in w if "no working C compiler" in str(x.message)]
        print("WARNINGS", len(msgs))
        """
    )
    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(__file__))))
    env = dict(os.environ, PYTHONPATH=root)
    if path_env is not None:
        env["PATH"] = path_env
    proc = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    return proc


def test_no_compiler_falls_back_with_one_warning():
    # No compiler on the machine at all: one warning for the whole process.
    proc = _run_without_c("")
    assert "WARNINGS 1" in proc.stdout, proc.stdout


@pytest.mark.skipif(shutil.which("g++") is None, reason="needs g++ on PATH")
def test_cxx_emptied_on_purpose_is_silent():
    # As in Aesara, ``cxx=""`` with a compiler installed is the user's choice
    # of Python-only code: it falls back without a warning.
    proc = _run_without_c(None)
    assert "WARNINGS 0" in proc.stdout, proc.stdout


@needs_cc
def test_call_descriptor_keeps_class_level_call():
    from aesara.compile.function.types import Function

    x = dvector("x")
    f = function([x], x + 1, mode=CVM_MODE)
    np.testing.assert_array_equal(Function.__call__(f, np.ones(2)), [2.0, 2.0])
    slow = function([x], x + 1, mode=Mode("vm", "fast_run"))
    assert slow._fast_call is None
    np.testing.assert_array_equal(slow(np.ones(2)), [2.0, 2.0])
