"""Helpers shared by the linkers: storage allocation, garbage-collection
bookkeeping, thunk streamlining, error reporting and the graph-to-Python
translator used by the JIT backends."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterable, Sequence
from keyword import iskeyword
from typing import Any

from aesara.graph.basic import Apply, Constant, Variable
from aesara.graph.utils import MethodNotDefined, format_user_location

__all__ = [
    "add_clear_storage",
    "fgraph_to_python",
    "gc_helper",
    "get_destroy_dependencies",
    "map_storage",
    "py_perform_fn",
    "raise_with_op",
    "register_thunk_trace_excepthook",
    "streamline",
]


def map_storage(
    fgraph,
    order: Sequence[Apply],
    input_storage: list[list] | None = None,
    output_storage: list[list] | None = None,
    storage_map: dict | None = None,
) -> tuple[list[list], list[list], dict]:
    """Give every variable of ``fgraph`` a one-element storage cell.

    Cells already given through ``input_storage``, ``output_storage`` or
    ``storage_map`` are kept; constants get a cell holding their data.

    Returns
    -------
    input_storage, output_storage, storage_map
        The cells of the graph's inputs, of its outputs, and of every variable.
    """
    if storage_map is None:
        storage_map = {}
    else:
        storage_map = dict(storage_map)

    if input_storage is None:
        input_storage = [storage_map.get(v) or [None] for v in fgraph.inputs]
    elif len(input_storage) != len(fgraph.inputs):
        raise ValueError(
            f"input_storage has {len(input_storage)} cells but the graph has "
            f"{len(fgraph.inputs)} inputs"
        )
    for var, cell in zip(fgraph.inputs, input_storage):
        storage_map[var] = cell

    for node in order:
        for var in node.inputs:
            if var not in storage_map:
                if isinstance(var, Constant):
                    storage_map[var] = [var.data]
                else:
                    # A root variable that is not an input (should not happen
                    # in a valid graph); give it an empty cell.
                    storage_map[var] = [None]

    if output_storage is not None:
        if len(output_storage) != len(fgraph.outputs):
            raise ValueError(
                f"output_storage has {len(output_storage)} cells but the graph "
                f"has {len(fgraph.outputs)} outputs"
            )
        for var, cell in zip(fgraph.outputs, output_storage):
            # An output that is also an input keeps the input's cell.
            if var not in storage_map or var.owner is not None:
                storage_map[var] = cell

    for node in order:
        for var in node.outputs:
            storage_map.setdefault(var, [None])

    for var in fgraph.outputs:
        if var not in storage_map:
            storage_map[var] = [var.data] if isinstance(var, Constant) else [None]

    output_storage = [storage_map[v] for v in fgraph.outputs]
    return input_storage, output_storage, storage_map


def gc_helper(node_list: Sequence[Apply]) -> tuple[set, dict]:
    """Find, for garbage collection, what each node computes and last uses.

    Returns
    -------
    computed
        The variables computed by the nodes of ``node_list``.
    last_user
        Maps every variable used by a node to the last node (in
        ``node_list`` order) that reads it.
    """
    last_user: dict = {}
    computed: set = set()
    for node in node_list:
        for var in node.inputs:
            last_user[var] = node
        computed.update(node.outputs)
    return computed, last_user


def add_clear_storage(
    f: Callable, computed: Iterable[Variable], storage_map: dict
) -> None:
    """Attach ``f.clear_storage()`` which empties the cells of ``computed``."""
    cells = [storage_map[v] for v in computed]

    def clear_storage():
        for cell in cells:
            cell[0] = None

    f.clear_storage = clear_storage


def streamline(
    fgraph,
    thunks: Sequence[Callable],
    order: Sequence[Apply],
    post_thunk_old_storage: Sequence[Sequence[list]] | None = None,
    no_recycling: Sequence[list] | None = None,
    nice_errors: bool = True,
) -> Callable[[], None]:
    """Return one function that runs ``thunks`` in order.

    Parameters
    ----------
    post_thunk_old_storage
        For each thunk, the cells to empty once it has run (garbage
        collection), or ``None`` to keep everything.
    no_recycling
        Cells emptied before each run, so no op reuses them as buffers.
    nice_errors
        Augment exceptions with the failing node (see :func:`raise_with_op`).
    """
    if len(thunks) != len(order):
        raise ValueError(
            f"Got {len(thunks)} thunks for {len(order)} nodes; they must match"
        )
    no_recycling = list(no_recycling or ())
    thunks = list(thunks)
    order = list(order)

    if post_thunk_old_storage is not None:
        if len(thunks) != len(post_thunk_old_storage):
            raise ValueError("post_thunk_old_storage must have one entry per thunk")
        clears = [list(c) for c in post_thunk_old_storage]

        def streamline_default_f():
            for cell in no_recycling:
                cell[0] = None
            try:
                for thunk, old_storage in zip(thunks, clears):
                    thunk()
                    for cell in old_storage:
                        cell[0] = None
            except Exception:
                if not nice_errors:
                    raise
                i = _index_of(thunks, thunk)
                raise_with_op(fgraph, order[i], thunk)

        f = streamline_default_f
    else:

        def streamline_nice_errors_f():
            for cell in no_recycling:
                cell[0] = None
            try:
                for thunk in thunks:
                    thunk()
            except Exception:
                if not nice_errors:
                    raise
                i = _index_of(thunks, thunk)
                raise_with_op(fgraph, order[i], thunk)

        f = streamline_nice_errors_f

    f.thunks = thunks
    f.nodes = order
    return f


def _index_of(seq: Sequence, item: Any) -> int:
    """Position of ``item`` in ``seq`` by identity."""
    for i, x in enumerate(seq):
        if x is item:
            return i
    raise ValueError("item not found")  # pragma: no cover - internal invariant


def _describe_values(values: Sequence[Any]) -> tuple[list, list, list]:
    shapes, strides, dtypes = [], [], []
    for v in values:
        shapes.append(getattr(v, "shape", "No shapes") if v is not None else "No value")
        strides.append(
            getattr(v, "strides", "No strides") if v is not None else "No value"
        )
        dtypes.append(str(getattr(v, "dtype", type(v).__name__)))
    return shapes, strides, dtypes


def raise_with_op(
    fgraph,
    node: Apply,
    thunk: Callable | None = None,
    exc_info: tuple | None = None,
    storage_map: dict | None = None,
):
    """Re-raise the exception being handled, annotated with the failing node.

    The exception keeps its type and traceback; its message gains the node
    that failed, its position in the run order, the types, shapes, strides
    and dtypes of its inputs, and the line of user code where the node's
    output was created.

    Parameters
    ----------
    fgraph
        The graph being run (used for the node's position and clients).
    node
        The node whose thunk raised.
    thunk
        That thunk; its ``inputs`` cells give the values that were used.
    exc_info
        ``(type, value, traceback)``; defaults to ``sys.exc_info()``.
    storage_map
        The run's storage; used for the values when ``thunk`` is not given.
    """
    if exc_info is None:
        exc_info = sys.exc_info()
    exc_type, exc_value, exc_trace = exc_info
    if exc_value is None:  # pragma: no cover - called outside an except block
        raise RuntimeError(f"raise_with_op called without an exception for {node}")
    if exc_type is KeyboardInterrupt:
        raise exc_value.with_traceback(exc_trace)

    try:
        from aesara.configdefaults import config

        verbosity = config.exception_verbosity
        trace_limit = config.traceback__limit
    except Exception:  # pragma: no cover - configuration not importable
        verbosity, trace_limit = "low", 8

    lines = []
    try:
        order = fgraph.toposort() if fgraph is not None else []
        topo_idx = order.index(node) if node in order else "unknown"
    except Exception:  # pragma: no cover - a broken graph should not hide the error
        topo_idx = "unknown"
    lines.append(f"Apply node that caused the error: {node}")
    lines.append(f"Toposort index: {topo_idx}")

    if thunk is not None and hasattr(thunk, "inputs"):
        values = [cell[0] for cell in thunk.inputs]
    elif storage_map is not None:
        values = [storage_map[v][0] if v in storage_map else None for v in node.inputs]
    else:
        values = None
    lines.append(f"Inputs types: {[inp.type for inp in node.inputs]}")
    if values is not None:
        shapes, strides, dtypes = _describe_values(values)
        lines.append(f"Inputs shapes: {shapes}")
        lines.append(f"Inputs strides: {strides}")
        lines.append(f"Inputs dtypes: {dtypes}")
        if verbosity == "high":
            shown = [
                repr(v) if getattr(v, "size", 1) <= 20 else "not shown" for v in values
            ]
        else:
            shown = ["not shown" for _ in values]
        lines.append(f"Inputs values: {shown}")
    if fgraph is not None and hasattr(fgraph, "clients"):
        clients = []
        for out in node.outputs:
            clients.append(
                [
                    str(c) if c == "output" else str(c)
                    for c, _ in fgraph.clients.get(out, [])
                ]
            )
        lines.append(f"Outputs clients: {clients}")

    location = ""
    for out in node.outputs:
        location = format_user_location(out)
        if location:
            break
    if location:
        if trace_limit is not None and trace_limit >= 0:
            loc_lines = location.split("\n")
            # Each frame takes two lines (location and source).
            location = "\n".join(
                loc_lines[: max(2 * trace_limit, 2)] if trace_limit else loc_lines
            )
        lines.append(
            "\nBacktrace when the node is created (use Aesara flag "
            "traceback__limit=N to make it longer):"
        )
        lines.append(location)
    else:
        lines.append(
            "\nHINT: The node carries no record of where it was created; "
            "graph inputs built by Aesara itself have none."
        )
    if verbosity != "high":
        lines.append(
            "HINT: Use the Aesara flag `exception_verbosity=high` for the input values."
        )

    detail = "\n" + "\n".join(lines)
    try:
        args = exc_value.args
        if args and isinstance(args[0], str):
            exc_value.args = (args[0] + detail, *args[1:])
        else:
            exc_value.args = (*args, detail)
    except Exception:  # pragma: no cover - exceptions with read-only args
        pass
    exc_value.__thunk_trace__ = getattr(thunk, "trace", None)
    raise exc_value.with_traceback(exc_trace)


def _log_thunk_trace(value: BaseException, handler: Any) -> None:
    """Print where the op of a failed node was defined (``__thunk_trace__``).

    :func:`raise_with_op` stores the failed thunk's trace on the exception;
    exceptions without one print nothing.
    """
    import traceback

    if not hasattr(value, "__thunk_trace__"):
        return

    def write(msg: str) -> None:
        print(f"log_thunk_trace: {msg.strip()}", file=handler)

    trace = value.__thunk_trace__
    write("There was a problem executing an Op.")
    if trace is None:
        write("Could not find where this Op was defined.")
        write(
            " * You might have instantiated this Op directly instead of using a constructor."
        )
        write(
            " * The Op you constructed might have been optimized. Try turning off optimizations."
        )
    elif trace:
        write("Definition in: ")
        for line in traceback.format_list(trace):
            write(line)
        write(
            "For the full definition stack trace set the Aesara flags `traceback__limit` to -1"
        )


def register_thunk_trace_excepthook(handler: Any = None) -> None:
    """Print the definition trace of a failed op when an exception goes uncaught.

    Adds a hook (:func:`aesara.utils.add_excepthook`) that, for an uncaught
    exception raised by a node's thunk (one :func:`raise_with_op` annotated),
    prints ``log_thunk_trace: ...`` lines to ``handler``. Unlike Aesara, this
    is not done when the module is imported: the exception's message already
    holds the node's creation trace (see ``traceback__limit``).

    Parameters
    ----------
    handler
        Where to print (an object with ``write``); ``None``: ``sys.stdout`` at
        the time of the exception.
    """
    from aesara.utils import add_excepthook

    if handler is not None and not callable(getattr(handler, "write", None)):
        raise TypeError(
            "register_thunk_trace_excepthook: handler must have a write method, "
            f"got {type(handler).__name__}"
        )

    def hook(exc_type, value, trace) -> None:
        _log_thunk_trace(value, sys.stdout if handler is None else handler)

    add_excepthook(hook)


def get_destroy_dependencies(fgraph) -> dict:
    """Map each node to the nodes that must run before it because of in-place ops."""
    order = fgraph.orderings() if hasattr(fgraph, "orderings") else {}
    return {k: list(v) for k, v in order.items()}


# ---------------------------------------------------------------------------
# Translation of whole graphs to Python functions (for the JIT backends)
# ---------------------------------------------------------------------------


def py_perform_fn(op, node: Apply) -> Callable:
    """Return ``fn(*inputs)`` computing ``node`` through ``op.perform``.

    The function returns the single output value, or a tuple for nodes with
    several outputs. JIT backends use it for ops they cannot translate, so a
    graph can mix translated ops and Python ops.
    """
    n_out = len(node.outputs)
    try:
        params = node.run_params()
        has_params = True
    except MethodNotDefined:
        params = None
        has_params = False
    perform = op.perform

    def perform_fn(*inputs):
        storage = [[None] for _ in range(n_out)]
        if has_params:
            perform(node, list(inputs), storage, params)
        else:
            perform(node, list(inputs), storage)
        if n_out == 1:
            return storage[0][0]
        return tuple(cell[0] for cell in storage)

    perform_fn.__name__ = f"perform_{type(op).__name__}"
    return perform_fn


def _safe_name(var: Variable, taken: set, prefix: str) -> str:
    base = var.name if isinstance(var.name, str) and var.name.isidentifier() else ""
    if not base or iskeyword(base) or base in taken:
        base = f"{prefix}{len(taken)}"
    while base in taken:
        base = base + "_"
    taken.add(base)
    return base


def fgraph_to_python(
    fgraph,
    op_conversion_fn: Callable,
    *,
    type_conversion_fn: Callable = lambda value, variable=None, **kwargs: value,
    order: Sequence[Apply] | None = None,
    storage_map: dict | None = None,
    fgraph_name: str = "fgraph_to_python",
    global_env: dict | None = None,
    local_env: dict | None = None,
    **kwargs,
) -> Callable:
    """Turn ``fgraph`` into the source of one Python function and compile it.

    Every node becomes one line ``outs = node_fn(ins)`` where ``node_fn`` is
    ``op_conversion_fn(op, node=node, storage_map=..., **kwargs)``. The
    generated function takes the graph's inputs positionally and returns a
    tuple of its outputs; being plain Python source, it can be handed to a
    JIT compiler such as Numba.

    Parameters
    ----------
    op_conversion_fn
        Returns the callable implementing one node; backends pass a
        ``functools.singledispatch`` function keyed on the op's class whose
        default falls back to :func:`py_perform_fn`.
    type_conversion_fn
        Converts constants' data for the backend.
    """
    if order is None:
        order = fgraph.toposort()
    env = dict(global_env or {})
    taken: set = set(env) | set(local_env or {})
    names: dict = {}
    for v in fgraph.inputs:
        names[v] = _safe_name(v, taken, "inp")
    body = []
    for k, node in enumerate(order):
        fn = op_conversion_fn(node.op, node=node, storage_map=storage_map, **kwargs)
        fn_name = f"{type(node.op).__name__.lower()}_{k}"
        while fn_name in taken:
            fn_name += "_"
        taken.add(fn_name)
        env[fn_name] = fn
        arg_names = []
        for inp in node.inputs:
            if inp not in names:
                if isinstance(inp, Constant):
                    cname = _safe_name(inp, taken, "const")
                    env[cname] = type_conversion_fn(inp.data, variable=inp, **kwargs)
                    names[inp] = cname
                else:
                    raise ValueError(f"{inp} is used by {node} but is not computed")
            arg_names.append(names[inp])
        out_names = [_safe_name(o, taken, "out") for o in node.outputs]
        for o, n in zip(node.outputs, out_names):
            names[o] = n
        if len(out_names) == 1:
            body.append(f"    {out_names[0]} = {fn_name}({', '.join(arg_names)})")
        else:
            body.append(
                f"    {', '.join(out_names)} = {fn_name}({', '.join(arg_names)})"
            )
    returned = []
    for out in fgraph.outputs:
        if out not in names:
            if isinstance(out, Constant):
                cname = _safe_name(out, taken, "const")
                env[cname] = type_conversion_fn(out.data, variable=out, **kwargs)
                names[out] = cname
            else:
                raise ValueError(f"Output {out} is not computed by the graph")
        returned.append(names[out])
    in_names = ", ".join(names[v] for v in fgraph.inputs)
    ret = ", ".join(returned) + ("," if len(returned) == 1 else "")
    src = f"def {fgraph_name}({in_names}):\n" + "\n".join(body)
    src += f"\n    return ({ret})\n"
    code = compile(src, f"<aesara-generated {fgraph_name}>", "exec")
    scope = dict(env)
    if local_env:
        scope.update(local_env)
    exec(code, scope)
    fn = scope[fgraph_name]
    fn.__source__ = src
    return fn


from aesara.link._python_codegen import (  # noqa: E402, F401
    compile_function_src,
    get_name_for_object,
    unique_name_generator,
)
from aesara.link._thunk_debug import register_thunk_debug_callback  # noqa: E402, F401
