"""Helpers to rewrite graphs outside of ``aesara.function``."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from aesara.graph.basic import Variable, equal_computations
from aesara.graph.fg import FunctionGraph

__all__ = ["get_clients_at_depth", "is_same_graph", "rewrite_graph"]


def rewrite_graph(
    graph: Variable | Sequence[Variable] | FunctionGraph,
    include: Sequence[str] = ("canonicalize",),
    custom_rewrite: Any = None,
    clone: bool = False,
    **kwargs,
) -> Variable | list[Variable] | FunctionGraph:
    """Apply the rewrites of ``optdb`` selected by ``include`` to ``graph``.

    Parameters
    ----------
    graph
        A variable, a list of variables or a :class:`FunctionGraph`.
    include
        Tags of the rewrites to apply (``kwargs`` may add ``exclude`` and
        ``require``).
    custom_rewrite
        A graph rewriter applied after the selected ones.
    clone
        Rewrite a copy of the graph instead of the given one.

    Returns
    -------
    The rewritten graph, of the same kind as ``graph``.
    """
    from aesara.compile import optdb
    from aesara.graph.rewriting.db import RewriteDatabaseQuery

    if isinstance(graph, FunctionGraph):
        fgraph = graph.clone() if clone else graph
        outputs = None
    else:
        outputs = [graph] if isinstance(graph, Variable) else list(graph)
        fgraph = FunctionGraph(outputs=outputs, clone=clone)
    query = RewriteDatabaseQuery(include=list(include), **kwargs)
    optdb.query(query).rewrite(fgraph)
    if custom_rewrite is not None:
        custom_rewrite.rewrite(fgraph)
    if outputs is None:
        return fgraph
    if isinstance(graph, Variable):
        return fgraph.outputs[0]
    return list(fgraph.outputs)


def is_same_graph(var1: Variable, var2: Variable, givens: dict | None = None) -> bool:
    """Whether ``var1`` and ``var2`` compute the same thing (structurally).

    ``givens`` maps variables of ``var1``'s graph to variables of ``var2``'s
    graph that they stand for.
    """
    givens = dict(givens or {})
    return equal_computations(
        [var1], [var2], in_xs=list(givens.keys()), in_ys=list(givens.values())
    )


def get_clients_at_depth(fgraph: FunctionGraph, node, depth: int):
    """Yield the nodes using the outputs of ``node``, ``depth`` levels down."""
    for var in node.outputs:
        for client, _ in fgraph.clients.get(var, ()):
            if client == "output":
                continue
            if depth > 1:
                yield from get_clients_at_depth(fgraph, client, depth - 1)
            else:
                yield client
