"""C translation of :class:`~aesara.scan.op.Scan`: the loop runs in C.

A Scan node becomes a ``ScanLoop`` of :mod:`aesara.link.c.scan_runtime`,
built from the node's :class:`~aesara.scan.op.ScanRunner` (its layout and its
compiled inner function). The inner function keeps whatever its own mode
gave it (C thunks and the C loop under the default mode); the ScanLoop only
replaces the Python loop around it. Without the runtime (no compiler) the
node keeps the Python loop of ``Scan.make_thunk``.

A loop whose inner graph is small arithmetic runs instead as one generated C
function (:mod:`aesara.link.c.scan_kernel`, ``config.scan__fused_kernel``),
with the ScanLoop as its fallback for the calls the kernel cannot take.
"""

from __future__ import annotations

import warnings

from aesara.link.c.registry import CPlan, register_c_translation
from aesara.scan.op import Scan

_warned = False


def _warn_once(node, error: BaseException) -> None:
    global _warned
    if not _warned:
        _warned = True
        warnings.warn(
            f"aesara: {node.op} runs its Python loop: the C loop refused the "
            f"node ({type(error).__name__}: {error})",
            RuntimeWarning,
            stacklevel=2,
        )


def _build():
    from aesara.link.c.scan_runtime import get_scan_runtime

    return get_scan_runtime()


def _fused(node, storage_map, compute_map, general):
    """The fused-kernel thunk of ``node``, or None where the kernel does not apply."""
    from aesara.configdefaults import config
    from aesara.link.c.compiler import CompileError
    from aesara.link.c.scan_kernel import (
        FusedScanRunner,
        NotFusable,
        fused_scan_kernel,
        load_scan_kernel,
    )

    if not config.scan__fused_kernel:
        return None
    op = node.op
    try:
        kernel = fused_scan_kernel(op, op.fn.maker.fgraph)
    except NotFusable:
        return None
    try:
        function = load_scan_kernel(kernel)
    except CompileError as e:
        # A generated kernel that does not compile is a bug: say so and
        # keep the general loop.
        warnings.warn(
            f"aesara: the fused C kernel of {node.op} did not compile; the node "
            f"runs the general C loop ({e})",
            RuntimeWarning,
            stacklevel=2,
        )
        return None
    in_cells = [storage_map[v] for v in node.inputs]
    out_cells = [storage_map[v] for v in node.outputs]
    flags = [compute_map[v] for v in node.outputs] if compute_map is not None else []
    fallback: list = []

    def run_general(inputs, output_storage):
        # The general loop reads and fills the same cells.
        if not fallback:
            fallback.append(general())
        fallback[0]()

    runner = FusedScanRunner(node, kernel, function, run_general)

    def thunk():
        runner.run([c[0] for c in in_cells], out_cells)
        for f in flags:
            f[0] = True

    thunk.lazy = False
    thunk.perform = op.perform
    thunk.runner = runner
    return thunk


def _make(module, node, storage_map, compute_map, no_recycling):
    def general():
        return _make_general(module, node, storage_map, compute_map, no_recycling)

    thunk = _fused(node, storage_map, compute_map, general)
    return thunk if thunk is not None else general()


def _make_general(module, node, storage_map, compute_map, no_recycling):
    from aesara.link.c.scan_runtime import make_scan_loop

    op = node.op
    runner = op.make_runner(node)
    in_cells = [storage_map[v] for v in node.inputs]
    out_cells = [storage_map[v] for v in node.outputs]
    out_flags = (
        [compute_map[v] for v in node.outputs] if compute_map is not None else []
    )
    try:
        thunk = make_scan_loop(module, runner, in_cells, out_cells, out_flags)
    except (TypeError, ValueError, OverflowError) as e:  # a layout it cannot run
        _warn_once(node, e)
        return op.make_thunk(node, storage_map, compute_map, no_recycling)
    thunk.lazy = False
    thunk.perform = op.perform
    thunk.runner = runner
    return thunk


@register_c_translation(Scan)
def scan_plan(node) -> CPlan | None:
    """A ``ScanLoop`` for Scan nodes (subclasses with a loop of their own keep it)."""
    if type(node.op) is not Scan:
        return None
    return CPlan(key=("scan_runtime",), build=_build, make=_make)
