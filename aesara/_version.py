"""The package version in the form of the file setuptools-scm writes.

Aesara 2.9 ships an ``aesara/_version.py`` generated at build time; code
that reads ``aesara._version.version`` or ``version_tuple`` finds the same
names here, holding this package's version.
"""

from __future__ import annotations

from aesara import __version__

#: The type of :data:`version_tuple` (release numbers, then any local part).
VERSION_TUPLE = tuple[int | str, ...]

version: str = __version__
__version__ = version


def _parse(text: str) -> tuple[int | str, ...]:
    # "2.9.4" -> (2, 9, 4); non-numeric parts ("dev3") stay strings.
    return tuple(int(p) if p.isdigit() else p for p in text.split("."))


version_tuple: VERSION_TUPLE = _parse(version)
__version_tuple__ = version_tuple
