import pytest

from aesara.compile.function import function
from aesara.compile.mode import (
    FAST_COMPILE,
    FAST_RUN,
    Mode,
    get_default_mode,
    get_mode,
    optdb,
    predefined_linkers,
    register_linker,
    register_mode,
)
from aesara.configdefaults import config
from aesara.link.basic import PerformLinker
from aesara.link.vm import VMLinker
from tests.link.toy import add, toy_var


def test_predefined_modes_and_names():
    assert get_mode("FAST_RUN") is FAST_RUN
    assert get_mode("fast_compile") is FAST_COMPILE
    assert isinstance(get_default_mode(), Mode)
    m = Mode()
    assert get_mode(m) is m
    for name in ("py", "vm", "cvm", "c|py", "c", "vm_nogc", "cvm_nogc"):
        assert name in predefined_linkers
        mode = Mode(linker=name, optimizer=None)
        x = toy_var("x")
        assert function([x], add(x, x), mode=mode)(2.0) == 4.0
    assert isinstance(Mode("py").linker, PerformLinker)
    assert isinstance(Mode("cvm").linker, VMLinker)
    assert Mode("vm_nogc").linker.allow_gc is False


def test_unknown_names():
    with pytest.raises(ValueError, match="Unknown mode 'NOPE'"):
        get_mode("NOPE")
    with pytest.raises(ValueError, match="Unknown linker 'nope'"):
        Mode(linker="nope")
    with pytest.raises(ValueError, match="Unknown optimizer 'nope'"):
        Mode(optimizer="nope")


@pytest.mark.parametrize("name, package", [("JAX", "jax"), ("NUMBA", "numba")])
def test_backend_modes_explain_missing_package(name, package):
    pytest.importorskip("importlib")
    try:
        __import__(package)
    except ImportError:
        with pytest.raises(ImportError, match=f"requires the '{package}' package"):
            get_mode(name)
    else:  # pragma: no cover - depends on the environment
        # Installed: the mode runs the backend's linker.
        linker = {"JAX": "JAXLinker", "NUMBA": "NumbaLinker"}[name]
        assert type(get_mode(name).linker).__name__ == linker


def test_including_excluding_clone():
    m = Mode("vm", "fast_run")
    inc = m.including("foo")
    assert "foo" in inc.provided_optimizer.include
    exc = m.excluding("bar")
    assert "bar" in exc.provided_optimizer.exclude
    req = m.requiring("baz")
    assert "baz" in req.provided_optimizer.require
    assert m.provided_optimizer.include == ("fast_run",)
    c = m.clone(link_kwargs={"allow_gc": False})
    assert c.linker.allow_gc is False and c.linker is not m.linker
    assert "linker=vm" in str(m)


def test_optimizer_is_called():
    calls = []

    class Rewriter:
        def rewrite(self, fgraph):
            calls.append(fgraph)

    x = toy_var("x")
    f = function([x], add(x, x), mode=Mode("vm", Rewriter()))
    assert calls == [f.maker.fgraph]
    # The placeholder database applies nothing yet.
    assert hasattr(optdb.query("fast_run"), "rewrite")


def test_register():
    register_mode("MY_TEST_MODE", Mode("py", None))
    assert isinstance(get_mode("MY_TEST_MODE").linker, PerformLinker)
    with pytest.raises(ValueError, match="already taken"):
        register_mode("MY_TEST_MODE", Mode("py", None))
    register_linker("my_test_linker", VMLinker(allow_gc=False))
    assert Mode("my_test_linker", None).linker.allow_gc is False
    with pytest.raises(ValueError, match="already taken"):
        register_linker("py", PerformLinker())


def test_config_mode_is_used():
    old = config.mode
    try:
        config.mode = "FAST_COMPILE"
        assert get_default_mode() is FAST_COMPILE
    finally:
        config.mode = old
