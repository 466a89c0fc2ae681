"""Deprecated alias of :mod:`aesara.tensor.rewriting.basic` (Aesara's old module name).

Importing it warns with ``DeprecationWarning``; its names are the objects of
:mod:`aesara.tensor.rewriting.basic`, :mod:`aesara.tensor.rewriting.elemwise`, :mod:`aesara.tensor.rewriting.extra_ops`, :mod:`aesara.tensor.rewriting.shape`.
"""

import importlib
import warnings

warnings.warn(
    "The module `aesara.tensor.basic_opt` is deprecated; use `aesara.tensor.rewriting.basic` instead.",
    DeprecationWarning,
    stacklevel=2,
)

from aesara.utils import public_names  # noqa: E402

# Every public name of the new home (not only its ``__all__``): code written
# for Aesara imports helpers those modules never listed. ``import_module``
# rather than ``import a.b``: that reads the attribute ``b`` of package ``a``,
# which the package may shadow (``aesara.scan`` is also a function).
for _module in (
    "aesara.tensor.rewriting.basic",
    "aesara.tensor.rewriting.elemwise",
    "aesara.tensor.rewriting.extra_ops",
    "aesara.tensor.rewriting.shape",
):
    globals().update(public_names(importlib.import_module(_module)))
