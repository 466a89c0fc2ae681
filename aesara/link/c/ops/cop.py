"""The translation of users' C ops: their own ``c_code``, compiled per node.

A :class:`~aesara.link.c.op.COp` brings its C code; its plan builds the
node's extension module (:mod:`aesara.link.c.node_module`), so that the C
VM linker compiles such nodes in parallel with the generated kernels and
DebugMode compares their C code with ``perform``. A compile error is not
turned into a silent fallback: the thunk factory raises it.

The translator is registered for ``COp`` by :mod:`aesara.link.c.op` when
that module is imported: without it no ``COp`` can exist, and compiling a
function need not load the machinery of users' C ops.
"""

from __future__ import annotations

from aesara.graph.utils import MethodNotDefined
from aesara.link.c.registry import CPlan


class _BuildFailed:
    """What a failed build leaves: the error, raised when a thunk is made."""

    def __init__(self, error: BaseException):
        self.error = error


def cop_plan(node) -> CPlan | None:
    """The plan of a C op's node, or ``None`` when it has no C code."""
    from aesara.link.c.compiler import CompileError, CompilerNotFoundError
    from aesara.link.c.node_module import compile_node, make_node_thunk, node_source

    op = node.op
    if hasattr(op, "update_self_openmp"):
        # OpenMP may be switched off, which changes the code's flags.
        op.update_self_openmp()
    try:
        src = node_source(node)
    except (MethodNotDefined, NotImplementedError):
        return None

    def build():
        try:
            return compile_node(src)
        except CompilerNotFoundError:
            raise
        except CompileError as e:
            return _BuildFailed(e)

    def make(artifact, node, storage_map, compute_map, no_recycling):
        if isinstance(artifact, _BuildFailed):
            raise artifact.error
        op.prepare_node(node, storage_map, compute_map, impl="c")
        return make_node_thunk(node, artifact, storage_map, compute_map, no_recycling)

    return CPlan(key=("cop", src.key()), build=build, make=make)
