"""Symbolic tensor variables and constants, with NumPy-like Python operators.

Operators and methods build graphs through ``aesara.tensor.math``,
``aesara.tensor.basic`` and friends; those modules import this one, so they
are looked up lazily, when an operator is first used.
"""

from __future__ import annotations

import warnings
from numbers import Number
from typing import Any

import numpy as np

from aesara.configdefaults import config
from aesara.graph.basic import Constant, Variable
from aesara.tensor.type import TensorType


def _math():
    from aesara.tensor import math

    return math


def _math_fn(*names: str):
    """Return the first function of ``aesara.tensor.math`` found among ``names``."""
    m = _math()
    for n in names:
        f = getattr(m, n, None)
        if f is not None:
            return f
    raise NotImplementedError(f"aesara.tensor.math provides none of {names}")


def _basic():
    from aesara.tensor import basic

    return basic


def _is_scalar_type(t) -> bool:
    # The scalar package may not be importable (yet); a duck-typed check keeps
    # this module independent of it.
    return type(t).__name__ == "ScalarType" and hasattr(t, "dtype")


def _convertible(other: Any) -> bool:
    """Whether ``other`` can be an operand of a tensor operator.

    Operators return ``NotImplemented`` for anything else so that Python asks
    the other operand (e.g. a sparse variable) to handle the operation.
    """
    if isinstance(other, Variable):
        return isinstance(other.type, TensorType) or _is_scalar_type(other.type)
    if isinstance(other, (Number, np.ndarray, np.generic, list, tuple)):
        return True
    try:
        _basic().as_tensor_variable(other)
    except (TypeError, NotImplementedError, ValueError):
        return False
    return True


def _binary(
    fn_names: tuple[str, ...], reflected: bool = False, comparison: bool = False
):
    def method(self, other):
        if not _convertible(other):
            return NotImplemented
        f = _math_fn(*fn_names)
        out = f(other, self) if reflected else f(self, other)
        if comparison:
            # Chained comparisons (a < b < c) call bool() on the result; make
            # that an error instead of a silently wrong graph.
            out._is_nonzero = False
        return out

    method.__name__ = f"__{'r' if reflected else ''}{fn_names[0]}__"
    return method


class _tensor_py_operators:
    """Python operators, properties and methods shared by tensor variables and constants."""

    # Make NumPy defer to us: ``np.float64(2) * x`` calls ``x.__rmul__``.
    __array_priority__ = 1000
    __array_ufunc__ = None

    _is_nonzero = True

    # ------------------------------------------------------------------
    # Arithmetic and logic
    # ------------------------------------------------------------------

    __add__ = _binary(("add",))
    __radd__ = _binary(("add",), reflected=True)
    __sub__ = _binary(("sub",))
    __rsub__ = _binary(("sub",), reflected=True)
    __mul__ = _binary(("mul",))
    __rmul__ = _binary(("mul",), reflected=True)
    __truediv__ = _binary(("true_div",))
    __rtruediv__ = _binary(("true_div",), reflected=True)
    __floordiv__ = _binary(("floor_div", "int_div"))
    __rfloordiv__ = _binary(("floor_div", "int_div"), reflected=True)
    __mod__ = _binary(("mod_check", "mod"))
    __rmod__ = _binary(("mod_check", "mod"), reflected=True)
    __divmod__ = _binary(("divmod",))
    __rdivmod__ = _binary(("divmod",), reflected=True)
    __pow__ = _binary(("pow",))
    __rpow__ = _binary(("pow",), reflected=True)
    __and__ = _binary(("and_",))
    __rand__ = _binary(("and_",), reflected=True)
    __or__ = _binary(("or_",))
    __ror__ = _binary(("or_",), reflected=True)
    __xor__ = _binary(("xor",))
    __rxor__ = _binary(("xor",), reflected=True)
    __matmul__ = _binary(("dense_dot", "dot"))
    __rmatmul__ = _binary(("dense_dot", "dot"), reflected=True)
    __lt__ = _binary(("lt",), comparison=True)
    __le__ = _binary(("le",), comparison=True)
    __gt__ = _binary(("gt",), comparison=True)
    __ge__ = _binary(("ge",), comparison=True)

    def __neg__(self):
        return _math_fn("neg")(self)

    def __pos__(self):
        return self

    def __abs__(self):
        return _math_fn("abs", "abs_")(self)

    def __invert__(self):
        return _math_fn("invert")(self)

    def __round__(self, ndigits: int | None = None):
        if ndigits is None:
            return self.round()
        if not isinstance(ndigits, (int, np.integer)):
            raise TypeError(
                f"round() ndigits must be an int, got {type(ndigits).__name__}"
            )
        scale = 10.0 ** int(ndigits)
        return (self * scale).round() / scale

    def __bool__(self) -> bool:
        # Any variable is "true" (so ``if var:``/``var or default`` work as for
        # other objects), but the result of a comparison is not: ``a < b < c``
        # is evaluated by Python as ``(a < b) and (b < c)``, which would
        # silently drop the first comparison.
        if self._is_nonzero:
            return True
        raise TypeError(
            "Variables do not support boolean operations: the truth value of a "
            "symbolic comparison is only known when the graph is evaluated. "
            "Use aesara.tensor.and_/or_/switch to combine symbolic conditions."
        )

    # ------------------------------------------------------------------
    # Sequence protocol
    # ------------------------------------------------------------------

    def __len__(self) -> int:
        if self.type.ndim == 0:
            raise TypeError("len() of a 0-d tensor variable")
        n = self.type.shape[0]
        if n is None:
            if self.type.ndim == 1:
                try:
                    return _basic().get_vector_length(self)
                except ValueError:
                    pass
            raise TypeError(
                f"len() of {self} is unknown: the first dimension of {self.type} has no "
                "static size (use x.shape[0] for a symbolic length)"
            )
        return n

    def __iter__(self):
        try:
            n = len(self)
        except TypeError as e:
            from aesara.tensor.exceptions import UnknownLengthError

            raise UnknownLengthError(
                f"Length of {self} cannot be determined: {self.type} does not "
                f"support iteration ({e}).\n"
                "Did you pass a tensor variable to a function that expects a list? "
                "Maybe you are using builtins.sum instead of aesara.tensor.sum?"
            ) from None
        owner = self.owner
        if owner is not None and self.type.ndim == 1:
            from aesara.tensor.basic import MakeVector

            if isinstance(owner.op, MakeVector):
                yield from owner.inputs
                return
        for i in range(n):
            yield self[i]

    def __getitem__(self, args):
        import importlib.util

        if importlib.util.find_spec("aesara.tensor.subtensor") is None:
            # Until Subtensor exists, serve the most common case: an integer
            # index into a shape vector or a MakeVector.
            owner = self.owner
            if (
                owner is not None
                and isinstance(args, (int, np.integer))
                and not isinstance(args, (bool, np.bool_))
                and self.type.shape[0] is not None
                and -self.type.shape[0] <= args < self.type.shape[0]
            ):
                from aesara.tensor.basic import MakeVector
                from aesara.tensor.shape import Shape, shape_i

                if isinstance(owner.op, Shape):
                    return shape_i(owner.inputs[0], int(args))
                if isinstance(owner.op, MakeVector):
                    return owner.inputs[int(args)]
            raise NotImplementedError(
                "Indexing tensor variables needs aesara.tensor.subtensor, which is not available yet"
            )
        from aesara.tensor.exceptions import AdvancedIndexingError
        from aesara.tensor.subtensor import (
            Subtensor,
            advanced_subtensor,
            as_index_constant,
            get_slice_elements,
            index_vars_to_types,
        )

        if isinstance(args, list) and any(isinstance(a, slice) for a in args):
            args = tuple(args)
        elif not isinstance(args, tuple):
            args = (args,)

        none_const = _none_const()

        def is_newaxis(a):
            return a is None or (none_const is not None and a is none_const)

        def has_python_bool(a):
            if isinstance(a, (bool, np.bool_)):
                return True
            if isinstance(a, (list, tuple)):
                return any(has_python_bool(e) for e in a)
            return False

        # Count the dimensions the index consumes and find the ellipsis.
        ellipses = []
        consumed = 0
        for i, a in enumerate(args):
            if is_newaxis(a):
                continue
            if a is Ellipsis:
                ellipses.append(i)
            elif getattr(a, "dtype", None) == "bool" and hasattr(a, "ndim"):
                consumed += a.ndim
            else:
                if has_python_bool(a):
                    raise TypeError(
                        "Python bools cannot be used as indices (tensor[[True, False]]); "
                        "convert the mask to a NumPy array first, e.g. "
                        "tensor[numpy.array([True, False])]"
                    )
                consumed += 1
        if consumed > self.type.ndim:
            raise IndexError(
                f"too many indices for tensor: {self.type} is {self.type.ndim}-dimensional, "
                f"but {consumed} were indexed"
            )
        if len(ellipses) > 1:
            raise IndexError("an index can only have a single Ellipsis (`...`)")
        if ellipses:
            at = ellipses[0]
            args = (
                args[:at]
                + (slice(None),) * (self.type.ndim - consumed)
                + args[at + 1 :]
            )

        def as_index(a):
            if (isinstance(a, (list, tuple)) and len(a) == 0) or (
                isinstance(a, np.ndarray) and a.size == 0 and a.dtype != bool
            ):
                a = np.array(a, dtype="int64")
            return as_index_constant(a)

        args = tuple(as_index(a) for a in args)

        advanced = False
        for a in args:
            if getattr(a, "dtype", None) == "bool":
                advanced = True
                break
            if is_newaxis(a):
                continue
            try:
                index_vars_to_types(a)
            except AdvancedIndexingError:
                advanced = True
                break
        if advanced:
            from aesara.tensor.subtensor import advanced_subtensor1

            first = args[0]
            if (
                isinstance(first, Variable)
                and getattr(first.type, "ndim", None) == 1
                and first.type.dtype != "bool"
                and all(
                    isinstance(a, slice)
                    and a.start is None
                    and a.stop is None
                    and a.step is None
                    for a in args[1:]
                )
            ):
                # One integer vector on the first axis: the specialised op.
                return advanced_subtensor1(self, first)
            return advanced_subtensor(self, *args)

        if any(is_newaxis(a) for a in args):
            # New axes come from a DimShuffle; the remaining indices then apply
            # to the reshuffled view (a full slice at each new axis).
            pattern: list = []
            rest: list = []
            k = 0
            for a in args:
                if is_newaxis(a):
                    pattern.append("x")
                    rest.append(slice(None))
                else:
                    pattern.append(k)
                    rest.append(a)
                    k += 1
            pattern.extend(range(k, self.type.ndim))
            view = self.dimshuffle(pattern)
            if all(
                isinstance(a, slice)
                and a.start is None
                and a.stop is None
                and a.step is None
                for a in rest
            ):
                return view
            return view[tuple(rest)]

        return Subtensor(args)(
            self, *get_slice_elements(args, lambda e: isinstance(e, Variable))
        )

    def __setitem__(self, key, value):
        raise TypeError(
            "TensorVariable does not support item assignment. Use "
            "aesara.tensor.subtensor.set_subtensor(x[idx], value) (or inc_subtensor, or "
            "the output of `x[idx].set(value)` / `x[idx].inc(value)`) instead."
        )

    def take(self, indices, axis=None, mode="raise"):
        """Elements at ``indices`` along ``axis``; see ``aesara.tensor.subtensor.take``."""
        from aesara.tensor.subtensor import take

        return take(self, indices, axis, mode)

    def set(self, y, **kwargs):
        """Return a copy of the indexed tensor this is a view of, with this part set to ``y``."""
        from aesara.tensor.subtensor import set_subtensor

        return set_subtensor(self, y, **kwargs)

    def inc(self, y, **kwargs):
        """Return a copy of the indexed tensor this is a view of, with ``y`` added to this part."""
        from aesara.tensor.subtensor import inc_subtensor

        return inc_subtensor(self, y, **kwargs)

    # ------------------------------------------------------------------
    # Properties
    # ------------------------------------------------------------------

    @property
    def ndim(self) -> int:
        """Number of dimensions."""
        return self.type.ndim

    @property
    def dtype(self) -> str:
        """Name of the dtype."""
        return self.type.dtype

    @property
    def broadcastable(self) -> tuple[bool, ...]:
        """Which dimensions have static size 1."""
        return self.type.broadcastable

    @property
    def shape(self):
        """The symbolic shape (an int64 vector)."""
        from aesara.tensor.shape import shape

        return shape(self)

    @property
    def size(self):
        """The symbolic number of elements."""
        if all(s is not None for s in self.type.shape):
            return _basic().constant(
                int(np.prod(self.type.shape, dtype=np.int64)), dtype="int64"
            )
        if self.type.ndim == 1:
            from aesara.tensor.shape import shape_i

            return shape_i(self, 0)
        return _math_fn("prod")(self.shape)

    @property
    def T(self):
        """The transpose (dimensions reversed)."""
        return _basic().transpose(self)

    @property
    def real(self):
        """The real part."""
        return _math_fn("real")(self)

    @property
    def imag(self):
        """The imaginary part."""
        return _math_fn("imag")(self)

    # ------------------------------------------------------------------
    # Shape manipulation
    # ------------------------------------------------------------------

    def astype(self, dtype):
        """Return this tensor cast to ``dtype``."""
        return _basic().cast(self, dtype)

    def reshape(self, shape, *more, ndim: int | None = None):
        """Return this tensor with the shape ``shape`` (``-1`` infers one size).

        ``x.reshape((2, 3))`` and ``x.reshape(2, 3)`` are equivalent.
        """
        from aesara.tensor.shape import reshape

        if more:
            shape = (shape, *more)
        if ndim is not None and not isinstance(ndim, (int, np.integer)):
            raise ValueError(
                f"Expected ndim to be an integer, got {type(ndim).__name__}: {ndim!r}"
            )
        return reshape(self, shape, ndim=ndim)

    def dimshuffle(self, *pattern):
        """Reorder, add (``"x"``) or drop (size-1) dimensions.

        ``x.dimshuffle(1, "x", 0)`` and ``x.dimshuffle((1, "x", 0))`` are equivalent.
        """
        from aesara.tensor.elemwise import DimShuffle

        if len(pattern) == 1 and isinstance(pattern[0], (list, tuple)):
            pattern = pattern[0]
        return DimShuffle(list(self.type.broadcastable), list(pattern))(self)

    def transpose(self, *axes):
        """Return this tensor with its dimensions permuted (reversed by default)."""
        if len(axes) == 0:
            return _basic().transpose(self)
        if len(axes) == 1 and isinstance(axes[0], (list, tuple)):
            axes = axes[0]
        return _basic().transpose(self, list(axes))

    def flatten(self, ndim: int = 1):
        """Collapse the trailing dimensions so the result has ``ndim`` dimensions."""
        return _basic().flatten(self, ndim)

    def ravel(self):
        """Return this tensor flattened to one dimension."""
        return _basic().flatten(self)

    def squeeze(self, axis=None):
        """Remove dimensions of static size 1."""
        from aesara.tensor.extra_ops import squeeze

        return squeeze(self, axis=axis)

    def swapaxes(self, axis1: int, axis2: int):
        """Return this tensor with two dimensions exchanged."""
        return _basic().swapaxes(self, axis1, axis2)

    # ------------------------------------------------------------------
    # Array functions (aesara.tensor.basic / aesara.tensor.extra_ops)
    # ------------------------------------------------------------------

    def repeat(self, repeats, axis=None):
        """Repeat elements; see ``aesara.tensor.extra_ops.repeat``."""
        from aesara.tensor.extra_ops import repeat

        return repeat(self, repeats, axis)

    def cumsum(self, axis=None):
        """Cumulative sum; see ``aesara.tensor.extra_ops.cumsum``."""
        from aesara.tensor.extra_ops import cumsum

        return cumsum(self, axis)

    def cumprod(self, axis=None):
        """Cumulative product; see ``aesara.tensor.extra_ops.cumprod``."""
        from aesara.tensor.extra_ops import cumprod

        return cumprod(self, axis)

    def compress(self, condition, axis=None):
        """Slices where ``condition`` holds; see ``aesara.tensor.extra_ops.compress``."""
        from aesara.tensor.extra_ops import compress

        return compress(condition, self, axis)

    def searchsorted(self, v, side="left", sorter=None):
        """Insertion positions of ``v``; see ``aesara.tensor.extra_ops.searchsorted``."""
        from aesara.tensor.extra_ops import searchsorted

        return searchsorted(self, v, side, sorter)

    def diagonal(self, offset=0, axis1=0, axis2=1):
        """A diagonal; see ``aesara.tensor.basic.diagonal``."""
        return _basic().diagonal(self, offset, axis1, axis2)

    def trace(self, offset=0, axis1=0, axis2=1):
        """Sum of a diagonal; see ``aesara.tensor.basic.trace``."""
        return _basic().trace(self, offset, axis1, axis2)

    def nonzero(self, return_matrix=False):
        """Indices of the non-zero elements; see ``aesara.tensor.basic.nonzero``."""
        return _basic().nonzero(self, return_matrix=return_matrix)

    def nonzero_values(self):
        """The non-zero elements, flattened; see ``aesara.tensor.basic.nonzero_values``."""
        return _basic().nonzero_values(self)

    def choose(self, choices, mode="raise"):
        """Select from ``choices`` by this index tensor; see ``aesara.tensor.basic.choose``."""
        return _basic().choose(self, choices, mode=mode)

    def ptp(self, axis=None):
        """Range (maximum - minimum) along ``axis``."""
        return _math_fn("ptp")(self, axis)

    # ------------------------------------------------------------------
    # Reductions
    # ------------------------------------------------------------------

    def sum(self, axis=None, dtype=None, keepdims=False, acc_dtype=None):
        """Sum over ``axis`` (all axes by default); see ``aesara.tensor.math.sum``."""
        return _math_fn("sum")(
            self, axis=axis, dtype=dtype, keepdims=keepdims, acc_dtype=acc_dtype
        )

    def prod(self, axis=None, dtype=None, keepdims=False, acc_dtype=None):
        """Product over ``axis``; see ``aesara.tensor.math.prod``."""
        return _math_fn("prod")(
            self, axis=axis, dtype=dtype, keepdims=keepdims, acc_dtype=acc_dtype
        )

    def mean(self, axis=None, dtype=None, keepdims=False, acc_dtype=None):
        """Mean over ``axis``; see ``aesara.tensor.math.mean``."""
        return _math_fn("mean")(
            self, axis=axis, dtype=dtype, keepdims=keepdims, acc_dtype=acc_dtype
        )

    def var(self, axis=None, ddof=0, keepdims=False, corrected=False):
        """Variance over ``axis``; see ``aesara.tensor.math.var``."""
        return _math_fn("var")(
            self, axis=axis, ddof=ddof, keepdims=keepdims, corrected=corrected
        )

    def std(self, axis=None, ddof=0, keepdims=False, corrected=False):
        """Standard deviation over ``axis``; see ``aesara.tensor.math.std``."""
        return _math_fn("std")(
            self, axis=axis, ddof=ddof, keepdims=keepdims, corrected=corrected
        )

    def max(self, axis=None, keepdims=False):
        """Maximum over ``axis``."""
        return _math_fn("max")(self, axis=axis, keepdims=keepdims)

    def min(self, axis=None, keepdims=False):
        """Minimum over ``axis``."""
        return _math_fn("min")(self, axis=axis, keepdims=keepdims)

    def argmax(self, axis=None, keepdims=False):
        """Index of the maximum along ``axis``."""
        return _math_fn("argmax")(self, axis=axis, keepdims=keepdims)

    def argmin(self, axis=None, keepdims=False):
        """Index of the minimum along ``axis``."""
        return _math_fn("argmin")(self, axis=axis, keepdims=keepdims)

    def all(self, axis=None, keepdims=False):
        """Whether all elements along ``axis`` are non-zero."""
        return _math_fn("all")(self, axis=axis, keepdims=keepdims)

    def any(self, axis=None, keepdims=False):
        """Whether any element along ``axis`` is non-zero."""
        return _math_fn("any")(self, axis=axis, keepdims=keepdims)

    # ------------------------------------------------------------------
    # Element-wise helpers
    # ------------------------------------------------------------------

    def dot(self, other):
        """Matrix/vector product with ``other``."""
        return _math_fn("dense_dot", "dot")(self, other)

    def clip(self, a_min, a_max):
        """Limit the values to ``[a_min, a_max]``."""
        return _math_fn("clip")(self, a_min, a_max)

    def conj(self):
        """Complex conjugate."""
        return _math_fn("conj", "conjugate")(self)

    conjugate = conj

    def round(self, mode=None):
        """Round to the nearest integer (``mode``: see ``aesara.tensor.math.round``)."""
        f = _math_fn("round")
        return f(self) if mode is None else f(self, mode)

    def exp(self):
        """Element-wise exponential."""
        return _math_fn("exp")(self)

    def log(self):
        """Element-wise natural logarithm."""
        return _math_fn("log")(self)

    def sqrt(self):
        """Element-wise square root."""
        return _math_fn("sqrt")(self)

    def zeros_like(self, dtype=None):
        """A tensor of zeros with this tensor's shape."""
        return _basic().zeros_like(self, dtype=dtype)

    def ones_like(self, dtype=None):
        """A tensor of ones with this tensor's shape."""
        return _basic().ones_like(self, dtype=dtype)

    def fill(self, value):
        """A tensor with this tensor's shape filled with ``value``."""
        return _basic().fill(self, value)

    def copy(self, name: str | None = None):
        """Return a symbolic copy, optionally named (tags are not copied)."""
        out = _basic().tensor_copy(self)
        out.name = name
        return out

    def get_scalar_constant_value(self, **kwargs):
        """The constant value of this 0-d tensor; see ``aesara.tensor.basic``."""
        return _basic().get_scalar_constant_value(self, **kwargs)

    def get_underlying_scalar_constant(self):  # name used in later versions
        return self.get_scalar_constant_value()


class TensorVariable(_tensor_py_operators, Variable):
    """A symbolic n-dimensional array: an input or the output of a node."""

    def __init__(self, type, owner=None, index=None, name=None):
        super().__init__(type, owner, index=index, name=name)
        if type.dtype == "float64":
            policy = getattr(config, "warn_float64", "ignore")
            if policy != "ignore":
                msg = "You are creating a TensorVariable with float64 dtype."
                if policy == "raise":
                    raise Exception(msg)
                if policy == "warn":
                    warnings.warn(msg, stacklevel=2)
                elif policy == "pdb":  # pragma: no cover - interactive
                    import pdb

                    pdb.set_trace()


def _canonical_bytes(data: np.ndarray) -> bytes:
    """Bytes of ``data`` with every NaN and every zero in one canonical form.

    Equal signatures must hash equally, and NaNs (whatever their payload) and
    -0.0/0.0 compare equal in signatures.
    """
    if data.dtype.kind in "fc":
        data = np.where(
            np.isnan(data), np.array(np.nan, dtype=data.dtype), data
        ) + data.dtype.type(0)
    return np.ascontiguousarray(data).tobytes()


class TensorConstantSignature(tuple):
    """``(type, data)`` of a tensor constant, compared by value.

    Two signatures are equal when their types are equal and their data have
    the same shape and values, NaNs at the same positions counting as equal.
    """

    def __eq__(self, other):
        if type(self) is not type(other):
            return False
        try:
            (t0, d0), (t1, d1) = self, other
        except (TypeError, ValueError):
            return False
        if t0 != t1 or d0.shape != d1.shape:
            return False
        return TensorType.values_eq(d0, d1, force_same_dtype=True)

    def __ne__(self, other):
        return not self == other

    def __hash__(self):
        t, d = self
        cached = self.__dict__.get("_hash")
        if cached is None:
            cached = hash((type(self), t, d.shape, _canonical_bytes(d)))
            self.__dict__["_hash"] = cached
        return cached


def _unique_value(data: np.ndarray):
    """The single value of a non-empty array whose elements are all equal, else ``None``."""
    if isinstance(data, np.ndarray) and data.ndim > 0 and data.size > 0:
        flat = data.ravel()
        if np.all(flat == flat[0]):
            return flat[0]
    return None


class TensorConstant(TensorVariable, Constant):
    """A tensor whose value is fixed when the graph is built.

    Its type always carries the full static shape of its data.
    """

    def __init__(self, type: TensorType, data: Any, name: str | None = None):
        data = type.filter(data)
        # Keep the complete static shape of the data in the type.
        if type.shape != data.shape:
            type = type.clone(shape=data.shape)
        Constant.__init__(self, type, data, name)

    def __str__(self):
        if self.name is not None:
            return self.name
        unique = _unique_value(self.data)
        text = (
            f"{self.data.shape} of {unique}" if unique is not None else str(self.data)
        )
        if len(text) > 20:
            text = text[:10] + ".." + text[-10:]
        return f"TensorConstant{{{text}}}"

    def signature(self) -> TensorConstantSignature:
        return TensorConstantSignature((self.type, self.data))

    def equals(self, other: Any) -> bool:
        """Whether ``other`` (a constant, array or number) has the same type and value."""
        if isinstance(other, (np.ndarray, int, float, np.generic)):
            other = _basic().constant(other)
        return (
            isinstance(other, TensorConstant) and self.signature() == other.signature()
        )

    def clone(self, **kwargs):
        return type(self)(self.type, self.data, kwargs.get("name", self.name))

    def __copy__(self):
        return self

    def __deepcopy__(self, memo):
        return self


def _none_const():
    """``NoneConst`` of ``aesara.tensor.type_other`` (``None`` when unavailable)."""
    import importlib.util

    if importlib.util.find_spec("aesara.tensor.type_other") is None:
        return None
    from aesara.tensor.type_other import NoneConst

    return NoneConst


TensorType.variable_type = TensorVariable
TensorType.constant_type = TensorConstant


def get_unique_value(x: Any) -> Any:
    """The value every element of a non-empty constant array shares, else ``None``.

    Parameters
    ----------
    x
        Any variable; only a :class:`~aesara.graph.basic.Constant` holding an
        array with at least one dimension and one element can have a unique
        value.

    Returns
    -------
    The shared element (a NumPy scalar) or ``None`` (not a constant, a 0-d or
    empty array, or elements that differ).
    """
    if isinstance(x, Constant):
        return _unique_value(x.data)
    return None


def _has_dense_type(obj: Any) -> bool:
    from aesara.tensor.type import DenseTensorType

    return isinstance(getattr(obj, "type", None), DenseTensorType)


class DenseVariableMeta(type):
    """Metaclass of :class:`DenseTensorVariable`: a tensor variable of a dense type."""

    def __instancecheck__(cls, obj: Any) -> bool:
        return isinstance(obj, TensorVariable) and _has_dense_type(obj)


class DenseTensorVariable(TensorVariable, metaclass=DenseVariableMeta):
    """A variable of a dense tensor type (see :class:`~aesara.tensor.type.DenseTensorType`).

    ``isinstance(v, DenseTensorVariable)`` is true for every
    :class:`TensorVariable` (constants included) whose type is not sparse, and
    false for sparse variables and for shared variables (which, as in Aesara,
    are not ``TensorVariable`` objects). Calling the class builds an ordinary
    :class:`TensorVariable`.
    """

    def __new__(cls, *args: Any, **kwargs: Any) -> TensorVariable:  # type: ignore[misc]
        return TensorVariable(*args, **kwargs)


class DenseConstantMeta(type):
    """Metaclass of :class:`DenseTensorConstant`: a tensor constant of a dense type."""

    def __instancecheck__(cls, obj: Any) -> bool:
        return isinstance(obj, TensorConstant) and _has_dense_type(obj)


class DenseTensorConstant(TensorConstant, metaclass=DenseConstantMeta):
    """A constant of a dense tensor type (see :class:`DenseTensorVariable`).

    ``isinstance(c, DenseTensorConstant)`` is true for every
    :class:`TensorConstant` whose type is not sparse. Calling the class builds
    an ordinary :class:`TensorConstant`.
    """

    def __new__(cls, *args: Any, **kwargs: Any) -> TensorConstant:  # type: ignore[misc]
        return TensorConstant(*args, **kwargs)


__all__ = [
    "TensorVariable",
    "TensorConstant",
    "TensorConstantSignature",
    "_tensor_py_operators",
]
