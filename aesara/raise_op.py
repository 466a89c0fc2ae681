"""Run-time checks in a graph: :class:`CheckAndRaise` and :class:`Assert`.

``CheckAndRaise(exc_type, msg)(value, *conditions)`` returns ``value`` (as a
view) and raises ``exc_type(msg)`` when one of the scalar ``conditions`` is
false. :class:`Assert` is the special case raising ``AssertionError``.

Rewrites: conditions that are constant and true are dropped (and the check
with them when none is left); ``local_remove_all_assert``, which removes
every :class:`Assert`, is registered but runs only when included by name
(``mode.including("local_remove_all_assert")``), since it changes behaviour.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from aesara.graph.basic import Apply, Constant, Variable
from aesara.graph.op import Op
from aesara.graph.rewriting.basic import copy_stack_trace, node_rewriter
from aesara.link.c.type import Generic

__all__ = [
    "Assert",
    "CheckAndRaise",
    "ExceptionType",
    "assert_op",
    "exception_type",
    "local_remove_all_assert",
    "local_remove_useless_assert",
]


class ExceptionType(Generic):
    """The type of an exception class used as an op parameter."""

    def __eq__(self, other):
        return type(self) is type(other)

    def __hash__(self):
        return hash(type(self))

    def __str__(self):
        return "ExceptionType"


exception_type = ExceptionType()


class CheckAndRaise(Op):
    """Return the first input; raise ``exc_type(msg)`` if a condition is false.

    Parameters
    ----------
    exc_type
        The exception class raised (a subclass of ``Exception``).
    msg
        The message given to the exception.
    """

    __props__ = ("msg", "exc_type")
    view_map = {0: [0]}

    def __init__(self, exc_type: type[Exception], msg: str = ""):
        if not (isinstance(exc_type, type) and issubclass(exc_type, Exception)):
            raise ValueError(
                f"CheckAndRaise: exc_type must be an Exception subclass, got {exc_type!r}"
            )
        if not isinstance(msg, str):
            raise TypeError(f"CheckAndRaise: msg must be a str, got {msg!r}")
        self.exc_type = exc_type
        self.msg = msg

    def __str__(self):
        return f"CheckAndRaise{{{self.exc_type.__name__}({self.msg})}}"

    def make_node(self, value: Any, *conds: Any) -> Apply:
        """Check ``conds`` (scalars, true when non-zero) before returning ``value``."""
        from aesara.tensor.basic import as_tensor_variable

        if not isinstance(value, Variable):
            value = as_tensor_variable(value)
        checked = []
        for i, c in enumerate(conds):
            c = as_tensor_variable(c)
            if c.type.ndim != 0:
                raise TypeError(
                    f"{self}: condition {i} must be a scalar, got {c.type}; reduce "
                    "it first, e.g. with `.all()`"
                )
            checked.append(c)
        return Apply(self, [value, *checked], [value.type()])

    def perform(self, node, inputs, output_storage, params=None):
        value, *conds = inputs
        for c in conds:
            if not bool(c):
                raise self.exc_type(self.msg)
        output_storage[0][0] = value

    def infer_shape(self, fgraph, node, input_shapes):
        return [input_shapes[0]]

    def connection_pattern(self, node):
        return [[True]] + [[False]] * (len(node.inputs) - 1)

    def L_op(self, inputs, outputs, output_grads):
        from aesara.gradient import DisconnectedType

        return [output_grads[0]] + [DisconnectedType()() for _ in inputs[1:]]

    def R_op(self, inputs, eval_points):
        if eval_points[0] is None:
            return [None]
        return [self(eval_points[0], *inputs[1:])]


class Assert(CheckAndRaise):
    """Return the first input; raise ``AssertionError(msg)`` if a condition is false.

    A debugging aid: rewrites remove it when its conditions are known to be
    true, and ``local_remove_all_assert`` removes it entirely. Its output must
    be used by the computed graph for the check to run.

    Examples
    --------
    >>> import aesara
    >>> import aesara.tensor as at
    >>> from aesara.raise_op import Assert
    >>> x = at.vector("x")
    >>> f = aesara.function([x], Assert("x is too long")(x, x.size < 3))
    """

    def __init__(self, msg: str = "Aesara Assert failed!"):
        super().__init__(AssertionError, msg)

    def __str__(self):
        return f"Assert{{msg={self.msg}}}"


assert_op = Assert()


# ---------------------------------------------------------------------------
# Rewrites
# ---------------------------------------------------------------------------


def _is_constant_true(c: Variable) -> bool:
    if not isinstance(c, Constant):
        return False
    try:
        return bool(np.all(np.asarray(c.data)))
    except (TypeError, ValueError):
        return False


@node_rewriter([CheckAndRaise])
def local_remove_useless_assert(fgraph, node):
    """Drop the conditions of a check that are constant and true."""
    value, *conds = node.inputs
    kept = [c for c in conds if not _is_constant_true(c)]
    if len(kept) == len(conds):
        return False
    out = node.outputs[0]
    new = node.op(value, *kept) if kept else value
    if new.type != out.type:
        new = out.type.filter_variable(new, allow_convert=True)
    copy_stack_trace(out, new)
    return [new]


@node_rewriter([Assert])
def local_remove_all_assert(fgraph, node):
    """Remove every :class:`Assert` (unsafe: checks are lost).

    Runs only when asked for, e.g. ``mode.including("local_remove_all_assert")``.
    """
    if not isinstance(node.op, Assert):
        return False
    out = node.outputs[0]
    new = node.inputs[0]
    if new.type != out.type:
        new = out.type.filter_variable(new, allow_convert=True)
    copy_stack_trace(out, new)
    return [new]


def _register_rewrites() -> None:
    from aesara.compile.mode import optdb
    from aesara.tensor.rewriting.basic import (
        register_canonicalize,
        register_specialize,
        register_useless,
    )

    register_canonicalize(local_remove_useless_assert)
    register_specialize(local_remove_useless_assert)
    register_useless(local_remove_useless_assert)
    # Off by default: only its own name selects it.
    for stage in ("canonicalize", "stabilize", "specialize"):
        optdb[stage].register(
            "local_remove_all_assert",
            local_remove_all_assert,
            use_db_name_as_tag=False,
        )


_register_rewrites()
