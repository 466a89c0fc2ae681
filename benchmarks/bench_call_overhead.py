"""Per-call overhead of a compiled ``f(a, b) = a + b``.

Times float64 scalars and 10-element vectors, with default input checking
and with ``trust_input=True``, next to NumPy's ``a + b`` (and PyTensor's
compiled function when it is installed). The scalars are passed as 0-d
arrays (what Aesara computes), as Python floats and as NumPy scalars
(``np.float64``, what indexing an array gives). Run::

    python benchmarks/bench_call_overhead.py
"""

from __future__ import annotations

import os
import sys
import timeit

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from aesara.compile.function import function  # noqa: E402
from aesara.tensor.type import dscalar, dvector  # noqa: E402
from benchmarks._results import record  # noqa: E402


def best_time_us(fn, number: int = 20000, repeat: int = 7) -> float:
    """Best time of one call of ``fn`` in microseconds."""
    return min(timeit.repeat(fn, number=number, repeat=repeat)) / number * 1e6


def cases():
    """(label, variable constructor, arrays, Python values, NumPy scalars or None)."""
    scal = (np.array(1.5), np.array(2.5))  # 0-d arrays, as Aesara computes
    vec = (np.linspace(0, 1, 10), np.linspace(1, 2, 10))
    return [
        ("float64 scalars", dscalar, scal, (1.5, 2.5), (scal[0][()], scal[1][()])),
        ("float64 vectors (10)", dvector, vec, [list(vec[0]), list(vec[1])], None),
    ]


def pytensor_fn(kind: str):
    try:
        import pytensor
        import pytensor.tensor as pt
    except ImportError:
        return None
    make = pt.dscalar if kind == "scalar" else pt.dvector
    a, b = make("a"), make("b")
    return pytensor.function([a, b], a + b)


def time_call(fn, args) -> float:
    """Best time of ``fn(*args)`` in microseconds."""
    return best_time_us(lambda: fn(*args))


def main() -> None:
    rows = []
    for label, make, arrays, py_args, np_scalars in cases():
        a, b = make("a"), make("b")
        f = function([a, b], a + b)
        g = function([a, b], a + b)
        g.trust_input = True
        t_np = time_call(np.add, arrays)
        rows.append((label, "numpy a + b", t_np, t_np))
        rows.append((label, "aesara f(python values)", time_call(f, py_args), t_np))
        if np_scalars is not None:
            t = time_call(f, np_scalars)
            rows.append((label, "aesara f(numpy scalars)", t, t_np))
        rows.append((label, "aesara f(ndarrays)", time_call(f, arrays), t_np))
        rows.append((label, "aesara trust_input=True", time_call(g, arrays), t_np))
        pf = pytensor_fn("scalar" if make is dscalar else "vector")
        if pf is not None:
            rows.append((label, "pytensor f(ndarrays)", time_call(pf, arrays), t_np))
            if np_scalars is not None:
                t = time_call(pf, np_scalars)
                rows.append((label, "pytensor f(numpy scalars)", t, t_np))
            pf.trust_input = True
            rows.append(
                (label, "pytensor trust_input=True", time_call(pf, arrays), t_np)
            )
    w = max(len(r[1]) for r in rows)
    print(f"{'case':<22} {'what':<{w}} {'time (us)':>10} {'x numpy':>8}")
    print("-" * (22 + w + 22))
    for label, what, t, t_np in rows:
        print(f"{label:<22} {what:<{w}} {t:>10.2f} {t / t_np:>8.1f}")
        impl = RECORDED.get(what)
        if impl is not None:
            record(f"1 call overhead {label}", impl, "time per call", t, "us")


# Row labels -> implementation names of the summary (benchmarks/run_all.py).
RECORDED = {
    "numpy a + b": "numpy",
    "aesara f(ndarrays)": "aesara",
    "aesara trust_input=True": "aesara trust_input",
    "aesara f(python values)": "aesara python_values",
    "aesara f(numpy scalars)": "aesara numpy_scalars",
    "pytensor f(numpy scalars)": "pytensor numpy_scalars",
    "pytensor f(ndarrays)": "pytensor",
    "pytensor trust_input=True": "pytensor trust_input",
}


if __name__ == "__main__":
    main()
