"""`TypedListType`: the type of a Python list whose elements share one type."""

from __future__ import annotations

from typing import Any

from aesara.graph.type import Type
from aesara.link.c.type import CType

__all__ = ["TypedListType"]


class TypedListType(CType):
    """The type of a Python ``list`` whose elements all have type ``ttype``.

    Parameters
    ----------
    ttype
        The type of the elements (a tensor type, or another ``TypedListType``).
    depth
        How many extra levels of nesting to add: ``depth=1`` makes a list of
        lists of ``ttype`` values. Must be ``>= 0``.

    Notes
    -----
    Two typed-list types are equal when their element types are equal. The
    ``dtype``, ``ndim`` and ``shape`` properties describe the elements with
    the list as an extra leading dimension of unknown length.
    """

    __props__ = ("ttype",)

    def __init__(self, ttype: Type, depth: int = 0):
        if not isinstance(depth, int) or depth < 0:
            raise ValueError(
                f"TypedListType: depth must be an integer >= 0, got {depth!r}"
            )
        if not isinstance(ttype, Type):
            raise TypeError(
                "TypedListType: ttype must be an Aesara Type, got "
                f"{type(ttype).__name__} ({ttype!r})"
            )
        self.ttype = ttype if depth == 0 else TypedListType(ttype, depth - 1)

    def filter(self, x: Any, strict: bool = False, allow_downcast=None) -> list:
        """Return ``x`` as a list of valid element values.

        With ``strict``, ``x`` must already be a Python ``list`` (its elements
        are not converted). Otherwise ``x`` may be any iterable and each
        element is filtered by the element type.
        """
        if strict:
            if not isinstance(x, list):
                raise TypeError(
                    f"{self}: expected a Python list, got {type(x).__name__}"
                )
            return x
        try:
            items = iter(x)
        except TypeError:
            raise TypeError(
                f"{self}: expected a list (or another iterable), got "
                f"{type(x).__name__} ({x!r})"
            ) from None
        out = []
        for pos, item in enumerate(items):
            try:
                out.append(
                    self.ttype.filter(item, strict=False, allow_downcast=allow_downcast)
                )
            except (TypeError, ValueError) as exc:
                raise TypeError(
                    f"{self}: element {pos} is not a valid {self.ttype}: {exc}"
                ) from exc
        return out

    def is_valid_value(self, data: Any, strict: bool = True) -> bool:
        if not isinstance(data, list):
            return False
        return all(self.ttype.is_valid_value(item) for item in data)

    def __str__(self) -> str:
        return f"TypedList <{self.ttype}>"

    def get_depth(self) -> int:
        """The nesting level of the list: 0 for a list of non-list values."""
        if isinstance(self.ttype, TypedListType):
            return self.ttype.get_depth() + 1
        return 0

    def values_eq(self, a: list, b: list) -> bool:
        if len(a) != len(b):
            return False
        return all(self.ttype.values_eq(x, y) for x, y in zip(a, b))

    def values_eq_approx(self, a: list, b: list) -> bool:
        if len(a) != len(b):
            return False
        return all(self.ttype.values_eq_approx(x, y) for x, y in zip(a, b))

    def may_share_memory(self, a: Any, b: Any) -> bool:
        """Whether ``a`` and ``b`` (lists or single elements) share memory."""
        if a is b:
            return True
        # An element of one list may be (a view of) an element of the other.
        a_items = a if isinstance(a, list) else [a]
        b_items = b if isinstance(b, list) else [b]
        return any(self.ttype.may_share_memory(x, y) for x in a_items for y in b_items)

    def c_declare(self, name, sub, check_input=True):
        return f"PyListObject* {name};\n"

    def c_init(self, name, sub):
        return f"{name} = NULL;\n"

    def c_extract(self, name, sub, check_input=True, **kwargs):
        check = ""
        if check_input:
            check = (
                f"if (!PyList_Check(py_{name})) {{\n"
                '    PyErr_SetString(PyExc_TypeError, "expected a list");\n'
                f"    {sub['fail']}\n}}\n"
            )
        return check + f"{name} = (PyListObject*) (py_{name});\n"

    def c_sync(self, name, sub):
        return (
            f"Py_XDECREF(py_{name});\n"
            f"py_{name} = (PyObject*)({name});\n"
            f"Py_INCREF(py_{name});\n"
        )

    def c_cleanup(self, name, sub):
        return ""

    def c_code_cache_version(self):
        return (2,)

    @property
    def dtype(self):
        """The element type (Aesara exposes the element type under this name)."""
        return self.ttype

    @property
    def ndim(self) -> int:
        return self.ttype.ndim + 1

    @property
    def shape(self) -> tuple:
        return (None, *self.ttype.shape)
