"""``Corr3dMM``, ``Corr3dMMGradWeights`` and ``Corr3dMMGradInputs``: 3-d
cross-correlation (no kernel flip) and its gradients, the 3-d instances of
the ops in :mod:`aesara.tensor.nnet.corr`."""

from __future__ import annotations

from aesara.tensor.nnet.corr import (
    BaseCorrMM,
    _CorrForward,
    _CorrGradInputs,
    _CorrGradWeights,
)

__all__ = ["BaseCorr3dMM", "Corr3dMM", "Corr3dMMGradWeights", "Corr3dMMGradInputs"]


class BaseCorr3dMM(BaseCorrMM):
    """Parameters of the 3-d correlation ops (no unshared kernels, no
    asymmetric padding)."""

    __props__ = ("border_mode", "subsample", "filter_dilation", "num_groups")
    _convdim = 3

    def __init__(
        self,
        border_mode="valid",
        subsample=(1, 1, 1),
        filter_dilation=(1, 1, 1),
        openmp=None,
        num_groups=1,
    ):
        super().__init__(border_mode, subsample, filter_dilation, num_groups, False)


class Corr3dMM(BaseCorr3dMM, _CorrForward):
    """3-d cross-correlation of ``img`` ``(B, C, D, H, W)`` by ``kern``."""


class Corr3dMMGradWeights(BaseCorr3dMM, _CorrGradWeights):
    """Gradient of :class:`Corr3dMM` with respect to the kernel."""


class Corr3dMMGradInputs(BaseCorr3dMM, _CorrGradInputs):
    """Gradient of :class:`Corr3dMM` with respect to the image."""


for _cls in (Corr3dMM, Corr3dMMGradWeights, Corr3dMMGradInputs):
    _cls._fwd_op = Corr3dMM
    _cls._gw_op = Corr3dMMGradWeights
    _cls._gi_op = Corr3dMMGradInputs
