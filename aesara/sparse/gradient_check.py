"""Numeric gradient checks of functions over sparse matrices."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
import scipy.sparse

__all__ = ["verify_grad_sparse"]


def verify_grad_sparse(
    op: Callable, pt: Sequence[Any], structured: bool = False, *args, **kwargs
) -> None:
    """Check the gradient of ``op`` at ``pt`` by finite differences, sparse inputs included.

    :func:`aesara.gradient.verify_grad` perturbs dense arrays, so every sparse
    input is checked through a dense stand-in:

    - ``structured=False``: the whole dense matrix (converted back with
      ``csr_from_dense``/``csc_from_dense``), so the gradient must be right
      everywhere;
    - ``structured=True``: the vector of stored values, the pattern staying
      fixed (rebuilt with ``CSM``), which is what a structured gradient
      promises.

    A sparse output is densified (structured or not, to match). Other
    arguments are passed to ``verify_grad``.

    Raises
    ------
    aesara.gradient.GradientError
        When the symbolic and numeric gradients differ.
    """
    from aesara.gradient import verify_grad
    from aesara.sparse.basic import as_sparse_or_tensor_variable
    from aesara.sparse.conversion import DenseFromSparse, SparseFromDense
    from aesara.sparse.csm import CSM
    from aesara.sparse.type import SparseTensorType

    to_symbolic = []
    points = []
    for p in pt:
        if scipy.sparse.issparse(p):
            if p.format not in ("csr", "csc"):
                raise NotImplementedError(
                    f"verify_grad_sparse handles csr and csc inputs, got {p.format}"
                )
            if structured:
                indices = np.asarray(p.indices, dtype="int32")
                indptr = np.asarray(p.indptr, dtype="int32")
                shape = np.asarray(p.shape, dtype="int32")
                points.append(np.array(p.data))

                def rebuild(v, _f=p.format, _i=indices, _p=indptr, _s=shape):
                    return CSM(_f)(v, _i, _p, _s)

                to_symbolic.append(rebuild)
            else:
                points.append(p.toarray())
                to_symbolic.append(SparseFromDense(p.format))
        else:
            points.append(np.asarray(p))
            to_symbolic.append(None)

    def fun(*inputs):
        built = [
            inp if conv is None else conv(inp) for conv, inp in zip(to_symbolic, inputs)
        ]
        out = op(*[as_sparse_or_tensor_variable(b) for b in built])
        if isinstance(out, (list, tuple)):
            raise NotImplementedError("verify_grad_sparse checks ops with one output")
        if isinstance(out.type, SparseTensorType):
            out = DenseFromSparse(structured=structured)(out)
        return out

    verify_grad(fun, points, *args, **kwargs)
