"""C translation of random variables: the runtime's ``RandomThunk``.

A random variable whose draw is one NumPy ``Generator`` method call (the
default :meth:`~aesara.tensor.random.op.RandomVariable.rng_fn`, which calls
the method named like the distribution, and the Bernoulli draw, which is
``binomial(1, p, size)``) runs as a ``RandomThunk``: the same call, without
the Python frames of ``perform``. Subclasses that draw otherwise (their own
``rng_fn``/``perform``) keep their Python thunk, as do generators that are
not NumPy ``Generator`` objects (checked at each call).

Draws that may not overwrite their generator, and Scan loops that draw in
place from a carried generator, copy it with :func:`copy_generator_c`:
:func:`~aesara.tensor.random.op.copy_generator` with PCG64 states copied by
the runtime.
"""

from __future__ import annotations

from functools import partial
from typing import Any

import numpy as np

from aesara.link.c.registry import CPlan, register_c_translation, with_python_fallback
from aesara.tensor.random.basic import BernoulliRV
from aesara.tensor.random.op import RandomVariable, copy_generator
from aesara.tensor.random.type import RandomGeneratorType
from aesara.tensor.type import TensorType

_PCG_BIT_GENERATORS = (np.random.PCG64, np.random.PCG64DXSM)
# The runtime's PCG state copy: None until tried, then the function, or
# False once found not to give the ``state`` property's result.
_pcg_copy: Any = None


def _copy_pcg_state(src: Any, dst: Any) -> bool:
    """Copy a PCG64/PCG64DXSM state with the runtime; False for other types.

    The runtime's copy assumes NumPy's layout of these states (see
    ``random_thunk.c``), so the first copy of a process is checked against
    the ``state`` property; a mismatch turns it off for the process.
    """
    global _pcg_copy
    if type(src) not in _PCG_BIT_GENERATORS or _pcg_copy is False:
        return False
    if _pcg_copy is None:
        from aesara.link.c.runtime import get_runtime

        fn = get_runtime().copy_pcg64_state
        try:
            fn(src, dst)
            ok = dst.state == src.state
        except Exception:
            ok = False
        _pcg_copy = fn if ok else False
        return ok
    _pcg_copy(src, dst)
    return True


copy_generator_c = partial(copy_generator, copy_state=_copy_pcg_state)
copy_generator_c.__doc__ = (
    "``copy_generator`` with PCG64 states copied by the C runtime (about 2 us "
    "per copy instead of 4)."
)


def _draw_call(op: RandomVariable) -> tuple[str, tuple] | None:
    """``(method, leading arguments)`` of the op's draw, or None."""
    cls = type(op)
    if cls.perform is not RandomVariable.perform:
        return None
    if cls.rng_fn is RandomVariable.rng_fn:
        return op.name, ()
    if cls is BernoulliRV:
        return "binomial", (1,)
    return None


def _make(call, artifact, node, storage_map, compute_map, no_recycling):
    method, prefix = call
    fallback = node.op.make_thunk(
        node, storage_map, compute_map, no_recycling, impl="py"
    )
    thunk = artifact.RandomThunk(
        tuple(storage_map[v] for v in node.inputs),
        tuple(storage_map[v] for v in node.outputs),
        method,
        prefix,
        None if node.op.inplace else copy_generator_c,
        np.random.Generator,
        np.dtype(node.outputs[1].type.dtype).num,
        str(node.op),
        fallback,
    )
    return with_python_fallback(thunk, fallback)


@register_c_translation(RandomVariable)
def random_variable_plan(node) -> CPlan | None:
    """One Generator method call per draw (see the module docstring)."""
    call = _draw_call(node.op)
    if call is None:
        return None
    if not isinstance(node.inputs[0].type, RandomGeneratorType):
        return None
    if not isinstance(node.outputs[1].type, TensorType):
        return None
    from aesara.link.c.runtime import get_runtime

    return CPlan(key=("runtime",), build=get_runtime, make=partial(_make, call))
