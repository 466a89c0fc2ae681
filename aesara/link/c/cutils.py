"""Aesara's ``cutils`` module: the helper that runs a C thunk.

Aesara compiles a tiny ``cutils_ext`` module whose ``run_cthunk`` calls a
C thunk given as a capsule. aesara's compiled thunks are ordinary Python
callables (:mod:`aesara.link.c.node_module`), so :func:`run_cthunk` just
calls one and reports failure the way Aesara's did.
"""

from __future__ import annotations

from collections.abc import Callable

__all__ = ["run_cthunk"]


def run_cthunk(cthunk: Callable[[], object]) -> int:
    """Run a compiled thunk; return 0 on success.

    Raises
    ------
    TypeError
        When ``cthunk`` is not callable.
    Exception
        Whatever the thunk's C code raised.
    """
    if not callable(cthunk):
        raise TypeError(
            f"run_cthunk expects a compiled thunk (a callable), got "
            f"{type(cthunk).__name__}"
        )
    cthunk()
    return 0
