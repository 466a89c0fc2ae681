"""Array-construction ops: ranges, identity and triangular matrices, diagonals,
non-zero positions and index-based selection.

:class:`Eye`, :class:`Tri`, :class:`ARange`, :class:`ExtractDiag`,
:class:`AllocDiag`, :class:`Nonzero`, :class:`Choose`, :class:`TakeAlongAxis`,
:class:`Default` and the functions over them. The public names are
re-exported by :mod:`aesara.tensor.basic`, where Aesara keeps them.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from aesara.configdefaults import config
from aesara.graph.basic import Apply, Constant, Variable
from aesara.graph.op import Op
from aesara.tensor._join import (
    as_int_scalar,
    const_int,
    disconnected,
    normalize_axis_arg,
    split,
    stack,
    zero_grad_for,
)
from aesara.tensor.basic import (
    _upcast_dtypes,
    as_tensor_variable,
    cast,
)
from aesara.tensor.type import (
    TensorType,
    all_dtypes,
    discrete_dtypes,
    integer_dtypes,
)
from aesara.tensor.var import TensorVariable


def _math():
    import aesara.tensor.math as atm

    return atm


def _dtype_name(dtype: Any, what: str) -> str:
    if dtype is None:
        return config.floatX
    if isinstance(dtype, str) and dtype == "floatX":
        return config.floatX
    try:
        name = np.dtype(dtype).name
    except TypeError as e:
        raise TypeError(f"{what}: invalid dtype {dtype!r}") from e
    if name not in all_dtypes:
        raise TypeError(f"{what}: unsupported dtype {name}")
    return name


# ----------------------------------------------------------------------------
# Eye and Tri
# ----------------------------------------------------------------------------


class _MatrixFromSizes(Op):
    """Base of ``Eye``/``Tri``: a ``(n, m)`` matrix from sizes and an offset ``k``."""

    __props__ = ("dtype",)
    _np_fn: Any = None
    _what = ""

    def __init__(self, dtype: Any = None):
        self.dtype = _dtype_name(dtype, type(self).__name__)

    def make_node(self, n, m, k):
        n = as_int_scalar(n, f"{self._what}: n")
        m = as_int_scalar(m, f"{self._what}: m")
        k = as_int_scalar(k, f"{self._what}: k")
        shp = []
        for name, v in (("n", n), ("m", m)):
            s = const_int(v)
            if s is not None and s < 0:
                raise ValueError(f"{self._what}: {name} must be non-negative, got {s}")
            shp.append(s)
        return Apply(self, [n, m, k], [TensorType(self.dtype, tuple(shp))()])

    def perform(self, node, inputs, output_storage, params=None):
        n, m, k = (int(v) for v in inputs)
        if n < 0 or m < 0:
            raise ValueError(
                f"{self._what}: sizes must be non-negative, got ({n}, {m})"
            )
        output_storage[0][0] = type(self)._np_fn(n, m, k, dtype=self.dtype)

    def infer_shape(self, fgraph, node, input_shapes):
        return [(cast(node.inputs[0], "int64"), cast(node.inputs[1], "int64"))]

    def connection_pattern(self, node):
        return [[False], [False], [False]]

    def grad(self, inputs, output_grads):
        return [disconnected() for _ in inputs]


class Eye(_MatrixFromSizes):
    """``Eye(dtype)(n, m, k)``: an ``(n, m)`` matrix with ones on diagonal ``k``."""

    _np_fn = staticmethod(lambda n, m, k, dtype: np.eye(n, m, k, dtype=dtype))
    _what = "eye"


class Tri(_MatrixFromSizes):
    """``Tri(dtype)(n, m, k)``: an ``(n, m)`` matrix with ones at and below diagonal ``k``."""

    _np_fn = staticmethod(lambda n, m, k, dtype: np.tri(n, m, k, dtype=dtype))
    _what = "tri"


def eye(n: Any, m: Any = None, k: Any = 0, dtype: Any = None) -> TensorVariable:
    """An ``(n, m)`` matrix with ones on the ``k``-th diagonal (``numpy.eye``).

    ``m`` defaults to ``n`` and ``dtype`` to ``config.floatX``.
    """
    return Eye(dtype)(n, n if m is None else m, k)


def identity_like(x: Any, dtype: Any = None) -> TensorVariable:
    """An identity matrix of the shape of the matrix ``x`` (and its dtype by default)."""
    from aesara.tensor.shape import shape_i

    x = as_tensor_variable(x)
    if x.type.ndim != 2:
        raise ValueError(f"identity_like: expected a matrix, got {x.type}")
    return eye(
        shape_i(x, 0), shape_i(x, 1), 0, x.type.dtype if dtype is None else dtype
    )


def tri(N: Any, M: Any = None, k: Any = 0, dtype: Any = None) -> TensorVariable:
    """An ``(N, M)`` matrix with ones at and below diagonal ``k`` (``numpy.tri``)."""
    return Tri(dtype)(N, N if M is None else M, k)


def _last_two_sizes(m: TensorVariable, what: str):
    from aesara.tensor.shape import shape_i

    if m.type.ndim == 0:
        raise ValueError(f"{what}: input must be at least 1-d, got {m.type}")
    if m.type.ndim == 1:
        n = shape_i(m, 0)
        return n, n
    return shape_i(m, m.type.ndim - 2), shape_i(m, m.type.ndim - 1)


def tril(m: Any, k: Any = 0) -> TensorVariable:
    """Zero the elements of ``m`` above diagonal ``k`` (of its last two axes)."""
    from aesara.tensor.basic import switch, zeros_like

    m = as_tensor_variable(m)
    n_rows, n_cols = _last_two_sizes(m, "tril")
    mask = tri(n_rows, n_cols, k, dtype="bool")
    return switch(mask, m, zeros_like(m))


def triu(m: Any, k: Any = 0) -> TensorVariable:
    """Zero the elements of ``m`` below diagonal ``k`` (of its last two axes)."""
    from aesara.tensor.basic import switch, zeros_like

    m = as_tensor_variable(m)
    n_rows, n_cols = _last_two_sizes(m, "triu")
    k = as_int_scalar(k, "triu: k")
    mask = tri(n_rows, n_cols, k - 1, dtype="bool")
    return switch(mask, zeros_like(m), m)


def tril_indices(n: Any, k: Any = 0, m: Any = None) -> tuple[TensorVariable, ...]:
    """Row and column indices of the lower triangle of an ``(n, m)`` matrix."""
    return nonzero(tri(n, m, k, dtype="bool"))


def triu_indices(n: Any, k: Any = 0, m: Any = None) -> tuple[TensorVariable, ...]:
    """Row and column indices of the upper triangle of an ``(n, m)`` matrix."""
    k = as_int_scalar(k, "triu_indices: k")
    return nonzero(_math().invert(tri(n, m, k - 1, dtype="bool")))


def _matrix_sizes(a: Any, what: str):
    from aesara.tensor.shape import shape_i

    a = as_tensor_variable(a)
    if a.type.ndim != 2:
        raise ValueError(
            f"{what}: the input array must be two-dimensional, got {a.type}"
        )
    return shape_i(a, 0), shape_i(a, 1)


def tril_indices_from(a: Any, k: Any = 0) -> tuple[TensorVariable, ...]:
    """Indices of the lower triangle of the matrix ``a``."""
    n, m = _matrix_sizes(a, "tril_indices_from")
    return tril_indices(n, k, m)


def triu_indices_from(a: Any, k: Any = 0) -> tuple[TensorVariable, ...]:
    """Indices of the upper triangle of the matrix ``a``."""
    n, m = _matrix_sizes(a, "triu_indices_from")
    return triu_indices(n, k, m)


# ----------------------------------------------------------------------------
# ARange
# ----------------------------------------------------------------------------


class ARange(Op):
    """``ARange(dtype)(start, stop, step)``: evenly spaced values (``numpy.arange``)."""

    __props__ = ("dtype",)

    def __init__(self, dtype: Any):
        self.dtype = _dtype_name(dtype, "ARange")

    def make_node(self, start, stop, step):
        ins = []
        for name, v in (("start", start), ("stop", stop), ("step", step)):
            v = as_tensor_variable(v)
            if v.type.ndim != 0:
                raise TypeError(f"arange: {name} must be a scalar, got {v.type}")
            if v.type.dtype.startswith("complex"):
                raise TypeError(f"arange: {name} cannot be complex, got {v.type}")
            ins.append(v)
        length = None
        consts = [v.data if isinstance(v, Constant) else None for v in ins]
        if all(c is not None for c in consts):
            if consts[2] == 0:
                raise ValueError("arange: step must not be zero")
            length = len(np.arange(*consts, dtype=self.dtype))
        return Apply(self, ins, [TensorType(self.dtype, (length,))()])

    def perform(self, node, inputs, output_storage, params=None):
        start, stop, step = inputs
        if step == 0:
            raise ValueError("arange: step must not be zero")
        output_storage[0][0] = np.arange(start, stop, step, dtype=self.dtype)

    def infer_shape(self, fgraph, node, input_shapes):
        atm = _math()
        start, stop, step = node.inputs
        if all(v.type.dtype in integer_dtypes for v in node.inputs):
            start, stop, step = (cast(v, "int64") for v in (start, stop, step))
            n = atm.ceil_intdiv(stop - start, step)
        else:
            start, stop, step = (cast(v, "float64") for v in (start, stop, step))
            n = atm.ceil((stop - start) / step)
        return [(cast(atm.maximum(n, 0), "int64"),)]

    def connection_pattern(self, node):
        return [[True], [False], [True]]

    def L_op(self, inputs, outputs, output_grads):
        start, stop, step = inputs
        (gz,) = output_grads
        atm = _math()
        if self.dtype in discrete_dtypes:
            return [zero_grad_for(start), disconnected(), zero_grad_for(step)]
        from aesara.tensor.shape import shape_i

        positions = ARange(self.dtype)(0, shape_i(outputs[0], 0), 1)
        g_start = cast(atm.sum(gz), start.type.dtype)
        g_step = cast(atm.sum(gz * positions), step.type.dtype)
        if start.type.dtype in discrete_dtypes:
            g_start = zero_grad_for(start)
        if step.type.dtype in discrete_dtypes:
            g_step = zero_grad_for(step)
        return [g_start, disconnected(), g_step]


def arange(
    start: Any, stop: Any = None, step: Any = 1, dtype: Any = None
) -> TensorVariable:
    """Evenly spaced values in ``[start, stop)`` (``numpy.arange``).

    With one argument it is ``stop`` (``start`` is 0). Without ``dtype`` the
    inputs' dtypes are upcast; integer results are int64 (uint64 when
    unsigned) as in NumPy, and under ``config.cast_policy="custom"`` a float
    literal such as ``0.5`` gives a float32 range.
    """
    if stop is None:
        start, stop = 0, start
    start, stop, step = (as_tensor_variable(v) for v in (start, stop, step))
    if dtype is None:
        dtype = _upcast_dtypes(start.type.dtype, stop.type.dtype, step.type.dtype)
        if dtype in ("int8", "int16", "int32", "bool"):
            dtype = "int64"
        elif dtype in ("uint8", "uint16", "uint32"):
            dtype = "uint64"
        if config.cast_policy in ("numpy", "numpy+floatX"):
            dtype = np.arange(
                np.zeros((), start.type.dtype),
                np.ones((), stop.type.dtype),
                np.ones((), step.type.dtype),
            ).dtype.name
            if config.cast_policy == "numpy+floatX" and dtype == "float64":
                if all(v.type.dtype != "float64" for v in (start, stop, step)):
                    dtype = config.floatX
    return ARange(dtype)(start, stop, step)


class _NdGrid:
    """``mgrid`` / ``ogrid``: index with slices to get coordinate grids."""

    def __init__(self, sparse: bool):
        self.sparse = sparse

    def __getitem__(self, key):
        name = "ogrid" if self.sparse else "mgrid"
        if isinstance(key, slice):
            # One slice: the range itself, as ``numpy.ogrid[a:b]``.
            return self._range(key, name)
        # Several slices, as a tuple (``ogrid[0:2, 0:3]``) or, as Aesara
        # also accepts, a list (``ogrid[[slice(0, 2), slice(0, 3)]]``).
        keys = tuple(key) if isinstance(key, (tuple, list)) else (key,)
        ranges = [self._range(sl, name) for sl in keys]
        ndim = len(ranges)
        shaped = [
            r.dimshuffle(["x"] * j + [0] + ["x"] * (ndim - 1 - j))
            for j, r in enumerate(ranges)
        ]
        if self.sparse:
            return shaped
        from aesara.tensor.extra_ops import broadcast_arrays

        return list(broadcast_arrays(*shaped))

    @staticmethod
    def _range(sl: Any, name: str) -> Variable:
        if not isinstance(sl, slice):
            raise TypeError(f"{name} takes slices (start:stop:step), got {sl!r}")
        if isinstance(sl.step, complex):
            raise TypeError(
                f"{name}: complex steps (numbers of points) are not supported; "
                "use linspace"
            )
        start, stop, step = sl.start, sl.stop, sl.step
        if stop is None:
            # ``a:`` counts up to ``a``, as NumPy's ``arange(a)`` does.
            if start is None:
                raise ValueError(f"{name}: a slice needs a start or a stop, got {sl}")
            start, stop = 0, start
        return arange(0 if start is None else start, stop, 1 if step is None else step)

    def __repr__(self):
        return "ogrid" if self.sparse else "mgrid"


mgrid = _NdGrid(sparse=False)
ogrid = _NdGrid(sparse=True)


# ----------------------------------------------------------------------------
# Diagonals
# ----------------------------------------------------------------------------


def _diag_len(n1, n2, offset):
    if offset >= 0:
        return max(0, min(n1, n2 - offset))
    return max(0, min(n1 + offset, n2))


class ExtractDiag(Op):
    """The diagonal ``offset`` of the 2-d sub-arrays on axes ``(axis1, axis2)``.

    The diagonal becomes the last axis of the output (``numpy.diagonal``).
    """

    __props__ = ("offset", "axis1", "axis2", "view")

    def __init__(
        self, offset: int = 0, axis1: int = 0, axis2: int = 1, view: bool = False
    ):
        self.offset = int(offset)
        self.axis1 = int(axis1)
        self.axis2 = int(axis2)
        self.view = bool(view)
        if self.view:
            self.view_map = {0: [0]}

    def make_node(self, x):
        x = as_tensor_variable(x)
        if x.type.ndim < 2:
            raise ValueError(
                f"ExtractDiag needs an input with 2 or more dimensions, got {x.type}"
            )
        a1 = normalize_axis_arg(self.axis1, x.type.ndim, "diagonal: axis1")
        a2 = normalize_axis_arg(self.axis2, x.type.ndim, "diagonal: axis2")
        if a1 == a2:
            raise ValueError(f"diagonal: axis1 and axis2 cannot be the same ({a1})")
        rest = [s for d, s in enumerate(x.type.shape) if d not in (a1, a2)]
        n1, n2 = x.type.shape[a1], x.type.shape[a2]
        n = None if n1 is None or n2 is None else _diag_len(n1, n2, self.offset)
        return Apply(self, [x], [TensorType(x.type.dtype, (*rest, n))()])

    def perform(self, node, inputs, output_storage, params=None):
        out = np.diagonal(inputs[0], self.offset, self.axis1, self.axis2)
        output_storage[0][0] = out if self.view else out.copy()

    def infer_shape(self, fgraph, node, input_shapes):
        atm = _math()
        (shp,) = input_shapes
        nd = len(shp)
        a1, a2 = self.axis1 % nd, self.axis2 % nd
        rest = [s for d, s in enumerate(shp) if d not in (a1, a2)]
        n1, n2 = shp[a1], shp[a2]
        if self.offset >= 0:
            n = atm.minimum(n1, n2 - self.offset)
        else:
            n = atm.minimum(n1 + self.offset, n2)
        return [(*rest, cast(atm.maximum(n, 0), "int64"))]

    def L_op(self, inputs, outputs, output_grads):
        (x,) = inputs
        if x.type.dtype in discrete_dtypes:
            return [zero_grad_for(x)]
        return [
            DiagonalScatter(self.offset, self.axis1, self.axis2)(x, output_grads[0])
        ]

    def R_op(self, inputs, eval_points):
        if eval_points[0] is None:
            return [None]
        return [self(eval_points[0])]


class DiagonalScatter(Op):
    """``DiagonalScatter(offset, axis1, axis2)(like, v)``: zeros of ``like``'s
    shape with ``v`` written on the diagonal (the gradient of ``ExtractDiag``)."""

    __props__ = ("offset", "axis1", "axis2")

    def __init__(self, offset: int = 0, axis1: int = 0, axis2: int = 1):
        self.offset, self.axis1, self.axis2 = int(offset), int(axis1), int(axis2)

    def make_node(self, like, v):
        like = as_tensor_variable(like)
        v = as_tensor_variable(v)
        if v.type.ndim != like.type.ndim - 1:
            raise TypeError(
                f"DiagonalScatter: the diagonal must have {like.type.ndim - 1} dimensions, "
                f"got {v.type}"
            )
        return Apply(self, [like, v], [TensorType(v.type.dtype, like.type.shape)()])

    def perform(self, node, inputs, output_storage, params=None):
        like, v = inputs
        out = np.zeros(like.shape, dtype=node.outputs[0].type.dtype)
        nd = out.ndim
        # A writable view with the two diagonal axes last.
        moved = np.moveaxis(out, (self.axis1 % nd, self.axis2 % nd), (-2, -1))
        k = self.offset
        n = v.shape[-1]
        i = np.arange(n)
        moved[..., i + max(0, -k), i + max(0, k)] = v
        output_storage[0][0] = out

    def infer_shape(self, fgraph, node, input_shapes):
        return [input_shapes[0]]

    def connection_pattern(self, node):
        return [[False], [True]]

    def L_op(self, inputs, outputs, output_grads):
        return [
            disconnected(),
            ExtractDiag(self.offset, self.axis1, self.axis2)(output_grads[0]),
        ]


class AllocDiag(Op):
    """Place the last axis of ``v`` on diagonal ``offset`` of axes ``(axis1, axis2)``
    of a new array of zeros (the leading axes of ``v`` fill the other positions)."""

    __props__ = ("offset", "axis1", "axis2")

    def __init__(self, offset: int = 0, axis1: int = 0, axis2: int = 1):
        self.offset, self.axis1, self.axis2 = int(offset), int(axis1), int(axis2)

    def make_node(self, v):
        v = as_tensor_variable(v)
        if v.type.ndim < 1:
            raise ValueError(
                f"AllocDiag needs an input with at least 1 dimension, got {v.type}"
            )
        out_ndim = v.type.ndim + 1
        a1 = normalize_axis_arg(self.axis1, out_ndim, "AllocDiag: axis1")
        a2 = normalize_axis_arg(self.axis2, out_ndim, "AllocDiag: axis2")
        if a1 == a2:
            raise ValueError(f"AllocDiag: axis1 and axis2 cannot be the same ({a1})")
        n = v.type.shape[-1]
        size = None if n is None else n + abs(self.offset)
        shape = list(v.type.shape[:-1])
        for a in sorted((a1, a2)):
            shape.insert(a, size)
        return Apply(self, [v], [TensorType(v.type.dtype, tuple(shape))()])

    def perform(self, node, inputs, output_storage, params=None):
        (v,) = inputs
        n = v.shape[-1]
        size = n + abs(self.offset)
        out = np.zeros((*v.shape[:-1], size, size), dtype=v.dtype)
        idx = np.arange(n)
        out[..., idx + max(0, -self.offset), idx + max(0, self.offset)] = v
        nd = out.ndim
        a1, a2 = self.axis1 % nd, self.axis2 % nd
        output_storage[0][0] = np.moveaxis(out, (-2, -1), (a1, a2))

    def infer_shape(self, fgraph, node, input_shapes):
        (shp,) = input_shapes
        size = shp[-1] + abs(self.offset)
        nd = len(shp) + 1
        out = list(shp[:-1])
        for a in sorted((self.axis1 % nd, self.axis2 % nd)):
            out.insert(a, size)
        return [tuple(out)]

    def grad(self, inputs, output_grads):
        (v,) = inputs
        if v.type.dtype in discrete_dtypes:
            return [zero_grad_for(v)]
        return [ExtractDiag(self.offset, self.axis1, self.axis2)(output_grads[0])]

    def R_op(self, inputs, eval_points):
        if eval_points[0] is None:
            return [None]
        return [self(eval_points[0])]


#: The main diagonal over the first two axes (``ExtractDiag()``), as in Aesara:
#: ``extract_diag(m)`` is ``numpy.diagonal(m)``.
extract_diag = ExtractDiag()


def diagonal(a: Any, offset: int = 0, axis1: int = 0, axis2: int = 1) -> TensorVariable:
    """The diagonal ``offset`` of ``a`` over ``(axis1, axis2)`` (``numpy.diagonal``)."""
    a = as_tensor_variable(a)
    if a.type.ndim < 2:
        raise ValueError(
            f"diagonal: the input needs 2 or more dimensions, got {a.type}"
        )
    a1 = normalize_axis_arg(axis1, a.type.ndim, "diagonal: axis1")
    a2 = normalize_axis_arg(axis2, a.type.ndim, "diagonal: axis2")
    return ExtractDiag(offset, a1, a2)(a)


def diag(v: Any, k: int = 0) -> TensorVariable:
    """Extract the diagonal of a matrix, or build a diagonal matrix from a vector."""
    v = as_tensor_variable(v)
    if v.type.ndim == 1:
        return AllocDiag(k)(v)
    if v.type.ndim == 2:
        return ExtractDiag(k)(v)
    raise ValueError(f"diag: input must be 1-d or 2-d, got {v.type}")


def trace(a: Any, offset: int = 0, axis1: int = 0, axis2: int = 1) -> TensorVariable:
    """Sum of the diagonal ``offset`` of ``a`` (``numpy.trace``)."""
    return _math().sum(diagonal(a, offset, axis1, axis2), axis=-1)


# ----------------------------------------------------------------------------
# Non-zero positions
# ----------------------------------------------------------------------------


class Nonzero(Op):
    """The indices of the non-zero elements of ``a`` as an ``(a.ndim, nnz)`` int64 matrix."""

    __props__ = ()

    def make_node(self, a):
        a = as_tensor_variable(a)
        if a.type.ndim == 0:
            raise ValueError(
                "Nonzero: calling nonzero on a 0-d tensor is not allowed; use atleast_1d first"
            )
        return Apply(self, [a], [TensorType("int64", (a.type.ndim, None))()])

    def perform(self, node, inputs, output_storage, params=None):
        (a,) = inputs
        idx = np.nonzero(a)
        output_storage[0][0] = np.asarray(idx, dtype="int64").reshape(a.ndim, -1)

    def grad(self, inputs, output_grads):
        return [zero_grad_for(inputs[0])]


_nonzero = Nonzero()


def nonzero(a: Any, return_matrix: bool = False):
    """Indices of the non-zero elements of ``a`` (``numpy.nonzero``).

    Returns a tuple of one index vector per dimension, or with
    ``return_matrix`` the ``(a.ndim, nnz)`` matrix holding them as rows.
    """
    m = _nonzero(a)
    if return_matrix:
        return m
    nd = m.type.shape[0]
    if nd == 1:
        return (m.dimshuffle(1),)
    rows = split(m, [1] * nd, nd, axis=0)
    return tuple(r.dimshuffle(1) for r in rows)


def _ravel(a: TensorVariable) -> TensorVariable:
    from aesara.tensor.shape import reshape

    return reshape(a, (-1,)) if a.type.ndim != 1 else a


def flatnonzero(a: Any) -> TensorVariable:
    """Indices of the non-zero elements of ``a`` flattened (``numpy.flatnonzero``)."""
    return _nonzero(_ravel(as_tensor_variable(a))).dimshuffle(1)


def nonzero_values(a: Any) -> TensorVariable:
    """The non-zero elements of ``a``, in flattened (row-major) order."""
    flat = _ravel(as_tensor_variable(a))
    return TakeAlongAxis(0)(flat, flatnonzero(flat))


# ----------------------------------------------------------------------------
# Index-based selection
# ----------------------------------------------------------------------------


def _broadcast_static(
    shapes: Sequence[Sequence[int | None]], what: str
) -> list[int | None]:
    nd = max((len(s) for s in shapes), default=0)
    out = []
    for d in range(nd):
        sizes = [s[len(s) - nd + d] for s in shapes if len(s) - nd + d >= 0]
        known = {s for s in sizes if s is not None and s != 1}
        if len(known) > 1:
            raise ValueError(
                f"{what}: shapes {list(shapes)} cannot be broadcast together"
            )
        if known:
            out.append(known.pop())
        elif any(s is None for s in sizes):
            out.append(None)
        else:
            out.append(1)
    return out


class TakeAlongAxis(Op):
    """``TakeAlongAxis(axis)(arr, indices)``: ``numpy.take_along_axis``.

    ``arr`` and ``indices`` have the same rank and broadcast on every
    dimension but ``axis``.
    """

    __props__ = ("axis",)

    def __init__(self, axis: int):
        self.axis = int(axis)

    def make_node(self, arr, indices):
        arr = as_tensor_variable(arr)
        indices = as_tensor_variable(indices)
        if indices.type.dtype not in integer_dtypes:
            raise IndexError(
                f"take_along_axis: indices must be integers, got {indices.type.dtype}"
            )
        if arr.type.ndim != indices.type.ndim:
            raise ValueError(
                "take_along_axis: indices and arr must have the same number of dimensions; "
                f"got {indices.type.ndim} and {arr.type.ndim}"
            )
        if arr.type.ndim == 0:
            raise ValueError("take_along_axis: arr must be at least 1-d")
        ax = normalize_axis_arg(self.axis, arr.type.ndim, "take_along_axis: axis")
        a_shape = list(arr.type.shape)
        a_shape[ax] = 1
        i_shape = list(indices.type.shape)
        i_shape[ax] = 1
        shape = _broadcast_static([a_shape, i_shape], "take_along_axis")
        shape[ax] = indices.type.shape[ax]
        return Apply(self, [arr, indices], [TensorType(arr.type.dtype, tuple(shape))()])

    def perform(self, node, inputs, output_storage, params=None):
        arr, idx = inputs
        n = arr.shape[self.axis]
        if idx.size and (idx.max() >= n or idx.min() < -n):
            raise IndexError(
                f"take_along_axis: index out of bounds for axis {self.axis} of size {n}"
            )
        output_storage[0][0] = np.take_along_axis(arr, idx, axis=self.axis)

    def infer_shape(self, fgraph, node, input_shapes):
        from aesara.tensor.extra_ops import broadcast_shape

        a, i = input_shapes
        ax = self.axis % len(a)
        a_b = list(a)
        a_b[ax] = 1
        i_b = list(i)
        i_b[ax] = 1
        out = list(broadcast_shape(tuple(a_b), tuple(i_b), arrays_are_shapes=True))
        out[ax] = i[ax]
        return [tuple(out)]

    def connection_pattern(self, node):
        return [[True], [False]]

    def L_op(self, inputs, outputs, output_grads):
        arr, idx = inputs
        if arr.type.dtype in discrete_dtypes:
            return [zero_grad_for(arr), disconnected()]
        return [
            ScatterAddAlongAxis(self.axis)(arr, idx, output_grads[0]),
            disconnected(),
        ]


class ScatterAddAlongAxis(Op):
    """``ScatterAddAlongAxis(axis)(like, indices, values)``: the gradient of
    :class:`TakeAlongAxis`; zeros of ``like``'s shape with ``values`` added at
    ``indices`` along ``axis`` (repeated indices accumulate)."""

    __props__ = ("axis",)

    def __init__(self, axis: int):
        self.axis = int(axis)

    def make_node(self, like, indices, values):
        like, indices, values = (as_tensor_variable(v) for v in (like, indices, values))
        return Apply(
            self,
            [like, indices, values],
            [TensorType(values.type.dtype, like.type.shape)()],
        )

    def perform(self, node, inputs, output_storage, params=None):
        like, idx, values = inputs
        ax = self.axis % like.ndim
        full = list(values.shape)
        full[ax] = like.shape[ax]
        out = np.zeros(full, dtype=node.outputs[0].type.dtype)
        idx = np.broadcast_to(idx, values.shape)
        grids = list(np.ix_(*[np.arange(s) for s in values.shape]))
        grids[ax] = idx
        np.add.at(out, tuple(grids), values)
        # Sum over dimensions that ``like`` broadcast.
        red = tuple(
            d for d in range(like.ndim) if like.shape[d] == 1 and out.shape[d] != 1
        )
        if red:
            out = out.sum(axis=red, keepdims=True)
        output_storage[0][0] = out.reshape(like.shape)

    def infer_shape(self, fgraph, node, input_shapes):
        return [input_shapes[0]]

    def connection_pattern(self, node):
        return [[False], [False], [True]]

    def L_op(self, inputs, outputs, output_grads):
        like, idx, values = inputs
        return [
            disconnected(),
            disconnected(),
            TakeAlongAxis(self.axis)(output_grads[0], idx),
        ]


def take_along_axis(arr: Any, indices: Any, axis: int | None = 0) -> TensorVariable:
    """Pick values of ``arr`` at ``indices`` along ``axis`` (``numpy.take_along_axis``).

    Parameters
    ----------
    arr
        The tensor to read from.
    indices
        Integer indices, with as many dimensions as ``arr``.
    axis
        The axis the indices run along (default 0, as in Aesara); ``None``
        flattens ``arr`` first, and then ``indices`` must be 1-d.
    """
    arr = as_tensor_variable(arr)
    indices = as_tensor_variable(indices)
    if axis is None:
        if indices.type.ndim != 1:
            raise ValueError(
                f"take_along_axis: with axis=None, indices must be 1-d, got {indices.type}"
            )
        return TakeAlongAxis(0)(_ravel(arr), indices)
    axis = normalize_axis_arg(axis, arr.type.ndim, "take_along_axis: axis")
    return TakeAlongAxis(axis)(arr, indices)


class Choose(Op):
    """``Choose(mode)(a, choices)``: ``numpy.choose`` with ``choices`` an array
    whose first axis lists the alternatives."""

    __props__ = ("mode",)

    def __init__(self, mode: str = "raise"):
        if mode not in ("raise", "wrap", "clip"):
            raise ValueError(
                f"choose: mode must be 'raise', 'wrap' or 'clip', got {mode!r}"
            )
        self.mode = mode

    def make_node(self, a, choices):
        a = as_tensor_variable(a)
        choices = as_tensor_variable(choices)
        if a.type.dtype not in integer_dtypes:
            raise TypeError(
                f"choose: the index array a must be integer, got {a.type.dtype}"
            )
        if choices.type.ndim == 0:
            raise ValueError("choose: choices must have at least one dimension")
        shape = _broadcast_static([a.type.shape, choices.type.shape[1:]], "choose")
        return Apply(
            self, [a, choices], [TensorType(choices.type.dtype, tuple(shape))()]
        )

    def perform(self, node, inputs, output_storage, params=None):
        a, choices = inputs
        try:
            out = np.choose(a, choices, mode=self.mode)
        except ValueError as e:
            raise ValueError(f"choose: {e}") from None
        output_storage[0][0] = np.asarray(out, dtype=node.outputs[0].type.dtype)

    def infer_shape(self, fgraph, node, input_shapes):
        from aesara.tensor.extra_ops import broadcast_shape

        a, c = input_shapes
        return [tuple(broadcast_shape(tuple(a), tuple(c[1:]), arrays_are_shapes=True))]

    def connection_pattern(self, node):
        return [[False], [True]]

    def L_op(self, inputs, outputs, output_grads):
        a, choices = inputs
        (gz,) = output_grads
        if choices.type.dtype in discrete_dtypes:
            return [disconnected(), zero_grad_for(choices)]
        atm = _math()
        from aesara.tensor.extra_ops import sum_to_input
        from aesara.tensor.shape import shape_i

        n = shape_i(choices, 0)
        if self.mode == "wrap":
            a = atm.mod(a, n)
        elif self.mode == "clip":
            a = atm.clip(a, 0, n - 1)
        nd = outputs[0].type.ndim
        positions = arange(n).dimshuffle([0] + ["x"] * nd)
        pad = nd - a.type.ndim
        a_b = a.dimshuffle(["x"] * (pad + 1) + list(range(a.type.ndim)))
        onehot = cast(atm.eq(a_b, positions), gz.type.dtype)
        g = onehot * gz.dimshuffle(["x"] + list(range(nd)))
        return [disconnected(), sum_to_input(g, choices)]


def choose(
    a: Any, choices: Any, out: None = None, mode: str = "raise"
) -> TensorVariable:
    """Build an array from ``choices`` selected by the indices ``a`` (``numpy.choose``).

    ``choices`` is a tensor whose first axis lists the alternatives, or a
    list/tuple of tensors (broadcast against each other). ``out`` exists for
    NumPy's signature and must be ``None`` (symbolic results are new values).
    """
    if out is not None:
        raise TypeError(
            "choose: out must be None; symbolic results cannot be written in place"
        )
    if isinstance(choices, (list, tuple)):
        from aesara.tensor.extra_ops import broadcast_arrays

        choices = stack(list(broadcast_arrays(*choices)))
    return Choose(mode)(a, choices)


# ----------------------------------------------------------------------------
# Default
# ----------------------------------------------------------------------------


class Default(Op):
    """``default(x, fallback)``: ``x`` if it holds a value, else ``fallback``.

    Both inputs must have the same type; the output is ``x`` itself (a view)
    when ``x`` is not ``None``.
    """

    __props__ = ()
    view_map = {0: [0]}

    def make_node(self, x, default):
        x = as_tensor_variable(x)
        default = as_tensor_variable(default)
        if x.type.dtype != default.type.dtype or x.type.ndim != default.type.ndim:
            raise TypeError(
                f"default: x and default must have the same type; got {x.type} and {default.type}"
            )
        return Apply(self, [x, default], [x.type()])

    def perform(self, node, inputs, output_storage, params=None):
        x, d = inputs
        output_storage[0][0] = d.copy() if x is None else x


default = Default()


__all__ = [
    "Eye",
    "eye",
    "identity_like",
    "Tri",
    "tri",
    "tril",
    "triu",
    "tril_indices",
    "triu_indices",
    "tril_indices_from",
    "triu_indices_from",
    "ARange",
    "arange",
    "mgrid",
    "ogrid",
    "ExtractDiag",
    "AllocDiag",
    "DiagonalScatter",
    "diagonal",
    "diag",
    "extract_diag",
    "trace",
    "Nonzero",
    "nonzero",
    "flatnonzero",
    "nonzero_values",
    "TakeAlongAxis",
    "ScatterAddAlongAxis",
    "take_along_axis",
    "Choose",
    "choose",
    "Default",
    "default",
]
