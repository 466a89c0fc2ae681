"""Behaviour of the small Aesara-parity helpers (names audited in test_api_audit)."""

import pickle

import numpy as np
import pytest

import aesara
import aesara.tensor as at
from aesara.compile import (
    In,
    convert_function_input,
    fgraph_updated_vars,
    orig_function,
    shared,
    std_fgraph,
)
from aesara.graph.fg import FunctionGraph
from aesara.scalar.math import Owens_t, OwensT
from aesara.tensor.extra_ops import broadcast_shape, broadcast_shape_iter
from aesara.tensor.subtensor import as_nontensor_scalar
from aesara.tensor.type_other import NoneConst, as_int_none_variable
from aesara.tensor.utils import import_func_from_string, shape_of_variables
from aesara.updates import OrderedUpdates


def test_function_dump_round_trip(tmp_path):
    x = at.dscalar("x")
    path = tmp_path / "f.pkl"
    aesara.function_dump(str(path), [x], x * 2 + 1, name="dumped")
    with open(path, "rb") as f:
        kwargs = pickle.load(f)
    assert kwargs["name"] == "dumped"
    assert aesara.function(**kwargs)(3.0) == 7.0


def test_ordered_updates():
    a, b = shared(1.0, name="a"), shared(2.0, name="b")
    u = OrderedUpdates()
    u[b] = b + 1
    u[a] = a * 2
    assert list(u) == [b, a]
    with pytest.raises(TypeError, match="shared variables"):
        u[at.dscalar()] = 1
    with pytest.raises(KeyError, match="Collision"):
        u.update({a: a + 5})
    merged = u + {shared(0.0): 1.0}
    assert isinstance(merged, OrderedUpdates) and len(merged) == 3
    f = aesara.function([], [], updates=u)
    f()
    assert a.get_value() == 2.0 and b.get_value() == 3.0


def test_convert_function_input_forms():
    x, y = at.dscalars("x", "y")
    assert convert_function_input(x).variable is x
    spec = In(x)
    assert convert_function_input(spec) is spec
    named = convert_function_input(("n", x, 2.0))
    assert named.name == "n" and named.value == 2.0
    upd = convert_function_input(((x, x + 1), 0.0))
    assert upd.update is not None and upd.value == 0.0
    with pytest.raises(TypeError, match="Constant"):
        convert_function_input(at.constant(1.0))
    with pytest.raises(TypeError, match="Unknown input type"):
        convert_function_input(3)
    with pytest.raises(TypeError, match="Nonsensical"):
        convert_function_input(())


def test_orig_function_and_fgraph_updated_vars():
    x, y = at.dscalars("x", "y")
    f = orig_function([x, (y, 10.0)], [x + y, x * y])
    assert f(2.0) == [12.0, 20.0]
    specs = [In(x, value=0.0, update=x + 1), In(y)]
    fgraph, _ = std_fgraph(specs, [aesara.compile.SymbolicOutput(x * y)])
    upd = fgraph_updated_vars(fgraph, specs)
    assert list(upd) == [fgraph.inputs[0]]
    assert upd[fgraph.inputs[0]] is fgraph.outputs[1]
    with pytest.raises(ValueError, match="input specs"):
        fgraph_updated_vars(fgraph, specs[:1])


def test_small_tensor_helpers():
    s = as_nontensor_scalar(3)
    assert s.type.dtype == "int64" and s.data == 3
    with pytest.raises(TypeError, match="scalars"):
        as_nontensor_scalar(at.dvector())
    assert as_int_none_variable(None) is NoneConst
    assert as_int_none_variable(4).type.dtype.startswith("int")
    with pytest.raises(TypeError, match="integer"):
        as_int_none_variable(1.5)
    a, b = at.dmatrix(), at.TensorType("float64", shape=(1, 5))()
    it = broadcast_shape_iter([a, b])
    direct = broadcast_shape(a, b)
    f = aesara.function([a], list(it) + list(direct))
    assert f(np.ones((3, 5))) == [3, 5, 3, 5]
    assert Owens_t is OwensT
    assert import_func_from_string("numpy.exp") is np.exp
    assert import_func_from_string("numpy.no_such_thing") is None


def test_shape_of_variables():
    x = at.dmatrix("x")
    y = x[0]
    z = at.dot(x.T, x)
    fg = FunctionGraph([x], [y, z], clone=False)
    shapes = shape_of_variables(fg, {x: (4, 3)})
    assert shapes[x] == (4, 3) and shapes[y] == (3,) and shapes[z] == (3, 3)
    with pytest.raises(ValueError, match="entries"):
        shape_of_variables(fg, {x: (4,)})
