"""``structured_dot`` of a large sparse matrix by a dense one, and its gradient.

A is a 10^5 x 10^4 csr matrix with 10^6 stored values, B a dense 10^4 x 64
matrix. Two workloads:

- forward: ``structured_dot(A, B)``; the SciPy reference is ``A @ B``
  (SciPy's compiled csr kernel, which Aesara's op calls too);
- gradient with respect to A's stored values, given the output gradient
  ``G`` (10^5 x 64): for each stored ``(i, j)``, ``G[i] . B[j]``, returned as
  a csr matrix with A's pattern. SciPy has no kernel for this sampled
  product; the reference is the NumPy way of computing it in bounded memory
  (rows gathered and multiplied in chunks, ``np.einsum``), which is also
  Aesara's fallback when no C compiler works.

Aesara's and PyTensor's gradient functions are built with ``known_grads``
(the gradient of A given the output gradient), so neither computes the
forward product. The implementations are timed in interleaved rounds and the
medians over rounds are reported, as ratios to the SciPy/NumPy figure. Run::

    python benchmarks/bench_sparse.py [rounds]
"""

from __future__ import annotations

import os
import sys
import time

import numpy as np
import scipy.sparse

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from benchmarks._results import record  # noqa: E402

N_ROWS, N_COLS, NNZ, K = 100_000, 10_000, 1_000_000, 64
WORKLOADS = {
    "forward": "8 sparse structured_dot 1e5x1e4 nnz1e6 @ 1e4x64",
    "grad": "8 sparse structured_dot grad wrt A data",
}
# See bench_dot_grad.py: a pause lets another library's threads go idle.
SETTLE_S = 0.2


def make_inputs(seed: int = 0):
    """A (csr, exactly ``NNZ`` distinct stored values), B and G."""
    rng = np.random.default_rng(seed)
    flat = rng.choice(N_ROWS * N_COLS, size=NNZ, replace=False)
    rows, cols = np.divmod(flat, N_COLS)
    A = scipy.sparse.csr_matrix(
        (rng.normal(size=NNZ), (rows, cols)), shape=(N_ROWS, N_COLS)
    )
    B = rng.normal(size=(N_COLS, K))
    G = rng.normal(size=(N_ROWS, K))
    return A, B, G


def numpy_grad(A, B, G, chunk: int = 1 << 14):
    """The stored-value gradient with NumPy: gathered rows, in chunks."""
    rows = np.repeat(np.arange(A.shape[0]), np.diff(A.indptr))
    data = np.empty(A.nnz)
    for lo in range(0, A.nnz, chunk):
        hi = min(lo + chunk, A.nnz)
        data[lo:hi] = np.einsum("ij,ij->i", G[rows[lo:hi]], B[A.indices[lo:hi]])
    return scipy.sparse.csr_matrix((data, A.indices, A.indptr), shape=A.shape)


def aesara_fns():
    import aesara
    import aesara.sparse as sp
    import aesara.tensor as at

    a = sp.csr_matrix("a", dtype="float64")
    b = at.dmatrix("b")
    g = at.dmatrix("g")
    out = sp.structured_dot(a, b)
    fwd = aesara.function([a, b], out)
    grad = aesara.function([a, b, g], aesara.grad(None, a, known_grads={out: g}))
    return fwd, grad


def pytensor_fns():
    try:
        import pytensor
        import pytensor.sparse as ps
        import pytensor.tensor as pt
    except ImportError:
        return None
    a = ps.csr_matrix("a", dtype="float64")
    b = pt.dmatrix("b")
    g = pt.dmatrix("g")
    out = ps.structured_dot(a, b)
    fwd = pytensor.function([a, b], out)
    grad = pytensor.function([a, b, g], pytensor.grad(None, a, known_grads={out: g}))
    return fwd, grad


def interleaved_medians_ms(fns: dict, rounds: int, number: int = 3) -> dict:
    """Median time per call (ms) of each callable, timed in alternating rounds."""
    samples: dict = {k: [] for k in fns}
    for _ in range(rounds):
        for k, fn in fns.items():
            time.sleep(SETTLE_S)
            fn()
            t0 = time.perf_counter()
            for _ in range(number):
                fn()
            samples[k].append((time.perf_counter() - t0) / number * 1e3)
    return {k: float(np.median(v)) for k, v in samples.items()}


def main() -> None:
    rounds = int(sys.argv[1]) if len(sys.argv) > 1 else 7
    A, B, G = make_inputs()
    ref_fwd = A @ B
    ref_grad = numpy_grad(A, B, G)
    fwd = {"numpy": lambda: A @ B}
    grad = {"numpy": lambda: numpy_grad(A, B, G)}
    labels = {"numpy": "scipy / numpy", "aesara": "aesara", "pytensor": "pytensor"}
    made = {"aesara": aesara_fns(), "pytensor": pytensor_fns()}
    for impl, fns in made.items():
        if fns is None:
            continue
        f_fwd, f_grad = fns
        np.testing.assert_allclose(f_fwd(A, B), ref_fwd, rtol=1e-10, atol=1e-10)
        got = f_grad(A, B, G)
        assert got.format == "csr" and np.array_equal(got.indices, A.indices)
        np.testing.assert_allclose(got.data, ref_grad.data, rtol=1e-10, atol=1e-10)
        fwd[impl] = lambda f=f_fwd: f(A, B)
        grad[impl] = lambda f=f_grad: f(A, B, G)
    print(
        f"structured_dot: A {N_ROWS}x{N_COLS} csr, {NNZ} stored values; B {N_COLS}x{K};"
        f" medians of {rounds} rounds"
    )
    print(f"{'workload':<9} {'what':<14} {'ms/call':>9} {'x scipy':>8}")
    for kind, fns in (("forward", fwd), ("grad", grad)):
        times = interleaved_medians_ms(fns, rounds)
        t_ref = times["numpy"]
        for impl, t in times.items():
            print(f"{kind:<9} {labels[impl]:<14} {t:>9.2f} {t / t_ref:>8.2f}")
            record(WORKLOADS[kind], impl, "time per call", t, "ms")


if __name__ == "__main__":
    main()
