"""``frozendict``: an immutable, hashable mapping (and its ordered variant)."""

from __future__ import annotations

import collections
from collections.abc import Iterator, Mapping
from typing import Any

__all__ = ["FrozenOrderedDict", "frozendict"]


class frozendict(Mapping):
    """An immutable mapping, hashable when its values are.

    Built like ``dict`` (from a mapping, pairs and/or keywords). ``copy``
    takes keywords to add or replace entries in the copy.
    """

    dict_cls: type = dict

    def __init__(self, *args: Any, **kwargs: Any):
        self._dict = self.dict_cls(*args, **kwargs)
        self._hash: int | None = None

    def __getitem__(self, key: Any) -> Any:
        return self._dict[key]

    def __contains__(self, key: object) -> bool:
        return key in self._dict

    def __iter__(self) -> Iterator:
        return iter(self._dict)

    def __len__(self) -> int:
        return len(self._dict)

    def copy(self, **add_or_replace: Any) -> frozendict:
        return type(self)(self, **add_or_replace)

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self._dict!r}>"

    def __hash__(self) -> int:
        if self._hash is None:
            # Order-independent, as equality of mappings is.
            self._hash = hash(frozenset(self._dict.items()))
        return self._hash


class FrozenOrderedDict(frozendict):
    """A :class:`frozendict` that keeps the insertion order."""

    dict_cls = collections.OrderedDict
