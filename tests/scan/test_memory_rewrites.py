"""The Scan rewrites that save memory: shorter buffers (``scan_save_mem``),
fewer steps, and states written in place (``scan_make_inplace``).

Every result is compared with the same graph run without rewrites (the
Python linker, no optimizer), which keeps whole traces and copies buffers.
"""

from __future__ import annotations

import tracemalloc

import numpy as np
import pytest

import aesara
import aesara.tensor as at
from aesara.compile.mode import Mode, get_default_mode, optdb
from aesara.compile.sharedvalue import SharedVariable
from aesara.scan.op import Scan
from aesara.scan.utils import until

REF = Mode(linker="py", optimizer=None)
# The default pipeline without the other Scan rewrites (push-out, merge,
# cleanup), so that the loops below stay loops whatever those do.
MODE = get_default_mode().excluding("scan_eqopt1", "scan_eqopt2")
NO_SAVE = MODE.excluding("scan_save_mem")
NO_INPLACE = MODE.excluding("scan_make_inplace")


def _gen(seed=7):
    return np.random.default_rng(seed)


def _scan_nodes(f):
    return [n for n in f.maker.fgraph.toposort() if isinstance(n.op, Scan)]


def _only_scan(f):
    nodes = _scan_nodes(f)
    assert len(nodes) == 1, nodes
    return nodes[0]


def _state_buffers(node):
    info = node.op.info
    n = info.n_mit_mot + info.n_mit_sot + info.n_sit_sot
    return node.inputs[1 + info.n_seqs : 1 + info.n_seqs + n]


def _runtime_sizes(f, args):
    """``(n_steps, state buffer lengths, nit_sot lengths)`` of each Scan of ``f``."""
    fg = f.maker.fgraph
    flat, layout = [], []
    for node in _scan_nodes(f):
        bufs = _state_buffers(node)
        nits = node.op.outer_nitsot(node.inputs)
        layout.append((len(bufs), len(nits)))
        flat += [node.inputs[0]] + [b.shape[0] for b in bufs] + list(nits)
    ins = [i for i in fg.inputs if not isinstance(i, SharedVariable)]
    g = aesara.function(
        ins, flat, mode=REF, on_unused_input="ignore", accept_inplace=True
    )
    vals = [int(v) for v in g(*args)]
    res, p = [], 0
    for nb, nn in layout:
        res.append(
            (vals[p], vals[p + 1 : p + 1 + nb], vals[p + 1 + nb : p + 1 + nb + nn])
        )
        p += 1 + nb + nn
    return res


def _compare(ins, outs, args, mode=MODE):
    """Compile ``outs`` with ``mode`` and without rewrites; check equal results."""
    f = aesara.function(ins, outs, mode=mode)
    g = aesara.function(ins, outs, mode=REF)
    got, want = f(*args), g(*args)
    if not isinstance(outs, (list, tuple)):
        got, want = [got], [want]
    for a, b in zip(got, want):
        assert np.shape(a) == np.shape(b)
        np.testing.assert_allclose(a, b, rtol=1e-12, atol=1e-12)
    return f


def _rnn(h0, n_steps, w=None):
    """A recurrence no rewrite can take out of the loop."""
    if w is None:
        return aesara.scan(
            lambda h: at.tanh(h * 0.9 + 0.3), outputs_info=h0, n_steps=n_steps
        )[0]
    return aesara.scan(
        lambda h, w: at.tanh(at.dot(w, h) + 0.1),
        outputs_info=h0,
        non_sequences=w,
        n_steps=n_steps,
    )[0]


# ---------------------------------------------------------------------------
# Registration
# ---------------------------------------------------------------------------


def test_registered_like_aesara():
    assert "scan_save_mem" in optdb
    assert optdb.__position__["scan_save_mem"] == pytest.approx(1.61)
    assert "scan_make_inplace" in optdb
    assert optdb.__position__["scan_make_inplace"] == 75
    fast_run = optdb.__db__["fast_run"]
    assert optdb["scan_save_mem"] in fast_run
    assert optdb["scan_make_inplace"] in fast_run
    assert optdb["scan_make_inplace"] in optdb.__db__["inplace"]


# ---------------------------------------------------------------------------
# The acceptance test: a long loop whose last state only is used
# ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "symbolic_n, linker", [(False, "cvm"), (True, "cvm"), (False, "vm")]
)
def test_long_loop_last_state_does_not_allocate_the_trace(symbolic_n, linker):
    n_steps, size = 100_000, 1000
    trace_bytes = n_steps * size * 8
    h0 = at.dvector("h0")
    n = at.iscalar("n")
    out, _ = aesara.scan(
        lambda h: h * 0.5 + 1, outputs_info=h0, n_steps=n if symbolic_n else n_steps
    )
    ins = [h0, n] if symbolic_n else [h0]
    f = aesara.function(ins, out[-1], mode=get_default_mode().clone(linker=linker))
    node = _only_scan(f)
    # Checked before running, so that a failure does not allocate 800 MB.
    (buf,) = _state_buffers(node)
    assert buf.type.shape[0] is not None and buf.type.shape[0] <= 3

    h0v = _gen().normal(size=size)
    args = [h0v, n_steps] if symbolic_n else [h0v]
    assert _runtime_sizes(f, args)[0][1][0] <= 3
    f(*args)  # compile the inner function outside the measurement
    tracemalloc.start()
    try:
        res = f(*args)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < trace_bytes / 1000, peak
    # h_t = 2 + (h0 - 2) / 2**t
    np.testing.assert_allclose(res, np.full(size, 2.0))
    if symbolic_n:
        # The same loop, shorter, against the unrewritten loop.
        for steps in [1, 2, 50]:
            _compare(ins, out[-1], [h0v, steps], mode=None)


def test_long_loop_values_match_small_case():
    h0 = at.dvector("h0")
    out = _rnn(h0, 1000)
    f = _compare([h0], out[-1], [_gen().normal(size=5)], mode=None)
    (buf,) = _state_buffers(_only_scan(f))
    assert buf.type.shape[0] == 2


@pytest.mark.parametrize("which", ["reduce", "foldl", "foldr"])
def test_reduce_and_folds_keep_two_rows(which):
    x = at.dmatrix("x")
    h0 = at.dvector("h0")
    fold = getattr(aesara, which)
    res, _ = fold(lambda xt, acc: at.tanh(acc * 0.5 + xt), sequences=x, outputs_info=h0)
    xv = _gen().normal(size=(2000, 4))
    h0v = _gen(1).normal(size=4)
    f = _compare([x, h0], res, [xv, h0v])
    (buf,) = _state_buffers(_only_scan(f))
    assert buf.type.shape[0] == 2
    # Without the rewrite the buffer holds every step.
    g = aesara.function([x, h0], res, mode=NO_SAVE)
    assert _runtime_sizes(g, [xv, h0v])[0][1] == [2001]


# ---------------------------------------------------------------------------
# When it fires, when it does not
# ---------------------------------------------------------------------------


def test_full_trace_used_is_left_alone():
    h0 = at.dvector("h0")
    n = at.iscalar("n")
    out = _rnn(h0, n)
    args = [_gen().normal(size=3), 9]
    f = _compare([h0, n], [out, out[-1]], args)
    assert _runtime_sizes(f, args) == [(9, [10], [])]
    f = _compare([h0, n], out.sum(), args)
    assert _runtime_sizes(f, args) == [(9, [10], [])]


def test_almost_full_trace_is_not_made_circular():
    # out[1:] reads all the steps: a circular buffer one row shorter would
    # cost a copy at the end for nothing.
    h0 = at.dvector("h0")
    out = _rnn(h0, 20)
    f = _compare([h0], out[1:], [_gen().normal(size=3)])
    assert _runtime_sizes(f, [_gen().normal(size=3)]) == [(20, [21], [])]


@pytest.mark.parametrize(
    "index, steps, rows",
    [
        (lambda o: o[-1], 40, 2),
        (lambda o: o[-3:], 40, 3),
        # The last step is not read: one step less.
        (lambda o: o[-4:-1], 39, 3),
        (lambda o: o[-5], 36, 2),
        # Nothing read: one step.
        (lambda o: o[-6:-6], 1, 2),
        (lambda o: o[-3::2], 40, 3),
    ],
)
def test_sit_sot_from_the_end(index, steps, rows):
    h0 = at.dvector("h0")
    out = _rnn(h0, 40)
    args = [_gen().normal(size=3)]
    f = _compare([h0], index(out), args)
    assert _runtime_sizes(f, args) == [(steps, [rows], [])]


@pytest.mark.parametrize(
    "index, rows",
    [
        (lambda o: o[-1], 2),
        (lambda o: o[-3:], 3),
        (lambda o: o[-4:-1], 4),
        (lambda o: o[-5], 5),
        (lambda o: o[-3::2], 3),
    ],
)
def test_sit_sot_from_the_end_symbolic_n_steps(index, rows):
    # With a symbolic number of steps, the index is an expression of it
    # (the user's ``out[1:]`` view merged with the index): the buffer is
    # shortened at run time and the number of steps kept.
    h0 = at.dvector("h0")
    n = at.iscalar("n")
    out = _rnn(h0, n)
    h0v = _gen().normal(size=3)
    f = _compare([h0, n], index(out), [h0v, 40])
    assert _runtime_sizes(f, [h0v, 40]) == [(40, [rows], [])]
    for steps in [5, 6, 7]:
        _compare([h0, n], index(out), [h0v, steps])


@pytest.mark.parametrize("steps", [0, 1, 2, 3, 7])
def test_symbolic_n_steps_small_values(steps):
    h0 = at.dvector("h0")
    n = at.iscalar("n")
    out = _rnn(h0, n)
    outs = [out[-2:], out.shape[0]]
    if steps >= 1:
        outs.append(out[-1])
    _compare([h0, n], outs, [_gen().normal(size=3), steps])


def _raw(out):
    """The Scan output under ``scan``'s ``[1:]`` view (initial state first)."""
    res = out.owner.inputs[0]
    assert isinstance(res.owner.op, Scan)
    return res


def test_symbolic_index():
    h0 = at.dvector("h0")
    i = at.iscalar("i")
    out = _raw(_rnn(h0, 12))
    f = aesara.function([h0, i], out[i], mode=MODE)
    g = aesara.function([h0, i], out[i], mode=REF)
    h0v = _gen().normal(size=3)
    for iv in [-13, -12, -5, -1, 0, 3, 11, 12]:
        np.testing.assert_allclose(f(h0v, iv), g(h0v, iv))
    for iv in [-14, -40, 13, 40]:
        with pytest.raises(IndexError):
            g(h0v, iv)
        with pytest.raises(IndexError):
            f(h0v, iv)


def test_symbolic_slice():
    h0 = at.dvector("h0")
    a = at.iscalar("a")
    b = at.iscalar("b")
    out = _raw(_rnn(h0, 12))
    f = aesara.function([h0, a, b], out[a:b], mode=MODE)
    g = aesara.function([h0, a, b], out[a:b], mode=REF)
    h0v = _gen().normal(size=3)
    for av in [-40, -13, -12, -5, -1, 0, 3, 11, 12, 13, 40]:
        for bv in [-40, -13, -6, -1, 0, 2, 7, 12, 13, 40]:
            np.testing.assert_allclose(f(h0v, av, bv), g(h0v, av, bv))


@pytest.mark.parametrize("index", [-14, -30, 13, 25])
def test_constant_index_out_of_range_still_raises(index):
    h0 = at.dvector("h0")
    out = _raw(_rnn(h0, 12))
    f = aesara.function([h0], [out[index], out[-2]], mode=MODE)
    with pytest.raises(IndexError):
        f(np.zeros(3))


@pytest.mark.parametrize("index", [-13, -1, 0, 11, 12])
def test_constant_index_in_range(index):
    h0 = at.dvector("h0")
    out = _raw(_rnn(h0, 12))
    _compare([h0], [out[index], out[-2]], [_gen().normal(size=3)])


def test_mit_sot_taps():
    x0 = at.dmatrix("x0")
    n = at.iscalar("n")
    out, _ = aesara.scan(
        lambda a, b: at.tanh(a * 0.5 - b * 0.25 + 0.1),
        outputs_info=[{"initial": x0, "taps": [-3, -1]}],
        n_steps=n,
    )
    x0v = _gen().normal(size=(3, 2))
    for steps in [0, 1, 4, 30]:
        f = _compare([x0, n], [out[-1:], out[-2:]], [x0v, steps])
    assert _runtime_sizes(f, [x0v, 30]) == [(30, [4], [])]
    f = _compare([x0, n], out[-5], [x0v, 30])
    assert _runtime_sizes(f, [x0v, 30]) == [(30, [5], [])]
    # A full trace: untouched.
    f = _compare([x0, n], out, [x0v, 30])
    assert _runtime_sizes(f, [x0v, 30]) == [(30, [33], [])]


def test_mit_sot_buffer_never_shorter_than_its_taps():
    # taps [-5, -1] with only the last step used: 6 rows (5 read, 1 written).
    x0 = at.dmatrix("x0")
    out, _ = aesara.scan(
        lambda a, b: at.tanh(a + b * 0.5),
        outputs_info=[{"initial": x0, "taps": [-5, -1]}],
        n_steps=50,
    )
    x0v = _gen().normal(size=(5, 2))
    f = _compare([x0], out[-1], [x0v])
    assert _runtime_sizes(f, [x0v]) == [(50, [6], [])]


def test_nit_sot():
    x = at.dmatrix("x")
    h0 = at.dvector("h0")
    (h, y), _ = aesara.scan(
        lambda xt, h: [at.tanh(h + xt), (at.tanh(h + xt) * 2).sum()],
        sequences=x,
        outputs_info=[h0, None],
    )
    xv, h0v = _gen().normal(size=(30, 3)), _gen(2).normal(size=3)
    f = _compare([x, h0], [h[-1], y[-2:]], [xv, h0v])
    assert _runtime_sizes(f, [xv, h0v]) == [(30, [2], [2])]
    # Several outputs, only some shortened.
    f = _compare([x, h0], [h, y[-1]], [xv, h0v])
    assert _runtime_sizes(f, [xv, h0v]) == [(30, [31], [1])]
    f = _compare([x, h0], [h[-1], y], [xv, h0v])
    assert _runtime_sizes(f, [xv, h0v]) == [(30, [2], [30])]


def test_unused_outputs_keep_a_minimal_buffer():
    x = at.dmatrix("x")
    h0 = at.dvector("h0")
    (h, y), _ = aesara.scan(
        lambda xt, h: [at.tanh(h + xt), (h * xt).sum()],
        sequences=x,
        outputs_info=[h0, None],
    )
    xv, h0v = _gen().normal(size=(30, 3)), _gen(2).normal(size=3)
    f = _compare([x, h0], y, [xv, h0v])
    assert _runtime_sizes(f, [xv, h0v]) == [(30, [2], [30])]


# ---------------------------------------------------------------------------
# Fewer steps
# ---------------------------------------------------------------------------


def test_first_steps_only_reduce_n_steps():
    h0 = at.dvector("h0")
    out = _rnn(h0, 50)
    h0v = _gen().normal(size=3)
    f = _compare([h0], [out[:3], out[1]], [h0v])
    assert _runtime_sizes(f, [h0v]) == [(3, [4], [])]
    f = _compare([h0], out[5:7], [h0v])
    assert _runtime_sizes(f, [h0v]) == [(7, [2], [])]


def test_first_steps_only_reduce_symbolic_n_steps():
    h0 = at.dvector("h0")
    n = at.iscalar("n")
    raw = _raw(_rnn(h0, n))
    h0v = _gen().normal(size=3)
    f = _compare([h0, n], [raw[:4], raw[2]], [h0v, 50])
    assert _runtime_sizes(f, [h0v, 50]) == [(3, [4], [])]
    for steps in [2, 3, 4]:
        _compare([h0, n], [raw[:4], raw[2]], [h0v, steps])
    for steps in [0, 1]:
        _compare([h0, n], raw[:4], [h0v, steps])
    # Through scan's [1:] view the index is an expression of n: values only.
    out = _rnn(h0, n)
    for steps in [0, 1, 2, 3, 50]:
        _compare([h0, n], out[:3], [h0v, steps])


def test_n_steps_reduced_with_sequences_and_nit_sot():
    x = at.dmatrix("x")
    h0 = at.dvector("h0")
    (h, y), _ = aesara.scan(
        lambda xt, h: [at.tanh(h + xt), (at.tanh(h + xt) ** 2).sum()],
        sequences=x,
        outputs_info=[h0, None],
    )
    xv, h0v = _gen().normal(size=(40, 3)), _gen(2).normal(size=3)
    f = _compare([x, h0], [_raw(h)[:3], y[2:4]], [xv, h0v])
    assert _runtime_sizes(f, [xv, h0v]) == [(4, [5], [2])]
    f = _compare([x, h0], y[:6], [xv, h0v])
    assert _runtime_sizes(f, [xv, h0v]) == [(6, [2], [6])]
    # A symbolic number of steps through scan's [1:] view: values only.
    _compare([x, h0], [h[:5], y[2:4]], [xv, h0v])


def test_n_steps_kept_for_a_while_loop():
    h0 = at.dvector("h0")
    out, _ = aesara.scan(
        lambda h: (at.tanh(h) + 0.5, until(h.sum() > 100)),
        outputs_info=h0,
        n_steps=30,
    )
    h0v = _gen().normal(size=3)
    f = _compare([h0], out[:3], [h0v])
    assert _runtime_sizes(f, [h0v])[0][0] == 30


def test_n_steps_kept_when_an_update_is_used():
    w = aesara.shared(np.float64(0.0), name="w")
    h0 = at.dvector("h0")

    def step(h):
        return at.tanh(h) + 0.5, {w: w + h.sum()}

    out, updates = aesara.scan(step, outputs_info=h0, n_steps=20)
    f = aesara.function([h0], out[:2], updates=updates, mode=MODE)
    h0v = _gen().normal(size=3)
    got = f(h0v)
    w_got = w.get_value()
    w.set_value(np.float64(0.0))
    g = aesara.function([h0], out[:2], updates=updates, mode=REF)
    want = g(h0v)
    np.testing.assert_allclose(got, want)
    np.testing.assert_allclose(w_got, w.get_value())
    assert _runtime_sizes(f, [h0v])[0][0] == 20


def test_short_sequence_still_raises_when_steps_are_reduced():
    x = at.dmatrix("x")
    h0 = at.dvector("h0")
    n = at.iscalar("n")
    out, _ = aesara.scan(
        lambda xt, h: at.tanh(h + xt), sequences=x, outputs_info=h0, n_steps=n
    )
    f = aesara.function([x, h0, n], out[:2], mode=MODE)
    xv, h0v = _gen().normal(size=(5, 3)), np.zeros(3)
    np.testing.assert_allclose(
        f(xv, h0v, 5), aesara.function([x, h0, n], out[:2], mode=REF)(xv, h0v, 5)
    )
    with pytest.raises(Exception):
        aesara.function([x, h0, n], out[:2], mode=REF)(xv, h0v, 8)
    with pytest.raises(Exception):
        f(xv, h0v, 8)


# ---------------------------------------------------------------------------
# While loops
# ---------------------------------------------------------------------------


def _while_loop(h0, n):
    out, _ = aesara.scan(
        lambda h: (at.tanh(h) + 0.5, until(h.sum() > 4)),
        outputs_info=h0,
        n_steps=n,
    )
    return out


@pytest.mark.parametrize("symbolic_n", [False, True])
def test_while_loop_values(symbolic_n):
    h0 = at.dvector("h0")
    n = at.iscalar("n")
    out = _while_loop(h0, n if symbolic_n else 60)
    ins = [h0, n] if symbolic_n else [h0]
    for h0v in [np.full(3, -3.0), np.full(3, 3.0), np.zeros(3)]:
        args = [h0v] + ([60] if symbolic_n else [])
        _compare(ins, [out[-1], out[-2:]], args)
        _compare(ins, out, args)
        _compare(ins, [out, out[-1]], args)
    if symbolic_n:
        for steps in [0, 1, 2]:
            _compare(ins, [out[-1:], out.shape[0]], [np.full(3, -3.0), steps])


def test_while_loop_shrinks_only_for_constant_indices_from_the_end():
    h0 = at.dvector("h0")
    x = at.dmatrix("x")
    # A literal index from the end on the raw Scan output (no [1:] view).
    out, _ = aesara.scan(
        lambda xt, h: (at.tanh(h + xt), until(h.sum() > 100)),
        sequences=x,
        outputs_info=h0,
    )
    scan_out = out.owner.inputs[0]
    assert isinstance(scan_out.owner.op, Scan)
    xv, h0v = _gen().normal(size=(40, 3)), np.zeros(3)
    f = _compare([x, h0], [scan_out[-1], scan_out[-3:]], [xv, h0v])
    assert _runtime_sizes(f, [xv, h0v])[0][1] == [3]
    f = _compare([x, h0], scan_out[2], [xv, h0v])
    assert _runtime_sizes(f, [xv, h0v])[0][1] == [41]


# ---------------------------------------------------------------------------
# Gradients
# ---------------------------------------------------------------------------


def test_gradient_through_a_shortened_output():
    w = at.dmatrix("w")
    h0 = at.dvector("h0")
    out = _rnn(h0, 25, w)
    cost = out[-1].sum() + (out[-3] ** 2).sum()
    try:
        grads = aesara.grad(cost, [w, h0])
    except (NotImplementedError, ImportError) as e:  # pragma: no cover
        pytest.skip(f"gradients through scan are not available yet: {e}")
    wv = _gen().normal(size=(3, 3)) * 0.5
    h0v = _gen(3).normal(size=3)
    f = _compare([w, h0], [cost, *grads], [wv, h0v])
    # The forward loop's trace is needed by the gradient: kept whole.
    for steps, _bufs, _ in _runtime_sizes(f, [wv, h0v]):
        assert steps == 25


def test_gradient_of_a_fold():
    x = at.dmatrix("x")
    h0 = at.dvector("h0")
    res, _ = aesara.foldl(
        lambda xt, acc: at.tanh(acc * 0.5 + xt), sequences=x, outputs_info=h0
    )
    try:
        g = aesara.grad(res.sum(), [x, h0])
    except (NotImplementedError, ImportError) as e:  # pragma: no cover
        pytest.skip(f"gradients through scan are not available yet: {e}")
    _compare([x, h0], [res, *g], [_gen().normal(size=(30, 3)), np.zeros(3)])


# ---------------------------------------------------------------------------
# In place
# ---------------------------------------------------------------------------


def test_inplace_fires_and_leaves_inputs_alone():
    h0 = at.dvector("h0")
    x0 = at.dmatrix("x0")
    x = at.dmatrix("x")
    (h, m, y), _ = aesara.scan(
        lambda xt, h, m3, m1: [
            at.tanh(h + xt),
            at.tanh(m3 * 0.5 + m1 * 0.25 + xt[:2]),
            (h * xt).sum(),
        ],
        sequences=x,
        outputs_info=[h0, {"initial": x0, "taps": [-3, -1]}, None],
    )
    xv = _gen().normal(size=(15, 3))
    h0v, x0v = _gen(1).normal(size=3), _gen(2).normal(size=(3, 2))
    copies = [v.copy() for v in (xv, h0v, x0v)]
    for outs, linker in [
        ([h, m, y], "cvm"),
        ([h[-1], m[-2:], y], "cvm"),
        ([h[-1], m[-2:], y], "vm"),
    ]:
        f = _compare([x, h0, x0], outs, [xv, h0v, x0v], MODE.clone(linker=linker))
        node = _only_scan(f)
        info = node.op.info
        assert set(node.op.destroy_map) == set(range(info.n_mit_sot + info.n_sit_sot))
        for k, v in node.op.destroy_map.items():
            assert v == [1 + info.n_seqs + k]
        f(xv, h0v, x0v)
        for v, c in zip((xv, h0v, x0v), copies):
            np.testing.assert_array_equal(v, c)
    g = aesara.function([x, h0, x0], [h, m, y], mode=NO_INPLACE)
    assert not _only_scan(g).op.destroy_map


@pytest.mark.parametrize("linker", ["cvm", "vm"])
@pytest.mark.parametrize("allow_gc", [True, False])
def test_inplace_results_survive_the_next_call(allow_gc, linker):
    h0 = at.dvector("h0")
    out = _rnn(h0, 6)
    with aesara.config.change_flags(allow_gc=allow_gc):
        f = aesara.function([h0], [out, out[-1]], mode=MODE.clone(linker=linker))
    assert _only_scan(f).op.destroy_map
    a1, b1 = f(np.zeros(2))
    c1 = (a1.copy(), b1.copy())
    a2, b2 = f(np.ones(2))
    np.testing.assert_array_equal(a1, c1[0])
    np.testing.assert_array_equal(b1, c1[1])
    assert not np.allclose(a1, a2)


def _scan_op_and_steps(h0, n_steps):
    out = _rnn(h0, n_steps)
    node = out.owner.inputs[0].owner
    assert isinstance(node.op, Scan)
    return node.op


def test_inplace_not_on_a_function_input():
    buf = at.dmatrix("buf")
    op = _scan_op_and_steps(at.dvector(), 5)
    res = op(5, buf)
    f = aesara.function([buf], res, mode=MODE)
    assert not _only_scan(f).op.destroy_map
    bv = np.zeros((6, 2))
    bv[0] = _gen().normal(size=2)
    bc = bv.copy()
    np.testing.assert_allclose(f(bv), aesara.function([buf], res, mode=REF)(bc))
    np.testing.assert_array_equal(bv, bc)


def test_inplace_not_on_a_view_of_an_input():
    buf = at.dmatrix("buf")
    op = _scan_op_and_steps(at.dvector(), 5)
    res = op(5, buf[1:])
    f = aesara.function([buf], res, mode=MODE)
    assert not _only_scan(f).op.destroy_map
    bv = _gen().normal(size=(7, 2))
    bc = bv.copy()
    np.testing.assert_allclose(f(bv), aesara.function([buf], res, mode=REF)(bc))
    np.testing.assert_array_equal(bv, bc)


def test_inplace_not_on_a_constant():
    op = _scan_op_and_steps(at.dvector(), 5)
    init = np.zeros((6, 2))
    init[0] = [0.5, -0.5]
    res = op(5, at.constant(init))
    f = aesara.function([], res, mode=MODE)
    np.testing.assert_allclose(f(), aesara.function([], res, mode=REF)())
    np.testing.assert_allclose(f(), aesara.function([], res, mode=REF)())
    from aesara.graph.basic import Constant

    for node in _scan_nodes(f):
        for (i,) in node.op.destroy_map.values():
            assert not isinstance(node.inputs[i], Constant)


def test_inplace_with_the_buffer_read_elsewhere():
    h0 = at.dvector("h0")
    op = _scan_op_and_steps(at.dvector(), 5)
    buf = at.set_subtensor(at.zeros((6, 3))[:1], h0[None])
    res = op(5, buf)
    outs = [res, buf.sum(axis=0), buf * 2]
    h0v = _gen().normal(size=3)
    f = _compare([h0], outs, [h0v])
    f = _compare([h0], outs[::-1], [h0v])
    # Two loops on the same buffer: at most one writes into it.
    op2 = _scan_op_and_steps(at.dvector(), 5)
    res2 = op2(5, buf)
    f = _compare([h0], [res, res2 * 3], [h0v])
    bufs = [n.inputs[v[0]] for n in _scan_nodes(f) for v in n.op.destroy_map.values()]
    assert len(set(bufs)) == len(bufs)


def test_inplace_with_the_same_buffer_twice():
    # One allocation used as the buffer of two states of one loop.
    x = at.dvector("x")
    (a, b), _ = aesara.scan(
        lambda a, b: [at.tanh(a + b), at.tanh(a - b)],
        outputs_info=[x, x],
        n_steps=6,
    )
    _compare([x], [a, b], [_gen().normal(size=3)])


# ---------------------------------------------------------------------------
# Random loops and clients
# ---------------------------------------------------------------------------


def _random_case(rng):
    """A loop with a sit_sot, a mit_sot (taps -3, -1) and a nit_sot, random clients."""
    h0, x0, x = at.dvector("h0"), at.dmatrix("x0"), at.dmatrix("x")
    n, i, j = at.iscalar("n"), at.iscalar("i"), at.iscalar("j")
    is_while = rng.random() < 0.25
    use_seq = rng.random() < 0.4

    def step(*args):
        if use_seq:
            xt, h, m3, m1 = args
        else:
            (h, m3, m1), xt = args, 0.1
        h2 = at.tanh(0.5 * h + 0.3 * xt + 0.1 * m1)
        m2 = at.tanh(m3 * 0.5 - m1 * 0.25 + 0.2 * h)
        outs = [h2, m2, h2 * 2 + m2]
        return (outs, until(h2.sum() > 0.3)) if is_while else outs

    kw = {"outputs_info": [h0, {"initial": x0, "taps": [-3, -1]}, None]}
    if use_seq:
        kw["sequences"] = x
    if not use_seq or rng.random() < 0.5:
        kw["n_steps"] = n if rng.random() < 0.5 else int(rng.integers(0, 12))
    (h, m, y), _ = aesara.scan(step, **kw)
    avail = [h, m, y, h.owner.inputs[0], m.owner.inputs[0]]

    def part():
        r = rng.random()
        if r < 0.25:
            return None
        if r < 0.45:
            return [i, j][int(rng.integers(0, 2))]
        return int(rng.integers(-10, 11))

    clients = []
    for _ in range(int(rng.integers(1, 4))):
        o = avail[int(rng.integers(0, len(avail)))]
        kind = int(rng.integers(0, 7))
        if kind == 0:
            clients.append(o[int(rng.integers(-10, 11))])
        elif kind == 1:
            clients.append(o[i])
        elif kind in (2, 3):
            step_ = [None, 1, 2, -1, -2, 3][int(rng.integers(0, 6))]
            clients.append(o[part() : part() : step_])
        elif kind == 4:
            clients.append(o.shape[0])
        elif kind == 5:
            clients.append(o.sum())
        else:
            clients.append(o[-1])
    return [h0, x0, x, n, i, j], clients


@pytest.mark.parametrize("linker", ["cvm", "vm"])
@pytest.mark.parametrize("seed", range(10))
def test_random_loops_and_clients(seed, linker):
    # ``vm``: the outer loop is the reference ScanRunner; ``cvm``: the C loop
    # where it is available.
    rng = np.random.default_rng(seed)
    ins, clients = _random_case(rng)
    mode = MODE.clone(linker=linker)
    f = aesara.function(ins, clients, mode=mode, on_unused_input="ignore")
    g = aesara.function(ins, clients, mode=REF, on_unused_input="ignore")
    # The same pipeline without these rewrites, for indices out of range:
    # merging ``out[1:][k]`` may wrap one into range there already.
    h = aesara.function(
        ins,
        clients,
        mode=MODE.excluding("scan_save_mem", "scan_make_inplace"),
        on_unused_input="ignore",
    )
    for _ in range(6):
        args = [
            rng.normal(size=2),
            rng.normal(size=(3, 2)),
            rng.normal(size=(int(rng.integers(0, 12)), 2)),
            int(rng.integers(0, 12)),
            int(rng.integers(-10, 11)),
            int(rng.integers(-10, 11)),
        ]
        copies = [np.copy(a) for a in args]
        try:
            want = g(*args)
        except (IndexError, ValueError):
            try:
                h(*args)
            except (IndexError, ValueError):
                with pytest.raises((IndexError, ValueError)):
                    f(*args)
            continue
        got = f(*args)
        for a, b in zip(got, want):
            assert np.shape(a) == np.shape(b)
            np.testing.assert_allclose(a, b, rtol=1e-12, atol=1e-12)
        for a, c in zip(args, copies):
            np.testing.assert_array_equal(a, c)


def test_inplace_on_an_allocation_read_elsewhere():
    # The buffer is an allocation other nodes read too: the loop gets an
    # allocation of its own and writes into that one.
    v = at.dscalar("v")
    op = _scan_op_and_steps(at.dvector(), 5)
    buf = at.alloc(v, 6, 2)
    res = op(5, buf)
    f = _compare([v], [res, buf + 1, buf.sum()], [0.25])
    assert _only_scan(f).op.destroy_map == {0: [1]}
    f = _compare([v], [buf + 1, res], [0.25])
    assert _only_scan(f).op.destroy_map == {0: [1]}


# ---------------------------------------------------------------------------------
# The rewrite catalog: each registered name fires and keeps the values
# ---------------------------------------------------------------------------------


def test_catalog_save_mem_and_inplace():
    from tests.tensor.rewriting.rewrite_check import check_rewrite

    h0 = at.dvector("h0_cat")
    out, _ = aesara.scan(lambda h: h * 0.5 + 1.0, outputs_info=h0, n_steps=20)
    check_rewrite(
        "scan_save_mem",
        inputs=[h0],
        outputs=out[-1],
        values=[np.linspace(-1.0, 1.0, 3)],
    )
    x = at.dvector("x_cat")
    out, _ = aesara.scan(
        lambda v, h: h * v + 1.0, sequences=x, outputs_info=at.zeros(())
    )
    check_rewrite(
        "scan_make_inplace",
        inputs=[x],
        outputs=out,
        values=[np.linspace(0.5, 1.5, 5)],
    )
