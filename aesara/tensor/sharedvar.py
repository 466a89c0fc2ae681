"""Shared variables holding NumPy arrays (and their ``shared`` constructors)."""

from __future__ import annotations

from typing import Any

import numpy as np

from aesara.compile.sharedvalue import SharedVariable, shared_constructor
from aesara.tensor.type import TensorType
from aesara.tensor.var import _tensor_py_operators

__all__ = [
    "ScalarSharedVariable",
    "TensorSharedVariable",
    "scalar_constructor",
    "tensor_constructor",
]


class TensorSharedVariable(_tensor_py_operators, SharedVariable):
    """A shared variable of a :class:`~aesara.tensor.type.TensorType`.

    It supports the tensor operators (``s + 1``, ``s.T``, ``s[0]``...).
    """

    def zero(self, borrow: bool = False) -> None:
        """Set the value to an array of zeros of the same shape and dtype."""
        value = self.get_value(borrow=True)
        if borrow:
            value[...] = 0
        else:
            self.container.value = np.zeros_like(value)


class ScalarSharedVariable(TensorSharedVariable):
    """A 0-d tensor shared variable (made from a Python or NumPy scalar)."""


@shared_constructor
def tensor_constructor(
    value: Any,
    name: str | None = None,
    strict: bool = False,
    allow_downcast: bool | None = None,
    borrow: bool = False,
    shape: tuple | None = None,
    target: str = "cpu",
    broadcastable: tuple | None = None,
) -> TensorSharedVariable:
    """Make a :class:`TensorSharedVariable` from a NumPy array.

    Parameters
    ----------
    value
        An ndarray (anything else is declined with ``TypeError``).
    shape
        Static shape of the variable's type; by default every dimension is
        unknown (``None``), so later values may have any size.
    broadcastable
        Legacy alternative to ``shape``: ``True`` entries become size 1.
    borrow
        Use ``value`` itself instead of a copy.
    """
    if not isinstance(value, np.ndarray):
        raise TypeError(f"Expected an ndarray, got {type(value).__name__}")
    if target != "cpu":
        raise TypeError(f"Only the 'cpu' target is supported, got {target!r}")
    if broadcastable is not None and shape is not None:
        raise TypeError("Give either shape or broadcastable, not both")
    if broadcastable is not None:
        if len(broadcastable) != value.ndim:
            raise ValueError(
                f"broadcastable has {len(broadcastable)} entries for a value with "
                f"{value.ndim} dimensions"
            )
        shape = tuple(1 if b else None for b in broadcastable)
    if shape is None:
        shape = (None,) * value.ndim
    shape = tuple(shape)
    if len(shape) != value.ndim:
        raise ValueError(
            f"shape {shape} has {len(shape)} entries for a value with {value.ndim} "
            f"dimensions (shape {value.shape})"
        )
    type_ = TensorType(value.dtype, shape=shape)
    return TensorSharedVariable(
        type=type_,
        value=np.array(value, copy=(not borrow)),
        strict=strict,
        allow_downcast=allow_downcast,
        name=name,
    )


@shared_constructor
def scalar_constructor(
    value: Any,
    name: str | None = None,
    strict: bool = False,
    allow_downcast: bool | None = None,
    borrow: bool = False,
    target: str = "cpu",
) -> ScalarSharedVariable:
    """Make a 0-d :class:`ScalarSharedVariable` from a Python or NumPy scalar.

    Python floats give float64, Python ints int64, bools bool, complex
    numbers complex128; NumPy scalars keep their dtype.
    """
    if target != "cpu":
        raise TypeError(f"Only the 'cpu' target is supported, got {target!r}")
    if not isinstance(value, (np.number, np.bool_, float, int, complex)):
        raise TypeError(f"Expected a scalar, got {type(value).__name__}")
    dtype = getattr(value, "dtype", None)
    if dtype is None:
        dtype = np.asarray(value).dtype
    data = np.asarray(value, dtype=dtype)
    type_ = TensorType(dtype=str(data.dtype), shape=())
    return ScalarSharedVariable(
        type=type_,
        value=data.copy(),
        strict=strict,
        allow_downcast=allow_downcast,
        name=name,
    )


def load_shared_variable(val: Any) -> TensorSharedVariable:
    """Return a tensor shared variable holding ``val``.

    Old pickles made by Theano/Aesara call this by name when they load, so it
    stays importable.
    """
    return tensor_constructor(val)
