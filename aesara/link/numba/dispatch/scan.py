"""Numba translation of ``Scan``: the loop as one nopython function.

The inner graph, rewritten by the ``NUMBA`` mode as ``aesara.function``
rewrites the reference loop's inner function (its inputs protected from
in-place operations), is written by the same code that writes whole graphs
(:func:`~aesara.link.numba.dispatch.basic.fgraph_to_numba`) and jitted; the
loop around it is generated source following the reference loop,
:meth:`aesara.scan.op.ScanRunner.run`, step for step:

* a sequence is read at the current step (taps on a user's sequence are
  separate, shifted sequences in the graph already; so is ``go_backwards``);
* mit_mot, mit_sot and sit_sot states live in a copy of their outer buffer
  (the buffer itself when the node works in place), read and written at
  ``(step - mintap + tap) % len(buffer)``, so the circular buffers made by
  the save-memory rewrite work unchanged;
* nit_sot outputs get a buffer of their outer length, allocated from the
  first step's value and written at ``step % length``;
* shared states start at their outer value and take the step's new value
  after each step; a random generator the step draws from and returns (what
  ``RandomStream`` builds) is copied once before the first step and drawn
  from in place after that (:func:`owned_generators`), which gives the
  reference loop's draws and final state without a copy per step (other
  inner random variables copy the generator, as their ``perform`` does);
* a while-loop stops after the step whose condition is true; every output
  is then cut to the steps that ran, oldest value first.

The loop takes the node's inputs and then the inner graph's constants
(lifted, so they stay out of the generated source). Entries are copied into
buffers with element loops (a whole-row assignment makes Numba compile its
broadcasting setitem, several seconds per node). The same errors as the
reference loop are raised, as ``ValueError`` with a fixed message (negative
``n_steps``, a sequence shorter than the loop, a state buffer shorter than
its taps, a step changing an output's shape).

A node whose inner graph holds an op without a nopython translation, or a
value Numba cannot represent, is not translated: the whole ``Scan`` runs in
object mode with the backend's single fallback warning, which names the
inner op (``config.numba__fallback="raise"``: an error naming it). Nothing
is deliberately left untranslated.

``Scan`` has no ``__props__``, so the loop function carries its own cache
key (:data:`~aesara.link.numba.dispatch.basic.NODE_CACHE_KEY_ATTR`: the
inner graph's key, the layout, the in-place states and the loop's source),
and graphs with loops are stored in the on-disk cache like any other.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from typing import Any

import numpy as np

from aesara.graph.basic import Apply
from aesara.graph.fg import FunctionGraph
from aesara.link._python_codegen import compile_function_src
from aesara.link.numba.dispatch.basic import (
    GENERATED_MODULE,
    NODE_CACHE_KEY_ATTR,
    NumbaTranslationMissing,
    fgraph_to_numba,
    has_numba_type,
    numba_basic_op,
    numba_funcify,
    numba_njit,
    with_lifted,
)
from aesara.scalar.basic import ScalarType
from aesara.scan.op import Scan

__all__ = ["numba_funcify_Scan"]


@numba_njit
def scan_entry_view(a, j):  # pragma: no cover - compiled by Numba
    """``a[j]`` of a vector as a 0-d view (the inner graph takes 0-d arrays)."""
    return np.lib.stride_tricks.as_strided(a[j:], shape=(), strides=())


@numba_njit
def scan_entry_copy(a, j):  # pragma: no cover - compiled by Numba
    """``a[j]`` of a vector as a new 0-d array.

    State buffers are read this way: a step's value must not change when
    the buffer entry it came from is overwritten (the reference loop reads
    NumPy scalars from a vector, which are copies).
    """
    out = np.empty((), dtype=a.dtype)
    out[()] = a[j]
    return out


@numba_njit
def scan_overlaps(a, b):  # pragma: no cover - compiled by Numba
    """Whether the memory spans of arrays ``a`` and ``b`` intersect."""
    if a.size == 0 or b.size == 0:
        return False
    lo_a = hi_a = a.ctypes.data
    for d in range(a.ndim):
        extent = (a.shape[d] - 1) * a.strides[d]
        if extent < 0:
            lo_a += extent
        else:
            hi_a += extent
    lo_b = hi_b = b.ctypes.data
    for d in range(b.ndim):
        extent = (b.shape[d] - 1) * b.strides[d]
        if extent < 0:
            lo_b += extent
        else:
            hi_b += extent
    return lo_a < hi_b + b.itemsize and lo_b < hi_a + a.itemsize


def _as_int_src(name: str, var) -> str:
    """Source reading the integer held by the outer input ``var``."""
    if isinstance(var.type, ScalarType):
        return f"int({name})"
    return f"int({name}.item())"


def _check_inner_graph(fg: FunctionGraph, op: Scan) -> None:
    """Refuse inner graphs holding values Numba cannot represent."""
    for v in fg.inputs:
        if not has_numba_type(v.type):
            raise NumbaTranslationMissing(
                f"the inner graph of {numba_basic_op(op)} takes {v} of type "
                f"{v.type}, which the Numba backend cannot represent"
            )
    for node in fg.apply_nodes:
        for v in node.outputs:
            if not has_numba_type(v.type):
                err = NumbaTranslationMissing(
                    f"the inner graph of {numba_basic_op(op)} holds "
                    f"{numba_basic_op(node.op)}, whose output of type {v.type} "
                    "the Numba backend cannot represent"
                )
                err.culprit = numba_basic_op(node.op)
                raise err


def owned_generators(op: Scan) -> list[int]:
    """Positions (among the shared states) of generators the loop may draw from in place.

    A shared state that is a random generator, whose new value is the
    generator output of a random variable drawing from the state itself (what
    ``RandomStream`` builds), is copied once before the loop; every later
    value is then the loop's own, so the inner random variable may work in
    place instead of copying the generator at every step. The draws and the
    final state are those of the reference loop.
    """
    from aesara.tensor.random.op import RandomVariable
    from aesara.tensor.random.type import RandomGeneratorType

    owned = []
    pairs = zip(
        op.inner_shared(op.inner_inputs), op.inner_shared_outs(op.inner_outputs)
    )
    for k, (state, new) in enumerate(pairs):
        node = new.owner
        if (
            isinstance(state.type, RandomGeneratorType)
            and node is not None
            and isinstance(node.op, RandomVariable)
            and node.inputs[0] is state
            and node.outputs[0] is new
        ):
            owned.append(k)
    return owned


def rewritten_inner_graph(op: Scan, owned: list[int] = ()) -> FunctionGraph:
    """A copy of ``op``'s inner graph under the ``NUMBA`` mode's rewrites.

    The reference loop runs the inner graph compiled by ``aesara.function``
    (rewritten: fused element-wise loops, in-place operations); this does
    the same for the Numba loop. The inner inputs are protected from in-place
    operations, as a function's are (they are views of the loop's buffers
    and of the outer inputs), except the shared states listed in ``owned``
    (see :func:`owned_generators`).
    """
    from aesara.compile.function.types import std_fgraph
    from aesara.compile.io import In, SymbolicOutput
    from aesara.compile.mode import get_mode

    mutable = {op.inner_shared(list(range(len(op.inner_inputs))))[k] for k in owned}
    fgraph, _ = std_fgraph(
        [In(v, mutable=i in mutable) for i, v in enumerate(op.inner_inputs)],
        [SymbolicOutput(v) for v in op.inner_outputs],
        accept_inplace=True,
    )
    get_mode("NUMBA").optimizer.rewrite(fgraph)
    return fgraph


def _inner_function(op: Scan, owned: list[int]):
    """The jitted inner graph, its constants and its cache key (``None``: not cacheable).

    Raises :class:`NumbaTranslationMissing` when the inner graph cannot be
    compiled in nopython mode.
    """
    inner = rewritten_inner_graph(op, owned)
    _check_inner_graph(inner, op)
    try:
        graph = fgraph_to_numba(inner, fallback="raise", function_name="scan_step")
    except NumbaTranslationMissing as e:
        culprit = getattr(e, "culprit", None) or "an op"
        reason = getattr(e, "reason", None) or str(e)
        err = NumbaTranslationMissing(f"its inner graph holds {culprit}: {reason}")
        err.culprit = culprit
        raise err from e
    return numba_njit(graph.py_fn), graph.constants, graph.key


class _Source:
    """Lines of generated source with an indentation level."""

    def __init__(self):
        self.lines: list[str] = []
        self.depth = 1

        self.counter = 0

    def add(self, line: str) -> None:
        self.lines.append("    " * self.depth + line)

    def fresh(self, stem: str) -> str:
        """A new variable name (one name per type: Numba types each once)."""
        self.counter += 1
        return f"{stem}_{self.counter}"

    def copy_loops(self, dst: str, value: str, ndim: int) -> None:
        """Element loops copying the rank-``ndim`` array ``value`` into ``dst``.

        Assigning a whole row (``buf[i] = value``) makes Numba compile its
        broadcasting setitem, which takes seconds; scalar stores in loops
        compile in a fraction of that.
        """
        if ndim == 0:
            self.add(f"{dst}[()] = {value}[()]")
            return
        idx = []
        for d in range(ndim):
            a = self.fresh("a")
            self.add(f"for {a} in range({value}.shape[{d}]):")
            self.depth += 1
            idx.append(a)
        self.add(f"{dst}[{', '.join(idx)}] = {value}[{', '.join(idx)}]")
        self.depth -= ndim

    def chronological(self, result: str, buf: str, total: str, ndim: int) -> None:
        """``result`` = the last ``total`` entries written to circular ``buf``, oldest first."""
        t = self.fresh("total")
        n = self.fresh("length")
        self.add(f"{t} = {total}")
        self.add(f"{n} = {buf}.shape[0]")
        self.add(f"if {t} <= {n}:")
        self.add(f"    {result} = {buf}[:{t}]")
        self.add("else:")
        self.depth += 1
        shift = self.fresh("shift")
        self.add(f"{shift} = {t} % {n}")
        self.add(f"{result} = np.empty({buf}.shape, {buf}.dtype)")
        j = self.fresh("j")
        self.add(f"for {j} in range({n}):")
        self.depth += 1
        if ndim == 1:
            self.add(f"{result}[{j}] = {buf}[({j} + {shift}) % {n}]")
        else:
            src, dst = self.fresh("src"), self.fresh("dst")
            self.add(f"{src} = {buf}[({j} + {shift}) % {n}]")
            self.add(f"{dst} = {result}[{j}]")
            self.copy_loops(dst, src, ndim - 1)
        self.depth -= 2

    def text(self) -> str:
        return "\n".join(self.lines) + "\n"


def scan_loop_source(
    op: Scan, node: Apply, n_consts: int, owned: list[int] = ()
) -> tuple[str, dict]:
    """The source of the loop of ``node`` and the globals it needs.

    The function is named ``scan_loop``; it takes the node's inputs, then
    ``n_consts`` constants of the inner graph, and returns the node's
    outputs (a tuple when there are several). The generators of the shared
    states listed in ``owned`` are copied before the first step.
    """
    info = op.info
    ins, outs = node.inputs, node.outputs
    n_states = info.n_mit_mot + info.n_mit_sot + info.n_sit_sot
    env: dict[str, Any] = {
        "np": np,
        "__name__": GENERATED_MODULE,
        "entry_view": scan_entry_view,
        "entry_copy": scan_entry_copy,
        "overlaps": scan_overlaps,
    }

    names = ["n_steps_in"] + [f"x{k}" for k in range(1, len(ins))]
    seq_names = op.outer_seqs(names)
    state_names = (
        op.outer_mitmot(names) + op.outer_mitsot(names) + op.outer_sitsot(names)
    )
    shared_names = op.outer_shared(names)
    nit_names = op.outer_nitsot(names)
    non_seq_names = op.outer_non_seqs(names)
    const_names = [f"k{k}" for k in range(n_consts)]

    # Per state: input taps, output taps, mintap.
    layout = []
    for k in range(n_states):
        in_taps = tuple(info.tap_array[k])
        out_taps = tuple(info.mit_mot_out_slices[k]) if k < info.n_mit_mot else (0,)
        layout.append((in_taps, out_taps, min(in_taps) if in_taps else 0))
    inplace = set(op.destroy_map)

    src = _Source()
    src.add(f"n = {_as_int_src('n_steps_in', ins[0])}")
    src.add("if n < 0:")
    src.add("    raise ValueError('Scan: n_steps must be non-negative')")
    for name in seq_names:
        src.add(f"if {name}.shape[0] < n:")
        src.add(
            "    raise ValueError('Scan: a sequence has fewer entries than the "
            "loop has steps')"
        )
    for k, name in enumerate(state_names):
        in_taps, _, mintap = layout[k]
        if k in inplace:
            src.add(f"B{k} = {name}")
        else:
            src.add(f"B{k} = {name}.copy()")
        need = -mintap + (1 if k >= info.n_mit_mot else 0)
        src.add(f"L{k} = B{k}.shape[0]")
        src.add(f"if n > 0 and L{k} < {need}:")
        src.add(
            "    raise ValueError('Scan: a state buffer has fewer entries than "
            "its taps need')"
        )
    for k, (name, var) in enumerate(zip(nit_names, op.outer_nitsot(ins))):
        o = outs[n_states + k]
        env[f"D{k}"] = np.dtype(o.type.dtype).type
        src.add(f"N{k} = {_as_int_src(name, var)}")
        src.add(f"if N{k} < 0:")
        src.add("    raise ValueError('Scan: an output length must be non-negative')")
        # A placeholder of the right type until the first step gives the
        # entries' shape.
        src.add(f"T{k} = np.empty(({', '.join(['0'] * o.type.ndim)},), D{k})")
    for k, name in enumerate(shared_names):
        src.add(f"S{k} = {name}")
        if k in owned:
            from aesara.link.numba.dispatch.random import copy_rng

            env["copy_rng"] = copy_rng
            src.add("if n > 0:")
            src.add(f"    S{k} = copy_rng(S{k})")
    src.add("done = n")

    # The inner graph's arguments, in its input order.
    args = []
    seq_inner = op.inner_seqs(op.inner_inputs)
    for name, v in zip(seq_names, seq_inner):
        args.append(f"entry_view({name}, i)" if v.type.ndim == 0 else f"{name}[i]")
    state_inner = (
        op.inner_mitmot(op.inner_inputs)
        + op.inner_mitsot(op.inner_inputs)
        + op.inner_sitsot(op.inner_inputs)
    )
    pos = 0
    for k in range(n_states):
        in_taps, _, mintap = layout[k]
        for tap in in_taps:
            v = state_inner[pos]
            pos += 1
            idx = f"(i + {tap - mintap}) % L{k}"
            args.append(
                f"entry_copy(B{k}, {idx})" if v.type.ndim == 0 else f"B{k}[{idx}]"
            )
    args.extend(f"S{k}" for k in range(len(shared_names)))
    args.extend(non_seq_names)
    args.extend(const_names)

    src.add("for i in range(n):")
    src.depth += 1
    src.add(f"r = step({', '.join(args)},)")
    r = 0  # position in the inner outputs
    bad_shape = (
        "raise ValueError('Scan: a step returned a value whose shape differs "
        "from the earlier values (or the initial state) of its output')"
    )

    def store(buf: str, index: str, value: str, ndim: int) -> None:
        if ndim == 1:
            src.add(f"{buf}[{index}] = {value}[()]")
        else:
            src.add(f"if {value}.shape != {buf}.shape[1:]:")
            src.add(f"    {bad_shape}")
            row = src.fresh("row")
            src.add(f"{row} = {buf}[{index}]")
            # A step may return a view of the very entry it overwrites
            # (a reversed state, with a one-entry buffer): copy it first,
            # as NumPy's assignment does.
            v = src.fresh("value")
            src.add(f"{v} = {value}")
            src.add(f"if overlaps({v}, {row}):")
            src.add(f"    {v} = {v}.copy()")
            src.copy_loops(row, v, ndim - 1)

    for k in range(n_states):
        _, out_taps, mintap = layout[k]
        ndim = outs[k].type.ndim
        src.add(f"if L{k} > 0:")
        src.depth += 1
        for tap in out_taps:
            store(f"B{k}", f"(i + {tap - mintap}) % L{k}", f"r[{r}]", ndim)
            r += 1
        src.depth -= 1
    for k in range(len(nit_names)):
        o = outs[n_states + k]
        src.add("if i == 0:")
        if o.type.ndim == 1:
            src.add(f"    T{k} = np.empty((N{k},), D{k})")
        else:
            src.add(f"    T{k} = np.empty((N{k},) + r[{r}].shape, D{k})")
        src.add(f"if N{k} > 0:")
        src.depth += 1
        store(f"T{k}", f"i % N{k}", f"r[{r}]", o.type.ndim)
        src.depth -= 1
        r += 1
    for k in range(len(shared_names)):
        src.add(f"S{k} = r[{r}]")
        r += 1
    if info.as_while:
        cond = op.inner_outputs[-1]
        cond_value = f"r[{r}]" if isinstance(cond.type, ScalarType) else f"r[{r}][()]"
        src.add(f"if {cond_value}:")
        src.add("    done = i + 1")
        src.add("    break")
    src.depth -= 1

    results = []
    for k in range(n_states):
        mintap = layout[k][2]
        src.chronological(f"o{k}", f"B{k}", f"done + {-mintap}", outs[k].type.ndim)
        results.append(f"o{k}")
    for k in range(len(nit_names)):
        o = outs[n_states + k]
        # No step ran: the entries' shape is known only statically.
        rest = ", ".join(str(0 if s is None else s) for s in o.type.shape[1:])
        src.add("if n == 0:")
        src.add(f"    T{k} = np.empty((N{k}, {rest}), D{k})")
        src.chronological(f"p{k}", f"T{k}", "done", o.type.ndim)
        results.append(f"p{k}")
    results.extend(f"S{k}" for k in range(len(shared_names)))
    if len(results) == 1:
        src.add(f"return {results[0]}")
    else:
        src.add(f"return ({', '.join(results)},)")

    header = f"def scan_loop({', '.join(names + const_names)}):\n"
    return header + src.text(), env


@numba_funcify.register(Scan)
def numba_funcify_Scan(op: Scan, node: Apply | None = None, **kwargs) -> Callable:
    """A nopython function running the loop of the ``Scan`` node ``node``.

    It takes the node's inputs (then, as lifted values, the inner graph's
    constants) and returns its outputs. Raises
    :class:`NumbaTranslationMissing` when the inner graph cannot be
    compiled in nopython mode.
    """
    if node is None:
        raise NumbaTranslationMissing("Scan needs its node to be translated")
    owned = owned_generators(op)
    step, constants, inner_key = _inner_function(op, owned)
    src, env = scan_loop_source(op, node, len(constants), owned)
    env["step"] = step
    loop = numba_njit(compile_function_src(src, "scan_loop", env))
    if inner_key is not None:
        # What the compiled loop depends on besides the node's input and
        # output types (which the enclosing graph's key holds): the inner
        # graph, the layout and the loop's source (the dtypes in ``env``
        # are the output types').
        h = hashlib.sha256()
        for part in (
            repr(op.info),
            repr(sorted(op.destroy_map.items())),
            inner_key,
            src,
        ):
            h.update(len(part).to_bytes(8, "little"))
            h.update(part.encode())
        setattr(loop, NODE_CACHE_KEY_ATTR, "scan:" + h.hexdigest())
    return with_lifted(loop, list(constants))
