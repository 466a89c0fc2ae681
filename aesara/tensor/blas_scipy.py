"""Aesara's SciPy-BLAS op names (``ScipyGer``) mapped onto our ``Ger``.

In Aesara, ``ScipyGer`` is the ``Ger`` whose Python implementation calls
SciPy's ``?ger``. Our :class:`~aesara.tensor.blas.Ger` already computes with
SciPy's BLAS routines, so :class:`ScipyGer` is a subclass that only prints
under Aesara's name. The rewrites :data:`use_scipy_blas` and
:data:`make_scipy_blas_destructive` are registered under the ``scipy_blas``
tag only, which no predefined mode includes (the default graphs keep
``Ger``): ``mode.including("scipy_blas")`` applies them.
"""

from __future__ import annotations

import importlib.util

from aesara.compile import optdb
from aesara.graph.rewriting.basic import copy_stack_trace, in2out, node_rewriter
from aesara.tensor.blas import Ger, ger, ger_destructive
from aesara.tensor.rewriting.blas import blas_optdb

__all__ = [
    "ScipyGer",
    "have_fblas",
    "make_ger_destructive",
    "make_scipy_blas_destructive",
    "scipy_ger_inplace",
    "scipy_ger_no_inplace",
    "use_scipy_blas",
    "use_scipy_ger",
]

#: Whether SciPy's BLAS wrappers are available (checked without importing
#: ``scipy.linalg``, which is slow to import).
have_fblas = importlib.util.find_spec("scipy") is not None


class ScipyGer(Ger):
    """``Ger`` under Aesara's SciPy name; computes exactly as ``Ger``."""

    __props__ = ("destructive",)

    def __str__(self) -> str:
        return (
            "ScipyGer{destructive}" if self.destructive else "ScipyGer{non-destructive}"
        )


scipy_ger_no_inplace = ScipyGer(destructive=False)
scipy_ger_inplace = ScipyGer(destructive=True)


@node_rewriter([Ger])
def use_scipy_ger(fgraph, node):
    """``Ger`` -> ``ScipyGer``."""
    if type(node.op) is not Ger:
        return False
    op = scipy_ger_inplace if node.op.destructive else scipy_ger_no_inplace
    new = op(*node.inputs)
    copy_stack_trace(node.outputs[0], new)
    return [new]


@node_rewriter([ScipyGer])
def make_ger_destructive(fgraph, node):
    """``ScipyGer{non-destructive}`` -> ``ScipyGer{destructive}``."""
    if not isinstance(node.op, ScipyGer) or node.op.destructive:
        return False
    if node.inputs[0].type != node.outputs[0].type:
        return False
    new = scipy_ger_inplace(*node.inputs)
    copy_stack_trace(node.outputs[0], new)
    return [new]


use_scipy_blas = in2out(use_scipy_ger, name="use_scipy_blas")
make_scipy_blas_destructive = in2out(
    make_ger_destructive, name="make_scipy_blas_destructive"
)

if "scipy_blas" not in blas_optdb:
    blas_optdb.register("scipy_blas", use_scipy_blas, "scipy_blas", position=100)
    optdb.register(
        "make_scipy_blas_destructive",
        make_scipy_blas_destructive,
        "scipy_blas",
        "inplace",
        position=70.0,
    )

__all__ += ["Ger", "blas_optdb", "ger", "ger_destructive"]
