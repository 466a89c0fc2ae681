"""Aesara's JAX-specific rewrite of random variables, kept by name.

In Aesara, ``size_parameter_as_tuple`` turns a ``size`` argument built by
``MakeVector`` into a tuple so that JAX sees a concrete size. Our JAX backend
computes every ``size`` and shape argument as a static value when it traces
(:mod:`aesara.link.jax.dispatch.basic`, :mod:`aesara.link.jax.dispatch.random`),
so there is nothing to rewrite: the rewriter never applies and is not
registered in ``optdb``.
"""

from __future__ import annotations

from aesara.graph.rewriting.basic import node_rewriter
from aesara.tensor.random.op import RandomVariable

__all__ = ["size_parameter_as_tuple"]


@node_rewriter([RandomVariable])
def size_parameter_as_tuple(fgraph, node):
    """Never applies: our JAX backend already treats ``size`` as static."""
    return False
