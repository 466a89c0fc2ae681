"""Math functions that LLVM may vectorise with glibc's ``libmvec``.

Numba calls libm one value at a time, so an element-wise loop of ``tanh``
or ``log1p`` runs at the speed of the scalar function (~10 ns a value),
while aesara's C backend calls glibc's SIMD versions of the same functions
(4 or 8 values per call). The functions here give Numba's loops the same
ones: each is a Numba intrinsic emitting an ordinary call to the libm
function (``tanh``, ``tanhf``...) whose declaration names its vector
variants (LLVM's ``vector-function-abi-variant`` attribute). LLVM's loop
vectoriser then calls ``_ZGVdN4v_tanh`` and friends on whole vectors; a
call it does not vectorise stays the libm call Numba would have made.

Only variants of instruction sets the compiling CPU has are named, so the
vectoriser never picks one the machine cannot run. Without ``libmvec``
(another libc, another architecture) or with
``config.numba__vector_math`` off, :func:`vector_function` returns
``None`` and the expression writers keep NumPy's functions.

glibc documents these variants as accurate to 4 ulp (libm: 1 ulp), the
same functions aesara's C kernels use.
"""

from __future__ import annotations

import ctypes
import platform
import threading
from typing import Any

__all__ = ["vector_function", "vector_math_available", "vector_math_key"]

# NumPy name -> (libm name of the float64 function, number of arguments).
_FUNCTIONS = {
    "exp": ("exp", 1),
    "exp2": ("exp2", 1),
    "expm1": ("expm1", 1),
    "log": ("log", 1),
    "log2": ("log2", 1),
    "log10": ("log10", 1),
    "log1p": ("log1p", 1),
    "sin": ("sin", 1),
    "cos": ("cos", 1),
    "tan": ("tan", 1),
    "arcsin": ("asin", 1),
    "arccos": ("acos", 1),
    "arctan": ("atan", 1),
    "sinh": ("sinh", 1),
    "cosh": ("cosh", 1),
    "tanh": ("tanh", 1),
    "arcsinh": ("asinh", 1),
    "arccosh": ("acosh", 1),
    "arctanh": ("atanh", 1),
    "erf": ("erf", 1),
    "erfc": ("erfc", 1),
    "arctan2": ("atan2", 2),
    "power": ("pow", 2),
}

# libmvec's instruction-set letters, the CPU feature each needs, and the
# number of float64 lanes of its vectors (float32: twice as many).
_ISAS = (("b", "sse4.1", 2), ("d", "avx2", 4), ("e", "avx512f", 8))

_lock = threading.RLock()
_state: dict[str, Any] = {}
_intrinsics: dict[str, Any] = {}


def _target_features() -> set[str]:
    """The CPU features Numba compiles for (the host's unless configured)."""
    import llvmlite.binding as ll
    import numba

    if numba.config.CPU_NAME:
        # A named CPU (e.g. "generic" for portable caches): its own features.
        features = numba.config.CPU_FEATURES or ""
        return {f[1:] for f in features.split(",") if f.startswith("+")}
    return {name for name, on in ll.get_host_cpu_features().items() if on}


def _load() -> dict[str, Any]:
    """Find libmvec, make its symbols visible to Numba's JIT, list the ISAs."""
    with _lock:
        if _state:
            return _state
        _state["isas"] = ()
        if platform.system() != "Linux" or platform.machine() not in (
            "x86_64",
            "AMD64",
        ):
            return _state
        try:
            import llvmlite.binding as ll

            lib = ctypes.CDLL("libmvec.so.1")
            ll.load_library_permanently("libmvec.so.1")
        except (OSError, RuntimeError, ImportError):
            return _state
        features = _target_features()
        isas = tuple(
            (letter, lanes) for letter, feature, lanes in _ISAS if feature in features
        )
        # Variants that this libmvec exports, per function and precision.
        names: dict[tuple[str, str], tuple] = {}
        for libm, arity in _FUNCTIONS.values():
            for suffix, scale in (("", 1), ("f", 2)):
                found = []
                for letter, lanes in isas:
                    width = lanes * scale
                    symbol = f"_ZGV{letter}N{width}{'v' * arity}_{libm}{suffix}"
                    if hasattr(lib, symbol):
                        found.append((symbol, width))
                names[libm, suffix] = tuple(found)
        _state["isas"] = isas
        _state["variants"] = names
        return _state


def vector_math_available() -> bool:
    """Whether element-wise loops may call libmvec (and the flag allows it)."""
    from aesara.configdefaults import config

    if not config.numba__vector_math:
        return False
    return bool(_load()["isas"])


def vector_math_key() -> str:
    """What compiled code depends on here (part of the disk-cache key)."""
    if not vector_math_available():
        return "scalar-libm"
    return "libmvec:" + ",".join(f"{isa}{n}" for isa, n in _load()["isas"])


def _declare(module, name: str, arity: int, ty, variants: tuple):
    """The libm function ``name`` in ``module``, naming its vector variants."""
    from llvmlite import ir

    fn = module.globals.get(name)
    if fn is None:
        fn = ir.Function(module, ir.FunctionType(ty, [ty] * arity), name=name)
    if not variants:
        return fn
    ptr = ir.PointerType(ir.IntType(8))
    used = []
    for symbol, width in variants:
        if symbol not in module.globals:
            vty = ir.VectorType(ty, width)
            used.append(
                ir.Function(module, ir.FunctionType(vty, [vty] * arity), symbol)
            )
    if used:
        # Unused declarations are deleted before the vectoriser runs; the
        # vectoriser only picks variants declared in the module.
        old = module.globals.get("llvm.compiler.used")
        items = list(old.initializer.constant) if old is not None else []
        items += [f.bitcast(ptr) for f in used]
        arr = ir.ArrayType(ptr, len(items))
        if old is None:
            old = ir.GlobalVariable(module, arr, name="llvm.compiler.used")
        old.value_type = arr
        old.type = arr.as_pointer()
        old.linkage = "appending"
        old.section = "llvm.metadata"
        old.initializer = ir.Constant(arr, items)
    for attr in ("nounwind", "readnone"):
        fn.attributes.add(attr)
    # llvmlite only knows LLVM's keyword attributes; a string attribute is
    # written as it appears in the IR.
    mapping = ",".join(symbol for symbol, _ in variants)
    set.add(fn.attributes, f'"vector-function-abi-variant"="{mapping}"')
    return fn


def _make_intrinsic(numpy_name: str):
    from llvmlite import ir
    from numba.core import types
    from numba.extending import intrinsic

    libm, arity = _FUNCTIONS[numpy_name]
    variants = _load()["variants"]

    def typer(args):
        if any(a != args[0] for a in args):
            return None
        if args[0] == types.float64:
            name, ty, found = libm, ir.DoubleType(), variants[libm, ""]
        elif args[0] == types.float32:
            name, ty, found = libm + "f", ir.FloatType(), variants[libm, "f"]
        else:
            return None

        def codegen(context, builder, signature, llargs):
            fn = _declare(builder.module, name, arity, ty, found)
            return builder.call(fn, llargs)

        return args[0](*args), codegen

    # Numba's intrinsics take a fixed number of arguments.
    if arity == 1:

        @intrinsic
        def vector_fn(typingctx, x):
            return typer((x,))

    else:

        @intrinsic
        def vector_fn(typingctx, x, y):
            return typer((x, y))

    vector_fn.__name__ = f"vector_{numpy_name}"
    return vector_fn


def vector_function(numpy_name: str, dtype: str) -> Any | None:
    """The intrinsic computing ``np.<numpy_name>`` on ``dtype`` values, or None.

    ``None`` where libmvec is not used (see the module docstring), for a
    function it has no variant of, or for a dtype other than float32/64.
    """
    if dtype not in ("float32", "float64") or numpy_name not in _FUNCTIONS:
        return None
    if not vector_math_available():
        return None
    libm = _FUNCTIONS[numpy_name][0]
    if not _load()["variants"].get((libm, "" if dtype == "float64" else "f")):
        return None
    with _lock:
        fn = _intrinsics.get(numpy_name)
        if fn is None:
            fn = _intrinsics[numpy_name] = _make_intrinsic(numpy_name)
    return fn
