"""The op database: every op described once, exercised by generic tests.

Each :class:`OpInfo` says how to build the op's graph from symbolic inputs,
what NumPy/SciPy computes for the same values, which sample inputs to try
(0-d, empty, broadcasting, extreme values...), which inputs must fail, and
whether it is differentiable. Generic tests in ``tests/test_op_db.py`` (and
later the gradient, rewrite and backend suites) iterate over ``ALL_OPS``.

Adding an op: append an ``OpInfo`` to the entry module of its family
(``tests/op_db/<family>.py``) through :func:`register`.
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np


@dataclass
class Sample:
    """One way to call an op.

    Parameters
    ----------
    args
        Values for the symbolic inputs (NumPy arrays or Python scalars); each
        becomes a symbolic input of matching dtype and rank.
    kwargs
        Non-symbolic arguments passed to the graph builder and the reference
        (e.g. ``axis``).
    name
        Short label shown in test ids.
    static_shape
        Give the symbolic inputs the values' full static shapes instead of
        unknown dimensions (exercises static shape propagation).
    """

    args: tuple
    kwargs: dict = field(default_factory=dict)
    name: str = ""
    static_shape: bool = False


@dataclass
class ErrorSample:
    """Inputs that must make the op raise ``exc`` whose message matches ``match``.

    ``at_build`` says whether the error comes when building the graph (bad
    types, ranks, static shapes) or only when running it (bad values).
    """

    args: tuple
    exc: type[BaseException]
    match: str = ""
    kwargs: dict = field(default_factory=dict)
    at_build: bool = True
    name: str = ""


@dataclass
class OpInfo:
    """Description of one op (or one public function over an op).

    Parameters
    ----------
    name
        Unique id, e.g. ``"add"`` or ``"sum"``.
    build
        ``build(*symbolic_inputs, **kwargs)`` returns the output variable (or
        a list of them).
    ref
        ``ref(*numpy_values, **kwargs)`` returns the expected value(s).
    samples
        ``samples(rng)`` returns a list of :class:`Sample`.
    errors
        Inputs that must raise.
    differentiable
        Whether gradient checks apply (which input positions: ``grad_inputs``,
        default every floating-point input).
    grad_samples
        ``grad_samples(rng)`` returns samples for the gradient checks, at
        points where the op is differentiable; by default the regular samples
        with finite, moderate float64 values are used.
    rtol, atol
        Tolerances for comparing with ``ref`` (``None``: by dtype).
    check_dtype
        Whether the output dtype must equal the reference's dtype.
    family
        Grouping label (``"elemwise"``, ``"reduction"``, ``"shape"``...).
    """

    name: str
    build: Callable[..., Any]
    ref: Callable[..., Any]
    samples: Callable[[np.random.Generator], Sequence[Sample]]
    errors: Sequence[ErrorSample] = ()
    differentiable: bool = False
    grad_inputs: Sequence[int] | None = None
    grad_samples: Callable[[np.random.Generator], Sequence[Sample]] | None = None
    rtol: float | None = None
    atol: float | None = None
    check_dtype: bool = True
    family: str = ""
    tags: tuple = ()


ALL_OPS: dict[str, OpInfo] = {}


def register(info: OpInfo) -> OpInfo:
    """Add ``info`` to the database (names must be unique)."""
    if info.name in ALL_OPS:
        raise ValueError(f"op database already has an entry named {info.name!r}")
    ALL_OPS[info.name] = info
    return info


def load_all() -> dict[str, OpInfo]:
    """Import every entry module of this package and return the database."""
    for mod in pkgutil.iter_modules(__path__):
        importlib.import_module(f"{__name__}.{mod.name}")
    return ALL_OPS


def default_tolerance(dtype) -> tuple[float, float]:
    """(rtol, atol) suited to comparing results of ``dtype``."""
    dtype = np.dtype(dtype)
    if dtype.kind in "biu?":
        return 0.0, 0.0
    if dtype in (np.float16,):
        return 1e-3, 1e-3
    if dtype in (np.float32, np.complex64):
        return 1e-5, 1e-6
    return 1e-7, 1e-12
