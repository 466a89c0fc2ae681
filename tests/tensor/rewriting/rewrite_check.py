"""Check that a registered rewrite fires on a graph and keeps its values.

:func:`check_rewrite` compiles a graph three ways: with the mode under test,
with the same mode excluding the rewrite, and without any rewrite. It asserts
that the rewrite registered under the given name was applied in the first
compile (and not in the second, when the exclusion can stop it), and that all
three functions compute the same values.

Firing is recorded without touching the engine: while a check runs, every
object registered under the name is wrapped on its instance. A node
rewriter's ``transform`` counts the nodes for which it proposed a
replacement; a graph rewriter's ``apply`` counts the calls after which the
graph's nodes or outputs differ.

:func:`registered_rewrites` walks :data:`aesara.compile.mode.optdb` and its
nested databases and returns every leaf rewrite by name.
"""

from __future__ import annotations

import contextlib
import copy
import importlib
import pkgutil
from collections import defaultdict
from collections.abc import Callable, Iterator, Sequence
from typing import Any

import numpy as np

import aesara
from aesara.compile.function import function
from aesara.compile.io import In
from aesara.compile.mode import Mode, get_mode, optdb
from aesara.configdefaults import config
from aesara.graph.fg import FunctionGraph
from aesara.graph.rewriting.basic import GraphRewriter, NodeRewriter
from aesara.graph.rewriting.db import ProxyDB, RewriteDatabase, TopoDB

__all__ = ["check_rewrite", "registered_rewrites", "FireCounter"]


def _import_all_aesara_modules() -> None:
    """Import every aesara module so that lazily registered rewrites show up."""
    for info in pkgutil.walk_packages(aesara.__path__, "aesara."):
        # Optional backends need packages that may be missing.
        if info.name.startswith(("aesara.link.jax", "aesara.link.numba")):
            continue
        with contextlib.suppress(Exception):
            importlib.import_module(info.name)


def _defined_by_aesara(rewriter: Any) -> bool:
    fn = getattr(rewriter, "fn", None)
    module = getattr(fn, "__module__", None) or type(rewriter).__module__
    return module.split(".")[0] == "aesara"


def registered_rewrites(
    db: RewriteDatabase | None = None,
    import_all: bool = True,
    aesara_only: bool = True,
) -> dict[str, list[tuple[str, Any]]]:
    """Every leaf rewrite registered in ``db`` (default: ``optdb``), by name.

    Parameters
    ----------
    db
        The database walked; nested databases (including those wrapped by a
        :class:`TopoDB` or a :class:`ProxyDB`) are walked too.
    import_all
        First import every aesara module, since some modules (``ifelse``,
        ``raise_op``...) register their rewrites on import.
    aesara_only
        Leave out names whose rewriters are all defined outside aesara:
        tests register throw-away rules in the global database, and those
        stay registered for the rest of the test process.

    Returns
    -------
    ``{name: [(database path, rewriter), ...]}``, one entry per registration.
    """
    if import_all:
        _import_all_aesara_modules()
    out: dict[str, list[tuple[str, Any]]] = defaultdict(list)
    seen: set[int] = set()

    def walk(d, path):
        while isinstance(d, (TopoDB, ProxyDB)):
            d = d.db
        if id(d) in seen:
            return
        seen.add(id(d))
        for name, obj in d._by_name.items():
            if isinstance(obj, RewriteDatabase):
                walk(obj, f"{path}/{name}")
            else:
                out[name].append((path, obj))

    walk(optdb if db is None else db, "optdb")
    if aesara_only:
        return {
            name: regs
            for name, regs in out.items()
            if any(_defined_by_aesara(obj) for _, obj in regs)
        }
    return dict(out)


def _nested_node_rewriters(obj: Any) -> Iterator[Any]:
    """The node rewriters a registered rewriter applies (itself included)."""
    stack = [obj]
    seen: set[int] = set()
    while stack:
        o = stack.pop()
        if id(o) in seen:
            continue
        seen.add(id(o))
        yield o
        inner = getattr(o, "node_rewriter", None)
        if inner is not None:
            stack.append(inner)
        for attr in ("rewrites", "node_rewriters", "global_rewriters"):
            stack.extend(getattr(o, attr, None) or ())


class FireCounter:
    """Count the applications of the rewriters registered under a name.

    Used as a context manager: the registered objects are wrapped on entry
    and restored on exit. ``count`` is the number of applications seen.
    """

    def __init__(self, rewriters: Sequence[Any]):
        self.rewriters = list({id(r): r for r in rewriters}.values())
        self.count = 0
        self._saved: list[tuple[Any, str, Any]] = []

    def _wrap_node_rewriter(self, rw):
        orig = rw.transform

        def transform(fgraph, node, *args, **kwargs):
            repl = orig(fgraph, node, *args, **kwargs)
            if repl:
                self.count += 1
            return repl

        rw.transform = transform

    def _wrap_graph_rewriter(self, rw):
        orig = rw.apply

        def apply(fgraph, *args, **kwargs):
            # Compare snapshots rather than count events: replacements that
            # a feature vetoes are reverted and leave the graph as it was.
            nodes = set(fgraph.apply_nodes)
            outputs = list(fgraph.outputs)
            try:
                return orig(fgraph, *args, **kwargs)
            finally:
                if nodes != set(fgraph.apply_nodes) or any(
                    a is not b for a, b in zip(outputs, fgraph.outputs)
                ):
                    self.count += 1

        rw.apply = apply

    def __enter__(self) -> FireCounter:
        for rw in self.rewriters:
            for attr in ("transform", "apply"):
                if attr in rw.__dict__:
                    self._saved.append((rw, attr, rw.__dict__[attr]))
            if isinstance(rw, NodeRewriter):
                self._wrap_node_rewriter(rw)
            elif isinstance(rw, GraphRewriter):
                self._wrap_graph_rewriter(rw)
            else:
                raise TypeError(f"Cannot count applications of {rw!r}")
        return self

    def __exit__(self, *exc) -> None:
        for rw in self.rewriters:
            # The wrappers live in the instance dict; removing them restores
            # the class methods (or the instance attributes saved on entry).
            rw.__dict__.pop("transform", None)
            rw.__dict__.pop("apply", None)
        for rw, attr, value in self._saved:
            setattr(rw, attr, value)
        self._saved.clear()


def _shared_with_other_names(name: str, table: dict) -> bool:
    """Whether an object registered as ``name`` also runs under another name."""
    mine = {id(o) for _, o in table[name]}
    for other, regs in table.items():
        if other == name:
            continue
        for _, o in regs:
            if any(id(n) in mine for n in _nested_node_rewriters(o)):
                return True
    return False


def _rewrites_run():
    """A context in which compiling really runs the rewrites.

    A persistent cache of rewritten graphs (flag ``rewrite_cache``, when
    this version has it) would hand back a graph without rewriting it.
    """
    if "rewrite_cache" in config._config_var_dict:
        return config.change_flags(rewrite_cache=False)
    return contextlib.nullcontext()


def _assert_same(ref: Sequence, got: Sequence, what: str, rtol, atol) -> None:
    assert len(ref) == len(got), f"{what}: {len(got)} outputs, expected {len(ref)}"
    for k, (r, g) in enumerate(zip(ref, got)):
        r = np.asarray(r)
        g = np.asarray(g)
        assert r.shape == g.shape, f"{what}, output {k}: shape {g.shape} != {r.shape}"
        assert r.dtype == g.dtype, f"{what}, output {k}: dtype {g.dtype} != {r.dtype}"
        if r.dtype.kind in "fc":
            tol = (
                rtol if rtol is not None else (1e-4 if r.dtype.itemsize <= 4 else 1e-7)
            )
            np.testing.assert_allclose(
                g, r, rtol=tol, atol=atol, equal_nan=True, err_msg=f"{what}, output {k}"
            )
        else:
            np.testing.assert_array_equal(g, r, err_msg=f"{what}, output {k}")


_TABLE: dict | None = None


def _table() -> dict:
    global _TABLE
    if _TABLE is None:
        _TABLE = registered_rewrites()
    return _TABLE


def check_rewrite(
    name: str,
    inputs: Sequence[Any],
    outputs: Any,
    values: Sequence[Any],
    *,
    mode: str | Mode = "FAST_RUN",
    fires: Callable[[FunctionGraph], bool] | None = None,
    check_excluded: bool = True,
    linker: str | None = None,
    rtol: float | None = None,
    atol: float = 0.0,
) -> FunctionGraph:
    """Assert that rewrite ``name`` fires on a graph and keeps its values.

    Parameters
    ----------
    name
        The name the rewrite is registered under in ``optdb`` (or a nested
        database).
    inputs, outputs
        The graph, as for :func:`aesara.function`.
    values
        One value per input.
    mode
        The mode under test (it must select the rewrite).
    fires
        An extra predicate on the rewritten graph (e.g. "no ``Neg`` left").
    check_excluded
        Also compile with ``mode.excluding(name)``: the rewrite must not run
        there (unless the same object also runs under another name) and the
        values must not change.
    linker
        Run the three functions with this linker instead of the mode's
        (``"py"`` skips compiling C code; the rewrites are the same).
    rtol, atol
        Tolerances for floating-point outputs (``rtol`` defaults by dtype).

    Returns
    -------
    The rewritten :class:`FunctionGraph` of the compile under test.
    """
    with _rewrites_run():
        return _check(
            name,
            inputs,
            outputs,
            values,
            mode,
            fires,
            check_excluded,
            linker,
            rtol,
            atol,
        )


def _check(
    name, inputs, outputs, values, mode, fires, check_excluded, linker, rtol, atol
):
    table = _table()
    if name not in table:
        raise KeyError(f"No rewrite named {name!r} is registered in optdb")
    single = not isinstance(outputs, (list, tuple))
    outs = [outputs] if single else list(outputs)
    mode = get_mode(mode)
    if linker is not None:
        mode = Mode(linker=linker, optimizer=mode.provided_optimizer)
    ins = [i if isinstance(i, In) else In(i) for i in inputs]

    def run(m):
        f = function(ins, outs, mode=m, on_unused_input="ignore")
        vals = f(*[copy.deepcopy(v) for v in values])
        return f, vals

    _, ref = run(Mode(linker=mode.linker, optimizer=None))

    rewriters = [o for _, o in table[name]]
    with FireCounter(rewriters) as counter:
        f, got = run(mode)
    assert counter.count > 0, f"Rewrite {name!r} did not fire"
    fgraph = f.maker.fgraph
    if fires is not None:
        assert fires(fgraph), f"Rewrite {name!r}: the rewritten graph fails `fires`"
    _assert_same(ref, got, f"{name} (rewritten)", rtol, atol)

    if check_excluded:
        with FireCounter(rewriters) as counter:
            _, got_ex = run(mode.excluding(name))
        if not _shared_with_other_names(name, table):
            assert counter.count == 0, f"Rewrite {name!r} fired though excluded"
        _assert_same(ref, got_ex, f"{name} (excluded)", rtol, atol)
    return fgraph
