"""Typed, layered configuration flags.

This module holds the machinery behind ``aesara.config``: the typed parameter
classes (:class:`ConfigParam` and its subclasses) and the registry that
resolves each flag's value (:class:`AesaraConfigParser`).  The flags
themselves are registered in :mod:`aesara.configdefaults`.

A flag's value comes from the first of these sources that provides one:

1. an assignment in code (``config.floatX = "float32"`` or
   :meth:`AesaraConfigParser.change_flags`);
2. the ``AESARA_FLAGS`` environment variable, a comma-separated list of
   ``name=value`` pairs (``gcc.cxxflags`` is accepted for ``gcc__cxxflags``);
3. the INI files named in ``AESARARC`` (``os.pathsep``-separated, default
   ``~/.aesararc``), where plain flags live in the ``[global]`` section and
   ``gcc__cxxflags`` is the ``cxxflags`` key of the ``[gcc]`` section;
4. the flag's default, which may be a zero-argument callable evaluated on
   first use.

Resolved values are stored as plain instance attributes, so reading a flag
costs no more than reading an ordinary attribute.
"""

from __future__ import annotations

import configparser as _ini
import difflib
import functools
import getpass
import hashlib
import io
import numbers
import operator
import os
import sys
import tempfile
import threading
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import IO, Any, TypeVar

__all__ = [
    "AesaraConfigParser",
    "BoolParam",
    "ConfigAccessViolation",
    "ConfigError",
    "ConfigParam",
    "DeviceParam",
    "EnumStr",
    "FloatParam",
    "IntParam",
    "StrParam",
    "TypedParam",
    "change_flags",
    "parse_config_string",
    "print_config",
    "rc_files_from_environment",
]

_F = TypeVar("_F", bound=Callable[..., Any])

FLAGS_ENV_VAR = "AESARA_FLAGS"
RC_ENV_VAR = "AESARARC"
SECTION_SEP = "__"
GLOBAL_SECTION = "global"


class ConfigError(ValueError):
    """An unknown flag name or a malformed configuration source."""


class ConfigAccessViolation(ConfigError):
    """An attempt to change an immutable flag after its value was read."""


class _NoValue:
    def __repr__(self) -> str:
        return "<no value>"


_NO_VALUE: Any = _NoValue()


def _normalize_name(name: str) -> str:
    """Map a user-facing flag spelling (``gcc.cxxflags``) to its canonical name."""
    return name.strip().replace(".", SECTION_SEP)


def _close_matches(name: str, candidates: Iterable[str]) -> str:
    """Return a ``" Did you mean ...?"`` suffix listing names close to `name`."""
    candidates = list(candidates)
    matches = difflib.get_close_matches(name, candidates, n=3, cutoff=0.6)
    if not matches:
        lowered = {c.lower(): c for c in candidates}
        matches = [lowered[m] for m in difflib.get_close_matches(name.lower(), lowered)]
    if not matches:
        return ""
    return " Did you mean " + " or ".join(repr(m) for m in matches) + "?"


# ---------------------------------------------------------------------------
# Parameter types
# ---------------------------------------------------------------------------


class ConfigParam:
    """A typed configuration flag.

    Parameters
    ----------
    default
        The default value, or a zero-argument callable that computes it.  A
        callable default is evaluated only when the flag is first read.
    apply
        Optional conversion applied to every candidate value (including the
        default).  It should raise ``ValueError`` or ``TypeError`` with a short
        reason when the value cannot be converted.
    validate
        Optional predicate run on the converted value; a false result rejects
        the value.
    mutable
        If false, the flag cannot be changed once its value has been read.

    Notes
    -----
    ``name``, ``doc`` and ``in_c_key`` are filled in by
    :meth:`AesaraConfigParser.add`.
    """

    def __init__(
        self,
        default: Any,
        *,
        apply: Callable[[Any], Any] | None = None,
        validate: Callable[[Any], bool] | None = None,
        mutable: bool = True,
    ) -> None:
        self._default = default
        self._apply = apply
        self._validate = validate
        self._mutable = mutable
        self.name: str | None = None
        self.doc: str = ""
        self.in_c_key: bool = True

    @property
    def default(self) -> Any:
        """The default value or the callable that produces it."""
        return self._default

    @property
    def mutable(self) -> bool:
        """Whether the flag may change after its value has been read."""
        return self._mutable

    def compute_default(self) -> Any:
        """Return the unfiltered default, calling it if it is callable."""
        return self._default() if callable(self._default) else self._default

    def apply(self, value: Any) -> Any:
        """Convert `value` to this flag's type (identity unless overridden)."""
        return self._apply(value) if self._apply is not None else value

    def validate(self, value: Any) -> bool:
        """Return whether the converted `value` is acceptable."""
        return True if self._validate is None else bool(self._validate(value))

    def describe(self) -> str:
        """Return a short description of the accepted values, or ``""``."""
        return ""

    def filter(self, value: Any) -> Any:
        """Convert and validate `value`, raising a descriptive error.

        Parameters
        ----------
        value
            A candidate value, possibly a string from an environment variable
            or a configuration file.

        Returns
        -------
        object
            The converted value.

        Raises
        ------
        ValueError
            If the value is rejected; the message names the flag, the value and
            the accepted values.
        """
        try:
            result = self.apply(value)
            accepted = self.validate(result)
        except (TypeError, ValueError) as exc:
            raise ValueError(self._invalid_message(value, str(exc))) from exc
        if not accepted:
            raise ValueError(self._invalid_message(value, self.describe()))
        return result

    def _invalid_message(self, value: Any, reason: str) -> str:
        msg = f"Configuration flag '{self.name}' got an invalid value {value!r}"
        return f"{msg}: {reason}" if reason else f"{msg}."

    def __repr__(self) -> str:
        return f"{type(self).__name__}(name={self.name!r}, default={self._default!r})"


class EnumStr(ConfigParam):
    """A string flag restricted to a fixed set of options.

    Parameters
    ----------
    default
        The default option; it is always allowed.
    options
        The other allowed options.
    validate
        Optional extra predicate.
    mutable
        See :class:`ConfigParam`.
    """

    def __init__(
        self,
        default: str,
        options: Sequence[str],
        validate: Callable[[Any], bool] | None = None,
        mutable: bool = True,
    ) -> None:
        if not isinstance(default, str) or not all(isinstance(o, str) for o in options):
            raise TypeError("EnumStr default and options must all be strings")
        self.all: list[str] = [default, *(o for o in options if o != default)]
        super().__init__(default, validate=validate, mutable=mutable)

    def apply(self, value: Any) -> Any:
        if isinstance(value, str) and value in self.all:
            return value
        raise ValueError(self.describe())

    def describe(self) -> str:
        return "allowed values are " + ", ".join(repr(o) for o in self.all)


class TypedParam(ConfigParam):
    """A flag whose values are converted with ``mytype``.

    Parameters
    ----------
    default
        Default value or zero-argument callable.
    mytype
        The type values are converted to (``mytype(value)``).
    validate, apply, mutable
        See :class:`ConfigParam`; `apply` runs after the type conversion.
    """

    def __init__(
        self,
        default: Any,
        mytype: type,
        *,
        validate: Callable[[Any], bool] | None = None,
        apply: Callable[[Any], Any] | None = None,
        mutable: bool = True,
    ) -> None:
        self.mytype = mytype
        super().__init__(default, apply=apply, validate=validate, mutable=mutable)

    def convert(self, value: Any) -> Any:
        """Convert `value` to ``mytype``."""
        if isinstance(value, self.mytype):
            return value
        try:
            return self.mytype(value)
        except (TypeError, ValueError) as exc:
            raise ValueError(f"expected a {self.mytype.__name__}") from exc

    def apply(self, value: Any) -> Any:
        return super().apply(self.convert(value))

    def describe(self) -> str:
        return f"expected a {self.mytype.__name__}"


class StrParam(TypedParam):
    """A free-form string flag."""

    def __init__(
        self,
        default: Any,
        validate: Callable[[Any], bool] | None = None,
        mutable: bool = True,
    ) -> None:
        super().__init__(default, str, validate=validate, mutable=mutable)


class IntParam(TypedParam):
    """An integer flag; accepts ints, integral floats and numeric strings."""

    def __init__(
        self,
        default: Any,
        validate: Callable[[Any], bool] | None = None,
        mutable: bool = True,
    ) -> None:
        super().__init__(default, int, validate=validate, mutable=mutable)

    def convert(self, value: Any) -> Any:
        if isinstance(value, bool):
            raise ValueError("expected an int, not a bool")
        if isinstance(value, float):
            if not value.is_integer():
                raise ValueError("expected an int")
            return int(value)
        if isinstance(value, str):
            try:
                return int(value.strip())
            except ValueError:
                raise ValueError("expected an int") from None
        try:
            return operator.index(value)
        except TypeError:
            raise ValueError("expected an int") from None

    def describe(self) -> str:
        return "expected an int"


class FloatParam(TypedParam):
    """A floating-point flag (``"inf"`` is accepted)."""

    def __init__(
        self,
        default: Any,
        validate: Callable[[Any], bool] | None = None,
        mutable: bool = True,
    ) -> None:
        super().__init__(default, float, validate=validate, mutable=mutable)

    def convert(self, value: Any) -> Any:
        if isinstance(value, bool):
            raise ValueError("expected a float, not a bool")
        return super().convert(value)


_TRUE_STRINGS = frozenset({"true", "1", "yes", "on"})
_FALSE_STRINGS = frozenset({"false", "0", "no", "off"})


class BoolParam(TypedParam):
    """A boolean flag.

    Accepts ``True``/``False``, ``0``/``1`` and the strings ``true``,
    ``false``, ``1``, ``0``, ``yes``, ``no``, ``on``, ``off`` (any case).
    """

    def __init__(
        self,
        default: Any,
        validate: Callable[[Any], bool] | None = None,
        mutable: bool = True,
    ) -> None:
        super().__init__(default, bool, validate=validate, mutable=mutable)

    def convert(self, value: Any) -> Any:
        if isinstance(value, bool):
            return value
        if isinstance(value, str):
            lowered = value.strip().lower()
            if lowered in _TRUE_STRINGS:
                return True
            if lowered in _FALSE_STRINGS:
                return False
        elif isinstance(value, numbers.Integral) and value in (0, 1):
            return bool(value)
        raise ValueError(self.describe())

    def describe(self) -> str:
        return "allowed values are True, False (or 1, 0, yes, no, on, off)"


class DeviceParam(ConfigParam):
    """The compute device: ``"cpu"``, ``"cuda"``/``"cudaN"`` or ``"openclN:M"``.

    Parameters
    ----------
    default
        Default device, ``"cpu"`` unless stated.
    mutable
        Devices are immutable by default: they cannot change once read.
    """

    def __init__(self, default: Any = "cpu", mutable: bool = False) -> None:
        super().__init__(default, mutable=mutable)

    def apply(self, value: Any) -> Any:
        if isinstance(value, str):
            if value == "cpu":
                return value
            if value.startswith("cuda") and (value == "cuda" or value[4:].isdigit()):
                return value
            if value.startswith("opencl"):
                platform, _, device = value[6:].partition(":")
                if platform.isdigit() and device.isdigit():
                    return value
        raise ValueError(self.describe())

    def describe(self) -> str:
        return "allowed values are 'cpu', 'cuda', 'cudaN' and 'openclN:M'"


# ---------------------------------------------------------------------------
# Sources
# ---------------------------------------------------------------------------


def _split_unquoted(text: str, sep: str = ",") -> list[str]:
    """Split `text` on `sep` outside single/double quotes, dropping the quotes."""
    parts: list[str] = []
    buf: list[str] = []
    quote: str | None = None
    for ch in text:
        if quote is not None:
            if ch == quote:
                quote = None
            else:
                buf.append(ch)
        elif ch in "\"'":
            quote = ch
        elif ch == sep:
            parts.append("".join(buf))
            buf = []
        else:
            buf.append(ch)
    if quote is not None:
        raise ConfigError(
            f"Unterminated {quote} quote in configuration string {text!r}"
        )
    parts.append("".join(buf))
    return parts


def parse_config_string(
    config_string: str, source: str = FLAGS_ENV_VAR
) -> dict[str, str]:
    """Parse an ``AESARA_FLAGS``-style string into a ``{name: value}`` dict.

    Parameters
    ----------
    config_string
        Comma-separated ``name=value`` pairs.  Values may be quoted to contain
        commas (``gcc__cxxflags="-O3,-g"``); dotted names are mapped to their
        double-underscore form; later entries override earlier ones.
    source
        Where the string came from, used in error messages.

    Returns
    -------
    dict of str to str
        The raw (unconverted) values keyed by canonical flag name.

    Raises
    ------
    ConfigError
        If an entry has no ``=`` or an empty name.
    """
    result: dict[str, str] = {}
    for entry in _split_unquoted(config_string):
        entry = entry.strip()
        if not entry:
            continue
        key, eq, value = entry.partition("=")
        key = _normalize_name(key)
        if not eq or not key:
            raise ConfigError(
                f"Malformed entry {entry!r} in {source}: expected 'name=value'"
            )
        result[key] = value.strip()
    return result


def rc_files_from_environment(environ: Mapping[str, str] | None = None) -> list[str]:
    """Return the configuration files to read, from ``AESARARC`` or the default.

    Parameters
    ----------
    environ
        The environment to inspect; defaults to ``os.environ``.

    Returns
    -------
    list of str
        User-expanded paths, in reading order (later files win).  An empty
        ``AESARARC`` means no files.
    """
    env = os.environ if environ is None else environ
    if RC_ENV_VAR in env:
        entries = env[RC_ENV_VAR].split(os.pathsep)
    else:
        entries = ["~/.aesararc"]
        if sys.platform == "win32":
            entries.append("~/.aesararc.txt")
    return [os.path.expanduser(e) for e in entries if e.strip()]


def _interpolation_vars() -> dict[str, str]:
    """Variables usable as ``%(NAME)s`` in configuration files."""
    try:
        user = getpass.getuser()
    except Exception:  # pragma: no cover - no user database
        user = "unknown"
    tmp = tempfile.gettempdir()
    return {
        "USER": user,
        "PID": str(os.getpid()),
        "TMPDIR": os.environ.get("TMPDIR", tmp),
        "TEMP": os.environ.get("TEMP", tmp),
        "TMP": os.environ.get("TMP", tmp),
        "LSCRATCH": os.environ.get("LSCRATCH", tmp),
    }


def _read_rc_files(paths: Sequence[str | os.PathLike[str]]) -> _ini.ConfigParser:
    parser = _ini.ConfigParser()
    for path in paths:
        try:
            parser.read(path, encoding="utf-8")
        except _ini.Error as exc:
            raise ConfigError(
                f"Cannot parse configuration file {os.fspath(path)!r}: {exc}"
            ) from exc
    return parser


# ---------------------------------------------------------------------------
# The registry
# ---------------------------------------------------------------------------


class _SectionProxy:
    """Section-style view: ``config.gcc.cxxflags`` is ``config.gcc__cxxflags``."""

    __slots__ = ("_config", "_prefix")

    def __init__(self, config: AesaraConfigParser, prefix: str) -> None:
        object.__setattr__(self, "_config", config)
        object.__setattr__(self, "_prefix", prefix)

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__"):
            raise AttributeError(name)
        return getattr(self._config, f"{self._prefix}{SECTION_SEP}{name}")

    def __setattr__(self, name: str, value: Any) -> None:
        setattr(self._config, f"{self._prefix}{SECTION_SEP}{name}", value)

    def __dir__(self) -> list[str]:
        start = self._prefix + SECTION_SEP
        names = {
            n[len(start) :].split(SECTION_SEP, 1)[0]
            for n in self._config._config_var_dict
            if n.startswith(start)
        }
        return sorted(names)

    def __repr__(self) -> str:
        return f"<aesara config section {self._prefix!r}>"


class _ChangeFlags:
    """Context manager / decorator returned by :meth:`AesaraConfigParser.change_flags`."""

    def __init__(self, config: AesaraConfigParser, changes: Mapping[str, Any]) -> None:
        self._config = config
        self._changes: dict[str, Any] = {}
        for raw_name, value in changes.items():
            name = _normalize_name(raw_name)
            param = config._config_var_dict.get(name)
            if param is None:
                raise ConfigError(
                    config._unknown_message(raw_name, "passed to change_flags")
                )
            self._changes[name] = param.filter(value)
        self._local = threading.local()

    def _stack(self) -> list[dict[str, Any]]:
        stack = getattr(self._local, "stack", None)
        if stack is None:
            stack = self._local.stack = []
        return stack

    def __enter__(self) -> AesaraConfigParser:
        config = self._config
        saved: dict[str, Any] = {}
        try:
            for name, value in self._changes.items():
                old = getattr(config, name)
                config._set_flag(name, value)
                saved[name] = old
        except BaseException:
            self._restore(saved)
            raise
        self._stack().append(saved)
        return config

    def __exit__(self, *exc_info: Any) -> None:
        self._restore(self._stack().pop())

    def _restore(self, saved: Mapping[str, Any]) -> None:
        for name, value in reversed(list(saved.items())):
            self._config._set_flag(name, value)

    def __call__(self, func: _F) -> _F:
        @functools.wraps(func)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            with self:
                return func(*args, **kwargs)

        return wrapper  # type: ignore[return-value]

    def __repr__(self) -> str:
        return (
            f"change_flags({', '.join(f'{k}={v!r}' for k, v in self._changes.items())})"
        )


class AesaraConfigParser:
    """Registry of typed configuration flags; ``aesara.config`` is an instance.

    Flags are registered with :meth:`add` and read/written as attributes,
    either by canonical name (``config.gcc__cxxflags``) or section style
    (``config.gcc.cxxflags``).

    Parameters
    ----------
    flags_dict
        Raw values from ``AESARA_FLAGS`` (see :func:`parse_config_string`);
        dotted keys are normalised.
    rc_files
        INI files to read, later files overriding earlier ones.
    """

    def __init__(
        self,
        flags_dict: Mapping[str, str] | None = None,
        rc_files: Sequence[str | os.PathLike[str]] = (),
    ) -> None:
        d = self.__dict__
        d["_config_var_dict"] = {}
        d["_sections"] = set()
        d["_flags_dict"] = {
            _normalize_name(k): v for k, v in (flags_dict or {}).items()
        }
        d["_rc_files"] = [os.fspath(p) for p in rc_files]
        d["_rc"] = _read_rc_files(d["_rc_files"])
        d["_pending"] = {}
        d["_read_immutable"] = set()
        d["_lock"] = threading.RLock()

    @classmethod
    def from_environment(
        cls, environ: Mapping[str, str] | None = None
    ) -> AesaraConfigParser:
        """Build an empty parser whose sources are ``AESARA_FLAGS`` and ``AESARARC``.

        Parameters
        ----------
        environ
            The environment to read; defaults to ``os.environ``.

        Returns
        -------
        AesaraConfigParser
            A parser with no flags registered yet.
        """
        env = os.environ if environ is None else environ
        flags = parse_config_string(env.get(FLAGS_ENV_VAR, ""))
        return cls(flags, rc_files_from_environment(env))

    # -- registration -----------------------------------------------------

    def add(
        self, name: str, doc: str, configparam: ConfigParam, in_c_key: bool = True
    ) -> None:
        """Register a flag.

        The user-provided value (``AESARA_FLAGS`` or configuration files) is
        validated immediately; a callable default is evaluated on first read.

        Parameters
        ----------
        name
            Canonical name; ``__`` separates sections (``"gcc__cxxflags"``).
            Dots are accepted and converted.
        doc
            Human-readable description.
        configparam
            The typed parameter; an instance may only be registered once.
        in_c_key
            Whether the value contributes to :meth:`get_config_hash`.

        Raises
        ------
        ConfigError
            If the name is invalid, already used, or `configparam` is already
            registered.
        ValueError
            If the user-provided value or a non-callable default is invalid.
        """
        name = _normalize_name(name)
        self._check_new_name(name)
        if configparam.name is not None:
            raise ConfigError(
                f"Parameter object for {name!r} is already registered as {configparam.name!r}"
            )
        configparam.name, configparam.doc, configparam.in_c_key = (
            name,
            doc,
            bool(in_c_key),
        )
        try:
            raw = self._lookup_user_value(name)
            if raw is not _NO_VALUE:
                value = configparam.filter(raw)
            elif not callable(configparam.default):
                value = configparam.filter(configparam.default)
            else:
                value = _NO_VALUE
        except BaseException:
            configparam.name = None
            raise
        with self._lock:
            self._config_var_dict[name] = configparam
            parts = name.split(SECTION_SEP)
            for i in range(1, len(parts)):
                section = SECTION_SEP.join(parts[:i])
                if section not in self._sections:
                    self._sections.add(section)
                    self.__dict__[section] = _SectionProxy(self, section)
            if value is not _NO_VALUE:
                if configparam.mutable:
                    self.__dict__[name] = value
                else:
                    self._pending[name] = value

    def _check_new_name(self, name: str) -> None:
        if not name.isidentifier() or name.startswith("_") or name.endswith("_"):
            raise ConfigError(f"Invalid configuration flag name {name!r}")
        if name in self._config_var_dict:
            raise ConfigError(f"Configuration flag {name!r} is already registered")
        if hasattr(type(self), name):
            raise ConfigError(f"Configuration flag name {name!r} clashes with a method")
        if name in self._sections:
            raise ConfigError(
                f"Configuration flag name {name!r} is already a section name"
            )
        parts = name.split(SECTION_SEP)
        for i in range(1, len(parts)):
            prefix = SECTION_SEP.join(parts[:i])
            if prefix in self._config_var_dict or hasattr(type(self), prefix):
                raise ConfigError(
                    f"Section {prefix!r} of flag {name!r} clashes with a flag name"
                )

    def _lookup_user_value(self, name: str) -> Any:
        try:
            return self.fetch_val_for_key(name)
        except KeyError:
            return _NO_VALUE

    def fetch_val_for_key(self, key: str) -> str:
        """Return the raw user-provided value for `key` (env var, then rc files).

        Parameters
        ----------
        key
            Canonical flag name.

        Returns
        -------
        str
            The unconverted value.

        Raises
        ------
        KeyError
            If neither ``AESARA_FLAGS`` nor a configuration file sets `key`.
        """
        key = _normalize_name(key)
        if key in self._flags_dict:
            return self._flags_dict[key]
        rc = self._rc
        if SECTION_SEP in key:
            # ``a__b__c`` may be written ``[a] b__c`` or ``[a__b] c``.
            candidates = dict.fromkeys(
                [tuple(key.split(SECTION_SEP, 1)), tuple(key.rsplit(SECTION_SEP, 1))]
            )
        else:
            candidates = dict.fromkeys([(GLOBAL_SECTION, key)])
        for section, option in candidates:
            if rc.has_section(section) and rc.has_option(section, option):
                try:
                    return rc.get(section, option, vars=_interpolation_vars())
                except _ini.InterpolationError:
                    return rc.get(section, option, raw=True)
        raise KeyError(key)

    def check_unknown_flags(self) -> None:
        """Raise if ``AESARA_FLAGS`` names a flag that was never registered.

        Call this once all flags are registered.

        Raises
        ------
        ConfigError
            Naming every unknown flag, with close matches.
        """
        unknown = [k for k in self._flags_dict if k not in self._config_var_dict]
        if unknown:
            msgs = [self._unknown_message(k, f"in {FLAGS_ENV_VAR}") for k in unknown]
            raise ConfigError(" ".join(msgs))

    def _unknown_message(self, name: str, where: str = "") -> str:
        where = f" {where}" if where else ""
        hint = _close_matches(name, [*self._config_var_dict, *self._sections])
        return f"Unknown configuration flag {name!r}{where}.{hint}"

    # -- attribute protocol -------------------------------------------------

    def __getattr__(self, name: str) -> Any:
        # Only reached when `name` is not yet in the instance dict, i.e. for an
        # unknown name or a flag whose value has not been resolved yet.
        if name.startswith("__") and name.endswith("__"):
            raise AttributeError(name)
        d = self.__dict__
        param = d.get("_config_var_dict", {}).get(name)
        if param is None:
            raise AttributeError(self._unknown_message(name))
        with d["_lock"]:
            if name in d:
                return d[name]
            value = d["_pending"].pop(name, _NO_VALUE)
            if value is _NO_VALUE:
                value = param.filter(param.compute_default())
            if not param.mutable:
                d["_read_immutable"].add(name)
            d[name] = value
        return value

    def __setattr__(self, name: str, value: Any) -> None:
        if name not in self._config_var_dict:
            if name in self._sections:
                raise AttributeError(f"{name!r} is a configuration section, not a flag")
            raise AttributeError(self._unknown_message(name))
        self._set_flag(name, value)

    def __delattr__(self, name: str) -> None:
        raise AttributeError(f"Configuration flags cannot be deleted: {name!r}")

    def _set_flag(self, name: str, value: Any) -> None:
        param = self._config_var_dict[name]
        value = param.filter(value)
        with self._lock:
            if param.mutable:
                self.__dict__[name] = value
            elif name in self._read_immutable:
                current = self.__dict__[name]
                if current is value or _safe_equal(current, value):
                    return
                raise ConfigAccessViolation(
                    f"Configuration flag {name!r} is immutable and cannot be changed "
                    f"after its value ({current!r}) has been read"
                )
            else:
                self._pending[name] = value

    def _peek(self, name: str) -> Any:
        """Current value of `name` without marking immutable flags as read."""
        d = self.__dict__
        if name in d:
            return d[name]
        if name in self._pending:
            return self._pending[name]
        param = self._config_var_dict[name]
        return param.filter(param.compute_default())

    def __dir__(self) -> list[str]:
        return sorted({*super().__dir__(), *self._config_var_dict, *self._sections})

    # -- helpers ---------------------------------------------------------------

    def change_flags(self, *args: Mapping[str, Any], **kwargs: Any) -> _ChangeFlags:
        """Temporarily change flags, as a context manager or a decorator.

        Parameters
        ----------
        *args
            Mappings of flag name to value.
        **kwargs
            Flag name to value (dotted names can be given through a mapping).

        Returns
        -------
        object
            Usable as ``with config.change_flags(floatX="float32"): ...`` or as
            ``@config.change_flags(floatX="float32")``.  Previous values are
            restored on exit, including when an exception propagates.

        Raises
        ------
        ConfigError
            If a name is unknown (checked immediately).
        ValueError
            If a value is invalid (checked immediately).
        """
        changes: dict[str, Any] = {}
        for mapping in args:
            changes.update(mapping)
        changes.update(kwargs)
        return _ChangeFlags(self, changes)

    def get_config_hash(self) -> str:
        """Return a deterministic hash of all flags registered with ``in_c_key``.

        Returns
        -------
        str
            A SHA-256 hex digest of the sorted ``name = repr(value)`` lines; it
            is stable across processes for equal flag values.
        """
        lines = [
            f"{name} = {getattr(self, name)!r}"
            for name, param in sorted(self._config_var_dict.items())
            if param.in_c_key
        ]
        return hashlib.sha256("\n".join(lines).encode("utf-8")).hexdigest()

    def changed_flags(self) -> dict[str, Any]:
        """Return the flags whose current value differs from their default.

        Returns
        -------
        dict of str to object
            ``{name: current_value}`` in registration order.
        """
        changed = {}
        for name, param in self._config_var_dict.items():
            value = self._peek(name)
            if not _safe_equal(value, param.filter(param.compute_default())):
                changed[name] = value
        return changed

    def config_print(self, buf: IO[str] | None = None, print_doc: bool = True) -> None:
        """Write every flag, its accepted values, doc and current value.

        Parameters
        ----------
        buf
            Destination stream; defaults to ``sys.stdout``.
        print_doc
            Whether to include each flag's documentation.
        """
        out = sys.stdout if buf is None else buf
        for name, param in self._config_var_dict.items():
            out.write(f"{name} ({_kind_text(param)})\n")
            if print_doc and param.doc:
                out.write(f"    Doc:  {param.doc}\n")
            out.write(f"    Value:  {self._peek(name)!r}\n\n")

    def __str__(self) -> str:
        buf = io.StringIO()
        self.config_print(buf)
        return buf.getvalue()

    def __repr__(self) -> str:
        return f"<{type(self).__name__} with {len(self._config_var_dict)} flags>"


def _kind_text(param: ConfigParam) -> str:
    """Short description of a parameter's accepted values for listings."""
    if isinstance(param, EnumStr):
        return ", ".join(param.all)
    if isinstance(param, TypedParam):
        return param.mytype.__name__
    return type(param).__name__


def _safe_equal(a: Any, b: Any) -> bool:
    try:
        return bool(a == b)
    except Exception:
        return False


def change_flags(*args: Mapping[str, Any], **kwargs: Any) -> _ChangeFlags:
    """Temporarily change flags of the global ``aesara.config``.

    See :meth:`AesaraConfigParser.change_flags`.
    """
    from aesara.configdefaults import config

    return config.change_flags(*args, **kwargs)


def print_config(
    config: AesaraConfigParser | None = None, file: IO[str] | None = None
) -> None:
    """Print all flags of `config` (default: the global ``aesara.config``).

    Parameters
    ----------
    config
        The parser to describe.
    file
        Destination stream; defaults to ``sys.stdout``.
    """
    if config is None:
        from aesara.configdefaults import config
    config.config_print(file)


class AesaraConfigWarning(Warning):
    """Warning about the configuration (an ignored or malformed setting)."""

    @classmethod
    def warn(cls, message: str, stacklevel: int = 0) -> None:
        """Warn with ``message``, pointing ``stacklevel`` frames above the caller."""
        import warnings

        warnings.warn(message, cls, stacklevel=stacklevel + 3)


def config_files_from_aesararc() -> list[str]:
    """The configuration files to read (Aesara's name of :func:`rc_files_from_environment`)."""
    return rc_files_from_environment()


# Old module-level names Aesara 2.9 still serves, with a DeprecationWarning:
# name -> (message, attribute of the global config they stand for).
_DEPRECATED_CONFIG_NAMES = {
    "_change_flags": (
        "`_change_flags` is deprecated; use `aesara.config.change_flags` instead.",
        "change_flags",
    ),
    "_config_print": (
        "`_config_print` is deprecated; use `aesara.config.config_print` instead.",
        "config_print",
    ),
}


def __getattr__(name: str) -> Any:
    # ``from aesara.configparser import config`` without an import cycle.
    if name == "config":
        from aesara.configdefaults import config

        return config
    if name in _DEPRECATED_CONFIG_NAMES:
        import warnings

        from aesara.configdefaults import config

        message, attr = _DEPRECATED_CONFIG_NAMES[name]
        warnings.warn(message, DeprecationWarning, stacklevel=2)
        return getattr(config, attr)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
