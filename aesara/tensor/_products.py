"""Products of tensors: ``dot``, ``matmul``, ``tensordot``, ``outer`` and the
batched variants.

The ops here are :class:`Dot` (vectors and matrices), :class:`MatMul`
(NumPy's ``matmul`` with broadcast batch dimensions), :class:`Contraction`
(a two-operand ``einsum`` without repeated indices, behind ``tensordot`` and
``batched_tensordot``) and :class:`BatchedDot`. This module is re-exported
by :mod:`aesara.tensor.math`; import from there (or from :mod:`aesara.tensor`).
"""

from __future__ import annotations

import string
import typing
from collections.abc import Sequence

import numpy as np

import aesara.scalar.basic as aes
from aesara.graph.basic import Apply, Variable
from aesara.graph.op import Op
from aesara.tensor.basic import as_tensor_variable
from aesara.tensor.type import TensorType

__all__ = [
    "Dot",
    "dot",
    "dense_dot",
    "MatMul",
    "matmul",
    "Contraction",
    "tensordot",
    "outer",
    "BatchedDot",
    "batched_dot",
    "batched_tensordot",
]


def _is_discrete(v: Variable) -> bool:
    return v.type.dtype[:1] in ("b", "i", "u")


def _is_complex(v: Variable) -> bool:
    return v.type.dtype.startswith("complex")


def _float_zeros(x: Variable) -> Variable:
    from aesara.configdefaults import config
    from aesara.tensor.basic import zeros_like

    return zeros_like(x, dtype=config.floatX)


def _conj(v: Variable) -> Variable:
    if _is_complex(v):
        from aesara.tensor.math import conj

        return conj(v)
    return v


def _grad_like(g: Variable, x: Variable) -> Variable:
    """``g`` as the gradient of ``x``: float zeros for discrete ``x``, real part
    for real ``x``, cast to a float ``x``'s dtype."""
    if _is_discrete(x):
        return _float_zeros(x)
    if _is_complex(g) and not _is_complex(x):
        from aesara.tensor.math import real

        g = real(g)
    if g.type.dtype != x.type.dtype:
        from aesara.tensor.basic import cast

        g = cast(g, x.type.dtype)
    # A product's gradient can lose a static length 1 that only ``x`` knew
    # (``(?, 1) . (?,)`` gives ``outer(gz, y)`` of shape ``(?, ?)``); a
    # DimShuffle dropping that axis upstream needs it back.
    lost = [
        d
        for d, (sx, sg) in enumerate(zip(x.type.shape, g.type.shape))
        if sx == 1 and sg != 1
    ]
    if lost and g.type.ndim == x.type.ndim:
        from aesara.tensor.shape import specify_broadcastable

        g = specify_broadcastable(g, *lost)
    return g


def _shape_str(shape: Sequence[int | None]) -> str:
    return (
        "("
        + ", ".join("?" if s is None else str(s) for s in shape)
        + ("," if len(shape) == 1 else "")
        + ")"
    )


# ---------------------------------------------------------------------------
# Dot
# ---------------------------------------------------------------------------


def _bilinear_r_op(product, inputs, eval_points):
    """Forward-mode derivative of a bilinear ``product(a, b)`` (product rule)."""
    a, b = inputs
    ea, eb = eval_points
    terms = []
    if ea is not None:
        terms.append(product(ea, b))
    if eb is not None:
        terms.append(product(a, eb))
    if not terms:
        return [None]
    return [terms[0] if len(terms) == 1 else terms[0] + terms[1]]


class Dot(Op):
    """The product of vectors and matrices, as ``numpy.dot``.

    Inputs are 1-d or 2-d: vector . vector gives a scalar, matrix . vector
    and vector . matrix a vector, matrix . matrix a matrix. The output dtype
    is NumPy's promotion of the input dtypes.
    """

    __props__ = ()

    def make_node(self, x: typing.Any, y: typing.Any) -> Apply:
        x = as_tensor_variable(x)
        y = as_tensor_variable(y)
        for i, v in enumerate((x, y)):
            if v.type.ndim not in (1, 2):
                raise TypeError(
                    f"Dot: input {i} must be a vector or a matrix, got a tensor of "
                    f"{v.type.ndim} dimensions ({v.type}); use dot/tensordot for "
                    "other ranks"
                )
        kx = x.type.shape[-1]
        ky = y.type.shape[0]
        if kx is not None and ky is not None and kx != ky:
            raise ValueError(
                f"dot: shapes {_shape_str(x.type.shape)} and "
                f"{_shape_str(y.type.shape)} are not aligned: {kx} (dim "
                f"{x.type.ndim - 1} of input 0) != {ky} (dim 0 of input 1)"
            )
        dtype = aes.upcast(x.type.dtype, y.type.dtype)
        shape = x.type.shape[:-1] + y.type.shape[1:]
        return Apply(self, [x, y], [TensorType(dtype, shape=shape)()])

    def perform(self, node, inputs, output_storage, params=None):
        x, y = inputs
        if x.shape[-1] != y.shape[0]:
            raise ValueError(
                f"dot: shapes {x.shape} and {y.shape} are not aligned: "
                f"{x.shape[-1]} (dim {x.ndim - 1} of input 0) != {y.shape[0]} "
                "(dim 0 of input 1)"
            )
        dtype = node.outputs[0].type.dtype
        output_storage[0][0] = np.asarray(np.dot(x, y), dtype=dtype)

    def infer_shape(self, fgraph, node, input_shapes):
        xs, ys = input_shapes
        return [tuple(xs[:-1]) + tuple(ys[1:])]

    def L_op(self, inputs, outputs, output_gradients):
        x, y = inputs
        (gz,) = output_gradients
        xc, yc = _conj(x), _conj(y)
        if x.type.ndim == 1 and y.type.ndim == 1:
            gx, gy = gz * yc, gz * xc
        elif x.type.ndim == 1:  # vector . matrix
            gx, gy = _dot(gz, yc.T), outer(xc, gz)
        elif y.type.ndim == 1:  # matrix . vector
            gx, gy = outer(gz, yc), _dot(xc.T, gz)
        else:
            gx, gy = _dot(gz, yc.T), _dot(xc.T, gz)
        return [_grad_like(gx, x), _grad_like(gy, y)]

    def R_op(self, inputs, eval_points):
        return _bilinear_r_op(_dot, inputs, eval_points)


_dot = Dot()


def dense_dot(a: typing.Any, b: typing.Any) -> Variable:
    """Dot product of two dense tensors, following ``numpy.dot``.

    0-d operands multiply element-wise; vectors and matrices use :class:`Dot`;
    higher ranks contract the last axis of ``a`` with the second-to-last axis
    of ``b`` (the last one when ``b`` is a vector), as ``numpy.dot`` does.

    Parameters
    ----------
    a, b
        Tensors (or values convertible to tensors).
    """
    a = as_tensor_variable(a)
    b = as_tensor_variable(b)
    if not (
        getattr(a.type, "holds_ndarray", True)
        and getattr(b.type, "holds_ndarray", True)
    ):
        # A sparse operand (e.g. ``dense @ sparse``): the sparse product.
        from aesara.sparse.basic import dot as sparse_dot

        return sparse_dot(a, b)
    if a.type.ndim == 0 or b.type.ndim == 0:
        from aesara.tensor.math import mul

        return mul(a, b)
    if a.type.ndim > 2 or b.type.ndim > 2:
        return tensordot(a, b, [[a.type.ndim - 1], [max(0, b.type.ndim - 2)]])
    return _dot(a, b)


def dot(l: typing.Any, r: typing.Any) -> Variable:  # noqa: E741 - Aesara's names
    """Dot product of ``l`` and ``r`` with ``numpy.dot`` semantics.

    See :func:`dense_dot`. When either operand is a sparse matrix, the
    product is the sparse one (``structured_dot``), as in Aesara.
    """
    if not getattr(getattr(l, "type", None), "holds_ndarray", True):
        return l.__dot__(r)
    if not getattr(getattr(r, "type", None), "holds_ndarray", True):
        return r.__rdot__(l)
    return dense_dot(l, r)


def outer(x: typing.Any, y: typing.Any) -> Variable:
    """Outer product of two vectors (other ranks are flattened first), as ``numpy.outer``."""
    x = as_tensor_variable(x)
    y = as_tensor_variable(y)
    if x.type.ndim != 1:
        x = x.flatten()
    if y.type.ndim != 1:
        y = y.flatten()
    return _dot(x.dimshuffle(0, "x"), y.dimshuffle("x", 0))


# ---------------------------------------------------------------------------
# MatMul
# ---------------------------------------------------------------------------


def _broadcast_static(a: Sequence, b: Sequence, what: str) -> tuple:
    """NumPy broadcasting of two static shapes (``None``: unknown)."""
    n = max(len(a), len(b))
    a = (1,) * (n - len(a)) + tuple(a)
    b = (1,) * (n - len(b)) + tuple(b)
    out = []
    for d, (sa, sb) in enumerate(zip(a, b)):
        if sa == 1:
            out.append(sb)
        elif sb == 1:
            out.append(sa)
        elif sa is None:
            out.append(sb)
        elif sb is None or sa == sb:
            out.append(sa)
        else:
            raise ValueError(
                f"{what}: batch dimensions {_shape_str(a)} and {_shape_str(b)} cannot "
                f"be broadcast together (dim {d}: {sa} vs {sb})"
            )
    return tuple(out)


class MatMul(Op):
    """NumPy's ``matmul``: matrix products broadcast over leading batch dimensions.

    A 1-d first (second) operand is treated as a row (column) vector and the
    added axis removed from the result. 0-d operands are refused.

    Parameters
    ----------
    dtype
        Output dtype (default: NumPy's promotion of the input dtypes).
    """

    __props__ = ("dtype",)

    def __init__(self, dtype: str | None = None):
        self.dtype = None if dtype is None else np.dtype(dtype).name

    def make_node(self, a: typing.Any, b: typing.Any) -> Apply:
        a = as_tensor_variable(a)
        b = as_tensor_variable(b)
        for i, v in enumerate((a, b)):
            if v.type.ndim == 0:
                raise ValueError(
                    f"matmul: input {i} is 0-d ({v.type}); matmul needs at least "
                    "one dimension (use mul for scalars)"
                )
        sa, sb = a.type.shape, b.type.shape
        ka = sa[-1]
        kb = sb[0] if len(sb) == 1 else sb[-2]
        if ka is not None and kb is not None and ka != kb:
            raise ValueError(
                f"matmul: shapes {_shape_str(sa)} and {_shape_str(sb)} are not "
                f"aligned: core dimension {ka} of input 0 != {kb} of input 1"
            )
        batch = _broadcast_static(sa[:-2], sb[:-2], "matmul")
        core = (sa[-2],) if len(sa) >= 2 else ()
        core += (sb[-1],) if len(sb) >= 2 else ()
        dtype = self.dtype or aes.upcast(a.type.dtype, b.type.dtype)
        return Apply(self, [a, b], [TensorType(dtype, shape=batch + core)()])

    def perform(self, node, inputs, output_storage, params=None):
        a, b = inputs
        try:
            r = np.matmul(a, b)
        except ValueError as err:
            raise ValueError(
                f"matmul: cannot multiply arrays of shapes {a.shape} and {b.shape}: {err}"
            ) from err
        output_storage[0][0] = np.asarray(r, dtype=node.outputs[0].type.dtype)

    def infer_shape(self, fgraph, node, input_shapes):
        from aesara.tensor.math import maximum

        a, b = node.inputs
        sa, sb = input_shapes
        na, nb = a.type.ndim, b.type.ndim
        batch_a, batch_b = list(sa[:-2]), list(sb[:-2])
        n = max(len(batch_a), len(batch_b))
        sta = (1,) * (n - len(batch_a)) + a.type.shape[:-2]
        stb = (1,) * (n - len(batch_b)) + b.type.shape[:-2]
        batch_a = [1] * (n - len(batch_a)) + batch_a
        batch_b = [1] * (n - len(batch_b)) + batch_b
        batch = []
        for da, db, ta, tb in zip(batch_a, batch_b, sta, stb):
            if ta == 1:
                batch.append(db)
            elif tb == 1:
                batch.append(da)
            else:
                batch.append(maximum(da, db))
        core = ([sa[-2]] if na >= 2 else []) + ([sb[-1]] if nb >= 2 else [])
        return [tuple(batch + core)]

    def L_op(self, inputs, outputs, output_gradients):
        from aesara.tensor.basic import swapaxes
        from aesara.tensor.math import sum as at_sum

        a, b = inputs
        (gz,) = output_gradients
        na, nb = a.type.ndim, b.type.ndim
        ap = a.dimshuffle("x", 0) if na == 1 else a
        bp = b.dimshuffle(0, "x") if nb == 1 else b
        gp = gz
        if na == 1:
            # restore the row axis at position -2 (or -1 when b is a vector too)
            pat = list(range(gp.type.ndim))
            pat.insert(len(pat) - (1 if nb >= 2 else 0), "x")
            gp = gp.dimshuffle(*pat)
        if nb == 1:
            gp = gp.dimshuffle(*range(gp.type.ndim), "x")
        mm = MatMul()
        ga = mm(gp, swapaxes(_conj(bp), -1, -2))
        gb = mm(swapaxes(_conj(ap), -1, -2), gp)

        def reduce_to(g, x, xp, drop_axis):
            extra = g.type.ndim - xp.type.ndim
            if extra:
                g = at_sum(g, axis=list(range(extra)))
            to_sum = [
                d
                for d in range(xp.type.ndim - 2)
                if xp.type.shape[d] == 1 and g.type.shape[d] != 1
            ]
            if to_sum:
                g = at_sum(g, axis=to_sum, keepdims=True)
            if drop_axis is not None:
                keep = [d for d in range(g.type.ndim) if d != drop_axis % g.type.ndim]
                g = g.dimshuffle(*keep)
            return _grad_like(g, x)

        return [
            reduce_to(ga, a, ap, -2 if na == 1 else None),
            reduce_to(gb, b, bp, -1 if nb == 1 else None),
        ]

    def R_op(self, inputs, eval_points):
        return _bilinear_r_op(self, inputs, eval_points)


def matmul(x1: typing.Any, x2: typing.Any, dtype: typing.Any = None) -> Variable:
    """Matrix product with ``numpy.matmul`` semantics (broadcast batch dimensions).

    Parameters
    ----------
    x1, x2
        Tensors of at least one dimension.
    dtype
        Output dtype (default: NumPy's promotion of the input dtypes).

    Raises
    ------
    ValueError
        For 0-d inputs, and for core dimensions or batch dimensions that are
        statically known to mismatch.
    """
    return MatMul(dtype=dtype)(x1, x2)


# ---------------------------------------------------------------------------
# Contractions: tensordot and batched_tensordot
# ---------------------------------------------------------------------------


class Contraction(Op):
    """A two-operand ``numpy.einsum`` in which no operand repeats an index.

    ``subscripts`` is an explicit einsum specification such as
    ``"abc,cbd->ad"``. Every index of an operand appears either in the output
    or in the other operand, which makes the gradient another contraction.
    """

    __props__ = ("subscripts",)

    def __init__(self, subscripts: str):
        try:
            ins, out = subscripts.split("->")
            sa, sb = ins.split(",")
        except ValueError:
            raise ValueError(
                f"Contraction: subscripts must look like 'ab,bc->ac', got {subscripts!r}"
            ) from None
        for s in (sa, sb, out):
            if len(set(s)) != len(s):
                raise ValueError(
                    f"Contraction: repeated index in {s!r} of {subscripts!r}"
                )
        for s, other in ((sa, sb), (sb, sa)):
            missing = set(s) - set(other) - set(out)
            if missing:
                raise ValueError(
                    f"Contraction: indices {sorted(missing)} of {s!r} appear neither in "
                    f"the other operand nor in the output of {subscripts!r}"
                )
        if set(out) - set(sa) - set(sb):
            raise ValueError(
                f"Contraction: output indices of {subscripts!r} are unknown"
            )
        self.subscripts = subscripts
        self._parts = (sa, sb, out)

    def make_node(self, a: typing.Any, b: typing.Any) -> Apply:
        a = as_tensor_variable(a)
        b = as_tensor_variable(b)
        sa, sb, out = self._parts
        for i, (v, s) in enumerate(((a, sa), (b, sb))):
            if v.type.ndim != len(s):
                raise TypeError(
                    f"Contraction {self.subscripts!r}: input {i} must have {len(s)} "
                    f"dimensions, got {v.type.ndim} ({v.type})"
                )
        sizes: dict[str, int | None] = {}
        for v, s in ((a, sa), (b, sb)):
            for letter, dim in zip(s, v.type.shape):
                prev = sizes.get(letter)
                if prev is not None and dim is not None and prev != dim:
                    raise ValueError(
                        f"tensordot: shapes {_shape_str(a.type.shape)} and "
                        f"{_shape_str(b.type.shape)} do not match on a contracted or "
                        f"batch axis ({prev} vs {dim})"
                    )
                if prev is None:
                    sizes[letter] = dim
        dtype = aes.upcast(a.type.dtype, b.type.dtype)
        shape = tuple(sizes[c] for c in out)
        return Apply(self, [a, b], [TensorType(dtype, shape=shape)()])

    def perform(self, node, inputs, output_storage, params=None):
        a, b = inputs
        sa, sb, _ = self._parts
        sizes: dict[str, int] = {}
        for arr, s in ((a, sa), (b, sb)):
            for letter, dim in zip(s, arr.shape):
                if sizes.setdefault(letter, dim) != dim:
                    raise ValueError(
                        f"tensordot: shapes {a.shape} and {b.shape} do not match on a "
                        f"contracted or batch axis ({sizes[letter]} vs {dim})"
                    )
        r = np.einsum(self.subscripts, a, b, optimize=True)
        output_storage[0][0] = np.asarray(r, dtype=node.outputs[0].type.dtype)

    def infer_shape(self, fgraph, node, input_shapes):
        sa, sb, out = self._parts
        where: dict[str, typing.Any] = {}
        for shp, s in ((input_shapes[0], sa), (input_shapes[1], sb)):
            for letter, dim in zip(s, shp):
                where.setdefault(letter, dim)
        return [tuple(where[c] for c in out)]

    def L_op(self, inputs, outputs, output_gradients):
        a, b = inputs
        (gz,) = output_gradients
        sa, sb, out = self._parts
        ga = Contraction(f"{out},{sb}->{sa}")(gz, _conj(b))
        gb = Contraction(f"{sa},{out}->{sb}")(_conj(a), gz)
        return [_grad_like(ga, a), _grad_like(gb, b)]

    def R_op(self, inputs, eval_points):
        return _bilinear_r_op(self, inputs, eval_points)


def _normalize_axes(axes, na: int, nb: int, what: str, batched: bool):
    """(axes_a, axes_b) as lists of non-negative ints, validated."""
    first = 1 if batched else 0
    if isinstance(axes, (int, np.integer)) and not isinstance(axes, bool):
        n = int(axes)
        if n < 0:
            raise ValueError(f"{what}: axes must be a non-negative int, got {n}")
        if n > na - first or n > nb - first:
            raise ValueError(
                f"{what}: cannot sum over {n} axes of inputs with {na} and {nb} "
                f"dimensions{' (excluding the batch axis)' if batched else ''}"
            )
        return list(range(na - n, na)), list(range(first, first + n))
    try:
        ax_a, ax_b = axes
    except (TypeError, ValueError):
        raise ValueError(
            f"{what}: axes must be an int or a pair of axis lists, got {axes!r}"
        ) from None
    ax_a = [ax_a] if isinstance(ax_a, (int, np.integer)) else list(ax_a)
    ax_b = [ax_b] if isinstance(ax_b, (int, np.integer)) else list(ax_b)
    if len(ax_a) != len(ax_b):
        raise ValueError(
            f"{what}: the two axis lists must have the same length, got {ax_a} and {ax_b}"
        )
    out = []
    for lst, nd, i in ((ax_a, na, 0), (ax_b, nb, 1)):
        norm = []
        for ax in lst:
            if not isinstance(ax, (int, np.integer)) or isinstance(ax, bool):
                raise TypeError(f"{what}: axes must be integers, got {ax!r}")
            if not -nd <= ax < nd:
                raise ValueError(
                    f"{what}: axis {ax} is out of bounds for input {i} with {nd} dimensions"
                )
            norm.append(int(ax) % nd)
        if len(set(norm)) != len(norm):
            raise ValueError(f"{what}: repeated axis in {lst} for input {i}")
        if batched and 0 in norm:
            raise ValueError(
                f"{what}: axis 0 is the batch axis and cannot be summed over"
            )
        out.append(norm)
    return out[0], out[1]


def _contraction_subscripts(na, nb, ax_a, ax_b, batched: bool) -> str:
    letters = iter(string.ascii_letters)
    sa = [next(letters) for _ in range(na)]
    sb = [None] * nb
    for i, j in zip(ax_a, ax_b):
        sb[j] = sa[i]
    if batched:
        sb[0] = sa[0]
    for j in range(nb):
        if sb[j] is None:
            sb[j] = next(letters)
    summed_a = set(ax_a)
    summed_b = set(ax_b)
    out = [sa[0]] if batched else []
    out += [sa[i] for i in range(na) if i not in summed_a and not (batched and i == 0)]
    out += [sb[j] for j in range(nb) if j not in summed_b and not (batched and j == 0)]
    return f"{''.join(sa)},{''.join(sb)}->{''.join(out)}"


def tensordot(a: typing.Any, b: typing.Any, axes: typing.Any = 2) -> Variable:
    """Sum of products over the given axes, as ``numpy.tensordot``.

    Parameters
    ----------
    a, b
        Tensors.
    axes
        An int ``n`` (sum over the last ``n`` axes of ``a`` and the first ``n``
        of ``b``) or a pair of axis lists ``[axes_a, axes_b]``.

    Raises
    ------
    ValueError
        For invalid axes, or contracted axes whose static lengths differ (at
        run time when the lengths are only known then).
    """
    a = as_tensor_variable(a)
    b = as_tensor_variable(b)
    na, nb = a.type.ndim, b.type.ndim
    ax_a, ax_b = _normalize_axes(axes, na, nb, "tensordot", batched=False)
    if na + nb > 52:
        raise ValueError("tensordot: inputs with more than 52 dimensions in total")
    return Contraction(_contraction_subscripts(na, nb, ax_a, ax_b, False))(a, b)


def batched_tensordot(x: typing.Any, y: typing.Any, axes: typing.Any = 2) -> Variable:
    """:func:`tensordot` applied to each pair ``x[i], y[i]`` along the batch axis 0.

    Parameters
    ----------
    x, y
        Tensors of at least one dimension with the same length along axis 0.
    axes
        An int ``n`` (sum over the last ``n`` axes of ``x`` and axes ``1..n``
        of ``y``) or a pair of axis lists of the full tensors (axis 0, the
        batch axis, may not appear).
    """
    x = as_tensor_variable(x)
    y = as_tensor_variable(y)
    for i, v in enumerate((x, y)):
        if v.type.ndim == 0:
            raise TypeError(
                f"batched_tensordot: input {i} must have a batch axis, got a 0-d tensor"
            )
    nx, ny = x.type.ndim, y.type.ndim
    ax_x, ax_y = _normalize_axes(axes, nx, ny, "batched_tensordot", batched=True)
    return Contraction(_contraction_subscripts(nx, ny, ax_x, ax_y, True))(x, y)


# ---------------------------------------------------------------------------
# BatchedDot
# ---------------------------------------------------------------------------


class BatchedDot(Op):
    """``dot`` of matching slices along axis 0: ``out[i] = dot(a[i], b[i])``.

    Inputs have 2 or 3 dimensions (a batch of vectors or matrices).
    """

    __props__ = ()

    def make_node(self, a: typing.Any, b: typing.Any) -> Apply:
        a = as_tensor_variable(a)
        b = as_tensor_variable(b)
        for i, v in enumerate((a, b)):
            if v.type.ndim not in (2, 3):
                raise TypeError(
                    f"BatchedDot: input {i} must have 2 or 3 dimensions, got "
                    f"{v.type.ndim} ({v.type})"
                )
        sa, sb = a.type.shape, b.type.shape
        if sa[0] is not None and sb[0] is not None and sa[0] != sb[0]:
            raise ValueError(
                f"batched_dot: batch sizes differ: shapes {_shape_str(sa)} and "
                f"{_shape_str(sb)}"
            )
        if sa[-1] is not None and sb[1] is not None and sa[-1] != sb[1]:
            raise ValueError(
                f"batched_dot: shapes {_shape_str(sa)} and {_shape_str(sb)} are not "
                f"aligned: {sa[-1]} != {sb[1]}"
            )
        batch = sa[0] if sa[0] is not None else sb[0]
        shape = (batch,) + sa[1:-1] + sb[2:]
        dtype = aes.upcast(a.type.dtype, b.type.dtype)
        return Apply(self, [a, b], [TensorType(dtype, shape=shape)()])

    def perform(self, node, inputs, output_storage, params=None):
        a, b = inputs
        if a.shape[0] != b.shape[0] or a.shape[-1] != b.shape[1]:
            raise ValueError(
                f"batched_dot: cannot multiply batches of shapes {a.shape} and {b.shape}"
            )
        a3 = a[:, None, :] if a.ndim == 2 else a
        b3 = b[:, :, None] if b.ndim == 2 else b
        r = np.matmul(a3, b3)
        if b.ndim == 2:
            r = r[..., 0]
        if a.ndim == 2:
            r = r[:, 0]
        output_storage[0][0] = np.asarray(r, dtype=node.outputs[0].type.dtype)

    def infer_shape(self, fgraph, node, input_shapes):
        sa, sb = input_shapes
        return [(sa[0],) + tuple(sa[1:-1]) + tuple(sb[2:])]

    def L_op(self, inputs, outputs, output_gradients):
        a, b = inputs
        (gz,) = output_gradients
        na, nb = a.type.ndim, b.type.ndim
        a3 = a.dimshuffle(0, "x", 1) if na == 2 else a
        b3 = b.dimshuffle(0, 1, "x") if nb == 2 else b
        g3 = gz
        if na == 2:
            g3 = g3.dimshuffle(0, "x", *range(1, g3.type.ndim))
        if nb == 2:
            g3 = g3.dimshuffle(*range(g3.type.ndim), "x")
        op = BatchedDot()
        ga = op(g3, _conj(b3).dimshuffle(0, 2, 1))
        gb = op(_conj(a3).dimshuffle(0, 2, 1), g3)
        if na == 2:
            ga = ga.dimshuffle(0, 2)
        if nb == 2:
            gb = gb.dimshuffle(0, 1)
        return [_grad_like(ga, a), _grad_like(gb, b)]

    def R_op(self, inputs, eval_points):
        return _bilinear_r_op(self, inputs, eval_points)


def batched_dot(a: typing.Any, b: typing.Any) -> Variable:
    """``dot(a[i], b[i])`` for every ``i`` along the batch axis 0.

    Vectors (1-d) multiply each batch entry; 2-d and 3-d inputs use
    :class:`BatchedDot`; higher ranks contract the last axis of ``a`` with the
    second-to-last of ``b`` per batch entry.
    """
    a = as_tensor_variable(a)
    b = as_tensor_variable(b)
    if a.type.ndim == 0:
        raise TypeError("batched_dot: a must have at least one (batch) axis")
    if b.type.ndim == 0:
        raise TypeError("batched_dot: b must have at least one (batch) axis")
    from aesara.tensor.math import mul
    from aesara.tensor.shape import shape_padright

    if a.type.ndim == 1:
        return mul(shape_padright(a, b.type.ndim - 1), b)
    if b.type.ndim == 1:
        return mul(a, shape_padright(b, a.type.ndim - 1))
    if a.type.ndim > 3 or b.type.ndim > 3:
        return batched_tensordot(a, b, [[a.type.ndim - 1], [max(1, b.type.ndim - 2)]])
    return BatchedDot()(a, b)
