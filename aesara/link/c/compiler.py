"""Compile generated C into Python extension modules, through the compile cache.

:func:`compile_module` turns C source (a complete extension module defining
``PyInit_<name>``) into an imported module. The built ``.so`` is stored in
the :class:`~aesara.link.c.cache.CompileCache` under a key made from the
source, the compiler's identity, the flags, the CPU features the flags
depend on and the Python/NumPy ABI, so each distinct kernel is compiled
once per machine and then only loaded.

:func:`c_compiler_available` says whether ``config.cxx`` can build modules;
when it cannot, callers fall back to the Python VM and :func:`warn_no_compiler`
emits one warning per process, naming what failed.

A cached module or library that passes its digest check but does not load
(written damaged and its manifest regenerated, built for another system) is
discarded and built once more; only when the rebuilt file does not load
either is :class:`ModuleLoadError` raised, with the path and the loader's
message.
"""

from __future__ import annotations

import functools
import hashlib
import importlib.machinery
import importlib.util
import os
import platform
import re
import shlex
import shutil
import subprocess
import sys
import threading
import warnings
from collections.abc import Callable
from pathlib import Path
from types import ModuleType
from typing import Any

import numpy as np

from aesara.link.c.cache import (
    CacheDirectoryError,
    CacheEntry,
    CompileCache,
    default_cache,
    make_key,
)

__all__ = [
    "CompileError",
    "CompilerNotFoundError",
    "ModuleLoadError",
    "c_compiler_available",
    "compile_module",
    "compile_shared_library",
    "compiler_fingerprint",
    "default_compile_flags",
    "warn_no_compiler",
]

# The interpreter's tagged extension suffix (sysconfig's EXT_SUFFIX), read
# without importing sysconfig: loading a cached module should not pay for it.
_EXT_SUFFIX = importlib.machinery.EXTENSION_SUFFIXES[0]


class CompileError(RuntimeError):
    """The C compiler failed on generated code.

    Attributes
    ----------
    source_path
        Where the failing source was saved, for inspection.
    stderr
        What the compiler printed.
    """

    def __init__(self, message: str, source_path: str = "", stderr: str = ""):
        super().__init__(message)
        self.source_path = source_path
        self.stderr = stderr


class CompilerNotFoundError(CompileError):
    """``config.cxx`` is missing or does not run at all (not a code problem)."""


class ModuleLoadError(ImportError):
    """A compiled module or library does not load, even freshly rebuilt.

    Attributes
    ----------
    path
        The file that failed to load.
    reason
        The loader's message (``dlopen``'s, or the module's init error).
    """

    def __init__(self, message: str, path: str = "", reason: str = ""):
        super().__init__(message, path=path)
        self.reason = reason


def _cxx() -> str:
    from aesara.configdefaults import config

    return config.cxx or ""


def _ask_version(cxx: str) -> str:
    try:
        proc = subprocess.run(
            [cxx, "--version"], capture_output=True, text=True, timeout=60, check=True
        )
    except (OSError, subprocess.SubprocessError) as e:
        # A CompileError, like any other compiler failure, so that callers
        # (kernel builds, the availability check) fall back to Python.
        raise CompilerNotFoundError(f"The C compiler {cxx!r} does not run: {e}") from e
    return proc.stdout.strip().splitlines()[0] if proc.stdout else cxx


@functools.lru_cache(maxsize=8)
def _fingerprint_of(cxx: str) -> str:
    # Running ``cxx --version`` costs a process start in every new process;
    # remember its answer in the compile cache, keyed by the compiler binary
    # (path, size, mtime), so that a warm process only reads a small file.
    try:
        path = os.path.realpath(shutil.which(cxx) or cxx)
        st = os.stat(path)
    except OSError:
        return _ask_version(cxx)
    key = make_key("compiler-id", cxx, path, st.st_size, st.st_mtime_ns)
    try:
        cache = default_cache()
        entry = cache.get(key)
        if entry is not None:
            return (entry.path / "version.txt").read_text()
    except Exception:  # noqa: BLE001 - an unusable cache only costs the subprocess
        return _ask_version(cxx)
    version = _ask_version(cxx)

    def build(directory: Path) -> dict:
        (directory / "version.txt").write_text(version)
        return {"kind": "compiler-id"}

    try:
        cache.get_or_build(key, build)
    except Exception:  # noqa: BLE001 - e.g. a read-only cache directory
        pass
    return version


def compiler_fingerprint(cxx: str | None = None) -> str:
    """A string identifying the compiler (its ``--version`` line)."""
    return _fingerprint_of(cxx or _cxx())


@functools.lru_cache(maxsize=1)
def _cpu_features() -> str:
    """The CPU's instruction-set flags (part of the key with -march=native)."""
    try:
        with open("/proc/cpuinfo", encoding="ascii", errors="replace") as f:
            for line in f:
                if line.startswith(("flags", "Features")):
                    return " ".join(sorted(line.split(":", 1)[1].split()))
    except OSError:
        pass
    return platform.processor() or platform.machine()


def default_compile_flags(light: bool = False) -> list[str]:
    """Flags used for every module.

    ``-fno-math-errno`` lets the compiler vectorise calls to math functions
    (with glibc's vector math library); ``-ffast-math`` is NOT used, so NaN
    and infinity semantics stay as NumPy's.

    Parameters
    ----------
    light
        For glue code that does little arithmetic (the runtime): ``-O1``
        and no ``-march=native``, which compiles about 2.5 times faster and
        makes the module independent of the CPU.
    """
    from aesara.configdefaults import config

    flags = [
        *(("-O1",) if light else ("-O3", "-march=native")),
        "-fno-math-errno",
        "-fno-trapping-math",
        "-fwrapv",
        "-fPIC",
        "-shared",
        "-fvisibility=hidden",
        "-w",
    ]
    flags += shlex.split(config.gcc__cxxflags)
    return flags


def _include_dirs() -> list[str]:
    import sysconfig

    return [sysconfig.get_paths()["include"], np.get_include()]


_module_memo: dict[str, ModuleType] = {}
_memo_lock = threading.Lock()


def _prebuilt_module(
    name_hint: str,
    source: str,
    extra_flags: tuple[str, ...],
    libraries: tuple[str, ...],
) -> ModuleType | None:
    """The runtime compiled at install time for exactly this source, if any.

    Used only with the default compiler flags (``config.gcc__cxxflags``
    empty) and when ``config.c_prebuilt_runtimes`` allows it.
    """
    from aesara.configdefaults import config
    from aesara.link.c.prebuilt import load_prebuilt

    if not config.c_prebuilt_runtimes or config.gcc__cxxflags.strip():
        return None
    return load_prebuilt(name_hint, source, extra_flags, libraries)


def compile_module(
    source: str,
    name_hint: str = "kernel",
    *,
    extra_flags: tuple[str, ...] = (),
    libraries: tuple[str, ...] = (),
    cache: CompileCache | None = None,
    meta: dict | None = None,
    light: bool = False,
) -> ModuleType:
    """Compile (or load from the cache) an extension module and import it.

    Parameters
    ----------
    source
        C source of a whole extension module. The literal ``MODULE_NAME``
        in it is replaced by the module's unique name, so write the init
        function as ``PyInit_MODULE_NAME`` and the module name the same way.
    name_hint
        A readable prefix of the module name (shown by ``aesara.cache list``).
    extra_flags, libraries
        More compiler flags, and libraries to link (``"m"`` for ``-lm``).
    cache
        The cache to use; the process-wide one by default.
    meta
        Extra metadata stored with the entry.
    light
        Use the faster-compiling flags of :func:`default_compile_flags`
        (for modules without numeric loops).

    Returns
    -------
    types.ModuleType

    Raises
    ------
    CompileError
        When the compiler fails; the message includes its first errors.
    """
    cxx = _cxx()
    if not cxx:
        raise CompileError("No C compiler: config.cxx is empty")
    if light and cache is None:
        module = _prebuilt_module(name_hint, source, extra_flags, libraries)
        if module is not None:
            return module
    flags = default_compile_flags(light) + list(extra_flags)
    key = make_key(
        "c-module",
        source,
        name_hint,
        compiler_fingerprint(cxx),
        flags,
        list(libraries),
        _cpu_features() if "-march=native" in flags else "",
        sys.implementation.cache_tag,
        _EXT_SUFFIX,
        np.__version__.split(".")[0],
    )
    with _memo_lock:
        module = _module_memo.get(key)
    if module is not None:
        return module
    module_name = f"aesara_{_safe(name_hint)}_{key[:20]}"
    so_name = "module" + _EXT_SUFFIX
    text = source.replace("MODULE_NAME", module_name)
    cache = cache or default_cache()

    def build(directory: Path) -> dict:
        _compile_c(
            cxx,
            text,
            directory / "module.c",
            directory / so_name,
            [*flags, *(f"-I{d}" for d in _include_dirs())],
            libraries,
            f"the generated module {module_name}",
        )
        return {"kind": name_hint, "module": module_name, **(meta or {})}

    def load(entry: CacheEntry, again: bool) -> ModuleType:
        name = entry.meta.get("module", module_name)
        if again:
            # The failed load may have left the bad file mapped in this
            # process, and dlopen() of the same path returns what is mapped:
            # load the rebuilt file through a new path.
            return _load_through_link(name, entry.path / so_name, cache)
        return _load(name, entry.path / so_name)

    module = _build_and_load(cache, key, build, load, so_name)
    with _memo_lock:
        _module_memo.setdefault(key, module)
        return _module_memo[key]


def compile_shared_library(
    source: str,
    name_hint: str = "kernel",
    *,
    extra_flags: tuple[str, ...] = (),
    libraries: tuple[str, ...] = ("mvec", "m"),
    cache: CompileCache | None = None,
    meta: dict | None = None,
    light: bool = False,
) -> Path:
    """Compile (or find in the cache) a plain C shared library; return its path.

    Unlike :func:`compile_module` the source includes no Python headers, so
    it compiles fast; the C runtime loads it with ``dlopen``. ``light``
    compiles with the light flags (see :func:`default_compile_flags`), for
    code with no loops worth vectorising.

    Raises
    ------
    CompileError
        When the compiler fails.
    """
    cxx = _cxx()
    if not cxx:
        raise CompileError("No C compiler: config.cxx is empty")
    flags = default_compile_flags(light) + list(extra_flags)
    key = make_key(
        "c-shared",
        source,
        compiler_fingerprint(cxx),
        flags,
        list(libraries),
        _cpu_features() if "-march=native" in flags else "",
    )
    cache = cache or default_cache()

    def build(directory: Path) -> dict:
        _compile_c(
            cxx,
            source,
            directory / "kernel.c",
            directory / "kernel.so",
            flags,
            libraries,
            f"a generated {name_hint} kernel",
        )
        return {"kind": name_hint, **(meta or {})}

    # The runtime dlopen()s the library by this path, so it is loaded from
    # there even after a rebuild: a library that failed to load was not
    # mapped (ctypes fails only in dlopen()), so the path is free.
    return _build_and_load(
        cache,
        key,
        build,
        lambda entry, again: _pin(entry.path / "kernel.so"),
        "kernel.so",
    )


# Identifiers a batched kernel's source defines: every ``ae_*`` name (its
# static functions, types and helpers, token-pasted ones included) and the
# exported ``aesara_kernel*`` symbols.
_KERNEL_NAMES = re.compile(r"\b(?:ae_\w*|aesara_kernel\w*)")
_DEFINE = re.compile(r"^\s*#\s*define\s+(\w+)", re.MULTILINE)
_INCLUDE = re.compile(r"^\s*#\s*include\s*<[^>]+>\s*$", re.MULTILINE)


def kernel_symbol_prefix(source: str) -> str:
    """The prefix of ``source``'s names inside a batched library."""
    return "k" + hashlib.sha256(source.encode()).hexdigest()[:16] + "_"


def _batched_source(sources: list[str]) -> str:
    """One translation unit holding every kernel of ``sources``.

    Each kernel's names get its own prefix, so their static functions and
    exported symbols do not collide; the system headers are read once (most
    of a small kernel's compile time); the macros a kernel defines are
    undefined after it.
    """
    includes: list[str] = []
    bodies: list[str] = []
    for source in sources:
        prefix = kernel_symbol_prefix(source)
        for inc in _INCLUDE.findall(source):
            if inc.strip() not in includes:
                includes.append(inc.strip())
        body = _INCLUDE.sub("", source)
        body = _KERNEL_NAMES.sub(lambda m, p=prefix: p + m.group(0), body)
        undefs = "".join(f"#undef {name}\n" for name in _DEFINE.findall(body))
        bodies.append(f"/* kernel {prefix} */\n{body}\n{undefs}")
    return "\n".join(includes) + "\n" + "\n".join(bodies)


def compile_kernel_batch(
    sources: list[str],
    name_hint: str = "kernel",
    *,
    libraries: tuple[str, ...] = ("mvec", "m"),
    cache: CompileCache | None = None,
    light: bool = False,
) -> list[tuple[Path, str]]:
    """Compile plain C kernels with one compiler run; ``(library, symbol prefix)`` each.

    Every kernel has its own cache entry (found again whatever batch it came
    in); the ones missing are compiled together as one translation unit
    (see :func:`_batched_source`), whose library each of their entries
    holds. A kernel's symbols are its usual ones (``aesara_kernel``...)
    behind the returned prefix.

    Raises
    ------
    CompileError
        When the compiler fails on the batch (the caller may then compile
        the kernels one by one to find the faulty one).
    """
    cxx = _cxx()
    if not cxx:
        raise CompileError("No C compiler: config.cxx is empty")
    flags = default_compile_flags(light)
    cache = cache or default_cache()
    fingerprint = compiler_fingerprint(cxx)
    cpu = _cpu_features() if "-march=native" in flags else ""
    keys = [
        make_key("c-kernel", source, fingerprint, flags, list(libraries), cpu)
        for source in sources
    ]
    results: dict[int, tuple[Path, str]] = {}
    missing = []
    for i, key in enumerate(keys):
        entry = cache.get(key)
        if entry is not None and (entry.path / "kernel.so").exists():
            try:
                results[i] = (_pin(entry.path / "kernel.so"), entry.meta["prefix"])
                continue
            except (OSError, KeyError):
                cache.discard(entry)
        missing.append(i)
    if missing:
        import tempfile

        (cache.root / "tmp").mkdir(parents=True, exist_ok=True)
        work = Path(tempfile.mkdtemp(prefix="batch-", dir=cache.root / "tmp"))
        try:
            library = work / "kernel.so"
            _compile_c(
                cxx,
                _batched_source([sources[i] for i in missing]),
                work / "kernel.c",
                library,
                flags,
                libraries,
                f"{len(missing)} generated {name_hint} kernels",
            )
            for i in missing:
                prefix = kernel_symbol_prefix(sources[i])

                def build(directory: Path, prefix=prefix) -> dict:
                    try:
                        os.link(library, directory / "kernel.so")
                    except OSError:
                        shutil.copyfile(library, directory / "kernel.so")
                    return {"kind": name_hint, "prefix": prefix}

                # Another process may have stored the kernel meanwhile: its
                # entry has the same prefix (a function of the source).
                results[i] = _build_and_load(
                    cache,
                    keys[i],
                    build,
                    lambda entry, again: (
                        _pin(entry.path / "kernel.so"),
                        entry.meta["prefix"],
                    ),
                    "kernel.so",
                )
        finally:
            shutil.rmtree(work, ignore_errors=True)
    return [results[i] for i in range(len(sources))]


# Kernels loaded by this process, kept loaded: a later dlopen() of the same
# path (by the runtime's thunks) finds the loaded copy by name, so it works
# even after the cache evicted the file. Bounded: every loaded library costs
# a few of the process's memory mappings (at most ``vm.max_map_count``,
# usually 65530), so a process that compiles many thousands of distinct
# kernels would otherwise fail to load anything, or to start a thread. The
# least recently used pins are released (the thunks hold their own dlopen()
# references) and their paths forgotten by the translation registry, so the
# next graph needing one goes through the cache again.
_MAX_PINNED = 2048
_pinned: dict[str, object] = {}  # insertion order: least recently used first
_pin_lock = threading.Lock()


def _pin(path: Path) -> Path:
    import ctypes

    name = str(path)
    released: list = []
    with _pin_lock:
        lib = _pinned.pop(name, None)
        if lib is None:
            lib = ctypes.CDLL(name)
        _pinned[name] = lib
        if len(_pinned) > _MAX_PINNED:
            # In batches, so the registry is scanned once per many loads.
            for old in list(_pinned)[: len(_pinned) - (_MAX_PINNED * 3) // 4]:
                released.append((old, _pinned.pop(old)))
    if released:
        from aesara.link.c.registry import forget_artifacts

        forget_artifacts({Path(old) for old, _ in released})
        _dlclose_all(lib for _, lib in released)
    return path


def _dlclose_all(libs) -> None:
    # ctypes never unloads a library on its own.
    try:
        from _ctypes import dlclose
    except ImportError:  # not POSIX: keep them
        return
    for lib in libs:
        dlclose(lib._handle)


def _build_and_load(
    cache: CompileCache,
    key: str,
    build: Callable[[Path], dict],
    load: Callable[[CacheEntry, bool], Any],
    filename: str,
) -> Any:
    """``load(entry, again)`` of the cache entry of ``key``, building it if needed.

    The entry can vanish between ``get_or_build`` and ``load`` (evicted to
    respect the size bound, by this process or another): then build again.
    A file that is there but does not load is discarded and rebuilt once
    (``again`` is then True).

    Raises
    ------
    ModuleLoadError
        When the rebuilt file does not load either.
    """
    vanished = 0
    rebuilt = False
    while True:
        entry = cache.get_or_build(key, build)
        path = entry.path / filename
        try:
            return load(entry, rebuilt)
        except Exception as e:  # noqa: BLE001 - dlopen, or any init error
            if not path.exists() and vanished < 2:
                vanished += 1
                continue
            if rebuilt:
                raise ModuleLoadError(
                    f"The compiled file {path} does not load, even freshly "
                    f"rebuilt: {type(e).__name__}: {e}",
                    path=str(path),
                    reason=str(e),
                ) from e
            # It matched its manifest, yet does not load: bad bytes written
            # with a regenerated manifest, or a file from another system.
            # Discard it and build it once more.
            cache.discard(entry)
            rebuilt = True


def _load_through_link(module_name: str, path: Path, cache: CompileCache) -> ModuleType:
    """Load the extension module at ``path`` through a new, temporary path."""
    import tempfile

    directory = Path(tempfile.mkdtemp(prefix="load-", dir=cache.root / "tmp"))
    try:
        link = directory / path.name
        try:
            os.link(path, link)
        except OSError:
            shutil.copyfile(path, link)
        module = _load(module_name, link)
    finally:
        # Loaded code stays mapped after its file is gone.
        shutil.rmtree(directory, ignore_errors=True)
    module.__file__ = str(path)
    return module


def _compile_c(
    cxx: str,
    source: str,
    c_path: Path,
    out_path: Path,
    flags: list[str],
    libraries: tuple[str, ...],
    what: str,
) -> None:
    """Write ``source`` to ``c_path`` and compile it into ``out_path``.

    Raises
    ------
    CompileError
        With the compiler's first errors; the source is kept for inspection.
    """
    c_path.write_text(source)
    cmd = [
        cxx,
        "-x",
        "c",
        *flags,
        str(c_path),
        "-x",
        "none",
        "-o",
        str(out_path),
        *(f"-l{lib}" for lib in libraries),
    ]
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=600)
    if proc.returncode != 0:
        keep = _save_failed_source(source, out_path.stem)
        first = "\n".join(proc.stderr.strip().splitlines()[:20])
        raise CompileError(
            f"Compiling {what} failed (source kept at {keep}):\n{first}",
            source_path=keep,
            stderr=proc.stderr,
        )


def _safe(text: str) -> str:
    out = "".join(c if c.isalnum() else "_" for c in text)[:24]
    return out or "kernel"


def _load(module_name: str, path: Path) -> ModuleType:
    loader = importlib.machinery.ExtensionFileLoader(module_name, str(path))
    spec = importlib.util.spec_from_file_location(module_name, path, loader=loader)
    if spec is None:  # pragma: no cover - defensive
        raise ImportError(f"cannot load compiled module {path}")
    module = importlib.util.module_from_spec(spec)
    loader.exec_module(module)
    return module


def _save_failed_source(text: str, module_name: str) -> str:
    import tempfile

    fd, path = tempfile.mkstemp(prefix=f"{module_name}-", suffix=".c")
    with os.fdopen(fd, "w") as f:
        f.write(text)
    return path


_available: dict[str, bool] = {}
_available_lock = threading.Lock()
# Per compiler: why the runtime could not be built or loaded, for the warning.
_failures: dict[str, BaseException] = {}


def c_compiler_available() -> bool:
    """Whether ``config.cxx`` runs and the C runtime module loads.

    Building (or loading) the runtime (:mod:`aesara.link.c.runtime`) is the
    test: it is needed anyway, so a separate probe module would only add a
    compile (a cold process) or a load (a warm one). A runtime compiled at
    install time needs no compiler, so the compiler's ``--version`` must
    answer as well. The answer is remembered per compiler for the process.

    Raises
    ------
    aesara.link.c.cache.CacheDirectoryError
        When the compile cache directory cannot be used (its message names
        the directory and the fix, which "no working compiler" would hide).
    """
    cxx = _cxx()
    with _available_lock:
        if cxx in _available:
            return _available[cxx]
    ok = False
    failure: BaseException | None = None
    if cxx:
        from aesara.link.c.runtime import build_runtime

        try:
            build_runtime()
            # The runtime may come from the install (no compiler run): the
            # compiler itself must run too, kernels need it.
            compiler_fingerprint(cxx)
            ok = True
        except CacheDirectoryError:
            raise
        except (CompileError, OSError, ImportError, subprocess.SubprocessError) as e:
            ok = False
            failure = e
    with _available_lock:
        _available[cxx] = ok
        if failure is not None:
            _failures[cxx] = failure
    return ok


_warned = False


def _first_line(error: BaseException | str, limit: int = 500) -> str:
    text = str(error).strip().splitlines()
    line = text[0] if text else type(error).__name__
    return line if len(line) <= limit else line[: limit - 3] + "..."


def warn_no_compiler() -> None:
    """Warn, once per process, that C code is off and the Python VM is used.

    No warning is given when ``config.cxx`` was set to ``""`` on a machine
    that has a compiler: the user chose Python-only code.

    The warning says what failed: no compiler, a compiler that cannot build
    the runtime, or a compiled runtime that does not load (then the path
    and the loader's message, and no advice to install a compiler).
    """
    global _warned
    if _warned:
        return
    cxx = _cxx()
    if not cxx and shutil.which("g++"):
        # A compiler is there and ``cxx`` was emptied on purpose: that is how
        # Aesara users ask for Python-only code, and Aesara is silent then.
        return
    _warned = True
    failure = _failures.get(cxx) if cxx else None
    if isinstance(failure, ModuleLoadError):
        # The compiler worked; what it built does not load.
        # dlopen's message repeats the path it opened: keep what follows.
        reason = re.sub(r"^\S+\.(so|pyd|dylib): ", "", failure.reason)
        message = (
            f"aesara: the compiled C runtime {failure.path} does not load, even "
            f"freshly rebuilt ({_first_line(reason)}); compiled functions run on "
            "the Python VM instead, which is slower. If config.compiledir is on "
            "a file system mounted noexec, choose another one "
            "(AESARA_FLAGS=compiledir=...)."
        )
    elif failure is not None and not isinstance(
        failure, CompileError | subprocess.SubprocessError
    ):
        # Neither a compiler failure nor a load failure: say what it was.
        message = (
            "aesara: the C runtime could not be built or loaded "
            f"({type(failure).__name__}: {_first_line(failure)}); compiled "
            "functions run on the Python VM instead, which is slower."
        )
    else:
        if not cxx:
            reason = "config.cxx is empty"
        else:
            reason = f"the compiler {cxx!r} could not build the C runtime module"
            if failure is not None:
                reason += f": {_first_line(failure)}"
        message = (
            f"aesara: no working C compiler ({reason}); compiled functions run "
            "on the Python VM instead, which is slower. Install gcc or set "
            "AESARA_FLAGS=cxx=/path/to/compiler."
        )
    warnings.warn(message, RuntimeWarning, stacklevel=3)
