"""The shapes of a Scan node's outputs, in terms of its inputs (``infer_shape``)."""

from __future__ import annotations

from typing import Any

from aesara.graph.basic import Apply, clone_replace, graph_inputs

__all__ = ["infer_scan_shape", "inner_output_shapes"]


def inner_output_shapes(op, node: Apply, input_shapes) -> list[tuple | None]:
    """Each inner output's shape, in outer variables, or ``None`` when unknowable.

    A step value's shape is the outer value's without the time axis; a shape
    that depends on a value that changes from step to step (a sequence's, a
    state's) cannot be stated outside the loop.
    """
    from aesara.graph.fg import FunctionGraph
    from aesara.tensor.rewriting.shape import ShapeFeature

    info = op.info
    ins = op.inner_inputs
    outer = node.inputs
    feature = ShapeFeature()
    fgraph = FunctionGraph(
        list(ins), list(op.inner_outputs), features=[feature], clone=True
    )
    cins = fgraph.inputs
    # Step shapes of the inner inputs.
    known: dict[int, tuple] = {}
    for k in range(info.n_seqs):
        shp = input_shapes[1 + k]
        if shp is not None:
            known[k] = tuple(shp[1:])
    ii = info.n_seqs
    for s, taps in enumerate(info.tap_array):
        shp = input_shapes[1 + info.n_seqs + s]
        for _ in taps:
            if shp is not None:
                known[ii] = tuple(shp[1:])
            ii += 1
    n_states = len(info.tap_array)
    shared_outer = 1 + info.n_seqs + n_states
    for k in range(info.n_shared_outs):
        shp = input_shapes[shared_outer + k]
        if shp is not None:
            known[ii] = tuple(shp)
        ii += 1
    non_seq_first = ii
    non_seq_outer_first = shared_outer + info.n_shared_outs + info.n_nit_sot
    for k in range(info.n_non_seqs):
        shp = input_shapes[non_seq_outer_first + k]
        if shp is not None:
            known[ii] = tuple(shp)
        ii += 1
    for k, shp in known.items():
        try:
            feature.set_shape(cins[k], shp)
        except Exception:
            pass
    # Only the non-sequences keep one value through the loop.
    replace = {
        cins[non_seq_first + k]: outer[non_seq_outer_first + k]
        for k in range(info.n_non_seqs)
    }
    varying = set(cins) - set(replace)
    res: list[tuple | None] = []
    for o in fgraph.outputs:
        shp = feature.shape_of.get(o)
        if shp is None:
            res.append(None)
            continue
        shp = list(shp)
        if any(v in varying for v in graph_inputs(shp)):
            res.append(None)
            continue
        res.append(tuple(clone_replace(shp, replace)) if replace else tuple(shp))
    return res


def infer_scan_shape(op, fgraph, node: Apply, input_shapes) -> list[tuple]:
    """``Scan.infer_shape``: trace lengths from ``n_steps`` and the buffers."""
    from aesara.tensor.math import minimum
    from aesara.tensor.shape import Shape_i

    info = op.info
    n_steps = node.inputs[0]
    n_states = info.n_mit_mot + info.n_mit_sot + info.n_sit_sot
    inner = inner_output_shapes(op, node, input_shapes)
    out_shapes: list[Any] = []

    def own(o):
        # The output's own shape, read from the result (as ShapeFeature does
        # for what cannot be inferred).
        v = node.outputs[o]
        return tuple(Shape_i(d)(v) for d in range(v.type.ndim))

    # States: the buffer's entries, the last ``length`` of them.
    for s in range(n_states):
        buf_shape = input_shapes[1 + info.n_seqs + s]
        if info.as_while or s < info.n_mit_mot:
            if s < info.n_mit_mot and not info.as_while:
                out_shapes.append(tuple(buf_shape))
            else:
                out_shapes.append((own(s)[0],) + tuple(buf_shape[1:]))
            continue
        mintap = min(info.tap_array[s])
        length = minimum(buf_shape[0], n_steps - mintap)
        out_shapes.append((length,) + tuple(buf_shape[1:]))
    nit_first = 1 + info.n_seqs + n_states + info.n_shared_outs
    inner_nit = op.inner_nitsot_outs(list(range(len(inner))))
    for k in range(info.n_nit_sot):
        o = n_states + k
        step = inner[inner_nit[k]]
        if info.as_while:
            first = own(o)[0]
        else:
            first = minimum(node.inputs[nit_first + k], n_steps)
        if step is None:
            out_shapes.append((first,) + own(o)[1:])
        else:
            out_shapes.append((first,) + tuple(step))
    for k in range(info.n_shared_outs):
        o = n_states + info.n_nit_sot + k
        out_shapes.append(own(o))
    return out_shapes
