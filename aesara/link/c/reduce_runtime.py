"""Build and load the reduction runtime (``reduce_runtime.c``).

A small extension module, compiled once per machine through the compile
cache, holding ``ReduceThunk``: the thunk type that runs generated reduction
kernels (see :mod:`aesara.link.c.reduce_codegen`) on a node's storage cells.
"""

from __future__ import annotations

import threading
from pathlib import Path
from types import ModuleType

__all__ = ["get_reduce_runtime"]

_SOURCE = Path(__file__).with_name("reduce_runtime.c")
_lock = threading.Lock()
_module: ModuleType | None = None
_failed: dict[str, BaseException] = {}


def get_reduce_runtime() -> ModuleType:
    """The reduction runtime module, built on first use.

    Raises
    ------
    aesara.link.c.compiler.CompileError
        When the compiler cannot build it.
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
            # The loops are in the generated kernels; the glue needs only
            # the light flags (-O1), which compile fastest.
            _module = compile_module(_SOURCE.read_text(), "reduce_runtime", light=True)
        except Exception as e:
            _failed[cxx] = e
            raise
        return _module
