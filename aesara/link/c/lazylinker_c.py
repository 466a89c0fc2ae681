"""Aesara's ``lazylinker_c`` module, over aesara's C runtime.

In Aesara this module compiles and imports the ``lazylinker_ext``
extension, whose ``CLazyLinker`` runs the thunks of a function. aesara's
equivalent is the runtime's ``CLoop`` (:mod:`aesara.link.c.runtime`), used
by :class:`aesara.link.c.linker.CVM`; this module exposes the names.
"""

from __future__ import annotations

from aesara.link.c.linker import CVM

__all__ = ["CLazyLinker", "get_version", "version"]

#: The version of the C loop's interface exposed here.
version = 1

#: What runs a function's thunks from C (Aesara's ``CLazyLinker``).
CLazyLinker = CVM


def get_version() -> int:
    """The version of the C loop (:data:`version`)."""
    return version
