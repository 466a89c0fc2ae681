"""Matrix decompositions of :mod:`aesara.tensor.nlinalg`: ``eig``, ``eigh``
(with :class:`EighGrad`), ``qr`` and ``svd``.

Import these names from :mod:`aesara.tensor.nlinalg`.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from aesara.gradient import grad_not_implemented
from aesara.graph.basic import Apply, Variable
from aesara.graph.op import Op
from aesara.tensor._nlinalg_base import (
    as_linalg_input,
    complex_dtype,
    is_complex,
    is_zero,
    matrix_type,
    numpy_reciprocal_gaps,
    numpy_triangle_read_grad,
    off_diagonal_reciprocal_gaps,
    real_dtype,
    square_size,
    triangle_read_grad,
)
from aesara.tensor.basic import as_tensor_variable

# ---------------------------------------------------------------------------
# Eigen-decompositions
# ---------------------------------------------------------------------------


class Eig(Op):
    """Eigenvalues and right eigenvectors of a square matrix (``numpy.linalg.eig``).

    Both outputs are complex (``complex128`` for ``float64`` and integer
    inputs, ``complex64`` for ``float32``), whatever the eigenvalues turn out
    to be, so that the output type does not depend on the values.
    """

    __props__: tuple[str, ...] = ()

    def make_node(self, x: Any) -> Apply:
        x = as_linalg_input(x, "Eig", square=True)
        n = square_size(x)
        dtype = complex_dtype(x.type.dtype)
        return Apply(
            self, [x], [matrix_type(dtype, (n,))(), matrix_type(dtype, (n, n))()]
        )

    def perform(self, node, inputs, output_storage, params=None):
        (x,) = inputs
        w, v = np.linalg.eig(x)
        output_storage[0][0] = np.asarray(w, dtype=node.outputs[0].type.dtype)
        output_storage[1][0] = np.asarray(v, dtype=node.outputs[1].type.dtype)

    def infer_shape(self, fgraph, node, input_shapes):
        (shp,) = input_shapes
        return [(shp[0],), (shp[0], shp[0])]

    def L_op(self, inputs, outputs, output_gradients):
        return [
            grad_not_implemented(
                self, 0, inputs[0], "Eigenvectors of non-symmetric matrices: use eigh."
            )
        ]


eig = Eig()


class Eigh(Op):
    """Eigenvalues (ascending) and eigenvectors of a symmetric/Hermitian matrix.

    Like ``numpy.linalg.eigh``, only the triangle named by ``UPLO`` is read.
    The eigenvalues are real; the eigenvectors have the input's dtype.
    """

    __props__ = ("UPLO",)

    def __init__(self, UPLO: str = "L"):
        if UPLO not in ("L", "U"):
            raise ValueError(f"Eigh: UPLO must be 'L' or 'U', got {UPLO!r}")
        self.UPLO = UPLO

    def make_node(self, x: Any) -> Apply:
        x = as_linalg_input(x, "Eigh", square=True)
        n = square_size(x)
        w = matrix_type(real_dtype(x.type.dtype), (n,))()
        v = matrix_type(x.type.dtype, (n, n))()
        return Apply(self, [x], [w, v])

    def perform(self, node, inputs, output_storage, params=None):
        (x,) = inputs
        w, v = np.linalg.eigh(x, UPLO=self.UPLO)
        output_storage[0][0] = np.asarray(w, dtype=node.outputs[0].type.dtype)
        output_storage[1][0] = np.asarray(v, dtype=node.outputs[1].type.dtype)

    def infer_shape(self, fgraph, node, input_shapes):
        (shp,) = input_shapes
        return [(shp[0],), (shp[0], shp[0])]

    def L_op(self, inputs, outputs, output_gradients):
        (x,) = inputs
        if is_complex(x):
            return [grad_not_implemented(self, 0, x, "Complex Hermitian input.")]
        w, v = outputs
        gw, gv = output_gradients
        return [EighGrad(self.UPLO)(x, w, v, gw, gv)]


def eigh(a: Any, UPLO: str = "L") -> list[Variable]:
    """Eigen-decomposition of a symmetric (Hermitian) matrix.

    Parameters
    ----------
    a
        A square matrix; only its lower (``UPLO="L"``) or upper (``"U"``)
        triangle is read.
    UPLO
        Which triangle to read.

    Returns
    -------
    w, v
        Ascending eigenvalues and the matching unit eigenvectors (columns of
        ``v``), as ``numpy.linalg.eigh``.
    """
    return Eigh(UPLO)(a)


def _eigh_grad_expression(w, v, gw, gv, lower: bool) -> Variable:
    """The gradient of ``eigh`` as a graph of ordinary ops (real case).

    With ``A = V diag(w) V^T`` and ``F[i, j] = 1 / (w[j] - w[i])``, a cost's
    gradient w.r.t. the symmetric matrix is ``V (diag(gw) + F * V^T gV) V^T``;
    it is then mapped onto the triangle that was read.
    """
    from aesara.tensor.basic import diag
    from aesara.tensor.math import dot

    f = off_diagonal_reciprocal_gaps(w)
    inner = diag(gw) + f * dot(v.T, gv)
    return triangle_read_grad(dot(dot(v, inner), v.T), lower)


class EighGrad(Op):
    """Gradient of :class:`Eigh` w.r.t. its input.

    Inputs are ``(x, w, v, gw, gv)``: the matrix, ``eigh``'s outputs and the
    cost's gradients w.r.t. them. The output has ``x``'s type. Its own
    gradient differentiates the equivalent symbolic expression, so higher
    derivatives of ``eigh`` are available.
    """

    __props__ = ("UPLO",)

    def __init__(self, UPLO: str = "L"):
        if UPLO not in ("L", "U"):
            raise ValueError(f"EighGrad: UPLO must be 'L' or 'U', got {UPLO!r}")
        self.UPLO = UPLO

    def make_node(self, x, w, v, gw, gv) -> Apply:
        x, w, v, gw, gv = (as_tensor_variable(t) for t in (x, w, v, gw, gv))
        for name, t, nd in (("x", x, 2), ("w", w, 1), ("v", v, 2), ("gw", gw, 1)):
            if t.type.ndim != nd:
                raise TypeError(
                    f"EighGrad: input {name} must be {nd}-d, got {t.type.ndim}-d "
                    f"({t.type})"
                )
        if gv.type.ndim != 2:
            raise TypeError(f"EighGrad: input gv must be 2-d, got {gv.type}")
        return Apply(self, [x, w, v, gw, gv], [x.type()])

    def perform(self, node, inputs, output_storage, params=None):
        x, w, v, gw, gv = inputs
        f = numpy_reciprocal_gaps(w)
        g = v @ (np.diag(gw) + f * (v.T @ gv)) @ v.T
        out = numpy_triangle_read_grad(g, self.UPLO == "L")
        output_storage[0][0] = np.asarray(out, dtype=node.outputs[0].type.dtype)

    def infer_shape(self, fgraph, node, input_shapes):
        return [input_shapes[0]]

    def connection_pattern(self, node):
        return [[False], [True], [True], [True], [True]]

    def L_op(self, inputs, outputs, output_gradients):
        from aesara.gradient import Lop, disconnected_type
        from aesara.graph.basic import clone_replace

        x, *rest = inputs
        # Differentiate on independent stand-ins: the real inputs may depend on
        # one another (gw is often a function of w), and the partial
        # derivatives are wanted, not the total ones.
        dummies = [t.type() for t in rest]
        g_out = output_gradients[0].type()
        expr = _eigh_grad_expression(*dummies, self.UPLO == "L")
        grads = Lop(expr, dummies, g_out, disconnected_inputs="ignore")
        replace = dict(zip(dummies, rest))
        replace[g_out] = output_gradients[0]
        return [disconnected_type(), *clone_replace(grads, replace=replace)]


# ---------------------------------------------------------------------------
# QR
# ---------------------------------------------------------------------------

_QR_MODES = ("reduced", "complete", "r", "raw")


def _copy_lower_to_upper(m: Variable) -> Variable:
    from aesara.tensor.basic import tril

    return tril(m) + tril(m, -1).T


def _qr_tall_grad(q, r, gq, gr) -> Variable:
    """Gradient of ``A = QR`` (reduced, ``m >= n``) w.r.t. ``A``.

    ``M = R gR^T - gQ^T Q``; ``gA = (gQ + Q copyltu(M)) R^{-T}``.
    """
    from aesara.tensor.math import dot
    from aesara.tensor.nlinalg import matrix_inverse

    m = dot(r, gr.T) - dot(gq.T, q)
    b = gq + dot(q, _copy_lower_to_upper(m))
    return dot(b, matrix_inverse(r).T)


class QRFull(Op):
    """QR decomposition of a matrix (``numpy.linalg.qr``).

    ``mode`` is NumPy's: ``"reduced"`` and ``"complete"`` give ``(q, r)``,
    ``"r"`` gives ``r`` alone and ``"raw"`` gives LAPACK's ``(h, tau)``.
    """

    __props__ = ("mode",)

    def __init__(self, mode: str = "reduced"):
        if mode not in _QR_MODES:
            raise ValueError(f"QRFull: mode must be one of {_QR_MODES}, got {mode!r}")
        self.mode = mode

    def make_node(self, x: Any) -> Apply:
        x = as_linalg_input(x, "QRFull")
        m, n = x.type.shape
        k = None if m is None or n is None else min(m, n)
        dt = x.type.dtype
        if self.mode == "reduced":
            outs = [matrix_type(dt, (m, k))(), matrix_type(dt, (k, n))()]
        elif self.mode == "complete":
            outs = [matrix_type(dt, (m, m))(), matrix_type(dt, (m, n))()]
        elif self.mode == "r":
            outs = [matrix_type(dt, (k, n))()]
        else:
            outs = [matrix_type(dt, (n, m))(), matrix_type(dt, (k,))()]
        return Apply(self, [x], outs)

    def perform(self, node, inputs, output_storage, params=None):
        (x,) = inputs
        res = np.linalg.qr(x, mode=self.mode)
        res = [res] if self.mode == "r" else list(res)
        for cell, val, out in zip(output_storage, res, node.outputs):
            cell[0] = np.asarray(val, dtype=out.type.dtype)

    def infer_shape(self, fgraph, node, input_shapes):
        from aesara.tensor.math import minimum

        m, n = input_shapes[0]
        k = minimum(m, n)
        if self.mode == "reduced":
            return [(m, k), (k, n)]
        if self.mode == "complete":
            return [(m, m), (m, n)]
        if self.mode == "r":
            return [(k, n)]
        return [(n, m), (k,)]

    def L_op(self, inputs, outputs, output_gradients):
        (x,) = inputs
        if is_complex(x) or self.mode == "raw":
            return [grad_not_implemented(self, 0, x, f"mode={self.mode!r}")]
        if self.mode == "r":
            q, r = QRFull("reduced")(x)
            gq, gr = q.zeros_like(), output_gradients[0]
        else:
            q, r = outputs
            gq, gr = output_gradients
        m, n = x.type.shape
        if self.mode == "complete":
            if m is None or n is None or m > n:
                # The trailing columns of a complete Q are not determined by A.
                return [
                    grad_not_implemented(
                        self, 0, x, "mode='complete' needs a static shape with m <= n"
                    )
                ]
        from aesara.tensor.basic import join
        from aesara.tensor.math import dot
        from aesara.tensor.shape import shape_i

        if m is not None and n is not None and m >= n:
            return [_qr_tall_grad(q, r, gq, gr)]
        # A = Q [U | V] with U square: X = A[:, :m] = QU, and Y = A[:, m:] = QV.
        # When m >= n the V, Y parts are empty and this is the tall formula.
        rows = shape_i(x, 0)
        gu, gv = gr[:, :rows], gr[:, rows:]
        y = x[:, rows:]
        gx = _qr_tall_grad(q, r[:, :rows], gq + dot(y, gv.T), gu)
        return [join(1, gx, dot(q, gv))]


def qr(a: Any, mode: str = "reduced") -> Variable | list[Variable]:
    """QR decomposition, as ``numpy.linalg.qr``.

    Parameters
    ----------
    a
        A matrix of shape ``(M, N)``.
    mode
        ``"reduced"`` (``q`` is ``(M, K)``, ``r`` is ``(K, N)``, ``K =
        min(M, N)``), ``"complete"`` (``q`` is ``(M, M)``), ``"r"`` (``r``
        only) or ``"raw"`` (LAPACK's Householder reflectors ``h`` and ``tau``).

    Returns
    -------
    ``(q, r)``, ``r`` or ``(h, tau)`` depending on ``mode``.
    """
    return QRFull(mode)(a)


# ---------------------------------------------------------------------------
# SVD
# ---------------------------------------------------------------------------


def _svd_values_grad(u, vh, gs) -> Variable:
    from aesara.tensor.math import dot

    return dot(u * gs.dimshuffle("x", 0), vh)


def _svd_full_grad(u, s, vh, gu, gs, gvh) -> Variable:
    """Gradient of the thin SVD ``A = U diag(s) V^T`` w.r.t. ``A`` (real).

    With ``F[i, j] = 1 / (s[j]**2 - s[i]**2)``:
    ``U [(F*(U^T gU - gU^T U)) S + diag(gs) + S (F*(V^T gV - gV^T V))] V^T
    + (I - U U^T) gU S^-1 V^T + U S^-1 gV^T (I - V V^T)``.
    """
    from aesara.tensor.basic import diag
    from aesara.tensor.math import dot

    v, gv = vh.T, gvh.T
    f = off_diagonal_reciprocal_gaps(s, squared=True)
    utgu = dot(u.T, gu)
    vtgv = dot(v.T, gv)
    j = f * (utgu - utgu.T)
    k = f * (vtgv - vtgv.T)
    row_s, col_s = s.dimshuffle("x", 0), s.dimshuffle(0, "x")
    core = j * row_s + diag(gs) + col_s * k
    out = dot(dot(u, core), vh)
    inv_s = 1 / s
    # (I - U U^T) gU S^-1 V^T, written without forming the identity.
    gu_s = gu * inv_s.dimshuffle("x", 0)
    out = out + dot(gu_s - dot(u, dot(u.T, gu_s)), vh)
    # U S^-1 gV^T (I - V V^T)
    s_gvt = gv.T * inv_s.dimshuffle(0, "x")
    out = out + dot(u, s_gvt - dot(dot(s_gvt, v), vh))
    return out


class SVD(Op):
    """Singular value decomposition (``numpy.linalg.svd``).

    With ``compute_uv`` the outputs are ``(u, s, v)`` where ``v`` is NumPy's
    ``vh`` (``a == u @ diag(s) @ v`` for the thin factors); otherwise only the
    singular values ``s`` (descending, real).
    """

    __props__ = ("full_matrices", "compute_uv")

    def __init__(self, full_matrices: bool = True, compute_uv: bool = True):
        self.full_matrices = bool(full_matrices)
        self.compute_uv = bool(compute_uv)

    def make_node(self, x: Any) -> Apply:
        x = as_linalg_input(x, "SVD")
        m, n = x.type.shape
        k = None if m is None or n is None else min(m, n)
        s = matrix_type(real_dtype(x.type.dtype), (k,))()
        if not self.compute_uv:
            return Apply(self, [x], [s])
        dt = x.type.dtype
        if self.full_matrices:
            u, v = matrix_type(dt, (m, m))(), matrix_type(dt, (n, n))()
        else:
            u, v = matrix_type(dt, (m, k))(), matrix_type(dt, (k, n))()
        return Apply(self, [x], [u, s, v])

    def perform(self, node, inputs, output_storage, params=None):
        (x,) = inputs
        res = np.linalg.svd(
            x, full_matrices=self.full_matrices, compute_uv=self.compute_uv
        )
        res = list(res) if self.compute_uv else [res]
        for cell, val, out in zip(output_storage, res, node.outputs):
            cell[0] = np.asarray(val, dtype=out.type.dtype)

    def infer_shape(self, fgraph, node, input_shapes):
        from aesara.tensor.math import minimum

        m, n = input_shapes[0]
        k = minimum(m, n)
        if not self.compute_uv:
            return [(k,)]
        if self.full_matrices:
            return [(m, m), (k,), (n, n)]
        return [(m, k), (k,), (k, n)]

    def L_op(self, inputs, outputs, output_gradients):
        (x,) = inputs
        if is_complex(x):
            return [grad_not_implemented(self, 0, x, "Complex input.")]
        if not self.compute_uv:
            u, _, vh = SVD(full_matrices=False)(x)
            return [_svd_values_grad(u, vh, output_gradients[0])]
        u, s, vh = outputs
        gu, gs, gvh = output_gradients
        if is_zero(gu) and is_zero(gvh):
            if self.full_matrices:
                u, _, vh = SVD(full_matrices=False)(x)
            return [_svd_values_grad(u, vh, gs)]
        if self.full_matrices:
            m, n = x.type.shape
            if m is None or m != n:
                # The extra columns of a full U (or V) are not determined by A.
                return [
                    grad_not_implemented(
                        self,
                        0,
                        x,
                        "full_matrices=True needs a square matrix of static shape "
                        "for gradients through u or v",
                    )
                ]
        return [_svd_full_grad(u, s, vh, gu, gs, gvh)]


def svd(
    a: Any, full_matrices: bool = True, compute_uv: bool = True
) -> Variable | list[Variable]:
    """Singular value decomposition, as ``numpy.linalg.svd``.

    Parameters
    ----------
    a
        A matrix of shape ``(M, N)``.
    full_matrices
        Return square ``u`` (``(M, M)``) and ``v`` (``(N, N)``) rather than the
        thin ``(M, K)`` and ``(K, N)`` factors (``K = min(M, N)``).
    compute_uv
        Return ``(u, s, v)``; otherwise only the singular values ``s``.

    Returns
    -------
    ``(u, s, v)`` (``v`` is NumPy's ``vh``) or ``s``.
    """
    return SVD(full_matrices, compute_uv)(a)
