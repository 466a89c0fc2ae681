"""Generate C kernels for reductions (``CAReduce``, fused or not, and argmax).

A reduction kernel is a plain shared library (no Python headers, so it
compiles fast) that the :mod:`reduce runtime <aesara.link.c.reduce_runtime>`
loads with ``dlopen``. It exports::

    int aesara_reduce(int nd, const ae_intp *shape, const char *const *x,
                      const ae_intp *xs, char *acc_base, char *acc,
                      const ae_intp *as, ae_intp nacc, ae_intp thread_min);
    void aesara_reduce_finish(ae_intp n, const char *acc, char *out);
    const int aesara_reduce_nin;  /* k, the number of inputs */

The runtime has already broadcast the ``k`` inputs (stride 0 along
broadcast axes) and canonicalised the iteration space: length-1 axes
dropped, axes sorted by decreasing total input stride (so the innermost
loop walks memory), axes walked backwards by the inputs flipped and
mergeable axes merged. ``x`` holds the inputs' start addresses and
``xs[d * k + j]`` input ``j``'s byte stride along axis ``d``; ``as`` are the
accumulator's strides (0 along reduced axes); ``acc_base`` is a
C-contiguous buffer of ``nacc`` accumulators, which the kernel fills with
the operation's identity first, and ``acc`` the address the walk starts
from (they differ where flipping moved it). ``aesara_reduce_finish`` casts
accumulators to the output dtype when they differ.

Two inner loops do the work:

* innermost axis reduced: each row is reduced in fixed blocks of
  ``AE_BLOCK`` elements, each with ``AE_K`` independent accumulators (which
  the compiler vectorises without ``-ffast-math``), the block results folded
  in order;
* innermost axis kept: a whole accumulator row is updated per input row
  (``acc[j] = op(acc[j], f(x[j]))``), which streams the input.

Threads (OpenMP) split only over output elements, or, for a reduction to a
single value, compute the fixed blocks' partial results in parallel and fold
them in the same order as the serial code: results do not depend on the
number of threads.

For a fused reduction (a ``Composite`` ``op(acc, f(x1, ..., xk))``, see
:func:`aesara.tensor.rewriting.fusion.local_careduce_fusion`) ``f`` is
evaluated on small stack-resident chunks, so the element-wise work and the
reduction make one pass over the inputs. ``f`` always runs on whole aligned
chunks, so vector and scalar versions of math functions (which may differ in
the last bit) never mix differently when the work is split.

Argmax kernels export ``aesara_argmax`` (see :func:`argmax_kernel`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from aesara.link.c.scalar_c import C_TYPES, CScalarContext, _cast, translate_scalar

__all__ = [
    "REDUCE_ABI_VERSION",
    "ReduceKernel",
    "argmax_kernel",
    "reduce_kernel",
    "reduction_parts",
]

REDUCE_ABI_VERSION = 2
_FLOATS = ("float32", "float64")


@dataclass(frozen=True)
class ReduceKernel:
    """Generated source of one reduction kernel and its dtypes."""

    source: str
    in_dtype: str
    acc_dtype: str
    out_dtype: str


def _binop_kind(op: Any) -> str | None:
    from aesara.scalar import _ops as O

    for cls, kind in (
        (O.Add, "add"),
        (O.Mul, "mul"),
        (O.ScalarMaximum, "max"),
        (O.ScalarMinimum, "min"),
        (O.AND, "and"),
        (O.OR, "or"),
        (O.XOR, "xor"),
    ):
        if type(op) is cls:
            return kind
    return None


def reduction_parts(scalar_op: Any) -> tuple[Any, str] | None:
    """The binary op combining accumulators, and its kind, for ``scalar_op``.

    ``scalar_op`` is either one of the reorderable binary ops with an
    identity (add, mul, maximum, minimum, and, or, xor) or a ``Composite``
    of the form ``op(acc, f(x1, ..., xk))`` with such an ``op`` whose ``f``
    does not use ``acc``. Returns ``None`` for anything else.
    """
    from aesara.tensor.elemwise import fused_reduction_structure

    kind = _binop_kind(scalar_op)
    if kind is not None:
        return scalar_op, kind
    parts = fused_reduction_structure(scalar_op)
    if parts is None:
        return None
    binop = parts[0]
    kind = _binop_kind(binop)
    return None if kind is None else (binop, kind)


def _identity(kind: str, dtype: str) -> str:
    """The C literal of ``kind``'s identity in ``dtype``.

    Float sums start at -0.0 (``-0.0 + x == x`` for every ``x``, signed
    zeros included); max/min start at the extreme values (-inf/+inf for
    floats, which keeps NaN propagating).
    """
    ctype = C_TYPES[dtype]
    if dtype == "bool":
        return {"add": "0", "mul": "1", "max": "0", "min": "1"}.get(
            kind, "1" if kind == "and" else "0"
        )
    if dtype in _FLOATS:
        lit = {
            "add": "-0.0",
            "mul": "1.0",
            "max": "-INFINITY",
            "min": "INFINITY",
        }.get(kind)
        if lit is None:
            raise NotImplementedError(f"{kind} reduction of {dtype}")
        return f"(({ctype}){lit})"
    info = np.iinfo(np.dtype(dtype))
    val = {
        "add": 0,
        "mul": 1,
        "max": info.min,
        "min": info.max,
        "and": -1 if info.min < 0 else info.max,
        "or": 0,
        "xor": 0,
    }[kind]
    if dtype == "int64" and val == info.min:
        return "((int64_t)(-9223372036854775807LL - 1))"
    suffix = "ULL" if dtype.startswith("uint") else "LL"
    return f"(({ctype}){val}{suffix})"


_TEMPLATE = r"""
/* aesara reduction kernel (generated) */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#ifdef _OPENMP
#include <omp.h>
#endif
typedef long long ae_intp;
typedef const char *ae_ptr;
#define AE_SIMD __attribute__((__simd__("notinbranch"), const, nothrow))
#define AE_K @K@
#define AE_FCH 64
#define AE_BLOCK 4096
#define AE_MAXDIMS 64
#define AE_NX @NX@
@X_TYPEDEFS@
typedef @A_T@ a_t;
typedef @O_T@ o_t;
@PRELUDE@
/* inputs @X_DT@, accumulator @A_DT@, output @O_DT@, buffered f: @BUFFERED@ */
#define AE_ID @ID@
static inline a_t ae_op(a_t a, a_t b) { return @OP@; }
static inline a_t ae_f(@F_PARAMS@) { @F_BODY@ }
#define AE_BUFFERED @BUFFERED@

/* dst[j] = x[j] advanced by k elements of stride s[j], for every input. */
static inline void ae_adv(ae_ptr *dst, const ae_ptr *x, const ae_intp *s, ae_intp k)
{
    for (int j = 0; j < AE_NX; j++) dst[j] = x[j] + k * s[j];
}

/* K-accumulator reduction of n contiguous accumulator values. */
static inline void ae_fold_k(a_t *restrict acc, ae_intp n, const a_t *restrict p)
{
    ae_intp i = 0;
    for (; i + AE_K <= n; i += AE_K)
        for (int k = 0; k < AE_K; k++) acc[k] = ae_op(acc[k], p[i + k]);
    for (int k = 0; i < n; i++, k++) acc[k] = ae_op(acc[k], p[i]);
}

#if AE_BUFFERED
/* One input's 1 <= m <= AE_FCH elements at stride s into a whole chunk
 * (the tail padded with the last element; stride 0 broadcasts one). */
#define AE_LOAD(T, buf, m, p, s)                                              \
    do {                                                                      \
        if ((m) == AE_FCH && (s) == (ae_intp)sizeof(T)) {                     \
            memcpy(buf, p, sizeof buf);                                       \
        } else if ((s) == 0) {                                                \
            const T v_ = *(const T *)(p);                                     \
            for (int j_ = 0; j_ < AE_FCH; j_++) buf[j_] = v_;                 \
        } else {                                                              \
            for (ae_intp j_ = 0; j_ < (m); j_++) buf[j_] = *(const T *)((p) + j_ * (s)); \
            for (ae_intp j_ = (m); j_ < AE_FCH; j_++) buf[j_] = buf[(m) - 1]; \
        }                                                                     \
    } while (0)

/* f of 1 <= m <= AE_FCH elements into out. f always runs on a whole,
 * aligned chunk, so each element is computed by the same (vector) code
 * wherever it lies: results cannot depend on how the work is split. */
static inline void ae_f_some(ae_intp m, const ae_ptr *x, const ae_intp *s, a_t *out)
{
@BUF_DECL@
@BUF_LOAD@
    a_t res[AE_FCH] __attribute__((aligned(64)));
    for (int j = 0; j < AE_FCH; j++) res[j] = ae_f(@BUF_ARGS@);
    memcpy(out, res, sizeof(a_t) * (size_t)m);
}
#endif

/* op-reduction of n <= AE_BLOCK elements at strides s. */
static a_t ae_block(ae_intp n, const ae_ptr *x, const ae_intp *s)
{
    a_t acc[AE_K];
#if AE_BUFFERED
    for (int k = 0; k < AE_K; k++) acc[k] = AE_ID;
    a_t tmp[AE_FCH];
    ae_ptr xc[AE_NX];
    for (ae_intp c = 0; c < n; c += AE_FCH) {
        const ae_intp m = n - c < AE_FCH ? n - c : AE_FCH;
        ae_adv(xc, x, s, c);
        ae_f_some(m, xc, s, tmp);
        ae_fold_k(acc, m, tmp);
    }
#else
    const char *x0 = x[0];
    const ae_intp s0 = s[0];
    if (n < 2 * AE_K) {  /* short rows: one accumulator */
        a_t r = AE_ID;
        for (ae_intp i = 0; i < n; i++) r = ae_op(r, ae_f(*(const x0_t *)(x0 + i * s0)));
        return r;
    }
    for (int k = 0; k < AE_K; k++) acc[k] = AE_ID;
    ae_intp i = 0;
    if (s0 == (ae_intp)sizeof(x0_t)) {
        const x0_t *restrict p = (const x0_t *)x0;
        for (; i + AE_K <= n; i += AE_K)
            for (int k = 0; k < AE_K; k++) acc[k] = ae_op(acc[k], ae_f(p[i + k]));
        for (int k = 0; i < n; i++, k++) acc[k] = ae_op(acc[k], ae_f(p[i]));
    } else {
        for (; i + AE_K <= n; i += AE_K)
            for (int k = 0; k < AE_K; k++)
                acc[k] = ae_op(acc[k], ae_f(*(const x0_t *)(x0 + (i + k) * s0)));
        for (int k = 0; i < n; i++, k++)
            acc[k] = ae_op(acc[k], ae_f(*(const x0_t *)(x0 + i * s0)));
    }
#endif
    for (int w = AE_K / 2; w >= 1; w /= 2)
        for (int k = 0; k < w; k++) acc[k] = ae_op(acc[k], acc[k + w]);
    return acc[0];
}

/* A row: fixed blocks folded in order. */
static a_t ae_row(ae_intp n, const ae_ptr *x, const ae_intp *s)
{
    a_t r = ae_block(n < AE_BLOCK ? n : AE_BLOCK, x, s);
    ae_ptr xb[AE_NX];
    for (ae_intp b = AE_BLOCK; b < n; b += AE_BLOCK) {
        ae_adv(xb, x, s, b);
        r = ae_op(r, ae_block(n - b < AE_BLOCK ? n - b : AE_BLOCK, xb, s));
    }
    return r;
}

/* acc[j] = op(acc[j], f(x[j])) along a kept innermost axis. */
static void ae_accum(ae_intp n, const ae_ptr *x, const ae_intp *s, char *acc, ae_intp sa)
{
#if AE_BUFFERED
    a_t tmp[AE_FCH];
    ae_ptr xc[AE_NX];
    for (ae_intp c = 0; c < n; c += AE_FCH) {
        const ae_intp m = n - c < AE_FCH ? n - c : AE_FCH;
        ae_adv(xc, x, s, c);
        ae_f_some(m, xc, s, tmp);
        if (sa == (ae_intp)sizeof(a_t)) {
            a_t *restrict q = (a_t *)(acc + c * sa);
            for (ae_intp j = 0; j < m; j++) q[j] = ae_op(q[j], tmp[j]);
        } else {
            for (ae_intp j = 0; j < m; j++) {
                a_t *q = (a_t *)(acc + (c + j) * sa);
                *q = ae_op(*q, tmp[j]);
            }
        }
    }
#else
    const char *x0 = x[0];
    const ae_intp s0 = s[0];
    if (s0 == (ae_intp)sizeof(x0_t) && sa == (ae_intp)sizeof(a_t)) {
        const x0_t *restrict p = (const x0_t *)x0;
        a_t *restrict q = (a_t *)acc;
        for (ae_intp j = 0; j < n; j++) q[j] = ae_op(q[j], ae_f(p[j]));
    } else if (sa == (ae_intp)sizeof(a_t)) {
        a_t *restrict q = (a_t *)acc;
        for (ae_intp j = 0; j < n; j++) q[j] = ae_op(q[j], ae_f(*(const x0_t *)(x0 + j * s0)));
    } else {
        for (ae_intp j = 0; j < n; j++) {
            a_t *q = (a_t *)(acc + j * sa);
            *q = ae_op(*q, ae_f(*(const x0_t *)(x0 + j * s0)));
        }
    }
#endif
}

/* The serial loop nest over (shape, xs, as); xs[d * AE_NX + j] is input
 * j's stride along axis d. */
static void ae_nest(int nd, const ae_intp *shape, const ae_ptr *x0, const ae_intp *xs,
                    char *acc, const ae_intp *as)
{
    const ae_intp n = shape[nd - 1], sa = as[nd - 1];
    const ae_intp *sx = xs + (ae_intp)(nd - 1) * AE_NX;
    ae_ptr x[AE_NX];
    memcpy(x, x0, sizeof x);
    ae_intp idx[AE_MAXDIMS] = {0};
    for (;;) {
        if (sa == 0) {
            a_t *q = (a_t *)acc;
            *q = ae_op(*q, ae_row(n, x, sx));
        } else {
            ae_accum(n, x, sx, acc, sa);
        }
        int d = nd - 2;
        for (; d >= 0; d--) {
            const ae_intp *sd = xs + (ae_intp)d * AE_NX;
            idx[d]++;
            for (int j = 0; j < AE_NX; j++) x[j] += sd[j];
            acc += as[d];
            if (idx[d] < shape[d]) break;
            for (int j = 0; j < AE_NX; j++) x[j] -= sd[j] * shape[d];
            acc -= as[d] * shape[d];
            idx[d] = 0;
        }
        if (d < 0) break;
    }
}

__attribute__((visibility("default")))
const int aesara_reduce_abi = @ABI@;

__attribute__((visibility("default")))
const int aesara_reduce_nin = AE_NX;

__attribute__((visibility("default")))
int aesara_reduce(int nd, const ae_intp *shape, const ae_ptr *x, const ae_intp *xs,
                  char *acc_base, char *acc, const ae_intp *as, ae_intp nacc,
                  ae_intp thread_min)
{
    a_t *a0 = (a_t *)acc;
    for (ae_intp j = 0; j < nacc; j++) ((a_t *)acc_base)[j] = AE_ID;
    if (nd < 1 || nd > AE_MAXDIMS) return -1;
    ae_intp size = 1;
    for (int d = 0; d < nd; d++) { if (shape[d] <= 0) return 0; size *= shape[d]; }
#ifdef _OPENMP
    int nt = omp_get_max_threads();
    if (thread_min >= 0 && size >= thread_min && nt > 1) {
        /* Split a kept axis (the longest): each output element is then
         * computed by one thread, in the serial order. */
        int p = -1;
        for (int d = 0; d < nd; d++)
            if (as[d] != 0 && shape[d] > 1 && (p < 0 || shape[d] > shape[p])) p = d;
        ae_intp minpart = (p == nd - 1) ? 64 : 1;
        if (p >= 0 && shape[p] >= 2 * minpart) {
            ae_intp parts = shape[p] / minpart;
            if (parts > nt) parts = nt;
            const ae_intp *sp = xs + (ae_intp)p * AE_NX;
#pragma omp parallel for num_threads((int)parts) schedule(static)
            for (ae_intp t = 0; t < parts; t++) {
                ae_intp lo = shape[p] * t / parts, hi = shape[p] * (t + 1) / parts;
                ae_intp sh[AE_MAXDIMS];
                ae_ptr xp[AE_NX];
                memcpy(sh, shape, sizeof(ae_intp) * nd);
                sh[p] = hi - lo;
                ae_adv(xp, x, sp, lo);
                if (hi > lo) ae_nest(nd, sh, xp, xs, acc + lo * as[p], as);
            }
            return 0;
        }
        if (p < 0 && nacc == 1) {
            /* A reduction to one value: partial results of the pieces the
             * serial code folds (rows, or one row's fixed blocks), computed
             * in parallel and folded in the same order. */
            const ae_intp n = shape[nd - 1];
            const ae_intp *sx = xs + (ae_intp)(nd - 1) * AE_NX;
            if (nd == 1 && n > AE_BLOCK) {
                ae_intp nb = (n + AE_BLOCK - 1) / AE_BLOCK;
                a_t *part = (a_t *)malloc(sizeof(a_t) * nb);
                if (part) {
#pragma omp parallel for num_threads(nt) schedule(static)
                    for (ae_intp b = 0; b < nb; b++) {
                        ae_intp m = n - b * AE_BLOCK;
                        ae_ptr xb[AE_NX];
                        ae_adv(xb, x, sx, b * AE_BLOCK);
                        part[b] = ae_block(m < AE_BLOCK ? m : AE_BLOCK, xb, sx);
                    }
                    a_t r = part[0];
                    for (ae_intp b = 1; b < nb; b++) r = ae_op(r, part[b]);
                    *a0 = ae_op(*a0, r);
                    free(part);
                    return 0;
                }
            } else if (nd > 1) {
                ae_intp rows = size / n;
                a_t *part = (a_t *)malloc(sizeof(a_t) * rows);
                if (part) {
#pragma omp parallel for num_threads(nt) schedule(static)
                    for (ae_intp r = 0; r < rows; r++) {
                        ae_ptr xp[AE_NX];
                        memcpy(xp, x, sizeof xp);
                        ae_intp rem = r;
                        for (int d = nd - 2; d >= 0; d--) {
                            const ae_intp k = rem % shape[d];
                            for (int j = 0; j < AE_NX; j++) xp[j] += k * xs[(ae_intp)d * AE_NX + j];
                            rem /= shape[d];
                        }
                        part[r] = ae_row(n, xp, sx);
                    }
                    for (ae_intp r = 0; r < rows; r++) *a0 = ae_op(*a0, part[r]);
                    free(part);
                    return 0;
                }
            }
        }
    }
#else
    (void)thread_min;
    (void)a0;
#endif
    ae_nest(nd, shape, x, xs, acc, as);
    return 0;
}

__attribute__((visibility("default")))
void aesara_reduce_finish(ae_intp n, const char *acc, char *out)
{
    const a_t *restrict a = (const a_t *)acc;
    o_t *restrict o = (o_t *)out;
    for (ae_intp j = 0; j < n; j++) { const a_t v = a[j]; o[j] = @FINISH@; }
}
"""


def _fill(template: str, values: dict[str, Any]) -> str:
    for k, v in values.items():
        template = template.replace(f"@{k}@", str(v))
    return template


def reduce_kernel(
    scalar_op: Any,
    in_dtype: str | Sequence[str],
    acc_dtype: str,
    out_dtype: str,
) -> ReduceKernel:
    """The C kernel of a reduction with scalar op ``scalar_op`` for the given dtypes.

    ``in_dtype`` is one dtype (``CAReduce``) or one per input (a fused
    reduction of several inputs, :class:`~aesara.tensor.fused_reduce.FusedCAReduce`).

    Raises
    ------
    NotImplementedError
        When ``scalar_op`` is not a supported reduction, or a dtype or an
        inner scalar op has no C translation.
    """
    from aesara.link.c.elemwise_codegen import scalar_statements
    from aesara.scalar.basic import Composite

    in_dtypes = [in_dtype] if isinstance(in_dtype, str) else list(in_dtype)
    for dt in (*in_dtypes, acc_dtype, out_dtype):
        if dt not in C_TYPES:
            raise NotImplementedError(f"no C type for dtype {dt}")
    parts = reduction_parts(scalar_op)
    if parts is None:
        raise NotImplementedError(f"no C reduction for scalar op {scalar_op}")
    binop, kind = parts
    fused = isinstance(scalar_op, Composite)
    nx = len(in_dtypes)
    if nx != (scalar_op.nin - 1 if fused else 1):
        raise NotImplementedError(
            f"{scalar_op} reduces {scalar_op.nin - 1 if fused else 1} input(s), "
            f"got dtypes for {nx}"
        )
    ctx = CScalarContext()
    identity = _identity(kind, acc_dtype)
    if kind in ("max", "min") and acc_dtype in _FLOATS:
        # NaN-propagating, and free of short-circuits so that it vectorises.
        cmp = ">" if kind == "max" else "<"
        op_expr = f"(((b {cmp} a) | (b != b)) ? b : a)"
    else:
        (op_expr,) = translate_scalar(
            binop, ctx, ["a", "b"], [acc_dtype, acc_dtype], [acc_dtype]
        )
    names = [f"i{j}" for j in range(nx)]
    if fused:
        # f(x...) = composite(identity, x...): op(identity, y) == y exactly.
        in_types = [v.type.dtype for v in scalar_op.inputs]
        if in_types[0] != acc_dtype or in_types[1:] != in_dtypes:
            raise NotImplementedError("fused reduction with unexpected dtypes")
        if scalar_op.outputs[0].type.dtype != acc_dtype:
            raise NotImplementedError("fused reduction with unexpected output dtype")
        stmts, outs = scalar_statements(
            scalar_op, ctx, ["AE_ID", *names], in_types, [acc_dtype]
        )
        f_body = " ".join(stmts) + f" return {_cast(outs[0], acc_dtype)};"
    else:
        f_body = f"return {_cast('i0', acc_dtype)};"
    itemsize = np.dtype(acc_dtype).itemsize
    source = _fill(
        _TEMPLATE,
        {
            "K": max(8, 256 // itemsize) if not fused else 16,
            "NX": nx,
            "X_TYPEDEFS": "\n".join(
                f"typedef {C_TYPES[dt]} x{j}_t;" for j, dt in enumerate(in_dtypes)
            ),
            "F_PARAMS": ", ".join(f"x{j}_t i{j}" for j in range(nx)),
            "BUF_DECL": "\n".join(
                f"    x{j}_t in{j}[AE_FCH] __attribute__((aligned(64)));"
                for j in range(nx)
            ),
            "BUF_LOAD": "\n".join(
                f"    AE_LOAD(x{j}_t, in{j}, m, x[{j}], s[{j}]);" for j in range(nx)
            ),
            "BUF_ARGS": ", ".join(f"in{j}[j]" for j in range(nx)),
            "A_T": C_TYPES[acc_dtype],
            "O_T": C_TYPES[out_dtype],
            "X_DT": ", ".join(in_dtypes),
            "A_DT": acc_dtype,
            "O_DT": out_dtype,
            "PRELUDE": ctx.prelude(),
            "OP": op_expr,
            "F_BODY": f_body,
            "ID": identity,
            "BUFFERED": 1 if fused else 0,
            "ABI": REDUCE_ABI_VERSION,
            "FINISH": _cast("v", out_dtype),
        },
    )
    return ReduceKernel(source, ", ".join(in_dtypes), acc_dtype, out_dtype)


_ARGMAX_TEMPLATE = r"""
/* aesara argmax kernel (generated) */
#include <math.h>
#include <stdint.h>
#include <string.h>
#ifdef _OPENMP
#include <omp.h>
#endif
typedef long long ae_intp;
typedef @X_T@ x_t;
#define AE_MAXDIMS 64
/* input @X_DT@ */
#define AE_ISNAN(v) @ISNAN@

/* First position of the maximum (or of the first NaN) of one output's
 * elements, walked in C order of the reduced axes. */
static ae_intp ae_scan(int nr, const ae_intp *rshape, const ae_intp *rxs,
                       const char *x, x_t *best_out)
{
    const ae_intp n = rshape[nr - 1], s = rxs[nr - 1];
    ae_intp idx[AE_MAXDIMS] = {0};
    x_t best = *(const x_t *)x;
    ae_intp bi = 0, base = 0;
    if (AE_ISNAN(best)) { *best_out = best; return 0; }
    for (;;) {
        for (ae_intp j = 0; j < n; j++) {
            const x_t v = *(const x_t *)(x + j * s);
            if (!(v <= best)) {
                best = v;
                bi = base + j;
                if (AE_ISNAN(v)) { *best_out = best; return bi; }
            }
        }
        base += n;
        int d = nr - 2;
        for (; d >= 0; d--) {
            idx[d]++;
            x += rxs[d];
            if (idx[d] < rshape[d]) break;
            x -= rxs[d] * rshape[d];
            idx[d] = 0;
        }
        if (d < 0) break;
    }
    *best_out = best;
    return bi;
}

__attribute__((visibility("default")))
const int aesara_reduce_abi = @ABI@;

/* For each output element o (kept axes, C order): max and argmax. */
__attribute__((visibility("default")))
int aesara_argmax(int nk, const ae_intp *kshape, const ae_intp *kxs, int nr,
                  const ae_intp *rshape, const ae_intp *rxs, const char *x,
                  char *maxout, int64_t *argout, ae_intp thread_min)
{
    ae_intp nout = 1, nred = 1;
    for (int d = 0; d < nk; d++) nout *= kshape[d];
    for (int d = 0; d < nr; d++) nred *= rshape[d];
    if (nout <= 0) return 0;
    if (nred <= 0 || nr < 1) return -1;
    int nt = 1;
#ifdef _OPENMP
    if (thread_min >= 0 && nout * nred >= thread_min && nout > 1) nt = omp_get_max_threads();
    if (nt > nout) nt = (int)nout;
#endif
#pragma omp parallel for num_threads(nt) schedule(static) if (nt > 1)
    for (ae_intp o = 0; o < nout; o++) {
        const char *xp = x;
        ae_intp rem = o;
        for (int d = nk - 1; d >= 0; d--) {
            xp += (rem % kshape[d]) * kxs[d];
            rem /= kshape[d];
        }
        x_t best;
        argout[o] = ae_scan(nr, rshape, rxs, xp, &best);
        if (maxout) ((x_t *)maxout)[o] = best;
    }
    return 0;
}
"""


def argmax_kernel(in_dtype: str) -> ReduceKernel:
    """The C kernel computing max and argmax of ``in_dtype`` inputs.

    ``aesara_argmax`` takes the kept axes (in output order) and the reduced
    axes (in C order, so positions index them flattened) separately; ties
    give the first position and a NaN wins (the first NaN), as NumPy's.
    """
    if in_dtype not in C_TYPES:
        raise NotImplementedError(f"no C type for dtype {in_dtype}")
    source = _fill(
        _ARGMAX_TEMPLATE,
        {
            "X_T": C_TYPES[in_dtype],
            "X_DT": in_dtype,
            "ISNAN": "((v) != (v))" if in_dtype in _FLOATS else "0",
            "ABI": REDUCE_ABI_VERSION,
        },
    )
    return ReduceKernel(source, in_dtype, in_dtype, "int64")
