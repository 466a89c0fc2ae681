"""Arithmetic, comparison, logical/bitwise, selection and cast scalar ops.

Everything here is re-exported by :mod:`aesara.scalar.basic`; import from
there.
"""

from __future__ import annotations

import functools
from typing import Any

import numpy as np

from aesara.configdefaults import config
from aesara.scalar.basic import (
    BinaryScalarOp,
    ComplexError,
    IntegerDivisionError,
    ScalarOp,
    ScalarType,
    ScalarVariable,
    UnaryScalarOp,
    _cast_to_dtype,
    _chain,
    _disconnected_grad,
    _float_zeros_like,
    _real_part,
    as_scalar,
    builtin_bool,
    complex64,
    complex128,
    complex_types,
    continuous_types,
    discrete_types,
    float16,
    float32,
    float64,
    float_out,
    get_scalar_type,
    int8,
    int16,
    int32,
    int64,
    same_out,
    same_out_nobool,
    specific_out,
    transfer_type,
    uint8,
    uint16,
    uint32,
    uint64,
    upcast_out,
    upcast_out_min8,
    upcast_out_no_complex,
    upcast_out_nobool,
    upgrade_to_float,
)
from aesara.scalar.basic import bool as bool_type

# ---------------------------------------------------------------------------
# Comparisons
# ---------------------------------------------------------------------------


class LogicalComparison(BinaryScalarOp):
    """A comparison of two numbers; the output is ``bool``."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.bool = True

    def output_types(self, types):
        return [bool_type]

    def L_op(self, inputs, outputs, output_gradients):
        # Piecewise constant: the gradient is zero almost everywhere.
        return [_float_zeros_like(x) for x in inputs]


class FixedLogicalComparison(UnaryScalarOp):
    """A test of one number (against a fixed value); the output is ``bool``."""

    def output_types(self, types):
        return [bool_type]

    def L_op(self, inputs, outputs, output_gradients):
        return [_float_zeros_like(inputs[0])]


class LT(LogicalComparison):
    identity = False
    nfunc_spec = ("less", 2, 1)

    def impl(self, x, y):
        return np.less(x, y)


lt = LT(name="lt")


class GT(LogicalComparison):
    identity = False
    nfunc_spec = ("greater", 2, 1)

    def impl(self, x, y):
        return np.greater(x, y)


gt = GT(name="gt")


class LE(LogicalComparison):
    identity = False
    nfunc_spec = ("less_equal", 2, 1)

    def impl(self, x, y):
        return np.less_equal(x, y)


le = LE(name="le")


class GE(LogicalComparison):
    identity = False
    nfunc_spec = ("greater_equal", 2, 1)

    def impl(self, x, y):
        return np.greater_equal(x, y)


ge = GE(name="ge")


class EQ(LogicalComparison):
    identity = False
    commutative = True
    nfunc_spec = ("equal", 2, 1)

    def impl(self, x, y):
        return np.equal(x, y)


eq = EQ(name="eq")


class NEQ(LogicalComparison):
    identity = False
    commutative = True
    nfunc_spec = ("not_equal", 2, 1)

    def impl(self, x, y):
        return np.not_equal(x, y)


neq = NEQ(name="neq")


class IsNan(FixedLogicalComparison):
    nfunc_spec = ("isnan", 1, 1)

    def impl(self, x):
        return np.isnan(x)


isnan = IsNan(name="isnan")


class IsInf(FixedLogicalComparison):
    nfunc_spec = ("isinf", 1, 1)

    def impl(self, x):
        return np.isinf(x)


isinf = IsInf(name="isinf")


class InRange(LogicalComparison):
    """Whether ``low <(=) x <(=) hi``; ``openlow``/``openhi`` exclude the bounds."""

    nin = 3
    __props__ = ("openlow", "openhi")

    def __init__(
        self, openlow: builtin_bool, openhi: builtin_bool, name: str | None = None
    ):
        super().__init__(name=name)
        self.openlow = builtin_bool(openlow)
        self.openhi = builtin_bool(openhi)

    def impl(self, x, low, hi):
        lo_ok = np.greater(x, low) if self.openlow else np.greater_equal(x, low)
        hi_ok = np.less(x, hi) if self.openhi else np.less_equal(x, hi)
        return np.logical_and(lo_ok, hi_ok)


inopenrange = InRange(True, True, name="inopenrange")
inclosedrange = InRange(False, False, name="inclosedrange")


# ---------------------------------------------------------------------------
# Selection
# ---------------------------------------------------------------------------


class Switch(ScalarOp):
    """``ift if cond else iff``."""

    nin = 3
    nfunc_spec = ("where", 3, 1)

    def output_types(self, types):
        _cond, ift, iff = types
        return upcast_out(ift, iff)

    def impl(self, cond, ift, iff):
        return np.where(cond, ift, iff)

    def L_op(self, inputs, outputs, output_gradients):
        cond, ift, iff = inputs
        (gz,) = output_gradients
        # The condition only selects: its gradient is zero.
        cond_grad = _float_zeros_like(cond)
        if outputs[0].type in discrete_types:
            return [cond_grad, _float_zeros_like(ift), _float_zeros_like(iff)]
        zero = gz.zeros_like()
        g_ift = _real_part(switch(cond, gz, zero), ift)
        g_iff = _real_part(switch(cond, zero, gz), iff)
        return [cond_grad, g_ift, g_iff]


switch = Switch(name="switch")


# ---------------------------------------------------------------------------
# Bitwise / logical ops
# ---------------------------------------------------------------------------


class UnaryBitOp(UnaryScalarOp):
    """A bitwise op on one integer or boolean."""

    def output_types(self, types):
        for t in types:
            if t not in discrete_types:
                raise TypeError(
                    f"the input of a bit op must be a (u)int8..(u)int64 or bool, got {t}"
                )
        return upcast_out(*types)

    def L_op(self, inputs, outputs, output_gradients):
        return [_float_zeros_like(inputs[0])]


class BinaryBitOp(BinaryScalarOp):
    """A bitwise op on two integers or booleans."""

    def output_types(self, types):
        t0, t1 = types
        if t0 == bool_type and t1 == bool_type:
            return [bool_type]
        for t in types:
            if t not in discrete_types:
                raise TypeError(
                    f"the inputs of a bit op must be (u)int8..(u)int64 or bool, got {t}"
                )
        return upcast_out(*types)

    def L_op(self, inputs, outputs, output_gradients):
        return [_float_zeros_like(x) for x in inputs]


class OR(BinaryBitOp):
    identity = False
    commutative = True
    associative = True
    nfunc_spec = ("bitwise_or", 2, 1)

    def impl(self, x, y):
        return np.bitwise_or(x, y)


or_ = OR(name="or_")


class XOR(BinaryBitOp):
    identity = False
    commutative = True
    associative = True
    nfunc_spec = ("bitwise_xor", 2, 1)

    def impl(self, x, y):
        return np.bitwise_xor(x, y)


xor = XOR(name="xor")


class AND(BinaryBitOp):
    identity = True
    commutative = True
    associative = True
    nfunc_spec = ("bitwise_and", 2, 1)

    def impl(self, x, y):
        return np.bitwise_and(x, y)


and_ = AND(name="and_")


class Invert(UnaryBitOp):
    nfunc_spec = ("invert", 1, 1)

    def impl(self, x):
        # np.invert is logical negation on booleans (unlike ``~True == -2``).
        return np.invert(x)


invert = Invert(name="invert")


# ---------------------------------------------------------------------------
# Maximum / minimum
# ---------------------------------------------------------------------------


class ScalarMaximum(BinaryScalarOp):
    commutative = True
    associative = True
    nfunc_spec = ("maximum", 2, 1)
    nfunc_variadic = "maximum"
    identity = -np.inf

    def impl(self, *inputs):
        return np.maximum(*inputs)

    def L_op(self, inputs, outputs, output_gradients):
        x, y = inputs
        (gz,) = output_gradients
        if gz.type in complex_types:
            raise NotImplementedError("maximum has no gradient for complex inputs")
        if outputs[0].type in discrete_types:
            return [_float_zeros_like(x), _float_zeros_like(y)]
        # On ties the whole gradient goes to x.
        take_x = eq(outputs[0], x)
        zero = gz.zeros_like()
        return [switch(take_x, gz, zero), switch(take_x, zero, gz)]


scalar_maximum = ScalarMaximum(upcast_out, name="maximum")
Maximum = ScalarMaximum


class ScalarMinimum(BinaryScalarOp):
    commutative = True
    associative = True
    nfunc_spec = ("minimum", 2, 1)
    nfunc_variadic = "minimum"
    identity = np.inf

    def impl(self, *inputs):
        return np.minimum(*inputs)

    def L_op(self, inputs, outputs, output_gradients):
        x, y = inputs
        (gz,) = output_gradients
        if gz.type in complex_types:
            raise NotImplementedError("minimum has no gradient for complex inputs")
        if outputs[0].type in discrete_types:
            return [_float_zeros_like(x), _float_zeros_like(y)]
        take_x = eq(outputs[0], x)
        zero = gz.zeros_like()
        return [switch(take_x, gz, zero), switch(take_x, zero, gz)]


scalar_minimum = ScalarMinimum(upcast_out, name="minimum")
Minimum = ScalarMinimum


# ---------------------------------------------------------------------------
# Arithmetic
# ---------------------------------------------------------------------------


class Add(ScalarOp):
    """The sum of any number of inputs."""

    identity = 0
    commutative = True
    associative = True
    nfunc_spec = ("add", 2, 1)
    nfunc_variadic = "sum"

    def impl(self, *inputs):
        return functools.reduce(np.add, inputs)

    def L_op(self, inputs, outputs, output_gradients):
        (gz,) = output_gradients
        if outputs[0].type in discrete_types:
            return [_float_zeros_like(x) for x in inputs]
        return [_real_part(gz, x) for x in inputs]


add = Add(upcast_out, name="add")


class Mean(ScalarOp):
    """The arithmetic mean of any number of inputs (always ``float64``).

    Unlike Aesara 2.9, which hands element-wise use to ``numpy.mean`` (and so
    fails inside ``Elemwise``), the mean is computed from the inputs
    themselves, element by element. The mean of no inputs is ``0.0``.
    """

    identity = 0
    commutative = True
    # mean(mean(a, b), c) is not mean(a, b, c).
    associative = False

    def impl(self, *inputs):
        if not inputs:
            return np.float64(0.0)
        return np.true_divide(functools.reduce(np.add, inputs), len(inputs))

    def L_op(self, inputs, outputs, output_gradients):
        (gz,) = output_gradients
        share = gz / len(inputs)
        return [
            _float_zeros_like(x) if x.type in discrete_types else _real_part(share, x)
            for x in inputs
        ]


mean = Mean(float_out, name="mean")


class Mul(ScalarOp):
    """The product of any number of inputs."""

    identity = 1
    commutative = True
    associative = True
    nfunc_spec = ("multiply", 2, 1)
    nfunc_variadic = "prod"

    def impl(self, *inputs):
        return functools.reduce(np.multiply, inputs)

    def L_op(self, inputs, outputs, output_gradients):
        (gz,) = output_gradients
        if outputs[0].type in discrete_types:
            return [_float_zeros_like(x) for x in inputs]
        rval = []
        for i, x in enumerate(inputs):
            others = [inp for j, inp in enumerate(inputs) if j != i]
            if not others:
                rval.append(_real_part(gz, x))
                continue
            other = others[0] if len(others) == 1 else mul(*others)
            rval.append(_chain(gz, other, x))
        return rval


mul = Mul(upcast_out, name="mul")


class Sub(BinaryScalarOp):
    nfunc_spec = ("subtract", 2, 1)

    def impl(self, x, y):
        return np.subtract(x, y)

    def L_op(self, inputs, outputs, output_gradients):
        x, y = inputs
        (gz,) = output_gradients
        if outputs[0].type in discrete_types:
            return [_float_zeros_like(x), _float_zeros_like(y)]
        return [_real_part(gz, x), _real_part(-gz, y)]


sub = Sub(upcast_out_nobool, name="sub")


def int_or_true_div(x_discrete: builtin_bool, y_discrete: builtin_bool):
    """Return the op ``/`` means for operands that are (not) discrete.

    Follows ``config.int_division`` when it exists ("floatX": true division,
    the default; "int": floor division; "raise": error).
    """
    if x_discrete and y_discrete:
        mode = getattr(config, "int_division", "floatX")
        if mode == "raise":
            raise IntegerDivisionError(
                "Dividing two integers with '/' is forbidden (config.int_division="
                "'raise'); use '//' for integer division or cast an operand to float"
            )
        if mode == "int":
            return int_div
    return true_div


def div_proxy(x: Any, y: Any) -> ScalarVariable:
    """``x / y``: true division (see :func:`int_or_true_div`)."""
    x = as_scalar(x)
    y = as_scalar(y)
    f = int_or_true_div(x.type in discrete_types, y.type in discrete_types)
    return f(x, y)


class TrueDiv(BinaryScalarOp):
    """Division; dividing two integers gives ``floatX``."""

    nfunc_spec = ("true_divide", 2, 1)

    def output_types(self, types):
        if all(t in discrete_types for t in types):
            return [get_scalar_type(config.floatX)]
        return super().output_types(types)

    def impl(self, x, y):
        return np.true_divide(x, y)

    def L_op(self, inputs, outputs, output_gradients):
        x, y = inputs
        (gz,) = output_gradients
        if outputs[0].type in discrete_types:
            return [_float_zeros_like(x), _float_zeros_like(y)]
        if any(v.type in complex_types for v in (x, y, gz)):
            gx = _chain(gz, reciprocal(y), x)
            gy = _chain(gz, -x / (y * y), y)
        else:
            gx = gz / y
            gy = -(gz * x) / (y * y)
        return [gx, gy]


true_div = TrueDiv(upcast_out, name="true_divide")


class IntDiv(BinaryScalarOp):
    """Floor division ``x // y`` with NumPy semantics (``x // 0 == 0`` for ints)."""

    nfunc_spec = ("floor_divide", 2, 1)
    complex_error = ComplexError(
        "Aesara does not support integer division (//) on complex numbers"
    )

    def output_types(self, types):
        if any(t in complex_types for t in types):
            raise self.complex_error
        return super().output_types(types)

    def impl(self, x, y):
        return np.floor_divide(x, y)

    def L_op(self, inputs, outputs, output_gradients):
        # Piecewise constant.
        return [_float_zeros_like(x) for x in inputs]


int_div = IntDiv(upcast_out_min8, name="floor_divide")
floor_div = int_div


def mod_check(x: Any, y: Any) -> ScalarVariable:
    """``x % y``, refusing complex operands."""
    x = as_scalar(x)
    y = as_scalar(y)
    if x.type in complex_types or y.type in complex_types:
        raise ComplexError(
            "Aesara does not support the mod operator (%) on complex numbers"
        )
    return mod(x, y)


class Mod(BinaryScalarOp):
    """``x % y`` with Python/NumPy semantics: the result has the sign of ``y``."""

    nfunc_spec = ("mod", 2, 1)
    complex_error = ComplexError(
        "Aesara does not support the mod operator (%) on complex numbers"
    )

    def output_types(self, types):
        if any(t in complex_types for t in types):
            raise self.complex_error
        return super().output_types(types)

    def impl(self, x, y):
        return np.mod(x, y)

    def L_op(self, inputs, outputs, output_gradients):
        x, y = inputs
        (gz,) = output_gradients
        if outputs[0].type in discrete_types:
            return [_float_zeros_like(x), _float_zeros_like(y)]
        # x % y == x - floor(x / y) * y
        return [gz, -int_div(x, y) * gz]


mod = Mod(upcast_out_min8, name="mod")


class Pow(BinaryScalarOp):
    """``x ** y``."""

    nfunc_spec = ("power", 2, 1)

    def impl(self, x, y):
        return np.power(x, y)

    def L_op(self, inputs, outputs, output_gradients):
        x, y = inputs
        (gz,) = output_gradients
        if outputs[0].type in discrete_types:
            return [_float_zeros_like(x), _float_zeros_like(y)]
        gx = _chain(gz, y * x ** (y - 1), x)
        if y.type in discrete_types:
            gy = _float_zeros_like(y)
        else:
            from aesara.scalar._elementary import log

            gy = _chain(gz, log(x) * outputs[0], y)
            # 0 ** y is flat in y (for y > 0); avoid log(0) * 0 = nan.
            gy = switch(eq(x, 0), gy.zeros_like(), gy)
        return [gx, gy]


pow = Pow(upcast_out_min8, name="pow")


class Clip(ScalarOp):
    """``x`` clipped to ``[min, max]`` (``max`` wins if ``min > max``, as NumPy)."""

    nin = 3
    nfunc_spec = ("clip", 3, 1)

    def impl(self, x, low, high):
        return np.minimum(np.maximum(x, low), high)

    def L_op(self, inputs, outputs, output_gradients):
        x, mn, mx = inputs
        (gz,) = output_gradients
        if gz.type in complex_types:
            raise NotImplementedError("clip has no gradient for complex inputs")
        if outputs[0].type in discrete_types:
            return [_float_zeros_like(v) for v in inputs]
        zero = gz.zeros_like()
        inside = and_(ge(x, mn), le(x, mx))
        gx = switch(inside, gz, zero)
        gmn = switch(lt(x, mn), gz, zero)
        gmx = switch(gt(x, mx), gz, zero)
        return [gx, gmn, gmx]


clip = Clip(upcast_out_no_complex, name="clip")


class Second(BinaryScalarOp):
    """Return the second input (the first only fixes the broadcast shape)."""

    def impl(self, x, y):
        if isinstance(x, np.ndarray) or isinstance(y, np.ndarray):
            # Element-wise use on arrays: the output has the broadcast shape.
            return np.broadcast_to(y, np.broadcast_shapes(np.shape(x), np.shape(y)))
        return y

    def connection_pattern(self, node):
        # The values of x are never used.
        return [[False], [True]]

    def L_op(self, inputs, outputs, output_gradients):
        x, y = inputs
        (gz,) = output_gradients
        if y.type in continuous_types:
            return [_disconnected_grad(x), gz]
        return [_disconnected_grad(x), _float_zeros_like(y)]


second = Second(transfer_type(1), name="second")


class Identity(UnaryScalarOp):
    def impl(self, x):
        return x

    def L_op(self, inputs, outputs, output_gradients):
        (x,) = inputs
        (gz,) = output_gradients
        if x.type in continuous_types:
            return [gz]
        return [_float_zeros_like(x)]


identity = Identity(same_out, name="identity")


class Neg(UnaryScalarOp):
    nfunc_spec = ("negative", 1, 1)

    def impl(self, x):
        return np.negative(x)

    def L_op(self, inputs, outputs, output_gradients):
        (x,) = inputs
        (gz,) = output_gradients
        if outputs[0].type in discrete_types:
            return [_float_zeros_like(x)]
        return [-gz]


neg = Neg(same_out_nobool, name="neg")


class Reciprocal(UnaryScalarOp):
    """``1 / x``."""

    nfunc_spec = ("reciprocal", 1, 1)

    def impl(self, x):
        return np.true_divide(1.0, x)

    def L_op(self, inputs, outputs, output_gradients):
        (x,) = inputs
        (gz,) = output_gradients
        if outputs[0].type in discrete_types:
            return [_float_zeros_like(x)]
        out = outputs[0]
        return [_chain(gz, -(out * out), x)]


reciprocal = Reciprocal(upgrade_to_float, name="reciprocal")


# ---------------------------------------------------------------------------
# Casts
# ---------------------------------------------------------------------------


class Cast(UnaryScalarOp):
    """Convert to the dtype of ``o_type`` (C-style: floats are truncated)."""

    def __init__(self, o_type: ScalarType, name: str | None = None):
        if not isinstance(o_type, ScalarType):
            raise TypeError(f"Cast expects a ScalarType, got {o_type!r}")
        super().__init__(specific_out(o_type), name=name)
        self.o_type = o_type
        self.ctor = o_type._np_type

    def __str__(self):
        return f"{type(self).__name__}{{{self.o_type.dtype}}}"

    def impl(self, x):
        dtype = self.o_type.dtype
        if np.iscomplexobj(x) and np.dtype(dtype).kind in "iuf":
            # NumPy warns when casting complex to real; Aesara refuses such
            # casts in ``cast`` and only reaches here on explicit request.
            # Dropping the imaginary part first is what the cast does, without
            # the warning; ``warnings.catch_warnings`` would swap process-wide
            # filters, which concurrent calls can leave permanently changed.
            x = np.real(x)
        return _cast_to_dtype(x, dtype)

    def L_op(self, inputs, outputs, output_gradients):
        (x,) = inputs
        (gz,) = output_gradients
        if self.o_type in discrete_types or x.type in discrete_types:
            return [_float_zeros_like(x)]
        g = _real_part(gz, x)
        return [cast(g, x.type.dtype)]


convert_to_bool = Cast(bool_type, name="convert_to_bool")
convert_to_int8 = Cast(int8, name="convert_to_int8")
convert_to_int16 = Cast(int16, name="convert_to_int16")
convert_to_int32 = Cast(int32, name="convert_to_int32")
convert_to_int64 = Cast(int64, name="convert_to_int64")
convert_to_uint8 = Cast(uint8, name="convert_to_uint8")
convert_to_uint16 = Cast(uint16, name="convert_to_uint16")
convert_to_uint32 = Cast(uint32, name="convert_to_uint32")
convert_to_uint64 = Cast(uint64, name="convert_to_uint64")
convert_to_float16 = Cast(float16, name="convert_to_float16")
convert_to_float32 = Cast(float32, name="convert_to_float32")
convert_to_float64 = Cast(float64, name="convert_to_float64")
convert_to_complex64 = Cast(complex64, name="convert_to_complex64")
convert_to_complex128 = Cast(complex128, name="convert_to_complex128")

_cast_mapping = {
    "bool": convert_to_bool,
    "int8": convert_to_int8,
    "int16": convert_to_int16,
    "int32": convert_to_int32,
    "int64": convert_to_int64,
    "uint8": convert_to_uint8,
    "uint16": convert_to_uint16,
    "uint32": convert_to_uint32,
    "uint64": convert_to_uint64,
    "float16": convert_to_float16,
    "float32": convert_to_float32,
    "float64": convert_to_float64,
    "complex64": convert_to_complex64,
    "complex128": convert_to_complex128,
}


def cast(x: Any, dtype: str) -> ScalarVariable:
    """Symbolically cast ``x`` to a scalar of ``dtype``.

    Raises
    ------
    TypeError
        For an unknown dtype, or a complex-to-real cast (which is ambiguous:
        use :func:`real`, :func:`imag`, :func:`angle` or :func:`abs`).
    """
    if dtype == "floatX":
        dtype = config.floatX
    try:
        dtype = np.dtype(dtype).name
    except TypeError as e:
        raise TypeError(f"cast: unknown dtype {dtype!r}") from e
    if dtype not in _cast_mapping:
        raise TypeError(
            f"cast: unsupported dtype {dtype!r}; expected one of {', '.join(_cast_mapping)}"
        )
    _x = as_scalar(x)
    if _x.type.dtype == dtype:
        return _x
    if _x.type.dtype.startswith("complex") and not dtype.startswith("complex"):
        raise TypeError(
            "Casting from complex to real is ambiguous: consider real(), imag(), "
            "angle() or abs()"
        )
    return _cast_mapping[dtype](_x)
