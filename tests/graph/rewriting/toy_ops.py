"""Toy ops for the rewriting tests (Python floats, see tests/link/toy.py)."""

from aesara.graph.basic import Apply, Constant
from aesara.graph.op import Op
from tests.link.toy import ToyType, add, div, mul, toy, toy_var  # noqa: F401


class Neg(Op):
    __props__ = ()

    def make_node(self, a):
        return Apply(self, [toy.filter_variable(a)], [toy()])

    def perform(self, node, inputs, out):
        out[0][0] = -inputs[0]

    def __str__(self):
        return "neg"


neg = Neg()


class Inplace(Op):
    """Overwrites input 0 (``destroy_map``) with ``a + b``."""

    __props__ = ()
    destroy_map = {0: [0]}

    def make_node(self, a, b):
        return Apply(self, [a, b], [toy()])

    def perform(self, node, inputs, out):
        out[0][0] = inputs[0] + inputs[1]

    def __str__(self):
        return "inplace_add"


inplace_add = Inplace()


class View(Op):
    """Returns a view of its input (``view_map``)."""

    __props__ = ()
    view_map = {0: [0]}

    def make_node(self, a):
        return Apply(self, [a], [toy()])

    def perform(self, node, inputs, out):
        out[0][0] = inputs[0]

    def __str__(self):
        return "view"


view = View()


def const(v):
    return Constant(toy, float(v))
