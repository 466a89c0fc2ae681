"""Matrix products with sparse operands: true, structured and sampled products, usmm.

- :class:`TrueDot` (:func:`true_dot`): a product with a sparse result
  (regular gradient).
- :class:`StructuredDot` (:func:`structured_dot`): sparse times dense (or
  sparse); the gradient with respect to the sparse operand is structured,
  computed by :class:`StructuredDotGradCSR` / :class:`StructuredDotGradCSC`.
- :class:`SamplingDot` (:func:`sampling_dot`): ``p * (x @ y.T)`` computed at
  the stored positions of ``p`` only.
- :class:`Dot` (:func:`dot`): the product of any sparse/dense combination,
  dense vectors included, with a dense result (regular gradient).
- :class:`Usmm` (:func:`usmm`): ``z + alpha * x @ y``.

The forward products run on SciPy's compiled kernels. The structured
gradient and the sampling dot need the entries of a dense-dense product at a
sparse pattern, which SciPy has no kernel for; they call
:func:`aesara.link.c.sparse_runtime.sampled_rowdot` (a small compiled kernel,
NumPy in bounded chunks without a compiler).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import scipy.sparse

from aesara.graph.basic import Apply, Variable
from aesara.graph.op import Op
from aesara.scalar.basic import upcast
from aesara.sparse.type import SparseTensorType
from aesara.tensor.type import tensor

__all__ = [
    "Dot",
    "SamplingDot",
    "StructuredDot",
    "StructuredDotGradCSC",
    "StructuredDotGradCSR",
    "TrueDot",
    "Usmm",
    "_dot",
    "_structured_dot",
    "dot",
    "sampling_dot",
    "sdg_csc",
    "sdg_csr",
    "structured_dot",
    "structured_dot_grad",
    "true_dot",
    "usmm",
]


def _is_sparse_var(x: Any) -> bool:
    return isinstance(getattr(x, "type", None), SparseTensorType)


def _as_sparse(x: Any, op: str, what: str) -> Variable:
    from aesara.sparse.basic import as_sparse_variable

    try:
        return as_sparse_variable(x)
    except TypeError as e:
        raise TypeError(f"{op}: {what} must be a sparse matrix ({e})") from None


def _as_sparse_or_dense(x: Any) -> Variable:
    """Sparse values and variables stay sparse; anything else becomes a tensor."""
    if scipy.sparse.issparse(x) or _is_sparse_var(x):
        from aesara.sparse.basic import as_sparse_variable

        return as_sparse_variable(x)
    from aesara.tensor.basic import as_tensor_variable

    return as_tensor_variable(x)


def _check_csx(x: Variable, op: str, what: str) -> None:
    if x.type.format not in ("csr", "csc"):
        raise NotImplementedError(
            f"{op}: {what} must be a csr or csc matrix, got format {x.type.format!r}"
        )


def _transpose(x: Variable) -> Variable:
    if _is_sparse_var(x):
        from aesara.sparse.structure import transpose

        return transpose(x)
    return x.T


def _dense_array(x: Any) -> np.ndarray:
    return x.toarray() if scipy.sparse.issparse(x) else np.asarray(x)


def _with_format(m: Any, fmt: str, dtype: str):
    """``m`` as a SciPy matrix of ``fmt`` and ``dtype`` (no copy when it already is)."""
    if not scipy.sparse.issparse(m):
        m = SparseTensorType.format_cls[fmt](np.asarray(m))
    if m.format != fmt:
        m = m.asformat(fmt)
    if not isinstance(m, scipy.sparse.spmatrix):  # a sparse array: the matrix class
        m = SparseTensorType.format_cls[fmt](m)
    if m.dtype != dtype:
        m = m.astype(dtype)
    return m


def _check_product_shapes(op: str, a_shape, b_shape) -> None:
    inner_a = a_shape[-1]
    inner_b = b_shape[0] if len(b_shape) == 2 else b_shape[-1]
    if inner_a != inner_b:
        raise ValueError(
            f"{op}: shape mismatch, cannot multiply {tuple(a_shape)} by {tuple(b_shape)}"
        )


class TrueDot(Op):
    """The product of a sparse matrix and a sparse or dense matrix, as a sparse matrix.

    Parameters
    ----------
    grad_preserves_dense
        When the right operand is dense, make its gradient dense (default)
        rather than sparse. Not part of the op's identity: nodes differing
        only by it are merged.

    Notes
    -----
    The gradient is regular (not structured).
    """

    # grad_preserves_dense changes only the gradient graph, not the values.
    __props__ = ()

    def __init__(self, grad_preserves_dense: bool = True):
        self.grad_preserves_dense = grad_preserves_dense

    def make_node(self, x, y):
        if not _is_sparse_var(x) and not scipy.sparse.issparse(x):
            raise TypeError(f"TrueDot: the left operand must be sparse, got {x!r}")
        x = _as_sparse(x, "TrueDot", "x")
        y = _as_sparse_or_dense(y)
        if x.type.dtype != y.type.dtype:
            raise NotImplementedError(
                f"TrueDot needs operands of one dtype, got {x.type.dtype} and "
                f"{y.type.dtype}"
            )
        _check_csx(x, "TrueDot", "x")
        if y.type.ndim != 2:
            raise TypeError(
                f"TrueDot: y must be a matrix, got {y.type.ndim} dimensions"
            )
        out = SparseTensorType(x.type.format, x.type.dtype)()
        return Apply(self, [x, y], [out])

    def perform(self, node, inputs, outputs):
        x, y = inputs
        _check_product_shapes("TrueDot", x.shape, y.shape)
        out = node.outputs[0].type
        outputs[0][0] = _with_format(x @ y, out.format, out.dtype)

    def L_op(self, inputs, outputs, grads):
        from aesara.sparse.conversion import dense_from_sparse

        x, y = inputs
        (gz,) = grads
        gx = true_dot(gz, _transpose(y))
        gy = true_dot(_transpose(x), gz)
        if not _is_sparse_var(y) and self.grad_preserves_dense:
            gy = dense_from_sparse(gy)
        return [gx, gy]

    def infer_shape(self, fgraph, node, shapes):
        return [(shapes[0][0], shapes[1][1])]


def true_dot(x, y, grad_preserves_dense: bool = True):
    """The product ``x @ y`` as a sparse matrix; at least one operand is sparse.

    Parameters
    ----------
    x, y
        Matrices (csr/csc sparse or dense), of one dtype.
    grad_preserves_dense
        Give a dense operand a dense gradient (default) instead of a sparse one.

    Notes
    -----
    The gradient is regular. A dense left operand is handled as
    ``(y.T @ x.T).T``.
    """
    if scipy.sparse.issparse(x):
        x = _as_sparse(x, "true_dot", "x")
    if scipy.sparse.issparse(y):
        y = _as_sparse(y, "true_dot", "y")
    if _is_sparse_var(x):
        return TrueDot(grad_preserves_dense)(x, y)
    if _is_sparse_var(y):
        return _transpose(
            TrueDot(grad_preserves_dense)(
                _transpose(y), _transpose(_as_sparse_or_dense(x))
            )
        )
    raise TypeError("true_dot needs at least one sparse operand")


class StructuredDot(Op):
    """``a @ b`` for a sparse ``a`` and a dense (or sparse) matrix ``b``.

    The result is dense when ``b`` is dense and sparse (``a``'s format) when
    ``b`` is sparse. The gradient with respect to ``a`` is structured: only
    its stored entries receive gradient.
    """

    __props__ = ()

    def make_node(self, a, b):
        a = _as_sparse(a, "StructuredDot", "a")
        if a.type.format not in ("csr", "csc", "bsr"):
            raise NotImplementedError(
                f"StructuredDot: unsupported format {a.type.format!r}"
            )
        b = _as_sparse_or_dense(b)
        if b.type.ndim != 2:
            raise NotImplementedError(
                f"StructuredDot: non-matrix b ({b.type.ndim} dimensions)"
            )
        dtype_out = upcast(a.type.dtype, b.type.dtype)
        if _is_sparse_var(b):
            return Apply(self, [a, b], [SparseTensorType(a.type.format, dtype_out)()])
        shape = (None, 1 if b.type.shape[1] == 1 else None)
        return Apply(self, [a, b], [tensor(dtype=dtype_out, shape=shape)])

    def perform(self, node, inputs, outputs):
        a, b = inputs
        if a.shape[1] != b.shape[0]:
            raise ValueError(
                f"shape mismatch in StructuredDot.perform: {a.shape} @ {b.shape}"
            )
        out = node.outputs[0].type
        res = a @ b
        if isinstance(out, SparseTensorType):
            outputs[0][0] = _with_format(res, out.format, out.dtype)
        else:
            outputs[0][0] = np.asarray(_dense_array(res), dtype=out.dtype)

    def L_op(self, inputs, outputs, grads):
        a, b = inputs
        (g_out,) = grads
        ga = structured_dot_grad(a, b, g_out)
        if _is_sparse_var(b) and b.type.format == a.type.format:
            # a.T @ g has a.T's format, the other one; computed as
            # (g.T @ a).T it has b's, so the gradient matches b's layout
            # (what CSM's gradient expects when b is built from buffers).
            gb = _transpose(structured_dot(_transpose(g_out), a))
        else:
            gb = structured_dot(_transpose(a), g_out)
        return [ga, gb]

    def infer_shape(self, fgraph, node, shapes):
        return [(shapes[0][0], shapes[1][1])]


_structured_dot = StructuredDot()


def structured_dot(x, y):
    """``x @ y`` with a structured gradient for the sparse operand.

    Parameters
    ----------
    x, y
        Matrices; at least one is sparse (csr/csc). When only ``y`` is
        sparse the product is computed as ``(y.T @ x.T).T``.

    Returns
    -------
    Variable
        Dense when one operand is dense, sparse when both are sparse.

    Raises
    ------
    TypeError
        When neither operand is sparse.
    """
    if scipy.sparse.issparse(x):
        x = _as_sparse(x, "structured_dot", "x")
        _check_csx(x, "structured_dot", "x")
    if scipy.sparse.issparse(y):
        y = _as_sparse(y, "structured_dot", "y")
        _check_csx(y, "structured_dot", "y")
    if _is_sparse_var(x):
        return _structured_dot(x, y)
    if _is_sparse_var(y):
        return _transpose(
            _structured_dot(_transpose(y), _transpose(_as_sparse_or_dense(x)))
        )
    raise TypeError("structured_dot requires at least one sparse argument")


class _StructuredDotGrad(Op):
    """Shared part of the structured-dot gradients (see the subclasses)."""

    __props__ = ()
    # Which operand's rows a stored entry's major index selects: csr's major
    # index is the row i (selecting g_ab[i]), csc's the column j (b[j]).
    _major_is_g = True

    def make_node(self, a_indices, a_indptr, b, g_ab):
        from aesara.tensor.basic import as_tensor_variable

        name = type(self).__name__
        a_indices = as_tensor_variable(a_indices)
        a_indptr = as_tensor_variable(a_indptr)
        for what, v in (("a_indices", a_indices), ("a_indptr", a_indptr)):
            if v.type.ndim != 1 or v.type.dtype not in ("int32", "int64"):
                raise TypeError(
                    f"{name}: {what} must be a vector of int32/int64, got {v.type}"
                )
        b = _as_sparse_or_dense(b)
        g_ab = _as_sparse_or_dense(g_ab)
        for what, v in (("b", b), ("g_ab", g_ab)):
            if v.type.ndim != 2:
                raise TypeError(f"{name}: {what} must be a matrix, got {v.type}")
        return Apply(
            self,
            [a_indices, a_indptr, b, g_ab],
            [tensor(dtype=self._out_dtype(b, g_ab), shape=(None,))],
        )

    def _out_dtype(self, b, g_ab) -> str:
        raise NotImplementedError

    def perform(self, node, inputs, outputs):
        from aesara.link.c.sparse_runtime import sampled_rowdot

        a_indices, a_indptr, b, g_ab = inputs
        b = _dense_array(b)
        g_ab = _dense_array(g_ab)
        if b.shape[1] != g_ab.shape[1]:
            raise ValueError(
                f"{type(self).__name__}: b has {b.shape[1]} columns but the output "
                f"gradient has {g_ab.shape[1]}"
            )
        major, minor = (g_ab, b) if self._major_is_g else (b, g_ab)
        outputs[0][0] = sampled_rowdot(
            a_indptr, a_indices, major, minor, dtype=node.outputs[0].type.dtype
        )

    def infer_shape(self, fgraph, node, shapes):
        return [shapes[0]]


class StructuredDotGradCSC(_StructuredDotGrad):
    """The stored-value gradient of ``a @ b`` for a csc ``a``.

    Inputs: ``a``'s indices and indptr, ``b`` and the output gradient
    ``g_ab``; output: ``g_ab[i] . b[j]`` for every stored ``(i, j)`` of ``a``,
    in ``a``'s storage order (dtype of ``g_ab``).
    """

    _major_is_g = False

    def _out_dtype(self, b, g_ab) -> str:
        return g_ab.type.dtype


class StructuredDotGradCSR(_StructuredDotGrad):
    """The stored-value gradient of ``a @ b`` for a csr ``a``.

    As :class:`StructuredDotGradCSC`; the output has ``b``'s dtype, as in
    Aesara.
    """

    _major_is_g = True

    def _out_dtype(self, b, g_ab) -> str:
        return b.type.dtype


sdg_csc = StructuredDotGradCSC()
sdg_csr = StructuredDotGradCSR()


def structured_dot_grad(sparse_A, dense_B, ga):
    """The structured gradient of ``sparse_A @ dense_B`` given the output gradient ``ga``.

    Returns a sparse matrix with ``sparse_A``'s pattern and format.

    Raises
    ------
    NotImplementedError
        For formats other than csr and csc.
    """
    from aesara.sparse.csm import CSM, csm_indices, csm_indptr, csm_shape

    fmt = sparse_A.type.format
    if fmt not in ("csr", "csc"):
        raise NotImplementedError(
            f"structured_dot_grad handles csr and csc matrices, got {fmt!r}"
        )
    sdg = sdg_csc if fmt == "csc" else sdg_csr
    indices, indptr = csm_indices(sparse_A), csm_indptr(sparse_A)
    g_data = sdg(indices, indptr, dense_B, ga)
    return CSM(fmt)(g_data, indices, indptr, csm_shape(sparse_A))


class SamplingDot(Op):
    """``p * (x @ y.T)``, computed at the stored positions of the sparse ``p`` only.

    ``x`` is ``m x k`` and ``y`` is ``n x k`` (note: not ``k x n``); ``p`` is
    an ``m x n`` csr/csc matrix whose values scale the sampled products. The
    result has ``p``'s pattern, format and dtype.

    Notes
    -----
    The gradient is regular with respect to ``x`` and ``y``; there is none
    with respect to ``p``.
    """

    __props__ = ()

    def make_node(self, x, y, p):
        from aesara.tensor.basic import as_tensor_variable

        for what, v in (("x", x), ("y", y)):
            if scipy.sparse.issparse(v) or _is_sparse_var(v):
                raise TypeError(
                    f"SamplingDot: {what} must be dense, got a sparse matrix"
                )
        x = as_tensor_variable(x)
        y = as_tensor_variable(y)
        for what, v in (("x", x), ("y", y)):
            if v.type.ndim != 2:
                raise TypeError(
                    f"SamplingDot: {what} must be a matrix, got {v.type.ndim} dimensions"
                )
        p = _as_sparse(p, "SamplingDot", "p")
        _check_csx(p, "SamplingDot", "p")
        return Apply(self, [x, y, p], [p.type()])

    def perform(self, node, inputs, outputs):
        from aesara.link.c.sparse_runtime import sampled_rowdot

        x, y, p = inputs
        if x.shape[1] != y.shape[1] or p.shape != (x.shape[0], y.shape[0]):
            raise ValueError(
                f"SamplingDot: shape mismatch, x {x.shape}, y {y.shape}, p {p.shape} "
                "(expected x m x k, y n x k, p m x n)"
            )
        major, minor = (x, y) if p.format == "csr" else (y, x)
        prods = sampled_rowdot(p.indptr, p.indices, major, minor)
        dtype = node.outputs[0].type.dtype
        data = np.asarray(p.data * prods, dtype=dtype)
        cls = SparseTensorType.format_cls[p.format]
        outputs[0][0] = cls(
            (data, p.indices.copy(), p.indptr.copy()), shape=p.shape, copy=False
        )

    def L_op(self, inputs, outputs, grads):
        from aesara.gradient import grad_not_implemented
        from aesara.sparse.arithmetic import mul

        x, y, p = inputs
        (gz,) = grads
        pgz = mul(p, gz)
        return [dot(pgz, y), dot(_transpose(pgz), x), grad_not_implemented(self, 2, p)]

    def infer_shape(self, fgraph, node, shapes):
        return [shapes[2]]


sampling_dot = SamplingDot()


class Dot(Op):
    """The product of a sparse and a dense (or two sparse) operands, as a dense tensor.

    Either operand may be sparse; a dense operand may be a vector or a
    matrix (``numpy.dot`` rules). The gradient is regular.
    """

    __props__ = ()

    def __str__(self):
        return "Sparse" + type(self).__name__

    def make_node(self, x, y):
        x_sparse = _is_sparse_var(x) or scipy.sparse.issparse(x)
        y_sparse = _is_sparse_var(y) or scipy.sparse.issparse(y)
        if not x_sparse and not y_sparse:
            raise TypeError(
                "Sparse dot product should have at least one sparse variable as "
                f"inputs, but the inputs are {x} and {y}."
            )
        x = _as_sparse_or_dense(x)
        y = _as_sparse_or_dense(y)
        for i, v in enumerate((x, y)):
            if _is_sparse_var(v):
                _check_csx(v, "sparse Dot", f"input {i}")
            elif v.type.ndim not in (1, 2):
                raise TypeError(
                    f"Input {i} (0-indexed) must have ndim of 1 or 2, "
                    f"{v.type.ndim} given."
                )
        shape_x = (None, None) if x_sparse else x.type.shape
        shape_y = (None, None) if y_sparse else y.type.shape
        shape_out = shape_x[:-1] + (shape_y[1:] if len(shape_y) == 2 else ())
        dtype_out = upcast(x.type.dtype, y.type.dtype)
        return Apply(self, [x, y], [tensor(dtype=dtype_out, shape=shape_out)])

    def perform(self, node, inputs, outputs):
        x, y = inputs
        if not scipy.sparse.issparse(x) and not scipy.sparse.issparse(y):
            raise TypeError("sparse Dot: neither operand is a sparse matrix")
        _check_product_shapes("sparse Dot", np.shape(x), np.shape(y))
        res = x @ y
        outputs[0][0] = np.asarray(_dense_array(res), dtype=node.outputs[0].type.dtype)

    def L_op(self, inputs, outputs, grads):
        from aesara.tensor._products import dense_dot
        from aesara.tensor.math import outer

        x, y = inputs
        (gz,) = grads
        # gx = gz @ y.T, gy = x.T @ gz, with vectors as numpy.dot treats them.
        if y.type.ndim == 1:
            # x is sparse (2-d): the gradient is the outer product gz y^T.
            gx = outer(gz, y) if not _is_sparse_var(y) else None
        elif _is_sparse_var(y):
            gx = dot(gz, _transpose(y))
        else:
            gx = dense_dot(gz, y.T)
        if x.type.ndim == 1:
            gy = outer(x, gz)
        elif _is_sparse_var(x):
            gy = dot(_transpose(x), gz)
        else:
            gy = dense_dot(x.T, gz)
        return [gx, gy]

    def infer_shape(self, fgraph, node, shapes):
        xshp, yshp = shapes
        x, y = node.inputs
        if x.type.ndim == 2 and y.type.ndim == 2:
            return [(xshp[0], yshp[1])]
        if x.type.ndim == 1 and y.type.ndim == 2:
            return [(yshp[1],)]
        if x.type.ndim == 2 and y.type.ndim == 1:
            return [(xshp[0],)]
        return [()]


_dot = Dot()


def dot(x, y):
    """``x @ y`` where at least one operand is sparse; the result is dense.

    Parameters
    ----------
    x, y
        Sparse (csr/csc) matrices or dense vectors/matrices.

    Notes
    -----
    The gradient is regular (every entry of a sparse operand gets one).

    Raises
    ------
    TypeError
        When neither operand is sparse.
    """
    if scipy.sparse.issparse(x):
        x = _as_sparse(x, "dot", "x")
    if scipy.sparse.issparse(y):
        y = _as_sparse(y, "dot", "y")
    if not _is_sparse_var(x) and not _is_sparse_var(y):
        raise TypeError("sparse dot needs at least one sparse operand")
    return _dot(x, y)


class Usmm(Op):
    """``alpha * x @ y + z`` as a dense matrix, with ``x`` or ``y`` sparse.

    ``alpha`` is a scalar (any broadcastable tensor of single elements) and
    ``z`` a dense matrix.
    """

    __props__ = ()

    def __str__(self):
        return "Usmm{no_inplace}"

    def make_node(self, alpha, x, y, z):
        from aesara.tensor.basic import as_tensor_variable

        x_sparse = _is_sparse_var(x) or scipy.sparse.issparse(x)
        y_sparse = _is_sparse_var(y) or scipy.sparse.issparse(y)
        if not x_sparse and not y_sparse:
            # Dense products are Gemm's business.
            raise TypeError(
                f"Usmm needs a sparse x or y; got {x} and {y} (use gemm for dense)"
            )
        alpha = as_tensor_variable(alpha)
        z = as_tensor_variable(z)
        x = _as_sparse_or_dense(x)
        y = _as_sparse_or_dense(y)
        if z.type.ndim != 2:
            raise TypeError(f"Usmm: z must be a matrix, got {z.type.ndim} dimensions")
        if not all(s == 1 for s in alpha.type.shape):
            raise TypeError(f"Usmm: alpha must be a scalar, got {alpha.type}")
        for what, v in (("x", x), ("y", y)):
            if _is_sparse_var(v):
                _check_csx(v, "Usmm", what)
            elif v.type.ndim != 2:
                raise TypeError(
                    f"Usmm: {what} must be a matrix, got {v.type.ndim} dimensions"
                )
        dtype_out = upcast(alpha.type.dtype, x.type.dtype, y.type.dtype, z.type.dtype)
        return Apply(
            self, [alpha, x, y, z], [tensor(dtype=dtype_out, shape=(None, None))]
        )

    def perform(self, node, inputs, outputs):
        alpha, x, y, z = inputs
        _check_product_shapes("Usmm", np.shape(x), np.shape(y))
        dtype = node.outputs[0].type.dtype
        prod = np.asarray(_dense_array(x @ y), dtype=dtype)
        try:
            if np.broadcast_shapes(prod.shape, z.shape) != prod.shape:
                raise ValueError
        except ValueError:
            raise ValueError(
                f"Usmm: x @ y has shape {prod.shape} but z has shape {z.shape}"
            ) from None
        # prod is a fresh array of the output dtype: scale and add in place.
        prod *= np.asarray(alpha).reshape(())
        prod += z
        outputs[0][0] = prod

    def infer_shape(self, fgraph, node, shapes):
        return [(shapes[1][0], shapes[2][1])]


usmm = Usmm()


# Buffer-level forms used by the rewrites of :mod:`aesara.sparse.rewriting`
# (Aesara's C ops of the same names; here they run SciPy's and the runtime's
# kernels on the buffers). Not re-exported by :mod:`aesara.sparse.basic`.


def _int_vector(v: Any, op: str, what: str) -> Variable:
    from aesara.tensor.basic import as_tensor_variable

    v = as_tensor_variable(v)
    if v.type.ndim != 1 or v.type.dtype not in ("int32", "int64"):
        raise TypeError(f"{op}: {what} must be a vector of int32/int64, got {v.type}")
    return v


def _dense_matrix(v: Any, op: str, what: str) -> Variable:
    from aesara.tensor.basic import as_tensor_variable

    if scipy.sparse.issparse(v) or _is_sparse_var(v):
        raise TypeError(f"{op}: {what} must be dense, got a sparse matrix")
    v = as_tensor_variable(v)
    if v.type.ndim != 2:
        raise TypeError(f"{op}: {what} must be a matrix, got {v.type.ndim} dimensions")
    return v


class StructuredDotCSC(Op):
    """``a @ b`` for a csc ``a`` given as buffers ``(a_val, a_ind, a_ptr, a_nrows)``; dense ``b``.

    The result is dense; there is no gradient (the rewrite producing it runs
    after differentiation).
    """

    __props__ = ()

    def make_node(self, a_val, a_ind, a_ptr, a_nrows, b):
        from aesara.tensor.basic import as_tensor_variable

        name = type(self).__name__
        a_val = as_tensor_variable(a_val)
        if a_val.type.ndim != 1:
            raise TypeError(f"{name}: a_val must be a vector, got {a_val.type}")
        a_ind = _int_vector(a_ind, name, "a_ind")
        a_ptr = _int_vector(a_ptr, name, "a_ptr")
        a_nrows = as_tensor_variable(a_nrows)
        if a_nrows.type.ndim != 0 or a_nrows.type.dtype[:3] not in ("int", "uin"):
            raise TypeError(
                f"{name}: a_nrows must be an integer scalar, got {a_nrows.type}"
            )
        b = _dense_matrix(b, name, "b")
        dtype = upcast(a_val.type.dtype, b.type.dtype)
        shape = (None, 1 if b.type.shape[1] == 1 else None)
        return Apply(
            self, [a_val, a_ind, a_ptr, a_nrows, b], [tensor(dtype=dtype, shape=shape)]
        )

    def perform(self, node, inputs, outputs):
        a_val, a_ind, a_ptr, a_nrows, b = inputs
        if len(a_ptr) - 1 != b.shape[0]:
            raise ValueError(
                f"StructuredDotCSC: a has {len(a_ptr) - 1} columns but b has "
                f"{b.shape[0]} rows"
            )
        a = scipy.sparse.csc_matrix(
            (a_val, a_ind, a_ptr), shape=(int(a_nrows), b.shape[0])
        )
        outputs[0][0] = np.asarray(a @ b, dtype=node.outputs[0].type.dtype)

    def infer_shape(self, fgraph, node, shapes):
        return [(node.inputs[3], shapes[4][1])]


class StructuredDotCSR(Op):
    """``a @ b`` for a csr ``a`` given as buffers ``(a_val, a_ind, a_ptr)``; dense ``b``.

    ``a`` has ``len(a_ptr) - 1`` rows and ``b.shape[0]`` columns. No gradient.
    """

    __props__ = ()

    def make_node(self, a_val, a_ind, a_ptr, b):
        from aesara.tensor.basic import as_tensor_variable

        name = type(self).__name__
        a_val = as_tensor_variable(a_val)
        if a_val.type.ndim != 1:
            raise TypeError(f"{name}: a_val must be a vector, got {a_val.type}")
        a_ind = _int_vector(a_ind, name, "a_ind")
        a_ptr = _int_vector(a_ptr, name, "a_ptr")
        b = _dense_matrix(b, name, "b")
        dtype = upcast(a_val.type.dtype, b.type.dtype)
        shape = (None, 1 if b.type.shape[1] == 1 else None)
        return Apply(self, [a_val, a_ind, a_ptr, b], [tensor(dtype=dtype, shape=shape)])

    def perform(self, node, inputs, outputs):
        a_val, a_ind, a_ptr, b = inputs
        if len(a_ind) and a_ind.max() >= b.shape[0]:
            raise ValueError(
                f"StructuredDotCSR: a column index reaches {a_ind.max()} but b has "
                f"{b.shape[0]} rows"
            )
        a = scipy.sparse.csr_matrix(
            (a_val, a_ind, a_ptr), shape=(len(a_ptr) - 1, b.shape[0])
        )
        outputs[0][0] = np.asarray(a @ b, dtype=node.outputs[0].type.dtype)

    def infer_shape(self, fgraph, node, shapes):
        return [(shapes[2][0] - 1, shapes[3][1])]


sd_csc = StructuredDotCSC()
sd_csr = StructuredDotCSR()


class SamplingDotCSR(Op):
    """:class:`SamplingDot` on the buffers of a csr ``p``: ``(x, y, p_data, p_ind, p_ptr, p_ncols)``.

    Outputs the result's buffers ``(z_data, z_ind, z_ptr)``: ``p``'s pattern,
    ``z_data`` of the common dtype of ``x``, ``y`` and ``p_data``. No
    gradient.
    """

    __props__ = ()

    def make_node(self, x, y, p_data, p_ind, p_ptr, p_ncols):
        from aesara.tensor.basic import as_tensor_variable

        name = type(self).__name__
        x = _dense_matrix(x, name, "x")
        y = _dense_matrix(y, name, "y")
        p_data = as_tensor_variable(p_data)
        if p_data.type.ndim != 1:
            raise TypeError(f"{name}: p_data must be a vector, got {p_data.type}")
        p_ind = _int_vector(p_ind, name, "p_ind")
        p_ptr = _int_vector(p_ptr, name, "p_ptr")
        p_ncols = as_tensor_variable(p_ncols)
        dtype = upcast(x.type.dtype, y.type.dtype, p_data.type.dtype)
        return Apply(
            self,
            [x, y, p_data, p_ind, p_ptr, p_ncols],
            [
                tensor(dtype=dtype, shape=(None,)),
                tensor(dtype=p_ind.type.dtype, shape=(None,)),
                tensor(dtype=p_ptr.type.dtype, shape=(None,)),
            ],
        )

    def perform(self, node, inputs, outputs):
        from aesara.link.c.sparse_runtime import sampled_rowdot

        x, y, p_data, p_ind, p_ptr, p_ncols = inputs
        if (
            x.shape[1] != y.shape[1]
            or len(p_ptr) - 1 != x.shape[0]
            or y.shape[0] != p_ncols
        ):
            raise ValueError(
                f"SamplingDotCSR: shape mismatch, x {x.shape}, y {y.shape}, p "
                f"{len(p_ptr) - 1}x{int(p_ncols)}"
            )
        prods = sampled_rowdot(p_ptr, p_ind, x, y)
        dtype = node.outputs[0].type.dtype
        outputs[0][0] = np.asarray(p_data * prods, dtype=dtype)
        outputs[1][0] = p_ind.copy()
        outputs[2][0] = p_ptr.copy()

    def infer_shape(self, fgraph, node, shapes):
        return [shapes[2], shapes[3], shapes[4]]


sampling_dot_csr = SamplingDotCSR()
