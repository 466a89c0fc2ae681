"""The C backend's translation table: Op class -> how to run its nodes in C.

Ops carry no C. A backend module registers, for an Op class, a *translator*:
a function taking an :class:`~aesara.graph.basic.Apply` node and returning a
:class:`CPlan` (or ``None`` when this particular node has no C form, e.g. an
unsupported dtype). A plan has two steps:

``build()``
    The slow part (generating and compiling C, loading a module). Plans with
    equal ``key`` share one build; the linker runs the builds of a graph in
    parallel threads before it makes any thunk, and remembers each result for
    the process. ``build`` may raise ``NotImplementedError`` (the node then
    runs its Python ``perform``) or :class:`~aesara.link.c.compiler.CompileError`
    (same, with one warning per process).
``make(artifact, node, storage_map, compute_map, no_recycling)``
    Returns the thunk: a callable with no arguments that reads the node's
    input cells and fills its output cells, like the Python thunks.

Translators are looked up along the Op class's MRO, so registering a base
class covers its subclasses unless one has its own entry. The modules in
:mod:`aesara.link.c.ops` are imported (all of them) the first time the table
is consulted.
"""

from __future__ import annotations

import importlib
import os
import pkgutil
import threading
import warnings
from collections.abc import Callable, Hashable, Iterable
from dataclasses import dataclass
from typing import Any

__all__ = [
    "CPlan",
    "build_plans",
    "c_translator",
    "forget_artifacts",
    "plan_for",
    "register_c_translation",
    "run_in_threads",
    "with_python_fallback",
]


@dataclass(frozen=True)
class CPlan:
    """How one node runs in C: a shared, memoised build and a thunk factory.

    Parameters
    ----------
    key
        Identifies the build: plans with equal keys share one ``build()``.
        It must be made of plain values (strings, numbers, tuples, dtypes),
        never ``id()`` of objects.
    build
        Compiles/loads what the thunks need and returns it (the artifact).
    make
        ``make(artifact, node, storage_map, compute_map, no_recycling)``
        returns the node's thunk.
    batch
        Optional ``(build_many, group, item)``: plans of one ``group`` may
        be built together, ``build_many([item, ...])`` returning their
        artifacts in order (one compiler run for many small kernels). If it
        fails, each plan runs its own ``build``.
    """

    key: Hashable
    build: Callable[[], Any]
    make: Callable[..., Callable[[], Any]]
    batch: tuple | None = None


_translators: dict[type, Callable] = {}
_loaded = False
_load_lock = threading.Lock()

_artifacts: dict[Hashable, Any] = {}
_NO_C = object()  # a build that failed: the node runs in Python
_build_lock = threading.Lock()
_building: dict[Hashable, threading.Event] = {}
_warned_compile = False


def register_c_translation(*op_classes: type) -> Callable:
    """Decorator: ``translator(node) -> CPlan | None`` for these Op classes."""
    if not op_classes:
        raise TypeError("register_c_translation needs at least one Op class")

    def decorate(fn: Callable) -> Callable:
        for cls in op_classes:
            if not isinstance(cls, type):
                raise TypeError(f"expected an Op class, got {cls!r}")
            _translators[cls] = fn
        return fn

    return decorate


def _load_translations() -> None:
    global _loaded
    if _loaded:
        return
    with _load_lock:
        if _loaded:
            return
        import aesara.link.c.ops as pkg

        for info in sorted(pkgutil.iter_modules(pkg.__path__), key=lambda i: i.name):
            importlib.import_module(f"{pkg.__name__}.{info.name}")
        _loaded = True


def c_translator(op_class: type) -> Callable | None:
    """The translator registered for ``op_class`` (or a base class), if any."""
    _load_translations()
    for cls in op_class.__mro__:
        fn = _translators.get(cls)
        if fn is not None:
            return fn
    return None


def plan_for(node) -> CPlan | None:
    """The C plan of ``node``, or None when it runs through ``perform``."""
    fn = c_translator(type(node.op))
    if fn is None:
        return None
    # Kernels read ndarrays: a node touching other values (SciPy sparse
    # matrices) runs through ``perform``.
    for var in (*node.inputs, *node.outputs):
        if not getattr(var.type, "holds_ndarray", True):
            return None
    try:
        return fn(node)
    except NotImplementedError:
        return None


@dataclass(frozen=True)
class _Batch:
    """Plans of one batch group, built with one ``build_many`` call."""

    plans: tuple

    def build(self) -> None:
        build_many = self.plans[0].batch[0]
        claimed, others = [], []
        with _build_lock:
            # Plans another thread builds (or built) meanwhile are left to it.
            for p in self.plans:
                if p.key in _artifacts:
                    continue
                if p.key in _building:
                    others.append(_building[p.key])
                else:
                    _building[p.key] = threading.Event()
                    claimed.append(p)
        if claimed:
            self._build_claimed(build_many, claimed)
        for event in others:
            event.wait()

    @staticmethod
    def _build_claimed(build_many, claimed: list) -> None:
        try:
            artifacts = build_many([p.batch[2] for p in claimed])
        except Exception:  # noqa: BLE001 - each plan is retried on its own
            artifacts = None
        with _build_lock:
            events = [_building.pop(p.key) for p in claimed]
            if artifacts is not None:
                for p, a in zip(claimed, artifacts):
                    _artifacts.setdefault(p.key, a)
        for event in events:
            event.set()
        if artifacts is None:
            # One build each: a faulty kernel fails (and warns) alone.
            for p in claimed:
                _build_one(p)


def _batched(plans: list) -> list:
    """``plans`` with the batchable ones grouped into :class:`_Batch` items.

    A group is split into about as many batches as there are CPUs, so the
    compiler runs still overlap.
    """
    groups: dict[Hashable, list] = {}
    items: list = []
    for p in plans:
        if p.batch is None:
            items.append(p)
        else:
            groups.setdefault((p.batch[0], p.batch[1]), []).append(p)
    workers = max(1, min(8, os.cpu_count() or 1))
    for members in groups.values():
        if len(members) == 1:
            items.append(members[0])
            continue
        n = min(workers, len(members))
        for k in range(n):
            items.append(_Batch(tuple(members[k::n])))
    return items


def _build_one(plan) -> Any:
    global _warned_compile
    if isinstance(plan, _Batch):
        return plan.build()
    from aesara.link.c.compiler import (
        CompileError,
        CompilerNotFoundError,
        warn_no_compiler,
    )

    key = plan.key
    while True:
        with _build_lock:
            if key in _artifacts:
                return _artifacts[key]
            event = _building.get(key)
            if event is None:
                event = _building[key] = threading.Event()
                break
        event.wait()
    try:
        artifact = plan.build()
    except NotImplementedError:
        artifact = _NO_C
    except CompilerNotFoundError:
        # No compiler at all: the one "no working C compiler" warning, not
        # one about this node's code.
        artifact = _NO_C
        warn_no_compiler()
    except (CompileError, OSError, ImportError) as e:
        artifact = _NO_C
        if not _warned_compile:
            _warned_compile = True
            warnings.warn(
                f"aesara: building C code for {key!r} failed; such nodes run "
                f"in Python: {e}",
                RuntimeWarning,
                stacklevel=3,
            )
    finally:
        with _build_lock:
            if key not in _artifacts:
                _artifacts[key] = locals().get("artifact", _NO_C)
            _building.pop(key, None)
        event.set()
    return artifact


def forget_artifacts(paths: set) -> None:
    """Drop the built artifacts that are one of ``paths`` (no longer kept loaded).

    The next plan with such a key is built again, which finds the file in
    the compile cache (or rebuilds it) and loads it anew.
    """
    with _build_lock:
        stale = [
            k
            for k, a in _artifacts.items()
            # (A kernel of a batched library: (path, symbol prefix).)
            if (a[0] if isinstance(a, tuple) else a) in paths
        ]
        for k in stale:
            del _artifacts[k]


def with_python_fallback(thunk: Any, fallback: Any) -> Any:
    """Give a C thunk the attributes linkers read from thunks: not lazy, the
    op's ``perform``, and its Python thunk (``py_thunk``), which it runs for
    inputs it does not handle. Returns ``thunk``."""
    thunk.lazy = False
    thunk.perform = getattr(fallback, "perform", None)
    thunk.py_thunk = fallback
    return thunk


def run_in_threads(
    fn: Callable[[Any], Any], items: Iterable[Any], max_workers: int = 8
) -> list[Any]:
    """``[fn(x) for x in items]``, computed by up to ``max_workers`` threads.

    The calling thread is one of them (one item needs no thread at all).
    Plain threads rather than ``concurrent.futures``, whose import alone
    costs more than loading a cached function's kernels. The first exception
    raised by ``fn`` is raised again once every item has been tried.
    """
    items = list(items)
    results: list[Any] = [None] * len(items)
    errors: list[BaseException] = []
    pending = iter(enumerate(items))
    lock = threading.Lock()

    def work() -> None:
        while True:
            with lock:
                nxt = next(pending, None)
            if nxt is None:
                return
            i, x = nxt
            try:
                results[i] = fn(x)
            except BaseException as e:  # noqa: BLE001 - re-raised below
                errors.append(e)

    helpers = [
        threading.Thread(target=work, name="aesara-build", daemon=True)
        for _ in range(min(max_workers, len(items)) - 1)
    ]
    for t in helpers:
        t.start()
    work()
    for t in helpers:
        t.join()
    if errors:
        raise errors[0]
    return results


def build_plans(plans: Iterable[CPlan]) -> dict[Hashable, Any]:
    """Run the builds of ``plans`` (in parallel threads); return key -> artifact.

    A key whose build failed maps to ``None``.
    """
    unique: dict[Hashable, CPlan] = {}
    for p in plans:
        unique.setdefault(p.key, p)
    with _build_lock:
        todo = [p for k, p in unique.items() if k not in _artifacts]
    if todo:
        # Builds mostly wait on compiler subprocesses, so threads overlap them.
        run_in_threads(_build_one, _batched(todo), max_workers=8)
    with _build_lock:
        out = {}
        for k in unique:
            a = _artifacts.get(k, _NO_C)
            out[k] = None if a is _NO_C else a
    return out
