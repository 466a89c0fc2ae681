"""A toy type and ops (Python floats) for testing linkers without tensors."""

from __future__ import annotations

from aesara.graph.basic import Apply, Variable
from aesara.graph.op import Op
from aesara.graph.type import Type


class ToyType(Type):
    """Python floats."""

    __props__ = ()

    def filter(self, data, strict=False, allow_downcast=None):
        if isinstance(data, float):
            return data
        if strict:
            raise TypeError(f"Expected a float, got {type(data).__name__}")
        if isinstance(data, (int, float)) and not isinstance(data, bool):
            return float(data)
        raise TypeError(f"Expected a number, got {type(data).__name__}")

    def __str__(self):
        return "ToyType"


toy = ToyType()


def toy_var(name=None) -> Variable:
    return toy(name)


class BinOp(Op):
    __props__ = ("name",)

    def __init__(self, name, fn):
        self.name = name
        self.fn = fn

    def make_node(self, a, b):
        a = toy.filter_variable(a)
        b = toy.filter_variable(b)
        return Apply(self, [a, b], [toy()])

    def perform(self, node, inputs, out):
        out[0][0] = self.fn(*inputs)

    def __str__(self):
        return self.name


add = BinOp("add", lambda a, b: a + b)
mul = BinOp("mul", lambda a, b: a * b)
div = BinOp("div", lambda a, b: a / b)


class Counter(Op):
    """Identity that counts how often it ran (to prove laziness)."""

    __props__ = ("tag",)

    def __init__(self, tag):
        self.tag = tag
        self.count = 0

    def make_node(self, a):
        return Apply(self, [toy.filter_variable(a)], [toy()])

    def perform(self, node, inputs, out):
        self.count += 1
        out[0][0] = inputs[0]


class LazyIfElse(Op):
    """``ifelse(cond, a, b)``: computes only the branch it takes."""

    __props__ = ()

    def make_node(self, cond, a, b):
        return Apply(self, [toy.filter_variable(x) for x in (cond, a, b)], [toy()])

    def make_thunk(self, node, storage_map, compute_map, no_recycling, impl=None):
        cond, a, b = node.inputs
        out = node.outputs[0]

        def thunk():
            if not compute_map[cond][0]:
                return [0]
            branch = 1 if storage_map[cond][0] else 2
            var = node.inputs[branch]
            if not compute_map[var][0]:
                return [branch]
            storage_map[out][0] = storage_map[var][0]
            compute_map[out][0] = True
            return []

        thunk.lazy = True
        thunk.inputs = [storage_map[v] for v in node.inputs]
        thunk.outputs = [storage_map[out]]
        return thunk

    def perform(self, node, inputs, out):
        out[0][0] = inputs[1] if inputs[0] else inputs[2]


ifelse = LazyIfElse()
