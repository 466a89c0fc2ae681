"""Types: what kind of value a variable holds and how values are checked."""

from __future__ import annotations

from abc import ABC
from typing import Any

from aesara.graph.basic import Constant, Variable
from aesara.graph.utils import MetaObject


class Type(MetaObject):
    """The interface every variable type implements.

    A Type validates and converts concrete values (:meth:`filter`) and
    symbolic variables (:meth:`filter_variable`), and makes variables of
    itself. Subclasses set ``__props__`` so equal types compare equal.
    """

    variable_type: type[Variable] = Variable
    constant_type: type[Constant] = Constant

    def in_same_class(self, otype: Type) -> bool | None:
        """Whether ``otype`` is the same kind of type with the same properties."""
        if self == otype:
            return True
        return False

    def is_super(self, otype: Type) -> bool | None:
        """Whether every value of ``otype`` is also a valid value of ``self``."""
        if self.in_same_class(otype):
            return True
        return None

    def filter(
        self, data: Any, strict: bool = False, allow_downcast: bool | None = None
    ) -> Any:
        """Return ``data`` as a valid value of this type, or raise ``TypeError``."""
        raise NotImplementedError()

    def filter_inplace(self, value, storage, strict=False, allow_downcast=None):
        raise NotImplementedError()

    def filter_variable(self, other: Any, allow_convert: bool = True) -> Variable:
        """Return ``other`` as a variable of this type, or raise ``TypeError``."""
        if not isinstance(other, Variable):
            other = self.constant_type(type=self, data=other)
        if other.type == self:
            return other
        if allow_convert:
            converted = self.convert_variable(other)
            if converted is not None:
                return converted
        raise TypeError(
            f"Cannot convert Type {other.type} (of Variable {other}) into Type {self}. "
            "You can try to manually convert it."
        )

    def convert_variable(self, var: Variable) -> Variable | None:
        """Return ``var`` converted to this type if that is lossless, else ``None``."""
        if self.is_super(var.type):
            return var
        return None

    def is_valid_value(self, data: Any, strict: bool = True) -> bool:
        """Whether ``data`` passes :meth:`filter`."""
        try:
            self.filter(data, strict=strict)
            return True
        except (TypeError, ValueError):
            return False

    def make_variable(self, name: str | None = None) -> Variable:
        """Return a new input variable of this type."""
        return self.variable_type(self, None, name=name)

    def make_constant(self, value, name: str | None = None) -> Constant:
        return self.constant_type(type=self, data=value, name=name)

    def clone(self, *args, **kwargs) -> Type:
        """Return a type like this one with some constructor arguments changed.

        Without positional arguments, the ``__props__`` of this type are the
        defaults for the keyword arguments; with them, the constructor gets
        exactly the arguments given.
        """
        if args or not hasattr(self, "_props_dict"):
            return type(self)(*args, **kwargs)
        props = dict(self._props_dict())
        props.update(kwargs)
        return type(self)(**props)

    def __call__(self, name: str | None = None) -> Variable:
        return self.make_variable(name)

    def values_eq(self, a: Any, b: Any) -> bool:
        """Whether two values of this type are equal."""
        return a == b

    def values_eq_approx(self, a: Any, b: Any) -> bool:
        """Whether two values are approximately equal (exact by default)."""
        return self.values_eq(a, b)

    def may_share_memory(self, a, b) -> bool:
        return a is b

    def get_shape_info(self, obj):
        return obj

    def get_size(self, shape_info):
        return None


def _defines(cls: type, *names: str) -> bool:
    """Whether every name in ``names`` is set in the body of ``cls`` or a base."""
    return all(any(n in vars(base) for base in cls.__mro__) for n in names)


class HasDataType(ABC):
    """Mixin for types whose values have a ``dtype``.

    Any class defining a ``dtype`` attribute counts as one for ``isinstance``
    and ``issubclass`` (tensor variables included), as in Aesara.
    """

    dtype: str

    @classmethod
    def __subclasshook__(cls, other):
        if cls is HasDataType and _defines(other, "dtype"):
            return True
        return NotImplemented


class HasShape(ABC):
    """Mixin for types whose values have a (partially known) static shape.

    Any class defining both ``shape`` and ``ndim`` counts as one for
    ``isinstance`` and ``issubclass`` (tensor variables included), as in
    Aesara.
    """

    ndim: int
    shape: tuple[int | None, ...]

    @classmethod
    def __subclasshook__(cls, other):
        if cls is HasShape and _defines(other, "shape", "ndim"):
            return True
        return NotImplemented


class DataType(Type):  # pragma: no cover - kept for API familiarity
    pass
