"""Rewrites of random variables (registered in :data:`aesara.compile.mode.optdb` on import)."""

from aesara.tensor.random.rewriting.basic import *  # noqa: F401, F403
