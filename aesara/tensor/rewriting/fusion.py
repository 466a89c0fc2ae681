"""Element-wise loop fusion.

A chain or tree of :class:`~aesara.tensor.elemwise.Elemwise` nodes such as
``exp(x) * sin(y) + log1p(z ** 2)`` runs as one node whose scalar op is a
:class:`~aesara.scalar.basic.Composite` of the individual scalar ops: one
loop over the data instead of one per operation, and no intermediate arrays
in compiled backends.

:class:`FusionOptimizer` finds the clusters. It starts from each Elemwise
node (outputs first) and absorbs the Elemwise producers of its inputs. A
producer whose result is also needed outside the cluster becomes an extra
output of the fused node, when that is safe (same shape as the cluster's
result, no dependency cycle); otherwise the cluster stops there.

:func:`local_careduce_fusion` folds an element-wise function into the
reduction consuming it (``sum(exp(x))`` and ``sum(exp(x) * y)`` reduce the
element-wise values as they are computed).

Both are registered in :data:`aesara.compile.mode.optdb` as the
``elemwise_fusion`` stage (position 49, tags ``fast_run``, ``fusion``,
``local_elemwise_fusion``).
"""

from __future__ import annotations

import logging
from collections.abc import Sequence

import aesara.scalar.basic as aes
from aesara.compile import mode as compile_mode
from aesara.configdefaults import config
from aesara.graph.basic import Apply, Constant, Variable, clone_replace
from aesara.graph.features import ReplaceValidate
from aesara.graph.fg import FunctionGraph
from aesara.graph.rewriting.basic import (
    GraphRewriter,
    copy_stack_trace,
    in2out,
    node_rewriter,
)
from aesara.graph.rewriting.db import SequenceDB
from aesara.graph.utils import InconsistencyError
from aesara.tensor.elemwise import CAReduce, Elemwise
from aesara.tensor.type import TensorType

_logger = logging.getLogger("aesara.tensor.rewriting.fusion")

__all__ = [
    "FusionOptimizer",
    "fuse_seqopt",
    "local_careduce_fusion",
]

DEFAULT_MAX_OPERANDS = 32
"""Most inputs plus outputs one fused node may have (a C kernel's argument limit)."""


def _is_fusable(node: Apply) -> bool:
    """Whether ``node`` may take part in a fused element-wise cluster."""
    op = node.op
    if type(op) is not Elemwise or op.inplace_pattern:
        return False
    if not isinstance(op.scalar_op, aes.ScalarOp):
        return False
    return all(
        isinstance(o.type, TensorType) and o.type.dtype != "object"
        for o in node.outputs
    )


def _scalar_constant_of(v: Variable) -> Variable | None:
    """A scalar constant equal to the tensor constant ``v`` when it has one element."""
    if not isinstance(v, Constant) or not isinstance(v.type, TensorType):
        return None
    if any(s != 1 for s in v.type.shape):
        return None
    data = v.data
    if getattr(data, "size", 0) != 1:
        return None
    return aes.constant(data.reshape(()), dtype=v.type.dtype)


def _apply_scalar_op(scalar_op, inputs: Sequence[Variable]) -> list[Variable]:
    """Apply ``scalar_op`` to scalar variables; a Composite is inlined."""
    if isinstance(scalar_op, aes.Composite):
        return clone_replace(
            scalar_op.outputs, replace=dict(zip(scalar_op.inputs, inputs)), strict=False
        )
    return list(scalar_op.make_node(*inputs).outputs)


def _local_toposort(nodes: Sequence[Apply], cluster: set) -> list[Apply]:
    """``nodes`` ordered so that producers come before their clients."""
    order: list[Apply] = []
    state: dict[Apply, bool] = {}
    for start in nodes:
        if start in state:
            continue
        stack = [(start, False)]
        while stack:
            n, expanded = stack.pop()
            if expanded:
                order.append(n)
                continue
            if n in state:
                continue
            state[n] = True
            stack.append((n, True))
            for i in n.inputs:
                p = i.owner
                if p in cluster and p not in state:
                    stack.append((p, False))
    return order


def _reading_order(root: Apply, cluster: set) -> list[Apply]:
    """The nodes of ``cluster`` in a pre-order walk from ``root``, inputs left first."""
    order: list[Apply] = []
    seen: set = set()
    stack = [root]
    while stack:
        n = stack.pop()
        if n in seen:
            continue
        seen.add(n)
        order.append(n)
        stack.extend(
            i.owner
            for i in reversed(n.inputs)
            if i.owner in cluster and i.owner not in seen
        )
    return order


class FusionOptimizer(GraphRewriter):
    """Fuse clusters of Elemwise nodes into single Composite Elemwise nodes.

    Parameters
    ----------
    max_operands
        The most inputs plus outputs a fused node may have.
    multi_output
        Whether an intermediate result needed outside a cluster may become
        an extra output of the fused node (otherwise the cluster stops at it).
    """

    def __init__(
        self, max_operands: int = DEFAULT_MAX_OPERANDS, multi_output: bool = True
    ):
        if max_operands < 2:
            raise ValueError(f"max_operands must be at least 2, got {max_operands}")
        self.max_operands = max_operands
        self.multi_output = multi_output

    def add_requirements(self, fgraph: FunctionGraph) -> None:
        fgraph.attach_feature(ReplaceValidate())

    # -- finding clusters ----------------------------------------------------

    @staticmethod
    def _has_outside_clients(fgraph, node: Apply, cluster: set) -> bool:
        for o in node.outputs:
            for c, _ in fgraph.clients.get(o, ()):
                if c == "output" or c not in cluster:
                    return True
        return False

    @staticmethod
    def _external_inputs(nodes: Sequence[Apply], cluster: set) -> list[Variable]:
        seen: dict[Variable, None] = {}
        for n in nodes:
            for i in n.inputs:
                if i.owner in cluster or i in seen:
                    continue
                if _scalar_constant_of(i) is not None:
                    continue
                seen[i] = None
        return list(seen)

    def _grow(self, fgraph, root: Apply, multi_output: bool) -> list[Apply]:
        """The nodes fused with ``root``, grown through its Elemwise producers."""
        ndim = root.outputs[0].type.ndim
        cluster = {root}
        order = [root]
        stack = [root]
        n_outputs = len(root.outputs)
        # The cluster's external inputs, kept up to date as nodes join (what
        # ``_external_inputs`` would return, without rescanning the cluster:
        # rescanning made growing a long chain quadratic).
        ext = set(self._external_inputs(order, cluster))
        while stack:
            node = stack.pop()
            for inp in node.inputs:
                p = inp.owner
                if p is None or p in cluster or not _is_fusable(p):
                    continue
                if p.outputs[0].type.ndim != ndim:
                    continue
                extra = 0
                if self._has_outside_clients(fgraph, p, cluster):
                    if not multi_output:
                        continue
                    extra = len(p.outputs)
                # p's outputs stop being external; its own inputs become so.
                gone = sum(1 for o in p.outputs if o in ext)
                new_ext = {
                    i
                    for i in p.inputs
                    if i.owner not in cluster
                    and i not in ext
                    and _scalar_constant_of(i) is None
                }
                n_ext = len(ext) - gone + len(new_ext)
                if n_ext + n_outputs + extra > self.max_operands:
                    continue
                cluster.add(p)
                ext.difference_update(p.outputs)
                ext |= new_ext
                n_outputs += extra
                order.append(p)
                stack.append(p)
        return order

    def _cluster_outputs(self, fgraph, nodes, cluster) -> list[Variable]:
        outs = []
        for n in nodes:
            for o in n.outputs:
                clients = fgraph.clients.get(o, ())
                if any(c == "output" or c not in cluster for c, _ in clients):
                    outs.append(o)
        return outs

    @staticmethod
    def _depends_on_cluster(fgraph, inputs, cluster, levels: dict) -> bool:
        """Whether some of ``inputs`` is computed from a node of ``cluster``.

        The walk up from ``inputs`` stops at nodes whose level is at most the
        cluster's lowest: their ancestors all have lower levels, so none is
        in the cluster (without this bound every check walked the whole
        upstream graph, quadratic on long graphs).
        """
        inf = float("inf")
        floor = min(levels.get(n, -inf) for n in cluster)
        seen: set = set()
        stack = [i.owner for i in inputs if i.owner is not None]
        while stack:
            n = stack.pop()
            if n in seen:
                continue
            seen.add(n)
            if n in cluster:
                return True
            if levels.get(n, inf) <= floor:
                continue
            stack.extend(i.owner for i in n.inputs if i.owner is not None)
        return False

    @staticmethod
    def _levels(fgraph) -> dict:
        """Levels with ``level(a) < level(b)`` whenever ``a`` feeds ``b``."""
        levels: dict = {}
        for node in fgraph.toposort():
            levels[node] = 1 + max(
                (levels[i.owner] for i in node.inputs if i.owner in levels),
                default=0,
            )
        return levels

    @staticmethod
    def _update_levels(fgraph, new_node, levels: dict) -> None:
        """Give a fused node a level and raise its consumers' to keep the order."""
        levels[new_node] = 1 + max(
            (levels.get(i.owner, 0) for i in new_node.inputs if i.owner is not None),
            default=0,
        )
        stack = [new_node]
        while stack:
            node = stack.pop()
            for o in node.outputs:
                for client, _ in fgraph.clients.get(o, ()):
                    if isinstance(client, str):
                        continue
                    if levels.get(client, 0) <= levels[node]:
                        levels[client] = levels[node] + 1
                        stack.append(client)

    @staticmethod
    def _extra_output_is_safe(
        out: Variable, main: Variable, ext_inputs, cluster
    ) -> bool:
        """Whether the fused node computes ``out`` with its own shape.

        The fused node gives every output the broadcast shape of all its
        inputs; an intermediate result computed from only some of them has
        that shape only when the others cannot stretch it, statically.
        """
        if out.type.shape != main.type.shape:
            return False
        # Inputs ``out`` depends on, inside the cluster.
        used: set = set()
        stack = [out.owner]
        seen: set = set()
        while stack:
            n = stack.pop()
            if n in seen:
                continue
            seen.add(n)
            for i in n.inputs:
                if i.owner in cluster:
                    stack.append(i.owner)
                else:
                    used.add(i)
        others = [i for i in ext_inputs if i not in used]
        for d, s in enumerate(out.type.shape):
            if s is not None:
                continue
            if any(i.type.shape[d] != 1 for i in others):
                return False
        return True

    # -- building the fused node ---------------------------------------------

    def _fuse(self, fgraph, nodes: list[Apply], levels: dict) -> bool:
        cluster = set(nodes)
        nodes = _local_toposort(nodes, cluster)
        outputs = self._cluster_outputs(fgraph, nodes, cluster)
        if not outputs:
            return False
        # Inputs in reading order (a pre-order walk from the result), so the
        # fused node lists them as the user wrote them.
        ext_inputs = self._external_inputs(_reading_order(nodes[-1], cluster), cluster)
        if not ext_inputs:
            return False  # constant folding's job
        main = nodes[-1].outputs[0]
        if len(outputs) > 1:
            for o in outputs:
                if o.owner is nodes[-1] and o.type.shape == main.type.shape:
                    continue
                if not self._extra_output_is_safe(o, main, ext_inputs, cluster):
                    return False
            if self._depends_on_cluster(fgraph, ext_inputs, cluster, levels):
                return False

        scalar_of: dict[Variable, Variable] = {}
        s_inputs = []
        for i in ext_inputs:
            s = aes.get_scalar_type(i.type.dtype)()
            scalar_of[i] = s
            s_inputs.append(s)
        for n in nodes:
            args = []
            for i in n.inputs:
                s = scalar_of.get(i)
                if s is None:
                    s = _scalar_constant_of(i)
                    scalar_of[i] = s
                args.append(s)
            souts = _apply_scalar_op(n.op.scalar_op, args)
            for o, so in zip(n.outputs, souts):
                if so.type.dtype != o.type.dtype:
                    return False
                scalar_of[o] = so
        composite = aes.Composite(s_inputs, [scalar_of[o] for o in outputs])
        new_outs = Elemwise(composite).make_node(*ext_inputs).outputs
        # The fused node carries the creation lines of every fused operation,
        # so a run-time error names all the user lines involved.
        all_outs = [o for n in reversed(nodes) for o in n.outputs]
        pairs = []
        for old, new in zip(outputs, new_outs):
            if old.type != new.type and not old.type.is_super(new.type):
                return False
            copy_stack_trace([old] + [o for o in all_outs if o is not old], new)
            pairs.append((old, new))
        try:
            fgraph.replace_all_validate(pairs, reason="fusion")
        except InconsistencyError:
            return False
        self._update_levels(fgraph, new_outs[0].owner, levels)
        return True

    # -- driver -----------------------------------------------------------------

    def apply(self, fgraph: FunctionGraph):
        if not config.tensor__local_elemwise_fusion:
            return {"nb_fused": 0}
        nb_fused = 0
        nb_nodes_removed = 0
        done: set = set()
        changed = True
        while changed:
            changed = False
            # Per call, not on self: one rewriter serves every thread.
            levels = self._levels(fgraph)
            for node in reversed(fgraph.toposort()):
                if node in done or node not in fgraph.apply_nodes:
                    continue
                if not _is_fusable(node):
                    continue
                nodes = self._grow(fgraph, node, self.multi_output)
                ok = len(nodes) > 1 and self._fuse(fgraph, nodes, levels)
                if not ok and self.multi_output and len(nodes) > 1:
                    # Retry without extra outputs, which always gives a valid
                    # (if smaller) cluster.
                    nodes = self._grow(fgraph, node, False)
                    ok = len(nodes) > 1 and self._fuse(fgraph, nodes, levels)
                if ok:
                    nb_fused += 1
                    nb_nodes_removed += len(nodes) - 1
                    changed = True
                else:
                    done.add(node)
        return {"nb_fused": nb_fused, "nb_nodes_removed": nb_nodes_removed}

    @classmethod
    def print_profile(cls, stream, prof, level: int = 0) -> None:
        blanc = "    " * level
        print(f"{blanc}{cls.__name__}", file=stream)
        for k, v in (prof or {}).items():
            print(f"{blanc}  {k}: {v}", file=stream)

    def __str__(self):
        return f"FusionOptimizer(max_operands={self.max_operands})"


@node_rewriter([CAReduce])
def local_careduce_fusion(fgraph, node):
    """Reduce an element-wise function without its intermediate array.

    ``CAReduce{op}(Elemwise{f}(x))`` becomes ``CAReduce{Composite}(x)``
    whose scalar op is ``op(acc, f(x_i))``; ``CAReduce.perform`` recognises
    that form and applies ``f`` before reducing with ``op``'s ufunc. With
    several inputs, ``CAReduce{op}(Elemwise{f}(x, y, ...))`` becomes a
    :class:`~aesara.tensor.fused_reduce.FusedCAReduce` of the same
    Composite over ``x, y, ...``.
    """
    op = node.op
    if type(op).perform is not CAReduce.perform or op.ufunc is None:
        return None
    (x,) = node.inputs
    elm = x.owner
    if elm is None or not _is_fusable(elm) or len(elm.outputs) != 1:
        return None
    if len(fgraph.clients.get(x, ())) != 1:
        return None
    e_ins = list(elm.inputs)
    if any(i.type.ndim != x.type.ndim for i in e_ins):
        return None
    if len(e_ins) == 1 and isinstance(e_ins[0], Constant):
        return None
    if len(e_ins) + 2 > DEFAULT_MAX_OPERANDS:
        return None
    out = node.outputs[0]
    odtype = out.type.dtype
    acc_dtype = op._acc_dtype(x.type.dtype, odtype)
    acc = aes.get_scalar_type(acc_dtype)()
    s_ins = [aes.get_scalar_type(i.type.dtype)() for i in e_ins]
    (inner,) = _apply_scalar_op(elm.op.scalar_op, s_ins)
    if inner.type.dtype != x.type.dtype:
        return None
    s_out = op.scalar_op.make_node(acc, inner).outputs[0]
    if s_out.type.dtype != acc_dtype:
        return None
    composite = aes.Composite([acc, *s_ins], [s_out])
    if len(e_ins) == 1:
        new_op = CAReduce(
            composite,
            axis=op.axis,
            dtype=odtype,
            acc_dtype=acc_dtype,
            upcast_discrete_output=False,
        )
    else:
        from aesara.tensor.fused_reduce import FusedCAReduce

        axis = op.axis
        if axis is not None and len(axis) == x.type.ndim:
            axis = None
        new_op = FusedCAReduce(composite, axis=axis, dtype=odtype, acc_dtype=acc_dtype)
    new = new_op(*e_ins)
    if new.type != out.type:
        return None
    copy_stack_trace(out, new)
    return [new]


fuse_seqopt = SequenceDB()
"""The ``elemwise_fusion`` stage: element-wise fusion, then reduction fusion."""
fuse_seqopt.register(
    "composite_elemwise_fusion",
    FusionOptimizer(),
    "fast_run",
    "fusion",
    position=1,
)
fuse_seqopt.register(
    "local_careduce_fusion",
    in2out(local_careduce_fusion, name="local_careduce_fusion"),
    "fast_run",
    "fusion",
    position=10,
)
compile_mode.optdb.register(
    "elemwise_fusion",
    fuse_seqopt,
    "fast_run",
    "fusion",
    "local_elemwise_fusion",
    "FusionOptimizer",
    position=49,
)
