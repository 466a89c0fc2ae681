"""Structural rewrites of ``Elemwise`` and ``DimShuffle``.

``DimShuffle``s are pushed towards the inputs (through element-wise ops,
composing with other ``DimShuffle``s) so that they meet and cancel, and
constants of element-wise ops get the output's dtype so no cast runs at run
time.
"""

from __future__ import annotations

import numpy as np

import aesara.scalar.basic as aes
from aesara.graph.basic import Constant
from aesara.graph.rewriting.basic import copy_stack_trace, node_rewriter
from aesara.tensor.basic import MakeVector, constant
from aesara.tensor.elemwise import DimShuffle, Elemwise
from aesara.tensor.rewriting.basic import (
    register_canonicalize,
    register_specialize,
    register_stabilize,
    register_useless,
)

__all__ = [
    "apply_local_dimshuffle_lift",
    "local_dimshuffle_lift",
    "local_upcast_elemwise_constant_inputs",
    "local_useless_dimshuffle_makevector",
    "is_dimshuffle_useless",
]


def is_dimshuffle_useless(new_order, input) -> bool:
    """Whether ``input.dimshuffle(new_order)`` is ``input`` itself."""
    return tuple(new_order) == tuple(range(input.type.ndim))


def _compose(inner_order, outer_order) -> list:
    """The order of ``x.dimshuffle(inner).dimshuffle(outer)`` as one dimshuffle of ``x``."""
    return ["x" if o == "x" else inner_order[o] for o in outer_order]


def apply_local_dimshuffle_lift(fgraph, var):
    """Apply :func:`local_dimshuffle_lift` to ``var`` repeatedly (for rewrites building dimshuffles)."""
    if var.owner is None:
        return var
    new = local_dimshuffle_lift.transform(fgraph, var.owner)
    if new:
        return new[0]
    return var


def _dimshuffle(x, order):
    return DimShuffle(tuple(s == 1 for s in x.type.shape), tuple(order))(x)


@register_useless
@register_canonicalize
@register_specialize
@node_rewriter([DimShuffle])
def local_dimshuffle_lift(fgraph, node):
    """Move ``DimShuffle``s towards the inputs.

    * ``dimshuffle(f(x, y))`` -> ``f(dimshuffle(x), dimshuffle(y))`` for an
      element-wise ``f`` used only there;
    * ``dimshuffle(dimshuffle(x))`` -> one ``dimshuffle``;
    * an identity ``dimshuffle`` -> its input.
    """
    op = node.op
    inp = node.inputs[0]
    out = node.outputs[0]
    inode = inp.owner
    if (
        fgraph is not None
        and inode is not None
        and isinstance(inode.op, Elemwise)
        and len(inode.outputs) == 1
        and len(fgraph.clients.get(inp, ())) == 1
        and not inode.op.inplace_pattern
    ):
        new_inputs = []
        for i in inode.inputs:
            ni = _dimshuffle(i, op.new_order)
            ni = apply_local_dimshuffle_lift(fgraph, ni)
            new_inputs.append(ni)
        ret = inode.op(*new_inputs)
        if ret.type != out.type:
            return None
        copy_stack_trace(out, ret)
        return [ret]
    if inode is not None and isinstance(inode.op, DimShuffle):
        order = _compose(inode.op.new_order, op.new_order)
        x = inode.inputs[0]
        if is_dimshuffle_useless(order, x):
            ret = x
        else:
            ret = _dimshuffle(x, order)
        if ret.type != out.type:
            return None
        copy_stack_trace(out, ret)
        return [ret]
    if is_dimshuffle_useless(op.new_order, inp) and inp.type == out.type:
        return [inp]
    return None


@register_canonicalize
@register_specialize
@node_rewriter([DimShuffle])
def local_useless_dimshuffle_makevector(fgraph, node):
    """``make_vector(x).dimshuffle(())`` (the 0-d view of a length-1 vector) -> ``x``."""
    inp = node.inputs[0]
    if node.op.new_order != ():
        return None
    if inp.owner is None or not isinstance(inp.owner.op, MakeVector):
        return None
    if len(inp.owner.inputs) != 1:
        return None
    x = inp.owner.inputs[0]
    if x.type != node.outputs[0].type:
        return None
    return [x]


@register_canonicalize
@register_specialize
@register_stabilize
@node_rewriter([Elemwise])
def local_upcast_elemwise_constant_inputs(fgraph, node):
    """Give the constant inputs of an upcasting element-wise op the output's dtype.

    ``x_float32 * 2`` would otherwise convert the ``int8`` constant at every
    call; the constant is converted once, when the value fits exactly.
    """
    if len(node.outputs) != 1:
        return None
    sop = node.op.scalar_op
    if getattr(sop, "output_types_preference", None) is not aes.upcast_out:
        return None
    out_dtype = node.outputs[0].type.dtype
    new_inputs = []
    changed = False
    for i in node.inputs:
        if i.type.dtype == out_dtype or not isinstance(i, Constant):
            new_inputs.append(i)
            continue
        data = np.asarray(i.data)
        if data.dtype.kind == "c" and np.dtype(out_dtype).kind != "c":
            # Dropping the imaginary part is never exact in general.
            new_inputs.append(i)
            continue
        cast = data.astype(out_dtype)
        # A real constant cast to complex has a zero imaginary part: compare
        # its real part (casting complex back to real warns).
        back = cast.real if cast.dtype.kind == "c" and data.dtype.kind != "c" else cast
        with np.errstate(invalid="ignore"):
            exact = (
                np.array_equal(back.astype(data.dtype), data, equal_nan=True)
                if data.dtype.kind in "fc"
                else np.array_equal(back.astype(data.dtype), data)
            )
        if not exact:
            new_inputs.append(i)
            continue
        c = constant(cast)
        c = c if c.type.shape == i.type.shape else None
        if c is None:
            new_inputs.append(i)
            continue
        new_inputs.append(c)
        changed = True
    if not changed:
        return None
    new = node.op(*new_inputs)
    if new.type != node.outputs[0].type:
        return None
    copy_stack_trace(node.outputs[0], new)
    return [new]


from aesara.tensor.rewriting.fusion import FusionOptimizer, local_careduce_fusion  # noqa: E402, F401
