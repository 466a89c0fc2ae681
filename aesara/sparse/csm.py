"""Compressed sparse matrices from and to their buffers.

A csr (csc) matrix is four arrays: ``data`` (the stored values), ``indices``
(the column (row) of each value), ``indptr`` (where each row (column) starts
in ``data``) and ``shape``. :class:`CSM` builds a matrix from them and
:class:`CSMProperties` reads them out; the two are each other's gradient,
which is how most sparse gradients flow back to ``data``.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from aesara.gradient import DisconnectedType
from aesara.graph.basic import Apply, Variable
from aesara.graph.op import Op
from aesara.sparse.type import SparseTensorType
from aesara.tensor.type import TensorType, discrete_dtypes

__all__ = [
    "CSC",
    "CSM",
    "CSMGrad",
    "CSMProperties",
    "CSR",
    "csm_data",
    "csm_grad",
    "csm_indices",
    "csm_indptr",
    "csm_properties",
    "csm_shape",
    "sp_ones_like",
    "sp_zeros_like",
]

_IVECTOR = TensorType("int32", (None,))


def _as_sparse(x: Any):
    from aesara.sparse.basic import as_sparse_variable

    return as_sparse_variable(x)


def _int32_vector_input(value: Any, what: str):
    """A symbolic integer vector for ``value`` (constants become int32)."""
    from aesara.tensor.basic import as_tensor_variable

    if not isinstance(value, Variable):
        arr = np.asarray(value)
        if arr.dtype.kind not in "iu":
            raise TypeError(f"CSM: {what} must hold integers, got dtype {arr.dtype}")
        as32 = arr.astype("int32")
        if not np.array_equal(as32, arr):
            raise ValueError(f"CSM: {what} does not fit in int32")
        value = as32
    var = as_tensor_variable(value)
    if var.type.ndim != 1 or var.type.dtype not in discrete_dtypes:
        raise TypeError(
            f"CSM: {what} must be a vector of integers, got {var.type} ({var})"
        )
    return var


class CSMProperties(Op):
    """Read the ``(data, indices, indptr, shape)`` buffers of a csr/csc matrix.

    ``data`` keeps the matrix's dtype and is a view of its storage; the other
    three are int32 vectors. The gradient is regular (not structured): the
    gradient of ``data`` is scattered back into a matrix of the same pattern.
    """

    __props__ = ()
    view_map = {0: [0]}

    def __init__(self, kmap=None):
        if kmap is not None:
            raise ValueError("CSMProperties: the `kmap` argument has been removed")

    def make_node(self, csm):
        csm = _as_sparse(csm)
        if csm.type.format not in ("csr", "csc"):
            raise TypeError(
                f"CSMProperties needs a csr or csc matrix, got format {csm.type.format!r}"
            )
        data = TensorType(csm.type.dtype, (None,))()
        return Apply(self, [csm], [data, _IVECTOR(), _IVECTOR(), _IVECTOR()])

    def perform(self, node, inputs, outputs):
        (csm,) = inputs
        outputs[0][0] = csm.data
        outputs[1][0] = np.asarray(csm.indices, dtype="int32")
        outputs[2][0] = np.asarray(csm.indptr, dtype="int32")
        outputs[3][0] = np.asarray(csm.shape, dtype="int32")

    def L_op(self, inputs, outputs, grads):
        (csm,) = inputs
        g_data = grads[0]
        if isinstance(g_data.type, DisconnectedType):
            return [sp_zeros_like(csm)]
        _, indices, indptr, shape = csm_properties(csm)
        return [CSM(csm.type.format)(g_data, indices, indptr, shape)]


# One instance, so that rewrites can match it by identity as well as by equality.
csm_properties = CSMProperties()


def csm_data(csm):
    """The stored values of a csr/csc matrix (a view)."""
    return csm_properties(csm)[0]


def csm_indices(csm):
    """The column (csr) or row (csc) index of every stored value, as int32."""
    return csm_properties(csm)[1]


def csm_indptr(csm):
    """Where each row (csr) or column (csc) starts in ``data``, as int32."""
    return csm_properties(csm)[2]


def csm_shape(csm):
    """The shape of a csr/csc matrix, as an int32 vector."""
    return csm_properties(csm)[3]


class CSM(Op):
    """Build a csr or csc matrix from its ``data``, ``indices``, ``indptr`` and ``shape``.

    The output's values are a view of ``data``. Only ``data`` is
    differentiable; its gradient is the output gradient read at the stored
    positions (:class:`CSMGrad`).
    """

    __props__ = ("format",)

    def __init__(self, format: str, kmap=None):
        if format not in ("csr", "csc"):
            raise ValueError(f"CSM format must be 'csr' or 'csc', got {format!r}")
        if kmap is not None:
            raise ValueError("CSM: the `kmap` argument has been removed")
        self.format = format
        self.view_map = {0: [0]}

    def make_node(self, data, indices, indptr, shape):
        from aesara.tensor.basic import as_tensor_variable

        data = as_tensor_variable(data)
        if data.type.ndim != 1:
            raise TypeError(
                f"CSM: data must be a vector, got {data.type.ndim} dimensions ({data.type})"
            )
        indices = _int32_vector_input(indices, "indices")
        indptr = _int32_vector_input(indptr, "indptr")
        shape = _int32_vector_input(shape, "shape")
        out = SparseTensorType(self.format, data.type.dtype)()
        return Apply(self, [data, indices, indptr, shape], [out])

    def perform(self, node, inputs, outputs):
        data, indices, indptr, shape = inputs
        if len(shape) != 2:
            raise ValueError(f"CSM: shape must have 2 entries, got {len(shape)}")
        if data.shape != indices.shape:
            raise ValueError(
                f"CSM: data ({data.shape[0]} values) and indices "
                f"({indices.shape[0]} entries) must have the same length"
            )
        cls = SparseTensorType.format_cls[self.format]
        outputs[0][0] = cls(
            (data, indices.copy(), indptr.copy()),
            shape=(int(shape[0]), int(shape[1])),
            copy=False,
        )

    def connection_pattern(self, node):
        return [[True], [False], [False], [False]]

    def L_op(self, inputs, outputs, grads):
        x_data, x_indices, x_indptr, x_shape = inputs
        (g_out,) = grads
        g_data, g_indices, g_indptr, g_shape = csm_properties(g_out)
        return [
            CSMGrad()(
                x_data,
                x_indices,
                x_indptr,
                x_shape,
                g_data,
                g_indices,
                g_indptr,
                g_shape,
            ),
            DisconnectedType()(),
            DisconnectedType()(),
            DisconnectedType()(),
        ]

    def infer_shape(self, fgraph, node, shapes):
        shape = node.inputs[3]
        return [(shape[0], shape[1])]


CSC = CSM("csc")
CSR = CSM("csr")


class CSMGrad(Op):
    """The gradient of :class:`CSM` with respect to ``data``.

    For every stored position of the input matrix (duplicates included), the
    value of the gradient matrix at that position (zero where the gradient
    stores nothing). Both matrices are given by their buffers and have the
    same format. Vectorised: positions are matched by sorting, not by loops.
    """

    __props__ = ()

    def __init__(self, kmap=None):
        if kmap is not None:
            raise ValueError("CSMGrad: the `kmap` argument has been removed")

    def make_node(
        self, x_data, x_indices, x_indptr, x_shape, g_data, g_indices, g_indptr, g_shape
    ):
        inputs = [
            x_data,
            x_indices,
            x_indptr,
            x_shape,
            g_data,
            g_indices,
            g_indptr,
            g_shape,
        ]
        return Apply(self, inputs, [g_data.type()])

    @staticmethod
    def _keys(indices, indptr, minor_size):
        n_major = len(indptr) - 1
        major = np.repeat(np.arange(n_major, dtype=np.int64), np.diff(indptr))
        return major * max(int(minor_size), 1) + indices.astype(np.int64)

    def perform(self, node, inputs, outputs):
        x_data, x_indices, x_indptr, x_shape, g_data, g_indices, g_indptr, _ = inputs
        # The compressed (major) axis is the one indptr runs over.
        minor = x_shape[1] if len(x_indptr) - 1 == x_shape[0] else x_shape[0]
        out = np.zeros(x_data.shape, dtype=node.outputs[0].dtype)
        if len(x_data) and len(g_data):
            g_keys = self._keys(g_indices, g_indptr, minor)
            # Sum duplicate gradient entries, then look every x position up.
            uniq, inverse = np.unique(g_keys, return_inverse=True)
            sums = np.zeros(len(uniq), dtype=out.dtype)
            np.add.at(sums, inverse, g_data)
            x_keys = self._keys(x_indices, x_indptr, minor)
            pos = np.searchsorted(uniq, x_keys)
            pos_c = np.minimum(pos, len(uniq) - 1)
            hit = uniq[pos_c] == x_keys
            out[hit] = sums[pos_c[hit]]
        outputs[0][0] = out

    def infer_shape(self, fgraph, node, shapes):
        return [shapes[0]]


# Aesara exposes the class under this lower-case name.
csm_grad = CSMGrad


def sp_ones_like(x):
    """A sparse matrix with the pattern of ``x`` and ones as its stored values."""
    from aesara.tensor.basic import ones_like

    x = _as_sparse(x)
    data, indices, indptr, shape = csm_properties(x)
    return CSM(x.type.format)(ones_like(data), indices, indptr, shape)


def sp_zeros_like(x):
    """A sparse matrix shaped like ``x`` that stores nothing."""
    from aesara.tensor.basic import zeros_like

    x = _as_sparse(x)
    _, _, indptr, shape = csm_properties(x)
    return CSM(x.type.format)(
        np.array([], dtype=x.type.dtype),
        np.array([], dtype="int32"),
        zeros_like(indptr),
        shape,
    )
