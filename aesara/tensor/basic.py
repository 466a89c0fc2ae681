"""Conversion to tensors, constants, and the basic tensor-building ops.

``as_tensor_variable``/``constant`` turn Python and NumPy values into
variables; :class:`MakeVector`, :class:`Alloc`, :class:`TensorFromScalar` and
:class:`ScalarFromTensor` build tensors; ``get_scalar_constant_value`` and
``get_vector_length`` read what is known about a graph when it is built.

Element-wise helpers (``cast``, ``fill``/``second``, ``tensor_copy``) and
dimension shuffles come from ``aesara.tensor.elemwise``, which imports this
module; they are therefore looked up when first used.
"""

from __future__ import annotations

import builtins
import importlib.util
from collections.abc import Sequence
from functools import singledispatch
from numbers import Number
from typing import Any

import numpy as np

from aesara.configdefaults import config
from aesara.graph.basic import Apply, Constant, Variable
from aesara.graph.op import Op
from aesara.tensor.exceptions import EmptyConstantError, NotScalarConstantError
from aesara.tensor.type import (
    TensorType,
    all_dtypes,
    complex_dtypes,
    discrete_dtypes,
    float_dtypes,
    integer_dtypes,
)

# get_unique_value lives with the tensor variables, as in Aesara.
from aesara.tensor.var import TensorConstant, TensorVariable, get_unique_value

# ----------------------------------------------------------------------------
# Lazily imported collaborators
# ----------------------------------------------------------------------------


def _module_available(name: str) -> bool:
    try:
        return importlib.util.find_spec(name) is not None
    except ModuleNotFoundError:
        return False


def _scalar_basic():
    """``aesara.scalar.basic``, or ``None`` while it does not exist."""
    if not _module_available("aesara.scalar.basic"):
        return None
    import aesara.scalar.basic as aes

    return aes


def _is_scalar_type(t: Any) -> bool:
    aes = _scalar_basic()
    return aes is not None and isinstance(t, aes.ScalarType)


def _disconnected():
    """A fresh variable of ``aesara.gradient.DisconnectedType``."""
    if not _module_available("aesara.gradient"):
        raise NotImplementedError(
            "Gradients need aesara.gradient, which is not available yet"
        )
    from aesara.gradient import DisconnectedType

    return DisconnectedType()()


def _upcast_dtypes(*dtypes: str) -> str:
    aes = _scalar_basic()
    if aes is not None and hasattr(aes, "upcast"):
        return aes.upcast(*dtypes)
    out = np.dtype(dtypes[0])
    for d in dtypes[1:]:
        out = np.promote_types(out, d)
    return out.name


# ----------------------------------------------------------------------------
# Constants and conversion
# ----------------------------------------------------------------------------


def _autocast(x: int | float, dtypes: Sequence[str]) -> np.ndarray:
    """The smallest of ``dtypes`` holding the Python number ``x`` exactly.

    This is Aesara's "custom" casting policy for Python literals: ``1`` is an
    int8 constant and ``1.5`` a float32 one, while ``0.1`` needs float64.
    """
    policy = config.cast_policy
    if policy == "numpy+floatX":
        out = np.asarray(x)
        if out.dtype.kind == "f" and out.dtype.name != config.floatX:
            out = out.astype(config.floatX)
        return out
    if policy == "numpy":
        return np.asarray(x)
    if isinstance(x, float) and config.floatX in dtypes and config.floatX != "float64":
        # Python floats become floatX (possibly losing precision) when it is
        # not float64, so that float32 graphs stay float32.
        return np.asarray(x, dtype=config.floatX)
    candidates = [d for d in dtypes if d != "float16" or config.floatX == "float16"]
    out = None
    with np.errstate(over="ignore", invalid="ignore"):
        for d in candidates:
            try:
                out = np.asarray(x, dtype=d)
            except OverflowError:
                continue
            # Compare as Python numbers: NumPy would compare in the smaller dtype.
            if out.item() == x:
                return out
    if out is None:  # does not fit any integer dtype: imitate NumPy
        return np.asarray(x, dtype="uint64")
    return out


def _convert_to_array(x: Any, dtype: Any = None) -> np.ndarray:
    """Turn a Python/NumPy value into an ndarray, choosing a dtype like Aesara."""
    if dtype is not None:
        if isinstance(dtype, str) and dtype == "floatX":
            dtype = config.floatX
        return np.asarray(x, dtype=dtype)
    if isinstance(x, np.ndarray):
        return x
    if isinstance(x, np.generic):
        return np.asarray(x)
    if isinstance(x, int):  # includes bool
        if isinstance(x, bool):
            return np.asarray(x)
        try:
            return _autocast(x, ("int8", "int16", "int32", "int64"))
        except OverflowError:
            return np.asarray(x, dtype="uint64")
    if isinstance(x, float):
        return _autocast(x, ("float16", "float32", "float64"))
    out = np.asarray(x)
    if out.size == 0 and not hasattr(x, "dtype"):
        # An empty list has no element to infer a dtype from.
        out = np.asarray(x, dtype=config.floatX)
    return out


def constant(
    x: Any, name: str | None = None, ndim: int | None = None, dtype: Any = None
) -> TensorConstant:
    """Return a tensor constant holding ``x``.

    Parameters
    ----------
    x
        A number, sequence, ndarray or tensor constant.
    name
        The constant's name.
    ndim
        Add leading dimensions of size 1, or remove leading dimensions of size
        1, so that the constant has ``ndim`` dimensions.
    dtype
        Force the dtype. By default Python ints get the smallest of
        int8/16/32/64 holding them and Python floats float32 when exact,
        float64 otherwise (Aesara's ``cast_policy="custom"``).
    """
    if isinstance(x, TensorConstant):
        if (
            (name is None or x.name == name)
            and (ndim is None or x.ndim == ndim)
            and (dtype is None or x.dtype == np.dtype(dtype).name)
        ):
            return x
        x = x.data
    if isinstance(x, Variable):
        raise TypeError(f"constant() needs a value, not a symbolic variable: {x}")
    if isinstance(x, (list, tuple)) and any(isinstance(e, Variable) for e in _flat(x)):
        raise TypeError(
            "constant() got a sequence containing symbolic variables; use "
            "as_tensor_variable() to build a tensor from it"
        )
    arr = _convert_to_array(x, dtype)
    if arr.dtype == object:
        raise TypeError(f"Cannot make a tensor constant of {type(x).__name__}: {x!r}")
    if ndim is not None:
        if arr.ndim < ndim:
            arr = arr.reshape((1,) * (ndim - arr.ndim) + arr.shape)
        elif arr.ndim > ndim:
            lead = arr.shape[: arr.ndim - ndim]
            if any(s != 1 for s in lead):
                raise ValueError(
                    f"ndarray of shape {arr.shape} could not be cast to a constant with {ndim} dimensions"
                )
            arr = arr.reshape(arr.shape[arr.ndim - ndim :])
    ttype = TensorType(dtype=arr.dtype, shape=arr.shape)
    return TensorConstant(ttype, arr, name=name)


def _flat(seq):
    for e in seq:
        if isinstance(e, (list, tuple)):
            yield from _flat(e)
        else:
            yield e


@singledispatch
def _as_tensor_variable(
    x: Any, name: str | None, ndim: int | None, **kwargs
) -> TensorVariable:
    """Type-based dispatch behind :func:`as_tensor_variable` (register new types here)."""
    from aesara.tensor.exceptions import TensorConversionError

    raise TensorConversionError(
        f"Cannot convert {x!r} (of type {type(x).__name__}) to a tensor variable."
    )


def as_tensor_variable(
    x: Any, name: str | None = None, ndim: int | None = None, **kwargs
) -> TensorVariable:
    """Return ``x`` as a tensor variable.

    Parameters
    ----------
    x
        A tensor variable (returned as is), a scalar variable, an ``Apply``
        with one output, a Python/NumPy value (becomes a constant) or a
        list/tuple mixing values and 0-d variables (becomes a vector).
    name
        Name given to a newly made constant.
    ndim
        Required number of dimensions: leading size-1 dimensions are added
        or dropped to reach it; a ``ValueError`` when that is impossible.

    Raises
    ------
    TypeError
        When ``x`` cannot be a tensor (e.g. a Python ``bool``, an object of
        another variable type).
    """
    return _as_tensor_variable(x, name, ndim, **kwargs)


as_tensor = as_tensor_variable


@_as_tensor_variable.register(Apply)
def _as_tensor_apply(x, name, ndim, **kwargs):
    if len(x.outputs) == 1:
        out = x.outputs[0]
    elif getattr(x.op, "default_output", None) is not None:
        out = x.default_output()
    else:
        raise TypeError(
            f"Multi-output Op {x.op} encountered. Retry using only one of the outputs directly."
        )
    return as_tensor_variable(out, name=name, ndim=ndim, **kwargs)


@_as_tensor_variable.register(Variable)
def _as_tensor_Variable(x, name, ndim, **kwargs):
    if _is_scalar_type(x.type):
        return as_tensor_variable(tensor_from_scalar(x), name=name, ndim=ndim, **kwargs)
    if not isinstance(x.type, TensorType):
        raise TypeError(
            f"Tensor type field must be a TensorType; found {type(x.type).__name__} (variable {x})."
        )
    if ndim is None or x.type.ndim == ndim:
        return x
    if x.type.ndim > ndim:
        # Drop leading dimensions of static size 1.
        n_drop = x.type.ndim - ndim
        if any(s != 1 for s in x.type.shape[:n_drop]):
            raise ValueError(
                f"Tensor of type {x.type} could not be cast to have {ndim} dimensions "
                f"(its leading {n_drop} dimension(s) are not of static size 1)"
            )
        return x.dimshuffle(list(range(n_drop, x.type.ndim)))
    from aesara.tensor.shape import shape_padleft

    return shape_padleft(x, n_ones=ndim - x.type.ndim)


@_as_tensor_variable.register(bool)
@_as_tensor_variable.register(np.bool_)
def _as_tensor_bool(x, name, ndim, **kwargs):
    if isinstance(x, np.bool_):
        return constant(x, name=name, ndim=ndim)
    raise TypeError(
        "Cannot cast True or False as a tensor variable. Please use np.array(True) or "
        "np.array(False) if you need these constants. This error might be caused by "
        "using the == operator on Variables: v == w compares identities, use "
        "aesara.tensor.eq(v, w) instead."
    )


@_as_tensor_variable.register(Number)
@_as_tensor_variable.register(np.number)
@_as_tensor_variable.register(np.ndarray)
def _as_tensor_numbers(x, name, ndim, dtype=None, **kwargs):
    return constant(x, name=name, ndim=ndim, dtype=dtype)


@_as_tensor_variable.register(list)
@_as_tensor_variable.register(tuple)
def _as_tensor_sequence(x, name, ndim, dtype=None, **kwargs):
    if len(x) == 0:
        return constant(x, name=name, ndim=ndim, dtype=dtype)
    values = list(_flat(x))
    if not any(isinstance(e, Variable) and not isinstance(e, Constant) for e in values):
        # Only values and constants: one constant for the whole sequence.
        def unwrap(e):
            if isinstance(e, (list, tuple)):
                return [unwrap(i) for i in e]
            return e.data if isinstance(e, Constant) else e

        return constant(unwrap(list(x)), name=name, ndim=ndim, dtype=dtype)

    def is_scalar_like(e):
        if isinstance(e, Variable):
            return getattr(e.type, "ndim", None) == 0
        return not isinstance(e, (list, tuple)) and np.ndim(e) == 0

    elements = list(x)
    if builtins.all(is_scalar_like(e) for e in elements) and ndim in (None, 1):
        # A sequence of scalars (some symbolic): build the vector directly.
        if dtype is None:
            dtypes = [e.type.dtype for e in elements if isinstance(e, Variable)]
            dtypes += [
                e.dtype.name
                for e in elements
                if isinstance(e, (np.generic, np.ndarray))
            ]
            dtype = _upcast_dtypes(*dtypes)
        return MakeVector(dtype)(*elements)
    stack = globals().get("stack")
    if stack is None:
        raise NotImplementedError(
            "as_tensor_variable of a sequence containing non-scalar symbolic variables "
            "needs `stack`, which is not implemented yet"
        )
    return stack(elements)


# ----------------------------------------------------------------------------
# Reading constant information from graphs
# ----------------------------------------------------------------------------


def numpy_scalar(data: Any) -> np.ndarray:
    """Return the single value of ``data`` as a 0-d array.

    Raises
    ------
    EmptyConstantError
        When ``data`` has no element.
    NotScalarConstantError
        When it has more than one.
    """
    data = np.asarray(data)
    if data.ndim > 0 and data.size == 0:
        raise EmptyConstantError(f"The constant {data!r} is empty")
    if data.size != 1 or data.dtype == object:
        raise NotScalarConstantError(f"{data!r} is not a scalar")
    return data.reshape(())


_PASS_THROUGH_OPS = (
    "DeepCopyOp",
    "OutputGuard",
    "Unbroadcast",
    "SpecifyShape",
    "ViewOp",
)


def get_scalar_constant_value(
    orig_v: Any,
    elemwise: bool = True,
    only_process_constants: bool = False,
    max_recur: int = 10,
) -> np.ndarray:
    """Return the constant scalar value of ``orig_v`` as a 0-d array.

    Follows ops that keep the value (casts, ``Alloc``, ``DimShuffle``,
    ``SpecifyShape``, scalar/tensor conversions, ``second``), reads static
    sizes through ``Shape_i``, and with ``elemwise`` computes element-wise
    ops of constants.

    Parameters
    ----------
    orig_v
        A variable, number or array.
    elemwise
        Whether to compute element-wise ops whose inputs are constant.
    only_process_constants
        Only look at constants, never through ops.
    max_recur
        How many ops deep to look.

    Raises
    ------
    NotScalarConstantError
        When the value cannot be determined (or is not a single value).
    """
    v = orig_v
    while True:
        if v is None:
            raise NotScalarConstantError("None is not a constant")
        if isinstance(v, (bool, Number, np.generic, np.ndarray)):
            return numpy_scalar(v).copy()
        if isinstance(v, Constant):
            unique = get_unique_value(v)
            data = unique if unique is not None else v.data
            if isinstance(data, (Number, np.generic, np.ndarray)):
                return numpy_scalar(data).copy()
            raise NotScalarConstantError(f"{v} does not hold a number")
        if not isinstance(v, Variable):
            raise NotScalarConstantError(f"{v!r} is not a variable")
        if only_process_constants or v.owner is None or max_recur <= 0:
            raise NotScalarConstantError(f"{v} is not constant")
        max_recur -= 1
        node = v.owner
        op = node.op
        opname = type(op).__name__
        if (
            isinstance(op, (Alloc, TensorFromScalar, ScalarFromTensor))
            or opname in _PASS_THROUGH_OPS
        ):
            v = node.inputs[0]
            continue
        if opname == "DimShuffle":
            v = node.inputs[0]
            continue
        if opname == "Shape_i":
            dim = (
                node.inputs[0].type.shape[op.i]
                if hasattr(node.inputs[0].type, "shape")
                else None
            )
            if dim is not None:
                return np.asarray(dim, dtype="int64")
            raise NotScalarConstantError(f"{v}: dimension {op.i} has no static size")
        scalar_op = getattr(op, "scalar_op", None)
        if opname == "Elemwise" or _is_scalar_op(op):
            sop = scalar_op if scalar_op is not None else op
            sname = type(sop).__name__
            if sname == "Second":
                v = node.inputs[1]
                continue
            if sname in ("Identity", "Cast") or elemwise:
                values = [
                    get_scalar_constant_value(
                        i, elemwise, only_process_constants, max_recur
                    )
                    for i in node.inputs
                ]
                return _compute_scalar(node, sop, values)
            raise NotScalarConstantError(
                f"{v} is the output of {op}; pass elemwise=True"
            )
        if opname in ("Subtensor",):
            value = _constant_subtensor_of_vector(
                node, elemwise, only_process_constants, max_recur
            )
            if value is not None:
                return value
            value = _constant_subtensor_of_constant(node)
            if value is not None:
                return value
        raise NotScalarConstantError(f"{v} (output of {op}) is not constant")


def _is_scalar_op(op: Any) -> bool:
    aes = _scalar_basic()
    return aes is not None and isinstance(op, aes.ScalarOp)


def _compute_scalar(node: Apply, sop: Any, values: list[np.ndarray]) -> np.ndarray:
    """Evaluate one scalar op on constant 0-d values."""
    out_dtype = node.outputs[0].type.dtype
    try:
        # Floating-point events (log(0), 0/0) belong to the value, not to the
        # user: evaluate quietly and keep the inf/nan.
        with np.errstate(all="ignore"):
            if hasattr(sop, "impl"):
                result = sop.impl(*[v[()] for v in values])
            else:
                storage = [[None] for _ in node.outputs]
                node.op.perform(node, values, storage)
                result = storage[0][0]
    except Exception as e:  # the op rejects these values: not a constant we can use
        raise NotScalarConstantError(
            f"Could not compute {node.op} on constants: {e}"
        ) from e
    if isinstance(result, (list, tuple)):
        result = result[0]
    return np.asarray(result, dtype=out_dtype).reshape(())


def _constant_subtensor_of_vector(
    node: Apply, elemwise, only_process_constants, max_recur
):
    """``vector[i]`` where ``vector`` is a MakeVector or Shape and ``i`` is constant."""
    op = node.op
    idx_list = getattr(op, "idx_list", None)
    if idx_list is None or len(idx_list) != 1 or isinstance(idx_list[0], slice):
        return None
    if len(node.inputs) > 1:
        try:
            idx = int(
                get_scalar_constant_value(
                    node.inputs[1], elemwise, only_process_constants, max_recur
                )
            )
        except NotScalarConstantError:
            return None
    elif isinstance(idx_list[0], (int, np.integer)):
        idx = int(idx_list[0])
    else:
        return None
    vec = node.inputs[0]
    if vec.owner is None:
        return None
    vop = vec.owner.op
    if isinstance(vop, MakeVector):
        try:
            elem = vec.owner.inputs[idx]
        except IndexError:
            return None
        return get_scalar_constant_value(
            elem, elemwise, only_process_constants, max_recur
        )
    if type(vop).__name__ == "Shape":
        shp = vec.owner.inputs[0].type.shape
        if -len(shp) <= idx < len(shp) and shp[idx] is not None:
            return np.asarray(shp[idx], dtype="int64")
    return None


def _constant_subtensor_of_constant(node: Apply) -> np.ndarray | None:
    """``c[i, j, ...]`` for a tensor constant ``c`` and constant indices giving one element."""
    data_var = node.inputs[0]
    if not isinstance(data_var, Constant) or node.outputs[0].type.ndim != 0:
        return None
    from aesara.tensor.subtensor import get_constant_idx

    try:
        idx = tuple(get_constant_idx(node.op.idx_list, node.inputs))
    except NotScalarConstantError:
        return None
    data = np.asarray(data_var.data)
    try:
        value = data[idx]
    except IndexError:
        # Out of range: the node fails when it runs (maybe never, e.g. in an
        # unused branch); a rewrite asking for its value just gets "unknown".
        return None
    if np.ndim(value) != 0:
        return None
    return np.asarray(value).copy()


def extract_constant(
    x: Any, elemwise: bool = True, only_process_constants: bool = False
) -> Any:
    """Like :func:`get_scalar_constant_value`, but return ``x`` when it is not constant.

    A scalar (``aesara.scalar``) variable comes back as a tensor.
    """
    try:
        x = get_scalar_constant_value(x, elemwise, only_process_constants)
    except NotScalarConstantError:
        pass
    if isinstance(x, Variable) and _is_scalar_type(x.type):
        if x.owner is not None and isinstance(x.owner.op, ScalarFromTensor):
            x = x.owner.inputs[0]
        else:
            x = tensor_from_scalar(x)
    return x


@singledispatch
def _get_vector_length(op: Any, var: TensorVariable) -> int:
    """Op-based dispatch behind :func:`get_vector_length` (register ops here)."""
    raise ValueError(f"Length of {var} cannot be determined")


@_get_vector_length.register(TensorConstant)
def _get_vector_length_constant(op, var):
    return len(var.data)


def get_vector_length(v: Any) -> int:
    """Return the length of the vector ``v`` as known when the graph is built.

    Raises
    ------
    TypeError
        When ``v`` is not a vector.
    ValueError
        When its length cannot be determined.
    """
    v = as_tensor_variable(v)
    if v.type.ndim != 1:
        raise TypeError(f"Argument must be a vector; got {v.type}")
    n = v.type.shape[0]
    if n is not None:
        return n
    return _get_vector_length(getattr(v.owner, "op", v), v)


# ----------------------------------------------------------------------------
# Scalar <-> tensor conversion
# ----------------------------------------------------------------------------


class TensorFromScalar(Op):
    """Make a 0-d tensor from an ``aesara.scalar`` variable."""

    __props__ = ()

    def make_node(self, s):
        if not isinstance(s, Variable) or not _is_scalar_type(s.type):
            raise TypeError(
                f"TensorFromScalar: input must be a variable of ScalarType, got "
                f"{getattr(s, 'type', type(s).__name__)}"
            )
        return Apply(self, [s], [TensorType(s.type.dtype, ())()])

    def perform(self, node, inputs, output_storage, params=None):
        output_storage[0][0] = np.asarray(inputs[0], dtype=node.outputs[0].type.dtype)

    def infer_shape(self, fgraph, node, input_shapes):
        return [()]

    def grad(self, inputs, output_grads):
        (s,) = inputs
        (g,) = output_grads
        if s.type.dtype in float_dtypes:
            return [scalar_from_tensor(g)]
        if s.type.dtype in discrete_dtypes:
            # Integer inputs get a zero gradient in floatX.
            return [s.zeros_like().astype(config.floatX)]
        raise NotImplementedError(
            "TensorFromScalar: grad not implemented for complex dtypes"
        )

    def R_op(self, inputs, eval_points):
        if eval_points[0] is None:
            return [None]
        return self.make_node(*eval_points).outputs


tensor_from_scalar = TensorFromScalar()


class ScalarFromTensor(Op):
    """Make an ``aesara.scalar`` variable from a 0-d tensor."""

    __props__ = ()

    def make_node(self, t):
        if not isinstance(t, Variable):
            t = as_tensor_variable(t)
        if not isinstance(t.type, TensorType) or t.type.ndim != 0:
            raise TypeError(
                f"ScalarFromTensor: input must be a 0-d tensor, got {getattr(t, 'type', t)}"
            )
        aes = _scalar_basic()
        if aes is None:
            raise NotImplementedError(
                "ScalarFromTensor needs aesara.scalar, not available yet"
            )
        return Apply(
            self, [t], [aes.get_scalar_type(dtype=t.type.dtype).make_variable()]
        )

    def perform(self, node, inputs, output_storage, params=None):
        output_storage[0][0] = inputs[0].reshape(-1)[0]

    def infer_shape(self, fgraph, node, input_shapes):
        return [()]

    def grad(self, inputs, output_grads):
        return [tensor_from_scalar(output_grads[0])]

    def R_op(self, inputs, eval_points):
        if eval_points[0] is None:
            return [None]
        return self.make_node(*eval_points).outputs


scalar_from_tensor = ScalarFromTensor()


# ----------------------------------------------------------------------------
# MakeVector
# ----------------------------------------------------------------------------


class MakeVector(Op):
    """Build a vector of ``dtype`` from 0-d tensors.

    Inputs are upcast to ``dtype``; an input whose dtype cannot be upcast
    to it (e.g. a float into an int vector) is a ``TypeError``.
    """

    __props__ = ("dtype",)

    def __init__(self, dtype: str = "int64"):
        self.dtype = np.dtype(dtype).name

    def make_node(self, *inputs):
        inputs = [as_tensor_variable(x) for x in inputs]
        for i, x in enumerate(inputs):
            if x.type.ndim != 0:
                raise ValueError(
                    f"All inputs to MakeVector must be scalars; input {i} has type {x.type}"
                )
        converted = []
        for i, x in enumerate(inputs):
            if x.type.dtype != self.dtype:
                if np.promote_types(x.type.dtype, self.dtype).name != self.dtype:
                    if (
                        isinstance(x, TensorConstant)
                        and np.asarray(x.data, dtype=self.dtype) == x.data
                    ):
                        # A literal that fits (e.g. 2 in a float32 vector).
                        pass
                    else:
                        raise TypeError(
                            f"MakeVector.make_node expected inputs upcastable to {self.dtype}; "
                            f"input {i} has dtype {x.type.dtype}"
                        )
                if isinstance(x, TensorConstant):
                    x = constant(np.asarray(x.data, dtype=self.dtype))
                else:
                    x = cast(x, self.dtype)
            converted.append(x)
        return Apply(self, converted, [TensorType(self.dtype, (len(converted),))()])

    def perform(self, node, inputs, output_storage, params=None):
        output_storage[0][0] = np.asarray(inputs, dtype=self.dtype).reshape(len(inputs))

    def infer_shape(self, fgraph, node, input_shapes):
        return [(len(input_shapes),)]

    def grad(self, inputs, output_grads):
        if self.dtype in discrete_dtypes:
            return [x.zeros_like().astype(config.floatX) for x in inputs]
        (g,) = output_grads
        return [g[i] for i in range(len(inputs))]

    def R_op(self, inputs, eval_points):
        if None in eval_points:
            return [None]
        return self.make_node(*eval_points).outputs

    def __str__(self):
        return f"MakeVector{{dtype='{self.dtype}'}}"


make_vector = MakeVector()


@_get_vector_length.register(MakeVector)
def _get_vector_length_MakeVector(op, var):
    return len(var.owner.inputs)


def _unpack_vector(v: TensorVariable) -> list[TensorVariable]:
    """The entries of a vector of known length, as 0-d tensors."""
    if isinstance(v, TensorConstant):
        return [constant(e) for e in v.data]
    if v.owner is not None:
        if isinstance(v.owner.op, MakeVector):
            return list(v.owner.inputs)
        if type(v.owner.op).__name__ == "Shape":
            from aesara.tensor.shape import shape_i

            x = v.owner.inputs[0]
            return [shape_i(x, i) for i in range(x.type.ndim)]
    n = get_vector_length(v)
    return [v[i] for i in range(n)]


# ----------------------------------------------------------------------------
# Alloc and friends
# ----------------------------------------------------------------------------


def infer_static_shape(
    shape: Any,
) -> tuple[list[TensorVariable], tuple[int | None, ...]]:
    """Validate a shape argument and read its constant entries.

    Parameters
    ----------
    shape
        A sequence of ints / 0-d integer tensors, or an integer vector.

    Returns
    -------
    The shape as a list of 0-d integer tensors, and the static shape (the
    value of each constant entry, ``None`` for the others).
    """
    if isinstance(shape, Variable):
        shape = as_tensor_variable(shape)
        if shape.type.ndim == 0:
            shape = [shape]
        elif shape.type.ndim == 1:
            if shape.type.dtype not in integer_dtypes:
                raise TypeError(
                    f"Shapes must be integers; got a vector of {shape.type.dtype}"
                )
            shape = _unpack_vector(shape)
        else:
            raise TypeError(
                f"A shape must be a vector or a sequence of scalars; got {shape.type}"
            )
    elif isinstance(shape, np.ndarray):
        shape = list(shape.reshape(-1)) if shape.ndim else [shape]
    elif not isinstance(shape, (list, tuple)):
        shape = [shape]
    entries = []
    static = []
    for i, s in enumerate(shape):
        if isinstance(s, (bool, np.bool_)):
            raise TypeError(
                f"Shapes must be scalar integers; got {s!r} at position {i}"
            )
        try:
            sv = (
                as_tensor_variable(s, ndim=0)
                if isinstance(s, Variable)
                else constant(s)
            )
        except (TypeError, ValueError) as e:
            raise TypeError(
                f"Shapes must be scalar integers; got {s!r} at position {i}"
            ) from e
        if sv.type.ndim != 0 or sv.type.dtype not in integer_dtypes:
            raise TypeError(
                f"Shapes must be scalar integers; got {sv} of type {sv.type} at position {i}"
            )
        try:
            value = int(get_scalar_constant_value(sv))
        except NotScalarConstantError:
            value = None
        if value is not None and value < 0:
            raise ValueError(
                f"Shape entries must be non-negative; got {value} at position {i}"
            )
        entries.append(sv)
        static.append(value)
    return entries, tuple(static)


class Alloc(Op):
    """Allocate an array of a given shape filled with a (broadcast) value.

    ``alloc(value, *shape)``: ``value`` is broadcast against ``shape`` like
    NumPy, its dimensions aligned to the right.
    """

    __props__ = ()

    def make_node(self, value, *shape):
        v = as_tensor_variable(value)
        if len(shape) == 1:
            # A single vector argument (or list) holds the whole shape.
            s0 = shape[0]
            if isinstance(s0, (list, tuple)):
                shape = s0
            elif isinstance(s0, Variable) and getattr(s0.type, "ndim", 0) == 1:
                shape = s0
        sh, static = infer_static_shape(shape)
        if v.type.ndim > len(sh):
            raise TypeError(
                f"Alloc: the value has more dimensions ({v.type.ndim}, type {v.type}) than "
                f"the requested shape ({len(sh)})"
            )
        out_static = list(static)
        offset = len(sh) - v.type.ndim
        for k, vs in enumerate(v.type.shape):
            j = offset + k
            if vs is None or vs == 1:
                continue
            if static[j] is None:
                # A value dimension of known size can only fill that size.
                out_static[j] = vs
            elif static[j] != vs:
                raise ValueError(
                    f"Alloc: cannot broadcast a value of static shape {v.type.shape} to "
                    f"shape {static}: dimension {j} of the output has size {static[j]}, "
                    f"the value's has {vs}"
                )
        otype = TensorType(v.type.dtype, tuple(out_static))
        return Apply(self, [v, *sh], [otype()])

    def perform(self, node, inputs, output_storage, params=None):
        v, *shape = inputs
        sh = tuple(int(s) for s in shape)
        out = output_storage[0]
        if out[0] is None or out[0].shape != sh:
            buf = np.empty(sh, dtype=node.outputs[0].type.dtype)
        else:
            buf = out[0]
        try:
            buf[...] = v
        except ValueError:
            raise ValueError(
                f"Alloc: cannot broadcast a value of shape {np.shape(v)} to shape {sh}"
            ) from None
        out[0] = buf

    def infer_shape(self, fgraph, node, input_shapes):
        return [node.inputs[1:]]

    def connection_pattern(self, node):
        return [[True]] + [[False] for _ in node.inputs[1:]]

    def grad(self, inputs, output_grads):
        x = inputs[0]
        (gz,) = output_grads
        n_new = gz.type.ndim - x.type.ndim
        axes = list(range(n_new))
        kept = []
        broadcast_axes = []
        for i, (xs, gs) in enumerate(zip(x.type.shape, gz.type.shape[n_new:])):
            if xs == 1 and gs != 1:
                broadcast_axes.append(n_new + i)
            else:
                kept.append(i)
        gx = gz.sum(axis=axes + broadcast_axes) if axes + broadcast_axes else gz
        if broadcast_axes:
            order: list = ["x"] * x.type.ndim
            for pos, axis in enumerate(kept):
                order[axis] = pos
            gx = gx.dimshuffle(order)
        return [gx] + [_disconnected() for _ in inputs[1:]]

    def R_op(self, inputs, eval_points):
        if eval_points[0] is None:
            return [None]
        return self(eval_points[0], *inputs[1:], return_list=True)

    def do_constant_folding(self, fgraph, node):
        # Folding an Alloc only trades a cheap op for a big constant, and it
        # hides the Alloc from rewrites that lift it through element-wise ops.
        clients = getattr(fgraph, "clients", {}).get(node.outputs[0], [])
        if not clients:
            return False
        for client, _ in clients:
            if client == "output":
                return False
            if type(client.op).__name__ in (
                "Elemwise",
                "IncSubtensor",
                "AdvancedIncSubtensor1",
                "AdvancedIncSubtensor",
                "Blockwise",
            ):
                return False
        return True


alloc = Alloc()


@_get_vector_length.register(Alloc)
def _get_vector_length_Alloc(op, var):
    try:
        return int(get_scalar_constant_value(var.owner.inputs[1]))
    except NotScalarConstantError:
        raise ValueError(f"Length of {var} cannot be determined") from None


def _shape_args(shape: Any) -> tuple:
    """The ``shape`` argument of zeros/ones/full as positional ``alloc`` arguments."""
    if isinstance(shape, Variable):
        return (shape,)
    if isinstance(shape, np.ndarray):
        return tuple(shape.reshape(-1)) if shape.ndim else (shape,)
    if isinstance(shape, (list, tuple)):
        return tuple(shape)
    return (shape,)


def zeros(shape: Any, dtype: Any = None) -> TensorVariable:
    """A tensor of zeros of ``shape`` (``dtype`` defaults to ``config.floatX``)."""
    if dtype is None:
        dtype = config.floatX
    return alloc(np.array(0, dtype=dtype), *_shape_args(shape))


def ones(shape: Any, dtype: Any = None) -> TensorVariable:
    """A tensor of ones of ``shape`` (``dtype`` defaults to ``config.floatX``)."""
    if dtype is None:
        dtype = config.floatX
    return alloc(np.array(1, dtype=dtype), *_shape_args(shape))


def full(shape: Any, fill_value: Any, dtype: Any = None) -> TensorVariable:
    """A tensor of ``shape`` filled with ``fill_value`` (cast to ``dtype`` if given)."""
    fill_value = as_tensor_variable(fill_value)
    if dtype is not None:
        fill_value = cast(fill_value, dtype)
    return alloc(fill_value, *_shape_args(shape))


def full_like(a: Any, fill_value: Any, dtype: Any = None) -> TensorVariable:
    """A tensor of the shape of ``a`` filled with ``fill_value``."""
    fill_value = as_tensor_variable(fill_value)
    if dtype is not None:
        fill_value = cast(fill_value, dtype)
    return _lazy("second")(a, fill_value)


def zeros_like(model: Any, dtype: Any = None, opt: bool = False) -> TensorVariable:
    """A tensor of zeros with the shape (and by default the dtype) of ``model``."""
    model = as_tensor_variable(model)
    if dtype is None:
        dtype = model.type.dtype
    ret = constant(0, dtype=dtype)
    if opt and ret.type == model.type:
        return ret
    return _lazy("second")(model, ret)


def ones_like(model: Any, dtype: Any = None, opt: bool = False) -> TensorVariable:
    """A tensor of ones with the shape (and by default the dtype) of ``model``."""
    model = as_tensor_variable(model)
    if dtype is None:
        dtype = model.type.dtype
    ret = constant(1, dtype=dtype)
    if opt and ret.type == model.type:
        return ret
    return _lazy("second")(model, ret)


# ----------------------------------------------------------------------------
# Casting and element-wise helpers (built lazily from aesara.tensor.elemwise)
# ----------------------------------------------------------------------------


def cast(x: Any, dtype: Any) -> TensorVariable:
    """Symbolically cast ``x`` to ``dtype`` (``"floatX"`` means ``config.floatX``).

    Raises
    ------
    TypeError
        For an unknown dtype, or a complex-to-real cast (ambiguous: use
        ``real``, ``imag``, ``abs`` or ``angle``).
    """
    if isinstance(dtype, str) and dtype == "floatX":
        dtype = config.floatX
    try:
        dtype_name = np.dtype(dtype).name
    except TypeError as e:
        raise TypeError(f"cast: invalid dtype {dtype!r}") from e
    if dtype_name not in all_dtypes:
        raise TypeError(
            f"cast: unsupported dtype {dtype_name} (supported: {', '.join(all_dtypes)})"
        )
    _x = as_tensor_variable(x)
    if _x.type.dtype == dtype_name:
        return _x
    if _x.type.dtype in complex_dtypes and dtype_name not in complex_dtypes:
        raise TypeError(
            "Casting from complex to real is ambiguous: consider real(), imag(), angle() or abs()"
        )
    return _lazy(f"_convert_to_{dtype_name}")(_x)


def _make_elemwise(name: str):
    """Build the element-wise op behind the lazily created module attribute ``name``."""
    import aesara.scalar.basic as aes
    from aesara.tensor.elemwise import Elemwise

    if name in ("second", "fill"):
        return Elemwise(aes.second, name="Elemwise{second,no_inplace}")
    if name in ("switch", "where"):
        return Elemwise(aes.switch, name="Elemwise{switch,no_inplace}")
    if name == "tensor_copy":
        return Elemwise(aes.identity, name="Elemwise{identity}")
    dtype = name[len("_convert_to_") :]
    scalar_cast = getattr(aes, f"convert_to_{dtype}", None)
    if scalar_cast is None:
        scalar_cast = aes.Cast(aes.get_scalar_type(dtype), name=f"convert_to_{dtype}")
    # Printed as Aesara 2.9 prints casts: ``Elemwise{Cast{int64}}``.
    return Elemwise(scalar_cast, name=f"Elemwise{{{scalar_cast}}}")


_LAZY_NAMES = {"second", "fill", "switch", "where", "tensor_copy"} | {
    f"_convert_to_{d}" for d in all_dtypes
}


def _lazy(name: str):
    value = globals().get(name)
    if value is None:
        if name == "fill":
            value = _lazy("second")
        elif name == "where":
            value = _lazy("switch")
        else:
            value = _make_elemwise(name)
        globals()[name] = value
    return value


def __getattr__(name: str):
    # PEP 562: ``second``/``fill``, ``switch``/``where``, ``tensor_copy`` and the ``_convert_to_*``
    # casts are Elemwise ops, made on first access because aesara.tensor.elemwise
    # imports this module.
    if name in _LAZY_NAMES:
        return _lazy(name)
    if name == "_cast_mapping":
        return {d: _lazy(f"_convert_to_{d}") for d in all_dtypes}
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


# ----------------------------------------------------------------------------
# Dimension helpers
# ----------------------------------------------------------------------------


def transpose(x: Any, axes: Sequence[int] | None = None) -> TensorVariable:
    """Permute the dimensions of ``x`` (reverse them when ``axes`` is ``None``)."""
    _x = as_tensor_variable(x)
    ndim = _x.type.ndim
    reverse = list(range(ndim - 1, -1, -1))
    if axes is None:
        axes = reverse
    axes = [int(a) for a in axes]
    norm = [a + ndim if a < 0 else a for a in axes]
    if sorted(norm) != list(range(ndim)):
        raise ValueError(
            f"transpose: axes {tuple(axes)} are not a permutation of the {ndim} dimensions of {_x.type}"
        )
    out = _x.dimshuffle(norm)
    if _x.name and norm == reverse:
        out.name = _x.name + ".T"
    return out


def swapaxes(y: Any, axis1: int, axis2: int) -> TensorVariable:
    """Exchange two dimensions of ``y``."""
    y = as_tensor_variable(y)
    from aesara.tensor.utils import normalize_axis

    a1 = normalize_axis(axis1, y.type.ndim, "axis1")
    a2 = normalize_axis(axis2, y.type.ndim, "axis2")
    order = list(range(y.type.ndim))
    order[a1], order[a2] = order[a2], order[a1]
    return y.dimshuffle(order)


def flatten(x: Any, ndim: int = 1) -> TensorVariable:
    """Collapse the trailing dimensions of ``x`` so the result has ``ndim`` dimensions."""
    from aesara.tensor.shape import reshape, shape_i, specify_broadcastable

    if ndim is None:
        ndim = 1
    _x = as_tensor_variable(x)
    if ndim < 1 or (ndim > 1 and ndim > _x.type.ndim):
        raise ValueError(f"ndim {ndim} out of bound [1, {_x.type.ndim + 1})")
    if ndim == _x.type.ndim:
        return _x
    dims = [shape_i(_x, i) for i in range(ndim - 1)] + [-1]
    out = reshape(_x, dims, ndim=ndim)
    tail = _x.type.shape[ndim - 1 :]
    if all(s == 1 for s in tail) and out.type.shape[-1] != 1:
        out = specify_broadcastable(out, ndim - 1)
    return out


__all__ = [
    "as_tensor_variable",
    "as_tensor",
    "constant",
    "cast",
    "get_scalar_constant_value",
    "extract_constant",
    "get_vector_length",
    "get_unique_value",
    "numpy_scalar",
    "infer_static_shape",
    "TensorFromScalar",
    "tensor_from_scalar",
    "ScalarFromTensor",
    "scalar_from_tensor",
    "MakeVector",
    "make_vector",
    "Alloc",
    "alloc",
    "zeros",
    "ones",
    "full",
    "full_like",
    "zeros_like",
    "ones_like",
    "transpose",
    "swapaxes",
    "flatten",
]


# Joining/splitting and array-construction ops live in their own modules;
# Aesara exposes them from here. (``stack`` also lets ``as_tensor_variable``
# turn lists of non-scalar variables into tensors.)
from aesara.tensor._construct import *  # noqa: E402, F403
from aesara.tensor._construct import __all__ as _construct_all  # noqa: E402
from aesara.tensor._join import *  # noqa: E402, F403
from aesara.tensor._join import __all__ as _join_all  # noqa: E402

__all__ += _join_all + _construct_all

# Row permutations, uninitialised allocation and device transfer have modules
# of their own; the axis checks live with the other tensor helpers.
from aesara.tensor._alloc_empty import *  # noqa: E402, F403
from aesara.tensor._alloc_empty import __all__ as _alloc_empty_all  # noqa: E402
from aesara.tensor._permutation import *  # noqa: E402, F403
from aesara.tensor._permutation import __all__ as _permutation_all  # noqa: E402
from aesara.tensor._transfer import *  # noqa: E402, F403
from aesara.tensor._transfer import __all__ as _transfer_all  # noqa: E402
from aesara.tensor.utils import check_and_normalize_axes, is_flat  # noqa: E402

__all__ += _alloc_empty_all + _permutation_all + _transfer_all
__all__ += ["check_and_normalize_axes", "is_flat"]
