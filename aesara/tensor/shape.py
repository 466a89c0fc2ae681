"""Ops on shapes: reading them (``Shape``, ``Shape_i``), asserting them
(``SpecifyShape``), changing them (``Reshape``, dimension padding) and
dropping static size-1 information (``Unbroadcast``).
"""

from __future__ import annotations

from functools import cache
from typing import Any

import numpy as np

from aesara.graph.basic import Apply, Variable
from aesara.graph.op import Op
from aesara.tensor.basic import (
    _disconnected,
    _get_vector_length,
    _unpack_vector,
    as_tensor_variable,
    constant,
    get_scalar_constant_value,
    get_vector_length,
)
from aesara.tensor.exceptions import NotScalarConstantError
from aesara.tensor.type import TensorType, integer_dtypes
from aesara.tensor.type_other import NoneConst, NoneTypeT
from aesara.tensor.var import TensorConstant, TensorVariable


def _constant_int(v: Any) -> int | None:
    """The value of a constant integer entry, ``None`` when not constant."""
    try:
        return int(get_scalar_constant_value(v))
    except NotScalarConstantError:
        return None


# ----------------------------------------------------------------------------
# Shape and Shape_i
# ----------------------------------------------------------------------------


class Shape(Op):
    """The shape of a tensor, as an int64 vector of length ``ndim``."""

    __props__ = ()

    def make_node(self, x):
        if not isinstance(x, Variable):
            x = as_tensor_variable(x)
        ndim = getattr(x.type, "ndim", None)
        if ndim is None:
            raise TypeError(
                f"Shape: input must have a type with dimensions, got {x.type}"
            )
        return Apply(self, [x], [TensorType("int64", (ndim,))()])

    def perform(self, node, inputs, output_storage, params=None):
        output_storage[0][0] = np.asarray(np.shape(inputs[0]), dtype="int64")

    def infer_shape(self, fgraph, node, input_shapes):
        return [[len(input_shapes[0])]]

    def connection_pattern(self, node):
        # The shape does not depend on the values of the input.
        return [[False]]

    def grad(self, inputs, output_grads):
        return [_disconnected()]

    def R_op(self, inputs, eval_points):
        return [None]


_shape = Shape()


def shape(x: Any) -> TensorVariable:
    """Return the symbolic shape of ``x`` (an int64 vector of length ``x.ndim``)."""
    if not isinstance(x, Variable):
        x = as_tensor_variable(x)
    return _shape(x)


@_get_vector_length.register(Shape)
def _get_vector_length_Shape(op, var):
    return var.owner.inputs[0].type.ndim


class Shape_i(Op):
    """The size of dimension ``i`` of a tensor, as an int64 scalar."""

    __props__ = ("i",)

    def __init__(self, i: int):
        if isinstance(i, (bool, np.bool_)) or not isinstance(i, (int, np.integer)):
            raise TypeError(
                f"Shape_i: i must be an integer, got {type(i).__name__}: {i!r}"
            )
        if i < 0:
            raise ValueError(f"Shape_i: i must be non-negative, got {i}")
        self.i = int(i)

    def __str__(self):
        return f"Shape_i{{{self.i}}}"

    def make_node(self, x):
        if not isinstance(x, Variable):
            x = as_tensor_variable(x)
        ndim = getattr(x.type, "ndim", None)
        if ndim is None:
            raise TypeError(
                f"Shape_i: {x} must have a type with dimensions, got {x.type}"
            )
        if ndim <= self.i:
            raise TypeError(
                f"Shape_i: {x} has too few dimensions ({ndim}) for Shape_i{{{self.i}}}"
            )
        return Apply(self, [x], [TensorType("int64", ())()])

    def perform(self, node, inputs, output_storage, params=None):
        output_storage[0][0] = np.asarray(np.shape(inputs[0])[self.i], dtype="int64")

    def infer_shape(self, fgraph, node, input_shapes):
        return [()]

    def connection_pattern(self, node):
        return [[False]]

    def grad(self, inputs, output_grads):
        return [_disconnected()]

    def R_op(self, inputs, eval_points):
        return [None]


@cache
def shape_i_op(i: int) -> Shape_i:
    """The (shared) ``Shape_i(i)`` op."""
    return Shape_i(i)


def shape_i(var: Any, i: int, fgraph=None) -> TensorVariable:
    """The size of dimension ``i`` of ``var``.

    A constant when the size is static; with an ``fgraph`` that has a shape
    feature, the shape it tracks.
    """
    var = as_tensor_variable(var) if not isinstance(var, Variable) else var
    ndim = var.type.ndim
    if not -ndim <= i < ndim:
        raise IndexError(f"shape_i: dimension {i} out of range for {var.type}")
    i = i % ndim
    if fgraph is not None and hasattr(fgraph, "shape_feature"):
        shape_of = fgraph.shape_feature.shape_of
        if var in shape_of:
            return shape_of[var][i]
    static = var.type.shape[i]
    if static is not None:
        return constant(static, dtype="int64")
    return shape_i_op(i)(var)


def shape_tuple(x: Any) -> tuple[TensorVariable, ...]:
    """The shape of ``x`` as a tuple of 0-d int64 tensors (constants where static)."""
    x = as_tensor_variable(x)
    return tuple(shape_i(x, i) for i in range(x.type.ndim))


# ----------------------------------------------------------------------------
# SpecifyShape
# ----------------------------------------------------------------------------


def _is_none_entry(s: Any) -> bool:
    return s is None or (isinstance(s, Variable) and isinstance(s.type, NoneTypeT))


class SpecifyShape(Op):
    """Assert the shape of a tensor, making it part of the static type.

    ``specify_shape(x, (2, None, n))`` returns ``x`` with static shape
    ``(2, None, ...)``; at run time the shape is checked (``None`` entries
    are not checked).
    """

    __props__ = ()
    view_map = {0: [0]}

    def make_node(self, x, *shape):
        x = as_tensor_variable(x)
        entries = []
        for i, s in enumerate(shape):
            if _is_none_entry(s):
                entries.append(NoneConst)
                continue
            if isinstance(s, (bool, np.bool_)):
                raise TypeError(
                    f"SpecifyShape: shape entry {i} must be an integer or None, got {s!r}"
                )
            try:
                sv = as_tensor_variable(s, ndim=0)
            except (TypeError, ValueError) as e:
                raise TypeError(
                    f"SpecifyShape: shape entry {i} must be an integer or None, got {s!r}"
                ) from e
            if sv.type.dtype not in integer_dtypes:
                raise TypeError(
                    f"SpecifyShape: shape values must be integers; entry {i} has dtype {sv.type.dtype}"
                )
            entries.append(sv)
        if len(entries) != x.type.ndim:
            raise ValueError(
                f"Input `x` is {x.type.ndim}-dimensional and will never match a shape of "
                f"length {len(entries)}."
            )
        out_shape = list(x.type.shape)
        for i, (xs, s) in enumerate(zip(x.type.shape, entries)):
            if s is NoneConst:
                continue
            value = _constant_int(s)
            if value is None:
                continue
            if value < 0:
                raise ValueError(f"SpecifyShape: shape entry {i} is negative ({value})")
            if xs is not None and xs != value:
                raise ValueError(
                    f"SpecifyShape: {x} has static shape {x.type.shape}, which cannot match "
                    f"the specified shape: dimension {i} is {xs}, specified {value}"
                )
            out_shape[i] = value
        return Apply(self, [x, *entries], [x.type.clone(shape=out_shape)()])

    def perform(self, node, inputs, output_storage, params=None):
        x, *shape = inputs
        if x.ndim != len(shape):
            raise AssertionError(
                f"SpecifyShape: Got {x.ndim} dimensions (shape {x.shape}), expected "
                f"{len(shape)} dimensions with shape {tuple(shape)}."
            )
        for xs, s in zip(x.shape, shape):
            if s is not None and xs != s:
                expected = tuple(None if s is None else int(s) for s in shape)
                raise AssertionError(
                    f"SpecifyShape: Got shape {x.shape}, expected {expected}."
                )
        output_storage[0][0] = x

    def infer_shape(self, fgraph, node, input_shapes):
        xshape = input_shapes[0]
        return [
            [
                xshape[i] if isinstance(s.type, NoneTypeT) else s
                for i, s in enumerate(node.inputs[1:])
            ]
        ]

    def connection_pattern(self, node):
        return [[True]] + [[False] for _ in node.inputs[1:]]

    def grad(self, inputs, output_grads):
        x, *shape = inputs
        (gz,) = output_grads
        return [specify_shape(gz, shape)] + [_disconnected() for _ in shape]

    def R_op(self, inputs, eval_points):
        if eval_points[0] is None:
            return [None]
        return [specify_shape(eval_points[0], inputs[1:])]


_specify_shape = SpecifyShape()


def specify_shape(x: Any, shape: Any) -> TensorVariable:
    """Return ``x`` with its shape asserted to be ``shape``.

    Parameters
    ----------
    x
        A tensor.
    shape
        One entry per dimension: an int, a 0-d integer tensor, or ``None``
        (not specified); or an integer vector of known length.
    """
    x = as_tensor_variable(x)
    if not isinstance(shape, (tuple, list)):
        shape = (shape,)
    if len(shape) == 1 and not _is_none_entry(shape[0]):
        # A single vector holding the whole shape.
        s0 = shape[0]
        if isinstance(s0, Variable) and getattr(s0.type, "ndim", 0) == 1:
            try:
                get_vector_length(s0)
            except ValueError:
                raise ValueError(
                    f"specify_shape: the length of the shape vector {s0} is not known"
                ) from None
            shape = tuple(_unpack_vector(s0))
        elif isinstance(s0, np.ndarray) and s0.ndim == 1:
            shape = tuple(s0)
    shape = tuple(None if _is_none_entry(s) else s for s in shape)
    if len(shape) == x.type.ndim:
        new_info = False
        for s, xs in zip(shape, x.type.shape):
            if s is None:
                continue
            if isinstance(s, (int, np.integer)) and not isinstance(s, (bool, np.bool_)):
                if xs != s:
                    new_info = True
            else:
                # Symbolic entries are checked at run time.
                new_info = True
        if not new_info:
            return x
    return _specify_shape(x, *shape)


def specify_broadcastable(x: Any, *axes: int) -> TensorVariable:
    """Return ``x`` with dimensions ``axes`` asserted to have size 1."""
    x = as_tensor_variable(x)
    if len(axes) == 0:
        return x
    ndim = x.type.ndim
    for a in axes:
        if not -ndim <= a < ndim:
            raise ValueError(
                f"Trying to specify broadcastable of non-existent dimension {a} of {x.type}"
            )
    axes = {a % ndim for a in axes}
    return specify_shape(x, [1 if i in axes else s for i, s in enumerate(x.type.shape)])


# ----------------------------------------------------------------------------
# Reshape
# ----------------------------------------------------------------------------


def _static_reshape(
    x_shape: tuple, entries: list[int | None], where: str
) -> list[int | None]:
    """Static output shape of a reshape, raising for impossible requests."""
    minus_ones = [i for i, e in enumerate(entries) if e == -1]
    if len(minus_ones) > 1:
        raise ValueError(
            f"{where}: the new shape {tuple(entries)} can only have one -1 entry"
        )
    for i, e in enumerate(entries):
        if e is not None and e < -1:
            raise ValueError(
                f"{where}: invalid negative size {e} at position {i} of the new shape"
            )
    out = list(entries)
    size = int(np.prod(x_shape)) if all(s is not None for s in x_shape) else None
    if minus_ones:
        out[minus_ones[0]] = None
    known = [e for i, e in enumerate(entries) if i not in minus_ones]
    if size is None or any(e is None for e in known):
        return out
    rest = int(np.prod(known))
    if minus_ones:
        if rest == 0 or size % rest != 0:
            raise ValueError(
                f"{where}: cannot reshape an array of shape {tuple(x_shape)} (size {size}) "
                f"into shape {tuple(entries)}"
            )
        out[minus_ones[0]] = size // rest
    elif rest != size:
        raise ValueError(
            f"{where}: cannot reshape an array of shape {tuple(x_shape)} (size {size}) "
            f"into shape {tuple(entries)} (size {rest})"
        )
    return out


class Reshape(Op):
    """Give a tensor a new shape of ``ndim`` dimensions with the same elements.

    The shape input is an integer vector; one entry may be ``-1`` (inferred
    from the number of elements).
    """

    __props__ = ("ndim",)
    view_map = {0: [0]}

    def __init__(self, ndim: int, name: None = None):
        if isinstance(ndim, (bool, np.bool_)) or not isinstance(
            ndim, (int, np.integer)
        ):
            raise TypeError(f"Reshape: ndim must be an integer, got {ndim!r}")
        if ndim < 0:
            raise ValueError("The output dimensions after reshape must be 0 or greater")
        if name is not None:
            raise ValueError("The name attribute of Reshape is not supported")
        self.ndim = int(ndim)

    def __str__(self):
        return f"Reshape{{{self.ndim}}}"

    def make_node(self, x, shp):
        x = as_tensor_variable(x)
        shp = as_tensor_variable(shp, ndim=1)
        if isinstance(shp, TensorConstant) and shp.data.size == 0:
            # An empty shape (for a 0-d result) may have come out as floats.
            shp = constant(np.zeros((0,), dtype="int64"))
        if shp.type.dtype not in integer_dtypes:
            raise TypeError(
                f"Reshape: the shape must be integers; got {shp.type.dtype} ({shp})"
            )
        length = shp.type.shape[0]
        if length is not None and length != self.ndim:
            raise ValueError(
                f"Reshape{{{self.ndim}}}: the shape has {length} entries, expected {self.ndim}"
            )
        try:
            entries = [_constant_int(e) for e in _unpack_vector(shp)]
        except (ValueError, NotImplementedError, TypeError):
            entries = [None] * self.ndim
        out_shape = _static_reshape(x.type.shape, entries, f"Reshape{{{self.ndim}}}")
        return Apply(self, [x, shp], [TensorType(x.type.dtype, tuple(out_shape))()])

    def perform(self, node, inputs, output_storage, params=None):
        x, shp = inputs
        if len(shp) != self.ndim:
            raise ValueError(
                f"Shape argument to Reshape has incorrect length: {len(shp)}, should be {self.ndim}"
            )
        try:
            output_storage[0][0] = np.reshape(x, tuple(int(s) for s in shp))
        except ValueError as e:
            raise ValueError(
                f"Reshape: cannot reshape an array of shape {x.shape} into shape {tuple(shp)}: {e}"
            ) from None

    def connection_pattern(self, node):
        return [[True], [False]]

    def grad(self, inputs, output_grads):
        x, _ = inputs
        (g,) = output_grads
        return [reshape(g, shape(x), ndim=x.type.ndim), _disconnected()]

    def R_op(self, inputs, eval_points):
        if eval_points[0] is None:
            return [None]
        return self(eval_points[0], *inputs[1:], return_list=True)

    def infer_shape(self, fgraph, node, input_shapes):
        from aesara.tensor import math as atm
        from aesara.tensor.basic import switch

        out_static = node.outputs[0].type.shape
        if all(s is not None for s in out_static):
            return [tuple(out_static)]
        if len(input_shapes[0]) == 0:
            # A 0-d input has one element: every output dimension is 1.
            return [(1,) * self.ndim]
        requ = node.inputs[1]
        try:
            entries = _unpack_vector(requ)
        except (ValueError, NotImplementedError):
            entries = [requ[i] for i in range(self.ndim)]
        if len(input_shapes[0]) > 1:
            input_size = atm.mul(*input_shapes[0])
        else:
            input_size = input_shapes[0][0]
        values = [_constant_int(e) for e in entries]
        if -1 in values:
            # The other entries cannot be -1 too (NumPy rejects that), so the
            # inferred size is the input size over their product.
            others = [e for e, v in zip(entries, values) if v != -1]
            known = [v for v in values if v is not None and v != -1]
            if len(known) == len(others):
                rest = input_size // max(int(np.prod(known)), 1)
            else:
                rest = input_size // atm.maximum(atm.mul(*others), 1)
            return [
                tuple(
                    s
                    if s is not None
                    else (rest if v == -1 else (v if v is not None else e))
                    for s, v, e in zip(out_static, values, entries)
                )
            ]
        if all(v is not None for v in values):
            return [tuple(values)]
        # Symbolic entries that may be -1 at run time: then the product of all
        # entries is minus the product of the others.
        requ_size = -atm.mul(*entries) if len(entries) > 1 else -entries[0]
        rest = input_size // atm.maximum(requ_size, 1)
        out = []
        for s, v, e in zip(out_static, values, entries):
            if s is not None:
                out.append(s)
            elif v is not None:
                out.append(v)
            elif e.owner is not None and isinstance(e.owner.op, Shape_i):
                out.append(e)  # a size is never -1
            else:
                out.append(switch(atm.eq(e, -1), rest, e))
        return [tuple(out)]


def reshape(x: Any, newshape: Any, ndim: int | None = None) -> TensorVariable:
    """Return ``x`` with shape ``newshape`` (one entry may be ``-1``).

    Parameters
    ----------
    x
        A tensor.
    newshape
        An int, a sequence of ints / 0-d integer tensors, or an integer vector.
    ndim
        Number of output dimensions; needed only when the length of a
        symbolic ``newshape`` is unknown.
    """
    if isinstance(newshape, (int, np.integer)) and not isinstance(newshape, bool):
        newshape = (newshape,)
    if ndim is None:
        newshape = as_tensor_variable(newshape)
        if newshape.type.ndim != 1:
            raise TypeError(
                "New shape in reshape must be a vector or a list/tuple of scalars. "
                f"Got {newshape} of type {newshape.type} after conversion to a vector."
            )
        try:
            ndim = get_vector_length(newshape)
        except ValueError:
            raise ValueError(
                f"The length of the provided shape ({newshape}) cannot be automatically "
                "determined, so Aesara is not able to know what the number of dimensions "
                "of the reshaped variable will be. You can provide the 'ndim' keyword "
                "argument to 'reshape' to avoid this problem."
            ) from None
    return Reshape(ndim)(x, newshape)


# ----------------------------------------------------------------------------
# Padding and unbroadcasting
# ----------------------------------------------------------------------------


def shape_padleft(t: Any, n_ones: int = 1) -> TensorVariable:
    """Add ``n_ones`` dimensions of size 1 on the left of ``t``."""
    _t = as_tensor_variable(t)
    if n_ones == 0:
        return _t
    if n_ones < 0:
        raise ValueError(f"shape_padleft: n_ones must be non-negative, got {n_ones}")
    return _t.dimshuffle(["x"] * n_ones + list(range(_t.type.ndim)))


def shape_padright(t: Any, n_ones: int = 1) -> TensorVariable:
    """Add ``n_ones`` dimensions of size 1 on the right of ``t``."""
    _t = as_tensor_variable(t)
    if n_ones == 0:
        return _t
    if n_ones < 0:
        raise ValueError(f"shape_padright: n_ones must be non-negative, got {n_ones}")
    return _t.dimshuffle(list(range(_t.type.ndim)) + ["x"] * n_ones)


def shape_padaxis(t: Any, axis: int) -> TensorVariable:
    """Insert a dimension of size 1 at position ``axis`` (negative counts from the end)."""
    _t = as_tensor_variable(t)
    ndim = _t.type.ndim + 1
    if not -ndim <= axis < ndim:
        raise IndexError(f"axis {axis} is out of bounds [-{ndim}, {ndim})")
    if axis < 0:
        axis += ndim
    pattern: list = list(range(_t.type.ndim))
    pattern.insert(axis, "x")
    return _t.dimshuffle(pattern)


class Unbroadcast(Op):
    """Forget that dimensions ``axes`` have static size 1 (their static size becomes unknown)."""

    __props__ = ("axes",)
    view_map = {0: [0]}

    def __init__(self, *axis: int):
        for a in axis:
            if isinstance(a, (bool, np.bool_)) or not isinstance(a, (int, np.integer)):
                raise TypeError(f"Unbroadcast needs integer axes. Got {a!r}")
        self.axes = tuple(sorted(int(a) for a in axis))

    def __str__(self):
        return f"Unbroadcast{{{','.join(str(a) for a in self.axes)}}}"

    def make_node(self, x):
        x = as_tensor_variable(x)
        if self.axes and (x.type.ndim <= max(self.axes) or min(self.axes) < 0):
            raise ValueError(
                f"Trying to unbroadcast non-existent dimension(s) {self.axes} of {x.type}"
            )
        new_shape = [
            None if (s == 1 and i in self.axes) else s
            for i, s in enumerate(x.type.shape)
        ]
        return Apply(self, [x], [x.type.clone(shape=new_shape)()])

    def perform(self, node, inputs, output_storage, params=None):
        output_storage[0][0] = inputs[0]

    def infer_shape(self, fgraph, node, input_shapes):
        return [tuple(input_shapes[0])]

    def grad(self, inputs, output_grads):
        (x,) = inputs
        (gz,) = output_grads
        return [
            specify_broadcastable(
                gz, *(i for i, b in enumerate(x.type.broadcastable) if b)
            )
        ]

    def R_op(self, inputs, eval_points):
        if eval_points[0] is None:
            return [None]
        return self(*eval_points, return_list=True)


def unbroadcast(x: Any, *axes: int) -> TensorVariable:
    """Return ``x`` with the static size-1 information of ``axes`` removed."""
    x = as_tensor_variable(x)
    ndim = x.type.ndim
    for a in axes:
        if not -ndim <= a < ndim:
            raise ValueError(
                f"Trying to unbroadcast non-existent dimension {a} of {x.type}"
            )
    axes_ = sorted({a % ndim for a in axes if x.type.shape[a] == 1})
    if not axes_:
        return x
    return Unbroadcast(*axes_)(x)


__all__ = [
    "Shape",
    "shape",
    "Shape_i",
    "shape_i",
    "shape_i_op",
    "shape_tuple",
    "SpecifyShape",
    "specify_shape",
    "specify_broadcastable",
    "Reshape",
    "reshape",
    "shape_padleft",
    "shape_padright",
    "shape_padaxis",
    "Unbroadcast",
    "unbroadcast",
]
