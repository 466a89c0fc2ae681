"""One "fires and keeps the values" case per rewrite registered in ``optdb``.

Each entry of :data:`CASES` builds a small graph on which the rewrite of that
name applies; :func:`~tests.tensor.rewriting.rewrite_check.check_rewrite`
compiles it with and without the rewrite (and with no rewrite at all) and
compares the results. :func:`test_every_registered_rewrite_is_covered` fails
when a registered name has neither a case here (or a ``check_rewrite("name"``
call elsewhere under ``tests/``) nor an entry in :data:`EXEMPT`.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest

import aesara.scalar as aes
import aesara.tensor as at
from aesara.compile.builders import OpFromGraph
from aesara.compile.io import In
from aesara.compile.mode import Mode, get_mode
from aesara.graph.fg import FunctionGraph
from aesara.graph.rewriting.db import RewriteDatabaseQuery
from aesara.ifelse import IfElse, ifelse
from aesara.raise_op import Assert, CheckAndRaise, assert_op
from aesara.tensor.basic import Alloc, Join, MakeVector
from aesara.tensor.blas import Dot22, Dot22Scalar, Gemm, Ger
from aesara.tensor.elemwise import CAReduce, DimShuffle, Elemwise
from aesara.tensor.math import Dot
from aesara.tensor.shape import Reshape, Shape, Shape_i, SpecifyShape, Unbroadcast
from aesara.tensor.special import softmax
from aesara.tensor.subtensor import IncSubtensor, Subtensor
from aesara.tensor.subtensor_advanced import (
    AdvancedSubtensor1,
)
from tests.tensor.rewriting.rewrite_check import check_rewrite, registered_rewrites

# Names with no fires-and-equal case, and why.
EXEMPT = {
    "Print1.21": "debug printer, only selected by the print_fgraph tag",
    "Print1.51": "debug printer, only selected by the print_fgraph tag",
    "Print2.01": "debug printer, only selected by the print_fgraph tag",
    "Print100.01": "debug printer, only selected by the print_fgraph tag",
    "ShapeOpt": "installs the ShapeFeature; changes no node",
    "UnShapeOpt": "removes the ShapeFeature; has no tag, so no mode runs it",
    "add_destroy_handler": "installs the DestroyHandler; changes no node",
}

RNG = np.random.default_rng(42)

x = at.dvector("x")
y = at.dvector("y")
m = at.dmatrix("m")
n = at.dmatrix("n")
s = at.dscalar("s")
i = at.lscalar("i")
xv = np.array([0.5, -1.25, 2.0])
yv = np.array([1.5, 0.25, -3.0])
mv = RNG.normal(size=(3, 4))
nv = RNG.normal(size=(4, 2))
sv = np.array(1.75)
m34 = at.tensor("float64", shape=(3, 4), name="m34")
x3 = at.tensor("float64", shape=(3,), name="x3")
fvec = MakeVector("float64")
iv = np.array(2, dtype="int64")


def has_op(fg: FunctionGraph, cls, scalar: bool = False) -> bool:
    """Whether a node of op class ``cls`` (a scalar op class when ``scalar``,
    looking inside fused nodes) is in ``fg``."""
    for node in fg.apply_nodes:
        op = node.op
        if scalar:
            if not isinstance(op, Elemwise | CAReduce):
                continue
            sop = op.scalar_op
            inner = getattr(sop, "fgraph", None)
            nodes = inner.apply_nodes if inner is not None else []
            if isinstance(sop, cls) or any(isinstance(n.op, cls) for n in nodes):
                return True
        elif isinstance(op, cls):
            return True
    return False


def no_op(cls, scalar: bool = False) -> Callable[[FunctionGraph], bool]:
    return lambda fg: not has_op(fg, cls, scalar)


def an_op(cls, scalar: bool = False) -> Callable[[FunctionGraph], bool]:
    return lambda fg: has_op(fg, cls, scalar)


def inplace(fg: FunctionGraph) -> bool:
    return any(getattr(nd.op, "destroy_map", None) for nd in fg.apply_nodes)


CASES: dict[str, Callable[[], dict]] = {}


def case(name: str):
    """Register the builder of the case of rewrite ``name``."""

    def deco(fn):
        assert name not in CASES, name
        CASES[name] = fn
        return fn

    return deco


# --- merging, constant folding, inlining ----------------------------------


@case("merge1")
def _():
    return dict(inputs=[x], outputs=at.exp(x) + at.exp(x), values=[xv])


# Compiling hash-conses equal nodes the user built, so the later merges only
# see duplicates that rewrites create: two outputs that become equal.


@case("merge1.1")
def _():
    # -(-x) becomes x in the "useless" stage, just before merge1.1.
    return dict(inputs=[x], outputs=[at.exp(at.neg(at.neg(x))), at.exp(x)], values=[xv])


@case("merge")
def _():
    # (x * y) / y and x only become the same node once canonicalize ran.
    return dict(
        inputs=[x, y], outputs=[at.exp((x * y) / y), at.exp(x)], values=[xv, yv]
    )


@case("merge1.2")
def _():
    # The same duplicates, with canonicalize's own merging left out.
    no_merge = RewriteDatabaseQuery(include=["fast_run"], exclude=["merge"])
    query = RewriteDatabaseQuery(
        include=["fast_run"], subquery={"canonicalize": no_merge}
    )
    return dict(
        inputs=[x, y],
        outputs=[at.exp((x * y) / y), at.exp(x)],
        values=[xv, yv],
        mode=Mode(linker=get_mode("FAST_RUN").linker, optimizer=query),
    )


@case("merge2")
def _():
    # log(1 + x) becomes log1p(x) in stabilize, which merges nothing.
    return dict(inputs=[x], outputs=[at.log(1 + x), at.log1p(x)], values=[np.abs(xv)])


@case("merge3")
def _():
    return dict(
        inputs=[x],
        outputs=[at.log(1 + x), at.log1p(x)],
        values=[np.abs(xv)],
        mode=get_mode("FAST_RUN").excluding("merge2"),
    )


@case("constant_folding")
def _():
    c = at.constant(np.arange(3.0))
    return dict(
        inputs=[x], outputs=x + at.exp(c), values=[xv], fires=no_op(aes.Exp, True)
    )


@case("topo_constant_folding")
def _():
    # The node-level constant folding would fold exp(c) before the graph
    # pass gets to it.
    c = at.constant(np.arange(3.0))
    return dict(
        inputs=[x],
        outputs=x * at.exp(c),
        values=[xv],
        mode=get_mode("FAST_RUN").excluding("constant_folding"),
        fires=no_op(aes.Exp, True),
    )


@case("inline_ofg_expansion")
def _():
    a = at.dvector()
    ofg = OpFromGraph([a], [a * 2 + 1], inline=True)
    return dict(inputs=[x], outputs=ofg(x), values=[xv], fires=no_op(OpFromGraph))


# --- ifelse and asserts -------------------------------------------------------


@case("cond_remove_constant")
def _():
    return dict(
        inputs=[x, y],
        outputs=ifelse(at.constant(1, dtype="int8"), x, y),
        values=[xv, yv],
        fires=no_op(IfElse),
    )


@case("cond_remove_identical")
def _():
    c = at.lscalar("c")
    return dict(
        inputs=[c, x],
        outputs=ifelse(c, at.exp(x), at.exp(x)),
        values=[np.array(0, dtype="int64"), xv],
        fires=no_op(IfElse),
    )


@case("local_remove_useless_assert")
def _():
    return dict(
        inputs=[x],
        outputs=assert_op(x, at.constant(True)) * 2,
        values=[xv],
        fires=no_op(CheckAndRaise),
    )


@case("local_remove_all_assert")
def _():
    return dict(
        inputs=[x],
        outputs=assert_op(x, at.all(at.ge(x, -10))) * 2,
        values=[xv],
        mode=get_mode("FAST_RUN").including("local_remove_all_assert"),
        fires=no_op(Assert),
    )


# --- shapes ----------------------------------------------------------------


@case("local_shape_to_shape_i")
def _():
    return dict(inputs=[m], outputs=at.exp(m).shape, values=[mv], fires=no_op(Shape))


@case("local_track_shape_i")
def _():
    return dict(
        inputs=[m, n],
        outputs=Shape_i(0)(at.dot(m, n)),
        values=[mv, nv],
        fires=no_op(Dot),
    )


@case("local_Shape_i_of_broadcastable")
def _():
    col = at.tensor("float64", shape=(None, 1), name="col")
    return dict(
        inputs=[col],
        outputs=Shape_i(1)(col) + Shape_i(0)(col),
        values=[np.ones((3, 1))],
    )


@case("local_Shape_i_of_alloc")
def _():
    return dict(
        inputs=[s, i],
        outputs=Shape_i(0)(at.alloc(s, i, 3)),
        values=[sv, iv],
        fires=no_op(Alloc),
    )


@case("local_Shape_of_SpecifyShape")
def _():
    return dict(
        inputs=[m, i],
        outputs=Shape()(at.specify_shape(at.exp(m), (i, None))),
        values=[mv, np.array(3, dtype="int64")],
    )


@case("local_useless_specify_shape")
def _():
    fixed = at.tensor("float64", shape=(3,), name="fixed")
    return dict(
        inputs=[fixed],
        outputs=SpecifyShape()(fixed, 3) * 2,
        values=[xv],
        fires=no_op(SpecifyShape),
    )


@case("local_merge_consecutive_specify_shape")
def _():
    return dict(
        inputs=[m],
        outputs=at.specify_shape(at.specify_shape(m, (3, None)), (None, 4)) * 2,
        values=[mv],
    )


@case("local_specify_shape_lift")
def _():
    return dict(
        inputs=[m],
        outputs=at.exp(at.specify_shape(m, (3, 4))),
        values=[mv],
    )


@case("local_useless_unbroadcast")
def _():
    return dict(
        inputs=[m],
        outputs=Unbroadcast(0)(m) * 2,
        values=[mv],
        fires=no_op(Unbroadcast),
    )


@case("local_merge_consecutive_unbroadcast")
def _():
    r = at.tensor("float64", shape=(1, 1), name="r")
    return dict(
        inputs=[r],
        outputs=at.unbroadcast(at.unbroadcast(r, 0), 1) * 2,
        values=[np.ones((1, 1))],
    )


@case("local_useless_reshape")
def _():
    return dict(
        inputs=[m],
        outputs=at.reshape(m, m.shape) * 2,
        values=[mv],
        fires=no_op(Reshape),
    )


@case("local_reshape_chain")
def _():
    return dict(
        inputs=[m],
        outputs=at.reshape(at.reshape(m, (4, 3)), (2, 6)),
        values=[mv],
    )


@case("local_reshape_lift")
def _():
    return dict(
        inputs=[m],
        outputs=at.reshape(at.exp(m), (2, 6)) * at.reshape(m, (2, 6)),
        values=[mv],
    )


@case("local_useless_dimshuffle_in_reshape")
def _():
    return dict(
        inputs=[x],
        outputs=at.reshape(x.dimshuffle("x", 0), (3, 1)),
        values=[xv],
    )


# --- alloc, fill, make_vector, join ------------------------------------------


@case("local_useless_alloc")
def _():
    return dict(
        inputs=[m34],
        outputs=Alloc()(m34, 3, 4) * 2,
        values=[mv],
        fires=no_op(Alloc),
    )


@case("local_canonicalize_alloc")
def _():
    return dict(
        inputs=[x],
        outputs=at.alloc(x, 1, x.shape[0]),
        values=[xv],
        fires=no_op(Alloc),
    )


@case("local_merge_alloc")
def _():
    return dict(
        inputs=[s, i],
        outputs=at.alloc(at.alloc(s, i), 2, i),
        values=[sv, iv],
    )


@case("local_elemwise_alloc")
def _():
    return dict(
        inputs=[m34, s],
        outputs=m34 + at.alloc(s, 3, 4),
        values=[mv, sv],
    )


@case("local_elemwise_alloc_after_fusion")
def _():
    # The grad of a broadcasting product allocates its ones; after fusion
    # the alloc feeds a node that gets the shape from another input.
    a = at.alloc(s, m.shape[0], m.shape[1])
    return dict(inputs=[m, s], outputs=at.exp(a) * m, values=[mv, sv])


@case("local_fill_sink")
def _():
    return dict(
        inputs=[m, s],
        outputs=at.fill(m, s) + at.exp(s),
        values=[mv, sv],
    )


@case("local_fill_to_alloc")
def _():
    return dict(inputs=[m, s], outputs=at.fill(m, s), values=[mv, sv])


@case("local_useless_fill")
def _():
    return dict(inputs=[m, s], outputs=at.fill(s, m) * 2, values=[mv, sv])


@case("local_useless_make_vector")
def _():
    return dict(
        inputs=[x3],
        outputs=fvec(x3[0], x3[1], x3[2]) * 2,
        values=[xv],
        fires=no_op(MakeVector),
    )


@case("local_useless_dimshuffle_makevector")
def _():
    return dict(
        inputs=[s],
        outputs=fvec(s).dimshuffle(()) * 2,
        values=[sv],
    )


@case("local_join_1")
def _():
    return dict(inputs=[m], outputs=Join()(0, m) * 2, values=[mv], fires=no_op(Join))


@case("local_join_empty")
def _():
    e = at.tensor("float64", shape=(0, 4), name="e")
    return dict(
        inputs=[m, e, n],
        outputs=at.join(0, m, e, at.exp(m)),
        values=[mv, np.zeros((0, 4)), nv],
    )


@case("local_join_make_vector")
def _():
    return dict(
        inputs=[s],
        outputs=at.join(0, fvec(s, s + 1), fvec(s * 2)),
        values=[sv],
        fires=no_op(Join),
    )


# --- element-wise algebra ------------------------------------------------------


@case("local_neg_neg")
def _():
    return dict(
        inputs=[x], outputs=at.neg(at.neg(x)), values=[xv], fires=no_op(aes.Neg, True)
    )


@case("local_neg_to_mul")
def _():
    return dict(inputs=[x, y], outputs=-x * y, values=[xv, yv])


@case("local_div_to_reciprocal")
def _():
    # The product canonizer already makes ``1 / x`` a reciprocal; without it
    # the division reaches the specialize stage.
    return dict(
        inputs=[x],
        outputs=at.exp(at.as_tensor(1.0) / x),
        values=[xv],
        mode=get_mode("FAST_RUN").excluding("local_mul_canonizer"),
    )


@case("local_inv_inv")
def _():
    return dict(
        inputs=[x],
        outputs=at.reciprocal(at.reciprocal(x)),
        values=[xv],
        fires=no_op(aes.Reciprocal, True),
    )


@case("local_abs_of_abs_or_neg")
def _():
    return dict(inputs=[x], outputs=at.abs(-x), values=[xv], fires=no_op(aes.Neg, True))


@case("local_sqrt_sqr")
def _():
    return dict(
        inputs=[x], outputs=at.sqrt(at.sqr(x)), values=[xv], fires=no_op(aes.Sqrt, True)
    )


@case("local_bool_identities")
def _():
    b = at.bvector("b")
    return dict(
        inputs=[b],
        outputs=at.and_(at.eq(b, 0), at.eq(b, 0)),
        values=[np.array([0, 1, 0], dtype="int8")],
    )


@case("local_mul_zero")
def _():
    return dict(inputs=[x, y], outputs=x * 0 * y + y, values=[xv, yv])


@case("local_useless_neutral_element")
def _():
    return dict(inputs=[x], outputs=(x * 1 + 0) / 1, values=[xv])


@case("local_add_canonizer")
def _():
    return dict(inputs=[x, y], outputs=(x + y) - y, values=[xv, yv])


@case("local_mul_canonizer")
def _():
    return dict(inputs=[x, y], outputs=(x * y) / y, values=[xv, yv])


@case("local_mul_specialize")
def _():
    return dict(inputs=[x, y], outputs=x * (-1.0) * y, values=[xv, yv])


@case("local_add_specialize")
def _():
    # Canonicalize removes such terms first; without it they reach specialize.
    return dict(
        inputs=[x],
        outputs=at.exp(x) + at.zeros_like(x),
        values=[xv],
        mode=get_mode("FAST_RUN").excluding("canonicalize"),
    )


@case("local_mul_to_sqr")
def _():
    return dict(
        inputs=[x],
        outputs=at.exp(x) * at.exp(x),
        values=[xv],
        fires=an_op(aes.Sqr, True),
    )


@case("local_pow_canonicalize")
def _():
    return dict(inputs=[x], outputs=x**1 + x**0, values=[xv])


@case("local_pow_specialize")
def _():
    return dict(
        inputs=[x],
        outputs=x**2 + x**0.5,
        values=[np.abs(xv)],
        fires=no_op(aes.Pow, True),
    )


@case("local_pow_specialize_device")
def _():
    return dict(inputs=[x], outputs=x**5, values=[xv], fires=no_op(aes.Pow, True))


@case("local_useless_elemwise")
def _():
    b = at.lvector("b")
    return dict(inputs=[b], outputs=at.eq(b, b), values=[np.arange(3)])


@case("local_cast_cast")
def _():
    iv3 = at.ivector("iv3")
    return dict(
        inputs=[iv3],
        outputs=at.cast(at.cast(iv3, "float64"), "float32"),
        values=[np.array([1, -2, 3], dtype="int32")],
    )


@case("local_useless_cast")
def _():
    to_f64 = Elemwise(aes.Cast(aes.float64))
    return dict(
        inputs=[x], outputs=to_f64(x) * 2, values=[xv], fires=no_op(aes.Cast, True)
    )


@case("local_upcast_elemwise_constant_inputs")
def _():
    return dict(inputs=[x], outputs=x * 2, values=[xv])


@case("local_useless_switch")
def _():
    return dict(inputs=[x, y], outputs=at.switch(at.constant(1), x, y), values=[xv, yv])


@case("local_merge_switch_same_cond")
def _():
    c = at.bvector("c")
    return dict(
        inputs=[c, x, y],
        outputs=at.switch(c, x, y) + at.switch(c, y, x),
        values=[np.array([1, 0, 1], dtype="int8"), xv, yv],
    )


@case("local_dimshuffle_lift")
def _():
    return dict(inputs=[m], outputs=at.exp(m).T.T, values=[mv], fires=no_op(DimShuffle))


# --- stabilisation ------------------------------------------------------------


@case("local_log1p")
def _():
    return dict(
        inputs=[x],
        outputs=at.log(1 + x),
        values=[np.abs(xv)],
        fires=an_op(aes.Log1p, True),
    )


@case("local_expm1")
def _():
    return dict(
        inputs=[x], outputs=at.exp(x) - 1, values=[xv], fires=an_op(aes.Expm1, True)
    )


@case("local_exp_log")
def _():
    return dict(
        inputs=[x], outputs=at.log(at.exp(x)), values=[xv], fires=no_op(aes.Exp, True)
    )


@case("local_log1p_special")
def _():
    return dict(inputs=[x], outputs=at.log1p(at.exp(x)), values=[xv])


@case("local_log_sigmoid")
def _():
    return dict(inputs=[x], outputs=at.log(at.sigmoid(x)), values=[xv])


@case("local_one_minus_special")
def _():
    return dict(inputs=[x], outputs=1 - at.erf(x), values=[xv])


@case("local_sigmoid_logit")
def _():
    p = at.dvector("p")
    return dict(
        inputs=[p],
        outputs=at.sigmoid(at.log(p) - at.log1p(-p)),
        values=[np.array([0.1, 0.5, 0.9])],
    )


@case("local_log_erfc")
def _():
    return dict(inputs=[x], outputs=at.log(at.erfc(x)), values=[xv])


@case("local_log_sum_exp")
def _():
    return dict(inputs=[m], outputs=at.log(at.sum(at.exp(m), axis=1)), values=[mv])


@case("local_log_add_exp")
def _():
    return dict(inputs=[x, y], outputs=at.log(at.exp(x) + at.exp(y)), values=[xv, yv])


@case("local_softmax_from_exp")
def _():
    e = at.exp(m)
    return dict(inputs=[m], outputs=e / at.sum(e, axis=1, keepdims=True), values=[mv])


@case("local_logsoftmax")
def _():
    return dict(inputs=[m], outputs=at.log(softmax(m, axis=1)), values=[mv])


@case("local_logsoftmax_grad")
def _():
    return dict(
        inputs=[m],
        outputs=at.grad(at.sum(at.log(softmax(m, axis=1))[:, 0]), m),
        values=[mv],
    )


# --- logistic-function rewrites (gradients of cross-entropies) ---------------


@case("local_greedy_distributor")
def _():
    a = at.dvector("a")
    b = at.dvector("b")
    return dict(
        inputs=[x, y, a, b],
        outputs=(x / a - y / b) * a * b,
        values=[xv, yv, np.array([0.5, 2.0, -1.0]), np.array([3.0, -0.25, 1.5])],
    )


@case("local_exp_over_1_plus_exp")
def _():
    return dict(
        inputs=[x, y],
        outputs=y * at.exp(x) / (1 + at.exp(x)),
        values=[xv, yv],
        fires=an_op(aes.Sigmoid, True),
    )


@case("local_sigm_times_exp")
def _():
    return dict(inputs=[x, y], outputs=at.exp(x) * at.sigmoid(-x) * y, values=[xv, yv])


@case("local_mul_cancel_equivalent")
def _():
    # 1 - sigmoid(x) becomes a second sigmoid(-x) node in stabilize.
    return dict(
        inputs=[x, y],
        outputs=y * (1 - at.sigmoid(x)) / at.sigmoid(-x),
        values=[xv, yv],
    )


# --- reductions ---------------------------------------------------------------


@case("local_reduce_no_axes")
def _():
    return dict(inputs=[m], outputs=at.sum(m, axis=[]) * 2, values=[mv])


@case("local_sum_prod_all_to_none")
def _():
    return dict(inputs=[m], outputs=at.prod(m, axis=[0, 1]), values=[mv])


@case("local_op_of_op")
def _():
    return dict(inputs=[m], outputs=at.sum(at.sum(m, axis=0), axis=0), values=[mv])


@case("local_reduce_broadcastable")
def _():
    r = at.tensor("float64", shape=(1, None), name="r")
    return dict(inputs=[r], outputs=at.max(r, axis=0), values=[mv[:1]])


@case("local_sum_prod_mul_by_scalar")
def _():
    return dict(inputs=[m, s], outputs=at.sum(s * m, axis=1), values=[mv, sv])


@case("local_sum_prod_div_dimshuffle")
def _():
    return dict(inputs=[m, s], outputs=at.prod(m / s, axis=0), values=[mv, sv])


@case("local_sum_prod_alloc")
def _():
    return dict(
        inputs=[s, i], outputs=at.sum(at.alloc(s, i, 3), axis=1), values=[sv, iv]
    )


@case("local_reduce_dimshuffle")
def _():
    return dict(inputs=[m], outputs=at.sum(m.T, axis=0), values=[mv])


@case("local_max_of_neg")
def _():
    return dict(inputs=[m], outputs=at.max(-m, axis=1), values=[mv])


# --- indexing -----------------------------------------------------------------


@case("local_useless_subtensor")
def _():
    return dict(inputs=[m], outputs=m[:, :] * 2, values=[mv], fires=no_op(Subtensor))


@case("local_subtensor_merge")
def _():
    return dict(inputs=[x], outputs=x[1:][1:], values=[xv])


@case("local_subtensor_lift")
def _():
    return dict(inputs=[m], outputs=at.exp(m)[0], values=[mv])


@case("local_subtensor_of_alloc")
def _():
    return dict(
        inputs=[s, i],
        outputs=at.alloc(s, i, 3)[0],
        values=[sv, iv],
        fires=no_op(Subtensor),
    )


@case("local_subtensor_make_vector")
def _():
    return dict(inputs=[s], outputs=fvec(s, s * 2, s + 1)[1], values=[sv])


@case("local_incsubtensor_of_zeros")
def _():
    return dict(
        inputs=[x],
        outputs=at.inc_subtensor(x[1:], at.zeros((2,))),
        values=[xv],
        fires=no_op(IncSubtensor),
    )


@case("local_incsubtensor_of_zeros_to_setsubtensor")
def _():
    return dict(
        inputs=[x, i],
        outputs=at.inc_subtensor(at.zeros((i,))[1:], x[:2]),
        values=[xv, np.array(3)],
    )


@case("local_setsubtensor_of_constants")
def _():
    c = at.constant(np.zeros(3))
    return dict(
        inputs=[x, i],
        outputs=at.set_subtensor(c[1:], at.alloc(0.0, i)) + x,
        values=[xv, iv],
    )


@case("local_useless_inc_subtensor")
def _():
    return dict(
        inputs=[x],
        outputs=at.set_subtensor(x[:], at.exp(x)),
        values=[xv],
        fires=no_op(IncSubtensor),
    )


@case("local_adv_sub1_adv_inc_sub1")
def _():
    idx = at.constant(np.array([2, 0]))
    return dict(
        inputs=[x, y],
        outputs=at.set_subtensor(x[idx], y[:2])[idx],
        values=[xv, yv],
        fires=no_op(AdvancedSubtensor1),
    )


# --- BLAS -----------------------------------------------------------------------


@case("local_dot_to_dot22")
def _():
    return dict(
        inputs=[m, n], outputs=at.dot(m, n), values=[mv, nv], fires=an_op(Dot22)
    )


@case("gemm_optimizer")
def _():
    p = at.dmatrix("p")
    return dict(
        inputs=[p, m, n],
        outputs=p + 2.0 * at.dot(m, n),
        values=[RNG.normal(size=(3, 2)), mv, nv],
        fires=an_op(Gemm),
    )


@case("local_dot22_to_dot22scalar")
def _():
    return dict(
        inputs=[m, n, s],
        outputs=s * at.dot(m, n),
        values=[mv, nv, sv],
        fires=an_op(Dot22Scalar),
    )


@case("local_dot22_to_ger")
def _():
    p = at.dmatrix("p")
    return dict(
        inputs=[p, x, y],
        outputs=at.outer(x, y),
        values=[RNG.normal(size=(3, 3)), xv, yv],
        fires=an_op(Ger),
    )


@case("blas_opt_inplace")
def _():
    p = at.dmatrix("p")
    return dict(
        inputs=[p, m, n],
        outputs=at.exp(p) + 2.0 * at.dot(m, n),
        values=[RNG.normal(size=(3, 2)), mv, nv],
        fires=inplace,
    )


# --- fusion and in-place --------------------------------------------------------


@case("composite_elemwise_fusion")
def _():
    return dict(
        inputs=[x, y],
        outputs=at.exp(x) * at.sin(y) + 1,
        values=[xv, yv],
        fires=an_op(aes.Composite, True),
    )


@case("local_careduce_fusion")
def _():
    return dict(inputs=[m], outputs=at.sum(at.exp(m), axis=1), values=[mv])


@case("inplace_elemwise_opt")
def _():
    return dict(
        inputs=[m, n], outputs=at.exp(at.dot(m, n)), values=[mv, nv], fires=inplace
    )


@case("local_inplace_setsubtensor")
def _():
    return dict(
        inputs=[x, y],
        outputs=at.set_subtensor(at.exp(x)[1:], y[:2]),
        values=[xv, yv],
        fires=inplace,
    )


@case("local_inplace_AdvancedIncSubtensor1")
def _():
    idx = at.lvector("idx")
    return dict(
        inputs=[x, y, idx],
        outputs=at.inc_subtensor(at.exp(x)[idx], y),
        values=[xv, yv, np.array([2, 0, 2])],
        fires=inplace,
    )


@case("local_inplace_AdvancedIncSubtensor")
def _():
    idx = at.lvector("idx")
    jdx = at.lvector("jdx")
    return dict(
        inputs=[m, x, idx, jdx],
        outputs=at.inc_subtensor(at.exp(m)[idx, jdx], x),
        values=[mv, xv, np.array([2, 0, 2]), np.array([1, 3, 1])],
        fires=inplace,
    )


@case("random_make_inplace")
def _():
    rng = at.random.type.random_generator_type("rng")
    draws = at.random.normal(0, 1, size=(3,), rng=rng)
    return dict(
        inputs=[In(rng, mutable=True)],
        outputs=draws,
        values=[np.random.default_rng(3)],
        fires=inplace,
    )


# ----------------------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(CASES))
def test_rewrite_fires_and_keeps_values(name):
    spec = CASES[name]()
    # The Python linker: the rewrites are the same, and no C code is compiled.
    check_rewrite(name, linker="py", **spec)


# Rewrites whose results (fused kernels, BLAS calls, in-place ops) the
# default linker runs with its own C code: checked with it too.
WITH_DEFAULT_LINKER = [
    "composite_elemwise_fusion",
    "gemm_optimizer",
    "inplace_elemwise_opt",
    "local_careduce_fusion",
    "local_logsoftmax",
]


@pytest.mark.parametrize("name", WITH_DEFAULT_LINKER)
def test_rewrite_with_default_linker(name):
    check_rewrite(name, check_excluded=False, **CASES[name]())


def _covered_elsewhere() -> set[str]:
    """Names checked by a ``check_rewrite("name"`` call in any test file."""
    root = Path(__file__).resolve().parents[2]
    pat = re.compile(r"check_rewrite\(\s*[\"']([^\"']+)[\"']")
    found: set[str] = set()
    for path in root.rglob("*.py"):
        found.update(pat.findall(path.read_text(encoding="utf-8", errors="replace")))
    return found


def test_every_registered_rewrite_is_covered():
    names = set(registered_rewrites())
    covered = set(CASES) | _covered_elsewhere()
    missing = sorted(names - covered - set(EXEMPT))
    assert not missing, f"Registered rewrites without a fires+equal case: {missing}"
    stale = sorted((set(CASES) | set(EXEMPT)) - names)
    assert not stale, f"Cases or exemptions for names no longer registered: {stale}"
