"""Conversions: sparse to dense, dense to sparse, and dtype casts of sparse matrices."""

from __future__ import annotations

import numpy as np
import scipy.sparse

from aesara.graph.basic import Apply
from aesara.graph.op import Op
from aesara.sparse.type import SparseTensorType
from aesara.tensor.type import TensorType, complex_dtypes, discrete_dtypes

__all__ = [
    "Cast",
    "DenseFromSparse",
    "SparseFromDense",
    "bcast",
    "cast",
    "ccast",
    "csc_from_dense",
    "csr_from_dense",
    "dcast",
    "dense_from_sparse",
    "fcast",
    "icast",
    "lcast",
    "wcast",
    "zcast",
]


def _as_sparse(x):
    from aesara.sparse.basic import as_sparse_variable

    return as_sparse_variable(x)


class Cast(Op):
    """Cast a csr/csc matrix to another dtype (regular gradient)."""

    __props__ = ("out_type",)

    def __init__(self, out_type: str):
        self.out_type = np.dtype(out_type).name

    def make_node(self, x):
        x = _as_sparse(x)
        if x.type.format not in ("csr", "csc"):
            raise TypeError(
                f"sparse Cast needs a csr or csc matrix, got format {x.type.format!r}"
            )
        out = SparseTensorType(x.type.format, self.out_type, shape=x.type.shape)()
        return Apply(self, [x], [out])

    def perform(self, node, inputs, outputs):
        outputs[0][0] = inputs[0].astype(self.out_type)

    def L_op(self, inputs, outputs, grads):
        (x,) = inputs
        (gz,) = grads
        if gz.type.dtype in complex_dtypes or x.type.dtype in complex_dtypes:
            raise NotImplementedError(
                "the gradient of a sparse cast from or to a complex dtype is not implemented"
            )
        if x.type.dtype in discrete_dtypes:
            # Integer inputs have no gradient; report zeros of a float type.
            from aesara.configdefaults import config
            from aesara.sparse.csm import sp_zeros_like

            return [Cast(config.floatX)(sp_zeros_like(x))]
        if gz.type.dtype in discrete_dtypes:
            from aesara.sparse.csm import sp_zeros_like

            return [sp_zeros_like(x)]
        return [Cast(x.type.dtype)(gz)]

    def infer_shape(self, fgraph, node, shapes):
        return shapes

    def __str__(self):
        return f"{type(self).__name__}({self.out_type})"


bcast = Cast("int8")
wcast = Cast("int16")
icast = Cast("int32")
lcast = Cast("int64")
fcast = Cast("float32")
dcast = Cast("float64")
ccast = Cast("complex64")
zcast = Cast("complex128")


def cast(variable, dtype):
    """Cast the sparse matrix ``variable`` to ``dtype``."""
    return Cast(dtype)(variable)


class DenseFromSparse(Op):
    """The dense ndarray of a sparse matrix.

    Parameters
    ----------
    structured
        Whether the gradient is structured (only the stored positions of the
        input receive gradient; the default) or regular (a sparse matrix of
        the whole dense gradient).
    """

    __props__ = ("sparse_grad",)

    def __init__(self, structured: bool = True):
        self.sparse_grad = bool(structured)

    def __str__(self):
        return f"{type(self).__name__}{{structured_grad={self.sparse_grad}}}"

    def __call__(self, x, **kwargs):
        # Already dense: nothing to do (Aesara's behaviour).
        if not isinstance(getattr(x, "type", None), SparseTensorType) and hasattr(
            x, "type"
        ):
            return x
        return super().__call__(x, **kwargs)

    def make_node(self, x):
        x = _as_sparse(x)
        out = TensorType(x.type.dtype, shape=x.type.shape)()
        return Apply(self, [x], [out])

    def perform(self, node, inputs, outputs):
        (x,) = inputs
        outputs[0][0] = x.toarray() if scipy.sparse.issparse(x) else np.asarray(x)

    def L_op(self, inputs, outputs, grads):
        from aesara.sparse.csm import sp_ones_like

        (x,) = inputs
        (gz,) = grads
        if self.sparse_grad:
            from aesara.sparse.basic import mul

            ones = sp_ones_like(x)
            dtype = np.promote_types(ones.type.dtype, gz.type.dtype).name
            if ones.type.dtype != dtype:
                ones = cast(ones, dtype)
            if gz.type.dtype != dtype:
                gz = gz.astype(dtype)
            return [mul(ones, gz)]
        return [SparseFromDense(x.type.format)(gz)]

    def infer_shape(self, fgraph, node, shapes):
        return [shapes[0]]


dense_from_sparse = DenseFromSparse()


class SparseFromDense(Op):
    """A csr or csc matrix holding the non-zero entries of a dense matrix.

    0-d and 1-d inputs are treated as a 1x1 matrix and a row; more than two
    dimensions is an error.
    """

    __props__ = ("format",)

    def __init__(self, format: str):
        if format not in ("csr", "csc"):
            raise ValueError(
                f"SparseFromDense format must be csr or csc, got {format!r}"
            )
        self.format = format

    def __str__(self):
        return f"{type(self).__name__}{{{self.format}}}"

    def __call__(self, x, **kwargs):
        if isinstance(getattr(x, "type", None), SparseTensorType):
            return x
        return super().__call__(x, **kwargs)

    def make_node(self, x):
        from aesara.tensor.basic import as_tensor_variable

        x = as_tensor_variable(x)
        if x.type.ndim > 2:
            raise TypeError(
                f"sparse matrices have 2 dimensions; cannot make one from {x} with "
                f"{x.type.ndim} dimensions"
            )
        if x.type.ndim == 1:
            x = x.dimshuffle("x", 0)
        elif x.type.ndim == 0:
            x = x.dimshuffle("x", "x")
        if x.type.dtype not in SparseTensorType.dtype_specs_map:
            raise TypeError(
                f"sparse matrices cannot hold dtype {x.type.dtype} "
                f"(supported: {', '.join(SparseTensorType.dtype_specs_map)})"
            )
        out = SparseTensorType(self.format, x.type.dtype, shape=x.type.shape)()
        return Apply(self, [x], [out])

    def perform(self, node, inputs, outputs):
        outputs[0][0] = SparseTensorType.format_cls[self.format](inputs[0])

    def L_op(self, inputs, outputs, grads):
        (x,) = inputs
        (gz,) = grads
        gx = dense_from_sparse(gz)
        if gx.type.dtype != x.type.dtype and x.type.dtype not in discrete_dtypes:
            gx = gx.astype(x.type.dtype)
        return [gx]

    def infer_shape(self, fgraph, node, shapes):
        return [node.inputs[0].shape]


csr_from_dense = SparseFromDense("csr")
csc_from_dense = SparseFromDense("csc")
