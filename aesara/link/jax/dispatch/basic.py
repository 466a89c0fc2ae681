"""The translation registry of the JAX backend and the graph-level translation.

:func:`jax_funcify` turns an op (given its node) into a function over JAX
arrays; :func:`jax_typify` turns a constant's or an input's Python value
into what that function receives. Both are ``functools.singledispatch``
functions keyed on the class of their first argument; each op family
registers its translations in its own module of this package.

Translating a whole :class:`~aesara.graph.fg.FunctionGraph` gives one Python
function calling the node translations in order. Two things happen while
JAX traces it:

* **Static values.** Some inputs of some ops must be known when the graph
  is traced (a reshape's target shape, an allocation's sizes, a slice's
  bounds...): :func:`jax_static_inputs` names them per op. The variables
  feeding them are worked out before tracing (:func:`static_variables`);
  nodes computing such values run through their NumPy ``perform`` on
  concrete values, shapes of traced arrays are concrete, and graph inputs
  that end up in such positions are passed to ``jax.jit`` as static
  arguments. A static value that depends on traced data is an error naming
  the variable.
* **Errors name the node.** An exception raised while a node is traced is
  re-raised with the node, its op and the user's line that built it.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from functools import singledispatch
from typing import Any

import numpy as np

from aesara.graph.basic import Apply, Variable
from aesara.graph.fg import FunctionGraph
from aesara.graph.utils import format_user_location

__all__ = [
    "JAXTranslationError",
    "jax_funcify",
    "jax_needs_checks",
    "jax_static_inputs",
    "jax_typify",
    "register_static_op",
    "static_variables",
]


def _jax():
    import jax

    return jax


class JAXTranslationError(NotImplementedError):
    """An op (or a use of it) that the JAX backend cannot translate."""


def _where_built(var: Variable | None) -> str:
    if var is None:
        return ""
    loc = format_user_location(var)
    return f"\nThe node was built at:\n{loc}" if loc else ""


def _node_location(node: Apply | None) -> str:
    if node is None:
        return ""
    for out in node.outputs:
        text = _where_built(out)
        if text:
            return text
    return ""


@singledispatch
def jax_typify(data: Any, dtype: Any = None, **kwargs) -> Any:
    """Convert a constant's or an input's value for the translated function.

    NumPy arrays and scalars are kept as they are (JAX takes them, and a
    NumPy value stays usable as a static value); others are returned as is.
    """
    return data


@jax_typify.register(np.ndarray)
def _typify_ndarray(data, dtype=None, **kwargs):
    if dtype is not None and data.dtype != np.dtype(dtype):
        return data.astype(dtype)
    return data


@singledispatch
def jax_funcify(op: Any, node: Apply | None = None, **kwargs) -> Callable:
    """Return a function computing ``node`` (an application of ``op``) with JAX.

    The function takes the node's input values positionally and returns
    the output value, or a tuple of them for a node with several outputs.

    Raises
    ------
    JAXTranslationError
        When the op has no JAX translation (there is no fallback to its
        Python ``perform``: JAX cannot call NumPy code inside a compiled
        function).
    """
    name = type(op).__name__
    raise JAXTranslationError(
        f"No JAX translation for the op {op} (class {type(op).__module__}.{name}); "
        f"it cannot run in mode='JAX'. Use another mode for this graph, or "
        f"register one with aesara.link.jax.dispatch.jax_funcify.register({name})."
        + _node_location(node)
    )


@singledispatch
def jax_static_inputs(op: Any, node: Apply) -> Sequence[int]:
    """Positions of ``node``'s inputs that must be known when JAX traces it.

    These are values that decide an output's shape (sizes, slice bounds,
    target shapes...). The default is none.
    """
    return ()


@singledispatch
def jax_needs_checks(op: Any) -> bool:
    """Whether ``op``'s translation makes run-time checks (``checkify.check``).

    A graph with such a node is compiled under ``jax.experimental.checkify``,
    and a failed check raises the exception the op documents.
    """
    return False


def graph_needs_checks(order: Sequence[Apply]) -> bool:
    """Whether any node of ``order`` makes run-time checks."""
    return any(jax_needs_checks(node.op) for node in order)


def _is_shape_of_input(node: Apply) -> bool:
    """Whether the node's outputs depend only on its inputs' shapes."""
    from aesara.tensor.shape import Shape, Shape_i

    return isinstance(node.op, (Shape, Shape_i))


def static_variables(fgraph: FunctionGraph, order: Sequence[Apply]) -> set:
    """The variables of ``fgraph`` whose values must be known at trace time.

    Starts from the inputs named by :func:`jax_static_inputs` and follows
    them back through the nodes computing them; a node reading only shapes
    (``Shape``, ``Shape_i``) stops the walk, since shapes are known when JAX
    traces.
    """
    return set(static_requirements(fgraph, order))


def static_requirements(fgraph: FunctionGraph, order: Sequence[Apply]) -> dict:
    """``{variable: the node whose static input needs it}`` (see :func:`static_variables`)."""
    needed: dict = {}
    stack: list = []
    for node in order:
        for k in jax_static_inputs(node.op, node):
            stack.append((node.inputs[k], node))
    while stack:
        var, user = stack.pop()
        if var in needed:
            continue
        needed[var] = user
        owner = var.owner
        if owner is None or _is_shape_of_input(owner):
            continue
        stack.extend((inp, user) for inp in owner.inputs)
    return needed


def check_static_inputs(fgraph: FunctionGraph, needed: dict) -> list[int]:
    """Positions of the graph inputs passed to ``jax.jit`` as static arguments.

    Only scalars and integer (or boolean) vectors may be: they are sizes,
    compiled once per distinct value. A data array (a float vector, or a
    tensor of rank 2 or more) that decides a shape is an error naming it.
    """
    from aesara.tensor.type import TensorType

    positions = []
    for k, var in enumerate(fgraph.inputs):
        if var not in needed:
            continue
        t = var.type
        shape_like = isinstance(t, TensorType) and (
            t.ndim == 0 or (t.ndim == 1 and t.dtype[0] in "iub")
        )
        if not shape_like:
            user = needed[var]
            what = "a data array" if isinstance(t, TensorType) else "not an integer"
            raise JAXTranslationError(
                f"The input {_describe_var(var)} decides the shape of a result of "
                f"{user.op} (a shape, size, bound or count JAX must know when it "
                f"compiles the graph), but it is {what}. JAX cannot compile "
                "shapes that depend on data: compute this from shapes or integer "
                "inputs, or use another mode for this graph." + _node_location(user)
            )
        positions.append(k)
    return positions


class DynamicLengthArray:
    """The trace of a while-loop, whose length is known only at run time.

    ``values`` has the largest possible length; its first ``length`` (a
    traced integer) entries are the trace. Inside the translated function
    only ``Shape``/``Shape_i`` and integer indexing of the first axis take
    it (which is how ``outputs[-1]`` reads the last value); the Scan
    translation checks that before it returns one.
    """

    __slots__ = ("values", "length")

    def __init__(self, values: Any, length: Any):
        self.values = values
        self.length = length


def _is_concrete(value: Any) -> bool:
    jax = _jax()
    return not isinstance(value, jax.core.Tracer)


def _describe_var(var: Variable) -> str:
    name = var.name or str(var)
    return f"{name!r} (type {var.type})"


def _static_node_fn(node: Apply, translated: Callable | None = None) -> Callable:
    """Compute a node whose outputs are needed as static values, on NumPy values."""
    from aesara.link.utils import py_perform_fn

    if _is_shape_of_input(node) and translated is not None:
        return translated
    perform = py_perform_fn(node.op, node)

    def static_fn(*values):
        for var, value in zip(node.inputs, values):
            if not _is_concrete(value):
                out = node.outputs[0]
                raise JAXTranslationError(
                    f"The value of {_describe_var(out)}, computed by {node.op}, decides "
                    f"the shape of another value, so JAX must know it when it compiles "
                    f"the graph; but it depends on the data of {_describe_var(var)}. "
                    "Compute it from shapes or constants only, or pass it as an input "
                    "of the function (inputs used as shapes are compiled once per "
                    "distinct value)." + _where_built(out)
                )
        jax = _jax()
        values = [np.asarray(v) if isinstance(v, jax.Array) else v for v in values]
        return perform(*values)

    static_fn.__name__ = f"static_{type(node.op).__name__}"
    return static_fn


def register_static_op(cls: type) -> None:
    """Run ``cls`` through its NumPy ``perform`` on values known at trace time.

    For ops whose output shape depends on their input values (``nonzero``,
    ``unique``...): every input becomes a static value, so the op runs when
    JAX traces (on constants, shapes or integer inputs) and an input that
    depends on traced data is an error naming it.
    """

    @jax_static_inputs.register(cls)
    def _all_static(op, node):
        return tuple(range(len(node.inputs)))

    @jax_funcify.register(cls)
    def _on_static_values(op, node=None, **kwargs):
        return _static_node_fn(node)


def _tracing_errors() -> tuple:
    """JAX's errors for a value it must know when tracing but cannot."""
    errors = _jax().errors
    names = (
        "ConcretizationTypeError",
        "NonConcreteBooleanIndexError",
        "TracerArrayConversionError",
        "TracerBoolConversionError",
        "TracerIntegerConversionError",
    )
    return tuple(getattr(errors, n) for n in names if hasattr(errors, n))


def _annotated(node: Apply, fn: Callable) -> Callable:
    """Wrap ``fn`` so that an error raised while tracing names the node.

    JAX's "this value must be concrete" errors become a
    :class:`JAXTranslationError`; other errors (bad shapes, bad values...)
    keep their type and get the node and the user's line added.
    """

    def traced(*values):
        try:
            return fn(*values)
        except JAXTranslationError:
            raise
        except _tracing_errors() as e:
            raise JAXTranslationError(
                f"JAX cannot compile the node {node} (op {node.op}): it needs a value "
                "when it compiles the graph (a shape, a bound, a mask, a count...) "
                "that depends on the function's data.\n"
                f"{type(e).__name__}: {str(e).splitlines()[0] if str(e) else ''}"
                + _node_location(node)
            ) from e
        except NotImplementedError as e:
            raise JAXTranslationError(
                f"JAX cannot compute the node {node} (op {node.op}): {e}"
                + _node_location(node)
            ) from e
        except Exception as e:
            detail = f"\nApply node that caused the error: {node}" + _node_location(
                node
            )
            try:
                if e.args and isinstance(e.args[0], str):
                    e.args = (e.args[0] + detail, *e.args[1:])
                else:
                    e.args = (*e.args, detail)
            except Exception:  # pragma: no cover - read-only args
                pass
            raise

    traced.__name__ = getattr(fn, "__name__", "node_fn")
    traced.__wrapped__ = fn
    return traced


def fgraph_to_jax(
    fgraph: FunctionGraph,
    order: Sequence[Apply] | None = None,
    static: set | None = None,
    fgraph_name: str = "jax_funcified_fgraph",
    **kwargs,
) -> Callable:
    """Translate ``fgraph`` into one Python function over JAX values."""
    from aesara.link.jax.dispatch.sparse import reject_sparse
    from aesara.link.utils import fgraph_to_python

    # Sparse matrices have no JAX values: refuse them with one clear error.
    reject_sparse(fgraph)
    if order is None:
        order = fgraph.toposort()
    if static is None:
        static = static_variables(fgraph, order)
    kwargs.pop("storage_map", None)
    kwargs.pop("input_storage", None)
    kwargs.pop("output_storage", None)

    def convert(op, node=None, **kw):
        if any(o in static for o in node.outputs):
            translated = None
            if _is_shape_of_input(node):
                translated = jax_funcify(op, node=node, **kw)
            return _static_node_fn(node, translated)
        return _annotated(node, jax_funcify(op, node=node, fgraph=fgraph, **kw))

    def typify(value, variable=None, **kw):
        dtype = getattr(getattr(variable, "type", None), "dtype", None)
        return jax_typify(value, dtype=dtype)

    return fgraph_to_python(
        fgraph,
        convert,
        type_conversion_fn=typify,
        order=order,
        fgraph_name=fgraph_name,
        **kwargs,
    )


@jax_funcify.register(FunctionGraph)
def jax_funcify_FunctionGraph(
    fgraph: FunctionGraph, node=None, fgraph_name="jax_funcified_fgraph", **kwargs
):
    """A function computing every output of ``fgraph`` (returned as a tuple)."""
    return fgraph_to_jax(fgraph, fgraph_name=fgraph_name, **kwargs)


# ---------------------------------------------------------------------------
# Small ops that belong to no tensor family
# ---------------------------------------------------------------------------


def _register_basic():
    from aesara.compile.ops import DeepCopyOp, ViewOp
    from aesara.gradient import _GradIdentity
    from aesara.ifelse import IfElse
    from aesara.raise_op import CheckAndRaise

    @jax_funcify.register(DeepCopyOp)
    def _deepcopy(op, node=None, **kwargs):
        # JAX arrays are immutable: a copy is the value itself.
        def deepcopyop(x):
            return x

        return deepcopyop

    @jax_funcify.register(ViewOp)
    @jax_funcify.register(_GradIdentity)
    def _view(op, node=None, **kwargs):
        def viewop(x):
            return x

        return viewop

    @jax_funcify.register(IfElse)
    def _ifelse(op, node=None, **kwargs):
        jax = _jax()
        n_outs = op.n_outs
        out_dtypes = [o.type.dtype for o in node.outputs]

        def ifelse(cond, *values):
            then_vals = values[:n_outs]
            else_vals = values[n_outs:]
            # ``lax.cond`` needs both branches to give the same types; the
            # node's output types are the common ones.
            then_vals = tuple(
                jax.numpy.asarray(v, dtype=d) for v, d in zip(then_vals, out_dtypes)
            )
            else_vals = tuple(
                jax.numpy.asarray(v, dtype=d) for v, d in zip(else_vals, out_dtypes)
            )
            res = jax.lax.cond(
                jax.numpy.asarray(cond) != 0,
                lambda: then_vals,
                lambda: else_vals,
            )
            return res if n_outs > 1 else res[0]

        return ifelse

    jax_needs_checks.register(CheckAndRaise)(lambda op: True)

    from aesara.compile.builders import OpFromGraph
    from aesara.printing import Print

    @jax_funcify.register(OpFromGraph)
    def _op_from_graph(op, node=None, **kwargs):
        inner = fgraph_to_jax(op.fgraph, fgraph_name="jax_op_from_graph")
        n_out = len(op.fgraph.outputs)

        def op_from_graph(*values):
            res = inner(*values)
            return res[0] if n_out == 1 else tuple(res)

        return op_from_graph

    @jax_funcify.register(Print)
    def _print(op, node=None, **kwargs):
        import numpy as _np

        jax = _jax()

        def show(value):
            op.global_fn(op, _np.asarray(value))

        def print_op(x):
            # Printed by the host when the compiled function runs.
            jax.debug.callback(show, x, ordered=True)
            return x

        return print_op

    @jax_funcify.register(CheckAndRaise)
    def _check_and_raise(op, node=None, **kwargs):
        from jax.experimental import checkify

        jnp = _jax().numpy
        tag = register_check(op, node)

        def check_and_raise(value, *conds):
            for cond in conds:
                checkify.check(jnp.all(jnp.asarray(cond) != 0), tag)
            return value

        return check_and_raise


# ---------------------------------------------------------------------------
# Run-time checks: each CheckAndRaise gets a tag that its checkify message
# carries, so that the linker can raise the op's own exception.
# ---------------------------------------------------------------------------

_CHECK_PREFIX = "aesara-jax-check#"
_checks: dict[str, tuple[type, str]] = {}
_check_tags: dict[tuple[type, str], str] = {}


def register_check(
    op, node: Apply | None, exc_type: type | None = None, msg: str | None = None
) -> str:
    """A message tag for a check of ``op``, mapped back by :func:`raise_check`.

    The check raises ``exc_type(msg)`` (by default the op's ``exc_type`` and
    ``msg``, as ``CheckAndRaise`` has them).
    """
    key = (
        exc_type or op.exc_type,
        op.msg if msg is None else msg,
    )
    tag = _check_tags.get(key)
    if tag is None:
        tag = f"{_CHECK_PREFIX}{len(_checks)}#"
        _checks[tag] = key
        _check_tags[key] = tag
    return tag


def raise_check(message: str) -> None:
    """Raise the exception of the check whose tag starts ``message`` (if any)."""
    start = message.find(_CHECK_PREFIX)
    if start < 0:
        return
    end = message.find("#", start + len(_CHECK_PREFIX)) + 1
    entry = _checks.get(message[start:end])
    if entry is None:
        return
    exc_type, msg = entry
    raise exc_type(msg)


_register_basic()
