"""User-visible behaviours checked against real Aesara 2.9.4.

Each expectation below was read off Aesara 2.9.4 itself (the same calls run
in a reference install); where ours deliberately does more or says more, the
test says so ("extension"). Covered: plural constructors, ``Function.copy``,
``config.print_test_value``, graph cloning options, automatic names,
``pprint``/``debugprint`` output, the exception types raised for typical
misuse, input conversion and overflow, ``In`` flags, ``take(mode=None)``,
BLAS ops in compiled graphs and zero gradients of non-tensor variables.
"""

import io
import warnings

import numpy as np
import pytest

import aesara
import aesara.tensor as at
from aesara import In, function, shared
from aesara.compile.function.types import UnusedInputError
from aesara.graph.basic import clone, clone_replace, graph_inputs
from aesara.printing import debugprint, pprint

# ---------------------------------------------------------------------------
# Plural constructors
# ---------------------------------------------------------------------------

PLURALS = [
    p + k
    for k in ["scalars", "vectors", "matrices", "rows", "cols"]
    + [f"tensor{n}s" for n in range(3, 8)]
    for p in ["", "f", "d", "i", "l"]
]


@pytest.mark.parametrize("name", PLURALS)
def test_plural_constructor_splits_a_string_into_one_variable_per_character(name):
    make = getattr(at, name)
    a, b, c = make("abc")
    assert [v.name for v in (a, b, c)] == ["a", "b", "c"]
    assert a.type == b.type == c.type
    # One character gives the variable itself, not a list.
    single = make("q")
    assert isinstance(single, at.TensorVariable) and single.name == "q"
    # An int is a count of unnamed variables (a list even for 1).
    two = make(2)
    assert len(two) == 2 and all(v.name is None for v in two)
    one = make(1)
    assert isinstance(one, list) and len(one) == 1


def test_plural_constructor_forms_match_aesara():
    # Several arguments are several names, kept whole.
    ab, cd = at.vectors("ab", "cd")
    assert (ab.name, cd.name) == ("ab", "cd")
    # A list of names works as one argument.
    u, w = at.dmatrices(["u", "w"])
    assert (u.name, w.name) == ("u", "w") and u.type.dtype == "float64"
    assert at.vectors() == []
    f0, f1 = at.fscalars("mn")
    assert f0.type.dtype == "float32" and f0.type.ndim == 0
    i0, i1 = at.imatrices("pq")
    assert i0.type.dtype == "int32" and i0.type.ndim == 2
    with pytest.raises(TypeError):
        at.vectors("a", 2)


@pytest.mark.parametrize(
    "name, dtype",
    [
        ("ints", "int64"),
        ("floats", "float64"),
        ("complexs", "complex128"),
        ("complexs64", "complex64"),
        ("complexs128", "complex128"),
    ],
)
def test_scalar_plural_constructors(name, dtype):
    import aesara.scalar as aes

    make = getattr(aes, name)
    a, b, c = make("abc")
    assert [v.name for v in (a, b, c)] == ["a", "b", "c"]
    assert a.type.dtype == dtype
    assert make("q").name == "q"
    assert [v.name for v in make("p", "q")] == ["p", "q"]
    # A count gives a list, even a count of one.
    assert len(make(2)) == 2
    one = make(1)
    assert isinstance(one, list) and len(one) == 1 and one[0].type.dtype == dtype


# ---------------------------------------------------------------------------
# Function.copy
# ---------------------------------------------------------------------------


def _counter_function():
    x = at.dvector("x")
    s = shared(np.float64(0.0), name="s")
    f = function([x], x.sum() + s, updates={s: s + 1}, name="f")
    return x, s, f


def test_function_copy_shares_state_only_when_asked():
    _, s, f = _counter_function()
    ones = np.ones(2)
    g = f.copy()
    assert g(ones) == 2.0 and s.get_value() == 1.0
    h = f.copy(share_memory=True)
    assert h(ones) == 3.0 and f(ones) == 4.0 and s.get_value() == 3.0


def test_function_copy_swap_and_delete_updates():
    _, s, f = _counter_function()
    ones = np.ones(2)
    s2 = shared(np.float64(10.0), name="s2")
    h = f.copy(swap={s: s2})
    assert h(ones) == 12.0
    assert s.get_value() == 0.0 and s2.get_value() == 11.0
    d = f.copy(delete_updates=True)
    assert d(ones) == d(ones) == 2.0 and s.get_value() == 0.0


def test_function_copy_names_and_profile():
    _, _, f = _counter_function()
    assert f.copy().name == "f copy"
    assert f.copy(name="g").name == "g"
    assert f.copy(profile=True).profile is not None
    assert not f.copy(profile=False).profile


def test_function_copy_bad_swap_raises_what_aesara_raises():
    _, s, f = _counter_function()
    # Aesara raises AssertionError for both; ours is also a TypeError.
    with pytest.raises(AssertionError, match="SharedVariable"):
        f.copy(swap={s: at.dscalar()})
    with pytest.raises(AssertionError):
        f.copy(swap={s: shared(np.ones(3))})
    # Extension: the error is a TypeError as well.
    with pytest.raises(TypeError):
        f.copy(swap={s: shared(np.ones(3))})


# ---------------------------------------------------------------------------
# print_test_value, automatic names, cloning
# ---------------------------------------------------------------------------


def test_print_test_value_adds_the_test_value_to_repr():
    assert aesara.config.print_test_value is False
    x = at.dvector("x")
    x.tag.test_value = np.array([1.0, 2.0])
    y = at.dvector("y")
    assert repr(x) == "x"
    with aesara.config.change_flags(print_test_value=True):
        assert repr(x) == "x\narray([1., 2.])"
        assert repr(y) == "y"
        assert str(x) == "x"


def test_automatic_names_and_strs():
    v = at.dvector()
    assert v.name is None
    assert v.auto_name.startswith("auto_")
    assert str(v) == repr(v) == "<TensorType(float64, (?,))>"
    assert repr(v.type) == str(v.type) == "TensorType(float64, (?,))"
    assert repr([at.dmatrix().type]) == "[TensorType(float64, (?, ?))]"
    assert str(at.dvector("x") + 1) == "Elemwise{add,no_inplace}.0"
    assert str(at.constant(3)) == "TensorConstant{3}"
    assert str(at.constant(np.arange(3))) == "TensorConstant{[0 1 2]}"
    assert shared(1.0).name is None


def test_clone_copy_inputs_and_copy_orphans():
    a, b = at.dscalars("ab")
    c = a * b + 1
    ins, outs = clone([a, b], [c], copy_inputs=False)
    assert ins[0] is a and outs[0] is not c
    ins, _ = clone([a, b], [c], copy_inputs=True)
    assert ins[0] is not a and ins[0].name == "a"
    e = a * at.constant(2.0) + b  # b is an orphan of the graph from [a]
    _, outs = clone([a], [e], copy_orphans=False)
    assert any(v is b for v in graph_inputs(outs))
    _, outs = clone([a], [e], copy_orphans=True)
    assert not any(v is b for v in graph_inputs(outs))


def test_clone_replace_keeps_or_converts_types():
    x = at.dvector("x")
    out = clone_replace(x * 2, {x: at.dvector("y")})
    assert out.type == (x * 2).type
    # Extension: Aesara 2.9.4's clone_replace has no ``strict`` argument (it
    # fails with "unexpected keyword argument"); ours converts or refuses.
    with pytest.raises(TypeError):
        clone_replace(x * 2, {x: at.fvector()}, strict=True)
    assert clone_replace(x * 2, {x: at.dmatrix()}, strict=False).type.ndim == 2


# ---------------------------------------------------------------------------
# pprint and debugprint
# ---------------------------------------------------------------------------


def test_pprint_of_set_and_inc_subtensor():
    # Aesara prints a symbolic index as ``x[ScalarFromTensor(i)]`` and slices
    # by their types (``x[int64:int64]``); ours prints the index itself.
    x, y = at.dvector("x"), at.dvector("y")
    i = at.lscalar("i")
    v = at.lvector("v")
    assert pprint(at.set_subtensor(x[i], 5.0)) == "set_subtensor(x[i], 5.0)"
    assert pprint(at.inc_subtensor(x[1:3], y)) == "inc_subtensor(x[1:3], y)"
    assert pprint(at.inc_subtensor(x[v], 1.0)) == "inc_subtensor(x[v], 1.0)"
    assert pprint(at.set_subtensor(x[v], y)) == "set_subtensor(x[v], y)"


def test_pprint_indexing_constants_and_sum():
    x = at.dvector("x")
    m = at.dmatrix("m")
    i = at.lscalar("i")
    assert pprint(x[i]) == "x[i]"
    assert pprint(x[::2]) == "x[::2]"
    assert pprint(m[i, 1:]) == "m[i, 1:]"
    # Constants print as their values; sums as sum(..., axis=...), as Aesara.
    assert pprint((x**2).sum()) == "sum((x ** 2), axis=None)"


def _dp(v, **kw):
    buf = io.StringIO()
    debugprint(v, file=buf, **kw)
    return buf.getvalue()


def _graph():
    x, y = at.dvector("x"), at.dvector("y")
    return (x * 2 + y).sum()


def test_debugprint_columns_match_aesara():
    z = _graph()
    assert _dp(z).splitlines() == [
        "Sum{acc_dtype=float64} [id A]",
        " |Elemwise{add,no_inplace} [id B]",
        "   |Elemwise{mul,no_inplace} [id C]",
        "   | |x [id D]",
        "   | |InplaceDimShuffle{x} [id E]",
        "   |   |TensorConstant{2} [id F]",
        "   |y [id G]",
    ]
    typed = _dp(z, print_type=True).splitlines()
    assert typed[0] == "Sum{acc_dtype=float64} [id A] <TensorType(float64, ())>"
    assert typed[4] == "   | |InplaceDimShuffle{x} [id E] <TensorType(int8, (1,))>"
    assert _dp(z, depth=2).splitlines() == [
        "Sum{acc_dtype=float64} [id A]",
        " |Elemwise{add,no_inplace} [id B]",
    ]
    assert _dp(z, id_type="int").splitlines()[1] == " |Elemwise{add,no_inplace} [id 1]"
    assert _dp(z, id_type="").splitlines()[0] == "Sum{acc_dtype=float64}"
    assert debugprint(z, file="str") == _dp(z)


def test_debugprint_deprecated_ids_argument():
    z = _graph()
    with pytest.warns(DeprecationWarning, match="id_type"):
        text = _dp(z, ids="int")
    assert text.splitlines()[0] == "Sum{acc_dtype=float64} [id 0]"


def test_debugprint_of_a_function_shows_positions_and_storage():
    x, y = at.dvectors("xy")
    f = function([x, y], (x * 2 + y).sum())
    lines = _dp(f).splitlines()
    # The first line is the output node with its position in the toposort.
    n = len(f.maker.fgraph.apply_nodes)
    assert lines[0].endswith(f"[id A] {n - 1}")
    stored = _dp(f, print_storage=True).splitlines()
    assert stored[0].endswith("[None]")


def test_debugprint_shares_ids_through_done():
    x = at.dvector("x")
    a = x + 1
    b = a * 2
    done: dict = {}
    used: dict = {}
    first = _dp(a, done=done, used_ids=used)
    second = _dp(b, done=done, used_ids=used)
    assert first.splitlines()[0] == "Elemwise{add,no_inplace} [id A]"
    # The shared node keeps its id and is not expanded again.
    assert " |Elemwise{add,no_inplace} [id A]" in second.splitlines()


# ---------------------------------------------------------------------------
# Exceptions for misuse
# ---------------------------------------------------------------------------


@pytest.fixture
def add_fn():
    x, y = at.dvector("x"), at.dvector("y")
    return x, y, function([x, y], x + y)


def test_call_errors(add_fn):
    _, _, f = add_fn
    with pytest.raises(TypeError, match="Missing required input"):
        f(np.ones(2))
    with pytest.raises(TypeError, match="Too many"):
        f(np.ones(2), np.ones(2), np.ones(2))
    with pytest.raises(TypeError, match="Unknown input"):
        f(np.ones(2), z=np.ones(2))
    with pytest.raises(
        TypeError, match="(?s)Bad input argument.*Wrong number of dimensions"
    ):
        f(np.ones((2, 2)), np.ones(2))
    with pytest.raises(ValueError, match="Apply node that caused the error"):
        f(np.ones(2), np.ones(3))


def test_compile_errors():
    x, y = at.dvector("x"), at.dvector("y")
    with pytest.raises(UnusedInputError, match="not part of the computational graph"):
        function([x, y], x * 2)
    with pytest.warns(UserWarning):
        function([x, y], x * 2, on_unused_input="warn")
    with pytest.raises(ValueError, match="on_unused_input"):
        function([x, y], x * 2, on_unused_input="bogus")
    with pytest.raises(UnusedInputError, match="used twice"):
        function([x, x], x)
    with pytest.raises(TypeError, match="Outputs must be"):
        function([x], 3)
    with pytest.raises(TypeError, match="Unknown parameter type"):
        function([3], x)
    with pytest.raises(TypeError, match="Constants"):
        function([at.constant(1.0)], x)
    # Aesara raises a bare Exception here; ours is a TypeError (an Exception).
    with pytest.raises(Exception, match="contained in a list"):
        function(x, x)
    with pytest.raises(TypeError):
        function([y], x * 2, givens={x: at.dmatrix()})
    sh = shared(np.ones(2), name="sh")
    with pytest.raises(TypeError, match="same type as the original shared variable"):
        function([], sh, updates={sh: sh.sum()})
    with pytest.raises(TypeError, match="SharedVariable"):
        function([x], x, updates={x: x + 1})
    with pytest.raises(TypeError, match="Cannot use a shared variable"):
        function([sh], sh * 2)


def test_grad_errors():
    x, y = at.dvector("x"), at.dvector("y")
    with pytest.raises(TypeError, match="[Cc]ost must be a scalar"):
        aesara.grad(x * 2, x)
    with pytest.raises(aesara.gradient.DisconnectedInputError):
        aesara.grad((x * 2).sum(), y)
    with pytest.raises(aesara.gradient.DisconnectedInputError):
        aesara.grad((x * 2).sum(), at.constant(2.0))
    g = aesara.grad((x * 2).sum(), y, disconnected_inputs="ignore")
    np.testing.assert_array_equal(g.eval({y: np.ones(2)}), [0.0, 0.0])


def test_conversion_error_types_match_aesara():
    x = at.dvector("x")
    # Aesara raises NotImplementedError; ours is a TypeError as well.
    for bad in ("abc", object()):
        with pytest.raises(NotImplementedError, match="Cannot convert"):
            at.as_tensor_variable(bad)
        # Extension: also a TypeError.
        with pytest.raises(TypeError, match="Cannot convert"):
            at.as_tensor_variable(bad)
    with pytest.raises(NotImplementedError):
        x.reshape("a")
    # Out-of-range axes raise NumPy's AxisError (a ValueError and IndexError).
    with pytest.raises(np.exceptions.AxisError):
        x.sum(axis=3)
    with pytest.raises(ValueError, match="cannot be determined"):
        list(x)
    with pytest.raises(TypeError):
        len(x)
    with pytest.raises(TypeError):
        x[1.5]
    with pytest.raises(TypeError, match="[Ii]nvalid dtype"):
        at.vector(dtype="foo")


def test_shared_set_value_errors():
    sh = shared(np.ones(2), name="sh")
    with pytest.raises(TypeError, match="Wrong number of dimensions"):
        sh.set_value(np.ones((2, 2)))
    # A value of another dtype that converts without loss is accepted.
    sh.set_value(np.ones(2, dtype="float32"))
    assert sh.get_value().dtype == np.float64


# ---------------------------------------------------------------------------
# Input conversion and overflow, allow_input_downcast, In flags
# ---------------------------------------------------------------------------


def test_integer_overflow_on_input_conversion_raises():
    i = at.iscalar("i")
    f = function([i], i * 2)
    assert f(5) == 10 and f(5).dtype == np.int32
    with pytest.raises(TypeError, match="Bad input argument"):
        f(2**40)
    u = at.scalar("u", dtype="uint8")
    g = function([u], u + 1)
    for bad in (-1, 300, np.int64(-1)):
        with pytest.raises(TypeError, match="Bad input argument"):
            g(bad)


def test_lossy_inputs_need_allow_input_downcast():
    iv = at.ivector("iv")
    f = function([iv], iv * 2)
    np.testing.assert_array_equal(f([1, 2]), [2, 4])
    for bad in (np.ones(2), [1.5, 2.0], np.array([1, 2], dtype="int64")):
        with pytest.raises(TypeError, match="Bad input argument"):
            f(bad)
    g = function([iv], iv * 2, allow_input_downcast=True)
    np.testing.assert_array_equal(g(np.array([1.7, 2.2])), [2, 4])
    # Downcasting wraps around as NumPy's astype does.
    np.testing.assert_array_equal(g(np.array([2**40])), [0])
    fv = at.fvector("fv")
    h = function([fv], fv * 2)
    with pytest.raises(TypeError):
        h(np.ones(2))  # a float64 array
    # Python floats go to floatX-like inputs unless they overflow.
    assert h([1.0, 2.0]).dtype == np.float32
    with pytest.raises(TypeError):
        h([1e40])
    assert function([fv], fv * 2, allow_input_downcast=True)(np.ones(2)).dtype == (
        np.float32
    )


def test_in_mutable_requires_borrow():
    x = at.dvector("x")
    assert In(x).borrow is None
    inp = In(x, mutable=True)
    assert inp.mutable and inp.borrow
    inp = In(x, mutable=True, borrow=True)
    assert inp.mutable and inp.borrow
    with pytest.raises(ValueError, match="borrow"):
        In(x, mutable=True, borrow=False)
    f = function([In(x, mutable=True, borrow=True)], at.exp(x) + 1)
    np.testing.assert_allclose(f(np.zeros(3)), np.full(3, 2.0))


def test_in_update_and_value_alongside_shared_variables():
    a, c = at.dscalars("ac")
    s = shared(np.float64(1.0), name="s")
    f = function(
        [a, In(c, value=0.0, update=c + a, name="cc")],
        c + a + s,
        updates={s: s * 2},
    )
    assert f(2.0) == 3.0  # c=0, s=1
    assert f(2.0) == 6.0  # c=2, s=2
    assert f[c] == 4.0 and s.get_value() == 4.0
    assert f(1.0, cc=10.0) == 15.0  # explicit value for the stateful input
    with pytest.raises(TypeError, match="Unknown input"):
        f(1.0, c=1.0)
    # A shared variable is never an explicit input, bare or wrapped.
    for inp in (s, In(s, value=3.0), In(s, update=s + a)):
        with pytest.raises(TypeError, match="Cannot use a shared variable"):
            function([a, inp], s * a)


def test_in_value_strict_and_allow_downcast():
    a = at.dscalar("a")
    f = function([In(a, value=5.0)], a * 2)
    assert f() == 10.0 and f(1.0) == 2.0
    with pytest.raises(TypeError, match="Bad input argument"):
        function([In(a, strict=True)], a * 2)(1)
    fs = at.fscalar("fs")
    assert function([In(fs, allow_downcast=True)], fs * 2)(np.float64(1.5)) == 3.0
    assert function([In(fs)], fs * 2)(1.5).dtype == np.float32


# ---------------------------------------------------------------------------
# take, BLAS ops, zero gradients
# ---------------------------------------------------------------------------


def test_take_mode_none_is_raise():
    x = at.dvector("x")
    idx = at.lvector("idx")
    vals = {x: np.arange(3.0), idx: np.array([0, 2])}
    np.testing.assert_array_equal(at.take(x, idx, mode=None).eval(vals), [0.0, 2.0])
    with pytest.raises(IndexError):
        at.take(x, idx, mode=None).eval({x: np.arange(3.0), idx: np.array([0, 5])})
    m = at.as_tensor(np.arange(6.0).reshape(2, 3))
    np.testing.assert_array_equal(
        at.take(m, idx, axis=1, mode=None).eval({idx: np.array([0, 2])}),
        [[0.0, 2.0], [3.0, 5.0]],
    )
    # Extension: Aesara 2.9.4 ignores an unknown mode; ours refuses it.
    with pytest.raises(ValueError, match="mode"):
        at.take(x, idx, mode="bogus")


def test_blas_op_classes_and_names():
    from aesara.tensor.blas import Gemv
    from aesara.tensor.blas_c import CGemv

    assert issubclass(CGemv, Gemv)
    assert CGemv.__name__ == "CGemv" and Gemv.__name__ == "Gemv"


def test_accumulated_matrix_vector_product_becomes_gemv():
    A = at.dmatrix("A")
    x, z = at.dvectors("xz")
    f = function([A, x, z], 0.5 * z + 2.0 * at.dot(A, x))
    names = [type(n.op).__name__ for n in f.maker.fgraph.toposort()]
    assert any(n in ("Gemv", "CGemv") for n in names), names
    rng = np.random.default_rng(0)
    Av, xv, zv = rng.normal(size=(3, 4)), rng.normal(size=4), rng.normal(size=3)
    np.testing.assert_allclose(f(Av, xv, zv), 0.5 * zv + 2.0 * Av @ xv)
    # vector @ matrix accumulates through the transpose.
    g = function([A, x, z], x - at.dot(z, A))
    names = [type(n.op).__name__ for n in g.maker.fgraph.toposort()]
    assert any(n in ("Gemv", "CGemv") for n in names), names
    np.testing.assert_allclose(g(Av, xv, zv), xv - zv @ Av)


def test_float_zeros_like_of_a_non_tensor_is_disconnected():
    # Aesara 2.9.4 fails here with AttributeError (no ``zeros_like``) and
    # passes DisconnectedType gradients to ops for disconnected outputs; ours
    # gives that disconnected gradient directly.
    from aesara.gradient import DisconnectedType, _float_zeros_like
    from aesara.tensor.type_other import NoneConst, make_slice

    assert isinstance(_float_zeros_like(NoneConst).type, DisconnectedType)
    sl = make_slice(at.lscalar(), at.lscalar(), None)
    assert isinstance(_float_zeros_like(sl).type, DisconnectedType)
    rng = shared(np.random.default_rng(0))
    assert isinstance(_float_zeros_like(rng).type, DisconnectedType)
    z = _float_zeros_like(at.ivector())
    assert z.type.dtype == aesara.config.floatX


def test_grad_through_a_node_with_a_disconnected_rng_output():
    # A random draw has an RNG output next to the value; only the value is used.
    mu = at.dscalar("mu")
    srng = at.random.RandomStream(0)
    draw = srng.normal(mu, 1.0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with pytest.raises(aesara.gradient.NullTypeGradError):
            aesara.grad(draw, mu)
