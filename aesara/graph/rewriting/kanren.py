"""Node rewrites driven by miniKanren relations.

A relation ``rel(in_expr, out_expr)`` (a function returning a ``kanren``
goal) states which expressions may replace which; :class:`KanrenRelationSub`
runs it on a node's output and replaces the output by a solution.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

from kanren import run
from unification import var

import aesara.graph.rewriting.unify  # noqa: F401 (registers graph unification)
from aesara.graph.basic import Apply, Variable
from aesara.graph.fg import FunctionGraph
from aesara.graph.rewriting.basic import NodeRewriter
from aesara.graph.rewriting.unify import eval_if_etuple

__all__ = ["KanrenRelationSub"]


def _first(results: Iterator[Any]) -> Any:
    return next(results, None)


class KanrenRelationSub(NodeRewriter):
    """Replace a node's output by what a miniKanren relation relates it to.

    Parameters
    ----------
    kanren_relation
        ``kanren_relation(in_expr, out_lvar)``: a goal relating the node's
        output (an aesara variable, seen as a term through
        :mod:`aesara.graph.rewriting.unify`) to the replacement.
    results_filter
        Picks the replacement from the (lazy) stream of solutions; the
        first solution by default. Returning ``None`` (or ``False``) means
        no rewrite.
    node_filter
        ``node_filter(node)``: whether to try the relation on ``node`` at all
        (a cheap guard in front of the search).

    Solutions that are expression tuples are evaluated into graphs; a
    solution whose type cannot replace the output is refused.
    """

    reentrant = True

    def __init__(
        self,
        kanren_relation: Callable,
        results_filter: Callable[[Iterator[Any]], Any] | None = None,
        node_filter: Callable[[Apply], bool] = lambda node: True,
    ):
        if not callable(kanren_relation):
            raise TypeError(
                f"KanrenRelationSub: kanren_relation must be callable, got "
                f"{kanren_relation!r}"
            )
        self.kanren_relation = kanren_relation
        self.results_filter = results_filter or _first
        self.node_filter = node_filter
        self.name = getattr(kanren_relation, "__name__", None)
        super().__init__()

    def transform(self, fgraph: FunctionGraph, node: Apply, *args, **kwargs):
        if self.node_filter(node) is False:
            return False
        out = node.default_output() if len(node.outputs) > 1 else node.outputs[0]
        q = var()
        results = run(None, q, self.kanren_relation(out, q))
        chosen = self.results_filter(results)
        if chosen is None or chosen is False:
            return False
        chosen = eval_if_etuple(chosen)
        if isinstance(chosen, (list, tuple)):
            chosen = [eval_if_etuple(c) for c in chosen]
        else:
            chosen = [chosen]
        if len(chosen) != 1 or not isinstance(chosen[0], Variable):
            return False
        new = chosen[0]
        if new is out:
            return False
        try:
            new = out.type.filter_variable(new, allow_convert=True)
        except TypeError:
            return False
        # A list, as Aesara's; for a node with a default output (e.g. a random
        # variable) the one replacement is that output's (see ``process_node``).
        return [new]

    def __str__(self):
        return f"KanrenRelationSub({self.name or self.kanren_relation})"
