"""SciPy's LAPACK, callable from nopython Numba code.

Numba's ``np.linalg`` covers the common factorizations; the linear-algebra
translations need a few LAPACK routines it does not expose (triangular
solves, QR pieces, the real eigenvalue problem with complex results, the
Schur form and the Sylvester equation) and LU solves (``?gesv``), which
Numba compiles several times faster than its own ``np.linalg.solve``.
``scipy.linalg.cython_lapack``
exports every LAPACK routine through ``__pyx_capi__``; each one used here is
declared to Numba as an external symbol (:class:`numba.types.ExternalFunction`)
whose address :func:`ensure_loaded` registers with LLVM, so compiled graphs
name the routine rather than embed an address and stay cacheable.

All LAPACK arguments are pointers: scalars go through :func:`ref` (a stack
slot in the calling function), matrices as column-major buffers made by
:func:`fortran_copy`. The routines come in single (``s``) and double (``d``)
precision; :func:`routines` builds the wrappers of one precision.
"""

from __future__ import annotations

import threading
from types import SimpleNamespace

import numba
import numpy as np
from numba import types
from numba.core import cgutils
from numba.extending import intrinsic

__all__ = ["ensure_loaded", "fortran_copy", "ref", "routines"]

# routine (without its precision letter) -> number of (pointer) arguments
_ROUTINES = {
    "geev": 14,
    "geqrf": 8,
    "orgqr": 9,
    "trtrs": 10,
    "potrs": 8,
    "gees": 15,
    "trsyl": 13,
    "gesv": 8,
}
_PREFIX = "aesara_cython_lapack_"

_loaded = False
_load_lock = threading.Lock()


def ensure_loaded() -> None:
    """Register the LAPACK routines' addresses under their symbol names (once).

    Must run before code calling these routines is compiled or loaded from
    the cache; the translations call it when they are built. Imports
    ``scipy.linalg.cython_lapack`` on first use only.

    Raises
    ------
    RuntimeError
        If a routine is missing or has an unexpected number of arguments.
    """
    global _loaded
    if _loaded:
        return
    with _load_lock:
        if _loaded:
            return
        import llvmlite.binding as llvm
        import scipy.linalg.cython_lapack as cl
        from numba.extending import get_cython_function_address

        from aesara.link.numba.dispatch.special import capsule_name

        for name, nargs in _ROUTINES.items():
            for ch in "sd":
                routine = ch + name
                capsule = cl.__pyx_capi__.get(routine)
                signature = capsule_name(capsule) if capsule is not None else ""
                if signature.count(",") + 1 != nargs:
                    raise RuntimeError(
                        f"scipy.linalg.cython_lapack.{routine}: expected {nargs} "
                        f"arguments, found {signature!r}"
                    )
                address = get_cython_function_address(
                    "scipy.linalg.cython_lapack", routine
                )
                llvm.add_symbol(_PREFIX + routine, address)
        _loaded = True


def _external(routine: str) -> types.ExternalFunction:
    nargs = _ROUTINES[routine[1:]]
    return types.ExternalFunction(
        _PREFIX + routine, types.void(*([types.voidptr] * nargs))
    )


@intrinsic
def ref(typingctx, value):
    """A pointer to a copy of the number ``value`` on the caller's stack.

    LAPACK takes every scalar argument by reference; the slot lives as long
    as the compiled function calling this.
    """
    if not isinstance(value, (types.Integer, types.Float)):
        return None

    def codegen(context, builder, sig, args):
        slot = cgutils.alloca_once_value(builder, args[0])
        return builder.bitcast(slot, cgutils.voidptr_t)

    return types.voidptr(value), codegen


@intrinsic
def _null(typingctx):
    """A null pointer (an absent callback)."""

    def codegen(context, builder, sig, args):
        return cgutils.voidptr_t(None)

    return types.voidptr(), codegen


_jit = numba.njit(error_model="numpy", fastmath=False)


@_jit
def fortran_copy(x, dtype):
    """A fresh column-major copy of the matrix ``x`` in ``dtype``, as its transpose.

    Returns ``buf`` of shape ``x.shape[::-1]``, C-contiguous: ``buf.T`` is
    ``x`` and ``buf``'s memory is ``x`` in column-major order.
    """
    buf = np.empty((x.shape[1], x.shape[0]), dtype)
    for i in range(x.shape[0]):
        for j in range(x.shape[1]):
            buf[j, i] = x[i, j]
    return buf


_C = {ch: np.uint8(ord(ch)) for ch in "NVLUTC"}
_N, _V, _L, _U, _T = _C["N"], _C["V"], _C["L"], _C["U"], _C["T"]


def _build(ch: str) -> SimpleNamespace:
    dtype = np.float32 if ch == "s" else np.float64
    geev = _external(ch + "geev")
    geqrf = _external(ch + "geqrf")
    orgqr = _external(ch + "orgqr")
    trtrs = _external(ch + "trtrs")
    potrs = _external(ch + "potrs")
    gees = _external(ch + "gees")
    trsyl = _external(ch + "trsyl")
    gesv = _external(ch + "gesv")
    ctype = np.complex64 if ch == "s" else np.complex128

    @_jit
    def eig(x):
        """``np.linalg.eig`` of a real square matrix, always complex (dgeev)."""
        n = x.shape[0]
        a = fortran_copy(x, dtype)
        wr = np.empty(n, dtype)
        wi = np.empty(n, dtype)
        vr = np.empty((n, n), dtype)  # column-major: vr.T is V
        vl = np.empty(1, dtype)
        info = np.zeros(1, np.int32)
        query = np.empty(1, dtype)
        n32 = np.int32(n)
        ld = np.int32(max(n, 1))
        geev(ref(_N), ref(_V), ref(n32), a.ctypes, ref(ld), wr.ctypes, wi.ctypes,
             vl.ctypes, ref(np.int32(1)), vr.ctypes, ref(ld), query.ctypes,
             ref(np.int32(-1)), info.ctypes)  # fmt: skip
        lwork = max(np.int32(query[0]), np.int32(1))
        work = np.empty(lwork, dtype)
        geev(ref(_N), ref(_V), ref(n32), a.ctypes, ref(ld), wr.ctypes, wi.ctypes,
             vl.ctypes, ref(np.int32(1)), vr.ctypes, ref(ld), work.ctypes,
             ref(np.int32(lwork)), info.ctypes)  # fmt: skip
        if info[0] > 0:
            raise np.linalg.LinAlgError("Eigenvalues did not converge")
        w = np.empty(n, ctype)
        v = np.empty((n, n), ctype)
        j = 0
        while j < n:
            w[j] = wr[j] + 1j * wi[j]
            if wi[j] == 0 or j == n - 1:
                for i in range(n):
                    v[i, j] = vr[j, i]
                j += 1
            else:
                # A conjugate pair: columns j and j+1 hold its real and
                # imaginary parts.
                w[j + 1] = wr[j + 1] + 1j * wi[j + 1]
                for i in range(n):
                    v[i, j] = vr[j, i] + 1j * vr[j + 1, i]
                    v[i, j + 1] = vr[j, i] - 1j * vr[j + 1, i]
                j += 2
        return w, v

    @_jit
    def qr_factor(x):
        """Householder QR of ``x`` (m x n): its column-major result and ``tau``."""
        m, n = x.shape
        k = min(m, n)
        a = fortran_copy(x, dtype)
        tau = np.zeros(k, dtype)
        info = np.zeros(1, np.int32)
        query = np.empty(1, dtype)
        if m == 0 or n == 0:
            return a, tau
        ld = np.int32(max(m, 1))
        geqrf(ref(np.int32(m)), ref(np.int32(n)), a.ctypes, ref(ld), tau.ctypes,
              query.ctypes, ref(np.int32(-1)), info.ctypes)  # fmt: skip
        lwork = max(np.int32(query[0]), np.int32(1))
        work = np.empty(lwork, dtype)
        geqrf(ref(np.int32(m)), ref(np.int32(n)), a.ctypes, ref(ld), tau.ctypes,
              work.ctypes, ref(np.int32(lwork)), info.ctypes)  # fmt: skip
        return a, tau

    @_jit
    def qr_q(a, tau, m, ncols):
        """The first ``ncols`` columns of Q from :func:`qr_factor`'s output (m x ncols)."""
        k = tau.shape[0]
        n = a.shape[0]
        q = np.zeros((ncols, m), dtype)  # column-major m x ncols
        for j in range(min(n, ncols)):
            for i in range(m):
                q[j, i] = a[j, i]
        if m == 0 or ncols == 0:
            return q.T
        info = np.zeros(1, np.int32)
        query = np.empty(1, dtype)
        ld = np.int32(max(m, 1))
        orgqr(ref(np.int32(m)), ref(np.int32(ncols)), ref(np.int32(k)), q.ctypes,
              ref(ld), tau.ctypes, query.ctypes, ref(np.int32(-1)), info.ctypes)  # fmt: skip
        lwork = max(np.int32(query[0]), np.int32(1))
        work = np.empty(lwork, dtype)
        orgqr(ref(np.int32(m)), ref(np.int32(ncols)), ref(np.int32(k)), q.ctypes,
              ref(ld), tau.ctypes, work.ctypes, ref(np.int32(lwork)), info.ctypes)  # fmt: skip
        return q.T

    @_jit
    def solve_triangular(a, b, lower, trans, unit_diagonal):
        """``op(A) x = b`` for a triangular ``a``; ``b`` is a matrix (n x nrhs)."""
        n = a.shape[0]
        nrhs = b.shape[1]
        af = fortran_copy(a, dtype)
        bf = fortran_copy(b, dtype)
        info = np.zeros(1, np.int32)
        if n > 0 and nrhs > 0:
            ld = np.int32(max(n, 1))
            trtrs(ref(_L if lower else _U), ref(_T if trans else _N),
                  ref(_U if unit_diagonal else _N), ref(np.int32(n)),
                  ref(np.int32(nrhs)), af.ctypes, ref(ld), bf.ctypes, ref(ld),
                  info.ctypes)  # fmt: skip
        if info[0] > 0:
            raise np.linalg.LinAlgError(
                "singular matrix: resolution failed at a zero diagonal element"
            )
        return bf.T

    @_jit
    def solve(a, b):
        """``a x = b`` by LU with partial pivoting (gesv); ``b`` is n x nrhs.

        Numba compiles this far faster than its own ``np.linalg.solve``.
        """
        n = a.shape[0]
        nrhs = b.shape[1]
        af = fortran_copy(a, dtype)
        bf = fortran_copy(b, dtype)
        ipiv = np.empty(max(n, 1), np.int32)
        info = np.zeros(1, np.int32)
        if n > 0 and nrhs > 0:
            ld = np.int32(max(n, 1))
            gesv(ref(np.int32(n)), ref(np.int32(nrhs)), af.ctypes, ref(ld),
                 ipiv.ctypes, bf.ctypes, ref(ld), info.ctypes)  # fmt: skip
        if info[0] > 0:
            raise np.linalg.LinAlgError("Matrix is singular.")
        return bf.T

    @_jit
    def cho_solve(c, b, lower):
        """``A x = b`` from the Cholesky factor ``c`` of ``A`` (no singularity check)."""
        n = c.shape[0]
        nrhs = b.shape[1]
        cf = fortran_copy(c, dtype)
        bf = fortran_copy(b, dtype)
        info = np.zeros(1, np.int32)
        if n > 0 and nrhs > 0:
            ld = np.int32(max(n, 1))
            potrs(ref(_L if lower else _U), ref(np.int32(n)), ref(np.int32(nrhs)),
                  cf.ctypes, ref(ld), bf.ctypes, ref(ld), info.ctypes)  # fmt: skip
        return bf.T

    @_jit
    def real_schur(x):
        """``(T, Z)`` with ``x = Z T Z^T``, ``T`` quasi-triangular (dgees)."""
        n = x.shape[0]
        t = fortran_copy(x, dtype)
        z = np.zeros((n, n), dtype)
        wr = np.empty(n, dtype)
        wi = np.empty(n, dtype)
        sdim = np.zeros(1, np.int32)
        bwork = np.zeros(max(n, 1), np.int32)
        info = np.zeros(1, np.int32)
        query = np.empty(1, dtype)
        if n == 0:
            return t.T, z.T
        ld = np.int32(n)
        gees(ref(_V), ref(_N), _null(), ref(np.int32(n)), t.ctypes, ref(ld),
             sdim.ctypes, wr.ctypes, wi.ctypes, z.ctypes, ref(ld), query.ctypes,
             ref(np.int32(-1)), bwork.ctypes, info.ctypes)  # fmt: skip
        lwork = max(np.int32(query[0]), np.int32(1))
        work = np.empty(lwork, dtype)
        gees(ref(_V), ref(_N), _null(), ref(np.int32(n)), t.ctypes, ref(ld),
             sdim.ctypes, wr.ctypes, wi.ctypes, z.ctypes, ref(ld), work.ctypes,
             ref(np.int32(lwork)), bwork.ctypes, info.ctypes)  # fmt: skip
        if info[0] > 0:
            raise np.linalg.LinAlgError(
                "Schur form not found. Possibly ill-conditioned."
            )
        return t.T, z.T

    @_jit
    def sylvester_quasi_triangular(t, f):
        """``Y`` with ``T Y + Y T^T = F`` for a quasi-triangular ``t`` (dtrsyl)."""
        n = t.shape[0]
        tf = fortran_copy(t, dtype)
        yf = fortran_copy(f, dtype)
        scale = np.ones(1, dtype)
        info = np.zeros(1, np.int32)
        if n > 0:
            ld = np.int32(n)
            trsyl(ref(_N), ref(_T), ref(np.int32(1)), ref(np.int32(n)),
                  ref(np.int32(n)), tf.ctypes, ref(ld), tf.ctypes, ref(ld),
                  yf.ctypes, ref(ld), scale.ctypes, info.ctypes)  # fmt: skip
        y = yf.T * scale[0]
        return y

    return SimpleNamespace(
        eig=eig,
        qr_factor=qr_factor,
        qr_q=qr_q,
        solve_triangular=solve_triangular,
        solve=solve,
        cho_solve=cho_solve,
        real_schur=real_schur,
        sylvester_quasi_triangular=sylvester_quasi_triangular,
    )


_BUILT: dict[str, SimpleNamespace] = {}


def routines(dtype: str) -> SimpleNamespace:
    """The jitted LAPACK wrappers working in ``dtype`` (``float32`` or ``float64``).

    Registers the LAPACK symbols first (:func:`ensure_loaded`).

    Raises
    ------
    TypeError
        For another dtype.
    """
    if dtype not in ("float32", "float64"):
        raise TypeError(f"LAPACK wrappers exist for float32 and float64, got {dtype}")
    ensure_loaded()
    ch = "s" if dtype == "float32" else "d"
    if ch not in _BUILT:
        _BUILT[ch] = _build(ch)
    return _BUILT[ch]
