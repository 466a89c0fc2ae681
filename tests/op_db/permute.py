"""Op database entries for row permutations and uninitialised allocation."""

from __future__ import annotations

import numpy as np

from aesara.tensor import basic as atb
from tests.op_db import ErrorSample, OpInfo, Sample, register

F = "permute"


def _perm_ref(x, y, inverse=False):
    n = y.shape[-1]
    lead = np.broadcast_shapes(x.shape[:-1], y.shape[:-1])
    xb = np.broadcast_to(x, lead + (n,))
    yb = np.broadcast_to(y, lead + (n,))
    out = np.empty_like(xb)
    for idx in np.ndindex(*lead):
        if inverse:
            out[idx][yb[idx]] = xb[idx]
        else:
            out[idx] = xb[idx][yb[idx]]
    return out


def _perm_samples(rng):
    def perm(*shape):
        n = shape[-1]
        lead = shape[:-1]
        out = np.empty(shape, dtype="int64")
        for idx in np.ndindex(*lead):
            out[idx] = rng.permutation(n)
        return out

    x = rng.standard_normal((3, 4))
    return [
        Sample((rng.standard_normal(5), perm(5)), name="vector"),
        Sample((rng.standard_normal(5), perm(5)), {"inverse": True}, name="inverse"),
        Sample((x, perm(4)), name="one-perm-all-rows"),
        Sample((rng.standard_normal(4), perm(3, 4)), name="many-perms-one-row"),
        Sample((x, perm(3, 4)), {"inverse": True}, name="row-wise-inverse"),
        Sample((rng.standard_normal((2, 1, 4)), perm(3, 4)), name="broadcast"),
        Sample((x.T.copy()[:, ::-1].T, perm(4)), name="non-contiguous"),
        Sample((np.zeros((0, 3)), perm(3)), name="empty-rows"),
        Sample((np.zeros(0), np.zeros(0, dtype="int64")), name="empty"),
        Sample((np.array([1e308, -np.inf, np.nan]), perm(3)), name="extreme"),
        Sample((np.arange(6, dtype="int32").reshape(2, 3), perm(3)), name="int"),
        Sample((x, perm(4)), name="static", static_shape=True),
    ]


register(
    OpInfo(
        name="permute_row_elements",
        build=lambda x, y, inverse=False: atb.permute_row_elements(x, y, inverse),
        ref=_perm_ref,
        samples=_perm_samples,
        errors=[
            ErrorSample((np.float64(1.0), np.arange(1)), TypeError, "at least 1"),
            ErrorSample(
                (np.zeros(3), np.zeros(3)), TypeError, "integers", name="float-y"
            ),
            ErrorSample(
                (np.zeros(3), np.array([0, 0, 1])),
                ValueError,
                "permutation",
                at_build=False,
                name="not-a-permutation",
            ),
            ErrorSample(
                (np.zeros(3), np.array([0, 1])),
                ValueError,
                "length",
                at_build=False,
                name="length",
            ),
        ],
        differentiable=True,
        grad_inputs=[0],
        grad_samples=lambda rng: [
            Sample((rng.standard_normal((3, 4)), np.array([2, 0, 3, 1])), name="rows"),
            Sample(
                (rng.standard_normal(4), np.array([[1, 0, 3, 2], [3, 2, 1, 0]])),
                {"inverse": True},
                name="broadcast-x",
            ),
        ],
        family=F,
    )
)

register(
    OpInfo(
        name="inverse_permutation",
        build=atb.inverse_permutation,
        ref=lambda p: np.argsort(p, axis=-1).astype(p.dtype),
        samples=lambda rng: [
            Sample((rng.permutation(6),), name="vector"),
            Sample((np.stack([rng.permutation(4) for _ in range(3)]),), name="rows"),
            Sample((np.zeros(0, dtype="int64"),), name="empty"),
            Sample((rng.permutation(5).astype("int32"),), name="int32"),
        ],
        errors=[
            ErrorSample((np.zeros(3),), TypeError, "integer", name="float"),
            ErrorSample((np.int64(0),), TypeError, "integer", name="0d"),
        ],
        family=F,
    )
)

register(
    OpInfo(
        name="empty_shape",
        # Contents are unspecified, so compare shapes/dtypes through zeros.
        build=lambda x: atb.empty(x.shape, dtype=x.dtype) * 0 + x,
        ref=lambda x: x,
        samples=lambda rng: [
            Sample((rng.standard_normal((2, 3)),), name="matrix"),
            Sample((np.zeros((0, 4)),), name="empty"),
            Sample((np.float64(2.0),), name="0d"),
            Sample((rng.standard_normal(3).astype("float32"),), name="float32"),
        ],
        family=F,
    )
)
