"""Common loops written with :func:`~aesara.scan.basic.scan`: map, reduce, folds."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from aesara.scan.basic import scan

__all__ = ["foldl", "foldr", "map", "reduce"]


def map(
    fn: Callable,
    sequences: Any,
    non_sequences: Any = None,
    truncate_gradient: int = -1,
    go_backwards: bool = False,
    mode: Any = None,
    name: str | None = None,
):
    """``fn`` applied to each step of ``sequences``: ``[fn(x[0]), fn(x[1]), ...]``.

    Returns ``(outputs, updates)`` like :func:`~aesara.scan.basic.scan`.
    """
    return scan(
        fn=fn,
        sequences=sequences,
        outputs_info=[],
        non_sequences=non_sequences,
        truncate_gradient=truncate_gradient,
        go_backwards=go_backwards,
        mode=mode,
        name=name,
    )


def reduce(
    fn: Callable,
    sequences: Any,
    outputs_info: Any,
    non_sequences: Any = None,
    go_backwards: bool = False,
    mode: Any = None,
    name: str | None = None,
):
    """Fold ``fn(x_t, acc) -> acc`` over ``sequences``; only the final value is kept.

    Returns ``(result, updates)``: the last value of each recurrent output
    (the loop keeps only what that needs in memory).
    """
    outs, updates = scan(
        fn=fn,
        sequences=sequences,
        outputs_info=outputs_info,
        non_sequences=non_sequences,
        go_backwards=go_backwards,
        truncate_gradient=-1,
        mode=mode,
        name=name,
    )
    if isinstance(outs, (list, tuple)):
        return [o[-1] for o in outs], updates
    return outs[-1], updates


def foldl(
    fn: Callable,
    sequences: Any,
    outputs_info: Any,
    non_sequences: Any = None,
    mode: Any = None,
    name: str | None = None,
):
    """:func:`reduce` from the first step to the last."""
    return reduce(
        fn=fn,
        sequences=sequences,
        outputs_info=outputs_info,
        non_sequences=non_sequences,
        go_backwards=False,
        mode=mode,
        name=name,
    )


def foldr(
    fn: Callable,
    sequences: Any,
    outputs_info: Any,
    non_sequences: Any = None,
    mode: Any = None,
    name: str | None = None,
):
    """:func:`reduce` from the last step to the first."""
    return reduce(
        fn=fn,
        sequences=sequences,
        outputs_info=outputs_info,
        non_sequences=non_sequences,
        go_backwards=True,
        mode=mode,
        name=name,
    )
