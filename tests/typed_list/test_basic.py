"""The typed-list ops: values, interface methods, errors, modes and scan."""

import numpy as np
import pytest

import aesara
import aesara.tensor as at
from aesara.compile.mode import Mode
from aesara.tensor.type import TensorType, lscalar, matrix, scalar, tensor3, vector
from aesara.tensor.type_other import SliceType
from aesara.tensor.var import TensorVariable
from aesara.typed_list import (
    Append,
    Count,
    Extend,
    GetItem,
    Index,
    Insert,
    Length,
    Remove,
    Reverse,
    TypedListType,
    length,
    make_list,
)

floatX = aesara.config.floatX
MATRIX = TensorType(floatX, shape=(None, None))

# The default (C VM) linker runs these ops through ``perform``; the Python
# VM and the perform linker must give the same answers.
MODES = [
    pytest.param(None, id="default"),
    pytest.param(Mode(linker="vm", optimizer="fast_run"), id="py-vm"),
    pytest.param(Mode(linker="py", optimizer="fast_compile"), id="perform-linker"),
]


@pytest.fixture
def rng():
    return np.random.default_rng(42)


def mats(rng, n, shape=(4, 5)):
    return [rng.uniform(-100, 100, size=shape).astype(floatX) for _ in range(n)]


def mlist(name=None):
    return TypedListType(MATRIX)(name)


def assert_list_equal(got, expected):
    assert isinstance(got, list)
    assert len(got) == len(expected)
    for g, e in zip(got, expected):
        np.testing.assert_array_equal(g, e)


class TestGetItem:
    @pytest.mark.parametrize("mode", MODES)
    def test_integer_and_slice_index(self, rng, mode):
        lst, i = mlist(), lscalar()
        s = SliceType()()
        f = aesara.function(
            [lst, i, s], [GetItem()(lst, i), GetItem()(lst, s)], mode=mode
        )
        x, y, z = mats(rng, 3)
        elem, sub = f([x, y, z], 1, slice(0, 3, 2))
        np.testing.assert_array_equal(elem, y)
        assert_list_equal(sub, [x, z])

    def test_result_types(self):
        lst = mlist()
        assert isinstance(lst[0], TensorVariable) and lst[0].type == MATRIX
        assert lst[1:].type == lst.type

    def test_interface_and_constant_indices(self, rng):
        lst = mlist()
        a, b = lscalar(), lscalar()
        f = aesara.function([lst, a, b], [lst[0], lst[-1], lst[a:b], lst[::-1]])
        x, y, z = mats(rng, 3)
        first, last, mid, rev = f([x, y, z], 1, 3)
        np.testing.assert_array_equal(first, x)
        np.testing.assert_array_equal(last, z)
        assert_list_equal(mid, [y, z])
        assert_list_equal(rev, [z, y, x])

    def test_narrow_integer_index_is_cast(self, rng):
        lst, i = mlist(), at.bscalar()
        out = lst[i]
        assert out.owner.inputs[1].dtype == "int64"
        x, y = mats(rng, 2)
        np.testing.assert_array_equal(aesara.function([lst, i], out)([x, y], 1), y)

    def test_bad_index(self):
        lst = mlist()
        with pytest.raises(TypeError, match="index"):
            GetItem()(lst, matrix())
        with pytest.raises(TypeError, match="index"):
            GetItem()(lst, scalar(dtype="float64"))
        with pytest.raises(TypeError, match="index"):
            GetItem()(lst, 1.5)
        with pytest.raises(TypeError, match="typed list"):
            GetItem()(matrix(), 0)

    def test_out_of_range_at_run_time(self, rng):
        lst = mlist()
        f = aesara.function([lst], lst[3])
        with pytest.raises(IndexError, match="out of range"):
            f(mats(rng, 2))

    def test_view_map(self):
        assert GetItem().view_map == {0: [0]}


class TestModifyingOps:
    @pytest.mark.parametrize("mode", MODES)
    def test_append(self, rng, mode):
        lst, m = mlist(), matrix()
        f = aesara.function([lst, m], Append()(lst, m), mode=mode)
        x, y = mats(rng, 2)
        assert_list_equal(f([x], y), [x, y])

    @pytest.mark.parametrize("mode", MODES)
    def test_extend(self, rng, mode):
        a, b = mlist(), mlist()
        f = aesara.function([a, b], Extend()(a, b), mode=mode)
        x, y, z = mats(rng, 3)
        assert_list_equal(f([x], [y, z]), [x, y, z])

    @pytest.mark.parametrize("mode", MODES)
    def test_insert(self, rng, mode):
        lst, i, m = mlist(), lscalar(), matrix()
        f = aesara.function([lst, i, m], Insert()(lst, i, m), mode=mode)
        x, y, z = mats(rng, 3)
        assert_list_equal(f([x, y], 1, z), [x, z, y])

    @pytest.mark.parametrize("mode", MODES)
    def test_remove(self, rng, mode):
        lst, m = mlist(), matrix()
        f = aesara.function([lst, m], Remove()(lst, m), mode=mode)
        x, y = mats(rng, 2)
        # Only the first equal element goes (arrays are compared by value).
        assert_list_equal(f([x, y, x], x.copy()), [y, x])
        with pytest.raises(ValueError, match="not in the list"):
            f([x], y)

    @pytest.mark.parametrize("mode", MODES)
    def test_reverse(self, rng, mode):
        lst = mlist()
        f = aesara.function([lst], Reverse()(lst), mode=mode)
        x, y, z = mats(rng, 3)
        assert_list_equal(f([x, y, z]), [z, y, x])

    def test_interface_methods(self, rng):
        lst, other, m, i = mlist(), mlist(), matrix(), lscalar()
        outs = [
            lst.append(m),
            lst.extend(other),
            lst.insert(i, m),
            lst.remove(m),
            lst.reverse(),
        ]
        f = aesara.function([lst, other, m, i], outs)
        x, y, z = mats(rng, 3)
        app, ext, ins, rem, rev = f([x, y], [z], y, 0)
        assert_list_equal(app, [x, y, y])
        assert_list_equal(ext, [x, y, z])
        assert_list_equal(ins, [y, x, y])
        assert_list_equal(rem, [x])
        assert_list_equal(rev, [y, x])

    def test_inputs_are_not_changed(self, rng):
        # Without the in-place rewrite's consent the caller's list and the
        # other readers of the list see the original values.
        lst, m = mlist(), matrix()
        f = aesara.function([lst, m], [lst.append(m), lst.reverse(), lst[0]])
        x, y = mats(rng, 2)
        given = [x, y]
        app, rev, first = f(given, x)
        assert_list_equal(app, [x, y, x])
        assert_list_equal(rev, [y, x])
        np.testing.assert_array_equal(first, x)
        assert given[0] is x and len(given) == 2

    def test_appended_element_is_copied(self, rng):
        lst, m = mlist(), matrix()
        f = aesara.function([lst, m], Append()(lst, m))
        x, y = mats(rng, 2)
        out = f([x], y)
        assert not np.shares_memory(out[1], y)

    def test_in_place_op_maps(self):
        for cls in (Append, Extend, Insert, Remove, Reverse):
            assert cls(inplace=True).destroy_map == {0: [0]}
            assert cls().view_map == {0: [0]}
            assert not cls().destroy_map
            assert cls(True) != cls() and cls(True) == cls(inplace=True)
            assert "inplace" in str(cls(True))

    def test_explicit_in_place_op(self, rng):
        lst, m = mlist(), matrix()
        f = aesara.function(
            [aesara.In(lst, mutable=True), m],
            Append(inplace=True)(lst, m),
            accept_inplace=True,
        )
        x, y = mats(rng, 2)
        assert_list_equal(f([x], y), [x, y])

    def test_bad_inputs(self):
        lst = mlist()
        with pytest.raises(TypeError, match="element type"):
            Append()(lst, vector())
        with pytest.raises(TypeError, match="element type"):
            Insert()(lst, 0, tensor3())
        with pytest.raises(TypeError, match="index"):
            Insert()(lst, scalar(dtype="float64"), matrix())
        with pytest.raises(TypeError, match="list of type"):
            Extend()(lst, TypedListType(TensorType(floatX, shape=(None,)))())
        with pytest.raises(TypeError, match="element type"):
            Remove()(lst, vector())
        with pytest.raises(TypeError, match="typed list"):
            Reverse()(matrix())


class TestQueries:
    @pytest.mark.parametrize("mode", MODES)
    def test_index_count_length(self, rng, mode):
        lst, m = mlist(), matrix()
        f = aesara.function(
            [lst, m], [Index()(lst, m), Count()(lst, m), Length()(lst)], mode=mode
        )
        x, y = mats(rng, 2)
        idx, cnt, n = f([x, y, y], y)
        assert idx == 1 and idx.dtype == floatX
        assert cnt == 2 and cnt.dtype == floatX
        assert n == 3 and n.dtype == "int64"

    def test_interface(self, rng):
        lst, m = mlist(), matrix()
        f = aesara.function([lst, m], [lst.ind(m), lst.count(m), lst.__len__()])
        x, y = mats(rng, 2)
        assert [float(v) for v in f([x, y, x], x)] == [0.0, 2.0, 3.0]

    def test_index_of_missing_element(self, rng):
        lst, m = mlist(), matrix()
        f = aesara.function([lst, m], Index()(lst, m))
        x, y = mats(rng, 2)
        with pytest.raises(ValueError, match="not in the list"):
            f([x], y)

    def test_nested_lists(self, rng):
        nested = TypedListType(MATRIX, 1)()
        inner = mlist()
        f = aesara.function(
            [nested, inner], [Index()(nested, inner), Count()(nested, inner)]
        )
        x, y = mats(rng, 2)
        idx, cnt = f([[x, y], [x, y, y], [x, y]], [x, y])
        assert idx == 0 and cnt == 2

    def test_shapes_of_scalar_results(self, rng):
        lst, m = mlist(), matrix()
        outs = [Length()(lst).shape, Count()(lst, m).shape, Index()(lst, m).shape]
        f = aesara.function([lst, m], outs)
        x = mats(rng, 1)[0]
        assert [tuple(s) for s in f([x], x)] == [(), (), ()]
        # The shape is known without running the list ops.
        assert not any(
            isinstance(n.op, (Length, Count, Index)) for n in f.maker.fgraph.apply_nodes
        )


class TestMakeList:
    def test_values(self, rng):
        a, b = matrix(), matrix()
        x, y = tensor3(), tensor3()
        fc = aesara.function([a, b], make_list((a, b)))
        fz = aesara.function([x, y], make_list([x, y]))
        A, B = mats(rng, 1, (5, 3))[0], mats(rng, 1, (7, 2))[0]
        X, Y = mats(rng, 1, (5, 6, 1))[0], mats(rng, 1, (1, 9, 3))[0]
        assert_list_equal(fc(A, B), [A, B])
        assert_list_equal(fz(X, Y), [X, Y])
        out = fc(A, B)
        assert not np.shares_memory(out[0], A)

    def test_constants(self):
        lst = make_list((3.0, 4.0))
        assert isinstance(lst.type, TypedListType)
        assert [float(v) for v in aesara.function([], lst)()] == [3.0, 4.0]

    def test_bad_inputs(self):
        with pytest.raises(TypeError, match="same type"):
            make_list((vector(), matrix()))
        with pytest.raises(ValueError, match="empty"):
            make_list(())
        with pytest.raises(TypeError, match="tuple or list"):
            make_list(matrix())

    def test_round_trip_through_ops(self, rng):
        a, b = matrix(), matrix()
        lst = make_list([a, b]).append(a)
        f = aesara.function([a, b], [lst[2] + 1, length(lst)])
        x, y = mats(rng, 2)
        res, n = f(x, y)
        np.testing.assert_allclose(res, x + 1)
        assert n == 3


class TestScan:
    def test_list_as_non_sequence(self, rng):
        vlist = TypedListType(TensorType(floatX, shape=(None,)))()
        sums, _ = aesara.scan(
            lambda i, lst: lst[i].sum(),
            sequences=[at.arange(length(vlist))],
            non_sequences=[vlist],
        )
        f = aesara.function([vlist], sums)
        vals = [rng.uniform(size=n).astype(floatX) for n in (3, 1, 6)]
        np.testing.assert_allclose(f(vals), [v.sum() for v in vals], rtol=1e-5)

    def test_lists_built_inside_the_loop(self, rng):
        m = matrix()

        def step(i, x):
            lst = make_list([x, x * i]).reverse()
            return lst[0].sum()

        out, _ = aesara.scan(step, sequences=[at.arange(3)], non_sequences=[m])
        f = aesara.function([m], out)
        x = mats(rng, 1)[0]
        np.testing.assert_allclose(f(x), [0.0, x.sum(), 2 * x.sum()], rtol=1e-4)
