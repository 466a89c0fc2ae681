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
from aesara.graph.rewriting.basic import copy_stack_trace, in2out, node_rewriter
from aesara.tensor.basic import get_vector_length
from aesara.tensor.elemwise import DimShuffle
from aesara.tensor.extra_ops import broadcast_to
from aesara.tensor.random.op import RandomVariable
from aesara.tensor.random.utils import broadcast_params
from aesara.tensor.subtensor import Subtensor, indices_from_subtensor
from aesara.tensor.subtensor_advanced import (
    AdvancedSubtensor,
    AdvancedSubtensor1,
    indexed_result_shape,
)
from aesara.tensor.type_other import NoneTypeT

__all__ = [
    "is_rv_used_in_graph",
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


def is_rv_used_in_graph(base_rv, node, fgraph) -> bool:
    """Whether ``base_rv`` has a use in ``fgraph`` other than ``node``.

    Shape queries (``Shape``, ``Shape_i``) do not count: they read no drawn
    value. A graph output counts, unless ``node`` itself computes it.

    Parameters
    ----------
    base_rv
        A variable of ``fgraph`` (usually a random variable's draw).
    node
        The node whose use of ``base_rv`` is to be ignored.
    fgraph
        The graph holding both.
    """
    from aesara.tensor.shape import Shape, Shape_i

    for client, index in fgraph.clients.get(base_rv, ()):
        if client == "output":
            client = fgraph.outputs[index].owner
        if client is node:
            continue
        if client is not None and isinstance(client.op, (Shape, Shape_i)):
            continue
        return True
    return False


def _rv_only_used_by(fgraph, rv, node) -> bool:
    return all(client is node for client, _ in fgraph.clients.get(rv, []))


@node_rewriter([DimShuffle])
def local_dimshuffle_rv_lift(fgraph, node):
    """``rv(params, size).dimshuffle(order)`` -> ``rv(params', size')``.

    The dimensions of a univariate draw are *replications* (the leading
    ones that only ``size`` creates) followed by *independent* dimensions
    (those the parameters broadcast to). As in Aesara, the lift happens when
    the ``DimShuffle`` keeps the two groups apart:

    * it only rearranges replications (or adds length-1 axes among them):
      only ``size`` changes and the parameters stay as they are;
    * its independent dimensions all come from independent dimensions: the
      part of ``order`` from the first independent dimension on is applied
      to the parameters (padded to a common rank first, so they keep
      broadcasting together) and ``size``, if given, is reordered.

    Multivariate draws, draws read by other nodes, and shuffles that mix
    the two groups or drop a dimension are left alone.
    """
    ds = node.op
    rv = node.inputs[0]
    rv_node = rv.owner
    if rv_node is None or not isinstance(rv_node.op, RandomVariable):
        return None
    op = rv_node.op
    if op.ndim_supp != 0:
        return None
    if rv is not rv_node.outputs[1] or not _rv_only_used_by(fgraph, rv, node):
        return None
    rng, size, dtype, *params = rv_node.inputs
    if any(isinstance(p.type, NoneTypeT) for p in params):
        return None
    order = list(ds.new_order)
    kept = [d for d in order if d != "x"]
    if sorted(kept) != list(range(rv.type.ndim)):
        return None  # drops a dimension
    n_ind = max((p.type.ndim for p in params), default=0)
    n_rep = rv.type.ndim - n_ind
    size_len = get_vector_length(size)
    if n_rep > 0 and size_len == 0:
        return None  # replications without a size: nothing to reorder
    ind_positions = [k for k, d in enumerate(order) if d != "x" and d >= n_rep]
    rep_entries = [d for d in order if d != "x" and d < n_rep]
    # The independent dimensions must come after every replication, in the
    # output: otherwise the shuffle mixes the two groups.
    if ind_positions and any(d != "x" and d < n_rep for d in order[ind_positions[0] :]):
        return None
    if len(rep_entries) != n_rep:
        return None
    if size_len > 0:
        entries = _size_entries(size)
        new_size = [1 if d == "x" else entries[d] for d in order]
    else:
        new_size = None
    if size_len > 0 and n_ind == 0:
        # Only replications move: the parameters are untouched.
        new_params = list(params)
    else:
        # With a size, the axes before the first independent one belong to
        # it; without one, the parameters make every axis.
        start = ind_positions[0] if size_len > 0 else 0
        param_order = ["x" if d == "x" else d - n_rep for d in order[start:]]
        new_params = []
        for p in params:
            # Pad to the common rank so that every parameter takes the same
            # reordering and they still broadcast against each other.
            padded = p.dimshuffle(
                ["x"] * (n_ind - p.type.ndim) + list(range(p.type.ndim))
            )
            new_params.append(padded.dimshuffle(param_order))
    new_node = op.make_node(rng, new_size, dtype, *new_params)
    out = new_node.outputs[1]
    if rv.name:
        out.name = f"{rv.name}_lifted"
    copy_stack_trace(node.outputs, out)
    return [out]


def _index_of(node):
    op = node.op
    if isinstance(op, Subtensor):
        return list(indices_from_subtensor(node.inputs[1:], op.idx_list))
    if isinstance(op, AdvancedSubtensor1):
        return [node.inputs[1]]
    return list(node.inputs[1:])


@node_rewriter([Subtensor, AdvancedSubtensor1, AdvancedSubtensor])
def local_subtensor_rv_lift(fgraph, node):
    """``rv(params, size)[idx]`` -> ``rv(params', size')`` for univariate draws.

    As in Aesara, the draw's dimensions are split into *replications* (the
    leading ones only ``size`` creates) and *independent* dimensions (those
    the parameters broadcast to). Index entries on replications only change
    the size: the new size is the shape of the indexed result. Entries on
    independent dimensions are applied to the parameters, broadcast against
    each other first. The new variable draws only the selected entries: the
    same distribution, not the same numbers.

    Multivariate draws, draws read by other nodes, boolean masks and new
    axes are left alone.
    """
    rv = node.inputs[0]
    rv_node = rv.owner
    if rv_node is None or not isinstance(rv_node.op, RandomVariable):
        return None
    op = rv_node.op
    if op.ndim_supp != 0:
        return None
    if rv is not rv_node.outputs[1] or not _rv_only_used_by(fgraph, rv, node):
        return None
    rng, size, dtype, *params = rv_node.inputs
    if any(isinstance(p.type, NoneTypeT) for p in params):
        return None
    idx = _index_of(node)
    if not idx:
        return None
    for entry in idx:
        t = getattr(entry, "type", None)
        if entry is None or isinstance(t, NoneTypeT):
            return None  # new axis
        if t is not None and getattr(t, "dtype", None) == "bool":
            return None  # boolean mask
    n_ind = max((p.type.ndim for p in params), default=0)
    n_rep = rv.type.ndim - n_ind
    if len(idx) > n_rep:
        ind_idx = tuple(idx[n_rep:])
        full = broadcast_params(list(params), op.ndims_params)
        new_params = [p[ind_idx] for p in full]
    else:
        new_params = list(params)
    rv_shape = [rv.shape[d] for d in range(rv.type.ndim)]
    new_size = list(indexed_result_shape(rv_shape, idx))
    new_node = op.make_node(rng, new_size, dtype, *new_params)
    out = new_node.outputs[1]
    copy_stack_trace(node.outputs, out)
    return [out]
