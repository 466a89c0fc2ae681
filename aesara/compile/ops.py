"""Small ops used by the compilation machinery: copies, views and
``as_op``-wrapped Python functions."""

from __future__ import annotations

import copy
import importlib
from collections.abc import Callable, Sequence
from typing import Any

from aesara.graph.basic import Apply, Variable
from aesara.graph.op import Op
from aesara.graph.type import Type

__all__ = [
    "DeepCopyOp",
    "FromFunctionOp",
    "OutputGuard",
    "ViewOp",
    "as_op",
    "UpdatePlaceholder",
    "deep_copy_op",
    "load_back",
    "update_placeholder",
    "view_op",
]


def _as_variable(x: Any, op: Op) -> Variable:
    if isinstance(x, Variable):
        return x
    try:
        from aesara.tensor import as_tensor_variable
    except ImportError:  # pragma: no cover - tensor package missing
        raise TypeError(f"{op} expects a Variable, got {type(x).__name__}") from None
    return as_tensor_variable(x)


class ViewOp(Op):
    """Returns its input unchanged; the output is declared a view of it."""

    __props__ = ()
    view_map = {0: [0]}

    def make_node(self, x: Any) -> Apply:
        x = _as_variable(x, self)
        return Apply(self, [x], [x.type()])

    def perform(self, node, inp, out, params=None):
        (x,) = inp
        out[0][0] = x

    def infer_shape(self, fgraph, node, input_shapes):
        return input_shapes

    def grad(self, args, g_outs):
        return g_outs

    def R_op(self, inputs, eval_points):
        return list(eval_points)

    def __str__(self):
        return "ViewOp"


view_op = ViewOp()


class OutputGuard(ViewOp):
    """A :class:`ViewOp` that also declares it destroys its input.

    Wrapping a function's output in it makes any in-place rewrite that would
    overwrite the output's value invalid for the destroy handler: the value
    is already claimed by this (harmless) "destroyer". Here, the outputs are
    protected by the function's ``Supervisor`` feature instead; the op is kept
    for code that builds such guards itself.
    """

    destroy_map = {0: [0]}
    check_input = False

    def __str__(self):
        return "OutputGuard"


_output_guard = OutputGuard()


def _copy_value(x: Any) -> Any:
    # NumPy arrays and scalars have a fast ``copy``; anything else is deep-copied.
    copier = getattr(x, "copy", None)
    if copier is not None and not isinstance(x, (dict, list, set)):
        try:
            return copier()
        except TypeError:
            pass
    return copy.deepcopy(x)


class DeepCopyOp(Op):
    """Returns a copy of its input (so outputs never alias inputs or storage)."""

    __props__ = ()

    def make_node(self, x: Any) -> Apply:
        x = _as_variable(x, self)
        return Apply(self, [x], [x.type()])

    def perform(self, node, args, outs, params=None):
        outs[0][0] = _copy_value(args[0])

    def infer_shape(self, fgraph, node, input_shapes):
        return input_shapes

    def grad(self, args, g_outs):
        return g_outs

    def __str__(self):
        return "DeepCopyOp"


deep_copy_op = DeepCopyOp()


def load_back(mod: str, name: str) -> Any:
    """Return the object ``name`` of module ``mod``, importing the module.

    Used to unpickle ops made by :func:`as_op` (whose function is pickled by
    reference). ``name`` may be dotted (``"Class.method"``).
    """
    obj = importlib.import_module(mod)
    for part in name.split("."):
        obj = getattr(obj, part)
    return obj


# The name this module used before ``load_back`` was public (old pickles).
_load_back = load_back


class FromFunctionOp(Op):
    """An op computing its outputs with a Python function (see :func:`as_op`).

    Parameters
    ----------
    fn
        ``fn(*input_values)`` returns the output value (or a list of values
        when there are several outputs).
    itypes, otypes
        The types of the inputs and outputs.
    infer_shape
        Optional ``infer_shape(fgraph, node, input_shapes)`` returning the
        output shapes.
    """

    def __init__(
        self,
        fn: Callable,
        itypes: Sequence[Type],
        otypes: Sequence[Type],
        infer_shape: Callable | None,
    ):
        self.__fn = fn
        self.itypes = list(itypes)
        self.otypes = list(otypes)
        self.__infer_shape = infer_shape
        if infer_shape is not None:
            self.infer_shape = self._infer_shape

    def __eq__(self, other):
        return type(self) is type(other) and self.__fn == other.__fn

    def __hash__(self):
        return hash(type(self)) ^ hash(self.__fn)

    def __str__(self):
        return f"FromFunctionOp{{{self.__fn.__name__}}}"

    def perform(self, node, inputs, outputs, params=None):
        outs = self.__fn(*inputs)
        if len(self.otypes) == 1:
            outs = [outs]
        elif not isinstance(outs, (list, tuple)) or len(outs) != len(self.otypes):
            raise TypeError(
                f"{self}: the function must return a list of {len(self.otypes)} values, "
                f"got {type(outs).__name__}"
            )
        for cell, value, t in zip(outputs, outs, self.otypes):
            cell[0] = (
                t.filter(value, strict=False, allow_downcast=False)
                if hasattr(t, "filter")
                else value
            )

    def _infer_shape(self, fgraph, node, input_shapes):
        return self.__infer_shape(fgraph, node, input_shapes)

    def __reduce__(self):
        mod = self.__fn.__module__
        name = self.__fn.__qualname__
        try:
            obj = load_back(mod, name)
        except (ImportError, KeyError, AttributeError):
            obj = None
        if obj is not self:
            raise TypeError(
                f"Cannot pickle {self}: the function it wraps must be decorated "
                "with as_op at the top level of a module"
            )
        return load_back, (mod, name)


def as_op(
    itypes: Sequence[Type], otypes: Sequence[Type], infer_shape: Callable | None = None
) -> Callable:
    """Decorator turning a Python function into an :class:`Op`.

    Parameters
    ----------
    itypes
        The types of the inputs (e.g. ``[dmatrix, dvector]``).
    otypes
        The types of the outputs.
    infer_shape
        Optional ``infer_shape(fgraph, node, input_shapes)``.

    Examples
    --------
    >>> @as_op(itypes=[dvector], otypes=[dvector])  # doctest: +SKIP
    ... def numpy_sort(x):
    ...     return np.sort(x)
    """
    if not isinstance(itypes, (list, tuple)):
        itypes = [itypes]
    if not isinstance(otypes, (list, tuple)):
        otypes = [otypes]
    for i, t in enumerate(itypes):
        if not isinstance(t, Type):
            raise TypeError(f"itypes[{i}] must be an Aesara Type, got {t!r}")
    for i, t in enumerate(otypes):
        if not isinstance(t, Type):
            raise TypeError(f"otypes[{i}] must be an Aesara Type, got {t!r}")
    if infer_shape is not None and not callable(infer_shape):
        raise TypeError("infer_shape must be callable")

    def make_op(fn: Callable) -> FromFunctionOp:
        return FromFunctionOp(fn, itypes, otypes, infer_shape)

    return make_op


class UpdatePlaceholder(Op):
    """Stands for an update of a shared variable that nothing has set yet.

    :class:`~aesara.compile.builders.OpFromGraph` makes it the
    ``default_update`` of the shared variables its inner graph reads, as
    Aesara does: such a variable is then left unchanged by a compiled
    function unless an explicit update (or a rewrite) provides one.
    ``aesara.function`` drops updates that are still placeholders.
    """

    __props__ = ()
    view_map = {0: [0]}

    def make_node(self, x):
        return Apply(self, [x], [x.type()])

    def perform(self, node, inputs, outputs):
        outputs[0][0] = inputs[0]

    def infer_shape(self, fgraph, node, shapes):
        return shapes

    def L_op(self, inputs, outputs, grads):
        return grads

    def __str__(self):
        return type(self).__name__


update_placeholder = UpdatePlaceholder()
