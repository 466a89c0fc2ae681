"""Generated element-wise C kernels against NumPy, through a ctypes harness."""

from __future__ import annotations

import numpy as np
import pytest

import aesara.scalar as aes
from aesara.configdefaults import config
from aesara.link.c.cache import CompileCache
from aesara.link.c.elemwise_codegen import elemwise_kernel
from aesara.link.c.scalar_c import CScalarContext, c_literal, translate_scalar
from tests.link.c.kernel_harness import load_kernel, run_kernel

pytestmark = pytest.mark.skipif(
    not config.cxx, reason="no C compiler configured (config.cxx is empty)"
)


@pytest.fixture(scope="module")
def cache(tmp_path_factory):
    return CompileCache(tmp_path_factory.mktemp("kcache"), max_bytes=0)


def composite_of(build, dtypes):
    ins = [aes.get_scalar_type(dt)() for dt in dtypes]
    outs = build(*ins)
    outs = outs if isinstance(outs, list) else [outs]
    return aes.Composite(ins, outs), [o.type.dtype for o in outs]


def test_fused_expression_all_layouts(cache):
    op, out_dtypes = composite_of(
        lambda x, y, z: aes.exp(x) * aes.sin(y) + aes.log1p(z * z) - aes.tanh(x * y),
        ["float64"] * 3,
    )
    _, fn = load_kernel(op, ["float64"] * 3, out_dtypes, cache)
    rng = np.random.default_rng(0)
    base = rng.normal(size=(7, 600))
    layouts = {
        "contiguous": (base, base + 1, base - 1),
        "transposed": (base.T, (base + 1).T, (base - 1).T),
        "negative stride": (base[:, ::-1], base[::-1], base[:, ::-3].repeat(3, 1)),
        "broadcast": (base, base[:1], np.float64(0.5) + 0 * base[:1, :1]),
        "0-d": (np.array(0.3), np.array(1.2), np.array(-2.0)),
        "empty": (base[:0], base[:0], base[:0]),
    }
    for name, (x, y, z) in layouts.items():
        (got,) = run_kernel(fn, (x, y, z), out_dtypes)
        want = np.exp(x) * np.sin(y) + np.log1p(z * z) - np.tanh(x * y)
        np.testing.assert_allclose(got, want, rtol=1e-13, atol=1e-15, err_msg=name)


@pytest.mark.parametrize(
    "build, dtypes, ref",
    [
        (lambda a, b: a // b, ["int64", "int64"], np.floor_divide),
        (lambda a, b: a % b, ["int64", "int64"], np.mod),
        (lambda a, b: a // b, ["int8", "int8"], np.floor_divide),
        (lambda a, b: a % b, ["uint16", "uint16"], np.mod),
        (lambda a, b: a // b, ["float64", "float64"], np.floor_divide),
        (lambda a, b: a % b, ["float32", "float32"], np.mod),
        (lambda a, b: aes.scalar_maximum(a, b), ["float64", "float64"], np.maximum),
        (lambda a, b: aes.scalar_minimum(a, b), ["float32", "float32"], np.minimum),
        (lambda a, b: aes.scalar_maximum(a, b), ["int32", "int32"], np.maximum),
        (lambda a, b: a + b, ["int8", "int8"], np.add),  # wraps like NumPy
        (lambda a, b: a * b, ["bool", "bool"], np.multiply),
        (lambda a, b: a + b, ["bool", "bool"], np.add),
        (lambda a, b: a + b, ["int32", "float32"], np.add),
        (lambda a, b: a / b, ["int64", "int64"], np.true_divide),
        (lambda a, b: a < b, ["float64", "float64"], np.less),
        (lambda a, b: aes.eq(a, b), ["int64", "float64"], np.equal),
        (lambda a, b: a & b, ["int16", "int16"], np.bitwise_and),
        (lambda a, b: a**b, ["float64", "float64"], np.power),
        (lambda a, b: aes.arctan2(a, b), ["float32", "float32"], np.arctan2),
    ],
)
def test_binary_ops_match_numpy(cache, build, dtypes, ref):
    op, out_dtypes = composite_of(build, dtypes)
    _, fn = load_kernel(op, dtypes, out_dtypes, cache)
    rng = np.random.default_rng(1)

    def sample(dt):
        if dt == "bool":
            return rng.random(50) < 0.5
        if dt.startswith(("int", "uint")):
            info = np.iinfo(dt)
            lo, hi = max(info.min, -100), min(info.max, 100)
            v = rng.integers(lo, hi, size=50).astype(dt)
            v[:3] = [0, 1, hi]  # division by zero, by one, big values
            return v
        v = rng.normal(size=50).astype(dt) * 3
        v[:4] = [0.0, -0.0, np.inf, np.nan]
        return v

    a, b = sample(dtypes[0]), sample(dtypes[1])
    (got,) = run_kernel(fn, (a, b), out_dtypes)
    with np.errstate(all="ignore"):
        want = ref(a, b)
    assert got.dtype == want.dtype or ref in (np.true_divide,)
    np.testing.assert_allclose(
        got.astype("float64"),
        want.astype("float64"),
        rtol=1e-6 if "float32" in dtypes else 1e-13,
        equal_nan=True,
    )


@pytest.mark.parametrize(
    "name, ref",
    [
        ("exp", np.exp),
        ("log", np.log),
        ("log1p", np.log1p),
        ("expm1", np.expm1),
        ("sqrt", np.sqrt),
        ("tanh", np.tanh),
        ("arcsinh", np.arcsinh),
        ("sgn", np.sign),
        ("abs", np.abs),
        ("floor", np.floor),
        ("round_half_to_even", np.round),
        ("sigmoid", lambda x: 1 / (1 + np.exp(-x))),
        ("softplus", lambda x: np.logaddexp(0, x)),
        ("erf", None),
        ("isnan", np.isnan),
        ("isinf", np.isinf),
    ],
)
@pytest.mark.parametrize("dtype", ["float64", "float32"])
def test_unary_math(cache, name, ref, dtype):
    import scipy.special

    if ref is None:
        ref = getattr(scipy.special, name)
    scalar_fn = getattr(aes, name)
    op, out_dtypes = composite_of(lambda x: scalar_fn(x), [dtype])
    _, fn = load_kernel(op, [dtype], out_dtypes, cache)
    x = np.concatenate(
        [
            np.linspace(-40, 40, 301),
            [0.0, -0.0, 0.5, 2.5, -2.5, np.inf, -np.inf, np.nan],
        ]
    ).astype(dtype)
    (got,) = run_kernel(fn, (x,), out_dtypes)
    with np.errstate(all="ignore"):
        want = np.asarray(ref(x))
    tol = 2e-6 if dtype == "float32" else 1e-13
    np.testing.assert_allclose(
        got.astype("float64"),
        want.astype("float64"),
        rtol=tol,
        atol=1e-300,
        equal_nan=True,
    )


def test_multi_output_composite_and_constants(cache):
    op, out_dtypes = composite_of(
        lambda x: [x * 2.5 + aes.constant(np.inf), aes.switch(x > 0, x, -x)],
        ["float64"],
    )
    _, fn = load_kernel(op, ["float64"], out_dtypes, cache)
    x = np.array([-1.0, 0.0, 3.0])
    a, b = run_kernel(fn, (x,), out_dtypes)
    np.testing.assert_array_equal(a, np.full(3, np.inf))
    np.testing.assert_array_equal(b, np.abs(x))


def _cast_then_reuse_input():
    """Outputs: an int switch, its float cast, and ``1 / cast + a``.

    The last output reads input ``a`` after the cast output was computed:
    with the cast written over ``a`` (in place), the kernel must still read
    ``a``'s old value. Found as a wrong gradient in issue 21.
    """
    return composite_of(
        lambda a, n, m: [
            aes.switch(aes.eq(m, 1), n, m),
            aes.cast(aes.switch(aes.eq(m, 1), n, m), "float64"),
            aes.reciprocal(aes.cast(aes.switch(aes.eq(m, 1), n, m), "float64")) + a,
        ],
        ["float64", "int64", "int64"],
    )


@pytest.mark.parametrize(
    "pattern", [{}, {1: 0}, {0: 1}, {0: 2}, {0: 1, 1: 0}, {0: 2, 1: 0}, {2: 0}]
)
@pytest.mark.parametrize("layout", ["0-d", "contiguous", "transposed", "strided"])
def test_output_written_over_an_input_a_later_output_reads(cache, pattern, layout):
    op, out_dtypes = _cast_then_reuse_input()
    _, fn = load_kernel(op, ["float64", "int64", "int64"], out_dtypes, cache)
    rng = np.random.default_rng(1)
    shape = {"0-d": (), "contiguous": (1000,), "transposed": (9, 70)}.get(
        layout, (40, 60)
    )
    a = rng.normal(size=shape)
    n = rng.integers(1, 9, size=shape)
    m = rng.integers(1, 4, size=shape)
    sw = np.where(m == 1, n, m)
    want = [sw, sw.astype("float64"), 1.0 / sw + a]

    def laid_out(x):
        # A fresh array (the kernel overwrites in-place inputs) in ``layout``.
        if layout == "transposed":
            return np.asfortranarray(x)
        if layout == "strided":
            return np.repeat(x, 2, axis=1)[:, ::2]
        return x.copy()

    args = [laid_out(x) for x in (a, n, m)]
    got = run_kernel(fn, args, out_dtypes, inplace=pattern)
    for j, (g, w) in enumerate(zip(got, want)):
        np.testing.assert_allclose(g, w, rtol=1e-15, err_msg=f"output {j}")


def test_kernel_pointers_are_not_restrict():
    # ``restrict`` on pointers that alias (an in-place output and its input)
    # is undefined behaviour: GCC then moved a load after the store.
    op, out_dtypes = _cast_then_reuse_input()
    source = elemwise_kernel(op, ["float64", "int64", "int64"], out_dtypes).source
    assert "restrict" not in source
    assert "#pragma GCC ivdep" in source


def test_untranslatable_op_raises_not_implemented():
    x = aes.float64()
    with pytest.raises(NotImplementedError, match="Erfcx"):
        elemwise_kernel(aes.Composite([x], [aes.erfcx(x)]), ["float64"], ["float64"])
    with pytest.raises(NotImplementedError, match="dtype complex128"):
        translate_scalar(
            aes.add, CScalarContext(), ["a"], ["complex128"], ["complex128"]
        )


def test_literals():
    assert c_literal(np.nan, "float64") == "((double)NAN)"
    assert c_literal(-np.inf, "float32") == "((float)(-INFINITY))"
    assert c_literal(True, "bool") == "1"
    assert c_literal(2**64 - 1, "uint64").endswith("ULL)")
    assert c_literal(0.1, "float64") == f"((double){(0.1).hex()})"


def test_kernel_vectorises_math(cache):
    # The contiguous loop must call glibc's SIMD exp (symbols _ZGV...).
    import subprocess

    op, out_dtypes = composite_of(lambda x: aes.exp(x) + 1.0, ["float64"])
    kernel = elemwise_kernel(op, ["float64"], out_dtypes)
    from aesara.link.c.compiler import compile_shared_library

    path = compile_shared_library(kernel.source, "elemwise", cache=cache)
    syms = subprocess.run(
        ["nm", "-D", str(path)], capture_output=True, text=True
    ).stdout
    assert "_ZGV" in syms and "exp" in syms
