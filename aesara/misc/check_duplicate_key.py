"""Aesara's duplicate-cache-key checker, adapted to aesara's cache.

Aesara's cache stored a pickled key per compiled module and this script
looked for modules compiled twice under equal keys. aesara's cache is
content-addressed: an entry's directory *is* its key (a SHA-256 of what was
built), so two entries cannot share a key. What can still be duplicated is
the content: :func:`find_duplicates` groups entries whose files are
identical (same manifest digests) although their keys differ -- a sign that
a key includes something that does not change the result.
"""

from __future__ import annotations

import json
import os
import sys
from collections import defaultdict

__all__ = ["find_duplicates", "main"]


def find_duplicates(compiledir: str | os.PathLike | None = None) -> list[list[str]]:
    """Groups (of two or more keys) of cache entries with identical files.

    Parameters
    ----------
    compiledir
        The cache directory; ``config.compiledir`` by default.
    """
    from aesara.link.c.cache import MANIFEST, CompileCache

    cache = CompileCache(compiledir) if compiledir is not None else CompileCache()
    by_content: defaultdict[str, list[str]] = defaultdict(list)
    for entry in cache.entries():
        try:
            with open(entry.path / MANIFEST) as f:
                files = json.load(f).get("files", {})
        except (OSError, ValueError):
            continue
        # The digests of the files, not the metadata (which names the key).
        signature = json.dumps(
            {name: info for name, info in files.items()}, sort_keys=True, default=str
        )
        by_content[signature].append(entry.key)
    return [sorted(keys) for keys in by_content.values() if len(keys) > 1]


def main(argv: list[str] | None = None) -> int:
    """Print the groups of duplicated entries; returns 0."""
    args = sys.argv[1:] if argv is None else argv
    groups = find_duplicates(args[0] if args else None)
    for keys in groups:
        print(" ".join(k[:16] for k in keys))
    print(f"{len(groups)} group(s) of entries with identical content")
    return 0


if __name__ == "__main__":
    sys.exit(main())
