"""Sparse graphs in the JAX backend: refused at compile time with a clear error."""

from __future__ import annotations

import numpy as np
import pytest

jax = pytest.importorskip("jax", reason="the JAX backend needs the jax package")
scipy_sparse = pytest.importorskip("scipy.sparse", reason="sparse matrices need SciPy")

import aesara  # noqa: E402
import aesara.sparse as S  # noqa: E402
import aesara.tensor as at  # noqa: E402
from aesara.link.jax.dispatch.basic import JAXTranslationError  # noqa: E402


def _compile(inputs, outputs, **kwargs):
    return aesara.function(inputs, outputs, mode="JAX", **kwargs)


@pytest.mark.parametrize(
    "build, op_name",
    [
        (lambda x: S.dense_from_sparse(x), "DenseFromSparse"),
        (lambda x: S.sp_sum(x, 0), "SpSum"),
        (lambda x: x.T, "SparseTranspose"),
        # No sparse op at all: the input is returned (copied).
        (lambda x: x, "DeepCopyOp"),
    ],
)
def test_sparse_input_is_refused_naming_variable_and_op(build, op_name):
    x = S.csr_matrix("my_sparse_x")
    with pytest.raises(JAXTranslationError) as info:
        _compile([x], build(x))
    msg = str(info.value)
    assert "sparse matrices" in msg
    assert "'my_sparse_x'" in msg and "csr" in msg
    assert op_name in msg
    # It says where sparse graphs do run.
    assert "mode='NUMBA'" in msg and "FAST_RUN" in msg


def test_sparse_intermediate_is_refused_naming_the_producing_op():
    d = at.dmatrix("d")
    y = S.dense_from_sparse(S.csc_from_dense(d) * 2.0) + 1
    with pytest.raises(JAXTranslationError, match="SparseFromDense") as info:
        _compile([d], y)
    assert "mode='NUMBA'" in str(info.value)


def test_sparse_shared_variable_is_refused():
    m = scipy_sparse.random(3, 4, density=0.5, format="csc", random_state=0)
    w = aesara.shared(m, name="sparse_weights")
    v = at.dvector("v")
    with pytest.raises(JAXTranslationError, match="sparse_weights"):
        _compile([v], S.dot(w, v))


def test_error_is_a_not_implemented_error_raised_before_any_call():
    x = S.csr_matrix("x")
    # Compilation itself fails: no function object is ever returned.
    with pytest.raises(NotImplementedError, match="cannot compile graphs with sparse"):
        _compile([x], S.sp_sum(x))


def test_dense_graphs_still_compile():
    d = at.dmatrix("d")
    f = _compile([d], (d * 2).sum(axis=0))
    np.testing.assert_allclose(f(np.ones((2, 3))), [4.0, 4.0, 4.0])
