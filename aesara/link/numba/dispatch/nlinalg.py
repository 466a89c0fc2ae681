"""Products, the BLAS ops and linear algebra in Numba.

``Dot``, ``Dot22``, ``Dot22Scalar``, ``Gemm``, ``Gemv`` and ``Ger`` call
``np.dot``/loops compiled by Numba (BLAS for float and complex operands, a
loop for integers); ``MatrixInverse``, ``Det``, ``SLogDet``, ``MatrixPinv``,
``SVD``, ``Eigh``, ``Cholesky``, ``Lstsq``, ``TensorInv`` and ``TensorSolve``
call Numba's LAPACK-backed ``np.linalg`` (``Solve`` is in
:mod:`aesara.link.numba.dispatch.slinalg`). ``Eig`` of a real matrix and
``QRFull`` (every mode) call SciPy's LAPACK (``?geev``, ``?geqrf``,
``?orgqr``) through :mod:`aesara.link.numba.dispatch.lapack`, as NumPy does,
so eigenvalue order, eigenvector signs and ``raw`` output match NumPy's;
complex ``QRFull`` is not translated.
"""

from __future__ import annotations

import numpy as np

from aesara.link.numba.dispatch.basic import (
    NumbaTranslationMissing,
    _single_output_fn,
    numba_funcify,
    view_expr,
)
from aesara.tensor._nlinalg_decomp import SVD, Eig, Eigh, QRFull
from aesara.tensor._products import Dot, MatMul
from aesara.tensor.blas import Dot22, Dot22Scalar, Gemm, Gemv, Ger
from aesara.tensor.nlinalg import (
    Det,
    Lstsq,
    MatrixInverse,
    MatrixPinv,
    SLogDet,
    TensorInv,
    TensorSolve,
)
from aesara.tensor.slinalg import Cholesky

_BLAS_DTYPES = ("float32", "float64", "complex64", "complex128")


def _body(lines: list[str]) -> str:
    return "".join(f"    {line}\n" for line in lines)


def _dot_lines(
    xn: int,
    yn: int,
    dtype: str,
    x: str = "x",
    y: str = "y",
    x_dtype: str = "",
    y_dtype: str = "",
) -> list[str]:
    """Lines setting ``p`` to ``dot(x, y)`` in ``dtype`` (ranks 1 or 2)."""
    if xn not in (1, 2) or yn not in (1, 2):
        raise NumbaTranslationMissing(f"dot of ranks {xn} and {yn}")
    lines = [
        f"if {x}.shape[{xn - 1}] != {y}.shape[0]:",
        "    raise ValueError('dot: shapes are not aligned')",
    ]
    if dtype in _BLAS_DTYPES:
        # Numba's np.dot calls BLAS on C- and F-ordered operands of one
        # dtype (copying others itself): cast only where the dtype differs.
        lines += [
            f"xa = {x}" if x_dtype == dtype else f"xa = {x}.astype(np.{dtype})",
            f"ya = {y}" if y_dtype == dtype else f"ya = {y}.astype(np.{dtype})",
        ]
        if xn == 1 and yn == 1:
            lines.append(f"p = np.asarray(np.{dtype}(np.dot(xa, ya)))")
        else:
            lines.append("p = np.dot(xa, ya)")
        return lines
    # Integer and boolean products: a plain loop in the output dtype.
    xs = f"{x}.reshape((1, {x}.shape[0]))" if xn == 1 else x
    ys = f"{y}.reshape(({y}.shape[0], 1))" if yn == 1 else y
    lines += [
        f"xa = np.ascontiguousarray({x})",
        f"ya = np.ascontiguousarray({y})",
        f"x2 = {xs.replace(x, 'xa', 1)}",
        f"y2 = {ys.replace(y, 'ya', 1)}",
        f"q = np.zeros((x2.shape[0], y2.shape[1]), dtype=np.{dtype})",
        "for i in range(x2.shape[0]):",
        "    for k in range(x2.shape[1]):",
        f"        xik = np.{dtype}(x2[i, k])",
        "        for j in range(y2.shape[1]):",
        f"            q[i, j] += xik * np.{dtype}(y2[k, j])",
    ]
    if xn == 1 and yn == 1:
        lines.append("p = np.asarray(q[0, 0])")
    elif xn == 1:
        lines.append("p = q.reshape((q.shape[1],))")
    elif yn == 1:
        lines.append("p = q.reshape((q.shape[0],))")
    else:
        lines.append("p = q")
    return lines


def _operand_dtypes(node, i: int, j: int) -> dict:
    return {"x_dtype": node.inputs[i].type.dtype, "y_dtype": node.inputs[j].type.dtype}


@numba_funcify.register(Dot)
def numba_funcify_Dot(op, node=None, **kwargs):
    x, y = node.inputs
    dtype = node.outputs[0].type.dtype
    lines = _dot_lines(
        x.type.ndim, y.type.ndim, dtype, x_dtype=x.type.dtype, y_dtype=y.type.dtype
    )
    lines.append("return p")
    return _single_output_fn("def dot(x, y):\n" + _body(lines), "dot")


@numba_funcify.register(Dot22)
def numba_funcify_Dot22(op, node=None, **kwargs):
    dtype = node.outputs[0].type.dtype
    lines = _dot_lines(2, 2, dtype, **_operand_dtypes(node, 0, 1)) + ["return p"]
    return _single_output_fn("def dot22(x, y):\n" + _body(lines), "dot22")


@numba_funcify.register(Dot22Scalar)
def numba_funcify_Dot22Scalar(op, node=None, **kwargs):
    dtype = node.outputs[0].type.dtype
    lines = _dot_lines(2, 2, dtype, **_operand_dtypes(node, 0, 1))
    lines.append(f"return (p * a[()]).astype(np.{dtype})")
    return _single_output_fn(
        "def dot22scalar(x, y, a):\n" + _body(lines), "dot22scalar"
    )


def _scaled_update(target: str, dtype: str, inplace: bool) -> list[str]:
    """``out = b * target + a * p`` (``b == 0`` ignores the target, as BLAS does)."""
    lines = [
        f"av = np.{dtype}(a[()])",
        f"bv = np.{dtype}(b[()])",
    ]
    if inplace:
        lines += [
            f"if {target}.shape == p.shape:",
            f"    out = {target}",
            "else:",
            f"    out = np.empty(p.shape, dtype=np.{dtype})",
        ]
    else:
        lines.append(f"out = np.empty(p.shape, dtype=np.{dtype})")
    lines += [
        "if bv == 0:",
        "    out[...] = av * p",
        "else:",
        f"    out[...] = bv * {target} + av * p",
        "return out",
    ]
    return lines


@numba_funcify.register(Gemm)
def numba_funcify_Gemm(op, node=None, **kwargs):
    dtype = node.outputs[0].type.dtype
    lines = _dot_lines(2, 2, dtype, **_operand_dtypes(node, 2, 3))
    lines += [
        "if (z.shape[0] != p.shape[0] and z.shape[0] != 1) or "
        "(z.shape[1] != p.shape[1] and z.shape[1] != 1):",
        "    raise ValueError('Gemm: z does not match x @ y')",
    ]
    lines += _scaled_update("z", dtype, op.inplace)
    return _single_output_fn("def gemm(z, a, x, y, b):\n" + _body(lines), "gemm")


@numba_funcify.register(Gemv)
def numba_funcify_Gemv(op, node=None, **kwargs):
    dtype = node.outputs[0].type.dtype
    lines = _dot_lines(2, 1, dtype, x="A", y="x", **_operand_dtypes(node, 2, 3))
    lines += [
        "if y.shape[0] != p.shape[0] and y.shape[0] != 1:",
        "    raise ValueError('Gemv: y does not match A @ x')",
    ]
    lines += _scaled_update("y", dtype, op.inplace)
    return _single_output_fn("def gemv(y, a, A, x, b):\n" + _body(lines), "gemv")


@numba_funcify.register(Ger)
def numba_funcify_Ger(op, node=None, **kwargs):
    dtype = node.outputs[0].type.dtype
    lines = [
        f"av = np.{dtype}(a[()])",
        "n = x.shape[0]",
        "m = y.shape[0]",
        "if (A.shape[0] != n and A.shape[0] != 1) or (A.shape[1] != m and A.shape[1] != 1):",
        "    raise ValueError('Ger: A does not match outer(x, y)')",
    ]
    if op.destructive:
        lines += [
            "if A.shape[0] == n and A.shape[1] == m:",
            "    out = A",
            "else:",
            f"    out = np.empty((n, m), dtype=np.{dtype})",
            "    out[...] = A",
        ]
    else:
        lines += [f"out = np.empty((n, m), dtype=np.{dtype})", "out[...] = A"]
    lines += [
        "for i in range(n):",
        "    xi = av * x[i]",
        "    for j in range(m):",
        "        out[i, j] += xi * y[j]",
        "return out",
    ]
    return _single_output_fn("def ger(A, a, x, y):\n" + _body(lines), "ger")


def _float_input(node) -> str:
    dtype = node.outputs[0].type.dtype
    if dtype not in _BLAS_DTYPES or node.inputs[0].type.ndim != 2:
        raise NumbaTranslationMissing(f"{node.op} of a {node.inputs[0].type}")
    return dtype


@numba_funcify.register(MatrixInverse)
def numba_funcify_MatrixInverse(op, node=None, **kwargs):
    dtype = _float_input(node)
    lines = [
        "if x.shape[0] != x.shape[1]:",
        "    raise np.linalg.LinAlgError('inv: the matrix is not square')",
        f"return np.linalg.inv(np.ascontiguousarray(x).astype(np.{dtype}))",
    ]
    return _single_output_fn("def inv(x):\n" + _body(lines), "inv", {"np": np})


@numba_funcify.register(Det)
def numba_funcify_Det(op, node=None, **kwargs):
    dtype = _float_input(node)
    lines = [
        "if x.shape[0] != x.shape[1]:",
        "    raise np.linalg.LinAlgError('det: the matrix is not square')",
        f"return np.asarray(np.{dtype}(np.linalg.det(np.ascontiguousarray(x).astype(np.{dtype}))))",
    ]
    return _single_output_fn("def det(x):\n" + _body(lines), "det")


def _square_check(name: str) -> list[str]:
    return [
        "if x.ndim != 2 or x.shape[0] != x.shape[1]:",
        f"    raise np.linalg.LinAlgError('{name}: the matrix is not square')",
    ]


@numba_funcify.register(Cholesky)
def numba_funcify_Cholesky(op, node=None, **kwargs):
    dtype = _float_input(node)
    if op.on_error != "raise" or dtype.startswith("complex"):
        raise NumbaTranslationMissing(f"{op}")
    lines = [
        "if x.ndim != 2 or x.shape[0] != x.shape[1]:",
        "    raise ValueError('cholesky: the input must be a square matrix')",
        "if not np.all(np.isfinite(x)):",
        "    raise ValueError('array must not contain infs or NaNs')",
        f"low = np.linalg.cholesky(np.ascontiguousarray(x).astype(np.{dtype}))",
    ]
    lines.append("return low" if op.lower else "return np.ascontiguousarray(low.T)")
    return _single_output_fn("def cholesky(x):\n" + _body(lines), "cholesky")


@numba_funcify.register(Eigh)
def numba_funcify_Eigh(op, node=None, **kwargs):
    dtype = _float_input(node)
    if op.UPLO != "L" or dtype.startswith("complex"):
        raise NumbaTranslationMissing(f"{op}")
    w_dtype, v_dtype = (o.type.dtype for o in node.outputs)
    lines = _square_check("eigh") + [
        f"w, v = np.linalg.eigh(np.ascontiguousarray(x).astype(np.{dtype}))",
        f"return w.astype(np.{w_dtype}), v.astype(np.{v_dtype})",
    ]
    return _single_output_fn("def eigh(x):\n" + _body(lines), "eigh")


@numba_funcify.register(SLogDet)
def numba_funcify_SLogDet(op, node=None, **kwargs):
    dtype = _float_input(node)
    s_dtype, l_dtype = (o.type.dtype for o in node.outputs)
    lines = _square_check("slogdet") + [
        f"s, ld = np.linalg.slogdet(np.ascontiguousarray(x).astype(np.{dtype}))",
        f"return np.asarray(np.{s_dtype}(s)), np.asarray(np.{l_dtype}(ld))",
    ]
    return _single_output_fn("def slogdet(x):\n" + _body(lines), "slogdet")


@numba_funcify.register(MatrixPinv)
def numba_funcify_MatrixPinv(op, node=None, **kwargs):
    dtype = _float_input(node)
    if op.hermitian:
        raise NumbaTranslationMissing(f"{op}")
    out = node.outputs[0].type.dtype
    lines = [
        f"p = np.linalg.pinv(np.ascontiguousarray(x).astype(np.{dtype}))",
        f"return p.astype(np.{out})",
    ]
    return _single_output_fn("def pinv(x):\n" + _body(lines), "pinv")


@numba_funcify.register(SVD)
def numba_funcify_SVD(op, node=None, **kwargs):
    dtype = _float_input(node)
    xs = f"np.ascontiguousarray(x).astype(np.{dtype})"
    outs = [o.type.dtype for o in node.outputs]
    full = "True" if op.full_matrices else "False"
    if op.compute_uv:
        lines = [
            f"u, s, vt = np.linalg.svd({xs}, full_matrices={full})",
            f"return u.astype(np.{outs[0]}), s.astype(np.{outs[1]}), "
            f"vt.astype(np.{outs[2]})",
        ]
    else:
        lines = [
            f"u, s, vt = np.linalg.svd({xs}, full_matrices=False)",
            f"return s.astype(np.{outs[0]})",
        ]
    return _single_output_fn("def svd(x):\n" + _body(lines), "svd")


@numba_funcify.register(MatMul)
def numba_funcify_MatMul(op, node=None, **kwargs):
    x, y = node.inputs
    if x.type.ndim not in (1, 2) or y.type.ndim not in (1, 2):
        raise NumbaTranslationMissing("matmul of stacked matrices")
    dtype = node.outputs[0].type.dtype
    lines = _dot_lines(
        x.type.ndim, y.type.ndim, dtype, x_dtype=x.type.dtype, y_dtype=y.type.dtype
    )
    lines.append("return p")
    return _single_output_fn("def matmul(x, y):\n" + _body(lines), "matmul")


def _double(dtype: str) -> str:
    """The double-precision dtype ``numpy.linalg`` computes in for ``dtype``."""
    return "complex128" if dtype.startswith("complex") else "float64"


def _lapack_routines(dtype: str):
    from aesara.link.numba.dispatch import lapack

    try:
        return lapack.routines(dtype)
    except (ImportError, RuntimeError) as e:
        raise NumbaTranslationMissing(f"SciPy's LAPACK is not usable: {e}") from e


@numba_funcify.register(Eig)
def numba_funcify_Eig(op, node=None, **kwargs):
    in_dtype = node.inputs[0].type.dtype
    w_dtype, v_dtype = (o.type.dtype for o in node.outputs)
    if w_dtype not in ("complex64", "complex128") or node.inputs[0].type.ndim != 2:
        raise NumbaTranslationMissing(f"{op} of a {node.inputs[0].type}")
    lines = _square_check("eig") + [
        "if not np.all(np.isfinite(x)):",
        "    raise np.linalg.LinAlgError('Array must not contain infs or NaNs')",
        "if x.shape[0] == 0:",
        f"    return np.empty(0, dtype=np.{w_dtype}), np.empty((0, 0), dtype=np.{v_dtype})",
    ]
    env = {}
    if in_dtype.startswith("complex"):
        lines.append(
            "w, v = np.linalg.eig(np.ascontiguousarray(x).astype(np.complex128))"
        )
    else:
        # NumPy calls the real LAPACK solver (its eigenvalue order and
        # eigenvector normalisation) and pairs conjugate columns itself;
        # Numba's np.linalg.eig refuses real matrices with complex eigenvalues.
        # NumPy computes in double precision whatever the input's.
        env["real_eig"] = _lapack_routines("float64").eig
        lines.append("w, v = real_eig(x)")
    lines.append(f"return w.astype(np.{w_dtype}), v.astype(np.{v_dtype})")
    return _single_output_fn("def eig(x):\n" + _body(lines), "eig", env)


@numba_funcify.register(QRFull)
def numba_funcify_QRFull(op, node=None, **kwargs):
    dtype = node.outputs[0].type.dtype
    if dtype not in ("float32", "float64") or node.inputs[0].type.ndim != 2:
        # Complex QR has no LAPACK wrapper here.
        raise NumbaTranslationMissing(f"{op} of a {node.inputs[0].type}")
    lines = [
        "m, n = x.shape",
        "k = min(m, n)",
        # h is the factored matrix in column-major order (h.T is m x n).
        "h, tau = qr_factor(x)",
    ]
    dt = f"np.{dtype}"
    if op.mode == "reduced":
        lines += [
            "q = qr_q(h, tau, m, k)",
            f"return q.astype({dt}), np.triu(h.T[:k, :]).astype({dt})",
        ]
    elif op.mode == "complete":
        lines += [
            "q = qr_q(h, tau, m, m)",
            f"return q.astype({dt}), np.triu(h.T).astype({dt})",
        ]
    elif op.mode == "r":
        lines.append(f"return np.triu(h.T[:k, :]).astype({dt})")
    else:
        # NumPy's raw mode returns LAPACK's column-major array as an n x m one.
        lines.append(f"return h.astype({dt}), tau.astype({dt})")
    # NumPy computes in double precision whatever the input's.
    r = _lapack_routines("float64")
    return _single_output_fn(
        "def qr(x):\n" + _body(lines),
        "qr",
        {"qr_factor": r.qr_factor, "qr_q": r.qr_q},
    )


@numba_funcify.register(Lstsq)
def numba_funcify_Lstsq(op, node=None, **kwargs):
    a, b, _ = node.inputs
    x_dt, res_dt, rank_dt, s_dt = (o.type.dtype for o in node.outputs)
    if x_dt not in _BLAS_DTYPES or a.type.ndim != 2:
        raise NumbaTranslationMissing(f"{op} of a {a.type}")
    work = _double(x_dt)
    lines = [
        "if b.shape[0] != a.shape[0]:",
        "    raise np.linalg.LinAlgError('Incompatible dimensions')",
        f"aa = np.ascontiguousarray(a).astype(np.{work})",
        f"bb = np.ascontiguousarray(b).astype(np.{work})",
        "x, res, rank, s = np.linalg.lstsq(aa, bb, rcond=np.float64(rcond[()]))",
        f"return (x.astype(np.{x_dt}), res.astype(np.{res_dt}), "
        f"np.asarray(np.{rank_dt}(rank)), s.astype(np.{s_dt}))",
    ]
    return _single_output_fn("def lstsq(a, b, rcond):\n" + _body(lines), "lstsq")


def _tuple_src(items: list[str]) -> str:
    if not items:
        return "()"
    return "(" + ", ".join(items) + ("," if len(items) == 1 else "") + ")"


def _prod_src(items: list[str]) -> str:
    return " * ".join(["1"] + items)


@numba_funcify.register(TensorInv)
def numba_funcify_TensorInv(op, node=None, **kwargs):
    dtype = node.outputs[0].type.dtype
    if dtype not in _BLAS_DTYPES:
        raise NumbaTranslationMissing(f"{op} of a {node.inputs[0].type}")
    ndim = node.inputs[0].type.ndim
    dims = [f"a.shape[{i}]" for i in range(ndim)]
    first, rest = dims[: op.ind], dims[op.ind :]
    lines = [
        f"p = {_prod_src(first)}",
        f"q = {_prod_src(rest)}",
        "if p != q:",
        "    raise np.linalg.LinAlgError('Last 2 dimensions of the array must be square')",
        f"m = np.ascontiguousarray(a).astype(np.{_double(dtype)}).reshape((p, q))",
        f"inv = np.linalg.inv(m).astype(np.{dtype})",
        f"return inv.reshape({_tuple_src(rest + first)})",
    ]
    return _single_output_fn("def tensorinv(a):\n" + _body(lines), "tensorinv")


@numba_funcify.register(TensorSolve)
def numba_funcify_TensorSolve(op, node=None, **kwargs):
    a, b = node.inputs
    dtype = node.outputs[0].type.dtype
    if dtype not in _BLAS_DTYPES or b.type.ndim >= a.type.ndim:
        raise NumbaTranslationMissing(f"{op} of a {a.type} and a {b.type}")
    perm = op._permutation(a.type.ndim)
    lines = []
    if perm != list(range(a.type.ndim)):
        lines.append(f"a = {view_expr('a', perm)}")
    dims = [f"a.shape[{i}]" for i in range(a.type.ndim)]
    lead, x_dims = dims[: b.type.ndim], dims[b.type.ndim :]
    lines += [
        f"p = {_prod_src(x_dims)}",
        f"if {_prod_src(lead)} != p:",
        "    raise np.linalg.LinAlgError('Input arrays must satisfy the requirement "
        "prod(a.shape[b.ndim:]) == prod(a.shape[:b.ndim])')",
        f"m = np.ascontiguousarray(a).astype(np.{_double(dtype)}).reshape((p, p))",
        f"rhs = np.ascontiguousarray(b).astype(np.{_double(dtype)}).reshape((p,))",
        f"x = np.linalg.solve(m, rhs).astype(np.{dtype})",
        f"return x.reshape({_tuple_src(x_dims)})",
    ]
    return _single_output_fn("def tensorsolve(a, b):\n" + _body(lines), "tensorsolve")
