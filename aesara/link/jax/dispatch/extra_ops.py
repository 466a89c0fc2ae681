"""JAX translations of ``aesara.tensor.extra_ops`` and the sorting ops.

Ops whose output shape depends on the data (``unique``, ``bincount``,
``nonzero``) have no translation: JAX must know every shape when it traces.
"""

from __future__ import annotations

import numpy as np

from aesara.link.jax.dispatch.basic import (
    jax_funcify,
    jax_needs_checks,
    jax_static_inputs,
    register_check,
    register_static_op,
)
from aesara.tensor._construct import Nonzero
from aesara.tensor._convolve import Convolve
from aesara.tensor._permutation import PermuteRowElements
from aesara.tensor.extra_ops import (
    Bartlett,
    BinCount,
    BroadcastTo,
    CpuContiguous,
    CumOp,
    Diff,
    FillDiagonal,
    FillDiagonalOffset,
    RavelMultiIndex,
    RepeatOp,
    SearchsortedOp,
    Unique,
    UnravelIndex,
)
from aesara.tensor.fft import IRFFTOp, RFFTOp
from aesara.tensor.fourier import Fourier
from aesara.tensor.sort import ArgSortOp, SortOp, TopKOp


def _jnp():
    import jax.numpy as jnp

    return jnp


@jax_funcify.register(CumOp)
def jax_funcify_CumOp(op, node=None, **kwargs):
    jnp = _jnp()
    fn = jnp.cumsum if op.mode == "add" else jnp.cumprod
    axis = op.axis
    dtype = node.outputs[0].type.dtype

    def cumop(x):
        x = jnp.asarray(x)
        if x.ndim == 0 and axis is not None:
            return x.astype(dtype)
        return fn(x, axis=axis, dtype=dtype)

    return cumop


@jax_funcify.register(Convolve)
def jax_funcify_Convolve(op, node=None, **kwargs):
    jnp = _jnp()
    mode = op.mode
    dtype = node.outputs[0].type.dtype

    def convolve(a, v):
        a = jnp.asarray(a, dtype=dtype)
        v = jnp.asarray(v, dtype=dtype)
        # Full precision: JAX's default may use reduced-precision products.
        return jnp.convolve(a, v, mode=mode, precision="highest")

    return convolve


@jax_funcify.register(Diff)
def jax_funcify_Diff(op, node=None, **kwargs):
    jnp = _jnp()

    def diff(x):
        return jnp.diff(x, n=op.n, axis=op.axis)

    return diff


@jax_static_inputs.register(RepeatOp)
def _repeat_static(op, node):
    return (1,)


@jax_funcify.register(RepeatOp)
def jax_funcify_RepeatOp(op, node=None, **kwargs):
    jnp = _jnp()
    axis = op.axis

    def repeat(x, repeats):
        repeats = np.asarray(repeats)
        if repeats.ndim == 0:
            repeats = int(repeats)
        return jnp.repeat(x, repeats, axis=axis)

    return repeat


@jax_funcify.register(SearchsortedOp)
def jax_funcify_SearchsortedOp(op, node=None, **kwargs):
    jnp = _jnp()
    side = op.side

    def searchsorted(x, v, *sorter):
        if sorter:
            x = x[sorter[0]]
        return jnp.searchsorted(x, v, side=side).astype("int64")

    return searchsorted


@jax_funcify.register(FillDiagonal)
def jax_funcify_FillDiagonal(op, node=None, **kwargs):
    jnp = _jnp()

    def fill_diagonal(a, val):
        if a.ndim == 2:
            n = min(a.shape)
            i = np.arange(n)
            return a.at[i, i].set(jnp.asarray(val).astype(a.dtype))
        return jnp.fill_diagonal(a, val, inplace=False)

    return fill_diagonal


@jax_static_inputs.register(FillDiagonalOffset)
def _fill_diagonal_offset_static(op, node):
    return (2,)


@jax_funcify.register(FillDiagonalOffset)
def jax_funcify_FillDiagonalOffset(op, node=None, **kwargs):
    def fill_diagonal_offset(a, val, offset):
        k = int(offset)
        n = max(
            0,
            min(a.shape[0], a.shape[1] - k)
            if k >= 0
            else min(a.shape[0] + k, a.shape[1]),
        )
        i = np.arange(n)
        return a.at[i + max(0, -k), i + max(0, k)].set(val.astype(a.dtype))

    return fill_diagonal_offset


@jax_static_inputs.register(BroadcastTo)
def _broadcast_to_static(op, node):
    return tuple(range(1, len(node.inputs)))


@jax_funcify.register(BroadcastTo)
def jax_funcify_BroadcastTo(op, node=None, **kwargs):
    jnp = _jnp()

    def broadcast_to(x, *shape):
        return jnp.broadcast_to(x, tuple(int(s) for s in shape))

    return broadcast_to


@jax_static_inputs.register(UnravelIndex)
def _unravel_static(op, node):
    return (1,)


@jax_funcify.register(UnravelIndex)
def jax_funcify_UnravelIndex(op, node=None, **kwargs):
    jnp = _jnp()
    order = op.order

    def unravel_index(indices, dims):
        dims = tuple(int(d) for d in np.asarray(dims))
        if order == "F":
            res = jnp.unravel_index(indices, dims[::-1])[::-1]
        else:
            res = jnp.unravel_index(indices, dims)
        res = tuple(jnp.asarray(r).astype("int64") for r in res)
        return res if len(res) > 1 else res[0]

    return unravel_index


@jax_static_inputs.register(RavelMultiIndex)
def _ravel_static(op, node):
    return (len(node.inputs) - 1,)


jax_needs_checks.register(RavelMultiIndex)(lambda op: op.mode == "raise")


@jax_funcify.register(RavelMultiIndex)
def jax_funcify_RavelMultiIndex(op, node=None, **kwargs):
    jnp = _jnp()
    mode = op.mode
    if mode == "raise":
        from jax.experimental import checkify

        tag = register_check(
            op,
            node,
            ValueError,
            "ravel_multi_index: invalid entry in coordinates array",
        )

    def ravel_multi_index(*args):
        *index, dims = args
        dims = tuple(int(d) for d in np.asarray(dims))
        if mode == "raise":
            for i, d in zip(index, dims):
                i = jnp.asarray(i)
                checkify.check(jnp.all((i >= 0) & (i < d)), tag)
        # Valid coordinates give the same result in every mode; "clip" is
        # the one JAX traces with any values.
        run_mode = "clip" if mode == "raise" else mode
        out = jnp.ravel_multi_index(tuple(index), dims, mode=run_mode, order=op.order)
        return jnp.asarray(out).astype("int64")

    return ravel_multi_index


@jax_static_inputs.register(Bartlett)
def _bartlett_static(op, node):
    return (0,)


@jax_funcify.register(Bartlett)
def jax_funcify_Bartlett(op, node=None, **kwargs):
    jnp = _jnp()

    def bartlett(m):
        return jnp.asarray(np.bartlett(int(m)), dtype="float64")

    return bartlett


@jax_funcify.register(CpuContiguous)
def jax_funcify_CpuContiguous(op, node=None, **kwargs):
    def cpu_contiguous(x):
        return x

    return cpu_contiguous


@jax_static_inputs.register(SortOp)
@jax_static_inputs.register(ArgSortOp)
def _sort_static(op, node):
    return (1,)


def _sort_axis(x, axis):
    jnp = _jnp()
    if axis is None:
        return jnp.ravel(x), 0
    return x, int(axis)


@jax_funcify.register(SortOp)
def jax_funcify_SortOp(op, node=None, **kwargs):
    jnp = _jnp()

    def sort(x, axis):
        x, ax = _sort_axis(x, axis)
        return jnp.sort(x, axis=ax, stable=True)

    return sort


@jax_funcify.register(ArgSortOp)
def jax_funcify_ArgSortOp(op, node=None, **kwargs):
    jnp = _jnp()

    def argsort(x, axis):
        x, ax = _sort_axis(x, axis)
        return jnp.argsort(x, axis=ax, stable=True).astype("int64")

    return argsort


# Ops whose output shape depends on their input values run on values known
# when JAX traces (constants, shapes, integer inputs).
for _cls in (Unique, Nonzero):
    register_static_op(_cls)


@jax_static_inputs.register(BinCount)
def _bincount_static(op, node):
    return (0,)


@jax_funcify.register(BinCount)
def jax_funcify_BinCount(op, node=None, **kwargs):
    jnp = _jnp()
    dtype = node.outputs[0].type.dtype

    def bincount(x, *weights):
        # ``x`` is known when JAX traces (its largest value is a size);
        # the weights may be traced.
        x = np.asarray(x)
        if x.size and x.min() < 0:
            raise ValueError("bincount: input must be non-negative")
        n = int(x.max()) + 1 if x.size else 0
        if op.minlength is not None:
            n = max(n, op.minlength)
        out = jnp.zeros(n, dtype=dtype)
        if weights:
            return out.at[x].add(jnp.asarray(weights[0]).astype(dtype))
        return out.at[x].add(1)

    return bincount


@jax_static_inputs.register(TopKOp)
def _topk_static(op, node):
    return (1,)


@jax_funcify.register(TopKOp)
def jax_funcify_TopKOp(op, node=None, **kwargs):
    jnp = _jnp()
    idx_dtype = op.idx_dtype

    def topk(x, kth):
        k = int(kth)
        ax = op.axis % x.ndim
        n = x.shape[ax]
        if k == 0:
            raise ValueError("topk: kth cannot be zero")
        if abs(k) > n:
            raise ValueError(
                f"topk: |kth| = {abs(k)} is larger than the size {n} of axis {op.axis}"
            )
        m = abs(k)
        if k < 0:
            idx = jnp.take(jnp.argsort(x, axis=ax, stable=True), np.arange(m), axis=ax)
        else:
            # Descending values, ties in increasing index order: a stable
            # ascending sort of the reversed array, read from its end.
            rev_idx = jnp.argsort(jnp.flip(x, axis=ax), axis=ax, stable=True)
            last = jnp.take(rev_idx, np.arange(n - 1, n - 1 - m, -1), axis=ax)
            idx = (n - 1) - last
        out = []
        if op.return_values:
            out.append(jnp.take_along_axis(x, idx, axis=ax))
        if op.return_indices:
            out.append(idx.astype(idx_dtype))
        return tuple(out) if len(out) > 1 else out[0]

    return topk


@jax_funcify.register(PermuteRowElements)
def jax_funcify_PermuteRowElements(op, node=None, **kwargs):
    jnp = _jnp()
    inverse = op.inverse

    def permute_row_elements(x, y):
        n = y.shape[-1]
        lead = jnp.broadcast_shapes(x.shape[:-1], y.shape[:-1])
        xb = jnp.broadcast_to(x, (*lead, n))
        yb = jnp.broadcast_to(y, (*lead, n))
        if inverse:
            yb = jnp.argsort(yb, axis=-1, stable=True)
        return jnp.take_along_axis(xb, yb, axis=-1)

    return permute_row_elements


@jax_static_inputs.register(Fourier)
def _fourier_static(op, node):
    return (1, 2)


@jax_funcify.register(Fourier)
def jax_funcify_Fourier(op, node=None, **kwargs):
    jnp = _jnp()

    def fourier(a, n, axis):
        n, axis = int(n), int(axis)
        if n < 1:
            raise ValueError(
                f"Fourier: n (the transformed length) must be at least 1, got {n}"
            )
        # NumPy transforms in double precision whatever the input's.
        return jnp.fft.fft(jnp.asarray(a).astype("complex128"), n=n, axis=axis)

    return fourier


def _signal_sizes(s) -> tuple:
    s = tuple(int(v) for v in np.asarray(s).reshape(-1))
    if any(v < 1 for v in s):
        raise ValueError(f"signal sizes must be positive, got {s}")
    return s


@jax_static_inputs.register(RFFTOp)
@jax_static_inputs.register(IRFFTOp)
def _fft_static(op, node):
    return (1,)


@jax_funcify.register(RFFTOp)
def jax_funcify_RFFTOp(op, node=None, **kwargs):
    jnp = _jnp()
    dtype = node.outputs[0].type.dtype

    def rfft(a, s):
        s = _signal_sizes(s)
        spec = jnp.fft.rfftn(a, s=s, axes=tuple(range(1, a.ndim)))
        return jnp.stack([spec.real, spec.imag], axis=-1).astype(dtype)

    return rfft


@jax_funcify.register(IRFFTOp)
def jax_funcify_IRFFTOp(op, node=None, **kwargs):
    jnp = _jnp()
    dtype = node.outputs[0].type.dtype

    def irfft(a, s):
        s = _signal_sizes(s)
        spec = a[..., 0] + 1j * a[..., 1]
        out = jnp.fft.irfftn(spec, s=s, axes=tuple(range(1, spec.ndim)))
        return (out * float(np.prod(s, dtype="float64"))).astype(dtype)

    return irfft
