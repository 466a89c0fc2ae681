"""DebugMode catches broken ops and rewrites, and stays quiet on sound ones.

Every check is exercised by a deliberately broken op or rewrite: a perform
returning a wrong dtype or shape, writing into an input it does not declare
destroyed, returning an undeclared view, two outputs sharing memory, a
declared in-place op working out of place, a perform misusing pre-allocated
output buffers, a C thunk disagreeing with perform, a rewrite changing values
and a rewrite whose changes differ from run to run.
"""

from __future__ import annotations

import logging
import pickle

import numpy as np
import pytest

import aesara
import aesara.tensor as at
from aesara.compile import In
from aesara.compile.debugmode import (
    BadDestroyMap,
    BadOptimization,
    BadThunkOutput,
    BadViewMap,
    DebugMode,
    DebugModeError,
    InvalidValueError,
    StochasticOrder,
    _lessbroken_deepcopy,
    check_eq,
    str_diagnostic,
)
from aesara.compile.mode import get_mode
from aesara.configdefaults import config
from aesara.graph.basic import Apply
from aesara.graph.op import Op
from aesara.graph.rewriting.basic import GraphRewriter, in2out, node_rewriter
from aesara.link.c.compiler import c_compiler_available
from aesara.tensor.type import TensorType


def _mode(**kwargs):
    """A DebugMode with a short stability check (the default is 10 runs)."""
    kwargs.setdefault("stability_patience", 2)
    return DebugMode(**kwargs)


class _UnaryOp(Op):
    """Base of the test ops: one float64 vector in, one out."""

    __props__ = ()

    def make_node(self, x):
        x = at.as_tensor_variable(x)
        return Apply(self, [x], [x.type()])


# ---------------------------------------------------------------------------
# Sound graphs
# ---------------------------------------------------------------------------


def test_debugmode_computes_like_fast_run():
    x = at.dmatrix("x")
    y = at.dvector("y")
    out = [(at.exp(x) * 2 + y).sum(axis=0), at.dot(x, x.T) + at.log1p(x).mean()]
    rng = np.random.default_rng(0)
    xv, yv = rng.random((3, 4)), rng.random(4)
    f = aesara.function([x, y], out, mode=_mode(check_preallocated_output="ALL"))
    g = aesara.function([x, y], out, mode="FAST_RUN")
    for a, b in zip(f(xv, yv), g(xv, yv)):
        np.testing.assert_allclose(a, b)
    # A second call (the previous outputs are now in the output cells).
    for a, b in zip(f(xv + 1, yv), g(xv + 1, yv)):
        np.testing.assert_allclose(a, b)


@pytest.mark.parametrize("name", ["DebugMode", "DEBUG_MODE"])
def test_mode_names(name):
    mode = get_mode(name)
    assert isinstance(mode, DebugMode)
    x = at.dvector("x")
    f = aesara.function([x], at.sqr(x) + 1, mode=name)
    np.testing.assert_allclose(f(np.arange(3.0)), np.arange(3.0) ** 2 + 1)


def test_config_mode_debugmode():
    x = at.dvector("x")
    with config.change_flags(mode="DebugMode"):
        f = aesara.function([x], at.exp(x))
    assert isinstance(f.maker.mode, DebugMode)
    np.testing.assert_allclose(f(np.zeros(2)), np.ones(2))


def test_settings_come_from_config():
    with config.change_flags(
        DebugMode__patience=3,
        DebugMode__check_py=False,
        DebugMode__check_c=True,
        DebugMode__check_finite=False,
        DebugMode__check_strides=1,
        DebugMode__check_preallocated_output="c_contiguous:strided",
    ):
        mode = DebugMode()
    assert mode.stability_patience == 3
    assert mode.check_py_code is False
    assert mode.check_isfinite is False
    assert mode.require_matching_strides == 1
    assert mode.check_preallocated_output == ["c_contiguous", "strided"]
    # Explicit arguments win over the flags.
    assert DebugMode(stability_patience=4).stability_patience == 4


def test_bad_settings_are_refused():
    with pytest.raises(ValueError, match="at least one"):
        DebugMode(check_c_code=False, check_py_code=False)
    with pytest.raises(ValueError, match="stability_patience"):
        DebugMode(stability_patience=0)
    with pytest.raises(ValueError, match="Unknown pre-allocated"):
        DebugMode(check_preallocated_output=["sideways"])
    with pytest.raises(ValueError, match="own linker"):
        DebugMode(linker="py")


def test_clone_including_and_pickle_keep_settings():
    mode = DebugMode(stability_patience=3, check_isfinite=False)
    other = mode.excluding("fusion")
    assert isinstance(other, DebugMode)
    assert other.stability_patience == 3 and other.check_isfinite is False
    again = pickle.loads(pickle.dumps(mode))
    assert again == mode
    x = at.dvector("x")
    f = aesara.function([x], at.exp(x) * 2, mode=other)
    np.testing.assert_allclose(f(np.zeros(2)), [2.0, 2.0])


def test_function_copy_and_pickle():
    x = at.dvector("x")
    f = aesara.function([x], at.exp(x) + 1, mode=_mode())
    g = f.copy()
    np.testing.assert_allclose(g(np.zeros(2)), [2.0, 2.0])
    h = pickle.loads(pickle.dumps(f))
    np.testing.assert_allclose(h(np.zeros(2)), [2.0, 2.0])


def test_shared_updates_and_mutable_inputs():
    s = aesara.shared(np.zeros(3), name="s")
    x = at.dvector("x")
    f = aesara.function([x], s * 2, updates=[(s, s + x)], mode=_mode())
    f(np.ones(3))
    f(np.ones(3))
    np.testing.assert_allclose(s.get_value(), [2.0, 2.0, 2.0])
    # An input the user declares mutable is overwritten exactly as in FAST_RUN.
    y = at.dvector("y")
    out = at.exp(y) + 1
    fast = aesara.function([In(y, mutable=True)], out, mode="FAST_RUN")
    debug = aesara.function([In(y, mutable=True)], out, mode=_mode())
    a, b = np.arange(3.0), np.arange(3.0)
    np.testing.assert_allclose(fast(a), debug(b))
    np.testing.assert_array_equal(a, b)


def test_ifelse_and_scan_run():
    from aesara.ifelse import ifelse

    x = at.dvector("x")
    c = at.bscalar("c")
    res, _ = aesara.scan(
        lambda v, acc: acc + v, sequences=[x], outputs_info=[at.zeros(())]
    )
    out = ifelse(c, res[-1], x.sum() * 2)
    f = aesara.function([c, x], out, mode=_mode())
    np.testing.assert_allclose(f(1, np.arange(4.0)), 6.0)
    np.testing.assert_allclose(f(0, np.arange(4.0)), 12.0)


# ---------------------------------------------------------------------------
# Invalid values
# ---------------------------------------------------------------------------


class WrongDtype(_UnaryOp):
    def perform(self, node, inputs, outputs):
        outputs[0][0] = inputs[0].astype("float32")


class WrongRank(_UnaryOp):
    def perform(self, node, inputs, outputs):
        outputs[0][0] = inputs[0][None, :]


def test_wrong_dtype_is_invalid_value():
    x = at.dvector("x")
    f = aesara.function([x], WrongDtype()(x), mode=_mode())
    with pytest.raises(InvalidValueError) as info:
        f(np.arange(3.0))
    msg = str(info.value)
    assert "WrongDtype" in msg
    assert "float32" in msg
    assert "perform output" in msg
    # The user's line that created the variable.
    assert "test_debugmode.py" in msg


def test_wrong_rank_is_invalid_value():
    x = at.dvector("x")
    f = aesara.function([x], WrongRank()(x), mode=_mode())
    with pytest.raises(InvalidValueError, match="shape"):
        f(np.arange(3.0))


def test_non_finite_values():
    x = at.dvector("x")
    f = aesara.function([x], at.log(x), mode=_mode())
    with pytest.raises(InvalidValueError, match="non-finite"):
        f(np.array([1.0, -1.0]))
    with pytest.raises(InvalidValueError, match="not finite"):
        f(np.array([1.0, np.nan]))
    g = aesara.function([x], at.log(x), mode=_mode(check_isfinite=False))
    assert np.isnan(g(np.array([1.0, -1.0]))[1])


# ---------------------------------------------------------------------------
# destroy_map / view_map
# ---------------------------------------------------------------------------


class SecretlyDestroys(_UnaryOp):
    """Writes into its input without declaring it in destroy_map."""

    def perform(self, node, inputs, outputs):
        (x,) = inputs
        x += 1
        outputs[0][0] = x.copy()


class DeclaredInplaceButCopies(_UnaryOp):
    """Declares output 0 destroys input 0 but works on a copy."""

    destroy_map = {0: [0]}

    def perform(self, node, inputs, outputs):
        outputs[0][0] = inputs[0] + 1


class DeclaredInplace(_UnaryOp):
    destroy_map = {0: [0]}

    def perform(self, node, inputs, outputs):
        (x,) = inputs
        x += 1
        outputs[0][0] = x


class UndeclaredView(_UnaryOp):
    def perform(self, node, inputs, outputs):
        outputs[0][0] = inputs[0][::-1]


class TwoAliasedOutputs(Op):
    __props__ = ()

    def make_node(self, x):
        x = at.as_tensor_variable(x)
        return Apply(self, [x], [x.type(), x.type()])

    def perform(self, node, inputs, outputs):
        out = inputs[0] * 2
        outputs[0][0] = out
        outputs[1][0] = out


def test_undeclared_destroy_is_bad_destroy_map():
    x = at.dvector("x")
    f = aesara.function([x], SecretlyDestroys()(x) * 2, mode=_mode())
    with pytest.raises(BadDestroyMap) as info:
        f(np.arange(3.0))
    msg = str(info.value)
    assert "SecretlyDestroys" in msg and "input 0" in msg
    assert "value before" in msg and "value after" in msg


def test_inplace_that_is_not_in_place_is_logged(caplog):
    x = at.dvector("x")
    out = DeclaredInplaceButCopies()(x * 2)
    f = aesara.function([x], out, mode=_mode(), accept_inplace=True)
    with caplog.at_level(logging.WARNING, logger="aesara.compile.debugmode"):
        np.testing.assert_allclose(f(np.arange(3.0)), [1.0, 3.0, 5.0])
    assert any("allocated new memory" in r.getMessage() for r in caplog.records)


def test_declared_inplace_passes_and_mutates_mutable_input():
    x = at.dvector("x")
    f = aesara.function(
        [In(x, mutable=True)], DeclaredInplace()(x), mode=_mode(), accept_inplace=True
    )
    value = np.arange(3.0)
    np.testing.assert_allclose(f(value), [1.0, 2.0, 3.0])
    # As the normal linker would, the node overwrote the caller's array.
    np.testing.assert_allclose(value, [1.0, 2.0, 3.0])


def test_undeclared_view_is_bad_view_map():
    x = at.dvector("x")
    f = aesara.function([x], UndeclaredView()(x) + 1, mode=_mode())
    with pytest.raises(BadViewMap) as info:
        f(np.arange(3.0))
    assert "input(s) [0]" in str(info.value)
    assert info.value.in_alias_idx == [0]


def test_aliased_outputs_are_bad_view_map():
    x = at.dvector("x")
    a, b = TwoAliasedOutputs()(x)
    f = aesara.function([x], [a + 1, b + 2], mode=_mode())
    with pytest.raises(BadViewMap) as info:
        f(np.arange(3.0))
    assert info.value.out_alias_idx == 1


# ---------------------------------------------------------------------------
# Pre-allocated outputs
# ---------------------------------------------------------------------------


class AccumulatesIntoBuffer(_UnaryOp):
    """Adds into whatever buffer the output cell holds instead of overwriting."""

    def perform(self, node, inputs, outputs):
        (x,) = inputs
        buf = outputs[0][0]
        if buf is None or buf.shape != x.shape:
            buf = np.zeros_like(x)
        buf += x
        outputs[0][0] = buf


class AssumesCContiguous(_UnaryOp):
    """Writes through ``reshape(-1)``, which copies a non-C-contiguous buffer."""

    def make_node(self, x):
        x = at.as_tensor_variable(x)
        return Apply(self, [x], [x.type()])

    def perform(self, node, inputs, outputs):
        (x,) = inputs
        buf = outputs[0][0]
        if buf is None or buf.shape != x.shape:
            buf = np.empty_like(x)
        buf.reshape(-1)[:] = (x * 3).reshape(-1)
        outputs[0][0] = buf


@pytest.mark.parametrize("layout", ["previous", "c_contiguous", "strided"])
def test_reading_the_output_buffer_is_caught(layout):
    x = at.dvector("x")
    out = AccumulatesIntoBuffer()(x)
    fine = aesara.function([x], out, mode=_mode())
    np.testing.assert_allclose(fine(np.arange(3.0)), np.arange(3.0))
    f = aesara.function([x], out, mode=_mode(check_preallocated_output=[layout]))
    with pytest.raises(BadThunkOutput) as info:
        f(np.arange(3.0))
    assert f"py with {layout}" in str(info.value)
    assert info.value.thunk1 == "Reference value"


def test_layout_assumption_is_caught_for_fortran_order_only():
    x = at.dmatrix("x")
    out = AssumesCContiguous()(x)
    value = np.arange(6.0).reshape(2, 3)
    ok = aesara.function([x], out, mode=_mode(check_preallocated_output="c_contiguous"))
    np.testing.assert_allclose(ok(value), value * 3)
    f = aesara.function([x], out, mode=_mode(check_preallocated_output="f_contiguous"))
    with pytest.raises(BadThunkOutput, match="f_contiguous"):
        f(value)


def test_wrong_size_buffers_are_replaced():
    x = at.dmatrix("x")
    f = aesara.function(
        [x],
        AccumulatesIntoBuffer()(x * 0) + x,
        mode=_mode(check_preallocated_output="wrong_size"),
    )
    value = np.ones((2, 3))
    np.testing.assert_allclose(f(value), value)


def test_all_layouts_on_real_ops():
    x = at.dmatrix("x")
    v = at.dvector("v")
    outs = [
        at.exp(x).T + v,
        x.sum(axis=1),
        at.dot(x, v),
        x[:, 1:] * 2,
        at.cumsum(x, axis=0),
    ]
    f = aesara.function([x, v], outs, mode=_mode(check_preallocated_output="ALL"))
    g = aesara.function([x, v], outs)
    xv, vv = np.random.default_rng(1).random((3, 3)), np.arange(3.0)
    for a, b in zip(f(xv, vv), g(xv, vv)):
        np.testing.assert_allclose(a, b)


# ---------------------------------------------------------------------------
# Python vs C
# ---------------------------------------------------------------------------


class HasWrongCTranslation(_UnaryOp):
    def perform(self, node, inputs, outputs):
        outputs[0][0] = inputs[0] * 2


def _register_wrong_c_translation():
    from aesara.link.c.registry import CPlan, register_c_translation

    def make(artifact, node, storage_map, compute_map, no_recycling):
        ins = [storage_map[v] for v in node.inputs]
        outs = [storage_map[v] for v in node.outputs]

        def thunk():
            # Deliberately off by one.
            outs[0][0] = ins[0][0] * 2 + 1

        thunk.inputs, thunk.outputs = ins, outs
        return thunk

    @register_c_translation(HasWrongCTranslation)
    def translate(node):
        return CPlan(key=("test_debugmode", "wrong"), build=lambda: "built", make=make)


@pytest.mark.skipif(not c_compiler_available(), reason="needs a C compiler")
def test_perform_and_c_thunk_disagreeing_is_bad_thunk_output():
    _register_wrong_c_translation()
    x = at.dvector("x")
    f = aesara.function([x], HasWrongCTranslation()(x), mode=_mode())
    with pytest.raises(BadThunkOutput) as info:
        f(np.arange(3.0))
    err = info.value
    assert (err.thunk1, err.thunk2) == ("perform", "c_code")
    assert err.offending_op() is HasWrongCTranslation
    assert "Max Abs Diff" in err.str_diagnostic()
    # With only one implementation checked there is nothing to compare.
    g = aesara.function([x], HasWrongCTranslation()(x), mode=_mode(check_c_code=False))
    np.testing.assert_allclose(g(np.arange(3.0)), [0.0, 2.0, 4.0])


def test_real_c_thunks_are_compared():
    """The C thunks of the backend run too: count the nodes that had one."""
    if not c_compiler_available():
        pytest.skip("needs a C compiler")
    from aesara.compile import debugmode

    x = at.dmatrix("x")
    f = aesara.function([x], (at.exp(x) * 2).sum(axis=0), mode=_mode())
    np.testing.assert_allclose(f(np.zeros((2, 2))), [4.0, 4.0])
    run = f.vm
    assert isinstance(run, debugmode._DebugRun)
    assert any(t is not None for t in run.thunks_c)


# ---------------------------------------------------------------------------
# Rewrites
# ---------------------------------------------------------------------------


@node_rewriter([at.exp])
def exp_to_plus_one(fgraph, node):
    """An unsound rewrite: exp(x) -> x + 1."""
    (x,) = node.inputs
    return [x + 1]


@node_rewriter([at.exp])
def exp_to_exp(fgraph, node):
    """A sound rewrite rebuilding exp(x) as exp(x) * 1."""
    (x,) = node.inputs
    if getattr(node.tag, "rebuilt", False):
        return None
    new = at.exp(x)
    new.owner.tag.rebuilt = True
    return [new]


def test_unsound_rewrite_is_bad_optimization():
    x = at.dvector("x")
    y = at.exp(x) * 3
    f = aesara.function([x], y, mode=_mode(optimizer=in2out(exp_to_plus_one)))
    with pytest.raises(BadOptimization) as info:
        f(np.arange(3.0))
    err = info.value
    msg = str(err)
    assert "exp_to_plus_one" in msg
    assert err.reason == "exp_to_plus_one"
    np.testing.assert_allclose(err.old_r_val, np.exp(np.arange(3.0)))
    np.testing.assert_allclose(err.new_r_val, np.arange(3.0) + 1)
    assert "old graph" in msg and "new graph" in msg
    assert "test_debugmode.py" in msg  # the user's line of the replaced variable
    assert isinstance(err, DebugModeError)
    from aesara.graph.features import BadOptimization as GraphBadOptimization

    assert isinstance(err, GraphBadOptimization)


def test_sound_rewrite_passes():
    x = at.dvector("x")
    f = aesara.function([x], at.exp(x) * 3, mode=_mode(optimizer=in2out(exp_to_exp)))
    np.testing.assert_allclose(f(np.zeros(2)), [3.0, 3.0])


class Flaky(GraphRewriter):
    """Rewrites exp(x) into a new exp node on every other run only."""

    def __init__(self):
        self.runs = 0

    def apply(self, fgraph):
        self.runs += 1
        if self.runs % 2:
            return
        exp_op = at.exp(at.dvector()).owner.op
        for node in fgraph.toposort():
            if node.op == exp_op:
                fgraph.replace(node.outputs[0], at.exp(node.inputs[0]), reason="flaky")


def test_nondeterministic_rewrites_are_stochastic_order():
    x = at.dvector("x")
    with pytest.raises(StochasticOrder) as info:
        aesara.function([x], at.exp(x) * 3, mode=_mode(optimizer=Flaky()))
    msg = str(info.value)
    assert "flaky" in msg and "not deterministic" in msg
    # One run only: no comparison, the graph compiles.
    f = aesara.function(
        [x], at.exp(x) * 3, mode=_mode(optimizer=Flaky(), stability_patience=1)
    )
    np.testing.assert_allclose(f(np.zeros(2)), [3.0, 3.0])


def test_default_rewrites_are_stable():
    x = at.dmatrix("x")
    y = at.log(1 + at.exp(x)).sum() + at.sigmoid(x).mean() * at.dot(x, x).sum()
    f = aesara.function([x], y, mode=DebugMode(stability_patience=4))
    g = aesara.function([x], y)
    xv = np.random.default_rng(3).random((3, 3))
    np.testing.assert_allclose(f(xv), g(xv))


# ---------------------------------------------------------------------------
# Helpers
# ---------------------------------------------------------------------------


def test_str_diagnostic_and_helpers():
    text = str_diagnostic(np.array([1.0, 2.0]), np.array([1.0, 3.0]), None, None)
    assert "Max Abs Diff: 1.0" in text
    assert "rtol, atol" in text
    a = np.asfortranarray(np.ones((2, 3)))
    b = _lessbroken_deepcopy(a)
    assert b.flags.f_contiguous and not np.shares_memory(a, b)
    zero_d = _lessbroken_deepcopy(np.array(1.0))
    assert isinstance(zero_d, np.ndarray) and zero_d.ndim == 0
    var = TensorType("float64", shape=(None,))()
    assert check_eq(var, np.ones(2), np.ones(2) + 1e-12)
    assert not check_eq(var, np.ones(2), np.ones(2) * 2)


class Raises(_UnaryOp):
    def perform(self, node, inputs, outputs):
        raise ValueError("this op always fails")


def test_errors_of_perform_name_the_node():
    x = at.dvector("x")
    f = aesara.function([x], Raises()(x) + 1, mode=_mode())
    with pytest.raises(ValueError, match="this op always fails") as info:
        f(np.arange(3.0))
    assert "Raises" in str(info.value)


@node_rewriter([at.exp])
def exp_to_raises(fgraph, node):
    return [Raises()(node.inputs[0])]


def test_errors_of_nodes_a_rewrite_inserted_name_the_rewrite():
    x = at.dvector("x")
    f = aesara.function([x], at.exp(x) * 2, mode=_mode(optimizer=in2out(exp_to_raises)))
    with pytest.raises(ValueError) as info:
        f(np.arange(3.0))
    assert "exp_to_raises" in str(info.value)


def test_missing_input_value_is_invalid():
    x = at.dvector("x")
    f = aesara.function([x], x * 2, mode=_mode())
    f.trust_input = True
    with pytest.raises(InvalidValueError, match="graph input 'x'"):
        f(np.arange(3, dtype="int64"))


def test_initial_layout_uses_the_previous_call_outputs():
    from aesara.compile.io import Out

    x = at.dvector("x")
    out = AccumulatesIntoBuffer()(x)
    f = aesara.function(
        [x], Out(out, borrow=True), mode=_mode(check_preallocated_output="initial")
    )
    np.testing.assert_allclose(f(np.arange(3.0)), np.arange(3.0))
    # The second call finds the first result in the output cell.
    with pytest.raises(BadThunkOutput, match="py with initial output"):
        f(np.arange(3.0))
