"""``PdbBreakpoint``: stop in a debugger inside a compiled function when a condition holds.

The op passes its monitored variables through unchanged (its outputs are
views of them). When the scalar condition is true at run time, it prints a
banner and starts a debugger (``pudb`` or ``ipdb`` when installed, else
``pdb``) inside :meth:`PdbBreakpoint.perform`; the local list ``monitored``
holds the monitored values as NumPy arrays. Values changed there are used
by the rest of the function when execution resumes.

At least one output of the op must be used by the function: a node whose
outputs are all unused is removed from the graph, breakpoint included.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from aesara.gradient import DisconnectedType
from aesara.graph.basic import Apply, Variable
from aesara.graph.op import Op
from aesara.tensor.basic import as_tensor_variable

__all__ = ["PdbBreakpoint"]


def _set_trace() -> None:
    """Start the best available debugger at the caller's frame."""
    import sys

    frame = sys._getframe(1)
    for name in ("pudb", "ipdb"):
        try:
            debugger = __import__(name)
        except ImportError:
            continue
        debugger.set_trace(frame)
        return
    import pdb

    pdb.Pdb().set_trace(frame)


class PdbBreakpoint(Op):
    """An identity on its monitored variables that breaks into a debugger.

    Parameters
    ----------
    name
        Printed when the breakpoint is hit.

    Examples
    --------
    >>> import aesara, aesara.tensor as at
    >>> x = at.vector("x")
    >>> err = (x ** 2).sum()
    >>> err, x_seen = PdbBreakpoint("err too big")(at.gt(err, 100), err, x)
    >>> f = aesara.function([x], err)  # stops in pdb when err > 100
    """

    __props__ = ("name",)

    def __init__(self, name: str):
        self.name = name

    def make_node(self, condition: Any, *monitored_vars: Any) -> Apply:
        if not isinstance(condition, Variable):
            condition = as_tensor_variable(condition)
        if getattr(condition.type, "ndim", 0) != 0:
            raise TypeError(
                f"PdbBreakpoint {self.name!r}: the condition must be a scalar, got a "
                f"variable of type {condition.type}"
            )
        monitored = [
            v if isinstance(v, Variable) else as_tensor_variable(v)
            for v in monitored_vars
        ]
        # One op per application: the view map depends on the number of
        # monitored variables (output i is a view of input i + 1).
        op = type(self)(self.name)
        op.view_map = {i: [i + 1] for i in range(len(monitored))}
        op.inp_types = [v.type for v in monitored]
        return Apply(op, [condition, *monitored], [v.type() for v in monitored])

    def perform(self, node, inputs, output_storage, params=None) -> None:
        condition, *values = inputs
        if not condition:
            for storage, value in zip(output_storage, values):
                storage[0] = value
            return
        try:
            monitored = [np.array(v, copy=True) for v in values]
        except Exception as e:
            raise ValueError(
                f"PdbBreakpoint {self.name!r}: a monitored value could not be "
                "converted to a NumPy array"
            ) from e
        print(
            "\n-------------------------------------------------\n"
            f"Conditional breakpoint '{self.name}' activated\n\n"
            "The monitored variables are in the list 'monitored', in order,\n"
            "as NumPy arrays. Changes made to them are used when execution\n"
            "resumes.\n"
            "-------------------------------------------------"
        )
        _set_trace()
        for storage, var, value in zip(output_storage, node.inputs[1:], monitored):
            storage[0] = var.type.filter(value)

    def grad(self, inputs, output_gradients):
        return [DisconnectedType()(), *output_gradients]

    def infer_shape(self, fgraph, node, input_shapes):
        return input_shapes[1:]

    def connection_pattern(self, node) -> list[list[bool]]:
        n_out = len(node.inputs) - 1
        return [[o == i - 1 for o in range(n_out)] for i in range(len(node.inputs))]
