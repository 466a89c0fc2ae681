"""Element-wise loops, reductions, ``DimShuffle`` and the softmax family.

An ``Elemwise`` (fused ``Composite`` included) becomes one generated loop
nest whose body is the scalar code of
:mod:`aesara.link.numba.dispatch.scalar`: inputs are broadcast at run time
(a dimension of length 1 is read at index 0), outputs are allocated once or
written into the destroyed input of an in-place node. Reductions loop over
the input once, accumulating in the op's ``acc_dtype``.
"""

from __future__ import annotations

from typing import Any

import numpy as np

import aesara.scalar._ops as sops
from aesara.link.numba.dispatch.allocation import advise_huge_pages
from aesara.link.numba.dispatch.basic import (
    NumbaTranslationMissing,
    _single_output_fn,
    numba_funcify,
    view_expr,
    with_lifted,
)
from aesara.link.numba.dispatch.scalar import cast_expr, scalar_body, scalar_globals
from aesara.scalar._composite import Composite
from aesara.tensor._reduction_ops import Mean, MulWithoutZeros
from aesara.tensor.elemwise import CAReduce, DimShuffle, Elemwise
from aesara.tensor.fused_reduce import FusedCAReduce, fused_reduction_parts
from aesara.tensor.math import Argmax, MaxAndArgmax
from aesara.tensor.special import LogSoftmax, Softmax, SoftmaxGrad


def _env() -> dict[str, Any]:
    return {**scalar_globals(), "advise_huge_pages": advise_huge_pages}


def _idx(names: list[str]) -> str:
    """An index expression over ``names`` (``()`` for none)."""
    if not names:
        return "()"
    return ", ".join(names) + ("," if len(names) == 1 else "")


def _tuple(items: list[str]) -> str:
    if not items:
        return "()"
    return "(" + ", ".join(items) + ("," if len(items) == 1 else "") + ")"


# ---------------------------------------------------------------------------
# Elemwise
# ---------------------------------------------------------------------------


def _broadcast_lines(inputs: list[str], static: list[tuple], ndim: int) -> list[str]:
    """Lines computing the output lengths ``d<k>`` and the index steps ``s<i>_<k>``.

    An input dimension of static length 1 is always read at index 0; the
    others broadcast at run time when their length is 1.
    """
    lines = []
    for k in range(ndim):
        lines.append(f"d{k} = 1")
        for i, name in enumerate(inputs):
            if static[i][k] == 1:
                continue
            lines.append(f"n = {name}.shape[{k}]")
            lines.append("if n != 1:")
            lines.append(f"    if d{k} == 1:")
            lines.append(f"        d{k} = n")
            lines.append(f"    elif n != d{k}:")
            lines.append(
                "        raise ValueError('Elemwise: input shapes cannot be "
                "broadcast together')"
            )
        for i, name in enumerate(inputs):
            if static[i][k] is None:
                lines.append(f"s{i}_{k} = 1 if {name}.shape[{k}] != 1 else 0")
    return lines


def _input_index(i: int, static: tuple, ndim: int) -> str:
    parts = []
    for k in range(ndim):
        if static[k] == 1:
            parts.append("0")
        elif static[k] is None:
            parts.append(f"j{k} * s{i}_{k}")
        else:
            parts.append(f"j{k}")
    return _idx(parts)


@numba_funcify.register(Elemwise)
def numba_funcify_Elemwise(op, node=None, **kwargs):
    ndim = node.outputs[0].type.ndim
    if any(v.type.ndim != ndim for v in node.inputs):
        raise NumbaTranslationMissing("Elemwise inputs of different ranks")
    env = _env()
    ins = [f"x{i}" for i in range(len(node.inputs))]
    static = [tuple(v.type.shape) for v in node.inputs]
    in_dtypes = [v.type.dtype for v in node.inputs]
    out_dtypes = [v.type.dtype for v in node.outputs]
    lifted: list = []
    body = scalar_body(
        op.scalar_op,
        [f"a{i}" for i in range(len(ins))],
        in_dtypes,
        [f"r{j}" for j in range(len(node.outputs))],
        out_dtypes,
        env,
        lifted=lifted,
    )
    lines = _broadcast_lines(ins, static, ndim)
    shape = _tuple([f"d{k}" for k in range(ndim)])
    inplace = dict(op.inplace_pattern or {})
    for j, dtype in enumerate(out_dtypes):
        if j in inplace:
            lines.append(f"o{j} = x{inplace[j]}")
        else:
            lines.append(f"o{j} = np.empty({shape}, dtype=np.{dtype})")
            lines.append(f"advise_huge_pages(o{j})")
    out_index = _idx([f"j{k}" for k in range(ndim)])

    def loop_nest(indexes: list[str], indent: str) -> list[str]:
        nest = []
        for k in range(ndim):
            nest.append(f"{indent}for j{k} in range(d{k}):")
            indent += "    "
        for i in range(len(ins)):
            nest.append(f"{indent}a{i} = x{i}[{indexes[i]}]")
        nest.extend(indent + line for line in body)
        for j in range(len(out_dtypes)):
            nest.append(f"{indent}o{j}[{out_index}] = r{j}")
        return nest

    general = [_input_index(i, static[i], ndim) for i in range(len(ins))]
    steps = [
        f"s{i}_{k}"
        for i in range(len(ins))
        for k in range(ndim)
        if static[i][k] is None
    ]
    if steps:
        # Inputs that do not broadcast at run time (the usual case) are read
        # with the loop indices themselves: LLVM vectorises that loop (and
        # its libmvec calls), not one indexing with ``j * step``.
        direct = [
            _idx(["0" if static[i][k] == 1 else f"j{k}" for k in range(ndim)])
            for i in range(len(ins))
        ]
        lines.append(f"if {' and '.join(f'{s} == 1' for s in steps)}:")
        lines.extend(loop_nest(direct, "    "))
        lines.append("else:")
        lines.extend(loop_nest(general, "    "))
    else:
        lines.extend(loop_nest(general, ""))
    outs = [f"o{j}" for j in range(len(out_dtypes))]
    ret = outs[0] if len(outs) == 1 else _tuple(outs)
    params = ins + [f"L{k}" for k in range(len(lifted))]
    src = f"def elemwise({', '.join(params)}):\n"
    src += "".join(f"    {line}\n" for line in lines)
    src += f"    return {ret}\n"
    return with_lifted(_single_output_fn(src, "elemwise", env), lifted)


# ---------------------------------------------------------------------------
# DimShuffle
# ---------------------------------------------------------------------------


@numba_funcify.register(DimShuffle)
def numba_funcify_DimShuffle(op, node=None, **kwargs):
    order = list(op.new_order)
    ndim_in = node.inputs[0].type.ndim
    if order == list(range(ndim_in)):
        lines = ["y = x"]
    elif order == list(range(ndim_in - 1, -1, -1)):
        # ``.T`` keeps Numba's static layout (C <-> F): BLAS calls on the
        # result need no copy, unlike a view of unknown layout.
        lines = ["y = x.T"]
    else:
        lines = [f"y = {view_expr('x', order)}"]
    if not op.inplace:
        lines.append("y = y.copy()")
    src = "def dimshuffle(x):\n" + "".join(f"    {line}\n" for line in lines)
    src += "    return y\n"
    return _single_output_fn(src, "dimshuffle")


# ---------------------------------------------------------------------------
# Reductions
# ---------------------------------------------------------------------------


def _identity(binop: Any, acc_dtype: str) -> Any | None:
    """The value a reduction over no elements gives (``None``: it fails)."""
    dt = np.dtype(acc_dtype)
    if isinstance(binop, sops.Add) or isinstance(binop, (sops.OR, sops.XOR)):
        return dt.type(0)
    if isinstance(binop, (sops.Mul, sops.AND)):
        return dt.type(1)
    if isinstance(binop, sops.ScalarMaximum):
        if dt.kind == "f":
            return dt.type(-np.inf)
        if dt.kind in "iu":
            return np.iinfo(dt).min
        if dt.kind == "b":
            return dt.type(False)
    if isinstance(binop, sops.ScalarMinimum):
        if dt.kind == "f":
            return dt.type(np.inf)
        if dt.kind in "iu":
            return np.iinfo(dt).max
        if dt.kind == "b":
            return dt.type(True)
    if isinstance(binop, MulWithoutZeros):
        # Zeros count as absent: nothing (or only zeros) multiplies to 0.
        return dt.type(0)
    return None


def _reduction_src(
    ndim: int,
    axes: tuple[int, ...],
    in_names: list[str],
    in_static: list[tuple],
    element_lines: list[str],
    combine_lines: list[str],
    acc_dtype: str,
    out_dtype: str,
    has_identity: bool,
    post: list[str] | None = None,
    n_lifted: int = 0,
) -> str:
    """Source of a reduction over ``axes``: one pass over the broadcast inputs.

    ``element_lines`` compute ``e`` from ``a<i>`` (the inputs' elements);
    ``combine_lines`` set ``acc`` from ``acc`` and ``e``. The global
    ``identity`` starts every output cell; without an identity, a cell
    starts from its first element and an empty reduction raises.
    """
    kept = [k for k in range(ndim) if k not in axes]
    lines = _broadcast_lines(in_names, in_static, ndim)
    lines.append(
        f"out = np.empty({_tuple([f'd{k}' for k in kept])}, dtype=np.{acc_dtype})"
    )
    if not has_identity:
        red = " * ".join(f"d{k}" for k in axes) or "1"
        lines.append(f"if {red} == 0:")
        lines.append(
            "    raise ValueError('zero-size array to reduction operation "
            "which has no identity')"
        )
    lines.append("out[...] = identity")
    # The trailing reduced axes accumulate in a local, stored once per cell.
    suffix = ndim
    while suffix > 0 and (suffix - 1) in axes:
        suffix -= 1
    out_index = _idx([f"j{k}" for k in kept])
    depth = 0
    for k in range(suffix):
        lines.append(f"{'    ' * depth}for j{k} in range(d{k}):")
        depth += 1
    outer = "    " * depth
    lines.append(f"{outer}acc = out[{out_index}]")
    for k in range(suffix, ndim):
        lines.append(f"{'    ' * depth}for j{k} in range(d{k}):")
        depth += 1
    inner = "    " * depth
    for i in range(len(in_names)):
        lines.append(f"{inner}a{i} = x{i}[{_input_index(i, in_static[i], ndim)}]")
    lines.extend(inner + line for line in element_lines)
    if has_identity:
        lines.extend(inner + line for line in combine_lines)
    else:
        first = " and ".join(f"j{k} == 0" for k in axes) or "True"
        lines.append(f"{inner}if {first}:")
        lines.append(f"{inner}    acc = {cast_expr('e', acc_dtype)}")
        lines.append(f"{inner}else:")
        lines.extend(f"{inner}    {line}" for line in combine_lines)
    lines.append(f"{outer}out[{out_index}] = acc")
    lines.extend(post or [])
    if acc_dtype != out_dtype:
        lines.append(f"res = out.astype(np.{out_dtype})")
    else:
        lines.append("res = out")
    params = in_names + [f"L{k}" for k in range(n_lifted)]
    src = f"def reduce({', '.join(params)}):\n"
    src += "".join(f"    {line}\n" for line in lines)
    src += "    return res\n"
    return src


def aes_type(dtype: str):
    from aesara.scalar.basic import get_scalar_type

    return get_scalar_type(dtype)


def _reduce_fn(
    node, binop, inputs_static, elem, acc_dtype, post=None, element_lines=None
):
    """A reduction by ``binop`` of ``elem`` (a scalar op of the inputs, or the input)."""
    ndim = len(inputs_static[0])
    axis = node.op.axis
    axes = tuple(range(ndim)) if axis is None else tuple(sorted(axis))
    env = _env()
    in_names = [f"x{i}" for i in range(len(node.inputs))]
    in_dtypes = [v.type.dtype for v in node.inputs]
    lifted: list = []
    if element_lines is not None:
        e_dtype = "bool"
    elif elem is None:
        e_dtype = in_dtypes[0]
        element_lines = ["e = a0"]
    else:
        e_dtype = elem.output_types([aes_type(d) for d in in_dtypes])[0].dtype
        element_lines = scalar_body(
            elem,
            [f"a{i}" for i in range(len(in_names))],
            in_dtypes,
            ["e"],
            [e_dtype],
            env,
            prefix="f",
            lifted=lifted,
        )
    combine_lines = scalar_body(
        binop,
        ["acc", "e"],
        [acc_dtype, e_dtype],
        ["acc"],
        [acc_dtype],
        env,
        "g",
        lifted,
    )
    identity = _identity(binop, acc_dtype)
    dt = np.dtype(acc_dtype)
    env["identity"] = dt.type(0) if identity is None else dt.type(identity)
    src = _reduction_src(
        ndim,
        axes,
        in_names,
        inputs_static,
        element_lines,
        combine_lines,
        acc_dtype,
        node.outputs[0].type.dtype,
        identity is not None,
        post,
        n_lifted=len(lifted),
    )
    return with_lifted(_single_output_fn(src, "reduce", env), lifted)


@numba_funcify.register(CAReduce)
def numba_funcify_CAReduce(op, node=None, **kwargs):
    out_dtype = node.outputs[0].type.dtype
    acc_dtype = getattr(op, "acc_dtype", None) or out_dtype
    scalar_op = op.scalar_op
    elem = None
    if isinstance(scalar_op, Composite):
        parts = fused_reduction_parts(scalar_op)
        if parts is None:
            raise NumbaTranslationMissing(f"reduction by {scalar_op}")
        scalar_op, elem = parts
    if np.dtype(acc_dtype).kind == "c" and not isinstance(
        scalar_op, (sops.Add, sops.Mul, MulWithoutZeros)
    ):
        raise NumbaTranslationMissing("complex reduction")
    post = None
    element_lines = None
    if isinstance(op, Mean):
        ndim = node.inputs[0].type.ndim
        axes = range(ndim) if op.axis is None else op.axis
        count = " * ".join(f"d{k}" for k in axes) or "1"
        post = [f"out = out / ({count})"]
        acc_dtype = out_dtype
    elif isinstance(scalar_op, (sops.AND, sops.OR)) and elem is None:
        acc_dtype = "bool"
        if node.inputs[0].type.dtype != "bool":
            element_lines = ["e = a0 != 0"]
    static = [tuple(node.inputs[0].type.shape)]
    return _reduce_fn(node, scalar_op, static, elem, acc_dtype, post, element_lines)


@numba_funcify.register(FusedCAReduce)
def numba_funcify_FusedCAReduce(op, node=None, **kwargs):
    out_dtype = node.outputs[0].type.dtype
    acc_dtype = op.acc_dtype or out_dtype
    parts = fused_reduction_parts(op.scalar_op)
    if parts is None:
        raise NumbaTranslationMissing(f"fused reduction by {op.scalar_op}")
    binop, elem = parts
    ndim = node.outputs[0].type.ndim + (
        len(op.axis) if op.axis is not None else node.inputs[0].type.ndim
    )
    if any(v.type.ndim != ndim for v in node.inputs):
        raise NumbaTranslationMissing("fused reduction inputs of different ranks")
    static = [tuple(v.type.shape) for v in node.inputs]
    return _reduce_fn(node, binop, static, elem, acc_dtype)


# ---------------------------------------------------------------------------
# Argmax, MaxAndArgmax
# ---------------------------------------------------------------------------


def _rows_lines(ndim: int, axis: tuple[int, ...] | None) -> tuple[list[str], str]:
    """Lines making ``rows``: ``x`` as (kept elements, reduced elements), C order.

    Returns the lines and the expression of the kept shape.
    """
    axes = tuple(range(ndim)) if axis is None else tuple(sorted(axis))
    kept = [k for k in range(ndim) if k not in axes]
    perm = kept + list(axes)
    lines = []
    if perm != list(range(ndim)):
        lines.append(f"xt = {view_expr('x', perm)}")
    else:
        lines.append("xt = x")
    lines.append("xt = np.ascontiguousarray(xt)")
    nk = " * ".join(f"x.shape[{k}]" for k in kept) or "1"
    nr = " * ".join(f"x.shape[{k}]" for k in axes) or "1"
    lines.append(f"nk = {nk}")
    lines.append(f"nr = {nr}")
    lines.append("rows = xt.reshape((nk, nr))")
    kept_shape = _tuple([f"x.shape[{k}]" for k in kept])
    return lines, kept_shape


def _argmax_src(ndim, axis, out_dtype, with_max):
    lines, kept_shape = _rows_lines(ndim, axis)
    lines += [
        "if nr == 0:",
        "    raise ValueError('attempt to get argmax of an empty sequence')",
        "idx = np.empty(nk, dtype=np.int64)",
    ]
    if with_max:
        lines.append(f"mx = np.empty(nk, dtype=np.{out_dtype})")
    lines += [
        "for r in range(nk):",
        "    best = rows[r, 0]",
        "    bi = 0",
        "    if best == best:",
        "        for c in range(1, nr):",
        "            v = rows[r, c]",
        "            if v > best or v != v:",
        "                best = v",
        "                bi = c",
        "                if v != v:",
        "                    break",
        "    idx[r] = bi",
    ]
    if with_max:
        lines.append("    mx[r] = best")
        ret = f"(mx.reshape({kept_shape}), idx.reshape({kept_shape}))"
    else:
        ret = f"idx.reshape({kept_shape})"
    src = "def argmax(x):\n" + "".join(f"    {line}\n" for line in lines)
    src += f"    return {ret}\n"
    return src


@numba_funcify.register(Argmax)
def numba_funcify_Argmax(op, node=None, **kwargs):
    if node.inputs[0].type.dtype[0] == "c":
        raise NumbaTranslationMissing("argmax of complex numbers")
    src = _argmax_src(node.inputs[0].type.ndim, op.axis, None, False)
    return _single_output_fn(src, "argmax")


@numba_funcify.register(MaxAndArgmax)
def numba_funcify_MaxAndArgmax(op, node=None, **kwargs):
    if node.inputs[0].type.dtype[0] == "c":
        raise NumbaTranslationMissing("argmax of complex numbers")
    src = _argmax_src(
        node.inputs[0].type.ndim, op.axis, node.outputs[0].type.dtype, True
    )
    return _single_output_fn(src, "argmax")


# ---------------------------------------------------------------------------
# Softmax family
# ---------------------------------------------------------------------------


def _axis_rows(ndim: int, axis: int | None, names: list[str]) -> tuple[list[str], str]:
    """Lines viewing each of ``names`` as contiguous rows along ``axis``.

    Returns the lines and the expression turning ``out_rows`` back into the
    input layout (as ``res``).
    """
    if axis is None:
        lines = [
            f"{n}r = np.ascontiguousarray({n}).reshape((1, {n}.size))" for n in names
        ]
        back = f"res = out_rows.reshape({names[0]}.shape)"
        return lines, back
    axis = axis % ndim if ndim else 0
    perm = [k for k in range(ndim) if k != axis] + [axis]
    inverse = [perm.index(k) for k in range(ndim)]
    lines = []
    for n in names:
        lines.append(f"{n}t = np.ascontiguousarray({view_expr(n, perm)})")
        lines.append(
            f"{n}r = {n}t.reshape(({n}.size // max({n}.shape[{axis}], 1), {n}.shape[{axis}]))"
        )
    back = (
        f"shaped = out_rows.reshape({names[0]}t.shape)\n"
        f"    res = np.ascontiguousarray({view_expr('shaped', inverse)})"
    )
    return lines, back


def _softmax_like(node, axis, kind):
    ndim = node.inputs[0].type.ndim
    if ndim == 0:
        raise NumbaTranslationMissing("softmax of a 0-d tensor")
    dtype = node.outputs[0].type.dtype
    names = ["x"] if kind != "grad" else ["dy", "sm"]
    lines, back = _axis_rows(ndim, axis, names)
    first = names[0]
    lines.append(f"out_rows = np.empty({first}r.shape, dtype=np.{dtype})")
    lines.append(f"for r in range({first}r.shape[0]):")
    if kind == "grad":
        lines += [
            "    s = 0.0",
            "    for c in range(dyr.shape[1]):",
            "        s += dyr[r, c] * smr[r, c]",
            "    for c in range(dyr.shape[1]):",
            "        out_rows[r, c] = (dyr[r, c] - s) * smr[r, c]",
        ]
    else:
        lines += [
            "    m = -np.inf",
            "    for c in range(xr.shape[1]):",
            "        v = xr[r, c]",
            "        if v > m or v != v:",
            "            m = v",
        ]
        if kind == "log":
            lines.append("    if not np.isfinite(m):")
            lines.append("        m = 0.0")
        lines += [
            "    s = 0.0",
            "    for c in range(xr.shape[1]):",
            "        s += np.exp(xr[r, c] - m)",
        ]
        if kind == "log":
            lines += [
                "    ls = np.log(s)",
                "    for c in range(xr.shape[1]):",
                "        out_rows[r, c] = (xr[r, c] - m) - ls",
            ]
        else:
            lines += [
                "    for c in range(xr.shape[1]):",
                "        out_rows[r, c] = np.exp(xr[r, c] - m) / s",
            ]
    lines.append(back)
    src = f"def softmax({', '.join(names)}):\n" + "".join(
        f"    {line}\n" for line in lines
    )
    src += "    return res\n"
    return _single_output_fn(src, "softmax")


@numba_funcify.register(Softmax)
def numba_funcify_Softmax(op, node=None, **kwargs):
    return _softmax_like(node, op.axis, "softmax")


@numba_funcify.register(LogSoftmax)
def numba_funcify_LogSoftmax(op, node=None, **kwargs):
    return _softmax_like(node, op.axis, "log")


@numba_funcify.register(SoftmaxGrad)
def numba_funcify_SoftmaxGrad(op, node=None, **kwargs):
    if node.inputs[0].type.shape != node.inputs[1].type.shape and (
        node.inputs[0].type.ndim != node.inputs[1].type.ndim
    ):
        raise NumbaTranslationMissing("SoftmaxGrad of different ranks")
    return _softmax_like(node, op.axis, "grad")
