"""Linear-algebra rewrites that use tags on matrices, and `spectral_radius_bound`.

Importing this module registers the rewrites. Some use facts a user states
on a variable's tag: ``x.tag.symmetric``, ``x.tag.psd`` (positive
semi-definite) and ``x.tag.positive`` (all entries positive). The linear
algebra ops themselves live in :mod:`aesara.tensor.nlinalg` and
:mod:`aesara.tensor.slinalg`; the names Aesara makes available here are
re-exported from there.
"""

from __future__ import annotations

import logging

import aesara.scalar as aes
from aesara.graph.rewriting.basic import node_rewriter
from aesara.tensor import basic as at
from aesara.tensor.blas import Dot22
from aesara.tensor.elemwise import DimShuffle, Elemwise
from aesara.tensor.math import Dot, Prod, dot, log, prod
from aesara.tensor.math import pow as at_pow
from aesara.tensor.nlinalg import Det, MatrixInverse, trace
from aesara.tensor.rewriting.basic import (
    register_canonicalize,
    register_specialize,
    register_stabilize,
)
from aesara.tensor.slinalg import (
    Cholesky,
    Solve,
    SolveTriangular,
    cholesky,
    solve,
    solve_triangular,
)

__all__ = [
    "Cholesky",
    "Det",
    "Dot",
    "Dot22",
    "MatrixInverse",
    "Prod",
    "Solve",
    "SolveTriangular",
    "cholesky",
    "dot",
    "log",
    "prod",
    "solve",
    "solve_triangular",
    "trace",
    "transinv_to_invtrans",
    "inv_as_solve",
    "tag_solve_triangular",
    "no_transpose_symmetric",
    "psd_solve_with_chol",
    "local_det_chol",
    "local_log_prod_sqr",
    "spectral_radius_bound",
]

logger = logging.getLogger(__name__)


def _is_transpose(node) -> bool:
    return isinstance(node.op, DimShuffle) and tuple(node.op.new_order) == (1, 0)


@register_canonicalize
@node_rewriter([DimShuffle])
def transinv_to_invtrans(fgraph, node):
    """``inv(X).T`` -> ``inv(X.T)``."""
    if _is_transpose(node):
        (A,) = node.inputs
        if A.owner and isinstance(A.owner.op, MatrixInverse):
            (X,) = A.owner.inputs
            return [A.owner.op(node.op(X))]
    return None


@register_stabilize
@node_rewriter([Dot, Dot22])
def inv_as_solve(fgraph, node):
    """``dot(inv(A), b)`` -> ``solve(A, b)`` and ``dot(b, inv(A))`` -> ``solve(A.T, b.T).T``.

    With ``A.tag.symmetric`` the second form skips the transpose of ``A``.
    """
    if not isinstance(node.op, (Dot, Dot22)):
        return None
    left, right = node.inputs
    if left.owner and isinstance(left.owner.op, MatrixInverse):
        return [solve(left.owner.inputs[0], right)]
    if right.owner and isinstance(right.owner.op, MatrixInverse):
        A = right.owner.inputs[0]
        if getattr(A.tag, "symmetric", None) is True:
            return [solve(A, left.T).T]
        return [solve(A.T, left.T).T]
    return None


@register_stabilize
@register_canonicalize
@node_rewriter([Solve])
def tag_solve_triangular(fgraph, node):
    """A general ``solve`` whose matrix is a Cholesky factor (or its transpose) -> a triangular solve.

    Aesara 2.9 rebuilds the solve with ``assume_a="sym"``, which makes SciPy
    read the factor as a symmetric matrix and gives wrong results; a
    triangular solve is what the factor's structure allows.
    """
    if not isinstance(node.op, Solve) or node.op.assume_a != "gen":
        return None
    A, b = node.inputs
    if A.owner and isinstance(A.owner.op, Cholesky):
        return [solve_triangular(A, b, lower=A.owner.op.lower)]
    if A.owner and _is_transpose(A.owner):
        (A_T,) = A.owner.inputs
        if A_T.owner and isinstance(A_T.owner.op, Cholesky):
            return [solve_triangular(A, b, lower=not A_T.owner.op.lower)]
    return None


@register_canonicalize
@register_stabilize
@register_specialize
@node_rewriter([DimShuffle])
def no_transpose_symmetric(fgraph, node):
    """``X.T`` -> ``X`` for a matrix tagged ``symmetric``."""
    if _is_transpose(node):
        x = node.inputs[0]
        if x.type.ndim == 2 and getattr(x.tag, "symmetric", None) is True:
            return [x]
    return None


@register_stabilize
@node_rewriter([Solve])
def psd_solve_with_chol(fgraph, node):
    """``solve(A, b)`` with ``A.tag.psd`` -> two triangular solves with ``cholesky(A)``.

    (Aesara 2.9 uses ``Solve(assume_a="sym")`` for the two solves, which reads
    the triangular factors as symmetric matrices; triangular solves are used
    here.)
    """
    if not isinstance(node.op, Solve):
        return None
    A, b = node.inputs
    if getattr(A.tag, "psd", None) is True:
        # A = L L^T: solve with L, then with L^T (both triangular).
        L = cholesky(A)
        Li_b = solve_triangular(L, b, lower=True)
        return [solve_triangular(L.T, Li_b, lower=False)]
    return None


@register_stabilize
@register_specialize
@node_rewriter([Det])
def local_det_chol(fgraph, node):
    """``det(X)`` -> ``prod(diag(L) ** 2)`` when ``L = cholesky(X)`` is computed anyway."""
    if not isinstance(node.op, Det):
        return None
    (x,) = node.inputs
    for client, _ in fgraph.clients.get(x, []):
        if client != "output" and isinstance(client.op, Cholesky):
            L = client.outputs[0]
            return [prod(at.diagonal(L) ** 2)]
    return None


@register_canonicalize
@register_stabilize
@register_specialize
@node_rewriter([Elemwise])
def local_log_prod_sqr(fgraph, node):
    """``log(prod(p))`` -> ``sum(log(p))`` for ``p`` tagged ``positive``."""
    if not (isinstance(node.op, Elemwise) and isinstance(node.op.scalar_op, aes.Log)):
        return None
    (x,) = node.inputs
    if x.owner and isinstance(x.owner.op, Prod):
        p = x.owner.inputs[0]
        # Only valid without negative factors, which the tag rules out.
        if getattr(p.tag, "positive", None) is True:
            return [log(p).sum(axis=x.owner.op.axis)]
    return None


def spectral_radius_bound(X, log2_exponent: int):
    """An upper bound on the largest eigenvalue magnitude of a symmetric matrix.

    Computes ``trace(X ** (2 ** log2_exponent)) ** (2 ** -log2_exponent)``
    (matrix powers by repeated squaring; V. Pan, 1990). Larger exponents give
    tighter bounds at the cost of more products; up to 5 usually suffices.

    Parameters
    ----------
    X
        A square symmetric matrix.
    log2_exponent
        A positive Python ``int``.
    """
    X = at.as_tensor_variable(X)
    if X.type.ndim != 2:
        raise TypeError(
            f"spectral_radius_bound requires a matrix argument, got ndim {X.type.ndim}",
            X,
        )
    if not isinstance(log2_exponent, int) or isinstance(log2_exponent, bool):
        raise TypeError(
            "spectral_radius_bound requires an integer exponent", log2_exponent
        )
    if log2_exponent <= 0:
        raise ValueError(
            "spectral_radius_bound requires a strictly positive exponent",
            log2_exponent,
        )
    XX = X
    for _ in range(log2_exponent):
        XX = dot(XX, XX)
    return at_pow(trace(XX), 2 ** (-log2_exponent))
