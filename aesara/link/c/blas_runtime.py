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


def _register(module: ModuleType) -> None:
    from scipy.linalg import cython_blas

    capi = cython_blas.__pyx_capi__
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
