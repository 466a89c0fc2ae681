"""Exceptions raised by the tensor module."""


class ShapeError(Exception):
    """Raised when the shape of a value or variable cannot be used."""


class NotScalarConstantError(Exception):
    """Raised by ``get_scalar_constant_value`` when a variable is not a constant scalar."""


class EmptyConstantError(NotScalarConstantError):
    """Raised by ``get_scalar_constant_value`` when a constant has no elements."""


class AdvancedIndexingError(Exception):
    """Raised when an index needs advanced (array) indexing."""


class StaticShapeError(TypeError, ValueError):
    """A value or variable disagrees with a static (known) shape.

    It is both a ``TypeError`` (what Aesara raises from ``TensorType.filter``)
    and a ``ValueError`` (a wrong size is a bad value), so code catching
    either keeps working.
    """


class TensorConversionError(TypeError, NotImplementedError):
    """An object cannot be turned into a tensor variable.

    Aesara 2.9 raises ``NotImplementedError`` from ``as_tensor_variable``; it
    is a ``TypeError`` too (the object's type is the problem), so code
    catching either keeps working.
    """


class UnknownLengthError(TypeError, ValueError):
    """The length of a tensor variable is not known statically.

    Iterating over such a variable raises it: Aesara 2.9 raises
    ``ValueError`` there, ``len()`` raises ``TypeError``; this is both.
    """
