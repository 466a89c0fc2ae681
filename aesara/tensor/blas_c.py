"""Aesara's C-BLAS op names (``CGemv``, ``CGer``) mapped onto our BLAS ops.

In Aesara, ``CGemv``/``CGer`` are the versions of ``Gemv``/``Ger`` that carry
C code, swapped in by the ``use_c_blas`` rewrites. Here the C backend
compiles ``Gemv`` and ``Ger`` themselves (:mod:`aesara.link.c.ops.blas`, which
calls SciPy's BLAS), so no swap is needed to run them in C. :class:`CGemv`
and :class:`CGer` are subclasses of :class:`~aesara.tensor.blas.Gemv` and
:class:`~aesara.tensor.blas.Ger` that compute the same thing, print as
Aesara's do, and are compiled by the same C translation (it is looked up by
class hierarchy).

The rewrites :data:`use_c_gemv`, :data:`use_c_ger`,
:data:`make_c_gemv_destructive` and :data:`make_c_ger_destructive` exist as
in Aesara but are not registered in the default pipeline (the default
graphs keep ``Gemv``/``Ger``); ``use_c_blas`` is available to include by
hand: ``mode.including("c_blas")``.
"""

from __future__ import annotations

import shlex

from aesara.compile import optdb
from aesara.configdefaults import config
from aesara.graph.rewriting.basic import copy_stack_trace, in2out, node_rewriter
from aesara.tensor.blas import (
    Gemv,
    Ger,
    gemv_inplace,
    gemv_no_inplace,
    ger,
    ger_destructive,
)
from aesara.tensor.blas_headers import blas_header_text, blas_header_version
from aesara.tensor.rewriting.blas import blas_optdb

__all__ = [
    "CGemv",
    "CGer",
    "cgemv_inplace",
    "cgemv_no_inplace",
    "cger_inplace",
    "cger_no_inplace",
    "check_force_gemv_init",
    "ldflags",
    "make_c_gemv_destructive",
    "make_c_ger_destructive",
    "use_c_gemv",
    "use_c_ger",
]


class CGemv(Gemv):
    """``Gemv`` under Aesara's C name; computed and compiled exactly as ``Gemv``."""

    __props__ = ("inplace",)

    def __str__(self) -> str:
        return "CGemv{inplace}" if self.inplace else "CGemv{no_inplace}"


class CGer(Ger):
    """``Ger`` under Aesara's C name; computed and compiled exactly as ``Ger``."""

    __props__ = ("destructive",)

    def __str__(self) -> str:
        return "CGer{destructive}" if self.destructive else "CGer{non-destructive}"


cgemv_inplace = CGemv(inplace=True)
cgemv_no_inplace = CGemv(inplace=False)
cger_inplace = CGer(destructive=True)
cger_no_inplace = CGer(destructive=False)


def check_force_gemv_init() -> bool:
    """Whether ``Gemv`` must zero its output before a ``beta == 0`` call.

    Some BLAS libraries read the output buffer even when ``beta`` is 0 (so
    NaNs in uninitialised memory leak through). Our BLAS thunks never pass
    uninitialised memory with ``beta == 0``, so this is always False.
    """
    return False


def ldflags(
    libs: bool = True,
    flags: bool = False,
    libs_dir: bool = False,
    include_dir: bool = False,
) -> list[str]:
    """The parts of ``config.blas__ldflags`` of the requested kinds.

    Parameters
    ----------
    libs
        Library names (``-lfoo`` gives ``"foo"``).
    flags
        Other flags, as written.
    libs_dir
        Library directories (``-L/dir`` gives ``"/dir"``).
    include_dir
        Include directories (``-I/dir`` gives ``"/dir"``).

    Returns
    -------
    list of str
        In the order they appear in the flag string.
    """
    out = []
    for token in shlex.split(config.blas__ldflags):
        if token.startswith("-l"):
            if libs:
                out.append(token[2:])
        elif token.startswith("-L"):
            if libs_dir:
                out.append(token[2:])
        elif token.startswith("-I"):
            if include_dir:
                out.append(token[2:])
        elif flags:
            out.append(token)
    return out


@node_rewriter([Gemv])
def use_c_gemv(fgraph, node):
    """``Gemv`` -> ``CGemv`` (same computation, Aesara's C op name)."""
    if type(node.op) is not Gemv:
        return False
    new = (cgemv_inplace if node.op.inplace else cgemv_no_inplace)(*node.inputs)
    copy_stack_trace(node.outputs[0], new)
    return [new]


@node_rewriter([Ger])
def use_c_ger(fgraph, node):
    """``Ger`` -> ``CGer`` (same computation, Aesara's C op name)."""
    if type(node.op) is not Ger:
        return False
    new = (cger_inplace if node.op.destructive else cger_no_inplace)(*node.inputs)
    copy_stack_trace(node.outputs[0], new)
    return [new]


@node_rewriter([CGemv])
def make_c_gemv_destructive(fgraph, node):
    """``CGemv{no_inplace}`` -> ``CGemv{inplace}`` (writes into ``y``)."""
    if not isinstance(node.op, CGemv) or node.op.inplace:
        return False
    if node.inputs[0].type != node.outputs[0].type:
        return False
    new = cgemv_inplace(*node.inputs)
    copy_stack_trace(node.outputs[0], new)
    return [new]


@node_rewriter([CGer])
def make_c_ger_destructive(fgraph, node):
    """``CGer{non-destructive}`` -> ``CGer{destructive}`` (writes into ``A``)."""
    if not isinstance(node.op, CGer) or node.op.destructive:
        return False
    if node.inputs[0].type != node.outputs[0].type:
        return False
    new = cger_inplace(*node.inputs)
    copy_stack_trace(node.outputs[0], new)
    return [new]


# Only under the ``c_blas`` tag, which no predefined mode includes: see the
# module docstring. Registered once (a re-import finds them there already).
if "use_c_blas" not in blas_optdb:
    blas_optdb.register(
        "use_c_blas",
        in2out(use_c_gemv, use_c_ger, name="use_c_blas"),
        "c_blas",
        position=20,
    )
    optdb.register(
        "c_blas_destructive",
        in2out(
            make_c_gemv_destructive, make_c_ger_destructive, name="c_blas_destructive"
        ),
        "c_blas",
        "inplace",
        position=70.0,
    )

__all__ += [
    "Gemv",
    "Ger",
    "blas_header_text",
    "blas_header_version",
    "blas_optdb",
    "gemv_inplace",
    "gemv_no_inplace",
    "ger",
    "ger_destructive",
]
