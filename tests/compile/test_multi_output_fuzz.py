"""Fuzz: functions with several outputs that share fused, in-place kernels.

Each random graph (:mod:`tests.compile.multi_output_graphs`) is compiled
once, with all its outputs (values, intermediates, gradients of a cost of
them, views of inputs, an output returned twice) in one function, in the
default mode (every FAST_RUN rewrite: fusion, in-place, BLAS; C backend), and
compared with the Python VM without rewrites. Each function is called twice
with different inputs: both results must be right, the first call's results
must survive the second call, and the caller's arrays must come back
untouched.

The second part runs random multi-output scalar ``Composite`` kernels as
``Elemwise`` ops under every legal ``inplace_pattern``, on 0-d, 1-d and 2-d
inputs in several memory layouts, against the non-in-place op on the Python
VM.

A failure prints the seed and the compiled function; rerun one graph with
``check_graph(seed)`` / ``check_composite(seed)``.
"""

from __future__ import annotations

import numpy as np
import pytest

import aesara
import aesara.scalar as aes
import aesara.tensor as at
from aesara.compile.mode import Mode
from aesara.graph.basic import ancestors
from aesara.graph.fg import FunctionGraph
from aesara.tensor.blas import _dot22
from aesara.tensor.elemwise import Elemwise
from aesara.tensor.rewriting.blas import local_dot22_to_ger
from aesara.tensor.var import TensorConstant
from tests.compile.multi_output_graphs import (
    lay_out,
    legal_inplace_patterns,
    random_composite,
    random_graph,
)

REFERENCE = Mode(linker="py", optimizer=None)

GRAPHS_PER_CHUNK = 25
DEFAULT_CHUNKS = 12  # 300 graphs
SLOW_CHUNKS = 100  # 10,000 graphs, other seeds
SLOW_CHUNK_SIZE = 100
SLOW_SEED_BASE = 1_000_000

COMPOSITES_PER_CHUNK = 5
DEFAULT_COMPOSITE_CHUNKS = 4  # 20 Composites
SLOW_COMPOSITE_CHUNKS = 50  # 2,000 Composites, other seeds
SLOW_COMPOSITE_CHUNK_SIZE = 40


def _tolerances(single: bool, scale: float) -> tuple[float, float]:
    """``(rtol, atol)`` for an output whose computation reaches ``scale``.

    ``single``: float32 values were rounded on the way (a rewrite that
    removes a rounding step, ``log(exp(x)) -> x``, changes the result at
    float32 precision even in a float64 output).
    """
    if single:
        return 1e-4, 1e-5 * scale
    return 1e-7, 1e-9 * scale


def mismatch(expected, got, scale: float, single: bool | None = None) -> str | None:
    """Why ``got`` differs from ``expected``, or None when they agree.

    ``scale`` is the largest magnitude met computing the value (errors of
    cancellation are relative to it); ``single`` whether float32 rounding
    took part (default: the output is float32).
    """
    expected = np.asarray(expected)
    got = np.asarray(got)
    if got.dtype != expected.dtype:
        return f"dtype {got.dtype}, expected {expected.dtype}"
    if got.shape != expected.shape:
        return f"shape {got.shape}, expected {expected.shape}"
    if expected.dtype.kind not in "fc":
        if np.array_equal(got, expected):
            return None
        return f"values differ:\nexpected={expected!r}\ngot={got!r}"
    if not np.array_equal(np.isnan(got), np.isnan(expected)):
        return f"NaN positions differ:\nexpected={expected!r}\ngot={got!r}"
    inf = np.isinf(expected) | np.isinf(got)
    if not np.array_equal(got[inf], expected[inf]):
        return f"inf positions differ:\nexpected={expected!r}\ngot={got!r}"
    if single is None:
        single = expected.dtype == np.float32
    rtol, atol = _tolerances(single, scale)
    fin = np.isfinite(expected)
    if np.allclose(got[fin], expected[fin], rtol=rtol, atol=atol):
        return None
    err = np.max(np.abs(got[fin] - expected[fin]))
    return (
        f"values differ (max abs error {err:.3g}, rtol={rtol}, atol={atol:.3g}):\n"
        f"expected={expected!r}\ngot={got!r}"
    )


def _scale(values) -> float:
    m = 1.0
    for v in values:
        v = np.asarray(v)
        if v.size and v.dtype.kind in "fiub":
            fin = v[np.isfinite(v)] if v.dtype.kind == "f" else v
            if fin.size:
                m = max(m, float(np.max(np.abs(fin.astype(np.float64)))))
    return m


def _same_array(a: np.ndarray, b: np.ndarray) -> bool:
    return (
        a.dtype == b.dtype
        and a.shape == b.shape
        and np.array_equal(a, b, equal_nan=a.dtype.kind == "f")
    )


def _report(seed, f, what: str, details: str, desc=None) -> str:
    text = aesara.printing.debugprint(f, file="str")
    kinds = f"\noutputs: {desc}" if desc else ""
    return f"seed {seed}: {what}: {details}{kinds}\ncompiled function:\n{text}"


# ---------------------------------------------------------------------------
# Part 1: random multi-output graphs
# ---------------------------------------------------------------------------


def _reference(g):
    """Reference values of the outputs and the scale of each, per call."""
    inter = []
    seen = set()
    for v in ancestors(g.outputs):
        if v.owner is not None and not isinstance(v, TensorConstant) and v not in seen:
            seen.add(v)
            inter.append(v)
    ref = aesara.function(
        g.inputs, list(g.outputs) + inter, mode=REFERENCE, on_unused_input="ignore"
    )
    results = []
    for vals in g.values:
        with np.errstate(all="ignore"):
            res = ref(*[v.copy() for v in vals])
        res = [np.array(r, copy=True) for r in res]
        known = dict(zip(inter, res[len(g.outputs) :]))
        known.update(zip(g.inputs, vals))
        outs = res[: len(g.outputs)]
        scales = []
        for o in g.outputs:
            anc = [v for v in ancestors([o]) if v in known]
            single = (
                any(
                    v.owner is not None and getattr(v.type, "dtype", "") == "float32"
                    for v in anc
                )
                or o.type.dtype == "float32"
            )
            scales.append((_scale(known[v] for v in anc), single))
        results.append((outs, scales))
    return results


def check_graph(seed: int) -> None:
    """Compile graph ``seed`` in the default mode and compare with the reference."""
    g = random_graph(seed)
    expected = _reference(g)
    # A rewrite that raises on a valid graph is a bug too (by default it
    # would be skipped with a warning).
    with aesara.config.change_flags(on_opt_error="raise"):
        f = aesara.function(g.inputs, g.outputs, on_unused_input="ignore")
    # Per call: the arrays the function returned, and copies taken at once.
    returned = []
    snapshots = []
    for call, vals in enumerate(g.values):
        passed = []
        owners = []
        pristine = []
        for v, layout in zip(vals, g.layouts):
            arr, owner = lay_out(v, layout)
            passed.append(arr)
            owners.append(owner)
            pristine.append(owner.copy())
        with np.errstate(all="ignore"):
            got = f(*passed)
        for k, (owner, before) in enumerate(zip(owners, pristine)):
            if not _same_array(owner, before):
                raise AssertionError(
                    _report(
                        seed,
                        f,
                        f"call {call} modified the caller's input {k}",
                        f"before={before!r}\nafter={owner!r}",
                        g.description,
                    )
                )
        outs, scales = expected[call]
        returned.append(got)
        snapshots.append([np.array(r, copy=True) for r in got])
        for k, (e, r, (s, single)) in enumerate(zip(outs, got, scales)):
            why = mismatch(e, r, s, single)
            if why is not None:
                raise AssertionError(
                    _report(
                        seed,
                        f,
                        f"call {call}, output {k} ({g.description[k]})",
                        why,
                        g.description,
                    )
                )
        if call == 1:
            # The first call's results must survive the second call.
            for k, (kept, then) in enumerate(zip(returned[0], snapshots[0])):
                if not _same_array(np.asarray(kept), then):
                    raise AssertionError(
                        _report(
                            seed,
                            f,
                            f"output {k} of call 0 changed by call 1",
                            f"was {then!r}\nnow {kept!r}",
                            g.description,
                        )
                    )


@pytest.mark.parametrize("chunk", range(DEFAULT_CHUNKS))
def test_random_multi_output_graphs(chunk):
    for seed in range(chunk * GRAPHS_PER_CHUNK, (chunk + 1) * GRAPHS_PER_CHUNK):
        check_graph(seed)


@pytest.mark.slow
@pytest.mark.parametrize("chunk", range(SLOW_CHUNKS))
def test_random_multi_output_graphs_slow(chunk):
    start = SLOW_SEED_BASE + chunk * SLOW_CHUNK_SIZE
    for seed in range(start, start + SLOW_CHUNK_SIZE):
        check_graph(seed)


# ---------------------------------------------------------------------------
# Part 2: multi-output Composite kernels under every legal inplace_pattern
# ---------------------------------------------------------------------------

# Memory layouts per rank, one list per call (see ``lay_out``).
_LAYOUTS = {
    0: ["c", "c", "c", "c"],
    1: ["c", "strided", "reversed", "strided"],
    2: ["c", "transposed", "strided", "f"],
}


def _composite_variants(n_in: int, rng) -> list[tuple[str, list[tuple], tuple]]:
    """The input sets to run: ``(name, static shape per input, run-time shape)``.

    Lengths above the kernel's block (256) take the gathering loop more than
    once; in the broadcast variant some inputs have a length-1 axis (never
    an in-place target).
    """
    variants = [
        ("0-d", [()] * n_in, ()),
        ("1-d", [(None,)] * n_in, (5,)),
        ("1-d long", [(None,)] * n_in, (601,)),
        ("2-d", [(None, None)] * n_in, (3, 4)),
        ("2-d long", [(None, None)] * n_in, (3, 300)),
    ]
    bcast = [bool(rng.random() < 0.4) for _ in range(n_in)]
    if any(bcast) and not all(bcast):
        statics = [
            ((1, None) if k % 2 else (None, 1)) if b else (None, None)
            for k, b in enumerate(bcast)
        ]
        variants.append(("2-d broadcast", statics, (3, 4)))
    return variants


def _composite_values(dtypes, statics, shape, rng) -> list[np.ndarray]:
    vals = []
    for dt, st in zip(dtypes, statics):
        s = tuple(1 if b == 1 else n for b, n in zip(st, shape))
        if dt.startswith("float"):
            v = rng.uniform(-2.0, 2.0, size=s)
        elif dt == "bool":
            v = rng.random(size=s) < 0.5
        else:
            v = rng.integers(-5, 6, size=s)
        vals.append(np.asarray(v, dtype=dt))
    return vals


class Stats:
    """How many compiled functions kept the requested in-place patterns."""

    functions = 0
    kept_pattern = 0


def check_composite(seed: int) -> int:
    """Run Composite ``seed`` under every legal inplace_pattern; return the count.

    One function per pattern holds an ``Elemwise`` of the Composite per input
    variant (0-d, 1-d, 2-d, long, broadcast inputs); it is called with the
    inputs contiguous, strided, reversed, transposed and Fortran-ordered, and
    with a random mix, and each result is compared with the Composite
    without in-place outputs on the Python VM.
    """
    rc = random_composite(seed)
    rng = np.random.default_rng(seed + 7)
    n_in = len(rc.in_dtypes)
    variants = _composite_variants(n_in, rng)
    # float32 rounding inside the kernel: C and NumPy may round differently.
    single = any(
        getattr(v.type, "dtype", "") == "float32" for v in rc.composite.fgraph.variables
    )
    xs = [
        [
            at.tensor(dtype=dt, shape=st, name=f"{name[:1]}{k}")
            for k, (dt, st) in enumerate(zip(rc.in_dtypes, statics))
        ]
        for name, statics, _ in variants
    ]
    flat_inputs = [x for group in xs for x in group]
    reference_outs = [o for group in xs for o in Elemwise(rc.composite)(*group)]
    reference = aesara.function(flat_inputs, reference_outs, mode=REFERENCE)
    not_bcast = [False] * n_in
    checked = 0
    for pattern in legal_inplace_patterns(rc.in_dtypes, rc.out_dtypes, not_bcast):
        outs = []
        patterns = []
        for (_name, statics, _), group in zip(variants, xs):
            # Keep the pairs whose input is not broadcast in this variant.
            p = {o: i for o, i in pattern.items() if all(b != 1 for b in statics[i])}
            patterns.append(p)
            outs += Elemwise(rc.composite, p)(*group)
        f = aesara.function(flat_inputs, outs, accept_inplace=True)
        Stats.functions += 1
        kept = [
            n.op.inplace_pattern
            for n in f.maker.fgraph.apply_nodes
            if isinstance(n.op, Elemwise) and n.op.scalar_op == rc.composite
        ]
        Stats.kept_pattern += sorted(map(str, kept)) == sorted(map(str, patterns))
        for call in range(len(_LAYOUTS[2]) + 1):
            vals = []
            passed = []
            for _name, statics, shape in variants:
                v = _composite_values(rc.in_dtypes, statics, shape, rng)
                vals += v
                layouts = _LAYOUTS[len(shape)]
                for x in v:
                    lay = (
                        layouts[call]
                        if call < len(layouts)
                        else str(rng.choice(layouts))
                    )
                    passed.append(lay_out(x, lay)[0])
            with np.errstate(all="ignore"):
                expected = [
                    np.array(r, copy=True) for r in reference(*[v.copy() for v in vals])
                ]
                got = f(*passed)
            n_out = len(rc.out_dtypes)
            for k, (e, r) in enumerate(zip(expected, got)):
                vi = k // n_out
                group = vals[vi * n_in : (vi + 1) * n_in]
                why = mismatch(e, r, _scale(group + [e]), single)
                if why is not None:
                    name = variants[vi][0]
                    raise AssertionError(
                        _report(
                            seed,
                            f,
                            f"{name} inputs {rc.in_dtypes} (call {call}), "
                            f"inplace_pattern={patterns[vi]}, output {k % n_out}",
                            f"{why}\ninputs={group!r}",
                        )
                    )
                checked += 1
    return checked + check_aliased_inputs(rc, rng, single)


def check_aliased_inputs(rc, rng, single: bool) -> int:
    """In-place Composite kernels given one array for two inputs.

    The function must give the results of two separate arrays although
    it writes one of them in place: the same array, a reversed view of it
    and (2-d) its transpose, for the input the pattern destroys.
    """
    n_in = len(rc.in_dtypes)
    checked = 0
    pairs = [
        (i, j)
        for i in range(n_in)
        for j in range(n_in)
        if i != j and rc.in_dtypes[i] == rc.in_dtypes[j]
    ]
    for i, j in pairs:
        outs_at = [o for o, dt in enumerate(rc.out_dtypes) if dt == rc.in_dtypes[i]]
        if not outs_at:
            continue
        pattern = {outs_at[int(rng.integers(len(outs_at)))]: i}
        for ndim, shape in ((1, (7,)), (2, (4, 4))):
            xs = [
                at.tensor(dtype=dt, shape=(None,) * ndim, name=f"x{k}")
                for k, dt in enumerate(rc.in_dtypes)
            ]
            f = aesara.function(
                xs, Elemwise(rc.composite, pattern)(*xs), accept_inplace=True
            )
            ref = aesara.function(xs, Elemwise(rc.composite)(*xs), mode=REFERENCE)
            views = ["same", "reversed"] + (["transposed"] if ndim == 2 else [])
            for view in views:
                vals = _composite_values(
                    rc.in_dtypes, [(None,) * ndim] * n_in, shape, rng
                )
                shared = vals[i]
                if view == "same":
                    vals[j] = shared.copy()
                    passed = list(vals)
                    passed[j] = passed[i] = shared.copy()
                elif view == "reversed":
                    vals[j] = shared[::-1].copy()
                    passed = list(vals)
                    passed[i] = shared.copy()
                    passed[j] = passed[i][::-1]
                else:
                    vals[j] = shared.T.copy()
                    passed = list(vals)
                    passed[i] = shared.copy()
                    passed[j] = passed[i].T
                passed = [p if k in (i, j) else p.copy() for k, p in enumerate(passed)]
                with np.errstate(all="ignore"):
                    expected = [
                        np.array(r, copy=True) for r in ref(*[v.copy() for v in vals])
                    ]
                    got = f(*passed)
                for k, (e, r) in enumerate(zip(expected, got)):
                    why = mismatch(e, r, _scale(vals + [e]), single)
                    if why is not None:
                        raise AssertionError(
                            _report(
                                rc.seed,
                                f,
                                f"inputs {i} and {j} given one array ({view}), "
                                f"inplace_pattern={pattern}, output {k}",
                                f"{why}\ninputs={vals!r}",
                            )
                        )
                    checked += 1
    return checked


def _check_composites(seeds) -> None:
    before = Stats.functions, Stats.kept_pattern
    for seed in seeds:
        check_composite(seed)
    functions = Stats.functions - before[0]
    kept = Stats.kept_pattern - before[1]
    # The kernels under test are the in-place ones: the rewrites must keep them.
    assert functions >= len(seeds)
    assert kept >= 0.9 * functions, (kept, functions)


@pytest.mark.parametrize("chunk", range(DEFAULT_COMPOSITE_CHUNKS))
def test_random_inplace_composites(chunk):
    start = chunk * COMPOSITES_PER_CHUNK
    _check_composites(range(start, start + COMPOSITES_PER_CHUNK))


@pytest.mark.slow
@pytest.mark.parametrize("chunk", range(SLOW_COMPOSITE_CHUNKS))
def test_random_inplace_composites_slow(chunk):
    start = SLOW_SEED_BASE + chunk * SLOW_COMPOSITE_CHUNK_SIZE
    _check_composites(range(start, start + SLOW_COMPOSITE_CHUNK_SIZE))


# ---------------------------------------------------------------------------
# Fixed regression cases (bugs these fuzzers found, and the one behind them)
# ---------------------------------------------------------------------------


def test_issue_21_fused_gradient_kernels():
    # A fused multi-output kernel computed ``cast(n)`` in the storage of ``a``
    # while a later output still read ``a`` (restrict pointers in the C
    # kernel): the gradients came out wrong.
    x = at.dmatrix("x")
    y = at.dvector("y")
    s = at.exp(x * y).sum(axis=0)
    out = at.sin(s.sum() + at.dot(x, y).sum()) + s.mean()
    gx, gy = aesara.grad(out, [x, y])
    f = aesara.function([x, y], [out, gx, gy])
    ref = aesara.function([x, y], [out, gx, gy], mode=REFERENCE)
    rng = np.random.default_rng(21)
    for shape in [(3, 4), (5, 300)]:
        xv = rng.normal(size=shape)
        yv = rng.normal(size=shape[1])
        for e, r in zip(ref(xv, yv), f(xv, yv)):
            np.testing.assert_allclose(r, e, rtol=1e-10, atol=1e-12)


def test_issue_21_inplace_composite_reads_input_after_store():
    # Output 0 is computed in the storage of ``a``, which output 1 still
    # reads: with restrict pointers GCC loaded ``a`` after the store in the
    # loop's scalar remainder (short rows), giving ``1/n + n``.
    a = aes.float64("a")
    n = aes.int64("n")
    c = aes.cast(n, "float64")
    comp = aes.Composite([a, n], [c, aes.true_div(1.0, c) + a])
    for shape in [(), (5,), (601,), (3, 4), (3, 300)]:
        static = (None,) * len(shape)
        x = at.tensor(dtype="float64", shape=static, name="x")
        k = at.tensor(dtype="int64", shape=static, name="k")
        f = aesara.function([x, k], Elemwise(comp, {0: 0})(x, k), accept_inplace=True)
        xv = np.linspace(1.0, 3.0, int(np.prod(shape))).reshape(shape)
        kv = np.arange(1, xv.size + 1).reshape(shape)
        cast_n, total = f(xv.copy(), kv)
        np.testing.assert_array_equal(cast_n, kv.astype(float))
        np.testing.assert_allclose(total, 1.0 / kv + xv, rtol=1e-15)


def test_dot_gradient_keeps_static_length_one():
    # Found by the graph fuzzer: Dot's gradient w.r.t. a (?, 1) matrix was
    # outer(gz, y) of static shape (?, ?), and the gradient of the
    # DimShuffle that had added the axis could not drop it again
    # ("cannot drop input axis 1").
    v = at.dvector("v")
    y = at.dvector("y")
    m = v.dimshuffle(0, "x")
    cost = at.dot(m, y).sum() + at.dot(y, m.T).sum()
    gv, gy = aesara.grad(cost, [v, y])
    assert gv.type.shape == (None,)
    f = aesara.function([v, y], [gv, gy])
    gv_val, gy_val = f(np.array([1.0, 2.0]), np.array([3.0]))
    np.testing.assert_allclose(gv_val, [6.0, 6.0])
    np.testing.assert_allclose(gy_val, [6.0])
    w = at.tensor(dtype="float64", shape=(1, 1), name="w")
    z = at.dmatrix("z")
    gw = aesara.grad(at.dot(w, z).sum() + at.dot(z, w).sum(), w)
    assert gw.type.shape == (1, 1)


def test_composite_output_of_some_inputs_has_the_broadcast_shape():
    # Found by the Composite fuzzer: on the Python backend an output of a
    # multi-output Composite that reads only a broadcast input kept that
    # input's shape ((3, 1) instead of (3, 4)).
    a = aes.float64("a")
    b = aes.float64("b")
    comp = aes.Composite([a, b], [a * 2.0, a + b])
    x = at.tensor(dtype="float64", shape=(None, 1), name="x")
    y = at.dmatrix("y")
    xv = np.arange(3.0).reshape(3, 1)
    yv = np.ones((3, 4))
    for mode in [REFERENCE, None]:
        f = aesara.function([x, y], Elemwise(comp)(x, y), mode=mode)
        twice, total = f(xv, yv)
        np.testing.assert_array_equal(twice, np.broadcast_to(2 * xv, (3, 4)))
        np.testing.assert_array_equal(total, xv + yv)
    one = aes.Composite([a, b], [aes.exp(a)])
    f = aesara.function([x, y], Elemwise(one)(x, y), mode=REFERENCE)
    np.testing.assert_allclose(f(xv, yv), np.broadcast_to(np.exp(xv), (3, 4)))


def test_dot22_to_ger_needs_vectors():
    # Found by the graph fuzzer (a rewrite error, skipped with a warning):
    # DimShuffle{0,x} of a (?, 1) matrix and DimShuffle{x,0} look like a
    # column and a row, but the operand is no vector to give to ger.
    col = at.tensor(dtype="float64", shape=(None, 1), name="col")
    row = at.tensor(dtype="float64", shape=(1,), name="row")
    out = _dot22(col.dimshuffle(0, "x"), row.dimshuffle("x", 0))
    fg = FunctionGraph([col, row], [out], clone=False)
    assert local_dot22_to_ger.transform(fg, out.owner) is None
    u = at.dvector("u")
    v = at.dvector("v")
    outer = _dot22(u.dimshuffle(0, "x"), v.dimshuffle("x", 0))
    fg = FunctionGraph([u, v], [outer], clone=False)
    assert local_dot22_to_ger.transform(fg, outer.owner) is not None


@pytest.mark.parametrize("case", ["product broadcast", "accumulator broadcast"])
def test_gemm_not_formed_from_a_broadcast_term(case):
    # Found by the graph fuzzer: ``z + dot(x, y)`` with ``dot(x, y)`` of
    # static shape (?, 1) broadcast by the addition became a gemm, which
    # computes the product at its own shape: a ValueError at run time, or a
    # rewrite error when the static shapes clashed. (A broadcast
    # accumulator is fine: gemm broadcasts ``z``.)
    x = at.dmatrix("x")
    y = at.dmatrix("y")
    col = at.tensor(dtype="float64", shape=(None, 1), name="col")
    row = at.tensor(dtype="float64", shape=(1, None), name="row")
    rng = np.random.default_rng(3)
    xv = rng.normal(size=(3, 4))
    yv = rng.normal(size=(4, 2))
    if case == "product broadcast":
        ins, out = [x, y, col], y[:3] + at.dot(x, col)
        vals = [xv, yv, yv[:, :1]]
        expected = yv[:3] + xv @ yv[:, :1]
    else:
        ins, out = [x, y, row], row + at.dot(x, y)
        vals = [xv, yv, yv[:1]]
        expected = yv[:1] + xv @ yv
    with aesara.config.change_flags(on_opt_error="raise", rewrite_cache=False):
        f = aesara.function(ins, out)
    np.testing.assert_allclose(f(*vals), expected, rtol=1e-12)
    assert f.maker.fgraph.outputs[0].type.shape[0] != 1


def test_switch_merge_keeps_the_switch_dtype():
    # Found by the graph fuzzer: ``f(switch(c, a, b), switch(c, a, b))`` ->
    # ``switch(c, f(a, a), f(b, b))`` applied ``f`` to the branches in their
    # own dtypes: an int8 branch squared in int8 (100 * 100 -> 16), a
    # float32 branch rounded to float32 where the graph computed in float64.
    x = at.bvector("x")
    y = at.dvector("y")
    s = at.switch(at.gt(x, 0), x, y)
    xv = np.array([100, -3], dtype="int8")
    yv = np.array([1.5, 2.5])
    with aesara.config.change_flags(rewrite_cache=False):
        f = aesara.function([x, y], s * s)
    np.testing.assert_array_equal(f(xv, yv), [10000.0, 6.25])
    a = at.fvector("a")
    s = at.switch(at.le(a, -0.61), a, y)
    av = np.array([-1.7, 0.3], dtype="float32")
    with aesara.config.change_flags(rewrite_cache=False):
        f = aesara.function([a, y], s * s)
    expected = np.where(av <= -0.61, av.astype("float64"), yv) ** 2
    np.testing.assert_allclose(f(av, yv), expected, rtol=1e-15)
