"""Element-wise functions of sparse matrices that act on the stored values only.

Each function here reads the matrix's buffers (:func:`csm_properties`),
applies the dense element-wise op to the vector of stored values and builds
a matrix of the same pattern back (:class:`CSM`). The pattern never changes,
so:

- the *structured* functions (``structured_exp``, ``structured_add``...)
  change the stored entries only, even where ``f(0) != 0``;
- the others (``sin``, ``sqrt``, ``floor``...) satisfy ``f(0) == 0`` and so
  agree with the dense function everywhere.

Explicitly stored zeros are stored entries (``structured_exp`` makes them 1)
and unsorted indices stay as they are. The gradient flows through ``CSM`` and
``CSMProperties``, so it is structured. Extra arguments (``structured_pow``'s
exponent...) are scalars.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

import aesara.tensor.math as _tm
from aesara.sparse.csm import CSM, csm_properties
from aesara.tensor.type import complex_dtypes

__all__ = [
    "_conj",
    "arcsin",
    "arcsinh",
    "arctan",
    "arctanh",
    "ceil",
    "conj",
    "conjugate",
    "deg2rad",
    "expm1",
    "floor",
    "log1p",
    "rad2deg",
    "rint",
    "sgn",
    "sin",
    "sinh",
    "sqrt",
    "square",
    "structured_add",
    "structured_exp",
    "structured_log",
    "structured_maximum",
    "structured_minimum",
    "structured_monoid",
    "structured_pow",
    "structured_sigmoid",
    "tan",
    "tanh",
    "trunc",
]


def structured_monoid(tensor_op: Callable) -> Callable[[Callable], Callable]:
    """Decorator: make a function that applies ``tensor_op`` to a sparse matrix's stored values.

    The decorated function only supplies the name and docstring. The
    function made takes a csr/csc matrix first, then any scalar arguments
    of ``tensor_op``, and returns a matrix of the input's format and
    pattern (its dtype is ``tensor_op``'s output dtype).
    """

    def decorator(f: Callable) -> Callable:
        @functools.wraps(f)
        def wrapper(x: Any, *args: Any):
            from aesara.scalar import as_scalar
            from aesara.sparse.arithmetic import _sparse_operand

            x = _sparse_operand(x, f.__name__, "x")
            scalars = [as_scalar(a) for a in args]
            data, indices, indptr, shape = csm_properties(x)
            return CSM(x.type.format)(tensor_op(data, *scalars), indices, indptr, shape)

        # Aesara names these functions after the scalar op they apply.
        scalar_op = getattr(tensor_op, "scalar_op", None)
        wrapper.__name__ = str(scalar_op) if scalar_op is not None else f.__name__
        return wrapper

    return decorator


@structured_monoid(_tm.sigmoid)
def structured_sigmoid(x):
    """Logistic sigmoid of the stored values of ``x``."""


@structured_monoid(_tm.exp)
def structured_exp(x):
    """Exponential of the stored values of ``x`` (absent entries stay absent)."""


@structured_monoid(_tm.log)
def structured_log(x):
    """Natural logarithm of the stored values of ``x``."""


@structured_monoid(_tm.pow)
def structured_pow(x, y):
    """The stored values of ``x`` to the scalar power ``y``."""


@structured_monoid(_tm.minimum)
def structured_minimum(x, y):
    """The minimum of each stored value of ``x`` and the scalar ``y``."""


@structured_monoid(_tm.maximum)
def structured_maximum(x, y):
    """The maximum of each stored value of ``x`` and the scalar ``y``."""


@structured_monoid(_tm.add)
def structured_add(x, y):
    """The stored values of ``x`` plus the scalar ``y``."""


@structured_monoid(_tm.sin)
def sin(x):
    """Sine of ``x`` (``sin(0) == 0``: same as the dense result)."""


@structured_monoid(_tm.tan)
def tan(x):
    """Tangent of ``x``."""


@structured_monoid(_tm.arcsin)
def arcsin(x):
    """Inverse sine of ``x``."""


@structured_monoid(_tm.arctan)
def arctan(x):
    """Inverse tangent of ``x``."""


@structured_monoid(_tm.sinh)
def sinh(x):
    """Hyperbolic sine of ``x``."""


@structured_monoid(_tm.arcsinh)
def arcsinh(x):
    """Inverse hyperbolic sine of ``x``."""


@structured_monoid(_tm.tanh)
def tanh(x):
    """Hyperbolic tangent of ``x``."""


@structured_monoid(_tm.arctanh)
def arctanh(x):
    """Inverse hyperbolic tangent of ``x``."""


@structured_monoid(_tm.round_half_to_even)
def rint(x):
    """``x`` rounded to the nearest integer, halves to even."""


rint.__name__ = "rint"


@structured_monoid(_tm.sgn)
def sgn(x):
    """Sign of ``x`` (-1, 0 or 1)."""


@structured_monoid(_tm.ceil)
def ceil(x):
    """Ceiling of ``x``."""


@structured_monoid(_tm.floor)
def floor(x):
    """Floor of ``x``."""


@structured_monoid(_tm.log1p)
def log1p(x):
    """``log(1 + x)``."""


@structured_monoid(_tm.expm1)
def expm1(x):
    """``exp(x) - 1``."""


@structured_monoid(_tm.deg2rad)
def deg2rad(x):
    """``x`` converted from degrees to radians."""


@structured_monoid(_tm.rad2deg)
def rad2deg(x):
    """``x`` converted from radians to degrees."""


@structured_monoid(_tm.trunc)
def trunc(x):
    """``x`` truncated towards zero."""


@structured_monoid(_tm.sqr)
def square(x):
    """``x * x``."""


square.__name__ = "square"


@structured_monoid(_tm.sqrt)
def sqrt(x):
    """Square root of ``x``."""


@structured_monoid(_tm.conj)
def _conj(x):
    """Complex conjugate of ``x`` (any dtype)."""


def conjugate(x: Any):
    """Complex conjugate of the sparse ``x``; ``x`` itself when it is not complex."""
    from aesara.sparse.arithmetic import _sparse_operand

    x = _sparse_operand(x, "conjugate", "x")
    if x.type.dtype not in complex_dtypes:
        return x
    return _conj(x)


conj = conjugate
