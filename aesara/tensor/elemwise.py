"""Element-wise operations on tensors, axis shuffles and reductions.

Three ops live here:

* :class:`DimShuffle` reorders, inserts (``"x"``) and drops (size-1) axes of a
  tensor; its output is a view of its input.
* :class:`Elemwise` lifts a scalar op (``aesara.scalar``) to tensors with
  NumPy broadcasting.
* :class:`CAReduce` reduces a tensor along axes with a commutative and
  associative binary scalar op (sum, product, maximum, logical and...).

The NumPy reference implementations run whole-array NumPy calls (the ufunc
named by the scalar op's ``nfunc_spec``); per-element Python calls are only a
last resort for scalar ops NumPy has no vectorized counterpart for.
"""

from __future__ import annotations

import importlib
import inspect
import os
import sys
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

import aesara.scalar.basic as aes
from aesara.graph.basic import Apply, Constant, Variable
from aesara.graph.null_type import NullType
from aesara.graph.op import Op

# Aesara defines the printer here; in this project printers live with the
# pretty-printer (keyed by op), and this is the same class.
from aesara.printing import DimShufflePrinter  # noqa: F401

__all__ = [
    "DimShuffle",
    "Elemwise",
    "CAReduce",
    "scalar_elemwise",
    "normalize_axis",
]

_DISCRETE_KINDS = "biu"


# ---------------------------------------------------------------------------
# Lazily imported helpers (the tensor modules import each other)
# ---------------------------------------------------------------------------


def _as_tensor(x: Any, name: str | None = None) -> Variable:
    from aesara.tensor.basic import as_tensor_variable

    return as_tensor_variable(x, name=name) if name else as_tensor_variable(x)


def _tensor_type(dtype: str, shape: Sequence[int | None]):
    from aesara.tensor.type import TensorType

    return TensorType(dtype=dtype, shape=tuple(shape))


def _floatX() -> str:
    try:
        from aesara.configdefaults import config

        return config.floatX
    except Exception:  # pragma: no cover - configuration not importable
        return "float64"


def _is_disconnected_or_null(v: Any) -> bool:
    """Whether ``v`` is a gradient placeholder with no value (null/disconnected)."""
    t = getattr(v, "type", None)
    if isinstance(t, NullType):
        return True
    try:
        from aesara.gradient import DisconnectedType
    except ImportError:
        return False
    return isinstance(t, DisconnectedType)


_DTYPES: dict[str, np.dtype] = {}


def _np_dtype(name: str) -> np.dtype:
    """``np.dtype(name)``, cached (it is called on every Elemwise evaluation)."""
    try:
        return _DTYPES[name]
    except KeyError:
        dt = _DTYPES[name] = np.dtype(name)
        return dt


def _static_shape(v: Variable) -> tuple:
    return tuple(v.type.shape)


def normalize_axis(
    axis: Any, ndim: int, what: str = "reduction"
) -> tuple[int, ...] | None:
    """Return ``axis`` as a sorted tuple of non-negative ints (``None`` stays ``None``).

    Parameters
    ----------
    axis
        ``None``, an int, a 0-d integer array or a sequence of ints; negative
        values count from the end.
    ndim
        Number of dimensions of the tensor the axes refer to.
    what
        Name used in error messages.

    Raises
    ------
    ValueError
        If an axis is out of range or repeated.
    TypeError
        If an axis is not an integer.
    """
    if axis is None:
        return None
    if isinstance(axis, np.ndarray) and axis.ndim == 0:
        axis = axis.item()
    if isinstance(axis, (int, np.integer)) and not isinstance(axis, bool):
        axis = (axis,)
    if isinstance(axis, Variable):
        raise TypeError(
            f"{what}: axis must be known when the graph is built (a Python int or "
            f"a sequence of ints), got the symbolic variable {axis}"
        )
    try:
        items = list(axis)
    except TypeError as err:
        raise TypeError(
            f"{what}: axis must be None, an int or a sequence of ints, got {axis!r}"
        ) from err
    out = []
    for a in items:
        if isinstance(a, np.ndarray) and a.ndim == 0:
            a = a.item()
        if isinstance(a, bool) or not isinstance(a, (int, np.integer)):
            raise TypeError(f"{what}: axis entries must be ints, got {a!r} in {axis!r}")
        a = int(a)
        if not -ndim <= a < ndim:
            # NumPy's AxisError (a ValueError and an IndexError), as Aesara raises.
            raise np.exceptions.AxisError(
                f"{what}: axis {a} is out of bounds for a tensor with {ndim} "
                f"dimension{'s' if ndim != 1 else ''}"
            )
        out.append(a % ndim if ndim else a)
    if len(set(out)) != len(out):
        raise ValueError(f"{what}: repeated axis in {tuple(items)}")
    return tuple(sorted(out))


# ---------------------------------------------------------------------------
# DimShuffle
# ---------------------------------------------------------------------------


class DimShuffle(Op):
    """Reorder, add and drop axes of a tensor.

    Parameters
    ----------
    input_broadcastable
        For each input axis, whether its static length is 1.
    new_order
        One entry per output axis: the index of the input axis that goes there,
        or ``"x"`` for a new axis of length 1. Input axes that do not appear are
        dropped, which is only allowed for axes of static length 1.
    inplace
        Whether the output is a view of the input (the default); otherwise the
        output is a copy.

    Examples
    --------
    ``DimShuffle((False, False), (1, 0))`` transposes a matrix;
    ``DimShuffle((False,), ("x", 0))`` turns a vector into a row;
    ``DimShuffle((True, False), (1,))`` drops the leading length-1 axis.
    """

    __props__ = ("input_broadcastable", "new_order", "inplace")
    check_input = False
    # Aesara's DimShuffle takes its C code from this file (relative to the
    # module); subclasses elsewhere resolve it with ``get_path``. aesara's C
    # backend generates DimShuffle code itself, so the file is only a name.
    c_func_file = "c_code/dimshuffle.c"
    c_func_name = "APPLY_SPECIFIC(cpu_dimshuffle)"

    @classmethod
    def get_path(cls, f: str) -> str:
        """Return ``f`` as an absolute path, relative ones taken from the class's module.

        Parameters
        ----------
        f
            A file path; an absolute one is returned unchanged.

        Returns
        -------
        str
        """
        if not isinstance(f, (str, os.PathLike)):
            raise TypeError(
                f"get_path: expected a path, got {type(f).__name__} ({f!r})"
            )
        f = os.fspath(f)
        if os.path.isabs(f):
            return f
        module_dir = os.path.dirname(inspect.getfile(cls))
        return os.path.realpath(os.path.join(module_dir, f))

    def __init__(
        self,
        input_broadcastable: Sequence[bool],
        new_order: Sequence[int | str],
        inplace: bool = True,
    ):
        if not isinstance(new_order, (list, tuple)):
            raise TypeError(
                f"DimShuffle: new_order must be a list or tuple, got {type(new_order).__name__}"
            )
        input_broadcastable = tuple(bool(b) for b in input_broadcastable)
        new_order = tuple(
            x if x == "x" and isinstance(x, str) else x for x in new_order
        )
        nd = len(input_broadcastable)
        seen = set()
        for i, j in enumerate(new_order):
            if isinstance(j, str):
                if j != "x":
                    raise ValueError(
                        f"DimShuffle: new_order[{i}] must be an int or 'x', got {j!r}"
                    )
                continue
            if isinstance(j, bool) or not isinstance(j, (int, np.integer)):
                raise TypeError(
                    f"DimShuffle: new_order[{i}] must be an int or 'x', got {j!r}"
                )
            if not 0 <= j < nd:
                raise ValueError(
                    f"DimShuffle: new_order[{i}] is {j}, but the input only has "
                    f"{nd} axes (new_order={new_order})"
                )
            if j in seen:
                raise ValueError(
                    f"DimShuffle: axis {j} appears twice in new_order {new_order}"
                )
            seen.add(j)
        new_order = tuple(x if x == "x" else int(x) for x in new_order)

        self.input_broadcastable = input_broadcastable
        self.new_order = new_order
        self.inplace = bool(inplace)

        self.shuffle = [x for x in new_order if x != "x"]
        self.drop = [i for i in range(nd) if i not in seen]
        for d in self.drop:
            if not input_broadcastable[d]:
                raise ValueError(
                    f"DimShuffle: cannot drop input axis {d}: its static length is "
                    f"not known to be 1 (input_broadcastable={input_broadcastable}, "
                    f"new_order={new_order})"
                )
        self.augment = sorted(i for i, x in enumerate(new_order) if x == "x")
        self.transposition = self.shuffle + self.drop
        # Index applied after the transposition: keep shuffled axes, insert
        # new ones, and pick element 0 of the dropped (length-1) axes. The
        # trailing Ellipsis makes NumPy return a 0-d array, never a scalar.
        self._index = (
            tuple(None if x == "x" else slice(None) for x in new_order)
            + (0,) * len(self.drop)
            + (Ellipsis,)
        )
        self.is_transpose = not self.drop and not self.augment
        self.is_left_expand_dims = (
            bool(self.augment)
            and not self.drop
            and (list(new_order) == ["x"] * len(self.augment) + list(range(nd)))
        )
        self.is_right_expand_dims = (
            bool(self.augment)
            and not self.drop
            and (list(new_order) == list(range(nd)) + ["x"] * len(self.augment))
        )
        self.view_map = {0: [0]} if self.inplace else {}

    def __setstate__(self, state):
        self.__dict__.update(state)

    def make_node(self, _input: Any) -> Apply:
        inp = _as_tensor(_input)
        ib = tuple(s == 1 for s in inp.type.shape)
        if len(ib) != len(self.input_broadcastable):
            raise TypeError(
                f"{self}: the input has {len(ib)} dimensions, expected "
                f"{len(self.input_broadcastable)} (input_broadcastable="
                f"{self.input_broadcastable}, input type {inp.type})"
            )
        for expected, got in zip(self.input_broadcastable, ib):
            if expected and not got:
                raise TypeError(
                    f"{self}: the input's static shape {inp.type.shape} does not "
                    f"match input_broadcastable {self.input_broadcastable}"
                )
        shape = [1 if d == "x" else inp.type.shape[d] for d in self.new_order]
        out = _tensor_type(inp.type.dtype, shape)()
        return Apply(self, [inp], [out])

    def __str__(self):
        prefix = "InplaceDimShuffle" if self.inplace else "DimShuffle"
        return prefix + "{" + ",".join(str(x) for x in self.new_order) + "}"

    def perform(self, node, inp, out, params=None):
        (x,) = inp
        if not isinstance(x, np.ndarray):
            x = np.asarray(x)
        res = x.transpose(self.transposition)[self._index]
        if not self.inplace:
            res = res.copy()
        out[0][0] = res

    def infer_shape(self, fgraph, node, shapes):
        (ishp,) = shapes
        return [tuple(1 if d == "x" else ishp[d] for d in self.new_order)]

    def R_op(self, inputs, eval_points):
        if eval_points[0] is None:
            return [None]
        return self(*eval_points, return_list=True)

    def L_op(self, inputs, outputs, output_grads):
        (x,) = inputs
        (gz,) = output_grads
        gz = _as_tensor(gz)
        if x.type.dtype[:1] in ("b", "i", "u"):
            return [_zeros_like(x, _floatX())]
        # Send each output axis back where it came from; dropped input axes
        # had length 1 and come back as new broadcastable axes.
        grad_order: list[int | str] = ["x"] * x.type.ndim
        for i, v in enumerate(self.new_order):
            if v != "x":
                grad_order[v] = i
        return [DimShuffle(tuple(s == 1 for s in gz.type.shape), grad_order)(gz)]


def _dimshuffle(x: Variable, new_order: Sequence[int | str]) -> Variable:
    return DimShuffle(tuple(s == 1 for s in x.type.shape), tuple(new_order))(x)


def _zeros_like(x: Variable, dtype: str | None = None) -> Variable:
    """A tensor of zeros with the shape of ``x`` (built from ``second``)."""
    dtype = dtype or x.type.dtype
    zero = _as_tensor(np.asarray(0, dtype=dtype))
    return Elemwise(aes.second)(x, zero)


# ---------------------------------------------------------------------------
# Vectorized evaluation of scalar ops
# ---------------------------------------------------------------------------


def _resolve_nfunc(name: str) -> Callable | None:
    """Return the NumPy (or dotted-path) function called ``name``, if any."""
    if "." in name:
        mod_name, _, attr = name.rpartition(".")
        try:
            return getattr(importlib.import_module(mod_name), attr)
        except (ImportError, AttributeError):
            return None
    return getattr(np, name, None)


def _fold(fn: Callable) -> Callable:
    """Apply a binary ``fn`` to any number of arguments, left to right."""

    def folded(*args):
        if len(args) == 1:
            return np.array(args[0])
        r = fn(args[0], args[1])
        for a in args[2:]:
            r = fn(r, a)
        return r

    return folded


def _fresh_results(fn: Callable) -> Callable:
    """``fn`` whose array results never share memory with its arguments.

    NumPy functions that are not ufuncs may return a view of an argument, or
    the argument itself (``np.real``/``np.imag`` of complex data, ``np.real``
    of real data). An Elemwise output declares no ``view_map``, so the
    destroy handler would not see the alias: an in-place op could overwrite
    the input while the "result" is still to be read, and a function could
    hand the caller its own input back. Such results are copied.
    """

    def fresh(*args):
        r = fn(*args)
        if isinstance(r, tuple):
            return tuple(_unaliased(res, args) for res in r)
        return _unaliased(r, args)

    fresh.__wrapped__ = fn
    return fresh


def _unaliased(res: Any, args: Sequence) -> Any:
    """``res``, or a copy of it when it is (a view of) one of ``args``."""
    if not isinstance(res, np.ndarray):
        return res
    if any(res is a for a in args) or (
        res.base is not None  # a new array owns its memory
        and any(isinstance(a, np.ndarray) and np.may_share_memory(res, a) for a in args)
    ):
        return res.copy()
    return res


def _broadcast_second(x, y):
    shape = np.broadcast_shapes(np.shape(x), np.shape(y))
    return np.array(np.broadcast_to(y, shape))


def _array_function(scalar_op: Any, nfunc_spec: tuple | None = None) -> Callable:
    """Return ``f(*arrays)`` computing ``scalar_op`` element-wise over whole arrays.

    Preference order: the NumPy function named by ``nfunc_spec``; a
    Composite's inner graph evaluated array-wise; a few structural ops
    (second, identity, cast); and finally ``np.frompyfunc`` over ``impl``.
    """
    spec = (
        nfunc_spec if nfunc_spec is not None else getattr(scalar_op, "nfunc_spec", None)
    )
    if spec:
        fn = _resolve_nfunc(spec[0])
        if fn is not None:
            spec_nin = spec[1] if len(spec) > 1 else None
            if spec_nin == 2 and getattr(scalar_op, "nin", 2) != 2:
                # Variadic ops (add, mul...) whose NumPy counterpart is binary.
                return _fold(fn)
            return fn
    composite_cls = getattr(aes, "Composite", None)
    if composite_cls is not None and isinstance(scalar_op, composite_cls):
        return _composite_function(scalar_op)
    cast_cls = getattr(aes, "Cast", None)
    if cast_cls is not None and isinstance(scalar_op, cast_cls):
        o_type = getattr(scalar_op, "o_type", None)
        dtype = getattr(o_type, "dtype", None)
        if dtype is not None:
            return lambda x: np.array(x, dtype=dtype)
    kind = type(scalar_op).__name__
    if kind == "Second":
        return _broadcast_second
    if kind == "Identity":
        return lambda x: np.array(x)
    return _python_function(scalar_op)


def _python_function(scalar_op: Any) -> Callable:
    """Element-by-element evaluation through ``scalar_op.impl`` (slow path)."""
    cache: dict[int, Any] = {}
    nout = getattr(scalar_op, "nout", 1)

    def run(*args):
        f = cache.get(len(args))
        if f is None:
            f = cache[len(args)] = np.frompyfunc(scalar_op.impl, len(args), nout)
        return f(*args)

    return run


def _composite_function(composite: Any) -> Callable:
    """Compile a Composite's scalar graph into one function over whole arrays."""
    from aesara.graph.basic import io_toposort

    fgraph = getattr(composite, "fgraph", None)
    inputs = list(fgraph.inputs if fgraph is not None else composite.inputs)
    outputs = list(fgraph.outputs if fgraph is not None else composite.outputs)
    slot: dict[Variable, int] = {v: i for i, v in enumerate(inputs)}
    consts: list[tuple[int, Any]] = []
    steps: list[tuple[Callable, list[int], list[int], list[np.dtype]]] = []
    n = len(inputs)

    def slot_of(v):
        nonlocal n
        if v not in slot:
            if isinstance(v, Constant):
                slot[v] = n
                consts.append((n, np.asarray(v.data, dtype=v.type.dtype)))
                n += 1
            else:
                raise ValueError(
                    f"{composite}: inner variable {v} is neither an input, a "
                    "constant nor computed by the inner graph"
                )
        return slot[v]

    for node in io_toposort(inputs, outputs):
        fn = _array_function(node.op)
        ins = [slot_of(v) for v in node.inputs]
        outs = []
        for o in node.outputs:
            slot[o] = n
            outs.append(n)
            n += 1
        dts = [np.dtype(o.type.dtype) for o in node.outputs]
        steps.append((fn, ins, outs, dts))
    out_slots = [slot_of(o) for o in outputs]
    size = n

    def full(r, shape):
        # An output that reads only some inputs (or none) still has the
        # shape of all of them broadcast, like any element-wise result.
        if np.shape(r) == shape:
            return r
        return np.array(np.broadcast_to(r, shape))

    def run(*args):
        vals: list[Any] = [None] * size
        vals[: len(args)] = args
        for i, c in consts:
            vals[i] = c
        for fn, ins, outs, dts in steps:
            r = fn(*[vals[i] for i in ins])
            if len(outs) == 1:
                vals[outs[0]] = np.asarray(r, dtype=dts[0])
            else:
                for o, ri, dt in zip(outs, r, dts):
                    vals[o] = np.asarray(ri, dtype=dt)
        shape = np.broadcast_shapes(*(np.shape(a) for a in args))
        if len(out_slots) == 1:
            return full(vals[out_slots[0]], shape)
        return tuple(full(vals[o], shape) for o in out_slots)

    return run


def broadcast_shape_graph(
    inputs: Sequence[Variable],
    i_shapes: Sequence[Sequence[Any]],
    static_shape: Sequence[int | None],
) -> tuple:
    """The symbolic shape of ``inputs`` broadcast together (all of one rank).

    ``i_shapes`` are the inputs' symbolic shapes and ``static_shape`` the
    broadcast result's static shape, whose known lengths are used as they are.
    """
    out_shape: list[Any] = []
    for d, static in enumerate(static_shape):
        if static is not None:
            out_shape.append(static)
            continue
        cands = [shp[d] for inp, shp in zip(inputs, i_shapes) if inp.type.shape[d] != 1]
        if len(cands) == 1:
            out_shape.append(cands[0])
            continue
        # Unknown lengths broadcast at run time: each is either the result's
        # length or 1 (which may pair with a length of 0).
        from aesara.tensor.math import eq, switch_

        r = cands[0]
        for c in cands[1:]:
            r = switch_(eq(c, 1), r, c)
        out_shape.append(r)
    return tuple(out_shape)


# ---------------------------------------------------------------------------
# Elemwise
# ---------------------------------------------------------------------------


def _into_input(value: np.ndarray, target: Any) -> np.ndarray:
    """``value`` written into ``target`` (the input an in-place output
    declares it overwrites) when it fits exactly; else ``value`` itself.

    The Python implementation then overwrites its input as the compiled
    kernels do, so both paths alias memory the same way.
    """
    if (
        type(target) is np.ndarray
        and target.shape == value.shape
        and target.dtype == value.dtype
        and target.flags.writeable
        and not np.shares_memory(target, value)
    ):
        np.copyto(target, value)
        return target
    return value


class Elemwise(Op):
    """Apply a scalar op to every element of tensors, with NumPy broadcasting.

    Parameters
    ----------
    scalar_op
        The :class:`aesara.scalar.basic.ScalarOp` to lift.
    inplace_pattern
        ``{output_index: input_index}``: outputs that are written into
        (destroy) the given input's storage.
    name
        Name used when printing the op.
    nfunc_spec
        ``(numpy_function_name, nin, nout)`` overriding the scalar op's.
    openmp
        Accepted for compatibility; ignored.

    Notes
    -----
    Inputs of lower rank are left-padded with broadcastable axes. An output
    axis has static length ``n`` when some input has static length ``n != 1``
    there, 1 when all inputs have length 1 and is unknown otherwise; unknown
    lengths broadcast at run time under NumPy's rules.
    """

    __props__ = ("scalar_op", "inplace_pattern")

    def __init__(
        self,
        scalar_op: Any,
        inplace_pattern: dict[int, int] | None = None,
        name: str | None = None,
        nfunc_spec: tuple | None = None,
        openmp: bool | None = None,
    ):
        if inplace_pattern is None:
            inplace_pattern = {}
        if not isinstance(inplace_pattern, dict):
            raise TypeError(
                "Elemwise: inplace_pattern must be a dict {output_index: input_index}, "
                f"got {inplace_pattern!r}"
            )
        targets = list(inplace_pattern.values())
        if len(set(targets)) != len(targets):
            # Two outputs in one buffer: one would overwrite the other.
            raise ValueError(
                "Elemwise: inplace_pattern writes several outputs into the same "
                f"input: {inplace_pattern!r}"
            )
        self.scalar_op = scalar_op
        self.inplace_pattern = dict(inplace_pattern)
        self.destroy_map = {o: [i] for o, i in self.inplace_pattern.items()}
        self.name = name
        self.nfunc_spec = nfunc_spec or getattr(scalar_op, "nfunc_spec", None)
        self.openmp = openmp
        self._init_impl()

    _LAZY_IMPL_ATTRS = ("ufunc", "nfunc", "_inplace_input")

    def _init_impl(self):
        self.nout = getattr(self.scalar_op, "nout", 1)
        self.nin = getattr(self.scalar_op, "nin", -1)
        # The array function is built on first use: a Composite's may be costly.
        self._impl = None
        for attr in self._LAZY_IMPL_ATTRS:
            self.__dict__.pop(attr, None)
        spec = self.nfunc_spec
        module = spec[0].rpartition(".")[0] if spec else ""
        # A function of a module not imported yet (scipy.special, 0.15 s) is
        # looked up on first use (``__getattr__``), not when aesara is imported.
        if not module or module in sys.modules:
            self._resolve_impl()

    def _resolve_impl(self) -> None:
        # Computed into locals and assigned once each: another thread may read
        # these attributes meanwhile, and must never see a transient None.
        ufunc = nfunc = None
        if self.nfunc_spec:
            fn = _resolve_nfunc(self.nfunc_spec[0])
            if isinstance(fn, np.ufunc):
                ufunc = fn
            else:
                nfunc = fn
        # Single-output in-place op with a ufunc: write into the input via out=.
        inplace_input = None
        if ufunc is not None and len(self.inplace_pattern) == 1 and self.nout == 1:
            inplace_input = self.inplace_pattern.get(0)
        self._inplace_input = inplace_input
        self.nfunc = nfunc
        self.ufunc = ufunc

    def __getattr__(self, name: str) -> Any:
        # Only reached for attributes missing from the instance: the lazily
        # resolved NumPy/SciPy function of ``nfunc_spec``.
        if name in Elemwise._LAZY_IMPL_ATTRS and "nfunc_spec" in self.__dict__:
            self._resolve_impl()
            return self.__dict__[name]
        raise AttributeError(
            f"{type(self).__name__!r} object has no attribute {name!r}"
        )

    def __getstate__(self):
        d = self.__dict__.copy()
        d["_impl"] = None
        return d

    def __setstate__(self, state):
        self.__dict__.update(state)
        if "_impl" not in state:
            self._init_impl()

    def __str__(self):
        # As Aesara 2.9 prints them: the tensor functions' ops carry a name
        # (``Elemwise{exp,no_inplace}``), the ones rewrites build show the
        # scalar op and their in-place pattern (``Elemwise{exp}[(0, 0)]``).
        if self.name is not None:
            return self.name
        if self.inplace_pattern:
            pattern = sorted(self.inplace_pattern.items())
            return f"{type(self).__name__}{{{self.scalar_op}}}{pattern}"
        return f"{type(self).__name__}{{{self.scalar_op}}}"

    # -- graph construction ------------------------------------------------

    def get_output_info(self, dim_shuffle, *inputs):
        """Pad the inputs to a common rank; return ``(out_dtypes, out_shape, inputs)``."""
        inputs = [_as_tensor(i) for i in inputs]
        if not inputs:
            raise TypeError(f"{self} needs at least one input")
        nin = self.nin
        if nin is not None and nin >= 0 and len(inputs) != nin:
            raise TypeError(f"{self} expects {nin} inputs, got {len(inputs)}")
        target = max(i.type.ndim for i in inputs)
        padded = []
        for inp in inputs:
            diff = target - inp.type.ndim
            if diff:
                inp = dim_shuffle(
                    tuple(s == 1 for s in inp.type.shape),
                    ["x"] * diff + list(range(inp.type.ndim)),
                )(inp)
            padded.append(inp)

        shape: list[int | None] = []
        for d in range(target):
            dims = [inp.type.shape[d] for inp in padded]
            known = {s for s in dims if s is not None and s != 1}
            if len(known) > 1:
                raise ValueError(
                    f"{self}: incompatible static shapes {[_static_shape(i) for i in inputs]} "
                    f"(axis {d} has lengths {sorted(known)}; lengths must match or be 1)"
                )
            if known:
                shape.append(known.pop())
            elif all(s == 1 for s in dims):
                shape.append(1)
            else:
                shape.append(None)

        try:
            out_types = self.scalar_op.output_types(
                [aes.get_scalar_type(i.type.dtype) for i in padded]
            )
        except TypeError as err:
            raise TypeError(
                f"{self}: unsupported input dtypes {[i.type.dtype for i in padded]}: {err}"
            ) from err
        out_dtypes = [t.dtype for t in out_types]

        for o, i in self.inplace_pattern.items():
            if not 0 <= o < len(out_dtypes) or not 0 <= i < len(padded):
                raise ValueError(
                    f"{self}: inplace_pattern {self.inplace_pattern} refers to a "
                    f"missing output or input"
                )
            inp = padded[i]
            if inp.type.dtype != out_dtypes[o]:
                raise TypeError(
                    f"{self}: cannot compute output {o} (dtype {out_dtypes[o]}) in "
                    f"the storage of input {i} (dtype {inp.type.dtype})"
                )
            for d, (si, so) in enumerate(zip(inp.type.shape, shape)):
                if si == 1 and so != 1:
                    raise TypeError(
                        f"{self}: input {i} is broadcast along axis {d}, so output "
                        f"{o} cannot be computed in its storage"
                    )
        return out_dtypes, shape, padded

    def make_node(self, *inputs: Any) -> Apply:
        out_dtypes, shape, inputs = self.get_output_info(DimShuffle, *inputs)
        for i, inp in enumerate(inputs):
            if not getattr(inp.type, "holds_ndarray", True):
                raise TypeError(
                    f"{self} takes dense tensors, but input {i} ({inp}) is "
                    f"{inp.type}: use the functions of aesara.sparse, or "
                    "convert it with .toarray() / aesara.sparse.dense_from_sparse"
                )
        outputs = [_tensor_type(dt, shape)() for dt in out_dtypes]
        return Apply(self, inputs, outputs)

    # -- evaluation --------------------------------------------------------

    def _build_impl(self) -> Callable:
        if self.ufunc is not None:
            fn = self.ufunc
            if self.nfunc_spec[1] == 2 and self.nin != 2:
                fn = _fold(fn)
        elif self.nfunc is not None:
            fn = _fresh_results(self.nfunc)
        else:
            fn = _array_function(self.scalar_op, ())
        self._impl = fn
        return fn

    def _run_error(self, err: Exception, inputs) -> ValueError:
        shapes = [np.shape(i) for i in inputs]
        return ValueError(f"{self} failed on inputs of shapes {shapes}: {err}")

    def perform(self, node, inputs, output_storage, params=None):
        impl = self._impl
        if impl is None:
            impl = self._build_impl()
        r = None
        if self._inplace_input is not None and len(inputs) == self.ufunc.nin:
            target = inputs[self._inplace_input]
            try:
                r = self.ufunc(*inputs, out=target)
            except (ValueError, TypeError):
                # Broadcast target, read-only buffer or dtype clash: not in place.
                r = None
        if r is None:
            if self.ufunc is not None and self.ufunc.nin == len(inputs):
                impl = self.ufunc
            try:
                r = impl(*inputs)
            except (ValueError, TypeError) as err:
                raise self._run_error(err, inputs) from err
        outs = node.outputs
        if self.nout == 1:
            # Built-in NumPy dtypes are singletons: an identity test is enough
            # on the fast path.
            dt = _np_dtype(outs[0].type.dtype)
            if getattr(r, "dtype", None) is not dt:
                r = self._fix_output(r, dt, inputs, impl)
            elif type(r) is not np.ndarray:
                r = np.asarray(r)
            if self.inplace_pattern and r is not inputs[self.inplace_pattern[0]]:
                r = _into_input(r, inputs[self.inplace_pattern[0]])
            output_storage[0][0] = r
        else:
            pattern = self.inplace_pattern
            for k, (cell, ri) in enumerate(zip(output_storage, r)):
                dt = _np_dtype(outs[k].type.dtype)
                if type(ri) is not np.ndarray or ri.dtype != dt:
                    ri = np.asarray(ri, dtype=dt)
                if k in pattern:
                    # Every output is computed already: writing now cannot
                    # change what another output read.
                    ri = _into_input(ri, inputs[pattern[k]])
                cell[0] = ri

    def make_py_thunk(
        self, node, storage_map, compute_map, no_recycling, debug: bool = False
    ):
        """A thunk specialised to this node: the per-call work is the NumPy call.

        In-place and multi-output ops use the generic thunk around
        :meth:`perform`.
        """
        if debug or self.inplace_pattern or self.nout != 1:
            return super().make_py_thunk(
                node, storage_map, compute_map, no_recycling, debug=debug
            )
        impl = self._impl
        if impl is None:
            impl = self._build_impl()
        if self.ufunc is not None and self.ufunc.nin == len(node.inputs):
            # Skip the variadic folding wrapper when the ufunc fits directly.
            impl = self.ufunc
        cells = [storage_map[v] for v in node.inputs]
        out = storage_map[node.outputs[0]]
        dt = _np_dtype(node.outputs[0].type.dtype)
        flag = compute_map[node.outputs[0]] if compute_map is not None else [False]
        fix = self._fix_output
        run_error = self._run_error
        ndarray = np.ndarray
        asarray = np.asarray

        def finish(r, args):
            if getattr(r, "dtype", None) is not dt:
                r = fix(r, dt, args, impl)
            elif type(r) is not ndarray:
                r = asarray(r)
            out[0] = r
            flag[0] = True

        if len(cells) == 1:
            (c0,) = cells

            def thunk():
                x = c0[0]
                try:
                    r = impl(x)
                except (ValueError, TypeError) as err:
                    raise run_error(err, [x]) from err
                if getattr(r, "dtype", None) is dt and type(r) is ndarray:
                    out[0] = r
                    flag[0] = True
                else:
                    finish(r, [x])

        elif len(cells) == 2:
            c0, c1 = cells

            def thunk():
                x = c0[0]
                y = c1[0]
                try:
                    r = impl(x, y)
                except (ValueError, TypeError) as err:
                    raise run_error(err, [x, y]) from err
                if getattr(r, "dtype", None) is dt and type(r) is ndarray:
                    out[0] = r
                    flag[0] = True
                else:
                    finish(r, [x, y])

        else:

            def thunk():
                args = [c[0] for c in cells]
                try:
                    r = impl(*args)
                except (ValueError, TypeError) as err:
                    raise run_error(err, args) from err
                finish(r, args)

        thunk.inputs = cells
        thunk.outputs = [out]
        thunk.perform = self.perform
        thunk.lazy = False
        return thunk

    def _fix_output(self, r, dt: np.dtype, inputs, impl) -> np.ndarray:
        rdt = getattr(r, "dtype", None)
        if (
            rdt is not None
            and dt.kind in "fc"
            and (
                rdt.kind in _DISCRETE_KINDS
                or (rdt.kind == dt.kind and rdt.itemsize < dt.itemsize)
            )
            and any(np.asarray(i).dtype.kind in _DISCRETE_KINDS for i in inputs)
        ):
            # NumPy picked a narrower float for integer inputs (e.g. float16
            # for int8), or stayed integral (np.reciprocal of ints): recompute
            # in the declared precision instead.
            cast_in = [
                np.asarray(i, dtype=dt)
                if np.asarray(i).dtype.kind in _DISCRETE_KINDS
                else i
                for i in inputs
            ]
            r = impl(*cast_in)
        return np.asarray(r, dtype=dt)

    # -- shapes and gradients ----------------------------------------------

    def infer_shape(self, fgraph, node, i_shapes):
        shape = broadcast_shape_graph(node.inputs, i_shapes, node.outputs[0].type.shape)
        return [shape] * len(node.outputs)

    def _bgrad(self, inputs, outputs, output_grads):
        """Gradients before summing over broadcast axes."""

        def as_scalar(t):
            if _is_disconnected_or_null(t):
                return t
            return aes.get_scalar_type(t.type.dtype)()

        s_inputs = [as_scalar(i) for i in inputs]
        s_ograds = [as_scalar(g) for g in output_grads]
        s_outputs = self.scalar_op.make_node(*s_inputs).outputs
        s_igrads = self.scalar_op.L_op(s_inputs, s_outputs, s_ograds)

        nd = outputs[0].type.ndim
        known: dict[Variable, Variable] = {}
        for s, t in zip(s_inputs, inputs):
            known[s] = t
        for s, t in zip(s_outputs, outputs):
            known[s] = t
        for s, t in zip(s_ograds, output_grads):
            known[s] = t

        def transform(r):
            if r in known:
                return known[r]
            if _is_disconnected_or_null(r):
                return r
            if r.owner is None:
                if not isinstance(r, Constant):
                    raise ValueError(
                        f"{self}: the scalar gradient depends on {r}, which is "
                        "not an input of the scalar op"
                    )
                c = _as_tensor(np.asarray(r.data, dtype=r.type.dtype))
                res = _dimshuffle(c, ["x"] * nd) if nd else c
            else:
                node = r.owner
                new_ins = [transform(i) for i in node.inputs]
                res = Elemwise(node.op)(*new_ins, return_list=True)[r.index]
            known[r] = res
            return res

        return [None if g is None else transform(g) for g in s_igrads]

    def L_op(self, inputs, outputs, output_grads):
        inputs = list(inputs)
        out_discrete = any(o.type.dtype[:1] in ("b", "i", "u") for o in outputs)
        rval = self._bgrad(inputs, outputs, output_grads)
        if out_discrete:
            # Integer/boolean outputs are piecewise constant: gradient zero.
            new = []
            for g, ipt in zip(rval, inputs):
                if g is not None and _is_disconnected_or_null(g):
                    new.append(g)
                else:
                    dtype = ipt.type.dtype
                    if dtype[:1] in ("b", "i", "u"):
                        dtype = _floatX()
                    new.append(_zeros_like(ipt, dtype))
            return new

        out_shape = outputs[0].type.shape
        result = []
        for g, ipt in zip(rval, inputs):
            if g is None or _is_disconnected_or_null(g):
                result.append(g)
                continue
            to_sum = [
                d
                for d, (si, so) in enumerate(zip(ipt.type.shape, out_shape))
                if si == 1 and so != 1
            ]
            if to_sum:
                from aesara.tensor.math import sum as at_sum

                g = at_sum(g, axis=to_sum, keepdims=True)
            result.append(g)
        return result

    def R_op(self, inputs, eval_points):
        outs = self(*inputs, return_list=True)
        if any(
            v.type.dtype.startswith("complex")
            for v in (*inputs, *outs, *eval_points)
            if v is not None
        ):
            # The product below uses the reverse-mode derivative, which for
            # complex values is conjugated or real-projected: let
            # aesara.gradient.Rop use its generic forward rule instead.
            raise NotImplementedError(f"{self}: no R_op for complex values")
        rval = []
        for idx, out in enumerate(outs):
            ograds = [_zeros_like(o) for o in outs]
            one = _as_tensor(np.asarray(1, dtype=out.type.dtype))
            ograds[idx] = Elemwise(aes.second)(out, one)
            bgrads = self._bgrad(list(inputs), outs, ograds)
            acc = None
            for g, ev in zip(bgrads, eval_points):
                if ev is None or g is None or _is_disconnected_or_null(g):
                    continue
                term = g * ev
                acc = term if acc is None else acc + term
            rval.append(acc)
        return rval


def scalar_elemwise(*symbol, nfunc=None, nin=None, nout=None, symbolname=None):
    """Replace a function definition by the Elemwise of the scalar op of the same name.

    Used as ``@scalar_elemwise`` or ``@scalar_elemwise(symbolname="...")``.
    A name ending in ``_inplace`` gives the op writing its result into its
    first input. The function's docstring is kept on the returned op.
    """

    def construct(fn):
        name = symbolname or fn.__name__
        inplace = name.endswith("_inplace")
        base = name[: -len("_inplace")] if inplace else name
        scalar_op = getattr(aes, base, None)
        if scalar_op is None and base == "abs":
            scalar_op = getattr(aes, "abs_", None)
        if scalar_op is None:
            raise AttributeError(f"aesara.scalar has no scalar op named {base!r}")
        spec = (nfunc, nin, nout) if nfunc else None
        # Printed as Aesara prints its tensor functions' ops: by the symbol
        # name given, else the scalar op's (``Elemwise{true_divide,no_inplace}``).
        shown = name if inplace else (symbolname or scalar_op.name or base)
        label = f"Elemwise{{{shown},{'inplace' if inplace else 'no_inplace'}}}"
        op = Elemwise(
            scalar_op, {0: 0} if inplace else None, name=label, nfunc_spec=spec
        )
        doc = (fn.__doc__ or "").strip()
        op.__doc__ = doc or f"Element-wise {base}."
        op.__module__ = fn.__module__
        return op

    if symbol:
        return construct(symbol[0])
    return construct


# ---------------------------------------------------------------------------
# CAReduce
# ---------------------------------------------------------------------------

_DISCRETE_UPCAST = {
    "bool": "int64",
    "int8": "int64",
    "int16": "int64",
    "int32": "int64",
    "uint8": "uint64",
    "uint16": "uint64",
    "uint32": "uint64",
}

_ACC_UPCAST = {
    **_DISCRETE_UPCAST,
    "float16": "float32",
    "float32": "float64",
    "complex64": "complex128",
}


def fused_reduction_structure(scalar_op: Any) -> tuple[Any, list, Any] | None:
    """``(op, [x1, ..., xk], f)`` of a Composite ``op(acc, f(x1, ..., xk))``.

    ``op`` is the binary scalar op combining accumulators (it has a NumPy
    ufunc), the ``xi`` are the Composite's element inputs and ``f`` the inner
    variable they give (which does not use ``acc``). Returns ``None`` for any
    other scalar op (reduction fusion builds this form; see
    :func:`aesara.tensor.rewriting.fusion.local_careduce_fusion`).
    """
    composite_cls = getattr(aes, "Composite", None)
    if composite_cls is None or not isinstance(scalar_op, composite_cls):
        return None
    if scalar_op.nin < 2 or scalar_op.nout != 1:
        return None
    (out,) = scalar_op.outputs
    node = out.owner
    acc, *xs = scalar_op.inputs
    if node is None or len(node.inputs) != 2 or node.inputs[0] is not acc:
        return None
    spec = getattr(node.op, "nfunc_spec", None)
    if not isinstance(_resolve_nfunc(spec[0]) if spec else None, np.ufunc):
        return None
    elem = node.inputs[1]
    from aesara.graph.basic import graph_inputs

    if acc in set(graph_inputs([elem])):
        return None
    return node.op, xs, elem


def _split_fused_reduction(scalar_op: Any) -> tuple[np.ufunc, Callable] | None:
    """``(op's ufunc, array f)`` of a Composite ``op(acc, f(x1, ..., xk))``, else ``None``.

    The returned ``f`` takes the ``k`` arrays and applies the scalar graph
    to them element-wise (see :func:`fused_reduction_structure`).
    """
    parts = fused_reduction_structure(scalar_op)
    if parts is None:
        return None
    binop, xs, elem = parts
    ufunc = _resolve_nfunc(binop.nfunc_spec[0])
    if elem in xs:
        pos = xs.index(elem)
        return ufunc, lambda *arrays: np.asarray(arrays[pos])
    return ufunc, _composite_function(aes.Composite(xs, [elem]))


class CAReduce(Op):
    """Reduce a tensor along axes with a commutative, associative binary scalar op.

    Parameters
    ----------
    scalar_op
        A binary scalar op (``add``, ``mul``, ``scalar_maximum``, ``and_``...).
    axis
        Axes to reduce (an int or a sequence); ``None`` reduces all of them.
        Negative axes are resolved against the input when the node is built.
    dtype
        Output dtype; ``None`` keeps the input's (or upcasts small discrete
        dtypes to 64 bits when ``upcast_discrete_output``).
    acc_dtype
        Dtype of the accumulator; ``None`` picks a wide-enough one.
    upcast_discrete_output
        Whether discrete inputs give 64-bit outputs when ``dtype`` is None.
    """

    __props__ = ("scalar_op", "axis", "dtype", "acc_dtype", "upcast_discrete_output")

    def __init__(
        self,
        scalar_op: Any,
        axis: int | Sequence[int] | None = None,
        dtype: str | None = None,
        acc_dtype: str | None = None,
        upcast_discrete_output: bool = False,
    ):
        nin = getattr(scalar_op, "nin", 2)
        nout = getattr(scalar_op, "nout", 1)
        if nout != 1 or nin not in (2, -1):
            raise NotImplementedError(
                f"CAReduce only supports binary scalar ops with one output, got {scalar_op}"
            )
        self.scalar_op = scalar_op
        if axis is None:
            self.axis = None
        else:
            if isinstance(axis, np.ndarray) and axis.ndim == 0:
                axis = axis.item()
            if isinstance(axis, (int, np.integer)) and not isinstance(axis, bool):
                axis = (axis,)
            try:
                axis = tuple(int(a) for a in axis)
            except TypeError as err:
                raise TypeError(
                    f"{type(self).__name__}: axis must be None, an int or a sequence "
                    f"of ints, got {axis!r}"
                ) from err
            if all(a >= 0 for a in axis):
                axis = tuple(sorted(axis))
            self.axis = axis
        self.dtype = None if dtype is None else str(np.dtype(dtype))
        self.acc_dtype = None if acc_dtype is None else str(np.dtype(acc_dtype))
        self.upcast_discrete_output = upcast_discrete_output
        self._init_ufunc()

    def _init_ufunc(self):
        spec = getattr(self.scalar_op, "nfunc_spec", None)
        fn = _resolve_nfunc(spec[0]) if spec else None
        self.ufunc = fn if isinstance(fn, np.ufunc) else None
        # A Composite ``op(acc, f(x))`` (built by reduction fusion) reduces
        # with ``op``'s ufunc after applying ``f`` to the whole input.
        self._fused_pre = None
        self._fused_ufunc = None
        if self.ufunc is None:
            split = _split_fused_reduction(self.scalar_op)
            if split is not None:
                self._fused_ufunc, self._fused_pre = split

    def __getstate__(self):
        d = self.__dict__.copy()
        d.pop("_fused_pre", None)
        d.pop("_fused_ufunc", None)
        return d

    def __setstate__(self, state):
        self.__dict__.update(state)
        if "ufunc" not in state or "_fused_pre" not in state:
            self._init_ufunc()

    def clone(self, **kwargs) -> CAReduce:
        """Return a copy of this op with some properties changed."""
        props = self._props_dict()
        props.update(kwargs)
        if type(self) is CAReduce:
            return CAReduce(**props)
        new = object.__new__(type(self))
        new.__dict__.update(self.__dict__)
        for k, v in kwargs.items():
            setattr(new, k, v)
        return new

    def __str__(self):
        if type(self) is CAReduce:
            prefix = f"CAReduce{{{self.scalar_op}}}"
        else:
            prefix = type(self).__name__
        params = []
        if self.axis is not None:
            params.append("axis=[" + ", ".join(str(a) for a in self.axis) + "]")
        if self.acc_dtype is not None and type(self).__name__ in ("Sum", "Prod"):
            params.append(f"acc_dtype={self.acc_dtype}")
        return prefix + ("{" + ", ".join(params) + "}" if params else "")

    # -- dtypes ------------------------------------------------------------

    def _output_dtype(self, idtype: str) -> str:
        if self.dtype is not None:
            return self.dtype
        if self.upcast_discrete_output:
            return _DISCRETE_UPCAST.get(idtype, idtype)
        return idtype

    def _acc_dtype(self, idtype: str, odtype: str) -> str:
        if self.acc_dtype is not None:
            acc = self.acc_dtype
            if not self.upcast_discrete_output:
                return acc
            if not np.can_cast(idtype, acc, casting="safe") and not (
                np.dtype(idtype).kind in "iu" and np.dtype(acc).kind in "iu"
            ):
                raise TypeError(
                    f"{type(self).__name__}: cannot accumulate input of dtype {idtype} "
                    f"in acc_dtype {acc}: precision would be lost"
                )
            return acc
        if not self.upcast_discrete_output:
            return idtype
        up = np.result_type(idtype, odtype).name
        return _ACC_UPCAST.get(up, up)

    def make_node(self, input: Any) -> Apply:
        inp = _as_tensor(input)
        ndim = inp.type.ndim
        axis = normalize_axis(self.axis, ndim, str(type(self).__name__))
        if axis is not None and len(axis) == ndim and self.axis is None:
            axis = None
        idtype = inp.type.dtype
        odtype = self._output_dtype(idtype)
        acc = self._acc_dtype(idtype, odtype)
        op = self
        changes = {}
        if axis != self.axis:
            changes["axis"] = axis
        if odtype != self.dtype and (
            self.dtype is not None or self.upcast_discrete_output
        ):
            changes["dtype"] = odtype
        if self.upcast_discrete_output and acc != self.acc_dtype:
            changes["acc_dtype"] = acc
        if changes:
            op = self.clone(**changes)
        red = set(range(ndim)) if axis is None else set(axis)
        shape = [s for d, s in enumerate(inp.type.shape) if d not in red]
        out = _tensor_type(odtype, shape)()
        return Apply(op, [inp], [out])

    # -- evaluation --------------------------------------------------------

    def perform(self, node, inputs, output_storage, params=None):
        (x,) = inputs
        odtype = node.outputs[0].type.dtype
        axis = self.axis
        acc = self.acc_dtype
        ufunc = self.ufunc
        if ufunc is None and self._fused_ufunc is not None:
            ufunc = self._fused_ufunc
            x = self._fused_pre(x)
        try:
            if ufunc is not None:
                try:
                    r = ufunc.reduce(x, axis=axis, dtype=acc)
                except (TypeError, ValueError) as err:
                    if x.size == 0 or "identity" in str(err):
                        raise
                    # Non-reorderable ufuncs reduce one axis at a time.
                    r = self._reduce_each(ufunc.reduce, x, axis, acc)
            else:
                f = np.frompyfunc(self.scalar_op.impl, 2, 1)
                r = self._reduce_each(f.reduce, x, axis, None)
        except ValueError as err:
            raise ValueError(
                f"{self} failed on an input of shape {np.shape(x)}: {err}"
            ) from err
        if type(r) is not np.ndarray or r.dtype != odtype:
            r = np.asarray(r, dtype=odtype)
        output_storage[0][0] = r

    @staticmethod
    def _reduce_each(reduce, x, axis, acc):
        axes = range(x.ndim) if axis is None else axis
        r = x if acc is None else x.astype(acc)
        for a in sorted(axes, reverse=True):
            r = reduce(r, axis=a) if acc is None else reduce(r, axis=a, dtype=acc)
        return r

    def infer_shape(self, fgraph, node, shapes):
        (ishape,) = shapes
        axis = self.axis
        if axis is None:
            return [()]
        return [tuple(s for d, s in enumerate(ishape) if d not in axis)]

    def _reduced_axes(self, ndim: int) -> tuple[int, ...]:
        return tuple(range(ndim)) if self.axis is None else tuple(self.axis)

    def _pad_to_input(self, v: Variable, ndim: int) -> Variable:
        """Re-insert the reduced axes of ``v`` as length-1 axes."""
        axes = self._reduced_axes(ndim)
        order: list[int | str] = []
        k = 0
        for d in range(ndim):
            if d in axes:
                order.append("x")
            else:
                order.append(k)
                k += 1
        return _dimshuffle(v, order)

    def L_op(self, inputs, outputs, output_grads):
        raise NotImplementedError(f"{self} does not implement L_op")

    def R_op(self, inputs, eval_points):
        raise NotImplementedError(f"{self} does not implement R_op")
