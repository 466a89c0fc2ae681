"""C translations of reductions: ``CAReduce`` (plain or fused), ``FusedCAReduce``, ``Argmax``, ``MaxAndArgmax``.

Each plan compiles one kernel (:mod:`aesara.link.c.reduce_codegen`) per
scalar op and dtype combination; the thunk is the reduction runtime's
``ReduceThunk``, which hands inputs the kernel was not built for (empty,
other dtype, unaligned) to the node's Python thunk.
"""

from __future__ import annotations

import numpy as np

from aesara.link.c.registry import CPlan, register_c_translation, with_python_fallback
from aesara.tensor.elemwise import CAReduce
from aesara.tensor.fused_reduce import FusedCAReduce
from aesara.tensor.math import Argmax, MaxAndArgmax
from aesara.tensor.type import TensorType

__all__ = ["argmax_plan", "careduce_plan", "fused_careduce_plan"]


def _compile_with_runtime(source: str, name_hint: str):
    """Compile a kernel while the reduction runtime builds (or loads) beside it.

    On a cold cache both are compiler runs; overlapping them halves the
    wait. A failure of either raises here.
    """
    from aesara.link.c import reduce_runtime
    from aesara.link.c.compiler import compile_shared_library
    from aesara.link.c.reduce_runtime import get_reduce_runtime
    from aesara.link.c.registry import run_in_threads

    def kernel():
        return compile_shared_library(source, name_hint, extra_flags=("-fopenmp",))

    if reduce_runtime._module is not None:  # loaded: nothing to overlap
        return kernel()
    lib, _ = run_in_threads(lambda job: job(), [kernel, get_reduce_runtime], 2)
    return lib


def _build_reduce(scalar_op, in_dtype, acc_dtype, out_dtype):
    from aesara.link.c.reduce_codegen import reduce_kernel

    kernel = reduce_kernel(scalar_op, in_dtype, acc_dtype, out_dtype)
    return _compile_with_runtime(kernel.source, "reduce")


def _build_argmax(in_dtype):
    from aesara.link.c.reduce_codegen import argmax_kernel

    kernel = argmax_kernel(in_dtype)
    return _compile_with_runtime(kernel.source, "argmax")


def _reduced_axes(axis, ndim: int) -> tuple[int, ...]:
    if axis is None:
        return tuple(range(ndim))
    return tuple(sorted({int(a) % ndim for a in axis})) if ndim else ()


def _make_thunk(mode, acc_itemsize, path, node, storage_map, compute_map, no_recycling):
    from aesara.link.c.linker import _thread_min
    from aesara.link.c.reduce_codegen import REDUCE_ABI_VERSION
    from aesara.link.c.reduce_runtime import get_reduce_runtime

    rt = get_reduce_runtime()
    op = node.op
    fallback = op.make_thunk(node, storage_map, compute_map, no_recycling, impl="py")
    ndim = node.inputs[0].type.ndim
    thunk = rt.ReduceThunk(
        str(path),
        REDUCE_ABI_VERSION,
        getattr(rt, mode),
        tuple(storage_map[v] for v in node.inputs),
        tuple(storage_map[v] for v in node.outputs),
        tuple(np.dtype(v.type.dtype).num for v in node.inputs),
        tuple(np.dtype(v.type.dtype).num for v in node.outputs),
        ndim,
        _reduced_axes(op.axis, ndim),
        acc_itemsize,
        str(op),
        fallback,
        _thread_min(),
    )
    return with_python_fallback(thunk, fallback)


def _tensors(node) -> bool:
    return all(isinstance(v.type, TensorType) for v in node.inputs + node.outputs)


def _reduce_plan(node, acc_dtype: str) -> CPlan | None:
    """The plan of a reduction kernel for ``node`` (any number of inputs)."""
    from aesara.link.c.reduce_codegen import reduction_parts

    scalar_op = node.op.scalar_op
    if not _tensors(node) or node.inputs[0].type.ndim > 64:
        return None
    if reduction_parts(scalar_op) is None:
        return None
    in_dtypes = tuple(v.type.dtype for v in node.inputs)
    out_dtype = node.outputs[0].type.dtype
    acc_itemsize = 0 if acc_dtype == out_dtype else np.dtype(acc_dtype).itemsize

    def make(path, node, storage_map, compute_map, no_recycling):
        return _make_thunk(
            "MODE_REDUCE",
            acc_itemsize,
            path,
            node,
            storage_map,
            compute_map,
            no_recycling,
        )

    return CPlan(
        key=("careduce", scalar_op, in_dtypes, acc_dtype, out_dtype),
        build=lambda: _build_reduce(scalar_op, in_dtypes, acc_dtype, out_dtype),
        make=make,
    )


@register_c_translation(CAReduce)
def careduce_plan(node) -> CPlan | None:
    """A compiled reduction for ``CAReduce`` nodes computed by ``CAReduce.perform``.

    Subclasses with their own ``perform`` (``Mean``, ``ProdWithoutZeros``)
    and scalar ops other than add, mul, maximum, minimum, and, or, xor (or
    a fused ``Composite`` of one of them) keep their Python ``perform``.
    """
    op = node.op
    if type(op).perform is not CAReduce.perform or len(node.inputs) != 1:
        return None
    return _reduce_plan(node, op.acc_dtype or node.inputs[0].type.dtype)


@register_c_translation(FusedCAReduce)
def fused_careduce_plan(node) -> CPlan | None:
    """A compiled reduction of an element-wise function of several inputs."""
    return _reduce_plan(node, node.op.acc_dtype)


@register_c_translation(Argmax, MaxAndArgmax)
def argmax_plan(node) -> CPlan | None:
    """A compiled (max and) argmax; positions index the reduced axes in C order."""
    op = node.op
    if not _tensors(node) or node.inputs[0].type.ndim > 64:
        return None
    in_dtype = node.inputs[0].type.dtype
    if isinstance(op, MaxAndArgmax) and node.outputs[0].type.dtype != in_dtype:
        return None
    if op.axis is not None and list(op.axis) != sorted(op.axis):
        return None  # positions would index the reduced axes in another order
    mode = "MODE_MAX_ARGMAX" if isinstance(op, MaxAndArgmax) else "MODE_ARGMAX"

    def make(path, node, storage_map, compute_map, no_recycling):
        return _make_thunk(mode, 0, path, node, storage_map, compute_map, no_recycling)

    return CPlan(
        key=("argmax", in_dtype),
        build=lambda: _build_argmax(in_dtype),
        make=make,
    )
