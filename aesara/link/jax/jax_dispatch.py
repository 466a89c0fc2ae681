"""Deprecated alias of :mod:`aesara.link.jax.dispatch` (Aesara's old module name).

Importing it warns with ``DeprecationWarning``; its names are the objects of
:mod:`aesara.link.jax.dispatch`.
"""

import importlib
import warnings

warnings.warn(
    "The module `aesara.link.jax.jax_dispatch` is deprecated and has been renamed to `aesara.link.jax.dispatch`",
    DeprecationWarning,
    stacklevel=2,
)

from aesara.utils import public_names  # noqa: E402

# Every public name of the new home (not only its ``__all__``): code written
# for Aesara imports helpers those modules never listed. ``import_module``
# rather than ``import a.b``: that reads the attribute ``b`` of package ``a``,
# which the package may shadow (``aesara.scan`` is also a function).
for _module in ("aesara.link.jax.dispatch",):
    globals().update(public_names(importlib.import_module(_module)))
