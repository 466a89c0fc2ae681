"""FunctionGraph: a mutable graph with fixed inputs and outputs, tracked clients
and attachable features. Rewrites operate on it."""

from __future__ import annotations

import time
from collections.abc import Iterable, Sequence
from typing import Literal

from aesara.graph.basic import (
    Apply,
    AtomicVariable,
    Variable,
    applys_between,
    clone_get_equiv,
    general_toposort,
    graph_inputs,
    io_toposort,
    vars_between,
)
from aesara.graph.features import AlreadyThere, Feature, ReplaceValidate
from aesara.graph.utils import MetaObject, MissingInputError

ClientType = tuple[Apply | Literal["output"], int]


class FunctionGraph(MetaObject):
    """A graph between ``inputs`` and ``outputs`` that can be edited in place.

    Parameters
    ----------
    inputs
        The graph's inputs. Defaults to every non-constant owner-less variable
        the outputs depend on.
    outputs
        The graph's outputs.
    features
        Features to attach (a ``ReplaceValidate`` is always attached).
    clone
        Copy the graph first so the caller's variables are left untouched.
    update_mapping
        ``{output_index: input_index}`` for outputs that update inputs.
    """

    def __init__(
        self,
        inputs: Sequence[Variable] | None = None,
        outputs: Sequence[Variable] | None = None,
        features: Sequence[Feature] | None = None,
        clone: bool = True,
        update_mapping: dict[int, int] | None = None,
        memo: dict | None = None,
        copy_inputs: bool = True,
        copy_orphans: bool = True,
    ):
        if outputs is None:
            raise ValueError("No outputs specified")
        outputs = list(outputs)
        if inputs is None:
            inputs = [
                i for i in graph_inputs(outputs) if not isinstance(i, AtomicVariable)
            ]
        inputs = list(inputs)
        if clone:
            _memo = clone_get_equiv(
                inputs,
                outputs,
                copy_inputs=copy_inputs,
                copy_orphans=copy_orphans,
                memo=memo,
            )
            outputs = [_memo[o] for o in outputs]
            inputs = [_memo[i] for i in inputs]

        self.execute_callbacks_time = 0.0
        self.execute_callbacks_times: dict = {}
        self._features: list[Feature] = []
        self._callback_cache: dict[str, list] = {}
        self.apply_nodes: set[Apply] = set()
        self.variables: set[Variable] = set()
        self.inputs: list[Variable] = []
        self.outputs: list[Variable] = []
        self.clients: dict[Variable, list[ClientType]] = {}
        self.update_mapping = update_mapping
        self.profile = None

        for f in features or ():
            self.attach_feature(f)
        self.attach_feature(ReplaceValidate())

        for inp in inputs:
            if inp.owner is not None:
                raise ValueError(
                    f"{inp} is computed by {inp.owner.op} and cannot be an input of a graph"
                )
            self.add_input(inp)
        for out in outputs:
            self.add_output(out, reason="init")

    # -- inputs, outputs and clients -------------------------------------------------

    def add_input(self, var: Variable, check: bool = True) -> None:
        """Add ``var`` to the graph's inputs."""
        if check and var in self.variables and var in self.inputs:
            return
        self.inputs.append(var)
        self.setup_var(var)
        self.variables.add(var)

    def setup_var(self, var: Variable) -> None:
        self.clients.setdefault(var, [])

    def add_client(self, var: Variable, new_client: ClientType) -> None:
        self.clients[var].append(new_client)

    def get_clients(self, var: Variable) -> list[ClientType]:
        return self.clients[var]

    def remove_client(
        self,
        var: Variable,
        client_to_remove: ClientType,
        reason: str | None = None,
        remove_if_empty: bool = False,
    ) -> None:
        """Remove a client of ``var``; prune nodes nobody uses any more."""
        stack = [(var, client_to_remove)]
        while stack:
            v, client = stack.pop()
            clients = self.clients.get(v)
            if clients is None:
                continue
            try:
                clients.remove(client)
            except ValueError:
                continue
            if clients:
                continue
            node = v.owner
            if node is None:
                # An orphan (constant) nobody uses any more leaves the graph.
                if v not in self.inputs:
                    self.variables.discard(v)
                    del self.clients[v]
                continue
            if node not in self.apply_nodes:
                continue
            if any(self.clients.get(o) for o in node.outputs):
                continue
            self._drop_node(node, reason)
            for i, inp in enumerate(node.inputs):
                stack.append((inp, (node, i)))
        if remove_if_empty and not self.clients.get(var, True):
            del self.clients[var]

    def _drop_node(self, node: Apply, reason) -> None:
        """Forget ``node`` and its outputs (their clients must be gone already)."""
        self.apply_nodes.remove(node)
        for o in node.outputs:
            self.variables.discard(o)
            self.clients.pop(o, None)
        if not hasattr(node.tag, "removed_by"):
            node.tag.removed_by = []
        node.tag.removed_by.append(str(reason))
        self.execute_callbacks("on_prune", node, reason)

    def import_var(
        self, var: Variable, reason: str | None = None, import_missing: bool = False
    ) -> None:
        """Bring ``var`` (and the nodes computing it) into the graph."""
        if var.owner is not None and var.owner not in self.apply_nodes:
            self.import_node(var.owner, reason=reason, import_missing=import_missing)
        elif (
            var.owner is None
            and not isinstance(var, AtomicVariable)
            and var not in self.variables
        ):
            from aesara.graph.null_type import NullType

            if isinstance(var.type, NullType):
                raise TypeError(
                    f"Computation graph contains a NaN (a NullType variable {var}): "
                    f"{var.type.why_null}"
                )
            if import_missing:
                self.add_input(var)
            else:
                raise MissingInputError(
                    f"Undeclared input {var} (type {var.type}) is needed to compute the outputs",
                    variable=var,
                )
        if var not in self.variables:
            self.setup_var(var)
            self.variables.add(var)

    def import_node(
        self,
        apply_node: Apply,
        check: bool = True,
        reason: str | None = None,
        import_missing: bool = False,
    ) -> None:
        """Bring ``apply_node`` and the missing nodes it depends on into the graph."""
        # Everything already in the graph acts as an input: only new nodes are
        # returned (the set is passed as is, not copied).
        new_nodes = io_toposort(self.variables, apply_node.outputs)
        if check:
            from aesara.graph.null_type import NullType

            for node in new_nodes:
                for var in node.inputs:
                    if (
                        var.owner is None
                        and not isinstance(var, AtomicVariable)
                        and var not in self.variables
                    ):
                        if isinstance(var.type, NullType):
                            raise TypeError(
                                f"Computation graph contains a NaN (a NullType variable {var}): "
                                f"{var.type.why_null}"
                            )
                        if import_missing:
                            self.add_input(var)
                        else:
                            raise MissingInputError(
                                f"Input {node.inputs.index(var)} ({var}) of node {node} is "
                                "not an input of the graph nor computed in it",
                                variable=var,
                            )
        for node in new_nodes:
            if node in self.apply_nodes:
                continue
            self.apply_nodes.add(node)
            if not hasattr(node.tag, "imported_by"):
                node.tag.imported_by = []
            node.tag.imported_by.append(str(reason))
            for out in node.outputs:
                self.setup_var(out)
                self.variables.add(out)
            for i, inp in enumerate(node.inputs):
                if inp not in self.variables:
                    self.setup_var(inp)
                    self.variables.add(inp)
                self.add_client(inp, (node, i))
            self.execute_callbacks("on_import", node, reason)

    def change_node_input(
        self,
        node: Apply | Literal["output"],
        i: int,
        new_var: Variable,
        reason: str | None = None,
        import_missing: bool = False,
        check: bool = True,
    ) -> None:
        """Make input ``i`` of ``node`` (or output ``i`` for ``"output"``) ``new_var``."""
        r = self.outputs[i] if node == "output" else node.inputs[i]
        if check and not r.type.is_super(new_var.type):
            what = f"output {i}" if node == "output" else f"input {i} of {node}"
            raise TypeError(
                f"The type of the replacement ({new_var.type}) must be compatible "
                f"with the type of the original variable, {what} ({r.type})"
            )
        if r is new_var:
            return
        # Import first: if that fails (e.g. a missing input) the graph is unchanged.
        self.import_var(new_var, reason=reason, import_missing=import_missing)
        if node == "output":
            self.outputs[i] = new_var
        else:
            node.inputs[i] = new_var
        self.add_client(new_var, (node, i))
        self.remove_client(r, (node, i), reason=reason)
        self.execute_callbacks("on_change_input", node, i, r, new_var, reason=reason)

    def replace(
        self,
        var: Variable,
        new_var: Variable,
        reason: str | None = None,
        verbose: bool | None = None,
        import_missing: bool = False,
    ) -> None:
        """Make every client of ``var`` use ``new_var`` instead.

        A replacement created during rewriting inherits ``var``'s record of
        where the user created it, so errors still point at user code.
        """
        if verbose is None:
            from aesara.configdefaults import config

            verbose = config.optimizer_verbose
        if verbose:
            print(
                f"rewriting: rewrite {reason} replaces {var} of {var.owner} with {new_var} of {new_var.owner}"
            )
        if var not in self.variables or not self.clients.get(var):
            # Nothing reads ``var`` (absent, or an input no node uses any
            # more): there is nothing to change, and the replacement's type
            # need not match since it is never used.
            return
        new_var = var.type.filter_variable(new_var, allow_convert=True)
        inherit_trace = new_var not in self.variables
        for node, i in list(self.clients[var]):
            self.change_node_input(
                node, i, new_var, reason=reason, import_missing=import_missing
            )
        # Only once the replacement succeeded (errors while importing it should
        # still show where it was made).
        trace = getattr(var.tag, "trace", None)
        if inherit_trace and trace:
            new_var.tag.trace = trace

    def replace_all(self, pairs: Iterable[tuple[Variable, Variable]], **kwargs) -> None:
        """Apply :meth:`replace` to each ``(var, new_var)`` pair."""
        for var, new_var in pairs:
            self.replace(var, new_var, **kwargs)

    def add_output(
        self, var: Variable, reason: str | None = None, import_missing: bool = False
    ) -> None:
        """Append ``var`` to the graph's outputs (importing what computes it)."""
        self.import_var(var, reason=reason, import_missing=import_missing)
        self.outputs.append(var)
        self.add_client(var, ("output", len(self.outputs) - 1))

    def remove_output(
        self, output_idx: int, reason: str | None = None, remove_client: bool = True
    ) -> None:
        """Remove output ``output_idx`` (later outputs shift down by one).

        Nodes only that output needed are pruned. With ``remove_client=False``
        the caller has already removed the ``("output", output_idx)`` client.
        """
        var = self.outputs[output_idx]
        if remove_client:
            self.remove_client(var, ("output", output_idx), reason=reason)
        del self.outputs[output_idx]
        for j in range(output_idx, len(self.outputs)):
            out = self.outputs[j]
            cl = self.clients[out]
            k = cl.index(("output", j + 1))
            cl[k] = ("output", j)

    def remove_input(self, input_idx: int, reason: str | None = None) -> None:
        """Remove input ``input_idx``, every node depending on it and the
        outputs those nodes compute."""
        var = self.inputs.pop(input_idx)
        # Re-read the clients each time: removing an output renumbers the others.
        while True:
            clients = self.clients.get(var)
            if not clients:
                break
            client, idx = clients[-1]
            if client == "output":
                self.remove_output(idx, reason=reason)
            else:
                self.remove_node(client, reason=reason)
        self.clients.pop(var, None)
        self.variables.discard(var)

    def remove_node(self, node: Apply, reason: str | None = None) -> None:
        """Remove ``node``, the nodes that use its outputs (recursively) and the
        graph outputs they compute; nodes left unused are pruned too."""
        if node not in self.apply_nodes:
            return

        def client_nodes(n):
            return [
                c
                for o in n.outputs
                for c, _ in self.clients.get(o, ())
                if c != "output"
            ]

        # Clients come before the nodes they use: the removal order.
        doomed = general_toposort([node], client_nodes)
        doomed_set = set(doomed)
        # Highest index first, so the indices still to visit stay valid.
        for idx in reversed(range(len(self.outputs))):
            if self.outputs[idx].owner in doomed_set:
                self.remove_output(idx, reason=reason)
        for n in doomed:
            if n not in self.apply_nodes:  # already pruned as unused
                continue
            self._drop_node(n, reason)
            for i, inp in enumerate(n.inputs):
                self.remove_client(inp, (n, i), reason=reason)

    # -- features -------------------------------------------------------------------

    def attach_feature(self, feature: Feature) -> None:
        """Attach ``feature`` (ignored if it, or an equivalent one, is attached)."""
        if feature in self._features:
            return
        attach = getattr(feature, "on_attach", None)
        if attach is not None:
            try:
                attach(self)
            except AlreadyThere:
                return
        self._callback_cache.clear()
        self._features.append(feature)

    def remove_feature(self, feature: Feature) -> None:
        """Detach ``feature``."""
        try:
            self._features.remove(feature)
        except ValueError:
            return
        self._callback_cache.clear()
        detach = getattr(feature, "on_detach", None)
        if detach is not None:
            detach(self)

    def execute_callbacks(self, name: str, *args, **kwargs) -> None:
        """Call hook ``name`` of every feature that defines it."""
        fns = self._callback_cache.get(name)
        if fns is None:
            fns = []
            for feature in self._features:
                fn = getattr(feature, name, None)
                if fn is None:
                    continue
                # Skip the base class's empty hooks.
                base = getattr(Feature, name, None)
                if base is not None and getattr(type(feature), name, None) is base:
                    continue
                fns.append(fn)
            self._callback_cache[name] = fns
        if not fns:
            return
        t0 = time.perf_counter()
        for fn in fns:
            fn(self, *args, **kwargs)
        self.execute_callbacks_time += time.perf_counter() - t0

    def collect_callbacks(self, name: str, *args) -> dict:
        """Call hook ``name`` of every feature and return ``{feature: result}``."""
        d = {}
        for feature in self._features:
            fn = getattr(feature, name, None)
            if fn is not None:
                d[feature] = fn(*args)
        return d

    # -- order and integrity ------------------------------------------------------------

    def toposort(self) -> list[Apply]:
        """Return the graph's nodes in an order in which they can run."""
        if len(self.apply_nodes) < 2:
            return list(self.apply_nodes)
        return io_toposort(self.inputs, self.outputs, self.orderings())

    def orderings(self) -> dict[Apply, list[Apply]]:
        """Merge the extra ordering constraints of all features."""
        merged: dict = {}
        for feature in self._features:
            fn = getattr(feature, "orderings", None)
            if fn is None:
                continue
            ords = fn(self)
            if not ords:
                continue
            for node, prereqs in ords.items():
                merged.setdefault(node, []).extend(prereqs)
        # Drop duplicates, keeping the first occurrence (deterministic order).
        return {node: list(dict.fromkeys(prereqs)) for node, prereqs in merged.items()}

    def check_integrity(self) -> None:
        """Raise if the bookkeeping (nodes, variables, clients) is inconsistent."""
        nodes = set(applys_between(self.inputs, self.outputs))
        if self.apply_nodes != nodes:
            missing = nodes - self.apply_nodes
            extra = self.apply_nodes - nodes
            raise Exception(
                f"The nodes are inappropriately cached. missing: {missing}, in excess: {extra}"
            )
        for node in nodes:
            for i, var in enumerate(node.inputs):
                if var not in self.variables:
                    raise Exception(f"Input {i} of {node} ({var}) is not tracked")
                if (node, i) not in self.clients[var]:
                    raise Exception(f"Client ({node}, {i}) of {var} is not tracked")
        variables = set(vars_between(self.inputs, self.outputs)) | set(self.inputs)
        if set(self.variables) != variables:
            missing = variables - self.variables
            extra = self.variables - variables
            raise Exception(
                f"The variables are inappropriately cached. missing: {missing}, in excess: {extra}"
            )
        for var in variables:
            if (
                var.owner is None
                and var not in self.inputs
                and not isinstance(var, AtomicVariable)
            ):
                raise Exception(f"Undeclared input: {var}")
            for node, i in self.clients[var]:
                if node == "output":
                    if self.outputs[i] is not var:
                        raise Exception(f"Inconsistent output client of {var}")
                    continue
                if node not in nodes:
                    raise Exception(f"Client {node} of {var} is not in the graph")
                if node.inputs[i] is not var:
                    raise Exception(f"Inconsistent client ({node}, {i}) of {var}")

    # -- copying and display ----------------------------------------------------------

    def clone(self, check_integrity: bool = True) -> FunctionGraph:
        """Return an independent copy of the graph (with copies of its features)."""
        return self.clone_get_equiv(check_integrity)[0]

    def clone_get_equiv(
        self, check_integrity: bool = True, attach_feature: bool = True
    ) -> tuple[FunctionGraph, dict]:
        """Copy the graph; also return the map from old to new variables and nodes."""
        equiv = clone_get_equiv(self.inputs, self.outputs)
        if check_integrity:
            self.check_integrity()
        e = FunctionGraph(
            [equiv[i] for i in self.inputs],
            [equiv[o] for o in self.outputs],
            clone=False,
            update_mapping=self.update_mapping,
        )
        if check_integrity:
            e.check_integrity()
        if attach_feature:
            for feature in self._features:
                if isinstance(feature, ReplaceValidate):
                    continue
                e.attach_feature(feature.clone())
        return e, equiv

    def __str__(self):
        from aesara.graph.basic import as_string

        return f"FunctionGraph({', '.join(as_string(self.inputs, self.outputs))})"

    def __repr__(self):
        return self.__str__()

    def __contains__(self, item: Variable | Apply) -> bool:
        if isinstance(item, Variable):
            return item in self.variables
        if isinstance(item, Apply):
            return item in self.apply_nodes
        raise TypeError(f"Expected a Variable or an Apply, got {type(item).__name__}")

    def __getstate__(self):
        d = self.__dict__.copy()
        for feature in self._features:
            for attr in getattr(feature, "pickle_rm_attr", []):
                d.pop(attr, None)
        d["_callback_cache"] = {}
        return d

    def __setstate__(self, d):
        self.__dict__.update(d)
        for feature in self._features:
            if hasattr(feature, "unpickle"):
                feature.unpickle(self)
