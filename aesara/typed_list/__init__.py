"""Typed lists: Python lists of values of one Aesara type in graphs."""

from aesara.typed_list import rewriting
from aesara.typed_list.basic import *  # noqa: F403
from aesara.typed_list.basic import __all__ as _basic_all
from aesara.typed_list.type import TypedListType

__all__ = ["TypedListType", "rewriting", *_basic_all]
