"""Ordering the nodes of a graph by comparators (``sort_schedule_fn``).

A *comparator* ``cmp(a, b)`` returns a negative number when ``a`` should
come before ``b``, a positive one for the reverse and 0 for no preference.
:func:`posort` orders items so that the comparators hold as far as they can,
earlier comparators taking precedence; :func:`sort_schedule_fn` turns
comparators into a schedule usable by a linker (``Linker(schedule=...)``),
always putting data dependence first so the order can run.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Hashable, Iterable, Sequence
from typing import Any

from aesara.graph.basic import Apply, Variable, list_of_nodes
from aesara.utils import cmp

__all__ = [
    "key_to_cmp",
    "make_dependence_cmp",
    "make_depends",
    "memodict",
    "posort",
    "reverse_dict",
    "sort_apply_nodes",
    "sort_schedule_fn",
]

Comparator = Callable[[Any, Any], int]


def memodict(f: Callable[[Hashable], Any]) -> Callable[[Hashable], Any]:
    """Memoize a one-argument function in a dict; returns the lookup function."""

    class _Memo(defaultdict):
        def __missing__(self, key):
            value = self[key] = f(key)
            return value

    return _Memo().__getitem__


def make_depends() -> Callable[[tuple[Apply, Apply]], bool]:
    """A memoized ``depends((a, b))``: whether node ``a`` uses a result of node ``b``.

    The dependence may be indirect (through other nodes).
    """

    @memodict
    def depends(pair: tuple[Apply, Apply]) -> bool:
        a, b = pair
        if any(out in a.inputs for out in b.outputs):
            return True
        return any(depends((inp.owner, b)) for inp in a.inputs if inp.owner)

    return depends


def make_dependence_cmp() -> Comparator:
    """A comparator putting each node after the nodes it depends on."""
    depends = make_depends()

    def dependence(a: Apply, b: Apply) -> int:
        if depends((a, b)):
            return 1
        if depends((b, a)):
            return -1
        return 0

    return dependence


def reverse_dict(d: dict) -> dict:
    """Invert ``{key: values}`` into ``{value: keys holding it}`` (tuples)."""
    result: dict = {}
    for key, values in d.items():
        for value in values:
            result[value] = (*result.get(value, ()), key)
    return result


def _toposort(edges: dict) -> list:
    """Kahn's topological sort of ``{a: {b, c}}`` (``b`` and ``c`` come after ``a``)."""
    incoming = {k: set(v) for k, v in reverse_dict(edges).items()}
    # A list used as a stack, seeded in the order of ``edges``: the result
    # is the same from one run to the next.
    ready = [v for v in edges if v not in incoming]
    ready.reverse()
    order = []
    while ready:
        n = ready.pop()
        order.append(n)
        for m in edges.get(n, ()):
            incoming[m].discard(n)
            if not incoming[m]:
                ready.append(m)
    if any(incoming.get(v) for v in edges):
        raise ValueError("_toposort: the dependencies contain a cycle")
    return order


def posort(nodes: Iterable, *cmps: Comparator) -> list:
    """Sort ``nodes`` partially so that the comparators hold as far as possible.

    Parameters
    ----------
    nodes
        The items to order.
    *cmps
        Comparators; a preference of a later one is dropped when it would
        contradict what earlier ones decided.

    Returns
    -------
    list
        The items in an order satisfying the kept preferences.
    """
    nodes = list(nodes)
    before: dict = {a: set() for a in nodes}  # what must come before a
    after: dict = {a: set() for a in nodes}  # what must come after a

    def link(a, b) -> None:  # a before b, closed transitively
        for x in (a, *before[a]):
            after[x].add(b)
            after[x].update(after[b])
        for y in (b, *after[b]):
            before[y].add(a)
            before[y].update(before[a])

    for compare in cmps:
        for a in nodes:
            for b in nodes:
                if a is b or compare(a, b) >= 0:
                    continue
                if b not in before[a] and b not in after[a]:
                    link(a, b)
    return _toposort(after)


def sort_apply_nodes(
    inputs: Sequence[Variable], outputs: Sequence[Variable], cmps: Sequence[Comparator]
) -> list[Apply]:
    """The nodes between ``inputs`` and ``outputs`` ordered by :func:`posort`."""
    return posort(list_of_nodes(inputs, outputs), *cmps)


def sort_schedule_fn(*cmps: Comparator) -> Callable:
    """A schedule ``f(fgraph) -> [Apply]``: dependence first, then ``cmps``."""
    all_cmps = (make_dependence_cmp(), *cmps)

    def schedule(fgraph) -> list[Apply]:
        return sort_apply_nodes(fgraph.inputs, fgraph.outputs, all_cmps)

    return schedule


def key_to_cmp(key: Callable[[Any], Any]) -> Comparator:
    """A comparator ordering by ``key(item)``."""

    def key_cmp(a: Any, b: Any) -> int:
        return cmp(key(a), key(b))

    return key_cmp
