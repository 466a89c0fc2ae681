"""Writing a graph as a self-contained interactive HTML page.

:func:`d3viz` lays the graph out (:mod:`aesara.d3viz.layout`) and writes a
page that draws it as inline SVG with a small script of its own: no network
access and no external file. The page zooms (wheel), pans (drag), shows a
node's details on hover, and expands or collapses the inner graph of a Scan
or OpFromGraph node on click.
"""

from __future__ import annotations

import json
import os
from typing import Any

from aesara.d3viz.formatting import graph_spec, spec_to_dot
from aesara.d3viz.layout import layout_spec

__all__ = ["d3viz", "d3write", "escape_quotes", "replace_patterns", "safe_json"]


def safe_json(obj: Any) -> str:
    """``obj`` as JSON text that can sit inside an HTML ``<script>`` element.

    Every ``<`` is written as the JSON escape ``\\u003c``, so the text can
    never close the element (``</script>``) or open a comment.
    """
    return json.dumps(obj).replace("<", "\\u003c")


def replace_patterns(x: str, replace: dict) -> str:
    """Replace every key of ``replace`` found in ``x`` by its value."""
    for from_, to in replace.items():
        x = x.replace(str(from_), str(to))
    return x


def escape_quotes(s: str) -> str:
    """Escape double quotes (and backslashes) of ``s`` for a quoted string."""
    return s.replace("\\", "\\\\").replace('"', '\\"')


def d3write(fct, path: str, *args, **kwargs) -> None:
    """Write the DOT description of ``fct`` (inner graphs as clusters) to ``path``.

    Extra arguments go to :func:`~aesara.d3viz.formatting.graph_spec`
    (``compact``).
    """
    spec = graph_spec(fct, *args, **kwargs)
    with open(path, "w") as f:
        f.write(spec_to_dot(spec))


_STYLE = """
body { margin: 0; font-family: sans-serif; font-size: 12px; overflow: hidden; }
#toolbar { position: fixed; top: 0; left: 0; right: 0; padding: 4px 8px;
  background: #f4f4f4; border-bottom: 1px solid #ccc; z-index: 2; }
#canvas { position: fixed; top: 30px; left: 0; width: 100%;
  height: calc(100% - 30px); cursor: move; }
#tooltip { position: fixed; display: none; background: #fffde8; z-index: 3;
  border: 1px solid #999; padding: 6px; max-width: 480px; pointer-events: none; }
#tooltip td { vertical-align: top; padding: 0 4px; }
.node text { pointer-events: none; }
.node.expandable { cursor: pointer; }
.edge { stroke: #555; fill: none; }
.edge-label { fill: #333; font-size: 10px; }
.inner-frame { fill: #fafaff; stroke: #88a; stroke-dasharray: 4 2; }
"""

# The page's script. It reads the graph (JSON) from #graph-data and builds
# the SVG; nothing is loaded from elsewhere.
_SCRIPT = r"""
(function () {
  "use strict";
  var NS = "http://www.w3.org/2000/svg";
  var data = JSON.parse(document.getElementById("graph-data").textContent);
  var svg = document.getElementById("canvas");
  var root = document.createElementNS(NS, "g");
  root.setAttribute("id", "viewport");
  svg.appendChild(root);
  var tip = document.getElementById("tooltip");
  var view = {x: 0, y: 0, k: 1};

  function el(name, attrs, parent) {
    var e = document.createElementNS(NS, name);
    for (var a in attrs) { e.setAttribute(a, attrs[a]); }
    if (parent) { parent.appendChild(e); }
    return e;
  }
  function apply() {
    root.setAttribute("transform",
      "translate(" + view.x + "," + view.y + ") scale(" + view.k + ")");
  }
  function showTip(node, ev) {
    var rows = "<b>" + escapeHtml(node.label) + "</b><table>";
    for (var key in node.details) {
      rows += "<tr><td>" + escapeHtml(key) + "</td><td>" +
        escapeHtml(node.details[key]) + "</td></tr>";
    }
    tip.innerHTML = rows + "</table>";
    tip.style.display = "block";
    tip.style.left = (ev.clientX + 12) + "px";
    tip.style.top = (ev.clientY + 12) + "px";
  }
  function escapeHtml(s) {
    return String(s).replace(/&/g, "&amp;").replace(/</g, "&lt;")
      .replace(/>/g, "&gt;");
  }
  function drawEdges(graph, byId, parent) {
    graph.edges.forEach(function (e) {
      var s = byId[e.source], t = byId[e.target];
      if (!s || !t) { return; }
      var x1 = s.x, y1 = s.y + s.h / 2, x2 = t.x, y2 = t.y - t.h / 2;
      var my = (y1 + y2) / 2;
      el("path", {"class": "edge", "marker-end": "url(#arrow)",
        "data-source": e.source, "data-target": e.target,
        d: "M" + x1 + "," + y1 + " C" + x1 + "," + my + " " + x2 + "," + my +
          " " + x2 + "," + y2}, parent);
      if (e.label) {
        var lbl = el("text", {"class": "edge-label", x: (x1 + x2) / 2 + 4,
          y: my}, parent);
        lbl.textContent = e.label;
      }
    });
  }
  function drawGraph(graph, parent) {
    var byId = {};
    graph.nodes.forEach(function (n) { byId[n.id] = n; });
    drawEdges(graph, byId, el("g", {"class": "edges"}, parent));
    var layer = el("g", {"class": "nodes"}, parent);
    graph.nodes.forEach(function (n) {
      var g = el("g", {"class": "node " + n.kind + (n.subgraph ? " expandable" : ""),
        "data-node-id": n.id, "data-role": n.role}, layer);
      var shape;
      if (n.shape === "ellipse") {
        shape = el("ellipse", {cx: n.x, cy: n.y, rx: n.w / 2, ry: n.h / 2}, g);
      } else {
        shape = el("rect", {x: n.x - n.w / 2, y: n.y - n.h / 2, width: n.w,
          height: n.h, rx: 3}, g);
      }
      shape.setAttribute("fill", n.color);
      shape.setAttribute("stroke", "#333");
      var text = el("text", {x: n.x, y: n.y + 4, "text-anchor": "middle"}, g);
      text.textContent = (n.subgraph ? "[+] " : "") +
        (n.label.length > 60 ? n.label.slice(0, 57) + "..." : n.label);
      g.addEventListener("mousemove", function (ev) { showTip(n, ev); });
      g.addEventListener("mouseleave", function () { tip.style.display = "none"; });
      if (n.subgraph) {
        var inner = el("g", {"class": "inner-graph", "data-parent": n.id,
          transform: "translate(" + (n.x + n.w / 2 + 20) + "," + (n.y - 10) + ")",
          visibility: "hidden"}, parent);
        el("rect", {"class": "inner-frame", x: 0, y: 0,
          width: n.subgraph.width, height: n.subgraph.height}, inner);
        var title = el("text", {x: 6, y: 14}, inner);
        title.textContent = "inner graph of " + n.label;
        drawGraph(n.subgraph, inner);
        g.addEventListener("click", function (ev) {
          ev.stopPropagation();
          var open = inner.getAttribute("visibility") !== "visible";
          inner.setAttribute("visibility", open ? "visible" : "hidden");
          text.textContent = (open ? "[-] " : "[+] ") +
            (n.label.length > 60 ? n.label.slice(0, 57) + "..." : n.label);
          g.setAttribute("data-expanded", open ? "true" : "false");
        });
      }
    });
  }

  var defs = el("defs", {}, svg);
  var marker = el("marker", {id: "arrow", viewBox: "0 0 10 10", refX: 10,
    refY: 5, markerWidth: 7, markerHeight: 7, orient: "auto"}, defs);
  el("path", {d: "M0,0 L10,5 L0,10 z", fill: "#555"}, marker);
  drawGraph(data, root);

  // Pan by dragging, zoom with the wheel around the pointer.
  var drag = null;
  svg.addEventListener("mousedown", function (ev) {
    drag = {x: ev.clientX - view.x, y: ev.clientY - view.y};
  });
  window.addEventListener("mousemove", function (ev) {
    if (drag) { view.x = ev.clientX - drag.x; view.y = ev.clientY - drag.y; apply(); }
  });
  window.addEventListener("mouseup", function () { drag = null; });
  svg.addEventListener("wheel", function (ev) {
    ev.preventDefault();
    var f = ev.deltaY < 0 ? 1.1 : 1 / 1.1;
    var r = svg.getBoundingClientRect();
    var px = ev.clientX - r.left, py = ev.clientY - r.top;
    view.x = px - (px - view.x) * f;
    view.y = py - (py - view.y) * f;
    view.k *= f;
    apply();
  }, {passive: false});
  // Start with the whole graph in the window.
  function fit() {
    var r = svg.getBoundingClientRect();
    var k = Math.min(1, r.width / Math.max(data.width, 1),
      r.height / Math.max(data.height, 1));
    view.x = 0; view.y = 0; view.k = k > 0 ? k : 1;
    apply();
  }
  document.getElementById("reset").addEventListener("click", fit);
  window.d3vizView = function () { return {x: view.x, y: view.y, k: view.k}; };
  fit();
})();
"""


def _page(spec: dict, title: str) -> str:
    # "</" must not appear inside the <script> elements.
    payload = json.dumps(spec).replace("</", "<\\/")
    return (
        "<!DOCTYPE html>\n<html>\n<head>\n<meta charset='utf-8'>\n"
        f"<title>{_html(title)}</title>\n<style>{_STYLE}</style>\n</head>\n<body>\n"
        f"<div id='toolbar'><b>{_html(title)}</b> &nbsp; wheel: zoom, drag: pan, "
        "hover: details, click a [+] node: inner graph "
        f"(layout: {spec.get('layout', '?')}) "
        "<button id='reset'>Reset view</button></div>\n"
        "<svg id='canvas' xmlns='http://www.w3.org/2000/svg'></svg>\n"
        "<div id='tooltip'></div>\n"
        f"<script type='application/json' id='graph-data'>{payload}</script>\n"
        f"<script>{_SCRIPT}</script>\n</body>\n</html>\n"
    )


def _html(s: str) -> str:
    return str(s).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def d3viz(fct, outfile: str, copy_deps: bool = True, *args, **kwargs) -> None:
    """Write an interactive HTML view of ``fct``'s graph to ``outfile``.

    The page needs no network access nor other file. A ``.dot`` file of the
    graph is written beside it (``<outfile without extension>.dot``).

    Parameters
    ----------
    fct
        A compiled function, a :class:`~aesara.graph.fg.FunctionGraph`, an
        :class:`~aesara.graph.basic.Apply`, a variable or a list of variables.
    outfile
        The path of the HTML page (its folder is created when missing).
    copy_deps
        Accepted for compatibility with Aesara, which copies d3.js beside the
        page; this page embeds everything it uses.
    *args, **kwargs
        ``compact`` (leave out unnamed intermediate variables, default
        ``True``) and ``layout`` (``"auto"``, ``"dot"`` or ``"layered"``).
    """
    layout = kwargs.pop("layout", "auto")
    spec = graph_spec(fct, *args, **kwargs)
    layout_spec(spec, layout)
    outdir = os.path.dirname(os.path.abspath(outfile))
    os.makedirs(outdir, exist_ok=True)
    base = os.path.splitext(os.path.basename(outfile))[0]
    with open(os.path.join(outdir, base + ".dot"), "w") as f:
        f.write(spec_to_dot(spec))
    title = getattr(fct, "name", None) or "Aesara graph"
    with open(outfile, "w", encoding="utf-8") as f:
        f.write(_page(spec, str(title)))
