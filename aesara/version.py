"""The version of this package, as ``aesara.version.version``."""

from __future__ import annotations

from aesara import __version__ as version

__all__ = ["version"]

# Names Aesara's version module had before it stopped using versioneer.
_REMOVED_NAMES = (
    "FALLBACK_VERSION",
    "full_version",
    "git_revision",
    "short_version",
    "release",
)


def __getattr__(name: str):
    if name in _REMOVED_NAMES:
        raise RuntimeError(
            f"aesara.version.{name} no longer exists (Aesara removed it when it "
            "stopped using versioneer); use aesara.version.version or aesara.__version__"
        )
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
