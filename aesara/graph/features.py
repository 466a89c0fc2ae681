"""Features: listeners attached to a FunctionGraph that watch or veto changes."""

from __future__ import annotations

import time
from collections import defaultdict

from aesara.graph.basic import io_toposort
from aesara.graph.utils import InconsistencyError


class AlreadyThere(Exception):
    """Raised by ``on_attach`` when an equivalent feature is already attached."""


class ReplacementDidNotRemoveError(Exception):
    """A replacement that should have removed a variable left it in the graph."""


class BadOptimization(Exception):
    """A rewrite produced a variable whose value differs from the original."""


class Feature:
    """Base class of graph listeners.

    Every hook is optional; a FunctionGraph calls the hooks a feature defines
    whenever the corresponding event happens.
    """

    def on_attach(self, fgraph) -> None:
        """Called when the feature is attached (raise AlreadyThere to refuse)."""

    def on_detach(self, fgraph) -> None:
        """Called when the feature is removed."""

    def on_import(self, fgraph, node, reason) -> None:
        """Called when ``node`` enters the graph."""

    def on_change_input(self, fgraph, node, i, var, new_var, reason=None) -> None:
        """Called when input ``i`` of ``node`` changes from ``var`` to ``new_var``.

        ``node`` is ``"output"`` for a change of the graph's outputs.
        """

    def on_prune(self, fgraph, node, reason) -> None:
        """Called when ``node`` leaves the graph."""

    def orderings(self, fgraph) -> dict:
        """Return ``{node: [nodes that must run before it]}`` constraints."""
        return {}

    def clone(self):
        return type(self)()


class Bookkeeper(Feature):
    """A feature that replays imports on attach and prunes on detach."""

    def on_attach(self, fgraph):
        for node in io_toposort(fgraph.inputs, fgraph.outputs):
            self.on_import(fgraph, node, "on_attach")

    def on_detach(self, fgraph):
        for node in io_toposort(fgraph.inputs, fgraph.outputs):
            self.on_prune(fgraph, node, "Bookkeeper.detach")


class GetCheckpoint:
    def __init__(self, history, fgraph):
        self.h = history
        self.fgraph = fgraph
        self.nb = 0

    def __call__(self):
        self.h.history[self.fgraph] = []
        self.nb += 1
        return self.nb


class LambdaExtract:
    def __init__(self, fgraph, node, i, r, reason=None):
        self.fgraph = fgraph
        self.node = node
        self.i = i
        self.r = r
        self.reason = reason

    def __call__(self):
        return self.fgraph.change_node_input(
            self.node, self.i, self.r, reason=("Revert", self.reason), check=False
        )


class History(Feature):
    """Records input changes so they can be undone with ``fgraph.revert``."""

    pickle_rm_attr = ["checkpoint", "revert"]

    def __init__(self):
        self.history: dict = {}

    def on_attach(self, fgraph):
        if hasattr(fgraph, "checkpoint") or hasattr(fgraph, "revert"):
            raise AlreadyThere("History already attached")
        self.history[fgraph] = []
        fgraph.checkpoint = GetCheckpoint(self, fgraph)
        fgraph.revert = lambda checkpoint: self.revert(fgraph, checkpoint)

    def clone(self):
        return type(self)()

    def unpickle(self, fgraph):
        # The history itself is not pickled (see ReplaceValidate.__getstate__).
        if getattr(self, "history", None) is None:
            self.history = {}
        self.history.setdefault(fgraph, [])
        fgraph.checkpoint = GetCheckpoint(self, fgraph)
        fgraph.revert = lambda checkpoint: self.revert(fgraph, checkpoint)

    def on_detach(self, fgraph):
        del fgraph.checkpoint
        del fgraph.revert
        del self.history[fgraph]

    def on_change_input(self, fgraph, node, i, r, new_r, reason=None):
        h = self.history.get(fgraph)
        if h is None:
            return
        h.append(LambdaExtract(fgraph, node, i, r, reason))

    def revert(self, fgraph, checkpoint):
        """Undo every change made since ``checkpoint``."""
        h = self.history[fgraph]
        self.history[fgraph] = None
        assert fgraph.checkpoint.nb == checkpoint
        while h:
            f = h.pop()
            f()
        self.history[fgraph] = h


class Validator(Feature):
    """Adds ``fgraph.validate()``/``consistent()`` built on features' ``validate``."""

    pickle_rm_attr = ["validate", "consistent"]

    def on_attach(self, fgraph):
        for attr in ("validate", "validate_time"):
            if hasattr(fgraph, attr):
                raise AlreadyThere("Validator already attached")
        fgraph.validate = lambda: self.validate_(fgraph)
        fgraph.consistent = lambda: self.consistent_(fgraph)
        fgraph.validate_time = 0

    def unpickle(self, fgraph):
        fgraph.validate = lambda: self.validate_(fgraph)
        fgraph.consistent = lambda: self.consistent_(fgraph)

    def on_detach(self, fgraph):
        del fgraph.validate
        del fgraph.consistent
        del fgraph.validate_time

    def validate_(self, fgraph):
        """Raise InconsistencyError if any feature finds the graph invalid."""
        t0 = time.perf_counter()
        try:
            fgraph.execute_callbacks("validate")
        finally:
            fgraph.validate_time += time.perf_counter() - t0
        return True

    def consistent_(self, fgraph) -> bool:
        try:
            fgraph.validate()
            return True
        except InconsistencyError:
            return False


class ReplaceValidate(History, Validator):
    """Replacements that are rolled back when they leave the graph invalid."""

    pickle_rm_attr = (
        ["replace_validate", "replace_all_validate", "replace_all_validate_remove"]
        + History.pickle_rm_attr
        + Validator.pickle_rm_attr
    )

    def on_attach(self, fgraph):
        for attr in (
            "replace_validate",
            "replace_all_validate",
            "replace_all_validate_remove",
        ):
            if hasattr(fgraph, attr):
                raise AlreadyThere("ReplaceValidate already attached")
        History.on_attach(self, fgraph)
        Validator.on_attach(self, fgraph)
        self.unpickle(fgraph)

    def clone(self):
        return type(self)()

    def unpickle(self, fgraph):
        History.unpickle(self, fgraph)
        Validator.unpickle(self, fgraph)
        fgraph.replace_validate = lambda r, new_r, reason=None, **kw: (
            self.replace_validate(fgraph, r, new_r, reason, **kw)
        )
        fgraph.replace_all_validate = lambda replacements, reason=None, **kw: (
            self.replace_all_validate(fgraph, replacements, reason, **kw)
        )
        fgraph.replace_all_validate_remove = (
            lambda replacements, remove, reason=None, warn=True, **kw: (
                self.replace_all_validate_remove(
                    fgraph, replacements, remove, reason, warn, **kw
                )
            )
        )

    def on_detach(self, fgraph):
        History.on_detach(self, fgraph)
        Validator.on_detach(self, fgraph)
        del fgraph.replace_validate
        del fgraph.replace_all_validate
        del fgraph.replace_all_validate_remove

    def replace_validate(self, fgraph, r, new_r, reason=None, **kwargs):
        self.replace_all_validate(fgraph, [(r, new_r)], reason=reason, **kwargs)

    def replace_all_validate(
        self, fgraph, replacements, reason=None, verbose=None, **kwargs
    ):
        """Apply ``replacements`` and validate; undo them all if invalid."""
        chk = fgraph.checkpoint()
        try:
            for r, new_r in replacements:
                fgraph.replace(r, new_r, reason=reason, verbose=False, **kwargs)
        except Exception:
            fgraph.revert(chk)
            raise
        try:
            fgraph.validate()
        except Exception:
            fgraph.revert(chk)
            raise
        return chk

    def replace_all_validate_remove(
        self, fgraph, replacements, remove, reason=None, warn=True, **kwargs
    ):
        """Like :meth:`replace_all_validate`, also checking ``remove`` left the graph."""
        chk = fgraph.replace_all_validate(replacements, reason=reason, **kwargs)
        for rm in remove:
            if rm in fgraph.apply_nodes or rm in fgraph.variables:
                fgraph.revert(chk)
                raise ReplacementDidNotRemoveError(
                    f"{rm} was not removed by the replacement"
                )
        return chk

    def __getstate__(self):
        d = self.__dict__.copy()
        d.pop("history", None)
        return d


class NodeFinder(Bookkeeper):
    """Keeps an index ``op -> nodes`` so ``fgraph.get_nodes(op)`` is fast."""

    pickle_rm_attr = ["get_nodes"]

    def __init__(self):
        self.fgraph = None
        self.d: dict = defaultdict(list)

    def unpickle(self, fgraph):
        fgraph.get_nodes = lambda op: self.query(fgraph, op)

    def on_attach(self, fgraph):
        if self.fgraph is not None:
            raise Exception("A NodeFinder instance can only serve one graph")
        if hasattr(fgraph, "get_nodes"):
            raise AlreadyThere("NodeFinder already attached")
        self.fgraph = fgraph
        fgraph.get_nodes = lambda op: self.query(fgraph, op)
        Bookkeeper.on_attach(self, fgraph)

    def on_detach(self, fgraph):
        if self.fgraph is not fgraph:
            raise Exception("This NodeFinder serves another graph")
        self.fgraph = None
        del fgraph.get_nodes
        Bookkeeper.on_detach(self, fgraph)

    def on_import(self, fgraph, node, reason):
        self.d[node.op].append(node)

    def on_prune(self, fgraph, node, reason):
        nodes = self.d[node.op]
        nodes.remove(node)
        if not nodes:
            del self.d[node.op]

    def query(self, fgraph, op):
        return list(self.d.get(op, []))


class PrintListener(Feature):
    """Prints every graph event (debugging aid)."""

    def __init__(self, active=True):
        self.active = active

    def clone(self):
        return type(self)(self.active)

    def on_attach(self, fgraph):
        if self.active:
            print("-- attaching to: ", fgraph)

    def on_detach(self, fgraph):
        if self.active:
            print("-- detaching from: ", fgraph)

    def on_import(self, fgraph, node, reason):
        if self.active:
            print(f"-- importing: {node}, reason: {reason}")

    def on_prune(self, fgraph, node, reason):
        if self.active:
            print(f"-- pruning: {node}, reason: {reason}")

    def on_change_input(self, fgraph, node, i, r, new_r, reason=None):
        if self.active:
            print(f"-- changing ({node}.inputs[{i}]) from {r} to {new_r}")


class PreserveNames(Feature):
    """Gives a replacement variable the name of the variable it replaces."""

    def on_change_input(self, fgraph, node, i, r, new_r, reason=None):
        if r.name is not None and new_r.name is None:
            new_r.name = r.name


class PreserveVariableAttributes(Feature):
    """Carries names (and test values) over to replacement variables."""

    def on_change_input(self, fgraph, node, i, r, new_r, reason=None):
        if r.name is not None and new_r.name is None:
            new_r.name = r.name
        if (
            getattr(r.tag, "nan_guard_mode_check", False)
            and getattr(new_r.tag, "nan_guard_mode_check", False) is False
        ):
            new_r.tag.nan_guard_mode_check = r.tag.nan_guard_mode_check


class NoOutputFromInplace(Feature):
    """Forbids the protected graph outputs from being computed in place.

    Parameters
    ----------
    protected_out_ids
        Indices of the graph outputs that must not be the destroyed-and-reused
        memory of a destructive op (``op.destroy_map``).
    """

    def __init__(self, protected_out_ids):
        self.protected_out_ids = tuple(protected_out_ids)

    def clone(self):
        return type(self)(self.protected_out_ids)

    def on_attach(self, fgraph):
        if hasattr(fgraph, "_no_output_from_inplace"):
            raise AlreadyThere(f"{fgraph} already has a NoOutputFromInplace feature")
        fgraph._no_output_from_inplace = self

    def on_detach(self, fgraph):
        if getattr(fgraph, "_no_output_from_inplace", None) is self:
            del fgraph._no_output_from_inplace

    def validate(self, fgraph):
        for out_id in self.protected_out_ids:
            out = fgraph.outputs[out_id]
            node = out.owner
            if node is None:
                continue
            destroy_map = getattr(node.op, "destroy_map", None) or {}
            if node.outputs.index(out) in destroy_map:
                raise InconsistencyError(
                    f"Output {out_id} of the graph ({out}) must not be computed in "
                    f"place, but {node.op} computes it by overwriting one of its inputs"
                )
        return True
