"""Tests of the graph IR. Toy types and ops shared by the test modules live
here, at module level, so graphs built from them can be pickled."""

from __future__ import annotations

from aesara.graph.basic import Apply, Constant, Variable
from aesara.graph.op import Op
from aesara.graph.type import Type


class MyType(Type):
    """A float-valued toy type; ``MyType(None)`` accepts every ``MyType``."""

    __props__ = ("thingy",)

    def __init__(self, thingy: int | None = 1):
        self.thingy = thingy

    def filter(self, data, strict=False, allow_downcast=None):
        if strict and not isinstance(data, float):
            raise TypeError(f"{self} expects a float, got {type(data).__name__}")
        try:
            return float(data)
        except (TypeError, ValueError) as e:
            raise TypeError(f"{self} cannot hold {data!r}") from e

    def is_super(self, otype):
        if self.thingy is None and isinstance(otype, MyType):
            return True
        return super().is_super(otype)


tt = MyType()


def as_var(x) -> Variable:
    """``x`` itself if it is a variable, else a ``MyType`` constant."""
    if isinstance(x, Variable):
        return x
    return Constant(tt, x)


class MyOp(Op):
    """``nout`` outputs, output ``j`` being ``sum(inputs) + j``."""

    __props__ = ("name", "nin", "nout")

    def __init__(self, name: str, nin: int = 1, nout: int = 1):
        self.name = name
        self.nin = nin
        self.nout = nout

    def make_node(self, *inputs):
        if len(inputs) != self.nin:
            raise ValueError(f"{self.name} takes {self.nin} inputs, got {len(inputs)}")
        inputs = [as_var(i) for i in inputs]
        for i, inp in enumerate(inputs):
            if not isinstance(inp.type, MyType):
                raise TypeError(
                    f"Input {i} of {self.name} must be a MyType, got {inp.type}"
                )
        return Apply(self, inputs, [MyType()() for _ in range(self.nout)])

    def perform(self, node, inputs, output_storage, params=None):
        total = sum(inputs)
        for j, cell in enumerate(output_storage):
            cell[0] = total + j

    def __str__(self):
        return self.name


class MyViewOp(MyOp):
    """Output 0 is a view of input 0."""

    view_map = {0: [0]}


class MyDestroyOp(MyOp):
    """Output 0 overwrites input 0."""

    destroy_map = {0: [0]}


add = MyOp("add", 2)
neg = MyOp("neg", 1)
split = MyOp("split", 1, 2)
view = MyViewOp("view", 1)
destroy = MyDestroyOp("destroy", 1)


def make_inputs(n: int = 3):
    """``n`` fresh ``MyType`` inputs named x, y, z (then x3, x4, ...)."""
    names = ["x", "y", "z"] + [f"x{i}" for i in range(3, n)]
    return [tt(names[i]) for i in range(n)]
