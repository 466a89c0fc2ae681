"""The on-disk cache of compiled Numba graphs.

A graph function's machine code is stored in aesara's compile cache
(:class:`aesara.link.c.cache.CompileCache` over ``config.compiledir``), so
it inherits that cache's rules: owner-only directories, entries built in a
temporary directory and renamed into place, a lock per key, a manifest with
digests (a corrupt entry is discarded and rebuilt) and a size bound with
least-recently-used eviction.

The key of an entry is the graph's content (op classes and ``__props__``,
types, structure; see :func:`aesara.link.numba.dispatch.basic.fgraph_to_numba`),
the argument types Numba specialised on, the CPU and the aesara, Numba,
Python and NumPy versions, and the compile flags. Constants are arguments
of the generated function, so graphs that differ only in constant values
share an entry.
"""

from __future__ import annotations

import hashlib
import pickle
import sys
import warnings
from pathlib import Path

import numba
import numpy as np
from numba.core import compiler
from numba.core.caching import _Cache
from numba.core.serialize import dumps

from aesara.link.numba.dispatch.basic import _fastmath_flags, numba_njit

__all__ = ["NumbaGraphCache", "cached_njit"]

_PAYLOAD = "function.nbc"


_translator_digest: str | None = None


def _translator_source_digest() -> str:
    """A digest of this backend's own source: a changed translation misses."""
    global _translator_digest
    if _translator_digest is None:
        h = hashlib.sha256()
        root = Path(__file__).resolve().parent
        for path in sorted(root.rglob("*.py")):
            h.update(path.relative_to(root).as_posix().encode())
            h.update(path.read_bytes())
        _translator_digest = h.hexdigest()
    return _translator_digest


def _versions() -> tuple:
    import aesara

    return (
        getattr(aesara, "__version__", "0"),
        numba.__version__,
        np.__version__,
        sys.version,
        _translator_source_digest(),
    )


def _flags_key() -> str:
    from aesara.link.numba.dispatch.vector_math import vector_math_key

    flags = _fastmath_flags()
    # A set's order changes with string hashing from process to process.
    flags = repr(sorted(flags)) if isinstance(flags, set) else repr(flags)
    # Code calling libmvec needs it loaded (and the same instruction sets).
    return f"{flags};{vector_math_key()}"


class NumbaGraphCache(_Cache):
    """A Numba dispatcher cache storing its overloads in aesara's compile cache.

    Parameters
    ----------
    py_func
        The generated graph function.
    graph_key
        The digest of the graph's content.
    """

    def __init__(self, py_func, graph_key: str):
        self._py_func = py_func
        self._graph_key = graph_key
        self._enabled = True
        self.hits = 0
        self.misses = 0

    @property
    def cache_path(self):
        from aesara.link.c.cache import default_cache

        return str(default_cache().root)

    def enable(self):
        self._enabled = True

    def disable(self):
        self._enabled = False

    def flush(self):
        """Nothing to flush: entries are removed through the compile cache."""

    def _entry_key(self, sig, codegen) -> str:
        from aesara.link.c.cache import make_key

        return make_key(
            "numba-graph",
            self._graph_key,
            str(sig),
            repr(codegen.magic_tuple()),
            _flags_key(),
            _versions(),
        )

    def load_overload(self, sig, target_context):
        if not self._enabled:
            return None
        from aesara.link.c.cache import default_cache

        target_context.refresh()
        cache = default_cache()
        key = self._entry_key(sig, target_context.codegen())
        entry = cache.get(key)
        if entry is None:
            self.misses += 1
            return None
        try:
            with open(entry.path / _PAYLOAD, "rb") as f:
                payload = pickle.loads(f.read())
            result = compiler.CompileResult._rebuild(target_context, *payload)
        except Exception as e:
            # Readable and matching its manifest but not loadable (written by
            # an incompatible build): drop it and compile afresh.
            warnings.warn(
                f"Discarding an unloadable Numba cache entry {entry.path}: {e}",
                UserWarning,
                stacklevel=2,
            )
            cache.discard(entry)
            self.misses += 1
            return None
        self.hits += 1
        return result

    def save_overload(self, sig, data):
        if not self._enabled:
            return
        if (
            any(not x.can_cache for x in data.lifted)
            or data.library.has_dynamic_globals
        ):
            return
        from aesara.link.c.cache import default_cache

        key = self._entry_key(sig, data.codegen)
        payload = dumps(data._reduce())

        def build(directory):
            (directory / _PAYLOAD).write_bytes(payload)
            return {"kind": "numba", "signature": str(sig)}

        try:
            default_cache().get_or_build(key, build)
        except OSError as e:
            warnings.warn(
                f"Could not store a compiled Numba function in the cache: {e}",
                UserWarning,
                stacklevel=2,
            )


def cached_njit(py_func, graph_key: str):
    """``numba_njit(py_func)`` whose compiled overloads go through :class:`NumbaGraphCache`."""
    dispatcher = numba_njit(py_func)
    dispatcher._cache = NumbaGraphCache(py_func, graph_key)
    return dispatcher
