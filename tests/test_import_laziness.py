"""``import aesara`` loads neither the heavy SciPy submodules nor the C runtime.

SciPy's linear algebra, statistics and special functions, NumPy's f2py and
the compiled runtime modules are loaded on first use. Each check runs in a
fresh interpreter (``sys.modules`` of this test process is full already);
the second half of each child checks that the lazily loaded pieces still
work once something needs them.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap

import pytest

from aesara.link.c.compiler import c_compiler_available

HEAVY = ("scipy.linalg", "scipy.stats", "scipy.special", "scipy.sparse", "numpy.f2py")
# The compiled runtime modules and the Python modules that build/load them.
RUNTIME_PREFIXES = (
    "aesara_runtime",
    "aesara_blas_runtime",
    "aesara_reduce_runtime",
    "aesara_structural",
    "aesara.link.c._prebuilt",
    "aesara.link.c.runtime",
    "aesara.link.c.blas_runtime",
    "aesara.link.c.reduce_runtime",
    "aesara.link.c.structural_runtime",
    "aesara.link.c.compiler",
)


def _run(code: str) -> dict:
    """Run ``code`` in a fresh interpreter; it prints one JSON object last."""
    proc = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)],
        capture_output=True,
        text=True,
        env=dict(os.environ),  # the session's compile directory (conftest)
        timeout=600,
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    return json.loads(proc.stdout.strip().splitlines()[-1])


def _loaded(modules: list[str]) -> list[str]:
    return sorted(
        m
        for m in modules
        if m in HEAVY
        or m.startswith(tuple(h + "." for h in HEAVY))
        or m.startswith(RUNTIME_PREFIXES)
    )


@pytest.mark.parametrize("statement", ["import aesara", "import aesara.tensor"])
def test_import_loads_no_heavy_module(statement):
    out = _run(
        f"""
        import json, sys
        {statement}
        print(json.dumps(sorted(sys.modules)))
        """
    )
    assert _loaded(out) == []
    # The tensor library itself is there (this is not an empty import).
    assert "aesara.tensor.slinalg" in out and "aesara.tensor.random.basic" in out


def test_lazily_loaded_pieces_work_after_import():
    out = _run(
        """
        import json, pickle, sys
        import numpy as np
        import aesara
        import aesara.tensor as at
        from aesara.tensor.slinalg import Cholesky, cholesky, expm, solve
        from aesara.tensor import slinalg
        from aesara.tensor.random.basic import halfnormal
        from aesara.tensor.math import erf

        before = sorted(sys.modules)
        result = {"before": before}
        py = aesara.compile.mode.Mode("py", "fast_run")
        x = at.dmatrix("x")
        a = np.array([[4.0, 1.0], [1.0, 3.0]])
        f = aesara.function([x], [cholesky(x), solve(x, x), expm(x)], mode=py)
        c, s, e = f(a)
        result["cholesky"] = bool(np.allclose(c @ c.T, a))
        result["solve"] = bool(np.allclose(s, np.eye(2)))
        import scipy.linalg
        result["expm"] = bool(np.allclose(e, scipy.linalg.expm(a)))
        # The module attribute the eager import used to give.
        result["slinalg.scipy"] = slinalg.scipy.linalg is scipy.linalg
        v = at.dvector("v")
        g = aesara.function([v], erf(v), mode=py)
        import scipy.special
        result["erf"] = bool(np.allclose(g(np.ones(2)), scipy.special.erf(1.0)))
        rng = aesara.shared(np.random.default_rng(0))
        h = aesara.function([], halfnormal(0.0, 1.0, size=(3,), rng=rng), mode=py)
        result["halfnormal"] = bool((h() >= 0).all())
        # Graphs holding these ops pickle and unpickle.
        graph = pickle.loads(pickle.dumps(cholesky(x)))
        result["pickle"] = isinstance(graph.owner.op, Cholesky)
        # Python BLAS perform (scipy.linalg.blas through the lazy import).
        from aesara.tensor.blas import gemv_no_inplace
        y, A, w = at.dvector("y"), at.dmatrix("A"), at.dvector("w")
        k = aesara.function([y, A, w], gemv_no_inplace(y, 2.0, A, w, 0.5), mode=py)
        result["gemv"] = bool(np.allclose(k(np.ones(2), a, np.ones(2)), 2 * a.sum(1) + 0.5))
        print(json.dumps(result))
        """
    )
    assert _loaded(out.pop("before")) == []
    assert out == {
        "cholesky": True,
        "solve": True,
        "expm": True,
        "slinalg.scipy": True,
        "erf": True,
        "halfnormal": True,
        "pickle": True,
        "gemv": True,
    }


@pytest.mark.skipif(not c_compiler_available(), reason="needs a working C compiler")
def test_blas_thunks_load_without_scipy_linalg():
    # The C BLAS thunks take SciPy's BLAS routines from the cython_blas
    # extension alone; a later ``import scipy.linalg`` is the usual one.
    out = _run(
        """
        import json, sys
        import numpy as np
        import aesara
        import aesara.tensor as at

        X, w = at.dmatrix("X"), at.dvector("w")
        f = aesara.function([X, w], at.exp(X @ w))
        kinds = [type(t).__name__ for t in f.vm.thunks]
        Xv, wv = np.arange(6.0).reshape(3, 2), np.array([0.5, -0.25])
        ok = bool(np.allclose(f(Xv, wv), np.exp(Xv @ wv)))
        loaded = sorted(m for m in sys.modules if m.startswith("scipy.linalg"))
        import scipy.linalg
        from scipy.linalg import cython_blas

        print(json.dumps({
            "kinds": kinds,
            "ok": ok,
            "loaded": loaded,
            "attribute": scipy.linalg.cython_blas is cython_blas,
            "solve": bool(np.allclose(scipy.linalg.solve(np.eye(2), wv), wv)),
        }))
        """
    )
    assert "BlasThunk" in out["kinds"]
    assert out["ok"] and out["attribute"] and out["solve"]
    assert out["loaded"] == []
