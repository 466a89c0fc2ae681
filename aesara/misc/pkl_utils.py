"""Pickling graphs, compiled functions and shared variables.

* :class:`StripPickler`: a pickler that leaves out the bulky, run-specific
  tags of variables (creation tracebacks, test values), e.g. to store a graph
  as a test case. The objects being pickled are not changed.
* :func:`dump` / :func:`load`: pickle into a zip archive in which every NumPy
  array is its own ``.npy`` member (named after the shared variable holding
  it, when there is one) next to the pickle itself (member ``pkl``). The
  archive can be read with ``numpy.load`` too. Compiled functions
  (``aesara.function``) and shared variables go through both and load in
  another process; a function and the shared variables it updates stay
  connected when they are dumped together.
"""

from __future__ import annotations

import os
import pickle
import sys
import tempfile
import zipfile
from collections import defaultdict
from collections.abc import Callable
from contextlib import closing
from io import BytesIO
from pickle import DEFAULT_PROTOCOL, HIGHEST_PROTOCOL
from typing import IO, Any

import numpy as np

from aesara.compile.sharedvalue import SharedVariable
from aesara.graph.utils import Scratchpad

__all__ = [
    "PersistentNdarrayID",
    "PersistentNdarrayLoad",
    "PersistentSharedVariableID",
    "StripPickler",
    "dump",
    "load",
    "zipadd",
]

#: Graphs are pickled recursively; deep graphs need a higher recursion limit.
min_recursion = 3000
if sys.getrecursionlimit() < min_recursion:
    sys.setrecursionlimit(min_recursion)

Pickler = pickle.Pickler


def _rebuild_tag(cls: type, state: dict) -> Any:
    """Recreate a tag object (a :class:`Scratchpad`) from its attributes."""
    obj = cls.__new__(cls)
    obj.__dict__.update(state)
    return obj


class StripPickler(Pickler):
    """A pickler leaving out variables' ``trace`` and ``test_value`` tags.

    Parameters
    ----------
    file
        A binary file open for writing.
    protocol
        The pickle protocol.
    extra_tag_to_remove
        More tag attribute names to leave out.

    Examples
    --------
    >>> with open("graph.pkl", "wb") as f:  # doctest: +SKIP
    ...     StripPickler(f, protocol=-1).dump(dict(inputs=inputs, outputs=outputs))
    """

    def __init__(
        self,
        file: IO[bytes],
        protocol: int = 0,
        extra_tag_to_remove: list[str] | None = None,
    ):
        super().__init__(file, protocol)
        self.tag_to_remove = ["trace", "test_value", *(extra_tag_to_remove or [])]

    def reducer_override(self, obj: Any) -> Any:
        # A filtered copy of the tag's attributes is pickled: the object in
        # memory keeps its traceback and test value.
        if isinstance(obj, Scratchpad):
            state = {
                k: v for k, v in obj.__dict__.items() if k not in self.tag_to_remove
            }
            if len(state) != len(obj.__dict__):
                return _rebuild_tag, (type(obj), state)
        return NotImplemented


def zipadd(
    func: Callable[[IO[bytes]], None], zip_file: zipfile.ZipFile, name: str
) -> None:
    """Store what ``func(file)`` writes as the member ``name`` of ``zip_file``."""
    fd, path = tempfile.mkstemp()
    try:
        with os.fdopen(fd, "wb") as f:
            func(f)
        zip_file.write(path, arcname=name)
    finally:
        os.remove(path)


class PersistentNdarrayID:
    """``persistent_id`` storing each NumPy array as a ``.npy`` member of a zip.

    The persistent id of an array is ``"ndarray.<member name>"``; members are
    named ``array_0``, ``array_1``... An array met twice is stored once.

    Parameters
    ----------
    zip_file
        The archive, open for writing.
    """

    def __init__(self, zip_file: zipfile.ZipFile):
        self.zip_file = zip_file
        self.count = 0
        self.seen: dict[int, str] = {}
        # Keeps the arrays alive so that their ids stay unique while dumping.
        self._arrays: list[np.ndarray] = []

    def _resolve_name(self, obj: np.ndarray) -> str:
        name = f"array_{self.count}"
        self.count += 1
        return name

    def __call__(self, obj: Any) -> str | None:
        if not isinstance(obj, np.ndarray) or obj.dtype.hasobject:
            return None  # pickled as usual (object arrays cannot be .npy data)
        key = id(obj)
        if key not in self.seen:
            name = self._resolve_name(obj)
            zipadd(lambda f: np.lib.format.write_array(f, obj), self.zip_file, name)
            self.seen[key] = f"ndarray.{name}"
            self._arrays.append(obj)
        return self.seen[key]


class PersistentSharedVariableID(PersistentNdarrayID):
    """Like :class:`PersistentNdarrayID`, naming an array after its shared variable.

    Parameters
    ----------
    zip_file
        The archive, open for writing.
    allow_unnamed
        Accept shared variables without a name (their arrays get
        ``array_<n>``).
    allow_duplicates
        Accept several shared variables with one name (stored as ``x``,
        ``x_2``, ``x_3``...).

    Raises
    ------
    ValueError
        For an unnamed shared variable when ``allow_unnamed`` is false, for a
        repeated name when ``allow_duplicates`` is false, and for a shared
        variable named ``pkl`` (the member holding the pickle).
    """

    def __init__(
        self,
        zip_file: zipfile.ZipFile,
        allow_unnamed: bool = True,
        allow_duplicates: bool = True,
    ):
        super().__init__(zip_file)
        self.name_counter: defaultdict[str, int] = defaultdict(int)
        self.ndarray_names: dict[int, str] = {}
        self.allow_unnamed = allow_unnamed
        self.allow_duplicates = allow_duplicates

    def _resolve_name(self, obj: np.ndarray) -> str:
        name = self.ndarray_names.get(id(obj))
        if name is None:
            return super()._resolve_name(obj)
        count = self.name_counter[name]
        self.name_counter[name] += 1
        if count:
            if not self.allow_duplicates:
                raise ValueError(f"Several shared variables are named {name!r}")
            name = f"{name}_{count + 1}"
        return name

    def __call__(self, obj: Any) -> str | None:
        if isinstance(obj, SharedVariable):
            if obj.name:
                if obj.name == "pkl":
                    raise ValueError(
                        "A shared variable named 'pkl' cannot be dumped: the archive "
                        "member 'pkl' holds the pickle itself"
                    )
                self.ndarray_names[id(obj.container.storage[0])] = obj.name
            elif not self.allow_unnamed:
                raise ValueError(f"Unnamed shared variable {obj} (allow_unnamed=False)")
        return super().__call__(obj)


class PersistentNdarrayLoad:
    """``persistent_load`` reading the arrays that :class:`PersistentNdarrayID` stored.

    Parameters
    ----------
    zip_file
        The archive, open for reading.
    """

    def __init__(self, zip_file: zipfile.ZipFile):
        self.zip_file = zip_file
        self.cache: dict[str, np.ndarray] = {}

    def __call__(self, persid: str) -> np.ndarray:
        kind, _, name = persid.partition(".")
        if kind != "ndarray" or not name:
            raise pickle.UnpicklingError(f"Unknown persistent id {persid!r}")
        if name not in self.cache:
            with self.zip_file.open(name) as f:
                self.cache[name] = np.lib.format.read_array(f)
        return self.cache[name]


def dump(
    obj: Any,
    file_handler: IO[bytes],
    protocol: int = DEFAULT_PROTOCOL,
    persistent_id: Callable[[zipfile.ZipFile], Callable] = PersistentSharedVariableID,
) -> None:
    """Pickle ``obj`` into a zip archive, arrays stored as ``.npy`` members.

    Parameters
    ----------
    obj
        What to pickle (a compiled function, shared variables, a graph...).
    file_handler
        A binary file open for writing (or a path).
    protocol
        The pickle protocol.
    persistent_id
        Called with the archive; returns the ``persistent_id`` function of
        the pickler (which objects to store apart, and how).

    Examples
    --------
    >>> import aesara, numpy as np
    >>> w = aesara.shared(np.zeros(3), name="w")
    >>> with open("model.zip", "wb") as f:  # doctest: +SKIP
    ...     dump(w, f)
    >>> sorted(np.load("model.zip").keys())  # doctest: +SKIP
    ['pkl', 'w']
    """
    with closing(
        zipfile.ZipFile(file_handler, "w", zipfile.ZIP_DEFLATED, allowZip64=True)
    ) as zip_file:

        def write_pickle(f: IO[bytes]) -> None:
            pickler = pickle.Pickler(f, protocol=protocol)
            pickler.persistent_id = persistent_id(zip_file)
            pickler.dump(obj)

        zipadd(write_pickle, zip_file, "pkl")


def load(
    f: IO[bytes],
    persistent_load: Callable[[zipfile.ZipFile], Callable] = PersistentNdarrayLoad,
) -> Any:
    """Load what :func:`dump` stored.

    Parameters
    ----------
    f
        A binary file open for reading (or a path).
    persistent_load
        Called with the archive; returns the unpickler's ``persistent_load``
        (it must match the ``persistent_id`` used to dump).
    """
    with closing(zipfile.ZipFile(f, "r")) as zip_file:
        unpickler = pickle.Unpickler(BytesIO(zip_file.read("pkl")))
        unpickler.persistent_load = persistent_load(zip_file)
        return unpickler.load()


__all__ += [
    "BytesIO",
    "DEFAULT_PROTOCOL",
    "HIGHEST_PROTOCOL",
    "Pickler",
    "min_recursion",
]
