"""Image convolution and max pooling through sparse patch matrices.

A batch of images (one flattened image per row) times the transpose of a
sparse 0/1 "patch matrix" gives, for every output pixel, the input pixels
under the kernel (zero-padded in ``"full"`` mode). :func:`convolve` then
multiplies the patches by the kernels; :func:`max_pool` takes their
maximum. :class:`ConvolutionIndices` builds the patch matrix's structure
(computed at graph-building time from the static image and kernel shapes).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import scipy.sparse

from aesara.graph.op import Op

__all__ = ["ConvolutionIndices", "convolution_indices", "convolve", "max_pool"]


def _image_shape(shape: Sequence[int]) -> tuple[int, int, int]:
    """``(features, height, width)``; a ``(height, width)`` shape has one feature."""
    shape = tuple(int(s) for s in np.ravel(shape))
    if len(shape) == 2:
        shape = (1,) + shape
    if len(shape) != 3:
        raise ValueError(
            "image shapes are (height, width) or (features, height, width), got "
            f"{shape}"
        )
    return shape


class ConvolutionIndices(Op):
    """The structure of the sparse patch matrix of a 2-d convolution.

    Row ``(p * features + f) * ksize + t`` of the (csc) matrix selects the
    input pixel under kernel tap ``t`` of feature ``f`` at output pixel
    ``p`` (raster order); taps that fall outside the image (``"full"`` mode
    padding) have no entry. Use :meth:`evaluate` or :meth:`conv_eval`: the
    shapes are static, so nothing is computed in a graph.
    """

    __props__ = ()

    def make_node(self, *inputs):
        raise NotImplementedError(
            "ConvolutionIndices is not applied in graphs: call "
            "ConvolutionIndices.evaluate(inshp, kshp, strides, mode=...) with static shapes"
        )

    def perform(self, node, inputs, outputs):  # pragma: no cover - no nodes exist
        raise NotImplementedError("ConvolutionIndices has no graph form")

    @staticmethod
    def conv_eval(inshp, kshp, strides=(1, 1), mode: str = "valid"):
        """:meth:`evaluate` with weight sharing (the form :func:`convolve` uses)."""
        return ConvolutionIndices.evaluate(inshp, kshp, strides, mode=mode, ws=True)

    @staticmethod
    def evaluate(
        inshp,
        kshp,
        strides=(1, 1),
        nkern: int = 1,
        mode: str = "valid",
        ws: bool = True,
    ):
        """The patch matrix of images of ``inshp`` under kernels of ``kshp``.

        Parameters
        ----------
        inshp
            ``(height, width)`` or ``(features, height, width)``.
        kshp
            ``(kernel_height, kernel_width)``.
        strides
            ``(dx, dy)``: the horizontal and vertical distance between the
            top-left pixels of two neighbouring patches.
        nkern
            Must be 1 (one kernel map is shared by all kernels).
        mode
            ``"valid"`` (patches fully inside the image) or ``"full"`` (every
            overlap, the image zero-padded).
        ws
            Weight sharing; must be ``True``.

        Returns
        -------
        tuple
            ``(indices, indptr, spmat_shape, "csc", outshp)``: the csc
            structure, the matrix shape ``(n_out * features * ksize,
            features * height * width)`` and the output image shape
            ``(out_height, out_width)``.
        """
        if not ws:
            raise ValueError("ws is obsolete and it must be always True")
        if int(nkern) != 1:
            raise NotImplementedError(
                f"ConvolutionIndices with weight sharing builds one kernel map, got nkern={nkern}"
            )
        if mode not in ("valid", "full"):
            raise ValueError(f"mode must be 'valid' or 'full', got {mode!r}")
        n_feat, height, width = _image_shape(inshp)
        kh, kw = (int(k) for k in np.ravel(kshp))
        dx, dy = (int(s) for s in strides)
        if dx <= 0 or dy <= 0:
            raise ValueError(f"strides must be positive, got {(dx, dy)}")
        ksize = kh * kw
        in_hw = np.array([height, width])
        k_hw = np.array([kh, kw])
        sign = -1 if mode == "valid" else 1
        outshp = np.int64(
            np.ceil((in_hw + sign * k_hw - sign) / np.array([dy, dx], dtype="float64"))
        )
        if np.any(outshp <= 0):
            raise ValueError(
                f"Invalid kernel {tuple(k_hw)} and/or step size {(dx, dy)} for given "
                f"input shape {(n_feat, height, width)}"
            )
        n_out = int(np.prod(outshp))
        spmat_shape = (n_out * ksize * n_feat, n_feat * height * width)

        # Patch corners in padded ("full") coordinates, where the image starts
        # at (kh - 1, kw - 1).
        top, left = kh - 1, kw - 1
        start = (top, left) if mode == "valid" else (0, 0)
        oy = start[0] + dy * np.arange(outshp[0])
        ox = start[1] + dx * np.arange(outshp[1])
        f, yi, xi, a, b = np.meshgrid(
            np.arange(n_feat),
            np.arange(outshp[0]),
            np.arange(outshp[1]),
            np.arange(kh),
            np.arange(kw),
            indexing="ij",
        )
        ky = oy[yi] + a
        kx = ox[xi] + b
        inside = (ky >= top) & (ky < top + height) & (kx >= left) & (kx < left + width)
        col = (ky - top) * width + (kx - left) + f * height * width
        tap = a * kw + b
        row = (yi * outshp[1] + xi) * n_feat * ksize + tap + f * ksize
        row, col = row[inside], col[inside]
        spmat = scipy.sparse.csc_matrix(
            (np.ones(len(row)), (row, col)), shape=spmat_shape
        )
        spmat.sort_indices()
        return spmat.indices[: spmat.nnz], spmat.indptr, spmat_shape, "csc", outshp


convolution_indices = ConvolutionIndices()


def _patches(images, imgshp, kshp, step, mode: str):
    """``(patches, outshp)``: one row per (image, output pixel), a patch per feature."""
    from aesara.sparse.basic import structured_dot
    from aesara.sparse.csm import CSM

    indices, indptr, spmat_shape, sptype, outshp = convolution_indices.conv_eval(
        imgshp, kshp, step, mode
    )
    patch_matrix = CSM(sptype)(
        np.ones(indices.size),
        np.asarray(indices, dtype="int32"),
        np.asarray(indptr, dtype="int32"),
        np.asarray(spmat_shape, dtype="int32"),
    )
    return structured_dot(patch_matrix, images.T).T, outshp


def convolve(
    kerns,
    kshp,
    nkern: int,
    images,
    imgshp,
    step=(1, 1),
    bias=None,
    mode: str = "valid",
    flatten: bool = True,
):
    """2-d convolution of flattened images by a sparse patch matrix product.

    Parameters
    ----------
    kerns
        ``nkern x (features * kernel_size)`` matrix of kernels.
    kshp
        The kernel shape ``(height, width)`` (static).
    nkern
        The number of kernels.
    images
        ``batch x (features * height * width)`` matrix, images in raster order.
    imgshp
        ``(height, width)`` or ``(features, height, width)`` (static).
    step
        ``(dx, dy)`` between neighbouring patches.
    bias
        Optional vector of ``nkern`` values added to each feature map.
    mode
        ``"valid"`` or ``"full"``.
    flatten
        Return ``batch x (nkern * n_out)`` (the default) instead of
        ``batch x nkern x n_out``.

    Returns
    -------
    tuple
        The symbolic output (each feature map contiguous, in raster order) and
        its logical shape ``(nkern, out_height, out_width)``.
    """
    from aesara.tensor.basic import as_tensor, stack
    from aesara.tensor.basic import flatten as at_flatten
    from aesara.tensor.math import dot
    from aesara.tensor.shape import reshape

    imgshp = _image_shape(imgshp)
    kern_size = int(np.prod(kshp))
    patches, outshp = _patches(images, imgshp, kshp, step, mode)
    n_out = int(np.prod(outshp))
    patch_stack = reshape(
        patches,
        stack([images.shape[0] * as_tensor(n_out), as_tensor(imgshp[0] * kern_size)]),
        ndim=2,
    )
    # One row per (image, output pixel), one column per kernel.
    output = dot(patch_stack, kerns.T)
    if bias is not None:
        output = output + bias
    per_image = reshape(
        output, stack([images.shape[0], as_tensor(n_out), as_tensor(nkern)]), ndim=3
    )
    output = per_image.dimshuffle(0, 2, 1)
    if flatten:
        output = at_flatten(output, 2)
    return output, np.hstack((nkern, outshp))


def max_pool(images, imgshp, maxpoolshp):
    """Max pooling over non-overlapping ``maxpoolshp`` windows of flattened images.

    Parameters
    ----------
    images
        ``batch x (features * height * width)`` matrix, images in raster order.
    imgshp
        ``(height, width)`` or ``(features, height, width)`` (static).
    maxpoolshp
        The window ``(height, width)``; incomplete windows at the borders
        are dropped.

    Returns
    -------
    tuple
        ``batch x (features * n_out)`` maxima (each feature's map contiguous)
        and the pooled image shape ``(out_height, out_width)``.
    """
    from aesara.tensor.basic import as_tensor, stack
    from aesara.tensor.basic import flatten as at_flatten
    from aesara.tensor.math import max as at_max
    from aesara.tensor.shape import reshape

    imgshp = _image_shape(imgshp)
    poolsize = int(np.prod(maxpoolshp))
    patches, outshp = _patches(images, imgshp, maxpoolshp, maxpoolshp, "valid")
    n_out = int(np.prod(outshp))
    patch_stack = reshape(
        patches,
        stack(
            [
                images.shape[0] * as_tensor(n_out),
                as_tensor(imgshp[0]),
                as_tensor(poolsize),
            ]
        ),
        ndim=3,
    )
    pooled = at_max(patch_stack, axis=2)
    per_image = reshape(
        pooled,
        stack([images.shape[0], as_tensor(n_out), as_tensor(imgshp[0])]),
        ndim=3,
    )
    return at_flatten(per_image.dimshuffle(0, 2, 1), 2), outshp
