"""Inspect and clear aesara's compile cache from the command line.

Usage::

    python -m aesara.cache info     # where it is, entries, bytes used, bound
    python -m aesara.cache list     # one line per entry, least recently used first
    python -m aesara.cache clear    # remove all entries not being built now
    python -m aesara.cache purge    # clear, and remove stale temporary files

``--dir DIR`` works on another cache directory than ``config.compiledir``.

A cache directory that cannot be used as it is (writable by others, a file
or a link where a directory belongs, not creatable) is reported on stderr
with the path and the fix, exit status 2; nothing in it is changed.
"""

from __future__ import annotations

import argparse
import sys
import time

from aesara.link.c.cache import CacheDirectoryError, CompileCache

__all__ = ["main"]


def _human(n: float) -> str:
    for unit in ("B", "KiB", "MiB", "GiB"):
        if n < 1024 or unit == "GiB":
            return f"{n:.0f} {unit}" if unit == "B" else f"{n:.1f} {unit}"
        n /= 1024
    return f"{n:.1f} GiB"  # pragma: no cover


def main(argv: list[str] | None = None) -> int:
    """Run the cache command line; returns the exit status.

    Parameters
    ----------
    argv
        The arguments (``sys.argv[1:]`` when omitted).

    Returns
    -------
    int
        0 on success; 2 when the cache directory cannot be used (the
        reason is printed on stderr); 1 on any other error of the file
        system, also printed without a traceback.
    """
    parser = argparse.ArgumentParser(
        prog="python -m aesara.cache", description="aesara's compile cache"
    )
    parser.add_argument("command", choices=["info", "list", "clear", "purge"])
    parser.add_argument("--dir", help="cache directory (default: config.compiledir)")
    args = parser.parse_args(argv)
    cache = CompileCache(args.dir) if args.dir else CompileCache()
    try:
        if args.command == "info":
            info = cache.info()
            bound = _human(info["max_bytes"]) if info["max_bytes"] else "unbounded"
            print(f"directory: {info['root']}")
            print(f"entries:   {info['entries']}")
            print(f"size:      {_human(info['bytes'])} (bound {bound})")
            print(f"tmp dirs:  {info['tmp_dirs']}")
        elif args.command == "list":
            for e in cache.entries():
                used = time.strftime("%Y-%m-%d %H:%M", time.localtime(e.last_used))
                kind = e.meta.get("kind", "?")
                print(f"{e.key[:16]}  {_human(e.size):>10}  {used}  {kind}")
        elif args.command == "clear":
            print(f"removed {cache.clear()} entries from {cache.root}")
        else:
            removed = cache.clear()
            cache.purge()
            print(f"removed {removed} entries and stale files from {cache.root}")
    except CacheDirectoryError as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    except OSError as err:
        # Anything else the file system refuses (a full disk, an I/O error):
        # one line naming the path, not a traceback.
        where = f" ({err.filename})" if err.filename else ""
        print(f"error: {cache.root}: {err.strerror or err}{where}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
