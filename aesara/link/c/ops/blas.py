"""C translations of the matrix products: ``Dot`` and the BLAS ops.

:class:`~aesara.tensor._products.Dot` (any of vector/matrix x vector/matrix),
:class:`~aesara.tensor.blas.Dot22`, :class:`~aesara.tensor.blas.Dot22Scalar`,
:class:`~aesara.tensor.blas.Gemm`, :class:`~aesara.tensor.blas.Gemv` and
:class:`~aesara.tensor.blas.Ger` run as ``BlasThunk`` objects of
:mod:`aesara.link.c.blas_runtime`, which call SciPy's BLAS from C (a ``Dot``
involving a matrix calls NumPy's product, on NumPy's BLAS). Nodes whose
operands do not all share one float32/float64/complex64/complex128 dtype
keep their Python ``perform``.
"""

from __future__ import annotations

import numpy as np

from aesara.link.c.registry import CPlan, register_c_translation, with_python_fallback
from aesara.tensor._products import Dot
from aesara.tensor.blas import Dot22, Dot22Scalar, Gemm, Gemv, Ger
from aesara.tensor.type import TensorType

_KIND_NAMES = {
    Dot: "K_DOT",
    Dot22: "K_DOT22",
    Dot22Scalar: "K_DOT22SCALAR",
    Gemm: "K_GEMM",
    Gemv: "K_GEMV",
    Ger: "K_GER",
}
_DTYPES = ("float32", "float64", "complex64", "complex128")


def _build():
    from aesara.link.c.blas_runtime import get_blas_runtime

    return get_blas_runtime()


def _make(module, node, storage_map, compute_map, no_recycling):
    op = node.op
    fallback = op.make_thunk(node, storage_map, compute_map, no_recycling, impl="py")
    kind = getattr(module, _KIND_NAMES[type(op)])
    inplace = bool(getattr(op, "inplace", False) or getattr(op, "destructive", False))
    thunk = module.BlasThunk(
        kind,
        np.dtype(node.outputs[0].type.dtype).num,
        tuple(storage_map[v] for v in node.inputs),
        tuple(storage_map[v] for v in node.outputs),
        tuple(v.type.ndim for v in node.inputs),
        inplace,
        str(op),
        fallback,
    )
    return with_python_fallback(thunk, fallback)


@register_c_translation(Dot, Dot22, Dot22Scalar, Gemm, Gemv, Ger)
def blas_plan(node) -> CPlan | None:
    """A ``BlasThunk`` for products whose operands share one BLAS dtype."""
    if type(node.op) not in _KIND_NAMES:
        return None
    variables = node.inputs + node.outputs
    if not all(isinstance(v.type, TensorType) for v in variables):
        return None
    dtype = node.outputs[0].type.dtype
    if dtype not in _DTYPES or any(v.type.dtype != dtype for v in node.inputs):
        return None
    if isinstance(node.op, Dot) and not all(v.type.ndim in (1, 2) for v in node.inputs):
        return None
    return CPlan(key=("blas_runtime",), build=_build, make=_make)
