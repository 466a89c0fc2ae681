"""Describing a graph for the interactive viewer: nodes, edges, inner graphs.

:func:`graph_spec` turns a compiled function, a graph or variables into
plain data (dicts and lists) that :mod:`aesara.d3viz.d3viz` lays out and
writes into the page. :class:`PyDotFormatter` gives the same description as
a ``pydot`` graph (Aesara's API), for users who want a DOT file.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from typing import Any

import numpy as np

from aesara.graph.basic import Apply, Constant, Variable, graph_inputs
from aesara.graph.fg import FunctionGraph

__all__ = [
    "PyDotFormatter",
    "apply_label",
    "apply_profile",
    "broadcastable_to_str",
    "dict_to_pdnode",
    "dtype_to_char",
    "graph_spec",
    "pydot_imported",
    "pydot_imported_msg",
    "type_to_str",
    "var_label",
    "var_tag",
]

# Whether pydot can be imported, and why not (shared with aesara.printing).
from aesara.printing import pydot_imported, pydot_imported_msg  # noqa: E402

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


_NAMED_BROADCASTABLE = {
    (): "scalar",
    (False,): "vector",
    (False, True): "col",
    (True, False): "row",
    (False, False): "matrix",
}

# NumPy's one-letter codes for the dtypes that have one in tensor type names.
_DTYPE_CHARS = {
    "complex64": "c",
    "complex128": "z",
    "float32": "f",
    "float64": "d",
    "int8": "b",
    "int16": "w",
    "int32": "i",
    "int64": "l",
}


def broadcastable_to_str(b: Sequence[bool]) -> str:
    """The kind of tensor a broadcastable pattern describes, or ``""``.

    ``()`` is ``"scalar"``, ``(False,)`` ``"vector"``, ``(False, True)``
    ``"col"``, ``(True, False)`` ``"row"`` and ``(False, False)``
    ``"matrix"``; any other pattern has no name.
    """
    return _NAMED_BROADCASTABLE.get(tuple(b), "")


def dtype_to_char(dtype: str) -> str:
    """The one-letter code of ``dtype`` (``"d"`` for float64...), ``"X"`` if none."""
    return _DTYPE_CHARS.get(str(dtype), "X")


def var_label(var: Variable, precision: int = 3) -> str:
    """The label of a variable in the drawing.

    Its name if it has one; for a constant, its value (first line only,
    ``precision`` digits); otherwise a short description of its type
    (``"dmatrix"``, ``"fvector"``..., or the dtype for other patterns).
    """
    if var.name is not None:
        return var.name
    if isinstance(var, Constant):
        value = np.asarray(var.data)
        text = np.array2string(np.atleast_1d(value), precision=precision)
        text = text.split("\n")[0]
        if value.ndim == 0:
            text = text.replace("[", "").replace("]", "")
        return text
    return _compact_type_str(var.type)


def _compact_type_str(t) -> str:
    """``"dmatrix"``-style description of a tensor type (else ``str(t)``)."""
    b = getattr(t, "broadcastable", None)
    if b is None:
        return str(t)
    kind = broadcastable_to_str(b)
    return dtype_to_char(t.dtype) + kind if kind else str(t.dtype)


def var_tag(var: Variable) -> list | None:
    """``[file name, line, source line as bytes]`` of where ``var`` was created.

    Read from the innermost frame of ``var.tag.trace`` (the user code that
    built the variable); ``None`` when no trace was recorded.
    """
    trace = getattr(var.tag, "trace", None)
    if not trace:
        return None
    frames = trace[0]
    if frames and isinstance(frames[0], (tuple, list)):
        frame = frames[-1]
    else:
        frame = frames
    if len(frame) != 4:
        return None
    path, line, _, src = frame
    path = os.path.basename(str(path)).replace("<", "").replace(">", "")
    return [path, line, (src or "").encode()]


def apply_label(node: Apply) -> str:
    """The label of an apply node: its op's class name."""
    return type(node.op).__name__


def apply_profile(fgraph, node: Apply, profile) -> list | None:
    """``[time spent in node, total call time]`` from ``profile``, or ``None``.

    ``None`` when there is no profile or the function was never called.
    """
    if not profile or not getattr(profile, "fct_call_time", 0):
        return None
    return [profile.apply_time.get((fgraph, node), 0), profile.fct_call_time]


def dict_to_pdnode(d: dict):
    """A ``pydot.Node`` whose attributes are the entries of ``d``.

    ``None`` values are left out, lists are joined with tabs and double
    quotes become single quotes (DOT syntax). Requires pydot.
    """
    from aesara._pydotprint import find_pydot

    pd, why = find_pydot()
    if pd is None:
        raise RuntimeError(f"dict_to_pdnode requires pydot: {why}")
    attrs = {}
    for k, v in d.items():
        if v is None:
            continue
        text = "\t".join(str(x) for x in v) if isinstance(v, list) else str(v)
        attrs[k] = text.replace('"', "'")
    return pd.Node(**attrs)


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
