"""Advanced (NumPy "fancy") indexing: integer arrays and boolean masks.

Re-exported by :mod:`aesara.tensor.subtensor`, which is the public module.

* :class:`AdvancedSubtensor1` / :class:`AdvancedIncSubtensor1`: one integer
  vector indexing the first dimension (``x[ivec]``), the common case.
* :class:`AdvancedSubtensor` / :class:`AdvancedIncSubtensor`: any mixture of
  integer arrays, boolean masks, slices and ``None`` with NumPy's semantics,
  including moving the broadcast advanced dimensions to the front when
  advanced indices are separated by a basic one.

Increments accumulate over repeated indices (like ``np.add.at``); sets keep
NumPy's semantics (the last write wins).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from aesara.configdefaults import config
from aesara.graph.basic import Apply, Constant, Variable
from aesara.graph.op import Op
from aesara.tensor.basic import as_tensor_variable, cast
from aesara.tensor.subtensor import (
    _check_value_broadcasts,
    _check_value_dtype,
    _const_int,
    _disconnected,
    _int64,
    _literal_slice,
    _slice_parts,
    _static_slice_len,
    _sum_grad_over_bcasted_dims,
    slice_len,
)
from aesara.tensor.type import TensorType, discrete_dtypes, integer_dtypes
from aesara.tensor.type_other import (
    NoneConst,
    NoneTypeT,
    SliceConstant,
    SliceType,
    make_slice,
    slicetype,
)

# ---------------------------------------------------------------------------
# Index variables and shapes
# ---------------------------------------------------------------------------


def _literal_or_var(p: Any) -> Any:
    """A slice part as an int when constant, else as it is (``None`` stays)."""
    if p is None or isinstance(getattr(p, "type", None), NoneTypeT):
        return None
    v = _const_int(p)
    return p if v is None else v


def as_index_variable(idx: Any) -> Variable:
    """Return an index entry as a graph variable.

    ``None`` gives ``NoneConst``, a slice a slice variable, anything else a
    tensor (which must hold integers or booleans).
    """
    if idx is None or idx is np.newaxis:
        return NoneConst
    if isinstance(idx, slice):
        parts = [_literal_or_var(p) for p in (idx.start, idx.stop, idx.step)]
        if all(p is None or isinstance(p, int) for p in parts):
            return SliceConstant(slicetype, slice(*parts))
        return make_slice(*parts)
    if isinstance(idx, Variable) and isinstance(idx.type, (SliceType, NoneTypeT)):
        return idx
    if isinstance(idx, (bool, np.bool_)):
        raise TypeError(
            "Python bools cannot be used as indices; use a NumPy boolean array as a mask"
        )
    v = as_tensor_variable(idx)
    if v.type.dtype not in integer_dtypes and v.type.dtype != "bool":
        raise TypeError(
            f"Index {idx} must be an integer array or a boolean mask, got dtype {v.type.dtype}"
        )
    return v


def _kind(v: Variable) -> str:
    t = v.type
    if isinstance(t, NoneTypeT):
        return "none"
    if isinstance(t, SliceType):
        return "slice"
    if t.dtype == "bool":
        return "bool"
    return "int"


def _broadcast_static(shapes: Sequence[tuple]) -> tuple:
    """NumPy broadcasting of static index shapes (``None``: unknown)."""
    ndim = max((len(s) for s in shapes), default=0)
    out = []
    for d in range(ndim):
        sizes = [s[d - ndim + len(s)] for s in shapes if d - ndim + len(s) >= 0]
        known = {s for s in sizes if s is not None and s != 1}
        if len(known) > 1:
            raise IndexError(
                "shape mismatch: indexing arrays could not be broadcast together with "
                f"shapes {' '.join(str(tuple(s)) for s in shapes)}"
            )
        if known:
            out.append(known.pop())
        elif any(s is None for s in sizes):
            out.append(None)
        else:
            out.append(1)
    return tuple(out)


def _broadcast_symbolic(shapes: Sequence[tuple]) -> tuple:
    """NumPy broadcasting of symbolic index shapes (ints where known)."""
    from aesara.tensor.basic import switch
    from aesara.tensor.math import eq

    ndim = max((len(s) for s in shapes), default=0)
    out = []
    for d in range(ndim):
        sizes = [s[d - ndim + len(s)] for s in shapes if d - ndim + len(s) >= 0]
        literal = [_const_int(s) for s in sizes]
        known = [v for v in literal if v is not None and v != 1]
        if known:
            out.append(known[0])
            continue
        res: Any = 1
        for s, lit in zip(sizes, literal):
            if lit == 1:
                continue
            if isinstance(res, int) and res == 1:
                res = s
            else:
                res = switch(eq(_int64(res), 1), _int64(s), _int64(res))
        out.append(res)
    return tuple(out)


def _result_shape(
    x_shape: Sequence[Any],
    entries: Sequence[tuple],
    broadcast,
    slice_size,
) -> tuple:
    """The shape of ``x[index]`` under NumPy's rules.

    ``entries`` are ``("none",)``, ``("slice", s)``, ``("int", shape)`` or
    ``("bool", ndim, count)``; ``broadcast`` combines the advanced shapes and
    ``slice_size(s, n)`` gives a slice's length.
    """
    before: list = []
    after: list = []
    adv: list = []
    separated = False
    dim = 0
    for e in entries:
        kind = e[0]
        if kind in ("int", "bool"):
            if adv and after:
                separated = True
            adv.append(tuple(e[1]) if kind == "int" else (e[2],))
            dim += 1 if kind == "int" else e[1]
            continue
        if kind == "none":
            piece = 1
        else:
            piece = slice_size(e[1], x_shape[dim])
            dim += 1
        (after if adv else before).append(piece)
    rest = list(x_shape[dim:])
    if not adv:
        return tuple(before + rest)
    adv_shape = list(broadcast(adv))
    if separated:
        return tuple(adv_shape + before + after + rest)
    return tuple(before + adv_shape + after + rest)


def _static_entries(index: Sequence[Variable]) -> list[tuple]:
    entries = []
    for v in index:
        k = _kind(v)
        if k == "none":
            entries.append(("none",))
        elif k == "slice":
            lit = None
            if isinstance(v, Constant):
                lit = v.data
            elif v.owner is not None:
                lit = _literal_slice(_slice_parts(v))
            entries.append(("slice", lit))
        elif k == "int":
            entries.append(("int", v.type.shape))
        else:
            count = None
            if isinstance(v, Constant):
                count = int(np.count_nonzero(v.data))
            entries.append(("bool", v.type.ndim, count))
    return entries


def _static_slice_size(lit: slice | None, n: int | None) -> int | None:
    """Static length of a slice (``None`` when its parts or the size are unknown)."""
    if lit is None or n is None:
        return None
    return _static_slice_len(lit, n)


def _check_index(x: Variable, index: Sequence[Variable], what: str) -> None:
    """Validate the number of indexed dimensions and boolean mask shapes."""
    consumed = 0
    for v in index:
        k = _kind(v)
        if k == "bool":
            for j, s in enumerate(v.type.shape):
                d = consumed + j
                if d < x.type.ndim:
                    n = x.type.shape[d]
                    # NumPy accepts an empty mask anywhere (it selects nothing).
                    if s is not None and n is not None and s != n and s != 0:
                        raise IndexError(
                            f"{what}: boolean index did not match indexed tensor along "
                            f"dimension {d}; dimension is {n} but corresponding boolean "
                            f"dimension is {s}"
                        )
            consumed += v.type.ndim
        elif k != "none":
            consumed += 1
    if consumed > x.type.ndim:
        raise IndexError(
            f"too many indices for tensor: {x.type} is {x.type.ndim}-dimensional, but "
            f"{consumed} were indexed"
        )


def _advanced_static_shape(x: Variable, index: Sequence[Variable]) -> tuple:
    shape = _result_shape(
        x.type.shape, _static_entries(index), _broadcast_static, _static_slice_size
    )
    return shape


def indexed_result_shape(
    array_shape: Sequence[Any], indices: Sequence[Any], indices_are_shapes: bool = False
) -> tuple:
    """The symbolic shape of ``array[indices]`` (NumPy basic and advanced rules).

    Parameters
    ----------
    array_shape
        The shape of the indexed array (ints or symbolic scalars).
    indices
        The index entries: ``None``/``NoneConst``, slices (or slice
        variables), integer arrays and boolean masks (tensor variables).
        With ``indices_are_shapes``, integer arrays are given by their shapes
        (tuples) instead.
    """
    from aesara.tensor.math import sum as at_sum

    entries = []
    for v in indices:
        if v is None or isinstance(getattr(v, "type", None), NoneTypeT):
            entries.append(("none",))
        elif isinstance(v, slice):
            entries.append(("slice", v))
        elif isinstance(getattr(v, "type", None), SliceType):
            entries.append(("slice", _slice_parts(v)))
        elif indices_are_shapes and isinstance(v, tuple):
            entries.append(("int", v))
        else:
            v = as_tensor_variable(v)
            if v.type.dtype == "bool":
                entries.append(("bool", v.type.ndim, _int64(at_sum(v))))
            else:
                shp = tuple(
                    s if s is not None else v.shape[d]
                    for d, s in enumerate(v.type.shape)
                )
                entries.append(("int", shp))
    return _result_shape(array_shape, entries, _broadcast_symbolic, slice_len)


def _index_values(index_values: Sequence[Any]) -> tuple:
    return tuple(int(v) if isinstance(v, np.integer) else v for v in index_values)


def _advanced_index_error(exc: Exception, x: np.ndarray, what: str) -> IndexError:
    return IndexError(f"{what}: {exc} (indexed array of shape {x.shape})")


# ---------------------------------------------------------------------------
# AdvancedSubtensor1 / AdvancedIncSubtensor1
# ---------------------------------------------------------------------------


def _as_int_vector(ilist: Any, what: str) -> Variable:
    ilist = as_tensor_variable(ilist)
    if ilist.type.dtype not in integer_dtypes:
        raise TypeError(f"{what}: index must be integers, got dtype {ilist.type.dtype}")
    if ilist.type.ndim != 1:
        raise TypeError(
            f"{what}: index must be a vector (1-d), got a {ilist.type.ndim}-d tensor"
        )
    return ilist


class AdvancedSubtensor1(Op):
    """``x[ilist]`` for an integer vector ``ilist`` indexing the first dimension."""

    __props__ = ("sparse_grad",)

    def __init__(self, sparse_grad: bool = False):
        self.sparse_grad = bool(sparse_grad)

    def __str__(self):
        return "AdvancedSubtensor1"

    def make_node(self, x, ilist):
        x = as_tensor_variable(x)
        ilist = _as_int_vector(ilist, "AdvancedSubtensor1")
        if x.type.ndim == 0:
            raise TypeError("AdvancedSubtensor1: cannot index into a 0-d tensor")
        out = TensorType(x.type.dtype, (ilist.type.shape[0], *x.type.shape[1:]))()
        return Apply(self, [x, ilist], [out])

    def perform(self, node, inputs, output_storage, params=None):
        x, i = inputs
        try:
            output_storage[0][0] = np.take(x, i, axis=0)
        except IndexError as e:
            raise _advanced_index_error(e, x, "AdvancedSubtensor1") from None

    def infer_shape(self, fgraph, node, input_shapes):
        x, ilist = input_shapes
        return [(ilist[0], *x[1:])]

    def connection_pattern(self, node):
        return [[True], [False]]

    def L_op(self, inputs, outputs, output_grads):
        from aesara.tensor.basic import zeros_like

        x, ilist = inputs
        (gz,) = output_grads
        if self.sparse_grad:
            if x.type.ndim != 2:
                raise TypeError(
                    "AdvancedSubtensor1: you can't take the sparse grad from a tensor "
                    f"with ndim != 2. ndim is {x.type.ndim}"
                )
        if x.type.dtype in discrete_dtypes:
            gx = zeros_like(x, dtype=config.floatX)
        elif self.sparse_grad:
            # Imported here: aesara.sparse loads scipy.sparse.
            from aesara.sparse.construct import construct_sparse_from_list

            gx = construct_sparse_from_list(x, gz, ilist)
        else:
            gx = advanced_inc_subtensor1(zeros_like(x), gz, ilist)
        return [gx, _disconnected()]

    def R_op(self, inputs, eval_points):
        if eval_points[0] is None:
            return [None]
        return self(eval_points[0], *inputs[1:], return_list=True)


advanced_subtensor1 = AdvancedSubtensor1()


class AdvancedIncSubtensor1(Op):
    """``x`` with ``x[ilist]`` incremented by (or set to) ``y``; ``ilist`` an integer vector.

    Repeated indices accumulate their increments (like ``np.add.at``); when
    setting, the last value wins.
    """

    __props__ = ("inplace", "set_instead_of_inc")
    check_input = False

    def __init__(self, inplace: bool = False, set_instead_of_inc: bool = False):
        self.inplace = bool(inplace)
        self.set_instead_of_inc = bool(set_instead_of_inc)
        if self.inplace:
            self.destroy_map = {0: [0]}

    def clone_inplace(self) -> AdvancedIncSubtensor1:
        return type(self)(inplace=True, set_instead_of_inc=self.set_instead_of_inc)

    def __str__(self):
        return (
            "Advanced" + ("Set" if self.set_instead_of_inc else "Inc") + "Subtensor1"
        ) + ("{inplace}" if self.inplace else "{no_inplace}")

    def make_node(self, x, y, ilist):
        x = as_tensor_variable(x)
        y = as_tensor_variable(y)
        ilist = _as_int_vector(ilist, str(self))
        if x.type.ndim == 0:
            raise TypeError(f"{self}: cannot index into a 0-d tensor")
        if y.type.ndim > x.type.ndim:
            raise TypeError(
                f"{self}: cannot put a {y.type.ndim}-dimensional value into a "
                f"{x.type.ndim}-dimensional tensor"
            )
        region = (ilist.type.shape[0], *x.type.shape[1:])
        _check_value_broadcasts(region, y, str(self))
        _check_value_dtype(x, y, str(self))
        return Apply(self, [x, y, ilist], [x.type()])

    def perform(self, node, inputs, output_storage, params=None):
        x, y, i = inputs
        if not (self.inplace and x.flags.writeable):
            x = x.copy()  # read-only x: updated in a copy
        try:
            if self.set_instead_of_inc:
                x[i] = y
            else:
                np.add.at(x, i, y)
        except IndexError as e:
            raise _advanced_index_error(e, x, str(self)) from None
        except ValueError as e:
            raise ValueError(
                f"{self}: cannot broadcast the value of shape {np.shape(y)} to the indexed "
                f"region of shape {(len(i), *x.shape[1:])} ({e})"
            ) from None
        output_storage[0][0] = x

    def infer_shape(self, fgraph, node, input_shapes):
        return [input_shapes[0]]

    def connection_pattern(self, node):
        return [[True], [True], [False]]

    def L_op(self, inputs, outputs, output_grads):
        from aesara.tensor.basic import zeros_like

        x, y, ilist = inputs
        (g,) = output_grads
        if x.type.dtype in discrete_dtypes:
            return [
                zeros_like(x, dtype=config.floatX),
                zeros_like(y, dtype=config.floatX),
                _disconnected(),
            ]
        if self.set_instead_of_inc:
            gx = advanced_set_subtensor1(
                g, as_tensor_variable(np.zeros((), dtype=g.type.dtype)), ilist
            )
        else:
            gx = g
        gy = _sum_grad_over_bcasted_dims(y, advanced_subtensor1(g, ilist))
        return [gx, gy, _disconnected()]

    def R_op(self, inputs, eval_points):
        from aesara.tensor.basic import zeros_like

        if eval_points[0] is None and eval_points[1] is None:
            return [None]
        ex = eval_points[0] if eval_points[0] is not None else zeros_like(inputs[0])
        ey = eval_points[1] if eval_points[1] is not None else zeros_like(inputs[1])
        return self(ex, ey, inputs[2], return_list=True)


advanced_inc_subtensor1 = AdvancedIncSubtensor1()
advanced_set_subtensor1 = AdvancedIncSubtensor1(set_instead_of_inc=True)


# ---------------------------------------------------------------------------
# AdvancedSubtensor / AdvancedIncSubtensor
# ---------------------------------------------------------------------------


def _has_array(index: Sequence[Variable]) -> bool:
    return any(_kind(v) in ("int", "bool") for v in index)


class AdvancedSubtensor(Op):
    """General NumPy indexing: integer arrays, boolean masks, slices and ``None``.

    The index entries are inputs: tensors (arrays, masks), slice variables
    and ``NoneConst``. The result follows NumPy, including its placement of
    the broadcast advanced dimensions.
    """

    __props__ = ()

    def make_node(self, x, *index):
        x = as_tensor_variable(x)
        index = [as_index_variable(i) for i in index]
        _check_index(x, index, "AdvancedSubtensor")
        shape = _advanced_static_shape(x, index)
        return Apply(self, [x, *index], [TensorType(x.type.dtype, shape)()])

    def perform(self, node, inputs, output_storage, params=None):
        x, *index = inputs
        idx = _index_values(index)
        try:
            out = x[idx]
        except IndexError as e:
            raise _advanced_index_error(e, x, "AdvancedSubtensor") from None
        if not _has_array(node.inputs[1:]) or np.shares_memory(out, x):
            out = out.copy()
        output_storage[0][0] = np.asarray(out)

    def infer_shape(self, fgraph, node, input_shapes):
        x, *index = node.inputs
        shape = indexed_result_shape(input_shapes[0], index)
        static = node.outputs[0].type.shape
        return [tuple(s if s is not None else v for s, v in zip(static, shape))]

    def connection_pattern(self, node):
        return [[True]] + [[False] for _ in node.inputs[1:]]

    def L_op(self, inputs, outputs, output_grads):
        from aesara.tensor.basic import zeros_like

        x, *index = inputs
        (gz,) = output_grads
        if x.type.dtype in discrete_dtypes:
            gx = zeros_like(x, dtype=config.floatX)
        else:
            gx = advanced_inc_subtensor(zeros_like(x), gz, *index)
        return [gx] + [_disconnected() for _ in index]

    def R_op(self, inputs, eval_points):
        if eval_points[0] is None:
            return [None]
        return self(eval_points[0], *inputs[1:], return_list=True)


advanced_subtensor = AdvancedSubtensor()


class AdvancedIncSubtensor(Op):
    """``x`` with ``x[index]`` incremented by (or set to) ``y``, ``index`` as for :class:`AdvancedSubtensor`.

    Parameters
    ----------
    inplace
        Whether the output overwrites ``x``.
    set_instead_of_inc
        Set instead of increment (with repeated indices the last value wins).
    ignore_duplicates
        Increment repeated indices once (NumPy's ``x[index] += y``) instead
        of accumulating (``np.add.at``).
    """

    __props__ = ("inplace", "set_instead_of_inc", "ignore_duplicates")
    check_input = False

    def __init__(
        self,
        inplace: bool = False,
        set_instead_of_inc: bool = False,
        ignore_duplicates: bool = False,
    ):
        self.inplace = bool(inplace)
        self.set_instead_of_inc = bool(set_instead_of_inc)
        self.ignore_duplicates = bool(ignore_duplicates)
        if self.inplace:
            self.destroy_map = {0: [0]}

    def __str__(self):
        return (
            "Advanced" + ("Set" if self.set_instead_of_inc else "Inc") + "Subtensor"
        ) + ("{inplace}" if self.inplace else "{no_inplace}")

    def make_node(self, x, y, *index):
        x = as_tensor_variable(x)
        y = as_tensor_variable(y)
        index = [as_index_variable(i) for i in index]
        _check_index(x, index, str(self))
        region = _advanced_static_shape(x, index)
        if y.type.ndim > len(region):
            raise TypeError(
                f"{self}: cannot put a {y.type.ndim}-dimensional value into a "
                f"{len(region)}-dimensional indexed region"
            )
        _check_value_broadcasts(region, y, str(self))
        _check_value_dtype(x, y, str(self))
        return Apply(self, [x, y, *index], [x.type()])

    def perform(self, node, inputs, output_storage, params=None):
        x, y, *index = inputs
        if not (self.inplace and x.flags.writeable):
            x = x.copy()  # read-only x: updated in a copy
        idx = _index_values(index)
        try:
            if self.set_instead_of_inc:
                x[idx] = y
            elif self.ignore_duplicates:
                x[idx] += y
            else:
                np.add.at(x, idx, y)
        except IndexError as e:
            raise _advanced_index_error(e, x, str(self)) from None
        except ValueError as e:
            raise ValueError(
                f"{self}: cannot broadcast the value of shape {np.shape(y)} to the indexed "
                f"region ({e})"
            ) from None
        output_storage[0][0] = x

    def infer_shape(self, fgraph, node, input_shapes):
        return [input_shapes[0]]

    def connection_pattern(self, node):
        return [[True], [True]] + [[False] for _ in node.inputs[2:]]

    def L_op(self, inputs, outputs, output_grads):
        from aesara.tensor.basic import zeros_like

        x, y, *index = inputs
        (g,) = output_grads
        if x.type.dtype in discrete_dtypes:
            return [
                zeros_like(x, dtype=config.floatX),
                zeros_like(y, dtype=config.floatX),
            ] + [_disconnected() for _ in index]
        if self.set_instead_of_inc:
            gx = advanced_set_subtensor(
                g, as_tensor_variable(np.zeros((), dtype=g.type.dtype)), *index
            )
        else:
            gx = g
        gy = _sum_grad_over_bcasted_dims(y, advanced_subtensor(g, *index))
        return [gx, gy] + [_disconnected() for _ in index]

    def R_op(self, inputs, eval_points):
        from aesara.tensor.basic import zeros_like

        if eval_points[0] is None and eval_points[1] is None:
            return [None]
        ex = eval_points[0] if eval_points[0] is not None else zeros_like(inputs[0])
        ey = eval_points[1] if eval_points[1] is not None else zeros_like(inputs[1])
        return self(ex, ey, *inputs[2:], return_list=True)


advanced_inc_subtensor = AdvancedIncSubtensor()
advanced_set_subtensor = AdvancedIncSubtensor(set_instead_of_inc=True)


# ---------------------------------------------------------------------------
# take
# ---------------------------------------------------------------------------


def take(
    a: Any, indices: Any, axis: int | None = None, mode: str | None = "raise"
) -> Variable:
    """Take elements of ``a`` at ``indices`` along ``axis`` (like :func:`numpy.take`).

    Parameters
    ----------
    a
        The source tensor.
    indices
        An integer tensor (any number of dimensions).
    axis
        The axis to take along; ``None`` takes from the flattened ``a``.
    mode
        ``"raise"`` (out-of-range indices are an error at run time),
        ``"wrap"`` (indices wrap around) or ``"clip"`` (clipped to the range).
        ``None`` means ``"raise"``, as in Aesara.
    """
    from aesara.tensor.math import clip

    if mode is None:
        mode = "raise"

    a = as_tensor_variable(a)
    indices = as_tensor_variable(indices)
    if indices.type.dtype not in integer_dtypes:
        raise TypeError(
            f"take: indices must be integers, got dtype {indices.type.dtype}"
        )
    if mode not in ("raise", "wrap", "clip"):
        raise ValueError(f"take: mode must be 'raise', 'wrap' or 'clip', got {mode!r}")
    if axis is None:
        a = a.flatten()
        axis = 0
    if not isinstance(axis, (int, np.integer)) or isinstance(axis, bool):
        raise TypeError(f"take: axis must be an int or None, got {axis!r}")
    axis = int(axis)
    if not -a.type.ndim <= axis < a.type.ndim:
        raise ValueError(
            f"take: axis {axis} is out of bounds for a tensor of dimension {a.type.ndim}"
        )
    axis %= a.type.ndim
    if mode != "raise":
        n = a.shape[axis]
        if mode == "clip":
            indices = clip(indices, 0, n - 1)
        else:
            indices = indices % n
        indices = cast(indices, "int64")
    if axis == 0 and indices.type.ndim == 1:
        return advanced_subtensor1(a, indices)
    return advanced_subtensor(a, *([slice(None)] * axis), indices)


__all__ = [
    "AdvancedSubtensor1",
    "AdvancedIncSubtensor1",
    "AdvancedSubtensor",
    "AdvancedIncSubtensor",
    "advanced_subtensor",
    "advanced_subtensor1",
    "advanced_inc_subtensor",
    "advanced_inc_subtensor1",
    "advanced_set_subtensor",
    "advanced_set_subtensor1",
    "as_index_variable",
    "indexed_result_shape",
    "take",
]
