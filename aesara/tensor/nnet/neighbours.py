"""Image patches as matrix rows: ``images2neibs`` (the ``Images2Neibs`` op)
and its inverse for non-overlapping patches, ``neibs2images``.

Each row of the output holds one ``(rows, cols)`` patch of one channel of
one image, flattened; rows are ordered by image, channel, patch row, patch
column.  Patch extraction is a single gather over precomputed index grids.
"""

from __future__ import annotations

import numpy as np

from aesara.gradient import grad_undefined
from aesara.graph.basic import Apply, Variable
from aesara.graph.op import Op
from aesara.tensor.basic import as_tensor_variable
from aesara.tensor.type import TensorType

__all__ = ["Images2Neibs", "images2neibs", "neibs2images"]

_MODES = ("valid", "half", "full", "wrap_centered", "ignore_borders")


def _axis_plan(mode, size, patch, step, axis):
    """Source index of every (patch position, offset) pair along one axis and
    whether it lies inside the image: ``(idx, inside)``, each ``(grid, patch)``."""
    what = f"neib_shape[{axis}]={patch}, neib_step[{axis}]={step} and ten4.shape[{2 + axis}]={size}"
    if mode == "wrap_centered":
        if patch % 2 != 1:
            raise TypeError("Images2Neibs: mode wrap_centered needs odd patch shapes")
        if size < patch:
            raise TypeError(
                "Images2Neibs: mode wrap_centered does not support images smaller than "
                f"the patch ({what})"
            )
        grid = -(-size // step)
        shift = patch // 2
    elif mode == "valid":
        if size < patch or (size - patch) % step:
            raise TypeError(f"Images2Neibs: {what} are not consistent (mode valid)")
        grid, shift = 1 + (size - patch) // step, 0
    elif mode == "ignore_borders":
        grid, shift = max(1 + (size - patch) // step, 0), 0
    elif mode == "half":
        if size < patch or (size - patch % 2) % step:
            raise TypeError(f"Images2Neibs: {what} are not consistent (mode half)")
        grid, shift = 1 + (size - patch % 2) // step, patch // 2
    else:  # full
        if size < patch or (size + patch - 2) % step:
            raise TypeError(f"Images2Neibs: {what} are not consistent (mode full)")
        grid, shift = 1 + (size + patch - 2) // step, patch - 1
    idx = np.arange(grid)[:, None] * step + np.arange(patch)[None, :] - shift
    if mode == "wrap_centered":
        return idx % size, np.ones(idx.shape, dtype=bool)
    inside = (idx >= 0) & (idx < size)
    return np.clip(idx, 0, max(size - 1, 0)), inside


def _plan(mode, shape, neib_shape, neib_step):
    c, d = (int(v) for v in neib_shape)
    sx, sy = (int(v) for v in neib_step)
    if sx <= 0 or sy <= 0:
        raise ValueError(f"Images2Neibs: neib_step values must be > 0, got {(sx, sy)}")
    if c <= 0 or d <= 0:
        raise ValueError(f"Images2Neibs: neib_shape values must be > 0, got {(c, d)}")
    rows, r_in = _axis_plan(mode, shape[2], c, sx, 0)
    cols, c_in = _axis_plan(mode, shape[3], d, sy, 1)
    # (grid_r, grid_c, c, d) index grids
    R = rows[:, None, :, None]
    C = cols[None, :, None, :]
    inside = r_in[:, None, :, None] & c_in[None, :, None, :]
    return R, C, inside, (c, d)


class Images2Neibs(Op):
    """Extract ``neib_shape`` patches every ``neib_step`` from a 4-d tensor.

    Parameters
    ----------
    mode
        ``"valid"`` (patches must tile the image exactly),
        ``"ignore_borders"`` (drop incomplete patches), ``"half"`` /
        ``"full"`` (zero padding of ``patch // 2`` / ``patch - 1``) or
        ``"wrap_centered"`` (patches centred on each step, wrapping around;
        odd patch shapes only).
    """

    __props__ = ("mode",)

    def __init__(self, mode="valid"):
        if mode not in _MODES:
            raise NotImplementedError(
                f"Only modes {', '.join(_MODES)} have been implemented for Images2Neibs, "
                f"got {mode!r}"
            )
        self.mode = mode

    def __str__(self):
        return f"{type(self).__name__}{{{self.mode}}}"

    def make_node(self, ten4, neib_shape, neib_step=None) -> Apply:
        ten4 = as_tensor_variable(ten4)
        neib_shape = as_tensor_variable(neib_shape)
        neib_step = neib_shape if neib_step is None else as_tensor_variable(neib_step)
        if ten4.type.ndim != 4:
            raise TypeError(f"Images2Neibs: ten4 must be a 4-d tensor, got {ten4.type}")
        for what, v in (("neib_shape", neib_shape), ("neib_step", neib_step)):
            if v.type.ndim != 1 or v.type.dtype[:3] not in ("int", "uin"):
                raise TypeError(
                    f"Images2Neibs: {what} must be an integer vector, got {v.type}"
                )
        out = TensorType(ten4.type.dtype, shape=(None, None))()
        return Apply(self, [ten4, neib_shape, neib_step], [out])

    def perform(self, node, inputs, output_storage, params=None):
        x, neib_shape, neib_step = inputs
        if x.ndim != 4 or np.shape(neib_shape) != (2,) or np.shape(neib_step) != (2,):
            raise ValueError(
                "Images2Neibs: expected a 4-d image and 2-element neib_shape/neib_step, got "
                f"{x.shape}, {neib_shape}, {neib_step}"
            )
        R, C, inside, (c, d) = _plan(self.mode, x.shape, neib_shape, neib_step)
        patches = x[:, :, R, C]  # (n, s, grid_r, grid_c, c, d)
        if not inside.all():
            patches = np.where(inside, patches, 0)
        output_storage[0][0] = np.ascontiguousarray(
            patches.reshape(-1, c * d), dtype=node.outputs[0].type.dtype
        )

    def infer_shape(self, fgraph, node, input_shapes):
        from aesara.tensor.math import ceil_intdiv

        shp = input_shapes[0]
        c, d = node.inputs[1][0], node.inputs[1][1]
        sx, sy = node.inputs[2][0], node.inputs[2][1]
        if self.mode == "wrap_centered":
            gr, gc = ceil_intdiv(shp[2], sx), ceil_intdiv(shp[3], sy)
        elif self.mode in ("valid", "ignore_borders"):
            gr, gc = 1 + (shp[2] - c) // sx, 1 + (shp[3] - d) // sy
        elif self.mode == "half":
            gr, gc = 1 + (shp[2] - c % 2) // sx, 1 + (shp[3] - d % 2) // sy
        else:
            gr, gc = 1 + (shp[2] + c - 2) // sx, 1 + (shp[3] + d - 2) // sy
        return [(gr * gc * shp[1] * shp[0], c * d)]

    def grad(self, inputs, output_gradients):
        x, neib_shape, neib_step = inputs
        (gz,) = output_gradients
        return [
            _Images2NeibsGrad(self.mode)(x, gz, neib_shape, neib_step),
            grad_undefined(self, 1, neib_shape),
            grad_undefined(self, 2, neib_step),
        ]


class _Images2NeibsGrad(Op):
    """Adjoint of :class:`Images2Neibs`: scatter-add patch rows back into an
    image shaped like the first input."""

    __props__ = ("mode",)

    def __init__(self, mode):
        self.mode = mode

    def make_node(self, x, gz, neib_shape, neib_step) -> Apply:
        x, gz, neib_shape, neib_step = map(
            as_tensor_variable, (x, gz, neib_shape, neib_step)
        )
        return Apply(self, [x, gz, neib_shape, neib_step], [x.type()])

    def perform(self, node, inputs, output_storage, params=None):
        x, gz, neib_shape, neib_step = inputs
        R, C, inside, (c, d) = _plan(self.mode, x.shape, neib_shape, neib_step)
        n, s, h, w = x.shape
        flat = np.broadcast_to(R * w + C, inside.shape)[inside]
        g = gz.reshape((n * s,) + inside.shape)[:, inside]
        out = np.zeros((n * s, h * w), dtype=x.dtype)
        np.add.at(out, (slice(None), flat), g)
        output_storage[0][0] = out.reshape(x.shape)

    def infer_shape(self, fgraph, node, input_shapes):
        return [input_shapes[0]]

    def connection_pattern(self, node):
        return [[False], [True], [False], [False]]

    def grad(self, inputs, output_gradients):
        import aesara.tensor as at

        x, gz, neib_shape, neib_step = inputs
        (g,) = output_gradients
        return [
            at.zeros_like(x),
            Images2Neibs(self.mode)(g, neib_shape, neib_step),
            grad_undefined(self, 2, neib_shape),
            grad_undefined(self, 3, neib_step),
        ]


def images2neibs(ten4, neib_shape, neib_step=None, mode="valid") -> Variable:
    """Rows of flattened patches of a ``(batch, channels, rows, cols)`` tensor.

    Parameters
    ----------
    ten4
        The images.
    neib_shape
        Patch shape ``(rows, cols)``.
    neib_step
        Step between patches (defaults to ``neib_shape``: no overlap).
    mode
        See :class:`Images2Neibs`.

    Returns
    -------
    Variable
        ``(batch * channels * n_patches, rows * cols)`` matrix.
    """
    return Images2Neibs(mode)(ten4, neib_shape, neib_step)


def neibs2images(neibs, neib_shape, original_shape, mode="valid") -> Variable:
    """Inverse of :func:`images2neibs` for non-overlapping patches.

    Parameters
    ----------
    neibs
        Patch rows as produced by ``images2neibs(x, neib_shape)``.
    neib_shape
        Patch shape ``(rows, cols)``.
    original_shape
        Shape of the images to rebuild.
    mode
        ``"valid"``, or ``"ignore_borders"`` (the dropped border is zero).
    """
    import aesara.tensor as at

    if mode not in ("valid", "ignore_borders"):
        raise NotImplementedError(f"neibs2images does not support mode={mode!r}")
    neibs = as_tensor_variable(neibs)
    neib_shape = as_tensor_variable(neib_shape)
    original_shape = as_tensor_variable(original_shape)
    pr, pc = neib_shape[0], neib_shape[1]
    n, s, h, w = (original_shape[i] for i in range(4))
    gr, gc = h // pr, w // pc
    # (n, s, grid_r, grid_c, pr, pc) -> (n, s, grid_r, pr, grid_c, pc)
    blocks = neibs.reshape(at.stack([n, s, gr, gc, pr, pc]), ndim=6)
    image = blocks.dimshuffle(0, 1, 2, 4, 3, 5).reshape(
        at.stack([n, s, gr * pr, gc * pc]), ndim=4
    )
    if mode == "ignore_borders":
        full = at.zeros(at.stack([n, s, h, w]), dtype=neibs.type.dtype)
        image = at.set_subtensor(full[:, :, : gr * pr, : gc * pc], image)
    return image
