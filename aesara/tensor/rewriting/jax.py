"""Rewrites that let the JAX backend compile boolean-mask indexing.

JAX must know the number of true entries of a boolean mask when it traces a
graph (it is a shape), so ``x[mask]`` with a mask computed from the data
cannot be compiled. Two common uses can be written without that shape:

* ``set_subtensor(x[mask], y)`` / ``inc_subtensor(x[mask], y)`` with a
  scalar ``y`` -> ``where(mask, y, x)`` / ``where(mask, x + y, x)``;
* ``sum(x[mask])`` -> ``sum(where(mask, x, 0))``.

They are registered in ``optdb`` with the ``jax`` tag (position 100), so only
the JAX mode applies them.

``shape_parameter_as_tuple`` is Aesara's rewrite turning ``MakeVector``
shape arguments into tuples for JAX. Our JAX backend computes every shape
argument as a static value when it traces (see
:mod:`aesara.link.jax.dispatch.basic`), so there is nothing to rewrite: the
name is kept for code that imports it, as a rewriter that never applies, and
it is not registered.
"""

from __future__ import annotations

import aesara.tensor as at
from aesara.compile import optdb
from aesara.graph.rewriting.basic import in2out, node_rewriter
from aesara.tensor.math import Sum
from aesara.tensor.shape import Reshape
from aesara.tensor.subtensor_advanced import AdvancedIncSubtensor, AdvancedSubtensor
from aesara.tensor.var import TensorVariable

__all__ = [
    "boolean_indexing_set_or_inc",
    "boolean_indexing_sum",
    "shape_parameter_as_tuple",
]


def _full_mask(x, index) -> bool:
    """Whether ``index`` is one boolean mask covering every dimension of ``x``."""
    return (
        isinstance(index, TensorVariable)
        and index.type.dtype == "bool"
        and index.type.ndim == x.type.ndim
    )


@node_rewriter([AdvancedIncSubtensor])
def boolean_indexing_set_or_inc(fgraph, node):
    """``set_subtensor(x[mask], y) -> where(mask, y, x)`` (and the ``inc`` form).

    Applies when the only index is a mask with the dimensions of ``x`` and
    ``y`` is a scalar (or has only length-1 dimensions), so that it
    broadcasts the same way against ``x`` as against ``x[mask]``.
    """
    if len(node.inputs) != 3:
        return False
    x, y, mask = node.inputs
    if not _full_mask(x, mask):
        return False
    if y.type.ndim > x.type.ndim or not all(s == 1 for s in y.type.shape):
        return False
    if node.op.set_instead_of_inc:
        new = at.where(mask, y, x)
    else:
        new = at.where(mask, x + y, x)
    out = node.outputs[0]
    return [out.type.filter_variable(new.astype(out.type.dtype), allow_convert=True)]


@node_rewriter([Sum])
def boolean_indexing_sum(fgraph, node):
    """``sum(x[mask]) -> sum(where(mask, x, 0))`` for a mask covering all of ``x``."""
    operand = node.inputs[0]
    src = operand.owner
    if src is None or not isinstance(src.op, AdvancedSubtensor) or len(src.inputs) != 2:
        return False
    x, mask = src.inputs
    if not _full_mask(x, mask):
        return False
    out = node.outputs[0]
    new = at.sum(at.where(mask, x, at.zeros((), dtype=x.type.dtype)))
    return [out.type.filter_variable(new.astype(out.type.dtype), allow_convert=True)]


@node_rewriter([Reshape])
def shape_parameter_as_tuple(fgraph, node):
    """Never applies: our JAX backend already treats shape arguments as static.

    Kept under Aesara's name; see the module docstring.
    """
    return False


optdb.register(
    "jax_boolean_indexing_set_or_inc",
    in2out(boolean_indexing_set_or_inc),
    "jax",
    position=100,
)
optdb.register(
    "jax_boolean_indexing_sum", in2out(boolean_indexing_sum), "jax", position=100
)
