"""NumPy indexing of tensors: basic indexing (``Subtensor``) and its updates.

``x[1:3, i]`` builds a :class:`Subtensor` whose ``idx_list`` records the
*form* of the index (which entries are integers, which are slices, and the
scalar type of every symbolic part) while the symbolic integers themselves
are graph inputs. The output is a view of ``x``.

:func:`set_subtensor` and :func:`inc_subtensor` return a copy of the indexed
tensor with the indexed part replaced or incremented (:class:`IncSubtensor`
for basic indices, the advanced ops of ``subtensor_advanced`` otherwise).

Advanced indexing (integer arrays, boolean masks) lives in
:mod:`aesara.tensor.subtensor_advanced` and is re-exported here, so that
``aesara.tensor.subtensor`` is the single public module, as in Aesara.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import Any

import numpy as np

import aesara.scalar.basic as aes
from aesara.configdefaults import config
from aesara.graph.basic import Apply, Constant, Variable
from aesara.graph.op import Op
from aesara.graph.type import Type
from aesara.tensor.basic import (
    ScalarFromTensor,
    as_tensor_variable,
    cast,
    get_scalar_constant_value,
    scalar_from_tensor,
)
from aesara.tensor.exceptions import AdvancedIndexingError, NotScalarConstantError
from aesara.tensor.type import TensorType, discrete_dtypes, integer_dtypes
from aesara.tensor.type_other import NoneTypeT, SliceType

# ---------------------------------------------------------------------------
# Small helpers
# ---------------------------------------------------------------------------


def _disconnected():
    from aesara.gradient import DisconnectedType

    return DisconnectedType()()


def _const_int(v: Any) -> int | None:
    """``v`` as a Python int when it is known at build time, else ``None``."""
    if v is None:
        return None
    if isinstance(v, (bool, np.bool_)):
        return None
    if isinstance(v, (int, np.integer)):
        return int(v)
    try:
        value = get_scalar_constant_value(v)
    except (NotScalarConstantError, TypeError, ValueError):
        return None
    if np.ndim(value) != 0 or np.asarray(value).dtype.kind not in "iu":
        return None
    return int(value)


def _int64(v: Any) -> Variable:
    """``v`` (an int or a 0-d integer variable) as a 0-d int64 tensor."""
    if isinstance(v, Variable) and isinstance(v.type, aes.ScalarType):
        if v.owner is not None and isinstance(v.owner.op, ScalarFromTensor):
            v = v.owner.inputs[0]
    t = as_tensor_variable(v)
    if t.type.dtype != "int64":
        t = cast(t, "int64")
    return t


def _math():
    from aesara.tensor import math

    return math


def _switch(cond, a, b):
    from aesara.tensor.basic import switch

    return switch(cond, a, b)


def _is_full_slice(s: Any) -> bool:
    return (
        isinstance(s, slice) and s.start is None and s.stop is None and s.step is None
    )


# ---------------------------------------------------------------------------
# Index normalisation
# ---------------------------------------------------------------------------


def as_index_constant(
    a: Any,
) -> Variable | slice | None:
    """Turn literal parts of an index into constants.

    ``None`` stays ``None``, slices are converted part by part, Python and
    NumPy integers become ``int64`` scalar constants, other non-variables
    (lists, arrays) become tensor constants; variables are returned as they
    are.
    """
    if a is None:
        return a
    if isinstance(a, slice):
        return slice(
            as_index_constant(a.start),
            as_index_constant(a.stop),
            as_index_constant(a.step),
        )
    if isinstance(a, (int, np.integer)) and not isinstance(a, (bool, np.bool_)):
        return aes.ScalarConstant(aes.int64, a)
    if not isinstance(a, Variable):
        return as_tensor_variable(a)
    return a


def as_index_literal(idx: Any) -> int | slice | None | np.ndarray:
    """Return the index ``idx`` with every part replaced by its constant value.

    Raises
    ------
    NotScalarConstantError
        When some part is not constant.
    """
    if idx is None or idx is np.newaxis:
        return np.newaxis
    if isinstance(getattr(idx, "type", None), NoneTypeT):
        return np.newaxis
    if isinstance(idx, slice):
        return slice(
            _literal_part(idx.start), _literal_part(idx.stop), _literal_part(idx.step)
        )
    if isinstance(getattr(idx, "type", None), SliceType):
        if isinstance(idx, Constant):
            return idx.data
        if idx.owner is not None:
            return as_index_literal(slice(*idx.owner.inputs))
        raise NotScalarConstantError(f"{idx} is not a constant slice")
    if isinstance(idx, Constant):
        data = idx.data
        if isinstance(data, np.ndarray) and data.ndim > 0:
            return data
        return np.asarray(data).item()
    if not isinstance(idx, Variable):
        return idx
    if idx.owner is not None and isinstance(idx.owner.op, ScalarFromTensor):
        return as_index_literal(idx.owner.inputs[0])
    raise NotScalarConstantError(f"{idx} is not constant")


def is_basic_idx(idx: Any) -> bool:
    """Whether one index entry is, on its own, a NumPy *basic* index.

    Slices and ``None`` (``np.newaxis``), given literally or as variables of
    :class:`SliceType` / :class:`NoneTypeT`, are basic. Integers are not
    counted: next to an array index an integer takes part in advanced
    indexing, so one entry alone cannot tell.

    Parameters
    ----------
    idx
        One entry of an index tuple.

    Returns
    -------
    bool
    """
    if idx is None or isinstance(idx, slice):
        return True
    return isinstance(getattr(idx, "type", None), (SliceType, NoneTypeT))


def _literal_part(p: Any) -> int | None:
    if p is None or isinstance(getattr(p, "type", None), NoneTypeT):
        return None
    v = _const_int(p)
    if v is None:
        raise NotScalarConstantError(f"slice part {p} is not constant")
    return v


def _is_integer_dtype(dtype: str) -> bool:
    return dtype in integer_dtypes


def index_vars_to_types(entry: Any, slice_ok: bool = True) -> Any:
    """Replace the variables of a basic index entry by their scalar types.

    Parameters
    ----------
    entry
        A scalar integer variable (tensor or scalar), its type, or a slice of
        those.
    slice_ok
        Whether ``entry`` may be a slice (not inside another slice).

    Raises
    ------
    AdvancedIndexingError
        When ``entry`` is an integer array or a boolean mask: it needs
        advanced indexing.
    TypeError
        When ``entry`` is not an integer (e.g. a float).
    """
    if (
        isinstance(entry, (np.ndarray, Variable))
        and getattr(entry, "dtype", None) == "bool"
    ):
        raise AdvancedIndexingError("Boolean indices need advanced indexing")
    if isinstance(entry, Variable):
        t = entry.type
        if isinstance(t, aes.ScalarType):
            if not _is_integer_dtype(t.dtype):
                raise TypeError(
                    f"Index {entry} must be an integer, got dtype {t.dtype}"
                )
            return t
        if isinstance(t, TensorType):
            if not _is_integer_dtype(t.dtype):
                raise TypeError(
                    f"Index {entry} must be an integer (or integer array / boolean mask), "
                    f"got a tensor of dtype {t.dtype}"
                )
            if t.ndim == 0:
                return aes.get_scalar_type(t.dtype)
            raise AdvancedIndexingError(
                f"Index {entry} is an integer array: it needs advanced indexing"
            )
        raise TypeError(f"Invalid index {entry} of type {t}")
    if isinstance(entry, aes.ScalarType):
        if not _is_integer_dtype(entry.dtype):
            raise TypeError(f"Index type must be an integer type, got {entry}")
        return entry
    if isinstance(entry, TensorType):
        if not _is_integer_dtype(entry.dtype):
            raise TypeError(f"Index type must be an integer type, got {entry}")
        if entry.ndim == 0:
            return aes.get_scalar_type(entry.dtype)
        raise AdvancedIndexingError(f"{entry} needs advanced indexing")
    if slice_ok and isinstance(entry, slice):
        return slice(
            *(
                None if p is None else index_vars_to_types(p, False)
                for p in (entry.start, entry.stop, entry.step)
            )
        )
    if isinstance(entry, (int, np.integer)) and not isinstance(entry, (bool, np.bool_)):
        raise TypeError(
            f"Index {entry!r} is a Python integer: convert it with as_index_constant first"
        )
    if isinstance(entry, slice):
        raise TypeError("A slice cannot contain another slice")
    raise AdvancedIndexingError(f"Invalid index for basic indexing: {entry!r}")


def _entry_to_type(entry: Any, slice_ok: bool = True) -> Any:
    """Like :func:`index_vars_to_types`, keeping Python ints (and ``None`` slice parts) literal."""
    if isinstance(entry, (int, np.integer)) and not isinstance(entry, (bool, np.bool_)):
        return int(entry)
    if slice_ok and isinstance(entry, slice):
        return slice(
            *(
                None if p is None else _entry_to_type(p, False)
                for p in (entry.start, entry.stop, entry.step)
            )
        )
    return index_vars_to_types(entry, slice_ok)


def get_slice_elements(
    idxs: Sequence[Any], cond: Callable[[Any], bool] = lambda x: isinstance(x, Variable)
) -> list:
    """The entries of ``idxs`` (slice parts included) for which ``cond`` holds, in order."""
    ret = []

    def visit(e):
        if isinstance(e, slice):
            for p in (e.start, e.stop, e.step):
                visit(p)
        elif cond(e):
            ret.append(e)

    for e in idxs:
        visit(e)
    return ret


def indices_from_subtensor(
    op_indices: Iterable[Any], idx_list: Sequence[Any] | None
) -> tuple:
    """Rebuild an index tuple from a ``Subtensor``'s ``idx_list`` and index inputs.

    Every :class:`~aesara.graph.type.Type` in ``idx_list`` takes the next value
    of ``op_indices``; literal entries are kept.
    """
    op_indices = list(op_indices)
    if idx_list is None:
        return tuple(op_indices)
    it = iter(op_indices)

    def convert(e):
        if isinstance(e, Type):
            return next(it)
        if isinstance(e, slice):
            return slice(convert(e.start), convert(e.stop), convert(e.step))
        return e

    return tuple(convert(e) for e in idx_list)


def get_idx_list(inputs: Sequence[Any], idx_list: Sequence[Any]) -> tuple:
    """The index described by ``idx_list`` with the values of ``inputs[1:]``."""
    return indices_from_subtensor(inputs[1:], idx_list)


def get_constant_idx(
    idx_list: Sequence[Any],
    inputs: Sequence[Any],
    allow_partial: bool = False,
    only_process_constants: bool = False,
    elemwise: bool = True,
) -> list:
    """The index of a ``Subtensor`` with its constant parts as Python ints.

    ``inputs`` are the node's inputs (the indexed tensor first).

    Raises
    ------
    NotScalarConstantError
        When a part is not constant and ``allow_partial`` is false (with
        ``allow_partial`` it is left as a variable).
    """
    real = get_idx_list(inputs, idx_list)

    def conv(v):
        if v is None or isinstance(v, (int, np.integer)):
            return v
        if isinstance(v, slice):
            return slice(conv(v.start), conv(v.stop), conv(v.step))
        try:
            return int(
                get_scalar_constant_value(
                    v, elemwise=elemwise, only_process_constants=only_process_constants
                )
            )
        except NotScalarConstantError:
            if allow_partial:
                return v
            raise

    return [conv(v) for v in real]


# ---------------------------------------------------------------------------
# Slice arithmetic
# ---------------------------------------------------------------------------


def get_canonical_form_slice(theslice: Any, length: Any) -> tuple[Any, Any]:
    """Convert a slice (or an integer index) to a canonical form for a dimension of ``length``.

    Returns ``(canonical, direction)`` such that ``x[theslice]`` equals
    ``x[canonical][::direction]``: for a slice, ``canonical`` has a
    non-negative start and stop (``start <= stop`` unless empty) and a
    positive step; for an integer, negative values are wrapped. Parts that
    are known at build time give Python ints, others symbolic int64 scalars.
    """
    if not isinstance(theslice, slice):
        i = _const_int(theslice)
        n = _const_int(length)
        if i is not None and (i >= 0 or n is not None):
            return (i + n if i < 0 else i), 1
        i = _int64(theslice)
        return _switch(_math().lt(i, 0), i + _int64(length), i), 1

    start, stop, step = theslice.start, theslice.stop, theslice.step
    parts = [None if p is None else _const_int(p) for p in (start, stop, step)]
    known = all(
        p is None or lit is not None for p, lit in zip((start, stop, step), parts)
    )
    n = _const_int(length)
    if parts[2] == 0:
        raise ValueError("slice step cannot be zero")
    if known and n is not None:
        r = range(*slice(*parts).indices(n))
        if r.step > 0:
            return slice(r.start, max(r.stop, r.start), r.step), 1
        if len(r) == 0:
            return slice(0, 0, 1), -1
        return slice(r[-1], r[0] + 1, -r.step), -1

    m = _math()
    L = _int64(length)
    if step is None or parts[2] is not None:
        sign = 1 if step is None or parts[2] > 0 else -1
        st = 1 if step is None else parts[2]
        if sign > 0:
            return _positive_canonical(start, stop, st, L), 1
        return _negative_canonical(start, stop, st, L), -1
    # Symbolic step: both forms, chosen at run time.
    st = _int64(step)
    pos = _positive_canonical(start, stop, st, L)
    neg = _negative_canonical(start, stop, st, L)
    is_neg = m.lt(st, 0)
    return (
        slice(
            _switch(is_neg, neg.start, pos.start),
            _switch(is_neg, neg.stop, pos.stop),
            _switch(is_neg, neg.step, pos.step),
        ),
        _switch(is_neg, -1, 1),
    )


def _positive_canonical(start, stop, step, L) -> slice:
    m = _math()

    def norm(v, default):
        if v is None:
            return default
        v = _int64(v)
        v = _switch(m.lt(v, 0), v + L, v)
        return m.minimum(m.maximum(v, 0), L)

    a = norm(start, _int64(0))
    b = norm(stop, L)
    return slice(a, m.maximum(a, b), _int64(step))


def _negative_canonical(start, stop, step, L) -> slice:
    m = _math()

    def norm(v, default):
        if v is None:
            return default
        v = _int64(v)
        v = _switch(m.lt(v, 0), v + L, v)
        return m.minimum(m.maximum(v, -1), L - 1)

    s = _int64(step)
    a = norm(start, L - 1)
    b = norm(stop, _int64(-1))
    count = m.maximum(m.int_div(a - b - s - 1, -s), 0)
    nonempty = m.gt(count, 0)
    lo = a + s * (count - 1)
    return slice(_switch(nonempty, lo, 0), _switch(nonempty, a + 1, 0), -s)


def slice_len(slc: Any, n: Any) -> Any:
    """The number of elements ``slc`` selects in a dimension of length ``n``.

    A Python int when everything is known at build time, else a symbolic
    int64 scalar.
    """
    if isinstance(getattr(slc, "type", None), SliceType):
        slc = _slice_parts(slc)
    canon, _ = get_canonical_form_slice(slc, n)
    a, b, s = canon.start, canon.stop, canon.step
    if all(isinstance(v, int) for v in (a, b, s)):
        return max(0, (b - a + s - 1) // s)
    m = _math()
    a, b, s = _int64(a), _int64(b), _int64(s)
    return m.maximum(m.int_div(b - a + s - 1, s), 0)


def _slice_parts(v: Variable) -> slice:
    """The (start, stop, step) of a slice variable, ``None`` for ``NoneConst`` parts."""
    if isinstance(v, Constant):
        return v.data
    if v.owner is None:
        raise NotImplementedError(f"The parts of the slice variable {v} are not known")

    def part(p):
        return None if isinstance(p.type, NoneTypeT) else p

    return slice(*[part(p) for p in v.owner.inputs])


def basic_shape(shape: Sequence[Any], indices: Sequence[Any]) -> tuple:
    """The shape produced by basic indices (slices and ``None`` only) of an array of ``shape``."""
    res = []
    for idx, n in zip(indices, shape):
        if isinstance(idx, slice) or isinstance(getattr(idx, "type", None), SliceType):
            res.append(slice_len(idx, n))
        elif idx is None or isinstance(getattr(idx, "type", None), NoneTypeT):
            res.append(1)
        else:
            raise ValueError(f"Invalid basic index: {idx!r}")
    return tuple(res)


def _static_slice_len(parts: slice, n: int | None) -> int | None:
    """Static length of a slice whose literal parts are known (``None`` if unknown)."""
    if n is None:
        return None
    return len(range(*parts.indices(n)))


def _literal_slice(s: slice) -> slice | None:
    """``s`` with every part an int or None, or ``None`` if some part is symbolic."""
    out = []
    for p in (s.start, s.stop, s.step):
        if p is None:
            out.append(None)
            continue
        v = _const_int(p)
        if v is None:
            return None
        out.append(v)
    return slice(*out)


# ---------------------------------------------------------------------------
# Subtensor
# ---------------------------------------------------------------------------


def _hashable_idx(idx_list: Sequence[Any]) -> tuple:
    return tuple(
        ("slice", e.start, e.stop, e.step) if isinstance(e, slice) else e
        for e in idx_list
    )


def _str_entry(e: Any) -> str:
    if isinstance(e, slice):
        return ":".join("" if p is None else str(p) for p in (e.start, e.stop, e.step))
    return str(e)


def _as_nontensor_scalar(v: Any) -> Variable:
    if isinstance(v, Variable) and isinstance(v.type, aes.ScalarType):
        return v
    if isinstance(v, (int, np.integer)) and not isinstance(v, (bool, np.bool_)):
        return aes.ScalarConstant(aes.int64, v)
    t = as_tensor_variable(v)
    if t.type.ndim != 0:
        raise TypeError(f"Subtensor index inputs must be scalars, got {t.type}")
    return scalar_from_tensor(t)


class _IndexedOp(Op):
    """Common machinery of ops that carry an ``idx_list``."""

    idx_list: tuple

    def _index_inputs(self, inputs: Sequence[Any]) -> list[Variable]:
        """Convert and type-check the index inputs against ``idx_list``."""
        expected = get_slice_elements(self.idx_list, lambda e: isinstance(e, Type))
        inputs = [_as_nontensor_scalar(v) for v in inputs]
        if len(inputs) != len(expected):
            raise ValueError(
                f"{self}: the index has {len(expected)} symbolic part(s), got "
                f"{len(inputs)} index input(s)"
            )
        for k, (v, t) in enumerate(zip(inputs, expected)):
            if v.type != t:
                if isinstance(v.type, aes.ScalarType) and _is_integer_dtype(
                    v.type.dtype
                ):
                    # Integer index inputs of another width: cast to the template type.
                    from aesara.scalar import cast as scalar_cast

                    v = scalar_cast(v, t.dtype)
                if v.type != t:
                    raise TypeError(
                        f"{self}: index input {k} should have type {t}, got {v.type}"
                    )
                inputs[k] = v
        return inputs

    def _check_ndim(self, x: Variable) -> None:
        n = sum(1 for e in self.idx_list)
        if n > x.type.ndim:
            raise IndexError(
                f"too many indices for tensor: {x.type} is {x.type.ndim}-dimensional, "
                f"but {n} were indexed"
            )

    def _static_indexed_shape(
        self, x: Variable, idx_inputs: Sequence[Variable]
    ) -> tuple:
        """Static shape of ``x[index]`` (checks constant integer indices against static sizes)."""
        index = indices_from_subtensor(idx_inputs, self.idx_list)
        out = []
        for d, n in enumerate(x.type.shape):
            e = index[d] if d < len(index) else slice(None)
            if isinstance(e, slice):
                lit = _literal_slice(e)
                if lit is not None and n is not None:
                    if lit.step == 0:
                        raise ValueError("slice step cannot be zero")
                    out.append(_static_slice_len(lit, n))
                elif (
                    lit is not None
                    and lit.start is None
                    and lit.stop is None
                    and lit.step
                    in (
                        None,
                        1,
                        -1,
                    )
                ):
                    out.append(n)
                else:
                    out.append(None)
            else:
                i = _const_int(e)
                if i is not None and n is not None and not -n <= i < n:
                    raise IndexError(
                        f"index {i} is out of bounds for dimension {d} with size {n}"
                    )
        return tuple(out)

    def __hash__(self):
        return hash((type(self), _hashable_idx(self.idx_list), *self._extra_props()))

    def __eq__(self, other):
        return (
            type(self) is type(other)
            and _hashable_idx(self.idx_list) == _hashable_idx(other.idx_list)
            and self._extra_props() == other._extra_props()
        )

    def _extra_props(self) -> tuple:
        return ()

    def get_constant_idx(
        self,
        inputs: Sequence[Any],
        allow_partial: bool = False,
        only_process_constants: bool = False,
        elemwise: bool = True,
    ) -> list:
        """This op's index with its constant parts as ints; see :func:`get_constant_idx`.

        ``inputs`` are the node's inputs: for :class:`IncSubtensor` the value
        ``y`` (the second input) is skipped.
        """
        if isinstance(self, IncSubtensor):
            inputs = [inputs[0], *inputs[2:]]
        return get_constant_idx(
            self.idx_list,
            inputs,
            allow_partial=allow_partial,
            only_process_constants=only_process_constants,
            elemwise=elemwise,
        )


def _index_error(exc: Exception, index: tuple, shape: tuple) -> IndexError:
    """An IndexError naming the index, the dimension and its size."""
    for d, (e, n) in enumerate(zip(index, shape)):
        if isinstance(e, (int, np.integer)) and not -n <= int(e) < n:
            return IndexError(
                f"index {int(e)} is out of bounds for dimension {d} with size {n} "
                f"(array of shape {shape})"
            )
    return IndexError(f"{exc} (array of shape {shape})")


class Subtensor(_IndexedOp):
    """Basic indexing: ``x[idx]`` with integers and slices; the output is a view of ``x``.

    Parameters
    ----------
    idx_list
        One entry per indexed dimension: a scalar integer type (the value
        comes from the next index input), a Python int, or a slice whose parts
        are such types, ints or ``None``.
    """

    __props__ = ("idx_list",)
    view_map = {0: [0]}
    check_input = False
    # Slices are unhashable before Python 3.12: hash a converted idx_list.
    __hash__ = _IndexedOp.__hash__
    __eq__ = _IndexedOp.__eq__

    def __init__(self, idx_list: Sequence[Any]):
        self.idx_list = tuple(_entry_to_type(e) for e in idx_list)

    def make_node(self, x, *inputs):
        x = as_tensor_variable(x)
        self._check_ndim(x)
        inputs = self._index_inputs(inputs)
        shape = self._static_indexed_shape(x, inputs)
        out = TensorType(x.type.dtype, shape)()
        return Apply(self, [x, *inputs], [out])

    def perform(self, node, inputs, output_storage, params=None):
        x = inputs[0]
        index = tuple(
            int(e) if isinstance(e, np.integer) else e
            for e in get_idx_list(inputs, self.idx_list)
        )
        try:
            # The trailing Ellipsis makes an all-integer index return a 0-d
            # view rather than a scalar copy.
            output_storage[0][0] = x[(*index, Ellipsis)]
        except IndexError as e:
            raise _index_error(e, index, x.shape) from None

    def infer_shape(self, fgraph, node, input_shapes):
        xshp = input_shapes[0]
        index = get_idx_list(node.inputs, self.idx_list)
        out = []
        for d, n in enumerate(xshp):
            e = index[d] if d < len(index) else slice(None)
            if isinstance(e, slice):
                static = node.outputs[0].type.shape[len(out)]
                if static is not None:
                    out.append(static)
                elif _is_full_slice(e):
                    out.append(n)
                else:
                    out.append(slice_len(e, n))
        return [tuple(out)]

    def connection_pattern(self, node):
        return [[True]] + [[False] for _ in node.inputs[1:]]

    def L_op(self, inputs, outputs, output_grads):
        (gz,) = output_grads
        x, *rest = inputs
        if x.type.dtype in discrete_dtypes:
            from aesara.tensor.basic import zeros_like

            first = zeros_like(x, dtype=config.floatX)
        else:
            from aesara.tensor.basic import zeros_like

            first = IncSubtensor(self.idx_list)(zeros_like(x), gz, *rest)
        return [first] + [_disconnected() for _ in rest]

    def R_op(self, inputs, eval_points):
        if eval_points[0] is None:
            return [None]
        return self(eval_points[0], *inputs[1:], return_list=True)

    def __str__(self):
        return f"{type(self).__name__}{{{', '.join(_str_entry(e) for e in self.idx_list)}}}"


# ---------------------------------------------------------------------------
# IncSubtensor
# ---------------------------------------------------------------------------


def _check_value_broadcasts(region: tuple, y: Variable, what: str) -> None:
    """Raise if ``y``'s static shape cannot broadcast to ``region`` (a static shape)."""
    if y.type.ndim > len(region):
        raise ValueError(
            f"{what}: cannot put a {y.type.ndim}-dimensional value into a "
            f"{len(region)}-dimensional region"
        )
    off = len(region) - y.type.ndim
    for k, s in enumerate(y.type.shape):
        r = region[off + k]
        if s is not None and r is not None and s != 1 and s != r:
            raise ValueError(
                f"{what}: the value of static shape {y.type.shape} cannot be broadcast to "
                f"the indexed region of shape {region} (dimension {off + k}: {s} vs {r})"
            )


def _check_value_dtype(x: Variable, y: Variable, what: str) -> Variable:
    if not np.can_cast(y.type.dtype, x.type.dtype, "same_kind"):
        raise TypeError(
            f"{what}: cannot store values of dtype {y.type.dtype} into a tensor of dtype "
            f"{x.type.dtype}"
        )
    return y


class IncSubtensor(_IndexedOp):
    """``x`` with ``x[idx]`` incremented by (or set to) ``y``; the basic-index update.

    Parameters
    ----------
    idx_list
        As for :class:`Subtensor`.
    inplace
        Whether the output overwrites ``x``.
    set_instead_of_inc
        Set ``x[idx] = y`` instead of ``x[idx] += y``.
    destroyhandler_tolerate_aliased
        Pairs of (destroyed input, aliased input) that may overlap. They are
        part of the op's identity (equality, hash, ``__props__``): two nodes
        that differ only here must not be merged, nor share a rewrite-cache
        entry, since the destroy handler accepts different in-place graphs
        for them.
    """

    __props__ = (
        "idx_list",
        "inplace",
        "set_instead_of_inc",
        "destroyhandler_tolerate_aliased",
    )
    check_input = False
    __hash__ = _IndexedOp.__hash__
    __eq__ = _IndexedOp.__eq__

    def __init__(
        self,
        idx_list: Sequence[Any],
        inplace: bool = False,
        set_instead_of_inc: bool = False,
        destroyhandler_tolerate_aliased: Sequence | None = None,
    ):
        self.idx_list = tuple(_entry_to_type(e) for e in idx_list)
        self.inplace = bool(inplace)
        if inplace:
            self.destroy_map = {0: [0]}
        self.destroyhandler_tolerate_aliased = [
            (int(d), int(a)) for d, a in (destroyhandler_tolerate_aliased or ())
        ]
        self.set_instead_of_inc = bool(set_instead_of_inc)

    def _extra_props(self) -> tuple:
        return (
            self.inplace,
            self.set_instead_of_inc,
            tuple(self.destroyhandler_tolerate_aliased),
        )

    def make_node(self, x, y, *inputs):
        x = as_tensor_variable(x)
        y = as_tensor_variable(y)
        if y.type.ndim > x.type.ndim:
            raise ValueError(
                f"{self}: trying to put a {y.type.ndim}-dimensional value into a "
                f"{x.type.ndim}-dimensional tensor"
            )
        self._check_ndim(x)
        inputs = self._index_inputs(inputs)
        region = self._static_indexed_shape(x, inputs)
        _check_value_broadcasts(region, y, str(self))
        _check_value_dtype(x, y, str(self))
        return Apply(self, [x, y, *inputs], [x.type()])

    def perform(self, node, inputs, output_storage, params=None):
        x, y, *rest = inputs
        if not (self.inplace and x.flags.writeable):
            # A read-only ``x`` (e.g. a ``broadcast_to`` view) is updated in
            # a copy: ``destroy_map`` allows, but does not require, reuse.
            x = x.copy()
        index = tuple(
            int(e) if isinstance(e, np.integer) else e
            for e in indices_from_subtensor(rest, self.idx_list)
        )
        try:
            region = x[(*index, Ellipsis)]
        except IndexError as e:
            raise _index_error(e, index, x.shape) from None
        try:
            if self.set_instead_of_inc:
                region[...] = y
            else:
                np.add(region, y, out=region, casting="same_kind")
        except ValueError as e:
            raise ValueError(
                f"{self}: cannot broadcast the value of shape {np.shape(y)} to the indexed "
                f"region of shape {region.shape} ({e})"
            ) from None
        output_storage[0][0] = x

    def infer_shape(self, fgraph, node, input_shapes):
        return [input_shapes[0]]

    def connection_pattern(self, node):
        return [[True], [True]] + [[False] for _ in node.inputs[2:]]

    def L_op(self, inputs, outputs, output_grads):
        from aesara.tensor.basic import zeros_like

        x, y, *idx = inputs
        (g,) = output_grads
        if x.type.dtype in discrete_dtypes:
            gx = zeros_like(x, dtype=config.floatX)
            gy = (
                zeros_like(y, dtype=config.floatX)
                if y.type.dtype in discrete_dtypes
                else zeros_like(y)
            )
            return [gx, gy] + [_disconnected() for _ in idx]
        if self.set_instead_of_inc:
            gx = IncSubtensor(self.idx_list, set_instead_of_inc=True)(
                g, as_tensor_variable(np.zeros((), dtype=g.type.dtype)), *idx
            )
        else:
            gx = g
        gy = Subtensor(self.idx_list)(g, *idx)
        gy = _sum_grad_over_bcasted_dims(y, gy)
        return [gx, gy] + [_disconnected() for _ in idx]

    def R_op(self, inputs, eval_points):
        from aesara.tensor.basic import zeros_like

        if eval_points[0] is None and eval_points[1] is None:
            return [None]
        ex = eval_points[0] if eval_points[0] is not None else zeros_like(inputs[0])
        ey = eval_points[1] if eval_points[1] is not None else zeros_like(inputs[1])
        return self(ex, ey, *inputs[2:], return_list=True)

    def __str__(self):
        prefix = ("Inplace" if self.inplace else "") + (
            "Set" if self.set_instead_of_inc else "Inc"
        )
        return f"{prefix}Subtensor{{{', '.join(_str_entry(e) for e in self.idx_list)}}}"


def _sum_grad_over_bcasted_dims(x: Variable, gx: Variable) -> Variable:
    """Sum ``gx`` over the dimensions along which ``x`` was broadcast to ``gx``'s shape."""
    if gx.type.shape == x.type.shape and gx.type.ndim == x.type.ndim:
        return gx
    extra = gx.type.ndim - x.type.ndim
    axes = list(range(extra))
    keep_as_one = []
    for k, s in enumerate(x.type.shape):
        if s == 1 and gx.type.shape[extra + k] != 1:
            axes.append(extra + k)
            keep_as_one.append(k)
    if axes:
        gx = gx.sum(axis=axes)
        if keep_as_one:
            pattern: list = []
            j = 0
            for k in range(x.type.ndim):
                if k in keep_as_one:
                    pattern.append("x")
                else:
                    pattern.append(j)
                    j += 1
            gx = gx.dimshuffle(pattern)
    if gx.type.dtype != x.type.dtype:
        gx = cast(gx, x.type.dtype)
    return gx


# ---------------------------------------------------------------------------
# User functions
# ---------------------------------------------------------------------------


def set_subtensor(
    x: Variable,
    y: Any,
    inplace: bool = False,
    tolerate_inplace_aliasing: bool = False,
) -> Variable:
    """Return ``r``, a copy of the tensor ``x`` is a subtensor of, with ``r[idx] = y``.

    Parameters
    ----------
    x
        The result of indexing a tensor (``t[idx]``, basic or advanced).
    y
        The value to put there; it is broadcast to ``x``'s shape.

    Examples
    --------
    >>> r = set_subtensor(t[1:3], 0.0)  # doctest: +SKIP
    """
    return inc_subtensor(
        x,
        y,
        inplace,
        set_instead_of_inc=True,
        tolerate_inplace_aliasing=tolerate_inplace_aliasing,
    )


def inc_subtensor(
    x: Variable,
    y: Any,
    inplace: bool = False,
    set_instead_of_inc: bool = False,
    tolerate_inplace_aliasing: bool = False,
    ignore_duplicates: bool = False,
) -> Variable:
    """Return ``r``, a copy of the tensor ``x`` is a subtensor of, with ``r[idx] += y``.

    Parameters
    ----------
    x
        The result of indexing a tensor (``t[idx]``, basic or advanced).
    y
        The increment, broadcast to ``x``'s shape.
    inplace
        Let the update overwrite the indexed tensor (normally left to rewrites).
    set_instead_of_inc
        Replace the indexed values instead (see :func:`set_subtensor`).
    tolerate_inplace_aliasing
        Allow ``y`` to alias the destroyed tensor.
    ignore_duplicates
        With advanced indices, let repeated indices be incremented only once
        (``t[idx] += y`` in NumPy) instead of accumulating (``np.add.at``).

    Raises
    ------
    TypeError
        When ``x`` is not the result of an indexing operation, or ``y`` has
        more dimensions than ``x``.
    """
    from aesara.tensor.elemwise import DimShuffle
    from aesara.tensor.subtensor_advanced import (
        AdvancedIncSubtensor,
        AdvancedIncSubtensor1,
        AdvancedSubtensor,
        AdvancedSubtensor1,
    )

    x = as_tensor_variable(x)
    y = as_tensor_variable(y)
    if y.type.ndim > x.type.ndim:
        raise TypeError(
            f"Trying to increment a {x.type.ndim}-dimensional subtensor with a "
            f"{y.type.ndim}-dimensional value"
        )
    node = x.owner
    if node is None:
        raise TypeError(
            f"x must be the result of indexing a tensor (e.g. t[1:3]); {x} is not the "
            "output of an indexing operation"
        )
    op = node.op
    if isinstance(op, Subtensor):
        aliased = [(0, 1)] if tolerate_inplace_aliasing else None
        new_op = IncSubtensor(
            op.idx_list,
            inplace,
            set_instead_of_inc,
            destroyhandler_tolerate_aliased=aliased,
        )
        return new_op(node.inputs[0], y, *node.inputs[1:])
    if isinstance(op, AdvancedSubtensor1):
        real_x, ilist = node.inputs
        if ignore_duplicates:
            return AdvancedIncSubtensor(
                inplace, set_instead_of_inc=set_instead_of_inc, ignore_duplicates=True
            )(real_x, y, ilist)
        return AdvancedIncSubtensor1(inplace, set_instead_of_inc=set_instead_of_inc)(
            real_x, y, ilist
        )
    if isinstance(op, AdvancedSubtensor):
        return AdvancedIncSubtensor(
            inplace,
            set_instead_of_inc=set_instead_of_inc,
            ignore_duplicates=ignore_duplicates,
        )(node.inputs[0], y, *node.inputs[1:])
    if (
        isinstance(op, DimShuffle)
        and "x" not in op.new_order
        and sorted(op.new_order) == list(range(node.inputs[0].type.ndim))
    ):
        # ``t[idx].dimshuffle(perm)`` (e.g. a transpose): update the
        # un-permuted subtensor with ``y`` permuted back, then permute the
        # result the same way.
        inner = node.inputs[0]
        order = list(op.new_order)
        offset = x.type.ndim - y.type.ndim
        y_full = (
            y.dimshuffle(["x"] * offset + list(range(y.type.ndim))) if offset else y
        )
        y_inner = y_full.dimshuffle([order.index(d) for d in range(inner.type.ndim)])
        updated = inc_subtensor(
            inner,
            y_inner,
            inplace,
            set_instead_of_inc,
            tolerate_inplace_aliasing,
            ignore_duplicates,
        )
        return updated.dimshuffle(order)
    raise TypeError(
        f"x must be the result of indexing a tensor (e.g. t[1:3]); {x} is the output of "
        f"{op}, which is not an indexing operation"
    )


__all__ = [
    "Subtensor",
    "IncSubtensor",
    "as_index_constant",
    "as_index_literal",
    "basic_shape",
    "get_canonical_form_slice",
    "get_constant_idx",
    "get_idx_list",
    "get_slice_elements",
    "index_vars_to_types",
    "indices_from_subtensor",
    "inc_subtensor",
    "is_basic_idx",
    "set_subtensor",
    "slice_len",
]

from aesara.tensor.subtensor_advanced import *  # noqa: E402,F403  (re-export)
from aesara.tensor.subtensor_advanced import __all__ as _advanced_all  # noqa: E402

__all__ += list(_advanced_all)


def as_nontensor_scalar(a: Any) -> Variable:
    """``a`` as a scalar (non-tensor) variable: int literals become int64
    constants, 0-d tensors are converted; anything else is a ``TypeError``."""
    return _as_nontensor_scalar(a)
