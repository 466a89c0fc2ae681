"""Deprecated name of :mod:`aesara.sparse.rewriting` (kept so old imports work)."""

import warnings

from aesara.sparse.rewriting import *  # noqa: F401,F403

warnings.warn(
    "The module `aesara.sparse.opt` is deprecated; use `aesara.sparse.rewriting` instead.",
    DeprecationWarning,
    stacklevel=2,
)
