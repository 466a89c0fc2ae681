import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import aesara
import aesara.tensor as at
from aesara.compile.mode import Mode, get_default_mode
from aesara.tensor.basic import Alloc, MakeVector
from aesara.tensor.subtensor import IncSubtensor, Subtensor
from aesara.tensor.subtensor_advanced import AdvancedIncSubtensor1

REF = Mode(optimizer=None)
MODE = get_default_mode()


def count(f, cls):
    return sum(isinstance(n.op, cls) for n in f.maker.fgraph.toposort())


def check_same(inputs, out, values):
    f = aesara.function(inputs, out, mode=MODE)
    g = aesara.function(inputs, out, mode=REF)
    res, ref = f(*values), g(*values)
    np.testing.assert_allclose(res, ref)
    assert np.shape(res) == np.shape(ref)
    assert np.asarray(res).dtype == np.asarray(ref).dtype
    return f


@pytest.mark.parametrize(
    "s1,s2",
    [
        (slice(1, 8, 2), slice(None, None, -1)),
        (slice(None, None, -1), slice(2, None, 3)),
        (slice(-3, None), 1),
        (slice(8, 1, -2), -1),
        (slice(2, 2), slice(None)),
        (slice(None, None, -2), slice(None, None, -1)),
    ],
)
def test_subtensor_merge_constant(s1, s2):
    x = at.dvector("x")
    f = check_same([x], x[s1][s2], [np.arange(10.0)])
    assert count(f, Subtensor) == 1


def test_subtensor_merge_matrix_and_ints():
    x = at.dmatrix("x")
    out = x[1:, ::-1][0][1:]
    f = check_same([x], out, [np.arange(20.0).reshape(4, 5)])
    assert count(f, Subtensor) == 1


slice_part = st.one_of(st.none(), st.integers(-12, 12))
step_part = st.one_of(st.none(), st.integers(-4, 4).filter(lambda s: s != 0))


@settings(max_examples=40, deadline=None)
@given(
    n=st.integers(0, 10),
    a=st.tuples(slice_part, slice_part, step_part),
    b=st.tuples(slice_part, slice_part, step_part),
)
def test_subtensor_merge_symbolic_matches_numpy(n, a, b):
    # Symbolic bounds and steps: the merged index is computed at run time.
    x = at.dvector("x")
    parts = at.lscalars(*[f"p{i}" for i in range(6)])
    values = list(a) + list(b)
    used = [p for p, v in zip(parts, values) if v is not None]
    sym = [p if v is not None else None for p, v in zip(parts, values)]
    out = x[slice(*sym[:3])][slice(*sym[3:])]
    f = aesara.function([x, *used], out, mode=MODE)
    data = np.arange(float(n))
    res = f(data, *[v for v in values if v is not None])
    np.testing.assert_array_equal(res, data[slice(*a)][slice(*b)])
    assert count(f, Subtensor) <= 1


@settings(max_examples=25, deadline=None)
@given(
    n=st.integers(1, 9),
    a=st.tuples(slice_part, slice_part, step_part),
    i=st.integers(-9, 8),
)
def test_subtensor_merge_int_index(n, a, i):
    data = np.arange(float(n))
    inner = data[slice(*a)]
    x = at.dvector("x")
    ii = at.lscalar("i")
    f = aesara.function([x, ii], x[slice(*a)][ii], mode=MODE)
    if -len(inner) <= i < len(inner):
        assert f(data, i) == inner[i]
    else:
        # Out of the slice's range: an error, never another row of x.
        with pytest.raises(IndexError):
            f(data, i)


def test_useless_subtensor():
    x = at.dmatrix("x")
    f = check_same([x], x[:, :] * 2, [np.ones((2, 3))])
    assert count(f, Subtensor) == 0
    f = check_same([x], x[0 : x.shape[0]] * 2, [np.ones((2, 3))])
    assert count(f, Subtensor) == 0
    f = check_same([x], x[:1] * 2, [np.ones((2, 3))])
    assert count(f, Subtensor) == 1


def test_subtensor_lift():
    x = at.dmatrix("x")
    out = at.exp(x)[1:, 0]
    f = check_same([x], out, [np.arange(6.0).reshape(3, 2)])
    topo = f.maker.fgraph.toposort()
    sub = [n for n in topo if isinstance(n.op, Subtensor)]
    assert sub and sub[0].inputs[0] is f.maker.fgraph.inputs[0]
    # Broadcasting inputs are not indexed separately.
    r = at.row("r", dtype="float64")
    check_same([x, r], (x + r)[1:, 0], [np.ones((3, 2)), np.ones((1, 2))])


def test_subtensor_of_alloc():
    v = at.dvector("v")
    n = at.lscalar("n")
    out = at.alloc(v, n, 3)[1:, 0]
    f = check_same([v, n], out, [np.arange(3.0), 4])
    assert count(f, Alloc) <= 1


def test_subtensor_make_vector():
    a, b, c = at.lscalars("a", "b", "c")
    mv = MakeVector("int64")(a, b, c)
    f = check_same([a, b, c], mv[1] * 2, [1, 2, 3])
    assert count(f, MakeVector) == 0
    f = check_same([a, b, c], mv[1:] * 2, [1, 2, 3])
    assert count(f, Subtensor) == 0


def test_incsubtensor_of_zeros():
    x = at.dmatrix("x")
    out = at.inc_subtensor(x[1:], 0.0)
    f = check_same([x], out, [np.ones((3, 2))])
    assert count(f, IncSubtensor) == 0
    z = at.zeros((3, 2))
    y = at.dvector("y")
    out = at.inc_subtensor(z[1], y)
    f = check_same([y], out, [np.arange(2.0)])
    incs = [n for n in f.maker.fgraph.toposort() if isinstance(n.op, IncSubtensor)]
    assert all(n.op.set_instead_of_inc for n in incs)


def test_useless_inc_subtensor():
    x = at.dmatrix("x")
    y = at.dmatrix("y")
    out = at.set_subtensor(x[:, :], at.exp(x))
    f = check_same([x], out, [np.ones((2, 3))])
    assert count(f, IncSubtensor) == 0
    check_same([x, y], at.set_subtensor(x[:], y), [np.ones((2, 3)), np.zeros((1, 3))])


def test_setsubtensor_of_constants():
    c = at.constant(np.zeros((3, 2)))
    out = at.set_subtensor(c[1], 0.0)
    f = aesara.function([], out, mode=MODE)
    np.testing.assert_array_equal(f(), np.zeros((3, 2)))
    assert count(f, IncSubtensor) == 0


def test_adv_sub1_adv_inc_sub1():
    x = at.dmatrix("x")
    y = at.dmatrix("y")
    idx = np.array([2, 0])
    out = at.set_subtensor(x[idx], y)[idx]
    f = check_same([x, y], out, [np.ones((3, 2)), np.arange(4.0).reshape(2, 2)])
    assert count(f, AdvancedIncSubtensor1) == 0
    dup = np.array([1, 1])
    out = at.set_subtensor(x[dup], y)[dup]
    f = check_same([x, y], out, [np.ones((3, 2)), np.arange(4.0).reshape(2, 2)])
    assert count(f, AdvancedIncSubtensor1) == 1


def test_shape_of_subtensor_does_not_index():
    x = at.dmatrix("x")
    out = at.exp(x)[1::2].shape
    f = check_same([x], out, [np.ones((5, 3))])
    assert count(f, Subtensor) == 0
