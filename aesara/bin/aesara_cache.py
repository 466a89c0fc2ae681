"""``aesara-cache``: look at and clean the compile cache from the command line.

Usage (``python -m aesara.bin.aesara_cache <command>``)::

    (no command)           print the compile directory
    help                   print this help
    list                   entries per kind and the largest entries
    stats                  totals: entries, bytes used, the size bound
    clear                  remove every entry not being built right now
    cleanup                remove leftovers of interrupted builds
    unlock                 remove the directory lock file (compilelock)
    purge                  clear, and remove temporary files and unused locks
    basecompiledir         print the parent of the compile directory
    basecompiledir list    list the compile directories under it
    basecompiledir purge   delete it with all compile directories

The commands work on ``config.compiledir`` (set it with
``AESARA_FLAGS=compiledir=...``). See also ``python -m aesara.cache``.
"""

from __future__ import annotations

import sys

from aesara.compile import compiledir, compilelock
from aesara.configdefaults import config
from aesara.link.c.cache import CacheDirectoryError, CompileCache, default_cache

__all__ = ["get_module_cache", "main", "print_help"]

_HELP = __doc__.split("::", 1)[1].split("The commands", 1)[0].rstrip()


def get_module_cache(init_args: dict | None = None) -> CompileCache:
    """The compile cache over ``config.compiledir`` (``init_args`` is ignored)."""
    return default_cache()


_current_args: list[str] = []


def print_help(exit_status: int) -> None:
    """Print the usage (after an error line when ``exit_status`` is non-zero) and exit."""
    if exit_status:
        print(f'command "{" ".join(_current_args)}" not recognized')
    print("Usage: python -m aesara.bin.aesara_cache [command]" + _HELP)
    sys.exit(exit_status)


def _run(args: list[str]) -> int:
    if not args:
        print(config.compiledir)
        return 0
    cmd, rest = args[0], args[1:]
    if cmd == "basecompiledir":
        if not rest:
            print(config.base_compiledir)
        elif rest == ["list"]:
            compiledir.basecompiledir_ls()
        elif rest == ["purge"]:
            compiledir.basecompiledir_purge()
        else:
            print_help(exit_status=1)
        return 0
    if rest:
        print_help(exit_status=1)
    cache = CompileCache()
    if cmd == "help":
        print_help(exit_status=0)
    elif cmd == "list":
        compiledir.print_compiledir_content()
    elif cmd == "stats":
        info = cache.info()
        bound = str(info["max_bytes"]) if info["max_bytes"] else "unbounded"
        print(f"directory: {info['root']}")
        print(f"entries:   {info['entries']}")
        print(f"bytes:     {info['bytes']} (bound {bound})")
        print(f"tmp dirs:  {info['tmp_dirs']}")
    elif cmd == "clear":
        print(f"removed {cache.clear()} entries from {cache.root}")
    elif cmd == "cleanup":
        print(f"removed {compiledir.cleanup()} stale temporary directories")
    elif cmd == "unlock":
        compilelock.force_unlock(config.compiledir)
        print("Lock successfully removed!")
    elif cmd == "purge":
        compiledir.compiledir_purge()
        print(f"purged {cache.root}")
    else:
        print_help(exit_status=1)
    return 0


def main(argv: list[str] | None = None) -> int:
    """Run the command line; returns the exit status.

    Parameters
    ----------
    argv
        The arguments after the program name (``sys.argv[1:]`` by default).

    Returns
    -------
    int
        0 on success, 1 for an unknown command (after the help), 2 when the
        cache directory cannot be used (the reason is printed on stderr).
    """
    args = sys.argv[1:] if argv is None else list(argv)
    _current_args[:] = args
    try:
        return _run(args)
    except SystemExit as e:  # print_help exits, as Aesara's does
        return int(e.code or 0)
    except CacheDirectoryError as err:
        print(f"error: {err}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
