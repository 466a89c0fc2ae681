"""Helpers to rewrite graphs outside of ``aesara.function``."""

from __future__ import annotations

import copy
from collections.abc import Sequence
from typing import Any

from aesara.graph.basic import Constant, Variable, equal_computations, graph_inputs
from aesara.graph.fg import FunctionGraph

__all__ = [
    "get_clients_at_depth",
    "is_same_graph",
    "is_same_graph_with_merge",
    "rewrite_graph",
]


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


def is_same_graph_with_merge(
    var1: Variable, var2: Variable, givens: dict | None = None
) -> bool:
    """:func:`is_same_graph` decided by merging: equal graphs merge into one node.

    Copies of both graphs (and of ``givens``) go into one
    :class:`FunctionGraph`; each key of ``givens`` is replaced by its value,
    then :class:`~aesara.graph.rewriting.basic.MergeOptimizer` merges equal
    computations. The variables compute the same thing when they end up
    computed by the same node (or, for variables without an owner, are the
    same variable). The given graphs are not modified.

    Parameters
    ----------
    var1, var2
        The variables to compare.
    givens
        Maps variables of the graphs to variables standing for them.
    """
    from aesara.graph.rewriting.basic import MergeOptimizer

    for name, v in (("var1", var1), ("var2", var2)):
        if not isinstance(v, Variable):
            raise TypeError(
                f"is_same_graph_with_merge: {name} must be a Variable, "
                f"got {type(v).__name__}"
            )
    # Deep copies: merging rewires the graph, and the givens must refer to the
    # copied variables.
    v1, v2, copied_givens = copy.deepcopy([var1, var2, dict(givens or {})])
    # Constants stay out of the inputs: equal constants must remain mergeable.
    inputs = [i for i in graph_inputs([v1, v2]) if not isinstance(i, Constant)]
    fgraph = FunctionGraph(inputs, [v1, v2], clone=False)
    for old, new in copied_givens.items():
        if old in fgraph.variables:
            fgraph.replace(old, new, import_missing=True)
    MergeOptimizer().rewrite(fgraph)
    out1, out2 = (copied_givens.get(v, v) for v in fgraph.outputs)
    if out1.owner is None and out2.owner is None:
        return out1 == out2
    return out1.owner is out2.owner


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


from aesara.utils import deprecated_names_getattr  # noqa: E402

# Aesara 2.9 serves this old name with a DeprecationWarning.
__getattr__ = deprecated_names_getattr(
    __name__,
    [
        (
            "optimize_graph",
            "`optimize_graph` is deprecated: use `rewrite_graph` instead.",
            rewrite_graph,
        )
    ],
)
