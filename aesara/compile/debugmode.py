"""``DebugMode``: a compilation mode that checks ops and rewrites while it runs.

A function compiled with ``mode="DebugMode"`` computes the same results as
one compiled with ``FAST_RUN`` (slowly), and checks along the way:

* every node is run through each implementation it has (the op's Python
  ``perform`` and, where the C backend has a plan for the node, its C thunk)
  and the results are compared (:class:`BadThunkOutput`);
* every value (graph inputs, every node's outputs) is valid for its type and,
  optionally, finite (:class:`InvalidValueError`);
* an op changes only the inputs its ``destroy_map`` declares
  (:class:`BadDestroyMap`), and an output aliases an input or another output
  only where its ``view_map``/``destroy_map`` says so (:class:`BadViewMap`);
  declared in-place work that allocated new memory is logged;
* each rewrite's replacement computes the same value as the variable it
  replaced, on the function's actual inputs (:class:`BadOptimization`, naming
  the rewrite);
* rewriting the same graph several times gives the same sequence of changes
  (:class:`StochasticOrder`);
* ops give the same results when their output cells already hold buffers of
  other layouts: the previous result's, C and Fortran order, strided views
  and arrays of the wrong size (``config.DebugMode__check_preallocated_output``).

How it works: the mode's optimizer attaches a
:class:`_VariableEquivalenceTracker` to the graph, which records every
replacement a rewrite makes (with the rewrite's name and a printout of both
sides); the mode's linker, :class:`_Linker`, evaluates every variable the
graph ever held (replaced ones included) on copies of the inputs, node by
node, and compares.
"""

from __future__ import annotations

import logging
import sys
from io import StringIO

import numpy as np

from aesara.compile._debugmode_checks import (
    PREALLOC_MODES,
    DataDestroyed,
    _check_inputs,
    _check_preallocated_output,
    _check_strides_match,
    _check_viewmap,
    _find_bad_optimizations,
    _get_preallocated_maps,  # noqa: F401 - Aesara keeps it here
    _is_used_in_graph,  # noqa: F401 - Aesara keeps it here
    _lessbroken_deepcopy,
    _not_finite,
    _parse_prealloc,
    check_eq,
    data_destroyed,
    validity_hint,
)
from aesara.compile._debugmode_errors import (
    BadDestroyMap,
    BadOptimization,
    BadThunkOutput,
    BadViewMap,
    DebugModeError,
    InvalidValueError,
    StochasticOrder,
    _graph_text,
    str_diagnostic,
)
from aesara.compile.function.types import FunctionMaker, std_fgraph
from aesara.compile.mode import Mode, register_mode
from aesara.configdefaults import config
from aesara.graph.basic import Constant, io_toposort
from aesara.graph.features import AlreadyThere, Feature
from aesara.graph.op import Op
from aesara.graph.rewriting.db import RewriteDatabaseQuery
from aesara.link.basic import Container, LocalLinker
from aesara.link.utils import raise_with_op

__all__ = [
    "PREALLOC_MODES",
    "BadDestroyMap",
    "BadOptimization",
    "BadThunkOutput",
    "BadViewMap",
    "DataDestroyed",
    "DebugMode",
    "DebugModeError",
    "InvalidValueError",
    "StochasticOrder",
    "check_eq",
    "data_destroyed",
    "default_make_thunk",
    "str_diagnostic",
    "validity_hint",
]

_logger = logging.getLogger("aesara.compile.debugmode")


class _StockMakeThunks(list):
    """The stock ``make_thunk`` functions; ``COp``'s joins once its module loads.

    (``aesara.link.c.op`` is not imported by ``import aesara``; an op that is
    a ``COp`` has loaded it, so the check below sees it when it matters.)
    """

    def _refresh(self) -> None:
        mod = sys.modules.get("aesara.link.c.op")
        if mod is not None and not list.__contains__(self, mod.COp.make_thunk):
            self.append(mod.COp.make_thunk)

    def __contains__(self, item) -> bool:
        self._refresh()
        return super().__contains__(item)

    def __iter__(self):
        self._refresh()
        return super().__iter__()


#: The stock implementations of ``Op.make_thunk``: an op whose class's
#: ``make_thunk`` is not in this list has its own way of building thunks.
default_make_thunk: list = _StockMakeThunks([Op.make_thunk])


# ---------------------------------------------------------------------------
# Recording rewrites
# ---------------------------------------------------------------------------


class _FunctionGraphEvent:
    """One change to a graph: what rewrite-order comparisons look at.

    Events compare equal when their kind, op, input index and reason are
    equal (the nodes themselves belong to different graphs).
    """

    def __init__(self, kind, node, idx=None, reason=None):
        self.kind = kind
        if isinstance(node, str) and node == "output":
            self.node = "output"
            self.op = "output"
        else:
            self.node = node
            self.op = node.op
        self.idx = idx
        self.reason = str(reason)

    def __str__(self):
        if self.kind == "change":
            n_in = "" if self.op == "output" else f" ({len(self.node.inputs)} inputs)"
            return f"change by {self.reason}: {self.op} input {self.idx}{n_in}"
        return f"{self.kind} {self.op} ({self.reason})"

    __repr__ = __str__

    def __eq__(self, other):
        if type(self) is not type(other):
            return False
        return (
            self.kind == other.kind
            and self.idx == other.idx
            and self.reason == other.reason
            and _ops_equal(self.op, other.op)
        )

    def __ne__(self, other):
        return not self == other

    __hash__ = None


def _ops_equal(a, b) -> bool:
    try:
        return bool(a == b)
    except Exception:  # noqa: BLE001 - ops that cannot compare differ
        return False


class _VariableEquivalenceTracker(Feature):
    """Records a graph's history: every variable it ever held, which
    variables replaced which (and by which rewrite), and the event list."""

    def on_attach(self, fgraph):
        if hasattr(fgraph, "_eq_tracker_equiv"):
            raise AlreadyThere()
        fgraph._eq_tracker_equiv = {}
        fgraph._eq_tracker_active_nodes = set()
        fgraph._eq_tracker_inactive_nodes = set()
        fgraph._eq_tracker_fgraph = fgraph
        fgraph._eq_tracker_all_variables_ever = []
        fgraph._eq_tracker_reasons = {}
        fgraph._eq_tracker_replaced_by = {}
        fgraph._eq_tracker_event_list = []
        for node in fgraph.toposort():
            self.on_import(fgraph, node, "var_equiv_on_attach")

    def on_detach(self, fgraph):
        for name in (
            "_eq_tracker_equiv",
            "_eq_tracker_active_nodes",
            "_eq_tracker_inactive_nodes",
            "_eq_tracker_fgraph",
            "_eq_tracker_all_variables_ever",
            "_eq_tracker_reasons",
            "_eq_tracker_replaced_by",
            "_eq_tracker_event_list",
        ):
            if hasattr(fgraph, name):
                delattr(fgraph, name)

    def on_prune(self, fgraph, node, reason):
        fgraph._eq_tracker_event_list.append(
            _FunctionGraphEvent("prune", node, reason=reason)
        )
        fgraph._eq_tracker_active_nodes.discard(node)
        fgraph._eq_tracker_inactive_nodes.add(node)

    def on_import(self, fgraph, node, reason):
        fgraph._eq_tracker_event_list.append(
            _FunctionGraphEvent("import", node, reason=reason)
        )
        fgraph._eq_tracker_active_nodes.add(node)
        if node in fgraph._eq_tracker_inactive_nodes:
            fgraph._eq_tracker_inactive_nodes.discard(node)
            return
        for r in node.outputs:
            if r not in fgraph._eq_tracker_equiv:
                fgraph._eq_tracker_equiv[r] = {r}
                fgraph._eq_tracker_all_variables_ever.append(r)
            fgraph._eq_tracker_reasons.setdefault(r, [])
            fgraph._eq_tracker_replaced_by.setdefault(r, [])
        for r in node.inputs:
            fgraph._eq_tracker_reasons.setdefault(r, [])
            fgraph._eq_tracker_replaced_by.setdefault(r, [])

    def on_change_input(self, fgraph, node, i, r, new_r, reason=None):
        reason = str(reason)
        fgraph._eq_tracker_event_list.append(
            _FunctionGraphEvent("change", node, reason=reason, idx=i)
        )
        reasons = fgraph._eq_tracker_reasons.setdefault(new_r, [])
        fgraph._eq_tracker_replaced_by.setdefault(new_r, [])
        fgraph._eq_tracker_replaced_by.setdefault(r, [])
        if not any(rs == reason and old is r for rs, old, _, _ in reasons):
            # Printed now: later rewrites change the graph.
            reasons.append((reason, r, _graph_text(r), _graph_text(new_r)))
            fgraph._eq_tracker_replaced_by[r].append((reason, new_r))
        equiv = fgraph._eq_tracker_equiv
        for v in (r, new_r):
            if v not in equiv:
                equiv[v] = {v}
                fgraph._eq_tracker_all_variables_ever.append(v)
        r_set, new_set = equiv[r], equiv[new_r]
        if r_set is not new_set:
            r_set.update(new_set)
            for v in new_set:
                equiv[v] = r_set


def _optcheck_fgraph(input_specs, output_specs, accept_inplace=False):
    """The function graph of ``input_specs``/``output_specs`` (as
    :func:`aesara.compile.function.types.std_fgraph` builds it) with a
    :class:`_VariableEquivalenceTracker` attached; returns it and the
    update outputs."""
    fgraph, updates = std_fgraph(input_specs, output_specs, accept_inplace)
    fgraph.attach_feature(_VariableEquivalenceTracker())
    return fgraph, updates


def _replica(fgraph):
    """An independent copy of a not-yet-rewritten function graph, with its
    features (the input protection remapped to the copy's variables)."""
    from aesara.compile.function.types import Supervisor
    from aesara.graph.features import ReplaceValidate

    new, equiv = fgraph.clone_get_equiv(check_integrity=False, attach_feature=False)
    for feature in fgraph._features:
        if isinstance(feature, (ReplaceValidate, _VariableEquivalenceTracker)):
            continue
        if isinstance(feature, Supervisor):
            new.attach_feature(
                Supervisor(equiv[v] for v in feature.protected if v in equiv)
            )
        else:
            new.attach_feature(feature.clone())
    return new


def _event_diff(events0, events1, run) -> str:
    out = StringIO()
    print(
        "Rewriting the same graph twice made different changes: the rewrite order "
        "is not deterministic.",
        file=out,
    )
    print(
        "  (HINT: ops must compare equal by their __props__, and rewrites must not "
        "iterate over sets or dicts keyed by object identity)",
        file=out,
    )
    shown = 0
    for j in range(max(len(events0), len(events1))):
        a = events0[j] if j < len(events0) else None
        b = events1[j] if j < len(events1) else None
        if a is not None and b is not None and a == b:
            continue
        print(f"  event {j}:", file=out)
        print(f"    run 0  : {a if a is not None else '(no event)'}", file=out)
        print(f"    run {run:<3}: {b if b is not None else '(no event)'}", file=out)
        shown += 1
        if shown >= 10:
            print("  ...", file=out)
            break
    return out.getvalue()


class _DebugRewriter:
    """The optimizer of a :class:`DebugMode`: runs the mode's rewrites
    ``stability_patience`` times on copies of the graph, compares the
    changes they made (:class:`StochasticOrder`), and leaves the graph
    rewritten with a :class:`_VariableEquivalenceTracker` attached."""

    def __init__(self, mode: DebugMode):
        self.mode = mode

    def _inner(self):
        opt = self.mode._debug_optimizer
        if isinstance(opt, RewriteDatabaseQuery):
            return self.mode.optdb.query(opt)
        return opt

    def __str__(self):
        return f"DebugMode rewrites ({self.mode.provided_optimizer})"

    def rewrite(self, fgraph, *args, **kwargs):
        patience = self.mode.stability_patience
        # The copies are taken before the graph itself changes.
        replicas = [_replica(fgraph) for _ in range(patience - 1)]
        reference = None
        runs = replicas + [fgraph]
        for k, g in enumerate(runs):
            g.attach_feature(_VariableEquivalenceTracker())
            self._inner().rewrite(g, *args, **kwargs)
            events = g._eq_tracker_event_list
            if reference is None:
                reference = list(events)
            elif events != reference:
                raise StochasticOrder(_event_diff(reference, events, k))
        return None

    def __call__(self, fgraph):
        return self.rewrite(fgraph)


# ---------------------------------------------------------------------------
# The linker
# ---------------------------------------------------------------------------


class _DummyLinker:
    """Stands for "DebugMode's own linker" where a linker must be named."""

    def clone(self, allow_gc=None):
        return self


def _c_available() -> bool:
    from aesara.link.c.compiler import warn_no_compiler
    from aesara.link.c.runtime import runtime_available, start_runtime_build

    pending = start_runtime_build()
    if pending is not None:
        pending.join()
    if runtime_available():
        return True
    warn_no_compiler()
    return False


def _rewrite_context(fgraph, node) -> str:
    """What the tracker knows about the rewrite that inserted ``node``."""
    reasons = getattr(fgraph, "_eq_tracker_reasons", {})
    for out in node.outputs:
        for reason, old_r, old_graph, _new in reasons.get(out, ()):
            return (
                f"A rewrite (probably {reason}) inserted this node in place of "
                f"{old_r}; the graph it replaced:\n{old_graph}"
            )
    return ""


class _Linker(LocalLinker):
    """DebugMode's linker: every node, through every implementation, checked.

    Parameters
    ----------
    mode
        The :class:`DebugMode` whose settings apply.
    """

    def __init__(self, mode=None, schedule=None):
        super().__init__(scheduler=schedule)
        self.mode = mode
        self.no_recycling: list = []

    def accept(self, fgraph, no_recycling=None, profile=None):
        if no_recycling is None:
            no_recycling = []
        if self.fgraph is not None and self.fgraph is not fgraph:
            return type(self)(self.mode, self._scheduler).accept(
                fgraph, no_recycling, profile
            )
        self.fgraph = fgraph
        self.no_recycling = no_recycling
        return self

    def __repr__(self):
        return "DebugMode._Linker()"

    def make_all(
        self,
        profiler=None,
        input_storage=None,
        output_storage=None,
        storage_map=None,
        **kwargs,
    ):
        from aesara.link.c.linker import _computes_like_c

        if self.fgraph is None:
            raise ValueError("DebugMode's linker used before accept(fgraph)")
        fgraph = self.fgraph
        mode = self.mode
        if input_storage is None:
            input_storage = [[None] for _ in fgraph.inputs]
        if output_storage is None:
            output_storage = [[None] for _ in fgraph.outputs]
        if len(input_storage) != len(fgraph.inputs):
            raise ValueError(
                f"{len(input_storage)} input cells for {len(fgraph.inputs)} inputs"
            )

        # Every variable the graph ever held, the replaced ones included, so
        # that each replacement can be compared with what it replaced.
        history = getattr(fgraph, "_eq_tracker_all_variables_ever", None) or []
        targets = list(reversed(history)) + list(fgraph.outputs)
        order = io_toposort(fgraph.inputs, targets)
        active_nodes = set(fgraph.apply_nodes)
        # Cells private to the checks: the function's own cells only see the
        # final values.
        cells: dict = {}
        for node in order:
            for v in node.inputs + node.outputs:
                cells.setdefault(v, [None])
        compute_map = {v: [False] for v in cells}

        use_c = mode.check_c_code and _c_available()
        plans: dict = {}
        artifacts: dict = {}
        if use_c:
            from aesara.link.c.registry import build_plans, plan_for

            for node in order:
                plan = plan_for(node)
                if plan is not None:
                    plans[node] = plan
            artifacts = build_plans(plans.values())

        thunks_py = []
        thunks_c = []
        for node in order:
            thunk_c = None
            plan = plans.get(node)
            if plan is not None and artifacts.get(plan.key) is not None:
                thunk_c = plan.make(artifacts[plan.key], node, cells, compute_map, [])
                thunk_c = _with_compute_map(thunk_c, compute_map)
            thunk_py = None
            if mode.check_py_code or thunk_c is None:
                thunk_py = node.op.make_thunk(node, cells, compute_map, [], impl="py")
                if _computes_like_c(node.op):
                    thunk_py = _quiet(thunk_py)
                thunk_py = _with_compute_map(thunk_py, compute_map)
            thunks_py.append(thunk_py)
            thunks_c.append(thunk_c)

        no_recycling_cells = [
            output_storage[fgraph.outputs.index(v)]
            for v in (
                fgraph.outputs if self.no_recycling is True else self.no_recycling
            )
            if v in fgraph.outputs
        ]
        run = _DebugRun(
            self,
            fgraph,
            order,
            active_nodes,
            cells,
            compute_map,
            thunks_py,
            thunks_c,
            input_storage,
            output_storage,
            no_recycling_cells,
        )
        storage = dict(cells)
        storage.update(zip(fgraph.inputs, input_storage))
        storage.update(zip(fgraph.outputs, output_storage))
        run.storage_map = storage
        run.allow_gc = True
        return (
            run,
            [Container(v, cell) for v, cell in zip(fgraph.inputs, input_storage)],
            [
                Container(v, cell, readonly=True)
                for v, cell in zip(fgraph.outputs, output_storage)
            ],
            thunks_py,
            order,
        )


def _quiet(thunk):
    """Run a NumPy thunk of element-wise math without floating-point warnings,
    as its C counterpart runs."""

    def quiet():
        with np.errstate(all="ignore"):
            return thunk()

    return _copy_attrs(thunk, quiet)


def _with_compute_map(thunk, compute_map):
    """``thunk`` carrying the compute map its re-runs reset (wrapped in a
    Python function when it takes no attributes, as C objects may not)."""
    try:
        thunk._debug_compute_map = compute_map
    except AttributeError:
        thunk = _wrap(thunk)
        thunk._debug_compute_map = compute_map
    return thunk


def _wrap(thunk):
    def call():
        return thunk()

    return _copy_attrs(thunk, call)


def _copy_attrs(thunk, wrapper):
    for name in ("inputs", "outputs", "lazy"):
        if hasattr(thunk, name):
            setattr(wrapper, name, getattr(thunk, name))
    return wrapper


def _def_val() -> int:
    try:
        return int(config.unittests__rseed)
    except (TypeError, ValueError):
        return 666


class _DebugRun:
    """The callable a DebugMode function runs: one checked evaluation."""

    def __init__(
        self,
        linker,
        fgraph,
        order,
        active_nodes,
        cells,
        compute_map,
        thunks_py,
        thunks_c,
        input_storage,
        output_storage,
        no_recycling_cells,
    ):
        self.linker = linker
        self.fgraph = fgraph
        self.order = order
        self.nodes = [n for n in order if n in active_nodes]
        self.active_nodes = active_nodes
        self.cells = cells
        self.compute_map = compute_map
        self.thunks_py = thunks_py
        self.thunks_c = thunks_c
        self.input_storage = input_storage
        self.output_storage = output_storage
        self.no_recycling_cells = no_recycling_cells
        self.n_calls = 0

    def _run_thunk(self, node, thunk, r_vals):
        cells = self.cells
        for r in node.inputs:
            cells[r][0] = _lessbroken_deepcopy(r_vals[r])
            self.compute_map[r][0] = True
        for r in node.outputs:
            cells[r][0] = None
            self.compute_map[r][0] = False
        try:
            needed = thunk()
        except Exception as e:
            context = _rewrite_context(self.fgraph, node)
            if context and e.args and isinstance(e.args[0], str):
                e.args = (f"{e.args[0]}\n{context}", *e.args[1:])
            raise_with_op(self.fgraph, node, thunk)
        if getattr(thunk, "lazy", False) and needed:
            raise DebugModeError(
                f"The lazy thunk of {node} asked for inputs {needed} although "
                "every input was computed"
            )

    def _check_outputs(self, node, hint, check_finite):
        for r in node.outputs:
            value = self.cells[r][0]
            if not r.type.is_valid_value(value):
                raise InvalidValueError(
                    r,
                    value,
                    client_node=node,
                    hint=hint,
                    specific_hint=validity_hint(r.type, value),
                )
            if check_finite and _not_finite(value):
                raise InvalidValueError(
                    r,
                    value,
                    client_node=node,
                    hint=f"{hint}: non-finite value",
                    specific_hint=(
                        "DebugMode checks that values are finite "
                        "(check_isfinite / config.DebugMode__check_finite)"
                    ),
                )

    def __call__(self):
        mode = self.linker.mode
        fgraph = self.fgraph
        cells = self.cells
        # Declared in-place work done out of place is logged on the first call.
        warn_reuse = config.DebugMode__warn_input_not_reused and not self.n_calls
        self.n_calls += 1
        prealloc = mode.check_preallocated_output
        def_val = _def_val()
        check_finite = mode.check_isfinite
        init_outputs = {}
        for out, cell in zip(fgraph.outputs, self.output_storage):
            if cell[0] is not None and not any(
                cell is c for c in self.no_recycling_cells
            ):
                init_outputs[out] = cell[0]
        for cell in self.no_recycling_cells:
            cell[0] = None

        r_vals: dict = {}
        dr_vals: dict = {}
        try:
            for var, cell in zip(fgraph.inputs, self.input_storage):
                value = cell[0]
                if not var.type.is_valid_value(value):
                    hint = (
                        f"graph input '{var}' is missing"
                        if value is None
                        else f"graph input '{var}' has an invalid value"
                    )
                    raise InvalidValueError(
                        var,
                        value,
                        hint=hint,
                        specific_hint=validity_hint(var.type, value),
                    )
                if check_finite and _not_finite(value):
                    raise InvalidValueError(
                        var, value, hint=f"graph input '{var}' is not finite"
                    )
                r_vals[var] = value
            for node in self.order:
                for r in node.inputs:
                    if r.owner is None and r not in r_vals and isinstance(r, Constant):
                        r_vals[r] = r.data

            for thunk_py, thunk_c, node in zip(
                self.thunks_py, self.thunks_c, self.order
            ):
                active = node in self.active_nodes
                if any(r not in r_vals for r in node.inputs):
                    if active:
                        missing = [str(r) for r in node.inputs if r not in r_vals]
                        raise DebugModeError(
                            f"DebugMode has no value for input(s) {missing} of {node}"
                        )
                    # A node of a discarded graph whose inputs cannot be
                    # computed (e.g. a variable that never had a value).
                    continue
                if thunk_py is not None:
                    self._run_thunk(node, thunk_py, r_vals)
                    self._check_outputs(node, "perform output", check_finite)
                    py_inplace = _check_inputs(
                        node,
                        cells,
                        r_vals,
                        dr_vals,
                        self.active_nodes,
                        clobber_dr_vals=True,
                        perform="py",
                        # Only the implementation the normal linkers run.
                        warn_input_not_reused=warn_reuse and active and thunk_c is None,
                    )
                    _check_viewmap(fgraph, node, cells)
                    for r in node.outputs:
                        r_vals[r] = cells[r][0]
                        cells[r][0] = None
                    if prealloc:
                        _check_preallocated_output(
                            fgraph,
                            node,
                            thunk_py,
                            prealloc,
                            def_val,
                            cells,
                            r_vals,
                            dr_vals,
                            "py",
                            self.active_nodes,
                            py_inplace,
                            init_outputs,
                        )
                if thunk_c is not None:
                    self._run_thunk(node, thunk_c, r_vals)
                    self._check_outputs(node, "c output", check_finite)
                    if thunk_py is not None:
                        for r in node.outputs:
                            _check_strides_match(
                                r_vals[r],
                                cells[r][0],
                                mode.require_matching_strides,
                                node.op,
                            )
                    c_inplace = _check_inputs(
                        node,
                        cells,
                        r_vals,
                        dr_vals,
                        self.active_nodes,
                        # What the C thunk leaves in a destroyed input is
                        # what the normal linker (which runs it) leaves.
                        clobber_dr_vals=True,
                        perform="c",
                        warn_input_not_reused=warn_reuse and active,
                    )
                    _check_viewmap(fgraph, node, cells)
                    for r in node.outputs:
                        if r in r_vals:
                            if not check_eq(r, r_vals[r], cells[r][0]):
                                raise BadThunkOutput(
                                    r,
                                    thunk1="perform",
                                    val1=r_vals[r],
                                    thunk2="c_code",
                                    val2=cells[r][0],
                                    inputs_val=[r_vals[i] for i in node.inputs],
                                )
                        else:
                            r_vals[r] = cells[r][0]
                        cells[r][0] = None
                    if prealloc:
                        _check_preallocated_output(
                            fgraph,
                            node,
                            thunk_c,
                            prealloc,
                            def_val,
                            cells,
                            r_vals,
                            dr_vals,
                            "c code",
                            self.active_nodes,
                            c_inplace,
                            init_outputs,
                        )
                for r in node.inputs:
                    cells[r][0] = None

            reasons = getattr(fgraph, "_eq_tracker_reasons", None)
            if reasons:
                _find_bad_optimizations(self.order, reasons, r_vals)

            for out, cell in zip(fgraph.outputs, self.output_storage):
                value = r_vals[out]
                if out.owner is None:
                    value = _lessbroken_deepcopy(value)
                cell[0] = value
            # What in-place nodes did to the function's (mutable) inputs.
            for var, cell in zip(fgraph.inputs, self.input_storage):
                if var not in dr_vals:
                    continue
                new_val = dr_vals[var][0]
                old = cell[0]
                if (
                    isinstance(old, np.ndarray)
                    and isinstance(new_val, np.ndarray)
                    and old.shape == new_val.shape
                    and old.dtype == new_val.dtype
                    and old.flags.writeable
                ):
                    old[...] = new_val
                else:
                    cell[0] = new_val
        finally:
            for cell in cells.values():
                cell[0] = None


# ---------------------------------------------------------------------------
# The mode
# ---------------------------------------------------------------------------


class _Maker(FunctionMaker):
    """A :class:`FunctionMaker` for :class:`DebugMode` (which does not
    support profiling: its timings would measure the checks)."""

    def __init__(self, inputs, outputs, mode, *args, **kwargs):
        if not isinstance(mode, DebugMode):
            raise TypeError(f"_Maker needs a DebugMode, got {mode!r}")
        if kwargs.get("profile"):
            raise ValueError("DebugMode does not support profiling")
        super().__init__(inputs, outputs, mode, *args, **kwargs)


class DebugMode(Mode):
    """A mode that checks every op and every rewrite while it computes.

    Results are those of the rewritten graph (as with ``FAST_RUN``); any
    problem found raises a :class:`DebugModeError` subclass. See the module
    docstring for the list of checks.

    Parameters
    ----------
    optimizer
        The rewrites to run (a name, a query or a rewriter), as for
        :class:`~aesara.compile.mode.Mode`.
    stability_patience
        How many times the graph is rewritten to check that the rewrite order
        is deterministic (default ``config.DebugMode__patience``; 1 skips
        the check).
    check_c_code
        Run (and compare) the C backend's thunk of nodes that have one
        (default ``config.DebugMode__check_c``).
    check_py_code
        Run (and compare) the ops' Python ``perform`` (default
        ``config.DebugMode__check_py``); always run for nodes without C.
    check_isfinite
        Raise on NaN or Inf in inputs and computed values (default
        ``config.DebugMode__check_finite``).
    check_preallocated_output
        Output layouts to re-run every implementation with: a list of, or a
        string of ``:``-separated, ``"initial"``, ``"previous"``,
        ``"c_contiguous"``, ``"f_contiguous"``, ``"strided"``,
        ``"wrong_size"``, ``"ALL"`` (default
        ``config.DebugMode__check_preallocated_output``).
    require_matching_strides
        Compare the strides of the Python and C results: 0 no, 1 warn, 2
        raise (default ``config.DebugMode__check_strides``).
    linker
        Not used: DebugMode runs with its own linker (accepted so that code
        passing the mode's own linker back keeps working).
    db
        The rewrite database queried (default ``optdb``).
    """

    def __init__(
        self,
        optimizer="fast_run",
        stability_patience=None,
        check_c_code=None,
        check_py_code=None,
        check_isfinite=None,
        check_preallocated_output=None,
        require_matching_strides=None,
        linker=None,
        db=None,
    ):
        if linker is not None and not isinstance(linker, (_Linker, _DummyLinker)):
            if not (
                isinstance(linker, str)
                and linker.upper() in ("DEBUGMODE", "DEBUG_MODE")
            ):
                raise ValueError(
                    f"DebugMode runs graphs with its own linker; got linker={linker!r}. "
                    "Leave the linker out."
                )
        settings = {
            "stability_patience": (
                config.DebugMode__patience
                if stability_patience is None
                else stability_patience
            ),
            "check_c_code": (
                config.DebugMode__check_c if check_c_code is None else check_c_code
            ),
            "check_py_code": (
                config.DebugMode__check_py if check_py_code is None else check_py_code
            ),
            "check_isfinite": (
                config.DebugMode__check_finite
                if check_isfinite is None
                else check_isfinite
            ),
            "check_preallocated_output": (
                config.DebugMode__check_preallocated_output
                if check_preallocated_output is None
                else check_preallocated_output
            ),
            "require_matching_strides": (
                config.DebugMode__check_strides
                if require_matching_strides is None
                else require_matching_strides
            ),
        }
        if isinstance(optimizer, str) and optimizer == "default":
            optimizer = config.optimizer
        self._db = db
        self._setup(optimizer, settings)

    def _setup(self, optimizer, settings) -> None:
        patience = settings["stability_patience"]
        if (
            not isinstance(patience, (int, np.integer))
            or isinstance(patience, bool)
            or patience < 1
        ):
            raise ValueError(
                f"stability_patience must be an integer >= 1, got {patience!r}"
            )
        strides = settings["require_matching_strides"]
        if strides not in (0, 1, 2):
            raise ValueError(
                f"require_matching_strides must be 0 (ignore), 1 (warn) or 2 (raise), "
                f"got {strides!r}"
            )
        self.stability_patience = int(patience)
        self.check_c_code = bool(settings["check_c_code"])
        self.check_py_code = bool(settings["check_py_code"])
        self.check_isfinite = bool(settings["check_isfinite"])
        self.check_preallocated_output = _parse_prealloc(
            settings["check_preallocated_output"]
        )
        self.require_matching_strides = int(strides)
        if not (self.check_c_code or self.check_py_code):
            raise ValueError(
                "DebugMode has to check at least one of the C and Python code"
            )
        Mode.__setstate__(self, (_Linker(self), optimizer))
        self.provided_linker = _DummyLinker()
        # The rewrite cache is bypassed (the optimizer is not a query): every
        # rewrite must run under the tracker.
        self._debug_optimizer = self._optimizer
        self._optimizer = _DebugRewriter(self)

    def _settings(self) -> dict:
        return {
            "stability_patience": self.stability_patience,
            "check_c_code": self.check_c_code,
            "check_py_code": self.check_py_code,
            "check_isfinite": self.check_isfinite,
            "check_preallocated_output": list(self.check_preallocated_output),
            "require_matching_strides": self.require_matching_strides,
        }

    def function_maker(self, i, o, m, *args, **kwargs):
        """A :class:`_Maker` for this mode (Aesara's hook for custom makers)."""
        if m is not self:
            raise ValueError("function_maker must be called with this mode")
        return _Maker(i, o, self, *args, **kwargs)

    def __getstate__(self):
        return {
            "optimizer": self.provided_optimizer,
            "settings": self._settings(),
            "db": self._db,
        }

    def __setstate__(self, state):
        if isinstance(state, tuple):
            # Mode's state layout, (linker, optimizer): keep this mode's
            # settings if it has them, else take the configured defaults.
            _, optimizer = state
            if hasattr(self, "stability_patience"):
                settings = self._settings()
            else:
                settings = DebugMode(optimizer=optimizer)._settings()
            state = {
                "optimizer": optimizer,
                "settings": settings,
                "db": getattr(self, "_db", None),
            }
        self._db = state.get("db")
        self._setup(state["optimizer"], state["settings"])

    def clone(self, link_kwargs=None, optimizer="", **kwargs):
        """A copy of this mode (with another optimizer when one is given)."""
        if isinstance(optimizer, str) and optimizer == "":
            optimizer = self.provided_optimizer
        new = type(self).__new__(type(self))
        new._db = self._db
        new._setup(optimizer, self._settings())
        return new

    def __eq__(self, other):
        return self is other or (
            type(self) is type(other)
            and self.provided_optimizer == other.provided_optimizer
            and self._settings() == other._settings()
        )

    def __hash__(self):
        return hash((type(self), str(self.provided_optimizer), self.stability_patience))

    def __str__(self):
        return (
            f"DebugMode(optimizer={self.provided_optimizer}, "
            f"stability_patience={self.stability_patience}, "
            f"check_c_code={self.check_c_code}, check_py_code={self.check_py_code}, "
            f"check_isfinite={self.check_isfinite}, "
            f"check_preallocated_output={self.check_preallocated_output}, "
            f"require_matching_strides={self.require_matching_strides})"
        )

    __repr__ = __str__


register_mode("DEBUG_MODE", DebugMode(optimizer="fast_run"))
