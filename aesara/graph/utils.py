"""Small helpers shared by the graph modules: scratchpads, metaclass-free
``__props__`` support, user source-location tracking and common errors."""

from __future__ import annotations

import linecache
import os
import sys
import traceback
from abc import ABCMeta
from collections.abc import Iterable, Sequence
from typing import Any

_AESARA_ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


class MethodNotDefined(Exception):
    """Raised by an optional method an Op or Type does not implement."""


class InconsistencyError(Exception):
    """A graph change would leave the graph in an invalid state."""


class MissingInputError(Exception):
    """A graph needs a variable that was not given as an input."""

    def __init__(self, *args, variable=None):
        if variable is not None:
            where = get_variable_trace_string(variable)
            if where:
                args = (*args, where)
        # One message string, so ``str(exc)`` reads as text, not a tuple.
        super().__init__("\n".join(str(a) for a in args))
        self.variable = variable


class TestValueError(Exception):
    """Test-value computation failed."""


class Scratchpad:
    """An attribute bag attached to variables (``var.tag``)."""

    def clear(self) -> None:
        self.__dict__.clear()

    def __copy__(self):
        # Much cheaper than the generic ``copy.copy`` protocol; tags are copied
        # for every cloned variable and node.
        cp = object.__new__(type(self))
        cp.__dict__.update(self.__dict__)
        return cp

    def __update__(self, other):
        self.__dict__.update(other.__dict__)
        return self

    def __str__(self):
        return "scratchpad" + str(self.__dict__)

    __repr__ = __str__

    def info(self) -> None:
        print(f"<Scratchpad {id(self)}>")
        for k, v in self.__dict__.items():
            print(f"  {k}: {v}")


class ValidatingScratchpad(Scratchpad):
    """A scratchpad whose attribute ``attr`` is passed through ``attr_filter``."""

    def __init__(self, attr, attr_filter):
        object.__setattr__(self, "attr", attr)
        object.__setattr__(self, "attr_filter", attr_filter)

    def __setattr__(self, name, value):
        if getattr(self, "attr", None) == name:
            value = self.attr_filter(value)
        super().__setattr__(name, value)


_internal_file_cache: dict[str, bool] = {}


def _is_internal_file(filename: str) -> bool:
    # Cached per file name: this runs for every frame walked each time a
    # Variable is created, so it must be a dict lookup in the common case.
    res = _internal_file_cache.get(filename)
    if res is None:
        res = (
            filename.startswith(_AESARA_ROOT)
            and not os.path.basename(filename).startswith("test_")
        ) or filename.startswith("<frozen")
        _internal_file_cache[filename] = res
    return res


def user_frame_summary(skip_internal: bool = True, limit: int | None = 1):
    """Return the innermost stack frames that belong to user code.

    Frames inside the ``aesara`` package (other than test modules) are
    skipped, so the result points at the line of the user's program that
    triggered graph construction.

    Parameters
    ----------
    skip_internal
        Skip frames of Aesara's own modules.
    limit
        The maximum number of frames returned (``None``: all of them).

    Returns
    -------
    list of (filename, lineno, function_name, source_line) tuples
        Innermost frame first; ``source_line`` is ``None`` (read lazily by
        the formatting helpers).
    """
    frame = sys._getframe(1)
    out: list = []
    cache = _internal_file_cache
    while frame is not None:
        code = frame.f_code
        fname = code.co_filename
        if skip_internal:
            # Inlined cache lookup: this loop runs for every new Variable.
            internal = cache.get(fname)
            if internal is None:
                internal = _is_internal_file(fname)
            if internal:
                frame = frame.f_back
                continue
        out.append((fname, frame.f_lineno, code.co_name, None))
        if limit is not None and len(out) >= limit:
            break
        frame = frame.f_back
    return out


def simple_extract_stack(f=None, limit: int | None = None, skips: Sequence[str] = ()):
    """Return the stack as ``(filename, lineno, name, line)`` tuples, outermost first.

    Source files are not read. Frames whose file name starts with one of
    ``skips`` are left out; at most ``limit`` (innermost) frames are kept.
    """
    if f is None:
        f = sys._getframe(1)
    trace = []
    while f is not None and (limit is None or len(trace) < limit):
        co = f.f_code
        fname = co.co_filename
        if not any(fname.startswith(s) for s in skips):
            trace.append((fname, f.f_lineno, co.co_name, None))
        f = f.f_back
    trace.reverse()
    return trace


def add_tag_trace(thing, user_line: int | None = None):
    """Record where in user code ``thing`` (a Variable) was created.

    The location is stored on ``thing.tag.trace`` as a list holding one list
    of ``(filename, lineno, function, line)`` tuples, the layout Aesara uses.
    Only the innermost frame outside Aesara's own modules is kept (or the
    ``user_line`` innermost such frames), which keeps this cheap enough to
    run for every variable.

    Returns
    -------
    The ``thing`` given, for chaining.
    """
    try:
        frames = user_frame_summary(limit=user_line or 1)
    except Exception:  # pragma: no cover - very defensive
        frames = []
    thing.tag.trace = [frames] if frames else []
    return thing


def _trace_frames(v) -> list:
    """The frames recorded on ``v.tag.trace`` (old flat layouts accepted)."""
    tag = getattr(v, "tag", None)
    trace = getattr(tag, "trace", None)
    if not trace or not isinstance(trace, list):
        return []
    if isinstance(trace[0], tuple):
        return list(trace)
    return [fr for sub in trace for fr in sub]


def get_variable_trace_string(v) -> str:
    """Return a description of where in user code variable ``v`` was created.

    The text starts with ``"Backtrace when that variable is created:"``
    followed by traceback-style ``File "...", line N, in f`` lines (with the
    source line when it can be read). An empty string is returned when no
    location was recorded.
    """
    frames = _trace_frames(v)
    if not frames:
        return ""
    body = "".join(traceback.format_list(frames))
    return "\nBacktrace when that variable is created:\n\n" + body


def format_user_location(v) -> str:
    """Like :func:`get_variable_trace_string` without the heading: just the
    ``File ..., line N, in f`` lines (and source lines) of ``v``'s creation."""
    frames = _trace_frames(v)
    lines = []
    for fname, lineno, func, _ in frames:
        lines.append(f'  File "{fname}", line {lineno}, in {func}')
        src = linecache.getline(fname, lineno).strip()
        if src:
            lines.append(f"    {src}")
    return "\n".join(lines)


def _props_dict(self) -> dict:
    return {name: getattr(self, name) for name in self.__props__}


def _props_tuple(self) -> tuple:
    return tuple(getattr(self, name) for name in self.__props__)


def _hashable(value):
    if isinstance(value, list):
        return tuple(_hashable(v) for v in value)
    if isinstance(value, dict):
        return tuple(sorted((k, _hashable(v)) for k, v in value.items()))
    return value


def _install_props_methods(cls) -> None:
    """Give ``cls`` ``==``, ``hash``, ``str`` and ``_props`` from its own ``__props__``."""
    props = cls.__dict__.get("__props__")
    if props is None:
        return
    if not isinstance(props, tuple) or not all(isinstance(p, str) for p in props):
        raise TypeError(f"{cls.__name__}.__props__ must be a tuple of strings")
    if "__eq__" not in cls.__dict__:

        def __eq__(self, other):
            # ``type(self) == type(other)``, not ``is``: as in Aesara, a
            # metaclass may make distinct classes equal (AePPL's dynamically
            # made "Unmeasurable" op classes compare by what they wrap).
            return self is other or (
                type(self) == type(other)  # noqa: E721
                and _props_tuple(self) == _props_tuple(other)
            )

        cls.__eq__ = __eq__
    if "__hash__" not in cls.__dict__:

        def __hash__(self):
            return hash((type(self), tuple(_hashable(p) for p in _props_tuple(self))))

        cls.__hash__ = __hash__
    # With no props, an inherited custom ``__str__`` is kept.
    if "__str__" not in cls.__dict__ and (props or cls.__str__ is object.__str__):
        if props:

            def __str__(self):
                inner = ", ".join(f"{p}={getattr(self, p)!r}" for p in props)
                return f"{type(self).__name__}{{{inner}}}"

        else:

            def __str__(self):
                return type(self).__name__

        cls.__str__ = __str__
    cls._props = _props_tuple
    cls._props_dict = _props_dict


class MetaObject:
    """Base giving value semantics (``==``, ``hash``, ``str``) from ``__props__``.

    A subclass that sets ``__props__ = ("a", "b")`` compares equal to another
    instance of the same class whose ``a`` and ``b`` are equal.  Without
    ``__props__`` identity semantics are kept.
    """

    __slots__: Any = ()

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        _install_props_methods(cls)

    def __repr__(self):
        # ``object.__str__`` calls ``__repr__``: avoid infinite recursion for
        # classes that define neither.
        if type(self).__str__ is object.__str__:
            return object.__repr__(self)
        return str(self)


class MetaType(ABCMeta):
    """Metaclass giving classes value semantics from ``__props__``.

    A class created with ``metaclass=MetaType`` that sets ``__props__`` (a
    tuple of attribute names) gets ``__eq__``, ``__hash__``, ``__str__``,
    ``_props()`` and ``_props_dict()`` built from those attributes, unless it
    defines them itself; the same rules as for :class:`MetaObject` subclasses.
    """

    def __new__(mcs, name: str, bases: tuple, dct: dict, **kwargs):
        cls = super().__new__(mcs, name, bases, dct, **kwargs)
        _install_props_methods(cls)
        return cls


def flatten(items: Iterable) -> list:
    """Flatten nested lists/tuples into one list."""
    out = []
    for x in items:
        if isinstance(x, (list, tuple)):
            out.extend(flatten(x))
        else:
            out.append(x)
    return out


def uniq(seq: Iterable) -> list:
    """Return the elements of ``seq`` without duplicates, keeping order."""
    seen = set()
    out = []
    for x in seq:
        if x not in seen:
            seen.add(x)
            out.append(x)
    return out


def difference(seq1: Iterable, seq2: Iterable) -> list:
    """Elements of ``seq1`` not in ``seq2``, keeping order."""
    s2 = set(seq2)
    return [x for x in seq1 if x not in s2]


def to_return_values(values):
    if len(values) == 1:
        return values[0]
    return values


def format_exception_chain(exc: BaseException) -> str:  # pragma: no cover - debug aid
    return "".join(traceback.format_exception(type(exc), exc, exc.__traceback__))


class AssocList:
    """A mapping that also takes unhashable keys.

    Hashable keys live in a dict; unhashable ones in a list of pairs searched
    by equality (slow, but such keys are rare).
    """

    def __init__(self) -> None:
        self._dict: dict = {}
        self._list: list[tuple[Any, Any]] = []

    @staticmethod
    def _hashable(key: Any) -> bool:
        try:
            hash(key)
        except TypeError:
            return False
        return True

    def get(self, key: Any, default: Any = None) -> Any:
        """Return the value of ``key``, or ``default`` when it has none."""
        if self._hashable(key):
            return self._dict.get(key, default)
        for k, v in self._list:
            if k == key:
                return v
        return default

    def __getitem__(self, key: Any) -> Any:
        # As in Aesara, a missing key reads as None rather than raising.
        return self.get(key)

    def __setitem__(self, key: Any, value: Any) -> None:
        if self._hashable(key):
            self._dict[key] = value
            return
        for i, (k, _) in enumerate(self._list):
            if k == key:
                self._list[i] = (key, value)
                return
        self._list.append((key, value))

    def __delitem__(self, key: Any) -> None:
        if self._hashable(key):
            del self._dict[key]
            return
        for i, (k, _) in enumerate(self._list):
            if k == key:
                del self._list[i]
                return
        raise KeyError(key)

    def discard(self, key: Any) -> None:
        """Remove ``key`` if present."""
        try:
            del self[key]
        except KeyError:
            pass

    def __contains__(self, key: Any) -> bool:
        sentinel = object()
        return self.get(key, sentinel) is not sentinel

    def __len__(self) -> int:
        return len(self._dict) + len(self._list)

    def __repr__(self) -> str:
        return f"AssocList({self._dict!r}, {self._list!r})"


def toposort(prereqs_d: dict) -> list:
    """Order the keys of ``prereqs_d`` so that each comes after its prerequisites.

    Parameters
    ----------
    prereqs_d
        Maps each element to the set of elements that must come before it;
        every prerequisite must itself be a key.

    Raises
    ------
    ValueError
        When no such order exists (a cycle) or a prerequisite is not a key.
    """
    after: dict = {}
    for node, prereqs in prereqs_d.items():
        for prereq in prereqs:
            after.setdefault(prereq, []).append(node)
    remaining = {node: len(set(prereqs)) for node, prereqs in prereqs_d.items()}
    ready = [node for node, n in remaining.items() if n == 0]
    order = []
    while ready:
        node = ready.pop(0)
        order.append(node)
        for nxt in after.get(node, ()):
            if nxt not in remaining:
                continue
            remaining[nxt] -= 1
            if remaining[nxt] == 0:
                ready.append(nxt)
    if len(order) != len(prereqs_d):
        raise ValueError(
            "toposort: no topological order of prereqs_d: it has a cycle, or a "
            "prerequisite that is not one of its keys"
        )
    return order
