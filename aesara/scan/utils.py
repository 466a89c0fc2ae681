"""Helpers for building and rewriting :class:`~aesara.scan.op.Scan` nodes.

* :class:`until`: what a step returns to stop a while loop;
* :func:`safe_new`: a fresh variable of another's type (inner-graph inputs);
* :func:`expand_empty`: a state buffer (initial values and room for the steps);
* :class:`ScanArgs` (in :mod:`aesara.scan.scan_args`, re-exported): a Scan
  node's inputs and outputs by kind, editable, that builds a new node.
"""

from __future__ import annotations

import copy
from typing import Any

from aesara.graph.basic import Constant, Variable

__all__ = [
    "InnerFunctionError",
    "expand_empty",
    "forced_replace",
    "safe_new",
    "until",
]


class InnerFunctionError(Exception):
    """Raised when the step of a Scan fails; names the step and the loop."""


class until:
    """The condition a scan step returns to end a while loop.

    The loop stops after the first step whose ``condition`` is true; that
    step's outputs are kept.

    Parameters
    ----------
    condition
        A scalar (boolean or number) expression of the step's values.
    """

    def __init__(self, condition: Any):
        from aesara.tensor.basic import as_tensor_variable

        self.condition = as_tensor_variable(condition)
        if self.condition.type.ndim != 0:
            raise TypeError(
                "until: the condition must be a scalar, got "
                f"{self.condition.type} ({self.condition.type.ndim} dimension(s)); "
                "reduce it first, e.g. with .all() or .any()"
            )

    def __repr__(self) -> str:
        return f"until({self.condition})"


def safe_new(x: Variable, tag: str = "", dtype: Any = None) -> Variable:
    """A new variable of ``x``'s type (cast to ``dtype``), named ``x.name + tag``.

    Constants are returned as they are (cast to ``dtype`` when it differs).
    """
    from aesara.tensor.basic import as_tensor_variable, cast

    name = x.name + tag if getattr(x, "name", None) is not None else None
    if isinstance(x, Constant):
        if dtype is not None and getattr(x.type, "dtype", dtype) != dtype:
            new = cast(x, dtype)
            return type(x)(
                new.type, new.type.filter(x.data, allow_downcast=True), x.name
            )
        return x
    try:
        from aesara.scalar.basic import ScalarVariable

        is_scalar = isinstance(x, ScalarVariable)
    except ImportError:  # pragma: no cover
        is_scalar = False
    if not is_scalar:
        try:
            x = as_tensor_variable(x)
        except (TypeError, ValueError):
            pass  # random generators and other non-tensor types
    if dtype is not None and getattr(x.type, "dtype", dtype) != dtype:
        x = cast(x, dtype)
    new = x.type()
    new.name = name
    test_value = getattr(x.tag, "test_value", None)
    if test_value is not None:
        new.tag.test_value = copy.deepcopy(test_value)
    return new


def expand_empty(tensor_var: Variable, size: Any) -> Variable:
    """``tensor_var`` followed by ``size`` uninitialised entries along axis 0."""
    from aesara.tensor._basic_extra import AllocEmpty
    from aesara.tensor.basic import as_tensor_variable
    from aesara.tensor.subtensor import set_subtensor

    if isinstance(size, int) and size == 0:
        return tensor_var
    tensor_var = as_tensor_variable(tensor_var)
    shape = [tensor_var.shape[k] for k in range(tensor_var.ndim)]
    new_shape = [shape[0] + size] + shape[1:]
    empty = AllocEmpty(tensor_var.type.dtype)(*new_shape)
    res = set_subtensor(empty[: shape[0]], tensor_var)
    res.tag.nan_guard_mode_check = False
    return res


def forced_replace(out: Variable, x: Variable, y: Variable) -> Variable:
    """``out`` with every sub-expression equal to ``x`` replaced by ``y``."""
    from aesara.graph.basic import clone_replace, equal_computations, io_toposort

    if out is None:
        return None
    matches = []
    for node in io_toposort([], [out]) if out.owner is not None else []:
        for v in node.outputs:
            if equal_computations([v], [x]):
                matches.append(v)
    if equal_computations([out], [x]):
        return y
    if not matches:
        return out
    return clone_replace(out, {m: y for m in matches})


def __getattr__(name: str):
    # ScanArgs lives in its own module (it is large); Aesara exposes it here.
    if name == "ScanArgs":
        from aesara.scan.scan_args import ScanArgs

        return ScanArgs
    raise AttributeError(f"module 'aesara.scan.utils' has no attribute {name!r}")
