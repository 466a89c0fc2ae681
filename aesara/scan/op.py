"""The :class:`Scan` op: a loop whose body is a graph.

A ``Scan`` node runs its *inner graph* once per step. Its inputs and outputs
follow one layout (the one Aesara documents, which :class:`ScanArgs` users
rely on). With ``n_steps`` first, the outer inputs are::

    n_steps, sequences, mit_mot buffers, mit_sot buffers, sit_sot buffers,
    shared inputs, nit_sot lengths, non-sequences

and the outer outputs::

    mit_mot buffers, mit_sot buffers, sit_sot buffers, nit_sot traces, shared outputs

The inner graph's inputs are the sequences' step values, then one input per
input tap of each mit_mot, mit_sot and sit_sot state, the shared inputs and
the non-sequences; its outputs are one per output tap of each mit_mot, one
per mit_sot, sit_sot and nit_sot, the shared outputs, and last, for a while
loop, the condition to stop (``until``): the loop ends after the first
step where it is true.

*State buffers.* Each mit_mot, mit_sot and sit_sot state lives in a buffer
whose first axis is time: the outer input holds the initial values and room
for the steps. At step ``i`` the state's input taps read positions
``(i - mintap + tap) % length`` (``mintap`` is the state's smallest input tap)
and its output writes position ``(i - mintap) % length`` (a mit_mot writes
``(i - mintap + out_tap) % length``). A buffer shorter than the whole trace is
therefore circular (the memory-saving rewrite makes them); at the end the
output is put back in chronological order, its last ``length`` positions.
A nit_sot trace is allocated at the first step (its outer input is its
length) and indexed the same way with ``mintap = 0``.

The loop itself is :class:`ScanRunner` (Python); the C backend translates a
``Scan`` node to the same loop in C (:mod:`aesara.link.c.ops.scan`).
"""

from __future__ import annotations

import dataclasses
import threading
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from aesara.graph.basic import (
    Apply,
    Variable,
    equal_computations,
)
from aesara.graph.fg import FunctionGraph
from aesara.graph.op import HasInnerGraph, Op
from aesara.tensor.type import TensorType

__all__ = [
    "Scan",
    "ScanInfo",
    "ScanMethodsMixin",
    "ScanRunner",
    "check_broadcast",
    "copy_var_format",
    "profile_printer",
]

# Message templates (``%`` formatting) for a state whose initial value and
# step result disagree; kept under Aesara's names for code that formats them.
#: ``(kind, name, position, dtype, ndim, inner name, inner dtype, inner ndim)``
err_msg1 = (
    "Scan: the inner function's variable does not match its outer value. The "
    "%s %s (argument number %d) has dtype %s and %d dimension(s), while the "
    "inner-function variable %s standing for one step of it has dtype %s and "
    "%d dimension(s); it must have the same dtype and one dimension less (the "
    "first dimension of an initial state counts the past steps used: a step "
    "returning a vector of size d reading the previous step needs an initial "
    "state of shape (1, d)). Add the missing dimension to the initial state, "
    "e.g. with dimshuffle or shape_padleft."
)
#: ``(name, position, initial dtype, step result dtype)``
err_msg2 = (
    "Scan: the initial state (outputs_info) %s (argument number %d) has dtype "
    "%s, but the step function returns dtype %s for it; the step's result was "
    "probably upcast or downcast. Cast one of them so that they agree."
)
#: ``(name, position, initial ndim, step result ndim)``
err_msg3 = (
    "Scan: the initial state (outputs_info) %s (argument number %d) has %d "
    "dimension(s), but the step function returns %d dimension(s) for it (one "
    "less than the initial state is expected: its first dimension counts the "
    "past steps used). Add the missing dimension to the initial state, e.g. "
    "with dimshuffle or shape_padleft."
)


@dataclasses.dataclass(frozen=True)
class ScanInfo:
    """The layout of a :class:`Scan`: how many inputs and outputs of each kind.

    Attributes
    ----------
    n_seqs
        Number of sequences (each read at its current step only; taps on a
        user's sequence become several sequences).
    mit_mot_in_slices, mit_mot_out_slices
        For each mit_mot state, the input taps and the output taps (offsets
        from the step).
    mit_sot_in_slices
        For each mit_sot state, its (negative) input taps.
    sit_sot_in_slices
        For each sit_sot state, ``(-1,)``.
    n_nit_sot, n_shared_outs, n_non_seqs
        Numbers of outputs without taps, of shared (non-sequence) states and
        of non-sequence inputs.
    as_while
        Whether the inner graph's last output is the condition to stop.
    """

    n_seqs: int
    mit_mot_in_slices: tuple
    mit_mot_out_slices: tuple
    mit_sot_in_slices: tuple
    sit_sot_in_slices: tuple
    n_nit_sot: int
    n_shared_outs: int
    n_non_seqs: int
    as_while: bool

    def __post_init__(self):
        norm = lambda s: tuple(tuple(int(t) for t in taps) for taps in s)  # noqa: E731
        for f in (
            "mit_mot_in_slices",
            "mit_mot_out_slices",
            "mit_sot_in_slices",
            "sit_sot_in_slices",
        ):
            object.__setattr__(self, f, norm(getattr(self, f)))
        if len(self.mit_mot_in_slices) != len(self.mit_mot_out_slices):
            raise ValueError(
                "ScanInfo: mit_mot_in_slices and mit_mot_out_slices need one entry "
                f"per mit_mot state, got {len(self.mit_mot_in_slices)} and "
                f"{len(self.mit_mot_out_slices)}"
            )
        for taps in self.mit_sot_in_slices + self.sit_sot_in_slices:
            if not taps or any(t >= 0 for t in taps):
                raise ValueError(
                    f"ScanInfo: the input taps of a state must be negative, got {taps}"
                )

    @property
    def n_mit_mot(self) -> int:
        return len(self.mit_mot_in_slices)

    @property
    def n_mit_mot_outs(self) -> int:
        return sum(len(s) for s in self.mit_mot_out_slices)

    @property
    def n_mit_sot(self) -> int:
        return len(self.mit_sot_in_slices)

    @property
    def n_sit_sot(self) -> int:
        return len(self.sit_sot_in_slices)

    @property
    def tap_array(self) -> tuple:
        return self.mit_mot_in_slices + self.mit_sot_in_slices + self.sit_sot_in_slices

    @property
    def n_inner_inputs(self) -> int:
        return (
            self.n_seqs
            + sum(len(s) for s in self.mit_mot_in_slices)
            + sum(len(s) for s in self.mit_sot_in_slices)
            + self.n_sit_sot
            + self.n_shared_outs
            + self.n_non_seqs
        )

    @property
    def n_inner_outputs(self) -> int:
        return (
            self.n_mit_mot_outs
            + self.n_mit_sot
            + self.n_sit_sot
            + self.n_nit_sot
            + self.n_shared_outs
            + int(self.as_while)
        )

    @property
    def n_outer_inputs(self) -> int:
        return (
            1
            + self.n_seqs
            + self.n_mit_mot
            + self.n_mit_sot
            + self.n_sit_sot
            + self.n_nit_sot
            + self.n_shared_outs
            + self.n_non_seqs
        )

    @property
    def n_outer_outputs(self) -> int:
        return (
            self.n_mit_mot
            + self.n_mit_sot
            + self.n_sit_sot
            + self.n_nit_sot
            + self.n_shared_outs
        )


class ScanMethodsMixin:
    """Slicing of a Scan's input and output lists by kind (needs ``self.info``)."""

    info: ScanInfo

    # -- offsets -------------------------------------------------------------------

    def _n_in_taps(self, upto: int) -> int:
        return sum(len(t) for t in self.info.tap_array[:upto])

    # -- sequences -----------------------------------------------------------------

    def inner_seqs(self, list_inputs):
        return list_inputs[: self.info.n_seqs]

    def outer_seqs(self, list_inputs):
        return list_inputs[1 : 1 + self.info.n_seqs]

    # -- mit_mot -------------------------------------------------------------------

    def inner_mitmot(self, list_inputs):
        i = self.info
        return list_inputs[i.n_seqs : i.n_seqs + self._n_in_taps(i.n_mit_mot)]

    def outer_mitmot(self, list_inputs):
        i = self.info
        return list_inputs[1 + i.n_seqs : 1 + i.n_seqs + i.n_mit_mot]

    def inner_mitmot_outs(self, list_outputs):
        return list_outputs[: self.info.n_mit_mot_outs]

    def outer_mitmot_outs(self, list_outputs):
        return list_outputs[: self.info.n_mit_mot]

    def mitmot_taps(self):
        return self.info.mit_mot_in_slices

    def mitmot_out_taps(self):
        return self.info.mit_mot_out_slices

    # -- mit_sot -------------------------------------------------------------------

    def inner_mitsot(self, list_inputs):
        i = self.info
        start = i.n_seqs + self._n_in_taps(i.n_mit_mot)
        end = i.n_seqs + self._n_in_taps(i.n_mit_mot + i.n_mit_sot)
        return list_inputs[start:end]

    def outer_mitsot(self, list_inputs):
        i = self.info
        start = 1 + i.n_seqs + i.n_mit_mot
        return list_inputs[start : start + i.n_mit_sot]

    def inner_mitsot_outs(self, list_outputs):
        i = self.info
        return list_outputs[i.n_mit_mot_outs : i.n_mit_mot_outs + i.n_mit_sot]

    def outer_mitsot_outs(self, list_outputs):
        i = self.info
        return list_outputs[i.n_mit_mot : i.n_mit_mot + i.n_mit_sot]

    def mitsot_taps(self):
        return self.info.mit_sot_in_slices

    # -- sit_sot -------------------------------------------------------------------

    def inner_sitsot(self, list_inputs):
        i = self.info
        start = i.n_seqs + self._n_in_taps(i.n_mit_mot + i.n_mit_sot)
        return list_inputs[start : start + i.n_sit_sot]

    def outer_sitsot(self, list_inputs):
        i = self.info
        start = 1 + i.n_seqs + i.n_mit_mot + i.n_mit_sot
        return list_inputs[start : start + i.n_sit_sot]

    def inner_sitsot_outs(self, list_outputs):
        i = self.info
        start = i.n_mit_mot_outs + i.n_mit_sot
        return list_outputs[start : start + i.n_sit_sot]

    def outer_sitsot_outs(self, list_outputs):
        i = self.info
        start = i.n_mit_mot + i.n_mit_sot
        return list_outputs[start : start + i.n_sit_sot]

    # -- nit_sot -------------------------------------------------------------------

    def outer_nitsot(self, list_inputs):
        i = self.info
        start = 1 + i.n_seqs + i.n_mit_mot + i.n_mit_sot + i.n_sit_sot + i.n_shared_outs
        return list_inputs[start : start + i.n_nit_sot]

    def inner_nitsot_outs(self, list_outputs):
        i = self.info
        start = i.n_mit_mot_outs + i.n_mit_sot + i.n_sit_sot
        return list_outputs[start : start + i.n_nit_sot]

    def outer_nitsot_outs(self, list_outputs):
        i = self.info
        start = i.n_mit_mot + i.n_mit_sot + i.n_sit_sot
        return list_outputs[start : start + i.n_nit_sot]

    # -- shared --------------------------------------------------------------------

    def inner_shared(self, list_inputs):
        i = self.info
        start = i.n_seqs + self._n_in_taps(i.n_mit_mot + i.n_mit_sot) + i.n_sit_sot
        return list_inputs[start : start + i.n_shared_outs]

    def outer_shared(self, list_inputs):
        i = self.info
        start = 1 + i.n_seqs + i.n_mit_mot + i.n_mit_sot + i.n_sit_sot
        return list_inputs[start : start + i.n_shared_outs]

    def inner_shared_outs(self, list_outputs):
        i = self.info
        start = i.n_mit_mot_outs + i.n_mit_sot + i.n_sit_sot + i.n_nit_sot
        return list_outputs[start : start + i.n_shared_outs]

    def outer_shared_outs(self, list_outputs):
        i = self.info
        start = i.n_mit_mot + i.n_mit_sot + i.n_sit_sot + i.n_nit_sot
        return list_outputs[start : start + i.n_shared_outs]

    # -- non-sequences -------------------------------------------------------------

    def inner_non_seqs(self, list_inputs):
        i = self.info
        start = (
            i.n_seqs
            + self._n_in_taps(i.n_mit_mot + i.n_mit_sot)
            + i.n_sit_sot
            + i.n_shared_outs
        )
        return list_inputs[start:]

    def outer_non_seqs(self, list_inputs):
        i = self.info
        start = (
            1
            + i.n_seqs
            + i.n_mit_mot
            + i.n_mit_sot
            + i.n_sit_sot
            + i.n_nit_sot
            + i.n_shared_outs
        )
        return list_inputs[start:]

    # -- the mapping between the four lists ------------------------------------------

    def get_oinp_iinp_iout_oout_mappings(self) -> dict[str, dict]:
        """How outer inputs, inner inputs, inner outputs and outer outputs correspond.

        Returns a dict of eight mappings (``outer_inp_from_outer_out``,
        ``inner_inp_from_outer_out``, ``inner_out_from_outer_out``,
        ``inner_inp_from_outer_inp``, ``inner_out_from_outer_inp``,
        ``outer_out_from_outer_inp``, ``outer_inp_from_inner_inp``,
        ``outer_out_from_inner_out``...). Outer positions are ints (``-1``:
        none), inner ones are lists (a state has one inner input per tap).
        """
        info = self.info
        # One row per "slot": n_steps, each sequence, each state, each nit_sot,
        # each shared state, each non-sequence.
        outer_in, inner_in, inner_out, outer_out = [0], [[]], [[]], [-1]
        oi, ii, io, oo = 1, 0, 0, 0
        for _ in range(info.n_seqs):
            outer_in.append(oi)
            inner_in.append([ii])
            inner_out.append([])
            outer_out.append(-1)
            oi += 1
            ii += 1
        n_states = info.n_mit_mot + info.n_mit_sot + info.n_sit_sot
        for k in range(n_states):
            n_in = len(info.tap_array[k])
            n_out = len(info.mit_mot_out_slices[k]) if k < info.n_mit_mot else 1
            outer_in.append(oi)
            inner_in.append(list(range(ii, ii + n_in)))
            inner_out.append(list(range(io, io + n_out)))
            outer_out.append(oo)
            oi, ii, io, oo = oi + 1, ii + n_in, io + n_out, oo + 1
        # Shared states come before nit_sot among the outer inputs, after it
        # among the outputs.
        shared_oi = oi
        nit_oi = oi + info.n_shared_outs
        for k in range(info.n_nit_sot):
            outer_in.append(nit_oi + k)
            inner_in.append([])
            inner_out.append([io])
            outer_out.append(oo)
            io, oo = io + 1, oo + 1
        for k in range(info.n_shared_outs):
            outer_in.append(shared_oi + k)
            inner_in.append([ii])
            inner_out.append([io])
            outer_out.append(oo)
            ii, io, oo = ii + 1, io + 1, oo + 1
        oi = nit_oi + info.n_nit_sot
        for _ in range(info.n_non_seqs):
            outer_in.append(oi)
            inner_in.append([ii])
            inner_out.append([])
            outer_out.append(-1)
            oi, ii = oi + 1, ii + 1

        res: dict[str, dict] = {
            k: {}
            for k in (
                "outer_inp_from_outer_out",
                "inner_inp_from_outer_out",
                "inner_out_from_outer_out",
                "inner_inp_from_outer_inp",
                "inner_out_from_outer_inp",
                "outer_out_from_outer_inp",
                "outer_inp_from_inner_inp",
                "inner_out_from_inner_inp",
                "outer_out_from_inner_inp",
                "outer_inp_from_inner_out",
                "inner_inp_from_inner_out",
                "outer_out_from_inner_out",
            )
        }
        for o_in, i_in, i_out, o_out in zip(outer_in, inner_in, inner_out, outer_out):
            if o_out != -1:
                res["outer_inp_from_outer_out"][o_out] = o_in
                res["inner_inp_from_outer_out"][o_out] = i_in
                res["inner_out_from_outer_out"][o_out] = i_out
            if o_in != -1:
                res["inner_inp_from_outer_inp"][o_in] = i_in
                res["inner_out_from_outer_inp"][o_in] = i_out
                res["outer_out_from_outer_inp"][o_in] = o_out
            for k in i_in:
                res["outer_inp_from_inner_inp"][k] = o_in
                res["inner_out_from_inner_inp"][k] = i_out
                res["outer_out_from_inner_inp"][k] = o_out
            for k in i_out:
                res["outer_inp_from_inner_out"][k] = o_in
                res["inner_inp_from_inner_out"][k] = i_in
                res["outer_out_from_inner_out"][k] = o_out
        return res


def _describe_type(t: Any) -> str:
    dtype = getattr(t, "dtype", None)
    ndim = getattr(t, "ndim", None)
    if dtype is None or ndim is None:
        return str(t)
    return f"dtype {dtype} and {ndim} dimension(s)"


class Scan(Op, ScanMethodsMixin, HasInnerGraph):
    """A loop over an inner graph (see the module docstring for the layout).

    Parameters
    ----------
    inputs, outputs
        The inner graph's inputs and outputs, in the layout of ``info``.
    info
        The :class:`ScanInfo`.
    mode
        The mode the inner graph is compiled with (default: the outer
        function's default mode).
    typeConstructor
        Unused (Aesara's GPU hook); accepted for compatibility.
    truncate_gradient
        Number of steps gradients flow back through (``-1``: all).
    name
        Shown when printing.
    profile
        Profile the inner function.
    allow_gc
        Free the inner function's intermediate results after each step.
    strict
        Kept for compatibility (the inner graph must have no free variables
        either way).
    """

    def __init__(
        self,
        inputs: Sequence[Variable],
        outputs: Sequence[Variable],
        info: ScanInfo,
        mode: Any = None,
        typeConstructor: Callable | None = None,
        truncate_gradient: int = -1,
        name: str | None = None,
        as_while: bool | None = None,
        profile: Any = None,
        allow_gc: bool = True,
        strict: bool = True,
    ):
        if not isinstance(info, ScanInfo):
            raise TypeError(f"Scan: info must be a ScanInfo, got {type(info).__name__}")
        if as_while is not None and bool(as_while) != info.as_while:
            raise ValueError("Scan: as_while disagrees with info.as_while")
        inputs, outputs = list(inputs), list(outputs)
        if len(inputs) != info.n_inner_inputs:
            raise ValueError(
                f"Scan: info describes {info.n_inner_inputs} inner inputs, got "
                f"{len(inputs)}"
            )
        if len(outputs) != info.n_inner_outputs:
            raise ValueError(
                f"Scan: info describes {info.n_inner_outputs} inner outputs, got "
                f"{len(outputs)}"
            )
        self.info = info
        self.fgraph = FunctionGraph(inputs, outputs, clone=False)
        # As in Aesara, no mode means the default mode of when the loop is
        # built (a Mode object, which code built on Scan may copy and tag).
        if mode is None:
            from aesara.compile.mode import get_default_mode

            mode = get_default_mode()
        self.mode = mode
        self.typeConstructor = typeConstructor
        self.truncate_gradient = int(truncate_gradient)
        # Unnamed loops print and profile as "scan_fn", as in Aesara.
        self.name = name if name is not None else "scan_fn"
        self.profile = profile
        self.allow_gc = bool(allow_gc) if allow_gc is not None else True
        self.strict = strict
        self.destroy_map: dict[int, list[int]] = {}
        self._check_inner_types()
        self.output_types = self._make_output_types()
        self._maker = None
        self._maker_lock = threading.Lock()
        self._spare_runners: list[ScanRunner] = []

    # -- the inner graph ------------------------------------------------------------

    @property
    def inner_inputs(self) -> list[Variable]:
        return self.fgraph.inputs

    @property
    def inner_outputs(self) -> list[Variable]:
        return self.fgraph.outputs

    @property
    def n_steps_dtype(self):
        return "int64"

    def _check_inner_types(self) -> None:
        """States must come back with the type they went in with."""
        ins, outs = self.inner_inputs, self.inner_outputs
        info = self.info
        # (mit_mot outputs are checked against their buffers in make_node.)
        taps = info.mit_sot_in_slices + info.sit_sot_in_slices
        states = self.inner_mitsot(ins) + self.inner_sitsot(ins)
        new_values = self.inner_mitsot_outs(outs) + self.inner_sitsot_outs(outs)
        for k, out in enumerate(new_values):
            first = sum(len(t) for t in taps[:k])
            _check_state_type(states[first], out, k)
        for k, (i, o) in enumerate(
            zip(self.inner_shared(ins), self.inner_shared_outs(outs))
        ):
            if i.type != o.type and not _same_tensor_kind(i.type, o.type):
                raise TypeError(
                    f"Scan: shared state {k} ({i}) has type {i.type} but its update "
                    f"has type {o.type}"
                )
        if info.as_while:
            cond = outs[-1]
            if getattr(cond.type, "ndim", None) != 0:
                raise TypeError(
                    "Scan: the condition of a while loop (until(...)) must be a "
                    f"scalar, got {cond.type}"
                )

    def _make_output_types(self) -> list:
        info, ins, outs = self.info, self.inner_inputs, self.inner_outputs
        types = []
        mm_outs = self.inner_mitmot_outs(outs)
        mm_ins = self.inner_mitmot(ins)
        p = 0
        for k in range(info.n_mit_mot):
            first_in = mm_ins[sum(len(t) for t in info.mit_mot_in_slices[:k])]
            types.append(_time_type(first_in.type))
            p += len(info.mit_mot_out_slices[k])
        for o in self.inner_mitsot_outs(outs) + self.inner_sitsot_outs(outs):
            types.append(_time_type(o.type))
        for o in self.inner_nitsot_outs(outs):
            types.append(_time_type(o.type))
        for o in self.inner_shared_outs(outs):
            types.append(o.type)
        del mm_outs
        return types

    @property
    def fn(self):
        """The inner graph compiled as a :class:`~aesara.compile.function.types.Function`."""
        return self.get_maker().fn

    @property
    def inner_profile(self):
        """The inner function's profile (``profile=True`` and compiled), else ``None``."""
        if not self.profile or self._maker is None:
            return None
        return self._maker.fn.profile

    def get_maker(self) -> _InnerCompiled:
        """The compiled inner graph (compiled once per op, on first use)."""
        if self._maker is None:
            with self._maker_lock:
                if self._maker is None:
                    self._maker = _InnerCompiled(self)
        return self._maker

    def clone(self) -> Scan:
        res = object.__new__(type(self))
        res.__dict__.update(self.__dict__)
        res.fgraph = self.fgraph.clone()
        res.destroy_map = dict(self.destroy_map)
        res._maker = None
        res._maker_lock = threading.Lock()
        res._spare_runners = []
        return res

    def __getstate__(self):
        state = dict(self.__dict__)
        state["_maker"] = None
        state["_spare_runners"] = []
        del state["_maker_lock"]
        return state

    def __setstate__(self, state):
        self.__dict__.update(state)
        self._maker_lock = threading.Lock()

    # -- identity -------------------------------------------------------------------

    def _key(self) -> tuple:
        return (
            self.info,
            self.truncate_gradient,
            self.name,
            self.allow_gc,
            bool(self.profile),
            tuple(sorted((k, tuple(v)) for k, v in self.destroy_map.items())),
            _mode_key(self.mode),
        )

    def __eq__(self, other: Any) -> bool:
        if self is other:
            return True
        if type(self) is not type(other) or self._key() != other._key():
            return False
        if len(self.inner_inputs) != len(other.inner_inputs):
            return False
        if any(a.type != b.type for a, b in zip(self.inner_inputs, other.inner_inputs)):
            return False
        return equal_computations(
            self.inner_outputs,
            other.inner_outputs,
            self.inner_inputs,
            other.inner_inputs,
        )

    def __hash__(self) -> int:
        return hash(
            (
                type(self),
                self._key(),
                tuple(v.type for v in self.inner_inputs),
                tuple(v.type for v in self.inner_outputs),
            )
        )

    def __str__(self) -> str:
        # Aesara's spelling (``for{cpu,name}``, ``do_while{cpu,name}``, with
        # the in-place outputs), which printed graphs and user code match on.
        kind = "do_while" if self.info.as_while else "for"
        if self.destroy_map:
            n_states = self.info.n_mit_mot + self.info.n_mit_sot + self.info.n_sit_sot
            if sorted(self.destroy_map) == list(range(n_states)):
                return f"{kind}all_inplace,cpu,{self.name}}}"
            outs = "".join(f"{k}," for k in sorted(self.destroy_map))
            return f"{kind}{{inplace{{{outs}}},cpu,{self.name}}}"
        return f"{kind}{{cpu,{self.name}}}"

    # -- Op interface ---------------------------------------------------------------

    def make_node(self, *inputs: Any) -> Apply:
        from aesara.tensor.basic import as_tensor_variable

        info = self.info
        if len(inputs) != info.n_outer_inputs:
            raise ValueError(
                f"{self}: expected {info.n_outer_inputs} inputs (n_steps first), "
                f"got {len(inputs)}"
            )
        inputs = list(inputs)
        n_steps = as_tensor_variable(inputs[0])
        if n_steps.type.ndim != 0 or not n_steps.type.dtype.startswith(("int", "uint")):
            raise TypeError(
                f"Scan: n_steps must be an integer scalar, got {n_steps.type}"
            )
        checked: list[Variable] = [n_steps]
        ins = self.inner_inputs

        def over_time(outer, inner, what, k):
            outer = (
                as_tensor_variable(outer) if not isinstance(outer, Variable) else outer
            )
            it = inner.type
            if not isinstance(outer.type, TensorType):
                raise TypeError(f"Scan: {what} {k} must be a tensor, got {outer.type}")
            if outer.type.dtype != it.dtype or outer.type.ndim != it.ndim + 1:
                raise TypeError(
                    f"Scan: {what} {k} ({outer}) has {_describe_type(outer.type)}; "
                    f"its step value in the inner graph ({inner}) has "
                    f"{_describe_type(it)}, so it needs dtype {it.dtype} and "
                    f"{it.ndim + 1} dimension(s) (time first)"
                )
            return outer

        outer_seqs = self.outer_seqs(inputs)
        for k, (o, i) in enumerate(zip(outer_seqs, self.inner_seqs(ins))):
            checked.append(over_time(o, i, "sequence", k))
        pos = 0
        state_ins = (
            self.inner_mitmot(ins) + self.inner_mitsot(ins) + self.inner_sitsot(ins)
        )
        n_states = info.n_mit_mot + info.n_mit_sot + info.n_sit_sot
        outer_states = inputs[1 + info.n_seqs : 1 + info.n_seqs + n_states]
        for k, (o, taps) in enumerate(zip(outer_states, info.tap_array)):
            checked.append(over_time(o, state_ins[pos], "state buffer", k))
            pos += len(taps)
        for k, (o, i) in enumerate(
            zip(self.outer_shared(inputs), self.inner_shared(ins))
        ):
            checked.append(_filter_same_type(i.type, o, f"shared input {k}"))
        for k, o in enumerate(self.outer_nitsot(inputs)):
            o = as_tensor_variable(o)
            if o.type.ndim != 0 or not o.type.dtype.startswith(("int", "uint")):
                raise TypeError(
                    f"Scan: the length of nit_sot output {k} must be an integer "
                    f"scalar, got {o.type}"
                )
            checked.append(o)
        for k, (o, i) in enumerate(
            zip(self.outer_non_seqs(inputs), self.inner_non_seqs(ins))
        ):
            checked.append(_filter_same_type(i.type, o, f"non-sequence {k}"))
        outputs = [t() for t in self.output_types]
        return Apply(self, checked, outputs)

    def connection_pattern(self, node: Apply) -> list[list[bool]]:
        """Which outer outputs depend on which outer inputs (through the states)."""
        from aesara.scan.differentiation import connection_pattern

        return connection_pattern(self, node)

    def infer_shape(self, fgraph, node, input_shapes):
        from aesara.scan.shapes import infer_scan_shape

        return infer_scan_shape(self, fgraph, node, input_shapes)

    def L_op(self, inputs, outputs, output_grads):
        from aesara.scan.differentiation import scan_lop

        return scan_lop(self, inputs, outputs, output_grads)

    def R_op(self, inputs, eval_points):
        from aesara.scan.differentiation import scan_rop

        return scan_rop(self, inputs, eval_points)

    # -- running --------------------------------------------------------------------

    def make_runner(self, node: Apply) -> ScanRunner:
        """A loop with an inner function of its own (its own storage cells)."""
        return ScanRunner(self, node, self.get_maker().create())

    def make_thunk(self, node, storage_map, compute_map, no_recycling, impl=None):
        runner = self.make_runner(node)
        in_cells = [storage_map[v] for v in node.inputs]
        out_cells = [storage_map[v] for v in node.outputs]
        out_flags = (
            [compute_map[o] for o in node.outputs] if compute_map is not None else []
        )

        def thunk():
            runner.run([c[0] for c in in_cells], out_cells)
            for f in out_flags:
                f[0] = True

        thunk.inputs = in_cells
        thunk.outputs = out_cells
        thunk.lazy = False
        thunk.perform = self.perform
        thunk.runner = runner
        return thunk

    def perform(self, node, inputs, output_storage, params=None) -> None:
        # Outside a linker (constant folding, ``Op.perform`` calls): borrow a
        # spare loop, or make one.
        try:
            runner = self._spare_runners.pop()
        except IndexError:
            runner = self.make_runner(node)
        try:
            runner.run(list(inputs), output_storage)
        finally:
            if len(self._spare_runners) < 4:
                self._spare_runners.append(runner)


def _mode_key(mode: Any) -> Any:
    if mode is None or isinstance(mode, str):
        return mode
    return id(mode)


def _same_tensor_kind(a: Any, b: Any) -> bool:
    return (
        isinstance(a, TensorType)
        and isinstance(b, TensorType)
        and a.dtype == b.dtype
        and a.ndim == b.ndim
    )


def _time_type(t: Any) -> Any:
    """The type of a trace of values of type ``t`` (time as a new first axis)."""
    if isinstance(t, TensorType):
        return t.clone(shape=(None,) + tuple(t.shape))
    raise TypeError(f"Scan: a traced output must be a tensor, got {t}")


def _check_state_type(state: Variable, out: Variable, k: int) -> None:
    st, ot = state.type, out.type
    if not isinstance(ot, TensorType) or not isinstance(st, TensorType):
        if st != ot:
            raise TypeError(f"Scan: state {k} has type {st}, its new value {ot}")
        return
    if st.dtype != ot.dtype or st.ndim != ot.ndim:
        what = "dtype" if st.dtype != ot.dtype else "number of dimensions"
        fix = (
            f"cast the step's result (``out.astype('{st.dtype}')``) or give an initial "
            f"state of dtype {ot.dtype}"
            if st.dtype != ot.dtype
            else "make the initial state have the step result's number of "
            "dimensions (a mit_sot initial value has one more: the taps)"
        )
        raise TypeError(
            f"Scan: the {what} of a recurrent output differs from its initial state "
            f"(outputs_info): output {k} of the step ({out}) has "
            f"{_describe_type(ot)} but its initial state ({state}) has "
            f"{_describe_type(st)}. To fix it, {fix}."
        )


def _filter_same_type(t: Any, v: Any, what: str) -> Variable:
    try:
        return t.filter_variable(v)
    except TypeError as e:
        got = getattr(v, "type", type(v).__name__)
        raise TypeError(f"Scan: {what} must be of type {t}, got {got}") from e


def check_broadcast(v1: Variable, v2: Variable) -> None:
    """Raise ``TypeError`` when ``v1`` and ``v2`` disagree on broadcastable axes.

    ``v1`` is an output of a Scan's step and ``v2`` the initial value given in
    ``outputs_info``; their trailing axes (as many as the smaller number of
    dimensions) must agree on being broadcastable (length fixed to 1). A
    typical cause is a length-1 dimension fixed on one side only. Nothing is
    checked when neither is a tensor.
    """
    if not isinstance(v1.type, TensorType) and not isinstance(v2.type, TensorType):
        return
    n = min(v1.type.ndim, v2.type.ndim)
    if n == 0:
        return
    for k, (b1, b2) in enumerate(
        zip(v1.type.broadcastable[-n:], v2.type.broadcastable[-n:])
    ):
        if b1 != b2:
            # Axes counted from 1, as in Aesara's message.
            a1 = k + n - v1.type.ndim + 1
            a2 = k + n - v2.type.ndim + 1
            raise TypeError(
                f"Scan: the broadcastable pattern of the step's output ({v1.type}) "
                f"does not match the one of outputs_info ({v2.type}): axis {a1} "
                f"of the output is broadcastable={b1!r}, axis {a2} of outputs_info "
                f"is broadcastable={b2!r}. A length-1 dimension is fixed on one "
                "side only; make them agree, e.g. with "
                "aesara.tensor.specify_broadcastable or aesara.tensor.unbroadcast."
            )


def copy_var_format(var: Any, as_var: Variable) -> Any:
    """``var`` converted to ``as_var``'s dtype and type.

    When ``var`` has one more dimension than ``as_var`` (a trace of it over
    steps), its first dimension is kept and the others take ``as_var``'s
    static shape. Objects without a ``dtype`` (non-tensors) come back as they
    are. A ``TypeError`` says when ``var`` cannot take that type.
    """
    if not hasattr(var, "dtype"):
        return var
    out = var
    if out.type.dtype != as_var.type.dtype:
        out = out.astype(as_var.type.dtype)
    if out.type.ndim == as_var.type.ndim:
        return as_var.type.filter_variable(out)
    target = as_var.type.clone(
        shape=tuple(var.type.shape[:1]) + tuple(as_var.type.shape)
    )
    return target.filter_variable(out)


# ---------------------------------------------------------------------------------
# The compiled inner graph and the loop
# ---------------------------------------------------------------------------------


class _InnerCompiled:
    """The inner graph compiled once; :meth:`create` links a copy with its own cells."""

    def __init__(self, op: Scan):
        from aesara.compile.function import function
        from aesara.compile.io import In, Out
        from aesara.compile.mode import get_mode

        mode = get_mode(op.mode)
        if not op.allow_gc:
            # Intermediate results stay allocated between steps (reused).
            try:
                mode = mode.clone(link_kwargs={"allow_gc": False})
            except TypeError:
                pass
        # Random generators carried from step to step may be drawn from in
        # place by the inner graph: the loop gives the first step a copy of
        # the outer generator, and each later step the previous one's.
        rng_ins = set(_generator_state_inputs(op))
        ins = [
            In(v, borrow=True, mutable=i in rng_ins)
            for i, v in enumerate(op.inner_inputs)
        ]
        outs = [Out(v, borrow=True) for v in op.inner_outputs]
        self.fn = function(
            ins,
            outs,
            mode=mode,
            on_unused_input="ignore",
            profile=op.profile or None,
            name="scan_fn" if op.name == "scan_fn" else f"scan_fn{{{op.name}}}",
        )
        self.fn.trust_input = True
        #: Inner input positions of the generator states the inner graph
        #: overwrites (those the loop copies once before the first step).
        self.updated_in_place = frozenset(
            i for i in rng_ins if _is_destroyed(self.fn.maker.fgraph, i)
        )
        self._first_taken = False
        self._lock = threading.Lock()

    def create(self):
        """A Function over the same compiled graph with storage of its own."""
        with self._lock:
            if not self._first_taken:
                self._first_taken = True
                return self.fn
        fn = self.fn.maker.create()
        fn.trust_input = True
        return fn


def _is_destroyed(fgraph: FunctionGraph, i: int) -> bool:
    """Whether some node of ``fgraph`` overwrites its ``i``-th input."""
    var = fgraph.inputs[i]
    has_destroyers = getattr(fgraph, "has_destroyers", None)
    if has_destroyers is not None:
        return bool(has_destroyers([var]))
    # No destroy handler: only nodes declaring it on the input itself.
    return any(
        node.inputs[j] is var
        for node in fgraph.apply_nodes
        for idxs in (node.op.destroy_map or {}).values()
        for j in idxs
    )


def _generator_state_inputs(op: Scan) -> list[int]:
    """Inner input positions of the shared states that are random generators."""
    from aesara.tensor.random.type import RandomType

    info = op.info
    first = info.n_seqs + sum(len(t) for t in info.tap_array)
    return [
        i
        for i in range(first, first + info.n_shared_outs)
        if isinstance(op.inner_inputs[i].type, RandomType)
    ]


class ScanRunner:
    """The loop of one Scan node, running its inner function step by step.

    The C backend builds the same loop in C from the same fields
    (:mod:`aesara.link.c.ops.scan`); this one is the reference.

    Attributes
    ----------
    fn
        The inner function (its own storage cells).
    in_cells, out_cells
        The inner function's input and output cells, in inner-graph order.
    vm
        The inner function's VM (a zero-argument callable running one step).
    states
        For each mit_mot, mit_sot, sit_sot and nit_sot output, a
        :class:`_StateSlot`.
    """

    def __init__(self, op: Scan, node: Apply, fn):
        self.op = op
        self.info = info = op.info
        self.fn = fn
        self.in_cells = list(fn._in_cells)
        self.out_cells = list(fn._out_cells)
        self.vm = fn.vm
        if fn.profile:
            self.vm = _profiled_step(fn)
        n_states = info.n_mit_mot + info.n_mit_sot + info.n_sit_sot
        # Inner input and output positions of each state.
        states: list[_StateSlot] = []
        ii = info.n_seqs
        io = 0
        for k in range(n_states):
            in_taps = info.tap_array[k]
            if k < info.n_mit_mot:
                out_taps = info.mit_mot_out_slices[k]
            else:
                out_taps = (0,)
            mintap = min(in_taps) if in_taps else 0
            states.append(
                _StateSlot(
                    kind="mit_mot" if k < info.n_mit_mot else "state",
                    outer_in=1 + info.n_seqs + k,
                    outer_out=k,
                    in_taps=tuple(in_taps),
                    in_idx=tuple(range(ii, ii + len(in_taps))),
                    out_taps=tuple(out_taps),
                    out_idx=tuple(range(io, io + len(out_taps))),
                    mintap=mintap,
                    dtype=node.outputs[k].type.dtype,
                    static_shape=tuple(node.outputs[k].type.shape[1:]),
                )
            )
            ii += len(in_taps)
            io += len(out_taps)
        nit_outer_in = 1 + info.n_seqs + n_states + info.n_shared_outs
        for k in range(info.n_nit_sot):
            o = n_states + k
            states.append(
                _StateSlot(
                    kind="nit_sot",
                    outer_in=nit_outer_in + k,
                    outer_out=o,
                    in_taps=(),
                    in_idx=(),
                    out_taps=(0,),
                    out_idx=(io,),
                    mintap=0,
                    dtype=node.outputs[o].type.dtype,
                    static_shape=tuple(node.outputs[o].type.shape[1:]),
                )
            )
            io += 1
        self.states = states
        self.shared_in_idx = list(range(ii, ii + info.n_shared_outs))
        self.shared_out_idx = list(range(io, io + info.n_shared_outs))
        self.shared_outer_in = list(
            range(
                1 + info.n_seqs + n_states,
                1 + info.n_seqs + n_states + info.n_shared_outs,
            )
        )
        self.shared_outer_out = list(
            range(
                n_states + info.n_nit_sot,
                n_states + info.n_nit_sot + info.n_shared_outs,
            )
        )
        self.non_seq_in_idx = list(range(ii + info.n_shared_outs, len(self.in_cells)))
        self.non_seq_outer_in = list(
            range(nit_outer_in + info.n_nit_sot, info.n_outer_inputs)
        )
        self.inplace_outs = set(op.destroy_map)
        #: Shared states whose first value is a copy of the outer one (the
        #: inner graph draws from the generator in place).
        updated = op.get_maker().updated_in_place
        self.shared_copied = [i in updated for i in self.shared_in_idx]
        self.name = str(op)

    # -- the loop -------------------------------------------------------------------

    def run(self, inputs: list, output_storage: list) -> None:
        """Run the loop on the outer ``inputs``, filling ``output_storage`` cells."""
        info = self.info
        n_steps = _as_n_steps(inputs[0])
        seqs = inputs[1 : 1 + info.n_seqs]
        for k, s in enumerate(seqs):
            if s.shape[0] < n_steps:
                raise ValueError(
                    f"{self.name}: sequence {k} has {s.shape[0]} entries but the loop "
                    f"runs {n_steps} steps"
                )
        in_cells, out_cells = self.in_cells, self.out_cells
        # Buffers: copies of the outer ones unless the op works in place.
        bufs: list[Any] = []
        for st in self.states:
            if st.kind == "nit_sot":
                length = _as_n_steps(inputs[st.outer_in])
                bufs.append(length)
                continue
            outer = inputs[st.outer_in]
            if st.outer_out in self.inplace_outs:
                buf = outer
            else:
                buf = np.array(outer, copy=True, order="C")
            if (
                buf.shape[0] < -st.mintap + (1 if st.kind != "mit_mot" else 0)
                and n_steps
            ):
                raise ValueError(
                    f"{self.name}: the buffer of state {st.outer_out} has "
                    f"{buf.shape[0]} entries, fewer than its taps need"
                )
            bufs.append(buf)
        # Shared states and non-sequences are read the same every step.
        shared_vals = [inputs[i] for i in self.shared_outer_in]
        for idx, v, copied in zip(self.shared_in_idx, shared_vals, self.shared_copied):
            if copied:
                from aesara.tensor.random.op import copy_generator

                v = copy_generator(v)
            in_cells[idx][0] = v
        for idx, i in zip(self.non_seq_in_idx, self.non_seq_outer_in):
            in_cells[idx][0] = inputs[i]

        vm = self.vm
        steps_done = n_steps
        cond_cell = out_cells[-1] if info.as_while else None
        try:
            for i in range(n_steps):
                for k in range(info.n_seqs):
                    in_cells[k][0] = seqs[k][i]
                for st, buf in zip(self.states, bufs):
                    if st.in_taps:
                        n = buf.shape[0]
                        base = i - st.mintap
                        for tap, idx in zip(st.in_taps, st.in_idx):
                            in_cells[idx][0] = buf[(base + tap) % n]
                vm()
                for s_i, st in enumerate(self.states):
                    if st.kind == "nit_sot" and i == 0:
                        bufs[s_i] = _alloc_trace(
                            bufs[s_i], out_cells[st.out_idx[0]][0], st
                        )
                    buf = bufs[s_i]
                    n = buf.shape[0]
                    if n == 0:
                        continue
                    base = i - st.mintap
                    for tap, idx in zip(st.out_taps, st.out_idx):
                        _store(
                            buf, (base + tap) % n, out_cells[idx][0], st, i, self.name
                        )
                for in_idx, out_idx in zip(self.shared_in_idx, self.shared_out_idx):
                    in_cells[in_idx][0] = out_cells[out_idx][0]
                if cond_cell is not None and bool(np.asarray(cond_cell[0])):
                    steps_done = i + 1
                    break
            # A shared state's final value is the one the last step produced.
            shared_last = [in_cells[idx][0] for idx in self.shared_in_idx]
        finally:
            # Let go of the views into the buffers and the inputs.
            for c in in_cells:
                c[0] = None
            if self.op.allow_gc:
                for c in out_cells:
                    c[0] = None
        for st, buf in zip(self.states, bufs):
            if st.kind == "nit_sot":
                if not isinstance(buf, np.ndarray):
                    buf = _empty_trace(buf, st)
                total = steps_done
            else:
                total = steps_done - st.mintap
            output_storage[st.outer_out][0] = _chronological(buf, total)
        for o, v in zip(self.shared_outer_out, shared_last):
            output_storage[o][0] = v


def _profiled_step(fn) -> Callable[[], None]:
    """``fn``'s VM, counting each step as a call in ``fn.profile``."""
    import time

    vm, profile = fn.vm, fn.profile
    update = getattr(vm, "update_profile", None)

    def step() -> None:
        t0 = time.perf_counter()
        vm()
        dt = time.perf_counter() - t0
        profile.fct_callcount += 1
        profile.fct_call_time += dt
        profile.vm_call_time += dt
        if update is not None:
            update(profile)

    return step


def _as_n_steps(v: Any) -> int:
    n = int(v)
    if n < 0:
        raise ValueError(f"Scan: n_steps must be non-negative, got {n}")
    return n


@dataclasses.dataclass(frozen=True)
class _StateSlot:
    kind: str  # "mit_mot", "state" (mit_sot/sit_sot) or "nit_sot"
    outer_in: int
    outer_out: int
    in_taps: tuple
    in_idx: tuple
    out_taps: tuple
    out_idx: tuple
    mintap: int
    dtype: str
    static_shape: tuple


def _alloc_trace(length: int, first: Any, st: _StateSlot) -> np.ndarray:
    return np.empty((length,) + np.shape(first), dtype=st.dtype)


def _empty_trace(length: int, st: _StateSlot) -> np.ndarray:
    # No step ran: the shape of a step's value is known only statically.
    shape = tuple(0 if s is None else s for s in st.static_shape)
    return np.empty((length,) + shape, dtype=st.dtype)


def _store(buf: np.ndarray, pos: int, value: Any, st: _StateSlot, step: int, name: str):
    value = np.asarray(value)
    if value.shape != buf.shape[1:]:
        raise ValueError(
            f"{name}: at step {step}, output {st.outer_out} has shape {value.shape} "
            f"but the earlier values (or the initial state) have shape "
            f"{buf.shape[1:]}; every step must return the same shape"
        )
    buf[pos] = value


def _chronological(buf: np.ndarray, total: int) -> np.ndarray:
    """The buffer's last ``total`` positions written, oldest first."""
    n = buf.shape[0]
    if total <= n:
        return buf if total == n else buf[:total]
    shift = total % n
    if shift == 0:
        return buf
    return np.concatenate([buf[shift:], buf[:shift]])


def profile_printer(
    message: Any,
    compile_time: float,
    fct_call_time: float,
    apply_time: dict,
    apply_cimpl: dict,
    outputs_size: dict,
    file: Any,
) -> None:
    """Print the overhead of each profiled Scan node (a profiler printer).

    Registered with :func:`aesara.compile.profiling.register_profiler_printer`,
    so a profile summary of a function holding Scan nodes that ran ends with,
    per node: the node's time, its inner function's time, the time of the
    inner function's nodes, and those two as shares of the node's time. An
    inner function is only profiled with ``aesara.scan(..., profile=True)``
    (or ``config.profile``).
    """
    scans = [
        (node, t)
        for (_, node), t in apply_time.items()
        if isinstance(getattr(node, "op", None), Scan) and t > 0
    ]
    if not scans:
        return
    print("", file=file)
    print("Scan overhead:", file=file)
    print(
        "<Scan op time(s)> <sub scan fct time(s)> <sub scan op time(s)> "
        "<sub scan fct time(% scan op time)> <sub scan op time(% scan op time)> "
        "<node>",
        file=file,
    )
    total = total_fct = total_ops = 0.0
    for node, t in scans:
        inner = node.op.inner_profile
        if inner is None:
            print(
                "  A Scan node's inner function was not profiled: pass "
                "profile=True to aesara.scan (or set config.profile) to see it.",
                file=file,
            )
            continue
        fct = inner.fct_call_time
        ops = sum(inner.apply_time.values())
        total, total_fct, total_ops = total + t, total_fct + fct, total_ops + ops
        print(
            f"      {t:5.1f}s  {fct:5.1f}s  {ops:5.1f}s  {fct / t * 100:5.1f}%  "
            f"{ops / t * 100:5.1f}%",
            node,
            file=file,
        )
    if total == 0:
        print("  No Scan node has its inner function profiled.", file=file)
    else:
        print(
            f"total {total:5.1f}s  {total_fct:5.1f}s  {total_ops:5.1f}s  "
            f"{total_fct / total * 100:5.1f}%  {total_ops / total * 100:5.1f}%",
            file=file,
        )


from aesara.compile.profiling import register_profiler_printer  # noqa: E402

register_profiler_printer(profile_printer)
