"""Storage containers and the linker interface.

A linker is bound to one FunctionGraph (:meth:`Linker.accept`) and turns it
into a thunk: a zero-argument callable that reads the graph's input cells
and fills its output cells. :class:`PerformLinker` runs each node through
its op's Python ``perform``; :class:`JITLinker` is the base of backends that
translate the whole graph into one compiled function.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from copy import copy, deepcopy
from typing import Any

from aesara.graph.basic import Apply, Constant, Variable
from aesara.graph.type import Type
from aesara.graph.utils import difference
from aesara.link.utils import (
    add_clear_storage,
    fgraph_to_python,
    gc_helper,
    map_storage,
    raise_with_op,
    streamline,
)

__all__ = [
    "Container",
    "JITLinker",
    "Linker",
    "LocalLinker",
    "PerformLinker",
    "WrapLinker",
    "WrapLinkerMany",
]


class Container:
    """A named, typed storage cell holding one value.

    Parameters
    ----------
    r
        The variable (or type) whose values the container holds; assigned
        values are passed through its type's ``filter``.
    storage
        A one-element list: the cell itself, shared with the thunks.
    readonly
        Forbid assignment through :attr:`data`.
    strict, allow_downcast
        Passed to the type's ``filter``.
    name
        Label used in error messages; defaults to the variable's name.
    """

    __slots__ = (
        "type",
        "name",
        "storage",
        "readonly",
        "strict",
        "allow_downcast",
        "required",
        "implicit",
        "provided",
        # Compiled functions keep per-container locks in a weak mapping.
        "__weakref__",
    )
    _STATE_SLOTS = __slots__[:-1]

    def __init__(
        self,
        r: Variable | Type,
        storage: list,
        readonly: bool = False,
        strict: bool = False,
        allow_downcast: bool | None = None,
        name: str | None = None,
    ):
        if not isinstance(storage, list) or len(storage) < 1:
            raise TypeError(f"storage must be a list with one element, got {storage!r}")
        if isinstance(r, Type):
            self.type = r
        else:
            self.type = r.type
        if name is None:
            name = getattr(r, "name", None)
        self.name = name
        self.storage = storage
        self.readonly = readonly
        self.strict = strict
        self.allow_downcast = allow_downcast
        self.required = False
        self.implicit = False
        self.provided = 0

    def __get__(self, instance, owner=None):
        return self.storage[0]

    def __set__(self, instance, value):
        self.data = value

    @property
    def data(self) -> Any:
        """The stored value."""
        return self.storage[0]

    @data.setter
    def data(self, value: Any) -> None:
        if self.readonly:
            raise Exception(f"Cannot set readonly storage: {self.name}")
        if value is None:
            self.storage[0] = None
            return
        try:
            self.storage[0] = self.type.filter(
                value, strict=self.strict, allow_downcast=self.allow_downcast
            )
        except (TypeError, ValueError) as e:
            who = f'"{self.name}"' if self.name else "of this container"
            prefix = f"Cannot store value in container {who} of type {self.type}: "
            if e.args and isinstance(e.args[0], str):
                e.args = (prefix + e.args[0], *e.args[1:])
            raise
        self.provided += 1

    value = data

    def __str__(self):
        return "<" + str(self.storage[0]) + ">"

    def __repr__(self):
        return "<" + repr(self.storage[0]) + ">"

    def __deepcopy__(self, memo):
        data = self.storage[0]
        if data is not None:
            data = deepcopy(data, memo)
            try:
                data = self.type.filter(
                    data, strict=self.strict, allow_downcast=self.allow_downcast
                )
            except Exception:  # keep the raw copy when the type cannot re-check it
                pass
        r = type(self).__new__(type(self))
        for slot in self._STATE_SLOTS:
            setattr(r, slot, getattr(self, slot))
        r.storage = [data]
        memo[id(self)] = r
        return r

    def __getstate__(self):
        return {slot: getattr(self, slot) for slot in self._STATE_SLOTS}

    def __setstate__(self, state):
        for k, v in state.items():
            setattr(self, k, v)


class Linker:
    """Base class: turns a FunctionGraph into something that computes it.

    Parameters
    ----------
    allow_gc
        Free intermediate results once used; ``None`` reads
        ``config.allow_gc`` when the linker runs.
    scheduler
        ``scheduler(fgraph) -> list of nodes`` giving the run order;
        defaults to ``fgraph.toposort()``.
    """

    def __init__(
        self, *, allow_gc: bool | None = None, scheduler: Callable | None = None
    ):
        self._allow_gc = allow_gc
        self._scheduler = scheduler
        self.fgraph = None

    @property
    def allow_gc(self) -> bool | None:
        """Whether intermediate results are freed (``None``: use the config)."""
        return self._allow_gc

    def clone(self, allow_gc: bool | None = None) -> Linker:
        """Return an unbound copy of this linker."""
        new = copy(self)
        new.fgraph = None
        if allow_gc is not None:
            new._allow_gc = allow_gc
        return new

    def accept(self, fgraph, no_recycling=None, profile=None) -> Linker:
        """Bind the linker to ``fgraph`` (a bound linker returns a fresh copy)."""
        raise NotImplementedError(f"{type(self).__name__} does not implement accept")

    def make_thunk(self, **kwargs) -> tuple[Callable, list[Container], list[Container]]:
        """Return ``(thunk, input_containers, output_containers)``."""
        raise NotImplementedError(
            f"{type(self).__name__} does not implement make_thunk"
        )

    def make_function(self, unpack_single: bool = True, **kwargs) -> Callable:
        """Return a plain callable ``f(*input_values)`` for the bound graph."""
        thunk, inputs, outputs = self.make_thunk(**kwargs)

        def execute(*args):
            if len(args) != len(inputs):
                raise TypeError(
                    f"Function expects {len(inputs)} arguments, got {len(args)}"
                )
            for container, arg in zip(inputs, args):
                container.data = arg
            thunk()
            values = [o.data for o in outputs]
            if unpack_single and len(values) == 1:
                return values[0]
            return values

        execute.thunk = thunk
        execute.inputs = inputs
        execute.outputs = outputs
        return execute

    def schedule(self, fgraph) -> list[Apply]:
        """Return the order in which the nodes of ``fgraph`` run."""
        if self._scheduler is not None:
            return list(self._scheduler(fgraph))
        return fgraph.toposort()

    def __getstate__(self):
        d = self.__dict__.copy()
        d["fgraph"] = None
        return d


class LocalLinker(Linker):
    """A linker whose work is done by :meth:`make_all` in this process."""

    def make_thunk(
        self, input_storage=None, output_storage=None, storage_map=None, **kwargs
    ):
        return self.make_all(
            input_storage=input_storage,
            output_storage=output_storage,
            storage_map=storage_map,
            **kwargs,
        )[:3]

    def make_all(
        self, input_storage=None, output_storage=None, storage_map=None, **kwargs
    ):
        """Return ``(thunk, input_containers, output_containers, thunks, order)``."""
        raise NotImplementedError(f"{type(self).__name__} does not implement make_all")


def _resolve_allow_gc(value: bool | None) -> bool:
    if value is not None:
        return bool(value)
    from aesara.configdefaults import config

    return bool(config.allow_gc)


def _no_recycling_cells(fgraph, no_recycling, storage_map, input_storage) -> list[list]:
    """The cells to empty before each run (never an input's cell)."""
    if no_recycling is True:
        cells = list(storage_map.values())
        return difference(cells, input_storage)
    inputs = set(fgraph.inputs)
    out, seen = [], set()
    for v in no_recycling or ():
        if v in inputs or isinstance(v, Constant) or v not in storage_map:
            continue
        cell = storage_map[v]
        if id(cell) not in seen:
            seen.add(id(cell))
            out.append(cell)
    return out


class PerformLinker(LocalLinker):
    """The ``"py"`` linker: every node runs through its op's Python thunk."""

    def __init__(self, allow_gc: bool | None = None, schedule: Callable | None = None):
        super().__init__(allow_gc=allow_gc, scheduler=schedule)
        self.no_recycling: list = []

    def accept(self, fgraph, no_recycling=None, profile=None) -> PerformLinker:
        if no_recycling is None:
            no_recycling = []
        if self.fgraph is not None and self.fgraph is not fgraph:
            return type(self)(allow_gc=self._allow_gc, schedule=self._scheduler).accept(
                fgraph, no_recycling, profile
            )
        self.fgraph = fgraph
        self.no_recycling = no_recycling
        return self

    def make_all(
        self, input_storage=None, output_storage=None, storage_map=None, **kwargs
    ):
        if self.fgraph is None:
            raise ValueError("PerformLinker.make_all called before accept(fgraph)")
        fgraph = self.fgraph
        order = self.schedule(fgraph)
        input_storage, output_storage, storage_map = map_storage(
            fgraph, order, input_storage, output_storage, storage_map
        )
        compute_map = {v: [v.owner is None] for v in storage_map}
        thunks = []
        for node in order:
            thunk = node.op.make_thunk(
                node, storage_map, compute_map, self.no_recycling, impl="py"
            )
            if not hasattr(thunk, "inputs"):
                thunk.inputs = [storage_map[v] for v in node.inputs]
                thunk.outputs = [storage_map[v] for v in node.outputs]
            thunks.append(thunk)

        allow_gc = _resolve_allow_gc(self._allow_gc)
        computed, last_user = gc_helper(order)
        post_thunk_old_storage = None
        if allow_gc:
            outputs = set(fgraph.outputs)
            post_thunk_old_storage = [
                [
                    storage_map[v]
                    for v in node.inputs
                    if v in computed and v not in outputs and last_user[v] is node
                ]
                for node in order
            ]
        no_recycling = _no_recycling_cells(
            fgraph, self.no_recycling, storage_map, input_storage
        )
        f = streamline(
            fgraph, thunks, order, post_thunk_old_storage, no_recycling=no_recycling
        )
        f.allow_gc = allow_gc
        f.storage_map = storage_map
        add_clear_storage(f, computed, storage_map)
        return (
            f,
            [Container(v, cell) for v, cell in zip(fgraph.inputs, input_storage)],
            [
                Container(v, cell, readonly=True)
                for v, cell in zip(fgraph.outputs, output_storage)
            ],
            thunks,
            order,
        )


class WrapLinker(Linker):
    """Runs several linkers on the same graph, node by node, through a wrapper.

    Each sub-linker builds its own thunks; for every node ``wrapper(fgraph, i,
    node, *thunks)`` is called with the thunks the linkers made for it (e.g.
    to run both and compare results). Only the first linker's storage is
    exposed as the function's inputs and outputs; the others are fed copies.

    Parameters
    ----------
    linkers
        Unbound :class:`LocalLinker` instances.
    wrapper
        ``wrapper(fgraph, i, node, *thunks)``, called once per node.
    """

    def __init__(self, linkers: Sequence[LocalLinker], wrapper: Callable):
        super().__init__()
        if not linkers:
            raise ValueError("WrapLinker needs at least one linker")
        self.linkers = list(linkers)
        self.wrapper = wrapper

    def clone(self, allow_gc=None):
        return type(self)(
            [lk.clone(allow_gc=allow_gc) for lk in self.linkers], self.wrapper
        )

    def accept(self, fgraph, no_recycling=None, profile=None) -> WrapLinker:
        if no_recycling is None:
            no_recycling = []
        if self.fgraph is not None and self.fgraph is not fgraph:
            return type(self)([lk.clone() for lk in self.linkers], self.wrapper).accept(
                fgraph, no_recycling, profile
            )
        self.fgraph = fgraph
        self.no_recycling = no_recycling
        self.linkers = [lk.clone().accept(fgraph, no_recycling) for lk in self.linkers]
        return self

    def pre(self, f, inputs, order, thunk_groups):
        """Hook called before each run with the input values."""

    def make_thunk(self, **kwargs):
        fgraph = self.fgraph
        made = [lk.make_all(**kwargs) for lk in self.linkers]
        fns, input_lists, output_lists, thunk_lists, orders = zip(*made)
        order = orders[0]
        for o in orders[1:]:
            if [n.op for n in o] != [n.op for n in order]:
                raise ValueError(
                    "All linkers of a WrapLinker must schedule the same nodes"
                )
        inputs0 = input_lists[0]
        outputs0 = output_lists[0]
        thunk_groups = list(zip(*thunk_lists))
        wrapper = self.wrapper
        no_recycling = [
            [cell for cell in (o.storage for o in outs)] for outs in output_lists
        ]

        def f():
            for inputs in input_lists[1:]:
                for i1, i2 in zip(inputs0, inputs):
                    i2.storage[0] = copy(i1.storage[0])
            for cells in no_recycling:
                for cell in cells:
                    cell[0] = None
            self.pre(self, [i.data for i in inputs0], order, thunk_groups)
            for i, (thunks, node) in enumerate(zip(thunk_groups, order)):
                try:
                    wrapper(fgraph, i, node, *thunks)
                except Exception:
                    raise_with_op(fgraph, node, thunks[0])

        f.thunk_groups = thunk_groups
        return f, inputs0, outputs0


class WrapLinkerMany(WrapLinker):
    """A :class:`WrapLinker` calling several wrappers in turn for each node."""

    def __init__(self, linkers: Sequence[LocalLinker], wrappers: Sequence[Callable]):
        self.wrappers = list(wrappers)

        def wrapper(*args):
            for w in self.wrappers:
                w(*args)

        super().__init__(linkers, wrapper)

    def clone(self, allow_gc=None):
        return type(self)(
            [lk.clone(allow_gc=allow_gc) for lk in self.linkers], self.wrappers
        )

    def accept(self, fgraph, no_recycling=None, profile=None):
        if self.fgraph is not None and self.fgraph is not fgraph:
            return type(self)(
                [lk.clone() for lk in self.linkers], self.wrappers
            ).accept(fgraph, no_recycling, profile)
        return super().accept(fgraph, no_recycling, profile)


def offer_c_call_path(vm: Callable) -> None:
    """Let functions running ``vm`` take the C runtime's positional call path.

    ``aesara.function`` looks for ``vm.make_fast_call``; the C path converts
    the arguments and runs ``vm`` without the Python call layers (a few
    microseconds per call). Where the C runtime cannot be built the
    function keeps its Python call path, which gives the same results.
    """

    def make_fast_call(function):
        from aesara.link.c.linker import make_fast_call as build

        try:
            return build(function, vm)
        except Exception:
            return None

    vm.make_fast_call = make_fast_call


class JITLinker(PerformLinker):
    """Base of the backends that compile a whole graph into one function.

    A backend (``aesara/link/<name>/``) subclasses this and implements
    :meth:`fgraph_convert` (usually :func:`aesara.link.utils.fgraph_to_python`
    with a ``functools.singledispatch`` registry of op translations keyed on
    the op's class, whose default wraps the op's ``perform`` through
    :func:`aesara.link.utils.py_perform_fn`, so untranslated ops still run)
    and :meth:`jit_compile`. The result is one thunk computing every output.
    """

    def fgraph_convert(
        self, fgraph, order, input_storage, output_storage, storage_map, **kwargs
    ) -> Callable:
        """Return a Python function ``fn(*inputs) -> tuple of outputs`` for ``fgraph``."""
        raise NotImplementedError(
            f"{type(self).__name__} must implement fgraph_convert"
        )

    def jit_compile(self, fn: Callable) -> Callable:
        """Compile the function made by :meth:`fgraph_convert` with the backend's JIT."""
        raise NotImplementedError(f"{type(self).__name__} must implement jit_compile")

    def create_thunk_inputs(self, storage_map: dict) -> list[list]:
        """Return the cells whose values are passed to the compiled function."""
        return [storage_map[v] for v in self.fgraph.inputs]

    def input_filter(self, value: Any) -> Any:
        """Convert an input value before the compiled function sees it."""
        return value

    def output_filter(self, var: Variable, out: Any) -> Any:
        """Convert a value returned by the compiled function to ``var``'s type."""
        return out

    def py_fgraph_to_python(self, fgraph, op_conversion_fn, **kwargs) -> Callable:
        """Shortcut for :func:`aesara.link.utils.fgraph_to_python`."""
        return fgraph_to_python(fgraph, op_conversion_fn, **kwargs)

    def create_jitable_thunk(
        self, compute_map, order, input_storage, output_storage, storage_map
    ):
        """Build the single thunk; returns ``(thunks, nodes, jitted_fn)``."""
        fgraph = self.fgraph
        converted = self.fgraph_convert(
            fgraph,
            order=order,
            input_storage=input_storage,
            output_storage=output_storage,
            storage_map=storage_map,
        )
        jitted = self.jit_compile(converted)
        thunk_inputs = self.create_thunk_inputs(storage_map)
        thunk_outputs = [storage_map[v] for v in fgraph.outputs]
        output_flags = [compute_map[v] for v in fgraph.outputs]
        out_vars = list(fgraph.outputs)
        input_filter = self.input_filter
        output_filter = self.output_filter

        def thunk():
            outputs = jitted(*[input_filter(cell[0]) for cell in thunk_inputs])
            for var, cell, flag, value in zip(
                out_vars, thunk_outputs, output_flags, outputs
            ):
                cell[0] = output_filter(var, value)
                flag[0] = True

        thunk.inputs = thunk_inputs
        thunk.outputs = thunk_outputs
        thunk.lazy = False
        return [thunk], list(order), jitted

    def make_all(
        self, input_storage=None, output_storage=None, storage_map=None, **kwargs
    ):
        if self.fgraph is None:
            raise ValueError(
                f"{type(self).__name__}.make_all called before accept(fgraph)"
            )
        fgraph = self.fgraph
        order = self.schedule(fgraph)
        input_storage, output_storage, storage_map = map_storage(
            fgraph, order, input_storage, output_storage, storage_map
        )
        compute_map = {v: [v.owner is None] for v in storage_map}
        thunks, nodes, jitted = self.create_jitable_thunk(
            compute_map, order, input_storage, output_storage, storage_map
        )
        (thunk,) = thunks

        def f():
            try:
                thunk()
            except Exception as e:
                # The compiled function hides which node failed; report the
                # graph's last node with the original error.
                if nodes:
                    raise_with_op(fgraph, nodes[-1], thunk)
                raise e

        f.allow_gc = False
        f.storage_map = storage_map
        f.jitted = jitted
        offer_c_call_path(f)
        return (
            f,
            [Container(v, cell) for v, cell in zip(fgraph.inputs, input_storage)],
            [
                Container(v, cell, readonly=True)
                for v, cell in zip(fgraph.outputs, output_storage)
            ],
            thunks,
            nodes,
        )
