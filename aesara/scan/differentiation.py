"""Derivatives of Scan nodes: connection pattern, reverse mode (L_op), forward mode (R_op)."""

from __future__ import annotations

from aesara.graph.basic import Apply, io_connection_pattern

__all__ = ["connection_pattern", "scan_lop", "scan_rop"]


def inner_dependencies(op) -> list[list[bool]]:
    """``dep[i][o]``: inner output ``o`` depends on inner input ``i`` within one step."""
    return io_connection_pattern(op.inner_inputs, op.inner_outputs)


def connection_pattern(op, node: Apply) -> list[list[bool]]:
    """``pattern[i][j]``: outer output ``j`` depends on outer input ``i`` (over all steps)."""
    info = op.info
    maps = op.get_oinp_iinp_iout_oout_mappings()
    dep = inner_dependencies(op)
    n_in, n_out = info.n_outer_inputs, info.n_outer_outputs
    inner_out_of_outer_out = maps["inner_out_from_outer_out"]
    inner_in_of_outer_in = maps["inner_inp_from_outer_inp"]
    # Outer output j reads state outputs; a state output k depends on the
    # outer inputs its inner outputs depend on, directly or through states.
    pattern = [[False] * n_out for _ in range(n_in)]
    for i in range(1, n_in):
        for j in range(n_out):
            ins = inner_in_of_outer_in.get(i, [])
            outs = inner_out_of_outer_out.get(j, [])
            if any(dep[a][b] for a in ins for b in outs):
                pattern[i][j] = True
    # The state buffers hold the initial values: each reaches its own output.
    for j in range(info.n_mit_mot + info.n_mit_sot + info.n_sit_sot):
        pattern[maps["outer_inp_from_outer_out"][j]][j] = True
    # Through the recurrence: output j depends on whatever reaches a state
    # whose value feeds j's inner outputs.
    changed = True
    while changed:
        changed = False
        for j in range(n_out):
            outs = inner_out_of_outer_out.get(j, [])
            for s in range(n_out):
                if s == j:
                    pass
                o_in = maps["outer_inp_from_outer_out"].get(s)
                if o_in is None:
                    continue
                s_ins = inner_in_of_outer_in.get(o_in, [])
                if not s_ins or not any(dep[a][b] for a in s_ins for b in outs):
                    continue
                for i in range(n_in):
                    if pattern[i][s] and not pattern[i][j]:
                        pattern[i][j] = True
                        changed = True
    return pattern


def scan_lop(op, inputs, outputs, output_grads):
    from aesara.scan.reverse import scan_lop as impl

    return impl(op, inputs, outputs, output_grads)


def scan_rop(op, inputs, eval_points):
    from aesara.scan.forward import scan_rop as impl

    return impl(op, inputs, eval_points)
