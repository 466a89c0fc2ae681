"""Tests of the Aesara 2.9 names added for API parity (issue 3).

``Mean``/``ProdWithoutZeros`` values are also covered by the op database
(``tests/op_db/reduction_ops.py``); here: their gradient behaviour, printing
helpers, ``MetaType``, the VM helpers and the linker utilities.
"""

from __future__ import annotations

import inspect

import numpy as np
import pytest

import aesara
import aesara.tensor as at
from aesara.gradient import NullTypeGradError
from aesara.graph.basic import Apply
from aesara.graph.fg import FunctionGraph
from aesara.graph.utils import MetaType
from aesara.link.utils import (
    compile_function_src,
    register_thunk_debug_callback,
    unique_name_generator,
)
from aesara.link.vm import UpdatingVM, calculate_reallocate_info
from aesara.printing import (
    hex_digest,
    min_informative_str,
    position_independent_str,
    var_descriptor,
)
from aesara.tensor.math import Mean, ProdWithoutZeros

# -- Mean / ProdWithoutZeros -------------------------------------------------


def test_mean_grad_is_uniform_share():
    x = at.dmatrix("x")
    w = np.arange(3.0)
    g = aesara.grad((Mean(axis=1)(x) * w[:2]).sum(), x)
    v = np.ones((2, 5))
    np.testing.assert_allclose(
        aesara.function([x], g)(v), np.repeat(w[:2, None] / 5, 5, 1)
    )


def test_mean_grad_keeps_float32_and_int_is_zero():
    xf = at.fmatrix()
    assert aesara.grad(Mean()(xf), xf).type.dtype == "float32"
    xi = at.imatrix()
    gi = aesara.function([xi], aesara.grad(Mean()(xi), xi))(np.ones((2, 2), "int32"))
    assert np.all(gi == 0)


def test_mean_output_dtype_and_str():
    assert Mean()(at.fvector()).type.dtype == "float64"
    assert Mean()(at.zvector()).type.dtype == "complex128"
    assert str(Mean(axis=0)) == "Mean{axis=[0]}"
    assert Mean(0) == Mean(0) and Mean(0) != Mean(1)


def test_mean_verify_grad_and_infer_shape():
    rng = np.random.default_rng(0)
    aesara.gradient.verify_grad(
        lambda a: Mean(axis=(0, 2))(a), [rng.normal(size=(2, 3, 4))], rng=rng
    )
    x = at.dtensor3()
    f = aesara.function([x], Mean(axis=-1)(x).shape)
    assert tuple(f(np.zeros((2, 3, 4)))) == (2, 3)


def test_prod_without_zeros_skips_zeros():
    x = at.dmatrix()
    f = aesara.function([x], ProdWithoutZeros(axis=1)(x))
    np.testing.assert_array_equal(
        f(np.array([[0.0, 2.0, 3.0], [0.0, 0.0, 0.0]])), [6.0, 0.0]
    )


def test_prod_without_zeros_grad_not_implemented():
    x = at.dvector()
    with pytest.raises(NullTypeGradError, match="ProdWithoutZeros"):
        aesara.grad(ProdWithoutZeros()(x), x)


def test_prod_without_zeros_widens_small_ints():
    assert ProdWithoutZeros()(at.bvector()).type.dtype == "int64"
    assert ProdWithoutZeros(dtype="float32")(at.dvector()).type.dtype == "float32"


# -- printing ------------------------------------------------------------------


def test_min_informative_str_tags_and_repeats():
    x = at.dvector("x")
    y = at.dvector("y")
    z = (x + y) * x
    lines = min_informative_str(z).split("\n")
    assert lines[0].startswith("A. ") and "mul" in lines[0]
    assert lines[1].startswith(" B. ") and "add" in lines[1]
    assert lines[2:4] == ["  C. x", "  D. y"]
    assert lines[4] == " <C>"
    named = z.copy()
    named.name = "z"
    assert min_informative_str(named, indent_level=2) == "  A. z"


def test_var_descriptor_is_address_free_and_discriminates():
    x = at.dvector()
    y = at.dvector()
    d1 = var_descriptor(x + y)
    assert " at 0x" not in d1 and "\n" not in d1
    assert d1 == var_descriptor(at.dvector() + at.dvector())
    assert d1 != var_descriptor(x * y)
    assert var_descriptor(x + x).endswith(",<B>)")
    c1 = var_descriptor(x + np.ones(3))
    c2 = var_descriptor(x + np.array([1.0, 1.0, 2.0]))
    assert c1 != c2


def test_position_independent_str():
    assert (
        position_independent_str(at.dvector())
        == "aesara_var{type=TensorType(float64, (?,))}"
    )
    with pytest.raises(NotImplementedError, match="only Variables"):
        position_independent_str(3)


def test_hex_digest_depends_on_content_and_layout():
    a = np.arange(6.0).reshape(2, 3)
    assert hex_digest(a) == hex_digest(a.copy())
    assert hex_digest(a) != hex_digest(a + 1)
    assert hex_digest(a) != hex_digest(a.reshape(3, 2))
    assert hex_digest(a).split("|")[1:] == [
        "strides=[24,8]",
        "shape=[2,3]",
        "dtype=float64",
    ]
    with pytest.raises(TypeError, match="numpy.ndarray"):
        hex_digest([1, 2])


# -- MetaType ------------------------------------------------------------------


def test_metatype_builds_props_methods():
    class P(metaclass=MetaType):
        __props__ = ("a", "b")

        def __init__(self, a, b):
            self.a, self.b = a, b

    assert P(1, 2) == P(1, 2) and P(1, 2) != P(1, 3)
    assert hash(P(1, [2])) == hash(P(1, [2]))
    assert str(P(1, "q")) == "P{a=1, b='q'}"
    assert P(1, 2)._props() == (1, 2) and P(1, 2)._props_dict() == {"a": 1, "b": 2}
    assert inspect.isabstract(P) is False

    with pytest.raises(TypeError, match="tuple of strings"):

        class Bad(metaclass=MetaType):
            __props__ = ["a"]


# -- VM helpers ----------------------------------------------------------------


def _linked(fgraph):
    from aesara.link.basic import PerformLinker

    return PerformLinker().accept(fgraph).make_all()


def test_updating_vm_writes_updates_back():
    a = at.dscalar("a")
    b = at.dscalar("b")
    fg = FunctionGraph([a, b], [a + b, a * 2.0], clone=False)
    _, _, _, thunks, order = _linked(fg)
    storage = {}
    for node, t in zip(order, thunks):
        for v, cell in zip(node.inputs, t.inputs):
            storage[v] = cell
        for v, cell in zip(node.outputs, t.outputs):
            storage[v] = cell
    ins = [storage[a], storage[b]]
    outs = [storage[o] for o in fg.outputs]
    vm = UpdatingVM(fg, order, thunks, [], storage, ins, outs, {a: fg.outputs[1]})
    assert vm.need_update_inputs is False
    ins[0][0], ins[1][0] = np.array(3.0), np.array(1.0)
    assert [float(v) for v in vm()] == [4.0, 6.0]
    assert float(ins[0][0]) == 6.0  # a <- 2 * a
    assert [float(v) for v in vm()] == [7.0, 12.0]
    with pytest.raises(ValueError, match="not a graph output"):
        UpdatingVM(fg, order, thunks, [], storage, ins, outs, {a: a + 1})


def test_calculate_reallocate_info_shares_dead_scalars():
    x = at.dscalar("x")
    t1 = at.exp(x)
    t2 = at.log(t1)  # t1 is dead after this node
    out = at.sin(t2)
    fg = FunctionGraph([x], [out], clone=False)
    order = fg.toposort()
    storage = {v: [None] for v in fg.variables}
    compute = {v: [False] for v in fg.variables}
    deps = {
        v: [c.outputs[0] for c, _ in fg.clients[v] if c != "output"]
        for v in fg.variables
    }
    info = calculate_reallocate_info(order, fg, storage, compute, deps)
    t1n, t2n = (
        fg.outputs[0].owner.inputs[0].owner.inputs[0],
        fg.outputs[0].owner.inputs[0],
    )
    assert info[t1n][0] is t1n and info[t1n][1] is fg.outputs[0]
    # Graph outputs and inputs never give their cell away.
    assert fg.outputs[0] not in info and x not in info
    assert t2n not in info  # the only later 0-d output is already taken
    assert all(compute[o][0] for n in order for o in n.outputs)


# -- link utilities ------------------------------------------------------------


def test_compile_function_src_keeps_source():
    src = "def twice(v):\n    return k * v\n"
    fn = compile_function_src(src, "twice", {"k": 2})
    assert fn(4) == 8 and fn.__source__ == src
    assert "return k * v" in inspect.getsource(fn)
    with pytest.raises(ValueError, match="does not define 'other'"):
        compile_function_src(src, "other")


def test_unique_name_generator():
    u = unique_name_generator(["x"])
    x = at.dscalar("x")
    y = at.dscalar("x")
    assert u(x) == "x1" and u(x) == "x1"
    assert u(y) == "x2"
    assert u(x, force_unique=True) == "x3"
    anon = at.dscalar()
    assert u(anon).isidentifier()
    sep = unique_name_generator(suffix_sep="_")
    assert [sep(at.dscalar("a")) for _ in range(3)] == ["a", "a_1", "a_2"]
    assert sep(at.dscalar("1 bad")).isidentifier()
    assert sep(at.dscalar("lambda")) != "lambda"


def test_register_thunk_debug_callback_sees_values():
    a = at.dvector("a")
    fg = FunctionGraph([a], [at.exp(a)], clone=False)
    _, _, _, thunks, order = _linked(fg)
    seen = []
    wrapped = register_thunk_debug_callback(
        thunks[0], lambda **kw: seen.append(kw), node=order[0]
    )
    assert wrapped.inputs is thunks[0].inputs
    wrapped.inputs[0][0] = np.array([0.0, 1.0])
    wrapped()
    assert seen[0]["node"] is order[0] and isinstance(seen[0]["node"], Apply)
    np.testing.assert_allclose(seen[0]["outputs"][0], np.exp([0.0, 1.0]))
    with pytest.raises(TypeError, match="callback must be callable"):
        register_thunk_debug_callback(thunks[0], None)
