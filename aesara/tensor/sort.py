"""Sorting and selection: ``sort``, ``argsort``, ``topk``, ``argtopk``.

:class:`SortOp` and :class:`ArgSortOp` wrap ``numpy.sort``/``numpy.argsort``
along one axis (the axis is a symbolic integer input, as in Aesara).
:class:`TopKOp` selects the ``k`` largest (``kth > 0``) or smallest
(``kth < 0``) entries along an axis and returns their values and/or indices.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from aesara.graph.basic import Apply, Constant, Variable
from aesara.graph.op import Op
from aesara.tensor._construct import ScatterAddAlongAxis, TakeAlongAxis
from aesara.tensor._join import disconnected, zero_grad_for
from aesara.tensor.basic import as_tensor_variable
from aesara.tensor.type import TensorType, discrete_dtypes, integer_dtypes
from aesara.tensor.var import TensorVariable

__all__ = [
    "ArgSortOp",
    "SortOp",
    "TopKOp",
    "argsort",
    "argtopk",
    "sort",
    "topk",
    "topk_and_argtopk",
]

_SORT_KINDS = ("quicksort", "mergesort", "heapsort", "stable")


def _check_kind(kind: str, order: Any, what: str) -> None:
    if kind not in _SORT_KINDS:
        raise ValueError(f"{what}: kind must be one of {_SORT_KINDS}, got {kind!r}")
    if order is not None:
        # Tensors never have structured dtypes, so NumPy would refuse it too.
        raise ValueError(
            f"{what}: order={order!r} needs a structured dtype; tensors have none "
            "(use order=None)"
        )


def _as_axis(axis: Any, x: TensorVariable, what: str) -> Variable:
    """The axis input: an integer scalar, checked against ``x`` when constant."""
    axis = as_tensor_variable(axis)
    if axis.type.ndim != 0 or axis.type.dtype not in integer_dtypes:
        raise TypeError(f"{what}: axis must be an integer scalar, got {axis.type}")
    if isinstance(axis, Constant):
        a = int(axis.data)
        if not -x.type.ndim <= a < x.type.ndim:
            raise np.exceptions.AxisError(
                f"{what}: axis {a} is out of bounds for a tensor of "
                f"{x.type.ndim} dimension(s)"
            )
    elif x.type.ndim == 0:
        raise np.exceptions.AxisError(
            f"{what}: a 0-d tensor has no axis to sort along (use axis=None)"
        )
    return axis


def _runtime_axis(axis: Any, ndim: int, what: str) -> int:
    a = int(axis)
    if not -ndim <= a < ndim:
        raise np.exceptions.AxisError(
            f"{what}: axis {a} is out of bounds for an array of {ndim} dimension(s)"
        )
    return a % ndim


def _constant_axis(axis: Variable) -> int | None:
    return int(axis.data) if isinstance(axis, Constant) else None


class SortOp(Op):
    """``SortOp(kind, order)(x, axis)``: ``numpy.sort`` along ``axis``."""

    __props__ = ("kind", "order")

    def __init__(self, kind: str = "quicksort", order: Any = None):
        _check_kind(kind, order, "sort")
        self.kind = kind
        self.order = order

    def __str__(self):
        return f"{type(self).__name__}{{{self.kind}, {self.order}}}"

    def make_node(self, input, axis=-1):
        x = as_tensor_variable(input)
        axis = _as_axis(axis, x, "sort")
        return Apply(self, [x, axis], [x.type()])

    def perform(self, node, inputs, output_storage, params=None):
        x, axis = inputs
        axis = _runtime_axis(axis, x.ndim, "sort")
        output_storage[0][0] = np.sort(x, axis=axis, kind=self.kind)

    def infer_shape(self, fgraph, node, input_shapes):
        return [input_shapes[0]]

    def connection_pattern(self, node):
        return [[True], [False]]

    def L_op(self, inputs, outputs, output_grads):
        x, axis = inputs
        if x.type.dtype in discrete_dtypes:
            return [zero_grad_for(x), disconnected()]
        ax = _constant_axis(axis)
        if ax is None:
            from aesara.gradient import grad_not_implemented

            return [
                grad_not_implemented(
                    self, 0, x, "the gradient of sort needs a constant axis"
                ),
                disconnected(),
            ]
        # sort(x) == take_along_axis(x, argsort(x)): scatter the gradient back.
        idx = ArgSortOp(self.kind)(x, axis)
        return [ScatterAddAlongAxis(ax)(x, idx, output_grads[0]), disconnected()]

    def R_op(self, inputs, eval_points):
        x, axis = inputs
        if eval_points[0] is None:
            return [None]
        ax = _constant_axis(axis)
        if ax is None:
            raise NotImplementedError("sort: R_op needs a constant axis")
        return [TakeAlongAxis(ax)(eval_points[0], ArgSortOp(self.kind)(x, axis))]


class ArgSortOp(Op):
    """``ArgSortOp(kind, order)(x, axis)``: ``numpy.argsort`` along ``axis`` (int64)."""

    __props__ = ("kind", "order")

    def __init__(self, kind: str = "quicksort", order: Any = None):
        _check_kind(kind, order, "argsort")
        self.kind = kind
        self.order = order

    def __str__(self):
        return f"{type(self).__name__}{{{self.kind}, {self.order}}}"

    def make_node(self, input, axis=-1):
        x = as_tensor_variable(input)
        axis = _as_axis(axis, x, "argsort")
        return Apply(self, [x, axis], [TensorType("int64", x.type.shape)()])

    def perform(self, node, inputs, output_storage, params=None):
        x, axis = inputs
        axis = _runtime_axis(axis, x.ndim, "argsort")
        output_storage[0][0] = np.argsort(x, axis=axis, kind=self.kind).astype(
            "int64", copy=False
        )

    def infer_shape(self, fgraph, node, input_shapes):
        return [input_shapes[0]]

    def connection_pattern(self, node):
        return [[True], [False]]

    def L_op(self, inputs, outputs, output_grads):
        # Piecewise constant: a zero gradient, as in Aesara.
        return [zero_grad_for(inputs[0]), disconnected()]

    def R_op(self, inputs, eval_points):
        return [None]


def _flatten_for_none(a: Any, axis: Any) -> tuple[TensorVariable, Any]:
    a = as_tensor_variable(a)
    if axis is None:
        return a.flatten(), 0
    return a, axis


def sort(
    a: Any, axis: Any = -1, kind: str = "quicksort", order: Any = None
) -> TensorVariable:
    """Return a sorted copy of ``a`` (``numpy.sort``).

    Parameters
    ----------
    a
        The tensor to sort.
    axis
        Axis to sort along (an integer or integer scalar variable); ``None``
        sorts the flattened tensor.
    kind
        ``"quicksort"``, ``"mergesort"``, ``"heapsort"`` or ``"stable"``.
    order
        Only ``None`` (tensors have no structured dtypes).

    Returns
    -------
    TensorVariable
        The sorted values; NaNs are placed last, as NumPy does.
    """
    a, axis = _flatten_for_none(a, axis)
    return SortOp(kind, order)(a, axis)


def argsort(
    a: Any, axis: Any = -1, kind: str = "quicksort", order: Any = None
) -> TensorVariable:
    """Return the int64 indices that sort ``a`` along ``axis`` (``numpy.argsort``).

    Parameters are as for :func:`sort`.
    """
    a, axis = _flatten_for_none(a, axis)
    return ArgSortOp(kind, order)(a, axis)


# ---------------------------------------------------------------------------
# Top-k selection
# ---------------------------------------------------------------------------


def _topk_indices(x: np.ndarray, k: int, axis: int, ordered: bool) -> np.ndarray:
    """Indices of the ``k`` largest (``k > 0``) or ``-k`` smallest entries.

    With ``ordered``, the most extreme value comes first and ties keep the
    lower index first; NaNs count as larger than every number (as in
    ``numpy.sort``).
    """
    n = x.shape[axis]
    m = abs(k)
    if k < 0:
        idx = np.argsort(x, axis=axis, kind="stable")
        return np.take(idx, np.arange(m), axis=axis)
    if not ordered and m < n:
        part = np.argpartition(x, n - m, axis=axis)
        return np.take(part, np.arange(n - m, n), axis=axis)
    # Stable ascending sort of the reversed array, read backwards: descending
    # values, and equal values in increasing index order.
    rev = np.flip(x, axis=axis)
    idx = np.argsort(rev, axis=axis, kind="stable")
    last = np.take(idx, np.arange(n - 1, n - 1 - m, -1), axis=axis)
    return (n - 1) - last


class TopKOp(Op):
    """The ``|kth|`` largest (``kth > 0``) or smallest (``kth < 0``) entries.

    ``TopKOp(axis, sorted, idx_dtype, return_values, return_indices)(x, kth)``
    returns the values and/or their indices along ``axis``. With
    ``sorted=True`` the most extreme entry comes first (descending for the
    largest, ascending for the smallest) and ties keep the lower index
    first; with ``sorted=False`` the order is unspecified.
    """

    __props__ = ("axis", "sorted", "return_values", "return_indices", "idx_dtype")

    def __init__(
        self,
        axis: int = -1,
        sorted: bool = True,  # noqa: A002 - Aesara's name
        idx_dtype: str = "int64",
        return_values: bool = True,
        return_indices: bool = True,
    ):
        if isinstance(axis, (bool, np.bool_)) or not isinstance(
            axis, (int, np.integer)
        ):
            raise TypeError(f"TopKOp: axis must be an integer, got {axis!r}")
        if idx_dtype not in integer_dtypes:
            raise TypeError(
                f"TopKOp: idx_dtype must be an integer dtype, got {idx_dtype!r}"
            )
        if not (return_values or return_indices):
            raise ValueError(
                "TopKOp: at least one of return_values and return_indices must be True"
            )
        self.axis = int(axis)
        self.sorted = bool(sorted)
        self.idx_dtype = str(idx_dtype)
        self.return_values = bool(return_values)
        self.return_indices = bool(return_indices)

    def __str__(self):
        return f"{type(self).__name__}{{axis={self.axis}, sorted={self.sorted}}}"

    def make_node(self, inp, kth):
        x = as_tensor_variable(inp)
        ndim = x.type.ndim
        if ndim == 0:
            raise ValueError("topk: the input must have at least one dimension")
        if not -ndim <= self.axis < ndim:
            raise IndexError(
                f"topk: axis {self.axis} is out of range, expected an integer in "
                f"[{-ndim}, {ndim - 1}]"
            )
        kth = as_tensor_variable(kth)
        if kth.type.ndim != 0 or kth.type.dtype not in integer_dtypes:
            raise TypeError(f"topk: kth must be an integer scalar, got {kth.type}")
        shape = list(x.type.shape)
        ax = self.axis % ndim
        if isinstance(kth, Constant):
            k = int(kth.data)
            if k == 0:
                raise ValueError("topk: kth cannot be zero")
            if shape[ax] is not None and abs(k) > shape[ax]:
                raise ValueError(
                    f"topk: |kth| = {abs(k)} is larger than the size {shape[ax]} "
                    f"of axis {self.axis}"
                )
            shape[ax] = abs(k)
        else:
            shape[ax] = None
        outs = []
        if self.return_values:
            outs.append(TensorType(x.type.dtype, tuple(shape))())
        if self.return_indices:
            outs.append(TensorType(self.idx_dtype, tuple(shape))())
        return Apply(self, [x, kth], outs)

    def perform(self, node, inputs, output_storage, params=None):
        x, kth = inputs
        k = int(kth)
        ax = self.axis % x.ndim
        n = x.shape[ax]
        if k == 0:
            raise ValueError("topk: kth cannot be zero")
        if abs(k) > n:
            raise ValueError(
                f"topk: |kth| = {abs(k)} is larger than the size {n} of axis {self.axis}"
            )
        idx = _topk_indices(x, k, ax, self.sorted)
        out = 0
        if self.return_values:
            output_storage[0][0] = np.take_along_axis(x, idx, axis=ax)
            out = 1
        if self.return_indices:
            output_storage[out][0] = idx.astype(self.idx_dtype, copy=False)

    def infer_shape(self, fgraph, node, input_shapes):
        from aesara.tensor.math import abs as at_abs

        shp = list(input_shapes[0])
        kth = node.inputs[1]
        if isinstance(kth, Constant):
            shp[self.axis % len(shp)] = abs(int(kth.data))
        else:
            shp[self.axis % len(shp)] = at_abs(kth).astype("int64")
        return [tuple(shp)] * len(node.outputs)

    def connection_pattern(self, node):
        return [[True] * len(node.outputs), [False] * len(node.outputs)]

    def _indices(self, inputs, outputs):
        if self.return_indices:
            return outputs[-1]
        op = TopKOp(self.axis, self.sorted, "int64", False, True)
        return op(*inputs)

    def L_op(self, inputs, outputs, output_grads):
        x, kth = inputs
        if x.type.dtype in discrete_dtypes or not self.return_values:
            # Integer inputs, or only indices: piecewise constant.
            return [zero_grad_for(x), disconnected()]
        idx = self._indices(inputs, outputs)
        ax = self.axis % x.type.ndim
        return [ScatterAddAlongAxis(ax)(x, idx, output_grads[0]), disconnected()]

    def R_op(self, inputs, eval_points):
        x, kth = inputs
        res: list = [None] * (int(self.return_values) + int(self.return_indices))
        if eval_points[0] is None or not self.return_values:
            return res
        ax = self.axis % x.type.ndim
        idx = self._indices(inputs, self(*inputs, return_list=True))
        res[0] = TakeAlongAxis(ax)(eval_points[0], idx)
        return res


def _topk_input(x: Any, axis: int | None) -> tuple[TensorVariable, int]:
    x = as_tensor_variable(x)
    if axis is None:
        return x.flatten(), 0
    return x, axis


def topk(
    x: Any,
    kth: Any,
    axis: int | None = -1,
    sorted: bool = True,  # noqa: A002 - Aesara's name
    idx_dtype: str = "int64",
) -> TensorVariable:
    """The ``kth`` largest values of ``x`` along ``axis`` (smallest if ``kth < 0``).

    Parameters
    ----------
    x
        The input tensor (at least 1-d).
    kth
        Number of entries to keep: an integer or integer scalar variable,
        non-zero and at most the axis' length in absolute value.
    axis
        Axis to select along; ``None`` works on the flattened tensor.
    sorted
        Return the entries most extreme first (descending for ``kth > 0``,
        ascending for ``kth < 0``); ``False`` leaves the order unspecified.
    idx_dtype
        Integer dtype of the indices (used by the gradient).

    Returns
    -------
    TensorVariable
        ``x``'s shape with ``|kth|`` entries along ``axis``.
    """
    x, axis = _topk_input(x, axis)
    return TopKOp(axis=axis, sorted=sorted, idx_dtype=idx_dtype)(x, kth)[0]


def argtopk(
    x: Any,
    kth: Any,
    axis: int | None = -1,
    sorted: bool = True,  # noqa: A002 - Aesara's name
    idx_dtype: str = "int64",
) -> TensorVariable:
    """The indices of :func:`topk`'s values along ``axis`` (``idx_dtype``).

    With ``axis=None`` they index the flattened tensor.
    """
    x, axis = _topk_input(x, axis)
    return TopKOp(axis=axis, sorted=sorted, idx_dtype=idx_dtype)(x, kth)[1]


def topk_and_argtopk(
    x: Any,
    kth: Any,
    axis: int | None = -1,
    sorted: bool = True,  # noqa: A002 - Aesara's name
    idx_dtype: str = "int64",
) -> tuple[TensorVariable, TensorVariable]:
    """Both :func:`topk` and :func:`argtopk`, computed by one node."""
    x, axis = _topk_input(x, axis)
    values, indices = TopKOp(axis=axis, sorted=sorted, idx_dtype=idx_dtype)(x, kth)
    return values, indices
