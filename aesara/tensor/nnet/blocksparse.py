"""Block-sparse products: ``SparseBlockGemv``, ``SparseBlockOuter`` and
``sparse_block_dot``.

A weight tensor ``W`` of shape ``(iBlocks, oBlocks, iSize, oSize)`` holds one
dense block per (input block, output block) pair; each example only uses the
blocks named by its ``inputIdx`` / ``outputIdx`` rows.
"""

from __future__ import annotations

import numpy as np

from aesara.gradient import grad_undefined
from aesara.graph.basic import Apply, Variable
from aesara.graph.op import Op
from aesara.tensor.basic import as_tensor_variable

__all__ = [
    "SparseBlockGemv",
    "SparseBlockOuter",
    "sparse_block_gemv",
    "sparse_block_gemv_inplace",
    "sparse_block_outer",
    "sparse_block_outer_inplace",
    "sparse_block_dot",
]


def _check(name, var, ndim, what, integer=False):
    if var.type.ndim != ndim:
        raise TypeError(f"{name}: {what} must be {ndim}-d, got {var.type}")
    if integer and var.type.dtype[:3] not in ("int", "uin"):
        raise TypeError(f"{name}: {what} must hold integers, got {var.type.dtype}")


class SparseBlockGemv(Op):
    """``o[b, j] + sum_i h[b, i] @ W[inputIdx[b, i], outputIdx[b, j]]``.

    Inputs: ``o`` ``(batch, oWin, oSize)``, ``W`` ``(iBlocks, oBlocks, iSize,
    oSize)``, ``h`` ``(batch, iWin, iSize)``, ``inputIdx`` ``(batch, iWin)``,
    ``outputIdx`` ``(batch, oWin)``.
    """

    __props__ = ("inplace",)

    def __init__(self, inplace: bool = False):
        self.inplace = bool(inplace)
        if self.inplace:
            self.destroy_map = {0: [0]}

    def make_node(self, o, W, h, inputIdx, outputIdx) -> Apply:
        o, W, h, inputIdx, outputIdx = map(
            as_tensor_variable, (o, W, h, inputIdx, outputIdx)
        )
        _check("SparseBlockGemv", o, 3, "o")
        _check("SparseBlockGemv", W, 4, "W")
        _check("SparseBlockGemv", h, 3, "h")
        _check("SparseBlockGemv", inputIdx, 2, "inputIdx", integer=True)
        _check("SparseBlockGemv", outputIdx, 2, "outputIdx", integer=True)
        return Apply(self, [o, W, h, inputIdx, outputIdx], [o.type()])

    def perform(self, node, inputs, output_storage, params=None):
        o, W, h, iIdx, oIdx = inputs
        if not self.inplace:
            o = o.copy()
        blocks = W[iIdx[:, :, None], oIdx[:, None, :]]  # (b, iWin, oWin, iSize, oSize)
        o += np.einsum("bis,bijst->bjt", h, blocks, optimize=True).astype(
            o.dtype, copy=False
        )
        output_storage[0][0] = o

    def infer_shape(self, fgraph, node, input_shapes):
        return [input_shapes[0]]

    def grad(self, inputs, output_gradients):
        o, W, h, iIdx, oIdx = inputs
        (go,) = output_gradients
        Wgrad = SparseBlockOuter(self.inplace)(W.zeros_like(), h, go, iIdx, oIdx)
        hgrad = SparseBlockGemv(self.inplace)(
            h.zeros_like(), W.dimshuffle((1, 0, 3, 2)), go, oIdx, iIdx
        )
        return [
            go,
            Wgrad,
            hgrad,
            grad_undefined(self, 3, iIdx, "grad of inputIdx makes no sense"),
            grad_undefined(self, 4, oIdx, "grad of outputIdx makes no sense"),
        ]


class SparseBlockOuter(Op):
    """``o`` plus ``alpha * outer(x[b, i], y[b, j])`` accumulated into block
    ``(xIdx[b, i], yIdx[b, j])`` for every ``b, i, j``.

    Inputs: ``o`` ``(xBlocks, yBlocks, xSize, ySize)``, ``x`` ``(batch, xWin,
    xSize)``, ``y`` ``(batch, yWin, ySize)``, ``xIdx``, ``yIdx`` and an
    optional scalar ``alpha`` (default 1).
    """

    __props__ = ("inplace",)

    def __init__(self, inplace: bool = False):
        self.inplace = bool(inplace)
        if self.inplace:
            self.destroy_map = {0: [0]}

    def make_node(self, o, x, y, xIdx, yIdx, alpha=None) -> Apply:
        o, x, y, xIdx, yIdx = map(as_tensor_variable, (o, x, y, xIdx, yIdx))
        _check("SparseBlockOuter", o, 4, "o")
        _check("SparseBlockOuter", x, 3, "x")
        _check("SparseBlockOuter", y, 3, "y")
        _check("SparseBlockOuter", xIdx, 2, "xIdx", integer=True)
        _check("SparseBlockOuter", yIdx, 2, "yIdx", integer=True)
        if alpha is None:
            alpha = np.asarray(1.0, dtype=o.type.dtype)
        alpha = as_tensor_variable(alpha)
        _check("SparseBlockOuter", alpha, 0, "alpha")
        return Apply(self, [o, x, y, xIdx, yIdx, alpha], [o.type()])

    def perform(self, node, inputs, output_storage, params=None):
        o, x, y, xIdx, yIdx, alpha = inputs
        if not self.inplace:
            o = o.copy()
        prod = alpha * np.einsum("bis,bjt->bijst", x, y)
        # np.add.at accumulates repeated (block, block) pairs correctly
        np.add.at(
            o, (xIdx[:, :, None], yIdx[:, None, :]), prod.astype(o.dtype, copy=False)
        )
        output_storage[0][0] = o

    def infer_shape(self, fgraph, node, input_shapes):
        return [input_shapes[0]]


sparse_block_gemv = SparseBlockGemv(False)
sparse_block_gemv_inplace = SparseBlockGemv(True)
sparse_block_outer = SparseBlockOuter(False)
sparse_block_outer_inplace = SparseBlockOuter(True)


def sparse_block_dot(W, h, inputIdx, b, outputIdx) -> Variable:
    """Block-sparse ``h @ W + b``.

    Parameters
    ----------
    W
        ``(iBlocks, oBlocks, iSize, oSize)`` weights.
    h
        ``(batch, iWin, iSize)`` (or ``(iWin, iSize)`` for one example).
    inputIdx
        ``(batch, iWin)`` input block indices.
    b
        ``(oBlocks, oSize)`` biases.
    outputIdx
        ``(batch, oWin)`` output block indices.

    Returns
    -------
    Variable
        ``(batch, oWin, oSize)``.
    """
    W, h, inputIdx, b, outputIdx = map(
        as_tensor_variable, (W, h, inputIdx, b, outputIdx)
    )
    if (
        inputIdx.type.ndim != h.type.ndim - 1
        or outputIdx.type.ndim != inputIdx.type.ndim
    ):
        raise TypeError(
            "sparse_block_dot: inputIdx and outputIdx must have one dimension less "
            f"than h; got h {h.type}, inputIdx {inputIdx.type}, outputIdx {outputIdx.type}"
        )
    if h.type.ndim == 2:
        h = h.dimshuffle("x", 0, 1)
        inputIdx = inputIdx.dimshuffle("x", 0)
        outputIdx = outputIdx.dimshuffle("x", 0)
    return SparseBlockGemv()(b.take(outputIdx, axis=0), W, h, inputIdx, outputIdx)
