"""``aesara.printing.pydotprint``: images through pydot and graphviz."""

from __future__ import annotations

import shutil

import numpy as np
import pytest

import aesara
import aesara.tensor as at
from aesara import printing
from aesara._pydotprint import find_pydot, pydot_status

HAVE_PYDOT = find_pydot()[0] is not None
HAVE_DOT = shutil.which("dot") is not None
needs_graphviz = pytest.mark.skipif(
    not (HAVE_PYDOT and HAVE_DOT),
    reason="pydotprint needs the pydot package and graphviz's `dot` program "
    "(pip install pydot; apt-get install graphviz)",
)


def _function():
    x = at.dvector("x")
    w = aesara.shared(np.ones(3), name="w")
    out = at.exp(x) * w
    return aesara.function([x], out, updates=[(w, w + 1)], name="f"), x, out


def test_reexported_from_printing():
    from aesara._pydotprint import pydotprint

    assert printing.pydotprint is pydotprint
    assert printing.pydot_imported is pydot_status()[0]
    assert "Output" in printing.default_colorCodes


@needs_graphviz
def test_dot_source_of_a_function():
    f, _, _ = _function()
    dot = printing.pydotprint(f, format="dot", return_image=True).decode()
    # Variables are boxes, apply nodes ellipses; inputs green, shared
    # variables cyan, outputs blue; the update edge is labelled.
    assert "shape=box" in dot and "shape=ellipse" in dot
    assert "fillcolor=green" in dot and "fillcolor=cyan" in dot
    assert "fillcolor=blue" in dot
    assert "UPDATE" in dot
    assert "name=x TensorType(float64, (?,))" in dot
    for node in f.maker.fgraph.apply_nodes:
        assert str(node.op).replace(":", "_") in dot


@needs_graphviz
@pytest.mark.parametrize("fmt, magic", [("png", b"\x89PNG"), ("svg", b"<?xml")])
def test_writes_file(tmp_path, capsys, fmt, magic):
    f, _, _ = _function()
    target = tmp_path / "graph"
    printing.pydotprint(f, outfile=str(target), format=fmt)
    written = tmp_path / f"graph.{fmt}"
    assert written.read_bytes().startswith(magic)
    assert str(written) in capsys.readouterr().out


@needs_graphviz
def test_variables_ids_and_label_size(tmp_path):
    _, x, out = _function()
    dot = printing.pydotprint(
        out,
        format="dot",
        return_image=True,
        with_ids=True,
        max_label_size=12,
        var_with_name_simple=True,
    ).decode()
    assert "id=0" in dot
    assert '"x"' in dot or "label=x" in dot
    # Every label is cut to 12 characters.
    import re

    for label in re.findall(r'label="([^"]*)"', dot):
        assert len(label) <= 12, label


@needs_graphviz
def test_scan_graphs_are_drawn_separately(tmp_path):
    x = at.dvector("x")
    a0 = at.dscalar("a0")
    res, _ = aesara.scan(
        lambda v, acc: acc * v + 1, sequences=[x], outputs_info=[a0], name="loop"
    )
    printing.pydotprint(
        res, outfile=str(tmp_path / "s.png"), scan_graphs=True, print_output_file=False
    )
    names = sorted(p.name for p in tmp_path.iterdir())
    assert "s.png" in names
    assert any(n.startswith("s_loop_") and n.endswith(".png") for n in names), names


def test_bad_input_is_rejected():
    if not (HAVE_PYDOT and HAVE_DOT):
        pytest.skip("the argument check comes after the pydot/graphviz check")
    with pytest.raises(TypeError, match="pydotprint expects"):
        printing.pydotprint(3, return_image=True)


def test_missing_pydot_gives_install_hint(monkeypatch):
    import aesara._pydotprint as mod

    monkeypatch.setattr(mod, "find_pydot", lambda: (None, "pydot is not installed."))
    x = at.dvector("x")
    with pytest.raises(RuntimeError, match="pydot"):
        printing.pydotprint(x * 2, return_image=True)


def test_missing_dot_program_gives_install_hint(monkeypatch, tmp_path):
    if not HAVE_PYDOT:
        pytest.skip("pydot is not installed; the pydot check comes first")
    # No `dot` on an empty PATH.
    monkeypatch.setenv("PATH", str(tmp_path))
    x = at.dvector("x")
    with pytest.raises(RuntimeError, match="apt-get install graphviz") as info:
        printing.pydotprint(x * 2, return_image=True)
    assert isinstance(info.value, ImportError)
