"""Deprecated alias of :mod:`aesara.graph.rewriting.utils` (Aesara's old module name).

Importing it warns with ``DeprecationWarning``; its names are the objects of
:mod:`aesara.graph.rewriting.utils`.
"""

import importlib
import warnings

warnings.warn(
    "The module `aesara.graph.opt_utils` is deprecated; use `aesara.graph.rewriting.utils` instead.",
    DeprecationWarning,
    stacklevel=2,
)

from aesara.utils import public_names  # noqa: E402

# Every public name of the new home (not only its ``__all__``): code written
# for Aesara imports helpers those modules never listed. ``import_module``
# rather than ``import a.b``: that reads the attribute ``b`` of package ``a``,
# which the package may shadow (``aesara.scan`` is also a function).
for _module in ("aesara.graph.rewriting.utils",):
    globals().update(public_names(importlib.import_module(_module)))

from aesara.graph.rewriting.utils import rewrite_graph as _rewrite_graph  # noqa: E402
from aesara.utils import deprecated_names_getattr  # noqa: E402

DEPRECATED_NAMES = [
    (
        "optimize_graph",
        "`optimize_graph` is deprecated: use `rewrite_graph` instead.",
        _rewrite_graph,
    ),
]
# The new home may define the old names too (plainly); here they go through
# ``__getattr__`` so that using them warns, as in Aesara.
for _old, _msg, _obj in DEPRECATED_NAMES:
    globals().pop(_old, None)
__getattr__ = deprecated_names_getattr(__name__, DEPRECATED_NAMES)
