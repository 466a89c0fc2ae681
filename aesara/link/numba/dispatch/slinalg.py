"""The :mod:`scipy.linalg`-based ops in Numba.

``Solve`` (every ``assume_a``), ``SolveTriangular``, ``CholeskySolve``,
``Eigvalsh`` (standard and generalized), ``Expm``, ``ExpmGrad`` and the
Lyapunov solvers, for real matrices. Numba's ``np.linalg`` does the
factorizations it has; the rest calls SciPy's LAPACK through
:mod:`aesara.link.numba.dispatch.lapack` (triangular and Cholesky solves,
the real Schur form, the Sylvester equation).

Where the values come from a different but equivalent computation than
SciPy's, they agree to rounding:

- ``Expm`` is Higham's scaling and squaring with Padé approximants (SciPy
  adds refinements for triangular and tiny matrices), in double precision;
- ``ExpmGrad`` (``expm_frechet(a.T, g)``) is the upper-right block of the
  exponential of ``[[a.T, g], [0, a.T]]``;
- ``Eigvalsh`` reduces the generalized problem with the Cholesky factor of
  ``b`` (SciPy calls ``sygvd``, which does the same reduction).

Errors: non-finite inputs (where SciPy checks) raise ``ValueError``, a
singular triangular system, a ``b`` (generalized ``Eigvalsh``) or an
``assume_a="pos"`` matrix that is not positive definite
``numpy.linalg.LinAlgError``, as SciPy does. Complex inputs are not
translated (they run in object mode with the fallback warning).
"""

from __future__ import annotations

from fractions import Fraction
from math import factorial

import numpy as np

from aesara.link.numba.dispatch import lapack
from aesara.link.numba.dispatch.basic import (
    NumbaTranslationMissing,
    _single_output_fn,
    numba_funcify,
)
from aesara.tensor._slinalg_matfun import (
    Eigvalsh,
    Expm,
    ExpmGrad,
    SolveContinuousLyapunov,
    SolveDiscreteLyapunov,
)
from aesara.tensor.slinalg import CholeskySolve, Solve, SolveTriangular

_REAL = ("float32", "float64")


def _routines(dtype: str):
    """The LAPACK wrappers in ``dtype`` (a missing SciPy means no translation)."""
    try:
        return lapack.routines(dtype)
    except (ImportError, RuntimeError) as e:
        raise NumbaTranslationMissing(f"SciPy's LAPACK is not usable: {e}") from e


def _body(lines: list[str]) -> str:
    return "".join(f"    {line}\n" for line in lines)


def _real_dtype(node) -> str:
    """The output dtype, refusing complex (and other) results."""
    dtype = node.outputs[0].type.dtype
    if dtype not in _REAL or any(
        v.type.dtype.startswith("complex") for v in node.inputs
    ):
        raise NumbaTranslationMissing(f"{node.op} with a {dtype} result")
    return dtype


def _finite_check(names: list[str]) -> list[str]:
    cond = " and ".join(f"np.all(np.isfinite({n}))" for n in names)
    return [
        f"if not ({cond}):",
        "    raise ValueError('array must not contain infs or NaNs')",
    ]


def _square_check(op_name: str, name: str, what: str) -> list[str]:
    return [
        f"if {name}.shape[0] != {name}.shape[1]:",
        f"    raise ValueError('{op_name}: {what} must be a square matrix')",
    ]


def _solve_checks(op_name: str, check_finite: bool) -> list[str]:
    lines = _square_check(op_name, "a", "the matrix a") + [
        "if b.shape[0] != a.shape[0]:",
        f"    raise ValueError('{op_name}: b needs as many rows as a')",
    ]
    if check_finite:
        lines += _finite_check(["a", "b"])
    return lines


def _as_columns(b_ndim: int, dtype: str) -> list[str]:
    """``b2``: the right-hand sides ``b`` as a matrix."""
    if b_ndim == 2:
        return ["b2 = b"]
    return [
        f"b2 = np.empty((b.shape[0], 1), dtype=np.{dtype})",
        "b2[:, 0] = b",
    ]


def _from_columns(b_ndim: int) -> str:
    return "x" if b_ndim == 2 else "np.ascontiguousarray(x[:, 0])"


@numba_funcify.register(SolveTriangular)
def numba_funcify_SolveTriangular(op, node=None, **kwargs):
    dtype = _real_dtype(node)
    b_ndim = node.inputs[1].type.ndim
    lines = _solve_checks("solve_triangular", op.check_finite)
    lines += _as_columns(b_ndim, dtype)
    # For real matrices A^H is A^T: trans 1 and 2 are the same solve.
    lines += [
        f"x = solve_tri(a, b2, {op.lower}, {bool(op.trans)}, {op.unit_diagonal})",
        f"return {_from_columns(b_ndim)}",
    ]
    env = {"solve_tri": _routines(dtype).solve_triangular}
    return _single_output_fn(
        "def solve_triangular(a, b):\n" + _body(lines), "solve_triangular", env
    )


@numba_funcify.register(CholeskySolve)
def numba_funcify_CholeskySolve(op, node=None, **kwargs):
    dtype = _real_dtype(node)
    b_ndim = node.inputs[1].type.ndim
    # SciPy calls the factor c; the checks name it as the solvers do.
    lines = _solve_checks("cho_solve", op.check_finite)
    lines += _as_columns(b_ndim, dtype)
    lines += [
        f"x = cho_solve(a, b2, {op.lower})",
        f"return {_from_columns(b_ndim)}",
    ]
    env = {"cho_solve": _routines(dtype).cho_solve}
    return _single_output_fn("def cho_solve(a, b):\n" + _body(lines), "cho_solve", env)


def _symmetric_lines(src: str, dst: str, lower: bool, dtype: str) -> list[str]:
    """``dst``: the symmetric matrix whose ``lower`` (or upper) triangle is ``src``'s."""
    keep = "i >= j" if lower else "i <= j"
    return [
        f"{dst} = np.empty(({src}.shape[0], {src}.shape[0]), dtype=np.{dtype})",
        f"for i in range({src}.shape[0]):",
        f"    for j in range({src}.shape[0]):",
        f"        {dst}[i, j] = {src}[i, j] if {keep} else {src}[j, i]",
    ]


@numba_funcify.register(Solve)
def numba_funcify_Solve(op, node=None, **kwargs):
    dtype = _real_dtype(node)
    b_ndim = node.inputs[1].type.ndim
    lines = _solve_checks("solve", op.check_finite)
    env = {}
    if op.assume_a == "gen":
        lines.append(f"aa = np.ascontiguousarray(a).astype(np.{dtype})")
    else:
        # 'sym', 'her' (the same for real matrices) and 'pos' read one triangle.
        lines += _symmetric_lines("a", "aa", op.lower, dtype)
    if op.assume_a == "pos":
        # Cholesky raises LinAlgError for a matrix that is not positive
        # definite, as SciPy's solver does.
        lines += _as_columns(b_ndim, dtype)
        lines += [
            "low = np.linalg.cholesky(aa)",
            "x = cho_solve(low, b2, True)",
            f"return {_from_columns(b_ndim)}",
        ]
        env["cho_solve"] = _routines(dtype).cho_solve
    else:
        lines += _as_columns(b_ndim, dtype)
        lines += [
            "x = lu_solve(aa, b2)",
            f"return {_from_columns(b_ndim)}",
        ]
        env["lu_solve"] = _routines(dtype).solve
    return _single_output_fn("def solve(a, b):\n" + _body(lines), "solve", env)


@numba_funcify.register(Eigvalsh)
def numba_funcify_Eigvalsh(op, node=None, **kwargs):
    dtype = _real_dtype(node)
    generalized = len(node.inputs) == 2
    names = ["a", "b"] if generalized else ["a"]
    lines = _square_check("eigvalsh", "a", "a")
    if generalized:
        lines += _square_check("eigvalsh", "b", "b") + [
            "if a.shape[0] != b.shape[0]:",
            "    raise ValueError('eigvalsh: a and b must have the same shape')",
        ]
    lines += _finite_check(names)
    lines += [
        "if a.shape[0] == 0:",
        f"    return np.empty(0, dtype=np.{dtype})",
    ]
    # Work in double precision; the eigenvalues are rounded once at the end.
    lines += _symmetric_lines("a", "sa", op.lower, "float64")
    if generalized:
        # a v = w b v with b = L L^T: the eigenvalues of L^-1 a L^-T.
        lines += _symmetric_lines("b", "sb", op.lower, "float64")
        lines += [
            "low = np.linalg.cholesky(sb)",
            "c = solve_tri(low, sa, True, False, False)",
            "c = solve_tri(low, c.T, True, False, False)",
            "sa = 0.5 * (c + c.T)",
        ]
    lines.append(f"return np.linalg.eigvalsh(sa).astype(np.{dtype})")
    params = ", ".join(names)
    env = {"solve_tri": _routines("float64").solve_triangular}
    return _single_output_fn(
        f"def eigvalsh({params}):\n" + _body(lines), "eigvalsh", env
    )


def _pade_coefficients(m: int) -> np.ndarray:
    """The numerator coefficients of the ``[m/m]`` Padé approximant of ``exp``."""
    return np.array(
        [
            float(
                Fraction(
                    factorial(2 * m - j) * factorial(m),
                    factorial(2 * m) * factorial(j) * factorial(m - j),
                )
            )
            for j in range(m + 1)
        ]
    )


# Higham (2005): the largest 1-norms for which the [m/m] approximant is
# accurate to double precision, for m = 3, 5, 7, 9 and 13.
_THETA = {
    3: 1.495585217958292e-2,
    5: 2.539398330063230e-1,
    7: 9.504178996162932e-1,
    9: 2.097847961257068e0,
    13: 5.371920351148152e0,
}


def _expm_env() -> dict:
    env = {f"pade{m}": _pade_coefficients(m) for m in _THETA}
    env.update({f"theta{m}": v for m, v in _THETA.items()})
    return env


_PADE_SRC = """
def pade(x, c):
    # U = x * odd part, V = even part of the approximant's numerator.
    n = x.shape[0]
    x2 = x @ x
    power = np.eye(n)
    odd = np.zeros((n, n))
    even = np.zeros((n, n))
    for k in range(0, c.shape[0], 2):
        even += c[k] * power
        if k + 1 < c.shape[0]:
            odd += c[k + 1] * power
        power = power @ x2
    u = x @ odd
    return np.ascontiguousarray(lu_solve(even - u, even + u))
"""

_EXPM_LINES = [
    "n = x.shape[0]",
    "if n == 0:",
    "    return np.zeros((0, 0))",
    "if not np.all(np.isfinite(x)):",
    "    return np.full((n, n), np.nan)",
    # The 1-norm, by loops (Numba compiles axis reductions slowly).
    "norm = 0.0",
    "for j in range(n):",
    "    col = 0.0",
    "    for i in range(n):",
    "        col += abs(x[i, j])",
    "    norm = max(norm, col)",
    "if norm <= theta3:",
    "    return pade(x, pade3)",
    "if norm <= theta5:",
    "    return pade(x, pade5)",
    "if norm <= theta7:",
    "    return pade(x, pade7)",
    "if norm <= theta9:",
    "    return pade(x, pade9)",
    "s = max(0, int(np.ceil(np.log2(norm / theta13))))",
    "e = pade(x / 2.0**s, pade13)",
    "for _ in range(s):",
    "    e = e @ e",
    "return e",
]


def _expm_fn():
    """A jitted ``expm`` of a C-contiguous float64 matrix (scaling and squaring)."""
    src = "def expm64(x):\n" + _body(_EXPM_LINES)
    env = _expm_env()
    env["lu_solve"] = _routines("float64").solve
    pade = _single_output_fn(_PADE_SRC, "pade", env)
    return _single_output_fn(src, "expm64", {**env, "pade": pade})


@numba_funcify.register(Expm)
def numba_funcify_Expm(op, node=None, **kwargs):
    dtype = _real_dtype(node)
    lines = _square_check("expm", "a", "the input") + [
        "e = expm64(np.ascontiguousarray(a).astype(np.float64))",
        f"return e.astype(np.{dtype})",
    ]
    return _single_output_fn(
        "def expm(a):\n" + _body(lines), "expm", {"expm64": _expm_fn()}
    )


@numba_funcify.register(ExpmGrad)
def numba_funcify_ExpmGrad(op, node=None, **kwargs):
    dtype = _real_dtype(node)
    lines = _square_check("ExpmGrad", "a", "a") + [
        "n = a.shape[0]",
        "if g.shape[0] != n or g.shape[1] != n:",
        "    raise ValueError('ExpmGrad: a and g must have the same shape')",
        # L(a^T, g) is the upper-right block of expm([[a^T, g], [0, a^T]]).
        "big = np.zeros((2 * n, 2 * n))",
        "big[:n, :n] = a.T",
        "big[n:, n:] = a.T",
        "big[:n, n:] = g",
        "e = expm64(big)",
        f"return np.ascontiguousarray(e[:n, n:]).astype(np.{dtype})",
    ]
    return _single_output_fn(
        "def expm_grad(a, g):\n" + _body(lines), "expm_grad", {"expm64": _expm_fn()}
    )


def _lyapunov_checks(op_name: str) -> list[str]:
    return (
        _square_check(op_name, "a", "A")
        + _square_check(op_name, "q", "Q")
        + [
            "if a.shape[0] != q.shape[0]:",
            f"    raise ValueError('{op_name}: A and Q must have the same shape')",
        ]
    )


# X solving A X + X A^T = Q via the real Schur form A = Z T Z^T
# (Bartels-Stewart, as SciPy): T Y + Y T^T = Z^T Q Z, X = Z Y Z^T.
_CONTINUOUS_LINES = [
    "t, z = schur(aa)",
    "f = z.T @ (qq @ z)",
    "y = sylvester(t, f)",
    "return z @ (y @ z.T)",
]


def _continuous_fn(dtype: str):
    r = _routines(dtype)
    src = "def lyap_c(aa, qq):\n" + _body(_CONTINUOUS_LINES)
    return _single_output_fn(
        src,
        "lyap_c",
        {"schur": r.real_schur, "sylvester": r.sylvester_quasi_triangular},
    )


@numba_funcify.register(SolveContinuousLyapunov)
def numba_funcify_SolveContinuousLyapunov(op, node=None, **kwargs):
    dtype = _real_dtype(node)
    lines = _lyapunov_checks("solve_continuous_lyapunov") + _finite_check(["a", "q"])
    lines += [
        f"aa = np.ascontiguousarray(a).astype(np.{dtype})",
        f"qq = np.ascontiguousarray(q).astype(np.{dtype})",
        "return lyap_c(aa, qq)",
    ]
    return _single_output_fn(
        "def solve_continuous_lyapunov(a, q):\n" + _body(lines),
        "solve_continuous_lyapunov",
        {"lyap_c": _continuous_fn(dtype)},
    )


@numba_funcify.register(SolveDiscreteLyapunov)
def numba_funcify_SolveDiscreteLyapunov(op, node=None, **kwargs):
    dtype = _real_dtype(node)
    lines = _lyapunov_checks("solve_discrete_lyapunov") + [
        "n = a.shape[0]",
        f"aa = np.ascontiguousarray(a).astype(np.{dtype})",
        f"qq = np.ascontiguousarray(q).astype(np.{dtype})",
    ]
    env = {}
    if op.method == "direct":
        # vec(X) solves (I - A kron A) vec(X) = vec(Q) (row-major vec).
        lines += [
            "if n == 0:",
            f"    return np.zeros((0, 0), dtype=np.{dtype})",
            f"lhs = np.eye(n * n, dtype=np.{dtype}) - np.kron(aa, aa)",
            "x = lu_solve(lhs, qq.copy().reshape((n * n, 1)))",
            "return np.ascontiguousarray(x).reshape((n, n))",
        ]
        env["lu_solve"] = _routines(dtype).solve
    else:
        # The bilinear map to the continuous equation B X + X B^T = -C.
        lines += _finite_check(["a", "q"]) + [
            f"eye = np.eye(n, dtype=np.{dtype})",
            "ah = np.ascontiguousarray(aa.T)",
            "ahi_inv = np.ascontiguousarray(lu_solve(ah + eye, eye))",
            "b = (ah - eye) @ ahi_inv",
            "c = 2.0 * (np.ascontiguousarray(lu_solve(aa + eye, qq)) @ ahi_inv)",
            f"return lyap_c(np.ascontiguousarray(b.T), (-c).astype(np.{dtype}))",
        ]
        env["lyap_c"] = _continuous_fn(dtype)
        env["lu_solve"] = _routines(dtype).solve
    return _single_output_fn(
        "def solve_discrete_lyapunov(a, q):\n" + _body(lines),
        "solve_discrete_lyapunov",
        env,
    )
