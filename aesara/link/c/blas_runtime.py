"""Build and load the BLAS thunks (``blas_runtime.c``) of the C backend.

The extension module is compiled through the compile cache like the main
runtime; it links against no BLAS. The routines it calls are SciPy's: this
loader takes their addresses from the PyCapsules that
``scipy.linalg.cython_blas`` exports (``__pyx_capi__``) and registers them
with the module, so any machine with SciPy has a working BLAS.
"""

from __future__ import annotations

import threading
from pathlib import Path
from types import ModuleType

__all__ = ["BLAS_TYPE_INDEX", "blas_runtime_source", "get_blas_runtime"]

_SOURCE = Path(__file__).with_name("blas_runtime.c")
_lock = threading.Lock()
_module: ModuleType | None = None
_failed: dict[str, BaseException] = {}

BLAS_TYPE_INDEX = {"float32": 0, "float64": 1, "complex64": 2, "complex128": 3}
"""The module's scalar-type index of each dtype it handles."""

# Routine names per type index: gemm, gemv, ger (geru for complex), dot
# (complex vector products go through gemv: no complex return by value).
_ROUTINES = {
    0: ("sgemm", "sgemv", "sger", "sdot"),
    1: ("dgemm", "dgemv", "dger", "ddot"),
    2: ("cgemm", "cgemv", "cgeru", None),
    3: ("zgemm", "zgemv", "zgeru", None),
}


def blas_runtime_source() -> str:
    """The C source of the BLAS thunk module."""
    return _SOURCE.read_text()


def _cython_blas_capi() -> dict:
    """``scipy.linalg.cython_blas.__pyx_capi__``, without importing ``scipy.linalg``.

    Importing the ``scipy.linalg`` package costs about 0.3 s (mostly SciPy's
    array-API layer), several times what loading a compiled function from a
    warm cache takes, and the capsules only need the ``cython_blas``
    extension. It is loaded on its own and then taken out of ``sys.modules``
    again: a later ``import scipy.linalg`` imports it as usual (a Cython
    extension hands back the module it made), so SciPy sees no difference.
    """
    import sys

    name = "scipy.linalg.cython_blas"
    if "scipy.linalg" in sys.modules:
        from scipy.linalg import cython_blas

        return dict(cython_blas.__pyx_capi__)
    import importlib.machinery
    import importlib.util

    parent = importlib.util.find_spec("scipy.linalg")
    spec = None
    if parent is not None and parent.submodule_search_locations:
        spec = importlib.machinery.PathFinder.find_spec(
            name, list(parent.submodule_search_locations)
        )
    if spec is None or not isinstance(
        spec.loader, importlib.machinery.ExtensionFileLoader
    ):
        from scipy.linalg import cython_blas  # an unusual install: the usual way

        return dict(cython_blas.__pyx_capi__)
    module = importlib.util.module_from_spec(spec)
    try:
        spec.loader.exec_module(module)
        return dict(module.__pyx_capi__)
    finally:
        if sys.modules.get(name) is module and "scipy.linalg" not in sys.modules:
            del sys.modules[name]


def _register(module: ModuleType) -> None:
    capi = _cython_blas_capi()
    order = (module.R_GEMM, module.R_GEMV, module.R_GER, module.R_DOT)
    for t, names in _ROUTINES.items():
        for r, name in zip(order, names):
            if name is not None:
                module.set_routine(t, r, capi[name])


def get_blas_runtime() -> ModuleType:
    """The BLAS thunk module, compiled once per machine, with SciPy's routines set.

    Raises
    ------
    aesara.link.c.compiler.CompileError
        When the compiler cannot build it.
    ImportError
        When SciPy's ``cython_blas`` is missing.
    """
    global _module
    if _module is not None:
        return _module
    from aesara.link.c.compiler import _cxx, compile_module

    with _lock:
        if _module is not None:
            return _module
        cxx = _cxx()
        if cxx in _failed:
            raise _failed[cxx]
        try:
            # The thunks are glue around BLAS calls: the light flags (-O1,
            # no -march=native) compile in about 60% of the time of -O3.
            module = compile_module(blas_runtime_source(), "blas_runtime", light=True)
            _register(module)
        except Exception as e:
            _failed[cxx] = e
            raise
        _module = module
        return module
