"""Ops on typed lists: indexing, length, and the Python ``list`` methods.

Every op runs through ``perform`` (the lists are plain Python lists). The ops
that change a list (``append``, ``extend``, ``insert``, ``remove``,
``reverse``) copy it unless built with ``inplace=True``; the in-place versions
destroy their list input and are introduced by the
``typed_list_inplace_rewrite`` rewrite (:mod:`aesara.typed_list.rewriting`).
"""

from __future__ import annotations

import copy
from typing import Any

import numpy as np

import aesara.tensor as at
from aesara.configdefaults import config
from aesara.graph.basic import Apply, Constant, Variable
from aesara.graph.op import Op
from aesara.tensor.type import scalar
from aesara.tensor.type_other import SliceType, make_slice
from aesara.tensor.var import TensorVariable
from aesara.typed_list.type import TypedListType

__all__ = [
    "TypedListVariable",
    "TypedListConstant",
    "GetItem",
    "getitem",
    "Append",
    "append",
    "Extend",
    "extend",
    "Insert",
    "insert",
    "Remove",
    "remove",
    "Reverse",
    "reverse",
    "Index",
    "index_",
    "Count",
    "count",
    "Length",
    "length",
    "MakeList",
    "make_list",
]


def _private_copy(value: Any) -> Any:
    """A copy of ``value`` that the list can own.

    Elements put into a list are copied so that the list never aliases a
    graph value another node may overwrite in place.
    """
    if isinstance(value, np.ndarray):
        return value.copy()
    return copy.deepcopy(value)


def _check_list(x: Any, op_name: str) -> Variable:
    """Return ``x`` as a typed-list variable or raise ``TypeError``."""
    if isinstance(x, Variable) and isinstance(x.type, TypedListType):
        return x
    if isinstance(x, Variable):
        got = str(x.type)
    else:
        got = type(x).__name__
    raise TypeError(f"{op_name}: input 0 must be a typed list, got {got}")


def _check_element(x: Variable, elem: Any, op_name: str, pos: int) -> Variable:
    """Return ``elem`` as a variable of the element type of list ``x``."""
    if not isinstance(elem, Variable):
        try:
            elem = x.ttype.filter_variable(elem)
        except (TypeError, ValueError) as exc:
            raise TypeError(
                f"{op_name}: input {pos} must be a {x.ttype} (the element type "
                f"of the list), got {elem!r}"
            ) from exc
    if elem.type != x.ttype:
        raise TypeError(
            f"{op_name}: input {pos} must have the element type of the list "
            f"{x.ttype}, got {elem.type}"
        )
    return elem


def _int64_index(index: Any, op_name: str, pos: int) -> Variable:
    """Return ``index`` as a 0-d ``int64`` tensor or raise ``TypeError``."""
    if not isinstance(index, Variable):
        if isinstance(index, (bool, np.bool_)) or not isinstance(
            index, (int, np.integer)
        ):
            raise TypeError(
                f"{op_name}: input {pos} (the index) must be an integer, got "
                f"{type(index).__name__} ({index!r})"
            )
        return at.constant(index, ndim=0, dtype="int64")
    if not (
        isinstance(index, TensorVariable)
        and index.ndim == 0
        and index.dtype.startswith(("int", "uint"))
    ):
        raise TypeError(
            f"{op_name}: input {pos} (the index) must be an integer scalar, "
            f"got {index.type}"
        )
    if index.dtype != "int64":
        index = at.cast(index, "int64")
    return index


class _typed_list_py_operators:
    """The Python list interface of typed-list variables and constants."""

    def __getitem__(self, index):
        return getitem(self, index)

    def __len__(self):
        # Like Aesara: ``l.__len__()`` is the symbolic length. ``len(l)``
        # itself cannot return a variable, so Python raises a TypeError.
        return length(self)

    def __iter__(self):
        raise TypeError(
            "A typed-list variable is symbolic and cannot be iterated; index "
            "it (l[i]) or use aesara.scan over range(length(l))"
        )

    def __bool__(self):
        # Without this, truth testing would go through ``__len__``.
        return True

    def append(self, toAppend):
        return append(self, toAppend)

    def extend(self, toAppend):
        return extend(self, toAppend)

    def insert(self, index, toInsert):
        return insert(self, index, toInsert)

    def remove(self, toRemove):
        return remove(self, toRemove)

    def reverse(self):
        return reverse(self)

    def count(self, elem):
        return count(self, elem)

    def ind(self, elem):
        """The position of ``elem`` in the list (``index`` is taken by ``Variable``)."""
        return index_(self, elem)

    @property
    def ttype(self):
        return self.type.ttype

    @property
    def dtype(self):
        return self.type.ttype.dtype

    @property
    def ndim(self):
        return self.type.ttype.ndim + 1


class TypedListVariable(_typed_list_py_operators, Variable):
    """A symbolic typed list."""


class TypedListConstant(_typed_list_py_operators, Constant):
    """A constant typed list."""


TypedListType.variable_type = TypedListVariable
TypedListType.constant_type = TypedListConstant


class _ListOp(Op):
    """Base of the typed-list ops: their string form is the class name."""

    def __str__(self):
        return type(self).__name__


class GetItem(_ListOp):
    """``x[index]``: one element (integer index) or a sub-list (slice)."""

    view_map = {0: [0]}
    __props__ = ()

    def make_node(self, x, index):
        x = _check_list(x, "GetItem")
        if isinstance(index, slice):
            parts = (index.start, index.stop, index.step)
            if any(isinstance(p, Variable) for p in parts):
                index = make_slice(index)
            else:
                index = Constant(SliceType(), index)
        elif not isinstance(index, Variable):
            index = _int64_index(index, "GetItem", 1)
        if isinstance(index.type, SliceType):
            return Apply(self, [x, index], [x.type()])
        index = _int64_index(index, "GetItem", 1)
        return Apply(self, [x, index], [x.ttype()])

    def perform(self, node, inputs, outputs):
        x, index = inputs
        if not isinstance(index, slice):
            index = int(index)
        try:
            outputs[0][0] = x[index]
        except IndexError:
            raise IndexError(
                f"GetItem: index {index} is out of range for a list of length {len(x)}"
            ) from None


getitem = GetItem()


class _ModifyingOp(_ListOp):
    """A list op whose output is its (copied or in-place) first input, changed."""

    __props__ = ("inplace",)

    def __init__(self, inplace: bool = False):
        self.inplace = bool(inplace)
        if self.inplace:
            self.destroy_map = {0: [0]}
        else:
            # The new list holds the elements of the old one.
            self.view_map = {0: [0]}

    def _target(self, x: list) -> list:
        return x if self.inplace else list(x)

    def __str__(self):
        if self.inplace:
            return f"{type(self).__name__}{{inplace}}"
        return type(self).__name__


class Append(_ModifyingOp):
    """``x.append(toAppend)``: ``x`` with one more element at its end."""

    def make_node(self, x, toAppend):
        x = _check_list(x, "Append")
        toAppend = _check_element(x, toAppend, "Append", 1)
        return Apply(self, [x, toAppend], [x.type()])

    def perform(self, node, inputs, outputs):
        x, toAppend = inputs
        out = self._target(x)
        out.append(_private_copy(toAppend))
        outputs[0][0] = out


append = Append()


class Extend(_ModifyingOp):
    """``x.extend(toAppend)``: ``x`` followed by the elements of another list."""

    def make_node(self, x, toAppend):
        x = _check_list(x, "Extend")
        if not isinstance(toAppend, Variable):
            toAppend = x.type.filter_variable(toAppend)
        if not (
            isinstance(toAppend.type, TypedListType) and x.type.is_super(toAppend.type)
        ):
            raise TypeError(
                f"Extend: input 1 must be a list of type {x.type}, got {toAppend.type}"
            )
        return Apply(self, [x, toAppend], [x.type()])

    def perform(self, node, inputs, outputs):
        x, toAppend = inputs
        out = self._target(x)
        # ``x.extend(x)`` in place: iterate over a snapshot.
        out.extend([_private_copy(item) for item in list(toAppend)])
        outputs[0][0] = out


extend = Extend()


class Insert(_ModifyingOp):
    """``x.insert(index, toInsert)``."""

    def make_node(self, x, index, toInsert):
        x = _check_list(x, "Insert")
        index = _int64_index(index, "Insert", 1)
        toInsert = _check_element(x, toInsert, "Insert", 2)
        return Apply(self, [x, index, toInsert], [x.type()])

    def perform(self, node, inputs, outputs):
        x, index, toInsert = inputs
        out = self._target(x)
        out.insert(int(index), _private_copy(toInsert))
        outputs[0][0] = out


insert = Insert()


def _position(ttype, items: list, elem: Any) -> int:
    """The first position of ``elem`` in ``items`` (``-1`` if absent).

    Compares with the element type's ``values_eq``: ``==`` on arrays is
    element-wise, so ``list.index`` cannot be used.
    """
    for pos, item in enumerate(items):
        if ttype.values_eq(item, elem):
            return pos
    return -1


class Remove(_ModifyingOp):
    """``x.remove(toRemove)``: ``x`` without the first element equal to ``toRemove``.

    Raises ``ValueError`` at run time when no element is equal, as
    ``list.remove`` does.
    """

    def make_node(self, x, toRemove):
        x = _check_list(x, "Remove")
        toRemove = _check_element(x, toRemove, "Remove", 1)
        return Apply(self, [x, toRemove], [x.type()])

    def perform(self, node, inputs, outputs):
        x, toRemove = inputs
        out = self._target(x)
        pos = _position(node.inputs[0].ttype, out, toRemove)
        if pos < 0:
            raise ValueError("Remove: the element to remove is not in the list")
        del out[pos]
        outputs[0][0] = out


remove = Remove()


class Reverse(_ModifyingOp):
    """``x.reverse()``: ``x`` in reverse order."""

    def make_node(self, x):
        x = _check_list(x, "Reverse")
        return Apply(self, [x], [x.type()])

    def perform(self, node, inputs, outputs):
        out = self._target(inputs[0])
        out.reverse()
        outputs[0][0] = out


reverse = Reverse()


class Index(_ListOp):
    """``x.index(elem)``: the first position of ``elem`` in ``x``.

    The result is a ``floatX`` scalar, as in Aesara. Raises ``ValueError`` at
    run time when ``elem`` is not in the list.
    """

    __props__ = ()

    def make_node(self, x, elem):
        x = _check_list(x, "Index")
        elem = _check_element(x, elem, "Index", 1)
        return Apply(self, [x, elem], [scalar()])

    def perform(self, node, inputs, outputs):
        x, elem = inputs
        pos = _position(node.inputs[0].ttype, x, elem)
        if pos < 0:
            raise ValueError("Index: the element is not in the list")
        outputs[0][0] = np.asarray(pos, dtype=config.floatX)

    def infer_shape(self, fgraph, node, shapes):
        return [()]


index_ = Index()


class Count(_ListOp):
    """``x.count(elem)``: how many elements of ``x`` equal ``elem`` (``floatX``)."""

    __props__ = ()

    def make_node(self, x, elem):
        x = _check_list(x, "Count")
        elem = _check_element(x, elem, "Count", 1)
        return Apply(self, [x, elem], [scalar()])

    def perform(self, node, inputs, outputs):
        x, elem = inputs
        ttype = node.inputs[0].ttype
        n = sum(1 for item in x if ttype.values_eq(item, elem))
        outputs[0][0] = np.asarray(n, dtype=config.floatX)

    def infer_shape(self, fgraph, node, shapes):
        return [()]


count = Count()


class Length(_ListOp):
    """``len(x)`` as an ``int64`` scalar."""

    __props__ = ()

    def make_node(self, x):
        x = _check_list(x, "Length")
        return Apply(self, [x], [scalar(dtype="int64")])

    def perform(self, node, inputs, outputs):
        outputs[0][0] = np.asarray(len(inputs[0]), dtype="int64")

    def infer_shape(self, fgraph, node, shapes):
        return [()]


length = Length()


class MakeList(Op):
    """Build a typed list from variables (or constants) of one type."""

    __props__ = ()

    def make_node(self, a):
        if not isinstance(a, (tuple, list)):
            raise TypeError(
                f"MakeList: expected a tuple or list of variables, got "
                f"{type(a).__name__}"
            )
        if len(a) == 0:
            raise ValueError(
                "MakeList: cannot infer the element type of an empty list; "
                "use TypedListType(ttype)() for an empty list input"
            )
        elems = [e if isinstance(e, Variable) else at.as_tensor_variable(e) for e in a]
        first = elems[0].type
        for pos, elem in enumerate(elems):
            if not first.is_super(elem.type):
                raise TypeError(
                    "MakeList: all elements must have the same type; element 0 "
                    f"is {first}, element {pos} is {elem.type}"
                )
        return Apply(self, elems, [TypedListType(first)()])

    def perform(self, node, inputs, outputs):
        # Copies: the list must not alias the input arrays.
        outputs[0][0] = [_private_copy(value) for value in inputs]


make_list = MakeList()
