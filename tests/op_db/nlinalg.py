"""Op database entries for :mod:`aesara.tensor.nlinalg` (NumPy's ``linalg``).

Samples use well-conditioned matrices (random plus a multiple of the
identity), matrices with well-separated eigen/singular values for the
decompositions, 1x1 and 0x0 cases where NumPy accepts them, non-contiguous
and transposed inputs, and float32/float64/integer dtypes.

Eigen- and singular vectors are only defined up to sign, so finite
differences of them are only meaningful through sign-invariant functions: the
differentiable ``eigh`` and ``svd`` entries (``*-invariant``) return
``v * v`` / ``u * u`` instead of the raw vectors. ``lstsq-solution`` checks
the gradient of ``x`` and ``s`` alone, ``lstsq`` that of every output.
"""

from __future__ import annotations

import numpy as np

from aesara.tensor import nlinalg as nl
from tests.op_db import ErrorSample, OpInfo, Sample, register

FAMILY = "nlinalg"


def _wc(rng, n, dtype="float64"):
    """A well-conditioned ``n x n`` matrix (random plus ``n`` on the diagonal)."""
    if np.dtype(dtype).kind in "iu":
        return (rng.integers(-3, 4, size=(n, n)) + 6 * np.eye(n, dtype=int)).astype(
            dtype
        )
    return (rng.normal(size=(n, n)) + n * np.eye(n)).astype(dtype)


def _orth(rng, n):
    q, r = np.linalg.qr(rng.normal(size=(n, n)))
    return q * np.sign(np.diag(r))


def _sym(rng, n, dtype="float64"):
    """Symmetric with eigenvalues ~1.5 apart (well separated)."""
    q = _orth(rng, n)
    w = 1.5 * np.arange(n) - 2.0 + rng.uniform(-0.2, 0.2, size=n)
    return ((q * w) @ q.T).astype(dtype)


def _sep_svd(rng, m, n):
    """An ``m x n`` matrix with singular values ~1 apart and >= 1."""
    k = min(m, n)
    u = _orth(rng, m)[:, :k]
    v = _orth(rng, n)[:, :k]
    s = 1.0 + np.arange(k)[::-1] + rng.uniform(-0.2, 0.2, size=k)
    return (u * s) @ v.T


def _n(rng, *shape, dtype="float64"):
    if np.dtype(dtype).kind in "iu":
        return rng.integers(-4, 5, size=shape).astype(dtype)
    return rng.normal(size=shape).astype(dtype)


def _ndim_error(n_args=1, bad=None, name="vector"):
    bad = np.zeros(3) if bad is None else bad
    args = (bad,) + tuple(np.zeros((2, 2)) for _ in range(n_args - 1))
    return ErrorSample(args, TypeError, match=r"expected a .*2-d", name=name)


_SINGULAR = np.array([[1.0, 2.0], [2.0, 4.0]])


def _square_samples(rng):
    return [
        Sample((_wc(rng, 3),), name="3x3"),
        Sample((_wc(rng, 4),), name="static", static_shape=True),
        Sample((np.array([[2.5]]),), name="1x1"),
        Sample((np.zeros((0, 0)),), name="0x0"),
        Sample((_wc(rng, 3).T,), name="transposed"),
        Sample((np.kron(_wc(rng, 3), np.ones((2, 2)))[::2, ::2],), name="strided"),
        Sample((_wc(rng, 3, "float32"),), name="float32"),
        Sample((_wc(rng, 3, "int64"),), name="int64"),
        Sample((-_wc(rng, 3)[::-1],), name="negative-det"),
    ]


def _square_grad_samples(rng):
    return [
        Sample((_wc(rng, 3),), name="3x3"),
        Sample((np.array([[1.7]]),), name="1x1"),
        Sample((-_wc(rng, 4)[::-1],), name="negative-det"),
    ]


def _static_non_square(op):
    def build(x):
        from aesara.tensor.type import tensor

        return op(tensor("float64", shape=(2, 3)))

    return build


def _static_error_entry(name, op):
    register(
        OpInfo(
            name=f"nlinalg.{name}-static-non-square",
            build=_static_non_square(op),
            ref=lambda x: x,
            samples=lambda rng: [],
            errors=(
                ErrorSample(
                    (np.zeros((1, 1)),), ValueError, match="expected a square matrix"
                ),
            ),
            family=FAMILY,
        )
    )


# --- inverse -----------------------------------------------------------------

register(
    OpInfo(
        name="nlinalg.matrix_inverse",
        build=nl.matrix_inverse,
        ref=np.linalg.inv,
        samples=_square_samples,
        errors=(
            _ndim_error(),
            _ndim_error(bad=np.zeros((2, 2, 2)), name="3d"),
            ErrorSample(
                (_SINGULAR,),
                np.linalg.LinAlgError,
                "Singular",
                at_build=False,
                name="singular",
            ),
            ErrorSample(
                (np.zeros((2, 3)),),
                np.linalg.LinAlgError,
                "square",
                at_build=False,
                name="non-square",
            ),
        ),
        differentiable=True,
        grad_samples=_square_grad_samples,
        rtol=1e-6,
        family=FAMILY,
    )
)
_static_error_entry("matrix_inverse", nl.matrix_inverse)


def _pinv_samples(rng):
    rank2 = _n(rng, 4, 2) @ _n(rng, 2, 3)
    return [
        Sample((_n(rng, 3, 5),), name="wide"),
        Sample((_n(rng, 5, 3),), name="tall"),
        Sample((_n(rng, 5, 3),), name="static", static_shape=True),
        Sample((rank2,), name="rank-deficient"),
        Sample((np.zeros((0, 3)),), name="empty"),
        Sample((np.array([[4.0]]),), name="1x1"),
        Sample((_n(rng, 6, 4)[::2, ::-1],), name="strided"),
        Sample((_n(rng, 3, 4, dtype="float32"),), name="float32"),
        Sample((_n(rng, 3, 4, dtype="int32"),), name="int32"),
        Sample((_sym(rng, 4),), {"hermitian": True}, name="hermitian"),
    ]


def _pinv_grad_samples(rng):
    return [
        Sample((_sep_svd(rng, 3, 5),), name="wide"),
        Sample((_sep_svd(rng, 5, 3),), name="tall"),
        Sample((_wc(rng, 3),), name="square"),
        Sample((_sym(rng, 4),), {"hermitian": True}, name="hermitian"),
    ]


register(
    OpInfo(
        name="nlinalg.pinv",
        build=lambda x, hermitian=False: nl.pinv(x, hermitian=hermitian),
        ref=lambda x, hermitian=False: np.linalg.pinv(x, hermitian=hermitian),
        samples=_pinv_samples,
        errors=(_ndim_error(),),
        differentiable=True,
        grad_samples=_pinv_grad_samples,
        rtol=1e-6,
        family=FAMILY,
    )
)


# --- determinants ------------------------------------------------------------


def _det_samples(rng):
    return [*_square_samples(rng), Sample((_SINGULAR,), name="singular")]


register(
    OpInfo(
        name="nlinalg.det",
        build=nl.det,
        ref=np.linalg.det,
        samples=_det_samples,
        errors=(
            _ndim_error(),
            ErrorSample(
                (np.zeros((2, 3)),),
                np.linalg.LinAlgError,
                "square",
                at_build=False,
                name="non-square",
            ),
        ),
        differentiable=True,
        grad_samples=_square_grad_samples,
        rtol=1e-6,
        family=FAMILY,
    )
)
_static_error_entry("det", nl.det)

register(
    OpInfo(
        name="nlinalg.slogdet",
        build=nl.slogdet,
        ref=lambda x: tuple(np.linalg.slogdet(x)),
        samples=_det_samples,
        errors=(_ndim_error(bad=np.zeros((2, 2, 2)), name="3d"),),
        differentiable=True,
        grad_samples=_square_grad_samples,
        rtol=1e-6,
        family=FAMILY,
    )
)


# --- eigen-decompositions ----------------------------------------------------


def _eig_ref(x):
    w, v = np.linalg.eig(x)
    dt = np.complex64 if x.dtype == np.float32 else np.complex128
    return w.astype(dt), v.astype(dt)


def _eig_samples(rng):
    rot = np.array([[0.0, -1.0], [1.0, 0.0]])
    return [
        Sample((_n(rng, 4, 4),), name="general"),
        Sample((rot,), name="complex-eigenvalues"),
        Sample((_sym(rng, 3),), name="symmetric"),
        Sample((_n(rng, 3, 3),), name="static", static_shape=True),
        Sample((np.array([[3.0]]),), name="1x1"),
        Sample((np.zeros((0, 0)),), name="0x0"),
        Sample((_n(rng, 3, 3, dtype="float32"),), name="float32"),
        Sample((_n(rng, 3, 3, dtype="int64"),), name="int64"),
        Sample((_n(rng, 3, 3) + 1j * _n(rng, 3, 3),), name="complex"),
    ]


register(
    OpInfo(
        name="nlinalg.eig",
        build=nl.eig,
        ref=_eig_ref,
        samples=_eig_samples,
        errors=(
            _ndim_error(),
            ErrorSample(
                (np.zeros((2, 3)),),
                np.linalg.LinAlgError,
                "square",
                at_build=False,
                name="non-square",
            ),
        ),
        rtol=1e-5,
        family=FAMILY,
    )
)


def _eigh_samples(rng):
    lower_only = np.tril(_sym(rng, 3)) + np.triu(_n(rng, 3, 3), 1)
    return [
        Sample((_sym(rng, 4),), name="4x4"),
        Sample((_sym(rng, 4),), {"UPLO": "U"}, name="upper"),
        Sample((lower_only,), name="reads-lower"),
        Sample((lower_only.T.copy(),), {"UPLO": "U"}, name="reads-upper"),
        Sample((_sym(rng, 3),), name="static", static_shape=True),
        Sample((np.array([[2.0]]),), name="1x1"),
        Sample((np.zeros((0, 0)),), name="0x0"),
        Sample((_sym(rng, 3, "float32"),), name="float32"),
        Sample((np.array([[2, 1], [1, 3]], dtype="int64"),), name="int64"),
    ]


def _eigh_ref(x, UPLO="L"):
    return tuple(np.linalg.eigh(x, UPLO=UPLO))


register(
    OpInfo(
        name="nlinalg.eigh",
        build=lambda x, UPLO="L": nl.eigh(x, UPLO),
        ref=_eigh_ref,
        samples=_eigh_samples,
        errors=(
            _ndim_error(),
            ErrorSample((np.zeros((2, 2)),), ValueError, "UPLO", {"UPLO": "X"}),
        ),
        rtol=1e-5,
        family=FAMILY,
    )
)


def _eigh_invariant(x, UPLO="L"):
    w, v = nl.eigh(x, UPLO)
    return [w, v * v]


def _eigh_invariant_ref(x, UPLO="L"):
    w, v = np.linalg.eigh(x, UPLO=UPLO)
    return w, v * v


def _eigh_grad_samples(rng):
    lower_only = np.tril(_sym(rng, 3)) + np.triu(_n(rng, 3, 3), 1)
    return [
        Sample((_sym(rng, 4),), name="4x4"),
        Sample((_sym(rng, 3),), {"UPLO": "U"}, name="upper"),
        Sample((lower_only,), name="non-symmetric-input"),
        Sample((np.array([[2.0]]),), name="1x1"),
    ]


register(
    OpInfo(
        name="nlinalg.eigh-invariant",
        build=_eigh_invariant,
        ref=_eigh_invariant_ref,
        samples=_eigh_grad_samples,
        differentiable=True,
        grad_samples=_eigh_grad_samples,
        rtol=1e-6,
        atol=1e-10,
        family=FAMILY,
    )
)


# --- QR -----------------------------------------------------------------------


def _qr_samples(rng):
    return [
        Sample((_n(rng, 5, 3),), name="tall"),
        Sample((_n(rng, 3, 5),), name="wide"),
        Sample((_n(rng, 4, 4),), name="square"),
        Sample((_n(rng, 5, 3),), name="static", static_shape=True),
        Sample((_n(rng, 3, 5),), {"mode": "complete"}, name="wide-complete"),
        Sample((_n(rng, 5, 3),), {"mode": "complete"}, name="tall-complete"),
        Sample(
            (_n(rng, 5, 3),),
            {"mode": "complete"},
            name="static-complete",
            static_shape=True,
        ),
        Sample((_n(rng, 5, 3),), {"mode": "r"}, name="r"),
        Sample((_n(rng, 3, 5),), {"mode": "r"}, name="r-wide", static_shape=True),
        Sample((_n(rng, 5, 3),), {"mode": "raw"}, name="raw"),
        Sample((_n(rng, 3, 5),), {"mode": "raw"}, name="raw-static", static_shape=True),
        Sample((np.array([[2.0]]),), name="1x1"),
        Sample((np.zeros((0, 3)),), name="empty"),
        Sample((_n(rng, 8, 6)[::2, ::2],), name="strided"),
        Sample((_n(rng, 4, 3, dtype="float32"),), name="float32"),
        Sample((_n(rng, 4, 3, dtype="int64"),), name="int64"),
    ]


def _qr_ref(x, mode="reduced"):
    res = np.linalg.qr(x, mode=mode)
    return res if mode == "r" else tuple(res)


def _qr_grad_samples(rng):
    return [
        Sample((_n(rng, 5, 3),), name="tall"),
        Sample((_n(rng, 3, 5),), name="wide"),
        Sample((_wc(rng, 4),), name="square"),
        Sample((_n(rng, 5, 3),), {"mode": "r"}, name="r"),
        Sample((_n(rng, 3, 5),), {"mode": "r"}, name="r-wide"),
    ]


register(
    OpInfo(
        name="nlinalg.qr",
        build=lambda x, mode="reduced": nl.qr(x, mode),
        ref=_qr_ref,
        samples=_qr_samples,
        errors=(
            _ndim_error(),
            ErrorSample((np.zeros((2, 2)),), ValueError, "mode", {"mode": "full"}),
        ),
        differentiable=True,
        grad_samples=_qr_grad_samples,
        rtol=1e-5,
        family=FAMILY,
    )
)


# --- SVD ----------------------------------------------------------------------


def _svd_samples(rng):
    return [
        Sample((_n(rng, 5, 3),), name="tall"),
        Sample((_n(rng, 3, 5),), name="wide"),
        Sample((_n(rng, 3, 5),), name="static", static_shape=True),
        Sample((_n(rng, 5, 3),), {"full_matrices": False}, name="thin"),
        Sample(
            (_n(rng, 3, 5),),
            {"full_matrices": False},
            name="thin-static",
            static_shape=True,
        ),
        Sample((_n(rng, 4, 3),), {"compute_uv": False}, name="values"),
        Sample(
            (_n(rng, 4, 3),),
            {"compute_uv": False},
            name="values-static",
            static_shape=True,
        ),
        Sample((np.array([[-2.0]]),), name="1x1"),
        Sample((np.zeros((0, 3)),), {"compute_uv": False}, name="empty"),
        Sample((_n(rng, 4, 6)[:, ::2].T,), name="transposed"),
        Sample((_n(rng, 4, 3, dtype="float32"),), name="float32"),
        Sample((_n(rng, 4, 3, dtype="int16"),), name="int16"),
    ]


def _svd_ref(x, full_matrices=True, compute_uv=True):
    res = np.linalg.svd(x, full_matrices=full_matrices, compute_uv=compute_uv)
    return tuple(res) if compute_uv else res


register(
    OpInfo(
        name="nlinalg.svd",
        build=lambda x, full_matrices=True, compute_uv=True: nl.svd(
            x, full_matrices, compute_uv
        ),
        ref=_svd_ref,
        samples=_svd_samples,
        errors=(_ndim_error(),),
        rtol=1e-5,
        family=FAMILY,
    )
)


def _svd_invariant(x, compute_uv=True):
    if not compute_uv:
        return nl.svd(x, compute_uv=False)
    u, s, v = nl.svd(x, full_matrices=False)
    return [u * u, s, v * v]


def _svd_invariant_ref(x, compute_uv=True):
    if not compute_uv:
        return np.linalg.svd(x, compute_uv=False)
    u, s, v = np.linalg.svd(x, full_matrices=False)
    return u * u, s, v * v


def _svd_grad_samples(rng):
    return [
        Sample((_sep_svd(rng, 5, 3),), name="tall"),
        Sample((_sep_svd(rng, 3, 4),), name="wide"),
        Sample((_sep_svd(rng, 3, 3),), name="square"),
        Sample((_sep_svd(rng, 4, 3),), {"compute_uv": False}, name="values"),
        Sample((_sep_svd(rng, 2, 5),), {"compute_uv": False}, name="values-wide"),
    ]


register(
    OpInfo(
        name="nlinalg.svd-invariant",
        build=_svd_invariant,
        ref=_svd_invariant_ref,
        samples=_svd_grad_samples,
        differentiable=True,
        grad_samples=_svd_grad_samples,
        rtol=1e-6,
        atol=1e-10,
        family=FAMILY,
    )
)


# --- least squares -------------------------------------------------------------


def _lstsq_ref(a, b, rcond=None):
    x, res, rank, s = np.linalg.lstsq(a, b, rcond=rcond)
    return x, res, np.int64(rank), s


def _lstsq_samples(rng):
    rank2 = _n(rng, 5, 2) @ _n(rng, 2, 3)
    return [
        Sample((_n(rng, 6, 3), _n(rng, 6)), name="tall"),
        Sample((_n(rng, 6, 3), _n(rng, 6, 2)), name="tall-matrix-b"),
        Sample((_n(rng, 6, 3), _n(rng, 6, 2)), name="static", static_shape=True),
        Sample((_wc(rng, 3), _n(rng, 3)), name="square"),
        Sample((_n(rng, 2, 4), _n(rng, 2)), name="wide"),
        Sample((rank2, _n(rng, 5)), name="rank-deficient"),
        Sample((rank2, _n(rng, 5)), {"rcond": 0.5}, name="rcond"),
        Sample((_n(rng, 4, 2).T.copy().T, _n(rng, 4)), name="strided"),
        Sample((_n(rng, 5, 2, dtype="int64"), _n(rng, 5, dtype="int64")), name="int"),
        Sample(
            (_n(rng, 5, 2, dtype="float32"), _n(rng, 5, dtype="float32")),
            name="float32",
        ),
    ]


register(
    OpInfo(
        name="nlinalg.lstsq",
        build=lambda a, b, rcond=None: nl.lstsq(a, b, rcond),
        ref=_lstsq_ref,
        samples=_lstsq_samples,
        errors=(
            _ndim_error(n_args=2),
            ErrorSample(
                (np.zeros((3, 2)), np.zeros((3, 2, 2))),
                TypeError,
                "1-d or 2-d",
                name="b-3d",
            ),
            ErrorSample(
                (np.zeros((3, 2)), np.zeros(4)),
                np.linalg.LinAlgError,
                "Incompatible dimensions",
                at_build=False,
                name="rows-mismatch",
            ),
        ),
        differentiable=True,
        grad_samples=lambda rng: [
            Sample((_sep_svd(rng, 6, 3), _n(rng, 6)), name="tall-residuals"),
            Sample((_sep_svd(rng, 5, 2), _n(rng, 5, 3)), name="matrix-b-residuals"),
            Sample((_sep_svd(rng, 2, 4), _n(rng, 2, 2)), name="wide-no-residuals"),
        ],
        rtol=1e-5,
        atol=1e-10,
        family=FAMILY,
    )
)


def _lstsq_solution(a, b):
    x, _, _, s = nl.lstsq(a, b)
    return [x, s]


def _lstsq_solution_ref(a, b):
    x, _, _, s = np.linalg.lstsq(a, b)
    return x, s


def _lstsq_grad_samples(rng):
    return [
        Sample((_sep_svd(rng, 6, 3), _n(rng, 6)), name="tall"),
        Sample((_sep_svd(rng, 5, 2), _n(rng, 5, 2)), name="matrix-b"),
        Sample((_wc(rng, 3), _n(rng, 3)), name="square"),
        Sample((_sep_svd(rng, 2, 4), _n(rng, 2)), name="wide"),
    ]


register(
    OpInfo(
        name="nlinalg.lstsq-solution",
        build=_lstsq_solution,
        ref=_lstsq_solution_ref,
        samples=_lstsq_grad_samples,
        differentiable=True,
        grad_samples=_lstsq_grad_samples,
        rtol=1e-6,
        family=FAMILY,
    )
)


# --- matrix_power, trace, matrix_dot ---------------------------------------------


def _matrix_power_samples(rng):
    a = _n(rng, 3, 3)
    return [
        Sample((a,), {"n": 0}, name="0"),
        Sample((a,), {"n": 1}, name="1"),
        Sample((a,), {"n": 2}, name="2"),
        Sample((a,), {"n": 5}, name="5"),
        Sample((a,), {"n": 8}, name="8", static_shape=True),
        Sample((_wc(rng, 3),), {"n": -1}, name="-1"),
        Sample((_wc(rng, 3),), {"n": -3}, name="-3"),
        Sample((np.array([[1.5]]),), {"n": 3}, name="1x1"),
        Sample((np.zeros((0, 0)),), {"n": 2}, name="0x0"),
        Sample((_n(rng, 3, 3, dtype="int64"),), {"n": 3}, name="int64"),
        Sample((_n(rng, 3, 3, dtype="int64"),), {"n": 0}, name="int64-0"),
        Sample((_wc(rng, 3, "int64"),), {"n": -2}, name="int64-negative"),
        Sample((_n(rng, 3, 3, dtype="float32"),), {"n": 4}, name="float32"),
        Sample((_n(rng, 6, 6)[::2, ::2].T,), {"n": 3}, name="strided"),
    ]


def _matrix_power_grad_samples(rng):
    return [
        Sample((_n(rng, 3, 3),), {"n": 1}, name="1"),
        Sample((_n(rng, 3, 3),), {"n": 3}, name="3"),
        Sample((_n(rng, 3, 3),), {"n": 6}, name="6"),
        Sample((_wc(rng, 3),), {"n": -2}, name="-2"),
    ]


register(
    OpInfo(
        name="nlinalg.matrix_power",
        build=lambda m, n: nl.matrix_power(m, n),
        ref=lambda m, n: np.linalg.matrix_power(m, n),
        samples=_matrix_power_samples,
        errors=(
            ErrorSample((np.zeros(3),), TypeError, "expected a matrix", {"n": 2}),
            ErrorSample(
                (np.zeros((2, 2)),),
                TypeError,
                "must be an integer",
                {"n": 1.5},
                name="float-exponent",
            ),
            ErrorSample(
                (_SINGULAR,),
                np.linalg.LinAlgError,
                "Singular",
                {"n": -1},
                at_build=False,
                name="singular",
            ),
        ),
        differentiable=True,
        grad_samples=_matrix_power_grad_samples,
        rtol=1e-6,
        family=FAMILY,
    )
)

register(
    OpInfo(
        name="nlinalg.trace",
        build=nl.trace,
        ref=np.trace,
        samples=lambda rng: [
            Sample((_n(rng, 3, 3),), name="square"),
            Sample((_n(rng, 2, 4),), name="rectangular"),
            Sample((_n(rng, 2, 4),), name="static", static_shape=True),
            Sample((np.zeros((0, 0)),), name="0x0"),
            Sample((_n(rng, 4, 4, dtype="int32"),), name="int32"),
            Sample((_n(rng, 6, 6)[::2, ::-2],), name="strided"),
        ],
        errors=(
            ErrorSample((np.zeros(3),), TypeError, "expected a matrix"),
            ErrorSample((np.zeros((2, 2, 2)),), TypeError, "expected a matrix"),
        ),
        differentiable=True,
        family=FAMILY,
    )
)


def _multi_dot(*xs):
    if len(xs) == 1:
        return xs[0]
    if len(xs) == 2:
        return np.dot(*xs)
    return np.linalg.multi_dot(xs)


register(
    OpInfo(
        name="nlinalg.matrix_dot",
        build=nl.matrix_dot,
        ref=_multi_dot,
        samples=lambda rng: [
            Sample((_n(rng, 2, 3), _n(rng, 3, 4), _n(rng, 4, 2)), name="three"),
            Sample((_n(rng, 2, 3), _n(rng, 3, 4)), name="two", static_shape=True),
            Sample((_n(rng, 3), _n(rng, 3, 4), _n(rng, 4)), name="vector-ends"),
            Sample((_n(rng, 2, 3),), name="one"),
            Sample(
                (_n(rng, 2, 3, dtype="int32"), _n(rng, 3, 2, dtype="float32")),
                name="mixed-dtypes",
            ),
        ],
        errors=(
            ErrorSample(
                (np.zeros((2, 3)), np.zeros((4, 2))),
                ValueError,
                "not aligned",
                at_build=False,
            ),
        ),
        differentiable=True,
        family=FAMILY,
    )
)


# --- norm -------------------------------------------------------------------------


def _norm_samples(rng):
    v = _n(rng, 5)
    m = _n(rng, 3, 4)
    t = _n(rng, 2, 3, 4)
    samples = [Sample((v,), {}, name="vec-default")]
    for o in (1, 2, 3, 0.5, -1, np.inf, -np.inf, 0):
        samples.append(Sample((v,), {"ord": o}, name=f"vec-ord{o}"))
    for o in ("fro", "nuc", 1, -1, 2, -2, np.inf, -np.inf):
        samples.append(Sample((m,), {"ord": o}, name=f"mat-ord{o}"))
    samples += [
        Sample((m,), {}, name="mat-default"),
        Sample((t,), {}, name="3d-default"),
        Sample((t,), {"axis": 1}, name="3d-axis1"),
        Sample((t,), {"axis": -1, "ord": 1, "keepdims": True}, name="3d-axis-keep"),
        Sample((t,), {"axis": (2, 0), "ord": 1}, name="3d-pair-1"),
        Sample((t,), {"axis": (0, 2), "ord": -np.inf}, name="3d-pair-neg-inf"),
        Sample((t,), {"axis": (-1, -2), "ord": "fro", "keepdims": True}, name="3d-fro"),
        Sample((m,), {"axis": (1, 0), "ord": 2}, name="mat-2-transposed-axes"),
        Sample((m,), {"ord": "nuc", "keepdims": True}, name="mat-nuc-keep"),
        Sample((m,), {"ord": 2}, name="static", static_shape=True),
        Sample((_n(rng, 4, dtype="int64"),), {"ord": 3}, name="int-vec"),
        Sample((_n(rng, 3, 3, dtype="int32"),), {"ord": np.inf}, name="int-mat"),
        Sample((_n(rng, 4, dtype="float32"),), {"ord": 3}, name="float32"),
        Sample((_n(rng, 3) + 1j * _n(rng, 3),), {}, name="complex"),
        Sample((np.zeros(0),), {}, name="empty"),
        Sample((_n(rng, 6, 6)[::2, ::-3],), {"ord": 1}, name="strided"),
    ]
    return samples


register(
    OpInfo(
        name="nlinalg.norm",
        build=lambda x, **kw: nl.norm(x, **kw),
        ref=lambda x, **kw: np.linalg.norm(x, **kw),
        samples=_norm_samples,
        errors=(
            ErrorSample(
                (np.zeros((2, 2, 2)),),
                ValueError,
                "improper number of dimensions",
                {"ord": 1},
            ),
            ErrorSample(
                (np.zeros(3),),
                ValueError,
                "for vectors",
                {"ord": "fro"},
                name="fro-vector",
            ),
            ErrorSample(
                (np.zeros((2, 2)),),
                ValueError,
                "for matrices",
                {"ord": 3},
                name="bad-matrix-ord",
            ),
            ErrorSample(
                (np.zeros((2, 2)),),
                ValueError,
                "duplicate",
                {"axis": (1, 1)},
                name="duplicate-axes",
            ),
            ErrorSample(
                (np.zeros(2),), Exception, "axis", {"axis": 3}, name="axis-out-of-range"
            ),
        ),
        differentiable=True,
        rtol=1e-6,
        family=FAMILY,
    )
)


# --- tensorinv / tensorsolve ---------------------------------------------------------


def _tensor_wc(rng, shape, ind):
    p = int(np.prod(shape[:ind]))
    return _wc(rng, p).reshape(shape)


def _tensorinv_samples(rng):
    return [
        Sample((_tensor_wc(rng, (4, 6, 8, 3), 2),), name="4d"),
        Sample((_tensor_wc(rng, (6, 2, 3), 1),), {"ind": 1}, name="ind1"),
        Sample(
            (_tensor_wc(rng, (2, 3, 6), 2),),
            {"ind": 2},
            name="static",
            static_shape=True,
        ),
        Sample((_wc(rng, 3),), {"ind": 1}, name="matrix"),
        Sample(
            (_tensor_wc(rng, (6, 2, 3), 1).astype("float32"),),
            {"ind": 1},
            name="float32",
        ),
        Sample((_wc(rng, 4, "int64").reshape(2, 2, 4),), {"ind": 2}, name="int64"),
    ]


def _tensorinv_grad_samples(rng):
    return [
        Sample((_tensor_wc(rng, (2, 3, 6), 2),), name="3d"),
        Sample((_tensor_wc(rng, (4, 2, 2), 1),), {"ind": 1}, name="ind1"),
    ]


register(
    OpInfo(
        name="nlinalg.tensorinv",
        build=lambda a, ind=2: nl.tensorinv(a, ind),
        ref=lambda a, ind=2: np.linalg.tensorinv(a, ind),
        samples=_tensorinv_samples,
        errors=(
            ErrorSample((np.zeros((2, 2)),), ValueError, "positive", {"ind": 0}),
            ErrorSample(
                (np.zeros((2, 3, 2)),),
                np.linalg.LinAlgError,
                "square",
                {"ind": 1},
                at_build=False,
                name="non-square-products",
            ),
        ),
        differentiable=True,
        grad_samples=_tensorinv_grad_samples,
        rtol=1e-6,
        family=FAMILY,
    )
)


def _tensorsolve_samples(rng):
    return [
        Sample((_tensor_wc(rng, (6, 2, 3), 1), _n(rng, 6)), name="vector-b"),
        Sample((_tensor_wc(rng, (2, 3, 6), 2), _n(rng, 2, 3)), name="matrix-b"),
        Sample(
            (_tensor_wc(rng, (2, 3, 6), 2), _n(rng, 2, 3)),
            name="static",
            static_shape=True,
        ),
        Sample(
            (_tensor_wc(rng, (6, 2, 3), 1).transpose(1, 0, 2), _n(rng, 6)),
            {"axes": (0,)},
            name="axes",
        ),
        Sample((_wc(rng, 3), _n(rng, 3)), name="matrix"),
        Sample((_wc(rng, 3, "int64"), _n(rng, 3, dtype="int64")), name="int64"),
        Sample((_wc(rng, 4, "float32"), _n(rng, 4, dtype="float32")), name="float32"),
    ]


def _tensorsolve_grad_samples(rng):
    return [
        Sample((_tensor_wc(rng, (6, 2, 3), 1), _n(rng, 6)), name="vector-b"),
        Sample((_tensor_wc(rng, (2, 2, 4), 2), _n(rng, 2, 2)), name="matrix-b"),
        Sample(
            (_tensor_wc(rng, (4, 2, 2), 1).transpose(1, 0, 2), _n(rng, 4)),
            {"axes": (0,)},
            name="axes",
        ),
    ]


register(
    OpInfo(
        name="nlinalg.tensorsolve",
        build=lambda a, b, axes=None: nl.tensorsolve(a, b, axes),
        ref=lambda a, b, axes=None: np.linalg.tensorsolve(a, b, axes),
        samples=_tensorsolve_samples,
        errors=(
            ErrorSample(
                (np.zeros(3), np.zeros((3, 3))),
                TypeError,
                "at least as many",
            ),
            ErrorSample(
                (np.zeros((3, 3)), np.zeros(3)),
                ValueError,
                "out of bounds",
                {"axes": (5,)},
                name="bad-axes",
            ),
            ErrorSample(
                (_SINGULAR, np.ones(2)),
                np.linalg.LinAlgError,
                "Singular",
                at_build=False,
                name="singular",
            ),
        ),
        differentiable=True,
        grad_samples=_tensorsolve_grad_samples,
        rtol=1e-6,
        family=FAMILY,
    )
)
