"""Every op-database entry called from several threads at once.

For each entry and sample, the op's graph is compiled once per mode (the
default mode, i.e. ``FAST_RUN`` on the C backend, and ``FAST_COMPILE`` on the
Python VM). The expected values come from calling that function on one
thread; then ``N_THREADS`` threads, released together by a barrier, each call
the *same* compiled function several times, alternating between two samples
of the entry where one with the same input types exists. Every result of
every thread must match the single-threaded one (same tolerance rules as
``tests/test_op_db.py``), no call may raise, and the caller's input arrays
must come back unchanged (the threads share them, so an op that writes into
its input instead of a copy shows up here too).

The thread switch interval is shortened during the calls so that threads
interleave inside a call rather than one after the other.

The expected values are the function's own single-threaded results rather
than the entry's reference: agreement with the reference is
``tests/test_op_db.py``'s job, and comparing with the same function isolates
what threads change. Graphs that draw random numbers or update state have no
such fixed value and are skipped (the op database has none today); random
ops are covered by targeted tests below, with properties that hold under any
interleaving (no draw handed out twice or lost, caller's generators left
alone).

The default run takes one sample per entry (every entry, every family);
``-m slow`` runs every sample. The targeted tests at the end cover what the
op database does not reach: kernels large enough to release the GIL,
``OpFromGraph``'s shared inner function, random streams, the process-wide
warning filters (checked after every threaded run) and ``NominalVariable``'s
one-object-per-key promise.
"""

from __future__ import annotations

import sys
import threading
import warnings
import zlib

import numpy as np
import pytest

from tests.op_db import ALL_OPS, Sample, load_all
from tests.test_op_db import as_list, assert_matches_reference, compile_sample

load_all()

N_THREADS = 8
MODES = [
    pytest.param(None, id="default"),
    pytest.param("FAST_COMPILE", id="FAST_COMPILE"),
]


def _rng(name: str) -> np.random.Generator:
    # Same seeds as tests/test_op_db.py, so the samples are the same values.
    return np.random.default_rng(zlib.crc32(name.encode()))


def _signature(sample: Sample):
    """What the compiled function depends on: input dtypes and ranks (shapes
    when static), and the non-symbolic arguments."""
    values = [np.asarray(a) for a in sample.args]
    kinds = tuple(
        (str(v.dtype), v.shape if sample.static_shape else v.ndim) for v in values
    )
    return kinds, sample.static_shape, repr(sorted(sample.kwargs.items()))


def _partner(samples, i: int) -> Sample | None:
    """Another sample callable through the function compiled for ``samples[i]``
    (the next one after it with the same signature), or ``None``."""
    sig = _signature(samples[i])
    n = len(samples)
    for k in range(1, n):
        other = samples[(i + k) % n]
        if _signature(other) == sig:
            return other
    return None


def _size(sample: Sample) -> int:
    return sum(np.asarray(a).size for a in sample.args)


def _representative(samples) -> int:
    """Index of the sample the default run uses: one with a partner (so the
    alternation is exercised) and the most data (longer calls overlap more),
    the first such on ties."""
    best, best_key = 0, None
    for i, s in enumerate(samples):
        key = (_partner(samples, i) is not None, _size(s))
        if best_key is None or key > best_key:
            best, best_key = i, key
    return best


def _cases(full: bool):
    cases = []
    for name in sorted(ALL_OPS):
        info = ALL_OPS[name]
        samples = list(info.samples(_rng(name)))
        if not samples:
            continue
        picked = range(len(samples)) if full else [_representative(samples)]
        for i in picked:
            sample = samples[i]
            label = sample.name or str(i)
            cases.append(
                pytest.param(info, sample, _partner(samples, i), id=f"{name}-{label}")
            )
    return cases


DEFAULT_CASES = _cases(full=False)
ALL_CASES = _cases(full=True)


def _is_nondeterministic(fn) -> str | None:
    """Why ``fn``'s results may legitimately differ between calls, if they can:
    random draws, or any state carried from one call to the next."""
    from aesara.tensor.random.op import RandomVariable

    for node in fn.maker.fgraph.apply_nodes:
        if isinstance(node.op, RandomVariable):
            return f"draws random numbers ({node.op})"
    if any(spec.update is not None for spec in fn.maker.inputs):
        return "updates state between calls"
    return None


def _identical(results, expected) -> bool:
    """Whether ``results`` are bit for bit ``expected`` (the common case, and
    much cheaper to establish than the tolerance check)."""
    if len(results) != len(expected):
        return False
    for res, exp in zip(results, expected):
        res = np.asarray(res)
        if res.shape != exp.shape or res.dtype != exp.dtype:
            return False
        if res.dtype.hasobject or res.tobytes() != exp.tobytes():
            return False
    return True


def _frozen(values):
    return [np.array(v, copy=True) for v in values]


def _assert_unchanged(info, values, pristine):
    for k, (v, p) in enumerate(zip(values, pristine)):
        assert v.dtype == p.dtype and v.shape == p.shape, (
            f"{info.name}: input {k} changed type/shape during the threaded calls"
        )
        np.testing.assert_array_equal(
            v, p, err_msg=f"{info.name}: input {k} was modified by a call"
        )


def run_concurrently(
    fn, arg_sets, n_threads: int = N_THREADS, calls: int = 3, max_calls: int = 32
):
    """Call ``fn`` from ``n_threads`` threads started together; thread ``t``'s
    call ``c`` uses ``arg_sets[(t + c) % len(arg_sets)]``.

    Each thread makes at least ``calls`` calls, and keeps calling (up to
    ``max_calls``) until every thread has finished its first call: threads
    leave the barrier one after the other, and without this the first ones
    could be done before the last one starts.

    Returns ``(results, errors)``: ``results[t]`` is the list of
    ``(arg_set_index, outputs)`` of thread ``t``, ``errors`` the exceptions
    raised (with the thread that raised them).
    """
    barrier = threading.Barrier(n_threads)
    results = [[] for _ in range(n_threads)]
    errors = []
    first_done = [0]
    count_lock = threading.Lock()

    def work(t):
        try:
            barrier.wait()
            c = 0
            while c < calls or (first_done[0] < n_threads and c < max_calls):
                j = (t + c) % len(arg_sets)
                results[t].append((j, as_list(fn(*arg_sets[j]))))
                if c == 0:
                    with count_lock:
                        first_done[0] += 1
                c += 1
        except BaseException as exc:  # reported by the caller, with its thread
            errors.append((t, exc))
            with count_lock:
                first_done[0] = n_threads  # nobody waits for a failed thread

    old = sys.getswitchinterval()
    filters = list(warnings.filters)
    # Switch threads often, so that calls interleave inside the function.
    sys.setswitchinterval(1e-6)
    try:
        threads = [threading.Thread(target=work, args=(t,)) for t in range(n_threads)]
        for th in threads:
            th.start()
        for th in threads:
            th.join()
    finally:
        sys.setswitchinterval(old)
        changed = warnings.filters != filters
        warnings.filters[:] = filters
    # The warning filters are process-wide: a call that swaps them (e.g.
    # ``warnings.catch_warnings``) can leave another thread's filter behind.
    assert not changed, "concurrent calls changed the process's warning filters"
    return results, errors


def check_threaded(info, sample, partner, mode, calls: int):
    syms, values, outs, fn = compile_sample(info, sample, mode=mode)
    why = _is_nondeterministic(fn)
    if why is not None:
        pytest.skip(f"{info.name}: no deterministic expected value, the graph {why}")

    arg_sets = [values]
    if partner is not None:
        arg_sets.append([np.asarray(a) for a in partner.args])

    # Expected values: the same function, one thread, on copies of the inputs.
    expected = [
        [np.array(r, copy=True) for r in as_list(fn(*_frozen(args)))]
        for args in arg_sets
    ]
    pristine = [_frozen(args) for args in arg_sets]

    results, errors = run_concurrently(fn, arg_sets, calls=calls)

    if errors:
        t, exc = errors[0]
        raise AssertionError(
            f"{info.name}: {len(errors)} of {N_THREADS} threads raised; "
            f"thread {t}: {type(exc).__name__}: {exc}"
        ) from exc
    for t, per_thread in enumerate(results):
        assert len(per_thread) >= calls, f"thread {t} made {len(per_thread)} calls"
        for c, (j, got) in enumerate(per_thread):
            if _identical(got, expected[j]):
                continue
            try:
                assert_matches_reference(info, sample, got, expected[j])
            except AssertionError as exc:
                raise AssertionError(
                    f"thread {t}, call {c} (sample set {j}): {exc}"
                ) from None
    for args, saved in zip(arg_sets, pristine):
        _assert_unchanged(info, args, saved)


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("info, sample, partner", DEFAULT_CASES)
def test_concurrent_calls_match(info, sample, partner, mode):
    check_threaded(info, sample, partner, mode, calls=3)


@pytest.mark.slow
@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("info, sample, partner", ALL_CASES)
def test_concurrent_calls_match_every_sample(info, sample, partner, mode):
    check_threaded(info, sample, partner, mode, calls=4)


def test_default_run_covers_every_entry_and_module():
    names = {p.values[0].name for p in DEFAULT_CASES}
    with_samples = {n for n, i in ALL_OPS.items() if i.samples(_rng(n))}
    assert names == with_samples
    families = {p.values[0].family for p in DEFAULT_CASES}
    assert families == {i.family for i in ALL_OPS.values()}
    # Most entries alternate between two samples (the others have no second
    # sample with the same input types and arguments).
    paired = sum(p.values[2] is not None for p in DEFAULT_CASES)
    assert paired >= 0.5 * len(DEFAULT_CASES), (paired, len(DEFAULT_CASES))
    for p in DEFAULT_CASES:
        info, sample, partner = p.values
        if partner is not None:
            assert partner is not sample
            assert _signature(partner) == _signature(sample)


# -- targeted cases the op database does not reach -------------------------------


def _check_against_single_thread(fn, arg_sets, calls: int = 4):
    """``run_concurrently`` plus the checks of ``check_threaded``, for a
    hand-built function (exact float comparison up to the float64 rules)."""
    expected = [
        [np.array(r, copy=True) for r in as_list(fn(*_frozen(args)))]
        for args in arg_sets
    ]
    pristine = [_frozen(args) for args in arg_sets]
    results, errors = run_concurrently(fn, arg_sets, calls=calls)
    assert not errors, errors
    for t, per_thread in enumerate(results):
        assert len(per_thread) >= calls
        for j, got in per_thread:
            assert len(got) == len(expected[j])
            for k, (g, e) in enumerate(zip(got, expected[j])):
                if not _identical([g], [e]):
                    np.testing.assert_allclose(
                        g, e, rtol=1e-12, atol=1e-12, err_msg=f"thread {t} output {k}"
                    )
    for args, saved in zip(arg_sets, pristine):
        for v, p in zip(args, saved):
            np.testing.assert_array_equal(v, p)


@pytest.mark.parametrize("mode", MODES)
def test_large_kernels_that_release_the_gil(mode):
    """Kernels big enough to run without the GIL (BLAS products, cumulative
    sums, softmax, fills, indexing updates), where concurrent calls truly
    overlap; the op database's samples are too small to reach those paths."""
    import aesara
    import aesara.tensor as at
    from aesara.tensor.special import log_softmax, softmax

    a = at.dmatrix("a")
    b = at.dmatrix("b")
    v = at.dvector("v")
    i = at.lvector("i")
    n = a.shape[0]
    outs = [
        at.dot(a, b),  # gemm
        at.dot(a, v),  # gemv
        at.outer(v, v) + a,  # ger
        at.dot(v, v),  # dot
        at.cumsum(a, axis=0),
        at.cumprod(a * 1e-3 + 1.0, axis=1),
        softmax(a, axis=1),
        log_softmax(b, axis=0),
        at.alloc(v[0], n, n) + a,
        at.inc_subtensor(a[i], b[i]),
        at.set_subtensor(a[1:-1, ::3], b[1:-1, ::3] * 2.0),
        a[i].sum(axis=0),
    ]
    fn = aesara.function([a, b, v, i], outs, mode=mode)
    rng = np.random.default_rng(21)
    arg_sets = []
    for _ in range(2):
        m = 160  # 160 x 160 = 25,600 elements, above every no-GIL threshold
        arg_sets.append(
            [
                rng.normal(size=(m, m)),
                rng.normal(size=(m, m)),
                rng.normal(size=m),
                rng.integers(0, m, size=200),
            ]
        )
    _check_against_single_thread(fn, arg_sets)


@pytest.mark.parametrize("mode", MODES)
def test_op_from_graph_inner_function_shared_by_threads(mode):
    """An ``OpFromGraph`` runs one inner compiled function for every node and
    every call: concurrent outer calls share it (twice per call here)."""
    import aesara
    import aesara.tensor as at
    from aesara.compile.builders import OpFromGraph

    x = at.dvector("x")
    y = at.dvector("y")
    ofg = OpFromGraph([x, y], [at.exp(x) * y + 1.0, (x - y).sum()], inline=False)
    p = at.dvector("p")
    q = at.dvector("q")
    out1, s1 = ofg(p, q)
    out2, s2 = ofg(q, p)
    fn = aesara.function([p, q], [out1 * 2.0 + out2, s1 + s2 * 3.0], mode=mode)
    rng = np.random.default_rng(3)
    arg_sets = [[rng.normal(size=50), rng.normal(size=50)] for _ in range(2)]
    _check_against_single_thread(fn, arg_sets, calls=6)
    # And the inner function itself gave every call its own storage.
    inner = ofg.fn
    assert inner(np.ones(3), np.zeros(3))[1] == 3.0


def _draws(fn, n_threads: int, calls: int):
    """Every draw made by ``n_threads`` threads calling ``fn()`` ``calls``
    times each, as a list of arrays."""
    results, errors = run_concurrently(fn, [[]], n_threads=n_threads, calls=calls)
    assert not errors, errors
    return [out[0] for per_thread in results for _, out in per_thread]


def _as_sorted_rows(draws):
    return sorted(tuple(np.asarray(d).ravel().tolist()) for d in draws)


@pytest.mark.parametrize("mode", MODES)
def test_random_stream_draws_are_never_repeated_or_lost(mode):
    """Random ops have no fixed expected value: a function drawing from a
    shared generator (updated by each call) must still hand out, across
    threads, exactly the draws that as many sequential calls make (calls
    that update the generator are serialised), none twice."""
    import aesara
    from aesara.tensor.random.utils import RandomStream

    def make():
        srng = RandomStream(seed=1234)
        x = srng.normal(0.0, 1.0, size=(4,))
        u = srng.uniform(0.0, 1.0, size=(2, 3))
        return aesara.function([], [x + 0.0, u * 1.0], mode=mode), srng

    n_threads, calls = N_THREADS, 5
    fn, _ = make()
    results, errors = run_concurrently(fn, [[]], n_threads=n_threads, calls=calls)
    assert not errors, errors
    got = [out for per_thread in results for _, out in per_thread]
    assert len(got) >= n_threads * calls

    ref, _ = make()
    sequential = [ref() for _ in range(len(got))]
    for k in range(2):
        drawn = _as_sorted_rows(o[k] for o in got)
        assert drawn == _as_sorted_rows(o[k] for o in sequential)
        assert len(set(drawn)) == len(drawn), "a draw was handed out twice"
    # The generators advanced once per call: the next draws continue both.
    for a, b in zip(fn(), ref()):
        np.testing.assert_array_equal(a, b)


@pytest.mark.parametrize("mode", MODES)
def test_random_draws_without_updates_repeat_exactly(mode):
    """Without the generator update every call draws from the same state:
    all threads must get the single-threaded draw, and the shared generator
    must not move."""
    import aesara
    from aesara.tensor.random.utils import RandomStream

    srng = RandomStream(seed=99)
    x = srng.normal(0.0, 1.0, size=(5,))
    fn = aesara.function([], x * 2.0, mode=mode, no_default_updates=True)
    rng_var = srng.state_updates[0][0]
    state_before = rng_var.get_value(borrow=True).bit_generator.state
    first = np.array(fn(), copy=True)
    for draw in _draws(lambda: [fn()], N_THREADS, 4):
        np.testing.assert_array_equal(draw, first)
    assert rng_var.get_value(borrow=True).bit_generator.state == state_before


@pytest.mark.parametrize("mode", MODES)
def test_random_draws_from_generators_passed_by_each_thread(mode):
    """A generator given as an explicit input is the caller's: the draw
    depends only on it, and the caller's generator is left untouched."""
    import aesara
    import aesara.tensor as at
    from aesara.tensor.random.type import random_generator_type

    rng_in = random_generator_type("rng")
    x = at.random.normal(0.0, 1.0, size=(6,), rng=rng_in)
    fn = aesara.function([rng_in], x, mode=mode)
    seeds = [5, 6]
    arg_sets = [[np.random.default_rng(s)] for s in seeds]
    expected = [np.random.default_rng(s).normal(0.0, 1.0, size=6) for s in seeds]
    states = [args[0].bit_generator.state for args in arg_sets]
    results, errors = run_concurrently(fn, arg_sets, calls=4)
    assert not errors, errors
    for per_thread in results:
        for j, out in per_thread:
            np.testing.assert_array_equal(out[0], expected[j])
    assert [args[0].bit_generator.state for args in arg_sets] == states


def test_concurrent_calls_leave_warning_filters_alone():
    """Scalar inputs and scalar casts used to silence NumPy's warnings with
    ``warnings.catch_warnings``, which swaps the process-wide filter list:
    two threads inside it at once could leave an "ignore everything" filter
    installed for good. Both now use thread-local means (``run_concurrently``
    checks the filters)."""
    import aesara
    import aesara.scalar as aes

    s = aes.float64("s")
    # The input goes through ScalarType.filter, the cast through Cast.impl.
    fn = aesara.function(
        [s], [s * 2.0, aes.cast(s * 3.0, "int32")], mode="FAST_COMPILE"
    )
    for _ in range(3):
        results, errors = run_concurrently(fn, [[1.5], [2.5]], calls=200)
        assert not errors, errors
        for per_thread in results:
            for j, (doubled, tripled) in per_thread:
                assert doubled == 2.0 * (1.5 + j)
                assert tripled == int(3.0 * (1.5 + j))
                assert tripled.dtype == np.int32


def test_nominal_variable_is_unique_when_threads_race_to_create_it():
    """``NominalVariable(id, type)`` promises one object per ``(id, type)``
    (inner graphs rely on it); threads creating the same one at once used
    to get different objects."""
    import aesara.tensor as at
    from aesara.graph.basic import NominalVariable

    typ = at.dvector().type
    old = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)
    try:
        for trial in range(100):
            barrier = threading.Barrier(N_THREADS)
            got = [None] * N_THREADS

            def work(t, trial=trial, barrier=barrier, got=got):
                barrier.wait()
                got[t] = NominalVariable(("threads-test", trial), typ)

            threads = [
                threading.Thread(target=work, args=(t,)) for t in range(N_THREADS)
            ]
            for th in threads:
                th.start()
            for th in threads:
                th.join()
            assert all(g is got[0] for g in got), f"trial {trial}: distinct objects"
            assert got[0].id == ("threads-test", trial) and got[0].type == typ
    finally:
        sys.setswitchinterval(old)
