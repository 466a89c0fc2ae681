"""Aesara's GPU transfer latency script, kept by name.

Aesara's script timed copies between host and GPU memory. aesara has no GPU
backend (the JAX backend moves data through JAX itself), so :func:`main`
raises ``NotImplementedError`` saying so. Importing the module does nothing.
"""

from __future__ import annotations

import sys
from typing import NoReturn

__all__ = ["main"]


def main() -> NoReturn:
    """Not available: aesara has no GPU device to transfer to."""
    raise NotImplementedError(
        "latence_gpu_transfert: aesara has no GPU backend, so there is no GPU "
        "transfer latency to measure"
    )


if __name__ == "__main__":
    try:
        main()
    except NotImplementedError as e:
        print(e, file=sys.stderr)
        sys.exit(1)
