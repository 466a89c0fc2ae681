"""Build and load ``scan_runtime.c``: the loop of a ``Scan`` node in C.

The module gives one type, ``ScanLoop``: the thunk of a Scan node. It runs
the loop of :meth:`aesara.scan.op.ScanRunner.run` (same buffers, circular
indexing, nit_sot traces, shared states, while condition, chronological
order at the end, same errors) without Python per step: each step sets the
inner function's input cells to views of the sequence and buffer rows, runs
the inner function's C loop (its Python VM when it has none) and copies the
outputs into the buffers.

Like the other runtimes it is glue code (no numeric loops), compiled with
the light flags through the compile cache, or at install time
(:mod:`aesara.link.c.prebuilt`). The translator is in
:mod:`aesara.link.c.ops.scan`.
"""

from __future__ import annotations

import threading
from pathlib import Path
from types import ModuleType
from typing import Any

import numpy as np

__all__ = ["get_scan_runtime", "make_scan_loop", "scan_runtime_source"]

_SOURCE = Path(__file__).with_name("scan_runtime.c")
_lock = threading.Lock()
_module: ModuleType | None = None
_failed: dict[str, BaseException] = {}

# State kinds, as in scan_runtime.c.
_KINDS = {"mit_mot": 0, "state": 1, "nit_sot": 2}


def scan_runtime_source() -> str:
    """The C source of the Scan loop module."""
    return _SOURCE.read_text()


def get_scan_runtime() -> ModuleType:
    """The ``ScanLoop`` module, compiled once per machine and loaded once per process.

    Raises
    ------
    aesara.link.c.compiler.CompileError
        When the compiler cannot build it.
    """
    global _module
    if _module is not None:
        return _module
    from aesara.link.c.compiler import _cxx, compile_module

    with _lock:
        if _module is not None:
            return _module
        cxx = _cxx()
        if cxx in _failed:
            raise _failed[cxx]
        try:
            module = compile_module(scan_runtime_source(), "scan_runtime", light=True)
            for name, k in _KINDS.items():
                const = "SK_" + ("STATE" if name == "state" else name.upper())
                if getattr(module, const) != k:  # pragma: no cover
                    raise ImportError("scan_runtime.c state kinds out of sync")
        except Exception as e:
            _failed[cxx] = e
            raise
        _module = module
        return module


def _step_callable(runner: Any) -> Any:
    """What runs the inner function once: its C loop, else the runner's step
    (the VM, wrapped to count calls when the inner function is profiled)."""
    from aesara.link.c.linker import CVM, CStack

    fn = runner.fn
    vm = fn.vm
    if isinstance(vm, (CVM, CStack)) and not vm.time_thunks and not fn.profile:
        return vm._loop
    return runner.vm


def _static_shape(shape: tuple) -> tuple[int, ...]:
    return tuple(-1 if s is None else int(s) for s in shape)


def make_scan_loop(
    module: ModuleType,
    runner: Any,
    in_cells: list,
    out_cells: list,
    out_flags: list,
) -> Any:
    """A ``ScanLoop`` doing what ``runner.run`` does, on these outer cells.

    Parameters
    ----------
    module
        The module of :func:`get_scan_runtime`.
    runner
        The node's :class:`~aesara.scan.op.ScanRunner` (its layout and its
        inner function, whose cells the loop uses).
    in_cells, out_cells
        The node's input and output storage cells.
    out_flags
        The compute-map cells of the outputs (set to True after a run).
    """
    states = []
    for st in runner.states:
        states.append(
            (
                _KINDS[st.kind],
                st.outer_in,
                st.outer_out,
                tuple(st.in_taps),
                tuple(st.in_idx),
                tuple(st.out_taps),
                tuple(st.out_idx),
                int(st.mintap),
                np.dtype(st.dtype).num,
                _static_shape(st.static_shape),
                st.outer_out in runner.inplace_outs,
            )
        )
    from aesara.link.c.ops.random import copy_generator_c

    shared = tuple(
        (in_idx, out_idx, outer_in, outer_out, copy_generator_c if copied else None)
        for in_idx, out_idx, outer_in, outer_out, copied in zip(
            runner.shared_in_idx,
            runner.shared_out_idx,
            runner.shared_outer_in,
            runner.shared_outer_out,
            runner.shared_copied,
        )
    )
    non_seqs = tuple(zip(runner.non_seq_in_idx, runner.non_seq_outer_in))
    loop = module.ScanLoop(
        tuple(in_cells),
        tuple(out_cells),
        tuple(out_flags),
        tuple(runner.in_cells),
        tuple(runner.out_cells),
        _step_callable(runner),
        runner.name,
        runner.info.n_seqs,
        tuple(states),
        shared,
        non_seqs,
        runner.info.as_while,
        runner.op.allow_gc,
    )
    return loop
