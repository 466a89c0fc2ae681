"""The Numba backend: whole graphs compiled to one Numba function (mode ``"NUMBA"``)."""

from aesara.link.numba.linker import NumbaLinker

__all__ = ["NumbaLinker"]
