"""Compiled functions: :class:`FunctionMaker` builds, rewrites and links a
graph; :class:`Function` is the callable it produces."""

from __future__ import annotations

import copy as copy_module
import itertools
import threading
import time
import warnings
from collections.abc import Iterable, Sequence
from functools import partial
from typing import Any

from aesara.compile.io import In, SymbolicInput, SymbolicOutput
from aesara.compile.ops import deep_copy_op, view_op
from aesara.graph.basic import Constant, Variable, ancestors, graph_inputs
from aesara.graph.features import Feature, PreserveVariableAttributes
from aesara.graph.fg import FunctionGraph
from aesara.graph.utils import InconsistencyError
from aesara.link.basic import Container

__all__ = [
    "DUPLICATE",
    "AliasedMemoryError",
    "convert_function_input",
    "fgraph_updated_vars",
    "get_info_on_inputs",
    "orig_function",
    "Function",
    "FunctionMaker",
    "Supervisor",
    "UnusedInputError",
    "alias_root",
    "infer_reuse_pattern",
    "insert_deepcopy",
    "std_fgraph",
    "view_tree_set",
]


class SwapError(TypeError, AssertionError):
    """A bad ``swap`` argument of :meth:`Function.copy`.

    Aesara raises ``AssertionError`` here; deriving from both lets code that
    catches either keep working while the message says what was wrong.
    """


def _copy_profile(profile, name: str | None):
    """The profile object for a function copy (``Function.copy(profile=...)``).

    ``None`` follows ``config.profile`` (as a new function would), ``True`` or a
    string makes a new :class:`ProfileStats` (named by the string, else by the
    copy's name), ``False`` turns profiling off, an object is used as is.
    """
    if profile is None:
        from aesara.configdefaults import config

        # As in Aesara, a copy is profiled only if asked or if config.profile
        # is on: it does not inherit the original's profile.
        profile = bool(config.profile) or config.print_global_stats
    if profile is True or isinstance(profile, str):
        from aesara.compile.profiling import ProfileStats

        message = profile if isinstance(profile, str) else (name or "copy")
        return ProfileStats(message=message)
    if profile is False:
        return None
    return profile


class UnusedInputError(Exception):
    """An input of a function is not needed to compute its outputs."""


_MISSING = object()

#: What a function's lookup table (``Function._finder``) holds for an input
#: name shared by several inputs: the name cannot pick one of them.
DUPLICATE = object()


def get_info_on_inputs(named_inputs: list[str], n_unnamed_inputs: int) -> str:
    """Describe a function's inputs for an error about keyword arguments.

    Parameters
    ----------
    named_inputs
        The names of the inputs that have one.
    n_unnamed_inputs
        How many inputs have no name (they cannot be passed by keyword).

    Returns
    -------
    str
        One sentence, e.g. ``"The function has 2 named inputs (x, y)."``.
    """
    n_named = len(named_inputs)
    if n_unnamed_inputs < 0:
        raise ValueError(
            f"get_info_on_inputs: n_unnamed_inputs must be >= 0, got {n_unnamed_inputs}"
        )
    hint = "use 'name=...' in a variable's constructor to give it a name"
    if n_named == 0:
        # (Aesara's wording: capitalised here, not below.)
        hint = hint.replace("variable", "Variable")
        if n_unnamed_inputs == 0:
            return "The function is supposed to have no input."
        if n_unnamed_inputs == 1:
            return (
                "The function has a single input variable which has no name, and "
                f"thus cannot be assigned through a keyword argument ({hint})."
            )
        return (
            f"The function has {n_unnamed_inputs} inputs, but none of them is "
            f"named, and thus they cannot be assigned through keyword arguments "
            f"({hint})."
        )
    names = ", ".join(named_inputs)
    s_named = "s" if n_named > 1 else ""
    if n_unnamed_inputs == 0:
        return f"The function has {n_named} named input{s_named} ({names})."
    s_un = "s" if n_unnamed_inputs > 1 else ""
    return (
        f"The function has {n_named} named input{s_named} ({names}), and "
        f"{n_unnamed_inputs} unnamed input{s_un} which thus cannot be accessed "
        f"through keyword argument{s_un} ({hint})."
    )


# ---------------------------------------------------------------------------
# Aliasing analysis
# ---------------------------------------------------------------------------


def alias_root(v: Variable) -> Variable:
    """Return the variable whose memory ``v`` views (``v`` itself if none)."""
    while v.owner is not None:
        node = v.owner
        vmap = node.op.view_map or {}
        dmap = node.op.destroy_map or {}
        idx = node.outputs.index(v)
        srcs = vmap.get(idx) or dmap.get(idx)
        if not srcs:
            break
        if len(srcs) != 1:
            raise NotImplementedError(
                f"{node.op} declares output {idx} a view of several inputs"
            )
        v = node.inputs[srcs[0]]
    return v


def view_tree_set(fgraph, v: Variable, treeset: set) -> None:
    """Add to ``treeset`` ``v`` and every variable of ``fgraph`` viewing it."""
    stack = [v]
    while stack:
        var = stack.pop()
        if var in treeset:
            continue
        treeset.add(var)
        for client, pos in fgraph.clients.get(var, ()):
            if client == "output":
                continue
            maps = list((client.op.view_map or {}).items()) + list(
                (client.op.destroy_map or {}).items()
            )
            for opos, iposlist in maps:
                if pos in iposlist:
                    stack.append(client.outputs[opos])


def infer_reuse_pattern(
    fgraph, outputs_to_disown: Sequence[Variable]
) -> list[Variable]:
    """The computed variables whose storage must not be reused as a buffer.

    These are ``outputs_to_disown`` and everything they view: the values
    returned to the caller must not be overwritten by the next call.
    """
    rval: set = set()
    for o in outputs_to_disown:
        view_tree_set(fgraph, alias_root(o), rval)
    return [r for r in rval if r.owner is not None]


def insert_deepcopy(
    fgraph,
    wrapped_inputs: Sequence[SymbolicInput],
    wrapped_outputs: Sequence[SymbolicOutput],
) -> None:
    """Copy outputs that would alias an input, a constant or another output.

    ``Out(borrow=True)`` (with ``In(borrow=True)`` for inputs) accepts the
    aliasing and gets a cheap view instead.
    """
    if len(wrapped_inputs) != len(fgraph.inputs) or len(wrapped_outputs) != len(
        fgraph.outputs
    ):
        raise ValueError("insert_deepcopy needs one spec per graph input and output")
    reason = "insert_deepcopy"
    updated = {
        fi
        for spec, fi in zip(wrapped_inputs, fgraph.inputs)
        if getattr(spec, "update", None) is not None
    }
    all_graph_inputs = list(graph_inputs(fgraph.outputs))
    has_destroyers = hasattr(fgraph, "has_destroyers")
    for i in range(len(fgraph.outputs)):
        views_of_i: set = set()
        view_tree_set(fgraph, alias_root(fgraph.outputs[i]), views_of_i)
        copied = False
        for j in range(i + 1, len(fgraph.outputs)):
            if fgraph.outputs[j] in views_of_i:
                if wrapped_outputs[i].borrow and wrapped_outputs[j].borrow:
                    new = view_op(fgraph.outputs[i])
                else:
                    new = deep_copy_op(fgraph.outputs[i])
                fgraph.change_node_input("output", i, new, reason=reason)
                copied = True
                break
        if copied:
            continue
        for input_j in all_graph_inputs:
            if input_j in updated:
                continue
            if input_j not in views_of_i:
                continue
            if has_destroyers and fgraph.has_destroyers([input_j]):
                continue
            if input_j in fgraph.inputs:
                j = fgraph.inputs.index(input_j)
                borrow = wrapped_outputs[i].borrow and getattr(
                    wrapped_inputs[j], "borrow", False
                )
            else:
                borrow = wrapped_outputs[i].borrow
            new = (
                view_op(fgraph.outputs[i])
                if borrow
                else deep_copy_op(fgraph.outputs[i])
            )
            fgraph.change_node_input("output", i, new, reason=reason)
            break


def std_fgraph(
    input_specs: Sequence[SymbolicInput],
    output_specs: Sequence[SymbolicOutput],
    accept_inplace: bool = False,
) -> tuple[FunctionGraph, list[SymbolicOutput]]:
    """Build the (cloned) FunctionGraph of a function.

    Update expressions become extra outputs after the user's outputs, and
    ``fgraph.update_mapping`` maps each of them to the input it updates.
    """
    updates = []
    update_mapping = {}
    out_idx = len(output_specs)
    for idx, spec in enumerate(input_specs):
        if spec.update is not None:
            updates.append(spec.update)
            update_mapping[out_idx] = idx
            out_idx += 1
    orig_inputs = [spec.variable for spec in input_specs]
    orig_outputs = [spec.variable for spec in output_specs] + updates
    fgraph = FunctionGraph(orig_inputs, orig_outputs, update_mapping=update_mapping)
    for node in fgraph.apply_nodes:
        if node.op.destroy_map:
            if not accept_inplace:
                raise TypeError(
                    f"Graph must not contain inplace operations: {node} overwrites "
                    "its inputs. Pass accept_inplace=True to allow it."
                )
            try:
                from aesara.graph.destroyhandler import DestroyHandler
            except ImportError:
                break
            fgraph.attach_feature(DestroyHandler())
            # A user's in-place graph the destroy handler cannot order (a
            # destroyed value read again, aliased operands) is an error now,
            # not a failure of every rewrite later.
            try:
                fgraph.validate()
            except InconsistencyError as e:
                raise InconsistencyError(
                    f"The in-place operations of this graph cannot be run safely: {e}"
                ) from e
            break
    # Inputs the caller did not declare mutable must never be overwritten by
    # in-place rewrites (those the user's own graph destroys are accepted).
    has_destroyers = getattr(fgraph, "has_destroyers", None)
    fgraph.attach_feature(
        Supervisor(
            inp
            for spec, inp in zip(input_specs, fgraph.inputs)
            if not (
                getattr(spec, "mutable", False)
                or (has_destroyers is not None and has_destroyers([inp]))
            )
        )
    )
    fgraph.attach_feature(PreserveVariableAttributes())
    return fgraph, [SymbolicOutput(u) for u in updates]


class Supervisor(Feature):
    """Rejects changes that would overwrite protected variables.

    The protected variables (the inputs not declared mutable) and the graph's
    outputs must not be destroyed by in-place operations.
    """

    def __init__(self, protected: Iterable[Variable]):
        self.protected = list(protected)

    def clone(self):
        return type(self)(self.protected)

    def validate(self, fgraph) -> bool:
        destroyers = getattr(fgraph, "destroyers", None)
        if destroyers is None:
            return True
        for r in self.protected + list(fgraph.outputs):
            if destroyers(r):
                raise InconsistencyError(
                    f"Trying to destroy a protected variable: {r} (an input not "
                    "declared mutable, or an output of the graph)"
                )
        return True


# ---------------------------------------------------------------------------
# Function
# ---------------------------------------------------------------------------


class _ContainerMap:
    """``f.container[key]``: the container of an input, by variable or name."""

    def __init__(self, fn: Function):
        self._fn = fn

    def __getitem__(self, key) -> Container:
        return self._fn._find_container(key)

    def __contains__(self, key) -> bool:
        try:
            self._fn._find_container(key)
            return True
        except (KeyError, TypeError):
            return False

    def __setitem__(self, key, value):
        raise TypeError(
            "Containers of a function cannot be replaced; set f.value[key] instead"
        )


class _ValueMap(_ContainerMap):
    """``f.value[key]``: the stored value of an input, by variable or name."""

    def __getitem__(self, key) -> Any:
        return self._fn._get_value(key)

    def __setitem__(self, key, value) -> None:
        self._fn._set_value(key, value)


class Function:
    """A compiled function; call it with the input values.

    Built by :class:`FunctionMaker` (through :func:`aesara.function`).
    Positional arguments bind to the explicit inputs in order; keyword
    arguments bind by input name; inputs with a default may be left out.
    A single output is returned as a value, several as a list, and a dict
    of outputs as a dict.

    Attributes
    ----------
    trust_input
        Skip checking and converting the arguments (faster; wrong values can
        then crash or give wrong results).
    maker
        The :class:`FunctionMaker` that built the function.
    input_storage, output_storage
        The :class:`~aesara.link.basic.Container` of each input and output.
    """

    def __init__(
        self,
        vm,
        input_storage: list[Container],
        output_storage: list[Container],
        indices,
        outputs,
        defaults,
        unpack_single: bool,
        return_none: bool,
        output_keys,
        maker: FunctionMaker,
        name: str | None = None,
    ):
        self.vm = vm
        self.input_storage = input_storage
        self.output_storage = output_storage
        self.indices = indices
        self.outputs = outputs
        self.defaults = defaults
        self.unpack_single = unpack_single
        self.return_none = return_none
        self.output_keys = output_keys
        self.maker = maker
        self.name = name
        self.trust_input = False
        self.profile = maker.profile
        self.nodes_with_inner_function = [
            node for node in getattr(vm, "nodes", ()) if hasattr(node.op, "fn")
        ]
        self._setup()

    def _setup(self) -> None:
        """Precompute everything the call path needs."""
        maker = self.maker
        specs = maker.inputs
        self._explicit = [k for k, spec in enumerate(specs) if not spec.implicit]
        self._n_explicit = len(self._explicit)
        self._in_cells = [self.input_storage[k].storage for k in self._explicit]
        self._in_filters = []
        for k in self._explicit:
            c = self.input_storage[k]
            self._in_filters.append(
                partial(c.type.filter, strict=c.strict, allow_downcast=c.allow_downcast)
            )
        self._names = [specs[k].name for k in self._explicit]
        name_to_pos: dict = {}
        for pos, n in enumerate(self._names):
            if n is None:
                continue
            name_to_pos[n] = None if n in name_to_pos else pos  # None: ambiguous
        self._name_to_pos = name_to_pos
        # Defaults of the explicit inputs: _MISSING when required; ``None``
        # marks stateful inputs (with an update) whose container keeps state.
        self._refeed_values: dict[int, Any] = {}
        self._required = []
        self._stateful = []
        for pos, k in enumerate(self._explicit):
            spec = specs[k]
            if spec.update is not None:
                self._stateful.append(pos)
                self._required.append(False)
            elif getattr(spec, "value", None) is not None:
                self._refeed_values[pos] = self.input_storage[k].storage[0]
                self._required.append(False)
            else:
                self._required.append(True)
        n_out = len(self.outputs)
        self._n_out = n_out
        self._out_cells = [c.storage for c in self.output_storage[:n_out]]
        update_mapping = maker.fgraph.update_mapping or {}
        self._update_pairs = [
            (self.input_storage[in_idx].storage, self.output_storage[out_idx].storage)
            for out_idx, in_idx in sorted(update_mapping.items())
        ]
        self._simple = (
            self.unpack_single
            and not self._update_pairs
            and not self.profile
            and n_out == 1
        )
        self._finder = self._build_finder()
        self.container = _ContainerMap(self)
        self.value = _ValueMap(self)
        # Concurrent calls (see ``_call_contended``): the first caller runs on
        # this function's own storage; a caller arriving while it is busy
        # runs on an idle worker (a second linking of the same graph).
        self._busy = threading.Lock()
        self._workers: list[Function] = []
        self._worker_lock = threading.Lock()
        # The C call path, when the VM offers one (the C VM linker's does).
        self._c_fast_call = None
        make_fast = getattr(self.vm, "make_fast_call", None)
        if make_fast is not None and not self.profile:
            self._c_fast_call = make_fast(self)
        if self._c_fast_call is not None:
            self._c_fast_call.trust_input = self._trust_input
            _install_call_descriptor()
        # State: the containers this function updates, and the ones it reads
        # that are shared with other functions (shared variables, stateful
        # inputs). Sets ``_state_locks`` and ``_fast_call``.
        self._alias_guard = self._destroyed_inputs()
        self._use_state_locks(())
        _register_state_user(
            self,
            written=[self.input_storage[i] for _, i in sorted(update_mapping.items())],
            read=[
                c
                for spec, c in zip(specs, self.input_storage)
                if spec.implicit or spec.update is not None
            ],
        )

    def _use_state_locks(self, locks: tuple) -> None:
        """Hold ``locks`` during every call from now on (see ``_register_state_user``)."""
        self._state_locks = locks
        fast = self._c_fast_call
        if fast is not None and self._alias_guard is not None:
            fast = _UnaliasedCall(fast, self._unalias)
        if fast is not None and locks:
            fast = _StateLockedCall(fast, locks)
        if fast is None and self.profile:
            # Times whole calls; unprofiled functions never reach it.
            fast = _ProfiledCall(self)
        self._fast_call = fast

    def _destroyed_inputs(self) -> tuple | None:
        """``(explicit positions, implicit cells)`` of inputs a call overwrites."""
        fgraph = self.maker.fgraph
        has_destroyers = getattr(fgraph, "has_destroyers", None)
        if has_destroyers is None:
            return None
        explicit = {k: pos for pos, k in enumerate(self._explicit)}
        positions, cells = [], []
        for k, inp in enumerate(fgraph.inputs):
            if has_destroyers([inp]):
                if k in explicit:
                    positions.append(explicit[k])
                else:
                    cells.append(self.input_storage[k].storage)
        if not positions and not cells:
            return None
        return tuple(positions), tuple(cells)

    def _unalias(self, args: tuple, kwargs: dict) -> tuple[tuple, dict]:
        """Copy the arguments sharing memory with an input the call overwrites.

        The graph orders every reader of an input before the node that
        overwrites it, but it cannot see that two inputs are one array: a
        reader of the other input could run after the overwrite.
        """
        import numpy as np

        positions, cells = self._alias_guard
        # The value of each explicit input in this call, wherever it was given.
        values = dict(enumerate(args))
        key_of: dict = {}
        for key, val in kwargs.items():
            pos = self._name_to_pos.get(key) if isinstance(key, str) else None
            if pos is not None and pos not in values:
                values[pos] = val
                key_of[pos] = key
        arrays = [
            (q, a) for q, a in values.items() if isinstance(a, np.ndarray) and a.size
        ]
        if not arrays:
            return args, kwargs
        copies: dict = {}
        for p in positions:
            a = values.get(p)
            if isinstance(a, np.ndarray) and any(
                q != p and np.may_share_memory(a, b) for q, b in arrays
            ):
                copies[p] = a.copy()
        for cell in cells:
            value = cell[0]
            if isinstance(value, np.ndarray):
                for q, b in arrays:
                    if q not in copies and np.may_share_memory(value, b):
                        copies[q] = b.copy()
        if not copies:
            return args, kwargs
        args = tuple(copies.get(q, a) for q, a in enumerate(args))
        if key_of:
            kwargs = dict(kwargs)
            for pos, key in key_of.items():
                if pos in copies:
                    kwargs[key] = copies[pos]
        return args, kwargs

    @property
    def trust_input(self) -> bool:
        """Skip checking and converting the arguments."""
        return self._trust_input

    @trust_input.setter
    def trust_input(self, value: bool) -> None:
        self._trust_input = bool(value)
        fast = self.__dict__.get("_c_fast_call")
        if fast is not None:
            fast.trust_input = self._trust_input
        # Idle workers were made with the old setting.
        self.__dict__.get("_workers", []).clear()

    def _build_finder(self) -> dict:
        finder: dict = {}
        ambiguous = set()
        for k, spec in enumerate(self.maker.inputs):
            c = self.input_storage[k]
            finder[spec.variable] = c
            finder[spec] = c
            orig = getattr(spec, "_orig_variable", None)
            if orig is not None:
                finder[orig] = c
            if spec.name is not None:
                if spec.name in finder and finder[spec.name] is not c:
                    ambiguous.add(spec.name)
                finder[spec.name] = c
        for n in ambiguous:
            finder[n] = DUPLICATE
        return finder

    # -- the call path ---------------------------------------------------------------

    def _py_call(self, *args, **kwargs):
        """Compute the outputs for the given input values.

        Keyword arguments bind inputs by name; ``output_subset`` (a list of
        output indices) restricts which outputs are returned.
        """
        fast = self._fast_call
        if fast is not None:
            return fast(*args, **kwargs)
        if self._state_locks:
            with _StateLocks(self._state_locks):
                if self._alias_guard is not None:
                    args, kwargs = self._unalias(args, kwargs)
                return self._py_call_free(args, kwargs)
        if self._alias_guard is not None:
            args, kwargs = self._unalias(args, kwargs)
        return self._py_call_free(args, kwargs)

    def _py_call_free(self, args: tuple, kwargs: dict):
        # ``acquire(False)`` is atomic: exactly one caller owns the storage.
        if not self._busy.acquire(False):
            return self._call_contended(args, kwargs)
        try:
            return self._py_call_owned(args, kwargs)
        finally:
            self._busy.release()

    def _py_call_owned(self, args: tuple, kwargs: dict):
        if kwargs or len(args) != self._n_explicit:
            return self._call_general(args, kwargs)
        if self._trust_input:
            for cell, arg in zip(self._in_cells, args):
                cell[0] = arg
        else:
            cell = None
            try:
                for cell, filt, arg in zip(self._in_cells, self._in_filters, args):
                    cell[0] = filt(arg)
            except (TypeError, ValueError) as e:
                self._bad_input(e, _position_of(self._in_cells, cell))
        if self._simple:
            self.vm()
            return self._out_cells[0][0]
        return self._run_and_collect(None)

    # Replaced by a C descriptor (see ``_install_call_descriptor``) once the
    # C runtime is loaded; it dispatches to ``_fast_call`` or ``_py_call``.
    __call__ = _py_call

    # -- concurrent calls ----------------------------------------------------------

    # Idle workers kept per function; more concurrent callers still get one
    # each, the extra ones are dropped when their call ends.
    _MAX_IDLE_WORKERS = 16

    def _call_contended(self, args: tuple, kwargs: dict | None):
        """Run one call on a worker while another call owns this function.

        A worker is this function's graph linked a second time: the same ops
        and compiled kernels, its own storage for inputs, intermediates and
        outputs. It shares the containers that hold state (shared variables,
        inputs with an update), so it reads and updates the same values.
        """
        workers = self._workers
        try:
            worker = workers.pop()  # list.pop is atomic under the GIL
        except IndexError:
            worker = self._make_worker()
        try:
            return worker(*args, **(kwargs or {}))
        finally:
            if len(workers) < self._MAX_IDLE_WORKERS:
                workers.append(worker)

    def _make_worker(self) -> Function:
        storage = []
        for spec, c in zip(self.maker.inputs, self.input_storage):
            if spec.implicit or spec.update is not None:
                storage.append(c)
            else:
                # Same value (defaults), a cell of its own.
                copy = copy_module.copy(c)
                copy.storage = [c.storage[0]]
                storage.append(copy)
        # Linking records per-link state on the linker: one at a time.
        with self._worker_lock:
            worker = self.maker.create(storage)
        worker.trust_input = self.trust_input
        worker.name = self.name
        # Its calls are counted by the call that handed them over.
        worker._profile_counts_calls = False
        return worker

    def _bad_input(self, e: Exception, pos: int):
        """Re-raise a filter error with the input's name and position."""
        name = self._names[pos]
        who = f'with name "{name}" ' if name else ""
        fname = f' "{self.name}"' if self.name else ""
        prefix = f"Bad input argument {who}to aesara function{fname} at index {pos} (0-based): "
        if e.args and isinstance(e.args[0], str):
            e.args = (prefix + e.args[0], *e.args[1:])
        else:
            e.args = (prefix + repr(e.args),)
        raise e

    def _call_general(self, args: tuple, kwargs: dict):
        output_subset = kwargs.pop("output_subset", None) if kwargs else None
        n_explicit = self._n_explicit
        fname = f' "{self.name}"' if self.name else ""
        if len(args) > n_explicit:
            raise TypeError(
                f"Too many arguments for aesara function{fname}: it takes at most "
                f"{n_explicit} input{'s' if n_explicit != 1 else ''} "
                f"({', '.join(self._display_names())}), got {len(args)}"
            )
        values = list(args) + [_MISSING] * (n_explicit - len(args))
        for key, val in kwargs.items():
            pos = self._name_to_pos.get(key, _MISSING)
            if pos is _MISSING:
                known = [n for n in self._names if n is not None]
                info = get_info_on_inputs(known, len(self._names) - len(known))
                raise TypeError(
                    f"Unknown input name {key!r} for aesara function{fname}; the "
                    f"named inputs are: {known}. {info}"
                )
            if pos is None:
                raise TypeError(
                    f"Several inputs of aesara function{fname} are named {key!r}; "
                    "pass them positionally"
                )
            if values[pos] is not _MISSING:
                raise TypeError(
                    f"Input {key!r} of aesara function{fname} was given both "
                    "positionally and by keyword"
                )
            values[pos] = val
        missing = [
            self._display_names()[pos]
            for pos in range(n_explicit)
            if values[pos] is _MISSING and self._required[pos]
        ]
        if missing:
            n_req = sum(self._required)
            raise TypeError(
                f"Missing required input{'s' if len(missing) > 1 else ''}: "
                f"{', '.join(missing)}. Aesara function{fname} takes {n_req} required "
                f"and {n_explicit - n_req} optional inputs; got {len(args)} positional "
                f"and {len(kwargs)} keyword argument(s)"
            )
        trust = self.trust_input
        for pos, (cell, filt, val) in enumerate(
            zip(self._in_cells, self._in_filters, values)
        ):
            if val is _MISSING:
                if pos in self._refeed_values:
                    cell[0] = self._refeed_values[pos]
                continue
            if trust:
                cell[0] = val
            else:
                try:
                    cell[0] = filt(val)
                except (TypeError, ValueError) as e:
                    self._bad_input(e, pos)
        return self._run_and_collect(output_subset)

    def _display_names(self) -> list[str]:
        return [
            repr(n) if n is not None else f"input at index {pos}"
            for pos, n in enumerate(self._names)
        ]

    def _run_and_collect(self, output_subset):
        profile = self.profile
        if profile:
            # The call count and total call time are added by ``_ProfiledCall``.
            t0 = time.perf_counter()
            self.vm()
            profile.vm_call_time += time.perf_counter() - t0
            if hasattr(self.vm, "update_profile"):
                self.vm.update_profile(profile)
        else:
            self.vm()
        return self._collect(output_subset)

    def _collect_no_subset(self):
        return self._collect(None)

    def _collect(self, output_subset):
        """The call's return value, once the VM has run; applies the updates."""
        # Read the outputs before writing the updates: an output may share its
        # cell with an updated input.
        outs = [cell[0] for cell in self._out_cells]
        for in_cell, out_cell in self._update_pairs:
            in_cell[0] = out_cell[0]
        if output_subset is not None:
            outs = [outs[i] for i in output_subset]
            if self.output_keys is not None:
                return {self.output_keys[i]: v for i, v in zip(output_subset, outs)}
            return outs
        if self.return_none:
            return None
        if self.output_keys is not None:
            return dict(zip(self.output_keys, outs))
        if self.unpack_single:
            return outs[0]
        return outs

    # -- inputs by name ------------------------------------------------------------

    def _find_container(self, key) -> Container:
        try:
            c = self._finder[key]
        except (KeyError, TypeError):
            raise KeyError(
                f"No input of this function is named or is the variable {key!r}"
            ) from None
        if c is DUPLICATE:
            raise KeyError(f"Several inputs of this function are named {key!r}")
        return c

    def _get_value(self, key) -> Any:
        c = self._find_container(key)
        pos = self._pos_of_container(c)
        if pos is not None and pos in self._refeed_values:
            return self._refeed_values[pos]
        return c.value

    def _set_value(self, key, value) -> None:
        c = self._find_container(key)
        c.value = value
        pos = self._pos_of_container(c)
        if pos is not None and pos in self._refeed_values:
            self._refeed_values[pos] = c.storage[0]
        # Idle workers hold the old defaults.
        self._workers.clear()

    def _pos_of_container(self, c: Container) -> int | None:
        for pos, k in enumerate(self._explicit):
            if self.input_storage[k] is c:
                return pos
        return None

    def __getitem__(self, item):
        return self.value[item]

    def __setitem__(self, item, value):
        self.value[item] = value

    def __contains__(self, item):
        return item in self.container

    # -- copies, sharing, pickling ----------------------------------------------------

    def copy(
        self,
        share_memory: bool = False,
        swap: dict | None = None,
        delete_updates: bool = False,
        name: str | None = None,
        profile=None,
    ) -> Function:
        """Return an independent copy of the function.

        Parameters
        ----------
        share_memory
            Share the intermediate storage and the default values of
            non-mutable inputs with this function.
        swap
            ``{old_shared: new_shared}``: the copy reads (and updates) the
            new shared variables instead; their types must match.
        delete_updates
            Drop the update expressions in the copy.
        name
            The copy's name (default: this function's name plus " copy").
        profile
            Profiling for the copy.
        """
        maker = self.maker
        fg_cpy, memo = maker.fgraph.clone_get_equiv(check_integrity=False)
        n_out = len(maker.outputs)
        ins = []
        for spec, new_var in zip(maker.inputs, fg_cpy.inputs):
            new_spec = copy_module.copy(spec)
            new_spec._orig_variable = getattr(spec, "_orig_variable", spec.variable)
            new_spec.variable = new_var
            if spec.update is not None:
                new_spec.update = (
                    memo[spec.update] if spec.update in memo else spec.update
                )
            ins.append(new_spec)
        outs = [copy_module.copy(o) for o in maker.outputs]
        for o, v in zip(outs, fg_cpy.outputs):
            o.variable = v
        if delete_updates:
            while len(fg_cpy.outputs) > n_out:
                fg_cpy.remove_output(len(fg_cpy.outputs) - 1)
            fg_cpy.update_mapping = {}
            for spec in ins:
                spec.update = None
        swap = dict(swap or {})
        input_storage: list[Container] = []
        for k, (spec, c) in enumerate(zip(maker.inputs, self.input_storage)):
            orig = getattr(spec, "_orig_variable", spec.variable)
            if orig in swap:
                new_sv = swap.pop(orig)
                if not hasattr(new_sv, "container"):
                    raise SwapError(
                        f"Function.copy: the value of swap for {orig} must be a "
                        f"SharedVariable, got {new_sv!r} ({type(new_sv).__name__})"
                    )
                if new_sv.type != orig.type:
                    raise SwapError(
                        f"Cannot swap shared variable {orig} (type {orig.type}) for "
                        f"{new_sv} (type {new_sv.type}): the types differ"
                    )
                input_storage.append(new_sv.container)
                ins[k].value = new_sv.container
                ins[k]._orig_variable = new_sv
            elif spec.implicit:
                input_storage.append(c)
            elif share_memory and not spec.mutable:
                input_storage.append(c)
            else:
                input_storage.append(copy_module.deepcopy(c))
        if swap:
            raise ValueError(
                f"Cannot swap {list(swap)}: not shared variables used by this function"
            )
        if name is None and self.name:
            name = f"{self.name} copy"
        profile = _copy_profile(profile, name)
        storage_map = None
        if share_memory:
            old_map = getattr(self.vm, "storage_map", {}) or {}
            io = set(fg_cpy.inputs) | set(fg_cpy.outputs)
            storage_map = {}
            for old_v, cell in old_map.items():
                new_v = memo.get(old_v)
                if new_v is not None and (
                    new_v not in io or isinstance(new_v, Constant)
                ):
                    storage_map[new_v] = cell
        new_maker = type(maker)(
            inputs=ins,
            outputs=outs,
            mode=maker.mode,
            accept_inplace=maker.accept_inplace,
            function_builder=maker.function_builder,
            profile=profile,
            on_unused_input="ignore",
            fgraph=fg_cpy,
            output_keys=maker.output_keys,
            name=name,
        )
        new_maker.unpack_single = maker.unpack_single
        new_maker.return_none = maker.return_none
        f = new_maker.create(input_storage, storage_map=storage_map)
        f.trust_input = self.trust_input
        f.name = (
            name if name is not None else (f"{self.name} copy" if self.name else None)
        )
        return f

    def free(self) -> None:
        """Release the memory of intermediate results and outputs."""
        storage_map = getattr(self.vm, "storage_map", None) or {}
        for var, cell in storage_map.items():
            if var.owner is not None:
                cell[0] = None
        for cell in self._out_cells:
            if cell[0] is not None and not any(
                cell is c.storage for c in self.input_storage
            ):
                cell[0] = None

    def get_shared(self) -> list:
        """Return the shared variables read by the function."""
        return [
            getattr(spec, "_orig_variable", spec.variable)
            for spec in self.maker.inputs
            if spec.implicit
        ]

    def sync_shared(self) -> None:
        """Wait for shared values computed on devices (nothing to do on CPU)."""

    def __reduce__(self):
        data = [c.storage[0] for c in self.input_storage]
        return _constructor_Function, (
            self.maker,
            list(self.input_storage),
            data,
            self.trust_input,
        )

    def __copy__(self):
        return self.copy()

    def __str__(self):
        return f"Function({self.name or ''})"


# Calls that update state (shared variables, inputs with an update) hold the
# locks of the containers they update for the whole call, and so do calls
# reading a container that some compiled function updates: two calls on the
# same state never interleave, so no update is lost and a call sees another
# call's updates entirely or not at all. Functions reading state that nothing
# updates (a served model's weights) take no lock. Locks are taken in the
# order the containers were first registered, so two calls can never wait on
# each other in a cycle (a call made from inside another call, on state the
# outer one does not hold but registered earlier, is the one exception).


class _StateInfo:
    """Lock and bookkeeping of one state container."""

    __slots__ = ("lock", "seq", "written", "users")

    def __init__(self, seq: int):
        import weakref

        self.lock = threading.RLock()
        self.seq = seq
        self.written = False
        self.users: weakref.WeakSet = weakref.WeakSet()


_STATE_INFO: Any = None  # WeakKeyDictionary Container -> _StateInfo, made lazily
_REGISTRY_LOCK = threading.Lock()


def _register_state_user(fn: Function, written: Sequence, read: Sequence) -> None:
    """Record which state ``fn`` updates and reads; give it (and others) locks."""
    global _STATE_INFO
    if not written and not read:
        return
    with _REGISTRY_LOCK:
        if _STATE_INFO is None:
            import weakref

            _STATE_INFO = weakref.WeakKeyDictionary()

        def info(c):
            i = _STATE_INFO.get(c)
            if i is None:
                i = _STATE_INFO[c] = _StateInfo(_next_seq())
            return i

        mine: dict = {}
        affected = {fn}
        for c in written:
            i = info(c)
            mine[id(i)] = i
            if not i.written:
                i.written = True
                affected.update(i.users)
        for c in read:
            i = info(c)
            mine[id(i)] = i
        for i in mine.values():
            i.users.add(fn)
        fn._state_infos = list(mine.values())
        for user in affected:
            held = sorted(
                (i for i in user._state_infos if i.written), key=lambda i: i.seq
            )
            user._use_state_locks(tuple(i.lock for i in held))


_seq_counter = itertools.count(1)


def _next_seq() -> int:
    return next(_seq_counter)


class _StateLocks:
    """Context manager holding the given stripe locks (in their order)."""

    __slots__ = ("locks",)

    def __init__(self, locks: tuple):
        self.locks = locks

    def __enter__(self):
        for lock in self.locks:
            lock.acquire()
        return self

    def __exit__(self, *exc):
        for lock in reversed(self.locks):
            lock.release()
        return False


class _UnaliasedCall:
    """The C call path of a function overwriting inputs, after ``_unalias``."""

    __slots__ = ("call", "unalias")

    def __init__(self, call, unalias):
        self.call = call
        self.unalias = unalias

    def __call__(self, *args, **kwargs):
        args, kwargs = self.unalias(args, kwargs)
        return self.call(*args, **kwargs)


class _ProfiledCall:
    """The call path of a profiled function: adds each call to its profile."""

    __slots__ = ("fn",)

    def __init__(self, fn):
        self.fn = fn

    def __call__(self, *args, **kwargs):
        fn = self.fn
        profile = fn.profile
        t0 = time.perf_counter()
        try:
            if fn._state_locks:
                with _StateLocks(fn._state_locks):
                    if fn._alias_guard is not None:
                        args, kwargs = fn._unalias(args, kwargs)
                    return fn._py_call_free(args, kwargs)
            if fn._alias_guard is not None:
                args, kwargs = fn._unalias(args, kwargs)
            return fn._py_call_free(args, kwargs)
        finally:
            dt = time.perf_counter() - t0
            from aesara.compile import profiling

            if fn.__dict__.get("_profile_counts_calls", True):
                profiling.total_fct_exec_time += dt
                profile.fct_callcount += 1
                profile.fct_call_time += dt
            if getattr(profile, "ignore_first_call", False):
                # The first call includes warm-up (caches, lazy imports).
                profile.reset()
                profile.ignore_first_call = False


class _StateLockedCall:
    """The C call path of a function with updates, under its state locks."""

    __slots__ = ("call", "locks")

    def __init__(self, call, locks: tuple):
        self.call = call
        self.locks = locks

    def __call__(self, *args, **kwargs):
        locks = self.locks
        for lock in locks:
            lock.acquire()
        try:
            return self.call(*args, **kwargs)
        finally:
            for lock in reversed(locks):
                lock.release()


def _install_call_descriptor() -> None:
    """Let ``Function.__call__`` reach the C call path without a Python frame."""
    if (
        "__call__" in Function.__dict__
        and Function.__dict__["__call__"] is not (Function.__dict__["_py_call"])
    ):
        return
    from aesara.link.c.linker import call_descriptor

    Function.__call__ = call_descriptor()


def _position_of(cells: list, cell) -> int:
    for i, c in enumerate(cells):
        if c is cell:
            return i
    return 0


def _constructor_Function(maker, input_storage, inputs_data, trust_input=False):
    from aesara.configdefaults import config

    if maker is None or not config.unpickle_function:
        return None
    f = maker.create(input_storage)
    for container, x in zip(f.input_storage, inputs_data):
        container.storage[0] = x
    f.trust_input = trust_input
    return f


def _constructor_FunctionMaker(kwargs):
    from aesara.configdefaults import config

    if not config.unpickle_function:
        return None
    if config.reoptimize_unpickled_function:
        kwargs = dict(kwargs)
        kwargs.pop("fgraph", None)
    return FunctionMaker(**kwargs)


# ---------------------------------------------------------------------------
# FunctionMaker
# ---------------------------------------------------------------------------


class FunctionMaker:
    """Builds a :class:`Function`: graph preparation, rewriting and linking.

    Parameters
    ----------
    inputs
        :class:`~aesara.compile.io.In` specs or variables.
    outputs
        A variable or :class:`~aesara.compile.io.Out`, a list of them, or
        ``None``.
    mode
        The compilation mode (see :func:`aesara.compile.mode.get_mode`).
    accept_inplace
        Allow nodes that overwrite their inputs in the user's graph.
    function_builder
        The class of the function built (default :class:`Function`).
    profile
        A profiler collecting timings, or ``None``.
    on_unused_input
        ``"raise"``, ``"warn"`` or ``"ignore"`` (default: config flag).
    fgraph
        An already prepared (rewritten) graph to link as is; used when
        unpickling and copying functions.
    output_keys
        Names of the outputs when the function returns a dict.
    name
        The function's name, used in messages.
    """

    def __init__(
        self,
        inputs,
        outputs,
        mode=None,
        accept_inplace: bool = False,
        function_builder=Function,
        profile=None,
        on_unused_input: str | None = None,
        fgraph: FunctionGraph | None = None,
        output_keys: Sequence[str] | None = None,
        name: str | None = None,
    ):
        from aesara.compile.mode import get_mode

        t_start = time.perf_counter()
        self.mode = mode = get_mode(mode)
        self.profile = profile
        unpack_single = False
        return_none = False
        if outputs is None:
            return_none = True
            outputs = []
        if not isinstance(outputs, (list, tuple)):
            unpack_single = True
            outputs = [outputs]
        if not isinstance(inputs, (list, tuple)):
            inputs = [inputs]
        inputs = [self.wrap_in(i) for i in inputs]
        outputs = [self.wrap_out(o) for o in outputs]

        if fgraph is None:
            self.check_unused_inputs(inputs, outputs, on_unused_input)
            fgraph, found_updates = std_fgraph(inputs, outputs, accept_inplace)
            self.rewrite_time = self._rewrite(fgraph, mode, profile, inputs)
            insert_deepcopy(fgraph, inputs, outputs + found_updates)
        else:
            found_updates = [
                SymbolicOutput(spec.update)
                for spec in inputs
                if spec.update is not None
            ]
            if len(fgraph.outputs) != len(outputs) + len(found_updates):
                raise ValueError(
                    f"The given fgraph has {len(fgraph.outputs)} outputs; expected "
                    f"{len(outputs)} outputs plus {len(found_updates)} updates"
                )
            self.rewrite_time = 0.0
        self.fgraph = fgraph
        no_borrow = [
            out
            for out, spec in zip(fgraph.outputs, outputs + found_updates)
            if not spec.borrow
        ]
        no_recycling = infer_reuse_pattern(fgraph, no_borrow) if no_borrow else []
        self.linker = mode.linker.clone().accept(
            fgraph, no_recycling=no_recycling, profile=profile
        )
        self.indices = [[spec, None, [spec]] for spec in inputs]
        self.inputs = inputs
        self.expanded_inputs = inputs
        self.outputs = outputs
        self.unpack_single = unpack_single
        self.return_none = return_none
        self.accept_inplace = accept_inplace
        self.function_builder = function_builder
        self.on_unused_input = on_unused_input
        self.output_keys = output_keys
        self.name = name
        self.required = [spec.value is None and not spec.implicit for spec in inputs]
        self.refeed = [
            spec.value is not None and not spec.implicit and spec.update is None
            for spec in inputs
        ]
        if profile:
            profile.compile_time += time.perf_counter() - t_start
            profile.nb_nodes = len(fgraph.apply_nodes)

    @staticmethod
    def _rewrite(fgraph, mode, profile, input_specs=None) -> float:
        t0 = time.perf_counter()
        if profile:
            rewriter_profile = mode.optimizer.rewrite(fgraph)
            from aesara.configdefaults import config

            if config.profile_optimizer and hasattr(profile, "rewriter_profile"):
                profile.rewriter_profile = (mode.optimizer, rewriter_profile)
        else:
            # A warm cache (any process) gives the rewritten graph directly.
            from aesara.compile.rewrite_cache import rewrite_with_cache

            rewrite_with_cache(
                fgraph, mode, lambda: mode.optimizer.rewrite(fgraph), input_specs
            )
        dt = time.perf_counter() - t0
        from aesara.compile import profiling

        profiling.total_graph_rewrite_time += dt
        if profile:
            profile.rewrite_time += dt
        return dt

    @staticmethod
    def wrap_in(input) -> SymbolicInput:
        """Turn a variable into an :class:`In` spec (specs are returned as is)."""
        if isinstance(input, SymbolicInput):
            return input
        if isinstance(input, Variable):
            return In(input)
        raise TypeError(
            f"Unknown input type: {type(input).__name__} ({input!r}); expected a "
            "Variable or an In instance"
        )

    @staticmethod
    def wrap_out(output) -> SymbolicOutput:
        """Turn a variable into a :class:`SymbolicOutput` (specs are returned as is)."""
        if isinstance(output, SymbolicOutput):
            return output
        if isinstance(output, Variable):
            return SymbolicOutput(output)
        raise TypeError(
            f"Unknown output type: {type(output).__name__} ({output!r}); expected a "
            "Variable or an Out instance"
        )

    @staticmethod
    def check_unused_inputs(inputs, outputs, on_unused_input) -> None:
        """Complain (per ``on_unused_input``) about inputs the outputs do not need."""
        if on_unused_input is None:
            from aesara.configdefaults import config

            on_unused_input = config.on_unused_input
        if on_unused_input == "ignore":
            return
        if on_unused_input not in ("raise", "warn"):
            raise ValueError(
                f"on_unused_input must be 'raise', 'warn' or 'ignore', got {on_unused_input!r}"
            )
        roots = [o.variable for o in outputs] + [
            i.update for i in inputs if i.update is not None
        ]
        used = set(ancestors(roots))
        for idx, spec in enumerate(inputs):
            if spec.variable in used or spec.update is not None:
                continue
            msg = (
                "aesara.function was asked to create a function computing outputs "
                "given certain inputs, but the provided input variable at index "
                f"{idx} ({spec.variable}) is not part of the computational graph "
                "needed to compute the outputs."
            )
            hint = (
                "To make this error a warning, you can pass the parameter "
                "on_unused_input='warn' to aesara.function. To disable it "
                "completely, use on_unused_input='ignore'."
            )
            if on_unused_input == "warn":
                warnings.warn(msg, stacklevel=6)
            else:
                raise UnusedInputError(f"{msg}\n{hint}")

    def create(self, input_storage=None, storage_map=None) -> Function:
        """Link the graph and return the :class:`Function`.

        Parameters
        ----------
        input_storage
            Per input, a :class:`Container` to use (or ``None``).
        storage_map
            Cells to reuse for some variables (used by ``copy(share_memory=True)``).
        """
        if input_storage is None:
            input_storage = [None] * len(self.inputs)
        if len(input_storage) != len(self.inputs):
            raise ValueError(
                f"input_storage has {len(input_storage)} entries for {len(self.inputs)} inputs"
            )
        containers: list[Container] = []
        defaults = []
        for spec, given in zip(self.inputs, input_storage):
            if isinstance(given, Container):
                c = given
            elif isinstance(spec.value, Container):
                c = spec.value
            else:
                c = Container(
                    spec.variable,
                    [None],
                    strict=spec.strict,
                    allow_downcast=spec.allow_downcast,
                    name=spec.name,
                )
                value = getattr(spec, "value", None)
                if value is not None:
                    c.value = value
            c.required = spec.value is None and not spec.implicit
            c.implicit = spec.implicit
            containers.append(c)
            defaults.append(
                (
                    c.required,
                    spec.value is not None
                    and not spec.implicit
                    and spec.update is None,
                    c.storage[0],
                )
            )
        t_link = time.perf_counter()
        vm, _ins, outs = self.linker.make_thunk(
            input_storage=[c.storage for c in containers], storage_map=storage_map
        )
        link_time = time.perf_counter() - t_link
        from aesara.compile import profiling

        profiling.total_time_linker += link_time
        if self.profile:
            self.profile.linker_time += link_time
            self.profile.compile_time += link_time
        return self.function_builder(
            vm,
            containers,
            outs,
            self.indices,
            self.outputs,
            defaults,
            self.unpack_single,
            self.return_none,
            self.output_keys,
            self,
            name=self.name,
        )

    def __reduce__(self):
        """Pickle the maker as its arguments plus its prepared graph."""
        kwargs = dict(
            inputs=self.inputs,
            outputs=self.outputs,
            fgraph=self.fgraph,
            mode=self.mode,
            accept_inplace=self.accept_inplace,
            function_builder=self.function_builder,
            profile=self.profile,
            on_unused_input=self.on_unused_input,
            output_keys=self.output_keys,
            name=self.name,
        )
        return _constructor_FunctionMaker_full, (
            kwargs,
            self.unpack_single,
            self.return_none,
        )


def _constructor_FunctionMaker_full(kwargs, unpack_single, return_none):
    maker = _constructor_FunctionMaker(kwargs)
    if maker is not None:
        maker.unpack_single = unpack_single
        maker.return_none = return_none
    return maker


class AliasedMemoryError(Exception):
    """Two function inputs share memory where that is not allowed."""


def fgraph_updated_vars(fgraph, expanded_inputs: Sequence[SymbolicInput]) -> dict:
    """``{input variable: its update expression}`` read from ``fgraph``'s outputs.

    The update expressions are the trailing outputs of ``fgraph``, in the
    order of the inputs that have an update (as :func:`std_fgraph` builds it).
    """
    if len(expanded_inputs) != len(fgraph.inputs):
        raise ValueError(
            f"fgraph_updated_vars: {len(expanded_inputs)} input specs for a graph "
            f"of {len(fgraph.inputs)} inputs"
        )
    updated = [
        ivar
        for spec, ivar in zip(expanded_inputs, fgraph.inputs)
        if getattr(spec, "update", None) is not None
    ]
    n_out = len(fgraph.outputs)
    if len(updated) > n_out:
        raise ValueError("fgraph_updated_vars: more updates than graph outputs")
    return dict(zip(updated, fgraph.outputs[n_out - len(updated) :]))


def convert_function_input(input: Any) -> SymbolicInput:
    """Turn one ``inputs`` entry into a :class:`SymbolicInput`.

    Accepts a ``SymbolicInput`` (returned as is), a variable, or a tuple
    ``([name,] variable[, value])`` / ``([name,] (variable, update), value)``.
    """
    if isinstance(input, SymbolicInput):
        return input
    if isinstance(input, Constant):
        raise TypeError(f"A Constant ({input}) is not a legal function input")
    if isinstance(input, Variable):
        return In(input)
    if isinstance(input, (list, tuple)):
        spec = list(input)
        if not spec:
            raise TypeError(f"Nonsensical input specification: {input!r}")
        name = spec.pop(0) if isinstance(spec[0], str) else None
        if spec and isinstance(spec[0], (list, tuple)):
            if len(spec[0]) != 2 or len(spec) != 2:
                raise TypeError(
                    f"Input specification {input!r}: expected ((variable, update), value)"
                )
            (variable, update), value = spec
        elif spec and isinstance(spec[0], Variable):
            if len(spec) > 2:
                raise TypeError(
                    f"Input specification {input!r}: expected (variable[, value])"
                )
            variable, update = spec[0], None
            value = spec[1] if len(spec) == 2 else None
        elif spec and isinstance(spec[0], SymbolicInput):
            if len(spec) != 1:
                raise TypeError(f"Input specification {input!r}: unexpected entries")
            return spec[0]
        else:
            raise TypeError(f"Unknown input specification: {input!r}")
        if isinstance(variable, Constant):
            raise TypeError(f"A Constant ({variable}) is not a legal function input")
        return In(variable, name=name, value=value, update=update)
    raise TypeError(
        f"Unknown input type: {type(input).__name__} ({input!r}); expected a "
        "Variable, an In or a tuple"
    )


def orig_function(
    inputs: Sequence[Any],
    outputs: Any,
    mode: Any = None,
    accept_inplace: bool = False,
    name: str | None = None,
    profile: Any = None,
    on_unused_input: str | None = None,
    output_keys: Any = None,
) -> Function:
    """Compile a function from input specs, without ``givens`` or shared-variable collection.

    ``inputs`` are converted with :func:`convert_function_input`; ``outputs``
    is a variable, an ``Out``, or a list of them.
    """
    from aesara.compile.io import Out

    specs = [convert_function_input(i) for i in inputs]
    single = not isinstance(outputs, (list, tuple))
    outs = [outputs] if single else list(outputs)
    outs = [o if isinstance(o, SymbolicOutput) else Out(o) for o in outs]
    maker = FunctionMaker(
        specs,
        outs[0] if single else outs,
        mode,
        accept_inplace=accept_inplace,
        profile=profile,
        on_unused_input=on_unused_input,
        output_keys=output_keys,
        name=name,
    )
    return maker.create([s.value for s in specs])
