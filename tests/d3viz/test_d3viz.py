"""``aesara.d3viz``: the page's structure, the graph description and DOT output."""

from __future__ import annotations

import json
import re
import shutil

import pytest

import aesara.tensor as at
from aesara.d3viz import PyDotFormatter, d3viz, d3write, escape_quotes, replace_patterns
from aesara.d3viz.formatting import graph_spec
from aesara.d3viz.layout import layout_spec
from tests.d3viz.graphs import ofg_graph, scan_function, scan_nodes


def _page_data(html: str) -> dict:
    m = re.search(
        r"<script type='application/json' id='graph-data'>(.*?)</script>", html, re.S
    )
    assert m is not None
    return json.loads(m.group(1).replace("<\\/", "</"))


def _all_ids(spec: dict) -> list[str]:
    out = []
    for n in spec["nodes"]:
        out.append(n["id"])
        if n["subgraph"]:
            out.extend(_all_ids(n["subgraph"]))
    return out


def test_spec_covers_every_node_and_variable():
    f = scan_function()
    spec = graph_spec(f)
    apply_ops = sorted(str(n.op) for n in f.maker.fgraph.toposort())
    assert sorted(n["label"] for n in spec["nodes"] if n["kind"] == "apply") == (
        apply_ops
    )
    roles = {n["label"]: n["role"] for n in spec["nodes"]}
    assert roles["x"] == "input" and roles["a0"] == "input"
    assert "output" in roles.values()
    ids = {n["id"] for n in spec["nodes"]}
    for e in spec["edges"]:
        assert e["source"] in ids and e["target"] in ids
    # The scan node carries its inner graph.
    (scan,) = [n for n in spec["nodes"] if n["subgraph"]]
    assert len(scan_nodes(f)) == 1
    inner_ops = {n["label"] for n in scan["subgraph"]["nodes"] if n["kind"] == "apply"}
    assert any("mul" in op for op in inner_ops), inner_ops
    assert all(i.startswith(scan["id"] + "/") for i in _all_ids(scan["subgraph"]))


def test_compact_false_shows_intermediates():
    x = at.dvector("x")
    out = at.exp(x) * 2 + 1
    compact = graph_spec(out)
    full = graph_spec(out, compact=False)
    assert len(full["nodes"]) > len(compact["nodes"])


@pytest.mark.parametrize("engine", ["layered", "auto"])
def test_page_is_self_contained(tmp_path, engine):
    f = scan_function()
    target = tmp_path / "sub" / "graph.html"
    d3viz(f, str(target), layout=engine)
    html = target.read_text()
    assert html.startswith("<!DOCTYPE html>")
    # Nothing is fetched: no external script, stylesheet or URL.
    assert not re.search(r"<script[^>]+src=", html)
    assert "<link" not in html
    assert not re.search(r"https?://(?!www\.w3\.org/2000/svg)", html)
    data = _page_data(html)
    assert data["layout"] == (
        "layered" if engine == "layered" or not shutil.which("dot") else "dot"
    )
    ids = _all_ids(data)
    assert len(ids) == len(set(ids))
    for n in data["nodes"]:
        assert n["w"] > 0 and n["h"] > 0
    # Nodes of one graph do not overlap.
    boxes = [(n["x"], n["y"], n["w"], n["h"]) for n in data["nodes"]]
    for i, (x1, y1, w1, h1) in enumerate(boxes):
        for x2, y2, w2, h2 in boxes[i + 1 :]:
            assert (
                abs(x1 - x2) * 2 >= (w1 + w2) - 1 or abs(y1 - y2) * 2 >= (h1 + h2) - 1
            )
    assert (tmp_path / "sub" / "graph.dot").read_text().startswith('digraph "G"')


def test_opfromgraph_inner_graph(tmp_path):
    outs = ofg_graph()
    spec = graph_spec(outs)
    (ofg,) = [n for n in spec["nodes"] if n["subgraph"]]
    inner = {n["label"] for n in ofg["subgraph"]["nodes"] if n["kind"] == "apply"}
    assert any("exp" in s or "Composite" in s or "add" in s for s in inner), inner
    layout_spec(spec, "layered")
    assert ofg["subgraph"]["width"] > 0


def test_d3write_and_pydot_formatter(tmp_path):
    f = scan_function()
    path = tmp_path / "g.dot"
    d3write(f, str(path))
    text = path.read_text()
    assert 'subgraph "cluster_' in text
    for node in f.maker.fgraph.apply_nodes:
        assert str(node.op) in text
    pytest.importorskip("pydot", reason="PyDotFormatter builds a pydot graph")
    g = PyDotFormatter()(f)
    assert len(g.get_nodes()) >= len(f.maker.fgraph.apply_nodes)
    assert g.get_subgraph_list()


def test_helpers_and_errors():
    assert replace_patterns("a-b-c", {"-": "+", "a": "x"}) == "x+b+c"
    assert escape_quotes('say "hi"') == 'say \\"hi\\"'
    with pytest.raises(TypeError, match="d3viz expects"):
        graph_spec(3)
    with pytest.raises(ValueError, match="layout engine"):
        layout_spec(graph_spec(at.dvector("x") * 2), "circo")
