"""Safety of in-place operations.

An op declaring ``destroy_map = {output: [input]}`` overwrites that input's
memory; one declaring ``view_map = {output: [input]}`` returns memory shared
with that input. :class:`DestroyHandler` watches a graph's destroyers and
views and

* adds ordering constraints so that a destroyer runs after every other node
  reading the destroyed memory (through any view of it);
* rejects (``InconsistencyError`` from ``validate``) graphs where the same
  memory is destroyed twice, a constant or an ``indestructible`` variable is
  destroyed, a destroyer also reads an alias of what it destroys, or the
  orderings cannot be satisfied (a reader of the old value needs the
  destroyer's result: a cycle).
"""

from __future__ import annotations

from collections.abc import Iterable

from aesara.configdefaults import config
from aesara.graph.basic import Apply, Constant, Variable, io_toposort
from aesara.graph.features import AlreadyThere, Bookkeeper
from aesara.graph.utils import InconsistencyError

__all__ = ["DestroyHandler", "ProtocolError", "contains_cycle", "fast_inplace_check"]


class ProtocolError(Exception):
    """A graph called a destroy handler's callbacks out of order.

    For example: pruning or replacing a node the handler never saw imported.
    """


def fast_inplace_check(fgraph, inputs: list) -> list:
    """Return the variables of ``inputs`` an in-place op may overwrite.

    Constants, variables something already destroys and the variables a
    :class:`~aesara.compile.function.types.Supervisor` protects (inputs not
    declared mutable) are left out. ``fgraph`` needs a :class:`DestroyHandler`.

    Parameters
    ----------
    fgraph
        A graph with a destroy handler attached.
    inputs
        The candidate destinations.
    """
    from aesara.graph.basic import Constant

    if not hasattr(fgraph, "has_destroyers"):
        raise ValueError(
            "fast_inplace_check needs a graph with a DestroyHandler attached "
            "(fgraph.attach_feature(DestroyHandler()))"
        )
    protected = set(getattr(fgraph, "_supervisor_protected", ()))
    for feature in getattr(fgraph, "_features", ()):
        protected.update(getattr(feature, "protected", ()))
    return [
        var
        for var in inputs
        if not isinstance(var, Constant)
        and not fgraph.has_destroyers([var])
        and var not in protected
    ]


def contains_cycle(fgraph, orderings: dict) -> bool:
    """Whether ``fgraph``'s data dependencies plus ``orderings`` have a cycle."""
    try:
        io_toposort(fgraph.inputs, fgraph.outputs, orderings)
    except ValueError:
        return True
    return False


def _index_of(seq, item) -> int:
    """Position of ``item`` in ``seq`` by identity (-1 when absent)."""
    for k, x in enumerate(seq):
        if x is item:
            return k
    return -1


class DestroyHandler(Bookkeeper):
    """Feature enforcing the safety of ops that overwrite their inputs.

    Once attached, the graph gets ``fgraph.destroyers(var)`` (the nodes
    destroying ``var``'s memory), ``fgraph.has_destroyers(vars)`` and
    ``fgraph.destroy_handler``.

    Parameters
    ----------
    do_imports_on_attach
        Index the graph's existing nodes when attached.
    algo
        ``"regular"`` or ``"fast"`` (default: ``config.cycle_detection``).
        Both check the full constraints when the graph changed since the last
        successful validation and skip the check otherwise.
    """

    pickle_rm_attr = ["destroyers", "has_destroyers"]

    incremental: bool = True
    """Validate typical in-place changes locally (``False``: always sort the graph)."""

    def __init__(self, do_imports_on_attach: bool = True, algo: str | None = None):
        self.fgraph = None
        self.do_imports_on_attach = do_imports_on_attach
        if algo is None:
            algo = config.cycle_detection
        if algo not in ("regular", "fast"):
            raise ValueError(f"algo must be 'regular' or 'fast', got {algo!r}")
        self.algo = algo
        self._reset()

    def _reset(self):
        # view_i[v]: the variable ``v`` is a view of; view_o: the reverse.
        self.view_i: dict[Variable, Variable] = {}
        self.view_o: dict[Variable, set[Variable]] = {}
        self.destroyers: dict[Apply, None] = {}
        self._droot_cache = None
        self._dirty = True
        # A topological numbering of the nodes (data and destroy orderings)
        # valid at the last successful validation, and the graph events seen
        # since. Together they let ``validate`` check a typical in-place
        # candidate (a node swapped for one with the same inputs) locally
        # instead of sorting the whole graph again: that made the in-place
        # stage quadratic in the size of the graph.
        self._order: dict[Apply, int] | None = None
        self._log: list | None = []

    def clone(self):
        return type(self)(self.do_imports_on_attach, self.algo)

    # -- attaching ---------------------------------------------------------------

    def on_attach(self, fgraph):
        if any(
            hasattr(fgraph, attr)
            for attr in ("destroyers", "destroy_handler", "has_destroyers")
        ):
            raise AlreadyThere("A DestroyHandler is already attached")
        if self.fgraph is not None and self.fgraph is not fgraph:
            raise Exception("A DestroyHandler instance can only serve one graph")
        self.fgraph = fgraph
        self._reset()
        fgraph.destroyers = self.get_destroyers_of
        fgraph.has_destroyers = self.has_destroyers
        fgraph.destroy_handler = self
        if self.do_imports_on_attach:
            Bookkeeper.on_attach(self, fgraph)

    def unpickle(self, fgraph):
        fgraph.destroyers = self.get_destroyers_of
        fgraph.has_destroyers = self.has_destroyers

    def on_detach(self, fgraph):
        if fgraph is not self.fgraph:
            raise Exception("This DestroyHandler serves another graph")
        for attr in ("destroyers", "has_destroyers", "destroy_handler"):
            if attr in fgraph.__dict__:
                delattr(fgraph, attr)
        self._reset()
        self.fgraph = None

    # -- bookkeeping ----------------------------------------------------------------

    def _add_views(self, node: Apply):
        for o_idx, i_idxs in (node.op.view_map or {}).items():
            if len(i_idxs) != 1:
                raise NotImplementedError(
                    f"{node.op} declares output {o_idx} a view of several inputs "
                    f"({i_idxs}); only one is supported"
                )
            o = node.outputs[o_idx]
            i = node.inputs[i_idxs[0]]
            self.view_i[o] = i
            self.view_o.setdefault(i, set()).add(o)

    def _remove_views(self, node: Apply):
        for o_idx in node.op.view_map or {}:
            o = node.outputs[o_idx]
            i = self.view_i.pop(o, None)
            if i is not None:
                viewers = self.view_o.get(i)
                if viewers is not None:
                    viewers.discard(o)
                    if not viewers:
                        del self.view_o[i]

    def _record(self, event: tuple) -> None:
        log = self._log
        if log is not None:
            if len(log) > 10000:
                # Too much happened: the next validation sorts the graph.
                self._log = None
            else:
                log.append(event)

    def on_import(self, fgraph, node, reason):
        self._dirty = True
        self._record(("import", node))
        if node.op.destroy_map:
            for o_idx, i_idxs in node.op.destroy_map.items():
                if len(i_idxs) != 1:
                    raise NotImplementedError(
                        f"{node.op} declares output {o_idx} destroys several inputs "
                        f"({i_idxs}); only one is supported"
                    )
            self.destroyers[node] = None
            if node.op.view_map:
                self._droot_cache = None
            else:
                self._add_destroyer_to_cache(node)
        if node.op.view_map:
            self._add_views(node)
            self._droot_cache = None

    def on_prune(self, fgraph, node, reason):
        self._dirty = True
        self._record(("prune", node))
        if node in self.destroyers:
            del self.destroyers[node]
            self._remove_destroyer_from_cache(node)
        if node.op.view_map:
            self._remove_views(node)
            self._droot_cache = None

    def _add_destroyer_to_cache(self, node: Apply) -> None:
        """Update the cached analysis for a new destroyer (or drop the cache)."""
        cached = self._droot_cache
        if not isinstance(cached, tuple):
            self._droot_cache = None
            return
        droot, impact, root_destroyer = cached
        for i_idxs in node.op.destroy_map.values():
            root = self._root(node.inputs[i_idxs[0]])
            if root in root_destroyer or root in droot:
                # Some conflict: the full analysis reports it.
                self._droot_cache = None
                return
        for i_idxs in node.op.destroy_map.values():
            root = self._root(node.inputs[i_idxs[0]])
            if root in root_destroyer:
                continue  # the same node destroying it through two outputs
            imp = self._impact(root)
            if any(v in droot for v in imp):
                self._droot_cache = None
                return
            root_destroyer[root] = node
            for v in imp:
                droot[v] = root
            impact[root] = imp

    def _remove_destroyer_from_cache(self, node: Apply) -> None:
        cached = self._droot_cache
        if not isinstance(cached, tuple):
            self._droot_cache = None
            return
        droot, impact, root_destroyer = cached
        for i_idxs in node.op.destroy_map.values():
            root = self._root(node.inputs[i_idxs[0]])
            if root_destroyer.get(root) is not node:
                self._droot_cache = None
                return
        for i_idxs in node.op.destroy_map.values():
            root = self._root(node.inputs[i_idxs[0]])
            if root_destroyer.get(root) is not node:
                continue
            del root_destroyer[root]
            for v in impact.pop(root, ()):
                if droot.get(v) is root:
                    del droot[v]

    def on_change_input(self, fgraph, node, i, r, new_r, reason=None):
        self._dirty = True
        self._record(("chin", node, r, new_r))
        if node == "output":
            return
        vmap = node.op.view_map or {}
        if any(i in idxs for idxs in vmap.values()):
            for o_idx, i_idxs in vmap.items():
                if i_idxs[0] != i:
                    continue
                o = node.outputs[o_idx]
                old = self.view_i.get(o)
                if old is not None:
                    viewers = self.view_o.get(old)
                    if viewers is not None:
                        viewers.discard(o)
                        if not viewers:
                            del self.view_o[old]
                self.view_i[o] = new_r
                self.view_o.setdefault(new_r, set()).add(o)
            self._droot_cache = None
        if node in self.destroyers and any(
            i == i_idxs[0] for i_idxs in node.op.destroy_map.values()
        ):
            self._droot_cache = None

    # -- analysis ----------------------------------------------------------------------

    def _root(self, v: Variable) -> Variable:
        while v in self.view_i:
            v = self.view_i[v]
        return v

    def _impact(self, root: Variable) -> set[Variable]:
        out = {root}
        stack = [root]
        while stack:
            v = stack.pop()
            for w in self.view_o.get(v, ()):
                if w not in out:
                    out.add(w)
                    stack.append(w)
        return out

    def refresh_droot_impact(self):
        """Compute ``(droot, impact, root_destroyer)``.

        ``droot[v]`` is the destroyed root variable whose memory ``v``
        shares, ``impact[root]`` every variable sharing ``root``'s memory, and
        ``root_destroyer[root]`` the node destroying it. Raises
        ``InconsistencyError`` when some memory has several destroyers.
        """
        cached = self._droot_cache
        if cached is not None:
            if isinstance(cached, InconsistencyError):
                raise cached
            return cached
        droot: dict = {}
        impact: dict = {}
        root_destroyer: dict = {}
        try:
            for node in self.destroyers:
                for i_idxs in node.op.destroy_map.values():
                    inp = node.inputs[i_idxs[0]]
                    root = self._root(inp)
                    if root in root_destroyer:
                        if root_destroyer[root] is node:
                            continue
                        raise InconsistencyError(
                            f"Multiple destroyers of {root}: {root_destroyer[root]} "
                            f"and {node} both overwrite its memory"
                        )
                    root_destroyer[root] = node
                    imp = self._impact(root)
                    for v in imp:
                        if v in droot and droot[v] is not root:  # pragma: no cover
                            raise InconsistencyError(
                                f"{v} views two destroyed variables"
                            )
                        droot[v] = root
                    impact[root] = imp
        except InconsistencyError as e:
            self._droot_cache = e
            raise
        self._droot_cache = (droot, impact, root_destroyer)
        return self._droot_cache

    def get_destroyers_of(self, r: Variable) -> list[Apply]:
        """The nodes destroying the memory ``r`` uses (empty if none)."""
        if not self.destroyers:
            return []
        droot, _, root_destroyer = self.refresh_droot_impact()
        root = droot.get(r)
        return [] if root is None else [root_destroyer[root]]

    def has_destroyers(self, protected_list: Iterable[Variable]) -> bool:
        """Whether the memory of any variable of ``protected_list`` is destroyed."""
        if not self.destroyers:
            return False
        droot, _, _ = self.refresh_droot_impact()
        return any(v in droot for v in protected_list)

    def orderings(self, fgraph, ordered: bool = True) -> dict:
        """``{destroyer: [nodes that must run before it]}``.

        Raises ``InconsistencyError`` for destroyed constants or
        ``indestructible`` variables and for destroyers reading an alias of
        the memory they destroy (unless the op tolerates it through
        ``destroyhandler_tolerate_same``/``destroyhandler_tolerate_aliased``).
        """
        rval: dict = {}
        if not self.destroyers:
            return rval
        droot, impact, _ = self.refresh_droot_impact()
        illegal = [
            r
            for r in impact
            if isinstance(r, Constant) or getattr(r.tag, "indestructible", False)
        ]
        if illegal:
            raise InconsistencyError(
                f"Attempting to destroy indestructible variables: {illegal}"
            )
        clients = fgraph.clients
        for app in self.destroyers:
            before = self._check_destroyer(app, droot, impact, clients)
            if before:
                rval[app] = list(before)
        return rval

    def _check_destroyer(self, app: Apply, droot, impact, clients) -> dict:
        """Check ``app``'s input aliasing; return the nodes that must precede it."""
        before: dict = {}
        tolerate_same = getattr(app.op, "destroyhandler_tolerate_same", ())
        tolerate_aliased = getattr(app.op, "destroyhandler_tolerate_aliased", ())
        for i_idxs in app.op.destroy_map.values():
            d_idx = i_idxs[0]
            destroyed = app.inputs[d_idx]
            root_impact = impact[droot[destroyed]]
            same_ok = {b for a, b in tolerate_same if a == d_idx}
            same_ok.add(d_idx)
            aliased_ok = {b for a, b in tolerate_aliased if a == d_idx}
            for j, inp in enumerate(app.inputs):
                if j in aliased_ok or inp not in root_impact:
                    continue
                if j not in same_ok or inp is not destroyed:
                    raise InconsistencyError(
                        f"Input aliasing: {app} destroys input {d_idx} but input "
                        f"{j} ({inp}) shares its memory"
                    )
            for v in root_impact:
                for c, _ in clients.get(v, ()):
                    if c != "output" and c is not app:
                        before[c] = None
        return before

    def validate(self, fgraph) -> bool:
        """Raise ``InconsistencyError`` if the in-place constraints cannot be met."""
        if not self._dirty:
            return True
        if not self.destroyers:
            # Nothing to check; keep the numbering up to date when that is cheap.
            if (
                self._order is not None
                and self._log is not None
                and not self._validate_incrementally(fgraph)
            ):
                self._order = None
            self._dirty = False
            self._log = []
            return True
        if (
            not self.incremental
            or self._order is None
            or self._log is None
            or not self._validate_incrementally(fgraph)
        ):
            ords = self.orderings(fgraph, ordered=False)
            try:
                order = io_toposort(fgraph.inputs, fgraph.outputs, ords)
            except ValueError:
                raise InconsistencyError(
                    "The in-place operations cannot be ordered: a node reading the "
                    "original value of a destroyed variable also depends on the "
                    "node destroying it (dependency cycle)"
                ) from None
            self._order = {node: k for k, node in enumerate(order)}
        self._dirty = False
        self._log = []
        return True

    # -- incremental validation -----------------------------------------------------

    def _validate_incrementally(self, fgraph) -> bool:
        """Validate the changes logged since the last validation, locally.

        Handles the changes in-place rewrites make: nodes replaced by nodes
        with the same inputs (and no new views), some of which destroy an
        input. Returns ``False`` when the changes are of another kind (the
        caller then checks the whole graph), raises ``InconsistencyError``
        when they are invalid, and keeps ``self._order`` a topological
        numbering of the graph otherwise (Pearce-Kelly reordering).
        """
        order = self._order
        apply_nodes = fgraph.apply_nodes
        # Positions of the nodes that replaced others since the last validation.
        pos: dict[Apply, int] = {}
        imported: set = set()
        pruned: list[Apply] = []
        for ev in self._log:
            kind = ev[0]
            if kind == "import":
                imported.add(ev[1])
            elif kind == "prune":
                pruned.append(ev[1])
            else:
                _, node, r, new_r = ev
                a, b = r.owner, new_r.owner
                # Only a node imported for the purpose (not one already there,
                # as merging does) may take the position of the one it replaces.
                if a is None or b is None or a is b or b not in imported:
                    return False
                if len(a.inputs) != len(b.inputs) or any(
                    x is not y for x, y in zip(a.inputs, b.inputs)
                ):
                    return False
                if len(a.outputs) != len(b.outputs) or _index_of(
                    a.outputs, r
                ) != _index_of(b.outputs, new_r):
                    return False
                if b.op.view_map and b.op.view_map != a.op.view_map:
                    return False
                k = pos.get(a)
                if k is None:
                    if a in imported:
                        return False
                    k = order.get(a)
                    if k is None:
                        return False
                old_k = pos.get(b)
                pos[b] = k if old_k is None else min(k, old_k)
        for node in imported:
            if node in apply_nodes and node not in pos:
                return False
        for node in pruned:
            if node in apply_nodes:
                # Still used somewhere: the replacement shares its position.
                return False
        new_destroyers = [n for n in pos if n in apply_nodes and n in self.destroyers]
        if not new_destroyers:
            self._commit_order(pos, pruned)
            return True
        droot, impact, _ = self.refresh_droot_impact()
        clients = fgraph.clients
        backward: list = []

        def index(n):
            k = pos.get(n)
            return order[n] if k is None else k

        for app in new_destroyers:
            for i_idxs in app.op.destroy_map.values():
                root = droot[app.inputs[i_idxs[0]]]
                for v in impact[root]:
                    if isinstance(v, Constant) or getattr(
                        v.tag, "indestructible", False
                    ):
                        raise InconsistencyError(
                            f"Attempting to destroy indestructible variables: {[v]}"
                        )
            before = self._check_destroyer(app, droot, impact, clients)
            k_app = index(app)
            late = [c for c in before if index(c) > k_app]
            if late:
                backward.append((app, late))
        if len(backward) > 1:
            return False
        if backward:
            ((app, late),) = backward
            self._reorder(fgraph, app, late, pos, index, droot)
        self._commit_order(pos, pruned)
        return True

    def _commit_order(self, pos: dict, pruned: list) -> None:
        order = self._order
        for node in pruned:
            order.pop(node, None)
        apply_nodes = self.fgraph.apply_nodes
        for node, k in pos.items():
            if node in apply_nodes:
                order[node] = k

    def _reorder(self, fgraph, app, late, pos, index, droot) -> None:
        """Add the edges ``late -> app`` to the numbering, or raise on a cycle."""
        _, _, root_destroyer = self.refresh_droot_impact()
        clients = fgraph.clients
        lb = index(app)
        ub = max(index(c) for c in late)
        targets = set(late)

        def successors(n):
            for o in n.outputs:
                for c, _ in clients.get(o, ()):
                    if c != "output":
                        yield c
            for v in n.inputs:
                root = droot.get(v)
                if root is not None:
                    d = root_destroyer[root]
                    if d is not n:
                        yield d

        def predecessors(n):
            for v in n.inputs:
                if v.owner is not None:
                    yield v.owner
            if n in self.destroyers:
                for i_idxs in n.op.destroy_map.values():
                    root = droot.get(n.inputs[i_idxs[0]])
                    if root is None:
                        continue
                    for v in self._impact(root):
                        for c, _ in clients.get(v, ()):
                            if c != "output" and c is not n:
                                yield c

        fwd = {app}
        stack = [app]
        while stack:
            n = stack.pop()
            for m in successors(n):
                if m in targets:
                    raise InconsistencyError(
                        "The in-place operations cannot be ordered: a node reading "
                        "the original value of a destroyed variable also depends on "
                        "the node destroying it (dependency cycle)"
                    )
                if m not in fwd and index(m) <= ub:
                    fwd.add(m)
                    stack.append(m)
        bwd = set(late)
        stack = list(late)
        while stack:
            n = stack.pop()
            for m in predecessors(n):
                if m not in bwd and m not in fwd and index(m) >= lb:
                    bwd.add(m)
                    stack.append(m)
        slots = sorted(index(n) for n in (*bwd, *fwd))
        moved = sorted(bwd, key=index) + sorted(fwd, key=index)
        for n, k in zip(moved, slots):
            pos[n] = k
