"""Describing a graph for the interactive viewer: nodes, edges, inner graphs.

:func:`graph_spec` turns a compiled function, a graph or variables into
plain data (dicts and lists) that :mod:`aesara.d3viz.d3viz` lays out and
writes into the page. :class:`PyDotFormatter` gives the same description as
a ``pydot`` graph (Aesara's API), for users who want a DOT file.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from aesara.graph.basic import Apply, Constant, Variable, graph_inputs
from aesara.graph.fg import FunctionGraph

__all__ = ["PyDotFormatter", "graph_spec", "type_to_str"]

# Fill colours of the node kinds (shared by the DOT output and the page).
COLORS = {
    "input": "limegreen",
    "constant_input": "SpringGreen",
    "shared_input": "YellowGreen",
    "output": "dodgerblue",
    "unused_output": "lightgrey",
    "apply": "white",
    "intermediate": "white",
    "inner": "gold",
}


def type_to_str(t) -> str:
    """A short description of a variable's type."""
    return str(t)


def _as_graph(fct) -> tuple[list, list, list, Any]:
    """``(inputs, outputs, toposort, profile)`` of what the viewer was given."""
    if hasattr(fct, "maker") and hasattr(fct.maker, "fgraph"):
        fg = fct.maker.fgraph
        return list(fg.inputs), list(fg.outputs), fg.toposort(), fct.profile
    if isinstance(fct, FunctionGraph):
        return list(fct.inputs), list(fct.outputs), fct.toposort(), None
    if isinstance(fct, Apply):
        fct = fct.outputs
    if isinstance(fct, Variable):
        fct = [fct]
    if not isinstance(fct, (list, tuple)) or not all(
        isinstance(v, Variable) for v in fct
    ):
        raise TypeError(
            "d3viz expects a compiled function, a FunctionGraph, an Apply, a "
            f"Variable or a list of Variables; got {type(fct).__name__}: {fct!r}"
        )
    inputs = [v for v in graph_inputs(fct) if not isinstance(v, Constant)]
    fg = FunctionGraph(inputs, list(fct), clone=False)
    return list(fg.inputs), list(fg.outputs), fg.toposort(), None


def _inner_graph(op) -> tuple[list, list] | None:
    """``(inner inputs, inner outputs)`` of a Scan / OpFromGraph op, else ``None``."""
    inner_in = getattr(op, "inner_inputs", None)
    inner_out = getattr(op, "inner_outputs", None)
    if inner_in is None or inner_out is None:
        return None
    try:
        return list(inner_in), list(inner_out)
    except TypeError:
        return None


def graph_spec(fct, compact: bool = True, prefix: str = "", _depth: int = 0) -> dict:
    """Describe a graph as plain data.

    Parameters
    ----------
    fct
        A compiled function, a :class:`FunctionGraph`, an :class:`Apply`, a
        :class:`Variable` or a list of variables.
    compact
        Leave out unnamed intermediate variables (their type becomes the
        edge's label).
    prefix
        Prepended to every node id (inner graphs get ``"<outer id>/"``).

    Returns
    -------
    dict
        ``{"nodes": [...], "edges": [...]}``. A node is ``{"id", "label",
        "kind" ("apply" or "variable"), "role", "color", "shape", "details":
        {field: text}, "subgraph": spec or None}``; an edge is ``{"source",
        "target", "label", "color"}``.
    """
    inputs, outputs, topo, profile = _as_graph(fct)
    nodes: list[dict] = []
    edges: list[dict] = []
    ids: dict = {}
    added: set = set()
    fgraph = fct.maker.fgraph if profile is not None else None

    def var_id(v: Variable) -> str:
        if v not in ids:
            ids[v] = f"{prefix}n{len(ids)}"
        return ids[v]

    def add_var(v: Variable, role: str) -> str:
        key = var_id(v)
        if key in added:
            return key
        added.add(key)
        if isinstance(v, Constant):
            text = str(np.asarray(v.data)).split("\n")[0]
            label = v.name or (text if len(text) <= 30 else text[:27] + "...")
            role = "constant_input"
        else:
            label = v.name or type_to_str(v.type)
        if role == "input" and type(v).__name__.endswith("SharedVariable"):
            role = "shared_input"
        details = {
            "Name": str(v.name),
            "Type": type_to_str(v.type),
            "Role": role.replace("_", " "),
        }
        if isinstance(v, Constant):
            details["Value"] = str(np.asarray(v.data))[:200]
        nodes.append(
            {
                "id": key,
                "label": label,
                "kind": "variable",
                "role": role,
                "color": COLORS[role],
                "shape": "box",
                "details": details,
                "subgraph": None,
            }
        )
        return key

    for v in inputs:
        add_var(v, "input")
    for pos, node in enumerate(topo):
        key = var_id(node)
        inner = _inner_graph(node.op)
        sub = None
        if inner is not None and _depth < 8:
            sub = graph_spec(
                list(inner[1]), compact, prefix=f"{key}/", _depth=_depth + 1
            )
        details = {
            "Op": str(node.op),
            "Class": f"{type(node.op).__module__}.{type(node.op).__qualname__}",
            "Position": str(pos),
            "Inputs": ", ".join(type_to_str(i.type) for i in node.inputs),
            "Outputs": ", ".join(type_to_str(o.type) for o in node.outputs),
        }
        if profile is not None:
            t = profile.apply_time.get((fgraph, node), 0.0)
            total = profile.fct_call_time or 0.0
            details["Time"] = f"{t:.3e}s" + (
                f" ({100 * t / total:.1f}%)" if total else ""
            )
        nodes.append(
            {
                "id": key,
                "label": str(node.op),
                "kind": "apply",
                "role": "inner" if sub else "apply",
                "color": COLORS["inner" if sub else "apply"],
                "shape": "ellipse",
                "details": details,
                "subgraph": sub,
            }
        )
        for idx, v in enumerate(node.inputs):
            label = str(idx) if len(node.inputs) > 1 else ""
            if v.owner is None:
                src = add_var(v, "input")
            elif v.name or not compact or v in outputs:
                src = add_var(v, "intermediate")
            else:
                src = var_id(v.owner)
                label = f"{label} {type_to_str(v.type)}".strip()
            edges.append({"source": src, "target": key, "label": label})
        for idx, v in enumerate(node.outputs):
            label = str(idx) if len(node.outputs) > 1 else ""
            if v in outputs:
                edges.append(
                    {"source": key, "target": add_var(v, "output"), "label": label}
                )
            elif v.name or not compact:
                edges.append(
                    {
                        "source": key,
                        "target": add_var(v, "intermediate"),
                        "label": label,
                    }
                )
    # Graph outputs that are inputs or constants.
    for v in outputs:
        if v.owner is None:
            add_var(v, "output")
    return {"nodes": nodes, "edges": edges}


def _dot_quote(text: str) -> str:
    return '"' + str(text).replace("\\", "\\\\").replace('"', '\\"') + '"'


def spec_to_dot(spec: dict, name: str = "G") -> str:
    """The DOT text of a :func:`graph_spec` (inner graphs as clusters)."""
    lines = [f"digraph {_dot_quote(name)} {{"]

    def emit(sp: dict, indent: str) -> None:
        for n in sp["nodes"]:
            lines.append(
                f"{indent}{_dot_quote(n['id'])} [label={_dot_quote(n['label'])}, "
                f"shape={n['shape']}, style=filled, fillcolor={_dot_quote(n['color'])}];"
            )
            if n["subgraph"]:
                lines.append(f"{indent}subgraph {_dot_quote('cluster_' + n['id'])} {{")
                lines.append(f"{indent}  label={_dot_quote(n['label'])};")
                emit(n["subgraph"], indent + "  ")
                lines.append(f"{indent}}}")
        for e in sp["edges"]:
            lines.append(
                f"{indent}{_dot_quote(e['source'])} -> {_dot_quote(e['target'])}"
                f" [label={_dot_quote(e['label'])}];"
            )

    emit(spec, "  ")
    lines.append("}")
    return "\n".join(lines) + "\n"


class PyDotFormatter:
    """Builds a ``pydot`` graph of a compiled function (Aesara's d3viz API).

    Parameters
    ----------
    compact
        Leave out unnamed intermediate variables.
    """

    def __init__(self, compact: bool = True):
        self.compact = compact

    def __call__(self, fct, graph=None):
        """Return a ``pydot.Dot`` of ``fct`` (nodes are added to ``graph`` if given)."""
        from aesara._pydotprint import find_pydot

        pd, why = find_pydot()
        if pd is None:
            raise RuntimeError(f"PyDotFormatter requires pydot: {why}")
        spec = graph_spec(fct, self.compact)
        if graph is None:
            graph = pd.Dot()

        def emit(sp: dict, target) -> None:
            for n in sp["nodes"]:
                target.add_node(
                    pd.Node(
                        _dot_quote(n["id"]),
                        label=_dot_quote(n["label"]),
                        shape=n["shape"],
                        style="filled",
                        fillcolor=_dot_quote(n["color"]),
                    )
                )
                if n["subgraph"]:
                    cluster = pd.Cluster(
                        n["id"].replace("/", "_"), label=_dot_quote(n["label"])
                    )
                    emit(n["subgraph"], cluster)
                    target.add_subgraph(cluster)
            for e in sp["edges"]:
                target.add_edge(
                    pd.Edge(
                        _dot_quote(e["source"]),
                        _dot_quote(e["target"]),
                        label=_dot_quote(e["label"]),
                    )
                )

        emit(spec, graph)
        return graph
