"""The compile cache: content keys, corruption, eviction, safety, concurrency."""

from __future__ import annotations

import json
import multiprocessing as mp
import os
import signal
import stat
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from aesara.cache import main as cache_main
from aesara.link.c.cache import (
    MANIFEST,
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
