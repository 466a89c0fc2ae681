"""Aesara 2.9 public names of ``aesara``, ``aesara.compile`` (and its modules),
``aesara.d3viz``, ``aesara.gradient``, ``aesara.link.utils`` and
``aesara.printing`` added for the API audit: each behaves as in Aesara."""

from __future__ import annotations

import io
import logging
import os
import pickle
import sys
import traceback
import typing

import numpy as np
import pytest

import aesara
import aesara.tensor as at
from aesara.compile import mode as mode_mod
from aesara.compile.function import types as types_mod
from aesara.compile.ops import as_op
from aesara.graph.basic import Apply, NominalVariable
from aesara.graph.fg import FunctionGraph
from aesara.graph.op import Op

# -- aesara --------------------------------------------------------------------


def test_rpath_is_the_package_directory():
    assert aesara.rpath == os.path.realpath(os.path.dirname(aesara.__file__))


def test_disable_log_handler_removes_the_given_handler():
    logger = logging.getLogger("aesara.test_na_names")
    handler = logging.StreamHandler(io.StringIO())
    logger.addHandler(handler)
    try:
        aesara.disable_log_handler(logger, handler)
        assert handler not in logger.handlers
        # Without a handler nothing is removed (no default handler here).
        other = logging.StreamHandler(io.StringIO())
        logger.addHandler(other)
        aesara.disable_log_handler(logger)
        assert other in logger.handlers
    finally:
        for h in list(logger.handlers):
            logger.removeHandler(h)
    with pytest.raises(TypeError, match="logging.Logger"):
        aesara.disable_log_handler("aesara")


# -- aesara.compile re-exports ---------------------------------------------------


@pytest.mark.parametrize(
    "name",
    [
        "AddDestroyHandler",
        "AddFeatureOptimizer",
        "OPT_FAST_COMPILE",
        "OPT_FAST_RUN",
        "OPT_FAST_RUN_STABLE",
        "OPT_MERGE",
        "OPT_NONE",
        "OPT_O2",
        "OPT_O3",
        "OPT_STABILIZE",
        "OPT_UNSAFE",
        "PrintCurrentFunctionGraph",
        "local_useless",
    ],
)
def test_compile_reexports_the_mode_objects(name):
    assert getattr(aesara.compile, name) is getattr(mode_mod, name)


def test_optimizer_queries_select_their_tags():
    assert "fast_run" in mode_mod.OPT_FAST_RUN.include
    assert "inplace" in mode_mod.OPT_O3.exclude
    assert "unsafe" in mode_mod.OPT_UNSAFE.include
    assert mode_mod.OPT_STABILIZE.position_cutoff < 2
    assert mode_mod.predefined_optimizers["o3"] is aesara.compile.OPT_O3
    # The "useless" stage of optdb runs the local_useless group.
    assert mode_mod.optdb["useless"].db is aesara.compile.local_useless


def test_add_feature_and_destroy_handler_rewriters_attach_features():
    from aesara.graph.destroyhandler import DestroyHandler
    from aesara.graph.features import Feature

    x = at.dvector("x")
    fg = FunctionGraph([x], [x * 2])
    feature = Feature()
    aesara.compile.AddFeatureOptimizer(feature).rewrite(fg)
    assert feature in fg._features
    aesara.compile.AddDestroyHandler().rewrite(fg)
    assert any(isinstance(f, DestroyHandler) for f in fg._features)


def test_print_current_function_graph_prints_the_graph(capsys):
    x = at.dvector("x")
    fg = FunctionGraph([x], [at.exp(x)])
    aesara.compile.PrintCurrentFunctionGraph("After stage").rewrite(fg)
    out = capsys.readouterr().out
    assert "After stage" in out and "exp" in out


def test_alias_root_and_view_tree_set():
    from aesara.compile import alias_root, view_tree_set

    x = at.dmatrix("x")
    v = x.T  # a DimShuffle: a view of x
    w = v[0]  # a Subtensor: a view of the view
    y = x + 1
    assert alias_root(w) is x
    assert alias_root(y) is y
    assert aesara.compile.alias_root is types_mod.alias_root
    fg = FunctionGraph([x], [w, y], clone=False)
    views = set()
    view_tree_set(fg, x, views)
    assert views == {x, v, w}


# -- aesara.compile.function.types ---------------------------------------------------


def test_get_info_on_inputs_describes_the_inputs():
    from aesara.compile import get_info_on_inputs

    assert get_info_on_inputs([], 0) == "The function is supposed to have no input."
    assert "single input variable which has no name" in get_info_on_inputs([], 1)
    assert "3 inputs, but none of them is named" in get_info_on_inputs([], 3)
    assert get_info_on_inputs(["a"], 0) == "The function has 1 named input (a)."
    two = get_info_on_inputs(["a", "b"], 2)
    assert two.startswith(
        "The function has 2 named inputs (a, b), and 2 unnamed inputs"
    )
    with pytest.raises(ValueError, match="n_unnamed_inputs"):
        get_info_on_inputs([], -1)


def test_duplicate_marks_ambiguous_input_names():
    a1 = at.dscalar("a")
    a2 = at.dscalar("a")
    b = at.dscalar()
    f = aesara.function([a1, a2, b], a1 + a2 + b)
    assert f._finder["a"] is types_mod.DUPLICATE
    with pytest.raises(KeyError, match="Several inputs"):
        f["a"]
    with pytest.raises(TypeError, match="1 unnamed input"):
        f(1.0, 2.0, 3.0, c=4.0)


def test_orig_function_and_iter_over_pairs():
    from aesara.compile.function import orig_function
    from aesara.compile.function.pfunc import iter_over_pairs

    assert orig_function is types_mod.orig_function
    x = at.dscalar("x")
    assert list(iter_over_pairs({x: 1})) == [(x, 1)]
    pairs = [(x, 2)]
    assert iter_over_pairs(pairs) is pairs


# -- aesara.compile.mode -----------------------------------------------------------


def test_exclude_and_instantiated_default_mode():
    from aesara.configdefaults import config

    assert mode_mod.exclude == ([] if config.cxx else ["cxx_only"])
    assert tuple(mode_mod.OPT_FAST_RUN.exclude) == tuple(mode_mod.exclude)
    mode = mode_mod.get_default_mode()
    assert mode_mod.instantiated_default_mode is mode
    mode_mod.get_mode("FAST_COMPILE")  # a named mode is not the default one
    assert mode_mod.instantiated_default_mode is mode


def test_get_target_language():
    from aesara.configdefaults import config
    from aesara.link.basic import Linker

    get = mode_mod.get_target_language
    assert get(mode_mod.Mode("py")) == ("py",)
    assert get(mode_mod.Mode("vm")) == ("py",)
    assert get("FAST_COMPILE") == ("py",)
    assert get(mode_mod.Mode("cvm")) == (("c", "py") if config.cxx else ("py",))
    assert get() == get(mode_mod.get_default_mode())

    class OddLinker(Linker):
        def make_thunk(self, **kwargs):  # pragma: no cover - never run
            raise NotImplementedError

        def clone(self, allow_gc=None):
            return self

    with pytest.raises(NotImplementedError, match="OddLinker"):
        get(mode_mod.Mode(OddLinker(), "fast_compile"))


# -- aesara.compile.builders ---------------------------------------------------------


def test_construct_nominal_fgraph():
    from aesara.compile.builders import construct_nominal_fgraph

    x = at.dmatrix("x")
    y = at.dvector("y")
    s = aesara.shared(np.ones(3), name="s")
    s.default_update = s + 1
    out = (x + y) * s
    fg, shared_inputs = construct_nominal_fgraph([x, y], [out])
    assert shared_inputs == [s]
    assert all(isinstance(i, NominalVariable) for i in fg.inputs)
    assert [i.type for i in fg.inputs] == [x.type, y.type, s.type]
    assert len(fg.outputs) == 2 and fg.update_mapping == {1: 2}
    # Equal computations give the same nominal inputs (mergeable inner graphs).
    fg2, _ = construct_nominal_fgraph([x, y], [out])
    assert fg2.inputs == fg.inputs
    fn = aesara.function(fg.inputs, fg.outputs[0], on_unused_input="ignore")
    np.testing.assert_allclose(
        fn(np.ones((2, 3)), np.arange(3.0), np.full(3, 2.0)),
        (1 + np.arange(3.0))[None].repeat(2, 0) * 2,
    )
    with pytest.raises(Exception, match="not among the inputs"):
        construct_nominal_fgraph([x], [out])
    with pytest.raises(TypeError, match="inputs\\[0\\]"):
        construct_nominal_fgraph([s], [s * 2])


def test_infer_shape_uses_the_given_input_shapes():
    from aesara.compile.builders import infer_shape

    x = at.dmatrix("x")
    y = at.dvector("y")
    n = at.lscalar("n")
    out = x + y
    shapes = infer_shape([out, x.sum(0), x.sum()], [x, y], [(n, 3), (3,)])
    fn = aesara.function([n], [*shapes[0], *shapes[1]])
    assert [int(v) for v in fn(5)] == [5, 3, 3]
    assert shapes[2] == ()
    # Nothing is computed from x itself: the shapes only need n.
    with pytest.raises(ValueError, match="input_shapes\\[0\\]"):
        infer_shape([out], [x], [(n,)])
    with pytest.raises(ValueError, match="2 inputs but 1"):
        infer_shape([out], [x, y], [(n, 3)])


# -- compilelock, debugmode, ops, sharedvalue ----------------------------------------


def test_local_mem_records_the_held_locks(tmp_path):
    from aesara.compile.compilelock import local_mem, lock_ctx

    key = os.path.abspath(str(tmp_path))
    assert key not in local_mem._locks
    with lock_ctx(str(tmp_path)):
        assert key in local_mem._locks
        assert local_mem._locks is local_mem.locks
    assert key not in local_mem._locks


def test_default_make_thunk_lists_the_stock_implementations():
    from aesara.compile.debugmode import default_make_thunk
    from aesara.link.c.op import COp

    class OwnThunk(Op):
        def make_node(self, x):
            return Apply(self, [x], [x.type()])

        def perform(self, node, inputs, outputs):  # pragma: no cover
            outputs[0][0] = inputs[0]

        def make_thunk(self, *args, **kwargs):  # pragma: no cover
            return super().make_thunk(*args, **kwargs)

    assert Op.make_thunk in default_make_thunk
    assert COp.make_thunk in default_make_thunk
    assert OwnThunk.make_thunk not in default_make_thunk


def test_output_guard_is_a_destroying_view():
    from aesara.compile.ops import OutputGuard, ViewOp, _output_guard

    assert isinstance(_output_guard, OutputGuard)
    assert isinstance(_output_guard, ViewOp)
    assert _output_guard.destroy_map == {0: [0]} and _output_guard.view_map == {0: [0]}
    x = at.dvector("x")
    node = _output_guard.make_node(x)
    value = np.arange(3.0)
    out = [[None]]
    _output_guard.perform(node, [value], out)
    assert out[0][0] is value


def test_load_back_imports_and_resolves():
    from aesara.compile.ops import load_back

    assert load_back("os.path", "join") is os.path.join
    assert load_back("aesara.compile.ops", "OutputGuard.destroy_map") == {0: [0]}
    # Ops made by as_op still pickle by reference through it.
    op = pickle.loads(pickle.dumps(_doubled))
    assert op is _doubled
    with pytest.raises(AttributeError):
        load_back("os.path", "no_such_name")


@as_op([at.dvector], [at.dvector])
def _doubled(x):
    return x * 2


def test_collect_new_shareds_collects_in_the_innermost_block():
    from aesara.compile.sharedvalue import collect_new_shareds

    before = aesara.shared(0.0)
    with collect_new_shareds() as outer:
        a = aesara.shared(1.0)
        with collect_new_shareds() as inner:
            b = aesara.shared(2.0)
        c = aesara.shared(3.0)
    after = aesara.shared(4.0)
    assert outer == [a, c]
    assert inner == [b]
    assert before not in outer and after not in outer


# -- aesara.d3viz -------------------------------------------------------------------


def test_safe_json_cannot_close_a_script_element():
    import json

    from aesara.d3viz.d3viz import safe_json

    text = safe_json({"label": "</script><b>"})
    assert "<" not in text
    assert json.loads(text) == {"label": "</script><b>"}


def test_d3viz_formatting_helpers():
    from aesara.d3viz import formatting as fmt

    assert fmt.broadcastable_to_str((False, True)) == "col"
    assert fmt.broadcastable_to_str((True, True)) == ""
    assert fmt.dtype_to_char("float32") == "f"
    assert fmt.dtype_to_char("uint8") == "X"
    assert fmt.var_label(at.dmatrix()) == "dmatrix"
    assert fmt.var_label(at.row()) == "drow"
    assert fmt.var_label(at.tensor3(dtype="int32")) == "int32"
    assert fmt.var_label(at.dvector("v")) == "v"
    assert fmt.var_label(at.constant(3.14159)) == "3.142"
    assert fmt.var_label(at.constant([[1.0, 2.0], [3.0, 4.0]])) == "[[1. 2.]"
    y = at.dvector() + 1
    tag = fmt.var_tag(y)
    assert tag is not None and tag[0] == os.path.basename(__file__)
    assert isinstance(tag[2], bytes)
    untraced = at.dvector()
    untraced.tag.trace = []
    assert fmt.var_tag(untraced) is None
    x = at.dvector("x")
    f = aesara.function([x], at.exp(x), profile=True)
    node = f.maker.fgraph.toposort()[0]
    assert fmt.apply_label(node) == type(node.op).__name__
    assert fmt.apply_profile(f.maker.fgraph, node, f.profile) is None  # no call yet
    f(np.ones(3))
    t, total = fmt.apply_profile(f.maker.fgraph, node, f.profile)
    assert 0 <= t <= total
    assert fmt.apply_profile(f.maker.fgraph, node, None) is None
    assert fmt.pydot_imported is aesara.printing.pydot_imported
    assert fmt.pydot_imported_msg == aesara.printing.pydot_imported_msg


def test_dict_to_pdnode():
    from aesara.d3viz import formatting as fmt

    if not fmt.pydot_imported:
        with pytest.raises(RuntimeError, match="pydot"):
            fmt.dict_to_pdnode({"name": "n"})
        return
    node = fmt.dict_to_pdnode(
        {"name": "n1", "label": 'say "hi"', "tooltip": ["a", 1], "shape": None}
    )
    assert node.get_name() == "n1"
    assert node.get("label") == "say 'hi'"
    assert node.get("tooltip") == "a\t1"
    assert node.get("shape") is None


# -- aesara.gradient --------------------------------------------------------------------


def test_as_list_or_tuple():
    from aesara.gradient import as_list_or_tuple, format_as

    assert as_list_or_tuple is format_as
    assert as_list_or_tuple(True, False, 1) == [1]
    assert as_list_or_tuple(False, True, [1, 2]) == (1, 2)
    assert as_list_or_tuple(False, False, [7]) == 7
    with pytest.raises(ValueError):
        as_list_or_tuple(True, True, 1)
    with pytest.raises(ValueError):
        as_list_or_tuple(False, False, [1, 2])


def test_grad_time_accumulates_and_is_reported():
    from aesara.compile.profiling import ProfileStats

    x = at.dscalar("x")
    before = aesara.gradient.grad_time
    aesara.grad(x**3, x)
    assert aesara.gradient.grad_time > before
    out = io.StringIO()
    ProfileStats(atexit_print=False).summary_globals(out)
    assert f"{aesara.gradient.grad_time:e}" in out.getvalue()


# -- aesara.link.utils ---------------------------------------------------------------


def test_register_thunk_trace_excepthook(monkeypatch, capsys):
    import aesara.utils
    from aesara.link.utils import register_thunk_trace_excepthook

    monkeypatch.setattr(aesara.utils, "_excepthooks", [])
    monkeypatch.setattr(sys, "excepthook", sys.excepthook)
    out = io.StringIO()
    register_thunk_trace_excepthook(out)
    assert sys.excepthook is not sys.__excepthook__

    err = ValueError("boom")
    err.__thunk_trace__ = traceback.extract_stack()[-1:]
    sys.excepthook(ValueError, err, None)
    text = out.getvalue()
    assert "log_thunk_trace: There was a problem executing an Op." in text
    assert __file__ in text

    out.seek(0)
    out.truncate()
    sys.excepthook(ValueError, ValueError("plain"), None)
    assert out.getvalue() == ""
    capsys.readouterr()  # Python's own handler printed the exceptions
    with pytest.raises(TypeError, match="write"):
        register_thunk_trace_excepthook(42)


# -- aesara.printing ----------------------------------------------------------------------


def test_printing_names():
    from aesara.printing import (
        IDTypesType,
        PrinterState,
        pprint,
        set_precedence,
        special,
        use_ascii,
    )

    assert set(typing.get_args(IDTypesType)) == {"id", "int", "CHAR", "auto", ""}
    x = at.dscalar("x")
    for id_type in typing.get_args(IDTypesType):
        aesara.printing.debugprint(x + 1, file=io.StringIO(), id_type=id_type)
    pstate = PrinterState(pprinter=pprint)
    pstate.precedence = 5
    with set_precedence(pstate, 100):
        assert pstate.precedence == 100
        with set_precedence(pstate):
            assert pstate.precedence == -1000
        assert pstate.precedence == 100
    assert pstate.precedence == 5
    assert use_ascii is False
    assert special == {"middle_dot": "\u00b7", "big_sigma": "\u03a3"}
    assert aesara.printing.greek["alpha"] == "\u03b1"
