"""Linear algebra after :mod:`scipy.linalg`: factorizations, structured solves,
symmetric eigenvalues, the matrix exponential, Kronecker products and
Lyapunov equations.

Every op here takes matrices (2-d tensors), computes its value with SciPy and
differentiates symbolically: the gradients are graphs of ops of this module
(and of :mod:`aesara.tensor.math`), so they can be differentiated again,
except where an op's docstring says otherwise.

Dtypes: integer and boolean inputs are upcast to a float that holds them
(``(u)int8``/``(u)int16``/``bool`` to ``float32``, wider integers to
``float64``), ``float16`` is computed in ``float32`` (LAPACK has no half
precision), and mixed inputs take NumPy's promotion of the results.

Structured solvers read only part of their matrix input, as SciPy does: the
Cholesky factorization and the symmetric solvers read one triangle, the
triangular solvers one triangle (without the diagonal when it is a unit
diagonal). Their gradients are the exact derivatives of what is computed, so
they are zero on the part that is never read.

The factorization and solvers live here; the matrix functions and equations
in ``_slinalg_matfun.py`` (re-exported here), shared helpers in
``_slinalg_utils.py``.
"""

from __future__ import annotations

import typing

import numpy as np

from aesara.graph.basic import Apply, Variable
from aesara.graph.op import Op
from aesara.tensor._slinalg_utils import (
    _as_matrix,
    _cast_out,
    _check_runtime_square,
    _check_square,
    _complex_grads_missing,
    _dot,
    _fold,
    _half_diagonal_lower,
    _input_grad,
    _lazy_scipy_attribute,
    _outer_or_dot,
    _result_dtype,
    _scipy_linalg,
    _shape_str,
    _square_size,
    _symmetric_from,
    _tril,
    _triu,
)
from aesara.tensor.basic import as_tensor_variable
from aesara.tensor.type import TensorType

__all__ = [
    "Cholesky",
    "cholesky",
    "SolveBase",
    "SolveTriangular",
    "solve_triangular",
    "Solve",
    "solve",
    "solve_lower_triangular",
    "solve_upper_triangular",
    "solve_symmetric",
    "CholeskySolve",
    "cho_solve",
    "Eigvalsh",
    "eigvalsh",
    "EigvalshGrad",
    "Expm",
    "expm",
    "ExpmGrad",
    "kron",
    "SolveContinuousLyapunov",
    "solve_continuous_lyapunov",
    "SolveDiscreteLyapunov",
    "solve_discrete_lyapunov",
]


# ---------------------------------------------------------------------------
# Cholesky
# ---------------------------------------------------------------------------


class Cholesky(Op):
    """The Cholesky factor of a symmetric (Hermitian) positive-definite matrix.

    ``lower=True`` gives ``L`` with ``A = L L^H`` (reading the lower triangle
    of ``A``), ``lower=False`` gives ``U`` with ``A = U^H U`` (reading the
    upper triangle). ``on_error="raise"`` raises
    :class:`numpy.linalg.LinAlgError` for a matrix that is not positive
    definite; ``on_error="nan"`` returns a matrix of NaNs instead.
    """

    __props__ = ("lower", "on_error")

    def __init__(self, lower: bool = True, on_error: str = "raise"):
        if on_error not in ("raise", "nan"):
            raise ValueError(
                f"Cholesky: on_error must be 'raise' or 'nan', got {on_error!r}"
            )
        self.lower = bool(lower)
        self.on_error = on_error

    def make_node(self, x: typing.Any) -> Apply:
        x = _as_matrix(x, "cholesky", "the input")
        _check_square(x, "cholesky", "the input")
        n = _square_size(x)
        out = TensorType(_result_dtype(x), shape=(n, n))()
        return Apply(self, [x], [out])

    def perform(self, node, inputs, output_storage, params=None):
        (x,) = inputs
        _check_runtime_square("cholesky", "the input", x)
        try:
            value = _scipy_linalg().cholesky(x, lower=self.lower)
        except np.linalg.LinAlgError:
            if self.on_error == "raise":
                raise
            value = np.full(x.shape, np.nan)
        output_storage[0][0] = _cast_out(value, node)

    def infer_shape(self, fgraph, node, input_shapes):
        return [input_shapes[0]]

    def L_op(self, inputs, outputs, output_gradients):
        (x,) = inputs
        missing = _complex_grads_missing(self, inputs)
        if missing:
            return missing
        (gz,) = output_gradients
        # Work with the lower factor: A = L L^T.
        low = outputs[0] if self.lower else outputs[0].T
        gl = gz if self.lower else gz.T
        # With dA symmetric, dL = L phi(L^-1 dA L^-T) (phi: lower triangle with
        # half the diagonal); its adjoint is L^-T phi(L^T gL) L^-1.
        p = _half_diagonal_lower(_dot(low.T, gl))
        left = SolveTriangular(lower=True, trans=1)(low, p)  # L^-T p
        s = SolveTriangular(lower=True, trans=1)(low, left.T).T  # (L^-T p) L^-1
        return [_input_grad(_fold(s, self.lower), x)]

    def R_op(self, inputs, eval_points):
        (x,) = inputs
        (dx,) = eval_points
        if dx is None:
            return [None]
        low = self(x) if self.lower else self(x).T
        da = _symmetric_from(dx, self.lower)
        left = SolveTriangular(lower=True)(low, da)  # L^-1 dA
        mid = SolveTriangular(lower=True)(low, left.T).T  # L^-1 dA L^-T
        dlow = _dot(low, _half_diagonal_lower(mid))
        return [dlow if self.lower else dlow.T]


def cholesky(x: typing.Any, lower: bool = True, on_error: str = "raise") -> Variable:
    """Cholesky factor of a symmetric positive-definite matrix.

    Parameters
    ----------
    x
        Square matrix; only its lower (``lower=True``) or upper triangle is
        read.
    lower
        Return the lower factor ``L`` (``x = L L^T``) or the upper factor
        ``U`` (``x = U^T U``).
    on_error
        ``"raise"``: a matrix that is not positive definite raises
        :class:`numpy.linalg.LinAlgError` at run time; ``"nan"``: the result
        is all NaN instead.

    Returns
    -------
    Variable
        The triangular factor, of the input's shape.
    """
    return Cholesky(lower=lower, on_error=on_error)(x)


# ---------------------------------------------------------------------------
# Linear solves
# ---------------------------------------------------------------------------


class SolveBase(Op):
    """Base of the ops solving ``M x = b`` for a matrix ``M`` built from ``A``.

    Inputs are ``A`` (a square matrix) and ``b`` (a vector or a matrix of
    right-hand sides); the output has ``b``'s shape. A subclass says which
    matrix ``M`` it inverts through :meth:`_system_tangent` (the derivative of
    ``M`` in a direction ``dA``) and :meth:`_system_cotangent` (its adjoint),
    and how to solve with ``M^T`` (:meth:`_solve_adjoint`); the gradients of
    all the solvers follow from these.
    """

    __props__: tuple[str, ...] = ("lower", "check_finite")
    _name = "solve"

    def __init__(self, lower: bool = False, check_finite: bool = True):
        self.lower = bool(lower)
        self.check_finite = bool(check_finite)

    def make_node(self, a: typing.Any, b: typing.Any) -> Apply:
        name = self._name
        a = _as_matrix(a, name, "the matrix a")
        _check_square(a, name, "the matrix a")
        b = as_tensor_variable(b)
        if b.type.ndim not in (1, 2):
            raise TypeError(
                f"{name}: b must be a vector or a matrix, got a tensor of "
                f"{b.type.ndim} dimensions ({b.type})"
            )
        n = _square_size(a)
        nb = b.type.shape[0]
        if n is not None and nb is not None and n != nb:
            raise ValueError(
                f"{name}: a has static shape {_shape_str(a.type.shape)} but b has "
                f"{_shape_str(b.type.shape)}: b needs {n} rows"
            )
        rows = n if n is not None else nb
        out = TensorType(_result_dtype(a, b), shape=(rows, *b.type.shape[1:]))()
        return Apply(self, [a, b], [out])

    def _check_values(self, a: np.ndarray, b: np.ndarray) -> None:
        _check_runtime_square(self._name, "the matrix a", a)
        if b.shape[0] != a.shape[0]:
            raise ValueError(
                f"{self._name}: a has shape {a.shape} but b has shape {b.shape}: "
                f"b needs {a.shape[0]} rows"
            )

    def infer_shape(self, fgraph, node, input_shapes):
        a_shape, b_shape = input_shapes
        return [(a_shape[1], *b_shape[1:])]

    # The hooks a subclass supplies (inputs are symbolic).
    def _system_tangent(self, a: Variable, da: Variable) -> Variable:
        raise NotImplementedError

    def _system_cotangent(self, a: Variable, gm: Variable) -> Variable:
        raise NotImplementedError

    def _solve_adjoint(self, a: Variable, g: Variable) -> Variable:
        raise NotImplementedError

    def L_op(self, inputs, outputs, output_gradients):
        a, b = inputs
        missing = _complex_grads_missing(self, inputs)
        if missing:
            return missing
        (x,) = outputs
        (gx,) = output_gradients
        # x = M^-1 b: b_bar = M^-T x_bar and M_bar = -b_bar x^T.
        gb = self._solve_adjoint(a, gx)
        gm = -_outer_or_dot(gb, x)
        return [_input_grad(self._system_cotangent(a, gm), a), _input_grad(gb, b)]

    def R_op(self, inputs, eval_points):
        a, b = inputs
        da, db = eval_points
        if da is None and db is None:
            return [None]
        x = self(a, b)
        # dx = M^-1 (db - dM x).
        rhs = None
        if da is not None:
            rhs = -_dot(self._system_tangent(a, da), x)
        if db is not None:
            rhs = db if rhs is None else rhs + db
        return [self(a, rhs)]


class Solve(SolveBase):
    """Solve ``A x = b`` for a general, symmetric, Hermitian or positive-definite ``A``.

    ``assume_a`` is ``"gen"`` (LU), ``"sym"``, ``"her"`` (read only the
    ``lower`` or upper triangle of ``A``) or ``"pos"`` (Cholesky, also one
    triangle).
    """

    __props__ = ("assume_a", "lower", "check_finite")
    _name = "solve"

    def __init__(
        self, assume_a: str = "gen", lower: bool = False, check_finite: bool = True
    ):
        if assume_a not in ("gen", "sym", "her", "pos"):
            raise ValueError(
                "solve: assume_a must be one of 'gen', 'sym', 'her', 'pos', got "
                f"{assume_a!r}"
            )
        super().__init__(lower=lower, check_finite=check_finite)
        self.assume_a = assume_a

    def perform(self, node, inputs, output_storage, params=None):
        a, b = inputs
        self._check_values(a, b)
        value = _scipy_linalg().solve(
            a,
            b,
            assume_a=self.assume_a,
            lower=self.lower,
            check_finite=self.check_finite,
        )
        output_storage[0][0] = _cast_out(value, node)

    def _system_tangent(self, a, da):
        if self.assume_a == "gen":
            return da
        return _symmetric_from(da, self.lower)

    def _system_cotangent(self, a, gm):
        if self.assume_a == "gen":
            return gm
        return _fold(gm, self.lower)

    def _solve_adjoint(self, a, g):
        if self.assume_a == "gen":
            return Solve("gen", check_finite=self.check_finite)(a.T, g)
        # M is symmetric (real inputs): M^T = M.
        return self(a, g)


class SolveTriangular(SolveBase):
    """Solve ``op(A) x = b`` for a triangular ``A``.

    ``trans`` is 0 (``op(A) = A``), 1 (``A^T``) or 2 (``A^H``); the names
    ``"N"``, ``"T"``, ``"C"`` are accepted too. Only the ``lower`` or upper
    triangle of ``A`` is read, and its diagonal is taken as ones when
    ``unit_diagonal``.
    """

    __props__ = ("lower", "trans", "unit_diagonal", "check_finite")
    _name = "solve_triangular"

    def __init__(
        self,
        lower: bool = False,
        trans: int | str = 0,
        unit_diagonal: bool = False,
        check_finite: bool = True,
    ):
        codes = {0: 0, 1: 1, 2: 2, "N": 0, "T": 1, "C": 2}
        if isinstance(trans, str):
            trans = trans.upper()
        if trans not in codes:
            raise ValueError(
                "solve_triangular: trans must be 0, 1, 2, 'N', 'T' or 'C', got "
                f"{trans!r}"
            )
        super().__init__(lower=lower, check_finite=check_finite)
        self.trans = codes[trans]
        self.unit_diagonal = bool(unit_diagonal)

    def perform(self, node, inputs, output_storage, params=None):
        a, b = inputs
        self._check_values(a, b)
        value = _scipy_linalg().solve_triangular(
            a,
            b,
            trans=self.trans,
            lower=self.lower,
            unit_diagonal=self.unit_diagonal,
            check_finite=self.check_finite,
        )
        output_storage[0][0] = _cast_out(value, node)

    def _mask(self, x: Variable) -> Variable:
        """The part of ``x`` in the triangle this solver reads."""
        k = 1 if self.unit_diagonal else 0
        return _tril(x, -k) if self.lower else _triu(x, k)

    def _system_tangent(self, a, da):
        dm = self._mask(da)
        return dm.T if self.trans else dm

    def _system_cotangent(self, a, gm):
        return self._mask(gm.T if self.trans else gm)

    def _solve_adjoint(self, a, g):
        # For real A, op(A)^T is A when trans is set and A^T otherwise.
        return SolveTriangular(
            lower=self.lower,
            trans=0 if self.trans else 1,
            unit_diagonal=self.unit_diagonal,
            check_finite=self.check_finite,
        )(a, g)


class CholeskySolve(SolveBase):
    """Solve ``A x = b`` given the Cholesky factor ``c`` of ``A``.

    With ``lower=True`` ``c`` is the lower factor (``A = c c^T``, only its
    lower triangle is read); otherwise the upper one (``A = c^T c``).
    """

    _name = "cho_solve"

    def __init__(self, lower: bool = True, check_finite: bool = True):
        super().__init__(lower=lower, check_finite=check_finite)

    def perform(self, node, inputs, output_storage, params=None):
        c, b = inputs
        self._check_values(c, b)
        value = _scipy_linalg().cho_solve(
            (c, self.lower), b, check_finite=self.check_finite
        )
        output_storage[0][0] = _cast_out(value, node)

    def _factor(self, c: Variable) -> Variable:
        """The lower factor ``L`` (``A = L L^T``) as the solver reads it."""
        return _tril(c) if self.lower else _triu(c).T

    def _system_tangent(self, c, dc):
        low = self._factor(c)
        dlow = self._factor(dc)
        prod = _dot(dlow, low.T)
        return prod + prod.T

    def _system_cotangent(self, c, gm):
        glow = _dot(gm + gm.T, self._factor(c))
        return _tril(glow) if self.lower else _triu(glow.T)

    def _solve_adjoint(self, c, g):
        # A is symmetric.
        return self(c, g)


def solve(
    a: typing.Any,
    b: typing.Any,
    assume_a: str = "gen",
    lower: bool = False,
    check_finite: bool = True,
) -> Variable:
    """Solve the linear system ``a x = b``.

    Parameters
    ----------
    a
        Square matrix.
    b
        Right-hand side: a vector or a matrix (one system per column).
    assume_a
        ``"gen"`` (general), ``"sym"`` (symmetric), ``"her"`` (Hermitian) or
        ``"pos"`` (symmetric positive definite). The last three read only one
        triangle of ``a``.
    lower
        For the structured cases, read the lower (``True``) or upper triangle.
    check_finite
        Check that the inputs hold only finite numbers.

    Returns
    -------
    Variable
        ``x``, of ``b``'s shape.
    """
    return Solve(assume_a=assume_a, lower=lower, check_finite=check_finite)(a, b)


def solve_triangular(
    a: typing.Any,
    b: typing.Any,
    trans: int | str = 0,
    lower: bool = False,
    unit_diagonal: bool = False,
    check_finite: bool = True,
) -> Variable:
    """Solve ``op(a) x = b`` for a triangular matrix ``a``.

    Parameters
    ----------
    a
        Square matrix; only its lower (``lower=True``) or upper triangle is
        read.
    b
        Right-hand side: a vector or a matrix.
    trans
        ``0``/``"N"``: solve ``a x = b``; ``1``/``"T"``: ``a^T x = b``;
        ``2``/``"C"``: ``a^H x = b``.
    lower
        Whether ``a`` is lower triangular.
    unit_diagonal
        Take the diagonal of ``a`` as ones (it is not read).
    check_finite
        Check that the inputs hold only finite numbers.

    Returns
    -------
    Variable
        ``x``, of ``b``'s shape.
    """
    return SolveTriangular(
        lower=lower, trans=trans, unit_diagonal=unit_diagonal, check_finite=check_finite
    )(a, b)


def cho_solve(
    c_and_lower: tuple[typing.Any, bool], b: typing.Any, check_finite: bool = True
) -> Variable:
    """Solve ``A x = b`` given the Cholesky factorization of ``A``.

    Parameters
    ----------
    c_and_lower
        ``(c, lower)``: the Cholesky factor of ``A`` and whether it is the
        lower one (``A = c c^T``) or the upper one (``A = c^T c``).
    b
        Right-hand side: a vector or a matrix.
    check_finite
        Check that the inputs hold only finite numbers.

    Returns
    -------
    Variable
        ``x``, of ``b``'s shape.
    """
    if not isinstance(c_and_lower, (tuple, list)) or len(c_and_lower) != 2:
        raise TypeError(
            "cho_solve: c_and_lower must be a pair (c, lower), got "
            f"{type(c_and_lower).__name__}"
        )
    c, lower = c_and_lower
    return CholeskySolve(lower=lower, check_finite=check_finite)(c, b)


# Ready-made solvers, as in Aesara.
solve_lower_triangular = SolveTriangular(lower=True)
solve_upper_triangular = SolveTriangular(lower=False)
solve_symmetric = Solve(assume_a="sym")


# The matrix functions and equations live in their own module.
from aesara.tensor._slinalg_matfun import (  # noqa: E402
    Eigvalsh,
    EigvalshGrad,
    Expm,
    ExpmGrad,
    SolveContinuousLyapunov,
    SolveDiscreteLyapunov,
    eigvalsh,
    expm,
    kron,
    solve_continuous_lyapunov,
    solve_discrete_lyapunov,
)


def __getattr__(name: str) -> typing.Any:
    return _lazy_scipy_attribute(__name__, name)
