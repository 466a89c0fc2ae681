"""One generated C function for a whole Scan loop: the fused scan kernel.

The general C loop (:mod:`aesara.link.c.scan_runtime`) runs the inner
function's thunks once per step: every step pays for setting the inner input
cells, each thunk's checks and dispatch, and the copies of the outputs into
the buffers (about 0.1-0.2 us per step). When the inner graph is small
arithmetic on small arrays (a recurrent cell, an accumulation), that is most
of the loop's time. For such graphs this module generates one C function
that runs every step: the inner graph's nodes become straight-line C inside
the step loop, reading sequence rows and state taps in place and writing the
new states into the buffer rows, with no Python and no per-node dispatch.

What fuses (anything else keeps the general loop):

* the loop: sequences, mit_sot and sit_sot states, nit_sot outputs and
  non-sequences; no mit_mot (gradients), no shared outputs (random
  generators, updates), no ``until`` condition;
* every inner variable a tensor of rank 0, 1 or 2 in a dtype the C backend
  handles (:data:`aesara.link.c.scalar_c.C_TYPES`);
* the ops: ``Elemwise`` whose scalar op has a C translation (fused
  ``Composite`` ones included), ``Dot`` of vectors and matrices and ``Gemv``
  in one floating dtype, and ``DimShuffle`` (a view: only its strides change).

The kernel's ABI (no Python headers, so it compiles in tens of
milliseconds)::

    int aesara_scan(ae_intp n_steps, char *const *P, const ae_intp *S);

``P`` holds the base pointer of every sequence, state buffer, nit_sot trace
and non-sequence, then one arena holding the constants and every
intermediate value. ``S`` holds, per inner variable, its two dimensions and
two element strides (a vector is one row, a scalar is 1x1 with strides 0),
its arena offset in bytes, then, per sequence and buffer, its row size in
bytes and its number of rows. The Python side
(:class:`FusedScanRunner`) computes them once per combination of input shapes.

Semantics are the reference loop's (:class:`aesara.scan.op.ScanRunner`):
the state taps read rows ``(i - mintap + tap) % len`` and the outputs write
row ``(i - mintap) % len`` of the same buffers (the save-memory rewrite's
circular buffers work unchanged); every value of a step is computed before
any is stored, so a store never clobbers a row the step still reads. Where
a call's shapes do not fit (an inner shape error, a too short buffer, a
non-contiguous in-place buffer) or no step runs, the call goes through the
general C loop (:mod:`aesara.link.c.scan_runtime`), which gives the usual
results and errors.

Dot products sum with ``#pragma omp simd`` reductions (reassociated, as
BLAS sums are); everything else evaluates exactly as the element-wise
kernels do.
"""

from __future__ import annotations

import ctypes
import math
import threading
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from aesara.link.c.elemwise_codegen import scalar_statements
from aesara.link.c.scalar_c import C_TYPES, CScalarContext
from aesara.scan.op import _chronological

__all__ = ["FusedScanRunner", "ScanKernel", "fused_scan_kernel"]

SCAN_KERNEL_ABI = 1
_ALIGN = 64
# Beyond this many elements per value the per-node overhead the kernel saves
# is small next to the arithmetic, and BLAS/NumPy loops do better.
_MAX_ELEMENTS = 1 << 16
# Products of at least this many matrix elements call BLAS.
_BLAS_MIN = 4096


class NotFusable(Exception):
    """The Scan node's loop cannot become one generated function."""


@dataclass
class _Slot:
    """One inner variable of the kernel."""

    index: int
    var: Any
    kind: str  # "seq", "tap", "nonseq", "const", "tmp", "view"
    dtype: str
    ndim: int
    # seq: sequence number; tap: (state number, tap); nonseq: its position.
    source: Any = None
    # view: the slot it is a view of and the DimShuffle's new_order.
    base: int = -1
    new_order: tuple = ()


@dataclass
class ScanKernel:
    """The generated source and the layout :class:`FusedScanRunner` binds to it."""

    source: str
    slots: list[_Slot]
    plan: list[tuple]  # ("elemwise"|"dot"|"gemv"|"copy", node-ish, in slots, out slots)
    out_slots: list[int]  # slot holding each inner output (states, then nit_sot)
    n_seqs: int
    n_states: int  # mit_sot + sit_sot + nit_sot buffers
    n_nonseqs: int
    state_taps: list[tuple] = field(default_factory=list)  # mit_sot, then sit_sot
    n_nit: int = 0


def _ctype(dtype: str) -> str:
    try:
        return C_TYPES[dtype]
    except KeyError:
        raise NotFusable(f"no C type for dtype {dtype}") from None


def _tensor_info(var) -> tuple[str, int]:
    from aesara.tensor.type import TensorType

    if not isinstance(var.type, TensorType):
        raise NotFusable(f"{var} is not a dense tensor")
    if var.type.ndim > 2:
        raise NotFusable(f"{var} has rank {var.type.ndim} (at most 2 fuse)")
    dtype = var.type.dtype
    _ctype(dtype)
    return dtype, var.type.ndim


def _layout_of(op) -> dict:
    """The inner input/output positions of the loop, or NotFusable."""
    info = op.info
    if info.n_mit_mot or info.n_shared_outs or info.as_while:
        raise NotFusable("mit_mot, shared outputs or an until condition")
    if op.profile:
        raise NotFusable("a profiled inner function keeps its own loop")
    taps = [tuple(t) for t in info.mit_sot_in_slices] + [
        tuple(t) for t in info.sit_sot_in_slices
    ]
    return {
        "n_seqs": info.n_seqs,
        "state_taps": taps,
        "n_nit": info.n_nit_sot,
        "n_nonseqs": info.n_non_seqs,
    }


def fused_scan_kernel(op, fgraph) -> ScanKernel:
    """Generate the fused kernel of a ``Scan`` op whose rewritten inner graph is ``fgraph``.

    Raises
    ------
    NotFusable
        When the loop or an inner node is outside what the kernel handles.
    """
    from aesara.compile.ops import ViewOp
    from aesara.graph.basic import Constant
    from aesara.tensor.blas import Dot22, Dot22Scalar, Gemv
    from aesara.tensor.elemwise import DimShuffle, Elemwise
    from aesara.tensor.math import Dot
    from aesara.tensor.shape import Unbroadcast

    lay = _layout_of(op)
    inputs = list(fgraph.inputs)
    outputs = list(fgraph.outputs)
    slots: list[_Slot] = []
    slot_of: dict[Any, int] = {}

    def add(var, kind, **kw) -> int:
        dtype, ndim = _tensor_info(var)
        s = _Slot(len(slots), var, kind, dtype, ndim, **kw)
        slots.append(s)
        slot_of[var] = s.index
        return s.index

    pos = 0
    for k in range(lay["n_seqs"]):
        add(inputs[pos], "seq", source=k)
        pos += 1
    for j, taps in enumerate(lay["state_taps"]):
        for t in taps:
            add(inputs[pos], "tap", source=(j, t))
            pos += 1
    for k, v in enumerate(inputs[pos:]):
        add(v, "nonseq", source=k)

    plan: list[tuple] = []
    for node in fgraph.toposort():
        op_ = node.op
        for i in node.inputs:
            if i not in slot_of:
                if isinstance(i, Constant):
                    add(i, "const")
                else:
                    raise NotFusable(f"unbound inner input {i}")
        ins = [slot_of[i] for i in node.inputs]
        if isinstance(op_, DimShuffle):
            (o,) = node.outputs
            add(o, "view", base=ins[0], new_order=tuple(op_.new_order))
            continue
        if type(op_) in (ViewOp, Unbroadcast):
            # The same memory, the same layout.
            (o,) = node.outputs
            nd = slots[ins[0]].ndim
            add(o, "view", base=ins[0], new_order=tuple(range(nd)))
            continue
        if isinstance(op_, Elemwise):
            outs = [add(o, "tmp") for o in node.outputs]
            plan.append(("elemwise", op_.scalar_op, ins, outs))
            continue
        if type(op_) in (Dot, Dot22, Dot22Scalar):
            dts = {slots[s].dtype for s in ins} | {node.outputs[0].type.dtype}
            if len(dts) != 1 or dts - {"float32", "float64"}:
                raise NotFusable(f"{op_} of mixed or non-float dtypes")
            outs = [add(node.outputs[0], "tmp")]
            # Dot22Scalar(x, y, a) = a * (x @ y): the scale is a third input.
            plan.append(("dot", None, ins, outs))
            continue
        if isinstance(op_, Gemv):
            dts = {slots[s].dtype for s in ins} | {node.outputs[0].type.dtype}
            if len(dts) != 1 or dts - {"float32", "float64"}:
                raise NotFusable("Gemv of mixed or non-float dtypes")
            outs = [add(node.outputs[0], "tmp")]
            plan.append(("gemv", None, ins, outs))
            continue
        raise NotFusable(f"no fused translation of {op_}")

    out_slots = []
    for o in outputs:
        if isinstance(o, Constant) and o not in slot_of:
            add(o, "const")
        s = slot_of[o]
        if slots[s].kind != "tmp":
            # An output that is an input tap, a view or a constant: copy it
            # into a value of its own first, so no store reads a row an
            # earlier store of the same step overwrote.
            dst = _Slot(len(slots), o, "tmp", slots[s].dtype, slots[s].ndim)
            slots.append(dst)
            plan.append(("copy", None, [s], [dst.index]))
            s = dst.index
        out_slots.append(s)
    n_states = len(lay["state_taps"]) + lay["n_nit"]
    if len(out_slots) != n_states:
        raise NotFusable("inner outputs do not match the loop's states")
    kernel = ScanKernel(
        "",
        slots,
        plan,
        out_slots,
        lay["n_seqs"],
        n_states,
        lay["n_nonseqs"],
        lay["state_taps"],
        lay["n_nit"],
    )
    try:
        kernel.source = _generate(kernel, lay)
    except NotImplementedError as e:  # a scalar op or dtype without C
        raise NotFusable(str(e)) from None
    return kernel


# ---------------------------------------------------------------------------
# C generation
# ---------------------------------------------------------------------------


def _v(s: int) -> str:
    return f"v{s}"


def _generate(k: ScanKernel, lay: dict) -> str:
    ctx = CScalarContext()
    slots = k.slots
    n_slots = len(slots)
    # S layout: 5 numbers per slot (d0, d1, s0, s1, arena offset), then per
    # buffer (sequences, then state buffers) its row bytes and row count.
    buf_base = 5 * n_slots
    n_bufs = k.n_seqs + k.n_states
    arena = f"P[{n_bufs + k.n_nonseqs}]"
    pro: list[str] = [
        # SciPy's BLAS gemv routines, after the arena in P.
        f"const ae_dgemv_t ae_dgemv = (ae_dgemv_t)P[{n_bufs + k.n_nonseqs + 1}];",
        f"const ae_sgemv_t ae_sgemv = (ae_sgemv_t)P[{n_bufs + k.n_nonseqs + 2}];",
        "(void)ae_dgemv; (void)ae_sgemv;",
    ]
    for s in slots:
        b = 5 * s.index
        pro.append(
            f"const ae_intp d0_{s.index} = S[{b}], d1_{s.index} = S[{b + 1}], "
            f"s0_{s.index} = S[{b + 2}], s1_{s.index} = S[{b + 3}];"
        )
    for j in range(n_bufs):
        pro.append(
            f"const ae_intp rb{j} = S[{buf_base + 2 * j}], nr{j} = S[{buf_base + 2 * j + 1}];"
        )
    # Fixed pointers: non-sequences, constants and arena values.
    for s in slots:
        t = C_TYPES[s.dtype]
        if s.kind == "nonseq":
            pro.append(
                f"const {t} *const {_v(s.index)} = (const {t} *)P[{n_bufs + s.source}];"
            )
        elif s.kind == "const":
            pro.append(
                f"const {t} *const {_v(s.index)} = (const {t} *)({arena} + S[{5 * s.index + 4}]);"
            )
        elif s.kind == "tmp":
            pro.append(
                f"{t} *const {_v(s.index)} = ({t} *)({arena} + S[{5 * s.index + 4}]);"
            )
    # Circular positions: each state tap and each output row moves by one
    # per step (no division in the loop).
    tap_pos: dict[tuple, str] = {}
    state_taps = lay["state_taps"]
    for j, taps in enumerate(state_taps):
        buf = k.n_seqs + j
        mintap = min(taps)
        for t in taps:
            name = f"p{j}_{-t}"
            tap_pos[(j, t)] = name
            pro.append(f"ae_intp {name} = nr{buf} ? ({t - mintap}) % nr{buf} : 0;")
        pro.append(f"ae_intp q{j} = nr{buf} ? ({-mintap}) % nr{buf} : 0;")
    for jn in range(lay["n_nit"]):
        j = len(state_taps) + jn
        pro.append(f"ae_intp q{j} = 0;")

    body: list[str] = []
    for s in slots:
        t = C_TYPES[s.dtype]
        if s.kind == "seq":
            body.append(
                f"const {t} *const {_v(s.index)} = (const {t} *)(P[{s.source}] + i * rb{s.source});"
            )
        elif s.kind == "tap":
            j, tap = s.source
            buf = k.n_seqs + j
            body.append(
                f"const {t} *const {_v(s.index)} = (const {t} *)(P[{buf}] + {tap_pos[(j, tap)]} * rb{buf});"
            )
    views_done: set[int] = set()

    def ensure_view(si: int) -> None:
        s = slots[si]
        if s.kind != "view" or si in views_done:
            return
        ensure_view(s.base)
        t = C_TYPES[s.dtype]
        body.append(f"const {t} *const {_v(si)} = (const {t} *){_v(s.base)};")
        views_done.add(si)

    for kind, scalar_op, ins, outs in k.plan:
        for si in ins:
            ensure_view(si)
        if kind == "elemwise":
            body.extend(_elemwise_code(ctx, slots, scalar_op, ins, outs))
        elif kind == "copy":
            body.extend(_elemwise_code(ctx, slots, None, ins, outs))
        elif kind == "dot":
            body.extend(_dot_code(slots, ins, outs[0]))
        else:
            body.extend(_gemv_code(slots, ins, outs[0]))
    # Stores, after every value of the step exists.
    for j, so in enumerate(k.out_slots):
        buf = k.n_seqs + j
        body.append(
            f"if (nr{buf}) memmove(P[{buf}] + q{j} * rb{buf}, (const void *){_v(so)}, (size_t)rb{buf});"
        )
    # Advance the circular positions.
    for j, taps in enumerate(state_taps):
        buf = k.n_seqs + j
        for t in taps:
            name = tap_pos[(j, t)]
            body.append(f"if (++{name} >= nr{buf}) {name} = 0;")
    for j in range(k.n_states):
        buf = k.n_seqs + j
        body.append(f"if (++q{j} >= nr{buf}) q{j} = 0;")

    lines = [
        "/* aesara fused scan kernel (generated) */",
        "#include <math.h>",
        "#include <stdint.h>",
        "#include <string.h>",
        "#include <limits.h>",
        "typedef long long ae_intp;",
        '#define AE_SIMD __attribute__((__simd__("notinbranch"), const, nothrow))',
        f"#define AE_BLAS_MIN {_BLAS_MIN}",
        "typedef double ae_vd __attribute__((vector_size(32)));",
        "typedef float ae_vf __attribute__((vector_size(32)));",
        "#define AE_LANES_D 4",
        "#define AE_LANES_F 8",
        "typedef void (*ae_dgemv_t)(char *, int *, int *, double *, double *, int *,"
        " double *, int *, double *, double *, int *);",
        "typedef void (*ae_sgemv_t)(char *, int *, int *, float *, float *, int *,"
        " float *, int *, float *, float *, int *);",
        ctx.prelude(),
        '__attribute__((visibility("default")))',
        f"const int aesara_scan_abi = {SCAN_KERNEL_ABI};",
        '__attribute__((visibility("default")))',
        "int aesara_scan(ae_intp n_steps, char *const *P, const ae_intp *S) {",
        *("    " + line for line in pro),
        "    for (ae_intp i = 0; i < n_steps; i++) {",
        *("        " + line for line in body),
        "    }",
        "    return 0;",
        "}",
        "",
    ]
    return "\n".join(lines)


def _elemwise_code(ctx, slots, scalar_op, ins, outs) -> list[str]:
    """One element-wise node (or a strided copy when ``scalar_op`` is None)."""
    in_dt = [slots[s].dtype for s in ins]
    out_dt = [slots[s].dtype for s in outs]
    names = [f"x{n}" for n in range(len(ins))]
    if scalar_op is None:
        stmts, exprs = [], names
    else:
        stmts, exprs = scalar_statements(
            scalar_op, ctx, names, in_dt, out_dt, prefix=f"e{outs[0]}_"
        )
    o0 = outs[0]
    # Flat path: every operand has the output's shape, contiguously.
    flat = (
        " && ".join(
            [f"d0_{s} == d0_{o0} && d1_{s} == d1_{o0}" for s in ins + outs[1:]]
            + [
                f"(s1_{s} == 1 || d1_{s} == 1) && (s0_{s} == d1_{s} || d0_{s} == 1)"
                for s in ins
            ]
        )
        or "1"
    )
    loads_flat = [
        f"const {C_TYPES[in_dt[n]]} x{n} = {_v(s)}[e];" for n, s in enumerate(ins)
    ]
    stores_flat = [f"{_v(o)}[e] = {exprs[n]};" for n, o in enumerate(outs)]
    # Broadcast path: strides 0 along the dimensions an input broadcasts.
    loads_bc = [
        f"const {C_TYPES[in_dt[n]]} x{n} = {_v(s)}[(d0_{s} == 1 ? 0 : r * s0_{s}) + (d1_{s} == 1 ? 0 : c * s1_{s})];"
        for n, s in enumerate(ins)
    ]
    stores_bc = [f"{_v(o)}[r * d1_{o0} + c] = {exprs[n]};" for n, o in enumerate(outs)]
    return [
        "{",
        f"    const ae_intp ne = d0_{o0} * d1_{o0};",
        f"    if ({flat}) {{",
        "        #pragma GCC ivdep",
        "        for (ae_intp e = 0; e < ne; e++) {",
        *("            " + x for x in loads_flat + stmts + stores_flat),
        "        }",
        "    } else {",
        f"        for (ae_intp r = 0; r < d0_{o0}; r++) for (ae_intp c = 0; c < d1_{o0}; c++) {{",
        *("            " + x for x in loads_bc + stmts + stores_bc),
        "        }",
        "    }",
        "}",
    ]


def _dot_code(slots, ins, out) -> list[str]:
    lines = _product_code(slots, ins[:2], out)
    if len(ins) == 3:  # Dot22Scalar's scale
        t = C_TYPES[slots[out].dtype]
        lines += [
            "{",
            f"    const {t} sc_ = {_v(ins[2])}[0];",
            f"    for (ae_intp e = 0; e < d0_{out} * d1_{out}; e++) {_v(out)}[e] *= sc_;",
            "}",
        ]
    return lines


def _product_code(slots, ins, out) -> list[str]:
    a, b = ins
    t = C_TYPES[slots[out].dtype]
    ra, rb = slots[a].ndim, slots[b].ndim
    A, B, Y = _v(a), _v(b), _v(out)
    if ra == 2 and rb == 1:
        return _matvec(t, A, a, B, b, Y)
    if ra == 1 and rb == 2:
        # x @ M = (M^T) x: the same loop with the matrix's axes swapped.
        return _matvec(t, B, b, A, a, Y, transposed=True)
    if ra == 1 and rb == 1:
        return [
            "{",
            f"    {t} acc = 0;",
            f"    if (s1_{a} == 1 && s1_{b} == 1) {{",
            "        #pragma omp simd reduction(+:acc)",
            f"        for (ae_intp c = 0; c < d1_{a}; c++) acc += {A}[c] * {B}[c];",
            "    } else {",
            f"        for (ae_intp c = 0; c < d1_{a}; c++) acc += {A}[c * s1_{a}] * {B}[c * s1_{b}];",
            "    }",
            f"    {Y}[0] = acc;",
            "}",
        ]
    if ra == 2 and rb == 2:
        return [
            "{",
            f"    for (ae_intp r = 0; r < d0_{a}; r++) {{",
            f"        {t} *o = {Y} + r * d1_{b};",
            f"        for (ae_intp c = 0; c < d1_{b}; c++) o[c] = 0;",
            f"        for (ae_intp k = 0; k < d1_{a}; k++) {{",
            f"            const {t} w = {A}[r * s0_{a} + k * s1_{a}];",
            f"            const {t} *brow = {B} + k * s0_{b};",
            f"            if (s1_{b} == 1) {{",
            "                #pragma GCC ivdep",
            f"                for (ae_intp c = 0; c < d1_{b}; c++) o[c] += w * brow[c];",
            "            } else {",
            f"                for (ae_intp c = 0; c < d1_{b}; c++) o[c] += w * brow[c * s1_{b}];",
            "            }",
            "        }",
            "    }",
            "}",
        ]
    raise NotFusable(f"Dot of ranks {ra} and {rb}")


def _matvec(t, M, m, X, x, Y, transposed=False) -> list[str]:
    """``Y = M @ X`` (``transposed``: ``M``'s axes swapped, for ``X @ M``).

    Large products call BLAS gemv (SciPy's, through the pointer the runner
    passes); small ones run inline, four rows at a time with vector
    accumulators, which beats a BLAS call's overhead below ~64x64.
    """
    if transposed:
        rows, cols, rs, cs = f"d1_{m}", f"d0_{m}", f"s1_{m}", f"s0_{m}"
    else:
        rows, cols, rs, cs = f"d0_{m}", f"d1_{m}", f"s0_{m}", f"s1_{m}"
    vt = "ae_vd" if t == "double" else "ae_vf"
    gemv = "ae_dgemv" if t == "double" else "ae_sgemv"
    lanes = "AE_LANES_D" if t == "double" else "AE_LANES_F"
    return [
        "{",
        f"    const ae_intp nr_ = {rows}, nc_ = {cols}, rs_ = {rs}, cs_ = {cs}, xs_ = s1_{x};",
        f"    if (nr_ * nc_ >= AE_BLAS_MIN && {gemv} && nr_ < INT_MAX && nc_ < INT_MAX && rs_ < INT_MAX && cs_ < INT_MAX && xs_ < INT_MAX && xs_ > 0 && (cs_ == 1 || rs_ == 1)) {{",
        "        /* a row-major M is a column-major M^T: gemv 'T' on it */",
        "        char tr = cs_ == 1 ? 'T' : 'N';",
        "        int m_ = (int)(cs_ == 1 ? nc_ : nr_), n_ = (int)(cs_ == 1 ? nr_ : nc_);",
        "        int lda = (int)(cs_ == 1 ? rs_ : cs_), incx = (int)xs_, incy = 1;",
        "        if (lda < m_) lda = m_;",
        f"        {t} one = 1, zero = 0;",
        f"        {gemv}(&tr, &m_, &n_, &one, ({t} *){M}, &lda, ({t} *){X}, &incx, &zero, {Y}, &incy);",
        "    } else if (cs_ == 1 && xs_ == 1) {",
        "        ae_intp r = 0;",
        "        for (; r + 4 <= nr_; r += 4) {",
        f"            const {t} *m0 = {M} + r * rs_, *m1 = m0 + rs_, *m2 = m1 + rs_, *m3 = m2 + rs_;",
        f"            {vt} w0 = {{0}}, w1 = {{0}}, w2 = {{0}}, w3 = {{0}};",
        "            ae_intp c = 0;",
        f"            for (; c + {lanes} <= nc_; c += {lanes}) {{",
        f"                {vt} xv, w;",
        f"                memcpy(&xv, {X} + c, sizeof xv);",
        "                memcpy(&w, m0 + c, sizeof w); w0 += w * xv;",
        "                memcpy(&w, m1 + c, sizeof w); w1 += w * xv;",
        "                memcpy(&w, m2 + c, sizeof w); w2 += w * xv;",
        "                memcpy(&w, m3 + c, sizeof w); w3 += w * xv;",
        "            }",
        f"            {t} a0 = 0, a1 = 0, a2 = 0, a3 = 0;",
        f"            for (int l = 0; l < {lanes}; l++) {{ a0 += w0[l]; a1 += w1[l]; a2 += w2[l]; a3 += w3[l]; }}",
        "            for (; c < nc_; c++) {",
        f"                const {t} xc = {X}[c];",
        "                a0 += m0[c] * xc; a1 += m1[c] * xc; a2 += m2[c] * xc; a3 += m3[c] * xc;",
        "            }",
        f"            {Y}[r] = a0; {Y}[r + 1] = a1; {Y}[r + 2] = a2; {Y}[r + 3] = a3;",
        "        }",
        "        for (; r < nr_; r++) {",
        "            /* the last rows: one vector accumulator each (a scalar",
        "               sum would wait on every addition) */",
        f"            const {t} *m0 = {M} + r * rs_;",
        f"            {vt} w0 = {{0}};",
        "            ae_intp c = 0;",
        f"            for (; c + {lanes} <= nc_; c += {lanes}) {{",
        f"                {vt} xv, w;",
        f"                memcpy(&xv, {X} + c, sizeof xv);",
        "                memcpy(&w, m0 + c, sizeof w); w0 += w * xv;",
        "            }",
        f"            {t} a0 = 0;",
        f"            for (int l = 0; l < {lanes}; l++) a0 += w0[l];",
        f"            for (; c < nc_; c++) a0 += m0[c] * {X}[c];",
        f"            {Y}[r] = a0;",
        "        }",
        "    } else if (rs_ == 1) {",
        "        /* column-major access: accumulate whole columns (axpy form) */",
        f"        for (ae_intp r = 0; r < nr_; r++) {Y}[r] = 0;",
        "        for (ae_intp c = 0; c < nc_; c++) {",
        f"            const {t} xc = {X}[c * xs_];",
        f"            const {t} *mc = {M} + c * cs_;",
        "            #pragma GCC ivdep",
        f"            for (ae_intp r = 0; r < nr_; r++) {Y}[r] += mc[r] * xc;",
        "        }",
        "    } else {",
        "        for (ae_intp r = 0; r < nr_; r++) {",
        f"            {t} a0 = 0;",
        f"            for (ae_intp c = 0; c < nc_; c++) a0 += {M}[r * rs_ + c * cs_] * {X}[c * xs_];",
        f"            {Y}[r] = a0;",
        "        }",
        "    }",
        "}",
    ]


def _gemv_code(slots, ins, out) -> list[str]:
    # Gemv(y, alpha, A, x, beta) = beta * y + alpha * (A @ x).
    y, alpha, a, x, beta = ins
    t = C_TYPES[slots[out].dtype]
    Y = _v(out)
    if slots[a].ndim != 2 or slots[x].ndim != 1 or slots[y].ndim != 1:
        raise NotFusable("Gemv operands of unexpected ranks")
    lines = ["{"]
    lines += _matvec(t, _v(a), a, _v(x), x, Y)
    lines += [
        f"    const {t} al_ = {_v(alpha)}[0], be_ = {_v(beta)}[0];",
        f"    for (ae_intp r = 0; r < d1_{out}; r++) {{",
        f"        const {t} yr = {_v(y)}[r * s1_{y}];",
        # beta == 0 ignores y (NaN in y does not leak), as BLAS does.
        f"        {Y}[r] = al_ * {Y}[r] + (be_ == 0 ? ({t})0 : be_ * yr);",
        "    }",
        "}",
    ]
    return lines


# ---------------------------------------------------------------------------
# Binding at run time
# ---------------------------------------------------------------------------


def _dims(shape: Sequence[int]) -> tuple[int, int, int, int]:
    """(d0, d1, s0, s1) of a C-contiguous array of this shape."""
    if len(shape) == 0:
        return (1, 1, 0, 0)
    if len(shape) == 1:
        return (1, int(shape[0]), 0, 1)
    return (int(shape[0]), int(shape[1]), int(shape[1]), 1)


def _view_dims(base: tuple, base_ndim: int, new_order: tuple) -> tuple:
    d0, d1, s0, s1 = base
    axes = (
        [(d1, s1)] if base_ndim == 1 else [(d0, s0), (d1, s1)] if base_ndim == 2 else []
    )
    out = [(1, 0) if o == "x" else axes[o] for o in new_order]
    if not out:
        return (1, 1, 0, 0)
    if len(out) == 1:
        return (1, out[0][0], 0, out[0][1])
    return (out[0][0], out[1][0], out[0][1], out[1][1])


def _shape_of(d: tuple, ndim: int) -> tuple:
    if ndim == 0:
        return ()
    if ndim == 1:
        return (d[1],)
    return (d[0], d[1])


class _ShapeMismatch(Exception):
    pass


def _infer(kernel: ScanKernel, in_dims: dict) -> list[tuple]:
    """Every slot's (d0, d1, s0, s1), from the dims of the loop's inputs."""
    slots = kernel.slots
    dims: list[Any] = [None] * len(slots)
    for i, d in in_dims.items():
        dims[i] = d
    for s in slots:
        if s.kind == "const":
            dims[s.index] = _dims(np.shape(s.var.data))

    def resolve(si):
        # Views are resolved when a node first reads them.
        if dims[si] is not None:
            return
        s = slots[si]
        if s.kind != "view":
            raise _ShapeMismatch(f"slot {si} unresolved")
        resolve(s.base)
        b = slots[s.base]
        bd = dims[s.base]
        # A dropped axis must have length 1.
        kept = {o for o in s.new_order if o != "x"}
        axes_len = [bd[1]] if b.ndim == 1 else [bd[0], bd[1]] if b.ndim == 2 else []
        for ax, n in enumerate(axes_len):
            if ax not in kept and n != 1:
                raise _ShapeMismatch("DimShuffle drops an axis of length != 1")
        dims[si] = _view_dims(bd, b.ndim, s.new_order)

    for kind, _, ins, outs in kernel.plan:
        for si in ins:
            resolve(si)
        ind = [dims[si] for si in ins]
        if kind in ("elemwise", "copy"):
            nd = slots[outs[0]].ndim
            d0 = max(x[0] for x in ind) if ind else 1
            d1 = max(x[1] for x in ind) if ind else 1
            for x in ind:
                if x[0] not in (1, d0) or x[1] not in (1, d1):
                    raise _ShapeMismatch("element-wise shapes do not broadcast")
            if nd == 1:
                d0 = 1
            o = (d0, d1, d1 if nd == 2 else 0, 1 if nd >= 1 else 0)
            if nd == 0:
                o = (1, 1, 0, 0)
            for so in outs:
                dims[so] = o
        elif kind == "dot":
            a, b = (slots[s].ndim for s in ins[:2])
            da, db = ind[:2]
            if a == 2 and b == 1:
                if da[1] != db[1]:
                    raise _ShapeMismatch("Dot shapes")
                dims[outs[0]] = (1, da[0], 0, 1)
            elif a == 1 and b == 2:
                if da[1] != db[0]:
                    raise _ShapeMismatch("Dot shapes")
                dims[outs[0]] = (1, db[1], 0, 1)
            elif a == 1 and b == 1:
                if da[1] != db[1]:
                    raise _ShapeMismatch("Dot shapes")
                dims[outs[0]] = (1, 1, 0, 0)
            else:
                if da[1] != db[0]:
                    raise _ShapeMismatch("Dot shapes")
                dims[outs[0]] = (da[0], db[1], db[1], 1)
        else:  # gemv
            dy, _, da, dx, _ = ind
            if da[1] != dx[1] or dy[1] != da[0]:
                raise _ShapeMismatch("Gemv shapes")
            dims[outs[0]] = (1, da[0], 0, 1)
    for si in kernel.out_slots:
        if dims[si] is None:
            raise _ShapeMismatch("output unresolved")
    return dims


class FusedScanRunner:
    """Runs a Scan node through its fused kernel (and the general loop where it must).

    Parameters
    ----------
    node
        The Scan node.
    kernel
        Its :class:`ScanKernel`.
    function
        The compiled kernel (``ctypes`` function ``aesara_scan``).
    fallback
        ``fallback(inputs, output_storage)`` runs the call through the general
        loop (the node's ScanLoop, built on first need).
    """

    def __init__(self, node, kernel: ScanKernel, function, fallback) -> None:
        self.kernel = kernel
        # Held so the library stays loaded: the kernel is called by address.
        self.function = function
        # The address of aesara_scan, called through the runtime's glue.
        self.address = ctypes.cast(function, ctypes.c_void_p).value
        from aesara.link.c.scan_runtime import get_scan_runtime

        self._call = get_scan_runtime().call_fused_kernel
        self._fallback = fallback
        info = node.op.info
        self.n_seqs = info.n_seqs
        self.state_taps = kernel.state_taps
        self.n_nit = kernel.n_nit
        self.n_states = len(self.state_taps)
        self.inplace_outs = set(node.op.destroy_map)
        # dtype objects: cheaper to compare on every call than strings.
        self.out_dtypes = [np.dtype(o.type.dtype) for o in node.outputs]
        self.min_rows = [1 - min(t) for t in self.state_taps]
        n_states_all = self.n_states + self.n_nit
        self.nit_outer_in = 1 + info.n_seqs + self.n_states + info.n_shared_outs
        self.nonseq_outer_in = list(
            range(self.nit_outer_in + self.n_nit, info.n_outer_inputs)
        )
        self.n_buffers = self.n_seqs + n_states_all
        self.seq_dtypes = [np.dtype(kernel.slots[i].dtype) for i in range(self.n_seqs)]
        self.nonseq_slots = [s for s in kernel.slots if s.kind == "nonseq"]
        self.tap_slots = [s for s in kernel.slots if s.kind == "tap"]
        self._layouts: dict[tuple, tuple] = {}
        self.fused_calls = 0
        self.general_calls = 0

    def _run_general(self, inputs, output_storage) -> None:
        self.general_calls += 1
        self._fallback(inputs, output_storage)

    def _layout(self, row_shapes: list, nonseq_shapes: list):
        """S table, arena size and nit_sot row shapes for these input shapes."""
        k = self.kernel
        in_dims: dict[int, tuple] = {}
        for i in range(self.n_seqs):
            in_dims[i] = _dims(row_shapes[i])
        for s in self.tap_slots:
            j, _ = s.source
            in_dims[s.index] = _dims(row_shapes[self.n_seqs + j])
        for s, shp in zip(self.nonseq_slots, nonseq_shapes):
            in_dims[s.index] = _dims(shp)
        dims = _infer(k, in_dims)
        # Ranks must be the variables' ranks (a rank-1 slot is one row).
        S = np.zeros(5 * len(k.slots) + 2 * self.n_buffers, dtype=np.int64)
        offset = 0
        consts = []
        for s in k.slots:
            d = dims[s.index]
            S[5 * s.index : 5 * s.index + 4] = d
            if s.kind in ("tmp", "const"):
                n = d[0] * d[1]
                if n > _MAX_ELEMENTS:
                    raise _ShapeMismatch("values too large for the fused loop")
                S[5 * s.index + 4] = offset
                if s.kind == "const":
                    consts.append((offset, s))
                offset += -(-max(n, 1) * np.dtype(s.dtype).itemsize // _ALIGN) * _ALIGN
        out_shapes = []
        for j, so in enumerate(k.out_slots):
            shp = _shape_of(dims[so], k.slots[so].ndim)
            if j < self.n_states and shp != tuple(row_shapes[self.n_seqs + j]):
                raise _ShapeMismatch("a state's new value has another shape")
            out_shapes.append(shp)
        return S, offset, consts, out_shapes

    def run(self, inputs: list, output_storage: list) -> None:
        """Run the loop on the outer ``inputs``, filling ``output_storage`` cells."""
        n_steps = int(inputs[0])
        if n_steps <= 0:  # no step, or the general loop's error
            return self._run_general(inputs, output_storage)
        ns = self.n_seqs
        seqs = []
        for k in range(ns):
            s = inputs[1 + k]
            if s.shape[0] < n_steps or s.dtype != self.seq_dtypes[k]:
                return self._run_general(inputs, output_storage)
            seqs.append(np.ascontiguousarray(s[:n_steps]))
        bufs = []
        for j in range(self.n_states):
            outer = inputs[1 + ns + j]
            if j in self.inplace_outs:
                fl = outer.flags
                if not (fl.c_contiguous and fl.writeable):
                    return self._run_general(inputs, output_storage)
                buf = outer
            else:
                buf = np.array(outer, copy=True, order="C")
            if buf.shape[0] < self.min_rows[j] or buf.dtype != self.out_dtypes[j]:
                return self._run_general(inputs, output_storage)
            bufs.append(buf)
        nit_lens = tuple(int(inputs[self.nit_outer_in + k]) for k in range(self.n_nit))
        nonseqs = [
            np.ascontiguousarray(inputs[i], dtype=s.dtype)
            for i, s in zip(self.nonseq_outer_in, self.nonseq_slots)
        ]
        key = (
            tuple(s.shape[1:] for s in seqs),
            tuple(b.shape for b in bufs),
            tuple(a.shape for a in nonseqs),
            nit_lens,
        )
        layout = self._layouts.get(key)
        if layout is None:
            if min(nit_lens, default=0) < 0:
                return self._run_general(inputs, output_storage)
            try:
                layout = self._new_layout(seqs, bufs, nonseqs, nit_lens)
            except _ShapeMismatch:
                return self._run_general(inputs, output_storage)
            if len(self._layouts) < 16:
                self._layouts[key] = layout
        S, arena, trace_shapes, extra = layout
        traces = [
            np.empty(shape, dtype=self.out_dtypes[self.n_states + k])
            for k, shape in enumerate(trace_shapes)
        ]
        self._call(self.address, n_steps, (*seqs, *bufs, *traces, *nonseqs), extra, S)
        self.fused_calls += 1
        for j, (taps, buf) in enumerate(zip(self.state_taps, bufs)):
            output_storage[j][0] = _chronological(buf, n_steps - min(taps))
        for k, tr in enumerate(traces):
            output_storage[self.n_states + k][0] = _chronological(tr, n_steps)

    def _new_layout(self, seqs, bufs, nonseqs, nit_lens) -> tuple:
        """The kernel's table, arena and trace shapes for these inputs."""
        row_shapes = [s.shape[1:] for s in seqs] + [b.shape[1:] for b in bufs]
        S, size, consts, out_shapes = self._layout(
            row_shapes, [a.shape for a in nonseqs]
        )
        arena = np.zeros(max(size, _ALIGN) + _ALIGN, dtype=np.uint8)
        shift = (-arena.ctypes.data) % _ALIGN
        arena = arena[shift : shift + max(size, _ALIGN)]
        for off, s in consts:
            data = np.ascontiguousarray(s.var.data, dtype=s.dtype)
            arena[off : off + data.nbytes] = data.view(np.uint8).reshape(-1)
        trace_shapes = [
            (n, *out_shapes[self.n_states + k]) for k, n in enumerate(nit_lens)
        ]
        # Every buffer is C-contiguous: a row is the product of the rest.
        shapes = [s.shape for s in seqs] + [b.shape for b in bufs] + trace_shapes
        itemsizes = (
            [s.itemsize for s in seqs]
            + [b.itemsize for b in bufs]
            + [
                np.dtype(self.out_dtypes[self.n_states + k]).itemsize
                for k in range(self.n_nit)
            ]
        )
        base = 5 * len(self.kernel.slots)
        for j, (shape, itemsize) in enumerate(zip(shapes, itemsizes)):
            S[base + 2 * j] = itemsize * math.prod(shape[1:])
            S[base + 2 * j + 1] = shape[0]
        extra = (arena.ctypes.data, *_gemv_addresses())
        return S, arena, trace_shapes, extra


_lib_lock = threading.Lock()
_gemv: tuple[int, int] | None = None


def _gemv_addresses() -> tuple[int, int]:
    """Addresses of SciPy's ``dgemv`` and ``sgemv`` (0 where unavailable)."""
    global _gemv
    if _gemv is None:
        try:
            from aesara.link.c.blas_runtime import _cython_blas_capi

            capi = _cython_blas_capi()
            get_name = ctypes.pythonapi.PyCapsule_GetName
            get_name.restype = ctypes.c_char_p
            get_name.argtypes = [ctypes.py_object]
            get_ptr = ctypes.pythonapi.PyCapsule_GetPointer
            get_ptr.restype = ctypes.c_void_p
            get_ptr.argtypes = [ctypes.py_object, ctypes.c_char_p]
            _gemv = tuple(
                get_ptr(capi[n], get_name(capi[n])) or 0 for n in ("dgemv", "sgemv")
            )
        except Exception:  # no SciPy BLAS: the inline loops do all products
            _gemv = (0, 0)
    return _gemv


def load_scan_kernel(kernel: ScanKernel):
    """Compile (or find in the cache) and load the kernel; return ``aesara_scan``.

    Raises
    ------
    aesara.link.c.compiler.CompileError
        When the compiler fails.
    """
    from aesara.link.c.compiler import compile_shared_library

    path = compile_shared_library(
        kernel.source, "scan_kernel", extra_flags=("-fopenmp-simd",)
    )
    with _lib_lock:
        lib = ctypes.CDLL(str(path))
    fn = lib.aesara_scan
    fn.argtypes = [ctypes.c_longlong, ctypes.c_void_p, ctypes.c_void_p]
    fn.restype = ctypes.c_int
    # Keep the library loaded as long as the function is referenced.
    fn._aesara_lib = lib
    return fn
