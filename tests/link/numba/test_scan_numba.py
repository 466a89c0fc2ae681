"""``Scan`` under the Numba backend: the loop compiled in nopython mode.

Each graph is compiled once (module cache) with mode ``"NUMBA"`` and with
the Python linker under the same rewrites; both must give the same values,
dtypes and shapes, and the Numba function must not run the ``Scan`` node
(or, for most graphs, any node) in object mode.
"""

from __future__ import annotations

import warnings

import numpy as np
import pytest

numba = pytest.importorskip("numba", reason="the Numba backend needs numba")

import aesara  # noqa: E402
import aesara.tensor as at  # noqa: E402
from aesara.compile.function import function  # noqa: E402
from aesara.compile.mode import Mode, get_mode  # noqa: E402
from aesara.compile.ops import as_op  # noqa: E402
from aesara.compile.sharedvalue import shared  # noqa: E402
from aesara.configdefaults import config  # noqa: E402
from aesara.link.numba.dispatch import NumbaTranslationMissing  # noqa: E402
from aesara.scan.op import Scan  # noqa: E402
from aesara.scan.utils import until  # noqa: E402
from aesara.tensor.random.utils import RandomStream  # noqa: E402

NUMBA = get_mode("NUMBA")
# The same rewrites, run by the Python linker (Scan's reference loop).
PY = Mode("py", NUMBA.provided_optimizer)

RNG = np.random.default_rng(1234)


def _check(got, expected):
    got = got if isinstance(got, list) else [got]
    expected = expected if isinstance(expected, list) else [expected]
    assert len(got) == len(expected)
    for k, (r, e) in enumerate(zip(got, expected)):
        r, e = np.asarray(r), np.asarray(e)
        assert r.dtype == e.dtype, f"output {k}: {r.dtype} vs {e.dtype}"
        assert r.shape == e.shape, f"output {k}: {r.shape} vs {e.shape}"
        np.testing.assert_allclose(r, e, rtol=1e-10, atol=1e-12)


def _scan_fallbacks(fn) -> list[str]:
    ops = fn.maker.linker.graph_function.fallback_ops
    return [label for label in ops if label.startswith("Scan")]


def _has_scan(fn) -> bool:
    return any(isinstance(n.op, Scan) for n in fn.maker.fgraph.apply_nodes)


# ---------------------------------------------------------------------------
# The graphs, compiled once each
# ---------------------------------------------------------------------------


def _map():
    x = at.dmatrix("x")
    out, _ = aesara.scan(lambda r: at.exp(r) * 2 + r.sum(), sequences=x)
    return [x], out


def _rnn():
    n = at.iscalar("n")
    h0 = at.dvector("h0")
    W = at.dmatrix("W")
    out, _ = aesara.scan(
        lambda h, W: at.tanh(W @ h), outputs_info=h0, non_sequences=W, n_steps=n
    )
    return [n, h0, W], out


def _mit_sot():
    n = at.iscalar("n")
    x0 = at.dvector("x0")
    a = at.dscalar("a")
    out, _ = aesara.scan(
        lambda p2, p1, a: a * p2 + 0.5 * p1 * p1,
        outputs_info=dict(initial=x0, taps=[-2, -1]),
        non_sequences=a,
        n_steps=n,
    )
    return [n, x0, a], out


def _seq_taps():
    x = at.dvector("x")
    y = at.dvector("y")
    # The running sum keeps the loop (a plain map would be vectorised away).
    out, _ = aesara.scan(
        lambda xm, x0, x1, yt, acc: acc + xm * x1 + at.sin(x0) * yt,
        sequences=[dict(input=x, taps=[-1, 0, 1]), y],
        outputs_info=at.constant(0.0, dtype="float64"),
    )
    return [x, y], out


def _mixed_outputs():
    x = at.dmatrix("x")
    h0 = at.dvector("h0")
    c0 = at.lscalar("c0")

    def step(xt, h, c):
        h_new = h + xt
        return (
            h_new,
            c + 1,
            at.outer(xt, h_new).astype("float32"),
            xt.sum() > 0,
            xt.argmax(),
        )

    outs, _ = aesara.scan(step, sequences=x, outputs_info=[h0, c0, None, None, None])
    return [x, h0, c0], outs


def _nit_and_sit():
    x = at.dvector("x")
    acc0 = at.dscalar("acc0")

    def step(xt, acc):
        return acc + xt, acc * xt

    outs, _ = aesara.scan(step, sequences=x, outputs_info=[acc0, None])
    return [x, acc0], outs


def _while():
    h0 = at.dscalar("h0")
    rate = at.dscalar("rate")
    out, _ = aesara.scan(
        lambda h, r: (h * r, until(h * r > 50.0)),
        outputs_info=h0,
        non_sequences=rate,
        n_steps=40,
    )
    return [h0, rate], [out, out[-1]]


def _grad():
    x = at.dmatrix("x")
    h0 = at.dvector("h0")
    W = at.dmatrix("W")
    out, _ = aesara.scan(
        lambda xt, h, W: at.tanh(W @ h + xt),
        sequences=x,
        outputs_info=h0,
        non_sequences=W,
    )
    # One gradient keeps the (slow to compile) outer graph small; the
    # backward loop is a second Scan all the same.
    return [x, h0, W], aesara.grad(out.sum(), W)


def _nested():
    x = at.dmatrix("x")

    def row(r):
        inner, _ = aesara.scan(
            lambda v, acc: acc * 0.5 + v,
            sequences=r,
            outputs_info=at.constant(0.0, dtype="float64"),
        )
        return inner[-1]

    out, _ = aesara.scan(row, sequences=x)
    return [x], out


def _last_only():
    n = at.iscalar("n")
    x0 = at.dvector("x0")
    h0 = at.dvector("h0")
    (mit, sit), _ = aesara.scan(
        lambda p2, p1, h: (p2 - 0.3 * p1, at.cos(h) + p1),
        outputs_info=[dict(initial=x0, taps=[-2, -1]), h0],
        n_steps=n,
    )
    return [n, x0, h0], [mit[-1], sit[-1], sit[-2]]


def _reversed_state():
    n = at.iscalar("n")
    h0 = at.dvector("h0")
    # The step returns a view of its state; with only the last state used,
    # the buffer has one entry, which the view overlaps when it is written.
    out, _ = aesara.scan(lambda h: h[::-1] * 1.0 + 0.0, outputs_info=h0, n_steps=n)
    out_view, _ = aesara.scan(lambda h: h[::-1], outputs_info=h0, n_steps=n)
    return [n, h0], [out[-1], out_view[-1]]


def _mit_mot():
    # A mit_mot state, as gradients build them: reads entries i and i + 1
    # of its buffer, writes entry i.
    from aesara.scan.op import ScanInfo

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
    n = at.lscalar("n")
    buf = at.dmatrix("buf")
    return [n, buf], op(n, buf)


GRAPHS = {
    "mit_mot": _mit_mot,
    "reversed_state": _reversed_state,
    "map": _map,
    "rnn": _rnn,
    "mit_sot": _mit_sot,
    "seq_taps": _seq_taps,
    "mixed_outputs": _mixed_outputs,
    "nit_and_sit": _nit_and_sit,
    "while": _while,
    "grad": _grad,
    "nested": _nested,
    "last_only": _last_only,
}

_BUILT: dict[str, tuple] = {}


def _compiled(name: str):
    if name not in _BUILT:
        inputs, outputs = GRAPHS[name]()
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            fn = function(inputs, outputs, mode=NUMBA)
        numba_warnings = [
            str(w.message) for w in caught if "Numba backend" in str(w.message)
        ]
        ref = function(inputs, outputs, mode=PY)
        _BUILT[name] = (fn, ref, numba_warnings)
    return _BUILT[name]


def _run(name: str, *args):
    fn, ref, numba_warnings = _compiled(name)
    assert _has_scan(fn), "the rewrites removed the loop; the test checks nothing"
    expected = ref(*[np.copy(a) for a in args])
    got = fn(*[np.copy(a) if np.ndim(a) == 0 else a for a in args])
    _check(got, expected)
    assert numba_warnings == [], numba_warnings
    assert fn.maker.linker.nopython
    return got


# ---------------------------------------------------------------------------
# Values
# ---------------------------------------------------------------------------


def test_map_over_a_sequence():
    _run("map", RNG.normal(size=(5, 3)))


def test_map_over_a_non_contiguous_sequence():
    x = RNG.normal(size=(3, 10)).T[::2]
    assert not x.flags.c_contiguous
    _run("map", x)


@pytest.mark.parametrize("n", [7, 1, 0])
def test_sit_sot_recurrence_with_non_sequence(n):
    W = RNG.normal(size=(4, 4)) * 0.5
    got = _run("rnn", np.int32(n), RNG.normal(size=4), W)
    assert got.shape == (n, 4)


@pytest.mark.parametrize("n", [6, 1, 0])
def test_mit_sot_two_taps(n):
    _run("mit_sot", np.int32(n), RNG.normal(size=2) * 0.5, np.float64(0.7))


@pytest.mark.parametrize("n", [4, 0])
def test_mit_mot_state(n):
    buf = RNG.normal(size=(5, 2))
    expected = buf.copy()
    for i in range(n):
        expected[i] = expected[i] + 2 * expected[i + 1]
    got = _run("mit_mot", np.int64(n), buf.copy())
    np.testing.assert_allclose(got, expected[:n])


@pytest.mark.parametrize("lengths", [(7, 4), (5, 9), (2, 3)])
def test_sequence_taps(lengths):
    nx, ny = lengths
    _run("seq_taps", RNG.normal(size=nx), RNG.normal(size=ny))


def test_outputs_of_several_dtypes_and_ranks():
    got = _run(
        "mixed_outputs", RNG.normal(size=(4, 3)), RNG.normal(size=3), np.int64(2)
    )
    assert [np.asarray(g).dtype for g in got] == [
        np.float64,
        np.int64,
        np.float32,
        np.bool_,
        np.int64,
    ]
    assert got[2].shape == (4, 3, 3)


def test_outputs_of_several_dtypes_with_zero_steps():
    _run("mixed_outputs", np.zeros((0, 3)), RNG.normal(size=3), np.int64(2))


def test_nit_sot_and_sit_sot_together():
    _run("nit_and_sit", RNG.normal(size=6), np.float64(0.25))


@pytest.mark.parametrize(
    "h0, rate, steps",
    [(1.3, 1.7, 7), (80.0, 1.1, 1), (0.1, 1.01, 40)],
    ids=["stops-early", "stops-at-step-0", "runs-all-steps"],
)
def test_while_loop(h0, rate, steps):
    got = _run("while", np.float64(h0), np.float64(rate))
    assert got[0].shape == (steps,)


def test_gradient_of_a_scan():
    fn, _, _ = _compiled("grad")
    n_scans = sum(isinstance(n.op, Scan) for n in fn.maker.fgraph.apply_nodes)
    assert n_scans >= 2
    _run("grad", RNG.normal(size=(5, 3)), RNG.normal(size=3), RNG.normal(size=(3, 3)))


def test_nested_scan():
    fn, _, _ = _compiled("nested")
    (scan_node,) = [n for n in fn.maker.fgraph.apply_nodes if isinstance(n.op, Scan)]
    assert any(isinstance(n.op, Scan) for n in scan_node.op.fgraph.apply_nodes)
    _run("nested", RNG.normal(size=(4, 6)))


@pytest.mark.parametrize("n", [2, 3, 8, 9])
def test_last_state_only_uses_circular_buffers(n):
    fn, _, _ = _compiled("last_only")
    (scan_node,) = [n for n in fn.maker.fgraph.apply_nodes if isinstance(n.op, Scan)]
    # The save-memory rewrite shortens the state buffers of long loops
    # (not n + 2 and n + 1 entries), so the loop wraps around them.
    mit, sit = scan_node.op.outer_mitsot(scan_node.inputs) + scan_node.op.outer_sitsot(
        scan_node.inputs
    )
    probe = function(
        fn.maker.fgraph.inputs,
        [mit.shape[0], sit.shape[0]],
        mode=PY,
        accept_inplace=True,
    )
    args = (np.int32(n), RNG.normal(size=2), RNG.normal(size=3))
    lengths = [int(v) for v in probe(*args)]
    if n >= 8:
        assert lengths[0] < n + 2 and lengths[1] < n + 1, lengths
    _run("last_only", *args)


@pytest.mark.parametrize("n", [1, 4, 5])
def test_step_returning_a_view_of_its_one_entry_buffer(n):
    got = _run("reversed_state", np.int32(n), np.arange(3.0))
    expected = np.arange(3.0) if n % 2 == 0 else np.arange(3.0)[::-1]
    np.testing.assert_array_equal(got[1], expected)


# ---------------------------------------------------------------------------
# Shared variables and random draws
# ---------------------------------------------------------------------------


def test_shared_variable_updates_from_the_step():
    s = shared(np.arange(3.0), name="s")
    k = shared(np.int64(0), name="k")
    x = at.dvector("x")

    def step(xt):
        return xt * s.sum(), {s: s * 0.5 + xt, k: k + 1}

    out, updates = aesara.scan(step, sequences=x)
    results = []
    for mode in (NUMBA, PY):
        s.set_value(np.arange(3.0))
        k.set_value(np.int64(0))
        fn = function([x], out, updates=updates, mode=mode)
        if mode is NUMBA:
            assert fn.maker.linker.nopython
        results.append((fn(np.array([1.0, -2.0, 0.5])), s.get_value(), k.get_value()))
    (o1, s1, k1), (o2, s2, k2) = results
    _check([o1, s1, k1], [o2, s2, k2])
    assert int(k1) == 3


def test_random_draws_inside_the_step_thread_the_generator():
    srng = RandomStream(seed=42)
    mu = at.dvector("mu")
    out, updates = aesara.scan(
        lambda m: m + srng.normal(0.0, 1.0, size=(3,)), sequences=mu
    )
    (rng_var,) = [v for v in updates if hasattr(v, "get_value")]
    seed_state = np.random.default_rng(7)
    draws, states = [], []
    for mode in (NUMBA, PY):
        given = np.random.default_rng(7)
        rng_var.set_value(given, borrow=True)
        fn = function([mu], out, updates=updates, mode=mode)
        if mode is NUMBA:
            assert not _scan_fallbacks(fn), fn.maker.linker.graph_function.fallback_ops
        draws.append(fn(np.arange(4.0)))
        # The loop drew from its own copy (once copied, then in place).
        assert given.bit_generator.state == seed_state.bit_generator.state
        # A second call continues from the generator the first one left.
        draws.append(fn(np.arange(4.0)))
        states.append(rng_var.get_value().bit_generator.state)
    _check(draws[:2], draws[2:])
    assert states[0] == states[1]
    # The draws used the generator: they are not the initial state's.
    assert states[0] != seed_state.bit_generator.state
    assert not np.allclose(draws[0], draws[1])


# ---------------------------------------------------------------------------
# Fallback and errors
# ---------------------------------------------------------------------------


@as_op(itypes=[at.dvector], otypes=[at.dvector])
def _py_double(v):
    return v * 2.0


def _untranslatable_scan():
    x = at.dmatrix("x")
    out, _ = aesara.scan(lambda r: _py_double(r) + 1.0, sequences=x)
    return x, out


def test_inner_op_without_translation_falls_back_with_one_warning():
    x, out = _untranslatable_scan()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        fn = function([x], out, mode=NUMBA)
    messages = [str(w.message) for w in caught if "Numba backend" in str(w.message)]
    assert len(messages) == 1
    assert "Scan" in messages[0] and "FromFunctionOp" in messages[0]
    assert not fn.maker.linker.nopython
    v = RNG.normal(size=(3, 2))
    np.testing.assert_allclose(fn(v), v * 2.0 + 1.0)


def test_inner_op_without_translation_raises_when_asked():
    x, out = _untranslatable_scan()
    with config.change_flags(numba__fallback="raise"):
        with pytest.raises(NumbaTranslationMissing, match="FromFunctionOp"):
            function([x], out, mode=NUMBA)


def test_loop_checks_its_inputs():
    from aesara.link.numba.dispatch import numba_funcify

    fn, _, _ = _compiled("rnn")
    (node,) = [n for n in fn.maker.fgraph.apply_nodes if isinstance(n.op, Scan)]
    loop = numba_funcify(node.op, node=node)
    W = np.eye(2)
    buf = np.zeros((4, 2))
    with pytest.raises(ValueError, match="non-negative"):
        loop(np.array(-1, dtype=node.inputs[0].dtype), buf, W)
    # A state buffer without room for its tap.
    with pytest.raises(ValueError, match="taps"):
        loop(np.array(2, dtype=node.inputs[0].dtype), np.zeros((0, 2)), W)


# ---------------------------------------------------------------------------
# The on-disk cache key
# ---------------------------------------------------------------------------


def _scan_graph_key(step) -> str | None:
    from aesara.graph.fg import FunctionGraph
    from aesara.link.numba.dispatch import fgraph_to_numba

    h0 = at.dvector("h0")
    W = at.dmatrix("W")
    out, _ = aesara.scan(
        lambda h, W: step(W @ h), outputs_info=h0, non_sequences=W, n_steps=4
    )
    fgraph = FunctionGraph([h0, W], [out], clone=True)
    return fgraph_to_numba(fgraph).key


def test_scan_graphs_are_cacheable_and_keyed_by_their_inner_graph():
    # Building the graph function compiles nothing (Numba compiles lazily).
    tanh_key = _scan_graph_key(at.tanh)
    assert tanh_key is not None
    assert _scan_graph_key(at.tanh) == tanh_key
    assert _scan_graph_key(at.sin) != tanh_key
