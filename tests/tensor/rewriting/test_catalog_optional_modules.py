"""Fires-and-keeps-values cases for rewrites registered by optional modules.

Importing ``aesara.sandbox.linalg``, ``aesara.sandbox.rng_mrg``,
``aesara.typed_list`` or ``aesara.sparse`` registers rewrites in ``optdb``
(as in Aesara); the rewrite catalog requires a ``check_rewrite`` case for
each of them, which lives here.
"""

from __future__ import annotations

import numpy as np
import scipy.sparse

import aesara.sparse as sp
import aesara.tensor as at
from aesara.compile.mode import get_mode
from aesara.sandbox.linalg import ops as sandbox_linalg  # noqa: F401 (registers)
from aesara.tensor.nlinalg import det, matrix_inverse
from aesara.tensor.slinalg import cholesky, solve
from tests.tensor.rewriting.rewrite_check import check_rewrite

RNG = np.random.default_rng(7)
_B = RNG.normal(size=(3, 3))
SPD = _B @ _B.T + 3 * np.eye(3)
VEC = RNG.normal(size=3)


def test_transinv_to_invtrans():
    X = at.dmatrix("X")
    check_rewrite("transinv_to_invtrans", [X], matrix_inverse(X).T * 2, [SPD])


def test_inv_as_solve():
    A, b = at.dmatrix("A"), at.dvector("b")
    check_rewrite("inv_as_solve", [A, b], at.dot(matrix_inverse(A), b), [SPD, VEC])


def test_tag_solve_triangular():
    A, b = at.dmatrix("A"), at.dvector("b")
    check_rewrite("tag_solve_triangular", [A, b], solve(cholesky(A), b), [SPD, VEC])


def test_no_transpose_symmetric():
    X = at.dmatrix("X")
    X.tag.symmetric = True
    check_rewrite("no_transpose_symmetric", [X], X.T + 1, [SPD])


def test_psd_solve_with_chol():
    A, b = at.dmatrix("A"), at.dvector("b")
    A.tag.psd = True
    check_rewrite("psd_solve_with_chol", [A, b], solve(A, b), [SPD, VEC], rtol=1e-10)


def test_local_det_chol():
    X = at.dmatrix("X")
    check_rewrite("local_det_chol", [X], [det(X), cholesky(X)], [SPD], rtol=1e-10)


def test_local_log_prod_sqr():
    p = at.dvector("p")
    p.tag.positive = True
    check_rewrite(
        "local_log_prod_sqr", [p], at.log(at.prod(p)), [np.array([0.5, 2.0, 3.0])]
    )


def test_random_make_inplace_mrg():
    from aesara.sandbox.rng_mrg import MRG_RandomStream

    x = at.dvector("x")
    srng = MRG_RandomStream(123)
    # Each compiled function advances the shared generator state, so the
    # compared output must not depend on the draws themselves.
    out = x + at.ge(srng.uniform(size=(3,)), 0)
    check_rewrite("random_make_inplace_mrg", [x], out, [VEC])


def test_typed_list_inplace_rewrite():
    import aesara.typed_list as tl

    t = at.dvector("t")
    lst = tl.make_list([t, t * 2])
    out = tl.append(lst, t + 1)
    check_rewrite(
        "typed_list_inplace_rewrite",
        [t],
        tl.getitem(out, 2),
        [VEC],
        mode=get_mode("FAST_RUN").including("typed_list_inplace_rewrite"),
    )


def test_local_inplace_remove0():
    d = at.dmatrix("d")
    m = sp.csr_from_dense(d * 2)
    out = sp.dense_from_sparse(sp.remove0(m))
    check_rewrite(
        "local_inplace_remove0", [d], out, [np.array([[0.0, 1.0], [2.0, 0.0]])]
    )


def test_local_usmm():
    x = sp.csr_matrix("x", dtype="float64")
    y, z = at.dmatrix("y"), at.dmatrix("z")
    a = at.dscalar("a")
    value = scipy.sparse.random(4, 3, density=0.5, format="csr", random_state=1)
    check_rewrite(
        "local_usmm",
        [a, x, y, z],
        z - a * sp.dot(x, y),
        [np.float64(0.5), value, RNG.normal(size=(3, 2)), RNG.normal(size=(4, 2))],
        rtol=1e-12,
    )


def test_local_sampling_dot_csr():
    x, y = at.dmatrix("x"), at.dmatrix("y")
    p = sp.csr_matrix("p", dtype="float64")
    value = scipy.sparse.random(4, 5, density=0.5, format="csr", random_state=2)
    check_rewrite(
        "local_sampling_dot_csr",
        [x, y, p],
        sp.dense_from_sparse(sp.sampling_dot(x, y, p)),
        [RNG.normal(size=(4, 3)), RNG.normal(size=(5, 3)), value],
        rtol=1e-12,
    )
