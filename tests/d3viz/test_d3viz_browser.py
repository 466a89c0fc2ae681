"""The d3viz page in a real headless browser (Chromium through Playwright).

Skipped, with the reason, when Playwright or a Chromium build is missing.
The browser is found from ``AESARA_TEST_BROWSER``, then a system Chromium
(``chromium-headless-shell``, ``chromium``, ``chromium-browser``,
``google-chrome``), then Playwright's own download.
"""

from __future__ import annotations

import os
import shutil

import pytest

from aesara.d3viz import d3viz
from tests.d3viz.graphs import ofg_graph, scan_function

sync_api = pytest.importorskip(
    "playwright.sync_api",
    reason="Playwright is not installed (pip install playwright)",
)

_CANDIDATES = (
    "chromium-headless-shell",
    "chromium",
    "chromium-browser",
    "google-chrome",
    "google-chrome-stable",
)


def _executable() -> str | None:
    env = os.environ.get("AESARA_TEST_BROWSER")
    if env:
        return env
    for name in _CANDIDATES:
        path = shutil.which(name)
        if path:
            return path
    return None  # Playwright's own browser, if it was installed


@pytest.fixture(scope="module")
def page():
    try:
        pw = sync_api.sync_playwright().start()
    except Exception as e:  # pragma: no cover - depends on the machine
        pytest.skip(f"Playwright could not start: {e!r}")
    try:
        browser = pw.chromium.launch(
            executable_path=_executable(), args=["--no-sandbox"], timeout=60000
        )
    except Exception as e:
        pw.stop()
        pytest.skip(
            "no Chromium available for Playwright (install chromium or run "
            f"`python -m playwright install chromium`): {str(e).splitlines()[0]}"
        )
    pg = browser.new_page(viewport={"width": 1280, "height": 800})
    try:
        yield pg
    finally:
        browser.close()
        pw.stop()


def _load(page, path):
    problems = []
    page.on(
        "console",
        lambda m: (
            problems.append(f"{m.type}: {m.text}")
            if m.type in ("error", "warning")
            else None
        ),
    )
    page.on("pageerror", lambda e: problems.append(f"pageerror: {e}"))
    page.on(
        "request",
        lambda r: (
            problems.append(f"request: {r.url}")
            if not r.url.startswith("file://")
            else None
        ),
    )
    page.goto(path.as_uri())
    page.wait_for_selector("#viewport g.node", state="attached", timeout=15000)
    return problems


def _top_level_ids(page):
    return page.eval_on_selector_all(
        "#viewport > g.nodes > g.node",
        "els => els.map(e => e.getAttribute('data-node-id'))",
    )


def test_every_node_is_shown_and_scan_expands(page, tmp_path):
    f = scan_function()
    target = tmp_path / "scan.html"
    d3viz(f, str(target))
    problems = _load(page, target)
    ids = _top_level_ids(page)
    from aesara.d3viz.formatting import graph_spec

    expected = [n["id"] for n in graph_spec(f)["nodes"]]
    assert sorted(ids) == sorted(expected)
    # Every top-level node is drawn inside the window (the view fits the graph).
    for nid in ids:
        box = page.locator(f"#viewport > g.nodes > g.node[data-node-id='{nid}']")
        assert box.is_visible(), nid
        bb = box.bounding_box()
        assert bb is not None and bb["width"] > 0
        assert bb["x"] >= -1 and bb["x"] + bb["width"] <= 1281, (nid, bb)
    # The inner graph is hidden until the scan node is clicked.
    scan = page.locator("g.node.expandable").first
    inner = page.locator("g.inner-graph").first
    assert inner.get_attribute("visibility") == "hidden"
    inner_nodes = page.locator("g.inner-graph g.node")
    assert inner_nodes.count() > 0
    assert not inner_nodes.first.is_visible()
    scan.click()
    assert inner.get_attribute("visibility") == "visible"
    assert scan.get_attribute("data-expanded") == "true"
    labels = [
        t.strip("[+-] ")
        for t in page.locator("g.inner-graph g.node text").all_text_contents()
    ]
    assert any("mul" in t for t in labels), labels
    for i in range(inner_nodes.count()):
        assert inner_nodes.nth(i).is_visible()
    scan.click()
    assert inner.get_attribute("visibility") == "hidden"
    # Hovering shows the node's details.
    page.hover("#viewport > g.nodes > g.node[data-role='input']")
    assert page.locator("#tooltip").is_visible()
    assert "TensorType" in page.inner_text("#tooltip")
    assert problems == []


def test_zoom_and_pan(page, tmp_path):
    target = tmp_path / "ofg.html"
    d3viz(ofg_graph(), str(target), layout="layered")
    problems = _load(page, target)
    before = page.evaluate("window.d3vizView()")
    page.mouse.move(400, 300)
    page.mouse.wheel(0, -300)
    page.wait_for_function(f"window.d3vizView().k > {before['k']}")
    page.mouse.move(600, 500)
    page.mouse.down()
    page.mouse.move(650, 540)
    page.mouse.up()
    after = page.evaluate("window.d3vizView()")
    assert after["k"] > before["k"]
    assert (after["x"], after["y"]) != (before["x"], before["y"])
    # The OpFromGraph node expands too.
    page.locator("g.node.expandable").first.click()
    assert page.locator("g.inner-graph").first.get_attribute("visibility") == "visible"
    assert problems == []
