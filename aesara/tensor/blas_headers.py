"""C declarations of the BLAS routines, for C code that calls BLAS directly.

aesara's own C backend does not link against a BLAS library: its BLAS
thunks (:mod:`aesara.link.c.blas_runtime`) call the routines SciPy ships,
through the function pointers of ``scipy.linalg.cython_blas``. This module
is for *user* C code (an op's ``c_support_code``) that wants to call BLAS
itself and links with ``config.blas__ldflags`` (see
:func:`aesara.tensor.blas_c.ldflags`): it provides the Fortran-interface
prototypes (``dgemm_``...) such code needs, under the names Aesara used.
"""

from __future__ import annotations

__all__ = [
    "blas_header_text",
    "blas_header_version",
    "cblas_header_text",
    "detect_macos_sdot_bug",
    "mkl_threads_text",
    "openblas_threads_text",
]

# (routine, C return type, argument list) of the Fortran interface; every
# argument is passed by pointer, as Fortran does.
_FORTRAN_ROUTINES = [
    (
        "gemm",
        "void",
        "const char*, const char*, const int*, const int*, const int*, const {t}*, "
        "const {t}*, const int*, const {t}*, const int*, const {t}*, {t}*, const int*",
    ),
    (
        "gemv",
        "void",
        "const char*, const int*, const int*, const {t}*, const {t}*, const int*, "
        "const {t}*, const int*, const {t}*, {t}*, const int*",
    ),
    (
        "ger",
        "void",
        "const int*, const int*, const {t}*, const {t}*, const int*, const {t}*, "
        "const int*, {t}*, const int*",
    ),
    ("dot", "{t}", "const int*, const {t}*, const int*, const {t}*, const int*"),
    ("scal", "void", "const int*, const {t}*, {t}*, const int*"),
    (
        "axpy",
        "void",
        "const int*, const {t}*, const {t}*, const int*, {t}*, const int*",
    ),
]


def blas_header_text() -> str:
    """C prototypes of the single and double precision Fortran BLAS routines.

    ``sgemm_``/``dgemm_``, ``?gemv_``, ``?ger_``, ``?dot_``, ``?scal_`` and
    ``?axpy_``, wrapped in ``extern "C"`` for C++ compilers.
    """
    lines = ["#ifdef __cplusplus", 'extern "C" {', "#endif"]
    for prefix, ctype in (("s", "float"), ("d", "double")):
        for name, ret, args in _FORTRAN_ROUTINES:
            lines.append(
                f"{ret.format(t=ctype)} {prefix}{name}_({args.format(t=ctype)});"
            )
    lines += ["#ifdef __cplusplus", "}", "#endif", ""]
    return "\n".join(lines)


def cblas_header_text() -> str:
    """The C interface: includes ``<cblas.h>`` (the library must provide it)."""
    return "#include <cblas.h>\n"


def blas_header_version() -> tuple[int, ...]:
    """Version of the text above, for ``c_code_cache_version`` of ops using it."""
    return (1, int(detect_macos_sdot_bug()))


def detect_macos_sdot_bug() -> bool:
    """Whether ``sdot_`` returns a double (the old macOS Accelerate ABI).

    aesara does not link a BLAS library itself, so it cannot probe one; this
    reports False everywhere. Code linking Accelerate on macOS should call
    ``cblas_sdot`` (see :func:`cblas_header_text`), which has no such issue.
    """
    return False


def mkl_threads_text() -> str:
    """C helpers ``mkl_get_max_threads``/``mkl_set_num_threads`` (MKL's own)."""
    return (
        "int MKL_Get_Max_Threads(void);\n"
        "void MKL_Set_Num_Threads(int);\n"
        "static int mkl_get_max_threads(void) { return MKL_Get_Max_Threads(); }\n"
        "static void mkl_set_num_threads(int n) { MKL_Set_Num_Threads(n); }\n"
    )


def openblas_threads_text() -> str:
    """C declarations of OpenBLAS's thread-count functions."""
    return "int openblas_get_num_threads(void);\nvoid openblas_set_num_threads(int);\n"
