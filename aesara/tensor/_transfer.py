"""Moving a tensor to a target device: :func:`transfer` and :func:`register_transfer`.

Only the ``"cpu"`` target is built in; other targets come from functions given
to :func:`register_transfer`. Aesara keeps these names in
:mod:`aesara.tensor.basic`, which re-exports them.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from aesara.graph.basic import Variable

__all__ = ["register_transfer", "transfer"]


def _as_tensor(x: Any, **kw: Any) -> Variable:
    from aesara.tensor.basic import as_tensor_variable

    return as_tensor_variable(x, **kw)


_transfer_functions: list[Callable[[Variable, str], Variable | None]] = []


def register_transfer(fn: Callable[[Variable, str], Variable | None]) -> None:
    """Register a function used by :func:`transfer` to move data to a target.

    ``fn(var, target)`` returns the transferred variable, or ``None`` when it
    does not know ``target``.
    """
    if not callable(fn):
        raise TypeError(f"register_transfer: expected a callable, got {fn!r}")
    _transfer_functions.append(fn)


def transfer(var: Any, target: str) -> Variable:
    """Return ``var`` moved to ``target`` (``"cpu"`` or a registered target).

    Parameters
    ----------
    var
        A tensor variable.
    target
        ``"cpu"`` (returns ``var`` itself) or a target known to a function
        given to :func:`register_transfer`.
    """
    if target == "cpu":
        return _as_tensor(var)
    for fn in reversed(_transfer_functions):
        out = fn(var, target)
        if out is not None:
            return out
    raise ValueError(
        f"transfer: cannot transfer {var} to target {target!r}; known targets are "
        "'cpu' and those handled by functions given to register_transfer"
    )
