"""Helpers for backends that generate Python source.

* :func:`compile_function_src` turns generated Python source into a function
  whose source stays inspectable (tracebacks show the generated lines).
* :func:`unique_name_generator` (with :func:`get_name_for_object`) names graph
  objects with valid, unique Python identifiers, as code generators need.

Aesara keeps these names in :mod:`aesara.link.utils`, which re-exports them.
"""

from __future__ import annotations

import builtins
import linecache
import re
from collections import Counter
from collections.abc import Callable, Iterable
from keyword import iskeyword
from typing import Any

from aesara.graph.basic import Variable

__all__ = [
    "compile_function_src",
    "get_name_for_object",
    "unique_name_generator",
]

_source_counter = 0


def compile_function_src(
    src: str,
    function_name: str,
    global_env: dict | None = None,
    local_env: dict | None = None,
) -> Callable:
    """Execute Python source ``src`` and return the function it defines.

    The source is registered with :mod:`linecache` under a unique pseudo file
    name, so tracebacks and :func:`inspect.getsource` show the generated
    lines; it is also kept on the result as ``__source__``.

    Parameters
    ----------
    src
        Source code defining ``function_name``.
    function_name
        Name of the function to return.
    global_env
        Globals the code runs with (default: a new empty dict).
    local_env
        Locals the definition is stored in (default: a new empty dict).

    Returns
    -------
    Callable
        The function named ``function_name``.
    """
    global _source_counter
    if not isinstance(src, str):
        raise TypeError(
            f"compile_function_src: src must be a str, got {type(src).__name__}"
        )
    if global_env is None:
        global_env = {}
    if local_env is None:
        local_env = {}
    _source_counter += 1
    filename = f"<aesara-generated-{_source_counter}:{function_name}>"
    code = compile(src, filename, mode="exec")
    # Keep the text where traceback/inspect look for it.
    linecache.cache[filename] = (len(src), None, src.splitlines(True), filename)
    exec(code, global_env, local_env)
    env = local_env if function_name in local_env else global_env
    if function_name not in env:
        raise ValueError(
            f"compile_function_src: the source does not define {function_name!r}"
        )
    fn = env[function_name]
    fn.__source__ = src
    return fn


def get_name_for_object(x: Any) -> str:
    """A valid Python identifier describing ``x`` (not necessarily unique).

    Variables use their name (non-identifier characters replaced by ``_``)
    or their ``auto_name``; other objects their ``__name__`` or type name.
    """
    if isinstance(x, Variable):
        name = re.sub(r"\W+", "_", x.name) if x.name else ""
        if not name.isidentifier() or iskeyword(name) or hasattr(builtins, name):
            name = getattr(x, "auto_name", "") or ""
            name = re.sub(r"\W+", "_", name)
    else:
        name = getattr(x, "__name__", None) or ""
    if not isinstance(name, str) or not name.isidentifier() or iskeyword(name):
        name = type(x).__name__
    return name


def unique_name_generator(
    external_names: Iterable[str] | None = None, suffix_sep: str = ""
) -> Callable[..., str]:
    """Make a function that gives each object a unique identifier.

    The returned ``unique_name(x, force_unique=False)`` names ``x`` after
    :func:`get_name_for_object`, appending a counter (after ``suffix_sep``)
    when that name is taken; the same object keeps its name on later calls
    unless ``force_unique`` asks for a fresh one.

    Parameters
    ----------
    external_names
        Names already in use (never handed out).
    suffix_sep
        Separator between a name and its counter.
    """
    counts: Counter = Counter(external_names or ())
    names: dict = {}

    def unique_name(x: Any, force_unique: bool = False) -> str:
        try:
            if not force_unique and x in names:
                return names[x]
        except TypeError:  # unhashable objects are named afresh every time
            pass
        base = get_name_for_object(x)
        name = base
        if counts[base]:
            # Taken: the next free numbered variant.
            k = counts[base]
            name = f"{base}{suffix_sep}{k}"
            while counts[name]:
                k += 1
                name = f"{base}{suffix_sep}{k}"
            counts[base] = k
        counts[name] += 1
        try:
            names[x] = name
        except TypeError:
            pass
        return name

    unique_name.names_counter = counts
    unique_name.obj_to_names = names
    return unique_name
