"""Time a ``Gemm`` through aesara, to check which BLAS it uses and how fast.

``python -m aesara.misc.check_blas [-q] [--M M --N N --K K --iter I --order C|F]``
prints the settings and the seconds per call of ``c = 0.4 * c + 0.8 * a @ b``
on shared ``M x N`` and ``N x K`` matrices. aesara's C backend calls the
BLAS that SciPy ships (``scipy.linalg.cython_blas``), so the result shows
that library's speed.
"""

from __future__ import annotations

import argparse
import os
import sys
import time

import numpy as np

__all__ = ["execute", "main"]


def execute(
    execute: bool = True,
    verbose: bool = True,
    M: int = 2000,
    N: int = 2000,
    K: int = 2000,
    iters: int = 10,
    order: str = "C",
) -> tuple[float, str]:
    """Compile ``c <- 0.4 c + 0.8 a @ b`` and time ``iters`` calls.

    Parameters
    ----------
    execute
        Run the timed calls (else only compile and call once).
    verbose
        Print the relevant flags and environment first.
    M, N, K
        The matrix sizes.
    iters
        How many timed calls.
    order
        Memory order of the matrices, ``"C"`` or ``"F"``.

    Returns
    -------
    tuple
        (total seconds of the timed calls, a description of the implementation).
    """
    import aesara
    from aesara.configdefaults import config
    from aesara.tensor.math import dot

    if order not in ("C", "F"):
        raise ValueError(f"check_blas.execute: order must be 'C' or 'F', got {order!r}")
    if verbose:
        print("Some aesara flags:")
        print("    blas__ldflags=", config.blas__ldflags)
        print("    compiledir=", config.compiledir)
        print("    floatX=", config.floatX)
        print("    linker=", config.linker)
        print("Some OS information:")
        print("    sys.platform=", sys.platform)
        print("    sys.version=", sys.version)
        for var in ("OMP_NUM_THREADS", "MKL_NUM_THREADS", "OPENBLAS_NUM_THREADS"):
            print(f"    {var}=", os.getenv(var))
        print("NumPy version:", np.__version__)
    dtype = config.floatX
    a = aesara.shared(np.ones((M, N), dtype=dtype, order=order))
    b = aesara.shared(np.ones((N, K), dtype=dtype, order=order))
    c = aesara.shared(np.ones((M, K), dtype=dtype, order=order))
    f = aesara.function([], updates=[(c, 0.4 * c + 0.8 * dot(a, b))])
    ops = [type(n.op).__name__ for n in f.maker.fgraph.toposort()]
    if "Gemm" in ops:
        impl = f"Gemm through the {config.linker} linker (SciPy's BLAS)"
    else:
        impl = f"no Gemm in the compiled graph: {ops}"
    f()  # the first call allocates; not timed
    elapsed = 0.0
    if execute:
        t0 = time.perf_counter()
        for _ in range(iters):
            f()
        elapsed = time.perf_counter() - t0
    return elapsed, impl


def main(argv: list[str] | None = None) -> int:
    """Command line: run :func:`execute` and print the time per call."""
    parser = argparse.ArgumentParser(prog="python -m aesara.misc.check_blas")
    parser.add_argument("-q", "--quiet", action="store_true")
    parser.add_argument("--M", type=int, default=2000)
    parser.add_argument("--N", type=int, default=2000)
    parser.add_argument("--K", type=int, default=2000)
    parser.add_argument("--iter", type=int, default=10)
    parser.add_argument("--order", default="C", choices=["C", "F"])
    args = parser.parse_args(argv)
    t, impl = execute(
        verbose=not args.quiet,
        M=args.M,
        N=args.N,
        K=args.K,
        iters=args.iter,
        order=args.order,
    )
    print(f"Used: {impl}")
    print(
        f"Executed {args.iter} calls of gemm in {t:.4f}s ({t / max(args.iter, 1):.6f}s each)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
