"""The legacy 2-d convolution op ``ConvOp`` and its ``conv2d`` (deprecated
in Aesara in favour of :func:`aesara.tensor.nnet.abstract_conv.conv2d`).

``ConvOp`` convolves (flipped kernels) 4-d images ``(bsize, stack, rows,
cols)`` with kernels ``(nkern, stack, krows, kcols)`` in ``"valid"`` or
``"full"`` mode with strides ``(dx, dy)``; it computes through the same NumPy
kernels as the abstract ops, and its gradients are abstract-convolution ops.
"""

from __future__ import annotations

import warnings

import numpy as np

from aesara.graph.basic import Apply, Variable
from aesara.graph.op import Op
from aesara.tensor.basic import as_tensor_variable, get_scalar_constant_value
from aesara.tensor.exceptions import NotScalarConstantError
from aesara.tensor.nnet import _conv_numpy as cn

__all__ = ["ConvOp", "conv2d"]


def _const_ints(shape, what):
    if shape is None:
        return None
    out = []
    for s in shape:
        if s is None:
            out.append(None)
            continue
        try:
            out.append(int(get_scalar_constant_value(as_tensor_variable(s))))
        except NotScalarConstantError as err:
            raise NotScalarConstantError(
                f"conv2d needs constant shape information; got {s!r} in {what}"
            ) from err
    return out


class ConvOp(Op):
    """Legacy batched 2-d convolution.

    Parameters
    ----------
    imshp
        ``(stack, rows, cols)`` of one image (optional, checked at run time).
    kshp
        ``(krows, kcols)`` (optional).
    nkern, bsize
        Number of kernels and batch size (optional).
    dx, dy
        Output strides.
    output_mode
        ``"valid"`` or ``"full"``.
    kwargs
        Tuning options of the historical C implementation (``unroll_batch``,
        ``unroll_kern``, ``unroll_patch``, ``openmp``, ``verbose``...),
        accepted and ignored.
    """

    __props__ = ("imshp", "kshp", "nkern", "bsize", "dx", "dy", "out_mode")

    @staticmethod
    def getOutputShape(inshp, kshp, stride=(1, 1), mode="valid"):
        """Spatial output shape of a ``mode`` convolution of ``inshp`` by ``kshp``."""
        if mode == "valid":
            return tuple(
                None if i is None or k is None else int(np.ceil((i - k + 1) / s))
                for i, k, s in zip(inshp, kshp, stride)
            )
        return tuple(
            None if i is None or k is None else int(np.ceil((i + k - 1) / s))
            for i, k, s in zip(inshp, kshp, stride)
        )

    def __init__(
        self,
        imshp=None,
        kshp=None,
        nkern=None,
        bsize=None,
        dx=1,
        dy=1,
        output_mode="valid",
        **kwargs,
    ):
        if output_mode not in ("valid", "full"):
            raise ValueError(
                f"ConvOp: output_mode must be 'valid' or 'full', got {output_mode!r}"
            )
        if imshp is not None:
            imshp = tuple(imshp)
            if len(imshp) == 2:
                imshp = (1,) + imshp
            if len(imshp) != 3:
                raise ValueError(f"ConvOp: imshp must have 2 or 3 entries, got {imshp}")
        self.imshp = imshp
        self.kshp = tuple(kshp) if kshp is not None else None
        if self.kshp is not None and len(self.kshp) != 2:
            raise ValueError(f"ConvOp: kshp must have 2 entries, got {self.kshp}")
        self.nkern = nkern
        self.bsize = bsize
        self.dx = int(dx)
        self.dy = int(dy)
        if self.dx < 1 or self.dy < 1:
            raise ValueError(f"ConvOp: dx and dy must be >= 1, got {(dx, dy)}")
        self.out_mode = output_mode

    def _abstract_args(self):
        imshp = None
        if self.imshp is not None:
            imshp = (self.bsize,) + tuple(self.imshp)
        kshp = None
        if self.kshp is not None:
            stack = self.imshp[0] if self.imshp is not None else None
            kshp = (self.nkern, stack) + tuple(self.kshp)
        return dict(
            imshp=imshp,
            kshp=kshp,
            border_mode=self.out_mode,
            subsample=(self.dx, self.dy),
            filter_flip=True,
        )

    def make_node(self, inputs, kerns) -> Apply:
        inputs = as_tensor_variable(inputs)
        kerns = as_tensor_variable(kerns)
        if inputs.type.ndim != 4 or kerns.type.ndim != 4:
            raise TypeError(
                f"ConvOp: inputs and kerns must be 4-d tensors, got {inputs.type} and "
                f"{kerns.type}"
            )
        if inputs.type.dtype != kerns.type.dtype:
            raise TypeError(
                f"ConvOp: inputs ({inputs.type.dtype}) and kerns ({kerns.type.dtype}) "
                "must have the same dtype"
            )
        shape = (
            1 if inputs.type.shape[0] == 1 else None,
            1 if kerns.type.shape[0] == 1 else None,
            None,
            None,
        )
        return Apply(self, [inputs, kerns], [inputs.type.clone(shape=shape)()])

    def perform(self, node, inputs, output_storage, params=None):
        img, kern = inputs
        for what, want, got in (
            ("imshp", self.imshp, img.shape[1:]),
            ("kshp", self.kshp, kern.shape[2:]),
            ("bsize", None if self.bsize is None else (self.bsize,), img.shape[:1]),
            ("nkern", None if self.nkern is None else (self.nkern,), kern.shape[:1]),
        ):
            if want is not None and any(
                w is not None and w != g for w, g in zip(want, got)
            ):
                raise ValueError(
                    f"ConvOp: the given {what} {want} does not match {got}"
                )
        kern = cn.flip_kernel(kern, 2)
        pads = cn.resolve_pads(self.out_mode, kern.shape[2:], (1, 1))
        out = cn.corr_forward(img, kern, pads, (self.dx, self.dy), (1, 1))
        output_storage[0][0] = np.asarray(out, dtype=node.outputs[0].type.dtype)

    def infer_shape(self, fgraph, node, input_shapes):
        from aesara.tensor.nnet.abstract_conv import get_conv_output_shape

        return [
            get_conv_output_shape(
                input_shapes[0], input_shapes[1], self.out_mode, (self.dx, self.dy)
            )
        ]

    def grad(self, inputs, output_gradients):
        from aesara.tensor.nnet.abstract_conv import (
            AbstractConv2d_gradInputs,
            AbstractConv2d_gradWeights,
        )

        img, kern = inputs
        (gz,) = output_gradients
        args = self._abstract_args()
        d_img = AbstractConv2d_gradInputs(**args)(kern, gz, img.shape[-2:])
        d_kern = AbstractConv2d_gradWeights(**args)(img, gz, kern.shape[-2:])
        return [d_img, d_kern]


def conv2d(
    input,
    filters,
    image_shape=None,
    filter_shape=None,
    border_mode="valid",
    subsample=(1, 1),
    **kargs,
) -> Variable:
    """Deprecated legacy 2-d convolution (use :func:`aesara.tensor.nnet.conv2d`).

    Parameters
    ----------
    input
        ``(batch, stack, rows, cols)`` images.
    filters
        ``(nkern, stack, krows, kcols)`` kernels.
    image_shape, filter_shape
        Optional constant shapes.
    border_mode
        ``"valid"`` or ``"full"``.
    subsample
        Output strides.
    """
    warnings.warn(
        "aesara.tensor.nnet.conv.conv2d is deprecated. Use aesara.tensor.nnet.conv2d instead.",
        DeprecationWarning,
        stacklevel=2,
    )
    image_shape = _const_ints(image_shape, "image_shape")
    filter_shape = _const_ints(filter_shape, "filter_shape")
    if image_shape and filter_shape:
        if (
            image_shape[1] is not None
            and filter_shape[1] is not None
            and image_shape[1] != filter_shape[1]
        ):
            raise ValueError(
                f"conv2d: image_shape {image_shape} and filter_shape {filter_shape} "
                "disagree on the number of input channels"
            )
    nkern, kshp = (filter_shape[0], filter_shape[2:]) if filter_shape else (None, None)
    bsize, imshp = (image_shape[0], image_shape[1:]) if image_shape else (None, None)
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
    return op(input, filters)
