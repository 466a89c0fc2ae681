"""Aesara's ``cvm`` module: the VM whose loop runs in C.

aesara's C loop is the runtime's ``CLoop``, driven by
:class:`aesara.link.c.linker.CVM`; this module gives it Aesara's import
path. ``CVM`` is only usable when the C runtime builds (a working
compiler); the class itself is always importable.
"""

from __future__ import annotations

from aesara.link.c.linker import CVM

__all__ = ["CVM"]
