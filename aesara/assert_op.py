"""Deprecated alias: ``Assert`` and ``assert_op`` moved to :mod:`aesara.raise_op`.

Importing it warns with ``DeprecationWarning``; the names are the objects of
:mod:`aesara.raise_op`.
"""

import warnings

warnings.warn(
    "The module `aesara.assert_op` is deprecated "
    "and its `Op`s have been moved to `aesara.raise_op`",
    DeprecationWarning,
    stacklevel=2,
)

from aesara.raise_op import Assert, assert_op  # noqa: E402

__all__ = ["Assert", "assert_op"]
