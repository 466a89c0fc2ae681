"""One compiled function called from several threads at once.

Each concurrent call must get the right answer and never crash: the first
caller runs on the function's own storage, the others on workers (the same
graph linked again). Calls that update shared variables hold the locks of
what they update, so no update is lost. Every mode is exercised.
"""

from __future__ import annotations

import threading

import numpy as np
import pytest

import aesara
import aesara.tensor as at
from aesara.compile.io import In
from aesara.compile.mode import Mode

N_THREADS = 8

MODES = {
    "FAST_RUN": None,
    "FAST_COMPILE": "FAST_COMPILE",
    "py": Mode(linker="py"),
    "vm_nogc": Mode(linker="vm_nogc"),
    "cvm_nogc": Mode(linker="cvm_nogc"),
    "c|py": Mode(linker="c|py", optimizer="fast_run"),
}


def run_threads(work, n: int = N_THREADS) -> list:
    """Run ``work(thread_index)`` in ``n`` threads started together.

    Returns the exceptions raised (empty when every thread finished).
    """
    barrier = threading.Barrier(n)
    errors: list = []

    def target(t):
        try:
            barrier.wait()
            work(t)
        except BaseException as e:  # noqa: BLE001 - reported by the test
            errors.append(e)

    threads = [threading.Thread(target=target, args=(t,)) for t in range(n)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    return errors


def _value_and_grads():
    x = at.dmatrix("x")
    y = at.dvector("y")
    s = at.exp(x * y).sum(axis=0)
    out = at.sin(s.sum() + at.dot(x, y).sum()) + s.mean()
    gx, gy = aesara.grad(out, [x, y])

    def inputs(rng):
        return [rng.normal(size=(60, 50)) * 0.1, rng.normal(size=50)]

    return [x, y], [out, gx, gy], inputs


def _indexing():
    x = at.dmatrix("x")
    i = at.lvector("i")
    out = [x[i].sum(axis=1), x[1:, ::2] * 2.0, x[i[0]]]

    def inputs(rng):
        return [rng.normal(size=(30, 20)), rng.integers(0, 30, size=12)]

    return [x, i], out, inputs


def _set_subtensor():
    x = at.dmatrix("x")
    v = at.dvector("v")
    base = x * 2.0  # an intermediate: the in-place rewrite may overwrite it
    a = at.set_subtensor(base[0], v)
    b = at.inc_subtensor(a[:, 1], 3.0)
    out = [b, at.set_subtensor(base[1:3, :], 0.0).sum()]

    def inputs(rng):
        return [rng.normal(size=(40, 25)), rng.normal(size=25)]

    return [x, v], out, inputs


def _large_elemwise():
    x = at.dvector("x")
    y = at.dvector("y")
    out = [at.exp(x) * at.sin(y) + at.log1p(x * x) - at.tanh(y), x * y]

    def inputs(rng):
        # Big enough that the kernel releases the GIL (and uses threads).
        return [rng.normal(size=300_000), rng.normal(size=300_000)]

    return [x, y], out, inputs


def _reductions():
    x = at.dmatrix("x")
    out = [
        x.sum(axis=0),
        at.max(x, axis=1),
        (at.exp(x) * x).sum(),
        at.argmax(x, axis=0),
        x.mean(),
    ]

    def inputs(rng):
        return [rng.normal(size=(400, 300))]

    return [x], out, inputs


GRAPHS = {
    "value_and_grads": _value_and_grads,
    "indexing": _indexing,
    "set_subtensor": _set_subtensor,
    "large_elemwise": _large_elemwise,
    "reductions": _reductions,
}


@pytest.fixture(scope="module")
def compiled():
    """Per (graph, mode): the function, the cases and their expected values."""
    cache: dict = {}

    def get(graph: str, mode: str):
        key = (graph, mode)
        if key not in cache:
            ins, outs, make_inputs = GRAPHS[graph]()
            f = aesara.function(ins, outs, mode=MODES[mode])
            ref = aesara.function(ins, outs, mode=Mode(linker="py", optimizer=None))
            rng = np.random.default_rng(len(cache))
            cases = [make_inputs(rng) for _ in range(4)]
            expected = [ref(*[np.copy(a) for a in c]) for c in cases]
            cache[key] = (f, cases, expected)
        return cache[key]

    return get


@pytest.mark.parametrize("mode", list(MODES))
@pytest.mark.parametrize("graph", list(GRAPHS))
def test_concurrent_calls_agree_with_reference(compiled, graph, mode):
    f, cases, expected = compiled(graph, mode)
    snapshots = [[np.copy(a) for a in c] for c in cases]
    calls = 6 if graph in ("large_elemwise", "reductions") else 25
    mismatches: list = []

    def work(t):
        for it in range(calls):
            k = (t + it) % len(cases)
            got = f(*cases[k])
            for j, (g, e) in enumerate(zip(got, expected[k])):
                if not np.allclose(g, e, rtol=1e-10, atol=1e-12):
                    mismatches.append((t, it, k, j))

    errors = run_threads(work)
    assert errors == [], errors[:3]
    assert mismatches == [], mismatches[:10]
    # The callers' arrays are never written to.
    for c, snap in zip(cases, snapshots):
        for a, b in zip(c, snap):
            np.testing.assert_array_equal(a, b)
    assert len(f._workers) <= f._MAX_IDLE_WORKERS


@pytest.mark.parametrize("mode", ["FAST_RUN", "FAST_COMPILE"])
def test_results_returned_to_threads_are_not_overwritten(compiled, mode):
    """A result a thread holds is not reused as a buffer by later calls."""
    f, cases, expected = compiled("large_elemwise", mode)
    held: list = []
    lock = threading.Lock()

    def work(t):
        for it in range(4):
            k = (t + it) % len(cases)
            r = f(*cases[k])
            with lock:
                held.append((k, r))

    assert run_threads(work) == []
    for k, r in held:
        for g, e in zip(r, expected[k]):
            np.testing.assert_allclose(g, e, rtol=1e-10, atol=1e-12)


@pytest.mark.parametrize("mode", ["FAST_RUN", "FAST_COMPILE", "py"])
def test_concurrent_updates_are_never_lost(mode):
    n = 200_000  # big enough that the kernels release the GIL mid-call
    count = aesara.shared(np.int64(0), name="count")
    total = aesara.shared(np.zeros(n), name="total")
    x = at.dvector("x")
    # Two updates of one call: they must land together.
    f = aesara.function(
        [x],
        count * 1,
        updates=[(total, at.exp(total * 0.0) * total + x), (count, count + 1)],
        mode=MODES[mode],
    )
    calls = 20
    ones = np.ones(n)

    def work(t):
        for _ in range(calls):
            f(ones)

    assert run_threads(work) == []
    assert int(count.get_value()) == N_THREADS * calls
    np.testing.assert_array_equal(total.get_value(), np.full(n, N_THREADS * calls))


def test_updates_of_two_functions_on_one_shared_variable():
    """Different functions updating the same state exclude one another."""
    s = aesara.shared(np.float64(0.0), name="s")
    inc = aesara.function([], [], updates=[(s, s + 1.0)])
    dec = aesara.function([], [], updates=[(s, s - 0.5)])

    def work(t):
        for _ in range(150):
            (inc if t % 2 else dec)()

    assert run_threads(work) == []
    half = N_THREADS // 2
    assert s.get_value() == pytest.approx(half * 150 * 1.0 - half * 150 * 0.5)


@pytest.mark.parametrize("mode", ["FAST_RUN", "FAST_COMPILE"])
@pytest.mark.parametrize("reader_first", [True, False])
def test_readers_see_updates_whole(mode, reader_first):
    """A reader of updated state never sees one call's updates half applied."""
    n = 100_000
    a = aesara.shared(np.zeros(n), name="a")
    b = aesara.shared(np.zeros(n), name="b")

    def make_reader():
        return aesara.function([], [a - b, a.sum()], mode=MODES[mode])

    if reader_first:  # compiled before anything updates a and b
        reader = make_reader()
    step = aesara.function([], [], updates=[(a, a + 1.0), (b, b + 1.0)])
    if not reader_first:
        reader = make_reader()
    torn: list = []

    def work(t):
        for _ in range(15):
            if t % 2:
                step()
            else:
                diff, _ = reader()
                if np.any(diff != 0.0):
                    torn.append(diff)

    assert run_threads(work) == []
    assert torn == []
    np.testing.assert_array_equal(a.get_value(), np.full(n, 60.0))


def test_functions_not_touching_updated_state_take_no_lock():
    w = aesara.shared(np.ones(3), name="weights")
    other = aesara.shared(np.float64(0.0), name="other")
    x = at.dvector("x")
    predict = aesara.function([x], (w * x).sum() + other)
    assert predict._state_locks == ()
    assert aesara.function([x], x * 2.0)._state_locks == ()
    # Something now updates ``other``: the reader compiled earlier locks it.
    bump = aesara.function([], [], updates=[(other, other + 1.0)])
    assert len(bump._state_locks) == 1
    assert predict._state_locks == bump._state_locks
    # ``w`` stays lock-free for functions that read only it.
    assert aesara.function([x], (w * x).sum())._state_locks == ()


@pytest.mark.parametrize("mode", ["FAST_RUN", "FAST_COMPILE"])
def test_stateful_input_accumulates_across_threads(mode):
    """An explicit input with an update keeps one state for every caller."""
    acc = at.dscalar("acc")
    x = at.dscalar("x")
    f = aesara.function(
        [x, In(acc, value=0.0, update=acc + x)], acc + x, mode=MODES[mode]
    )

    def work(t):
        for _ in range(100):
            f(1.0)

    assert run_threads(work) == []
    assert f.value[acc] == pytest.approx(N_THREADS * 100)


def test_failed_call_releases_the_function():
    x = at.dvector("x")
    f = aesara.function([x], x * 2.0)
    with pytest.raises(TypeError):
        f("not a vector")
    with pytest.raises(TypeError):
        f(np.ones(3), np.ones(3))
    np.testing.assert_array_equal(f(np.ones(3)), np.full(3, 2.0))
    # Still the function's own storage: no worker was needed.
    assert f._workers == []

    def work(t):
        for it in range(20):
            if it % 5 == t % 5:
                with pytest.raises(TypeError):
                    f(np.ones((2, 2)))
            else:
                np.testing.assert_array_equal(f(np.full(4, t)), np.full(4, 2.0 * t))

    assert run_threads(work) == []


def test_reentrant_call_runs_on_a_worker():
    """A call made while the same function runs (same thread) is answered."""
    from aesara.compile.ops import as_op

    x = at.dvector("x")
    inner_results: list = []
    holder: dict = {}

    @as_op(itypes=[at.dvector], otypes=[at.dvector])
    def call_back(v):
        if v[0] > 0:
            # The function is running (this op is part of it): call it again.
            inner_results.append(holder["f"](v - 10.0))
        return v + 1.0

    f = aesara.function([x], call_back(x) * 2.0)
    holder["f"] = f
    out = f(np.array([5.0, 1.0]))
    np.testing.assert_array_equal(out, [12.0, 4.0])
    np.testing.assert_array_equal(inner_results[0], [-8.0, -16.0])
    assert len(f._workers) == 1


def test_settings_reach_workers():
    """Default values and trust_input set on the function apply to workers."""
    x = at.dvector("x")
    y = at.dscalar("y")
    f = aesara.function([x, In(y, value=1.0)], x * y)
    f._workers.append(f._make_worker())
    f.value[y] = 3.0
    assert f._workers == []  # stale workers dropped
    np.testing.assert_array_equal(f._call_contended((np.ones(2),), None), [3.0, 3.0])
    f.trust_input = True
    assert f._workers == []
    worker = f._make_worker()
    assert worker.trust_input


def test_concurrent_calls_with_keyword_arguments():
    x = at.dvector("x")
    y = at.dvector("y")
    f = aesara.function([x, y], [x + y, x * y])

    def work(t):
        for _ in range(30):
            a, b = np.full(5, float(t)), np.arange(5.0)
            s, p = f(y=b, x=a)
            np.testing.assert_array_equal(s, a + b)
            np.testing.assert_array_equal(p, a * b)

    assert run_threads(work) == []
