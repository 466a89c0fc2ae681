"""The standard Aesara configuration flags and the global ``config`` object.

Every flag Aesara understands is registered here by one of the
``add_*_configvars`` functions; :func:`add_aesara_flags` runs them all.  The
global :data:`config` is built by :func:`_create_default_config` from the
current ``AESARA_FLAGS`` and ``AESARARC`` environment variables.

All flags must be registered here: once they are, an ``AESARA_FLAGS`` entry
that names no known flag is an error.
"""

from __future__ import annotations

import os
import platform
import re
import shutil
import socket
import struct
import sys
from collections.abc import Mapping
from typing import Any

from aesara.configparser import (
    AesaraConfigParser,
    BoolParam,
    ConfigParam,
    DeviceParam,
    EnumStr,
    FloatParam,
    IntParam,
    StrParam,
)

__all__ = [
    "add_aesara_flags",
    "config",
    "default_compiledir_format_dict",
]

MODE_OPTIONS = (
    "Mode",
    "DebugMode",
    "DEBUG_MODE",
    "FAST_RUN",
    "FAST_COMPILE",
    "NanGuardMode",
    "JAX",
    "NUMBA",
)

NUMPY_SETERR_OPTIONS = ("ignore", "warn", "raise", "call", "print", "log", "None")


# ---------------------------------------------------------------------------
# Filters used by several flags
# ---------------------------------------------------------------------------


def _filter_mode(value: Any) -> Any:
    """Accept a mode name or an ``aesara.compile.mode.Mode`` instance."""
    if isinstance(value, str):
        if value in MODE_OPTIONS:
            return value
    else:
        # Checked by name: this module must not import aesara.compile.
        for cls in type(value).__mro__:
            if cls.__name__ == "Mode" and cls.__module__.startswith("aesara.compile"):
                return value
    allowed = ", ".join(repr(m) for m in MODE_OPTIONS)
    raise ValueError(
        f"allowed values are {allowed} or an aesara.compile.mode.Mode instance"
    )


def _filter_none_or_bool(value: Any) -> bool | None:
    """Accept ``None``/``True``/``False`` or their string spellings."""
    if value is None or isinstance(value, bool):
        return value
    if isinstance(value, str):
        lookup = {"none": None, "true": True, "false": False}
        key = value.strip().lower()
        if key in lookup:
            return lookup[key]
    raise ValueError("allowed values are 'None', 'True', 'False'")


def _filter_path(value: Any) -> str:
    """Expand ``~`` and environment variables and make `value` absolute."""
    if not isinstance(value, str | os.PathLike) or not os.fspath(value):
        raise ValueError("expected a non-empty path")
    return os.path.abspath(os.path.expandvars(os.path.expanduser(os.fspath(value))))


def _is_seed(value: str) -> bool:
    return value == "random" or value.strip().lstrip("-").isdigit()


def _non_negative(value: int | float) -> bool:
    return value >= 0


def _positive(value: int | float) -> bool:
    return value > 0


# ---------------------------------------------------------------------------
# Compilation directory
# ---------------------------------------------------------------------------


def default_compiledir_format_dict() -> dict[str, str]:
    """Return the substitutions available to the ``compiledir_format`` flag.

    Returns
    -------
    dict of str to str
        Keys ``platform``, ``short_platform``, ``processor``,
        ``python_version``, ``python_bitwidth``, ``python_int_bitwidth``,
        ``hostname`` and ``numpy_version``.
    """
    try:
        import numpy

        numpy_version = numpy.__version__
    except ImportError:  # pragma: no cover - numpy is a dependency
        numpy_version = "none"
    long_platform = platform.platform()
    # Keep only major.minor of the OS release, so that kernel updates do not
    # change the directory: "Linux-5.15.0-91-generic-x86_64-with-glibc2.35"
    # becomes "Linux-5.15-x86_64-with-glibc2.35".
    release = platform.release()
    major_minor = re.match(r"\d+\.\d+", release)
    short_platform = long_platform
    if release and major_minor:
        short_platform = long_platform.replace(release, major_minor.group(0))
    return {
        "platform": long_platform,
        "short_platform": short_platform,
        "processor": platform.processor() or platform.machine() or "unknown",
        "python_version": platform.python_version(),
        "python_bitwidth": str(struct.calcsize("P") * 8),
        "python_int_bitwidth": str(struct.calcsize("l") * 8),
        "hostname": socket.gethostname(),
        "numpy_version": numpy_version,
    }


def _sanitize_dirname(name: str) -> str:
    return re.sub(r"[^\w.+-]", "_", name)


def _validate_compiledir_format(fmt: str) -> bool:
    try:
        fmt % default_compiledir_format_dict()
    except (KeyError, ValueError, TypeError) as exc:
        raise ValueError(
            f"cannot be formatted with the available keys ({exc})"
        ) from exc
    return True


def _default_base_compiledir() -> str:
    if sys.platform == "win32" and os.environ.get("LOCALAPPDATA"):
        return os.path.join(os.environ["LOCALAPPDATA"], "Aesara")
    return os.path.join(os.path.expanduser("~"), ".aesara")


# ---------------------------------------------------------------------------
# Flag groups
# ---------------------------------------------------------------------------


def add_basic_configvars(config: AesaraConfigParser) -> None:
    """Register types, devices, modes and the optimizer flags."""
    config.add(
        "floatX",
        "Default floating-point precision for Python casts and new variables.",
        EnumStr("float64", ["float32", "float16"]),
        in_c_key=True,
    )
    config.add(
        "warn_float64",
        "What to do when a float64 variable is created (useful to keep a "
        "float32 graph free of float64).",
        EnumStr("ignore", ["warn", "raise", "pdb"]),
        in_c_key=False,
    )
    config.add(
        "cast_policy",
        "How result dtypes of operations are chosen: Aesara's own rules "
        "('custom') or NumPy's, with Python floats cast to floatX.",
        EnumStr("custom", ["numpy+floatX"]),
        in_c_key=False,
    )
    config.add(
        "deterministic",
        "'more' makes Aesara prefer deterministic (possibly slower) "
        "implementations when several exist.",
        EnumStr("default", ["more"]),
        in_c_key=False,
    )
    config.add(
        "device",
        "Default device for computations. Only 'cpu' is supported.",
        DeviceParam("cpu", mutable=False),
        in_c_key=True,
    )
    config.add(
        "mode",
        "Default compilation mode of aesara.function.",
        ConfigParam("Mode", apply=_filter_mode),
        in_c_key=False,
    )
    config.add(
        "linker",
        "Default linker used when the mode is 'Mode'.",
        EnumStr(
            "cvm",
            [
                "c|py",
                "py",
                "c",
                "c|py_nogc",
                "vm",
                "vm_nogc",
                "cvm_nogc",
                "jax",
                "numba",
            ],
        ),
        in_c_key=False,
    )
    config.add(
        "allow_gc",
        "Free intermediate results as soon as they are no longer needed. "
        "Disabling it uses more memory but can be faster.",
        BoolParam(True),
        in_c_key=False,
    )
    config.add(
        "optimizer",
        "Default graph rewriter used when the mode is 'Mode'.",
        EnumStr(
            "fast_run",
            ["merge", "fast_compile", "None", "o1", "o2", "o3", "o4", "unsafe"],
        ),
        in_c_key=False,
    )
    config.add(
        "optimizer_verbose",
        "Print a line for every rewrite that is applied.",
        BoolParam(False),
        in_c_key=False,
    )
    config.add(
        "optimizer_excluding",
        "Rewrite tags to exclude, separated by ':'.",
        StrParam(""),
        in_c_key=False,
    )
    config.add(
        "optimizer_including",
        "Rewrite tags to include, separated by ':'.",
        StrParam(""),
        in_c_key=False,
    )
    config.add(
        "optimizer_requiring",
        "Rewrite tags that must be present, separated by ':'.",
        StrParam(""),
        in_c_key=False,
    )
    config.add(
        "on_opt_error",
        "What to do when a rewrite raises: warn and skip it, raise, drop "
        "into pdb, or silently skip it.",
        EnumStr("warn", ["raise", "pdb", "ignore"]),
        in_c_key=False,
    )
    config.add(
        "nocleanup",
        "Keep temporary compilation directories and files.",
        BoolParam(False),
        in_c_key=False,
    )
    config.add(
        "on_unused_input",
        "What to do when an input of aesara.function is not used by its outputs.",
        EnumStr("raise", ["warn", "ignore"]),
        in_c_key=False,
    )
    config.add(
        "on_shape_error",
        "What to do when a shape inference error is detected.",
        EnumStr("warn", ["raise"]),
        in_c_key=False,
    )
    config.add(
        "cycle_detection",
        "How the destroy handler checks for cycles: 'regular' checks after "
        "every change, 'fast' skips some checks on inplace rewrites.",
        EnumStr("regular", ["fast"]),
        in_c_key=False,
    )
    config.add(
        "unpickle_function",
        "Unpickle compiled functions; when False, pickled functions load as None.",
        BoolParam(True),
        in_c_key=False,
    )
    config.add(
        "reoptimize_unpickled_function",
        "Rewrite the graph again when a compiled function is unpickled.",
        BoolParam(False),
        in_c_key=False,
    )


def add_compile_configvars(config: AesaraConfigParser) -> None:
    """Register the C compiler and compile-cache flags."""
    config.add(
        "cxx",
        "The C++ compiler used to build C implementations. Empty disables C "
        "code (only Python implementations are used).",
        StrParam(lambda: shutil.which("g++") or ""),
        in_c_key=False,
    )
    config.add(
        "gcc__cxxflags",
        "Extra flags passed to the C++ compiler.",
        StrParam(""),
        in_c_key=True,
    )
    config.add(
        "c_prebuilt_runtimes",
        "Load the C runtimes compiled when aesara was installed (when their "
        "source matches); False compiles them through the compile cache.",
        BoolParam(True),
        in_c_key=False,
    )
    config.add(
        "openmp",
        "Allow (some) C implementations to use OpenMP threads.",
        BoolParam(False),
        in_c_key=True,
    )
    config.add(
        "openmp_elemwise_minsize",
        "Minimum output size for which Elemwise uses OpenMP.",
        IntParam(200000, validate=_non_negative),
        in_c_key=True,
    )
    config.add(
        "blas__ldflags",
        "Linker flags for the BLAS library used by C implementations.",
        StrParam(""),
        in_c_key=True,
    )
    config.add(
        "lib__amblibm",
        "Use AMD's libm in C implementations of elementwise operations.",
        BoolParam(False),
        in_c_key=True,
    )
    config.add(
        "check_input",
        "Check the inputs of C implementations. Disabling it is faster but "
        "may crash on invalid inputs.",
        BoolParam(True),
        in_c_key=True,
    )
    config.add(
        "cmodule__warn_no_version",
        "Warn when an Op with C code has no version (and thus is never cached).",
        BoolParam(False),
        in_c_key=False,
    )
    config.add(
        "cmodule__remove_gxx_opt",
        "Remove optimization flags such as -O3 from the compiler command line.",
        BoolParam(False),
        in_c_key=True,
    )
    config.add(
        "cmodule__compilation_warning",
        "Print the warnings emitted by the C++ compiler.",
        BoolParam(False),
        in_c_key=False,
    )
    config.add(
        "cmodule__preload_cache",
        "Load every cached module when the compile cache is first used.",
        BoolParam(False),
        in_c_key=False,
    )
    config.add(
        "cmodule__age_thresh_use",
        "Cached modules unused for this many seconds are deleted.",
        IntParam(60 * 60 * 24 * 24, validate=_non_negative),
        in_c_key=False,
    )
    config.add(
        "cmodule__debug",
        "Compile C code with debug information and without optimization.",
        BoolParam(False),
        in_c_key=False,
    )
    config.add(
        "cmodule__mac_framework_link",
        "On macOS, link against the Python framework.",
        BoolParam(False),
        in_c_key=False,
    )
    config.add(
        "compile__wait",
        "Seconds to wait between attempts to take the compile-directory lock.",
        IntParam(5, validate=_positive),
        in_c_key=False,
    )
    config.add(
        "compile__timeout",
        "Seconds after which a compile-directory lock that was not refreshed "
        "is considered stale. 0 waits forever.",
        IntParam(120, validate=_non_negative),
        in_c_key=False,
    )


def add_caching_dir_configvars(config: AesaraConfigParser) -> None:
    """Register the compilation-directory flags."""
    config.add(
        "base_compiledir",
        "Directory under which the compilation directory is created.",
        ConfigParam(_default_base_compiledir, apply=_filter_path, mutable=False),
        in_c_key=False,
    )
    config.add(
        "compiledir_format",
        "Name of the compilation directory inside base_compiledir, a %-format "
        "string over: " + ", ".join(sorted(default_compiledir_format_dict())) + ".",
        StrParam(
            "compiledir_%(short_platform)s-%(processor)s-%(python_version)s-%(python_bitwidth)s",
            validate=_validate_compiledir_format,
            mutable=False,
        ),
        in_c_key=False,
    )

    def default_compiledir() -> str:
        name = config.compiledir_format % default_compiledir_format_dict()
        return os.path.join(config.base_compiledir, _sanitize_dirname(name))

    config.add(
        "compiledir",
        "Directory holding compiled C modules "
        "(default: base_compiledir/compiledir_<platform tag>).",
        ConfigParam(default_compiledir, apply=_filter_path, mutable=False),
        in_c_key=False,
    )
    config.add(
        "compiledir_max_bytes",
        "Soft limit on the total size of the compilation directory, in bytes.",
        IntParam(2 * 1024**3, validate=_non_negative),
        in_c_key=False,
    )
    config.add(
        "rewrite_cache",
        "Store rewritten graphs in the compile cache so that compiling the same "
        "graph again (in any process) skips the rewrites.",
        BoolParam(True),
        in_c_key=False,
    )


def add_tensor_configvars(config: AesaraConfigParser) -> None:
    """Register tensor-specific flags."""
    config.add(
        "tensor__cmp_sloppy",
        "Relax float comparisons in C code: 0 exact, 1 and 2 increasingly sloppy.",
        IntParam(0, validate=lambda v: v in (0, 1, 2)),
        in_c_key=True,
    )
    config.add(
        "tensor__local_elemwise_fusion",
        "Enable the rewrite that fuses consecutive Elemwise operations.",
        BoolParam(True),
        in_c_key=False,
    )


def add_traceback_configvars(config: AesaraConfigParser) -> None:
    """Register the flags controlling stored creation tracebacks."""
    config.add(
        "traceback__limit",
        "Number of stack frames stored with each variable's creation "
        "traceback. -1 stores all, 0 none.",
        IntParam(8),
        in_c_key=False,
    )
    config.add(
        "traceback__compile_limit",
        "Number of frames of Aesara's own code kept in those tracebacks.",
        IntParam(0),
        in_c_key=False,
    )


def add_error_and_warning_configvars(config: AesaraConfigParser) -> None:
    """Register error-reporting and warning flags."""
    config.add(
        "exception_verbosity",
        "Detail of the extra information added to runtime errors: 'low' or "
        "'high' (includes a debugprint of the failing node's inputs).",
        EnumStr("low", ["high"]),
        in_c_key=False,
    )
    config.add(
        "warn__ignore_bug_before",
        "Do not warn about bugs fixed before this version ('None' warns "
        "about all, 'all' about none).",
        StrParam("0.9"),
        in_c_key=False,
    )
    for kind in ("all", "divide", "over", "under", "invalid"):
        default = "ignore" if kind == "all" else "None"
        config.add(
            f"numpy__seterr_{kind}",
            f"numpy.seterr({kind}=...) setting used while running compiled "
            "functions ('None' leaves NumPy's setting unchanged"
            + (")." if kind == "all" else "; overrides numpy__seterr_all)."),
            EnumStr(default, NUMPY_SETERR_OPTIONS),
            in_c_key=False,
        )


def add_testvalue_and_checking_configvars(config: AesaraConfigParser) -> None:
    """Register test-value and consistency-checking flags."""
    config.add(
        "compute_test_value",
        "Compute graph nodes eagerly on the variables' test values: 'off' "
        "disables it; otherwise missing test values are ignored, warned "
        "about, raised, or open pdb.",
        EnumStr("off", ["ignore", "warn", "raise", "pdb"]),
        in_c_key=False,
    )
    config.add(
        "compute_test_value_opt",
        "Like compute_test_value, but used while rewriting graphs.",
        EnumStr("off", ["ignore", "warn", "raise", "pdb"]),
        in_c_key=False,
    )
    config.add(
        "print_test_value",
        "Include test values when printing variables.",
        BoolParam(False),
        in_c_key=False,
    )
    config.add(
        "pickle_test_value",
        "Include test values when pickling variables.",
        BoolParam(True),
        in_c_key=False,
    )
    config.add(
        "check_stack_trace",
        "After each rewrite, check that new variables carry a creation stack "
        "trace, and log, warn or raise if not.",
        EnumStr("off", ["log", "warn", "raise"]),
        in_c_key=False,
    )
    config.add(
        "check_preallocated_output",
        "Comma-separated list of preallocated-output checks DebugMode runs.",
        StrParam(""),
        in_c_key=False,
    )
    config.add(
        "unittests__rseed",
        "Seed used by the test suite; 'random' picks a new one each run.",
        StrParam("666", validate=_is_seed),
        in_c_key=False,
    )


def add_optimizer_configvars(config: AesaraConfigParser) -> None:
    """Register the rewrite database and meta-rewriter flags."""
    config.add(
        "metaopt__verbose",
        "Verbosity of the meta-rewriter: 0 silent, 1 report choices, 2 full.",
        IntParam(0),
        in_c_key=False,
    )
    config.add(
        "metaopt__optimizer_excluding",
        "Meta-rewriter tags to exclude, separated by ':'.",
        StrParam(""),
        in_c_key=False,
    )
    config.add(
        "metaopt__optimizer_including",
        "Meta-rewriter tags to include, separated by ':'.",
        StrParam(""),
        in_c_key=False,
    )
    config.add(
        "optdb__position_cutoff",
        "Only apply rewrites registered at a position lower than this.",
        FloatParam(float("inf")),
        in_c_key=False,
    )
    config.add(
        "optdb__max_use_ratio",
        "An equilibrium rewriter stops after applying this many rewrites per node.",
        FloatParam(8.0, validate=_positive),
        in_c_key=False,
    )


def add_vm_configvars(config: AesaraConfigParser) -> None:
    """Register virtual-machine flags."""
    config.add(
        "vm__lazy",
        "Lazy evaluation of ifelse/switch in the VM: None lets the linker "
        "decide, True forces it, False disables it.",
        ConfigParam("None", apply=_filter_none_or_bool),
        in_c_key=False,
    )


def add_scan_configvars(config: AesaraConfigParser) -> None:
    """Register Scan flags."""
    config.add(
        "scan__allow_gc",
        "Free intermediate results between Scan iterations.",
        BoolParam(False),
        in_c_key=False,
    )
    config.add(
        "scan__allow_output_prealloc",
        "Let Scan preallocate its outputs to reuse memory across iterations.",
        BoolParam(True),
        in_c_key=False,
    )
    config.add(
        "scan__debug",
        "Print debugging information while building Scan graphs.",
        BoolParam(False),
        in_c_key=False,
    )
    config.add(
        "scan__fused_kernel",
        "Under the C backend, run a Scan whose inner graph is small arithmetic "
        "(element-wise ops, vector and matrix products) as one generated C "
        "function (aesara.link.c.scan_kernel); False keeps the general C loop.",
        BoolParam(True),
        in_c_key=False,
    )


def add_profiling_configvars(config: AesaraConfigParser) -> None:
    """Register profiling flags."""
    config.add(
        "profile",
        "Profile compiled functions (time per node).",
        BoolParam(False),
        in_c_key=False,
    )
    config.add(
        "profile_optimizer",
        "Profile the graph rewriting phase.",
        BoolParam(False),
        in_c_key=False,
    )
    config.add(
        "profile_memory",
        "Also profile memory usage (requires profile).",
        BoolParam(False),
        in_c_key=False,
    )
    config.add(
        "print_global_stats",
        "Print global compilation statistics when the process exits.",
        BoolParam(False),
        in_c_key=False,
    )
    config.add(
        "profiling__n_apply",
        "Number of nodes listed in profile reports.",
        IntParam(20, validate=_positive),
        in_c_key=False,
    )
    config.add(
        "profiling__n_ops",
        "Number of Ops listed in profile reports.",
        IntParam(20, validate=_positive),
        in_c_key=False,
    )
    config.add(
        "profiling__output_line_width",
        "Maximum line width of profile reports.",
        IntParam(512, validate=_positive),
        in_c_key=False,
    )
    config.add(
        "profiling__min_memory_size",
        "Only report nodes whose outputs use at least this many bytes.",
        IntParam(1024, validate=_non_negative),
        in_c_key=False,
    )
    config.add(
        "profiling__min_peak_memory",
        "Only report functions whose peak memory use is the largest.",
        BoolParam(False),
        in_c_key=False,
    )
    config.add(
        "profiling__destination",
        "Where profile reports go: 'stderr', 'stdout' or a file name.",
        StrParam("stderr"),
        in_c_key=False,
    )
    config.add(
        "profiling__debugprint",
        "Include a debugprint of each profiled function.",
        BoolParam(False),
        in_c_key=False,
    )
    config.add(
        "profiling__ignore_first_call",
        "Do not count the first call of a function (it includes warm-up).",
        BoolParam(False),
        in_c_key=False,
    )


def add_debugmode_configvars(config: AesaraConfigParser) -> None:
    """Register DebugMode and NanGuardMode flags."""
    config.add(
        "DebugMode__patience",
        "Number of times DebugMode rewrites a graph to check that the rewrites "
        "are deterministic.",
        IntParam(10, validate=_positive),
        in_c_key=False,
    )
    config.add(
        "DebugMode__check_c",
        "Run C implementations in DebugMode (default: when a compiler is available).",
        BoolParam(lambda: bool(config.cxx)),
        in_c_key=False,
    )
    config.add(
        "DebugMode__check_py",
        "Run Python implementations in DebugMode.",
        BoolParam(True),
        in_c_key=False,
    )
    config.add(
        "DebugMode__check_finite",
        "Raise when DebugMode sees NaN or Inf values.",
        BoolParam(True),
        in_c_key=False,
    )
    config.add(
        "DebugMode__check_strides",
        "Compare output strides of implementations: 0 no, 1 warn, 2 raise.",
        IntParam(0, validate=lambda v: v in (0, 1, 2)),
        in_c_key=False,
    )
    config.add(
        "DebugMode__warn_input_not_reused",
        "Warn when an inplace output does not reuse its input's memory.",
        BoolParam(True),
        in_c_key=False,
    )
    config.add(
        "DebugMode__check_preallocated_output",
        "Pre-allocated output layouts DebugMode tries, separated by ':': "
        "initial, previous, c_contiguous, f_contiguous, strided, wrong_size, ALL.",
        StrParam(""),
        in_c_key=False,
    )
    config.add(
        "DebugMode__check_preallocated_output_ndim",
        "Maximum number of dimensions of preallocated outputs to check.",
        IntParam(4, validate=_positive),
        in_c_key=False,
    )
    for kind in ("nan", "inf", "big"):
        config.add(
            f"NanGuardMode__{kind}_is_error",
            f"NanGuardMode treats {kind} values as errors.",
            BoolParam(True),
            in_c_key=False,
        )
    config.add(
        "NanGuardMode__action",
        "What NanGuardMode does when it finds a problem.",
        EnumStr("raise", ["warn", "pdb"]),
        in_c_key=False,
    )


def add_numba_configvars(config: AesaraConfigParser) -> None:
    """Register Numba backend flags."""
    config.add(
        "numba__vectorize_target",
        "Target passed to numba.vectorize for Elemwise operations.",
        EnumStr("cpu", ["parallel", "cuda"]),
        in_c_key=False,
    )
    config.add(
        "numba__fastmath",
        "Compile Numba functions with fastmath.",
        BoolParam(True),
        in_c_key=False,
    )
    config.add(
        "numba__vector_math",
        "Let the Numba backend's element-wise loops call glibc's SIMD math "
        "functions (libmvec), as the C backend does, where they exist.",
        BoolParam(True),
        in_c_key=False,
    )
    config.add(
        "numba__cache",
        "Cache compiled Numba functions on disk.",
        BoolParam(True),
        in_c_key=False,
    )
    config.add(
        "numba__fallback",
        "What the Numba backend does with an op it cannot translate: 'warn' "
        "runs it in object mode (its Python perform) with one warning naming "
        "it; 'raise' refuses to compile the function.",
        EnumStr("warn", ["raise"]),
        in_c_key=False,
    )


def add_aesara_flags(config: AesaraConfigParser) -> AesaraConfigParser:
    """Register every standard Aesara flag on `config`.

    Parameters
    ----------
    config
        A parser with none of these flags registered yet.

    Returns
    -------
    AesaraConfigParser
        `config` itself.
    """
    add_basic_configvars(config)
    add_compile_configvars(config)
    add_caching_dir_configvars(config)
    add_tensor_configvars(config)
    add_traceback_configvars(config)
    add_error_and_warning_configvars(config)
    add_testvalue_and_checking_configvars(config)
    add_optimizer_configvars(config)
    add_vm_configvars(config)
    add_scan_configvars(config)
    add_profiling_configvars(config)
    add_debugmode_configvars(config)
    add_numba_configvars(config)
    return config


def _create_default_config(
    environ: Mapping[str, str] | None = None,
) -> AesaraConfigParser:
    """Build a parser with all standard flags, read from the environment.

    Parameters
    ----------
    environ
        Environment to read ``AESARA_FLAGS`` and ``AESARARC`` from; defaults
        to ``os.environ``.

    Returns
    -------
    AesaraConfigParser
        A new, independent parser.

    Raises
    ------
    ConfigError
        If ``AESARA_FLAGS`` names an unknown flag.
    ValueError
        If a user-provided value is invalid.
    """
    config = AesaraConfigParser.from_environment(environ)
    add_aesara_flags(config)
    config.check_unknown_flags()
    return config


config: AesaraConfigParser = _create_default_config()
