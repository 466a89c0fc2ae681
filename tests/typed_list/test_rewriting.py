"""`typed_list_inplace_rewrite`: when the list ops become in-place."""

import numpy as np
import pytest

import aesara
from aesara.compile.io import In
from aesara.compile.mode import get_default_mode
from aesara.tensor.type import TensorType, lscalar, matrix
from aesara.typed_list import (
    Append,
    Extend,
    Insert,
    Remove,
    Reverse,
    TypedListType,
    make_list,
)

floatX = aesara.config.floatX
MATRIX = TensorType(floatX, shape=(None, None))


def _mats(n):
    rng = np.random.default_rng(7)
    return [rng.uniform(-10, 10, size=(3, 2)).astype(floatX) for _ in range(n)]


def _build(name):
    lst, m, i = TypedListType(MATRIX)(), matrix(), lscalar()
    graphs = {
        "append": ([lst, m], Append()(lst, m)),
        "extend": ([lst, TypedListType(MATRIX)()], None),
        "insert": ([lst, i, m], Insert()(lst, i, m)),
        "remove": ([lst, m], Remove()(lst, m)),
        "reverse": ([lst], Reverse()(lst)),
    }
    inputs, out = graphs[name]
    if name == "extend":
        out = Extend()(lst, inputs[1])
    return inputs, out


CASES = {
    "append": (lambda x, y, z: ([x, y], z), lambda x, y, z: [x, y, z]),
    "extend": (lambda x, y, z: ([x], [y, z]), lambda x, y, z: [x, y, z]),
    "insert": (lambda x, y, z: ([x, y], 0, z), lambda x, y, z: [z, x, y]),
    "remove": (lambda x, y, z: ([x, y, z], y), lambda x, y, z: [x, z]),
    "reverse": (lambda x, y, z: ([x, y, z],), lambda x, y, z: [z, y, x]),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_mutable_list_input_becomes_in_place(name):
    inputs, out = _build(name)
    mode = get_default_mode().including("typed_list_inplace_rewrite")
    f = aesara.function([In(inputs[0], mutable=True), *inputs[1:]], out, mode=mode)
    nodes = f.maker.fgraph.toposort()
    assert len(nodes) == 1 and nodes[0].op.inplace
    assert nodes[0].op.destroy_map == {0: [0]}
    x, y, z = _mats(3)
    args, expected = CASES[name]
    got = f(*args(x, y, z))
    assert len(got) == len(expected(x, y, z))
    for g, e in zip(got, expected(x, y, z)):
        np.testing.assert_array_equal(g, e)


@pytest.mark.parametrize("name", sorted(CASES))
def test_immutable_input_is_not_destroyed(name):
    inputs, out = _build(name)
    f = aesara.function(inputs, out)
    assert not any(getattr(n.op, "inplace", False) for n in f.maker.fgraph.apply_nodes)


def test_other_readers_run_before_the_in_place_op():
    lst, m = TypedListType(MATRIX)(), matrix()
    f = aesara.function([In(lst, mutable=True), m], [lst.append(m), lst.__len__()])
    order = [type(n.op).__name__ for n in f.maker.fgraph.toposort()]
    append_ops = [n.op for n in f.maker.fgraph.apply_nodes if isinstance(n.op, Append)]
    if append_ops[0].inplace:
        assert order.index("Length") < order.index("Append")
    x, y, _ = _mats(3)
    appended, n = f([x], y)
    assert len(appended) == 2 and n == 1


def test_list_returned_as_output_is_not_destroyed():
    # The input list itself is an output: destroying it would change it.
    lst, m = TypedListType(MATRIX)(), matrix()
    f = aesara.function([In(lst, mutable=True), m], [lst.append(m), lst])
    append_ops = [n.op for n in f.maker.fgraph.apply_nodes if isinstance(n.op, Append)]
    assert not append_ops[0].inplace
    x, y, _ = _mats(3)
    appended, same = f([x], y)
    assert len(appended) == 2 and len(same) == 1


def test_view_of_an_immutable_input_is_not_destroyed():
    # ``reverse`` returns a view (new list, same elements) of its input,
    # so appending to it in place is refused when the input is immutable.
    lst, m = TypedListType(MATRIX)(), matrix()
    f = aesara.function([lst, m], lst.reverse().append(m))
    assert not any(getattr(n.op, "inplace", False) for n in f.maker.fgraph.apply_nodes)


def test_list_made_in_the_graph_is_changed_in_place():
    a, b, m = matrix(), matrix(), matrix()
    f = aesara.function([a, b, m], make_list([a, b]).append(m))
    by_type = {type(n.op): n.op for n in f.maker.fgraph.apply_nodes}
    assert by_type[Append].inplace
    x, y, z = _mats(3)
    out = f(x, y, z)
    for g, e in zip(out, [x, y, z]):
        np.testing.assert_array_equal(g, e)


def test_rewrite_is_registered_in_fast_run_only():
    lst = TypedListType(MATRIX)()
    f = aesara.function(
        [In(lst, mutable=True)],
        Reverse()(lst),
        mode=get_default_mode().excluding("typed_list_inplace_rewrite"),
    )
    assert not f.maker.fgraph.toposort()[0].op.inplace
    g = aesara.function([In(lst, mutable=True)], Reverse()(lst), mode="FAST_COMPILE")
    assert not g.maker.fgraph.toposort()[0].op.inplace
