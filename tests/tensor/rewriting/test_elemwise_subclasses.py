"""Rewrites keep subclasses of Elemwise: they are other ops, matched by equality.

Libraries built on aesara (AePPL's "measurable" ops) derive from ``Elemwise``
to mark nodes; a rewrite that matches a scalar op (``add``, ``mul``, ``log``...)
must not turn such a node back into a plain ``Elemwise``.
"""

import numpy as np
import pytest

import aesara
import aesara.scalar as aes
import aesara.tensor as at
from aesara.compile.mode import optdb
from aesara.graph.fg import FunctionGraph
from aesara.tensor.elemwise import Elemwise


class MarkedElemwise(Elemwise):
    """An Elemwise subclass, as a library would define to tag nodes."""


def marked(scalar_op, *inputs):
    return MarkedElemwise(scalar_op)(*inputs)


def canonicalize(outputs, inputs):
    fg = FunctionGraph(inputs, outputs, clone=False)
    optdb.query("+canonicalize").rewrite(fg)
    return fg


def op_classes(fg):
    return sorted(type(n.op).__name__ for n in fg.apply_nodes)


def test_subclass_is_not_equal_to_plain_op():
    assert MarkedElemwise(aes.add) != at.add
    assert MarkedElemwise(aes.add) == MarkedElemwise(aes.add)


@pytest.mark.parametrize(
    "build",
    [
        # 5 - x is canonicalized to x * -1 + 5 for a plain op
        lambda x: marked(aes.add, marked(aes.mul, x, at.constant(-1.0)), 5.0),
        # a * 1 -> a and a + 0 -> a for plain ops
        lambda x: marked(aes.mul, x, at.constant(1.0)),
        lambda x: marked(aes.add, x, at.constant(0.0)),
        # neg(neg(x)) -> x
        lambda x: marked(aes.neg, marked(aes.neg, x)),
        # x / y over reciprocal
        lambda x: marked(aes.true_div, at.constant(2.0), x),
    ],
)
def test_canonicalize_keeps_subclass_nodes(build):
    x = at.dscalar("x")
    out = build(x)
    n_marked = sum(
        isinstance(n.op, MarkedElemwise)
        for n in FunctionGraph([x], [out], clone=False).apply_nodes
    )
    fg = canonicalize([out], [x])
    kept = [n for n in fg.apply_nodes if isinstance(n.op, MarkedElemwise)]
    assert len(kept) == n_marked
    assert all(type(n.op) is MarkedElemwise for n in kept)


def test_plain_ops_around_subclass_still_rewritten():
    x = at.dscalar("x")
    inner = marked(aes.exp, x)
    out = at.neg(at.neg(inner))
    fg = canonicalize([out], [x])
    # the plain neg(neg(.)) went away; the marked node stayed
    assert op_classes(fg) == ["MarkedElemwise"]
    assert fg.outputs[0].owner.op == MarkedElemwise(aes.exp)


def test_stabilize_and_specialize_leave_subclass_alone():
    x = at.dvector("x")
    # log(1 + x) -> log1p(x) only for the plain ops
    out = marked(aes.log, marked(aes.add, at.constant(1.0), x))
    fg = FunctionGraph([x], [out], clone=False)
    optdb.query("+canonicalize", "+stabilize", "+specialize").rewrite(fg)
    assert {type(n.op) for n in fg.apply_nodes} == {MarkedElemwise}
    assert {str(n.op.scalar_op) for n in fg.apply_nodes} == {"log", "add"}


def test_rewrites_that_rebuild_keep_the_class():
    # dimshuffle(f(x)) -> f(dimshuffle(x)) rebuilds with node.op itself
    x = at.dvector("x")
    out = marked(aes.exp, x).dimshuffle("x", 0)
    fg = FunctionGraph([x], [out], clone=False)
    optdb.query("+canonicalize").rewrite(fg)
    assert any(type(n.op) is MarkedElemwise for n in fg.apply_nodes)


def test_compiled_function_with_subclass_computes_the_same():
    x = at.dvector("x")
    out = marked(aes.add, marked(aes.mul, x, at.constant(-1.0)), 5.0)
    f = aesara.function([x], out)
    np.testing.assert_allclose(f(np.array([1.0, 2.0])), [4.0, 3.0])
