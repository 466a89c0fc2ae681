"""Persist the result of the rewrite phase of :func:`aesara.function`.

Rewriting a graph is most of the time a warm ``aesara.function`` call
spends (the compiled kernels themselves are already in the compile cache).
This module stores the rewritten graph in the
:class:`~aesara.link.c.cache.CompileCache`, under a key describing everything
that determines the result of the rewrite:

* the input graph: its structure, every op's class and properties, every
  variable's type and name, the bytes of every constant;
* how the inputs are used: which ones may be overwritten (``mutable``) and
  which ones are updated (and by which output);
* the mode's rewrite query (include/require/exclude tags, sub-queries,
  position cutoff) and the values of the configuration flags;
* the aesara version, a fingerprint of aesara's source files and of the
  rewrite database (the names of all registered rewrites, so a rewrite
  registered by user code changes the key).

The key never uses ``id()`` or ``hash()`` of Python objects, so a new
process computing it for the same graph finds the entry. Whenever the graph
holds something the key cannot describe deterministically (an op without
``__props__`` and with state, a constant of an unusual type, a closure, a
custom rewriter object instead of a query, ...) the cache is not used and
the graph is rewritten as usual.

The entry is a pickle of the rewritten graph whose inputs are stand-ins; on
a hit, the stand-ins are rewired to the caller's graph inputs (so the
caller's variables, shared variables and updates are kept) and the graph's
outputs are replaced by the cached ones. A corrupt or unreadable entry is
discarded and the graph is rewritten and stored again.

The flag ``config.rewrite_cache`` (``AESARA_FLAGS=rewrite_cache=False``)
turns the whole mechanism off.
"""

from __future__ import annotations

import enum
import logging
import os
import pickle
import threading
import types
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np

__all__ = [
    "RewriteCacheStats",
    "Uncacheable",
    "graph_key",
    "rewrite_with_cache",
    "stats",
]

_log = logging.getLogger("aesara.compile.rewrite_cache")

# Bump when the key layout or the entry format changes.
_FORMAT = 1
_FILE = "fgraph.pkl"


class Uncacheable(Exception):
    """The graph (or mode) cannot be keyed deterministically."""


class RewriteCacheStats:
    """Counters of this process's rewrite-cache use (for tests and benchmarks).

    Attributes
    ----------
    hits, misses, skipped, stored, discarded
        Hits, misses (then stored), graphs not cacheable, entries written and
        corrupt/unreadable entries thrown away.
    """

    def __init__(self) -> None:
        self.reset()

    def reset(self) -> None:
        """Set every counter back to zero."""
        self.hits = 0
        self.misses = 0
        self.skipped = 0
        self.stored = 0
        self.discarded = 0

    def __repr__(self) -> str:
        return (
            f"RewriteCacheStats(hits={self.hits}, misses={self.misses}, "
            f"skipped={self.skipped}, stored={self.stored}, "
            f"discarded={self.discarded})"
        )


stats = RewriteCacheStats()


# ---------------------------------------------------------------------------
# Deterministic descriptions of values, ops, types and graphs
# ---------------------------------------------------------------------------
def _qualname(obj: Any) -> str:
    module = getattr(obj, "__module__", None) or ""
    qual = getattr(obj, "__qualname__", None) or getattr(obj, "__name__", "")
    if "<locals>" in qual or "<lambda>" in qual or not qual:
        # A closure or lambda can capture state the key cannot see.
        raise Uncacheable(f"cannot key the local object {obj!r}")
    return f"{module}.{qual}"


def _array_key(a: np.ndarray) -> tuple:
    if a.dtype.hasobject:
        raise Uncacheable("object arrays cannot be keyed")
    return ("nd", a.dtype.str, a.shape, np.ascontiguousarray(a).tobytes())


class _Keyer:
    """Turns graph pieces into nested tuples of strings/bytes/numbers."""

    def __init__(self) -> None:
        # Only a memo for this one computation; never part of the key.
        self._obj_memo: dict[int, Any] = {}
        self._keep: list = []

    # -- plain values -------------------------------------------------
    def value(self, v: Any) -> Any:
        if v is None or isinstance(v, bool | str | bytes):
            return (type(v).__name__, v)
        if isinstance(v, int | float | complex):
            return (type(v).__name__, repr(v))
        if isinstance(v, np.ndarray):
            return _array_key(v)
        if isinstance(v, np.generic):
            return _array_key(np.asarray(v))
        if isinstance(v, np.dtype):
            return ("dtype", v.str)
        if isinstance(v, tuple | list):
            return (type(v).__name__, tuple(self.value(x) for x in v))
        if isinstance(v, dict):
            items = [(self.value(k), self.value(x)) for k, x in v.items()]
            items.sort(key=repr)
            return ("dict", tuple(items))
        if isinstance(v, frozenset | set):
            return ("set", tuple(sorted((self.value(x) for x in v), key=repr)))
        if isinstance(v, slice):
            return ("slice", self.value((v.start, v.stop, v.step)))
        if isinstance(v, enum.Enum):
            return ("enum", _qualname(type(v)), v.name)
        if isinstance(v, type):
            return ("class", _qualname(v))
        if isinstance(
            v, types.FunctionType | types.BuiltinFunctionType | np.ufunc
        ) and not isinstance(v, types.MethodType):
            return ("func", _qualname(v) if not isinstance(v, np.ufunc) else v.__name__)
        from aesara.graph.basic import Variable
        from aesara.graph.fg import FunctionGraph

        if isinstance(v, Variable):
            return ("graph", self.subgraph([], [v]))
        if isinstance(v, FunctionGraph):
            return ("fgraph", self.subgraph(list(v.inputs), list(v.outputs)))
        return self.obj(v)

    def obj(self, o: Any) -> Any:
        """An op, a type, or another object described by its properties."""
        key = self._obj_memo.get(id(o))
        if key is not None:
            return key
        cls = type(o)
        props = getattr(cls, "__props__", None)
        if props is not None:
            parts = [(p, self.value(getattr(o, p))) for p in props]
            # Scalar ops compare (and print) these besides their props.
            for extra in ("output_types_preference", "name"):
                if extra not in props and extra in getattr(o, "__dict__", {}):
                    parts.append((extra, self.value(o.__dict__[extra])))
            key = ("obj", _qualname(cls), tuple(parts))
        else:
            getstate = getattr(cls, "__getstate__", None)
            if getstate is not None and getstate is not getattr(
                object, "__getstate__", None
            ):
                # What the class pickles is its state (locks, compiled
                # functions and other run-time caches left out).
                state = o.__getstate__()
                if not isinstance(state, dict):
                    state = {"state": state}
            else:
                state = getattr(o, "__dict__", None)
            if state is None:
                raise Uncacheable(f"cannot key {cls.__name__} instances")
            # Without __props__, all of the instance's state must be keyable.
            items = tuple(sorted((k, self.value(x)) for k, x in state.items()))
            key = ("obj", _qualname(cls), items)
        self._obj_memo[id(o)] = key
        self._keep.append(o)  # keep ids unique while memoised
        return key

    # -- graphs ---------------------------------------------------------
    def subgraph(self, inputs: Sequence, outputs: Sequence) -> tuple:
        """Describe the graph from ``inputs`` to ``outputs``.

        Variables are numbered in a deterministic depth-first order from the
        outputs, following each node's inputs in order.
        """
        from aesara.graph.basic import Constant

        index: dict = {}
        records: list = []
        input_pos = {v: i for i, v in enumerate(inputs)}

        def var_record(v) -> tuple:
            name = v.name if isinstance(v.name, str) else None
            if v in input_pos:
                return ("in", input_pos[v], self.obj(v.type), name)
            if isinstance(v, Constant):
                return ("const", self.obj(v.type), self.value(v.data), name)
            if v.owner is None:
                return ("free", self.obj(v.type), name, type(v).__name__)
            return ()

        self.var_index = index

        def visit(root) -> None:
            stack = [(root, False)]
            while stack:
                v, expanded = stack.pop()
                if v in index:
                    continue
                node = v.owner
                if node is None or v in input_pos:
                    index[v] = len(index)
                    records.append(var_record(v))
                    continue
                if not expanded:
                    stack.append((v, True))
                    for inp in reversed(node.inputs):
                        if inp not in index:
                            stack.append((inp, False))
                    continue
                # All inputs numbered: record the node, number its outputs.
                records.append(
                    (
                        "apply",
                        self.obj(node.op),
                        tuple(index[i] for i in node.inputs),
                        tuple(
                            (
                                self.obj(o.type),
                                o.name if isinstance(o.name, str) else None,
                            )
                            for o in node.outputs
                        ),
                    )
                )
                for o in node.outputs:
                    index[o] = len(index)

        for inp in inputs:
            if inp not in index:
                index[inp] = len(index)
                records.append(var_record(inp))
        for out in outputs:
            visit(out)
        return (tuple(records), tuple(index[o] for o in outputs))


# ---------------------------------------------------------------------------
# Environment fingerprints (computed once per process where possible)
# ---------------------------------------------------------------------------
_source_fp: str | None = None
_fp_lock = threading.Lock()
# Flags that only say where or how things are stored or printed.
_IGNORED_FLAGS = frozenset(
    {
        "rewrite_cache",
        "compiledir",
        "base_compiledir",
        "compiledir_format",
        "compiledir_max_bytes",
        "cxx",
    }
)


def _source_fingerprint() -> str:
    """Sizes and modification times of aesara's source files."""
    global _source_fp
    if _source_fp is not None:
        return _source_fp
    with _fp_lock:
        if _source_fp is None:
            import hashlib

            import aesara

            root = os.path.dirname(os.path.abspath(aesara.__file__))
            h = hashlib.sha256(str(getattr(aesara, "__version__", "")).encode())
            for dirpath, dirnames, filenames in os.walk(root):
                dirnames[:] = sorted(d for d in dirnames if d != "__pycache__")
                for f in sorted(filenames):
                    if f.endswith(".py"):
                        st = os.stat(os.path.join(dirpath, f))
                        rel = os.path.relpath(os.path.join(dirpath, f), root)
                        h.update(f"{rel}:{st.st_size}:{st.st_mtime_ns};".encode())
            _source_fp = h.hexdigest()
    return _source_fp


def _walk_dbs(db: Any) -> list:
    """``db`` and every rewrite database registered in it, recursively."""
    from aesara.graph.rewriting.db import RewriteDatabase

    found: list = []
    seen: set = set()
    todo = [db]
    while todo:
        d = todo.pop()
        if id(d) in seen:
            continue
        seen.add(id(d))
        found.append(d)
        for bucket in getattr(d, "__db__", {}).values():
            todo.extend(r for r in bucket if isinstance(r, RewriteDatabase))
        inner = getattr(d, "db", None)
        if isinstance(inner, RewriteDatabase):
            todo.append(inner)
    return found


def _db_signature(dbs: list) -> tuple:
    # Cheap: changes whenever something is registered, removed or retagged.
    return tuple(
        (
            len(getattr(d, "_names", ())),
            sum(map(len, getattr(d, "__db__", {}).values())),
        )
        for d in dbs
    )


_db_memo: tuple | None = None


def _db_fingerprint(db: Any) -> str:
    """A digest of what is registered in the rewrite database ``db``.

    The registered names, the size of every tag and the positions of every
    database reachable from ``db``: a rewrite registered by user code
    changes it. Recomputed only when the cheap signature changes.
    """
    global _db_memo
    memo = _db_memo
    if memo is not None and memo[0][0] is db and _db_signature(memo[0]) == memo[1]:
        return memo[2]
    import hashlib

    dbs = _walk_dbs(db)
    h = hashlib.sha256()
    for d in dbs:
        names = sorted(str(n) for n in getattr(d, "_names", ()))
        tags = sorted(
            (str(t), len(bucket)) for t, bucket in getattr(d, "__db__", {}).items()
        )
        positions = getattr(d, "__position__", None)
        pos = (
            sorted((str(k), repr(v)) for k, v in positions.items())
            if isinstance(positions, dict)
            else ()
        )
        h.update(repr((type(d).__qualname__, names, tags, pos)).encode())
    fp = h.hexdigest()
    _db_memo = (dbs, _db_signature(dbs), fp)
    return fp


def _query_key(keyer: _Keyer, query: Any) -> tuple:
    from aesara.graph.rewriting.db import RewriteDatabaseQuery

    if not isinstance(query, RewriteDatabaseQuery):
        raise Uncacheable("the mode's optimizer is not a rewrite-database query")
    if query.extra_rewrites:
        raise Uncacheable("queries with extra rewrite objects are not cached")
    return (
        tuple(query.include),
        tuple(query.require),
        tuple(query.exclude),
        tuple(
            (str(k), _query_key(keyer, v))
            for k, v in sorted(query.subquery.items(), key=lambda kv: str(kv[0]))
        ),
        repr(query.position_cutoff),
    )


def _config_key() -> tuple:
    from aesara.configdefaults import config

    out = []
    for name in sorted(config._config_var_dict):
        if name in _IGNORED_FLAGS:
            continue
        try:
            out.append((name, str(getattr(config, name))))
        except Exception:  # pragma: no cover - a flag that cannot be read
            out.append((name, "<unreadable>"))
    return tuple(out)


# ---------------------------------------------------------------------------
# The key and the cache hook
# ---------------------------------------------------------------------------
def graph_key(fgraph, mode, input_specs: Sequence | None = None) -> str:
    """The cache key of rewriting ``fgraph`` with ``mode``.

    Parameters
    ----------
    fgraph
        The graph before rewriting (as :func:`std_fgraph` builds it).
    mode
        The compilation mode; its optimizer must be a rewrite query.
    input_specs
        The :class:`~aesara.compile.io.In` specs of the graph's inputs.

    Returns
    -------
    str
        A key for :class:`~aesara.link.c.cache.CompileCache`.

    Raises
    ------
    Uncacheable
        When something in the graph or the mode cannot be keyed.
    """

    return _graph_key_and_index(fgraph, mode, input_specs)[0]


def _graph_key_and_index(
    fgraph, mode, input_specs: Sequence | None = None
) -> tuple[str, dict]:
    """:func:`graph_key` and the deterministic numbering of the variables."""
    from aesara.link.c.cache import make_key

    keyer = _Keyer()
    if getattr(mode, "_db", None) is not None:
        raise Uncacheable("modes with a custom rewrite database are not cached")
    query = getattr(mode, "_optimizer", None)
    graph = keyer.subgraph(list(fgraph.inputs), list(fgraph.outputs))
    specs = tuple(
        (bool(getattr(s, "mutable", False)), getattr(s, "update", None) is not None)
        for s in (input_specs or ())
    )
    update_mapping = tuple(sorted((fgraph.update_mapping or {}).items()))
    from aesara.compile.mode import optdb

    key = make_key(
        "rewrite-cache",
        _FORMAT,
        repr(graph).encode(),
        repr(specs),
        repr(update_mapping),
        repr(_query_key(keyer, query)),
        repr(_config_key()),
        _source_fingerprint(),
        _db_fingerprint(optdb),
        # Features the caller attached change what rewrites may do.
        tuple(_qualname(type(f)) for f in fgraph._features),
    )
    return key, keyer.var_index


def _trace_key(v) -> tuple | None:
    """The user-code location recorded on ``v`` as a hashable value."""
    trace = getattr(getattr(v, "tag", None), "trace", None)
    if not trace or not isinstance(trace, list):
        return None
    try:
        return tuple(tuple(tuple(f) for f in frames) for frames in trace)
    except TypeError:
        return None


def _trace_refs_of(v, trace_refs: dict) -> tuple[int, ...] | None:
    """The numbers of the pre-rewrite variables whose traces make up ``v``'s.

    A rewrite copies the traces of the variables it replaces, so a trace is
    often several users' lines joined (``exp(x) * 1 -> exp(x)`` carries both
    lines): each part is looked up on its own.
    """
    key = _trace_key(v)
    if key is None:
        return None
    whole = trace_refs.get(key)
    if whole is not None:
        return (whole,)
    parts = tuple(trace_refs.get((frames,)) for frames in key)
    return None if any(p is None for p in parts) else parts


def _enabled() -> bool:
    from aesara.configdefaults import config

    return bool(getattr(config, "rewrite_cache", False))


def _serialize(fgraph, trace_refs: dict | None = None) -> bytes:
    """Pickle the rewritten graph with stand-ins for its inputs.

    Traces (the user's source lines) are not stored: a variable whose trace
    equals that of the pre-rewrite variable numbered ``i`` gets a
    ``trace_ref = i`` instead, and a later hit copies the trace of the
    caller's own variable ``i``, so errors name the caller's lines.
    """
    from aesara.graph.basic import clone_get_equiv

    stand_ins = [inp.type() for inp in fgraph.inputs]
    memo = dict(zip(fgraph.inputs, stand_ins))
    equiv = clone_get_equiv(
        fgraph.inputs, fgraph.outputs, copy_inputs=False, copy_orphans=True, memo=memo
    )
    outputs = [equiv[o] for o in fgraph.outputs]
    for v in equiv.values():
        # Tags hold debugging data (traces, test values) that need not persist.
        if hasattr(v, "tag"):
            refs = _trace_refs_of(v, trace_refs or {})
            v.tag = type(v.tag)()
            if refs:
                v.tag.trace_ref = refs
    return pickle.dumps((_FORMAT, stand_ins, outputs), protocol=pickle.HIGHEST_PROTOCOL)


def _install(fgraph, payload: bytes, numbered: Sequence = ()) -> None:
    """Replace ``fgraph``'s outputs with the cached rewritten graph.

    ``numbered`` lists the caller's pre-rewrite variables by their key
    number; traces are restored from them.
    """
    from aesara.graph.basic import io_toposort

    fmt, stand_ins, outputs = pickle.loads(payload)
    if fmt != _FORMAT or len(stand_ins) != len(fgraph.inputs):
        raise ValueError("cached graph does not match")
    if len(outputs) != len(fgraph.outputs):
        raise ValueError("cached graph does not match")
    swap = {id(s): real for s, real in zip(stand_ins, fgraph.inputs)}
    for s, real in zip(stand_ins, fgraph.inputs):
        if s.type != real.type:
            raise ValueError("cached input types differ")
    for old, new in zip(fgraph.outputs, outputs):
        if not old.type.is_super(new.type):
            raise ValueError("cached output types differ")
    # Everything is checked: only now rewire the stand-ins and change fgraph.
    outputs = [swap.get(id(o), o) for o in outputs]
    for node in io_toposort(stand_ins, outputs):
        node.inputs = [swap.get(id(i), i) for i in node.inputs]
        for v in (*node.inputs, *node.outputs):
            refs = getattr(v.tag, "trace_ref", None)
            if refs is None:
                continue
            del v.tag.trace_ref
            trace: list = []
            for ref in refs:
                if 0 <= ref < len(numbered):
                    for frames in getattr(numbered[ref].tag, "trace", None) or ():
                        if frames not in trace:
                            trace.append(frames)
            if trace:
                v.tag.trace = trace
    for i, out in enumerate(outputs):
        fgraph.change_node_input("output", i, out, reason="rewrite_cache")
    if any(getattr(n.op, "destroy_map", None) for n in fgraph.apply_nodes):
        if not hasattr(fgraph, "destroyers"):
            from aesara.graph.destroyhandler import DestroyHandler

            fgraph.attach_feature(DestroyHandler())


def rewrite_with_cache(
    fgraph, mode, rewrite: Callable[[], None], input_specs: Sequence | None = None
) -> bool:
    """Rewrite ``fgraph`` in place, reusing a cached result when there is one.

    Parameters
    ----------
    fgraph
        The graph to rewrite.
    mode
        The compilation mode (its optimizer decides the rewrites).
    rewrite
        Runs the rewrites on ``fgraph`` (called on a miss or when the graph
        cannot be cached).
    input_specs
        The graph inputs' :class:`~aesara.compile.io.In` specs.

    Returns
    -------
    bool
        Whether the result came from the cache.
    """
    if not _enabled():
        rewrite()
        return False
    try:
        key, var_index = _graph_key_and_index(fgraph, mode, input_specs)
        from aesara.link.c.cache import default_cache

        cache = default_cache()
        entry = cache.get(key)
    except Uncacheable as e:
        _log.debug("rewrite cache skipped: %s", e)
        stats.skipped += 1
        rewrite()
        return False
    except Exception as e:  # noqa: BLE001 - never fail compilation over the cache
        _log.debug("rewrite cache unavailable: %s", e)
        stats.skipped += 1
        rewrite()
        return False
    if entry is not None:
        try:
            payload = (entry.path / _FILE).read_bytes()
            numbered = [None] * len(var_index)
            for v, i in var_index.items():
                numbered[i] = v
            _install(fgraph, payload, numbered)
        except Exception as e:  # noqa: BLE001 - corrupt/stale entry: rebuild it
            _log.warning("discarding unreadable rewrite-cache entry %s: %s", key, e)
            stats.discarded += 1
            cache.remove(key)
        else:
            stats.hits += 1
            return True
    stats.misses += 1
    trace_refs: dict = {}
    for v, i in sorted(var_index.items(), key=lambda vi: vi[1]):
        tk = _trace_key(v)
        if tk is not None:
            trace_refs.setdefault(tk, i)
    rewrite()
    try:
        data = _serialize(fgraph, trace_refs)
    except Exception as e:  # noqa: BLE001 - unpicklable op: just don't store
        _log.debug("rewrite cache: cannot serialise the graph: %s", e)
        return False

    def build(directory: Path) -> dict:
        (directory / _FILE).write_bytes(data)
        return {"kind": "rewritten-graph"}

    try:
        cache.get_or_build(key, build)
        stats.stored += 1
    except Exception as e:  # noqa: BLE001 - a full disk must not break function()
        _log.debug("rewrite cache: cannot store the graph: %s", e)
    return False
