"""NullType: the type of a quantity that cannot be computed (e.g. an undefined gradient)."""

from __future__ import annotations

from aesara.graph.type import Type


class NullType(Type):
    """A type with no valid values; ``why_null`` says why it exists.

    Used to mark gradients that are mathematically undefined: compiling a
    graph that needs such a variable fails with ``why_null`` in the message.
    """

    __props__ = ("why_null",)

    def __init__(self, why_null: str = "(no explanation given)"):
        self.why_null = why_null

    def filter(self, data, strict=False, allow_downcast=None):
        raise ValueError(f"No values may be assigned to a NullType: {self.why_null}")

    def filter_variable(self, other, allow_convert=True):
        raise ValueError(f"No values may be assigned to a NullType: {self.why_null}")

    def may_share_memory(self, a, b):
        return False

    def values_eq(self, a, b, force_same_dtype=True):
        raise ValueError("NullType has no values to compare")

    def __str__(self):
        return "NullType"


null_type = NullType()
