"""C translations of structural ops: views, shapes, ``Alloc``, indexing, ``CumOp``,
and the ops that pass their input through (``ViewOp``, ``Unbroadcast``,
``CheckAndRaise``), ``ScalarFromTensor``, ``MakeVector`` and ``AllocEmpty``.

Each node runs as a ``StructThunk`` of :mod:`aesara.link.c.structural_runtime`
(one small module per group of kinds, compiled once per machine, only when a
graph uses the group). A translator returns ``None`` for a
node it does not cover (a subclass with its own ``perform``, non-tensor
types), which then runs in Python.
"""

from __future__ import annotations

from typing import Any

from aesara.compile.ops import ViewOp
from aesara.graph.type import Type
from aesara.link.c.registry import CPlan, register_c_translation
from aesara.link.c.structural_runtime import structural_plan
from aesara.raise_op import CheckAndRaise
from aesara.scalar.basic import ScalarType
from aesara.tensor._alloc_empty import AllocEmpty
from aesara.tensor.basic import Alloc, MakeVector, ScalarFromTensor
from aesara.tensor.elemwise import DimShuffle
from aesara.tensor.extra_ops import CumOp
from aesara.tensor.shape import Reshape, Shape, Shape_i, SpecifyShape, Unbroadcast
from aesara.tensor.subtensor import IncSubtensor, Subtensor
from aesara.tensor.subtensor_advanced import AdvancedIncSubtensor1, AdvancedSubtensor1
from aesara.tensor.type import TensorType
from aesara.tensor.type_other import NoneTypeT

# Index-entry sources, as in structural_runtime.c.
_SRC_NONE, _SRC_CONST, _SRC_INPUT = 0, 1, 2


def _tensors(*variables: Any) -> bool:
    return all(isinstance(v.type, TensorType) for v in variables)


def _int_tensor(v: Any, ndim: int) -> bool:
    t = v.type
    return isinstance(t, TensorType) and t.ndim == ndim and t.dtype[:1] in "iu"


def _int_scalar_type(t: Any) -> bool:
    return isinstance(t, ScalarType) and t.dtype[:1] in "iu"


def encode_index(
    idx_list: tuple, node_inputs: list, first_input: int
) -> list[int] | None:
    """``idx_list`` in the ``StructThunk`` index encoding, or ``None`` if unsupported.

    Parameters
    ----------
    idx_list
        A ``Subtensor``/``IncSubtensor`` index: ints, scalar types (their
        values are the next node inputs) and slices of those or ``None``.
    node_inputs
        The node's inputs (to check the index inputs' types).
    first_input
        Position of the first index input among the node's inputs.
    """
    out = [len(idx_list)]
    pos = first_input

    def part(p: Any) -> list[int] | None:
        nonlocal pos
        if p is None:
            return [_SRC_NONE, 0]
        if isinstance(p, bool):
            return None
        if isinstance(p, int):
            return [_SRC_CONST, p]
        if isinstance(p, Type):
            if pos >= len(node_inputs) or not _int_scalar_type(node_inputs[pos].type):
                return None
            pos += 1
            return [_SRC_INPUT, pos - 1]
        return None

    for e in idx_list:
        if isinstance(e, slice):
            out.append(1)
            for p in (e.start, e.stop, e.step):
                code = part(p)
                if code is None:
                    return None
                out += code
        else:
            if e is None:
                return None
            code = part(e)
            if code is None:
                return None
            out += [0, *code]
    if pos != len(node_inputs):
        return None
    return out


@register_c_translation(DimShuffle)
def dimshuffle_plan(node) -> CPlan | None:
    """A view (or, when not in place, a C-ordered copy) with axes reordered."""
    op = node.op
    if type(op) is not DimShuffle or not _tensors(*node.inputs, *node.outputs):
        return None
    order = [-1 if d == "x" else int(d) for d in op.new_order]
    return structural_plan(
        "dimshuffle",
        [int(op.inplace), len(op.input_broadcastable), len(order), *order],
    )


@register_c_translation(Reshape)
def reshape_plan(node) -> CPlan | None:
    """``np.reshape``: a view when the memory layout allows it."""
    if type(node.op) is not Reshape or not _tensors(*node.inputs, *node.outputs):
        return None
    if not _int_tensor(node.inputs[1], 1):
        return None
    return structural_plan("reshape", [node.op.ndim])


@register_c_translation(Shape)
def shape_plan(node) -> CPlan | None:
    """The shape as an int64 vector."""
    if type(node.op) is not Shape or not _tensors(*node.inputs):
        return None
    return structural_plan("shape", [])


@register_c_translation(Shape_i)
def shape_i_plan(node) -> CPlan | None:
    """One dimension's length as a 0-d int64 array."""
    if type(node.op) is not Shape_i or not _tensors(*node.inputs):
        return None
    return structural_plan("shape_i", [node.op.i])


@register_c_translation(SpecifyShape)
def specify_shape_plan(node) -> CPlan | None:
    """The input itself, after checking its shape."""
    if type(node.op) is not SpecifyShape or not _tensors(node.inputs[0]):
        return None
    for s in node.inputs[1:]:
        if not (isinstance(s.type, NoneTypeT) or _int_tensor(s, 0)):
            return None
    return structural_plan("specify_shape", [])


@register_c_translation(Alloc)
def alloc_plan(node) -> CPlan | None:
    """A new array of the given shape filled with the (broadcast) value."""
    if type(node.op) is not Alloc or not _tensors(node.inputs[0], *node.outputs):
        return None
    if not all(_int_tensor(s, 0) for s in node.inputs[1:]):
        return None
    return structural_plan("alloc", [len(node.inputs) - 1])


@register_c_translation(Subtensor)
def subtensor_plan(node) -> CPlan | None:
    """Basic indexing with constant or scalar-input integers and slices: a view."""
    if type(node.op) is not Subtensor or not _tensors(node.inputs[0], *node.outputs):
        return None
    enc = encode_index(node.op.idx_list, node.inputs, 1)
    if enc is None:
        return None
    return structural_plan("subtensor", enc)


@register_c_translation(IncSubtensor)
def incsubtensor_plan(node) -> CPlan | None:
    """``x[idx] += y`` or ``x[idx] = y`` on ``x`` (in place) or a copy of it."""
    op = node.op
    if type(op) is not IncSubtensor or not _tensors(*node.inputs[:2], *node.outputs):
        return None
    enc = encode_index(op.idx_list, node.inputs, 2)
    if enc is None:
        return None
    return structural_plan(
        "incsubtensor", [int(op.inplace), int(op.set_instead_of_inc), *enc]
    )


@register_c_translation(AdvancedSubtensor1)
def advanced_subtensor1_plan(node) -> CPlan | None:
    """``np.take(x, ilist, axis=0)``."""
    if type(node.op) is not AdvancedSubtensor1 or not _tensors(*node.inputs):
        return None
    if node.inputs[0].type.ndim == 0 or not _int_tensor(node.inputs[1], 1):
        return None
    return structural_plan("adv_sub1", [])


@register_c_translation(AdvancedIncSubtensor1)
def advanced_inc_subtensor1_plan(node) -> CPlan | None:
    """``x[ilist] = y`` or ``np.add.at(x, ilist, y)``, on ``x`` or a copy."""
    op = node.op
    if type(op) is not AdvancedIncSubtensor1 or not _tensors(*node.inputs):
        return None
    if node.inputs[0].type.ndim == 0 or not _int_tensor(node.inputs[2], 1):
        return None
    return structural_plan(
        "adv_inc_sub1", [int(op.inplace), int(op.set_instead_of_inc)]
    )


@register_c_translation(CumOp)
def cumop_plan(node) -> CPlan | None:
    """Cumulative sum/product: C loops for 64-bit and float32 types, NumPy's otherwise."""
    op = node.op
    if type(op) is not CumOp or not _tensors(*node.inputs, *node.outputs):
        return None
    has_axis = op.axis is not None
    return structural_plan(
        "cumop",
        [int(has_axis), op.axis if has_axis else 0, 0 if op.mode == "add" else 1],
    )


@register_c_translation(MakeVector)
def make_vector_plan(node) -> CPlan | None:
    """A vector of the (0-d, already cast) inputs."""
    if type(node.op) is not MakeVector or not _tensors(*node.inputs, *node.outputs):
        return None
    if any(v.type.ndim != 0 or v.type.dtype != node.op.dtype for v in node.inputs):
        return None
    return structural_plan("make_vector", [])


@register_c_translation(ScalarFromTensor)
def scalar_from_tensor_plan(node) -> CPlan | None:
    """The element of a 0-d array as a NumPy scalar."""
    if type(node.op) is not ScalarFromTensor or not _tensors(node.inputs[0]):
        return None
    return structural_plan("scalar_from_tensor", [])


def _pass_plan(node, base: type) -> CPlan | None:
    # Ops whose result is their first input (after checks on the others):
    # run in C unless a subclass computes something else.
    if type(node.op).perform is not base.perform:
        return None
    if not _tensors(node.inputs[0], *node.outputs):
        return None
    return structural_plan("pass", [])


@register_c_translation(ViewOp)
def view_op_plan(node) -> CPlan | None:
    """The input itself."""
    return _pass_plan(node, ViewOp)


@register_c_translation(Unbroadcast)
def unbroadcast_plan(node) -> CPlan | None:
    """The input itself (only its static type changes)."""
    return _pass_plan(node, Unbroadcast)


@register_c_translation(CheckAndRaise)
def check_and_raise_plan(node) -> CPlan | None:
    """The input itself once every condition holds; the op's error otherwise
    (raised by its Python thunk)."""
    return _pass_plan(node, CheckAndRaise)


@register_c_translation(AllocEmpty)
def alloc_empty_plan(node) -> CPlan | None:
    """An uninitialised array (the previous one when its shape is the same)."""
    if type(node.op).perform is not AllocEmpty.perform or not _tensors(*node.outputs):
        return None
    if not all(_int_tensor(s, 0) for s in node.inputs):
        return None
    return structural_plan("alloc_empty", [])
