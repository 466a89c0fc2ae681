"""Generic tensor rewrites and the helpers registering rewrites in the stages
of :data:`aesara.compile.mode.optdb`.

``register_canonicalize``, ``register_stabilize``, ``register_specialize``,
``register_uncanonicalize``, ``register_specialize_device`` and
``register_useless`` work as decorators, with or without extra tags::

    @register_canonicalize
    @node_rewriter([Elemwise])
    def local_my_rule(fgraph, node):
        ...

    @register_specialize("fast_compile")
    @node_rewriter([Elemwise])
    def local_other_rule(fgraph, node):
        ...
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from aesara.compile import mode as compile_mode
from aesara.graph.basic import Constant
from aesara.graph.rewriting.basic import (
    NodeRewriter,
    copy_stack_trace,
    in2out,
    node_rewriter,
)
from aesara.graph.rewriting.db import RewriteDatabase

__all__ = [
    "constant_folding",
    "register_canonicalize",
    "register_specialize",
    "register_specialize_device",
    "register_stabilize",
    "register_uncanonicalize",
    "register_useless",
    "topo_constant_folding",
]


def _register_in(db_getter: Callable[[], Any], default_tags: tuple[str, ...]):
    def register(rewriter: Any, *tags: str, **kwargs):
        if isinstance(rewriter, str):
            # Used as ``@register_x("tag", ...)``: the first tag came first.
            def decorator(inner):
                return register(inner, rewriter, *tags, **kwargs)

            return decorator
        if not isinstance(rewriter, (NodeRewriter, RewriteDatabase)) and not hasattr(
            rewriter, "rewrite"
        ):
            raise TypeError(
                f"Can only register rewriters and rewrite databases, got {rewriter!r}"
            )
        name = kwargs.pop("name", None) or getattr(rewriter, "__name__", None)
        if not name:
            raise ValueError(f"Give a name to register {rewriter!r} (name=...)")
        db_getter().register(name, rewriter, *default_tags, *tags, **kwargs)
        return rewriter

    return register


register_useless = _register_in(lambda: compile_mode.local_useless, ("fast_run",))
register_useless.__doc__ = (
    "Register a rewrite that only removes nodes (stage ``useless``)."
)
register_canonicalize = _register_in(
    lambda: compile_mode.optdb["canonicalize"], ("fast_run", "fast_compile")
)
register_canonicalize.__doc__ = "Register a rewrite in the ``canonicalize`` stage."
register_stabilize = _register_in(
    lambda: compile_mode.optdb["stabilize"], ("fast_run",)
)
register_stabilize.__doc__ = "Register a rewrite in the ``stabilize`` stage."
register_specialize = _register_in(
    lambda: compile_mode.optdb["specialize"], ("fast_run",)
)
register_specialize.__doc__ = "Register a rewrite in the ``specialize`` stage."
register_uncanonicalize = _register_in(
    lambda: compile_mode.optdb["uncanonicalize"], ("fast_run",)
)
register_uncanonicalize.__doc__ = "Register a rewrite in the ``uncanonicalize`` stage."
register_specialize_device = _register_in(
    lambda: compile_mode.optdb["specialize_device"], ("fast_run",)
)
register_specialize_device.__doc__ = (
    "Register a rewrite in the ``specialize_device`` stage."
)


@node_rewriter(None)
def constant_folding(fgraph, node):
    """Replace a node whose inputs are all constants by constants of its outputs.

    The node is evaluated once with its Python implementation. Ops can opt
    out through ``do_constant_folding(fgraph, node)`` (e.g. when the result
    would be large or must stay symbolic).
    """
    if not node.inputs or not all(isinstance(i, Constant) for i in node.inputs):
        return False
    if not node.op.do_constant_folding(fgraph, node):
        return False
    storage_map = {i: [i.data] for i in node.inputs}
    compute_map = {i: [True] for i in node.inputs}
    for o in node.outputs:
        storage_map[o] = [None]
        compute_map[o] = [False]
    thunk = node.op.make_thunk(
        node, storage_map, compute_map, no_recycling=[], impl="py"
    )
    thunk()
    out = []
    for o in node.outputs:
        data = storage_map[o][0]
        if not compute_map[o][0] and data is None:
            return False
        c = o.type.make_constant(data)
        copy_stack_trace(o, c)
        out.append(c)
    return out


topo_constant_folding = in2out(
    constant_folding, ignore_newtrees=True, name="topo_constant_folding"
)

register_canonicalize(constant_folding, "fast_compile")
register_useless(constant_folding, "fast_compile")
register_canonicalize(topo_constant_folding, "fast_compile", final_rewriter=True)
register_uncanonicalize(topo_constant_folding, "fast_compile", final_rewriter=True)
register_stabilize(topo_constant_folding, "fast_compile", final_rewriter=True)
register_specialize(topo_constant_folding, "fast_compile", final_rewriter=True)
