"""Indexing in Numba: basic, advanced and along-axis selection.

``Subtensor``/``IncSubtensor`` (integers and slices), ``AdvancedSubtensor1``
and ``AdvancedIncSubtensor1`` (an integer vector on the first axis),
``AdvancedSubtensor``/``AdvancedIncSubtensor`` (NumPy's general indexing:
integer arrays, boolean masks, slices and ``None``), ``TakeAlongAxis``,
``Choose`` and ``MakeSlice``. Slices travel as Numba slice objects; Numba
cannot hand them to object mode, so constant slices of an untranslated
node stay on the Python side. Not translated: indexing by a 0-d boolean.

General indexing is written out as loops over the result: Numba's own
fancy indexing accepts a single index array only. Out-of-range indices
raise ``IndexError`` and values that do not broadcast ``ValueError``, as
in the Python backend; repeated indices accumulate increments (like
``np.add.at``) unless the op ignores duplicates (NumPy's ``x[i] += y``),
and when setting the last value wins.
"""

from __future__ import annotations

from numba import types as nbtypes

from aesara.graph.type import Type
from aesara.link.numba.dispatch.basic import (
    NumbaTranslationMissing,
    numba_funcify,
    numba_output_converter,
    numba_type,
)
from aesara.link.numba.dispatch.tensor_basic import (
    _assign_lines,
    _body,
    _fn,
    _scalar_of,
    _tuple,
)
from aesara.tensor._construct import Choose, TakeAlongAxis
from aesara.tensor.subtensor import IncSubtensor, Subtensor
from aesara.tensor.subtensor_advanced import (
    AdvancedIncSubtensor,
    AdvancedIncSubtensor1,
    AdvancedSubtensor,
    AdvancedSubtensor1,
)
from aesara.tensor.type_other import MakeSlice, NoneTypeT, SliceType


@numba_type.register(SliceType)
def _numba_type_slice(aesara_type: SliceType, layout: str = "A") -> nbtypes.Type:
    # Slices reach compiled code as Numba slice objects (constants of the
    # graph are passed as arguments, so this is how they travel).
    return nbtypes.slice3_type


@numba_output_converter.register(SliceType)
def _slice_output_converter(t: SliceType):
    return lambda value: value


@numba_funcify.register(MakeSlice)
def numba_funcify_MakeSlice(op, node=None, **kwargs):
    parts = []
    for v, name in zip(node.inputs, ("a", "b", "c")):
        if isinstance(v.type, NoneTypeT):
            parts.append("None")
        else:
            parts.append(f"np.int64({_scalar_of(v, name)})")
    src = f"def make_slice(a, b, c):\n    return slice({', '.join(parts)})\n"
    return _fn(src, "make_slice")


def broadcast_lines(
    arrays: list[tuple[str, int]], ndim: int, prefix: str, exc: str, msg: str
) -> list[str]:
    """Lines computing the broadcast shape ``{prefix}0..{prefix}{ndim-1}`` of ``arrays``.

    ``arrays`` holds ``(name, ndim)`` pairs, aligned on their last axes as
    NumPy does; shapes that do not broadcast raise ``exc(msg)``.
    """
    lines = [f"{prefix}{d} = 1" for d in range(ndim)]
    for name, nd in arrays:
        for i in range(nd):
            d = ndim - nd + i
            lines += [
                f"if {name}.shape[{i}] != 1:",
                f"    if {prefix}{d} != 1 and {prefix}{d} != {name}.shape[{i}]:",
                f"        raise {exc}({msg!r})",
                f"    {prefix}{d} = {name}.shape[{i}]",
            ]
    return lines


def broadcast_read(name: str, nd: int, loop_vars: list[str]) -> str:
    """``name[...]`` read at the broadcast position ``loop_vars`` (right-aligned).

    Axes of length 1 are read at 0; a 0-d array is read with ``[()]``.
    """
    if nd == 0:
        return f"{name}[()]"
    own = loop_vars[len(loop_vars) - nd :]
    parts = [f"({v} if {name}.shape[{i}] != 1 else 0)" for i, v in enumerate(own)]
    return f"{name}[{', '.join(parts)}{',' if nd == 1 else ''}]"


def loop_nest(sizes: list[str], names: list[str]) -> tuple[list[str], str]:
    """Nested ``for`` headers over ``sizes`` and the indentation of their body."""
    lines = []
    indent = ""
    for size, name in zip(sizes, names):
        lines.append(f"{indent}for {name} in range({size}):")
        indent += "    "
    return lines, indent


def index_expr(parts: list[str]) -> str:
    """An index tuple written for ``a[...]``: ``()`` for none, ``i,`` for one."""
    if not parts:
        return "()"
    return ", ".join(parts) + ("," if len(parts) == 1 else "")


# ---------------------------------------------------------------------------
# Basic indexing
# ---------------------------------------------------------------------------


def _index_source(
    idx_list: tuple, index_inputs: list, names: list[str]
) -> tuple[list[str], list[str]]:
    """The index expression parts of ``idx_list`` and the bounds checks of its integers."""
    pos = 0
    parts = []
    checks = []

    def take(entry):
        nonlocal pos
        if entry is None:
            return ""
        if isinstance(entry, Type):
            expr = f"np.int64({_scalar_of(index_inputs[pos], names[pos])})"
            pos += 1
            return expr
        return str(int(entry))

    for d, entry in enumerate(idx_list):
        if isinstance(entry, slice):
            start, stop, step = take(entry.start), take(entry.stop), take(entry.step)
            if step:
                checks.append(f"if {step} == 0:")
                checks.append("    raise ValueError('slice step cannot be zero')")
            parts.append(f"{start}:{stop}" + (f":{step}" if step else ""))
        else:
            expr = take(entry)
            checks.append(f"if {expr} < -x.shape[{d}] or {expr} >= x.shape[{d}]:")
            checks.append(
                f"    raise IndexError('index out of bounds for dimension {d}')"
            )
            parts.append(expr)
    return parts, checks


@numba_funcify.register(Subtensor)
def numba_funcify_Subtensor(op, node=None, **kwargs):
    x, *idx = node.inputs
    names = [f"i{k}" for k in range(len(idx))]
    parts, checks = _index_source(op.idx_list, idx, names)
    index = ", ".join(parts) if parts else "..."
    if len(parts) == 1 and parts[0] and ":" not in parts[0]:
        index += ","
    lines = list(checks)
    if node.outputs[0].type.ndim == 0:
        lines.append(f"return np.asarray(x[{index}])")
    else:
        lines.append(f"return x[{index}]")
    args = ", ".join(["x", *names])
    return _fn(f"def subtensor({args}):\n" + _body(lines), "subtensor")


@numba_funcify.register(IncSubtensor)
def numba_funcify_IncSubtensor(op, node=None, **kwargs):
    x, y, *idx = node.inputs
    names = [f"i{k}" for k in range(len(idx))]
    parts, checks = _index_source(op.idx_list, idx, names)
    index = ", ".join(parts) if parts else "..."
    if len(parts) == 1 and parts[0] and ":" not in parts[0]:
        index += ","
    lines = list(checks)
    lines.append("z = x" if op.inplace else "z = x.copy()")
    out_ndim = x.type.ndim - sum(1 for e in op.idx_list if not isinstance(e, slice))
    yv = "y[()]" if y.type.ndim == 0 else "y"
    if out_ndim == 0:
        if op.set_instead_of_inc:
            lines.append(f"z[{index}] = {yv}")
        else:
            lines.append(f"z[{index}] += {yv}")
    else:
        lines.append(f"v = z[{index}]")
        if y.type.ndim > out_ndim:
            raise NumbaTranslationMissing("IncSubtensor value of higher rank")
        lines += _assign_lines(
            "v", "y", out_ndim, y.type.ndim, not op.set_instead_of_inc
        )
    lines.append("return z")
    args = ", ".join(["x", "y", *names])
    return _fn(f"def inc_subtensor({args}):\n" + _body(lines), "inc_subtensor")


@numba_funcify.register(AdvancedSubtensor1)
def numba_funcify_AdvancedSubtensor1(op, node=None, **kwargs):
    x, i = node.inputs
    ndim = x.type.ndim
    if ndim == 0 or i.type.ndim != 1 or i.type.dtype[0] not in "iu":
        raise NumbaTranslationMissing(f"AdvancedSubtensor1 of {x.type} by {i.type}")
    dtype = node.outputs[0].type.dtype
    dims = ["i.shape[0]"] + [f"x.shape[{k}]" for k in range(1, ndim)]
    lines = [
        "n = x.shape[0]",
        f"out = np.empty({_tuple(dims)}, dtype=np.{dtype})",
        "for k in range(i.shape[0]):",
        "    j = np.int64(i[k])",
        "    if j < -n or j >= n:",
        "        raise IndexError('index out of bounds for axis 0')",
        "    if j < 0:",
        "        j += n",
    ]
    indent = "    "
    for k in range(1, ndim):
        lines.append(f"{indent}for j{k} in range(x.shape[{k}]):")
        indent += "    "
    rest = "".join(f", j{k}" for k in range(1, ndim))
    lines.append(f"{indent}out[k{rest}] = x[j{rest}]")
    lines.append("return out")
    return _fn("def advanced_subtensor1(x, i):\n" + _body(lines), "advanced_subtensor1")


@numba_funcify.register(AdvancedIncSubtensor1)
def numba_funcify_AdvancedIncSubtensor1(op, node=None, **kwargs):
    x, y, i = node.inputs
    ndim = x.type.ndim
    if i.type.dtype[0] not in "iu":
        raise NumbaTranslationMissing(f"{op} indexed by {i.type}")
    region = ["i.shape[0]"] + [f"x.shape[{k}]" for k in range(1, ndim)]
    lines = ["z = x" if op.inplace else "z = x.copy()", "n = z.shape[0]"]
    # ``y`` broadcasts against the region ``(len(i), *x.shape[1:])``.
    for k in range(y.type.ndim):
        r = region[ndim - y.type.ndim + k]
        lines += [
            f"if y.shape[{k}] != 1 and y.shape[{k}] != {r}:",
            "    raise ValueError('cannot broadcast the value to the indexed region')",
        ]
    lines += [
        "for k in range(i.shape[0]):",
        "    j = np.int64(i[k])",
        "    if j < -n or j >= n:",
        "        raise IndexError('index out of bounds for axis 0')",
        "    if j < 0:",
        "        j += n",
    ]
    names = [f"j{k}" for k in range(1, ndim)]
    nest, indent = loop_nest(region[1:], names)
    lines += ["    " + line for line in nest]
    dst = index_expr(["j", *names])
    src = broadcast_read("y", y.type.ndim, ["k", *names])
    assign = "=" if op.set_instead_of_inc else "+="
    lines.append(f"    {indent}z[{dst}] {assign} {src}")
    lines.append("return z")
    return _fn(
        "def advanced_inc_subtensor1(x, y, i):\n" + _body(lines),
        "advanced_inc_subtensor1",
    )


@numba_funcify.register(TakeAlongAxis)
def numba_funcify_TakeAlongAxis(op, node=None, **kwargs):
    arr, idx = node.inputs
    ndim = arr.type.ndim
    ax = op.axis % ndim
    dtype = node.outputs[0].type.dtype
    lines = [f"n = arr.shape[{ax}]"]
    sizes = []
    for d in range(ndim):
        if d == ax:
            sizes.append(f"idx.shape[{d}]")
            continue
        lines += [
            f"s{d} = arr.shape[{d}] if arr.shape[{d}] != 1 else idx.shape[{d}]",
            f"if idx.shape[{d}] != 1 and idx.shape[{d}] != s{d}:",
            "    raise ValueError('take_along_axis: shapes do not broadcast')",
        ]
        sizes.append(f"s{d}")
    lines.append(f"out = np.empty({_tuple(sizes)}, dtype=np.{dtype})")
    names = [f"j{d}" for d in range(ndim)]
    nest, indent = loop_nest(sizes, names)
    lines += nest
    lines += [
        f"{indent}q = np.int64({broadcast_read('idx', ndim, names)})",
        f"{indent}if q < -n or q >= n:",
        f"{indent}    raise IndexError('take_along_axis: index out of bounds')",
        f"{indent}if q < 0:",
        f"{indent}    q += n",
    ]
    src = [
        "q" if d == ax else f"({names[d]} if arr.shape[{d}] != 1 else 0)"
        for d in range(ndim)
    ]
    lines.append(f"{indent}out[{index_expr(names)}] = arr[{index_expr(src)}]")
    lines.append("return out")
    return _fn("def take_along_axis(arr, idx):\n" + _body(lines), "take_along_axis")


@numba_funcify.register(Choose)
def numba_funcify_Choose(op, node=None, **kwargs):
    a, choices = node.inputs
    out_nd = node.outputs[0].type.ndim
    dtype = node.outputs[0].type.dtype
    # ``choices[k]`` (one axis fewer) broadcast with ``a``.
    lines = ["nc = choices.shape[0]"]
    lines += broadcast_lines(
        [("a", a.type.ndim)], out_nd, "bs", "ValueError", "choose: shape mismatch"
    )
    cn = choices.type.ndim - 1
    for i in range(cn):
        d = out_nd - cn + i
        lines += [
            f"if choices.shape[{i + 1}] != 1:",
            f"    if bs{d} != 1 and bs{d} != choices.shape[{i + 1}]:",
            "        raise ValueError('choose: shape mismatch: objects cannot be "
            "broadcast to a single shape')",
            f"    bs{d} = choices.shape[{i + 1}]",
        ]
    sizes = [f"bs{d}" for d in range(out_nd)]
    lines.append(f"out = np.empty({_tuple(sizes)}, dtype=np.{dtype})")
    names = [f"j{d}" for d in range(out_nd)]
    nest, indent = loop_nest(sizes, names)
    lines += nest
    lines.append(f"{indent}q = np.int64({broadcast_read('a', a.type.ndim, names)})")
    if op.mode == "raise":
        lines += [
            f"{indent}if q < 0 or q >= nc:",
            f"{indent}    raise ValueError('choose: invalid entry in choice array')",
        ]
    elif op.mode == "wrap":
        lines.append(f"{indent}q = q % nc")
    else:
        lines.append(f"{indent}q = min(max(q, 0), nc - 1)")
    own = names[out_nd - cn :]
    parts = ["q"] + [
        f"({v} if choices.shape[{i + 1}] != 1 else 0)" for i, v in enumerate(own)
    ]
    lines.append(f"{indent}out[{index_expr(names)}] = choices[{index_expr(parts)}]")
    lines.append("return out")
    return _fn("def choose(a, choices):\n" + _body(lines), "choose")


def _advanced_plan(x, index: list) -> dict:
    """How a general index maps the axes of ``x`` to the result's axes.

    Returns the setup lines (slices turned into index vectors, masks into
    their nonzero coordinates, the broadcast advanced indices flattened
    into ``ix<k>``), the result's axis sizes and loop names, and the
    expression reading ``x`` at each position of the result.
    """
    ndim = x.type.ndim
    lines: list[str] = []
    basic: list[tuple[int, str, str, str]] = []  # (entry pos, size, loop, src)
    adv: list[tuple[str, int, int]] = []  # (array name, its ndim, x axis)
    adv_pos: list[int] = []
    src: list[str] = [""] * ndim
    d = 0
    for pos, v in enumerate(index):
        name = f"e{pos}"
        if isinstance(v.type, NoneTypeT):
            basic.append((pos, "1", f"g{pos}", ""))
        elif isinstance(v.type, SliceType):
            lines.append(f"sl{pos} = np.arange(x.shape[{d}])[{name}]")
            basic.append((pos, f"sl{pos}.shape[0]", f"g{pos}", ""))
            src[d] = f"sl{pos}[g{pos}]"
            d += 1
        elif v.type.dtype == "bool":
            k = v.type.ndim
            if k == 0:
                raise NumbaTranslationMissing("indexing by a 0-d boolean")
            for i in range(k):
                lines += [
                    f"if {name}.shape[{i}] != x.shape[{d + i}]:",
                    "    raise IndexError('boolean index did not match the indexed "
                    "array along its dimension')",
                ]
            lines.append(f"nz{pos} = np.nonzero({name})")
            for i in range(k):
                lines.append(f"nz{pos}_{i} = nz{pos}[{i}]")
                adv.append((f"nz{pos}_{i}", 1, d + i))
            adv_pos.append(pos)
            d += k
        else:
            adv.append((name, v.type.ndim, d))
            adv_pos.append(pos)
            d += 1
    for rest in range(d, ndim):
        basic.append(
            (len(index) + rest, f"x.shape[{rest}]", f"g{len(index) + rest}", "")
        )
        src[rest] = f"g{len(index) + rest}"
    b_nd = max((nd for _, nd, _ in adv), default=0)
    lines += broadcast_lines(
        [(a, nd) for a, nd, _ in adv],
        b_nd,
        "bs",
        "IndexError",
        "shape mismatch: indexing arrays could not be broadcast together",
    )
    b_sizes = [f"bs{k}" for k in range(b_nd)]
    b_names = [f"b{k}" for k in range(b_nd)]
    lines.append("nb = 1" + "".join(f" * bs{k}" for k in range(b_nd)))
    for k in range(len(adv)):
        lines.append(f"ix{k} = np.empty(nb, dtype=np.int64)")
    if adv:
        lines.append("t = 0")
        nest, indent = loop_nest(b_sizes, b_names)
        lines += nest
        for k, (a, nd, ax) in enumerate(adv):
            lines += [
                f"{indent}q = np.int64({broadcast_read(a, nd, b_names)})",
                f"{indent}if q < -x.shape[{ax}] or q >= x.shape[{ax}]:",
                f"{indent}    raise IndexError('index out of bounds for axis {ax}')",
                f"{indent}if q < 0:",
                f"{indent}    q += x.shape[{ax}]",
                f"{indent}ix{k}[t] = q",
            ]
        lines.append(f"{indent}t += 1")
    # Flat position in the broadcast advanced shape of the loop variables.
    flat = "0"
    for k in range(b_nd):
        flat = f"({flat}) * bs{k} + b{k}" if k else "b0"
    for k, (_, _, ax) in enumerate(adv):
        src[ax] = f"ix{k}[{flat}]"
    # NumPy's placement: adjacent advanced entries replace themselves,
    # otherwise their broadcast axes come first.
    adjacent = bool(adv_pos) and adv_pos == list(
        range(adv_pos[0], adv_pos[0] + len(adv_pos))
    )
    sizes: list[str] = []
    names: list[str] = []
    placed = False
    if adv and not adjacent:
        sizes += b_sizes
        names += b_names
        placed = True
    for pos, size, loop, _ in sorted(basic):
        if adv and not placed and pos > adv_pos[0]:
            sizes += b_sizes
            names += b_names
            placed = True
        sizes.append(size)
        names.append(loop)
    if adv and not placed:
        sizes += b_sizes
        names += b_names
    return {
        "lines": lines,
        "sizes": sizes,
        "names": names,
        "src": index_expr(src),
    }


def _check_advanced_index(op, node, index):
    x = node.inputs[0]
    if x.type.ndim == 0:
        raise NumbaTranslationMissing(f"{op} of a 0-d tensor")
    for v in index:
        if not isinstance(v.type, (NoneTypeT, SliceType)) and (
            v.type.dtype[0] not in "iub"
        ):
            raise NumbaTranslationMissing(f"{op} indexed by {v.type}")


@numba_funcify.register(AdvancedSubtensor)
def numba_funcify_AdvancedSubtensor(op, node=None, **kwargs):
    x, *index = node.inputs
    _check_advanced_index(op, node, index)
    plan = _advanced_plan(x, index)
    dtype = node.outputs[0].type.dtype
    lines = list(plan["lines"])
    lines.append(f"out = np.empty({_tuple(plan['sizes'])}, dtype=np.{dtype})")
    nest, indent = loop_nest(plan["sizes"], plan["names"])
    lines += nest
    lines.append(f"{indent}out[{index_expr(plan['names'])}] = x[{plan['src']}]")
    lines.append("return out")
    args = ", ".join(["x", *(f"e{k}" for k in range(len(index)))])
    return _fn(
        f"def advanced_subtensor({args}):\n" + _body(lines), "advanced_subtensor"
    )


@numba_funcify.register(AdvancedIncSubtensor)
def numba_funcify_AdvancedIncSubtensor(op, node=None, **kwargs):
    x, y, *index = node.inputs
    _check_advanced_index(op, node, index)
    plan = _advanced_plan(x, index)
    sizes, names = plan["sizes"], plan["names"]
    nd = len(sizes)
    if y.type.ndim > nd:
        raise NumbaTranslationMissing(f"{op} with a value of higher rank")
    # ``z`` has the shape of ``x``: the plan's ``x.shape`` stays valid.
    lines = ["z = x" if op.inplace else "z = x.copy()", *plan["lines"]]
    for k in range(y.type.ndim):
        lines += [
            f"if y.shape[{k}] != 1 and y.shape[{k}] != {sizes[nd - y.type.ndim + k]}:",
            "    raise ValueError('cannot broadcast the value to the indexed region')",
        ]
    nest, indent = loop_nest(sizes, names)
    val = broadcast_read("y", y.type.ndim, names)
    dst = plan["src"]
    if op.set_instead_of_inc:
        lines += nest + [f"{indent}z[{dst}] = {val}"]
    elif not op.ignore_duplicates:
        lines += nest + [f"{indent}z[{dst}] += {val}"]
    else:
        # NumPy's ``z[idx] += y``: every position reads the original values,
        # and a repeated position keeps the last write.
        dtype = x.type.dtype
        lines.append(f"tmp = np.empty({_tuple(sizes)}, dtype=np.{dtype})")
        lines += nest + [f"{indent}tmp[{index_expr(names)}] = z[{dst}] + {val}"]
        lines += nest + [f"{indent}z[{dst}] = tmp[{index_expr(names)}]"]
    lines.append("return z")
    args = ", ".join(["x", "y", *(f"e{k}" for k in range(len(index)))])
    return _fn(
        f"def advanced_inc_subtensor({args}):\n" + _body(lines),
        "advanced_inc_subtensor",
    )
