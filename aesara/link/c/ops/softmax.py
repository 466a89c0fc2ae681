"""C translations of the softmax family (:mod:`aesara.tensor.special`).

``Softmax``, ``LogSoftmax`` and ``SoftmaxGrad`` on float32/float64 tensors run
numerically stable C loops (shifted by the maximum along the axis) in a
``StructThunk`` of :mod:`aesara.link.c.structural_runtime`; other dtypes
run in Python.
"""

from __future__ import annotations

from aesara.link.c.registry import CPlan, register_c_translation
from aesara.link.c.structural_runtime import structural_plan
from aesara.tensor.special import LogSoftmax, Softmax, SoftmaxGrad
from aesara.tensor.type import TensorType

_KINDS = {Softmax: "softmax", LogSoftmax: "logsoftmax", SoftmaxGrad: "softmaxgrad"}


@register_c_translation(Softmax, LogSoftmax, SoftmaxGrad)
def softmax_plan(node) -> CPlan | None:
    """A C loop for float32/float64 inputs of the node's own dtype."""
    kind = _KINDS.get(type(node.op))
    if kind is None:
        return None
    out = node.outputs[0]
    if not all(isinstance(v.type, TensorType) for v in (*node.inputs, out)):
        return None
    dtype = out.type.dtype
    if dtype not in ("float32", "float64"):
        return None
    if any(v.type.dtype != dtype for v in node.inputs):
        return None
    axis = node.op.axis
    has_axis = axis is not None
    return structural_plan(kind, [int(has_axis), axis if has_axis else 0])
