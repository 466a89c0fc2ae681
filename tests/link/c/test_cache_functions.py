"""The compile cache seen through whole compiled functions.

``tests/link/c/test_cache.py`` tests the :class:`CompileCache` object with toy
builders; here real ``aesara.function`` calls (generated kernels, the C
runtime, the compiler probe) go through it, in fresh processes, each with its
own temporary ``compiledir``: concurrent cold builds, a process killed while
the compiler runs, corrupt entries, a tiny size bound, an unsafe directory,
no compiler at all, and OpenMP threads on/off.
"""

from __future__ import annotations

import os
import shutil
import signal
import stat
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import numpy as np
import pytest

from aesara.compile.function import function
from aesara.compile.mode import Mode
from aesara.configdefaults import config
from aesara.link.c.cache import MANIFEST, CacheEntry, CompileCache
from aesara.link.c.compiler import c_compiler_available

REPO = Path(__file__).resolve().parents[3]

needs_cc = pytest.mark.skipif(
    not c_compiler_available(), reason="needs a working C compiler"
)
posix_only = pytest.mark.skipif(os.name != "posix", reason="POSIX signals/modes")

# Code shared by the child processes: a family of graphs, each compiling to
# its own fused kernel (graph i applies the unary ops picked by the bits of
# i), and a check of a compiled graph against NumPy.
GRAPHS = textwrap.dedent(
    """
    import numpy as np
    import aesara
    import aesara.tensor as at

    UNARY = [
        (at.exp, np.exp), (at.sin, np.sin), (at.cos, np.cos),
        (at.tanh, np.tanh), (at.log1p, np.log1p), (at.sqrt, np.sqrt),
    ]
    SAME = 43  # the graph every worker compiles

    def graph(i):
        x, y = at.dvectors("x", "y")
        a = np.linspace(0.1, 0.9, 11)
        b = np.linspace(1.0, 2.0, 11)
        sym, ref = x * y, a * b
        for bit, (op, npop) in enumerate(UNARY):
            if i >> bit & 1:
                sym, ref = sym + op(x) * y, ref + npop(a) * b
        return [x, y], sym, (a, b), ref

    def check(i):
        ins, out, args, ref = graph(i)
        f = aesara.function(ins, out)
        np.testing.assert_allclose(f(*args), ref, rtol=1e-12)
        kinds = [type(t).__name__ for t in f.vm.thunks]
        assert "ElemwiseThunk" in kinds, kinds
        return f
    """
)


def _env(
    root: Path, flags: str = "", prebuilt: bool = False, **extra: str
) -> dict[str, str]:
    env = dict(os.environ, **extra)
    env["PYTHONPATH"] = str(REPO)
    # By default the runtimes go through the cache too (not the ones built
    # at install), so that these tests exercise it with the biggest builds.
    base = f"compiledir={root},c_prebuilt_runtimes={prebuilt}"
    env["AESARA_FLAGS"] = base + (f",{flags}" if flags else "")
    return env


def run_child(
    code: str,
    root: Path,
    flags: str = "",
    timeout: float = 240,
    prebuilt: bool = False,
    **env: str,
) -> subprocess.CompletedProcess:
    """Run ``GRAPHS + code`` in a fresh interpreter using the cache at ``root``.

    ``prebuilt`` lets the child load the runtimes compiled at install time.
    """
    return subprocess.run(
        [sys.executable, "-c", GRAPHS + textwrap.dedent(code)],
        env=_env(root, flags, prebuilt, **env),
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def start_child(code: str, root: Path, flags: str = "", **env: str) -> subprocess.Popen:
    """Like :func:`run_child`, without waiting; in its own process group."""
    return subprocess.Popen(
        [sys.executable, "-c", GRAPHS + textwrap.dedent(code)],
        env=_env(root, flags, **env),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )


def assert_ok(proc: subprocess.CompletedProcess) -> None:
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert "OK" in proc.stdout, proc.stdout[-2000:]


def verified_entries(root: Path) -> list[CacheEntry]:
    """Every entry directory under ``root``, each checked against its manifest.

    A fresh cache object re-hashes each file (nothing is remembered as
    verified); a directory without a readable manifest, or with a file whose
    size or digest differs, fails the test.
    """
    cache = CompileCache(root, max_bytes=0)
    dirs = sorted(p for shard in (root / "entries").iterdir() for p in shard.iterdir())
    entries = cache.entries()
    assert sorted(e.path for e in entries) == dirs, "entry without a manifest"
    for e in entries:
        assert cache.get(e.key) is not None, f"corrupt entry {e.path}"
    return entries


def kernel_entries(root: Path) -> list[CacheEntry]:
    return [e for e in verified_entries(root) if e.meta.get("kind") == "elemwise"]


@pytest.fixture(scope="module")
def template(tmp_path_factory) -> Path:
    """A cache holding the C runtime and the kernel of graph 0, built once.

    Entries are content-addressed, so copying them into a test's private
    cache saves each test the runtime's compile without changing meaning.
    """
    root = tmp_path_factory.mktemp("template") / "cc"
    assert_ok(run_child("check(0); print('OK')", root))
    return root


@pytest.fixture
def warm_root(template, tmp_path) -> Path:
    """A private cache directory, a copy of :func:`template`."""
    root = tmp_path / "cc"
    shutil.copytree(template, root)
    return root


# ----------------------------------------------------------------------
# Concurrency
# ----------------------------------------------------------------------
WORKER = """
import sys, threading, time
from pathlib import Path

proc, n_procs, n_threads, go = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
OTHERS = [i for i in range(1, 64) if i != SAME]
# Half the threads compile the shared graph, the others distinct graphs.
ids = [SAME if t % 2 == 0 else OTHERS[(proc * n_threads + t) % len(OTHERS)]
       for t in range(n_threads)]
deadline = time.time() + 120
while go != "-" and not Path(go).exists() and time.time() < deadline:
    time.sleep(0.005)
barrier = threading.Barrier(n_threads)
errors = []

def work(i):
    try:
        barrier.wait(60)
        check(i)
    except BaseException as e:
        errors.append(f"graph {i}: {type(e).__name__}: {e}")

threads = [threading.Thread(target=work, args=(i,)) for i in ids]
for t in threads:
    t.start()
for t in threads:
    t.join()
assert not errors, errors
print("OK", sorted(set(ids)))
"""


def _worker_cmd(proc: int, n_procs: int, n_threads: int, go: str) -> list[str]:
    return [
        sys.executable,
        "-c",
        GRAPHS + WORKER,
        str(proc),
        str(n_procs),
        str(n_threads),
        go,
    ]


def run_concurrently(tmp_path: Path, n_procs: int, n_threads: int) -> None:
    """``n_procs`` processes x ``n_threads`` threads compile on an empty cache."""
    root = tmp_path / "cc"
    go = tmp_path / "go"
    procs = [
        subprocess.Popen(
            _worker_cmd(p, n_procs, n_threads, str(go) if n_procs > 1 else "-"),
            env=_env(root),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for p in range(n_procs)
    ]
    go.touch()  # start together (after each process has imported aesara)
    outs = [p.communicate(timeout=600) for p in procs]
    for p, (out, err) in zip(procs, outs):
        assert p.returncode == 0, err[-3000:]
        assert "OK" in out
    entries = verified_entries(root)
    kinds = sorted(e.meta.get("kind") for e in entries)
    assert kinds.count("runtime") == 1, kinds
    # No half-built entry lying around: every build finished or was cleaned.
    assert list((root / "tmp").iterdir()) == []
    # Each graph (shared or not) is one kernel, compiled once for the machine.
    graphs = set()
    for out, _ in outs:
        graphs |= set(eval(out.split("OK", 1)[1]))
    assert kinds.count("elemwise") == len(graphs)


@needs_cc
def test_threads_compile_same_and_distinct_graphs_on_empty_cache(tmp_path):
    run_concurrently(tmp_path, n_procs=1, n_threads=8)


@needs_cc
def test_processes_compile_same_and_distinct_graphs_on_empty_cache(tmp_path):
    run_concurrently(tmp_path, n_procs=3, n_threads=2)


@needs_cc
@pytest.mark.slow
def test_processes_and_threads_on_empty_cache_many(tmp_path):
    run_concurrently(tmp_path, n_procs=4, n_threads=8)


# ----------------------------------------------------------------------
# A process killed while the compiler runs
# ----------------------------------------------------------------------
SLOW_CC = """#!/bin/sh
# A compiler that, when SLOWCC_MARK is set, announces itself and stalls.
for a in "$@"; do
    [ "$a" = "--version" ] && exec {cc} "$@"
done
if [ -n "$SLOWCC_MARK" ]; then
    : > "$SLOWCC_MARK"
    sleep 300
fi
exec {cc} "$@"
"""


@needs_cc
@posix_only
def test_process_killed_mid_compile(tmp_path, warm_root):
    root = warm_root
    real = shutil.which(config.cxx) or config.cxx
    slow_cc = tmp_path / "slowcc"
    slow_cc.write_text(SLOW_CC.format(cc=real))
    slow_cc.chmod(0o755)
    # The runtime is in the cache already and the wrapper has the same
    # --version, so only the new kernel goes through the stall.
    flags = f"cxx={slow_cc}"
    mark = tmp_path / "compiler-started"
    victim = start_child("check(SAME)", root, flags, SLOWCC_MARK=str(mark))
    waiter = None
    try:
        deadline = time.time() + 120
        while not mark.exists() and victim.poll() is None:
            assert time.time() < deadline, "the compiler never started"
            time.sleep(0.02)
        assert victim.poll() is None, victim.communicate()[1][-3000:]
        # A second process starts on the same function and waits on its lock.
        waiter = start_child(
            "print('READY', flush=True); check(SAME); print('OK')", root, flags
        )
        assert waiter.stdout.readline().strip() == "READY"
        time.sleep(0.3)
        os.kill(victim.pid, signal.SIGKILL)
        victim.wait(30)
        # The killed build left no entry for the kernel; the waiter builds it.
        out, err = waiter.communicate(timeout=240)
        assert waiter.returncode == 0, err[-3000:]
        assert "OK" in out
    finally:
        # The stalled compiler outlives the killed process: end its group.
        for p in (victim, waiter):
            if p is not None:
                try:
                    os.killpg(p.pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
                p.wait(30)
    # And a third process finds everything in place.
    assert_ok(run_child("check(SAME); print('OK')", root, flags))
    assert len(kernel_entries(root)) >= 2  # graph 0 (template) and SAME
    # The killed build's directory is left in tmp/, never used as an entry.
    leftovers = list((root / "tmp").iterdir())
    assert len(leftovers) <= 1
    assert all(not (p / MANIFEST).exists() for p in leftovers)


# ----------------------------------------------------------------------
# Corrupt entries
# ----------------------------------------------------------------------
def _damage(entry_dir: Path, how: str) -> None:
    so = next(p for p in entry_dir.iterdir() if p.suffix == ".so")
    if how == "flip_so":
        data = bytearray(so.read_bytes())
        data[len(data) // 2] ^= 0xFF
        so.write_bytes(bytes(data))
    elif how == "truncate_so":
        so.write_bytes(so.read_bytes()[:100])
    elif how == "garble_manifest":
        (entry_dir / MANIFEST).write_text('{"key": "not json')
    elif how == "delete_manifest":
        (entry_dir / MANIFEST).unlink()
    else:  # pragma: no cover - test bug
        raise ValueError(how)


CHECK_WARNINGS = """
import warnings
with warnings.catch_warnings(record=True) as w:
    warnings.simplefilter("always")
    check(0)
    check(0)
print("OK", len(w), [str(x.message)[:200] for x in w])
"""


@needs_cc
@pytest.mark.parametrize(
    "target, how",
    [
        ("elemwise", "flip_so"),
        ("elemwise", "truncate_so"),
        ("elemwise", "garble_manifest"),
        ("elemwise", "delete_manifest"),
        pytest.param("runtime", "truncate_so", marks=pytest.mark.slow),
    ],
)
def test_corrupt_entry_is_rebuilt(warm_root, target, how):
    root = warm_root
    code_kinds = ("elemwise", "runtime")
    before = {e.key for e in verified_entries(root) if e.meta.get("kind") in code_kinds}
    victims = [e for e in verified_entries(root) if e.meta.get("kind") == target]
    assert len(victims) == 1
    _damage(victims[0].path, how)
    proc = run_child(CHECK_WARNINGS, root)
    assert_ok(proc)
    n_warnings = int(proc.stdout.split("OK", 1)[1].split()[0])
    assert n_warnings <= 1, proc.stdout
    # Rebuilt under the same key, and whole again. (Only compiled code is
    # compared: other entries, e.g. rewritten graphs, are keyed by the
    # library's source, which may change while the suite runs.)
    after = {e.key for e in verified_entries(root)}
    assert victims[0].key in after
    assert before <= after


def rewrite_manifest(entry_dir: Path) -> None:
    """Make ``entry_dir``'s manifest match its files again, whatever they are.

    Damage that a digest check cannot see: the files were replaced and the
    manifest regenerated (by hand, a broken copy tool, ...).
    """
    import hashlib
    import json

    manifest = json.loads((entry_dir / MANIFEST).read_text())
    files = {}
    for f in sorted(entry_dir.iterdir()):
        if f.name != MANIFEST:
            data = f.read_bytes()
            files[f.name] = [len(data), hashlib.sha256(data).hexdigest()]
    manifest["files"] = files
    manifest["size"] = sum(size for size, _ in files.values())
    (entry_dir / MANIFEST).write_text(json.dumps(manifest))


def _so_of(entry: CacheEntry) -> Path:
    return next(p for p in entry.path.iterdir() if p.suffix == ".so")


CHECK_NO_WARNINGS = """
import warnings
with warnings.catch_warnings(record=True) as w:
    warnings.simplefilter("always")
    f = check(0)
assert type(f.vm).__name__ == "CVM", type(f.vm)
assert not w, [str(x.message) for x in w]
print("OK")
"""


@needs_cc
@pytest.mark.parametrize(
    "target, how",
    [("runtime", "garbage"), ("runtime", "foreign"), ("elemwise", "garbage")],
)
def test_entry_that_does_not_load_is_rebuilt(warm_root, target, how):
    # The digests match (the manifest was regenerated), so only loading
    # finds the damage: the entry is discarded and rebuilt, the function
    # runs in C, and no warning claims that there is no compiler.
    root = warm_root
    entries = verified_entries(root)
    (victim,) = [e for e in entries if e.meta.get("kind") == target]
    so = _so_of(victim)
    if how == "garbage":
        bad = so.read_bytes()[:200]  # a truncated ELF file
    else:
        # A whole, loadable shared object of another module (a kernel):
        # dlopen() succeeds, the module's init function is missing.
        (other,) = [e for e in entries if e.meta.get("kind") == "elemwise"]
        bad = _so_of(other).read_bytes()
    so.write_bytes(bad)
    rewrite_manifest(victim.path)
    assert CompileCache(root, max_bytes=0).get(victim.key) is not None
    assert_ok(run_child(CHECK_NO_WARNINGS, root))
    rebuilt = CompileCache(root, max_bytes=0).get(victim.key)
    assert rebuilt is not None and rebuilt.created != victim.created
    assert _so_of(rebuilt).read_bytes() != bad
    # The next process just loads it.
    assert_ok(run_child(CHECK_NO_WARNINGS, root))
    assert CompileCache(root, max_bytes=0).get(victim.key).created == rebuilt.created


TRUNCATING_CC = """#!/bin/sh
# A compiler whose Python extension modules (the runtime, not the kernels)
# come out truncated.
{cc} "$@" || exit $?
prev=""
for a in "$@"; do
    case "$prev:$a" in
        -o:*/module.*) head -c 200 "$a" > "$a.cut" && mv "$a.cut" "$a" ;;
    esac
    prev="$a"
done
exit 0
"""

NO_LOAD = """
import warnings
with warnings.catch_warnings(record=True) as w:
    warnings.simplefilter("always")
    ins, out, args, ref = graph(SAME)
    f = aesara.function(ins, out)
    np.testing.assert_allclose(f(*args), ref, rtol=1e-12)
    assert type(f.vm).__name__ != "CVM", type(f.vm)
runtime = [str(x.message) for x in w if issubclass(x.category, RuntimeWarning)]
assert len(runtime) == 1, runtime
print("OK", runtime[0])
"""


@needs_cc
@posix_only
def test_runtime_that_never_loads_warns_what_failed(tmp_path):
    # Every build of the runtime gives a file that does not load: after one
    # rebuild, the Python VM runs, with a warning naming the file and the
    # loader's complaint, not "no working C compiler".
    real = shutil.which(config.cxx) or config.cxx
    cc = tmp_path / "truncating-cc"
    cc.write_text(TRUNCATING_CC.format(cc=real))
    cc.chmod(0o755)
    root = tmp_path / "cc"
    proc = run_child(NO_LOAD, root, f"cxx={cc}")
    assert_ok(proc)
    message = proc.stdout.split("OK", 1)[1]
    assert "compiled C runtime" in message and "does not load" in message
    assert str(root / "entries") in message
    # dlopen's own words, whichever the C library uses for a cut file.
    loader = message.split("even freshly rebuilt (", 1)[1].split(")", 1)[0]
    assert any(w in loader for w in ("ELF", "short", "file data")), message
    assert "no working C compiler" not in message and "Install gcc" not in message
    # The failing entry was rebuilt once: still one runtime entry.
    kinds = [e.meta.get("kind") for e in verified_entries(root)]
    assert kinds.count("runtime") == 1, kinds


# ----------------------------------------------------------------------
# Size bound
# ----------------------------------------------------------------------
SIZE_BOUND = """
from aesara.link.c.cache import default_cache
cache = default_cache()
for i in [SAME, 1, 2, 0, 5, SAME]:
    # Two kernels per function: the first one built must survive the
    # eviction that the second one's build causes.
    ins, out, args, ref = graph(i)
    f = aesara.function(ins, [out, ins[0] * 2 + ins[1] ** 2])
    np.testing.assert_allclose(f(*args)[0], ref, rtol=1e-12)
    kinds = [type(t).__name__ for t in f.vm.thunks]
    assert kinds.count("ElemwiseThunk") == 2, kinds
    if LIMIT > 1:
        assert cache.total_bytes() <= LIMIT, (cache.total_bytes(), LIMIT)
    else:
        assert cache.info()["entries"] == 1, cache.info()
print("OK")
"""


@needs_cc
@pytest.mark.parametrize("bound", ["tiny", "small"])
def test_size_bound_evicts_and_functions_still_run(warm_root, bound):
    root = warm_root
    # "small": room for the runtime and a few kernels (about 20 kB each).
    runtime = max(e.size for e in verified_entries(root))
    limit = 1 if bound == "tiny" else runtime + 50_000
    code = f"LIMIT = {limit}\n" + SIZE_BOUND
    flags = f"compiledir_max_bytes={limit}"
    assert_ok(run_child(code, root, flags))
    entries = verified_entries(root)
    if limit > 1:
        assert 1 < len(entries) and sum(e.size for e in entries) <= limit
        # A second process rebuilds what was evicted, within the bound.
        assert_ok(run_child(code, root, flags))
        assert sum(e.size for e in verified_entries(root)) <= limit
    else:
        assert len(entries) == 1


# ----------------------------------------------------------------------
# Unsafe directory, no compiler
# ----------------------------------------------------------------------
@needs_cc
@posix_only
@pytest.mark.parametrize("mode", [0o777, 0o775])
def test_unsafe_compiledir_is_a_clear_error(tmp_path, mode):
    root = tmp_path / "shared-cc"
    root.mkdir()
    os.chmod(root, mode)
    proc = run_child(
        """
        from aesara.link.c.cache import UnsafeCacheDirectoryError
        try:
            check(SAME)
        except UnsafeCacheDirectoryError as e:
            print("RAISED", e)
        """,
        root,
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert "RAISED" in proc.stdout, proc.stdout + proc.stderr[-3000:]
    assert str(root) in proc.stdout
    assert "writable by other users" in proc.stdout
    assert f"chmod 700 {root}" in proc.stdout
    # Nothing was written into it.
    assert list(root.iterdir()) == []
    assert stat.S_IMODE(os.stat(root).st_mode) == mode


@needs_cc
@posix_only
@pytest.mark.parametrize(
    "where, how", [("entries", "mode"), ("locks", "file"), ("tmp", "link")]
)
def test_damaged_directory_inside_compiledir_is_a_clear_error(tmp_path, where, how):
    # Not used silently, and not reported as "no working C compiler": the
    # error names the directory, what is wrong and the fix.
    root = tmp_path / "cc"
    root.mkdir(mode=0o700)
    path = root / where
    if how == "mode":
        path.mkdir()
        os.chmod(path, 0o777)
    elif how == "file":
        path.write_text("notes")
    else:
        (tmp_path / "elsewhere").mkdir(mode=0o700)
        path.symlink_to(tmp_path / "elsewhere")
    proc = run_child(
        """
        from aesara.link.c.cache import CacheDirectoryError
        try:
            check(SAME)
        except CacheDirectoryError as e:
            print("RAISED", type(e).__name__, e)
        """,
        root,
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert "RAISED" in proc.stdout, proc.stdout + proc.stderr[-3000:]
    expected = {
        "mode": ("UnsafeCacheDirectoryError", f"chmod 700 {path}"),
        "file": ("CacheLayoutError", "is a regular file"),
        "link": ("UnsafeCacheDirectoryError", "symbolic link"),
    }[how]
    assert str(path) in proc.stdout and all(e in proc.stdout for e in expected)
    assert "no working C compiler" not in proc.stdout + proc.stderr
    # Left as it was.
    assert path.is_symlink() if how == "link" else path.exists()
    if how == "mode":
        assert stat.S_IMODE(os.stat(path).st_mode) == 0o777


NO_COMPILER = """
import warnings
with warnings.catch_warnings(record=True) as w:
    warnings.simplefilter("always")
    for i in (SAME, 1, 2):
        ins, out, args, ref = graph(i)
        f = aesara.function(ins, out)
        np.testing.assert_allclose(f(*args), ref, rtol=1e-12)
        kinds = {type(t).__name__ for t in f.vm.thunks}
        assert "ElemwiseThunk" not in kinds, kinds
        assert type(f.vm).__name__ != "CVM", type(f.vm)
runtime = [str(x.message) for x in w if issubclass(x.category, RuntimeWarning)]
assert len(runtime) == 1, [str(x.message) for x in w]
assert "no working C compiler" in runtime[0], runtime
print("OK")
"""


@pytest.mark.parametrize("cxx", ["/nonexistent/bin/gcc", "/bin/false"])
def test_no_compiler_runs_on_python_vm_with_one_warning(tmp_path, cxx):
    if not os.path.exists("/bin/false") and cxx == "/bin/false":
        pytest.skip("no /bin/false on this system")
    root = tmp_path / "cc"
    assert_ok(run_child(NO_COMPILER, root, f"cxx={cxx}"))
    # A broken compiler leaves no compiled code behind.
    if root.exists():
        kinds = {e.meta.get("kind") for e in verified_entries(root)}
        assert not kinds & {"elemwise", "runtime", "probe"}, kinds


# ----------------------------------------------------------------------
# OpenMP threads on and off
# ----------------------------------------------------------------------
@needs_cc
def test_openmp_on_and_off_bit_identical_on_large_fused_kernel():
    """The issue's fused transcendental kernel, split across threads or not.

    ``tests/link/c/test_linker.py::test_threads_on_and_off_agree`` covers a
    small kernel with a tiny threshold; this one is above the default
    ``openmp_elemwise_minsize``, with an odd length so that thread chunks end
    inside a SIMD block (vector and scalar math must agree bit for bit).
    """
    import aesara.tensor as at

    x, y, z = at.dvectors("x", "y", "z")
    expr = at.exp(x) * at.sin(y) + at.log1p(z**2) - at.tanh(x * y)
    rng = np.random.default_rng(11)
    n = config.openmp_elemwise_minsize + 12_347
    args = [rng.normal(size=n) for _ in range(3)]
    results = []
    for on in (False, True):
        with config.change_flags(openmp=on):
            f = function([x, y, z], expr, mode=Mode("cvm", "fast_run"))
        ew = [t for t in f.vm.thunks if type(t).__name__ == "ElemwiseThunk"]
        assert ew and all((t.thread_min >= 0) == on for t in ew)
        results.append(f(*args))
    np.testing.assert_array_equal(results[0], results[1])
    ref = np.exp(args[0]) * np.sin(args[1]) + np.log1p(args[2] ** 2)
    ref -= np.tanh(args[0] * args[1])
    np.testing.assert_allclose(results[0], ref, rtol=1e-12, atol=1e-14)
