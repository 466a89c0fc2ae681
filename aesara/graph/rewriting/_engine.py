"""Merging, graph walking and equilibrium rewriting.

Imported by (and exported from) :mod:`aesara.graph.rewriting.basic`; use the
names from there.
"""

from __future__ import annotations

import sys
import time
import warnings
from collections import defaultdict, deque
from collections.abc import Callable, Sequence

from aesara.configdefaults import config
from aesara.graph.basic import Apply, Constant, Variable, io_toposort
from aesara.graph.features import AlreadyThere, Feature, NodeFinder
from aesara.graph.fg import FunctionGraph
from aesara.graph.rewriting.basic import (
    GraphRewriter,
    NodeRewriter,
    OpToRewriterTracker,
    SequentialNodeRewriter,
    _handle_rewrite_failure,
    _inherit_traces,
    _logger,
    _rewriter_name,
)
from aesara.graph.utils import InconsistencyError

# ---------------------------------------------------------------------------
# Merging
# ---------------------------------------------------------------------------


class _ConstKey:
    """The value and type of a constant, with its hash computed once."""

    __slots__ = ("cls", "sig", "h")

    def __init__(self, cls, sig, h):
        self.cls = cls
        self.sig = sig
        self.h = h

    def __hash__(self):
        return self.h

    def __eq__(self, other):
        return (
            isinstance(other, _ConstKey)
            and self.h == other.h
            and self.cls is other.cls
            and self.sig == other.sig
        )


def _constant_key(c: Constant):
    """A hashable key identifying the value and type of constant ``c`` (or None)."""
    try:
        sig = c.signature()
        return _ConstKey(type(c), sig, hash((type(c), sig)))
    except TypeError:
        return None


class _NodeKey:
    """What makes two nodes equivalent: equal op, same inputs, equal output types.

    The hash is computed once (ops and types hash through their props, which
    is slow enough to dominate merging when recomputed at every lookup).
    """

    __slots__ = ("op", "inputs", "types", "h")

    def __init__(self, op, inputs, types, h):
        self.op = op
        self.inputs = inputs
        self.types = types
        self.h = h

    def __hash__(self):
        return self.h

    def __eq__(self, other):
        if self is other:
            return True
        if not isinstance(other, _NodeKey) or self.h != other.h:
            return False
        if len(self.inputs) != len(other.inputs) or any(
            a is not b for a, b in zip(self.inputs, other.inputs)
        ):
            return False
        return self.op == other.op and self.types == other.types


class MergeFeature(Feature):
    """Finds nodes and constants that compute the same thing.

    Two nodes are equivalent when they apply equal ops to the same inputs;
    two constants when their signatures (type and value) are equal. The
    feature indexes nodes by ``(op, inputs, output types)`` and constants by
    signature in dicts, so finding duplicates costs a dict lookup per node.
    Pairs found are queued in ``scheduled`` for :class:`MergeOptimizer`.
    """

    def on_attach(self, fgraph):
        if hasattr(fgraph, "merge_feature"):
            raise AlreadyThere("MergeFeature is already attached")
        fgraph.merge_feature = self
        self.fgraph = fgraph
        self.const_by_key: dict = {}
        self.key_of_const: dict = {}
        self.node_by_key: dict = {}
        self.key_of_node: dict = {}
        self.scheduled: deque = deque()
        self.blacklist: set = set()
        # id -> (object, hash): ops and types are hashed once each.
        self._hashes: dict = {}
        for node in io_toposort(fgraph.inputs, fgraph.outputs):
            self.on_import(fgraph, node, "on_attach")
        for out in fgraph.outputs:
            if isinstance(out, Constant):
                self.process_constant(fgraph, out)

    def on_detach(self, fgraph):
        if getattr(fgraph, "merge_feature", None) is self:
            del fgraph.merge_feature

    def clone(self):
        return type(self)()

    def on_import(self, fgraph, node, reason):
        for inp in node.inputs:
            if isinstance(inp, Constant):
                self.process_constant(fgraph, inp)
        self.process_node(fgraph, node)

    def on_change_input(self, fgraph, node, i, r, new_r, reason=None):
        if isinstance(new_r, Constant):
            self.process_constant(fgraph, new_r)
        if node == "output":
            return
        self._forget_node(node)
        self.process_node(fgraph, node)

    def on_prune(self, fgraph, node, reason):
        self._forget_node(node)

    def _forget_node(self, node):
        key = self.key_of_node.pop(node, None)
        if key is not None and self.node_by_key.get(key) is node:
            del self.node_by_key[key]

    def process_constant(self, fgraph, c: Constant) -> None:
        """Queue ``c`` for merging into an equal constant already seen."""
        key = self.key_of_const.get(c)
        if key is None:
            if c in fgraph.inputs:
                return
            key = _constant_key(c)
            if key is None:
                return
            self.key_of_const[c] = key
        existing = self.const_by_key.get(key)
        if existing is None or existing not in fgraph.variables:
            self.const_by_key[key] = c
        elif existing is not c:
            self.scheduled.append([(c, existing)])

    def process_node(self, fgraph, node: Apply) -> None:
        """Queue ``node`` for merging into an equivalent node already seen."""
        if node.op.destroy_map:
            # Two nodes overwriting the same memory are not interchangeable.
            return
        hashes = self._hashes
        try:
            op = node.op
            entry = hashes.get(id(op))
            if entry is None:
                entry = hashes[id(op)] = (op, hash(op))
            h_op = entry[1]
            # Output types only take part in the comparison, not the hash:
            # they are new objects for most nodes, so caching would not help.
            types = tuple(o.type for o in node.outputs)
        except TypeError:  # an unhashable op: never merged
            return
        inputs = tuple(node.inputs)
        key = _NodeKey(op, inputs, types, hash((h_op, *map(id, inputs))))
        self.key_of_node[node] = key
        existing = self.node_by_key.get(key)
        if existing is None or existing not in fgraph.apply_nodes:
            self.node_by_key[key] = node
        elif existing is not node:
            self.scheduled.append(list(zip(node.outputs, existing.outputs)))


class MergeOptimizer(GraphRewriter):
    """Merge nodes and constants that compute the same value.

    After it runs, no two nodes of the graph apply equal ops to the same
    inputs and no two constants have the same type and value. The work is
    near-linear in the graph's size (see :class:`MergeFeature`).
    """

    def add_requirements(self, fgraph):
        if not hasattr(fgraph, "merge_feature"):
            fgraph.attach_feature(MergeFeature())

    @staticmethod
    def _still_valid(fgraph, pairs) -> bool:
        for old, new in pairs:
            if old is new:
                return False
            if old not in fgraph.variables or new not in fgraph.variables:
                return False
        old0, new0 = pairs[0]
        if old0.owner is not None:
            a, b = old0.owner, new0.owner
            if b is None or a.op != b.op or len(a.inputs) != len(b.inputs):
                return False
            if any(x is not y for x, y in zip(a.inputs, b.inputs)):
                return False
        return True

    def apply(self, fgraph):
        feature = fgraph.merge_feature
        sched = feature.scheduled
        t0 = time.perf_counter()
        nb_merged = nb_const = nb_fail = 0
        validate_before = getattr(fgraph, "validate_time", 0.0)
        blacklist = feature.blacklist
        while sched:
            pairs = sched.popleft()
            if tuple(pairs) in blacklist:
                # Rejected before (reverting it re-queued the same pair).
                continue
            if not self._still_valid(fgraph, pairs):
                # The node may still have a (different) duplicate: look again.
                node = pairs[0][0].owner
                if node is not None and node in fgraph.apply_nodes:
                    feature._forget_node(node)
                    feature.process_node(fgraph, node)
                continue
            try:
                fgraph.replace_all_validate(pairs, reason="MergeOptimizer")
            except InconsistencyError:
                nb_fail += 1
                feature.blacklist.add(tuple(pairs))
                continue
            if pairs[0][0].owner is None:
                nb_const += 1
            else:
                nb_merged += 1
        validate_time = getattr(fgraph, "validate_time", 0.0) - validate_before
        return (
            self,
            time.perf_counter() - t0,
            nb_merged,
            nb_const,
            nb_fail,
            validate_time,
        )

    def __str__(self):
        return self.name or "MergeOptimizer"

    @classmethod
    def print_profile(cls, stream, prof, level=0):
        _, t, nb_merged, nb_const, nb_fail, validate_time = prof
        blanc = "    " * level
        print(
            f"{blanc}MergeOptimizer: {t:.6f}s, {nb_merged} nodes and {nb_const} "
            f"constants merged, {nb_fail} rejected, validate {validate_time:.6f}s",
            file=stream,
        )


def pre_constant_merge(fgraph: FunctionGraph, variables: Sequence[Variable]) -> list:
    """Make the graphs of ``variables`` reuse the equal constants of ``fgraph``.

    Only nodes outside ``fgraph`` are modified (their inputs are switched to
    the constants of ``fgraph``); a constant of ``variables`` itself is
    replaced in the returned list.
    """
    by_key: dict = {}
    for v in fgraph.variables:
        if isinstance(v, Constant):
            key = _constant_key(v)
            if key is not None:
                by_key.setdefault(key, v)
    seen: set = set()

    def recursive_merge(var):
        if var in seen:
            return var
        seen.add(var)
        if isinstance(var, Constant):
            key = _constant_key(var)
            if key is None:
                return var
            return by_key.setdefault(key, var)
        node = var.owner
        if node is None or node in fgraph.apply_nodes:
            return var
        for i, inp in enumerate(node.inputs):
            new = recursive_merge(inp)
            if new is not inp:
                node.inputs[i] = new
        return var

    return [recursive_merge(v) for v in variables]


# ---------------------------------------------------------------------------
# Walking the graph with node rewriters
# ---------------------------------------------------------------------------


class Updater(Feature):
    """Forwards graph events to callbacks (used while walking a graph)."""

    def __init__(self, importer, pruner, chin, name=None):
        self.importer = importer
        self.pruner = pruner
        self.chin = chin
        self.name = name

    def __str__(self):
        return f"Updater{{{self.name}}}"

    def on_import(self, fgraph, node, reason):
        if self.importer:
            self.importer(node)

    def on_prune(self, fgraph, node, reason):
        if self.pruner:
            self.pruner(node)

    def on_change_input(self, fgraph, node, i, r, new_r, reason=None):
        if self.chin:
            self.chin(node, i, r, new_r, reason)

    def on_detach(self, fgraph):
        self.importer = self.pruner = self.chin = None


class NodeProcessingGraphRewriter(GraphRewriter):
    """Base of graph rewriters that apply node rewriters one node at a time.

    Parameters
    ----------
    node_rewriter
        The node rewriter applied.
    ignore_newtrees
        Do not visit the nodes that replacements introduce.
    failure_callback
        ``callback(exc, self, replacements, node_rewriter, node)`` called when
        the node rewriter (or its replacement) raises; without one the
        exception propagates. :meth:`warn`, :meth:`warn_inplace` and
        :meth:`warn_ignore` follow ``config.on_opt_error``.
    """

    def __init__(
        self,
        node_rewriter: NodeRewriter | None,
        ignore_newtrees: bool = False,
        failure_callback: Callable | None = None,
    ):
        self.node_rewriter = node_rewriter
        self.ignore_newtrees = ignore_newtrees
        self.failure_callback = failure_callback

    @staticmethod
    def warn(exc, nav, repl_pairs, node_rewriter, node):
        """Failure callback: apply ``config.on_opt_error`` to the exception."""
        _handle_rewrite_failure(exc, node_rewriter, node)

    @staticmethod
    def warn_inplace(exc, nav, repl_pairs, node_rewriter, node):
        """Like :meth:`warn`, but a replacement vetoed by a feature is silent.

        Rejections (``InconsistencyError``) are how in-place rewrites learn
        that a candidate is unsafe: they are expected, not failures.
        """
        if isinstance(exc, InconsistencyError):
            return
        _handle_rewrite_failure(exc, node_rewriter, node)

    @staticmethod
    def warn_ignore(exc, nav, repl_pairs, node_rewriter, node):
        """Failure callback ignoring every exception."""

    def attach_updater(self, fgraph, importer, pruner, chin=None, name=None):
        """Attach an :class:`Updater` forwarding graph events (or ``None``)."""
        if self.ignore_newtrees:
            importer = None
        if importer is None and pruner is None and chin is None:
            return None
        u = Updater(importer, pruner, chin, name=name)
        fgraph.attach_feature(u)
        return u

    def detach_updater(self, fgraph, u):
        if u is not None:
            fgraph.remove_feature(u)

    def process_node(
        self, fgraph: FunctionGraph, node: Apply, node_rewriter=None
    ) -> bool:
        """Apply ``node_rewriter`` to ``node``; return whether the graph changed."""
        rw = node_rewriter if node_rewriter is not None else self.node_rewriter
        try:
            replacements = rw.transform(fgraph, node)
        except Exception as e:
            if self.failure_callback is None:
                raise
            self.failure_callback(e, self, [(x, None) for x in node.outputs], rw, node)
            return False
        if replacements is False or replacements is None:
            return False
        old_vars = node.outputs
        remove: list = []
        if isinstance(replacements, dict):
            replacements = dict(replacements)
            remove = list(replacements.pop("remove", ()))
            old_vars = list(replacements.keys())
            replacements = list(replacements.values())
        elif not isinstance(replacements, (tuple, list)):
            raise TypeError(
                f"Node rewriter {_rewriter_name(rw)} returned {replacements!r} "
                f"({type(replacements).__name__}); expected a list or tuple of "
                "variables, a dict, False or None"
            )
        default = getattr(node.op, "default_output", None)
        if (
            len(replacements) == 1
            and len(old_vars) > 1
            and default is not None
            and not remove
        ):
            # One replacement for a node with a default output replaces that
            # output (how Aesara's kanren rewrites treat random variables).
            old_vars = [old_vars[default]]
        if len(old_vars) != len(replacements):
            raise ValueError(
                f"Node rewriter {_rewriter_name(rw)} returned {len(replacements)} "
                f"replacements for {len(old_vars)} outputs of {node}"
            )
        pairs = [
            (old, new)
            for old, new in zip(old_vars, replacements)
            if new is not None and new is not old
        ]
        if not pairs:
            return False
        for old, new in pairs:
            if not isinstance(new, Variable):
                raise TypeError(
                    f"Node rewriter {_rewriter_name(rw)} returned {new!r} to "
                    f"replace {old}; expected a Variable"
                )
            _inherit_traces(fgraph, old, new)
        try:
            fgraph.replace_all_validate_remove(pairs, reason=rw, remove=remove)
            return True
        except Exception as e:
            if self.failure_callback is None:
                raise
            self.failure_callback(e, self, pairs, rw, node)
            return False

    def add_requirements(self, fgraph):
        if self.node_rewriter is not None:
            self.node_rewriter.add_requirements(fgraph)

    def print_summary(self, stream=sys.stdout, level=0, depth=-1):
        super().print_summary(stream, level, depth)
        if depth != 0 and self.node_rewriter is not None:
            self.node_rewriter.print_summary(stream, level + 2, depth - 1)


NavigatorOptimizer = NodeProcessingGraphRewriter


def _op_filter(node_rewriter):
    """A predicate on ops for the rewriter's ``tracks`` (``None``: all ops)."""
    tracks = node_rewriter.tracks() if node_rewriter is not None else None
    if tracks is None:
        return None
    tracker = OpToRewriterTracker()
    tracker.add_tracker(node_rewriter)

    def accepts(op):
        return bool(tracker.get_trackers(op))

    return accepts


class WalkingGraphRewriter(NodeProcessingGraphRewriter):
    """Apply a node rewriter to every node, in topological order.

    Parameters
    ----------
    node_rewriter
        The node rewriter.
    order
        ``"in_to_out"`` (inputs first) or ``"out_to_in"`` (outputs first).
    ignore_newtrees, failure_callback
        See :class:`NodeProcessingGraphRewriter`.
    """

    def __init__(
        self,
        node_rewriter: NodeRewriter,
        order: str = "in_to_out",
        ignore_newtrees: bool = False,
        failure_callback: Callable | None = None,
    ):
        if order not in ("out_to_in", "in_to_out"):
            raise ValueError(f"order must be 'out_to_in' or 'in_to_out', got {order!r}")
        if not isinstance(node_rewriter, NodeRewriter):
            raise TypeError(
                f"WalkingGraphRewriter needs a NodeRewriter, got {node_rewriter!r}"
            )
        self.order = order
        super().__init__(node_rewriter, ignore_newtrees, failure_callback)

    def apply(self, fgraph, start_from=None):
        if start_from is None:
            start_from = fgraph.outputs
        t0 = time.perf_counter()
        nb_nodes_start = len(fgraph.apply_nodes)
        q = deque(io_toposort(fgraph.inputs, start_from))
        io_t = time.perf_counter() - t0
        accepts = _op_filter(self.node_rewriter)
        current = [None]

        def importer(node):
            if node is not current[0]:
                q.append(node)

        u = self.attach_updater(
            fgraph, importer, None, name=getattr(self, "name", None)
        )
        nb = 0
        t1 = time.perf_counter()
        try:
            while q:
                node = q.pop() if self.order == "out_to_in" else q.popleft()
                if node not in fgraph.apply_nodes:
                    continue
                if accepts is not None and not accepts(node.op):
                    continue
                current[0] = node
                nb += self.process_node(fgraph, node)
        finally:
            self.detach_updater(fgraph, u)
        loop_t = time.perf_counter() - t1
        return (self, nb, nb_nodes_start, len(fgraph.apply_nodes), io_t, loop_t)

    @classmethod
    def print_profile(cls, stream, prof, level=0):
        rw, nb, n0, n1, io_t, loop_t = prof
        blanc = "    " * level
        print(
            f"{blanc}{cls.__name__} {_rewriter_name(rw)}: {nb} rewrites applied, "
            f"{n0} -> {n1} nodes, toposort {io_t:.6f}s, loop {loop_t:.6f}s",
            file=stream,
        )

    def __str__(self):
        return getattr(self, "__name__", None) or (
            f"WalkingGraphRewriter({self.node_rewriter}, {self.order})"
        )


def _group(node_rewriters, name):
    if len(node_rewriters) > 1:
        return SequentialNodeRewriter(*node_rewriters), name
    if len(node_rewriters) == 0:
        raise ValueError("in2out/out2in need at least one node rewriter")
    (rw,) = node_rewriters
    return rw, name or getattr(rw, "__name__", None)


def walking_rewriter(
    order: str, *node_rewriters: NodeRewriter, name: str | None = None, **kwargs
) -> WalkingGraphRewriter:
    """A :class:`WalkingGraphRewriter` applying ``node_rewriters`` in ``order``.

    Parameters
    ----------
    order
        ``"in_to_out"`` (inputs first) or ``"out_to_in"`` (outputs first).
    *node_rewriters
        One or more node rewriters; several are grouped in a
        :class:`SequentialNodeRewriter`.
    name
        The rewriter's ``__name__`` (default: the single rewriter's name).
    **kwargs
        Passed to :class:`WalkingGraphRewriter`; ``failure_callback``
        defaults to :meth:`NodeProcessingGraphRewriter.warn_inplace`.
    """
    rw, name = _group(node_rewriters, name)
    kwargs.setdefault("failure_callback", NodeProcessingGraphRewriter.warn_inplace)
    ret = WalkingGraphRewriter(rw, order=order, **kwargs)
    if name:
        ret.__name__ = name
    return ret


def in2out(*node_rewriters: NodeRewriter, name: str | None = None, **kwargs):
    """A :class:`WalkingGraphRewriter` visiting inputs before outputs.

    ``failure_callback`` defaults to
    :meth:`NodeProcessingGraphRewriter.warn_inplace`.
    """
    return walking_rewriter("in_to_out", *node_rewriters, name=name, **kwargs)


def out2in(*node_rewriters: NodeRewriter, name: str | None = None, **kwargs):
    """A :class:`WalkingGraphRewriter` visiting outputs before inputs."""
    return walking_rewriter("out_to_in", *node_rewriters, name=name, **kwargs)


class OpKeyGraphRewriter(NodeProcessingGraphRewriter):
    """Apply a node rewriter to the nodes of the op given by its ``op_key()``."""

    def __init__(self, node_rewriter, ignore_newtrees=False, failure_callback=None):
        if not hasattr(node_rewriter, "op_key"):
            raise TypeError(
                f"OpKeyGraphRewriter needs a node rewriter with an op_key method, "
                f"got {node_rewriter!r}"
            )
        super().__init__(node_rewriter, ignore_newtrees, failure_callback)

    def add_requirements(self, fgraph):
        super().add_requirements(fgraph)
        fgraph.attach_feature(NodeFinder())

    def apply(self, fgraph):
        op = self.node_rewriter.op_key()
        if isinstance(op, (list, tuple)):
            q: list = []
            for o in op:
                q.extend(fgraph.get_nodes(o))
        else:
            q = list(fgraph.get_nodes(op))
        ops = set(op) if isinstance(op, (list, tuple)) else {op}
        current = [None]

        def importer(node):
            if node is not current[0] and node.op in ops:
                q.append(node)

        u = self.attach_updater(fgraph, importer, None)
        nb = 0
        try:
            while q:
                node = q.pop()
                if node not in fgraph.apply_nodes:
                    continue
                current[0] = node
                nb += self.process_node(fgraph, node)
        finally:
            self.detach_updater(fgraph, u)
        return (self, nb)


# ---------------------------------------------------------------------------
# Equilibrium
# ---------------------------------------------------------------------------


class ChangeTracker(Feature):
    """Records whether the graph changed since the last :meth:`reset`."""

    def __init__(self):
        self.changed = False
        self.nb_imported = 0

    def clone(self):
        return type(self)()

    def on_attach(self, fgraph):
        if hasattr(fgraph, "change_tracker"):
            raise AlreadyThere("ChangeTracker is already attached")
        fgraph.change_tracker = self

    def on_detach(self, fgraph):
        if getattr(fgraph, "change_tracker", None) is self:
            del fgraph.change_tracker

    def on_import(self, fgraph, node, reason):
        self.nb_imported += 1
        self.changed = True

    def on_change_input(self, fgraph, node, i, r, new_r, reason=None):
        self.changed = True

    def reset(self):
        self.changed = False


class EquilibriumGraphRewriter(NodeProcessingGraphRewriter):
    """Apply node and graph rewriters until none of them changes the graph.

    Parameters
    ----------
    rewriters
        Node rewriters (applied node by node, outputs first) and graph
        rewriters (applied to the whole graph before each pass).
    failure_callback
        See :class:`NodeProcessingGraphRewriter`.
    ignore_newtrees
        Visit new nodes only in the next pass, not in the current one.
    tracks_on_change_inputs
        Revisit nodes whose inputs changed.
    max_use_ratio
        Stop (with a warning) once one rewriter applied more than this many
        times per node of the graph (default: ``config.optdb__max_use_ratio``):
        a guard against rewrites that undo each other forever.
    final_rewriters
        Graph rewriters run at the end of each pass.
    cleanup_rewriters
        Graph rewriters (e.g. merging) run after each change.
    """

    def __init__(
        self,
        rewriters: Sequence,
        failure_callback: Callable | None = None,
        ignore_newtrees: bool = True,
        tracks_on_change_inputs: bool = False,
        max_use_ratio: float | None = None,
        final_rewriters: Sequence[GraphRewriter] | None = None,
        cleanup_rewriters: Sequence[GraphRewriter] | None = None,
    ):
        super().__init__(None, ignore_newtrees, failure_callback)
        self.global_rewriters: list = []
        self.final_rewriters = list(final_rewriters or [])
        self.cleanup_rewriters = list(cleanup_rewriters or [])
        self.tracks_on_change_inputs = tracks_on_change_inputs
        self.node_tracker = OpToRewriterTracker()
        self.node_rewriters: list = []
        for rw in rewriters:
            if isinstance(rw, NodeRewriter):
                self.node_tracker.add_tracker(rw)
                self.node_rewriters.append(rw)
            elif isinstance(rw, GraphRewriter):
                self.global_rewriters.append(rw)
            else:
                raise TypeError(
                    f"EquilibriumGraphRewriter takes node and graph rewriters, got "
                    f"{rw!r} ({type(rw).__name__})"
                )
        for rw in self.final_rewriters + self.cleanup_rewriters:
            if not isinstance(rw, GraphRewriter):
                raise TypeError(
                    f"final and cleanup rewriters must be graph rewriters, got {rw!r}"
                )
        if max_use_ratio is None:
            max_use_ratio = config.optdb__max_use_ratio
        if not max_use_ratio > 0:
            raise ValueError(f"max_use_ratio must be positive, got {max_use_ratio}")
        self.max_use_ratio = max_use_ratio

    def get_node_rewriters(self):
        return list(self.node_rewriters)

    def add_requirements(self, fgraph):
        for rw in self.node_rewriters:
            rw.add_requirements(fgraph)
        for rw in self.global_rewriters + self.final_rewriters + self.cleanup_rewriters:
            rw.add_requirements(fgraph)

    def _run_graph_rewriter(self, fgraph, rw, change_tracker) -> bool:
        change_tracker.reset()
        try:
            rw.rewrite(fgraph)
        except InconsistencyError:
            return change_tracker.changed
        except Exception as e:
            if self.failure_callback is None:
                raise
            _handle_rewrite_failure(e, rw)
        return change_tracker.changed

    @staticmethod
    def _dirty_marker(fgraph, dirty: dict) -> Callable:
        """A function marking a changed node and its neighbours for a revisit.

        Node rewriters read a node's inputs' producers and its outputs'
        clients, so those are revisited with the node itself.
        """
        clients = fgraph.clients

        def mark(node):
            dirty[node] = None
            for i in node.inputs:
                if i.owner is not None:
                    dirty[i.owner] = None
            for o in node.outputs:
                for c, _ in clients.get(o, ()):
                    if not isinstance(c, str):
                        dirty[c] = None

        return mark

    def _run_graph_rewriters(self, fgraph, rewriters, change_tracker, counts, max_use):
        """Run whole-graph ``rewriters`` once each; ``(changed, abort_by)``.

        ``abort_by`` is the rewriter that went over its ``max_use``, if any.
        """
        changed = False
        for rw in rewriters:
            if self._run_graph_rewriter(fgraph, rw, change_tracker):
                counts[rw] += 1
                changed = True
                if counts[rw] > max_use:
                    return changed, rw
                self._cleanup(fgraph, change_tracker, counts)
        return changed, None

    def _cleanup(self, fgraph, change_tracker, counts) -> bool:
        changed = False
        for rw in self.cleanup_rewriters:
            if self._run_graph_rewriter(fgraph, rw, change_tracker):
                counts[rw] += 1
                changed = True
        return changed

    def apply(self, fgraph, start_from=None):
        change_tracker = ChangeTracker()
        try:
            fgraph.attach_feature(change_tracker)
        except AlreadyThere:  # pragma: no cover - attach_feature swallows it
            pass
        change_tracker = getattr(fgraph, "change_tracker", change_tracker)
        if start_from is None:
            start_from = fgraph.outputs
        else:
            for v in start_from:
                if v not in fgraph.variables:
                    raise ValueError(f"start_from variable {v} is not in the graph")
        t_start = time.perf_counter()
        max_use = max(1.0, self.max_use_ratio * max(1, len(fgraph.apply_nodes)))
        counts: dict = defaultdict(int)
        loop_times: list = []
        abort_by = None
        nb_passes = 0
        q: deque = deque()
        current: list = [None]
        # Nodes to revisit in the next pass, in insertion order (deterministic).
        dirty: dict = {}
        mark_dirty = self._dirty_marker(fgraph, dirty)
        visit_new = not self.ignore_newtrees

        def importer(node):
            mark_dirty(node)
            if visit_new and node is not current[0]:
                q.append(node)

        def pruner(node):
            # The inputs' producers lost a client (e.g. may now be fusable).
            for i in node.inputs:
                if i.owner is not None:
                    dirty[i.owner] = None

        def chin(node, i, r, new_r, reason):
            if isinstance(node, str):
                return
            mark_dirty(node)
            for v in (r, new_r):
                if v.owner is not None:
                    dirty[v.owner] = None
            if self.tracks_on_change_inputs and node is not current[0]:
                q.append(node)

        # Every event is recorded for the whole run, global rewriters' too.
        updater = Updater(importer, pruner, chin, name="equilibrium")
        fgraph.attach_feature(updater)
        # The first pass visits every node; later passes only the nodes a
        # change touched. Once a partial pass changes nothing, one more full
        # pass confirms the equilibrium (so the result is a fixed point of
        # full passes, as when every pass walked the whole graph).
        full = True
        try:
            while abort_by is None:
                nb_passes += 1
                t_pass = time.perf_counter()
                changed, abort_by = self._run_graph_rewriters(
                    fgraph, self.global_rewriters, change_tracker, counts, max_use
                )
                if abort_by is not None:
                    break
                # The clean-up rewriters (merge) run at every pass even when
                # nothing else changed: a graph may come in with duplicates,
                # and node rewriters must see them merged (one copy rewritten
                # and the other left behind would compute different things).
                if self._cleanup(fgraph, change_tracker, counts):
                    changed = True

                order = io_toposort(fgraph.inputs, start_from)
                q.clear()
                if full:
                    q.extend(order)
                else:
                    q.extend(n for n in order if n in dirty)
                dirty.clear()
                while q and abort_by is None:
                    node = q.pop()
                    if node not in fgraph.apply_nodes:
                        continue
                    dirty.pop(node, None)
                    current[0] = node
                    for rw in self.node_tracker.get_trackers(node.op):
                        if not self.process_node(fgraph, node, rw):
                            continue
                        changed = True
                        counts[rw] += 1
                        if counts[rw] > max_use:
                            abort_by = rw
                            break
                        if self.cleanup_rewriters:
                            self._cleanup(fgraph, change_tracker, counts)
                        if node not in fgraph.apply_nodes:
                            break
                current[0] = None
                if abort_by is not None:
                    break

                final_changed, abort_by = self._run_graph_rewriters(
                    fgraph, self.final_rewriters, change_tracker, counts, max_use
                )
                changed = changed or final_changed
                loop_times.append(time.perf_counter() - t_pass)
                if changed:
                    full = False
                elif full:
                    break
                else:
                    full = True
        finally:
            fgraph.remove_feature(updater)

        fgraph.remove_feature(change_tracker)
        if abort_by is not None:
            msg = (
                f"{type(self).__name__} {self.name or ''} stopped early: rewrite "
                f"{_rewriter_name(abort_by)} was applied more than {max_use:.0f} "
                f"times (max_use_ratio={self.max_use_ratio} x the graph's nodes). "
                "Rewrites may be undoing each other; if the graph is just large, "
                "raise config.optdb__max_use_ratio."
            )
            _logger.warning(msg)
            warnings.warn(msg, RuntimeWarning, stacklevel=2)
        return (
            self,
            loop_times,
            time.perf_counter() - t_start,
            dict(counts),
            nb_passes,
            abort_by,
        )

    def print_summary(self, stream=sys.stdout, level=0, depth=-1):
        GraphRewriter.print_summary(self, stream, level, depth)
        if depth != 0:
            for rw in (
                self.global_rewriters
                + self.node_rewriters
                + self.final_rewriters
                + self.cleanup_rewriters
            ):
                rw.print_summary(stream, level + 2, depth - 1)

    @classmethod
    def print_profile(cls, stream, prof, level=0):
        rw, loop_times, total, counts, nb_passes, abort_by = prof
        blanc = "    " * level
        print(
            f"{blanc}{cls.__name__} {_rewriter_name(rw)}: {total:.6f}s, "
            f"{nb_passes} passes" + (f", aborted by {abort_by}" if abort_by else ""),
            file=stream,
        )
        for r, n in sorted(counts.items(), key=lambda kv: -kv[1]):
            print(f"{blanc}  {n:6d} - {_rewriter_name(r)}", file=stream)

    def __str__(self):
        return self.name or "EquilibriumGraphRewriter"


# ---------------------------------------------------------------------------
# Rewriting graphs that are not in a FunctionGraph yet
# ---------------------------------------------------------------------------


def pre_greedy_node_rewriter(
    fgraph: FunctionGraph, rewrites: Sequence[NodeRewriter], out: Variable
) -> Variable:
    """Apply ``rewrites`` greedily to the graph of ``out`` before it enters ``fgraph``.

    Nodes already in ``fgraph`` are left alone; every other node is rebuilt
    (inputs first) and each rewrite is tried on it until none applies. The
    rewritten version of ``out`` is returned.
    """
    memo: dict = {}
    tracker = OpToRewriterTracker()
    for rw in rewrites:
        tracker.add_tracker(rw)

    def rewrite_var(var):
        if var in memo:
            return memo[var]
        node = var.owner
        if node is None or node in fgraph.apply_nodes:
            memo[var] = var
            return var
        new_inputs = [rewrite_var(i) for i in node.inputs]
        if any(a is not b for a, b in zip(new_inputs, node.inputs)):
            node = node.clone_with_new_inputs(new_inputs)
        outs = list(node.outputs)
        for _ in range(100):
            applied = False
            for rw in tracker.get_trackers(node.op):
                res = rw.transform(fgraph, node)
                if res:
                    if isinstance(res, dict):
                        res = [res.get(o, o) for o in node.outputs]
                    outs = list(res)
                    applied = True
                    break
            if not applied or len(outs) != 1 or outs[0].owner is None:
                break
            node = outs[0].owner
        for o, n in zip(var.owner.outputs, outs):
            memo[o] = n
        return memo[var]

    return rewrite_var(out)
