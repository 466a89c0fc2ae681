"""Compiling generated C into extension modules through the cache."""

from __future__ import annotations

import warnings

import pytest

import aesara.link.c.compiler as compiler
from aesara.configdefaults import config
from aesara.configparser import change_flags
from aesara.link.c.cache import CompileCache
from aesara.link.c.compiler import (
    CompileError,
    c_compiler_available,
    compile_module,
    warn_no_compiler,
)

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
    import numpy as np

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
