"""Tests of aesara.graph.op: value semantics, calling, thunks and params."""

import pytest

from aesara.configdefaults import config
from aesara.graph.basic import Apply, Constant
from aesara.graph.op import NoParams, Op, compute_test_value, get_test_value
from aesara.graph.utils import MethodNotDefined
from tests.graph import MyOp, MyType, add, destroy, make_inputs, neg, split, tt


class TestProps:
    def test_eq_hash_from_props(self):
        assert MyOp("a", 2) == MyOp("a", 2)
        assert hash(MyOp("a", 2)) == hash(MyOp("a", 2))
        assert MyOp("a", 2) != MyOp("a", 1)
        assert MyOp("a", 2) != MyOp("b", 2)
        assert MyOp("a", 1) != MyType(1)
        assert len({MyOp("a", 2), MyOp("a", 2), MyOp("b", 2)}) == 2

    def test_subclass_with_same_props_differs(self):
        class Other(MyOp):
            pass

        assert Other("a", 1) != MyOp("a", 1)

    def test_str_from_props(self):
        class P(Op):
            __props__ = ("axis", "keep")

            def __init__(self, axis, keep=False):
                self.axis = axis
                self.keep = keep

        assert str(P(1)) == "P{axis=1, keep=False}"
        assert repr(P((0, 1))) == "P{axis=(0, 1), keep=False}"
        assert P(1)._props() == (1, False)
        assert P(1)._props_dict() == {"axis": 1, "keep": False}

    def test_unhashable_props_hash(self):
        class L(Op):
            __props__ = ("items",)

            def __init__(self, items):
                self.items = items

        assert hash(L([1, 2])) == hash(L([1, 2]))
        assert L([1, 2]) == L([1, 2]) and L([1]) != L([2])

    def test_bad_props(self):
        with pytest.raises(TypeError, match="must be a tuple of strings"):

            class Bad(Op):
                __props__ = ["a"]

        with pytest.raises(TypeError, match="must be a tuple of strings"):

            class Bad2(Op):
                __props__ = (1,)

    def test_no_props_identity(self):
        class Plain(Op):
            pass

        a, b = Plain(), Plain()
        assert a == a and a != b
        assert str(a) == "Plain"


class TestCall:
    def test_single_output(self):
        x = tt("x")
        out = neg(x)
        assert out.owner.op is neg and out.owner.inputs == [x]
        assert neg(x, return_list=True)[0].owner.op is neg
        assert isinstance(neg(x, return_list=True), list)

    def test_multiple_outputs(self):
        x = tt("x")
        outs = split(x)
        assert isinstance(outs, list) and len(outs) == 2
        assert outs[0].owner is outs[1].owner
        assert split(x, return_list=True)[1].index == 1

    def test_default_output(self):
        class Second(MyOp):
            default_output = 1

        op = Second("second", 1, 2)
        x = tt("x")
        out = op(x)
        assert out.index == 1 and len(out.owner.outputs) == 2
        res = op(x, return_list=True)
        assert isinstance(res, list) and len(res) == 1 and res[0].index == 1

    def test_name_kwarg(self):
        x = tt("x")
        assert neg(x, name="n").name == "n"
        a, b = split(x, name="s")
        assert (a.name, b.name) == ("s_0", "s_1")

        class Second(MyOp):
            default_output = 1

        out = Second("second", 1, 2)(x, name="picked")
        assert out.name == "picked" and out.owner.outputs[0].name is None

    def test_constants_converted_by_make_node(self):
        out = add(tt("x"), 2.0)
        assert (
            isinstance(out.owner.inputs[1], Constant)
            and out.owner.inputs[1].data == 2.0
        )

    def test_kwargs_forwarded_to_make_node(self):
        class KW(Op):
            def make_node(self, x, *, scale=1):
                node = Apply(self, [x], [tt()])
                node.tag.scale = scale
                return node

        assert KW()(tt(), scale=3).owner.tag.scale == 3


class TestItypesOtypes:
    class Sq(Op):
        itypes = [tt, tt]
        otypes = [MyType(2)]

        def perform(self, node, inputs, output_storage):
            output_storage[0][0] = inputs[0] * inputs[1]

    def test_default_make_node(self):
        x, y, _ = make_inputs()
        out = self.Sq()(x, y)
        assert out.type == MyType(2) and out.owner.inputs == [x, y]
        # values are converted to constants of the expected type
        out = self.Sq()(x, 3.0)
        assert isinstance(out.owner.inputs[1], Constant)

    def test_wrong_count(self):
        with pytest.raises(ValueError, match="expects 2 inputs, got 1"):
            self.Sq()(tt())

    def test_wrong_type_message(self):
        with pytest.raises(
            TypeError,
            match=r"Input 1 of Sq: expected type MyType\{thingy=1\}, got MyType\{thingy=5\}",
        ):
            self.Sq()(tt(), MyType(5)())

    def test_missing_itypes(self):
        class Nothing(Op):
            pass

        with pytest.raises(
            NotImplementedError, match="must define make_node or itypes/otypes"
        ):
            Nothing()(tt())


class TestThunks:
    def test_make_py_thunk_runs_perform(self):
        x, y, _ = make_inputs()
        node = split.make_node(add(x, y))
        storage = {v: [None] for v in node.inputs + node.outputs}
        compute = {v: [False] for v in node.outputs}
        storage[node.inputs[0]][0] = 2.0
        thunk = split.make_py_thunk(node, storage, compute, no_recycling=[])
        assert thunk.inputs == [storage[node.inputs[0]]]
        assert thunk.outputs == [storage[o] for o in node.outputs]
        assert thunk.lazy is False
        thunk()
        assert [storage[o][0] for o in node.outputs] == [2.0, 3.0]
        assert all(compute[o][0] for o in node.outputs)
        # storage cells are re-read on every call
        storage[node.inputs[0]][0] = 10.0
        thunk()
        assert storage[node.outputs[1]][0] == 11.0

    @pytest.mark.parametrize("nin", [1, 2, 3])
    def test_arities(self, nin):
        op = MyOp("sum", nin)
        ins = [tt() for _ in range(nin)]
        node = op.make_node(*ins)
        storage = {v: [float(k + 1)] for k, v in enumerate(ins)}
        storage[node.outputs[0]] = [None]
        thunk = op.make_thunk(node, storage, None, [])
        thunk()
        assert storage[node.outputs[0]][0] == sum(range(1, nin + 1))

    def test_params_path(self):
        class ParamsType:
            def filter(self, value):
                return ("filtered", value)

        class WithParams(MyOp):
            params_type = ParamsType()
            seen = []

            def get_params(self, node):
                return self.name

            def perform(self, node, inputs, output_storage, params=None):
                WithParams.seen.append(params)
                output_storage[0][0] = inputs[0]

        op = WithParams("p", 1)
        node = op.make_node(tt())
        assert node.run_params() == "p"
        storage = {node.inputs[0]: [1.0], node.outputs[0]: [None]}
        op.make_py_thunk(node, storage, None, [])()
        assert WithParams.seen == [("filtered", "p")]
        assert storage[node.outputs[0]][0] == 1.0

    def test_no_params(self):
        node = neg.make_node(tt())
        with pytest.raises(MethodNotDefined):
            node.run_params()
        assert repr(NoParams) == "NoParams"

    def test_debug_perform(self):
        class Dbg(MyOp):
            def debug_perform(self, node, inputs, output_storage):
                output_storage[0][0] = "debug"

        op = Dbg("dbg", 1)
        node = op.make_node(tt())
        storage = {node.inputs[0]: [1.0], node.outputs[0]: [None]}
        op.make_py_thunk(node, storage, None, [], debug=True)()
        assert storage[node.outputs[0]][0] == "debug"
        op.make_py_thunk(node, storage, None, [])()
        assert storage[node.outputs[0]][0] == 1.0

    def test_perform_not_implemented(self):
        class NoPerform(Op):
            itypes = [tt]
            otypes = [tt]

        node = NoPerform().make_node(tt())
        storage = {node.inputs[0]: [1.0], node.outputs[0]: [None]}
        with pytest.raises(
            NotImplementedError, match="NoPerform has no perform method"
        ):
            NoPerform().make_thunk(node, storage, None, [])()


class TestDefaults:
    def test_defaults(self):
        node = neg.make_node(tt())
        assert (
            neg.view_map == {} and neg.destroy_map == {} and neg.default_output is None
        )
        assert neg.connection_pattern(node) == [[True]]
        assert neg.do_constant_folding(None, node) is True
        with pytest.raises(NotImplementedError, match="does not implement grad"):
            neg.L_op(node.inputs, node.outputs, [tt()])
        with pytest.raises(NotImplementedError, match="does not implement R_op"):
            neg.R_op(node.inputs, [tt()])


class TestTestValues:
    def test_get_test_value(self):
        x = tt()
        x.tag.test_value = 2.0
        assert get_test_value(x) == 2.0
        assert get_test_value(Constant(tt, 4)) == 4.0
        assert get_test_value(7) == 7

    def test_compute_test_value_on_call(self):
        x, y, _ = make_inputs()
        x.tag.test_value = 1.0
        y.tag.test_value = 2.0
        old = config.compute_test_value
        config.compute_test_value = "raise"
        try:
            out = add(x, y)
            assert out.tag.test_value == 3.0
            assert split(out)[1].tag.test_value == 4.0
            with pytest.raises(ValueError, match="Cannot compute test value: input 0"):
                neg(tt("nope"))
            config.compute_test_value = "ignore"
            assert not hasattr(neg(tt()).tag, "test_value")
            config.compute_test_value = "warn"
            with pytest.warns(UserWarning, match="Cannot compute test value"):
                neg(tt())
        finally:
            config.compute_test_value = old
        assert not hasattr(add(x, y).tag, "test_value")

    def test_destroyed_inputs_are_copied(self):
        class Box:
            def __init__(self, v):
                self.v = v

            def copy(self):
                return Box(self.v)

        class Overwrite(MyOp):
            destroy_map = {0: [0]}

            def perform(self, node, inputs, output_storage, params=None):
                inputs[0].v = -1
                output_storage[0][0] = inputs[0]

        x = tt()
        box = Box(5)
        x.tag.test_value = box
        node = Overwrite("ow", 1).make_node(x)
        compute_test_value(node)
        assert box.v == 5 and node.outputs[0].tag.test_value.v == -1
        assert destroy.destroy_map == {0: [0]}
