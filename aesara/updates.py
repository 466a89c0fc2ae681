"""``OrderedUpdates``: an insertion-ordered ``{shared variable: new value}`` dict."""

from __future__ import annotations

from typing import Any

__all__ = ["OrderedUpdates"]


class OrderedUpdates(dict):
    """Updates for :func:`aesara.function`, kept in insertion order.

    Keys must be shared variables; merging two sets of updates (``update``,
    ``+``) that give one variable two different values is a ``KeyError``.
    """

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__()
        self.update(*args, **kwargs)

    def __setitem__(self, key, value):
        from aesara.compile.sharedvalue import SharedVariable

        if not isinstance(key, SharedVariable):
            raise TypeError(
                f"OrderedUpdates keys must be shared variables, got "
                f"{type(key).__name__} ({key!r})"
            )
        super().__setitem__(key, value)

    def update(self, other: Any = None, **kwargs: Any) -> None:
        if kwargs:
            raise TypeError("OrderedUpdates.update takes no keyword arguments")
        if other is None:
            return
        items = other.items() if hasattr(other, "items") else other
        for key, val in items:
            if key in self and self[key] is not val:
                raise KeyError(
                    f"Collision: {key} is updated twice, to different values"
                )
            self[key] = val

    def __add__(self, other: Any) -> OrderedUpdates:
        res = OrderedUpdates(self)
        res.update(other)
        return res

    def __radd__(self, other: Any) -> OrderedUpdates:
        res = OrderedUpdates(other)
        res.update(self)
        return res
