import numpy as np
import pytest

import aesara
import aesara.tensor as at
from aesara.compile.mode import Mode, get_default_mode
from aesara.graph.fg import FunctionGraph
from aesara.tensor.basic import Alloc, MakeVector
from aesara.tensor.elemwise import DimShuffle, Elemwise
from aesara.tensor.rewriting.elemwise import local_dimshuffle_lift

REF = Mode(optimizer=None)
MODE = get_default_mode()


def check_same(inputs, out, values):
    f = aesara.function(inputs, out, mode=MODE)
    g = aesara.function(inputs, out, mode=REF)
    res, ref = f(*values), g(*values)
    np.testing.assert_allclose(res, ref)
    assert np.asarray(res).dtype == np.asarray(ref).dtype
    return f


def test_dimshuffle_lift_through_elemwise():
    x = at.dmatrix("x")
    y = at.dmatrix("y")
    out = (x + y).T
    fg = FunctionGraph([x, y], [out], clone=False)
    assert local_dimshuffle_lift.transform(fg, out.owner)
    new = local_dimshuffle_lift.transform(fg, out.owner)[0]
    assert isinstance(new.owner.op, Elemwise)
    assert all(isinstance(i.owner.op, DimShuffle) for i in new.owner.inputs)
    check_same([x, y], out, [np.arange(6.0).reshape(2, 3), np.ones((2, 3))])


def test_dimshuffle_of_dimshuffle_composed_and_identity_removed():
    x = at.dmatrix("x")
    out = x.T.T
    f = check_same([x], out * 2, [np.arange(6.0).reshape(2, 3)])
    assert not any(isinstance(n.op, DimShuffle) for n in f.maker.fgraph.toposort())
    v = at.dvector("v")
    out = v.dimshuffle("x", 0).dimshuffle(1, 0)
    fg = FunctionGraph([v], [out], clone=False)
    new = local_dimshuffle_lift.transform(fg, out.owner)[0]
    assert new.owner.op.new_order == (0, "x")
    check_same([v], out, [np.arange(3.0)])


def test_useless_dimshuffle_makevector():
    a = at.dscalar("a")
    mv = MakeVector("float64")(a)
    out = mv.dimshuffle([]) if False else DimShuffle((True,), ())(mv)
    f = check_same([a], out * 2, [3.0])
    assert not any(isinstance(n.op, MakeVector) for n in f.maker.fgraph.toposort())


@pytest.mark.parametrize("dtype", ["float32", "float64", "int16"])
def test_upcast_elemwise_constant_inputs(dtype):
    x = at.vector("x", dtype=dtype)
    out = x * np.int8(3)
    f = check_same([x], out, [np.arange(4).astype(dtype)])
    for n in f.maker.fgraph.toposort():
        for i in n.inputs:
            if isinstance(i, at.TensorConstant):
                assert i.type.dtype == out.type.dtype


def test_dimshuffle_lift_broadcasting_values():
    x = at.dmatrix("x")
    r = at.row("r", dtype="float64")
    out = at.exp(x + r).T
    check_same([x, r], out, [np.ones((1, 3)), np.arange(3.0)[None]])
    check_same([x, r], out, [np.ones((2, 3)), np.arange(3.0)[None]])


def test_fill_sink_and_fill_to_alloc():
    x = at.dmatrix("x")
    s = at.dscalar("s")
    out = at.fill(x, s) + 1
    f = check_same([x, s], out, [np.ones((2, 3)), 2.0])
    topo = f.maker.fgraph.toposort()
    assert any(isinstance(n.op, Alloc) for n in topo)
    assert not any(
        isinstance(n.op, Elemwise) and type(n.op.scalar_op).__name__ == "Second"
        for n in topo
    )


def test_zeros_like_known_shape_folds():
    x = at.tensor(dtype="float64", shape=(2, 3))
    out = at.zeros_like(x) + at.ones_like(x)
    f = check_same([x], out, [np.ones((2, 3))])
    assert not any(
        isinstance(i, at.TensorVariable) and i is f.maker.fgraph.inputs[0]
        for n in f.maker.fgraph.toposort()
        for i in n.inputs
        if isinstance(n.op, Elemwise)
    )
