"""Unification of aesara graphs with etuple patterns."""

import numpy as np
import pytest
from cons.core import ConsError, car, cdr
from etuples import etuple, etuplize
from unification import reify, unify, var

import aesara.tensor as at
from aesara.graph.basic import equal_computations
from aesara.graph.rewriting.unify import (
    ConstrainedVar,
    convert_strs_to_vars,
    eval_if_etuple,
)
from aesara.tensor.elemwise import Elemwise


def test_car_cdr_of_variables_and_ops():
    x = at.dvector("x")
    y = at.exp(x)
    assert car(y) == at.exp
    assert list(cdr(y)) == [x]
    assert car(at.exp) is Elemwise
    assert cdr(at.exp)[0] == at.exp.scalar_op
    with pytest.raises(ConsError):
        car(x)
    with pytest.raises(ConsError):
        cdr(at.constant(1.0))


def test_etuplize_round_trip():
    x = at.dvector("x")
    y = at.dvector("y")
    z = at.exp(x) * y + 2.0
    e = etuplize(z)
    assert e.evaled_obj is z
    fresh = etuple(*e)  # drops the cached object: evaluation rebuilds the graph
    rebuilt = fresh.evaled_obj
    assert rebuilt is not z
    assert equal_computations([rebuilt], [z])


def test_unify_pattern_and_reify():
    x = at.dvector("x")
    y = at.dvector("y")
    z = at.exp(x) + y
    a, b = var(), var()
    pattern = etuple(etuplize(at.add), etuple(etuplize(at.exp), a), b)
    s = unify(pattern, z)
    assert s[a] is x and s[b] is y
    # Reify a different expression with the same substitution.
    out = eval_if_etuple(reify(etuple(etuplize(at.mul), b, a), s))
    assert equal_computations([out], [y * x])
    # Unification is symmetric and fails on a different op.
    assert unify(z, pattern)[a] is x
    assert unify(etuple(etuplize(at.mul), a, b), z) is False


def test_unify_ops_by_props():
    a = var()
    s = unify(etuple(Elemwise, a, {}), at.exp)
    assert s[a] == at.exp.scalar_op
    assert unify(at.exp, at.exp) == {}
    assert unify(at.exp, at.log) is False


def test_unify_constants():
    c = at.constant(np.array(2.0))
    assert unify(c, at.constant(np.array(2.0))) == {}
    assert unify(c, at.constant(np.array(3.0))) is False
    assert unify(c, 2.0) == {}
    assert unify(3, c) is False


def test_constrained_var():
    x = at.dvector("x")
    i = at.lvector("i")
    is_float = ConstrainedVar(lambda v: v.type.dtype.startswith("float"))
    assert unify(is_float, x)[is_float] is x
    assert unify(is_float, i) is False
    pattern = etuple(etuplize(at.exp), is_float)
    assert unify(pattern, at.exp(x)) is not False
    assert unify(pattern, at.exp(i)) is False
    with pytest.raises(TypeError):
        ConstrainedVar("not callable")


def test_convert_strs_to_vars():
    p = convert_strs_to_vars((at.add, "x", ("exp", "x")), reserve={"exp": None})
    assert isinstance(p[1], type(var()))
    assert p[1] == p[2][1]
    assert p[2][0] == "exp"
    constrained = convert_strs_to_vars({"pattern": "y", "constraint": lambda v: True})
    assert isinstance(constrained, ConstrainedVar)
    with pytest.raises(TypeError, match="pattern"):
        convert_strs_to_vars({"pattern": 3})


def test_convert_strs_to_vars_pattern_matches_graph():
    x = at.dvector("x")
    z = x + at.exp(x)
    pattern = convert_strs_to_vars((etuplize(at.add), "a", (etuplize(at.exp), "a")))
    s = unify(pattern, z)
    assert s is not False
    assert list(s.values()) == [x]
    # The same name must bind the same variable.
    y = at.dvector("y")
    assert unify(pattern, x + at.exp(y)) is False
