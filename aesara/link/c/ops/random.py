"""C translation of random variables: the runtime's ``RandomThunk``.

A random variable whose draw is one NumPy ``Generator`` method call (the
default :meth:`~aesara.tensor.random.op.RandomVariable.rng_fn`, which calls
the method named like the distribution, and the Bernoulli draw, which is
``binomial(1, p, size)``) runs as a ``RandomThunk``: the same call, without
the Python frames of ``perform``. Subclasses that draw otherwise (their own
``rng_fn``/``perform``) keep their Python thunk, as do generators that are
not NumPy ``Generator`` objects (checked at each call).
"""

from __future__ import annotations

import numpy as np

from aesara.link.c.registry import CPlan, register_c_translation
from aesara.tensor.random.basic import BernoulliRV
from aesara.tensor.random.op import RandomVariable, copy_generator
from aesara.tensor.random.type import RandomGeneratorType
from aesara.tensor.type import TensorType


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
        None if node.op.inplace else copy_generator,
        np.random.Generator,
        np.dtype(node.outputs[1].type.dtype).num,
        str(node.op),
        fallback,
    )
    thunk.lazy = False
    thunk.perform = getattr(fallback, "perform", None)
    thunk.py_thunk = fallback
    return thunk


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
    from functools import partial

    from aesara.link.c.runtime import get_runtime

    return CPlan(key=("runtime",), build=get_runtime, make=partial(_make, call))
