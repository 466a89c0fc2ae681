"""Drawing a graph as an image with graphviz: :func:`pydotprint`.

Apply nodes are ellipses coloured by kind of op, variables are boxes:
inputs green (shared variables cyan), outputs blue, unused results grey.
Unnamed intermediate results are folded into the edge between their
producer and reader when ``compact``. Edges into a view are blue, into a
destroyed input red. Re-exported by :mod:`aesara.printing`.
"""

from __future__ import annotations

import logging
import os
import shutil
from typing import Any

import numpy as np

from aesara.graph.basic import Apply, Constant, Variable, graph_inputs
from aesara.graph.fg import FunctionGraph

_logger = logging.getLogger("aesara.printing")

__all__ = [
    "PydotMissingError",
    "default_colorCodes",
    "find_pydot",
    "pydot_status",
    "pydotprint",
]

default_colorCodes: dict[str, str] = {
    "Scan": "yellow",
    "Shape": "brown",
    "IfElse": "magenta",
    "Elemwise": "#FFAABB",
    "Subtensor": "#FFAAFF",
    "Alloc": "#FFAA22",
    "Output": "blue",
}

_INSTALL_HINT = (
    "Install the Python package pydot (`pip install pydot`, or the aesara "
    "extra `pip install aesara[graphviz]`) and graphviz's `dot` program "
    "(`apt-get install graphviz`, `conda install graphviz` or `brew install "
    "graphviz`)."
)


class PydotMissingError(ImportError, RuntimeError):
    """pydot or graphviz is missing.

    A :class:`RuntimeError` as in Aesara, and an :class:`ImportError` as the
    missing piece is an installable package.
    """


def pydot_status() -> tuple[bool, str]:
    """``(True, "")`` when pydot (or pydot-ng) is installed, else ``(False, why)``.

    Looks the package up without importing it (importing pydot is slow).
    """
    from importlib.util import find_spec

    for name in ("pydot_ng", "pydot"):
        try:
            if find_spec(name) is not None:
                return True, ""
        except (ImportError, ValueError):
            continue
    return False, f"pydot is not installed. {_INSTALL_HINT}"


def find_pydot() -> tuple[Any, str | None]:
    """Return ``(module, None)`` if pydot (or pydot-ng) imports, else ``(None, why)``."""
    for name in ("pydot_ng", "pydot"):
        try:
            module = __import__(name)
        except ImportError:
            continue
        except Exception as e:  # a broken install must not break ``import aesara``
            return None, f"Importing {name} failed: {e!r}. {_INSTALL_HINT}"
        return module, None
    return None, f"pydot is not installed. {_INSTALL_HINT}"


def _is_function(obj) -> bool:
    return hasattr(obj, "maker") and hasattr(obj.maker, "fgraph")


def _graph_of(fct):
    """``(fgraph, outputs, toposort, profile)`` of what ``pydotprint`` was given."""
    if _is_function(fct):
        fgraph = fct.maker.fgraph
        return fgraph, list(fgraph.outputs), fgraph.toposort(), fct.profile
    if isinstance(fct, FunctionGraph):
        return fct, list(fct.outputs), fct.toposort(), None
    if isinstance(fct, Variable):
        fct = [fct]
    elif isinstance(fct, Apply):
        fct = fct.outputs
    if not isinstance(fct, (list, tuple)) or not all(
        isinstance(v, Variable) for v in fct
    ):
        raise TypeError(
            "pydotprint expects a compiled function, a FunctionGraph, an Apply, a "
            f"Variable or a list of Variables; got {type(fct).__name__}: {fct!r}"
        )
    inputs = [v for v in graph_inputs(fct) if not isinstance(v, Constant)]
    fgraph = FunctionGraph(inputs, list(fct), clone=False)
    return fgraph, list(fgraph.outputs), fgraph.toposort(), None


def _cut(label: str, size: int) -> str:
    if size > 3 and len(label) > size:
        return label[: size - 3] + "..."
    return label


def _branch_nodes(var: Variable) -> set:
    """Every apply node ``var`` depends on."""
    seen: set = set()
    todo = [var]
    while todo:
        v = todo.pop()
        if v.owner is not None and v.owner not in seen:
            seen.add(v.owner)
            todo.extend(v.owner.inputs)
    return seen


def pydotprint(
    fct,
    outfile: str | None = None,
    compact: bool = True,
    format: str = "png",
    with_ids: bool = False,
    high_contrast: bool = True,
    cond_highlight=None,
    colorCodes: dict | None = None,
    max_label_size: int = 70,
    scan_graphs: bool = False,
    var_with_name_simple: bool = False,
    print_output_file: bool = True,
    return_image: bool = False,
):
    """Draw a graph with graphviz, through the ``pydot`` package.

    Parameters
    ----------
    fct
        A compiled function, a :class:`FunctionGraph`, an :class:`Apply`, a
        :class:`Variable` or a list of variables.
    outfile
        The image's path (the ``.format`` suffix is added when missing);
        default ``<compiledir>/aesara.pydotprint.cpu.<format>``.
    compact
        Fold unnamed intermediate results into edges.
    format
        Any output format of graphviz (``"png"``, ``"svg"``, ``"pdf"``, ``"dot"``...).
    with_ids
        Add the node's position in the execution order to its label.
    high_contrast
        Fill nodes with their colour (else only their outline is coloured).
    cond_highlight
        The name of an ``IfElse`` op: its two branches are drawn in clusters.
    colorCodes
        Op class name fragment -> colour (default :data:`default_colorCodes`);
        its ``"Output"`` entry colours outputs and view edges.
    max_label_size
        Labels longer than this end in ``"..."``.
    scan_graphs
        Also draw the inner graph of every Scan, to
        ``<outfile>_<scan name>_<position>.<format>``.
    var_with_name_simple
        Label named variables with their name only (not their type).
    print_output_file
        Print where the image was written.
    return_image
        Return the image's bytes instead of writing a file.

    Raises
    ------
    PydotMissingError
        (a ``RuntimeError`` and an ``ImportError``) when pydot or graphviz's
        ``dot`` program is missing, with install hints.
    """
    pd, why = find_pydot()
    if pd is None:
        raise PydotMissingError(f"pydotprint requires pydot and graphviz: {why}")
    if colorCodes is None:
        colorCodes = default_colorCodes
    out_color = colorCodes.get("Output", "blue")
    fgraph, outputs, topo, profile = _graph_of(fct)
    if outfile is None:
        from aesara.configdefaults import config

        outfile = os.path.join(config.compiledir, f"aesara.pydotprint.cpu.{format}")

    # Updated inputs of a compiled function: the trailing outputs are their
    # new values, drawn with an UPDATE edge back to the input.
    input_update: dict = {}
    if _is_function(fct):
        specs = list(zip(fct.maker.expanded_inputs, fgraph.inputs))
        for spec, fg_in in reversed(specs):
            if spec.update is not None and outputs:
                input_update[outputs.pop()] = fg_in

    g = pd.Dot()
    clusters = None
    if cond_highlight is not None:
        cond = next(
            (
                n
                for n in topo
                if type(n.op).__name__ == "IfElse"
                and getattr(n.op, "name", None) == cond_highlight
            ),
            None,
        )
        if cond is None:
            _logger.warning(
                "pydotprint: cond_highlight is set but there is no IfElse node "
                "named %r in the graph",
                cond_highlight,
            )
        else:
            left = _branch_nodes(cond.inputs[1])
            right = _branch_nodes(cond.inputs[2])
            middle = left & right
            clusters = [
                (pd.Cluster("Left"), left - middle),
                (pd.Cluster("Right"), right - middle),
                (pd.Cluster("Middle"), middle),
            ]

    labels_used: set = set()
    var_labels: dict = {}

    def var_label(var: Variable) -> tuple[str, str]:
        if var in var_labels:
            return var_labels[var]
        if var.name is not None:
            text = var.name if var_with_name_simple else f"name={var.name} {var.type}"
        elif isinstance(var, Constant):
            data = str(np.asarray(var.data)).split("\n")[0]
            text = f"val={data} {var.type}"
        elif var in input_update and input_update[var].name is not None:
            text = input_update[var].name
            if not var_with_name_simple:
                text += str(var.type)
        else:
            text = str(var.type)
        text = _cut(text, max_label_size)
        labels_used.add(text)
        var_labels[var] = (text, str(id(var)))
        return var_labels[var]

    apply_labels: dict = {}

    def apply_label(node: Apply) -> tuple[str, str]:
        if node in apply_labels:
            return apply_labels[node]
        # ':' separates a node name from a port in DOT.
        text = str(node.op).replace(":", "_")
        if profile is not None:
            t = profile.apply_time.get((fgraph, node), 0.0)
            pct = 100 * t / profile.fct_call_time if profile.fct_call_time else 0.0
            text += f"   ({t:.3f}s,{pct:.3f}%)"
        if with_ids or text in labels_used:
            suffix = f" id={topo.index(node)}"
            if len(text) + len(suffix) > max_label_size:
                text = text[: max(max_label_size - 3 - len(suffix), 0)] + suffix + "..."
            else:
                text += suffix
        else:
            text = _cut(text, max_label_size)
            k = 1
            while text in labels_used:
                k += 1
                suffix = f" id={k}"
                text = text[: max(max_label_size - 3 - len(suffix), 0)] + "..." + suffix
        labels_used.add(text)
        apply_labels[node] = (text, str(id(node)))
        return apply_labels[node]

    def styled(key: str, label: str, color: str | None, shape: str):
        if color is None:
            return pd.Node(key, label=label, shape=shape)
        if high_contrast:
            return pd.Node(
                key, label=label, shape=shape, style="filled", fillcolor=color
            )
        return pd.Node(key, label=label, shape=shape, color=color)

    for node in topo:
        label, key = apply_label(node)
        color = None
        for fragment, c in colorCodes.items():
            if fragment in type(node.op).__name__:
                color = c
        pnode = styled(key, label, color, "ellipse")
        g.add_node(pnode)
        if clusters is not None:
            for cluster, members in clusters:
                if node in members:
                    cluster.add_node(pnode)
        viewed = {i for ins in (node.op.view_map or {}).values() for i in ins}
        destroyed = {i for ins in (node.op.destroy_map or {}).values() for i in ins}
        for idx, var in enumerate(node.inputs):
            vlabel, vkey = var_label(var)
            param: dict = {}
            if len(node.inputs) > 1:
                param["label"] = str(idx)
            if idx in viewed:
                param["color"] = out_color
            elif idx in destroyed:
                param["color"] = "red"
            if var.owner is None:
                from aesara.compile.sharedvalue import SharedVariable

                color = "cyan" if isinstance(var, SharedVariable) else "green"
                g.add_node(styled(vkey, vlabel, color, "box"))
                g.add_edge(pd.Edge(vkey, key, **param))
            elif var.name or not compact or var in outputs:
                g.add_edge(pd.Edge(vkey, key, **param))
            else:
                text = (param.get("label", "") + " " + str(var.type)).strip()
                param["label"] = _cut(text, max_label_size)
                g.add_edge(pd.Edge(apply_label(var.owner)[1], key, **param))
        for idx, var in enumerate(node.outputs):
            vlabel, vkey = var_label(var)
            param = {"label": str(idx)} if len(node.outputs) > 1 else {}
            if var in outputs or var in input_update:
                g.add_edge(pd.Edge(key, vkey, **param))
                g.add_node(styled(vkey, vlabel, out_color, "box"))
            elif not fgraph.clients.get(var):
                g.add_edge(pd.Edge(key, vkey, **param))
                g.add_node(styled(vkey, vlabel, "grey", "box"))
            elif var.name or not compact:
                if compact:
                    text = (param.get("label", "") + " " + str(var.type)).strip()
                    param["label"] = _cut(text, max_label_size)
                g.add_edge(pd.Edge(key, vkey, **param))
                g.add_node(pd.Node(vkey, shape="box", label=vlabel))

    for new_value, shared in input_update.items():
        g.add_edge(
            pd.Edge(
                var_label(shared)[1],
                var_label(new_value)[1],
                label="UPDATE",
                color=out_color,
            )
        )
    if clusters is not None:
        for cluster, _members in clusters:
            g.add_subgraph(cluster)

    if not outfile.endswith("." + format):
        outfile += "." + format

    if scan_graphs:
        from aesara.scan.op import Scan

        folder, fname = os.path.split(outfile)
        base, ext = os.path.splitext(fname)
        for idx, node in enumerate(topo):
            if not isinstance(node.op, Scan):
                continue
            name = getattr(node.op, "name", None)
            stem = f"{base}_{name}_{idx}" if name else f"{base}_{idx}"
            pydotprint(
                list(node.op.inner_outputs),
                os.path.join(folder, stem + ext),
                compact,
                format,
                with_ids,
                high_contrast,
                cond_highlight,
                colorCodes,
                max_label_size,
                scan_graphs,
                var_with_name_simple,
                print_output_file,
            )

    try:
        if return_image:
            return g.create(prog="dot", format=format)
        g.write(outfile, prog="dot", format=format)
    except Exception as e:
        if shutil.which("dot") is None:
            raise PydotMissingError(
                "pydotprint requires graphviz's `dot` program, which is not on "
                f"PATH. {_INSTALL_HINT}"
            ) from e
        raise
    if print_output_file:
        print("The output file is available at", outfile)
    return None
