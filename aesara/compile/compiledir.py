"""Inspecting and cleaning compile directories (Aesara's ``compiledir`` API).

The functions work on aesara's compile cache
(:class:`aesara.link.c.cache.CompileCache` over ``config.compiledir``),
whose entries are compiled kernels and modules, stored rewritten graphs and
Numba caches, each tagged with its kind. ``config.base_compiledir`` is the
parent directory holding one compile directory per platform/Python.
"""

from __future__ import annotations

import os
import shutil
import time
from collections import Counter
from pathlib import Path

from aesara.configdefaults import config
from aesara.link.c.cache import CompileCache
from aesara.utils import flatten

__all__ = [
    "basecompiledir_ls",
    "basecompiledir_purge",
    "cleanup",
    "compiledir_purge",
    "flatten",
    "print_compiledir_content",
    "print_title",
]


def _cache(compiledir: str | os.PathLike | None = None) -> CompileCache:
    return CompileCache(compiledir) if compiledir is not None else CompileCache()


def _human(n: float) -> str:
    for unit in ("B", "KiB", "MiB"):
        if n < 1024:
            return f"{n:.0f} {unit}" if unit == "B" else f"{n:.1f} {unit}"
        n /= 1024
    return f"{n:.1f} GiB"


def cleanup(compiledir: str | os.PathLike | None = None) -> int:
    """Remove the leftovers of interrupted builds from the compile directory.

    Temporary build directories older than an hour (a killed process left
    them) are deleted. Finished entries are never touched: a corrupt one is
    detected and rebuilt on its next use.

    Parameters
    ----------
    compiledir
        The cache directory; ``config.compiledir`` by default.

    Returns
    -------
    int
        How many temporary directories were removed.
    """
    cache = _cache(compiledir)
    tmp = cache.root / "tmp"

    def count() -> int:
        try:
            return sum(1 for _ in tmp.iterdir())
        except OSError:
            return 0

    # Opening the cache already drops stale directories, so the count is
    # taken around the whole operation rather than from ``clean_tmp``.
    before = count()
    cache.clean_tmp()
    return max(before - count(), 0)


def print_title(title: str, overline: str = "", underline: str = "") -> None:
    """Print ``title`` with lines of ``overline``/``underline`` characters around it."""
    if overline:
        print(str(overline) * len(title))
    print(title)
    if underline:
        print(str(underline) * len(title))


def print_compiledir_content(
    compiledir: str | os.PathLike | None = None, max_entries: int = 20
) -> None:
    """Print what the compile directory holds.

    The totals, a count and size per kind of entry, and the largest entries
    (key, size, kind, last use).

    Parameters
    ----------
    compiledir
        The cache directory; ``config.compiledir`` by default.
    max_entries
        How many of the largest entries to list.
    """
    cache = _cache(compiledir)
    entries = cache.entries()
    total = sum(e.size for e in entries)
    print_title(f"aesara cache: {cache.root}", overline="=", underline="=")
    print(f"{len(entries)} entries, {_human(total)}")
    print()
    count: Counter = Counter()
    size: Counter = Counter()
    for e in entries:
        kind = e.meta.get("kind", "?")
        count[kind] += 1
        size[kind] += e.size
    print_title("Entries per kind", underline="-")
    for kind, n in count.most_common():
        print(f"{kind:<24} {n:>8}  {_human(size[kind]):>10}")
    print()
    print_title(f"Largest entries (at most {max_entries})", underline="-")
    for e in sorted(entries, key=lambda e: e.size, reverse=True)[:max_entries]:
        used = time.strftime("%Y-%m-%d %H:%M", time.localtime(e.last_used))
        print(f"{e.key[:16]}  {_human(e.size):>10}  {used}  {e.meta.get('kind', '?')}")


def compiledir_purge(compiledir: str | os.PathLike | None = None) -> None:
    """Remove every entry, temporary directory and unused lock of the compile directory.

    Entries being built right now are left to their builders.
    """
    cache = _cache(compiledir)
    cache.clear()
    cache.purge()


def _base_dir(base_compiledir: str | os.PathLike | None) -> Path:
    return Path(
        base_compiledir if base_compiledir is not None else config.base_compiledir
    )


def basecompiledir_ls(base_compiledir: str | os.PathLike | None = None) -> None:
    """Print the sub-directories (compile caches) and other files of ``base_compiledir``."""
    base = _base_dir(base_compiledir)
    try:
        children = sorted(base.iterdir())
    except FileNotFoundError:
        children = []
    dirs = [p.name for p in children if p.is_dir()]
    files = [p.name for p in children if not p.is_dir()]
    print(f"Base compile dir is {base}")
    print("Sub-directories (possible compile caches):")
    for name in dirs or ["(None)"]:
        print(f"    {name}")
    if files:
        print()
        print("Other files in base_compiledir:")
        for name in files:
            print(f"    {name}")


def basecompiledir_purge(base_compiledir: str | os.PathLike | None = None) -> None:
    """Delete ``base_compiledir`` and everything in it: all compile caches."""
    base = _base_dir(base_compiledir)
    print(f"Here is the content of the base compile dir: {base}")
    basecompiledir_ls(base)
    shutil.rmtree(base, ignore_errors=True)
