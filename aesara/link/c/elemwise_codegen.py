"""Generate C kernels for element-wise ops (including fused ``Composite`` ones).

A kernel is a small C file with no Python headers (so it compiles in tens of
milliseconds) exporting one function with this ABI::

    typedef long long ae_intp;
    int aesara_kernel(int nd, const ae_intp *shape,
                      char *const *ptrs, const ae_intp *strides);

``nd`` and ``shape`` describe the iteration space (the runtime has already
broadcast the operands and merged dimensions it could), ``ptrs`` holds one
base pointer per operand (inputs first, then outputs) and ``strides`` the
byte strides, operand-major (``strides[k * nd + d]``), 0 along broadcast
dimensions. The kernel returns 0. The caller may split the space (e.g.
across threads) and call the kernel on each part.

Inside, the innermost dimension runs through one loop over typed pointers
that the compiler vectorises (math functions get glibc's SIMD versions
through ``__attribute__((simd))`` declarations).

In-place outputs: an output may share its memory with an input (the op's
``inplace_pattern``, and inputs the runtime found to be the same array).
Each iteration loads every input before it stores any output, and the
pointers are deliberately not ``restrict``: with ``restrict`` the compiler
may move a load after a store to the same address, so a later output of a
fused kernel would read an earlier output instead of the input. ``ivdep``
tells the vectoriser what the missing ``restrict`` would have: iterations
never depend on one another (element ``i`` only touches index ``i``), so
the loop vectorises as before and stays correct under exact aliasing.
Operands that are not contiguous along it are gathered into, or scattered
from, small stack buffers, so every case runs the vectorised loop.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from aesara.link.c.scalar_c import (
    C_TYPES,
    CScalarContext,
    c_literal,
    translate_scalar,
)

__all__ = [
    "ElemwiseKernel",
    "KERNEL_ABI_VERSION",
    "elemwise_kernel",
    "scalar_statements",
]

KERNEL_ABI_VERSION = 1
_BLOCK = 256
_MAX_DIMS = 64


@dataclass(frozen=True)
class ElemwiseKernel:
    """Generated source of one element-wise kernel and its operand types."""

    source: str
    in_dtypes: tuple[str, ...]
    out_dtypes: tuple[str, ...]


def _dtype(var: Any) -> str:
    return var.type.dtype


def scalar_statements(
    scalar_op: Any,
    ctx: CScalarContext,
    in_names: Sequence[str],
    in_dtypes: Sequence[str],
    out_dtypes: Sequence[str],
    prefix: str = "t",
) -> tuple[list[str], list[str]]:
    """C statements evaluating ``scalar_op`` once, and its output expressions.

    For a :class:`~aesara.scalar.basic.Composite` every inner node gets a
    local variable; inner constants become literals.

    Raises
    ------
    NotImplementedError
        If some scalar op inside has no C translation.
    """
    from aesara.graph.basic import Constant
    from aesara.scalar.basic import Composite

    if not isinstance(scalar_op, Composite):
        exprs = translate_scalar(scalar_op, ctx, in_names, in_dtypes, out_dtypes)
        return [], exprs

    names: dict[Any, str] = dict(zip(scalar_op.inputs, in_names))
    statements: list[str] = []
    counter = 0

    def name_of(var):
        if var in names:
            return names[var]
        if isinstance(var, Constant):
            return c_literal(var.data, _dtype(var))
        raise NotImplementedError(f"unbound variable {var} in Composite")

    for node in scalar_op.fgraph.toposort():
        args = [name_of(i) for i in node.inputs]
        exprs = translate_scalar(
            node.op,
            ctx,
            args,
            [_dtype(i) for i in node.inputs],
            [_dtype(o) for o in node.outputs],
        )
        for out, expr in zip(node.outputs, exprs):
            local = f"{prefix}{counter}"
            counter += 1
            statements.append(f"const {C_TYPES[_dtype(out)]} {local} = {expr};")
            names[out] = local
    return statements, [name_of(o) for o in scalar_op.outputs]


def elemwise_kernel(
    scalar_op: Any, in_dtypes: Sequence[str], out_dtypes: Sequence[str]
) -> ElemwiseKernel:
    """The C kernel of ``Elemwise(scalar_op)`` for the given operand dtypes.

    Raises
    ------
    NotImplementedError
        When a dtype or a scalar op has no C translation.
    """
    in_dtypes, out_dtypes = tuple(in_dtypes), tuple(out_dtypes)
    for dt in in_dtypes + out_dtypes:
        if dt not in C_TYPES:
            raise NotImplementedError(f"no C type for dtype {dt}")
    ctx = CScalarContext()
    in_names = [f"i{k}" for k in range(len(in_dtypes))]
    body, outs = scalar_statements(scalar_op, ctx, in_names, in_dtypes, out_dtypes)
    nin, nout = len(in_dtypes), len(out_dtypes)
    types = [C_TYPES[d] for d in in_dtypes + out_dtypes]
    nop = nin + nout

    core_params = ", ".join(
        [f"const {types[k]} *x{k}" for k in range(nin)]
        + [f"{types[nin + k]} *y{k}" for k in range(nout)]
    )
    loads = [f"const {types[k]} i{k} = x{k}[i];" for k in range(nin)]
    stores = [f"y{k}[i] = {outs[k]};" for k in range(nout)]
    core = "\n".join(
        [
            f"static inline void ae_core(ae_intp n, {core_params}) {{",
            "#pragma GCC ivdep",
            "    for (ae_intp i = 0; i < n; i++) {",
            *("        " + s for s in loads + body + stores),
            "    }",
            "}",
        ]
    )

    def cast_ptr(k, expr):
        const = "const " if k < nin else ""
        return f"({const}{types[k]} *)({expr})"

    contiguous = " && ".join(
        f"s[{k}] == (ae_intp)sizeof({types[k]})" for k in range(nop)
    )
    direct_args = ", ".join(cast_ptr(k, f"p[{k}]") for k in range(nop))
    buffered = [f"    {types[k]} b{k}[AE_BLOCK];" for k in range(nop)] + [
        "    for (ae_intp start = 0; start < n; start += AE_BLOCK) {",
        "        const ae_intp m = n - start < AE_BLOCK ? n - start : AE_BLOCK;",
    ]
    for k in range(nin):
        t = types[k]
        buffered += [
            f"        const {t} *q{k};",
            f"        if (s[{k}] == (ae_intp)sizeof({t})) q{k} = (const {t} *)(p[{k}] + start * s[{k}]);",
            f"        else if (s[{k}] == 0) {{ if (start == 0) {{ const {t} v = *(const {t} *)p[{k}];"
            f" for (int j = 0; j < AE_BLOCK; j++) b{k}[j] = v; }} q{k} = b{k}; }}",
            f"        else {{ for (ae_intp j = 0; j < m; j++) b{k}[j] = *(const {t} *)(p[{k}] + (start + j) * s[{k}]); q{k} = b{k}; }}",
        ]
    for j in range(nout):
        k = nin + j
        t = types[k]
        buffered.append(
            f"        {t} *q{k} = s[{k}] == (ae_intp)sizeof({t}) ? ({t} *)(p[{k}] + start * s[{k}]) : b{k};"
        )
    buffered.append(
        "        ae_core(m, " + ", ".join(f"q{k}" for k in range(nop)) + ");"
    )
    for j in range(nout):
        k = nin + j
        t = types[k]
        buffered.append(
            f"        if (q{k} == b{k}) for (ae_intp j = 0; j < m; j++) *({t} *)(p[{k}] + (start + j) * s[{k}]) = b{k}[j];"
        )
    buffered.append("    }")

    source = "\n".join(
        [
            "/* aesara element-wise kernel (generated) */",
            "#include <math.h>",
            "#include <stdint.h>",
            "typedef long long ae_intp;",
            '#define AE_SIMD __attribute__((__simd__("notinbranch"), const, nothrow))',
            f"#define AE_BLOCK {_BLOCK}",
            ctx.prelude(),
            f"/* inputs: {', '.join(in_dtypes)}; outputs: {', '.join(out_dtypes)} */",
            core,
            "static void ae_inner(ae_intp n, char *const *p, const ae_intp *s) {",
            f"    if (n == 1 || ({contiguous})) {{ ae_core(n, {direct_args}); return; }}",
            *buffered,
            "}",
            '__attribute__((visibility("default")))',
            f"const int aesara_kernel_abi = {KERNEL_ABI_VERSION};",
            '__attribute__((visibility("default")))',
            f"const int aesara_kernel_nop = {nop};",
            '__attribute__((visibility("default")))',
            "int aesara_kernel(int nd, const ae_intp *shape, char *const *ptrs, const ae_intp *strides) {",
            f"    enum {{ NOP = {nop} }};",
            "    char *p[NOP];",
            "    ae_intp s[NOP];",
            "    for (int k = 0; k < NOP; k++) p[k] = ptrs[k];",
            "    if (nd == 0) { for (int k = 0; k < NOP; k++) s[k] = 0; ae_inner(1, p, s); return 0; }",
            "    for (int d = 0; d < nd; d++) if (shape[d] <= 0) return 0;",
            "    for (int k = 0; k < NOP; k++) s[k] = strides[k * nd + nd - 1];",
            "    const ae_intp n = shape[nd - 1];",
            f"    ae_intp idx[{_MAX_DIMS}] = {{0}};",
            "    for (;;) {",
            "        ae_inner(n, p, s);",
            "        int d = nd - 2;",
            "        for (; d >= 0; d--) {",
            "            idx[d]++;",
            "            for (int k = 0; k < NOP; k++) p[k] += strides[k * nd + d];",
            "            if (idx[d] < shape[d]) break;",
            "            for (int k = 0; k < NOP; k++) p[k] -= strides[k * nd + d] * shape[d];",
            "            idx[d] = 0;",
            "        }",
            "        if (d < 0) break;",
            "    }",
            "    return 0;",
            "}",
            "",
        ]
    )
    return ElemwiseKernel(source, in_dtypes, out_dtypes)
