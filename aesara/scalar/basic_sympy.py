"""``SymPyCCode``: a scalar op defined by a SymPy expression.

The op computes the expression with ``sympy.lambdify`` (NumPy) in Python,
and offers SymPy's generated C function through the C hooks
(``c_support_code``/``c_headers``/``c_code``) for backends that take C from
ops. Its gradient is again a ``SymPyCCode``, of the symbolic derivative.

SymPy is optional: importing this module works without it
(``imported_sympy`` is then False), and building a ``SymPyCCode`` raises an
``ImportError`` saying what to install.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from typing import Any

from aesara.scalar.basic import (
    Apply,
    ScalarOp,
    ScalarType,
    as_scalar,
    float32,
    float64,
    int64,
)

try:
    from sympy.utilities.codegen import codegen, get_default_datatype

    imported_sympy = True
except ImportError:  # pragma: no cover - depends on the environment
    imported_sympy = False

__all__ = ["SymPyCCode", "aesara_dtype", "imported_sympy", "sympy_dtype"]

#: Fresh names for the generated C functions.
names = (f"sympy_func_{i}" for i in itertools.count(0))


def _require_sympy() -> None:
    if not imported_sympy:
        raise ImportError(
            "SymPyCCode needs SymPy, which is not installed; `pip install sympy`"
        )


def include_line(line: str) -> bool:
    """Whether a line of generated C is an ``#include``."""
    return "#include" in line


def sympy_dtype(expr: Any) -> str:
    """The C type name SymPy's code generator gives the result of ``expr``."""
    _require_sympy()
    return get_default_datatype(expr).cname


def aesara_dtype(expr: Any) -> ScalarType:
    """The scalar type of the result of ``expr`` (``float64``, ``float32`` or ``int64``)."""
    return {"double": float64, "float": float32, "int": int64}[sympy_dtype(expr)]


class SymPyCCode(ScalarOp):
    """A scalar op computing the SymPy expression ``expr`` of the symbols ``inputs``.

    Parameters
    ----------
    inputs
        The SymPy symbols, in the order of the op's inputs.
    expr
        A SymPy expression of those symbols.
    name
        The name of the generated C function (a fresh one when omitted).

    Examples
    --------
    >>> from sympy.abc import x, y
    >>> op = SymPyCCode([x, y], x + y)
    >>> import aesara.scalar as aes
    >>> a, b = aes.float64("a"), aes.float64("b")
    >>> op(a, b).eval({a: 1.0, b: 2.0})
    3.0
    """

    nout = 1

    def __init__(self, inputs: Sequence[Any], expr: Any, name: str | None = None):
        _require_sympy()
        super().__init__()
        self.name = name or next(names)
        self.inputs = list(inputs)
        self.expr = expr
        self.nin = len(self.inputs)
        self._fn = None

    def _info(self) -> tuple:
        return type(self), self.name, tuple(self.inputs), self.expr

    def __eq__(self, other: object) -> bool:
        return type(self) is type(other) and self._info() == other._info()

    def __hash__(self) -> int:
        return hash(self._info())

    def __str__(self) -> str:
        return self.name

    def __getstate__(self) -> dict:
        state = dict(self.__dict__)
        state["_fn"] = None  # lambdified functions do not pickle
        return state

    def output_types_preference(self, *types: ScalarType) -> list[ScalarType]:
        return [aesara_dtype(self.expr)]

    def make_node(self, *inputs: Any) -> Apply:
        if len(inputs) != len(self.inputs):
            raise TypeError(
                f"Wrong number of inputs for {self}.make_node: expected "
                f"{len(self.inputs)} (one per symbol {self.inputs}), got {len(inputs)}"
            )
        inputs = [as_scalar(i) for i in inputs]
        return Apply(self, inputs, [self.output_types_preference()[0]()])

    def impl(self, *values: Any) -> Any:
        if self._fn is None:
            import sympy

            self._fn = sympy.lambdify(self.inputs, self.expr, modules="numpy")
        return self._fn(*values)

    def L_op(self, inputs, outputs, output_gradients):
        (gz,) = output_gradients
        return [
            gz
            * SymPyCCode(
                self.inputs, self.expr.diff(sym), name=f"{self.name}_grad_{i}"
            )(*inputs)
            for i, sym in enumerate(self.inputs)
        ]

    # C hooks: SymPy's generated C for backends that use ops' C code.
    def _sympy_c_code(self) -> str:
        [(_, c_code), _header] = codegen(
            (self.name, self.expr),
            "C",
            "project_name",
            header=False,
            argument_sequence=self.inputs,
        )
        return c_code

    def c_support_code(self, **kwargs) -> str:
        lines = self._sympy_c_code().split("\n")
        return "\n".join(line for line in lines if not include_line(line))

    def c_headers(self, **kwargs) -> list[str]:
        return [
            line.replace("#include", "").strip()
            for line in self._sympy_c_code().split("\n")
            if include_line(line) and "project_name" not in line
        ]

    def c_code(self, node, name, input_names, output_names, sub) -> str:
        (y,) = output_names
        return f"{y} = {self.name}({', '.join(input_names)});"
