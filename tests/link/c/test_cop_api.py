"""The C extension API around user ops: ExternalCOp parsing and macros, type hooks."""

from __future__ import annotations

import pytest

import aesara.tensor as at
from aesara.graph.basic import Apply
from aesara.link.c.cmodule import (
    GCC_compiler,
    dlimport,
    get_lib_extension,
    get_module_cache,
    std_include_dirs,
)
from aesara.link.c.compiler import c_compiler_available
from aesara.link.c.cutils import run_cthunk
from aesara.link.c.lazylinker_c import CLazyLinker, get_version
from aesara.link.c.op import (
    ExternalCOp,
    OpenMPOp,
    get_io_macros,
    get_sub_macros,
    lquote_macro,
)
from aesara.link.c.type_hooks import c_hooks_for, register_c_hooks
from aesara.scalar import ScalarType
from aesara.tensor.type import TensorType
from tests.link.c.user_cops import UserAxpb

needs_cxx = pytest.mark.skipif(
    not c_compiler_available(), reason="needs a working C compiler"
)


class _FileOp(ExternalCOp):
    __props__ = ()

    def make_node(self, x):
        x = at.as_tensor_variable(x)
        return Apply(self, [x], [x.type()])


def _write(tmp_path, text, name="op.c"):
    path = tmp_path / name
    path.write_text(text)
    return str(path)


class TestExternalCOpParsing:
    def test_sections_are_split_and_merged(self, tmp_path):
        f1 = _write(tmp_path, "#section support_code\nint a;\n#section code\nX;\n")
        f2 = _write(tmp_path, "#section code\nY;\n", "second.c")
        op = _FileOp([f1, f2])
        assert op.code_sections["support_code"].strip() == "int a;"
        assert op.code_sections["code"].split() == ["X;", "Y;"]
        assert op.c_support_code().strip() == "int a;"

    @pytest.mark.parametrize(
        "text, match",
        [
            ("int stray;\n#section code\nX;\n", "Stray code"),
            ("#section bogus\nX;\n", "Unknown section"),
            ("int nothing;\n", "No valid section marker"),
        ],
    )
    def test_bad_files(self, tmp_path, text, match):
        with pytest.raises(ValueError, match=match):
            _FileOp(_write(tmp_path, text))

    def test_code_section_with_func_name_rejected(self, tmp_path):
        with pytest.raises(ValueError, match="func_name"):
            _FileOp(_write(tmp_path, "#section code\nX;\n"), "f")

    def test_relative_path_is_relative_to_class_file(self):
        op = UserAxpb(1, 2)
        assert op.func_files == ["c_code/user_axpb.c"]
        assert op.get_path("c_code/user_axpb.c").endswith(
            "tests/link/c/c_code/user_axpb.c"
        )

    def test_macros_around_code(self, tmp_path):
        op = _FileOp(_write(tmp_path, "#section code\nBODY;\n"))
        x = at.fvector()
        node = op.make_node(x)
        code = op.c_code(node, "nm", ["in0"], ["out0"], {"fail": "goto f;"})
        assert "#define DTYPE_INPUT_0 npy_float32" in code
        assert "#define TYPENUM_OUTPUT_0 11" in code
        assert "#define APPLY_SPECIFIC(str) str##_nm" in code
        assert "#define FAIL goto f;" in code
        assert "#define INPUT_0 in0" in code and "#undef OUTPUT_0" in code
        assert (
            code.index("#define FAIL") < code.index("BODY;") < code.index("#undef FAIL")
        )

    def test_func_name_call(self):
        op = UserAxpb(1, 2)
        node = op.make_node(at.dvector())
        code = op.c_code(node, "nm", ["i"], ["o"], {"fail": "FAILED;", "params": "P"})
        assert "APPLY_SPECIFIC(axpb)(i, &o, P) != 0" in code
        assert "#define PARAMS_TYPE _Params_" in code

    def test_cache_version_depends_on_file_contents(self, tmp_path):
        v1 = _FileOp(_write(tmp_path, "#section code\nA;\n")).c_code_cache_version()
        v2 = _FileOp(_write(tmp_path, "#section code\nB;\n")).c_code_cache_version()
        assert v1 != v2 and v1


class TestMacroHelpers:
    def test_lquote_macro(self):
        assert lquote_macro("a\nb\nc") == "a \\\nb \\\nc"
        assert lquote_macro("one") == "one"

    def test_sub_and_io_macros(self):
        d, u = get_sub_macros({"fail": "x", "params": "p"})
        assert d == "#define FAIL x\n#define PARAMS p"
        assert u == "#undef FAIL\n#undef PARAMS"
        d, u = get_io_macros(["a"], ["b", "c"])
        assert "#define INPUT_0 a" in d and "#define OUTPUT_1 c" in d
        assert "#undef OUTPUT_1" in u


class TestOpenMPOp:
    def test_flags_follow_openmp(self):
        assert OpenMPOp(openmp=True).c_compile_args() == ["-fopenmp"]
        assert OpenMPOp(openmp=False).c_compile_args() == []


class TestTypeHooks:
    def test_tensor_hooks(self):
        t = TensorType("float32", shape=(None, None))
        sub = {"fail": "FAIL_HERE;"}
        assert "PyArrayObject* v;" in t.c_declare("v", sub)
        assert "typedef npy_float32 dtype_v;" in t.c_declare("v", sub)
        extract = t.c_extract("v", sub)
        assert "NPY_FLOAT32" in extract and "FAIL_HERE;" in extract
        assert "!= 2" in extract
        assert t.c_element_type() == "npy_float32"
        assert t.c_code_cache_version()

    def test_scalar_hooks(self):
        s = ScalarType("int16")
        assert "npy_int16 v;" in s.c_declare("v", {"fail": ""})
        assert s.c_is_simple()
        assert s.c_literal(5) == "5LL"
        assert ScalarType("float32").c_literal(1.5) == "1.5f"
        assert ScalarType("float64").c_literal(float("inf")) == "INFINITY"

    def test_registering_hooks_for_a_new_type(self):
        from aesara.link.c.type import CType

        class MyType(CType):
            def filter(self, data, strict=False, allow_downcast=None):
                return data

        class MyHooks:
            def c_declare(self, t, name, sub, check_input=True):
                return f"int {name};"

        assert c_hooks_for(MyType()) is None
        register_c_hooks(MyType, MyHooks())
        assert MyType().c_declare("z", {}) == "int z;"
        with pytest.raises(TypeError):
            register_c_hooks("not a class", MyHooks())


class TestAesaraNames:
    def test_lazylinker_and_cutils(self):
        from aesara.link.c.linker import CVM

        assert CLazyLinker is CVM
        assert get_version() >= 1
        calls = []
        assert run_cthunk(lambda: calls.append(1)) == 0 and calls == [1]
        with pytest.raises(TypeError, match="callable"):
            run_cthunk(3)

    def test_cmodule_helpers(self):
        assert get_lib_extension() in ("so", "dylib", "pyd")
        assert any("numpy" in d for d in std_include_dirs())
        assert get_module_cache() is get_module_cache()
        with pytest.raises(ValueError, match="absolute"):
            dlimport("relative.so")

    @needs_cxx
    def test_compile_str(self, tmp_path):
        src = (
            "#include <Python.h>\n"
            'static struct PyModuleDef d = {PyModuleDef_HEAD_INIT, "m_cs", NULL, -1};\n'
            "PyMODINIT_FUNC PyInit_m_cs(void) {\n"
            "  PyObject* m = PyModule_Create(&d);\n"
            '  PyModule_AddIntConstant(m, "answer", 42);\n'
            "  return m;\n}\n"
        )
        mod = GCC_compiler.compile_str("m_cs", src, location=str(tmp_path))
        assert mod.answer == 42
        from aesara.link.c.exceptions import CompileError

        with pytest.raises(CompileError, match="m_bad"):
            GCC_compiler.compile_str("m_bad", "this is not C", location=str(tmp_path))
