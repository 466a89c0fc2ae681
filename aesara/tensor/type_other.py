"""Non-tensor types used inside tensor graphs: ``None`` placeholders and slices.

Advanced indexing takes its index as graph inputs, so ``None`` (a new axis)
and ``slice`` objects need types of their own: :class:`NoneTypeT` and
:class:`SliceType`. :class:`MakeSlice` builds a slice from (symbolic) integer
start, stop and step.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from aesara.graph.basic import Apply, Constant, Variable, _as_symbolic
from aesara.graph.op import Op
from aesara.graph.type import Type
from aesara.link.c.type import Generic


class NoneTypeT(Generic):
    """The type whose only value is ``None`` (e.g. an unspecified shape entry)."""

    __props__ = ()

    def is_valid_value(self, data: Any, strict: bool = True) -> bool:
        """Whether ``data`` is ``None``."""
        return data is None

    def filter(
        self, x: Any, strict: bool = False, allow_downcast: bool | None = None
    ) -> None:
        if x is None:
            return x
        raise TypeError(f"Expected None, got {x!r}")

    def __str__(self) -> str:
        return "NoneTypeT"


none_type_t = NoneTypeT()

NoneConst = Constant(none_type_t, None, name="NoneConst")


# ---------------------------------------------------------------------------
# Slices
# ---------------------------------------------------------------------------


def _slice_part(v: Any) -> int | None:
    """A slice component as a plain Python ``int`` (or ``None``)."""
    if v is None:
        return None
    if isinstance(v, (bool, np.bool_)):
        raise TypeError(f"slice indices must be integers or None, got {v!r}")
    if isinstance(v, (int, np.integer)):
        return int(v)
    if isinstance(v, np.ndarray) and v.ndim == 0 and v.dtype.kind in "iu":
        return int(v)
    raise TypeError(f"slice indices must be integers or None, got {v!r}")


class SliceType(Type):
    """The type of Python ``slice`` objects (whose parts are ints or ``None``)."""

    __props__ = ()

    def filter(
        self, x: Any, strict: bool = False, allow_downcast: bool | None = None
    ) -> slice:
        if isinstance(x, slice):
            return x
        raise TypeError(f"Expected a slice, got {type(x).__name__}: {x!r}")

    def __str__(self) -> str:
        return "slice"

    @staticmethod
    def may_share_memory(a, b) -> bool:
        # Slices are immutable and hold no buffers.
        return False


slicetype = SliceType()


class SliceConstant(Constant):
    """A slice known when the graph is built; compares by its parts."""

    def __init__(self, type: SliceType, data: slice, name: str | None = None):
        if not isinstance(data, slice):
            raise TypeError(
                f"SliceConstant needs a slice, got {type(data).__name__}: {data!r}"
            )
        data = slice(
            _slice_part(data.start), _slice_part(data.stop), _slice_part(data.step)
        )
        super().__init__(type, data, name)

    def signature(self):
        return (SliceConstant, self.data.start, self.data.stop, self.data.step)

    def __str__(self) -> str:
        if self.name is not None:
            return self.name
        d = self.data
        return f"{type(self).__name__}{{{d.start}, {d.stop}, {d.step}}}"


SliceType.constant_type = SliceConstant


def _as_int_none_variable(x: Any, what: str) -> Variable:
    """``NoneConst`` for ``None``, else a 0-d integer tensor variable."""
    if x is None or x is NoneConst:
        return NoneConst
    if isinstance(x, Variable) and isinstance(x.type, NoneTypeT):
        return x
    from aesara.tensor.basic import as_tensor_variable

    if isinstance(x, (bool, np.bool_)):
        raise TypeError(f"MakeSlice: the {what} must be an integer or None, got {x!r}")
    v = as_tensor_variable(x)
    if getattr(v.type, "ndim", None) != 0:
        raise TypeError(
            f"MakeSlice: the {what} must be a scalar (0-d), got {v.type} ({x!r})"
        )
    if v.type.dtype[:3] not in ("int", "uin"):
        raise TypeError(
            f"MakeSlice: the {what} must be an integer or None, got dtype {v.type.dtype}"
        )
    return v


class MakeSlice(Op):
    """Build a ``slice`` from integer scalars or ``None`` (``start, stop, step``)."""

    __props__ = ()

    def make_node(self, slc, stop=None, step=None):
        if isinstance(slc, slice):
            if stop is not None or step is not None:
                raise TypeError(
                    "MakeSlice: give either one slice or start/stop/step, not both"
                )
            parts = [slc.start, slc.stop, slc.step]
        else:
            parts = [slc, stop, step]
        inputs = [
            _as_int_none_variable(p, what)
            for p, what in zip(parts, ("start", "stop", "step"))
        ]
        return Apply(self, inputs, [slicetype()])

    def perform(self, node, inputs, output_storage, params=None):
        output_storage[0][0] = slice(*[_slice_part(v) for v in inputs])

    def grad(self, inputs, output_grads):
        from aesara.gradient import DisconnectedType

        return [DisconnectedType()() for _ in inputs]

    def connection_pattern(self, node):
        return [[False] for _ in node.inputs]

    def __str__(self) -> str:
        return "MakeSlice"


make_slice = MakeSlice()


def as_symbolic_slice(x: Any) -> Variable:
    """Return ``x`` (a Python slice or a slice variable) as a slice variable."""
    if isinstance(x, Variable) and isinstance(x.type, SliceType):
        return x
    if not isinstance(x, slice):
        raise TypeError(f"Expected a slice, got {type(x).__name__}: {x!r}")
    if all(
        p is None or (isinstance(p, (int, np.integer)) and not isinstance(p, bool))
        for p in (x.start, x.stop, x.step)
    ):
        return SliceConstant(slicetype, x)
    return make_slice(x)


@_as_symbolic.register(slice)
def _as_symbolic_slice(x, **kwargs):
    return as_symbolic_slice(x)


@_as_symbolic.register(type(None))
def _as_symbolic_none(x, **kwargs):
    return NoneConst


__all__ = [
    "NoneTypeT",
    "none_type_t",
    "NoneConst",
    "SliceType",
    "SliceConstant",
    "slicetype",
    "MakeSlice",
    "make_slice",
    "as_symbolic_slice",
]


def as_int_none_variable(x: Any) -> Variable:
    """``NoneConst`` for ``None``, else ``x`` as a 0-d integer tensor variable.

    Raises ``TypeError`` for booleans, non-scalars and non-integer dtypes.
    """
    return _as_int_none_variable(x, "value")
