"""Composite: one scalar op made of a graph of scalar ops.

Element-wise fusion builds these: a chain such as ``exp(x) + y * 2`` becomes
one :class:`Composite` applied once per element. Import it from
:mod:`aesara.scalar.basic` (or :mod:`aesara.scalar`).
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from aesara.graph.basic import (
    Apply,
    Constant,
    Variable,
    clone_get_equiv,
    clone_replace,
    graph_inputs,
    io_connection_pattern,
    io_toposort,
)
from aesara.graph.op import HasInnerGraph
from aesara.scalar._ops import (
    AND,
    EQ,
    GE,
    GT,
    LE,
    LT,
    NEQ,
    OR,
    XOR,
    Add,
    Cast,
    IntDiv,
    Invert,
    Mod,
    Mul,
    Neg,
    Pow,
    Sub,
    TrueDiv,
    add,
    cast,
    identity,
)
from aesara.scalar.basic import (
    ScalarConstant,
    ScalarOp,
    ScalarType,
    _cast_to_dtype,
    _disconnected_grad,
    _float_zeros_like,
    _is_disconnected,
    as_scalar,
    float16,
    float32,
)

# Longest readable name kept for a Composite (its printed form).
_MAX_NAME = 1000
_INFIX = {
    Add: "+",
    Sub: "-",
    Mul: "*",
    TrueDiv: "/",
    IntDiv: "//",
    Mod: "%",
    Pow: "**",
    LT: "<",
    GT: ">",
    LE: "<=",
    GE: ">=",
    EQ: "==",
    NEQ: "!=",
    AND: "&",
    OR: "|",
    XOR: "^",
}
_PREFIX = {Neg: "-", Invert: "~"}

_composite_ids = itertools.count()


def _is_null(g: Any) -> bool:
    return type(getattr(g, "type", None)).__name__ == "NullType"


def scalar_graph_grad(
    inputs: Sequence[Variable],
    outputs: Sequence[Variable],
    output_grads: Sequence[Variable | None],
) -> list[Variable | None]:
    """Reverse-mode gradient through a graph of scalar ops.

    Parameters
    ----------
    inputs
        The variables to differentiate with respect to.
    outputs
        Variables computed from ``inputs``.
    output_grads
        The gradient of the cost w.r.t. each output (``None`` or a
        disconnected variable when the cost does not depend on it).

    Returns
    -------
    list
        The gradient w.r.t. each input, or ``None`` where no output reached by
        a gradient depends on it.
    """
    acc: dict[Variable, list[Variable]] = {}
    for o, g in zip(outputs, output_grads):
        if not _is_disconnected(g):
            acc.setdefault(o, []).append(g)

    def total(v):
        gs = acc.get(v)
        if not gs:
            return None
        for g in gs:
            if _is_null(g):
                # An undefined gradient stays undefined whatever is added.
                return g
        return gs[0] if len(gs) == 1 else add(*gs)

    for node in reversed(io_toposort(inputs, outputs)):
        gouts = [total(o) for o in node.outputs]
        if all(g is None for g in gouts):
            continue
        null = next((g for g in gouts if g is not None and _is_null(g)), None)
        if null is not None:
            for inp in node.inputs:
                if not isinstance(inp, Constant):
                    acc.setdefault(inp, []).append(null)
            continue
        gouts = [
            g if g is not None else _float_zeros_like(o)
            for g, o in zip(gouts, node.outputs)
        ]
        igrads = node.op.L_op(node.inputs, node.outputs, gouts)
        if len(igrads) != len(node.inputs):
            raise ValueError(
                f"{node.op}.L_op returned {len(igrads)} gradients for "
                f"{len(node.inputs)} inputs"
            )
        for inp, g in zip(node.inputs, igrads):
            if isinstance(inp, Constant) or _is_disconnected(g):
                continue
            acc.setdefault(inp, []).append(g)
    return [total(i) for i in inputs]


class Composite(ScalarOp, HasInnerGraph):
    """A scalar op computing ``outputs`` from ``inputs`` through a scalar graph.

    Parameters
    ----------
    inputs
        Free scalar variables (no owner, not constants).
    outputs
        Scalar variables computed from ``inputs`` (and constants) by
        :class:`ScalarOp` nodes.
    name
        The name to print; by default a readable rendering of the graph such
        as ``"Composite{(i0 + exp(i1))}"``.

    Notes
    -----
    The graph is copied, so later changes to the caller's variables do not
    affect the op; the copy's inputs are named ``i0``, ``i1``... Two
    composites of structurally identical graphs compare (and hash) equal.
    """

    init_param = ("inputs", "outputs")

    def __init__(
        self,
        inputs: Sequence[Variable],
        outputs: Sequence[Variable],
        name: str | None = None,
    ):
        inputs = list(inputs)
        outputs = list(outputs)
        if not outputs:
            raise ValueError("A Composite needs at least one output")
        for k, v in enumerate(inputs):
            if not isinstance(v, Variable) or not isinstance(v.type, ScalarType):
                raise TypeError(
                    f"Input {k} of a Composite must be a scalar variable, got {v!r}"
                )
            if v.owner is not None or isinstance(v, Constant):
                raise ValueError(
                    f"Input {k} ({v}) of a Composite must be a free variable "
                    "(not computed by a node, not a constant)"
                )
        if len(set(inputs)) != len(inputs):
            raise ValueError("The inputs of a Composite must be distinct variables")
        input_set = set(inputs)
        checked = []
        for k, v in enumerate(outputs):
            if not isinstance(v, Variable) or not isinstance(v.type, ScalarType):
                raise TypeError(
                    f"Output {k} of a Composite must be a scalar variable, got {v!r}"
                )
            # Every output must be computed by a node: wrap inputs/constants.
            if v.owner is None:
                v = identity(v)
            checked.append(v)
        outputs = checked
        for v in graph_inputs(outputs, blockers=inputs):
            if v not in input_set and not isinstance(v, Constant):
                raise ValueError(
                    f"The outputs of the Composite depend on {v} (type {v.type}), "
                    "which is not one of its inputs"
                )
        for node in io_toposort(inputs, outputs):
            if not isinstance(node.op, ScalarOp):
                raise TypeError(
                    f"A Composite may only contain scalar ops, found {node.op}"
                )

        equiv = clone_get_equiv(inputs, outputs, copy_inputs=True, copy_orphans=False)
        self.inputs = [equiv[v] for v in inputs]
        for k, v in enumerate(self.inputs):
            v.name = f"i{k}"
        self.outputs = [equiv[v] for v in outputs]
        self.inputs_type = tuple(v.type for v in self.inputs)
        self.outputs_type = tuple(v.type for v in self.outputs)
        self.nin = len(self.inputs)
        self.nout = len(self.outputs)
        self.name = name if name is not None else self._readable_name()

    # -- inner graph ---------------------------------------------------------

    def inner_graph_order(self) -> list[Apply]:
        """The inner nodes in an order in which they can be computed."""
        order = self.__dict__.get("_order")
        if order is None:
            order = self._order = io_toposort(self.inputs, self.outputs)
        return order

    @property
    def fgraph(self):
        """A :class:`FunctionGraph` over the inner graph (built once)."""
        fg = self.__dict__.get("_fgraph")
        if fg is None:
            from aesara.graph.fg import FunctionGraph

            fg = self._fgraph = FunctionGraph(self.inputs, self.outputs, clone=False)
        return fg

    @property
    def inner_inputs(self) -> list[Variable]:
        return self.inputs

    @property
    def inner_outputs(self) -> list[Variable]:
        return self.outputs

    @property
    def fn(self) -> Callable:
        """The Python function evaluating the inner graph (see :meth:`impl`)."""
        return self._get_impl()

    def clone(self) -> Composite:
        return Composite(self.inputs, self.outputs, name=self.name)

    def _readable_name(self) -> str:
        # A value used by several inner nodes is written once, as ``tK=...``:
        # spelling it out at every use grows exponentially with re-use.
        text: dict[Variable, str] = {v: v.name for v in self.inputs}
        uses: dict[Variable, int] = {}
        for node in self.inner_graph_order():
            for v in node.inputs:
                uses[v] = uses.get(v, 0) + 1
        for o in self.outputs:
            uses[o] = uses.get(o, 0) + 1
        defs: list[str] = []

        def fmt(v):
            if v in text:
                return text[v]
            if isinstance(v, Constant):
                return str(v.data)
            return str(v)

        for node in self.inner_graph_order():
            args = [fmt(v) for v in node.inputs]
            op = node.op
            sym = _INFIX.get(type(op))
            if sym is not None and len(args) >= 2:
                s = "(" + f" {sym} ".join(args) + ")"
            elif type(op) in _PREFIX and len(args) == 1:
                s = f"{_PREFIX[type(op)]}{args[0]}"
            else:
                s = f"{op}({', '.join(args)})"
            if len(node.outputs) == 1:
                out = node.outputs[0]
                if uses.get(out, 0) > 1 and out not in self.outputs:
                    name = f"t{len(defs)}"
                    defs.append(f"{name}={s}")
                    s = name
                text[out] = s
            else:
                for j, o in enumerate(node.outputs):
                    text[o] = f"{s}[{j}]"
        body = ", ".join(text[o] for o in self.outputs)
        if defs:
            body = ", ".join(defs) + "; " + body
        if len(body) > _MAX_NAME:
            body = body[: _MAX_NAME - 3] + "..."
        return "Composite{" + body + "}"

    # -- evaluation -----------------------------------------------------------

    def _get_impl(self) -> Callable:
        fn = self.__dict__.get("_impl_fn")
        if fn is None:
            fn = self._impl_fn = self._build_impl()
        return fn

    def _build_impl(self) -> Callable:
        # Generate straight-line Python: one call per inner node, each result
        # cast to the node's declared dtype (as separate nodes would be), so
        # calls cost no graph walk and work on arrays element-wise as well.
        env: dict[str, Any] = {"_cast": _cast_to_dtype}
        names: dict[Variable, str] = {}
        args = [f"i{k}" for k in range(self.nin)]
        for v, a in zip(self.inputs, args):
            names[v] = a
        lines = []
        n_const = 0
        for n, node in enumerate(self.inner_graph_order()):
            argnames = []
            for v in node.inputs:
                if v not in names:
                    if not isinstance(
                        v, Constant
                    ):  # pragma: no cover - checked in __init__
                        raise ValueError(f"Free variable {v} in a Composite")
                    cname = f"c{n_const}"
                    n_const += 1
                    env[cname] = v.data
                    names[v] = cname
                argnames.append(names[v])
            fname = f"f{n}"
            env[fname] = node.op.impl
            call = f"{fname}({', '.join(argnames)})"
            if len(node.outputs) == 1:
                out = f"v{n}"
                lines.append(
                    f"    {out} = _cast({call}, {node.outputs[0].type.dtype!r})"
                )
                names[node.outputs[0]] = out
            else:
                lines.append(f"    r{n} = {call}")
                for j, o in enumerate(node.outputs):
                    out = f"v{n}_{j}"
                    lines.append(f"    {out} = _cast(r{n}[{j}], {o.type.dtype!r})")
                    names[o] = out
        if self.nout == 1:
            lines.append(f"    return {names[self.outputs[0]]}")
        else:
            lines.append(f"    return ({', '.join(names[o] for o in self.outputs)},)")
        src = f"def composite_impl({', '.join(args)}):\n" + "\n".join(lines) + "\n"
        self._impl_source = src
        code = compile(src, f"<aesara Composite {next(_composite_ids)}>", "exec")
        exec(code, env)
        return env["composite_impl"]

    def impl(self, *inputs: Any) -> Any:
        if len(inputs) != self.nin:
            raise TypeError(f"{self} expects {self.nin} inputs, got {len(inputs)}")
        return self._get_impl()(*inputs)

    # -- node construction ---------------------------------------------------

    def output_types(self, types: Sequence[ScalarType]) -> list[ScalarType]:
        return list(self.outputs_type)

    def make_node(self, *inputs: Any) -> Apply:
        if len(inputs) != self.nin:
            raise TypeError(
                f"Wrong number of inputs for {self}.make_node: expected {self.nin}, "
                f"got {len(inputs)}"
            )
        converted = []
        for i, inp in enumerate(inputs):
            try:
                converted.append(as_scalar(inp))
            except TypeError as e:
                raise TypeError(f"Input {i} of {self}: {e}") from e
        if tuple(v.type for v in converted) == self.inputs_type:
            return Apply(self, converted, [t() for t in self.outputs_type])
        # Other input types: rebuild the inner graph for them (output types
        # may change), then apply the new composite.
        new_inputs = [v.type() for v in converted]
        new_outputs = clone_replace(
            self.outputs, replace=dict(zip(self.inputs, new_inputs)), strict=False
        )
        return Composite(new_inputs, new_outputs).make_node(*converted)

    def connection_pattern(self, node: Apply) -> list[list[bool]]:
        return io_connection_pattern(self.inputs, self.outputs)

    def L_op(self, inputs, outputs, output_gradients):
        inner = scalar_graph_grad(self.inputs, self.outputs, output_gradients)
        rval: list = [None] * len(inner)
        to_rebuild = []
        for k, g in enumerate(inner):
            if g is None:
                rval[k] = _disconnected_grad(inputs[k])
            elif _is_null(g):
                rval[k] = g
            else:
                to_rebuild.append(k)
        if to_rebuild:
            # Express the gradients in terms of the node's actual inputs.
            rebuilt = clone_replace(
                [inner[k] for k in to_rebuild],
                replace=dict(zip(self.inputs, inputs)),
                strict=False,
            )
            for k, g in zip(to_rebuild, rebuilt):
                rval[k] = g
        return rval

    # -- identity, printing and pickling --------------------------------------

    def _structure_key(self) -> tuple:
        key = self.__dict__.get("_key")
        if key is not None:
            return key
        ref: dict[Variable, tuple] = {v: ("i", k) for k, v in enumerate(self.inputs)}
        entries = []
        for n, node in enumerate(self.inner_graph_order()):
            args = []
            for v in node.inputs:
                if v in ref:
                    args.append(ref[v])
                else:
                    data = np.asarray(v.data)
                    args.append(("c", v.type.dtype, data.tobytes()))
            entries.append((node.op, tuple(args)))
            for j, o in enumerate(node.outputs):
                ref[o] = ("n", n, j)
        key = (
            self.inputs_type,
            self.outputs_type,
            tuple(entries),
            tuple(ref[o] for o in self.outputs),
        )
        self._key = key
        return key

    def __eq__(self, other):
        if self is other:
            return True
        return (
            type(self) is type(other)
            and self.nin == other.nin
            and self.nout == other.nout
            and self._structure_key() == other._structure_key()
        )

    def __hash__(self):
        h = self.__dict__.get("_hash")
        if h is None:
            h = self._hash = hash((type(self), self._structure_key()))
        return h

    def __str__(self):
        return self.name

    def __getstate__(self):
        d = self.__dict__.copy()
        # Caches are rebuilt on demand; the generated function cannot be
        # pickled, and a hash is only valid in the process that computed it.
        # The structure key is kept: it is plain data, and computing it again
        # (a walk of the inner graph) is most of what hashing an unpickled
        # Composite costs (compiled graphs loaded from the rewrite cache).
        for k in ("_impl_fn", "_fgraph", "_hash", "_order"):
            d.pop(k, None)
        return d

    def __setstate__(self, d):
        self.__dict__.update(d)


# ---------------------------------------------------------------------------
# float16 -> float32
# ---------------------------------------------------------------------------


class Compositef32:
    """Rewrite a scalar graph to compute in ``float32`` where it used ``float16``.

    Half precision has no arithmetic of its own on most hardware: a backend
    loads ``float16`` values, computes in ``float32`` and stores the result
    back. :meth:`apply` makes the ``float32`` version of a scalar graph:
    ``float16`` inputs and constants become ``float32`` ones, every node is
    rebuilt on the new inputs, and node kinds listed in :attr:`special`
    (casts, nested composites) are handled by their own function.

    Attributes
    ----------
    special
        Maps a :class:`ScalarOp` class to ``handler(node, mapping)``, which
        must put the replacement of each of ``node``'s outputs in ``mapping``
        (a dict from old to new variables).
    """

    special: dict[type, Callable[[Apply, dict], None]] = {}

    def apply(self, fgraph: Any) -> tuple[list[Variable], list[Variable]]:
        """Return ``(new_inputs, new_outputs)``, the ``float32`` version of ``fgraph``.

        Parameters
        ----------
        fgraph
            A scalar :class:`~aesara.graph.fg.FunctionGraph` (anything with
            ``inputs``, ``outputs`` and ``toposort()``), e.g. a
            :class:`Composite`'s ``fgraph``. It is not modified.

        Raises
        ------
        TypeError
            When a node still produces ``float16`` once rebuilt on ``float32``
            inputs (its op fixes that output dtype).
        ValueError
            When a node reads a variable that is neither a graph input, a
            node output nor a constant.
        """
        mapping: dict[Variable, Variable] = {}
        for inp in fgraph.inputs:
            if inp.type == float16:
                new = float32(inp.name)
                test_value = getattr(inp.tag, "test_value", None)
                if test_value is not None:
                    new.tag.test_value = np.float32(test_value)
                mapping[inp] = new
            else:
                mapping[inp] = inp
        for node in fgraph.toposort():
            for inp in node.inputs:
                if inp in mapping:
                    continue
                if not isinstance(inp, Constant):
                    raise ValueError(
                        f"Compositef32: {node.op} reads {inp}, which is not an "
                        "input of the graph, a node output or a constant"
                    )
                mapping[inp] = (
                    ScalarConstant(float32, np.float32(inp.data), name=inp.name)
                    if inp.type == float16
                    else inp
                )
            handler = next(
                (
                    self.special[cls]
                    for cls in type(node.op).__mro__
                    if cls in self.special
                ),
                None,
            )
            if handler is not None:
                handler(node, mapping)
                continue
            new_node = node.clone_with_new_inputs(
                [mapping[i] for i in node.inputs], strict=False
            )
            for out, new_out in zip(node.outputs, new_node.outputs):
                if new_out.type == float16:
                    raise TypeError(
                        f"Compositef32: {node.op} still outputs float16 on "
                        f"float32 inputs ({new_node})"
                    )
                mapping[out] = new_out
        return (
            [mapping[i] for i in fgraph.inputs],
            [mapping[o] for o in fgraph.outputs],
        )


#: The shared :class:`Compositef32` instance.
composite_f32 = Compositef32()


def handle_cast(node: Apply, mapping: dict) -> None:
    """:class:`Compositef32` handler for a :class:`Cast` node.

    A cast to ``float16`` becomes a cast to ``float32``; a cast whose (new)
    input already has the target dtype disappears.
    """
    target = node.op.o_type
    dtype = "float32" if target == float16 else target.dtype
    (out,) = node.outputs
    mapping[out] = cast(mapping[node.inputs[0]], dtype)


def handle_composite(node: Apply, mapping: dict) -> None:
    """:class:`Compositef32` handler for a nested :class:`Composite` node:
    its inner graph is converted too, and the new composite applied."""
    new_inner_ins, new_inner_outs = composite_f32.apply(node.op.fgraph)
    new_op = Composite(new_inner_ins, new_inner_outs)
    new_outs = new_op.make_node(*[mapping[i] for i in node.inputs]).outputs
    for out, new_out in zip(node.outputs, new_outs):
        mapping[out] = new_out


Compositef32.special[Cast] = handle_cast
Compositef32.special[Composite] = handle_composite
