"""Op database entries for :mod:`aesara.tensor.slinalg` (SciPy's linear algebra).

Output dtypes follow the module's rule (integers upcast to the float that
holds them, ``float16`` computed in ``float32``); the references are SciPy's
values cast to that dtype, since SciPy's own dtype choices differ between
functions.

Gradient samples sit at well-conditioned points (positive-definite matrices
far from singular, distinct eigenvalues, stable Lyapunov operators), so the
small random perturbations of ``verify_grad`` keep every input valid.
"""

from __future__ import annotations

import numpy as np
import scipy.linalg

import aesara.tensor.slinalg as sl
from tests.op_db import ErrorSample, OpInfo, Sample, register

_SMALL_INTS = {"bool", "int8", "uint8", "int16", "uint16"}


def _rdtype(*arrays) -> np.dtype:
    """The dtype of an slinalg result for these inputs."""
    dtypes = []
    for a in arrays:
        d = np.asarray(a).dtype
        if d.kind in "biu":
            d = np.dtype("float32" if d.name in _SMALL_INTS else "float64")
        dtypes.append(d)
    d = np.result_type(*dtypes)
    return np.dtype("float32") if d == np.float16 else d


def _as(value, *inputs):
    return np.asarray(value).astype(_rdtype(*inputs))


def _n(rng, *shape, dtype="float64"):
    return rng.normal(0.0, 1.0, shape).astype(dtype)


def _spd(rng, n, dtype="float64"):
    """A well-conditioned symmetric positive-definite matrix."""
    x = rng.normal(0.0, 1.0, (n, n))
    return (x @ x.T / n + np.eye(n)).astype(dtype)


def _well_conditioned(rng, n, dtype="float64"):
    """A general matrix far from singular (diagonally dominated)."""
    return (rng.normal(0.0, 1.0, (n, n)) + 2.0 * np.sqrt(n) * np.eye(n)).astype(dtype)


def _static(dtype, shape):
    from aesara.tensor.type import tensor

    return tensor(dtype, shape=shape)


def _int_spd():
    return np.array([[4, 2, 0], [2, 5, 1], [0, 1, 3]], dtype="int64")


# ---------------------------------------------------------------------------
# cholesky
# ---------------------------------------------------------------------------


def _cholesky_ref(x, lower=True, on_error="raise"):
    try:
        value = scipy.linalg.cholesky(x, lower=lower)
    except np.linalg.LinAlgError:
        if on_error == "raise":
            raise
        value = np.full(x.shape, np.nan)
    return _as(value, x)


def _cholesky_samples(rng):
    big = _spd(rng, 8)
    return [
        Sample((_spd(rng, 4),), name="lower"),
        Sample((_spd(rng, 4),), {"lower": False}, name="upper"),
        Sample((_spd(rng, 1),), name="1x1"),
        Sample((_spd(rng, 3),), name="static", static_shape=True),
        Sample((big[::2, ::2],), name="strided"),
        Sample((np.asfortranarray(_spd(rng, 5)),), {"lower": False}, name="fortran"),
        Sample((_spd(rng, 4, "float32"),), name="float32"),
        Sample((_int_spd(),), name="int64"),
        Sample((_int_spd().astype("int8"),), {"lower": False}, name="int8"),
        Sample((np.zeros((0, 0)),), name="empty"),
        Sample(
            (np.array([[1.0, 2.0], [2.0, 1.0]]),),
            {"on_error": "nan"},
            name="nan-not-pd",
        ),
        Sample((_spd(rng, 3),), {"on_error": "nan"}, name="nan-pd"),
    ]


def _cholesky_grad_samples(rng):
    # The factorization reads one triangle and its gradient is exact for that:
    # free perturbations of a well-conditioned SPD point stay positive definite.
    return [
        Sample((_spd(rng, 4),), name="lower"),
        Sample((_spd(rng, 4),), {"lower": False}, name="upper"),
        Sample((_spd(rng, 1),), name="1x1"),
        Sample((_spd(rng, 3),), {"on_error": "nan"}, name="nan-mode"),
    ]


register(
    OpInfo(
        name="slinalg.cholesky",
        build=sl.cholesky,
        ref=_cholesky_ref,
        samples=_cholesky_samples,
        grad_samples=_cholesky_grad_samples,
        differentiable=True,
        family="slinalg",
        errors=(
            ErrorSample(
                (np.zeros(3),), TypeError, match="must be a matrix", name="vector"
            ),
            ErrorSample((np.zeros((2, 2, 2)),), TypeError, match="2-d", name="3d"),
            ErrorSample(
                (np.array([[1.0, 2.0], [2.0, 1.0]]),),
                np.linalg.LinAlgError,
                at_build=False,
                name="not-pd",
            ),
            ErrorSample(
                (np.zeros((2, 3)),),
                ValueError,
                match="square",
                at_build=False,
                name="runtime-not-square",
            ),
            ErrorSample(
                (_spd(np.random.default_rng(0), 2),),
                ValueError,
                match="on_error",
                kwargs={"on_error": "ignore"},
                name="bad-on-error",
            ),
        ),
    )
)


def _static_not_square(x):
    return sl.cholesky(_static("float64", (2, 3)))


register(
    OpInfo(
        name="slinalg.cholesky_static_errors",
        build=_static_not_square,
        ref=lambda x: x,
        samples=lambda rng: [],
        errors=(
            ErrorSample(
                (np.zeros((2, 3)),),
                ValueError,
                match=r"square.*\(2, 3\)",
                name="static",
            ),
        ),
        family="slinalg",
    )
)


def _gram(x):
    """``x x^T + n I``: symmetric positive definite for every real ``x``."""
    import aesara.tensor as at

    return at.dot(x, x.T) + x.shape[0] * at.eye(x.shape[0])


def _gram_np(x):
    return x @ x.T + x.shape[0] * np.eye(x.shape[0])


# The usual use: factor a covariance built from free parameters. Forming the
# Gram matrix inside the graph keeps any perturbation of ``x`` valid and checks
# the chain through a symmetric input.
register(
    OpInfo(
        name="slinalg.cholesky_of_gram",
        build=lambda x, lower=True: sl.cholesky(_gram(x), lower=lower),
        ref=lambda x, lower=True: scipy.linalg.cholesky(_gram_np(x), lower=lower),
        samples=lambda rng: [
            Sample((_n(rng, 4, 4),), name="lower"),
            Sample((_n(rng, 3, 3),), {"lower": False}, name="upper"),
        ],
        differentiable=True,
        family="slinalg",
    )
)


# ---------------------------------------------------------------------------
# solve
# ---------------------------------------------------------------------------


def _solve_ref(a, b, assume_a="gen", lower=False, check_finite=True):
    return _as(scipy.linalg.solve(a, b, assume_a=assume_a, lower=lower), a, b)


def _solve_samples(rng):
    samples = []
    for assume_a in ("gen", "sym", "her", "pos"):
        make = _well_conditioned if assume_a == "gen" else _spd
        for lower in (False, True):
            kw = {"assume_a": assume_a, "lower": lower}
            tag = f"{assume_a}-{'lower' if lower else 'upper'}"
            samples.append(Sample((make(rng, 4), _n(rng, 4)), kw, name=f"{tag}-vec"))
            samples.append(Sample((make(rng, 4), _n(rng, 4, 2)), kw, name=f"{tag}-mat"))
    big = _well_conditioned(rng, 8)
    samples += [
        Sample((_well_conditioned(rng, 1), _n(rng, 1)), name="1x1"),
        Sample(
            (_well_conditioned(rng, 3), _n(rng, 3, 2)), name="static", static_shape=True
        ),
        Sample((big[::2, ::2], _n(rng, 4, 6)[:, ::3]), name="strided"),
        Sample((_well_conditioned(rng, 3).T, _n(rng, 3)), name="transposed"),
        Sample(
            (_well_conditioned(rng, 3, "float32"), _n(rng, 3, 2, dtype="float32")),
            name="float32",
        ),
        Sample(
            (_int_spd(), np.array([1, -2, 3], dtype="int64")),
            {"assume_a": "pos"},
            name="int64",
        ),
        Sample(
            (_int_spd().astype("int8"), _n(rng, 3, dtype="float32")),
            name="int8-float32",
        ),
        Sample((_well_conditioned(rng, 3), _n(rng, 3, 0)), name="no-rhs"),
    ]
    return samples


def _solve_grad_samples(rng):
    # Small perturbations keep these points invertible (and the symmetric
    # ones positive definite), and the gradient is exact for the triangle
    # the structured solvers read, so the inputs can stay free.
    return [s for s in _solve_samples(rng) if s.name.endswith(("-vec", "-mat"))] + [
        Sample((_well_conditioned(rng, 1), _n(rng, 1)), name="1x1")
    ]


register(
    OpInfo(
        name="slinalg.solve",
        build=sl.solve,
        ref=_solve_ref,
        samples=_solve_samples,
        grad_samples=_solve_grad_samples,
        differentiable=True,
        rtol=1e-6,
        family="slinalg",
        errors=(
            ErrorSample(
                (np.zeros((2, 2, 2)), np.zeros(2)),
                TypeError,
                match="a must be a matrix",
            ),
            ErrorSample(
                (np.eye(2), np.zeros((2, 2, 2))),
                TypeError,
                match="b must be a vector or a matrix",
                name="b-3d",
            ),
            ErrorSample(
                (np.eye(2), np.zeros(2)),
                ValueError,
                match="assume_a",
                kwargs={"assume_a": "diagonal-ish"},
                name="bad-assume-a",
            ),
            ErrorSample(
                (np.zeros((2, 2)), np.ones(2)),
                np.linalg.LinAlgError,
                at_build=False,
                name="singular",
            ),
            ErrorSample(
                (np.eye(3), np.ones(2)),
                ValueError,
                match="b needs 3 rows",
                at_build=False,
                name="runtime-rows",
            ),
            ErrorSample(
                (np.array([[1.0, 2.0], [2.0, 1.0]]), np.ones(2)),
                np.linalg.LinAlgError,
                kwargs={"assume_a": "pos"},
                at_build=False,
                name="pos-not-pd",
            ),
        ),
    )
)


register(
    OpInfo(
        name="slinalg.solve_static_errors",
        build=lambda a, b: sl.solve(
            _static("float64", (3, 3)), _static("float64", (2,))
        ),
        ref=lambda a, b: a,
        samples=lambda rng: [],
        errors=(
            ErrorSample(
                (np.eye(3), np.ones(2)), ValueError, match="b needs 3 rows", name="rows"
            ),
        ),
        family="slinalg",
    )
)


# A symmetric solve whose matrix is formed from a free input, as a model does.
register(
    OpInfo(
        name="slinalg.solve_pos_of_gram",
        build=lambda x, b: sl.solve(_gram(x), b, assume_a="pos"),
        ref=lambda x, b: np.linalg.solve(_gram_np(x), b),
        samples=lambda rng: [
            Sample((_n(rng, 4, 4), _n(rng, 4)), name="vec"),
            Sample((_n(rng, 3, 3), _n(rng, 3, 2)), name="mat"),
        ],
        differentiable=True,
        rtol=1e-6,
        family="slinalg",
    )
)


# ---------------------------------------------------------------------------
# solve_triangular and the ready-made solvers
# ---------------------------------------------------------------------------


def _solve_triangular_ref(
    a, b, trans=0, lower=False, unit_diagonal=False, check_finite=True
):
    value = scipy.linalg.solve_triangular(
        a, b, trans=trans, lower=lower, unit_diagonal=unit_diagonal
    )
    return _as(value, a, b)


def _solve_triangular_samples(rng):
    samples = []
    for lower in (True, False):
        for trans in (0, 1, 2):
            for unit in (False, True):
                kw = {"lower": lower, "trans": trans, "unit_diagonal": unit}
                tag = (
                    f"{'lower' if lower else 'upper'}-t{trans}{'-unit' if unit else ''}"
                )
                b = _n(rng, 4) if trans != 1 else _n(rng, 4, 3)
                # Full matrices: the other triangle must be ignored.
                samples.append(Sample((_well_conditioned(rng, 4), b), kw, name=tag))
    big = _well_conditioned(rng, 8)
    samples += [
        Sample(
            (_well_conditioned(rng, 4), _n(rng, 4, 2)), {"trans": "T"}, name="trans-T"
        ),
        Sample((_well_conditioned(rng, 1), _n(rng, 1)), name="1x1"),
        Sample(
            (_well_conditioned(rng, 3), _n(rng, 3, 2)),
            {"lower": True},
            name="static",
            static_shape=True,
        ),
        Sample((big[::2, ::2], _n(rng, 4, 4)[:, ::2]), {"lower": True}, name="strided"),
        Sample(
            (_well_conditioned(rng, 3, "float32"), _n(rng, 3, dtype="float32")),
            name="float32",
        ),
        Sample(
            (_int_spd(), np.array([1, 2, 3], dtype="int8")),
            {"lower": True},
            name="int",
        ),
    ]
    return samples


register(
    OpInfo(
        name="slinalg.solve_triangular",
        build=sl.solve_triangular,
        ref=_solve_triangular_ref,
        samples=_solve_triangular_samples,
        differentiable=True,
        family="slinalg",
        errors=(
            ErrorSample(
                (np.zeros(3), np.zeros(3)), TypeError, match="a must be a matrix"
            ),
            ErrorSample(
                (np.eye(2), np.zeros(2)),
                ValueError,
                match="trans",
                kwargs={"trans": 3},
                name="bad-trans",
            ),
            ErrorSample(
                (np.zeros((2, 2)), np.ones(2)),
                np.linalg.LinAlgError,
                at_build=False,
                name="singular",
            ),
        ),
    )
)

register(
    OpInfo(
        name="slinalg.solve_lower_triangular",
        build=lambda a, b: sl.solve_lower_triangular(a, b),
        ref=lambda a, b: scipy.linalg.solve_triangular(a, b, lower=True),
        samples=lambda rng: [Sample((_well_conditioned(rng, 4), _n(rng, 4, 2)))],
        differentiable=True,
        family="slinalg",
    )
)

register(
    OpInfo(
        name="slinalg.solve_upper_triangular",
        build=lambda a, b: sl.solve_upper_triangular(a, b),
        ref=lambda a, b: scipy.linalg.solve_triangular(a, b, lower=False),
        samples=lambda rng: [Sample((_well_conditioned(rng, 4), _n(rng, 4)))],
        differentiable=True,
        family="slinalg",
    )
)

register(
    OpInfo(
        name="slinalg.solve_symmetric",
        build=lambda a, b: sl.solve_symmetric(a, b),
        ref=lambda a, b: scipy.linalg.solve(a, b, assume_a="sym"),
        samples=lambda rng: [Sample((_spd(rng, 4), _n(rng, 4, 2)))],
        differentiable=True,
        rtol=1e-6,
        family="slinalg",
    )
)


# ---------------------------------------------------------------------------
# cho_solve
# ---------------------------------------------------------------------------


def _factor(rng, n, lower, dtype="float64"):
    return scipy.linalg.cholesky(_spd(rng, n), lower=lower).astype(dtype)


register(
    OpInfo(
        name="slinalg.cho_solve",
        build=lambda c, b, lower=True: sl.cho_solve((c, lower), b),
        ref=lambda c, b, lower=True: _as(scipy.linalg.cho_solve((c, lower), b), c, b),
        samples=lambda rng: [
            Sample((_factor(rng, 4, True), _n(rng, 4)), name="lower-vec"),
            Sample((_factor(rng, 4, True), _n(rng, 4, 2)), name="lower-mat"),
            Sample(
                (_factor(rng, 4, False), _n(rng, 4)), {"lower": False}, name="upper-vec"
            ),
            Sample(
                (_factor(rng, 4, False), _n(rng, 4, 3)),
                {"lower": False},
                name="upper-mat",
            ),
            # Full matrices: only the factor's triangle is read.
            Sample((_well_conditioned(rng, 3), _n(rng, 3)), name="full-lower"),
            Sample(
                (_well_conditioned(rng, 3), _n(rng, 3)),
                {"lower": False},
                name="full-upper",
            ),
            Sample((_factor(rng, 1, True), _n(rng, 1)), name="1x1"),
            Sample(
                (_factor(rng, 3, True), _n(rng, 3, 2)), name="static", static_shape=True
            ),
            Sample(
                (_factor(rng, 3, True, "float32"), _n(rng, 3, dtype="float32")),
                name="float32",
            ),
            Sample(
                (
                    np.array([[2, 0], [1, 3]], dtype="int32"),
                    np.array([1, 2], dtype="int32"),
                ),
                name="int",
            ),
            Sample(
                (np.asfortranarray(_factor(rng, 4, True)), _n(rng, 4, 4)[:, ::2]),
                name="strided",
            ),
        ],
        differentiable=True,
        family="slinalg",
        errors=(
            ErrorSample((np.eye(2), np.zeros((2, 2, 2))), TypeError, match="b must be"),
            ErrorSample(
                (np.eye(3), np.ones(2)),
                ValueError,
                match="b needs 3 rows",
                at_build=False,
                name="runtime-rows",
            ),
        ),
    )
)


def _cho_solve_bad_pair(c, b):
    return sl.cho_solve(c, b)


register(
    OpInfo(
        name="slinalg.cho_solve_pair_error",
        build=_cho_solve_bad_pair,
        ref=lambda c, b: c,
        samples=lambda rng: [],
        errors=(ErrorSample((np.eye(2), np.ones(2)), TypeError, match="pair"),),
        family="slinalg",
    )
)


# ---------------------------------------------------------------------------
# eigvalsh
# ---------------------------------------------------------------------------


def _sym(rng, n, dtype="float64"):
    x = rng.normal(0.0, 1.0, (n, n))
    return (x + x.T).astype(dtype)


def _eigvalsh_ref(a, b=None, lower=True):
    w = scipy.linalg.eigvalsh(a, b, lower=lower)
    inputs = (a,) if b is None else (a, b)
    return _as(w, *inputs)


register(
    OpInfo(
        name="slinalg.eigvalsh",
        build=lambda a, lower=True: sl.eigvalsh(a, None, lower=lower),
        ref=lambda a, lower=True: _eigvalsh_ref(a, None, lower=lower),
        samples=lambda rng: [
            Sample((_sym(rng, 4),), name="lower"),
            Sample((_sym(rng, 4),), {"lower": False}, name="upper"),
            # A full (non-symmetric) matrix: only one triangle is read.
            Sample((_n(rng, 4, 4),), name="full"),
            Sample((_sym(rng, 1),), name="1x1"),
            Sample((_sym(rng, 3),), name="static", static_shape=True),
            Sample((_sym(rng, 6)[::2, ::2],), name="strided"),
            Sample((_sym(rng, 3, "float32"),), name="float32"),
            Sample((_int_spd(),), name="int"),
        ],
        differentiable=True,
        rtol=1e-6,
        atol=1e-10,
        family="slinalg",
        errors=(
            ErrorSample((np.zeros(3),), TypeError, match="a must be a matrix"),
            ErrorSample(
                (np.zeros((2, 3)),),
                ValueError,
                match="square",
                at_build=False,
                name="runtime-not-square",
            ),
        ),
    )
)

register(
    OpInfo(
        name="slinalg.eigvalsh_generalized",
        build=lambda a, b, lower=True: sl.eigvalsh(a, b, lower=lower),
        ref=_eigvalsh_ref,
        samples=lambda rng: [
            Sample((_sym(rng, 4), _spd(rng, 4)), name="lower"),
            Sample((_sym(rng, 4), _spd(rng, 4)), {"lower": False}, name="upper"),
            Sample((_sym(rng, 1), _spd(rng, 1)), name="1x1"),
            Sample((_sym(rng, 3), _spd(rng, 3)), name="static", static_shape=True),
            Sample((_sym(rng, 3, "float32"), _spd(rng, 3, "float32")), name="float32"),
            Sample((_int_spd(), np.eye(3, dtype="int64")), name="int"),
        ],
        differentiable=True,
        rtol=1e-6,
        atol=1e-10,
        family="slinalg",
        errors=(
            ErrorSample(
                (np.eye(2), np.zeros(2)), TypeError, match="b must be a matrix"
            ),
            ErrorSample(
                (np.eye(2), np.eye(3)),
                ValueError,
                match="a has shape",
                at_build=False,
                name="runtime-sizes",
            ),
            ErrorSample(
                (np.eye(2), -np.eye(2)),
                np.linalg.LinAlgError,
                at_build=False,
                name="b-not-pd",
            ),
        ),
    )
)


# ---------------------------------------------------------------------------
# expm
# ---------------------------------------------------------------------------


register(
    OpInfo(
        name="slinalg.expm",
        build=sl.expm,
        ref=lambda a: _as(scipy.linalg.expm(a), a),
        samples=lambda rng: [
            Sample((_n(rng, 4, 4) / 2,), name="4x4"),
            Sample((_n(rng, 1, 1),), name="1x1"),
            Sample((_n(rng, 3, 3),), name="static", static_shape=True),
            Sample((_n(rng, 6, 6)[::2, ::2],), name="strided"),
            Sample((_n(rng, 3, 3).T,), name="transposed"),
            Sample((np.zeros((3, 3)),), name="zeros"),
            Sample((np.diag([1.0, -2.0, 0.5]),), name="diagonal"),
            Sample((np.array([[0.0, 1.0], [0.0, 0.0]]),), name="nilpotent"),
            Sample((_n(rng, 3, 3, dtype="float32"),), name="float32"),
            Sample((np.array([[1, 2], [0, -1]], dtype="int64"),), name="int"),
            Sample((np.zeros((0, 0)),), name="empty"),
        ],
        differentiable=True,
        rtol=1e-6,
        atol=1e-12,
        family="slinalg",
        errors=(
            ErrorSample((np.zeros(3),), TypeError, match="must be a matrix"),
            ErrorSample(
                (np.zeros((2, 3)),),
                ValueError,
                match="square",
                at_build=False,
                name="runtime-not-square",
            ),
        ),
    )
)

register(
    OpInfo(
        name="slinalg.ExpmGrad",
        build=lambda a, g: sl.ExpmGrad()(a, g),
        ref=lambda a, g: scipy.linalg.expm_frechet(a.T, g, compute_expm=False),
        samples=lambda rng: [
            Sample((_n(rng, 3, 3) / 2, _n(rng, 3, 3)), name="3x3"),
            Sample((_n(rng, 1, 1), _n(rng, 1, 1)), name="1x1"),
        ],
        differentiable=True,
        rtol=1e-6,
        family="slinalg",
    )
)


# ---------------------------------------------------------------------------
# kron
# ---------------------------------------------------------------------------


register(
    OpInfo(
        name="slinalg.kron",
        build=sl.kron,
        ref=np.kron,
        samples=lambda rng: [
            Sample((_n(rng, 2, 3), _n(rng, 3, 2)), name="mat-mat"),
            Sample((_n(rng, 3), _n(rng, 2)), name="vec-vec"),
            Sample((_n(rng, 3), _n(rng, 2, 2)), name="vec-mat"),
            Sample((_n(rng, 2, 2, 2), _n(rng, 3, 1)), name="3d-mat"),
            Sample((np.asarray(2.5), _n(rng, 2, 3)), name="0d-mat"),
            Sample((np.asarray(2.5), np.asarray(-1.5)), name="0d-0d"),
            Sample((_n(rng, 2, 3), _n(rng, 1, 2)), name="static", static_shape=True),
            Sample((_n(rng, 4, 6)[::2, ::3], _n(rng, 2, 2).T), name="strided"),
            Sample((_n(rng, 0, 3), _n(rng, 2, 2)), name="empty"),
            Sample(
                (_n(rng, 2, 2, dtype="float32"), _n(rng, 2, 2, dtype="float32")),
                name="float32",
            ),
            Sample(
                (np.arange(4, dtype="int64").reshape(2, 2), np.eye(2, dtype="int64")),
                name="int",
            ),
        ],
        differentiable=True,
        family="slinalg",
    )
)


# ---------------------------------------------------------------------------
# Lyapunov equations
# ---------------------------------------------------------------------------


def _stable(rng, n, dtype="float64"):
    """Eigenvalues in the open left half-plane: A and -A^T share none."""
    return (rng.normal(0.0, 0.5, (n, n)) - 2.0 * np.eye(n)).astype(dtype)


def _contraction(rng, n, dtype="float64"):
    """Spectral radius well below one."""
    return (rng.normal(0.0, 1.0, (n, n)) * 0.3 / np.sqrt(n)).astype(dtype)


register(
    OpInfo(
        name="slinalg.solve_continuous_lyapunov",
        build=sl.solve_continuous_lyapunov,
        ref=lambda a, q: _as(scipy.linalg.solve_continuous_lyapunov(a, q), a, q),
        samples=lambda rng: [
            Sample((_stable(rng, 4), _spd(rng, 4)), name="spd-q"),
            Sample((_stable(rng, 3), _n(rng, 3, 3)), name="general-q"),
            Sample((_stable(rng, 1), _n(rng, 1, 1)), name="1x1"),
            Sample((_stable(rng, 3), _n(rng, 3, 3)), name="static", static_shape=True),
            Sample((_stable(rng, 6)[::2, ::2], _n(rng, 3, 3).T), name="strided"),
            Sample(
                (_stable(rng, 3, "float32"), _spd(rng, 3, "float32")), name="float32"
            ),
            Sample(
                (np.array([[-2, 1], [0, -3]], dtype="int64"), np.eye(2, dtype="int64")),
                name="int",
            ),
        ],
        differentiable=True,
        rtol=1e-6,
        atol=1e-12,
        family="slinalg",
        errors=(
            ErrorSample(
                (np.zeros(3), np.eye(3)), TypeError, match="A must be a matrix"
            ),
            ErrorSample(
                (np.eye(3), np.eye(2)),
                ValueError,
                match="A has shape",
                at_build=False,
                name="runtime-sizes",
            ),
        ),
    )
)


def _dlyap_static_error(a, q):
    return sl.solve_discrete_lyapunov(
        _static("float64", (3, 3)), _static("float64", (2, 2))
    )


register(
    OpInfo(
        name="slinalg.solve_discrete_lyapunov",
        build=sl.solve_discrete_lyapunov,
        ref=lambda a, q, method="direct": _as(
            scipy.linalg.solve_discrete_lyapunov(a, q, method=method), a, q
        ),
        samples=lambda rng: [
            Sample((_contraction(rng, 4), _spd(rng, 4)), name="direct"),
            Sample(
                (_contraction(rng, 4), _n(rng, 4, 4)),
                {"method": "bilinear"},
                name="bilinear",
            ),
            Sample((_contraction(rng, 1), _n(rng, 1, 1)), name="1x1"),
            Sample(
                (_contraction(rng, 1), _n(rng, 1, 1)),
                {"method": "bilinear"},
                name="1x1-bilinear",
            ),
            Sample(
                (_contraction(rng, 3), _n(rng, 3, 3)), name="static", static_shape=True
            ),
            Sample((_contraction(rng, 6)[::2, ::2], _n(rng, 3, 3).T), name="strided"),
            Sample(
                (_contraction(rng, 3, "float32"), _spd(rng, 3, "float32")),
                {"method": "bilinear"},
                name="float32",
            ),
            Sample(
                (np.array([[0, 1], [0, 0]], dtype="int64"), np.eye(2, dtype="int64")),
                name="int",
            ),
        ],
        differentiable=True,
        rtol=1e-6,
        atol=1e-12,
        family="slinalg",
        errors=(
            ErrorSample(
                (np.eye(3), np.zeros(3)), TypeError, match="Q must be a matrix"
            ),
            ErrorSample(
                (np.eye(2), np.eye(2)),
                ValueError,
                match="method",
                kwargs={"method": "iterative"},
                name="bad-method",
            ),
        ),
    )
)

register(
    OpInfo(
        name="slinalg.solve_discrete_lyapunov_static_errors",
        build=_dlyap_static_error,
        ref=lambda a, q: a,
        samples=lambda rng: [],
        errors=(
            ErrorSample(
                (np.eye(3), np.eye(2)), ValueError, match="same size", name="sizes"
            ),
        ),
        family="slinalg",
    )
)
