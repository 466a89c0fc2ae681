"""Placing the nodes of a :func:`~aesara.d3viz.formatting.graph_spec`.

Uses graphviz's ``dot`` program (``dot -Tplain``) when it is installed, else
a layered layout computed here: each node on the layer after its deepest
predecessor, nodes of a layer ordered by the mean position of their
predecessors. Inner graphs are laid out on their own.
"""

from __future__ import annotations

import shlex
import shutil
import subprocess

__all__ = ["layout_spec"]

_CHAR_W = 7.0  # pixels per label character (12px sans-serif, roughly)
_NODE_H = 36.0
_GAP_X = 30.0
_GAP_Y = 70.0
_MARGIN = 20.0


def _shown_label(node: dict) -> str:
    """The label as the page draws it (see the page's script)."""
    label = node["label"]
    if len(label) > 60:
        label = label[:57] + "..."
    return ("[+] " if node["subgraph"] else "") + label


def _node_width(node: dict) -> float:
    return max(60.0, _CHAR_W * len(_shown_label(node)) + 30.0)


def _layered(spec: dict) -> dict:
    nodes = spec["nodes"]
    preds: dict = {n["id"]: [] for n in nodes}
    for e in spec["edges"]:
        if e["target"] in preds and e["source"] in preds:
            preds[e["target"]].append(e["source"])
    layer: dict = {}

    def depth(nid: str) -> int:
        # Iterative longest path from the sources (graphs are acyclic).
        stack = [nid]
        while stack:
            cur = stack[-1]
            todo = [p for p in preds[cur] if p not in layer]
            if todo:
                stack.extend(todo)
                continue
            stack.pop()
            layer[cur] = 1 + max((layer[p] for p in preds[cur]), default=-1)
        return layer[nid]

    for n in nodes:
        depth(n["id"])
    layers: dict = {}
    for n in nodes:
        layers.setdefault(layer[n["id"]], []).append(n)
    pos: dict = {}
    width = 0.0
    for k in sorted(layers):
        row = layers[k]
        if k > 0:
            # Barycentre of the predecessors keeps edges short.
            row.sort(
                key=lambda n: (
                    sum(pos[p][0] for p in preds[n["id"]]) / len(preds[n["id"]])
                    if preds[n["id"]]
                    else 0.0
                )
            )
        x = _MARGIN
        y = _MARGIN + k * (_NODE_H + _GAP_Y)
        for n in row:
            w = _node_width(n)
            pos[n["id"]] = (x + w / 2, y + _NODE_H / 2, w, _NODE_H)
            x += w + _GAP_X
        width = max(width, x)
    height = _MARGIN * 2 + len(layers) * (_NODE_H + _GAP_Y)
    return {"positions": pos, "width": width + _MARGIN, "height": height}


def _with_dot(spec: dict) -> dict | None:
    from aesara.d3viz.formatting import _dot_quote

    dot = shutil.which("dot")
    if dot is None:
        return None
    # Lay out the text the page shows (12px, labels cut at 60 characters).
    lines = ["digraph G {", "  node [fontsize=12, fontname=sans];"]
    for n in spec["nodes"]:
        lines.append(
            f"  {_dot_quote(n['id'])} [label={_dot_quote(_shown_label(n))}, "
            f"shape={n['shape']}];"
        )
    for e in spec["edges"]:
        lines.append(f"  {_dot_quote(e['source'])} -> {_dot_quote(e['target'])};")
    lines.append("}")
    try:
        proc = subprocess.run(
            [dot, "-Tplain"],
            input="\n".join(lines),
            capture_output=True,
            text=True,
            timeout=60,
            check=True,
        )
    except (OSError, subprocess.SubprocessError):
        return None  # a broken graphviz: fall back to the layout computed here
    ppi = 72.0
    pos: dict = {}
    width = height = 0.0
    for line in proc.stdout.splitlines():
        parts = shlex.split(line)
        if not parts:
            continue
        if parts[0] == "graph":
            width, height = float(parts[2]) * ppi, float(parts[3]) * ppi
        elif parts[0] == "node":
            x, y, w, h = (float(v) * ppi for v in parts[2:6])
            pos[parts[1]] = (x + _MARGIN, height - y + _MARGIN, w, h)
    if len(pos) != len(spec["nodes"]):
        return None
    return {
        "positions": pos,
        "width": width + 2 * _MARGIN,
        "height": height + 2 * _MARGIN,
    }


def layout_spec(spec: dict, engine: str = "auto") -> dict:
    """Add ``x``, ``y`` (centre), ``w``, ``h`` to every node, recursively.

    Parameters
    ----------
    spec
        A :func:`~aesara.d3viz.formatting.graph_spec` (changed in place).
    engine
        ``"dot"`` (graphviz, falls back when missing), ``"layered"`` or
        ``"auto"`` (``"dot"`` when available).

    Returns
    -------
    dict
        ``spec``, with ``width`` and ``height`` set.
    """
    if engine not in ("auto", "dot", "layered"):
        raise ValueError(
            f"layout engine must be 'auto', 'dot' or 'layered', got {engine!r}"
        )
    placed = _with_dot(spec) if engine in ("auto", "dot") else None
    spec["layout"] = "dot" if placed is not None else "layered"
    if placed is None:
        placed = _layered(spec)
    for n in spec["nodes"]:
        n["x"], n["y"], n["w"], n["h"] = placed["positions"][n["id"]]
        if n["subgraph"]:
            layout_spec(n["subgraph"], engine)
    spec["width"], spec["height"] = placed["width"], placed["height"]
    return spec
