"""aesara: a hackable meta-tensor library.

Declare typed symbolic variables, build expression graphs over n-d arrays,
and compile them with :func:`aesara.function`::

    import aesara
    from aesara import tensor as at

    a = at.dscalar()
    b = at.dscalar()
    f = aesara.function([a, b], a + b)
    f(1.5, 2.5)  # array(4.)
"""

__version__ = "0.1.0"

import logging as _logging
import os as _os

from aesara import compile, gradient, graph, link, printing, scalar, tensor
from aesara.compile import (
    FunctionMaker,
    In,
    Mode,
    Out,
    ProfileStats,
    function,
    predefined_linkers,
    predefined_modes,
    predefined_optimizers,
    shared,
)
from aesara.compile.function import function_dump
from aesara.configdefaults import config
from aesara.configparser import change_flags
from aesara.gradient import Lop, Rop, grad, hessian, jacobian, subgraph_grad

# The graph IR comes first: everything else builds on it.
from aesara.graph.basic import Variable, as_symbolic, clone_replace
from aesara.graph.op import Op
from aesara.graph.type import Type
from aesara.printing import debugprint as dprint
from aesara.printing import pp, pprint

# ``aesara.scan`` is the function (its package stays importable by path:
# ``aesara.scan.utils``...), as in Aesara.
from aesara.scan import checkpoints as _scan_checkpoints  # noqa: F401
from aesara.scan.basic import scan
from aesara.scan.views import foldl, foldr, map, reduce
from aesara.updates import OrderedUpdates

#: The directory this package was imported from (symlinks resolved).
rpath = _os.path.realpath(__path__[0])


def disable_log_handler(
    logger: _logging.Logger | None = None, handler: _logging.Handler | None = None
) -> None:
    """Remove ``handler`` from ``logger`` (default: the ``"aesara"`` logger).

    Aesara 2.9 attaches a stderr handler of its own to the ``"aesara"``
    logger at import and this removes it. This package attaches none (its
    messages go to the handlers the application configures, or Python's
    last-resort handler), so with no ``handler`` nothing is removed; pass a
    handler you attached to detach it.
    """
    if logger is None:
        logger = _logging.getLogger("aesara")
    if not isinstance(logger, _logging.Logger):
        raise TypeError(
            f"disable_log_handler: logger must be a logging.Logger, got "
            f"{type(logger).__name__}"
        )
    if handler is not None and logger.hasHandlers():
        logger.removeHandler(handler)


def get_scalar_constant_value(v):
    """Return the constant scalar value behind ``v`` (see ``aesara.tensor``)."""
    from aesara.tensor.basic import get_scalar_constant_value as _get

    return _get(v)


__all__ = [
    "foldl",
    "foldr",
    "map",
    "reduce",
    "scan",
    "In",
    "Lop",
    "Mode",
    "Op",
    "Out",
    "Rop",
    "FunctionMaker",
    "ProfileStats",
    "Type",
    "Variable",
    "change_flags",
    "clone_replace",
    "compile",
    "config",
    "dprint",
    "function",
    "get_scalar_constant_value",
    "grad",
    "gradient",
    "graph",
    "hessian",
    "jacobian",
    "link",
    "pp",
    "pprint",
    "predefined_linkers",
    "predefined_modes",
    "predefined_optimizers",
    "printing",
    "scalar",
    "shared",
    "subgraph_grad",
    "tensor",
]


# Subpackages that pull in heavy dependencies (SciPy's sparse module) are
# imported on first access, so ``import aesara`` stays quick.
_LAZY_SUBPACKAGES = ("sparse",)


def __getattr__(name: str):
    if name in _LAZY_SUBPACKAGES:
        import importlib

        return importlib.import_module(f"aesara.{name}")
    raise AttributeError(f"module 'aesara' has no attribute {name!r}")
