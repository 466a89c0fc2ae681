"""Cheap approximations of the logistic sigmoid: ``ultra_fast_sigmoid``
(piecewise rational / linear, error below 0.02) and ``hard_sigmoid``
(``clip(0.2 * x + 0.5, 0, 1)``), plus the opt-in rewrites
``local_ultra_fast_sigmoid`` and ``local_hard_sigmoid`` that substitute them
for ``sigmoid`` (enable with ``mode.including(name)``).
"""

from __future__ import annotations

import numpy as np

import aesara.scalar.basic as aes
from aesara.graph.basic import Variable
from aesara.graph.rewriting.basic import copy_stack_trace, node_rewriter
from aesara.scalar.math import Sigmoid
from aesara.scalar.math import Softplus as ScalarSoftplus  # noqa: F401 - Theano name
from aesara.scalar.math import sigmoid as scalar_sigmoid  # noqa: F401
from aesara.scalar.math import softplus as scalar_softplus  # noqa: F401
from aesara.tensor.basic import as_tensor_variable, constant
from aesara.tensor.elemwise import Elemwise
from aesara.tensor.type import TensorType

__all__ = [
    "UltraFastScalarSigmoid",
    "ultra_fast_scalar_sigmoid",
    "ultra_fast_sigmoid",
    "ultra_fast_sigmoid_inplace",
    "ultra_fast_sigmoid_array",
    "local_ultra_fast_sigmoid",
    "hard_sigmoid",
    "local_hard_sigmoid",
    "ScalarSoftplus",
    "scalar_softplus",
    "scalar_sigmoid",
]


def ultra_fast_sigmoid_array(x):
    """NumPy implementation of the ultra-fast sigmoid approximation.

    With ``h = |x| / 2``: ``1.5 h / (1 + h)`` below 1.7, a line up to 3 and
    the constant 0.99505475368673 beyond; mirrored for negative ``x`` and
    mapped to ``(0, 1)`` by ``(z + 1) / 2``.
    """
    x = np.asarray(x)
    if x.dtype.kind in "biu":
        x = x.astype(np.float64 if x.dtype.itemsize > 2 else np.float32)
    h = 0.5 * np.abs(x)
    z = np.where(
        h < 1.7,
        1.5 * h / (1 + h),
        np.where(
            h < 3, 0.935409070603099 + 0.0458812946797165 * (h - 1.7), 0.99505475368673
        ),
    )
    z = np.where(x < 0, -z, z)
    return np.asarray(0.5 * (z + 1.0), dtype=x.dtype)


class UltraFastScalarSigmoid(aes.UnaryScalarOp):
    """Scalar op of :data:`ultra_fast_sigmoid` (values only, no gradient)."""

    nfunc_spec = ("aesara.tensor.nnet.sigm.ultra_fast_sigmoid_array", 1, 1)

    @staticmethod
    def st_impl(x):
        return float(ultra_fast_sigmoid_array(np.float64(x)))

    def impl(self, x):
        return ultra_fast_sigmoid_array(x)[()]


ultra_fast_scalar_sigmoid = UltraFastScalarSigmoid(
    aes.upgrade_to_float, name="ultra_fast_scalar_sigmoid"
)
ultra_fast_sigmoid = Elemwise(ultra_fast_scalar_sigmoid, name="ultra_fast_sigmoid")
ultra_fast_sigmoid_inplace = Elemwise(
    UltraFastScalarSigmoid(aes.transfer_type(0), name="ultra_fast_scalar_sigmoid"),
    inplace_pattern={0: 0},
    name="ultra_fast_sigmoid_inplace",
)


def _low_precision(atol):
    def values_eq_approx(a, b):
        return TensorType.values_eq_approx(a, b, atol=atol)

    return values_eq_approx


@node_rewriter(None)
def local_ultra_fast_sigmoid(fgraph, node):
    """Replace ``sigmoid`` by :data:`ultra_fast_sigmoid` (opt-in)."""
    if isinstance(node.op, Elemwise) and isinstance(node.op.scalar_op, Sigmoid):
        fn = (
            ultra_fast_sigmoid_inplace
            if node.op.inplace_pattern
            else ultra_fast_sigmoid
        )
        out = fn(node.inputs[0])
        copy_stack_trace(node.outputs[0], out)
        out.tag.values_eq_approx = _low_precision(0.02)
        return [out]
    return False


def hard_sigmoid(x) -> Variable:
    """``clip(0.2 * x + 0.5, 0, 1)``: a piecewise-linear sigmoid."""
    from aesara.tensor.math import clip

    x = as_tensor_variable(x)
    dtype = aes.upgrade_to_float(aes.get_scalar_type(x.type.dtype))[0].dtype
    y = x * constant(0.2, dtype=dtype) + constant(0.5, dtype=dtype)
    return clip(y, 0, 1)


@node_rewriter(None)
def local_hard_sigmoid(fgraph, node):
    """Replace ``sigmoid`` by :func:`hard_sigmoid` (opt-in)."""
    if isinstance(node.op, Elemwise) and isinstance(node.op.scalar_op, Sigmoid):
        out = hard_sigmoid(node.inputs[0])
        copy_stack_trace(node.outputs[0], out)
        out.tag.values_eq_approx = _low_precision(0.1)
        return [out]
    return False


def _register():
    # registered without tags, as in Aesara: they only run when a mode asks
    # for them by name (``mode.including("local_hard_sigmoid")``)
    from aesara.compile import optdb

    db = optdb["uncanonicalize"]
    for name, rw in (
        ("local_ultra_fast_sigmoid", local_ultra_fast_sigmoid),
        ("local_hard_sigmoid", local_hard_sigmoid),
    ):
        try:
            db.register(name, rw)
        except ValueError:
            pass  # already registered (module reloaded)


_register()
