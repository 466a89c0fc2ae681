"""Shared variables holding a true scalar (a :class:`ScalarType` value).

``aesara.shared(3.0)`` gives a 0-d *tensor* shared variable; this
constructor is deliberately not registered with ``aesara.shared``. Call
:func:`shared` from this module directly when a graph needs a shared scalar
of :class:`~aesara.scalar.basic.ScalarType` (e.g. an index used by scalar
ops).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from aesara.compile.sharedvalue import SharedVariable
from aesara.scalar.basic import ScalarType, _scalar_py_operators

__all__ = ["ScalarSharedVariable", "shared"]


class ScalarSharedVariable(_scalar_py_operators, SharedVariable):
    """A shared variable of a :class:`ScalarType`, with the scalar operators."""


def shared(
    value: Any,
    name: str | None = None,
    strict: bool = False,
    allow_downcast: bool | None = None,
) -> ScalarSharedVariable:
    """A :class:`ScalarSharedVariable` holding the Python or NumPy number ``value``.

    The dtype is the value's own (``int64``/``float64``/``complex128`` for
    Python numbers).

    Raises
    ------
    TypeError
        If ``value`` is not a number (arrays, even 0-d ones, included).
    """
    if isinstance(value, (bool, np.bool_)) or not isinstance(
        value, (np.number, int, float, complex)
    ):
        raise TypeError(
            "aesara.scalar.sharedvar.shared expects a Python or NumPy number, "
            f"got {type(value).__name__}"
        )
    dtype = str(np.asarray(value).dtype)
    return ScalarSharedVariable(
        type=ScalarType(dtype),
        value=np.dtype(dtype).type(value),
        name=name,
        strict=strict,
        allow_downcast=allow_downcast,
    )
