"""Deprecated location of `solve`; use :func:`aesara.tensor.slinalg.solve`."""

import warnings

from aesara.tensor.slinalg import solve

__all__ = ["solve"]

warnings.warn(
    "The module aesara.sandbox.solve will soon be deprecated.\n"
    "Please use tensor.slinalg.solve instead."
)
