"""Build and load the C runtime (``runtime.c``) shipped with the package.

The runtime is an extension module compiled through the compile cache, so a
machine builds it once and every later process only loads it. It provides:

* ``ElemwiseThunk``: runs a generated element-wise kernel on storage cells;
* ``CLoop``: the loop over a graph's thunks, with garbage collection;
* ``FastCall``: the positional call path of a compiled function;
* ``CallDescriptor``: lets ``Function.__call__`` reach ``FastCall`` without
  a Python frame.
"""

from __future__ import annotations

import threading
from pathlib import Path
from types import ModuleType

__all__ = ["get_runtime", "runtime_available", "runtime_source"]

_SOURCE = Path(__file__).with_name("runtime.c")
_lock = threading.Lock()
_runtime: ModuleType | None = None
_failed: dict[str, BaseException] = {}


def runtime_source() -> str:
    """The C source of the runtime."""
    return _SOURCE.read_text()


def _flags() -> tuple[str, ...]:
    # OpenMP is always compiled in; ``config.openmp`` decides at link time
    # whether a thunk may split its work across threads.
    return ("-fopenmp",)


def get_runtime() -> ModuleType:
    """The runtime module, compiled (once per machine) and loaded on first use.

    Raises
    ------
    aesara.link.c.compiler.CompileError
        When the compiler cannot build it.
    """
    global _runtime
    if _runtime is not None:
        return _runtime
    from aesara.link.c.compiler import _cxx, compile_module

    with _lock:
        if _runtime is not None:
            return _runtime
        cxx = _cxx()
        if cxx in _failed:
            raise _failed[cxx]
        try:
            _runtime = compile_module(runtime_source(), "runtime", extra_flags=_flags())
        except Exception as e:
            _failed[cxx] = e
            raise
        return _runtime


def runtime_available() -> bool:
    """Whether a C compiler works and the runtime builds."""
    from aesara.link.c.compiler import c_compiler_available

    if not c_compiler_available():
        return False
    try:
        get_runtime()
    except Exception:
        return False
    return True
