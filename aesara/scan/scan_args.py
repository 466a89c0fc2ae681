"""An editable view of a :class:`~aesara.scan.op.Scan` node, sorted by kind.

:class:`ScanArgs` splits the outer inputs, the inner inputs, the inner outputs
and the outer outputs of a Scan node into one list per kind (sequences,
mit_mot, mit_sot, sit_sot, shared states, nit_sot, non-sequences). The lists
can be edited freely (remove a state, add a nit_sot output...); the
properties :attr:`ScanArgs.inner_inputs`, :attr:`ScanArgs.inner_outputs`,
:attr:`ScanArgs.outer_inputs` and :attr:`ScanArgs.info` then give what a new
``Scan`` needs::

    args = ScanArgs.from_node(node)
    ...  # edit args
    new_op = Scan(args.inner_inputs, args.inner_outputs, args.info)
    new_outputs = new_op(*args.outer_inputs, return_list=True)

The field names follow one pattern: ``<side>_<direction>_<kind>``, where the
side is ``outer`` or ``inner``, the direction ``in`` or ``out`` and the kind
one of ``seqs``, ``mit_mot``, ``mit_sot``, ``sit_sot``, ``shared``,
``nit_sot`` or ``non_seqs``. The inner inputs of mit_mot and mit_sot states
(one per tap) and the inner outputs of mit_mot states are lists of lists:
one list per state.
"""

from __future__ import annotations

import copy
from collections import namedtuple
from collections.abc import Callable, Sequence
from typing import Any

from aesara.graph.basic import Variable, graph_inputs
from aesara.scan.op import ScanInfo, ScanMethodsMixin

__all__ = ["FieldInfo", "ScanArgs", "default_filter_scanargs", "safe_index"]


FieldInfo = namedtuple(
    "FieldInfo", ("name", "agg_name", "index", "inner_index", "agg_index")
)
FieldInfo.__doc__ = """Where an element of a :class:`ScanArgs` lives.

``name`` is the field (e.g. ``"inner_in_mit_sot"``), ``agg_name`` the
aggregate list holding it too (``"inner_inputs"``, ``"inner_outputs"``,
``"outer_inputs"`` or ``"outer_outputs"``), ``index`` its position in the
field (the state's position for nested fields), ``inner_index`` its position
in the state's list for nested fields (else ``None``) and ``agg_index`` its
position in the aggregate list.
"""


def safe_index(lst: Sequence[Any], x: Any) -> int | None:
    """The position of ``x`` in ``lst`` (compared by ``==``), or ``None``.

    Parameters
    ----------
    lst
        The list to search.
    x
        The element to find.

    Returns
    -------
    int or None
        The first position holding ``x``.
    """
    for k, v in enumerate(lst):
        if v is x or v == x:
            return k
    return None


def default_filter_scanargs(name: str) -> bool:
    """Whether ``name`` is a field holding variables (``inner_*``/``outer_*``).

    Parameters
    ----------
    name
        A field name of :class:`ScanArgs`.

    Returns
    -------
    bool
        True for the variable fields.
    """
    return name.startswith(("inner_", "outer_"))


# The fields holding variables, in the order of the aggregate lists.
_OUTER_IN = (
    "outer_in_seqs",
    "outer_in_mit_mot",
    "outer_in_mit_sot",
    "outer_in_sit_sot",
    "outer_in_shared",
    "outer_in_nit_sot",
    "outer_in_non_seqs",
)
_INNER_IN = (
    "inner_in_seqs",
    "inner_in_mit_mot",
    "inner_in_mit_sot",
    "inner_in_sit_sot",
    "inner_in_shared",
    "inner_in_non_seqs",
)
_INNER_OUT = (
    "inner_out_mit_mot",
    "inner_out_mit_sot",
    "inner_out_sit_sot",
    "inner_out_nit_sot",
    "inner_out_shared",
)
_OUTER_OUT = (
    "outer_out_mit_mot",
    "outer_out_mit_sot",
    "outer_out_sit_sot",
    "outer_out_nit_sot",
    "outer_out_shared",
)
_AGGREGATES = {
    "outer_inputs": _OUTER_IN,
    "inner_inputs": _INNER_IN,
    "inner_outputs": _INNER_OUT,
    "outer_outputs": _OUTER_OUT,
}
# The names ``get_oinp_iinp_iout_oout_mappings`` gives the four lists.
_MAPPING_NAMES = {
    "outer_inputs": "outer_inp",
    "inner_inputs": "inner_inp",
    "inner_outputs": "inner_out",
    "outer_outputs": "outer_out",
}
_SLICE_FIELDS = (
    "mit_mot_in_slices",
    "mit_sot_in_slices",
    "sit_sot_in_slices",
    "mit_mot_out_slices",
)
# Every field, in the order of the documentation (and of ``field_names``).
_FIELD_ORDER = (
    "n_steps",
    "outer_in_seqs",
    "inner_in_seqs",
    "outer_in_mit_mot",
    "inner_in_mit_mot",
    "mit_mot_in_slices",
    "outer_in_mit_sot",
    "inner_in_mit_sot",
    "mit_sot_in_slices",
    "outer_in_sit_sot",
    "inner_in_sit_sot",
    "sit_sot_in_slices",
    "outer_in_shared",
    "inner_in_shared",
    "outer_in_nit_sot",
    "outer_in_non_seqs",
    "inner_in_non_seqs",
    "outer_out_mit_mot",
    "inner_out_mit_mot",
    "mit_mot_out_slices",
    "outer_out_mit_sot",
    "inner_out_mit_sot",
    "outer_out_sit_sot",
    "inner_out_sit_sot",
    "outer_out_nit_sot",
    "inner_out_nit_sot",
    "outer_out_shared",
    "inner_out_shared",
)


def _aggregate_of(field: str) -> str:
    """``"inner_in_seqs"`` -> ``"inner_inputs"``, ``"outer_out_x"`` -> ``"outer_outputs"``."""
    side, direction = field.split("_")[:2]
    return f"{side}_{'inputs' if direction == 'in' else 'outputs'}"


def _kind_of(field: str) -> str:
    """``"outer_out_sit_sot"`` -> ``"sit_sot"``."""
    return field.split("_", 2)[2]


def _split(seq: Sequence[Any], sizes: Sequence[int]) -> list[list[Any]]:
    out, pos = [], 0
    for n in sizes:
        out.append(list(seq[pos : pos + n]))
        pos += n
    return out


class ScanArgs:
    """The inputs and outputs of a Scan node, one editable list per kind.

    Parameters
    ----------
    outer_inputs
        The node's inputs (``n_steps`` first).
    outer_outputs
        The node's outputs.
    _inner_inputs, _inner_outputs
        The inner graph's inputs and outputs (the condition of a while loop
        last).
    info
        The :class:`~aesara.scan.op.ScanInfo` describing the layout.
    clone
        Work on a copy of the inner graph (new inner inputs), so that edits
        never touch the original node's graph.

    Attributes
    ----------
    n_steps
        The number of steps (the first outer input).
    outer_in_seqs, inner_in_seqs
        Sequences and their step values.
    outer_in_mit_mot, inner_in_mit_mot, mit_mot_in_slices
        mit_mot buffers, their inner inputs (one list per state) and input taps.
    outer_in_mit_sot, inner_in_mit_sot, mit_sot_in_slices
        mit_sot buffers, their inner inputs (one list per state) and taps.
    outer_in_sit_sot, inner_in_sit_sot, sit_sot_in_slices
        sit_sot buffers, their inner inputs and taps (``(-1,)`` each).
    outer_in_shared, inner_in_shared
        Shared (non-tensor) states.
    outer_in_nit_sot
        The lengths of the nit_sot traces.
    outer_in_non_seqs, inner_in_non_seqs
        Non-sequences.
    outer_out_mit_mot, inner_out_mit_mot, mit_mot_out_slices
        mit_mot outputs, their inner outputs (one list per state) and taps.
    outer_out_mit_sot, inner_out_mit_sot
        mit_sot traces and their step values.
    outer_out_sit_sot, inner_out_sit_sot
        sit_sot traces and their step values.
    outer_out_nit_sot, inner_out_nit_sot
        nit_sot traces and their step values.
    outer_out_shared, inner_out_shared
        Final values of the shared states and their updates.
    cond
        ``[condition]`` for a while loop, else ``[]``.
    as_while
        Whether the loop is a while loop.
    """

    default_filter = staticmethod(default_filter_scanargs)
    nested_list_fields = ("inner_in_mit_mot", "inner_in_mit_sot", "inner_out_mit_mot")

    def __init__(
        self,
        outer_inputs: Sequence[Variable],
        outer_outputs: Sequence[Variable],
        _inner_inputs: Sequence[Variable],
        _inner_outputs: Sequence[Variable],
        info: ScanInfo,
        clone: bool | None = True,
    ):
        inner_inputs = list(_inner_inputs)
        inner_outputs = list(_inner_outputs)
        outer_inputs = list(outer_inputs)
        outer_outputs = list(outer_outputs)
        if clone:
            from aesara.scan.utils import reconstruct_graph

            inner_inputs, inner_outputs = reconstruct_graph(
                inner_inputs, inner_outputs, ""
            )
        if len(inner_inputs) != info.n_inner_inputs:
            raise ValueError(
                f"ScanArgs: info describes {info.n_inner_inputs} inner inputs, got "
                f"{len(inner_inputs)}"
            )
        if len(inner_outputs) != info.n_inner_outputs:
            raise ValueError(
                f"ScanArgs: info describes {info.n_inner_outputs} inner outputs, got "
                f"{len(inner_outputs)}"
            )
        if len(outer_inputs) != info.n_outer_inputs:
            raise ValueError(
                f"ScanArgs: info describes {info.n_outer_inputs} outer inputs, got "
                f"{len(outer_inputs)}"
            )
        if len(outer_outputs) != info.n_outer_outputs:
            raise ValueError(
                f"ScanArgs: info describes {info.n_outer_outputs} outer outputs, got "
                f"{len(outer_outputs)}"
            )
        self.as_while = bool(info.as_while)
        if self.as_while:
            self.cond = [inner_outputs[-1]]
            inner_outputs = inner_outputs[:-1]
        else:
            self.cond = []

        n_mm, n_ms, n_ss = info.n_mit_mot, info.n_mit_sot, info.n_sit_sot
        n_sh, n_nit = info.n_shared_outs, info.n_nit_sot
        mm_in_sizes = [len(t) for t in info.mit_mot_in_slices]
        ms_in_sizes = [len(t) for t in info.mit_sot_in_slices]
        mm_out_sizes = [len(t) for t in info.mit_mot_out_slices]

        # -- inputs (outer: n_steps, seqs, mit_mot, mit_sot, sit_sot, shared,
        #    nit_sot lengths, non-seqs; inner: the same without n_steps and
        #    nit_sot, one input per tap) --------------------------------------------
        o_parts = _split(
            outer_inputs,
            [1, info.n_seqs, n_mm, n_ms, n_ss, n_sh, n_nit, info.n_non_seqs],
        )
        i_parts = _split(
            inner_inputs,
            [
                info.n_seqs,
                sum(mm_in_sizes),
                sum(ms_in_sizes),
                n_ss,
                n_sh,
                info.n_non_seqs,
            ],
        )
        self.n_steps = o_parts[0][0]
        self.outer_in_seqs = o_parts[1]
        self.inner_in_seqs = i_parts[0]
        self.outer_in_mit_mot = o_parts[2]
        self.inner_in_mit_mot = _split(i_parts[1], mm_in_sizes)
        self.mit_mot_in_slices = list(info.mit_mot_in_slices)
        self.outer_in_mit_sot = o_parts[3]
        self.inner_in_mit_sot = _split(i_parts[2], ms_in_sizes)
        self.mit_sot_in_slices = list(info.mit_sot_in_slices)
        self.outer_in_sit_sot = o_parts[4]
        self.inner_in_sit_sot = i_parts[3]
        self.sit_sot_in_slices = list(info.sit_sot_in_slices)
        self.outer_in_shared = o_parts[5]
        self.inner_in_shared = i_parts[4]
        self.outer_in_nit_sot = o_parts[6]
        self.outer_in_non_seqs = o_parts[7]
        self.inner_in_non_seqs = i_parts[5]

        # -- outputs (mit_mot, mit_sot, sit_sot, nit_sot, shared) ------------------
        io_parts = _split(inner_outputs, [sum(mm_out_sizes), n_ms, n_ss, n_nit, n_sh])
        oo_parts = _split(outer_outputs, [n_mm, n_ms, n_ss, n_nit, n_sh])
        self.outer_out_mit_mot = oo_parts[0]
        self.inner_out_mit_mot = _split(io_parts[0], mm_out_sizes)
        self.mit_mot_out_slices = list(info.mit_mot_out_slices)
        self.outer_out_mit_sot = oo_parts[1]
        self.inner_out_mit_sot = io_parts[1]
        self.outer_out_sit_sot = oo_parts[2]
        self.inner_out_sit_sot = io_parts[2]
        self.outer_out_nit_sot = oo_parts[3]
        self.inner_out_nit_sot = io_parts[3]
        self.outer_out_shared = oo_parts[4]
        self.inner_out_shared = io_parts[4]

    @staticmethod
    def from_node(node: Any, clone: bool = False) -> ScanArgs:
        """The :class:`ScanArgs` of a Scan ``node``.

        Parameters
        ----------
        node
            An :class:`~aesara.graph.basic.Apply` node of a ``Scan`` op.
        clone
            Work on a copy of the inner graph.

        Returns
        -------
        ScanArgs

        Raises
        ------
        TypeError
            If ``node`` is not a Scan node.
        """
        from aesara.scan.op import Scan

        if not isinstance(getattr(node, "op", None), Scan):
            raise TypeError(f"ScanArgs.from_node: {node} is not a Scan node")
        op = node.op
        return ScanArgs(
            node.inputs,
            node.outputs,
            op.inner_inputs,
            op.inner_outputs,
            op.info,
            clone=clone,
        )

    # -- the aggregate lists ----------------------------------------------------------

    @property
    def inner_inputs(self) -> list[Variable]:
        """The inner inputs in Scan's order."""
        return (
            list(self.inner_in_seqs)
            + [v for taps in self.inner_in_mit_mot for v in taps]
            + [v for taps in self.inner_in_mit_sot for v in taps]
            + list(self.inner_in_sit_sot)
            + list(self.inner_in_shared)
            + list(self.inner_in_non_seqs)
        )

    @property
    def outer_inputs(self) -> list[Variable]:
        """The outer inputs in Scan's order (``n_steps`` first)."""
        return (
            [self.n_steps]
            + list(self.outer_in_seqs)
            + list(self.outer_in_mit_mot)
            + list(self.outer_in_mit_sot)
            + list(self.outer_in_sit_sot)
            + list(self.outer_in_shared)
            + list(self.outer_in_nit_sot)
            + list(self.outer_in_non_seqs)
        )

    @property
    def inner_outputs(self) -> list[Variable]:
        """The inner outputs in Scan's order (the condition last)."""
        return (
            [v for taps in self.inner_out_mit_mot for v in taps]
            + list(self.inner_out_mit_sot)
            + list(self.inner_out_sit_sot)
            + list(self.inner_out_nit_sot)
            + list(self.inner_out_shared)
            + list(self.cond)
        )

    @property
    def outer_outputs(self) -> list[Variable]:
        """The outer outputs in Scan's order."""
        return (
            list(self.outer_out_mit_mot)
            + list(self.outer_out_mit_sot)
            + list(self.outer_out_sit_sot)
            + list(self.outer_out_nit_sot)
            + list(self.outer_out_shared)
        )

    @property
    def inputs(self) -> list[Variable]:
        """The inner inputs (the name :class:`~aesara.scan.op.Scan` uses)."""
        return self.inner_inputs

    @property
    def info(self) -> ScanInfo:
        """The :class:`~aesara.scan.op.ScanInfo` of the current fields."""
        return ScanInfo(
            n_seqs=len(self.outer_in_seqs),
            mit_mot_in_slices=tuple(tuple(t) for t in self.mit_mot_in_slices),
            mit_mot_out_slices=tuple(tuple(t) for t in self.mit_mot_out_slices),
            mit_sot_in_slices=tuple(tuple(t) for t in self.mit_sot_in_slices),
            sit_sot_in_slices=((-1,),) * len(self.inner_in_sit_sot),
            n_nit_sot=len(self.outer_in_nit_sot),
            n_shared_outs=len(self.outer_in_shared),
            n_non_seqs=len(self.inner_in_non_seqs),
            as_while=self.as_while,
        )

    @property
    def n_nit_sot(self) -> int:
        """Number of nit_sot outputs."""
        return len(self.outer_in_nit_sot)

    @property
    def n_mit_mot(self) -> int:
        """Number of mit_mot states."""
        return len(self.outer_in_mit_mot)

    @property
    def var_mappings(self) -> dict[str, dict]:
        """How the four aggregate lists correspond, position by position.

        The mappings of
        :meth:`~aesara.scan.op.ScanMethodsMixin.get_oinp_iinp_iout_oout_mappings`
        (e.g. ``var_mappings["outer_out_from_inner_out"][k]``), computed from
        the current fields.
        """
        return ScanMethodsMixin.get_oinp_iinp_iout_oout_mappings(self)  # type: ignore[arg-type]

    @property
    def field_names(self) -> list[str]:
        """The names of every field (variables, ``n_steps`` and taps)."""
        return list(_FIELD_ORDER)

    # -- looking things up ------------------------------------------------------------

    def _layout(self, agg_name: str) -> list[tuple[str, int, int | None]]:
        """``(field, index, inner_index)`` of each entry of an aggregate list."""
        res: list[tuple[str, int, int | None]] = []
        if agg_name == "outer_inputs":
            res.append(("n_steps", 0, None))
        for field in _AGGREGATES[agg_name]:
            lst = getattr(self, field)
            if field in self.nested_list_fields:
                for k, sub in enumerate(lst):
                    res.extend((field, k, j) for j in range(len(sub)))
            else:
                res.extend((field, k, None) for k in range(len(lst)))
        if agg_name == "inner_outputs":
            res.extend(("cond", k, None) for k in range(len(self.cond)))
        return res

    def find_among_fields(
        self,
        i: Variable,
        field_filter: Callable[[str], bool] = default_filter_scanargs,
    ) -> FieldInfo | None:
        """Where ``i`` is: the first field (in :attr:`field_names` order) holding it.

        Parameters
        ----------
        i
            The variable to find.
        field_filter
            Which fields to search (a predicate on field names; default: the
            ``inner_*`` and ``outer_*`` fields).

        Returns
        -------
        FieldInfo or None
            ``None`` when no field holds ``i``.
        """
        for field in self.field_names:
            if field in _SLICE_FIELDS or field == "n_steps":
                continue
            if not field_filter(field):
                continue
            agg_name = _aggregate_of(field)
            lst = getattr(self, field)
            if field in self.nested_list_fields:
                for k, sub in enumerate(lst):
                    j = safe_index(sub, i)
                    if j is not None:
                        agg_idx = self._agg_index(agg_name, field, k, j)
                        return FieldInfo(field, agg_name, k, j, agg_idx)
            else:
                k = safe_index(lst, i)
                if k is not None:
                    agg_idx = self._agg_index(agg_name, field, k, None)
                    return FieldInfo(field, agg_name, k, None, agg_idx)
        return None

    def _agg_index(self, agg_name: str, field: str, k: int, j: int | None) -> int:
        return self._layout(agg_name).index((field, k, j))

    def get_alt_field(self, var_info: Variable | FieldInfo, alt_prefix: str) -> Any:
        """The entry of another field of the same kind, at the same position.

        For instance, for an element of ``outer_out_sit_sot``,
        ``get_alt_field(v, "inner_out")`` is the corresponding element of
        ``inner_out_sit_sot``.

        Parameters
        ----------
        var_info
            A variable held by a field, or its :class:`FieldInfo`.
        alt_prefix
            ``"inner_in"``, ``"inner_out"``, ``"outer_in"`` or ``"outer_out"``.

        Returns
        -------
        The corresponding entry (a list of variables for the inner inputs of
        mit_mot/mit_sot states and the inner outputs of mit_mot states).

        Raises
        ------
        ValueError
            If the variable is in no field.
        """
        if isinstance(var_info, FieldInfo):
            info = var_info
        else:
            found = self.find_among_fields(var_info)
            if found is None:
                raise ValueError(f"ScanArgs: {var_info} is in none of the fields")
            info = found
        return getattr(self, f"{alt_prefix}_{_kind_of(info.name)}")[info.index]

    def _dependent_positions(self, start: tuple[str, int]) -> set[tuple[str, int]]:
        """Positions ``(aggregate, index)`` linked to ``start``, transitively."""
        maps = self.var_mappings
        layouts = {a: self._layout(a) for a in _AGGREGATES}
        inner_outs = self.inner_outputs
        inner_ins = self.inner_inputs
        found: set[tuple[str, int]] = set()
        todo = [start]
        while todo:
            agg, idx = todo.pop()
            if layouts[agg][idx][0] == "cond":
                continue  # the condition is not a field: never followed
            src = _MAPPING_NAMES[agg]
            linked: list[tuple[str, int]] = []
            for dst_agg, dst in _MAPPING_NAMES.items():
                if dst_agg == agg:
                    continue
                m = maps[f"{dst}_from_{src}"]
                targets = m.get(idx, -1)
                targets = targets if isinstance(targets, list) else [targets]
                linked.extend((dst_agg, t) for t in targets if t >= 0)
            if agg == "inner_inputs":
                v = inner_ins[idx]
                for k, out in enumerate(inner_outs):
                    if layouts["inner_outputs"][k][0] == "cond":
                        continue
                    if v in graph_inputs([out]):
                        linked.append(("inner_outputs", k))
            for pos in linked:
                if pos == start or pos in found:
                    continue
                if pos[0] == "outer_inputs" and pos[1] == 0:
                    continue  # n_steps belongs to every kind
                found.add(pos)
                todo.append(pos)
        return found

    def _position_of(self, i: Variable) -> tuple[str, int]:
        info = self.find_among_fields(i)
        if info is None:
            raise ValueError(f"ScanArgs: {i} is in none of the fields")
        return info.agg_name, info.agg_index

    def _variable_at(self, pos: tuple[str, int]) -> Variable:
        return getattr(self, pos[0])[pos[1]]

    def get_dependent_nodes(
        self, i: Variable, seen: set[Variable] | None = None
    ) -> set[Variable]:
        """The variables that go with ``i``: remove ``i`` and they must go too.

        They are the entries of the same state or kind slot in the other three
        lists (e.g. an outer output's inner output, inner inputs and outer
        input), the inner outputs computed from an inner input, and, in turn,
        what goes with those.

        Parameters
        ----------
        i
            A variable held by a field.
        seen
            Variables to leave out of the result (already handled).

        Returns
        -------
        set of Variable
            Not including ``i`` itself.

        Raises
        ------
        ValueError
            If ``i`` is in no field.
        """
        seen_vars = set(seen or ()) | {i}
        start = self._position_of(i)
        res = set()
        for pos in self._dependent_positions(start):
            v = self._variable_at(pos)
            if v not in seen_vars:
                res.add(v)
        return res

    def _remove_from_fields(
        self,
        i: Variable,
        field_filter: Callable[[str], bool] = default_filter_scanargs,
    ) -> FieldInfo | None:
        info = self.find_among_fields(i, field_filter=field_filter)
        if info is None:
            return None
        self._delete(info)
        return info

    def _delete(self, info: FieldInfo) -> None:
        lst = getattr(self, info.name)
        if info.inner_index is not None:
            del lst[info.index][info.inner_index]
        else:
            del lst[info.index]

    def remove_from_fields(
        self, i: Variable, rm_dependents: bool = True
    ) -> list[tuple[Variable, FieldInfo | None]]:
        """Remove ``i`` (and, by default, what goes with it) from the fields.

        Parameters
        ----------
        i
            A variable held by a field.
        rm_dependents
            Also remove :meth:`get_dependent_nodes` of ``i``.

        Returns
        -------
        list of (Variable, FieldInfo or None)
            Each removed variable and where it was (positions before the
            removal); ``None`` when ``i`` was in no field.

        Notes
        -----
        With ``rm_dependents``, a state that loses its outer input also loses
        its taps (``*_in_slices``, ``mit_mot_out_slices``), so that
        :attr:`info` describes what is left.
        """
        if not rm_dependents:
            return [(i, self._remove_from_fields(i))]
        start = self._position_of(i)
        positions = {start} | self._dependent_positions(start)
        entries = []
        for agg, idx in positions:
            field, k, j = self._layout(agg)[idx]
            entries.append(
                (self._variable_at((agg, idx)), FieldInfo(field, agg, k, j, idx))
            )
        # Delete from the back so the recorded positions stay valid.
        for _, info in sorted(
            entries,
            key=lambda e: (e[1].name, e[1].index, e[1].inner_index or 0),
            reverse=True,
        ):
            self._delete(info)
        # A state whose buffer went loses its taps too (and its emptied lists).
        gone = sorted(
            (
                (_kind_of(info.name), info.index)
                for _, info in entries
                if info.name
                in ("outer_in_mit_mot", "outer_in_mit_sot", "outer_in_sit_sot")
            ),
            reverse=True,
        )
        for kind, j in gone:
            del getattr(self, f"{kind}_in_slices")[j]
            if kind == "mit_mot":
                del self.mit_mot_out_slices[j]
            for field in (f"inner_in_{kind}", f"inner_out_{kind}"):
                if field in self.nested_list_fields and not getattr(self, field)[j]:
                    del getattr(self, field)[j]
        return entries

    # -- copying, merging, printing, comparing --------------------------------------------

    def __copy__(self) -> ScanArgs:
        res = object.__new__(type(self))
        res.__dict__.update(self.__dict__)
        for name, value in self.__dict__.items():
            if name in self.nested_list_fields:
                setattr(res, name, [list(sub) for sub in value])
            elif isinstance(value, list):
                setattr(res, name, list(value))
        return res

    def merge(self, other: ScanArgs) -> ScanArgs:
        """A copy of ``self`` with ``other``'s entries appended to each field.

        ``n_steps`` and the condition are ``self``'s.

        Parameters
        ----------
        other
            The :class:`ScanArgs` to append.

        Returns
        -------
        ScanArgs
        """
        res = copy.copy(self)
        for name in self.field_names:
            if name == "n_steps":
                continue
            theirs = getattr(other, name)
            if name in self.nested_list_fields:
                getattr(res, name).extend(list(sub) for sub in theirs)
            else:
                getattr(res, name).extend(theirs)
        return res

    def __str__(self) -> str:
        lines = [f"\t{name}={getattr(self, name)}" for name in self.field_names]
        if self.cond:
            lines.append(f"\tcond={self.cond}")
        return "ScanArgs(\n" + ",\n".join(lines) + "\n)"

    def __repr__(self) -> str:
        return self.__str__()

    def __eq__(self, other: Any) -> bool:
        if not isinstance(other, type(self)):
            return NotImplemented
        for name in self.field_names:
            a, b = getattr(self, name), getattr(other, name, None)
            if name in _SLICE_FIELDS:
                a = [tuple(t) for t in a]
                b = [tuple(t) for t in b] if b is not None else None
            if not _same_entries(a, b):
                return False
        return self.as_while == other.as_while and _same_entries(self.cond, other.cond)

    __hash__ = None  # type: ignore[assignment]  # mutable


def _same_entries(a: Any, b: Any) -> bool:
    """Equality of (nested) lists of variables, by identity for the variables."""
    if isinstance(a, (list, tuple)) and isinstance(b, (list, tuple)):
        return len(a) == len(b) and all(_same_entries(x, y) for x, y in zip(a, b))
    if isinstance(a, Variable) or isinstance(b, Variable):
        return a is b or (
            isinstance(a, Variable) and isinstance(b, Variable) and bool(a == b)
        )
    return a == b
