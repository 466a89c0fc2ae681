"""C translation of :class:`~aesara.tensor.elemwise.Elemwise` (fused or not)."""

from __future__ import annotations

from aesara.link.c.registry import CPlan, register_c_translation
from aesara.tensor.elemwise import Elemwise
from aesara.tensor.type import TensorType


def _source(scalar_op, in_dtypes, out_dtypes) -> str:
    from aesara.link.c.elemwise_codegen import elemwise_kernel

    return elemwise_kernel(scalar_op, in_dtypes, out_dtypes).source


def _build_batch(items: list) -> list:
    """Compile the kernels of ``items`` (``_source`` arguments plus ``light``)."""
    from aesara.link.c.compiler import compile_kernel_batch

    light = items[0][3]
    return compile_kernel_batch(
        [_source(*item[:3]) for item in items], "elemwise", light=light
    )


def _make(artifact, node, storage_map, compute_map, no_recycling):
    from aesara.link.c.linker import make_elemwise_thunk

    path, prefix = artifact
    return make_elemwise_thunk(
        node, storage_map, compute_map, no_recycling, path, prefix
    )


@register_c_translation(Elemwise)
def elemwise_plan(node) -> CPlan | None:
    """A compiled kernel for plain ``Elemwise`` nodes over tensors."""
    op = node.op
    if type(op) is not Elemwise:
        return None
    if not all(isinstance(v.type, TensorType) for v in node.inputs + node.outputs):
        return None
    if len(node.inputs) + len(node.outputs) > 64 or node.outputs[0].type.ndim > 64:
        return None
    in_dtypes = tuple(v.type.dtype for v in node.inputs)
    out_dtypes = tuple(v.type.dtype for v in node.outputs)
    scalar_op = op.scalar_op
    # A node over 0-d values has no loop to vectorise: its kernel compiles
    # with the light flags, in about half the time (index and counter
    # arithmetic of loops, e.g. a NUTS trajectory, is mostly such nodes).
    scalar = all(v.type.ndim == 0 for v in node.outputs)
    item = (scalar_op, in_dtypes, out_dtypes, scalar)
    return CPlan(
        key=("elemwise", scalar_op, in_dtypes, out_dtypes, scalar),
        build=lambda: _build_batch([item])[0],
        make=_make,
        # Kernels compiled with the same flags share compiler runs.
        batch=(_build_batch, ("elemwise", scalar), item),
    )
