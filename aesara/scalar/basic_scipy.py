"""Deprecated alias of :mod:`aesara.scalar.math` (Aesara's old module name).

Importing it warns with ``DeprecationWarning``; its names are the objects of
:mod:`aesara.scalar.math` (the scalar special functions).
"""

import importlib
import warnings

warnings.warn(
    "The module `aesara.scalar.basic_scipy` is deprecated "
    "and has been renamed to `aesara.scalar.math`",
    DeprecationWarning,
    stacklevel=2,
)

from aesara.utils import public_names  # noqa: E402

globals().update(public_names(importlib.import_module("aesara.scalar.math")))
