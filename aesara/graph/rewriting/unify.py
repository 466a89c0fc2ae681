"""Aesara graphs as terms for :mod:`unification`, :mod:`cons` and :mod:`etuples`.

Importing this module teaches those libraries to see graphs as S-expressions:

* a variable computed by an :class:`Apply` node is the pair
  ``(op, *inputs)``: ``car(v)`` is its op and ``cdr(v)`` its inputs;
* an op with ``__props__`` is the pair ``(type(op), *props)`` when calling
  its class on those props rebuilds an equal op (ops that cannot be rebuilt
  that way stay atoms, compared by equality);
* constants unify with equal constants and with equal plain numbers/arrays.

So ``etuples.etuplize(at.exp(x) + 1)`` gives an expression tuple that
evaluates back to an equal graph, ``unification.unify(pattern, graph)``
matches patterns built from ``etuple``\\s and logic variables, and
``unification.reify`` (followed by :func:`eval_if_etuple`) rebuilds a graph
from a pattern and a substitution.

:class:`ConstrainedVar` is a logic variable that only unifies with values
satisfying a predicate; :func:`convert_strs_to_vars` turns the
``PatternNodeRewriter`` pattern syntax (tuples, strings, constraint dicts)
into ``etuple`` patterns.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import numpy as np
from cons.core import ConsError, _car, _cdr
from etuples import etuple
from etuples.core import ExpressionTuple
from etuples.dispatch import apply as _etuple_apply
from unification.core import _unify, assoc
from unification.utils import transitive_get as walk
from unification.variable import Var, isvar, var

from aesara.graph.basic import Apply, Constant, Variable
from aesara.graph.op import Op
from aesara.graph.type import Type

__all__ = [
    "ConstrainedVar",
    "apply_Op_ExpressionTuple",
    "car_Op",
    "car_Type",
    "car_Variable",
    "cdr_Op",
    "cdr_Type",
    "cdr_Variable",
    "convert_strs_to_vars",
    "eval_if_etuple",
]


class ConstrainedVar(Var):
    """A logic variable that unifies only with values ``v`` where ``constraint(v)``.

    Parameters
    ----------
    constraint
        Predicate called on the (evaluated) candidate value.
    token
        Name of the variable (a fresh one when omitted).
    prefix
        Prefix of the generated name.
    """

    __slots__ = ("constraint",)

    def __new__(cls, constraint: Callable[[Any], bool], token=None, prefix=""):
        if not callable(constraint):
            raise TypeError(
                f"ConstrainedVar: constraint must be callable, got {constraint!r}"
            )
        if token is None:
            token = f"{prefix}_{Var._id}"
            Var._id += 1
        key = (token, constraint)
        obj = cls._refs.get(key, None)
        if obj is None:
            obj = object.__new__(cls)
            obj.token = token
            obj.constraint = constraint
            cls._refs[key] = obj
        return obj

    def __eq__(self, other):
        if type(self) is type(other):
            return self.token == other.token and self.constraint == other.constraint
        return NotImplemented

    def __hash__(self):
        return hash((type(self), self.token, self.constraint))

    def __str__(self):
        return f"~{self.token} [{self.constraint}]"

    def __repr__(self):
        return f"ConstrainedVar({self.constraint!r}, {self.token!r})"


def eval_if_etuple(x: Any) -> Any:
    """The object an :class:`~etuples.core.ExpressionTuple` stands for (others as is)."""
    if isinstance(x, ExpressionTuple):
        return x.evaled_obj
    return x


def _unify_ConstrainedVar_object(u, v, s):
    u_w = walk(u, s)
    v_w = walk(v, s) if isvar(v) else v
    if u_w == v_w:
        yield s
        return
    if isvar(u_w):
        if (
            isinstance(u_w, ConstrainedVar)
            and not isvar(v_w)
            and not u_w.constraint(eval_if_etuple(v_w))
        ):
            yield False
            return
        yield assoc(s, u_w, v_w)
    elif isvar(v_w):
        if (
            isinstance(v_w, ConstrainedVar)
            and not isvar(u_w)
            and not v_w.constraint(eval_if_etuple(u_w))
        ):
            yield False
            return
        yield assoc(s, v_w, u_w)
    else:
        yield _unify(u_w, v_w, s)


_unify.add((ConstrainedVar, object, Mapping), _unify_ConstrainedVar_object)
_unify.add((object, ConstrainedVar, Mapping), _unify_ConstrainedVar_object)
_unify.add((ConstrainedVar, ConstrainedVar, Mapping), _unify_ConstrainedVar_object)


# ---------------------------------------------------------------------------
# Constants
# ---------------------------------------------------------------------------


def _same_value(a: Any, b: Any) -> bool:
    try:
        a = np.asarray(a)
        b = np.asarray(b)
    except Exception:
        return False
    if a.shape != b.shape or a.dtype.kind == "O" or b.dtype.kind == "O":
        return False
    return bool(np.array_equal(a, b, equal_nan=a.dtype.kind in "fc"))


def _unify_Constant_Constant(u, v, s):
    # Equal data of the same type: the same value, whichever object holds it.
    if u is v or (u.type == v.type and _same_value(u.data, v.data)):
        yield s
    else:
        yield False


def _unify_Constant_value(u, v, s):
    if isinstance(u, Constant):
        u, v = v, u
    # ``v`` is the constant; ``u`` a number or array given in a pattern.
    yield s if _same_value(v.data, u) else False


_unify.add((Constant, Constant, Mapping), _unify_Constant_Constant)
for _t in (int, float, complex, np.number, np.ndarray):
    _unify.add((Constant, _t, Mapping), _unify_Constant_value)
    _unify.add((_t, Constant, Mapping), _unify_Constant_value)


# ---------------------------------------------------------------------------
# car/cdr of ops and variables
# ---------------------------------------------------------------------------


def _op_props(op: Op) -> tuple | None:
    props = getattr(op, "__props__", None)
    if props is None:
        return None
    return tuple(getattr(op, p) for p in props)


def car_Op(x: Op) -> type:
    """The class of an op that declares ``__props__`` (else ``ConsError``).

    As in Aesara, an op with ``__props__`` is a cons pair whatever its
    constructor takes: ``etuple(type(op), *props)`` evaluates back to the op
    itself while it is unchanged (the etuple keeps the object).
    """
    if _op_props(x) is not None:
        return type(x)
    raise ConsError(f"{x} is not a cons pair: it has no __props__")


def cdr_Op(x: Op) -> ExpressionTuple:
    """The ``__props__`` values of an op."""
    props = _op_props(x)
    if props is None:
        raise ConsError(f"{x} is not a cons pair: it has no __props__")
    x_e = etuple(_car(x), *props, evaled_obj=x)
    return x_e[1:]


def _node_output(x: Variable) -> Apply | None:
    """The node computing ``x`` when ``op(*inputs)`` gives back ``x``'s kind of output."""
    node = x.owner
    if node is None:
        return None
    if len(node.outputs) == 1:
        return node
    default = getattr(node.op, "default_output", None)
    if default is not None and node.outputs[default] is x:
        return node
    return None


def car_Variable(x: Variable) -> Op:
    """The op computing ``x`` (``ConsError`` for inputs and constants)."""
    node = _node_output(x)
    if node is None:
        raise ConsError(f"{x} is not a cons pair: it has no single-output owner")
    return node.op


def cdr_Variable(x: Variable) -> ExpressionTuple:
    """The inputs of the node computing ``x``."""
    node = _node_output(x)
    if node is None:
        raise ConsError(f"{x} is not a cons pair: it has no single-output owner")
    x_e = etuple(node.op, *node.inputs, evaled_obj=x)
    return x_e[1:]


def car_Type(x: Type) -> type:
    """The class of a type that declares ``__props__`` (else ``ConsError``).

    A type with ``__props__`` is the cons pair ``(type(t), *props)``, so
    types in patterns unify field by field (e.g. a ``TensorType`` pattern
    with a logic variable for the dtype).
    """
    if getattr(x, "__props__", None) is None:
        raise ConsError(f"{x} is not a cons pair: it has no __props__")
    return type(x)


def cdr_Type(x: Type) -> ExpressionTuple:
    """The ``__props__`` values of a type."""
    props = getattr(x, "__props__", None)
    if props is None:
        raise ConsError(f"{x} is not a cons pair: it has no __props__")
    x_e = etuple(type(x), *(getattr(x, p) for p in props), evaled_obj=x)
    return x_e[1:]


def apply_Op_ExpressionTuple(op: Op, etuple_arg: ExpressionTuple) -> Any:
    """Apply ``op`` to the (evaluated) arguments of ``etuple_arg``.

    This is what ``etuples.apply(op, args)`` (``kanren.term``) does for an
    op: build the node right away and return its default output, or the list
    of its outputs when it has several and no default.
    """
    node = op.make_node(*(eval_if_etuple(a) for a in etuple_arg))
    try:
        return node.default_output()
    except ValueError:
        return node.outputs


_car.add((Op,), car_Op)
_cdr.add((Op,), cdr_Op)
_car.add((Type,), car_Type)
_cdr.add((Type,), cdr_Type)
_car.add((Variable,), car_Variable)
_cdr.add((Variable,), cdr_Variable)
_etuple_apply.add((Op, ExpressionTuple), apply_Op_ExpressionTuple)


def _unify_etuplized_first(u, v, s):
    # The dispatcher does not route (graph object, etuple) pairs to the cons
    # unifier on its own: turn the graph object into an etuple one level deep.
    try:
        u_et = etuple(_car(u), *_cdr(u), evaled_obj=u)
    except ConsError:
        yield False
        return
    yield _unify(u_et, v, s)


def _unify_etuplized_second(u, v, s):
    yield _unify_etuplized_first(v, u, s)


for _t in (Op, Type, Variable):
    _unify.add((_t, ExpressionTuple, Mapping), _unify_etuplized_first)
    _unify.add((ExpressionTuple, _t, Mapping), _unify_etuplized_second)


# ---------------------------------------------------------------------------
# Pattern conversion
# ---------------------------------------------------------------------------


def convert_strs_to_vars(
    x: Any, reserve: Mapping | None = None, var_map: dict | None = None
) -> Any:
    """Turn a ``PatternNodeRewriter``-style pattern into an ``etuple`` pattern.

    Tuples become ``etuple``\\s, strings become logic variables (the same
    string, the same variable) and ``{"pattern": name, "constraint": fn}``
    dicts become :class:`ConstrainedVar`\\s.

    Parameters
    ----------
    x
        The pattern.
    reserve
        Names that must not be turned into variables (kept as strings).
    var_map
        Names already mapped to logic variables; filled in place.
    """
    if var_map is None:
        var_map = {}
    reserve = reserve or {}

    def _convert(y):
        if isinstance(y, str):
            if y in reserve:
                return y
            v = var_map.get(y)
            if v is None:
                v = var_map[y] = var(y)
            return v
        if isinstance(y, dict):
            pattern = y.get("pattern")
            if not isinstance(pattern, str):
                raise TypeError(
                    "convert_strs_to_vars: a constraint dict needs a string "
                    f"'pattern', got {pattern!r}"
                )
            constraint = y.get("constraint", lambda _: True)
            v = var_map.get(pattern)
            if v is None:
                v = var_map[pattern] = ConstrainedVar(constraint, pattern)
            return v
        if isinstance(y, tuple):
            return etuple(*(_convert(e) for e in y))
        return y

    return _convert(x)
