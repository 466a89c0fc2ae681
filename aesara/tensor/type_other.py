"""Non-tensor types used inside tensor graphs: ``None`` placeholders.

(Minimal for now: the subtensor work adds slice types here.)
"""

from __future__ import annotations

from typing import Any

from aesara.graph.basic import Constant
from aesara.graph.type import Type


class NoneTypeT(Type):
    """The type whose only value is ``None`` (e.g. an unspecified shape entry)."""

    __props__ = ()

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

__all__ = ["NoneTypeT", "none_type_t", "NoneConst"]
