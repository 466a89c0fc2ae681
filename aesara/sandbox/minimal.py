"""`Minimal`: the smallest complete op, a template for writing new ops."""

from __future__ import annotations

import numpy as np

from aesara.graph.basic import Apply
from aesara.graph.op import Op
from aesara.tensor.type import lscalar

__all__ = ["Minimal", "minimal"]


class Minimal(Op):
    """An op taking any number of inputs and returning the ``int64`` scalar 0.

    ``perform`` prints how many inputs it got and the maximum of the first
    one. Ops without parameters compare equal, so the merge rewrite may
    merge two identical applications: ``perform`` must not depend on
    anything but ``__props__`` and the inputs.
    """

    __props__ = ()

    def make_node(self, *args):
        return Apply(op=self, inputs=list(args), outputs=[lscalar()])

    def perform(self, node, inputs, outputs):
        # The inputs are plain Python/NumPy values here; they must not be
        # changed, and the output must not alias them.
        print(f"perform got {len(inputs)} arguments")
        if inputs:
            print("Max of input[0] is ", np.max(inputs[0]))
        outputs[0][0] = np.asarray(0, dtype="int64")


minimal = Minimal()
