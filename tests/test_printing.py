"""Tests of aesara.printing: debugprint, pprint, the Print op and pydotprint."""

import sys
import types
from io import StringIO
from textwrap import dedent

import numpy as np
import pytest

from aesara.graph.basic import Apply, Constant, Variable
from aesara.graph.fg import FunctionGraph
from aesara.graph.op import HasInnerGraph, Op
from aesara.graph.type import Type
from aesara.printing import (
    FunctionPrinter,
    IgnorePrinter,
    OperatorPrinter,
    PatternPrinter,
    PPrinter,
    Print,
    PrinterState,
    _print_fn,
    char_from_number,
    debugprint,
    default_printer,
    dprint,
    get_node_by_id,
    leaf_printer,
    op_debug_information,
    pp,
    pprint,
    pydot_imported,
    pydotprint,
)

# ---------------------------------------------------------------------------
# Toy graph pieces, independent of the tensor layer
# ---------------------------------------------------------------------------


class MyType(Type):
    __props__ = ()

    def filter(self, data, strict=False, allow_downcast=None):
        return data

    def __str__(self):
        return "MyType()"


def MyVariable(name=None):
    return Variable(MyType(), None, None, name=name)


class MyOp(Op):
    __props__ = ("name", "nout")

    def __init__(self, name, nout=1, destroy_map=None, view_map=None):
        self.name = name
        self.nout = nout
        if destroy_map is not None:
            self.destroy_map = destroy_map
        if view_map is not None:
            self.view_map = view_map

    def make_node(self, *inputs):
        return Apply(self, list(inputs), [MyType()() for _ in range(self.nout)])

    def perform(self, node, inputs, output_storage, params=None):
        for i, cell in enumerate(output_storage):
            cell[0] = (self.name, i, tuple(inputs))

    def __str__(self):
        return self.name


class MyInnerGraphOp(Op, HasInnerGraph):
    """An op computing an inner graph given by inputs/outputs."""

    def __init__(self, inputs, outputs):
        self._inputs = list(inputs)
        self._outputs = list(outputs)

    @property
    def inner_inputs(self):
        return self._inputs

    @property
    def inner_outputs(self):
        return self._outputs

    def make_node(self, *inputs):
        if len(inputs) != len(self._inputs):
            raise ValueError("wrong number of inputs")
        return Apply(self, list(inputs), [o.type() for o in self._outputs])

    def perform(self, node, inputs, output_storage, params=None):
        raise NotImplementedError()

    def __str__(self):
        return "MyInnerGraphOp"


def lines_of(text):
    return text.split("\n")


# ---------------------------------------------------------------------------
# ids
# ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "n, expected",
    [(0, "A"), (1, "B"), (25, "Z"), (26, "BA"), (27, "BB"), (26 * 26, "BAA")],
)
def test_char_from_number(n, expected):
    assert char_from_number(n) == expected


def test_char_from_number_rejects_negative():
    with pytest.raises(ValueError, match="non-negative"):
        char_from_number(-1)


# ---------------------------------------------------------------------------
# debugprint on hand-built graphs
# ---------------------------------------------------------------------------


def _example_graph():
    """G = op(C, F) with C = op(A, B) named 'C' and F = op(D, E)."""
    add = MyOp("add")
    a, b, d, e = (MyVariable(n) for n in "ABDE")
    c = add(a, b)
    c.name = "C"
    f = add(d, e)
    g = add(c, f)
    return g, (a, b, c, d, e, f)


def test_debugprint_char_ids_and_indentation():
    g, _ = _example_graph()
    # The root has no prefix; each child adds " |"; below the last child of
    # a node the bar is replaced by spaces since no sibling follows.
    expected = dedent(
        """\
        add [id A]
         |add [id B] 'C'
         | |A [id C]
         | |B [id D]
         |add [id E]
           |D [id F]
           |E [id G]
        """
    )
    assert debugprint(g, file="str") == expected


def test_debugprint_int_and_empty_ids():
    g, _ = _example_graph()
    assert lines_of(debugprint(g, file="str", id_type="int"))[:3] == [
        "add [id 0]",
        " |add [id 1] 'C'",
        " | |A [id 2]",
    ]
    assert debugprint(g, file="str", id_type="") == dedent(
        """\
        add
         |add 'C'
         | |A
         | |B
         |add
           |D
           |E
        """
    )


def test_debugprint_auto_and_python_ids():
    g, (a, *_) = _example_graph()
    out = debugprint(g, file="str", id_type="auto")
    assert lines_of(out)[0] == f"add [id {g.auto_name}]"
    assert f" | |A [id {a.auto_name}]" in lines_of(out)
    out = debugprint(g, file="str", id_type="id")
    assert f" | |A [id {id(a)}]" in lines_of(out)


def test_debugprint_stop_on_name():
    g, _ = _example_graph()
    expected = dedent(
        """\
        add [id A]
         |add [id B] 'C'
         |add [id C]
           |D [id D]
           |E [id E]
        """
    )
    assert debugprint(g, file="str", stop_on_name=True) == expected


def test_debugprint_repeated_subgraph_printed_once():
    mul = MyOp("mul")
    x, y = MyVariable("x"), MyVariable("y")
    s = mul(x, y)
    out = mul(s, s)
    # The second occurrence of `s` is a reference line: same id, no children.
    # `x` keeps its id when it reappears as a direct input.
    out2 = mul(out, x)
    expected = dedent(
        """\
        mul [id A]
         |mul [id B]
         | |mul [id C]
         | | |x [id D]
         | | |y [id E]
         | |mul [id C]
         |x [id D]
        """
    )
    assert debugprint(out2, file="str") == expected


def test_debugprint_print_type_and_depth():
    g, _ = _example_graph()
    out = debugprint(g, file="str", print_type=True, depth=2)
    assert out == dedent(
        """\
        add [id A] <MyType()>
         |add [id B] <MyType()> 'C'
         |add [id C] <MyType()>
        """
    )
    assert debugprint(g, file="str", depth=1) == "add [id A]\n"


def test_debugprint_multiple_outputs_and_apply():
    split = MyOp("split", nout=2)
    x = MyVariable("x")
    o0, o1 = split(x)
    join = MyOp("join")(o0, o1)
    expected = dedent(
        """\
        join [id A]
         |split.0 [id B]
         | |x [id C]
         |split.1 [id B]
        """
    )
    assert debugprint(join, file="str") == expected
    # An Apply prints each of its outputs.
    assert debugprint(o0.owner, file="str") == dedent(
        """\
        split.0 [id A]
         |x [id B]
        split.1 [id A]
        """
    )


def test_debugprint_list_shares_ids():
    add = MyOp("add")
    x, y = MyVariable("x"), MyVariable("y")
    s = add(x, y)
    t = add(s, x)
    expected = dedent(
        """\
        add [id A]
         |x [id B]
         |y [id C]
        add [id D]
         |add [id A]
         |x [id B]
        """
    )
    assert debugprint([s, t], file="str") == expected


def test_debugprint_constant_and_unnamed_input():
    op = MyOp("op")
    c = Constant(MyType(), 3)
    v = MyVariable()
    out = debugprint(op(c, v), file="str")
    assert lines_of(out)[1:3] == [f" |{c} [id B]", " |<MyType()> [id C]"]


def test_debugprint_destroy_and_view_maps():
    x = MyVariable("x")
    inplace = MyOp("inplace", destroy_map={0: [0]})
    view = MyOp("view", view_map={0: [0]})
    out = view(inplace(x))
    text = debugprint(out, file="str", print_destroy_map=True, print_view_map=True)
    assert text == dedent(
        """\
        view [id A] v={0: [0]}
         |inplace [id B] d={0: [0]}
           |x [id C]
        """
    )
    # Not shown unless asked.
    assert "d=" not in debugprint(out, file="str")


def test_debugprint_file_arguments(capsys):
    g, _ = _example_graph()
    buf = StringIO()
    assert debugprint(g, file=buf) is buf
    assert buf.getvalue() == debugprint(g, file="str")
    # Printing to stdout returns None (like Aesara), so REPLs echo nothing.
    assert debugprint(g) is None
    assert capsys.readouterr().out == buf.getvalue()
    # dprint is the same function
    assert dprint is debugprint


def test_debugprint_shared_done_and_used_ids():
    add = MyOp("add")
    x, y = MyVariable("x"), MyVariable("y")
    s = add(x, y)
    done, used = {}, {}
    first = debugprint(s, file="str", done=done, used_ids=used)
    second = debugprint(add(s, y), file="str", done=done, used_ids=used)
    assert first.startswith("add [id A]")
    # `s` was printed by the first call: only referenced now, same ids.
    assert second == "add [id D]\n |add [id A]\n |y [id C]\n"


def test_debugprint_bad_inputs():
    with pytest.raises(TypeError, match="debugprint expects"):
        debugprint("blah")
    x = MyVariable("x")
    with pytest.raises(TypeError, match="depth must be an int"):
        debugprint(x, depth=1.5)
    with pytest.raises(ValueError, match="id_type must be one of"):
        debugprint(x, id_type="letters")
    with pytest.raises(TypeError, match="file must be"):
        debugprint(x, file=3)


def test_debugprint_function_graph_uses_topological_positions():
    add = MyOp("add")
    x, y = MyVariable("x"), MyVariable("y")
    s = add(x, y)
    out = add(s, y)
    fg = FunctionGraph([x, y], [out], clone=False)
    topo = fg.toposort()
    assert topo == [s.owner, out.owner]
    expected = dedent(
        """\
        add [id A] 1
         |add [id B] 0
         | |x [id C]
         | |y [id D]
         |y [id D]
        """
    )
    assert debugprint(fg, file="str") == expected
    with_inputs = debugprint(fg, file="str", print_fgraph_inputs=True)
    assert with_inputs == dedent(
        """\
        -x [id A]
        -y [id B]
        add [id C] 1
         |add [id D] 0
         | |x [id A]
         | |y [id B]
         |y [id B]
        """
    )


def test_debugprint_storage_map_of_fgraph():
    add = MyOp("add")
    x, y = MyVariable("x"), MyVariable("y")
    fg = FunctionGraph([x, y], [add(x, y)], clone=False)
    fg.storage_map = {v: [None] for v in (x, y, fg.outputs[0])}
    assert debugprint(fg, file="str", id_type="", print_storage=True) == dedent(
        """\
        add 0 [None]
         |x [None]
         |y [None]
        """
    )


def test_debugprint_inner_graph():
    op2 = MyOp("op2")
    i1, i2 = MyVariable("i1"), MyVariable("i2")
    inner_out = op2(i1, i2)
    inner_out.name = "igo1"
    igo = MyInnerGraphOp([i1, i2], [inner_out])
    r3, r4 = MyVariable("3"), MyVariable("4")
    out = igo(r3, r4)
    expected = dedent(
        """\
        MyInnerGraphOp [id A]
         |3 [id B]
         |4 [id C]

        Inner graphs:

        MyInnerGraphOp [id A]
         >op2 [id D] 'igo1'
         > |i1 [id E]
         > |i2 [id F]
        """
    )
    assert debugprint(out, file="str") == expected

    # Nested: an inner graph containing an inner-graph op gets its own entry.
    igo_2 = MyInnerGraphOp([r3, r4], [out])
    r5, r6 = MyVariable("5"), MyVariable("6")
    expected = dedent(
        """\
        MyInnerGraphOp [id A]
         |5 [id B]
         |6 [id C]

        Inner graphs:

        MyInnerGraphOp [id A]
         >MyInnerGraphOp [id D]
         > |3 [id E]
         > |4 [id F]

        MyInnerGraphOp [id D]
         >op2 [id G] 'igo1'
         > |i1 [id H]
         > |i2 [id I]
        """
    )
    assert debugprint(igo_2(r5, r6), file="str") == expected


def test_debugprint_inner_graph_of_scalar_op():
    """An Elemwise-like op whose scalar_op holds an inner graph (a fused
    Composite) gets an "Inner graphs" entry too."""

    class Composite(MyInnerGraphOp):
        def __str__(self):
            return "Composite{(i0 + i1)}"

    class FakeElemwise(Op):
        def __init__(self, scalar_op):
            self.scalar_op = scalar_op

        def make_node(self, *inputs):
            return Apply(self, list(inputs), [MyType()()])

        def __str__(self):
            return f"Elemwise{{{self.scalar_op}}}"

    i0, i1 = MyVariable("i0"), MyVariable("i1")
    comp = Composite([i0, i1], [MyOp("add")(i0, i1)])
    x, y = MyVariable("x"), MyVariable("y")
    out = FakeElemwise(comp)(x, y)
    assert debugprint(out, file="str") == dedent(
        """\
        Elemwise{Composite{(i0 + i1)}} [id A]
         |x [id B]
         |y [id C]

        Inner graphs:

        Elemwise{Composite{(i0 + i1)}} [id A]
         >add [id D]
         > |i0 [id E]
         > |i1 [id F]
        """
    )


def test_debugprint_inner_graph_fgraph_inputs_and_outer_mapping():
    class MappedOp(MyInnerGraphOp):
        def get_oinp_iinp_iout_oout_mappings(self):
            return {"outer_inp_from_inner_inp": {0: 1, 1: 0}}

    i1, i2 = MyVariable("i1"), MyVariable("i2")
    op = MappedOp([i1, i2], [MyOp("op2")(i1, i2)])
    a, b = MyVariable("a"), MyVariable("b")
    out = op(a, b)
    # Inner input 0 is fed by outer input 1 (b), inner 1 by outer 0 (a).
    assert debugprint(out, file="str") == dedent(
        """\
        MyInnerGraphOp [id A]
         |a [id B]
         |b [id C]

        Inner graphs:

        MyInnerGraphOp [id A]
         >op2 [id D]
         > |i1 [id E] -> [id C]
         > |i2 [id F] -> [id B]
        """
    )
    # With print_fgraph_inputs the mapping moves to the listed inputs.
    text = debugprint(out, file="str", print_fgraph_inputs=True)
    assert lines_of(text)[6:12] == [
        "MyInnerGraphOp [id A]",
        "-i1 [id D] -> [id C]",
        "-i2 [id E] -> [id B]",
        " >op2 [id F]",
        " > |i1 [id D]",
        " > |i2 [id E]",
    ]


def test_debugprint_op_info():
    class InfoOp(MyOp):
        pass

    @op_debug_information.register(InfoOp)
    def _info(op, node):
        return {node: {node.outputs[0]: "the-output", node.inputs[1]: "second-in"}}

    x, y = MyVariable("x"), MyVariable("y")
    out = InfoOp("info")(x, y)
    assert debugprint(out, file="str", print_op_info=True) == dedent(
        """\
        info [id A] (the-output)
         |x [id B]
         |y [id C] (second-in)
        """
    )
    assert "(" not in debugprint(out, file="str")


def test_debugprint_default_updates():
    op1, op2 = MyOp("op1"), MyOp("op2")
    r1 = MyVariable("1")
    s1 = MyVariable("s1")
    s1.default_update = op1(r1, s1)
    out = op2(r1, s1)
    text = debugprint(out, file="str", print_default_updates=True)
    assert text == dedent(
        """\
        op2 [id A]
         |1 [id B]
         |s1 [id C] <- [id D]

        Default updates:

        op1 [id D]
         |1 [id B]
         |s1 [id C] <- [id D]
        """
    )


def test_get_node_by_id():
    op1 = MyOp("op1")
    r1, r2 = MyVariable("v1"), MyVariable("v2")
    o1 = op1(r1, r2)
    assert get_node_by_id(o1, "A") is o1.owner
    assert get_node_by_id(o1, "C") is r2
    assert get_node_by_id(o1, "Z") is None


# ---------------------------------------------------------------------------
# pprint with toy ops
# ---------------------------------------------------------------------------


def test_pattern_and_function_printers():
    r1, r2 = MyVariable("1"), MyVariable("2")
    op1 = MyOp("op1")
    o1 = op1(r1, r2)
    printer = PPrinter()
    printer.assign(op1, PatternPrinter(("|%(0)s - %(1)s|", -1000)))
    printer.assign(lambda pstate, r: True, default_printer)
    assert printer(o1) == "|1 - 2|"

    # An op-class assignment; unregistered ops fall back to op(args).
    printer.assign(MyOp, FunctionPrinter(["f"]))
    op2 = MyOp("op2")
    assert printer(op2(o1, r1)) == "f(|1 - 2|, 1)"
    other = Op()
    assert pp(Apply(other, [r1], [MyType()()]).outputs[0]) == f"{other}(1)"


def test_operator_printer_parenthesizes():
    plus, times, neg = MyOp("plus"), MyOp("times"), MyOp("neg")
    printer = PPrinter()
    printer.assign(lambda pstate, r: True, default_printer)
    printer.assign(plus, OperatorPrinter("+", -2, "either"))
    printer.assign(times, OperatorPrinter("*", -1, "either"))
    printer.assign(neg, OperatorPrinter("-", 0, "either"))
    x, y, z = MyVariable("x"), MyVariable("y"), MyVariable("z")
    assert printer(plus(x, times(y, z))) == "(x + (y * z))"
    assert printer(times(plus(x, y), neg(z))) == "((x + y) * (-z))"
    with pytest.raises(ValueError, match="assoc"):
        OperatorPrinter("+", 0, "sideways")
    with pytest.raises(TypeError, match="not the output of an operation"):
        OperatorPrinter("+", 0).process(x, PrinterState(pprinter=printer))


def test_ignore_and_leaf_printers():
    ident = MyOp("ident")
    printer = PPrinter()
    printer.assign(lambda pstate, r: True, default_printer)
    printer.assign(ident, IgnorePrinter())
    alpha = MyVariable("alpha")
    assert printer(ident(alpha)) == "α"
    assert leaf_printer.process(MyVariable("x"), None) == "x"


def test_pprinter_errors_and_clone():
    printer = PPrinter()
    with pytest.raises(TypeError, match="No printer registered"):
        printer(MyVariable("x"))
    with pytest.raises(TypeError, match="condition must be"):
        printer.assign(3, default_printer)
    with pytest.raises(TypeError, match="expects a Variable"):
        pprint("x")
    cp = printer.clone_assign(lambda pstate, r: True, default_printer)
    assert cp(MyVariable("x")) == "x"
    assert printer.printers == []


def test_process_graph():
    plus, times = MyOp("plus"), MyOp("times")
    printer = PPrinter()
    printer.assign(lambda pstate, r: True, default_printer)
    printer.assign(plus, OperatorPrinter("+", -2, "either"))
    printer.assign(times, OperatorPrinter("*", -1, "either"))
    x, y = MyVariable("x"), MyVariable("y")
    s = plus(x, y)
    s.name = "s"
    out = times(s, s)
    # A named intermediate gets its own line and is referenced by name.
    assert printer([x, y], [out]) == "s = (x + y)\nreturn (s * s)"
    o2 = plus(s, x)
    assert printer.process_graph([x, y], [out, o2], display_inputs=True) == (
        "inputs: x, y\ns = (x + y)\nout[0] = (s * s)\nout[1] = (s + x)"
    )


# ---------------------------------------------------------------------------
# The Print op
# ---------------------------------------------------------------------------


def test_print_op_perform_passes_value_and_prints(capsys):
    x = MyVariable("x")
    op = Print("hello")
    node = op.make_node(x)
    assert node.outputs[0].type == x.type
    assert op.view_map == {0: [0]}
    value = np.array([1.0, 2.0])
    storage = [[None]]
    op.perform(node, [value], storage)
    assert storage[0][0] is value
    assert capsys.readouterr().out == f"hello __str__ = {value}\n"


def test_print_op_attrs_and_custom_fn(capsys):
    value = np.arange(6).reshape(2, 3)
    op = Print("v", attrs=("shape", "sum"))
    op.perform(None, [value], [[None]])
    assert capsys.readouterr().out == "v shape = (2, 3)\nv sum = 15\n"

    seen = []
    op2 = Print("m", global_fn=lambda o, v: seen.append((o.message, v)))
    op2.perform(None, [5], [[None]])
    assert seen == [("m", 5)]
    assert capsys.readouterr().out == ""
    _print_fn(Print("direct"), 7)
    assert capsys.readouterr().out == "direct __str__ = 7\n"


def test_print_op_props_grad_and_errors():
    assert Print("a") == Print("a")
    assert Print("a") != Print("b")
    assert hash(Print("a", ("shape",))) == hash(Print("a", ["shape"]))
    assert str(Print("a")) == "Print{message='a', attrs=('__str__',)}"
    g = MyVariable("g")
    assert Print("a").grad([MyVariable("x")], [g]) == [g]
    assert Print("a").R_op([MyVariable("x")], [g]) == [g]
    with pytest.raises(TypeError, match="message must be a str"):
        Print(3)
    with pytest.raises(TypeError, match="attribute names"):
        Print("a", attrs=(1,))
    with pytest.raises(TypeError, match="global_fn must be callable"):
        Print("a", global_fn=3)


# ---------------------------------------------------------------------------
# pydotprint
# ---------------------------------------------------------------------------


@pytest.mark.skipif(
    pydot_imported, reason="pydot is installed; the error path cannot happen"
)
def test_pydotprint_without_pydot_raises():
    x = MyVariable("x")
    with pytest.raises(ImportError, match="pydot"):
        pydotprint(MyOp("op")(x), return_image=True)


def test_pydotprint_builds_graph_with_fake_pydot(monkeypatch, tmp_path):
    """Exercise graph construction with a stand-in recording pydot module."""
    calls = {"nodes": [], "edges": [], "write": None}

    class Node:
        def __init__(self, name, **attrs):
            self.name, self.attrs = name, attrs

    class Edge:
        def __init__(self, src, dst, **attrs):
            self.src, self.dst, self.attrs = src, dst, attrs

    class Dot:
        def __init__(self, **kw):
            pass

        def add_node(self, n):
            calls["nodes"].append(n)

        def add_edge(self, e):
            calls["edges"].append(e)

        def create(self, prog, format):
            return b"image:" + format.encode()

        def write(self, path, prog, format):
            calls["write"] = path

    fake = types.ModuleType("pydot")
    fake.Dot, fake.Node, fake.Edge = Dot, Node, Edge
    monkeypatch.setitem(sys.modules, "pydot_ng", None)
    monkeypatch.setitem(sys.modules, "pydot", fake)

    add = MyOp("add")
    x, y = MyVariable("x"), MyVariable("y")
    out = add(add(x, y), y)
    assert pydotprint(out, return_image=True, format="svg") == b"image:svg"
    labels = {n.attrs["label"] for n in calls["nodes"]}
    # As in Aesara: the two op nodes (the second label made unique), the
    # inputs "name=<name> <type>" and the output (its type); the unnamed
    # intermediate is folded into an edge.
    assert labels == {
        "add",
        "add id=1",
        "name=x MyType()",
        "name=y MyType()",
        "MyType()",
    }
    assert len(calls["edges"]) == 5

    target = tmp_path / "graph"
    pydotprint(out, outfile=str(target), print_output_file=False)
    assert calls["write"] == str(target) + ".png"


# ---------------------------------------------------------------------------
# With real tensors and compiled functions
# ---------------------------------------------------------------------------


def _tensor_api():
    """The tensor/compile pieces these tests use, or skip while they are absent."""
    try:
        import aesara.scalar.basic as aes
        import aesara.tensor.math as atm
        from aesara.compile.function import function
        from aesara.compile.sharedvalue import shared
        from aesara.tensor.elemwise import Elemwise
        from aesara.tensor.type import dmatrix, dscalar, dvector
    except Exception as e:  # pragma: no cover - only while the layers are missing
        pytest.skip(f"tensor/compile layers not importable: {e!r}")
    return types.SimpleNamespace(
        aes=aes,
        atm=atm,
        function=function,
        shared=shared,
        Elemwise=Elemwise,
        dmatrix=dmatrix,
        dscalar=dscalar,
        dvector=dvector,
    )


def test_pprint_tensor_arithmetic():
    t = _tensor_api()
    x, y = t.dscalar("x"), t.dscalar("y")
    e = x + y * 2
    two = e.owner.inputs[1].owner.inputs[1]
    assert isinstance(two, Constant)
    # Every operator application is parenthesized, innermost first.
    # Constants print as their value, as in Aesara 2.9.
    assert pp(e) == f"(x + (y * {two.data}))"
    assert pp((x - y) - x) == "((x - y) - x)"
    assert pp(x - (y - x)) == "(x - (y - x))"
    assert pp(-(x**y) / x) == "((-(x ** y)) / x)"
    assert pp(x // y) == "(x // y)"
    assert pp(x % y) == "(x % y)"
    assert pp(t.atm.lt(x, y)) == "(x < y)"
    assert pp(t.atm.ge(x, y)) == "(x >= y)"
    assert pp(abs(x)) == "|x|"
    # Ops without an operator print as calls named after the scalar op.
    assert pp(t.atm.exp(x + y)) == "exp((x + y))"


def test_pprint_hides_broadcasting_and_shows_transpose():
    t = _tensor_api()
    v, x, m = t.dvector("v"), t.dscalar("x"), t.dmatrix("m")
    e = v * 2 - x
    # x and 2 are broadcast to vectors by DimShuffles that pprint leaves out.
    two = e.owner.inputs[0].owner.inputs[1]
    while two.owner is not None:
        two = two.owner.inputs[0]
    assert pp(e) == f"((v * {two.data}) - x)"
    assert pp(m.T) == "m.T"
    assert pp(m.T + m) == "(m.T + m)"


def test_pprint_scalar_graph():
    t = _tensor_api()
    a, b = t.aes.float64("a"), t.aes.float64("b")
    assert pp(t.aes.add(a, t.aes.mul(a, b))) == "(a + (a * b))"


def test_debugprint_tensor_graph_with_types():
    t = _tensor_api()
    x, y = t.dscalar("x"), t.dscalar("y")
    prod = x * y
    e = prod + x
    add_op, mul_op, ty = e.owner.op, prod.owner.op, x.type
    expected = dedent(
        f"""\
        {add_op} [id A] <{ty}>
         |{mul_op} [id B] <{ty}>
         | |x [id C] <{ty}>
         | |y [id D] <{ty}>
         |x [id C] <{ty}>
        """
    )
    assert debugprint(e, file="str", print_type=True) == expected
    assert "float64" in str(ty)


def test_debugprint_elemwise_composite_inner_graph():
    t = _tensor_api()
    a, b = t.aes.float64("a"), t.aes.float64("b")
    comp = t.aes.Composite([a, b], [t.aes.add(a, t.aes.mul(b, a))])
    x, y = t.dvector("x"), t.dvector("y")
    out = t.Elemwise(comp)(x, y)
    i0, i1 = comp.inner_inputs
    (inner_out,) = comp.inner_outputs
    mul_node = inner_out.owner.inputs[1].owner
    header = f"{out.owner.op} [id A]"
    assert debugprint(out, file="str") == dedent(
        f"""\
        {header}
         |x [id B]
         |y [id C]

        Inner graphs:

        {header}
         >{inner_out.owner.op} [id D]
         > |{i0} [id E]
         > |{mul_node.op} [id F]
         >   |{i1} [id G]
         >   |{i0} [id E]
        """
    )


def test_debugprint_compiled_function():
    t = _tensor_api()
    x, y = t.dvector("x"), t.dvector("y")
    s = t.shared(np.ones(3), name="s")
    fn = t.function([x, y], (x + y) * s)
    fgraph = fn.maker.fgraph
    topo = fgraph.toposort()
    text = debugprint(fn, file="str")
    lines = lines_of(text)
    # The root line is the output's node with its position in the run order.
    out_node = fgraph.outputs[0].owner
    assert lines[0] == f"{out_node.op} [id A] {topo.index(out_node)}"
    # Every node appears with its position; inputs and the shared variable by name.
    for i, node in enumerate(topo):
        assert any(
            line.lstrip(" |").startswith(f"{node.op} [id ") and line.endswith(f"] {i}")
            for line in lines
        ), (node, text)
    stripped = [line.lstrip(" |") for line in lines]
    for name in ("x", "y", "s"):
        assert any(line.startswith(f"{name} [id ") for line in stripped), (name, text)
    # print_fgraph_inputs lists the function's inputs (shared ones included) first.
    with_inputs = lines_of(debugprint(fn, file="str", print_fgraph_inputs=True))
    n_in = len(fgraph.inputs)
    assert [line.split(" [id")[0] for line in with_inputs[:n_in]] == [
        f"-{v}" for v in fgraph.inputs
    ]


def test_print_op_in_compiled_function(capsys):
    t = _tensor_api()
    x = t.dvector("x")
    fn = t.function([x], Print("hello")(x) * 2)
    res = fn(np.array([1.0, 2.0]))
    np.testing.assert_allclose(res, [2.0, 4.0])
    out = capsys.readouterr().out
    assert out == f"hello __str__ = {np.array([1.0, 2.0])}\n"
    # A non-Variable input is converted to a tensor constant.
    node = Print("c").make_node(3.0)
    assert isinstance(node.inputs[0], Constant)
