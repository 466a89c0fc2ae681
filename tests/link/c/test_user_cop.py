"""Users' own C ops: COp, ExternalCOp, ParamsType, caching, errors, checking linkers."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
import warnings
from pathlib import Path

import numpy as np
import pytest

import aesara
import aesara.tensor as at
from aesara.compile.debugmode import BadThunkOutput, DebugMode
from aesara.compile.mode import Mode
from aesara.configdefaults import config
from aesara.graph.fg import FunctionGraph
from aesara.link.c import node_module
from aesara.link.c.basic import CLinker, DualLinker, OpWiseCLinker, OutputMismatch
from aesara.link.c.compiler import c_compiler_available
from aesara.link.c.exceptions import CompileError, MissingGXX
from aesara.link.c.op import is_cthunk_wrapper_type
from tests.link.c.user_cops import (
    DoubleMul,
    UserAdd,
    UserAxpb,
    UserBroken,
    UserCOnly,
    UserCounter,
    UserLogistic,
    UserParallelNeg,
    UserPoly,
    UserRaises,
    UserScale,
    UserTimesConst,
    UserUnversioned,
    tdouble,
)

REPO = Path(__file__).resolve().parents[3]

needs_cxx = pytest.mark.skipif(
    not c_compiler_available(), reason="needs a working C compiler"
)


def _c_thunk_of(out, inputs_values):
    """Make the node's thunk directly and check that it is the compiled one."""
    node = out.owner
    storage = {v: [val] for v, val in zip(node.inputs, inputs_values)}
    storage.update({o: [None] for o in node.outputs})
    compute = {v: [True] for v in node.inputs}
    compute.update({o: [False] for o in node.outputs})
    thunk = node.op.make_thunk(node, storage, compute, [])
    return thunk, storage, compute


@needs_cxx
class TestElementwiseCOp:
    @pytest.mark.parametrize("dtype", ["float64", "float32"])
    def test_matches_perform(self, dtype):
        x = at.vector("x", dtype=dtype)
        y = at.vector("y", dtype=dtype)
        out = UserAdd()(x, y)
        f_c = aesara.function([x, y], out)
        f_py = aesara.function([x, y], out, mode=Mode(linker="py"))
        a = np.linspace(-1, 1, 7).astype(dtype)
        b = np.arange(7).astype(dtype)
        r_c, r_py = f_c(a, b), f_py(a, b)
        assert r_c.dtype == dtype
        np.testing.assert_array_equal(r_c, r_py)
        np.testing.assert_array_equal(r_c, a + b)

    def test_thunk_is_compiled(self):
        x = at.dvector("x")
        out = UserScale(3.0)(x)
        thunk, storage, compute = _c_thunk_of(out, [np.arange(4.0)])
        assert is_cthunk_wrapper_type(thunk) is thunk
        thunk()
        assert compute[out][0]
        np.testing.assert_array_equal(storage[out][0], np.arange(4.0) * 3)

    def test_non_contiguous_and_2d(self):
        x = at.dmatrix("x")
        f = aesara.function([x], UserScale(0.5)(x))
        a = np.arange(12.0).reshape(3, 4).T
        np.testing.assert_allclose(f(a), a * 0.5)

    def test_runtime_error_from_c(self):
        x = at.dvector("x")
        f = aesara.function([x], UserRaises()(x))
        np.testing.assert_array_equal(f(np.ones(2)), [2.0, 2.0])
        with pytest.raises(ValueError, match="UserRaises: empty input"):
            f(np.zeros(0))

    def test_wrong_input_dtype_is_reported(self):
        x = at.dvector("x")
        out = UserScale(2.0)(x)
        thunk, _, _ = _c_thunk_of(out, [np.arange(3, dtype="int64")])
        with pytest.raises(TypeError, match="dtype float64"):
            thunk()

    def test_struct_code_keeps_state_per_node(self):
        op = UserCounter()
        c = op(at.constant(0))
        f = aesara.function([], c, mode=Mode(linker="cvm", optimizer=None))
        assert f() == 0
        assert f() == 1
        c2 = op(at.constant(1))
        f2 = aesara.function([], [c, c2], mode=Mode(linker="cvm", optimizer=None))
        assert [int(v) for v in f2()] == [0, 0]

    @pytest.mark.parametrize("openmp", [True, False])
    def test_openmp_op(self, openmp):
        from aesara.link.c.op import OpenMPOp

        if openmp and not OpenMPOp.test_gxx_support():
            pytest.skip("the compiler does not support OpenMP")
        x = at.dvector("x")
        op = UserParallelNeg(openmp=openmp)
        assert ("-fopenmp" in op.c_compile_args()) == openmp
        f = aesara.function([x], op(x))
        a = np.arange(1000.0)
        np.testing.assert_array_equal(f(a), -a)

    def test_c_only_scalar_op(self):
        i = aesara.scalar.int32("i")
        out = UserCOnly()(i)
        thunk, storage, _ = _c_thunk_of(out, [np.int32(3)])
        thunk()
        assert storage[out][0] == 4
        assert storage[out][0].dtype == np.int32


@needs_cxx
class TestParamsAndSupportCode:
    @pytest.mark.parametrize("sign", ["POS", "NEG"])
    def test_params_type_op(self, sign):
        x = at.dvector("x")
        out = UserPoly(2.0, -1.0, 0.5, sign)(x)
        f_c = aesara.function([x], out)
        f_py = aesara.function([x], out, mode=Mode(linker="py"))
        a = np.linspace(-2, 2, 9)
        expected = 2.0 * a**2 - a + 0.5
        if sign == "NEG":
            expected = -expected
        np.testing.assert_allclose(f_c(a), expected)
        np.testing.assert_allclose(f_c(a), f_py(a))

    @pytest.mark.parametrize(
        "which, factor", [("USER_TEN", 10), ("USER_THOUSAND", 1000)]
    )
    def test_cenum_params_and_header_dirs(self, which, factor):
        x = at.lvector("x")
        out = UserTimesConst(which)(x)
        f_c = aesara.function([x], out)
        f_py = aesara.function([x], out, mode=Mode(linker="py"))
        a = np.arange(4, dtype="int64")
        np.testing.assert_array_equal(f_c(a), a * factor)
        np.testing.assert_array_equal(f_c(a), f_py(a))

    def test_support_code_and_headers(self):
        x = at.fvector("x")
        out = UserLogistic()(x)
        f_c = aesara.function([x], out)
        f_py = aesara.function([x], out, mode=Mode(linker="py"))
        a = np.array([-800.0, -3.0, 0.0, 2.5, 40.0], dtype="float32")
        with np.errstate(over="ignore"):
            expected = f_py(a)
        np.testing.assert_allclose(f_c(a), expected, rtol=1e-6)
        assert f_c(a).dtype == np.float32

    @pytest.mark.parametrize("dtype", ["float64", "float32"])
    def test_external_cop(self, dtype):
        x = at.vector("x", dtype=dtype)
        out = UserAxpb(2.0, 1.0)(x)
        f_c = aesara.function([x], out)
        f_py = aesara.function([x], out, mode=Mode(linker="py"))
        a = np.arange(5).astype(dtype)
        np.testing.assert_allclose(f_c(a), 2 * a + 1)
        np.testing.assert_allclose(f_c(a), f_py(a))
        assert f_c(a).dtype == dtype

    def test_external_cop_error_from_support_code(self):
        x = at.dscalar("x")
        f = aesara.function([x], UserAxpb(1.0, 0.0)(x))
        with pytest.raises(ValueError, match="needs a dimension"):
            f(1.0)


@needs_cxx
class TestCompilation:
    def test_compile_error_names_op_and_line(self):
        x = at.dvector("x")
        with pytest.raises(CompileError) as info:
            aesara.function([x], UserBroken()(x))
        message = str(info.value)
        assert "UserBroken" in message
        assert "no_such_variable_here" in message
        assert "line " in message

    def test_same_op_compiles_once(self):
        x = at.dvector("x")
        y = at.dvector("y")
        aesara.function([x], UserScale(7.0)(x))
        before = dict(node_module.compile_stats)
        aesara.function([y], UserScale(7.0)(y) * 2)
        assert node_module.compile_stats["compiled"] == before["compiled"]

    def test_unversioned_code_stays_out_of_the_cache(self):
        from aesara.link.c.cache import default_cache

        x = at.dvector("x")
        f = aesara.function([x], UserUnversioned(5.0)(x))
        np.testing.assert_array_equal(f(np.ones(2)), [5.0, 5.0])
        kinds = [e.meta.get("op", "") for e in default_cache().entries()]
        assert not any("UserUnversioned" in k for k in kinds)

    def test_second_process_hits_the_cache(self, tmp_path):
        script = textwrap.dedent(
            """
            import numpy as np
            import aesara, aesara.tensor as at
            from aesara.link.c import node_module
            from tests.link.c.user_cops import UserPoly
            x = at.dvector("x")
            f = aesara.function([x], UserPoly(1.0, 2.0, 3.0)(x))
            assert np.allclose(f(np.ones(2)), 6.0)
            print("STATS", node_module.compile_stats["compiled"],
                  node_module.compile_stats["cache_hits"])
            """
        )
        env = dict(os.environ)
        flags = [
            f
            for f in env.get("AESARA_FLAGS", "").split(",")
            if f.split("=", 1)[0].strip() not in ("compiledir", "base_compiledir", "")
        ]
        flags += [f"base_compiledir={tmp_path}", f"compiledir={tmp_path / 'cache'}"]
        env["AESARA_FLAGS"] = ",".join(flags)
        env["PYTHONPATH"] = os.pathsep.join([str(REPO), env.get("PYTHONPATH", "")])

        def run():
            proc = subprocess.run(
                [sys.executable, "-c", script],
                cwd=REPO,
                env=env,
                capture_output=True,
                text=True,
                timeout=300,
            )
            assert proc.returncode == 0, proc.stderr[-3000:]
            line = [ln for ln in proc.stdout.splitlines() if ln.startswith("STATS")]
            return tuple(int(v) for v in line[-1].split()[1:])

        assert run() == (1, 0)  # compiled in the fresh cache
        assert run() == (0, 1)  # the next process loads it


@needs_cxx
class TestCheckingLinkers:
    def test_dual_linker_agrees(self):
        x = at.dvector("x")
        y = at.dvector("y")
        out = UserAdd()(UserScale(2.0)(x), at.exp(y))
        fg = FunctionGraph([x, y], [out])
        f = DualLinker().accept(fg).make_function()
        a, b = np.arange(3.0), np.linspace(0, 1, 3)
        np.testing.assert_allclose(f(a, b), 2 * a + np.exp(b))

    def test_dual_linker_catches_wrong_c(self):
        x = at.dvector("x")
        fg = FunctionGraph([x], [UserScale(2.0, wrong=True)(x)])
        f = DualLinker().accept(fg).make_function()
        with pytest.raises(OutputMismatch):
            f(np.arange(3.0))

    def test_debugmode_agrees(self):
        x = at.dvector("x")
        f = aesara.function(
            [x], UserPoly(1.0, 0.0, 0.0)(x), mode=DebugMode(check_py_code=True)
        )
        np.testing.assert_allclose(f(np.arange(3.0)), np.arange(3.0) ** 2)

    def test_debugmode_catches_wrong_c(self):
        x = at.dvector("x")
        f = aesara.function(
            [x], UserScale(2.0, wrong=True)(x), mode=DebugMode(check_py_code=True)
        )
        with pytest.raises(BadThunkOutput):
            f(np.arange(3.0))

    def test_clinker_with_a_users_type(self):
        from aesara.graph.basic import Variable

        x, y, z = (Variable(tdouble, None, None, name=n) for n in "xyz")
        fg = FunctionGraph([x, y, z], [DoubleMul()(DoubleMul()(x, y), z)])
        f = CLinker().accept(fg).make_function()
        assert f(2.0, 3.0, 4.0) == 24.0
        assert isinstance(f(2.0, 3.0, 4.0), float)
        thunk, _, _ = _c_thunk_of(DoubleMul()(x, y), [3, 4.0])
        with pytest.raises(TypeError, match="TDouble: expected a float"):
            thunk()

    @pytest.mark.parametrize("linker_cls", [CLinker, OpWiseCLinker])
    def test_clinker_make_function(self, linker_cls):
        x = at.fvector("x")
        out = at.sum(UserLogistic()(UserScale(3.0)(x)) + 1)
        fg = FunctionGraph([x], [out])
        f = linker_cls().accept(fg).make_function()
        a = np.linspace(-1, 1, 5).astype("float32")
        np.testing.assert_allclose(
            f(a), np.sum(1 / (1 + np.exp(-3 * a)) + 1), rtol=1e-5
        )


class TestWithoutCompiler:
    def test_perform_fallback_warns_once(self, monkeypatch):
        import aesara.link.c.op as op_mod

        monkeypatch.setattr(op_mod, "_compiler_works", lambda: False)
        monkeypatch.setattr(op_mod, "_warned_fallback", False)
        x = at.dvector("x")
        out = UserScale(4.0)(x)
        with pytest.warns(RuntimeWarning, match="no working C compiler") as record:
            thunk, storage, _ = _c_thunk_of(out, [np.ones(2)])
            _c_thunk_of(out, [np.ones(2)])
        assert len([w for w in record if "C compiler" in str(w.message)]) == 1
        with pytest.raises(TypeError, match="not a compiled C thunk"):
            is_cthunk_wrapper_type(thunk)
        thunk()
        np.testing.assert_array_equal(storage[out][0], [4.0, 4.0])

    def test_c_only_op_names_itself(self, monkeypatch):
        import aesara.link.c.op as op_mod

        monkeypatch.setattr(op_mod, "_compiler_works", lambda: False)
        i = aesara.scalar.int32("i")
        out = UserCOnly()(i)
        with pytest.raises(MissingGXX, match="UserCOnly"):
            _c_thunk_of(out, [np.int32(1)])

    def test_empty_cxx_runs_perform(self):
        x = at.dvector("x")
        with config.change_flags(cxx=""), warnings.catch_warnings():
            warnings.simplefilter("ignore")
            out = UserScale(2.0)(x)
            thunk, storage, _ = _c_thunk_of(out, [np.ones(3)])
            thunk()
        np.testing.assert_array_equal(storage[out][0], [2.0, 2.0, 2.0])
