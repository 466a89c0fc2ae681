"""Graph rewrites of ``aesara.tensor.nnet``.

In Aesara these rewrites lower the abstract convolution ops to the C
``CorrMM`` / ``ConvOp`` implementations.  Here every convolution op computes
through the same NumPy kernels, so lowering is not needed for correctness:
the lowering rewrites are provided (``local_abstractconv_gemm`` and friends
turn ``AbstractConv*`` nodes into the equivalent ``CorrMM`` /
``Corr3dMM`` nodes) but are registered without tags, so they only run when a
mode asks for them by name.  ``local_abstractconv_check`` accepts every
abstract convolution (they all have an implementation).

``local_conv2d_cpu``, ``local_conv2d_gradweight_cpu`` and
``local_conv2d_gradinputs_cpu`` lower the 2-d abstract convolution and its
two gradients to the legacy ``ConvOp``; as in Aesara they are members of
``conv_groupopt``, which (unlike Aesara's) is not registered in ``optdb``.
"""

from __future__ import annotations

from aesara.graph.rewriting.basic import node_rewriter
from aesara.tensor.nnet.abstract_conv import (
    AbstractConv2d,
    AbstractConv2d_gradInputs,
    AbstractConv2d_gradWeights,
    AbstractConv3d,
    AbstractConv3d_gradInputs,
    AbstractConv3d_gradWeights,
)
from aesara.tensor.nnet.basic import _as_type_of
from aesara.tensor.nnet.blocksparse import SparseBlockGemv, SparseBlockOuter
from aesara.tensor.nnet.corr import CorrMM, CorrMM_gradInputs, CorrMM_gradWeights
from aesara.tensor.nnet.corr3d import Corr3dMM, Corr3dMMGradInputs, Corr3dMMGradWeights
from aesara.tensor.type import TensorType

__all__ = [
    "local_inplace_sparse_block_gemv",
    "local_inplace_sparse_block_outer",
    "local_abstractconv_gemm",
    "local_abstractconv3d_gemm",
    "local_abstractconv_gradweight_gemm",
    "local_abstractconv3d_gradweight_gemm",
    "local_abstractconv_gradinputs_gemm",
    "local_abstractconv3d_gradinputs_gemm",
    "local_abstractconv_check",
    "local_conv2d_cpu",
    "local_conv2d_gradweight_cpu",
    "local_conv2d_gradinputs_cpu",
    "conv_groupopt",
]


@node_rewriter([SparseBlockGemv])
def local_inplace_sparse_block_gemv(fgraph, node):
    """Use the in-place ``SparseBlockGemv``."""
    if isinstance(node.op, SparseBlockGemv) and not node.op.inplace:
        return [SparseBlockGemv(inplace=True)(*node.inputs)]
    return False


@node_rewriter([SparseBlockOuter])
def local_inplace_sparse_block_outer(fgraph, node):
    """Use the in-place ``SparseBlockOuter``."""
    if isinstance(node.op, SparseBlockOuter) and not node.op.inplace:
        return [SparseBlockOuter(inplace=True)(*node.inputs)]
    return False


def _flip(kern, nd):
    return kern[(Ellipsis,) + (slice(None, None, -1),) * nd]


def _corr_kwargs(op):
    kw = dict(
        border_mode=op.border_mode,
        subsample=op.subsample,
        filter_dilation=op.filter_dilation,
        num_groups=op.num_groups,
    )
    if op.convdim == 2:
        kw["unshared"] = op.unshared
    return kw


def _lower_forward(node, abstract, corr):
    if type(node.op) is not abstract:
        return False
    img, kern = node.inputs
    if node.op.filter_flip:
        kern = _flip(kern, node.op.convdim)
    out = corr(**_corr_kwargs(node.op))(img, kern)
    return [out.astype(node.outputs[0].type.dtype)]


def _lower_grad_weights(node, abstract, corr):
    if type(node.op) is not abstract:
        return False
    img, top, shape = node.inputs
    nd = node.op.convdim
    out = corr(**_corr_kwargs(node.op))(img, top, [shape[i] for i in range(nd)])
    if node.op.filter_flip:
        out = _flip(out, nd)
    return [out.astype(node.outputs[0].type.dtype)]


def _lower_grad_inputs(node, abstract, corr):
    if type(node.op) is not abstract:
        return False
    kern, top, shape = node.inputs
    nd = node.op.convdim
    if node.op.filter_flip:
        kern = _flip(kern, nd)
    out = corr(**_corr_kwargs(node.op))(kern, top, [shape[i] for i in range(nd)])
    return [out.astype(node.outputs[0].type.dtype)]


@node_rewriter([AbstractConv2d])
def local_abstractconv_gemm(fgraph, node):
    """``AbstractConv2d`` -> ``CorrMM`` (kernel flipped for a convolution)."""
    return _lower_forward(node, AbstractConv2d, CorrMM)


@node_rewriter([AbstractConv3d])
def local_abstractconv3d_gemm(fgraph, node):
    """``AbstractConv3d`` -> ``Corr3dMM``."""
    return _lower_forward(node, AbstractConv3d, Corr3dMM)


@node_rewriter([AbstractConv2d_gradWeights])
def local_abstractconv_gradweight_gemm(fgraph, node):
    """``AbstractConv2d_gradWeights`` -> ``CorrMM_gradWeights``."""
    return _lower_grad_weights(node, AbstractConv2d_gradWeights, CorrMM_gradWeights)


@node_rewriter([AbstractConv3d_gradWeights])
def local_abstractconv3d_gradweight_gemm(fgraph, node):
    """``AbstractConv3d_gradWeights`` -> ``Corr3dMMGradWeights``."""
    return _lower_grad_weights(node, AbstractConv3d_gradWeights, Corr3dMMGradWeights)


@node_rewriter([AbstractConv2d_gradInputs])
def local_abstractconv_gradinputs_gemm(fgraph, node):
    """``AbstractConv2d_gradInputs`` -> ``CorrMM_gradInputs``."""
    return _lower_grad_inputs(node, AbstractConv2d_gradInputs, CorrMM_gradInputs)


@node_rewriter([AbstractConv3d_gradInputs])
def local_abstractconv3d_gradinputs_gemm(fgraph, node):
    """``AbstractConv3d_gradInputs`` -> ``Corr3dMMGradInputs``."""
    return _lower_grad_inputs(node, AbstractConv3d_gradInputs, Corr3dMMGradInputs)


@node_rewriter(None)
def local_abstractconv_check(fgraph, node):
    """Aesara raises here for abstract convolutions left without an
    implementation; every op of this package can run, so nothing to do."""
    return False


def _register():
    from aesara.compile import optdb

    db = optdb["specialize"]
    for rw in (
        local_abstractconv_gemm,
        local_abstractconv3d_gemm,
        local_abstractconv_gradweight_gemm,
        local_abstractconv3d_gradweight_gemm,
        local_abstractconv_gradinputs_gemm,
        local_abstractconv3d_gradinputs_gemm,
    ):
        name = rw.__name__ if hasattr(rw, "__name__") else str(rw)
        try:
            db.register(name, rw)  # no tags: opt-in by name only
        except (ValueError, TypeError):
            pass


@node_rewriter([AbstractConv2d])
def local_conv2d_cpu(fgraph, node):
    """Lower an :class:`AbstractConv2d` to the legacy :class:`ConvOp` where they
    compute the same thing: ``"valid"``/``"full"`` borders, flipped filters,
    one group, shared weights, no dilation, and an identical output type."""
    from aesara.tensor.nnet.conv import ConvOp

    op = node.op
    if not isinstance(op, AbstractConv2d):
        return False
    img, kern = node.inputs
    if img.type.dtype == "float16" or img.type.dtype != kern.type.dtype:
        return False
    if (
        op.border_mode not in ("valid", "full")
        or not op.filter_flip
        or op.num_groups != 1
        or op.unshared
        or tuple(op.filter_dilation) != (1, 1)
    ):
        return False
    out = ConvOp(output_mode=op.border_mode, dx=op.subsample[0], dy=op.subsample[1])(
        img, kern
    )
    if out.type != node.outputs[0].type:
        return False
    return [out]


def _legacy_grad_applicable(node, op_type):
    """Common conditions (those of Aesara) for lowering a 2-d abstract
    convolution gradient to the legacy :class:`ConvOp`."""
    op = node.op
    if not isinstance(op, op_type):
        return False
    first, topgrad = node.inputs[:2]
    if not isinstance(first.type, TensorType) or not isinstance(
        topgrad.type, TensorType
    ):
        return False
    if first.type.dtype == "float16" or first.type.dtype != topgrad.type.dtype:
        return False
    if op.border_mode not in ("valid", "full") or not op.filter_flip:
        return False
    if op.num_groups != 1 or op.unshared:
        return False
    # Aesara does not test the dilation here, but ConvOp cannot dilate: a
    # dilated gradient lowered this way would be wrong, so it is left alone.
    if tuple(op.filter_dilation) != (1, 1):
        return False
    dx, dy = op.subsample
    if op.border_mode == "valid" and (dx, dy) != (1, 1):
        return False
    if dx not in (1, 2) or dy not in (1, 2):
        return False
    # Aesara needs the static shapes to lay out a strided gradient; the same
    # nodes are matched here even though the graph below is symbolic.
    shapes = (op.imshp or (None,) * 4) + (op.kshp or (None,) * 4)
    if (dx, dy) != (1, 1) and None in shapes:
        return False
    return True


def _upsample(top, full_rows, full_cols, subsample):
    """Spread a strided output gradient ``top`` over a zero tensor of the
    unstrided spatial size ``(full_rows, full_cols)``: entry ``(i, j)`` goes
    to ``(i * dx, j * dy)``, the position it was sampled from."""
    import aesara.tensor as at

    if tuple(subsample) == (1, 1):
        return top
    dx, dy = subsample
    zeros = at.zeros(
        (top.shape[0], top.shape[1], full_rows, full_cols), dtype=top.type.dtype
    )
    return at.set_subtensor(zeros[:, :, ::dx, ::dy], top)


@node_rewriter([AbstractConv2d_gradWeights])
def local_conv2d_gradweight_cpu(fgraph, node):
    """Lower an :class:`AbstractConv2d_gradWeights` to the legacy
    :class:`~aesara.tensor.nnet.conv.ConvOp`.

    Matches what Aesara's rewrite of this name matches: a true convolution
    (``filter_flip``) in ``"valid"`` or ``"full"`` mode, one group, shared
    weights, float32/float64, strides of 1 or 2 (``"full"`` only, and only
    with static ``imshp``/``kshp``); also no dilation, which Aesara does not
    check but the legacy op cannot do.

    The kernel gradient is written as a ``"valid"`` :class:`ConvOp` of
    batch-transposed tensors: for ``"valid"``, of the image by the flipped
    output gradient (then transposed back and flipped); for ``"full"``, of
    the output gradient (spread back over the unstrided size with zeros when
    strided: Aesara's ``imshp_logical``) by the flipped image. The result
    equals what the abstract op computes.
    """
    from aesara.tensor.nnet.conv import ConvOp

    if not _legacy_grad_applicable(node, AbstractConv2d_gradWeights):
        return False
    img, topgrad, shape = node.inputs
    op = node.op
    # Treat the batch axis as channels: the sum over examples becomes the
    # convolution's sum over input channels.
    img_t = img.dimshuffle(1, 0, 2, 3)
    top_t = topgrad.dimshuffle(1, 0, 2, 3)
    if op.border_mode == "valid":
        res = ConvOp(output_mode="valid")(img_t, top_t[:, :, ::-1, ::-1])
        res = res.dimshuffle(1, 0, 2, 3)[:, :, ::-1, ::-1]
    else:
        up = _upsample(
            top_t,
            img.shape[2] + shape[0] - 1,
            img.shape[3] + shape[1] - 1,
            op.subsample,
        )
        res = ConvOp(output_mode="valid")(up, img_t[:, :, ::-1, ::-1])
    res = _as_type_of(res, node.outputs[0])
    return False if res is None else [res]


@node_rewriter([AbstractConv2d_gradInputs])
def local_conv2d_gradinputs_cpu(fgraph, node):
    """Lower an :class:`AbstractConv2d_gradInputs` to the legacy
    :class:`~aesara.tensor.nnet.conv.ConvOp`.

    Matches the same nodes as :func:`local_conv2d_gradweight_cpu` (as in
    Aesara). The image gradient is a :class:`ConvOp` of the output gradient
    by the channel-transposed, flipped kernels, in the other border mode
    (``"full"`` for a ``"valid"`` convolution and the reverse); a strided
    ``"full"`` gradient is first spread back over the unstrided size with
    zeros. The result equals what the abstract op computes.
    """
    from aesara.tensor.nnet.conv import ConvOp

    if not _legacy_grad_applicable(node, AbstractConv2d_gradInputs):
        return False
    kern, topgrad, shape = node.inputs
    op = node.op
    filters = kern.dimshuffle(1, 0, 2, 3)[:, :, ::-1, ::-1]
    if op.border_mode == "valid":
        res = ConvOp(output_mode="full")(topgrad, filters)
    else:
        up = _upsample(
            topgrad,
            shape[0] + kern.shape[2] - 1,
            shape[1] + kern.shape[3] - 1,
            op.subsample,
        )
        res = ConvOp(output_mode="valid")(up, filters)
    res = _as_type_of(res, node.outputs[0])
    return False if res is None else [res]


def _build_conv_groupopt():
    from aesara.graph.rewriting.db import LocalGroupDB

    group = LocalGroupDB()
    group.__name__ = "conv_opts"
    for rw in (
        local_abstractconv_gemm,
        local_abstractconv_gradweight_gemm,
        local_abstractconv_gradinputs_gemm,
        local_abstractconv3d_gemm,
        local_abstractconv3d_gradweight_gemm,
        local_abstractconv3d_gradinputs_gemm,
    ):
        group.register(
            rw.__name__, rw, "conv_gemm", "fast_compile", "fast_run", position=30
        )
    for rw in (
        local_conv2d_cpu,
        local_conv2d_gradweight_cpu,
        local_conv2d_gradinputs_cpu,
    ):
        group.register(rw.__name__, rw, "fast_compile", "fast_run", position=40)
    return group


#: The lowerings of the abstract convolutions as one group (Aesara's
#: ``conv_opts``). Unlike Aesara it is not registered in ``specialize``: the
#: abstract ops run by themselves here, and the lowerings stay opt-in by name
#: (see :func:`_register`). Query it to get one node rewriter trying them all.
conv_groupopt = _build_conv_groupopt()

_register()
