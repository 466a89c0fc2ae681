"""The type of dense n-dimensional arrays and the constructors of tensor variables.

A :class:`TensorType` is defined by a dtype and a static shape: one entry
per dimension, an ``int`` when the size is known when the graph is built and
``None`` otherwise. Dimensions of static size 1 are the "broadcastable" ones.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable, Iterable, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from aesara.configdefaults import config
from aesara.graph.basic import Variable
from aesara.graph.type import HasDataType, HasShape, Type
from aesara.link.c.type import CType
from aesara.tensor.exceptions import StaticShapeError

if TYPE_CHECKING:
    from aesara.tensor.var import TensorVariable

# (Python scalar type, C type name, NumPy type-number name) for every dtype a
# tensor may hold; the C names are kept for API familiarity only.
dtype_specs_map: dict[str, tuple[type, str, str]] = {
    "bool": (bool, "npy_bool", "NPY_BOOL"),
    "float16": (float, "npy_float16", "NPY_FLOAT16"),
    "float32": (float, "npy_float32", "NPY_FLOAT32"),
    "float64": (float, "npy_float64", "NPY_FLOAT64"),
    "uint8": (int, "npy_uint8", "NPY_UINT8"),
    "int8": (int, "npy_int8", "NPY_INT8"),
    "uint16": (int, "npy_uint16", "NPY_UINT16"),
    "int16": (int, "npy_int16", "NPY_INT16"),
    "uint32": (int, "npy_uint32", "NPY_UINT32"),
    "int32": (int, "npy_int32", "NPY_INT32"),
    "uint64": (int, "npy_uint64", "NPY_UINT64"),
    "int64": (int, "npy_int64", "NPY_INT64"),
    "complex64": (complex, "aesara_complex64", "NPY_COMPLEX64"),
    "complex128": (complex, "aesara_complex128", "NPY_COMPLEX128"),
}

int_dtypes = ["int8", "int16", "int32", "int64"]
uint_dtypes = ["uint8", "uint16", "uint32", "uint64"]
integer_dtypes = int_dtypes + uint_dtypes
float_dtypes = ["float16", "float32", "float64"]
complex_dtypes = ["complex64", "complex128"]
discrete_dtypes = ["bool"] + integer_dtypes
continuous_dtypes = float_dtypes + complex_dtypes
all_dtypes = discrete_dtypes + continuous_dtypes

# Tolerances used by ``values_eq_approx`` when none are given: NumPy's
# defaults for double precision, looser ones for lower precisions.
_default_tolerances = {
    "float16": (1e-3, 1e-3),
    "float32": (1e-5, 1e-5),
    "complex64": (1e-5, 1e-5),
    "float64": (1e-5, 1e-8),
    "complex128": (1e-5, 1e-8),
}


def _parse_shape_entry(s: Any, i: int) -> int | None:
    # Booleans are the deprecated "broadcastable" spelling: True means size 1.
    if isinstance(s, (bool, np.bool_)):
        return 1 if s else None
    if s is None:
        return None
    if isinstance(s, (int, np.integer)):
        s = int(s)
        if s < 0:
            raise ValueError(
                f"Static shape entries must be non-negative or None; got {s} at dimension {i}"
            )
        return s
    raise TypeError(
        f"Static shape entries must be int or None; got {type(s).__name__} ({s!r}) at dimension {i}"
    )


class TensorType(CType, HasDataType, HasShape):
    """The type of n-dimensional arrays of one dtype.

    Parameters
    ----------
    dtype
        A NumPy dtype (or its name); ``"floatX"`` means ``config.floatX``.
    shape
        One entry per dimension: the static size (``int``) or ``None`` when it
        is only known at run time.
    name
        Optional name used when printing the type.
    broadcastable
        Deprecated: a tuple of booleans, ``True`` meaning a static size of 1.
    """

    __props__ = ("dtype", "shape")

    variable_type: type = Variable  # replaced by TensorVariable in aesara.tensor.var
    constant_type: type = Variable  # replaced by TensorConstant in aesara.tensor.var
    context_name = "cpu"
    filter_checks_isfinite = False
    dtype_specs_map = dtype_specs_map

    def __init__(
        self,
        dtype: str | np.dtype | type,
        shape: Iterable[bool | int | None] | None = None,
        name: str | None = None,
        broadcastable: Iterable[bool] | None = None,
    ):
        if broadcastable is not None:
            warnings.warn(
                "The `broadcastable` argument of TensorType is deprecated; use `shape`",
                DeprecationWarning,
                stacklevel=2,
            )
            if shape is not None:
                raise TypeError(
                    "Give TensorType either `shape` or `broadcastable`, not both"
                )
            shape = broadcastable
        if shape is None:
            raise TypeError(
                "TensorType needs a `shape` (a tuple of int or None per dimension)"
            )
        if isinstance(dtype, str) and dtype == "floatX":
            dtype = config.floatX
        try:
            self.dtype = np.dtype(dtype).name
        except TypeError as e:
            raise TypeError(f"Invalid dtype for TensorType: {dtype!r}") from e
        if isinstance(shape, (str, bytes)) or not isinstance(shape, Iterable):
            raise TypeError(
                f"TensorType shape must be a tuple of int or None, got {type(shape).__name__}: {shape!r}"
            )
        self.shape = tuple(_parse_shape_entry(s, i) for i, s in enumerate(shape))
        self.dtype_specs()  # validates the dtype
        self.name = name
        self.numpy_dtype = np.dtype(self.dtype)
        self.ndim = len(self.shape)
        # Precomputed so that ``filter`` checks static sizes only when needed.
        self._static_dims = tuple(
            (i, s) for i, s in enumerate(self.shape) if s is not None
        )

    # ------------------------------------------------------------------
    # Basic properties
    # ------------------------------------------------------------------

    @property
    def broadcastable(self) -> tuple[bool, ...]:
        """Which dimensions have static size 1."""
        return tuple(s == 1 for s in self.shape)

    def dtype_specs(self) -> tuple[type, str, str]:
        """Return (Python scalar type, C type name, NumPy type name) of the dtype."""
        try:
            return self.dtype_specs_map[self.dtype]
        except KeyError:
            raise TypeError(
                f"Unsupported dtype for TensorType: {self.dtype} "
                f"(supported: {', '.join(self.dtype_specs_map)})"
            ) from None

    def clone(
        self,
        dtype: Any = None,
        shape: Iterable[bool | int | None] | None = None,
        broadcastable: Iterable[bool] | None = None,
        **kwargs,
    ) -> TensorType:
        """Return a copy of this type with another dtype and/or shape."""
        if broadcastable is not None:
            warnings.warn(
                "The `broadcastable` argument is deprecated; use `shape`",
                DeprecationWarning,
                stacklevel=2,
            )
            shape = broadcastable
        if dtype is None:
            dtype = self.dtype
        if shape is None:
            shape = self.shape
        return type(self)(dtype, shape, name=self.name)

    def __str__(self) -> str:
        if self.name:
            return self.name
        dims = ", ".join("?" if s is None else str(s) for s in self.shape)
        if self.ndim == 1:
            dims += ","
        return f"TensorType({self.dtype}, ({dims}))"

    def __repr__(self) -> str:
        # As in Aesara, the repr is the str: unknown lengths show as ``?``.
        return str(self)

    # ------------------------------------------------------------------
    # Values
    # ------------------------------------------------------------------

    def filter(
        self, data: Any, strict: bool = False, allow_downcast: bool | None = None
    ) -> np.ndarray:
        """Return ``data`` as an ndarray valid for this type.

        Parameters
        ----------
        data
            An ndarray, NumPy scalar, Python number or nested sequence.
        strict
            Only accept an ndarray of exactly this dtype.
        allow_downcast
            Convert even when precision may be lost. ``None`` (the default)
            only allows Python floats to become ``config.floatX``.

        Raises
        ------
        TypeError
            For a wrong dtype (when conversion would lose precision) or a
            wrong number of dimensions.
        StaticShapeError
            (a ``TypeError`` and a ``ValueError``) when a dimension disagrees
            with the static shape.
        """
        # Fast path: an ndarray of the right dtype, the overwhelmingly common case.
        if type(data) is np.ndarray and data.dtype == self.numpy_dtype:
            pass
        elif isinstance(data, Variable):
            raise TypeError(
                "Expected an array-like object, but found a Variable: maybe you are "
                "trying to call a function on a (possibly shared) variable instead "
                "of a numeric array?"
            )
        elif isinstance(data, np.ndarray) and data.dtype == self.numpy_dtype:
            pass  # an ndarray subclass (e.g. memmap) of the right dtype
        elif strict:
            if not isinstance(data, np.ndarray):
                raise TypeError(
                    f"{self} expected an ndarray object (got {type(data).__name__})."
                )
            raise TypeError(
                f"{self} expected an ndarray with dtype={self.dtype} (got {data.dtype})."
            )
        else:
            data = self._convert(data, allow_downcast)

        if data.ndim != self.ndim:
            raise TypeError(
                f"Wrong number of dimensions: expected {self.ndim}, got {data.ndim} "
                f"with shape {data.shape}."
            )
        if self._static_dims:
            dshape = data.shape
            for i, s in self._static_dims:
                if dshape[i] != s:
                    raise StaticShapeError(
                        f"The type's shape ({self.shape}) is not compatible with the data's "
                        f"({dshape}): dimension {i} must have size {s}, got {dshape[i]}."
                    )
        if self.filter_checks_isfinite and not np.all(np.isfinite(data)):
            raise ValueError("Non-finite elements not allowed")
        return data

    def _convert(self, data: Any, allow_downcast: bool | None) -> np.ndarray:
        """Convert non-exact ``data`` to this dtype, refusing lossy conversions."""
        if allow_downcast:
            return np.asarray(data, dtype=self.numpy_dtype)
        if isinstance(data, np.ndarray):
            up = np.promote_types(self.numpy_dtype, data.dtype)
            if up != self.numpy_dtype:
                raise TypeError(
                    f"{self} cannot store a value of dtype {data.dtype} without risking "
                    f"loss of precision. If you do not mind this loss, you can: 1) "
                    f"explicitly cast your data to {self.dtype}, or 2) set "
                    f'"allow_input_downcast=True" when calling "function". '
                    f"Value: {data!r}"
                )
            return np.asarray(data, dtype=self.numpy_dtype)
        if (
            allow_downcast is None
            and isinstance(data, (float, np.floating))
            and self.dtype == config.floatX
        ):
            # Python float literals may always become floatX, even float32.
            return np.asarray(data, dtype=self.numpy_dtype)
        original = np.asarray(data)
        if original.dtype == object:
            raise TypeError(
                f"{self} cannot convert a value of type {type(data).__name__} to an array "
                f"of {self.dtype}: {data!r}"
            )
        try:
            converted = np.asarray(data, dtype=self.numpy_dtype)
        except OverflowError:
            converted = None  # e.g. a Python int out of the dtype's range
        except (ValueError, TypeError) as e:
            raise TypeError(f"{self} cannot store value {data!r}: {e}") from e
        if converted is not None and (
            original.dtype == converted.dtype
            or TensorType.values_eq(original, converted, force_same_dtype=False)
        ):
            return converted
        text = str(data)
        if len(text) > 80:
            text = text[:75] + "(...)"
        raise TypeError(
            f"{self} cannot store accurately value {text}"
            + ("" if converted is None else f", it would be represented as {converted}")
            + f". If you do not mind this precision loss, you can: 1) explicitly "
            f"convert your data to a numpy array of dtype {self.dtype}, or 2) set "
            f'"allow_input_downcast=True" when calling "function".'
        )

    def filter_variable(self, other: Any, allow_convert: bool = True) -> Variable:
        """Return ``other`` as a variable of this type (constants for raw values)."""
        if hasattr(other, "_as_TensorVariable"):
            other = other._as_TensorVariable()
        if not isinstance(other, Variable):
            other = self.constant_type(type=self, data=other)
        if other.type == self:
            return other
        if allow_convert:
            converted = self.convert_variable(other)
            if converted is not None:
                return converted
        raise TypeError(
            f"Cannot convert Type {other.type} (of Variable {other}) into Type {self}. "
            f"You can try to manually convert {other} into a {self}."
        )

    def convert_variable(self, var: Variable) -> Variable | None:
        """Return ``var`` as a variable of this type when that is possible.

        A variable whose type is at least as specific is returned as is; one
        whose type is less specific gets a ``specify_shape`` with this type's
        static shape. Anything else gives ``None``.
        """
        if self.is_super(var.type):
            return var
        vtype = var.type
        if isinstance(vtype, TensorType) and vtype.is_super(self):
            from aesara.tensor.shape import specify_shape

            return specify_shape(var, self.shape)
        return None

    def is_super(self, otype: Type) -> bool:
        """Whether every value of ``otype`` is a value of this type."""
        if (
            isinstance(otype, type(self))
            and otype.dtype == self.dtype
            and otype.ndim == self.ndim
            and all(s is None or s == o for s, o in zip(self.shape, otype.shape))
        ):
            return True
        return False

    def in_same_class(self, otype: Type) -> bool:
        """Whether ``otype`` has the same dtype and the same static size-1 dimensions."""
        return (
            isinstance(otype, TensorType)
            and otype.dtype == self.dtype
            and otype.broadcastable == self.broadcastable
        )

    @staticmethod
    def values_eq(a: Any, b: Any, force_same_dtype: bool = True) -> bool:
        """Whether two arrays have the same shape and values (NaNs at the same places match)."""
        a = np.asarray(a)
        b = np.asarray(b)
        if a.shape != b.shape:
            return False
        if force_same_dtype and a.dtype != b.dtype:
            return False
        with np.errstate(invalid="ignore"):
            eq = a == b
        if np.all(eq):
            return True
        if a.dtype.kind in "fc" and b.dtype.kind in "fc":
            return bool(np.all(eq | (np.isnan(a) & np.isnan(b))))
        return False

    @staticmethod
    def values_eq_approx(
        a: Any,
        b: Any,
        allow_remove_inf: bool = False,
        allow_remove_nan: bool = False,
        rtol: float | None = None,
        atol: float | None = None,
    ) -> bool:
        """Whether two arrays are equal up to tolerances suited to their dtype.

        NaNs must be at the same places, and infinities must match in
        position and sign, unless ``allow_remove_nan``/``allow_remove_inf``
        say that any value of ``b`` is accepted where ``a`` has a NaN/inf.
        """
        if not (isinstance(a, np.ndarray) and isinstance(b, np.ndarray)):
            a, b = np.asarray(a), np.asarray(b)
        if a.shape != b.shape or a.dtype != b.dtype:
            return False
        if a.dtype.name not in continuous_dtypes:
            return bool(np.all(a == b))
        d_rtol, d_atol = _default_tolerances[a.dtype.name]
        rtol = d_rtol if rtol is None else rtol
        atol = d_atol if atol is None else atol
        with np.errstate(invalid="ignore", over="ignore"):
            close = np.isclose(a, b, rtol=rtol, atol=atol, equal_nan=True)
        if allow_remove_nan:
            close |= np.isnan(a)
        if allow_remove_inf:
            close |= np.isinf(a)
        return bool(np.all(close))

    @staticmethod
    def may_share_memory(a: Any, b: Any) -> bool:
        """Whether the arrays ``a`` and ``b`` may use the same memory."""
        if isinstance(a, np.ndarray) and isinstance(b, np.ndarray):
            return bool(np.may_share_memory(a, b))
        return False

    def get_shape_info(self, obj: np.ndarray) -> tuple[int, ...]:
        """Return what ``get_size`` needs: the shape of ``obj``."""
        return obj.shape

    def get_size(self, shape_info: tuple[int, ...]) -> int:
        """Number of bytes of an array of this dtype with shape ``shape_info``."""
        return int(np.prod(shape_info, dtype=np.int64)) * self.numpy_dtype.itemsize

    def value_zeros(self, shape: Sequence[int]) -> np.ndarray:
        """Return an array of zeros of this dtype and the given shape."""
        return np.zeros(shape, dtype=self.dtype)

    def make_variable(self, name: str | None = None) -> TensorVariable:
        """Return a new input variable of this type."""
        return self.variable_type(self, None, name=name)


def values_eq_approx_remove_inf(a, b) -> bool:
    """``values_eq_approx`` accepting anything where ``a`` is infinite."""
    return TensorType.values_eq_approx(a, b, allow_remove_inf=True)


def values_eq_approx_remove_nan(a, b) -> bool:
    """``values_eq_approx`` accepting anything where ``a`` is NaN."""
    return TensorType.values_eq_approx(a, b, allow_remove_nan=True)


def values_eq_approx_remove_inf_nan(a, b) -> bool:
    """``values_eq_approx`` accepting anything where ``a`` is NaN or infinite."""
    return TensorType.values_eq_approx(
        a, b, allow_remove_inf=True, allow_remove_nan=True
    )


def values_eq_approx_always_true(a, b) -> bool:
    """A comparison that accepts anything (for values that cannot be checked)."""
    return True


# ----------------------------------------------------------------------------
# Constructors
# ----------------------------------------------------------------------------


def _validate_static_shape(shape: Any, ndim: int) -> tuple[int | None, ...]:
    if not isinstance(shape, (tuple, list)):
        raise TypeError(f"Shape must be a tuple, got {type(shape).__name__}: {shape!r}")
    if len(shape) != ndim:
        raise ValueError(f"Shape must be a tuple of length {ndim}, got {tuple(shape)}")
    return tuple(_parse_shape_entry(s, i) for i, s in enumerate(shape))


def tensor(
    dtype: Any = None,
    shape: Iterable[bool | int | None] | None = None,
    name: str | None = None,
    broadcastable: Iterable[bool] | None = None,
) -> TensorVariable:
    """Return a new tensor input variable.

    Parameters
    ----------
    dtype
        Its dtype; ``None`` means ``config.floatX``.
    shape
        Its static shape: one ``int`` (known size) or ``None`` per dimension.
    name
        Its name.
    broadcastable
        Deprecated spelling of the shape as booleans (``True`` for size 1).

    Examples
    --------
    >>> x = tensor("float32", shape=(None, 3), name="x")
    """
    if dtype is None:
        dtype = config.floatX
    if shape is None and broadcastable is None:
        raise TypeError(
            "tensor() needs a `shape`: a tuple with one int (static size) or None "
            "per dimension, e.g. tensor('float64', shape=(None, 3))"
        )
    return TensorType(dtype, shape, broadcastable=broadcastable)(name=name)


def scalar(name: str | None = None, dtype: Any = None) -> TensorVariable:
    """Return a 0-d tensor variable (``dtype`` defaults to ``config.floatX``)."""
    if dtype is None:
        dtype = config.floatX
    return TensorType(dtype, ())(name)


def vector(
    name: str | None = None, dtype: Any = None, shape: Any = (None,)
) -> TensorVariable:
    """Return a 1-d tensor variable (``dtype`` defaults to ``config.floatX``)."""
    if dtype is None:
        dtype = config.floatX
    return TensorType(dtype, _validate_static_shape(shape, 1))(name)


def matrix(
    name: str | None = None, dtype: Any = None, shape: Any = (None, None)
) -> TensorVariable:
    """Return a 2-d tensor variable (``dtype`` defaults to ``config.floatX``)."""
    if dtype is None:
        dtype = config.floatX
    return TensorType(dtype, _validate_static_shape(shape, 2))(name)


def row(
    name: str | None = None, dtype: Any = None, shape: Any = (1, None)
) -> TensorVariable:
    """Return a 2-d tensor variable whose first dimension has static size 1."""
    if dtype is None:
        dtype = config.floatX
    shape = _validate_static_shape(shape, 2)
    if shape[0] != 1:
        raise ValueError(
            f"The first dimension of a `row` must have shape 1, got {shape[0]}"
        )
    return TensorType(dtype, shape)(name)


def col(
    name: str | None = None, dtype: Any = None, shape: Any = (None, 1)
) -> TensorVariable:
    """Return a 2-d tensor variable whose second dimension has static size 1."""
    if dtype is None:
        dtype = config.floatX
    shape = _validate_static_shape(shape, 2)
    if shape[1] != 1:
        raise ValueError(
            f"The second dimension of a `col` must have shape 1, got {shape[1]}"
        )
    return TensorType(dtype, shape)(name)


def _nd_constructor(ndim: int) -> Callable[..., TensorVariable]:
    def constructor(
        name: str | None = None, dtype: Any = None, shape: Any = None
    ) -> TensorVariable:
        if dtype is None:
            dtype = config.floatX
        if shape is None:
            shape = (None,) * ndim
        return TensorType(dtype, _validate_static_shape(shape, ndim))(name)

    constructor.__name__ = constructor.__qualname__ = f"tensor{ndim}"
    constructor.__doc__ = (
        f"Return a {ndim}-d tensor variable (``dtype`` defaults to ``config.floatX``)."
    )
    return constructor


tensor3 = _nd_constructor(3)
tensor4 = _nd_constructor(4)
tensor5 = _nd_constructor(5)
tensor6 = _nd_constructor(6)
tensor7 = _nd_constructor(7)

# Prefixed names are types (call them to get a variable): c=complex64,
# z=complex128, f=float32, d=float64, b=int8, w=int16, i=int32, l=int64.
cscalar = TensorType("complex64", ())
zscalar = TensorType("complex128", ())
fscalar = TensorType("float32", ())
dscalar = TensorType("float64", ())
bscalar = TensorType("int8", ())
wscalar = TensorType("int16", ())
iscalar = TensorType("int32", ())
lscalar = TensorType("int64", ())

cvector = TensorType("complex64", (None,))
zvector = TensorType("complex128", (None,))
fvector = TensorType("float32", (None,))
dvector = TensorType("float64", (None,))
bvector = TensorType("int8", (None,))
wvector = TensorType("int16", (None,))
ivector = TensorType("int32", (None,))
lvector = TensorType("int64", (None,))

cmatrix = TensorType("complex64", (None, None))
zmatrix = TensorType("complex128", (None, None))
fmatrix = TensorType("float32", (None, None))
dmatrix = TensorType("float64", (None, None))
bmatrix = TensorType("int8", (None, None))
wmatrix = TensorType("int16", (None, None))
imatrix = TensorType("int32", (None, None))
lmatrix = TensorType("int64", (None, None))

crow = TensorType("complex64", (1, None))
zrow = TensorType("complex128", (1, None))
frow = TensorType("float32", (1, None))
drow = TensorType("float64", (1, None))
brow = TensorType("int8", (1, None))
wrow = TensorType("int16", (1, None))
irow = TensorType("int32", (1, None))
lrow = TensorType("int64", (1, None))

ccol = TensorType("complex64", (None, 1))
zcol = TensorType("complex128", (None, 1))
fcol = TensorType("float32", (None, 1))
dcol = TensorType("float64", (None, 1))
bcol = TensorType("int8", (None, 1))
wcol = TensorType("int16", (None, 1))
icol = TensorType("int32", (None, 1))
lcol = TensorType("int64", (None, 1))

ctensor3 = TensorType("complex64", (None, None, None))
ztensor3 = TensorType("complex128", (None, None, None))
ftensor3 = TensorType("float32", (None, None, None))
dtensor3 = TensorType("float64", (None, None, None))
btensor3 = TensorType("int8", (None, None, None))
wtensor3 = TensorType("int16", (None, None, None))
itensor3 = TensorType("int32", (None, None, None))
ltensor3 = TensorType("int64", (None, None, None))

ctensor4 = TensorType("complex64", (None, None, None, None))
ztensor4 = TensorType("complex128", (None, None, None, None))
ftensor4 = TensorType("float32", (None, None, None, None))
dtensor4 = TensorType("float64", (None, None, None, None))
btensor4 = TensorType("int8", (None, None, None, None))
wtensor4 = TensorType("int16", (None, None, None, None))
itensor4 = TensorType("int32", (None, None, None, None))
ltensor4 = TensorType("int64", (None, None, None, None))

ctensor5 = TensorType("complex64", (None, None, None, None, None))
ztensor5 = TensorType("complex128", (None, None, None, None, None))
ftensor5 = TensorType("float32", (None, None, None, None, None))
dtensor5 = TensorType("float64", (None, None, None, None, None))
btensor5 = TensorType("int8", (None, None, None, None, None))
wtensor5 = TensorType("int16", (None, None, None, None, None))
itensor5 = TensorType("int32", (None, None, None, None, None))
ltensor5 = TensorType("int64", (None, None, None, None, None))

ctensor6 = TensorType("complex64", (None, None, None, None, None, None))
ztensor6 = TensorType("complex128", (None, None, None, None, None, None))
ftensor6 = TensorType("float32", (None, None, None, None, None, None))
dtensor6 = TensorType("float64", (None, None, None, None, None, None))
btensor6 = TensorType("int8", (None, None, None, None, None, None))
wtensor6 = TensorType("int16", (None, None, None, None, None, None))
itensor6 = TensorType("int32", (None, None, None, None, None, None))
ltensor6 = TensorType("int64", (None, None, None, None, None, None))

ctensor7 = TensorType("complex64", (None, None, None, None, None, None, None))
ztensor7 = TensorType("complex128", (None, None, None, None, None, None, None))
ftensor7 = TensorType("float32", (None, None, None, None, None, None, None))
dtensor7 = TensorType("float64", (None, None, None, None, None, None, None))
btensor7 = TensorType("int8", (None, None, None, None, None, None, None))
wtensor7 = TensorType("int16", (None, None, None, None, None, None, None))
itensor7 = TensorType("int32", (None, None, None, None, None, None, None))
ltensor7 = TensorType("int64", (None, None, None, None, None, None, None))

int_types = bscalar, wscalar, iscalar, lscalar
float_types = fscalar, dscalar
complex_types = cscalar, zscalar
int_scalar_types = int_types
float_scalar_types = float_types
complex_scalar_types = complex_types
int_vector_types = bvector, wvector, ivector, lvector
float_vector_types = fvector, dvector
complex_vector_types = cvector, zvector
int_matrix_types = bmatrix, wmatrix, imatrix, lmatrix
float_matrix_types = fmatrix, dmatrix
complex_matrix_types = cmatrix, zmatrix


def _plural(
    single: Callable[..., TensorVariable], plural_name: str
) -> Callable[..., Any]:
    """Make the plural form of a constructor: ``fmatrices("x", "y")`` or ``fmatrices(2)``."""

    def constructor(*names: Any) -> Any:
        if (
            len(names) == 1
            and isinstance(names[0], (int, np.integer))
            and not isinstance(names[0], bool)
        ):
            return [single() for _ in range(int(names[0]))]
        # As in Aesara, a single argument is itself the sequence of names, so
        # ``vectors("xyz")`` gives three variables named by each character and
        # ``vectors(["a", "b"])`` two; a one-character string gives one variable.
        seq: Any = names[0] if len(names) == 1 else names
        if isinstance(seq, str):
            if len(seq) == 1:
                return single(seq)
            return [single(c) for c in seq]
        if not isinstance(seq, (tuple, list)):
            raise TypeError(
                f"{plural_name}() takes names (str), a sequence of names or a single "
                f"count (int); got {seq!r}"
            )
        for n in seq:
            if not isinstance(n, str):
                raise TypeError(
                    f"{plural_name}() takes names (str) or a single count (int); got {n!r}"
                )
        if len(seq) == 1:
            return single(seq[0])
        return [single(n) for n in seq]

    constructor.__name__ = constructor.__qualname__ = plural_name
    constructor.__doc__ = (
        f"Return one new variable per name given (or ``n`` unnamed ones for an int ``n``),\n"
        f"each as made by ``{getattr(single, '__name__', single)}``. A single string of\n"
        f"several characters names one variable per character; one name gives one variable."
    )
    return constructor


scalars = _plural(scalar, "scalars")
fscalars = _plural(fscalar, "fscalars")
dscalars = _plural(dscalar, "dscalars")
iscalars = _plural(iscalar, "iscalars")
lscalars = _plural(lscalar, "lscalars")
vectors = _plural(vector, "vectors")
fvectors = _plural(fvector, "fvectors")
dvectors = _plural(dvector, "dvectors")
ivectors = _plural(ivector, "ivectors")
lvectors = _plural(lvector, "lvectors")
matrices = _plural(matrix, "matrices")
fmatrices = _plural(fmatrix, "fmatrices")
dmatrices = _plural(dmatrix, "dmatrices")
imatrices = _plural(imatrix, "imatrices")
lmatrices = _plural(lmatrix, "lmatrices")
rows = _plural(row, "rows")
frows = _plural(frow, "frows")
drows = _plural(drow, "drows")
irows = _plural(irow, "irows")
lrows = _plural(lrow, "lrows")
cols = _plural(col, "cols")
fcols = _plural(fcol, "fcols")
dcols = _plural(dcol, "dcols")
icols = _plural(icol, "icols")
lcols = _plural(lcol, "lcols")
tensor3s = _plural(tensor3, "tensor3s")
ftensor3s = _plural(ftensor3, "ftensor3s")
dtensor3s = _plural(dtensor3, "dtensor3s")
itensor3s = _plural(itensor3, "itensor3s")
ltensor3s = _plural(ltensor3, "ltensor3s")
tensor4s = _plural(tensor4, "tensor4s")
ftensor4s = _plural(ftensor4, "ftensor4s")
dtensor4s = _plural(dtensor4, "dtensor4s")
itensor4s = _plural(itensor4, "itensor4s")
ltensor4s = _plural(ltensor4, "ltensor4s")
tensor5s = _plural(tensor5, "tensor5s")
ftensor5s = _plural(ftensor5, "ftensor5s")
dtensor5s = _plural(dtensor5, "dtensor5s")
itensor5s = _plural(itensor5, "itensor5s")
ltensor5s = _plural(ltensor5, "ltensor5s")
tensor6s = _plural(tensor6, "tensor6s")
ftensor6s = _plural(ftensor6, "ftensor6s")
dtensor6s = _plural(dtensor6, "dtensor6s")
itensor6s = _plural(itensor6, "itensor6s")
ltensor6s = _plural(ltensor6, "ltensor6s")
tensor7s = _plural(tensor7, "tensor7s")
ftensor7s = _plural(ftensor7, "ftensor7s")
dtensor7s = _plural(dtensor7, "dtensor7s")
itensor7s = _plural(itensor7, "itensor7s")
ltensor7s = _plural(ltensor7, "ltensor7s")

_kinds = ("scalar", "vector", "matrix", "row", "col") + tuple(
    f"tensor{n}" for n in range(3, 8)
)
_plural_kinds = {
    "scalar": "scalars",
    "vector": "vectors",
    "matrix": "matrices",
    "row": "rows",
    "col": "cols",
}


def _is_sparse_type(t: Any) -> bool:
    # Sparse types subclass TensorType. Only consult aesara.sparse when some
    # code already imported it (no sparse type can exist otherwise), so this
    # check never pulls SciPy's sparse machinery into a dense-only program.
    import sys

    sparse_type = sys.modules.get("aesara.sparse.type")
    cls = getattr(sparse_type, "SparseTensorType", None)
    return cls is not None and isinstance(t, cls)


class DenseTypeMeta(type(TensorType)):
    """Metaclass of :class:`DenseTensorType`: any non-sparse ``TensorType`` is dense."""

    def __instancecheck__(cls, obj: Any) -> bool:
        return isinstance(obj, TensorType) and not _is_sparse_type(obj)


class DenseTensorType(TensorType, metaclass=DenseTypeMeta):
    """The type of dense tensors, as opposed to sparse ones.

    Every :class:`TensorType` that is not a sparse type counts as a
    ``DenseTensorType``: ``isinstance(t, DenseTensorType)`` is true for
    ``TensorType("float64", (None,))`` and false for
    ``aesara.sparse.type.SparseTensorType("csr", "float64")``. Calling the
    class builds an ordinary :class:`TensorType` (which is dense), so that
    types made either way compare equal and work everywhere.

    Examples
    --------
    >>> from aesara.tensor.type import DenseTensorType, TensorType
    >>> t = DenseTensorType("float64", shape=(None,))
    >>> type(t) is TensorType, isinstance(t, DenseTensorType)
    (True, True)
    """

    def __new__(cls, *args: Any, **kwargs: Any) -> TensorType:  # type: ignore[misc]
        # Python skips __init__ because the result is not a real instance of
        # ``cls``; TensorType's own constructor has already run.
        return TensorType(*args, **kwargs)


__all__ = [
    "TensorType",
    "tensor",
    "int_dtypes",
    "uint_dtypes",
    "integer_dtypes",
    "float_dtypes",
    "complex_dtypes",
    "discrete_dtypes",
    "continuous_dtypes",
    "all_dtypes",
    "int_types",
    "float_types",
    "complex_types",
    "int_scalar_types",
    "float_scalar_types",
    "complex_scalar_types",
    "int_vector_types",
    "float_vector_types",
    "complex_vector_types",
    "int_matrix_types",
    "float_matrix_types",
    "complex_matrix_types",
    "values_eq_approx_remove_inf",
    "values_eq_approx_remove_nan",
    "values_eq_approx_remove_inf_nan",
    "values_eq_approx_always_true",
]
__all__ += [p + k for k in _kinds for p in ("", "c", "z", "f", "d", "b", "w", "i", "l")]
__all__ += [
    p + _plural_kinds.get(k, k + "s") for k in _kinds for p in ("", "f", "d", "i", "l")
]

# TensorVariable/TensorConstant live in aesara.tensor.var, which needs TensorType;
# importing it last lets it register itself as this type's variable classes.
import aesara.tensor.var  # noqa: E402, F401
