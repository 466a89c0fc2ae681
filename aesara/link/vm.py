"""Virtual machines running a graph's thunks, and the linker that builds them.

* :class:`Loop` calls every thunk in order (the fastest path).
* :class:`LoopGC` also empties each intermediate cell after its last use.
* :class:`Stack` evaluates on demand from the outputs and supports lazy
  thunks (``thunk.lazy = True``), which return the indices of the inputs they
  still need, so an untaken ``ifelse`` branch is never computed.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from aesara.graph.basic import Apply, Constant
from aesara.link.basic import (
    Container,
    LocalLinker,
    _no_recycling_cells,
    _resolve_allow_gc,
)
from aesara.link.utils import add_clear_storage, gc_helper, map_storage, raise_with_op

if TYPE_CHECKING:
    from aesara.graph.fg import FunctionGraph

__all__ = ["VM", "Loop", "LoopGC", "Stack", "VMLinker"]


class VM:
    """Base class: a callable running a graph's thunks.

    Parameters
    ----------
    fgraph
        The graph (for error messages).
    nodes
        The nodes in run order.
    thunks
        One thunk per node.
    pre_call_clear
        Cells emptied at the start of every call (outputs handed to the
        user, which must not be reused as buffers).
    """

    need_update_inputs = True

    def __init__(
        self,
        fgraph,
        nodes: Sequence[Apply],
        thunks: Sequence[Callable],
        pre_call_clear: Sequence[list],
    ):
        if len(nodes) != len(thunks):
            raise ValueError(f"Got {len(thunks)} thunks for {len(nodes)} nodes")
        self.fgraph = fgraph
        self.nodes = list(nodes)
        self.thunks = list(thunks)
        self.pre_call_clear = list(pre_call_clear)
        self.call_counts = [0] * len(nodes)
        self.call_times = [0.0] * len(nodes)
        self.time_thunks = False
        # Memory profiling (``config.profile_memory``): the shapes of the
        # values each node produced, noted by the timed loops only.
        self.record_shapes = False
        self._var_shapes: dict = {}
        self.storage_map: dict = {}
        self.allow_gc = False

    def __call__(self) -> None:
        raise NotImplementedError()

    def clear_storage(self) -> None:
        """Free the cells of every intermediate result."""

    def update_profile(self, profile) -> None:
        """Add this VM's per-node timings to ``profile`` and reset them.

        Also records which nodes ran compiled C thunks and, when the VM
        records shapes, the shape, strides and offset of every value.
        """
        if profile is None:
            return
        fgraph = self.fgraph
        cimpl = getattr(profile, "apply_cimpl", None)
        for node, thunk, t, n in zip(
            self.nodes, self.thunks, self.call_times, self.call_counts
        ):
            profile.apply_time[(fgraph, node)] = (
                profile.apply_time.get((fgraph, node), 0.0) + t
            )
            profile.apply_callcount[(fgraph, node)] = (
                profile.apply_callcount.get((fgraph, node), 0) + n
            )
            if cimpl is not None:
                # Compiled thunks keep their Python fallback as ``py_thunk``.
                cimpl[node] = hasattr(thunk, "py_thunk")
        self.call_counts = [0] * len(self.nodes)
        self.call_times = [0.0] * len(self.nodes)
        if self.record_shapes and hasattr(profile, "variable_shape"):
            for var, cell in self.storage_map.items():
                if var.owner is None and cell[0] is not None:
                    self._var_shapes[var] = _layout(cell[0])
            for var, (shape, strides, offset) in self._var_shapes.items():
                profile.variable_shape[var] = shape
                profile.variable_strides[var] = strides
                if offset is not None:
                    profile.variable_offset[var] = offset
            self._var_shapes = {}

    def _note_outputs(self, i: int) -> None:
        """Remember the layout of node ``i``'s outputs (memory profiling)."""
        storage_map = self.storage_map
        for var in self.nodes[i].outputs:
            cell = storage_map.get(var)
            if cell is not None and cell[0] is not None:
                self._var_shapes[var] = _layout(cell[0])

    def _raise(self, thunk: Callable) -> None:
        for i, t in enumerate(self.thunks):
            if t is thunk:
                raise_with_op(self.fgraph, self.nodes[i], thunk)
        raise  # pragma: no cover - the failing thunk is always one of ours


def _layout(value) -> tuple:
    """``(shape, strides, offset)`` of a value, for the memory profile."""
    shape = getattr(value, "shape", None)
    if shape is None:
        return (None, None, None)
    strides = getattr(value, "strides", None)
    offset = None
    base = getattr(value, "base", None)
    iface = getattr(value, "__array_interface__", None)
    if base is not None and iface is not None:
        base_iface = getattr(base, "__array_interface__", None)
        if base_iface is not None:
            offset = iface["data"][0] - base_iface["data"][0]
    return (tuple(shape), tuple(strides) if strides is not None else None, offset)


def _profile_memory() -> bool:
    try:
        from aesara.configdefaults import config

        return bool(config.profile_memory)
    except Exception:  # pragma: no cover - config unavailable while importing
        return False


class Loop(VM):
    """Calls every thunk in order; intermediate results are kept."""

    def __call__(self) -> None:
        for cell in self.pre_call_clear:
            cell[0] = None
        if self.time_thunks:
            return self._timed_call()
        thunk = None
        try:
            for thunk in self.thunks:
                thunk()
        except Exception:
            self._raise(thunk)

    def _timed_call(self) -> None:
        thunk = None
        try:
            for i, thunk in enumerate(self.thunks):
                t0 = time.perf_counter()
                thunk()
                self.call_times[i] += time.perf_counter() - t0
                self.call_counts[i] += 1
                if self.record_shapes:
                    self._note_outputs(i)
        except Exception:
            self._raise(thunk)


class LoopGC(VM):
    """Calls every thunk in order and frees inputs after their last use.

    Parameters
    ----------
    post_thunk_clear
        For each thunk, the cells to empty once it has run.
    """

    def __init__(
        self,
        fgraph,
        nodes,
        thunks,
        pre_call_clear,
        post_thunk_clear: Sequence[Sequence[list]],
    ):
        super().__init__(fgraph, nodes, thunks, pre_call_clear)
        if len(post_thunk_clear) != len(thunks):
            raise ValueError("post_thunk_clear needs one entry per thunk")
        self.post_thunk_clear = [list(c) for c in post_thunk_clear]
        self.allow_gc = True
        # Thunks with nothing to free are paired with an empty tuple, so the
        # inner loop costs almost nothing for them.
        self._pairs = list(zip(self.thunks, [tuple(c) for c in self.post_thunk_clear]))

    def __call__(self) -> None:
        for cell in self.pre_call_clear:
            cell[0] = None
        if self.time_thunks:
            return self._timed_call()
        thunk = None
        try:
            for thunk, old_storage in self._pairs:
                thunk()
                for cell in old_storage:
                    cell[0] = None
        except Exception:
            self._raise(thunk)

    def _timed_call(self) -> None:
        thunk = None
        try:
            for i, (thunk, old_storage) in enumerate(self._pairs):
                t0 = time.perf_counter()
                thunk()
                self.call_times[i] += time.perf_counter() - t0
                self.call_counts[i] += 1
                if self.record_shapes:
                    self._note_outputs(i)
                for cell in old_storage:
                    cell[0] = None
        except Exception:
            self._raise(thunk)


class Stack(VM):
    """Evaluates nodes on demand, from the outputs back; supports lazy thunks.

    A thunk marked ``lazy`` returns, instead of ``None``, the list of its
    input indices that it still needs; the VM computes them and calls the
    thunk again, until it returns an empty list (and has set the
    ``compute_map`` flags of its outputs).

    Parameters
    ----------
    storage_map, compute_map
        The cells and "computed" flags of every variable.
    allow_gc
        Free intermediate results once every node using them has run.
    callback
        ``callback(node=..., thunk=..., storage_map=..., compute_map=...)``
        called after each node completes.
    """

    def __init__(
        self,
        fgraph,
        nodes,
        thunks,
        pre_call_clear,
        storage_map: dict,
        compute_map: dict,
        allow_gc: bool,
        dependencies: dict | None = None,
        callback: Callable | None = None,
        callback_input: Callable | None = None,
    ):
        super().__init__(fgraph, nodes, thunks, pre_call_clear)
        self.storage_map = storage_map
        self.compute_map = compute_map
        self.allow_gc = allow_gc
        self.callback = callback
        self.callback_input = callback_input
        self.node_idx = {node: i for i, node in enumerate(self.nodes)}
        self.lazy = [bool(getattr(t, "lazy", False)) for t in self.thunks]
        inputs = set(fgraph.inputs)
        # Flags reset before every call: everything a node computes.
        self._reset_flags = [
            compute_map[v] for node in self.nodes for v in node.outputs
        ]
        self._output_vars = list(fgraph.outputs)
        # For garbage collection: an intermediate can be freed once all the
        # nodes reading it have finished (their first output is computed).
        outputs = set(fgraph.outputs)
        self._gc_candidates: list[list[tuple[list, list[list]]]] = []
        clients: dict = {}
        for node in self.nodes:
            for v in node.inputs:
                clients.setdefault(v, []).append(node)
        self._intermediates = [
            storage_map[v]
            for node in self.nodes
            for v in node.outputs
            if v not in outputs and v not in inputs
        ]
        for node in self.nodes:
            entries = []
            for v in node.inputs:
                if v.owner is None or v in outputs or v in inputs:
                    continue
                flags = [compute_map[c.outputs[0]] for c in clients.get(v, [])]
                entries.append((storage_map[v], flags))
            self._gc_candidates.append(entries)
        if dependencies is not None:
            self.dependencies = dependencies
        # Per node, by position: the "computed" cells of its outputs, and of
        # its inputs that some node computes with that node's index (so the
        # loop below does list indexing, not dictionary lookups).
        node_idx = self.node_idx
        self._out_flags = [[compute_map[o] for o in n.outputs] for n in self.nodes]
        self._in_deps = [
            [
                (compute_map[v], node_idx[v.owner])
                for v in n.inputs
                if v.owner is not None
            ]
            for n in self.nodes
        ]
        # Extra orderings (a node overwriting an input runs after every other
        # reader of that input, as the destroy handler requires): evaluating
        # on demand, the VM must compute those readers first itself, or they
        # would read the overwritten value.
        orderings = fgraph.orderings() if hasattr(fgraph, "orderings") else {}
        self._order_deps: list[list[tuple[list, int]]] = [[] for _ in self.nodes]
        for node, before in orderings.items():
            i = node_idx.get(node)
            if i is None:
                continue
            deps = [
                (self._out_flags[node_idx[b]][0], node_idx[b])
                for b in before
                if b in node_idx and b.outputs
            ]
            self._order_deps[i] = deps
            if not self.lazy[i]:
                self._in_deps[i] = self._in_deps[i] + deps
        self._in_owner = [
            [
                (compute_map[v], None if v.owner is None else node_idx[v.owner])
                for v in n.inputs
            ]
            for n in self.nodes
        ]

    def __call__(self, output_subset: Sequence[int] | None = None) -> None:
        for cell in self.pre_call_clear:
            cell[0] = None
        for flag in self._reset_flags:
            flag[0] = False
        thunks = self.thunks
        lazy = self.lazy
        node_idx = self.node_idx
        nodes = self.nodes
        out_flags = self._out_flags
        in_deps = self._in_deps
        in_owner = self._in_owner
        order_deps = self._order_deps
        call_counts = self.call_counts
        needs_after = self.callback is not None or self.allow_gc
        outs = self._output_vars
        if output_subset is not None:
            outs = [outs[i] for i in output_subset]
        # Each stack entry is a node index; requested nodes are pushed above
        # the node that needs them.
        stack = [node_idx[v.owner] for v in reversed(outs) if v.owner is not None]
        time_thunks = self.time_thunks
        thunk = None
        try:
            while stack:
                i = stack[-1]
                flags = out_flags[i]
                for f in flags:
                    if not f[0]:
                        break
                else:  # every output already computed
                    stack.pop()
                    continue
                thunk = thunks[i]
                if not lazy[i]:
                    missing = [j for f, j in in_deps[i] if not f[0]]
                    if missing:
                        stack.extend(missing)
                        continue
                    if time_thunks:
                        t0 = time.perf_counter()
                        thunk()
                        self.call_times[i] += time.perf_counter() - t0
                        if self.record_shapes:
                            self._note_outputs(i)
                    else:
                        thunk()
                    call_counts[i] += 1
                    for f in flags:
                        f[0] = True
                    stack.pop()
                    if needs_after:
                        self._after_node(i, nodes[i], thunk)
                else:
                    waiting = [j for f, j in order_deps[i] if not f[0]]
                    if waiting:
                        stack.extend(waiting)
                        continue
                    if time_thunks:
                        t0 = time.perf_counter()
                        requires = thunk()
                        self.call_times[i] += time.perf_counter() - t0
                    else:
                        requires = thunk()
                    call_counts[i] += 1
                    if requires:
                        pending = []
                        owners = in_owner[i]
                        for k in requires:
                            f, j = owners[k]
                            if not f[0]:
                                if j is None:
                                    raise ValueError(
                                        f"Lazy node {nodes[i]} requested input {k} "
                                        f"({nodes[i].inputs[k]}), which has no value"
                                    )
                                pending.append(j)
                        if pending:
                            stack.extend(pending)
                            continue
                        # Everything asked for is there: run the thunk again.
                        continue
                    for f in flags:
                        f[0] = True
                    stack.pop()
                    if needs_after:
                        self._after_node(i, nodes[i], thunk)
        except Exception:
            self._raise(thunk)
        if self.allow_gc:
            for cell in self._intermediates:
                cell[0] = None

    def _after_node(self, i: int, node: Apply, thunk: Callable) -> None:
        if self.callback is not None:
            self.callback(
                node=node,
                thunk=thunk,
                storage_map=self.storage_map,
                compute_map=self.compute_map,
            )
        if self.allow_gc:
            for cell, flags in self._gc_candidates[i]:
                if all(f[0] for f in flags):
                    cell[0] = None

    def clear_storage(self) -> None:
        for cell in self._intermediates:
            cell[0] = None


class VMLinker(LocalLinker):
    """The default linker: one thunk per node, run by a :class:`VM`.

    Parameters
    ----------
    allow_gc
        Free intermediate results after their last use (``None``: the
        ``allow_gc`` config flag).
    use_cloop
        Ignored here; :class:`aesara.link.c.linker.CVMLinker` runs its loop
        in C when this is true.
    callback
        Called after every node (forces the :class:`Stack` VM).
    callback_input
        Accepted for compatibility (called for each input by the C loop).
    lazy
        Use the :class:`Stack` VM (``None``: the ``vm__lazy`` flag; when that
        is ``None`` too, only if some thunk is lazy).
    schedule
        ``schedule(fgraph) -> nodes`` giving the run order.
    c_thunks
        Accepted for compatibility; every thunk is a Python thunk for now.
    allow_partial_eval
        Accepted for compatibility (lets the Stack VM compute only some outputs).
    """

    def __init__(
        self,
        allow_gc: bool | None = None,
        use_cloop: bool = False,
        callback: Callable | None = None,
        callback_input: Callable | None = None,
        lazy: bool | None = None,
        schedule: Callable | None = None,
        c_thunks: bool | None = None,
        allow_partial_eval: bool | None = None,
    ):
        super().__init__(allow_gc=allow_gc, scheduler=schedule)
        self.use_cloop = use_cloop
        self.callback = callback
        self.callback_input = callback_input
        self.lazy = lazy
        self.c_thunks = c_thunks
        self.allow_partial_eval = allow_partial_eval
        self.updated_vars: dict = {}
        self.no_recycling: list = []
        self.profile = None

    def accept(self, fgraph, no_recycling=None, profile=None) -> VMLinker:
        """Bind to ``fgraph``; ``no_recycling`` lists variables never reused as buffers."""
        if no_recycling is None:
            no_recycling = []
        if self.fgraph is not None and self.fgraph is not fgraph:
            return type(self)(
                allow_gc=self._allow_gc,
                use_cloop=self.use_cloop,
                callback=self.callback,
                callback_input=self.callback_input,
                lazy=self.lazy,
                schedule=self._scheduler,
                c_thunks=self.c_thunks,
                allow_partial_eval=self.allow_partial_eval,
            ).accept(fgraph, no_recycling, profile)
        self.fgraph = fgraph
        self.no_recycling = no_recycling
        self.profile = profile
        return self

    def _lazy_requested(self) -> bool:
        """Whether the user asked for the lazy VM (``lazy=True``/``vm__lazy``)."""
        if self.lazy is not None:
            return bool(self.lazy)
        try:
            from aesara.configdefaults import config

            return config.vm__lazy is True
        except Exception:  # pragma: no cover
            return False

    def _use_stack(self, thunks: Sequence[Callable]) -> bool:
        if self.callback is not None:
            return True
        lazy = self.lazy
        if lazy is None:
            try:
                from aesara.configdefaults import config

                lazy = config.vm__lazy
            except Exception:  # pragma: no cover
                lazy = None
        if lazy is None:
            return any(getattr(t, "lazy", False) for t in thunks)
        return bool(lazy)

    def make_node_thunk(self, node, storage_map, compute_map, impl):
        """The thunk of one node (subclasses substitute compiled ones)."""
        return node.op.make_thunk(
            node, storage_map, compute_map, self.no_recycling, impl=impl
        )

    def make_vm(
        self,
        nodes,
        thunks,
        input_storage,
        output_storage,
        storage_map,
        post_thunk_clear,
        computed,
        compute_map,
        updated_vars=None,
    ) -> VM:
        """Choose and build the VM for the given thunks."""
        fgraph = self.fgraph
        pre_call_clear = _no_recycling_cells(
            fgraph, self.no_recycling, storage_map, input_storage
        )
        allow_gc = post_thunk_clear is not None
        if self._use_stack(thunks):
            vm: VM = Stack(
                fgraph,
                nodes,
                thunks,
                pre_call_clear,
                storage_map,
                compute_map,
                allow_gc,
                callback=self.callback,
                callback_input=self.callback_input,
            )
        elif allow_gc and any(post_thunk_clear):
            vm = LoopGC(fgraph, nodes, thunks, pre_call_clear, post_thunk_clear)
        else:
            vm = Loop(fgraph, nodes, thunks, pre_call_clear)
        vm.storage_map = storage_map
        vm.compute_map = compute_map
        vm.time_thunks = bool(self.profile)
        vm.record_shapes = bool(self.profile) and _profile_memory()
        if self.profile and getattr(self, "_c_on", False):
            # The C VM linker gives a profiled function this Python loop.
            note = (
                "profiling runs the compiled (C) thunks one at a time from the "
                "Python VM loop instead of the C loop, so each node is timed; "
                "'Time in thunks' excludes the loop's own overhead, which the "
                "C loop would mostly avoid."
            )
            try:
                self.profile.timing_note = note
            except AttributeError:  # a profile object of another kind
                pass
        return vm

    def make_all(
        self,
        profiler=None,
        input_storage=None,
        output_storage=None,
        storage_map=None,
        **kwargs,
    ):
        """Build the VM; returns ``(vm, input_containers, output_containers, thunks, nodes)``."""
        if self.fgraph is None:
            raise ValueError("VMLinker.make_all called before accept(fgraph)")
        fgraph = self.fgraph
        order = self.schedule(fgraph)
        input_storage, output_storage, storage_map = map_storage(
            fgraph, order, input_storage, output_storage, storage_map
        )
        compute_map: dict[Any, list] = {}
        for var in storage_map:
            compute_map[var] = [var.owner is None]

        thunks = []
        impl = "py" if self.c_thunks is False else None
        for node in order:
            try:
                thunk = self.make_node_thunk(node, storage_map, compute_map, impl)
            except Exception as e:
                msg = f"An error happened while preparing the thunk of node {node}: {e}"
                if e.args and isinstance(e.args[0], str):
                    e.args = (msg, *e.args[1:])
                raise
            if not hasattr(thunk, "inputs"):
                thunk.inputs = [storage_map[v] for v in node.inputs]
                thunk.outputs = [storage_map[v] for v in node.outputs]
            if not hasattr(thunk, "lazy"):
                thunk.lazy = False
            thunks.append(thunk)
        if self.callback is None and not self._lazy_requested():
            _run_eagerly_where_nothing_is_skipped(fgraph, order, thunks, storage_map)

        allow_gc = _resolve_allow_gc(self._allow_gc)
        computed, last_user = gc_helper(order)
        post_thunk_clear = None
        if allow_gc:
            keep = set(fgraph.outputs) | set(fgraph.inputs)
            post_thunk_clear = []
            for node in order:
                post_thunk_clear.append(
                    [
                        storage_map[v]
                        for v in node.inputs
                        if v in computed
                        and v not in keep
                        and last_user[v] is node
                        and not isinstance(v, Constant)
                    ]
                )

        vm = self.make_vm(
            order,
            thunks,
            input_storage,
            output_storage,
            storage_map,
            post_thunk_clear,
            computed,
            compute_map,
            self.updated_vars,
        )
        add_clear_storage(vm, computed - set(fgraph.outputs), storage_map)
        return (
            vm,
            [Container(v, cell) for v, cell in zip(fgraph.inputs, input_storage)],
            [
                Container(v, cell, readonly=True)
                for v, cell in zip(fgraph.outputs, output_storage)
            ],
            thunks,
            order,
        )

    def __repr__(self):
        return f"VMLinker(allow_gc={self._allow_gc}, lazy={self.lazy})"


def _run_eagerly_where_nothing_is_skipped(
    fgraph: FunctionGraph,
    order: Sequence[Apply],
    thunks: list[Callable],
    storage_map: dict,
) -> None:
    """Give lazy nodes eager thunks when laziness would skip no computation.

    A lazy node (``IfElse``) lets a lazy VM leave some inputs uncomputed
    (``op.lazy_branch_inputs(node)``). When every such input of every lazy
    node is a graph input or a value some other path to the outputs needs
    anyway, evaluating on demand saves nothing, and the graph can run on an
    eager VM (the C loop) instead of the slower on-demand one. Only all-or-
    nothing: if any lazy node would skip work, every thunk stays as it is.
    ``thunks`` is changed in place.
    """
    lazy = [i for i, t in enumerate(thunks) if getattr(t, "lazy", False)]
    if not lazy:
        return
    optional: dict[Apply, set[int]] = {}
    for i in lazy:
        node = order[i]
        branches = getattr(node.op, "lazy_branch_inputs", None)
        if branches is None:
            return  # a lazy op that does not say what it may skip
        optional[node] = set(branches(node))
    # The nodes evaluated whatever the conditions: walk back from the
    # outputs, not entering the inputs a lazy node may skip.
    needed: set[Apply] = set()
    stack = [v.owner for v in fgraph.outputs if v.owner is not None]
    while stack:
        node = stack.pop()
        if node in needed:
            continue
        needed.add(node)
        skip = optional.get(node, ())
        stack.extend(
            v.owner
            for k, v in enumerate(node.inputs)
            if k not in skip and v.owner is not None and v.owner not in needed
        )
    for node, idx in optional.items():
        for k in idx:
            owner = node.inputs[k].owner
            if owner is not None and owner not in needed:
                return
    for i in lazy:
        thunks[i] = _eager_thunk(order[i], storage_map)


def _eager_thunk(node: Apply, storage_map: dict) -> Callable:
    """A thunk running ``node.op.perform`` on its computed inputs."""
    in_cells = [storage_map[v] for v in node.inputs]
    out_cells = [storage_map[v] for v in node.outputs]
    perform = node.op.perform

    def thunk():
        perform(node, [c[0] for c in in_cells], out_cells)

    thunk.lazy = False
    thunk.inputs = in_cells
    thunk.outputs = out_cells
    thunk.perform = perform
    return thunk


# ---------------------------------------------------------------------------
# Aesara-compatible helpers: storage sharing between 0-d results, and a VM
# that writes updated values back into its input cells.


def calculate_reallocate_info(
    order: Sequence[Apply],
    fgraph,
    storage_map: dict,
    compute_map_re: dict,
    dependencies: dict,
) -> dict:
    """Find 0-d intermediate results whose storage cell a later result can reuse.

    Walks ``order`` as a VM would. When a node reads a 0-d intermediate ``v``
    (not a graph output, not a constant or input, not a view and not viewed)
    whose dependants are all computed by then, ``v``'s cell may be handed to
    the first later 0-d output of the same type that has no cell assigned yet.

    Parameters
    ----------
    order
        The nodes in run order.
    fgraph
        Their graph.
    storage_map
        Variable -> storage cell (cells already holding a value are constants
        or shared values, never reallocated).
    compute_map_re
        Variable -> ``[flag]``; the flags of every computed output are set as
        the walk proceeds (pass a scratch map).
    dependencies
        Variable -> the variables that must be computed before its cell can
        be released.

    Returns
    -------
    dict
        ``{v: [v, reuser]}`` for each variable ``v`` whose cell ``reuser``
        may take over.
    """
    outputs = set(fgraph.outputs)
    view_of: dict = {}
    viewers: dict = {}
    taken: set = set()  # later outputs already promised a cell
    released: set = set()  # variables whose cell has been handed on
    info: dict = {}
    for idx, node in enumerate(order):
        for out in node.outputs:
            compute_map_re[out][0] = True
        aliases = {
            **getattr(node.op, "view_map", {}),
            **getattr(node.op, "destroy_map", {}),
        }
        for o_idx, positions in aliases.items():
            out = node.outputs[o_idx]
            for pos in positions:
                origin = view_of.get(node.inputs[pos], node.inputs[pos])
                view_of[out] = origin
                viewers.setdefault(origin, []).append(out)
        for v in node.inputs:
            if v in view_of:
                # A view read for the last time no longer pins its origin,
                # but its own cell is the origin's memory: never reused.
                live = viewers.get(view_of[v], [])
                if v in live and all(
                    compute_map_re[d][0] for d in dependencies.get(v, [])
                ):
                    live.remove(v)
                continue
            if (
                getattr(v.type, "ndim", None) != 0
                or v.owner is None
                or v in outputs
                or v in released
                or viewers.get(v)
                or storage_map[v][0] is not None
                or not all(compute_map_re[d][0] for d in dependencies.get(v, []))
            ):
                continue
            reuser = next(
                (
                    out
                    for later in order[idx + 1 :]
                    for out in later.outputs
                    if getattr(out.type, "ndim", None) == 0
                    and out not in taken
                    and out.type == v.type
                ),
                None,
            )
            if reuser is not None:
                taken.add(reuser)
                released.add(v)
                info[v] = [v, reuser]
    return info


class UpdatingVM(VM):
    """A VM that, after running, copies updated values into their input cells.

    ``update_vars`` maps graph inputs to the graph outputs holding their new
    values (e.g. shared-variable updates); :meth:`perform_updates` collects
    the outputs and then writes each update into its input's cell, so the
    caller (with ``need_update_inputs = False``) must not do it again.

    Parameters
    ----------
    fgraph, nodes, thunks, pre_call_clear
        As for :class:`VM`.
    storage_map
        Variable -> storage cell.
    input_storage, output_storage
        Cells of the graph's inputs and outputs, in order.
    update_vars
        Graph input -> graph output giving its new value.
    """

    need_update_inputs = False

    def __init__(
        self,
        fgraph,
        nodes: Sequence[Apply],
        thunks: Sequence[Callable],
        pre_call_clear: Sequence[list],
        storage_map: dict,
        input_storage: Sequence[list],
        output_storage: Sequence[list],
        update_vars: dict,
    ):
        super().__init__(fgraph, nodes, thunks, pre_call_clear)
        if len(input_storage) != len(fgraph.inputs):
            raise ValueError(
                f"UpdatingVM: got {len(input_storage)} input cells for "
                f"{len(fgraph.inputs)} graph inputs"
            )
        if len(output_storage) != len(fgraph.outputs):
            raise ValueError(
                f"UpdatingVM: got {len(output_storage)} output cells for "
                f"{len(fgraph.outputs)} graph outputs"
            )
        for inp, out in update_vars.items():
            if inp not in fgraph.inputs:
                raise ValueError(
                    f"UpdatingVM: update target {inp} is not a graph input"
                )
            if out not in fgraph.outputs:
                raise ValueError(
                    f"UpdatingVM: the update of {inp} ({out}) is not a graph output"
                )
        self.storage_map = storage_map
        self.input_storage = list(input_storage)
        self.output_storage = list(output_storage)
        self.update_vars = dict(update_vars)
        self.inp_storage_and_out_idx = tuple(
            (cell, fgraph.outputs.index(update_vars[inp]))
            for inp, cell in zip(fgraph.inputs, self.input_storage)
            if inp in update_vars
        )

    def perform_updates(self) -> list:
        """Write the updates into their input cells; return the output values."""
        # Read every output first: an update may overwrite a cell that is
        # also an output's.
        values = [cell[0] for cell in self.output_storage]
        for cell, out_idx in self.inp_storage_and_out_idx:
            cell[0] = values[out_idx]
        return values

    def __call__(self) -> list:
        """Run every thunk in order, then perform the updates."""
        for cell in self.pre_call_clear:
            cell[0] = None
        thunk = None
        try:
            for i, thunk in enumerate(self.thunks):
                if self.time_thunks:
                    t0 = time.perf_counter()
                    thunk()
                    self.call_times[i] += time.perf_counter() - t0
                    self.call_counts[i] += 1
                else:
                    thunk()
        except Exception:
            self._raise(thunk)
        return self.perform_updates()


__all__ += ["UpdatingVM", "calculate_reallocate_info"]
