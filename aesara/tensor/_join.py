"""Joining, splitting and re-arranging tensors.

:class:`Join` (``join``/``concatenate``/``stack``/``stacklists``/
``horizontal_stack``/``vertical_stack``), :class:`Split` (``split``), :class:`Roll` (``roll``),
``tile``, ``moveaxis``, ``expand_dims`` and ``atleast_1d/2d/3d``. The public
names are re-exported by :mod:`aesara.tensor.basic`, where Aesara keeps them.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from aesara.configdefaults import config
from aesara.graph.basic import Apply, Variable
from aesara.graph.op import Op
from aesara.tensor.basic import (
    _upcast_dtypes,
    as_tensor_variable,
    cast,
    constant,
    get_scalar_constant_value,
    get_vector_length,
    make_vector,
)
from aesara.tensor.exceptions import NotScalarConstantError
from aesara.tensor.type import TensorType, discrete_dtypes, integer_dtypes
from aesara.tensor.var import TensorVariable

# ----------------------------------------------------------------------------
# Helpers shared by the array-construction modules
# ----------------------------------------------------------------------------


def const_int(v: Any) -> int | None:
    """The value of ``v`` as a Python int when known at build time, else ``None``."""
    try:
        return int(get_scalar_constant_value(v))
    except (NotScalarConstantError, TypeError, ValueError):
        return None


def is_disconnected(g: Any) -> bool:
    """Whether an output gradient is absent (disconnected or undefined)."""
    return g is None or type(getattr(g, "type", None)).__name__ in (
        "DisconnectedType",
        "NullType",
    )


def disconnected() -> Variable:
    """A fresh disconnected-gradient variable."""
    from aesara.gradient import DisconnectedType

    return DisconnectedType()()


def zero_grad_for(x: Variable) -> Variable:
    """The gradient of a discrete input: zeros of ``config.floatX``."""
    from aesara.tensor.basic import zeros_like

    return zeros_like(x, dtype=config.floatX)


def grad_as(g: Variable, x: Variable) -> Variable:
    """The gradient ``g`` in the dtype of the input ``x``.

    A complex gradient of a real input keeps its real part.
    """
    if g.type.dtype == x.type.dtype:
        return g
    if g.type.dtype.startswith("complex") and not x.type.dtype.startswith("complex"):
        g = _math().real(g)
    return cast(g, x.type.dtype)


def as_int_scalar(x: Any, what: str) -> TensorVariable:
    """``x`` as a 0-d integer tensor (``TypeError`` naming ``what`` otherwise)."""
    if isinstance(x, (bool, np.bool_)):
        raise TypeError(f"{what} must be an integer scalar, got {x!r}")
    try:
        v = as_tensor_variable(x)
    except (TypeError, ValueError) as e:
        raise TypeError(f"{what} must be an integer scalar, got {x!r}") from e
    if v.type.ndim != 0 or v.type.dtype not in integer_dtypes:
        raise TypeError(f"{what} must be an integer scalar, got {v} of type {v.type}")
    return v


def normalize_axis_arg(axis: Any, ndim: int, what: str = "axis") -> int:
    """Normalize a Python int axis (NumPy's ``AxisError`` when out of range)."""
    if isinstance(axis, (bool, np.bool_)) or not isinstance(axis, (int, np.integer)):
        raise TypeError(f"{what} must be an integer, got {axis!r}")
    axis = int(axis)
    if not -ndim <= axis < ndim:
        raise np.exceptions.AxisError(
            f"{what} {axis} is out of bounds for a tensor of {ndim} dimension(s)"
        )
    return axis % ndim


def _math():
    import aesara.tensor.math as atm

    return atm


# ----------------------------------------------------------------------------
# Join
# ----------------------------------------------------------------------------


class Join(Op):
    """Concatenate tensors along an axis: ``Join()(axis, *tensors)``.

    All tensors must have the same number of dimensions (at least one) and
    agree in size on every dimension but ``axis``. The output dtype is the
    upcast of the inputs' dtypes.

    Parameters
    ----------
    view
        Index of an input the output may be a view of (when all other inputs
        are empty along the axis); ``-1`` for none. Only the value semantics
        matter here: the Python implementation always returns a new array.
    """

    __props__ = ("view",)

    def __init__(self, view: int = -1):
        self.view = view

    def make_node(self, axis, *tensors):
        if not tensors:
            raise ValueError("Join needs at least one tensor to join")
        axis = as_int_scalar(axis, "Join: axis")
        tensors = [as_tensor_variable(t) for t in tensors]
        ndim = tensors[0].type.ndim
        for i, t in enumerate(tensors):
            if t.type.ndim == 0:
                raise TypeError(
                    f"Join: zero-dimensional tensors cannot be concatenated (input {i})"
                )
            if t.type.ndim != ndim:
                raise TypeError(
                    "Join: all tensors must have the same number of dimensions; "
                    f"input 0 has {ndim}, input {i} has {t.type.ndim} ({t.type})"
                )
        dtype = _upcast_dtypes(*[t.type.dtype for t in tensors])
        static_axis = const_int(axis)
        if static_axis is not None:
            static_axis = normalize_axis_arg(static_axis, ndim, "Join: axis")
            out_shape = []
            for d in range(ndim):
                sizes = [t.type.shape[d] for t in tensors]
                if d == static_axis:
                    out_shape.append(
                        None if any(s is None for s in sizes) else int(sum(sizes))
                    )
                    continue
                known = {s for s in sizes if s is not None}
                if len(known) > 1:
                    raise ValueError(
                        f"Join: tensors disagree in size on dimension {d} (joining along "
                        f"axis {static_axis}): static shapes "
                        f"{[t.type.shape for t in tensors]}"
                    )
                out_shape.append(known.pop() if known else None)
        else:
            out_shape = [None] * ndim
        out = TensorType(dtype, tuple(out_shape))()
        return Apply(self, [axis, *tensors], [out])

    def perform(self, node, inputs, output_storage, params=None):
        axis, *tensors = inputs
        dtype = node.outputs[0].type.dtype
        try:
            out = np.concatenate(tensors, axis=int(axis))
        except ValueError as e:
            raise ValueError(
                f"Join: cannot join arrays of shapes {[t.shape for t in tensors]} "
                f"along axis {int(axis)}: {e}"
            ) from None
        output_storage[0][0] = np.asarray(out, dtype=dtype)

    def infer_shape(self, fgraph, node, input_shapes):
        from aesara.tensor.basic import switch

        atm = _math()
        axis = node.inputs[0]
        shapes = input_shapes[1:]
        ndim = len(shapes[0])
        static_axis = const_int(axis)
        out = []
        for d in range(ndim):
            if static_axis is not None:
                if d == static_axis % ndim:
                    out.append(atm.add(*[s[d] for s in shapes]))
                else:
                    out.append(shapes[0][d])
                continue
            summed = atm.add(*[s[d] for s in shapes])
            is_axis = atm.or_(atm.eq(axis, d), atm.eq(axis, d - ndim))
            out.append(switch(is_axis, summed, shapes[0][d]))
        return [tuple(out)]

    def connection_pattern(self, node):
        return [[False]] + [[True] for _ in node.inputs[1:]]

    def L_op(self, inputs, outputs, output_grads):
        from aesara.tensor.shape import shape_i

        axis, *tensors = inputs
        (gz,) = output_grads
        ndim = tensors[0].type.ndim
        static_axis = const_int(axis)
        if static_axis is not None:
            sizes = [shape_i(t, static_axis % ndim) for t in tensors]
        else:
            from aesara.tensor.shape import shape

            sizes = [shape(t)[axis] for t in tensors]
        if len(tensors) == 1:
            parts = [gz]
        else:
            parts = Split(len(tensors))(gz, axis, make_vector(*sizes), return_list=True)
        grads = [disconnected()]
        for t, p in zip(tensors, parts):
            if t.type.dtype in discrete_dtypes:
                grads.append(zero_grad_for(t))
            else:
                grads.append(grad_as(p, t))
        return grads

    def R_op(self, inputs, eval_points):
        if any(e is None for e in eval_points[1:]):
            return [None]
        return self.make_node(inputs[0], *eval_points[1:]).outputs

    def __str__(self):
        return "Join" if self.view == -1 else f"Join{{view={self.view}}}"


join_ = Join()


def join(axis: Any, *tensors_list: Any) -> TensorVariable:
    """Concatenate ``tensors_list`` along ``axis`` (like ``numpy.concatenate``).

    A single tensor is returned unchanged.

    Parameters
    ----------
    axis
        The axis (an int, or a symbolic integer scalar).
    *tensors_list
        Tensors of equal rank agreeing on every other dimension.
    """
    if len(tensors_list) == 1:
        return as_tensor_variable(tensors_list[0])
    return join_(axis, *tensors_list)


def concatenate(tensor_list: Sequence[Any], axis: int = 0) -> TensorVariable:
    """Concatenate a list of tensors along ``axis`` (``numpy.concatenate``)."""
    if not isinstance(tensor_list, (list, tuple)):
        raise TypeError(
            "concatenate takes a list or tuple of tensors as its first argument; got "
            f"{type(tensor_list).__name__}. Use concatenate([a, b], axis) rather than "
            "concatenate(a, b)."
        )
    if len(tensor_list) == 0:
        raise ValueError("concatenate needs at least one tensor")
    return join(axis, *tensor_list)


def stack(tensors: Sequence[Any] = (), *more: Any, axis: int = 0) -> TensorVariable:
    """Stack tensors of equal shape along a new axis (``numpy.stack``).

    Parameters
    ----------
    tensors
        A list or tuple of tensors of the same rank and shape. (For
        compatibility, tensors may also be passed as separate arguments.)
    axis
        Position of the new axis in the result, in ``[-(ndim + 1), ndim]``.
    """
    if more or not isinstance(tensors, (list, tuple)):
        tensors = [tensors, *more]
    if len(tensors) == 0:
        raise ValueError("stack needs at least one tensor to stack")
    tensors = [as_tensor_variable(t) for t in tensors]
    ranks = {t.type.ndim for t in tensors}
    if len(ranks) > 1:
        raise ValueError(
            "stack: all input tensors must have the same number of dimensions; got "
            f"types {[str(t.type) for t in tensors]}"
        )
    ndim = ranks.pop()
    if isinstance(axis, (bool, np.bool_)) or not isinstance(axis, (int, np.integer)):
        raise TypeError(f"stack: axis must be an integer, got {axis!r}")
    if not -(ndim + 1) <= axis <= ndim:
        raise np.exceptions.AxisError(
            f"stack: axis {axis} is out of bounds for the {ndim + 1} dimension(s) of the result"
        )
    axis = int(axis) % (ndim + 1)
    if ndim == 0:
        dtype = _upcast_dtypes(*[t.type.dtype for t in tensors])
        from aesara.tensor.basic import MakeVector

        return MakeVector(dtype)(*tensors)
    from aesara.tensor.shape import shape_padaxis

    return join(axis, *[shape_padaxis(t, axis) for t in tensors])


def stacklists(arg: Any) -> Any:
    """Stack nested lists of tensors into one tensor of the same nesting.

    ``stacklists([[a, b], [c, d]])`` has shape ``(2, 2) + a.shape``.

    Parameters
    ----------
    arg
        A tensor, or a (nested) list/tuple of tensors of equal shapes.
    """
    if isinstance(arg, (list, tuple)):
        return stack([stacklists(a) for a in arg])
    return arg


def horizontal_stack(*args: Any) -> TensorVariable:
    """Stack tensors column-wise (``numpy.hstack``): along axis 0 for vectors, else 1."""
    if len(args) == 1 and isinstance(args[0], (list, tuple)):
        args = tuple(args[0])
    if not args:
        raise ValueError("horizontal_stack needs at least one tensor")
    tensors = [as_tensor_variable(a) for a in args]
    if all(t.type.ndim == 1 for t in tensors):
        return concatenate(tensors, axis=0)
    tensors = atleast_1d(*tensors, left=True)
    if not isinstance(tensors, list):
        tensors = [tensors]
    return concatenate(tensors, axis=1)


def vertical_stack(*args: Any) -> TensorVariable:
    """Stack tensors row-wise (``numpy.vstack``): vectors become rows first."""
    if len(args) == 1 and isinstance(args[0], (list, tuple)):
        args = tuple(args[0])
    if not args:
        raise ValueError("vertical_stack needs at least one tensor")
    tensors = atleast_2d(*args)
    if not isinstance(tensors, list):
        tensors = [tensors]
    return concatenate(tensors, axis=0)


# ----------------------------------------------------------------------------
# Split
# ----------------------------------------------------------------------------


class Split(Op):
    """Split a tensor into ``len_splits`` pieces along an axis.

    ``Split(n)(x, axis, splits)``: ``splits`` is an integer vector of ``n``
    non-negative sizes adding up to ``x.shape[axis]``. The outputs are views
    of ``x``.
    """

    __props__ = ("len_splits",)

    def __init__(self, len_splits: int):
        if int(len_splits) < 1:
            raise ValueError(f"Split: len_splits must be at least 1, got {len_splits}")
        self.len_splits = int(len_splits)
        self.view_map = {i: [0] for i in range(self.len_splits)}

    def make_node(self, x, axis, splits):
        x = as_tensor_variable(x)
        if x.type.ndim == 0:
            raise TypeError("Split: cannot split a zero-dimensional tensor")
        axis = as_int_scalar(axis, "Split: axis")
        splits = as_tensor_variable(splits)
        if splits.type.ndim != 1 or splits.type.dtype not in integer_dtypes:
            raise TypeError(
                f"Split: splits must be an integer vector, got {splits} of type {splits.type}"
            )
        try:
            n = get_vector_length(splits)
        except ValueError:
            n = None
        if n is not None and n != self.len_splits:
            raise ValueError(f"Split: expected {self.len_splits} split sizes, got {n}")
        static_axis = const_int(axis)
        sizes: list[int | None] = [None] * self.len_splits
        if static_axis is not None:
            static_axis = normalize_axis_arg(static_axis, x.type.ndim, "Split: axis")
            from aesara.tensor.basic import _unpack_vector

            try:
                entries = _unpack_vector(splits)
                sizes = [const_int(e) for e in entries]
            except (ValueError, NotImplementedError, TypeError, ImportError):
                pass
            known = [s for s in sizes if s is not None]
            if any(s < 0 for s in known):
                raise ValueError(
                    f"Split: split sizes must be non-negative, got {sizes}"
                )
            total = x.type.shape[static_axis]
            if None not in sizes and total is not None and sum(sizes) != total:
                raise ValueError(
                    f"Split: the split sizes {sizes} add up to {sum(sizes)}, but axis "
                    f"{static_axis} of the input has size {total}"
                )
        outs = []
        for i in range(self.len_splits):
            shp = list(x.type.shape)
            if static_axis is None:
                shp = [None] * x.type.ndim
            else:
                shp[static_axis] = sizes[i]
            outs.append(TensorType(x.type.dtype, tuple(shp))())
        return Apply(self, [x, axis, splits], outs)

    def perform(self, node, inputs, output_storage, params=None):
        x, axis, splits = inputs
        axis = int(axis)
        if not -x.ndim <= axis < x.ndim:
            raise np.exceptions.AxisError(
                f"Split: axis {axis} is out of bounds for an array of {x.ndim} dimension(s)"
            )
        if len(splits) != self.len_splits:
            raise ValueError(
                f"Split: expected {self.len_splits} split sizes, got {len(splits)}"
            )
        if np.any(splits < 0):
            raise ValueError(f"Split: split sizes must be non-negative, got {splits}")
        if np.sum(splits) != x.shape[axis]:
            raise ValueError(
                f"Split: the split sizes {list(splits)} add up to {int(np.sum(splits))}, "
                f"but axis {axis} of the input has size {x.shape[axis]}"
            )
        bounds = np.cumsum(splits)[:-1]
        for cell, piece in zip(output_storage, np.split(x, bounds, axis=axis)):
            cell[0] = piece

    def infer_shape(self, fgraph, node, input_shapes):
        from aesara.tensor.basic import _unpack_vector, switch

        atm = _math()
        x, axis, splits = node.inputs
        ndim = x.type.ndim
        entries = _unpack_vector(splits)
        static_axis = const_int(axis)
        out = []
        for e in entries:
            shp = []
            for d in range(ndim):
                if static_axis is not None:
                    shp.append(e if d == static_axis % ndim else input_shapes[0][d])
                else:
                    is_axis = atm.or_(atm.eq(axis, d), atm.eq(axis, d - ndim))
                    shp.append(switch(is_axis, e, input_shapes[0][d]))
            out.append(tuple(shp))
        return out

    def connection_pattern(self, node):
        n = self.len_splits
        return [[True] * n, [False] * n, [False] * n]

    def L_op(self, inputs, outputs, output_grads):
        from aesara.tensor.basic import zeros_like

        x, axis, splits = inputs
        if x.type.dtype in discrete_dtypes:
            return [zero_grad_for(x), disconnected(), disconnected()]
        parts = [
            zeros_like(o) if is_disconnected(g) else g
            for o, g in zip(outputs, output_grads)
        ]
        return [join(axis, *parts), disconnected(), disconnected()]

    def R_op(self, inputs, eval_points):
        if eval_points[0] is None:
            return [None] * self.len_splits
        return self.make_node(eval_points[0], *inputs[1:]).outputs


def split(
    x: Any, splits_size: Any, n_splits: int, axis: Any = 0
) -> list[TensorVariable]:
    """Split ``x`` along ``axis`` into ``n_splits`` pieces of sizes ``splits_size``.

    Parameters
    ----------
    x
        The tensor to split.
    splits_size
        Sizes of the pieces (a sequence or an integer vector), adding up to
        ``x.shape[axis]``.
    n_splits
        The number of pieces (the length of ``splits_size``).
    axis
        The axis to split along.
    """
    return Split(n_splits)(x, axis, splits_size, return_list=True)


# ----------------------------------------------------------------------------
# Roll
# ----------------------------------------------------------------------------


class Roll(Op):
    """Shift elements cyclically along ``axes``: ``Roll(axes)(x, shifts)``.

    ``shifts`` is an integer vector with one shift per axis.
    """

    __props__ = ("axes",)

    def __init__(self, axes: Sequence[int]):
        self.axes = tuple(int(a) for a in axes)

    def make_node(self, x, shifts):
        x = as_tensor_variable(x)
        shifts = as_tensor_variable(shifts)
        if shifts.type.ndim != 1 or shifts.type.dtype not in integer_dtypes:
            raise TypeError(
                f"Roll: shifts must be an integer vector, got {shifts} of type {shifts.type}"
            )
        for a in self.axes:
            normalize_axis_arg(a, x.type.ndim, "roll: axis")
        return Apply(self, [x, shifts], [x.type()])

    def perform(self, node, inputs, output_storage, params=None):
        x, shifts = inputs
        if len(shifts) != len(self.axes):
            raise ValueError(
                f"Roll: got {len(shifts)} shifts for {len(self.axes)} axes"
            )
        output_storage[0][0] = np.roll(x, tuple(int(s) for s in shifts), self.axes)

    def infer_shape(self, fgraph, node, input_shapes):
        return [input_shapes[0]]

    def connection_pattern(self, node):
        return [[True], [False]]

    def L_op(self, inputs, outputs, output_grads):
        x, shifts = inputs
        if x.type.dtype in discrete_dtypes:
            return [zero_grad_for(x), disconnected()]
        return [self(output_grads[0], -shifts), disconnected()]

    def R_op(self, inputs, eval_points):
        if eval_points[0] is None:
            return [None]
        return [self(eval_points[0], inputs[1])]


def roll(x: Any, shift: Any, axis: Any = None) -> TensorVariable:
    """Roll the elements of ``x`` along ``axis`` (``numpy.roll``).

    Parameters
    ----------
    x
        The tensor.
    shift
        Number of places to shift by (an int, a symbolic integer scalar, or a
        sequence of them, one per axis).
    axis
        An axis, a sequence of axes, or ``None`` to roll the flattened tensor
        and restore its shape.
    """
    from aesara.tensor.shape import reshape, shape

    x = as_tensor_variable(x)
    if axis is None:
        if isinstance(shift, (list, tuple)):
            raise ValueError("roll: a sequence of shifts needs a sequence of axes")
        flat = reshape(x, (-1,))
        return reshape(roll(flat, shift, 0), shape(x), ndim=x.type.ndim)
    axes = list(axis) if isinstance(axis, (list, tuple)) else [axis]
    shifts = list(shift) if isinstance(shift, (list, tuple)) else [shift]
    if len(shifts) == 1 and len(axes) > 1:
        shifts = shifts * len(axes)
    if len(axes) == 1 and len(shifts) > 1:
        axes = axes * len(shifts)
    if len(shifts) != len(axes):
        raise ValueError(
            f"roll: shift and axis must have the same length, got {len(shifts)} and {len(axes)}"
        )
    axes = [normalize_axis_arg(a, x.type.ndim, "roll: axis") for a in axes]
    shifts = [cast(as_int_scalar(s, "roll: shift"), "int64") for s in shifts]
    return Roll(axes)(x, stack(shifts))


# ----------------------------------------------------------------------------
# tile
# ----------------------------------------------------------------------------


def tile(x: Any, reps: Any, ndim: int | None = None) -> TensorVariable:
    """Repeat ``x`` ``reps[i]`` times along each dimension (``numpy.tile``).

    Parameters
    ----------
    x
        The tensor to tile.
    reps
        An int, a sequence of ints / integer scalars, or an integer vector
        of known length.
    ndim
        Number of dimensions of the result (at least ``max(x.ndim, len(reps))``).
    """
    from aesara.tensor.basic import alloc
    from aesara.tensor.shape import reshape, shape_i, shape_padleft

    x = as_tensor_variable(x)
    if isinstance(reps, Variable):
        reps = as_tensor_variable(reps)
        if reps.type.ndim == 0:
            reps = [reps]
        else:
            if reps.type.ndim != 1 or reps.type.dtype not in integer_dtypes:
                raise TypeError(
                    f"tile: reps must be an integer vector, got {reps.type}"
                )
            from aesara.tensor.basic import _unpack_vector

            try:
                reps = _unpack_vector(reps)
            except ValueError:
                raise ValueError(
                    "tile: the number of repetitions must be known when the graph is "
                    "built; pass reps as a list or a vector of known length"
                ) from None
    elif not isinstance(reps, (list, tuple, np.ndarray)):
        reps = [reps]
    reps = [as_int_scalar(r, "tile: reps entry") for r in list(reps)]
    for r in reps:
        rv = const_int(r)
        if rv is not None and rv < 0:
            raise ValueError(f"tile: repetitions must be non-negative, got {rv}")
    d = builtins_max(x.type.ndim, len(reps))
    if ndim is not None:
        if ndim < d:
            raise ValueError(
                f"tile: ndim={ndim} is less than the {d} dimensions the result needs"
            )
        d = ndim
    reps = [constant(1, dtype="int64")] * (d - len(reps)) + reps
    x = shape_padleft(x, d - x.type.ndim)
    if all(const_int(r) == 1 for r in reps):
        return x
    pattern: list = []
    for i in range(d):
        pattern += ["x", i]
    expanded = x.dimshuffle(pattern)
    alloc_shape = []
    out_shape = []
    atm = _math()
    for i in range(d):
        size = shape_i(x, i)
        r = cast(reps[i], "int64")
        alloc_shape += [r, size]
        rv, sv = const_int(r), x.type.shape[i]
        out_shape.append(
            constant(rv * sv, dtype="int64")
            if rv is not None and sv is not None
            else atm.mul(r, size)
        )
    return reshape(alloc(expanded, *alloc_shape), out_shape, ndim=d)


builtins_max = max


# ----------------------------------------------------------------------------
# Axis shuffles
# ----------------------------------------------------------------------------


def _axes_list(axis: Any, ndim: int, what: str) -> list[int]:
    axes = list(axis) if isinstance(axis, (list, tuple)) else [axis]
    out = [normalize_axis_arg(a, ndim, what) for a in axes]
    if len(set(out)) != len(out):
        raise ValueError(f"{what}: repeated axis in {tuple(axes)}")
    return out


def moveaxis(a: Any, source: Any, destination: Any) -> TensorVariable:
    """Move axes of ``a`` to new positions (``numpy.moveaxis``)."""
    a = as_tensor_variable(a)
    ndim = a.type.ndim
    src = _axes_list(source, ndim, "moveaxis: source")
    dst = _axes_list(destination, ndim, "moveaxis: destination")
    if len(src) != len(dst):
        raise ValueError(
            "moveaxis: source and destination must have the same number of elements"
        )
    order = [n for n in range(ndim) if n not in src]
    for d, s in sorted(zip(dst, src)):
        order.insert(d, s)
    return a.dimshuffle(order)


def expand_dims(a: Any, axis: Any) -> TensorVariable:
    """Insert dimensions of size 1 at positions ``axis`` (``numpy.expand_dims``)."""
    a = as_tensor_variable(a)
    axes = list(axis) if isinstance(axis, (list, tuple)) else [axis]
    out_ndim = a.type.ndim + len(axes)
    new = _axes_list(axes, out_ndim, "expand_dims: axis")
    pattern: list = []
    src = iter(range(a.type.ndim))
    for d in range(out_ndim):
        pattern.append("x" if d in new else next(src))
    return a.dimshuffle(pattern)


def atleast_Nd(arry: Any, *, n: int = 1, left: bool = True) -> TensorVariable:
    """Pad ``arry`` with dimensions of size 1 until it has at least ``n``.

    Parameters
    ----------
    arry
        The tensor.
    n
        Minimum number of dimensions.
    left
        Add the new dimensions on the left (default) or on the right.
    """
    from aesara.tensor.shape import shape_padleft, shape_padright

    arry = as_tensor_variable(arry)
    missing = n - arry.type.ndim
    if missing <= 0:
        return arry
    return shape_padleft(arry, missing) if left else shape_padright(arry, missing)


def _atleast(n: int, arys: tuple, left: bool):
    res = [atleast_Nd(a, n=n, left=left) for a in arys]
    return res[0] if len(res) == 1 else res


def atleast_1d(*arys: Any, left: bool = True):
    """Each input with at least one dimension (a list when several are given)."""
    return _atleast(1, arys, left)


def atleast_2d(*arys: Any, left: bool = True):
    """Each input with at least two dimensions, padded on the left by default."""
    return _atleast(2, arys, left)


def atleast_3d(*arys: Any, left: bool = True):
    """Each input with at least three dimensions, padded on the left by default.

    Note that NumPy's ``atleast_3d`` puts a vector in the middle dimension;
    like Aesara, this pads only on one side (chosen by ``left``).
    """
    return _atleast(3, arys, left)


__all__ = [
    "Join",
    "join",
    "concatenate",
    "stack",
    "stacklists",
    "horizontal_stack",
    "vertical_stack",
    "Split",
    "split",
    "Roll",
    "roll",
    "tile",
    "moveaxis",
    "expand_dims",
    "atleast_Nd",
    "atleast_1d",
    "atleast_2d",
    "atleast_3d",
]
