"""The C VM linker: nodes with a C translation run compiled code, the loop runs in C.

:class:`CVMLinker` is a :class:`~aesara.link.vm.VMLinker` that asks the
translation table (:mod:`aesara.link.c.registry`) for each node's C plan,
builds all plans of the graph in parallel, and gives those nodes C thunks
(e.g. an ``ElemwiseThunk`` for fused element-wise work); every other node
keeps its Python thunk. Graphs without lazy ops run on :class:`CVM`, whose
loop (with the same garbage collection as :class:`~aesara.link.vm.LoopGC`)
is C; lazy graphs keep the Python :class:`~aesara.link.vm.Stack` VM, with
the C thunks inside.

Without a working compiler the linker behaves as the Python ``VMLinker``
and warns once.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Collection, Sequence
from pathlib import Path

import numpy as np

from aesara.link.utils import raise_with_op
from aesara.link.vm import VM, Stack, VMLinker

__all__ = ["CLinker", "CStack", "CVM", "CVMLinker", "OpWiseCLinker", "make_fast_call"]


def _thread_min() -> int:
    from aesara.configdefaults import config

    return int(config.openmp_elemwise_minsize) if config.openmp else -1


def make_elemwise_thunk(
    node, storage_map, compute_map, no_recycling, path: Path, prefix: str = ""
):
    """An ``ElemwiseThunk`` running the kernel at ``path`` for ``node``.

    ``prefix`` is the kernel's symbol prefix in a library of several
    kernels (see :func:`aesara.link.c.compiler.compile_kernel_batch`).
    """
    from aesara.link.c.elemwise_codegen import KERNEL_ABI_VERSION
    from aesara.link.c.registry import with_python_fallback
    from aesara.link.c.runtime import get_runtime

    rt = get_runtime()
    op = node.op
    fallback = op.make_thunk(node, storage_map, compute_map, no_recycling, impl="py")
    in_cells = tuple(storage_map[v] for v in node.inputs)
    out_cells = tuple(storage_map[v] for v in node.outputs)
    thunk = rt.ElemwiseThunk(
        str(path),
        KERNEL_ABI_VERSION,
        in_cells,
        out_cells,
        tuple(np.dtype(v.type.dtype).num for v in node.inputs),
        tuple(np.dtype(v.type.dtype).num for v in node.outputs),
        node.outputs[0].type.ndim,
        tuple(op.inplace_pattern.get(j, -1) for j in range(len(node.outputs))),
        tuple(tuple(s == 1 for s in v.type.shape) for v in node.inputs),
        str(op),
        fallback,
        _thread_min(),
        prefix,
    )
    return with_python_fallback(thunk, fallback)


def _raise_node_error(vm: VM, index: int, etype, evalue, tb) -> None:
    """The C loops' error hook: ``vm``'s node ``index`` raised ``evalue``;
    re-raise it with the node's details (the user's line where known)."""
    raise_with_op(
        vm.fgraph, vm.nodes[index], vm.thunks[index], exc_info=(etype, evalue, tb)
    )


class CVM(VM):
    """Runs the thunks in order with the runtime's C loop.

    Parameters
    ----------
    post_thunk_clear
        For each thunk, the cells to empty once it has run (``None``: keep
        every intermediate result, like :class:`~aesara.link.vm.Loop`).
    """

    def __init__(
        self,
        fgraph,
        nodes,
        thunks,
        pre_call_clear,
        post_thunk_clear: Sequence[Sequence[list]] | None = None,
    ):
        from aesara.link.c.runtime import get_runtime

        super().__init__(fgraph, nodes, thunks, pre_call_clear)
        self.allow_gc = post_thunk_clear is not None
        if post_thunk_clear is None:
            post_thunk_clear = [()] * len(self.thunks)
        if len(post_thunk_clear) != len(self.thunks):
            raise ValueError("post_thunk_clear needs one entry per thunk")
        self.post_thunk_clear = [list(c) for c in post_thunk_clear]
        self._loop = get_runtime().CLoop(
            tuple(self.thunks),
            tuple(tuple(c) for c in self.post_thunk_clear),
            tuple(self.pre_call_clear),
            self._on_error,
        )

    def __call__(self) -> None:
        if self.time_thunks:
            return self._timed_call()
        self._loop()

    _on_error = _raise_node_error

    def _timed_call(self) -> None:
        for cell in self.pre_call_clear:
            cell[0] = None
        thunk = None
        try:
            for i, thunk in enumerate(self.thunks):
                t0 = time.perf_counter()
                thunk()
                self.call_times[i] += time.perf_counter() - t0
                self.call_counts[i] += 1
                for cell in self.post_thunk_clear[i]:
                    cell[0] = None
        except Exception:
            self._raise(thunk)

    def make_fast_call(self, function) -> Callable | None:
        """The C positional call path of ``function`` (a compiled Function)."""
        return make_fast_call(function, self._loop)


class CStack(Stack):
    """The :class:`~aesara.link.vm.Stack` VM with its loop in C.

    The runtime's ``CLazyLoop`` evaluates nodes on demand exactly as the
    Python loop does, on the same cells (IfElse nodes are chosen in C when
    their values are arrays). Calls the C loop cannot serve (a subset of the
    outputs, profiling) take the Python loop.
    """

    def __init__(self, *args, native_ifelse: Collection = (), **kwargs):
        from aesara.link.c.runtime import get_runtime

        super().__init__(*args, **kwargs)
        if self.callback is not None:
            raise ValueError("CStack: a callback needs the Python Stack VM")
        storage_map = self.storage_map
        specs = []
        for i, node in enumerate(self.nodes):
            lazy = self.lazy[i]
            ifelse = None
            kind = 1 if lazy else 0
            if lazy and self.thunks[i] in native_ifelse:
                kind = 2
                ifelse = (
                    node.op.n_outs,
                    node.op.as_view,
                    tuple(storage_map[v] for v in node.inputs),
                    tuple(storage_map[v] for v in node.outputs),
                )
            specs.append(
                (
                    kind,
                    tuple(self._out_flags[i]),
                    () if lazy else tuple(self._in_deps[i]),
                    tuple(self._order_deps[i]) if lazy else (),
                    tuple((f, -1 if j is None else j) for f, j in self._in_owner[i])
                    if lazy
                    else (),
                    tuple(
                        (cell, tuple(flags)) for cell, flags in self._gc_candidates[i]
                    )
                    if self.allow_gc
                    else (),
                    ifelse,
                )
            )
        roots = tuple(
            self.node_idx[v.owner] for v in reversed(self._output_vars) if v.owner
        )
        self._loop = get_runtime().CLazyLoop(
            tuple(self.thunks),
            tuple(specs),
            roots,
            tuple(self._reset_flags),
            tuple(self.pre_call_clear),
            tuple(self._intermediates),
            bool(self.allow_gc),
            self._on_error,
        )

    def __call__(self, output_subset: Sequence[int] | None = None) -> None:
        if output_subset is not None or self.time_thunks:
            return super().__call__(output_subset)
        self._loop()

    _on_error = _raise_node_error

    def make_fast_call(self, function) -> Callable | None:
        """The C positional call path of ``function`` (a compiled Function)."""
        return make_fast_call(function, self._loop)


def make_fast_call(function, vm: Callable) -> Callable | None:
    """Build the runtime's ``FastCall`` for ``function``, running ``vm``.

    Returns ``None`` when the function needs the general path (profiling).
    """
    from aesara.configdefaults import config
    from aesara.link.c.runtime import get_runtime

    if function.profile:
        return None
    rt = get_runtime()
    typenums, ndims, shapes, fast_ok, conv = [], [], [], [], []
    for k in function._explicit:
        c = function.input_storage[k]
        t = c.type
        if _converts_in_c(t):
            typenums.append(np.dtype(t.dtype).num)
            ndims.append(t.ndim)
            shapes.append(
                tuple(t.shape) if any(s is not None for s in t.shape) else None
            )
            fast_ok.append(1)
            # What the input's filter is given (see ``Function._in_filters``).
            flags = _FC_STRICT if c.strict else 0
            if c.allow_downcast:
                flags |= _FC_DOWNCAST
            elif c.allow_downcast is None:
                flags |= _FC_DOWNCAST_NONE
            conv.append(flags)
        else:
            typenums.append(-1)
            ndims.append(-1)
            shapes.append(None)
            fast_ok.append(0)
            conv.append(0)
    out_cell = function._out_cells[0] if function._simple else None
    fast = rt.FastCall(
        tuple(function._in_cells),
        tuple(function._in_filters),
        tuple(typenums),
        tuple(ndims),
        tuple(shapes),
        tuple(fast_ok),
        tuple(conv),
        vm,
        out_cell,
        function._collect_no_subset,
        function._call_general,
        function._bad_input,
        function._call_contended,
        config,
    )
    return fast


# Conversion flags of ``FastCall`` (``FC_*`` in call_path.c).
_FC_STRICT = 1
_FC_DOWNCAST = 2
_FC_DOWNCAST_NONE = 4


def _converts_in_c(t) -> bool:
    """Whether the C call path may convert arguments for an input of type ``t``.

    It reproduces :meth:`TensorType.filter` (falling back to it for anything
    unusual), so the type must use that filter unchanged.
    """
    from aesara.tensor.type import TensorType

    cls = type(t)
    return (
        isinstance(t, TensorType)
        and cls.filter is TensorType.filter
        and cls._convert is TensorType._convert
        and not getattr(t, "filter_checks_isfinite", False)
    )


def call_descriptor() -> object:
    """A ``__call__`` descriptor dispatching to an instance's ``_fast_call``."""
    from aesara.link.c.runtime import get_runtime

    return get_runtime().CallDescriptor("_fast_call", "_py_call")


def _computes_like_c(op) -> bool:
    """Whether ``op`` is element-wise math that Aesara runs as C code."""
    from aesara.tensor.elemwise import CAReduce, Elemwise

    return isinstance(op, (Elemwise, CAReduce))


def _is_ifelse(op) -> bool:
    from aesara.ifelse import IfElse

    return type(op) is IfElse


def _quiet_fp_thunk(thunk):
    """Wrap a NumPy thunk so floating-point events stay silent, as in C.

    Aesara's C kernels give IEEE results (``log(0) = -inf``, ``0/0 = nan``)
    without a word; the same node computed through NumPy here, because it
    has no C translation, must not warn either.
    """
    errstate = np.errstate

    def quiet():
        with errstate(all="ignore"):
            return thunk()

    for attr in ("inputs", "outputs", "lazy", "perform", "py_thunk"):
        if hasattr(thunk, attr):
            setattr(quiet, attr, getattr(thunk, attr))
    quiet.wrapped = thunk
    return quiet


class CVMLinker(VMLinker):
    """A :class:`~aesara.link.vm.VMLinker` with compiled element-wise thunks and a C loop.

    Takes the same parameters as :class:`~aesara.link.vm.VMLinker`;
    ``use_cloop=False`` keeps the Python loops (with the C thunks) and
    ``c_thunks=False`` makes it a plain ``VMLinker``.
    """

    def __init__(
        self,
        allow_gc: bool | None = None,
        use_cloop: bool = True,
        callback: Callable | None = None,
        callback_input: Callable | None = None,
        lazy: bool | None = None,
        schedule: Callable | None = None,
        c_thunks: bool | None = None,
        allow_partial_eval: bool | None = None,
    ):
        super().__init__(
            allow_gc=allow_gc,
            use_cloop=use_cloop,
            callback=callback,
            callback_input=callback_input,
            lazy=lazy,
            schedule=schedule,
            c_thunks=c_thunks,
            allow_partial_eval=allow_partial_eval,
        )
        self._c_on = False
        # The IfElse thunks made by this linker, unwrapped (see CStack).
        self._own_ifelse: set = set()

    def _c_enabled(self) -> bool:
        if self.c_thunks is False:
            return False
        from aesara.link.c.compiler import warn_no_compiler
        from aesara.link.c.runtime import runtime_available

        if runtime_available():
            return True
        warn_no_compiler()
        return False

    def make_all(
        self,
        profiler=None,
        input_storage=None,
        output_storage=None,
        storage_map=None,
        **kwargs,
    ):
        """Build the VM, compiling the nodes' C code first (in parallel)."""
        from aesara.link.c.registry import build_plans, plan_for
        from aesara.link.c.runtime import start_runtime_build

        # The runtime (first use in a process) builds while the kernels do.
        pending = start_runtime_build() if self.c_thunks is not False else None
        self._c_on = True if pending is not None else self._c_enabled()
        self._plans: dict = {}
        self._artifacts: dict = {}
        self._own_ifelse: set = set()
        if self._c_on and self.fgraph is not None:
            for node in self.fgraph.apply_nodes:
                plan = plan_for(node)
                if plan is not None:
                    self._plans[node] = plan
            self._artifacts = build_plans(self._plans.values())
        if pending is not None:
            pending.join()
            self._c_on = self._c_enabled()
            if not self._c_on:
                self._plans, self._artifacts = {}, {}
        try:
            return super().make_all(
                profiler=profiler,
                input_storage=input_storage,
                output_storage=output_storage,
                storage_map=storage_map,
                **kwargs,
            )
        finally:
            self._plans = {}
            self._artifacts = {}
            self._own_ifelse = set()

    def make_node_thunk(self, node, storage_map, compute_map, impl):
        """The thunk of one node: its C translation when it has one."""
        plan = self._plans.get(node) if self._c_on else None
        if plan is not None:
            artifact = self._artifacts.get(plan.key)
            if artifact is not None:
                return plan.make(
                    artifact, node, storage_map, compute_map, self.no_recycling
                )
        thunk = super().make_node_thunk(node, storage_map, compute_map, impl)
        if self._c_on and _computes_like_c(node.op):
            thunk = _quiet_fp_thunk(thunk)
        elif _is_ifelse(node.op):
            # The C lazy loop may choose this node's branch itself; a thunk
            # that a subclass wraps (monitoring) is called instead.
            self._own_ifelse.add(thunk)
        return thunk

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
        """The C loops (eager or lazy); the Python VMs when profiling."""
        python_vm = (
            not self._c_on
            or not self.use_cloop
            or self.profile
            or (self._use_stack(thunks) and self.callback is not None)
        )
        if python_vm:
            return super().make_vm(
                nodes,
                thunks,
                input_storage,
                output_storage,
                storage_map,
                post_thunk_clear,
                computed,
                compute_map,
                updated_vars,
            )
        from aesara.link.basic import _no_recycling_cells

        if self._use_stack(thunks):
            vm = CStack(
                self.fgraph,
                nodes,
                thunks,
                _no_recycling_cells(
                    self.fgraph, self.no_recycling, storage_map, input_storage
                ),
                storage_map,
                compute_map,
                post_thunk_clear is not None,
                native_ifelse=self._own_ifelse,
            )
            vm.time_thunks = False
            vm.record_shapes = False
            return vm
        pre_call_clear = _no_recycling_cells(
            self.fgraph, self.no_recycling, storage_map, input_storage
        )
        if post_thunk_clear is not None and not any(post_thunk_clear):
            post_thunk_clear = None
        vm = CVM(self.fgraph, nodes, thunks, pre_call_clear, post_thunk_clear)
        vm.storage_map = storage_map
        vm.compute_map = compute_map
        vm.time_thunks = bool(self.profile)
        return vm

    def __repr__(self):
        return f"CVMLinker(allow_gc={self._allow_gc}, use_cloop={self.use_cloop})"


# Aesara 2.9 names: its C linkers compile whole graphs or each op; here both
# are the C VM linker, which compiles the element-wise work.
OpWiseCLinker = CVMLinker
CLinker = CVMLinker
