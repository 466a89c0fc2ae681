"""The random-variable lift rewrites fire and keep the distribution."""

import numpy as np

import aesara
import aesara.tensor as at
from aesara.graph.basic import Constant, graph_inputs
from aesara.graph.fg import FunctionGraph
from aesara.graph.rewriting.basic import in2out
from aesara.tensor.elemwise import DimShuffle
from aesara.tensor.random.basic import dirichlet, normal
from aesara.tensor.random.op import RandomVariable
from aesara.tensor.random.rewriting import (
    local_dimshuffle_rv_lift,
    local_rv_size_lift,
    local_subtensor_rv_lift,
)
from aesara.tensor.shape import SpecifyShape


def _fgraph(outs):
    inputs = [v for v in graph_inputs(outs) if not isinstance(v, Constant)]
    return FunctionGraph(inputs, outs, clone=False)


def _rewrite(out, rewriter, inputs=()):
    fg = _fgraph([out])
    in2out(rewriter).rewrite(fg)
    out = fg.outputs[0]
    # The engine keeps a static shape the replacement lost with SpecifyShape.
    if isinstance(out.owner.op, SpecifyShape):
        out = out.owner.inputs[0]
    return out


def _eval(out, inputs=(), values=(), seed=0):
    # Give every generator in the graph a fresh seeded value.
    f = aesara.function(list(inputs), out, mode="FAST_COMPILE")
    return f(*values)


def _rng(seed=0):
    return aesara.shared(np.random.default_rng(seed))


def test_size_lift_same_draws():
    mu = np.array([1.0, 2.0, 3.0])
    out = normal(mu, 2.0, size=(2, 3), rng=_rng())
    new = _rewrite(out, local_rv_size_lift)
    assert isinstance(new.owner.op, RandomVariable)
    assert new.owner.inputs[1].type.shape == (0,)  # size moved into the params
    np.testing.assert_array_equal(_eval(new), _eval(out))


def test_dimshuffle_lift_expand_dims_same_draws():
    mu = at.dvector("mu")
    out = normal(mu, 1.0, rng=_rng()).dimshuffle("x", 0)
    new = _rewrite(out, local_dimshuffle_rv_lift, [mu])
    assert isinstance(new.owner.op, RandomVariable)
    vals = (np.array([1.0, 2.0]),)
    a, b = _eval(new, [mu], vals), _eval(out, [mu], vals)
    assert a.shape == (1, 2)
    np.testing.assert_array_equal(a, b)


def test_dimshuffle_lift_transpose_with_size():
    # size (4, 2, 3) over means (2, 3): one replication axis, then two
    # independent ones; transposing the independent axes is lifted.
    mu = np.arange(6.0).reshape(2, 3)
    out = normal(mu, 0.0, size=(4, 2, 3), rng=_rng()).dimshuffle(0, "x", 2, 1)
    new = _rewrite(out, local_dimshuffle_rv_lift)
    assert isinstance(new.owner.op, RandomVariable)
    # scale 0: the draw is exactly the (transposed) mean.
    np.testing.assert_array_equal(_eval(new), _eval(out))
    assert _eval(new).shape == (4, 1, 3, 2)
    assert new.type.shape == (4, 1, 3, 2)


def test_dimshuffle_lift_mixing_replications_and_parameters_is_refused():
    mu = np.arange(6.0).reshape(2, 3)
    out = normal(mu, 0.0, size=(4, 2, 3), rng=_rng()).dimshuffle(2, 0, "x", 1)
    new = _rewrite(out, local_dimshuffle_rv_lift)
    assert isinstance(new.owner.op, DimShuffle)


def test_dimshuffle_lift_of_replications_keeps_the_parameters():
    # Scalar parameters: every axis comes from size, so only size changes
    # and a log-density of the lifted draw keeps the value's shape.
    out = normal(0.0, 1.0, size=(2, 3), rng=_rng()).dimshuffle("x", 0, 1)
    new = _rewrite(out, local_dimshuffle_rv_lift)
    assert isinstance(new.owner.op, RandomVariable)
    _, size, _, loc, scale = new.owner.inputs
    assert loc.type.ndim == 0 and scale.type.ndim == 0
    assert new.type.shape == (1, 2, 3)
    np.testing.assert_array_equal(_eval(new), _eval(out))


def test_dimshuffle_lift_of_zero_d_draw_adds_axes_to_parameters():
    out = normal(5.0, 0.0, rng=_rng()).dimshuffle("x", "x")
    new = _rewrite(out, local_dimshuffle_rv_lift)
    assert isinstance(new.owner.op, RandomVariable)
    assert new.type.shape == (1, 1)
    np.testing.assert_array_equal(_eval(new), [[5.0]])


def test_dimshuffle_lift_pads_lower_rank_parameters():
    # mu (3,) and sigma (2, 3) broadcast to (2, 3); after a transpose mu must
    # still line up with the last axis of sigma's transpose.
    mu = np.array([1.0, 2.0, 3.0])
    sigma = np.zeros((2, 3))
    out = normal(mu, sigma, rng=_rng()).dimshuffle(1, 0)
    new = _rewrite(out, local_dimshuffle_rv_lift)
    assert isinstance(new.owner.op, RandomVariable)
    np.testing.assert_array_equal(_eval(new), np.broadcast_to(mu, (2, 3)).T)


def test_dimshuffle_lift_refuses_support_dims_and_shared_draws():
    alphas = np.ones((2, 3))
    out = dirichlet(alphas, rng=_rng()).dimshuffle(1, 0)
    new = _rewrite(out, local_dimshuffle_rv_lift)
    assert isinstance(new.owner.op, DimShuffle)
    rv = normal(np.zeros(2), 1.0, rng=_rng())
    fg = _fgraph([rv.dimshuffle("x", 0), rv])
    in2out(local_dimshuffle_rv_lift).rewrite(fg)
    assert isinstance(fg.outputs[0].owner.op, DimShuffle)


def test_subtensor_lift_basic_and_advanced():
    mu = np.arange(12.0).reshape(3, 4)
    i = at.lscalar("i")
    for idx, expected in [
        ((1,), mu[1]),
        ((slice(None), 2), mu[:, 2]),
        ((np.array([2, 0]),), mu[[2, 0]]),
        ((np.array([2, 0]), np.array([1, 3])), mu[[2, 0], [1, 3]]),
    ]:
        out = normal(mu, 0.0, rng=_rng())[idx]
        new = _rewrite(out, local_subtensor_rv_lift)
        assert isinstance(new.owner.op, RandomVariable), idx
        np.testing.assert_array_equal(_eval(new), expected)
    # A symbolic index on a replication axis (one only ``size`` makes) just
    # shrinks the size, as in Aesara: the index itself drops out.
    out = normal(np.array([1.0, 2.0]), 0.0, size=(5, 2), rng=_rng())[i]
    new = _rewrite(out, local_subtensor_rv_lift, [i])
    assert isinstance(new.owner.op, RandomVariable)
    assert i not in graph_inputs([new])
    np.testing.assert_array_equal(_eval(new), [1.0, 2.0])
    # A symbolic index on a parameter axis indexes the parameters.
    out = normal(np.array([1.0, 2.0, 3.0]), 0.0, rng=_rng())[i]
    new = _rewrite(out, local_subtensor_rv_lift, [i])
    assert isinstance(new.owner.op, RandomVariable)
    assert _eval(new, [i], (2,)) == 3.0


def test_subtensor_lift_replication_index_sets_size():
    # Scalar parameters and size (3, 1): indexing only resizes the draw.
    out = normal(0.0, 1.0, size=(3, 1), rng=_rng())[np.array([0, 2]), 0]
    new = _rewrite(out, local_subtensor_rv_lift)
    assert isinstance(new.owner.op, RandomVariable)
    _, _, _, loc, scale = new.owner.inputs
    assert loc.type.ndim == 0 and scale.type.ndim == 0
    assert _eval(new).shape == (2,)


def test_subtensor_lift_distribution_preserved():
    out = normal(
        np.array([0.0, 5.0]), np.array([1.0, 0.5]), size=(20000, 2), rng=_rng()
    )[:, 1]
    new = _rewrite(out, local_subtensor_rv_lift)
    assert isinstance(new.owner.op, RandomVariable)
    v = _eval(new)
    assert v.shape == (20000,)
    assert abs(v.mean() - 5.0) < 0.03 and abs(v.std() - 0.5) < 0.03


def test_subtensor_lift_refuses_support_index():
    out = dirichlet(np.ones((2, 3)), rng=_rng())[:, 0]
    new = _rewrite(out, local_subtensor_rv_lift)
    assert not isinstance(new.owner.op, RandomVariable)
