"""Rewrites of sparse products: usmm fusion, buffer forms, and the dense/sparse round trip."""

from __future__ import annotations

import numpy as np
import pytest

import aesara
import aesara.sparse as sp
import aesara.tensor as at
from aesara.compile.mode import get_default_mode
from aesara.graph.fg import FunctionGraph
from aesara.graph.rewriting.basic import in2out
from aesara.sparse.conversion import DenseFromSparse, SparseFromDense
from aesara.sparse.products import (
    Dot,
    SamplingDot,
    SamplingDotCSR,
    StructuredDot,
    StructuredDotCSC,
    StructuredDotCSR,
    Usmm,
)
from aesara.sparse.rewriting import (
    local_dense_from_sparse_sparse_from_dense,
    local_structured_dot,
    local_usmm,
)
from tests.op_db.sparse import random_sparse


def _ops(f, cls):
    return [n for n in f.maker.fgraph.toposort() if isinstance(n.op, cls)]


def _both(ins, out, vals, cls):
    """Compile with and without the default rewrites; assert equal values; return the rewritten fn."""
    f = aesara.function(ins, out, on_unused_input="ignore")
    g = aesara.function(
        ins,
        out,
        mode=get_default_mode().excluding("local_usmm", "local_sampling_dot_csr"),
        on_unused_input="ignore",
    )
    res, ref = f(*vals), g(*vals)
    res = res.toarray() if hasattr(res, "toarray") else res
    ref = ref.toarray() if hasattr(ref, "toarray") else ref
    np.testing.assert_allclose(res, ref, rtol=1e-12)
    assert not _ops(g, cls)
    return f, res


@pytest.fixture
def operands():
    rng = np.random.default_rng(0)
    return (
        random_sparse(rng, (5, 4), "csr", "float64"),
        rng.normal(size=(4, 3)),
        rng.normal(size=(5, 3)),
    )


@pytest.mark.parametrize(
    "build, expected",
    [
        (lambda a, x, y, z: z - a * sp.dot(x, y), lambda a, p, z: z - a * p),
        (lambda a, x, y, z: z + a * sp.dot(x, y), lambda a, p, z: z + a * p),
        (lambda a, x, y, z: sp.dot(x, y) * a + z, lambda a, p, z: z + a * p),
        (lambda a, x, y, z: z - sp.dot(x, y), lambda a, p, z: z - p),
        (lambda a, x, y, z: z + 2.0 * sp.dot(x, y), lambda a, p, z: z + 2.0 * p),
    ],
    ids=["z-a*dot", "z+a*dot", "dot*a+z", "z-dot", "z+2*dot"],
)
def test_local_usmm_fuses_scaled_products(operands, build, expected):
    av, (xv, yv, zv) = 0.7, operands
    a, x, y, z = at.dscalar("a"), sp.csr_matrix("x"), at.dmatrix("y"), at.dmatrix("z")
    f, res = _both([a, x, y, z], build(a, x, y, z), (av, xv, yv, zv), Usmm)
    assert len(_ops(f, Usmm)) == 1 and not _ops(f, Dot)
    np.testing.assert_allclose(res, expected(av, xv.toarray() @ yv, zv))


def test_local_usmm_values_against_numpy(operands):
    xv, yv, zv = operands
    a, x, y, z = at.dscalar("a"), sp.csr_matrix("x"), at.dmatrix("y"), at.dmatrix("z")
    f = aesara.function([a, x, y, z], [z - a * sp.dot(x, y), z + a * sp.dot(x, y)])
    assert len(_ops(f, Usmm)) == 2
    sub, add = f(0.7, xv, yv, zv)
    prod = xv.toarray() @ yv
    np.testing.assert_allclose(sub, zv - 0.7 * prod)
    np.testing.assert_allclose(add, zv + 0.7 * prod)


def test_local_usmm_with_dense_left_operand(operands):
    xv, _, _ = operands
    rng = np.random.default_rng(1)
    wv, zv = rng.normal(size=(2, 5)), rng.normal(size=(2, 4))
    w, x, z = at.dmatrix("w"), sp.csr_matrix("x"), at.dmatrix("z")
    f, res = _both([w, x, z], z - 3.0 * sp.dot(w, x), (wv, xv, zv), Usmm)
    assert _ops(f, Usmm)
    np.testing.assert_allclose(res, zv - 3.0 * (wv @ xv.toarray()))


def test_local_usmm_leaves_other_graphs_alone(operands):
    xv, yv, zv = operands
    x, y, z, v = sp.csr_matrix("x"), at.dmatrix("y"), at.dmatrix("z"), at.dvector("v")
    # A non-scalar factor, and a product of another dtype than the sum.
    f = aesara.function([x, y, z, v], z - v * sp.dot(x, y))
    assert not _ops(f, Usmm)
    np.testing.assert_allclose(
        f(xv, yv, zv, np.arange(3.0)), zv - np.arange(3.0) * (xv @ yv)
    )
    zf = at.fmatrix("zf")
    xf = sp.csr_matrix("xf", dtype="float32")
    yf = at.fmatrix("yf")
    g = aesara.function([xf, yf, zf], zf - 2 * sp.dot(xf, yf))
    res = g(xv.astype("float32"), yv.astype("float32"), zv.astype("float32"))
    assert res.dtype == np.float32
    # Applied directly, the rewrite rejects a non-Elemwise node.
    fg = FunctionGraph([x, y], [sp.dot(x, y)], clone=False)
    assert not local_usmm.transform(fg, fg.outputs[0].owner)


@pytest.mark.parametrize(
    "fmt, cls", [("csr", StructuredDotCSR), ("csc", StructuredDotCSC)]
)
def test_local_structured_dot_buffer_form(fmt, cls):
    rng = np.random.default_rng(2)
    av = random_sparse(rng, (5, 4), fmt, "float64", unsorted=True)
    bv = rng.normal(size=(4, 3))
    a, b = sp.matrix(fmt, "a", dtype="float64"), at.dmatrix("b")
    out = sp.structured_dot(a, b)
    fg = FunctionGraph([a, b], [out], clone=False)
    in2out(local_structured_dot).rewrite(fg)
    nodes = fg.toposort()
    assert any(isinstance(n.op, cls) for n in nodes)
    assert not any(isinstance(n.op, StructuredDot) for n in nodes)
    f = aesara.function([a, b], fg.outputs[0])
    np.testing.assert_allclose(f(av, bv), av @ bv)
    # Not registered by default (as in Aesara).
    g = aesara.function([a, b], out)
    assert _ops(g, StructuredDot) and not _ops(g, cls)
    # infer_shape of the buffer form.
    shp = aesara.function([a, b], fg.outputs[0].shape)(av, bv)
    assert tuple(shp) == (5, 3)


def test_local_structured_dot_skips_sparse_right_operands():
    a, b = sp.csr_matrix("a"), sp.csr_matrix("b")
    fg = FunctionGraph([a, b], [sp.structured_dot(a, b)], clone=False)
    assert not local_structured_dot.transform(fg, fg.outputs[0].owner)


def test_local_sampling_dot_csr_applies_and_agrees():
    rng = np.random.default_rng(3)
    pv = random_sparse(
        rng, (5, 4), "csr", "float64", explicit_zeros=True, unsorted=True
    )
    xv, yv = rng.normal(size=(5, 3)), rng.normal(size=(4, 3))
    x, y, p = at.dmatrix("x"), at.dmatrix("y"), sp.csr_matrix("p")
    f, res = _both([x, y, p], sp.sampling_dot(x, y, p), (xv, yv, pv), SamplingDotCSR)
    assert _ops(f, SamplingDotCSR) and not _ops(f, SamplingDot)
    np.testing.assert_allclose(res, pv.toarray() * (xv @ yv.T))
    # csc patterns, and mixed dtypes, keep the generic op.
    pc = sp.csc_matrix("pc")
    g = aesara.function([x, y, pc], sp.sampling_dot(x, y, pc))
    assert _ops(g, SamplingDot) and not _ops(g, SamplingDotCSR)
    pf = sp.csr_matrix("pf", dtype="float32")
    h = aesara.function([x, y, pf], sp.sampling_dot(x, y, pf))
    assert _ops(h, SamplingDot)
    out = h(xv, yv, pv.astype("float32"))
    np.testing.assert_allclose(out.toarray(), pv.toarray() * (xv @ yv.T), rtol=1e-5)


def test_local_dense_from_sparse_sparse_from_dense_removes_the_round_trip():
    x = at.dmatrix("x")
    out = sp.dense_from_sparse(sp.csr_from_dense(x))
    f = aesara.function([x], out * 2)
    assert not _ops(f, DenseFromSparse) and not _ops(f, SparseFromDense)
    xv = np.array([[0.0, 1.0], [2.0, 0.0]])
    np.testing.assert_allclose(f(xv), 2 * xv)
    fg = FunctionGraph([x], [out], clone=False)
    new = local_dense_from_sparse_sparse_from_dense.transform(fg, out.owner)
    assert new == [x]
