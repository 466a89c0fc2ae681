"""A content-addressed, bounded, process- and thread-safe compile cache.

Every entry is a directory of files (a compiled module, a pickled rewritten
graph, ...) stored under a key computed from *what* was built: the generated
source, the compiler, its flags, the CPU features. Keys never depend on
``id()`` or ``hash()`` of Python objects, so another process computing the
same thing finds the same entry.

Layout under the cache root (``config.compiledir`` by default)::

    entries/<k[:2]>/<key>/...files...      one finished entry
    entries/<k[:2]>/<key>/MANIFEST.json    sizes and sha256 of its files
    locks/<key>.lock                       held while <key> is being built
    locks/ledger.lock                      held while SIZE is updated
    SIZE                                   total bytes of the finished entries
    tmp/<random>/                          entries being built

How it stays safe:

* An entry is built in ``tmp/`` and moved into place with one ``rename``;
  readers never see a half-written entry. The manifest is written last and
  lists every file with its size and digest, so a truncated or corrupted
  entry is detected on first use, discarded and rebuilt.
* A key being built is guarded by an exclusive ``flock`` on its lock file
  (released by the kernel if the process dies), plus a thread lock in this
  process; a second builder waits, then finds the finished entry.
* The cache is bounded: least-recently-used entries are evicted when the
  total size goes over ``max_bytes``, down to 90% of it. The total is kept
  in a small ledger file (``SIZE``, updated under its own lock), so a build
  costs no walk over the entries; the walk happens only to evict, or to
  rebuild a ledger that a removal invalidated. An entry is touched each time
  it is used.
* The root is created with owner-only permissions, and a root that other
  users can write to is refused (code loaded from it could be replaced).
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import shutil
import stat
import tempfile
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

try:  # POSIX advisory locks; without them only threads are serialised.
    import fcntl
except ImportError:  # pragma: no cover - Windows
    fcntl = None  # type: ignore[assignment]

__all__ = [
    "CacheEntry",
    "CompileCache",
    "UnsafeCacheDirectoryError",
    "default_cache",
    "make_key",
]

MANIFEST = "MANIFEST.json"
_FORMAT_VERSION = 1
# Temporary build directories older than this are left over from killed
# processes and may be removed.
_STALE_TMP_SECONDS = 3600.0
_LEDGER = "SIZE"
# Eviction goes below the bound, so that the next one is many builds away.
_EVICT_TO = 0.9


class UnsafeCacheDirectoryError(PermissionError):
    """The cache directory is owned or writable by someone else."""


def make_key(*parts: Any) -> str:
    """A deterministic hex key from strings, bytes, numbers and nested tuples.

    Parameters
    ----------
    parts
        The things that determine the content: source text, compiler
        version, flags, ... Dicts are keyed in sorted order.

    Returns
    -------
    str
        A 64-character sha256 hex digest.
    """
    h = hashlib.sha256()

    def feed(obj: Any) -> None:
        if isinstance(obj, bytes):
            h.update(b"b%d:" % len(obj))
            h.update(obj)
        elif isinstance(obj, str):
            data = obj.encode("utf-8")
            h.update(b"s%d:" % len(data))
            h.update(data)
        elif obj is None or isinstance(obj, bool | int | float):
            feed(repr(obj).encode())
        elif isinstance(obj, tuple | list):
            h.update(b"(%d:" % len(obj))
            for item in obj:
                feed(item)
            h.update(b")")
        elif isinstance(obj, dict):
            feed(tuple(sorted((str(k), v) for k, v in obj.items())))
        else:
            raise TypeError(
                f"make_key: cannot key an object of type {type(obj).__name__}; "
                "use str, bytes, numbers, None, or tuples/lists/dicts of them"
            )

    feed(("aesara-cache", _FORMAT_VERSION))
    for part in parts:
        feed(part)
    return h.hexdigest()


def _sha256_file(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


@dataclass(frozen=True)
class CacheEntry:
    """A finished cache entry.

    Attributes
    ----------
    key
        The entry's key.
    path
        Directory holding the entry's files.
    size
        Total bytes of its files.
    last_used
        Time of last use (seconds since the epoch).
    meta
        The metadata the builder recorded.
    """

    key: str
    path: Path
    size: int
    last_used: float
    meta: dict


class CompileCache:
    """A directory of content-addressed build results.

    Parameters
    ----------
    root
        The cache directory; ``config.compiledir`` when omitted.
    max_bytes
        Soft bound on the total size of the entries;
        ``config.compiledir_max_bytes`` when omitted. 0 means unbounded.
    """

    def __init__(self, root: str | os.PathLike | None = None, max_bytes=None):
        if root is None or max_bytes is None:
            from aesara.configdefaults import config

            root = config.compiledir if root is None else root
            max_bytes = config.compiledir_max_bytes if max_bytes is None else max_bytes
        self.root = Path(root)
        self.max_bytes = int(max_bytes)
        self._thread_locks: dict[str, threading.Lock] = {}
        self._thread_locks_guard = threading.Lock()
        # Entries verified by this process: no need to hash them again.
        self._verified: set[str] = set()
        self._prepared = False
        self._prepare_guard = threading.Lock()
        self._ledger_thread_lock = threading.Lock()

    # ------------------------------------------------------------------
    # Directory safety
    # ------------------------------------------------------------------
    def _prepare(self) -> None:
        if self._prepared:
            return
        with self._prepare_guard:
            if self._prepared:
                return
            self.root.mkdir(mode=0o700, parents=True, exist_ok=True)
            self.check_safe()
            for sub in ("entries", "locks", "tmp"):
                (self.root / sub).mkdir(mode=0o700, exist_ok=True)
            self._prepared = True
        # Builds of killed processes leave directories in tmp/: drop old ones.
        self.clean_tmp()

    def check_safe(self) -> None:
        """Raise if the cache root is not owned by us or is writable by others.

        Raises
        ------
        UnsafeCacheDirectoryError
            When the directory belongs to another user or its mode lets the
            group or other users write to it.
        """
        st = os.stat(self.root)
        if hasattr(os, "getuid") and st.st_uid != os.getuid():
            raise UnsafeCacheDirectoryError(
                f"The compile cache directory {self.root} belongs to user id "
                f"{st.st_uid}, not to you (uid {os.getuid()}); aesara will not "
                "load compiled code from it. Set config.compiledir (or "
                "AESARA_FLAGS=compiledir=...) to a directory of your own."
            )
        if os.name == "posix" and st.st_mode & (stat.S_IWGRP | stat.S_IWOTH):
            raise UnsafeCacheDirectoryError(
                f"The compile cache directory {self.root} is writable by other "
                f"users (mode {stat.S_IMODE(st.st_mode):#o}); anyone could replace "
                "the code aesara loads from it. Run `chmod 700 "
                f"{self.root}` or choose another config.compiledir."
            )

    # ------------------------------------------------------------------
    # Paths and locks
    # ------------------------------------------------------------------
    def entry_path(self, key: str) -> Path:
        """Directory where the entry for ``key`` lives (whether or not it exists)."""
        _check_key(key)
        return self.root / "entries" / key[:2] / key

    @contextlib.contextmanager
    def lock(self, key: str, blocking: bool = True) -> Iterator[bool]:
        """Hold the build lock of ``key`` (across threads and processes).

        Yields whether the lock was obtained (always True when blocking).
        """
        self._prepare()
        with self._thread_locks_guard:
            tlock = self._thread_locks.setdefault(key, threading.Lock())
        if not tlock.acquire(blocking):
            yield False
            return
        try:
            if fcntl is None:  # pragma: no cover - Windows
                yield True
                return
            path = self.root / "locks" / f"{key}.lock"
            fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
            try:
                flags = fcntl.LOCK_EX | (0 if blocking else fcntl.LOCK_NB)
                try:
                    fcntl.flock(fd, flags)
                except BlockingIOError:
                    yield False
                    return
                try:
                    yield True
                finally:
                    fcntl.flock(fd, fcntl.LOCK_UN)
            finally:
                os.close(fd)
        finally:
            tlock.release()

    # ------------------------------------------------------------------
    # Reading
    # ------------------------------------------------------------------
    def _read_manifest(self, path: Path) -> dict | None:
        try:
            with open(path / MANIFEST, encoding="utf-8") as f:
                manifest = json.load(f)
        except (OSError, ValueError):
            return None
        if not isinstance(manifest, dict) or not isinstance(
            manifest.get("files"), dict
        ):
            return None
        return manifest

    def _verify(self, key: str, path: Path) -> dict | None:
        """The manifest of a complete, uncorrupted entry, else None."""
        manifest = self._read_manifest(path)
        if manifest is None or manifest.get("key") != key:
            return None
        if key in self._verified:
            return manifest
        for name, (size, digest) in manifest["files"].items():
            file = path / name
            try:
                if file.stat().st_size != size or _sha256_file(file) != digest:
                    return None
            except OSError:
                return None
        self._verified.add(key)
        return manifest

    def get(self, key: str) -> CacheEntry | None:
        """The finished entry of ``key``, or None if absent or corrupt.

        A corrupt entry (truncated file, bad digest, missing manifest) is
        removed so that the next build replaces it.
        """
        self._prepare()
        path = self.entry_path(key)
        if not path.exists():
            return None
        manifest = self._verify(key, path)
        if manifest is None:
            self._verified.discard(key)
            self._discard_corrupt(key, path)
            return None
        now = time.time()
        with contextlib.suppress(OSError):
            os.utime(path / MANIFEST, (now, now))
        return CacheEntry(
            key, path, int(manifest.get("size", 0)), now, manifest.get("meta", {})
        )

    def _discard_corrupt(self, key: str, path: Path) -> None:
        # Only under the key's lock and if still corrupt: meanwhile another
        # process may have replaced it with a good entry that it is using.
        # When the lock is taken (a builder, or our own get_or_build), leave
        # it: _build replaces a corrupt leftover.
        with self.lock(key, blocking=False) as got:
            if got and self._verify(key, path) is None:
                if self._remove_entry_dir(path):
                    self._invalidate_ledger()

    # ------------------------------------------------------------------
    # Building
    # ------------------------------------------------------------------
    def get_or_build(
        self,
        key: str,
        build: Callable[[Path], dict | None],
    ) -> CacheEntry:
        """The entry of ``key``, building it with ``build`` if needed.

        Parameters
        ----------
        key
            From :func:`make_key`.
        build
            ``build(directory)`` writes the entry's files into ``directory``
            (an empty temporary directory) and returns metadata to record (a
            JSON-serialisable dict, or None). If it raises, nothing is stored
            and the exception propagates.

        Returns
        -------
        CacheEntry
        """
        entry = self.get(key)
        if entry is not None:
            return entry
        with self.lock(key):
            # Somebody else may have built it while we waited.
            entry = self.get(key)
            if entry is not None:
                return entry
            entry = self._build(key, build)
        self._evict_if_needed(keep=key, added=entry.size)
        return entry

    def _build(self, key: str, build: Callable[[Path], dict | None]) -> CacheEntry:
        tmp = Path(tempfile.mkdtemp(prefix=f"{key[:16]}-", dir=self.root / "tmp"))
        try:
            meta = build(tmp) or {}
            files: dict[str, list] = {}
            total = 0
            for file in sorted(tmp.rglob("*")):
                if file.is_file():
                    rel = file.relative_to(tmp).as_posix()
                    size = file.stat().st_size
                    files[rel] = [size, _sha256_file(file)]
                    total += size
            manifest = {
                "key": key,
                "format": _FORMAT_VERSION,
                "created": time.time(),
                "size": total,
                "files": files,
                "meta": meta,
            }
            partial = tmp / (MANIFEST + ".part")
            # No fsync: a file torn by a power cut fails its digest check on
            # first use and the entry is rebuilt.
            with open(partial, "w", encoding="utf-8") as f:
                json.dump(manifest, f)
            os.replace(partial, tmp / MANIFEST)
            final = self.entry_path(key)
            final.parent.mkdir(mode=0o700, exist_ok=True)
            if final.exists():
                # A corrupt leftover not removed by get(): replace it.
                self._remove_entry_dir(final)
                self._invalidate_ledger()
            os.rename(tmp, final)
        except BaseException:
            shutil.rmtree(tmp, ignore_errors=True)
            raise
        self._verified.add(key)
        return CacheEntry(key, final, total, time.time(), meta)

    # ------------------------------------------------------------------
    # Listing, eviction, clearing
    # ------------------------------------------------------------------
    def entries(self) -> list[CacheEntry]:
        """All finished entries (unverified), least recently used first."""
        self._prepare()
        found = []
        for shard in _listdir(self.root / "entries"):
            for path in _listdir(shard):
                manifest = self._read_manifest(path)
                if manifest is None:
                    continue
                try:
                    used = (path / MANIFEST).stat().st_mtime
                except OSError:
                    continue
                found.append(
                    CacheEntry(
                        path.name,
                        path,
                        int(manifest.get("size", 0)),
                        used,
                        manifest.get("meta", {}),
                    )
                )
        found.sort(key=lambda e: e.last_used)
        return found

    def total_bytes(self) -> int:
        """Total size of the finished entries, in bytes."""
        return sum(e.size for e in self.entries())

    # ------------------------------------------------------------------
    # Size ledger
    # ------------------------------------------------------------------
    @contextlib.contextmanager
    def _ledger_lock(self) -> Iterator[None]:
        """Serialise ledger updates and evictions, across threads and processes."""
        self._prepare()
        with self._ledger_thread_lock:
            if fcntl is None:  # pragma: no cover - Windows
                yield
                return
            fd = os.open(
                self.root / "locks" / "ledger.lock", os.O_RDWR | os.O_CREAT, 0o600
            )
            try:
                fcntl.flock(fd, fcntl.LOCK_EX)
                try:
                    yield
                finally:
                    fcntl.flock(fd, fcntl.LOCK_UN)
            finally:
                os.close(fd)

    def _read_ledger(self) -> int | None:
        try:
            value = int((self.root / _LEDGER).read_text().strip())
        except (OSError, ValueError):
            return None
        return value if value >= 0 else None

    def _write_ledger(self, total: int) -> None:
        part = self.root / f"{_LEDGER}.{os.urandom(16).hex()}.part"
        try:
            part.write_text(str(max(0, int(total))))
            os.replace(part, self.root / _LEDGER)
        except OSError:
            with contextlib.suppress(OSError):
                part.unlink()

    def _invalidate_ledger(self) -> None:
        # Lock-free on purpose (eviction removes entries while holding the
        # ledger lock): the next update recounts from the entries.
        with contextlib.suppress(OSError):
            (self.root / _LEDGER).unlink()

    def _add_to_ledger(self, added: int) -> int:
        """Add ``added`` bytes (an entry already in place) to the ledger; the new total."""
        with self._ledger_lock():
            total = self._read_ledger()
            # A missing ledger is recounted, the new entry included.
            total = self.total_bytes() if total is None else total + added
            self._write_ledger(total)
            return total

    def _evict_if_needed(self, keep: str | None = None, added: int = 0) -> int:
        if self.max_bytes <= 0:
            return 0
        if self._add_to_ledger(added) <= self.max_bytes:
            return 0
        with self._ledger_lock():
            # The real sizes, not the ledger's: other processes may have
            # evicted or removed entries meanwhile.
            entries = self.entries()
            total = sum(e.size for e in entries)
            target = (
                int(self.max_bytes * _EVICT_TO) if total > self.max_bytes else total
            )
            removed = 0
            for entry in entries:
                if total <= target:
                    break
                if entry.key == keep:
                    continue
                if self.remove(entry.key, blocking=False):
                    total -= entry.size
                    removed += 1
            self._write_ledger(total)
        return removed

    def remove(self, key: str, blocking: bool = True) -> bool:
        """Remove the entry of ``key``; False if it is being built right now."""
        with self.lock(key, blocking=blocking) as got:
            if not got:
                return False
            self._verified.discard(key)
            removed = self._remove_entry_dir(self.entry_path(key))
            if removed:
                self._invalidate_ledger()
            return removed

    def _remove_entry_dir(self, path: Path) -> bool:
        # Rename first so that nobody sees a half-deleted entry.
        grave = self.root / "tmp" / f"dead-{os.urandom(16).hex()}"
        try:
            os.rename(path, grave)
        except OSError:
            return False
        shutil.rmtree(grave, ignore_errors=True)
        return True

    def clear(self) -> int:
        """Remove every entry not being built; returns how many were removed."""
        return sum(self.remove(e.key, blocking=False) for e in self.entries())

    def purge(self) -> None:
        """Remove every entry, stale temporary directory and unused lock file."""
        self.clear()
        self.clean_tmp(max_age=0.0)
        for lock in _listdir(self.root / "locks"):
            key = lock.name.removesuffix(".lock")
            if not _is_key(key):
                continue
            with self.lock(key, blocking=False) as got:
                if got:
                    with contextlib.suppress(OSError):
                        lock.unlink()

    def clean_tmp(self, max_age: float = _STALE_TMP_SECONDS) -> int:
        """Remove temporary build directories older than ``max_age`` seconds."""
        self._prepare()
        now = time.time()
        removed = 0
        for path in _listdir(self.root / "tmp"):
            try:
                if now - path.stat().st_mtime < max_age:
                    continue
            except OSError:
                continue
            shutil.rmtree(path, ignore_errors=True)
            removed += 1
        return removed

    def info(self) -> dict[str, Any]:
        """A summary: root, number of entries, bytes used, the bound."""
        entries = self.entries()
        return {
            "root": str(self.root),
            "entries": len(entries),
            "bytes": sum(e.size for e in entries),
            "max_bytes": self.max_bytes,
            "tmp_dirs": len(list(_listdir(self.root / "tmp"))),
        }


def _listdir(path: Path) -> Iterable[Path]:
    try:
        return list(path.iterdir())
    except OSError:
        return []


def _is_key(key: str) -> bool:
    return len(key) == 64 and all(c in "0123456789abcdef" for c in key)


def _check_key(key: str) -> None:
    if not _is_key(key):
        raise ValueError(
            f"Expected a cache key (64 lowercase hex digits from make_key), got {key!r}"
        )


_default_lock = threading.Lock()
_default: CompileCache | None = None


def default_cache() -> CompileCache:
    """The process-wide cache over ``config.compiledir``."""
    global _default
    with _default_lock:
        if _default is None:
            _default = CompileCache()
        return _default
