"""Build and load the C runtime (``runtime.c``) shipped with the package.

The runtime is an extension module compiled through the compile cache, so a
machine builds it once and every later process only loads it. It provides:

* ``ElemwiseThunk``: runs a generated element-wise kernel on storage cells;
* ``CLoop``: the loop over a graph's thunks, with garbage collection;
* ``CLazyLoop``: the on-demand loop of graphs with lazy nodes (``ifelse``);
* ``RandomThunk``: draws a random variable with one Generator method call;
* ``FastCall``: the positional call path of a compiled function;
* ``CallDescriptor``: lets ``Function.__call__`` reach ``FastCall`` without
  a Python frame.
"""

from __future__ import annotations

import threading
from pathlib import Path
from types import ModuleType

__all__ = ["build_runtime", "get_runtime", "runtime_available", "runtime_source"]

# Part 1 (thunks, the C loop), part 2 (the lazy loop), part 3 (the random
# variables' thunk) and part 4 (the call path, the module).
RUNTIME_FILES = ("runtime.c", "lazy_loop.c", "random_thunk.c", "call_path.c")
_lock = threading.Lock()
_runtime: ModuleType | None = None
_failed: dict[str, BaseException] = {}


def runtime_source() -> str:
    """The C source of the runtime (its files joined into one unit)."""
    from aesara.link.c.prebuilt import read_sources

    return read_sources(Path(__file__).parent, RUNTIME_FILES)


def _flags() -> tuple[str, ...]:
    # OpenMP is always compiled in; ``config.openmp`` decides at link time
    # whether a thunk may split its work across threads.
    return ("-fopenmp",)


def build_runtime() -> ModuleType:
    """Compile (or load from the cache) the runtime with the current ``config.cxx``.

    The runtime is glue code (calls, loops over thunks, argument checks),
    so it is built with the light flags: ``-O1`` without ``-march=native``
    compiles in about 40% of the time of ``-O3 -march=native``.

    Raises
    ------
    aesara.link.c.compiler.CompileError
        When the compiler cannot build it.
    """
    from aesara.link.c.compiler import compile_module

    return compile_module(runtime_source(), "runtime", extra_flags=_flags(), light=True)


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
    from aesara.link.c.compiler import _cxx

    with _lock:
        if _runtime is not None:
            return _runtime
        cxx = _cxx()
        if cxx in _failed:
            raise _failed[cxx]
        try:
            _runtime = build_runtime()
        except Exception as e:
            _failed[cxx] = e
            raise
        return _runtime


def runtime_available() -> bool:
    """Whether a C compiler works and the runtime builds."""
    from aesara.link.c.compiler import c_compiler_available

    # The availability test builds the runtime itself (nothing extra).
    if not c_compiler_available():
        return False
    try:
        get_runtime()
    except Exception:
        return False
    return True


def start_runtime_build() -> threading.Thread | None:
    """Start building/loading the runtime in a background thread.

    Lets the linker compile a graph's kernels while the runtime compiles
    (on a cold cache both are compiler runs of similar length). Returns
    the thread, or None when there is nothing to overlap: the runtime is
    loaded already, or ``config.cxx`` is empty, missing or known broken
    (then the caller asks :func:`runtime_available` directly).
    """
    import os
    import shutil

    from aesara.link.c.compiler import _cxx

    if _runtime is not None:
        return None
    cxx = _cxx()
    if not cxx or cxx in _failed or not (shutil.which(cxx) or os.path.isfile(cxx)):
        return None
    thread = threading.Thread(
        target=runtime_available, name="aesara-runtime-build", daemon=True
    )
    thread.start()
    return thread
