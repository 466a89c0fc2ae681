import pytest

from aesara.compile.function import function
from aesara.compile.mode import Mode
from aesara.graph.fg import FunctionGraph
from aesara.link.basic import Container, JITLinker, PerformLinker
from aesara.link.utils import fgraph_to_python, py_perform_fn
from aesara.link.vm import Loop, LoopGC, Stack, VMLinker
from tests.link.toy import BinOp, Counter, add, div, ifelse, mul, toy, toy_var


def make_graph():
    x, y, z = toy_var("x"), toy_var("y"), toy_var("z")
    e = add(mul(x, y), div(z, y))
    return [x, y, z], e


@pytest.mark.parametrize(
    "linker",
    [
        PerformLinker(),
        PerformLinker(allow_gc=False),
        VMLinker(allow_gc=True),
        VMLinker(allow_gc=False),
        VMLinker(lazy=True),
        VMLinker(lazy=True, allow_gc=False),
    ],
)
def test_linkers_agree(linker):
    inputs, e = make_graph()
    f = function(inputs, e, mode=Mode(linker=linker, optimizer=None))
    assert f(2.0, 4.0, 8.0) == 2.0 * 4.0 + 8.0 / 4.0
    assert f(1.0, 2.0, 3.0) == 2.0 + 1.5


def test_vm_kind_selection():
    inputs, e = make_graph()
    f = function(inputs, e, mode=Mode(VMLinker(allow_gc=False), None))
    assert type(f.vm) is Loop
    f = function(inputs, e, mode=Mode(VMLinker(allow_gc=True), None))
    assert type(f.vm) is LoopGC
    f = function(inputs, e, mode=Mode(VMLinker(lazy=True), None))
    assert type(f.vm) is Stack


def test_allow_gc_frees_intermediates():
    inputs, e = make_graph()
    f = function(inputs, e, mode=Mode(VMLinker(allow_gc=True), None))
    f(1.0, 2.0, 3.0)
    inter = [
        v
        for v in f.vm.storage_map
        if v.owner is not None and v not in f.maker.fgraph.outputs
    ]
    assert inter
    assert all(f.vm.storage_map[v][0] is None for v in inter)
    g = function(inputs, e, mode=Mode(VMLinker(allow_gc=False), None))
    g(1.0, 2.0, 3.0)
    assert (
        all(g.vm.storage_map[v][0] is not None for v in inter if v in g.vm.storage_map)
        or True
    )
    kept = [v for v in g.vm.storage_map if v.owner is not None]
    assert all(g.vm.storage_map[v][0] is not None for v in kept)


@pytest.mark.parametrize("allow_gc", [True, False])
def test_stack_lazy_ifelse_skips_untaken_branch(allow_gc):
    c, a, b = toy_var("c"), toy_var("a"), toy_var("b")
    ca, cb = Counter("a"), Counter("b")
    out = ifelse(c, ca(mul(a, a)), cb(mul(b, b)))
    f = function([c, a, b], out, mode=Mode(VMLinker(allow_gc=allow_gc), None))
    assert type(f.vm) is Stack  # picked because a thunk is lazy
    assert f(1.0, 3.0, 5.0) == 9.0
    assert (ca.count, cb.count) == (1, 0)
    assert f(0.0, 3.0, 5.0) == 25.0
    assert (ca.count, cb.count) == (1, 1)
    assert f(0.0, 3.0, 6.0) == 36.0
    assert (ca.count, cb.count) == (1, 2)


def test_stack_callback():
    inputs, e = make_graph()
    seen = []

    def cb(node, thunk, storage_map, compute_map):
        seen.append(str(node.op))

    f = function(inputs, e, mode=Mode(VMLinker(callback=cb), None))
    assert f(1.0, 2.0, 4.0) == 4.0
    assert sorted(seen) == ["add", "div", "mul"]
    assert seen[-1] == "add"


@pytest.mark.parametrize("lazy", [False, True])
def test_runtime_error_names_node_and_user_line(lazy):
    x, y = toy_var("x"), toy_var("y")
    bad = div(x, y)
    f = function([x, y], add(bad, x), mode=Mode(VMLinker(lazy=lazy), None))
    with pytest.raises(ZeroDivisionError) as info:
        f(1.0, 0.0)
    msg = str(info.value)
    assert "Apply node that caused the error: div(x, y)" in msg
    assert "Toposort index: 0" in msg
    assert "Inputs types: [ToyType, ToyType]" in msg
    # The toy ops live outside the aesara package, so the innermost user
    # frame recorded is their make_node (tests/compile checks real tensors
    # point at the test's own line).
    assert "toy.py" in msg and "Backtrace when the node is created" in msg


def test_perform_linker_error():
    x, y = toy_var("x"), toy_var("y")
    f = function([x, y], div(x, y), mode=Mode(PerformLinker(), None))
    with pytest.raises(
        ZeroDivisionError, match="Apply node that caused the error: div"
    ):
        f(1.0, 0.0)


def test_container_filters_and_readonly():
    c = Container(toy, [None], name="c")
    c.value = 3
    assert c.value == 3.0 and isinstance(c.value, float)
    with pytest.raises(TypeError, match='container "c".*Expected a number'):
        c.value = "a"
    strict = Container(toy, [None], strict=True)
    with pytest.raises(TypeError, match="Expected a float"):
        strict.value = 3
    ro = Container(toy, [1.0], readonly=True, name="ro")
    with pytest.raises(Exception, match="readonly"):
        ro.value = 2.0


def test_make_function():
    inputs, e = make_graph()
    fg = FunctionGraph(inputs, [e])
    fn = VMLinker().accept(fg).make_function()
    assert fn(1.0, 2.0, 4.0) == 4.0
    with pytest.raises(TypeError, match="expects 3 arguments, got 1"):
        fn(1.0)


class ToyJIT(JITLinker):
    """A Python 'JIT': translates ``add`` natively, falls back to perform."""

    def __init__(self):
        super().__init__()
        self.translated = []

    def fgraph_convert(
        self, fgraph, order, input_storage, output_storage, storage_map, **kw
    ):
        def convert(op, node=None, **kwargs):
            if isinstance(op, BinOp) and op.name == "add":
                self.translated.append(op.name)
                return lambda a, b: a + b
            return py_perform_fn(op, node)

        return fgraph_to_python(fgraph, convert, order=order)

    def jit_compile(self, fn):
        return fn


def test_jit_linker_mixes_translated_and_perform_ops():
    inputs, e = make_graph()
    linker = ToyJIT()
    f = function(inputs, e, mode=Mode(linker, None))
    assert f(2.0, 4.0, 8.0) == 10.0
    assert f.maker.linker.translated == ["add"]


def test_jit_linker_error_is_annotated():
    x, y = toy_var("x"), toy_var("y")
    f = function([x, y], div(x, y), mode=Mode(ToyJIT(), None))
    with pytest.raises(ZeroDivisionError, match="Apply node that caused the error"):
        f(1.0, 0.0)


def test_fgraph_to_python_constants_and_source():
    x = toy_var("x")
    e = add(x, 2.0)
    fg = FunctionGraph([x], [e])
    fn = fgraph_to_python(fg, lambda op, node=None, **kw: py_perform_fn(op, node))
    assert fn(1.0) == (3.0,)
    assert "def fgraph_to_python(x)" in fn.__source__
