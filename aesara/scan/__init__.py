"""Symbolic loops: :func:`scan` and its shorthands.

``scan`` applies a step function over sequences and recurrent states; the loop
is one :class:`~aesara.scan.op.Scan` node whose inner graph is the step. It
is differentiable (:mod:`aesara.scan.differentiation`), rewritten
(:mod:`aesara.scan.rewriting`) and, in the default mode, runs as a C loop.

* :func:`scan` (:mod:`aesara.scan.basic`), :class:`~aesara.scan.utils.until`;
* :func:`map`, :func:`reduce`, :func:`foldl`, :func:`foldr`
  (:mod:`aesara.scan.views`);
* :func:`~aesara.scan.checkpoints.scan_checkpoints`.
"""

from aesara.scan import rewriting
from aesara.scan.basic import scan
from aesara.scan.checkpoints import scan_checkpoints
from aesara.scan.utils import until
from aesara.scan.views import foldl, foldr, map, reduce

__all__ = [
    "foldl",
    "foldr",
    "map",
    "reduce",
    "rewriting",
    "scan",
    "scan_checkpoints",
    "until",
]
