"""SciPy csr/csc matrices in the Numba backend (``aesara.link.numba.dispatch.sparse``).

Values compiled with ``mode="NUMBA"`` are compared with the Python VM's
(``mode="FAST_COMPILE"``); the translated ops are compiled with
``numba__fallback="raise"``, so a missing nopython translation fails.
"""

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
scipy_sparse = pytest.importorskip("scipy.sparse", reason="sparse matrices need SciPy")

import aesara  # noqa: E402
import aesara.sparse as S  # noqa: E402
import aesara.tensor as at  # noqa: E402
from aesara.compile.function import function  # noqa: E402
from aesara.compile.mode import get_mode  # noqa: E402
from aesara.configdefaults import config  # noqa: E402
from aesara.link.numba.dispatch import NumbaTranslationMissing  # noqa: E402
from aesara.link.numba.dispatch.sparse import (  # noqa: E402
    CSCMatrixType,
    CSRMatrixType,
)
from tests.op_db.sparse import random_sparse  # noqa: E402

NUMBA = get_mode("NUMBA")
REPO = Path(__file__).resolve().parents[3]

FORMATS = ("csr", "csc")
# Kinds of matrices every translation is checked on.
KINDS = ("plain", "explicit-zeros", "unsorted", "no-rows", "no-cols", "all-zero")


def _matrix(kind: str, fmt: str, dtype: str = "float64", shape=(4, 3), seed=0):
    rng = np.random.default_rng(seed)
    if kind == "no-rows":
        shape = (0, shape[1])
    elif kind == "no-cols":
        shape = (shape[0], 0)
    return random_sparse(
        rng,
        shape,
        fmt,
        dtype,
        density=0.0 if kind == "all-zero" else 0.5,
        explicit_zeros=kind == "explicit-zeros",
        unsorted=kind == "unsorted",
    )


def _dense(shape, dtype="float64", seed=1):
    rng = np.random.default_rng(seed)
    return (rng.normal(size=shape) * 5).astype(dtype)


def _snapshot(value):
    if scipy_sparse.issparse(value):
        return (
            value.format,
            value.data.copy(),
            value.indices.copy(),
            value.indptr.copy(),
            value.shape,
        )
    return np.array(value, copy=True)


def _same_input(before, value):
    if isinstance(before, tuple):
        fmt, data, indices, indptr, shape = before
        assert value.format == fmt and value.shape == shape
        np.testing.assert_array_equal(value.data, data)
        np.testing.assert_array_equal(value.indices, indices)
        np.testing.assert_array_equal(value.indptr, indptr)
    else:
        np.testing.assert_array_equal(value, before)


def _assert_same_value(got, expected):
    if scipy_sparse.issparse(expected):
        assert scipy_sparse.issparse(got), f"expected a sparse matrix, got {type(got)}"
        assert got.format == expected.format
        assert got.dtype == expected.dtype
        assert got.shape == expected.shape
        got, expected = got.toarray(), expected.toarray()
    else:
        got = np.asarray(got)
        assert got.dtype == np.asarray(expected).dtype
        assert got.shape == np.shape(expected)
    tol = 1e-5 if got.dtype in (np.float32, np.complex64) else 1e-10
    np.testing.assert_allclose(got, expected, rtol=tol, atol=tol)


def check_numba(inputs, outputs, *cases, nopython=True):
    """Compile with Numba and the Python VM once, compare on every case.

    Each case is a list of input values; the inputs must be left unchanged.
    """
    with config.change_flags(numba__fallback="raise" if nopython else "warn"):
        f = function(inputs, outputs, mode=NUMBA)
    assert f.maker.linker.nopython == nopython
    g = function(inputs, outputs, mode="FAST_COMPILE")
    for values in cases:
        before = [_snapshot(v) for v in values]
        got = f(*values)
        for b, v in zip(before, values):
            _same_input(b, v)
        expected = g(*values)
        if not isinstance(outputs, (list, tuple)):
            got, expected = [got], [expected]
        for a, b in zip(got, expected):
            _assert_same_value(a, b)
    return f


def _sparse_var(fmt, dtype="float64", name="x"):
    return S.matrix(fmt, name=name, dtype=dtype)


# ---------------------------------------------------------------------------
# The Numba types: typeof, boxing, unboxing, attributes
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", FORMATS)
def test_typeof_gives_the_format_dtype_and_index_types(fmt):
    m = _matrix("plain", fmt, "float32")
    t = numba.typeof(m)
    assert isinstance(t, CSRMatrixType if fmt == "csr" else CSCMatrixType)
    assert t.dtype == numba.float32 and t.index_dtype == numba.int32
    big = m.copy()
    big.indices = big.indices.astype(np.int64)
    big.indptr = big.indptr.astype(np.int64)
    assert numba.typeof(big).index_dtype == numba.int64
    assert numba.typeof(big) != t


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("kind", ["plain", "unsorted", "no-rows", "all-zero"])
def test_box_unbox_round_trip_shares_buffers(fmt, kind):
    @numba.njit
    def identity(x):
        return x

    m = _matrix(kind, fmt)
    out = identity(m)
    assert type(out) is type(m)
    assert out.shape == m.shape
    np.testing.assert_array_equal(out.toarray(), m.toarray())
    np.testing.assert_array_equal(out.indices, m.indices)
    # Unboxing reads the SciPy buffers in place; boxing wraps them again.
    assert np.shares_memory(out.data, m.data) or m.data.size == 0


@pytest.mark.parametrize("fmt", FORMATS)
def test_attributes_and_copy_in_nopython_code(fmt):
    @numba.njit
    def props(x):
        y = x.copy()
        y.data[:] = 0
        return x.ndim, x.nnz, x.shape, np.shape(x), x.data.sum(), y

    m = _matrix("plain", fmt)
    ndim, nnz, shape, np_shape, total, copy = props(m)
    assert (ndim, nnz, shape, np_shape) == (2, m.nnz, m.shape, m.shape)
    np.testing.assert_allclose(total, m.data.sum())
    # The copy has its own buffers: zeroing them left the original alone.
    assert copy.format == fmt and np.all(copy.data == 0) and np.any(m.data != 0)


def test_int64_index_matrices_run_through_translated_ops():
    x = _sparse_var("csr")
    m = _matrix("plain", "csr")
    # SciPy's constructor would pick int32 again: set the buffers directly.
    big = m.copy()
    big.indices = big.indices.astype(np.int64)
    big.indptr = big.indptr.astype(np.int64)
    assert big.indices.dtype == np.int64
    check_numba([x], [S.dense_from_sparse(x), x.T], [big])


# ---------------------------------------------------------------------------
# Translated ops, against the Python VM
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", FORMATS)
def test_structure_and_conversion_ops(fmt):
    x = _sparse_var(fmt)
    data, indices, indptr, shape = S.csm_properties(x)
    outputs = [
        S.dense_from_sparse(x),
        x.T,
        data,
        indices,
        indptr,
        shape,
        -x,
        S.cast(x, "float32"),
    ]
    check_numba([x], outputs, *[[_matrix(kind, fmt)] for kind in KINDS])


@pytest.mark.parametrize("fmt", FORMATS)
def test_csm_rebuilds_a_matrix_from_its_buffers(fmt):
    x = _sparse_var(fmt)
    data, indices, indptr, shape = S.csm_properties(x)
    # The same buffers as the other format: the transpose.
    other = "csc" if fmt == "csr" else "csr"
    outputs = [
        S.CSM(fmt)(data * 2, indices, indptr, shape),
        S.CSM(other)(data, indices, indptr, shape[::-1]),
    ]
    check_numba([x], outputs, *[[_matrix(kind, fmt)] for kind in KINDS])


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("dtype", ["float64", "float32", "int32", "complex128"])
def test_sparse_from_dense(fmt, dtype):
    d = at.matrix("d", dtype=dtype)
    value = _dense((4, 5), dtype)
    value[value.real > 1] = 0
    value[0] = 0
    to_sparse = S.csr_from_dense if fmt == "csr" else S.csc_from_dense
    check_numba([d], to_sparse(d), [value], [np.zeros((0, 3), dtype=dtype)])


def test_sparse_from_dense_stores_nan():
    d = at.dmatrix("d")
    value = np.array([[0.0, np.nan], [1.0, 0.0]])
    f = check_numba([d], S.csr_from_dense(d), [value])
    assert f(value).nnz == 2


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("dtype", ["float64", "int16"])
def test_sp_sum(fmt, dtype):
    x = _sparse_var(fmt, dtype)
    outputs = [S.sp_sum(x, axis) for axis in (None, 0, 1)]
    check_numba([x], outputs, *[[_matrix(kind, fmt, dtype)] for kind in KINDS])


@pytest.mark.parametrize("fmt", FORMATS)
def test_mul_and_add_with_dense(fmt):
    x = _sparse_var(fmt)
    d = at.dmatrix("d")
    s = at.dscalar("s")
    outputs = [S.mul_s_d(x, d), S.mul_s_d(x, s), S.add_s_d(x, d)]
    cases = []
    for kind in KINDS:
        m = _matrix(kind, fmt)
        cases.append([m, _dense(m.shape), np.float64(-2.5)])
    check_numba([x, d, s], outputs, *cases)


@pytest.mark.parametrize("fmt", FORMATS)
def test_mul_with_dense_upcasts(fmt):
    x = _sparse_var(fmt, "int32")
    d = at.fmatrix("d")
    m = _matrix("plain", fmt, "int32")
    f = check_numba([x, d], S.mul_s_d(x, d), [m, _dense(m.shape, "float32")])
    assert f.maker.fgraph.outputs[0].type.dtype == "float64"


@pytest.mark.parametrize("fmt", FORMATS)
def test_structured_dot_and_dot_with_dense(fmt):
    x = _sparse_var(fmt)
    b = at.dmatrix("b")
    v = at.dvector("v")
    w = at.dvector("w")
    a = at.dmatrix("a")
    outputs = [
        S.structured_dot(x, b),
        S.dot(x, b),
        S.dot(x, v),
        S.dot(w, x),
        S.dot(a, x),
    ]
    cases = []
    for kind in KINDS:
        m = _matrix(kind, fmt)
        cases.append(
            [
                m,
                _dense((m.shape[1], 2)),
                _dense(m.shape[1]),
                _dense(m.shape[0]),
                _dense((3, m.shape[0])),
            ]
        )
    check_numba([x, b, v, w, a], outputs, *cases)


def test_structured_dot_mixed_dtypes():
    x = _sparse_var("csc", "float32")
    b = at.matrix("b", dtype="int64")
    m = _matrix("plain", "csc", "float32")
    check_numba([x, b], S.structured_dot(x, b), [m, _dense((3, 2), "int64")])


def test_sparse_constant_in_a_compiled_graph():
    m = _matrix("unsorted", "csc")
    b = at.dmatrix("b")
    check_numba([b], S.structured_dot(S.constant(m), b), [_dense((3, 2))])


def test_sparse_output_of_an_input_is_copied():
    x = _sparse_var("csr")
    m = _matrix("plain", "csr")
    f = check_numba([x], x, [m])
    out = f(m)
    assert not np.shares_memory(out.data, m.data)


# ---------------------------------------------------------------------------
# Run-time errors, fallbacks, caching
# ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "build, shapes",
    [
        (lambda x, d: S.mul_s_d(x, d), ((4, 3), (3, 4))),
        (lambda x, d: S.add_s_d(x, d), ((4, 3), (4, 4))),
        (lambda x, d: S.structured_dot(x, d), ((4, 3), (4, 2))),
        (lambda x, d: S.dot(x, d), ((4, 3), (2, 2))),
    ],
)
def test_shape_mismatch_raises_value_error(build, shapes):
    x = _sparse_var("csr")
    d = at.dmatrix("d")
    with config.change_flags(numba__fallback="raise"):
        f = function([x, d], build(x, d), mode=NUMBA)
    m = _matrix("plain", "csr", shape=shapes[0])
    with pytest.raises(ValueError):
        f(m, _dense(shapes[1]))


def test_csm_rejects_an_inconsistent_indptr():
    data = at.dvector("data")
    indices = at.ivector("indices")
    indptr = at.ivector("indptr")
    shape = at.ivector("shape")
    with config.change_flags(numba__fallback="raise"):
        f = function(
            [data, indices, indptr, shape],
            S.CSM("csr")(data, indices, indptr, shape),
            mode=NUMBA,
        )
    args = [np.ones(2), np.array([0, 1], "int32"), np.array([0, 2], "int32")]
    with pytest.raises(ValueError, match="indptr"):
        f(*args, np.array([3, 3], "int32"))


def test_untranslated_sparse_ops_fall_back_to_perform():
    x = _sparse_var("csr")
    y = _sparse_var("csc", name="y")
    m, n = _matrix("plain", "csr"), _matrix("unsorted", "csc", seed=3)
    # Sparse + sparse and sparse @ sparse have no nopython translation.
    with config.change_flags(numba__fallback="raise"):
        with pytest.raises(NumbaTranslationMissing, match="AddSS|StructuredDot"):
            function([x, y], [x + y, S.structured_dot(x, y.T)], mode=NUMBA)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        check_numba(
            [x, y],
            [x + y, S.structured_dot(x, y.T), S.dense_from_sparse(x + y) * 2],
            [m, n],
            nopython=False,
        )
    assert any("object mode" in str(w.message) for w in caught)


def test_bsr_graphs_run_on_the_python_linker():
    x = S.matrix("bsr", name="x")
    m = _matrix("plain", "csr").tobsr()
    with pytest.warns(UserWarning, match="cannot compile this graph"):
        f = function([x], S.dense_from_sparse(x), mode=NUMBA)
    np.testing.assert_allclose(f(m), m.toarray())


def test_second_compile_of_a_sparse_graph_loads_from_the_cache():
    x = _sparse_var("csr")
    b = at.dmatrix("b")
    m = _matrix("plain", "csr")
    f1 = function([x, b], S.structured_dot(x.T.T, b) + 1.0, mode=NUMBA)
    f1(m, _dense((3, 2)))
    f2 = function([x, b], S.structured_dot(x.T.T, b) + 2.0, mode=NUMBA)
    expected = (m @ _dense((3, 2))) + 2.0
    np.testing.assert_allclose(f2(m, _dense((3, 2))), expected)
    assert f2.vm.jitted._cache.hits == 1


_CHILD = textwrap.dedent(
    """
    import numpy as np, scipy.sparse as sp, aesara, aesara.sparse as S
    x = S.csr_matrix("x")
    f = aesara.function([x], [x.T, S.sp_sum(x, 0)], mode="NUMBA")
    m = sp.csr_matrix(np.array([[0.0, 2.0], [3.0, 0.0], [0.0, 5.0]]))
    t, s = f(m)
    assert t.format == "csc" and np.allclose(t.toarray(), m.T.toarray())
    assert np.allclose(s, [3.0, 7.0])
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


def test_sparse_graph_cache_hits_across_processes(tmp_path):
    # Boxing a matrix refers to a Python function by name: the stored code
    # must still build SciPy matrices in a fresh process.
    root = tmp_path / "cache"
    assert _child(root) == "hits 0 misses 1"
    assert _child(root) == "hits 1 misses 0"


def test_sparse_input_to_numba_mode_without_fallback():
    # A plain aesara.function call with mode="NUMBA" takes SciPy matrices.
    x = S.csc_matrix("x")
    f = aesara.function([x], S.sp_sum(x), mode="NUMBA")
    m = _matrix("plain", "csc")
    np.testing.assert_allclose(f(m), m.sum())
