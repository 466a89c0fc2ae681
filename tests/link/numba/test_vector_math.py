"""Element-wise loops of the Numba backend: libmvec calls and the direct-index loop."""

from __future__ import annotations

import re

import numpy as np
import pytest

numba = pytest.importorskip("numba", reason="the Numba backend needs numba")

import aesara.tensor as at  # noqa: E402
from aesara.compile.function import function  # noqa: E402
from aesara.compile.mode import Mode, get_mode  # noqa: E402
from aesara.configdefaults import config  # noqa: E402
from aesara.link.numba.dispatch.vector_math import (  # noqa: E402
    vector_function,
    vector_math_available,
    vector_math_key,
)

NUMBA = get_mode("NUMBA")
PY = Mode("py", "fast_run")

needs_libmvec = pytest.mark.skipif(
    not vector_math_available(),
    reason="glibc's libmvec is not available here (not x86-64 Linux/glibc)",
)

# (aesara function, NumPy reference, sample values inside its domain)
_FUNCTIONS = {
    "exp": (at.exp, np.exp, (-700.0, 700.0)),
    "expm1": (at.expm1, np.expm1, (-30.0, 30.0)),
    "log": (at.log, np.log, (1e-300, 1e300)),
    "log1p": (at.log1p, np.log1p, (-0.999, 1e10)),
    "log2": (at.log2, np.log2, (1e-10, 1e10)),
    "log10": (at.log10, np.log10, (1e-10, 1e10)),
    "sin": (at.sin, np.sin, (-100.0, 100.0)),
    "cos": (at.cos, np.cos, (-100.0, 100.0)),
    "tan": (at.tan, np.tan, (-1.5, 1.5)),
    "arcsin": (at.arcsin, np.arcsin, (-1.0, 1.0)),
    "arctan": (at.arctan, np.arctan, (-1e5, 1e5)),
    "sinh": (at.sinh, np.sinh, (-20.0, 20.0)),
    "tanh": (at.tanh, np.tanh, (-30.0, 30.0)),
    "arcsinh": (at.arcsinh, np.arcsinh, (-1e5, 1e5)),
    "arctanh": (at.arctanh, np.arctanh, (-0.999, 0.999)),
}

# Where the float64 domain leaves float32's range.
_FLOAT32_DOMAINS = {"exp": (-80.0, 80.0), "log": (1e-30, 1e30)}


def _asm(f) -> str:
    jitted = f.vm.jitted
    return "".join(jitted.inspect_asm(sig) for sig in jitted.signatures)


@needs_libmvec
@pytest.mark.parametrize("dtype", ["float64", "float32"])
@pytest.mark.parametrize("name", sorted(_FUNCTIONS))
def test_vectorised_function_values(name, dtype):
    fn, ref, (lo, hi) = _FUNCTIONS[name]
    x = at.vector("x", dtype=dtype)
    f = function([x], fn(x), mode=NUMBA)
    if dtype == "float32":
        lo, hi = _FLOAT32_DOMAINS.get(name, (lo, hi))
    values = np.linspace(lo, hi, 1003).astype(dtype)
    res = f(values)
    assert res.dtype == dtype
    rtol = 1e-13 if dtype == "float64" else 2e-6
    expected = ref(values.astype("float64")).astype(dtype)
    np.testing.assert_allclose(res, expected, rtol=rtol, atol=0)
    # The loop calls libmvec's vector function, not the scalar one.
    assert re.search(r"_ZGV[bde]N\d+v_", _asm(f)), name


@needs_libmvec
def test_special_values_keep_their_meaning():
    x = at.dvector("x")
    out = [at.exp(x), at.log(x), at.tanh(x), at.log1p(x), at.sin(x)]
    values = np.array([np.nan, np.inf, -np.inf, 0.0, -0.0, -1.0, -2.0, 1e-320] * 5)
    f = function([x], out, mode=NUMBA)
    g = function([x], out, mode=PY)
    with np.errstate(all="ignore"):
        for r, e in zip(f(values), g(values)):
            np.testing.assert_array_equal(np.isnan(r), np.isnan(e))
            ok = ~np.isnan(e)
            np.testing.assert_allclose(r[ok], e[ok], rtol=1e-13)


@needs_libmvec
def test_binary_power_and_arctan2():
    x, y = at.dvectors("x", "y")
    f = function([x, y], [x**y, at.arctan2(x, y)], mode=NUMBA)
    rng = np.random.default_rng(0)
    a, b = rng.uniform(0.1, 10, 501), rng.uniform(-5, 5, 501)
    p, t = f(a, b)
    np.testing.assert_allclose(p, a**b, rtol=1e-13)
    np.testing.assert_allclose(t, np.arctan2(a, b), rtol=1e-13)
    assert re.search(r"_ZGV[bde]N\d+vv_(pow|atan2)", _asm(f))


@needs_libmvec
def test_flag_off_keeps_scalar_libm():
    x = at.dvector("x")
    with config.change_flags(numba__vector_math=False):
        assert vector_function("tanh", "float64") is None
        assert vector_math_key() == "scalar-libm"
        # A graph of its own, so that no cached translation is reused.
        f = function([x], at.tanh(x) * 3.25, mode=NUMBA)
        np.testing.assert_allclose(
            f(np.linspace(-3, 3, 11)), 3.25 * np.tanh(np.linspace(-3, 3, 11))
        )
        assert not re.search(r"_ZGV", _asm(f))
    assert vector_math_key().startswith("libmvec:")


def test_functions_without_variants_or_of_other_dtypes():
    assert vector_function("tanh", "int64") is None
    assert vector_function("tanh", "complex128") is None
    assert vector_function("sqrt", "float64") is None  # LLVM has its own
    x = at.zvector("x")
    f = function([x], at.exp(x), mode=NUMBA)
    v = np.array([1 + 2j, -0.5j])
    np.testing.assert_allclose(f(v), np.exp(v))
    i = at.lvector("i")
    f = function([i], at.tanh(i), mode=NUMBA)
    np.testing.assert_allclose(f(np.arange(-3, 4)), np.tanh(np.arange(-3, 4)))


@pytest.mark.parametrize(
    "shapes",
    [
        ((5, 7), (5, 7), (5, 7)),  # no broadcasting: the direct loop
        ((5, 7), (1, 7), (5, 1)),  # run-time broadcasting: the general loop
        ((1, 1), (4, 3), (4, 3)),
        ((0, 3), (1, 3), (0, 1)),
    ],
)
def test_direct_and_broadcasting_loops_agree(shapes):
    x, y, z = (at.dmatrix(n) for n in "xyz")
    out = at.exp(x) * at.sin(y) + at.log1p(z**2) - at.tanh(x * y)
    f = function([x, y, z], out, mode=NUMBA)
    g = function([x, y, z], out, mode=PY)
    rng = np.random.default_rng(1)
    values = [rng.normal(size=s) for s in shapes]
    np.testing.assert_allclose(f(*values), g(*values), rtol=1e-13)
    # Non-contiguous inputs take the same loops.
    if all(s[0] > 1 for s in shapes):
        strided = [np.asfortranarray(v) for v in values]
        np.testing.assert_allclose(f(*strided), g(*values), rtol=1e-13)
    bad = [rng.normal(size=(5, 7)), rng.normal(size=(4, 7)), rng.normal(size=(5, 7))]
    with pytest.raises(ValueError, match="broadcast"):
        f(*bad)


def _transparent_huge_pages() -> bool:
    try:
        with open("/sys/kernel/mm/transparent_hugepage/enabled") as f:
            mode = f.read()
    except OSError:
        return False
    return "[always]" in mode or "[madvise]" in mode


@pytest.mark.parametrize("n", [524_288, 1_000_003])
def test_large_outputs_are_right_and_backed_by_huge_pages(n):
    import resource

    from aesara.link.numba.dispatch.allocation import huge_pages_enabled

    x = at.dvector("x")
    f = function([x], at.exp(x) * 0.5 + 1.0, mode=NUMBA)
    v = np.linspace(-3, 3, n)
    np.testing.assert_allclose(f(v), np.exp(v) * 0.5 + 1.0, rtol=1e-13)
    if not (huge_pages_enabled() and _transparent_huge_pages()):
        pytest.skip("no transparent huge pages here: only the values are checked")
    before = resource.getrusage(resource.RUSAGE_SELF).ru_minflt
    for _ in range(4):
        f(v)
    faults = (resource.getrusage(resource.RUSAGE_SELF).ru_minflt - before) / 4
    # 4 KiB pages would fault once per page of the output.
    assert faults < 0.5 * (n * 8 / 4096), faults
