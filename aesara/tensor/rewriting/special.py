"""Rewrites of the softmax family (:mod:`aesara.tensor.special`).

* ``log(softmax(x)) -> log_softmax(x)``: the logarithm of an underflowed
  softmax entry is ``-inf``, while ``log_softmax`` keeps ``x - logsumexp(x)``.
* ``SoftmaxGrad(g / softmax(x), softmax(x)) -> g - sum(g) * softmax(x)``:
  the gradient of ``log(softmax(x))`` built before the rewrite above divides
  by underflowed softmax entries (``0 / 0``).
* ``exp(x) / sum(exp(x), axis, keepdims=True) -> softmax(x, axis)``: the
  hand-written form overflows for ``x`` beyond ~709 (float64).
"""

from __future__ import annotations

import aesara.scalar.basic as aes
from aesara.graph.rewriting.basic import copy_stack_trace, node_rewriter
from aesara.tensor.elemwise import DimShuffle, Elemwise
from aesara.tensor.math import Sum
from aesara.tensor.rewriting.basic import register_specialize, register_stabilize
from aesara.tensor.special import LogSoftmax, Softmax, SoftmaxGrad

__all__ = ["local_logsoftmax", "local_logsoftmax_grad", "local_softmax_from_exp"]


@register_stabilize
@register_specialize
@node_rewriter([Elemwise])
def local_logsoftmax(fgraph, node):
    """``log(softmax(x, axis)) -> log_softmax(x, axis)``."""
    if type(node.op) is not Elemwise or not isinstance(node.op.scalar_op, aes.Log):
        return None
    (arg,) = node.inputs
    if arg.owner is None or not isinstance(arg.owner.op, Softmax):
        return None
    out = node.outputs[0]
    new = LogSoftmax(arg.owner.op.axis)(arg.owner.inputs[0])
    if new.type.dtype != out.type.dtype:
        return None
    copy_stack_trace(out, new)
    return [new]


def _sum_axis_keep(v):
    """``(x, axis)`` when ``v`` is ``sum(x, axis, keepdims=True)``, else ``None``."""
    if v.owner is None or not isinstance(v.owner.op, DimShuffle):
        return None
    ds = v.owner.op
    s = v.owner.inputs[0]
    if s.owner is None or type(s.owner.op) is not Sum:
        return None
    x = s.owner.inputs[0]
    axis = s.owner.op.axis
    axes = tuple(range(x.type.ndim)) if axis is None else tuple(axis)
    # The DimShuffle must put length-1 axes exactly where the sum removed them.
    expected = []
    k = 0
    for d in range(x.type.ndim):
        if d in axes:
            expected.append("x")
        else:
            expected.append(k)
            k += 1
    if tuple(ds.new_order) != tuple(expected):
        return None
    return x, axes


@register_stabilize
@register_specialize
@node_rewriter([Elemwise])
def local_softmax_from_exp(fgraph, node):
    """``exp(x) / sum(exp(x), axis, keepdims=True) -> softmax(x, axis)``.

    Only single axes and full reductions map onto :class:`Softmax`.
    """
    if type(node.op) is not Elemwise or not isinstance(node.op.scalar_op, aes.TrueDiv):
        return None
    num, den = node.inputs
    out = node.outputs[0]
    if num.owner is None or type(num.owner.op) is not Elemwise:
        return None
    if not isinstance(num.owner.op.scalar_op, aes.Exp):
        return None
    found = _sum_axis_keep(den)
    if found is None:
        return None
    summed, axes = found
    if summed is not num:
        return None
    x = num.owner.inputs[0]
    ndim = x.type.ndim
    if len(axes) == ndim:
        axis = None
    elif len(axes) == 1:
        axis = axes[0]
    else:
        return None
    if out.type.dtype != num.type.dtype or out.type.ndim != ndim:
        return None
    new = Softmax(axis)(x)
    if new.type.dtype != out.type.dtype:
        return None
    copy_stack_trace(out, new)
    return [new]


def _divided_by(dy, sm):
    """``g`` when ``dy`` is ``g / sm`` or ``g * reciprocal(sm)``, else ``None``."""
    from aesara.tensor.math import mul

    node = dy.owner
    if node is None or type(node.op) is not Elemwise:
        return None
    sop = node.op.scalar_op
    if isinstance(sop, aes.TrueDiv) and node.inputs[1] is sm:
        return node.inputs[0]
    if isinstance(sop, aes.Mul):
        for k, f in enumerate(node.inputs):
            fo = f.owner
            if (
                fo is not None
                and type(fo.op) is Elemwise
                and isinstance(fo.op.scalar_op, aes.Reciprocal)
                and fo.inputs[0] is sm
            ):
                rest = node.inputs[:k] + node.inputs[k + 1 :]
                if not rest:
                    return None
                return rest[0] if len(rest) == 1 else mul(*rest)
    return None


@register_stabilize
@register_specialize
@node_rewriter([SoftmaxGrad])
def local_logsoftmax_grad(fgraph, node):
    """``SoftmaxGrad(g / softmax(x), softmax(x)) -> g - sum(g, axis) * softmax(x)``."""
    from aesara.tensor.math import sum as at_sum

    dy, sm = node.inputs
    if sm.owner is None or not isinstance(sm.owner.op, Softmax):
        return None
    if sm.owner.op.axis != node.op.axis:
        return None
    g = _divided_by(dy, sm)
    if g is None or g.type.ndim != sm.type.ndim:
        return None
    out = node.outputs[0]
    new = g - at_sum(g, axis=node.op.axis, keepdims=True) * sm
    if new.type.dtype != out.type.dtype:
        new = new.astype(out.type.dtype)
    copy_stack_trace(out, new)
    return [new]
