"""Runtime modules compiled when the package is installed.

The C runtimes (``runtime.c``, ``reduce_runtime.c``, ``blas_runtime.c``,
``scan_runtime.c`` and the light groups of ``structural_runtime.c``) are glue
code that does not depend on any user graph. ``setup.py`` compiles them into
the package (:mod:`aesara.link.c._prebuilt`), so that a process with an empty
compile cache only compiles the kernels of its own graphs. A module's name carries a
digest of its source and flags: a runtime edited since the install (a
development tree) simply finds no module of that name and is compiled
through the compile cache, as is every runtime of an install that had no
compiler.

This file is loaded by ``setup.py`` on its own, so it imports nothing from
aesara.
"""

from __future__ import annotations

import hashlib
import importlib
import json
from collections.abc import Sequence
from pathlib import Path
from types import ModuleType

__all__ = ["PREBUILT", "load_prebuilt", "prebuilt_name", "read_sources"]

PACKAGE = "aesara.link.c._prebuilt"

# name hint -> (source file or files, extra flags, libraries), exactly as the
# loaders pass them to ``compile_module`` (with ``light=True``). Several files
# are joined, in order, into one translation unit.
PREBUILT: dict[str, tuple[str | tuple[str, ...], tuple[str, ...], tuple[str, ...]]] = {
    "runtime": (
        ("runtime.c", "lazy_loop.c", "random_thunk.c", "call_path.c"),
        ("-fopenmp",),
        (),
    ),
    "reduce_runtime": ("reduce_runtime.c", (), ()),
    "blas_runtime": ("blas_runtime.c", (), ()),
    "structural_view": ("structural_runtime.c", ("-DAE_WITH_VIEW",), ()),
    "structural_alloc": ("structural_runtime.c", ("-DAE_WITH_ALLOC", "-O3"), ()),
    "structural_subtensor": ("structural_runtime.c", ("-DAE_WITH_SUBTENSOR",), ()),
    "scan_runtime": ("scan_runtime.c", (), ()),
}


def read_sources(c_dir: Path, files: str | Sequence[str]) -> str:
    """The source of a runtime: its file, or its files joined in order."""
    if isinstance(files, str):
        files = (files,)
    return "\n".join((c_dir / f).read_text() for f in files)


def prebuilt_name(
    name_hint: str,
    source: str,
    extra_flags: Sequence[str],
    libraries: Sequence[str],
) -> str:
    """The module name a runtime with this source and these flags is built under."""
    blob = json.dumps([name_hint, source, list(extra_flags), list(libraries)])
    return f"rt_{name_hint}_{hashlib.sha256(blob.encode()).hexdigest()[:20]}"


def load_prebuilt(
    name_hint: str,
    source: str,
    extra_flags: Sequence[str],
    libraries: Sequence[str],
) -> ModuleType | None:
    """The installed module for exactly this source and flags, or ``None``.

    ``None`` also when the installed file exists but does not load, for
    whatever reason: the caller then builds the runtime into the compile
    cache, as without an install-time build.
    """
    if name_hint not in PREBUILT:
        return None
    name = prebuilt_name(name_hint, source, extra_flags, libraries)
    try:
        return importlib.import_module(f"{PACKAGE}.{name}")
    except Exception:  # noqa: BLE001 - any failure means "compile it instead"
        # Not built (no compiler at install, edited source), not loadable
        # (damaged file, another NumPy ABI), or its init failed with any
        # error: compile it through the cache instead, never give up on C.
        return None


def generate_sources(
    c_dir: Path, out_dir: Path
) -> list[tuple[str, Path, list[str], list[str]]]:
    """Write each runtime's source under its module name, for ``setup.py``.

    Returns ``(module name, source path, extra flags, libraries)`` tuples.
    """
    out_dir.mkdir(parents=True, exist_ok=True)
    result = []
    for hint, (files, flags, libraries) in PREBUILT.items():
        source = read_sources(c_dir, files)
        name = prebuilt_name(hint, source, flags, libraries)
        path = out_dir / f"{name}.c"
        path.write_text(source.replace("MODULE_NAME", name))
        result.append((name, path, list(flags), list(libraries)))
    return result
