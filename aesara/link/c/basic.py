"""Aesara's C linkers: :class:`CLinker`, :class:`OpWiseCLinker`, :class:`DualLinker`.

In Aesara, ``CLinker`` compiles a whole graph of C ops into one module and
``OpWiseCLinker`` one module per op. Here both are the C VM linker
(:class:`~aesara.link.c.linker.CVMLinker`): each node of a users' C op
(:class:`~aesara.link.c.op.COp`) is compiled into its own module
(:mod:`aesara.link.c.node_module`) and the thunks are chained by the VM;
aesara's standard ops run on its own generated kernels or ``perform``. So
``CLinker().accept(fgraph).make_function()`` works for any graph.

:class:`DualLinker` runs every node twice, through ``perform`` and through
the C linker, and checks that both agree.
"""

from __future__ import annotations

from collections.abc import Callable
from copy import copy
from typing import Any

import numpy as np

from aesara.link.basic import Linker, PerformLinker
from aesara.link.c.linker import CVMLinker

__all__ = ["CLinker", "DualLinker", "OpWiseCLinker", "OutputMismatch"]


class CLinker(CVMLinker):
    """Compiles the C code of a graph's nodes and runs them.

    Parameters
    ----------
    schedule
        Orders the nodes (a function of the graph), as for other linkers.
    allow_gc
        Free intermediate results as soon as they are used (``config.allow_gc``
        by default).
    """

    def __init__(self, schedule: Callable | None = None, allow_gc: bool | None = None):
        super().__init__(allow_gc=allow_gc, schedule=schedule, c_thunks=True)
        self._schedule_arg = schedule

    def clone(self, allow_gc: bool | None = None) -> CLinker:
        return type(self)(
            schedule=self._schedule_arg,
            allow_gc=self._allow_gc if allow_gc is None else allow_gc,
        )

    def __repr__(self):
        return f"CLinker(allow_gc={self._allow_gc})"


class OpWiseCLinker(CVMLinker):
    """Compiles each node separately and runs the thunks from a Python loop.

    Parameters
    ----------
    fallback_on_perform
        Accepted for Aesara compatibility: nodes without C code always run
        their ``perform``.
    allow_gc, schedule
        As for :class:`CLinker`.
    nice_errors
        Accepted for Aesara compatibility (errors always name the node).
    """

    def __init__(
        self,
        fallback_on_perform: bool = True,
        allow_gc: bool | None = None,
        nice_errors: bool = True,
        schedule: Callable | None = None,
    ):
        super().__init__(
            allow_gc=allow_gc, use_cloop=False, schedule=schedule, c_thunks=True
        )
        self.fallback_on_perform = fallback_on_perform
        self.nice_errors = nice_errors
        self._schedule_arg = schedule

    def clone(self, allow_gc: bool | None = None) -> OpWiseCLinker:
        return type(self)(
            fallback_on_perform=self.fallback_on_perform,
            allow_gc=self._allow_gc if allow_gc is None else allow_gc,
            nice_errors=self.nice_errors,
            schedule=self._schedule_arg,
        )

    def __repr__(self):
        return f"OpWiseCLinker(allow_gc={self._allow_gc})"


class OutputMismatch(ValueError):
    """The Python and the C implementation of a node gave different outputs.

    Attributes
    ----------
    values
        ``{"performlinker": python_value, "clinker": c_value}``.
    """

    def __init__(self, message: str, values: dict[str, Any]):
        super().__init__(message, values)
        self.values = values


def _default_checker(x: list, y: list) -> None:
    """Raise :class:`OutputMismatch` unless cells ``x`` and ``y`` hold equal values.

    Arrays must have the same dtype and shape and equal elements (NaNs
    compare equal; floating-point values within ``numpy.allclose``).
    """
    a, b = x[0], y[0]
    if isinstance(a, np.ndarray) or isinstance(b, np.ndarray) or np.isscalar(a):
        a_arr, b_arr = np.asarray(a), np.asarray(b)
        same = a_arr.dtype == b_arr.dtype and a_arr.shape == b_arr.shape
        if same:
            if a_arr.dtype.kind in "fc":
                same = bool(np.allclose(a_arr, b_arr, equal_nan=True))
            else:
                same = bool(np.array_equal(a_arr, b_arr))
    else:
        try:
            same = bool(a == b)
        except Exception:  # noqa: BLE001 - objects without a boolean ==
            same = a is b
    if not same:
        raise OutputMismatch(
            f"Output mismatch: perform gave {a!r}, the C code gave {b!r}",
            {"performlinker": a, "clinker": b},
        )


class DualLinker(Linker):
    """Runs each node with ``perform`` and with its C code, and compares.

    Parameters
    ----------
    checker
        ``checker(py_cell, c_cell)``, called for every output of every node;
        it raises when the values differ. By default values must be equal
        (floats within ``numpy.allclose``), else :class:`OutputMismatch`.
    schedule
        Orders the nodes.

    Notes
    -----
    The function's inputs and outputs are those of the Python run; the C run
    works on copies of the inputs.
    """

    def __init__(self, checker: Callable = _default_checker, schedule=None):
        super().__init__()
        self.checker = checker
        self._schedule_arg = schedule

    def clone(self, allow_gc: bool | None = None) -> DualLinker:
        return type(self)(checker=self.checker, schedule=self._schedule_arg)

    def accept(self, fgraph, no_recycling=None, profile=None) -> DualLinker:
        if self.fgraph is not None and self.fgraph is not fgraph:
            return self.clone().accept(fgraph, no_recycling, profile)
        self.fgraph = fgraph
        self.no_recycling = no_recycling if no_recycling is not None else []
        return self

    def make_thunk(self, input_storage=None, output_storage=None, **kwargs):
        """Return ``(thunk, input_containers, output_containers)``.

        The thunk runs the nodes in order; for each, ``perform``, then the C
        code on copies of the same input values, then ``checker`` on every
        output.
        """
        fgraph = self.fgraph
        if fgraph is None:
            raise ValueError("DualLinker.make_thunk called before accept(fgraph)")
        checker = self.checker
        schedule = self._schedule_arg
        cells_py = _fresh_cells(fgraph, input_storage, output_storage)
        cells_c = _fresh_cells(fgraph, None, None)

        def build(linker, cells):
            linker = linker.accept(fgraph, self.no_recycling)
            _, ins, outs, thunks, order = linker.make_all(
                input_storage=[cells[v] for v in fgraph.inputs],
                output_storage=[cells[v] for v in fgraph.outputs],
                storage_map=cells,
            )
            return ins, outs, dict(zip(order, thunks)), order

        ins, outs, by_node_py, order = build(PerformLinker(schedule=schedule), cells_py)
        _, _, by_node_c, _ = build(
            OpWiseCLinker(schedule=schedule, allow_gc=False), cells_c
        )
        steps = [(node, by_node_py[node], by_node_c[node]) for node in order]

        def thunk():
            from aesara.link.utils import raise_with_op

            for node, t_py, t_c in steps:
                try:
                    for r in node.outputs:
                        cells_py[r][0] = None
                        cells_c[r][0] = None
                    t_py()
                    for r in node.inputs:
                        cells_c[r][0] = copy(cells_py[r][0])
                    t_c()
                    for r in node.outputs:
                        checker(cells_py[r], cells_c[r])
                except Exception:
                    raise_with_op(fgraph, node, t_py)

        thunk.thunk_groups = [(t_py, t_c) for _, t_py, t_c in steps]
        return thunk, ins, outs

    def __repr__(self):
        return "DualLinker()"


def _fresh_cells(fgraph, input_storage, output_storage) -> dict:
    """A storage cell for every variable of ``fgraph`` (constants filled)."""
    from aesara.graph.basic import Constant

    cells: dict = {}
    for v in fgraph.variables:
        cells[v] = [v.data] if isinstance(v, Constant) else [None]
    if input_storage is not None:
        cells.update(zip(fgraph.inputs, input_storage))
    if output_storage is not None:
        cells.update(zip(fgraph.outputs, output_storage))
    return cells
