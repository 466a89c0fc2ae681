"""``may_share_memory`` for NumPy arrays and SciPy sparse matrices."""

from __future__ import annotations

from typing import Any

import numpy as np

__all__ = ["may_share_memory"]


def _is_sparse(a: Any) -> bool:
    # Checked by module name: importing scipy.sparse just to answer "no" for
    # NumPy arrays would be slow.
    return type(a).__module__.startswith("scipy.sparse")


def _buffers(a: Any) -> list[np.ndarray]:
    """The arrays holding a value's data (three for a compressed sparse matrix)."""
    if isinstance(a, np.ndarray):
        return [a]
    parts = [
        getattr(a, name, None) for name in ("data", "indices", "indptr", "row", "col")
    ]
    return [p for p in parts if isinstance(p, np.ndarray)]


def may_share_memory(a: Any, b: Any, raise_other_type: bool = True) -> bool:
    """Whether ``a`` and ``b`` may use the same memory.

    Parameters
    ----------
    a, b
        NumPy arrays or SciPy sparse matrices.
    raise_other_type
        Raise on any other kind of value (else answer False).

    Raises
    ------
    TypeError
        If ``a`` or ``b`` is neither an array nor a sparse matrix and
        ``raise_other_type`` is true.
    """
    for name, v in (("a", a), ("b", b)):
        if not (isinstance(v, np.ndarray) or _is_sparse(v)):
            if raise_other_type:
                raise TypeError(
                    "may_share_memory supports only numpy.ndarray and scipy.sparse "
                    f"matrices; {name} is a {type(v).__name__}"
                )
            return False
    return any(np.may_share_memory(x, y) for x in _buffers(a) for y in _buffers(b))
