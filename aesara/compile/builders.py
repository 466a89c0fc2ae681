"""``OpFromGraph``: an op whose computation is a graph of other ops.

Wrapping a sub-graph in one op keeps a repeated computation compact in the
outer graph, lets its gradient (``L_op``) and forward derivative (``R_op``)
be replaced by hand-written ones, and, with ``inline=True``, is expanded back
into its ops by the ``inline_ofg_expansion`` rewrite so that the outer
rewrites see through it.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from typing import Any

from aesara.graph.basic import (
    Apply,
    Constant,
    Variable,
    clone_replace,
    graph_inputs,
    io_connection_pattern,
)
from aesara.graph.fg import FunctionGraph
from aesara.graph.null_type import NullType
from aesara.graph.op import HasInnerGraph, Op
from aesara.graph.rewriting.basic import node_rewriter

__all__ = [
    "OpFromGraph",
    "construct_nominal_fgraph",
    "infer_shape",
    "inline_ofg_expansion",
]


def infer_shape(
    outs: Sequence[Variable],
    inputs: Sequence[Variable],
    input_shapes: Sequence[Sequence[Any] | None],
) -> list[tuple[Variable, ...] | None]:
    """The symbolic shapes of ``outs`` given the shapes of their graph's ``inputs``.

    The ops' ``infer_shape`` methods are chained from ``inputs`` to ``outs``
    (nothing is compiled); a shape in the result uses the given input shapes
    wherever the ops tell how.

    Parameters
    ----------
    outs
        The variables whose shapes are wanted.
    inputs
        Variables of their graph whose shapes are given.
    input_shapes
        One entry per input: a sequence of sizes (ints or scalar integer
        variables), one per dimension, or ``None`` (unknown: ``Shape_i`` of
        the input is used).

    Returns
    -------
    list
        One tuple of scalar ``int64`` variables per output (``None`` for an
        output that is not a tensor).
    """
    from aesara.tensor.rewriting.shape import ShapeFeature

    inputs = list(inputs)
    input_shapes = list(input_shapes)
    if len(inputs) != len(input_shapes):
        raise ValueError(
            f"infer_shape: got {len(inputs)} inputs but {len(input_shapes)} input shapes"
        )
    shape_feature = ShapeFeature()
    # Shapes are computed on demand for any variable: an empty graph is
    # enough to host the feature, and nothing of ``outs`` is copied.
    shape_feature.on_attach(FunctionGraph([], []))
    for k, (inp, shp) in enumerate(zip(inputs, input_shapes)):
        ndim = getattr(inp.type, "ndim", None)
        if shp is not None and ndim is not None and len(shp) != ndim:
            raise ValueError(
                f"infer_shape: input_shapes[{k}] has {len(shp)} entries, but input "
                f"{inp} has {ndim} dimensions"
            )
        shape_feature.set_shape(inp, shp)
    return [shape_feature.shape_of[o] for o in outs]


def construct_nominal_fgraph(
    inputs: Sequence[Variable], outputs: Sequence[Variable]
) -> tuple[FunctionGraph, list[Variable]]:
    """A graph of ``outputs`` whose inputs are nominal variables.

    Inner graphs built this way from equal computations are equal (nominal
    inputs are identified by position and type only), so ops holding them can
    be merged. Shared variables the outputs use become trailing inputs, and
    their default updates trailing outputs (recorded in the graph's
    ``update_mapping``).

    Parameters
    ----------
    inputs
        The graph's inputs: variables that are neither constants nor shared.
    outputs
        The graph's outputs.

    Returns
    -------
    tuple
        ``(fgraph, shared_inputs)``: the new graph and the shared variables
        that its trailing inputs stand for.
    """
    from aesara.compile.sharedvalue import SharedVariable
    from aesara.graph.basic import NominalVariable
    from aesara.graph.utils import MissingInputError

    inputs = list(inputs)
    outputs = list(outputs)
    for k, inp in enumerate(inputs):
        if not isinstance(inp, Variable) or isinstance(inp, (Constant, SharedVariable)):
            raise TypeError(
                f"construct_nominal_fgraph: inputs[{k}] must be a Variable that is "
                f"neither a constant nor a shared variable, got {inp!r}"
            )
    shared_inputs: list[Variable] = []
    for v in graph_inputs(outputs, blockers=inputs):
        if isinstance(v, SharedVariable):
            shared_inputs.append(v)
        elif v not in inputs and not isinstance(v, Constant):
            raise MissingInputError(
                f"construct_nominal_fgraph: the outputs depend on {v}, which is "
                "not among the inputs"
            )
    updated = [s for s in shared_inputs if s.default_update is not None]
    all_inputs = inputs + shared_inputs
    nominals = [NominalVariable(n, v.type) for n, v in enumerate(all_inputs)]
    new_outputs = clone_replace(
        outputs + [s.default_update for s in updated],
        dict(zip(all_inputs, nominals)),
    )
    update_mapping = {
        len(outputs) + j: len(inputs) + shared_inputs.index(s)
        for j, s in enumerate(updated)
    }
    fgraph = FunctionGraph(
        nominals, new_outputs, clone=False, update_mapping=update_mapping
    )
    return fgraph, shared_inputs


def _is_default(override: Any) -> bool:
    return isinstance(override, str) and override == "default"


def _is_special_var(v: Any) -> bool:
    """A gradient placeholder: a variable of ``NullType`` or ``DisconnectedType``."""
    from aesara.gradient import DisconnectedType

    return isinstance(v, Variable) and isinstance(v.type, (NullType, DisconnectedType))


def _check_override(override: Any, what: str, n_expected: int) -> Any:
    """Validate the form of an ``*_overrides`` argument (not its results)."""
    if _is_default(override) or isinstance(override, OpFromGraph):
        return override
    if isinstance(override, (list, tuple)):
        if len(override) != n_expected:
            raise ValueError(
                f"{what}: a list of overrides needs one entry per "
                f"{'input' if what != 'rop_overrides' else 'output'} "
                f"({n_expected}), got {len(override)}"
            )
        for k, entry in enumerate(override):
            if not (
                _is_default(entry)
                or entry is None
                or callable(entry)
                or _is_special_var(entry)
            ):
                raise TypeError(
                    f"{what}[{k}] must be 'default', a callable, an OpFromGraph or "
                    f"a NullType/DisconnectedType variable, got {entry!r}"
                )
        return list(override)
    if callable(override):
        return override
    raise TypeError(
        f"{what} must be 'default', a callable, an OpFromGraph or a list of "
        f"those, got {type(override).__name__}"
    )


class OpFromGraph(Op, HasInnerGraph):
    """An op computing ``outputs`` from ``inputs`` through their graph.

    Parameters
    ----------
    inputs
        The graph's inputs (variables without constants or shared variables;
        shared variables the outputs use become implicit inputs).
    outputs
        The graph's outputs.
    inline
        ``True`` to replace the op by its graph during rewriting
        (``inline_ofg_expansion``); otherwise ``perform`` runs the graph as a
        compiled function.
    lop_overrides
        ``"default"`` (differentiate the inner graph), an ``OpFromGraph``
        called on ``inputs + outputs + output_grads``, a callable
        ``f(inputs, outputs, output_grads) -> list`` of input gradients, or a
        list with one entry per input: ``"default"``, a callable/op returning
        that input's gradient, or a ``NullType``/``DisconnectedType`` variable.
    grad_overrides
        Like ``lop_overrides`` without the outputs: ``f(inputs,
        output_grads)``. Mutually exclusive with ``lop_overrides``.
    rop_overrides
        ``"default"``, an ``OpFromGraph`` called on ``inputs + eval_points``,
        a callable ``f(inputs, eval_points) -> list`` of output derivatives, or
        a list with one entry per output (a ``DisconnectedType`` variable
        there means zero).
    connection_pattern
        ``pattern[i][j]``: whether output ``j`` depends on input ``i``
        (default: read from the graph).
    name
        Shown when printing.
    **kwargs
        Passed to :func:`aesara.function` when the inner graph is compiled
        (``mode``...). ``updates`` and ``givens`` are not allowed.
    """

    def __init__(
        self,
        inputs: Sequence[Variable],
        outputs: Sequence[Variable],
        inline: bool = False,
        lop_overrides: Any = "default",
        grad_overrides: Any = "default",
        rop_overrides: Any = "default",
        connection_pattern: Sequence[Sequence[bool]] | None = None,
        name: str | None = None,
        **kwargs: Any,
    ):
        from aesara.compile.sharedvalue import SharedVariable

        if not isinstance(inputs, (list, tuple)):
            raise TypeError(
                f"OpFromGraph: inputs must be a list of variables, got "
                f"{type(inputs).__name__}"
            )
        if not isinstance(outputs, (list, tuple)):
            raise TypeError(
                f"OpFromGraph: outputs must be a list of variables, got "
                f"{type(outputs).__name__}"
            )
        for what, seq in (("inputs", inputs), ("outputs", outputs)):
            for k, v in enumerate(seq):
                if not isinstance(v, Variable):
                    raise TypeError(
                        f"OpFromGraph: {what}[{k}] must be a Variable, got "
                        f"{type(v).__name__}"
                    )
        for k, v in enumerate(inputs):
            if isinstance(v, SharedVariable):
                raise TypeError(
                    f"OpFromGraph: inputs[{k}] ({v}) is a shared variable; shared "
                    "variables used by the outputs are implicit inputs, do not list them"
                )
            if isinstance(v, Constant):
                raise TypeError(
                    f"OpFromGraph: inputs[{k}] ({v}) is a constant; constants are "
                    "not allowed as inputs"
                )
        if len(set(inputs)) != len(inputs):
            raise ValueError("OpFromGraph: the same variable appears twice in inputs")
        if "updates" in kwargs or "givens" in kwargs:
            raise NotImplementedError(
                "OpFromGraph: updates and givens are not allowed in its inner function"
            )
        if not _is_default(lop_overrides) and not _is_default(grad_overrides):
            raise ValueError(
                "OpFromGraph: lop_overrides and grad_overrides are mutually exclusive"
            )

        # Shared variables become trailing inputs of the inner graph; the
        # node receives the shared variables themselves (see ``__call__``).
        # (Only those reached without passing through a declared input: the
        # graph above an input is not part of the op.)
        self.shared_inputs = [
            v
            for v in graph_inputs(outputs, blockers=inputs)
            if isinstance(v, SharedVariable)
        ]
        from aesara.compile.ops import update_placeholder

        for v in self.shared_inputs:
            # As in Aesara: a shared variable read inside the op is not
            # advanced by its old default update (which describes the graph
            # outside); a function leaves it unchanged unless told otherwise.
            v.default_update = update_placeholder(v)
        shared_stand_ins = [s.type() for s in self.shared_inputs]
        for s, stand_in in zip(self.shared_inputs, shared_stand_ins):
            stand_in.name = s.name
        if self.shared_inputs:
            # Declared inputs map to themselves so the copy stops at them.
            replace = {v: v for v in inputs}
            replace.update(zip(self.shared_inputs, shared_stand_ins))
            outputs = clone_replace(list(outputs), replace)
        self.fgraph = FunctionGraph(
            list(inputs) + shared_stand_ins, list(outputs), clone=True
        )
        self.input_types = [v.type for v in self.fgraph.inputs]
        self.output_types = [v.type for v in self.fgraph.outputs]
        self.is_inline = bool(inline)
        self.name = name
        self.kwargs = dict(kwargs)

        n_in, n_out = len(self.fgraph.inputs), len(self.fgraph.outputs)
        n_explicit = len(inputs)
        if _is_default(grad_overrides):
            self.lop_overrides = _check_override(
                lop_overrides, "lop_overrides", n_explicit
            )
            self._lop_with_outputs = True
        else:
            self.lop_overrides = _check_override(
                grad_overrides, "grad_overrides", n_explicit
            )
            self._lop_with_outputs = False
        self.rop_overrides = _check_override(rop_overrides, "rop_overrides", n_out)

        if connection_pattern is None:
            self._connection_pattern = io_connection_pattern(
                self.fgraph.inputs, self.fgraph.outputs
            )
        else:
            pattern = [list(map(bool, row)) for row in connection_pattern]
            if len(pattern) != n_in or any(len(row) != n_out for row in pattern):
                raise ValueError(
                    f"OpFromGraph: connection_pattern must be {n_in} rows (inputs) of "
                    f"{n_out} booleans (outputs), got "
                    f"{[len(row) for row in pattern]}"
                )
            self._connection_pattern = pattern

        self._fn = None
        self._fn_lock = threading.Lock()

    # -- the inner graph ------------------------------------------------------------

    @property
    def inner_inputs(self) -> list[Variable]:
        return self.fgraph.inputs

    @property
    def inner_outputs(self) -> list[Variable]:
        return self.fgraph.outputs

    @property
    def fn(self):
        """The inner graph compiled with ``kwargs`` (once, on first use)."""
        if self._fn is None:
            with self._fn_lock:
                if self._fn is None:
                    from aesara.compile.function import function

                    kwargs = dict(self.kwargs)
                    kwargs.setdefault("on_unused_input", "ignore")
                    fn = function(self.inner_inputs, list(self.inner_outputs), **kwargs)
                    fn.trust_input = True
                    self._fn = fn
        return self._fn

    def clone(self) -> OpFromGraph:
        res = object.__new__(type(self))
        res.__dict__.update(self.__dict__)
        res.fgraph = self.fgraph.clone()
        res._fn = None
        res._fn_lock = threading.Lock()
        return res

    def __getstate__(self):
        state = dict(self.__dict__)
        state["_fn"] = None
        del state["_fn_lock"]
        return state

    def __setstate__(self, state):
        self.__dict__.update(state)
        self._fn_lock = threading.Lock()

    def __str__(self) -> str:
        name = self.name or type(self).__name__
        return f"{name}{{inline={self.is_inline}}}"

    # -- Op interface ---------------------------------------------------------------

    def __call__(self, *inputs: Any, **kwargs: Any):
        # Users pass the explicit inputs; the shared variables follow.
        n_explicit = len(self.inner_inputs) - len(self.shared_inputs)
        if len(inputs) == n_explicit:
            inputs = tuple(inputs) + tuple(self.shared_inputs)
        elif len(inputs) != len(self.inner_inputs):
            raise ValueError(f"{self}: expected {n_explicit} inputs, got {len(inputs)}")
        return super().__call__(*inputs, **kwargs)

    def make_node(self, *inputs: Any) -> Apply:
        if len(inputs) != len(self.input_types):
            raise ValueError(
                f"{self}: expected {len(self.input_types)} inputs (shared variables "
                f"included), got {len(inputs)}"
            )
        checked = []
        for k, (t, v) in enumerate(zip(self.input_types, inputs)):
            try:
                checked.append(t.filter_variable(v))
            except TypeError as e:
                got = getattr(v, "type", type(v).__name__)
                raise TypeError(
                    f"{self}: input {k} must be of type {t}, got {got}"
                ) from e
        return Apply(self, checked, [t() for t in self.output_types])

    def perform(self, node, inputs, output_storage, params=None) -> None:
        results = self.fn(*inputs)
        if not isinstance(results, (list, tuple)):
            results = [results]
        for cell, value in zip(output_storage, results):
            cell[0] = value

    def connection_pattern(self, node: Apply) -> list[list[bool]]:
        return [list(row) for row in self._connection_pattern]

    def infer_shape(self, fgraph, node, input_shapes):
        from aesara.tensor.rewriting.shape import ShapeFeature

        shape_feature = ShapeFeature()
        inner = FunctionGraph(
            list(self.inner_inputs),
            list(self.inner_outputs),
            features=[shape_feature],
            clone=True,
        )
        for inp, shp in zip(inner.inputs, input_shapes):
            if shp is not None:
                shape_feature.set_shape(inp, tuple(shp))
        out_shapes = [shape_feature.shape_of[o] for o in inner.outputs]
        # The shapes may still mention the inner inputs: point them at the node's.
        flat = [s for shp in out_shapes if shp is not None for s in shp]
        if not flat:
            return out_shapes
        replaced = clone_replace(flat, dict(zip(inner.inputs, node.inputs)))
        res, k = [], 0
        for shp in out_shapes:
            if shp is None:
                res.append(None)
                continue
            res.append(tuple(replaced[k : k + len(shp)]))
            k += len(shp)
        return res

    # -- derivatives ----------------------------------------------------------------

    def _stand_ins(self):
        """Fresh inner inputs and the inner outputs recomputed from them."""
        ins = [t() for t in self.input_types]
        for stand_in, inner in zip(ins, self.inner_inputs):
            stand_in.name = inner.name
        outs = clone_replace(
            list(self.inner_outputs), dict(zip(self.inner_inputs, ins))
        )
        return ins, outs

    def _call_override(self, override, ins, outs, grads):
        if self._lop_with_outputs:
            return override(ins, outs, grads)
        return override(ins, grads)

    def L_op(self, inputs, outputs, output_grads):
        from aesara.gradient import disconnected_type, grad

        override = self.lop_overrides
        n_explicit = len(self.inner_inputs) - len(self.shared_inputs)
        if isinstance(override, OpFromGraph):
            args = list(inputs[:n_explicit])
            if self._lop_with_outputs:
                args += list(outputs)
            res = override(*args, *output_grads)
            res = list(res) if isinstance(res, (list, tuple)) else [res]
            return res + [disconnected_type() for _ in self.shared_inputs]

        ins, outs = self._stand_ins()
        grad_stand_ins = [g.type() for g in output_grads]

        def default_grads():
            known = {
                o: g for o, g in zip(outs, grad_stand_ins) if not _is_special_var(g)
            }
            if not known:
                return [disconnected_type() for _ in ins]
            return grad(
                None,
                ins,
                known_grads=known,
                disconnected_inputs="ignore",
                return_disconnected="disconnected",
                null_gradients="return",
            )

        explicit_ins = ins[:n_explicit]
        if _is_default(override):
            in_grads = list(default_grads())
        elif isinstance(override, list):
            defaults = None
            in_grads = []
            for k, entry in enumerate(override):
                if _is_default(entry):
                    if defaults is None:
                        defaults = default_grads()
                    in_grads.append(defaults[k])
                elif entry is None:
                    in_grads.append(disconnected_type())
                elif _is_special_var(entry):
                    in_grads.append(entry)
                else:
                    in_grads.append(
                        self._call_override(entry, explicit_ins, outs, grad_stand_ins)
                    )
            in_grads += [disconnected_type() for _ in self.shared_inputs]
        else:
            in_grads = self._call_override(override, explicit_ins, outs, grad_stand_ins)
            if not isinstance(in_grads, (list, tuple)):
                raise TypeError(
                    f"{self}: the gradient override must return a list of "
                    f"gradients, got {type(in_grads).__name__}"
                )
            in_grads = list(in_grads)
            if len(in_grads) != n_explicit:
                raise ValueError(
                    f"{self}: the gradient override returned {len(in_grads)} "
                    f"gradients for {n_explicit} inputs"
                )
            in_grads += [disconnected_type() for _ in self.shared_inputs]

        in_grads = [disconnected_type() if g is None else g for g in in_grads]
        # The computed gradients become one op of the stand-ins, the
        # forward outputs (reused rather than recomputed) and the output
        # gradients; special (null/disconnected) ones are returned as they are.
        out_stand_ins = [t() for t in self.output_types]
        computed = [k for k, g in enumerate(in_grads) if not _is_special_var(g)]
        if not computed:
            return in_grads
        graphs = clone_replace(
            [in_grads[k] for k in computed], dict(zip(outs, out_stand_ins))
        )
        grad_inputs = [g for g in grad_stand_ins]
        lop_op = type(self)(
            ins + out_stand_ins + grad_inputs,
            graphs,
            inline=self.is_inline,
            name=f"{self.name or 'OpFromGraph'}_grad",
            on_unused_input="ignore",
        )
        values = lop_op(*inputs, *outputs, *output_grads)
        values = list(values) if isinstance(values, (list, tuple)) else [values]
        res = list(in_grads)
        for k, v in zip(computed, values):
            res[k] = v
        return res

    def R_op(self, inputs, eval_points):
        from aesara.gradient import DisconnectedType, Rop
        from aesara.tensor.basic import zeros_like

        override = self.rop_overrides
        n_explicit = len(self.inner_inputs) - len(self.shared_inputs)
        if isinstance(override, OpFromGraph):
            res = override(*inputs[:n_explicit], *eval_points[:n_explicit])
            return list(res) if isinstance(res, (list, tuple)) else [res]

        ins, outs = self._stand_ins()
        ev_stand_ins = [None if e is None else e.type() for e in eval_points]

        def default_rops():
            wrt = [i for i, e in zip(ins, ev_stand_ins) if e is not None]
            evs = [e for e in ev_stand_ins if e is not None]
            if not wrt:
                return [None] * len(outs)
            res = Rop(
                outs,
                wrt,
                evs,
                disconnected_outputs="ignore",
                return_disconnected="disconnected",
            )
            return [
                None
                if r is None or isinstance(getattr(r, "type", None), DisconnectedType)
                else r
                for r in res
            ]

        if _is_default(override):
            rops = default_rops()
        elif isinstance(override, list):
            defaults = None
            rops = []
            for k, entry in enumerate(override):
                if _is_default(entry):
                    if defaults is None:
                        defaults = default_rops()
                    rops.append(defaults[k])
                elif entry is None:
                    rops.append(None)
                elif _is_special_var(entry):
                    # A disconnected forward derivative is a zero one.
                    if isinstance(entry.type, DisconnectedType):
                        rops.append(zeros_like(outs[k]))
                    else:
                        rops.append(entry)
                else:
                    rops.append(entry(ins[:n_explicit], ev_stand_ins[:n_explicit]))
        else:
            rops = override(ins[:n_explicit], ev_stand_ins[:n_explicit])
            if not isinstance(rops, (list, tuple)) or len(rops) != len(outs):
                raise ValueError(
                    f"{self}: the R_op override must return a list of {len(outs)} "
                    f"results, got {rops!r}"
                )
            rops = list(rops)

        computed = [
            k for k, r in enumerate(rops) if r is not None and not _is_special_var(r)
        ]
        res: list[Any] = list(rops)
        if not computed:
            return res
        rop_ins = ins + [e for e in ev_stand_ins if e is not None]
        rop_op = type(self)(
            rop_ins,
            [rops[k] for k in computed],
            inline=self.is_inline,
            name=f"{self.name or 'OpFromGraph'}_rop",
            on_unused_input="ignore",
        )
        values = rop_op(*inputs, *[e for e in eval_points if e is not None])
        values = list(values) if isinstance(values, (list, tuple)) else [values]
        for k, v in zip(computed, values):
            res[k] = v
        return res


@node_rewriter([OpFromGraph])
def inline_ofg_expansion(fgraph, node) -> list[Variable] | None:
    """Replace an ``OpFromGraph(inline=True)`` node by its inner graph."""
    op = node.op
    if not isinstance(op, OpFromGraph) or not op.is_inline:
        return None
    return clone_replace(
        list(op.inner_outputs), dict(zip(op.inner_inputs, node.inputs))
    )


def _register_inline_rewrite() -> None:
    from aesara.compile.mode import optdb
    from aesara.graph.rewriting.basic import in2out

    # As in Aesara: a stage of its own, before the first merge and the scan
    # rewrites, so a query for just "canonicalize" leaves OpFromGraphs whole
    # (libraries rely on that to keep marker OpFromGraphs, e.g. AePPL's).
    optdb.register(
        "inline_ofg_expansion",
        in2out(inline_ofg_expansion, name="inline_ofg_expansion"),
        "fast_compile",
        "fast_run",
        position=-0.01,
    )


_register_inline_rewrite()
