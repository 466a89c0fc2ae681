"""Graphs shared by the d3viz tests."""

from __future__ import annotations

import aesara
import aesara.tensor as at
from aesara.compile.builders import OpFromGraph


def scan_function():
    """A compiled function whose graph keeps a Scan node (a recurrence)."""
    x = at.dvector("x")
    a0 = at.dscalar("a0")
    res, _ = aesara.scan(
        lambda v, acc: acc * v + 1, sequences=[x], outputs_info=[a0], name="loop"
    )
    return aesara.function([x, a0], res[-1], name="scan_fn_test")


def ofg_graph():
    """Variables whose graph holds an OpFromGraph node."""
    a = at.dscalar("a")
    b = at.dscalar("b")
    op = OpFromGraph([a, b], [a * b + at.exp(a)], inline=False)
    x = at.dscalar("x")
    y = at.dscalar("y")
    return [op(x, y) * 2]


def scan_nodes(f):
    from aesara.scan.op import Scan

    return [n for n in f.maker.fgraph.toposort() if isinstance(n.op, Scan)]
