"""Matrix functions and matrix equations of :mod:`aesara.tensor.slinalg`:
symmetric eigenvalues, the matrix exponential, the Kronecker product and the
Lyapunov equations. Import them from :mod:`aesara.tensor.slinalg`."""

from __future__ import annotations

import typing

import numpy as np

from aesara.gradient import DisconnectedType, grad_not_implemented
from aesara.graph.basic import Apply, Variable, clone_replace
from aesara.graph.op import Op
from aesara.tensor._slinalg_utils import (
    _as_matrix,
    _cast_out,
    _check_runtime_square,
    _check_same_size,
    _check_square,
    _complex_grads_missing,
    _dot,
    _input_grad,
    _lazy_scipy_attribute,
    _result_dtype,
    _scipy_linalg,
    _square_size,
    _zeros_like,
)
from aesara.tensor.basic import as_tensor_variable
from aesara.tensor.type import TensorType

# ---------------------------------------------------------------------------
# Symmetric eigenvalues
# ---------------------------------------------------------------------------


def _eigvalsh_inputs(op_name: str, a: typing.Any, b: typing.Any) -> list[Variable]:
    a = _as_matrix(a, op_name, "a")
    _check_square(a, op_name, "a")
    if b is None:
        return [a]
    b = _as_matrix(b, op_name, "b")
    _check_square(b, op_name, "b")
    _check_same_size(a, b, op_name, "a", "b")
    return [a, b]


class Eigvalsh(Op):
    """Eigenvalues, ascending, of a symmetric matrix ``a`` (``a v = w v``) or of
    the generalized problem ``a v = w b v`` with ``b`` positive definite.

    Only the ``lower`` (or upper) triangles of ``a`` and ``b`` are read. The
    gradient is :class:`EigvalshGrad`, which is not differentiable again.
    """

    __props__ = ("lower",)

    def __init__(self, lower: bool = True):
        self.lower = bool(lower)

    def make_node(self, a: typing.Any, b: typing.Any = None) -> Apply:
        from aesara.tensor.type_other import NoneConst

        if b is NoneConst:
            b = None
        inputs = _eigvalsh_inputs("eigvalsh", a, b)
        n = _square_size(inputs[0])
        if n is None and len(inputs) == 2:
            n = _square_size(inputs[1])
        # Eigenvalues of Hermitian matrices are real.
        dtype = {"complex64": "float32", "complex128": "float64"}.get(
            _result_dtype(*inputs), _result_dtype(*inputs)
        )
        return Apply(self, inputs, [TensorType(dtype, (n,))()])

    def perform(self, node, inputs, output_storage, params=None):
        for what, value in zip(("a", "b"), inputs):
            _check_runtime_square("eigvalsh", what, value)
        if len(inputs) == 2 and inputs[0].shape != inputs[1].shape:
            raise ValueError(
                f"eigvalsh: a has shape {inputs[0].shape} but b has shape "
                f"{inputs[1].shape}"
            )
        b = inputs[1] if len(inputs) == 2 else None
        w = _scipy_linalg().eigvalsh(inputs[0], b, lower=self.lower)
        output_storage[0][0] = _cast_out(w, node)

    def infer_shape(self, fgraph, node, input_shapes):
        return [(input_shapes[0][0],)]

    def L_op(self, inputs, outputs, output_gradients):
        missing = _complex_grads_missing(self, inputs)
        if missing:
            return missing
        (gw,) = output_gradients
        grads = EigvalshGrad(self.lower)(*inputs, gw, return_list=True)
        return [_input_grad(g, x) for g, x in zip(grads, inputs)]

    def R_op(self, inputs, eval_points):
        if all(ev is None for ev in eval_points):
            return [None]
        tangents = [
            ev if ev is not None else _zeros_like(x)
            for ev, x in zip(eval_points, inputs)
        ]
        return [_EigvalshTangent(self.lower)(*inputs, *tangents)]


class EigvalshGrad(Op):
    """Gradient of :class:`Eigvalsh`: inputs ``a`` (, ``b``), ``gw``.

    With eigenvectors ``V`` normalized so that ``V^T b V = I``, the gradient
    of ``sum(gw * w)`` is ``V diag(gw) V^T`` for ``a`` and
    ``-V diag(gw * w) V^T`` for ``b``, folded onto the triangle the
    eigensolver reads. Its own gradient is not implemented (it would need the
    derivatives of the eigenvectors).
    """

    __props__ = ("lower",)

    def __init__(self, lower: bool = True):
        self.lower = bool(lower)

    def make_node(self, *inputs: typing.Any) -> Apply:
        if len(inputs) not in (2, 3):
            raise TypeError(
                f"EigvalshGrad: expected inputs (a, gw) or (a, b, gw), got "
                f"{len(inputs)} inputs"
            )
        *mats, gw = inputs
        mats = _eigvalsh_inputs(
            "EigvalshGrad", mats[0], mats[1] if len(mats) == 2 else None
        )
        gw = as_tensor_variable(gw)
        if gw.type.ndim != 1:
            raise TypeError(
                f"EigvalshGrad: gw must be a vector, got {gw.type.ndim} dimensions"
            )
        dtype = _result_dtype(*mats, gw)
        outs = [TensorType(dtype, m.type.shape)() for m in mats]
        return Apply(self, [*mats, gw], outs)

    def perform(self, node, inputs, output_storage, params=None):
        *mats, gw = inputs
        b = mats[1] if len(mats) == 2 else None
        w, v = _scipy_linalg().eigh(mats[0], b, lower=self.lower)
        tri, tri_strict = (
            (np.tril, lambda x: np.triu(x, 1))
            if self.lower
            else (np.triu, lambda x: np.tril(x, -1))
        )
        grads = [(v * gw) @ v.T]
        if b is not None:
            grads.append(-((v * (gw * w)) @ v.T))
        for k, g in enumerate(grads):
            output_storage[k][0] = _cast_out(tri(g) + tri_strict(g).T, node, k)

    def infer_shape(self, fgraph, node, input_shapes):
        return [input_shapes[k] for k in range(len(node.outputs))]

    def L_op(self, inputs, outputs, output_gradients):
        *mats, gw = inputs
        # Linear in gw: its adjoint is the directional derivative of the
        # eigenvalues in the directions of the output gradients.
        tangents = [
            g if not isinstance(g.type, DisconnectedType) else _zeros_like(mat)
            for g, mat in zip(output_gradients, mats)
        ]
        g_gw = _EigvalshTangent(self.lower)(*mats, *tangents)
        why = "second derivatives of eigvalsh need eigenvector derivatives"
        return [
            *(grad_not_implemented(self, i, x, why) for i, x in enumerate(mats)),
            _input_grad(g_gw, gw),
        ]


class _EigvalshTangent(Op):
    """Directional derivative of :class:`Eigvalsh`: inputs ``a`` (, ``b``),
    ``da`` (, ``db``); output ``dw`` with
    ``dw_i = v_i^T (dA - w_i dB) v_i`` (``dA``, ``dB``: the symmetric
    matrices the eigensolver reads from ``da``, ``db``).

    It is the adjoint of :class:`EigvalshGrad` in ``gw``; the two give each
    other's gradients in the linear arguments.
    """

    __props__ = ("lower",)

    def __init__(self, lower: bool = True):
        self.lower = bool(lower)

    def make_node(self, *inputs: typing.Any) -> Apply:
        if len(inputs) not in (2, 4):
            raise TypeError(
                "EigvalshTangent: expected inputs (a, da) or (a, b, da, db), got "
                f"{len(inputs)} inputs"
            )
        half = len(inputs) // 2
        mats = _eigvalsh_inputs(
            "EigvalshTangent", inputs[0], inputs[1] if half == 2 else None
        )
        tangents = [
            _as_matrix(t, "EigvalshTangent", "a tangent") for t in inputs[half:]
        ]
        n = _square_size(mats[0])
        dtype = _result_dtype(*mats, *tangents)
        return Apply(self, [*mats, *tangents], [TensorType(dtype, (n,))()])

    def perform(self, node, inputs, output_storage, params=None):
        half = len(inputs) // 2
        mats, tangents = inputs[:half], inputs[half:]
        b = mats[1] if half == 2 else None
        w, v = _scipy_linalg().eigh(mats[0], b, lower=self.lower)
        tri = np.tril if self.lower else np.triu
        k = -1 if self.lower else 1

        def sym(x):
            return tri(x) + tri(x, k).T

        dw = np.einsum("ij,ik,kj->j", v, sym(tangents[0]), v)
        if b is not None:
            dw -= w * np.einsum("ij,ik,kj->j", v, sym(tangents[1]), v)
        output_storage[0][0] = _cast_out(dw, node)

    def infer_shape(self, fgraph, node, input_shapes):
        return [(input_shapes[0][0],)]

    def L_op(self, inputs, outputs, output_gradients):
        half = len(inputs) // 2
        mats = inputs[:half]
        (gdw,) = output_gradients
        grads = EigvalshGrad(self.lower)(*mats, gdw, return_list=True)
        why = "second derivatives of eigvalsh need eigenvector derivatives"
        return [
            *(grad_not_implemented(self, i, x, why) for i, x in enumerate(mats)),
            *(_input_grad(g, t) for g, t in zip(grads, inputs[half:])),
        ]


def eigvalsh(a: typing.Any, b: typing.Any = None, lower: bool = True) -> Variable:
    """Eigenvalues of a symmetric matrix, or of a symmetric-definite pencil.

    Parameters
    ----------
    a
        Symmetric matrix (only one triangle is read).
    b
        ``None`` for the standard problem ``a v = w v``, or a symmetric
        positive-definite matrix for the generalized problem ``a v = w b v``.
    lower
        Read the lower (``True``) or upper triangles.

    Returns
    -------
    Variable
        The eigenvalues in ascending order (a vector).
    """
    return Eigvalsh(lower)(a, b)


# ---------------------------------------------------------------------------
# Matrix exponential
# ---------------------------------------------------------------------------


def _block_upper(top_left: Variable, top_right: Variable, bottom_right: Variable):
    """The block matrix ``[[top_left, top_right], [0, bottom_right]]``."""
    from aesara.tensor.basic import concatenate, zeros_like

    top = concatenate([top_left, top_right], axis=1)
    bottom = concatenate([zeros_like(top_left), bottom_right], axis=1)
    return concatenate([top, bottom], axis=0)


def _frechet(a: Variable, e: Variable) -> Variable:
    """The Fréchet derivative of ``expm`` at ``a`` in direction ``e``, as a graph:
    the top-right block of ``expm([[a, e], [0, a]])``."""
    n = a.shape[0]
    return expm(_block_upper(a, e, a))[:n, n:]


class Expm(Op):
    """The matrix exponential (SciPy's Padé approximation with scaling and squaring)."""

    __props__ = ()

    def make_node(self, a: typing.Any) -> Apply:
        a = _as_matrix(a, "expm", "the input")
        _check_square(a, "expm", "the input")
        n = _square_size(a)
        return Apply(self, [a], [TensorType(_result_dtype(a), (n, n))()])

    def perform(self, node, inputs, output_storage, params=None):
        (a,) = inputs
        _check_runtime_square("expm", "the input", a)
        output_storage[0][0] = _cast_out(_scipy_linalg().expm(a), node)

    def infer_shape(self, fgraph, node, input_shapes):
        return [input_shapes[0]]

    def L_op(self, inputs, outputs, output_gradients):
        missing = _complex_grads_missing(self, inputs)
        if missing:
            return missing
        (a,) = inputs
        (g,) = output_gradients
        return [_input_grad(ExpmGrad()(a, g), a)]

    def R_op(self, inputs, eval_points):
        (a,) = inputs
        (da,) = eval_points
        if da is None:
            return [None]
        return [_frechet(a, da)]


class ExpmGrad(Op):
    """Gradient of :class:`Expm`: inputs ``a`` and ``g``, output the adjoint
    Fréchet derivative ``L(a^T, g)`` (the gradient of ``<g, expm(a)>``).

    Its own gradient differentiates the block-matrix identity
    ``L(a^T, g) = expm([[a^T, g], [0, a^T]])[:n, n:]``, so derivatives of any
    order are available.
    """

    __props__ = ()

    def make_node(self, a: typing.Any, g: typing.Any) -> Apply:
        a = _as_matrix(a, "ExpmGrad", "a")
        g = _as_matrix(g, "ExpmGrad", "g")
        _check_square(a, "ExpmGrad", "a")
        n = _check_same_size(a, g, "ExpmGrad", "a", "g")
        return Apply(self, [a, g], [TensorType(_result_dtype(a, g), (n, n))()])

    def perform(self, node, inputs, output_storage, params=None):
        a, g = inputs
        value = _scipy_linalg().expm_frechet(
            np.asarray(a, dtype=np.float64).T,
            np.asarray(g, dtype=np.float64),
            compute_expm=False,
        )
        output_storage[0][0] = _cast_out(value, node)

    def infer_shape(self, fgraph, node, input_shapes):
        return [input_shapes[0]]

    def L_op(self, inputs, outputs, output_gradients):
        from aesara.gradient import Lop

        a, g = inputs
        (gz,) = output_gradients
        missing = _complex_grads_missing(self, inputs)
        if missing:
            return missing
        # Differentiate with stand-ins: a and g may depend on each other in
        # the user's graph, but this node's partial derivatives must not
        # follow that dependence.
        a_in, g_in = a.type(), g.type()
        grads = Lop(
            _frechet(a_in.T, g_in), [a_in, g_in], gz, disconnected_inputs="ignore"
        )
        grads = clone_replace(grads, {a_in: a, g_in: g})
        return [_input_grad(gr, x) for gr, x in zip(grads, inputs)]


def expm(a: typing.Any) -> Variable:
    """The matrix exponential of a square matrix.

    Parameters
    ----------
    a
        Square matrix.

    Returns
    -------
    Variable
        ``exp(a)``, of ``a``'s shape.
    """
    return Expm()(a)


# ---------------------------------------------------------------------------
# Kronecker product
# ---------------------------------------------------------------------------


def kron(a: typing.Any, b: typing.Any) -> Variable:
    """The Kronecker product of two tensors, as :func:`numpy.kron`.

    The input of lower rank gets leading axes of length one; along each axis
    the result has length ``a.shape[i] * b.shape[i]`` and holds
    ``a[i] * b[j]`` at index ``i * b.shape + j``.

    Parameters
    ----------
    a, b
        Tensors of any rank.

    Returns
    -------
    Variable
        The Kronecker product (built from element-wise products and a
        reshape, so it is differentiable to any order).
    """
    from aesara.tensor.shape import reshape, shape_padleft

    a = as_tensor_variable(a)
    b = as_tensor_variable(b)
    ndim = max(a.type.ndim, b.type.ndim)
    if a.type.ndim < ndim:
        a = shape_padleft(a, ndim - a.type.ndim)
    if b.type.ndim < ndim:
        b = shape_padleft(b, ndim - b.type.ndim)
    if ndim == 0:
        return a * b
    # a as (a0, 1, a1, 1, ...) and b as (1, b0, 1, b1, ...): their product
    # holds a[i] * b[j] at (i0, j0, i1, j1, ...), which a reshape flattens.
    a_pattern = [p for i in range(ndim) for p in (i, "x")]
    b_pattern = [p for i in range(ndim) for p in ("x", i)]
    product = a.dimshuffle(a_pattern) * b.dimshuffle(b_pattern)
    sizes = []
    for i in range(ndim):
        sa, sb = a.type.shape[i], b.type.shape[i]
        sizes.append(
            sa * sb if sa is not None and sb is not None else a.shape[i] * b.shape[i]
        )
    return reshape(product, sizes, ndim=ndim)


# ---------------------------------------------------------------------------
# Lyapunov equations
# ---------------------------------------------------------------------------


def _lyapunov_inputs(op_name: str, a: typing.Any, q: typing.Any) -> tuple:
    a = _as_matrix(a, op_name, "A")
    q = _as_matrix(q, op_name, "Q")
    _check_square(a, op_name, "A")
    _check_square(q, op_name, "Q")
    n = _check_same_size(a, q, op_name, "A", "Q")
    return a, q, TensorType(_result_dtype(a, q), (n, n))()


def _check_lyapunov_values(op_name: str, a: np.ndarray, q: np.ndarray) -> None:
    _check_runtime_square(op_name, "A", a)
    _check_runtime_square(op_name, "Q", q)
    if a.shape != q.shape:
        raise ValueError(f"{op_name}: A has shape {a.shape} but Q has shape {q.shape}")


class SolveContinuousLyapunov(Op):
    """Solve the continuous Lyapunov equation ``A X + X A^H = Q`` for ``X``."""

    __props__ = ()

    def make_node(self, a: typing.Any, q: typing.Any) -> Apply:
        a, q, out = _lyapunov_inputs("solve_continuous_lyapunov", a, q)
        return Apply(self, [a, q], [out])

    def perform(self, node, inputs, output_storage, params=None):
        a, q = inputs
        _check_lyapunov_values("solve_continuous_lyapunov", a, q)
        x = _scipy_linalg().solve_continuous_lyapunov(a, q)
        output_storage[0][0] = _cast_out(x, node)

    def infer_shape(self, fgraph, node, input_shapes):
        return [input_shapes[0]]

    def L_op(self, inputs, outputs, output_gradients):
        missing = _complex_grads_missing(self, inputs)
        if missing:
            return missing
        a, q = inputs
        (x,) = outputs
        (gx,) = output_gradients
        # X = T^-1(Q) with T(X) = A X + X A^T, whose adjoint is
        # Y -> A^T Y + Y A: Q_bar = T^-T(X_bar), and from
        # T(dX) = -(dA X + X dA^T): A_bar = -(Q_bar X^T + Q_bar^T X).
        gq = self(a.T, gx)
        ga = -(_dot(gq, x.T) + _dot(gq.T, x))
        return [_input_grad(ga, a), _input_grad(gq, q)]

    def R_op(self, inputs, eval_points):
        a, q = inputs
        da, dq = eval_points
        if da is None and dq is None:
            return [None]
        x = self(a, q)
        rhs = None
        if da is not None:
            rhs = -(_dot(da, x) + _dot(x, da.T))
        if dq is not None:
            rhs = dq if rhs is None else rhs + dq
        return [self(a, rhs)]


class SolveDiscreteLyapunov(Op):
    """Solve the discrete Lyapunov equation ``A X A^H - X + Q = 0`` for ``X``.

    ``method`` is SciPy's: ``"direct"`` (a Kronecker-product linear system,
    for small matrices) or ``"bilinear"`` (a transformation to the continuous
    equation).
    """

    __props__ = ("method",)

    def __init__(self, method: str = "direct"):
        if method not in ("direct", "bilinear"):
            raise ValueError(
                "solve_discrete_lyapunov: method must be 'direct' or 'bilinear', "
                f"got {method!r}"
            )
        self.method = method

    def make_node(self, a: typing.Any, q: typing.Any) -> Apply:
        a, q, out = _lyapunov_inputs("solve_discrete_lyapunov", a, q)
        return Apply(self, [a, q], [out])

    def perform(self, node, inputs, output_storage, params=None):
        a, q = inputs
        _check_lyapunov_values("solve_discrete_lyapunov", a, q)
        x = _scipy_linalg().solve_discrete_lyapunov(a, q, method=self.method)
        output_storage[0][0] = _cast_out(x, node)

    def infer_shape(self, fgraph, node, input_shapes):
        return [input_shapes[0]]

    def L_op(self, inputs, outputs, output_gradients):
        missing = _complex_grads_missing(self, inputs)
        if missing:
            return missing
        a, q = inputs
        (x,) = outputs
        (gx,) = output_gradients
        # X = T^-1(Q) with T(X) = X - A X A^T, whose adjoint is
        # Y -> Y - A^T Y A: Q_bar = T^-T(X_bar), and from
        # T(dX) = dA X A^T + A X dA^T: A_bar = Q_bar A X^T + Q_bar^T A X.
        gq = self(a.T, gx)
        ga = _dot(_dot(gq, a), x.T) + _dot(_dot(gq.T, a), x)
        return [_input_grad(ga, a), _input_grad(gq, q)]

    def R_op(self, inputs, eval_points):
        a, q = inputs
        da, dq = eval_points
        if da is None and dq is None:
            return [None]
        x = self(a, q)
        rhs = None
        if da is not None:
            term = _dot(_dot(da, x), a.T)
            rhs = term + _dot(_dot(a, x), da.T)
        if dq is not None:
            rhs = dq if rhs is None else rhs + dq
        return [self(a, rhs)]


def solve_continuous_lyapunov(a: typing.Any, q: typing.Any) -> Variable:
    """Solve ``a X + X a^H = q`` for ``X``.

    Parameters
    ----------
    a, q
        Square matrices of one size.

    Returns
    -------
    Variable
        ``X``, of ``q``'s shape.
    """
    return SolveContinuousLyapunov()(a, q)


def solve_discrete_lyapunov(
    a: typing.Any, q: typing.Any, method: str = "direct"
) -> Variable:
    """Solve ``a X a^H - X + q = 0`` for ``X``.

    Parameters
    ----------
    a, q
        Square matrices of one size.
    method
        ``"direct"`` (a Kronecker-product linear system of size ``n**2``,
        for small matrices) or ``"bilinear"``.

    Returns
    -------
    Variable
        ``X``, of ``q``'s shape.
    """
    return SolveDiscreteLyapunov(method)(a, q)


def __getattr__(name: str) -> typing.Any:
    return _lazy_scipy_attribute(__name__, name)
