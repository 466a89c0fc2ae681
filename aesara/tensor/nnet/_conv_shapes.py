"""Shape arithmetic of convolutions: output, kernel and input shapes for a
border mode / stride / dilation (``get_conv_output_shape`` and friends),
border-mode to padding conversion and run-time shape assertions.

Re-exported by :mod:`aesara.tensor.nnet.abstract_conv`, where Aesara
defines them.
"""

from __future__ import annotations

import numpy as np

from aesara.configdefaults import config
from aesara.tensor.basic import get_scalar_constant_value
from aesara.tensor.exceptions import NotScalarConstantError

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
]


def _pads_1axis(border_mode, dil_kernel):
    if border_mode == "half":
        return dil_kernel // 2, dil_kernel // 2
    if border_mode == "full":
        return dil_kernel - 1, dil_kernel - 1
    if border_mode == "valid":
        return 0, 0
    if isinstance(border_mode, tuple):
        pad_l, pad_r = border_mode
    else:
        pad_l = pad_r = border_mode
    if (isinstance(pad_l, (int, np.integer)) and pad_l < 0) or (
        isinstance(pad_r, (int, np.integer)) and pad_r < 0
    ):
        raise ValueError(f"border_mode must be >= 0, got {border_mode!r}")
    return pad_l, pad_r


def get_conv_shape_1axis(image_shape, kernel_shape, border_mode, subsample, dilation=1):
    """Output length of a convolution along one axis (``None`` if unknown).

    ``border_mode`` is ``"valid"``, ``"full"``, ``"half"``, an int or a
    ``(left, right)`` pair; the lengths may be ints or scalar variables.
    """
    if None in (image_shape, kernel_shape, border_mode, subsample, dilation):
        return None
    dil_kernel = (kernel_shape - 1) * dilation + 1
    pad_l, pad_r = _pads_1axis(border_mode, dil_kernel)
    return (image_shape + pad_l + pad_r - dil_kernel) // subsample + 1


def get_conv_output_shape(
    image_shape, kernel_shape, border_mode, subsample, filter_dilation=None
) -> tuple:
    """Shape ``(batch, out_channels, *spatial)`` of a convolution's output.

    Parameters
    ----------
    image_shape
        ``(batch, channels, *spatial)``; entries may be ``None``.
    kernel_shape
        ``(out_channels, in_channels, *kernel)`` (unshared 2-d kernels have the
        output position axes in the middle; only the last axes are read).
    border_mode
        A string, an int, or a tuple with one int or ``(left, right)`` pair
        per spatial axis.
    subsample
        Strides, one per spatial axis.
    filter_dilation
        Dilations (default 1).
    """
    convdim = len(image_shape) - 2
    if filter_dilation is None:
        filter_dilation = (1,) * len(subsample)
    kshp = kernel_shape[-convdim:]
    imshp = image_shape[2:]
    out = tuple(
        get_conv_shape_1axis(
            imshp[i],
            kshp[i],
            border_mode[i] if isinstance(border_mode, tuple) else border_mode,
            subsample[i],
            filter_dilation[i],
        )
        for i in range(len(subsample))
    )
    return (image_shape[0], kernel_shape[0]) + out


def get_conv_gradweights_shape_1axis(
    image_shape, top_shape, border_mode, subsample, dilation
):
    """Kernel length along one axis implied by the image and output lengths
    (``None`` when it is ambiguous: strides or ``"half"`` padding)."""
    if None in (image_shape, top_shape, border_mode, subsample, dilation):
        return None
    if subsample != 1 or border_mode == "half":
        return None
    if border_mode == "full":
        span = top_shape - image_shape
    elif border_mode == "valid":
        span = image_shape - top_shape
    else:
        pad_l, pad_r = _pads_1axis(border_mode, 0)
        span = image_shape + pad_l + pad_r - top_shape
    if dilation > 1:
        span = span // dilation
    return span + 1


def get_conv_gradweights_shape(
    image_shape,
    top_shape,
    border_mode,
    subsample,
    filter_dilation=None,
    num_groups=1,
    unshared=False,
) -> tuple:
    """Kernel shape implied by an image shape and an output shape."""
    if filter_dilation is None:
        filter_dilation = (1,) * len(subsample)
    nchan = image_shape[1]
    nkern = top_shape[1]
    if num_groups > 1 and nchan is not None:
        nchan = nchan // num_groups
    spatial = tuple(
        get_conv_gradweights_shape_1axis(
            image_shape[2 + i],
            top_shape[2 + i],
            border_mode[i] if isinstance(border_mode, tuple) else border_mode,
            subsample[i],
            filter_dilation[i],
        )
        for i in range(len(subsample))
    )
    if unshared:
        return (nkern,) + tuple(top_shape[2:]) + (nchan,) + spatial
    return (nkern, nchan) + spatial


def get_conv_gradinputs_shape_1axis(
    kernel_shape, top_shape, border_mode, subsample, dilation
):
    """Image length along one axis implied by the kernel and output lengths
    (``None`` with strides, where it is ambiguous)."""
    if None in (kernel_shape, top_shape, border_mode, subsample, dilation):
        return None
    if subsample != 1:
        return None
    dil_kernel = (kernel_shape - 1) * dilation + 1
    pad_l, pad_r = _pads_1axis(border_mode, dil_kernel)
    return top_shape + dil_kernel - 1 - pad_l - pad_r


def get_conv_gradinputs_shape(
    kernel_shape, top_shape, border_mode, subsample, filter_dilation=None, num_groups=1
) -> tuple:
    """Image shape implied by a kernel shape and an output shape."""
    convdim = len(top_shape) - 2
    if filter_dilation is None:
        filter_dilation = (1,) * len(subsample)
    nchan = kernel_shape[-convdim - 1]
    if num_groups > 1 and nchan is not None:
        nchan = nchan * num_groups
    kshp = kernel_shape[-convdim:]
    spatial = tuple(
        get_conv_gradinputs_shape_1axis(
            kshp[i],
            top_shape[2 + i],
            border_mode[i] if isinstance(border_mode, tuple) else border_mode,
            subsample[i],
            filter_dilation[i],
        )
        for i in range(len(subsample))
    )
    return (top_shape[0], nchan) + spatial


def check_conv_gradinputs_shape(
    image_shape,
    kernel_shape,
    output_shape,
    border_mode,
    subsample,
    filter_dilation=None,
) -> bool:
    """Whether convolving ``image_shape`` by ``kernel_shape`` can give
    ``output_shape`` (unknown entries always agree)."""
    image_shape = tuple(image_shape)
    kernel_shape = tuple(kernel_shape)
    output_shape = tuple(output_shape)
    if not len(image_shape) == len(kernel_shape) == len(output_shape):
        return False
    if len(image_shape) - 2 != len(subsample):
        return False
    if filter_dilation is not None and len(filter_dilation) != len(subsample):
        return False
    computed = get_conv_output_shape(
        image_shape, kernel_shape, border_mode, subsample, filter_dilation
    )

    def same(given, comp):
        if given is None or comp is None:
            return True
        try:
            return int(get_scalar_constant_value(given)) == int(
                get_scalar_constant_value(comp)
            )
        except NotScalarConstantError:
            return True

    return all(same(g, c) for g, c in zip(output_shape, computed))


def assert_conv_shape(shape) -> tuple:
    """``shape`` with a check that no dimension is negative (nor, for the
    spatial ones, zero); constant entries are checked now."""
    import aesara.tensor as at
    from aesara.raise_op import Assert

    out = []
    for i, n in enumerate(shape):
        limit_ok = (lambda v: v >= 0) if i < 2 else (lambda v: v > 0)
        try:
            const = get_scalar_constant_value(n)
        except NotScalarConstantError:
            msg = f"The convolution would produce an invalid shape (dim[{i}] < 0)."
            cond = at.ge(n, 0) if i < 2 else at.gt(n, 0)
            out.append(Assert(msg)(n, cond))
            continue
        if not limit_ok(const):
            raise ValueError(
                f"The convolution would produce an invalid shape (dim[{i}]: {int(const)})."
            )
        out.append(n)
    return tuple(out)


def assert_shape(x, expected_shape, msg="Unexpected shape."):
    """``x`` wrapped in a run-time shape check when ``config.conv__assert_shape``
    is set (entries of ``expected_shape`` that are ``None`` are not checked)."""
    if expected_shape is None or not getattr(config, "conv__assert_shape", False):
        return x
    import aesara.tensor as at
    from aesara.raise_op import Assert

    tests = [
        at.eq(x.shape[i], expected_shape[i])
        for i in range(x.ndim)
        if expected_shape[i] is not None
    ]
    return Assert(msg)(x, *tests) if tests else x


def border_mode_to_pad(mode, convdim, kshp) -> tuple:
    """``((left, right), ...)`` padding per spatial axis for a border mode."""
    if isinstance(mode, tuple):
        if len(mode) != convdim:
            raise ValueError(
                f"invalid border_mode {mode}, which must be a tuple of length {convdim}"
            )
        out = []
        for m in mode:
            if isinstance(m, (int, np.integer)) and m >= 0:
                out.append((int(m), int(m)))
            elif isinstance(m, tuple) and all(
                isinstance(b, (int, np.integer)) for b in m
            ):
                if len(m) != 2:
                    raise NotImplementedError(
                        f"Asymmetric padding not implemented for {len(m)}d"
                    )
                if min(m) < 0:
                    raise ValueError(f"invalid border_mode {mode}: negative padding")
                out.append((int(m[0]), int(m[1])))
            else:
                raise ValueError(
                    f"invalid border_mode {mode}: the tuple can only contain integers "
                    "or pairs of integers"
                )
        return tuple(out)
    if mode == "full":
        return tuple((kshp[i] - 1,) * 2 for i in range(convdim))
    if mode == "half":
        return tuple((kshp[i] // 2,) * 2 for i in range(convdim))
    if mode == "valid":
        return ((0, 0),) * convdim
    raise ValueError(
        f'invalid border_mode {mode!r}, which must be "valid", "full", "half", an '
        f"integer or a tuple of length {convdim}"
    )
