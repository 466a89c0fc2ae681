"""The value checks of :class:`~aesara.compile.debugmode.DebugMode`: validity,
destroyed and viewed inputs, aliasing, rewrite soundness and pre-allocated
output layouts; re-exported by :mod:`aesara.compile.debugmode`."""

from __future__ import annotations

import copy
import itertools
import logging
import re

import numpy as np

from aesara.compile._debugmode_errors import (
    BadDestroyMap,
    BadOptimization,
    BadThunkOutput,
    BadViewMap,
    InvalidValueError,
)
from aesara.compile.nanguardmode import _holds_arbitrary_values
from aesara.configdefaults import config
from aesara.link.utils import raise_with_op

__all__ = [
    "PREALLOC_MODES",
    "DataDestroyed",
    "check_eq",
    "data_destroyed",
    "validity_hint",
]

_logger = logging.getLogger("aesara.compile.debugmode")

PREALLOC_MODES = (
    "initial",
    "previous",
    "c_contiguous",
    "f_contiguous",
    "strided",
    "wrong_size",
)
"""The pre-allocated output layouts DebugMode knows (``"ALL"`` selects them all)."""


class DataDestroyed:
    """Marks, in a storage cell, a value that an in-place op has destroyed."""

    def __repr__(self):
        return "<data destroyed>"


data_destroyed = DataDestroyed()


def check_eq(var, val1, val2) -> bool:
    """Whether ``val1`` and ``val2`` are (approximately) equal values of ``var``.

    ``var.tag.values_eq_approx``, when set, decides; the contents of
    uninitialised memory (``AllocEmpty``) always compare equal.
    """
    approx = getattr(var.tag, "values_eq_approx", None)
    if approx is not None:
        return bool(approx(val1, val2))
    if _holds_arbitrary_values(var):
        return True
    return bool(var.type.values_eq_approx(val1, val2))


def validity_hint(type, x) -> str:
    """Why ``x`` is not a valid value of ``type`` (the filter's message)."""
    try:
        type.filter(x, strict=True)
    except Exception as e:  # noqa: BLE001 - the message is the point
        return str(e)
    return "value is valid"


def _lessbroken_deepcopy(a):
    """A copy of ``a`` sharing no memory with it.

    NumPy arrays keep their memory layout (and 0-d arrays stay arrays, which
    ``copy.deepcopy`` does not guarantee for every array subclass).
    """
    if isinstance(a, np.ndarray):
        rval = a.copy(order="K")
    elif a is None or isinstance(a, (int, float, complex, str, bool, slice)):
        rval = a
    else:
        rval = copy.deepcopy(a)
    if type(rval) is not type(a):
        raise TypeError(
            f"copying a {type(a).__name__} value gave a {type(rval).__name__}"
        )
    return rval


def _not_finite(value) -> bool:
    """Whether ``value`` is a float/complex array or scalar holding NaN or Inf."""
    if isinstance(value, (np.ndarray, np.generic, float, complex)):
        arr = np.asarray(value)
        if arr.dtype.kind in "fc" and arr.size:
            return not bool(np.all(np.isfinite(arr)))
    return False


def _is_used_in_graph(fgraph, var) -> bool:
    """Whether a node of ``fgraph`` reads ``var`` (not only the graph outputs)."""
    clients = fgraph.clients.get(var, ())
    return any(client != "output" for client, _ in clients)


def _check_strides_match(a, b, warn_err, op) -> None:
    """Compare the strides of two results: ``warn_err`` 0 ignore, 1 warn, 2 raise."""
    if warn_err == 0:
        return
    try:
        same = a.strides == b.strides
    except AttributeError:
        return
    if not same:
        e = TypeError(
            f"Stride mismatch between implementations of {op}: shapes {a.shape} and "
            f"{b.shape}, strides {a.strides} and {b.strides}"
        )
        if warn_err == 2:
            raise e
        _logger.warning(str(e))


def _check_inputs(
    node,
    storage_map,
    r_vals,
    dr_vals,
    active_nodes,
    clobber_dr_vals=True,
    perform=None,
    warn_input_not_reused=True,
):
    """Check the inputs of ``node`` after one of its implementations ran.

    Raises :class:`BadDestroyMap` when an input the op does not declare
    destroyed changed; records in ``dr_vals`` the value a destroyed input
    ended up with (when ``node`` is in ``active_nodes``); logs declared
    in-place outputs that did not reuse their input's memory.

    Returns the outputs that really alias an input.
    """
    op = node.op
    destroyed = {i for idxs in op.destroy_map.values() for i in idxs}
    in_place_outputs = []
    for kind, mapping in (("destroyed", op.destroy_map), ("viewed", op.view_map)):
        for o, idxs in mapping.items():
            out = node.outputs[o]
            out_val = storage_map[out][0]
            in_val = storage_map[node.inputs[idxs[0]]][0]
            may_share = getattr(out.type, "may_share_memory", None)
            if may_share is not None and may_share(out_val, in_val):
                in_place_outputs.append(out)
            elif warn_input_not_reused and getattr(out_val, "size", 2) > 1:
                _logger.warning(
                    f"Optimization Warning: input {idxs[0]} of node '{node}' is "
                    f"declared {kind} by output {o}, but the {perform} "
                    "implementation allocated new memory instead"
                )
    for i, r in enumerate(node.inputs):
        after = storage_map[r][0]
        if after is data_destroyed:
            continue
        if r.type.values_eq(r_vals[r], after):
            continue
        if i in destroyed:
            if node in active_nodes and clobber_dr_vals:
                dr_vals[r] = (after, node)
            continue
        raise BadDestroyMap(node, i, r_vals[r], after, perform)
    return in_place_outputs


def _check_viewmap(fgraph, node, storage_map) -> None:
    """Raise :class:`BadViewMap` for undeclared aliasing among ``node``'s values.

    An output may share memory with input ``i`` only when ``view_map`` or
    ``destroy_map`` maps it to ``[i]``; two outputs that are both used by the
    graph must not share memory.
    """
    op = node.op
    for oi, out in enumerate(node.outputs):
        out_val = storage_map[out][0]
        may_share = getattr(out.type, "may_share_memory", None)
        if may_share is None or out_val is None:
            continue
        declared = {tuple(op.view_map.get(oi, ())), tuple(op.destroy_map.get(oi, ()))}
        bad = []
        aliased_to_input = False
        for ii, inp in enumerate(node.inputs):
            in_val = storage_map[inp][0]
            if in_val is data_destroyed or in_val is None:
                continue
            if may_share(out_val, in_val):
                aliased_to_input = True
                if (ii,) not in declared:
                    bad.append(ii)
        if bad:
            raise BadViewMap(node, oi, out_val, in_alias_idx=bad)
        if aliased_to_input or (
            fgraph is not None and not _is_used_in_graph(fgraph, out)
        ):
            continue
        for other_oi, other in enumerate(node.outputs):
            if other_oi == oi:
                continue
            if fgraph is not None and not _is_used_in_graph(fgraph, other):
                continue
            if may_share(out_val, storage_map[other][0]):
                raise BadViewMap(node, oi, out_val, out_alias_idx=other_oi)


def _find_bad_optimizations(order, reasons, r_vals) -> None:
    """Raise :class:`BadOptimization` for the first replacement (in ``order``)
    whose value differs from the value of the variable it replaced."""
    for node in order:
        for new_r in node.outputs:
            for reason, r, old_graph, new_graph in reasons.get(new_r, ()):
                if new_r not in r_vals or r not in r_vals:
                    continue
                new_val = r_vals[new_r]
                old_val = r_vals[r]
                approx = getattr(new_r.tag, "values_eq_approx", None)
                if approx is not None:
                    same = approx(old_val, new_val)
                elif _holds_arbitrary_values(r) or _holds_arbitrary_values(new_r):
                    same = True
                else:
                    same = r.type.values_eq_approx(old_val, new_val)
                if not same:
                    raise BadOptimization(
                        old_r=r,
                        new_r=new_r,
                        old_r_val=old_val,
                        new_r_val=new_val,
                        reason=reason,
                        old_graph=old_graph,
                        new_graph=new_graph,
                    )


# ---------------------------------------------------------------------------
# Pre-allocated outputs
# ---------------------------------------------------------------------------


def _fill(buf, def_val):
    buf[...] = np.asarray(def_val).astype(buf.dtype)
    return buf


def _get_preallocated_maps(
    node,
    thunk,
    prealloc_modes,
    def_val,
    storage_map,
    r_vals,
    dr_vals,
    perform,
    active_order_set,
    inplace_outs,
    init_outputs,
):
    """Yield ``(name, {output: buffer})`` for each pre-allocated layout to try.

    Outputs that work in place are left out; buffers are filled with
    ``def_val`` so that an implementation reading them shows.
    """
    from aesara.tensor.type import TensorType

    considered = [r for r in node.outputs if r not in inplace_outs]
    tensors = [
        r
        for r in considered
        if isinstance(r.type, TensorType) and isinstance(r_vals.get(r), np.ndarray)
    ]
    every = "ALL" in prealloc_modes

    if every or "initial" in prealloc_modes:
        initial = {r: init_outputs[r] for r in considered if r in init_outputs}
        if initial:
            yield "initial", initial

    if every or "previous" in prealloc_modes:
        previous = {r: _fill(_lessbroken_deepcopy(r_vals[r]), def_val) for r in tensors}
        if previous:
            yield "previous", previous

    if every or "c_contiguous" in prealloc_modes:
        c_bufs = {
            r: _fill(np.empty(r_vals[r].shape, dtype=r.type.dtype, order="C"), def_val)
            for r in tensors
        }
        if c_bufs:
            yield "c_contiguous", c_bufs

    if every or "f_contiguous" in prealloc_modes:
        f_bufs = {
            r: _fill(np.empty(r_vals[r].shape, dtype=r.type.dtype, order="F"), def_val)
            for r in tensors
        }
        if f_bufs:
            yield "f_contiguous", f_bufs

    if not tensors:
        return
    max_ndim = max(r.type.ndim for r in tensors)
    # Per dimension (aligned on the innermost one): 1 when every output has
    # static length 1 there (nothing to vary), else None.
    out_shape = [1] * max_ndim
    for r in tensors:
        for k, s in enumerate(reversed(r.type.shape)):
            if s != 1:
                out_shape[max_ndim - 1 - k] = None

    if every or "strided" in prealloc_modes:
        check_ndim = config.DebugMode__check_preallocated_output_ndim
        outer = out_shape[: max(max_ndim - check_ndim, 0)]
        inner = out_shape[max(max_ndim - check_ndim, 0) :]
        # Twice the length in every dimension that may vary, so that views
        # with steps of 2 (and -2) fit.
        big = {}
        for r in tensors:
            shape = r_vals[r].shape
            offset = max_ndim - r.type.ndim
            big_shape = [
                s if out_shape[offset + k] == 1 else 2 * s for k, s in enumerate(shape)
            ]
            big[r] = np.empty(big_shape, dtype=r.type.dtype)
        sign_choices = [(1,) if s == 1 else (-1, 1) for s in inner]
        outer_signs = (1,) if all(s == 1 for s in outer) else (-1, 1)
        for outer_sign in outer_signs:
            for signs in itertools.product(*sign_choices):
                for step in (1, 2):
                    steps = [outer_sign] * len(outer) + [s * step for s in signs]
                    strided = {}
                    for r in tensors:
                        shape = r_vals[r].shape
                        r_steps = steps[max_ndim - r.type.ndim :]
                        buf = big[r]
                        if buf.ndim:
                            buf = buf[tuple(slice(None, None, st) for st in r_steps)]
                            buf = buf[tuple(slice(0, s) for s in shape)]
                        strided[r] = _fill(buf, def_val)
                    yield f"strided{tuple(steps)}", strided

    if every or "wrong_size" in prealloc_modes:
        for dim, s in enumerate(out_shape):
            if s == 1:
                continue
            for diff in (-1, 1):
                shape_diff = [0] * max_ndim
                shape_diff[dim] = diff
                wrong = {}
                for r in tensors:
                    r_diff = shape_diff[max_ndim - r.type.ndim :]
                    shape = [max(n + d, 0) for n, d in zip(r_vals[r].shape, r_diff)]
                    wrong[r] = _fill(np.empty(shape, dtype=r.type.dtype), def_val)
                yield f"wrong_size{tuple(shape_diff)}", wrong


def _check_preallocated_output(
    fgraph,
    node,
    thunk,
    prealloc_modes,
    def_val,
    storage_map,
    r_vals,
    dr_vals,
    perform,
    active_order_set,
    inplace_outs,
    init_outputs,
):
    """Run ``thunk`` again with each pre-allocated output layout and check
    that the results are valid and equal to the reference values in ``r_vals``."""
    compute_map = getattr(thunk, "_debug_compute_map", None)
    for name, out_map in _get_preallocated_maps(
        node,
        thunk,
        prealloc_modes,
        def_val,
        storage_map,
        r_vals,
        dr_vals,
        perform,
        active_order_set,
        inplace_outs,
        init_outputs,
    ):
        thunk_name = f"{perform} with {name} output"
        for r in node.inputs:
            storage_map[r][0] = _lessbroken_deepcopy(r_vals[r])
        for r in node.outputs:
            storage_map[r][0] = out_map.get(r)
        if compute_map is not None:
            for r in node.outputs:
                compute_map[r][0] = False
        try:
            thunk()
        except Exception:
            raise_with_op(fgraph, node, thunk)
        for r in node.outputs:
            value = storage_map[r][0]
            if not r.type.is_valid_value(value):
                raise InvalidValueError(
                    r,
                    value,
                    client_node=node,
                    hint=thunk_name,
                    specific_hint=validity_hint(r.type, value),
                )
        _check_inputs(
            node,
            storage_map,
            r_vals,
            dr_vals,
            active_order_set,
            clobber_dr_vals=False,
            perform=thunk_name,
            warn_input_not_reused=False,
        )
        _check_viewmap(fgraph, node, storage_map)
        for r in node.outputs:
            if not check_eq(r, r_vals[r], storage_map[r][0]):
                raise BadThunkOutput(
                    r,
                    thunk1="Reference value",
                    val1=r_vals[r],
                    thunk2=thunk_name,
                    val2=storage_map[r][0],
                    inputs_val=[r_vals[i] for i in node.inputs],
                )
        for r in node.outputs:
            storage_map[r][0] = None


def _parse_prealloc(value) -> list[str]:
    if isinstance(value, str):
        items = [s.strip() for s in re.split(r"[:,]", value) if s.strip()]
    else:
        items = list(value)
    unknown = [s for s in items if s != "ALL" and s not in PREALLOC_MODES]
    if unknown:
        raise ValueError(
            f"Unknown pre-allocated output check(s) {unknown}; known ones: "
            f"{', '.join(PREALLOC_MODES)}, ALL"
        )
    return items
