"""Profiles of compiled functions: where the time and the memory go.

A :class:`ProfileStats` is attached to a function compiled with
``profile=True`` (or with the ``profile`` config flag). The function fills
it while it is compiled (rewrite and link times, the rewriter's own profile
when ``profile_optimizer`` is set) and on every call (total call time, time
in the VM, and per node: time, number of runs, which implementation ran and,
with ``profile_memory``, the shapes of the values it produced).

:meth:`ProfileStats.summary` prints it in sections: the function, the node
classes, the ops, the apply nodes, the memory profile and the rewriter
profile. With ``config.profile`` every profile is also printed when the
interpreter exits.

Nothing here runs when profiling is off: the function and VM only consult a
profile they were given.
"""

from __future__ import annotations

import atexit
import contextlib
import sys
import time
from collections.abc import Callable, Iterator
from typing import Any, TextIO

__all__ = [
    "ProfileStats",
    "extended_open",
    "print_global_stats",
    "register_profiler_printer",
]

# Process-wide totals, reported by ``print_global_stats``.
aesara_imported_time: float = time.perf_counter()
total_fct_exec_time: float = 0.0
total_graph_rewrite_time: float = 0.0
total_time_linker: float = 0.0

_atexit_print_list: list[ProfileStats] = []
_atexit_registered: bool = False
_profiler_printers: list[Callable] = []


def _config():
    from aesara.configdefaults import config

    return config


@contextlib.contextmanager
def extended_open(filename: str, mode: str = "r") -> Iterator[TextIO]:
    """Open ``filename``; ``"<stdout>"`` and ``"<stderr>"`` name the standard streams."""
    if filename == "<stdout>":
        yield sys.stdout
    elif filename == "<stderr>":
        yield sys.stderr
    else:
        with open(filename, mode=mode) as f:
            yield f


def _destination() -> str:
    dest = _config().profiling__destination
    if dest in ("stderr", "stdout"):
        return f"<{dest}>"
    return dest


def register_profiler_printer(fct: Callable) -> Callable:
    """Register ``fct`` to print extra information after every summary.

    ``fct`` is called as ``fct(message, compile_time, fct_call_time,
    apply_time, apply_cimpl, output_size, file=file)``. Returns ``fct``, so
    it can be used as a decorator.
    """
    if not callable(fct):
        raise TypeError(f"register_profiler_printer expects a callable, got {fct!r}")
    _profiler_printers.append(fct)
    return fct


def print_global_stats(file: TextIO | None = None) -> None:
    """Print the process-wide times: since import, in functions, compiling."""
    with contextlib.ExitStack() as stack:
        if file is None:
            file = stack.enter_context(extended_open(_destination(), mode="a"))
        print("=" * 50, file=file)
        print(
            "Global stats: "
            f"Time elapsed since Aesara import = "
            f"{time.perf_counter() - aesara_imported_time:6.3f}s, "
            f"Time spent in Aesara functions = {total_fct_exec_time:6.3f}s, "
            "Time spent compiling Aesara functions: "
            f"rewriting = {total_graph_rewrite_time:6.3f}s, "
            f"linking = {total_time_linker:6.3f}s",
            file=file,
        )
        print("=" * 50, file=file)


def _atexit_print_fn() -> None:
    """Print the profiles registered for printing at exit (``config.profile``)."""
    config = _config()
    if config.profile:
        printed = []
        with extended_open(_destination(), mode="a") as file:
            for ps in sorted(
                _atexit_print_list,
                key=lambda p: p.compile_time + p.fct_call_time,
                reverse=True,
            ):
                if ps.fct_callcount >= 1 or ps.compile_time > 1:
                    ps.summary(
                        file=file,
                        n_ops_to_print=config.profiling__n_ops,
                        n_apply_to_print=config.profiling__n_apply,
                    )
                    if ps.show_sum:
                        printed.append(ps)
                else:
                    print(f"Skipping empty Profile ({ps.message})", file=file)
            if len(printed) > 1:
                total = ProfileStats.merged(
                    printed,
                    message=f"Sum of all({len(printed)}) printed profiles at exit.",
                )
                total.summary(
                    file=file,
                    n_ops_to_print=config.profiling__n_ops,
                    n_apply_to_print=config.profiling__n_apply,
                )
    if config.print_global_stats:
        print_global_stats()


def _register_atexit(ps: ProfileStats) -> None:
    global _atexit_registered
    _atexit_print_list.append(ps)
    if not _atexit_registered:
        atexit.register(_atexit_print_fn)
        _atexit_registered = True


def _class_name(cls: type) -> str:
    return f"{cls.__module__}.{cls.__qualname__}"


def _kb(nbytes: float) -> int:
    return int(round(nbytes / 1024.0))


class ProfileStats:
    """Times, call counts and memory use collected for compiled functions.

    Parameters
    ----------
    atexit_print
        Print this profile (:meth:`summary`) when the interpreter exits, if
        ``config.profile`` is set then.
    flag_time_thunks
        Time every node (default: ``config.profiling__time_thunks`` when it
        exists, else ``True``).
    **kwargs
        Initial values of attributes (``message=...``, ...).

    Attributes
    ----------
    message
        Names the profile in the summary (the function's name by default).
    compile_time
        Seconds spent compiling: rewriting plus linking.
    fct_call_time, fct_callcount
        Seconds spent in, and number of calls to, ``Function.__call__``.
    vm_call_time
        Seconds spent running the graph (``Function.vm.__call__``); a part of
        ``fct_call_time``.
    apply_time, apply_callcount
        Per ``(fgraph, node)``: seconds spent in the node's thunk and number
        of runs.
    apply_cimpl
        Per node: ``True`` when its thunk is compiled C code.
    variable_shape, variable_strides, variable_offset
        Per variable, the shape, strides (bytes) and offset of its last value
        (filled with ``config.profile_memory``).
    rewriting_time, linker_time, validate_time, import_time
        Compilation phases, in seconds.
    nb_nodes
        Number of apply nodes of the compiled graph.
    rewriter_profile
        ``(rewriter, profile)`` of the graph rewriting (with
        ``config.profile_optimizer``).
    """

    show_sum: bool = True
    compile_time: float = 0.0
    fct_call_time: float = 0.0
    fct_callcount: int = 0
    vm_call_time: float = 0.0
    message: str | None = None
    rewriting_time: float = 0.0
    validate_time: float = 0.0
    linker_time: float = 0.0
    import_time: float = 0.0
    linker_node_make_thunks: float = 0.0
    nb_nodes: int = -1
    rewriter_profile: Any = None
    # Explains per-node timing when it is not a plain "time around each
    # thunk" (set by the linker).
    timing_note: str | None = None

    def __init__(
        self,
        atexit_print: bool = True,
        flag_time_thunks: bool | None = None,
        **kwargs,
    ):
        self.apply_time: dict = {}
        self.apply_callcount: dict = {}
        self.apply_cimpl: dict = {}
        self.output_size: dict = {}
        self.variable_shape: dict = {}
        self.variable_strides: dict = {}
        self.variable_offset: dict = {}
        self.linker_make_thunk_time: dict = {}
        config = _config()
        if flag_time_thunks is None:
            flag_time_thunks = getattr(config, "profiling__time_thunks", True)
        self.flag_time_thunks = bool(flag_time_thunks)
        self.ignore_first_call = bool(config.profiling__ignore_first_call)
        self.__dict__.update(kwargs)
        if atexit_print:
            _register_atexit(self)

    # Names used by other Aesara versions and by older code of this project.
    @property
    def optimizer_time(self) -> float:
        """Alias of :attr:`rewriting_time`."""
        return self.rewriting_time

    @optimizer_time.setter
    def optimizer_time(self, value: float) -> None:
        self.rewriting_time = value

    rewrite_time = optimizer_time

    @property
    def optimizer_profile(self):
        """Alias of :attr:`rewriter_profile`."""
        return self.rewriter_profile

    @optimizer_profile.setter
    def optimizer_profile(self, value) -> None:
        self.rewriter_profile = value

    @property
    def line_width(self) -> int:
        """Maximum width of a summary line (``config.profiling__output_line_width``)."""
        return int(_config().profiling__output_line_width)

    def reset(self) -> None:
        """Forget the calls made so far (compilation times are kept)."""
        self.fct_call_time = 0.0
        self.fct_callcount = 0
        self.vm_call_time = 0.0
        self.apply_time = {}
        self.apply_callcount = {}

    @classmethod
    def merged(cls, profiles, message: str | None = None) -> ProfileStats:
        """A new profile holding the sums of ``profiles`` (not printed at exit)."""
        profiles = list(profiles)
        total = cls(atexit_print=False, message=message)
        for ps in profiles:
            for attr in (
                "compile_time",
                "fct_call_time",
                "fct_callcount",
                "vm_call_time",
                "rewriting_time",
                "linker_time",
                "validate_time",
                "import_time",
                "linker_node_make_thunks",
            ):
                setattr(total, attr, getattr(total, attr) + getattr(ps, attr))
            for attr in ("apply_time", "apply_callcount"):
                mine = getattr(total, attr)
                for key, val in getattr(ps, attr).items():
                    mine[key] = mine.get(key, 0) + val
            for attr in (
                "apply_cimpl",
                "variable_shape",
                "variable_strides",
                "variable_offset",
                "linker_make_thunk_time",
            ):
                getattr(total, attr).update(getattr(ps, attr))
        total.nb_nodes = sum(max(ps.nb_nodes, 0) for ps in profiles)
        return total

    # -- recording (called by compiled functions and VMs) --------------------------

    def add_node_time(self, fgraph, node, seconds: float, calls: int) -> None:
        """Add ``calls`` runs taking ``seconds`` in total to ``node`` of ``fgraph``."""
        key = (fgraph, node)
        self.apply_time[key] = self.apply_time.get(key, 0.0) + seconds
        self.apply_callcount[key] = self.apply_callcount.get(key, 0) + calls

    # -- aggregates ------------------------------------------------------------------

    def _group(self, source: dict, key: Callable, count_nodes: bool = False) -> dict:
        out: dict = {}
        for (_fg, node), val in source.items():
            k = key(node)
            out[k] = out.get(k, 0) + (1 if count_nodes else val)
        return out

    def class_time(self) -> dict:
        """Seconds spent per Op class."""
        return self._group(self.apply_time, lambda n: type(n.op))

    def class_callcount(self) -> dict:
        """Number of thunk runs per Op class."""
        return self._group(self.apply_callcount, lambda n: type(n.op))

    def class_nodes(self) -> dict:
        """Number of apply nodes per Op class."""
        return self._group(self.apply_callcount, lambda n: type(n.op), True)

    def class_impl(self) -> dict:
        """Per Op class: ``"C "``, ``"Py"`` or ``"C Py"`` (both were used)."""
        out: dict = {}
        for _fg, node in self.apply_callcount:
            impl = self._impl(node)
            cls = type(node.op)
            prev = out.get(cls)
            if prev is None:
                out[cls] = impl
            elif impl not in prev:
                out[cls] = prev + impl
        return out

    def op_time(self) -> dict:
        """Seconds spent per Op."""
        return self._group(self.apply_time, lambda n: n.op)

    def op_callcount(self) -> dict:
        """Number of thunk runs per Op."""
        return self._group(self.apply_callcount, lambda n: n.op)

    def op_nodes(self) -> dict:
        """Number of apply nodes per Op."""
        return self._group(self.apply_callcount, lambda n: n.op, True)

    def op_impl(self) -> dict:
        """Per Op: ``"C "`` or ``"Py"``, the implementation its nodes ran."""
        return {node.op: self._impl(node) for _fg, node in self.apply_callcount}

    def _impl(self, node) -> str:
        return "C " if self.apply_cimpl.get(node) else "Py"

    def fill_node_total_time(self, fgraph, node, total_times: dict) -> None:
        """Set ``total_times[node]``: its time plus that of every node it depends on."""
        # Iterative (deep graphs would overflow the recursion limit).
        stack = [node]
        while stack:
            n = stack[-1]
            if n in total_times:
                stack.pop()
                continue
            parents = [
                i.owner
                for i in n.inputs
                if i.owner is not None and (fgraph, i.owner) in self.apply_time
            ]
            todo = [p for p in parents if p not in total_times]
            if todo:
                stack.extend(todo)
                continue
            stack.pop()
            total_times[n] = self.apply_time.get((fgraph, n), 0.0) + sum(
                total_times[p] for p in set(parents)
            )

    def compute_total_times(self) -> dict:
        """Per node: its time plus the time of the nodes it depends on."""
        out: dict = {}
        for fgraph, node in self.apply_time:
            if node not in out:
                self.fill_node_total_time(fgraph, node, out)
        return out

    # -- printing ----------------------------------------------------------------------

    def summary_function(self, file: TextIO) -> None:
        """Print the call and compilation times of the function."""
        print("Function profiling", file=file)
        print("==================", file=file)
        print(f"  Message: {self.message}", file=file)
        print(
            f"  Time in {self.fct_callcount} calls to Function.__call__: "
            f"{self.fct_call_time:e}s",
            file=file,
        )
        if self.fct_call_time > 0:
            print(
                f"  Time in Function.vm.__call__: {self.vm_call_time}s "
                f"({100 * self.vm_call_time / self.fct_call_time:.3f}%)",
                file=file,
            )
            local_time = sum(self.apply_time.values())
            if local_time > 0:
                print(
                    f"  Time in thunks: {local_time}s "
                    f"({100 * local_time / self.fct_call_time:.3f}%)",
                    file=file,
                )
        if self.timing_note:
            print(f"  Note: {self.timing_note}", file=file)
        print(f"  Total compilation time: {self.compile_time:e}s", file=file)
        print(f"    Number of Apply nodes: {int(self.nb_nodes)}", file=file)
        print(f"    Aesara rewrite time: {self.rewriting_time:e}s", file=file)
        print(f"       Aesara validate time: {self.validate_time:e}s", file=file)
        print(
            "    Aesara Linker time (includes C code generation/compiling): "
            f"{self.linker_time}s",
            file=file,
        )
        print(f"       Import time {self.import_time:e}s", file=file)
        print(
            f"       Node make_thunk time {self.linker_node_make_thunks:e}s", file=file
        )
        slowest = sorted(
            self.linker_make_thunk_time.items(), key=lambda kv: kv[1], reverse=True
        )
        for node, t in slowest[:5]:
            print(f"           Node {node} time {t:e}s", file=file)
        print("", file=file)

    def summary_globals(self, file: TextIO) -> None:
        """Print process-wide times (gradient construction, time since import)."""
        import aesara.gradient

        grad_time = getattr(aesara.gradient, "grad_time", None)
        if grad_time is not None:
            print(f"Time in all call to aesara.grad() {grad_time:e}s", file=file)
        print(
            f"Time since aesara import {time.perf_counter() - aesara_imported_time:.3f}s",
            file=file,
        )

    def _no_time(self, file: TextIO, section: str) -> bool:
        if sum(self.apply_time.values()) > 0:
            return False
        print(
            f"ProfileStats.{section}: total time 0 (did you forget to enable counters?)",
            file=file,
        )
        return True

    def _grouped_section(
        self,
        file: TextIO,
        title: str,
        underline: str,
        times: dict,
        calls: dict,
        applies: dict,
        impls: dict,
        name: Callable[[Any], str],
        kind: str,
        N: int | None,
    ) -> None:
        local_time = sum(self.apply_time.values())
        rows = sorted(
            (
                (
                    100 * t / local_time,
                    t,
                    key,
                    impls.get(key, "  "),
                    calls.get(key, 0),
                    applies.get(key, 0),
                )
                for key, t in times.items()
            ),
            key=lambda r: (r[1], r[4], r[5]),
            reverse=True,
        )
        if N is None:
            N = len(rows)
        heads = [
            "<% time>",
            "<sum %>",
            "<apply time>",
            "<time per call>",
            "<type>",
            "<#call>",
            "<#apply>",
        ]
        maxlen = max(self.line_width - sum(len(h) + 1 for h in heads), 0)
        print(title, file=file)
        print(underline, file=file)
        print(" ".join([*heads, f"<{kind} name>"]), file=file)
        cum = 0.0
        for pct, t, key, impl, ncall, napply in rows[:N]:
            if ncall == 0:
                continue
            cum += t
            print(
                f"  {pct:4.1f}%   {100 * cum / local_time:5.1f}%  "
                f"   {t:7.3f}s       {t / ncall:8.2e}s     {impl:2s} "
                f"{ncall:6d}   {napply:4d}   {name(key)[:maxlen]}",
                file=file,
            )
        rest = rows[N:]
        print(
            f"   ... (remaining {len(rest)} {kind}es account for "
            f"{sum(r[0] for r in rest):6.2f}%({sum(r[1] for r in rest):.2f}s) of the "
            "runtime)"
            if kind == "Class"
            else f"   ... (remaining {len(rest)} {kind}s account for "
            f"{sum(r[0] for r in rest):6.2f}%({sum(r[1] for r in rest):.2f}s) of the "
            "runtime)",
            file=file,
        )
        print("", file=file)

    def summary_class(self, file: TextIO = sys.stderr, N: int | None = None) -> None:
        """Print the time per Op class, slowest first."""
        if self._no_time(file, "summary_class"):
            return
        self._grouped_section(
            file,
            "Class",
            "---",
            self.class_time(),
            self.class_callcount(),
            self.class_nodes(),
            self.class_impl(),
            _class_name,
            "Class",
            N,
        )

    def summary_ops(self, file: TextIO = sys.stderr, N: int | None = None) -> None:
        """Print the time per Op, slowest first."""
        if self._no_time(file, "summary_ops"):
            return
        self._grouped_section(
            file,
            "Ops",
            "---",
            self.op_time(),
            self.op_callcount(),
            self.op_nodes(),
            self.op_impl(),
            str,
            "Op",
            N,
        )

    def _shape_lines(self, node) -> list[str]:
        lines = []
        for label, variables in (("input", node.inputs), ("output", node.outputs)):
            for idx, var in enumerate(variables):
                sh = self.variable_shape.get(var, "no shape")
                st = self.variable_strides.get(var, "no strides")
                off = self.variable_offset.get(var, "")
                off = f", offset={off}" if off != "" else ""
                dtype = getattr(var.type, "dtype", "no dtype")
                lines.append(
                    f"    {label} {idx}: dtype={dtype}, shape={sh}, strides={st}{off}"
                )
        return lines

    def summary_nodes(self, file: TextIO = sys.stderr, N: int | None = None) -> None:
        """Print the time per apply node, slowest first.

        With ``config.profile_memory`` each node is followed by the dtype,
        shape and strides of its inputs and outputs.
        """
        if self._no_time(file, "summary_nodes"):
            return
        local_time = sum(self.apply_time.values())
        heads = [
            "<% time>",
            "<sum %>",
            "<apply time>",
            "<time per call>",
            "<#call>",
            "<id>",
        ]
        with_flops = bool(self.variable_shape)
        if with_flops:
            heads += ["<Mflops>", "<Gflops/s>"]
        maxlen = max(self.line_width - sum(len(h) + 1 for h in heads), 0)
        print("Apply", file=file)
        print("------", file=file)
        print(" ".join([*heads, "<Apply name>"]), file=file)
        positions: dict = {}
        rows = []
        for (fgraph, node), t in self.apply_time.items():
            if fgraph not in positions:
                positions[fgraph] = {
                    n: i for i, n in enumerate(_node_order(fgraph, self.apply_time))
                }
            rows.append(
                (
                    100 * t / local_time,
                    t,
                    node,
                    positions[fgraph].get(node, -1),
                    self.apply_callcount.get((fgraph, node), 0),
                )
            )
        rows.sort(key=lambda r: (r[1], r[3]), reverse=True)
        if N is None:
            N = len(rows)
        show_shapes = bool(_config().profile_memory)
        cum = 0.0
        for pct, t, node, idx, ncall in rows[:N]:
            cum += t
            if ncall == 0:
                continue
            flops = ""
            if with_flops:
                flops = " " * 19
                fl = self._flops(node)
                if fl is not None:
                    rate = fl / 1024.0**3 / t if t > 0 else 0.0
                    flops = f"{fl / 1024.0**2:8.1f} {rate:10.1f}"
            print(
                f"  {pct:4.1f}%   {100 * cum / local_time:5.1f}%  "
                f"   {t:7.3f}s       {t / ncall:8.2e}s  {ncall:4d}  {idx:3d} "
                f"{flops}{' ' if flops else ''}{str(node)[:maxlen]}",
                file=file,
            )
            if show_shapes:
                for line in self._shape_lines(node):
                    print(line, file=file)
        rest = rows[N:]
        print(
            f"   ... (remaining {len(rest)} Apply instances account for "
            f"{sum(r[0] for r in rest):.2f}%({sum(r[1] for r in rest):.2f}s) of the "
            "runtime)",
            file=file,
        )
        print("", file=file)

    def _flops(self, node) -> float | None:
        fn = getattr(node.op, "flops", None)
        if fn is None:
            return None
        try:
            return fn(
                [self.variable_shape[v] for v in node.inputs],
                [self.variable_shape[v] for v in node.outputs],
            )
        except Exception:  # a missing shape: no estimate for this node
            return None

    def _node_sizes(self) -> tuple[dict, dict, dict]:
        """Bytes of each node's outputs; shapes; total per node."""
        sizes: dict = {}
        shapes: dict = {}
        totals: dict = {}
        for fgraph, node in self.apply_callcount:
            per_out, per_shape = [], []
            dense = 0
            for out in node.outputs:
                sh = self.variable_shape.get(out)
                size = None
                if sh is not None:
                    try:
                        size = out.type.get_size(sh)
                    except Exception:  # types without a size (lists, scalars...)
                        size = None
                per_out.append(size)
                per_shape.append(sh)
                dense += size or 0
            sizes[(fgraph, node)] = per_out
            shapes[(fgraph, node)] = per_shape
            totals[(fgraph, node)] = dense
        return sizes, shapes, totals

    @staticmethod
    def _peak(order, fgraph, sizes: dict, gc: bool, inplace: bool) -> int:
        """Peak bytes held by node outputs when running ``order``.

        ``gc``: a value is freed after its last reader ran. ``inplace``:
        outputs declared as views or in-place (``view_map``/``destroy_map``)
        allocate nothing.
        """
        last_use: dict = {}
        for i, node in enumerate(order):
            for v in node.inputs:
                last_use[v] = i
        keep = set(fgraph.outputs)
        running = peak = 0
        held: dict = {}
        for i, node in enumerate(order):
            no_alloc: set = set()
            if inplace:
                no_alloc = set(getattr(node.op, "view_map", {}) or {}) | set(
                    getattr(node.op, "destroy_map", {}) or {}
                )
            for j, (out, size) in enumerate(
                zip(node.outputs, sizes.get((fgraph, node), []))
            ):
                if size and j not in no_alloc:
                    held[out] = size
                    running += size
            peak = max(peak, running)
            if gc:
                for v in {*node.inputs, *node.outputs}:
                    if v in held and v not in keep and last_use.get(v, -1) <= i:
                        running -= held.pop(v)
        return peak

    def summary_memory(self, file: TextIO, N: int | None = None) -> None:
        """Print peak memory estimates and the nodes producing the most bytes.

        Needs the shapes recorded with ``config.profile_memory``. Sparse and
        other sizeless values count as 0 bytes.
        """
        sizes, shapes, totals = self._node_sizes()
        fgraphs = {fg for fg, _ in self.apply_callcount}
        stats = {key: 0 for key in ("gc", "gc_noinplace", "nogc", "nogc_noinplace")}
        for fgraph in fgraphs:
            order = _node_order(fgraph, self.apply_callcount)
            for gc in (True, False):
                for inplace in (True, False):
                    key = ("gc" if gc else "nogc") + ("" if inplace else "_noinplace")
                    stats[key] = max(
                        stats[key], self._peak(order, fgraph, sizes, gc, inplace)
                    )
        if len(fgraphs) > 1:
            print(
                "Memory Profile (the max between all functions in that profile)",
                file=file,
            )
        else:
            print("Memory Profile", file=file)
        print("(Sparse variables are ignored)", file=file)
        print("---", file=file)
        print("    Max peak memory with current setting", file=file)
        print(f"        CPU: {_kb(stats['gc'])}KB", file=file)
        print(
            "    Max peak memory with current setting and Aesara flag "
            "optimizer_excluding=inplace",
            file=file,
        )
        print(f"        CPU: {_kb(stats['gc_noinplace'])}KB", file=file)
        print(
            "    Max peak memory if allow_gc=False (linker don't make a difference)",
            file=file,
        )
        print(f"        CPU: {_kb(stats['nogc'])}KB", file=file)
        print("---", file=file)
        print("", file=file)
        if len(fgraphs) > 1:
            print("    This list is based on all functions in the profile", file=file)
        print(
            "    <Sum apply outputs (bytes)> <Apply outputs shape> "
            "<created/inplace/view> <Apply node>",
            file=file,
        )
        print("", file=file)
        items = sorted(totals.items(), key=lambda kv: kv[1], reverse=True)
        if N is None:
            N = len(items)
        min_size = int(_config().profiling__min_memory_size)
        shown = 0
        for key, total in items[:N]:
            fgraph, node = key
            if total < min_size:
                break
            codes = ["c"] * len(node.outputs)
            for j in getattr(node.op, "destroy_map", {}) or {}:
                codes[j] = "i"
            for j in getattr(node.op, "view_map", {}) or {}:
                codes[j] = "v"
            known = all(s is not None for s in sizes[key])
            size = f"{total:9d}B" if known else "   Unknown"
            print(
                f"     {size}  {[tuple(s) if s is not None else None for s in shapes[key]]}"
                f" {' '.join(codes)} {node}",
                file=file,
            )
            shown += 1
        remaining = sum(t for _, t in items[shown:])
        all_dense = sum(totals.values())
        pct = f"{100.0 * remaining / all_dense:.2f}%" if all_dense else "0%"
        print(
            f"   ... (remaining {len(items) - shown} Apply account for "
            f"{remaining:4d}B/{all_dense:d}B ({pct}) of the Apply with dense "
            "outputs sizes)",
            file=file,
        )
        print("", file=file)
        if shown == 0:
            print(
                "    All Apply nodes have output sizes that take less than "
                f"{min_size}B.",
                file=file,
            )
        print(
            "    <created/inplace/view> is taken from the Op's declaration.", file=file
        )
        print(
            "    Apply nodes marked 'inplace' or 'view' may actually allocate "
            "memory, this is not reported here. If you use DebugMode, warnings "
            "will be emitted in those cases.",
            file=file,
        )
        print("", file=file)

    def summary(
        self,
        file: TextIO | None = None,
        n_ops_to_print: int = 20,
        n_apply_to_print: int = 20,
    ) -> None:
        """Print every section of the profile.

        Parameters
        ----------
        file
            Where to print (default ``sys.stderr``).
        n_ops_to_print
            Rows of the Class and Ops sections.
        n_apply_to_print
            Rows of the Apply and memory sections.
        """
        if file is None:
            file = sys.stderr
        self.summary_function(file)
        self.summary_globals(file)
        if sum(self.apply_time.values()) > 0:
            self.summary_class(file, n_ops_to_print)
            self.summary_ops(file, n_ops_to_print)
            self.summary_nodes(file, n_apply_to_print)
        elif self.fct_callcount > 0:
            print(
                "  No execution time accumulated per node (this function's "
                "backend runs the whole graph in one call, or "
                "profiling__time_thunks is off)",
                file=file,
            )
        if _config().profiling__debugprint:
            from aesara.printing import debugprint

            fgraphs = {fg for fg, _ in self.apply_time}
            for fg in fgraphs:
                debugprint(fg, print_type=True, file=file)
        if self.variable_shape:
            self.summary_memory(file, n_apply_to_print)
        if self.rewriter_profile:
            print("Rewriter Profile", file=file)
            print("----------------", file=file)
            rewriter, prof = self.rewriter_profile
            rewriter.print_profile(file, prof)
        self._inner_summaries(file, n_ops_to_print, n_apply_to_print)
        self.print_extra(file)
        self.print_tips(file)

    def _inner_summaries(self, file: TextIO, n_ops: int, n_apply: int) -> None:
        # Ops running an inner function with its own profile (Scan with
        # ``profile=True``) report it after the outer one.
        seen = {id(self)}
        for _fg, node in self.apply_time:
            inner = getattr(node.op, "inner_profile", None)
            if not isinstance(inner, ProfileStats) or id(inner) in seen:
                continue
            seen.add(id(inner))
            print(f"Inner function of {node.op}:", file=file)
            inner.summary(file=file, n_ops_to_print=n_ops, n_apply_to_print=n_apply)

    def print_extra(self, file: TextIO) -> None:
        """Run the printers added with :func:`register_profiler_printer`."""
        for fct in _profiler_printers:
            fct(
                self.message,
                self.compile_time,
                self.fct_call_time,
                self.apply_time,
                self.apply_cimpl,
                self.output_size,
                file=file,
            )

    def print_tips(self, file: TextIO) -> None:
        """Print hints drawn from the profiled graph (dtypes, Python thunks)."""
        print(
            "Here are tips to potentially make your code run faster\n"
            "                 (if you think of new ones, suggest them on the "
            "mailing list).\n"
            "                 Test them first, as they are not guaranteed to "
            "always provide a speedup.",
            file=file,
        )
        tips = []
        config = _config()
        nodes = [node for _fg, node in self.apply_time]
        if config.floatX == "float32" and any(
            getattr(o.type, "dtype", None) == "float64"
            for node in nodes
            for o in node.outputs
        ):
            tips.append(
                "  - Try the Aesara flag floatX=float32: some nodes compute in float64."
            )
        py_elemwise = sorted(
            {
                str(node.op)
                for node in nodes
                if type(node.op).__name__ == "Elemwise"
                and not self.apply_cimpl.get(node)
            }
        )
        if py_elemwise and self.apply_cimpl and any(self.apply_cimpl.values()):
            tips.append(
                "  - These element-wise ops ran in Python (no C kernel): "
                + ", ".join(py_elemwise[:10])
            )
        for node in nodes:
            if type(node.op).__name__ in ("Dot", "Dot22") and (
                len({getattr(i.type, "dtype", None) for i in node.inputs}) > 1
            ):
                tips.append(
                    "  - You have a dot operation that has different dtype for "
                    f"inputs ({[i.type for i in node.inputs]}). Make sure that the "
                    "inputs have same dtype."
                )
        if not tips:
            print("  Sorry, no tip for today.", file=file)
        for tip in tips:
            print(tip, file=file)


def _node_order(fgraph, known: dict) -> list:
    """The execution order of ``fgraph``'s nodes (the profiled ones when it has none)."""
    toposort = getattr(fgraph, "toposort", None)
    if toposort is not None:
        try:
            return list(toposort())
        except Exception:  # a graph changed since it was profiled
            pass
    return [node for fg, node in known if fg is fgraph]
