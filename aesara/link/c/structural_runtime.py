"""Build and load ``structural_runtime.c``: C thunks for structural ops.

The module is compiled once per machine through the compile cache (it only
depends on Python and NumPy headers), and gives one thunk type,
``StructThunk``, that runs views (``DimShuffle``, ``Reshape``, basic
``Subtensor``), shape ops, ``Alloc``, indexing updates, ``CumOp`` and the
softmax family on a node's storage cells. Unusual inputs and every error
case run the node's Python thunk, so results and exceptions match
``Op.perform``.

The translators live in :mod:`aesara.link.c.ops.structural` and
:mod:`aesara.link.c.ops.softmax`; they call :func:`structural_plan`.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from functools import partial
from pathlib import Path
from types import ModuleType
from typing import Any

import numpy as np

__all__ = [
    "KINDS",
    "get_structural_runtime",
    "make_struct_thunk",
    "structural_plan",
]

_SOURCE = Path(__file__).with_name("structural_runtime.c")
_lock = threading.Lock()
_module: ModuleType | None = None

#: Kind names -> the ``StructThunk`` kind numbers (as in the C enum).
KINDS = {
    name: i + 1
    for i, name in enumerate(
        (
            "dimshuffle",
            "reshape",
            "shape",
            "shape_i",
            "specify_shape",
            "alloc",
            "subtensor",
            "incsubtensor",
            "adv_sub1",
            "adv_inc_sub1",
            "cumop",
            "softmax",
            "logsoftmax",
            "softmaxgrad",
        )
    )
}


def get_structural_runtime() -> ModuleType:
    """The compiled module (built once per machine, loaded once per process).

    Raises
    ------
    aesara.link.c.compiler.CompileError
        When the compiler cannot build it.
    """
    global _module
    if _module is not None:
        return _module
    from aesara.link.c.compiler import compile_module

    with _lock:
        if _module is None:
            # libmvec gives the softmax loops vectorised exp/log.
            mod = compile_module(
                _SOURCE.read_text(),
                "structural",
                extra_flags=("-fopenmp-simd",),
                libraries=("mvec", "m"),
            )
            for name, k in KINDS.items():
                if getattr(mod, f"K_{name.upper()}") != k:  # pragma: no cover
                    raise ImportError("structural_runtime.c kinds out of sync")
            _module = mod
    return _module


def make_struct_thunk(
    kind: str,
    params: Sequence[int],
    artifact: ModuleType,
    node: Any,
    storage_map: dict,
    compute_map: dict,
    no_recycling: Sequence,
):
    """A ``StructThunk`` of ``kind`` for ``node``, with its Python thunk as fallback."""
    fallback = node.op.make_thunk(
        node, storage_map, compute_map, no_recycling, impl="py"
    )
    out = node.outputs[0]
    thunk = artifact.StructThunk(
        KINDS[kind],
        tuple(storage_map[v] for v in node.inputs),
        (storage_map[out],),
        tuple(int(p) for p in params),
        np.dtype(out.type.dtype).num,
        str(node.op),
        fallback,
    )
    thunk.lazy = False
    thunk.perform = getattr(fallback, "perform", None)
    thunk.py_thunk = fallback
    return thunk


def structural_plan(kind: str, params: Sequence[int]):
    """The :class:`~aesara.link.c.registry.CPlan` of a node run by a ``StructThunk``."""
    from aesara.link.c.registry import CPlan

    return CPlan(
        key=("structural-runtime",),
        build=get_structural_runtime,
        make=partial(make_struct_thunk, kind, tuple(params)),
    )
