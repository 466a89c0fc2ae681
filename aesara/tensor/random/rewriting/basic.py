"""Rewrites of random variables.

* :func:`random_make_inplace` (in-place stage, ``fast_run``): draw with the
  input generator itself instead of a copy, when the graph allows it.
* :func:`local_rv_size_lift`, :func:`local_dimshuffle_rv_lift` and
  :func:`local_subtensor_rv_lift` move ``size``, a ``DimShuffle`` or an index
  into the distribution's parameters. They keep the distribution but not
  always the exact draws, so, as in Aesara, they are not registered in the
  default pipeline; libraries such as AePPL apply them explicitly.
"""

from __future__ import annotations

import copy

from aesara.compile import mode as compile_mode
from aesara.graph.basic import Constant
from aesara.graph.rewriting.basic import copy_stack_trace, in2out, node_rewriter
from aesara.tensor.basic import get_vector_length
from aesara.tensor.elemwise import DimShuffle
from aesara.tensor.extra_ops import broadcast_to
from aesara.tensor.random.op import RandomVariable
from aesara.tensor.random.utils import broadcast_params
from aesara.tensor.subtensor import Subtensor, indices_from_subtensor
from aesara.tensor.subtensor_advanced import AdvancedSubtensor, AdvancedSubtensor1
from aesara.tensor.type_other import NoneTypeT

__all__ = [
    "local_dimshuffle_rv_lift",
    "local_rv_size_lift",
    "local_subtensor_rv_lift",
    "random_make_inplace",
]


@node_rewriter([RandomVariable])
def random_make_inplace(fgraph, node):
    """Swap a random variable for its in-place version (validation decides)."""
    op = node.op
    if op.inplace:
        return None
    new_op = copy.copy(op)
    new_op.inplace = True
    new_op.destroy_map = {0: [0]}
    new_node = new_op.make_node(*node.inputs)
    copy_stack_trace(node.outputs, new_node.outputs)
    return new_node.outputs


compile_mode.optdb["inplace_db"].register(
    "random_make_inplace",
    in2out(random_make_inplace, ignore_newtrees=True, name="random_make_inplace"),
    "fast_run",
    "inplace",
    position=60.5,
)


def _size_entries(size):
    return [size[i] for i in range(get_vector_length(size))]


def _core_shape(p, nd):
    return [p.shape[i] for i in range(p.type.ndim - nd, p.type.ndim)]


@node_rewriter([RandomVariable])
def local_rv_size_lift(fgraph, node):
    """``rv(params, size=s)`` -> ``rv(broadcast_to(params, s + core), size=None)``.

    The draws are the same: NumPy draws the same numbers in the same order
    from broadcast parameters as from ``size``.
    """
    op = node.op
    rng, size, dtype, *params = node.inputs
    if get_vector_length(size) == 0:
        return None
    entries = _size_entries(size)
    new_params = [
        p
        if isinstance(p.type, NoneTypeT)
        else broadcast_to(p, entries + _core_shape(p, nd))
        for p, nd in zip(params, op.ndims_params)
    ]
    new_node = op.make_node(rng, None, dtype, *new_params)
    copy_stack_trace(node.outputs, new_node.outputs)
    return new_node.outputs


def _rv_only_used_by(fgraph, rv, node) -> bool:
    return all(client is node for client, _ in fgraph.clients.get(rv, []))


@node_rewriter([DimShuffle])
def local_dimshuffle_rv_lift(fgraph, node):
    """``rv(params).dimshuffle(order)`` -> ``rv(params dimshuffled, size shuffled)``.

    Only batch dimensions may move (the support dimensions must stay last
    and in order), none may be dropped, and the draw must have no other
    reader. Adding length-1 axes keeps the exact draws; transposing keeps
    the distribution.
    """
    ds = node.op
    rv = node.inputs[0]
    rv_node = rv.owner
    if rv_node is None or not isinstance(rv_node.op, RandomVariable):
        return None
    if rv is not rv_node.outputs[1] or not _rv_only_used_by(fgraph, rv, node):
        return None
    op = rv_node.op
    if any(isinstance(p.type, NoneTypeT) for p in rv_node.inputs[3:]):
        return None
    order = list(ds.new_order)
    nsupp = op.ndim_supp
    batch_ndim = rv.type.ndim - nsupp
    if sorted(i for i in order if i != "x") != list(range(rv.type.ndim)):
        return None  # drops a dimension
    if nsupp > 0 and order[len(order) - nsupp :] != list(
        range(batch_ndim, rv.type.ndim)
    ):
        return None  # touches the support dimensions
    batch_order = order[: len(order) - nsupp]
    rng, size, dtype, *params = rv_node.inputs
    size_len = get_vector_length(size)
    new_size = None
    if size_len > 0:
        entries = _size_entries(size)
        new_size = [1 if i == "x" else entries[i] for i in batch_order]
    new_params = []
    for p, nd in zip(params, op.ndims_params):
        pb = p.type.ndim - nd
        if pb > batch_ndim:
            return None
        padded = p.dimshuffle(["x"] * (batch_ndim - pb) + list(range(p.type.ndim)))
        new_params.append(
            padded.dimshuffle(batch_order + list(range(batch_ndim, batch_ndim + nd)))
        )
    new_node = op.make_node(rng, new_size, dtype, *new_params)
    out = new_node.outputs[1]
    copy_stack_trace(node.outputs, out)
    return [out]


def _index_of(node):
    op = node.op
    if isinstance(op, Subtensor):
        return list(indices_from_subtensor(node.inputs[1:], op.idx_list))
    if isinstance(op, AdvancedSubtensor1):
        return [node.inputs[1]]
    return list(node.inputs[1:])


def _is_full_slice(entry) -> bool:
    if isinstance(entry, slice):
        return entry == slice(None) or all(
            x is None or (isinstance(x, Constant) and x.data is None)
            for x in (entry.start, entry.stop, entry.step)
        )
    if isinstance(entry, Constant) and isinstance(entry.data, slice):
        return entry.data == slice(None)
    return False


@node_rewriter([Subtensor, AdvancedSubtensor1, AdvancedSubtensor])
def local_subtensor_rv_lift(fgraph, node):
    """``rv(params)[idx]`` -> ``rv(params broadcast, then [idx])``.

    Only batch dimensions may be indexed (support dimensions take full
    slices), with integers, slices or integer arrays (no boolean masks or new
    axes), and the draw must have no other reader. The new variable draws
    only the selected entries: same distribution, different numbers.
    """
    rv = node.inputs[0]
    rv_node = rv.owner
    if rv_node is None or not isinstance(rv_node.op, RandomVariable):
        return None
    if rv is not rv_node.outputs[1] or not _rv_only_used_by(fgraph, rv, node):
        return None
    op = rv_node.op
    rng, size, dtype, *params = rv_node.inputs
    if any(isinstance(p.type, NoneTypeT) for p in params):
        return None
    idx = _index_of(node)
    batch_ndim = rv.type.ndim - op.ndim_supp
    for entry in idx:
        t = getattr(entry, "type", None)
        if entry is None or isinstance(t, NoneTypeT):
            return None  # new axis
        if t is not None and getattr(t, "dtype", None) == "bool":
            return None  # boolean mask
    if len(idx) > batch_ndim:
        if not all(_is_full_slice(e) for e in idx[batch_ndim:]):
            return None  # indexes a support dimension
        idx = idx[:batch_ndim]
    if not idx:
        return None
    size_len = get_vector_length(size)
    if size_len > 0:
        entries = _size_entries(size)
        full = [
            broadcast_to(p, entries + _core_shape(p, nd))
            for p, nd in zip(params, op.ndims_params)
        ]
    else:
        padded = []
        for p, nd in zip(params, op.ndims_params):
            pb = p.type.ndim - nd
            padded.append(
                p.dimshuffle(["x"] * (batch_ndim - pb) + list(range(p.type.ndim)))
            )
        full = broadcast_params(padded, op.ndims_params)
    new_params = [p[tuple(idx)] for p in full]
    new_node = op.make_node(rng, None, dtype, *new_params)
    out = new_node.outputs[1]
    copy_stack_trace(node.outputs, out)
    return [out]
