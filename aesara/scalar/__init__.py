"""Scalar types and operations: the element-level building blocks.

Everything public from :mod:`aesara.scalar.basic` is available here.
"""

from aesara.scalar.basic import *
from aesara.scalar.basic import (
    DEPRECATED_NAMES,
    Composite,
    ScalarConstant,
    ScalarOp,
    ScalarType,
    ScalarVariable,
    _scalar_py_operators,
    as_scalar,
    cast,
    constant,
    get_scalar_type,
    upcast,
)
from aesara.scalar.basic import abs as abs
from aesara.scalar.basic import bool as bool
from aesara.scalar.basic import complex as complex
from aesara.scalar.basic import pow as pow
from aesara.scalar.math import *  # special functions, as in Aesara


def __getattr__(name: str):
    # PEP 562: the deprecated names of aesara.scalar.basic, with their warning.
    import warnings

    for old_name, msg, obj in DEPRECATED_NAMES:
        if name == old_name:
            warnings.warn(msg, DeprecationWarning, stacklevel=2)
            return obj
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
