"""The compile cache: content keys, corruption, eviction, safety, concurrency."""

from __future__ import annotations

import json
import multiprocessing as mp
import os
import shutil
import signal
import stat
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from aesara.cache import main as cache_main
from aesara.link.c.cache import (
    MANIFEST,
    CacheDirectoryError,
    CacheLayoutError,
    CompileCache,
    UnsafeCacheDirectoryError,
    make_key,
)


def write_payload(text: str, log: Path | None = None, delay: float = 0.0):
    """A builder writing one file; appends a line to ``log`` per build."""

    def build(directory: Path):
        if log is not None:
            with open(log, "a") as f:
                f.write(f"{os.getpid()}\n")
        if delay:
            time.sleep(delay)
        (directory / "payload.txt").write_text(text)
        return {"kind": "test", "text_len": len(text)}

    return build


@pytest.fixture
def cache(tmp_path):
    return CompileCache(tmp_path / "cache", max_bytes=0)


def test_make_key_is_deterministic_and_sensitive():
    k = make_key("src", ("gcc", 12), {"O": 3, "march": "native"}, b"\x00")
    assert k == make_key("src", ("gcc", 12), {"march": "native", "O": 3}, b"\x00")
    assert len(k) == 64
    assert k != make_key("src ", ("gcc", 12), {"O": 3, "march": "native"}, b"\x00")
    # Nesting is part of the key: ("ab",) differs from ("a", "b").
    assert make_key(("ab",)) != make_key(("a", "b"))
    with pytest.raises(TypeError, match="cannot key an object of type object"):
        make_key(object())


def test_build_once_then_hit(cache, tmp_path):
    log = tmp_path / "log"
    key = make_key("one")
    e1 = cache.get_or_build(key, write_payload("hello", log))
    e2 = cache.get_or_build(key, write_payload("other", log))
    assert (e2.path / "payload.txt").read_text() == "hello"
    assert e1.path == e2.path
    assert e1.meta == {"kind": "test", "text_len": 5}
    assert len(log.read_text().splitlines()) == 1
    assert cache.info()["entries"] == 1


def test_failed_build_stores_nothing(cache):
    key = make_key("fails")

    def bad(directory):
        (directory / "half.txt").write_text("x")
        raise RuntimeError("compiler exploded")

    with pytest.raises(RuntimeError, match="compiler exploded"):
        cache.get_or_build(key, bad)
    assert cache.get(key) is None
    assert cache.info()["tmp_dirs"] == 0


@pytest.mark.parametrize("damage", ["truncate", "flip", "no_manifest", "bad_json"])
def test_corrupt_entry_is_discarded_and_rebuilt(tmp_path, damage):
    log = tmp_path / "log"
    key = make_key("corrupt", damage)
    first = CompileCache(tmp_path / "c", max_bytes=0)
    entry = first.get_or_build(key, write_payload("payload " * 100, log))
    payload = entry.path / "payload.txt"
    if damage == "truncate":
        payload.write_bytes(payload.read_bytes()[:10])
    elif damage == "flip":
        data = bytearray(payload.read_bytes())
        data[3] ^= 0xFF
        payload.write_bytes(bytes(data))
    elif damage == "no_manifest":
        (entry.path / MANIFEST).unlink()
    else:
        (entry.path / MANIFEST).write_text("{not json")
    # A new process (a fresh cache object) must notice and rebuild.
    second = CompileCache(tmp_path / "c", max_bytes=0)
    assert second.get(key) is None
    rebuilt = second.get_or_build(key, write_payload("payload " * 100, log))
    assert (rebuilt.path / "payload.txt").read_text() == "payload " * 100
    assert len(log.read_text().splitlines()) == 2


def test_lru_eviction_keeps_the_bound(tmp_path):
    cache = CompileCache(tmp_path / "c", max_bytes=2500)
    keys = [make_key("lru", i) for i in range(4)]
    for i, key in enumerate(keys[:2]):
        cache.get_or_build(key, write_payload("x" * 1000))
        os.utime(cache.entry_path(key) / MANIFEST, (1000 + i, 1000 + i))
    # Using keys[0] makes keys[1] the least recently used.
    assert cache.get(keys[0]) is not None
    cache.get_or_build(keys[2], write_payload("y" * 1000))
    assert cache.get(keys[1]) is None
    assert cache.get(keys[0]) is not None
    assert cache.get(keys[2]) is not None
    assert cache.total_bytes() <= 2500
    # An entry bigger than the bound is still kept (it is the one just built).
    cache.get_or_build(keys[3], write_payload("z" * 5000))
    assert cache.get(keys[3]) is not None
    assert cache.total_bytes() == 5000


def test_builds_do_not_walk_the_entries(tmp_path, monkeypatch):
    # With many entries, walking them all on every build made each new
    # compile slower than the last; the size ledger replaces that walk.
    cache = CompileCache(tmp_path / "c", max_bytes=10**9)
    walks = []
    real_entries = CompileCache.entries

    def counting_entries(self):
        walks.append(1)
        return real_entries(self)

    monkeypatch.setattr(CompileCache, "entries", counting_entries)
    for i in range(40):
        cache.get_or_build(make_key("ledger", i), write_payload("p" * (10 + i)))
    # One count creates the ledger; the other 39 builds only add to it.
    assert len(walks) == 1
    monkeypatch.undo()
    assert int((cache.root / "SIZE").read_text()) == cache.total_bytes()


def test_ledger_recounts_after_removals(tmp_path):
    cache = CompileCache(tmp_path / "c", max_bytes=10**9)
    keys = [make_key("recount", i) for i in range(5)]
    for key in keys:
        cache.get_or_build(key, write_payload("q" * 100))
    assert cache.remove(keys[0])
    assert cache.clear() == 4
    cache.get_or_build(make_key("recount", "after"), write_payload("r" * 30))
    assert int((cache.root / "SIZE").read_text()) == cache.total_bytes() == 30


def test_ledger_from_another_process_view_is_corrected_on_eviction(tmp_path):
    # A ledger that overstates the size (entries removed behind its back)
    # triggers a real count, which evicts nothing that fits the bound.
    cache = CompileCache(tmp_path / "c", max_bytes=5000)
    keys = [make_key("overstated", i) for i in range(3)]
    for key in keys:
        cache.get_or_build(key, write_payload("s" * 1000))
    (cache.root / "SIZE").write_text("999999")
    cache.get_or_build(make_key("overstated", 3), write_payload("t" * 1000))
    assert all(cache.get(k) is not None for k in keys)
    assert int((cache.root / "SIZE").read_text()) == cache.total_bytes() == 4000


def test_eviction_goes_below_the_bound(tmp_path):
    cache = CompileCache(tmp_path / "c", max_bytes=10_000)
    for i in range(11):
        cache.get_or_build(make_key("hysteresis", i), write_payload("u" * 1000))
        os.utime(
            cache.entry_path(make_key("hysteresis", i)) / MANIFEST, (1000 + i, 1000 + i)
        )
    # 11 000 bytes went over 10 000: evicted down to 90% of the bound.
    assert cache.total_bytes() <= 9_000
    assert cache.get(make_key("hysteresis", 10)) is not None
    assert cache.get(make_key("hysteresis", 0)) is None


@pytest.mark.skipif(os.name != "posix", reason="POSIX permission bits")
def test_unsafe_directory_is_refused(tmp_path):
    root = tmp_path / "shared"
    root.mkdir()
    os.chmod(root, 0o777)
    cache = CompileCache(root, max_bytes=0)
    with pytest.raises(UnsafeCacheDirectoryError, match="writable by other users"):
        cache.get(make_key("x"))
    assert cache_main(["info", "--dir", str(root)]) == 2


@pytest.mark.skipif(os.name != "posix", reason="POSIX permission bits")
def test_new_directory_is_owner_only(tmp_path):
    cache = CompileCache(tmp_path / "new" / "cache", max_bytes=0)
    cache.get_or_build(make_key("perm"), write_payload("p"))
    mode = stat.S_IMODE(os.stat(cache.root).st_mode)
    assert mode & 0o077 == 0, oct(mode)


def test_bad_key_is_rejected(cache):
    with pytest.raises(ValueError, match="Expected a cache key"):
        cache.get("../../etc/passwd")


def test_threads_build_a_key_once(cache, tmp_path):
    log = tmp_path / "log"
    same = make_key("threads")
    others = [make_key("threads", i) for i in range(6)]

    def work(i):
        key = same if i % 2 == 0 else others[i % 6]
        entry = cache.get_or_build(key, write_payload(f"v{key[:8]}", log, delay=0.02))
        return (entry.path / "payload.txt").read_text() == f"v{key[:8]}"

    with ThreadPoolExecutor(8) as pool:
        assert all(pool.map(work, range(24)))
    built = log.read_text().splitlines()
    # One build of `same`, one per distinct odd key (1, 3, 5 mod 6).
    assert len(built) == 1 + 3


def _process_worker(root: str, log: str, n: int) -> None:
    cache = CompileCache(root, max_bytes=0)
    for i in range(n):
        key = make_key("procs", i % 3)
        entry = cache.get_or_build(key, write_payload(f"p{i % 3}", Path(log), 0.01))
        assert (entry.path / "payload.txt").read_text() == f"p{i % 3}"


def test_processes_build_each_key_once(tmp_path):
    ctx = mp.get_context("fork" if os.name == "posix" else "spawn")
    root, log = str(tmp_path / "c"), str(tmp_path / "log")
    procs = [ctx.Process(target=_process_worker, args=(root, log, 9)) for _ in range(4)]
    for p in procs:
        p.start()
    for p in procs:
        p.join(60)
        assert p.exitcode == 0
    assert len(Path(log).read_text().splitlines()) == 3
    cache = CompileCache(root, max_bytes=0)
    assert cache.info()["entries"] == 3
    for e in cache.entries():
        assert cache.get(e.key) is not None  # verified digests: nothing corrupt


def _slow_builder(root: str, started: str) -> None:
    cache = CompileCache(root, max_bytes=0)

    def build(directory):
        (directory / "payload.txt").write_text("half")
        Path(started).write_text("yes")
        time.sleep(60)

    cache.get_or_build(make_key("killed"), build)


@pytest.mark.skipif(os.name != "posix", reason="uses SIGKILL")
def test_process_killed_mid_build(tmp_path):
    ctx = mp.get_context("fork")
    root, started = str(tmp_path / "c"), tmp_path / "started"
    p = ctx.Process(target=_slow_builder, args=(root, str(started)))
    p.start()
    deadline = time.time() + 30
    while not started.exists() and time.time() < deadline:
        time.sleep(0.01)
    assert started.exists()
    os.kill(p.pid, signal.SIGKILL)
    p.join(10)
    cache = CompileCache(root, max_bytes=0)
    # No entry appeared, the lock died with the process, a rebuild works.
    assert cache.get(make_key("killed")) is None
    entry = cache.get_or_build(make_key("killed"), write_payload("whole"))
    assert (entry.path / "payload.txt").read_text() == "whole"
    assert cache.info()["tmp_dirs"] == 1
    assert cache.clean_tmp(max_age=0) == 1


def test_cli_info_list_clear_purge(tmp_path, capsys):
    root = tmp_path / "c"
    cache = CompileCache(root, max_bytes=0)
    for i in range(3):
        cache.get_or_build(make_key("cli", i), write_payload("abc"))
    assert cache_main(["info", "--dir", str(root)]) == 0
    out = capsys.readouterr().out
    assert "entries:   3" in out and str(root) in out
    assert cache_main(["list", "--dir", str(root)]) == 0
    lines = capsys.readouterr().out.strip().splitlines()
    assert len(lines) == 3 and all("test" in line for line in lines)
    assert cache_main(["clear", "--dir", str(root)]) == 0
    assert "removed 3 entries" in capsys.readouterr().out
    assert cache.info()["entries"] == 0
    assert cache_main(["purge", "--dir", str(root)]) == 0
    assert list((root / "locks").iterdir()) == []


def test_manifest_records_sizes_and_digests(cache):
    entry = cache.get_or_build(make_key("manifest"), write_payload("12345"))
    manifest = json.loads((entry.path / MANIFEST).read_text())
    assert manifest["files"]["payload.txt"][0] == 5
    assert len(manifest["files"]["payload.txt"][1]) == 64
    assert manifest["size"] == 5


# ----------------------------------------------------------------------
# The size ledger under concurrent builds, removals and evictions
# ----------------------------------------------------------------------
def _real_size(root: Path) -> int:
    """Bytes of the finished entries' files (manifests excluded), by walking them."""
    total = 0
    for shard in (root / "entries").iterdir():
        for entry in shard.iterdir():
            if (entry / MANIFEST).exists():
                total += sum(
                    f.stat().st_size
                    for f in entry.rglob("*")
                    if f.is_file() and f.name != MANIFEST
                )
    return total


def _ledger_worker(root: str, seed: int, bound: int, barrier, n_keys: int) -> None:
    import random

    rng = random.Random(seed)
    cache = CompileCache(root, max_bytes=bound)
    keys = [make_key("ledger-race", i) for i in range(n_keys)]

    def build(i: int) -> None:
        cache.get_or_build(keys[i], write_payload("x" * (100 + 37 * i)))

    barrier.wait(60)
    # Rounds of: everybody builds every key, in different orders, then
    # removes a few; so keys are built by several processes at once while
    # the ledger is being updated by builds and removals.
    for _ in range(4):
        for i in rng.sample(range(n_keys), n_keys):
            build(i)
        for i in rng.sample(range(n_keys), 4):
            cache.remove(keys[i])
    barrier.wait(60)
    # At last the removed keys are rebuilt, by several processes at once.
    for i in rng.sample(range(n_keys), n_keys):
        build(i)


@pytest.mark.skipif(os.name != "posix", reason="uses fork")
@pytest.mark.parametrize("bound", [10**9, 6_000])
def test_ledger_matches_entries_after_concurrent_builds(tmp_path, bound):
    # Four processes race to build the same keys on an empty cache: the
    # losers find the winner's entry and add nothing; removals and
    # evictions subtract exactly what left. With a missing ledger, a
    # recount used to include other builders' entries whose sizes they
    # then added a second time.
    ctx = mp.get_context("fork")
    root = str(tmp_path / "c")
    n_procs, n_keys = 4, 24
    barrier = ctx.Barrier(n_procs)
    procs = [
        ctx.Process(target=_ledger_worker, args=(root, s, bound, barrier, n_keys))
        for s in range(n_procs)
    ]
    for p in procs:
        p.start()
    for p in procs:
        p.join(60)
        assert p.exitcode == 0
    cache = CompileCache(root, max_bytes=bound)
    ledger = int((Path(root) / "SIZE").read_text())
    real = _real_size(Path(root))
    assert ledger == real == cache.total_bytes()
    assert real <= bound
    # Every entry is whole and nothing is left half-built.
    for e in cache.entries():
        assert cache.get(e.key) is not None
    assert not [p for p in (Path(root) / "tmp").iterdir() if p.is_dir()]


def test_recount_never_sees_an_entry_whose_size_is_not_yet_added(tmp_path, monkeypatch):
    # The interleaving behind the over-count, forced: builder A has moved
    # its entry into place but not yet counted it when builder B (another
    # process: here another cache object) finds no ledger and recounts.
    # B's count included A's entry, then A added its size on top. Now the
    # move and the count happen in one step under the ledger lock, so B
    # waits (A gives up waiting for B after a moment) and counts after A.
    root = tmp_path / "c"
    cache_a = CompileCache(root, max_bytes=10**9)
    cache_b = CompileCache(root, max_bytes=10**9)
    moved, b_done = threading.Event(), threading.Event()
    real_rename = os.rename

    def rename(src, dst, *args, **kwargs):
        real_rename(src, dst, *args, **kwargs)
        if threading.current_thread().name == "A" and "entries" in str(dst):
            moved.set()
            b_done.wait(0.5)

    monkeypatch.setattr(os, "rename", rename)

    def builder_b():
        moved.wait(10)
        cache_b.get_or_build(make_key("window", "b"), write_payload("b" * 300))
        b_done.set()

    a = threading.Thread(
        name="A",
        target=lambda: cache_a.get_or_build(
            make_key("window", "a"), write_payload("a" * 1000)
        ),
    )
    b = threading.Thread(name="B", target=builder_b)
    a.start()
    b.start()
    a.join(30)
    b.join(30)
    assert moved.is_set() and b_done.is_set()
    assert int((root / "SIZE").read_text()) == _real_size(root) == 1300


def test_ledger_kept_without_a_bound_then_used_with_one(tmp_path):
    # An unbounded process used not to keep the ledger up to date, so a
    # bounded one later trusted a ledger that counted too little.
    root = tmp_path / "c"
    CompileCache(root, max_bytes=10**9).get_or_build(
        make_key("bound", 0), write_payload("a" * 1000)
    )
    unbounded = CompileCache(root, max_bytes=0)
    for i in range(1, 4):
        unbounded.get_or_build(make_key("bound", i), write_payload("a" * 1000))
    assert int((root / "SIZE").read_text()) == 4000
    bounded = CompileCache(root, max_bytes=4500)
    bounded.get_or_build(make_key("bound", 4), write_payload("a" * 1000))
    assert bounded.total_bytes() <= 4500
    assert int((root / "SIZE").read_text()) == _real_size(root)


def test_removing_twice_subtracts_once(tmp_path):
    root = tmp_path / "c"
    one = CompileCache(root, max_bytes=10**9)
    two = CompileCache(root, max_bytes=10**9)
    for i in range(3):
        one.get_or_build(make_key("twice", i), write_payload("b" * 500))
    key = make_key("twice", 1)
    assert one.remove(key) is True
    assert two.remove(key) is False
    assert one.clear() == 2
    assert two.clear() == 0
    assert int((root / "SIZE").read_text()) == 0 == _real_size(root)


@pytest.mark.skipif(os.name != "posix", reason="flock")
def test_lock_taken_on_a_file_purge_unlinked_is_taken_again(tmp_path):
    # A locker that opened the lock file just before `purge` unlinked it
    # would hold a lock on a file nobody else opens any more: it must
    # notice and lock the file now at the path, or two builders run.
    import fcntl

    cache = CompileCache(tmp_path / "c", max_bytes=0)
    key = make_key("purged-lock")
    path = cache.root / "locks" / f"{key}.lock"
    with cache.lock(key):
        pass
    holder = os.open(path, os.O_RDWR)
    fcntl.flock(holder, fcntl.LOCK_EX)
    got, release = threading.Event(), threading.Event()

    def locker():
        with cache.lock(key):
            got.set()
            release.wait(10)

    t = threading.Thread(target=locker)
    t.start()
    time.sleep(0.2)  # the locker waits in flock() on the file we hold
    path.unlink()  # what purge does to a lock file it holds
    fcntl.flock(holder, fcntl.LOCK_UN)
    os.close(holder)
    assert got.wait(10)
    other = CompileCache(cache.root, max_bytes=0)
    with other.lock(key, blocking=False) as obtained:
        assert obtained is False
    release.set()
    t.join(10)
    with other.lock(key, blocking=False) as obtained:
        assert obtained is True


# ----------------------------------------------------------------------
# Directories inside the root: modes, owners, links, files
# ----------------------------------------------------------------------
posix_only = pytest.mark.skipif(os.name != "posix", reason="POSIX permission bits")


def _built_cache(tmp_path: Path) -> tuple[CompileCache, str]:
    """A cache holding one entry; returns it and the entry's key."""
    key = make_key("inside", 0)
    CompileCache(tmp_path / "c", max_bytes=0).get_or_build(key, write_payload("e"))
    # A fresh object, like a new process: nothing checked yet.
    return CompileCache(tmp_path / "c", max_bytes=0), key


def _inside(cache: CompileCache, key: str, where: str) -> Path:
    return {
        "entries": cache.root / "entries",
        "locks": cache.root / "locks",
        "tmp": cache.root / "tmp",
        "shard": cache.root / "entries" / key[:2],
        "entry": cache.entry_path(key),
    }[where]


@posix_only
@pytest.mark.parametrize("where", ["entries", "locks", "tmp", "shard", "entry"])
@pytest.mark.parametrize("mode", [0o777, 0o770, 0o702])
def test_directory_writable_by_others_is_refused(tmp_path, where, mode):
    cache, key = _built_cache(tmp_path)
    path = _inside(cache, key, where)
    os.chmod(path, mode)
    with pytest.raises(UnsafeCacheDirectoryError) as info:
        cache.get_or_build(key, write_payload("other"))
    message = str(info.value)
    assert str(path) in message and "writable by other users" in message
    assert f"mode {mode:#o}" in message and f"chmod 700 {path}" in message
    assert info.value.path == str(path)
    # Refused, not repaired behind the user's back, and nothing lost.
    assert stat.S_IMODE(os.stat(path).st_mode) == mode
    os.chmod(path, 0o700)
    assert (cache.get(key).path / "payload.txt").read_text() == "e"


@posix_only
def test_new_shard_in_a_writable_entries_dir_is_refused_before_building(tmp_path):
    cache = CompileCache(tmp_path / "c", max_bytes=0)
    cache.get_or_build(make_key("first"), write_payload("1"))
    os.chmod(cache.root / "entries", 0o777)
    built = []

    def build(directory):
        built.append(1)
        (directory / "x").write_text("x")

    with pytest.raises(UnsafeCacheDirectoryError, match="entries"):
        CompileCache(cache.root, max_bytes=0).get_or_build(make_key("second"), build)
    assert built == []


@posix_only
@pytest.mark.skipif(
    not hasattr(os, "getuid") or os.getuid() != 0, reason="needs root to chown"
)
@pytest.mark.parametrize("where", ["locks", "shard"])
def test_directory_of_another_user_is_refused(tmp_path, where):
    cache, key = _built_cache(tmp_path)
    path = _inside(cache, key, where)
    os.chown(path, 65534, 65534)
    with pytest.raises(UnsafeCacheDirectoryError, match="belongs to user id 65534"):
        cache.get(key)


@pytest.mark.parametrize("where", ["entries", "locks", "tmp", "shard", "entry"])
def test_symlink_instead_of_a_directory_is_refused(tmp_path, where):
    cache, key = _built_cache(tmp_path)
    path = _inside(cache, key, where)
    # Even a link to a safe directory of ours: links are not followed.
    moved = tmp_path / f"{where}-moved"
    os.rename(path, moved)
    os.symlink(moved, path)
    with pytest.raises(UnsafeCacheDirectoryError, match="symbolic link") as info:
        cache.get_or_build(key, write_payload("other"))
    assert str(path) in str(info.value) and str(moved) in str(info.value)
    assert path.is_symlink() and moved.is_dir()


@pytest.mark.parametrize("where", ["entries", "locks", "tmp", "shard"])
def test_file_instead_of_a_directory_is_a_clear_error(tmp_path, where):
    cache, key = _built_cache(tmp_path)
    path = _inside(cache, key, where)
    os.rename(path, tmp_path / "aside")
    path.write_text("my notes")
    with pytest.raises(CacheLayoutError) as info:
        cache.get_or_build(key, write_payload("other"))
    assert isinstance(info.value, NotADirectoryError)
    message = str(info.value)
    assert str(path) in message and "should be a directory" in message
    assert "a regular file" in message
    assert path.read_text() == "my notes"  # left untouched


def test_file_where_an_entry_belongs_is_replaced(tmp_path):
    # Inside our own shard, a stray file named by a key is a corrupt entry.
    cache, key = _built_cache(tmp_path)
    path = cache.entry_path(key)
    shutil.rmtree(path)
    path.write_text("junk")
    assert cache.get(key) is None
    entry = cache.get_or_build(key, write_payload("again"))
    assert (entry.path / "payload.txt").read_text() == "again"
    assert int((cache.root / "SIZE").read_text()) == _real_size(cache.root)


def test_root_that_is_a_file_is_a_clear_error(tmp_path):
    root = tmp_path / "c"
    root.write_text("not a cache")
    with pytest.raises(CacheLayoutError, match="is a regular file, not a directory"):
        CompileCache(root, max_bytes=0).get(make_key("x"))
    with pytest.raises(CacheDirectoryError, match="Cannot create"):
        CompileCache(root / "sub", max_bytes=0).get(make_key("x"))
    assert root.read_text() == "not a cache"


def test_lock_file_symlink_is_refused(tmp_path):
    cache, key = _built_cache(tmp_path)
    target = tmp_path / "elsewhere"
    lock = cache.root / "locks" / f"{key}.lock"
    lock.unlink()
    os.symlink(target, lock)
    with pytest.raises(UnsafeCacheDirectoryError, match="symbolic link"):
        cache.remove(key)
    assert not target.exists()


# ----------------------------------------------------------------------
# The command line on a damaged cache
# ----------------------------------------------------------------------
def _damage_layout(cache: CompileCache, key: str, how: str) -> Path:
    where, kind = how.split("-")
    path = _inside(cache, key, where)
    os.rename(path, path.with_name(path.name + ".aside"))
    if kind == "file":
        path.write_text("x")
    elif kind == "link":
        os.symlink(path.with_name(path.name + ".aside"), path)
    return path


DAMAGE = [
    "locks-file",
    "tmp-file",
    "entries-file",
    "shard-file",
    "locks-link",
    "tmp-link",
    "entries-link",
    "shard-link",
]


@pytest.mark.parametrize("command", ["info", "list", "clear", "purge"])
@pytest.mark.parametrize("how", DAMAGE)
def test_cli_on_a_damaged_cache_is_a_clear_error(tmp_path, capsys, command, how):
    cache, key = _built_cache(tmp_path)
    path = _damage_layout(cache, key, how)
    assert cache_main([command, "--dir", str(cache.root)]) == 2
    captured = capsys.readouterr()
    assert captured.err.startswith("error: ") and str(path) in captured.err
    assert "Traceback" not in captured.err
    # Nothing was removed or replaced.
    assert path.is_symlink() if how.endswith("link") else path.is_file()
    assert (path.with_name(path.name + ".aside")).exists()


def test_cli_in_a_fresh_process_prints_no_traceback(tmp_path):
    import subprocess
    import sys

    cache, key = _built_cache(tmp_path)
    path = _damage_layout(cache, key, "locks-file")
    proc = subprocess.run(
        [sys.executable, "-m", "aesara.cache", "info", "--dir", str(cache.root)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr
    assert f"error: {path} should be a directory" in proc.stderr


@posix_only
def test_cli_on_an_unwritable_parent(tmp_path, capsys):
    parent = tmp_path / "file"
    parent.write_text("x")
    assert cache_main(["info", "--dir", str(parent / "cache")]) == 2
    assert "Cannot create the compile cache directory" in capsys.readouterr().err
