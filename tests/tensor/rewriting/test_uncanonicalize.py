"""The ``uncanonicalize`` stage (``aesara.tensor.rewriting.uncanonicalize``)."""

from __future__ import annotations

import numpy as np

import aesara.tensor as at
from aesara.compile.mode import get_mode
from aesara.graph.basic import Apply
from aesara.graph.rewriting.utils import rewrite_graph
from aesara.tensor.basic import Alloc
from aesara.tensor.elemwise import DimShuffle
from aesara.tensor.math import Argmax, Max, MaxAndArgmax, Min, max_and_argmax
from aesara.tensor.subtensor import Subtensor
from tests.tensor.rewriting.rewrite_check import check_rewrite

RNG = np.random.default_rng(7)
# The earlier stages already simplify some of these patterns on their own;
# without them, what the uncanonicalize rewrites do is observable.
ONLY_UNCANON = get_mode("FAST_RUN").excluding("canonicalize", "stabilize", "specialize")


def _ops(fgraph) -> list:
    return [n.op for n in fgraph.apply_nodes]


def _uncanon(out):
    return rewrite_graph(out, include=("uncanonicalize",))


def test_max_and_argmax_split():
    x = at.matrix("x")
    xv = RNG.normal(size=(3, 4))
    mx, amx = max_and_argmax(x, axis=0)
    check_rewrite(
        "local_max_and_argmax",
        [x],
        mx,
        [xv],
        fires=lambda fg: not any(isinstance(o, MaxAndArgmax) for o in _ops(fg)),
    )
    check_rewrite(
        "local_max_and_argmax",
        [x],
        amx,
        [xv],
        fires=lambda fg: any(isinstance(o, Argmax) for o in _ops(fg)),
    )
    # Both outputs used: the node stays.
    both = _uncanon([mx, amx])
    assert isinstance(both[0].owner.op, MaxAndArgmax)


def test_neg_max_neg_is_min():
    x = at.matrix("x")
    out = -at.max(-x, axis=1)
    check_rewrite(
        "local_max_to_min",
        [x],
        out,
        [RNG.normal(size=(3, 4))],
        mode=ONLY_UNCANON,
        fires=lambda fg: any(isinstance(o, Min) for o in _ops(fg)),
    )
    new = _uncanon(out)
    assert isinstance(new.owner.op, Min) and new.owner.op.axis == (1,)


def test_alloc_of_dimshuffle():
    v = at.vector("v")
    out = at.alloc(v.dimshuffle("x", 0), 3, 4)
    new = _uncanon(out)
    assert isinstance(new.owner.op, Alloc) and new.owner.inputs[0] is v
    check_rewrite("local_alloc_dimshuffle", [v], out, [np.arange(4.0)])
    # A transposing DimShuffle is kept.
    m = at.matrix("m")
    kept = _uncanon(at.alloc(m.T, 2, 3, 3))
    assert isinstance(kept.owner.inputs[0].owner.op, DimShuffle)


def test_dimshuffle_of_alloc():
    v = at.vector("v")
    out = at.alloc(v, 3, 4).dimshuffle("x", 0, 1)
    new = _uncanon(out)
    assert isinstance(new.owner.op, Alloc) and len(new.owner.inputs) == 4
    check_rewrite("local_dimshuffle_alloc", [v], out, [np.arange(4.0)])


def test_reshape_of_dimshuffle():
    x = at.matrix("x")
    out = at.reshape(x.dimshuffle("x", 0, 1), (-1,))
    new = _uncanon(out)
    assert new.owner.inputs[0] is x
    check_rewrite(
        "local_reshape_dimshuffle",
        [x],
        out,
        [RNG.normal(size=(2, 3))],
        mode=ONLY_UNCANON,
    )
    # A transpose changes the element order: kept.
    kept = _uncanon(at.reshape(x.T, (-1,)))
    assert isinstance(kept.owner.inputs[0].owner.op, DimShuffle)


def test_dimshuffle_of_subtensor():
    t = at.tensor3("t", shape=(None, 1, None))
    out = t[1:, :, 2:].dimshuffle(0, 2)
    new = _uncanon(out)
    assert isinstance(new.owner.op, Subtensor) and new.owner.inputs[0] is t
    check_rewrite(
        "local_dimshuffle_subtensor",
        [t],
        out,
        [RNG.normal(size=(4, 1, 5))],
        fires=lambda fg: not any(isinstance(o, DimShuffle) for o in _ops(fg)),
    )
    # A dropped dimension that was sliced (not ``:``) is left alone.
    sliced = t[:, 0:1, :].dimshuffle(0, 2)
    kept = _uncanon(sliced)
    assert isinstance(kept.owner, Apply) and isinstance(kept.owner.op, DimShuffle)


def test_max_is_kept_when_not_negated():
    x = at.matrix("x")
    new = _uncanon(at.max(x, axis=0))
    assert isinstance(new.owner.op, Max)
