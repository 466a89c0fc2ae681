"""Reverse-mode differentiation of a Scan node: backpropagation through time.

The gradient is another loop, run over the forward loop's steps from the last
to the first (``scan(..., go_backwards=True)``). Its step is the vector-Jacobian
product of the forward step, evaluated on the forward values read back from
the forward outputs (the state traces are kept whole by the forward loop).

How a state's gradient travels: a state with taps ``(-span, ..., -1)`` (in
general any negative taps) has, at forward step ``t``, its inputs at buffer
positions ``t + span + tap`` and its output at ``t + span``. The backward
loop carries a *window* of ``span`` accumulated gradients, for the positions
``t + 1 .. t + span`` (contributions of the steps after ``t``). At step ``t``
the gradient of the value written there is the direct one (from the output's
users) plus the window's last entry; the step's vector-Jacobian product gives
contributions to the positions it read, which are added into the window
shifted by one position. After the first step the window holds the gradient
of the initial values. Non-sequences accumulate their gradient in a state;
sequences get theirs as a per-step output.

Because the backward loop is made only of sequences, states with one tap,
outputs without taps and non-sequences, it is differentiable the same way:
second derivatives and gradients of nested loops need nothing more.
"""

from __future__ import annotations

from typing import Any

from aesara.graph.basic import Variable, clone_replace

__all__ = ["scan_lop"]


def _is_float(v: Variable) -> bool:
    dtype = getattr(v.type, "dtype", None)
    return dtype is not None and (
        dtype.startswith("float") or dtype.startswith("complex")
    )


def _disconnected(g: Any) -> bool:
    from aesara.gradient import DisconnectedType

    return g is None or isinstance(getattr(g, "type", None), DisconnectedType)


def _raw_trace(out: Variable) -> Variable:
    """The whole state buffer (initial values included) behind ``scan``'s ``out``."""
    from aesara.tensor.subtensor import Subtensor

    node = out.owner
    if node is None or not isinstance(node.op, Subtensor):
        raise AssertionError("expected scan's state output to be a slice of its buffer")
    return node.inputs[0]


def scan_lop(op, inputs: list, outputs: list, output_grads: list) -> list:
    """The gradients of a Scan node's outer inputs (see the module docstring)."""
    import aesara.tensor as at
    from aesara.gradient import DisconnectedType, grad, grad_undefined
    from aesara.scan.basic import scan
    from aesara.tensor.math import minimum

    info = op.info
    if info.n_mit_mot:
        return [
            grad_undefined(op, k, x, "gradients of mit_mot states are not supported")
            for k, x in enumerate(inputs)
        ]
    ins = op.inner_inputs
    outs = op.inner_outputs
    n_states = info.n_mit_sot + info.n_sit_sot
    state_taps = list(info.mit_sot_in_slices + info.sit_sot_in_slices)
    spans = [-min(t) for t in state_taps]
    inner_state_ins = op.inner_mitsot(ins) + op.inner_sitsot(ins)
    inner_state_outs = op.inner_mitsot_outs(outs) + op.inner_sitsot_outs(outs)
    outer_bufs = op.outer_mitsot(inputs) + op.outer_sitsot(inputs)
    state_traces = op.outer_mitsot_outs(outputs) + op.outer_sitsot_outs(outputs)
    state_grads = op.outer_mitsot_outs(output_grads) + op.outer_sitsot_outs(
        output_grads
    )
    nit_outs = op.inner_nitsot_outs(outs)
    nit_traces = op.outer_nitsot_outs(outputs)
    nit_grads = op.outer_nitsot_outs(output_grads)
    seq_ins = op.inner_seqs(ins)
    outer_seqs = op.outer_seqs(inputs)
    non_seq_ins = op.inner_non_seqs(ins)
    outer_non_seqs = op.outer_non_seqs(inputs)
    shared_ins = op.inner_shared(ins)
    outer_shared = op.outer_shared(inputs)

    # Which states carry gradient: float states, when anything downstream
    # (a connected output) can depend on them.
    float_states = [k for k in range(n_states) if _is_float(inner_state_outs[k])]
    live_nit = [
        m
        for m in range(info.n_nit_sot)
        if _is_float(nit_outs[m]) and not _disconnected(nit_grads[m])
    ]
    live_direct = [k for k in float_states if not _disconnected(state_grads[k])]
    if not live_nit and not live_direct:
        return [DisconnectedType()() for _ in inputs]

    # -- the forward step's vector-Jacobian product --------------------------------
    cot_state = {k: inner_state_outs[k].type() for k in float_states}
    cot_nit = {m: nit_outs[m].type() for m in live_nit}
    known = {}
    for k, c in cot_state.items():
        known[inner_state_outs[k]] = _add_known(known.get(inner_state_outs[k]), c)
    for m, c in cot_nit.items():
        known[nit_outs[m]] = _add_known(known.get(nit_outs[m]), c)
    wrt_seq = [j for j, v in enumerate(seq_ins) if _is_float(v)]
    wrt_state = [(k, t) for k in float_states for t in range(len(state_taps[k]))]
    state_in_pos = []
    pos = 0
    for k in range(n_states):
        state_in_pos.append(pos)
        pos += len(state_taps[k])
    wrt_non_seq = [n for n, v in enumerate(non_seq_ins) if _is_float(v)]
    wrt = (
        [seq_ins[j] for j in wrt_seq]
        + [inner_state_ins[state_in_pos[k] + t] for k, t in wrt_state]
        + [non_seq_ins[n] for n in wrt_non_seq]
    )
    if wrt:
        vjp = grad(
            None,
            wrt,
            known_grads=known,
            disconnected_inputs="ignore",
            return_disconnected="zero",
            null_gradients="return",
        )
    else:
        vjp = []
    vjp = list(vjp)
    n_ws, n_wst = len(wrt_seq), len(wrt_state)
    d_seq = dict(zip(wrt_seq, vjp[:n_ws]))
    d_state = dict(zip(wrt_state, vjp[n_ws : n_ws + n_wst]))
    d_non_seq = dict(zip(wrt_non_seq, vjp[n_ws + n_wst :]))
    for d in list(d_seq.values()) + list(d_state.values()) + list(d_non_seq.values()):
        from aesara.graph.null_type import NullType

        if isinstance(d.type, NullType):
            return [
                grad_undefined(op, k, x, f"the step's gradient is undefined: {d.type}")
                for k, x in enumerate(inputs)
            ]

    # -- the number of steps gradients flow through ----------------------------------
    if info.as_while:
        if info.n_nit_sot:
            n_fwd = nit_traces[0].shape[0]
        else:
            n_fwd = state_traces[0].shape[0] - spans[0]
    else:
        n_fwd = inputs[0]
    n_fwd = at.cast(n_fwd, "int64")
    if op.truncate_gradient != -1:
        n_back = minimum(n_fwd, op.truncate_gradient)
    else:
        n_back = n_fwd
    start = n_fwd - n_back

    # -- the backward loop -----------------------------------------------------------
    zero_state = {k: at.zeros_like(state_traces[k][: spans[k]]) for k in float_states}
    grad_of_trace = {}
    for k in float_states:
        g = state_grads[k]
        grad_of_trace[k] = at.zeros_like(state_traces[k]) if _disconnected(g) else g

    seqs: list[Variable] = []
    for j in range(info.n_seqs):
        seqs.append(outer_seqs[j][start:n_fwd])
    for k in range(n_states):
        for tap in state_taps[k]:
            off = spans[k] + tap
            seqs.append(state_traces[k][start + off : n_fwd + off])
    for k in float_states:
        seqs.append(grad_of_trace[k][start + spans[k] : n_fwd + spans[k]])
    for m in live_nit:
        seqs.append(nit_grads[m][start:n_fwd])
    n_seq_args = len(seqs)
    windows0 = [zero_state[k] for k in float_states]
    accs0 = [at.zeros_like(outer_non_seqs[n]) for n in wrt_non_seq]

    # Forward inner inputs that keep one value: read the outer ones.
    fixed = dict(zip(non_seq_ins, outer_non_seqs))
    fixed.update(zip(shared_ins, outer_shared))

    def step(*args):
        seq_args = args[:n_seq_args]
        win = args[n_seq_args : n_seq_args + len(float_states)]
        acc = args[n_seq_args + len(float_states) :]
        p = 0
        replace = dict(fixed)
        for j in range(info.n_seqs):
            replace[seq_ins[j]] = seq_args[p]
            p += 1
        for k in range(n_states):
            for t in range(len(state_taps[k])):
                replace[inner_state_ins[state_in_pos[k] + t]] = seq_args[p]
                p += 1
        direct = {}
        for k in float_states:
            direct[k] = seq_args[p]
            p += 1
        for m in live_nit:
            replace[cot_nit[m]] = seq_args[p]
            p += 1
        for i, k in enumerate(float_states):
            replace[cot_state[k]] = direct[k] + win[i][spans[k] - 1]
        terms = (
            [d_state[(k, t)] for k, t in wrt_state]
            + [d_seq[j] for j in wrt_seq]
            + [d_non_seq[n] for n in wrt_non_seq]
        )
        terms = clone_replace(terms, replace) if terms else []
        n_st = len(wrt_state)
        st_terms = dict(zip(wrt_state, terms[:n_st]))
        seq_terms = terms[n_st : n_st + len(wrt_seq)]
        ns_terms = terms[n_st + len(wrt_seq) :]
        new_win = []
        for i, k in enumerate(float_states):
            w = win[i]
            shifted = at.concatenate([at.zeros_like(w[:1]), w[:-1]], axis=0)
            for t, tap in enumerate(state_taps[k]):
                shifted = at.inc_subtensor(shifted[spans[k] + tap], st_terms[(k, t)])
            new_win.append(shifted)
        new_acc = [a + d for a, d in zip(acc, ns_terms)]
        return new_win + new_acc + list(seq_terms)

    outputs_info = windows0 + accs0 + [None] * len(wrt_seq)
    if not outputs_info:
        return [DisconnectedType()() for _ in inputs]
    back, _ = scan(
        step,
        sequences=seqs,
        outputs_info=outputs_info,
        n_steps=n_back,
        go_backwards=True,
        name=f"grad_of_{op.name}" if op.name else "grad_of_scan",
        mode=op.mode,
        return_list=True,
    )
    n_fs = len(float_states)
    win_final = [_raw_trace(b)[-1] for b in back[:n_fs]]
    acc_final = [_raw_trace(b)[-1] for b in back[n_fs : n_fs + len(accs0)]]
    seq_traces = back[n_fs + len(accs0) :]

    # -- gradients of the outer inputs ---------------------------------------------------
    res: list[Any] = [None] * len(inputs)
    res[0] = DisconnectedType()()
    for j in range(info.n_seqs):
        x = outer_seqs[j]
        if j in wrt_seq:
            trace = seq_traces[wrt_seq.index(j)]
            g = at.zeros_like(x)
            res[1 + j] = at.set_subtensor(g[start:n_fwd], trace[::-1])
        else:
            res[1 + j] = _zero_grad(x)
    buf_first = 1 + info.n_seqs
    for k in range(n_states):
        b = outer_bufs[k]
        if k not in float_states:
            res[buf_first + k] = _zero_grad(b)
            continue
        direct = grad_of_trace[k][: spans[k]]
        carried = win_final[float_states.index(k)]
        if op.truncate_gradient != -1:
            carried = at.switch(at.eq(start, 0), carried, at.zeros_like(carried))
        g = at.zeros_like(b)
        res[buf_first + k] = at.set_subtensor(g[: spans[k]], direct + carried)
    shared_first = buf_first + n_states
    for k in range(len(outer_shared)):
        res[shared_first + k] = DisconnectedType()()
    nit_first = shared_first + info.n_shared_outs
    for k in range(info.n_nit_sot):
        res[nit_first + k] = DisconnectedType()()
    ns_first = nit_first + info.n_nit_sot
    for n, x in enumerate(outer_non_seqs):
        if n in wrt_non_seq:
            res[ns_first + n] = acc_final[wrt_non_seq.index(n)]
        else:
            res[ns_first + n] = _zero_grad(x)
    return res


def _add_known(prev: Variable | None, new: Variable) -> Variable:
    return new if prev is None else prev + new


def _zero_grad(x: Variable) -> Variable:
    """The gradient of an input nothing depends on differentiably."""
    from aesara.gradient import DisconnectedType

    if _is_float(x):
        import aesara.tensor as at

        return at.zeros_like(x)
    return DisconnectedType()()
