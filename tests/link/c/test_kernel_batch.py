"""Element-wise kernels compiled together: one compiler run, one cache entry each."""

from __future__ import annotations

import ctypes
import os

import numpy as np
import pytest

import aesara
import aesara.scalar as aes
import aesara.tensor as at
from aesara.compile.mode import Mode
from aesara.link.c import compiler, registry
from aesara.link.c.cache import CompileCache
from aesara.link.c.compiler import (
    CompileError,
    c_compiler_available,
    compile_kernel_batch,
    kernel_symbol_prefix,
)
from aesara.link.c.elemwise_codegen import elemwise_kernel

pytestmark = pytest.mark.skipif(
    not c_compiler_available(), reason="needs a working C compiler"
)


def _sources(*ops):
    return [elemwise_kernel(op, ["float64"], ["float64"]).source for op in ops]


@pytest.fixture
def compile_runs(monkeypatch):
    runs = []
    real = compiler._compile_c

    def counting(*args, **kwargs):
        runs.append(args[-1])
        return real(*args, **kwargs)

    monkeypatch.setattr(compiler, "_compile_c", counting)
    return runs


def test_one_compiler_run_and_one_entry_per_kernel(tmp_path, compile_runs):
    cache = CompileCache(tmp_path / "c", max_bytes=0)
    sources = _sources(aes.exp, aes.tanh, aes.log1p)
    built = compile_kernel_batch(sources, cache=cache)
    assert len(compile_runs) == 1
    assert [prefix for _, prefix in built] == [kernel_symbol_prefix(s) for s in sources]
    assert len({prefix for _, prefix in built}) == 3
    for path, prefix in built:
        lib = ctypes.CDLL(str(path))
        assert hasattr(lib, prefix + "aesara_kernel")
        # Only the prefixed names are exported: kernels cannot collide.
        assert not hasattr(lib, "aesara_kernel")
    # The entries share one library file.
    assert len({os.stat(path).st_ino for path, _ in built}) == 1

    # A kernel is found alone, and in another batch only the new one compiles.
    again = compile_kernel_batch([sources[1]], cache=cache)
    assert again == [built[1]] and len(compile_runs) == 1
    mixed = compile_kernel_batch([sources[2], *_sources(aes.sin)], cache=cache)
    assert mixed[0] == built[2] and len(compile_runs) == 2

    # Another process (a new cache object over the same directory) finds them.
    other = CompileCache(tmp_path / "c", max_bytes=0)
    assert compile_kernel_batch(sources, cache=other) == built
    assert len(compile_runs) == 2


def test_a_function_compiles_its_new_kernels_together(compile_runs):
    x, y = at.dvectors("x", "y")
    # Constants no other test uses: kernels new to this process.
    outs = [
        at.exp(x) * 1.2345 + y,
        at.tanh(x * y) - 2.3456,
        at.log1p(x**2) * 3.4567,
        at.sin(y) + 4.5678 * x,
        at.cos(x) / 5.6789 - y,
    ]
    f = aesara.function([x, y], outs)
    g = aesara.function([x, y], outs, mode=Mode("py", "fast_run"))
    xv, yv = np.linspace(-1, 1, 7), np.linspace(2, 3, 7)
    for r, e in zip(f(xv, yv), g(xv, yv)):
        np.testing.assert_allclose(r, e, rtol=1e-14)
    kernels = [r for r in compile_runs if "elemwise kernels" in r]
    n_nodes = len(f.maker.fgraph.apply_nodes)
    # Five kernels (fused or not), fewer compiler runs than kernels.
    assert n_nodes >= 5 and 1 <= len(kernels) < n_nodes


def test_a_failing_batch_falls_back_to_one_build_per_kernel(monkeypatch):
    from aesara.link.c.ops import elemwise as ew

    real = ew._build_batch
    sizes = []

    def flaky(items):
        sizes.append(len(items))
        if len(items) > 1:
            raise CompileError("simulated failure of a batch")
        return real(items)

    monkeypatch.setattr(ew, "_build_batch", flaky)
    x = at.dvector("x")
    outs = [at.exp(x) * 9.8765, at.tanh(x) + 8.7654, at.sin(x) * 7.6543]
    f = aesara.function([x], outs)
    xv = np.linspace(0, 1, 5)
    expected = [np.exp(xv) * 9.8765, np.tanh(xv) + 8.7654, np.sin(xv) * 7.6543]
    for r, e in zip(f(xv), expected):
        np.testing.assert_allclose(r, e, rtol=1e-14)
    # Every kernel still ran in C, built on its own after the batch failed.
    assert any(n > 1 for n in sizes) and sizes.count(1) >= 2
    assert all(type(t).__name__ == "ElemwiseThunk" for t in f.vm.thunks if t)


def test_forgetting_a_library_forgets_its_batched_kernels(tmp_path):
    key = ("test-kernel-batch", 1)
    path = tmp_path / "kernel.so"
    registry._artifacts[key] = (path, "kabc_")
    try:
        registry.forget_artifacts({path})
        assert key not in registry._artifacts
    finally:
        registry._artifacts.pop(key, None)
