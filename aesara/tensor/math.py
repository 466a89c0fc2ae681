"""Element-wise math and reductions on tensors.

Every element-wise function here is an :class:`~aesara.tensor.elemwise.Elemwise`
instance wrapping the scalar op of the same name from :mod:`aesara.scalar.basic`
(so ``add(x, y)`` and ``x + y`` build the same graph). Reductions are
:class:`~aesara.tensor.elemwise.CAReduce` subclasses (:class:`Sum`,
:class:`Prod`, :class:`Max`, :class:`Min`, :class:`All`, :class:`Any`) plus
:class:`MaxAndArgmax` and :class:`Argmax`; the functions ``sum``, ``mean``,
``var``... wrap them and handle ``keepdims``.
"""

from __future__ import annotations

import builtins
import typing
import warnings
from collections.abc import Sequence

import numpy as np

import aesara.scalar.basic as aes
from aesara.graph.basic import Apply, Variable
from aesara.graph.op import Op
from aesara.tensor.elemwise import (
    CAReduce,
    DimShuffle,
    Elemwise,
    _as_tensor,
    _dimshuffle,
    _floatX,
    _is_disconnected_or_null,
    _tensor_type,
    _zeros_like,
    normalize_axis,
    scalar_elemwise,
)

AxisLike = int | Sequence[int] | None

_CONTINUOUS_KINDS = "fc"


def _is_discrete(v: Variable) -> bool:
    return np.dtype(v.type.dtype).kind not in _CONTINUOUS_KINDS


def _cast(x: Variable, dtype: str) -> Variable:
    if x.type.dtype == dtype:
        return x
    from aesara.tensor.basic import cast

    return cast(x, dtype)


def _keep_dims(x: Variable, y: Variable, axis: AxisLike) -> Variable:
    """Re-insert the axes of ``x`` reduced away in ``y`` as length-1 axes."""
    axes = normalize_axis(axis, x.type.ndim)
    if axes is None:
        axes = tuple(range(x.type.ndim))
    order: list[int | str] = []
    k = 0
    for d in range(x.type.ndim):
        if d in axes:
            order.append("x")
        else:
            order.append(k)
            k += 1
    return _dimshuffle(y, order)


# ---------------------------------------------------------------------------
# Comparisons and logic
# ---------------------------------------------------------------------------


@scalar_elemwise
def lt(a, b):
    """a < b, element-wise (boolean result)."""


@scalar_elemwise
def gt(a, b):
    """a > b, element-wise (boolean result)."""


@scalar_elemwise
def le(a, b):
    """a <= b, element-wise (boolean result)."""


@scalar_elemwise
def ge(a, b):
    """a >= b, element-wise (boolean result)."""


@scalar_elemwise
def eq(a, b):
    """a == b, element-wise (boolean result)."""


@scalar_elemwise
def neq(a, b):
    """a != b, element-wise (boolean result)."""


@scalar_elemwise
def isnan(a):
    """Whether each element of ``a`` is NaN."""


@scalar_elemwise
def isinf(a):
    """Whether each element of ``a`` is positive or negative infinity."""


@scalar_elemwise
def and_(a, b):
    """Bitwise a & b (logical and for booleans), element-wise."""


@scalar_elemwise
def or_(a, b):
    """Bitwise a | b (logical or for booleans), element-wise."""


@scalar_elemwise
def xor(a, b):
    """Bitwise a ^ b (logical xor for booleans), element-wise."""


@scalar_elemwise
def invert(a):
    """Bitwise ~a (logical not for booleans), element-wise."""


bitwise_and = and_
bitwise_or = or_
bitwise_xor = xor
bitwise_not = invert


def isclose(
    a: typing.Any,
    b: typing.Any,
    rtol: float = 1.0e-5,
    atol: float = 1.0e-8,
    equal_nan: bool = False,
) -> Variable:
    """Element-wise ``|a - b| <= atol + rtol * |b|``, like :func:`numpy.isclose`.

    Parameters
    ----------
    a, b
        Tensors to compare (broadcast together).
    rtol, atol
        Relative and absolute tolerances.
    equal_nan
        Whether two NaNs count as close.

    Returns
    -------
    A boolean tensor. Infinities are close only to the same infinity.
    """
    a = _as_tensor(a)
    b = _as_tensor(b)
    if _is_discrete(a) and _is_discrete(b):
        a = _cast(a, "float64")
        b = _cast(b, "float64")
    diff = abs(sub(a, b))
    tol = add(atol, mul(rtol, abs(b)))
    close = le(diff, tol)
    # |inf - x| is inf or nan; infinities are close only to themselves.
    either_inf = or_(isinf(a), isinf(b))
    close = switch_(either_inf, eq(a, b), close)
    if equal_nan:
        close = or_(close, and_(isnan(a), isnan(b)))
    return close


def allclose(
    a: typing.Any,
    b: typing.Any,
    rtol: float = 1.0e-5,
    atol: float = 1.0e-8,
    equal_nan: bool = False,
) -> Variable:
    """Whether all elements of ``a`` and ``b`` are close (see :func:`isclose`)."""
    return all(isclose(a, b, rtol=rtol, atol=atol, equal_nan=equal_nan))


@scalar_elemwise(symbolname="switch")
def switch_(cond, ift, iff):
    """Element-wise ``ift if cond else iff`` (internal alias of ``switch``)."""


# ---------------------------------------------------------------------------
# Arithmetic
# ---------------------------------------------------------------------------


@scalar_elemwise
def add(a, *other_terms):
    """Element-wise sum of any number of tensors."""


@scalar_elemwise
def sub(a, b):
    """Element-wise a - b."""


@scalar_elemwise
def mul(a, *other_terms):
    """Element-wise product of any number of tensors."""


@scalar_elemwise
def true_div(a, b):
    """Element-wise a / b (floating-point division)."""


@scalar_elemwise
def int_div(a, b):
    """Element-wise a // b (floor division)."""


floor_div = int_div

# NumPy's names for the two divisions, which Aesara 2.9 uses as the main ones.
true_divide = true_div
floor_divide = int_div


def ceil_intdiv(a: typing.Any, b: typing.Any) -> Variable:
    """Element-wise ``ceil(a / b)`` for integer tensors, without going through floats."""
    a = _as_tensor(a)
    b = _as_tensor(b)
    div = int_div(a, b)
    # floor(a / b) + 1 exactly when the division is not exact.
    return add(div, _cast(neq(mod(a, b), 0), div.type.dtype))


@scalar_elemwise
def mod(a, b):
    """Element-wise a % b (result has the sign of ``b``, like Python/NumPy)."""


def mod_check(x: typing.Any, y: typing.Any) -> Variable:
    """Element-wise ``x % y``, rejecting complex inputs with a clear error."""
    x = _as_tensor(x)
    y = _as_tensor(y)
    for name, v in (("x", x), ("y", y)):
        if v.type.dtype.startswith("complex"):
            raise TypeError(
                f"mod: the modulo of complex numbers is undefined ({name} has dtype "
                f"{v.type.dtype})"
            )
    return mod(x, y)


def divmod(x: typing.Any, y: typing.Any) -> tuple[Variable, Variable]:
    """Return ``(x // y, x % y)``, element-wise."""
    return floor_div(x, y), mod_check(x, y)


@scalar_elemwise
def pow(a, b):
    """Element-wise a ** b."""


def power(x: typing.Any, y: typing.Any) -> Variable:
    """Element-wise ``x ** y`` (same as :data:`pow`)."""
    return pow(x, y)


@scalar_elemwise
def neg(a):
    """Element-wise -a."""


@scalar_elemwise
def abs(a):
    """Element-wise absolute value |a| (the modulus for complex numbers)."""


@scalar_elemwise
def sgn(a):
    """Element-wise sign of a: -1, 0 or 1."""


@scalar_elemwise(symbolname="scalar_maximum")
def maximum(x, y):
    """Element-wise maximum (NaN if either input is NaN)."""


@scalar_elemwise(symbolname="scalar_minimum")
def minimum(x, y):
    """Element-wise minimum (NaN if either input is NaN)."""


@scalar_elemwise
def clip(x, min, max):
    """Clip ``x`` element-wise to the interval [min, max]."""


@scalar_elemwise
def sqr(a):
    """Element-wise square a * a."""


square = sqr


@scalar_elemwise
def sqrt(a):
    """Element-wise square root."""


@scalar_elemwise
def reciprocal(a):
    """Element-wise 1 / a."""


# ---------------------------------------------------------------------------
# Exponentials, logarithms, trigonometry
# ---------------------------------------------------------------------------


@scalar_elemwise
def exp(a):
    """Element-wise e ** a."""


@scalar_elemwise
def exp2(a):
    """Element-wise 2 ** a."""


@scalar_elemwise
def expm1(a):
    """Element-wise e ** a - 1, accurate for small a."""


@scalar_elemwise
def log(a):
    """Element-wise natural logarithm."""


@scalar_elemwise
def log2(a):
    """Element-wise base-2 logarithm."""


@scalar_elemwise
def log10(a):
    """Element-wise base-10 logarithm."""


@scalar_elemwise
def log1p(a):
    """Element-wise log(1 + a), accurate for small a."""


@scalar_elemwise
def cos(a):
    """Element-wise cosine (radians)."""


@scalar_elemwise
def arccos(a):
    """Element-wise inverse cosine."""


@scalar_elemwise
def sin(a):
    """Element-wise sine (radians)."""


@scalar_elemwise
def arcsin(a):
    """Element-wise inverse sine."""


@scalar_elemwise
def tan(a):
    """Element-wise tangent (radians)."""


@scalar_elemwise
def arctan(a):
    """Element-wise inverse tangent."""


@scalar_elemwise
def arctan2(a, b):
    """Element-wise arctan(a / b), using the signs of both to pick the quadrant."""


@scalar_elemwise
def cosh(a):
    """Element-wise hyperbolic cosine."""


@scalar_elemwise
def arccosh(a):
    """Element-wise inverse hyperbolic cosine."""


@scalar_elemwise
def sinh(a):
    """Element-wise hyperbolic sine."""


@scalar_elemwise
def arcsinh(a):
    """Element-wise inverse hyperbolic sine."""


@scalar_elemwise
def tanh(a):
    """Element-wise hyperbolic tangent."""


@scalar_elemwise
def arctanh(a):
    """Element-wise inverse hyperbolic tangent."""


@scalar_elemwise
def deg2rad(a):
    """Element-wise conversion of degrees to radians."""


@scalar_elemwise
def rad2deg(a):
    """Element-wise conversion of radians to degrees."""


# ---------------------------------------------------------------------------
# Rounding
# ---------------------------------------------------------------------------


@scalar_elemwise
def ceil(a):
    """Element-wise ceiling."""


@scalar_elemwise
def floor(a):
    """Element-wise floor."""


@scalar_elemwise
def trunc(a):
    """Element-wise truncation towards zero."""


@scalar_elemwise
def round_half_to_even(a):
    """Element-wise rounding to the nearest integer, ties to even."""


@scalar_elemwise
def round_half_away_from_zero(a):
    """Element-wise rounding to the nearest integer, ties away from zero."""


def round(a: typing.Any, mode: str | None = None) -> Variable:
    """Round element-wise.

    Parameters
    ----------
    a
        The tensor to round.
    mode
        ``"half_to_even"`` (the default, like NumPy) or ``"half_away_from_zero"``.
    """
    if mode is None:
        mode = "half_to_even"
    if mode == "half_to_even":
        return round_half_to_even(a)
    if mode == "half_away_from_zero":
        return round_half_away_from_zero(a)
    raise ValueError(
        f"round: mode must be 'half_to_even' or 'half_away_from_zero', got {mode!r}"
    )


def iround(a: typing.Any, mode: str | None = None) -> Variable:
    """Round element-wise (see :func:`round`) and cast to int64."""
    return _cast(round(a, mode), "int64")


# ---------------------------------------------------------------------------
# Complex numbers
# ---------------------------------------------------------------------------


@scalar_elemwise
def real(z):
    """Real part of each element."""


@scalar_elemwise
def imag(z):
    """Imaginary part of each element."""


@scalar_elemwise
def angle(z):
    """Argument (phase angle) of each element."""


@scalar_elemwise
def complex(real, imag):
    """Build complex numbers from real and imaginary parts."""


@scalar_elemwise
def conj(z):
    """Complex conjugate of each element."""


conjugate = conj
# Aesara's names of the bare element-wise ops (its public ``conj``/``isnan``
# wrap them; here they are the same objects).
_conj = conj
isnan_ = isnan


# Tolerances of :func:`_allclose` per dtype class, by ``config.tensor__cmp_sloppy``
# (0: strict, 1: sloppy, 2: sloppier), as Aesara's test helpers use them.
_ALLCLOSE_TOLERANCES = {
    0: {"float16": (1e-3, 1e-3), "float32": (1e-5, 1e-5), "float64": (1e-8, 1e-5)},
    1: {"float16": (5e-3, 1e-2), "float32": (1e-4, 1e-3), "float64": (1e-4, 1e-4)},
    2: {"float16": (1e-2, 5e-2), "float32": (5e-4, 1e-3), "float64": (1e-3, 1e-4)},
}


def _allclose(a, b, rtol: float | None = None, atol: float | None = None) -> bool:
    """``numpy.allclose`` with tolerances chosen by the narrower dtype of ``a``, ``b``.

    ``float16`` inputs get the loosest tolerances, ``float32``/``complex64``
    looser ones than ``float64``; ``rtol``/``atol`` override them.
    """
    from aesara.configdefaults import config

    a, b = np.asarray(a), np.asarray(b)
    dtypes = {str(a.dtype), str(b.dtype)}
    level = builtins.min(int(config.tensor__cmp_sloppy), 2)
    if "float16" in dtypes:
        kind = "float16"
    elif dtypes & {"float32", "complex64"}:
        kind = "float32"
    else:
        kind = "float64"
    atol_, rtol_ = _ALLCLOSE_TOLERANCES[level][kind]
    return bool(
        np.allclose(
            a,
            b,
            rtol=rtol_ if rtol is None else rtol,
            atol=atol_ if atol is None else atol,
        )
    )


@scalar_elemwise
def complex_from_polar(abs, angle):
    """Build complex numbers from modulus and argument."""


# ---------------------------------------------------------------------------
# Reductions
# ---------------------------------------------------------------------------


class Sum(CAReduce):
    """Sum along axes; discrete inputs are summed (and returned) in 64 bits.

    Parameters
    ----------
    axis
        Axes to sum over (``None``: all).
    dtype
        Output dtype (default: the input's, with bool/int8..int32 -> int64 and
        uint8..uint32 -> uint64).
    acc_dtype
        Accumulator dtype (default: at least as wide as the output).
    """

    __props__ = ("axis", "dtype", "acc_dtype")
    __str__ = CAReduce.__str__

    def __init__(
        self,
        axis: AxisLike = None,
        dtype: str | None = None,
        acc_dtype: str | None = None,
    ):
        super().__init__(
            aes.add,
            axis=axis,
            dtype=dtype,
            acc_dtype=acc_dtype,
            upcast_discrete_output=True,
        )

    def L_op(self, inputs, outputs, output_grads):
        (x,) = inputs
        (gz,) = output_grads
        if _is_discrete(outputs[0]):
            return [_zeros_like(x, _floatX())]
        if self.axis == ():
            return [gz]
        gz = self._pad_to_input(_as_tensor(gz), x.type.ndim)
        # Every input element contributes once: the gradient is gz spread out.
        return [Elemwise(aes.second)(x, gz)]

    def R_op(self, inputs, eval_points):
        if eval_points[0] is None:
            return [None]
        return self(*eval_points, return_list=True)


class Prod(CAReduce):
    """Product along axes.

    Parameters
    ----------
    axis, dtype, acc_dtype
        As for :class:`Sum`.
    no_zeros_in_input
        Promise that the input has no zeros, which allows the simpler gradient
        ``prod / x``.
    """

    __props__ = ("axis", "dtype", "acc_dtype", "no_zeros_in_input")
    __str__ = CAReduce.__str__

    def __init__(
        self,
        axis: AxisLike = None,
        dtype: str | None = None,
        acc_dtype: str | None = None,
        no_zeros_in_input: bool = False,
    ):
        super().__init__(
            aes.mul,
            axis=axis,
            dtype=dtype,
            acc_dtype=acc_dtype,
            upcast_discrete_output=True,
        )
        self.no_zeros_in_input = no_zeros_in_input

    def L_op(self, inputs, outputs, output_grads):
        (x,) = inputs
        (gz,) = output_grads
        if _is_discrete(outputs[0]):
            return [_zeros_like(x, _floatX())]
        nd = x.type.ndim
        gz = self._pad_to_input(_as_tensor(gz), nd)
        prod_pad = self._pad_to_input(outputs[0], nd)
        if self.no_zeros_in_input:
            return [mul(gz, true_div(prod_pad, x))]
        # d prod / d x_i is the product of the other elements. Dividing by
        # x_i fails at zeros, so: groups without zeros use prod / x; in groups
        # with exactly one zero only that zero's entry is non-zero (it is the
        # product of the rest); groups with more zeros have zero gradient.
        is_zero = eq(x, 0)
        n_zeros = self._pad_to_input(Sum(axis=self.axis)(is_zero), nd)
        x_nz = switch_(is_zero, _as_tensor(np.asarray(1, dtype=x.type.dtype)), x)
        prod_nz = self._pad_to_input(
            Prod(
                axis=self.axis,
                dtype=self.dtype,
                acc_dtype=self.acc_dtype,
                no_zeros_in_input=True,
            )(x_nz),
            nd,
        )
        zero = _as_tensor(np.asarray(0, dtype=outputs[0].type.dtype))
        grad = switch_(
            eq(n_zeros, 0),
            true_div(prod_nz, x_nz),
            switch_(and_(eq(n_zeros, 1), is_zero), prod_nz, zero),
        )
        return [mul(gz, grad)]


class _MaxMin(CAReduce):
    __props__ = ("axis",)
    __str__ = CAReduce.__str__
    _scalar_name = ""

    def __init__(self, axis: AxisLike = None):
        super().__init__(getattr(aes, self._scalar_name), axis=axis)

    def make_node(self, input):
        node = super().make_node(input)
        x = node.inputs[0]
        if x.type.dtype.startswith("complex"):
            raise TypeError(
                f"{type(self).__name__}: complex inputs have no ordering (got {x.type})"
            )
        return node

    def L_op(self, inputs, outputs, output_grads):
        (x,) = inputs
        (gz,) = output_grads
        if _is_discrete(x):
            return [_zeros_like(x, _floatX())]
        nd = x.type.ndim
        out_pad = self._pad_to_input(outputs[0], nd)
        gz = self._pad_to_input(_as_tensor(gz), nd)
        # Every element equal to the extremum receives the output gradient.
        return [mul(gz, eq(x, out_pad))]

    def R_op(self, inputs, eval_points):
        if eval_points[0] is None:
            return [None]
        (x,) = inputs
        out = self(x)
        nd = x.type.ndim
        mask = eq(x, self._pad_to_input(out, nd))
        # Jacobian-vector product at the (first) extremum; ties share it.
        picked = Sum(axis=self.axis)(mul(mask, eval_points[0]))
        count = Sum(axis=self.axis)(mask)
        return [true_div(picked, count)]


class Max(_MaxMin):
    """Maximum along axes (NaN if the reduced elements contain NaN)."""

    __props__ = ("axis",)
    __str__ = CAReduce.__str__
    _scalar_name = "scalar_maximum"


class Min(_MaxMin):
    """Minimum along axes (NaN if the reduced elements contain NaN)."""

    __props__ = ("axis",)
    __str__ = CAReduce.__str__
    _scalar_name = "scalar_minimum"


class _Logical(CAReduce):
    __props__ = ("axis",)
    __str__ = CAReduce.__str__
    _scalar_name = ""

    def __init__(self, axis: AxisLike = None):
        super().__init__(getattr(aes, self._scalar_name), axis=axis)

    def make_node(self, input):
        x = _as_tensor(input)
        if x.type.dtype != "bool":
            x = neq(x, 0)
        return super().make_node(x)

    def L_op(self, inputs, outputs, output_grads):
        (x,) = inputs
        return [_zeros_like(x, x.type.dtype if not _is_discrete(x) else _floatX())]


class All(_Logical):
    """Whether all elements along axes are true (non-zero); boolean output."""

    __props__ = ("axis",)
    __str__ = CAReduce.__str__
    _scalar_name = "and_"


class Any(_Logical):
    """Whether any element along axes is true (non-zero); boolean output."""

    __props__ = ("axis",)
    __str__ = CAReduce.__str__
    _scalar_name = "or_"


def _init_axis(axis: AxisLike) -> tuple[int, ...] | None:
    if axis is None:
        return None
    if isinstance(axis, np.ndarray) and axis.ndim == 0:
        axis = axis.item()
    if isinstance(axis, (int, np.integer)) and not isinstance(axis, bool):
        return (int(axis),)
    return tuple(int(a) for a in axis)


def _flatten_reduced(x: np.ndarray, axis: tuple[int, ...] | None, what: str):
    """Move the reduced axes last and merge them; return the 2-part view."""
    axes = tuple(range(x.ndim)) if axis is None else axis
    keep = [d for d in range(x.ndim) if d not in axes]
    t = np.transpose(x, keep + list(axes))
    kshape = t.shape[: len(keep)]
    n = int(np.prod(t.shape[len(keep) :], dtype=np.int64))
    if n == 0:
        raise ValueError(
            f"{what}: cannot reduce over zero elements (input shape {x.shape}, axis {axis})"
        )
    return t.reshape(kshape + (n,))


class MaxAndArgmax(Op):
    """Maximum and its position along axes (two outputs: max, int64 argmax).

    When several axes are reduced, the position indexes the reduced axes
    flattened in C order. Negative axes are resolved when the node is built.
    """

    __props__ = ("axis",)
    nin = 1
    nout = 2

    def __init__(self, axis: AxisLike):
        self.axis = _init_axis(axis)

    def make_node(self, x):
        x = _as_tensor(x)
        axis = normalize_axis(self.axis, x.type.ndim, "MaxAndArgmax")
        if x.type.dtype.startswith("complex"):
            raise TypeError(
                f"MaxAndArgmax: complex inputs have no ordering (got {x.type})"
            )
        op = self if axis == self.axis else type(self)(axis)
        red = set(range(x.type.ndim)) if axis is None else set(axis)
        shape = [s for d, s in enumerate(x.type.shape) if d not in red]
        return Apply(
            op,
            [x],
            [_tensor_type(x.type.dtype, shape)(), _tensor_type("int64", shape)()],
        )

    def perform(self, node, inputs, outputs, params=None):
        (x,) = inputs
        flat = _flatten_reduced(np.asarray(x), self.axis, str(self))
        outputs[0][0] = np.asarray(
            np.max(flat, axis=-1), dtype=node.outputs[0].type.dtype
        )
        outputs[1][0] = np.asarray(np.argmax(flat, axis=-1), dtype="int64")

    def infer_shape(self, fgraph, node, shapes):
        (ishape,) = shapes
        axis = self.axis
        if axis is None:
            return [(), ()]
        out = tuple(s for d, s in enumerate(ishape) if d not in axis)
        return [out, out]

    def L_op(self, inputs, outputs, output_grads):
        (x,) = inputs
        g_max = output_grads[0]
        if g_max is None or _is_disconnected_or_null(g_max) or _is_discrete(x):
            return [_zeros_like(x, x.type.dtype if not _is_discrete(x) else _floatX())]
        return Max(self.axis).L_op([x], [outputs[0]], [g_max])

    def connection_pattern(self, node):
        return [[True, False]]

    def __str__(self):
        if self.axis is None:
            return "MaxAndArgmax"
        return "MaxAndArgmax{axis=(" + ", ".join(str(a) for a in self.axis) + ")}"


class Argmax(Op):
    """Position of the maximum along axes (int64; see :class:`MaxAndArgmax`)."""

    __props__ = ("axis",)
    nin = 1
    nout = 1

    def __init__(self, axis: AxisLike):
        self.axis = _init_axis(axis)

    def make_node(self, x):
        x = _as_tensor(x)
        axis = normalize_axis(self.axis, x.type.ndim, "Argmax")
        if x.type.dtype.startswith("complex"):
            raise TypeError(f"Argmax: complex inputs have no ordering (got {x.type})")
        op = self if axis == self.axis else type(self)(axis)
        red = set(range(x.type.ndim)) if axis is None else set(axis)
        shape = [s for d, s in enumerate(x.type.shape) if d not in red]
        return Apply(op, [x], [_tensor_type("int64", shape)()])

    def perform(self, node, inputs, outputs, params=None):
        (x,) = inputs
        flat = _flatten_reduced(np.asarray(x), self.axis, str(self))
        outputs[0][0] = np.asarray(np.argmax(flat, axis=-1), dtype="int64")

    def infer_shape(self, fgraph, node, shapes):
        (ishape,) = shapes
        if self.axis is None:
            return [()]
        return [tuple(s for d, s in enumerate(ishape) if d not in self.axis)]

    def L_op(self, inputs, outputs, output_grads):
        (x,) = inputs
        return [_zeros_like(x, x.type.dtype if not _is_discrete(x) else _floatX())]

    def connection_pattern(self, node):
        return [[False]]

    def __str__(self):
        if self.axis is None:
            return "Argmax"
        return "Argmax{axis=(" + ", ".join(str(a) for a in self.axis) + ")}"


def _reduce(op: Op, input: typing.Any, axis: AxisLike, keepdims: bool) -> Variable:
    x = _as_tensor(input)
    out = op(x)
    if keepdims:
        out = _keep_dims(x, out, axis)
    return out


def sum(
    input: typing.Any,
    axis: AxisLike = None,
    dtype: str | None = None,
    keepdims: bool = False,
    acc_dtype: str | None = None,
) -> Variable:
    """Sum of the elements along ``axis``.

    Parameters
    ----------
    input
        The tensor to sum.
    axis
        An int, a sequence of ints (negative values count from the end) or
        ``None`` for all axes.
    dtype
        Output dtype (default: like NumPy, small integer dtypes give 64-bit
        results).
    keepdims
        Keep the reduced axes with length 1.
    acc_dtype
        Accumulator dtype.
    """
    return _reduce(
        Sum(axis=axis, dtype=dtype, acc_dtype=acc_dtype), input, axis, keepdims
    )


def prod(
    input: typing.Any,
    axis: AxisLike = None,
    dtype: str | None = None,
    keepdims: bool = False,
    acc_dtype: str | None = None,
    no_zeros_in_input: bool = False,
) -> Variable:
    """Product of the elements along ``axis`` (arguments as for :func:`sum`).

    ``no_zeros_in_input`` promises the input has no zeros, which gives a
    cheaper gradient.
    """
    op = Prod(
        axis=axis, dtype=dtype, acc_dtype=acc_dtype, no_zeros_in_input=no_zeros_in_input
    )
    return _reduce(op, input, axis, keepdims)


def max(x: typing.Any, axis: AxisLike = None, keepdims: bool = False) -> Variable:
    """Maximum along ``axis``; raises at run time when reducing zero elements."""
    return _reduce(Max(axis), x, axis, keepdims)


def min(x: typing.Any, axis: AxisLike = None, keepdims: bool = False) -> Variable:
    """Minimum along ``axis``; raises at run time when reducing zero elements."""
    return _reduce(Min(axis), x, axis, keepdims)


def all(x: typing.Any, axis: AxisLike = None, keepdims: bool = False) -> Variable:
    """Whether all elements along ``axis`` are non-zero (boolean)."""
    return _reduce(All(axis), x, axis, keepdims)


def any(x: typing.Any, axis: AxisLike = None, keepdims: bool = False) -> Variable:
    """Whether any element along ``axis`` is non-zero (boolean)."""
    return _reduce(Any(axis), x, axis, keepdims)


def max_and_argmax(
    a: typing.Any, axis: AxisLike = None, keepdims: bool = False
) -> list[Variable]:
    """Return ``[max, argmax]`` along ``axis`` (argmax as int64)."""
    x = _as_tensor(a)
    out, arg = MaxAndArgmax(axis)(x)
    if keepdims:
        out = _keep_dims(x, out, axis)
        arg = _keep_dims(x, arg, axis)
    return [out, arg]


def argmax(x: typing.Any, axis: AxisLike = None, keepdims: bool = False) -> Variable:
    """Index of the maximum along ``axis`` (int64; the first one on ties)."""
    return _reduce(Argmax(axis), x, axis, keepdims)


def argmin(x: typing.Any, axis: AxisLike = None, keepdims: bool = False) -> Variable:
    """Index of the minimum along ``axis`` (int64; the first one on ties)."""
    x = _as_tensor(x)
    # An order-reversing map that cannot overflow: -x for floats, ~x
    # (= -x - 1) for integers, logical not for booleans.
    flipped = neg(x) if not _is_discrete(x) else invert(x)
    return (
        _keep_dims(x, argmax(flipped, axis), axis)
        if keepdims
        else argmax(flipped, axis)
    )


def smallest(*args: typing.Any) -> Variable:
    """Element-wise minimum of any number of tensors."""
    if not args:
        raise TypeError("smallest: needs at least one argument")
    out = _as_tensor(args[0])
    for a in args[1:]:
        a = _as_tensor(a)
        out = switch_(lt(out, a), out, a)
    return out


def largest(*args: typing.Any) -> Variable:
    """Element-wise maximum of any number of tensors."""
    if not args:
        raise TypeError("largest: needs at least one argument")
    out = _as_tensor(args[0])
    for a in args[1:]:
        a = _as_tensor(a)
        out = switch_(gt(out, a), out, a)
    return out


def ptp(a: typing.Any, axis: AxisLike = None) -> Variable:
    """Range (maximum - minimum) along ``axis``."""
    a = _as_tensor(a)
    return sub(max(a, axis), min(a, axis))


def _dim_length(x: Variable, d: int) -> Variable:
    """Length of axis ``d`` of ``x`` as an int64 scalar tensor."""
    static = x.type.shape[d]
    if static is not None:
        return _as_tensor(np.asarray(static, dtype="int64"))
    from aesara.tensor.shape import Shape_i

    return Shape_i(d)(x)


def _count(x: Variable, axis: AxisLike, dtype: str) -> Variable:
    """Number of elements reduced over ``axis``, as a scalar of ``dtype``."""
    axes = normalize_axis(axis, x.type.ndim, "mean")
    if axes is None:
        axes = tuple(range(x.type.ndim))
    if builtins.all(x.type.shape[d] is not None for d in axes):
        n = int(np.prod([x.type.shape[d] for d in axes], dtype=np.int64))
        return _as_tensor(np.asarray(n, dtype=dtype))
    n = None
    for d in axes:
        length = _cast(_dim_length(x, d), dtype)
        n = length if n is None else mul(n, length)
    if n is None:
        return _as_tensor(np.asarray(1, dtype=dtype))
    return n


def mean(
    input: typing.Any,
    axis: AxisLike = None,
    dtype: str | None = None,
    op: bool = False,
    keepdims: bool = False,
    acc_dtype: str | None = None,
) -> Variable:
    """Arithmetic mean along ``axis``.

    Integer and boolean inputs give float64 results; float32/complex64 stay in
    single precision; float16 is accumulated in float32 and cast back.

    Parameters
    ----------
    input
        The tensor to average.
    axis
        Axes to average over (``None``: all).
    dtype
        Dtype of the sum (and result).
    op
        Accepted for compatibility; ignored.
    keepdims
        Keep the reduced axes with length 1.
    acc_dtype
        Accumulator dtype of the sum.
    """
    x = _as_tensor(input)
    sum_dtype = dtype
    if dtype is None and x.type.dtype == "float16":
        sum_dtype = "float32"
    s = sum(x, axis=axis, dtype=sum_dtype, keepdims=keepdims, acc_dtype=acc_dtype)
    single = s.type.dtype in ("float16", "float32", "complex64")
    count = _count(x, axis, "float32" if single else "float64")
    out = true_div(s, count)
    if dtype == "float16" or (dtype is None and x.type.dtype == "float16"):
        out = _cast(out, "float16")
    out.name = "mean"
    return out


def var(
    input: typing.Any,
    axis: AxisLike = None,
    ddof: int = 0,
    keepdims: bool = False,
    corrected: bool = False,
) -> Variable:
    """Variance along ``axis``: ``sum(|x - mean|**2) / (N - ddof)``.

    Parameters
    ----------
    input
        The tensor.
    axis
        Axes to compute over (``None``: all).
    ddof
        Delta degrees of freedom.
    keepdims
        Keep the reduced axes with length 1.
    corrected
        Subtract the two-pass rounding-error correction term.
    """
    if isinstance(ddof, bool):
        raise ValueError(
            "var: ddof must be an int; keepdims is the fourth argument: "
            "(input, axis=None, ddof=0, keepdims=False, corrected=False)"
        )
    x = _as_tensor(input)
    m = mean(x, axis, keepdims=True)
    centered = sub(x, m)
    if centered.type.dtype.startswith("complex"):
        sq = real(mul(centered, conj(centered)))
    else:
        sq = sqr(centered)
    total = sum(sq, axis=axis, keepdims=keepdims)
    n = _count(x, axis, total.type.dtype if not _is_discrete(total) else "float64")
    v = true_div(total, sub(n, ddof) if ddof else n)
    if corrected:
        err = sqr(abs(sum(centered, axis=axis, keepdims=keepdims)))
        denom = mul(n, sub(n, ddof)) if ddof else mul(n, n)
        v = sub(v, true_div(err, denom))
    v.name = "var"
    return v


def std(
    input: typing.Any,
    axis: AxisLike = None,
    ddof: int = 0,
    keepdims: bool = False,
    corrected: bool = False,
) -> Variable:
    """Standard deviation along ``axis``: the square root of :func:`var`."""
    if isinstance(ddof, bool):
        raise ValueError(
            "std: ddof must be an int; keepdims is the fourth argument: "
            "(input, axis=None, ddof=0, keepdims=False, corrected=False)"
        )
    out = sqrt(var(input, axis=axis, ddof=ddof, keepdims=keepdims, corrected=corrected))
    out.name = "std"
    return out


def logaddexp(*xs: typing.Any) -> Variable:
    """Element-wise ``log(exp(x1) + exp(x2) + ...)``, computed without overflow."""
    if not xs:
        raise TypeError("logaddexp: needs at least one argument")
    out = _as_tensor(xs[0])
    for x in xs[1:]:
        x = _as_tensor(x)
        m = maximum(out, x)
        # Equal infinities would give inf - inf = nan in the shifted form.
        same_inf = and_(isinf(m), eq(out, x))
        out = switch_(same_inf, m, add(m, log1p(exp(neg(abs(sub(out, x)))))))
    return out


def logsumexp(x: typing.Any, axis: AxisLike = None, keepdims: bool = False) -> Variable:
    """``log(sum(exp(x), axis))``, shifted by the maximum to avoid overflow."""
    x = _as_tensor(x)
    m = max(x, axis=axis, keepdims=True)
    m = switch_(isinf(m), _as_tensor(np.asarray(0, dtype=m.type.dtype)), m)
    out = add(log(sum(exp(sub(x, m)), axis=axis, keepdims=True)), m)
    if not keepdims:
        axes = normalize_axis(axis, x.type.ndim) or tuple(range(x.type.ndim))
        keep = [d for d in range(x.type.ndim) if d not in axes]
        out = DimShuffle(tuple(s == 1 for s in out.type.shape), keep)(out)
    return out


__all__ = [
    "max_and_argmax",
    "max",
    "argmax",
    "min",
    "argmin",
    "smallest",
    "largest",
    "lt",
    "gt",
    "le",
    "ge",
    "eq",
    "neq",
    "isnan",
    "isinf",
    "allclose",
    "isclose",
    "and_",
    "bitwise_and",
    "or_",
    "bitwise_or",
    "xor",
    "bitwise_xor",
    "invert",
    "bitwise_not",
    "abs",
    "exp",
    "exp2",
    "expm1",
    "neg",
    "reciprocal",
    "log",
    "log2",
    "log10",
    "log1p",
    "sgn",
    "ceil",
    "floor",
    "trunc",
    "iround",
    "round",
    "round_half_to_even",
    "round_half_away_from_zero",
    "sqr",
    "square",
    "sqrt",
    "deg2rad",
    "rad2deg",
    "cos",
    "arccos",
    "sin",
    "arcsin",
    "tan",
    "arctan",
    "arctan2",
    "cosh",
    "arccosh",
    "sinh",
    "arcsinh",
    "tanh",
    "arctanh",
    "real",
    "imag",
    "angle",
    "complex",
    "conj",
    "conjugate",
    "complex_from_polar",
    "sum",
    "prod",
    "mean",
    "var",
    "std",
    "maximum",
    "minimum",
    "divmod",
    "add",
    "sub",
    "mul",
    "true_div",
    "int_div",
    "floor_div",
    "true_divide",
    "floor_divide",
    "ceil_intdiv",
    "mod",
    "pow",
    "clip",
    "any",
    "all",
    "ptp",
    "power",
    "logaddexp",
    "logsumexp",
]

_DEPRECATED = {
    "abs_": ("`abs_` is deprecated; use `abs` instead.", "abs"),
    "inv": ("`inv` is deprecated; use `reciprocal` instead.", "reciprocal"),
}


def __getattr__(name: str):
    if name in _DEPRECATED:
        msg, target = _DEPRECATED[name]
        warnings.warn(msg, DeprecationWarning, stacklevel=2)
        return globals()[target]
    raise AttributeError(f"module {__name__} has no attribute {name}")


# Special functions and products live in their own modules (split by topic)
# and are part of this module's namespace, as in Aesara.
from aesara.tensor._math_special import *  # noqa: E402, F403
from aesara.tensor._math_special import __all__ as _special_all  # noqa: E402
from aesara.tensor._products import *  # noqa: E402, F403
from aesara.tensor._products import __all__ as _products_all  # noqa: E402
from aesara.tensor._products import _dot  # noqa: E402, F401

__all__ += _special_all + _products_all

# 1-d convolution (numpy.convolve), in a module of its own.
from aesara.tensor._convolve import Convolve, convolve  # noqa: E402, F401

__all__ += ["convolve"]

# The reductions Aesara also has as op classes (with ``makeKeepDims``), and
# ``cov``, live in modules of their own.
from aesara.tensor._reduction_ops import (  # noqa: E402, F401
    Mean,
    ProdWithoutZeros,
    makeKeepDims,
)
from aesara.tensor._statistics import cov  # noqa: E402

__all__ += ["cov", "makeKeepDims"]
