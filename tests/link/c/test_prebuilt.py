"""Runtimes compiled at install time (``setup.py``, :mod:`aesara.link.c.prebuilt`)."""

from __future__ import annotations

from pathlib import Path

import pytest

import aesara.link.c._prebuilt as prebuilt_pkg
from aesara.link.c.compiler import c_compiler_available
from aesara.link.c.prebuilt import (
    PACKAGE,
    PREBUILT,
    generate_sources,
    load_prebuilt,
    prebuilt_name,
    read_sources,
)
from tests.link.c.test_cache_functions import (
    assert_ok,
    run_child,
    verified_entries,
)

REPO = Path(__file__).resolve().parents[3]
C_DIR = REPO / "aesara" / "link" / "c"


def _installed() -> set[str]:
    names = set()
    for p in Path(prebuilt_pkg.__file__).parent.iterdir():
        if p.name.startswith("rt_") and p.suffix in (".so", ".pyd"):
            names.add(p.name.split(".", 1)[0])
    return names


def _current_names() -> dict[str, str]:
    return {
        hint: prebuilt_name(hint, read_sources(C_DIR, f), flags, libs)
        for hint, (f, flags, libs) in PREBUILT.items()
    }


needs_prebuilt = pytest.mark.skipif(
    not c_compiler_available() or not set(_current_names().values()) <= _installed(),
    reason="the runtimes were not compiled at install (no compiler then, or "
    "sources edited since: re-run pip install -e .)",
)


def test_names_follow_source_and_flags():
    src = (C_DIR / "reduce_runtime.c").read_text()
    a = prebuilt_name("reduce_runtime", src, (), ())
    assert a == prebuilt_name("reduce_runtime", src, (), ())
    assert a.startswith("rt_reduce_runtime_")
    assert prebuilt_name("reduce_runtime", src + " ", (), ()) != a
    assert prebuilt_name("reduce_runtime", src, ("-O3",), ()) != a
    assert prebuilt_name("reduce_runtime", src, (), ("m",)) != a


def test_generated_sources_carry_their_module_name(tmp_path):
    out = generate_sources(C_DIR, tmp_path)
    assert {name for name, *_ in out} == set(_current_names().values())
    for name, path, _, _ in out:
        text = path.read_text()
        assert "MODULE_NAME" not in text
        assert f"PyInit_{name}" in text


def test_unknown_or_edited_runtime_is_not_loaded():
    src = (C_DIR / "reduce_runtime.c").read_text()
    assert load_prebuilt("reduce_runtime", src + "\n/* edited */\n", (), ()) is None
    assert load_prebuilt("not_a_runtime", src, (), ()) is None


@needs_prebuilt
def test_installed_runtimes_load_for_current_sources():
    for hint, (f, flags, libs) in PREBUILT.items():
        mod = load_prebuilt(hint, read_sources(C_DIR, f), flags, libs)
        assert mod is not None, hint
        assert mod.__name__.startswith(PACKAGE + ".rt_" + hint)


def _cold_process(tmp_path: Path, prebuilt: bool) -> list[str]:
    """Compile and run a reduction in a fresh process; the cache entries' kinds."""
    root = tmp_path / "cc"
    proc = run_child(
        """
        x = at.dmatrix('x')
        f = aesara.function([x], at.sum(at.exp(x), axis=0))
        assert np.allclose(f(np.ones((2, 3))), 2 * np.e)
        print('OK', [type(t).__name__ for t in f.vm.thunks])
        """,
        root,
        prebuilt=prebuilt,
    )
    assert_ok(proc)
    assert "ReduceThunk" in proc.stdout
    return [e.meta.get("kind") for e in verified_entries(root)]


@needs_prebuilt
def test_cold_cache_compiles_only_kernels(tmp_path):
    kinds = _cold_process(tmp_path, prebuilt=True)
    assert "reduce_runtime" not in kinds and "runtime" not in kinds, kinds


@pytest.mark.skipif(not c_compiler_available(), reason="needs a working C compiler")
def test_flag_off_builds_runtimes_through_the_cache(tmp_path):
    kinds = _cold_process(tmp_path, prebuilt=False)
    assert "reduce_runtime" in kinds and "runtime" in kinds, kinds


# A child that puts a directory of broken "installed" runtimes in front of
# the real ones, then compiles and runs a function.
BROKEN_PREBUILT = """
import os, sysconfig, tempfile, warnings
import aesara.link.c._prebuilt as installed
from aesara.link.c.compiler import compile_shared_library
from aesara.link.c.prebuilt import PREBUILT, prebuilt_name
from aesara.link.c.runtime import runtime_source

fake = tempfile.mkdtemp()
_, flags, libs = PREBUILT["runtime"]
name = prebuilt_name("runtime", runtime_source(), flags, libs)
target = os.path.join(fake, name + sysconfig.get_config_var("EXT_SUFFIX"))
include = "-I" + sysconfig.get_paths()["include"]
if HOW == "truncated":  # dlopen() fails
    data = b"\\x7fELF" + bytes(200)
else:  # loads, but its init function raises (not an ImportError)
    src = ("#include <Python.h>\\n"
           "__attribute__((visibility(\\"default\\"))) PyObject *PyInit_%s(void) {"
           " PyErr_SetString(PyExc_RuntimeError, \\"broken install\\"); return NULL; }"
           % name)
    data = compile_shared_library(src, "raising", extra_flags=(include,)).read_bytes()
with open(target, "wb") as f:
    f.write(data)
installed.__path__.insert(0, fake)
with warnings.catch_warnings(record=True) as w:
    warnings.simplefilter("always")
    f = check(0)
assert type(f.vm).__name__ == "CVM", type(f.vm)
assert not w, [str(x.message) for x in w]
print("OK")
"""


@pytest.mark.skipif(not c_compiler_available(), reason="needs a working C compiler")
@pytest.mark.parametrize("how", ["truncated", "init_raises"])
def test_installed_runtime_that_does_not_load_is_built_into_the_cache(tmp_path, how):
    # Never the Python VM for a broken install while a compiler works.
    root = tmp_path / "cc"
    proc = run_child(f"HOW = {how!r}\n" + BROKEN_PREBUILT, root, prebuilt=True)
    assert_ok(proc)
    kinds = [e.meta.get("kind") for e in verified_entries(root)]
    assert "runtime" in kinds, kinds
