"""``aesara.tensor.extra_ops`` and sorting in Numba.

``CumOp``, ``Diff``, ``SearchsortedOp``, ``Bartlett``, ``FillDiagonal``,
``BroadcastTo``, ``CpuContiguous`` and ``SortOp``.
"""

from __future__ import annotations

from aesara.link.numba.dispatch.basic import (
    NumbaTranslationMissing,
    _single_output_fn,
    numba_funcify,
    view_expr,
)
from aesara.tensor.extra_ops import (
    Bartlett,
    BroadcastTo,
    CpuContiguous,
    CumOp,
    Diff,
    FillDiagonal,
    SearchsortedOp,
)
from aesara.tensor.sort import SortOp
from aesara.tensor.type import TensorType
from aesara.tensor.type_other import NoneTypeT


@numba_funcify.register(CumOp)
def numba_funcify_CumOp(op, node=None, **kwargs):
    ndim = node.inputs[0].type.ndim
    dtype = node.outputs[0].type.dtype
    combine = "+" if op.mode == "add" else "*"
    if op.axis is None or ndim <= 1:
        if ndim == 0 and op.axis is not None:
            lines = [f"return np.asarray(np.{dtype}(x[()]))"]
        else:
            lines = [
                "flat = np.ascontiguousarray(x).reshape(x.size)",
                f"out = np.empty(x.size, dtype=np.{dtype})",
                "if x.size > 0:",
                f"    acc = np.{dtype}(flat[0])",
                "    out[0] = acc",
                "    for i in range(1, x.size):",
                f"        acc = np.{dtype}(acc {combine} flat[i])",
                "        out[i] = acc",
                "return out",
            ]
    else:
        axis = op.axis % ndim
        if not 0 <= axis < ndim:
            raise NumbaTranslationMissing(f"CumOp axis {op.axis}")
        perm = [k for k in range(ndim) if k != axis] + [axis]
        inverse = [perm.index(k) for k in range(ndim)]
        lines = [
            f"xt = np.ascontiguousarray({view_expr('x', perm)})",
            f"n = x.shape[{axis}]",
            "rows = xt.reshape((xt.size // max(n, 1), n))",
            f"out = np.empty(rows.shape, dtype=np.{dtype})",
            "for r in range(rows.shape[0]):",
            "    if n > 0:",
            f"        acc = np.{dtype}(rows[r, 0])",
            "        out[r, 0] = acc",
            "        for i in range(1, n):",
            f"            acc = np.{dtype}(acc {combine} rows[r, i])",
            "            out[r, i] = acc",
            "shaped = out.reshape(xt.shape)",
            f"return np.ascontiguousarray({view_expr('shaped', inverse)})",
        ]
    src = "def cumop(x):\n" + "".join(f"    {line}\n" for line in lines)
    return _single_output_fn(src, "cumop")


@numba_funcify.register(CpuContiguous)
def numba_funcify_CpuContiguous(op, node=None, **kwargs):
    return _single_output_fn(
        "def cpu_contiguous(x):\n    return np.ascontiguousarray(x)\n", "cpu_contiguous"
    )


@numba_funcify.register(BroadcastTo)
def numba_funcify_BroadcastTo(op, node=None, **kwargs):
    x, *shape = node.inputs
    nd, xd = len(shape), x.type.ndim
    off = nd - xd
    args = ["x"] + [f"s{k}" for k in range(nd)]
    lines = []
    for k, s in enumerate(shape):
        value = f"s{k}[()]" if isinstance(s.type, TensorType) else f"s{k}"
        lines.append(f"d{k} = np.int64({value})")
    strides = []
    for k in range(nd):
        if k < off:
            strides.append("0")
            continue
        a = k - off
        lines.append(f"if x.shape[{a}] != 1 and x.shape[{a}] != d{k}:")
        lines.append("    raise ValueError('broadcast_to: incompatible shapes')")
        lines.append(f"t{k} = x.strides[{a}] if x.shape[{a}] != 1 else 0")
        strides.append(f"t{k}")

    def tup(items):
        return "(" + ", ".join(items) + ("," if len(items) == 1 else "") + ")"

    shp = tup([f"d{k}" for k in range(nd)]) if nd else "()"
    st = tup(strides) if nd else "()"
    lines.append(
        f"return np.lib.stride_tricks.as_strided(x, shape={shp}, strides={st})"
    )
    src = f"def broadcast_to({', '.join(args)}):\n"
    src += "".join(f"    {line}\n" for line in lines)
    return _single_output_fn(src, "broadcast_to")


@numba_funcify.register(SortOp)
def numba_funcify_SortOp(op, node=None, **kwargs):
    x, axis = node.inputs
    ndim = x.type.ndim
    dtype = x.type.dtype
    if dtype[0] == "c" or dtype == "bool":
        raise NumbaTranslationMissing(f"sort of {dtype}")
    if isinstance(axis.type, NoneTypeT):
        lines = ["return np.sort(np.ascontiguousarray(x).reshape(x.size))"]
    elif ndim == 0:
        raise NumbaTranslationMissing("sort of a 0-d tensor along an axis")
    else:
        lines = [
            f"a = np.int64({'axis[()]' if isinstance(axis.type, TensorType) else 'axis'})",
            f"if a < -{ndim} or a >= {ndim}:",
            "    raise ValueError('sort: axis out of bounds')",
            "if a < 0:",
            f"    a += {ndim}",
            f"out = np.empty(x.shape, dtype=np.{dtype})",
        ]
        for a in range(ndim):
            perm = [k for k in range(ndim) if k != a] + [a]
            lines.append(f"{'if' if a == 0 else 'elif'} a == {a}:")
            lines.append(f"    src = {view_expr('x', perm)}")
            lines.append(f"    dst = {view_expr('out', perm)}")
            lines.append(
                f"    rows = np.ascontiguousarray(src).reshape((-1, x.shape[{a}]))"
            )
            lines.append(f"    dst2 = np.empty(rows.shape, dtype=np.{dtype})")
            lines.append("    for r in range(rows.shape[0]):")
            lines.append("        dst2[r] = np.sort(rows[r])")
            lines.append("    shaped = dst2.reshape(src.shape)")
            lines += ["    " + line for line in _copy_loop("dst", "shaped", ndim)]
        lines.append("return out")
    src = "def sort(x, axis):\n" + "".join(f"    {line}\n" for line in lines)
    return _single_output_fn(src, "sort")


def _copy_loop(dst: str, src: str, ndim: int) -> list[str]:
    lines = []
    indent = ""
    for k in range(ndim):
        lines.append(f"{indent}for j{k} in range({dst}.shape[{k}]):")
        indent += "    "
    idx = ", ".join(f"j{k}" for k in range(ndim)) + ("," if ndim == 1 else "")
    lines.append(f"{indent}{dst}[{idx}] = {src}[{idx}]")
    return lines


@numba_funcify.register(SearchsortedOp)
def numba_funcify_SearchsortedOp(op, node=None, **kwargs):
    x, v, *sorter = node.inputs
    if x.type.dtype[0] == "c" or v.type.dtype[0] == "c":
        raise NumbaTranslationMissing("searchsorted of complex numbers")
    args = ["x", "v"] + (["sorter"] if sorter else [])
    lines = []
    if sorter:
        lines += [
            "n = x.shape[0]",
            "if sorter.shape[0] != n:",
            "    raise ValueError('searchsorted: sorter.size must equal a.size')",
            f"xs = np.empty(n, dtype=np.{x.type.dtype})",
            "for k in range(n):",
            "    s = np.int64(sorter[k])",
            "    if s < 0 or s >= n:",
            "        raise ValueError('searchsorted: sorter index out of range')",
            "    xs[k] = x[s]",
        ]
    else:
        lines.append("xs = x")
    vv = "np.asarray(v).reshape(1)" if v.type.ndim == 0 else "v"
    lines.append(f"r = np.searchsorted(xs, {vv}, side='{op.side}')")
    if v.type.ndim == 0:
        lines.append("return np.asarray(np.int64(r[0]))")
    else:
        lines.append("return r.astype(np.int64)")
    src = f"def searchsorted({', '.join(args)}):\n"
    src += "".join(f"    {line}\n" for line in lines)
    return _single_output_fn(src, "searchsorted")


@numba_funcify.register(Bartlett)
def numba_funcify_Bartlett(op, node=None, **kwargs):
    m = "m[()]" if isinstance(node.inputs[0].type, TensorType) else "m"
    src = (
        f"def bartlett(m):\n    return np.bartlett(np.int64({m})).astype(np.float64)\n"
    )
    return _single_output_fn(src, "bartlett")


@numba_funcify.register(FillDiagonal)
def numba_funcify_FillDiagonal(op, node=None, **kwargs):
    a, val = node.inputs
    if a.type.ndim != 2:
        raise NumbaTranslationMissing("fill_diagonal of more than 2 dimensions")
    v = "val[()]" if isinstance(val.type, TensorType) else "val"
    src = (
        "def fill_diagonal(a, val):\n"
        "    out = a.copy()\n"
        "    for i in range(min(a.shape[0], a.shape[1])):\n"
        f"        out[i, i] = {v}\n"
        "    return out\n"
    )
    return _single_output_fn(src, "fill_diagonal")


@numba_funcify.register(Diff)
def numba_funcify_Diff(op, node=None, **kwargs):
    ndim = node.inputs[0].type.ndim
    dtype = node.outputs[0].type.dtype
    axis = op.axis % ndim
    perm = [k for k in range(ndim) if k != axis] + [axis]
    inverse = [perm.index(k) for k in range(ndim)]
    lines = [
        f"cur = np.ascontiguousarray({view_expr('x', perm)}).astype(np.{dtype})",
        f"for step in range({op.n}):",
        "    m = max(cur.shape[-1] - 1, 0)",
        "    rows = cur.reshape((-1, cur.shape[-1]))",
        f"    nxt = np.empty((rows.shape[0], m), dtype=np.{dtype})",
        "    for r in range(rows.shape[0]):",
        "        for k in range(m):",
        "            nxt[r, k] = rows[r, k + 1] - rows[r, k]",
        "    cur = nxt.reshape(cur.shape[:-1] + (m,))",
        f"return np.ascontiguousarray({view_expr('cur', inverse)})",
    ]
    src = "def diff(x):\n" + "".join(f"    {line}\n" for line in lines)
    return _single_output_fn(src, "diff")
