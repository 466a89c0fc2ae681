"""Save memory in loops: keep only the steps of a Scan output that are used.

By default a :class:`~aesara.scan.op.Scan` keeps every step of every output:
a recurrent state's buffer has room for the initial values and all the steps,
a nit_sot trace one row per step. When every client of an output reads only
some of its last steps (``out[-1]``, ``out[-k:]``, ``out[i]`` with ``i``
counted from the end, its ``shape``...), :func:`save_mem_new_scan` gives the
loop a shorter buffer for that output; the loop then writes the buffer
circularly and returns its rows in chronological order (see the module
docstring of :mod:`aesara.scan.op`), and the clients are rewritten to index
the new, shorter output. When every client reads only the first steps of the
outputs, the number of steps itself is reduced.

All sizes are computed symbolically from the node's inputs (they become
constants when those are): the rewrite does not need to know them.

Coordinates
-----------
Let ``T`` be the number of rows of an output's *full trace*: ``n_steps``
plus the initial rows for a state (``init_l = -min(taps)``), ``n_steps`` for
a nit_sot. The loop returns the last ``L = min(B, T)`` rows of that trace,
``B`` being the buffer length (the trace length of a nit_sot), that is the
rows ``O = T - L`` to ``T - 1``. A client's index is turned into the range
of full-trace rows ``[lo, hi)`` it reads; the new node must return at least
the rows ``[min lo, max hi)``: ``T' >= max hi`` (fewer steps) and
``L' >= T' - min lo`` (a shorter buffer). Indices are then moved to the new
output, whose first row is ``O' = T' - L'``. Out-of-range indices keep
raising ``IndexError`` (they are never wrapped into range).

While loops stop at a step known only at run time, so ``T`` is unknown:
only indices counted from the end by constants (``out[-1]``, ``out[-3:]``)
let their outputs shrink, and the number of steps is never reduced.
Outputs of mit_mot states (gradients) and shared outputs are left as they are.
"""

from __future__ import annotations

import threading
from typing import Any

import numpy as np

from aesara.compile import optdb
from aesara.graph.basic import Apply, Variable, ancestors
from aesara.graph.fg import FunctionGraph
from aesara.graph.rewriting.basic import copy_stack_trace, in2out, node_rewriter
from aesara.scan.op import Scan

__all__ = ["save_mem_new_scan"]


# ---------------------------------------------------------------------------------
# Integers known up to one symbolic term
# ---------------------------------------------------------------------------------


class _NonNeg(threading.local):
    """Variables known to be non-negative wherever the rewritten graph uses them.

    The loop's ``n_steps``: the loop fails on a negative one, and the values
    computed from it only matter when the loop ran. Set by the rewrite, per
    thread.
    """

    def __init__(self):
        self.vars: set = set()


_NONNEG = _NonNeg()


class _Aff:
    """The integer ``sym + c``: ``sym`` a 0-d integer tensor, or ``None`` (constant).

    ``lb`` is a lower bound of ``sym`` (``None``: unknown). Arithmetic on
    these folds what is known at build time (``(n + 1) - n`` is ``1``,
    ``minimum(1, n + 1)`` is ``1`` for ``n >= 0``) and builds int64 tensor
    expressions otherwise.
    """

    __slots__ = ("c", "lb", "sym")

    def __init__(self, sym: Variable | None, c: int, lb: int | None = None):
        self.sym = sym
        self.c = int(c)
        self.lb = None if sym is None else lb

    @property
    def const(self) -> int | None:
        return self.c if self.sym is None else None

    @property
    def low(self) -> int | None:
        """A lower bound of the value (``None``: unknown)."""
        if self.sym is None:
            return self.c
        return None if self.lb is None else self.lb + self.c

    def same(self, other: _Aff) -> bool:
        return self.sym is other.sym and self.c == other.c

    def __repr__(self) -> str:  # pragma: no cover - debugging aid
        return f"_Aff({self.sym}, {self.c}, lb={self.lb})"


def _le(a: _Aff, b: _Aff) -> bool:
    """Whether ``a <= b`` is known."""
    if a.sym is b.sym:
        return a.c <= b.c
    if a.sym is None:
        low = b.low
        return low is not None and a.c <= low
    return False


_INT_DTYPES = ("int8", "int16", "int32", "int64", "uint8", "uint16", "uint32")


def _strip(v: Variable) -> Variable:
    """``v`` without the conversions that keep an integer's value.

    Scalar/tensor conversions and widening integer casts are looked through,
    so that the same integer is always the same symbol.
    """
    import aesara.scalar as aes
    from aesara.tensor.basic import ScalarFromTensor, TensorFromScalar
    from aesara.tensor.elemwise import Elemwise

    while v.owner is not None:
        op = v.owner.op
        if isinstance(op, (ScalarFromTensor, TensorFromScalar)):
            v = v.owner.inputs[0]
            continue
        if (
            isinstance(op, Elemwise)
            and isinstance(op.scalar_op, aes.Cast)
            and v.owner.inputs[0].type.dtype in _INT_DTYPES
            and v.type.dtype == "int64"
        ):
            v = v.owner.inputs[0]
            continue
        break
    return v


def _sym_lb(v: Variable) -> int | None:
    from aesara.tensor.shape import Shape_i

    if v in _NONNEG.vars:
        return 0
    if v.owner is not None and isinstance(v.owner.op, Shape_i):
        return 0
    return None


def _aff(v: Any) -> _Aff:
    """An index value, a length or an :class:`_Aff` as an :class:`_Aff`."""
    import aesara.scalar as aes
    from aesara.tensor.basic import get_scalar_constant_value
    from aesara.tensor.elemwise import Elemwise
    from aesara.tensor.exceptions import NotScalarConstantError

    if isinstance(v, _Aff):
        return v
    if isinstance(v, (int, np.integer)) and not isinstance(v, (bool, np.bool_)):
        return _Aff(None, int(v))
    if not isinstance(v, Variable):
        raise TypeError(f"save_mem: cannot use {v!r} as an integer")
    if not str(getattr(v.type, "dtype", "")).startswith(("int", "uint")):
        raise TypeError(f"save_mem: {v} is not an integer")
    if getattr(v.type, "ndim", 0) != 0:
        raise TypeError(f"save_mem: {v} is not a scalar")
    v = _strip(v)
    try:
        return _Aff(None, int(get_scalar_constant_value(v)))
    except NotScalarConstantError:
        pass
    owner = v.owner
    opaque = _Aff(v, 0, _sym_lb(v))
    if owner is None or not isinstance(owner.op, Elemwise):
        return opaque
    if any(getattr(i.type, "ndim", None) != 0 for i in owner.inputs):
        return opaque
    so = owner.op.scalar_op
    try:
        parts = [_aff(i) for i in owner.inputs]
    except TypeError:
        return opaque
    if isinstance(so, aes.Add):
        syms = [p for p in parts if p.sym is not None]
        if len(syms) <= 1:
            c = sum(p.c for p in parts)
            return _Aff(syms[0].sym, c, syms[0].lb) if syms else _Aff(None, c)
        lows = [p.low for p in parts]
        if all(x is not None for x in lows):
            return _Aff(v, 0, sum(lows))
        return opaque
    if isinstance(so, aes.Sub) and len(parts) == 2:
        a, b = parts
        if b.sym is None or a.sym is b.sym:
            return _sub(a, b)
        return opaque
    if isinstance(so, (aes.ScalarMinimum, aes.ScalarMaximum)) and len(parts) == 2:
        a, b = parts
        is_min = isinstance(so, aes.ScalarMinimum)
        if _le(a, b):
            return a if is_min else b
        if _le(b, a):
            return b if is_min else a
        if a.sym is b.sym:
            return _Aff(a.sym, min(a.c, b.c) if is_min else max(a.c, b.c), a.lb)
        return _Aff(v, 0, _bound(a.low, b.low, is_min))
    return opaque


def _bound(x: int | None, y: int | None, is_min: bool) -> int | None:
    """A lower bound of ``min(a, b)`` (``is_min``) or ``max(a, b)`` from theirs."""
    if is_min:
        return None if x is None or y is None else min(x, y)
    if x is None:
        return y
    if y is None:
        return x
    return max(x, y)


def _tensor(a: _Aff) -> Variable:
    """``a`` as an int64 0-d tensor."""
    import aesara.scalar as aes
    from aesara.tensor.basic import cast, constant, tensor_from_scalar

    if a.sym is None:
        return constant(a.c, dtype="int64")
    v = a.sym
    if isinstance(v.type, aes.ScalarType):
        v = tensor_from_scalar(v)
    if v.type.dtype != "int64":
        v = cast(v, "int64")
    if a.c == 0:
        return v
    return v + constant(a.c, dtype="int64")


def _index_part(a: _Aff) -> int | Variable:
    """``a`` as an index part: a Python int when known, else an int64 tensor."""
    return a.c if a.sym is None else _tensor(a)


def _add(a: _Aff, b: _Aff) -> _Aff:
    if b.sym is None:
        return _Aff(a.sym, a.c + b.c, a.lb)
    if a.sym is None:
        return _Aff(b.sym, a.c + b.c, b.lb)
    lows = (a.low, b.low)
    lb = None if None in lows else lows[0] + lows[1]
    return _Aff(_tensor(a) + _tensor(b), 0, lb)


def _sub(a: _Aff, b: _Aff) -> _Aff:
    if a.sym is b.sym:
        return _Aff(None, a.c - b.c)
    if b.sym is None:
        return _Aff(a.sym, a.c - b.c, a.lb)
    return _Aff(_tensor(a) - _tensor(b), 0)


def _min(a: _Aff, b: _Aff) -> _Aff:
    from aesara.tensor.math import minimum

    if _le(a, b):
        return a
    if _le(b, a):
        return b
    return _Aff(minimum(_tensor(a), _tensor(b)), 0, _bound(a.low, b.low, True))


def _max(a: _Aff, b: _Aff) -> _Aff:
    from aesara.tensor.math import maximum

    if _le(a, b):
        return b
    if _le(b, a):
        return a
    return _Aff(maximum(_tensor(a), _tensor(b)), 0, _bound(a.low, b.low, False))


def _clip(a: _Aff, lo: _Aff, hi: _Aff) -> _Aff:
    return _min(_max(a, lo), hi)


def _if_neg(p: _Aff, neg, pos) -> _Aff:
    """``neg()`` where ``p < 0``, else ``pos()`` (two callables returning ``_Aff``)."""
    from aesara.tensor.basic import switch
    from aesara.tensor.math import lt

    low = p.low
    if p.sym is None:
        return neg() if p.c < 0 else pos()
    if low is not None and low >= 0:
        return pos()
    n, q = neg(), pos()
    if n.same(q):
        return n
    return _Aff(
        switch(lt(_tensor(p), 0), _tensor(n), _tensor(q)),
        0,
        _bound(n.low, q.low, True),
    )


_ZERO = _Aff(None, 0)
_ONE = _Aff(None, 1)


def _max_all(values: list[_Aff]) -> _Aff | None:
    res = None
    for v in values:
        res = v if res is None else _max(res, v)
    return res


def _min_all(values: list[_Aff]) -> _Aff | None:
    res = None
    for v in values:
        res = v if res is None else _min(res, v)
    return res


# ---------------------------------------------------------------------------------
# The clients of an output
# ---------------------------------------------------------------------------------


class _Use:
    """One client of a Scan output that only needs some of its rows.

    ``kind`` is ``"int"`` (``out[j, ...]``: ``j``), ``"slice"`` (``out[a:b:s,
    ...]``: ``start``, ``stop``, ``step``) or ``"shape"`` (``Shape_i{dim}``).
    """

    def __init__(self, client: Apply, kind: str, **kw):
        self.client = client
        self.kind = kind
        self.j: _Aff | None = kw.get("j")
        self.start: _Aff | None = kw.get("start")
        self.stop: _Aff | None = kw.get("stop")
        self.step: int = kw.get("step", 1)
        self.dim: int = kw.get("dim", 0)


def _parse_entry(entry: Any) -> dict | None:
    """The first index entry of a ``Subtensor`` as ``_Use`` fields, or ``None``."""
    if isinstance(entry, slice):
        step = 1
        if entry.step is not None:
            try:
                s = _aff(entry.step)
            except TypeError:
                return None
            # Only constant positive steps: negative ones read the trace
            # backwards, which the index moves below do not handle.
            if s.sym is not None or s.c <= 0:
                return None
            step = s.c
        try:
            start = None if entry.start is None else _aff(entry.start)
            stop = None if entry.stop is None else _aff(entry.stop)
        except TypeError:
            return None
        return {"kind": "slice", "start": start, "stop": stop, "step": step}
    if entry is None or isinstance(entry, (bool, np.bool_)):
        return None
    if isinstance(entry, (int, np.integer)) or (
        isinstance(entry, Variable) and getattr(entry.type, "ndim", 0) == 0
    ):
        try:
            return {"kind": "int", "j": _aff(entry)}
        except TypeError:
            return None
    return None


def _depends_on(variables: list, node: Apply) -> bool:
    vs = [v for v in variables if isinstance(v, Variable)]
    return any(a.owner is node for a in ancestors(vs)) if vs else False


def _entry_variables(entry: Any) -> list:
    if isinstance(entry, slice):
        return [p for p in (entry.start, entry.stop, entry.step) if p is not None]
    return [entry]


def _collect_uses(
    fgraph: FunctionGraph, node: Apply, out: Variable
) -> list[_Use] | None:
    """The clients of ``out`` as :class:`_Use`, or ``None`` when one needs every row."""
    from aesara.tensor.shape import Shape_i
    from aesara.tensor.subtensor import Subtensor, get_idx_list

    uses: list[_Use] = []
    for client, idx in fgraph.clients.get(out, ()):
        if isinstance(client, str) or not isinstance(client, Apply):
            return None  # an output of the function: every row
        op = client.op
        if type(op) is Subtensor and idx == 0:
            entries = get_idx_list(client.inputs, op.idx_list)
            if not entries:
                return None
            fields = _parse_entry(entries[0])
            if fields is None:
                return None
            if _depends_on([v for e in entries for v in _entry_variables(e)], node):
                # The index reads the loop's own results (e.g. its length):
                # it cannot be moved to another node.
                return None
            kind = fields.pop("kind")
            uses.append(_Use(client, kind, **fields))
        elif type(op) is Shape_i and idx == 0:
            uses.append(_Use(client, "shape", dim=op.i))
        else:
            return None
    return uses


# ---------------------------------------------------------------------------------
# The buffers
# ---------------------------------------------------------------------------------


class _Buffer:
    """How a state's buffer is built: ``set_subtensor(alloc(B, ...)[:stop], init)``."""

    def __init__(self, var: Variable, inc: Apply, alloc: Apply, length: _Aff, stop):
        self.var = var
        self.inc = inc
        self.alloc = alloc
        self.length = length
        # The stop of the slice the initial values are written to: a
        # non-negative Python int, or the number of rows it covers (_Aff).
        self.stop = stop

    def rows_set(self) -> _Aff:
        """How many leading rows the initial values fill (at least)."""
        if isinstance(self.stop, int):
            return _Aff(None, self.stop)
        return self.stop

    def rebuild(self, length: _Aff) -> Variable:
        """The same buffer with ``length`` rows."""
        from aesara.tensor.basic import Alloc, AllocEmpty

        dims = list(self.alloc.inputs)
        if isinstance(self.alloc.op, Alloc):
            value, dims = dims[0], dims[1:]
            new_alloc = self.alloc.op(value, _tensor(length), *dims[1:])
        else:
            assert isinstance(self.alloc.op, AllocEmpty)
            new_alloc = self.alloc.op(_tensor(length), *dims[1:])
        from aesara.tensor.subtensor import set_subtensor

        init = self.inc.inputs[1]
        stop = self.stop if isinstance(self.stop, int) else _tensor(self.stop)
        new = set_subtensor(new_alloc[:stop], init)
        copy_stack_trace(self.var, new)
        return new


def _parse_buffer(buf: Variable) -> _Buffer | None:
    """``buf`` as a :class:`_Buffer` when it has the form ``scan`` builds."""
    from aesara.tensor.basic import Alloc, AllocEmpty
    from aesara.tensor.subtensor import IncSubtensor, indices_from_subtensor

    inc = buf.owner
    if inc is None or type(inc.op) is not IncSubtensor:
        return None
    op = inc.op
    if not op.set_instead_of_inc or len(op.idx_list) != 1:
        return None
    (entry,) = indices_from_subtensor(inc.inputs[2:], op.idx_list)
    if not isinstance(entry, slice):
        return None
    try:
        start = None if entry.start is None else _aff(entry.start)
        step = None if entry.step is None else _aff(entry.step)
        stop = None if entry.stop is None else _aff(entry.stop)
    except TypeError:
        return None
    if start is not None and start.const != 0:
        return None
    if step is not None and step.const != 1:
        return None
    alloc_var = inc.inputs[0]
    alloc = alloc_var.owner
    if alloc is None or type(alloc.op) not in (AllocEmpty, Alloc):
        return None
    dims = alloc.inputs[1:] if type(alloc.op) is Alloc else alloc.inputs
    if len(dims) != buf.type.ndim:
        return None
    if type(alloc.op) is Alloc:
        value = alloc.inputs[0]
        if value.type.ndim == buf.type.ndim and value.type.shape[0] != 1:
            return None  # a value with rows of its own: it fixes the length
    try:
        length = _aff(dims[0])
    except TypeError:
        return None
    if stop is None:
        stop_v: Any = length
    elif stop.sym is None and stop.c >= 0 and _le(stop, length):
        stop_v = stop.c
    else:
        # A symbolic, negative or too large stop: the rows it covers in the
        # old buffer.
        stop_v = _clip(
            _if_neg(stop, lambda: _add(stop, length), lambda: stop), _ZERO, length
        )
    return _Buffer(buf, inc, alloc, length, stop_v)


# ---------------------------------------------------------------------------------
# The rewrite
# ---------------------------------------------------------------------------------


class _Out:
    """What the rewrite knows about one traced (mit_sot, sit_sot, nit_sot) output."""

    def __init__(self, k: int, is_state: bool, init_l: int, in_pos: int):
        self.k = k
        self.is_state = is_state
        self.init_l = init_l
        self.in_pos = in_pos
        self.uses: list[_Use] | None = None
        self.buffer: _Buffer | None = None
        self.length: _Aff = _ZERO  # B: buffer (or trace) length
        self.new_length: _Aff = _ZERO
        self.lo: _Aff | None = None
        self.hi: _Aff | None = None


def _row_range(use: _Use, T: _Aff, off: _Aff) -> tuple[_Aff, _Aff] | None:
    """Full-trace rows ``[lo, hi)`` holding every row an int or slice use reads.

    ``T`` is the length of the full trace, ``off`` the full-trace row of the
    old output's first row. The bounds are not clipped to the trace: a bound
    past an end only asks for more rows (``hi``) or fewer (``lo``, where then
    nothing is read), which keeps them simple.
    """

    def row(p: _Aff) -> _Aff:
        # Index p of the old output as a full-trace row.
        return _if_neg(p, lambda: _add(p, T), lambda: _add(p, off))

    if use.kind == "int":
        lo = row(use.j)
        return lo, _add(lo, _ONE)
    if use.kind == "slice":
        lo = off if use.start is None else row(use.start)
        hi = T if use.stop is None else row(use.stop)
        return lo, hi
    return None


def _move_from_end(use: _Use, D: _Aff) -> Any:
    """The first index entry for the new output when the number of steps is kept.

    Indices counted from the end (negative) stay; others move by ``D = L' - L``.
    """
    if use.kind == "int":
        j = use.j
        return _index_part(_if_neg(j, lambda: j, lambda: _add(j, D)))

    def part(p: _Aff | None):
        if p is None:
            return None
        return _index_part(_if_neg(p, lambda: p, lambda: _max(_add(p, D), _ZERO)))

    return slice(part(use.start), part(use.stop), None if use.step == 1 else use.step)


def _move_normalised(use: _Use, L: _Aff, D: _Aff, TT: _Aff) -> Any:
    """The first index entry for the new output when the number of steps changed.

    ``D = O - O'`` moves a row from the old output to the new one, ``TT = T -
    T'`` moves an index counted from the end.
    """
    if use.kind == "int":
        j = use.j
        return _index_part(
            _if_neg(
                j,
                lambda: _if_neg(_add(j, L), lambda: j, lambda: _add(j, TT)),
                lambda: _add(j, D),
            )
        )

    def norm(p: _Aff | None, default: _Aff) -> _Aff:
        if p is None:
            return default
        return _clip(_if_neg(p, lambda: _add(p, L), lambda: p), _ZERO, L)

    a = _max(_add(norm(use.start, _ZERO), D), _ZERO)
    b = _max(_add(norm(use.stop, L), D), _ZERO)
    return slice(_index_part(a), _index_part(b), None if use.step == 1 else use.step)


def _same_type(new: Variable, old: Variable) -> Variable | None:
    """``new`` as a variable of ``old``'s type (``None`` when it cannot be)."""
    try:
        return old.type.filter_variable(new, allow_convert=True)
    except TypeError:
        return None


@node_rewriter([Scan])
def save_mem_new_scan(fgraph: FunctionGraph, node: Apply) -> dict | None:
    """Keep only the rows of a Scan's outputs that its clients read.

    Shortens the buffers of mit_sot and sit_sot states (circular buffers of at
    least ``-min(taps) + 1`` rows, so a step never overwrites a row it still
    reads) and the traces of nit_sot outputs whose clients read only their
    last rows, and reduces ``n_steps`` when every client reads only the first
    steps (a for loop without mit_mot states whose shared outputs are unused).
    The clients are rewritten to index the new outputs.

    Parameters
    ----------
    fgraph
        The graph being rewritten.
    node
        A :class:`~aesara.scan.op.Scan` node of ``fgraph``.

    Returns
    -------
    dict or None
        The replacements (old variable -> new one, and ``"remove"``: the old
        node), or ``None`` when nothing can be saved.
    """
    if not isinstance(node.op, Scan):
        return None
    saved = _NONNEG.vars
    _NONNEG.vars = {_strip(node.inputs[0])}
    try:
        return _save_mem(fgraph, node)
    finally:
        _NONNEG.vars = saved


def _save_mem(fgraph: FunctionGraph, node: Apply) -> dict | None:
    op = node.op
    info = op.info
    n_mm = info.n_mit_mot
    n_states = n_mm + info.n_mit_sot + info.n_sit_sot
    n_traced = n_states + info.n_nit_sot
    while_loop = info.as_while
    try:
        n_steps = _aff(node.inputs[0])
    except TypeError:
        return None
    nit_first_in = 1 + info.n_seqs + n_states + info.n_shared_outs

    outs: list[_Out] = []
    for k in range(n_mm, n_traced):
        if k < n_states:
            o = _Out(k, True, -min(info.tap_array[k]), 1 + info.n_seqs + k)
        else:
            o = _Out(k, False, 0, nit_first_in + (k - n_states))
        o.uses = _collect_uses(fgraph, node, node.outputs[k])
        buf = node.inputs[o.in_pos]
        if o.is_state:
            o.buffer = _parse_buffer(buf)
            if o.buffer is not None:
                o.length = o.buffer.length
            else:
                from aesara.tensor.shape import shape_i

                o.length = _aff(shape_i(buf, 0, fgraph))
        else:
            try:
                o.length = _aff(buf)
            except TypeError:
                return None
        outs.append(o)

    # -- while loops: only constant indices from the end --------------------------------
    if while_loop:
        return _save_mem_while(fgraph, node, outs, n_steps)

    # -- for loops: the rows each output's clients read ---------------------------------
    for o in outs:
        if o.uses is None:
            continue
        T = _add(n_steps, _Aff(None, o.init_l))
        off = _sub(T, _min(o.length, T))
        los, his = [], []
        for use in o.uses:
            rng = _row_range(use, T, off)
            if rng is not None:
                los.append(rng[0])
                his.append(rng[1])
        o.lo = _min_all(los)
        o.hi = _max_all(his)

    # -- fewer steps? -------------------------------------------------------------------
    shared_used = any(
        fgraph.clients.get(v)
        for v in node.outputs[n_traced : n_traced + info.n_shared_outs]
    )
    new_n_steps = n_steps
    reduce_steps = False
    if n_mm == 0 and not shared_used and all(o.uses is not None for o in outs):
        needed = _max_all(
            [_sub(o.hi, _Aff(None, o.init_l)) for o in outs if o.hi is not None]
        )
        if needed is None:
            needed = _ZERO
        if needed.sym is None or (needed.sym is n_steps.sym and needed.c < n_steps.c):
            candidate = _min(_max(needed, _ONE), n_steps)
            if not candidate.same(n_steps) and not (
                candidate.sym is None
                and n_steps.sym is None
                and candidate.c >= n_steps.c
            ):
                new_n_steps = candidate
                reduce_steps = True

    # -- new lengths --------------------------------------------------------------------
    changed = False
    for o in outs:
        o.new_length = o.length
        if o.uses is None or (o.is_state and o.buffer is None):
            continue
        T_new = _add(new_n_steps, _Aff(None, o.init_l))
        floor = _Aff(None, o.init_l + 1) if o.is_state else _ONE
        if o.is_state:
            floor = _max(floor, o.buffer.rows_set())
        need = _ZERO if o.lo is None else _sub(T_new, o.lo)
        if need.sym is not None and need.sym is n_steps.sym:
            continue  # rows in proportion to the steps: not worth a circular buffer
        new_len = _new_length(
            need, floor, o.length, _add(n_steps, _Aff(None, o.init_l)), T_new
        )
        if not new_len.same(o.length):
            o.new_length = new_len
            changed = True
    if not changed and not reduce_steps:
        return None

    # -- the new node -------------------------------------------------------------------
    new_inputs = list(node.inputs)
    if reduce_steps:
        new_inputs[0] = _checked_n_steps(node, op, new_n_steps)
    for o in outs:
        if o.new_length.same(o.length):
            continue
        if o.is_state:
            new_inputs[o.in_pos] = o.buffer.rebuild(o.new_length)
        else:
            new_inputs[o.in_pos] = _tensor(o.new_length)
    new_node = op.make_node(*new_inputs)
    new_outs = new_node.outputs

    replacements: dict = {}
    by_k = {o.k: o for o in outs}
    for k, old in enumerate(node.outputs):
        if not fgraph.clients.get(old):
            continue
        o = by_k.get(k)
        if o is None or (not reduce_steps and o.new_length.same(o.length)):
            replacements[old] = new_outs[k]
            continue
        T = _add(n_steps, _Aff(None, o.init_l))
        T_new = _add(new_n_steps, _Aff(None, o.init_l))
        L = _min(o.length, T)
        L_new = _min(o.new_length, T_new)
        for use in o.uses:
            old_var = use.client.outputs[0]
            if use.kind == "shape":
                if use.dim == 0:
                    new_var = _tensor(L)
                else:
                    from aesara.tensor.shape import shape_i_op

                    new_var = shape_i_op(use.dim)(new_outs[k])
            else:
                from aesara.tensor.subtensor import get_idx_list

                entries = list(get_idx_list(use.client.inputs, use.client.op.idx_list))
                if reduce_steps:
                    D = _sub(_sub(T, L), _sub(T_new, L_new))
                    first = _move_normalised(use, L, D, _sub(T, T_new))
                else:
                    first = _move_from_end(use, _sub(L_new, L))
                new_var = new_outs[k][tuple([first] + entries[1:])]
            new_var = _same_type(new_var, old_var)
            if new_var is None:
                return None
            copy_stack_trace(old_var, new_var)
            replacements[old_var] = new_var

    if any(
        a.owner is node
        for a in ancestors([v for v in replacements.values() if v.owner is not None])
    ):
        return None
    replacements["remove"] = [node]
    return replacements


def _new_length(
    need: _Aff, floor: _Aff, length: _Aff, T: _Aff | None, T_new: _Aff | None
) -> _Aff:
    """The new length of a buffer (or trace) of ``length`` rows.

    ``need`` rows are read, the buffer needs at least ``floor`` rows; ``T``
    and ``T_new`` are the old and new numbers of rows of the full trace
    (upper bounds for a while loop; ``None``: unknown).

    The result never makes the output longer than before (an index out of
    range must stay out of range): it is at most ``length`` unless the old
    buffer holds the whole trace (``length >= T``). A constant ``need`` is
    taken as it is (an index far out of range could only make the loop
    allocate the rows its constant names). A circular buffer costs a copy at
    the end (to put the rows back in order), so a buffer is only made
    circular when that halves its length at least.
    """
    if T is not None and _le(T, length):
        if need.sym is None:
            cand = _max(need, floor)
        else:
            cand = _max(_min(need, T_new), floor)
        full = _max(T_new, floor)
    else:
        cand = _min(_max(need, floor), length)
        full = length if T_new is None else _min(length, _max(T_new, floor))
    if _le(full, cand):
        return full
    if cand.sym is None:
        if full.sym is None and 2 * cand.c > full.c:
            return full
        return cand
    from aesara.tensor.basic import switch
    from aesara.tensor.math import le

    return _Aff(
        switch(le(_tensor(cand) * 2, _tensor(full)), _tensor(cand), _tensor(full)),
        0,
        _bound(cand.low, full.low, True),
    )


def _checked_n_steps(node: Apply, op: Scan, new_n_steps: _Aff) -> Variable:
    """The reduced number of steps, failing as the loop would on a short sequence."""
    from aesara.raise_op import Assert
    from aesara.tensor.math import le
    from aesara.tensor.shape import shape_i

    res = _tensor(new_n_steps)
    seqs = op.outer_seqs(node.inputs)
    if not seqs:
        return res
    conds = [le(node.inputs[0], shape_i(s, 0)) for s in seqs]
    return Assert(
        "Scan: a sequence has fewer entries than the number of steps of the loop"
    )(res, *conds)


def _save_mem_while(
    fgraph: FunctionGraph, node: Apply, outs: list[_Out], n_steps: _Aff
) -> dict | None:
    """:func:`save_mem_new_scan` for a while loop: constant indices from the end only."""
    changed = False
    for o in outs:
        o.new_length = o.length
        if o.uses is None or (o.is_state and o.buffer is None):
            continue
        need = 0
        ok = True
        for use in o.uses:
            if use.kind == "shape":
                if use.dim == 0:
                    ok = False
                continue
            if use.kind == "int":
                parts = [use.j]
            else:
                if use.start is None:
                    ok = False
                    break
                parts = [use.start] + ([use.stop] if use.stop is not None else [])
            for p in parts:
                if p.sym is not None or p.c >= 0:
                    ok = False
                    break
                need = max(need, -p.c)
            if not ok:
                break
        if not ok:
            continue
        floor = _Aff(None, o.init_l + 1) if o.is_state else _ONE
        if o.is_state:
            floor = _max(floor, o.buffer.rows_set())
        T_max = _add(n_steps, _Aff(None, o.init_l))
        new_len = _new_length(_Aff(None, need), floor, o.length, T_max, T_max)
        if not new_len.same(o.length):
            o.new_length = new_len
            changed = True
    if not changed:
        return None
    new_inputs = list(node.inputs)
    for o in outs:
        if o.new_length.same(o.length):
            continue
        if o.is_state:
            new_inputs[o.in_pos] = o.buffer.rebuild(o.new_length)
        else:
            new_inputs[o.in_pos] = _tensor(o.new_length)
    new_node = node.op.make_node(*new_inputs)
    new_outs = new_node.outputs
    replacements: dict = {}
    by_k = {o.k: o for o in outs}
    for k, old in enumerate(node.outputs):
        if not fgraph.clients.get(old):
            continue
        o = by_k.get(k)
        if o is None or o.new_length.same(o.length):
            replacements[old] = new_outs[k]
            continue
        for use in o.uses:
            old_var = use.client.outputs[0]
            if use.kind == "shape":
                from aesara.tensor.shape import shape_i_op

                new_var = shape_i_op(use.dim)(new_outs[k])
            else:
                # Constant indices from the end read the same rows of the
                # shorter output.
                new_var = use.client.op(new_outs[k], *use.client.inputs[1:])
            new_var = _same_type(new_var, old_var)
            if new_var is None:
                return None
            copy_stack_trace(old_var, new_var)
            replacements[old_var] = new_var
    replacements["remove"] = [node]
    return replacements


optdb.register(
    "scan_save_mem",
    in2out(save_mem_new_scan, ignore_newtrees=True, name="scan_save_mem"),
    "fast_run",
    "scan",
    position=1.61,
)
