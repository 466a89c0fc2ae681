"""Compiling generated C into extension modules through the cache."""

from __future__ import annotations

import os
import shutil
import warnings

import numpy as np
import pytest

import aesara.link.c.compiler as compiler
from aesara.configdefaults import config
from aesara.configparser import change_flags
from aesara.link.c.cache import CompileCache
from aesara.link.c.compiler import (
    CompileError,
    ModuleLoadError,
    c_compiler_available,
    compile_module,
    compile_shared_library,
    warn_no_compiler,
)
from tests.link.c.test_cache_functions import rewrite_manifest

pytestmark = pytest.mark.skipif(
    not config.cxx, reason="no C compiler configured (config.cxx is empty)"
)

NUMPY_MODULE = r"""
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#define NPY_NO_DEPRECATED_API NPY_2_0_API_VERSION
#include <numpy/arrayobject.h>

/* Sum of a float64 array, any strides. */
static PyObject *total(PyObject *self, PyObject *arg) {
    PyArrayObject *a = (PyArrayObject *)PyArray_FROMANY(arg, NPY_DOUBLE, 0, 0, NPY_ARRAY_ALIGNED);
    if (!a) return NULL;
    NpyIter *it = NpyIter_New(a, NPY_ITER_READONLY, NPY_KEEPORDER, NPY_NO_CASTING, NULL);
    double s = 0;
    if (it && NpyIter_GetIterSize(it)) {
        NpyIter_IterNextFunc *next = NpyIter_GetIterNext(it, NULL);
        char **data = NpyIter_GetDataPtrArray(it);
        do { s += *(double *)data[0]; } while (next(it));
    }
    if (it) NpyIter_Deallocate(it);
    Py_DECREF(a);
    return PyFloat_FromDouble(s);
}
static PyMethodDef methods[] = {{"total", total, METH_O, ""}, {NULL, NULL, 0, NULL}};
static struct PyModuleDef def = {PyModuleDef_HEAD_INIT, "MODULE_NAME", NULL, -1, methods};
PyMODINIT_FUNC PyInit_MODULE_NAME(void) { import_array(); return PyModule_Create(&def); }
"""


def test_compile_numpy_module_and_reuse(tmp_path):
    cache = CompileCache(tmp_path / "c", max_bytes=0)
    mod = compile_module(NUMPY_MODULE, "total", cache=cache)
    x = np.arange(12.0).reshape(3, 4)[:, ::-2]
    assert mod.total(x) == x.sum()
    # Same source: the same loaded module, one cache entry.
    assert compile_module(NUMPY_MODULE, "total", cache=cache) is mod
    assert cache.info()["entries"] == 1
    (entry,) = cache.entries()
    assert entry.meta["kind"] == "total"


def test_compile_error_shows_compiler_message(tmp_path):
    cache = CompileCache(tmp_path / "c", max_bytes=0)
    bad = "#include <Python.h>\nint broken( {\n"
    with pytest.raises(CompileError, match="failed") as info:
        compile_module(bad, "broken", cache=cache)
    assert "error" in info.value.stderr
    with open(info.value.source_path) as f:
        assert "int broken(" in f.read()
    assert cache.info()["entries"] == 0


def test_no_compiler_means_unavailable_and_one_warning(monkeypatch):
    with change_flags(cxx=""):
        assert c_compiler_available() is False
        with pytest.raises(CompileError, match="config.cxx is empty"):
            compile_module("int x;", "nothing")
    with change_flags(cxx="/nonexistent/bin/gcc-none"):
        assert c_compiler_available() is False
    monkeypatch.setattr(compiler, "_warned", False)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        warn_no_compiler()
        warn_no_compiler()
    assert len(caught) == 1
    assert "Python VM" in str(caught[0].message)


def test_real_compiler_is_available():
    assert c_compiler_available() is True


# ----------------------------------------------------------------------
# Cached files that match their manifest but do not load
# ----------------------------------------------------------------------
def _moved_copy(first: CompileCache, dst) -> CompileCache:
    """A copy of ``first`` at a path this process never loaded anything from."""
    shutil.copytree(first.root, dst)
    return CompileCache(dst, max_bytes=0)


@pytest.mark.parametrize("how", ["garbage", "foreign"])
def test_module_that_does_not_load_is_rebuilt(tmp_path, monkeypatch, how):
    source = NUMPY_MODULE + f"\n/* {tmp_path.name} */\n"  # a key of its own
    first = CompileCache(tmp_path / "a", max_bytes=0)
    compile_module(source, "total", cache=first)
    if how == "garbage":
        bad = b"\x7fELF" + bytes(300)
    else:
        # A loadable library without the module's init function: dlopen()
        # succeeds and keeps it mapped under the entry's path.
        lib = compile_shared_library(
            "int not_a_module(void) { return 1; }", "foreign", cache=first
        )
        bad = lib.read_bytes()
    cache = _moved_copy(first, tmp_path / "b")
    (entry,) = [e for e in cache.entries() if e.meta["kind"] == "total"]
    so = next(p for p in entry.path.iterdir() if p.suffix == ".so")
    so.write_bytes(bad)
    rewrite_manifest(entry.path)
    monkeypatch.setattr(compiler, "_module_memo", {})
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        mod = compile_module(source, "total", cache=cache)
    assert mod.total(np.arange(4.0)) == 6.0
    rebuilt = cache.get(entry.key)
    assert rebuilt.created != entry.created
    assert (rebuilt.path / so.name).read_bytes() != bad
    assert mod.__file__ == str(rebuilt.path / so.name)
    assert list((cache.root / "tmp").iterdir()) == []


def test_module_that_never_loads_is_rebuilt_once_then_a_clear_error(
    tmp_path, monkeypatch
):
    source = NUMPY_MODULE + f"\n/* {tmp_path.name} */\n"
    cache = CompileCache(tmp_path / "c", max_bytes=0)
    builds = []
    real_compile = compiler._compile_c

    def counting_compile(*args, **kwargs):
        builds.append(1)
        return real_compile(*args, **kwargs)

    def failing_load(name, path):
        raise ImportError(f"{path}: simulated loader failure")

    monkeypatch.setattr(compiler, "_compile_c", counting_compile)
    monkeypatch.setattr(compiler, "_load", failing_load)
    with pytest.raises(ModuleLoadError) as info:
        compile_module(source, "total", cache=cache)
    assert isinstance(info.value, ImportError)
    (entry,) = cache.entries()
    so = next(p for p in entry.path.iterdir() if p.suffix == ".so")
    assert info.value.path == str(so)
    assert str(so) in str(info.value) and "even freshly rebuilt" in str(info.value)
    assert "simulated loader failure" in info.value.reason
    assert len(builds) == 2


def test_shared_library_that_does_not_load_is_rebuilt(tmp_path):
    import ctypes

    name = f"aesara_probe_{tmp_path.name.replace('-', '_')}"
    source = f'__attribute__((visibility("default"))) int {name}(void) {{ return 7; }}'

    first = CompileCache(tmp_path / "a", max_bytes=0)
    compile_shared_library(source, "probe", cache=first)
    cache = _moved_copy(first, tmp_path / "b")
    (entry,) = cache.entries()
    (entry.path / "kernel.so").write_bytes(b"\x7fELF" + bytes(100))
    rewrite_manifest(entry.path)
    path = compile_shared_library(source, "probe", cache=cache)
    assert path == entry.path / "kernel.so"
    assert getattr(ctypes.CDLL(str(path)), name)() == 7
    assert cache.get(entry.key).created != entry.created


def test_warning_says_what_failed(monkeypatch):
    def warning_for(failure) -> str:
        monkeypatch.setattr(compiler, "_warned", False)
        monkeypatch.setattr(compiler, "_failures", {config.cxx: failure})
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            warn_no_compiler()
        (w,) = caught
        return str(w.message)

    so = "/cache/entries/ab/abcd/module.so"
    message = warning_for(
        ModuleLoadError(
            "does not load",
            path=so,
            reason="/cache/tmp/load-1/x.so: invalid ELF header",
        )
    )
    assert f"the compiled C runtime {so} does not load" in message
    assert "(invalid ELF header)" in message
    assert "no working C compiler" not in message and "Install gcc" not in message
    message = warning_for(CompileError("Compiling the runtime failed: boom"))
    assert "no working C compiler" in message and "boom" in message
    message = warning_for(OSError(28, "No space left on device"))
    assert "No space left on device" in message and "Install gcc" not in message


def _mapped_kernels() -> set:
    with open("/proc/self/maps") as f:
        return {line.split()[-1] for line in f if line.rstrip().endswith("kernel.so")}


@pytest.mark.skipif(
    not os.path.exists("/proc/self/maps"), reason="needs /proc/self/maps (Linux)"
)
def test_kernels_of_dead_functions_are_unloaded(monkeypatch):
    """Loaded kernels are bounded: a long-running process compiling many
    distinct graphs used to map every kernel forever, until the process ran
    out of memory mappings (vm.max_map_count) and could not load anything."""
    import gc

    import aesara
    import aesara.tensor as at

    monkeypatch.setattr(compiler, "_MAX_PINNED", 4)
    x = at.dvector("x")
    before = _mapped_kernels()
    keep = aesara.function([x], at.exp(x * 1.25) - 0.125)
    for i in range(12):
        f = aesara.function([x], at.exp(x * (i + 0.5)) + i)
        np.testing.assert_allclose(f(np.ones(2)), np.exp(i + 0.5) + i)
        del f
    gc.collect()
    mapped = _mapped_kernels() - before
    # The live function's kernel and at most the pinned ones stay mapped.
    assert len(mapped) <= 4 + 1, mapped
    # The function whose kernel was unpinned still runs (its own reference).
    np.testing.assert_allclose(keep(np.ones(2)), np.exp(1.25) - 0.125)
    # And the same graph compiles again (the kernel is found in the cache).
    g = aesara.function([x], at.exp(x * 0.5) + 0)
    np.testing.assert_allclose(g(np.ones(2)), np.exp(0.5))
