"""Sparse matrices (SciPy's csr/csc) as symbolic variables, with their ops and rewrites.

``aesara.sparse.csr_matrix("x")`` makes a symbolic csr matrix;
``aesara.shared(scipy.sparse.csr_matrix(...))`` a shared one. The ops are in
:mod:`aesara.sparse.basic` (re-exported here), the rewrites in
:mod:`aesara.sparse.rewriting`.
"""

from aesara.sparse import rewriting, sharedvar
from aesara.sparse.basic import *  # noqa: F401,F403
from aesara.sparse.sharedvar import sparse_constructor as shared
from aesara.sparse.type import SparseTensorType, _is_sparse


def sparse_grad(var):
    """``var`` (an ``x[int_vector]`` indexing) recomputed so its gradient is sparse.

    Only a single advanced index on the first axis (``AdvancedSubtensor1``
    or ``AdvancedSubtensor`` with one index) is supported.
    """
    from aesara.tensor.subtensor import AdvancedSubtensor, AdvancedSubtensor1

    owner = getattr(var, "owner", None)
    if owner is None or not isinstance(
        owner.op, (AdvancedSubtensor, AdvancedSubtensor1)
    ):
        raise TypeError(
            "sparse_grad is only implemented for AdvancedSubtensor and "
            f"AdvancedSubtensor1 results, got {var}"
        )
    x, *indices = owner.inputs
    if len(indices) > 1:
        raise TypeError("sparse_grad is only implemented for a single advanced index")
    return AdvancedSubtensor1(sparse_grad=True)(x, indices[0])
