"""Linear-algebra rewrites driven by tags on matrices, and `spectral_radius_bound`."""

from aesara.sandbox.linalg.ops import spectral_radius_bound

__all__ = ["spectral_radius_bound"]
