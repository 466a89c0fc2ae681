"""``CorrMM``, ``CorrMM_gradWeights`` and ``CorrMM_gradInputs``: 2-d
cross-correlation (no kernel flip) and its two gradients as explicit ops,
computed by the NumPy kernels shared with the abstract convolution ops.

``BaseCorrMM`` is dimension-generic; :mod:`aesara.tensor.nnet.corr3d`
derives the 3-d ops from it.
"""

from __future__ import annotations

import numpy as np

from aesara.gradient import DisconnectedType
from aesara.graph.basic import Apply
from aesara.graph.op import Op
from aesara.tensor.basic import as_tensor_variable
from aesara.tensor.nnet import _conv_numpy as cn
from aesara.tensor.type import TensorType

__all__ = ["BaseCorrMM", "CorrMM", "CorrMM_gradWeights", "CorrMM_gradInputs"]


def _normalize(border_mode, convdim, allow_pairs):
    if isinstance(border_mode, (int, np.integer)) and not isinstance(border_mode, bool):
        if border_mode < 0:
            raise ValueError(f"invalid border_mode {border_mode}: must be non-negative")
        return ((int(border_mode),) * 2,) * convdim
    if isinstance(border_mode, (tuple, list)):
        if len(border_mode) != convdim:
            raise ValueError(
                f"invalid border_mode {border_mode}: must be a tuple of length {convdim}"
            )
        out = []
        for m in border_mode:
            if (
                allow_pairs
                and isinstance(m, (tuple, list))
                and len(m) == 2
                and min(m) >= 0
            ):
                out.append((int(m[0]), int(m[1])))
            elif isinstance(m, (int, np.integer)) and m >= 0:
                out.append((int(m), int(m)))
            else:
                raise ValueError(
                    f"invalid border_mode {border_mode}: the tuple can only contain "
                    "non-negative integers"
                    + (" or pairs of them" if allow_pairs else "")
                )
        return tuple(out)
    if border_mode not in ("valid", "full", "half"):
        raise ValueError(
            f'invalid border_mode {border_mode!r}: must be "valid", "full", "half", an '
            f"integer or a tuple of length {convdim}"
        )
    return border_mode


class BaseCorrMM(Op):
    """Parameters shared by the correlation ops.

    Parameters
    ----------
    border_mode
        ``"valid"``, ``"full"``, ``"half"``, an int, or one int (2-d: or
        ``(left, right)`` pair) per spatial axis.
    subsample
        Strides.
    filter_dilation
        Kernel dilation.
    num_groups
        Channel groups.
    unshared
        2-d only: one kernel per output position.
    """

    check_broadcast = False
    __props__ = (
        "border_mode",
        "subsample",
        "filter_dilation",
        "num_groups",
        "unshared",
    )
    _convdim = 2
    _direction: str | None = None

    def __init__(
        self,
        border_mode="valid",
        subsample=None,
        filter_dilation=None,
        num_groups=1,
        unshared=False,
        openmp=None,
    ):
        nd = self._convdim
        self.border_mode = _normalize(border_mode, nd, allow_pairs=nd == 2)
        subsample = (1,) * nd if subsample is None else tuple(int(s) for s in subsample)
        dil = (
            (1,) * nd
            if filter_dilation is None
            else tuple(int(d) for d in filter_dilation)
        )
        if len(subsample) != nd:
            raise ValueError(f"subsample must have {nd} elements, got {subsample}")
        if len(dil) != nd:
            raise ValueError(f"filter_dilation must have {nd} elements, got {dil}")
        self.subsample = subsample
        self.filter_dilation = dil
        if num_groups < 1:
            raise ValueError(
                f"Number of groups should be greater than 0, got {num_groups}"
            )
        self.num_groups = int(num_groups)
        if unshared and nd != 2:
            raise NotImplementedError(
                f"unshared correlation is not implemented for {nd}D"
            )
        self.unshared = bool(unshared)

    @property
    def pad(self):
        """Padding per axis; ``(-1, -1)`` stands for "half" and ``(-2, -2)``
        for "full" (whose size depends on the kernel)."""
        nd = self._convdim
        if self.border_mode == "half":
            return ((-1, -1),) * nd
        if self.border_mode == "full":
            return ((-2, -2),) * nd
        if self.border_mode == "valid":
            return ((0, 0),) * nd
        return self.border_mode

    def __str__(self):
        return f"{type(self).__name__}{{{self.border_mode}, {self.subsample}, {self.filter_dilation}, {self.num_groups} {self.unshared}}}"

    @staticmethod
    def as_common_dtype(in1, in2):
        from aesara.scalar.basic import upcast

        dtype = upcast(in1.type.dtype, in2.type.dtype)
        return in1.astype(dtype), in2.astype(dtype)

    def _pads(self, kshp):
        mode = self.border_mode
        if mode not in ("valid", "full", "half"):
            return mode
        return cn.resolve_pads(mode, kshp, self.filter_dilation)

    def _check(self, v, ndim, what):
        if v.type.ndim != ndim:
            raise TypeError(
                f"{type(self).__name__}: {what} must be a {ndim}D tensor, got {v.type}"
            )

    def _shape_inputs(self, shape):
        nd = self._convdim
        if shape is None:
            if any(s != 1 for s in self.subsample) or self.border_mode == "half":
                raise ValueError(
                    f"{type(self).__name__}: shape must be given if subsample != 1 or "
                    'border_mode == "half"'
                )
            return []
        return [as_tensor_variable(shape[i]).astype("int64") for i in range(nd)]

    def _args(self):
        return dict(
            border_mode=self.border_mode
            if isinstance(self.border_mode, str)
            else tuple(p if p[0] != p[1] else p[0] for p in self.border_mode),
            subsample=self.subsample,
            filter_dilation=self.filter_dilation,
            num_groups=self.num_groups,
            **({"unshared": self.unshared} if self._convdim == 2 else {}),
        )


class _CorrForward(BaseCorrMM):
    _direction = "forward"

    def make_node(self, img, kern) -> Apply:
        img = as_tensor_variable(img)
        kern = as_tensor_variable(kern)
        img, kern = self.as_common_dtype(img, kern)
        nd = self._convdim
        self._check(img, 2 + nd, "img")
        self._check(kern, 2 + 2 * nd if self.unshared else 2 + nd, "kern")
        shape = (
            1 if img.type.shape[0] == 1 else None,
            1 if kern.type.shape[0] == 1 else None,
        ) + (None,) * nd
        return Apply(self, [img, kern], [TensorType(img.type.dtype, shape=shape)()])

    def perform(self, node, inputs, output_storage, params=None):
        img, kern = inputs
        nd = self._convdim
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
        from aesara.tensor.nnet.abstract_conv import get_conv_output_shape

        return [
            get_conv_output_shape(
                input_shapes[0],
                input_shapes[1],
                self._args()["border_mode"],
                self.subsample,
                self.filter_dilation,
            )
        ]

    def grad(self, inputs, output_gradients):
        bottom, weights = inputs
        (top,) = output_gradients
        nd = self._convdim
        d_bottom = self._gi_op(**self._ctor())(weights, top, bottom.shape[-nd:])
        d_weights = self._gw_op(**self._ctor())(bottom, top, weights.shape[-nd:])
        return [d_bottom, d_weights]

    def _ctor(self):
        kw = dict(
            border_mode=self.border_mode,
            subsample=self.subsample,
            filter_dilation=self.filter_dilation,
            num_groups=self.num_groups,
        )
        if self._convdim == 2:
            kw["unshared"] = self.unshared
        return kw


class _CorrGradWeights(BaseCorrMM):
    _direction = "backprop weights"

    def make_node(self, img, topgrad, shape=None) -> Apply:
        img = as_tensor_variable(img)
        topgrad = as_tensor_variable(topgrad)
        img, topgrad = self.as_common_dtype(img, topgrad)
        nd = self._convdim
        self._check(img, 2 + nd, "img")
        self._check(topgrad, 2 + nd, "topgrad")
        extra = self._shape_inputs(shape)
        if self.unshared:
            shp = (
                [topgrad.type.shape[1]]
                + [None] * nd
                + [img.type.shape[1]]
                + [None] * nd
            )
        else:
            shp = [topgrad.type.shape[1], img.type.shape[1]] + [None] * nd
        shp = tuple(1 if s == 1 else None for s in shp)
        return Apply(
            self, [img, topgrad, *extra], [TensorType(img.type.dtype, shape=shp)()]
        )

    def _kshp(self, img, top, shape):
        nd = self._convdim
        if shape:
            return tuple(int(s) for s in shape)
        out = []
        for i in range(nd):
            dil = self.filter_dilation[i]
            span_img = img.shape[2 + i]
            t = top.shape[2 + i]
            if self.border_mode == "full":
                dk = t - span_img + 1
            else:
                pl, pr = (
                    self._pads((1,) * nd)[i] if self.border_mode != "valid" else (0, 0)
                )
                dk = span_img + pl + pr - t + 1
            out.append((dk - 1) // dil + 1)
        return tuple(out)

    def perform(self, node, inputs, output_storage, params=None):
        img, top = inputs[:2]
        kshp = self._kshp(img, top, inputs[2:])
        dw = cn.corr_grad_weights(
            img,
            top,
            kshp,
            self._pads(kshp),
            self.subsample,
            self.filter_dilation,
            self.num_groups,
            self.unshared,
        )
        output_storage[0][0] = np.ascontiguousarray(
            dw, dtype=node.outputs[0].type.dtype
        )

    def infer_shape(self, fgraph, node, input_shapes):
        nd = self._convdim
        imshp, topshp = input_shapes[:2]
        if len(node.inputs) > 2:
            kspatial = tuple(node.inputs[2:])
        else:
            from aesara.tensor.nnet.abstract_conv import get_conv_gradweights_shape

            kspatial = get_conv_gradweights_shape(
                imshp,
                topshp,
                self._args()["border_mode"],
                self.subsample,
                self.filter_dilation,
            )[-nd:]
        nchan = imshp[1] // self.num_groups
        if self.unshared:
            return [(topshp[1],) + tuple(topshp[2:]) + (nchan,) + tuple(kspatial)]
        return [(topshp[1], nchan) + tuple(kspatial)]

    def connection_pattern(self, node):
        return [[True], [True]] + [[False]] * (len(node.inputs) - 2)

    def grad(self, inputs, output_gradients):
        bottom, top = inputs[:2]
        (weights,) = output_gradients
        nd = self._convdim
        d_bottom = self._gi_op(**_CorrForward._ctor(self))(
            weights, top, bottom.shape[-nd:]
        )
        d_top = self._fwd_op(**_CorrForward._ctor(self))(bottom, weights)
        return [d_bottom, d_top] + [DisconnectedType()() for _ in inputs[2:]]


class _CorrGradInputs(BaseCorrMM):
    _direction = "backprop inputs"

    def make_node(self, kern, topgrad, shape=None) -> Apply:
        kern = as_tensor_variable(kern)
        topgrad = as_tensor_variable(topgrad)
        kern, topgrad = self.as_common_dtype(kern, topgrad)
        nd = self._convdim
        self._check(kern, 2 + 2 * nd if self.unshared else 2 + nd, "kern")
        self._check(topgrad, 2 + nd, "topgrad")
        if shape is None and any(s != 1 for s in self.subsample):
            raise ValueError(
                f"{type(self).__name__}: shape must be given if subsample != 1"
            )
        extra = (
            []
            if shape is None
            else [as_tensor_variable(shape[i]).astype("int64") for i in range(nd)]
        )
        chan = None if self.num_groups > 1 else kern.type.shape[-nd - 1]
        shp = (topgrad.type.shape[0], chan) + (None,) * nd
        shp = tuple(1 if s == 1 else None for s in shp)
        return Apply(
            self, [kern, topgrad, *extra], [TensorType(kern.type.dtype, shape=shp)()]
        )

    def perform(self, node, inputs, output_storage, params=None):
        kern, top = inputs[:2]
        nd = self._convdim
        kshp = kern.shape[-nd:]
        pads = self._pads(kshp)
        if len(inputs) > 2:
            imshp = tuple(int(s) for s in inputs[2:])
        else:
            imshp = tuple(
                (top.shape[2 + i] - 1) * self.subsample[i]
                + (kshp[i] - 1) * self.filter_dilation[i]
                + 1
                - pads[i][0]
                - pads[i][1]
                for i in range(nd)
            )
        di = cn.corr_grad_inputs(
            kern,
            top,
            imshp,
            pads,
            self.subsample,
            self.filter_dilation,
            self.num_groups,
            self.unshared,
        )
        output_storage[0][0] = np.asarray(di, dtype=node.outputs[0].type.dtype)

    def infer_shape(self, fgraph, node, input_shapes):
        nd = self._convdim
        kshp, topshp = input_shapes[:2]
        if len(node.inputs) > 2:
            spatial = tuple(node.inputs[2:])
        else:
            from aesara.tensor.nnet.abstract_conv import get_conv_gradinputs_shape

            spatial = get_conv_gradinputs_shape(
                kshp,
                topshp,
                self._args()["border_mode"],
                self.subsample,
                self.filter_dilation,
            )[-nd:]
        return [(topshp[0], kshp[-nd - 1] * self.num_groups) + tuple(spatial)]

    def connection_pattern(self, node):
        return [[True], [True]] + [[False]] * (len(node.inputs) - 2)

    def grad(self, inputs, output_gradients):
        weights, top = inputs[:2]
        (bottom,) = output_gradients
        nd = self._convdim
        d_weights = self._gw_op(**_CorrForward._ctor(self))(
            bottom, top, weights.shape[-nd:]
        )
        d_top = self._fwd_op(**_CorrForward._ctor(self))(bottom, weights)
        return [d_weights, d_top] + [DisconnectedType()() for _ in inputs[2:]]


class CorrMM(_CorrForward):
    """2-d cross-correlation of ``img`` ``(B, C, H, W)`` by ``kern``."""


class CorrMM_gradWeights(_CorrGradWeights):
    """Gradient of :class:`CorrMM` with respect to the kernel; inputs
    ``img, topgrad`` and optionally the kernel's ``(height, width)``."""


class CorrMM_gradInputs(_CorrGradInputs):
    """Gradient of :class:`CorrMM` with respect to the image; inputs
    ``kern, topgrad`` and optionally the image's ``(height, width)``."""


for _cls in (CorrMM, CorrMM_gradWeights, CorrMM_gradInputs):
    _cls._fwd_op = CorrMM
    _cls._gw_op = CorrMM_gradWeights
    _cls._gi_op = CorrMM_gradInputs
