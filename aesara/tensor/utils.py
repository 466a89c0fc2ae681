"""Small helpers shared by the tensor modules."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from typing import Any

import numpy as np


def hash_from_ndarray(data: np.ndarray) -> str:
    """Return a hex digest identifying the dtype, shape and values of ``data``."""
    data = np.ascontiguousarray(data)
    h = hashlib.sha256()
    h.update(str(data.dtype).encode())
    h.update(str(data.shape).encode())
    h.update(data.tobytes())
    return h.hexdigest()


def as_list(x: Any) -> list:
    """Return ``x`` as a list (a non-sequence becomes a one-element list)."""
    if isinstance(x, (list, tuple)):
        return list(x)
    if isinstance(x, Iterable) and not isinstance(x, (str, bytes, np.ndarray)):
        return list(x)
    return [x]


def normalize_axis(axis: int, ndim: int, what: str = "axis") -> int:
    """Return ``axis`` as a non-negative index into ``ndim`` dimensions.

    Raises
    ------
    IndexError
        When ``axis`` is outside ``[-ndim, ndim)``.
    """
    if not isinstance(axis, (int, np.integer)) or isinstance(axis, bool):
        raise TypeError(
            f"{what} must be an integer, got {type(axis).__name__}: {axis!r}"
        )
    axis = int(axis)
    if not -ndim <= axis < ndim:
        raise IndexError(
            f"{what} {axis} is out of bounds for a tensor of {ndim} dimensions"
        )
    return axis % ndim if ndim else 0
