"""Translations of ops to JAX, one module per op family.

Importing this package registers every translation with
:func:`~aesara.link.jax.dispatch.basic.jax_funcify`.
"""

import jax

# Aesara's float64 and int64 values must stay 64-bit.
jax.config.update("jax_enable_x64", True)

import aesara.link.jax.dispatch.elemwise  # noqa: E402, F401
import aesara.link.jax.dispatch.extra_ops  # noqa: E402, F401
import aesara.link.jax.dispatch.nlinalg  # noqa: E402, F401
import aesara.link.jax.dispatch.random  # noqa: E402, F401
import aesara.link.jax.dispatch.scalar  # noqa: E402, F401
import aesara.link.jax.dispatch.scan  # noqa: E402, F401
import aesara.link.jax.dispatch.shape  # noqa: E402, F401
import aesara.link.jax.dispatch.slinalg  # noqa: E402, F401
import aesara.link.jax.dispatch.sparse  # noqa: E402, F401
import aesara.link.jax.dispatch.subtensor  # noqa: E402, F401
import aesara.link.jax.dispatch.tensor_basic  # noqa: E402, F401
from aesara.link.jax.dispatch.basic import (  # noqa: E402
    jax_funcify,
    jax_static_inputs,
    jax_typify,
)

__all__ = ["jax_funcify", "jax_static_inputs", "jax_typify"]
