"""SciPy's compiled special functions, callable from nopython Numba code.

``scipy.special.cython_special`` exports the C functions behind the
:mod:`scipy.special` ufuncs (through ``__pyx_capi__``). Each one used here
is declared to Numba as an external symbol (:class:`numba.types.ExternalFunction`)
whose address :func:`ensure_loaded` registers with LLVM: the compiled code
calls SciPy's own implementation, so the values are SciPy's bit for bit,
and it refers to a symbol name rather than a raw address, so graphs using
it can still be stored in the on-disk cache (loading SciPy again registers
the names before a cached graph is linked).

Every exported ``cpdef`` function takes a trailing ``int`` (Cython's
"skip dispatch" flag), passed as 0. Fused-type functions are exported once
per specialisation (``__pyx_fuse_0psi``, ``__pyx_fuse_1psi``...); the one
with the wanted C signature is found by reading the capsule names.

SciPy computes ``betainc`` and ``erfinv`` with dedicated single-precision
kernels for ``float32`` inputs (the other functions compute in double and
round), so both precisions of those two are exported here.

The Hurwitz zeta function (needed by ``polygamma``/``tri_gamma``) is not
exported by SciPy; :func:`hurwitz_zeta` computes it by Euler-Maclaurin
summation, agreeing with ``scipy.special.zeta`` to a few units in the last
place.
"""

from __future__ import annotations

import ctypes
import threading
from fractions import Fraction
from math import factorial

import numba
import numpy as np
from numba import types

# Also attributes, built on first access (module ``__getattr__``): one jitted
# function per SciPy function (psi, gamma, gammainc, gammaincc, chdtrc,
# erfinv, erfcinv, erfcx, owens_t, betainc, hyp2f1, i0, i1, iv, j0, j1, jv;
# erfinv_f and betainc_f in single precision) and polygamma.
__all__ = ["ensure_loaded", "hurwitz_zeta", "trigamma"]

# our name -> (cython_special function, C result type, number of arguments)
_DOUBLE = "double"
_FLOAT = "float"
_EXPORTS: dict[str, tuple[str, str, int]] = {
    "psi": ("psi", _DOUBLE, 1),
    "gamma": ("gamma", _DOUBLE, 1),
    "gammainc": ("gammainc", _DOUBLE, 2),
    "gammaincc": ("gammaincc", _DOUBLE, 2),
    "chdtrc": ("chdtrc", _DOUBLE, 2),
    "erfinv": ("erfinv", _DOUBLE, 1),
    "erfinv_f": ("erfinv", _FLOAT, 1),
    "erfcinv": ("erfcinv", _DOUBLE, 1),
    "erfcx": ("erfcx", _DOUBLE, 1),
    "owens_t": ("owens_t", _DOUBLE, 2),
    "betainc": ("betainc", _DOUBLE, 3),
    "betainc_f": ("betainc", _FLOAT, 3),
    "hyp2f1": ("hyp2f1", _DOUBLE, 4),
    "i0": ("i0", _DOUBLE, 1),
    "i1": ("i1", _DOUBLE, 1),
    "iv": ("iv", _DOUBLE, 2),
    "j0": ("j0", _DOUBLE, 1),
    "j1": ("j1", _DOUBLE, 1),
    "jv": ("jv", _DOUBLE, 2),
}

_PREFIX = "aesara_cython_special_"


def _signature(ctype: str, nargs: int) -> str:
    """The capsule name Cython gives an exported function of this C signature."""
    args = ", ".join([ctype] * nargs)
    return f"{ctype} ({args}, int __pyx_skip_dispatch)"


def _external(name: str) -> types.ExternalFunction:
    _, ctype, nargs = _EXPORTS[name]
    num = types.float64 if ctype == _DOUBLE else types.float32
    return types.ExternalFunction(_PREFIX + name, num(*([num] * nargs), types.intc))


_loaded = False
_load_lock = threading.Lock()


def capsule_name(capsule) -> str:
    """The name of a Cython ``__pyx_capi__`` capsule: the function's C signature."""
    get_name = ctypes.pythonapi.PyCapsule_GetName
    get_name.restype = ctypes.c_char_p
    get_name.argtypes = [ctypes.py_object]
    return get_name(capsule).decode()


def special_export(capi: dict, fn: str, want: str) -> str:
    """The name under which ``cython_special`` exports ``fn`` with signature ``want``.

    Fused functions are exported once per specialisation
    (``__pyx_fuse_<k><fn>``).

    Raises
    ------
    RuntimeError
        If no export has that signature.
    """
    candidates = [fn] + [f"__pyx_fuse_{k}{fn}" for k in range(4)]
    export = next(
        (c for c in candidates if c in capi and capsule_name(capi[c]) == want),
        None,
    )
    if export is None:
        raise RuntimeError(
            f"scipy.special.cython_special exports no {fn} with the C "
            f"signature {want!r}"
        )
    return export


def ensure_loaded() -> None:
    """Register the SciPy functions' addresses under their symbol names (once).

    Must run before code calling the functions of this module is compiled or
    loaded from the cache; the scalar translations call it when they write a
    call. Imports ``scipy.special.cython_special`` on first use only.

    Raises
    ------
    RuntimeError
        If this SciPy exports no function of the expected signature.
    """
    global _loaded
    if _loaded:
        return
    with _load_lock:
        if _loaded:
            return
        import llvmlite.binding as llvm
        import scipy.special.cython_special as cs
        from numba.extending import get_cython_function_address

        capi = cs.__pyx_capi__
        for name, (fn, ctype, nargs) in _EXPORTS.items():
            export = special_export(capi, fn, _signature(ctype, nargs))
            address = get_cython_function_address(
                "scipy.special.cython_special", export
            )
            llvm.add_symbol(_PREFIX + name, address)
        _loaded = True


# No fast-math here: these functions rely on NaN/inf arithmetic.
_jit = numba.njit(error_model="numpy", fastmath=False)
_NO = np.intc(0)


def _make_wrapper(name: str):
    """A jitted ``name(*xs)`` converting any real numbers to the C argument type."""
    _, ctype, nargs = _EXPORTS[name]
    params = ", ".join(f"x{i}" for i in range(nargs))
    args = ", ".join(f"conv(x{i})" for i in range(nargs))
    namespace = {
        "ext": _external(name),
        "conv": np.float64 if ctype == _DOUBLE else np.float32,
        "skip": _NO,
    }
    exec(f"def {name}({params}):\n    return ext({args}, skip)\n", namespace)
    return _jit(namespace[name])


# name -> jitted function, built once the symbols are registered: Numba code
# calling an unregistered external symbol crashes the process, so the
# functions calling SciPy exist only after ensure_loaded().
_FUNCTIONS: dict = {}
_LAZY = frozenset(_EXPORTS) | {"polygamma"}
_build_lock = threading.Lock()


def _functions() -> dict:
    if _FUNCTIONS:
        return _FUNCTIONS
    with _build_lock:
        if _FUNCTIONS:
            return _FUNCTIONS
        ensure_loaded()
        built = {name: _make_wrapper(name) for name in _EXPORTS}
        psi, gamma = built["psi"], built["gamma"]

        @_jit
        def polygamma(n, x):
            """``scipy.special.polygamma(n, x)`` in float64: psi, or ``(-1)^(n+1) n! zeta(n+1, x)``."""
            if n == 0:
                return psi(x)
            nf = np.float64(n)
            sign = 1.0 if (n + 1) % 2 == 0 else -1.0
            return sign * gamma(nf + 1.0) * hurwitz_zeta(nf + 1.0, x)

        built["polygamma"] = polygamma
        _FUNCTIONS.update(built)
    return _FUNCTIONS


def __getattr__(name: str):
    # The SciPy-calling functions (psi, gammainc, ..., polygamma) are built
    # on first access, which registers SciPy's symbols first.
    if name in _LAZY:
        return _functions()[name]
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def _bernoulli_even(count: int) -> list[Fraction]:
    """``B_2, B_4, ..., B_{2 count}`` from ``sum_{k<m+1} C(m+1, k) B_k = 0``."""
    b = [Fraction(1)]
    for m in range(1, 2 * count + 1):
        acc = Fraction(0)
        binom = 1  # C(m + 1, k), updated along k
        for k in range(m):
            acc += binom * b[k]
            binom = binom * (m + 1 - k) // (k + 1)
        b.append(-acc / (m + 1))
    return [b[2 * j] for j in range(1, count + 1)]


_EM_TERMS = 12
# B_{2j} / (2j)! for j = 1..12: the Euler-Maclaurin correction coefficients.
_EM_COEFS = np.array(
    [
        float(bj / factorial(2 * j))
        for j, bj in enumerate(_bernoulli_even(_EM_TERMS), start=1)
    ]
)
_EPS = np.finfo(np.float64).eps


@_jit
def hurwitz_zeta(s, q):
    """``zeta(s, q) = sum_k (q + k) ** -s`` for real ``s > 1`` (as ``scipy.special.zeta``).

    ``s == 1`` and non-positive integer ``q`` give inf, ``s < 1`` (and a
    negative ``q`` with a non-integer ``s``) NaN.
    """
    s = np.float64(s)
    q = np.float64(q)
    if s == 1.0:
        return np.inf
    if not s > 1.0:
        return np.nan
    if q <= 0.0:
        if q == np.floor(q):
            return np.inf
        if s != np.floor(s):
            return np.nan
    # Sum the first terms directly until the shifted argument w is large
    # against s: the asymptotic tail's terms then shrink by ~(s/2 pi w)^2.
    threshold = max(10.0, s + 24.0)
    total = 0.0
    w = q
    while w < threshold:
        term = w**-s
        total += term
        w += 1.0
        if abs(term) <= _EPS * abs(total) and w > 0.0:
            # The remaining terms are below the last bit (large s).
            return total
    wms = w**-s
    total += w * wms / (s - 1.0) + 0.5 * wms
    # sum_j B_2j/(2j)! * s (s+1) ... (s+2j-2) * w^(-s-2j+1)
    rising = s
    power = wms / w
    inv_w2 = 1.0 / (w * w)
    for j in range(_EM_TERMS):
        term = _EM_COEFS[j] * rising * power
        total += term
        if abs(term) <= _EPS * abs(total):
            break
        rising *= (s + 2 * j + 1) * (s + 2 * j + 2)
        power *= inv_w2
    return total


@_jit
def trigamma(x):
    """``polygamma(1, x)`` in float64, +inf at the poles (non-positive integers)."""
    xf = np.float64(x)
    if xf <= 0.0 and xf == np.floor(xf):
        return np.inf
    return hurwitz_zeta(2.0, xf)
