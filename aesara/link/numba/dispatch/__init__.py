"""Translations of ops to Numba, one module per op family.

Importing this package registers every translation with
:func:`numba_funcify`.
"""

# isort: off
from aesara.link.numba.dispatch.basic import (
    NumbaTranslationMissing,
    fgraph_to_numba,
    get_numba_type,
    numba_const_convert,
    numba_funcify,
    numba_njit,
    numba_typify,
)

# The families register their translations on import.
import aesara.link.numba.dispatch.scalar
import aesara.link.numba.dispatch.elemwise
import aesara.link.numba.dispatch.tensor_basic
import aesara.link.numba.dispatch.extra_ops
import aesara.link.numba.dispatch.nlinalg
import aesara.link.numba.dispatch.sparse
import aesara.link.numba.dispatch.random

# isort: on

__all__ = [
    "NumbaTranslationMissing",
    "fgraph_to_numba",
    "get_numba_type",
    "numba_const_convert",
    "numba_funcify",
    "numba_njit",
    "numba_typify",
]
