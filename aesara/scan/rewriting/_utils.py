"""Helpers shared by the Scan rewrites (building nodes, looking at uses)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from aesara.graph.basic import (
    Apply,
    Constant,
    Variable,
    clone_replace,
    equal_computations,
    io_toposort,
)
from aesara.scan.op import Scan, ScanInfo

__all__ = [
    "first_steps",
    "inner_clients",
    "last_step_user",
    "new_scan_like",
    "same_n_steps",
    "scalar_constant",
]


def new_scan_like(
    op: Scan,
    inner_inputs: Sequence[Variable],
    inner_outputs: Sequence[Variable],
    info: ScanInfo,
    **overrides: Any,
) -> Scan:
    """A Scan op with ``op``'s settings over a new inner graph.

    The inner graph's nodes are copied (its inputs are kept), so the new op
    shares no node with ``op``. A subclass of ``Scan`` that keeps Scan's
    constructor is rebuilt as itself (e.g. AePPL's ``MeasurableScan``).

    Parameters
    ----------
    op
        The op whose mode, name, gradient truncation, profiling and gc
        setting are kept.
    inner_inputs, inner_outputs, info
        The new inner graph and its layout.
    overrides
        Constructor arguments replacing ``op``'s (e.g. ``name``).

    Returns
    -------
    Scan
    """
    cls = type(op) if type(op).__init__ is Scan.__init__ else Scan
    kwargs = dict(
        mode=op.mode,
        typeConstructor=op.typeConstructor,
        truncate_gradient=op.truncate_gradient,
        name=op.name,
        profile=op.profile,
        allow_gc=op.allow_gc,
        strict=op.strict,
    )
    kwargs.update(overrides)
    outputs = clone_replace(list(inner_outputs), replace={})
    return cls(list(inner_inputs), outputs, info, **kwargs)


def inner_clients(
    inputs: Sequence[Variable], outputs: Sequence[Variable]
) -> dict[Variable, list[tuple[Apply | str, int]]]:
    """The uses of each variable of the graph from ``inputs`` to ``outputs``.

    Parameters
    ----------
    inputs, outputs
        The graph (an inner graph of a Scan).

    Returns
    -------
    dict
        ``{variable: [(node, input index), ...]}``; a use as the ``k``-th
        output is recorded as ``("output", k)``.
    """
    clients: dict[Variable, list[tuple[Apply | str, int]]] = {v: [] for v in inputs}
    for node in io_toposort(list(inputs), list(outputs)):
        for i, v in enumerate(node.inputs):
            clients.setdefault(v, []).append((node, i))
        for o in node.outputs:
            clients.setdefault(o, [])
    for k, o in enumerate(outputs):
        clients.setdefault(o, []).append(("output", k))
    return clients


def scalar_constant(v: Any) -> Any:
    """The value of ``v`` when it is a scalar constant (through casts), else ``None``."""
    from aesara.tensor.basic import get_scalar_constant_value
    from aesara.tensor.exceptions import NotScalarConstantError

    try:
        return get_scalar_constant_value(v)
    except (NotScalarConstantError, TypeError, ValueError):
        return None


def _single_client(fgraph: Any, var: Variable) -> Apply | None:
    clients = fgraph.clients.get(var, [])
    if len(clients) != 1:
        return None
    node = clients[0][0]
    if isinstance(node, str) or clients[0][1] != 0:
        return None
    return node


def last_step_user(fgraph: Any, var: Variable) -> Variable | None:
    """The variable ``var[-1]`` when that is the only use of the trace ``var``.

    A chain of plain slices ``var[a:]`` (each used once) before the ``[-1]``
    is allowed: ``var[1:][-1]`` is what :func:`~aesara.scan.basic.scan` users
    write for the last state.

    Parameters
    ----------
    fgraph
        The graph holding ``var``.
    var
        An output of a Scan node.

    Returns
    -------
    Variable or None
        The variable holding the last entry, or ``None`` when other entries
        are used (or ``var`` is an output of the graph).
    """
    from aesara.tensor.subtensor import Subtensor, get_idx_list

    while True:
        node = _single_client(fgraph, var)
        if node is None or not isinstance(node.op, Subtensor):
            return None
        idx = get_idx_list(node.inputs, node.op.idx_list)
        if len(idx) != 1:
            return None
        (entry,) = idx
        if isinstance(entry, slice):
            start = 0 if entry.start is None else scalar_constant(entry.start)
            ok = (
                entry.stop is None
                and (entry.step is None or scalar_constant(entry.step) == 1)
                and start is not None
                and start >= 0
            )
            if not ok:
                return None
            var = node.outputs[0]
            continue
        if scalar_constant(entry) == -1:
            return node.outputs[0]
        return None


def same_n_steps(a: Variable, b: Variable) -> bool:
    """Whether two numbers of steps are known to be equal (symbolically or as constants)."""
    if a is b:
        return True
    va, vb = scalar_constant(a), scalar_constant(b)
    if va is not None and vb is not None:
        return int(va) == int(vb)
    if isinstance(a, Constant) or isinstance(b, Constant):
        return False
    return equal_computations([a], [b])


def first_steps(seq: Variable, n_steps: Variable) -> Variable:
    """``seq[:n_steps]``, or ``seq`` when it is known to hold exactly that.

    :func:`~aesara.scan.basic.scan` passes its sequences as ``x[:n_steps]``
    already; slicing them again would only add work.

    Parameters
    ----------
    seq
        An outer sequence of a Scan node.
    n_steps
        The node's number of steps.

    Returns
    -------
    Variable
    """
    from aesara.tensor.subtensor import Subtensor, get_idx_list

    owner = seq.owner
    if owner is not None and isinstance(owner.op, Subtensor):
        idx = get_idx_list(owner.inputs, owner.op.idx_list)
        if len(idx) == 1 and isinstance(idx[0], slice):
            sl = idx[0]
            start_ok = sl.start is None or scalar_constant(sl.start) == 0
            step_ok = sl.step is None or scalar_constant(sl.step) == 1
            if start_ok and step_ok and sl.stop is not None:
                stop = sl.stop
                if stop is n_steps or same_n_steps(stop, n_steps):
                    return seq
    return seq[:n_steps]
