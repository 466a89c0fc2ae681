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

import numpy as np

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
    # Folding is the compiler's evaluation, not the user's: a log(0) or 0/0
    # met here must not surface as a RuntimeWarning (the inf/nan is kept).
    with np.errstate(all="ignore"):
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


# ============================================================================
# Structural rewrites of basic tensor ops: fill/alloc, casts, switch, join,
# MakeVector and trivial element-wise ops.
# ============================================================================

import numpy as _np  # noqa: E402

import aesara.scalar.basic as _aes  # noqa: E402
from aesara.tensor import basic as _atb  # noqa: E402
from aesara.tensor.elemwise import Elemwise as _Elemwise  # noqa: E402
from aesara.tensor.exceptions import NotScalarConstantError as _NSCE  # noqa: E402

__all__ += [
    "local_alloc_sink_dimshuffle",
    "local_canonicalize_alloc",
    "local_cast_cast",
    "local_elemwise_alloc",
    "local_fill_sink",
    "local_fill_to_alloc",
    "local_join_1",
    "local_join_empty",
    "local_join_make_vector",
    "local_merge_alloc",
    "local_merge_switch_same_cond",
    "local_useless_alloc",
    "local_useless_cast",
    "local_useless_elemwise",
    "local_useless_fill",
    "local_useless_make_vector",
    "local_useless_switch",
]


def _scalar_op_is(node: Any, cls: type) -> bool:
    """Whether ``node`` is a plain ``Elemwise`` of a ``cls`` scalar op.

    Subclasses of ``Elemwise`` are other ops (matching is by equality, class
    included, as in Aesara): rewrites that match a scalar op leave them alone.
    """
    return (
        node is not None
        and type(node.op) is _Elemwise
        and isinstance(node.op.scalar_op, cls)
    )


def _as_dtype(var: Any, dtype: str) -> Any:
    """``var`` cast to ``dtype`` (``var`` itself when it has that dtype)."""
    return var if var.type.dtype == dtype else _atb.cast(var, dtype)


def _is_fill(var: Any) -> bool:
    return _scalar_op_is(getattr(var, "owner", None), _aes.Second)


def _const_value(v: Any) -> Any:
    """The single value of a constant (or constant-valued) variable, else ``None``."""
    try:
        return _atb.get_scalar_constant_value(v, elemwise=False)
    except _NSCE:
        return None


def _shape_entry(fgraph: Any, var: Any, i: int) -> Any:
    """Symbolic size of dimension ``i`` of ``var`` (through the shape feature if any)."""
    from aesara.tensor.shape import shape_i

    return shape_i(var, i, fgraph)


def _same_size(fgraph: Any, a: Any, da: int, b: Any, db: int) -> bool:
    """Whether dimension ``da`` of ``a`` provably has the size of dimension ``db`` of ``b``."""
    sa, sb = a.type.shape[da], b.type.shape[db]
    if sa is not None and sb is not None:
        return sa == sb
    sf = getattr(fgraph, "shape_feature", None)
    if sf is not None and a in sf.shape_of and b in sf.shape_of:
        return sf.same_shape(a, b, da, db)
    return a is b and da == db


def _size_is(fgraph: Any, var: Any, i: int, size: Any) -> bool:
    """Whether dimension ``i`` of ``var`` provably has size ``size`` (a variable)."""
    static = var.type.shape[i]
    value = _const_value(size)
    if value is not None:
        return static is not None and static == int(value)
    node = size.owner
    if node is not None and type(node.op).__name__ == "Shape_i":
        return node.op.i == i and node.inputs[0] is var
    if (
        node is not None
        and _scalar_op_is(node, _aes.Cast)
        and node.inputs[0].type.dtype in ("int64", "int32")
    ):
        return _size_is(fgraph, var, i, node.inputs[0])
    sf = getattr(fgraph, "shape_feature", None)
    if sf is not None and var in sf.shape_of:
        from aesara.graph.basic import equal_computations

        entry = sf.shape_of[var][i]
        if entry is size:
            return True
        if size.type == entry.type and equal_computations([entry], [size]):
            return True
    return False


def _broadcast_to_type(var: Any, ref: Any) -> Any:
    """``var`` with the type of ``ref`` when only static information differs, else ``None``."""
    if var.type == ref.type:
        return var
    if var.type.dtype != ref.type.dtype or var.type.ndim != ref.type.ndim:
        return None
    if not var.type.is_super(ref.type):
        return None
    from aesara.tensor.shape import specify_shape

    out = specify_shape(var, ref.type.shape)
    return out if out.type == ref.type else None


# -- casts ----------------------------------------------------------------------


@register_useless
@register_canonicalize
@register_specialize
@node_rewriter([_Elemwise])
def local_useless_cast(fgraph, node):
    """A cast to the dtype its input already has -> the input."""
    if not _scalar_op_is(node, _aes.Cast):
        return None
    x = node.inputs[0]
    if x.type.dtype != node.outputs[0].type.dtype:
        return None
    return [_broadcast_to_type(x, node.outputs[0]) or None]


@register_canonicalize
@register_specialize
@node_rewriter([_Elemwise])
def local_cast_cast(fgraph, node):
    """``cast(cast(x, t1), t2)`` -> ``cast(x, t2)`` when ``t1`` holds every value of ``x``.

    The intermediate cast is exact then, so skipping it gives the same
    values (``cast(cast(x_float32, float64), float32)`` is ``x``).
    """
    if not _scalar_op_is(node, _aes.Cast):
        return None
    inner = node.inputs[0]
    if not _scalar_op_is(inner.owner, _aes.Cast):
        return None
    x = inner.owner.inputs[0]
    t1 = inner.type.dtype
    if not _np.can_cast(x.type.dtype, t1, casting="safe"):
        return None
    out = _atb.cast(x, node.outputs[0].type.dtype)
    copy_stack_trace(node.outputs[0], out)
    return [_broadcast_to_type(out, node.outputs[0])]


# -- trivial element-wise ops ---------------------------------------------------


def _all_const(x: Any, value: Any, dtype: str, ref: Any) -> Any:
    """A tensor of ``value`` with the shape of ``ref`` (built from ``fill``)."""
    c = _atb.constant(_np.asarray(value, dtype=dtype))
    return _atb.second(ref, c)


@register_canonicalize
@register_specialize
@node_rewriter([_Elemwise])
def local_useless_elemwise(fgraph, node):
    """Element-wise ops with a known result.

    * ``eq(x, x)``/``le``/``ge`` -> ones and ``neq(x, x)``/``lt``/``gt`` ->
      zeros for integer and boolean ``x`` (floats may hold NaN);
    * ``and(x, x)``, ``or(x, x)``, ``maximum(x, x)``, ``minimum(x, x)`` -> ``x``;
    * ``identity(x)`` (``tensor_copy``) and one-input ``add``/``mul`` -> ``x``.
    """
    if type(node.op) is not _Elemwise or len(node.outputs) != 1:
        return None
    sop = node.op.scalar_op
    out = node.outputs[0]
    inputs = node.inputs
    if len(inputs) == 2 and inputs[0] is inputs[1]:
        x = inputs[0]
        discrete = x.type.dtype.startswith(("int", "uint", "bool"))
        if discrete and isinstance(sop, (_aes.EQ, _aes.LE, _aes.GE)):
            return [_broadcast_to_type(_all_const(x, True, "bool", x), out)]
        if discrete and isinstance(sop, (_aes.NEQ, _aes.LT, _aes.GT)):
            return [_broadcast_to_type(_all_const(x, False, "bool", x), out)]
        if isinstance(sop, (_aes.AND, _aes.OR, _aes.Maximum, _aes.Minimum)):
            if x.type.dtype == out.type.dtype:
                return [_broadcast_to_type(x, out)]
    if len(inputs) == 1 and not node.op.inplace_pattern:
        x = inputs[0]
        if isinstance(sop, (_aes.Add, _aes.Mul)) or type(sop) is _aes.Identity:
            if x.type.dtype == out.type.dtype:
                return [_broadcast_to_type(x, out)]
    return None


# -- fill (second) ---------------------------------------------------------------


@register_canonicalize
@register_specialize
@node_rewriter([_Elemwise])
def local_useless_fill(fgraph, node):
    """``fill(x, v)`` -> ``v`` when ``v`` already has the shape of the result."""
    if not _scalar_op_is(node, _aes.Second):
        return None
    x, v = node.inputs
    out = node.outputs[0]
    if v.type.dtype != out.type.dtype or v.type.ndim != out.type.ndim:
        return None
    for d in range(out.type.ndim):
        # fill's result is broadcast(x, v): v suffices when x is 1 there or
        # both have the same size.
        if x.type.shape[d] == 1:
            continue
        if not _same_size(fgraph, x, d, v, d):
            return None
    return [_broadcast_to_type(v, out)]


@register_canonicalize
@node_rewriter([_Elemwise])
def local_fill_sink(fgraph, node):
    """``f(fill(a, b), c)`` -> ``fill(a, f(b, c))``.

    Computing ``f`` on the (smaller) filled value first, then broadcasting,
    does less work and exposes ``f(b, c)`` to other rewrites.
    """
    if isinstance(node.op.scalar_op, _aes.Second) or len(node.outputs) != 1:
        return None
    models = []
    inputs = []
    for i in node.inputs:
        if _is_fill(i) and len(fgraph.clients.get(i, ())) == 1:
            models.append(i.owner.inputs[0])
            inputs.append(i.owner.inputs[1])
        else:
            inputs.append(i)
    if not models:
        return None
    c = node.op(*inputs)
    copy_stack_trace(node.outputs[0], c)
    for m in models:
        if c.type.ndim < m.type.ndim or any(
            cs != ms and ms != 1 for cs, ms in zip(c.type.shape, m.type.shape)
        ):
            c = _atb.second(m, c)
        elif m.type.shape != c.type.shape or c.type.ndim != node.outputs[0].type.ndim:
            c = _atb.second(m, c)
        else:
            # Same static shape: only the run-time shape of m could differ.
            if not all(
                _same_size(fgraph, m, d, c, d) or m.type.shape[d] == 1
                for d in range(m.type.ndim)
            ):
                c = _atb.second(m, c)
    out = _broadcast_to_type(c, node.outputs[0])
    if out is None:
        return None
    return [out]


@register_specialize
@register_stabilize
@node_rewriter([_Elemwise])
def local_fill_to_alloc(fgraph, node):
    """``fill(x, v)`` -> ``alloc(v, *shape(x))`` when ``v`` only has length-1 dimensions.

    The result no longer depends on the values of ``x`` (only its shape).
    """
    if not _scalar_op_is(node, _aes.Second):
        return None
    x, v = node.inputs
    out = node.outputs[0]
    if v.type.dtype != out.type.dtype:
        return None
    if not all(s == 1 for s in v.type.shape):
        return None
    if v.type.ndim and v.type.ndim == x.type.ndim:
        # Drop the length-1 axes so alloc broadcasts a 0-d value.
        v = v.dimshuffle([])
    shape = [_shape_entry(fgraph, x, i) for i in range(x.type.ndim)]
    new = _atb.alloc(v, *shape)
    copy_stack_trace(out, new)
    return [_broadcast_to_type(new, out)]


# -- alloc -------------------------------------------------------------------------


@register_useless
@register_canonicalize
@register_stabilize
@register_specialize
@node_rewriter([_atb.Alloc])
def local_useless_alloc(fgraph, node):
    """``alloc(v, *shape)`` -> ``v`` when ``v`` already has that shape."""
    v, *shape = node.inputs
    out = node.outputs[0]
    if v.type.ndim != out.type.ndim or v.type.dtype != out.type.dtype:
        return None
    for i, s in enumerate(shape):
        if not _size_is(fgraph, v, i, s):
            return None
    return [_broadcast_to_type(v, out)]


@register_canonicalize
@register_specialize
@node_rewriter([_atb.Alloc])
def local_canonicalize_alloc(fgraph, node):
    """``alloc(v, 1, ..., 1, *shape(v))`` -> ``v`` with length-1 axes added on the left."""
    v, *shape = node.inputs
    out = node.outputs[0]
    n_new = out.type.ndim - v.type.ndim
    if n_new <= 0:
        return None
    for s in shape[:n_new]:
        value = _const_value(s)
        if value is None or int(value) != 1:
            return None
    for i, s in enumerate(shape[n_new:]):
        if not _size_is(fgraph, v, i, s):
            return None
    new = v.dimshuffle(["x"] * n_new + list(range(v.type.ndim)))
    copy_stack_trace(out, new)
    return [_broadcast_to_type(new, out)]


@register_canonicalize
@register_specialize
@node_rewriter([_atb.Alloc])
def local_merge_alloc(fgraph, node):
    """``alloc(alloc(v, *s1), *s2)`` -> ``alloc(v, *s2)``."""
    inner, *shape = node.inputs
    if inner.owner is None or not isinstance(inner.owner.op, _atb.Alloc):
        return None
    v = inner.owner.inputs[0]
    new = _atb.alloc(v, *shape)
    copy_stack_trace(node.outputs[0], new)
    return [_broadcast_to_type(new, node.outputs[0])]


@register_canonicalize
@register_specialize
@node_rewriter([_Elemwise])
def local_elemwise_alloc(fgraph, node):
    """Drop ``alloc``s feeding an element-wise op when another input gives the shape.

    ``f(alloc(v, *shape(y)), y)`` -> ``f(v, y)``: ``v`` broadcasts to the
    shape ``y`` already has, so allocating the big array is not needed.
    """
    if len(node.outputs) != 1:
        return None
    out = node.outputs[0]
    allocs = [
        i
        for i in node.inputs
        if i.owner is not None and isinstance(i.owner.op, _atb.Alloc)
    ]
    if not allocs:
        return None
    new_inputs = list(node.inputs)
    changed = False
    for a in allocs:
        others = [
            i
            for i in node.inputs
            if i is not a and not (i.owner and isinstance(i.owner.op, _atb.Alloc))
        ]
        v, *shape = a.owner.inputs
        # Some other input must provably have the alloc's full shape.
        provider = None
        for o in others:
            if o.type.ndim == a.type.ndim and all(
                _size_is(fgraph, o, d, s) for d, s in enumerate(shape)
            ):
                provider = o
                break
        if provider is None and not _alloc_shape_is_broadcast_of(
            fgraph, shape, others, a.type.ndim
        ):
            continue
        pad = a.type.ndim - v.type.ndim
        nv = v.dimshuffle(["x"] * pad + list(range(v.type.ndim))) if pad else v
        new_inputs = [nv if i is a else i for i in new_inputs]
        changed = True
    if not changed:
        return None
    new = node.op(*new_inputs)
    copy_stack_trace(out, new)
    return [_broadcast_to_type(new, out)]


local_alloc_sink_dimshuffle = local_elemwise_alloc


def _broadcast_atoms(fgraph: Any, size: Any, depth: int = 0) -> frozenset | None:
    """The sizes a dimension-size expression broadcasts together, or None.

    Gradients allocate arrays of the broadcast shape of several inputs, built
    as ``switch(eq(a, 1), b, a)`` (``b`` where ``a`` is 1, else ``a``). This
    maps such an expression to the set of its leaves (``Shape_i`` of a
    variable, or a constant other than 1); two expressions with the same set
    are the same broadcast size. Anything else is its own leaf.
    """
    if depth > 32:
        return None
    value = _const_value(size)
    if value is not None:
        return frozenset() if int(value) == 1 else frozenset([("c", int(value))])
    node = size.owner
    if node is None:
        return frozenset([("v", size)])
    if type(node.op).__name__ == "Shape_i":
        return frozenset([("s", node.inputs[0], node.op.i)])
    if _scalar_op_is(node, _aes.Cast):
        return _broadcast_atoms(fgraph, node.inputs[0], depth + 1)
    if _scalar_op_is(node, _aes.Switch):
        cond, then, other = node.inputs
        cn = cond.owner
        if (
            cn is not None
            and _scalar_op_is(cn, _aes.EQ)
            and cn.inputs[0] is other
            and _const_value(cn.inputs[1]) == 1
        ):
            left = _broadcast_atoms(fgraph, other, depth + 1)
            right = _broadcast_atoms(fgraph, then, depth + 1)
            if left is None or right is None:
                return None
            return left | right
    if (
        _scalar_op_is(node, _aes.Composite)
        and len(node.outputs) == 1
        and len(node.op.scalar_op.outputs) == 1
    ):
        # After fusion the switch pattern lives inside a Composite.
        comp = node.op.scalar_op
        outer = dict(zip(comp.inputs, node.inputs))
        return _scalar_broadcast_atoms(fgraph, comp.outputs[0], outer, depth + 1)
    return frozenset([("v", size)])


def _scalar_broadcast_atoms(
    fgraph: Any, var: Any, outer: dict, depth: int
) -> frozenset | None:
    """:func:`_broadcast_atoms` over the scalar graph inside a Composite."""
    if depth > 32:
        return None
    if var in outer:
        return _broadcast_atoms(fgraph, outer[var], depth + 1)
    node = var.owner
    if node is None:
        data = getattr(var, "data", None)
        if data is None:
            return None
        return frozenset() if int(data) == 1 else frozenset([("c", int(data))])
    if isinstance(node.op, _aes.Switch):
        cond, then, other = node.inputs
        cn = cond.owner
        one = cn.inputs[1] if cn is not None and len(cn.inputs) == 2 else None
        if (
            cn is not None
            and isinstance(cn.op, _aes.EQ)
            and cn.inputs[0] is other
            and one.owner is None
            and getattr(one, "data", None) is not None
            and int(one.data) == 1
        ):
            left = _scalar_broadcast_atoms(fgraph, other, outer, depth + 1)
            right = _scalar_broadcast_atoms(fgraph, then, outer, depth + 1)
            if left is None or right is None:
                return None
            return left | right
    return None


def _alloc_shape_is_broadcast_of(
    fgraph: Any, shape: list, others: list, ndim: int
) -> bool:
    """Whether each alloc size is exactly the broadcast of ``others``' sizes."""
    sf = getattr(fgraph, "shape_feature", None)
    if sf is None or not others or len(shape) != ndim:
        return False
    for d, size in enumerate(shape):
        want = _broadcast_atoms(fgraph, size)
        if want is None:
            return False
        have: frozenset = frozenset()
        for o in others:
            k = d - (ndim - o.type.ndim)
            if k < 0 or o.type.shape[k] == 1:
                continue
            if o not in sf.shape_of:
                return False
            atoms = _broadcast_atoms(fgraph, sf.shape_of[o][k])
            if atoms is None:
                return False
            have = have | atoms
        if have != want:
            return False
    return True


# -- switch ------------------------------------------------------------------------


@register_canonicalize
@register_specialize
@node_rewriter([_Elemwise])
def local_useless_switch(fgraph, node):
    """``switch(c, a, b)`` with a constant ``c`` -> ``a`` or ``b``; ``switch(c, a, a)`` -> ``a``.

    The chosen branch is broadcast (with ``fill``) to the result's shape when
    it may be smaller.
    """
    if not _scalar_op_is(node, _aes.Switch):
        return None
    cond, a, b = node.inputs
    out = node.outputs[0]
    c = (
        _const_value(cond)
        if cond.type.ndim == 0 or isinstance(cond, Constant)
        else None
    )
    if c is None and isinstance(cond, Constant):
        data = _np.asarray(cond.data)
        if data.size and (data.all() or not data.any()):
            c = data.flat[0]
    if c is not None:
        chosen = a if bool(c) else b
    elif a is b:
        chosen = a
    else:
        return None
    res = chosen
    if res.type.dtype != out.type.dtype:
        res = _atb.cast(res, out.type.dtype)
    # The result's shape also depends on the condition and the other branch.
    for other in (cond, b if chosen is a else a):
        if other is chosen:
            continue
        if all(
            other.type.shape[d] == 1 or _same_size(fgraph, other, d, res, d)
            for d in range(res.type.ndim)
        ):
            continue
        res = _atb.second(other, res)
    new = _broadcast_to_type(res, out)
    if new is None:
        return None
    copy_stack_trace(out, new)
    return [new]


@register_canonicalize
@node_rewriter([_Elemwise])
def local_merge_switch_same_cond(fgraph, node):
    """``f(switch(c, a, b), switch(c, x, y))`` -> ``switch(c, f(a, x), f(b, y))``."""
    if len(node.outputs) != 1 or len(node.inputs) < 2:
        return None
    if isinstance(node.op.scalar_op, (_aes.Switch, _aes.Second)):
        return None
    conds = []
    for i in node.inputs:
        if not _scalar_op_is(i.owner, _aes.Switch):
            return None
        conds.append(i.owner.inputs[0])
    if any(c is not conds[0] for c in conds[1:]):
        return None
    # Each branch in the switch's dtype: ``f`` saw the upcast values, and on
    # a narrower branch it would round (float32) or overflow (int8) early.
    lefts = [_as_dtype(i.owner.inputs[1], i.type.dtype) for i in node.inputs]
    rights = [_as_dtype(i.owner.inputs[2], i.type.dtype) for i in node.inputs]
    new = _atb.switch(conds[0], node.op(*lefts), node.op(*rights))
    copy_stack_trace(node.outputs[0], new)
    return [_broadcast_to_type(new, node.outputs[0])]


# -- MakeVector and Join -------------------------------------------------------------


@register_useless
@register_canonicalize
@register_specialize
@node_rewriter([_atb.MakeVector])
def local_useless_make_vector(fgraph, node):
    """``make_vector(x[0], x[1], ..., x[n-1])`` for a length-``n`` vector ``x`` -> ``x``."""
    from aesara.tensor.subtensor import Subtensor

    out = node.outputs[0]
    base = None
    for k, e in enumerate(node.inputs):
        if e.owner is None or not isinstance(e.owner.op, Subtensor):
            return None
        x = e.owner.inputs[0]
        if base is None:
            base = x
        if x is not base or x.type.ndim != 1:
            return None
        idx = e.owner.op.get_constant_idx(e.owner.inputs, allow_partial=True)
        if len(idx) != 1 or not isinstance(idx[0], int) or idx[0] != k:
            return None
    if base is None or base.type.dtype != out.type.dtype:
        return None
    if not _size_is(fgraph, base, 0, _atb.constant(len(node.inputs), dtype="int64")):
        return None
    return [_broadcast_to_type(base, out)]


def _join_parts(node: Any):
    from aesara.tensor._join import Join

    if not isinstance(node.op, Join):
        return None
    axis, *tensors = node.inputs
    value = _const_value(axis)
    return (None if value is None else int(value)), tensors


@register_useless
@register_canonicalize
@register_specialize
@node_rewriter([_atb.Join])
def local_join_1(fgraph, node):
    """``join(axis, x)`` -> ``x``."""
    parts = _join_parts(node)
    if parts is None:
        return None
    _, tensors = parts
    if len(tensors) != 1:
        return None
    x = tensors[0]
    out = node.outputs[0]
    if x.type.dtype != out.type.dtype:
        return None
    return [_broadcast_to_type(x, out)]


@register_useless
@register_canonicalize
@register_specialize
@node_rewriter([_atb.Join])
def local_join_empty(fgraph, node):
    """Drop the inputs of a ``join`` that are statically empty along the axis."""
    parts = _join_parts(node)
    if parts is None:
        return None
    axis, tensors = parts
    if axis is None or len(tensors) < 2:
        return None
    ndim = tensors[0].type.ndim
    axis = axis % ndim
    keep = [t for t in tensors if t.type.shape[axis] != 0]
    if len(keep) == len(tensors):
        return None
    out = node.outputs[0]
    if not keep:
        keep = tensors[:1]
    new = keep[0] if len(keep) == 1 else node.op(node.inputs[0], *keep)
    if new.type.dtype != out.type.dtype:
        new = _atb.cast(new, out.type.dtype)
    copy_stack_trace(out, new)
    return [_broadcast_to_type(new, out)]


@register_canonicalize
@register_specialize
@node_rewriter([_atb.Join])
def local_join_make_vector(fgraph, node):
    """Merge consecutive ``make_vector`` inputs of a vector ``join`` into one."""
    parts = _join_parts(node)
    if parts is None:
        return None
    axis, tensors = parts
    out = node.outputs[0]
    if out.type.ndim != 1 or len(tensors) < 2:
        return None

    def is_mv(t):
        return (
            t.owner is not None
            and isinstance(t.owner.op, _atb.MakeVector)
            and t.type.dtype == out.type.dtype
        )

    new_tensors = [tensors[0]]
    changed = False
    for t in tensors[1:]:
        prev = new_tensors[-1]
        if is_mv(t) and is_mv(prev):
            new_tensors[-1] = _atb.MakeVector(out.type.dtype)(
                *prev.owner.inputs, *t.owner.inputs
            )
            changed = True
        else:
            new_tensors.append(t)
    if not changed:
        return None
    new = (
        new_tensors[0]
        if len(new_tensors) == 1
        else node.op(node.inputs[0], *new_tensors)
    )
    copy_stack_trace(out, new)
    return [_broadcast_to_type(new, out)]


# Fusion (position 49) gathers the element-wise work of a gradient into one
# node; only then does that node see every input an ``alloc`` of the
# broadcast shape was made for, so the alloc is looked at again there.
compile_mode.optdb.register(
    "local_elemwise_alloc_after_fusion",
    in2out(local_elemwise_alloc, name="local_elemwise_alloc_after_fusion"),
    "fast_run",
    position=49.2,
)
