"""Build and load ``structural_runtime.c``: C thunks for structural ops.

The C source is compiled through the compile cache into several small
extension modules, one per *group* of kinds (views and shapes, ``Alloc``,
indexing, ``CumOp``, the softmax family), so a cold compile of a graph only
builds the groups the graph uses, in parallel, each with the flags it
needs: plain ``-O1`` for glue code, ``-O3 -march=native`` for the loops
that want vectorising. Each module gives one thunk type, ``StructThunk``,
that runs a node of one of its group's kinds on the node's storage cells.
Unusual inputs and every error case run the node's Python thunk, so
results and exceptions match ``Op.perform``.

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
    "GROUPS",
    "KINDS",
    "get_structural_runtime",
    "group_of",
    "make_struct_thunk",
    "structural_plan",
]

_SOURCE = Path(__file__).with_name("structural_runtime.c")

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
            "scalar_from_tensor",
            "pass",
            "alloc_empty",
            "make_vector",
        )
    )
}

#: Module groups -> the kinds each one's module runs.
GROUPS: dict[str, tuple[str, ...]] = {
    "view": (
        "dimshuffle",
        "reshape",
        "shape",
        "shape_i",
        "specify_shape",
        "scalar_from_tensor",
        "pass",
        "make_vector",
    ),
    "alloc": ("alloc", "alloc_empty"),
    "subtensor": ("subtensor", "incsubtensor", "adv_sub1", "adv_inc_sub1"),
    "cumop": ("cumop",),
    "softmax": ("softmax", "logsoftmax", "softmaxgrad"),
}

_GROUP_OF = {kind: group for group, kinds in GROUPS.items() for kind in kinds}

# Per group: (light flags?, extra flags, libraries). Views and indexing are
# calls into NumPy's C API, so -O1 is enough; Alloc's fill loop gets -O3
# (vectorised with the baseline ISA, so the module stays CPU independent);
# the cumulative and softmax loops get -O3 -march=native, softmax with
# libmvec's vectorised exp/log.
_BUILD: dict[str, tuple[bool, tuple[str, ...], tuple[str, ...]]] = {
    "view": (True, (), ()),
    "alloc": (True, ("-O3",), ()),
    "subtensor": (True, (), ()),
    "cumop": (False, (), ()),
    "softmax": (False, ("-fopenmp-simd",), ("mvec", "m")),
}

_locks = {group: threading.Lock() for group in GROUPS}
_modules: dict[str, ModuleType] = {}


def group_of(kind: str) -> str:
    """The group (module) that runs ``kind``.

    Raises
    ------
    KeyError
        For an unknown kind.
    """
    return _GROUP_OF[kind]


def get_structural_runtime(group: str = "view") -> ModuleType:
    """The compiled module of ``group`` (built once per machine, loaded once per process).

    Parameters
    ----------
    group
        A key of :data:`GROUPS`, or a kind name (its group's module).

    Raises
    ------
    KeyError
        For an unknown group or kind.
    aesara.link.c.compiler.CompileError
        When the compiler cannot build it.
    """
    group = _GROUP_OF.get(group, group)
    mod = _modules.get(group)
    if mod is not None:
        return mod
    light, extra, libraries = _BUILD[group]
    from aesara.link.c.compiler import compile_module

    # One lock per group, so that different groups build in parallel.
    with _locks[group]:
        mod = _modules.get(group)
        if mod is None:
            mod = compile_module(
                _SOURCE.read_text(),
                f"structural_{group}",
                extra_flags=(f"-DAE_WITH_{group.upper()}", *extra),
                libraries=libraries,
                light=light,
            )
            for name, k in KINDS.items():
                if getattr(mod, f"K_{name.upper()}") != k:  # pragma: no cover
                    raise ImportError("structural_runtime.c kinds out of sync")
            _modules[group] = mod
    return mod


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
    from aesara.link.c.registry import with_python_fallback

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
    return with_python_fallback(thunk, fallback)


def structural_plan(kind: str, params: Sequence[int]):
    """The :class:`~aesara.link.c.registry.CPlan` of a node run by a ``StructThunk``.

    The plan's key names the kind's group, so a graph builds each group's
    module once, and different groups in parallel.
    """
    from aesara.link.c.registry import CPlan

    group = _GROUP_OF[kind]
    return CPlan(
        key=("structural-runtime", group),
        build=partial(get_structural_runtime, group),
        make=partial(make_struct_thunk, kind, tuple(params)),
    )
