"""``aesara.utils``, ``aesara.misc``, ``aesara.breakpoint``, the cache CLI, compiledir and compilelock."""

from __future__ import annotations

import io
import json
import logging
import os
import pdb
import pickle
import subprocess
import sys
import textwrap
import threading
import time
import warnings
from pathlib import Path

import numpy as np
import pytest

import aesara
import aesara.tensor as at
from aesara import utils

REPO = Path(__file__).resolve().parents[1]


def _run_python(
    code: str, cwd: Path, extra_env: dict | None = None
) -> subprocess.CompletedProcess:
    """Run ``code`` in a fresh interpreter that imports this checkout's aesara."""
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([str(REPO), env.get("PYTHONPATH", "")])
    env.update(extra_env or {})
    return subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )


# ----------------------------------------------------------------------
# aesara.utils
# ----------------------------------------------------------------------
def test_bitwidths_and_hash():
    assert utils.LOCAL_BITWIDTH in (32, 64)
    assert utils.PYTHON_INT_BITWIDTH in (32, 64)
    h = utils.hash_from_code("abc")
    assert h.startswith("m") and len(h) == 65
    assert h == utils.hash_from_code(b"abc") != utils.hash_from_code("abd")
    with pytest.raises(TypeError, match="str or bytes"):
        utils.hash_from_code(3)


def test_sequence_helpers():
    assert utils.flatten([1, (2, [3, {4}]), 5]) == [1, 2, 3, 4, 5]
    assert utils.flatten(7) == [7]
    assert utils.uniq([3, 1, 3, [2], [2], 1]) == [3, 1, [2]]
    assert utils.difference([1, 2, 3, 4, 5], [2, 4, 6, 8]) == [1, 3, 5]
    assert utils.difference([[1], [2]], [[2]]) == [[1]]  # unhashable
    assert utils.to_return_values([5]) == 5
    assert utils.to_return_values([5, 6]) == [5, 6]
    assert utils.from_return_values(5) == [5]
    assert utils.cmp(1, 2) == -1 and utils.cmp(2, 2) == 0 and utils.cmp(3, 2) == 1


def test_apply_across_args_and_memoize():
    make = utils.apply_across_args(lambda name=None: f"<{name}>")
    assert make("x") == "<x>"
    assert make("xy") == ["<x>", "<y>"]
    assert make("a", "b") == ["<a>", "<b>"]
    assert make(2) == ["<None>", "<None>"]
    calls = []

    @utils.memoize
    def square(v):
        calls.append(v)
        return v * v

    assert square(3) == square(3) == 9 and calls == [3]


def test_deprecated_decorator_warns_once_per_call_site():
    @utils.deprecated("use g")
    def f(v):
        return v + 1

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        for _ in range(3):
            assert f(1) == 2  # one call site
    assert [str(w.message) for w in caught] == ["use g"]
    assert caught[0].category is DeprecationWarning


def test_subprocess_helpers():
    cmd = [
        sys.executable,
        "-c",
        "import sys; print('out'); sys.stderr.write('err'); sys.exit(3)",
    ]
    out, err, code = utils.output_subprocess_Popen(cmd)
    assert (out.strip(), err, code) == (b"out", b"err", 3)
    assert utils.call_subprocess_Popen(cmd) == 3
    with pytest.raises(TypeError, match="stdout and stderr"):
        utils.call_subprocess_Popen(cmd, stdout=subprocess.PIPE)
    proc = utils.subprocess_Popen(
        cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    assert proc.wait() == 3


def test_maybe_add_to_os_environ_pathlist(monkeypatch, tmp_path):
    monkeypatch.setenv("AESARA_TEST_PATHLIST", "/a")
    utils.maybe_add_to_os_environ_pathlist("AESARA_TEST_PATHLIST", str(tmp_path))
    assert os.environ["AESARA_TEST_PATHLIST"] == os.pathsep.join([str(tmp_path), "/a"])
    utils.maybe_add_to_os_environ_pathlist("AESARA_TEST_PATHLIST", str(tmp_path))
    assert os.environ["AESARA_TEST_PATHLIST"].count(str(tmp_path)) == 1
    utils.maybe_add_to_os_environ_pathlist("AESARA_TEST_PATHLIST", "relative")
    assert "relative" not in os.environ["AESARA_TEST_PATHLIST"]


def test_no_duplicate_opt_warning_filter():
    filt = utils.NoDuplicateOptWarningFilter()
    filt.prev_msgs = set()  # this instance only

    def rec(msg):
        return logging.LogRecord("x", logging.WARNING, __file__, 1, msg, None, None)

    assert filt.filter(rec("Optimization Warning: a"))
    assert not filt.filter(rec("Optimization Warning: a"))
    assert filt.filter(rec("other")) and filt.filter(rec("other"))


def test_default_ordered_dict_and_singleton():
    d = utils.DefaultOrderedDict(list)
    d["b"].append(1)
    d["a"].append(2)
    assert list(d) == ["b", "a"] and d["b"] == [1]
    assert pickle.loads(pickle.dumps(d)) == d
    with pytest.raises(TypeError, match="callable"):
        utils.DefaultOrderedDict(3)

    class One(utils.Singleton):
        pass

    assert One() is One() and One() == One() and str(One()) == "One"


def test_version():
    from aesara.version import version

    assert version == aesara.__version__
    import aesara.version as v

    with pytest.raises(RuntimeError, match="versioneer"):
        v.full_version  # noqa: B018


# ----------------------------------------------------------------------
# aesara.misc
# ----------------------------------------------------------------------
def test_safe_asarray():
    from aesara.misc.safe_asarray import _asarray

    a = _asarray([1, 2], dtype="float32")
    assert a.dtype == np.float32
    assert _asarray([1], dtype="floatX").dtype == np.dtype(aesara.config.floatX)
    x = np.arange(3, dtype="int64")
    assert _asarray(x, "int64") is x


def test_may_share_memory():
    sp = pytest.importorskip("scipy.sparse", reason="sparse case needs scipy")
    from aesara.misc.may_share_memory import may_share_memory

    a = np.arange(6)
    assert may_share_memory(a, a[2:])
    assert not may_share_memory(a, np.arange(6))
    m = sp.csr_matrix(np.eye(3))
    assert may_share_memory(m, m.data)
    assert not may_share_memory(m, sp.csr_matrix(np.eye(3)))
    with pytest.raises(TypeError, match="b is a list"):
        may_share_memory(a, [1])
    assert may_share_memory(a, [1], raise_other_type=False) is False


def test_frozendict():
    from aesara.misc.frozendict import FrozenOrderedDict, frozendict

    d = frozendict({"a": 1}, b=2)
    assert d["a"] == 1 and len(d) == 2 and "b" in d
    assert hash(d) == hash(frozendict(b=2, a=1))
    assert d.copy(c=3) == {"a": 1, "b": 2, "c": 3}
    with pytest.raises(TypeError):
        d["a"] = 5  # immutable
    assert list(FrozenOrderedDict([("z", 1), ("a", 2)])) == ["z", "a"]


def test_ordered_set():
    from aesara.misc.ordered_set import OrderedSet

    s = OrderedSet([3, 1, 2, 1])
    assert list(s) == [3, 1, 2]
    s.add(0)
    s.discard(1)
    assert list(s) == [3, 2, 0] and 2 in s and len(s) == 3
    assert list(s | OrderedSet([7])) == [3, 2, 0, 7]
    assert s.pop() == 0 and s.pop(last=False) == 3
    with pytest.raises(TypeError, match="deterministic"):
        OrderedSet({1, 2})


def test_misc_scripts_are_thin_or_clear():
    from aesara.misc import check_blas, elemwise_openmp_speedup, latence_gpu_transfert

    seconds, impl = check_blas.execute(verbose=False, M=8, N=8, K=8, iters=2)
    assert seconds >= 0 and "Gemm" in impl
    with pytest.raises(NotImplementedError, match="OpenMP"):
        elemwise_openmp_speedup.runScript(10)
    with pytest.raises(NotImplementedError, match="GPU"):
        latence_gpu_transfert.main()


# ----------------------------------------------------------------------
# pkl_utils
# ----------------------------------------------------------------------
def test_pkl_utils_dump_load_in_a_fresh_process(tmp_path):
    from aesara.misc.pkl_utils import dump

    w = aesara.shared(np.ones(3), name="w")
    b = aesara.shared(np.zeros(3))
    x = at.vector("x")
    f = aesara.function([x], (x * w + b).sum(), updates=[(w, w + 1)])
    assert f(np.ones(3)) == 3.0  # w becomes 2
    path = tmp_path / "model.zip"
    with open(path, "wb") as fh:
        dump((f, w, np.arange(4)), fh)
    with np.load(path) as archive:
        assert "w" in archive.files and "pkl" in archive.files
        np.testing.assert_array_equal(archive["w"], [2.0, 2.0, 2.0])
    proc = _run_python(
        f"""
        import numpy as np
        from aesara.misc.pkl_utils import load
        with open({str(path)!r}, "rb") as fh:
            f, w, a = load(fh)
        print(float(f(np.ones(3))), w.get_value().tolist(), a.tolist())
        """,
        cwd=tmp_path,
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    # The loaded function still updates the loaded shared variable.
    assert proc.stdout.split("\n")[-2] == "6.0 [3.0, 3.0, 3.0] [0, 1, 2, 3]"


def test_plain_pickle_of_function_and_shared_in_a_fresh_process(tmp_path):
    w = aesara.shared(np.full(2, 5.0), name="w")
    x = at.vector("x")
    f = aesara.function([x], x * w, updates=[(w, w * 2)])
    path = tmp_path / "f.pkl"
    path.write_bytes(pickle.dumps((f, w)))
    proc = _run_python(
        f"""
        import pickle, numpy as np
        f, w = pickle.loads(open({str(path)!r}, "rb").read())
        print(f(np.ones(2)).tolist(), w.get_value().tolist())
        """,
        cwd=tmp_path,
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert proc.stdout.split("\n")[-2] == "[5.0, 5.0] [10.0, 10.0]"


def test_pkl_utils_names_and_errors(tmp_path):
    from aesara.misc.pkl_utils import PersistentSharedVariableID, dump, load

    a = aesara.shared(np.zeros(2), name="p")
    b = aesara.shared(np.ones(2), name="p")
    buf = io.BytesIO()
    dump([a, b], buf)
    buf.seek(0)
    a2, b2 = load(buf)
    np.testing.assert_array_equal(b2.get_value(), [1.0, 1.0])
    with np.load(io.BytesIO(buf.getvalue())) as archive:
        assert {"p", "p_2", "pkl"} <= set(archive.files)

    def strict(zf):
        return PersistentSharedVariableID(zf, allow_duplicates=False)

    with pytest.raises(ValueError, match="Several shared variables"):
        dump([a, b], io.BytesIO(), persistent_id=strict)
    bad = aesara.shared(np.zeros(1), name="pkl")
    with pytest.raises(ValueError, match="pkl"):
        dump(bad, io.BytesIO())


def test_strip_pickler_leaves_out_traces_without_changing_objects():
    from aesara.misc.pkl_utils import StripPickler

    x = at.vector("x")
    y = x * 2
    y.tag.test_value = np.ones(2)
    y.tag.keep_me = 7
    buf = io.BytesIO()
    StripPickler(buf, protocol=-1).dump(y)
    y2 = pickle.loads(buf.getvalue())
    assert not hasattr(y2.tag, "trace") and not hasattr(y2.tag, "test_value")
    assert y2.tag.keep_me == 7
    assert hasattr(y.tag, "test_value")  # the original keeps its tags


# ----------------------------------------------------------------------
# aesara.breakpoint
# ----------------------------------------------------------------------
@pytest.fixture
def fake_debugger(monkeypatch):
    """Make ``pdb`` the debugger and record (and act on) each breakpoint."""
    monkeypatch.setitem(sys.modules, "pudb", None)  # import raises ImportError
    monkeypatch.setitem(sys.modules, "ipdb", None)
    hits = []

    def set_trace(self, frame=None):
        local = frame.f_locals
        hits.append([m.copy() for m in local["monitored"]])
        local["monitored"][1][...] = -1.0  # the user edits a value

    monkeypatch.setattr(pdb.Pdb, "set_trace", set_trace)
    return hits


def test_pdb_breakpoint(fake_debugger, capsys):
    from aesara.breakpoint import PdbBreakpoint

    x = at.vector("x")
    err = (x**2).sum()
    err_out, x_out = PdbBreakpoint("too big")(at.gt(err, 10), err, x)
    f = aesara.function([x], [err_out, x_out * 2])
    small = np.array([1.0, 2.0])
    e, x2 = f(small)
    assert e == 5.0 and list(x2) == [2.0, 4.0] and fake_debugger == []
    big = np.array([3.0, 4.0])
    e, x2 = f(big)
    assert len(fake_debugger) == 1
    assert float(fake_debugger[0][0]) == 25.0
    np.testing.assert_array_equal(fake_debugger[0][1], big)
    assert "Conditional breakpoint 'too big' activated" in capsys.readouterr().out
    # The edited value is used downstream; the caller's array is untouched.
    assert list(x2) == [-2.0, -2.0] and list(big) == [3.0, 4.0]
    # Gradients flow through the monitored variables, not the condition.
    g = aesara.grad(err_out, x)
    np.testing.assert_allclose(g.eval({x: small}), [2.0, 4.0])


def test_pdb_breakpoint_rejects_a_non_scalar_condition():
    from aesara.breakpoint import PdbBreakpoint

    x = at.vector("x")
    with pytest.raises(TypeError, match="condition must be a scalar"):
        PdbBreakpoint("b")(x, x)


# ----------------------------------------------------------------------
# The cache command line, compiledir and compilelock
# ----------------------------------------------------------------------
def _populated_cache(root: Path):
    from aesara.link.c.cache import CompileCache, make_key

    cache = CompileCache(root, max_bytes=0)

    def build(directory):
        (directory / "data.bin").write_bytes(b"x" * 100)
        return {"kind": "test-entry"}

    for i in range(3):
        cache.get_or_build(make_key("entry", i), build)
    return cache


def test_cache_cli(tmp_path):
    base = tmp_path / "base"
    cache_dir = base / "cache"
    _populated_cache(cache_dir)
    # One fresh process (the flags are read at start-up) runs every command.
    commands = [
        [],
        ["stats"],
        ["list"],
        ["basecompiledir", "list"],
        ["bogus"],
        ["clear"],
        ["stats"],
    ]
    proc = _run_python(
        f"""
        import contextlib, io, json
        from aesara.bin.aesara_cache import main
        results = []
        for args in {commands!r}:
            out = io.StringIO()
            with contextlib.redirect_stdout(out):
                code = main(args)
            results.append([code, out.getvalue()])
        print(json.dumps(results))
        """,
        cwd=tmp_path,
        extra_env={"AESARA_FLAGS": f"base_compiledir={base},compiledir={cache_dir}"},
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    (
        (code0, where),
        (code1, stats),
        (code2, listing),
        (code3, base_list),
        (code4, bogus),
        (code5, cleared),
        (code6, stats_after),
    ) = json.loads(proc.stdout.strip().splitlines()[-1])
    assert code0 == 0 and where.strip() == str(cache_dir)
    assert code1 == 0 and "entries:   3" in stats
    assert code2 == 0 and "3 entries" in listing and "test-entry" in listing
    assert code3 == 0 and "cache" in base_list.split()
    assert code4 == 1 and 'command "bogus" not recognized' in bogus
    assert code5 == 0 and "removed 3 entries" in cleared
    assert code6 == 0 and "entries:   0" in stats_after


def test_compiledir_functions(tmp_path, capsys):
    from aesara.compile import compiledir

    cache = _populated_cache(tmp_path / "c")
    compiledir.print_compiledir_content(tmp_path / "c")
    out = capsys.readouterr().out
    assert "3 entries" in out and "test-entry" in out
    stale = cache.root / "tmp" / "leftover"
    stale.mkdir(parents=True)
    os.utime(stale, (time.time() - 7200, time.time() - 7200))
    assert compiledir.cleanup(tmp_path / "c") == 1 and not stale.exists()
    compiledir.basecompiledir_ls(tmp_path)
    assert "c" in capsys.readouterr().out.split()
    compiledir.compiledir_purge(tmp_path / "c")
    assert cache.entries() == []
    compiledir.basecompiledir_purge(tmp_path / "c")
    assert not (tmp_path / "c").exists()


def test_compilelock(tmp_path):
    from aesara.compile import compilelock

    lock_dir = tmp_path / "locked"
    with compilelock.lock_ctx(lock_dir, timeout=5):
        with compilelock.lock_ctx(lock_dir, timeout=5):  # re-entrant
            assert (lock_dir / ".lock").exists()
        # Another process cannot take it meanwhile.
        proc = _run_python(
            f"""
            from aesara.compile.compilelock import lock_ctx
            try:
                with lock_ctx({str(lock_dir)!r}, timeout=0.3):
                    print("got it")
            except TimeoutError:
                print("timed out")
            """,
            cwd=tmp_path,
        )
        assert proc.stdout.strip().splitlines()[-1] == "timed out", proc.stderr
        # Nor can another thread.
        result = []

        def other():
            try:
                with compilelock.lock_ctx(lock_dir, timeout=0.2):
                    result.append("got it")
            except TimeoutError:
                result.append("timed out")

        t = threading.Thread(target=other)
        t.start()
        t.join()
        assert result == ["timed out"]
    # Released: the old get/release API takes it again.
    compilelock.get_lock(lock_dir, timeout=1)
    compilelock.release_lock()
    compilelock.set_lock_status(False)
    try:
        compilelock.get_lock(lock_dir)  # a no-op now
        compilelock.release_lock()
    finally:
        compilelock.set_lock_status(True)
    compilelock.force_unlock(lock_dir)
    assert not (lock_dir / ".lock").exists()
