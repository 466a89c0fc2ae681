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

__all__ = ["DestroyHandler", "contains_cycle"]


def contains_cycle(fgraph, orderings: dict) -> bool:
    """Whether ``fgraph``'s data dependencies plus ``orderings`` have a cycle."""
    try:
        io_toposort(fgraph.inputs, fgraph.outputs, orderings)
    except ValueError:
        return True
    return False


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

    def on_import(self, fgraph, node, reason):
        self._dirty = True
        if node.op.destroy_map:
            for o_idx, i_idxs in node.op.destroy_map.items():
                if len(i_idxs) != 1:
                    raise NotImplementedError(
                        f"{node.op} declares output {o_idx} destroys several inputs "
                        f"({i_idxs}); only one is supported"
                    )
            self.destroyers[node] = None
            self._droot_cache = None
        if node.op.view_map:
            self._add_views(node)
            self._droot_cache = None

    def on_prune(self, fgraph, node, reason):
        self._dirty = True
        if node in self.destroyers:
            del self.destroyers[node]
            self._droot_cache = None
        if node.op.view_map:
            self._remove_views(node)
            self._droot_cache = None

    def on_change_input(self, fgraph, node, i, r, new_r, reason=None):
        self._dirty = True
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
        if node in self.destroyers:
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
            if before:
                rval[app] = list(before)
        return rval

    def validate(self, fgraph) -> bool:
        """Raise ``InconsistencyError`` if the in-place constraints cannot be met."""
        if not self.destroyers:
            self._dirty = False
            return True
        if not self._dirty:
            return True
        ords = self.orderings(fgraph, ordered=False)
        if contains_cycle(fgraph, ords):
            raise InconsistencyError(
                "The in-place operations cannot be ordered: a node reading the "
                "original value of a destroyed variable also depends on the node "
                "destroying it (dependency cycle)"
            )
        self._dirty = False
        return True
