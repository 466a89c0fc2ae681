import pickle
import warnings

import numpy as np
import pytest

from aesara.compile.function import function
from aesara.compile.function.types import UnusedInputError
from aesara.compile.io import In, Out
from aesara.compile.mode import Mode
from aesara.compile.ops import DeepCopyOp
from aesara.compile.sharedvalue import shared
from aesara.graph.utils import MissingInputError
from aesara.link.vm import VMLinker
from aesara.tensor.math import exp
from aesara.tensor.type import dscalar, dvector, iscalar


def test_developers_snippet():
    a = dscalar()
    b = dscalar()
    f = function([a, b], a + b)
    assert 4.0 == f(1.5, 2.5)


def test_output_single_list_dict_none():
    x, y = dscalar("x"), dscalar("y")
    assert function([x, y], x * y)(2.0, 3.0) == 6.0
    res = function([x, y], [x + y, x * y])(2.0, 3.0)
    assert isinstance(res, list) and res == [5.0, 6.0]
    res = function([x, y], {"sum": x + y, "prod": x * y})(2.0, 3.0)
    assert res == {"sum": 5.0, "prod": 6.0}
    assert function([x], [], on_unused_input="ignore")(1.0) == []
    s = shared(0.0)
    # Like Aesara, an update-only function returns an empty list.
    assert function([], None, updates={s: s + 1})() == []
    assert s.get_value() == 1.0


def test_output_subset():
    x = dscalar("x")
    f = function([x], [x + 1, x + 2, x + 3])
    assert f(1.0, output_subset=[0, 2]) == [2.0, 4.0]
    g = function([x], {"a": x + 1, "b": x + 2})
    assert g(1.0, output_subset=[1]) == {"b": 3.0}


def test_keyword_and_default_inputs():
    x, y, z = dscalar("x"), dscalar("y"), dscalar("z")
    f = function([x, In(y, value=10.0), In(z, value=100.0, name="zz")], x + y + z)
    assert f(1.0) == 111.0
    assert f(1.0, 2.0) == 103.0
    assert f(1.0, zz=3.0) == 14.0
    assert f(x=1.0, y=2.0, zz=3.0) == 6.0
    # A value given in one call does not replace the default.
    assert f(1.0) == 111.0
    assert f["y"] == 10.0
    f["y"] = 20.0
    assert f(1.0) == 121.0
    with pytest.raises(TypeError, match="Missing required input: 'x'"):
        f()
    with pytest.raises(TypeError, match="Unknown input name 'w'"):
        f(1.0, w=2.0)
    with pytest.raises(TypeError, match="both positionally and by keyword"):
        f(1.0, x=2.0)
    with pytest.raises(TypeError, match="at most 3 inputs.*got 4"):
        f(1.0, 2.0, 3.0, 4.0)


def test_stateful_input_with_update():
    x, acc = dscalar("x"), dscalar("acc")
    f = function([x, In(acc, value=0.0, update=acc + x)], acc + x)
    assert f(1.0) == 1.0
    assert f(2.0) == 3.0
    assert f["acc"] == 3.0


def test_shared_updates_and_set_value():
    x = dscalar("x")
    s = shared(np.float64(0.0), name="s")
    f = function([x], s * 2, updates=[(s, s + x)])
    assert f(1.0) == 0.0
    assert s.get_value() == 1.0
    assert f(1.0) == 2.0
    s.set_value(10.0)
    assert f(0.0) == 20.0
    # Another function sees the same storage.
    g = function([], s)
    assert g() == 10.0


def test_update_errors():
    x = dscalar("x")
    s = shared(np.zeros(3), name="s")
    with pytest.raises(TypeError, match=r"shared_var=s.*float64, \(\?,\)"):
        function([x], x, updates={s: x})
    with pytest.raises(TypeError, match="must be a SharedVariable"):
        function([x], x, updates={x: x + 1})
    with pytest.raises(TypeError, match="dict or a list of"):
        function([x], x, updates=5)


def test_default_update():
    s = shared(0.0, name="s")
    s.default_update = s + 1
    f = function([], s)
    f()
    f()
    assert s.get_value() == 2.0
    g = function([], s, no_default_updates=True)
    g()
    assert s.get_value() == 2.0
    h = function([], s, no_default_updates=[s])
    h()
    assert s.get_value() == 2.0
    # An explicit update wins over the default one.
    k = function([], s, updates={s: s * 10})
    k()
    assert s.get_value() == 20.0


def test_givens():
    x, y = dscalar("x"), dscalar("y")
    s = shared(5.0)
    f = function([y], x * 2, givens={x: y + 1})
    assert f(1.0) == 4.0
    g = function([], x + 1, givens=[(x, s)])
    assert g() == 6.0
    v = dvector("v")
    with pytest.raises(TypeError, match="givens: cannot replace x"):
        function([v], x, givens={x: v})
    with pytest.raises(RuntimeError, match="is an input to your function"):
        function([x], x + 1, givens={x: y})


def test_on_unused_input():
    x, y = dscalar("x"), dscalar("y")
    with pytest.raises(UnusedInputError, match=r"index 1 \(y\)"):
        function([x, y], x * 2)
    with warnings.catch_warnings(record=True) as w:
        warnings.simplefilter("always")
        f = function([x, y], x * 2, on_unused_input="warn")
    assert any("index 1 (y)" in str(i.message) for i in w)
    assert f(1.0, 5.0) == 2.0
    g = function([x, y], x * 2, on_unused_input="ignore")
    assert g(2.0, 0.0) == 4.0
    with pytest.raises(ValueError, match="on_unused_input"):
        function([x], x, on_unused_input="bogus")


def test_duplicate_and_non_root_inputs():
    x = dscalar("x")
    with pytest.raises(UnusedInputError, match="used twice in inputs"):
        function([x, x], x + 1)
    # A computed input cuts the graph there; what lies above it is then
    # missing, as in Aesara.
    with pytest.raises(MissingInputError, match="x"):
        function([x + 1], x, on_unused_input="ignore")
    with pytest.raises(TypeError, match="contained in a list"):
        function(x, x)
    with pytest.raises(TypeError, match="shared variable"):
        function([shared(1.0)], x, on_unused_input="ignore")


def test_non_root_input_cuts_the_graph():
    x = dscalar("x")
    y = exp(x)
    z = y * 2 + 1
    f = function([y], z)
    # The value given for ``y`` is used as is: ``exp`` is not computed.
    assert f(3.0) == 7.0
    g = function([x, y], z + x)
    assert g(10.0, 1.0) == 13.0
    # The graph the caller built is left alone.
    assert z.owner.inputs[0].owner.inputs[0] is y
    assert y.owner is not None and y.owner.inputs[0] is x


def test_missing_input_error_names_variable():
    x, y = dscalar("x"), dscalar("missing_y")
    out = x + y
    with pytest.raises(MissingInputError) as info:
        function([x], out)
    msg = str(info.value)
    assert "missing_y" in msg
    assert __file__ in msg


def test_bad_input_messages():
    x = dvector("x")
    f = function([x], x * 2, name="f")
    with pytest.raises(TypeError) as info:
        f(np.zeros((2, 2)))
    msg = str(info.value)
    assert 'Bad input argument with name "x" to aesara function "f" at index 0' in msg
    assert "expected 1, got 2" in msg
    with pytest.raises(TypeError, match="at index 0.*float64"):
        f(np.zeros(3, dtype="complex128"))
    u = dvector()
    g = function([u], u + 1)
    with pytest.raises(TypeError, match=r"to aesara function at index 0 \(0-based\)"):
        g(np.zeros((1, 1)))
    i = iscalar("i")
    h = function([i], i + 1)
    with pytest.raises(TypeError, match='name "i".*'):
        h(1.5)
    assert function([i], i + 1, allow_input_downcast=True)(np.int64(3)) == 4


def test_runtime_error_message_points_at_user_line():
    x, y = dvector("x"), dvector("y")
    z = x + y  # LINE-OF-Z
    # Without fusion: the failing node is ``add`` itself, not a fused kernel.
    from aesara.compile.mode import get_default_mode

    f = function([x, y], exp(z), mode=get_default_mode().excluding("fusion"))
    with pytest.raises(ValueError) as info:
        f(np.ones(3), np.ones(4))
    msg = str(info.value)
    assert "Apply node that caused the error" in msg
    assert "add" in msg
    assert "Inputs shapes: [(3,), (4,)]" in msg
    assert __file__ in msg
    with open(__file__) as fh:
        lineno = next(
            i
            for i, line in enumerate(fh, 1)
            if "LINE-OF-Z" in line and "next(" not in line
        )
    assert f"line {lineno}" in msg


@pytest.mark.parametrize("allow_gc", [True, False])
def test_allow_gc_same_results(allow_gc):
    x = dvector("x")
    out = exp(x * 2) + x
    f = function([x], out, mode=Mode(VMLinker(allow_gc=allow_gc), None))
    v = np.arange(4.0)
    np.testing.assert_allclose(f(v), np.exp(v * 2) + v)
    np.testing.assert_allclose(f(v + 1), np.exp((v + 1) * 2) + v + 1)


def test_outputs_do_not_alias_inputs_or_each_other():
    x = dvector("x")
    f = function([x], x)
    v = np.arange(3.0)
    r = f(v)
    assert r is not v and not np.shares_memory(r, v)
    np.testing.assert_array_equal(r, v)
    assert any(isinstance(n.op, DeepCopyOp) for n in f.maker.fgraph.apply_nodes)
    g = function([x], [x * 2, x * 2])
    a, b = g(v)
    assert not np.shares_memory(a, b)
    y = x * 2
    h = function([x], [y, y])
    a, b = h(v)
    assert not np.shares_memory(a, b)
    s = shared(np.ones(2))
    k = function([], s)
    out = k()
    out[0] = 100
    assert s.get_value()[0] == 1.0


def test_outputs_not_overwritten_by_next_call():
    x = dvector("x")
    f = function([x], exp(x), mode=Mode(VMLinker(allow_gc=False), None))
    r1 = f(np.zeros(2))
    r2 = f(np.ones(2))
    np.testing.assert_allclose(r1, [1.0, 1.0])
    np.testing.assert_allclose(r2, np.exp([1.0, 1.0]))


def test_borrow_output():
    x = dvector("x")
    f = function([In(x, borrow=True)], Out(x, borrow=True))
    v = np.arange(3.0)
    assert f(v) is v or np.shares_memory(f(v), v)


def test_trust_input():
    x, y = dscalar("x"), dscalar("y")
    f = function([x, y], x + y)
    f.trust_input = True
    assert f(np.array(1.0), np.array(2.0)) == 3.0


def test_pickle_function():
    x = dvector("x")
    s = shared(np.zeros(2), name="s")
    k = dscalar("k")
    f = function([x, In(k, value=3.0)], x * k + s, updates={s: s + 1})
    f(np.ones(2))  # s becomes 1
    g = pickle.loads(pickle.dumps(f))
    # The copy carries its own shared state (s == 1) and default k == 3.
    np.testing.assert_allclose(g(np.ones(2)), [4.0, 4.0])
    np.testing.assert_allclose(g(np.ones(2), 1.0), [3.0, 3.0])
    np.testing.assert_allclose(f(np.ones(2)), [4.0, 4.0])
    assert s.get_value()[0] == 2.0


def test_pickle_simple():
    a, b = dscalar("a"), dscalar("b")
    f = function([a, b], [a + b, a * b])
    g = pickle.loads(pickle.dumps(f))
    assert g(2.0, 3.0) == [5.0, 6.0]


def test_copy():
    x = dscalar("x")
    acc = dscalar("acc")
    s = shared(0.0, name="s")
    f = function(
        [x, In(acc, value=0.0, update=acc + x)], acc + x + s, updates={s: s + 1}
    )
    g = f.copy()
    assert f(1.0) == 1.0  # acc 0, s 0
    assert g(1.0) == 2.0  # own acc 0, shared s now 1
    assert f["acc"] == 1.0 and g["acc"] == 1.0
    assert s.get_value() == 2.0
    h = f.copy(delete_updates=True)
    h(5.0)
    assert s.get_value() == 2.0
    s2 = shared(100.0, name="s2")
    k = f.copy(swap={s: s2})
    assert k(0.0) == 100.0 + 1.0  # acc copied with value 1
    assert s2.get_value() == 101.0 and s.get_value() == 2.0
    with pytest.raises(TypeError, match="types differ"):
        f.copy(swap={s: shared(np.zeros(2))})


def test_free_and_get_shared():
    x = dvector("x")
    s = shared(np.ones(2), name="s")
    f = function([x], exp(x) * s, mode=Mode(VMLinker(allow_gc=False), None))
    f(np.ones(2))
    f.free()
    assert all(c[0] is None for v, c in f.vm.storage_map.items() if v.owner is not None)
    assert f.get_shared() == [s]
    np.testing.assert_allclose(f(np.zeros(2)), [1.0, 1.0])


def test_value_and_container_access():
    x = dscalar("x")
    s = shared(2.0, name="s")
    f = function([In(x, value=1.0)], x * s)
    assert f.value[x] == 1.0
    assert f.container[s].value == 2.0
    assert "x" in f
    with pytest.raises(KeyError):
        f["nope"]


def test_eval():
    x = dscalar("x")
    assert (x * 3).eval({x: 2.0}) == 6.0
    s = shared(4.0)
    assert (s + 1).eval() == 5.0


def test_profile():
    from aesara.compile.profiling import ProfileStats

    x = dvector("x")
    f = function([x], exp(x) + 1, profile=True)
    f(np.ones(3))
    f(np.ones(3))
    assert isinstance(f.profile, ProfileStats)
    assert f.profile.fct_callcount == 2
    n_nodes = len(f.maker.fgraph.apply_nodes)
    assert sum(f.profile.apply_callcount.values()) == 2 * n_nodes
