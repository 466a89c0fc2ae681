"""Scalar types, variables and operations.

This module defines :class:`ScalarType` (the type of a single number of a given
dtype), the symbolic :class:`ScalarVariable`/:class:`ScalarConstant`, the
:class:`ScalarOp` base class and the elementary scalar operations (arithmetic,
comparisons, logic, casts, ...). Element-wise tensor operations wrap these
ops: each scalar op says how to compute one element (``impl``), which NumPy
ufunc computes a whole array at once (``nfunc_spec``), what its output dtype
is (``output_types_preference``) and how to differentiate it (``L_op``).

Transcendental, rounding and complex ops live in
:mod:`aesara.scalar._elementary` and :class:`Composite` in
:mod:`aesara.scalar._composite`; both are re-exported from here.
"""

from __future__ import annotations

import builtins
import functools
from collections.abc import Callable, Sequence
from copy import copy
from typing import Any

import numpy as np

from aesara.configdefaults import config
from aesara.graph.basic import Apply, Constant, Variable
from aesara.graph.op import Op
from aesara.graph.type import HasDataType, HasShape
from aesara.graph.utils import MetaObject
from aesara.link.c.type import CType

# The module defines ops named ``bool``, ``complex``, ``abs`` and ``pow`` (as
# Aesara does), so keep handles on the builtins they shadow.
builtin_bool = builtins.bool
builtin_int = builtins.int
builtin_float = builtins.float
builtin_complex = builtins.complex
builtin_abs = builtins.abs
builtin_pow = builtins.pow


class ComplexError(NotImplementedError):
    """An operation that is not defined (or not supported) on complex numbers."""


class IntegerDivisionError(Exception):
    """Raised when true division of integers is requested and not allowed."""


# ---------------------------------------------------------------------------
# Dtypes and promotion
# ---------------------------------------------------------------------------

# dtype name -> (NumPy scalar class, C type name, capitalised name)
_DTYPE_SPECS: dict[str, tuple[type, str, str]] = {
    "bool": (np.bool_, "npy_bool", "Bool"),
    "int8": (np.int8, "npy_int8", "Int8"),
    "int16": (np.int16, "npy_int16", "Int16"),
    "int32": (np.int32, "npy_int32", "Int32"),
    "int64": (np.int64, "npy_int64", "Int64"),
    "uint8": (np.uint8, "npy_uint8", "UInt8"),
    "uint16": (np.uint16, "npy_uint16", "UInt16"),
    "uint32": (np.uint32, "npy_uint32", "UInt32"),
    "uint64": (np.uint64, "npy_uint64", "UInt64"),
    "float16": (np.float16, "npy_float16", "Float16"),
    "float32": (np.float32, "npy_float32", "Float32"),
    "float64": (np.float64, "npy_float64", "Float64"),
    "complex64": (np.complex64, "aesara_complex64", "Complex64"),
    "complex128": (np.complex128, "aesara_complex128", "Complex128"),
}


def _dtype_name(dtype: Any) -> str:
    if isinstance(dtype, str):
        if dtype == "floatX":
            return config.floatX
        return np.dtype(dtype).name
    if hasattr(dtype, "dtype") and isinstance(dtype.dtype, str):
        return dtype.dtype
    return np.dtype(dtype).name


def upcast(dtype: Any, *dtypes: Any) -> str:
    """Return the dtype that values of all the given dtypes promote to.

    This is NumPy's promotion of (zero-valued) arrays of those dtypes, except
    that with ``config.cast_policy == "numpy+floatX"`` a ``float64`` result is
    narrowed back to ``floatX`` (``float32``/``float16``) unless one of the
    arguments is explicitly ``float64`` (resp. ``float32`` or ``float64``).

    Examples
    --------
    >>> upcast("int8", "float32")
    'float32'
    >>> upcast("int64", "float32")
    'float64'
    """
    names = [_dtype_name(d) for d in (dtype, *dtypes)]
    for n in names:
        if n not in _DTYPE_SPECS:
            raise TypeError(f"upcast: unsupported dtype {n!r}")
    numpy_floatx = config.cast_policy == "numpy+floatX"
    keep_float32 = numpy_floatx and config.floatX == "float32"
    keep_float16 = numpy_floatx and config.floatX == "float16"
    if "float64" in names:
        keep_float32 = keep_float16 = False
    if "float32" in names:
        keep_float16 = False
    rval = np.result_type(*names).name
    if rval == "float64":
        if keep_float16:
            return "float16"
        if keep_float32:
            return "float32"
    elif rval == "float32" and keep_float16:
        return "float16"
    return rval


def as_common_dtype(*vars: Variable):
    """Cast all ``vars`` to their common (upcast) dtype."""
    dtype = upcast(*[v.dtype for v in vars])
    return (v.astype(dtype) for v in vars)


class NumpyAutocaster:
    """Pick the dtype of a Python number used as a constant.

    With the default ``config.cast_policy == "custom"`` the number gets the
    first dtype of ``self.dtypes`` that represents it exactly, so that
    ``x_float32 + 1.5`` stays ``float32`` and ``x_int8 + 1`` stays ``int8``
    (``float16`` is only tried when ``floatX`` is ``float16``; a Python float
    becomes ``floatX`` outright when ``floatX`` is a narrower float).
    With ``"numpy+floatX"`` NumPy's default dtype is used, with Python floats
    cast to ``floatX``.
    """

    def __init__(self, dtypes: Sequence[str]):
        self.dtypes = tuple(dtypes)

    def __call__(self, x: Any) -> np.ndarray:
        if not (
            isinstance(x, (builtin_int, builtin_float))
            or (isinstance(x, (np.ndarray, np.generic)) and np.ndim(x) == 0)
        ):
            raise TypeError(
                f"NumpyAutocaster expects a Python int/float or a 0-d array, got "
                f"{type(x).__name__}"
            )
        policy = config.cast_policy
        if policy == "numpy":
            return np.asarray(x)
        if policy == "numpy+floatX":
            rval = np.asarray(x)
            if (
                not hasattr(x, "dtype")
                and rval.dtype.name in ("float64", "float32")
                and rval.dtype.name != config.floatX
            ):
                rval = rval.astype(config.floatX)
            return rval

        # 'custom' policy.
        dtype = getattr(x, "dtype", None)
        if dtype is not None and str(dtype) in self.dtypes:
            # NumPy scalars/arrays are typed on purpose: keep their dtype.
            return np.asarray(x)
        if (
            isinstance(x, builtin_float)
            and config.floatX in self.dtypes
            and config.floatX != "float64"
        ):
            return np.asarray(x, dtype=config.floatX)
        try_dtypes = [
            d for d in self.dtypes if config.floatX == "float16" or d != "float16"
        ]
        x_ = None
        for d in try_dtypes:
            try:
                x_ = np.asarray(x, dtype=d)
            except OverflowError:
                # NumPy 2 refuses out-of-range Python ints: try the next dtype.
                continue
            # Compare against x as a strongly-typed array: NumPy 2 would
            # otherwise cast a Python float down to x_'s dtype first.
            if np.all(np.asarray(x) == x_):
                break
        if x_ is None:
            raise OverflowError(f"{x!r} does not fit in any of {self.dtypes}")
        # Either an exact representation, or the widest dtype tried.
        return x_


autocast_int = NumpyAutocaster(("int8", "int16", "int32", "int64"))
autocast_float = NumpyAutocaster(("float16", "float32", "float64"))


class autocast_float_as:
    """Temporarily change the dtypes Python floats may be cast to.

    Only meaningful with ``config.cast_policy == "custom"``.

    Examples
    --------
    >>> with autocast_float_as("float32"):
    ...     c = constant(1.1)   # float32 instead of float64
    """

    def __init__(self, *dtypes: str):
        self.dtypes = dtypes
        if config.cast_policy != "custom":
            raise RuntimeError(
                "autocast_float_as requires config.cast_policy == 'custom', got "
                f"{config.cast_policy!r}"
            )

    def __enter__(self):
        self.old_dtypes = autocast_float.dtypes
        autocast_float.dtypes = self.dtypes
        return self

    def __exit__(self, *args):
        autocast_float.dtypes = self.old_dtypes


# ---------------------------------------------------------------------------
# ScalarType
# ---------------------------------------------------------------------------


def _same_value(a: Any, b: Any) -> builtin_bool:
    """Whether two numbers are equal, counting NaN as equal to NaN."""
    try:
        # ``np.errstate`` is per thread; ``warnings.catch_warnings`` would
        # swap the process-wide filters, which concurrent calls can leave
        # permanently changed.
        with np.errstate(all="ignore"):
            # ``np.asarray`` keeps Python numbers strongly typed (NumPy 2 would
            # otherwise compare a Python float in the other operand's dtype).
            if builtin_bool(np.asarray(a) == b):
                return True
            return builtin_bool(np.isnan(a)) and builtin_bool(np.isnan(b))
    except (TypeError, ValueError):
        return False


class ScalarType(CType, HasDataType, HasShape):
    """The type of a single number of a fixed dtype.

    Parameters
    ----------
    dtype
        A dtype name (``"float64"``, ``"int8"``, ... or ``"floatX"``) or
        anything :func:`numpy.dtype` accepts.

    Notes
    -----
    Values are NumPy scalars (``np.float64(1.0)``, ``np.int8(3)``...).
    """

    __props__ = ("dtype",)
    ndim = 0
    shape: tuple = ()
    broadcastable: tuple = ()

    def __init__(self, dtype: Any):
        if isinstance(dtype, str) and dtype == "floatX":
            dtype = config.floatX
        try:
            name = np.dtype(dtype).name
        except TypeError as e:
            raise TypeError(f"Unsupported dtype for ScalarType: {dtype!r}") from e
        if name not in _DTYPE_SPECS:
            raise TypeError(
                f"Unsupported dtype for ScalarType: {name!r}; expected one of "
                f"{', '.join(_DTYPE_SPECS)}"
            )
        self.dtype = name

    @property
    def _np_type(self) -> type:
        return _DTYPE_SPECS[self.dtype][0]

    def dtype_specs(self) -> tuple[type, str, str]:
        """Return ``(NumPy scalar class, C type name, capitalised name)``."""
        return _DTYPE_SPECS[self.dtype]

    def filter(
        self,
        data: Any,
        strict: builtin_bool = False,
        allow_downcast: builtin_bool | None = None,
    ) -> Any:
        """Return ``data`` as a NumPy scalar of this type's dtype.

        Parameters
        ----------
        data
            A number: Python ``bool``/``int``/``float``/``complex``, a NumPy
            scalar or a 0-d array.
        strict
            Only accept NumPy scalars (or 0-d arrays) of exactly this dtype.
        allow_downcast
            Accept conversions that lose information. ``None`` (the default)
            only accepts such a loss for a Python float converted to
            ``floatX``.

        Raises
        ------
        TypeError
            If ``data`` is not a number or cannot be converted as allowed.
        """
        if isinstance(data, np.ndarray):
            if data.ndim != 0:
                raise TypeError(
                    f"ScalarType({self.dtype}) expects a scalar, got an array of shape "
                    f"{data.shape}"
                )
            data = data[()]
        if strict:
            if isinstance(data, np.generic) and data.dtype.name == self.dtype:
                return data
            got = (
                data.dtype.name if isinstance(data, np.generic) else type(data).__name__
            )
            raise TypeError(
                f"ScalarType({self.dtype}) in strict mode expects a NumPy scalar of "
                f"dtype {self.dtype}, got {got} ({data!r})"
            )
        if isinstance(data, np.generic) and data.dtype.name == self.dtype:
            return data
        if isinstance(data, (str, bytes)) or not isinstance(
            data, (builtin_int, builtin_float, builtin_complex, np.generic)
        ):
            raise TypeError(
                f"ScalarType({self.dtype}) expects a number, got "
                f"{type(data).__name__} ({data!r})"
            )
        if isinstance(data, np.generic) and data.dtype.kind not in "biufc":
            raise TypeError(
                f"ScalarType({self.dtype}) expects a number, got a NumPy {data.dtype} value"
            )
        try:
            # Lossy casts are detected below; NumPy's own warnings are silenced
            # with ``np.errstate`` (per thread), not ``warnings.catch_warnings``
            # (process-wide: concurrent calls can leave its filter installed).
            with np.errstate(all="ignore"):
                value = np.asarray(data)
                if value.dtype.kind == "c" and np.dtype(self.dtype).kind in "iuf":
                    # What the cast does, without its ComplexWarning.
                    value = value.real
                converted = value.astype(self.dtype)[()]
        except (OverflowError, TypeError, ValueError) as e:
            raise TypeError(
                f"Could not convert {type(data).__name__} (value={data!r}) to "
                f"{self.dtype}: {e}"
            ) from e
        if (
            allow_downcast
            or (
                allow_downcast is None
                and type(data) is builtin_float
                and self.dtype == config.floatX
            )
            or _same_value(data, converted)
        ):
            return converted
        got = data.dtype.name if isinstance(data, np.generic) else type(data).__name__
        raise TypeError(
            f"ScalarType({self.dtype}) cannot accurately represent {data!r} (a "
            f"{got}): converting it would give {converted!r}. Use "
            "allow_downcast=True to accept the loss of precision."
        )

    def values_eq(self, a: Any, b: Any) -> builtin_bool:
        return builtin_bool(a == b)

    def values_eq_approx(
        self, a: Any, b: Any, tolerance: builtin_float = 1e-4
    ) -> builtin_bool:
        """Whether ``a`` and ``b`` are equal up to a relative ``tolerance``.

        Two NaNs compare equal; infinities must match exactly.
        """
        if self.dtype == "bool":
            return builtin_bool(a == b)
        # Compare in double precision so integer differences cannot overflow.
        wide = np.complex128 if self.dtype.startswith("complex") else np.float64
        a = wide(a)
        b = wide(b)
        if a == b:
            return True
        if np.isnan(a) or np.isnan(b):
            return builtin_bool(np.isnan(a) and np.isnan(b))
        if np.isinf(a) or np.isinf(b):
            return False
        diff = builtin_abs(a - b)
        return builtin_bool(diff <= (builtin_abs(a) + builtin_abs(b)) * tolerance)

    def upcast(self, *others: ScalarType) -> str:
        """Return the dtype this type and ``others`` promote to."""
        return upcast(*[x.dtype for x in (self, *others)])

    def may_share_memory(self, a: Any, b: Any) -> builtin_bool:
        # NumPy scalars are immutable: sharing never matters.
        return False

    def get_shape_info(self, obj: Any) -> int:
        return np.dtype(self.dtype).itemsize

    def get_size(self, shape_info: int) -> int:
        return shape_info

    def __str__(self):
        return self.dtype

    def __repr__(self):
        return f"ScalarType({self.dtype})"


# Deprecated Aesara name of ScalarType.
Scalar = ScalarType

_scalar_type_cache: dict[str, ScalarType] = {}


def get_scalar_type(dtype: Any) -> ScalarType:
    """Return the (cached) :class:`ScalarType` of ``dtype``."""
    key = _dtype_name(dtype) if not isinstance(dtype, ScalarType) else dtype.dtype
    rval = _scalar_type_cache.get(key)
    if rval is None:
        rval = _scalar_type_cache[key] = ScalarType(key)
    return rval


bool: ScalarType = get_scalar_type("bool")
int8: ScalarType = get_scalar_type("int8")
int16: ScalarType = get_scalar_type("int16")
int32: ScalarType = get_scalar_type("int32")
int64: ScalarType = get_scalar_type("int64")
uint8: ScalarType = get_scalar_type("uint8")
uint16: ScalarType = get_scalar_type("uint16")
uint32: ScalarType = get_scalar_type("uint32")
uint64: ScalarType = get_scalar_type("uint64")
float16: ScalarType = get_scalar_type("float16")
float32: ScalarType = get_scalar_type("float32")
float64: ScalarType = get_scalar_type("float64")
complex64: ScalarType = get_scalar_type("complex64")
complex128: ScalarType = get_scalar_type("complex128")

int_types = (int8, int16, int32, int64)
uint_types = (uint8, uint16, uint32, uint64)
float_types = (float16, float32, float64)
complex_types = (complex64, complex128)

integer_types = int_types + uint_types
discrete_types = (bool,) + integer_types
continuous_types = float_types + complex_types
all_types = discrete_types + continuous_types

int_dtypes = tuple(t.dtype for t in int_types)
uint_dtypes = tuple(t.dtype for t in uint_types)
float_dtypes = tuple(t.dtype for t in float_types)
complex_dtypes = tuple(t.dtype for t in complex_types)
integer_dtypes = tuple(t.dtype for t in integer_types)
discrete_dtypes = tuple(t.dtype for t in discrete_types)
continuous_dtypes = tuple(t.dtype for t in continuous_types)
all_dtypes = tuple(t.dtype for t in all_types)


def _multi(*fn):
    """Make ``f(names)`` constructors: ``floats("xyz")`` gives three variables."""

    def f2(f, *names):
        if len(names) == 1 and isinstance(names[0], builtin_int):
            # A count always gives a list, even of one (as in Aesara).
            return [f() for _ in range(names[0])]
        if len(names) == 1:
            names = names[0]
        if len(names) == 1:
            return f(names[0] if not isinstance(names, str) else names)
        return [f(name) for name in names]

    if len(fn) == 1:
        return functools.partial(f2, fn[0])
    return [functools.partial(f2, f) for f in fn]


ints = _multi(int64)
floats = _multi(float64)
complexs = _multi(complex128)
complexs64 = _multi(complex64)
complexs128 = _multi(complex128)


# ---------------------------------------------------------------------------
# Variables and constants
# ---------------------------------------------------------------------------


class _scalar_py_operators:
    """Python operator overloads shared by scalar variables and constants.

    ``==`` keeps identity semantics (variables are graph nodes and must be
    hashable); use :func:`eq` for symbolic equality.
    """

    ndim = 0
    shape: tuple = ()

    @property
    def dtype(self) -> str:
        return self.type.dtype

    # unary
    def __abs__(self):
        return abs(self)

    def __neg__(self):
        return neg(self)

    def __invert__(self):
        return invert(self)

    # bitwise
    def __and__(self, other):
        return and_(self, other)

    def __or__(self, other):
        return or_(self, other)

    def __xor__(self, other):
        return xor(self, other)

    def __rand__(self, other):
        return and_(other, self)

    def __ror__(self, other):
        return or_(other, self)

    def __rxor__(self, other):
        return xor(other, self)

    # comparisons
    def __lt__(self, other):
        return lt(self, other)

    def __le__(self, other):
        return le(self, other)

    def __gt__(self, other):
        return gt(self, other)

    def __ge__(self, other):
        return ge(self, other)

    # arithmetic
    def __add__(self, other):
        return add(self, other)

    def __sub__(self, other):
        return sub(self, other)

    def __mul__(self, other):
        return mul(self, other)

    def __truediv__(self, other):
        return div_proxy(self, other)

    def __floordiv__(self, other):
        return int_div(self, other)

    def __mod__(self, other):
        return mod_check(self, other)

    def __pow__(self, other):
        return pow(self, other)

    def __radd__(self, other):
        return add(other, self)

    def __rsub__(self, other):
        return sub(other, self)

    def __rmul__(self, other):
        return mul(other, self)

    def __rtruediv__(self, other):
        return div_proxy(other, self)

    def __rfloordiv__(self, other):
        return int_div(other, self)

    def __rmod__(self, other):
        return mod_check(other, self)

    def __rpow__(self, other):
        return pow(other, self)

    def zeros_like(self, dtype: str | None = None):
        """A scalar of zeros with this variable's (or ``dtype``'s) type."""
        if dtype is None:
            dtype = self.type.dtype
        # ``second`` keeps the dependency on self, as element-wise ops need.
        return second(self, ScalarConstant(get_scalar_type(dtype), 0))

    def ones_like(self, dtype: str | None = None):
        """A scalar of ones with this variable's (or ``dtype``'s) type."""
        if dtype is None:
            dtype = self.type.dtype
        return second(self, ScalarConstant(get_scalar_type(dtype), 1))

    def astype(self, dtype: str):
        return cast(self, dtype)


class ScalarVariable(_scalar_py_operators, Variable):
    """A symbolic scalar."""


class ScalarConstant(ScalarVariable, Constant):
    """A scalar with a value known when the graph is built."""


ScalarType.variable_type = ScalarVariable
ScalarType.constant_type = ScalarConstant


def convert(x: Any, dtype: str | None = None) -> np.ndarray:
    """Convert ``x`` to a NumPy array with Aesara's constant dtype rules.

    Python ints and floats are auto-cast (see :class:`NumpyAutocaster`),
    everything else keeps NumPy's dtype unless ``dtype`` is given.
    """
    if dtype is not None:
        if dtype == "floatX":
            dtype = config.floatX
        try:
            return np.asarray(x, dtype=dtype)
        except OverflowError as e:
            raise TypeError(f"Value {x!r} does not fit in dtype {dtype}") from e
    if isinstance(x, builtin_bool):
        return np.asarray(x)
    if isinstance(x, builtin_int):
        try:
            return autocast_int(x)
        except OverflowError:
            # Like NumPy: big positive ints may still fit in uint64.
            try:
                return np.asarray(x, dtype="uint64")
            except OverflowError as e:
                raise TypeError(
                    f"Integer {x} is too large for any supported dtype"
                ) from e
    if isinstance(x, builtin_float):
        return autocast_float(x)
    if isinstance(x, np.ndarray):
        return x
    x_ = np.asarray(x)
    if x_.size == 0 and not hasattr(x, "dtype"):
        x_ = np.asarray(x, dtype=config.floatX)
    return x_


def constant(
    x: Any, name: str | None = None, dtype: str | None = None
) -> ScalarConstant:
    """Return a :class:`ScalarConstant` holding ``x``.

    Parameters
    ----------
    x
        A number (Python or NumPy) or a 0-d array.
    name
        Optional name of the constant.
    dtype
        Force this dtype; otherwise Aesara's autocasting rules pick it.
    """
    if isinstance(x, Variable):
        raise TypeError(f"constant expects a value, got the variable {x}")
    x_ = convert(x, dtype=dtype)
    if x_.ndim != 0:
        raise TypeError(
            f"A scalar constant needs a single number, got a value of shape {x_.shape}"
        )
    if x_.dtype.name not in _DTYPE_SPECS:
        raise TypeError(
            f"Cannot make a scalar constant from {x!r}: dtype {x_.dtype} is not a "
            "numeric dtype"
        )
    return ScalarConstant(get_scalar_type(x_.dtype.name), x_, name=name)


def as_scalar(x: Any, name: str | None = None) -> ScalarVariable:
    """Return ``x`` as a scalar variable.

    Accepts scalar variables (returned as they are), 0-d tensor variables
    (converted with ``aesara.tensor.basic.scalar_from_tensor``), single-output
    Apply nodes and Python/NumPy numbers (made into constants).
    """
    if isinstance(x, Apply):
        if len(x.outputs) != 1:
            raise ValueError(
                "It is ambiguous which output of a multi-output Op has to be fetched.",
                x,
            )
        x = x.outputs[0]
    if isinstance(x, Variable):
        if isinstance(x.type, ScalarType):
            return x
        if getattr(x.type, "ndim", None) == 0:
            from aesara.tensor.basic import scalar_from_tensor

            return scalar_from_tensor(x)
        raise TypeError(f"Cannot convert {x} (of type {x.type}) to a scalar variable")
    return constant(x, name=name)


# ---------------------------------------------------------------------------
# Output type preferences
# ---------------------------------------------------------------------------


def upcast_out(*types: ScalarType) -> tuple[ScalarType]:
    """The type all ``types`` promote to."""
    if not types:
        raise TypeError("at least one input is required")
    return (get_scalar_type(ScalarType.upcast(*types)),)


def upcast_out_nobool(*types: ScalarType) -> tuple[ScalarType]:
    """Like :func:`upcast_out`, refusing a ``bool`` result."""
    t = upcast_out(*types)
    if t[0] == bool:
        raise TypeError("bool output not supported")
    return t


def upcast_out_min8(*types: ScalarType) -> tuple[ScalarType]:
    """Like :func:`upcast_out`, turning a ``bool`` result into ``int8``."""
    t = upcast_out(*types)
    if t[0] == bool:
        return (int8,)
    return t


def upcast_out_no_complex(*types: ScalarType) -> tuple[ScalarType]:
    """Like :func:`upcast_out`, refusing complex inputs."""
    if any(t in complex_types for t in types):
        raise TypeError("complex types are not supported")
    return upcast_out(*types)


def upcast_out_nocomplex(*types: ScalarType) -> tuple[ScalarType]:
    return upcast_out_no_complex(*types)


_float_upgrade = {
    "bool": "float32",
    "int8": "float32",
    "uint8": "float32",
    "int16": "float32",
    "uint16": "float32",
    "int32": "float64",
    "uint32": "float64",
    "int64": "float64",
    "uint64": "float64",
}


def upgrade_to_float(*types: ScalarType) -> tuple[ScalarType]:
    """Promote, mapping integers to a float that holds them exactly.

    ``bool``/``(u)int8``/``(u)int16`` become ``float32``, wider integers
    ``float64``; float and complex types are kept.
    """
    dtypes = [_float_upgrade.get(t.dtype, t.dtype) for t in types]
    return (get_scalar_type(upcast(*dtypes)),)


def upgrade_to_float64(*types: ScalarType) -> tuple[ScalarType]:
    return (float64,)


def upgrade_to_float_no_complex(*types: ScalarType) -> tuple[ScalarType]:
    """Like :func:`upgrade_to_float`, refusing complex inputs."""
    if any(t in complex_types for t in types):
        raise TypeError("complex arguments are not supported")
    return upgrade_to_float(*types)


def same_out(type: ScalarType) -> tuple[ScalarType]:
    return (type,)


def same_out_nobool(type: ScalarType) -> tuple[ScalarType]:
    if type == bool:
        raise TypeError("bool input not supported")
    return (type,)


def same_out_min8(type: ScalarType) -> tuple[ScalarType]:
    if type == bool:
        return (int8,)
    return (type,)


def same_out_nocomplex(type: ScalarType) -> tuple[ScalarType]:
    if type in complex_types:
        raise TypeError("complex arguments are not supported")
    return (type,)


def same_out_float_only(type: ScalarType) -> tuple[ScalarType]:
    if type not in float_types:
        raise TypeError(f"only float types are supported, got {type}")
    return (type,)


def int_out(*types: ScalarType) -> tuple[ScalarType]:
    return (int64,)


def int_out_nocomplex(*types: ScalarType) -> tuple[ScalarType]:
    if any(t in complex_types for t in types):
        raise TypeError("complex arguments are not supported")
    return (int64,)


def float_out(*types: ScalarType) -> tuple[ScalarType]:
    return (float64,)


def float_out_nocomplex(*types: ScalarType) -> tuple[ScalarType]:
    if any(t in complex_types for t in types):
        raise TypeError("complex arguments are not supported")
    return (float64,)


def bool_out(*types: ScalarType) -> tuple[ScalarType]:
    return (bool,)


def real_out(type: ScalarType) -> tuple[ScalarType]:
    """The real counterpart of a complex type; other types are kept."""
    if type == complex64:
        return (float32,)
    if type == complex128:
        return (float64,)
    return (type,)


class transfer_type(MetaObject):
    """Output types copied from inputs.

    ``transfer_type(1, None, "float32")`` makes three outputs: the type of
    input 1, the upcast of all inputs, and ``float32``.
    """

    __props__ = ("transfer",)

    def __init__(self, *transfer: builtin_int | str | None):
        for x in transfer:
            if not (isinstance(x, (builtin_int, str)) or x is None):
                raise TypeError(
                    f"transfer_type entries must be ints, dtype names or None, got {x!r}"
                )
        self.transfer = transfer

    def __str__(self):
        return f"transfer_type{self.transfer}"

    def __call__(self, *types: ScalarType) -> list[ScalarType]:
        rval = []
        for i in self.transfer:
            if i is None:
                rval.append(upcast_out(*types)[0])
            elif isinstance(i, str):
                rval.append(get_scalar_type(i))
            else:
                rval.append(types[i])
        return rval


class specific_out(MetaObject):
    """Fixed output types, whatever the inputs."""

    __props__ = ("spec",)

    def __init__(self, *spec: ScalarType):
        self.spec = spec

    def __call__(self, *types: ScalarType) -> tuple[ScalarType, ...]:
        return self.spec


class unary_out_lookup(MetaObject):
    """Output type looked up in a table ``{input_type: output_type}``."""

    def __init__(self, type_table: dict):
        self.tbl = type_table

    def __call__(self, *types: ScalarType):
        key = types[0] if len(types) == 1 else types
        try:
            rval = self.tbl[key]
        except KeyError:
            raise TypeError(f"unsupported input types {types}") from None
        if isinstance(key, (list, tuple)):
            return rval
        return [rval]

    def __eq__(self, other):
        return type(self) is type(other) and self.tbl == other.tbl

    def __hash__(self):
        return hash(type(self))


# ---------------------------------------------------------------------------
# Gradient helpers
# ---------------------------------------------------------------------------


def _float_zeros_like(x: Variable) -> Variable:
    """Zeros shaped like ``x`` with a float dtype (floatX for discrete ``x``).

    Gradients must be float-valued, even for integer inputs.
    """
    if x.type in continuous_types:
        return x.zeros_like()
    return x.zeros_like(dtype=config.floatX)


def _disconnected_grad(x: Variable) -> Variable:
    """The gradient of an input no output depends on."""
    try:
        from aesara.gradient import DisconnectedType
    except ImportError:
        return _float_zeros_like(x)
    return DisconnectedType()()


def _is_disconnected(g: Any) -> builtin_bool:
    return g is None or type(getattr(g, "type", None)).__name__ == "DisconnectedType"


def _chain(gz: Variable, deriv: Variable, x: Variable) -> Variable:
    """Chain rule ``gz * f'(x)`` with Aesara's complex-gradient convention.

    For a real cost ``C`` the gradient w.r.t. a complex ``z`` is
    ``dC/dRe(z) + 1j * dC/dIm(z)``; through a holomorphic ``f`` that is
    ``gz * conj(f'(z))``. For a real ``x`` only the real part is kept.
    """
    from aesara.scalar._elementary import conj, real

    if deriv.type in complex_types:
        g = gz * conj(deriv)
    else:
        g = gz * deriv
    if g.type in complex_types and x.type not in complex_types:
        g = real(g)
    return g


def _real_part(g: Variable, x: Variable) -> Variable:
    """``g`` as the gradient of ``x``: its real part when ``x`` is real."""
    if g.type in complex_types and x.type not in complex_types:
        from aesara.scalar._elementary import real

        return real(g)
    return g


def _const_like(value: Any, var: Variable) -> ScalarConstant:
    """A constant with the (float) dtype of ``var``, or floatX."""
    dtype = var.type.dtype if var.type in continuous_types else config.floatX
    return constant(value, dtype=dtype)


# ---------------------------------------------------------------------------
# ScalarOp
# ---------------------------------------------------------------------------


def _cast_to_dtype(x: Any, dtype: str) -> Any:
    """Cast a result to ``dtype``: NumPy scalars stay scalars, arrays arrays."""
    if isinstance(x, np.generic):
        if x.dtype.name == dtype:
            return x
        x = np.asarray(x)
    elif not isinstance(x, np.ndarray):
        x = np.asarray(x)
    if x.dtype.name != dtype:
        x = x.astype(dtype)
    return x[()] if x.ndim == 0 else x


class ScalarOp(Op):
    """Base class of the operations on scalars.

    Parameters
    ----------
    output_types_preference
        A callable mapping the input types to the output types (see
        :func:`upcast_out`, :func:`upgrade_to_float`...).
    name
        The name shown when printing the op.

    Notes
    -----
    Subclasses set ``nin``/``nout`` (``nin = -1`` for any number of inputs),
    implement :meth:`impl` on Python/NumPy scalars (written with NumPy
    functions so it also works element-wise on arrays), set ``nfunc_spec =
    (numpy_function_name, nin, nout)`` when a NumPy ufunc computes the same
    thing, and implement :meth:`L_op`/``grad``.
    """

    nin = -1
    nout = 1
    nfunc_spec: tuple[str, builtin_int, builtin_int] | None = None
    nfunc_variadic: str | None = None
    commutative = False
    associative = False

    def __init__(
        self,
        output_types_preference: Callable | None = None,
        name: str | None = None,
    ):
        self.name = name
        if output_types_preference is not None:
            if not callable(output_types_preference):
                raise TypeError(
                    f"Expected a callable for the output_types_preference of "
                    f"{type(self).__name__}, got {output_types_preference!r}"
                )
            self.output_types_preference = output_types_preference

    def __init_subclass__(cls, **kwargs):
        defines_eq = "__eq__" in cls.__dict__
        defines_hash = "__hash__" in cls.__dict__
        defines_str = "__str__" in cls.__dict__
        super().__init_subclass__(**kwargs)
        # ``MetaObject`` derives eq/hash/str from ``__props__`` only; scalar ops
        # must also compare their output type preference and print their name.
        if "__props__" in cls.__dict__:
            if not defines_eq:
                cls.__eq__ = ScalarOp.__eq__
            if not defines_hash:
                cls.__hash__ = ScalarOp.__hash__
            if not defines_str:
                cls.__str__ = ScalarOp.__str__

    def make_node(self, *inputs: Any) -> Apply:
        if self.nin >= 0 and len(inputs) != self.nin:
            raise TypeError(
                f"Wrong number of inputs for {self}.make_node: expected {self.nin}, "
                f"got {len(inputs)}"
            )
        if self.nin < 0 and len(inputs) == 0:
            raise TypeError(f"{self} needs at least one input")
        converted = []
        for i, inp in enumerate(inputs):
            try:
                converted.append(as_scalar(inp))
            except TypeError as e:
                raise TypeError(f"Input {i} of {self}: {e}") from e
        types = [inp.type for inp in converted]
        try:
            out_types = self.output_types(types)
        except TypeError as e:
            raise TypeError(
                f"{self} does not support inputs of type "
                f"({', '.join(str(t) for t in types)}): {e}"
            ) from e
        outputs = [t() for t in out_types]
        if len(outputs) != self.nout:
            raise TypeError(
                f"{self} declared {self.nout} outputs but its output types give "
                f"{len(outputs)}"
            )
        return Apply(self, converted, outputs)

    def output_types(self, types: Sequence[ScalarType]) -> Sequence[ScalarType]:
        """Return the output types for inputs of the given ``types``."""
        pref = getattr(self, "output_types_preference", None)
        if pref is None:
            raise NotImplementedError(f"Cannot calculate the output types for {self}")
        variables = pref(*types)
        if not isinstance(variables, (list, tuple)) or any(
            not isinstance(x, ScalarType) for x in variables
        ):
            raise TypeError(
                f"output_types_preference of {self} should return a list or tuple of "
                f"ScalarTypes, got {variables!r}"
            )
        if len(variables) != self.nout:
            raise TypeError(
                f"output_types_preference of {self} returned {len(variables)} types, "
                f"expected {self.nout}"
            )
        return variables

    def impl(self, *inputs: Any) -> Any:
        """Compute the output(s) from concrete numbers."""
        raise NotImplementedError(f"{type(self).__name__} has no impl")

    def perform(
        self, node: Apply, inputs: Sequence[Any], output_storage, params=None
    ) -> None:
        if self.nout == 1:
            output_storage[0][0] = _cast_to_dtype(
                self.impl(*inputs), node.outputs[0].type.dtype
            )
        else:
            results = self.impl(*inputs)
            if len(results) != len(output_storage):
                raise ValueError(
                    f"{self}.impl returned {len(results)} values, expected "
                    f"{len(output_storage)}"
                )
            for out, storage, value in zip(node.outputs, output_storage, results):
                storage[0] = _cast_to_dtype(value, out.type.dtype)

    def grad(self, inputs: Sequence[Variable], output_gradients: Sequence[Variable]):
        # Scalar ops implement ``L_op`` (which also sees the outputs); rebuild
        # the outputs so ``grad`` works too.
        if type(self).L_op is ScalarOp.L_op:
            raise NotImplementedError(f"{type(self).__name__} does not implement grad")
        outputs = self(*inputs, return_list=True)
        return self.L_op(inputs, outputs, output_gradients)

    def make_new_inplace(
        self, output_types_preference: Callable | None = None, name: str | None = None
    ):
        """Return a copy with another output type preference (and name)."""
        op = copy(self)
        if output_types_preference is not None:
            op.output_types_preference = output_types_preference
        if name is not None:
            op.name = name
        return op

    def _scalar_props(self) -> tuple:
        return tuple(getattr(self, p) for p in getattr(type(self), "__props__", ()))

    def __eq__(self, other):
        if self is other:
            return True
        return (
            type(self) is type(other)
            and getattr(self, "output_types_preference", None)
            == getattr(other, "output_types_preference", None)
            and self._scalar_props() == other._scalar_props()
        )

    def __hash__(self):
        return hash(
            (
                type(self),
                getattr(self, "output_types_preference", 0),
                self._scalar_props(),
            )
        )

    def __str__(self):
        name = getattr(self, "name", None)
        if name:
            return name
        props = getattr(type(self), "__props__", ())
        if props:
            inner = ", ".join(f"{p}={getattr(self, p)!r}" for p in props)
            return f"{type(self).__name__}{{{inner}}}"
        return type(self).__name__


class UnaryScalarOp(ScalarOp):
    nin = 1


class BinaryScalarOp(ScalarOp):
    """A two-input scalar op; ``commutative``/``associative`` describe it."""

    nin = 2


# The concrete ops. Imported last: they build on everything above, and the
# operators and gradient helpers above refer to them at call time.
# isort: off
from aesara.scalar._ops import *  # noqa: E402, F403
from aesara.scalar._elementary import *  # noqa: E402, F403
from aesara.scalar._composite import Composite  # noqa: E402, F401

# Named explicitly as well: the operators of ScalarVariable use them.
from aesara.scalar._ops import (  # noqa: E402
    add,
    and_,
    cast,
    div_proxy,
    ge,
    gt,
    int_div,
    invert,
    le,
    lt,
    mod_check,
    mul,
    neg,
    or_,
    pow,
    second,
    sub,
    xor,
)
from aesara.scalar._elementary import abs  # noqa: E402

# isort: on


# Aesara 2.9 renamed these ops (``true_div`` -> ``true_divide``...). The ops
# keep their names here (graphs print ``true_div``); the new names are the same
# objects, so either spelling builds, compares and rewrites identically.
from aesara.scalar._elementary import sqr  # noqa: E402
from aesara.scalar._ops import (  # noqa: E402
    IntDiv,
    TrueDiv,
    _cast_mapping,  # noqa: F401 - dtype -> Cast op, as in Aesara
    true_div,
)

true_divide = true_div
divide = true_div
TrueDivide = TrueDiv
floor_divide = int_div
FloorDivide = IntDiv
square = sqr

# The float16 -> float32 graph converter (see aesara.scalar._composite).
from aesara.scalar._composite import (  # noqa: E402, F401
    Compositef32,
    composite_f32,
    handle_cast,
    handle_composite,
)

# Aesara 2.9's NumPy helpers behind ``round_half_away_from_zero``.
from aesara.scalar._elementary import (  # noqa: E402, F401
    round_half_away_from_zero_,
    round_half_away_from_zero_vec,
    round_half_away_from_zero_vec32,
    round_half_away_from_zero_vec64,
)

#: ``(old name, warning, object)`` for the deprecated names of this module.
DEPRECATED_NAMES: list[tuple[str, str, Any]] = [
    ("Inv", "`Inv` is deprecated; use `Reciprocal` instead.", Reciprocal),  # noqa: F405
    ("inv", "`inv` is deprecated; use `reciprocal` instead.", reciprocal),  # noqa: F405
]


def __getattr__(name: str) -> Any:
    # PEP 562: deprecated names still resolve, with a DeprecationWarning.
    import warnings

    for old_name, msg, obj in DEPRECATED_NAMES:
        if name == old_name:
            warnings.warn(msg, DeprecationWarning, stacklevel=2)
            return obj
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
