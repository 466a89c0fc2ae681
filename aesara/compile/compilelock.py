"""A lock on a whole compile directory, across threads and processes.

aesara's compile cache (:mod:`aesara.link.c.cache`) locks each entry while
it is built, so compilations into one directory do not need a global lock.
This module gives the directory-wide lock of Aesara's API for code that
wants one (e.g. to inspect or clean a cache directory while nothing else
builds through this API): :func:`lock_ctx` holds an exclusive ``flock`` on
``<dir>/.lock``, re-entrant within a thread; :func:`get_lock` /
:func:`release_lock` are the older acquire/release form and
:func:`set_lock_status` turns them into no-ops; :func:`force_unlock` removes
a lock file left behind.
"""

from __future__ import annotations

import contextlib
import os
import threading
import time
from collections.abc import Iterator

try:  # POSIX advisory locks; without them only threads are serialised.
    import fcntl
except ImportError:  # pragma: no cover - Windows
    fcntl = None  # type: ignore[assignment]

__all__ = [
    "force_unlock",
    "get_lock",
    "lock_ctx",
    "release_lock",
    "set_lock_status",
]

_LOCK_NAME = ".lock"
# How often a waiting process retries a busy lock.
_POLL_SECONDS = 0.05


class _Held(threading.local):
    """Per thread: lock directory -> (open descriptor, nesting depth)."""

    def __init__(self):
        self.locks: dict[str, list] = {}

    @property
    def _locks(self) -> dict[str, list]:
        return self.locks


_held = _Held()
#: This thread's held directory locks (Aesara's name for the thread-local
#: record; ``local_mem._locks`` is the same dict as ``local_mem.locks``).
local_mem = _held
# Threads of one process exclude each other with these (flock alone would
# let two descriptors of one process both hold the lock on some systems).
_thread_locks: dict[str, threading.Lock] = {}
_thread_locks_guard = threading.Lock()


def _key(lock_dir: str | os.PathLike | None) -> str:
    if lock_dir is None:
        from aesara.configdefaults import config

        lock_dir = config.compiledir
    return os.path.abspath(os.fspath(lock_dir))


def _acquire(key: str, timeout: float | None) -> None:
    held = _held.locks.get(key)
    if held is not None:
        held[1] += 1
        return
    with _thread_locks_guard:
        tlock = _thread_locks.setdefault(key, threading.Lock())
    deadline = None if timeout is None or timeout < 0 else time.monotonic() + timeout
    if not tlock.acquire(timeout=-1 if deadline is None else max(timeout, 0)):
        raise TimeoutError(f"Timed out after {timeout} s waiting for the lock on {key}")
    fd = None
    try:
        if fcntl is not None:
            os.makedirs(key, mode=0o700, exist_ok=True)
            fd = os.open(os.path.join(key, _LOCK_NAME), os.O_RDWR | os.O_CREAT, 0o600)
            while True:
                try:
                    fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                    break
                except BlockingIOError:
                    if deadline is not None and time.monotonic() >= deadline:
                        raise TimeoutError(
                            f"Timed out after {timeout} s waiting for the lock on {key} "
                            f"(held by another process; `aesara.compile.compilelock."
                            f"force_unlock({key!r})` removes a stale one)"
                        ) from None
                    time.sleep(_POLL_SECONDS)
    except BaseException:
        if fd is not None:
            os.close(fd)
        tlock.release()
        raise
    _held.locks[key] = [fd, 1]


def _release(key: str) -> None:
    held = _held.locks.get(key)
    if held is None:
        raise RuntimeError(f"The lock on {key} is not held by this thread")
    held[1] -= 1
    if held[1]:
        return
    del _held.locks[key]
    fd = held[0]
    if fd is not None:
        with contextlib.suppress(OSError):
            fcntl.flock(fd, fcntl.LOCK_UN)
        os.close(fd)
    _thread_locks[key].release()


@contextlib.contextmanager
def lock_ctx(
    lock_dir: str | os.PathLike | None = None, *, timeout: float | None = None
) -> Iterator[None]:
    """Hold the lock on ``lock_dir`` for the duration of the ``with`` block.

    Parameters
    ----------
    lock_dir
        The directory to lock (created if missing); ``config.compiledir``
        by default.
    timeout
        Seconds to wait for the lock; ``config.compile__timeout`` by
        default, a negative value waits forever.

    Raises
    ------
    TimeoutError
        If the lock could not be obtained in time.
    """
    if timeout is None:
        from aesara.configdefaults import config

        timeout = config.compile__timeout
    key = _key(lock_dir)
    _acquire(key, timeout)
    try:
        yield
    finally:
        _release(key)


_lock_enabled = True
# Locks taken by ``get_lock`` and not yet released, innermost last.
_get_lock_stack: list[str] = []


def set_lock_status(use_lock: bool) -> None:
    """Turn :func:`get_lock`/:func:`release_lock` on or off (``lock_ctx`` always locks)."""
    global _lock_enabled
    _lock_enabled = bool(use_lock)


def get_lock(lock_dir: str | os.PathLike | None = None, **kw) -> None:
    """Take the lock on ``lock_dir`` until :func:`release_lock` (re-entrant).

    ``timeout`` may be given as a keyword (as for :func:`lock_ctx`).
    """
    if not _lock_enabled:
        return
    timeout = kw.pop("timeout", None)
    if kw:
        raise TypeError(f"get_lock got unexpected keyword arguments {sorted(kw)}")
    if timeout is None:
        from aesara.configdefaults import config

        timeout = config.compile__timeout
    key = _key(lock_dir)
    _acquire(key, timeout)
    _get_lock_stack.append(key)


def release_lock() -> None:
    """Release the innermost lock taken by :func:`get_lock` (no-op if none)."""
    if _lock_enabled and _get_lock_stack:
        _release(_get_lock_stack.pop())


def force_unlock(lock_dir: str | os.PathLike | None = None) -> None:
    """Remove the lock file of ``lock_dir`` and forget this thread's hold on it.

    A process waiting on the old file keeps waiting on it; new lockers use a
    fresh file. Meant for a lock left behind, e.g. from the command line
    (``python -m aesara.bin.aesara_cache unlock``).
    """
    key = _key(lock_dir)
    held = _held.locks.pop(key, None)
    if held is not None:
        held[1] = 1
        _held.locks[key] = held
        _release(key)
    with contextlib.suppress(FileNotFoundError):
        os.remove(os.path.join(key, _LOCK_NAME))
