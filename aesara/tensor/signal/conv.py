"""``conv2d`` for plain signals: a single image (2-d) or a stack of images
(3-d), convolved with one kernel (2-d) or a stack of kernels (3-d), without
channel axes."""

from __future__ import annotations

from aesara.graph.basic import Variable
from aesara.tensor.basic import as_tensor_variable

__all__ = ["conv2d"]


def conv2d(
    input,
    filters,
    image_shape=None,
    filter_shape=None,
    border_mode="valid",
    subsample=(1, 1),
    **kargs,
) -> Variable:
    """Convolve 2-d signals (true convolution, kernels flipped).

    Parameters
    ----------
    input
        ``(rows, cols)`` or ``(batch, rows, cols)``.
    filters
        ``(krows, kcols)`` or ``(nkern, krows, kcols)``.
    image_shape, filter_shape
        Optional constant shapes of ``input`` and ``filters``.
    border_mode
        ``"valid"`` or ``"full"``.
    subsample
        Output strides.

    Returns
    -------
    Variable
        ``(batch, nkern, out_rows, out_cols)`` with the ``batch`` / ``nkern``
        axes dropped when the input / filters had no such axis.
    """
    import aesara.tensor as at
    from aesara.tensor.nnet.conv import ConvOp

    input = as_tensor_variable(input)
    filters = as_tensor_variable(filters)
    if input.type.ndim not in (2, 3):
        raise TypeError(f"signal.conv2d: input must be 2-d or 3-d, got {input.type}")
    if filters.type.ndim not in (2, 3):
        raise TypeError(
            f"signal.conv2d: filters must be 2-d or 3-d, got {filters.type}"
        )
    if filter_shape and image_shape:
        bsize = image_shape[0] if input.type.ndim == 3 else 1
        imshp = (1,) + tuple(image_shape[-2:])
        nkern = filter_shape[0] if filters.type.ndim == 3 else 1
        kshp = tuple(filter_shape[-2:])
    else:
        bsize = imshp = nkern = kshp = None
    n_img = input.shape[0] if input.type.ndim == 3 else 1
    n_kern = filters.shape[0] if filters.type.ndim == 3 else 1
    img4 = input.reshape(
        at.concatenate([at.stack([n_img, 1]), input.shape[-2:]]), ndim=4
    )
    kern4 = filters.reshape(
        at.concatenate([at.stack([n_kern, 1]), filters.shape[-2:]]), ndim=4
    )
    op = ConvOp(
        output_mode=border_mode,
        dx=subsample[0],
        dy=subsample[1],
        imshp=imshp,
        kshp=kshp,
        nkern=nkern,
        bsize=bsize,
        **kargs,
    )
    out = op(img4, kern4)
    if input.type.ndim == 2 and filters.type.ndim == 2:
        return out[0, 0]
    if input.type.ndim == 2:
        return out[0]
    if filters.type.ndim == 2:
        return out[:, 0]
    return out
