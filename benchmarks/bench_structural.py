"""Per-call time of small graphs of structural ops (views, indexing, softmax).

Workloads: ``x.T.reshape((m * n,))[1:3] + 1`` on a 4x5 matrix (shape ops,
DimShuffle, Reshape, Subtensor and one element-wise add), ``softmax`` of a
100x100 matrix, ``cumsum(x[i:], axis=0)`` plus ``set_subtensor`` on a 10x10
matrix and ``log_softmax`` of a 1000x1000 matrix. Each is timed with
Aesara's default mode (C VM with C structural thunks), with the Python VM
(``Mode("py", "fast_run")``, every node through ``perform``) and with
PyTensor's default mode when installed, next to the NumPy expression. Run::

    python benchmarks/bench_structural.py
"""

from __future__ import annotations

import os
import statistics
import sys
import timeit

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from benchmarks._results import record  # noqa: E402


def median_us(fn, number: int = 2000, repeat: int = 7) -> float:
    """Median time of one call of ``fn`` in microseconds."""
    fn()
    times = timeit.repeat(fn, number=number, repeat=repeat)
    return statistics.median(times) / number * 1e6


def _np_softmax(x, axis=-1):
    e = np.exp(x - x.max(axis=axis, keepdims=True))
    return e / e.sum(axis=axis, keepdims=True)


def _np_log_softmax(x, axis=-1):
    s = x - x.max(axis=axis, keepdims=True)
    return s - np.log(np.exp(s).sum(axis=axis, keepdims=True))


def _np_cum_set(x, i):
    y = x.copy()
    y[1:, i] = 5.0
    return [np.cumsum(x[i:], axis=0), y]


def workloads():
    """(name, arrays, build(lib, special, *symbols), numpy function, calls per repeat)."""
    rng = np.random.default_rng(0)
    small = rng.random((4, 5))
    return [
        (
            "x.T.reshape(-1)[1:3] + 1, 4x5",
            [small],
            lambda lib, sp, x: x.T.reshape((x.shape[0] * x.shape[1],))[1:3] + 1,
            lambda x: x.T.reshape((-1,))[1:3] + 1,
            5000,
        ),
        (
            "softmax(x, axis=-1), 100x100",
            [rng.standard_normal((100, 100))],
            lambda lib, sp, x: sp.softmax(x, axis=-1),
            _np_softmax,
            1000,
        ),
        (
            "cumsum(x[i:]) + set_subtensor, 10x10",
            [rng.random((10, 10)), np.array(3, dtype="int64")],
            lambda lib, sp, x, i: [
                lib.cumsum(x[i:], axis=0),
                lib.set_subtensor(x[1:, i], 5.0),
            ],
            _np_cum_set,
            3000,
        ),
        (
            "log_softmax(x, axis=-1), 1000x1000",
            [rng.standard_normal((1000, 1000))],
            lambda lib, sp, x: sp.log_softmax(x, axis=-1),
            _np_log_softmax,
            20,
        ),
    ]


def _symbols(lib, arrays):
    return [lib.tensor(dtype=a.dtype.name, shape=(None,) * a.ndim) for a in arrays]


def _aesara(build, arrays, mode):
    import aesara
    import aesara.tensor as at
    from aesara.tensor import special

    xs = _symbols(at, arrays)
    return aesara.function(xs, build(at, special, *xs), mode=mode)


def _pytensor(build, arrays):
    try:
        import pytensor
        import pytensor.tensor as pt
        from pytensor.tensor import special
    except ImportError:
        return None
    xs = _symbols(pt, arrays)
    return pytensor.function(xs, build(pt, special, *xs))


def _same(a, b):
    a = a if isinstance(a, list) else [a]
    b = b if isinstance(b, list) else [b]
    for u, v in zip(a, b):
        np.testing.assert_allclose(np.asarray(u), np.asarray(v), rtol=1e-10)


def main() -> None:
    from aesara.compile.mode import Mode

    print(f"{'workload':<40} {'impl':<16} {'us/call':>10} {'x numpy':>8}")
    for name, arrays, build, np_fn, number in workloads():
        expected = np_fn(*arrays)
        t_np = median_us(lambda g=np_fn, a=arrays: g(*a), number=number)
        rows = [("numpy", t_np)]
        fns = [
            ("aesara", _aesara(build, arrays, None)),
            ("aesara py-vm", _aesara(build, arrays, Mode("py", "fast_run"))),
            ("pytensor", _pytensor(build, arrays)),
        ]
        for impl, f in fns:
            if f is None:
                continue
            _same(f(*arrays), expected)
            rows.append((impl, median_us(lambda f=f, a=arrays: f(*a), number=number)))
        for impl, t in rows:
            print(f"{name:<40} {impl:<16} {t:>10.2f} {t / t_np:>8.2f}")
            record(name, impl, "time per call", t, "us")


if __name__ == "__main__":
    main()
