"""Time a cheap and a costly element-wise function (``2x + x*x`` and ``tanh(x)``).

``python -m aesara.misc.elemwise_time_test [-N N] [--script]`` prints the best
time of many calls of each; ``--script`` prints only the two numbers.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable
from typing import Any

import numpy as np

__all__ = ["ElemwiseOpTime", "evalTime", "main"]


def evalTime(f: Callable, v: Any, script: bool = False, loops: int = 1000) -> float:
    """The smallest time of ``loops`` calls ``f(v)``, in seconds."""
    best = float("inf")
    for _ in range(loops):
        t0 = time.perf_counter()
        f(v)
        best = min(best, time.perf_counter() - t0)
    if not script:
        print(f" run time in {loops} loops was {best:2.9f} sec")
    return best


def ElemwiseOpTime(
    N: int, script: bool = False, loops: int = 1000
) -> tuple[float, float]:
    """Best times of a cheap and a costly element-wise function on ``N`` values."""
    import aesara
    from aesara.configdefaults import config
    from aesara.tensor.math import tanh
    from aesara.tensor.type import vector

    x = vector("x")
    v = np.random.default_rng(1235).random(N).astype(config.floatX)
    cheap = aesara.function([x], 2 * x + x * x)
    costly = aesara.function([x], tanh(x))
    if not script:
        print("Fast op ", end="")
    cheap_time = evalTime(cheap, v, script=script, loops=loops)
    if not script:
        print("Slow op ", end="")
    costly_time = evalTime(costly, v, script=script, loops=loops)
    return cheap_time, costly_time


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m aesara.misc.elemwise_time_test")
    parser.add_argument("-N", type=int, default=1000, help="vector length")
    parser.add_argument("--loops", type=int, default=1000)
    parser.add_argument("--script", action="store_true", help="print only the times")
    args = parser.parse_args(argv)
    cheap, costly = ElemwiseOpTime(args.N, script=args.script, loops=args.loops)
    if args.script:
        print(f"{cheap:2.9f} {costly:2.9f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
