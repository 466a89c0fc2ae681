"""Random graph generators for the multi-output fuzz tests.

:func:`random_graph` builds one random tensor graph with several outputs
from a seed: element-wise math, comparisons and ``switch``, casts,
reductions, broadcasting between ranks, transposes, slices, ``dot``,
``set_subtensor``/``inc_subtensor``, shapes used as values and the gradient
of a scalar cost built from the outputs. Every intermediate expression is a
:class:`Term` that knows its run-time shape and a bound on its values, so
the graph is valid for the input shapes it is built for and its values stay
in a range where float64 results can be compared tightly.

:func:`random_composite` builds a random multi-output
:class:`aesara.scalar.Composite` whose later outputs reuse its inputs and
earlier outputs, and :func:`legal_inplace_patterns` lists every
``inplace_pattern`` an :class:`~aesara.tensor.elemwise.Elemwise` of it can
take.

Two kinds of discontinuity would make two correct evaluations disagree:
a comparison or float-to-int cast of a value sitting exactly on the
threshold (a value that is an exact constant mathematically but computed in
a different order by the two modes), and the gradient of ``max`` at ties
(the same value computed twice may differ in the last bit). The generator
keeps them out: thresholds are constants no structural value can equal
(``0.37``...), float-to-int casts are offset by such a constant, and ``max``
reduces float values only along axes where they are almost surely distinct.
Values computed in float32 differ between correct evaluations by float32
rounding (the C kernels contract ``a * b + c`` into fused multiply-adds,
rewrites reorder): they are never compared, cast to integers or given to
``sin`` when large (see :func:`rounded_in_float32`).
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass, field

import numpy as np

import aesara
import aesara.scalar as aes
import aesara.tensor as at
from aesara.graph.basic import Variable, ancestors, graph_inputs

# Largest magnitude a generated value may reach.
VALUE_LIMIT = 1e4
# Arithmetic constants: dyadic, so no structural value is near a threshold.
ARITH_CONSTANTS = (0.5, 2.0, 3.0, -1.0, 1.5)
# Comparison thresholds and the offset of float-to-int casts.
THRESHOLDS = (0.37, -0.61, 1.13)
INT_THRESHOLDS = (0, 1, -2)


@dataclass
class Term:
    """A generated expression and what the generator knows about it.

    Attributes
    ----------
    var
        The symbolic variable.
    shape
        Its shape when the graph runs on the inputs it was built for.
    bound
        A bound on the magnitude of its values.
    distinct
        Per axis: whether the values along it are almost surely pairwise
        distinct (``max`` may reduce float values only along such axes).
    lower
        A positive lower bound on its values, or 0 when none is known.
    leaf
        Whether it is an input of the graph.
    """

    var: Variable
    shape: tuple[int, ...]
    bound: float
    distinct: tuple[bool, ...]
    lower: float = 0.0
    leaf: bool = False

    @property
    def dtype(self) -> str:
        return self.var.type.dtype

    @property
    def is_float(self) -> bool:
        return self.dtype.startswith("float")

    @property
    def ndim(self) -> int:
        return len(self.shape)


@dataclass
class RandomGraph:
    """A random multi-output graph and the input values to run it on."""

    seed: int
    inputs: list[Variable]
    outputs: list[Variable]
    # Input values for two calls (the second with different values).
    values: list[list[np.ndarray]]
    # How each input is laid out in memory when passed ("c", "f", "strided"...).
    layouts: list[str] = field(default_factory=list)
    description: list[str] = field(default_factory=list)


def _broadcast_shape(*terms: Term) -> tuple[int, ...] | None:
    """The shape of an element-wise op of ``terms``, or None if invalid.

    Valid means NumPy-compatible with no run-time broadcasting: a length-1
    axis meeting a longer one must be broadcastable in its static type (the
    rewrites assume axes of unknown length are not broadcast at run time).
    """
    nd = max(t.ndim for t in terms)
    out = []
    for d in range(nd):
        sizes = []
        for t in terms:
            k = d - (nd - t.ndim)
            if k < 0:
                sizes.append((1, True))
            else:
                sizes.append((t.shape[k], t.var.type.shape[k] == 1))
        n = max(s for s, _ in sizes)
        if any(s != n and not (s == 1 and b) for s, b in sizes):
            return None
        out.append(n)
    return tuple(out)


def rounded_in_float32(var: Variable) -> bool:
    """Whether float32 arithmetic took part in computing ``var``.

    The C kernels may contract ``a * b + c`` into one fused multiply-add
    where NumPy rounds twice: equal up to float32 precision, which a
    float-to-int cast or a comparison can turn into a different integer.
    Casts are exact (or round values both backends computed alike).
    """
    for v in ancestors([var]):
        node = v.owner
        if (
            node is not None
            and getattr(v.type, "dtype", "") == "float32"
            and type(node.op).__name__ != "Cast"
            and type(getattr(node.op, "scalar_op", None)).__name__ != "Cast"
        ):
            return True
    return False


def _full_along(t: Term, shape: tuple[int, ...], d: int) -> bool:
    """Whether ``t`` (right-aligned in ``shape``) spans axis ``d`` of ``shape``."""
    k = d - (len(shape) - t.ndim)
    return k >= 0 and t.shape[k] == shape[d]


def _slice_len(n: int, s: slice) -> int:
    return len(range(n)[s])


class GraphBuilder:
    """Builds one random graph from ``rng`` (see :func:`random_graph`)."""

    def __init__(self, rng: np.random.Generator):
        self.rng = rng
        self.pool: list[Term] = []
        self.leaves: list[Term] = []
        self.sizes = [
            int(s) for s in rng.choice([1, 2, 3, 4], size=2, p=[0.1, 0.3, 0.3, 0.3])
        ]
        if rng.random() < 0.08:
            # Longer than the C kernels' block of 256 elements.
            self.sizes[int(rng.integers(2))] = int(rng.choice([67, 300]))

    # -- helpers -----------------------------------------------------------

    def choice(self, seq):
        return seq[int(self.rng.integers(len(seq)))]

    def pick(self, pred=lambda t: True, recent: bool = True) -> Term | None:
        """A term of the pool satisfying ``pred``, favouring recent ones."""
        cands = [t for t in self.pool if pred(t)]
        if not cands:
            return None
        if recent and self.rng.random() < 0.6:
            # Geometric preference for the newest: builds depth.
            k = min(int(self.rng.geometric(0.4)) - 1, len(cands) - 1)
            return cands[-1 - k]
        return self.choice(cands)

    def constant(self, value, dtype: str | None = None) -> Term:
        var = at.constant(np.asarray(value, dtype=dtype) if dtype else value)
        return Term(var, (), abs(float(value)), (), lower=max(float(value), 0.0))

    def make(self, var, shape, bound, distinct, lower=0.0) -> Term | None:
        if not bound <= VALUE_LIMIT:
            return None
        if var.type.dtype == "int8" and bound > 127:
            return None  # would wrap around
        shape = tuple(int(s) for s in shape)
        if var.type.ndim != len(shape):
            raise AssertionError(f"generator shape bug: {var.type} vs {shape}")
        distinct = tuple(bool(d) or s == 1 for d, s in zip(distinct, shape))
        return Term(var, shape, float(bound), distinct, lower)

    # -- inputs ------------------------------------------------------------

    def make_inputs(self) -> None:
        rng = self.rng
        n_in = int(rng.integers(2, 5))
        m, n = self.sizes
        for k in range(n_in):
            ndim = int(rng.choice([0, 1, 2], p=[0.2, 0.35, 0.45]))
            dtype = str(
                rng.choice(
                    ["float64", "float32", "int64", "int32", "int8", "bool"],
                    p=[0.6, 0.1, 0.12, 0.08, 0.05, 0.05],
                )
            )
            if k == 0:
                dtype = "float64"
            if ndim == 2:
                shape = [m, n]
            elif ndim == 1:
                shape = [self.choice([m, n])]
            else:
                shape = []
            static = []
            for s in shape:
                r = rng.random()
                if s == 1 and r < 0.5:
                    static.append(1)  # broadcastable
                elif r < 0.12:
                    # A length-1 broadcastable axis where the others are long.
                    static.append(1)
                elif r < 0.22:
                    static.append(s)  # fully known length
                else:
                    static.append(None)
            shape = [1 if st == 1 else s for s, st in zip(shape, static)]
            var = at.tensor(dtype=dtype, shape=tuple(static), name=f"x{k}")
            if dtype.startswith("float"):
                t = Term(var, tuple(shape), 2.0, (True,) * ndim, leaf=True)
            elif dtype == "bool":
                t = Term(
                    var, tuple(shape), 1.0, tuple(s == 1 for s in shape), leaf=True
                )
            else:
                t = Term(
                    var, tuple(shape), 3.0, tuple(s == 1 for s in shape), leaf=True
                )
            self.leaves.append(t)
            self.pool.append(t)

    def input_value(self, t: Term) -> np.ndarray:
        rng = self.rng
        if t.dtype.startswith("float"):
            v = rng.uniform(-2.0, 2.0, size=t.shape)
        elif t.dtype == "bool":
            v = rng.random(size=t.shape) < 0.5
        else:
            v = rng.integers(-3, 4, size=t.shape)
        return np.asarray(v, dtype=t.dtype)

    # -- building blocks ---------------------------------------------------

    def positive(self, t: Term) -> Term | None:
        """A positive expression of ``t`` (for ``log``, division and ``pow``)."""
        x = t.var
        kind = self.choice(
            ["sqr", "exp", "tanh", "sigmoid"] if t.is_float else ["sqr", "tanh"]
        )
        if kind == "sqr":
            return self.make(
                at.sqr(x) + 0.5, t.shape, t.bound**2 + 0.5, t.distinct, 0.5
            )
        if kind == "exp" and t.bound <= 3:
            return self.make(
                at.exp(x), t.shape, math.exp(t.bound), t.distinct, math.exp(-t.bound)
            )
        if kind == "sigmoid":
            return self.make(1.0 + at.sigmoid(x), t.shape, 2.0, t.distinct, 1.0)
        return self.make(1.5 + at.tanh(x), t.shape, 2.5, t.distinct, 0.5)

    def unary(self) -> Term | None:
        t = self.pick(lambda t: t.dtype != "bool")
        if t is None:
            return None
        x = t.var
        if not t.is_float and self.rng.random() < 0.4:
            op = self.choice(["neg", "sqr", "abs"])
            if op == "neg":
                return self.make(-x, t.shape, t.bound, t.distinct)
            if op == "sqr":
                return self.make(at.sqr(x), t.shape, t.bound**2, t.distinct)
            return self.make(at.abs(x), t.shape, t.bound, t.distinct)
        op = self.choice(
            ["exp", "sin", "tanh", "sigmoid", "sqr", "neg", "abs", "log", "sqrt"]
        )
        if op == "exp":
            if t.bound > 6:
                return None
            return self.make(
                at.exp(x), t.shape, math.exp(t.bound), t.distinct, math.exp(-t.bound)
            )
        if op == "sin":
            if t.bound > 10 and rounded_in_float32(x):
                # sin(400) in float32 is off by ~400 ulps of 1: the
                # rewritten and the reference graph round differently.
                return None
            return self.make(at.sin(x), t.shape, 1.0, t.distinct)
        if op == "tanh":
            return self.make(at.tanh(x), t.shape, 1.0, t.distinct)
        if op == "sigmoid":
            return self.make(at.sigmoid(x), t.shape, 1.0, t.distinct)
        if op == "sqr":
            return self.make(at.sqr(x), t.shape, t.bound**2, t.distinct)
        if op == "neg":
            return self.make(-x, t.shape, t.bound, t.distinct, 0.0)
        if op == "abs":
            return self.make(at.abs(x), t.shape, t.bound, t.distinct)
        p = self.positive(t)
        if p is None:
            return None
        if op == "log":
            b = max(abs(math.log(p.bound)), abs(math.log(p.lower)))
            return self.make(at.log(p.var), t.shape, b, t.distinct)
        return self.make(
            at.sqrt(p.var), t.shape, math.sqrt(p.bound), t.distinct, math.sqrt(p.lower)
        )

    def other_operand(self, a: Term, pred=lambda t: True) -> Term:
        """A term broadcast-compatible with ``a`` (or a constant)."""
        b = self.pick(
            lambda t: (
                t is not a
                and t.dtype != "bool"
                and pred(t)
                and _broadcast_shape(a, t) is not None
            )
        )
        if b is None or self.rng.random() < 0.15:
            return self.constant(self.choice(ARITH_CONSTANTS))
        return b

    def binary(self) -> Term | None:
        a = self.pick(lambda t: t.dtype != "bool")
        if a is None:
            return None
        op = self.choice(["add", "sub", "mul", "mul", "div", "pow", "add3"])
        if op == "div":
            b = self.other_operand(a)
            p = (
                self.positive(b)
                if b.ndim or not isinstance(b.var, at.TensorConstant)
                else b
            )
            if p is None or p.lower < 0.05:
                return None
            shape = _broadcast_shape(a, p)
            distinct = [
                (_full_along(a, shape, d) and a.distinct[d - len(shape) + a.ndim])
                for d in range(len(shape))
            ]
            return self.make(a.var / p.var, shape, a.bound / p.lower, distinct)
        if op == "pow":
            if not a.is_float:
                return None
            p = self.positive(a)
            if p is None:
                return None
            if self.rng.random() < 0.5:
                e = self.choice([2, 3, 0.5, -1.0, 1.5])
                var = at.pow(p.var, e)
                lo, hi = sorted([p.lower**e, p.bound**e])
                return self.make(var, p.shape, hi, p.distinct, lo)
            b = self.other_operand(p, lambda t: t.is_float and t.bound <= 2)
            if b.bound > 2:
                return None
            shape = _broadcast_shape(p, b)
            bound = max(p.bound, 1 / p.lower) ** b.bound
            distinct = [
                (_full_along(p, shape, d) and p.distinct[d - len(shape) + p.ndim])
                for d in range(len(shape))
            ]
            return self.make(at.pow(p.var, b.var), shape, bound, distinct, 0.0)
        b = self.other_operand(a)
        shape = _broadcast_shape(a, b)
        if op == "add3":
            c = self.other_operand(a, lambda t: _broadcast_shape(a, b, t) is not None)
            shape = _broadcast_shape(a, b, c)
            if shape is None:
                return None
            operands = [a, b, c]
            var = a.var + b.var * c.var
            bound = a.bound + b.bound * c.bound
        else:
            operands = [a, b]
            var = {"add": at.add, "sub": at.sub, "mul": at.mul}[op](a.var, b.var)
            bound = a.bound + b.bound if op in ("add", "sub") else a.bound * b.bound
        # Sums of a continuous term are continuous; products need both.
        distinct = []
        for d in range(len(shape)):
            full = [
                t
                for t in operands
                if _full_along(t, shape, d) and t.distinct[d - len(shape) + t.ndim]
            ]
            if op == "mul":
                ok = bool(full) and all(
                    t.is_float or isinstance(t.var, at.TensorConstant) for t in operands
                )
            else:
                ok = bool(full)
            distinct.append(ok)
        return self.make(var, shape, bound, distinct)

    def compare(self) -> Term | None:
        """A boolean: a float/int term against a threshold, or two int terms.

        Float terms computed in float32 are left out (see
        :func:`rounded_in_float32`).
        """
        a = self.pick(
            lambda t: (
                t.dtype.startswith("int")
                or t.dtype == "bool"
                or (t.is_float and not rounded_in_float32(t.var))
            )
        )
        if a is None:
            return None
        cmp = self.choice([at.lt, at.gt, at.le, at.ge])
        if a.is_float:
            return self.make(
                cmp(a.var, self.choice(THRESHOLDS)), a.shape, 1, [False] * a.ndim
            )
        if a.dtype == "bool":
            return self.make(at.invert(a.var), a.shape, 1, [False] * a.ndim)
        b = self.pick(
            lambda t: (
                t.dtype.startswith("int")
                and t is not a
                and _broadcast_shape(a, t) is not None
            )
        )
        if b is None or self.rng.random() < 0.3:
            other = self.choice(INT_THRESHOLDS)
            return self.make(cmp(a.var, other), a.shape, 1, [False] * a.ndim)
        shape = _broadcast_shape(a, b)
        return self.make(
            self.choice([at.lt, at.eq, at.ge])(a.var, b.var),
            shape,
            1,
            [False] * len(shape),
        )

    def switch(self) -> Term | None:
        c = self.pick(lambda t: t.dtype == "bool")
        if c is None:
            c = self.compare()
            if c is None:
                return None
        a = self.other_operand(c)
        b = self.other_operand(c, lambda t: _broadcast_shape(c, a, t) is not None)
        shape = _broadcast_shape(c, a, b)
        if shape is None:
            return None

        def ok(t, d):
            if isinstance(t.var, at.TensorConstant):
                return True
            return (
                _full_along(t, shape, d)
                and t.distinct[d - len(shape) + t.ndim]
                and t.is_float
            )

        distinct = [ok(a, d) and ok(b, d) for d in range(len(shape))]
        if self.rng.random() < 0.3 and a.is_float:
            # A mask multiplied in: bool * float.
            shape2 = _broadcast_shape(c, a)
            return self.make(c.var * a.var, shape2, a.bound, [False] * len(shape2))
        return self.make(
            at.switch(c.var, a.var, b.var), shape, max(a.bound, b.bound), distinct
        )

    def cast(self) -> Term | None:
        t = self.pick()
        if t is None:
            return None
        if t.is_float:
            if rounded_in_float32(t.var):
                return None
            if self.rng.random() < 0.5:
                target = self.choice(["float32", "float64"])
                return self.make(
                    at.cast(t.var, target), t.shape, t.bound, t.distinct, t.lower
                )
            # Offset so that no structurally integral value sits on a boundary.
            target = self.choice(["int64", "int32"])
            var = at.cast(t.var + self.choice(THRESHOLDS), target)
            return self.make(var, t.shape, t.bound + 2, [False] * t.ndim)
        target = self.choice(["float64", "float64", "float32", "int64", "int32"])
        if target == t.dtype:
            target = "float64"
        return self.make(at.cast(t.var, target), t.shape, t.bound, [False] * t.ndim)

    def reduce(self) -> Term | None:
        t = self.pick(lambda t: t.ndim > 0)
        if t is None:
            return None
        kind = self.choice(["sum", "sum", "mean", "max"])
        axes = self.choice([None, *range(t.ndim)] + ([(0, 1)] if t.ndim == 2 else []))
        red = (
            tuple(range(t.ndim))
            if axes is None
            else (axes if isinstance(axes, tuple) else (axes,))
        )
        keepdims = bool(self.rng.random() < 0.3)
        if kind == "max" and t.is_float and not all(t.distinct[d] for d in red):
            kind = "sum"
        if kind == "max" and t.dtype == "bool":
            kind = "sum"
        fn = {"sum": at.sum, "mean": at.mean, "max": at.max}[kind]
        var = fn(t.var, axis=axes, keepdims=keepdims)
        count = int(np.prod([t.shape[d] for d in red])) if red else 1
        if kind == "mean" and count == 0:
            return None
        shape = [
            1 if d in red else s
            for d, s in enumerate(t.shape)
            if keepdims or d not in red
        ]
        distinct = [
            t.distinct[d] or d in red for d in range(t.ndim) if keepdims or d not in red
        ]
        bound = t.bound * count if kind == "sum" else t.bound
        return self.make(var, shape, bound, distinct, t.lower if kind != "sum" else 0)

    def shape_value(self) -> Term | None:
        """A length of some term used as a value (``Shape_i`` after rewrites)."""
        t = self.pick(lambda t: t.ndim > 0)
        if t is None:
            return None
        d = int(self.rng.integers(t.ndim))
        n = t.shape[d]
        if n == 0:
            return None
        a = self.pick(lambda u: u.dtype != "bool")
        if a is None or self.rng.random() < 0.3:
            if self.rng.random() < 0.5:
                return self.make(t.var.shape[d], (), n, (), n)
            return self.make(at.cast(t.var.shape[d], "float64"), (), n, (), n)
        form = self.choice(["div", "mul", "sub"])
        if form == "div":
            var = a.var / t.var.shape[d]
            return self.make(var, a.shape, a.bound, a.distinct)
        if form == "mul":
            return self.make(a.var * t.var.shape[d], a.shape, a.bound * n, a.distinct)
        return self.make(a.var - t.var.shape[d], a.shape, a.bound + n, a.distinct)

    def layout(self) -> Term | None:
        """Transposes, dimshuffles and slices (views)."""
        t = self.pick(lambda t: t.ndim > 0)
        if t is None:
            return None
        x = t.var
        if t.ndim == 2:
            kind = self.choice(["T", "T", "slice", "slice", "index", "drop", "rev"])
            if kind == "T":
                return self.make(x.T, t.shape[::-1], t.bound, t.distinct[::-1], t.lower)
            if kind == "drop":
                axes = [d for d in range(2) if x.type.shape[d] == 1]
                if not axes:
                    return None
                keep = [d for d in range(2) if d != axes[0]]
                return self.make(
                    x.dimshuffle(*keep),
                    [t.shape[d] for d in keep],
                    t.bound,
                    [t.distinct[d] for d in keep],
                    t.lower,
                )
            if kind == "index":
                d = int(self.rng.integers(2))
                if t.shape[d] < 1:
                    return None
                k = int(self.rng.integers(-t.shape[d], t.shape[d]))
                var = x[k] if d == 0 else x[:, k]
                return self.make(
                    var, [t.shape[1 - d]], t.bound, [t.distinct[1 - d]], t.lower
                )
            if kind == "rev":
                return self.make(x[::-1], t.shape, t.bound, t.distinct, t.lower)
            s0 = self.choice(
                [slice(None), slice(1, None), slice(None, -1), slice(None, None, 2)]
            )
            s1 = self.choice(
                [
                    slice(None),
                    slice(1, None),
                    slice(None, None, -1),
                    slice(None, None, 2),
                ]
            )
            shape = (_slice_len(t.shape[0], s0), _slice_len(t.shape[1], s1))
            if 0 in shape:
                return None
            return self.make(x[s0, s1], shape, t.bound, t.distinct, t.lower)
        kind = self.choice(["row", "col", "slice", "rev"])
        if kind == "row":
            return self.make(
                x.dimshuffle("x", 0),
                (1, t.shape[0]),
                t.bound,
                (True, t.distinct[0]),
                t.lower,
            )
        if kind == "col":
            return self.make(
                x.dimshuffle(0, "x"),
                (t.shape[0], 1),
                t.bound,
                (t.distinct[0], True),
                t.lower,
            )
        if kind == "rev":
            return self.make(x[::-1], t.shape, t.bound, t.distinct, t.lower)
        s = self.choice([slice(1, None), slice(None, -1), slice(None, None, 2)])
        n = _slice_len(t.shape[0], s)
        if n == 0:
            return None
        return self.make(x[s], (n,), t.bound, t.distinct, t.lower)

    def dot(self) -> Term | None:
        a = self.pick(lambda t: t.ndim > 0 and t.dtype != "bool")
        if a is None:
            return None
        k = a.shape[-1]
        b = self.pick(lambda t: t.ndim > 0 and t.dtype != "bool" and t.shape[0] == k)
        if b is None:
            return None
        av, bv = a.var, b.var
        # dot of ints stays off BLAS; cast so that BLAS appears.
        if not a.is_float:
            av = at.cast(av, "float64")
        if not b.is_float:
            bv = at.cast(bv, "float64")
        var = at.dot(av, bv)
        shape = a.shape[:-1] + b.shape[1:]
        distinct = list(a.distinct[:-1]) + list(b.distinct[1:])
        return self.make(var, shape, a.bound * b.bound * max(k, 1), distinct)

    def set_inc(self) -> Term | None:
        t = self.pick(
            lambda t: t.ndim > 0 and t.dtype != "bool" and all(s >= 2 for s in t.shape)
        )
        if t is None:
            return None
        if t.ndim == 2:
            idx = self.choice(
                [
                    (slice(1, None),),
                    (slice(None), 0),
                    (slice(None, None, 2), slice(1, None)),
                    (-1,),
                    (0, 1),
                ]
            )
        else:
            idx = self.choice(
                [(slice(1, None),), (slice(None, None, 2),), (0,), (slice(None, -1),)]
            )
        region = []
        for d, i in enumerate(idx):
            if isinstance(i, slice):
                region.append(_slice_len(t.shape[d], i))
        region += list(t.shape[len(idx) :])
        region = tuple(region)
        probe = Term(
            at.tensor(dtype="float64", shape=(None,) * len(region)),
            region,
            0,
            (False,) * len(region),
        )
        v = self.pick(
            lambda u: (
                u.ndim <= len(region)
                and u.dtype != "bool"
                and _broadcast_shape(probe, u) == region
            )
        )
        if v is None:
            v = self.constant(self.choice(ARITH_CONSTANTS))
        vv = v.var
        if v.dtype != t.dtype:
            if v.is_float and not t.is_float:
                return None
            vv = at.cast(vv, t.dtype)
        inc = bool(self.rng.random() < 0.5)
        fn = at.inc_subtensor if inc else at.set_subtensor
        var = fn(t.var[idx], vv)
        bound = t.bound + v.bound if inc else max(t.bound, v.bound)
        # A set region holds copies of the value: distinct only where both are.
        distinct = list(t.distinct) if inc else [False] * t.ndim
        return self.make(var, t.shape, bound, distinct)

    def ifelse(self) -> Term | None:
        """A lazy choice between two values of one type (the lazy VM, and its
        ordering against in-place nodes, get exercised)."""
        from aesara.ifelse import ifelse

        a = self.pick()
        if a is None:
            return None
        b = self.pick(lambda t: t is not a and t.var.type == a.var.type)
        if b is None:
            return None
        # The condition comes from a comparison (which the generator keeps
        # away from its threshold), so every evaluation takes the same branch.
        c = self.pick(lambda t: t.dtype == "bool")
        if c is None:
            c = self.compare()
            if c is None:
                return None
        cond = at.any(c.var) if c.ndim else c.var
        distinct = [x and y for x, y in zip(a.distinct, b.distinct)]
        return self.make(
            ifelse(cond, a.var, b.var),
            a.shape,
            max(a.bound, b.bound),
            distinct,
            min(a.lower, b.lower),
        )

    # -- the graph ---------------------------------------------------------

    BUILDERS = (
        ("unary", 4),
        ("binary", 5),
        ("compare", 1),
        ("switch", 2),
        ("cast", 1),
        ("reduce", 3),
        ("shape_value", 1),
        ("layout", 3),
        ("dot", 3),
        ("set_inc", 2),
        ("ifelse", 1),
    )

    def grow(self, steps: int) -> None:
        names = [n for n, _ in self.BUILDERS]
        weights = np.array([w for _, w in self.BUILDERS], dtype=float)
        weights /= weights.sum()
        for _ in range(steps):
            for _attempt in range(30):
                name = str(self.rng.choice(names, p=weights))
                t = getattr(self, name)()
                if t is not None:
                    self.pool.append(t)
                    break


def _cost_term(b: GraphBuilder, t: Term):
    form = b.choice(["sum", "mean", "sqr", "sin", "weighted"])
    x = t.var
    if form == "sum":
        return at.sum(x)
    if form == "mean":
        return at.mean(x)
    if form == "sqr":
        return 0.5 * at.sum(at.sqr(x))
    if form == "sin" and (t.bound <= 10 or not rounded_in_float32(x)):
        return at.sum(at.sin(x))
    w = b.pick(
        lambda u: u.is_float and u is not t and _broadcast_shape(t, u) == t.shape
    )
    if w is None:
        return at.sum(x * 1.5)
    return at.sum(x * w.var)


def random_graph(seed: int) -> RandomGraph:
    """A random graph with several outputs, built from ``seed``.

    Outputs are intermediate and final values (some used by other outputs),
    views of inputs and of outputs, an output repeated, and the gradients of
    a scalar cost of the float outputs with respect to the float inputs.
    """
    rng = np.random.default_rng(seed)
    b = GraphBuilder(rng)
    b.make_inputs()
    b.grow(int(rng.integers(4, 10)))
    computed = [t for t in b.pool if not t.leaf]
    outputs: list[Variable] = []
    desc: list[str] = []
    n_values = min(len(computed), int(rng.integers(2, 5)))
    chosen: list[Term] = []
    if computed:
        chosen.append(computed[-1])
        rest = computed[:-1]
        for k in rng.permutation(len(rest))[: n_values - 1]:
            chosen.append(rest[int(k)])
    for t in chosen:
        outputs.append(t.var)
        desc.append("value")
    # Gradients of a scalar cost of the float values.
    floats = [t for t in chosen if t.is_float]
    if floats and rng.random() < 0.8:
        cost = sum(_cost_term(b, t) for t in floats)
        reach = set(graph_inputs([cost]))
        wrt = [t.var for t in b.leaves if t.is_float and t.var in reach]
        if len(wrt) > 1 and rng.random() < 0.3:
            wrt = [
                wrt[int(k)]
                for k in sorted(
                    rng.permutation(len(wrt))[: int(rng.integers(1, len(wrt)))]
                )
            ]
        if wrt:
            grads = aesara.grad(cost, wrt, disconnected_inputs="ignore")
            for g in grads:
                outputs.append(g)
                desc.append("grad")
            if rng.random() < 0.5:
                outputs.append(cost)
                desc.append("cost")
    # Views of inputs, of outputs, and an output returned twice.
    if rng.random() < 0.35:
        leaf = b.choice(b.leaves)
        x = leaf.var
        if leaf.ndim == 2:
            view = b.choice([x, x.T, x[1:], x[:, ::-1]])
        elif leaf.ndim == 1:
            view = b.choice([x, x[::-1], x.dimshuffle("x", 0), x[1:]])
        else:
            view = b.choice([x, x.dimshuffle("x")])
        outputs.append(view)
        desc.append("input view")
    if rng.random() < 0.25:
        t = b.choice(chosen) if chosen else b.leaves[0]
        outputs.append(
            t.var.T if t.ndim == 2 else t.var[::-1] if t.ndim == 1 else t.var
        )
        desc.append("output view")
    if rng.random() < 0.3:
        k = int(rng.integers(len(outputs)))
        outputs.append(outputs[k])
        desc.append(f"repeat of {k}")
    order = [int(k) for k in rng.permutation(len(outputs))]
    outputs = [outputs[k] for k in order]
    where = {k: pos for pos, k in enumerate(order)}
    desc = [
        f"repeat of output {where[int(d.split()[-1])]}" if d.startswith("repeat") else d
        for d in (desc[k] for k in order)
    ]
    values = [[b.input_value(t) for t in b.leaves] for _ in range(2)]
    layouts = [
        str(rng.choice(["c", "f", "strided"], p=[0.6, 0.2, 0.2]))
        if t.ndim == 2
        else str(rng.choice(["c", "strided", "reversed"], p=[0.7, 0.15, 0.15]))
        if t.ndim == 1
        else "c"
        for t in b.leaves
    ]
    return RandomGraph(seed, [t.var for t in b.leaves], outputs, values, layouts, desc)


def lay_out(value: np.ndarray, layout: str) -> tuple[np.ndarray, np.ndarray]:
    """``value`` in the given memory layout: ``(array to pass, array owning it)``."""
    if layout == "c" or value.ndim == 0:
        a = np.array(value, order="C")
        return a, a
    if layout == "f":
        a = np.array(value, order="F")
        return a, a
    if layout == "reversed":
        owner = np.ascontiguousarray(value[::-1])
        return owner[::-1], owner
    if layout == "transposed":
        owner = np.ascontiguousarray(value.T)
        return owner.T, owner
    # "strided": every other element of a larger buffer along each axis.
    big_shape = tuple(2 * s + 1 for s in value.shape)
    owner = np.zeros(big_shape, dtype=value.dtype)
    view = owner[tuple(slice(1, None, 2) for _ in value.shape)]
    view[...] = value
    return view, owner


# ---------------------------------------------------------------------------
# Multi-output scalar Composites
# ---------------------------------------------------------------------------

COMPOSITE_DTYPES = ("float64", "float32", "int64", "int32", "bool")


@dataclass
class ScalarTerm:
    var: Variable
    bound: float

    @property
    def dtype(self) -> str:
        return self.var.type.dtype


class CompositeBuilder:
    """Builds a random multi-output scalar graph (see :func:`random_composite`)."""

    def __init__(self, rng: np.random.Generator, n_inputs: int):
        self.rng = rng
        self.n_inputs = n_inputs

    def choice(self, seq):
        return seq[int(self.rng.integers(len(seq)))]

    def expr(self, pool: list[ScalarTerm], depth: int) -> ScalarTerm:
        rng = self.rng
        if depth <= 0 or rng.random() < 0.2:
            return self.choice(pool)
        a = self.expr(pool, depth - 1)
        kind = self.choice(["unary", "binary", "binary", "switch", "cast"])
        if a.dtype == "bool":
            if kind == "unary":
                return ScalarTerm(aes.invert(a.var), 1)
            if kind == "binary":
                b = self.expr(pool, depth - 1)
                if b.dtype == "bool":
                    return ScalarTerm(
                        self.choice([aes.and_, aes.or_, aes.xor])(a.var, b.var), 1
                    )
                return ScalarTerm(aes.mul(a.var, b.var), b.bound)
        is_float = a.dtype.startswith("float")
        if kind == "unary":
            if is_float:
                op = self.choice(["exp", "sin", "tanh", "sqr", "neg", "abs", "log"])
                if op == "exp" and a.bound <= 5:
                    return ScalarTerm(aes.exp(a.var), math.exp(a.bound))
                if op == "sin" and (a.bound <= 10 or not rounded_in_float32(a.var)):
                    return ScalarTerm(aes.sin(a.var), 1)
                if op == "tanh":
                    return ScalarTerm(aes.tanh(a.var), 1)
                if op == "sqr" and a.bound <= 100:
                    return ScalarTerm(aes.sqr(a.var), a.bound**2)
                if op == "log":
                    return ScalarTerm(
                        aes.log(aes.sqr(a.var) + 0.5),
                        max(1.0, 2 * math.log(a.bound + 1)),
                    )
                if op == "abs":
                    return ScalarTerm(aes.abs(a.var), a.bound)
                return ScalarTerm(aes.neg(a.var), a.bound)
            op = self.choice(["neg", "abs", "sqr"])
            if op == "sqr" and a.bound <= 100:
                return ScalarTerm(aes.sqr(a.var), a.bound**2)
            if op == "abs":
                return ScalarTerm(aes.abs(a.var), a.bound)
            return ScalarTerm(aes.neg(a.var), a.bound)
        if kind == "binary":
            b = self.expr(pool, depth - 1)
            op = self.choice(["add", "sub", "mul", "div", "max"])
            if op == "div":
                den = aes.sqr(b.var) + 1.0 if b.dtype != "bool" else aes.add(b.var, 1.0)
                return ScalarTerm(aes.true_div(a.var, den), a.bound)
            if op == "max":
                return ScalarTerm(
                    self.choice([aes.scalar_maximum, aes.scalar_minimum])(a.var, b.var),
                    max(a.bound, b.bound),
                )
            if op == "mul":
                if a.bound * b.bound > VALUE_LIMIT:
                    return a
                return ScalarTerm(aes.mul(a.var, b.var), a.bound * b.bound)
            fn = aes.add if op == "add" else aes.sub
            return ScalarTerm(fn(a.var, b.var), a.bound + b.bound)
        if kind == "switch":
            if is_float and rounded_in_float32(a.var):
                a = self.choice(pool[: self.n_inputs])
                is_float = a.dtype.startswith("float")
            if a.dtype == "bool":
                cond = a.var
            elif is_float:
                cond = self.choice([aes.lt, aes.gt])(a.var, self.choice(THRESHOLDS))
            else:
                cond = self.choice([aes.lt, aes.ge])(a.var, self.choice(INT_THRESHOLDS))
            b = self.expr(pool, depth - 1)
            c = self.choice(pool)
            return ScalarTerm(aes.switch(cond, b.var, c.var), max(b.bound, c.bound))
        # cast
        target = self.choice(COMPOSITE_DTYPES)
        if is_float and rounded_in_float32(a.var):
            target = self.choice(["float32", "float64"])
        if is_float and not target.startswith("float"):
            if target == "bool":
                return ScalarTerm(aes.cast(a.var + self.choice(THRESHOLDS), "bool"), 1)
            return ScalarTerm(
                aes.cast(a.var + self.choice(THRESHOLDS), target), a.bound + 2
            )
        return ScalarTerm(aes.cast(a.var, target), a.bound)


@dataclass
class RandomComposite:
    seed: int
    composite: aes.Composite
    in_dtypes: list[str]
    out_dtypes: list[str]


def random_composite(seed: int) -> RandomComposite:
    """A random multi-output Composite: 2-4 inputs of mixed dtypes, 2-4 outputs.

    Later outputs are computed from the inputs and the earlier outputs; most
    outputs are cast to the dtype of some input so that they can be computed
    in its storage.
    """
    rng = np.random.default_rng(seed)
    n_in = int(rng.integers(2, 5))
    cb = CompositeBuilder(rng, n_in)
    n_out = int(rng.integers(2, 5))
    dtypes = [
        str(d)
        for d in rng.choice(COMPOSITE_DTYPES, size=n_in, p=[0.4, 0.15, 0.2, 0.15, 0.1])
    ]
    ins = [aes.get_scalar_type(dt)(f"i{k}") for k, dt in enumerate(dtypes)]
    pool = [ScalarTerm(v, 1.0 if v.type.dtype == "bool" else 3.0) for v in ins]
    outs = []
    for _ in range(n_out):
        e = cb.expr(pool, int(rng.integers(1, 4)))
        if rng.random() < 0.8:
            target = cb.choice(dtypes)
            if rounded_in_float32(e.var) and not target.startswith("float"):
                target = e.dtype
            if target != e.dtype:
                if e.dtype.startswith("float") and not target.startswith("float"):
                    e = ScalarTerm(
                        aes.cast(e.var + cb.choice(THRESHOLDS), target), e.bound + 2
                    )
                else:
                    e = ScalarTerm(aes.cast(e.var, target), e.bound)
        elif e.var in ins:
            # An output that is an input unchanged.
            e = ScalarTerm(aes.identity(e.var), e.bound)
        outs.append(e)
        pool.append(e)
    comp = aes.Composite(ins, [e.var for e in outs])
    out_dtypes = [o.type.dtype for o in comp.fgraph.outputs]
    return RandomComposite(seed, comp, dtypes, out_dtypes)


def legal_inplace_patterns(
    in_dtypes: list[str], out_dtypes: list[str], broadcast: list[bool]
) -> list[dict[int, int]]:
    """Every ``inplace_pattern`` an Elemwise of these dtypes accepts.

    Output ``o`` may use input ``i``'s storage when their dtypes match and
    ``i`` is not broadcast; each input serves at most one output. The empty
    pattern is included.
    """
    candidates = [
        [i for i, dt in enumerate(in_dtypes) if dt == odt and not broadcast[i]]
        for odt in out_dtypes
    ]
    patterns = []
    for assignment in itertools.product(*[[None, *c] for c in candidates]):
        used = [i for i in assignment if i is not None]
        if len(used) != len(set(used)):
            continue
        patterns.append({o: i for o, i in enumerate(assignment) if i is not None})
    return patterns
