"""Sparse op-database entries: ``sp_sum`` over every entry and along each axis.

The result keeps the matrix's dtype (integer sums wrap around as NumPy's do
in that dtype); both gradient kinds (structured and regular) are checked.
"""

from __future__ import annotations

import numpy as np

import aesara.sparse as sp
from tests.op_db import ErrorSample
from tests.op_db.sparse import ALL_DTYPES, SparseOpInfo, register_sparse, sparse_samples


def _ref(axis):
    def ref(x):
        total = x.toarray().sum(axis=axis, dtype=x.dtype)
        return np.asarray(total, dtype=x.dtype)

    return ref


for _axis in (None, 0, 1):
    for _structured in (False, True):
        _kind = "structured" if _structured else "regular"
        register_sparse(
            SparseOpInfo(
                name=f"sparse_sp_sum_axis{_axis}_{_kind}",
                build=lambda x, _a=_axis, _s=_structured: sp.sp_sum(
                    x, axis=_a, sparse_grad=_s
                ),
                ref=_ref(_axis),
                # The values do not depend on the gradient kind: all dtypes once.
                samples=sparse_samples(
                    dtypes=ALL_DTYPES if _structured else ("float64",)
                ),
                errors=[
                    ErrorSample(
                        (np.ones((2, 2)),), TypeError, "must be a sparse matrix"
                    )
                ],
                differentiable=True,
                structured_grad=_structured,
                family="reduction",
            )
        )

register_sparse(
    SparseOpInfo(
        name="sparse_sum_method",
        build=lambda x, axis=0: x.sum(axis=axis),
        ref=_ref(0),
        samples=sparse_samples(dtypes=("int8", "uint32", "float32", "complex64")),
        errors=[
            ErrorSample(
                (sparse_samples()(np.random.default_rng(0))[0].args[0],),
                ValueError,
                "axis must be None, 0 or 1",
                kwargs={"axis": 2},
                name="axis",
            )
        ],
        family="reduction",
    )
)
