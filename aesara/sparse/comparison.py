"""Element-wise comparisons of sparse matrices, with each other or with dense matrices.

Results are ``uint8`` (1 where the comparison holds), as in Aesara:

- sparse vs sparse (``...SS`` ops): a sparse matrix in the operands' common
  format. ``==``, ``<=`` and ``>=`` hold where both operands are zero, so
  their results store most entries;
- sparse vs dense matrix (``...SD`` ops): a dense matrix.

:func:`eq`, :func:`neq`, :func:`lt`, :func:`gt`, :func:`le` and :func:`ge`
pick the op from the operands; with the dense operand on the left, the
comparison is flipped (``dense < sparse`` is ``sparse > dense``). Ordering
comparisons of complex matrices are refused. None of these ops has a
gradient.
"""

from __future__ import annotations

import operator
import warnings
from collections.abc import Callable
from typing import Any

import numpy as np
import scipy.sparse

from aesara.graph.basic import Apply
from aesara.graph.op import Op
from aesara.sparse.arithmetic import (
    _as_operand,
    _check_same_shape,
    _dense_operand,
    _is_sparse_var,
    _merge_static,
    _sparse_operand,
)
from aesara.sparse.type import SparseTensorType
from aesara.tensor.type import TensorType, complex_dtypes

__all__ = [
    "EqualSD",
    "EqualSS",
    "GreaterEqualSD",
    "GreaterEqualSS",
    "GreaterThanSD",
    "GreaterThanSS",
    "LessEqualSD",
    "LessEqualSS",
    "LessThanSD",
    "LessThanSS",
    "NotEqualSD",
    "NotEqualSS",
    "eq",
    "equal_s_d",
    "equal_s_s",
    "ge",
    "greater_equal_s_d",
    "greater_equal_s_s",
    "greater_than_s_d",
    "greater_than_s_s",
    "gt",
    "le",
    "less_equal_s_d",
    "less_equal_s_s",
    "less_than_s_d",
    "less_than_s_s",
    "lt",
    "neq",
    "not_equal_s_d",
    "not_equal_s_s",
]


class _Comparison(Op):
    """Shared checks of the comparison ops; subclasses set ``comparison`` and ``ordering``."""

    __props__ = ()
    comparison: Callable[[Any, Any], Any] = staticmethod(operator.eq)
    # Ordering comparisons (<, >, <=, >=) are undefined for complex numbers.
    ordering = False

    def _check_dtypes(self, x, y) -> None:
        if self.ordering and (
            x.type.dtype in complex_dtypes or y.type.dtype in complex_dtypes
        ):
            raise TypeError(
                f"{type(self).__name__}: ordering comparisons of complex values are not "
                f"supported (got {x.type.dtype} and {y.type.dtype})"
            )

    def infer_shape(self, fgraph, node, shapes):
        return [shapes[0]]


class _ComparisonSS(_Comparison):
    """A comparison of two sparse matrices of the same format: a sparse uint8 matrix."""

    def make_node(self, x, y):
        name = type(self).__name__
        x = _sparse_operand(x, name, "x")
        y = _sparse_operand(y, name, "y")
        if x.type.format != y.type.format:
            raise NotImplementedError(
                f"{name}: both matrices must have the same format, got {x.type.format} "
                f"and {y.type.format}"
            )
        self._check_dtypes(x, y)
        shape = _merge_static(x.type.shape, y.type.shape, name)
        out = SparseTensorType(x.type.format, "uint8", shape)()
        return Apply(self, [x, y], [out])

    def perform(self, node, inputs, outputs):
        x, y = inputs
        _check_same_shape(x, y, type(self).__name__)
        with warnings.catch_warnings():
            # SciPy warns that ==, <= and >= store most entries: that is their meaning.
            warnings.simplefilter("ignore", scipy.sparse.SparseEfficiencyWarning)
            res = self.comparison(x, y)
        outputs[0][0] = scipy.sparse.csr_matrix(res).asformat(x.format).astype("uint8")


class _ComparisonSD(_Comparison):
    """A comparison of a sparse matrix with a dense matrix: a dense uint8 matrix."""

    def make_node(self, x, y):
        name = type(self).__name__
        x = _sparse_operand(x, name, "x")
        y = _dense_operand(y, name, "y (the dense operand of a comparison)", (2,))
        self._check_dtypes(x, y)
        shape = _merge_static(x.type.shape, y.type.shape, name)
        return Apply(self, [x, y], [TensorType("uint8", shape=shape)()])

    def perform(self, node, inputs, outputs):
        x, y = inputs
        _check_same_shape(x, y, type(self).__name__)
        outputs[0][0] = np.asarray(self.comparison(x.toarray(), y), dtype="uint8")


class EqualSS(_ComparisonSS):
    """``x == y`` of two sparse matrices."""

    comparison = staticmethod(operator.eq)


class EqualSD(_ComparisonSD):
    """``x == y`` of a sparse and a dense matrix."""

    comparison = staticmethod(operator.eq)


class NotEqualSS(_ComparisonSS):
    """``x != y`` of two sparse matrices."""

    comparison = staticmethod(operator.ne)


class NotEqualSD(_ComparisonSD):
    """``x != y`` of a sparse and a dense matrix."""

    comparison = staticmethod(operator.ne)


class LessThanSS(_ComparisonSS):
    """``x < y`` of two sparse matrices."""

    comparison = staticmethod(operator.lt)
    ordering = True


class LessThanSD(_ComparisonSD):
    """``x < y`` of a sparse and a dense matrix."""

    comparison = staticmethod(operator.lt)
    ordering = True


class GreaterThanSS(_ComparisonSS):
    """``x > y`` of two sparse matrices."""

    comparison = staticmethod(operator.gt)
    ordering = True


class GreaterThanSD(_ComparisonSD):
    """``x > y`` of a sparse and a dense matrix."""

    comparison = staticmethod(operator.gt)
    ordering = True


class LessEqualSS(_ComparisonSS):
    """``x <= y`` of two sparse matrices."""

    comparison = staticmethod(operator.le)
    ordering = True


class LessEqualSD(_ComparisonSD):
    """``x <= y`` of a sparse and a dense matrix."""

    comparison = staticmethod(operator.le)
    ordering = True


class GreaterEqualSS(_ComparisonSS):
    """``x >= y`` of two sparse matrices."""

    comparison = staticmethod(operator.ge)
    ordering = True


class GreaterEqualSD(_ComparisonSD):
    """``x >= y`` of a sparse and a dense matrix."""

    comparison = staticmethod(operator.ge)
    ordering = True


equal_s_s = EqualSS()
equal_s_d = EqualSD()
not_equal_s_s = NotEqualSS()
not_equal_s_d = NotEqualSD()
less_than_s_s = LessThanSS()
less_than_s_d = LessThanSD()
greater_than_s_s = GreaterThanSS()
greater_than_s_d = GreaterThanSD()
less_equal_s_s = LessEqualSS()
less_equal_s_d = LessEqualSD()
greater_equal_s_s = GreaterEqualSS()
greater_equal_s_d = GreaterEqualSD()


def _comparison_switch(
    ss: Op, sd: Op, ds: Op, symbol: str
) -> Callable[[Any, Any], Any]:
    """A function of two operands that applies ``ss``, ``sd`` or ``ds`` (operands swapped)."""

    def compare(x: Any, y: Any):
        x, y = _as_operand(x), _as_operand(y)
        x_sparse, y_sparse = _is_sparse_var(x), _is_sparse_var(y)
        if x_sparse and y_sparse:
            return ss(x, y)
        if x_sparse:
            return sd(x, y)
        if y_sparse:
            # The dense operand is on the left: compare the other way round.
            return ds(y, x)
        raise TypeError(
            f"sparse comparison {symbol}: at least one operand must be sparse, got "
            f"{x.type} and {y.type}"
        )

    compare.__doc__ = (
        f"``x {symbol} y`` where at least one operand is sparse: a sparse uint8 "
        "matrix when both are sparse, a dense uint8 matrix otherwise."
    )
    return compare


eq = _comparison_switch(equal_s_s, equal_s_d, equal_s_d, "==")
eq.__name__ = "eq"
neq = _comparison_switch(not_equal_s_s, not_equal_s_d, not_equal_s_d, "!=")
neq.__name__ = "neq"
lt = _comparison_switch(less_than_s_s, less_than_s_d, greater_than_s_d, "<")
lt.__name__ = "lt"
gt = _comparison_switch(greater_than_s_s, greater_than_s_d, less_than_s_d, ">")
gt.__name__ = "gt"
le = _comparison_switch(less_equal_s_s, less_equal_s_d, greater_equal_s_d, "<=")
le.__name__ = "le"
ge = _comparison_switch(greater_equal_s_s, greater_equal_s_d, less_equal_s_d, ">=")
ge.__name__ = "ge"
