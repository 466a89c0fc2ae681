"""The fused scan kernel (aesara/link/c/scan_kernel.py) against the Python loop.

Each graph is compiled under the default mode (whose Scan nodes get the fused
kernel where it applies), under the default mode with the kernel switched off
(the general C loop) and with the ``py`` linker (the reference loop). All
three must agree; the tests also check that the kernel really ran (a kernel
that silently fell back would test nothing) or, for loops outside its scope,
that it stayed out.
"""

from __future__ import annotations

import numpy as np
import pytest

import aesara
import aesara.tensor as at
from aesara.compile.mode import Mode
from aesara.configdefaults import config
from aesara.link.c.compiler import c_compiler_available
from aesara.link.c.scan_kernel import FusedScanRunner, NotFusable, fused_scan_kernel
from aesara.scan.op import Scan

pytestmark = pytest.mark.skipif(
    not c_compiler_available(), reason="needs a working C compiler"
)

PY = Mode(linker="py", optimizer="fast_run")
rng = np.random.default_rng(7)


def _runners(f):
    return [
        t.runner
        for n, t in zip(f.vm.nodes, f.vm.thunks)
        if isinstance(n.op, Scan) and hasattr(t, "runner")
    ]


def _fused(f) -> list:
    return [r for r in _runners(f) if isinstance(r, FusedScanRunner)]


def _same(a, b, rtol=1e-10, atol=1e-12):
    if isinstance(a, (list, tuple)):
        assert len(a) == len(b)
        for x, y in zip(a, b):
            _same(x, y, rtol, atol)
        return
    a, b = np.asarray(a), np.asarray(b)
    assert a.dtype == b.dtype, (a.dtype, b.dtype)
    assert a.shape == b.shape, (a.shape, b.shape)
    np.testing.assert_allclose(a, b, rtol=rtol, atol=atol)


def _check(inputs, outputs, *args, fused=True, rtol=1e-10, atol=1e-12, calls=2):
    """Compile three ways, compare, and check whether the kernel ran."""
    f = aesara.function(inputs, outputs)
    with config.change_flags(scan__fused_kernel=False):
        g = aesara.function(inputs, outputs)
    h = aesara.function(inputs, outputs, mode=PY)
    for _ in range(calls):  # later calls reuse the kernel's arena
        got = f(*args)
        _same(got, h(*args), rtol, atol)
        _same(got, g(*args), rtol, atol)
    runners = _fused(f)
    if fused is None:
        # Either fused, or refused for a reason the generator states (never
        # a kernel that failed to build).
        for n, t in zip(f.vm.nodes, f.vm.thunks):
            if isinstance(n.op, Scan) and not isinstance(
                getattr(t, "runner", None), FusedScanRunner
            ):
                with pytest.raises(NotFusable):
                    fused_scan_kernel(n.op, n.op.fn.maker.fgraph)
    elif fused:
        assert runners, "no Scan node got the fused kernel"
        assert all(r.fused_calls == calls for r in runners), [
            (r.fused_calls, r.general_calls) for r in runners
        ]
    else:
        assert not runners or all(r.fused_calls == 0 for r in runners)
    assert not _fused(g)
    return f


def _recurrence(step, n, *args):
    out, _ = aesara.scan(step, n_steps=n, **dict(args))
    return out


@pytest.mark.parametrize("n", [1, 3, 10, 33, 100])
def test_tanh_matvec_last_state(n):
    W = at.dmatrix("W")
    h0 = at.dvector("h0")
    k = at.iscalar("k")
    out, _ = aesara.scan(
        lambda h, W: at.tanh(W @ h), outputs_info=[h0], non_sequences=[W], n_steps=k
    )
    Wv = rng.normal(size=(n, n)) / np.sqrt(n)
    _check([W, h0, k], out[-1], Wv, rng.normal(size=n), 25)


def test_full_trace_and_vector_matrix_products():
    W = at.dmatrix("W")
    h0 = at.dvector("h0")
    out, _ = aesara.scan(
        lambda h, W: [at.sin(h @ W), at.cos(W.T @ h)],
        outputs_info=[h0, None],
        non_sequences=[W],
        n_steps=12,
    )
    Wv = rng.normal(size=(9, 9)) / 3
    _check([W, h0], out, Wv, rng.normal(size=9))


@pytest.mark.parametrize("shape", [(70, 70), (80, 60)])
def test_blas_sized_products(shape):
    # At least 4096 matrix elements: the kernel calls BLAS gemv.
    W = at.dmatrix("W")
    x = at.dmatrix("x")
    h0 = at.dvector("h0")
    out, _ = aesara.scan(
        lambda xt, h, W: [at.tanh(W @ h + xt), h @ W],
        sequences=[x],
        outputs_info=[h0, None],
        non_sequences=[W],
    )
    m, n = shape
    Wv = rng.normal(size=(m, m)) / m
    if m != n:
        W2 = at.dmatrix("W2")
        out, _ = aesara.scan(
            lambda xt, h, W, W2: [at.tanh(W @ h + xt), W2.T @ h],
            sequences=[x],
            outputs_info=[h0, None],
            non_sequences=[W, W2],
        )
        _check(
            [W, W2, x, h0],
            out,
            Wv,
            rng.normal(size=(m, n)),
            rng.normal(size=(8, m)),
            rng.normal(size=m),
        )
    else:
        _check([W, x, h0], out, Wv, rng.normal(size=(8, m)), rng.normal(size=m))


def test_mit_sot_taps_and_sequence_taps():
    x = at.dvector("x")
    a0 = at.dvector("a0")
    out, _ = aesara.scan(
        lambda xm1, x0, xp1, am2, am1: 0.5 * am1 - 0.25 * am2 + xm1 * x0 + xp1,
        sequences=[dict(input=x, taps=[-1, 0, 1])],
        outputs_info=[dict(initial=a0, taps=[-2, -1])],
    )
    _check([x, a0], [out, out[-3:]], rng.normal(size=20), rng.normal(size=2))


def test_scalar_and_matrix_states_and_several_dtypes():
    A = at.dmatrix("A")
    M0 = at.dmatrix("M0")
    s0 = at.fscalar("s0")
    c0 = at.lscalar("c0")
    out, _ = aesara.scan(
        lambda M, s, c, A: [
            (M @ A) / at.maximum(1.0, abs(M @ A).max()),
            s * np.float32(0.5) + np.float32(1),
            c + 3,
        ],
        outputs_info=[M0, s0, c0],
        non_sequences=[A],
        n_steps=15,
    )
    # max() reduces: the matrix state stays in the general loop; the scalar
    # states still agree across the three loops.
    f = _check(
        [A, M0, s0, c0],
        out,
        rng.normal(size=(4, 4)),
        rng.normal(size=(4, 4)),
        np.float32(2),
        5,
        fused=False,
    )
    assert f(np.eye(2), np.eye(2), np.float32(0), 0)[2][-1] == 45

    B = at.dmatrix("B")
    out, _ = aesara.scan(
        lambda M, s, c, B: [at.tanh(M @ B), s * np.float32(0.5) + 1, c + 3],
        outputs_info=[M0, s0, c0],
        non_sequences=[B],
        n_steps=15,
    )
    _check(
        [B, M0, s0, c0],
        out,
        rng.normal(size=(3, 3)) / 2,
        rng.normal(size=(4, 3)),
        np.float32(2),
        5,
    )


def test_broadcasting_nit_sot_and_non_contiguous_inputs():
    x = at.dmatrix("x")
    b = at.dvector("b")
    c = at.dscalar("c")
    h0 = at.dvector("h0")
    out, _ = aesara.scan(
        lambda xt, h, b, c: [at.tanh(h * b + c * xt), xt - c * h],
        sequences=[x],
        outputs_info=[h0, None],
        non_sequences=[b, c],
    )
    xv = rng.normal(size=(12, 12))[::2, ::3]  # not contiguous
    bv = rng.normal(size=8)[::2]
    _check([x, h0, b, c], out, xv, rng.normal(size=4), bv, 1.5)


def test_column_broadcast_in_matrix_states():
    M0 = at.dmatrix("M0")
    v = at.dvector("v")
    out, _ = aesara.scan(
        lambda M, v: at.tanh(M * v[:, None] + v[None, :]),
        outputs_info=[M0],
        non_sequences=[v],
        n_steps=6,
    )
    _check([M0, v], out, rng.normal(size=(5, 5)), rng.normal(size=5))


def test_identity_and_constant_outputs():
    h0 = at.dvector("h0")
    out, _ = aesara.scan(
        lambda h: [h, at.constant(np.arange(3.0))],
        outputs_info=[h0, None],
        n_steps=5,
    )
    _check([h0], out, rng.normal(size=4))


def test_integer_arithmetic():
    a0 = at.lvector("a0")
    d = at.lvector("d")
    out, _ = aesara.scan(
        lambda a, d: (a * 7 + 3) // d - a % 5,
        outputs_info=[a0],
        non_sequences=[d],
        n_steps=9,
    )
    # A zero divisor included: C gives NumPy's 0 for integer division by zero.
    _check([a0, d], out, np.array([1, -2, 30, 4]), np.array([3, -2, 0, 7]))


def test_float32_products():
    W = at.fmatrix("W")
    h0 = at.fvector("h0")
    out, _ = aesara.scan(
        lambda h, W: at.tanh(W @ h), outputs_info=[h0], non_sequences=[W], n_steps=30
    )
    for n in (9, 70):
        Wv = (rng.normal(size=(n, n)) / np.sqrt(n)).astype("float32")
        _check(
            [W, h0], out, Wv, rng.normal(size=n).astype("float32"), rtol=2e-5, atol=2e-6
        )


def test_zero_and_one_step():
    W = at.dmatrix("W")
    h0 = at.dvector("h0")
    k = at.iscalar("k")
    out, _ = aesara.scan(
        lambda h, W: at.tanh(W @ h), outputs_info=[h0], non_sequences=[W], n_steps=k
    )
    f = aesara.function([W, h0, k], out)
    g = aesara.function([W, h0, k], out, mode=PY)
    Wv, hv = rng.normal(size=(3, 3)), rng.normal(size=3)
    for steps in (0, 1, 2):
        _same(f(Wv, hv, steps), g(Wv, hv, steps))
    (r,) = _fused(f)
    assert r.fused_calls == 2 and r.general_calls == 1  # zero steps: general loop


def test_shape_errors_come_from_the_general_loop():
    W = at.dmatrix("W")
    h0 = at.dvector("h0")
    out, _ = aesara.scan(
        lambda h, W: at.tanh(W @ h), outputs_info=[h0], non_sequences=[W], n_steps=4
    )
    f = aesara.function([W, h0], out)
    g = aesara.function([W, h0], out, mode=PY)
    # A 3x5 matrix turns the 5-vector state into a 3-vector: both loops refuse.
    Wv, hv = rng.normal(size=(3, 5)), rng.normal(size=5)
    with pytest.raises(ValueError):
        g(Wv, hv)
    with pytest.raises(ValueError):
        f(Wv, hv)
    # The same function still fuses the calls whose shapes fit.
    Wv = rng.normal(size=(5, 5))
    _same(f(Wv, hv), g(Wv, hv))
    (r,) = _fused(f)
    assert r.fused_calls == 1 and r.general_calls == 1


def test_gradient_graphs_agree():
    # The backward scan carries mit_mot states (general loop); the forward
    # one fuses. Values and gradients together, as users compile them.
    W = at.dmatrix("W")
    x = at.dmatrix("x")
    h0 = at.dvector("h0")
    out, _ = aesara.scan(
        lambda xt, h, W: at.tanh(W @ h + xt),
        sequences=[x],
        outputs_info=[h0],
        non_sequences=[W],
    )
    cost = (out**2).sum()
    gW, gh0 = aesara.grad(cost, [W, h0])
    f = _check(
        [W, x, h0],
        [cost, out, gW, gh0],
        rng.normal(size=(6, 6)) / 3,
        rng.normal(size=(10, 6)),
        rng.normal(size=6),
    )
    assert len(_runners(f)) >= 2


@pytest.mark.parametrize("kind", ["while", "random"])
def test_out_of_scope_loops_keep_the_general_loop(kind):
    h0 = at.dvector("h0")
    if kind == "while":
        from aesara.scan.utils import until

        out, upd = aesara.scan(
            lambda h: (h * 2, until(h.sum() > 100)), outputs_info=[h0], n_steps=50
        )
        args = (np.ones(3),)
    else:
        srng = at.random.RandomStream(3)
        out, upd = aesara.scan(
            lambda h: h + srng.normal(size=(3,)), outputs_info=[h0], n_steps=5
        )
        args = (np.ones(3),)
    f = aesara.function([h0], out, updates=upd)
    assert not _fused(f)
    assert np.all(np.isfinite(f(*args)))


def test_unfusable_inner_ops_are_reported():
    from aesara.scan.op import Scan

    h0 = at.dvector("h0")
    out, _ = aesara.scan(lambda h: at.sort(h) + 1, outputs_info=[h0], n_steps=3)
    f = aesara.function([h0], out)
    (node,) = [n for n in f.maker.fgraph.toposort() if isinstance(n.op, Scan)]
    with pytest.raises(NotFusable, match="Sort|sort"):
        fused_scan_kernel(node.op, node.op.fn.maker.fgraph)
    _same(
        f(np.array([3.0, 1.0, 2.0])),
        aesara.function([h0], out, mode=PY)(np.array([3.0, 1.0, 2.0])),
    )


def test_shared_variable_updates_in_the_step():
    # The rewrites turn the shared state into an ordinary one: it may fuse.
    h0 = at.dvector("h0")
    s = aesara.shared(np.float64(0.0), name="s")
    out, upd = aesara.scan(lambda h: (h + s, {s: s + 1}), outputs_info=[h0], n_steps=5)
    f = aesara.function([h0], out, updates=upd)
    assert np.allclose(f(np.ones(2)), [[1, 1], [2, 2], [4, 4], [7, 7], [11, 11]])
    assert s.get_value() == 5.0
    assert np.allclose(f(np.ones(2))[0], [6, 6])


def test_switch_off_flag():
    h0 = at.dvector("h0")
    out, _ = aesara.scan(lambda h: h * 2, outputs_info=[h0], n_steps=3)
    with config.change_flags(scan__fused_kernel=False):
        f = aesara.function([h0], out)
    assert not _fused(f)
    assert _fused(aesara.function([h0], out))


# ---------------------------------------------------------------------------
# Fuzz: random recurrences, values and gradients together
# ---------------------------------------------------------------------------

_UNARY = [at.tanh, at.sin, at.cos, at.sigmoid, lambda v: v * 0.5, at.neg, at.abs]
_BINARY = [at.add, at.sub, at.mul, at.maximum, at.minimum]


def _random_step(r: np.random.Generator, n_states: int, n: int):
    """A step function over ``n_states`` n-vectors, a sequence row and W."""

    def step(xt, *args):
        states, W = args[:n_states], args[n_states]
        pool = list(states) + [xt]
        for _ in range(int(r.integers(2, 6))):
            op = int(r.integers(0, 4))
            a = pool[int(r.integers(len(pool)))]
            b = pool[int(r.integers(len(pool)))]
            if op == 0:
                pool.append(_UNARY[int(r.integers(len(_UNARY)))](a))
            elif op == 1:
                pool.append(_BINARY[int(r.integers(len(_BINARY)))](a, b))
            elif op == 2:
                pool.append(at.tanh(W @ a) if r.integers(2) else at.tanh(a @ W))
            else:
                pool.append(at.switch(a > b, a, b * 0.3))
        outs = []
        for k in range(n_states):
            outs.append(at.tanh(pool[-1 - k] + 0.1 * states[k]))
        outs.append(pool[int(r.integers(len(pool)))] * 2)  # an nit_sot
        return outs

    return step


@pytest.mark.parametrize(
    "seed",
    [*range(4), *(pytest.param(s, marks=pytest.mark.slow) for s in range(4, 40))],
)
def test_fuzz_values_and_gradients(seed):
    r = np.random.default_rng(1000 + seed)
    n = int(r.choice([1, 4, 9, 64]))
    n_states = int(r.integers(1, 3))
    W = at.dmatrix("W")
    x = at.dmatrix("x")
    h0s = [at.dvector(f"h{k}") for k in range(n_states)]
    out, _ = aesara.scan(
        _random_step(r, n_states, n),
        sequences=[x],
        outputs_info=[*h0s, None],
        non_sequences=[W],
    )
    cost = sum((o**2).sum() for o in out) + out[0][-1].sum()
    grads = aesara.grad(cost, [W, *h0s], disconnected_inputs="ignore")
    outputs = [cost, out[0][-1], out[-1], *grads]
    args = [
        r.normal(size=(n, n)) / np.sqrt(n),
        r.normal(size=(int(r.integers(1, 9)), n)),
        *[r.normal(size=n) for _ in h0s],
    ]
    # The first seeds' forward loops fuse; later ones may hold ops the kernel
    # does not take (e.g. an Alloc of zeros the rewrites left).
    _check([W, x, *h0s], outputs, *args, rtol=1e-8, atol=1e-10, fused=seed < 4 or None)
