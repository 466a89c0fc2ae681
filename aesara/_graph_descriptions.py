"""Compact, position-independent descriptions of graphs and arrays.

These helpers serve error messages and caches: :func:`min_informative_str`
prints as little of a graph as identifies it, :func:`var_descriptor` gives a
one-line description free of memory addresses, and :func:`hex_digest` hashes
an array's contents together with its layout. Re-exported from
:mod:`aesara.printing`.
"""

from __future__ import annotations

import hashlib
from typing import Any

import numpy as np

from aesara.graph.basic import Constant, Variable

__all__ = [
    "hex_digest",
    "min_informative_str",
    "position_independent_str",
    "var_descriptor",
]


class _TagGenerator:
    """Hands out the short tags ``A``, ``B``, ... ``Z``, ``BA``... in order."""

    def __init__(self) -> None:
        self.count = 0

    def get_tag(self) -> str:
        # Imported here: aesara.printing imports this module at its end.
        from aesara.printing import char_from_number

        tag = char_from_number(self.count)
        self.count += 1
        return tag


def _lookup_or_tag(obj: Any, prev: dict, tags: _TagGenerator) -> tuple[str, bool]:
    """The tag of ``obj`` and whether it was seen before (keyed by identity)."""
    key = id(obj)
    if key in prev:
        return prev[key], True
    tag = tags.get_tag()
    prev[key] = tag
    return tag, False


def min_informative_str(
    obj: Any,
    indent_level: int = 0,
    _prev_obs: dict | None = None,
    _tag_generator: _TagGenerator | None = None,
) -> str:
    """Describe ``obj`` with as little of its graph as identifies it.

    Each object gets a capital-letter tag; the description stops at named
    variables, constants and arrays, and an object met a second time is
    written only as ``<TAG>``. Inputs of a computed variable follow its op on
    new lines, indented one space per level.

    Parameters
    ----------
    obj
        A variable (or any object) to describe.
    indent_level
        Spaces before the first line (nested inputs get one more each).
    _prev_obs, _tag_generator
        Internal: shared state of the recursion.

    Returns
    -------
    str
        E.g. ``"A. Elemwise{add}\\n B. x\\n C. y"``.
    """
    if not isinstance(indent_level, int) or indent_level < 0:
        raise ValueError(
            f"min_informative_str: indent_level must be a non-negative int, got {indent_level!r}"
        )
    prev = {} if _prev_obs is None else _prev_obs
    tags = _TagGenerator() if _tag_generator is None else _tag_generator
    indent = " " * indent_level
    tag, seen = _lookup_or_tag(obj, prev, tags)
    if seen:
        return f"{indent}<{tag}>"
    if hasattr(obj, "__array__") and not isinstance(obj, Variable):
        desc = "<ndarray>"
    elif getattr(obj, "name", None) is not None:
        desc = obj.name
    elif getattr(obj, "owner", None) is not None:
        lines = [str(obj.owner.op)]
        for inp in obj.owner.inputs:
            lines.append(
                min_informative_str(
                    inp,
                    indent_level=indent_level + 1,
                    _prev_obs=prev,
                    _tag_generator=tags,
                )
            )
        desc = "\n".join(lines)
    else:
        desc = str(obj)
    return f"{indent}{tag}. {desc}"


def var_descriptor(
    obj: Any,
    _prev_obs: dict | None = None,
    _tag_generator: _TagGenerator | None = None,
) -> str:
    """One line fully describing how ``obj`` is computed, with no memory addresses.

    Computed variables are written ``TAG=op(input, ...)`` all the way down to
    the graph's inputs (a name on an intermediate variable is ignored, so that
    naming it cannot make two different graphs look alike); repeated objects
    are ``<TAG>``; arrays are described by their strides and a SHA-256 digest.

    Parameters
    ----------
    obj
        A variable (or array) to describe.
    _prev_obs, _tag_generator
        Internal: shared state of the recursion.
    """
    prev = {} if _prev_obs is None else _prev_obs
    tags = _TagGenerator() if _tag_generator is None else _tag_generator
    tag, seen = _lookup_or_tag(obj, prev, tags)
    if seen:
        return f"<{tag}>"
    if isinstance(obj, np.ndarray):
        strides = ",".join(str(s) for s in obj.strides)
        digest = hashlib.sha256(np.ascontiguousarray(obj).tobytes()).hexdigest()
        desc = f"<ndarray:strides=[{strides}],digest={digest}>"
    elif isinstance(obj, Constant) and isinstance(obj.data, np.ndarray):
        # A constant's str may summarise its value; its digest does not.
        desc = f"Constant{{type={obj.type},data={hex_digest(obj.data)}}}"
    elif getattr(obj, "owner", None) is not None:
        args = ",".join(
            var_descriptor(i, _prev_obs=prev, _tag_generator=tags)
            for i in obj.owner.inputs
        )
        desc = f"{obj.owner.op}({args})"
    elif getattr(obj, "name", None) is not None:
        desc = obj.name
    else:
        desc = str(obj)
        if " at 0x" in desc:
            # The default str embeds the object's address.
            desc = position_independent_str(obj)
    return f"{tag}={desc}"


def position_independent_str(obj: Any) -> str:
    """A description of variable ``obj`` that does not depend on where it lives in memory.

    Parameters
    ----------
    obj
        A :class:`~aesara.graph.basic.Variable`.

    Returns
    -------
    str
        ``"aesara_var{type=<its type>}"``.

    Raises
    ------
    NotImplementedError
        For objects that are not variables.
    """
    if isinstance(obj, Variable):
        return f"aesara_var{{type={obj.type}}}"
    raise NotImplementedError(
        f"position_independent_str: only Variables are supported, got {type(obj).__name__}"
    )


def hex_digest(x: np.ndarray) -> str:
    """A SHA-256 hex digest of an array's contents, annotated with its layout.

    The strides, shape and dtype follow the digest, so two arrays over the
    same bytes but arranged (or typed) differently do not collide.

    Parameters
    ----------
    x
        The array.

    Returns
    -------
    str
        ``"<digest>|strides=[...]|shape=[...]|dtype=<dtype>"``.
    """
    if not isinstance(x, np.ndarray):
        raise TypeError(f"hex_digest: expected a numpy.ndarray, got {type(x).__name__}")
    digest = hashlib.sha256(np.ascontiguousarray(x).tobytes()).hexdigest()
    strides = ",".join(str(s) for s in x.strides)
    shape = ",".join(str(s) for s in x.shape)
    return f"{digest}|strides=[{strides}]|shape=[{shape}]|dtype={x.dtype}"
