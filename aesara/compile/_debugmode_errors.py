"""The errors :class:`~aesara.compile.debugmode.DebugMode` raises, and
:func:`str_diagnostic`; re-exported by :mod:`aesara.compile.debugmode`."""

from __future__ import annotations

from io import StringIO
from typing import Any

import numpy as np

from aesara.graph.basic import Variable
from aesara.graph.features import BadOptimization as _GraphBadOptimization
from aesara.graph.utils import get_variable_trace_string

__all__ = [
    "BadDestroyMap",
    "BadOptimization",
    "BadThunkOutput",
    "BadViewMap",
    "DebugModeError",
    "InvalidValueError",
    "StochasticOrder",
    "str_diagnostic",
]


def _short_repr(value: Any, limit: int = 400) -> str:
    with np.printoptions(threshold=50, edgeitems=3):
        text = repr(value)
    return text if len(text) <= limit else text[:limit] + " ..."


def _where_created(var: Any) -> str:
    """The user's line that created ``var`` ("" when it was not recorded)."""
    if not isinstance(var, Variable):
        return ""
    text = get_variable_trace_string(var)
    if not text and var.owner is not None:
        for out in var.owner.outputs:
            text = get_variable_trace_string(out)
            if text:
                break
    return text


def _graph_text(var: Any, depth: int = 6) -> str:
    from aesara.printing import debugprint

    try:
        return debugprint(var, depth=depth, print_type=True, file="str")
    except Exception as e:  # noqa: BLE001 - a diagnostic must not fail
        return f"(graph printout failed: {e})"


class DebugModeError(Exception):
    """Base class of the errors :class:`DebugMode` detects."""


class BadThunkOutput(DebugModeError):
    """Two implementations of one node (or two runs of one implementation, with
    output buffers of different layouts) computed different values.

    Attributes
    ----------
    r
        The variable that got two different values.
    thunk1, val1, thunk2, val2
        The names of the two implementations and what each computed.
    inputs_val
        The node's input values.
    """

    def __init__(self, r, thunk1, val1, thunk2, val2, inputs_val=()):
        super().__init__()
        self.r = r
        self.thunk1 = thunk1
        self.val1 = val1
        self.thunk2 = thunk2
        self.val2 = val2
        self.inputs_val = inputs_val

    def offending_op(self):
        """The class of the op whose implementations disagree."""
        return type(self.r.owner.op)

    def __str__(self):
        return self.str_diagnostic()

    def str_diagnostic(self) -> str:
        """A multi-line description: the node, its inputs and both values."""
        node = self.r.owner
        out = StringIO()
        print("BadThunkOutput: two computations of one variable disagree", file=out)
        print(f"  Apply node   : {node}", file=out)
        print(f"  op           : {self.offending_op()}", file=out)
        print(
            f"  output       : {self.r} (output {node.outputs.index(self.r)}, "
            f"type {self.r.type})",
            file=out,
        )
        print(
            f"  output shape : {getattr(self.val1, 'shape', None)} vs "
            f"{getattr(self.val2, 'shape', None)}",
            file=out,
        )
        print(
            f"  output strides: {getattr(self.val1, 'strides', None)} vs "
            f"{getattr(self.val2, 'strides', None)}",
            file=out,
        )
        print(f"  input types  : {[i.type for i in node.inputs]}", file=out)
        print(
            f"  input shapes : {[getattr(v, 'shape', None) for v in self.inputs_val]}",
            file=out,
        )
        print(
            "  input strides: "
            f"{[getattr(v, 'strides', None) for v in self.inputs_val]}",
            file=out,
        )
        shown = [
            v if getattr(v, "size", 1) <= 10 else "not shown" for v in self.inputs_val
        ]
        print(f"  input values : {shown}", file=out)
        print(f"  thunk1       : {self.thunk1}", file=out)
        print(f"  thunk2       : {self.thunk2}", file=out)
        print(str_diagnostic(self.val1, self.val2, None, None), file=out)
        where = _where_created(self.r)
        if where:
            print(where, file=out)
        return out.getvalue()


class BadOptimization(DebugModeError, _GraphBadOptimization):
    """A rewrite replaced a variable by one that computes a different value.

    Attributes
    ----------
    old_r, new_r
        The replaced variable and its replacement.
    old_r_val, new_r_val
        Their values on the function's inputs.
    reason
        The rewrite that made the replacement.
    old_graph, new_graph
        Printouts of both sides, taken when the replacement was made.
    """

    def __init__(
        self,
        old_r,
        new_r=None,
        old_r_val=None,
        new_r_val=None,
        reason=None,
        old_graph="",
        new_graph="",
    ):
        super().__init__()
        self.old_r = old_r
        self.new_r = new_r
        self.old_r_val = old_r_val
        self.new_r_val = new_r_val
        self.reason = reason
        self.old_graph = old_graph
        self.new_graph = new_graph
        # A single string argument is a ready-made message.
        self.full_err = old_r if isinstance(old_r, str) and new_r is None else None

    def __str__(self):
        return self.str_diagnostic()

    def str_diagnostic(self) -> str:
        """A multi-line description: the rewrite, both graphs and both values."""
        if self.full_err is not None:
            return self.full_err
        out = StringIO()
        print(
            f"BadOptimization: the rewrite {self.reason} replaced {self.old_r} by "
            f"{self.new_r}, which computes a different value",
            file=out,
        )
        print(f"  old variable: {self.old_r} (type {self.old_r.type})", file=out)
        print(f"  new variable: {self.new_r} (type {self.new_r.type})", file=out)
        print(f"  rewrite     : {self.reason}", file=out)
        print(str_diagnostic(self.old_r_val, self.new_r_val, None, None), file=out)
        print("  old graph:", file=out)
        print(self.old_graph, file=out)
        print("  new graph:", file=out)
        print(self.new_graph, file=out)
        where = _where_created(self.old_r)
        if where:
            print(where, file=out)
        return out.getvalue()


class BadDestroyMap(DebugModeError):
    """An implementation changed an input its op does not declare destroyed.

    Attributes
    ----------
    node, idx
        The node and the position of the changed input.
    old_val, new_val
        The input's value before and after running the node.
    perform
        Which implementation (``"py"``, ``"c"``, ...) did it.
    """

    def __init__(self, node, idx, old_val, new_val, perform):
        super().__init__()
        self.node = node
        self.idx = idx
        self.old_val = old_val
        self.new_val = new_val
        self.perform = perform

    def __str__(self):
        out = StringIO()
        print(
            f"BadDestroyMap: {self.perform} implementation of {self.node} changed "
            f"input {self.idx}, which its op does not declare destroyed",
            file=out,
        )
        print(f"  node        : {self.node}", file=out)
        print(
            f"  op          : {self.node.op} ({type(self.node.op).__name__})", file=out
        )
        print(f"  destroy_map : {self.node.op.destroy_map}", file=out)
        print(
            f"  changed input: {self.idx} ({self.node.inputs[self.idx]}, type "
            f"{self.node.inputs[self.idx].type})",
            file=out,
        )
        print(f"  value before: {_short_repr(self.old_val)}", file=out)
        print(f"  value after : {_short_repr(self.new_val)}", file=out)
        try:
            old = np.asarray(self.old_val)
            new = np.asarray(self.new_val)
            if old.shape == new.shape and old.dtype.kind in "biufc":
                diff = np.asarray(new != old)
                print(
                    "  first changed positions: "
                    f"{np.transpose(np.nonzero(diff))[:10].tolist()}",
                    file=out,
                )
        except Exception:  # noqa: BLE001 - hints only
            pass
        print(
            "  Hint: declare the input in the op's destroy_map, or work on a copy "
            "(a deficient values_eq() of the input type can also cause this).",
            file=out,
        )
        where = _where_created(self.node.outputs[0])
        if where:
            print(where, file=out)
        return out.getvalue()


class BadViewMap(DebugModeError):
    """An output shares memory with an input (or another output) although the
    op's ``view_map``/``destroy_map`` does not declare it.

    Attributes
    ----------
    node, output_idx, out_storage
        The node, the aliased output's position and value.
    in_alias_idx, out_alias_idx
        The inputs (or the other output) it aliases.
    """

    def __init__(
        self, node, output_idx, out_storage, in_alias_idx=None, out_alias_idx=None
    ):
        super().__init__()
        self.node = node
        self.output_idx = output_idx
        self.out_storage = out_storage
        self.in_alias_idx = in_alias_idx
        self.out_alias_idx = out_alias_idx

    def __str__(self):
        out = StringIO()
        if self.in_alias_idx:
            what = f"input(s) {self.in_alias_idx}"
        else:
            what = f"output {self.out_alias_idx}"
        print(
            f"BadViewMap: output {self.output_idx} of {self.node} shares memory "
            f"with {what} without a declaration in the op's view_map/destroy_map",
            file=out,
        )
        print(f"  node        : {self.node}", file=out)
        print(
            f"  op          : {self.node.op} ({type(self.node.op).__name__})", file=out
        )
        print(f"  view_map    : {self.node.op.view_map}", file=out)
        print(f"  destroy_map : {self.node.op.destroy_map}", file=out)
        print(
            f"  aliased output: {self.output_idx} = {_short_repr(self.out_storage)}",
            file=out,
        )
        if self.in_alias_idx:
            print(f"  aliased to inputs: {self.in_alias_idx}", file=out)
        if self.out_alias_idx is not None:
            print(f"  aliased to output: {self.out_alias_idx}", file=out)
        where = _where_created(self.node.outputs[0])
        if where:
            print(where, file=out)
        return out.getvalue()


class StochasticOrder(DebugModeError):
    """Rewriting the same graph twice made different sequences of changes.

    The usual cause is a rewrite iterating over something ordered by memory
    address (``id()``, hashes of objects, sets of variables).
    """


class InvalidValueError(DebugModeError):
    """A value is not valid for the type of its variable (or not finite when
    ``check_isfinite`` is on).

    A single string argument is used as the whole message.
    """

    def __init__(self, r, v=None, client_node=None, hint="none", specific_hint="none"):
        super().__init__()
        self.r = r
        self.v = v
        self.client_node = client_node
        self.hint = hint
        self.specific_hint = specific_hint
        self.full_err = r if isinstance(r, str) else None

    def __str__(self):
        if self.full_err is not None:
            return self.full_err
        r, v = self.r, self.v
        fields = {"dtype": "N/A", "shape": "N/A", "min": "N/A", "max": "N/A"}
        finite = "N/A"
        try:
            arr = np.asarray(v)
            fields["dtype"] = arr.dtype
            fields["shape"] = arr.shape
            if arr.size and arr.dtype.kind in "biufc":
                fields["min"] = np.min(arr)
                fields["max"] = np.max(arr)
                finite = bool(np.all(np.isfinite(arr)))
        except Exception:  # noqa: BLE001 - hints only
            pass
        producer = r.owner if r.owner is not None else "graph input"
        text = (
            f"InvalidValueError: value of {r} is not valid for its type\n"
            f"  variable      : {r}\n"
            f"  type(variable): {r.type}\n"
            f"  computed by   : {producer}\n"
            f"  type(value)   : {type(v)}\n"
            f"  dtype(value)  : {fields['dtype']}\n"
            f"  shape(value)  : {fields['shape']}\n"
            f"  value         : {_short_repr(v, 200)}\n"
            f"  min(value)    : {fields['min']}\n"
            f"  max(value)    : {fields['max']}\n"
            f"  isfinite      : {finite}\n"
            f"  client_node   : {self.client_node}\n"
            f"  hint          : {self.hint}\n"
            f"  specific_hint : {self.specific_hint}\n"
            f"  context       :\n{_graph_text(r, depth=4)}"
        )
        where = _where_created(r)
        return text + where


def str_diagnostic(expected, value, rtol, atol) -> str:
    """Describe how ``value`` differs from ``expected`` (shapes, dtypes,
    strides, ranges, NaN/Inf counts, absolute and relative differences)."""
    out = StringIO()

    def summary(label, x):
        try:
            arr = np.asarray(x)
            n_inf = int(np.isinf(arr).sum()) if arr.dtype.kind in "fc" else 0
            n_nan = int(np.isnan(arr).sum()) if arr.dtype.kind in "fc" else 0
            lo = arr.min() if arr.size else "N/A"
            hi = arr.max() if arr.size else "N/A"
            strides = getattr(x, "strides", None)
            return (
                f"  {label}: shape {arr.shape}, dtype {arr.dtype}, strides {strides}, "
                f"min {lo}, max {hi}, n_inf {n_inf}, n_nan {n_nan}"
            )
        except Exception:  # noqa: BLE001 - a diagnostic must not fail
            return f"  {label}: {type(x).__name__}"

    print(summary("Expected", expected), file=out)
    print(summary("Value   ", value), file=out)
    print(f"  expected    : {_short_repr(expected)}", file=out)
    print(f"  value       : {_short_repr(value)}", file=out)
    try:
        ov = np.asarray(expected)
        nv = np.asarray(value)
        if ov.shape == nv.shape and ov.dtype.kind in "biufc" and ov.size:
            with np.errstate(all="ignore"):
                absdiff = np.abs(
                    nv.astype(np.complex128 if ov.dtype.kind == "c" else np.float64)
                    - ov.astype(np.complex128 if ov.dtype.kind == "c" else np.float64)
                )
                reldiff = absdiff / np.abs(ov)
            print(
                f"  Max Abs Diff: {np.nanmax(absdiff)}  Mean Abs Diff: "
                f"{np.nanmean(absdiff)}  Median Abs Diff: {np.nanmedian(absdiff)}",
                file=out,
            )
            print(
                f"  Max Rel Diff: {np.nanmax(reldiff)}  Mean Rel Diff: "
                f"{np.nanmean(reldiff)}  Median Rel Diff: {np.nanmedian(reldiff)}",
                file=out,
            )
    except Exception:  # noqa: BLE001 - a diagnostic must not fail
        pass
    default_rtol, default_atol = _default_tolerances(expected, value)
    print(
        f"  rtol, atol: {default_rtol if rtol is None else rtol}, "
        f"{default_atol if atol is None else atol}",
        file=out,
    )
    return out.getvalue()


def _default_tolerances(a, b) -> tuple[float, float]:
    """The (rtol, atol) TensorType.values_eq_approx uses for these values."""
    try:
        from aesara.tensor.type import _default_tolerances as table

        dtypes = [np.asarray(x).dtype.name for x in (a, b)]
        pairs = [table[d] for d in dtypes if d in table]
        if pairs:
            return max(p[0] for p in pairs), max(p[1] for p in pairs)
    except Exception:  # noqa: BLE001 - fall back to float64 tolerances
        pass
    return 1e-5, 1e-8
