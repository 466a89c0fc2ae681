"""Rewrites of ``Unique`` and ``BroadcastTo`` (``aesara.tensor.rewriting.extra_ops``)."""

from __future__ import annotations

import numpy as np

import aesara.tensor as at
from aesara.graph.rewriting.utils import rewrite_graph
from aesara.tensor.basic import Alloc
from aesara.tensor.extra_ops import (
    BroadcastTo,
    RepeatOp,
    Unique,
    broadcast_to,
    repeat,
    unique,
)
from tests.tensor.rewriting.rewrite_check import check_rewrite


def _has(fg, cls) -> bool:
    return any(isinstance(n.op, cls) for n in fg.apply_nodes)


def _canon(out):
    return rewrite_graph(out, include=("canonicalize",))


X = np.array([3.0, 1.0, 3.0, 2.0])


def test_unique_of_scalar():
    s = at.scalar("s")
    check_rewrite(
        "local_Unique_scalar",
        [s],
        unique(s),
        [np.float64(2.5)],
        fires=lambda fg: not _has(fg, Unique),
    )


def _copy_case():
    x = at.vector("x", shape=(4,))
    return x, [X]


def test_unique_of_alloc():
    x, vals = _copy_case()
    fg = check_rewrite("local_Unique_Alloc_lift", [x], unique(at.alloc(x, 3, 4)), vals)
    assert not _has(fg, Alloc)


def test_unique_of_broadcast_to():
    x, vals = _copy_case()
    out = unique(broadcast_to(x, (2, 4)))
    fg = check_rewrite("local_Unique_BroadcastTo_lift", [x], out, vals)
    assert not _has(fg, BroadcastTo)


def test_unique_of_repeat():
    x, vals = _copy_case()
    fg = check_rewrite("local_Unique_Repeat_lift", [x], unique(repeat(x, 2)), vals)
    assert not _has(fg, RepeatOp)


def test_unique_of_second():
    x, vals = _copy_case()
    out = unique(at.second(at.ones((2, 4)), x))
    check_rewrite("local_Unique_second", [x], out, vals)


def test_unique_of_possibly_empty_copy_is_kept():
    # alloc(x, n, 4) is empty for n == 0: unique(x) would not be.
    x = at.vector("x")
    n = at.iscalar("n")
    new = _canon(unique(at.alloc(x, n, 4)))
    assert isinstance(new.owner.inputs[0].owner.op, Alloc)
    r = at.ivector("r")
    new = _canon(unique(repeat(x, r)))
    assert isinstance(new.owner.inputs[0].owner.op, RepeatOp)


def test_unique_with_extra_outputs_is_kept():
    x = at.vector("x")
    vals, idx = unique(at.alloc(x, 3, 4), return_index=True)
    new = _canon(vals)
    assert isinstance(new.owner.inputs[0].owner.op, Alloc)


def test_scalar_broadcast_to_nothing():
    s = at.scalar("s")
    out = BroadcastTo()(s)
    check_rewrite(
        "local_remove_scalar_BroadcastTo",
        [s],
        out,
        [np.float64(1.5)],
        fires=lambda fg: not _has(fg, BroadcastTo),
    )
