"""Aesara's OpenMP element-wise speed-up script, kept by name.

Aesara's script timed ``elemwise_time_test`` with ``openmp=True`` and
``openmp=False`` and printed the speed-up. aesara's element-wise C kernels
do not use OpenMP (there is no such switch to compare), so :func:`runScript`
and :func:`main` raise ``NotImplementedError`` saying so; time element-wise
functions with :mod:`aesara.misc.elemwise_time_test` instead.
"""

from __future__ import annotations

import sys
from typing import NoReturn

__all__ = ["main", "runScript"]


def runScript(N: int) -> NoReturn:
    """Not available: aesara's element-wise kernels have no OpenMP mode."""
    raise NotImplementedError(
        "elemwise_openmp_speedup: aesara's element-wise C kernels do not use OpenMP, "
        "so there is no OpenMP speed-up to measure; use "
        "`python -m aesara.misc.elemwise_time_test` to time element-wise functions"
    )


def main(argv: list[str] | None = None) -> NoReturn:
    runScript(0)


if __name__ == "__main__":
    try:
        main()
    except NotImplementedError as e:
        print(e, file=sys.stderr)
        sys.exit(1)
