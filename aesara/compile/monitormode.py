"""``MonitorMode``: call user functions before and after every node.

Each callback gets ``(fgraph, i, node, fn)``: the function graph, the
position of the node in the run order, the node, and its thunk, whose
``fn.inputs`` and ``fn.outputs`` are the node's storage cells (one-element
lists). The graph runs like ``FAST_RUN`` otherwise.

:func:`detect_nan` is a ready-made ``post_func`` printing the first node
that produced a NaN.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from aesara.compile.mode import Mode
from aesara.configdefaults import config
from aesara.link.c.linker import CVMLinker

__all__ = ["MonitorMode", "detect_nan"]


class _MonitorLinker(CVMLinker):
    """The C VM linker with every node's thunk wrapped in the owning mode's
    callbacks (so lazy nodes such as ``ifelse`` still run lazily)."""

    def __init__(self, *args, mode: MonitorMode | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.mode = mode

    def accept(self, fgraph, no_recycling=None, profile=None):
        if self.fgraph is not None and self.fgraph is not fgraph:
            return self.clone().accept(fgraph, no_recycling, profile)
        return super().accept(fgraph, no_recycling, profile)

    def clone(self, allow_gc=None):
        new = super().clone(allow_gc=allow_gc)
        new.mode = self.mode
        return new

    def make_all(self, *args, **kwargs):
        self._n_thunks = 0
        return super().make_all(*args, **kwargs)

    def make_node_thunk(self, node, storage_map, compute_map, impl):
        thunk = super().make_node_thunk(node, storage_map, compute_map, impl)
        index = self._n_thunks
        self._n_thunks += 1
        run = _monitored(self.mode, self.fgraph, index, node, thunk)
        run.inputs = [storage_map[v] for v in node.inputs]
        run.outputs = [storage_map[v] for v in node.outputs]
        return run

    def __repr__(self):
        return "MonitorMode linker"


def _monitored(mode: MonitorMode, fgraph, index: int, node, thunk):
    """``thunk`` between ``mode.eval``'s callbacks.

    A lazy thunk returning the inputs it still needs is run again once they
    are computed; the callbacks surround the whole evaluation of the node.
    """
    started = [False]

    def run():
        if not started[0]:
            started[0] = True
            if mode.pre_func is not None:
                mode.pre_func(fgraph, index, node, run)
        needed = thunk()
        if needed:
            return needed
        started[0] = False
        if mode.post_func is not None:
            mode.post_func(fgraph, index, node, run)
        return needed

    run.lazy = bool(getattr(thunk, "lazy", False))
    return run


class MonitorMode(Mode):
    """A mode that calls ``pre_func`` before and ``post_func`` after each node.

    Parameters
    ----------
    pre_func, post_func
        ``f(fgraph, i, node, fn)``, or ``None``; see the module docstring.
    optimizer
        The rewrites to run (``"default"``: ``config.optimizer``), e.g.
        ``"fast_compile"`` to watch a graph close to the one written.
    linker
        Not used: the mode runs with its own linker (the argument exists so
        that ``Mode`` methods such as ``including`` work).
    db
        The rewrite database queried (default ``optdb``).
    """

    def __init__(
        self,
        pre_func: Callable | None = None,
        post_func: Callable | None = None,
        optimizer="default",
        linker=None,
        db=None,
    ):
        if linker is not None and not isinstance(linker, _MonitorLinker):
            raise ValueError(
                f"MonitorMode runs graphs with its own linker; got linker={linker!r}. "
                "Leave the linker out."
            )
        if isinstance(optimizer, str) and optimizer == "default":
            optimizer = config.optimizer
        self.pre_func = pre_func
        self.post_func = post_func
        self._db = db
        Mode.__setstate__(self, (_MonitorLinker(mode=self), optimizer))

    def add_pre_func(self, func: Callable) -> None:
        """Also call ``func`` before each node (after the existing ``pre_func``)."""
        self.pre_func = _chain(self.pre_func, func)

    def add_post_func(self, func: Callable) -> None:
        """Also call ``func`` after each node (after the existing ``post_func``)."""
        self.post_func = _chain(self.post_func, func)

    def eval(self, fgraph, i, node, fn) -> None:
        """Run the thunk ``fn`` of ``node`` between the two callbacks."""
        if self.pre_func is not None:
            self.pre_func(fgraph, i, node, fn)
        fn()
        if self.post_func is not None:
            self.post_func(fgraph, i, node, fn)

    def __getstate__(self):
        return (self.provided_optimizer, self.pre_func, self.post_func, self._db)

    def __setstate__(self, state):
        if len(state) == 2:
            # Mode's layout (linker, optimizer), from Mode.clone.
            _, optimizer = state
            db = getattr(self, "_db", None)
        else:
            optimizer, self.pre_func, self.post_func, db = state
        self._db = db
        Mode.__setstate__(self, (_MonitorLinker(mode=self), optimizer))

    def clone(self, link_kwargs=None, optimizer="", **kwargs):
        """A copy of this mode with the same callbacks (the linker arguments
        are ignored: the mode keeps its own linker)."""
        if isinstance(optimizer, str) and optimizer == "":
            optimizer = self.provided_optimizer
        return type(self)(
            pre_func=self.pre_func,
            post_func=self.post_func,
            optimizer=optimizer,
            db=self._db,
        )

    def __eq__(self, other):
        return self is other

    def __hash__(self):
        return id(self)

    def __str__(self):
        return (
            f"MonitorMode(pre_func={self.pre_func}, post_func={self.post_func}, "
            f"optimizer={self.provided_optimizer})"
        )

    __repr__ = __str__


class _Chained:
    """Two callbacks called in turn (picklable when both are)."""

    def __init__(self, first: Callable, second: Callable):
        self.first = first
        self.second = second

    def __call__(self, *args):
        self.first(*args)
        self.second(*args)


def _chain(existing: Callable | None, func: Callable) -> Callable:
    if not callable(func):
        raise TypeError(f"expected a callable, got {type(func).__name__}")
    return func if existing is None else _Chained(existing, func)


def detect_nan(fgraph, i, node, fn) -> None:
    """A ``post_func`` printing the node, its inputs and outputs when one of
    the outputs holds a NaN."""
    from aesara.printing import debugprint

    for cell in fn.outputs:
        value = cell[0]
        if isinstance(value, (np.random.RandomState, np.random.Generator)):
            continue
        try:
            arr = np.asarray(value)
            has_nan = arr.dtype.kind in "fc" and bool(np.isnan(arr).any())
        except Exception:  # noqa: BLE001 - values that are not arrays
            has_nan = False
        if has_nan:
            print("*** NaN detected ***")
            debugprint(node)
            print(f"Inputs : {[c[0] for c in fn.inputs]}")
            print(f"Outputs: {[c[0] for c in fn.outputs]}")
            break
