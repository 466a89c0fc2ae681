"""Watching a thunk run: :func:`register_thunk_debug_callback`.

The wrapper it returns calls a callback with a node's input and output values
after every run of the node's thunk, and can stand in for the thunk in a VM.
Aesara keeps this name in :mod:`aesara.link.utils`, which re-exports it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from aesara.graph.basic import Apply

__all__ = ["register_thunk_debug_callback"]


def register_thunk_debug_callback(
    thunk: Callable, callback: Callable[..., Any], node: Apply | None = None
) -> Callable:
    """Wrap ``thunk`` so that ``callback`` runs after each of its calls.

    The callback is called as ``callback(node=node, thunk=thunk,
    inputs=[...], outputs=[...])`` with the values in the thunk's input and
    output cells (``thunk.inputs``/``thunk.outputs``, empty lists when the
    thunk has none). The wrapper returns what the thunk returns and carries
    its ``inputs``, ``outputs``, ``lazy`` and ``perform`` attributes, so a VM
    can use it in the thunk's place.

    Parameters
    ----------
    thunk
        A thunk built by ``Op.make_thunk``.
    callback
        Called after every run of the thunk.
    node
        The node the thunk computes (passed to the callback).

    Returns
    -------
    Callable
        The wrapping thunk.
    """
    if not callable(thunk):
        raise TypeError(
            f"register_thunk_debug_callback: thunk must be callable, got {thunk!r}"
        )
    if not callable(callback):
        raise TypeError(
            f"register_thunk_debug_callback: callback must be callable, got {callback!r}"
        )
    in_cells = getattr(thunk, "inputs", None) or []
    out_cells = getattr(thunk, "outputs", None) or []

    def thunk_with_callback(*args, **kwargs):
        result = thunk(*args, **kwargs)
        callback(
            node=node,
            thunk=thunk,
            inputs=[cell[0] for cell in in_cells],
            outputs=[cell[0] for cell in out_cells],
        )
        return result

    for attr in ("inputs", "outputs", "lazy", "perform", "cthunk"):
        if hasattr(thunk, attr):
            setattr(thunk_with_callback, attr, getattr(thunk, attr))
    thunk_with_callback.wrapped_thunk = thunk
    return thunk_with_callback
