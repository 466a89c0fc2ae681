"""The core of the Numba translator.

:func:`numba_funcify` maps an op (and its node) to a function Numba can
compile in nopython mode; one ``register`` per op class, in the module of
the op's family. :func:`numba_const_convert` (alias :func:`numba_typify`)
turns a constant's data into the value passed to the compiled graph.
:func:`fgraph_to_numba` writes the Python source of a whole graph -- one
call per node, constants as arguments -- which the linker hands to
``numba.njit``.

A translation that cannot handle a particular node raises
:class:`NumbaTranslationMissing`; the graph builder then runs that node
through its ``perform`` inside ``numba.objmode`` (or refuses, when
``config.numba__fallback == "raise"``).
"""

from __future__ import annotations

import hashlib
import pickle
import threading
import warnings
from collections import OrderedDict
from collections.abc import Callable
from functools import singledispatch
from typing import Any

import numba
import numpy as np
from numba import types as nbtypes
from numba.np.numpy_support import from_dtype

from aesara.compile.ops import DeepCopyOp, ViewOp
from aesara.graph.basic import Apply, Constant, Variable
from aesara.graph.fg import FunctionGraph
from aesara.graph.op import Op
from aesara.graph.utils import MethodNotDefined
from aesara.link._python_codegen import compile_function_src
from aesara.scalar.basic import ScalarType
from aesara.tensor.type import TensorType

__all__ = [
    "NumbaTranslationMissing",
    "fgraph_to_numba",
    "get_numba_type",
    "numba_const_convert",
    "numba_funcify",
    "numba_njit",
    "numba_output_converter",
    "numba_type",
    "numba_typify",
]

# Numba's advice on generated code (``np.dot`` of a strided view...) is for
# this backend, not its users: silenced for the code it generates only.
warnings.filterwarnings(
    "ignore", category=numba.NumbaPerformanceWarning, module="<aesara-generated"
)

# The module named in the globals of every generated function: Numba's
# on-disk cache records it and re-imports it when it loads a function whose
# environment it needs (nopython code only reads it for error objects).
GENERATED_MODULE = __name__


#: Attribute of a node function holding a digest of everything its compiled
#: code depends on, for translations whose op has no usable ``__props__``.
NODE_CACHE_KEY_ATTR = "aesara_numba_cache_key"


class NumbaTranslationMissing(NotImplementedError):
    """Raised by a translation that cannot compile a node in nopython mode."""


def _fastmath_flags() -> bool | set:
    from aesara.configdefaults import config

    if not config.numba__fastmath:
        return False
    # Everything but the flags that assume no NaN or infinity: graphs test
    # for them (isnan, isinf, log(0)), and the Python backend keeps them.
    return {"arcp", "contract", "afn", "reassoc", "nsz"}


def numba_njit(fn: Callable | None = None, **kwargs: Any):
    """``numba.njit`` with the backend's defaults.

    NumPy's error model (integer division by zero gives 0, float division
    gives inf/NaN, no exception) and the ``numba__fastmath`` flag's safe
    subset of fast-math; ``kwargs`` override them.
    """
    options = {"error_model": "numpy", "fastmath": _fastmath_flags()}
    options.update(kwargs)
    if fn is None:
        return lambda f: numba.njit(**options)(f)
    return numba.njit(**options)(fn)


@singledispatch
def numba_type(aesara_type: Any, layout: str = "A") -> nbtypes.Type:
    """The Numba type of the values of ``aesara_type``.

    Tensors are arrays (0-d for scalars) of the given ``layout``; scalar
    types are Numba scalars; other type classes may register their own
    (sparse matrices: :mod:`aesara.link.numba.dispatch.sparse`). Types
    without one: :class:`TypeError`.
    """
    raise TypeError(f"The Numba backend has no representation for {aesara_type}")


@numba_type.register(TensorType)
def _numba_type_tensor(aesara_type: TensorType, layout: str = "A") -> nbtypes.Type:
    dtype = from_dtype(np.dtype(aesara_type.dtype))
    return nbtypes.Array(dtype, aesara_type.ndim, layout)


@numba_type.register(ScalarType)
def _numba_type_scalar(aesara_type: ScalarType, layout: str = "A") -> nbtypes.Type:
    return from_dtype(np.dtype(aesara_type.dtype))


def has_numba_type(aesara_type: Any) -> bool:
    """Whether values of ``aesara_type`` can live inside a compiled graph.

    Those :func:`numba_type` knows, of every dtype but ``float16`` (which
    Numba lacks).
    """
    if getattr(aesara_type, "dtype", None) == "float16":
        return False
    try:
        numba_type(aesara_type)
    except (TypeError, NotImplementedError):
        return False
    return True


@singledispatch
def numba_const_convert(data: Any, type: Any = None, **kwargs: Any) -> Any:
    """The value passed to the compiled graph for a constant's ``data``.

    Tensor constants become arrays of the type's dtype, scalar constants
    NumPy scalars; a registration per data class may override this.
    """
    if isinstance(type, TensorType):
        return np.asarray(data, dtype=type.dtype)
    if isinstance(type, ScalarType):
        return np.dtype(type.dtype).type(data)
    return data


numba_typify = numba_const_convert


@singledispatch
def numba_funcify(op: Any, node: Apply | None = None, **kwargs: Any) -> Callable:
    """A Numba-compilable function computing ``node`` (or a whole graph).

    The function takes the node's inputs positionally and returns its only
    output, or a tuple of outputs. The default has no translation:
    :class:`NumbaTranslationMissing`.
    """
    raise NumbaTranslationMissing(
        f"No Numba translation for {type(op).__name__} ({op})"
    )


def numba_basic_op(op: Op) -> str:
    """A short label naming ``op`` in messages."""
    return f"{type(op).__name__} ({op})"


class WithLifted:
    """A node function that takes ``values`` after the node's inputs.

    Translations lift the constants of an op's own structure (those fusion
    puts in a ``Composite``) into arguments; the graph passes them like the
    graph's constants, so they stay out of the source and the cache key,
    and nodes differing only in those values share one compiled function.
    Calling the object from Python passes them itself.
    """

    __slots__ = ("fn", "values")

    def __init__(self, fn: Callable, values: list):
        self.fn = fn
        self.values = list(values)

    def __call__(self, *args):
        return self.fn(*args, *self.values)


def with_lifted(fn: Callable, lifted: list) -> Callable:
    """``fn`` taking the values ``lifted`` after the node's inputs (see :class:`WithLifted`)."""
    if not lifted:
        return fn
    return WithLifted(fn, lifted)


# ---------------------------------------------------------------------------
# Object-mode fallback
# ---------------------------------------------------------------------------


def _output_converter(var: Variable) -> Callable:
    return numba_output_converter(var.type)


@singledispatch
def numba_output_converter(t: Any) -> Callable:
    """A function making a ``perform`` result of type ``t`` match its Numba type.

    Used by the object-mode fallback, whose results nopython code reads
    with the exact declared type; type classes may register their own.
    """
    if isinstance(t, TensorType):
        dtype = np.dtype(t.dtype)

        def conv(v):
            if type(v) is np.ndarray and v.dtype == dtype:
                return v
            return np.asarray(v, dtype=dtype)

        return conv
    dtype = np.dtype(t.dtype)
    return dtype.type


def object_mode_fn(node: Apply, passed: list[int]) -> Callable:
    """A nopython function running ``node.op.perform`` in ``numba.objmode``.

    ``passed`` lists the input positions the compiled code passes in; the
    other inputs are constants bound here, on the Python side.
    """
    for v in node.outputs:
        if not has_numba_type(v.type):
            raise NumbaTranslationMissing(
                f"{numba_basic_op(node.op)} returns {v.type}, which the Numba "
                "backend cannot represent"
            )
    op = node.op
    n_out = len(node.outputs)
    try:
        params = node.run_params()
        has_params = True
    except MethodNotDefined:
        params = None
        has_params = False
    fixed = {i: v.data for i, v in enumerate(node.inputs) if i not in passed}
    n_in = len(node.inputs)
    convert = [_output_converter(v) for v in node.outputs]

    def run_perform(*args):
        values = list(args)
        inputs = []
        for i in range(n_in):
            inputs.append(fixed[i] if i in fixed else values.pop(0))
        storage = [[None] for _ in range(n_out)]
        if has_params:
            op.perform(node, inputs, storage, params)
        else:
            op.perform(node, inputs, storage)
        return tuple(c(cell[0]) for c, cell in zip(convert, storage))

    # No ``__name__``: object-mode code looks names up in these very globals
    # (a module name would make Numba read that module's instead), and a
    # graph with object-mode nodes is never cached anyway.
    env = {"numba": numba, "run_perform": run_perform}
    args = ", ".join(f"a{i}" for i in range(len(passed)))
    outs = ", ".join(f"r{k}" for k in range(n_out))
    decl = []
    for k, v in enumerate(node.outputs):
        env[f"T{k}"] = numba_type(v.type)
        decl.append(f"r{k}=T{k}")
    ret = "r0" if n_out == 1 else f"({outs},)"
    src = (
        f"def object_mode_{type(op).__name__}({args}):\n"
        f"    with numba.objmode({', '.join(decl)}):\n"
        f"        ({outs},) = run_perform({args})\n"
        f"    return {ret}\n"
    )
    fn = compile_function_src(src, f"object_mode_{type(op).__name__}", env)
    return numba_njit(fn)


# ---------------------------------------------------------------------------
# Whole graphs
# ---------------------------------------------------------------------------


class GraphFunction:
    """What :func:`fgraph_to_numba` builds.

    Attributes
    ----------
    py_fn
        The generated Python function (graph inputs, then constants).
    constants
        The constant values passed after the graph inputs, in order.
    fallback_ops
        Labels of the nodes run in object mode.
    key
        A digest of everything the compiled code depends on (``None`` when
        the graph cannot be cached: object-mode nodes or baked values).
    source
        The generated source.
    """

    def __init__(self, py_fn, constants, fallback_ops, key, source):
        self.py_fn = py_fn
        self.constants = constants
        self.fallback_ops = fallback_ops
        self.key = key
        self.source = source


def _describe_type(t: Any) -> str:
    if isinstance(t, TensorType):
        fmt = getattr(t, "format", None)
        if fmt is not None:  # sparse matrices: the format shapes the code
            return f"T({t.dtype},{t.shape},{fmt})"
        return f"T({t.dtype},{t.shape})"
    if isinstance(t, ScalarType):
        return f"S({t.dtype})"
    return repr(t)


def _describe_value(value: Any) -> bytes:
    """A stable, address-free description of an op property's value."""
    if isinstance(value, Op):
        return _describe_op(value)
    if isinstance(value, (TensorType, ScalarType)):
        return _describe_type(value).encode()
    if isinstance(value, (tuple, list)):
        inner = b",".join(_describe_value(v) for v in value)
        return b"(" + inner + b")"
    if isinstance(value, dict):
        items = sorted(value.items(), key=lambda kv: repr(kv[0]))
        return b"{" + b",".join(_describe_value(kv) for kv in items) + b"}"
    if isinstance(value, np.ndarray):
        return f"a{value.dtype}{value.shape}".encode() + value.tobytes()
    if isinstance(value, type):
        return f"{value.__module__}.{value.__qualname__}".encode()
    if value is None or isinstance(value, (bool, int, float, complex, str, bytes)):
        return repr(value).encode()
    if isinstance(value, (np.generic, slice)):
        return repr(value).encode()
    # Anything else is described by its pickled state; failing that the
    # graph is not cached (a repr may hold an address).
    try:
        return pickle.dumps(value, protocol=4)
    except Exception as e:
        raise _Uncacheable(str(e)) from e


class _Uncacheable(Exception):
    """A node whose description cannot be made stable."""


def _describe_composite(op) -> bytes:
    """The inner graph of a ``Composite``: ops, wiring, types and constants."""
    fg = op.fgraph
    ref = {v: f"i{k}" for k, v in enumerate(fg.inputs)}
    parts = [b";".join(_describe_type(v.type).encode() for v in fg.inputs)]
    for n, node in enumerate(fg.toposort()):
        args = []
        for v in node.inputs:
            if v in ref:
                args.append(ref[v].encode())
            else:
                # Constants are lifted into arguments by the translations
                # (see ``with_lifted``): only their dtype shapes the code.
                args.append(f"c{v.type.dtype}".encode())
        outs = []
        for k, v in enumerate(node.outputs):
            ref[v] = f"n{n}_{k}"
            outs.append(_describe_type(v.type).encode())
        parts.append(
            _describe_op(node.op) + b"(" + b",".join(args) + b")->" + b";".join(outs)
        )
    out_refs = []
    for v in fg.outputs:
        if v in ref:
            out_refs.append(ref[v].encode())
        else:
            out_refs.append(f"c{v.type.dtype}".encode())
    parts.append(b"out " + b",".join(out_refs))
    return b"{" + b"|".join(parts) + b"}"


def _describe_op(op: Op) -> bytes:
    """A stable description of an op: its class and ``__props__`` values.

    Scalar ops without ``__props__`` are described by their plain
    attributes (``o_type`` of a cast, the bounds of ``InRange``...).
    """
    from aesara.scalar._composite import Composite
    from aesara.scalar.basic import ScalarOp

    cls = type(op)
    head = f"{cls.__module__}.{cls.__qualname__}".encode()
    if isinstance(op, Composite):
        return head + _describe_composite(op)
    props = getattr(cls, "__props__", None)
    if isinstance(op, ScalarOp):
        items = []
        for name, value in sorted(vars(op).items()):
            if name.startswith("_") or callable(value) and not isinstance(value, type):
                continue
            items.append(name.encode() + b"=" + _describe_value(value))
        if props:
            items.extend(_describe_value(getattr(op, p)) for p in props)
        return head + b"|" + b"|".join(items)
    if props is None:
        raise _Uncacheable(f"{cls.__name__} has no __props__")
    return head + b"|" + b"|".join(_describe_value(getattr(op, p)) for p in props)


def fgraph_to_numba(
    fgraph: FunctionGraph,
    order: list[Apply] | None = None,
    fallback: str = "warn",
    function_name: str = "numba_graph",
) -> GraphFunction:
    """Write ``fgraph`` as one Python function calling one jitted function per node.

    The function takes the graph's inputs and then its constants (so the
    source, and the cache key, do not depend on constant values) and
    returns a tuple of the graph's outputs. Nodes without a translation
    are run in object mode, or raise :class:`NumbaTranslationMissing` when
    ``fallback == "raise"``.
    """
    if order is None:
        order = fgraph.toposort()
    env: dict[str, Any] = {"__name__": GENERATED_MODULE}
    names: dict[Variable, str] = {}
    args = []
    for k, v in enumerate(fgraph.inputs):
        names[v] = f"i{k}"
        args.append(names[v])
    const_values: list[Any] = []
    const_names: list[str] = []
    key_parts: list[bytes] = [
        b"graph",
        ";".join(_describe_type(v.type) for v in fgraph.inputs).encode(),
    ]
    cacheable = True

    def const_name(c: Constant) -> str:
        if c not in names:
            names[c] = f"c{len(const_names)}"
            const_names.append(names[c])
            const_values.append(numba_const_convert(c.data, c.type))
        return names[c]

    fallback_ops: list[str] = []
    lines = []
    # Where each variable comes from, for the cache key: "i<k>" or "n<n>_<k>".
    index = {v: f"i{k}" for k, v in enumerate(fgraph.inputs)}
    for n, node in enumerate(order):
        passable = [
            i
            for i, v in enumerate(node.inputs)
            if not isinstance(v, Constant) or has_numba_type(v.type) or v.data is None
        ]
        fn = None
        reason = None
        # The op inside an inner graph (Scan's) that has no translation.
        culprit = None
        if len(passable) == len(node.inputs):
            try:
                fn = numba_funcify(node.op, node=node)
            except NumbaTranslationMissing as e:
                reason = str(e)
                culprit = getattr(e, "culprit", None)
        else:
            reason = f"{numba_basic_op(node.op)} has a constant input of a type Numba cannot represent"
        if fn is None:
            if fallback == "raise":
                err = NumbaTranslationMissing(
                    f"The Numba backend cannot compile {numba_basic_op(node.op)} in "
                    f"nopython mode: {reason}. Set config.numba__fallback='warn' to "
                    "run it in object mode."
                )
                err.culprit = culprit or numba_basic_op(node.op)
                err.reason = reason
                raise err
            # Constants other than tensors and scalars (slices...) stay on the
            # Python side: Numba cannot hand them back to object mode.
            passable = [
                i
                for i in passable
                if not isinstance(node.inputs[i], Constant)
                or isinstance(node.inputs[i].type, (TensorType, ScalarType))
                or node.inputs[i].data is None
            ]
            fn = object_mode_fn(node, passable)
            label = numba_basic_op(node.op)
            if culprit:
                label = f"{label} (its inner graph holds {culprit})"
            fallback_ops.append(label)
            cacheable = False
        lifted_values: list = []
        if isinstance(fn, WithLifted):
            fn, lifted_values = fn.fn, fn.values
        fn_name = f"n{n}_{type(node.op).__name__}"
        env[fn_name] = fn
        call_args = []
        arg_keys = []
        for i in passable:
            v = node.inputs[i]
            if isinstance(v, Constant):
                call_args.append(const_name(v))
                arg_keys.append(f"c:{_describe_type(v.type)}")
            else:
                call_args.append(names[v])
                arg_keys.append(index[v])
        for value in lifted_values:
            name = f"c{len(const_names)}"
            const_names.append(name)
            const_values.append(value)
            call_args.append(name)
            arg_keys.append(f"L:{np.asarray(value).dtype}")
        outs = []
        for k, v in enumerate(node.outputs):
            names[v] = f"v{n}_{k}"
            index[v] = f"n{n}_{k}"
            outs.append(names[v])
        lhs = outs[0] if len(outs) == 1 else ", ".join(outs)
        lines.append(f"    {lhs} = {fn_name}({', '.join(call_args)})")
        # Ops with an inner graph (Scan) describe themselves through the
        # function they translate to (``NODE_CACHE_KEY_ATTR``).
        own_key = getattr(fn, NODE_CACHE_KEY_ATTR, None)
        if own_key is not None:
            key_parts.append(b"own:" + own_key.encode())
        else:
            try:
                key_parts.append(_describe_op(node.op))
            except _Uncacheable:
                cacheable = False
        key_parts.append(",".join(arg_keys).encode())
        key_parts.append(
            ";".join(_describe_type(v.type) for v in node.outputs).encode()
        )
    results = []
    for v in fgraph.outputs:
        if isinstance(v, Constant):
            results.append(const_name(v))
            key_parts.append(f"out c:{_describe_type(v.type)}".encode())
        else:
            results.append(names[v])
            key_parts.append(f"out {index[v]}".encode())
    all_args = args + const_names
    src = f"def {function_name}({', '.join(all_args)}):\n"
    src += "\n".join(lines) + ("\n" if lines else "")
    src += f"    return ({', '.join(results)}{',' if results else ''})\n"
    py_fn = compile_function_src(src, function_name, env)
    key = None
    if cacheable:
        h = hashlib.sha256()
        for part in key_parts:
            h.update(len(part).to_bytes(8, "little"))
            h.update(part)
        h.update(src.encode())
        key = h.hexdigest()
    return GraphFunction(py_fn, const_values, fallback_ops, key, src)


# ---------------------------------------------------------------------------
# Simple ops
# ---------------------------------------------------------------------------


# Node functions by source and globals: a node seen again (in this graph or
# another) reuses the dispatcher, and so the machine code Numba compiled
# for it, instead of compiling it again.
_NODE_FUNCTIONS: OrderedDict = OrderedDict()
_NODE_FUNCTIONS_MAX = 4096
_NODE_FUNCTIONS_LOCK = threading.Lock()


def _env_key(env: dict) -> tuple:
    items = []
    for k, v in sorted(env.items()):
        if isinstance(v, (np.generic, str, int, float, bool)) or v is None:
            items.append((k, type(v).__name__, repr(v)))
        else:
            # Modules, classes, functions: the object itself (kept alive
            # by the memo entry, so its identity cannot be reused).
            items.append((k, "obj", id(v)))
    return tuple(items)


def _single_output_fn(src: str, name: str, env: dict | None = None) -> Callable:
    """Compile the source of a node function and jit it (memoized)."""
    g = {"np": np, "numba": numba, "__name__": GENERATED_MODULE}
    if env:
        g.update(env)
    key = (src, name, _fastmath_flags_key(), _env_key(env or {}))
    with _NODE_FUNCTIONS_LOCK:
        hit = _NODE_FUNCTIONS.get(key)
        if hit is not None:
            _NODE_FUNCTIONS.move_to_end(key)
            return hit[0]
    fn = numba_njit(compile_function_src(src, name, g))
    with _NODE_FUNCTIONS_LOCK:
        _NODE_FUNCTIONS[key] = (fn, dict(env or {}))
        while len(_NODE_FUNCTIONS) > _NODE_FUNCTIONS_MAX:
            _NODE_FUNCTIONS.popitem(last=False)
    return fn


def _fastmath_flags_key() -> str:
    flags = _fastmath_flags()
    return repr(sorted(flags)) if isinstance(flags, set) else repr(flags)


def view_expr(x: str, axes: list) -> str:
    """Source of a view of array ``x`` whose axis ``k`` is ``x``'s axis ``axes[k]``.

    An entry ``"x"`` inserts an axis of length 1; axes of ``x`` not listed
    are dropped (they must have length 1). Built with one ``as_strided``
    call: Numba compiles ``transpose`` with a permutation, ``np.transpose``
    and ``expand_dims`` far more slowly.
    """
    shape = [("1" if a == "x" else f"{x}.shape[{a}]") for a in axes]
    strides = [("0" if a == "x" else f"{x}.strides[{a}]") for a in axes]

    def tup(items):
        if not items:
            return "()"
        return "(" + ", ".join(items) + ("," if len(items) == 1 else "") + ")"

    return (
        f"np.lib.stride_tricks.as_strided({x}, shape={tup(shape)}, "
        f"strides={tup(strides)})"
    )


@numba_funcify.register(DeepCopyOp)
def numba_funcify_DeepCopyOp(op, node=None, **kwargs):
    if isinstance(node.inputs[0].type, TensorType):
        return _single_output_fn(
            "def deep_copy(x):\n    return x.copy()\n", "deep_copy"
        )
    if isinstance(node.inputs[0].type, ScalarType):
        return _single_output_fn("def deep_copy(x):\n    return x\n", "deep_copy")
    raise NumbaTranslationMissing(f"DeepCopyOp of {node.inputs[0].type}")


@numba_funcify.register(ViewOp)
def numba_funcify_ViewOp(op, node=None, **kwargs):
    return _single_output_fn("def view(x):\n    return x\n", "view")


def get_numba_type(
    aesara_type: Any,
    layout: str = "A",
    force_scalar: bool = False,
    reduce_to_scalar: bool = False,
) -> nbtypes.Type:
    """The Numba type of ``aesara_type`` (Aesara's name and options).

    ``force_scalar`` gives the dtype's scalar type for any tensor;
    ``reduce_to_scalar`` does so for 0-d tensors only.
    """
    if isinstance(aesara_type, TensorType) and (
        force_scalar or (reduce_to_scalar and aesara_type.ndim == 0)
    ):
        return from_dtype(np.dtype(aesara_type.dtype))
    return numba_type(aesara_type, layout)


@numba_funcify.register(FunctionGraph)
def numba_funcify_FunctionGraph(
    fgraph, node=None, fgraph_name="numba_funcified_fgraph", **kwargs
):
    """A Python function of the graph's inputs returning its outputs, for ``numba.njit``.

    The constants are bound as globals of a small wrapper (frozen by Numba
    when it compiles it); :class:`~aesara.link.numba.linker.NumbaLinker`
    passes them as arguments instead.
    """
    from aesara.configdefaults import config

    graph = fgraph_to_numba(fgraph, fallback=config.numba__fallback)
    env: dict[str, Any] = {"graph_fn": numba_njit(graph.py_fn)}
    const_names = []
    for k, value in enumerate(graph.constants):
        env[f"K{k}"] = value
        const_names.append(f"K{k}")
    args = [f"i{k}" for k in range(len(fgraph.inputs))]
    src = f"def {fgraph_name}({', '.join(args)}):\n"
    src += f"    return graph_fn({', '.join(args + const_names)})\n"
    return compile_function_src(src, fgraph_name, env)
