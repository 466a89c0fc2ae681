"""SciPy csr/csc matrices in the Numba backend, and the sparse ops it runs natively.

A compiled graph receives and returns SciPy ``csr_matrix``/``csc_matrix``
values. Inside nopython code a matrix is a struct of its four buffers
(``data``, ``indices``, ``indptr`` and ``shape``), typed by
:class:`CSRMatrixType`/:class:`CSCMatrixType`; ``typeof``, boxing and
unboxing convert between the two, so a jitted function can take and return
SciPy matrices directly. Unboxing shares the buffers with the SciPy object
(no copy); boxing builds a new SciPy matrix around the buffers.

The translated ops are ``CSMProperties``, ``CSM``, ``DenseFromSparse``,
``SparseFromDense``, ``Transpose``, ``StructuredDot`` and ``Dot`` of a
sparse and a dense operand, ``MulSD``, ``AddSD``, ``SpSum``, ``Neg`` and
``Cast``. Other sparse ops (and the cases above with two sparse operands)
run their ``perform`` in object mode, like every untranslated op. ``bsr``
matrices have no Numba type: graphs holding them run on the Python linker.

The loops below are the nopython kernels; they follow SciPy's results
(duplicate entries are summed, unsorted indices are accepted).
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from functools import cache, wraps
from typing import Any

import numpy as np
import scipy.sparse
from numba.core import cgutils, types
from numba.core.imputils import impl_ret_borrowed
from numba.extending import (
    NativeValue,
    box,
    intrinsic,
    make_attribute_wrapper,
    models,
    overload,
    overload_attribute,
    overload_method,
    register_model,
    typeof_impl,
    unbox,
)
from numba.np.numpy_support import from_dtype

from aesara.link.numba.dispatch.basic import (
    NumbaTranslationMissing,
    numba_const_convert,
    numba_njit,
    numba_output_converter,
    numba_type,
)
from aesara.sparse.arithmetic import AddSD, MulSD, Neg
from aesara.sparse.conversion import Cast, DenseFromSparse, SparseFromDense
from aesara.sparse.csm import CSM, CSMProperties
from aesara.sparse.products import Dot, StructuredDot
from aesara.sparse.reduction import SpSum
from aesara.sparse.structure import Transpose
from aesara.sparse.type import SparseTensorType

__all__ = [
    "CSCMatrixType",
    "CSMatrixType",
    "CSRMatrixType",
    "sparse_numba_type",
]


# ---------------------------------------------------------------------------
# Types
# ---------------------------------------------------------------------------


class CSMatrixType(types.Type):
    """The Numba type of a compressed-sparse (csr or csc) matrix.

    Parameters
    ----------
    dtype
        The Numba scalar type of the stored values.
    index_dtype, indptr_dtype
        The Numba integer types of ``indices`` and ``indptr`` (SciPy uses
        int32, or int64 for very large matrices).

    The buffers are 1-d arrays of any layout; ``shape`` is a pair of
    ``intp``.
    """

    format: str = ""

    def __init__(
        self,
        dtype: types.Type,
        index_dtype: types.Type = types.int32,
        indptr_dtype: types.Type = types.int32,
    ):
        self.dtype = dtype
        self.index_dtype = index_dtype
        self.indptr_dtype = indptr_dtype
        self.data = types.Array(dtype, 1, "A")
        self.indices = types.Array(index_dtype, 1, "A")
        self.indptr = types.Array(indptr_dtype, 1, "A")
        self.shape = types.UniTuple(types.intp, 2)
        super().__init__(
            name=f"{self.format}_matrix({dtype}, {index_dtype}, {indptr_dtype})"
        )


class CSRMatrixType(CSMatrixType):
    """The Numba type of a SciPy ``csr_matrix``."""

    format = "csr"


class CSCMatrixType(CSMatrixType):
    """The Numba type of a SciPy ``csc_matrix``."""

    format = "csc"


_TYPE_CLASSES: dict[str, type[CSMatrixType]] = {
    "csr": CSRMatrixType,
    "csc": CSCMatrixType,
}


def sparse_numba_type(aesara_type: SparseTensorType, layout: str = "A") -> CSMatrixType:
    """The Numba type of the values of a csr/csc ``SparseTensorType``.

    The index buffers are taken to be int32 (the type of the matrices the
    object-mode fallback hands back). Other formats have no Numba type:
    :class:`TypeError`.
    """
    if aesara_type.format not in _TYPE_CLASSES:
        raise TypeError(
            f"The Numba backend has no representation for {aesara_type}: only "
            "csr and csc matrices are supported"
        )
    if aesara_type.dtype == "float16":
        raise TypeError(f"The Numba backend has no float16 type ({aesara_type})")
    dtype = from_dtype(np.dtype(aesara_type.dtype))
    return _TYPE_CLASSES[aesara_type.format](dtype)


numba_type.register(SparseTensorType, sparse_numba_type)


def _typeof_compressed(val: Any, fmt: str) -> CSMatrixType | None:
    try:
        dtype = from_dtype(val.data.dtype)
        index = from_dtype(val.indices.dtype)
        indptr = from_dtype(val.indptr.dtype)
    except Exception:  # a dtype Numba lacks (float16, object...)
        return None
    return _TYPE_CLASSES[fmt](dtype, index, indptr)


@typeof_impl.register(scipy.sparse.csr_matrix)
def _typeof_csr(val, c):
    return _typeof_compressed(val, "csr")


@typeof_impl.register(scipy.sparse.csc_matrix)
def _typeof_csc(val, c):
    return _typeof_compressed(val, "csc")


class _CSMatrixModel(models.StructModel):
    """The four buffers, in a struct (one reference count per array)."""

    def __init__(self, dmm, fe_type):
        members = [
            ("data", fe_type.data),
            ("indices", fe_type.indices),
            ("indptr", fe_type.indptr),
            ("shape", fe_type.shape),
        ]
        super().__init__(dmm, fe_type, members)


register_model(CSRMatrixType)(_CSMatrixModel)
register_model(CSCMatrixType)(_CSMatrixModel)

for _name in ("data", "indices", "indptr", "shape"):
    make_attribute_wrapper(CSRMatrixType, _name, _name)
    make_attribute_wrapper(CSCMatrixType, _name, _name)


# ---------------------------------------------------------------------------
# Boxing and unboxing
# ---------------------------------------------------------------------------


def _make_csr(data, indices, indptr, shape):
    return scipy.sparse.csr_matrix((data, indices, indptr), shape=shape, copy=False)


def _make_csc(data, indices, indptr, shape):
    return scipy.sparse.csc_matrix((data, indices, indptr), shape=shape, copy=False)


_MAKERS = {"csr": _make_csr, "csc": _make_csc}


def _unbox_compressed(typ, obj, c):
    struct = cgutils.create_struct_proxy(typ)(c.context, c.builder)
    failed = cgutils.alloca_once_value(c.builder, cgutils.false_bit)
    for name in ("data", "indices", "indptr", "shape"):
        attr = c.pyapi.object_getattr_string(obj, name)
        native = c.unbox(getattr(typ, name), attr)
        c.pyapi.decref(attr)
        setattr(struct, name, native.value)
        c.builder.store(c.builder.or_(c.builder.load(failed), native.is_error), failed)
    return NativeValue(struct._getvalue(), is_error=c.builder.load(failed))


def _box_compressed(typ, val, c):
    struct = cgutils.create_struct_proxy(typ)(c.context, c.builder, value=val)
    # Boxing each buffer consumes the native reference to it, so the struct
    # is consumed as a whole; the Python objects are ours until the call.
    parts = [
        c.box(getattr(typ, name), getattr(struct, name))
        for name in ("data", "indices", "indptr", "shape")
    ]
    maker = c.pyapi.unserialize(c.pyapi.serialize_object(_MAKERS[typ.format]))
    result = c.pyapi.call_function_objargs(maker, parts)
    c.pyapi.decref(maker)
    for part in parts:
        c.pyapi.decref(part)
    return result


for _cls in (CSRMatrixType, CSCMatrixType):
    unbox(_cls)(_unbox_compressed)
    box(_cls)(_box_compressed)


# ---------------------------------------------------------------------------
# Nopython API: attributes, methods and construction
# ---------------------------------------------------------------------------


@overload_attribute(CSMatrixType, "ndim")
def _overload_ndim(x):
    return lambda x: 2


@overload_attribute(CSMatrixType, "nnz")
def _overload_nnz(x):
    return lambda x: x.indptr[-1]


@overload(np.shape)
def _overload_np_shape(x):
    if isinstance(x, CSMatrixType):
        return lambda x: x.shape


def _constructor(fmt: str):
    """An intrinsic building a ``fmt`` matrix from ``(data, indices, indptr, shape)``."""
    cls = _TYPE_CLASSES[fmt]

    @intrinsic
    def build(typingctx, data, indices, indptr, shape):
        for arr in (data, indices, indptr):
            if not isinstance(arr, types.Array) or arr.ndim != 1:
                return None
        if not isinstance(shape, types.BaseTuple) or len(shape) != 2:
            return None
        out = cls(data.dtype, indices.dtype, indptr.dtype)
        sig = out(data, indices, indptr, shape)

        def codegen(context, builder, signature, args):
            struct = cgutils.create_struct_proxy(out)(context, builder)
            for name, value, fromty in zip(
                ("data", "indices", "indptr", "shape"), args, signature.args
            ):
                setattr(
                    struct,
                    name,
                    context.cast(builder, value, fromty, getattr(out, name)),
                )
            # The buffers are borrowed from the arguments: the new struct
            # holds its own references.
            return impl_ret_borrowed(context, builder, out, struct._getvalue())

        return sig, codegen

    return build


build_csr = _constructor("csr")
build_csc = _constructor("csc")
_BUILDERS = {"csr": build_csr, "csc": build_csc}
_OTHER = {"csr": "csc", "csc": "csr"}


@overload_method(CSRMatrixType, "copy")
def _overload_copy_csr(x):
    return lambda x: build_csr(
        x.data.copy(), x.indices.copy(), x.indptr.copy(), x.shape
    )


@overload_method(CSCMatrixType, "copy")
def _overload_copy_csc(x):
    return lambda x: build_csc(
        x.data.copy(), x.indices.copy(), x.indptr.copy(), x.shape
    )


# ---------------------------------------------------------------------------
# Values crossing the Python boundary
# ---------------------------------------------------------------------------


def _as_exact_matrix(value: Any, aesara_type: SparseTensorType):
    """``value`` as a SciPy matrix of the type's format and dtype, int32 indices.

    What the object-mode fallback hands to nopython code must match the
    declared Numba type exactly.
    """
    cls = SparseTensorType.format_cls[aesara_type.format]
    if not scipy.sparse.issparse(value):
        value = cls(np.asarray(value))
    if value.format != aesara_type.format or not isinstance(value, cls):
        value = cls(value.asformat(aesara_type.format))
    if value.dtype != aesara_type.dtype:
        value = value.astype(aesara_type.dtype)
    if value.indices.dtype != np.int32 or value.indptr.dtype != np.int32:
        if (
            value.nnz > np.iinfo(np.int32).max
            or max(value.shape) > np.iinfo(np.int32).max
        ):
            raise ValueError(
                f"the Numba backend's object-mode fallback needs int32 sparse "
                f"indices; this {value.format} matrix (shape {value.shape}, "
                f"{value.nnz} entries) is too large"
            )
        value = cls(
            (
                value.data,
                value.indices.astype(np.int32),
                value.indptr.astype(np.int32),
            ),
            shape=value.shape,
            copy=False,
        )
    return value


@numba_output_converter.register(SparseTensorType)
def _sparse_output_converter(aesara_type: SparseTensorType) -> Callable:
    return lambda value: _as_exact_matrix(value, aesara_type)


def _convert_sparse_constant(data, type=None, **kwargs):
    if isinstance(type, SparseTensorType) and type.format in _TYPE_CLASSES:
        return _as_exact_matrix(data, type)
    return data


numba_const_convert.register(scipy.sparse.csr_matrix, _convert_sparse_constant)
numba_const_convert.register(scipy.sparse.csc_matrix, _convert_sparse_constant)


# ---------------------------------------------------------------------------
# Kernels
# ---------------------------------------------------------------------------


def _scalar(dtype: str):
    """The NumPy scalar class of ``dtype`` (a constant in nopython code)."""
    return np.dtype(dtype).type


def _format_of(var) -> str:
    fmt = var.type.format
    if fmt not in _TYPE_CLASSES:
        raise NumbaTranslationMissing(f"no Numba type for {fmt} matrices")
    return fmt


@cache
def _spmm_kernel(fmt: str, out_dtype: str):
    """``a @ b`` for a ``fmt`` matrix given by its buffers and a dense 2-d ``b``."""
    t = _scalar(out_dtype)
    by_rows = fmt == "csr"

    @numba_njit
    def spmm(data, indices, indptr, m, k, b):
        if b.shape[0] != k:
            raise ValueError("shape mismatch in a sparse-dense matrix product")
        n = b.shape[1]
        out = np.zeros((m, n), dtype=t)
        n_major = m if by_rows else k
        for major in range(n_major):
            for p in range(indptr[major], indptr[major + 1]):
                v = t(data[p])
                if by_rows:
                    i = major
                    j = indices[p]
                else:
                    i = indices[p]
                    j = major
                for c in range(n):
                    out[i, c] += v * t(b[j, c])
        return out

    return spmm


@cache
def _todense_kernel(fmt: str, dtype: str):
    t = _scalar(dtype)
    by_rows = fmt == "csr"

    @numba_njit
    def todense(x):
        m, n = x.shape
        out = np.zeros((m, n), dtype=t)
        data, indices, indptr = x.data, x.indices, x.indptr
        n_major = m if by_rows else n
        for major in range(n_major):
            for p in range(indptr[major], indptr[major + 1]):
                # Duplicate entries add up, as in SciPy.
                if by_rows:
                    out[major, indices[p]] += data[p]
                else:
                    out[indices[p], major] += data[p]
        return out

    return todense


# ---------------------------------------------------------------------------
# Translations
# ---------------------------------------------------------------------------


_TRANSLATIONS: dict = {}
_TRANSLATIONS_LOCK = threading.Lock()


def _register(op_cls):
    """Register a translation, memoized on the op's props and the node's types.

    A translation depends on nothing else, so nodes alike (in this graph or
    another) share one jitted function, and Numba compiles it once per
    argument types instead of once per node.
    """
    from aesara.link.numba.dispatch.basic import _fastmath_flags_key, numba_funcify

    def decorator(translate):
        @wraps(translate)
        def memoized(op, node=None, **kwargs):
            props = tuple(getattr(op, p) for p in getattr(op, "__props__", ()))
            key = (
                type(op),
                props,
                tuple(v.type for v in node.inputs),
                tuple(v.type for v in node.outputs),
                _fastmath_flags_key(),
            )
            with _TRANSLATIONS_LOCK:
                hit = _TRANSLATIONS.get(key)
            if hit is None:
                hit = translate(op, node=node, **kwargs)
                with _TRANSLATIONS_LOCK:
                    _TRANSLATIONS[key] = hit
            return hit

        numba_funcify.register(op_cls)(memoized)
        return memoized

    return decorator


@_register(CSMProperties)
def numba_funcify_CSMProperties(op, node=None, **kwargs):
    _format_of(node.inputs[0])

    @numba_njit
    def csm_properties(x):
        shape = np.empty(2, dtype=np.int32)
        shape[0] = x.shape[0]
        shape[1] = x.shape[1]
        return (
            x.data,
            x.indices.astype(np.int32),
            x.indptr.astype(np.int32),
            shape,
        )

    return csm_properties


@_register(CSM)
def numba_funcify_CSM(op, node=None, **kwargs):
    build = _BUILDERS[op.format]
    by_rows = op.format == "csr"
    # Index buffers keep 64 bits when given so, else become int32 (SciPy's).
    index_t = _scalar(
        "int64" if node.inputs[1].type.dtype in ("int64", "uint64") else "int32"
    )
    indptr_t = _scalar(
        "int64" if node.inputs[2].type.dtype in ("int64", "uint64") else "int32"
    )

    @numba_njit
    def csm(data, indices, indptr, shape):
        if shape.shape[0] != 2:
            raise ValueError("CSM: shape must have 2 entries")
        if data.shape[0] != indices.shape[0]:
            raise ValueError("CSM: data and indices must have the same length")
        n_major = shape[0] if by_rows else shape[1]
        if indptr.shape[0] != n_major + 1:
            raise ValueError(
                "CSM: indptr must have one entry per row (csr) or column (csc), "
                "plus one"
            )
        if indptr[-1] > indices.shape[0]:
            raise ValueError("CSM: indptr points past the end of indices")
        return build(
            data,
            indices.astype(index_t),
            indptr.astype(indptr_t),
            (np.intp(shape[0]), np.intp(shape[1])),
        )

    return csm


@_register(DenseFromSparse)
def numba_funcify_DenseFromSparse(op, node=None, **kwargs):
    x = node.inputs[0]
    return _todense_kernel(_format_of(x), node.outputs[0].type.dtype)


@_register(SparseFromDense)
def numba_funcify_SparseFromDense(op, node=None, **kwargs):
    build = _BUILDERS[op.format]
    t = _scalar(node.outputs[0].type.dtype)
    by_rows = op.format == "csr"

    @numba_njit
    def sparse_from_dense(x):
        m, n = x.shape
        nnz = 0
        for i in range(m):
            for j in range(n):
                # NaN is not zero: it is stored, as SciPy does.
                if x[i, j] != 0:
                    nnz += 1
        n_major = m if by_rows else n
        n_minor = n if by_rows else m
        data = np.empty(nnz, dtype=t)
        indices = np.empty(nnz, dtype=np.int32)
        indptr = np.zeros(n_major + 1, dtype=np.int32)
        p = 0
        for a in range(n_major):
            for b in range(n_minor):
                v = x[a, b] if by_rows else x[b, a]
                if v != 0:
                    data[p] = v
                    indices[p] = b
                    p += 1
            indptr[a + 1] = p
        return build(data, indices, indptr, (np.intp(m), np.intp(n)))

    return sparse_from_dense


@_register(Transpose)
def numba_funcify_Transpose(op, node=None, **kwargs):
    build = _BUILDERS[_OTHER[_format_of(node.inputs[0])]]

    @numba_njit
    def transpose(x):
        # The same buffers read the other way round: csr <-> csc.
        return build(
            x.data.copy(),
            x.indices.copy(),
            x.indptr.copy(),
            (x.shape[1], x.shape[0]),
        )

    return transpose


@_register(Neg)
def numba_funcify_Neg(op, node=None, **kwargs):
    build = _BUILDERS[_format_of(node.inputs[0])]

    @numba_njit
    def neg(x):
        return build(-x.data, x.indices.copy(), x.indptr.copy(), x.shape)

    return neg


@_register(Cast)
def numba_funcify_Cast(op, node=None, **kwargs):
    build = _BUILDERS[_format_of(node.inputs[0])]
    t = _scalar(node.outputs[0].type.dtype)

    @numba_njit
    def cast(x):
        return build(x.data.astype(t), x.indices.copy(), x.indptr.copy(), x.shape)

    return cast


def _dense_matmul_fns(x_var, y_var, out_dtype: str):
    """A nopython function for ``x @ y`` with one sparse and one dense operand.

    A dense operand may be a vector (``numpy.dot`` rules); the result is
    dense. Both operands sparse: :class:`NumbaTranslationMissing`.
    """
    x_sparse = isinstance(x_var.type, SparseTensorType)
    y_sparse = isinstance(y_var.type, SparseTensorType)
    if x_sparse and y_sparse:
        raise NumbaTranslationMissing("a product of two sparse matrices")
    if x_sparse:
        spmm = _spmm_kernel(_format_of(x_var), out_dtype)
        if y_var.type.ndim == 1:

            @numba_njit
            def sparse_dot_vector(x, y):
                col = np.ascontiguousarray(y).reshape((y.shape[0], 1))
                r = spmm(x.data, x.indices, x.indptr, x.shape[0], x.shape[1], col)
                return r[:, 0].copy()

            return sparse_dot_vector

        @numba_njit
        def sparse_dot_matrix(x, y):
            return spmm(x.data, x.indices, x.indptr, x.shape[0], x.shape[1], y)

        return sparse_dot_matrix
    # dense @ sparse = (sparse.T @ dense.T).T; the transpose of a csr matrix
    # is the csc matrix of the same buffers, and vice versa.
    spmm = _spmm_kernel(_OTHER[_format_of(y_var)], out_dtype)
    if x_var.type.ndim == 1:

        @numba_njit
        def vector_dot_sparse(x, y):
            col = np.ascontiguousarray(x).reshape((x.shape[0], 1))
            r = spmm(y.data, y.indices, y.indptr, y.shape[1], y.shape[0], col)
            return r[:, 0].copy()

        return vector_dot_sparse

    @numba_njit
    def matrix_dot_sparse(x, y):
        r = spmm(y.data, y.indices, y.indptr, y.shape[1], y.shape[0], x.T)
        return np.ascontiguousarray(r.T)

    return matrix_dot_sparse


@_register(StructuredDot)
def numba_funcify_StructuredDot(op, node=None, **kwargs):
    a, b = node.inputs
    if isinstance(b.type, SparseTensorType):
        raise NumbaTranslationMissing("StructuredDot of two sparse matrices")
    return _dense_matmul_fns(a, b, node.outputs[0].type.dtype)


@_register(Dot)
def numba_funcify_Dot(op, node=None, **kwargs):
    x, y = node.inputs
    return _dense_matmul_fns(x, y, node.outputs[0].type.dtype)


@_register(MulSD)
def numba_funcify_MulSD(op, node=None, **kwargs):
    x_var, y_var = node.inputs
    fmt = _format_of(x_var)
    build = _BUILDERS[fmt]
    t = _scalar(node.outputs[0].type.dtype)
    by_rows = fmt == "csr"
    if y_var.type.ndim == 0:

        @numba_njit
        def mul_scalar(x, y):
            v = t(y[()])
            data = np.empty(x.data.shape[0], dtype=t)
            for p in range(data.shape[0]):
                data[p] = t(x.data[p]) * v
            return build(data, x.indices.copy(), x.indptr.copy(), x.shape)

        return mul_scalar

    @numba_njit
    def mul_matrix(x, y):
        if y.shape[0] != x.shape[0] or y.shape[1] != x.shape[1]:
            raise ValueError("MulSD: the sparse and dense matrices differ in shape")
        data = np.empty(x.data.shape[0], dtype=t)
        n_major = x.shape[0] if by_rows else x.shape[1]
        for major in range(n_major):
            for p in range(x.indptr[major], x.indptr[major + 1]):
                minor = x.indices[p]
                other = y[major, minor] if by_rows else y[minor, major]
                data[p] = t(x.data[p]) * t(other)
        return build(data, x.indices.copy(), x.indptr.copy(), x.shape)

    return mul_matrix


@_register(AddSD)
def numba_funcify_AddSD(op, node=None, **kwargs):
    fmt = _format_of(node.inputs[0])
    t = _scalar(node.outputs[0].type.dtype)
    by_rows = fmt == "csr"

    @numba_njit
    def add_s_d(x, y):
        m, n = x.shape
        if y.shape[0] != m or y.shape[1] != n:
            raise ValueError("AddSD: the sparse and dense matrices differ in shape")
        # The sparse matrix made dense first (duplicates summed), then y.
        dense = np.zeros((m, n), dtype=t)
        n_major = m if by_rows else n
        for major in range(n_major):
            for p in range(x.indptr[major], x.indptr[major + 1]):
                if by_rows:
                    dense[major, x.indices[p]] += t(x.data[p])
                else:
                    dense[x.indices[p], major] += t(x.data[p])
        for i in range(m):
            for j in range(n):
                dense[i, j] = dense[i, j] + t(y[i, j])
        return dense

    return add_s_d


@_register(SpSum)
def numba_funcify_SpSum(op, node=None, **kwargs):
    fmt = _format_of(node.inputs[0])
    out_dtype = np.dtype(node.outputs[0].type.dtype)
    t = out_dtype.type
    # Integers accumulate in 64 bits, as the Python implementation does.
    acc = {"i": np.int64, "u": np.uint64}.get(out_dtype.kind, t)
    by_rows = fmt == "csr"
    axis = op.axis

    if axis is None:

        @numba_njit
        def sp_sum_all(x):
            total = acc(0)
            for p in range(x.data.shape[0]):
                total += acc(x.data[p])
            return np.asarray(t(total))

        return sp_sum_all

    # axis 0 sums each column (one total per column), axis 1 each row.
    per_major = (axis == 1) == by_rows

    @numba_njit
    def sp_sum_axis(x):
        m, n = x.shape
        n_major = m if by_rows else n
        size = n if axis == 0 else m
        total = np.zeros(size, dtype=acc)
        for major in range(n_major):
            for p in range(x.indptr[major], x.indptr[major + 1]):
                target = major if per_major else x.indices[p]
                total[target] += acc(x.data[p])
        return total.astype(t)

    return sp_sum_axis
