"""Shared variables holding random number generators.

Importing this module registers :func:`randomgen_constructor` with
:func:`aesara.shared`, so ``aesara.shared(np.random.default_rng(0))`` gives a
:class:`RandomGeneratorSharedVariable`.
"""

from __future__ import annotations

import copy
from typing import Any

import numpy as np

from aesara.compile.sharedvalue import SharedVariable, shared_constructor
from aesara.tensor.random.type import random_generator_type, random_state_type

__all__ = [
    "RandomTypeSharedVariable",
    "RandomStateSharedVariable",
    "RandomGeneratorSharedVariable",
    "randomgen_constructor",
]


class RandomTypeSharedVariable(SharedVariable):
    """A shared variable holding a NumPy random generator (Aesara's base class)."""

    def __str__(self) -> str:
        if self.name:
            return self.name
        return f"{type(self).__name__}({self.container.value!r})"


class RandomStateSharedVariable(RandomTypeSharedVariable):
    """A shared variable holding a :class:`numpy.random.RandomState`."""


class RandomGeneratorSharedVariable(RandomTypeSharedVariable):
    """A shared variable holding a :class:`numpy.random.Generator`."""


@shared_constructor
def randomgen_constructor(
    value: Any,
    name: str | None = None,
    strict: bool = False,
    allow_downcast: bool | None = None,
    borrow: bool = False,
) -> RandomTypeSharedVariable:
    """Make a shared variable from a NumPy ``Generator`` or ``RandomState``.

    The generator is deep-copied unless ``borrow`` is true, so drawing from
    the shared variable never advances the caller's generator.
    """
    if isinstance(value, np.random.Generator):
        cls, rng_type = RandomGeneratorSharedVariable, random_generator_type
    elif isinstance(value, np.random.RandomState):
        cls, rng_type = RandomStateSharedVariable, random_state_type
    else:
        raise TypeError(
            f"Expected a numpy.random.Generator or RandomState, got {type(value).__name__}"
        )
    if not borrow:
        value = copy.deepcopy(value)
    return cls(
        type=rng_type,
        value=value,
        strict=strict,
        allow_downcast=allow_downcast,
        name=name,
    )
