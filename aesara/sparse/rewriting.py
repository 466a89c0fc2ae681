"""Rewrites of sparse graphs.

Round trips between the dense and sparse forms, and between a matrix and its
buffers, are removed; sparse products are fused into ``usmm``
(:func:`local_usmm`) or put in their buffer forms (:func:`local_structured_dot`,
:func:`local_sampling_dot_csr`).
"""

from __future__ import annotations

import numpy as np

from aesara.compile import mode as compile_mode
from aesara.graph.rewriting.basic import copy_stack_trace, in2out, node_rewriter
from aesara.sparse.conversion import DenseFromSparse, SparseFromDense
from aesara.sparse.csm import CSM, CSMProperties, csm_properties
from aesara.sparse.products import (
    SamplingDot,
    StructuredDot,
    sampling_dot_csr,
    sd_csc,
    sd_csr,
)
from aesara.sparse.structure import Remove0
from aesara.tensor.elemwise import Elemwise
from aesara.tensor.rewriting.basic import register_canonicalize, register_specialize

__all__ = [
    "local_csm_properties_csm",
    "local_dense_from_sparse_sparse_from_dense",
    "local_inplace_remove0",
    "local_sampling_dot_csr",
    "local_structured_dot",
    "local_usmm",
    "sampling_dot_csr",
    "sd_csc",
    "sd_csr",
]


@register_canonicalize("fast_compile")
@register_specialize
@node_rewriter([DenseFromSparse])
def local_dense_from_sparse_sparse_from_dense(fgraph, node):
    """``dense_from_sparse(csr_from_dense(x)) -> x`` (the same values, no conversion)."""
    inner = node.inputs[0].owner
    if inner is None or not isinstance(inner.op, SparseFromDense):
        return None
    x = inner.inputs[0]
    out = node.outputs[0]
    if x.type.dtype != out.type.dtype or x.type.ndim != out.type.ndim:
        return None
    return [x]


@register_specialize
@node_rewriter([CSMProperties])
def local_csm_properties_csm(fgraph, node):
    """``csm_properties(CSM(data, indices, indptr, shape)) -> (data, indices, indptr, shape)``."""
    inner = node.inputs[0].owner
    if inner is None or not isinstance(inner.op, CSM):
        return None
    from aesara.tensor.basic import cast

    replacements = []
    for new, old in zip(inner.inputs, node.outputs):
        if new.type.dtype != old.type.dtype:
            new = cast(new, old.type.dtype)
        replacements.append(new)
    return replacements


@node_rewriter([Remove0])
def local_inplace_remove0(fgraph, node):
    """``Remove0`` compacting its input's buffers instead of a copy.

    Registered in the in-place stage, where the destroy handler refuses it
    if the input is a constant, a function input or still needed elsewhere.
    """
    if node.op.inplace:
        return None
    new = Remove0(inplace=True)(*node.inputs)
    copy_stack_trace(node.outputs, new)
    return [new]


compile_mode.optdb["inplace_db"].register(
    "local_inplace_remove0",
    in2out(local_inplace_remove0, name="local_inplace_remove0"),
    "fast_run",
    "inplace",
    position=60.6,
)


# Product rewrites (see aesara.sparse.products).


def _scalar_like(v) -> bool:
    """Whether ``v`` is a dense tensor of one element (every dimension of static size 1)."""
    from aesara.sparse.type import SparseTensorType

    return not isinstance(v.type, SparseTensorType) and all(
        s == 1 for s in getattr(v.type, "shape", (None,))
    )


def _alpha_and_dot(term):
    """``(alpha, dot_node)`` when ``term`` is ``alpha * dot(x, y)`` or ``dot(x, y)``.

    ``alpha`` is ``None`` for a bare product; ``dot`` is the sparse
    :class:`~aesara.sparse.products.Dot` of two matrices.
    """
    from aesara.scalar.basic import Mul
    from aesara.sparse.products import Dot
    from aesara.tensor.elemwise import Elemwise

    owner = term.owner
    if owner is None:
        return None
    if isinstance(owner.op, Dot):
        return (None, owner) if owner.outputs[0].type.ndim == 2 else None
    if not (isinstance(owner.op, Elemwise) and isinstance(owner.op.scalar_op, Mul)):
        return None
    dots = [
        i
        for i, v in enumerate(owner.inputs)
        if v.owner is not None and isinstance(v.owner.op, Dot) and v.type.ndim == 2
    ]
    if len(dots) != 1:
        return None
    rest = [v for i, v in enumerate(owner.inputs) if i != dots[0]]
    if not rest or not all(_scalar_like(v) for v in rest):
        return None
    alpha = rest[0]
    for v in rest[1:]:
        alpha = alpha * v
    return alpha, owner.inputs[dots[0]].owner


@node_rewriter([Elemwise])
def local_usmm(fgraph, node):
    """``z - alpha * dot(x, y) -> usmm(-alpha, x, y, z)`` and ``z + alpha * dot(x, y) -> usmm(alpha, x, y, z)``.

    ``dot`` is the sparse product (one of ``x``, ``y`` sparse), ``alpha`` a
    one-element tensor (or absent), ``z`` a dense matrix. Skipped when the
    fused result would have another dtype.
    """
    from aesara.scalar.basic import Add, Sub
    from aesara.sparse.products import usmm
    from aesara.tensor.basic import as_tensor_variable
    from aesara.tensor.elemwise import Elemwise
    from aesara.tensor.shape import specify_shape

    if not isinstance(node.op, Elemwise) or len(node.inputs) != 2:
        return None
    scalar_op = node.op.scalar_op
    out = node.outputs[0]
    if out.type.ndim != 2:
        return None
    if isinstance(scalar_op, Sub):
        candidates = [(node.inputs[0], node.inputs[1], True)]
    elif isinstance(scalar_op, Add):
        candidates = [
            (node.inputs[0], node.inputs[1], False),
            (node.inputs[1], node.inputs[0], False),
        ]
    else:
        return None
    for z, term, negate in candidates:
        if z.type.ndim != 2 or not hasattr(z.type, "dtype"):
            continue
        from aesara.sparse.type import SparseTensorType

        if isinstance(z.type, SparseTensorType):
            continue
        found = _alpha_and_dot(term)
        if found is None:
            continue
        alpha, dot_node = found
        x, y = dot_node.inputs
        if alpha is None:
            alpha = as_tensor_variable(
                np.asarray(1, dtype=dot_node.outputs[0].type.dtype)
            )
        if negate:
            alpha = -alpha
        new = usmm(alpha, x, y, z)
        if new.type.dtype != out.type.dtype:
            continue
        if new.type.shape != out.type.shape:
            new = specify_shape(new, out.type.shape)
        copy_stack_trace(node.outputs, new)
        return [new]
    return None


register_specialize(local_usmm, name="local_usmm")


@node_rewriter([StructuredDot])
def local_structured_dot(fgraph, node):
    """``structured_dot(a, b) -> sd_csc/sd_csr(buffers of a, b)`` for a dense ``b``.

    Not registered (as in Aesara: the buffer form hides the shapes from the
    size checks and is no faster); apply it explicitly.
    """
    from aesara.sparse.type import SparseTensorType

    a, b = node.inputs
    if isinstance(b.type, SparseTensorType):
        return None
    if a.type.format == "csc":
        a_val, a_ind, a_ptr, a_shape = csm_properties(a)
        new = sd_csc(a_val, a_ind, a_ptr, a_shape[0], b)
    elif a.type.format == "csr":
        a_val, a_ind, a_ptr, _ = csm_properties(a)
        new = sd_csr(a_val, a_ind, a_ptr, b)
    else:
        return None
    copy_stack_trace(node.outputs, new)
    return [new]


@node_rewriter([SamplingDot])
def local_sampling_dot_csr(fgraph, node):
    """``sampling_dot(x, y, p) -> CSR(sampling_dot_csr(x, y, buffers of p))`` for a csr ``p``."""
    from aesara.tensor.shape import shape, specify_shape

    x, y, p = node.inputs
    if p.type.format != "csr":
        return None
    old = node.outputs[0]
    p_data, p_ind, p_ptr, p_shape = csm_properties(p)
    z_data, z_ind, z_ptr = sampling_dot_csr(x, y, p_data, p_ind, p_ptr, p_shape[1])
    if z_data.type.dtype != old.type.dtype:
        return None
    new = CSM("csr")(z_data, z_ind, z_ptr, p_shape)
    if new.type.shape != old.type.shape:
        new = specify_shape(new, shape(old))
    copy_stack_trace(node.outputs, new)
    return [new]


register_specialize(local_sampling_dot_csr, "cxx_only", name="local_sampling_dot_csr")
