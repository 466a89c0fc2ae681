"""Stabilisation rewrites: each fires, and the compiled function is accurate
at inputs where the naive formula overflows, underflows or cancels."""

import numpy as np
import pytest
import scipy.special as sp

import aesara
import aesara.scalar.basic as aes
import aesara.scalar.math as asm
import aesara.tensor as at
from aesara.compile.mode import Mode
from aesara.graph.rewriting.basic import check_stack_trace
from aesara.tensor.elemwise import Elemwise

FAST_RUN = "FAST_RUN"
NO_REWRITES = Mode(linker="py", optimizer=None)


def _scalar_ops(f):
    """Scalar op classes of every element-wise node, looking inside fused nodes."""
    found = set()
    for node in f.maker.fgraph.apply_nodes:
        if not isinstance(node.op, Elemwise):
            continue
        sop = node.op.scalar_op
        inner = getattr(sop, "fgraph", None)
        if inner is not None:
            found |= {type(n.op) for n in inner.apply_nodes}
        else:
            found.add(type(sop))
    return found


def _compile(inputs, out):
    return aesara.function(inputs, out, mode=FAST_RUN), aesara.function(
        inputs, out, mode=NO_REWRITES
    )


x = at.dvector("x")


def _log1mexp_ref(a):
    with np.errstate(all="ignore"):
        return np.where(a < -np.log(2), np.log1p(-np.exp(a)), np.log(-np.expm1(a)))


CASES = [
    # name, expression, input, closed-form reference, op expected, op removed
    (
        "log(1+x)",
        lambda v: at.log(1 + v),
        [1e-20, -1e-17, 0.5],
        np.log1p,
        aes.Log1p,
        aes.Log,
    ),
    ("log(x+1)", lambda v: at.log(v + 1), [1e-20, 3.0], np.log1p, aes.Log1p, aes.Log),
    (
        "log(1-x)",
        lambda v: at.log(1 - v),
        [1e-20, 0.25],
        lambda a: np.log1p(-a),
        aes.Log1p,
        aes.Log,
    ),
    (
        "exp(x)-1",
        lambda v: at.exp(v) - 1,
        [1e-20, -1e-18, 2.0],
        np.expm1,
        aes.Expm1,
        aes.Exp,
    ),
    ("-1+exp(x)", lambda v: -1 + at.exp(v), [1e-20, 2.0], np.expm1, aes.Expm1, aes.Exp),
    (
        "log(sigmoid(x))",
        lambda v: at.log(at.sigmoid(v)),
        [-800.0, -40.0, 3.0],
        lambda a: -np.logaddexp(0, -a),
        asm.Softplus,
        aes.Log,
    ),
    (
        "log(1-sigmoid(x))",
        lambda v: at.log(1 - at.sigmoid(v)),
        [800.0, 40.0, -3.0],
        lambda a: -np.logaddexp(0, a),
        asm.Softplus,
        aes.Log,
    ),
    (
        "1-sigmoid(x)",
        lambda v: 1 - at.sigmoid(v),
        [40.0, 100.0, -2.0],
        lambda a: sp.expit(-a),
        asm.Sigmoid,
        aes.Sub,
    ),
    (
        "1-erf(x)",
        lambda v: 1 - at.erf(v),
        [10.0, 26.0, -1.0],
        sp.erfc,
        asm.Erfc,
        asm.Erf,
    ),
    (
        "1+erf(x)",
        lambda v: 1 + at.erf(v),
        [-10.0, -26.0, 1.0],
        lambda a: sp.erfc(-a),
        asm.Erfc,
        asm.Erf,
    ),
    (
        "erf(x)-1",
        lambda v: at.erf(v) - 1,
        [10.0, 1.0],
        lambda a: -sp.erfc(a),
        asm.Erfc,
        asm.Erf,
    ),
    (
        "1-erfc(x)",
        lambda v: 1 - at.erfc(v),
        [1e-20, 1e-10, 2.0],
        sp.erf,
        asm.Erf,
        asm.Erfc,
    ),
    (
        "log(erfc(x))",
        lambda v: at.log(at.erfc(v)),
        [30.0, 100.0, 1e3, 0.5, -3.0, -30.0],
        lambda a: np.log(2.0) + sp.log_ndtr(-a * np.sqrt(2.0)),
        asm.Erfcx,
        None,
    ),
    (
        "log(1-exp(x))",
        lambda v: at.log(1 - at.exp(v)),
        [-1e-20, -1e-5, -50.0, -800.0],
        _log1mexp_ref,
        asm.Log1mexp,
        aes.Log,
    ),
    (
        "log1p(-exp(x))",
        lambda v: at.log1p(-at.exp(v)),
        [-1e-20, -3.0],
        _log1mexp_ref,
        asm.Log1mexp,
        aes.Exp,
    ),
    (
        "log(-expm1(x))",
        lambda v: at.log(-at.expm1(v)),
        [-1e-20, -40.0],
        _log1mexp_ref,
        asm.Log1mexp,
        aes.Log,
    ),
    (
        "log1p(exp(x))",
        lambda v: at.log1p(at.exp(v)),
        [800.0, -800.0, 1.0],
        lambda a: np.logaddexp(0, a),
        asm.Softplus,
        aes.Exp,
    ),
    (
        "log(1+exp(x))",
        lambda v: at.log(1 + at.exp(v)),
        [800.0, -50.0],
        lambda a: np.logaddexp(0, a),
        asm.Softplus,
        aes.Exp,
    ),
    (
        "logit(sigmoid(x))",
        lambda v: at.logit(at.sigmoid(v)),
        [40.0, -40.0, 0.3],
        lambda a: a,
        None,
        asm.Sigmoid,
    ),
    (
        "log(exp(x))",
        lambda v: at.log(at.exp(v)),
        [1000.0, -1000.0, 2.0],
        lambda a: a,
        None,
        aes.Exp,
    ),
    (
        "log1p(expm1(x))",
        lambda v: at.log1p(at.expm1(v)),
        [1000.0, 1e-30],
        lambda a: a,
        None,
        aes.Expm1,
    ),
    (
        "log(exp(x)+exp(2x))",
        lambda v: at.log(at.exp(v) + at.exp(2 * v)),
        [1000.0, -1000.0, 0.0],
        lambda a: np.logaddexp(a, 2 * a),
        None,
        None,
    ),
]


@pytest.mark.parametrize(
    "name, build, values, ref, present, absent", CASES, ids=[c[0] for c in CASES]
)
def test_stabilize_fires_and_is_accurate(name, build, values, ref, present, absent):
    out = build(x)
    f, naive = _compile([x], out)
    ops = _scalar_ops(f)
    if present is not None:
        assert present in ops, f"{name}: expected {present.__name__} in {ops}"
    if absent is not None:
        assert absent not in ops, f"{name}: {absent.__name__} should be gone: {ops}"
    v = np.array(values)
    expected = ref(v)
    got = f(v)
    np.testing.assert_allclose(got, expected, rtol=1e-12, atol=0)
    # The naive graph is wrong at at least one of these inputs: the rewrite matters.
    with np.errstate(all="ignore"):
        plain = naive(v)
    bad = ~np.isclose(plain, expected, rtol=1e-6, atol=0) | ~np.isfinite(plain)
    assert bad.any(), f"{name}: the inputs do not exercise the instability"


def test_exp_log_keeps_domain():
    f, naive = _compile([x], at.exp(at.log(x)))
    assert aes.Log not in _scalar_ops(f)
    v = np.array([-1.0, 0.0, 2.5, np.inf])
    with np.errstate(all="ignore"):
        np.testing.assert_array_equal(f(v), naive(v))
    g, gnaive = _compile([x], at.expm1(at.log1p(x)))
    v = np.array([-2.0, -1.0, 1e-300, 3.0])
    with np.errstate(all="ignore"):
        np.testing.assert_allclose(g(v), gnaive(v), equal_nan=True)
    assert np.isnan(g(v)[0])


@pytest.mark.parametrize("keepdims", [False, True])
@pytest.mark.parametrize("axis", [None, 0, 1, (0, 1), -1])
def test_log_sum_exp(axis, keepdims):
    m = at.dmatrix("m")
    out = at.log(at.sum(at.exp(m), axis=axis, keepdims=keepdims))
    f, naive = _compile([m], out)
    assert any(n.op.__class__.__name__ == "Max" for n in f.maker.fgraph.apply_nodes)
    v = np.array([[1000.0, 1000.0, -5.0], [-1000.0, -1e4, -1000.0]])
    expected = sp.logsumexp(v, axis=axis, keepdims=keepdims)
    np.testing.assert_allclose(f(v), expected, rtol=1e-13)
    assert f(v).shape == np.shape(expected)
    with np.errstate(all="ignore"):
        assert not np.allclose(naive(v), expected)
    # Infinite entries keep their meaning.
    w = np.array([[-np.inf, -np.inf, -np.inf], [np.inf, 0.0, 1.0]])
    with np.errstate(all="ignore"):
        np.testing.assert_array_equal(
            f(w), sp.logsumexp(w, axis=axis, keepdims=keepdims)
        )


def test_log_sum_exp_already_shifted_is_left_alone():
    out = at.logsumexp(x)
    f = aesara.function([x], out)
    n_max = sum(n.op.__class__.__name__ == "Max" for n in f.maker.fgraph.apply_nodes)
    assert n_max == 1
    np.testing.assert_allclose(f(np.array([1000.0, 1000.0])), 1000 + np.log(2))


def test_float32_stays_float32():
    xf = at.fvector("xf")
    f = aesara.function([xf], at.log(1 + xf))
    assert aes.Log1p in _scalar_ops(f)
    r = f(np.array([1e-10], dtype="float32"))
    assert r.dtype == np.float32
    np.testing.assert_allclose(r, np.float32(1e-10), rtol=1e-6)


def test_integer_sums_are_not_rewritten():
    u = at.vector("u", dtype="uint8")
    # log(1 + u) in uint8 wraps around at 255; a rewrite to log1p(u) would change it.
    out = at.log(at.cast(1, "uint8") + u)
    f = aesara.function([u], out)
    ops = _scalar_ops(f)
    assert aes.Log1p not in ops and aes.Add in ops


def test_extra_terms_are_kept():
    y = at.dvector("y")
    out = at.exp(x) - 1 + y
    f, naive = _compile([x, y], out)
    assert aes.Expm1 in _scalar_ops(f)
    v, w = np.array([1e-20, 1.0]), np.array([2.0, -3.0])
    np.testing.assert_allclose(f(v, w), np.expm1(v) + w)
    out = at.log(1 + x + y)
    f, _ = _compile([x, y], out)
    assert aes.Log1p in _scalar_ops(f)
    np.testing.assert_allclose(f(v, w * 0), np.log1p(v))


def test_broadcasting_constant_is_not_dropped():
    s = at.dscalar("s")
    out = at.log(at.ones((3,)) + s)
    f, naive = _compile([s], out)
    assert f(1e-20).shape == (3,)
    np.testing.assert_allclose(f(0.5), naive(0.5))


def test_stack_trace_kept():
    out = at.log(1 + x)
    f = aesara.function([x], out)
    assert check_stack_trace(f.maker.fgraph, ops_to_check="all")


def test_gradient_of_stabilised_log_sigmoid():
    out = at.log(at.sigmoid(x)).sum()
    g = aesara.grad(out, x)
    f = aesara.function([x], g)
    v = np.array([-800.0, 0.0, 800.0])
    np.testing.assert_allclose(f(v), sp.expit(-v), rtol=1e-12)
