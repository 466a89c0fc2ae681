"""Aesara's ``cmodule`` names, mapped onto aesara's compiler driver and cache.

Aesara keeps its compiled modules in a ``ModuleCache`` and compiles them
with ``GCC_compiler``; here the compile cache is
:class:`~aesara.link.c.cache.CompileCache` and the driver
:mod:`aesara.link.c.compiler`. This module gives user code that calls the
old names (``GCC_compiler.compile_str``, ``get_module_cache``,
``std_include_dirs``, ``dlimport``...) working equivalents.
"""

from __future__ import annotations

import importlib.machinery
import os
import shlex
import subprocess
import sys
import tempfile
from pathlib import Path
from types import ModuleType
from typing import Any

from aesara.link.c.cache import CompileCache, default_cache
from aesara.link.c.exceptions import CompileError, MissingGXX

__all__ = [
    "Compiler",
    "GCC_compiler",
    "ModuleCache",
    "dlimport",
    "get_lib_extension",
    "get_module_cache",
    "std_include_dirs",
    "std_lib_dirs",
    "std_libs",
]


def get_lib_extension() -> str:
    """The file extension of shared libraries on this platform."""
    if sys.platform == "win32":
        return "pyd"
    if sys.platform == "darwin":
        return "dylib"
    return "so"


def std_include_dirs() -> list[str]:
    """Directories of the Python and NumPy headers."""
    from aesara.link.c.compiler import _include_dirs

    return list(_include_dirs())


def std_lib_dirs() -> list[str]:
    """Directories searched for the standard libraries (none needed on Linux)."""
    import sysconfig

    libdir = sysconfig.get_config_var("LIBDIR")
    return [libdir] if libdir and sys.platform == "win32" else []


def std_libs() -> list[str]:
    """Libraries every module links against (none: symbols come from Python)."""
    return []


def dlimport(fullpath: str, suffix: str | None = None) -> ModuleType:
    """Import the extension module at ``fullpath`` (named after the file).

    Raises
    ------
    ValueError
        When ``fullpath`` is not absolute or does not end with ``suffix``.
    ImportError
        When the module does not load.
    """
    from aesara.link.c.compiler import _load

    if suffix is None:
        suffix = next(
            (s for s in importlib.machinery.EXTENSION_SUFFIXES if fullpath.endswith(s)),
            "." + get_lib_extension(),
        )
    if not os.path.isabs(fullpath):
        raise ValueError(f"dlimport needs an absolute path, got {fullpath!r}")
    if not fullpath.endswith(suffix):
        raise ValueError(f"dlimport: {fullpath!r} does not end with {suffix!r}")
    name = os.path.basename(fullpath)[: -len(suffix)]
    return _load(name, Path(fullpath))


class ModuleCache:
    """The compiled-module cache of a directory (Aesara's name).

    Parameters
    ----------
    dirname
        The cache root; ``config.compiledir`` by default.
    """

    def __init__(self, dirname: str | None = None, **kwargs: Any):
        self._cache = default_cache() if dirname is None else CompileCache(dirname)
        self.dirname = str(self._cache.root)

    @property
    def compile_cache(self) -> CompileCache:
        """The underlying :class:`~aesara.link.c.cache.CompileCache`."""
        return self._cache

    def refresh(self, **kwargs: Any) -> None:
        """Remove left-over temporary build directories."""
        self._cache.clean_tmp()

    def clear(self, **kwargs: Any) -> int:
        """Remove every entry; return how many were removed."""
        return self._cache.clear()

    def clear_old(self, **kwargs: Any) -> None:
        """Remove stale temporary directories (the size bound evicts old entries)."""
        self._cache.clean_tmp()

    def clear_unversioned(self, **kwargs: Any) -> None:
        """Nothing to do: unversioned modules never enter the cache."""

    def __len__(self) -> int:
        return len(self._cache.entries())

    def info(self) -> dict[str, Any]:
        """Root, entry count and size of the cache."""
        return self._cache.info()


_module_cache: ModuleCache | None = None


def get_module_cache(dirname: str | None = None, init_args: dict | None = None):
    """The process's :class:`ModuleCache` (or one for ``dirname``)."""
    global _module_cache
    if dirname is not None:
        return ModuleCache(dirname, **(init_args or {}))
    if _module_cache is None:
        _module_cache = ModuleCache(**(init_args or {}))
    return _module_cache


class Compiler:
    """Base of Aesara's compiler descriptions (here: ``config.cxx`` driven)."""

    @staticmethod
    def compile_args(march_flags: bool = True) -> list[str]:
        """The default flags (without ``-march=native`` if ``march_flags`` is False)."""
        from aesara.link.c.compiler import default_compile_flags

        flags = default_compile_flags()
        if not march_flags:
            flags = [f for f in flags if not f.startswith("-march=")]
        return flags

    @staticmethod
    def version_str() -> str:
        """The compiler's identification (its ``--version`` first line)."""
        from aesara.link.c.compiler import compiler_fingerprint

        return compiler_fingerprint()

    @staticmethod
    def try_flags(flag_list: list[str], preamble: str = "", body: str = "") -> bool:
        """Whether a small C++ program compiles with ``flag_list``."""
        from aesara.configdefaults import config

        if not config.cxx:
            return False
        code = (
            f"{preamble}\nint main(int argc, char** argv) {{\n{body}\nreturn 0;\n}}\n"
        )
        with tempfile.TemporaryDirectory() as d:
            src = os.path.join(d, "try.cpp")
            Path(src).write_text(code)
            try:
                proc = subprocess.run(
                    [config.cxx, *flag_list, src, "-o", os.path.join(d, "a.out")],
                    capture_output=True,
                    timeout=120,
                )
            except (OSError, subprocess.SubprocessError):
                return False
        return proc.returncode == 0

    @classmethod
    def compile_str(
        cls,
        module_name: str,
        src_code: str,
        location: str | None = None,
        include_dirs: list[str] | None = None,
        lib_dirs: list[str] | None = None,
        libs: list[str] | None = None,
        preargs: list[str] | None = None,
        py_module: bool = True,
        hide_symbols: bool = True,
    ):
        """Compile C++ ``src_code`` into ``<location>/<module_name>.<ext>``.

        Returns
        -------
        The imported module when ``py_module``, else ``None``.

        Raises
        ------
        MissingGXX
            ``config.cxx`` is empty.
        CompileError
            The compiler failed (its messages are in the error).
        """
        from aesara.configdefaults import config

        if not config.cxx:
            raise MissingGXX("compile_str: no C++ compiler (config.cxx is empty)")
        location = location or tempfile.mkdtemp(prefix="aesara-compile-str-")
        os.makedirs(location, exist_ok=True)
        suffix = (
            importlib.machinery.EXTENSION_SUFFIXES[0]
            if py_module
            else "." + get_lib_extension()
        )
        src = os.path.join(location, "mod.cpp")
        out = os.path.join(location, module_name + suffix)
        Path(src).write_text(src_code)
        flags = list(preargs) if preargs is not None else cls.compile_args()
        if not hide_symbols:
            flags = [f for f in flags if f != "-fvisibility=hidden"]
        for need in ("-shared", "-fPIC"):
            if need not in flags:
                flags.append(need)
        cmd = [
            config.cxx,
            *flags,
            *(f"-I{d}" for d in [*(include_dirs or []), *std_include_dirs()]),
            *(f"-L{d}" for d in (lib_dirs or [])),
            src,
            "-o",
            out,
            *(f"-l{lib}" for lib in (libs or [])),
        ]
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=600)
        if proc.returncode != 0:
            raise CompileError(
                f"Compilation failed (return status={proc.returncode}) for "
                f"{module_name} ({shlex.join(cmd)}):\n{proc.stderr.strip()}",
                source_path=src,
                stderr=proc.stderr,
            )
        return dlimport(out, suffix) if py_module else None


class GCC_compiler(Compiler):
    """The ``g++`` (``config.cxx``) compiler, as Aesara names it."""
