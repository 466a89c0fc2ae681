"""The JAX backend: ``mode="JAX"`` compiles a whole graph with ``jax.jit``.

``jax_funcify(fgraph)`` gives the plain JAX function of a graph, to compose
with ``jax.vmap``, ``jax.grad`` or ``jax.jit`` with shardings;
:func:`jax_function` gives the one behind a function compiled with
``mode="JAX"``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from aesara.link.jax.dispatch import jax_funcify, jax_typify
from aesara.link.jax.linker import JAXLinker

__all__ = ["JAXLinker", "jax_funcify", "jax_function", "jax_typify"]


def jax_function(fn: Any) -> Callable:
    """The plain JAX function behind ``fn``, compiled with ``mode="JAX"``.

    It takes the values of ``fn.maker.fgraph.inputs`` (explicit inputs, then
    shared variables) and returns a tuple of the graph's outputs (outputs,
    then updates). Random generators are taken and returned as raw JAX keys.
    """
    vm = getattr(fn, "vm", None)
    jax_fn = getattr(vm, "jax_fn", None)
    if jax_fn is None:
        raise TypeError(
            f"{fn!r} was not compiled with the JAX linker (mode='JAX'); it has no "
            "JAX function"
        )
    return jax_fn
