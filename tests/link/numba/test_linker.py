"""The Numba linker: mode, whole-graph compilation, fallback, updates, cache."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
import warnings
from pathlib import Path

import numpy as np
import pytest

numba = pytest.importorskip("numba", reason="the Numba backend needs numba")

import aesara  # noqa: E402
import aesara.tensor as at  # noqa: E402
from aesara.compile.function import function  # noqa: E402
from aesara.compile.mode import Mode, get_mode  # noqa: E402
from aesara.compile.ops import as_op  # noqa: E402
from aesara.compile.sharedvalue import shared  # noqa: E402
from aesara.configdefaults import config  # noqa: E402
from aesara.ifelse import ifelse  # noqa: E402
from aesara.link.numba import NumbaLinker  # noqa: E402
from aesara.link.numba.dispatch import (  # noqa: E402
    NumbaTranslationMissing,
    fgraph_to_numba,
    numba_funcify,
)
from aesara.raise_op import Assert  # noqa: E402

NUMBA = get_mode("NUMBA")
PY = Mode("py", "fast_run")
REPO = Path(__file__).resolve().parents[3]


def _compare(inputs, outputs, values, **kwargs):
    f = function(inputs, outputs, mode=NUMBA, **kwargs)
    g = function(inputs, outputs, mode=PY, **kwargs)
    res = f(*values)
    exp = g(*values)
    res = res if isinstance(res, list) else [res]
    exp = exp if isinstance(exp, list) else [exp]
    for r, e in zip(res, exp):
        r, e = np.asarray(r), np.asarray(e)
        assert r.dtype == e.dtype and r.shape == e.shape
        np.testing.assert_allclose(r, e, rtol=1e-6, atol=1e-12)
    return f


def test_mode_and_linker_names():
    assert isinstance(NUMBA.linker, NumbaLinker)
    assert get_mode("numba") is NUMBA
    excluded = NUMBA.provided_optimizer.exclude
    assert "BlasOpt" in excluded and "cxx_only" in excluded
    from aesara.compile.mode import get_linker

    assert isinstance(get_linker("numba"), NumbaLinker)


def test_readme_example_runs_as_one_function():
    a = at.dscalar()
    b = at.dscalar()
    f = function([a, b], a + b, mode=NUMBA)
    assert f(1.5, 2.5) == 4.0
    assert f.maker.linker.nopython
    # One compiled function for the whole graph.
    assert "numba_graph" in f.maker.linker.graph_function.source


def test_fused_elemwise_and_reduction():
    x, y, z = at.dvectors("x", "y", "z")
    out = at.exp(x) * at.sin(y) + at.log1p(z**2) - at.tanh(x * y)
    rng = np.random.default_rng(0)
    vals = [rng.normal(size=7) for _ in range(3)]
    f = _compare([x, y, z], [out, out.sum(), out.max()], vals)
    assert f.maker.linker.nopython


def test_constants_are_arguments_not_source():
    x = at.dvector("x")
    f1 = function([x], x * 2.5 + 7.0, mode=NUMBA)
    f2 = function([x], x * 3.5 + 1.0, mode=NUMBA)
    g1, g2 = f1.maker.linker.graph_function, f2.maker.linker.graph_function
    assert "2.5" not in g1.source and "7.0" not in g1.source
    # Same structure, other constants: one cache key.
    assert g1.key == g2.key
    np.testing.assert_allclose(f1(np.ones(3)), 9.5)
    np.testing.assert_allclose(f2(np.ones(3)), 4.5)


def test_runtime_broadcasting_and_noncontiguous_inputs():
    x = at.dmatrix("x")
    y = at.dmatrix("y")
    f = function([x, y], at.exp(x) + y * 2, mode=NUMBA)
    a = np.arange(12.0).reshape(3, 4) / 10
    b = np.arange(4.0).reshape(1, 4)
    np.testing.assert_allclose(f(a, b), np.exp(a) + b * 2)
    at_ = np.asfortranarray(a)
    strided = np.arange(24.0).reshape(3, 8)[:, ::2] / 10
    np.testing.assert_allclose(f(at_, strided), np.exp(a) + strided * 2)
    with pytest.raises(ValueError):
        f(a, np.ones((2, 4)))


def test_shared_variable_updates():
    w = shared(np.zeros(3), name="w")
    x = at.dvector("x")
    f = function([x], (w * x).sum(), updates=[(w, w + x)], mode=NUMBA)
    f(np.ones(3))
    f(np.arange(3.0))
    np.testing.assert_allclose(w.get_value(), [1.0, 2.0, 3.0])
    assert f(np.ones(3)) == 6.0


def test_logistic_regression_gradient():
    X = at.dmatrix("X")
    y = at.dvector("y")
    w = at.dvector("w")
    p = at.sigmoid(X @ w)
    loss = -(y * at.log(p) + (1 - y) * at.log1p(-p)).mean()
    g = aesara.grad(loss, w)
    rng = np.random.default_rng(1)
    vals = [rng.normal(size=(20, 4)), (rng.random(20) > 0.5) * 1.0, rng.normal(size=4)]
    f = _compare([X, y, w], [loss, g], vals)
    assert f.maker.linker.nopython


def test_indexing_and_structure():
    x = at.dmatrix("x")
    i = at.lscalar("i")
    out = at.set_subtensor(x[1:, i], 5.0)[::-1].T
    vals = [np.arange(12.0).reshape(3, 4), 2]
    f = _compare([x, i], [out, x[i - 1], x.reshape((4, 3)), at.join(0, x, x)], vals)
    assert f.maker.linker.nopython
    with pytest.raises(IndexError):
        f(np.ones((3, 4)), 7)


def test_ifelse_and_assert():
    x = at.dvector("x")
    c = at.bscalar("c")
    out = ifelse(c, x * 2, x - 1)
    checked = Assert("x must be positive")(x, at.all(x > 0))
    f = function([c, x], [out, checked], mode=NUMBA)
    np.testing.assert_allclose(f(1, np.ones(2))[0], 2.0)
    np.testing.assert_allclose(f(0, np.ones(2))[0], 0.0)
    assert f.maker.linker.nopython
    with pytest.raises(AssertionError, match="x must be positive"):
        f(1, -np.ones(2))


@as_op(itypes=[at.dvector], otypes=[at.dvector])
def _python_only(x):
    return np.sort(x)[::-1].copy()


def test_untranslated_op_runs_in_object_mode_with_one_warning():
    x = at.dvector("x")
    out = _python_only(at.exp(x)) + 1
    with warnings.catch_warnings(record=True) as w:
        warnings.simplefilter("always")
        f = function([x], out, mode=NUMBA)
    messages = [str(m.message) for m in w if "Numba backend" in str(m.message)]
    assert len(messages) == 1, messages
    assert "FromFunctionOp" in messages[0] and "object mode" in messages[0]
    assert not f.maker.linker.nopython
    v = np.array([0.0, 2.0, 1.0])
    np.testing.assert_allclose(f(v), np.sort(np.exp(v))[::-1] + 1)


def test_fallback_raise_option():
    x = at.dvector("x")
    with config.change_flags(numba__fallback="raise"):
        with pytest.raises(NumbaTranslationMissing, match="FromFunctionOp"):
            function([x], _python_only(x), mode=NUMBA)


def test_graph_of_unrepresentable_values_runs_on_python_linker():
    # Numba holds ``Generator``s (dispatch/random.py), not ``RandomState``s.
    rng = shared(np.random.RandomState(3))
    draw = at.random.normal(0, 1, size=(3,), rng=rng)
    with pytest.warns(UserWarning, match="cannot compile this graph"):
        f = function([], draw, mode=NUMBA)
    assert f().shape == (3,)
    with config.change_flags(numba__fallback="raise"):
        with pytest.raises(NumbaTranslationMissing):
            function([], draw, mode=NUMBA)


def test_numba_funcify_of_a_whole_graph():
    from aesara.graph.fg import FunctionGraph

    x = at.dvector("x")
    fg = FunctionGraph([x], [at.exp(x) * 2], clone=True)
    graph = fgraph_to_numba(fg)
    fn = numba.njit(graph.py_fn)
    np.testing.assert_allclose(fn(np.zeros(2), *graph.constants)[0], [2.0, 2.0])
    with pytest.raises(NumbaTranslationMissing):
        numba_funcify(object())
    # Aesara's entry point: numba_funcify of a graph, a function of its inputs.
    fg2 = FunctionGraph([x], [at.exp(x) * 2 + 1], clone=True)
    jitted = numba.njit(numba_funcify(fg2))
    np.testing.assert_allclose(jitted(np.zeros(2))[0], [3.0, 3.0])


def test_second_compile_of_a_graph_loads_from_the_cache():
    x = at.dvector("x")
    y = at.dvector("y")
    graph = at.tanh(x) * y - 3.0
    f1 = function([x, y], graph, mode=NUMBA)
    f1(np.ones(2), np.ones(2))
    # Another function, other constants, same structure: a cache hit.
    f2 = function([x, y], at.tanh(x) * y - 4.0, mode=NUMBA)
    np.testing.assert_allclose(f2(np.zeros(2), np.ones(2)), -4.0)
    assert f2.vm.jitted._cache.hits == 1


_CHILD = textwrap.dedent(
    """
    import numpy as np, aesara, aesara.tensor as at
    x = at.dvector("x")
    f = aesara.function([x], at.exp(x) * 2 + x.sum(), mode="NUMBA")
    assert np.allclose(f(np.ones(3)), np.exp(1) * 2 + 3)
    c = f.vm.jitted._cache
    print("hits", c.hits, "misses", c.misses)
    """
)


def _child(root: Path) -> str:
    env = dict(os.environ)
    env["AESARA_FLAGS"] = f"compiledir={root}"
    env["PYTHONPATH"] = str(REPO) + os.pathsep + env.get("PYTHONPATH", "")
    proc = subprocess.run(
        [sys.executable, "-c", _CHILD], env=env, capture_output=True, text=True
    )
    assert proc.returncode == 0, proc.stderr
    return proc.stdout.strip()


def test_cache_hits_across_processes_and_rebuilds_corrupt_entries(tmp_path):
    root = tmp_path / "cache"
    assert _child(root) == "hits 0 misses 1"
    assert _child(root) == "hits 1 misses 0"
    payloads = list(root.rglob("function.nbc"))
    assert len(payloads) == 1
    payloads[0].write_bytes(b"garbage")
    # The damaged entry fails its digest check: compiled again and stored.
    assert _child(root) == "hits 0 misses 1"
    assert _child(root) == "hits 1 misses 0"
