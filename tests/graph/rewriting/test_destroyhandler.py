import numpy as np
import pytest

import aesara
import aesara.tensor as at
from aesara.compile.function.types import Supervisor
from aesara.graph.destroyhandler import DestroyHandler
from aesara.graph.fg import FunctionGraph
from aesara.graph.rewriting.basic import in2out, node_rewriter
from aesara.graph.utils import InconsistencyError
from tests.graph.rewriting.toy_ops import (
    add,
    const,
    inplace_add,
    mul,
    neg,
    toy_var,
    view,
)


def make(inputs, outputs):
    fg = FunctionGraph(inputs, outputs, clone=False)
    fg.attach_feature(DestroyHandler())
    return fg


class TestDestroyHandler:
    def test_orderings_put_destroyer_last(self):
        x, y = toy_var("x"), toy_var("y")
        reader = neg(x)
        d = inplace_add(x, y)
        fg = make([x, y], [mul(d, reader)])
        ords = fg.orderings()
        assert ords[d.owner] == [reader.owner]
        order = fg.toposort()
        assert order.index(reader.owner) < order.index(d.owner)
        assert fg.consistent()

    def test_readers_through_views(self):
        x, y = toy_var("x"), toy_var("y")
        v = view(x)
        reader = neg(v)
        d = inplace_add(x, y)
        fg = make([x, y], [add(d, reader)])
        order = fg.toposort()
        assert order.index(reader.owner) < order.index(d.owner)
        assert order.index(v.owner) < order.index(d.owner)
        assert fg.destroyers(v) == [d.owner]
        assert fg.has_destroyers([x]) and not fg.has_destroyers([y])

    def test_double_destroy_rejected(self):
        x, y = toy_var("x"), toy_var("y")
        fg = make([x, y], [add(inplace_add(x, y), inplace_add(x, y))])
        with pytest.raises(InconsistencyError, match="Multiple destroyers"):
            fg.validate()
        # Destroying two views of the same memory is rejected too.
        fg2 = make([x, y], [add(inplace_add(view(x), y), inplace_add(x, y))])
        assert not fg2.consistent()

    def test_cycle_rejected(self):
        x, y = toy_var("x"), toy_var("y")
        d = inplace_add(x, y)
        # ``late`` reads the old x but also needs d: it cannot be ordered.
        late = mul(x, d)
        fg = make([x, y], [late])
        with pytest.raises(InconsistencyError):
            fg.validate()

    def test_aliased_inputs_rejected(self):
        x = toy_var("x")
        fg = make([x], [inplace_add(x, view(x))])
        with pytest.raises(InconsistencyError, match="aliasing"):
            fg.validate()

    def test_constants_and_indestructible(self):
        y = toy_var("y")
        fg = make([y], [inplace_add(const(1), y)])
        with pytest.raises(InconsistencyError, match="indestructible"):
            fg.validate()
        x = toy_var("x")
        x.tag.indestructible = True
        fg2 = make([x, y], [inplace_add(x, y)])
        assert not fg2.consistent()

    def test_protected_input_rejected(self):
        x, y = toy_var("x"), toy_var("y")
        fg = make([x, y], [neg(add(x, y))])
        fg.attach_feature(Supervisor([x]))
        assert fg.consistent()
        out = fg.outputs[0].owner.inputs[0]
        with pytest.raises(InconsistencyError, match="protected"):
            fg.replace_validate(out, inplace_add(x, y))
        # The rejected change was rolled back.
        assert fg.outputs[0].owner.inputs[0].owner.op == add
        # Destroying the unprotected input is accepted.
        fg.replace_validate(out, inplace_add(y, x))
        assert fg.outputs[0].owner.inputs[0].owner.op == inplace_add

    def test_bookkeeping_follows_changes(self):
        x, y = toy_var("x"), toy_var("y")
        d = inplace_add(x, y)
        fg = make([x, y], [neg(d)])
        assert fg.destroy_handler.destroyers
        fg.replace(d, add(x, y))
        assert not fg.destroy_handler.destroyers
        assert fg.destroyers(x) == []
        fg.remove_feature(fg.destroy_handler)
        assert not hasattr(fg, "destroyers")

    def test_bad_algo(self):
        with pytest.raises(ValueError, match="algo"):
            DestroyHandler(algo="quick")


def test_inplace_rewrite_in_function_respects_inputs():
    """An in-place rewrite may overwrite intermediates, never a caller's input."""
    from aesara.scalar import add as scalar_add
    from aesara.tensor.elemwise import Elemwise

    add_inplace = Elemwise(scalar_add, {0: 0})

    @node_rewriter([at.add], inplace=True)
    def make_inplace(fgraph, node):
        if len(node.inputs) != 2 or node.inputs[0].type != node.outputs[0].type:
            return False
        return [add_inplace(*node.inputs)]

    x, y = at.dvector("x"), at.dvector("y")
    # Without fusion, so that ``add`` stays a node of its own.
    mode = (
        aesara.Mode("py", "fast_run")
        .excluding("fusion")
        .register((in2out(make_inplace), 76))
    )
    # x is a protected input: the rewrite is rejected and the warning silent.
    f = aesara.function([x, y], x + y, mode=mode)
    assert all(not n.op.destroy_map for n in f.maker.fgraph.apply_nodes)
    xv = np.ones(3)
    np.testing.assert_allclose(f(xv, xv), 2 * xv)
    np.testing.assert_allclose(xv, 1)
    # An intermediate may be overwritten.
    g = aesara.function([x, y], at.exp(x) + y, mode=mode)
    assert any(n.op.destroy_map for n in g.maker.fgraph.apply_nodes)
    np.testing.assert_allclose(g(xv, xv), np.exp(1) + 1)
    np.testing.assert_allclose(xv, 1)
    # A mutable input may be overwritten.
    h = aesara.function([aesara.In(x, mutable=True), y], x + y, mode=mode)
    assert any(n.op.destroy_map for n in h.maker.fgraph.apply_nodes)
