"""Translations of ops to Numba, one module per op family.

Importing this package registers every translation with
:func:`numba_funcify`.

Deliberately untranslated (they run in object mode, with the fallback
warning): the FFT ops ``Fourier``, ``RFFTOp`` and ``IRFFTOp``. Numba has no
FFT, and the pocketfft of NumPy and SciPy exports no C functions that
nopython code could call.
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
import aesara.link.numba.dispatch.subtensor
import aesara.link.numba.dispatch.extra_ops
import aesara.link.numba.dispatch.nlinalg
import aesara.link.numba.dispatch.products
import aesara.link.numba.dispatch.slinalg
import aesara.link.numba.dispatch.sparse
import aesara.link.numba.dispatch.random
import aesara.link.numba.dispatch.scan

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
