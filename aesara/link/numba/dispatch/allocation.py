"""Large arrays allocated by compiled Numba code, backed by huge pages.

NumPy asks Linux for transparent huge pages (``madvise(MADV_HUGEPAGE)``)
on every allocation of 4 MiB or more; Numba's runtime allocates with plain
``malloc``, so each call that fills a large new output faults it in 4 KiB
page by page (80 MB: 20,000 page faults, most of an element-wise loop's
time). :func:`advise_huge_pages` gives arrays allocated in compiled code
NumPy's treatment, and follows NumPy's own switch
(``NUMPY_MADVISE_HUGEPAGE``, :func:`numpy._core.multiarray._set_madvise_hugepage`)
as it was when this module was imported.

``madvise`` is declared by name in the generated code, so the machine code
that Numba caches on disk resolves it again when loaded (no address baked
in).
"""

from __future__ import annotations

import sys

import numba
from llvmlite import ir
from numba.core import types
from numba.extending import intrinsic

__all__ = ["advise_huge_pages", "huge_pages_enabled"]

# NumPy's threshold and Linux's MADV_HUGEPAGE.
_MIN_BYTES = 1 << 22
_MADV_HUGEPAGE = 14
_PAGE = 4096


def huge_pages_enabled() -> bool:
    """Whether NumPy advises huge pages in this process (Linux only)."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        from numpy._core.multiarray import _get_madvise_hugepage
    except ImportError:  # pragma: no cover - older NumPy layout
        return False
    return bool(_get_madvise_hugepage())


@intrinsic
def _madvise(typingctx, address, length, advice):
    if not all(isinstance(t, types.Integer) for t in (address, length, advice)):
        return None
    sig = types.int32(types.intp, types.intp, types.int32)

    def codegen(context, builder, signature, args):
        i8p = ir.IntType(8).as_pointer()
        fnty = ir.FunctionType(ir.IntType(32), [i8p, ir.IntType(64), ir.IntType(32)])
        fn = builder.module.globals.get("madvise")
        if fn is None:
            fn = ir.Function(builder.module, fnty, name="madvise")
        addr, size, adv = args
        return builder.call(fn, [builder.inttoptr(addr, i8p), size, adv])

    return sig, codegen


if huge_pages_enabled():

    @numba.njit(cache=False)
    def advise_huge_pages(arr):
        """Ask for huge pages under ``arr``'s data when it is 4 MiB or more."""
        nbytes = arr.size * arr.itemsize
        if nbytes >= _MIN_BYTES:
            start = arr.ctypes.data
            aligned = (start + _PAGE - 1) & ~(_PAGE - 1)
            # Advice only: a failure leaves ordinary pages.
            _madvise(aligned, start + nbytes - aligned, _MADV_HUGEPAGE)

else:

    @numba.njit(cache=False)
    def advise_huge_pages(arr):
        """Nothing to do here (not Linux, or NumPy's huge pages are off)."""
        return
