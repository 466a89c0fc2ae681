"""The exceptions of the C backend, under Aesara's names.

:class:`CompileError` is the compiler driver's own class
(:class:`aesara.link.c.compiler.CompileError`), so catching either name
catches compile failures. :class:`MissingGXX` is raised when C code is
required (an op with no Python implementation) and no compiler works.
"""

from __future__ import annotations

from aesara.link.c.compiler import CompileError, CompilerNotFoundError

__all__ = ["CompileError", "MissingGXX"]


class MissingGXX(CompilerNotFoundError):
    """No working C compiler, and the code cannot run without one."""
