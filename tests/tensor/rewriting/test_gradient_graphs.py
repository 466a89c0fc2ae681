"""Size of optimized gradient graphs (issue: no more nodes than PyTensor's 7)."""

from __future__ import annotations

import numpy as np

import aesara
import aesara.tensor as at
from aesara.compile.mode import Mode


def _logreg_grad():
    X, y, w = at.dmatrix("X"), at.dvector("y"), at.dvector("w")
    p = at.sigmoid(X @ w)
    loss = -at.sum(y * at.log(p) + (1 - y) * at.log(1 - p))
    return [X, y, w], aesara.grad(loss, w)


def test_logistic_regression_gradient_is_small_and_fused():
    ins, g = _logreg_grad()
    f = aesara.function(ins, g)
    nodes = f.maker.fgraph.toposort()
    names = [type(n.op).__name__ for n in nodes]
    # PyTensor 3.0.7's default mode leaves 7 nodes (perf-anchors.md).
    assert len(nodes) <= 7, names
    assert names.count("Elemwise") == 1, names
    assert "Alloc" not in names, names
    rng = np.random.default_rng(0)
    X = rng.normal(size=(50, 4))
    y = (rng.random(50) < 0.5).astype("float64")
    w = rng.normal(size=4)
    p = 1 / (1 + np.exp(-(X @ w)))
    np.testing.assert_allclose(f(X, y, w), X.T @ (p - y), rtol=1e-10)
    ref = aesara.function(ins, g, mode=Mode(optimizer=None))
    np.testing.assert_allclose(f(X, y, w), ref(X, y, w), rtol=1e-10)


def test_alloc_of_the_broadcast_shape_is_dropped_after_fusion():
    x, y = at.dvector("x"), at.dvector("y")
    z = x * y + 1.0
    # The gradient of sum(z) allocates ones of broadcast(x, y)'s shape.
    g = aesara.grad(at.sum(at.exp(z)), x)
    f = aesara.function([x, y], g)
    names = [type(n.op).__name__ for n in f.maker.fgraph.toposort()]
    assert "Alloc" not in names, names
    xv, yv = np.array([0.1, 0.2, 0.3]), np.array([1.0, 2.0, 3.0])
    np.testing.assert_allclose(f(xv, yv), np.exp(xv * yv + 1) * yv)
    # Runtime broadcasting of y (length 1) still gives x's shape.
    np.testing.assert_allclose(
        f(xv, np.array([2.0])), np.exp(xv * 2.0 + 1) * 2.0, rtol=1e-12
    )


def test_alloc_that_sets_the_shape_is_kept():
    x = at.dvector("x")
    n = at.lscalar("n")
    out = at.alloc(at.as_tensor(2.0), n) * x
    f = aesara.function([x, n], out)
    # x of length 1 broadcasts against the alloc: the alloc decides the shape.
    np.testing.assert_allclose(f(np.array([3.0]), 4), np.full(4, 6.0))
