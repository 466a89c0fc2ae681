"""Abstract 2-d and 3-d convolution: the ``AbstractConv*`` ops (forward,
weight gradient, input gradient), their shape helpers and the user-facing
functions (``conv2d``, ``conv3d``, ``conv2d_transpose``,
``separable_conv2d``, ``causal_conv1d``, ``bilinear_upsampling``...).

The ops compute in NumPy (``aesara.tensor.nnet._conv_numpy``): they support
every border mode (``"valid"``, ``"full"``, ``"half"``, symmetric integer and
— in 2-d — asymmetric ``(left, right)`` padding), ``subsample`` strides,
``filter_dilation``, ``num_groups`` and, in 2-d, unshared kernels.  With
``filter_flip=True`` (the default) they compute a true convolution, otherwise
a cross-correlation.
"""

from __future__ import annotations

import math

import numpy as np

from aesara.configdefaults import config
from aesara.gradient import DisconnectedType
from aesara.graph.basic import Apply, Variable
from aesara.graph.op import Op
from aesara.tensor.basic import as_tensor_variable, get_scalar_constant_value
from aesara.tensor.exceptions import NotScalarConstantError
from aesara.tensor.nnet import _conv_numpy as cn
from aesara.tensor.nnet._conv_shapes import (
    assert_conv_shape,
    assert_shape,
    border_mode_to_pad,
    check_conv_gradinputs_shape,
    get_conv_gradinputs_shape,
    get_conv_gradinputs_shape_1axis,
    get_conv_gradweights_shape,
    get_conv_gradweights_shape_1axis,
    get_conv_output_shape,
    get_conv_shape_1axis,
)

__all__ = [
    "get_conv_output_shape",
    "get_conv_shape_1axis",
    "get_conv_gradweights_shape",
    "get_conv_gradweights_shape_1axis",
    "get_conv_gradinputs_shape",
    "get_conv_gradinputs_shape_1axis",
    "check_conv_gradinputs_shape",
    "assert_conv_shape",
    "assert_shape",
    "border_mode_to_pad",
    "abstract_conv2d",
    "conv2d",
    "conv3d",
    "conv2d_grad_wrt_inputs",
    "conv2d_grad_wrt_weights",
    "conv3d_grad_wrt_inputs",
    "conv3d_grad_wrt_weights",
    "conv2d_transpose",
    "separable_conv2d",
    "separable_conv3d",
    "causal_conv1d",
    "bilinear_kernel_1D",
    "bilinear_kernel_2D",
    "bilinear_upsampling",
    "frac_bilinear_upsampling",
    "BaseAbstractConv",
    "AbstractConv",
    "AbstractConv2d",
    "AbstractConv3d",
    "AbstractConv_gradWeights",
    "AbstractConv2d_gradWeights",
    "AbstractConv3d_gradWeights",
    "AbstractConv_gradInputs",
    "AbstractConv2d_gradInputs",
    "AbstractConv3d_gradInputs",
]


# --------------------------------------------------------------------------
# ops
# --------------------------------------------------------------------------


def _normalize_border_mode(border_mode, convdim):
    if isinstance(border_mode, (int, np.integer)) and not isinstance(border_mode, bool):
        if border_mode < 0:
            raise ValueError(
                f"invalid border_mode {border_mode}, which must be a non-negative integer"
            )
        border_mode = (int(border_mode),) * convdim
    if isinstance(border_mode, list):
        border_mode = tuple(border_mode)
    if isinstance(border_mode, tuple):
        if len(border_mode) != convdim:
            raise ValueError(
                f"invalid border_mode {border_mode}, which must be a tuple of length "
                f"{convdim}"
            )
        new = []
        for m in border_mode:
            if isinstance(m, list):
                m = tuple(m)
            if isinstance(m, (int, np.integer)) and not isinstance(m, bool) and m >= 0:
                new.append(int(m))
            elif (
                isinstance(m, tuple)
                and len(m) == 2
                and all(isinstance(b, (int, np.integer)) for b in m)
                and min(m) >= 0
            ):
                if convdim != 2:
                    raise NotImplementedError(
                        f"Asymmetric padding not implemented for {convdim}D"
                    )
                new.append(int(m[0]) if m[0] == m[1] else (int(m[0]), int(m[1])))
            else:
                raise ValueError(
                    f"invalid border mode {border_mode}: the tuple can only contain "
                    "non-negative integers or pairs of them"
                )
        if all(m == 0 for m in new):
            return "valid"
        return tuple(new)
    if border_mode not in ("valid", "full", "half"):
        raise ValueError(
            f'invalid border_mode {border_mode!r}, which must be "valid", "full", '
            f'"half", an integer or a tuple of length {convdim}'
        )
    return border_mode


def _const_shape(shape, what, length):
    if not shape:
        return (None,) * length
    shape = tuple(shape)
    out = []
    for s in shape:
        if s is None:
            out.append(None)
            continue
        try:
            out.append(int(get_scalar_constant_value(s, only_process_constants=True)))
        except NotScalarConstantError as err:
            raise ValueError(
                f"{what} should be None or a tuple of constant int values, got {shape}"
            ) from err
    return tuple(out)


class BaseAbstractConv(Op):
    """Common parameters of the abstract convolution ops.

    Parameters
    ----------
    convdim
        Number of spatial dimensions (2 or 3).
    imshp, kshp
        Optional static image and kernel shapes (``None`` entries unknown);
        checked when the op runs.
    border_mode
        ``"valid"``, ``"full"``, ``"half"``, an int, or a tuple with one int
        (or, in 2-d, one ``(left, right)`` pair) per spatial axis.
    subsample
        Output strides.
    filter_flip
        ``True`` for a convolution, ``False`` for a cross-correlation.
    filter_dilation
        Kernel dilation factors.
    num_groups
        Channel groups (input and output channels are split evenly).
    unshared
        2-d only: a different kernel at every output position.
    """

    check_broadcast = False
    __props__ = (
        "convdim",
        "border_mode",
        "subsample",
        "filter_flip",
        "imshp",
        "kshp",
        "filter_dilation",
        "num_groups",
        "unshared",
    )

    def __init__(
        self,
        convdim,
        imshp=None,
        kshp=None,
        border_mode="valid",
        subsample=None,
        filter_flip=True,
        filter_dilation=None,
        num_groups=1,
        unshared=False,
    ):
        if convdim not in (2, 3):
            raise ValueError(f"convolution dimension {convdim} is not supported")
        self.convdim = convdim
        if subsample is None:
            subsample = (1,) * convdim
        if filter_dilation is None:
            filter_dilation = (1,) * convdim
        self.border_mode = _normalize_border_mode(border_mode, convdim)
        self.imshp = _const_shape(imshp, "imshp", 2 + convdim)
        self.kshp = _const_shape(
            kshp, "kshp", (2 + 2 * convdim) if unshared else (2 + convdim)
        )
        self.filter_flip = bool(filter_flip)
        if len(subsample) != convdim:
            raise ValueError(f"subsample must have {convdim} elements, got {subsample}")
        self.subsample = tuple(int(s) for s in subsample)
        if min(self.subsample) < 1:
            raise ValueError(f"subsample must be >= 1, got {self.subsample}")
        if len(filter_dilation) != convdim:
            raise ValueError(
                f"filter_dilation must have {convdim} elements, got {filter_dilation}"
            )
        self.filter_dilation = tuple(int(d) for d in filter_dilation)
        if min(self.filter_dilation) < 1:
            raise ValueError(
                f"filter_dilation must be >= 1, got {self.filter_dilation}"
            )
        if num_groups < 1:
            raise ValueError(f"num_groups must be greater than zero, got {num_groups}")
        self.num_groups = int(num_groups)
        if unshared and convdim != 2:
            raise NotImplementedError(
                f"Unshared convolution not implemented for {convdim}D"
            )
        self.unshared = bool(unshared)

    def do_constant_folding(self, fgraph, node):
        # convolutions of constants are usually large; keep them in the graph
        return False

    def _pads(self, kshp):
        return cn.resolve_pads(self.border_mode, kshp, self.filter_dilation)

    def _check_static(self, value, expected, what):
        for i, (got, want) in enumerate(zip(value.shape, expected)):
            if want is not None and got != want:
                raise ValueError(
                    f"{type(self).__name__} shape mismatch: shape of {what} "
                    f"{tuple(value.shape)} does not match the given shape "
                    f"{tuple(expected)} (axis {i})"
                )

    def conv(
        self,
        img,
        kern,
        mode="valid",
        dilation=1,
        num_groups=1,
        unshared=False,
        direction="forward",
    ):
        """Correlate NumPy arrays ``img`` and ``kern`` (kept for compatibility
        with Aesara's helper of the same name)."""
        nd = self.convdim
        if isinstance(dilation, int):
            dilation = (dilation,) * nd
        pads = cn.resolve_pads(mode, kern.shape[-nd:], dilation)
        return cn.corr_forward(
            img, kern, pads, (1,) * nd, dilation, num_groups, unshared
        )


def _spatial_ops(convdim):
    return {
        2: (AbstractConv2d, AbstractConv2d_gradWeights, AbstractConv2d_gradInputs),
        3: (AbstractConv3d, AbstractConv3d_gradWeights, AbstractConv3d_gradInputs),
    }[convdim]


class AbstractConv(BaseAbstractConv):
    """Forward convolution of ``img`` ``(B, C, *spatial)`` by ``kern``
    ``(O, C // num_groups, *kernel)``."""

    def make_node(self, img, kern) -> Apply:
        img = as_tensor_variable(img)
        kern = as_tensor_variable(kern)
        nd = self.convdim
        if img.type.ndim != 2 + nd:
            raise TypeError(f"img must be a {2 + nd}D tensor, got {img.type}")
        kdim = 2 + 2 * nd if self.unshared else 2 + nd
        if kern.type.ndim != kdim:
            raise TypeError(
                f"kern must be a {kdim}D tensor"
                f"{' for unshared convolution' if self.unshared else ''}, got {kern.type}"
            )
        if kern.type.dtype != img.type.dtype:
            kern = img.type.clone(shape=kern.type.shape).filter_variable(kern)
        out_shape = (
            1 if img.type.shape[0] == 1 else None,
            1 if kern.type.shape[0] == 1 else None,
        ) + (None,) * nd
        return Apply(self, [img, kern], [img.type.clone(shape=out_shape)()])

    def perform(self, node, inputs, output_storage, params=None):
        img, kern = inputs
        nd = self.convdim
        self._check_static(img, self.imshp, "image")
        self._check_static(kern, self.kshp, "filters")
        if self.filter_flip:
            kern = cn.flip_kernel(kern, nd)
        out = cn.corr_forward(
            img,
            kern,
            self._pads(kern.shape[-nd:]),
            self.subsample,
            self.filter_dilation,
            self.num_groups,
            self.unshared,
        )
        output_storage[0][0] = np.asarray(out, dtype=node.outputs[0].type.dtype)

    def infer_shape(self, fgraph, node, input_shapes):
        imshp, kshp = input_shapes
        imshp = [
            self.imshp[i] if self.imshp[i] is not None else imshp[i]
            for i in range(len(imshp))
        ]
        kshp = [
            self.kshp[i] if self.kshp[i] is not None else kshp[i]
            for i in range(len(kshp))
        ]
        return [
            get_conv_output_shape(
                imshp, kshp, self.border_mode, self.subsample, self.filter_dilation
            )
        ]

    def R_op(self, inputs, eval_points):
        if None in eval_points:
            return [None]
        rval = self.make_node(eval_points[0], inputs[1]).outputs[0]
        rval += self.make_node(inputs[0], eval_points[1]).outputs[0]
        return [rval]

    def grad(self, inputs, output_gradients):
        bottom, weights = inputs
        (top,) = output_gradients
        _, gw_op, gi_op = _spatial_ops(self.convdim)
        args = self._args()
        nd = self.convdim
        d_bottom = gi_op(*args)(weights, top, bottom.shape[-nd:])
        d_weights = gw_op(*args)(bottom, top, weights.shape[-nd:])
        d_bottom = bottom.type.filter_variable(d_bottom)
        d_weights = weights.type.filter_variable(d_weights)
        return [d_bottom, d_weights]

    def _args(self):
        return (
            self.imshp,
            self.kshp,
            self.border_mode,
            self.subsample,
            self.filter_flip,
            self.filter_dilation,
            self.num_groups,
            self.unshared,
        )


class AbstractConv2d(AbstractConv):
    """Forward 2-d convolution; see :class:`BaseAbstractConv`."""

    def __init__(
        self,
        imshp=None,
        kshp=None,
        border_mode="valid",
        subsample=(1, 1),
        filter_flip=True,
        filter_dilation=(1, 1),
        num_groups=1,
        unshared=False,
    ):
        super().__init__(
            2,
            imshp,
            kshp,
            border_mode,
            subsample,
            filter_flip,
            filter_dilation,
            num_groups,
            unshared,
        )


class AbstractConv3d(AbstractConv):
    """Forward 3-d convolution; see :class:`BaseAbstractConv`."""

    def __init__(
        self,
        imshp=None,
        kshp=None,
        border_mode="valid",
        subsample=(1, 1, 1),
        filter_flip=True,
        filter_dilation=(1, 1, 1),
        num_groups=1,
    ):
        super().__init__(
            3,
            imshp,
            kshp,
            border_mode,
            subsample,
            filter_flip,
            filter_dilation,
            num_groups,
            False,
        )

    def _args(self):
        return super()._args()[:-1]


def _shape_vector(shape, convdim, what):
    shape = as_tensor_variable(shape)
    if shape.type.ndim != 1 or shape.type.dtype[:3] not in ("int", "uin"):
        raise TypeError(f"{what} must be an integer vector, got {shape.type}")
    if shape.type.shape[0] is not None and shape.type.shape[0] != convdim:
        raise ValueError(
            f"{what} must have {convdim} entries, got {shape.type.shape[0]}"
        )
    return shape


class AbstractConv_gradWeights(BaseAbstractConv):
    """Gradient of the convolution with respect to the kernel.

    Inputs: the image, the output gradient ``topgrad`` and the kernel's
    spatial shape.
    """

    def make_node(self, img, topgrad, shape, add_assert_shape=True) -> Apply:
        img = as_tensor_variable(img)
        topgrad = as_tensor_variable(topgrad)
        nd = self.convdim
        if img.type.ndim != 2 + nd:
            raise TypeError(f"img must be a {2 + nd}D tensor, got {img.type}")
        if topgrad.type.ndim != 2 + nd:
            raise TypeError(f"topgrad must be a {2 + nd}D tensor, got {topgrad.type}")
        if topgrad.type.dtype != img.type.dtype:
            topgrad = img.type.clone(shape=topgrad.type.shape).filter_variable(topgrad)
        shape = _shape_vector(shape, nd, "shape")
        if self.unshared:
            out_shape = (
                (topgrad.type.shape[1],)
                + (None,) * nd
                + (img.type.shape[1],)
                + (None,) * nd
            )
        else:
            out_shape = (topgrad.type.shape[1], img.type.shape[1]) + (None,) * nd
        out_shape = tuple(1 if s == 1 else None for s in out_shape)
        return Apply(self, [img, topgrad, shape], [img.type.clone(shape=out_shape)()])

    def perform(self, node, inputs, output_storage, params=None):
        img, topgrad, shape = inputs
        nd = self.convdim
        self._check_static(img, self.imshp, "image")
        kshp = tuple(int(s) for s in shape)
        dw = cn.corr_grad_weights(
            img,
            topgrad,
            kshp,
            self._pads(kshp),
            self.subsample,
            self.filter_dilation,
            self.num_groups,
            self.unshared,
        )
        if self.filter_flip:
            dw = cn.flip_kernel(dw, nd)
        output_storage[0][0] = np.ascontiguousarray(
            dw, dtype=node.outputs[0].type.dtype
        )

    def connection_pattern(self, node):
        return [[True], [True], [False]]

    def infer_shape(self, fgraph, node, input_shapes):
        imshp, topshp = input_shapes[:2]
        nd = self.convdim
        shape = node.inputs[2]
        kspatial = [shape[i] for i in range(nd)]
        nchan = imshp[1] // self.num_groups
        if self.unshared:
            return [(topshp[1],) + tuple(topshp[2:]) + (nchan,) + tuple(kspatial)]
        return [(topshp[1], nchan) + tuple(kspatial)]

    def grad(self, inputs, output_gradients):
        bottom, top = inputs[:2]
        (weights,) = output_gradients
        conv_op, _, gi_op = _spatial_ops(self.convdim)
        args = self._args()
        nd = self.convdim
        d_bottom = gi_op(*args)(weights, top, bottom.shape[-nd:])
        d_top = conv_op(*args)(bottom, weights)
        d_bottom = bottom.type.filter_variable(d_bottom)
        d_top = top.type.filter_variable(d_top)
        return [d_bottom, d_top, DisconnectedType()()]

    _args = AbstractConv._args


class AbstractConv2d_gradWeights(AbstractConv_gradWeights):
    """2-d kernel gradient; see :class:`AbstractConv_gradWeights`."""

    def __init__(
        self,
        imshp=None,
        kshp=None,
        border_mode="valid",
        subsample=(1, 1),
        filter_flip=True,
        filter_dilation=(1, 1),
        num_groups=1,
        unshared=False,
    ):
        super().__init__(
            2,
            imshp,
            kshp,
            border_mode,
            subsample,
            filter_flip,
            filter_dilation,
            num_groups,
            unshared,
        )


class AbstractConv3d_gradWeights(AbstractConv_gradWeights):
    """3-d kernel gradient; see :class:`AbstractConv_gradWeights`."""

    def __init__(
        self,
        imshp=None,
        kshp=None,
        border_mode="valid",
        subsample=(1, 1, 1),
        filter_flip=True,
        filter_dilation=(1, 1, 1),
        num_groups=1,
    ):
        super().__init__(
            3,
            imshp,
            kshp,
            border_mode,
            subsample,
            filter_flip,
            filter_dilation,
            num_groups,
            False,
        )

    _args = AbstractConv3d._args


class AbstractConv_gradInputs(BaseAbstractConv):
    """Gradient of the convolution with respect to the image (a transposed
    convolution).

    Inputs: the kernel, the output gradient ``topgrad`` and the image's
    spatial shape.
    """

    def make_node(self, kern, topgrad, shape, add_assert_shape=True) -> Apply:
        kern = as_tensor_variable(kern)
        topgrad = as_tensor_variable(topgrad)
        nd = self.convdim
        kdim = 2 + 2 * nd if self.unshared else 2 + nd
        if kern.type.ndim != kdim:
            raise TypeError(f"kern must be a {kdim}D tensor, got {kern.type}")
        if topgrad.type.ndim != 2 + nd:
            raise TypeError(f"topgrad must be a {2 + nd}D tensor, got {topgrad.type}")
        if kern.type.dtype != topgrad.type.dtype:
            kern = topgrad.type.clone(shape=kern.type.shape).filter_variable(kern)
        shape = _shape_vector(shape, nd, "shape")
        if self.num_groups > 1:
            chan = None
        else:
            chan = kern.type.shape[-nd - 1]
        out_shape = (topgrad.type.shape[0], chan) + (None,) * nd
        out_shape = tuple(1 if s == 1 else None for s in out_shape)
        return Apply(
            self, [kern, topgrad, shape], [topgrad.type.clone(shape=out_shape)()]
        )

    def perform(self, node, inputs, output_storage, params=None):
        kern, topgrad, shape = inputs
        nd = self.convdim
        self._check_static(kern, self.kshp, "filters")
        imshp = tuple(int(s) for s in shape)
        if self.filter_flip:
            kern = cn.flip_kernel(kern, nd)
        pads = self._pads(kern.shape[-nd:])
        expected = cn.out_shape(
            imshp, kern.shape[-nd:], pads, self.subsample, self.filter_dilation
        )
        if not self.unshared and tuple(topgrad.shape[2:]) != expected:
            raise ValueError(
                f"{type(self).__name__}: an image of spatial shape {imshp} would give "
                f"an output of spatial shape {expected}, but topgrad has "
                f"{tuple(topgrad.shape[2:])}"
            )
        di = cn.corr_grad_inputs(
            kern,
            topgrad,
            imshp,
            pads,
            self.subsample,
            self.filter_dilation,
            self.num_groups,
            self.unshared,
        )
        output_storage[0][0] = np.asarray(di, dtype=node.outputs[0].type.dtype)

    def connection_pattern(self, node):
        return [[True], [True], [False]]

    def infer_shape(self, fgraph, node, input_shapes):
        kshp, topshp = input_shapes[:2]
        nd = self.convdim
        shape = node.inputs[2]
        nchan = kshp[-nd - 1] * self.num_groups
        return [(topshp[0], nchan) + tuple(shape[i] for i in range(nd))]

    def grad(self, inputs, output_gradients):
        weights, top = inputs[:2]
        (bottom,) = output_gradients
        conv_op, gw_op, _ = _spatial_ops(self.convdim)
        args = self._args()
        nd = self.convdim
        d_weights = gw_op(*args)(bottom, top, weights.shape[-nd:])
        d_top = conv_op(*args)(bottom, weights)
        d_weights = weights.type.filter_variable(d_weights)
        d_top = top.type.filter_variable(d_top)
        return [d_weights, d_top, DisconnectedType()()]

    _args = AbstractConv._args


class AbstractConv2d_gradInputs(AbstractConv_gradInputs):
    """2-d image gradient; see :class:`AbstractConv_gradInputs`."""

    def __init__(
        self,
        imshp=None,
        kshp=None,
        border_mode="valid",
        subsample=(1, 1),
        filter_flip=True,
        filter_dilation=(1, 1),
        num_groups=1,
        unshared=False,
    ):
        super().__init__(
            2,
            imshp,
            kshp,
            border_mode,
            subsample,
            filter_flip,
            filter_dilation,
            num_groups,
            unshared,
        )


class AbstractConv3d_gradInputs(AbstractConv_gradInputs):
    """3-d image gradient; see :class:`AbstractConv_gradInputs`."""

    def __init__(
        self,
        imshp=None,
        kshp=None,
        border_mode="valid",
        subsample=(1, 1, 1),
        filter_flip=True,
        filter_dilation=(1, 1, 1),
        num_groups=1,
    ):
        super().__init__(
            3,
            imshp,
            kshp,
            border_mode,
            subsample,
            filter_flip,
            filter_dilation,
            num_groups,
            False,
        )

    _args = AbstractConv3d._args


# --------------------------------------------------------------------------
# user-facing functions
# --------------------------------------------------------------------------


def abstract_conv2d(
    input,
    filters,
    input_shape=None,
    filter_shape=None,
    border_mode="valid",
    subsample=(1, 1),
    filter_flip=True,
    filter_dilation=(1, 1),
    num_groups=1,
    unshared=False,
) -> Variable:
    """2-d convolution through :class:`AbstractConv2d`; see :func:`conv2d`."""
    input = as_tensor_variable(input)
    filters = as_tensor_variable(filters)
    op = AbstractConv2d(
        imshp=input_shape,
        kshp=filter_shape,
        border_mode=border_mode,
        subsample=subsample,
        filter_flip=filter_flip,
        filter_dilation=filter_dilation,
        num_groups=num_groups,
        unshared=unshared,
    )
    return op(input, filters)


def conv2d(
    input,
    filters,
    input_shape=None,
    filter_shape=None,
    border_mode="valid",
    subsample=(1, 1),
    filter_flip=True,
    image_shape=None,
    filter_dilation=(1, 1),
    num_groups=1,
    unshared=False,
    **kwargs,
) -> Variable:
    """Convolve a batch of images ``(B, C, H, W)`` with filters ``(O, C / g, kH, kW)``.

    Parameters
    ----------
    input, filters
        4-d tensors (unshared filters are ``(O, oH, oW, C / g, kH, kW)``).
    input_shape, filter_shape
        Optional static shapes (``None`` entries unknown).
    border_mode
        ``"valid"``, ``"full"``, ``"half"``, an int, or a pair of ints /
        ``(left, right)`` pairs.
    subsample
        Output strides.
    filter_flip
        ``True`` (convolution) or ``False`` (cross-correlation).
    image_shape
        Deprecated alias of ``input_shape``.
    filter_dilation
        Dilation factors.
    num_groups
        Channel groups.
    unshared
        Use a separate kernel per output position.

    Returns
    -------
    Variable
        ``(B, O, oH, oW)``.
    """
    import warnings

    if "imshp_logical" in kwargs or "kshp_logical" in kwargs:
        raise ValueError(
            "conv2d: the keyword arguments 'imshp_logical' and 'kshp_logical' are not "
            "supported any more"
        )
    if kwargs:
        warnings.warn(
            f"conv2d: the keyword arguments {sorted(kwargs)} are deprecated and ignored",
            stacklevel=2,
        )
    if image_shape is not None:
        if input_shape is not None:
            raise ValueError("Give only one of input_shape and its alias image_shape.")
        warnings.warn(
            "The image_shape parameter of conv2d is deprecated; use input_shape.",
            DeprecationWarning,
            stacklevel=2,
        )
        input_shape = image_shape
    return abstract_conv2d(
        input,
        filters,
        input_shape,
        filter_shape,
        border_mode,
        subsample,
        filter_flip,
        filter_dilation,
        num_groups,
        unshared,
    )


def conv3d(
    input,
    filters,
    input_shape=None,
    filter_shape=None,
    border_mode="valid",
    subsample=(1, 1, 1),
    filter_flip=True,
    filter_dilation=(1, 1, 1),
    num_groups=1,
) -> Variable:
    """3-d convolution of ``(B, C, D, H, W)`` by ``(O, C / g, kD, kH, kW)``;
    the parameters are those of :func:`conv2d`."""
    input = as_tensor_variable(input)
    filters = as_tensor_variable(filters)
    op = AbstractConv3d(
        imshp=input_shape,
        kshp=filter_shape,
        border_mode=border_mode,
        subsample=subsample,
        filter_flip=filter_flip,
        filter_dilation=filter_dilation,
        num_groups=num_groups,
    )
    return op(input, filters)


def _spatial_shape_arg(input_shape, nd, what):
    if input_shape is None or len(input_shape) != 2 + nd:
        raise ValueError(
            f"{what} must be a sequence of {2 + nd} entries, got {input_shape!r}"
        )
    static = []
    for i, s in enumerate(input_shape):
        if s is None:
            if i >= 2:
                raise ValueError(
                    f"{what}[{i}] (a spatial size) must be given, got None"
                )
            static.append(None)
            continue
        try:
            static.append(
                int(get_scalar_constant_value(s, only_process_constants=True))
            )
        except NotScalarConstantError as err:
            if i < 2:
                raise ValueError(
                    f"{what}[{i}] must be a constant or None, got {s!r}"
                ) from err
            static.append(None)
    spatial = input_shape[2:]
    if all(not isinstance(s, Variable) for s in spatial):
        spatial = np.asarray([int(s) for s in spatial], dtype="int64")
    else:
        import aesara.tensor as at

        spatial = at.stack([as_tensor_variable(s) for s in spatial])
    return static, spatial


def _grad_wrt_inputs(nd, output_grad, filters, input_shape, filter_shape, args):
    filters = as_tensor_variable(filters)
    output_grad = as_tensor_variable(output_grad)
    static, spatial = _spatial_shape_arg(input_shape, nd, "input_shape")
    _, _, gi_op = _spatial_ops(nd)
    return gi_op(static, filter_shape, *args)(filters, output_grad, spatial)


def _grad_wrt_weights(nd, input, output_grad, filter_shape, input_shape, args):
    input = as_tensor_variable(input)
    output_grad = as_tensor_variable(output_grad)
    if filter_shape is None or len(filter_shape) < 2 + nd:
        raise ValueError(
            f"filter_shape must hold at least {2 + nd} entries, got {filter_shape!r}"
        )
    static, spatial = _spatial_shape_arg(
        tuple(filter_shape[:2]) + tuple(filter_shape[-nd:]), nd, "filter_shape"
    )
    _, gw_op, _ = _spatial_ops(nd)
    kshp = (
        tuple(filter_shape)
        if all(not isinstance(s, Variable) for s in filter_shape)
        else None
    )
    return gw_op(input_shape, kshp, *args)(input, output_grad, spatial)


def conv2d_grad_wrt_inputs(
    output_grad,
    filters,
    input_shape,
    filter_shape=None,
    border_mode="valid",
    subsample=(1, 1),
    filter_flip=True,
    filter_dilation=(1, 1),
    num_groups=1,
    unshared=False,
) -> Variable:
    """Gradient of :func:`conv2d` with respect to its input (the transposed
    convolution of ``output_grad`` by ``filters``).

    ``input_shape`` is the full ``(B, C, H, W)`` shape of the input; its
    spatial entries may be symbolic scalars.
    """
    return _grad_wrt_inputs(
        2,
        output_grad,
        filters,
        input_shape,
        filter_shape,
        (border_mode, subsample, filter_flip, filter_dilation, num_groups, unshared),
    )


def conv3d_grad_wrt_inputs(
    output_grad,
    filters,
    input_shape,
    filter_shape=None,
    border_mode="valid",
    subsample=(1, 1, 1),
    filter_flip=True,
    filter_dilation=(1, 1, 1),
    num_groups=1,
) -> Variable:
    """3-d version of :func:`conv2d_grad_wrt_inputs`."""
    return _grad_wrt_inputs(
        3,
        output_grad,
        filters,
        input_shape,
        filter_shape,
        (border_mode, subsample, filter_flip, filter_dilation, num_groups),
    )


def conv2d_grad_wrt_weights(
    input,
    output_grad,
    filter_shape,
    input_shape=None,
    border_mode="valid",
    subsample=(1, 1),
    filter_flip=True,
    filter_dilation=(1, 1),
    num_groups=1,
    unshared=False,
) -> Variable:
    """Gradient of :func:`conv2d` with respect to its filters.

    ``filter_shape`` is the full filter shape; its spatial entries may be
    symbolic scalars.
    """
    return _grad_wrt_weights(
        2,
        input,
        output_grad,
        filter_shape,
        input_shape,
        (border_mode, subsample, filter_flip, filter_dilation, num_groups, unshared),
    )


def conv3d_grad_wrt_weights(
    input,
    output_grad,
    filter_shape,
    input_shape=None,
    border_mode="valid",
    subsample=(1, 1, 1),
    filter_flip=True,
    filter_dilation=(1, 1, 1),
    num_groups=1,
) -> Variable:
    """3-d version of :func:`conv2d_grad_wrt_weights`."""
    return _grad_wrt_weights(
        3,
        input,
        output_grad,
        filter_shape,
        input_shape,
        (border_mode, subsample, filter_flip, filter_dilation, num_groups),
    )


def conv2d_transpose(
    input,
    filters,
    output_shape,
    filter_shape=None,
    border_mode="valid",
    input_dilation=(1, 1),
    filter_flip=True,
    filter_dilation=(1, 1),
    num_groups=1,
    unshared=False,
) -> Variable:
    """Transposed ("deconvolution") 2-d convolution producing ``output_shape``;
    ``input_dilation`` plays the role of the forward ``subsample``."""
    return conv2d_grad_wrt_inputs(
        input,
        filters,
        output_shape,
        filter_shape,
        border_mode,
        input_dilation,
        filter_flip,
        filter_dilation,
        num_groups,
        unshared,
    )


def _separable(
    nd,
    input,
    depthwise_filters,
    pointwise_filters,
    num_channels,
    input_shape,
    dw_shape,
    pw_shape,
    border_mode,
    subsample,
    filter_flip,
    filter_dilation,
):
    conv_op = _spatial_ops(nd)[0]
    input = as_tensor_variable(input)
    depthwise = conv_op(
        imshp=input_shape,
        kshp=dw_shape,
        border_mode=border_mode,
        subsample=subsample,
        filter_flip=filter_flip,
        filter_dilation=filter_dilation,
        num_groups=num_channels,
    )(input, as_tensor_variable(depthwise_filters))
    mid_shape = None
    if input_shape is not None and dw_shape is not None:
        mid_shape = get_conv_output_shape(
            input_shape,
            dw_shape,
            depthwise.owner.op.border_mode,
            subsample,
            filter_dilation,
        )
    return conv_op(
        imshp=mid_shape,
        kshp=pw_shape,
        border_mode="valid",
        subsample=(1,) * nd,
        filter_flip=filter_flip,
        filter_dilation=(1,) * nd,
        num_groups=1,
    )(depthwise, as_tensor_variable(pointwise_filters))


def separable_conv2d(
    input,
    depthwise_filters,
    pointwise_filters,
    num_channels,
    input_shape=None,
    depthwise_filter_shape=None,
    pointwise_filter_shape=None,
    border_mode="valid",
    subsample=(1, 1),
    filter_flip=True,
    filter_dilation=(1, 1),
) -> Variable:
    """Depthwise 2-d convolution (one group per input channel, filters
    ``(C * depth_multiplier, 1, kH, kW)``) followed by a pointwise ``1 x 1``
    convolution (filters ``(O, C * depth_multiplier, 1, 1)``)."""
    return _separable(
        2,
        input,
        depthwise_filters,
        pointwise_filters,
        num_channels,
        input_shape,
        depthwise_filter_shape,
        pointwise_filter_shape,
        border_mode,
        subsample,
        filter_flip,
        filter_dilation,
    )


def separable_conv3d(
    input,
    depthwise_filters,
    pointwise_filters,
    num_channels,
    input_shape=None,
    depthwise_filter_shape=None,
    pointwise_filter_shape=None,
    border_mode="valid",
    subsample=(1, 1, 1),
    filter_flip=True,
    filter_dilation=(1, 1, 1),
) -> Variable:
    """3-d version of :func:`separable_conv2d`."""
    return _separable(
        3,
        input,
        depthwise_filters,
        pointwise_filters,
        num_channels,
        input_shape,
        depthwise_filter_shape,
        pointwise_filter_shape,
        border_mode,
        subsample,
        filter_flip,
        filter_dilation,
    )


def causal_conv1d(
    input,
    filters,
    filter_shape,
    input_shape=None,
    subsample=1,
    filter_flip=True,
    filter_dilation=1,
    num_groups=1,
    unshared=False,
) -> Variable:
    """Causal 1-d convolution of ``(B, C, T)`` by ``(O, C / g, K)``: output
    step ``t`` only sees inputs up to ``t`` (left padding of
    ``filter_dilation * (K - 1)``)."""
    input = as_tensor_variable(input)
    filters = as_tensor_variable(filters)
    if input.type.ndim != 3:
        raise ValueError(f"causal_conv1d: input must be 3D, got {input.type}")
    if filters.type.ndim != 3:
        raise ValueError(f"causal_conv1d: filters must be 3D, got {filters.type}")
    if filter_shape is None or len(filter_shape) != 3:
        raise ValueError(
            f"causal_conv1d: filter_shape must have 3 entries, got {filter_shape!r}"
        )
    if input_shape is not None:
        if len(input_shape) != 3:
            raise ValueError(
                f"causal_conv1d: input_shape must have 3 entries, got {input_shape!r}"
            )
        input_shape = tuple(input_shape) + (1,)
    left = filter_dilation * (filter_shape[2] - 1)
    op = AbstractConv2d(
        imshp=input_shape,
        kshp=tuple(filter_shape) + (1,),
        border_mode=((left, 0), 0),
        subsample=(subsample, 1),
        filter_flip=filter_flip,
        filter_dilation=(filter_dilation, 1),
        num_groups=num_groups,
        unshared=unshared,
    )
    out = op(input.dimshuffle(0, 1, 2, "x"), filters.dimshuffle(0, 1, 2, "x"))
    return out[:, :, :, 0]


def bilinear_kernel_1D(ratio, normalize=True) -> Variable:
    """The 1-d triangle kernel ``1, 2, ..., ratio, ..., 2, 1`` (divided by
    ``ratio`` when ``normalize``) of bilinear upsampling."""
    import aesara.tensor as at

    rising = at.arange(1, ratio + 1, dtype=config.floatX)
    kern = at.concatenate([rising, rising[-2::-1]])
    if normalize:
        kern = kern / at.cast(ratio, config.floatX)
    return kern


def bilinear_kernel_2D(ratio, normalize=True) -> Variable:
    """Outer product of two :func:`bilinear_kernel_1D` kernels; ``ratio`` may
    be a ``(rows, cols)`` pair."""
    r_rows, r_cols = ratio if isinstance(ratio, tuple) else (ratio, ratio)
    rows = bilinear_kernel_1D(r_rows, normalize).dimshuffle(0, "x")
    cols = bilinear_kernel_1D(r_cols, normalize).dimshuffle("x", 0)
    return rows * cols


def _edge_pad(x):
    """Repeat the first and last row and column of a 4-d tensor once."""
    import aesara.tensor as at

    x = at.concatenate([x[:, :, :1], x, x[:, :, -1:]], axis=2)
    return at.concatenate([x[:, :, :, :1], x, x[:, :, :, -1:]], axis=3)


def bilinear_upsampling(
    input,
    ratio=None,
    frac_ratio=None,
    batch_size=None,
    num_input_channels=None,
    use_1D_kernel=True,
) -> Variable:
    """Upsample the last two axes of a 4-d tensor by bilinear interpolation.

    Parameters
    ----------
    input
        ``(B, C, H, W)`` tensor.
    ratio
        Integer upsampling factor: the output is ``(B, C, H * ratio, W * ratio)``.
    frac_ratio
        Fractional factor ``(p, q)`` or ``((p1, q1), (p2, q2))``
        (requires ``use_1D_kernel=False``).
    batch_size, num_input_channels
        Optional static sizes (unused; kept for compatibility).
    use_1D_kernel
        Upsample rows then columns with 1-d kernels (faster) instead of one
        2-d kernel.
    """
    if ratio and frac_ratio:
        raise ValueError("bilinear_upsampling: can't use ratio and frac_ratio together")
    if not (ratio or frac_ratio):
        raise ValueError("bilinear_upsampling: no ratio (or frac_ratio) provided")
    if frac_ratio:
        if use_1D_kernel:
            raise ValueError(
                "bilinear_upsampling: fractional ratios need use_1D_kernel=False"
            )
        return frac_bilinear_upsampling(input, frac_ratio=frac_ratio)
    input = as_tensor_variable(input)
    rows, cols = input.shape[2], input.shape[3]
    # treat every channel of every image as an independent one-channel image
    x = _edge_pad(input.reshape((-1, 1, rows, cols)))
    pad = 2 * ratio - (ratio - 1) // 2 - 1
    if use_1D_kernel:
        kern = bilinear_kernel_1D(ratio)
        up_rows = conv2d_grad_wrt_inputs(
            x,
            kern.dimshuffle("x", "x", 0, "x"),
            input_shape=(None, 1, rows * ratio, cols + 2),
            border_mode=(pad, 0),
            subsample=(ratio, 1),
        )
        out = conv2d_grad_wrt_inputs(
            up_rows,
            kern.dimshuffle("x", "x", "x", 0),
            input_shape=(None, 1, rows * ratio, cols * ratio),
            border_mode=(0, pad),
            subsample=(1, ratio),
        )
    else:
        kern = bilinear_kernel_2D(ratio)
        out = conv2d_grad_wrt_inputs(
            x,
            kern.dimshuffle("x", "x", 0, 1),
            input_shape=(None, 1, rows * ratio, cols * ratio),
            border_mode=(pad, pad),
            subsample=(ratio, ratio),
        )
    return out.reshape((input.shape[0], input.shape[1], rows * ratio, cols * ratio))


def frac_bilinear_upsampling(input, frac_ratio) -> Variable:
    """Bilinear upsampling by a fractional factor ``p / q`` (or one per axis,
    ``((p1, q1), (p2, q2))``): upsample by ``p`` then keep every ``q``-th
    sample."""
    import aesara.tensor as at

    if not isinstance(frac_ratio, tuple):
        raise ValueError(f"frac_ratio must be a tuple, got {frac_ratio!r}")
    pairs = frac_ratio if isinstance(frac_ratio[0], tuple) else (frac_ratio, frac_ratio)
    reduced = []
    for p, q in pairs:
        d = math.gcd(int(p), int(q))
        reduced.append((int(p) // d, int(q) // d))
    ratio = (reduced[0][0], reduced[1][0])
    subsample = (reduced[0][1], reduced[1][1])
    input = as_tensor_variable(input)
    rows, cols = input.shape[2], input.shape[3]
    x = _edge_pad(input.reshape((-1, 1, rows, cols)))
    full = (2 * at.as_tensor([rows, cols]) - 1) * np.array(ratio) + 1
    before = full // 2
    kern = bilinear_kernel_2D(ratio).dimshuffle("x", "x", 0, 1).astype(config.floatX)
    # embed the kernel in zeros so that a valid correlation of the kernel by
    # the (dilated) image centres every interpolated sample
    kern = at.concatenate(
        [
            at.zeros((1, 1, before[0], kern.shape[3]), dtype=config.floatX),
            kern,
            at.zeros((1, 1, full[0] - before[0], kern.shape[3]), dtype=config.floatX),
        ],
        axis=2,
    )
    kern = at.concatenate(
        [
            at.zeros((1, 1, kern.shape[2], before[1]), dtype=config.floatX),
            kern,
            at.zeros((1, 1, kern.shape[2], full[1] - before[1]), dtype=config.floatX),
        ],
        axis=3,
    )
    up = conv2d(
        kern, x, border_mode="valid", filter_dilation=ratio, subsample=subsample
    )
    return up.reshape((input.shape[0], input.shape[1], up.shape[2], up.shape[3]))
