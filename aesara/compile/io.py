"""Specifications of the inputs and outputs of compiled functions."""

from __future__ import annotations

from typing import Any

from aesara.graph.basic import Variable
from aesara.link.basic import Container

__all__ = ["In", "Out", "SymbolicInput", "SymbolicOutput"]


class SymbolicInput:
    """How a compiled function receives one input.

    Parameters
    ----------
    variable
        The graph variable the argument is bound to.
    name
        Keyword under which the argument can be passed; defaults to the
        variable's name when ``autoname`` is true.
    update
        A variable whose value replaces this input's stored value after each
        call (the input keeps state between calls).
    mutable
        Whether the function may overwrite the value passed in (in-place
        operations).
    strict
        Refuse values that need a conversion to the variable's type.
    allow_downcast
        Accept values that lose precision when converted (``None``: only
        Python floats to floatX).
    autoname
        Use the variable's name when ``name`` is not given.
    implicit
        The argument is never given by the caller (shared variables).
    """

    def __init__(
        self,
        variable: Variable,
        name: str | None = None,
        update: Variable | None = None,
        mutable: bool | None = None,
        strict: bool = False,
        allow_downcast: bool | None = None,
        autoname: bool = True,
        implicit: bool = False,
    ):
        if not isinstance(variable, Variable):
            raise TypeError(
                f"The variable of an input must be an Aesara Variable, got "
                f"{type(variable).__name__}: {variable!r}"
            )
        if implicit is None:
            implicit = False
        if not isinstance(implicit, bool):
            raise TypeError(f"implicit must be a bool, got {implicit!r}")
        self.variable = variable
        if autoname and name is None:
            self.name = variable.name
        else:
            self.name = name
        if self.name is not None and not isinstance(self.name, str):
            raise TypeError(f"name must be a string, got {type(self.name).__name__}")
        self.update = update
        if update is not None and not isinstance(update, Variable):
            raise TypeError(f"update must be a Variable, got {type(update).__name__}")
        if mutable is not None:
            self.mutable = mutable
        else:
            self.mutable = update is not None
        self.strict = strict
        self.allow_downcast = allow_downcast
        self.implicit = implicit

    def __str__(self):
        if self.update is not None:
            return f"In({self.variable} -> {self.update})"
        return f"In({self.variable})"

    def __repr__(self):
        return str(self)


class In(SymbolicInput):
    """An input of a compiled function, with an optional default value.

    Parameters
    ----------
    variable
        The graph variable the argument is bound to.
    name
        Keyword under which the argument can be passed.
    value
        Default value (or a :class:`~aesara.link.basic.Container` to share
        storage with). An input with a default may be left out of calls.
    update
        Expression whose value becomes the stored value after each call;
        requires ``value``.
    mutable
        Whether the function may overwrite the passed value.
    strict, allow_downcast, autoname, implicit
        See :class:`SymbolicInput`.
    borrow
        Let an output alias this input's value (with ``Out(borrow=True)``).
        Defaults to ``mutable``; ``mutable=True`` requires it to be true.
    shared
        The value is shared with other functions (set for shared variables).
    """

    def __init__(
        self,
        variable: Variable,
        name: str | None = None,
        value: Any = None,
        update: Variable | None = None,
        mutable: bool | None = None,
        strict: bool = False,
        allow_downcast: bool | None = None,
        autoname: bool = True,
        implicit: bool | None = None,
        borrow: bool | None = None,
        shared: bool = False,
    ):
        # As in Aesara: borrow defaults to mutable. An input the function may
        # overwrite is necessarily one whose value it may alias, so
        # mutable=True with borrow=False is contradictory.
        if borrow is None:
            borrow = mutable
        if mutable and not borrow:
            raise ValueError(
                f"Input {variable} (name={name}) has mutable=True and borrow=False: "
                "mutable=True means the value may be both aliased (borrow=True) and "
                "overwritten, so it requires borrow=True (or leave borrow unset)"
            )
        from aesara.compile.sharedvalue import SharedVariable

        if implicit is None:
            implicit = isinstance(value, Container) or isinstance(value, SharedVariable)
        super().__init__(
            variable=variable,
            name=name,
            update=update,
            mutable=mutable,
            strict=strict,
            allow_downcast=allow_downcast,
            autoname=autoname,
            implicit=implicit,
        )
        self.value = value
        self.shared = shared
        self.borrow = borrow
        if self.implicit and value is None:
            raise TypeError(
                f"Input {variable} is implicit (never passed by the caller) "
                "and therefore needs a value"
            )
        if (
            update is not None
            and value is None
            and not self.implicit
            and not isinstance(variable, SharedVariable)
        ):
            raise TypeError(
                f"Input {variable} has an update expression and therefore "
                "needs an initial value"
            )


class SymbolicOutput:
    """How a compiled function returns one output.

    Parameters
    ----------
    variable
        The graph variable computed.
    borrow
        Allow the returned value to alias storage the function reuses on the
        next call (faster, but the value may then change under the caller).
    """

    def __init__(self, variable: Variable, borrow: bool = False):
        if not isinstance(variable, Variable):
            raise TypeError(
                f"An output must be an Aesara Variable, got {type(variable).__name__}: "
                f"{variable!r}"
            )
        self.variable = variable
        self.borrow = borrow

    def __str__(self):
        return f"{self.__class__.__name__}({self.variable}, borrow={self.borrow})"

    def __repr__(self):
        return str(self)


Out = SymbolicOutput
