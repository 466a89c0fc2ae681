"""NumPy kernels of N-d (grouped, strided, dilated, padded) correlation and
its two gradients, shared by the convolution ops of ``aesara.tensor.nnet``.

Layouts follow Aesara: images are ``(batch, channels, *spatial)``, shared
kernels ``(out_channels, in_channels // groups, *kernel)`` and unshared 2-d
kernels ``(out_channels, out_rows, out_cols, in_channels // groups, *kernel)``.
Everything here computes a *correlation*; callers flip the kernel for a true
convolution.

The forward pass and the weight gradient contract a strided window view of
the padded image (``sliding_window_view``) with ``tensordot``/``einsum``; the
input gradient scatters one kernel offset at a time, each step covering every
image, channel and output position at once.
"""

from __future__ import annotations

import itertools
import typing

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

Pads = tuple[tuple[int, int], ...]


def resolve_pads(border_mode: typing.Any, kshp: typing.Sequence[int], dilation) -> Pads:
    """``(left, right)`` padding per spatial axis for a normalised border mode."""
    nd = len(kshp)
    dk = [(int(kshp[i]) - 1) * int(dilation[i]) + 1 for i in range(nd)]
    if border_mode == "valid":
        return ((0, 0),) * nd
    if border_mode == "full":
        return tuple((d - 1, d - 1) for d in dk)
    if border_mode == "half":
        return tuple((d // 2, d // 2) for d in dk)
    out = []
    for m in border_mode:
        if isinstance(m, tuple):
            out.append((int(m[0]), int(m[1])))
        else:
            out.append((int(m), int(m)))
    return tuple(out)


def _pad(x: np.ndarray, pads: Pads, extra: typing.Sequence[int] = ()) -> np.ndarray:
    """Zero-pad the spatial axes of ``x`` (``extra`` more zeros on the right)."""
    nd = len(pads)
    if not extra:
        extra = (0,) * nd
    widths = [(0, 0)] * (x.ndim - nd) + [
        (pads[i][0], pads[i][1] + extra[i]) for i in range(nd)
    ]
    if all(w == (0, 0) for w in widths):
        return x
    return np.pad(x, widths)


def _windows(xp, kshp, subsample, dilation, out_shp):
    """View of shape ``(B, C, *out, *kernel)`` on the padded image ``xp``."""
    nd = len(kshp)
    dk = tuple((kshp[i] - 1) * dilation[i] + 1 for i in range(nd))
    axes = tuple(range(xp.ndim - nd, xp.ndim))
    w = sliding_window_view(xp, dk, axis=axes)
    sel = (
        (slice(None), slice(None))
        + tuple(
            slice(0, (out_shp[i] - 1) * subsample[i] + 1, subsample[i])
            for i in range(nd)
        )
        + tuple(slice(None, None, dilation[i]) for i in range(nd))
    )
    return w[sel]


def out_shape(imshp, kshp, pads: Pads, subsample, dilation) -> tuple[int, ...]:
    nd = len(kshp)
    return tuple(
        (imshp[i] + pads[i][0] + pads[i][1] - (kshp[i] - 1) * dilation[i] - 1)
        // subsample[i]
        + 1
        for i in range(nd)
    )


def _letters(n: int, start: str) -> str:
    return "".join(chr(ord(start) + i) for i in range(n))


def corr_forward(
    img, kern, pads: Pads, subsample, dilation, num_groups=1, unshared=False
):
    """Correlate ``img`` with ``kern``; returns ``(B, n_out, *out)``."""
    nd = img.ndim - 2
    kshp = kern.shape[-nd:]
    B, C = img.shape[:2]
    n_out = kern.shape[0]
    g = num_groups
    cg = kern.shape[-nd - 1]
    if C != cg * g:
        raise ValueError(
            f"convolution: the image has {C} channels but the kernel expects "
            f"{cg} per group x {g} groups = {cg * g}"
        )
    if n_out % g:
        raise ValueError(
            f"convolution: {n_out} output channels are not divisible by num_groups={g}"
        )
    oshp = out_shape(img.shape[2:], kshp, pads, subsample, dilation)
    if min(oshp, default=1) <= 0:
        raise ValueError(
            f"convolution: the image {tuple(img.shape)} (padding {pads}) is too small "
            f"for the kernel {tuple(kern.shape)} with dilation {tuple(dilation)}: the "
            f"output shape would be {oshp}"
        )
    if unshared and tuple(kern.shape[1 : 1 + nd]) != oshp:
        raise ValueError(
            f"unshared convolution: the kernel's output-position axes "
            f"{tuple(kern.shape[1 : 1 + nd])} do not match the output shape {oshp}"
        )
    dtype = np.result_type(img, kern)
    out = np.empty((B, n_out) + oshp, dtype=dtype)
    if B == 0 or n_out == 0:
        return out
    win = _windows(_pad(img, pads), kshp, subsample, dilation, oshp)
    og = n_out // g
    sp = _letters(nd, "p")
    ks = _letters(nd, "i")
    for gi in range(g):
        wg = win[:, gi * cg : (gi + 1) * cg]
        kg = kern[gi * og : (gi + 1) * og]
        if unshared:
            r = np.einsum(f"bc{sp}{ks},o{sp}c{ks}->bo{sp}", wg, kg, optimize=True)
        else:
            r = np.tensordot(
                wg,
                kg,
                axes=([1] + list(range(2 + nd, 2 + 2 * nd)), list(range(1, 2 + nd))),
            )
            r = np.moveaxis(r, -1, 1)
        out[:, gi * og : (gi + 1) * og] = r
    return out


def corr_grad_weights(
    img, top, kshp, pads: Pads, subsample, dilation, num_groups=1, unshared=False
):
    """Gradient of :func:`corr_forward` with respect to the kernel."""
    nd = img.ndim - 2
    kshp = tuple(int(k) for k in kshp)
    B, C = img.shape[:2]
    n_out = top.shape[1]
    g = num_groups
    if C % g or n_out % g:
        raise ValueError(
            f"convolution gradient: channels ({C} in, {n_out} out) are not divisible by "
            f"num_groups={g}"
        )
    cg, og = C // g, n_out // g
    oshp = tuple(top.shape[2:])
    dtype = np.result_type(img, top)
    if unshared:
        res = np.zeros((n_out,) + oshp + (cg,) + kshp, dtype=dtype)
    else:
        res = np.zeros((n_out, cg) + kshp, dtype=dtype)
    if B == 0 or min(oshp, default=1) == 0:
        return res
    # the image may be shorter than the windows reach when strides leave a tail
    need = [
        (oshp[i] - 1) * subsample[i]
        + (kshp[i] - 1) * dilation[i]
        + 1
        - (img.shape[2 + i] + pads[i][0] + pads[i][1])
        for i in range(nd)
    ]
    xp = _pad(img, pads, [max(n, 0) for n in need])
    win = _windows(xp, kshp, subsample, dilation, oshp)
    sp = _letters(nd, "p")
    ks = _letters(nd, "i")
    for gi in range(g):
        wg = win[:, gi * cg : (gi + 1) * cg]
        tg = top[:, gi * og : (gi + 1) * og]
        if unshared:
            r = np.einsum(f"bo{sp},bc{sp}{ks}->o{sp}c{ks}", tg, wg, optimize=True)
        else:
            r = np.tensordot(
                tg,
                wg,
                axes=([0] + list(range(2, 2 + nd)), [0] + list(range(2, 2 + nd))),
            )
        res[gi * og : (gi + 1) * og] = r
    return res


def corr_grad_inputs(
    kern, top, imshp, pads: Pads, subsample, dilation, num_groups=1, unshared=False
):
    """Gradient of :func:`corr_forward` with respect to the image."""
    nd = top.ndim - 2
    imshp = tuple(int(s) for s in imshp)
    kshp = kern.shape[-nd:]
    B, n_out = top.shape[:2]
    g = num_groups
    cg = kern.shape[-nd - 1]
    if n_out % g or kern.shape[0] != n_out:
        raise ValueError(
            f"convolution gradient: the kernel has {kern.shape[0]} output channels, "
            f"the output gradient {n_out} (num_groups={g})"
        )
    og = n_out // g
    C = cg * g
    oshp = tuple(top.shape[2:])
    full = tuple(
        max(
            imshp[i] + pads[i][0] + pads[i][1],
            (oshp[i] - 1) * subsample[i] + (kshp[i] - 1) * dilation[i] + 1,
        )
        for i in range(nd)
    )
    dtype = np.result_type(kern, top)
    res = np.zeros((B, C) + full, dtype=dtype)
    if B and min(oshp, default=1) > 0:
        sp = _letters(nd, "p")
        for off in itertools.product(*(range(k) for k in kshp)):
            sl = tuple(
                slice(
                    off[i] * dilation[i],
                    off[i] * dilation[i] + (oshp[i] - 1) * subsample[i] + 1,
                    subsample[i],
                )
                for i in range(nd)
            )
            for gi in range(g):
                tg = top[:, gi * og : (gi + 1) * og]
                kg = kern[(slice(gi * og, (gi + 1) * og),) + (Ellipsis,) + off]
                if unshared:
                    r = np.einsum(f"bo{sp},o{sp}c->bc{sp}", tg, kg, optimize=True)
                else:
                    r = np.moveaxis(np.tensordot(tg, kg, axes=([1], [0])), -1, 1)
                res[(slice(None), slice(gi * cg, (gi + 1) * cg)) + sl] += r
    crop = (slice(None), slice(None)) + tuple(
        slice(pads[i][0], pads[i][0] + imshp[i]) for i in range(nd)
    )
    return np.ascontiguousarray(res[crop])


def flip_kernel(kern: np.ndarray, nd: int) -> np.ndarray:
    """``kern`` reversed along its last ``nd`` (spatial) axes."""
    return kern[(Ellipsis,) + (slice(None, None, -1),) * nd]
