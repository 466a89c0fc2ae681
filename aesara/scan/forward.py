"""Forward-mode differentiation of a Scan node (``R_op``): a tangent loop.

The Jacobian-vector product of a loop is a loop over the same steps whose
states are the tangents of the forward states (same taps, started from the
tangents of the initial values) and whose step is the forward step's
Jacobian-vector product, evaluated on the forward values read back from the
forward outputs as sequences.
"""

from __future__ import annotations

from typing import Any

from aesara.graph.basic import Variable, clone_replace

__all__ = ["scan_rop"]


def _is_float(v: Variable) -> bool:
    dtype = getattr(v.type, "dtype", None)
    return dtype is not None and (
        dtype.startswith("float") or dtype.startswith("complex")
    )


def scan_rop(op, inputs: list, eval_points: list) -> list:
    """Tangents of a Scan node's outputs along ``eval_points`` (``None``: zero)."""
    import aesara.tensor as at
    from aesara.gradient import Rop
    from aesara.scan.basic import scan
    from aesara.scan.reverse import _raw_trace

    info = op.info
    if info.n_mit_mot:
        raise NotImplementedError("R_op of a Scan with mit_mot states")
    outputs = op.make_node(*inputs).outputs
    ins, outs = op.inner_inputs, op.inner_outputs
    n_states = info.n_mit_sot + info.n_sit_sot
    state_taps = list(info.mit_sot_in_slices + info.sit_sot_in_slices)
    spans = [-min(t) for t in state_taps]
    inner_state_ins = op.inner_mitsot(ins) + op.inner_sitsot(ins)
    inner_state_outs = op.inner_mitsot_outs(outs) + op.inner_sitsot_outs(outs)
    outer_bufs = op.outer_mitsot(inputs) + op.outer_sitsot(inputs)
    ev_bufs = op.outer_mitsot(eval_points) + op.outer_sitsot(eval_points)
    state_traces = op.outer_mitsot_outs(outputs) + op.outer_sitsot_outs(outputs)
    nit_outs = op.inner_nitsot_outs(outs)
    nit_traces = op.outer_nitsot_outs(outputs)
    seq_ins, outer_seqs = op.inner_seqs(ins), op.outer_seqs(inputs)
    ev_seqs = op.outer_seqs(eval_points)
    non_seq_ins, outer_non_seqs = op.inner_non_seqs(ins), op.outer_non_seqs(inputs)
    ev_non_seqs = op.outer_non_seqs(eval_points)
    shared_ins, outer_shared = op.inner_shared(ins), op.outer_shared(inputs)

    float_states = [k for k in range(n_states) if _is_float(inner_state_outs[k])]
    tan_seqs = [
        j
        for j in range(info.n_seqs)
        if ev_seqs[j] is not None and _is_float(seq_ins[j])
    ]
    tan_non_seqs = [
        n
        for n in range(info.n_non_seqs)
        if ev_non_seqs[n] is not None and _is_float(non_seq_ins[n])
    ]
    has_state_tangent = any(ev_bufs[k] is not None for k in float_states)
    if not tan_seqs and not tan_non_seqs and not has_state_tangent:
        return [None] * len(outputs)

    if info.as_while:
        if info.n_nit_sot:
            n = nit_traces[0].shape[0]
        else:
            n = state_traces[0].shape[0] - spans[0]
    else:
        n = inputs[0]

    # Sequences of the tangent loop: forward step values, then tangents.
    seqs = [outer_seqs[j][:n] for j in range(info.n_seqs)]
    for k in range(n_states):
        for tap in state_taps[k]:
            off = spans[k] + tap
            seqs.append(state_traces[k][off : n + off])
    seqs += [ev_seqs[j][:n] for j in tan_seqs]
    outputs_info: list[Any] = []
    for k in float_states:
        ev = ev_bufs[k]
        init = (
            ev[: spans[k]]
            if ev is not None
            else at.zeros_like(outer_bufs[k][: spans[k]])
        )
        if state_taps[k] == (-1,):
            outputs_info.append(init[0])
        else:
            outputs_info.append({"initial": init, "taps": list(state_taps[k])})
    float_nit = [m for m in range(info.n_nit_sot) if _is_float(nit_outs[m])]
    outputs_info += [None] * len(float_nit)

    fixed = dict(zip(non_seq_ins, outer_non_seqs))
    fixed.update(zip(shared_ins, outer_shared))
    tangent_of_non_seq = {non_seq_ins[n]: ev_non_seqs[n] for n in tan_non_seqs}

    def step(*args):
        p = 0
        replace = dict(fixed)
        for j in range(info.n_seqs):
            replace[seq_ins[j]] = args[p]
            p += 1
        pos = 0
        for k in range(n_states):
            for t in range(len(state_taps[k])):
                replace[inner_state_ins[pos + t]] = args[p]
                p += 1
            pos += len(state_taps[k])
        wrt, evs = [], []
        for j in tan_seqs:
            wrt.append(seq_ins[j])
            evs.append(args[p])
            p += 1
        pos = 0
        for k in range(n_states):
            if k in float_states:
                for t in range(len(state_taps[k])):
                    wrt.append(inner_state_ins[pos + t])
                    evs.append(args[p])
                    p += 1
            pos += len(state_taps[k])
        for v, ev in tangent_of_non_seq.items():
            wrt.append(v)
            evs.append(ev)
        f = [inner_state_outs[k] for k in float_states] + [
            nit_outs[m] for m in float_nit
        ]
        # Rop on stand-ins for the tangents, then the step's values and
        # tangents substituted in one pass.
        stand_ins = [w.type() for w in wrt]
        jvp = Rop(
            f, wrt, stand_ins, disconnected_outputs="ignore", return_disconnected="zero"
        )
        replace.update(zip(stand_ins, evs))
        return clone_replace(list(jvp), replace)

    tangents, _ = scan(
        step,
        sequences=seqs,
        outputs_info=outputs_info,
        n_steps=n,
        name=f"rop_of_{op.name}" if op.name else "rop_of_scan",
        mode=op.mode,
        return_list=True,
    )
    res: list[Any] = [None] * len(outputs)
    for i, k in enumerate(float_states):
        trace = tangents[i]
        res[k] = _raw_trace(trace)
    n_fs = len(float_states)
    for i, m in enumerate(float_nit):
        res[n_states + m] = tangents[n_fs + i]
    return res
