"""Linkers: turn a FunctionGraph into a callable that computes its outputs.

A linker allocates one storage cell per variable, asks every node for a thunk
(a zero-argument callable reading its inputs' cells and writing its outputs'
cells) and arranges the thunks into a virtual machine (:mod:`aesara.link.vm`)
or a single compiled function (:class:`aesara.link.basic.JITLinker`).
"""

from aesara.link.basic import (
    Container,
    JITLinker,
    Linker,
    LocalLinker,
    PerformLinker,
    WrapLinker,
    WrapLinkerMany,
)
from aesara.link.vm import VMLinker
