"""The C loop of Scan (aesara/link/c/scan_runtime.c) against the Python loop.

Each graph is compiled twice: with the default mode's linker, which gives
the Scan node a ``ScanLoop``, and with the ``py`` linker, which runs the
Python reference loop (:class:`aesara.scan.op.ScanRunner`). Both must give
the same values, errors and updates. The Scan rewrites are left out (both
loops then run the very Scan node the test built) except in the tests of the
full default pipeline at the end, where they make circular buffers and
in-place states of their own.
"""

from __future__ import annotations

import sys

import numpy as np
import pytest

import aesara
import aesara.tensor as at
from aesara.compile.io import In
from aesara.compile.mode import Mode, get_default_mode
from aesara.graph.basic import Apply
from aesara.graph.op import Op
from aesara.ifelse import ifelse
from aesara.link.c.compiler import c_compiler_available
from aesara.raise_op import Assert
from aesara.scan.op import Scan, ScanInfo
from aesara.scan.utils import until
from aesara.tensor.random.utils import RandomStream

pytestmark = pytest.mark.skipif(
    not c_compiler_available(), reason="needs a working C compiler"
)

C = get_default_mode().excluding("scan")
PY = Mode(linker="py").excluding("scan")


@pytest.fixture(autouse=True)
def _general_loop():
    """These tests are about the general C loop: the fused kernel
    (tests/link/c/test_scan_kernel.py) stays out of them."""
    with aesara.config.change_flags(scan__fused_kernel=False):
        yield


def _scan_thunks(f):
    return [t for n, t in zip(f.vm.nodes, f.vm.thunks) if isinstance(n.op, Scan)]


def _loops(f):
    """The ScanLoop thunks of ``f``; asserts that every Scan node has one."""
    thunks = _scan_thunks(f)
    assert thunks, "no Scan node"
    for t in thunks:
        assert type(t).__name__ == "ScanLoop", type(t)
    return thunks


def _both(inputs, outputs, c_mode=C, py_mode=PY, **kw):
    f = aesara.function(inputs, outputs, mode=c_mode, **kw)
    g = aesara.function(inputs, outputs, mode=py_mode, **kw)
    _loops(f)
    return f, g


def _same(a, b):
    if isinstance(a, (list, tuple)):
        assert isinstance(b, (list, tuple)) and len(a) == len(b)
        for x, y in zip(a, b):
            _same(x, y)
        return
    a, b = np.asarray(a), np.asarray(b)
    assert a.dtype == b.dtype, (a.dtype, b.dtype)
    assert a.shape == b.shape, (a.shape, b.shape)
    np.testing.assert_allclose(a, b, rtol=1e-12, atol=1e-14)


def _check(inputs, outputs, *args, c_mode=C, py_mode=PY, **kw):
    f, g = _both(inputs, outputs, c_mode=c_mode, py_mode=py_mode, **kw)
    for _ in range(2):  # a second call starts from clean buffers
        _same(f(*args), g(*args))
    return f, g


rng = np.random.default_rng(42)


# ---------------------------------------------------------------------------
# kinds of outputs
# ---------------------------------------------------------------------------


def test_sit_sot_matrix_vector():
    W, h0 = at.dmatrix("W"), at.dvector("h0")
    hs, _ = aesara.scan(
        lambda h, W: at.tanh(W @ h), outputs_info=h0, non_sequences=W, n_steps=20
    )
    Wv, hv = rng.normal(size=(6, 6)) / 3, rng.normal(size=6)
    f, g = _check([W, h0], hs, Wv, hv)
    expect, h = [], hv
    for _ in range(20):
        h = np.tanh(Wv @ h)
        expect.append(h)
    np.testing.assert_allclose(f(Wv, hv), np.array(expect), rtol=1e-12)
    loop = _loops(f)[0]
    assert loop.steps == 20 * 3 and loop.runs == 3
    # The row view is moved from row to row, not re-created.
    assert loop.views_reused > loop.views_made
    assert loop.slow_copies == 0


def test_mit_sot_taps_3_and_1():
    x0 = at.dvector("x0")
    xs, _ = aesara.scan(
        lambda a, b: a + 0.5 * b,
        outputs_info=[{"initial": x0, "taps": [-3, -1]}],
        n_steps=12,
    )
    f, _ = _check([x0], xs, np.array([1.0, 2.0, 3.0]))
    v = [1.0, 2.0, 3.0]
    for _ in range(12):
        v.append(v[-3] + 0.5 * v[-1])
    np.testing.assert_allclose(f(np.array([1.0, 2.0, 3.0])), v[3:])


def test_outputs_of_several_dtypes_and_ranks():
    x = at.dmatrix("x")
    s0 = at.fvector("s0")
    c0 = at.lscalar("c0")
    m0 = at.dmatrix("m0")

    def step(x_t, s, c, m):
        return [
            (s * 2 + at.cast(x_t.sum(), "float32")).astype("float32"),
            c + at.cast(x_t.shape[0], "int64"),
            m @ m.T * 0.1 + x_t[0],
            x_t > 0,  # nit_sot of bools
            at.outer(x_t, x_t).astype("float32"),  # nit_sot of rank 2
        ]

    outs, _ = aesara.scan(step, sequences=x, outputs_info=[s0, c0, m0, None, None])
    args = (
        rng.normal(size=(5, 3)),
        np.array([0.5, -1.0], dtype="float32"),
        np.int64(7),
        rng.normal(size=(3, 3)),
    )
    f, _ = _check([x, s0, c0, m0], outs, *args)
    assert [o.dtype for o in f(*args)] == [
        "float32",
        "int64",
        "float64",
        "bool",
        "float32",
    ]


def test_nit_sot_map():
    x = at.dmatrix("x")
    ys, _ = aesara.scan(lambda r: (r**2).sum(), sequences=x)
    xv = rng.normal(size=(7, 4))
    f, _ = _check([x], ys, xv)
    np.testing.assert_allclose(f(xv), (xv**2).sum(axis=1))


def test_scalar_state_0d_rows():
    a0 = at.dscalar("a0")
    xs = at.dvector("xs")
    out, _ = aesara.scan(lambda x, a: a * 0.9 + x, sequences=xs, outputs_info=a0)
    _check([xs, a0], out, rng.normal(size=9), 1.5)


# ---------------------------------------------------------------------------
# sequences
# ---------------------------------------------------------------------------


def test_sequence_taps():
    x = at.dvector("x")
    ys, _ = aesara.scan(
        lambda a, b, c: a - 2 * b + c, sequences=[{"input": x, "taps": [-2, 0, 1]}]
    )
    xv = rng.normal(size=10)
    f, _ = _check([x], ys, xv)
    np.testing.assert_allclose(f(xv), xv[:-3] - 2 * xv[2:-1] + xv[3:])


def test_non_contiguous_sequences():
    x = at.dvector("x")
    X = at.dmatrix("X")
    ys, _ = aesara.scan(
        lambda a, row, acc: acc + a * row,
        sequences=[x[::2], X.T],
        outputs_info=at.zeros((X.shape[0],), dtype="float64"),
    )
    xv = rng.normal(size=12)
    Xv = np.asfortranarray(rng.normal(size=(4, 6)))
    f, _ = _check([x, X], ys, xv, Xv)
    np.testing.assert_allclose(f(xv, Xv)[-1], (xv[::2] * Xv).sum(axis=1))
    # Sequences passed in as non-contiguous arrays.
    big = rng.normal(size=(4, 12))
    g = aesara.function([x, X], ys, mode=PY)
    _same(f(xv[::-1], big[:, ::2]), g(xv[::-1], big[:, ::2]))


def test_sequence_too_short_error_matches():
    x = at.dvector("x")
    n = at.lscalar("n")
    ys, _ = aesara.scan(lambda a: a * 2, sequences=x, n_steps=n)
    f, g = _both([x, n], ys)
    msgs = []
    for fn in (f, g):
        with pytest.raises(ValueError, match="has 3 entries but the loop runs 5") as e:
            fn(np.ones(3), 5)
        msgs.append(str(e.value).splitlines()[0])
    assert msgs[0] == msgs[1]


# ---------------------------------------------------------------------------
# number of steps
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("n", [0, 1, 2])
def test_zero_one_two_steps(n):
    x = at.dmatrix("x")
    h0 = at.dvector("h0")
    outs, _ = aesara.scan(
        lambda r, h: [h + r, r.sum()],
        sequences=x,
        outputs_info=[h0, None],
    )
    f, _ = _check([x, h0], outs, rng.normal(size=(n, 3)), np.ones(3))
    h, s = f(np.zeros((n, 3)), np.ones(3))
    assert h.shape == (n, 3) and s.shape == (n,)


def test_zero_steps_mit_sot_keeps_initial_values():
    x0 = at.dvector("x0")
    n = at.lscalar("n")
    xs, _ = aesara.scan(
        lambda a, b: a + b,
        outputs_info=[{"initial": x0, "taps": [-2, -1]}],
        n_steps=n,
    )
    _check([x0, n], xs, np.array([1.0, 2.0]), 0)
    _check([x0, n], xs, np.array([1.0, 2.0]), 1)


# ---------------------------------------------------------------------------
# while loops
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("limit", [-1.0, 0.5, 5.0, 1e9])
def test_while_loop(limit):
    x0 = at.dscalar("x0")
    lim = at.dscalar("lim")
    xs, _ = aesara.scan(
        lambda x, lim: (x * 2 + 1, until(x * 2 + 1 > lim)),
        outputs_info=x0,
        non_sequences=lim,
        n_steps=30,
    )
    f, g = _check([x0, lim], xs, 0.0, limit)
    n = len(f(0.0, limit))
    # Stops after the first step whose condition is true (step 0 for -1.0).
    assert n == {-1.0: 1, 0.5: 1, 5.0: 3, 1e9: 30}[limit]


def test_while_loop_with_nit_sot_and_sequence():
    x = at.dvector("x")
    ys, _ = aesara.scan(lambda a: (a * 3, until(a > 2)), sequences=x)
    xv = np.array([0.5, 1.0, 3.0, 4.0, 5.0])
    f, _ = _check([x], ys, xv)
    np.testing.assert_allclose(f(xv), [1.5, 3.0, 9.0])


# ---------------------------------------------------------------------------
# shared variables and random numbers
# ---------------------------------------------------------------------------


def test_shared_variable_updates():
    counter = aesara.shared(np.int64(0), name="counter")
    acc = aesara.shared(np.zeros(3), name="acc")
    x = at.dmatrix("x")

    def step(r):
        return r * 2, {counter: counter + 1, acc: acc + r}

    ys, upd = aesara.scan(step, sequences=x)
    f = aesara.function([x], ys, updates=upd, mode=C)
    g = aesara.function([x], ys, updates=upd, mode=PY)
    _loops(f)
    xv = rng.normal(size=(4, 3))
    results = []
    for fn in (f, g):
        counter.set_value(np.int64(0))
        acc.set_value(np.zeros(3))
        out = fn(xv)
        out2 = fn(xv)
        results.append((out, out2, counter.get_value(), acc.get_value()))
    _same(list(results[0]), list(results[1]))
    assert results[0][2] == 8
    np.testing.assert_allclose(results[0][3], 2 * xv.sum(axis=0))


def test_random_stream_in_step():
    srng = RandomStream(seed=3)
    h0 = at.dvector("h0")
    hs, upd = aesara.scan(
        lambda h: h + srng.normal(0, 1, size=h.shape), outputs_info=h0, n_steps=6
    )
    (rng_var,) = [k for k in upd if "rng" in str(type(k.type)).lower()] or list(upd)
    f = aesara.function([h0], hs, updates=upd, mode=C)
    g = aesara.function([h0], hs, updates=upd, mode=PY)
    _loops(f)
    res = []
    for fn in (f, g):
        rng_var.set_value(np.random.default_rng(123), borrow=False)
        a = fn(np.zeros(4))
        b = fn(np.zeros(4))
        res.append((a, b, rng_var.get_value().bit_generator.state["state"]))
    _same(res[0][:2], res[1][:2])
    assert res[0][2] == res[1][2]
    assert not np.allclose(res[0][0], res[0][1])


def test_nested_scans():
    X = at.dmatrix("X")

    def row_cumsum(r):
        cs, _ = aesara.scan(
            lambda v, acc: acc + v, sequences=r, outputs_info=at.zeros(())
        )
        return cs

    ys, _ = aesara.scan(row_cumsum, sequences=X)
    Xv = rng.normal(size=(4, 5))
    f, _ = _check([X], ys, Xv)
    np.testing.assert_allclose(f(Xv), np.cumsum(Xv, axis=1))
    inner = _loops(f)[0].runner.fn
    assert [
        type(t).__name__
        for n, t in zip(inner.vm.nodes, inner.vm.thunks)
        if isinstance(n.op, Scan)
    ] == ["ScanLoop"]


# ---------------------------------------------------------------------------
# inner graphs the C backend does not translate
# ---------------------------------------------------------------------------


def test_inner_op_without_c_translation():
    X = at.dtensor3("X")
    ys, _ = aesara.scan(
        lambda m, acc: [acc + at.linalg.det(m), at.sort(m.ravel())],
        sequences=X,
        outputs_info=[at.constant(0.0, dtype="float64"), None],
    )
    Xv = rng.normal(size=(5, 3, 3))
    f, _ = _check([X], ys, Xv)
    tot, srt = f(Xv)
    np.testing.assert_allclose(tot[-1], np.linalg.det(Xv).sum())
    np.testing.assert_allclose(srt, np.sort(Xv.reshape(5, -1), axis=1))
    inner = _loops(f)[0].runner.fn.vm.thunks
    assert any(type(t).__name__ == "function" for t in inner)


def test_lazy_inner_graph_runs_through_the_c_lazy_loop():
    x = at.dvector("x")
    ys, _ = aesara.scan(
        lambda a, s: ifelse(at.gt(a, 0), s + a, s - 1.0),
        sequences=x,
        outputs_info=at.constant(0.0, dtype="float64"),
    )
    xv = np.array([1.0, -2.0, 3.0, -1.0])
    f, _ = _check([x], ys, xv)
    np.testing.assert_allclose(f(xv), [1.0, 0.0, 3.0, 2.0])
    loop = _loops(f)[0]
    # The inner graph is lazy: its VM is the Stack VM with the C loop, which
    # the scan loop calls directly.
    assert type(loop.runner.fn.vm).__name__ == "CStack"
    assert loop.step is loop.runner.fn.vm._loop


class _Keep(Op):
    """Returns a copy of its input and keeps the input object (no C form)."""

    __props__ = ()

    def __init__(self):
        self.kept = []

    def make_node(self, x):
        x = at.as_tensor_variable(x)
        return Apply(self, [x], [x.type()])

    def perform(self, node, inputs, outputs):
        self.kept.append(inputs[0])
        outputs[0][0] = np.array(inputs[0], copy=True)


def test_inner_op_keeping_its_input_sees_the_right_rows():
    keep = _Keep()
    x = at.dmatrix("x")
    ys, _ = aesara.scan(lambda r: keep(r) * 2, sequences=x)
    f = aesara.function([x], ys, mode=C)
    _loops(f)
    xv = rng.normal(size=(6, 3))
    np.testing.assert_allclose(f(xv), 2 * xv)
    # A view held by an op is never moved to another row.
    assert len(keep.kept) == 6
    for k, v in enumerate(keep.kept):
        np.testing.assert_array_equal(v, xv[k])


# ---------------------------------------------------------------------------
# buffers
# ---------------------------------------------------------------------------


def _sit_sot_op(n_nit_sot=0):
    """A Scan with one sit_sot state (h -> 2h + 1), built directly."""
    h = at.dvector("h")
    outs = [h * 2 + 1] + [h.sum() for _ in range(n_nit_sot)]
    info = ScanInfo(
        n_seqs=0,
        mit_mot_in_slices=(),
        mit_mot_out_slices=(),
        mit_sot_in_slices=(),
        sit_sot_in_slices=((-1,),),
        n_nit_sot=n_nit_sot,
        n_shared_outs=0,
        n_non_seqs=0,
        as_while=False,
    )
    return Scan([h], outs, info)


def _reference_trace(h0, n):
    out = [h0]
    for _ in range(n):
        out.append(out[-1] * 2 + 1)
    return np.array(out)


@pytest.mark.parametrize("length", [2, 3, 4, 11, 12])
def test_circular_sit_sot_buffer(length):
    op = _sit_sot_op(n_nit_sot=1)
    buf = at.dmatrix("buf")
    nit_len = at.lscalar("nit_len")
    outs = op(at.constant(10, dtype="int64"), buf, nit_len)
    h0 = np.array([0.5, -1.0])
    bv = np.zeros((length, 2))
    bv[0] = h0
    f, _ = _check([buf, nit_len], outs, bv, min(length, 10))
    trace, sums = f(bv, min(length, 10))
    full = _reference_trace(h0, 10)
    # The last ``length`` states, oldest first.
    np.testing.assert_allclose(trace, full[-min(length, 11) :])
    np.testing.assert_allclose(sums, full[:-1].sum(axis=1)[-min(length, 10) :])


def test_circular_mit_sot_buffer():
    a, b = at.dvector("a"), at.dvector("b")
    info = ScanInfo(
        n_seqs=0,
        mit_mot_in_slices=(),
        mit_mot_out_slices=(),
        mit_sot_in_slices=((-3, -1),),
        sit_sot_in_slices=(),
        n_nit_sot=0,
        n_shared_outs=0,
        n_non_seqs=0,
        as_while=False,
    )
    op = Scan([a, b], [a + 0.5 * b], info)
    buf = at.dmatrix("buf")
    out = op(at.constant(9, dtype="int64"), buf)
    bv = np.zeros((5, 1))
    bv[:3, 0] = [1.0, 2.0, 3.0]
    f, _ = _check([buf], out, bv)
    v = [1.0, 2.0, 3.0]
    for _ in range(9):
        v.append(v[-3] + 0.5 * v[-1])
    np.testing.assert_allclose(f(bv)[:, 0], v[-5:])


def test_mit_mot_state():
    # A mit_mot state (as gradients build them): reads rows i and i + 1 of
    # its buffer, writes row i.
    a, b = at.dvector("a"), at.dvector("b")
    info = ScanInfo(
        n_seqs=0,
        mit_mot_in_slices=((0, 1),),
        mit_mot_out_slices=((0,),),
        mit_sot_in_slices=(),
        sit_sot_in_slices=(),
        n_nit_sot=0,
        n_shared_outs=0,
        n_non_seqs=0,
        as_while=False,
    )
    op = Scan([a, b], [a + 2 * b], info)
    buf = at.dmatrix("buf")
    out = op(at.constant(4, dtype="int64"), buf)
    bv = rng.normal(size=(5, 2))
    f, _ = _check([buf], out, bv)
    expect = bv.copy()
    for i in range(4):
        expect[i] = expect[i] + 2 * expect[i + 1]
    # Its output: the rows written (``steps - mintap``), oldest first.
    np.testing.assert_allclose(f(bv), expect[:4])


def test_buffer_too_short_error_matches():
    op = _sit_sot_op()
    buf = at.dmatrix("buf")
    out = op(at.constant(3, dtype="int64"), buf)
    f, g = _both([buf], out)
    msgs = []
    for fn in (f, g):
        with pytest.raises(ValueError, match="fewer than its taps need") as e:
            fn(np.zeros((1, 2)))
        msgs.append(str(e.value).splitlines()[0])
    assert msgs[0] == msgs[1]


def test_outer_buffer_copied_unless_in_place():
    op = _sit_sot_op()
    buf = at.dmatrix("buf")
    out = op(at.constant(4, dtype="int64"), buf)
    f = aesara.function([buf], out, mode=C)
    _loops(f)
    bv = np.zeros((5, 2))
    res = f(bv)
    assert not bv.any()  # the input buffer is left alone
    np.testing.assert_allclose(res, _reference_trace(np.zeros(2), 4))

    inplace = _sit_sot_op()
    inplace.destroy_map = {0: [1]}
    out2 = inplace(at.constant(4, dtype="int64"), buf)
    kw = dict(accept_inplace=True)
    f2 = aesara.function([In(buf, mutable=True)], out2, mode=C, **kw)
    g2 = aesara.function([In(buf, mutable=True)], out2, mode=PY, **kw)
    _loops(f2)
    b1, b2 = np.zeros((5, 2)), np.zeros((5, 2))
    _same(f2(b1), g2(b2))
    # Worked in the caller's array.
    np.testing.assert_allclose(b1, _reference_trace(np.zeros(2), 4))
    np.testing.assert_allclose(b1, b2)


# ---------------------------------------------------------------------------
# outputs aliasing inputs
# ---------------------------------------------------------------------------


def test_output_view_of_input():
    h0 = at.dvector("h0")
    hs, _ = aesara.scan(lambda h: h[::-1], outputs_info=h0, n_steps=5)
    f, _ = _check([h0], hs, np.arange(4.0))
    np.testing.assert_allclose(f(np.arange(4.0))[-1], np.arange(4.0)[::-1])


def test_output_is_the_input_row():
    x = at.dmatrix("x")
    h0 = at.dvector("h0")
    outs, _ = aesara.scan(
        lambda r, h: [r, h, h + r], sequences=x, outputs_info=[None, None, h0]
    )
    xv = rng.normal(size=(5, 3))
    f, _ = _check([x, h0], outs, xv, np.ones(3))
    a, b, c = f(xv, np.ones(3))
    np.testing.assert_allclose(a, xv)
    np.testing.assert_allclose(c[-1], 1 + xv.sum(axis=0))


def test_circular_buffer_of_length_one_with_aliasing_output():
    # A mit_mot-free state whose buffer holds exactly the taps is refused;
    # a nit_sot trace of length 1 keeps the last value.
    x = at.dmatrix("x")
    info = ScanInfo(
        n_seqs=1,
        mit_mot_in_slices=(),
        mit_mot_out_slices=(),
        mit_sot_in_slices=(),
        sit_sot_in_slices=(),
        n_nit_sot=1,
        n_shared_outs=0,
        n_non_seqs=0,
        as_while=False,
    )
    r = at.dvector("r")
    op = Scan([r], [r[::-1]], info)
    out = op(at.constant(4, dtype="int64"), x, at.constant(1, dtype="int64"))
    xv = rng.normal(size=(4, 3))
    f, _ = _check([x], out, xv)
    np.testing.assert_allclose(f(xv), xv[-1:, ::-1])


# ---------------------------------------------------------------------------
# errors
# ---------------------------------------------------------------------------


def test_error_inside_the_step():
    x = at.dvector("x")
    ys, _ = aesara.scan(
        lambda a: Assert("too big")(a * 2, at.lt(a, 3)), sequences=x, name="chk"
    )
    f, g = _both([x], ys)
    xv = np.array([0.0, 1.0, 2.0, 5.0, 1.0])
    errs = []
    for fn in (f, g):
        with pytest.raises(AssertionError, match="too big") as e:
            fn(xv)
        errs.append(e.value)
    # The inner function's report (its failing node), then the Scan node's.
    for err in errs:
        assert "Apply node that caused the error" in str(err)
        # ... pointing at the user's scan() line.
        assert "Assert" in str(err) and "aesara.scan(" in str(err)
    if sys.version_info >= (3, 11):
        notes = getattr(errs[0], "__notes__", [])
        assert any("step 3 of 5" in n for n in notes), notes
    # Still usable after the error; the inner cells were let go.
    np.testing.assert_allclose(f(xv[:3]), 2 * xv[:3])
    loop = _loops(f)[0]
    assert all(c[0] is None for c in loop.runner.in_cells)


def test_output_shape_change_error_matches():
    x = at.lvector("x")
    ys, _ = aesara.scan(lambda n: at.ones((n,), dtype="float64"), sequences=x)
    f, g = _both([x], ys)
    msgs = []
    for fn in (f, g):
        with pytest.raises(ValueError, match="every step must return the same") as e:
            fn(np.array([2, 2, 3]))
        msgs.append(str(e.value).splitlines()[0])
    assert msgs[0] == msgs[1]
    assert "at step 2" in msgs[0]


def test_negative_n_steps_error():
    n = at.lscalar("n")
    h0 = at.dvector("h0")
    hs, _ = aesara.scan(lambda h: h + 1, outputs_info=h0, n_steps=n)
    f = aesara.function([n, h0], hs, mode=C)
    _loops(f)
    with pytest.raises(ValueError, match="n_steps"):
        f(-1, np.zeros(2))


# ---------------------------------------------------------------------------
# the thunk
# ---------------------------------------------------------------------------


def test_thunk_interface():
    W, h0 = at.dmatrix("W"), at.dvector("h0")
    hs, _ = aesara.scan(
        lambda h, W: at.tanh(W @ h), outputs_info=h0, non_sequences=W, n_steps=3
    )
    f = aesara.function([W, h0], hs, mode=C)
    (node,) = [n for n in f.vm.nodes if isinstance(n.op, Scan)]
    (thunk,) = _loops(f)
    assert thunk.lazy is False
    assert thunk.perform == node.op.perform
    assert len(thunk.inputs) == len(node.inputs)
    assert len(thunk.outputs) == len(node.outputs)
    assert thunk.inputs[0] is f.vm.storage_map[node.inputs[0]]
    with pytest.raises(TypeError):
        thunk(1)
    # The inner function runs through its C loop directly.
    assert type(thunk.step).__name__ == "CLoop"


def test_allow_gc_true_and_false():
    W, h0 = at.dmatrix("W"), at.dvector("h0")
    Wv, hv = rng.normal(size=(4, 4)) / 2, rng.normal(size=4)
    res = []
    for gc in (True, False):
        hs, _ = aesara.scan(
            lambda h, W: at.tanh(W @ h) + 1,
            outputs_info=h0,
            non_sequences=W,
            n_steps=7,
            allow_gc=gc,
        )
        f, _ = _check([W, h0], hs, Wv, hv)
        res.append(f(Wv, hv))
        loop = _loops(f)[0]
        cleared = all(c[0] is None for c in loop.runner.out_cells)
        assert cleared or not gc
    _same(res[0], res[1])


def test_python_loop_when_the_runtime_cannot_be_built(monkeypatch):
    import aesara.link.c.ops.scan as scan_c
    from aesara.link.c import registry

    def no_build():
        raise NotImplementedError("no ScanLoop")

    monkeypatch.setattr(scan_c, "_build", no_build)
    monkeypatch.setattr(scan_c, "scan_plan", scan_c.scan_plan)
    plan = registry.plan_for
    key = ("scan_runtime-off",)

    def plan_for(node):
        p = plan(node)
        if isinstance(node.op, Scan) and p is not None:
            return registry.CPlan(key=key, build=no_build, make=p.make)
        return p

    monkeypatch.setattr(registry, "plan_for", plan_for)
    h0 = at.dvector("h0")
    hs, _ = aesara.scan(lambda h: h * 2, outputs_info=h0, n_steps=3)
    f = aesara.function([h0], hs, mode=C)
    (thunk,) = _scan_thunks(f)
    assert type(thunk).__name__ == "function"  # Scan.make_thunk's Python loop
    np.testing.assert_allclose(f(np.ones(2)), [[2, 2], [4, 4], [8, 8]])


# ---------------------------------------------------------------------------
# the full default pipeline (Scan rewrites included)
# ---------------------------------------------------------------------------


def test_default_mode_last_state_only():
    # Only the last state is used: the memory rewrite may shrink the buffer
    # to a circular one; the in-place rewrite may work in the outer buffer.
    W, h0 = at.dmatrix("W"), at.dvector("h0")
    hs, _ = aesara.scan(
        lambda h, W: at.tanh(W @ h), outputs_info=h0, non_sequences=W, n_steps=50
    )
    Wv, hv = rng.normal(size=(8, 8)) / 3, rng.normal(size=8)
    f = aesara.function([W, h0], hs[-1])
    g = aesara.function([W, h0], hs[-1], mode=Mode(linker="py"))
    _loops(f)
    for _ in range(2):
        _same(f(Wv, hv), g(Wv, hv))
    h = hv
    for _ in range(50):
        h = np.tanh(Wv @ h)
    np.testing.assert_allclose(f(Wv, hv), h, rtol=1e-12)


def test_gradient_through_scans():
    W, h0, x0 = at.dmatrix("W"), at.dvector("h0"), at.dmatrix("x0")
    hs, _ = aesara.scan(
        lambda h, W: at.tanh(W @ h), outputs_info=h0, non_sequences=W, n_steps=6
    )
    xs, _ = aesara.scan(
        lambda a, b, W: at.tanh(W @ (a + 0.5 * b)),
        outputs_info=[{"initial": x0, "taps": [-2, -1]}],
        non_sequences=W,
        n_steps=5,
    )
    grads = aesara.grad(hs.sum() + (xs**2).sum(), [W, h0, x0])
    args = (rng.normal(size=(3, 3)) / 2, rng.normal(size=3), rng.normal(size=(2, 3)))
    f, g = _check([W, h0, x0], grads, *args, c_mode=None, py_mode=Mode(linker="py"))
    assert len(_loops(f)) >= 2
