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
  rebuild a ledger that is missing (a new cache, or an entry removed whose
  recorded size was unreadable). An entry is touched each time it is used.
* Each entry's size is added to the ledger in the same critical section
  (under the ledger lock) that renames the entry into place, and subtracted
  in the one that renames it out; a recount therefore never sees an entry
  whose size is still to be added, and concurrent builders and removers
  keep it exact.
* The root is created with owner-only permissions, and a root that other
  users can write to is refused (code loaded from it could be replaced).
  The same rule holds for every directory inside it (``entries/``, its
  shards and entries, ``locks/``, ``tmp/``): one that belongs to another
  user or that the group or other users can write to raises
  :class:`UnsafeCacheDirectoryError`, as does a symbolic link where a
  directory is expected (it could lead anywhere). Modes are never changed
  behind the user's back: the error names the path and the command that
  fixes it. A plain file where a directory is expected raises
  :class:`CacheLayoutError` and is left untouched (except in a shard, where
  a stray file named by a key is a corrupt entry: discarded and rebuilt).
  Both derive from :class:`CacheDirectoryError`.
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
    "CacheDirectoryError",
    "CacheEntry",
    "CacheLayoutError",
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
# The directories directly under the root.
_SUBDIRS = ("entries", "locks", "tmp")
# Lock files are never followed through a symbolic link (O_CREAT would
# otherwise create or open a file wherever the link points).
_OPEN_LOCK = os.O_RDWR | os.O_CREAT | getattr(os, "O_NOFOLLOW", 0)
_OPEN_LOCK |= getattr(os, "O_CLOEXEC", 0)


class CacheDirectoryError(OSError):
    """A directory of the compile cache cannot be used as it is.

    Attributes
    ----------
    path
        The offending path.
    """

    def __init__(self, message: str, path: str | os.PathLike = ""):
        super().__init__(message)
        self.path = str(path)

    def __str__(self) -> str:
        return str(self.args[0]) if self.args else ""


class UnsafeCacheDirectoryError(CacheDirectoryError, PermissionError):
    """A cache directory is owned or writable by someone else, or is a link."""


class CacheLayoutError(CacheDirectoryError, NotADirectoryError):
    """Something other than a directory is where the cache expects one."""


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


def _kind_of(mode: int) -> str:
    if stat.S_ISREG(mode):
        return "a regular file"
    if stat.S_ISLNK(mode):
        return "a symbolic link"
    if stat.S_ISFIFO(mode):
        return "a named pipe"
    if stat.S_ISSOCK(mode):
        return "a socket"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    return "not a directory"


def _check_owner_and_mode(path: Path, st: os.stat_result) -> None:
    """Raise :class:`UnsafeCacheDirectoryError` unless only we can write ``path``."""
    if hasattr(os, "getuid") and st.st_uid != os.getuid():
        raise UnsafeCacheDirectoryError(
            f"The compile cache directory {path} belongs to user id "
            f"{st.st_uid}, not to you (uid {os.getuid()}); aesara will not "
            "load compiled code from it. Set config.compiledir (or "
            "AESARA_FLAGS=compiledir=...) to a directory of your own.",
            path,
        )
    if os.name == "posix" and st.st_mode & (stat.S_IWGRP | stat.S_IWOTH):
        raise UnsafeCacheDirectoryError(
            f"The compile cache directory {path} is writable by other "
            f"users (mode {stat.S_IMODE(st.st_mode):#o}, expected no write "
            "permission for group and others); anyone could replace the code "
            f"aesara loads from it. Run `chmod 700 {path}` or choose another "
            "config.compiledir.",
            path,
        )


def _check_real_dir(path: Path, st: os.stat_result) -> None:
    """Raise unless ``st`` (from ``lstat``) is a safe, real directory."""
    if stat.S_ISLNK(st.st_mode):
        try:
            target = os.readlink(path)
        except OSError:  # pragma: no cover - raced away
            target = "?"
        raise UnsafeCacheDirectoryError(
            f"{path} should be a directory of the compile cache but is a "
            f"symbolic link (to {target}); aesara does not follow links inside "
            "its cache, since one could lead it to load code from a place "
            f"someone else controls. Remove the link (`rm {path}`); aesara "
            "then recreates the directory.",
            path,
        )
    if not stat.S_ISDIR(st.st_mode):
        raise CacheLayoutError(
            f"{path} should be a directory of the compile cache but is "
            f"{_kind_of(st.st_mode)}; aesara leaves it untouched. Move it out "
            f"of the way (e.g. `mv {path} {path}.moved`) and aesara recreates "
            "the directory, or choose another config.compiledir.",
            path,
        )
    _check_owner_and_mode(path, st)


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
    created
        When the entry was built (from its manifest); tells this entry
        from a later rebuild under the same key.
    """

    key: str
    path: Path
    size: int
    last_used: float
    meta: dict
    created: float = 0.0


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
        # Shards (entries/<k[:2]>) checked by this process.
        self._shards_ok: set[str] = set()
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
            try:
                self.root.mkdir(mode=0o700, parents=True, exist_ok=True)
            except FileExistsError:
                pass  # not a directory: _check_root says so clearly
            except OSError as e:
                raise CacheDirectoryError(
                    f"Cannot create the compile cache directory {self.root}: "
                    f"{e.strerror or e}. Set config.compiledir (or "
                    "AESARA_FLAGS=compiledir=...) to a directory you can write to.",
                    self.root,
                ) from e
            self._check_root()
            for sub in _SUBDIRS:
                path = self.root / sub
                with contextlib.suppress(FileExistsError):
                    path.mkdir(mode=0o700)
                _check_real_dir(path, os.lstat(path))
            self._prepared = True
        # Builds of killed processes leave directories in tmp/: drop old ones.
        self.clean_tmp()

    def _check_root(self) -> None:
        # The root itself may be a link (say, to a scratch disk): it is
        # judged by what it points to.
        try:
            st = os.stat(self.root)
        except OSError as e:
            raise CacheDirectoryError(
                f"Cannot use the compile cache directory {self.root}: "
                f"{e.strerror or e}.",
                self.root,
            ) from e
        if not stat.S_ISDIR(st.st_mode):
            raise CacheLayoutError(
                f"The compile cache directory {self.root} is "
                f"{_kind_of(st.st_mode)}, not a directory. Set config.compiledir "
                "(or AESARA_FLAGS=compiledir=...) to a directory.",
                self.root,
            )
        _check_owner_and_mode(self.root, st)

    def check_safe(self) -> None:
        """Raise if the cache root or a directory in it is unsafe or not a directory.

        The root, and those of ``entries/``, ``locks/`` and ``tmp/`` that
        exist, must be directories that belong to us and that neither the
        group nor other users can write to; inside the root they must be
        real directories, not symbolic links. Nothing is modified: the
        error says how to fix the directory.

        Raises
        ------
        UnsafeCacheDirectoryError
            When a directory belongs to another user, its mode lets the
            group or other users write to it, or (inside the root) it is a
            symbolic link.
        CacheLayoutError
            When a file (or anything but a directory) is where a directory
            is expected.
        """
        self._check_root()
        for sub in _SUBDIRS:
            path = self.root / sub
            try:
                st = os.lstat(path)
            except FileNotFoundError:
                continue
            _check_real_dir(path, st)

    def _shard_exists(self, key: str) -> bool:
        """Whether the shard of ``key`` exists; raises if it is unsafe."""
        shard = key[:2]
        if shard in self._shards_ok:
            return True
        path = self.root / "entries" / shard
        try:
            st = os.lstat(path)
        except FileNotFoundError:
            return False
        _check_real_dir(path, st)
        self._shards_ok.add(shard)
        return True

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
            fd = self._lock_file(self.root / "locks" / f"{key}.lock", blocking)
            if fd is None:
                yield False
                return
            try:
                yield True
            finally:
                fcntl.flock(fd, fcntl.LOCK_UN)
                os.close(fd)
        finally:
            tlock.release()

    def _lock_file(self, path: Path, blocking: bool) -> int | None:
        """An open descriptor holding ``flock`` on ``path``; None if busy."""
        flags = fcntl.LOCK_EX | (0 if blocking else fcntl.LOCK_NB)
        while True:
            try:
                fd = os.open(path, _OPEN_LOCK, 0o600)
            except OSError as e:
                if os.path.islink(path):
                    raise UnsafeCacheDirectoryError(
                        f"The lock file {path} is a symbolic link; aesara does "
                        f"not follow links inside its cache. Remove it (`rm {path}`).",
                        path,
                    ) from e
                raise
            try:
                fcntl.flock(fd, flags)
            except BlockingIOError:
                os.close(fd)
                return None
            # `purge` may have unlinked the file between our open() and
            # flock(): a lock on the orphan excludes nobody, take it again.
            try:
                here = os.stat(path, follow_symlinks=False)
                mine = os.fstat(fd)
                if (here.st_dev, here.st_ino) == (mine.st_dev, mine.st_ino):
                    return fd
            except FileNotFoundError:
                pass
            except BaseException:
                os.close(fd)
                raise
            os.close(fd)

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
        try:
            for name, (size, digest) in manifest["files"].items():
                file = path / name
                if file.stat().st_size != size or _sha256_file(file) != digest:
                    return None
        except (OSError, TypeError, ValueError):
            return None
        self._verified.add(key)
        return manifest

    def get(self, key: str) -> CacheEntry | None:
        """The finished entry of ``key``, or None if absent or corrupt.

        A corrupt entry (truncated file, bad digest, missing manifest) is
        removed so that the next build replaces it.

        Raises
        ------
        UnsafeCacheDirectoryError, CacheLayoutError
            When the entry's directory, or a directory above it, fails the
            checks of :meth:`check_safe`.
        """
        self._prepare()
        path = self.entry_path(key)
        if not self._shard_exists(key):
            return None
        try:
            st = os.lstat(path)
        except FileNotFoundError:
            return None
        if stat.S_ISLNK(st.st_mode) or stat.S_ISDIR(st.st_mode):
            _check_real_dir(path, st)  # refuses a link, or a writable entry
            manifest = self._verify(key, path)
        else:
            manifest = None  # a stray file where the entry belongs: corrupt
        if manifest is None:
            self._verified.discard(key)
            self._discard_corrupt(key, path)
            return None
        now = time.time()
        with contextlib.suppress(OSError):
            os.utime(path / MANIFEST, (now, now))
        return CacheEntry(
            key,
            path,
            int(manifest.get("size", 0)),
            now,
            manifest.get("meta", {}),
            float(manifest.get("created", 0.0)),
        )

    def _discard_corrupt(self, key: str, path: Path) -> None:
        # Only under the key's lock and if still corrupt: meanwhile another
        # process may have replaced it with a good entry that it is using.
        # When the lock is taken (a builder, or our own get_or_build), leave
        # it: _build replaces a corrupt leftover.
        with self.lock(key, blocking=False) as got:
            if got and self._verify(key, path) is None:
                with self._ledger_lock():
                    self._remove_counted(key, path)

    def discard(self, entry: CacheEntry) -> bool:
        """Remove an entry whose files are intact but unusable, so it is rebuilt.

        For an entry that passes its digest check yet does not work, e.g. a
        compiled module that fails to load (written damaged and its manifest
        regenerated, or built for another system). Waits for the key's
        build lock; nothing is removed if the entry was replaced meanwhile
        (another process found the same problem and rebuilt it).

        Parameters
        ----------
        entry
            As returned by :meth:`get` or :meth:`get_or_build`.

        Returns
        -------
        bool
            Whether the entry was removed.
        """
        with self.lock(entry.key):
            manifest = self._read_manifest(entry.path)
            if manifest is not None and manifest.get("created") != entry.created:
                return False
            with self._ledger_lock():
                return self._remove_counted(entry.key, entry.path)

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
            entry, total = self._build(key, build)
        if 0 < self.max_bytes < total:
            self._evict(keep=key)
        return entry

    def _build(
        self, key: str, build: Callable[[Path], dict | None]
    ) -> tuple[CacheEntry, int]:
        """Build ``key`` and move it into place; the entry and the new total.

        The caller holds the key's lock.
        """
        final = self.entry_path(key)
        with contextlib.suppress(FileExistsError):
            final.parent.mkdir(mode=0o700)
        self._shard_exists(key)  # raises (before compiling) if unsafe
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
            # The entry appears and its size is counted in one step under
            # the ledger lock: a recount sees either neither or both.
            with self._ledger_lock():
                existing = None
                if os.path.lexists(final):
                    existing = self._verify(key, final) if final.is_dir() else None
                    if existing is None:
                        # A corrupt leftover not removed by get(): replace it.
                        self._remove_counted(key, final)
                if existing is None:
                    os.rename(tmp, final)
                    ledger = self._read_ledger()
                    # A missing ledger is recounted, the new entry included.
                    ledger = self.total_bytes() if ledger is None else ledger + total
                    self._write_ledger(ledger)
                else:
                    ledger = self._read_ledger() or 0
        except BaseException:
            shutil.rmtree(tmp, ignore_errors=True)
            raise
        if existing is not None:
            # Another builder got there first (its lock file was replaced
            # under us): use its entry, and count nothing of ours.
            shutil.rmtree(tmp, ignore_errors=True)
            return (
                CacheEntry(
                    key,
                    final,
                    int(existing.get("size", 0)),
                    time.time(),
                    existing.get("meta", {}),
                    float(existing.get("created", 0.0)),
                ),
                ledger,
            )
        self._verified.add(key)
        entry = CacheEntry(
            key, final, total, time.time(), meta, float(manifest["created"])
        )
        return entry, ledger

    # ------------------------------------------------------------------
    # Listing, eviction, clearing
    # ------------------------------------------------------------------
    def entries(self) -> list[CacheEntry]:
        """All finished entries (unverified), least recently used first.

        Raises
        ------
        UnsafeCacheDirectoryError, CacheLayoutError
            When a shard directory fails the checks of :meth:`check_safe`.
        """
        self._prepare()
        found = []
        for shard in _listdir(self.root / "entries"):
            if shard.name not in self._shards_ok:
                try:
                    st = os.lstat(shard)
                except FileNotFoundError:
                    continue
                _check_real_dir(shard, st)
                self._shards_ok.add(shard.name)
            for path in _listdir(shard):
                if path.is_symlink():
                    continue  # never an entry; get() refuses it by name
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
                        float(manifest.get("created", 0.0)),
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
        """Serialise entries moving in or out with their ledger updates.

        Taken after a key's lock, never before one except without waiting
        (eviction), so that the two cannot deadlock.
        """
        self._prepare()
        with self._ledger_thread_lock:
            if fcntl is None:  # pragma: no cover - Windows
                yield
                return
            fd = self._lock_file(self.root / "locks" / "ledger.lock", True)
            assert fd is not None
            try:
                yield
            finally:
                fcntl.flock(fd, fcntl.LOCK_UN)
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
            # A stale value would be wrong from now on; none is recounted.
            self._invalidate_ledger()

    def _invalidate_ledger(self) -> None:
        # The next update recounts from the entries.
        with contextlib.suppress(OSError):
            (self.root / _LEDGER).unlink()

    def _remove_counted(self, key: str, path: Path) -> bool:
        """Remove the entry directory ``path`` of ``key`` and uncount its size.

        The caller holds the key's lock and the ledger lock. Only a removal
        that happened subtracts (two removers of one entry cannot both
        succeed); an entry whose recorded size is unreadable invalidates
        the ledger instead, so that it is recounted.
        """
        self._verified.discard(key)
        manifest = self._read_manifest(path)
        size = manifest.get("size") if manifest and manifest.get("key") == key else None
        if not self._remove_entry_dir(path):
            return False
        total = self._read_ledger()
        if total is not None:
            if isinstance(size, int) and 0 <= size <= total:
                self._write_ledger(total - size)
            else:
                self._invalidate_ledger()
        return True

    def _evict(self, keep: str | None = None) -> int:
        """Evict least recently used entries down to 90% of the bound."""
        with self._ledger_lock():
            # The real sizes, not the ledger's: the entries may have been
            # changed behind its back (files removed by hand).
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
                # Without waiting: a key being built (its builder waits for
                # the ledger lock we hold) is skipped.
                with self.lock(entry.key, blocking=False) as got:
                    if got and self._remove_entry_dir(entry.path):
                        self._verified.discard(entry.key)
                        total -= entry.size
                        removed += 1
            self._write_ledger(total)
        return removed

    def remove(self, key: str, blocking: bool = True) -> bool:
        """Remove the entry of ``key``; False if it is being built right now."""
        with self.lock(key, blocking=blocking) as got:
            if not got:
                return False
            with self._ledger_lock():
                return self._remove_counted(key, self.entry_path(key))

    def _remove_entry_dir(self, path: Path) -> bool:
        # Rename first so that nobody sees a half-deleted entry.
        grave = self.root / "tmp" / f"dead-{os.urandom(16).hex()}"
        try:
            os.rename(path, grave)
        except OSError:
            return False
        _remove_path(grave)
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
        if fcntl is not None:
            # The ledger's lock file too, unless held right now (a process
            # that opened it before the unlink notices and takes it again).
            path = self.root / "locks" / "ledger.lock"
            if os.path.lexists(path):
                fd = self._lock_file(path, blocking=False)
                if fd is not None:
                    with contextlib.suppress(OSError):
                        path.unlink()
                    fcntl.flock(fd, fcntl.LOCK_UN)
                    os.close(fd)

    def clean_tmp(self, max_age: float = _STALE_TMP_SECONDS) -> int:
        """Remove temporary build directories older than ``max_age`` seconds."""
        self._prepare()
        now = time.time()
        removed = 0
        for path in _listdir(self.root / "tmp"):
            try:
                if now - path.lstat().st_mtime < max_age:
                    continue
            except OSError:
                continue
            _remove_path(path)
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


def _remove_path(path: Path) -> None:
    """Remove a directory tree, or a file or link (never following a link)."""
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path, ignore_errors=True)
    else:
        with contextlib.suppress(OSError):
            path.unlink()


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
