"""``_asarray``: convert to an array of exactly the requested dtype."""

from __future__ import annotations

from typing import Any

import numpy as np

from aesara.configdefaults import config

__all__ = ["_asarray"]


def _asarray(a: Any, dtype: Any, order: str | None = None) -> np.ndarray:
    """``numpy.asarray(a).astype(dtype)``, checked to really have that dtype.

    ``dtype="floatX"`` means ``config.floatX``. Two dtype objects can describe
    the same type without being the same NumPy type number (``int`` and
    ``long`` on some platforms); then a view with the requested dtype is
    returned.

    Raises
    ------
    TypeError
        If NumPy returns an array of a really different dtype.
    """
    if str(dtype) == "floatX":
        dtype = config.floatX
    dtype = np.dtype(dtype)
    out = np.asarray(a, order=order).astype(dtype, copy=False)
    if out.dtype.num == dtype.num:
        return out
    if out.dtype.str == dtype.str:
        return out.view(dtype=dtype)
    raise TypeError(
        f"_asarray: asked NumPy for dtype {dtype} ({dtype.str}, #{dtype.num}) but got "
        f"{out.dtype} ({out.dtype.str}, #{out.dtype.num})"
    )
