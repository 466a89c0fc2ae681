"""Small helpers Aesara code imports from ``aesara.utils``.

Sub-process launching (``subprocess_Popen`` and its two wrappers), the word
sizes of this platform, source hashing, sequence helpers and the
``deprecated`` decorator. The helpers at the end (:func:`public_names`,
:func:`deprecated_names_getattr`) build the deprecated alias modules Aesara
still ships (``aesara.graph.opt``...).
"""

from __future__ import annotations

import functools
import hashlib
import logging
import os
import struct
import subprocess
import sys
import traceback
import types
import warnings
from collections import OrderedDict
from collections.abc import Callable, Iterable, Sequence
from typing import Any

__all__ = [
    "cmp",
    "get_unbound_function",
    "maybe_add_to_os_environ_pathlist",
    "DefaultOrderedDict",
    "deprecated",
    "subprocess_Popen",
    "call_subprocess_Popen",
    "output_subprocess_Popen",
    "LOCAL_BITWIDTH",
    "PYTHON_INT_BITWIDTH",
    "NoDuplicateOptWarningFilter",
]

#: Width in bits of a memory pointer (``size_t``) on this platform.
LOCAL_BITWIDTH: int = struct.calcsize("P") * 8
#: Width in bits of a C ``long`` (not always the pointer width: Windows).
PYTHON_INT_BITWIDTH: int = struct.calcsize("l") * 8

_excepthooks: list[Callable] = []


def _run_excepthooks(exc_type, value, trace) -> None:
    for hook in _excepthooks:
        hook(exc_type, value, trace)
    sys.__excepthook__(exc_type, value, trace)


def add_excepthook(hook: Callable) -> None:
    """Call ``hook(type, value, traceback)`` for uncaught exceptions.

    The hooks run in the order they were added, before Python's default
    handler prints the traceback.
    """
    if not callable(hook):
        raise TypeError(f"add_excepthook expects a callable, got {hook!r}")
    _excepthooks.append(hook)
    sys.excepthook = _run_excepthooks


def exc_message(e: BaseException) -> Any:
    """The innermost message of an exception re-raised with itself as argument."""
    msg = e.args[0] if e.args else ""
    while isinstance(msg, BaseException):
        msg = msg.args[0] if msg.args else ""
    return msg


def cmp(x: Any, y: Any) -> int:
    """Three-way comparison: -1, 0 or 1 as ``x`` is below, equal to or above ``y``."""
    return int(x > y) - int(x < y)


def get_unbound_function(unbound: Any) -> Any:
    """The plain function behind a bound method (or the argument itself)."""
    return getattr(unbound, "__func__", unbound)


def maybe_add_to_os_environ_pathlist(var: str, newpath: str) -> None:
    """Put the absolute path ``newpath`` first in ``os.environ[var]``.

    Nothing happens when ``newpath`` is relative, already listed, or ``var``
    is not set (the variable is never created here).
    """
    if not os.path.isabs(newpath) or var not in os.environ:
        return
    paths = os.environ[var].split(os.pathsep)
    if newpath not in paths:
        os.environ[var] = os.pathsep.join([newpath, *paths])


def deprecated(message: str = "") -> Callable[[Callable], Callable]:
    """Decorator: warn with ``DeprecationWarning`` when the function is called.

    The warning is given once per distinct call site (stack), so a loop
    does not flood the output.

    Parameters
    ----------
    message
        The warning text; ``"Function <name> is deprecated."`` when empty.
    """

    def decorate(func: Callable) -> Callable:
        text = message or f"Function {func.__name__} is deprecated."
        seen: set[str] = set()

        @functools.wraps(func)
        def wrapper(*args, **kwargs):
            site = "".join(traceback.format_stack(sys._getframe(1)))
            if site not in seen:
                seen.add(site)
                warnings.warn(text, DeprecationWarning, stacklevel=2)
            return func(*args, **kwargs)

        wrapper.last_call_source = seen  # type: ignore[attr-defined]
        return wrapper

    return decorate


def subprocess_Popen(command: str | Sequence[str], **params: Any) -> subprocess.Popen:
    """Start ``command`` with ``subprocess.Popen``, stdin from the null device.

    On Windows no console window opens and the command goes through the
    shell (so that ``.bat`` wrappers such as ``g++.bat`` are found).
    """
    startupinfo = None
    if os.name == "nt":  # pragma: no cover - Windows only
        startupinfo = subprocess.STARTUPINFO()
        startupinfo.dwFlags |= subprocess.STARTF_USESHOWWINDOW
        params["shell"] = True
        if not isinstance(command, str):
            command = " ".join(command)
    if "stdin" in params:
        return subprocess.Popen(command, startupinfo=startupinfo, **params)
    with open(os.devnull) as null:
        return subprocess.Popen(command, startupinfo=startupinfo, stdin=null, **params)


def _refuse_streams(name: str, params: dict) -> None:
    if "stdout" in params or "stderr" in params:
        raise TypeError(f"{name} sets stdout and stderr itself; do not pass them")


def call_subprocess_Popen(command: str | Sequence[str], **params: Any) -> int:
    """Run ``command`` with its output discarded; returns its exit status."""
    _refuse_streams("call_subprocess_Popen", params)
    with open(os.devnull, "wb") as null:
        proc = subprocess_Popen(command, stdout=null, stderr=null, **params)
        return proc.wait()


def output_subprocess_Popen(
    command: str | Sequence[str], **params: Any
) -> tuple[bytes, bytes, int]:
    """Run ``command``; returns ``(stdout, stderr, exit status)``."""
    _refuse_streams("output_subprocess_Popen", params)
    proc = subprocess_Popen(
        command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, **params
    )
    out, err = proc.communicate()
    return out, err, proc.returncode


def hash_from_code(msg: str | bytes) -> str:
    """``"m"`` followed by the SHA-256 hex digest of ``msg``.

    The leading letter makes the result usable as a Python module name.
    """
    if isinstance(msg, str):
        msg = msg.encode()
    elif not isinstance(msg, (bytes, bytearray, memoryview)):
        raise TypeError(
            f"hash_from_code expects str or bytes, got {type(msg).__name__}"
        )
    return "m" + hashlib.sha256(msg).hexdigest()


def memoize(f: Callable) -> Callable:
    """Cache ``f``'s result per (hashable) arguments."""
    results: dict = {}

    @functools.wraps(f)
    def wrapper(*args, **kwargs):
        key = (args, tuple(kwargs.items()))
        if key not in results:
            results[key] = f(*args, **kwargs)
        return results[key]

    return wrapper


def uniq(seq: Sequence) -> list:
    """The elements of ``seq`` without repeats, first occurrences in order.

    Works for unhashable elements too (compares with ``==``).
    """
    out: list = []
    for x in seq:
        if x not in out:
            out.append(x)
    return out


def difference(seq1: Iterable, seq2: Iterable) -> list:
    """The elements of ``seq1`` that are not in ``seq2``, in order."""
    seq2 = list(seq2)
    try:
        members: Any = set(seq2)
    except TypeError:  # unhashable elements: compare one by one
        members = seq2
    return [x for x in seq1 if x not in members]


def to_return_values(values: Sequence) -> Any:
    """The only element of a one-element sequence, else the sequence."""
    return values[0] if len(values) == 1 else values


def from_return_values(values: Any) -> Sequence:
    """``values`` when it is a list or tuple, else ``[values]``."""
    return values if isinstance(values, (list, tuple)) else [values]


def flatten(a: Any) -> list:
    """Flatten nested tuples, lists and sets into one list (``3`` gives ``[3]``)."""
    if not isinstance(a, (tuple, list, set)):
        return [a]
    out: list = []
    for item in a:
        out.extend(flatten(item))
    return out


def apply_across_args(*fns: Callable) -> Any:
    """Make functions of one name also accept several names or a count.

    ``f = apply_across_args(g)`` gives ``f("x") == g("x")``,
    ``f("xy") == [g("x"), g("y")]``, ``f("a", "b") == [g("a"), g("b")]``
    and ``f(3) == [g(), g(), g()]``. With several functions, a list of such
    wrappers is returned.
    """

    def spread(f: Callable, *names: Any) -> Any:
        if names and isinstance(names[0], int):
            return [f() for _ in range(names[0])]
        if len(names) == 1:
            names = names[0]
        if len(names) == 1:
            return f(names)
        return [f(name) for name in names]

    wrappers = [functools.partial(spread, f) for f in fns]
    return wrappers[0] if len(wrappers) == 1 else wrappers


class NoDuplicateOptWarningFilter(logging.Filter):
    """A logging filter that lets each ``"Optimization Warning: "`` message through once."""

    prev_msgs: set[str] = set()

    def filter(self, record: logging.LogRecord) -> bool:
        msg = record.getMessage()
        if not msg.startswith("Optimization Warning: "):
            return True
        if msg in self.prev_msgs:
            return False
        self.prev_msgs.add(msg)
        return True


class Singleton:
    """Base class whose subclasses each have one instance, equal by type."""

    _instances: dict[type, Singleton] = {}

    def __new__(cls):
        inst = Singleton._instances.get(cls)
        if inst is None:
            inst = Singleton._instances[cls] = super().__new__(cls)
        return inst

    def __str__(self) -> str:
        return type(self).__name__

    def __eq__(self, other: object) -> bool:
        return type(self) is type(other)

    def __hash__(self) -> int:
        return hash(type(self))


class DefaultOrderedDict(OrderedDict):
    """An insertion-ordered dict that fills missing keys from ``default_factory``."""

    def __init__(self, default_factory: Callable | None = None, *args, **kwargs):
        if default_factory is not None and not callable(default_factory):
            raise TypeError(
                f"default_factory must be callable or None, got {default_factory!r}"
            )
        super().__init__(*args, **kwargs)
        self.default_factory = default_factory

    def __missing__(self, key: Any) -> Any:
        if self.default_factory is None:
            raise KeyError(key)
        value = self[key] = self.default_factory()
        return value

    def __getitem__(self, key: Any) -> Any:
        try:
            return OrderedDict.__getitem__(self, key)
        except KeyError:
            return self.__missing__(key)

    def __reduce__(self):
        args = () if self.default_factory is None else (self.default_factory,)
        return type(self), args, None, None, iter(self.items())

    def copy(self) -> DefaultOrderedDict:
        return type(self)(self.default_factory, self)

    __copy__ = copy


# ----------------------------------------------------------------------
# Building deprecated alias modules
# ----------------------------------------------------------------------
def public_names(module: types.ModuleType) -> dict[str, Any]:
    """The public attributes of ``module`` (no submodules, no ``_`` names).

    An alias module copies these rather than only ``__all__``: code written
    against Aesara imports helpers its modules define without listing them.
    """
    return {
        name: value
        for name, value in vars(module).items()
        if not name.startswith("_") and not isinstance(value, types.ModuleType)
    }


def deprecated_names_getattr(
    module_name: str, table: Sequence[tuple[str, str, Any]]
) -> Callable[[str], Any]:
    """A module ``__getattr__`` serving renamed names with a warning.

    Parameters
    ----------
    module_name
        The module's ``__name__`` (for the error on unknown names).
    table
        ``(old name, warning message, new object)`` triples.
    """
    lookup = {old: (msg, obj) for old, msg, obj in table}

    def __getattr__(name: str) -> Any:
        try:
            msg, obj = lookup[name]
        except KeyError:
            raise AttributeError(
                f"module {module_name!r} has no attribute {name!r}"
            ) from None
        warnings.warn(msg, DeprecationWarning, stacklevel=2)
        return obj

    return __getattr__
