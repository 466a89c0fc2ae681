"""Sparse matrices in the JAX backend: refused when the graph is compiled.

JAX has no counterpart of SciPy's csr/csc matrices (``jax.experimental.sparse``
is a different, experimental format), so no sparse op is translated.
Rather than failing on the first sparse op without a translation, or on
the first call with a SciPy value JAX cannot take, :func:`reject_sparse`
refuses the whole graph up front, naming the sparse variable, the op that
makes or uses it, and the backends that do run sparse graphs.
"""

from __future__ import annotations

import sys

from aesara.graph.basic import Apply, Constant, Variable
from aesara.graph.fg import FunctionGraph
from aesara.link.jax.dispatch.basic import JAXTranslationError, _node_location

__all__ = ["reject_sparse"]


def _is_sparse(var: Variable) -> bool:
    # No sparse variable exists unless the sparse type has been imported:
    # checking ``sys.modules`` keeps this check from importing SciPy.
    module = sys.modules.get("aesara.sparse.type")
    return module is not None and isinstance(var.type, module.SparseTensorType)


def _first_sparse(fgraph: FunctionGraph) -> tuple[Variable, str, Apply | None] | None:
    """The first sparse variable of ``fgraph``, what it is, and the node involved."""
    for var in fgraph.inputs:
        if _is_sparse(var):
            user = next(
                (c[0] for c in fgraph.clients.get(var, []) if isinstance(c[0], Apply)),
                None,
            )
            role = "an input of the function"
            if user is not None:
                role += f" (used by the op {user.op})"
            return var, role, user
    for node in fgraph.toposort():
        for var in node.outputs:
            if _is_sparse(var):
                return var, f"produced by the sparse op {node.op}", node
        for var in node.inputs:
            if _is_sparse(var):
                kind = "a sparse constant" if isinstance(var, Constant) else "a value"
                return var, f"{kind} used by the op {node.op}", node
    for var in fgraph.outputs:
        if _is_sparse(var):
            return var, "an output of the function", None
    return None


def reject_sparse(fgraph: FunctionGraph) -> None:
    """Raise :class:`JAXTranslationError` if ``fgraph`` holds a sparse matrix.

    Raises
    ------
    JAXTranslationError
        Naming the first sparse variable found, its op, and the backends to
        use instead.
    """
    found = _first_sparse(fgraph)
    if found is None:
        return
    var, role, node = found
    name = var.name or str(var)
    raise JAXTranslationError(
        f"The JAX backend cannot compile graphs with sparse matrices: {name!r} "
        f"(type {var.type}) is {role}. JAX has no SciPy sparse values, and no "
        "sparse op has a JAX translation. Compile this function with the Numba "
        "backend (mode='NUMBA'), which runs csr/csc matrices, or the C/Python "
        "backends (mode='FAST_RUN' or 'FAST_COMPILE'); or convert to a dense "
        "tensor (aesara.sparse.dense_from_sparse) before the part of the graph "
        "that must run in JAX." + _node_location(node)
    )
