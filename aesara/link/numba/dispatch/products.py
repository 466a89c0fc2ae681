"""Batched and general tensor products, and 1-d convolution, in Numba.

``BatchedDot`` (one ``np.dot`` per batch entry for float and complex
operands, a loop for integers), ``Contraction`` (the two-operand
``einsum`` behind ``tensordot`` and ``batched_tensordot``, written as loops
over its output and contracted indices) and ``Convolve``
(``numpy.convolve``'s three modes). The plain ``Dot`` family is in
:mod:`aesara.link.numba.dispatch.nlinalg`.
"""

from __future__ import annotations

from aesara.link.numba.dispatch.basic import (
    NumbaTranslationMissing,
    _single_output_fn,
    numba_funcify,
    view_expr,
)
from aesara.tensor._convolve import Convolve
from aesara.tensor._products import BatchedDot, Contraction

_BLAS_DTYPES = ("float32", "float64", "complex64", "complex128")


def _body(lines: list[str]) -> str:
    return "".join(f"    {line}\n" for line in lines)


def _as_dtype(name: str, have: str, want: str) -> str:
    return name if have == want else f"{name}.astype(np.{want})"


@numba_funcify.register(BatchedDot)
def numba_funcify_BatchedDot(op, node=None, **kwargs):
    a, b = node.inputs
    na, nb = a.type.ndim, b.type.ndim
    dtype = node.outputs[0].type.dtype
    # Both as batches of matrices: a vector row ``(1, k)``, a column ``(k, 1)``.
    a3 = view_expr("a", [0, "x", 1]) if na == 2 else "a"
    b3 = view_expr("b", [0, 1, "x"]) if nb == 2 else "b"
    lines = [
        f"a3 = {_as_dtype(a3, a.type.dtype, dtype)}",
        f"b3 = {_as_dtype(b3, b.type.dtype, dtype)}",
        "if a3.shape[0] != b3.shape[0] or a3.shape[2] != b3.shape[1]:",
        "    raise ValueError('batched_dot: the batch shapes do not match')",
        "nb = a3.shape[0]",
        f"r = np.empty((nb, a3.shape[1], b3.shape[2]), dtype=np.{dtype})",
        "for i in range(nb):",
    ]
    if dtype in _BLAS_DTYPES:
        lines.append(
            "    r[i] = np.dot(np.ascontiguousarray(a3[i]), np.ascontiguousarray(b3[i]))"
        )
    else:
        lines += [
            "    for p in range(a3.shape[1]):",
            "        for q in range(b3.shape[2]):",
            f"            acc = np.{dtype}(0)",
            "            for k in range(a3.shape[2]):",
            "                acc += a3[i, p, k] * b3[i, k, q]",
            "            r[i, p, q] = acc",
        ]
    keep = [0] + ([1] if na == 3 else []) + ([2] if nb == 3 else [])
    # Axes of length 1 that stood for a vector operand are dropped again.
    lines.append(f"return np.ascontiguousarray({view_expr('r', keep)})")
    return _single_output_fn("def batched_dot(a, b):\n" + _body(lines), "batched_dot")


@numba_funcify.register(Contraction)
def numba_funcify_Contraction(op, node=None, **kwargs):
    a, b = node.inputs
    sa, sb, out = op._parts
    dtype = node.outputs[0].type.dtype
    size: dict[str, str] = {}
    lines = []
    for name, letters in (("a", sa), ("b", sb)):
        for i, c in enumerate(letters):
            here = f"{name}.shape[{i}]"
            if c in size:
                lines += [
                    f"if {here} != {size[c]}:",
                    "    raise ValueError('tensordot: shapes do not match on a "
                    "contracted or batch axis')",
                ]
            else:
                size[c] = here
    summed = [c for c in dict.fromkeys(sa + sb) if c not in out]
    loop = {c: f"i_{k}" for k, c in enumerate(dict.fromkeys(out + "".join(summed)))}
    shape = "(" + "".join(f"{size[c]}, " for c in out) + ")"
    lines.append(f"r = np.empty({shape}, dtype=np.{dtype})")
    indent = ""
    for c in out:
        lines.append(f"{indent}for {loop[c]} in range({size[c]}):")
        indent += "    "
    lines.append(f"{indent}acc = np.{dtype}(0)")
    inner = indent
    for c in summed:
        lines.append(f"{inner}for {loop[c]} in range({size[c]}):")
        inner += "    "

    def read(name, letters, have):
        idx = ", ".join(loop[c] for c in letters) + ("," if len(letters) == 1 else "")
        value = f"{name}[{idx or '()'}]"
        return value if have == dtype else f"np.{dtype}({value})"

    lines.append(
        f"{inner}acc += {read('a', sa, a.type.dtype)} * {read('b', sb, b.type.dtype)}"
    )
    ridx = ", ".join(loop[c] for c in out) + ("," if len(out) == 1 else "")
    lines.append(f"{indent}r[{ridx or '()'}] = acc")
    lines.append("return r")
    return _single_output_fn("def contraction(a, b):\n" + _body(lines), "contraction")


@numba_funcify.register(Convolve)
def numba_funcify_Convolve(op, node=None, **kwargs):
    a, v = node.inputs
    dtype = node.outputs[0].type.dtype
    if op.mode not in ("full", "same", "valid"):
        raise NumbaTranslationMissing(f"{op} mode {op.mode!r}")
    ca = "a[i]" if a.type.dtype == dtype else f"np.{dtype}(a[i])"
    cv = "v[k - i]" if v.type.dtype == dtype else f"np.{dtype}(v[k - i])"
    start = {"full": "0", "same": "(small - 1) // 2", "valid": "small - 1"}[op.mode]
    length = {"full": "m + n - 1", "same": "big", "valid": "big - small + 1"}[op.mode]
    lines = [
        "m = a.shape[0]",
        "n = v.shape[0]",
        "if m == 0:",
        "    raise ValueError('convolve: a cannot be empty')",
        "if n == 0:",
        "    raise ValueError('convolve: v cannot be empty')",
        "big = max(m, n)",
        "small = min(m, n)",
        f"start = {start}",
        f"length = {length}",
        f"r = np.empty(length, dtype=np.{dtype})",
        "for t in range(length):",
        "    k = start + t",
        f"    acc = np.{dtype}(0)",
        "    for i in range(max(0, k - n + 1), min(m, k + 1)):",
        f"        acc += {ca} * {cv}",
        "    r[t] = acc",
        "return r",
    ]
    return _single_output_fn("def convolve(a, v):\n" + _body(lines), "convolve")
