"""Every linear-algebra name in one place: :mod:`~aesara.tensor.nlinalg` and
:mod:`~aesara.tensor.slinalg` together, as ``aesara.tensor.linalg`` in Aesara."""

from aesara.tensor import nlinalg as _nlinalg
from aesara.tensor import slinalg as _slinalg
from aesara.tensor.nlinalg import *  # noqa: F403
from aesara.tensor.slinalg import *  # noqa: F403

__all__ = list(dict.fromkeys([*_nlinalg.__all__, *_slinalg.__all__]))
