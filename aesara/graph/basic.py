"""The graph intermediate representation: variables, apply nodes and the
algorithms that walk, sort, clone and compare graphs made of them."""

from __future__ import annotations

import itertools
from collections import deque
from collections.abc import (
    Callable,
    Collection,
    Generator,
    Hashable,
    Iterable,
    Sequence,
)
from copy import copy
from functools import singledispatch
from typing import TYPE_CHECKING, Any, TypeVar

import numpy as np

from aesara.graph.utils import (
    MetaObject,
    MethodNotDefined,
    Scratchpad,
    add_tag_trace,
    get_variable_trace_string,
)

if TYPE_CHECKING:
    from aesara.graph.op import Op
    from aesara.graph.type import Type

T = TypeVar("T", bound="Node")

#: A node with the nodes to visit after it (``None``: none), as the
#: ``expand`` functions of :func:`walk` may yield them.
NodeAndChildren = tuple[T, Iterable[T] | None]


class _NoParams:
    """Sentinel: the op's ``perform`` takes no ``params`` argument."""

    def __repr__(self):
        return "NoParams"

    def __reduce__(self):
        # Unpickling gives back the one sentinel, so ``is NoParams`` holds.
        return "NoParams"


#: The value of "no parameters" for an op's ``perform`` (see
#: :meth:`Op.get_params <aesara.graph.op.Op.get_params>`).
NoParams = _NoParams()

_auto_name_counter = itertools.count()

# Non-zero while ``Variable.clone`` builds a copy: the copy gets the original's
# tag (with its trace), so walking the stack for a new trace would be wasted.
_clone_depth = 0


def _new_without_trace(cls, kwargs):
    global _clone_depth
    _clone_depth += 1
    try:
        return cls(**kwargs)
    finally:
        _clone_depth -= 1


class Node(MetaObject):
    """A vertex of a graph: either an :class:`Apply` or a :class:`Variable`."""

    name: str | None

    def get_parents(self) -> list:
        """Return the nodes this node depends on directly."""
        raise NotImplementedError()


class Apply(Node):
    """The application of an :class:`Op` to input variables, producing outputs.

    Parameters
    ----------
    op
        The operation applied.
    inputs
        The argument variables.
    outputs
        Freshly made variables (owner ``None``); this node becomes their owner.
    """

    def __init__(self, op: Op, inputs: Sequence[Variable], outputs: Sequence[Variable]):
        if not isinstance(inputs, (list, tuple)):
            raise TypeError("The inputs of an Apply must be a list or tuple")
        if not isinstance(outputs, (list, tuple)):
            raise TypeError("The outputs of an Apply must be a list or tuple")
        self.op = op
        self.inputs: list[Variable] = []
        self.tag = Scratchpad()
        for i, inp in enumerate(inputs):
            if not isinstance(inp, Variable):
                raise TypeError(
                    f"Input {i} of {op} must be a Variable, got {type(inp).__name__}: {inp!r}"
                )
            self.inputs.append(inp)
        self.outputs: list[Variable] = []
        for i, out in enumerate(outputs):
            if not isinstance(out, Variable):
                raise TypeError(
                    f"Output {i} of {op} must be a Variable, got {type(out).__name__}"
                )
            if out.owner is None:
                out.owner = self
                out.index = i
            elif out.owner is not self or out.index != i:
                raise ValueError(
                    f"Output {i} of {op} ({out}) already belongs to another node: "
                    "all outputs passed to Apply must be fresh variables"
                )
            self.outputs.append(out)

    def default_output(self) -> Variable:
        """Return the output that stands for the node when it has several."""
        do = getattr(self.op, "default_output", None)
        if do is None:
            if len(self.outputs) == 1:
                return self.outputs[0]
            raise ValueError(
                f"{self.op} has {len(self.outputs)} outputs and no default_output"
            )
        if not (-len(self.outputs) <= do < len(self.outputs)):
            raise ValueError(f"{self.op}.default_output is out of range")
        return self.outputs[do]

    @property
    def out(self) -> Variable:
        return self.default_output()

    def __str__(self):
        return op_as_string(self.inputs, self)

    def __repr__(self):
        return str(self)

    def clone(self, clone_inner_graph: bool = False) -> Apply:
        """Return a copy of the node with the same inputs and new outputs."""
        op = self.op
        if clone_inner_graph:
            from aesara.graph.op import HasInnerGraph

            if isinstance(op, HasInnerGraph):
                op = op.clone()
        cp = self.__class__(op, self.inputs, [o.clone() for o in self.outputs])
        cp.tag = copy(self.tag)
        return cp

    def clone_with_new_inputs(
        self,
        inputs: Sequence[Variable],
        strict: bool = True,
        clone_inner_graph: bool = False,
    ) -> Apply:
        """Return a node like this one applied to ``inputs``.

        With ``strict`` each new input must be convertible to the type of the
        input it replaces; when a type changes, the node is rebuilt through
        ``op.make_node`` so its output types are re-derived.
        """
        if len(inputs) != len(self.inputs):
            raise ValueError(
                f"{self.op} expects {len(self.inputs)} inputs, got {len(inputs)}"
            )
        remake = False
        new_inputs = list(inputs)
        for i, (cur, new) in enumerate(zip(self.inputs, new_inputs)):
            if cur.type != new.type:
                if strict:
                    new = cur.type.filter_variable(new)
                    new_inputs[i] = new
                    if cur.type != new.type:
                        remake = True
                else:
                    remake = True
        if remake:
            new_node = self.op.make_node(*new_inputs)
            new_node.tag = copy(self.tag).__update__(new_node.tag)
        else:
            new_node = self.clone(clone_inner_graph=clone_inner_graph)
            new_node.inputs = new_inputs
        return new_node

    def get_parents(self):
        return list(self.inputs)

    @property
    def nin(self) -> int:
        return len(self.inputs)

    @property
    def nout(self) -> int:
        return len(self.outputs)

    @property
    def params_type(self):
        return self.op.params_type

    def run_params(self):
        """Return the parameters the op's ``perform`` receives, if any."""
        if hasattr(self.op, "get_params"):
            return self.op.get_params(self)
        raise MethodNotDefined("get_params")

    def __getstate__(self):
        return self.__dict__


class Variable(Node):
    """A symbolic value: an input, a constant or the output of an :class:`Apply`.

    Parameters
    ----------
    type
        What kind of value this variable holds.
    owner
        The node computing it, or ``None`` for graph inputs.
    index
        Its position in ``owner.outputs``.
    name
        An optional label used in printing and error messages.
    """

    __count__ = _auto_name_counter

    def __init__(
        self,
        type: Type,
        owner: Apply | None = None,
        index: int | None = None,
        name: str | None = None,
    ):
        self.tag = Scratchpad()
        self.type = type
        if owner is not None and not isinstance(owner, Apply):
            raise TypeError("owner must be an Apply instance", owner)
        self.owner = owner
        if index is not None and not isinstance(index, (int, np.integer)):
            raise TypeError("index must be an int", index)
        self.index = index
        if name is not None and not isinstance(name, str):
            # (``type`` is the parameter here, not the builtin.)
            raise TypeError(
                f"name must be a string, got {name.__class__.__name__}: {name!r}"
            )
        self.name = name
        self.auto_name = f"auto_{next(_auto_name_counter)}"
        if not _clone_depth:
            add_tag_trace(self)

    def get_test_value(self):
        if not hasattr(self.tag, "test_value"):
            from aesara.graph.utils import TestValueError

            raise TestValueError(f"{self} has no test value")
        return self.tag.test_value

    def __str__(self):
        if self.name is not None:
            return self.name
        if self.owner is not None:
            op = self.owner.op
            if self.index == getattr(op, "default_output", None):
                return f"{op}.out"
            return f"{op}.{self.index}"
        return f"<{self.type}>"

    def __repr__(self, firstPass: bool = True):
        """The variable's ``str``; with ``config.print_test_value``, its test
        value (if any) on a second line, as in Aesara."""
        text = str(self)
        if firstPass:
            from aesara.configdefaults import config

            if config.print_test_value and hasattr(self.tag, "test_value"):
                text += "\n" + repr(self.tag.test_value)
        return text

    def clone(self, **kwargs) -> Variable:
        """Return a new variable of the same type, name and tag, with no owner."""
        name = kwargs.pop("name", self.name)
        cp = _new_without_trace(
            self.__class__,
            dict(type=self.type, owner=None, index=None, name=name, **kwargs),
        )
        cp.tag = copy(self.tag)
        return cp

    def get_parents(self):
        if self.owner is not None:
            return [self.owner]
        return []

    def eval(self, inputs_to_values: dict | None = None):
        """Compile (once, then cached) and evaluate this variable.

        Parameters
        ----------
        inputs_to_values
            Maps each graph input the value depends on to a concrete value.
        """
        from aesara.compile.function import function

        if inputs_to_values is None:
            inputs_to_values = {}
        if not isinstance(inputs_to_values, dict):
            raise TypeError(
                "eval expects a dict mapping input variables to values, got "
                f"{type(inputs_to_values).__name__}"
            )
        for key in inputs_to_values:
            if not isinstance(key, Variable):
                raise TypeError(
                    f"eval: the keys must be Variables, got {type(key).__name__}: {key!r}"
                )
        inputs = tuple(sorted(inputs_to_values, key=id))
        cache = self.__dict__.setdefault("_fn_cache", {})
        fn = cache.get(inputs)
        if fn is None:
            fn = function(list(inputs), self)
            cache[inputs] = fn
        return fn(*(inputs_to_values[v] for v in inputs))

    def __getstate__(self):
        d = self.__dict__.copy()
        d.pop("_fn_cache", None)
        return d

    def dprint(self, **kwargs):
        """Print the graph computing this variable (see ``aesara.printing.debugprint``)."""
        from aesara.printing import debugprint

        return debugprint(self, **kwargs)

    def location(self) -> str:
        """Where in user code this variable was created."""
        return get_variable_trace_string(self)


class AtomicVariable(Variable):
    """A variable that is never the output of a node (an input or a constant)."""

    def __init__(self, type: Type, name: str | None = None, **kwargs):
        super().__init__(type=type, owner=None, index=None, name=name, **kwargs)

    def clone(self, **kwargs) -> AtomicVariable:
        name = kwargs.pop("name", self.name)
        cp = _new_without_trace(
            self.__class__, dict(type=self.type, name=name, **kwargs)
        )
        cp.tag = copy(self.tag)
        return cp

    def signature(self):
        return self

    def merge_signature(self):
        return self.signature()

    def equals(self, other) -> bool:
        return self.signature() == other.signature()

    @property
    def owner(self):
        return None

    @owner.setter
    def owner(self, value):
        if value is not None:
            raise ValueError("An atomic variable cannot have an owner")

    @property
    def index(self):
        return None

    @index.setter
    def index(self, value):
        if value is not None:
            raise ValueError("An atomic variable cannot have an index")


class NominalVariable(AtomicVariable):
    """An input identified only by an id and its type (used by inner graphs).

    ``NominalVariable(id, type)`` always returns the same object for equal
    ``(id, type)`` pairs. The object's class also derives from
    ``type.variable_type``, so it has the methods of ordinary variables of
    that type (e.g. tensor operators).
    """

    __instances__: dict = {}

    def __new__(cls, id: Hashable, typ: Type, **kwargs):
        key = (typ, id)
        obj = cls.__instances__.get(key)
        if obj is None:
            obj = super().__new__(_nominal_class(cls, typ.variable_type))
            obj._initialized = False
            # ``setdefault`` is atomic: when threads race to create the same
            # variable, they all get the one stored first.
            obj = cls.__instances__.setdefault(key, obj)
        return obj

    def __init__(self, id: Hashable, typ: Type, **kwargs):
        # ``__new__`` hands back existing instances; don't reset their state.
        if getattr(self, "_initialized", False):
            return
        self.id = id
        super().__init__(typ, **kwargs)
        self._initialized = True

    def __reduce__(self):
        return NominalVariable, (self.id, self.type)

    def clone(self, **kwargs):
        return self

    def __eq__(self, other):
        return self is other or (
            isinstance(other, NominalVariable)
            and self.id == other.id
            and self.type == other.type
        )

    def __hash__(self):
        return hash((NominalVariable, self.id, self.type))

    def __str__(self):
        return f"*{self.id}-{self.name if self.name is not None else f'<{self.type}>'}"

    def __repr__(self):
        return f"{NominalVariable.__name__}({self.id!r}, {self.type!r})"

    def signature(self):
        return (self.type, self.id)


_nominal_classes: dict = {}


def _nominal_class(base: type, var_type: type) -> type:
    """The subclass of ``base`` that also derives from ``var_type`` (cached)."""
    if issubclass(base, var_type):
        return base
    key = (base, var_type)
    cls = _nominal_classes.get(key)
    if cls is None:
        cls = type(
            f"Nominal{var_type.__name__}", (base, var_type), {"__module__": __name__}
        )
        # One class per key even when threads race here (``setdefault`` is atomic).
        cls = _nominal_classes.setdefault(key, cls)
    return cls


class Constant(AtomicVariable):
    """A variable with a fixed value known at graph-build time."""

    def __init__(self, type: Type, data: Any, name: str | None = None):
        super().__init__(type, name=name)
        self.data = type.filter(data)

    def get_test_value(self):
        return self.data

    def signature(self):
        return (self.type, self.data)

    def __str__(self):
        if self.name is not None:
            return self.name
        text = str(self.data)
        if len(text) > 20:
            text = text[:10] + "..." + text[-10:]
        return f"{type(self).__name__}{{{text}}}"

    def clone(self, **kwargs):
        """Return a new constant with the same type and (shared, not copied) data."""
        name = kwargs.pop("name", self.name)
        cp = _new_without_trace(
            self.__class__, dict(type=self.type, data=self.data, name=name, **kwargs)
        )
        cp.tag = copy(self.tag)
        return cp

    @property
    def value(self):
        return self.data


# ---------------------------------------------------------------------------
# Walking graphs
# ---------------------------------------------------------------------------


def walk(
    nodes: Iterable[T],
    expand: Callable[[T], Iterable[T] | None],
    bfs: bool = True,
    return_children: bool = False,
    hash_fn: Callable[[T], Hashable] = id,
) -> Generator:
    """Visit every node reachable from ``nodes`` through ``expand`` once.

    Yields each node, or ``(node, children)`` with ``return_children``.
    """
    queue = deque(nodes)
    seen: set = set()
    pop = queue.popleft if bfs else queue.pop
    while queue:
        node = pop()
        key = hash_fn(node)
        if key in seen:
            continue
        seen.add(key)
        children = expand(node)
        if return_children:
            yield node, children
        else:
            yield node
        if children:
            queue.extend(children)


def ancestors(
    graphs: Iterable[Variable], blockers: Collection[Variable] | None = None
) -> Generator[Variable, None, None]:
    """Yield every variable that ``graphs`` depend on (including themselves).

    The walk does not go past a variable in ``blockers``.
    """
    blockers = set(blockers) if blockers else ()

    def expand(v):
        if v.owner is not None and v not in blockers:
            return reversed(v.owner.inputs)

    yield from walk(graphs, expand, bfs=False)


def graph_inputs(
    graphs: Iterable[Variable], blockers: Collection[Variable] | None = None
) -> Generator[Variable, None, None]:
    """Yield the owner-less variables that ``graphs`` depend on.

    The search does not go past variables in ``blockers``; blockers that have
    an owner are not yielded (as in Aesara).
    """
    for v in ancestors(graphs, blockers):
        if v.owner is None:
            yield v


def vars_between(
    ins: Iterable[Variable], outs: Iterable[Variable]
) -> Generator[Variable, None, None]:
    """Yield the variables on paths from ``ins`` to ``outs`` (both included)."""
    ins = set(ins)

    def expand(v):
        if v.owner is not None and v not in ins:
            return reversed(v.owner.inputs + v.owner.outputs)

    yield from walk(outs, expand, bfs=False)


def orphans_between(
    ins: Collection[Variable], outs: Iterable[Variable]
) -> Generator[Variable, None, None]:
    """Yield the owner-less variables ``outs`` need that are not in ``ins``."""
    ins = set(ins)
    for v in vars_between(ins, outs):
        if v.owner is None and v not in ins:
            yield v


def applys_between(
    ins: Collection[Variable], outs: Iterable[Variable]
) -> Generator[Apply, None, None]:
    """Yield the nodes on paths from ``ins`` to ``outs``."""
    seen = set()
    for v in vars_between(ins, outs):
        o = v.owner
        if o is not None and o not in seen:
            seen.add(o)
            yield o


def variables(ins, outs) -> list[Variable]:
    return list(vars_between(ins, outs))


def applys(ins, outs) -> list[Apply]:
    return list(applys_between(ins, outs))


def general_toposort(
    outputs: Iterable[T],
    deps: Callable[[T], Iterable[T]],
    compute_deps_cache=None,
    deps_cache=None,
    clients=None,
) -> list[T]:
    """Topologically sort everything reachable from ``outputs`` through ``deps``.

    Dependencies come before the nodes needing them. Raises ``ValueError`` on
    a cycle.
    """
    if compute_deps_cache is not None:
        deps = compute_deps_cache
    order: list = []
    done: set = set()
    expanded: set = set()
    for root in outputs:
        if root in done:
            continue
        stack = [root]
        while stack:
            node = stack[-1]
            if node in done:
                stack.pop()
                continue
            if node not in expanded:
                expanded.add(node)
                ds = deps(node)
                if ds:
                    pending = [d for d in ds if d not in done]
                    for d in pending:
                        if d in expanded:
                            raise ValueError("graph contains cycles")
                    stack.extend(reversed(pending))
            else:
                stack.pop()
                done.add(node)
                order.append(node)
    return order


def io_toposort(
    inputs: Iterable[Variable],
    outputs: Iterable[Variable],
    orderings: dict | None = None,
    clients: dict | None = None,
) -> list[Apply]:
    """Return the nodes between ``inputs`` and ``outputs`` in a valid run order.

    Parameters
    ----------
    orderings
        Extra constraints: ``orderings[node]`` lists nodes that must run before
        ``node`` (used by the in-place safety machinery).
    clients
        A dict to fill, if given: each variable read in the sorted part maps
        to the nodes reading it, and each sorted node to its outputs that are
        used there (or requested).
    """
    # A set given as ``inputs`` is used as is: FunctionGraph passes its (large)
    # variable set on every import, and copying it each time is quadratic.
    iset = inputs if isinstance(inputs, (set, frozenset)) else set(inputs)
    order: list[Apply] = []
    done: set = set()
    expanded: set = set()
    for out in outputs:
        root = out.owner
        if root is None or out in iset or root in done:
            continue
        stack = [root]
        while stack:
            node = stack[-1]
            if node in done:
                stack.pop()
                continue
            if node not in expanded:
                expanded.add(node)
                pending = []
                for i in node.inputs:
                    o = i.owner
                    if o is not None and o not in done and i not in iset:
                        pending.append(o)
                if orderings:
                    extra = orderings.get(node)
                    if extra:
                        pending.extend(e for e in extra if e not in done)
                for d in pending:
                    if d in expanded:
                        raise ValueError("graph contains cycles")
                stack.extend(reversed(pending))
            else:
                stack.pop()
                done.add(node)
                order.append(node)
    if clients is not None:
        _fill_clients(clients, order, outputs, iset)
    return order


def _fill_clients(clients: dict, order: list[Apply], outputs, iset) -> None:
    """Record, for the sorted part of a graph, who uses what (as Aesara does).

    A variable maps to the sorted nodes reading it, in order; a node maps to
    its outputs that something in the sorted part (or the requested outputs)
    uses.
    """
    used: set = set()
    for out in outputs:
        if out not in iset:
            used.add(out)
    for node in order:
        # One entry per use, as in Aesara (``f(x, x)`` lists ``f`` twice).
        for i in node.inputs:
            clients.setdefault(i, []).append(node)
            used.add(i)
    for node in order:
        reached = [o for o in node.outputs if o in used]
        if reached:
            clients.setdefault(node, []).extend(reached)


def list_of_nodes(
    inputs: Collection[Variable], outputs: Iterable[Variable]
) -> list[Apply]:
    """Return the nodes between ``inputs`` and ``outputs`` (in no fixed order)."""
    return list(applys_between(inputs, outputs))


def is_in_ancestors(l_apply: Apply, f_apply: Apply) -> bool:
    """Whether ``f_apply`` is ``l_apply`` or one of its ancestors."""
    if l_apply is f_apply:
        return True
    for v in ancestors(l_apply.inputs):
        if v.owner is f_apply:
            return True
    return False


def view_roots(node: Variable) -> list[Variable]:
    """Return the variables whose memory ``node`` is a view of (or ``[node]``).

    Follows the ``view_map`` of the ops computing ``node`` back to variables
    that are not views.
    """
    roots: list[Variable] = []
    stack = [node]
    while stack:
        v = stack.pop()
        owner = v.owner
        vm = getattr(owner.op, "view_map", None) if owner is not None else None
        idx = v.index if owner is not None else None
        if vm and idx in vm:
            # Reversed so the roots come out in input order.
            stack.extend(owner.inputs[i] for i in reversed(vm[idx]))
        else:
            roots.append(v)
    return roots


def io_connection_pattern(
    inputs: Sequence[Variable], outputs: Sequence[Variable]
) -> list[list[bool]]:
    """Return ``pattern[i][j]``: whether ``outputs[j]`` depends on ``inputs[i]``.

    Each node's ``op.connection_pattern(node)`` (when defined) says which of its
    outputs depend on which of its inputs, so a dependency that an op declares
    absent is not propagated.
    """
    index = {v: i for i, v in enumerate(inputs)}
    # deps[v]: the set of input indices ``v`` depends on.
    deps: dict = {v: {i} for v, i in index.items()}
    for node in io_toposort(inputs, outputs):
        cp_fn = getattr(node.op, "connection_pattern", None)
        pattern = cp_fn(node) if cp_fn is not None else None
        for j, o in enumerate(node.outputs):
            s: set = set()
            for k, i in enumerate(node.inputs):
                if pattern is None or pattern[k][j]:
                    s |= deps.get(i, set())
            deps[o] = s
    return [[i in deps.get(o, ()) for o in outputs] for i in range(len(inputs))]


def get_var_by_name(graphs: Iterable[Variable], target_var_id: str, ids: str = "CHAR"):
    """Return the variables in ``graphs`` named (or auto-named) ``target_var_id``."""
    found = []
    for v in ancestors(graphs):
        if v.name == target_var_id or v.auto_name == target_var_id:
            found.append(v)
    return tuple(found)


# ---------------------------------------------------------------------------
# Cloning
# ---------------------------------------------------------------------------


def clone_get_equiv(
    inputs: Iterable[Variable],
    outputs: Iterable[Variable],
    copy_inputs: bool = True,
    copy_orphans: bool = True,
    memo: dict | None = None,
    clone_inner_graphs: bool = False,
) -> dict:
    """Clone the graph between ``inputs`` and ``outputs``.

    Returns
    -------
    dict
        Maps every original variable and node to its copy. Entries already in
        ``memo`` are reused.
    """
    if memo is None:
        memo = {}
    inputs = list(inputs)
    outputs = list(outputs)
    for inp in inputs:
        if inp not in memo:
            memo[inp] = inp.clone() if copy_inputs else inp
    for node in io_toposort(inputs, outputs):
        new_node = memo.get(node)
        if new_node is None:
            for inp in node.inputs:
                if inp not in memo:
                    memo[inp] = inp.clone() if copy_orphans else inp
            new_node = node.clone_with_new_inputs(
                [memo[i] for i in node.inputs], clone_inner_graph=clone_inner_graphs
            )
            memo[node] = new_node
        for old, new in zip(node.outputs, new_node.outputs):
            memo.setdefault(old, new)
    for out in outputs:
        if out not in memo:
            memo[out] = out.clone() if copy_orphans else out
    return memo


def replace_nominals_with_dummies(
    inputs: Sequence[Variable], outputs: Sequence[Variable]
) -> tuple[list[Variable], list[Variable]]:
    """Replace the :class:`NominalVariable` inputs of a graph by fresh variables.

    Before nominal inputs are given to a graph (numbered by input position),
    the nominals it already uses must go, or numbers could clash or
    replacements loop. The graph between ``inputs`` and ``outputs`` is copied
    with each nominal input replaced by a new variable of its type
    (``i.type()``); other inputs are kept. Nominal variables used in the
    graph must all be among ``inputs``.

    Parameters
    ----------
    inputs, outputs
        The graph's inputs and outputs.

    Returns
    -------
    tuple
        ``(inputs, outputs)`` of the new graph (the given lists, as lists,
        when no input is nominal).
    """
    replacements = {i: i.type() for i in inputs if isinstance(i, NominalVariable)}
    if not replacements:
        return list(inputs), list(outputs)
    memo = clone_get_equiv(
        inputs, outputs, copy_inputs=False, copy_orphans=False, memo=replacements
    )
    return [memo[i] for i in inputs], [memo[o] for o in outputs]


def clone(
    inputs: Sequence[Variable],
    outputs: Sequence[Variable],
    copy_inputs: bool = True,
    copy_orphans: bool | None = None,
    clone_inner_graphs: bool = False,
) -> tuple[list[Variable], list[Variable]]:
    """Copy the graph between ``inputs`` and ``outputs``.

    Returns the new inputs and outputs.
    """
    if copy_orphans is None:
        copy_orphans = copy_inputs
    equiv = clone_get_equiv(
        inputs,
        outputs,
        copy_inputs,
        copy_orphans,
        clone_inner_graphs=clone_inner_graphs,
    )
    return [equiv[i] for i in inputs], [equiv[o] for o in outputs]


def clone_node_and_cache(
    node: Apply, clone_d: dict, strict: bool = True, clone_inner_graphs: bool = False
):
    """Clone ``node`` with its inputs replaced through ``clone_d``; record the copy."""
    if node in clone_d:
        return clone_d[node]
    new_node = node.clone_with_new_inputs(
        [clone_d.get(i, i) for i in node.inputs],
        strict=strict,
        clone_inner_graph=clone_inner_graphs,
    )
    clone_d[node] = new_node
    for old, new in zip(node.outputs, new_node.outputs):
        clone_d.setdefault(old, new)
    return new_node


def clone_replace(
    output,
    replace: dict | Sequence[tuple] | None = None,
    strict: bool = True,
    share_inputs: bool = True,
    **rebuild_kwds,
):
    """Copy a graph, substituting variables as it goes.

    Parameters
    ----------
    output
        A variable, or a list/tuple of variables.
    replace
        ``{old: new}`` pairs (or a list of pairs) to substitute.
    strict
        Whether replacements must keep the replaced variable's type.
    share_inputs
        Keep the graph's own inputs instead of copying them.
    """
    if replace is None:
        items: list = []
    elif isinstance(replace, dict):
        items = list(replace.items())
    elif isinstance(replace, (list, tuple)):
        items = list(replace)
    else:
        raise TypeError(
            f"replace must be a dict or a list of pairs, got {type(replace).__name__}"
        )
    single = isinstance(output, Variable)
    outs = [output] if single else list(output)
    memo: dict = {}
    for old, new in items:
        if not isinstance(old, Variable):
            raise TypeError(f"Cannot replace {old!r}: it is not a Variable")
        if not isinstance(new, Variable):
            new = old.type.filter_variable(new) if hasattr(old, "type") else new
        elif strict and old.type != new.type:
            new = old.type.filter_variable(new)
        memo[old] = new
    replaced = set(memo)
    # The graph is cut at the replaced variables: nothing above them is copied.
    for inp in graph_inputs(outs, blockers=replaced):
        if inp not in memo:
            memo[inp] = (
                inp if share_inputs or isinstance(inp, Constant) else inp.clone()
            )
    for node in io_toposort(replaced, outs):
        new_node = node.clone_with_new_inputs(
            [memo.get(i, i) for i in node.inputs], strict=strict
        )
        for old, new in zip(node.outputs, new_node.outputs):
            memo.setdefault(old, new)
    res = [memo.get(o, o) for o in outs]
    if single:
        return res[0]
    return type(output)(res) if isinstance(output, tuple) else res


def equal_computations(
    xs: Sequence[Variable | Any],
    ys: Sequence[Variable | Any],
    in_xs: Sequence[Variable] | None = None,
    in_ys: Sequence[Variable] | None = None,
    strict_dtype: bool = True,
) -> bool:
    """Whether graphs ``xs`` and ``ys`` compute the same thing structurally.

    Two variables are equal when they are the same owner-less variable, equal
    constants, a pair ``(in_xs[i], in_ys[i])``, or outputs at the same index of
    nodes with equal ops applied to equal inputs. Non-variable entries of
    ``xs``/``ys`` compare by value with constants (or each other).

    Parameters
    ----------
    strict_dtype
        When false, constants whose types differ still compare equal when
        their values are equal.

    Raises
    ------
    ValueError
        If ``xs`` and ``ys`` have different lengths.
    """
    if len(xs) != len(ys):
        raise ValueError(
            f"The number of graphs to compare differ: {len(xs)} != {len(ys)}"
        )
    in_xs = list(in_xs or [])
    in_ys = list(in_ys or [])
    if len(in_xs) != len(in_ys):
        return False
    for a, b in zip(in_xs, in_ys):
        if not b.type.in_same_class(a.type):
            return False

    for x, y in zip(xs, ys):
        x_var, y_var = isinstance(x, Variable), isinstance(y, Variable)
        if not (x_var and y_var):
            if x_var or y_var:
                const = x if x_var else y
                value = y if x_var else x
                if not (
                    isinstance(const, Constant) and _values_equal(const.data, value)
                ):
                    return False
            elif not _values_equal(x, y):
                return False

    # Pairs known to be equal; the search stops at them.
    common: set = set(zip(in_xs, in_ys))
    in_xs_set, in_ys_set = set(in_xs), set(in_ys)
    for x, y in zip(xs, ys):
        if not isinstance(x, Variable) or not isinstance(y, Variable):
            continue
        if x not in in_xs_set and not y.type.in_same_class(x.type):
            if strict_dtype or not (
                isinstance(x, Constant) and isinstance(y, Constant)
            ):
                return False
        if not _equal_pair(x, y, common, in_xs_set, in_ys_set, strict_dtype):
            return False
    return True


def _values_equal(a, b) -> bool:
    try:
        return bool(np.array_equal(a, b, equal_nan=True))
    except TypeError:  # non-numeric data (equal_nan needs numbers)
        try:
            return bool(np.array_equal(a, b))
        except Exception:
            return False


def _constants_equal(a: Constant, b: Constant, strict_dtype: bool) -> bool:
    if a.type == b.type:
        try:
            return bool(a.equals(b))
        except Exception:  # e.g. a plain ``(type, ndarray)`` signature
            pass
        try:
            return bool(a.type.values_eq(a.data, b.data))
        except Exception:
            return False
    if strict_dtype:
        return False
    return _values_equal(a.data, b.data)


def _equal_pair(x, y, common, in_xs_set, in_ys_set, strict_dtype) -> bool:
    """Compare the graphs of ``x`` and ``y`` without recursion (deep graphs)."""
    # Entries: (a, b, inputs_checked). A node pair is pushed once before and
    # once after its input pairs; any mismatch ends the whole comparison.
    stack = [(x, y, False)]
    while stack:
        a, b, inputs_checked = stack.pop()
        if (a, b) in common:
            continue
        na, nb = a.owner, b.owner
        if inputs_checked:
            # Every input pair was found equal: so are the outputs.
            common.update(zip(na.outputs, nb.outputs))
            continue
        if a in in_xs_set or b in in_ys_set:
            return False
        if na is None or nb is None:
            if na is not None or nb is not None:
                return False
            if isinstance(a, Constant) and isinstance(b, Constant):
                if not _constants_equal(a, b, strict_dtype):
                    return False
            elif a != b:
                return False
            common.add((a, b))
            continue
        if (
            a.index != b.index
            or na.op != nb.op
            or len(na.inputs) != len(nb.inputs)
            or len(na.outputs) != len(nb.outputs)
        ):
            return False
        stack.append((a, b, True))
        stack.extend(
            (i, j, False) for i, j in zip(na.inputs, nb.inputs) if (i, j) not in common
        )
    return True


def default_leaf_formatter(v: Variable) -> str:
    return str(v)


def default_node_formatter(node: Apply, argstrings: list[str]) -> str:
    return f"{node.op}({', '.join(argstrings)})"


def op_as_string(
    inputs,
    node,
    leaf_formatter=default_leaf_formatter,
    node_formatter=default_node_formatter,
) -> str:
    """Render ``node`` as ``op(input, ...)`` with ``inputs`` shown as leaves."""
    strs = as_string(inputs, node.inputs, leaf_formatter, node_formatter)
    return node_formatter(node, strs)


def as_string(
    inputs: Iterable[Variable],
    outputs: Iterable[Variable],
    leaf_formatter: Callable[[Variable], str] = default_leaf_formatter,
    node_formatter: Callable[[Apply, list[str]], str] = default_node_formatter,
) -> list[str]:
    """Render each output as a nested expression string.

    ``inputs`` and owner-less variables are leaves. A node used more than
    once is written out in full the first time, as ``*N -> op(...)``, and
    as ``*N`` afterwards; ``::k`` marks output ``k`` of a multi-output node.
    """
    iset = set(inputs)
    outputs = list(outputs)

    def is_leaf(v):
        return v.owner is None or v in iset

    # Count the uses of each node to find the shared ones.
    uses: dict = {}
    for o in outputs:
        if not is_leaf(o):
            uses[o.owner] = uses.get(o.owner, 0) + 1
    for node in applys_between(iset, outputs):
        for i in node.inputs:
            if not is_leaf(i):
                uses[i.owner] = uses.get(i.owner, 0) + 1
    labels: dict = {}

    def suffix(v):
        return "" if len(v.owner.outputs) == 1 else f"::{v.owner.outputs.index(v)}"

    # Pass 1, pre-order (left to right, as the text reads): a node is written
    # in full at its first occurrence, recorded as ``(parent_node, k)`` or
    # ``("out", j)``; shared nodes are numbered in order of appearance.
    full_at: set = set()
    seen: set = set()
    for j, o in enumerate(outputs):
        stack = [(o, ("out", j))]
        while stack:
            v, occurrence = stack.pop()
            if is_leaf(v) or v.owner in seen:
                continue
            node = v.owner
            seen.add(node)
            full_at.add(occurrence)
            if uses.get(node, 0) > 1:
                labels[node] = len(labels) + 1
            stack.extend(
                (node.inputs[k], (node, k)) for k in reversed(range(len(node.inputs)))
            )

    # Pass 2, post-order without recursion: build each node's text once.
    text: dict = {}

    def build(root):
        stack = [(root, False)]
        while stack:
            node, ready = stack.pop()
            if not ready:
                stack.append((node, True))
                stack.extend(
                    (i.owner, False)
                    for k, i in enumerate(node.inputs)
                    if (node, k) in full_at
                )
                continue
            args = []
            for k, i in enumerate(node.inputs):
                if is_leaf(i):
                    args.append(leaf_formatter(i))
                elif (node, k) in full_at:
                    args.append(text.pop(i.owner) + suffix(i))
                else:
                    args.append(f"*{labels[i.owner]}{suffix(i)}")
            body = node_formatter(node, args)
            if node in labels:
                body = f"*{labels[node]} -> {body}"
            text[node] = body
        return text.pop(root)

    def render(j, o):
        if is_leaf(o):
            return leaf_formatter(o)
        if ("out", j) in full_at:
            return build(o.owner) + suffix(o)
        return f"*{labels[o.owner]}{suffix(o)}"

    return [render(j, o) for j, o in enumerate(outputs)]


@singledispatch
def _as_symbolic(x: Any, **kwargs) -> Variable:
    """Type-based dispatch behind :func:`as_symbolic` (register new kinds of values here)."""
    from aesara.tensor.basic import as_tensor_variable

    return as_tensor_variable(x, **kwargs)


def as_symbolic(x: Any, name: str | None = None, **kwargs) -> Variable:
    """Return ``x`` as a symbolic variable of the type its kind of value calls for.

    Variables are returned as they are; NumPy values become tensor constants,
    SciPy sparse matrices sparse constants, slices and ``None`` their own
    constants, and so on for every kind registered with ``_as_symbolic``.
    """
    if isinstance(x, Variable):
        return x
    out = _as_symbolic(x, **kwargs)
    if name is not None:
        out.name = name
    return out
