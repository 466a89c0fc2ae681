"""The graph rewriting engine.

Two kinds of rewriters exist:

* a :class:`GraphRewriter` transforms a whole :class:`FunctionGraph` in place
  (``rewrite(fgraph)``);
* a :class:`NodeRewriter` looks at one :class:`Apply` node and proposes
  replacement variables for its outputs (``transform(fgraph, node)``).

Node rewriters are applied by graph rewriters that walk the graph
(:class:`WalkingGraphRewriter`, :class:`OpKeyGraphRewriter`) or repeat until
nothing changes (:class:`EquilibriumGraphRewriter`). Replacements go through
``fgraph.replace_all_validate`` so features (e.g. the destroy handler) can
veto them, and replacement variables inherit the creation trace of the
variable they replace, so errors keep pointing at the user's code.
"""

from __future__ import annotations

import functools
import logging
import sys
import time
import warnings
from collections import defaultdict
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from aesara.configdefaults import config
from aesara.graph.basic import (
    Apply,
    AtomicVariable,
    Constant,
    Variable,
)
from aesara.graph.features import Feature
from aesara.graph.fg import FunctionGraph
from aesara.graph.op import Op
from aesara.graph.utils import InconsistencyError

_logger = logging.getLogger("aesara.graph.rewriting.basic")

__all__ = [
    "ChangeTracker",
    "CheckStackTraceFeature",
    "CheckStackTraceRewriter",
    "DispatchingFeature",
    "MetaNodeRewriter",
    "MetaNodeRewriterSkip",
    "check_chain",
    "inplace_graph_rewriter",
    "merge_dict",
    "walking_rewriter",
    "EquilibriumGraphRewriter",
    "FromFunctionGraphRewriter",
    "FromFunctionNodeRewriter",
    "GraphRewriter",
    "MergeFeature",
    "MergeOptimizer",
    "NavigatorOptimizer",
    "NodeProcessingGraphRewriter",
    "NodeRewriter",
    "OpKeyGraphRewriter",
    "OpToRewriterTracker",
    "PatternNodeRewriter",
    "RemovalNodeRewriter",
    "RewriteFailureWarning",
    "Rewriter",
    "SequentialGraphRewriter",
    "SequentialNodeRewriter",
    "SubstitutionNodeRewriter",
    "Updater",
    "WalkingGraphRewriter",
    "check_stack_trace",
    "copy_stack_trace",
    "graph_rewriter",
    "in2out",
    "node_rewriter",
    "out2in",
    "pre_constant_merge",
    "pre_greedy_node_rewriter",
]


class RewriteFailureWarning(UserWarning):
    """A rewrite raised an exception and was skipped (``config.on_opt_error='warn'``)."""


def _rewriter_name(rw: Any) -> str:
    name = getattr(rw, "name", None) or getattr(rw, "__name__", None)
    return str(name) if name else str(rw)


def _handle_rewrite_failure(exc: BaseException, rewriter: Any, node: Any = None):
    """Apply ``config.on_opt_error`` to an exception raised by ``rewriter``."""
    mode = config.on_opt_error
    if mode == "raise":
        raise exc
    if mode == "ignore":
        return
    if mode == "pdb":  # pragma: no cover - interactive
        import pdb

        pdb.post_mortem(sys.exc_info()[2])
        return
    where = f" on node {node}" if node is not None else ""
    msg = (
        f"Rewrite {_rewriter_name(rewriter)} failed{where} and was skipped: "
        f"{type(exc).__name__}: {exc}. Set config.on_opt_error='raise' to raise it, "
        "or 'ignore' to silence this warning."
    )
    _logger.warning(msg)
    warnings.warn(msg, RewriteFailureWarning, stacklevel=2)


# ---------------------------------------------------------------------------
# Base classes
# ---------------------------------------------------------------------------


class Rewriter:
    """Base class of graph and node rewriters.

    Rewriters compare and hash by identity: two instances are two rewrites.
    """

    name: str | None = None

    def add_requirements(self, fgraph: FunctionGraph) -> None:
        """Attach the features this rewriter needs to ``fgraph``."""

    def print_summary(self, stream=sys.stdout, level: int = 0, depth: int = -1):
        name = getattr(self, "name", None)
        print(f"{' ' * level}{type(self).__name__} {name} id={id(self)}", file=stream)

    def __hash__(self):
        return id(self)

    def __eq__(self, other):
        return self is other


class GraphRewriter(Rewriter):
    """A rewriter that transforms a whole :class:`FunctionGraph` in place."""

    def apply(self, fgraph: FunctionGraph, *args, **kwargs):
        """Rewrite ``fgraph`` (its requirements are already attached)."""
        raise NotImplementedError(f"{type(self).__name__} does not implement apply")

    def rewrite(self, fgraph: FunctionGraph, *args, **kwargs):
        """Attach the required features to ``fgraph``, then rewrite it.

        Returns
        -------
        Whatever :meth:`apply` returns (profiling information, or ``None``).
        """
        self.add_requirements(fgraph)
        return self.apply(fgraph, *args, **kwargs)

    optimize = rewrite

    def __call__(self, fgraph: FunctionGraph, *args, **kwargs):
        return self.rewrite(fgraph, *args, **kwargs)

    @classmethod
    def print_profile(cls, stream, prof, level: int = 0) -> None:
        """Print the profile ``prof`` returned by :meth:`apply`."""
        blanc = "    " * level
        print(f"{blanc}{cls.__name__} (no detailed profile)", file=stream)

    def __str__(self):
        return _rewriter_name(self) if self.name else type(self).__name__


class NodeRewriter(Rewriter):
    """A rewriter of single :class:`Apply` nodes."""

    def tracks(self) -> Sequence[Op | type] | None:
        """The ops (instances or classes) whose nodes this rewriter applies to.

        ``None`` means every node.
        """
        return None

    def transform(
        self, fgraph: FunctionGraph, node: Apply, *args, **kwargs
    ) -> Sequence[Variable] | dict[Variable, Variable] | bool | None:
        """Propose replacements for the outputs of ``node``.

        Returns
        -------
        ``False``/``None`` when the rewrite does not apply; a list with one
        replacement per output of ``node``; or a dict ``{old: new}`` (the key
        ``"remove"`` may list nodes or variables that must leave the graph).
        """
        raise NotImplementedError(f"{type(self).__name__} does not implement transform")

    def __str__(self):
        return _rewriter_name(self) if self.name else type(self).__name__


# ---------------------------------------------------------------------------
# Stack traces
# ---------------------------------------------------------------------------


def copy_stack_trace(from_var: Any, to_var: Any) -> None:
    """Give ``to_var`` (a variable or list) the creation traces of ``from_var``.

    The traces of every variable of ``from_var`` are appended to those
    already on each variable of ``to_var``.
    """
    froms = from_var if isinstance(from_var, (list, tuple)) else [from_var]
    tos = to_var if isinstance(to_var, (list, tuple)) else [to_var]
    trace: list = []
    for v in froms:
        t = getattr(getattr(v, "tag", None), "trace", None)
        if t:
            trace.extend(t)
    if not trace:
        return
    # Entries are compared through hashable keys: a list membership test per
    # entry made merging the traces of big fused clusters quadratic, and
    # repeated entries grew the traces at every fusion.
    trace_keys = [_trace_key(t) for t in trace]
    for v in tos:
        if v is None:
            continue
        existing = getattr(v.tag, "trace", None) or []
        seen = {_trace_key(t) for t in existing}
        new = list(existing)
        for t, k in zip(trace, trace_keys):
            if k not in seen:
                seen.add(k)
                new.append(t)
        v.tag.trace = new


def _trace_key(entry: Any) -> Any:
    """A hashable stand-in for one trace entry (a list of frame tuples)."""
    if isinstance(entry, list):
        try:
            key = tuple(entry)
            hash(key)
            return key
        except TypeError:
            return id(entry)
    try:
        hash(entry)
        return entry
    except TypeError:
        return id(entry)


def _inherit_traces(fgraph: FunctionGraph, old: Variable, new: Variable) -> None:
    """Give the variables a rewrite created for ``new`` the trace of ``old``.

    Variables built inside a rewrite were recorded at the line that started
    compilation, which tells the user nothing: the line that created the
    replaced variable is what errors must show.
    """
    trace = getattr(old.tag, "trace", None)
    if not trace or new in fgraph.variables:
        return
    stack = [new]
    seen = set()
    while stack:
        v = stack.pop()
        if v in seen or v in fgraph.variables:
            continue
        seen.add(v)
        if not isinstance(v, AtomicVariable):
            v.tag.trace = trace
        if v.owner is not None:
            stack.extend(v.owner.inputs)


def check_stack_trace(
    f_or_fgraph: Any, ops_to_check: Any = "last", bug_print: str = "raise"
) -> bool:
    """Whether the outputs of the selected nodes carry a creation trace.

    Parameters
    ----------
    f_or_fgraph
        A compiled function or a :class:`FunctionGraph`.
    ops_to_check
        ``"last"`` (the nodes computing the outputs), ``"all"``, an op
        instance or class, a list of them, or a predicate on nodes.
    bug_print
        ``"raise"``, ``"warn"`` or ``"ignore"``: what to do when a selected
        node's op is not in the graph.
    """
    fgraph = getattr(getattr(f_or_fgraph, "maker", None), "fgraph", f_or_fgraph)
    if not isinstance(fgraph, FunctionGraph):
        raise TypeError(
            "check_stack_trace expects a compiled function or a FunctionGraph, "
            f"got {type(f_or_fgraph).__name__}"
        )
    if ops_to_check == "last":
        nodes = [o.owner for o in fgraph.outputs if o.owner is not None]
        # Copies added for the outputs say nothing about the rewrites.
        nodes = [
            n.inputs[0].owner
            if type(n.op).__name__ in ("DeepCopyOp", "ViewOp")
            and n.inputs[0].owner is not None
            else n
            for n in nodes
        ]
    elif ops_to_check == "all":
        nodes = list(fgraph.apply_nodes)
    else:
        if callable(ops_to_check) and not isinstance(ops_to_check, (Op, type)):
            pred = ops_to_check
        else:
            checks = (
                list(ops_to_check)
                if isinstance(ops_to_check, (list, tuple))
                else [ops_to_check]
            )

            def pred(node):
                return any(
                    (isinstance(c, type) and isinstance(node.op, c)) or node.op == c
                    for c in checks
                )

        nodes = [n for n in fgraph.apply_nodes if pred(n)]
        if not nodes:
            msg = f"Provided op(s) {ops_to_check} are not in the graph"
            if bug_print == "raise":
                raise ValueError(msg)
            if bug_print == "warn":
                warnings.warn(msg, stacklevel=2)
            return False
    for node in nodes:
        for out in node.outputs:
            if not getattr(out.tag, "trace", None):
                return False
    return True


# ---------------------------------------------------------------------------
# Rewriters made from functions
# ---------------------------------------------------------------------------


class FromFunctionGraphRewriter(GraphRewriter):
    """A graph rewriter calling ``fn(fgraph)``."""

    def __init__(self, fn: Callable, requirements: Sequence[Callable] = ()):
        self.fn = fn
        self.requirements = tuple(requirements)
        self.__name__ = getattr(fn, "__name__", type(self).__name__)
        functools.update_wrapper(self, fn, updated=())

    def apply(self, fgraph, *args, **kwargs):
        return self.fn(fgraph)

    def add_requirements(self, fgraph):
        for req in self.requirements:
            req(fgraph)

    def __call__(self, *args, **kwargs):
        return self.fn(*args, **kwargs)

    def __str__(self):
        return self.name or self.__name__


def graph_rewriter(f: Callable) -> FromFunctionGraphRewriter:
    """Decorator turning ``f(fgraph)`` into a :class:`GraphRewriter`."""
    return FromFunctionGraphRewriter(f)


def _check_tracks(tracks) -> list | None:
    if tracks is None:
        return None
    if not isinstance(tracks, (list, tuple)):
        raise TypeError(
            f"tracks must be a list/tuple of ops or op classes, or None; got {tracks!r}"
        )
    if len(tracks) == 0:
        raise ValueError(
            "Use None instead of an empty list to apply a node rewriter to all nodes."
        )
    for t in tracks:
        if not (isinstance(t, Op) or (isinstance(t, type) and issubclass(t, Op))):
            raise TypeError(
                f"tracks must hold Op instances or Op subclasses; got {t!r} "
                f"({type(t).__name__})"
            )
    return list(tracks)


class FromFunctionNodeRewriter(NodeRewriter):
    """A node rewriter calling ``fn(fgraph, node)``."""

    def __init__(
        self,
        fn: Callable,
        tracks: Sequence | None = None,
        requirements: Sequence[Callable] = (),
    ):
        self.fn = fn
        self._tracks = _check_tracks(tracks)
        self._tracker = None
        if self._tracks is not None:
            self._tracker = OpToRewriterTracker()
            self._tracker.add_tracker(self)
        self.requirements = tuple(requirements)
        self.__name__ = getattr(fn, "__name__", type(self).__name__)
        functools.update_wrapper(self, fn, updated=())

    def transform(self, fgraph, node, *args, **kwargs):
        # Nodes of untracked ops are left alone: that is what ``tracks`` means.
        if self._tracker is not None and not self._tracker.get_trackers(node.op):
            return False
        return self.fn(fgraph, node, *args, **kwargs)

    def tracks(self):
        return self._tracks

    def add_requirements(self, fgraph):
        for req in self.requirements:
            req(fgraph)

    def __call__(self, *args, **kwargs):
        return self.fn(*args, **kwargs)

    def __str__(self):
        return self.name or self.__name__

    def print_summary(self, stream=sys.stdout, level=0, depth=-1):
        print(f"{' ' * level}{self.transform} id={id(self)}", file=stream)


def _attach_destroy_handler(fgraph):
    from aesara.graph.destroyhandler import DestroyHandler

    fgraph.attach_feature(DestroyHandler())


def node_rewriter(
    tracks: Sequence[Op | type] | None,
    inplace: bool = False,
    requirements: Sequence[Callable] = (),
) -> Callable[[Callable], FromFunctionNodeRewriter]:
    """Decorator turning ``f(fgraph, node)`` into a :class:`NodeRewriter`.

    Parameters
    ----------
    tracks
        The ops (instances or classes) whose nodes the rewrite looks at;
        ``None`` for every node.
    inplace
        The rewrite introduces ops that overwrite their inputs: a
        ``DestroyHandler`` is attached to the graphs it rewrites.
    requirements
        Functions of the graph attaching the features the rewrite needs.
    """
    tracks = _check_tracks(tracks)
    reqs = tuple(requirements)
    if inplace:
        reqs = reqs + (_attach_destroy_handler,)

    def decorator(f: Callable) -> FromFunctionNodeRewriter:
        if not callable(f):
            raise TypeError(f"node_rewriter decorates functions, got {f!r}")
        return FromFunctionNodeRewriter(f, tracks, reqs)

    return decorator


# ---------------------------------------------------------------------------
# Tracking which node rewriters apply to which ops
# ---------------------------------------------------------------------------


class OpToRewriterTracker:
    """Finds the node rewriters that track a given op, fast.

    Rewriters tracking op instances are found by a dict lookup, those tracking
    op classes by the op's class hierarchy (cached per class), and rewriters
    tracking nothing (``tracks() is None``) apply to every op.
    """

    def __init__(self):
        self.tracked_instances: dict[Op, list] = defaultdict(list)
        self.tracked_types: dict[type, list] = defaultdict(list)
        self.untracked_rewrites: list = []
        self._order: dict = {}
        self._type_cache: dict[type, list] = {}
        self._op_cache: dict[int, tuple] = {}

    def add_tracker(self, rw: NodeRewriter) -> None:
        """Register ``rw`` under the ops it tracks."""
        self._order.setdefault(rw, len(self._order))
        self._type_cache.clear()
        self._op_cache.clear()
        tracks = rw.tracks()
        if tracks is None:
            self.untracked_rewrites.append(rw)
            return
        for t in tracks:
            if isinstance(t, type):
                self.tracked_types[t].append(rw)
            else:
                self.tracked_instances[t].append(rw)

    def _by_type(self, op_type: type) -> list:
        res = self._type_cache.get(op_type)
        if res is None:
            res = []
            for cls in op_type.__mro__:
                res.extend(self.tracked_types.get(cls, ()))
            self._type_cache[op_type] = res
        return res

    def get_trackers(self, op: Op) -> list:
        """The rewriters applying to ``op``, in registration order."""
        # Cached by identity: hashing an op goes through its props, which
        # costs more than the rest of this lookup.
        cache = self._op_cache
        entry = cache.get(id(op))
        if entry is not None and entry[0] is op:
            return entry[1]
        inst: Any = ()
        if self.tracked_instances:
            try:
                inst = self.tracked_instances.get(op, ())
            except TypeError:  # unhashable op
                inst = ()
        by_type = self._by_type(type(op))
        if not inst and not by_type:
            res = self.untracked_rewrites
        else:
            found = dict.fromkeys([*self.untracked_rewrites, *by_type, *inst])
            res = sorted(found, key=self._order.__getitem__)
        if len(cache) > 4096:
            cache.clear()
        cache[id(op)] = (op, res)
        return res

    def get_rewriters(self) -> list:
        return list(self._order)


# ---------------------------------------------------------------------------
# Composite rewriters
# ---------------------------------------------------------------------------


class SequentialGraphRewriter(GraphRewriter, list):
    """Apply graph rewriters one after the other.

    Parameters
    ----------
    rewriters
        The rewriters, in order (a single list is accepted too).
    failure_callback
        ``callback(exc, self, rewriter)`` called when a rewriter raises;
        without one the exception propagates.
    """

    def __init__(self, *rewriters, failure_callback: Callable | None = None):
        if len(rewriters) == 1 and isinstance(rewriters[0], (list, tuple)):
            rewriters = tuple(rewriters[0])
        list.__init__(self, rewriters)
        self.failure_callback = failure_callback
        self.name = None

    @staticmethod
    def warn(exc, rewriter, failed_rewriter):
        """Failure callback following ``config.on_opt_error``."""
        _handle_rewrite_failure(exc, failed_rewriter)

    def apply(self, fgraph, *args, **kwargs):
        profiles = []
        times = []
        nb_nodes = []
        for rw in list(self):
            n0 = len(fgraph.apply_nodes)
            t0 = time.perf_counter()
            prof = None
            try:
                prof = rw.rewrite(fgraph)
            except InconsistencyError:
                raise
            except Exception as e:
                if self.failure_callback is None:
                    raise
                self.failure_callback(e, self, rw)
            times.append(time.perf_counter() - t0)
            profiles.append(prof)
            nb_nodes.append((n0, len(fgraph.apply_nodes)))
        return (self, list(self), times, profiles, nb_nodes)

    def __str__(self):
        return f"{self.name or 'SequentialGraphRewriter'}({', '.join(map(str, self))})"

    __repr__ = __str__

    def __hash__(self):
        return id(self)

    def __eq__(self, other):
        return self is other

    def print_summary(self, stream=sys.stdout, level=0, depth=-1):
        super().print_summary(stream, level, depth)
        if depth != 0:
            for rw in self:
                rw.print_summary(stream, level + 2, depth - 1)

    @classmethod
    def print_profile(cls, stream, prof, level=0):
        _, rewriters, times, profiles, nb_nodes = prof
        blanc = "    " * level
        print(f"{blanc}{cls.__name__}: {sum(times):.3f}s total", file=stream)
        order = sorted(range(len(rewriters)), key=lambda i: -times[i])
        for i in order:
            n0, n1 = nb_nodes[i]
            print(
                f"{blanc}  {times[i]:.6f}s - {_rewriter_name(rewriters[i])} "
                f"({n0} -> {n1} nodes)",
                file=stream,
            )


class SequentialNodeRewriter(NodeRewriter):
    """Try several node rewriters on a node, in order.

    Parameters
    ----------
    rewriters
        The node rewriters.
    apply_all_rewrites
        Keep applying the rewriters to the replacement of a single-output
        node instead of returning the first result.
    profile
        Record how often each rewriter was tried and succeeded.
    """

    def __init__(
        self,
        *rewriters: NodeRewriter,
        apply_all_rewrites: bool = False,
        profile: bool = False,
    ):
        if len(rewriters) == 1 and isinstance(rewriters[0], (list, tuple)):
            rewriters = tuple(rewriters[0])
        for rw in rewriters:
            if not isinstance(rw, NodeRewriter):
                raise TypeError(
                    f"SequentialNodeRewriter takes NodeRewriters, got {rw!r} "
                    f"({type(rw).__name__})"
                )
        self.rewrites = list(rewriters)
        self.apply_all_rewrites = apply_all_rewrites
        self.profile = profile
        self.tracker = OpToRewriterTracker()
        for rw in self.rewrites:
            self.tracker.add_tracker(rw)
        self.applied_counts: dict = defaultdict(int)
        self.time_rewrites: dict = defaultdict(float)
        self.process_count: dict = defaultdict(int)
        self.__name__ = ""

    def tracks(self):
        out: list = []
        for rw in self.rewrites:
            t = rw.tracks()
            if t is None:
                return None
            out.extend(t)
        return out

    def transform(self, fgraph, node, *args, **kwargs):
        if not self.rewrites:
            return False
        repl = None
        while True:
            result = None
            for rw in self.tracker.get_trackers(node.op):
                t0 = time.perf_counter()
                new_repl = rw.transform(fgraph, node)
                if self.profile:
                    self.time_rewrites[rw] += time.perf_counter() - t0
                    self.process_count[rw] += 1
                if not new_repl or (
                    isinstance(new_repl, (list, tuple))
                    and all(r is None for r in new_repl)
                ):
                    # ``[None]`` replaces nothing: let the next rewrite try.
                    continue
                if self.profile:
                    self.applied_counts[rw] += 1
                result = new_repl
                break
            if result is None:
                return repl if repl is not None else False
            if isinstance(result, dict) or not self.apply_all_rewrites:
                return result
            repl = result
            new_node = getattr(repl[0], "owner", None) if len(repl) == 1 else None
            if (
                new_node is None
                or len(new_node.outputs) != 1
                or new_node is node
                or not all(isinstance(i, Variable) for i in new_node.inputs)
            ):
                return repl
            node = new_node

    def add_requirements(self, fgraph):
        for rw in self.rewrites:
            rw.add_requirements(fgraph)

    def __str__(self):
        return self.__name__ or (
            f"SequentialNodeRewriter({', '.join(map(str, self.rewrites))})"
        )

    def print_summary(self, stream=sys.stdout, level=0, depth=-1):
        super().print_summary(stream, level, depth)
        if depth != 0:
            for rw in self.rewrites:
                rw.print_summary(stream, level + 2, depth - 1)


class SubstitutionNodeRewriter(NodeRewriter):
    """Replace every application of ``op1`` by an application of ``op2``.

    Parameters
    ----------
    op1, op2
        The op replaced and its replacement (taking the same inputs).
    transfer_tags
        Copy the output tags (traces, names) to the new outputs.
    """

    reentrant = False
    retains_inputs = True

    def __init__(self, op1: Op, op2: Op, transfer_tags: bool = True):
        self.op1 = op1
        self.op2 = op2
        self.transfer_tags = transfer_tags

    def op_key(self):
        return self.op1

    def tracks(self):
        return [self.op1]

    def transform(self, fgraph, node, *args, **kwargs):
        if node.op != self.op1:
            return False
        repl = self.op2.make_node(*node.inputs)
        if self.transfer_tags:
            for old, new in zip(node.outputs, repl.outputs):
                new.tag = old.tag.__copy__()
        return repl.outputs

    def __str__(self):
        return f"{self.op1} -> {self.op2}"


class RemovalNodeRewriter(NodeRewriter):
    """Remove every application of ``op`` (its outputs become its inputs)."""

    reentrant = False

    def __init__(self, op: Op):
        self.op = op

    def op_key(self):
        return self.op

    def tracks(self):
        return [self.op]

    def transform(self, fgraph, node, *args, **kwargs):
        if node.op != self.op:
            return False
        if len(node.inputs) != len(node.outputs):
            return False
        return list(node.inputs)

    def __str__(self):
        return f"{self.op}(x) -> x"


# ---------------------------------------------------------------------------
# Patterns
# ---------------------------------------------------------------------------


def _pattern_str(p) -> str:
    if isinstance(p, (list, tuple)):
        return f"{p[0]}({', '.join(_pattern_str(x) for x in p[1:])})"
    if isinstance(p, dict):
        return f"{_pattern_str(p['pattern'])} subject to {p.get('constraint')}"
    return str(p)


class PatternNodeRewriter(NodeRewriter):
    """Replace sub-graphs matching a pattern by another pattern.

    Patterns are nested tuples ``(op, *sub_patterns)``; a string matches any
    variable and binds it to that name (the same name must match the same
    variable everywhere); a number matches a constant equal to it; a
    :class:`Constant` matches an equal constant; another variable matches
    only itself; a dict ``{"pattern": p, "constraint": fn}`` matches ``p``
    when ``fn(variable)`` is true. ``op`` is an op instance (matched by
    equality) or an op class (matched by ``isinstance``).

    The output pattern uses the same syntax: tuples are rebuilt by calling
    their op on the rebuilt arguments and strings stand for the bound
    variables.

    Parameters
    ----------
    in_pattern, out_pattern
        What to look for and what to replace it by.
    allow_multiple_clients
        Also match when an inner variable of the pattern is used elsewhere
        (the rewrite then duplicates work instead of removing it).
    name
        Shown in messages and profiles.
    tracks
        Extra ops whose nodes are tried.
    get_nodes
        ``get_nodes(fgraph, node)``: extra nodes to try the pattern on.
    values_eq_approx
        Stored on the replacement's tag (for DebugMode-style comparisons).
    """

    def __init__(
        self,
        in_pattern,
        out_pattern,
        allow_multiple_clients: bool = False,
        name: str | None = None,
        tracks: Sequence = (),
        get_nodes: Callable | None = None,
        values_eq_approx: Callable | None = None,
    ):
        root = in_pattern["pattern"] if isinstance(in_pattern, dict) else in_pattern
        if not isinstance(root, (list, tuple)) or not root:
            raise TypeError(
                "The input pattern of a PatternNodeRewriter must be a tuple "
                f"(op, *sub_patterns) (or a dict around one), got {in_pattern!r}"
            )
        op = root[0]
        if not (isinstance(op, Op) or (isinstance(op, type) and issubclass(op, Op))):
            raise TypeError(
                f"The first element of the input pattern must be an Op or an Op "
                f"class, got {op!r}"
            )
        self.op = op
        self.in_pattern = in_pattern
        self.out_pattern = out_pattern
        self.allow_multiple_clients = allow_multiple_clients
        self.values_eq_approx = values_eq_approx
        self._tracks = list(tracks) if tracks else []
        self.get_nodes = get_nodes
        if name:
            self.__name__ = name
            self.name = name

    def op_key(self):
        return self.op

    def tracks(self):
        if self._tracks:
            return [self.op, *self._tracks]
        return [self.op]

    # Matching ----------------------------------------------------------------

    def _match(self, fgraph, pattern, expr, u: dict, is_root: bool) -> dict | None:
        if isinstance(pattern, dict):
            u = self._match(fgraph, pattern["pattern"], expr, u, is_root)
            if u is None:
                return None
            constraint = pattern.get("constraint", lambda v: True)
            return u if constraint(expr) else None
        if isinstance(pattern, (list, tuple)):
            node = expr.owner
            if node is None:
                return None
            op = pattern[0]
            if isinstance(op, type):
                if not isinstance(node.op, op):
                    return None
            elif node.op != op:
                return None
            if len(pattern) - 1 != len(node.inputs):
                return None
            if (
                not is_root
                and not self.allow_multiple_clients
                and fgraph is not None
                and len(fgraph.clients.get(expr, ())) > 1
            ):
                return None
            for sub, inp in zip(pattern[1:], node.inputs):
                u = self._match(fgraph, sub, inp, u, False)
                if u is None:
                    return None
            return u
        if isinstance(pattern, str):
            bound = u.get(pattern)
            if bound is None:
                u = dict(u)
                u[pattern] = expr
                return u
            if bound is expr:
                return u
            if (
                isinstance(bound, Constant)
                and isinstance(expr, Constant)
                and bound.equals(expr)
            ):
                return u
            return None
        if isinstance(pattern, Constant):
            if isinstance(expr, Constant) and (expr is pattern or pattern.equals(expr)):
                return u
            return None
        if isinstance(pattern, Variable):
            return u if pattern is expr else None
        if isinstance(pattern, (bool, int, float, complex, np.number)):
            if not isinstance(expr, Constant):
                return None
            try:
                return u if bool(np.all(np.asarray(expr.data) == pattern)) else None
            except Exception:
                return None
        raise TypeError(f"Unsupported element {pattern!r} in pattern {self}")

    def _build(self, pattern, u: dict):
        if isinstance(pattern, (list, tuple)):
            args = [self._build(p, u) for p in pattern[1:]]
            return pattern[0](*args)
        if isinstance(pattern, dict):
            return self._build(pattern["pattern"], u)
        if isinstance(pattern, str):
            if pattern not in u:
                raise KeyError(
                    f"Output pattern of {self} uses {pattern!r}, which the input "
                    "pattern does not bind"
                )
            return u[pattern]
        return pattern

    def transform(self, fgraph, node, get_nodes: bool = True, *args, **kwargs):
        if get_nodes and self.get_nodes is not None:
            for real_node in self.get_nodes(fgraph, node):
                if real_node == "output":
                    continue
                ret = self.transform(fgraph, real_node, get_nodes=False)
                if ret is not False and ret is not None:
                    return dict(zip(real_node.outputs, ret))
        if len(node.outputs) != 1:
            return False
        u = self._match(fgraph, self.in_pattern, node.outputs[0], {}, True)
        if u is None:
            return False
        ret = self._build(self.out_pattern, u)
        if not isinstance(ret, Variable):
            from aesara.tensor.basic import as_tensor_variable

            ret = as_tensor_variable(ret)
        out = node.outputs[0]
        if not out.type.is_super(ret.type):
            try:
                ret = out.type.filter_variable(ret, allow_convert=True)
            except Exception:
                return False
        if self.values_eq_approx is not None:
            ret.tag.values_eq_approx = self.values_eq_approx
        return [ret]

    def __str__(self):
        if getattr(self, "__name__", None):
            return self.__name__
        return f"{_pattern_str(self.in_pattern)} -> {_pattern_str(self.out_pattern)}"

    def __repr__(self):
        return str(self)


# The rest of the engine (merging, walking, equilibrium) lives in
# ``_engine.py`` to keep files short; its names are part of this module.
from aesara.graph.rewriting._engine import (  # noqa: E402
    ChangeTracker,
    EquilibriumGraphRewriter,
    MergeFeature,
    MergeOptimizer,
    NavigatorOptimizer,
    NodeProcessingGraphRewriter,
    OpKeyGraphRewriter,
    Updater,
    WalkingGraphRewriter,
    in2out,
    out2in,
    pre_constant_merge,
    pre_greedy_node_rewriter,
    walking_rewriter,
)

# ---------------------------------------------------------------------------
# Smaller helpers of Aesara's rewriting API
# ---------------------------------------------------------------------------


def inplace_graph_rewriter(f: Callable) -> FromFunctionGraphRewriter:
    """Decorator turning ``f(fgraph)`` into a graph rewriter that may destroy.

    Like :func:`graph_rewriter`, but the rewriter's requirements attach a
    :class:`~aesara.graph.destroyhandler.DestroyHandler` to the graph first,
    so ``f`` may introduce in-place ops.
    """
    return FromFunctionGraphRewriter(f, requirements=(_attach_destroy_handler,))


def merge_dict(d1: dict, d2: dict) -> dict:
    """A new dict with the keys of both; values of shared keys are added (``+``).

    ``d1`` and ``d2`` are left unchanged. Used to merge rewriting profiles
    (counts, times).
    """
    merged = dict(d1)
    for key, value in d2.items():
        merged[key] = merged[key] + value if key in merged else value
    return merged


def _op_matches(op: Op, spec: Any) -> bool:
    if isinstance(spec, Op):
        return op == spec
    if isinstance(spec, type) and issubclass(spec, Op):
        return isinstance(op, spec)
    return False


def check_chain(r: Variable | Apply, *chain: Any) -> bool:
    """Whether ``r`` is computed by the chain of ops ``chain`` along first inputs.

    ``check_chain(r, a, b)`` holds when ``r``'s owner applies ``a`` and that
    node's first input is computed by ``b``. Each element of ``chain`` is an
    :class:`Op` instance (compared with ``==``), an :class:`Op` subclass
    (``isinstance``), or ``None`` as the last element, meaning "a variable
    with no owner" (a graph input or constant). Anything else never matches.

    Parameters
    ----------
    r
        The variable to check (an :class:`Apply` stands for its first output).
    *chain
        The ops expected from ``r`` backwards.
    """
    if isinstance(r, Apply):
        r = r.outputs[0]
    for pos, spec in enumerate(chain):
        if r is None:
            return False
        if spec is None:
            # Nothing computes an input, so nothing can follow ``None``.
            return r.owner is None and pos == len(chain) - 1
        if r.owner is None or not _op_matches(r.owner.op, spec):
            return False
        if not r.owner.inputs:
            return pos == len(chain) - 1
        r = r.owner.inputs[0]
    return r is not None


class DispatchingFeature(Feature):
    """A feature calling user functions on graph events.

    Parameters
    ----------
    importer
        ``importer(node)``, called when ``node`` enters the graph (or ``None``).
    pruner
        ``pruner(node)``, called when ``node`` leaves the graph (or ``None``).
    chin
        ``chin(node, i, old, new, reason)``, called when input ``i`` of
        ``node`` changes from ``old`` to ``new`` (or ``None``).
    name
        Shown by ``str``.
    """

    def __init__(
        self,
        importer: Callable | None,
        pruner: Callable | None,
        chin: Callable | None,
        name: str | None = None,
    ):
        self.importer = importer
        self.pruner = pruner
        self.chin = chin
        self.name = name

    def __str__(self):
        return f"{type(self).__name__}{{{self.name}}}"

    def on_import(self, fgraph, node, reason):
        if self.importer is not None:
            self.importer(node)

    def on_prune(self, fgraph, node, reason):
        if self.pruner is not None:
            self.pruner(node)

    def on_change_input(self, fgraph, node, i, r, new_r, reason=None):
        if self.chin is not None:
            self.chin(node, i, r, new_r, reason)

    def on_detach(self, fgraph):
        # Functions (often closures) do not pickle; a detached feature needs
        # none of them.
        self.importer = self.pruner = self.chin = None


class CheckStackTraceFeature(Feature):
    """Checks, as nodes enter a graph, that every node output has a creation trace.

    What happens on a missing trace follows ``config.check_stack_trace``:
    ``"off"`` nothing; ``"raise"`` an :class:`AssertionError`; ``"log"`` the
    outputs without a trace get one naming the rewrite (``reason``);
    ``"warn"`` the same plus a :class:`UserWarning`.
    """

    def on_import(self, fgraph, node, reason):
        mode = config.check_stack_trace
        if mode == "off" or check_stack_trace(fgraph, "all"):
            return
        msg = (
            "A node output has no creation trace (tag.trace); it was inserted "
            f"by: {reason}"
        )
        if mode == "raise":
            raise AssertionError(msg)
        for apply_node in fgraph.apply_nodes:
            for out in apply_node.outputs:
                if not getattr(out.tag, "trace", None):
                    out.tag.trace = [[("", 0, msg, "")]]
        if mode == "warn":
            warnings.warn(msg, stacklevel=2)


class CheckStackTraceRewriter(GraphRewriter):
    """A graph rewriter that only attaches a :class:`CheckStackTraceFeature`.

    Registered in a rewrite database, it makes every later rewrite's new
    nodes checked for a creation trace (see ``config.check_stack_trace``).
    """

    def add_requirements(self, fgraph):
        if not any(
            isinstance(f, CheckStackTraceFeature)
            for f in getattr(fgraph, "_features", ())
        ):
            fgraph.attach_feature(CheckStackTraceFeature())

    def apply(self, fgraph, *args, **kwargs):
        return None


class MetaNodeRewriterSkip(AssertionError):
    """Raised while a :class:`MetaNodeRewriter` times a candidate: skip it quietly."""


def _as_output_list(node: Apply, outputs: Any) -> list | None:
    """A candidate's replacement as one variable per output of ``node``."""
    if isinstance(outputs, dict):
        if any(o not in outputs for o in node.outputs):
            return None
        return [outputs[o] for o in node.outputs]
    return list(outputs)


class MetaNodeRewriter(NodeRewriter):
    """A node rewriter choosing, among registered candidates, the fastest result.

    For a node it tries every registered rewriter tracking the node's op
    class, compiles each proposed replacement on dummy input values and keeps
    the one that runs fastest. Input values come from shared variables, from
    test values (``tag.test_value``) or from :meth:`provide_inputs`, which
    subclasses override; a node whose input values cannot all be provided is
    left alone. A candidate whose compilation or run raises
    :class:`MetaNodeRewriterSkip` is skipped silently, other errors are
    reported when ``config.metaopt__verbose > 0``.
    """

    def __init__(self):
        self.verbose = config.metaopt__verbose
        self.track_dict: defaultdict = defaultdict(list)
        self.tag_dict: defaultdict = defaultdict(list)
        self._tracks: list = []
        self.rewriters: list = []

    def register(self, rewriter: NodeRewriter, tag_list: Sequence[str]) -> None:
        """Add ``rewriter`` as a candidate for the op classes it tracks."""
        if not isinstance(rewriter, NodeRewriter):
            raise TypeError(
                "MetaNodeRewriter.register expects a NodeRewriter, got "
                f"{type(rewriter).__name__}"
            )
        self.rewriters.append(rewriter)
        for op_class in rewriter.tracks() or ():
            self.track_dict[op_class].append(rewriter)
            self._tracks.append(op_class)
        for tag in tag_list:
            self.tag_dict[tag].append(rewriter)

    def tracks(self):
        return self._tracks

    def provide_inputs(self, node: Apply, inputs: set) -> dict:
        """Map (some of) ``inputs`` of ``node`` to shared variables holding dummy values.

        Subclasses override it; the base class has no way to invent values.
        """
        raise NotImplementedError(
            f"{type(self).__name__} cannot provide values for inputs of {node}"
        )

    def get_rewrites(self, node: Apply) -> list:
        """The candidates for ``node``: those registered for its op class."""
        return self.track_dict[type(node.op)]

    def time_call(self, fn: Callable) -> float:
        """Seconds one call of ``fn()`` takes."""
        start = time.perf_counter()
        fn()
        return time.perf_counter() - start

    def _say(self, level: int, msg: str) -> None:
        if self.verbose > level:
            print(msg)

    def transform(self, fgraph, node, *args, **kwargs):
        tracked = tuple(t for t in self._tracks if isinstance(t, type))
        if not tracked or not isinstance(node.op, tracked):
            return None
        import aesara
        from aesara.compile.sharedvalue import SharedVariable

        givens, missing = {}, set()
        for inp in node.inputs:
            if isinstance(inp, (SharedVariable, Constant)):
                continue
            if hasattr(inp.tag, "test_value"):
                value = inp.type.filter(inp.tag.test_value)
                givens[inp] = aesara.shared(value, inp.name, borrow=True)
            else:
                missing.add(inp)
        if missing:
            givens.update(self.provide_inputs(node, missing))
            missing.difference_update(givens)
        if missing:
            self._say(
                0,
                f"{type(self).__name__}: no values for {len(missing)} of the "
                f"{node.nin} inputs of {node}; not rewriting it",
            )
            return None
        timings = []
        for rank, candidate in enumerate(self.get_rewrites(node)):
            try:
                outputs = candidate.transform(fgraph, node, *args, **kwargs)
            except MetaNodeRewriterSkip:
                continue
            outputs = _as_output_list(node, outputs) if outputs else None
            if not outputs:
                self._say(0, f"* {candidate}: not applicable")
                continue
            try:
                fn = aesara.function(
                    [], outputs, givens=givens, on_unused_input="ignore"
                )
                fn.trust_input = True
                seconds = min(self.time_call(fn) for _ in range(2))
            except MetaNodeRewriterSkip:
                continue
            except Exception as e:
                self._say(0, f"* {candidate}: raised {e!r}")
                continue
            self._say(1, f"* {candidate}: {seconds:.5g} s")
            # ``rank`` breaks ties without comparing variables.
            timings.append((seconds, rank, outputs))
        if not timings:
            return None
        return min(timings, key=lambda t: t[:2])[2]


# Names of earlier releases, kept for code written against them.
LocalOptimizer = NodeRewriter
GlobalOptimizer = GraphRewriter
local_optimizer = node_rewriter
optimizer = graph_rewriter
FromFunctionOptimizer = FromFunctionGraphRewriter
FromFunctionLocalOptimizer = FromFunctionNodeRewriter
SeqOptimizer = SequentialGraphRewriter
LocalOptGroup = SequentialNodeRewriter
OpSub = SubstitutionNodeRewriter
OpRemove = RemovalNodeRewriter
PatternSub = PatternNodeRewriter
TopoOptimizer = WalkingGraphRewriter
OpKeyOptimizer = OpKeyGraphRewriter
EquilibriumOptimizer = EquilibriumGraphRewriter
LocalOptTracker = OpToRewriterTracker

from aesara.utils import deprecated_names_getattr  # noqa: E402

# Old names Aesara 2.9 still serves here, each with a DeprecationWarning.
_DEPRECATED_NAMES = [
    (old, f"`{old}` is deprecated: use `{new.__name__}` instead.", new)
    for old, new in (
        ("LocalMetaOptimizerSkipAssertionError", MetaNodeRewriterSkip),
        ("LocalMetaOptimizer", MetaNodeRewriter),
        ("topogroup_optimizer", walking_rewriter),
        ("inplace_optimizer", graph_rewriter),
        ("pre_greedy_local_optimizer", pre_greedy_node_rewriter),
    )
]
__getattr__ = deprecated_names_getattr(__name__, _DEPRECATED_NAMES)
