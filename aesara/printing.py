"""Looking at graphs: indented text dumps, infix expressions, run-time prints.

* :func:`debugprint` (alias :func:`dprint`) writes one line per variable of a
  graph, children indented under their parents, each node tagged with an id
  so shared sub-graphs are printed once and referenced afterwards.
* :data:`pprint` (alias :data:`pp`) renders a graph as a readable infix
  expression through an extensible registry of printers.
* :class:`Print` is an identity op that prints its input when it runs.
* :func:`pydotprint` draws a graph with graphviz when ``pydot`` is installed.
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Callable, Sequence
from contextlib import contextmanager
from functools import singledispatch
from io import StringIO
from typing import Any, Literal, TextIO

import numpy as np

from aesara.graph.basic import Apply, Constant, Variable, io_toposort
from aesara.graph.fg import FunctionGraph
from aesara.graph.op import HasInnerGraph, Op
from aesara.graph.utils import Scratchpad

_logger = logging.getLogger("aesara.printing")

# Whether pydot can be imported; it is only imported when drawing (slow import).
from aesara._pydotprint import pydot_status as _pydot_status  # noqa: E402

pydot_imported, pydot_imported_msg = _pydot_status()

VALID_ASSOC = {"left", "right", "either"}

#: The ``id_type`` values of :func:`debugprint`: letters (``"CHAR"``), Python
#: ids (``"id"``), counters (``"int"``), the variables' ``auto_name``
#: (``"auto"``) or no ids (``""``).
IDTypesType = Literal["id", "int", "CHAR", "auto", ""]
_VALID_ID_TYPES = ("CHAR", "id", "int", "auto", "")


# ---------------------------------------------------------------------------
# Lazy access to the layers built on top of the graph package
# ---------------------------------------------------------------------------


def _function_types() -> tuple:
    """The compiled-function class(es), or ``()`` while ``aesara.compile`` is absent."""
    try:
        from aesara.compile.function.types import Function
    except Exception:
        return ()
    return (Function,)


def _is_compiled_function(obj: Any) -> bool:
    # Duck typing as a fallback keeps printing usable for any object that
    # carries its optimized graph the way compiled functions do.
    if _function_types() and isinstance(obj, _function_types()):
        return True
    maker = getattr(obj, "maker", None)
    return isinstance(getattr(maker, "fgraph", None), FunctionGraph)


def _io_types() -> tuple:
    try:
        from aesara.compile.io import In, Out
    except Exception:
        return ()
    return (In, Out)


def char_from_number(number: int) -> str:
    """Spell a non-negative integer in base 26 with the digits ``A``-``Z``.

    ``0 -> "A"``, ``25 -> "Z"``, ``26 -> "BA"``: the ids :func:`debugprint`
    gives nodes with ``id_type="CHAR"``.
    """
    if number < 0:
        raise ValueError(f"char_from_number needs a non-negative integer, got {number}")
    digits = []
    while True:
        number, rem = divmod(number, 26)
        digits.append(chr(ord("A") + rem))
        if number == 0:
            break
    return "".join(reversed(digits))


# ---------------------------------------------------------------------------
# debugprint
# ---------------------------------------------------------------------------


@singledispatch
def op_debug_information(op: Op, node: Apply) -> dict[Apply, dict[Variable, str]]:
    """Extra annotations ``debugprint(..., print_op_info=True)`` shows for a node.

    Ops register an implementation with ``op_debug_information.register``;
    it returns ``{apply_node: {variable: text}}`` and each listed variable
    gets `` (text)`` appended to its line when printed next to that node
    (as an output or input of it, or inside its inner graph).
    """
    return {}


def _inner_graph_op(node: Apply | None):
    """The op holding an inner graph for ``node``: the op itself or, for an
    ``Elemwise``-like op, its scalar op (e.g. a fused ``Composite``)."""
    if node is None:
        return None
    if isinstance(node.op, HasInnerGraph):
        return node.op
    scalar_op = getattr(node.op, "scalar_op", None)
    if isinstance(scalar_op, HasInnerGraph):
        return scalar_op
    return None


def _inner_graph_io(op) -> tuple[list[Variable], list[Variable]]:
    """The inputs and outputs of ``op``'s inner graph, whichever way it stores them."""
    fn = getattr(op, "_fn", None)
    fgraph = getattr(getattr(fn, "maker", None), "fgraph", None)
    if fgraph is not None:
        # A compiled inner function: show what actually runs.
        return list(fgraph.inputs), list(fgraph.outputs)
    for ins, outs in (("inner_inputs", "inner_outputs"), ("inputs", "outputs")):
        try:
            i, o = getattr(op, ins), getattr(op, outs)
        except (AttributeError, NotImplementedError):
            continue
        if i is not None and o is not None:
            return list(i), list(o)
    fgraph = getattr(op, "fgraph", None)
    if isinstance(fgraph, FunctionGraph):
        return list(fgraph.inputs), list(fgraph.outputs)
    return [], []


def _inner_to_outer_map(op, node: Apply, inner_inputs: list[Variable]) -> dict | None:
    """Map inner inputs to the outer inputs feeding them, for ops that say how."""
    mappings = getattr(op, "get_oinp_iinp_iout_oout_mappings", None)
    if mappings is None:
        return None
    try:
        outer_from_inner = mappings()["outer_inp_from_inner_inp"]
    except Exception:
        return None
    return {
        inner_inputs[i]: node.inputs[o]
        for i, o in outer_from_inner.items()
        if 0 <= i < len(inner_inputs) and 0 <= o < len(node.inputs)
    }


class _DebugPrinter:
    """State shared by all the lines of one :func:`debugprint` call."""

    def __init__(
        self,
        file: TextIO,
        id_type: str,
        done: dict,
        used_ids: dict,
        print_type: bool,
        stop_on_name: bool,
        print_op_info: bool,
        print_destroy_map: bool,
        print_view_map: bool,
        print_default_updates: bool,
    ):
        self.file = file
        self.id_type = id_type
        self.done = done
        self.used_ids = used_ids
        self.print_type = print_type
        self.stop_on_name = stop_on_name
        self.print_op_info = print_op_info
        self.print_destroy_map = print_destroy_map
        self.print_view_map = print_view_map
        self.print_default_updates = print_default_updates
        self.op_information: dict = {}
        self._info_done: set = set()
        # Variables whose owner holds an inner graph, in discovery order; the
        # set keeps one entry per node (multi-output ops are found repeatedly).
        self.inner_graph_vars: list[Variable] = []
        self._inner_graph_nodes: set = set()
        self.update_vars: list[Variable] = []

    # -- ids -------------------------------------------------------------------

    def id_str(self, obj: Apply | Variable, var: Variable) -> str:
        """The ``[id X]`` tag of ``obj`` (a node, or a variable without owner)."""
        if obj in self.used_ids:
            return self.used_ids[obj]
        if self.id_type == "CHAR":
            s = f"[id {char_from_number(len(self.used_ids))}]"
        elif self.id_type == "int":
            s = f"[id {len(self.used_ids)}]"
        elif self.id_type == "id":
            s = f"[id {id(var)}]"
        elif self.id_type == "auto":
            s = f"[id {var.auto_name}]"
        else:
            s = ""
        self.used_ids[obj] = s
        return s

    def _ref(self, var: Variable) -> str:
        return self.id_str(var.owner if var.owner is not None else var, var)

    # -- op information ----------------------------------------------------------

    def _collect_info(self, node: Apply | None) -> None:
        if not self.print_op_info or node is None or node in self._info_done:
            return
        self._info_done.add(node)
        for k, v in op_debug_information(node.op, node).items():
            self.op_information.setdefault(k, {}).update(v)

    def _info_str(self, var: Variable, nodes: Sequence[Apply | None]) -> str:
        if not self.print_op_info:
            return ""
        parts = []
        for n in nodes:
            if n is None:
                continue
            text = self.op_information.get(n, {}).get(var)
            if text is not None:
                parts.append(f" ({text})")
        return "".join(parts)

    # -- one variable and, recursively, its ancestors ---------------------------

    def print_var(
        self,
        var: Variable,
        prefix: str = "",
        prefix_child: str = "",
        depth: int = -1,
        topo_index: dict | None = None,
        smap: dict | None = None,
        parent_node: Apply | None = None,
        inner_to_outer: dict | None = None,
        inner_graph_node: Apply | None = None,
        is_header: bool = False,
    ) -> None:
        if depth == 0:
            return
        node = var.owner
        type_str = f" <{var.type}>" if self.print_type else ""
        data = ""
        if smap is not None and var in smap:
            data = f" {smap[var]}"
        self._collect_info(node)
        info = self._info_str(var, (node, inner_graph_node, parent_node))

        if node is None:
            id_str = self._ref(var)
            id_part = f" {id_str}" if id_str else ""
            outer = ""
            if inner_to_outer is not None and var in inner_to_outer:
                outer_id = self._ref(inner_to_outer[var])
                outer = f" -> {outer_id}" if outer_id else ""
            update = ""
            default_update = getattr(var, "default_update", None)
            if self.print_default_updates and default_update is not None:
                update_id = self._ref(default_update)
                update = f" <- {update_id}" if update_id else " <- (update)"
                if all(u is not default_update for u in self.update_vars):
                    self.update_vars.append(default_update)
            print(
                f"{prefix}{var}{id_part}{type_str}{outer}{update}{data}{info}",
                file=self.file,
            )
            return

        already_done = node in self.done
        id_str = self.id_str(node, var)
        id_part = f" {id_str}" if id_str else ""
        out_idx = f".{var.index}" if len(node.outputs) > 1 else ""
        name = f" '{var.name}'" if var.name else ""
        dmap = vmap = ""
        if self.print_destroy_map and getattr(node.op, "destroy_map", None):
            dmap = f" d={node.op.destroy_map}"
        if self.print_view_map and getattr(node.op, "view_map", None):
            vmap = f" v={node.op.view_map}"
        order = ""
        if topo_index is not None and not is_header and node in topo_index:
            order = f" {topo_index[node]}"
        print(
            f"{prefix}{node.op}{out_idx}{id_part}{type_str}{name}{dmap}{vmap}"
            f"{order}{data}{info}",
            file=self.file,
        )

        if _inner_graph_op(node) is not None and node not in self._inner_graph_nodes:
            self._inner_graph_nodes.add(node)
            self.inner_graph_vars.append(var)

        if is_header or already_done:
            return
        self.done[node] = id_str
        if self.stop_on_name and var.name is not None:
            return
        n_in = len(node.inputs)
        for i, inp in enumerate(node.inputs):
            last = i == n_in - 1
            self.print_var(
                inp,
                prefix=prefix_child + " |",
                prefix_child=prefix_child + ("  " if last else " |"),
                depth=depth - 1,
                topo_index=topo_index,
                smap=smap,
                parent_node=node,
                inner_to_outer=inner_to_outer,
                inner_graph_node=inner_graph_node,
            )

    # -- the sections after the main graphs ----------------------------------------

    def print_inner_graphs(self, depth: int, print_fgraph_inputs: bool) -> None:
        if not self.inner_graph_vars:
            return
        print("", file=self.file)
        print("Inner graphs:", file=self.file)
        # The list grows while we walk it: inner graphs holding inner graphs.
        i = 0
        while i < len(self.inner_graph_vars):
            ig_var = self.inner_graph_vars[i]
            i += 1
            node = ig_var.owner
            op = _inner_graph_op(node)
            inner_inputs, inner_outputs = _inner_graph_io(op)
            inner_to_outer = _inner_to_outer_map(op, node, inner_inputs)
            print("", file=self.file)
            self.print_var(ig_var, depth=depth, is_header=True)
            if print_fgraph_inputs:
                for inp in inner_inputs:
                    self.print_var(
                        inp,
                        prefix="-",
                        prefix_child="-",
                        depth=depth,
                        inner_to_outer=inner_to_outer,
                        inner_graph_node=node,
                    )
                # The mapping was shown on the input lines; the body stays short.
                inner_to_outer = None
            for out in inner_outputs:
                self.print_var(
                    out,
                    prefix=" >",
                    prefix_child=" >",
                    depth=depth,
                    inner_to_outer=inner_to_outer,
                    inner_graph_node=node,
                )

    def print_default_update_section(self, depth: int) -> None:
        if not self.update_vars:
            return
        print("", file=self.file)
        print("Default updates:", file=self.file)
        i = 0
        while i < len(self.update_vars):  # updates may reveal more shared inputs
            upd = self.update_vars[i]
            i += 1
            print("", file=self.file)
            self.print_var(upd, depth=depth)


def debugprint(
    graph_like: Variable | Apply | FunctionGraph | Any | Sequence[Any],
    depth: int = -1,
    print_type: bool = False,
    file: TextIO | str | None = None,
    id_type: str = "CHAR",
    stop_on_name: bool = False,
    done: dict | None = None,
    print_storage: bool = False,
    used_ids: dict | None = None,
    print_op_info: bool = False,
    print_destroy_map: bool = False,
    print_view_map: bool = False,
    print_fgraph_inputs: bool = False,
    print_default_updates: bool = False,
    ids: str | None = None,
) -> str | TextIO | None:
    """Print a graph as indented text, one line per variable.

    An output of an :class:`Apply` is shown by its op (with ``.i`` when the
    node has several outputs), an input by its name or type; then its id,
    then optional extras. The inputs of each node follow on the next lines,
    one level deeper (each level adds ``" |"``). A node reached a second
    time is printed as a single line with the same id and not expanded.
    Ops holding an inner graph (e.g. a fused ``Composite``) have that graph
    printed in an ``Inner graphs:`` section at the end.

    Parameters
    ----------
    graph_like
        A :class:`Variable`, an :class:`Apply` (all its outputs), a
        :class:`FunctionGraph`, a compiled function (its optimized graph,
        with each node's position in the execution order), or a list/tuple
        of those.
    depth
        How many levels to print; ``-1`` for all.
    print_type
        Append each variable's type, as `` <TensorType(float64, ())>``.
    file
        ``None`` prints to ``sys.stdout``; ``"str"`` returns the text;
        otherwise any object with a ``write`` method.
    id_type
        ``"CHAR"`` (``A``, ``B``, ..., ``Z``, ``BA``...), ``"int"``
        (``0``, ``1``...), ``"id"`` (Python ``id``), ``"auto"`` (the
        variable's ``auto_name``) or ``""`` (no ids).
    stop_on_name
        Do not expand the inputs of a variable that has a name.
    done
        ``{node: id}`` of nodes already printed; pass the same dict to
        several calls to avoid printing shared parts again.
    print_storage
        For a compiled function, append each variable's storage cell.
    used_ids
        ``{node_or_variable: id}``; share it between calls to keep ids stable.
    print_op_info
        Append the annotations of :func:`op_debug_information`.
    print_destroy_map, print_view_map
        Append `` d={...}`` / `` v={...}`` for ops that overwrite or view
        their inputs.
    print_fgraph_inputs
        For function graphs (and inner graphs), first list the inputs,
        each line prefixed with ``-``.
    print_default_updates
        Mark shared variables having a ``default_update`` with
        `` <- [id X]`` and print those updates in a ``Default updates:``
        section.
    ids
        Deprecated spelling of ``id_type`` (as in Aesara 2.9): it warns with a
        ``DeprecationWarning`` and replaces ``id_type``.

    Returns
    -------
    str, file or None
        The text when ``file="str"``, the file given when one was, ``None``
        when printing to stdout.
    """
    if ids is not None:
        import warnings

        warnings.warn(
            "`ids` is deprecated; use `id_type` instead.",
            DeprecationWarning,
            stacklevel=2,
        )
        id_type = ids
    if isinstance(depth, bool) or not isinstance(depth, (int, np.integer)):
        raise TypeError(f"depth must be an int, got {type(depth).__name__}: {depth!r}")
    if id_type not in _VALID_ID_TYPES:
        raise ValueError(f"id_type must be one of {_VALID_ID_TYPES}, got {id_type!r}")
    if file == "str":
        _file: Any = StringIO()
    elif file is None:
        _file = sys.stdout
    elif hasattr(file, "write"):
        _file = file
    else:
        raise TypeError(
            "file must be None, 'str' or an object with a write method, "
            f"got {type(file).__name__}: {file!r}"
        )
    if done is None:
        done = {}
    if used_ids is None:
        used_ids = {}

    # (variable, {node: position} or None, storage map or None)
    to_print: list[tuple[Variable, dict | None, dict | None]] = []
    inputs_to_print: list[Variable] = []
    # Plain values (numbers, arrays) are echoed in order with the graphs.
    items = list(graph_like) if isinstance(graph_like, (list, tuple)) else [graph_like]
    io_types = _io_types()
    for obj in items:
        if isinstance(obj, Variable):
            to_print.append((obj, None, None))
        elif isinstance(obj, Apply):
            to_print.extend((o, None, None) for o in obj.outputs)
        elif isinstance(obj, FunctionGraph) or _is_compiled_function(obj):
            fgraph = obj if isinstance(obj, FunctionGraph) else obj.maker.fgraph
            smap = None
            if print_storage and not isinstance(obj, FunctionGraph):
                runner = getattr(obj, "vm", None)
                if runner is None:
                    runner = getattr(obj, "fn", None)
                smap = getattr(runner, "storage_map", None)
            elif isinstance(obj, FunctionGraph):
                smap = getattr(obj, "storage_map", None) if print_storage else None
            topo_index = {n: i for i, n in enumerate(fgraph.toposort())}
            to_print.extend((o, topo_index, smap) for o in fgraph.outputs)
            if print_fgraph_inputs:
                inputs_to_print.extend(fgraph.inputs)
        elif io_types and isinstance(obj, io_types):
            to_print.append((obj.variable, None, None))
        elif isinstance(obj, (int, float, np.ndarray)) and not isinstance(obj, bool):
            print(obj, file=_file)
        else:
            raise TypeError(
                "debugprint expects a Variable, an Apply, a FunctionGraph, a "
                f"compiled function or a list of them, got {type(obj).__name__}: {obj!r}"
            )

    printer = _DebugPrinter(
        _file,
        id_type,
        done,
        used_ids,
        print_type,
        stop_on_name,
        print_op_info,
        print_destroy_map,
        print_view_map,
        print_default_updates,
    )
    for inp in inputs_to_print:
        printer.print_var(inp, prefix="-", prefix_child="-", depth=depth)
    for var, topo_index, smap in to_print:
        printer.print_var(var, depth=depth, topo_index=topo_index, smap=smap)
    printer.print_inner_graphs(depth, print_fgraph_inputs)
    printer.print_default_update_section(depth)

    if file == "str":
        return _file.getvalue()
    if hasattr(_file, "flush"):
        _file.flush()
    # ``None`` for stdout, as in Aesara: a REPL then echoes nothing more.
    return file


dprint = debugprint


def get_node_by_id(
    graphs: Variable | Sequence[Variable] | FunctionGraph | Any,
    target_var_id: str,
    id_types: str = "CHAR",
) -> Apply | Variable | None:
    """Return the node or variable that :func:`debugprint` labels ``target_var_id``.

    Parameters
    ----------
    graphs
        Anything :func:`debugprint` accepts.
    target_var_id
        The id as printed without ``[id ]``, e.g. ``"C"``.
    id_types
        The ``id_type`` the id was printed with.

    Returns
    -------
    The :class:`Apply` (for a computed variable) or :class:`Variable`
    (for an input or constant), or ``None`` when no line carries that id.
    """
    used_ids: dict = {}
    debugprint(graphs, file=StringIO(), id_type=id_types, used_ids=used_ids)
    wanted = f"[id {target_var_id}]"
    for obj, id_str in used_ids.items():
        if id_str == wanted:
            return obj
    return None


# ---------------------------------------------------------------------------
# The Print op
# ---------------------------------------------------------------------------


def _print_fn(op: Print, xin: Any) -> None:
    """Print ``op.message`` followed by each requested attribute of ``xin``."""
    for attr in op.attrs:
        value = getattr(xin, attr)
        if callable(value):
            value = value()
        print(op.message, attr, "=", value)


class Print(Op):
    """Identity op that prints its input whenever the graph runs.

    Parameters
    ----------
    message
        Text printed before each attribute.
    attrs
        Names of attributes of the input value to print; callable ones
        (like the default ``"__str__"``) are called.
    global_fn
        ``global_fn(op, value)`` does the printing; replace it to log
        elsewhere.

    Notes
    -----
    Rewrites do not see through this op, so placing it in the middle of a
    pattern (``log(1 + Print(x))``) keeps that pattern from being optimized.
    """

    view_map = {0: [0]}
    __props__ = ("message", "attrs", "global_fn")

    def __init__(
        self,
        message: str = "",
        attrs: Sequence[str] = ("__str__",),
        global_fn: Callable[[Print, Any], None] = _print_fn,
    ):
        if not isinstance(message, str):
            raise TypeError(
                f"Print message must be a str, got {type(message).__name__}"
            )
        if isinstance(attrs, str):
            attrs = (attrs,)
        attrs = tuple(attrs)
        for a in attrs:
            if not isinstance(a, str):
                raise TypeError(f"Print attrs must be attribute names (str), got {a!r}")
        if not callable(global_fn):
            raise TypeError(f"Print global_fn must be callable, got {global_fn!r}")
        self.message = message
        self.attrs = attrs
        self.global_fn = global_fn

    def __str__(self):
        return f"Print{{message={self.message!r}, attrs={self.attrs!r}}}"

    def make_node(self, xin: Any) -> Apply:
        if not isinstance(xin, Variable):
            try:
                from aesara.tensor import as_tensor_variable
            except ImportError as e:
                raise TypeError(
                    f"Print expects a Variable, got {type(xin).__name__}: {xin!r}"
                ) from e
            xin = as_tensor_variable(xin)
        return Apply(self, [xin], [xin.type()])

    def perform(self, node, inputs, output_storage, params=None):
        (xin,) = inputs
        # The output is a view of the input (view_map), so no copy is made.
        output_storage[0][0] = xin
        self.global_fn(self, xin)

    def grad(self, inputs, output_gradients):
        return list(output_gradients)

    def R_op(self, inputs, eval_points):
        return list(eval_points)

    def infer_shape(self, fgraph, node, input_shapes):
        return input_shapes

    def __setstate__(self, state):
        state.setdefault("global_fn", _print_fn)
        self.__dict__.update(state)


# ---------------------------------------------------------------------------
# pprint: printers and the registry
# ---------------------------------------------------------------------------


class PrinterState(Scratchpad):
    """What a printer knows while rendering: the pprinter, the precedence of
    the enclosing operator and a memo of the strings already produced."""

    def __init__(self, props: dict | Scratchpad | None = None, **more_props):
        if isinstance(props, Scratchpad):
            self.__update__(props)
        elif props is not None:
            self.__dict__.update(props)
        self.__dict__.update(more_props)
        self.memo: dict = {}

    def clone(self, props: dict | None = None, **more_props) -> PrinterState:
        cp = PrinterState(self)
        cp.memo = self.memo
        if props:
            cp.__dict__.update(props)
        cp.__dict__.update(more_props)
        return cp


@contextmanager
def set_precedence(pstate: PrinterState, precedence: float = -1000):
    """Set ``pstate.precedence`` for the duration of a ``with`` block.

    Printers render their operands inside such a block: an operand whose own
    operator binds less tightly than ``precedence`` gets parentheses. The
    default, -1000, is below every operator's (no parentheses needed).
    """
    old = getattr(pstate, "precedence", None)
    pstate.precedence = precedence
    try:
        yield
    finally:
        pstate.precedence = old


def _process_with_precedence(
    pstate: PrinterState, var: Variable, precedence: float
) -> str:
    """Render ``var`` with ``pstate.precedence`` set to ``precedence``."""
    with set_precedence(pstate, precedence):
        return pstate.pprinter.process(var, pstate)


class Printer:
    """Renders one variable as text; subclasses implement :meth:`process`."""

    def process(self, output: Variable, pstate: PrinterState) -> str:
        raise NotImplementedError()


def _require_owner(output: Variable, what: str) -> Apply:
    node = output.owner
    if node is None:
        raise TypeError(
            f"{what} cannot print {output}: it is not the output of an operation"
        )
    return node


class OperatorPrinter(Printer):
    """Print a node as an infix (or, with one input, prefix) operator.

    Parameters
    ----------
    operator
        The symbol, e.g. ``"+"``.
    precedence
        Binding strength relative to other operators (higher binds tighter).
    assoc
        ``"left"``, ``"right"`` or ``"either"``.

    The result is always parenthesized, so nested expressions read
    unambiguously whatever the precedences: ``(x + (y * z))``.
    """

    def __init__(self, operator: str, precedence: float, assoc: str = "left"):
        if assoc not in VALID_ASSOC:
            raise ValueError(
                f"assoc must be one of {sorted(VALID_ASSOC)}, got {assoc!r}"
            )
        self.operator = operator
        self.precedence = precedence
        self.assoc = assoc

    def process(self, output, pstate):
        if output in pstate.memo:
            return pstate.memo[output]
        node = _require_owner(output, f"operator {self.operator!r}")
        last = len(node.inputs) - 1
        parts = []
        for i, inp in enumerate(node.inputs):
            prec = self.precedence
            # The operand on the non-associative side binds a hair tighter.
            if (self.assoc == "left" and i != 0) or (
                self.assoc == "right" and i != last
            ):
                prec += 1e-6
            parts.append(_process_with_precedence(pstate, inp, prec))
        if len(parts) == 1:
            s = f"{self.operator}{parts[0]}"
        else:
            s = f" {self.operator} ".join(parts)
        r = f"({s})"
        pstate.memo[output] = r
        return r


class PatternPrinter(Printer):
    """Print a node by filling a ``%``-style pattern with its inputs.

    Each pattern is a string such as ``"|%(0)s|"`` (``%(i)s`` is input
    ``i``), or a tuple ``(pattern, precedence_0, precedence_1, ...)`` giving
    the precedence each input is rendered under. Give one pattern per output.
    """

    def __init__(self, *patterns: str | tuple):
        if not patterns:
            raise ValueError("PatternPrinter needs at least one pattern")
        self.patterns: list[tuple[str, tuple]] = []
        for pattern in patterns:
            if isinstance(pattern, str):
                self.patterns.append((pattern, ()))
            elif isinstance(pattern, tuple) and pattern and isinstance(pattern[0], str):
                self.patterns.append((pattern[0], tuple(pattern[1:])))
            else:
                raise TypeError(
                    f"A pattern must be a str or a (str, precedence, ...) tuple, got {pattern!r}"
                )

    def process(self, output, pstate):
        if output in pstate.memo:
            return pstate.memo[output]
        node = _require_owner(output, f"pattern {self.patterns[0][0]!r}")
        idx = node.outputs.index(output)
        if idx >= len(self.patterns):
            raise ValueError(
                f"PatternPrinter has {len(self.patterns)} pattern(s), output {idx} of "
                f"{node.op} has none"
            )
        pattern, precedences = self.patterns[idx]
        precedences = precedences + (1000,) * (len(node.inputs) - len(precedences))
        subs = {
            str(i): _process_with_precedence(pstate, inp, prec)
            for i, (inp, prec) in enumerate(zip(node.inputs, precedences))
        }
        r = pattern % subs
        pstate.memo[output] = r
        return r


class FunctionPrinter(Printer):
    """Print a node as a function call, ``name(input, ..., key=value)``.

    Parameters
    ----------
    names
        One function name per output of the node.
    keywords
        Op attributes appended as ``key=value`` arguments.
    """

    def __init__(self, names: Sequence[str], keywords: Sequence[str] | None = None):
        if isinstance(names, str):
            raise TypeError("FunctionPrinter expects a list of names, one per output")
        self.names = list(names)
        self.keywords = list(keywords) if keywords is not None else []

    def process(self, output, pstate):
        if output in pstate.memo:
            return pstate.memo[output]
        node = _require_owner(output, f"function {self.names}")
        idx = node.outputs.index(output)
        if idx >= len(self.names):
            raise ValueError(
                f"FunctionPrinter has {len(self.names)} name(s), output {idx} of "
                f"{node.op} has none"
            )
        args = [_process_with_precedence(pstate, inp, -1000) for inp in node.inputs]
        args += [f"{kw}={getattr(node.op, kw)}" for kw in self.keywords]
        r = f"{self.names[idx]}({', '.join(args)})"
        pstate.memo[output] = r
        return r


class IgnorePrinter(Printer):
    """Print a one-input node as its input, as if the op were not there."""

    def process(self, output, pstate):
        if output in pstate.memo:
            return pstate.memo[output]
        node = _require_owner(output, "IgnorePrinter")
        if len(node.inputs) != 1:
            raise TypeError(
                f"IgnorePrinter needs a node with exactly one input, {node.op} has "
                f"{len(node.inputs)}"
            )
        r = pstate.pprinter.process(node.inputs[0], pstate)
        pstate.memo[output] = r
        return r


#: Whether the printers' symbol tables (:data:`greek`, :data:`special`) are
#: LaTeX-style ASCII (``"\\alpha"``). Aesara 2.9 uses ASCII; this project's
#: tables hold the Unicode characters, so this is ``False`` (informational:
#: changing it does not rebuild the tables).
use_ascii = False

#: Symbols the printers may use besides Greek letters.
special = {"middle_dot": "\u00b7", "big_sigma": "\u03a3"}

greek = {
    "alpha": "α",
    "beta": "β",
    "gamma": "γ",
    "delta": "δ",
    "epsilon": "ε",
    "zeta": "ζ",
    "eta": "η",
    "theta": "θ",
    "iota": "ι",
    "kappa": "κ",
    "lambda": "λ",
    "mu": "μ",
    "nu": "ν",
    "xi": "ξ",
    "omicron": "ο",
    "pi": "π",
    "rho": "ρ",
    "sigma": "σ",
    "tau": "τ",
    "upsilon": "υ",
    "phi": "φ",
    "chi": "χ",
    "psi": "ψ",
    "omega": "ω",
}


class LeafPrinter(Printer):
    """Print a variable by its name (Greek names as letters) or ``str``."""

    def process(self, output, pstate):
        if output.name in greek:
            return greek[output.name]
        return str(output)


class DefaultPrinter(Printer):
    """Inputs as leaves, anything else as ``op(input, ...)``."""

    def process(self, output, pstate):
        if output in pstate.memo:
            return pstate.memo[output]
        node = output.owner
        if node is None:
            return leaf_printer.process(output, pstate)
        args = ", ".join(
            _process_with_precedence(pstate, inp, -1000) for inp in node.inputs
        )
        r = f"{node.op}({args})"
        pstate.memo[output] = r
        return r


leaf_printer = LeafPrinter()
default_printer = DefaultPrinter()


class PPrinter(Printer):
    """A registry of printers chosen per variable, callable on graphs.

    Printers are picked in this order: one assigned to the exact op of the
    variable's owner, one assigned to the op's class, then the first
    condition (most recently assigned first) that holds.

    Calling the printer: ``pp(var)`` returns an expression;
    ``pp(var, pstate_or_dict)`` renders with that state;
    ``pp(inputs, outputs, updates)`` renders a whole function as
    assignments (:meth:`process_graph`).
    """

    def __init__(self):
        self.printers: list[tuple[Callable, Printer]] = []
        self.printers_dict: dict = {}
        # Conditions consulted before the per-op table (used by process_graph
        # so named variables print by name whatever their op).
        self._overrides: list[tuple[Callable, Printer]] = []

    def assign(self, condition: Op | type | Callable, printer: Printer) -> None:
        """Use ``printer`` for variables matching ``condition``.

        ``condition`` is an :class:`Op` instance, an :class:`Op` subclass, or
        a predicate ``condition(pstate, variable) -> bool``.
        """
        if not hasattr(printer, "process"):
            raise TypeError(f"printer must have a process method, got {printer!r}")
        if isinstance(condition, Op) or (
            isinstance(condition, type) and issubclass(condition, Op)
        ):
            self.printers_dict[condition] = printer
        elif callable(condition):
            self.printers.insert(0, (condition, printer))
        else:
            raise TypeError(
                "condition must be an Op, an Op class or a callable (pstate, var) -> bool, "
                f"got {condition!r}"
            )

    def _find(self, r: Variable, pstate: PrinterState) -> Printer:
        for condition, printer in self._overrides:
            if condition(pstate, r):
                return printer
        node = getattr(r, "owner", None)
        if node is not None:
            try:
                if node.op in self.printers_dict:
                    return self.printers_dict[node.op]
            except TypeError:  # an unhashable op cannot be a key
                pass
            for cls in type(node.op).__mro__:
                if cls in self.printers_dict:
                    return self.printers_dict[cls]
        for condition, printer in self.printers:
            if condition(pstate, r):
                return printer
        raise TypeError(
            f"No printer registered for {r} (owner op: {getattr(node, 'op', None)})"
        )

    def process(self, r: Variable, pstate: PrinterState | dict | None = None) -> str:
        if not isinstance(r, Variable):
            raise TypeError(f"pprint expects a Variable, got {type(r).__name__}: {r!r}")
        if pstate is None:
            pstate = PrinterState(pprinter=self)
        elif isinstance(pstate, dict):
            pstate = PrinterState(pprinter=self, **pstate)
        return self._find(r, pstate).process(r, pstate)

    def clone(self) -> PPrinter:
        cp = type(self)()
        cp.printers = list(self.printers)
        cp.printers_dict = dict(self.printers_dict)
        cp._overrides = list(self._overrides)
        return cp

    def clone_assign(self, condition, printer: Printer) -> PPrinter:
        cp = self.clone()
        cp.assign(condition, printer)
        return cp

    def process_graph(
        self,
        inputs: Sequence[Variable] | Variable,
        outputs: Sequence[Variable] | Variable,
        updates: dict | None = None,
        display_inputs: bool = False,
    ) -> str:
        """Render a function as lines of assignments.

        Named intermediate variables get their own ``name = ...`` line and
        are referred to by name afterwards; a single output is shown as
        ``return ...``, several as ``out[i] = ...`` (or their names), and
        updates as ``shared <- ...``.
        """
        updates = dict(updates or {})
        inputs = [inputs] if isinstance(inputs, Variable) else list(inputs)
        outputs = [outputs] if isinstance(outputs, Variable) else list(outputs)
        # (section, position, text): intermediates, then updates, then outputs.
        lines: list[tuple[int, int, str]] = []
        if display_inputs:
            shown = ", ".join(str(v) for v in inputs + list(updates))
            lines.append((0, 0, f"inputs: {shown}"))

        current: list[Variable | None] = [None]
        # Named variables are printed by name, except the one being defined.
        pprinter = self.clone()
        pprinter._overrides.insert(
            0,
            (
                lambda pstate, r: r.name is not None and r is not current[0],
                leaf_printer,
            ),
        )
        update_of = {id(v): k for k, v in updates.items()}
        out_pos = {id(o): i for i, o in enumerate(outputs)}
        roots = list(inputs) + list(updates)
        ends = outputs + [v for v in updates.values() if isinstance(v, Variable)]
        seq = 0
        for node in io_toposort(roots, ends):
            for out in node.outputs:
                seq += 1
                current[0] = out
                if id(out) in update_of:
                    target = update_of[id(out)]
                    lines.append((1, seq, f"{target} <- {pprinter.process(out)}"))
                if out.name is None and id(out) not in out_pos:
                    continue
                expr = pprinter.process(out)
                if len(outputs) == 1 and outputs[0] is out:
                    lines.append((2, 0, f"return {expr}"))
                elif id(out) in out_pos:
                    label = (
                        out.name if out.name is not None else f"out[{out_pos[id(out)]}]"
                    )
                    lines.append((2, out_pos[id(out)], f"{label} = {expr}"))
                else:
                    lines.append((0, seq, f"{out.name} = {expr}"))
        current[0] = None
        # Outputs whose value is an input (no node produced them).
        for i, o in enumerate(outputs):
            if o.owner is None:
                expr = pprinter.process(o)
                text = f"return {expr}" if len(outputs) == 1 else f"out[{i}] = {expr}"
                lines.append((2, i, text))
        lines.sort(key=lambda t: (t[0], t[1]))
        return "\n".join(t[2] for t in lines)

    def __call__(self, *args) -> str:
        if len(args) == 1:
            (arg,) = args
            if isinstance(arg, FunctionGraph):
                return self.process_graph(arg.inputs, arg.outputs)
            if _is_compiled_function(arg):
                fg = arg.maker.fgraph
                return self.process_graph(fg.inputs, fg.outputs)
            return self.process(arg)
        if len(args) == 2 and isinstance(args[1], (PrinterState, dict)):
            return self.process(*args)
        if len(args) >= 2:
            return self.process_graph(*args)
        raise TypeError("pprint needs a variable (or inputs, outputs[, updates])")


# -- printers for the tensor and scalar ops -----------------------------------

# scalar-op name in ``aesara.scalar.basic`` -> printer for the ops applying it
# (directly, or elementwise through ``Elemwise``).
_SCALAR_PRINTER_SPECS: dict[str, Printer] = {
    "add": OperatorPrinter("+", -2, "either"),
    "sub": OperatorPrinter("-", -2, "left"),
    "mul": OperatorPrinter("*", -1, "either"),
    "true_divide": OperatorPrinter("/", -1, "left"),
    "floor_divide": OperatorPrinter("//", -1, "left"),
    "mod": OperatorPrinter("%", -1, "left"),
    "pow": OperatorPrinter("**", 1, "right"),
    "neg": OperatorPrinter("-", 0, "either"),
    "lt": OperatorPrinter("<", -5, "left"),
    "gt": OperatorPrinter(">", -5, "left"),
    "le": OperatorPrinter("<=", -5, "left"),
    "ge": OperatorPrinter(">=", -5, "left"),
    "eq": OperatorPrinter("==", -5, "left"),
    "neq": OperatorPrinter("!=", -5, "left"),
    "and_": OperatorPrinter("&", -1, "either"),
    "or_": OperatorPrinter("|", -2, "either"),
    "xor": OperatorPrinter("^", -3, "either"),
    "invert": OperatorPrinter("~", 0, "either"),
    "abs": PatternPrinter(("|%(0)s|", -1000)),
    "abs_": PatternPrinter(("|%(0)s|", -1000)),
    "second": FunctionPrinter(["fill"]),
}

_scalar_table: list[tuple[Any, Printer]] | None = None


def _scalar_printer_table() -> list[tuple[Any, Printer]]:
    """``[(scalar_op_instance, printer)]``, built once ``aesara.scalar`` exists."""
    global _scalar_table
    if _scalar_table is not None:
        return _scalar_table
    try:
        import aesara.scalar.basic as aes
    except Exception:
        return []  # not built yet: try again on the next call
    table = []
    for name, printer in _SCALAR_PRINTER_SPECS.items():
        op = getattr(aes, name, None)
        if isinstance(op, Op):
            table.append((op, printer))
    _scalar_table = table
    return table


def _scalar_op_of(node: Apply | None):
    """The scalar op a node applies: its own op if scalar, an Elemwise's scalar_op."""
    if node is None:
        return None
    try:
        from aesara.tensor.elemwise import Elemwise
    except Exception:
        Elemwise = None
    if Elemwise is not None and isinstance(node.op, Elemwise):
        return node.op.scalar_op
    try:
        from aesara.scalar.basic import ScalarOp
    except Exception:
        return None
    return node.op if isinstance(node.op, ScalarOp) else None


def _registered_scalar_printer(scalar_op) -> Printer | None:
    table = _scalar_printer_table()
    for ref, printer in table:
        if scalar_op == ref:
            return printer
    # Ops equal up to an attribute (e.g. output type rule) share the class.
    matches = [p for ref, p in table if type(ref) is type(scalar_op)]
    return matches[0] if len(matches) == 1 else None


class _ElementwisePrinter(Printer):
    """Arithmetic ops as operators, other elementwise ops as ``name(args)``."""

    def process(self, output, pstate):
        scalar_op = _scalar_op_of(output.owner)
        printer = _registered_scalar_printer(scalar_op)
        if printer is None:
            name = getattr(scalar_op, "name", None) or type(scalar_op).__name__.lower()
            printer = FunctionPrinter([name] * len(output.owner.outputs))
        return printer.process(output, pstate)


def _is_elementwise(pstate, r) -> bool:
    return _scalar_op_of(getattr(r, "owner", None)) is not None


class DimShufflePrinter(Printer):
    """Hide broadcasting ``DimShuffle``s, show transposes as ``.T``."""

    def process(self, output, pstate):
        if output in pstate.memo:
            return pstate.memo[output]
        node = _require_owner(output, "DimShufflePrinter")
        (inp,) = node.inputs
        order = list(node.op.new_order)
        # Leading broadcast dimensions only align operands: not worth showing.
        while order and order[0] == "x":
            order.pop(0)
        ndim = inp.type.ndim
        inner = _process_with_precedence(pstate, inp, 1000)
        if order == list(range(ndim)):
            r = inner
        elif order == list(reversed(range(ndim))):
            r = f"{inner}.T"
        else:
            spec = ",".join(str(o) for o in node.op.new_order)
            r = f"DimShuffle{{{spec}}}({inner})"
        pstate.memo[output] = r
        return r


class SubtensorPrinter(Printer):
    """Print indexing ops as NumPy indexing: ``x[1:3, ::2]``, ``x[i, idx]``."""

    def _part(self, v, pstate) -> str:
        if v is None:
            return ""
        if isinstance(v, (int, np.integer)):
            return str(int(v))
        if isinstance(v, Constant):
            data = v.data
            if isinstance(data, slice):
                return self._slice(data, pstate)
            if data is None:
                return "None"
            return str(np.asarray(data).tolist())
        owner = v.owner
        if owner is not None and type(owner.op).__name__ == "ScalarFromTensor":
            return self._part(owner.inputs[0], pstate)
        if owner is not None and type(owner.op).__name__ == "MakeSlice":
            parts = [
                None if type(p.type).__name__ == "NoneTypeT" else p
                for p in owner.inputs
            ]
            return self._slice(slice(*parts), pstate)
        return _process_with_precedence(pstate, v, -1000)

    def _slice(self, s: slice, pstate) -> str:
        text = f"{self._part(s.start, pstate)}:{self._part(s.stop, pstate)}"
        if s.step is not None:
            text += f":{self._part(s.step, pstate)}"
        return text

    def _indexed(self, node, index_inputs, pstate) -> str:
        """``x[...]`` for the indexed input ``node.inputs[0]`` and its index inputs."""
        from aesara.tensor.subtensor import indices_from_subtensor

        idx_list = getattr(node.op, "idx_list", None)
        if idx_list is not None:
            entries = indices_from_subtensor(index_inputs, idx_list)
        else:
            entries = tuple(index_inputs)
        parts = [
            self._slice(e, pstate) if isinstance(e, slice) else self._part(e, pstate)
            for e in entries
        ]
        inner = _process_with_precedence(pstate, node.inputs[0], 1000)
        return f"{inner}[{', '.join(parts)}]"

    def process(self, output, pstate):
        if output in pstate.memo:
            return pstate.memo[output]
        node = _require_owner(output, "SubtensorPrinter")
        r = self._indexed(node, node.inputs[1:], pstate)
        pstate.memo[output] = r
        return r


class IncSubtensorPrinter(SubtensorPrinter):
    """Print index updates as the calls that build them.

    ``set_subtensor(x[i], y)`` or ``inc_subtensor(x[1:3], y)``, as in Aesara,
    for basic and advanced index updates alike.
    """

    def process(self, output, pstate):
        if output in pstate.memo:
            return pstate.memo[output]
        node = _require_owner(output, "IncSubtensorPrinter")
        # Inputs are (x, y, *index inputs) for every increment op.
        indexed = self._indexed(node, node.inputs[2:], pstate)
        y = _process_with_precedence(pstate, node.inputs[1], -1000)
        fname = (
            "set_subtensor"
            if getattr(node.op, "set_instead_of_inc", False)
            else "inc_subtensor"
        )
        r = f"{fname}({indexed}, {y})"
        pstate.memo[output] = r
        return r


class ConstantPrinter(Printer):
    """Print a constant as its value (``2``, ``[1 2 3]``), as Aesara's pprint does."""

    def process(self, output, pstate):
        if output in pstate.memo:
            return pstate.memo[output]
        r = str(output.data)
        pstate.memo[output] = r
        return r


constant_printer = ConstantPrinter()


pprint = PPrinter()
pprint.assign(lambda pstate, r: True, default_printer)
pprint.assign(_is_elementwise, _ElementwisePrinter())
pprint.assign(lambda pstate, r: isinstance(r, Constant), constant_printer)
pp = pprint


def register_tensor_printers(printer: PPrinter | None = None) -> None:
    """Key the tensor ops' printers by op in ``printer.printers_dict``.

    A printer registered for an op (or op class) is consulted before any
    condition, as in Aesara: libraries
    that copy ``pprint``'s tables and put their own conditions first (AePPL's
    printer for any variable with a shape) still print a ``DimShuffle``,
    an indexing op or ``x + y`` as aesara does. Called once
    :mod:`aesara.tensor` is loaded.
    """
    printer = pprint if printer is None else printer
    import aesara.tensor.math as atm
    from aesara.tensor.elemwise import DimShuffle, Elemwise
    from aesara.tensor.subtensor import IncSubtensor, Subtensor
    from aesara.tensor.subtensor_advanced import (
        AdvancedIncSubtensor,
        AdvancedIncSubtensor1,
        AdvancedSubtensor,
        AdvancedSubtensor1,
    )

    printer.assign(DimShuffle, DimShufflePrinter())
    for cls in (Subtensor, AdvancedSubtensor1, AdvancedSubtensor):
        printer.assign(cls, SubtensorPrinter())
    for cls in (IncSubtensor, AdvancedIncSubtensor1, AdvancedIncSubtensor):
        printer.assign(cls, IncSubtensorPrinter())
    # Sums print as a call with their axis, as in Aesara: ``sum(x, axis=None)``.
    printer.assign(atm.Sum, FunctionPrinter(["sum"], ["axis"]))
    elementwise = _ElementwisePrinter()
    for name in _SCALAR_PRINTER_SPECS:
        # The module's own names only (its deprecated aliases warn).
        op = vars(atm).get(name)
        if isinstance(op, Elemwise):
            printer.assign(op, elementwise)


# ---------------------------------------------------------------------------
# pydotprint (in its own module: it needs pydot and graphviz)
# ---------------------------------------------------------------------------

from aesara._pydotprint import (  # noqa: E402, F401
    PydotMissingError,
    default_colorCodes,
    pydotprint,
)

__all__ = [
    "IDTypesType",
    "ConstantPrinter",
    "DefaultPrinter",
    "DimShufflePrinter",
    "FunctionPrinter",
    "IgnorePrinter",
    "IncSubtensorPrinter",
    "LeafPrinter",
    "OperatorPrinter",
    "PPrinter",
    "PatternPrinter",
    "Print",
    "Printer",
    "PrinterState",
    "char_from_number",
    "constant_printer",
    "debugprint",
    "default_printer",
    "dprint",
    "get_node_by_id",
    "leaf_printer",
    "op_debug_information",
    "pp",
    "pprint",
    "pydot_imported",
    "pydotprint",
    "set_precedence",
    "special",
    "use_ascii",
]

from aesara._graph_descriptions import (  # noqa: E402, F401
    hex_digest,
    min_informative_str,
    position_independent_str,
    var_descriptor,
)
