"""Shared variables: symbolic variables with a value that persists between
function calls and is shared by every function using them."""

from __future__ import annotations

import contextlib
import copy
import itertools
import threading
from collections.abc import Callable, Iterator
from typing import Any

from aesara.graph.basic import Variable
from aesara.graph.type import Type
from aesara.link.basic import Container
from aesara.link.c.type import Generic, generic

__all__ = ["SharedVariable", "collect_new_shareds", "shared", "shared_constructor"]

# Creation numbers let ``scan`` tell the shared variables its step created
# (random generators whose default updates become loop states).
_creation_numbers = itertools.count()


def next_creation_number() -> int:
    """The creation number the next shared variable will get (a mark)."""
    global _creation_numbers
    n = next(_creation_numbers)
    # ``count`` cannot be peeked: restart it at the taken value.
    _creation_numbers = itertools.count(n)
    return n


class _Collectors(threading.local):
    """Per thread: the lists of the open :func:`collect_new_shareds` blocks."""

    def __init__(self) -> None:
        self.stack: list[list[Variable]] = []


_collectors = _Collectors()


@contextlib.contextmanager
def collect_new_shareds() -> Iterator[list[Variable]]:
    """Collect the shared variables created (in this thread) inside the block.

    Yields
    ------
    list
        Filled, in creation order, with every :class:`SharedVariable` made
        while the block runs (clones included). Blocks may nest: a variable is
        added to the innermost block's list only, as in Aesara.

    Examples
    --------
    >>> with collect_new_shareds() as new:
    ...     s = shared(1.0)
    >>> new == [s]
    True
    """
    collected: list[Variable] = []
    _collectors.stack.append(collected)
    try:
        yield collected
    finally:
        _collectors.stack.pop()


class SharedVariable(Variable):
    """A variable whose value is stored in a :class:`Container` and shared.

    Every compiled function using the variable reads the same container, so
    :meth:`set_value` is seen by later calls and updates made by one function
    are seen by the others.

    Parameters
    ----------
    type
        The variable's type; values are filtered through it.
    value
        The initial value (ignored when ``container`` is given).
    strict
        Refuse values that need a conversion to ``type``.
    allow_downcast
        Accept values that lose precision in the conversion.
    container
        An existing container to share (used by :meth:`clone`).
    name
        The variable's name.
    """

    def __init__(
        self,
        type: Type,
        value: Any,
        strict: bool | None,
        allow_downcast: bool | None = None,
        container: Container | None = None,
        name: str | None = None,
    ):
        super().__init__(type=type, owner=None, index=None, name=name)
        self._creation_number = next(_creation_numbers)
        if container is not None:
            self.container = container
            if value is not None or strict is not None:
                raise TypeError(
                    "value and strict are ignored when a container is given; pass None"
                )
        else:
            try:
                data = type.filter(
                    value, strict=bool(strict), allow_downcast=allow_downcast
                )
            except (TypeError, ValueError) as e:
                who = f'"{name}"' if name else "(unnamed)"
                _prefix_message(
                    e,
                    f"Cannot create shared variable {who} of type {type} from "
                    f"value of type {_describe(value)}: ",
                )
                raise
            self.container = Container(
                self,
                storage=[data],
                readonly=False,
                strict=bool(strict),
                allow_downcast=allow_downcast,
            )
        self._default_update: Variable | None = None
        if _collectors.stack:
            _collectors.stack[-1].append(self)

    # The default update is applied by every function using the variable,
    # unless the function is told otherwise (``no_default_updates``).
    @property
    def default_update(self) -> Variable | None:
        """Expression the variable is updated with after each function call."""
        return self._default_update

    @default_update.setter
    def default_update(self, value: Any) -> None:
        if value is not None:
            value = self.type.filter_variable(value, allow_convert=True)
        self._default_update = value

    def get_value(
        self, borrow: bool = False, return_internal_type: bool = False
    ) -> Any:
        """Return the variable's value.

        Parameters
        ----------
        borrow
            Return the stored object itself instead of a copy; modifying it
            then modifies the shared value.
        return_internal_type
            Return the value in the type's internal representation (the
            same as the public one for NumPy-backed types).
        """
        if borrow:
            return self.container.value
        return copy.deepcopy(self.container.value)

    def set_value(self, new_value: Any, borrow: bool = False) -> None:
        """Set the variable's value, checked against its type.

        Parameters
        ----------
        new_value
            The new value; it must be convertible to the variable's type
            (dtype, number of dimensions and static shape).
        borrow
            Store ``new_value`` itself (when no conversion is needed) rather
            than a copy, so later changes to it are seen by the variable.
        """
        if not borrow:
            new_value = copy.deepcopy(new_value)
        c = self.container
        try:
            c.storage[0] = self.type.filter(
                new_value, strict=c.strict, allow_downcast=c.allow_downcast
            )
        except (TypeError, ValueError) as e:
            who = f'"{self.name}"' if self.name else "(unnamed)"
            _prefix_message(
                e,
                f"Cannot set the value of shared variable {who} (type {self.type}) "
                f"to a value of type {_describe(new_value)}: ",
            )
            raise

    def get_test_value(self) -> Any:
        return self.get_value(borrow=True, return_internal_type=True)

    def zero(self, borrow: bool = False) -> None:
        """Set the value to zeros of the same shape and dtype."""
        value = self.get_value(borrow=True)
        self.container.value = value * 0 if borrow else copy.deepcopy(value) * 0

    def clone(self, **kwargs) -> SharedVariable:
        """Return a new variable sharing this one's container (and value)."""
        name = kwargs.get("name", self.name)
        cp = self.__class__(
            name=name,
            type=self.type,
            value=None,
            strict=None,
            container=self.container,
        )
        cp.tag = copy.copy(self.tag)
        return cp


def _prefix_message(e: BaseException, prefix: str) -> None:
    """Put ``prefix`` in front of ``e``'s message, keeping its type."""
    if e.args and isinstance(e.args[0], str):
        e.args = (prefix + e.args[0], *e.args[1:])
    else:
        e.args = (prefix + repr(e.args),)


def _describe(value: Any) -> str:
    text = type(value).__name__
    dtype = getattr(value, "dtype", None)
    shape = getattr(value, "shape", None)
    if dtype is not None:
        text += f" (dtype={dtype}"
        if shape is not None:
            text += f", shape={tuple(shape)}"
        text += ")"
    return text


# ---------------------------------------------------------------------------
# shared() and its constructor registry
# ---------------------------------------------------------------------------

_tensor_constructors_loaded = False


def _load_default_constructors() -> None:
    """Register the tensor constructors the first time ``shared`` is used."""
    global _tensor_constructors_loaded
    if _tensor_constructors_loaded:
        return
    _tensor_constructors_loaded = True
    try:
        import aesara.tensor.sharedvar  # noqa: F401  (registers constructors)
    except ImportError:  # pragma: no cover - tensor package not available yet
        _tensor_constructors_loaded = False


def shared_constructor(ctor: Callable, remove: bool = False) -> Callable:
    """Register (or with ``remove``, unregister) a constructor for :func:`shared`.

    Constructors are tried from the most recently registered; one that does
    not handle a value raises ``TypeError``.
    """
    if remove:
        shared.constructors.remove(ctor)
    elif ctor not in shared.constructors:
        shared.constructors.append(ctor)
    return ctor


def shared(
    value: Any,
    name: str | None = None,
    strict: bool = False,
    allow_downcast: bool | None = None,
    **kwargs,
) -> SharedVariable:
    """Return a :class:`SharedVariable` initialised with ``value``.

    The registered constructors are tried in turn (NumPy arrays and Python
    or NumPy scalars give tensor shared variables; anything else a generic
    one). The value is copied unless ``borrow=True`` is passed.

    Parameters
    ----------
    value
        The initial value.
    name
        The variable's name.
    strict
        Refuse later values that need a conversion.
    allow_downcast
        Accept later values that lose precision in the conversion.
    **kwargs
        Passed to the constructors (e.g. ``borrow``, ``shape``,
        ``broadcastable``).
    """
    if isinstance(value, Variable):
        raise TypeError(
            "Shared variable values can not be symbolic (got the variable "
            f"{value}); pass a concrete value such as a NumPy array"
        )
    _load_default_constructors()
    if type(value).__module__.startswith("scipy.sparse"):
        import aesara.sparse.sharedvar  # noqa: F401  (registers its constructor)
    errors = []
    for ctor in reversed(shared.constructors):
        try:
            var = ctor(
                value, name=name, strict=strict, allow_downcast=allow_downcast, **kwargs
            )
        except TypeError as e:
            errors.append(f"{getattr(ctor, '__name__', ctor)}: {e}")
            continue
        return var
    raise TypeError(
        "No suitable SharedVariable constructor could be found for a value of "
        f"type {_describe(value)} with keyword arguments {sorted(kwargs)}. "
        "Are you sure all kwargs are supported? Constructors tried: "
        + "; ".join(errors)
    )


shared.constructors = []


# Aesara's ``Generic`` type (any Python object) lives with the other C-aware
# types; this module keeps its older name for it.
GenericType = Generic


@shared_constructor
def generic_constructor(
    value: Any,
    name: str | None = None,
    strict: bool = False,
    allow_downcast: bool | None = None,
    borrow: bool = False,
) -> SharedVariable:
    """Fallback constructor: a shared variable holding any Python object."""
    if not borrow:
        value = copy.deepcopy(value)
    return SharedVariable(
        type=generic,
        value=value,
        name=name,
        strict=strict,
        allow_downcast=allow_downcast,
    )
