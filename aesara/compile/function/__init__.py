"""``aesara.function``: compile symbolic graphs into callables."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from aesara.compile.function.pfunc import pfunc
from aesara.compile.function.types import (
    Function,
    FunctionMaker,
    UnusedInputError,
    orig_function,
)

__all__ = [
    "Function",
    "FunctionMaker",
    "UnusedInputError",
    "function",
    "orig_function",
    "pfunc",
]


def function(
    inputs: Sequence,
    outputs: Any = None,
    mode: Any = None,
    updates: Any = None,
    givens: Any = None,
    no_default_updates: bool | Sequence = False,
    accept_inplace: bool = False,
    name: str | None = None,
    rebuild_strict: bool = True,
    allow_input_downcast: bool | None = None,
    profile: Any = None,
    on_unused_input: str | None = None,
) -> Function:
    """Compile a graph into a callable :class:`Function`.

    Parameters
    ----------
    inputs
        The function's arguments: a list of variables or
        :class:`~aesara.compile.io.In` specs (defaults, names, updates).
    outputs
        A variable (the function returns its value), a list of them (returns
        a list), a dict ``{key: variable}`` (returns a dict), or ``None``.
        :class:`~aesara.compile.io.Out` wraps an output to set ``borrow``.
    mode
        Compilation mode or its name (default: the ``mode`` config flag).
    updates
        ``{shared_variable: expression}`` (or a list of pairs): after each
        call the shared variable takes the expression's value.
    givens
        ``{variable: replacement}`` (or pairs) substituted in the graph.
    no_default_updates
        ``True`` to skip every shared variable's ``default_update``, or a list
        of shared variables whose default update is skipped.
    accept_inplace
        Allow the user's graph to contain ops that overwrite their inputs.
    name
        Name used in messages and profiles.
    rebuild_strict
        Require ``givens`` replacements to keep the types they replace.
    allow_input_downcast
        Accept arguments that lose precision when converted to the input
        types (``None``: only Python floats to floatX).
    profile
        ``True``, a name, or a :class:`~aesara.compile.profiling.ProfileStats`
        to collect timings (``None``: ``config.profile``).
    on_unused_input
        What to do with inputs the outputs do not need: ``"raise"``,
        ``"warn"`` or ``"ignore"`` (default: the config flag).

    Returns
    -------
    Function
    """
    if not isinstance(inputs, (list, tuple)):
        raise TypeError(
            "Input variables of an Aesara function should be contained in a list, "
            f"even when there is a single input (got {type(inputs).__name__})"
        )
    output_keys = None
    if isinstance(outputs, dict):
        for k in outputs:
            if not isinstance(k, str):
                raise TypeError(
                    f"The keys of an outputs dict must be strings, got {k!r}"
                )
        output_keys = sorted(outputs)
        outputs = [outputs[k] for k in output_keys]
    elif isinstance(outputs, tuple):
        outputs = list(outputs)
    if profile is None:
        from aesara.configdefaults import config

        profile = bool(config.profile) or None
    if profile is True or isinstance(profile, str):
        from aesara.compile.profiling import ProfileStats

        # A string names the profile (as in Aesara).
        profile = ProfileStats(message=profile if isinstance(profile, str) else name)
    elif profile is False:
        profile = None
    return pfunc(
        params=inputs,
        outputs=outputs,
        mode=mode,
        updates=updates,
        givens=givens,
        no_default_updates=no_default_updates,
        accept_inplace=accept_inplace,
        name=name,
        rebuild_strict=rebuild_strict,
        allow_input_downcast=allow_input_downcast,
        profile=profile,
        on_unused_input=on_unused_input,
        output_keys=output_keys,
    )


def function_dump(
    filename: str,
    inputs: Sequence,
    outputs: Any = None,
    mode: Any = None,
    updates: Any = None,
    givens: Any = None,
    no_default_updates: bool | Sequence = False,
    accept_inplace: bool = False,
    name: str | None = None,
    rebuild_strict: bool = True,
    allow_input_downcast: bool | None = None,
    profile: Any = None,
    on_unused_input: str | None = None,
    extra_tag_to_remove: Any = None,
) -> None:
    """Pickle the arguments of a :func:`function` call to ``filename``.

    Loading the file gives a dict of keyword arguments; ``function(**d)``
    compiles the same function (useful to reproduce a compilation problem).
    ``extra_tag_to_remove`` is accepted for compatibility.
    """
    import pickle

    d = dict(
        inputs=inputs,
        outputs=outputs,
        mode=mode,
        updates=updates,
        givens=givens,
        no_default_updates=no_default_updates,
        accept_inplace=accept_inplace,
        name=name,
        rebuild_strict=rebuild_strict,
        allow_input_downcast=allow_input_downcast,
        profile=profile,
        on_unused_input=on_unused_input,
    )
    with open(filename, "wb") as f:
        pickle.dump(d, f, protocol=pickle.HIGHEST_PROTOCOL)
