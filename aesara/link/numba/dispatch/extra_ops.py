"""``aesara.tensor.extra_ops`` and sorting in Numba.

``CumOp``, ``Diff``, ``SearchsortedOp``, ``Bartlett``, ``FillDiagonal``,
``FillDiagonalOffset``, ``BroadcastTo``, ``CpuContiguous``, ``BinCount``,
``RepeatOp``, ``Unique``, ``UnravelIndex``, ``RavelMultiIndex``, and the
sorts ``SortOp``, ``ArgSortOp`` and ``TopKOp``.

Sorts are stable (merge sort; NaNs last, as NumPy): NumPy's default
quicksort is an insertion sort on the short rows the results are compared
on, so ties come out in the same order. Not translated (object mode):
``TopKOp(sorted=False)``, whose Python order is ``np.argpartition``'s;
sorts, ``Unique`` and top-k of complex numbers, which Numba cannot sort;
``Unique`` along an axis groups rows by exact equality (NaNs differ).
"""

from __future__ import annotations

import numpy as np

from aesara.link.numba.dispatch.basic import (
    NumbaTranslationMissing,
    _single_output_fn,
    numba_funcify,
    view_expr,
)
from aesara.link.numba.dispatch.subtensor import (
    broadcast_lines,
    broadcast_read,
    loop_nest,
)
from aesara.tensor.extra_ops import (
    Bartlett,
    BinCount,
    BroadcastTo,
    CpuContiguous,
    CumOp,
    Diff,
    FillDiagonal,
    FillDiagonalOffset,
    RavelMultiIndex,
    RepeatOp,
    SearchsortedOp,
    Unique,
    UnravelIndex,
)
from aesara.tensor.sort import ArgSortOp, SortOp, TopKOp
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


# ---------------------------------------------------------------------------
# Sorting along an axis: argsort and top-k
# ---------------------------------------------------------------------------


def _rows_lines(ndim: int, a: int, outs: list[tuple[str, str, str]], body: list[str]):
    """Lines applying ``body`` to each line of ``x`` along axis ``a``.

    ``body`` reads the contiguous row ``row`` (number ``r``) and fills row
    ``r`` of the ``(nrows, width)`` arrays ``outs`` (``(name, dtype,
    width)``); the results are put back with their last axis at ``a``.
    """
    perm = [k for k in range(ndim) if k != a] + [a]
    inverse = [perm.index(k) for k in range(ndim)]
    lines = [
        f"n = x.shape[{a}]",
        "nrows = 1" + "".join(f" * x.shape[{k}]" for k in perm[:-1]),
        f"rows = np.ascontiguousarray({view_expr('x', perm)}).reshape((nrows, n))",
    ]
    for name, dtype, width in outs:
        lines.append(f"{name} = np.empty((nrows, {width}), dtype=np.{dtype})")
    lines.append("for r in range(nrows):")
    lines.append("    row = rows[r]")
    lines += ["    " + line for line in body]
    lead = "".join(f"x.shape[{k}], " for k in perm[:-1])
    results = []
    for name, _, width in outs:
        lines.append(f"{name}s = {name}.reshape(({lead}{width},))")
        lines.append(
            f"{name}f = np.ascontiguousarray({view_expr(name + 's', inverse)})"
        )
        results.append(f"{name}f")
    return lines, results


def _axis_branches(ndim: int, make) -> list[str]:
    """``if a == 0: ... elif ...`` over the axes, ``make(k)`` giving each body."""
    lines = []
    for k in range(ndim):
        lines.append(f"{'if' if k == 0 else 'elif'} a == {k}:")
        lines += ["    " + line for line in make(k)]
    return lines


def _sortable(x: str, dtype: str) -> str:
    # Numba sorts numbers only: booleans are sorted as bytes.
    return f"{x}.astype(np.uint8)" if dtype == "bool" else x


@numba_funcify.register(ArgSortOp)
def numba_funcify_ArgSortOp(op, node=None, **kwargs):
    x, axis = node.inputs
    ndim = x.type.ndim
    if x.type.dtype[0] == "c":
        raise NumbaTranslationMissing(f"argsort of {x.type.dtype}")
    if ndim == 0 or isinstance(axis.type, NoneTypeT):
        raise NumbaTranslationMissing(f"argsort of {x.type} along axis {axis}")
    # A stable sort: NumPy's small-array quicksort is an insertion sort,
    # which keeps ties in order too.
    body = [
        f"o[r] = np.argsort({_sortable('row', x.type.dtype)}, kind='mergesort')",
    ]

    def make(k):
        lines, (res,) = _rows_lines(ndim, k, [("o", "int64", "n")], body)
        return [*lines, f"return {res}"]

    lines = [
        f"a = np.int64({'axis[()]' if isinstance(axis.type, TensorType) else 'axis'})",
        f"if a < -{ndim} or a >= {ndim}:",
        "    raise AxisError('argsort: axis out of bounds')",
        "if a < 0:",
        f"    a += {ndim}",
        *_axis_branches(ndim, make),
        f"return np.empty(({'0, ' * ndim}), dtype=np.int64)",
    ]
    src = "def argsort(x, axis):\n" + "".join(f"    {line}\n" for line in lines)
    return _single_output_fn(src, "argsort", {"AxisError": np.exceptions.AxisError})


@numba_funcify.register(TopKOp)
def numba_funcify_TopKOp(op, node=None, **kwargs):
    x, kth = node.inputs
    ndim = x.type.ndim
    if x.type.dtype[0] == "c" or not op.sorted:
        # Unsorted results follow ``np.argpartition``'s order in Python.
        raise NumbaTranslationMissing(f"{op} of {x.type.dtype}")
    a = op.axis % ndim
    kv = "kth[()]" if isinstance(kth.type, TensorType) else "kth"
    outs = []
    if op.return_values:
        outs.append(("v", x.type.dtype, "m"))
    if op.return_indices:
        outs.append(("ix", op.idx_dtype, "m"))
    row = _sortable("row", x.type.dtype)
    # Descending with ties in index order: a stable ascending sort of the
    # reversed row, read from its end.
    body = [
        "if k < 0:",
        f"    order = np.argsort({row}, kind='mergesort')",
        "else:",
        f"    order = np.argsort({row}[::-1].copy(), kind='mergesort')",
        "for q in range(m):",
        "    p = order[q] if k < 0 else n - 1 - order[n - 1 - q]",
    ]
    if op.return_values:
        body.append("    v[r, q] = row[p]")
    if op.return_indices:
        body.append("    ix[r, q] = p")
    lines = [
        f"k = np.int64({kv})",
        "m = abs(k)",
        "if k == 0:",
        "    raise ValueError('topk: kth cannot be zero')",
        f"if m > x.shape[{a}]:",
        "    raise ValueError('topk: |kth| is larger than the size of the axis')",
    ]
    row_lines, results = _rows_lines(ndim, a, outs, body)
    lines += row_lines
    ret = results[0] if len(results) == 1 else "(" + ", ".join(results) + ",)"
    lines.append(f"return {ret}")
    src = "def topk(x, kth):\n" + "".join(f"    {line}\n" for line in lines)
    return _single_output_fn(src, "topk")


# ---------------------------------------------------------------------------
# Counting, repeating and unique values
# ---------------------------------------------------------------------------


@numba_funcify.register(BinCount)
def numba_funcify_BinCount(op, node=None, **kwargs):
    dtype = node.outputs[0].type.dtype
    minlength = 0 if op.minlength is None else int(op.minlength)
    lines = [
        "n = 0",
        "for k in range(x.shape[0]):",
        "    v = np.int64(x[k])",
        "    if v < 0:",
        "        raise ValueError('bincount: input must be non-negative')",
        "    if v + 1 > n:",
        "        n = v + 1",
        f"n = max(n, {minlength})",
        f"out = np.zeros(n, dtype=np.{dtype})",
    ]
    if op.weighted:
        lines += [
            "if w.shape[0] != x.shape[0]:",
            "    raise ValueError('bincount: weights and x have different lengths')",
            "for k in range(x.shape[0]):",
            "    out[np.int64(x[k])] += w[k]",
        ]
    else:
        lines += ["for k in range(x.shape[0]):", "    out[np.int64(x[k])] += 1"]
    lines.append("return out")
    args = "x, w" if op.weighted else "x"
    src = f"def bincount({args}):\n" + "".join(f"    {line}\n" for line in lines)
    return _single_output_fn(src, "bincount")


@numba_funcify.register(RepeatOp)
def numba_funcify_RepeatOp(op, node=None, **kwargs):
    x, repeats = node.inputs
    dtype = node.outputs[0].type.dtype
    if op.axis is None:
        lines = ["xt = np.ascontiguousarray(x).reshape((x.size,))"]
        xt_nd, perm = 1, [0]
        out_shape = "(total,)"
    else:
        nd = x.type.ndim
        a = op.axis % nd
        perm = [a] + [k for k in range(nd) if k != a]
        lines = [f"xt = {view_expr('x', perm)}"]
        xt_nd = nd
        out_shape = (
            "("
            + "".join("total, " if k == a else f"x.shape[{k}], " for k in range(nd))
            + ")"
        )
    lines.append("n = xt.shape[0]")
    if repeats.type.ndim == 0:
        lines += [
            "r = np.int64(repeats[()])",
            "if r < 0:",
            "    raise ValueError('repeat: repeats may not contain negative values')",
            "counts = np.full(n, r, dtype=np.int64)",
        ]
    else:
        lines += [
            "nr = repeats.shape[0]",
            "if nr != 1 and nr != n:",
            "    raise ValueError('repeat: operands could not be broadcast together')",
            "counts = np.empty(n, dtype=np.int64)",
            "for k in range(n):",
            "    c = np.int64(repeats[k if nr != 1 else 0])",
            "    if c < 0:",
            "        raise ValueError('repeat: repeats may not contain negative values')",
            "    counts[k] = c",
        ]
    lines += [
        "total = 0",
        "for k in range(n):",
        "    total += counts[k]",
        f"out = np.empty({out_shape}, dtype=np.{dtype})",
    ]
    out_view = "out" if op.axis is None else view_expr("out", perm)
    lines += [f"ot = {out_view}", "pos = 0", "for k in range(n):"]
    lines.append("    for c in range(counts[k]):")
    rest = [f"j{d}" for d in range(1, xt_nd)]
    nest_indent = "        "
    for d in range(1, xt_nd):
        lines.append(f"{nest_indent}for j{d} in range(xt.shape[{d}]):")
        nest_indent += "    "
    tail = "".join(f", {v}" for v in rest)
    lines.append(f"{nest_indent}ot[pos{tail}] = xt[k{tail}]")
    lines.append("        pos += 1")
    lines.append("return out")
    src = "def repeat(x, repeats):\n" + "".join(f"    {line}\n" for line in lines)
    return _single_output_fn(src, "repeat")


@numba_funcify.register(Unique)
def numba_funcify_Unique(op, node=None, **kwargs):
    x = node.inputs[0]
    dtype = x.type.dtype
    if dtype[0] == "c":
        raise NumbaTranslationMissing(f"unique of {dtype}")
    if op.axis is None:
        nd_rows = None
        lines = [
            "flat = np.ascontiguousarray(x).reshape((x.size,))",
            "n = flat.shape[0]",
            f"order = np.argsort({_sortable('flat', dtype)}, kind='mergesort')",
        ]
        # NaNs compare unequal but NumPy counts them as one value.
        same = "(flat[p] == flat[pp] or (flat[p] != flat[p] and flat[pp] != flat[pp]))"
    else:
        nd = x.type.ndim
        a = op.axis % nd
        perm = [a] + [k for k in range(nd) if k != a]
        nd_rows = (nd, a, perm)
        lines = [
            f"n = x.shape[{a}]",
            "width = 1" + "".join(f" * x.shape[{k}]" for k in perm[1:]),
            f"rows = np.ascontiguousarray({view_expr('x', perm)}).reshape((n, width))",
            # Lexicographic order of the rows: stable sorts by each column,
            # the last first.
            "order = np.arange(n)",
            "for c in range(width - 1, -1, -1):",
            f"    keys = np.empty(n, dtype=np.{dtype})",
            "    for q in range(n):",
            "        keys[q] = rows[order[q], c]",
            f"    order = order[np.argsort({_sortable('keys', dtype)}, kind='mergesort')]",
        ]
        same = "np.all(rows[p] == rows[pp])"
    lines += [
        "group = np.empty(n, dtype=np.int64)",
        "ng = 0",
        "for q in range(n):",
        "    p = order[q]",
        "    if q > 0:",
        "        pp = order[q - 1]",
        f"        if not {same}:",
        "            ng += 1",
        "    group[q] = ng",
        "ng = ng + 1 if n > 0 else 0",
        "first = np.empty(ng, dtype=np.int64)",
        "counts = np.zeros(ng, dtype=np.int64)",
        "inv = np.empty(n, dtype=np.int64)",
        "for q in range(n):",
        "    g = group[q]",
        "    if counts[g] == 0:",
        "        first[g] = order[q]",
        "    counts[g] += 1",
        "    inv[order[q]] = g",
    ]
    if nd_rows is None:
        lines.append(f"vals = np.empty(ng, dtype=np.{dtype})")
        lines += ["for g in range(ng):", "    vals[g] = flat[first[g]]"]
        inv_shape = "x.shape"
    else:
        nd, a, perm = nd_rows
        inverse = [perm.index(k) for k in range(nd)]
        lead = "".join(f", x.shape[{k}]" for k in perm[1:])
        lines += [
            f"vrows = np.empty((ng, width), dtype=np.{dtype})",
            "for g in range(ng):",
            "    vrows[g] = rows[first[g]]",
            f"vt = vrows.reshape((ng{lead}))",
            f"vals = np.ascontiguousarray({view_expr('vt', inverse)})",
        ]
        inv_shape = "(n,)"
    results = ["vals"]
    if op.return_index:
        results.append("first")
    if op.return_inverse:
        results.append(f"inv.reshape({inv_shape})")
    if op.return_counts:
        results.append("counts")
    ret = results[0] if len(results) == 1 else "(" + ", ".join(results) + ",)"
    lines.append(f"return {ret}")
    src = "def unique(x):\n" + "".join(f"    {line}\n" for line in lines)
    return _single_output_fn(src, "unique")


@numba_funcify.register(FillDiagonalOffset)
def numba_funcify_FillDiagonalOffset(op, node=None, **kwargs):
    a, val, offset = node.inputs
    v = "val[()]" if isinstance(val.type, TensorType) else "val"
    k = "offset[()]" if isinstance(offset.type, TensorType) else "offset"
    src = (
        "def fill_diagonal_offset(a, val, offset):\n"
        "    out = a.copy()\n"
        f"    k = np.int64({k})\n"
        "    r0 = max(0, -k)\n"
        "    c0 = max(0, k)\n"
        "    n = max(0, min(a.shape[0] - r0, a.shape[1] - c0))\n"
        "    for i in range(n):\n"
        f"        out[r0 + i, c0 + i] = {v}\n"
        "    return out\n"
    )
    return _single_output_fn(src, "fill_diagonal_offset")


# ---------------------------------------------------------------------------
# Flat and multi-dimensional indices
# ---------------------------------------------------------------------------


@numba_funcify.register(UnravelIndex)
def numba_funcify_UnravelIndex(op, node=None, **kwargs):
    nd = len(node.outputs)
    axes = range(nd - 1, -1, -1) if op.order == "C" else range(nd)
    lines = [
        f"if dims.shape[0] != {nd}:",
        "    raise ValueError('unravel_index: dims has the wrong length')",
        "size = 1",
        f"for k in range({nd}):",
        "    if dims[k] < 0:",
        "        raise ValueError('unravel_index: dimensions must be non-negative')",
        "    size *= np.int64(dims[k])",
        "flat = np.ascontiguousarray(indices).reshape((indices.size,))",
    ]
    lines += [f"o{k} = np.empty(indices.size, dtype=np.int64)" for k in range(nd)]
    lines += [
        "for i in range(indices.size):",
        "    v = np.int64(flat[i])",
        "    if v < 0 or v >= size:",
        "        raise ValueError('unravel_index: index out of bounds for the size')",
    ]
    for k in axes:
        lines += [
            f"    d = np.int64(dims[{k}])",
            f"    o{k}[i] = v % d",
            "    v = v // d",
        ]
    outs = [f"o{k}.reshape(indices.shape)" for k in range(nd)]
    lines.append("return " + ("(" + ", ".join(outs) + ",)" if nd != 1 else outs[0]))
    src = "def unravel_index(indices, dims):\n" + "".join(
        f"    {line}\n" for line in lines
    )
    return _single_output_fn(src, "unravel_index")


@numba_funcify.register(RavelMultiIndex)
def numba_funcify_RavelMultiIndex(op, node=None, **kwargs):
    *index, dims = node.inputs
    k_in = len(index)
    modes = list(op.mode) if isinstance(op.mode, tuple) else [op.mode] * k_in
    if len(modes) != k_in:
        raise NumbaTranslationMissing(f"{op} with {len(modes)} modes for {k_in} arrays")
    out_nd = node.outputs[0].type.ndim
    names = [f"m{k}" for k in range(k_in)]
    lines = [
        f"if dims.shape[0] != {k_in}:",
        "    raise ValueError('ravel_multi_index: dims has the wrong length')",
    ]
    lines += broadcast_lines(
        [(n, v.type.ndim) for n, v in zip(names, index)],
        out_nd,
        "bs",
        "ValueError",
        "ravel_multi_index: shape mismatch: objects cannot be broadcast",
    )
    sizes = [f"bs{d}" for d in range(out_nd)]
    loops = [f"j{d}" for d in range(out_nd)]
    lines.append(
        f"out = np.empty(({''.join(s + ', ' for s in sizes)}), dtype=np.int64)"
    )
    nest, indent = loop_nest(sizes, loops)
    lines += nest
    lines.append(f"{indent}r = np.int64(0)")
    order = range(k_in) if op.order == "C" else range(k_in - 1, -1, -1)
    for k in order:
        lines += [
            f"{indent}d = np.int64(dims[{k}])",
            f"{indent}i = np.int64({broadcast_read(names[k], index[k].type.ndim, loops)})",
        ]
        if modes[k] == "raise":
            lines += [
                f"{indent}if i < 0 or i >= d:",
                f"{indent}    raise ValueError('ravel_multi_index: invalid entry in "
                "coordinates array')",
            ]
        elif modes[k] == "wrap":
            lines.append(f"{indent}i = i % d if d > 0 else i")
        else:
            lines.append(f"{indent}i = min(max(i, 0), d - 1)")
        lines.append(f"{indent}r = r * d + i")
    idx = ", ".join(loops) + ("," if out_nd == 1 else "") if loops else "()"
    lines.append(f"{indent}out[{idx}] = r")
    lines.append("return out")
    args = ", ".join([*names, "dims"])
    src = f"def ravel_multi_index({args}):\n" + "".join(
        f"    {line}\n" for line in lines
    )
    return _single_output_fn(src, "ravel_multi_index")
