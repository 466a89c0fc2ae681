import warnings

import numpy as np
import pytest

import aesara
import aesara.tensor as at
from aesara.compile.mode import Mode, get_default_mode
from aesara.graph.basic import Apply
from aesara.graph.fg import FunctionGraph
from aesara.graph.op import Op
from aesara.tensor.elemwise import Elemwise
from aesara.tensor.exceptions import ShapeError
from aesara.tensor.rewriting.shape import ShapeFeature, ShapeInferenceWarning
from aesara.tensor.shape import Reshape, Shape_i, SpecifyShape, Unbroadcast
from aesara.tensor.type import TensorType

REF = Mode(optimizer=None)
MODE = get_default_mode()


def op_types(f):
    return [type(n.op) for n in f.maker.fgraph.toposort()]


def scalar_ops(f):
    out = []
    for n in f.maker.fgraph.toposort():
        if isinstance(n.op, Elemwise):
            out.append(type(n.op.scalar_op).__name__)
            inner = getattr(n.op.scalar_op, "fgraph", None)
            if inner is not None:
                out.extend(type(m.op).__name__ for m in inner.toposort())
    return out


def check_same(inputs, out, values):
    f = aesara.function(inputs, out, mode=MODE)
    g = aesara.function(inputs, out, mode=REF)
    res, ref = f(*values), g(*values)
    np.testing.assert_allclose(res, ref)
    assert np.asarray(res).dtype == np.asarray(ref).dtype
    return f


def test_shape_does_not_compute_the_value():
    x = at.dmatrix("x")
    out = (x @ x.T + at.exp(x)).shape
    f = check_same([x], out, [np.ones((3, 3))])
    names = [str(n.op) for n in f.maker.fgraph.toposort()]
    assert not any("Dot" in n or "dot" in n.lower() for n in names)
    assert "Exp" not in scalar_ops(f)
    np.testing.assert_array_equal(
        aesara.function([x], at.exp(x).shape)(np.ones((2, 5))), [2, 5]
    )


def test_shape_i_tracks_inferred_shape():
    x = at.dmatrix("x")
    out = at.exp(x).reshape((x.shape[1], x.shape[0])).shape[0]
    f = check_same([x], out, [np.ones((2, 7))])
    assert Reshape not in op_types(f)
    assert "Exp" not in scalar_ops(f)


def test_shape_feature_api():
    x = at.dmatrix("x")
    y = at.exp(x)
    z = y.T
    fg = FunctionGraph([x], [z, y], clone=False)
    sf = ShapeFeature()
    fg.attach_feature(sf)
    assert fg.shape_feature is sf
    sx = sf.shape_of[x]
    assert len(sx) == 2 and all(s.type.dtype == "int64" for s in sx)
    assert sf.get_shape(z, 0) is sf.shape_of[x][1]
    # Aesara's signature takes the graph first.
    assert sf.get_shape(fg, z, 1) is sf.shape_of[x][0]
    with pytest.raises(TypeError, match="takes"):
        sf.get_shape(z)
    other = FunctionGraph([x], [y], clone=False)
    with pytest.raises(ValueError, match="not the one"):
        sf.get_shape(other, z, 0)
    assert sf.same_shape(x, y)
    assert not sf.same_shape(x, z)
    assert sf.same_shape(x, z, 0, 1)
    # Static sizes become constants.
    v = at.tensor(dtype="float64", shape=(3, None))
    fg2 = FunctionGraph([v], [v * 2], clone=False)
    sf2 = ShapeFeature()
    fg2.attach_feature(sf2)
    assert int(sf2.shape_of[v][0].data) == 3
    assert sf2.unpack(4, v).data == 4
    with pytest.raises(TypeError, match="integers"):
        sf2.unpack(at.dscalar(), v)
    with pytest.raises(ValueError, match="negative"):
        sf2.unpack(-1, v)
    sf2.set_shape_i(fg2.outputs[0], 1, 5)
    assert int(sf2.shape_of[fg2.outputs[0]][1].data) == 5
    fg.remove_feature(sf)
    assert not hasattr(fg, "shape_feature")


def test_shape_feature_updates_on_replace():
    x = at.dvector("x")
    y = at.exp(x)
    z = at.log(y)
    fg = FunctionGraph([x], [z], clone=False)
    sf = ShapeFeature()
    fg.attach_feature(sf)
    old = sf.shape_of[y]
    fg.replace(y, at.sin(x))
    new_y = fg.outputs[0].owner.inputs[0]
    assert sf.same_shape(new_y, x)
    assert len(old) == 1


class BadShapeOp(Op):
    __props__ = ()

    def make_node(self, x):
        return Apply(self, [x], [x.type()])

    def perform(self, node, inputs, out):
        out[0][0] = inputs[0].copy()

    def infer_shape(self, fgraph, node, shapes):
        raise RuntimeError("broken infer_shape")


def test_infer_shape_error_falls_back_with_warning():
    x = at.dvector("x")
    y = BadShapeOp()(x)
    # The warning comes from the rewrite: a cached result from an earlier
    # run would skip it.
    with aesara.config.change_flags(rewrite_cache=False):
        with pytest.warns(ShapeInferenceWarning, match="broken infer_shape"):
            f = aesara.function([x], y.shape)
    np.testing.assert_array_equal(f(np.ones(4)), [4])
    with aesara.config.change_flags(on_shape_error="raise", on_opt_error="raise"):
        with pytest.raises(RuntimeError, match="broken"):
            aesara.function([x], BadShapeOp()(x).shape)


class CannotTellShapeOp(BadShapeOp):
    def infer_shape(self, fgraph, node, shapes):
        raise ShapeError("cannot tell")


def test_infer_shape_shape_error_falls_back_quietly():
    """``ShapeError`` from ``infer_shape`` means "cannot tell": the outputs'
    own shapes are used, with no warning (AeHMC relies on this)."""
    import warnings

    from aesara.graph.fg import FunctionGraph
    from aesara.graph.rewriting.utils import rewrite_graph

    x = at.dvector("x")
    y = CannotTellShapeOp()(x)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        fg = FunctionGraph(outputs=[y.shape], features=[ShapeFeature()], clone=False)
        (out,) = rewrite_graph(fg).outputs
    # The shape still depends on y itself (nothing better is known).
    assert y in set(aesara.graph.basic.ancestors([out]))
    f = aesara.function([x], out)
    np.testing.assert_array_equal(f(np.ones(3)), [3])


def test_shape_opt_registered():
    from aesara.compile.mode import optdb

    assert "ShapeOpt" in optdb.__db__ or "ShapeOpt" in optdb._names
    x = at.dvector("x")
    f = aesara.function([x], x * 2)
    assert f(np.ones(2)).tolist() == [2.0, 2.0]


def test_shape_of_specify_shape_and_alloc():
    x = at.dmatrix("x")
    n = at.lscalar("n")
    out = at.specify_shape(x, (n, None)).shape
    f = check_same([x, n], out, [np.ones((3, 2)), 3])
    assert SpecifyShape not in op_types(f)
    v = at.dscalar("v")
    a = at.alloc(v, n, 4)
    f = aesara.function([v, n], a.shape[0], mode=MODE, on_unused_input="ignore")
    assert f(1.0, 5) == 5
    assert not any(
        type(node.op).__name__ == "Alloc" for node in f.maker.fgraph.toposort()
    )


def test_useless_specify_shape_removed():
    x = at.tensor(dtype="float64", shape=(2, 3))
    y = SpecifyShape()(x, 2, 3)
    f = check_same([x], y * 2, [np.ones((2, 3))])
    assert SpecifyShape not in op_types(f)


def test_merge_consecutive_specify_shape():
    x = at.dmatrix("x")
    y = at.specify_shape(at.specify_shape(x, (2, None)), (None, 3))
    assert y.type.shape == (2, 3)
    f = check_same([x], y, [np.ones((2, 3))])
    assert op_types(f).count(SpecifyShape) == 1
    with pytest.raises(AssertionError):
        f(np.ones((3, 3)))


def test_reshape_chain_and_useless_reshape():
    x = at.dmatrix("x")
    y = x.reshape((6,)).reshape((3, 2))
    f = check_same([x], y, [np.arange(6.0).reshape(2, 3)])
    assert op_types(f).count(Reshape) == 1
    z = x.reshape(x.shape)
    f = check_same([x], z * 2, [np.arange(6.0).reshape(2, 3)])
    assert Reshape not in op_types(f)
    w = x.reshape((x.shape[0], -1))
    f = check_same([x], w * 2, [np.arange(6.0).reshape(2, 3)])
    assert Reshape not in op_types(f)


def test_reshape_lift_and_dimshuffle_in_reshape():
    x = at.dmatrix("x")
    y = at.exp(x).reshape((-1,))
    f = check_same([x], y, [np.arange(6.0).reshape(2, 3)])
    topo = f.maker.fgraph.toposort()
    assert isinstance(topo[-1].op, Elemwise) or any(
        isinstance(n.op, Reshape) and n.inputs[0].owner is None for n in topo
    )
    v = at.dvector("v")
    z = v.dimshuffle("x", 0).reshape((2, -1))
    f = check_same([v], z, [np.arange(6.0)])
    assert all(
        not (isinstance(n.op, Reshape) and n.inputs[0].owner is not None)
        for n in f.maker.fgraph.toposort()
    )


def test_useless_unbroadcast():
    x = at.tensor(dtype="float64", shape=(1, None))
    y = Unbroadcast(0)(Unbroadcast(0)(x))
    f = check_same([x], y * 2, [np.ones((1, 3))])
    assert op_types(f).count(Unbroadcast) <= 1
    z = at.dmatrix("z")
    g = check_same([z], at.unbroadcast(z, 0) * 2, [np.ones((2, 3))])
    assert Unbroadcast not in op_types(g)


def test_shape_i_of_static_dim_is_constant():
    x = at.tensor(dtype="float64", shape=(4, None))
    f = aesara.function([x], Shape_i(0)(x), mode=MODE)
    assert Shape_i not in op_types(f)
    assert f(np.ones((4, 2))) == 4


@pytest.mark.parametrize("shape", [(0, 3), (1, 1), (5, 2)])
def test_shape_values_match(shape):
    x = at.dmatrix("x")
    y = at.dvector("y")
    out = at.stack([(x + y).shape[0], (x * 2).T.shape[0], x[1:].shape[0]])
    check_same([x, y], out, [np.ones(shape), np.ones(shape[1])])


def test_rewrites_keep_types():
    x = TensorType("float32", (None, None))("x")
    f = aesara.function([x], (x * 2).shape, mode=MODE)
    assert f(np.ones((2, 3), dtype="float32")).dtype == np.int64
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        aesara.function([x], at.exp(x).shape)


def test_shape_i_tracking_never_makes_a_cycle():
    # Found by the soundness property test: minimum(x, x) is simplified to x
    # while the mean's Shape_i was being replaced by an expression using it.

    x = at.dmatrix("x")
    with aesara.config.change_flags(on_opt_error="raise"):
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            f = aesara.function([x], at.mean(at.minimum(x, x), axis=0))
    np.testing.assert_allclose(f(np.arange(6.0).reshape(2, 3)), [1.5, 2.5, 3.5])
