"""Lazy conditionals: ``ifelse(condition, then_branch, else_branch)``.

:class:`IfElse` is a *lazy* op: its thunk first asks the virtual machine for
the condition only, then for the inputs of the branch the condition selects,
so the other branch is never computed by the lazy :class:`~aesara.link.vm.Stack`
VM (the one the default linker picks when a graph holds a lazy op). Under a
non-lazy linker every input is computed beforehand and the op still returns
the right branch.

Unlike ``switch``, which is element-wise and evaluates both sides, ``ifelse``
takes a scalar condition and whole variables (or lists of them) as branches.

The rewrites at the bottom of this module remove ``ifelse`` nodes whose
condition is a constant, and outputs whose two branches are the same variable.
"""

from __future__ import annotations

import copy
from typing import Any

import numpy as np

from aesara.graph.basic import Apply, Constant, Variable
from aesara.graph.op import Op
from aesara.graph.rewriting.basic import copy_stack_trace, node_rewriter

__all__ = ["IfElse", "ifelse"]


def _as_branch_variable(value: Any, other: Any) -> Variable:
    """Convert a branch value; a literal takes the other branch's dtype when exact."""
    from aesara.tensor.basic import as_tensor_variable, constant
    from aesara.tensor.type import TensorType

    if isinstance(value, Variable):
        return value
    if isinstance(other, Variable) and isinstance(other.type, TensorType):
        arr = np.asarray(value)
        if arr.ndim == other.type.ndim and arr.dtype.kind in "biuf":
            with np.errstate(all="ignore"):
                cast = arr.astype(other.type.dtype)
                exact = bool(np.all(cast == arr))
            if exact:
                return constant(cast)
    return as_tensor_variable(value)


def _join_types(t_type, f_type, k: int):
    """The output type of one branch pair: static sizes kept where they agree."""
    from aesara.tensor.type import TensorType

    if t_type == f_type:
        return t_type
    if isinstance(t_type, TensorType) and isinstance(f_type, TensorType):
        if t_type.dtype == f_type.dtype and t_type.ndim == f_type.ndim:
            shape = tuple(
                a if a == b else None for a, b in zip(t_type.shape, f_type.shape)
            )
            return TensorType(t_type.dtype, shape)
    raise TypeError(
        f"ifelse: output {k} has a `then` branch of type {t_type} and an `else` "
        f"branch of type {f_type}; both branches must have the same type (dtype "
        "and number of dimensions; only static sizes may differ). Cast one of "
        "them, e.g. with `.astype`, or check that both branches list the same "
        "number of variables in the same order."
    )


class IfElse(Op):
    """``IfElse(n_outs)(condition, *then_values, *else_values)``.

    Returns the ``n_outs`` ``then`` values when the scalar ``condition`` is
    true (non-zero), else the ``n_outs`` ``else`` values. Only the selected
    branch is computed by a lazy VM.

    Parameters
    ----------
    n_outs
        Number of outputs (and of values on each branch).
    as_view
        Return the selected inputs themselves instead of copies.
    name
        A label shown when printing the node.
    """

    __props__ = ("as_view", "n_outs")

    def __init__(self, n_outs: int, as_view: bool = False, name: str | None = None):
        if isinstance(n_outs, bool) or not isinstance(n_outs, (int, np.integer)):
            raise TypeError(f"IfElse: n_outs must be an integer, got {n_outs!r}")
        if n_outs < 1:
            raise ValueError(f"IfElse: n_outs must be at least 1, got {n_outs}")
        self.n_outs = int(n_outs)
        self.as_view = bool(as_view)
        self.name = name
        # Outputs may alias the ``then`` inputs (the ``else`` ones too, at run
        # time); the view map can only name one input per output.
        self.view_map = {k: [k + 1] for k in range(self.n_outs)} if as_view else {}

    def __str__(self):
        flags = []
        if self.name is not None:
            flags.append(str(self.name))
        if self.as_view:
            flags.append("inplace")
        return f"if{{{','.join(flags)}}}"

    def make_node(self, condition: Any, *true_false_branches: Any) -> Apply:
        from aesara.tensor.basic import as_tensor_variable

        n = self.n_outs
        if len(true_false_branches) != 2 * n:
            raise ValueError(
                f"IfElse: expected {2 * n} branch values ({n} per branch), got "
                f"{len(true_false_branches)}"
            )
        cond = as_tensor_variable(condition)
        if cond.type.ndim != 0:
            raise TypeError(
                f"ifelse: the condition must be a scalar, got {cond.type} "
                f"({cond.type.ndim} dimension(s)); reduce it first, e.g. with "
                "`.any()` or `.all()`"
            )
        thens = list(true_false_branches[:n])
        elses = list(true_false_branches[n:])
        new_thens, new_elses, outs = [], [], []
        for k, (t, f) in enumerate(zip(thens, elses)):
            t2 = _as_branch_variable(t, f)
            f2 = _as_branch_variable(f, t2)
            out_type = _join_types(t2.type, f2.type, k)
            new_thens.append(t2)
            new_elses.append(f2)
            outs.append(out_type())
        return Apply(self, [cond, *new_thens, *new_elses], outs)

    # -- evaluation --------------------------------------------------------

    def _pick(self, value: Any) -> Any:
        if self.as_view:
            return value
        if isinstance(value, np.ndarray):
            return value.copy()
        return copy.deepcopy(value)

    def perform(self, node, inputs, output_storage, params=None):
        n = self.n_outs
        cond, rest = inputs[0], inputs[1:]
        chosen = rest[:n] if bool(cond) else rest[n:]
        for cell, value in zip(output_storage, chosen):
            cell[0] = self._pick(value)

    def lazy_branch_inputs(self, node) -> list[int]:
        """Indices of the inputs a lazy VM may leave uncomputed (the branches).

        A linker that finds all of them computed whatever the condition says
        (graph inputs, or values other nodes need anyway) runs this node
        eagerly: laziness would skip nothing.
        """
        return list(range(1, len(node.inputs)))

    def make_thunk(self, node, storage_map, compute_map, no_recycling, impl=None):
        """A lazy thunk: it returns the input indices it still needs."""
        n = self.n_outs
        in_cells = [storage_map[v] for v in node.inputs]
        out_cells = [storage_map[v] for v in node.outputs]
        if compute_map is not None:
            in_flags = [compute_map[v] for v in node.inputs]
            out_flags = [compute_map[v] for v in node.outputs]
        else:
            # Without a compute map, every input is computed beforehand.
            in_flags = [[True] for _ in node.inputs]
            out_flags = [[False] for _ in node.outputs]
        then_idx = list(range(1, 1 + n))
        else_idx = list(range(1 + n, 1 + 2 * n))
        pick = self._pick

        def thunk():
            if not in_flags[0][0]:
                return [0]
            chosen = then_idx if bool(in_cells[0][0]) else else_idx
            missing = [i for i in chosen if not in_flags[i][0]]
            if missing:
                return missing
            for k, i in enumerate(chosen):
                out_cells[k][0] = pick(in_cells[i][0])
                out_flags[k][0] = True
            return []

        thunk.lazy = True
        thunk.inputs = in_cells
        thunk.outputs = out_cells
        thunk.perform = self.perform
        return thunk

    # -- shapes and derivatives ---------------------------------------------

    def infer_shape(self, fgraph, node, input_shapes):
        from aesara.tensor.basic import as_tensor_variable

        n = self.n_outs
        cond = node.inputs[0]
        t_shapes = input_shapes[1 : 1 + n]
        f_shapes = input_shapes[1 + n :]
        if any(s is None for s in (*t_shapes, *f_shapes)):
            return [None] * n
        # Sizes that differ between the branches are themselves chosen lazily.
        pending: list[tuple[int, int, Any, Any]] = []
        result: list[list[Any]] = []
        for k, (ts, fs) in enumerate(zip(t_shapes, f_shapes)):
            out_shape: list[Any] = []
            static = node.outputs[k].type.shape
            for d, (a, b) in enumerate(zip(ts, fs)):
                if static[d] is not None:
                    out_shape.append(static[d])
                elif a is b or (
                    isinstance(a, (int, np.integer))
                    and isinstance(b, (int, np.integer))
                    and a == b
                ):
                    out_shape.append(a)
                else:
                    out_shape.append(None)
                    pending.append((k, d, a, b))
            result.append(out_shape)
        if pending:
            ts_vals = [as_tensor_variable(a).astype("int64") for _, _, a, _ in pending]
            fs_vals = [as_tensor_variable(b).astype("int64") for _, _, _, b in pending]
            chosen = IfElse(len(pending))(cond, *ts_vals, *fs_vals, return_list=True)
            for (k, d, _, _), v in zip(pending, chosen):
                result[k][d] = v
        return [tuple(s) for s in result]

    def connection_pattern(self, node):
        n = self.n_outs
        pattern = [[False] * n]
        for _side in ("then", "else"):
            for i in range(n):
                pattern.append([k == i for k in range(n)])
        return pattern

    def L_op(self, inputs, outputs, output_grads):
        from aesara.gradient import DisconnectedType
        from aesara.tensor.basic import zeros_like

        cond = inputs[0]
        n = self.n_outs
        grads = list(output_grads)
        # The untaken side gets zeros of its own input's shape (the branches'
        # shapes may differ).
        then_zeros = [
            zeros_like(x, dtype=g.type.dtype) for x, g in zip(inputs[1 : 1 + n], grads)
        ]
        else_zeros = [
            zeros_like(x, dtype=g.type.dtype) for x, g in zip(inputs[1 + n :], grads)
        ]
        then_grads = IfElse(n, name=self._grad_name("then"))(
            cond, *grads, *then_zeros, return_list=True
        )
        else_grads = IfElse(n, name=self._grad_name("else"))(
            cond, *else_zeros, *grads, return_list=True
        )
        return [DisconnectedType()(), *then_grads, *else_grads]

    def _grad_name(self, side: str) -> str | None:
        return None if self.name is None else f"{self.name}_grad_{side}"

    def R_op(self, inputs, eval_points):
        from aesara.tensor.basic import zeros_like

        n = self.n_outs
        cond = inputs[0]
        out: list = []
        pairs = []
        for k in range(n):
            t_ev, f_ev = eval_points[1 + k], eval_points[1 + n + k]
            if t_ev is None and f_ev is None:
                pairs.append(None)
                continue
            if t_ev is None:
                t_ev = zeros_like(inputs[1 + k], dtype=f_ev.type.dtype)
            if f_ev is None:
                f_ev = zeros_like(inputs[1 + n + k], dtype=t_ev.type.dtype)
            pairs.append((t_ev, f_ev))
        live = [p for p in pairs if p is not None]
        if not live:
            return [None] * n
        chosen = iter(
            IfElse(len(live))(
                cond, *[t for t, _ in live], *[f for _, f in live], return_list=True
            )
        )
        for p in pairs:
            out.append(None if p is None else next(chosen))
        return out


def ifelse(
    condition: Any,
    then_branch: Any,
    else_branch: Any,
    name: str | None = None,
) -> Variable | list[Variable] | tuple[Variable, ...]:
    """Return ``then_branch`` if ``condition`` is true, else ``else_branch``, lazily.

    Parameters
    ----------
    condition
        A scalar: true when non-zero.
    then_branch, else_branch
        A variable (or value), or a list/tuple of them; both must hold the
        same number of values, pairwise of the same type (dtype and number
        of dimensions; static sizes may differ).
    name
        A label for the node.

    Returns
    -------
    A variable if ``then_branch`` is a single value, else a list (or tuple,
    following ``then_branch``) of variables. With the lazy VM (the default
    when a graph contains an ``ifelse``), only the selected branch is
    computed.
    """
    rval_type = type(then_branch) if isinstance(then_branch, (list, tuple)) else None
    thens = (
        list(then_branch) if isinstance(then_branch, (list, tuple)) else [then_branch]
    )
    elses = (
        list(else_branch) if isinstance(else_branch, (list, tuple)) else [else_branch]
    )
    if len(thens) != len(elses):
        raise ValueError(
            f"ifelse: the `then` branch has {len(thens)} value(s) but the `else` "
            f"branch has {len(elses)}; they must have the same number"
        )
    if not thens:
        raise ValueError("ifelse: the branches hold no values")
    op = IfElse(n_outs=len(thens), as_view=False, name=name)
    outs = op(condition, *thens, *elses, return_list=True)
    if rval_type is None:
        return outs[0]
    return tuple(outs) if rval_type is tuple else list(outs)


# ---------------------------------------------------------------------------
# Rewrites
# ---------------------------------------------------------------------------


def _constant_truth(var: Variable) -> bool | None:
    if isinstance(var, Constant):
        try:
            return bool(np.asarray(var.data))
        except (TypeError, ValueError):
            return None
    return None


def _as_output(out: Variable, value: Variable) -> Variable:
    """``value`` converted to ``out``'s type (it may know more static sizes)."""
    if value.type == out.type:
        return value
    from aesara.tensor.type import TensorType

    if isinstance(out.type, TensorType) and isinstance(value.type, TensorType):
        if value.type.shape != out.type.shape:
            # A branch with more static sizes than the joined output: keep the
            # output's type so the graph's other types stay valid.
            from aesara.tensor.shape import specify_shape

            value = specify_shape(value, tuple(out.type.shape))
            if value.type == out.type:
                return value
    return out.type.filter_variable(value, allow_convert=True)


@node_rewriter([IfElse])
def cond_remove_constant(fgraph, node):
    """``ifelse(c, a, b)`` with a constant ``c`` becomes ``a`` or ``b``."""
    truth = _constant_truth(node.inputs[0])
    if truth is None:
        return False
    n = node.op.n_outs
    chosen = node.inputs[1 : 1 + n] if truth else node.inputs[1 + n :]
    out = []
    for o, v in zip(node.outputs, chosen):
        new = _as_output(o, v)
        copy_stack_trace(o, new)
        out.append(new)
    return out


@node_rewriter([IfElse])
def cond_remove_identical(fgraph, node):
    """Outputs whose two branches are the same variable skip the ``ifelse``."""
    n = node.op.n_outs
    thens = node.inputs[1 : 1 + n]
    elses = node.inputs[1 + n :]
    same = [
        t is f
        or (
            isinstance(t, Constant)
            and isinstance(f, Constant)
            and t.type == f.type
            and t.signature() == f.signature()
        )
        for t, f in zip(thens, elses)
    ]
    if not any(same):
        return False
    keep = [k for k in range(n) if not same[k]]
    replacements: dict = {}
    if keep:
        new_outs = IfElse(len(keep), as_view=node.op.as_view, name=node.op.name)(
            node.inputs[0],
            *[thens[k] for k in keep],
            *[elses[k] for k in keep],
            return_list=True,
        )
        for k, v in zip(keep, new_outs):
            replacements[node.outputs[k]] = v
    for k in range(n):
        if same[k]:
            replacements[node.outputs[k]] = _as_output(node.outputs[k], thens[k])
    for old, new in replacements.items():
        copy_stack_trace(old, new)
    return replacements


def _register_rewrites() -> None:
    from aesara.tensor.rewriting.basic import (
        register_canonicalize,
        register_specialize,
        register_useless,
    )

    for rewrite in (cond_remove_constant, cond_remove_identical):
        register_canonicalize(rewrite, "ifelse")
        register_useless(rewrite, "ifelse")
        register_specialize(rewrite, "ifelse")


_register_rewrites()
