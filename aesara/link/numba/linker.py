"""``NumbaLinker``: a whole graph compiled into one Numba function.

The graph is written as Python source calling one jitted function per node
(:func:`aesara.link.numba.dispatch.basic.fgraph_to_numba`), with the
constants passed as trailing arguments, and compiled with ``numba.njit``
on the first call (Numba specialises on the argument types: dtype, rank,
memory layout). With ``config.numba__cache`` the compiled code is kept on
disk under ``config.compiledir`` keyed by the graph's content
(:mod:`aesara.link.numba.cache`), so a fresh process loads it instead of
compiling.
"""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np

from aesara.link.basic import JITLinker, PerformLinker
from aesara.link.numba.dispatch.basic import (
    NumbaTranslationMissing,
    has_numba_type,
    numba_basic_op,
    numba_njit,
)
from aesara.tensor.type import TensorType

__all__ = ["NumbaLinker"]


def _config():
    from aesara.configdefaults import config

    return config


def _unrepresentable(fgraph) -> str | None:
    """A message naming a variable whose type Numba cannot hold, if any."""
    for v in fgraph.inputs:
        if not has_numba_type(v.type):
            return f"input {v} has type {v.type}"
    for node in fgraph.apply_nodes:
        for v in node.outputs:
            if not has_numba_type(v.type):
                return f"{numba_basic_op(node.op)} produces a value of type {v.type}"
    return None


class NumbaLinker(JITLinker):
    """Compile the whole graph to one function with Numba (mode ``"NUMBA"``).

    Ops without a translation run their ``perform`` in Numba's object mode,
    with one warning naming them (``config.numba__fallback="raise"`` makes
    that an error). A graph holding values Numba cannot represent
    (``RandomState`` generators, slices, lists...) runs on the Python
    linker, with the same warning or error.
    """

    def make_all(
        self, input_storage=None, output_storage=None, storage_map=None, **kwargs
    ):
        if self.fgraph is None:
            raise ValueError("NumbaLinker.make_all called before accept(fgraph)")
        problem = _unrepresentable(self.fgraph)
        if problem is not None:
            message = (
                f"The Numba backend cannot compile this graph: {problem}. "
                "It runs on the Python linker instead."
            )
            if _config().numba__fallback == "raise":
                raise NumbaTranslationMissing(message)
            warnings.warn(message, UserWarning, stacklevel=2)
            self.nopython = False
            py = PerformLinker(allow_gc=self._allow_gc, schedule=self._scheduler)
            py.accept(self.fgraph, self.no_recycling)
            return py.make_all(input_storage, output_storage, storage_map, **kwargs)
        return super().make_all(input_storage, output_storage, storage_map, **kwargs)

    def fgraph_convert(
        self, fgraph, order, input_storage, output_storage, storage_map, **kwargs
    ):
        from aesara.link.numba.dispatch import fgraph_to_numba

        graph = fgraph_to_numba(fgraph, order, fallback=_config().numba__fallback)
        if graph.fallback_ops:
            names = ", ".join(sorted(set(graph.fallback_ops)))
            warnings.warn(
                f"The Numba backend has no nopython translation for {names}; "
                "running it in object mode (its Python perform), which is slow. "
                "Set config.numba__fallback='raise' to make this an error.",
                UserWarning,
                stacklevel=2,
            )
        self.graph_function = graph
        # Whether every node compiled in nopython mode.
        self.nopython = not graph.fallback_ops
        return graph.py_fn

    def jit_compile(self, fn):
        graph = self.graph_function
        if graph.key is not None and _config().numba__cache:
            from aesara.link.numba.cache import cached_njit

            return cached_njit(fn, graph.key)
        return numba_njit(fn)

    def create_jitable_thunk(
        self, compute_map, order, input_storage, output_storage, storage_map
    ):
        fgraph = self.fgraph
        py_fn = self.fgraph_convert(
            fgraph,
            order=order,
            input_storage=input_storage,
            output_storage=output_storage,
            storage_map=storage_map,
        )
        jitted = self.jit_compile(py_fn)
        constants = tuple(self.graph_function.constants)
        in_cells = [storage_map[v] for v in fgraph.inputs]
        out_cells = [storage_map[v] for v in fgraph.outputs]
        flags = [compute_map[v] for v in fgraph.outputs]
        fixes: list[Any] = []
        for v in fgraph.outputs:
            if not getattr(v.type, "holds_ndarray", True):
                # Sparse matrices come back boxed as SciPy matrices already.
                fixes.append(None)
            elif isinstance(v.type, TensorType):
                fixes.append(np.dtype(v.type.dtype))
            elif getattr(v.type, "dtype", None) is None:
                # Random generators come back boxed as themselves.
                fixes.append(None)
            else:
                fixes.append(np.dtype(v.type.dtype).type)
        outputs_spec = list(zip(out_cells, flags, fixes))
        ndarray = np.ndarray

        def thunk():
            results = jitted(*[cell[0] for cell in in_cells], *constants)
            for (cell, flag, fix), value in zip(outputs_spec, results):
                if fix is None or type(value) is ndarray:
                    cell[0] = value
                elif isinstance(fix, np.dtype):
                    cell[0] = np.asarray(value, dtype=fix)
                else:
                    cell[0] = fix(value)
                flag[0] = True

        thunk.inputs = in_cells
        thunk.outputs = out_cells
        thunk.lazy = False
        return [thunk], list(order), jitted
