"""Linear algebra with NumPy's semantics (``numpy.linalg``), differentiable.

Ops: :class:`MatrixInverse`, :class:`MatrixPinv`, :class:`Det`,
:class:`SLogDet`, :class:`Eig`, :class:`Eigh` (+ :class:`EighGrad`),
:class:`QRFull`, :class:`SVD`, :class:`Lstsq`, :class:`TensorInv`,
:class:`TensorSolve`; graph-level functions :func:`matrix_dot`,
:func:`trace`, :func:`matrix_power` and :func:`norm`.

Inputs are matrices unless stated otherwise. Integer inputs are computed in
``float64`` (as NumPy does), ``float32`` stays ``float32``. Values NumPy
rejects at run time (singular matrices...) raise NumPy's ``LinAlgError``.
The decompositions live in :mod:`aesara.tensor._nlinalg_decomp`.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from typing import Any

import numpy as np

from aesara.gradient import disconnected_type, grad_not_implemented
from aesara.graph.basic import Apply, Variable
from aesara.graph.op import Op
from aesara.tensor._nlinalg_base import (
    H,
    as_linalg_input,
    conj,
    grad_as,
    is_complex,
    is_zero,
    linalg_dtype,
    matrix_type,
    real_dtype,
    square_size,
    triangle_read_grad,
)
from aesara.tensor._nlinalg_decomp import (
    SVD,
    Eig,
    Eigh,
    EighGrad,
    QRFull,
    eig,
    eigh,
    qr,
    svd,
)
from aesara.tensor.basic import as_tensor_variable, cast
from aesara.tensor.type import TensorType

__all__ = [
    "MatrixPinv",
    "pinv",
    "MatrixInverse",
    "matrix_inverse",
    "inv",
    "matrix_dot",
    "trace",
    "Det",
    "det",
    "SLogDet",
    "slogdet",
    "Eig",
    "eig",
    "Eigh",
    "eigh",
    "EighGrad",
    "QRFull",
    "qr",
    "SVD",
    "svd",
    "Lstsq",
    "lstsq",
    "matrix_power",
    "norm",
    "TensorInv",
    "tensorinv",
    "TensorSolve",
    "tensorsolve",
]


def _dot(a, b):
    from aesara.tensor.math import dot

    return dot(a, b)


def _mtrace(m: Variable) -> Variable:
    from aesara.tensor.basic import diagonal

    return diagonal(m).sum()


# ---------------------------------------------------------------------------
# Inverse and pseudo-inverse
# ---------------------------------------------------------------------------


class MatrixInverse(Op):
    """Inverse of a square matrix (``numpy.linalg.inv``).

    A singular matrix raises ``numpy.linalg.LinAlgError`` at run time.
    """

    __props__ = ()

    def make_node(self, x: Any) -> Apply:
        x = as_linalg_input(x, "MatrixInverse", square=True)
        n = square_size(x)
        return Apply(self, [x], [matrix_type(x.type.dtype, (n, n))()])

    def perform(self, node, inputs, output_storage, params=None):
        (x,) = inputs
        output_storage[0][0] = np.asarray(
            np.linalg.inv(x), dtype=node.outputs[0].type.dtype
        )

    def infer_shape(self, fgraph, node, input_shapes):
        (shp,) = input_shapes
        return [(shp[1], shp[0])]

    def L_op(self, inputs, outputs, output_gradients):
        # d(X^-1) = -X^-1 dX X^-1, whose adjoint is -X^-H g X^-H.
        (xi,) = outputs
        (gz,) = output_gradients
        return [grad_as(-_dot(_dot(H(xi), gz), H(xi)), inputs[0])]

    def R_op(self, inputs, eval_points):
        if eval_points[0] is None:
            return [None]
        xi = self(inputs[0])
        return [-_dot(_dot(xi, eval_points[0]), xi)]


matrix_inverse = MatrixInverse()


def inv(a: Any) -> Variable:
    """Inverse of a square matrix, as ``numpy.linalg.inv``."""
    return matrix_inverse(a)


def _pinv_grad(a, p, gp) -> Variable:
    """Adjoint of the pseudo-inverse's derivative (real, constant rank).

    ``dP = -P dA P + P P^T dA^T (I - A P) + (I - P A) dA^T P^T P``, so
    ``gA = -P^T gP P^T + (I - A P) gP^T P P^T + P^T P gP^T (I - P A)``.
    """
    pt = H(p)
    gpt = H(gp)
    term1 = -_dot(_dot(pt, gp), pt)
    # (I - A P) M written as M - A (P M) to avoid forming identities.
    m2 = _dot(gpt, _dot(p, pt))
    term2 = m2 - _dot(a, _dot(p, m2))
    m3 = _dot(_dot(pt, p), gpt)
    term3 = m3 - _dot(_dot(m3, p), a)
    return term1 + term2 + term3


class MatrixPinv(Op):
    """Moore-Penrose pseudo-inverse (``numpy.linalg.pinv``).

    With ``hermitian=True`` the input is taken as symmetric (Hermitian) and
    only its lower triangle is read, as NumPy does.
    """

    __props__ = ("hermitian",)

    def __init__(self, hermitian: bool = False):
        self.hermitian = bool(hermitian)

    def make_node(self, x: Any) -> Apply:
        x = as_linalg_input(x, "MatrixPinv", square=self.hermitian)
        m, n = x.type.shape
        return Apply(self, [x], [matrix_type(x.type.dtype, (n, m))()])

    def perform(self, node, inputs, output_storage, params=None):
        (x,) = inputs
        output_storage[0][0] = np.asarray(
            np.linalg.pinv(x, hermitian=self.hermitian),
            dtype=node.outputs[0].type.dtype,
        )

    def infer_shape(self, fgraph, node, input_shapes):
        (shp,) = input_shapes
        return [(shp[1], shp[0])]

    def L_op(self, inputs, outputs, output_gradients):
        (x,) = inputs
        if is_complex(x) and self.hermitian:
            return [grad_not_implemented(self, 0, x, "Complex Hermitian input.")]
        g = _pinv_grad(x, outputs[0], output_gradients[0])
        if self.hermitian:
            g = triangle_read_grad(g, lower=True)
        return [grad_as(g, x)]

    def R_op(self, inputs, eval_points):
        if eval_points[0] is None:
            return [None]
        (x,) = inputs
        dx = eval_points[0]
        if self.hermitian:
            # Only the lower triangle is read: the effective perturbation is
            # its symmetric completion.
            from aesara.tensor.basic import diag, diagonal, tril

            low = tril(dx)
            dx = low + low.T - diag(diagonal(dx))
        return [_pinv_diff(x, self(x), dx)]


def pinv(x: Any, hermitian: bool = False) -> Variable:
    """Moore-Penrose pseudo-inverse of a matrix, as ``numpy.linalg.pinv``.

    Parameters
    ----------
    x
        A matrix of shape ``(M, N)``; the result has shape ``(N, M)``.
    hermitian
        Take ``x`` as symmetric (Hermitian): faster, reads only its lower
        triangle.
    """
    return MatrixPinv(hermitian)(x)


# ---------------------------------------------------------------------------
# Products and traces
# ---------------------------------------------------------------------------


def matrix_dot(*args: Any) -> Variable:
    """Product of several matrices (or vectors), left to right: ``a @ b @ c``.

    Parameters
    ----------
    *args
        At least one tensor; consecutive ones must be aligned as for ``dot``.
    """
    if not args:
        raise TypeError("matrix_dot: expected at least one argument")
    return functools.reduce(_dot, [as_tensor_variable(a) for a in args])


def trace(X: Any) -> Variable:
    """Sum of the diagonal of the matrix ``X``.

    For other ranks or offsets use :func:`aesara.tensor.trace` (NumPy's).
    """
    X = as_tensor_variable(X)
    if X.type.ndim != 2:
        raise TypeError(
            f"trace: expected a matrix, got a {X.type.ndim}-d tensor ({X.type})"
        )
    return _mtrace(X)


# ---------------------------------------------------------------------------
# Determinants
# ---------------------------------------------------------------------------


class Det(Op):
    """Determinant of a square matrix (``numpy.linalg.det``); a 0-d output."""

    __props__ = ()

    def make_node(self, x: Any) -> Apply:
        x = as_linalg_input(x, "Det", square=True)
        return Apply(self, [x], [TensorType(x.type.dtype, shape=())()])

    def perform(self, node, inputs, output_storage, params=None):
        (x,) = inputs
        output_storage[0][0] = np.asarray(
            np.linalg.det(x), dtype=node.outputs[0].type.dtype
        )

    def infer_shape(self, fgraph, node, input_shapes):
        return [()]

    def L_op(self, inputs, outputs, output_gradients):
        # d det(X) = det(X) tr(X^-1 dX).
        (x,) = inputs
        (gz,) = output_gradients
        g = gz * conj(outputs[0]) * H(matrix_inverse(x))
        return [grad_as(g, x)]

    def R_op(self, inputs, eval_points):
        if eval_points[0] is None:
            return [None]
        x = inputs[0]
        return [self(x) * _mtrace(_dot(matrix_inverse(x), eval_points[0]))]

    def __str__(self):
        return "Det"


det = Det()


class SLogDet(Op):
    """Sign and natural log of the absolute determinant (``numpy.linalg.slogdet``).

    Outputs ``(sign, logabsdet)``: ``sign`` has the input's dtype (0 for a
    singular matrix, where ``logabsdet`` is ``-inf``), ``logabsdet`` is real.
    """

    __props__ = ()

    def make_node(self, x: Any) -> Apply:
        x = as_linalg_input(x, "SLogDet", square=True)
        sign = TensorType(x.type.dtype, shape=())()
        logabs = TensorType(real_dtype(x.type.dtype), shape=())()
        return Apply(self, [x], [sign, logabs])

    def perform(self, node, inputs, output_storage, params=None):
        (x,) = inputs
        sign, logabs = np.linalg.slogdet(x)
        output_storage[0][0] = np.asarray(sign, dtype=node.outputs[0].type.dtype)
        output_storage[1][0] = np.asarray(logabs, dtype=node.outputs[1].type.dtype)

    def infer_shape(self, fgraph, node, input_shapes):
        return [(), ()]

    def L_op(self, inputs, outputs, output_gradients):
        # The sign is piecewise constant; d log|det X| = Re tr(X^-1 dX).
        (x,) = inputs
        _, g_logabs = output_gradients
        if is_complex(x) and not is_zero(output_gradients[0]):
            return [grad_not_implemented(self, 0, x, "Gradient of a complex sign.")]
        return [grad_as(g_logabs * H(matrix_inverse(x)), x)]

    def R_op(self, inputs, eval_points):
        if eval_points[0] is None:
            return [None, None]
        from aesara.tensor.math import real

        x = inputs[0]
        sign = self(x)[0]
        d = _mtrace(_dot(matrix_inverse(x), eval_points[0]))
        if is_complex(d):
            d = real(d)
        return [sign.zeros_like(), d]


slogdet_op = SLogDet()


def slogdet(a: Any) -> list[Variable]:
    """Sign and log-absolute-value of the determinant, as ``numpy.linalg.slogdet``.

    Returns
    -------
    sign, logabsdet
        ``det(a) == sign * exp(logabsdet)``.
    """
    return slogdet_op(a)


# ---------------------------------------------------------------------------
# Least squares
# ---------------------------------------------------------------------------


class Lstsq(Op):
    """Least-squares solution of ``a @ x = b`` (``numpy.linalg.lstsq``).

    Inputs ``(a, b, rcond)``; outputs ``(x, residuals, rank, s)`` as NumPy
    (``rank`` is ``int64``; ``residuals`` is empty unless ``a`` has full column
    rank and more rows than columns). Gradients flow through ``x`` (the
    minimum-norm solution ``pinv(a) @ b``), ``residuals`` and ``s``, assuming
    the rank is locally constant.
    """

    __props__ = ()

    def make_node(self, a: Any, b: Any, rcond: Any) -> Apply:
        a = as_linalg_input(a, "Lstsq: input a")
        b = as_linalg_input(b, "Lstsq: input b", ndim=(1, 2))
        rcond = as_tensor_variable(rcond)
        if rcond.type.ndim != 0:
            raise TypeError(f"Lstsq: rcond must be a scalar, got {rcond.type}")
        dtype = linalg_dtype(np.result_type(a.type.dtype, b.type.dtype).name)
        if a.type.dtype != dtype:
            a = cast(a, dtype)
        if b.type.dtype != dtype:
            b = cast(b, dtype)
        m, n = a.type.shape
        bm = b.type.shape[0]
        if m is not None and bm is not None and m != bm:
            raise ValueError(
                f"Lstsq: a has {m} rows but b has {bm}; they must be equal "
                f"(a: {a.type}, b: {b.type})"
            )
        k = None if m is None or n is None else min(m, n)
        x_shape = (n,) + tuple(b.type.shape[1:])
        rdt = real_dtype(dtype)
        outs = [
            TensorType(dtype, shape=x_shape)(),
            TensorType(rdt, shape=(None,))(),
            TensorType("int64", shape=())(),
            TensorType(rdt, shape=(k,))(),
        ]
        return Apply(self, [a, b, rcond], outs)

    def perform(self, node, inputs, output_storage, params=None):
        a, b, rcond = inputs
        res = np.linalg.lstsq(a, b, rcond=float(rcond))
        for cell, val, out in zip(output_storage, res, node.outputs):
            cell[0] = np.asarray(val, dtype=out.type.dtype)

    def infer_shape(self, fgraph, node, input_shapes):
        from aesara.tensor.math import minimum

        a_shp, b_shp, _ = input_shapes
        x_shp = (a_shp[1],) + tuple(b_shp[1:])
        from aesara.tensor.basic import switch
        from aesara.tensor.math import and_, eq, gt

        # NumPy returns residuals only for full column rank and M > N.
        rank = node.outputs[2]
        k = b_shp[1] if len(b_shp) == 2 else 1
        full = and_(eq(rank, a_shp[1]), gt(a_shp[0], a_shp[1]))
        res = switch(full, k, 0)
        return [x_shp, (res,), (), (minimum(a_shp[0], a_shp[1]),)]

    def connection_pattern(self, node):
        return [[True, True, False, True], [True, True, False, False], [False] * 4]

    def L_op(self, inputs, outputs, output_gradients):
        from aesara.tensor.math import outer

        a, b, rcond = inputs
        x, res, _, _ = outputs
        gx, gres, _, gs = output_gradients
        p = pinv(a)
        gp = outer(gx, conj(b)) if b.type.ndim == 1 else _dot(gx, H(b))
        ga = _pinv_grad(a, p, gp)
        gb = _dot(H(p), gx)
        if not is_zero(gs):
            u, _, vh = SVD(full_matrices=False)(a)
            ga = ga + _dot(u * gs.dimshuffle("x", 0), vh)
        if not is_zero(gres):
            if is_complex(a):
                return [
                    grad_not_implemented(self, i, v, "Complex residuals.")
                    for i, v in enumerate((a, b))
                ] + [disconnected_type()]
            # res = |b - a x|^2 summed over rows, when present. At the
            # solution a^T r = 0, so only the explicit a and b terms remain.
            r = b - _dot(a, x)
            g_cols = _residual_grad_columns(b, res, gres)
            if b.type.ndim == 1:
                gb = gb + 2 * r * g_cols[0]
                ga = ga - 2 * outer(r * g_cols[0], x)
            else:
                weighted = r * g_cols.dimshuffle("x", 0)
                gb = gb + 2 * weighted
                ga = ga - 2 * _dot(weighted, x.T)
        return [grad_as(ga, a), grad_as(gb, b), disconnected_type()]

    def R_op(self, inputs, eval_points):
        from aesara.tensor.basic import diagonal

        a, b, rcond = inputs
        da, db, _ = eval_points
        if da is None and db is None:
            return [None] * 4
        x, res, _, _ = self(a, b, rcond)
        p = pinv(a)
        terms = []
        if da is not None:
            terms.append(_dot(_pinv_diff(a, p, da), b))
        if db is not None:
            terms.append(_dot(p, db))
        dx = terms[0] if len(terms) == 1 else terms[0] + terms[1]
        ds = None
        if da is not None:
            u, _, vh = SVD(full_matrices=False)(a)
            ds = diagonal(_dot(_dot(H(u), da), H(vh)))
        r = b - _dot(a, x)
        d_r = -_dot(a, dx)
        if da is not None:
            d_r = d_r - _dot(da, x)
        if db is not None:
            d_r = d_r + db
        d_full = 2 * (r * d_r).sum(axis=0)
        if b.type.ndim == 1:
            d_full = d_full.dimshuffle("x")
        dres = d_full[: res.shape[0]]
        return [dx, dres, None, ds]


def _residual_grad_columns(b, res, gres) -> Variable:
    """``gres`` padded to one entry per column of ``b`` (zeros when NumPy
    returned no residuals)."""
    from aesara.tensor.basic import zeros
    from aesara.tensor.subtensor import set_subtensor

    k = b.shape[1] if b.type.ndim == 2 else 1
    full = zeros((k,), dtype=res.type.dtype)
    return set_subtensor(full[: res.shape[0]], gres)


def _pinv_diff(a, p, da) -> Variable:
    """Directional derivative of ``pinv`` at ``a`` along ``da`` (constant rank)."""
    dat = H(da)
    term1 = -_dot(_dot(p, da), p)
    m2 = _dot(_dot(p, H(p)), dat)
    term2 = m2 - _dot(_dot(m2, a), p)
    m3 = _dot(dat, _dot(H(p), p))
    term3 = m3 - _dot(p, _dot(a, m3))
    return term1 + term2 + term3


_lstsq = Lstsq()


def lstsq(a: Any, b: Any, rcond: Any = None) -> list[Variable]:
    """Least-squares solution of ``a @ x = b``, as ``numpy.linalg.lstsq``.

    Parameters
    ----------
    a
        Matrix ``(M, N)``.
    b
        ``(M,)`` or ``(M, K)``.
    rcond
        Singular values below ``rcond * largest`` count as zero; ``None``
        (the default) means machine precision times ``max(M, N)``, as NumPy.

    Returns
    -------
    x, residuals, rank, s
    """
    if rcond is None:
        from aesara.tensor.math import maximum

        a = as_linalg_input(a, "Lstsq: input a")
        b_var = as_tensor_variable(b)
        dtype = linalg_dtype(np.result_type(a.type.dtype, b_var.type.dtype).name)
        eps = float(np.finfo(real_dtype(dtype)).eps)
        rcond = eps * cast(maximum(a.shape[0], a.shape[1]), "float64")
    return _lstsq(a, b, rcond)


# ---------------------------------------------------------------------------
# Matrix powers and norms
# ---------------------------------------------------------------------------


def matrix_power(M: Any, n: int) -> Variable:
    """``M`` raised to the integer power ``n``, as ``numpy.linalg.matrix_power``.

    ``n == 0`` gives the identity (of ``M``'s dtype), ``n < 0`` powers the
    inverse. Built from matrix products (by repeated squaring), so it is
    differentiable.
    """
    M = as_tensor_variable(M)
    if M.type.ndim != 2:
        raise TypeError(
            f"matrix_power: expected a matrix, got a {M.type.ndim}-d tensor ({M.type})"
        )
    r, c = M.type.shape
    if r is not None and c is not None and r != c:
        raise ValueError(
            f"matrix_power: expected a square matrix, got static shape {M.type.shape}"
        )
    if isinstance(n, bool) or not isinstance(n, (int, np.integer)):
        raise TypeError(f"matrix_power: exponent must be an integer, got {n!r}")
    n = int(n)
    if n == 0:
        from aesara.tensor.basic import identity_like

        return identity_like(M)
    if n < 0:
        M = matrix_inverse(M)
        n = -n
    result = None
    base = M
    while True:
        if n & 1:
            result = base if result is None else _dot(result, base)
        n >>= 1
        if not n:
            return result
        base = _dot(base, base)


_VECTOR_STRING_ORDS = {"inf": np.inf, "-inf": -np.inf}


def _normalize_ord(ord: Any) -> Any:
    if isinstance(ord, str) and ord in _VECTOR_STRING_ORDS:
        return _VECTOR_STRING_ORDS[ord]
    return ord


def _vector_norm(x, ord, axis: int, keepdims: bool) -> Variable:
    from aesara.tensor import math as atm

    if isinstance(ord, str):
        raise ValueError(f"norm: invalid norm order {ord!r} for vectors")
    ax = abs_x = atm.abs(x)
    if ord is None or ord == 2:
        sq = atm.real(x * atm.conj(x)) if is_complex(x) else x * x
        return atm.sqrt(atm.sum(sq, axis=axis, keepdims=keepdims))
    if ord == np.inf:
        return atm.max(abs_x, axis=axis, keepdims=keepdims)
    if ord == -np.inf:
        return atm.min(abs_x, axis=axis, keepdims=keepdims)
    if ord == 0:
        nz = cast(atm.neq(x, 0), abs_x.type.dtype)
        return atm.sum(nz, axis=axis, keepdims=keepdims)
    if ord == 1:
        return atm.sum(ax, axis=axis, keepdims=keepdims)
    # Exponents as constants of the data's dtype, so float32 stays float32.
    p = np.asarray(float(ord), dtype=abs_x.type.dtype)
    inv_p = np.asarray(1.0 / float(ord), dtype=abs_x.type.dtype)
    return atm.sum(abs_x**p, axis=axis, keepdims=keepdims) ** inv_p


def _matrix_norm(x, ord, axes: tuple[int, int], keepdims: bool) -> Variable:
    from aesara.tensor import math as atm
    from aesara.tensor.basic import expand_dims

    row, col = axes
    if ord in (2, -2, "nuc"):
        if x.type.ndim != 2:
            raise NotImplementedError(
                f"norm: ord={ord!r} needs singular values, available for 2-d inputs "
                f"only (got {x.type.ndim}-d)"
            )
        m = x if (row, col) == (0, 1) else x.T
        s = svd(m, compute_uv=False)
        if ord == 2:
            res = atm.max(s)
        elif ord == -2:
            res = atm.min(s)
        else:
            res = atm.sum(s)
    elif ord in (None, "fro", "f"):
        sq = atm.real(x * atm.conj(x)) if is_complex(x) else x * x
        res = atm.sqrt(atm.sum(sq, axis=(row, col)))
    elif ord in (1, -1, np.inf, -np.inf):
        # 1-norms sum down the rows (the column sums), inf-norms along columns.
        summed, other = (row, col) if ord in (1, -1) else (col, row)
        sums = atm.sum(atm.abs(x), axis=summed)
        other = other - 1 if other > summed else other
        res = (atm.max if ord > 0 else atm.min)(sums, axis=other)
    else:
        raise ValueError(f"norm: invalid norm order {ord!r} for matrices")
    if keepdims:
        res = expand_dims(res, tuple(sorted((row, col))))
    return res


def norm(
    x: Any,
    ord: Any = None,
    axis: int | Sequence[int] | None = None,
    keepdims: bool = False,
) -> Variable:
    """Vector or matrix norm, as ``numpy.linalg.norm``.

    Parameters
    ----------
    x
        Input tensor (integers are computed in ``float64``).
    ord
        Vector norms (``axis`` an int, or ``x`` 1-d): ``None``/2, 1, ``inf``,
        ``-inf``, 0 (count of non-zeros) or any other number ``p``
        (``sum(|x|**p)**(1/p)``). Matrix norms (``axis`` a pair, or ``x``
        2-d): ``None``/``"fro"``, ``"nuc"``, 1, -1, 2, -2, ``inf``, ``-inf``.
        The strings ``"inf"`` and ``"-inf"`` are accepted for the infinities.
    axis
        Axis (vector norm) or pair of axes (matrix norm); ``None`` uses the
        whole of a 1-d or 2-d ``x`` (any ``x`` when ``ord`` is ``None``: the
        2-norm of its flattened values).
    keepdims
        Keep the normed axes as length-1 dimensions.
    """
    from aesara.tensor import math as atm
    from aesara.tensor._join import normalize_axis_arg

    x = as_tensor_variable(x)
    dtype = linalg_dtype(x.type.dtype)
    if dtype != x.type.dtype:
        x = cast(x, dtype)
    ord = _normalize_ord(ord)
    nd = x.type.ndim
    if axis is None:
        if ord is None:
            sq = atm.real(x * atm.conj(x)) if is_complex(x) else x * x
            res = atm.sqrt(atm.sum(sq))
            if keepdims:
                from aesara.tensor.basic import expand_dims

                res = expand_dims(res, tuple(range(nd)))
            return res
        if nd == 1:
            return _vector_norm(x, ord, 0, keepdims)
        if nd == 2:
            return _matrix_norm(x, ord, (0, 1), keepdims)
        raise ValueError(
            f"norm: improper number of dimensions to norm: ord={ord!r} with "
            f"axis=None needs a 1-d or 2-d input, got {nd}-d ({x.type})"
        )
    if isinstance(axis, (int, np.integer)):
        return _vector_norm(
            x, ord, normalize_axis_arg(axis, nd, "norm: axis"), keepdims
        )
    axis = tuple(axis)
    if len(axis) == 1:
        return _vector_norm(
            x, ord, normalize_axis_arg(axis[0], nd, "norm: axis"), keepdims
        )
    if len(axis) == 2:
        axes = tuple(normalize_axis_arg(a, nd, "norm: axis") for a in axis)
        if axes[0] == axes[1]:
            raise ValueError(f"norm: duplicate axes given: {axis}")
        return _matrix_norm(x, ord, axes, keepdims)
    raise ValueError(f"norm: axis must be an int or a pair of ints, got {axis!r}")


# ---------------------------------------------------------------------------
# Tensor inverse and tensor solve
# ---------------------------------------------------------------------------


def _static_prod(shape) -> int | None:
    if any(s is None for s in shape):
        return None
    return int(np.prod(shape, dtype=np.int64))


class TensorInv(Op):
    """Inverse of a tensor w.r.t. ``tensordot`` (``numpy.linalg.tensorinv``).

    For ``a`` of shape ``I + J`` (``len(I) == ind``, ``prod(I) == prod(J)``)
    the result has shape ``J + I``.
    """

    __props__ = ("ind",)

    def __init__(self, ind: int = 2):
        if isinstance(ind, bool) or not isinstance(ind, (int, np.integer)) or ind <= 0:
            raise ValueError(f"TensorInv: ind must be a positive integer, got {ind!r}")
        self.ind = int(ind)

    def make_node(self, a: Any) -> Apply:
        a = as_tensor_variable(a)
        if a.type.ndim <= self.ind - 1 or a.type.ndim < 1:
            raise TypeError(
                f"TensorInv: input must have more than ind={self.ind} - 1 "
                f"dimensions, got {a.type}"
            )
        a = as_linalg_input(a, "TensorInv", ndim=a.type.ndim)
        first, rest = a.type.shape[: self.ind], a.type.shape[self.ind :]
        p, q = _static_prod(first), _static_prod(rest)
        if p is not None and q is not None and p != q:
            raise ValueError(
                f"TensorInv: the product of the first ind={self.ind} dimensions "
                f"({p}) must equal the product of the others ({q}); static shape "
                f"{a.type.shape}"
            )
        return Apply(self, [a], [TensorType(a.type.dtype, shape=rest + first)()])

    def perform(self, node, inputs, output_storage, params=None):
        (a,) = inputs
        output_storage[0][0] = np.asarray(
            np.linalg.tensorinv(a, ind=self.ind), dtype=node.outputs[0].type.dtype
        )

    def infer_shape(self, fgraph, node, input_shapes):
        (shp,) = input_shapes
        return [tuple(shp[self.ind :]) + tuple(shp[: self.ind])]

    def L_op(self, inputs, outputs, output_gradients):
        from aesara.tensor.math import prod

        (a,) = inputs
        (out,) = outputs
        (gz,) = output_gradients
        # out, reshaped to a matrix, is the inverse of a reshaped to one.
        shp = a.shape
        p = prod(shp[: self.ind])
        q = prod(shp[self.ind :])
        y = out.reshape((q, p))
        gy = gz.reshape((q, p))
        ga = -_dot(_dot(H(y), gy), H(y))
        return [grad_as(ga.reshape(shp, ndim=a.type.ndim), a)]


def tensorinv(a: Any, ind: int = 2) -> Variable:
    """Inverse of an N-d array for ``tensordot``, as ``numpy.linalg.tensorinv``.

    Parameters
    ----------
    a
        Tensor whose first ``ind`` dimensions' product equals the product of
        the others.
    ind
        Number of leading dimensions making the "rows".
    """
    return TensorInv(ind)(a)


class TensorSolve(Op):
    """Solve ``tensordot(a, x, axes=x.ndim) = b`` for ``x`` (``numpy.linalg.tensorsolve``).

    ``axes`` (static) lists axes of ``a`` moved to the end first, as NumPy.
    """

    __props__ = ("axes",)

    def __init__(self, axes: Sequence[int] | None = None):
        self.axes = None if axes is None else tuple(int(k) for k in axes)

    def _permutation(self, ndim: int) -> list[int]:
        perm = list(range(ndim))
        for k in self.axes or ():
            perm.remove(k % ndim)
            perm.insert(ndim, k % ndim)
        return perm

    def make_node(self, a: Any, b: Any) -> Apply:
        a = as_tensor_variable(a)
        b = as_tensor_variable(b)
        if a.type.ndim < b.type.ndim or a.type.ndim == 0:
            raise TypeError(
                f"TensorSolve: a must have at least as many dimensions as b (and "
                f"at least one); got a: {a.type}, b: {b.type}"
            )
        for k in self.axes or ():
            if not -a.type.ndim <= k < a.type.ndim:
                raise ValueError(
                    f"TensorSolve: axis {k} is out of bounds for a of {a.type.ndim} "
                    "dimensions"
                )
        dtype = linalg_dtype(np.result_type(a.type.dtype, b.type.dtype).name)
        if a.type.dtype != dtype:
            a = cast(a, dtype)
        if b.type.dtype != dtype:
            b = cast(b, dtype)
        shape = [a.type.shape[i] for i in self._permutation(a.type.ndim)]
        lead, x_shape = shape[: b.type.ndim], tuple(shape[b.type.ndim :])
        for i, (s, t) in enumerate(zip(lead, b.type.shape)):
            if s is not None and t is not None and s != t:
                raise ValueError(
                    f"TensorSolve: the leading dimensions of a (after moving axes) "
                    f"must match b's shape; dimension {i}: {s} vs {t}"
                )
        p, q = _static_prod(lead), _static_prod(x_shape)
        if p is not None and q is not None and p != q:
            raise ValueError(
                f"TensorSolve: a does not reshape to a square matrix: {p} x {q} "
                f"(a: {a.type}, b: {b.type})"
            )
        return Apply(self, [a, b], [TensorType(dtype, shape=x_shape)()])

    def perform(self, node, inputs, output_storage, params=None):
        a, b = inputs
        output_storage[0][0] = np.asarray(
            np.linalg.tensorsolve(a, b, axes=self.axes),
            dtype=node.outputs[0].type.dtype,
        )

    def infer_shape(self, fgraph, node, input_shapes):
        a_shp, b_shp = input_shapes
        perm = self._permutation(len(a_shp))
        return [tuple(a_shp[i] for i in perm[len(b_shp) :])]

    def L_op(self, inputs, outputs, output_gradients):
        from aesara.tensor.basic import transpose
        from aesara.tensor.math import outer, prod

        a, b = inputs
        (x,) = outputs
        (gx,) = output_gradients
        perm = self._permutation(a.type.ndim)
        at = transpose(a, perm) if perm != list(range(a.type.ndim)) else a
        n = prod(b.shape) if b.type.ndim else 1
        a_mat = at.reshape((n, -1))
        # x = A^-1 b: gb = A^-T gx and gA = -gb x^T.
        gb_flat = TensorSolve()(H(a_mat), gx.flatten())
        ga_mat = -outer(gb_flat, conj(x.flatten()))
        ga_t = ga_mat.reshape(at.shape, ndim=a.type.ndim)
        inverse = list(np.argsort(perm))
        ga = transpose(ga_t, inverse) if perm != list(range(a.type.ndim)) else ga_t
        gb = gb_flat.reshape(b.shape, ndim=b.type.ndim)
        return [grad_as(ga, a), grad_as(gb, b)]


def tensorsolve(a: Any, b: Any, axes: Sequence[int] | None = None) -> Variable:
    """Solve the tensor equation ``tensordot(a, x, axes=x.ndim) = b``.

    As ``numpy.linalg.tensorsolve``: ``x`` has shape ``a.shape[b.ndim:]``
    (after moving ``axes`` of ``a`` to the end).
    """
    return TensorSolve(axes)(a, b)
