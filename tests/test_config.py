"""Tests for ``aesara.configparser`` and ``aesara.configdefaults``."""

from __future__ import annotations

import io
import math
import os
import shutil
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from aesara import configdefaults, configparser
from aesara.configparser import (
    AesaraConfigParser,
    BoolParam,
    ConfigAccessViolation,
    ConfigError,
    EnumStr,
    FloatParam,
    IntParam,
    StrParam,
    parse_config_string,
    rc_files_from_environment,
)

REPO_ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def make_config(monkeypatch, tmp_path):
    """Build fresh, fully populated parsers from a controlled environment."""
    monkeypatch.setenv("HOME", str(tmp_path / "home"))

    def make(flags: str | None = None, rc: str | list[str] | None = None):
        monkeypatch.delenv("AESARA_FLAGS", raising=False)
        monkeypatch.setenv("AESARARC", "")
        if flags is not None:
            monkeypatch.setenv("AESARA_FLAGS", flags)
        if rc is not None:
            texts = [rc] if isinstance(rc, str) else rc
            paths = []
            for i, text in enumerate(texts):
                path = tmp_path / f"aesararc{i}"
                path.write_text(text)
                paths.append(str(path))
            monkeypatch.setenv("AESARARC", os.pathsep.join(paths))
        return configdefaults._create_default_config()

    return make


def test_defaults(make_config, tmp_path):
    config = make_config()
    assert config.floatX == "float64"
    assert config.warn_float64 == "ignore"
    assert config.cast_policy == "custom"
    assert config.deterministic == "default"
    assert config.device == "cpu"
    assert config.mode == "Mode"
    assert config.linker == "cvm"
    assert config.optimizer == "fast_run"
    assert config.optimizer_verbose is False
    assert config.optimizer_excluding == ""
    assert config.on_opt_error == "warn"
    assert config.on_unused_input == "raise"
    assert config.allow_gc is True
    assert config.vm__lazy is None
    assert config.compute_test_value == "off"
    assert config.traceback__limit == 8
    assert config.traceback__compile_limit == 0
    assert config.exception_verbosity == "low"
    assert config.unittests__rseed == "666"
    assert config.numpy__seterr_all == "ignore"
    assert config.numpy__seterr_divide == "None"
    assert config.compiledir_max_bytes == 2 * 1024**3
    assert config.cmodule__age_thresh_use == 24 * 3600 * 24
    assert config.openmp_elemwise_minsize == 200000
    assert config.check_input is True
    assert config.scan__allow_gc is False
    assert config.scan__allow_output_prealloc is True
    assert config.warn__ignore_bug_before == "0.9"
    assert config.optdb__position_cutoff == math.inf
    assert config.optdb__max_use_ratio == 8.0
    assert config.cxx == (shutil.which("g++") or "")
    assert config.gcc__cxxflags == ""
    assert config.base_compiledir == str(tmp_path / "home" / ".aesara")
    compiledir = Path(config.compiledir)
    assert compiledir.parent == Path(config.base_compiledir)
    assert compiledir.name.startswith("compiledir_")
    assert config.DebugMode__check_c is bool(config.cxx)


def test_typed_values_from_env(make_config):
    config = make_config(
        "floatX=float32,on_opt_error=raise,gcc__cxxflags=-O3,"
        "allow_gc=False,traceback__limit=3,optdb__max_use_ratio=2.5,vm__lazy=True"
    )
    assert config.floatX == "float32"
    assert config.on_opt_error == "raise"
    assert config.gcc__cxxflags == "-O3"
    assert config.allow_gc is False
    assert config.traceback__limit == 3
    assert config.optdb__max_use_ratio == 2.5
    assert config.vm__lazy is True


def test_env_dotted_names_quotes_and_overrides(make_config):
    config = make_config(
        'gcc.cxxflags="-O2,-DX=1", floatX=float16 ,floatX=float32,,blas__ldflags=-lblas'
    )
    assert config.gcc__cxxflags == "-O2,-DX=1"
    assert config.floatX == "float32"
    assert config.blas__ldflags == "-lblas"


def test_parse_config_string():
    assert parse_config_string("") == {}
    assert parse_config_string("a=1,b.c=x=y, d = 'p,q' ") == {
        "a": "1",
        "b__c": "x=y",
        "d": "p,q",
    }
    with pytest.raises(ConfigError, match="'floatX'"):
        parse_config_string("floatX")
    with pytest.raises(ConfigError, match="quote"):
        parse_config_string('gcc__cxxflags="-O3')


def test_rc_files(make_config):
    config = make_config(
        rc="[global]\nfloatX = float32\nallow_gc = false\n"
        "[gcc]\ncxxflags = -O1 -DPCT=%%d\n"
        "[traceback]\nlimit = 2\n"
        "[DebugMode]\npatience = 3\n"
    )
    assert config.floatX == "float32"
    assert config.allow_gc is False
    assert config.gcc__cxxflags == "-O1 -DPCT=%d"
    assert config.traceback__limit == 2
    assert config.DebugMode__patience == 3


def test_rc_files_later_file_wins_and_raw_fallback(make_config):
    config = make_config(
        rc=[
            "[global]\nfloatX = float32\non_opt_error = raise\n",
            "[global]\nfloatX = float16\n[gcc]\ncxxflags = -DFMT=%d\n",
        ]
    )
    assert config.floatX == "float16"
    assert config.on_opt_error == "raise"
    # An invalid interpolation falls back to the raw value.
    assert config.gcc__cxxflags == "-DFMT=%d"


def test_rc_interpolation(make_config):
    config = make_config(rc="[global]\nbase_compiledir = /x/%(PID)s\n")
    assert config.base_compiledir == os.path.abspath(f"/x/{os.getpid()}")


def test_rc_files_from_environment(tmp_path):
    a, b = tmp_path / "a", tmp_path / "b"
    env = {"AESARARC": os.pathsep.join([str(a), "", str(b)])}
    assert rc_files_from_environment(env) == [str(a), str(b)]
    assert rc_files_from_environment({"AESARARC": ""}) == []
    default = rc_files_from_environment({})
    assert default[0] == os.path.expanduser("~/.aesararc")


def test_malformed_rc_file(make_config):
    with pytest.raises(ConfigError, match="aesararc0"):
        make_config(rc="not an ini file\n")


def test_precedence(make_config):
    config = make_config(
        "floatX=float16",
        rc="[global]\nfloatX = float32\non_opt_error = raise\n",
    )
    # env beats rc file, rc file beats default
    assert config.floatX == "float16"
    assert config.on_opt_error == "raise"
    assert config.on_unused_input == "raise"
    # code beats everything
    config.floatX = "float64"
    assert config.floatX == "float64"


def test_unknown_flag_in_env(make_config):
    with pytest.raises(ConfigError) as excinfo:
        make_config("floatXX=float32")
    message = str(excinfo.value)
    assert "floatXX" in message
    assert "AESARA_FLAGS" in message
    assert "'floatX'" in message  # close match suggested
    assert isinstance(excinfo.value, ValueError)


def test_unknown_attribute(make_config):
    config = make_config()
    with pytest.raises(AttributeError, match="not_a_flag"):
        config.not_a_flag  # noqa: B018
    assert not hasattr(config, "not_a_flag")
    with pytest.raises(AttributeError) as excinfo:
        config.flaotX = "float32"
    assert "flaotX" in str(excinfo.value)
    assert "'floatX'" in str(excinfo.value)
    with pytest.raises(AttributeError):
        del config.floatX
    assert config.floatX == "float64"


def test_invalid_values(make_config):
    with pytest.raises(ValueError) as excinfo:
        make_config("floatX=float128")
    message = str(excinfo.value)
    for part in ("floatX", "float128", "float64", "float32", "float16"):
        assert part in message

    config = make_config()
    with pytest.raises(ValueError) as excinfo:
        config.mode = "FASTEST"
    message = str(excinfo.value)
    for part in ("mode", "FASTEST", "FAST_RUN", "DebugMode", "NUMBA"):
        assert part in message
    assert config.mode == "Mode"

    with pytest.raises(ValueError, match="traceback__limit.*'abc'"):
        config.traceback__limit = "abc"
    with pytest.raises(ValueError, match="allow_gc.*'maybe'.*True, False"):
        config.allow_gc = "maybe"
    with pytest.raises(ValueError, match="vm__lazy.*'None', 'True', 'False'"):
        config.vm__lazy = "sometimes"
    with pytest.raises(ValueError, match="tensor__cmp_sloppy"):
        config.tensor__cmp_sloppy = 5
    with pytest.raises(ValueError, match="compiledir_max_bytes"):
        config.compiledir_max_bytes = -1
    assert config.traceback__limit == 8
    assert config.allow_gc is True


def test_mode_accepts_mode_instances(make_config):
    config = make_config()
    fake_mode_cls = type("Mode", (), {"__module__": "aesara.compile.mode"})
    sub = type("MyMode", (fake_mode_cls,), {})()
    config.mode = sub
    assert config.mode is sub
    config.mode = "FAST_COMPILE"
    assert config.mode == "FAST_COMPILE"


def test_change_flags_context_manager(make_config):
    config = make_config()
    with config.change_flags(floatX="float32", gcc__cxxflags="-O3") as cfg:
        assert cfg is config
        assert config.floatX == "float32"
        assert config.gcc.cxxflags == "-O3"
    assert config.floatX == "float64"
    assert config.gcc__cxxflags == ""

    with config.change_flags({"gcc.cxxflags": "-O1"}, allow_gc="False"):
        assert config.gcc__cxxflags == "-O1"
        assert config.allow_gc is False
    assert config.gcc__cxxflags == ""
    assert config.allow_gc is True


def test_change_flags_restores_on_exception(make_config):
    config = make_config()
    with pytest.raises(RuntimeError, match="boom"):
        with config.change_flags(floatX="float32", on_opt_error="raise"):
            raise RuntimeError("boom")
    assert config.floatX == "float64"
    assert config.on_opt_error == "warn"


def test_change_flags_decorator(make_config):
    config = make_config()

    @config.change_flags(floatX="float16")
    def get_float_x(depth: int = 0) -> list[str]:
        """Docstring kept."""
        seen = [config.floatX]
        config.floatX = "float32"  # changes inside are undone too
        if depth:
            seen += get_float_x(depth - 1)
        return seen

    assert get_float_x.__doc__ == "Docstring kept."
    assert get_float_x(2) == ["float16"] * 3
    assert config.floatX == "float64"

    @config.change_flags(floatX="float32")
    def fail():
        raise KeyError("x")

    with pytest.raises(KeyError):
        fail()
    assert config.floatX == "float64"


def test_change_flags_nested(make_config):
    config = make_config()
    outer = config.change_flags(floatX="float32")
    with outer:
        with config.change_flags(floatX="float16", profile=True):
            assert (config.floatX, config.profile) == ("float16", True)
            with outer:  # re-entering the same object
                assert config.floatX == "float32"
            assert config.floatX == "float16"
        assert (config.floatX, config.profile) == ("float32", False)
    assert config.floatX == "float64"


def test_change_flags_same_object_in_two_threads(make_config):
    config = make_config()
    ctx = config.change_flags(floatX="float32")
    errors = []

    def worker():
        try:
            with ctx:
                assert config.floatX == "float32"
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    with ctx:
        thread = threading.Thread(target=worker)
        thread.start()
        thread.join()
        # The worker restored what *it* saw on entry, not our saved state.
        assert config.floatX == "float32"
    assert not errors
    assert config.floatX == "float64"


def test_change_flags_errors(make_config):
    config = make_config()
    with pytest.raises(ConfigError, match="'floatx'.*'floatX'"):
        config.change_flags(floatx="float32")
    with pytest.raises(ValueError, match="floatX.*float128"):
        config.change_flags(floatX="float128")


def test_change_flags_partial_failure_rolls_back(make_config):
    config = make_config()
    config.device  # noqa: B018 - reading makes the immutable flag final
    ctx = config.change_flags(floatX="float32", device="cuda0")
    with pytest.raises(ConfigAccessViolation, match="device"):
        with ctx:
            pass  # pragma: no cover
    assert config.floatX == "float64"
    assert config.device == "cpu"


def test_global_change_flags():
    from aesara.configdefaults import config

    before = config.on_opt_error
    other = "raise" if before != "raise" else "ignore"
    with configparser.change_flags(on_opt_error=other):
        assert config.on_opt_error == other
    assert config.on_opt_error == before

    @config.change_flags(on_opt_error=other)
    def read():
        return config.on_opt_error

    assert read() == other
    assert config.on_opt_error == before
    assert configparser.config is config


def test_immutable_flags():
    config = AesaraConfigParser({"frozen_env": "from-env"})
    config.add("frozen", "An immutable flag.", StrParam("a", mutable=False))
    config.add("frozen_env", "Immutable, set by env.", StrParam("a", mutable=False))
    config.frozen = "b"  # allowed: not read yet
    assert config.frozen == "b"
    config.frozen = "b"  # setting the same value is a no-op
    with pytest.raises(ConfigAccessViolation) as excinfo:
        config.frozen = "c"
    assert "frozen" in str(excinfo.value)
    assert isinstance(excinfo.value, ConfigError)
    assert config.frozen == "b"
    assert config.frozen_env == "from-env"
    with pytest.raises(ConfigAccessViolation, match="frozen_env"):
        with config.change_flags(frozen_env="other"):
            pass  # pragma: no cover


def test_default_device_is_immutable(make_config):
    config = make_config()
    assert config.device == "cpu"
    with pytest.raises(ConfigAccessViolation, match="device"):
        config.device = "cuda"
    with pytest.raises(ValueError, match="device.*'tpu'"):
        make_config("device=tpu")


def test_section_attribute_style(make_config):
    config = make_config("gcc__cxxflags=-O3")
    assert config.gcc.cxxflags == "-O3"
    config.gcc.cxxflags = "-O2"
    assert config.gcc__cxxflags == "-O2"
    assert config.traceback.limit == config.traceback__limit
    assert config.DebugMode.patience == 10
    assert "cxxflags" in dir(config.gcc)
    assert "gcc" in dir(config) and "floatX" in dir(config)
    with pytest.raises(AttributeError, match="gcc__nope"):
        config.gcc.nope  # noqa: B018
    with pytest.raises(AttributeError, match="section"):
        config.gcc = "x"


def test_nested_sections():
    config = AesaraConfigParser(
        rc_files=(), flags_dict={"a.b.c": "2"}
    )  # dotted env name for a 3-level flag
    config.add("a__b__c", "Nested.", IntParam(1))
    assert config.a.b.c == 2
    assert config.a__b.c == 2
    assert sorted(dir(config.a)) == ["b"]


def test_config_hash(make_config):
    first, second = make_config(), make_config()
    digest = first.get_config_hash()
    assert isinstance(digest, str) and len(digest) == 64
    assert digest == second.get_config_hash()
    first.profile = True  # not in the C key
    assert first.get_config_hash() == digest
    with first.change_flags(gcc__cxxflags="-O3"):  # in the C key
        assert first.get_config_hash() != digest
    assert first.get_config_hash() == digest


def test_config_hash_is_stable_across_processes(make_config):
    digest = make_config().get_config_hash()
    code = (
        "from aesara.configdefaults import _create_default_config as c;"
        "print(c().get_config_hash())"
    )
    env = dict(os.environ, PYTHONHASHSEED="12345", PYTHONPATH=str(REPO_ROOT))
    out = subprocess.run(
        [sys.executable, "-c", code],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    assert out.stdout.strip() == digest


def test_str_and_print_config(make_config):
    config = make_config("floatX=float32")
    text = str(config)
    assert "floatX (float64, float32, float16)" in text
    assert "Default floating-point precision" in text
    assert "Value:  'float32'" in text
    assert "gcc__cxxflags (str)" in text
    buf = io.StringIO()
    configparser.print_config(config, file=buf)
    assert buf.getvalue() == text
    assert repr(config).startswith("<AesaraConfigParser with ")


def test_changed_flags(make_config):
    config = make_config("floatX=float32")
    assert config.changed_flags() == {"floatX": "float32"}
    config.profile = True
    assert config.changed_flags() == {"floatX": "float32", "profile": True}


def test_lazy_callable_default():
    calls = []

    def default():
        calls.append(1)
        return "3"

    config = AesaraConfigParser()
    config.add("lazy", "Lazily computed.", IntParam(default))
    assert calls == []
    assert config.lazy == 3
    assert config.lazy == 3
    assert calls == [1]
    # The resolved value lives in the instance dict: reads are plain lookups.
    assert vars(config)["lazy"] == 3


def test_add_errors():
    config = AesaraConfigParser({"bad": "nope"})
    param = BoolParam(True)
    config.add("flag", "A flag.", param)
    with pytest.raises(ConfigError, match="already registered"):
        config.add("flag", "Again.", BoolParam(True))
    with pytest.raises(ConfigError, match="already registered"):
        config.add("other", "Same object.", param)
    with pytest.raises(ConfigError, match="method"):
        config.add("add", "Clashes.", BoolParam(True))
    with pytest.raises(ConfigError, match="Invalid"):
        config.add("_private", "Underscore.", BoolParam(True))
    with pytest.raises(ValueError, match="bad.*'nope'"):
        config.add("bad", "Invalid user value.", BoolParam(True))
    assert "bad" not in config._config_var_dict
    with pytest.raises(ValueError, match="'x'"):
        config.add("bad_default", "Invalid default.", IntParam("x"))
    with pytest.raises(ValueError, match="ratio"):
        config.add("ratio", "Positive.", FloatParam(-1.0, validate=lambda v: v > 0))


def test_param_types():
    config = AesaraConfigParser()
    config.add("b", "", BoolParam(False))
    config.add("i", "", IntParam(0))
    config.add("f", "", FloatParam(0.0))
    config.add("e", "", EnumStr("x", ["y", "z"]))
    for text, expected in [("yes", True), ("0", False), ("TRUE", True), (1, True)]:
        config.b = text
        assert config.b is expected
    config.i = "42"
    assert config.i == 42
    config.i = 7.0
    assert config.i == 7
    with pytest.raises(ValueError, match="'i'"):
        config.i = 7.5
    with pytest.raises(ValueError, match="'i'"):
        config.i = True
    config.f = "inf"
    assert config.f == math.inf
    config.e = "z"
    assert config.e == "z"
    with pytest.raises(ValueError, match="'x', 'y', 'z'"):
        config.e = "w"
    with pytest.raises(TypeError):
        EnumStr("x", [1])
