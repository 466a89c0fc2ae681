"""A simple profiler: call counts and times per function and per node."""

from __future__ import annotations

import sys
from typing import TextIO


class ProfileStats:
    """Timings collected by functions compiled with ``profile=True``.

    Attributes
    ----------
    fct_callcount, fct_call_time
        Number of calls and total time spent in the function.
    vm_call_time
        Time spent running the graph (excluding argument handling).
    apply_time, apply_callcount
        Per ``(fgraph, node)``: total time and number of runs.
    rewrite_time
        Time spent rewriting the graph at compilation.
    """

    def __init__(
        self, atexit_print: bool = False, message: str | None = None, **kwargs
    ):
        self.message = message or "aesara function"
        self.fct_callcount = 0
        self.fct_call_time = 0.0
        self.vm_call_time = 0.0
        self.rewrite_time = 0.0
        self.apply_time: dict = {}
        self.apply_callcount: dict = {}
        for k, v in kwargs.items():
            setattr(self, k, v)

    def summary(self, file: TextIO | None = None, n_apply_to_print: int = 15) -> None:
        """Print the function's and its nodes' timings (slowest nodes first)."""
        file = file or sys.stderr
        print(
            f"Function profiling\n==================\n  Message: {self.message}",
            file=file,
        )
        print(
            f"  Time in {self.fct_callcount} calls to Function.__call__: "
            f"{self.fct_call_time:.6e}s",
            file=file,
        )
        print(f"  Time in thunks / VM: {self.vm_call_time:.6e}s", file=file)
        print(f"  Rewriting time: {self.rewrite_time:.6e}s", file=file)
        items = sorted(self.apply_time.items(), key=lambda kv: -kv[1])
        if items:
            print("\n  <time> <calls> <apply>", file=file)
        for (_fg, node), t in items[:n_apply_to_print]:
            n = self.apply_callcount.get((_fg, node), 0)
            print(f"  {t:.3e}s {n:6d}  {node}", file=file)
        # Ops running an inner function of their own (Scan with profile=True)
        # report it after the outer one.
        seen = set()
        for _fg, node in self.apply_time:
            inner = getattr(node.op, "inner_profile", None)
            if inner is None or id(inner) in seen or inner is self:
                continue
            seen.add(id(inner))
            print(f"\n  Inner function of {node.op}:", file=file)
            inner.summary(file=file, n_apply_to_print=n_apply_to_print)
