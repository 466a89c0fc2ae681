"""``NanGuardMode``: stop at the first NaN, infinity or huge value.

A function compiled with ``mode=NanGuardMode(...)`` (or ``mode="NanGuardMode"``)
runs like ``FAST_RUN`` but looks at every graph input before the run and at
every node's outputs as soon as the node has run. The first bad value raises
an ``AssertionError`` naming the node (or the graph input), which output it
is, what was found, and the user's line that created the variable.
``config.NanGuardMode__action`` can make it log an error or open ``pdb``
instead.

A variable whose ``tag.nan_guard_mode_check`` is ``False`` is not checked.
"""

from __future__ import annotations

import logging
from collections.abc import ValuesView
from typing import Any

import numpy as np

from aesara.compile.mode import Mode
from aesara.configdefaults import config
from aesara.link.c.linker import CVMLinker

__all__ = ["NanGuardMode", "contains_inf", "contains_nan", "flatten"]

logger = logging.getLogger("aesara.compile.nanguardmode")

BIG_VALUE = 1e10
"""Values of larger magnitude count as "big"."""


def _is_numeric_value(arr: Any, var: Any = None) -> bool:
    """Whether ``arr`` is a non-empty numeric value worth checking.

    Random generators, slices, ``None``, empty arrays and values of random
    types are not.
    """
    if arr is None or isinstance(
        arr, (slice, np.random.RandomState, np.random.Generator)
    ):
        return False
    if var is not None:
        from aesara.tensor.random.type import RandomType

        if isinstance(var.type, RandomType):
            return False
    if isinstance(arr, (np.ndarray, np.generic)):
        return arr.size > 0 and arr.dtype.kind in "biufc"
    if isinstance(arr, (bool, int, float, complex)):
        return True
    return False


def _holds_arbitrary_values(var: Any) -> bool:
    """Whether ``var`` is the output of an op that leaves memory uninitialised
    (``AllocEmpty``): its contents are not a computed value."""
    owner = getattr(var, "owner", None)
    if owner is None:
        return False
    try:
        from aesara.tensor.basic import AllocEmpty
    except ImportError:  # pragma: no cover - tensor package missing
        return False
    return isinstance(owner.op, AllocEmpty)


def flatten(items: Any) -> list:
    """The leaves of nested lists/tuples (a non-list is a one-item list)."""
    if not isinstance(items, (list, tuple, ValuesView)):
        return [items]
    out = []
    for item in items:
        if isinstance(item, (list, tuple)):
            out.extend(flatten(item))
        else:
            out.append(item)
    return out


def contains_nan(arr: Any, node: Any = None, var: Any = None) -> bool:
    """Whether ``arr`` (a value of ``var``, computed by ``node``) holds a NaN."""
    if not _is_numeric_value(arr, var):
        return False
    arr = np.asarray(arr)
    if arr.dtype.kind not in "fc":
        return False
    # ``min`` propagates NaN and needs no boolean temporary.
    return bool(np.isnan(np.min(arr)))


def contains_inf(arr: Any, node: Any = None, var: Any = None) -> bool:
    """Whether ``arr`` (a value of ``var``, computed by ``node``) holds +-Inf."""
    if not _is_numeric_value(arr, var):
        return False
    arr = np.asarray(arr)
    if arr.dtype.kind not in "fc":
        return False
    return bool(np.isinf(arr).any())


def _contains_big(arr: Any, var: Any = None) -> bool:
    if not _is_numeric_value(arr, var):
        return False
    arr = np.asarray(arr)
    if arr.dtype.kind == "b":
        return False
    if arr.dtype.kind in "iu":
        # Compared without ``abs`` (which overflows at the most negative int).
        return bool(arr.max() > BIG_VALUE or arr.min() < -BIG_VALUE)
    with np.errstate(invalid="ignore"):
        # Infinities are reported as such, not as big values.
        finite = np.abs(arr[np.isfinite(arr)])
    return bool(finite.size and finite.max() > BIG_VALUE)


class _Guard:
    """The checks of one NanGuardMode (picklable, unlike closures)."""

    def __init__(self, nan_is_error: bool, inf_is_error: bool, big_is_error: bool):
        self.nan_is_error = nan_is_error
        self.inf_is_error = inf_is_error
        self.big_is_error = big_is_error

    def problems(self, value: Any, var: Any) -> list[str]:
        found = []
        if self.nan_is_error and contains_nan(value, None, var):
            found.append("NaN")
        if self.inf_is_error and contains_inf(value, None, var):
            found.append("Inf")
        if self.big_is_error and _contains_big(value, var):
            found.append(f"big value (magnitude > {BIG_VALUE:g})")
        return found

    def report(self, found: list[str], value: Any, var: Any, node: Any, where: str):
        from aesara.graph.utils import get_variable_trace_string
        from aesara.printing import debugprint

        arr = np.asarray(value)
        lines = [f"NanGuardMode found {' and '.join(found)} in {where}"]
        lines.append(f"  variable: {var} (type {var.type})")
        if arr.dtype.kind in "fc" and arr.size:
            with np.errstate(invalid="ignore"):
                lines.append(
                    f"  value: shape {arr.shape}, dtype {arr.dtype}, "
                    f"{int(np.isnan(arr).sum())} NaN, {int(np.isinf(arr).sum())} Inf, "
                    f"nanmin {np.nanmin(arr) if not np.isnan(arr).all() else 'nan'}, "
                    f"nanmax {np.nanmax(arr) if not np.isnan(arr).all() else 'nan'}"
                )
        else:
            lines.append(f"  value: shape {arr.shape}, dtype {arr.dtype}")
        if node is not None:
            lines.append("  node:")
            lines.append(debugprint(node, file="str", print_type=True).rstrip())
        trace = get_variable_trace_string(var)
        if trace:
            lines.append(trace.rstrip())
        msg = "\n".join(lines)
        action = config.NanGuardMode__action
        if action == "raise":
            raise AssertionError(msg)
        if action == "pdb":
            print(msg)
            import pdb

            pdb.set_trace()
        else:
            logger.error(msg)

    def check_node(self, node, thunk, storage_map, compute_map):
        """VM callback: the outputs of ``node``, just computed."""
        for k, var in enumerate(node.outputs):
            if (
                not compute_map[var][0]
                or not getattr(var.tag, "nan_guard_mode_check", True)
                or _holds_arbitrary_values(var)
            ):
                continue
            value = storage_map[var][0]
            found = self.problems(value, var)
            if found:
                self.report(found, value, var, node, f"output {k} of node {node}")

    def check_input(self, var, value):
        """The value of graph input ``var`` before the run."""
        if not getattr(var.tag, "nan_guard_mode_check", True):
            return
        found = self.problems(value, var)
        if found:
            self.report(found, value, var, None, f"the graph input {var}")


class _InputCheckingVM:
    """Checks the graph inputs' values, then runs the wrapped VM."""

    def __init__(self, vm, checks, check_input):
        self.__dict__["_vm"] = vm
        self.__dict__["_checks"] = checks
        self.__dict__["_check_input"] = check_input

    def __call__(self, *args, **kwargs):
        for var, cell in self._checks:
            self._check_input(var, cell[0])
        return self._vm(*args, **kwargs)

    def __getattr__(self, name):
        if name == "make_fast_call":
            # The C call path would bypass the checks.
            raise AttributeError(name)
        return getattr(self._vm, name)

    def __setattr__(self, name, value):
        setattr(self._vm, name, value)


class _NanGuardLinker(CVMLinker):
    """The C VM linker, checking each node's outputs (the ``callback``) and
    the graph inputs (``callback_input``)."""

    def make_vm(
        self,
        nodes,
        thunks,
        input_storage,
        output_storage,
        storage_map,
        post_thunk_clear,
        computed,
        compute_map,
        updated_vars=None,
    ):
        vm = super().make_vm(
            nodes,
            thunks,
            input_storage,
            output_storage,
            storage_map,
            post_thunk_clear,
            computed,
            compute_map,
            updated_vars,
        )
        if self.callback_input is None:
            return vm
        checks = [
            (var, cell)
            for var, cell in zip(self.fgraph.inputs, input_storage)
            if not isinstance(var.type, _random_types())
        ]
        return _InputCheckingVM(vm, checks, self.callback_input)

    def __repr__(self):
        return "NanGuardMode linker"


def _random_types() -> tuple:
    from aesara.tensor.random.type import RandomType

    return (RandomType,)


class NanGuardMode(Mode):
    """A mode that raises at the first NaN, Inf or huge value.

    Parameters
    ----------
    nan_is_error, inf_is_error, big_is_error
        Which values are errors (``None``: ``config.NanGuardMode__nan_is_error``
        etc.); "big" means a magnitude above ``1e10``. At least one must be
        true.
    optimizer
        The rewrites to run, as for :class:`~aesara.compile.mode.Mode`
        (``"default"``: ``config.optimizer``).
    linker
        Not used: the mode runs with its own linker (the argument exists so
        that ``Mode`` methods such as ``including`` work).
    db
        The rewrite database queried (default ``optdb``).
    """

    def __init__(
        self,
        nan_is_error=None,
        inf_is_error=None,
        big_is_error=None,
        optimizer="default",
        linker=None,
        db=None,
    ):
        if nan_is_error is None:
            nan_is_error = config.NanGuardMode__nan_is_error
        if inf_is_error is None:
            inf_is_error = config.NanGuardMode__inf_is_error
        if big_is_error is None:
            big_is_error = config.NanGuardMode__big_is_error
        if not (nan_is_error or inf_is_error or big_is_error):
            raise ValueError(
                "NanGuardMode needs at least one of nan_is_error, inf_is_error and "
                "big_is_error to be true"
            )
        if linker is not None and not isinstance(linker, _NanGuardLinker):
            raise ValueError(
                f"NanGuardMode runs graphs with its own linker; got linker={linker!r}. "
                "Leave the linker out."
            )
        self.nan_is_error = bool(nan_is_error)
        self.inf_is_error = bool(inf_is_error)
        self.big_is_error = bool(big_is_error)
        if isinstance(optimizer, str) and optimizer == "default":
            optimizer = config.optimizer
        self._db = db
        Mode.__setstate__(self, (self._make_linker(), optimizer))

    def _make_linker(self) -> _NanGuardLinker:
        guard = _Guard(self.nan_is_error, self.inf_is_error, self.big_is_error)
        return _NanGuardLinker(
            callback=guard.check_node, callback_input=guard.check_input
        )

    def __getstate__(self):
        return (
            self.provided_optimizer,
            self.nan_is_error,
            self.inf_is_error,
            self.big_is_error,
            self._db,
        )

    def __setstate__(self, state):
        if len(state) == 2:
            # Mode's layout (linker, optimizer), from Mode.clone.
            _, optimizer = state
            db = getattr(self, "_db", None)
        else:
            optimizer, self.nan_is_error, self.inf_is_error, self.big_is_error, db = (
                state
            )
        self._db = db
        Mode.__setstate__(self, (self._make_linker(), optimizer))

    def clone(self, link_kwargs=None, optimizer="", **kwargs):
        """A copy of this mode (with another optimizer when one is given)."""
        if isinstance(optimizer, str) and optimizer == "":
            optimizer = self.provided_optimizer
        return type(self)(
            self.nan_is_error,
            self.inf_is_error,
            self.big_is_error,
            optimizer=optimizer,
            db=self._db,
        )

    def __eq__(self, other):
        return self is other or (
            type(self) is type(other)
            and self.provided_optimizer == other.provided_optimizer
            and (self.nan_is_error, self.inf_is_error, self.big_is_error)
            == (other.nan_is_error, other.inf_is_error, other.big_is_error)
        )

    def __hash__(self):
        return hash((type(self), str(self.provided_optimizer)))

    def __str__(self):
        return (
            f"NanGuardMode(nan_is_error={self.nan_is_error}, "
            f"inf_is_error={self.inf_is_error}, big_is_error={self.big_is_error}, "
            f"optimizer={self.provided_optimizer})"
        )

    __repr__ = __str__
