"""Helpers for building and rewriting :class:`~aesara.scan.op.Scan` nodes.

* :class:`until`: what a step returns to stop a while loop;
* :func:`safe_new`: a fresh variable of another's type (inner-graph inputs);
* :func:`expand_empty`: a state buffer (initial values and room for the steps);
* :class:`ScanArgs` (in :mod:`aesara.scan.scan_args`, re-exported): a Scan
  node's inputs and outputs by kind, editable, that builds a new node;
* :func:`reconstruct_graph`: a copy of an inner graph with new inputs;
* :func:`scan_can_remove_outs`, :func:`compress_outs`: which outputs of a Scan
  can be dropped, and the inner graph and inputs without them;
* :class:`Validator`: whether variables can be computed without some others;
* :class:`ScanProfileStats`: the profile of a Scan's loop;
* :func:`traverse`: a graph walk used when moving a Scan's inputs.
"""

from __future__ import annotations

import copy
from collections.abc import Sequence
from typing import Any

from aesara.compile.profiling import ProfileStats
from aesara.graph.basic import Constant, Variable, clone_replace, graph_inputs
from aesara.scan.scan_args import (
    FieldInfo,
    ScanArgs,
    default_filter_scanargs,
    safe_index,
)

__all__ = [
    "FieldInfo",
    "InnerFunctionError",
    "ScanArgs",
    "ScanProfileStats",
    "Validator",
    "default_filter_scanargs",
    "safe_index",
    "traverse",
    "compress_outs",
    "expand_empty",
    "forced_replace",
    "reconstruct_graph",
    "safe_new",
    "scan_can_remove_outs",
    "until",
]


class InnerFunctionError(Exception):
    """Raised when the step of a Scan fails; names the step and the loop."""


class until:
    """The condition a scan step returns to end a while loop.

    The loop stops after the first step whose ``condition`` is true; that
    step's outputs are kept.

    Parameters
    ----------
    condition
        A scalar (boolean or number) expression of the step's values.
    """

    def __init__(self, condition: Any):
        from aesara.tensor.basic import as_tensor_variable

        self.condition = as_tensor_variable(condition)
        if self.condition.type.ndim != 0:
            raise TypeError(
                "until: the condition must be a scalar, got "
                f"{self.condition.type} ({self.condition.type.ndim} dimension(s)); "
                "reduce it first, e.g. with .all() or .any()"
            )

    def __repr__(self) -> str:
        return f"until({self.condition})"


def safe_new(x: Variable, tag: str = "", dtype: Any = None) -> Variable:
    """A new variable of ``x``'s type (cast to ``dtype``), named ``x.name + tag``.

    Constants are returned as they are (cast to ``dtype`` when it differs).
    """
    from aesara.tensor.basic import as_tensor_variable, cast

    name = x.name + tag if getattr(x, "name", None) is not None else None
    if isinstance(x, Constant):
        if dtype is not None and getattr(x.type, "dtype", dtype) != dtype:
            new = cast(x, dtype)
            return type(x)(
                new.type, new.type.filter(x.data, allow_downcast=True), x.name
            )
        return x
    try:
        from aesara.scalar.basic import ScalarVariable

        is_scalar = isinstance(x, ScalarVariable)
    except ImportError:  # pragma: no cover
        is_scalar = False
    if not is_scalar:
        try:
            x = as_tensor_variable(x)
        except (TypeError, ValueError):
            pass  # random generators and other non-tensor types
    if dtype is not None and getattr(x.type, "dtype", dtype) != dtype:
        x = cast(x, dtype)
    new = x.type()
    new.name = name
    test_value = getattr(x.tag, "test_value", None)
    if test_value is not None:
        new.tag.test_value = copy.deepcopy(test_value)
    return new


def expand_empty(tensor_var: Variable, size: Any) -> Variable:
    """``tensor_var`` followed by ``size`` uninitialised entries along axis 0."""
    from aesara.tensor.basic import AllocEmpty, as_tensor_variable
    from aesara.tensor.subtensor import set_subtensor

    if isinstance(size, int) and size == 0:
        return tensor_var
    tensor_var = as_tensor_variable(tensor_var)
    shape = [tensor_var.shape[k] for k in range(tensor_var.ndim)]
    new_shape = [shape[0] + size] + shape[1:]
    empty = AllocEmpty(tensor_var.type.dtype)(*new_shape)
    res = set_subtensor(empty[: shape[0]], tensor_var)
    res.tag.nan_guard_mode_check = False
    return res


def forced_replace(out: Variable, x: Variable, y: Variable) -> Variable:
    """``out`` with every sub-expression equal to ``x`` replaced by ``y``."""
    from aesara.graph.basic import clone_replace, equal_computations, io_toposort

    if out is None:
        return None
    matches = []
    for node in io_toposort([], [out]) if out.owner is not None else []:
        for v in node.outputs:
            if equal_computations([v], [x]):
                matches.append(v)
    if equal_computations([out], [x]):
        return y
    if not matches:
        return out
    return clone_replace(out, {m: y for m in matches})


def reconstruct_graph(
    inputs: Sequence[Variable], outputs: Sequence[Variable], tag: str | None = None
) -> tuple[list[Variable], list[Variable]]:
    """A copy of the graph from ``inputs`` to ``outputs`` with new inputs.

    Parameters
    ----------
    inputs
        The graph's inputs; each is replaced by a :func:`safe_new` copy
        (constants are kept).
    outputs
        The graph's outputs.
    tag
        Appended to the names of the new inputs.

    Returns
    -------
    new_inputs, new_outputs
        The new inputs (in the order of ``inputs``) and the copied outputs.
    """
    tag = "" if tag is None else tag
    new_inputs = [safe_new(x, tag) for x in inputs]
    replace = {x: nx for x, nx in zip(inputs, new_inputs) if x is not nx}
    new_outputs = clone_replace(list(outputs), replace=replace)
    return new_inputs, list(new_outputs)


def _output_kind(info: Any, k: int) -> tuple[str, int]:
    """``(kind, index within the kind)`` of outer output ``k`` of a Scan."""
    bounds = (
        ("mit_mot", info.n_mit_mot),
        ("mit_sot", info.n_mit_sot),
        ("sit_sot", info.n_sit_sot),
        ("nit_sot", info.n_nit_sot),
        ("shared", info.n_shared_outs),
    )
    for kind, n in bounds:
        if k < n:
            return kind, k
        k -= n
    raise IndexError("output index out of range")


def scan_can_remove_outs(op: Any, out_idxs: Sequence[int]) -> tuple[list, list]:
    """Which of the outer outputs ``out_idxs`` of a Scan op are not needed.

    An output in ``out_idxs`` is needed when another output (one not in
    ``out_idxs``, the while condition, or a needed one) reads its state in
    the inner graph.

    Parameters
    ----------
    op
        The :class:`~aesara.scan.op.Scan` op.
    out_idxs
        Outer output indices the caller would like to drop.

    Returns
    -------
    required, not_required
        The indices of ``out_idxs`` that must stay, and those that can go.
    """
    maps = op.get_oinp_iinp_iout_oout_mappings()
    ins, outs = op.inner_inputs, op.inner_outputs
    candidates = set(out_idxs)
    kept_inner_outs = [
        outs[j]
        for k in range(op.info.n_outer_outputs)
        if k not in candidates
        for j in maps["inner_out_from_outer_out"][k]
    ]
    if op.info.as_while:
        kept_inner_outs.append(outs[-1])
    required_inputs = set(graph_inputs(kept_inner_outs)) if kept_inner_outs else set()
    state_inputs = {
        k: [ins[j] for j in maps["inner_inp_from_outer_out"][k]] for k in out_idxs
    }
    required = set()
    changed = True
    while changed:
        changed = False
        for k in out_idxs:
            if k in required:
                continue
            if any(v in required_inputs for v in state_inputs[k]):
                required.add(k)
                changed = True
                new_outs = [outs[j] for j in maps["inner_out_from_outer_out"][k]]
                required_inputs |= set(graph_inputs(new_outs))
    return (
        [k for k in out_idxs if k in required],
        [k for k in out_idxs if k not in required],
    )


def compress_outs(op: Any, not_required: Sequence[int], inputs: Sequence[Variable]):
    """The inner graph and outer inputs of a Scan without some of its outputs.

    Dropping an output drops its inner output(s), its state's inner inputs
    and its outer input (buffer, nit_sot length or shared value).

    Parameters
    ----------
    op
        The :class:`~aesara.scan.op.Scan` op.
    not_required
        Outer output indices to drop (see :func:`scan_can_remove_outs`).
    inputs
        The outer inputs of the node.

    Returns
    -------
    inner_inputs, inner_outputs, info, outer_inputs, map_old_new
        What a new ``Scan`` needs, and ``{old outer output index: new index}``
        for the outputs kept.
    """
    n_out = op.info.n_outer_outputs
    args = ScanArgs(
        list(inputs),
        list(range(n_out)),  # the old indices stand in for the outputs
        op.inner_inputs,
        op.inner_outputs,
        op.info,
        clone=False,
    )
    by_kind: dict[str, list[int]] = {}
    for k in not_required:
        kind, j = _output_kind(op.info, k)
        by_kind.setdefault(kind, []).append(j)
    for kind, idxs in by_kind.items():
        for j in sorted(set(idxs), reverse=True):
            del getattr(args, f"outer_out_{kind}")[j]
            del getattr(args, f"inner_out_{kind}")[j]
            if kind != "nit_sot":
                del getattr(args, f"inner_in_{kind}")[j]
            del getattr(args, f"outer_in_{kind}")[j]
            if kind in ("mit_mot", "mit_sot", "sit_sot"):
                del getattr(args, f"{kind}_in_slices")[j]
            if kind == "mit_mot":
                del args.mit_mot_out_slices[j]
    map_old_new = {old: new for new, old in enumerate(args.outer_outputs)}
    return (
        args.inner_inputs,
        args.inner_outputs,
        args.info,
        args.outer_inputs,
        map_old_new,
    )


class Validator:
    """Decide whether variables can be computed without some "invalid" variables.

    Used when moving computations out of a Scan's inner graph: the inner
    inputs that change every step are *invalid* outside the loop, some of
    them have an outer *equivalent* usable instead.

    Parameters
    ----------
    valid
        Variables known to be usable.
    invalid
        Variables that must not be used.
    valid_equivalent
        Maps (invalid) variables to (valid) variables that can stand for them.
    """

    def __init__(
        self,
        valid: Sequence[Variable] | None = None,
        invalid: Sequence[Variable] | None = None,
        valid_equivalent: dict | None = None,
    ):
        valid_equivalent = dict(valid_equivalent or {})
        self.valid = set(valid or ())
        self.invalid = set(invalid or ())
        self.valid_equivalent = valid_equivalent
        self.valid.update(valid_equivalent.values())
        self.invalid.update(valid_equivalent.keys())

    def _answer(self, v: Variable) -> tuple[Variable, bool] | None:
        if v in self.valid:
            return v, True
        if v in self.valid_equivalent:
            return self.valid_equivalent[v], False
        return None

    def check(self, out: Variable) -> tuple[Variable, bool] | None:
        """Whether ``out`` can be computed from valid variables only.

        Returns
        -------
        ``(out, True)`` when ``out`` is valid; ``(equivalent, False)`` when it
        is not but a valid equivalent exists (built here when needed, by
        re-applying ``out``'s ops to the equivalents of its inputs); ``None``
        otherwise. Variables without an owner that are not marked invalid
        count as valid. What was learned is remembered for later calls.
        """
        # Post-order walk without recursion (inner graphs can be deep).
        stack = [(out, False)]
        while stack:
            v, inputs_done = stack.pop()
            if v in self.valid or v in self.invalid:
                continue
            if v.owner is None:
                self.valid.add(v)
                continue
            if not inputs_done:
                stack.append((v, True))
                stack.extend(
                    (i, False)
                    for i in v.owner.inputs
                    if i not in self.valid and i not in self.invalid
                )
                continue
            answers = [self._answer(i) for i in v.owner.inputs]
            if any(a is None for a in answers):
                self.invalid.add(v)
            elif all(is_valid for _, is_valid in answers):
                self.valid.add(v)
            else:
                node = v.owner.clone_with_new_inputs([a for a, _ in answers])
                equivalent = node.outputs[v.owner.outputs.index(v)]
                self.invalid.add(v)
                self.valid.add(equivalent)
                self.valid_equivalent[v] = equivalent
        return self._answer(out)


def traverse(
    out: Variable, x: Variable, x_copy: Variable, d: dict, visited: set | None = None
) -> dict:
    """Walk the graph of ``out`` looking for ``x``; return ``d``.

    Aesara used this to move a Scan's inputs between devices (replacing
    ``x`` by a transfer of ``x_copy``, recorded in ``d``). There is a single
    device here, so there is never anything to record: ``d`` comes back
    unchanged when ``x`` is not in the graph, and reaching ``x`` raises
    ``RuntimeError`` (the move is not supported), as in Aesara.

    Parameters
    ----------
    out
        Where the walk starts.
    x, x_copy
        The variable looked for and its replacement.
    d
        The replacements found so far.
    visited
        Variables already walked (updated in place).
    """
    visited = set() if visited is None else visited
    stack = [out]
    while stack:
        v = stack.pop()
        if v in visited:
            continue
        visited.add(v)
        if v is x or v == x:
            raise RuntimeError(
                f"traverse: moving {x} to another device is not supported"
            )
        if v.owner is not None:
            stack.extend(reversed(v.owner.inputs))
    return d


class ScanProfileStats(ProfileStats):
    """The profile of a Scan's loop (calls, steps, time in the inner VM).

    Parameters
    ----------
    atexit_print
        Print the summary when the process exits.
    name
        The Scan's name, shown in the summary.
    **kwargs
        Initial attribute values, as for :class:`ProfileStats`.
    """

    show_sum = False
    callcount = 0
    nbsteps = 0
    call_time = 0.0

    def __init__(self, atexit_print: bool = True, name: str | None = None, **kwargs):
        super().__init__(atexit_print, **kwargs)
        self.name = name

    def summary_globals(self, file) -> None:
        # The process-wide figures belong to the outer function's profile.
        return None

    def summary_function(self, file) -> None:
        # A Scan that never ran (e.g. replaced by a rewrite) has nothing to say.
        if self.callcount == 0:
            return
        title = "Scan Op profiling" + (f" ({self.name})" if self.name else "")
        print("", file=file)
        print(title, file=file)
        print("=" * len(title), file=file)
        print(f"  Message: {self.message}", file=file)
        print(
            f"  Time in {self.callcount} calls of the op (for a total of "
            f"{self.nbsteps} steps) {self.call_time:.3g}s",
            file=file,
        )
        in_vm = self.vm_call_time
        share = 100.0 * in_vm / self.call_time if self.call_time > 0 else 0.0
        print(
            f"  Total time spent in calling the VM {in_vm:e}s ({share:.3f}%)", file=file
        )
        print(
            f"  Total overhead (computing slices..) {self.call_time - in_vm:e}s "
            f"({100.0 - share if self.call_time > 0 else 100.0:.3f}%)",
            file=file,
        )
        print("", file=file)
