"""JAX translation of ``Scan``: ``lax.scan`` for loops, ``lax.while_loop`` for while-loops.

The translation follows the reference loop (:class:`aesara.scan.op.ScanRunner`):
every state (mit_mot, mit_sot, sit_sot) lives in its outer buffer, read at
``(step - mintap + tap) % len(buffer)`` and written at the output taps, so
the circular buffers the save-memory rewrite makes work unchanged; outputs
without taps (nit_sot) are stacked by ``lax.scan``; shared states and
non-sequences are carried and closed over.

The number of steps and the nit_sot lengths are static values (they are
shapes). A while-loop stops at a step known only at run time, so each of its
outputs must have a length that does not depend on it: this holds when only
the last values of a state are used (the save-memory rewrite then keeps a
buffer of the taps' length); a loop whose full trace is used is an error
saying so.
"""

from __future__ import annotations

from aesara.link.jax.dispatch.basic import (
    DynamicLengthArray,
    JAXTranslationError,
    _node_location,
    fgraph_to_jax,
    jax_funcify,
    jax_static_inputs,
)
from aesara.scan.op import Scan


def _jax():
    import jax

    return jax


def _layout(op):
    info = op.info
    n_states = info.n_mit_mot + info.n_mit_sot + info.n_sit_sot
    states = []
    for k in range(n_states):
        in_taps = tuple(info.tap_array[k])
        out_taps = tuple(info.mit_mot_out_slices[k]) if k < info.n_mit_mot else (0,)
        states.append((in_taps, out_taps, min(in_taps) if in_taps else 0))
    return n_states, states


@jax_static_inputs.register(Scan)
def _scan_static(op, node):
    info = op.info
    n_states, _ = _layout(op)
    nit_start = 1 + info.n_seqs + n_states + info.n_shared_outs
    return (0, *range(nit_start, nit_start + info.n_nit_sot))


def _reads_only_entries(fgraph, var) -> bool:
    """Whether ``var``'s only uses are its shape and integer indexing of axis 0."""
    from aesara.tensor.shape import Shape, Shape_i
    from aesara.tensor.subtensor import Subtensor

    if fgraph is None:
        return False
    for client, _ in fgraph.clients.get(var, []):
        if client == "output" or isinstance(client, str):
            return False
        op = client.op
        if isinstance(op, Shape) or (isinstance(op, Shape_i) and op.i == 0):
            continue
        if (
            isinstance(op, Subtensor)
            and client.inputs[0] is var
            and op.idx_list
            and not isinstance(op.idx_list[0], slice)
        ):
            continue
        return False
    return True


def _chronological(jnp, buf, total: int):
    """The last ``total`` values written to the circular ``buf``, oldest first."""
    n = buf.shape[0]
    if total <= n:
        return buf[:total]
    shift = total % n
    return buf if shift == 0 else jnp.concatenate([buf[shift:], buf[:shift]])


@jax_funcify.register(Scan)
def jax_funcify_Scan(op, node=None, **kwargs):
    jax = _jax()
    jnp = jax.numpy
    info = op.info
    n_seqs, n_nit, n_shared = info.n_seqs, info.n_nit_sot, info.n_shared_outs
    n_states, states = _layout(op)
    inner = fgraph_to_jax(op.fgraph, fgraph_name="jax_scan_step")
    outs = node.outputs
    state_dtypes = [outs[k].type.dtype for k in range(n_states)]
    nit_dtypes = [outs[n_states + k].type.dtype for k in range(n_nit)]
    # (None for a random generator: a raw key, kept as it is.)
    shared_dtypes = [
        getattr(outs[n_states + n_nit + k].type, "dtype", None) for k in range(n_shared)
    ]
    as_while = info.as_while
    where = _node_location(node)
    fgraph = kwargs.get("fgraph")
    # Outputs of a while-loop that may be handed on with a run-time length.
    entry_reads = [_reads_only_entries(fgraph, o) for o in outs]

    def _as_dtype(value, dtype):
        value = jnp.asarray(value)
        return value if dtype is None else value.astype(dtype)

    def step(i, seq_vals, bufs, shared, non_seqs, windows=None):
        """One step. ``bufs[k]`` is state k's circular buffer, or, where
        ``windows[k]``, a window of its last values (at least ``-mintap``),
        held as a Python list of arrays: read with static indices and
        shifted by rebuilding the list, which costs XLA nothing."""
        windows = windows or [False] * n_states
        args = list(seq_vals)
        for (in_taps, _, mintap), buf, win in zip(states, bufs, windows):
            n = len(buf) if win else buf.shape[0]
            for tap in in_taps:
                args.append(buf[n + tap] if win else buf[(i - mintap + tap) % n])
        args.extend(shared)
        args.extend(non_seqs)
        res = inner(*args)
        pos = 0
        new_bufs, state_vals = [], []
        for (_, out_taps, mintap), buf, dt, win in zip(
            states, bufs, state_dtypes, windows
        ):
            n = len(buf) if win else buf.shape[0]
            for tap in out_taps:
                value = jnp.asarray(res[pos]).astype(dt)
                if win:
                    state_vals.append(value)
                    buf = [*buf[1:], value]
                elif n:
                    buf = buf.at[(i - mintap + tap) % n].set(value)
                pos += 1
            new_bufs.append(buf)
        nit_vals = [
            jnp.asarray(res[pos + k]).astype(dt) for k, dt in enumerate(nit_dtypes)
        ]
        pos += n_nit
        new_shared = [_as_dtype(res[pos + k], dt) for k, dt in enumerate(shared_dtypes)]
        pos += n_shared
        cond = res[pos] if as_while else None
        return new_bufs, new_shared, nit_vals, cond, state_vals

    def scan(n_steps, *outer):
        n_steps = int(n_steps)
        if n_steps < 0:
            raise ValueError(f"Scan: n_steps must be non-negative, got {n_steps}")
        seqs = list(outer[:n_seqs])
        rest = outer[n_seqs:]
        bufs = [
            jnp.asarray(b).astype(dt) for b, dt in zip(rest[:n_states], state_dtypes)
        ]
        rest = rest[n_states:]
        shared = [_as_dtype(v, dt) for v, dt in zip(rest[:n_shared], shared_dtypes)]
        rest = rest[n_shared:]
        nit_lens = [int(v) for v in rest[:n_nit]]
        non_seqs = list(rest[n_nit:])
        for k, s in enumerate(seqs):
            if s.shape[0] < n_steps:
                raise ValueError(
                    f"Scan: sequence {k} has {s.shape[0]} entries but the loop runs "
                    f"{n_steps} steps"
                )
        seqs = [s[:n_steps] for s in seqs]
        for (in_taps, _, mintap), buf in zip(states, bufs):
            if n_steps and buf.shape[0] < -mintap + (1 if in_taps else 0):
                raise ValueError(
                    f"Scan: a state buffer has {buf.shape[0]} entries, fewer than "
                    "its taps need"
                )
        if as_while and n_steps > 0:
            return _while(n_steps, seqs, bufs, shared, nit_lens, non_seqs)
        return _for(n_steps, seqs, bufs, shared, nit_lens, non_seqs)

    def _for(n_steps, seqs, bufs, shared, nit_lens, non_seqs):
        # mit_sot/sit_sot states are carried as windows of their last values;
        # their output buffer is rebuilt after the loop from the final window
        # (when it is no longer than the window) or from the stacked values.
        windows = [k >= info.n_mit_mot and n_steps > 0 for k in range(n_states)]
        lengths = [buf.shape[0] for buf in bufs]
        # A buffer holding the whole trace is rebuilt from the stacked values;
        # a shorter one (save-memory) is the final window of its length.
        stacked = [
            win and lengths[k] >= n_steps - states[k][2]
            for k, win in enumerate(windows)
        ]
        stacked_of_windows = [s for s, w in zip(stacked, windows) if w]
        carried = []
        for k, buf in enumerate(bufs):
            w = -states[k][2]
            if not windows[k]:
                carried.append(buf)
            elif stacked[k] or lengths[k] <= w:
                carried.append([buf[j] for j in range(w)])
            else:
                # Entries older than the initial taps are never read, and
                # the loop overwrites them before it ends.
                pad = jnp.zeros(buf.shape[1:], dtype=buf.dtype)
                carried.append([pad] * (lengths[k] - w) + [buf[j] for j in range(w)])
        # The step counter is needed by circular (mit_mot) buffers only.
        counted = not all(windows)

        def body(carry, xs):
            i, bufs, shared = carry
            new_bufs, new_shared, nit_vals, _, state_vals = step(
                i, xs if xs is not None else (), bufs, shared, non_seqs, windows
            )
            # The values of the window states whose trace is kept.
            kept = [v for v, keep in zip(state_vals, stacked_of_windows) if keep]
            return (i + 1 if counted else i, new_bufs, new_shared), (nit_vals, kept)

        i0 = jnp.asarray(0, dtype="int64") if counted else 0
        init = (i0, carried, shared)
        (_, final, shared), (ys, state_ys) = jax.lax.scan(
            body, init, seqs if seqs else None, length=n_steps
        )
        results = []
        state_ys = list(state_ys)
        for k, ((_, _, mintap), buf) in enumerate(zip(states, final)):
            total, length = n_steps - mintap, lengths[k]
            if not windows[k]:
                results.append(_chronological(jnp, buf, total))
            elif not stacked[k]:
                results.append(
                    jnp.stack(buf[len(buf) - length :]) if length else bufs[k][:0]
                )
            else:
                full = jnp.concatenate([bufs[k][:-mintap], state_ys.pop(0)])
                results.append(
                    full[:total] if total <= length else full[total - length :]
                )
        for y, length in zip(ys, nit_lens):
            results.append(y if length >= n_steps else y[n_steps - length :])
        results.extend(shared)
        return tuple(results) if len(results) > 1 else results[0]

    def _while(n_steps, seqs, bufs, shared, nit_lens, non_seqs):
        # An output keeps one length whatever step the loop stops at (it
        # stops after one step at the earliest) when its buffer holds only
        # the last values; a buffer long enough for every step holds a trace
        # of run-time length, which only indexing may read.
        traced_len = []
        for k, ((_, _, mintap), buf) in enumerate(zip(states, bufs)):
            n = buf.shape[0]
            if n <= 1 - mintap:
                traced_len.append(False)
            elif n >= n_steps - mintap and entry_reads[k]:
                traced_len.append(True)
            else:
                raise _dynamic_length_error(k)
        for k, length in enumerate(nit_lens):
            if length <= 1:
                traced_len.append(False)
            elif length >= n_steps and entry_reads[n_states + k]:
                traced_len.append(True)
            else:
                raise _dynamic_length_error(n_states + k)
        first = [s[0] for s in seqs]
        nit_shapes = jax.eval_shape(
            lambda i, xs, b, sh: step(i, xs, b, sh, non_seqs)[2],
            jnp.asarray(0, dtype="int64"),
            first,
            bufs,
            shared,
        )
        nit_bufs = [
            jnp.zeros((length, *sd.shape), dtype=sd.dtype)
            for length, sd in zip(nit_lens, nit_shapes)
        ]

        def cond_fn(carry):
            i, done = carry[0], carry[1]
            return jnp.logical_and(i < n_steps, jnp.logical_not(done))

        def body_fn(carry):
            i, _, bufs, shared, nit_bufs = carry
            xs = [s[i] for s in seqs]
            new_bufs, new_shared, nit_vals, cond, _ = step(
                i, xs, bufs, shared, non_seqs
            )
            new_nit = [
                nb.at[i % nb.shape[0]].set(v) if nb.shape[0] else nb
                for nb, v in zip(nit_bufs, nit_vals)
            ]
            done = jnp.asarray(cond) != 0
            return (i + 1, done, new_bufs, new_shared, new_nit)

        init = (
            jnp.asarray(0, dtype="int64"),
            jnp.asarray(False),
            bufs,
            shared,
            nit_bufs,
        )
        steps_done, _, bufs, shared, nit_bufs = jax.lax.while_loop(
            cond_fn, body_fn, init
        )
        results = []
        for k, ((_, _, mintap), buf) in enumerate(zip(states, bufs)):
            n = buf.shape[0]
            if traced_len[k]:
                results.append(DynamicLengthArray(buf, steps_done - mintap))
            elif n == 0:
                results.append(buf)
            else:
                # The buffer is full: rotate it so that the oldest value is first.
                shift = (steps_done - mintap) % n
                results.append(jnp.roll(buf, -shift, axis=0))
        for k, nb in enumerate(nit_bufs):
            if traced_len[n_states + k]:
                results.append(DynamicLengthArray(nb, steps_done))
            else:
                results.append(nb)
        results.extend(shared)
        return tuple(results) if len(results) > 1 else results[0]

    def _dynamic_length_error(k):
        return JAXTranslationError(
            f"Output {k} of the while-loop {op} holds every step's value, so its "
            "length depends on the step at which the loop stops, which JAX cannot "
            "compile (shapes must be static). Read only single entries of it (e.g. "
            "`outputs[-1]`, the last state), or use another mode for this graph."
            + where
        )

    return scan
