"""Tensor graph rewrites, registered in :data:`aesara.compile.mode.optdb` on import."""

import aesara.tensor.rewriting.basic
