"""``OrderedSet``: a set that iterates in insertion order."""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Iterator, MutableSet
from typing import Any

__all__ = ["OrderedSet", "check_deterministic"]


def check_deterministic(iterable: Any) -> None:
    """Refuse iterables whose order is not reproducible (``set``, ``dict``...).

    Raises
    ------
    TypeError
        If ``iterable`` is a ``set``/``frozenset``, or a ``dict`` that is not
        an ``OrderedDict`` -- building an ordered set from them would give an
        order that can change from run to run. Lists, tuples, generators,
        ``OrderedDict`` and ``OrderedSet`` are accepted.
    """
    if iterable is None:
        return
    from collections import OrderedDict

    if isinstance(iterable, (set, frozenset)) or (
        isinstance(iterable, dict) and not isinstance(iterable, OrderedDict)
    ):
        raise TypeError(
            f"Expected an iterable with a deterministic order, got a "
            f"{type(iterable).__name__}"
        )


class OrderedSet(MutableSet):
    """A mutable set remembering the order in which elements were first added.

    Parameters
    ----------
    iterable
        Initial elements; must have a deterministic order (see
        :func:`check_deterministic`).
    """

    def __init__(self, iterable: Iterable[Hashable] | None = None):
        check_deterministic(iterable)
        # A dict keeps insertion order and gives O(1) membership and removal.
        self._items: dict = {}
        if iterable is not None:
            self.update(iterable)

    def __contains__(self, key: object) -> bool:
        return key in self._items

    def __iter__(self) -> Iterator:
        return iter(self._items)

    def __reversed__(self) -> Iterator:
        return reversed(list(self._items))

    def __len__(self) -> int:
        return len(self._items)

    def add(self, key: Hashable) -> None:
        self._items[key] = None

    def discard(self, key: Hashable) -> None:
        self._items.pop(key, None)

    def update(self, iterable: Iterable[Hashable]) -> None:
        check_deterministic(iterable)
        for key in iterable:
            self._items[key] = None

    def union(self, *others: Iterable) -> OrderedSet:
        out = self.copy()
        for other in others:
            out.update(other)
        return out

    def difference_update(self, other: Iterable) -> None:
        for key in other:
            self.discard(key)

    def copy(self) -> OrderedSet:
        out = type(self)()
        out._items = dict(self._items)
        return out

    __copy__ = copy

    def pop(self, last: bool = True) -> Any:
        """Remove and return the last (or first) element."""
        if not self._items:
            raise KeyError("pop from an empty OrderedSet")
        key = next(reversed(self._items)) if last else next(iter(self._items))
        del self._items[key]
        return key

    def __repr__(self) -> str:
        return f"{type(self).__name__}({list(self._items)!r})"

    def __eq__(self, other: object) -> bool:
        if isinstance(other, OrderedSet):
            return list(self) == list(other)
        return set(self) == other

    __hash__ = None  # mutable
