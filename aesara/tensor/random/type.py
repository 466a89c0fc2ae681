"""Types of the random number generators that random variables consume.

A random variable's node takes a generator as input and returns the advanced
generator as an extra output, so a graph threads the generator state
explicitly. The types here only hold NumPy ``Generator`` or ``RandomState``
objects.
"""

from __future__ import annotations

import copy
from typing import Any

import numpy as np

from aesara.graph.type import Type

__all__ = [
    "RandomType",
    "RandomGeneratorType",
    "RandomStateType",
    "random_generator_type",
    "random_state_type",
]


def _states_equal(a: Any, b: Any) -> bool:
    """Compare two (possibly nested) generator state structures."""
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(_states_equal(a[k], b[k]) for k in a)
    if isinstance(a, (tuple, list)) and isinstance(b, (tuple, list)):
        return len(a) == len(b) and all(_states_equal(x, y) for x, y in zip(a, b))
    if isinstance(a, np.ndarray) or isinstance(b, np.ndarray):
        return bool(np.array_equal(a, b))
    return bool(a == b)


class RandomType(Type):
    """Base type of random number generator variables.

    Subclasses set ``value_class`` to the NumPy class their values have.
    """

    __props__ = ()
    value_class: type = object

    def filter(
        self, data: Any, strict: bool = False, allow_downcast: bool | None = None
    ):
        """Return ``data`` when it is a generator of this type's class.

        Raises
        ------
        TypeError
            When ``data`` is not an instance of :attr:`value_class`.
        """
        if isinstance(data, self.value_class):
            return data
        raise TypeError(
            f"{self} expects a {self.value_class.__module__}."
            f"{self.value_class.__name__}, got {type(data).__name__}"
        )

    def is_valid_value(self, data: Any, strict: bool = True) -> bool:
        return isinstance(data, self.value_class)

    def _state(self, value: Any) -> Any:
        raise NotImplementedError

    def values_eq(self, a: Any, b: Any) -> bool:
        """Whether two generators are in the same state (same future draws)."""
        if not (self.is_valid_value(a) and self.is_valid_value(b)):
            return False
        return _states_equal(self._state(a), self._state(b))

    def values_eq_approx(self, a: Any, b: Any) -> bool:
        return self.values_eq(a, b)

    def may_share_memory(self, a: Any, b: Any) -> bool:
        return self._bit_source(a) is self._bit_source(b)

    def _bit_source(self, value: Any) -> Any:
        return value

    def __str__(self) -> str:
        return type(self).__name__


class RandomStateType(RandomType):
    """The type of :class:`numpy.random.RandomState` values."""

    value_class = np.random.RandomState

    def _state(self, value: np.random.RandomState) -> Any:
        return value.get_state(legacy=False)


class RandomGeneratorType(RandomType):
    """The type of :class:`numpy.random.Generator` values.

    ``filter`` also accepts a dict holding a ``"bit_generator"`` name and a
    state (the form returned by ``Generator.bit_generator.state``) and
    rebuilds the generator from it.
    """

    value_class = np.random.Generator

    def filter(
        self, data: Any, strict: bool = False, allow_downcast: bool | None = None
    ):
        if not strict and isinstance(data, dict) and "bit_generator" in data:
            name = data["bit_generator"]
            bg_class = getattr(np.random, name, None)
            if bg_class is None or not isinstance(bg_class, type):
                raise TypeError(
                    f"{self}: unknown bit generator {name!r} in the state dict"
                )
            bit_gen = bg_class()
            bit_gen.state = copy.deepcopy(data)
            return np.random.Generator(bit_gen)
        return super().filter(data, strict=strict, allow_downcast=allow_downcast)

    def _state(self, value: np.random.Generator) -> Any:
        return value.bit_generator.state

    def _bit_source(self, value: Any) -> Any:
        return getattr(value, "bit_generator", value)


# The layout of each NumPy bit generator's ``state`` dict: its top-level keys
# (besides ``bit_generator``), then the keys of its inner ``state`` entry.
# Backends that rebuild generators from arrays (JAX, Numba) need it.
gen_states_keys: dict[str, tuple[list[str], list[str]]] = {
    "MT19937": (["state"], ["key", "pos"]),
    "PCG64": (["state", "has_uint32", "uinteger"], ["state", "inc"]),
    "Philox": (
        ["state", "buffer", "buffer_pos", "has_uint32", "uinteger"],
        ["counter", "key"],
    ),
    "SFC64": (["state", "has_uint32", "uinteger"], ["state"]),
}

#: Integer codes of the bit generators, for backends that cannot hold strings.
numpy_bit_gens: dict[int, str] = dict(enumerate(gen_states_keys))

random_state_type = RandomStateType()
random_generator_type = RandomGeneratorType()
