"""Symbolic shape tracking (:class:`ShapeFeature`) and the rewrites of shape ops.

:class:`ShapeFeature` gives every tensor variable of a graph a *symbolic
shape*: a tuple of 0-d int64 variables computed from static shapes, from the
``infer_shape`` of the op that computes it and, at the graph's inputs, from
``Shape_i``. Shapes are computed on first request (so a graph nobody asks
about costs nothing) and kept up to date when variables are replaced.

The rewrites here use it so that ``x.shape`` never computes ``x``:
``Shape(x)`` becomes a vector of the inferred sizes and ``Shape_i(x)`` the
inferred size, expressions of the inputs' sizes only.
"""

from __future__ import annotations

import logging
import warnings
from typing import Any

import numpy as np

from aesara.compile import mode as compile_mode
from aesara.configdefaults import config
from aesara.graph.basic import Constant, Variable, equal_computations
from aesara.graph.features import AlreadyThere, Feature
from aesara.graph.rewriting.basic import GraphRewriter, copy_stack_trace, node_rewriter
from aesara.tensor.basic import (
    Alloc,
    MakeVector,
    as_tensor_variable,
    cast,
    constant,
    get_scalar_constant_value,
)
from aesara.tensor.elemwise import DimShuffle, Elemwise
from aesara.tensor.exceptions import NotScalarConstantError, ShapeError
from aesara.tensor.rewriting.basic import (
    register_canonicalize,
    register_specialize,
    register_stabilize,
    register_useless,
)
from aesara.tensor.shape import (
    Reshape,
    Shape,
    Shape_i,
    SpecifyShape,
    Unbroadcast,
    reshape,
    shape_i_op,
    specify_shape,
)
from aesara.tensor.type import TensorType, integer_dtypes
from aesara.tensor.type_other import NoneTypeT

_logger = logging.getLogger("aesara.tensor.rewriting.shape")

__all__ = [
    "ShapeFeature",
    "ShapeOptimizer",
    "UnShapeOptimizer",
    "local_Shape_i_of_broadcastable",
    "local_Shape_of_SpecifyShape",
    "local_merge_consecutive_specify_shape",
    "local_reshape_chain",
    "local_reshape_lift",
    "local_shape_to_shape_i",
    "local_specify_shape_lift",
    "local_track_shape_i",
    "local_useless_dimshuffle_in_reshape",
    "local_useless_reshape",
    "local_useless_specify_shape",
    "local_useless_unbroadcast",
    "local_merge_consecutive_unbroadcast",
]


class ShapeInferenceWarning(UserWarning):
    """An op's ``infer_shape`` failed; the graph falls back to ``Shape_i``."""


def _has_shape(var: Any) -> bool:
    return isinstance(getattr(var, "type", None), TensorType)


def _is_shape_i_of(entry: Variable, var: Variable, i: int | None = None) -> bool:
    """Whether ``entry`` is ``Shape_i(var)`` (for dimension ``i`` when given)."""
    node = entry.owner
    return (
        node is not None
        and isinstance(node.op, Shape_i)
        and node.inputs[0] is var
        and (i is None or node.op.i == i)
    )


class ShapeFeature(Feature):
    """Keep a symbolic shape for every tensor variable of a ``FunctionGraph``.

    Attached, it sets ``fgraph.shape_feature``. ``shape_of[var]`` is a tuple
    of 0-d int64 variables, one per dimension of ``var`` (``None`` for a
    variable that is not a tensor). Shapes are computed when first asked for:

    * a dimension with a static size is that constant;
    * a variable computed by a node gets the shapes its op's
      ``infer_shape`` builds from the input shapes (when that raises or is
      missing, ``Shape_i`` of the variable itself, with a warning for
      unexpected errors, see ``config.on_shape_error``);
    * any other variable (an input) gets ``Shape_i(i)(var)``.

    When a variable is replaced, its replacement keeps what was known about
    the shape, and shapes that referred to ``Shape_i`` of the replaced
    variable are updated.
    """

    def __init__(self):
        self.fgraph = None
        self.shape_of: dict = _ShapeDict(self)
        # var -> variables whose shape holds a Shape_i of var.
        self.shape_of_reverse_index: dict = {}
        self.scheduled: dict = {}
        self.lscalar_one = constant(1, dtype="int64")

    # -- Feature interface --------------------------------------------------------

    def on_attach(self, fgraph):
        if hasattr(fgraph, "shape_feature"):
            raise AlreadyThere("This FunctionGraph already has a ShapeFeature")
        self.fgraph = fgraph
        fgraph.shape_feature = self
        self.shape_of.clear()
        self.shape_of_reverse_index.clear()

    def on_detach(self, fgraph):
        self.shape_of.clear()
        self.shape_of_reverse_index.clear()
        self.scheduled.clear()
        self.fgraph = None
        if getattr(fgraph, "shape_feature", None) is self:
            del fgraph.shape_feature

    def clone(self):
        return type(self)()

    def on_import(self, fgraph, node, reason):
        # Shapes are computed lazily: nothing to do until one is asked for.
        return None

    def on_change_input(self, fgraph, node, i, r, new_r, reason=None):
        if not _has_shape(new_r):
            return
        known = dict.get(self.shape_of, r)
        if known is not None:
            if dict.__contains__(self.shape_of, new_r):
                self.update_shape(new_r, r)
            else:
                # The replacement has the same shape: reuse what was known,
                # rewritten to not mention the replaced variable.
                self.set_shape(
                    new_r,
                    tuple(
                        self.shape_ir(j, new_r) if _is_shape_i_of(s, r) else s
                        for j, s in enumerate(known)
                    ),
                )
        # Shapes mentioning Shape_i(r) now use what is known of new_r.
        dependents = self.shape_of_reverse_index.pop(r, None)
        if dependents:
            for v in list(dependents):
                shp = dict.get(self.shape_of, v)
                if shp is None:
                    continue
                new_shp = []
                for s in shp:
                    if _is_shape_i_of(s, r):
                        new_shp.append(self.shape_of[new_r][s.owner.op.i])
                    else:
                        new_shp.append(s)
                self.set_shape(v, tuple(new_shp), override=True)

    # -- building shape entries ---------------------------------------------------

    def shape_ir(self, i: int, r: Variable) -> Variable:
        """The size of dimension ``i`` of ``r`` without inference: static or ``Shape_i``."""
        static = r.type.shape[i]
        if static is not None:
            return constant(static, dtype="int64")
        return shape_i_op(i)(r)

    def shape_tuple(self, r: Variable) -> tuple | None:
        """``r``'s shape as ``Shape_i`` of ``r`` (constants where static)."""
        if not _has_shape(r):
            return None
        return tuple(self.shape_ir(i, r) for i in range(r.type.ndim))

    def default_infer_shape(self, fgraph, node, i_shapes) -> list:
        """Shapes of ``node``'s outputs read from the outputs themselves."""
        return [self.shape_tuple(o) for o in node.outputs]

    def unpack(self, s_i: Any, var: Variable) -> Variable:
        """Turn one entry returned by ``infer_shape`` into a 0-d int64 variable.

        Raises
        ------
        TypeError
            When the entry is not an integer (or a 0-d integer variable).
        ValueError
            When a constant entry is negative.
        """
        if s_i is None:
            raise TypeError(f"infer_shape returned None as a size of {var}")
        if isinstance(s_i, (bool, np.bool_)):
            raise TypeError(f"infer_shape returned a boolean size ({s_i}) for {var}")
        if isinstance(s_i, (int, np.integer)):
            if s_i < 0:
                raise ValueError(
                    f"infer_shape returned a negative size ({s_i}) for {var}"
                )
            return constant(int(s_i), dtype="int64")
        if isinstance(s_i, (float, np.floating)):
            if float(s_i) != int(s_i) or s_i < 0:
                raise TypeError(
                    f"infer_shape returned a non-integer size {s_i} for {var}"
                )
            return constant(int(s_i), dtype="int64")
        if not isinstance(s_i, Variable):
            s_i = as_tensor_variable(s_i)
        if not isinstance(s_i.type, TensorType):
            # A scalar (aesara.scalar) variable.
            s_i = as_tensor_variable(s_i)
        if s_i.type.ndim != 0:
            raise TypeError(
                f"infer_shape returned a size of {var} with {s_i.type.ndim} dimensions "
                f"({s_i.type}); sizes must be 0-d integers"
            )
        if s_i.type.dtype not in integer_dtypes:
            raise TypeError(
                f"infer_shape returned a size of {var} of dtype {s_i.type.dtype}; "
                "sizes must be integers"
            )
        if isinstance(s_i, Constant):
            value = int(np.asarray(s_i.data))
            if value < 0:
                raise ValueError(
                    f"infer_shape returned a negative size ({value}) for {var}"
                )
            return constant(value, dtype="int64")
        if s_i.type.dtype != "int64":
            s_i = cast(s_i, "int64")
        return s_i

    # -- setting shapes -----------------------------------------------------------

    def _index(self, r: Variable, shp: tuple) -> None:
        for s in shp:
            node = s.owner
            if node is not None and isinstance(node.op, Shape_i):
                self.shape_of_reverse_index.setdefault(node.inputs[0], set()).add(r)

    def set_shape(self, r: Variable, s: Any, override: bool = False) -> None:
        """Record ``s`` (a sequence of sizes, or ``None``) as the shape of ``r``.

        Static sizes of ``r``'s type win over the given entries. Without
        ``override`` an already known shape is kept.
        """
        if not override and dict.__contains__(self.shape_of, r):
            return
        if s is None or not _has_shape(r):
            dict.__setitem__(self.shape_of, r, None)
            return
        s = tuple(s)
        if len(s) != r.type.ndim:
            raise ValueError(
                f"The shape {s} given for {r} has {len(s)} entries; {r} has "
                f"{r.type.ndim} dimensions"
            )
        shp = []
        for static, entry in zip(r.type.shape, s):
            if static is not None:
                shp.append(constant(static, dtype="int64"))
            else:
                shp.append(self.unpack(entry, r))
        shp = tuple(shp)
        dict.__setitem__(self.shape_of, r, shp)
        self._index(r, shp)

    def update_shape(self, r: Variable, other_r: Variable) -> None:
        """Merge what is known of ``other_r``'s shape (equal to ``r``'s) into ``r``'s."""
        other = self.shape_of[other_r]
        if other is None or not _has_shape(r):
            return
        if not dict.__contains__(self.shape_of, r):
            self.set_shape(
                r,
                tuple(
                    self.shape_ir(j, r) if _is_shape_i_of(s, other_r) else s
                    for j, s in enumerate(other)
                ),
            )
            return
        mine = self.shape_of[r]
        merged = []
        for a, b in zip(mine, other):
            if isinstance(a, Constant) or _is_shape_i_of(b, other_r):
                merged.append(a)
            elif isinstance(b, Constant) or _is_shape_i_of(a, r):
                # Prefer anything over a Shape_i of the variable itself: it
                # lets the shape be read without computing r.
                merged.append(b)
            else:
                merged.append(a)
        self.set_shape(r, tuple(merged), override=True)

    def set_shape_i(self, r: Variable, i: int, s_i: Any) -> None:
        """Record ``s_i`` as the size of dimension ``i`` of ``r``."""
        shp = list(self.shape_of[r])
        shp[i] = s_i
        self.set_shape(r, tuple(shp), override=True)

    def init_r(self, r: Variable) -> None:
        """Make sure ``r`` has a shape (computing it if needed)."""
        self.shape_of[r]

    # -- reading shapes -----------------------------------------------------------

    def get_shape(self, *args: Any) -> Variable:
        """The symbolic size of dimension ``idx`` of ``var``.

        Called as ``get_shape(fgraph, var, idx)`` (Aesara's signature) or
        ``get_shape(var, idx)``; the graph is always the one the feature is
        attached to.

        Raises
        ------
        TypeError
            For other arguments, or when ``var`` has no shape.
        """
        if len(args) == 3:
            fgraph, var, idx = args
            if (
                fgraph is not None
                and self.fgraph is not None
                and fgraph is not self.fgraph
            ):
                raise ValueError(
                    "ShapeFeature.get_shape: the graph given is not the one this "
                    "feature is attached to"
                )
        elif len(args) == 2:
            var, idx = args
        else:
            raise TypeError(
                "ShapeFeature.get_shape takes (fgraph, var, idx) or (var, idx), got "
                f"{len(args)} arguments"
            )
        shp = self.shape_of[var]
        if shp is None:
            raise TypeError(f"{var} of type {var.type} has no shape")
        return shp[idx]

    def make_vector_shape(self, r: Variable) -> Variable:
        """``r``'s shape as one int64 vector."""
        shp = self.shape_of[r]
        if not shp:
            return constant(np.zeros((0,), dtype="int64"))
        return MakeVector("int64")(*shp)

    def same_shape(
        self,
        x: Variable,
        y: Variable,
        dim_x: int | None = None,
        dim_y: int | None = None,
    ) -> bool:
        """Whether ``x`` and ``y`` provably have the same shape.

        With ``dim_x``/``dim_y``, compare only those dimensions. ``False``
        means "not known to be equal", not "different".
        """
        sx = self.shape_of[x]
        sy = self.shape_of[y]
        if sx is None or sy is None:
            return False
        if dim_x is not None:
            sx = (sx[dim_x],)
        if dim_y is not None:
            sy = (sy[dim_y],)
        if len(sx) != len(sy):
            return False
        for a, b in zip(sx, sy):
            if a is b:
                continue
            if isinstance(a, Constant) and isinstance(b, Constant):
                if int(np.asarray(a.data)) != int(np.asarray(b.data)):
                    return False
                continue
            if not equal_computations([a], [b]):
                return False
        return True

    # -- lazy computation ---------------------------------------------------------

    def _compute(self, var: Variable) -> None:
        """Compute the shapes of ``var`` and of the ancestors it needs (no recursion)."""
        stack = [var]
        shape_of = self.shape_of
        while stack:
            v = stack[-1]
            if dict.__contains__(shape_of, v):
                stack.pop()
                continue
            if not _has_shape(v):
                dict.__setitem__(shape_of, v, None)
                stack.pop()
                continue
            node = v.owner
            if node is None or isinstance(v, Constant):
                self.set_shape(v, self.shape_tuple(v))
                stack.pop()
                continue
            missing = [i for i in node.inputs if not dict.__contains__(shape_of, i)]
            if missing:
                stack.extend(missing)
                continue
            self._compute_node(node)
            stack.pop()

    def _compute_node(self, node) -> None:
        i_shapes = [dict.get(self.shape_of, i) for i in node.inputs]
        infer = getattr(node.op, "infer_shape", None)
        o_shapes = None
        if infer is not None:
            try:
                o_shapes = infer(self.fgraph, node, i_shapes)
            except (NotImplementedError, AttributeError, ShapeError):
                # Ops without (or with partial) shape inference, and ops that
                # say (ShapeError) they cannot tell: the outputs' own shapes.
                o_shapes = None
            except Exception as e:
                self._shape_error(node, e)
                o_shapes = None
        if o_shapes is not None:
            if not isinstance(o_shapes, (list, tuple)) or len(o_shapes) != len(
                node.outputs
            ):
                self._shape_error(
                    node,
                    ValueError(
                        f"infer_shape returned {o_shapes!r}, expected one shape per "
                        f"output ({len(node.outputs)})"
                    ),
                )
                o_shapes = None
        if o_shapes is None:
            o_shapes = self.default_infer_shape(self.fgraph, node, i_shapes)
        for o, s in zip(node.outputs, o_shapes):
            if not _has_shape(o):
                dict.__setitem__(self.shape_of, o, None)
                continue
            try:
                self.set_shape(o, s)
            except (TypeError, ValueError) as e:
                self._shape_error(node, e)
                self.set_shape(o, self.shape_tuple(o), override=True)

    @staticmethod
    def _shape_error(node, exc: Exception) -> None:
        msg = (
            f"Failed to infer the output shapes of {node.op} (node {node}): "
            f"{type(exc).__name__}: {exc}. Using Shape_i of the outputs instead."
        )
        if config.on_shape_error == "raise":
            raise exc
        _logger.warning(msg)
        warnings.warn(msg, ShapeInferenceWarning, stacklevel=4)


class _ShapeDict(dict):
    """``shape_of``: computes a variable's shape on first access."""

    def __init__(self, feature: ShapeFeature):
        super().__init__()
        self._feature = feature

    def __missing__(self, var):
        self._feature._compute(var)
        return dict.__getitem__(self, var)

    def __contains__(self, var):
        if dict.__contains__(self, var):
            return True
        fg = self._feature.fgraph
        return fg is not None and var in fg.variables

    def get(self, var, default=None):
        if var in self:
            return self[var]
        return default


class ShapeOptimizer(GraphRewriter):
    """Attach a :class:`ShapeFeature`, giving later rewrites ``fgraph.shape_feature``."""

    def add_requirements(self, fgraph):
        fgraph.attach_feature(ShapeFeature())

    def apply(self, fgraph):
        return None


class UnShapeOptimizer(GraphRewriter):
    """Remove the :class:`ShapeFeature` (when no later rewrite needs it)."""

    def apply(self, fgraph):
        feature = getattr(fgraph, "shape_feature", None)
        if feature is not None:
            fgraph.remove_feature(feature)


compile_mode.optdb.register(
    "ShapeOpt", ShapeOptimizer(), "fast_run", "fast_compile", position=0.1
)
compile_mode.optdb.register("UnShapeOpt", UnShapeOptimizer(), position=10)


def _shape_feature(fgraph) -> ShapeFeature | None:
    return getattr(fgraph, "shape_feature", None)


# ----------------------------------------------------------------------------
# Shape and Shape_i
# ----------------------------------------------------------------------------


@register_canonicalize
@register_stabilize
@register_specialize
@node_rewriter([Shape])
def local_shape_to_shape_i(fgraph, node):
    """``Shape(x)`` -> a vector of ``x``'s inferred sizes (which do not compute ``x``)."""
    sf = _shape_feature(fgraph)
    if sf is None:
        return None
    x = node.inputs[0]
    shp = sf.shape_of[x]
    if shp is None:
        return None
    out = sf.make_vector_shape(x)
    copy_stack_trace(node.outputs[0], out)
    return [out]


@register_canonicalize
@register_stabilize
@register_specialize
@node_rewriter([Shape_i])
def local_track_shape_i(fgraph, node):
    """``Shape_i(x)`` -> the inferred size of that dimension of ``x``."""
    sf = _shape_feature(fgraph)
    if sf is None:
        return None
    x = node.inputs[0]
    shp = sf.shape_of[x]
    if shp is None:
        return None
    s = shp[node.op.i]
    if s is node.outputs[0] or _is_shape_i_of(s, x, node.op.i):
        return None
    if s.type != node.outputs[0].type:
        return None
    if _shape_graph_uses(s, node.outputs[0]):
        # The inferred size is computed from this very Shape_i: replacing it
        # would make a cycle.
        return None
    return [s]


def _shape_graph_uses(expr, target, limit: int = 10000) -> bool:
    """Whether the shape expression ``expr`` depends on the variable ``target``.

    Walks the scalar shape graph only: it does not go into the data operand
    of ``Shape``/``Shape_i`` nodes, so the walk stays small.
    """
    seen = set()
    stack = [expr]
    while stack:
        v = stack.pop()
        if v is target:
            return True
        if id(v) in seen or v.owner is None:
            continue
        seen.add(id(v))
        if len(seen) > limit:
            return True  # give up: assume the worst
        if isinstance(v.owner.op, Shape_i | Shape):
            continue
        stack.extend(v.owner.inputs)
    return False


@register_useless
@register_canonicalize
@register_specialize
@node_rewriter([Shape_i])
def local_Shape_i_of_broadcastable(fgraph, node):
    """``Shape_i`` of a dimension whose size is static -> that constant."""
    x = node.inputs[0]
    static = x.type.shape[node.op.i]
    if static is None:
        return None
    return [constant(static, dtype="int64")]


@register_useless
@register_canonicalize
@node_rewriter([Shape_i])
def local_Shape_i_of_alloc(fgraph, node):
    """``Shape_i(alloc(v, *shape))`` -> ``shape[i]``."""
    x = node.inputs[0]
    if x.owner is None or not isinstance(x.owner.op, Alloc):
        return None
    s = x.owner.inputs[1 + node.op.i]
    if s.type.dtype != "int64":
        s = cast(s, "int64")
    return [s]


@register_useless
@register_canonicalize
@node_rewriter([Shape])
def local_Shape_of_SpecifyShape(fgraph, node):
    """``Shape(specify_shape(x, s))`` -> ``s`` (sizes not given come from ``x``)."""
    x = node.inputs[0]
    if x.owner is None or not isinstance(x.owner.op, SpecifyShape):
        return None
    inner, *shape = x.owner.inputs
    entries = []
    for i, s in enumerate(shape):
        if isinstance(s.type, NoneTypeT):
            entries.append(shape_i_op(i)(inner))
        else:
            entries.append(cast(s, "int64") if s.type.dtype != "int64" else s)
    if not entries:
        return [constant(np.zeros((0,), dtype="int64"))]
    return [MakeVector("int64")(*entries)]


# ----------------------------------------------------------------------------
# SpecifyShape and Unbroadcast
# ----------------------------------------------------------------------------


@register_useless
@register_canonicalize
@register_specialize
@node_rewriter([SpecifyShape])
def local_useless_specify_shape(fgraph, node):
    """Drop a ``SpecifyShape`` whose input's static type already guarantees it."""
    x, *shape = node.inputs
    for xs, s in zip(x.type.shape, shape):
        if isinstance(s.type, NoneTypeT):
            continue
        try:
            v = int(get_scalar_constant_value(s, only_process_constants=True))
        except NotScalarConstantError:
            return None
        if xs != v:
            return None
    if node.outputs[0].type != x.type:
        return None
    return [x]


@register_canonicalize
@register_specialize
@node_rewriter([SpecifyShape])
def local_merge_consecutive_specify_shape(fgraph, node):
    """``specify_shape(specify_shape(x, s1), s2)`` -> one ``specify_shape``.

    Sizes given by the outer one win; the inner one fills its ``None`` sizes.
    """
    obj, *shape = node.inputs
    if obj.owner is None or not isinstance(obj.owner.op, SpecifyShape):
        return None
    inner_obj, *inner_shape = obj.owner.inputs
    merged = [
        inner if isinstance(outer.type, NoneTypeT) else outer
        for outer, inner in zip(shape, inner_shape)
    ]
    merged = [None if isinstance(s.type, NoneTypeT) else s for s in merged]
    out = specify_shape(inner_obj, merged)
    if out.type != node.outputs[0].type:
        return None
    copy_stack_trace(node.outputs[0], out)
    return [out]


@register_canonicalize
@node_rewriter([Elemwise])
def local_specify_shape_lift(fgraph, node):
    """``f(specify_shape(x, s))`` for unary ``f`` -> ``specify_shape(f(x), s)``.

    Moving the assertion outwards lets element-wise chains fuse and keeps the
    static shape of the result.
    """
    if len(node.inputs) != 1 or len(node.outputs) != 1:
        return None
    (inp,) = node.inputs
    if inp.owner is None or not isinstance(inp.owner.op, SpecifyShape):
        return None
    if len(fgraph.clients.get(inp, ())) != 1:
        return None
    x, *shape = inp.owner.inputs
    inner = node.op.make_node(x).outputs[0]
    copy_stack_trace(node.outputs[0], inner)
    out = specify_shape(
        inner, [None if isinstance(s.type, NoneTypeT) else s for s in shape]
    )
    if out.type != node.outputs[0].type:
        return None
    return [out]


@register_useless
@register_canonicalize
@register_specialize
@node_rewriter([Unbroadcast])
def local_useless_unbroadcast(fgraph, node):
    """Drop an ``Unbroadcast`` of axes that are not statically 1."""
    x = node.inputs[0]
    keep = [a for a in node.op.axes if x.type.shape[a] == 1]
    if len(keep) == len(node.op.axes):
        return None
    if not keep:
        return [x]
    out = Unbroadcast(*keep)(x)
    copy_stack_trace(node.outputs[0], out)
    return [out]


@register_canonicalize
@register_specialize
@node_rewriter([Unbroadcast])
def local_merge_consecutive_unbroadcast(fgraph, node):
    """``Unbroadcast(Unbroadcast(x))`` -> one ``Unbroadcast`` of the union of axes."""
    x = node.inputs[0]
    if x.owner is None or not isinstance(x.owner.op, Unbroadcast):
        return None
    inner = x.owner.inputs[0]
    axes = sorted(set(node.op.axes) | set(x.owner.op.axes))
    out = Unbroadcast(*axes)(inner)
    if out.type != node.outputs[0].type:
        return None
    copy_stack_trace(node.outputs[0], out)
    return [out]


# ----------------------------------------------------------------------------
# Reshape
# ----------------------------------------------------------------------------


@register_canonicalize("shape_unsafe")
@register_stabilize
@register_specialize
@node_rewriter([Reshape])
def local_reshape_chain(fgraph, node):
    """``reshape(reshape(x, s1), s2)`` -> ``reshape(x, s2)``."""
    x = node.inputs[0]
    if x.owner is None or not isinstance(x.owner.op, Reshape):
        return None
    out = node.op(x.owner.inputs[0], node.inputs[1])
    if out.type != node.outputs[0].type:
        if (
            out.type.dtype != node.outputs[0].type.dtype
            or out.type.ndim != node.outputs[0].type.ndim
        ):
            return None
        out = specify_shape(out, node.outputs[0].type.shape)
        if out.type != node.outputs[0].type:
            return None
    copy_stack_trace(node.outputs, out)
    return [out]


def _reshape_entries(shp: Variable, ndim: int) -> list | None:
    """The entries of a reshape's shape vector, or ``None`` when unknown."""
    if isinstance(shp, Constant):
        return [constant(int(v), dtype="int64") for v in np.asarray(shp.data)]
    if shp.owner is not None and isinstance(shp.owner.op, MakeVector):
        return list(shp.owner.inputs)
    return None


def _same_size(sf, entry: Variable, x: Variable, dim: int) -> bool:
    """Whether the reshape entry is provably the size of dimension ``dim`` of ``x``."""
    static = x.type.shape[dim]
    try:
        v = int(get_scalar_constant_value(entry, only_process_constants=False))
    except NotScalarConstantError:
        v = None
    if v is not None:
        return static is not None and static == v
    if _is_shape_i_of(entry, x, dim):
        return True
    # Shape(x)[dim] written as a Subtensor of Shape(x).
    if entry.owner is not None and entry.owner.inputs:
        base = entry.owner.inputs[0]
        if (
            base.owner is not None
            and isinstance(base.owner.op, Shape)
            and base.owner.inputs[0] is x
            and type(entry.owner.op).__name__ == "Subtensor"
        ):
            try:
                idx = int(get_scalar_constant_value(entry.owner.inputs[1]))
            except (NotScalarConstantError, IndexError):
                return False
            return idx == dim
    if sf is not None and x in sf.shape_of:
        s = sf.shape_of[x][dim]
        if s is entry:
            return True
        ent = entry
        if (
            ent.owner is not None
            and type(ent.owner.op).__name__ == "Elemwise"
            and type(ent.owner.op.scalar_op).__name__ == "Cast"
        ):
            ent = ent.owner.inputs[0]
        if ent is s or (ent.type == s.type and equal_computations([ent], [s])):
            return True
    return False


@register_useless
@register_canonicalize
@register_stabilize
@node_rewriter([Reshape])
def local_useless_reshape(fgraph, node):
    """Drop a ``Reshape`` to the shape its input already has."""
    x, shp = node.inputs
    out = node.outputs[0]
    if x.type.ndim != out.type.ndim:
        return None
    if x.type.ndim == 0:
        return [x] if x.type == out.type else None
    if x.type.ndim == 1 and out.type.ndim == 1 and x.type.shape == out.type.shape:
        # A vector reshaped to one dimension has its own length (or -1).
        return [x]
    if (
        shp.owner is not None
        and isinstance(shp.owner.op, Shape)
        and shp.owner.inputs[0] is x
    ):
        return [x] if x.type == out.type else None
    entries = _reshape_entries(shp, x.type.ndim)
    if entries is None:
        return None
    sf = _shape_feature(fgraph)
    n_unknown = 0
    for dim, e in enumerate(entries):
        if _same_size(sf, e, x, dim):
            continue
        try:
            v = int(get_scalar_constant_value(e))
        except NotScalarConstantError:
            return None
        if v == -1:
            # One -1 among entries matching every other dimension.
            n_unknown += 1
            continue
        return None
    if n_unknown > 1:
        return None
    if x.type == out.type:
        return [x]
    res = specify_shape(x, out.type.shape)
    return [res] if res.type == out.type else None


@register_canonicalize
@register_specialize
@node_rewriter([Reshape])
def local_useless_dimshuffle_in_reshape(fgraph, node):
    """``reshape(x.dimshuffle(order), s)`` -> ``reshape(x, s)`` when ``order`` only
    adds or drops length-1 axes (keeping the other axes in order)."""
    x = node.inputs[0]
    if x.owner is None or not isinstance(x.owner.op, DimShuffle):
        return None
    order = [d for d in x.owner.op.new_order if d != "x"]
    if order != sorted(order):
        return None
    out = node.op(x.owner.inputs[0], node.inputs[1])
    if out.type != node.outputs[0].type:
        return None
    copy_stack_trace(node.outputs, out)
    return [out]


@register_canonicalize
@register_specialize
@node_rewriter([Reshape])
def local_reshape_lift(fgraph, node):
    """``reshape(f(x), s)`` for unary element-wise ``f`` -> ``f(reshape(x, s))``."""
    x = node.inputs[0]
    if x.owner is None or not isinstance(x.owner.op, Elemwise):
        return None
    if len(x.owner.inputs) != 1 or len(x.owner.outputs) != 1:
        return None
    if len(fgraph.clients.get(x, ())) != 1:
        return None
    inner = reshape(x.owner.inputs[0], node.inputs[1], ndim=node.op.ndim)
    copy_stack_trace(node.outputs, inner)
    out = x.owner.op(inner)
    if out.type != node.outputs[0].type:
        if out.type.dtype != node.outputs[0].type.dtype:
            return None
        out = specify_shape(out, node.outputs[0].type.shape)
        if out.type != node.outputs[0].type:
            return None
    copy_stack_trace(node.outputs + x.owner.outputs, out)
    return [out]
