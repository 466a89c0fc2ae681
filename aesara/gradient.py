"""Symbolic differentiation of graphs.

Reverse mode (:func:`grad`, :func:`Lop`) walks a graph from a scalar cost back
to the requested variables, asking every node's op for its ``L_op`` (the
vector-Jacobian product) and summing the terms that reach a variable through
several clients. Forward mode (:func:`Rop`) walks from the variables to the
outputs through each op's ``R_op`` (the Jacobian-vector product), falling back
to two reverse passes for ops that have none. :func:`jacobian` and
:func:`hessian` are built on these, and :func:`verify_grad` compares a
symbolic gradient with finite differences.

Two special types describe gradients that are not ordinary values:

* :class:`DisconnectedType`: the output does not depend on the input at all
  (for example the shape of a tensor does not depend on its values);
* :class:`~aesara.graph.null_type.NullType`: the gradient exists in no useful
  sense (:func:`grad_undefined`) or nobody wrote it (:func:`grad_not_implemented`).
"""

from __future__ import annotations

import time
import warnings
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from aesara.compile.ops import ViewOp
from aesara.configdefaults import config
from aesara.graph.basic import Apply, Constant, Variable, clone_replace
from aesara.graph.null_type import NullType
from aesara.graph.type import Type

__all__ = [
    "DisconnectedInputError",
    "DisconnectedType",
    "GradientError",
    "JacobianLengthError",
    "Lop",
    "NullTypeGradError",
    "Rop",
    "consider_constant",
    "disconnected_grad",
    "disconnected_type",
    "as_list_or_tuple",
    "format_as",
    "grad",
    "grad_clip",
    "grad_not_implemented",
    "grad_scale",
    "grad_undefined",
    "hessian",
    "jacobian",
    "mode_not_slow",
    "numeric_grad",
    "subgraph_grad",
    "undefined_grad",
    "verify_grad",
    "zero_grad",
]

_DISCRETE_KINDS = ("b", "i", "u")


# ---------------------------------------------------------------------------
# Special gradient types and errors
# ---------------------------------------------------------------------------


class DisconnectedType(Type):
    """The type of the gradient of a quantity that does not depend on the input.

    A variable of this type holds no value: it only tells :func:`grad` that
    no path connects the input to the cost through this op. Compiling a graph
    that uses one is an error.
    """

    __props__ = ()

    def filter(self, data, strict=False, allow_downcast=None):
        raise AssertionError(
            "A DisconnectedType variable has no value: it marks a gradient "
            "that does not exist because the output does not depend on the input"
        )

    def filter_variable(self, other, allow_convert=True):
        raise AssertionError(
            "A DisconnectedType variable has no value and cannot be converted"
        )

    def may_share_memory(self, a, b):
        return False

    def values_eq(self, a, b, force_same_dtype=True):
        raise AssertionError("DisconnectedType has no values to compare")

    def __str__(self):
        return "DisconnectedType"


disconnected_type = DisconnectedType()


class DisconnectedInputError(ValueError):
    """Raised by :func:`grad` when the cost does not depend on a ``wrt`` input."""


class JacobianLengthError(NotImplementedError, ValueError):
    """:func:`jacobian` of a vector whose length is only known at run time.

    That needs ``aesara.scan``; it is a ``ValueError`` too, as it used to be.
    """


class NullTypeGradError(TypeError):
    """Raised by :func:`grad` when a requested gradient is undefined (NullType)."""


def grad_undefined(op: Any, x_pos: int, x: Variable, comment: str = "") -> Variable:
    """A NullType gradient for an input whose gradient is mathematically undefined.

    Parameters
    ----------
    op
        The op whose ``L_op``/``grad`` returns it (named in the error).
    x_pos
        Position of the input.
    x
        The input.
    comment
        Extra explanation appended to the message.
    """
    return NullType(
        f"This variable is Null because the grad method for input {x_pos} ({x}) "
        f"of the {op} op is mathematically undefined. {comment}".rstrip()
    )()


def grad_not_implemented(
    op: Any, x_pos: int, x: Variable, comment: str = ""
) -> Variable:
    """A NullType gradient for an input whose gradient has not been written.

    Parameters are as for :func:`grad_undefined`.
    """
    return NullType(
        f"This variable is Null because the grad method for input {x_pos} ({x}) "
        f"of the {op} op is not implemented. {comment}".rstrip()
    )()


# ---------------------------------------------------------------------------
# Small helpers
# ---------------------------------------------------------------------------


def _is_special(v: Any) -> bool:
    return isinstance(getattr(v, "type", None), (NullType, DisconnectedType))


def _dtype(v: Variable) -> str | None:
    return getattr(v.type, "dtype", None)


def _is_discrete(v: Variable) -> bool:
    dt = _dtype(v)
    return dt is not None and np.dtype(dt).kind in _DISCRETE_KINDS


def _is_float_like(dtype: str | None) -> bool:
    return dtype is not None and np.dtype(dtype).kind in ("f", "c")


def _is_complex(v: Variable) -> bool:
    dt = _dtype(v)
    return dt is not None and np.dtype(dt).kind == "c"


def _float_zeros_like(x: Variable) -> Variable:
    """Zeros shaped like ``x``: its dtype if continuous, else floatX.

    A variable with no dtype (a random generator, a slice, ``None``...) has no
    zero value: its gradient is a :class:`DisconnectedType` variable, which is
    what an op's ``L_op`` receives for a disconnected non-tensor output in
    Aesara.
    """
    dtype = _dtype(x)
    if dtype is None:
        return disconnected_type()
    return x.zeros_like(dtype=dtype if _is_float_like(dtype) else config.floatX)


def _float_ones_like(x: Variable) -> Variable:
    """Ones shaped like ``x``: its dtype if continuous, else floatX."""
    dtype = _dtype(x)
    return x.ones_like(dtype=dtype if _is_float_like(dtype) else config.floatX)


def _as_var_list(x: Any, what: str) -> tuple[list[Variable], bool, bool]:
    """``x`` as a list, and whether it was a list / a tuple."""
    is_list = isinstance(x, list)
    is_tuple = isinstance(x, tuple)
    items = list(x) if (is_list or is_tuple) else [x]
    out = []
    for i, v in enumerate(items):
        if not isinstance(v, Variable):
            try:
                from aesara.tensor.basic import as_tensor_variable

                v = as_tensor_variable(v)
            except Exception:
                raise TypeError(
                    f"{what}[{i}] must be a symbolic Variable, got "
                    f"{type(v).__name__}: {v!r}"
                ) from None
        out.append(v)
    return out, is_list, is_tuple


def _format_as(is_list: bool, is_tuple: bool, outputs: list) -> Any:
    if is_list:
        return list(outputs)
    if is_tuple:
        return tuple(outputs)
    assert len(outputs) == 1
    return outputs[0]


def format_as(use_list: bool, use_tuple: bool, outputs: Any) -> Any:
    """Give ``outputs`` the container form the caller passed its inputs in.

    Parameters
    ----------
    use_list, use_tuple
        Return a list (or a tuple); when both are false ``outputs`` must hold
        exactly one element, which is returned bare.
    outputs
        A variable or a list/tuple of them.
    """
    if use_list and use_tuple:
        raise ValueError("format_as: use_list and use_tuple cannot both be true")
    if use_list or use_tuple:
        items = list(outputs) if isinstance(outputs, (list, tuple)) else [outputs]
        return items if use_list else tuple(items)
    if isinstance(outputs, (list, tuple)):
        if len(outputs) != 1:
            raise ValueError(
                f"format_as: expected a single output to return bare, got {len(outputs)}"
            )
        return outputs[0]
    return outputs


#: Alias of :func:`format_as` (Aesara's other name for it).
as_list_or_tuple = format_as

#: Seconds spent in :func:`grad` so far in this process (successful calls);
#: the profile summary prints it (``ProfileStats.summary_globals``).
grad_time: float = 0.0


def _connection_pattern(node: Apply) -> list[list[bool]]:
    pattern = node.op.connection_pattern(node)
    if len(pattern) != len(node.inputs) or any(
        len(row) != len(node.outputs) for row in pattern
    ):
        raise ValueError(
            f"{node.op}.connection_pattern returned a {len(pattern)}-row pattern; "
            f"expected {len(node.inputs)} rows of {len(node.outputs)} booleans"
        )
    return pattern


def _check_mode(value: str, allowed: Sequence[str], name: str) -> str:
    if not isinstance(value, str) or value.lower() not in allowed:
        raise ValueError(f"{name} must be one of {list(allowed)}, got {value!r}")
    return value.lower()


# ---------------------------------------------------------------------------
# Reverse mode
# ---------------------------------------------------------------------------


def _relevant_clients(
    sources: Sequence[Variable],
    wrt: Sequence[Variable],
    consider_constant: set[Variable],
) -> dict[Variable, dict[Apply, list[int]]]:
    """``{var: {node: [input positions]}}`` for the paths from ``wrt`` to ``sources``.

    Only true connections (per ``connection_pattern``) are followed, the walk
    does not go above variables in ``consider_constant``, and variables that
    do not depend on any ``wrt`` are dropped.
    """
    clients: dict[Variable, dict[Apply, list[int]]] = {}
    seen: set[Variable] = set()
    patterns: dict[Apply, list[list[bool]]] = {}
    stack = list(sources)
    while stack:
        var = stack.pop()
        if var in seen:
            continue
        seen.add(var)
        if isinstance(var, Constant) or var in consider_constant:
            continue
        node = var.owner
        if node is None:
            continue
        if node not in patterns:
            patterns[node] = _connection_pattern(node)
        pattern = patterns[node]
        out_idx = node.outputs.index(var)
        for i, ipt in enumerate(node.inputs):
            if not pattern[i][out_idx]:
                continue
            idxs = clients.setdefault(ipt, {}).setdefault(node, [])
            if i not in idxs:
                idxs.append(i)
            stack.append(ipt)

    # Keep only variables that have a wrt among their true ancestors.
    depends: set[Variable] = set()
    stack = [w for w in wrt if w in clients]
    while stack:
        var = stack.pop()
        if var in depends or var not in clients:
            continue
        depends.add(var)
        for node, idxs in clients[var].items():
            pattern = patterns[node]
            for i in idxs:
                for k, out in enumerate(node.outputs):
                    if pattern[i][k]:
                        stack.append(out)
    return {v: c for v, c in clients.items() if v in depends}


def _check_term(node: Apply, i: int, ipt: Variable, term: Any) -> None:
    """Check the gradient an op returned for its input ``i``."""
    op = node.op
    if term is None:
        raise TypeError(
            f"{op}.L_op returned None as the gradient of input {i} ({ipt}); return "
            "aesara.gradient.disconnected_type() for an input the outputs do not "
            "depend on, or grad_undefined/grad_not_implemented"
        )
    if not isinstance(term, Variable):
        raise TypeError(
            f"{op}.L_op returned a {type(term).__name__} as the gradient of input "
            f"{i} ({ipt}); expected a symbolic Variable"
        )
    if _is_special(term):
        return
    t_dtype = _dtype(term)
    if t_dtype is not None and not _is_float_like(t_dtype):
        raise TypeError(
            f"{op}.L_op returned an integer-valued gradient (dtype {t_dtype}) for "
            f"input {i} ({ipt}); gradients must be floating point"
        )
    i_ndim = getattr(ipt.type, "ndim", None)
    t_ndim = getattr(term.type, "ndim", None)
    if i_ndim is not None and t_ndim is not None:
        if i_ndim != t_ndim:
            raise ValueError(
                f"{op}.L_op returned a gradient with {t_ndim} dimensions for input "
                f"{i} ({ipt}), which has {i_ndim} (input type {ipt.type}, gradient "
                f"type {term.type})"
            )
        i_shape = getattr(ipt.type, "shape", None)
        t_shape = getattr(term.type, "shape", None)
        if i_shape is not None and t_shape is not None:
            for d, (a, b) in enumerate(zip(i_shape, t_shape)):
                if a is not None and b is not None and a != b:
                    raise ValueError(
                        f"{op}.L_op returned a gradient of static shape {t_shape} "
                        f"for input {i} ({ipt}) of static shape {i_shape} "
                        f"(dimension {d} differs)"
                    )


def _node_input_grads(node: Apply, output_grads: list[Variable]) -> list[Variable]:
    """Ask ``node``'s op for its input gradients, given its output gradients."""
    pattern = _connection_pattern(node)
    n_in = len(node.inputs)
    outs = node.outputs
    is_disc = [_is_disconnected(g) for g in output_grads]
    is_null = [isinstance(g.type, NullType) for g in output_grads]
    # Inputs no live output depends on are disconnected without asking the op.
    live = [
        any(pattern[i][k] and not is_disc[k] for k in range(len(outs)))
        for i in range(n_in)
    ]
    if not any(live):
        return [disconnected_type() for _ in range(n_in)]

    call_grads = []
    for o, g, disc, null in zip(outs, output_grads, is_disc, is_null):
        if disc or null:
            call_grads.append(_float_zeros_like(o))
            continue
        o_dt = _dtype(o)
        if _is_float_like(o_dt) and _dtype(g) != o_dt:
            # A floating output's gradient has the output's own dtype.
            g = g.astype(o_dt)
        call_grads.append(g)

    if all(is_null[k] or is_disc[k] for k in range(len(outs))):
        results: list[Any] = [disconnected_type() for _ in range(n_in)]
    else:
        results = node.op.L_op(list(node.inputs), list(outs), call_grads)
        if not isinstance(results, (list, tuple)):
            raise TypeError(
                f"{node.op}.L_op must return a list of gradients, got "
                f"{type(results).__name__}"
            )
        results = list(results)
        if len(results) != n_in:
            raise ValueError(
                f"{node.op}.L_op returned {len(results)} gradients for {n_in} inputs"
            )

    for i, (ipt, term) in enumerate(zip(node.inputs, results)):
        _check_term(node, i, ipt, term)
        if isinstance(term.type, DisconnectedType):
            continue
        connected = [k for k in range(len(outs)) if pattern[i][k] and not is_disc[k]]
        if not connected:
            # The connection pattern says no output depends on this input.
            results[i] = disconnected_type()
            continue
        nulls = [k for k in connected if is_null[k]]
        if nulls:
            results[i] = output_grads[nulls[0]]
            continue
        if _is_discrete(ipt) or all(_is_discrete(outs[k]) for k in connected):
            # Piecewise-constant paths: the gradient is zero (never NaN/None).
            if not isinstance(term.type, NullType):
                results[i] = _float_zeros_like(ipt)
    return results


def _is_disconnected(g: Any) -> bool:
    return isinstance(getattr(g, "type", None), DisconnectedType)


def _compute_grads(
    sources: Mapping[Variable, Variable],
    wrt: Sequence[Variable],
    consider_constant: set[Variable],
    cost_name: str | None,
) -> list[Variable]:
    """Gradients of ``wrt`` given the gradients of ``sources`` (a reverse sweep)."""
    clients = _relevant_clients(list(sources), wrt, consider_constant)
    grad_dict: dict[Variable, Variable] = dict(sources)
    terms_of: dict[Apply, list[Variable]] = {}

    def node_terms(node: Apply) -> list[Variable]:
        return terms_of[node]

    # Nodes in the relevant subgraph, sorted so each comes after its inputs'.
    nodes = {n for c in clients.values() for n in c}
    order = _toposort(nodes)

    def total_grad(var: Variable) -> Variable:
        if var in grad_dict:
            return grad_dict[var]
        terms = []
        null = None
        for node, idxs in clients.get(var, {}).items():
            node_in = node_terms(node)
            for i in idxs:
                t = node_in[i]
                if isinstance(t.type, NullType):
                    null = null or t
                elif not isinstance(t.type, DisconnectedType):
                    terms.append(t)
        if null is not None:
            g = null
        elif not terms:
            g = disconnected_type()
        else:
            g = terms[0]
            for t in terms[1:]:
                g = g + t
            v_dt = _dtype(var)
            if _is_float_like(v_dt) and _dtype(g) != v_dt:
                g = g.astype(v_dt)
            if cost_name is not None and var.name is not None:
                g.name = f"(d{cost_name}/d{var.name})"
        grad_dict[var] = g
        return g

    for node in reversed(order):
        ograds = [total_grad(o) for o in node.outputs]
        terms_of[node] = _node_input_grads(node, ograds)

    return [total_grad(w) for w in wrt]


def _toposort(nodes: set[Apply]) -> list[Apply]:
    """``nodes`` ordered so that a node's producers (within ``nodes``) come first."""
    order: list[Apply] = []
    done: set[Apply] = set()
    for start in nodes:
        if start in done:
            continue
        stack: list[tuple[Apply, bool]] = [(start, False)]
        while stack:
            node, expanded = stack.pop()
            if node in done:
                continue
            if expanded:
                done.add(node)
                order.append(node)
                continue
            stack.append((node, True))
            for ipt in node.inputs:
                p = ipt.owner
                if p is not None and p in nodes and p not in done:
                    stack.append((p, False))
    return order


def grad(
    cost: Variable | None,
    wrt: Variable | Sequence[Variable],
    consider_constant: Sequence[Variable] | None = None,
    disconnected_inputs: str = "raise",
    add_names: bool = True,
    known_grads: Mapping[Variable, Variable] | None = None,
    return_disconnected: str = "zero",
    null_gradients: str = "raise",
) -> Variable | list[Variable] | tuple[Variable, ...] | None:
    """Return the symbolic gradient of ``cost`` with respect to ``wrt``.

    Parameters
    ----------
    cost
        A scalar (0-d) variable, or ``None`` when ``known_grads`` gives the
        gradients to start from.
    wrt
        A variable or a list/tuple of variables; the result has the same
        structure.
    consider_constant
        Variables treated as constants: no gradient flows through them.
    disconnected_inputs
        What to do when the cost does not depend on a ``wrt`` variable:
        ``"ignore"``, ``"warn"`` or ``"raise"`` (:class:`DisconnectedInputError`).
    add_names
        Name the gradient variables ``(dcost/dvar)`` when both are named.
    known_grads
        ``{variable: gradient}``: gradients of the cost with respect to
        intermediate variables, used instead of back-propagating from ``cost``.
    return_disconnected
        The gradient returned for a disconnected input: ``"zero"`` (zeros),
        ``"None"`` or ``"Disconnected"`` (a :class:`DisconnectedType` variable).
    null_gradients
        ``"raise"`` (:class:`NullTypeGradError`) or ``"return"`` a NullType
        variable when a gradient is undefined.

    Returns
    -------
    The gradient of ``cost`` with respect to each ``wrt``: same dtype and
    shape as the variable (zeros of floatX for an integer variable).
    """
    t0 = time.perf_counter()
    disconnected_inputs = _check_mode(
        disconnected_inputs, ("ignore", "warn", "raise"), "disconnected_inputs"
    )
    return_disconnected = _check_mode(
        return_disconnected, ("zero", "none", "disconnected"), "return_disconnected"
    )
    null_gradients = _check_mode(null_gradients, ("raise", "return"), "null_gradients")

    if cost is None and known_grads is None:
        raise ValueError("grad: cost and known_grads cannot both be None")
    if cost is not None:
        if not isinstance(cost, Variable):
            raise TypeError(
                f"grad: cost must be a symbolic Variable, got {type(cost).__name__}"
            )
        if isinstance(cost.type, NullType):
            raise ValueError(
                f"grad: cannot differentiate a NullType cost: {cost.type.why_null}"
            )
        ndim = getattr(cost.type, "ndim", 0)
        if ndim != 0:
            raise TypeError(
                f"grad: cost must be a scalar (0-d); got a {ndim}-d variable {cost} "
                f"of type {cost.type}. Sum it, or give known_grads instead."
            )

    wrt_list, is_list, is_tuple = _as_var_list(wrt, "wrt")

    sources: dict[Variable, Variable] = {}
    if known_grads is not None:
        if not isinstance(known_grads, Mapping):
            raise TypeError(
                f"grad: known_grads must be a dict, got {type(known_grads).__name__}"
            )
        for var, g in known_grads.items():
            if not isinstance(var, Variable):
                raise TypeError(
                    f"grad: known_grads keys must be Variables, got {type(var).__name__}"
                )
            if not isinstance(g, Variable):
                try:
                    from aesara.tensor.basic import as_tensor_variable

                    g = as_tensor_variable(g)
                except Exception:
                    raise TypeError(
                        f"grad: the known gradient of {var} must be a Variable, got "
                        f"{type(g).__name__}"
                    ) from None
            if not _is_special(g):
                if not _is_float_like(_dtype(g)):
                    raise TypeError(
                        f"grad: the known gradient of {var} must be floating point "
                        f"(or NullType/DisconnectedType), got type {g.type}"
                    )
                v_nd = getattr(var.type, "ndim", None)
                g_nd = getattr(g.type, "ndim", None)
                if v_nd is not None and g_nd is not None and v_nd != g_nd:
                    raise ValueError(
                        f"grad: the known gradient of {var} has {g_nd} dimensions, "
                        f"the variable has {v_nd}"
                    )
            sources[var] = g
    if cost is not None and cost not in sources:
        g_cost = _float_ones_like(cost)
        if _is_float_like(_dtype(cost)):
            g_cost = g_cost.astype(_dtype(cost))
        sources[cost] = g_cost

    const = set(consider_constant or ())
    for v in const:
        if not isinstance(v, Variable):
            raise TypeError(
                f"grad: consider_constant must hold Variables, got {type(v).__name__}"
            )
    cost_name = cost.name if (add_names and cost is not None) else None
    rval = _compute_grads(sources, wrt_list, const, cost_name)

    out: list[Any] = []
    for w, g in zip(wrt_list, rval):
        if isinstance(g.type, DisconnectedType):
            msg = (
                f"grad method was asked to compute the gradient with respect to a "
                f"variable that is not part of the computational graph of the cost, "
                f"or is used only by a non-differentiable operator: {w}"
            )
            if disconnected_inputs == "raise":
                raise DisconnectedInputError(
                    msg + " (pass disconnected_inputs='ignore' to get a zero gradient)"
                )
            if disconnected_inputs == "warn":
                warnings.warn(msg, stacklevel=2)
            if return_disconnected == "zero":
                g = _float_zeros_like(w)
            elif return_disconnected == "none":
                g = None
        elif isinstance(g.type, NullType):
            if null_gradients == "raise":
                raise NullTypeGradError(
                    f"grad encountered an undefined gradient (NullType) with respect "
                    f"to {w}: {g.type.why_null}"
                )
        else:
            w_dt = _dtype(w)
            if _is_float_like(w_dt) and _dtype(g) != w_dt:
                g = g.astype(w_dt)
        out.append(g)
    global grad_time
    grad_time += time.perf_counter() - t0
    return _format_as(is_list, is_tuple, out)


def Lop(
    f: Variable | Sequence[Variable],
    wrt: Variable | Sequence[Variable],
    eval_points: Variable | Sequence[Variable],
    consider_constant: Sequence[Variable] | None = None,
    disconnected_inputs: str = "raise",
) -> Variable | list[Variable]:
    """Vector-Jacobian products: ``sum_j eval_points[j] . d f[j] / d wrt``.

    Parameters
    ----------
    f
        Output variable(s).
    wrt
        Variable(s) to differentiate with respect to; the result has the same
        structure.
    eval_points
        One "vector" per output, of the output's shape.
    consider_constant, disconnected_inputs
        As for :func:`grad`.
    """
    f_list, _, _ = _as_var_list(f, "f")
    ev_list, _, _ = _as_var_list(eval_points, "eval_points")
    if len(f_list) != len(ev_list):
        raise ValueError(
            f"Lop: {len(f_list)} outputs but {len(ev_list)} eval_points; give one "
            "evaluation point per output"
        )
    known = {}
    for k, (o, ev) in enumerate(zip(f_list, ev_list)):
        o_nd = getattr(o.type, "ndim", None)
        e_nd = getattr(ev.type, "ndim", None)
        if o_nd is not None and e_nd is not None and o_nd != e_nd:
            raise ValueError(
                f"Lop: output {k} has {o_nd} dimensions but its evaluation point "
                f"has {e_nd}"
            )
        known[o] = ev
    is_seq = isinstance(wrt, (list, tuple))
    wrt_list, _, _ = _as_var_list(wrt, "wrt")
    res = grad(
        None,
        wrt_list,
        consider_constant=consider_constant,
        disconnected_inputs=disconnected_inputs,
        known_grads=known,
        return_disconnected="zero",
    )
    return res if is_seq else res[0]


# ---------------------------------------------------------------------------
# Forward mode
# ---------------------------------------------------------------------------


def _rop_via_lop(node: Apply, eval_points: list[Variable | None]) -> list[Any]:
    """Jacobian-vector products of ``node`` from two reverse passes.

    ``J v`` is the gradient, with respect to ``u``, of ``<J^T u, v>`` (which
    is linear in ``u``), so it needs only ``L_op``.
    """
    ins = [
        (i, ipt, ev)
        for i, (ipt, ev) in enumerate(zip(node.inputs, eval_points))
        if ev is not None and _is_float_like(_dtype(ipt))
    ]
    outs = [(k, o) for k, o in enumerate(node.outputs) if _is_float_like(_dtype(o))]
    result: list[Any] = [None] * len(node.outputs)
    if not ins or not outs:
        return result
    us = {o: o.type() for _, o in outs}
    vjps = grad(
        None,
        [ipt for _, ipt, _ in ins],
        consider_constant=list(node.inputs),
        disconnected_inputs="ignore",
        known_grads=us,
        return_disconnected="disconnected",
        null_gradients="return",
    )
    inner = None
    for (_, _ipt, ev), g in zip(ins, vjps):
        if _is_special(g):
            if isinstance(g.type, NullType):
                raise NullTypeGradError(
                    f"Rop: {node.op} has no R_op and an undefined gradient, so its "
                    f"forward derivative is undefined: {g.type.why_null}"
                )
            continue
        if _is_complex(g) or _is_complex(ev):
            # The real inner product of complex numbers: Re(conj(g) * ev).
            from aesara.tensor.math import conj, real

            term = real(conj(g) * ev).sum()
        else:
            term = (g * ev).sum()
        inner = term if inner is None else inner + term
    if inner is None:
        return result
    u_list = [us[o] for _, o in outs]
    jvps = grad(
        inner,
        u_list,
        disconnected_inputs="ignore",
        return_disconnected="disconnected",
    )
    # The products do not depend on u's value; any u of the right shape works.
    zeros = {u: _float_zeros_like(o) for (_, o), u in zip(outs, u_list)}
    for (k, _o), jv in zip(outs, jvps):
        if isinstance(jv.type, DisconnectedType):
            continue
        result[k] = clone_replace(jv, zeros)
    return result


def Rop(
    f: Variable | Sequence[Variable],
    wrt: Variable | Sequence[Variable],
    eval_points: Variable | Sequence[Variable],
    disconnected_outputs: str = "raise",
    return_disconnected: str = "zero",
) -> Variable | list[Variable] | None:
    """Jacobian-vector products: ``sum_i d f / d wrt[i] . eval_points[i]``.

    Each node's op supplies its ``R_op``; an op without one is handled by the
    double reverse-mode identity ``J v = d<J^T u, v>/du``.

    Parameters
    ----------
    f
        Output variable(s); the result has the same structure.
    wrt
        Input variable(s).
    eval_points
        One direction per ``wrt``, of the same type.
    disconnected_outputs
        ``"ignore"``, ``"warn"`` or ``"raise"`` when an output does not depend
        on any ``wrt``.
    return_disconnected
        ``"zero"``, ``"None"`` or ``"Disconnected"`` for such outputs.
    """
    disconnected_outputs = _check_mode(
        disconnected_outputs, ("ignore", "warn", "raise"), "disconnected_outputs"
    )
    return_disconnected = _check_mode(
        return_disconnected, ("zero", "none", "disconnected"), "return_disconnected"
    )
    f_list, f_is_list, f_is_tuple = _as_var_list(f, "f")
    wrt_list, _, _ = _as_var_list(wrt, "wrt")
    ev_list, _, _ = _as_var_list(eval_points, "eval_points")
    if len(wrt_list) != len(ev_list):
        raise ValueError(
            f"Rop: {len(wrt_list)} wrt variables but {len(ev_list)} eval_points"
        )
    tangent: dict[Variable, Variable | None] = {}
    for k, (w, ev) in enumerate(zip(wrt_list, ev_list)):
        w_nd = getattr(w.type, "ndim", None)
        e_nd = getattr(ev.type, "ndim", None)
        if w_nd is not None and e_nd is not None and w_nd != e_nd:
            raise ValueError(
                f"Rop: wrt[{k}] ({w}) has {w_nd} dimensions but its evaluation "
                f"point has {e_nd}"
            )
        tangent[w] = ev

    from aesara.graph.basic import io_toposort

    for node in io_toposort(wrt_list, f_list):
        if any(o in tangent for o in node.outputs):
            # An output that is itself a wrt keeps its given direction.
            continue
        evs = [tangent.get(i) for i in node.inputs]
        if all(ev is None for ev in evs):
            for o in node.outputs:
                tangent[o] = None
            continue
        evs = [
            _float_zeros_like(ipt) if ev is None and _is_float_like(_dtype(ipt)) else ev
            for ipt, ev in zip(node.inputs, evs)
        ]
        try:
            res = node.op.R_op(list(node.inputs), evs)
        except NotImplementedError:
            res = _rop_via_lop(node, evs)
        if len(res) != len(node.outputs):
            raise ValueError(
                f"{node.op}.R_op returned {len(res)} results for "
                f"{len(node.outputs)} outputs"
            )
        for o, r in zip(node.outputs, res):
            if r is not None and _is_float_like(_dtype(o)) and _dtype(r) != _dtype(o):
                r = r.astype(_dtype(o))
            tangent[o] = r

    out: list[Any] = []
    for k, o in enumerate(f_list):
        r = tangent.get(o)
        if r is None:
            msg = f"Rop: output {k} ({o}) does not depend on any wrt variable"
            if disconnected_outputs == "raise":
                raise ValueError(
                    msg + " (pass disconnected_outputs='ignore' to get zeros)"
                )
            if disconnected_outputs == "warn":
                warnings.warn(msg, stacklevel=2)
            if return_disconnected == "zero":
                r = _float_zeros_like(o)
            elif return_disconnected == "disconnected":
                r = disconnected_type()
        out.append(r)
    return _format_as(f_is_list, f_is_tuple, out)


# ---------------------------------------------------------------------------
# Jacobians and Hessians
# ---------------------------------------------------------------------------


def _stack_rows(rows: list[Variable], w: Variable, n: int) -> Variable:
    """Stack ``n`` gradients of ``w`` into a ``(n,) + w.shape`` tensor."""
    from aesara.tensor.basic import alloc, as_tensor_variable, switch
    from aesara.tensor.shape import shape

    if n == 0:
        w = as_tensor_variable(w)
        dims = [shape(w)[d] for d in range(w.type.ndim)]
        return alloc(np.asarray(0, dtype=_float_dtype_of(w)), 0, *dims)
    nd = rows[0].type.ndim
    lifted = [r.dimshuffle("x", *range(nd)) for r in rows]
    acc = lifted[0]
    for i in range(1, n):
        mask = np.zeros((n,) + (1,) * nd, dtype=bool)
        mask[i] = True
        acc = switch(mask, lifted[i], acc)
    return acc


def _float_dtype_of(v: Variable) -> str:
    dt = _dtype(v)
    return dt if _is_float_like(dt) else config.floatX


def _static_length(expression: Variable) -> int | None:
    n = expression.type.shape[0]
    if n is not None:
        return int(n)
    try:
        from aesara.tensor.basic import get_vector_length

        return int(get_vector_length(expression))
    except Exception:
        return None


def jacobian(
    expression: Variable,
    wrt: Variable | Sequence[Variable],
    consider_constant: Sequence[Variable] | None = None,
    disconnected_inputs: str = "raise",
    vectorize: bool = False,
) -> Variable | list[Variable] | tuple[Variable, ...]:
    """The Jacobian of a vector ``expression`` with respect to ``wrt``.

    Parameters
    ----------
    expression
        A 0-d or 1-d variable (flatten higher-rank ones first). When its length
        is only known at run time the Jacobian is built as one batched graph
        (as with ``vectorize=True``).
    wrt
        A variable or a list/tuple of them; the result has the same structure.
        Each Jacobian has shape ``expression.shape + wrt.shape``.
    consider_constant, disconnected_inputs
        As for :func:`grad`.
    vectorize
        Build the vector-Jacobian product graph once, with a symbolic vector
        for the output gradient, then give it a leading row axis so that all
        rows come from one graph fed the identity matrix (see
        :mod:`aesara.tensor.rewriting.vjp_batching`); where an op cannot be
        batched, the graph is instantiated once per row. ``False`` calls
        :func:`grad` once per row. Both give the same values.

    Notes
    -----
    When the length of ``expression`` is only known at run time and some op
    in its gradient cannot be batched, the rows are computed by a loop
    (:func:`aesara.scan`).
    """
    from aesara.tensor.basic import as_tensor_variable, constant

    expression = as_tensor_variable(expression)
    wrt_list, is_list, is_tuple = _as_var_list(wrt, "wrt")
    if expression.type.ndim == 0:
        res = grad(
            expression,
            wrt_list,
            consider_constant=consider_constant,
            disconnected_inputs=disconnected_inputs,
        )
        return _format_as(is_list, is_tuple, res)
    if expression.type.ndim != 1:
        raise ValueError(
            f"jacobian: expression must be 0-d or 1-d, got a {expression.type.ndim}-d "
            f"variable of type {expression.type}; flatten it first"
        )
    n = _static_length(expression)
    if n is None:
        # Symbolic length: the batched VJP works with a symbolic identity.
        from aesara.tensor.basic import eye
        from aesara.tensor.rewriting.vjp_batching import batch_vjp

        u = expression.type()
        vjps = grad(
            None,
            wrt_list,
            consider_constant=consider_constant,
            disconnected_inputs=disconnected_inputs,
            known_grads={expression: u},
        )
        n_sym = expression.shape[0]
        batched = batch_vjp(vjps, u, eye(n_sym, dtype=u.type.dtype), n_sym)
        if batched is not None:
            return _format_as(is_list, is_tuple, batched)
        # Some op cannot take a row axis: loop over the rows with scan.
        return _format_as(
            is_list, is_tuple, _jacobian_by_scan(vjps, u, n_sym, wrt_list)
        )
    dtype = _float_dtype_of(expression)
    rows_per_w: list[list[Variable]] = [[] for _ in wrt_list]
    if n > 0 and vectorize:
        u = expression.type.clone(shape=(n,))()
        vjps = grad(
            None,
            wrt_list,
            consider_constant=consider_constant,
            disconnected_inputs=disconnected_inputs,
            known_grads={expression: u},
        )
        from aesara.tensor.rewriting.vjp_batching import batch_vjp

        batched = batch_vjp(vjps, u, constant(np.eye(n, dtype=u.type.dtype)), n)
        if batched is not None:
            return _format_as(is_list, is_tuple, batched)
        # Some op cannot take a row axis: one substitution of u per row.
        for i in range(n):
            e_i = np.zeros(n, dtype=dtype)
            e_i[i] = 1
            rows = clone_replace(list(vjps), {u: constant(e_i)})
            for k, r in enumerate(rows):
                rows_per_w[k].append(r)
    else:
        for i in range(n):
            e_i = np.zeros(n, dtype=dtype)
            e_i[i] = 1
            rows = grad(
                None,
                wrt_list,
                consider_constant=consider_constant,
                disconnected_inputs=disconnected_inputs,
                known_grads={expression: constant(e_i)},
            )
            for k, r in enumerate(rows):
                rows_per_w[k].append(r)
    jacs = [_stack_rows(rows, w, n) for rows, w in zip(rows_per_w, wrt_list)]
    return _format_as(is_list, is_tuple, jacs)


def _jacobian_by_scan(vjps, u, n, wrt_list) -> list:
    """Jacobian rows ``vjp(e_i)`` computed by a loop over ``i < n`` (``n`` symbolic)."""
    from aesara.scan.basic import scan
    from aesara.tensor.basic import arange, zeros
    from aesara.tensor.subtensor import set_subtensor

    def one_row(i):
        e_i = set_subtensor(zeros((n,), dtype=u.type.dtype)[i], 1)
        return clone_replace(list(vjps), {u: e_i})

    rows, _ = scan(one_row, sequences=[arange(n)], return_list=True)
    return list(rows[: len(wrt_list)])


def hessian(
    cost: Variable,
    wrt: Variable | Sequence[Variable],
    consider_constant: Sequence[Variable] | None = None,
    disconnected_inputs: str = "raise",
    vectorize: bool = False,
) -> Variable | list[Variable] | tuple[Variable, ...]:
    """The Hessian of a scalar ``cost`` with respect to vector(s) ``wrt``.

    Parameters are as for :func:`jacobian`; each ``wrt`` must be 1-d with a
    length known when the graph is built.
    """
    from aesara.tensor.basic import as_tensor_variable

    cost = as_tensor_variable(cost)
    if cost.type.ndim != 0:
        raise TypeError(
            f"hessian: cost must be a scalar (0-d), got a {cost.type.ndim}-d variable"
        )
    wrt_list, is_list, is_tuple = _as_var_list(wrt, "wrt")
    out = []
    for k, w in enumerate(wrt_list):
        if getattr(w.type, "ndim", None) != 1:
            raise ValueError(
                f"hessian: wrt[{k}] ({w}) must be a vector (1-d), got type {w.type}"
            )
        g = grad(
            cost,
            w,
            consider_constant=consider_constant,
            disconnected_inputs=disconnected_inputs,
        )
        if g.type.shape[0] is None and w.type.shape[0] is not None:
            # The gradient has the shape of w, even when the ops lost it.
            from aesara.tensor.shape import specify_shape

            g = specify_shape(g, w.type.shape)
        out.append(
            jacobian(
                g,
                w,
                consider_constant=consider_constant,
                disconnected_inputs=disconnected_inputs,
                vectorize=vectorize,
            )
        )
    return _format_as(is_list, is_tuple, out)


def subgraph_grad(
    wrt: Sequence[Variable],
    end: Sequence[Variable],
    start: Mapping[Variable, Variable] | None = None,
    cost: Variable | None = None,
    details: bool = False,
):
    """Back-propagate through a sub-graph, from ``start``/``cost`` down to ``end``.

    Useful to chain gradients piece by piece: the gradients returned for
    ``end`` can be given as ``start`` to the next (lower) sub-graph.

    Parameters
    ----------
    wrt
        Variables whose gradients are wanted.
    end
        Variables where back-propagation stops (treated as constants); their
        gradients are returned too.
    start
        ``{variable: gradient}`` to start from (as ``known_grads``).
    cost
        A scalar cost added to ``start``'s gradients.
    details
        Also return the gradients from ``start`` and from ``cost`` separately.

    Returns
    -------
    ``(wrt_grads, end_grads)``, plus ``(start_grads, cost_grads)`` when ``details``.
    """
    if cost is None and not start:
        raise ValueError("subgraph_grad: give a cost, or start gradients, or both")
    wrt = list(wrt)
    end = list(end)
    params = list(dict.fromkeys(wrt + end))
    start_grads = None
    cost_grads = None
    if start:
        start_grads = list(
            grad(
                None,
                params,
                known_grads=dict(start),
                consider_constant=end,
                disconnected_inputs="ignore",
            )
        )
    if cost is not None:
        cost_grads = list(
            grad(cost, params, consider_constant=end, disconnected_inputs="ignore")
        )
    if start_grads is None:
        grads = cost_grads
    elif cost_grads is None:
        grads = start_grads
    else:
        grads = [a + b for a, b in zip(start_grads, cost_grads)]
    by_param = dict(zip(params, grads))
    wrt_grads = [by_param[v] for v in wrt]
    end_grads = [by_param[v] for v in end]
    if details:
        return wrt_grads, end_grads, start_grads, cost_grads
    return wrt_grads, end_grads


# ---------------------------------------------------------------------------
# Gradient-modifying identity ops
# ---------------------------------------------------------------------------


class _GradIdentity(ViewOp):
    """The identity in the forward pass; subclasses change the backward pass."""

    def R_op(self, inputs, eval_points):
        return list(eval_points)

    def __str__(self):
        return type(self).__name__


class ConsiderConstant(_GradIdentity):
    """Identity whose gradient is zero (kept for compatibility; see ZeroGrad)."""

    def grad(self, args, g_outs):
        return [_float_zeros_like(g_outs[0])]


class ZeroGrad(_GradIdentity):
    """Identity whose gradient is zero."""

    def grad(self, args, g_outs):
        return [_float_zeros_like(g_outs[0])]

    def R_op(self, inputs, eval_points):
        if eval_points[0] is None:
            return [None]
        return [_float_zeros_like(eval_points[0])]


class DisconnectedGrad(_GradIdentity):
    """Identity that disconnects its input from the gradient altogether."""

    def grad(self, args, g_outs):
        return [disconnected_type()]

    def connection_pattern(self, node):
        return [[False]]

    def R_op(self, inputs, eval_points):
        return [None]


class UndefinedGrad(_GradIdentity):
    """Identity whose gradient is undefined (NullType)."""

    def grad(self, args, g_outs):
        return [grad_undefined(self, 0, args[0])]

    def R_op(self, inputs, eval_points):
        return [grad_undefined(self, 0, inputs[0])]


class GradClip(_GradIdentity):
    """Identity whose gradient is clipped to ``[clip_lower_bound, clip_upper_bound]``."""

    __props__ = ("clip_lower_bound", "clip_upper_bound")

    def __init__(self, clip_lower_bound: float, clip_upper_bound: float):
        self.clip_lower_bound = float(clip_lower_bound)
        self.clip_upper_bound = float(clip_upper_bound)
        if not self.clip_upper_bound >= self.clip_lower_bound:
            raise ValueError(
                f"grad_clip: upper_bound ({clip_upper_bound}) must be >= "
                f"lower_bound ({clip_lower_bound})"
            )

    def grad(self, args, g_outs):
        from aesara.tensor.math import clip

        return [clip(g_outs[0], self.clip_lower_bound, self.clip_upper_bound)]


class GradScale(_GradIdentity):
    """Identity whose gradient is multiplied by ``multiplier``."""

    __props__ = ("multiplier",)

    def __init__(self, multiplier: float):
        self.multiplier = float(multiplier)

    def grad(self, args, g_outs):
        return [g_outs[0] * self.multiplier]


consider_constant_ = ConsiderConstant()
zero_grad_ = ZeroGrad()
disconnected_grad_ = DisconnectedGrad()
undefined_grad_ = UndefinedGrad()


def consider_constant(x: Variable) -> Variable:
    """``x`` unchanged, with a zero gradient (same as :func:`zero_grad`)."""
    return consider_constant_(x)


def zero_grad(x: Variable) -> Variable:
    """``x`` unchanged in the forward pass; its gradient is zero."""
    return zero_grad_(x)


def disconnected_grad(x: Variable) -> Variable:
    """``x`` unchanged; gradients treat it as disconnected from its inputs."""
    return disconnected_grad_(x)


def undefined_grad(x: Variable) -> Variable:
    """``x`` unchanged; its gradient is undefined (differentiating raises)."""
    return undefined_grad_(x)


def grad_clip(x: Variable, lower_bound: float, upper_bound: float) -> Variable:
    """``x`` unchanged; the gradient flowing back through it is clipped.

    Parameters
    ----------
    x
        The variable.
    lower_bound, upper_bound
        Bounds of the back-propagated gradient (``lower_bound <= upper_bound``).
    """
    return GradClip(lower_bound, upper_bound)(x)


def grad_scale(x: Variable, multiplier: float) -> Variable:
    """``x`` unchanged; the gradient flowing back through it is multiplied."""
    return GradScale(multiplier)(x)


# Finite-difference checking lives in its own module; Aesara users import it
# from here.
from aesara._gradient_verification import (  # noqa: E402
    GradientError,
    mode_not_slow,
    numeric_grad,
    verify_grad,
)
