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
