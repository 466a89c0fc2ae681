"""Audit of every place that writes into memory it may share (issue 21).

Issue 21 was a fused C kernel that wrote one output over an input a later
output still read. These tests go through the other places where a buffer is
reused or overwritten and check, against the Python linker without rewrites
and against NumPy, that none reads memory after it was overwritten:

* in-place ``IncSubtensor``, ``AdvancedIncSubtensor1``, ``AdvancedIncSubtensor``
  (the value a view of the destination, duplicates, negative strides,
  broadcasting, a read-only destination, the destroyed tensor still needed);
* the in-place BLAS ops (``gemm_inplace``, ``gemv_inplace``, ``ger_destructive``):
  what the destroy handler accepts, every layout of the destroyed operand,
  operands that alias it only at run time;
* element-wise ops whose NumPy function returns a view (``real``, ``imag``);
* the C thunks' reuse of their previous output array between calls: a result
  handed to the caller (or a view of it) never changes on the next call.

Graphs are built both from the user functions (the default rewrites make
them in place) and directly from the in-place ops (``accept_inplace=True``).
"""

from __future__ import annotations

import warnings

import numpy as np
import pytest

import aesara.scalar as aes
import aesara.tensor as at
from aesara.compile.function import function
from aesara.compile.io import In, Out
from aesara.compile.mode import Mode, get_default_mode
from aesara.compile.sharedvalue import shared
from aesara.graph.basic import Constant, graph_inputs, io_toposort
from aesara.graph.fg import FunctionGraph
from aesara.graph.rewriting.basic import MergeOptimizer
from aesara.graph.utils import InconsistencyError
from aesara.link.c.compiler import c_compiler_available
from aesara.link.c.registry import build_plans, plan_for
from aesara.tensor.blas import Gemm, gemm_inplace, gemv_inplace, ger_destructive
from aesara.tensor.elemwise import Elemwise
from aesara.tensor.extra_ops import broadcast_to
from aesara.tensor.subtensor import IncSubtensor, inc_subtensor, set_subtensor
from aesara.tensor.subtensor_advanced import (
    AdvancedIncSubtensor,
    AdvancedIncSubtensor1,
)
from aesara.tensor.type import dmatrix, dvector, lvector, tensor, zvector

PY = Mode(linker="py", optimizer=None)
# The default rewrites (in-place ops included) run by ``perform``.
PY_REWRITTEN = Mode(linker="py", optimizer="fast_run")
HAVE_C = c_compiler_available()
needs_c = pytest.mark.skipif(not HAVE_C, reason="needs a working C compiler")
RNG = np.random.default_rng(2121)
M6 = RNG.standard_normal((6, 6))
M6B = RNG.standard_normal((6, 6))
V6 = RNG.standard_normal(6)
W6 = RNG.standard_normal(6)
TOL = {"tolerate_inplace_aliasing": True}


def _inputs(values):
    return [
        tensor(dtype=str(v.dtype), shape=(None,) * v.ndim, name=f"in{k}")
        for k, v in enumerate(values)
    ]


def _op_names(fn) -> list[str]:
    return [str(n.op) for n in fn.maker.fgraph.toposort()]


def _compile(build, values, mode, accept_inplace=False):
    ins = _inputs(values)
    outs = build(*ins)
    outs = list(outs) if isinstance(outs, (list, tuple)) else [outs]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        return function(
            ins,
            outs,
            mode=mode,
            accept_inplace=accept_inplace,
            on_unused_input="ignore",
        )


def check_graph(build, values, ref=None, accept_inplace=False, expect=()):
    """Default mode == Python linker without rewrites (== ``ref`` when given).

    The Python linker with the default rewrites runs too (the in-place ops'
    ``perform``, which is also the C thunks' fallback). Each mode runs on
    copies of ``values``, which must come back unchanged. ``expect`` lists op names the default graph must contain (so the test
    exercises the in-place op it is about). Returns the default function.
    """
    results = []
    for mode in (PY, PY_REWRITTEN, get_default_mode()):
        fn = _compile(build, values, mode, accept_inplace)
        args = [v.copy() for v in values]
        results.append([np.array(r, copy=True) for r in fn(*args)])
        for a, v in zip(args, values):
            np.testing.assert_array_equal(a, v, err_msg="an input was overwritten")
    names = _op_names(fn)
    for name in expect:
        assert name in names, f"{name} not in the default graph {names}"
    expected = results[0] if ref is None else ref(*values)
    expected = expected if isinstance(expected, list) else [expected]
    for mode_results in results:
        assert len(mode_results) == len(expected)
        for got, want in zip(mode_results, expected):
            np.testing.assert_allclose(got, want, rtol=1e-12, atol=1e-12)
    return fn


def _np_set(x, key, y):
    """NumPy ``x[key] = y`` with ``y`` read before any write (copy semantics)."""
    x = x.copy()
    x[key] = np.array(y, copy=True)
    return x


def _np_inc(x, key, y):
    x = x.copy()
    x[key] += np.array(y, copy=True)
    return x


# ---------------------------------------------------------------------------
# In-place IncSubtensor: the value aliases the destination
# ---------------------------------------------------------------------------

ALIASED_UPDATES = {
    "set shift": (
        lambda x: set_subtensor((x * 2)[1:], (x * 2)[:-1], **TOL),
        lambda x: _np_set(x * 2, np.s_[1:], (x * 2)[:-1]),
        V6,
    ),
    "set shift back": (
        lambda x: set_subtensor((x * 2)[:-1], (x * 2)[1:], **TOL),
        lambda x: _np_set(x * 2, np.s_[:-1], (x * 2)[1:]),
        V6,
    ),
    "inc reversed": (
        lambda x: inc_subtensor((x * 2)[::-1], x * 2, **TOL),
        lambda x: _np_inc(x * 2, np.s_[::-1], x * 2),
        V6,
    ),
    "set strided reversed": (
        lambda x: set_subtensor((x * 2)[::2], (x * 2)[1::2][::-1], **TOL),
        lambda x: _np_set(x * 2, np.s_[::2], (x * 2)[1::2][::-1]),
        V6,
    ),
    "set transpose": (
        lambda x: set_subtensor((x * 2)[:, ::-1], (x * 2).T, **TOL),
        lambda x: _np_set(x * 2, np.s_[:, ::-1], (x * 2).T),
        M6,
    ),
    "set shifted block": (
        lambda x: set_subtensor((x * 2)[1:, 1:], (x * 2)[:-1, :-1], **TOL),
        lambda x: _np_set(x * 2, np.s_[1:, 1:], (x * 2)[:-1, :-1]),
        M6,
    ),
    "inc broadcast row over itself": (
        lambda x: inc_subtensor((x * 2)[:], (x * 2)[0], **TOL),
        lambda x: _np_inc(x * 2, np.s_[:], (x * 2)[0]),
        M6,
    ),
    "inc broadcast column": (
        lambda x: inc_subtensor((x * 2)[:, 1:], (x * 2)[:, :1], **TOL),
        lambda x: _np_inc(x * 2, np.s_[:, 1:], (x * 2)[:, :1]),
        M6,
    ),
}


@pytest.mark.parametrize("case", sorted(ALIASED_UPDATES))
def test_inplace_incsubtensor_value_aliasing_destination(case):
    build, ref, value = ALIASED_UPDATES[case]
    name = "InplaceSetSubtensor" if case.startswith("set") else "InplaceIncSubtensor"
    fn = check_graph(build, [value], ref)
    assert any(n.startswith(name) for n in _op_names(fn)), _op_names(fn)


def test_aliasing_tolerance_is_part_of_the_op_identity():
    """Regression: ops differing only in the tolerance were equal.

    The rewrite cache (keyed by ``__props__``) and ``MergeOptimizer`` then
    handed a graph built without ``tolerate_inplace_aliasing`` the in-place
    op of an earlier, tolerant graph.
    """
    x = dvector("x")
    z = x * 2
    tolerant = set_subtensor(z[1:], z[:-1], **TOL)
    plain = set_subtensor(z[1:], z[:-1])
    assert tolerant.owner.op != plain.owner.op
    assert hash(tolerant.owner.op) != hash(plain.owner.op)
    assert "destroyhandler_tolerate_aliased" in IncSubtensor.__props__
    # Aesara's list-of-lists spelling means the same op.
    same = IncSubtensor(
        plain.owner.op.idx_list,
        set_instead_of_inc=True,
        destroyhandler_tolerate_aliased=[[0, 1]],
    )
    assert same == tolerant.owner.op
    fg = FunctionGraph([x], [tolerant, plain], clone=False)
    MergeOptimizer().rewrite(fg)
    assert fg.outputs[0] is not fg.outputs[1]

    # The tolerant graph first, then the plain one, in the same process: the
    # plain one must not come back in place.
    check_graph(
        lambda x: set_subtensor((x * 2)[1:], (x * 2)[:-1], **TOL),
        [V6],
        expect=("InplaceSetSubtensor{int64::}",),
    )
    fn = check_graph(lambda x: set_subtensor((x * 2)[1:], (x * 2)[:-1]), [V6])
    (node,) = [n for n in fn.maker.fgraph.apply_nodes if isinstance(n.op, IncSubtensor)]
    assert not node.op.inplace
    assert node.op.destroyhandler_tolerate_aliased == []


def _inplace_set(x, y, key_node):
    """``IncSubtensor(inplace=True, set)`` of ``x`` at ``key_node``'s index."""
    op = IncSubtensor(key_node.op.idx_list, inplace=True, set_instead_of_inc=True)
    return op(x, y, *key_node.inputs[1:])


def test_destroy_handler_rejects_destroyer_reading_an_alias():
    """The in-place ops, built directly, may not read what they overwrite."""
    x, v = dmatrix("x"), dvector("v")
    z = x * 1.5
    graphs = [
        _inplace_set(z, z[:-1], z[1:].owner),
        AdvancedIncSubtensor1(inplace=True)(z, z[0], lvector("i")),
        AdvancedIncSubtensor(inplace=True)(z, z[0], lvector("i")),
        gemm_inplace(z, 0.5, z, z.T, 2.0),
        gemm_inplace(z, 0.5, x, z[::-1], 2.0),
        ger_destructive(z, 0.5, v, z[0]),
        gemv_inplace(z[0], 0.5, z, v, 2.0),
    ]
    for out in graphs:
        ins = [i for i in graph_inputs([out]) if not isinstance(i, Constant)]
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            with pytest.raises(InconsistencyError, match="Input aliasing"):
                function(ins, out, accept_inplace=True)


def _add_at(x, idx, y):
    x = x.copy()
    np.add.at(x, idx, np.array(y, copy=True))
    return x


# (build from x, NumPy reference, value, op expected in the default graph).
# A value that is a view of the destination keeps the op out of place (the
# destroy handler forbids it); a value from another intermediate lets the
# rewrites make it in place.
ADVANCED_UPDATES = {
    "adv1 inc duplicates, value a view of x": (
        lambda x: inc_subtensor((x * 2)[[1, 1, 2]], (x * 2)[:3]),
        lambda x: _add_at(x * 2, [1, 1, 2], (x * 2)[:3]),
        V6,
        "AdvancedIncSubtensor1{no_inplace}",
    ),
    "adv1 inc duplicates": (
        lambda x: inc_subtensor((x * 2)[[1, 1, 2]], (x * 3)[:3]),
        lambda x: _add_at(x * 2, [1, 1, 2], (x * 3)[:3]),
        V6,
        "AdvancedIncSubtensor1{inplace}",
    ),
    "adv1 set duplicates, value a view of x": (
        lambda x: set_subtensor((x * 2)[[1, 1, 2]], (x * 2)[:3]),
        lambda x: _np_set(x * 2, [1, 1, 2], (x * 2)[:3]),
        V6,
        "AdvancedSetSubtensor1{no_inplace}",
    ),
    "adv1 set duplicates, negative": (
        lambda x: set_subtensor((x * 2)[[-1, 1, -1]], (x * 3)[:3]),
        lambda x: _np_set(x * 2, [-1, 1, -1], (x * 3)[:3]),
        V6,
        "AdvancedSetSubtensor1{inplace}",
    ),
    "adv1 inc gathered from x": (
        lambda x: inc_subtensor((x * 2)[[0, 2, 4]], (x * 2)[[4, 2, 0]]),
        lambda x: _np_inc(x * 2, [0, 2, 4], (x * 2)[[4, 2, 0]]),
        V6,
        "AdvancedIncSubtensor1{inplace}",
    ),
    "adv1 inc rows, broadcast value": (
        lambda x: inc_subtensor((x * 2)[[0, 0, 5]], (x * 3)[1]),
        lambda x: _add_at(x * 2, [0, 0, 5], (x * 3)[1]),
        M6,
        "AdvancedIncSubtensor1{inplace}",
    ),
    "adv1 inc rows of a reversed view": (
        lambda x: inc_subtensor((x * 2)[::-1][[0, 0, 5]], (x * 3)[1]),
        lambda x: _add_at((x * 2)[::-1], [0, 0, 5], (x * 3)[1]),
        M6,
        "AdvancedIncSubtensor1{inplace}",
    ),
    "adv 2d inc duplicates, value a view of x": (
        lambda x: inc_subtensor((x * 2)[[0, 0, 1], [1, 1, 2]], (x * 2)[0, :3]),
        lambda x: _add_at(x * 2, ([0, 0, 1], [1, 1, 2]), (x * 2)[0, :3]),
        M6,
        "AdvancedIncSubtensor{no_inplace}",
    ),
    "adv 2d inc duplicates": (
        lambda x: inc_subtensor((x * 2)[[0, 0, 1], [1, 1, 2]], (x * 3)[0, :3]),
        lambda x: _add_at(x * 2, ([0, 0, 1], [1, 1, 2]), (x * 3)[0, :3]),
        M6,
        "AdvancedIncSubtensor{inplace}",
    ),
    "adv 2d set": (
        lambda x: set_subtensor((x * 2)[[0, 3], [5, 2]], (x * 3)[3, :2]),
        lambda x: _np_set(x * 2, ([0, 3], [5, 2]), (x * 3)[3, :2]),
        M6,
        "AdvancedSetSubtensor{inplace}",
    ),
}


@pytest.mark.parametrize("case", sorted(ADVANCED_UPDATES))
def test_advanced_updates_in_and_out_of_place(case):
    build, ref, value, name = ADVANCED_UPDATES[case]
    check_graph(build, [value], ref, expect=(name,))


DESTROYED_STILL_NEEDED = {
    "other output reads it": lambda x: [
        (x * 2).sum(),
        set_subtensor((x * 2)[1:], 0.0),
    ],
    "a view of it is an output": lambda x: [
        (x * 2)[0:3],
        set_subtensor((x * 2)[1:], 0.0),
    ],
    "its transpose is an output": lambda x: [
        (x * 2).T,
        inc_subtensor((x * 2)[1:], 1.0),
    ],
    "it is an output, a view of it is updated": lambda x: [
        x * 2,
        set_subtensor((x * 2)[::-1][1:], 0.0),
    ],
    "a view of it is read after": lambda x: [
        set_subtensor((x * 2)[1:], 0.0) + (x * 2)[::-1].sum()
    ],
    "two updates of one tensor": lambda x: [
        inc_subtensor((x * 2)[1:], 1.0),
        inc_subtensor((x * 2)[:2], 3.0),
    ],
    "chained updates": lambda x: [
        inc_subtensor(inc_subtensor((x * 2)[1:], 1.0)[:2], x[:2])
    ],
    "read-only broadcast destination, set": lambda x: [
        set_subtensor(broadcast_to(x * 2, (3, x.shape[0]))[0], 1.0)
    ],
    "read-only broadcast destination, inc": lambda x: [
        inc_subtensor(broadcast_to(x * 2, (3, x.shape[0]))[1:], 1.0)
    ],
    "read-only broadcast destination, adv1": lambda x: [
        set_subtensor(broadcast_to(x * 2, (3, x.shape[0]))[[0, 2]], 1.0)
    ],
    "read-only broadcast destination, adv": lambda x: [
        inc_subtensor(broadcast_to(x * 2, (3, x.shape[0]))[[0, 2], [1, 1]], 1.0)
    ],
}


@pytest.mark.parametrize("case", sorted(DESTROYED_STILL_NEEDED))
def test_inplace_update_of_tensor_still_needed(case):
    """The destroyed tensor is read elsewhere (or is read-only): same values."""
    x = V6 if "broadcast" not in case else V6[:4]
    check_graph(DESTROYED_STILL_NEEDED[case], [x])


def test_readonly_destination_of_rewritten_inplace_update():
    """Regression: an in-place update of a ``broadcast_to`` view raised.

    NumPy's broadcast view is read-only (its rows share memory). The
    in-place ops, Python and C, now update a copy, as Elemwise and BLAS do.
    """
    fn = check_graph(
        DESTROYED_STILL_NEEDED["read-only broadcast destination, set"],
        [V6[:4]],
        ref=lambda x: _np_set(np.broadcast_to(x * 2, (3, 4)), 0, 1.0),
    )
    assert "InplaceSetSubtensor{int64}" in _op_names(fn)


def _node_values(node, values):
    """Storage cells: ``values``, then the data of the remaining (constant) inputs."""
    values = list(values) + [v.data for v in node.inputs[len(values) :]]
    storage = {v: [val] for v, val in zip(node.inputs, values)}
    compute = {v: [True] for v in node.inputs}
    for o in node.outputs:
        storage[o] = [None]
        compute[o] = [False]
    return storage, compute


def _run_c_node(node, values):
    plan = plan_for(node)
    assert plan is not None, f"no C plan for {node}"
    artifact = build_plans([plan])[plan.key]
    storage, compute = _node_values(node, values)
    thunk = plan.make(artifact, node, storage, compute, [])
    thunk()
    return thunk, storage[node.outputs[0]][0]


def _run_py_node(node, values):
    storage, compute = _node_values(node, values)
    node.op.make_thunk(node, storage, compute, [], impl="py")()
    return storage[node.outputs[0]][0]


def _struct_calls(thunk):
    return thunk.calls, thunk.py_calls


@needs_c
@pytest.mark.parametrize("kind", ["set", "inc", "adv1 set", "adv1 inc"])
def test_c_inplace_update_readonly_destination(kind):
    """The StructThunk updates a read-only destination in a copy, in C."""
    x, y, i = dmatrix("x"), dvector("y"), lvector("i")
    if kind.startswith("adv1"):
        op = AdvancedIncSubtensor1(
            inplace=True, set_instead_of_inc=kind.endswith("set")
        )
        node = op.make_node(x, y, i)
        key = np.array([0, 2, 0])
        values = [np.broadcast_to(V6[:4], (3, 4)), V6[:4], key]
        numpy_update = _np_set if kind.endswith("set") else _add_at
    else:
        node = IncSubtensor(
            x[1:].owner.op.idx_list, inplace=True, set_instead_of_inc=kind == "set"
        ).make_node(x, y, *x[1:].owner.inputs[1:])
        key = np.s_[1:]
        values = [np.broadcast_to(V6[:4], (3, 4)), V6[:4]]
        numpy_update = _np_set if kind == "set" else _np_inc
    before = values[0].copy()
    thunk, out = _run_c_node(node, values)
    assert _struct_calls(thunk) == (1, 0), "the C path did not run"
    np.testing.assert_array_equal(out, numpy_update(before, key, V6[:4]))
    np.testing.assert_array_equal(out, _run_py_node(node, values))
    np.testing.assert_array_equal(values[0], before)


@needs_c
@pytest.mark.parametrize(
    "key, value",
    [
        (np.s_[1:], np.s_[:-1]),
        (np.s_[:-1], np.s_[1:]),
        (np.s_[::-1], np.s_[:]),
        (np.s_[1:, ::-1], np.s_[:-1]),
        (np.s_[:], np.s_[0]),
    ],
    ids=["shift", "shift-back", "reverse", "2d-reversed-rows", "broadcast-self"],
)
@pytest.mark.parametrize("set_", [True, False], ids=["set", "inc"])
def test_c_inplace_incsubtensor_with_aliased_value(key, value, set_):
    """The value is a view of the destination at run time (C vs NumPy)."""
    base = M6 if isinstance(key, tuple) or value == np.s_[0] else V6
    x = tensor(dtype="float64", shape=(None,) * base.ndim)
    sym_key = x[key]
    y = tensor(dtype="float64", shape=(None,) * sym_key.ndim)
    op = IncSubtensor(sym_key.owner.op.idx_list, inplace=True, set_instead_of_inc=set_)
    node = op.make_node(x, y, *sym_key.owner.inputs[1:])
    dest = base.copy()
    thunk, out = _run_c_node(node, [dest, dest[value]])
    assert _struct_calls(thunk) == (1, 0), "the C path did not run"
    update = _np_set if set_ else _np_inc
    np.testing.assert_array_equal(out, update(base, key, base[value]))
    assert np.shares_memory(out, dest), "not computed in place"


@needs_c
@pytest.mark.parametrize("set_", [True, False], ids=["set", "inc"])
def test_c_inplace_advanced_update1_with_aliased_value(set_):
    x, y, i = dvector("x"), dvector("y"), lvector("i")
    node = AdvancedIncSubtensor1(inplace=True, set_instead_of_inc=set_).make_node(
        x, y, i
    )
    idx = np.array([1, 2, 3, 3, 5])
    dest = V6.copy()
    thunk, out = _run_c_node(node, [dest, dest[:5], idx])
    assert _struct_calls(thunk) == (1, 0), "the C path did not run"
    want = _np_set(V6, idx, V6[:5]) if set_ else _add_at(V6, idx, V6[:5])
    np.testing.assert_array_equal(out, want)


def test_mutable_input_aliased_by_the_value_at_run_time():
    """The caller passes a view of the destroyed (mutable) input as the value.

    The destroy handler cannot see this aliasing; the updates must still
    read the value before writing (NumPy's overlap handling, in Python and C).
    """
    x, y, i = dvector("x"), dvector("y"), lvector("i")
    key = x[1:].owner
    idx = np.array([1, 2, 2, 5, 3])
    cases = [
        (_inplace_set(x, y, key), lambda v: _np_set(v, np.s_[1:], v[:-1])),
        (
            IncSubtensor(key.op.idx_list, inplace=True)(x, y, *key.inputs[1:]),
            lambda v: _np_inc(v, np.s_[1:], v[:-1]),
        ),
        (
            AdvancedIncSubtensor1(inplace=True)(x, y, i),
            lambda v: _add_at(v, idx, v[:-1]),
        ),
        (
            AdvancedIncSubtensor1(inplace=True, set_instead_of_inc=True)(x, y, i),
            lambda v: _np_set(v, idx, v[:-1]),
        ),
        (
            AdvancedIncSubtensor(inplace=True)(x, y, i),
            lambda v: _add_at(v, idx, v[:-1]),
        ),
    ]
    for out, ref in cases:
        ins = [In(x, mutable=True), y] + ([i] if i in graph_inputs([out]) else [])
        for mode in (PY, get_default_mode()):
            fn = function(ins, out, mode=mode, accept_inplace=True)
            dest = V6.copy()
            args = [dest, dest[:-1]] + ([idx] if len(ins) == 3 else [])
            np.testing.assert_array_equal(fn(*args), ref(V6), err_msg=str(out.owner))


# ---------------------------------------------------------------------------
# BLAS in place
# ---------------------------------------------------------------------------

BLAS_INPLACE = {
    "gemm z": (
        lambda a, b: gemm_inplace(a * 2, 0.5, a, b, 2.0),
        lambda a, b: 4 * a + 0.5 * a @ b,
    ),
    "gemm z transposed": (
        lambda a, b: gemm_inplace((a * 2).T, 0.5, a, b, 2.0),
        lambda a, b: 4 * a.T + 0.5 * a @ b,
    ),
    "gemm z reversed rows": (
        lambda a, b: gemm_inplace((a * 2)[::-1], 0.5, a, b, 2.0),
        lambda a, b: 4 * a[::-1] + 0.5 * a @ b,
    ),
    "gemm z strided": (
        lambda a, b: gemm_inplace((a * 2)[:, ::2], 0.5, a, b[:, ::2], -1.0),
        lambda a, b: -2 * a[:, ::2] + 0.5 * a @ b[:, ::2],
    ),
    "gemm operands views of another": (
        lambda a, b: gemm_inplace(a * 2, 0.5, (b * 3)[::-1], (b * 3).T, 0.0),
        lambda a, b: 0.5 * (3 * b)[::-1] @ (3 * b).T,
    ),
    "gemv y": (
        lambda a, b: gemv_inplace(b[0] * 2, 0.5, a, b[1], 2.0),
        lambda a, b: 4 * b[0] + 0.5 * a @ b[1],
    ),
    "gemv y reversed, A transposed": (
        lambda a, b: gemv_inplace((b[0] * 2)[::-1], 0.5, a.T, b[1], 2.0),
        lambda a, b: 4 * b[0][::-1] + 0.5 * a.T @ b[1],
    ),
    "gemv y a column of another": (
        lambda a, b: gemv_inplace((a * 2)[:, 1], 0.5, b, b[2], 1.0),
        lambda a, b: 2 * a[:, 1] + 0.5 * b @ b[2],
    ),
    "ger A": (
        lambda a, b: ger_destructive(a * 2, 0.5, b[0], b[1]),
        lambda a, b: 2 * a + 0.5 * np.outer(b[0], b[1]),
    ),
    "ger A transposed": (
        lambda a, b: ger_destructive((a * 2).T, 0.5, b[0], b[1]),
        lambda a, b: 2 * a.T + 0.5 * np.outer(b[0], b[1]),
    ),
    "ger A reversed and strided": (
        lambda a, b: ger_destructive((a * 2)[::-1, ::2], 0.5, b[0], b[1][:3]),
        lambda a, b: 2 * a[::-1, ::2] + 0.5 * np.outer(b[0], b[1][:3]),
    ),
}


@pytest.mark.parametrize("case", sorted(BLAS_INPLACE))
def test_blas_inplace_on_views(case):
    build, ref = BLAS_INPLACE[case]
    fn = check_graph(build, [M6, M6B], ref, accept_inplace=True)
    assert any(
        n in _op_names(fn)
        for n in ("gemm_inplace", "Gemv{inplace}", "Ger{destructive}")
    )


BLAS_REWRITTEN = {
    "gemm chain": (
        lambda a, b: (a * 2 + at.dot(a, b)) + at.dot(b, b),
        "gemm_inplace",
    ),
    "outer of views into alloc": (
        lambda a, b: a[0] * 2 + at.dot(at.outer(a[0] * 2, a[0] * 2), a[0] * 2),
        "Ger{destructive}",
    ),
    "accumulator read by its own product": (
        lambda a, b: (a * 2) + at.dot(a * 2, (a * 2).T),
        None,
    ),
    "accumulator also returned": (lambda a, b: [a * 2, a * 2 + at.dot(a, b)], None),
    "accumulator's transpose returned": (
        lambda a, b: [(a * 2).T, a * 2 + at.dot(a, b)],
        None,
    ),
}


@pytest.mark.parametrize("case", sorted(BLAS_REWRITTEN))
def test_blas_inplace_from_default_rewrites(case):
    build, name = BLAS_REWRITTEN[case]
    fn = check_graph(build, [M6, M6B])
    if name is not None:
        assert name in _op_names(fn), _op_names(fn)


def test_blas_destroyed_operand_aliased_at_run_time():
    """Regression: Gemm/Ger ``perform`` let BLAS overwrite an operand it read.

    Two function inputs, one mutable, given one array: the destroy handler
    cannot see that. The C thunks already checked for overlap; the Python
    ``perform`` (Python linker, and the C thunks' fallback) now does too.
    """
    z, x, y = dmatrix("z"), dmatrix("x"), dmatrix("y")
    A, u, w = dmatrix("A"), dvector("u"), dvector("w")
    cases = [
        (
            [In(z, mutable=True), x, y],
            gemm_inplace(z, 0.5, x, y, 2.0),
            lambda m: (m, m, m.T),
            lambda m: 2 * m + 0.5 * m @ m.T,
        ),
        (
            [In(A, mutable=True), u, w],
            ger_destructive(A, 0.5, u, w),
            lambda m: (m, m[:, 0], m[0]),
            lambda m: m + 0.5 * np.outer(m[:, 0], m[0]),
        ),
        (
            [In(u, mutable=True), A, w],
            gemv_inplace(u, 0.5, A, w, 2.0),
            lambda m: (m[0], m, m[1]),
            lambda m: 2 * m[0] + 0.5 * m @ m[1],
        ),
        (
            [In(u, mutable=True), A, w],
            gemv_inplace(u, 0.5, A.T, w, 2.0),
            lambda m: (m[:, 0], m, m[1]),
            lambda m: 2 * m[:, 0] + 0.5 * m.T @ m[1],
        ),
    ]
    big = RNG.standard_normal((48, 48))
    for ins, out, args, ref in cases:
        for mode in (PY, get_default_mode()):
            fn = function(ins, out, mode=mode, accept_inplace=True)
            m = big.copy()
            np.testing.assert_allclose(fn(*args(m)), ref(big), rtol=1e-12, atol=1e-11)


def test_gemm_perform_does_not_overwrite_an_aliased_operand():
    z = RNG.standard_normal((32, 32))
    node = Gemm(inplace=True).make_node(dmatrix(), 1.0, dmatrix(), dmatrix(), 1.0)
    zc = z.copy()
    out = _run_py_node(node, [zc, np.asarray(1.0), zc, zc, np.asarray(1.0)])
    np.testing.assert_allclose(out, z + z @ z, rtol=1e-12, atol=1e-11)


# ---------------------------------------------------------------------------
# Element-wise outputs that NumPy returns as views
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("fn_name", ["real", "imag"])
@pytest.mark.parametrize("dtype", ["complex128", "float64"])
def test_elemwise_result_never_aliases_its_input(fn_name, dtype):
    """Regression: ``real``/``imag`` returned a view of (or exactly) the input.

    ``np.real`` of real data is the data itself: ``function([x], real(x))``
    handed the caller their own array back, with no ``view_map`` declaring it.
    """
    x = tensor(dtype=dtype, shape=(None,))
    value = (V6 + 1j * W6).astype(dtype) if dtype.startswith("complex") else V6
    for mode in (PY, get_default_mode()):
        fn = function([x], getattr(at, fn_name)(x), mode=mode)
        r = fn(value)
        assert not np.shares_memory(r, value)
        np.testing.assert_array_equal(r, getattr(np, fn_name)(value))
    node = getattr(at, fn_name)(x).owner
    assert not np.shares_memory(_run_py_node(node, [value]), value)


def test_view_returned_by_elemwise_read_after_its_input_is_destroyed():
    """Regression: ``real(c)`` read after ``c + 1`` overwrote ``c`` in place.

    The destroy handler orders the readers of ``c`` before the in-place add,
    but ``real(c)``'s output was an undeclared view of ``c``, so its own
    readers were not ordered: they saw ``c + 1``.
    """
    x = zvector("x")
    c = x * 2
    out = at.real(c) * at.real(c + 1).sum()
    value = V6 + 1j * W6
    want = (2 * value).real * (2 * value + 1).real.sum()
    for mode in (
        PY,
        Mode(linker="py").excluding("fusion"),
        get_default_mode().excluding("fusion"),
    ):
        fn = function([x], [out, c + 1], mode=mode)
        np.testing.assert_allclose(fn(value)[0], want, rtol=1e-12)


def _node_results(node, values, impl):
    """Run ``node`` by ``impl`` ("py" or "c") on copies of ``values``.

    Returns ``(inputs, outputs)`` (the copies it ran on and its results), or
    ``None`` when the node has no C translation.
    """
    values = [v.copy() if isinstance(v, np.ndarray) else v for v in values]
    storage, compute = _node_values(node, values)
    if impl == "py":
        thunk = node.op.make_thunk(node, storage, compute, [], impl="py")
    else:
        plan = plan_for(node)
        artifact = build_plans([plan])[plan.key] if plan is not None else None
        if artifact is None:
            return None
        thunk = plan.make(artifact, node, storage, compute, [])
    thunk()
    return values, [storage[o][0] for o in node.outputs]


def _undeclared_aliases(node, inputs, outputs) -> list:
    """``(op, output, input)`` sharing memory without a view/destroy map entry."""
    declared = {**node.op.view_map, **node.op.destroy_map}
    return [
        (str(node.op), j, i)
        for j, out in enumerate(outputs)
        for i, (var, val) in enumerate(zip(node.inputs, inputs))
        if i not in declared.get(j, ())
        and not isinstance(var, Constant)
        and isinstance(out, np.ndarray)
        and isinstance(val, np.ndarray)
        and np.shares_memory(out, val)
    ]


def test_no_op_output_aliases_an_input_it_does_not_declare():
    """Across the op database, Python and C: only declared views alias.

    An undeclared view (the ``real``/``imag`` regression above) is invisible
    to the destroy handler, which then lets in-place ops overwrite memory
    that is still to be read.
    """
    from tests.op_db import ALL_OPS, load_all
    from tests.test_op_db import _rng, as_list, symbolic_inputs

    load_all()
    bad, nodes_run, c_nodes_run = [], 0, 0
    for name in sorted(ALL_OPS):
        info = ALL_OPS[name]
        for sample in list(info.samples(_rng(name)))[:2]:
            try:
                syms, values = symbolic_inputs(sample.args, sample.static_shape)
                outs = as_list(info.build(*syms, **sample.kwargs))
            except Exception:  # building is checked by the op database's tests
                continue
            known = dict(zip(syms, values))
            for node in io_toposort(syms, outs):
                vals = [
                    v.data if isinstance(v, Constant) else known.get(v)
                    for v in node.inputs
                ]
                if any(v is None for v in vals):
                    break
                try:
                    ins, py_outs = _node_results(node, vals, "py")
                except Exception:  # errors are checked by the op database's tests
                    break
                nodes_run += 1
                bad += [("py", *b) for b in _undeclared_aliases(node, ins, py_outs)]
                try:
                    run_c = _node_results(node, vals, "c") if HAVE_C else None
                except Exception:  # C against Python: tests/link/c/test_op_db_c.py
                    run_c = None
                if run_c is not None:
                    c_nodes_run += 1
                    bad += [("c", *b) for b in _undeclared_aliases(node, *run_c)]
                known.update(zip(node.outputs, py_outs))
    assert nodes_run > 500 and (c_nodes_run > 300 or not HAVE_C), (
        nodes_run,
        c_nodes_run,
    )
    assert not bad, sorted(set(bad))


def test_fused_outputs_overwriting_inputs_later_outputs_read():
    """Issue 21 itself: output 0 over input 0, output 1 still reads input 0."""
    a, b = aes.float64("a"), aes.float64("b")
    comp = aes.Composite([a, b], [a * b + 1.0, a - b, a + b])
    for pattern in ({0: 0}, {0: 1}, {0: 0, 1: 1}, {2: 1, 0: 0}):
        op = Elemwise(comp, pattern)
        check_graph(
            lambda x, y, op=op: op(x * 1.0, y * 1.0),
            [M6, M6B],
            lambda x, y: [x * y + 1.0, x - y, x + y],
            accept_inplace=True,
        )


# ---------------------------------------------------------------------------
# Output buffers reused between calls
# ---------------------------------------------------------------------------

REUSE_GRAPHS = {
    "elemwise": (lambda x: at.exp(x) * 2 + x, "ElemwiseThunk"),
    "fused two outputs": (lambda x: [at.exp(x) + 1, at.log1p(x * x)], "ElemwiseThunk"),
    "in-place elemwise chain": (lambda x: at.exp(x * 2).T + 1, "ElemwiseThunk"),
    "sum over axis": (lambda x: x.sum(axis=0), "ReduceThunk"),
    "fused reduction": (lambda x: (at.exp(x) * x).sum(axis=1), "ReduceThunk"),
    "max and argmax": (
        lambda x: [at.max(x, axis=0), at.argmax(x, axis=0)],
        "ReduceThunk",
    ),
    "dot": (lambda x: at.dot(x, x.T), "BlasThunk"),
    "gemm": (lambda x: x * 2 + at.dot(x, x), "BlasThunk"),
    "gemv": (lambda x: at.dot(x, x[0]) + x[1], "BlasThunk"),
    "alloc": (lambda x: at.alloc(x[0], 4, x.shape[1]), "StructThunk"),
    "set into alloc": (
        lambda x: set_subtensor(at.zeros_like(x)[1:], x[:-1]),
        "StructThunk",
    ),
    "inc into intermediate": (
        lambda x: inc_subtensor((x * 2)[::2], x[1::2]),
        "StructThunk",
    ),
    "dimshuffle copy": (lambda x: (x * 3).T[::-1], None),
    "reshape of elemwise": (
        lambda x: (x + 1).reshape((x.shape[0] * x.shape[1],)),
        None,
    ),
    "softmax": (lambda x: at.special.softmax(x, axis=1), "StructThunk"),
    "cumsum": (lambda x: at.cumsum(x * 2, axis=0), "StructThunk"),
}


def _reuse_values():
    return RNG.standard_normal((6, 6)), RNG.standard_normal((6, 6))


@pytest.mark.parametrize("case", sorted(REUSE_GRAPHS))
def test_result_of_one_call_never_changed_by_the_next(case):
    build, thunk_type = REUSE_GRAPHS[case]
    x = dmatrix("x")
    outs = build(x)
    outs = list(outs) if isinstance(outs, list) else [outs]
    fn = function([x], outs)
    if HAVE_C and thunk_type is not None:
        types = {type(t).__name__ for t in fn.vm.thunks}
        assert thunk_type in types, types
    ref = function([x], outs, mode=PY)
    v1, v2 = _reuse_values()
    # Hold the results, views of results (their base dropped), and results
    # the caller overwrote: the next calls must neither change nor read them.
    held = fn(v1)
    views = [r[1:] if r.ndim else r for r in fn(v1)]
    scribbled = fn(v1)
    for r in scribbled:
        r[...] = -1
    snap_held = [r.copy() for r in held]
    snap_views = [r.copy() for r in views]
    for v in (v2, v1, v2):
        got = fn(v)
        for g, want in zip(got, ref(v)):
            np.testing.assert_allclose(g, want, rtol=1e-12, atol=1e-12)
        del got
    for r, s in zip(held, snap_held):
        np.testing.assert_array_equal(r, s)
    for r, s in zip(views, snap_views):
        np.testing.assert_array_equal(r, s)
    for r, want in zip(held, ref(v1)):
        np.testing.assert_allclose(r, want, rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize(
    "case", ["elemwise", "sum over axis", "gemm", "set into alloc"]
)
def test_borrowed_outputs_and_trusted_inputs(case):
    """``Out(borrow=True)`` and ``trust_input`` (the fast call path) too."""
    build, _ = REUSE_GRAPHS[case]
    x = dmatrix("x")
    fn = function([x], Out(build(x), borrow=True))
    fn.trust_input = True
    ref = function([x], build(x), mode=PY)
    v1, v2 = _reuse_values()
    r1 = fn(v1)
    s1 = r1.copy()
    r2 = fn(v2)
    np.testing.assert_array_equal(r1, s1)
    np.testing.assert_allclose(r2, ref(v2), rtol=1e-12, atol=1e-12)
    assert not np.shares_memory(r1, r2)


SHARED_UPDATES = {
    "output is the update": lambda s: (s * 2, {s: s * 2}),
    "output is an in-place subtensor update": lambda s: (
        inc_subtensor(s[1:], 1.0),
        {s: inc_subtensor(s[1:], 1.0)},
    ),
    "output is a view of the update": lambda s: ((s * 2)[1:], {s: s * 2}),
    "output is the old value": lambda s: (s, {s: s * 2}),
    "output is a view of the old value": lambda s: (s[::-1], {s: s + 1}),
    "reduction of the old value": lambda s: (s.sum(), {s: s * 2}),
}


@pytest.mark.parametrize("case", sorted(SHARED_UPDATES))
def test_inplace_updates_of_shared_never_change_returned_results(case):
    results = []
    for mode in (PY, get_default_mode()):
        s = shared(np.arange(5.0), name="s")
        out, updates = SHARED_UPDATES[case](s)
        fn = function([], out, updates=updates, mode=mode)
        got_value = s.get_value()
        returned = [fn() for _ in range(3)]
        snaps = [np.array(r, copy=True) for r in returned]
        fn()
        for r, snap in zip(returned, snaps):
            np.testing.assert_array_equal(r, snap)
        np.testing.assert_array_equal(got_value, np.arange(5.0))
        results.append((snaps, s.get_value()))
    (py_snaps, py_final), (c_snaps, c_final) = results
    for a, b in zip(py_snaps, c_snaps):
        np.testing.assert_allclose(a, b, rtol=1e-12)
    np.testing.assert_allclose(py_final, c_final, rtol=1e-12)


# ---------------------------------------------------------------------------
# Aliased in-place targets: the function copies, and the runtime refuses them
# ---------------------------------------------------------------------------


def _run_vm_directly(fn, values):
    """Run ``fn``'s VM on ``values`` without the call path's input checks."""
    for container, value in zip(fn.input_storage, values):
        container.storage[0] = value
    fn.vm()
    return [c.storage[0] for c in fn.output_storage]


@needs_c
@pytest.mark.parametrize("through", ["function", "runtime"])
def test_two_inplace_outputs_on_views_of_one_array(through):
    a, b = dvector("a"), dvector("b")
    sa, sb = aes.float64("sa"), aes.float64("sb")
    op = Elemwise(aes.Composite([sa, sb], [sa + sb, sa - sb]), {0: 0, 1: 1})
    fn = function(
        [In(a, mutable=True), In(b, mutable=True)],
        op(a, b),
        accept_inplace=True,
    )
    v = np.arange(4.0)
    if through == "function":
        total, diff = fn(v, v[:])
    else:  # the ElemwiseThunk alone must not give both outputs one memory
        total, diff = _run_vm_directly(fn, [v, v[:]])
    np.testing.assert_array_equal(total, 2 * np.arange(4.0))
    np.testing.assert_array_equal(diff, np.zeros(4))
    assert not np.shares_memory(total, diff)


@needs_c
@pytest.mark.parametrize("strides", [(0, 8), (8, 8), (16, 8)])
def test_inplace_elemwise_into_self_overlapping_mutable_input(strides):
    x = dmatrix("x")
    fn = function([In(x, mutable=True)], at.exp(x) * 2 + x)
    base = np.arange(8.0)
    v = np.lib.stride_tricks.as_strided(base, (2, 3), strides, writeable=True)
    want = np.exp(v) * 2 + v
    np.testing.assert_allclose(fn(v), want)


def test_mutable_input_aliasing_another_input_is_copied_first():
    """A reader of ``y`` must not see ``x`` overwritten when x and y are one array."""
    x, y = dvector("x"), dvector("y")
    destroy = Elemwise(aes.add, {0: 0})(x, at.constant(1.0))
    later = (y * 3.0).sum()
    for mode in [None, "FAST_COMPILE"]:
        fn = function(
            [In(x, mutable=True), y], [destroy, later], accept_inplace=True, mode=mode
        )
        v = np.arange(5.0)
        out, total = fn(v, v)
        np.testing.assert_array_equal(out, np.arange(5.0) + 1)
        assert total == 30.0
        out, total = fn(y=v[::-1], x=v)  # by keyword too
        assert total == 30.0


def test_merge_that_would_alias_a_destroyed_operand_is_skipped_once():
    """Three equal ``Z * 1.5`` feed one in-place gemm: merging them would make
    the destroyed operand alias the others, so every merge is rejected. The
    rejected pair used to be queued again by its own revert, for minutes."""
    import time

    z_var = at.dmatrix("Z")
    out = gemm_inplace(z_var * 1.5, 0.5, z_var * 1.5, (z_var * 1.5).T, 2.0)
    t0 = time.perf_counter()
    fn = function([z_var], out, accept_inplace=True)
    assert time.perf_counter() - t0 < 60  # was an endless merge loop
    z = np.random.default_rng(0).random((4, 4))
    np.testing.assert_allclose(
        fn(z), 2.0 * 1.5 * z + 0.5 * (1.5 * z) @ (1.5 * z).T, rtol=1e-12
    )


def test_user_inplace_graph_that_cannot_run_safely_is_refused_at_once():
    x = at.dvector("x")
    x2 = x * 2.0
    a = Elemwise(aes.add, {0: 0})(x2, x)
    b = Elemwise(aes.mul, {0: 0})(x2, x)
    with pytest.raises(InconsistencyError, match="cannot be run safely.*Multiple"):
        function([x], [a, b], accept_inplace=True)
