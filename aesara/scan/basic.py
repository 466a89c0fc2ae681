"""``aesara.scan``: build a :class:`~aesara.scan.op.Scan` node from a step function.

The user's step function is called once, on symbolic step values; the graph it
returns becomes the Scan's inner graph. Everything the step reads from outside
(shared variables, variables of the outer graph) becomes a non-sequence, and
shared variables it updates (an updates dict, or the default updates of random
generators it creates) become states of the loop.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from aesara.graph.basic import Constant, Variable, clone_replace, graph_inputs
from aesara.scan.utils import expand_empty, safe_new, until
from aesara.updates import OrderedUpdates

__all__ = ["get_updates_and_outputs", "scan"]


def isNaN_or_Inf_or_None(x: Any) -> bool:
    """Whether ``x`` is ``None``, a string, or a NaN or infinite scalar.

    ``x`` may be a Python or NumPy value or a variable whose value is a known
    constant; Aesara's ``scan`` used this to detect a missing ``n_steps``.
    """
    if x is None or isinstance(x, str):
        return True
    if isinstance(x, Constant) and isinstance(x.data, str):
        return True
    value = x
    if isinstance(x, Variable):
        from aesara.tensor.basic import get_scalar_constant_value
        from aesara.tensor.exceptions import NotScalarConstantError

        try:
            value = get_scalar_constant_value(x)
        except (NotScalarConstantError, TypeError, ValueError):
            return False
    try:
        return bool(np.isnan(value) or np.isinf(value))
    except (TypeError, ValueError):
        return False


def _as_list(x: Any) -> list:
    if x is None:
        return []
    if isinstance(x, (list, tuple)):
        return list(x)
    return [x]


def _int_taps(taps: Any, what: str) -> list[int]:
    taps = _as_list(taps)
    out = []
    for t in taps:
        if isinstance(t, (bool, np.bool_)) or not isinstance(t, (int, np.integer)):
            raise TypeError(f"scan: {what} taps must be integers, got {t!r}")
        out.append(int(t))
    if len(set(out)) != len(out):
        raise ValueError(f"scan: {what} taps must be distinct, got {out}")
    return out


def _normalise_sequences(sequences: Any) -> list[dict]:
    from aesara.tensor.basic import as_tensor_variable

    res = []
    for k, s in enumerate(_as_list(sequences)):
        if isinstance(s, dict):
            if "input" not in s:
                raise ValueError(
                    f"scan: sequences[{k}] is a dict without an 'input' key"
                )
            unknown = set(s) - {"input", "taps"}
            if unknown:
                raise ValueError(
                    f"scan: sequences[{k}] has unknown keys {sorted(unknown)} "
                    "(allowed: 'input', 'taps')"
                )
            x = as_tensor_variable(s["input"])
            taps = _int_taps(s.get("taps", [0]), f"sequences[{k}]")
        else:
            x = as_tensor_variable(s)
            taps = [0]
        if x.type.ndim < 1:
            raise ValueError(
                f"scan: sequences[{k}] ({x}) is a scalar; a sequence needs at least one "
                "dimension (the steps)"
            )
        if taps:
            res.append({"input": x, "taps": taps})
    return res


def _normalise_outputs_info(outputs_info: Any) -> list[dict]:
    from aesara.tensor.basic import as_tensor_variable

    res = []
    for k, o in enumerate(_as_list(outputs_info)):
        if o is None:
            res.append({})
            continue
        if isinstance(o, dict):
            unknown = set(o) - {"initial", "taps", "return_steps"}
            if unknown:
                raise ValueError(
                    f"scan: outputs_info[{k}] has unknown keys {sorted(unknown)} "
                    "(allowed: 'initial', 'taps')"
                )
            if o.get("initial") is None:
                if o.get("taps"):
                    raise ValueError(
                        f"scan: outputs_info[{k}] gives taps but no 'initial' value"
                    )
                res.append({})
                continue
            init = as_tensor_variable(o["initial"])
            taps = _int_taps(o.get("taps", [-1]), f"outputs_info[{k}]")
            if not taps:
                res.append({})
                continue
        else:
            init = as_tensor_variable(o)
            taps = [-1]
        if any(t >= 0 for t in taps):
            raise ValueError(
                f"scan: the taps of outputs_info[{k}] must be negative (earlier steps), "
                f"got {taps}"
            )
        taps = sorted(taps)
        if taps != [-1] and init.type.ndim < 1:
            raise ValueError(
                f"scan: outputs_info[{k}] has taps {taps}, so its initial value needs a "
                f"first axis of at least {-min(taps)} entries; got a scalar ({init.type})"
            )
        res.append({"initial": init, "taps": taps})
    return res


def _n_steps_variable(n_steps: Any) -> Variable | None:
    from aesara.tensor.basic import as_tensor_variable, get_scalar_constant_value

    if n_steps is None:
        return None
    if isinstance(n_steps, (bool, np.bool_)):
        raise TypeError(f"scan: n_steps must be an integer, got {n_steps!r}")
    if isinstance(n_steps, (float, np.floating)):
        if not float(n_steps).is_integer() and np.isfinite(n_steps):
            raise TypeError(f"scan: n_steps must be an integer, got {n_steps!r}")
        if not np.isfinite(n_steps):
            return None  # Aesara: NaN/inf mean "from the sequences"
        n_steps = int(n_steps)
    v = as_tensor_variable(n_steps)
    if v.type.ndim != 0 or not v.type.dtype.startswith(("int", "uint")):
        raise TypeError(
            f"scan: n_steps must be an integer scalar, got {v.type} ({n_steps!r})"
        )
    try:
        value = int(get_scalar_constant_value(v))
    except Exception:
        value = None
    if value is not None and value < 0:
        raise ValueError(f"scan: n_steps must be non-negative, got {value}")
    return v


def _classify_return(ret: Any) -> tuple[Variable | None, list, dict]:
    """The step's (condition, outputs, updates), in whatever order it returned them."""

    def is_updates(x):
        return isinstance(x, dict) or (
            isinstance(x, (list, tuple))
            and len(x) > 0
            and all(isinstance(p, tuple) and len(p) == 2 for p in x)
            and all(hasattr(p[0], "get_value") for p in x)
        )

    def is_outputs(x):
        if isinstance(x, (Variable, int, float, np.ndarray, np.generic)):
            return True
        return isinstance(x, (list, tuple)) and all(
            isinstance(e, (Variable, int, float, np.ndarray, np.generic)) or e is None
            for e in x
        )

    if isinstance(ret, until):
        return ret.condition, [], {}
    if is_updates(ret) and not isinstance(ret, (list, tuple)):
        return None, [], dict(ret)
    if is_outputs(ret):
        return None, _as_list(ret), {}
    if isinstance(ret, (list, tuple)) and 1 <= len(ret) <= 3:
        cond, outs, upds = None, None, None
        for part in ret:
            if isinstance(part, until):
                if cond is not None:
                    raise ValueError(
                        "scan: the step returned two until(...) conditions"
                    )
                cond = part.condition
            elif isinstance(part, dict) or (is_updates(part) and not is_outputs(part)):
                if upds is not None:
                    raise ValueError("scan: the step returned two updates dicts")
                upds = dict(part)
            elif is_outputs(part):
                if outs is not None:
                    raise ValueError(
                        "scan: the step returned two lists of outputs; return "
                        "(outputs, updates, until(condition)) with outputs in one list"
                    )
                outs = _as_list(part)
            else:
                raise ValueError(
                    f"scan: cannot interpret the step's return part {part!r}"
                )
        return cond, outs or [], upds or {}
    raise ValueError(
        "scan: the step function must return outputs (a variable or a list), an "
        "updates dict, an until(...) condition, or a tuple of those; got "
        f"{type(ret).__name__}"
    )


def get_updates_and_outputs(ls: Any) -> tuple[Variable | None, list, dict]:
    """Sort what a Scan step function returned into condition, outputs and updates.

    A step may return outputs (a variable or a list of them), an updates dict
    (or a list of ``(shared, new value)`` pairs), an
    :class:`~aesara.scan.utils.until` condition, or a tuple of those in any
    order. ``ValueError`` says what could not be understood.

    Returns
    -------
    tuple
        ``(condition or None, list of outputs, dict of updates)``.
    """
    return _classify_return(ls)


def _snapshot_shared() -> int:
    """A mark: shared variables created after it have a creation number >= it."""
    from aesara.compile.sharedvalue import next_creation_number

    return next_creation_number()


def scan(
    fn: Callable,
    sequences: Any = None,
    outputs_info: Any = None,
    non_sequences: Any = None,
    n_steps: Any = None,
    truncate_gradient: int = -1,
    go_backwards: bool = False,
    mode: Any = None,
    name: str | None = None,
    profile: Any = False,
    allow_gc: bool | None = None,
    strict: bool = False,
    return_list: bool = False,
):
    """Loop ``fn`` over sequences and states, symbolically.

    Parameters
    ----------
    fn
        The step: called with, in order, the step values of each sequence (one
        argument per tap), the previous values of each recurrent output (one
        per tap), then the non-sequences. It returns the step's outputs (a
        variable or a list), optionally with an updates dict for shared
        variables and an :class:`~aesara.scan.utils.until` condition that
        ends the loop after the step where it is true.
    sequences
        Tensors iterated along their first axis: variables, or dicts
        ``{"input": x, "taps": [-1, 0, 1]}`` (taps read ``x[t + tap]``).
    outputs_info
        One entry per output of ``fn``: ``None`` (not fed back), an initial
        value (fed back as the previous step's value), or a dict
        ``{"initial": x0, "taps": [-2, -1]}`` (``x0``'s first axis holds the
        ``-min(taps)`` initial values). Omitted: no output is fed back.
    non_sequences
        Values passed unchanged to every step (shared variables and other
        outer variables the step reads are found automatically).
    n_steps
        Number of steps (an int or an integer scalar); default: the length of
        the shortest sequence.
    truncate_gradient
        Number of steps gradients flow back through (``-1``: all).
    go_backwards
        Iterate the sequences from their end.
    mode
        Mode the inner graph is compiled with.
    name
        Name of the loop (printing, profiles).
    profile
        Profile the inner function.
    allow_gc
        Free the step's intermediate results after each step (default:
        ``config.scan__allow_gc``).
    strict
        Require every shared variable (and outer variable) the step reads to
        be passed in ``non_sequences``.
    return_list
        Always return the outputs as a list.

    Returns
    -------
    outputs, updates
        The traces of the outputs (time first; recurrent outputs without
        their initial values), a single variable when there is one (unless
        ``return_list``), and the :class:`~aesara.updates.OrderedUpdates` to
        pass to :func:`aesara.function`.
    """
    from aesara.compile.sharedvalue import SharedVariable
    from aesara.configdefaults import config
    from aesara.scan.op import Scan, ScanInfo
    from aesara.tensor.basic import as_tensor_variable
    from aesara.tensor.math import minimum
    from aesara.tensor.shape import shape_padleft, unbroadcast

    if not callable(fn):
        raise TypeError(f"scan: fn must be callable, got {type(fn).__name__}")
    seqs = _normalise_sequences(sequences)
    outs_info = _normalise_outputs_info(outputs_info)
    user_outputs_info_given = outputs_info is not None and _as_list(outputs_info) != []
    non_seqs: list[Any] = []
    for k, v in enumerate(_as_list(non_sequences)):
        if isinstance(v, dict):
            raise TypeError(
                f"scan: non_sequences[{k}] is a dict; taps are only allowed on "
                "sequences and outputs_info, a non-sequence is passed whole to every step"
            )
        non_seqs.append(v if isinstance(v, Variable) else as_tensor_variable(v))
    n_steps_var = _n_steps_variable(n_steps)
    if allow_gc is None:
        allow_gc = bool(config.scan__allow_gc)

    # -- sequences: one outer slice and one step variable per tap ---------------------
    outer_seqs: list[Variable] = []
    inner_seqs: list[Variable] = []
    for seq in seqs:
        x, taps = seq["input"], seq["taps"]
        lo, hi = min(min(taps), 0), max(max(taps), 0)
        for k in taps:
            start, stop = k - lo, k - hi
            sl = x[start:stop] if stop != 0 else x[start:]
            if go_backwards:
                sl = sl[::-1]
            step = x.type.clone(shape=tuple(x.type.shape[1:]))()
            if x.name is not None:
                step.name = f"{x.name}[t{k:+d}]" if k else f"{x.name}[t]"
            outer_seqs.append(sl)
            inner_seqs.append(step)
    if n_steps_var is None:
        if not outer_seqs:
            raise ValueError(
                "scan: the number of steps is unknown; give n_steps or at least one "
                "sequence"
            )
        actual_n_steps = outer_seqs[0].shape[0]
        for s in outer_seqs[1:]:
            actual_n_steps = minimum(actual_n_steps, s.shape[0])
    else:
        actual_n_steps = n_steps_var
    outer_seqs = [s[:actual_n_steps] for s in outer_seqs]

    # -- recurrent outputs: the step variables of each tap ---------------------------
    state_args: list[list[Variable]] = []
    for o in outs_info:
        if not o:
            state_args.append([])
            continue
        init, taps = o["initial"], o["taps"]
        if taps == [-1]:
            v = init.type()  # never the initial value itself (a constant)
            if init.name is not None:
                v.name = f"{init.name}[t-1]"
            state_args.append([v])
        else:
            lag = -taps[0]
            step_type = init.type.clone(shape=tuple(init.type.shape[1:]))
            vs = []
            for t in taps:
                v = step_type()
                if init.name is not None:
                    v.name = f"{init.name}[t{t}]"
                vs.append(v)
            state_args.append(vs)
            del lag

    # -- call the step ---------------------------------------------------------------
    mark = _snapshot_shared()
    args = list(inner_seqs) + [v for vs in state_args for v in vs] + list(non_seqs)
    ret = fn(*args)
    cond, raw_outputs, updates = _classify_return(ret)
    outputs = []
    for k, v in enumerate(raw_outputs):
        if v is None:
            raise ValueError(f"scan: output {k} of the step is None")
        outputs.append(as_tensor_variable(v))
    if cond is not None:
        cond = as_tensor_variable(cond)
        if cond.type.ndim != 0:
            raise TypeError(
                f"scan: the until(...) condition must be a scalar, got {cond.type}"
            )

    if user_outputs_info_given:
        if len(outputs) != len(outs_info):
            raise ValueError(
                f"scan: the step returned {len(outputs)} output(s) but outputs_info has "
                f"{len(outs_info)} entries; give one entry per output (None for an "
                "output that is not fed back)"
            )
    else:
        outs_info = [{} for _ in outputs]
        state_args = [[] for _ in outputs]

    # -- what the step reads from outside ---------------------------------------------
    own_inputs = set(args)
    upd_pairs: list[tuple[SharedVariable, Variable]] = []
    for sv, expr in updates.items():
        if not isinstance(sv, SharedVariable):
            raise TypeError(
                f"scan: the step's updates must have shared variables as keys, got {sv!r}"
            )
        upd_pairs.append((sv, sv.type.filter_variable(expr, allow_convert=True)))
    graph_roots = (
        outputs + [e for _, e in upd_pairs] + ([cond] if cond is not None else [])
    )
    free = [
        v
        for v in graph_inputs(graph_roots, blockers=own_inputs)
        if v not in own_inputs and not isinstance(v, Constant)
    ]
    # Random generators created by the step update themselves every step.
    updated = {sv for sv, _ in upd_pairs}
    for v in list(free):
        if (
            isinstance(v, SharedVariable)
            and v not in updated
            and v.default_update is not None
            and getattr(v, "_creation_number", -1) >= mark
        ):
            upd_pairs.append((v, v.default_update))
            updated.add(v)
            v.default_update = None
    # The update expressions may read more outer variables.
    graph_roots = (
        outputs + [e for _, e in upd_pairs] + ([cond] if cond is not None else [])
    )
    free = []
    for v in graph_inputs(graph_roots, blockers=own_inputs):
        if v not in own_inputs and not isinstance(v, Constant) and v not in free:
            free.append(v)
    for sv in updated:
        if sv not in free:
            free.append(sv)
    if strict:
        # As in Aesara, ``strict`` is about shared variables the step only
        # reads: outer (non-shared) variables are found and passed for the
        # user, and shared variables it updates (random generators) become
        # loop states.
        passed = set(non_seqs)
        missing = [
            v
            for v in free
            if isinstance(v, SharedVariable) and v not in passed and v not in updated
        ]
        if missing:
            from aesara.graph.fg import MissingInputError

            raise MissingInputError(
                "scan (strict=True): missing non-sequence(s): the step reads "
                + ", ".join(f"{v} (shared)" for v in missing)
                + " without it being passed in non_sequences"
            )

    # -- assemble the inner graph in Scan's layout ------------------------------------
    # States: user's mit_sot, then sit_sot (user's, then updated tensor shared
    # variables); shared states (other updated shared variables); nit_sot.
    from aesara.tensor.type import TensorType

    mit_sot_ix = [k for k, o in enumerate(outs_info) if o and o["taps"] != [-1]]
    sit_sot_ix = [k for k, o in enumerate(outs_info) if o and o["taps"] == [-1]]
    nit_sot_ix = [k for k, o in enumerate(outs_info) if not o]
    upd_tensor = [(sv, e) for sv, e in upd_pairs if isinstance(sv.type, TensorType)]
    upd_other = [(sv, e) for sv, e in upd_pairs if not isinstance(sv.type, TensorType)]

    replace: dict[Variable, Variable] = {}
    shared_sitsot_inner = []
    for sv, _ in upd_tensor:
        v = safe_new(sv, "_copy")
        replace[sv] = v
        shared_sitsot_inner.append(v)
    shared_inner = []
    for sv, _ in upd_other:
        v = safe_new(sv, "_copy")
        replace[sv] = v
        shared_inner.append(v)
    non_seq_outer = []
    non_seq_inner = []
    for v in non_seqs + free:
        if (
            isinstance(v, Constant)
            or v in replace
            or v in own_inputs
            and v not in non_seqs
        ):
            continue
        if v in non_seq_outer:
            continue
        inner = safe_new(v, "_copy")
        replace[v] = inner
        non_seq_outer.append(v)
        non_seq_inner.append(inner)

    inner_outs_raw = (
        [outputs[k] for k in mit_sot_ix]
        + [outputs[k] for k in sit_sot_ix]
        + [e for _, e in upd_tensor]
        + [outputs[k] for k in nit_sot_ix]
        + [e for _, e in upd_other]
        + ([cond] if cond is not None else [])
    )
    inner_outs = (
        clone_replace(inner_outs_raw, replace) if replace else list(inner_outs_raw)
    )
    # Non-sequences passed to fn but unused, and step arguments, stay inputs.
    inner_ins = (
        list(inner_seqs)
        + [v for k in mit_sot_ix for v in state_args[k]]
        + [state_args[k][0] for k in sit_sot_ix]
        + shared_sitsot_inner
        + shared_inner
        + non_seq_inner
    )
    # An inner output that is an input itself would alias the step's value;
    # the loop copies outputs, so that is allowed.
    info = ScanInfo(
        n_seqs=len(inner_seqs),
        mit_mot_in_slices=(),
        mit_mot_out_slices=(),
        mit_sot_in_slices=tuple(tuple(outs_info[k]["taps"]) for k in mit_sot_ix),
        sit_sot_in_slices=tuple(
            (-1,) for _ in range(len(sit_sot_ix) + len(upd_tensor))
        ),
        n_nit_sot=len(nit_sot_ix),
        n_shared_outs=len(upd_other),
        n_non_seqs=len(non_seq_inner),
        as_while=cond is not None,
    )
    _check_state_outputs(outs_info, outputs, mit_sot_ix + sit_sot_ix, upd_tensor)
    op = Scan(
        inner_ins,
        inner_outs,
        info,
        mode=mode,
        truncate_gradient=truncate_gradient,
        name=name,
        profile=profile,
        allow_gc=allow_gc,
        strict=strict,
    )

    # -- outer inputs ------------------------------------------------------------------
    mit_sot_bufs = []
    for k in mit_sot_ix:
        init, taps = outs_info[k]["initial"], outs_info[k]["taps"]
        lag = -taps[0]
        mit_sot_bufs.append(expand_empty(init[:lag], actual_n_steps))
    sit_sot_bufs = []
    for k in sit_sot_ix:
        init = outs_info[k]["initial"]
        sit_sot_bufs.append(
            expand_empty(unbroadcast(shape_padleft(init), 0), actual_n_steps)
        )
    for sv, _ in upd_tensor:
        sit_sot_bufs.append(
            expand_empty(unbroadcast(shape_padleft(sv), 0), actual_n_steps)
        )
    outer_inputs = (
        [actual_n_steps]
        + outer_seqs
        + mit_sot_bufs
        + sit_sot_bufs
        + [sv for sv, _ in upd_other]
        + [actual_n_steps] * len(nit_sot_ix)
        + non_seq_outer
    )
    results = op(*outer_inputs)
    if not isinstance(results, (list, tuple)):
        results = [results]
    results = list(results)

    # -- back to the user's order ------------------------------------------------------
    user_outs: list[Any] = [None] * len(outputs)
    pos = 0
    for k in mit_sot_ix:
        lag = -outs_info[k]["taps"][0]
        user_outs[k] = results[pos][lag:]
        pos += 1
    for k in sit_sot_ix:
        user_outs[k] = results[pos][1:]
        pos += 1
    new_updates = OrderedUpdates()
    for sv, _ in upd_tensor:
        new_updates[sv] = results[pos][-1]
        pos += 1
    for k in nit_sot_ix:
        user_outs[k] = results[pos]
        pos += 1
    for sv, _ in upd_other:
        new_updates[sv] = results[pos]
        pos += 1
    for k, v in enumerate(user_outs):
        if name is not None and v.name is None:
            v.name = f"{name}[{k}]" if len(user_outs) > 1 else name

    if return_list:
        return user_outs, new_updates
    if len(user_outs) == 1:
        return user_outs[0], new_updates
    if not user_outs:
        return None, new_updates
    return user_outs, new_updates


def _check_state_outputs(outs_info, outputs, state_ix, upd_tensor) -> None:
    """A clear error when a recurrent output's dtype or rank differs from its initial state."""
    for k in state_ix:
        init, taps = outs_info[k]["initial"], outs_info[k]["taps"]
        out = outputs[k]
        want_ndim = init.type.ndim - (0 if taps == [-1] else 1)
        it, ot = init.type, out.type
        if it.dtype != ot.dtype:
            raise TypeError(
                f"scan: output {k} of the step has dtype {ot.dtype} but its initial "
                f"state (outputs_info[{k}]) has dtype {it.dtype}. The step's result is "
                "fed back as the next step's input, so both need one dtype: cast the "
                f"result (``out.astype('{it.dtype}')``) or give an initial state of "
                f"dtype {ot.dtype} (e.g. ``at.as_tensor(x0).astype('{ot.dtype}')``)."
            )
        if ot.ndim != want_ndim:
            extra = (
                ""
                if taps == [-1]
                else f" (outputs_info[{k}] has taps {taps}, so its initial value has one "
                "more dimension than the output: the first axis holds the initial steps)"
            )
            raise TypeError(
                f"scan: output {k} of the step has {ot.ndim} dimension(s) but its "
                f"initial state (outputs_info[{k}]) implies {want_ndim}{extra}. Make "
                "the step return the shape of one state (e.g. with at.shape_padleft or "
                "by indexing) or fix the initial value's shape."
            )
    for sv, e in upd_tensor:
        if sv.type.dtype != e.type.dtype or sv.type.ndim != e.type.ndim:
            raise TypeError(
                f"scan: the update of shared variable {sv} has type {e.type}, but the "
                f"variable has type {sv.type}"
            )
