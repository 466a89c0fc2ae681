"""Tensor construction, shapes and joins in Numba.

``Alloc``/``AllocEmpty``, ``MakeVector``, ``ARange``, ``Eye``, ``Tri``,
``AllocDiag``/``ExtractDiag``, ``Nonzero``, ``Roll``, ``Default``,
``TensorFromScalar``/``ScalarFromTensor``, ``Shape``/``Shape_i``,
``SpecifyShape``, ``Reshape``, ``Unbroadcast``, ``Join``/``Split``,
``PermuteRowElements``, ``IfElse`` and ``CheckAndRaise``. Indexing lives in
:mod:`aesara.link.numba.dispatch.subtensor`. Views stay views (``Reshape``
of a contiguous array); run-time checks raise the exception type the
Python backend raises.
"""

from __future__ import annotations

from typing import Any

from aesara.ifelse import IfElse
from aesara.link.numba.dispatch.basic import (
    NumbaTranslationMissing,
    _single_output_fn,
    numba_funcify,
)
from aesara.raise_op import CheckAndRaise
from aesara.tensor._alloc_empty import AllocEmpty
from aesara.tensor._construct import (
    AllocDiag,
    ARange,
    Default,
    ExtractDiag,
    Eye,
    Nonzero,
    Tri,
)
from aesara.tensor._join import Join, Roll, Split
from aesara.tensor._permutation import PermuteRowElements
from aesara.tensor.basic import Alloc, MakeVector, ScalarFromTensor, TensorFromScalar
from aesara.tensor.shape import Reshape, Shape, Shape_i, SpecifyShape, Unbroadcast
from aesara.tensor.type import TensorType
from aesara.tensor.type_other import NoneTypeT


def _fn(src: str, name: str, env: dict | None = None):
    return _single_output_fn(src, name, env)


def _scalar_of(var, name: str) -> str:
    """The expression of ``name`` (a value of ``var``) as a Numba scalar."""
    if isinstance(var.type, TensorType):
        return f"{name}[()]"
    return name


def _tuple(items: list[str]) -> str:
    if not items:
        return "()"
    return "(" + ", ".join(items) + ("," if len(items) == 1 else "") + ")"


def _body(lines: list[str]) -> str:
    return "".join(f"    {line}\n" for line in lines)


def _assign_lines(
    dst: str, src: str, ndim: int, src_ndim: int, combine: bool
) -> list[str]:
    """A loop nest writing ``src`` (broadcast) into ``dst`` (``+=`` if ``combine``).

    Written out instead of ``dst[...] = src``, whose generic broadcasting
    setitem Numba compiles slowly.
    """
    lines = []
    off = ndim - src_ndim
    for k in range(src_ndim):
        lines.append(
            f"if {src}.shape[{k}] != 1 and {src}.shape[{k}] != {dst}.shape[{k + off}]:"
        )
        lines.append(
            "    raise ValueError('shape mismatch: the value cannot be broadcast')"
        )
        lines.append(f"b{k} = 1 if {src}.shape[{k}] != 1 else 0")
    indent = ""
    for k in range(ndim):
        lines.append(f"{indent}for j{k} in range({dst}.shape[{k}]):")
        indent += "    "
    d_idx = ", ".join(f"j{k}" for k in range(ndim)) or "()"
    s_idx = ", ".join(f"j{k + off} * b{k}" for k in range(src_ndim)) or "()"
    if ndim == 1:
        d_idx += ","
    if src_ndim == 1:
        s_idx += ","
    op = "+=" if combine else "="
    lines.append(f"{indent}{dst}[{d_idx}] {op} {src}[{s_idx}]")
    return lines


@numba_funcify.register(Shape)
def numba_funcify_Shape(op, node=None, **kwargs):
    ndim = node.inputs[0].type.ndim
    src = "def shape(x):\n"
    src += f"    out = np.empty({ndim}, dtype=np.int64)\n"
    for k in range(ndim):
        src += f"    out[{k}] = x.shape[{k}]\n"
    src += "    return out\n"
    return _fn(src, "shape")


@numba_funcify.register(Shape_i)
def numba_funcify_Shape_i(op, node=None, **kwargs):
    src = f"def shape_i(x):\n    return np.asarray(np.int64(x.shape[{int(op.i)}]))\n"
    return _fn(src, "shape_i")


@numba_funcify.register(SpecifyShape)
def numba_funcify_SpecifyShape(op, node=None, **kwargs):
    x, *shape = node.inputs
    args = ["x"] + [f"s{k}" for k in range(len(shape))]
    lines = []
    for k, s in enumerate(shape):
        if isinstance(s.type, NoneTypeT):
            continue
        lines.append(f"if x.shape[{k}] != {_scalar_of(s, f's{k}')}:")
        lines.append(
            "    raise AssertionError('SpecifyShape: the shape does not match')"
        )
    lines.append("return x")
    return _fn(
        f"def specify_shape({', '.join(args)}):\n" + _body(lines), "specify_shape"
    )


@numba_funcify.register(Unbroadcast)
def numba_funcify_Unbroadcast(op, node=None, **kwargs):
    return _fn("def unbroadcast(x):\n    return x\n", "unbroadcast")


@numba_funcify.register(Reshape)
def numba_funcify_Reshape(op, node=None, **kwargs):
    ndim = op.ndim
    items = [f"shp[{k}]" for k in range(ndim)]
    lines = [
        f"if shp.shape[0] != {ndim}:",
        "    raise ValueError('Reshape: the shape argument has the wrong length')",
        "xc = np.ascontiguousarray(x)",
        f"return xc.reshape({_tuple(items)})",
    ]
    return _fn("def reshape(x, shp):\n" + _body(lines), "reshape")


@numba_funcify.register(TensorFromScalar)
def numba_funcify_TensorFromScalar(op, node=None, **kwargs):
    dtype = node.outputs[0].type.dtype
    src = f"def tensor_from_scalar(x):\n    return np.asarray(np.{dtype}(x))\n"
    return _fn(src, "tensor_from_scalar")


@numba_funcify.register(ScalarFromTensor)
def numba_funcify_ScalarFromTensor(op, node=None, **kwargs):
    return _fn("def scalar_from_tensor(x):\n    return x[()]\n", "scalar_from_tensor")


@numba_funcify.register(MakeVector)
def numba_funcify_MakeVector(op, node=None, **kwargs):
    n = len(node.inputs)
    args = [f"x{i}" for i in range(n)]
    lines = [f"out = np.empty({n}, dtype=np.{op.dtype})"]
    for i, v in enumerate(node.inputs):
        lines.append(f"out[{i}] = {_scalar_of(v, f'x{i}')}")
    lines.append("return out")
    return _fn(f"def make_vector({', '.join(args)}):\n" + _body(lines), "make_vector")


@numba_funcify.register(Alloc)
def numba_funcify_Alloc(op, node=None, **kwargs):
    v, *shape = node.inputs
    dtype = node.outputs[0].type.dtype
    args = ["v"] + [f"s{k}" for k in range(len(shape))]
    dims = [f"np.int64({_scalar_of(s, f's{k}')})" for k, s in enumerate(shape)]
    lines = [f"out = np.empty({_tuple(dims)}, dtype=np.{dtype})"]
    if v.type.ndim == 0:
        lines.append("out[...] = v[()]")
    else:
        lines += _assign_lines("out", "v", len(shape), v.type.ndim, combine=False)
    lines.append("return out")
    return _fn(f"def alloc({', '.join(args)}):\n" + _body(lines), "alloc")


@numba_funcify.register(AllocEmpty)
def numba_funcify_AllocEmpty(op, node=None, **kwargs):
    args = [f"s{k}" for k in range(len(node.inputs))]
    dims = [f"np.int64({_scalar_of(s, f's{k}')})" for k, s in enumerate(node.inputs)]
    src = f"def alloc_empty({', '.join(args)}):\n"
    src += f"    return np.empty({_tuple(dims)}, dtype=np.{op.dtype})\n"
    return _fn(src, "alloc_empty")


@numba_funcify.register(ARange)
def numba_funcify_ARange(op, node=None, **kwargs):
    start, stop, step = (
        _scalar_of(v, name) for v, name in zip(node.inputs, ["a", "b", "c"])
    )
    lines = [
        f"if {step} == 0:",
        "    raise ValueError('arange: step must not be zero')",
        f"return np.arange({start}, {stop}, {step}).astype(np.{op.dtype})",
    ]
    return _fn("def arange(a, b, c):\n" + _body(lines), "arange")


@numba_funcify.register(Eye)
def numba_funcify_Eye(op, node=None, **kwargs):
    n, m, k = (_scalar_of(v, name) for v, name in zip(node.inputs, ["n", "m", "k"]))
    lines = [
        f"nn = np.int64({n})",
        f"mm = np.int64({m})",
        f"kk = np.int64({k})",
        "if nn < 0 or mm < 0:",
        "    raise ValueError('eye: sizes must be non-negative')",
        f"out = np.zeros((nn, mm), dtype=np.{op.dtype})",
        "for i in range(nn):",
        "    j = i + kk",
        "    if 0 <= j < mm:",
        "        out[i, j] = 1",
        "return out",
    ]
    return _fn("def eye(n, m, k):\n" + _body(lines), "eye")


@numba_funcify.register(Join)
def numba_funcify_Join(op, node=None, **kwargs):
    axis_var, *tensors = node.inputs
    ndim = node.outputs[0].type.ndim
    dtype = node.outputs[0].type.dtype
    if ndim == 0:
        raise NumbaTranslationMissing("Join of 0-d tensors")
    args = ["axis"] + [f"t{i}" for i in range(len(tensors))]
    lines = [
        f"ax = np.int64({_scalar_of(axis_var, 'axis')})",
        f"if ax < -{ndim} or ax >= {ndim}:",
        "    raise ValueError('Join: axis out of bounds')",
        f"if ax < 0:\n        ax += {ndim}",
        "total = 0",
    ]
    for i in range(len(tensors)):
        lines.append(f"total += t{i}.shape[ax]")
    lines.append("shp = t0.shape")
    for i in range(1, len(tensors)):
        lines.append(f"for d in range({ndim}):")
        lines.append(f"    if d != ax and t{i}.shape[d] != shp[d]:")
        lines.append(
            "        raise ValueError('Join: the arrays have different shapes')"
        )
    for a in range(ndim):
        dims = [("total" if d == a else f"shp[{d}]") for d in range(ndim)]
        lines.append(f"{'if' if a == 0 else 'elif'} ax == {a}:")
        lines.append(f"    out = np.empty({_tuple(dims)}, dtype=np.{dtype})")
        lines.append("    off = 0")
        for i in range(len(tensors)):
            idx = [":"] * ndim
            idx[a] = f"off:off + t{i}.shape[{a}]"
            lines.append(f"    dst = out[{', '.join(idx)}]")
            for line in _assign_lines("dst", f"t{i}", ndim, ndim, False):
                lines.append("    " + line)
            lines.append(f"    off += t{i}.shape[{a}]")
    lines.append("else:")
    lines.append(f"    out = np.empty({_tuple(['0'] * ndim)}, dtype=np.{dtype})")
    lines.append("return out")
    return _fn(f"def join({', '.join(args)}):\n" + _body(lines), "join")


@numba_funcify.register(Split)
def numba_funcify_Split(op, node=None, **kwargs):
    x, axis_var, splits = node.inputs
    ndim = x.type.ndim
    n = op.len_splits
    lines = [
        f"ax = np.int64({_scalar_of(axis_var, 'axis')})",
        f"if ax < -{ndim} or ax >= {ndim}:",
        "    raise ValueError('Split: axis out of bounds')",
        f"if ax < 0:\n        ax += {ndim}",
        f"if splits.shape[0] != {n}:",
        "    raise ValueError('Split: wrong number of split sizes')",
        "total = 0",
        f"for k in range({n}):",
        "    if splits[k] < 0:",
        "        raise ValueError('Split: split sizes must be non-negative')",
        "    total += splits[k]",
        "if total != x.shape[ax]:",
        "    raise ValueError('Split: the split sizes do not add up to the axis length')",
    ]
    outs = [f"o{k}" for k in range(n)]
    for a in range(ndim):
        if a == ndim - 1:
            lines.append("else:" if ndim > 1 else "if True:")
        else:
            lines.append(f"{'if' if a == 0 else 'elif'} ax == {a}:")
        lines.append("    off = 0")
        for k in range(n):
            idx = [":"] * ndim
            idx[a] = f"off:off + splits[{k}]"
            lines.append(f"    o{k} = x[{', '.join(idx)}]")
            lines.append(f"    off += splits[{k}]")
    lines.append(f"return {_tuple(outs) if n != 1 else outs[0]}")
    return _fn("def split(x, axis, splits):\n" + _body(lines), "split")


# ---------------------------------------------------------------------------
# Control
# ---------------------------------------------------------------------------


@numba_funcify.register(IfElse)
def numba_funcify_IfElse(op, node=None, **kwargs):
    n = op.n_outs
    cond = node.inputs[0]
    for a, b in zip(node.inputs[1 : 1 + n], node.inputs[1 + n :]):
        if a.type != b.type and (
            not isinstance(a.type, TensorType)
            or a.type.dtype != b.type.dtype
            or a.type.ndim != b.type.ndim
        ):
            raise NumbaTranslationMissing("IfElse branches of different types")
    ts = [f"t{k}" for k in range(n)]
    fs = [f"f{k}" for k in range(n)]
    copy = "" if op.as_view else ".copy()"

    def pick(names):
        vals = [
            f"{v}{copy}" if isinstance(var.type, TensorType) else v
            for v, var in zip(names, node.inputs[1 : 1 + n])
        ]
        return vals[0] if n == 1 else _tuple(vals)

    lines = [
        f"if {_scalar_of(cond, 'c')}:",
        f"    return {pick(ts)}",
        f"return {pick(fs)}",
    ]
    return _fn(f"def ifelse({', '.join(['c', *ts, *fs])}):\n" + _body(lines), "ifelse")


@numba_funcify.register(CheckAndRaise)
def numba_funcify_CheckAndRaise(op, node=None, **kwargs):
    x, *conds = node.inputs
    exc_type = op.exc_type
    if not (isinstance(exc_type, type) and issubclass(exc_type, Exception)):
        raise NumbaTranslationMissing(f"CheckAndRaise raising {exc_type!r}")
    env: dict[str, Any] = {"ExcType": exc_type, "MSG": str(op.msg)}
    args = ["x"] + [f"c{k}" for k in range(len(conds))]
    lines = []
    for k, c in enumerate(conds):
        lines.append(f"if not {_scalar_of(c, f'c{k}')}:")
        lines.append("    raise ExcType(MSG)")
    lines.append("return x")
    return _fn(
        f"def check_and_raise({', '.join(args)}):\n" + _body(lines),
        "check_and_raise",
        env,
    )


# ---------------------------------------------------------------------------
# More construction and indexing
# ---------------------------------------------------------------------------


@numba_funcify.register(Tri)
def numba_funcify_Tri(op, node=None, **kwargs):
    n, m, k = (_scalar_of(v, name) for v, name in zip(node.inputs, ["n", "m", "k"]))
    lines = [
        f"nn = np.int64({n})",
        f"mm = np.int64({m})",
        f"kk = np.int64({k})",
        "if nn < 0 or mm < 0:",
        "    raise ValueError('tri: sizes must be non-negative')",
        f"out = np.zeros((nn, mm), dtype=np.{op.dtype})",
        "for i in range(nn):",
        "    for j in range(min(mm, max(i + kk + 1, 0))):",
        "        out[i, j] = 1",
        "return out",
    ]
    return _fn("def tri(n, m, k):\n" + _body(lines), "tri")


@numba_funcify.register(Nonzero)
def numba_funcify_Nonzero(op, node=None, **kwargs):
    ndim = node.inputs[0].type.ndim
    if ndim == 0:
        raise NumbaTranslationMissing("nonzero of a 0-d tensor")
    lines = [
        "flat = np.ascontiguousarray(a).reshape(a.size)",
        "count = 0",
        "for k in range(a.size):",
        "    if flat[k] != 0:",
        "        count += 1",
        f"out = np.empty(({ndim}, count), dtype=np.int64)",
        "c = 0",
        "for k in range(a.size):",
        "    if flat[k] != 0:",
        "        rest = k",
    ]
    for d in range(ndim - 1, -1, -1):
        lines.append(f"        out[{d}, c] = rest % a.shape[{d}]")
        lines.append(f"        rest = rest // a.shape[{d}]")
    lines += ["        c += 1", "return out"]
    return _fn("def nonzero(a):\n" + _body(lines), "nonzero")


@numba_funcify.register(ExtractDiag)
def numba_funcify_ExtractDiag(op, node=None, **kwargs):
    x = node.inputs[0]
    if x.type.ndim != 2 or (op.axis1, op.axis2) not in ((0, 1), (1, 0)):
        raise NumbaTranslationMissing(f"{op} of a {x.type}")
    dtype = node.outputs[0].type.dtype
    off = int(op.offset) if (op.axis1, op.axis2) == (0, 1) else -int(op.offset)
    lines = [
        f"r0 = {max(-off, 0)}",
        f"c0 = {max(off, 0)}",
        "n = max(min(x.shape[0] - r0, x.shape[1] - c0), 0)",
        f"out = np.empty(n, dtype=np.{dtype})",
        "for i in range(n):",
        "    out[i] = x[r0 + i, c0 + i]",
        "return out",
    ]
    return _fn("def extract_diag(x):\n" + _body(lines), "extract_diag")


@numba_funcify.register(AllocDiag)
def numba_funcify_AllocDiag(op, node=None, **kwargs):
    v = node.inputs[0]
    nd = node.outputs[0].type.ndim
    a1, a2 = op.axis1 % nd, op.axis2 % nd
    off = int(op.offset)
    dtype = node.outputs[0].type.dtype
    lead = v.type.ndim - 1
    # The leading axes of ``v`` fill the result's axes other than a1, a2.
    others = [k for k in range(nd) if k not in (a1, a2)]
    dims = [""] * nd
    dims[a1] = dims[a2] = "size"
    idx = [""] * nd
    idx[a1] = f"i + {max(0, -off)}"
    idx[a2] = f"i + {max(0, off)}"
    for j, k in enumerate(others):
        dims[k] = f"v.shape[{j}]"
        idx[k] = f"j{j}"
    lines = [
        f"n = v.shape[{lead}]",
        f"size = n + {abs(off)}",
        f"out = np.zeros({_tuple(dims)}, dtype=np.{dtype})",
    ]
    indent = ""
    for j in range(lead):
        lines.append(f"{indent}for j{j} in range(v.shape[{j}]):")
        indent += "    "
    src = ", ".join([*(f"j{j}" for j in range(lead)), "i"])
    src += "," if lead == 0 else ""
    lines += [
        f"{indent}for i in range(n):",
        f"{indent}    out[{', '.join(idx)}] = v[{src}]",
        "return out",
    ]
    return _fn("def alloc_diag(v):\n" + _body(lines), "alloc_diag")


@numba_funcify.register(Default)
def numba_funcify_Default(op, node=None, **kwargs):
    # A tensor input is never ``None`` in compiled code: the default is unused.
    return _fn("def default(x, d):\n    return x\n", "default")


@numba_funcify.register(PermuteRowElements)
def numba_funcify_PermuteRowElements(op, node=None, **kwargs):
    x, y = node.inputs
    nx, ny = x.type.ndim, y.type.ndim
    nd = node.outputs[0].type.ndim
    dtype = node.outputs[0].type.dtype
    lines = [
        f"n = y.shape[{ny - 1}]",
        f"if x.shape[{nx - 1}] != n:",
        "    raise ValueError('PermuteRowElements: the last axis of x and the "
        "permutations in y have different lengths')",
    ]
    # The leading axes broadcast, NumPy style.
    for d in range(nd - 1):
        lines.append(f"bs{d} = 1")
        for name, k in (("x", nx), ("y", ny)):
            a = d - (nd - k)
            if a < 0:
                continue
            lines += [
                f"if {name}.shape[{a}] != 1:",
                f"    if bs{d} != 1 and bs{d} != {name}.shape[{a}]:",
                "        raise ValueError('PermuteRowElements: shape mismatch: "
                "objects cannot be broadcast')",
                f"    bs{d} = {name}.shape[{a}]",
            ]
    sizes = [f"bs{d}" for d in range(nd - 1)] + ["n"]
    lines += [
        f"out = np.empty({_tuple(sizes)}, dtype=np.{dtype})",
        "seen = np.zeros(n, dtype=np.bool_)",
    ]
    indent = ""
    for d in range(nd - 1):
        lines.append(f"{indent}for j{d} in range(bs{d}):")
        indent += "    "

    def read(name, k, last):
        lead = [
            f"(j{d} if {name}.shape[{d - (nd - k)}] != 1 else 0)"
            for d in range(nd - k, nd - 1)
        ]
        return f"{name}[{', '.join([*lead, last])}{',' if k == 1 else ''}]"

    out_lead = "".join(f"j{d}, " for d in range(nd - 1))
    lines += [
        f"{indent}seen[:] = False",
        f"{indent}for k in range(n):",
        f"{indent}    p = np.int64({read('y', ny, 'k')})",
        f"{indent}    if p < 0 or p >= n or seen[p]:",
        f"{indent}        raise ValueError('PermuteRowElements: every row of y must "
        "be a permutation')",
        f"{indent}    seen[p] = True",
    ]
    if op.inverse:
        lines.append(f"{indent}    out[{out_lead}p] = {read('x', nx, 'k')}")
    else:
        lines.append(f"{indent}    out[{out_lead}k] = {read('x', nx, 'p')}")
    lines.append("return out")
    return _fn(
        "def permute_row_elements(x, y):\n" + _body(lines), "permute_row_elements"
    )


@numba_funcify.register(Roll)
def numba_funcify_Roll(op, node=None, **kwargs):
    x = node.inputs[0]
    ndim = x.type.ndim
    if ndim == 0:
        raise NumbaTranslationMissing("roll of a 0-d tensor")
    axes = [a % ndim for a in op.axes]
    dtype = node.outputs[0].type.dtype
    lines = [
        f"if shifts.shape[0] != {len(axes)}:",
        "    raise ValueError('Roll: wrong number of shifts')",
    ]
    # Shifts of one axis add up (np.roll does the same).
    for d in range(ndim):
        lines.append(f"sh{d} = 0")
    for k, a in enumerate(axes):
        lines.append(f"sh{a} += np.int64(shifts[{k}])")
    for d in range(ndim):
        lines.append(f"n{d} = x.shape[{d}]")
        lines.append(f"if n{d} > 0:")
        lines.append(f"    sh{d} = sh{d} % n{d}")
    lines.append(f"out = np.empty(x.shape, dtype=np.{dtype})")
    indent = ""
    for d in range(ndim):
        lines.append(f"{indent}for j{d} in range(n{d}):")
        indent += "    "
    src_idx = []
    for d in range(ndim):
        lines.append(f"{indent}s{d} = j{d} - sh{d}")
        lines.append(f"{indent}if s{d} < 0:")
        lines.append(f"{indent}    s{d} += n{d}")
        src_idx.append(f"s{d}")
    dst = ", ".join(f"j{d}" for d in range(ndim)) + ("," if ndim == 1 else "")
    lines.append(
        f"{indent}out[{dst}] = x[{', '.join(src_idx)}{',' if ndim == 1 else ''}]"
    )
    lines.append("return out")
    return _fn("def roll(x, shifts):\n" + _body(lines), "roll")
