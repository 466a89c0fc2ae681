"""Small helpers shared by the tensor modules.

Hashing arrays, list coercion, axis normalisation and checks
(:func:`normalize_axis`, :func:`check_and_normalize_axes`, :func:`is_flat`),
numeric shapes of a graph's variables and importing a function by its dotted
name. ``is_flat`` and ``check_and_normalize_axes`` are re-exported from
:mod:`aesara.tensor.basic`, where Aesara keeps them.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from typing import Any

import numpy as np

from aesara.graph.basic import Variable


def hash_from_ndarray(data: np.ndarray) -> str:
    """Return a hex digest identifying the dtype, shape and values of ``data``."""
    data = np.ascontiguousarray(data)
    h = hashlib.sha256()
    h.update(str(data.dtype).encode())
    h.update(str(data.shape).encode())
    h.update(data.tobytes())
    return h.hexdigest()


def as_list(x: Any) -> list:
    """Return ``x`` as a list (a non-sequence becomes a one-element list)."""
    if isinstance(x, (list, tuple)):
        return list(x)
    if isinstance(x, Iterable) and not isinstance(x, (str, bytes, np.ndarray)):
        return list(x)
    return [x]


def normalize_axis(axis: int, ndim: int, what: str = "axis") -> int:
    """Return ``axis`` as a non-negative index into ``ndim`` dimensions.

    Raises
    ------
    IndexError
        When ``axis`` is outside ``[-ndim, ndim)``.
    """
    if not isinstance(axis, (int, np.integer)) or isinstance(axis, bool):
        raise TypeError(
            f"{what} must be an integer, got {type(axis).__name__}: {axis!r}"
        )
    axis = int(axis)
    if not -ndim <= axis < ndim:
        raise IndexError(
            f"{what} {axis} is out of bounds for a tensor of {ndim} dimensions"
        )
    return axis % ndim if ndim else 0


def is_flat(var: Any, ndim: int = 1) -> bool:
    """Whether ``var`` has exactly ``ndim`` dimensions.

    Parameters
    ----------
    var
        A tensor variable.
    ndim
        The expected number of dimensions.
    """
    from aesara.tensor.basic import as_tensor_variable

    return as_tensor_variable(var).type.ndim == ndim


def check_and_normalize_axes(x: Any, axis: Any) -> list[int]:
    """Validate ``axis`` against ``x`` and return it as non-negative ints.

    Parameters
    ----------
    x
        A tensor variable.
    axis
        ``None`` (no axes), an int, or a list/tuple of ints (or constant
        scalar variables).

    Raises
    ------
    TypeError
        An axis that is not an integer.
    ValueError
        An axis out of range for ``x``.
    """
    from aesara.tensor.basic import as_tensor_variable, get_scalar_constant_value

    x = as_tensor_variable(x)
    if axis is None:
        return []
    items = list(axis) if isinstance(axis, (list, tuple)) else [axis]
    out = []
    for a in items:
        if isinstance(a, Variable):
            a = get_scalar_constant_value(a)
        if isinstance(a, (bool, np.bool_)) or not isinstance(a, (int, np.integer)):
            raise TypeError(f"axis {a!r} of {x} is not an integer")
        a = int(a)
        nd = x.type.ndim
        if not -nd <= a < max(nd, 1) or (nd == 0 and a not in (0, -1)):
            raise ValueError(f"axis {a} is out of range for {x} with {nd} dimension(s)")
        out.append(a % nd if nd else 0)
    return out


def shape_of_variables(fgraph: Any, input_shapes: dict) -> dict:
    """The numeric shape of every tensor variable of ``fgraph``.

    Parameters
    ----------
    fgraph
        A ``FunctionGraph``; a ``ShapeFeature`` is attached if it has none.
    input_shapes
        ``{input_variable: shape tuple}`` for the graph's tensor inputs.

    Returns
    -------
    dict
        ``{variable: tuple of ints}`` for every variable whose shape follows
        from ``input_shapes`` (and the graph's static shapes).
    """
    from aesara.compile.function import function
    from aesara.graph.basic import clone_replace
    from aesara.tensor.rewriting.shape import ShapeFeature
    from aesara.tensor.type import lscalar

    if not hasattr(fgraph, "shape_feature"):
        fgraph.attach_feature(ShapeFeature())
    feature = fgraph.shape_feature
    for var in input_shapes:
        if var not in fgraph.inputs:
            raise ValueError(f"shape_of_variables: {var} is not an input of the graph")
    # The shape of each input becomes a tuple of integer scalars we can feed.
    dims: dict = {}
    for inp in fgraph.inputs:
        if inp in input_shapes:
            ndim = getattr(inp.type, "ndim", None)
            if ndim is None or len(input_shapes[inp]) != ndim:
                raise ValueError(
                    f"shape_of_variables: the shape given for {inp} has "
                    f"{len(input_shapes[inp])} entries, expected {ndim}"
                )
            dims[inp] = [lscalar() for _ in range(ndim)]
    variables = [
        v for v in fgraph.variables if getattr(v.type, "ndim", None) is not None
    ]
    shapes = [feature.shape_of[v] for v in variables]
    keep = [k for k, shp in enumerate(shapes) if shp is not None]
    variables = [variables[k] for k in keep]
    shapes = [shapes[k] for k in keep]
    flat = [s for shp in shapes for s in shp]
    # The shape graphs read the inputs' sizes through Shape_i: feed those.
    from aesara.graph.basic import ancestors
    from aesara.tensor.shape import Shape_i

    replace = {}
    for v in ancestors(flat):
        node = v.owner
        if node is not None and isinstance(node.op, Shape_i):
            src = node.inputs[0]
            if src in dims:
                replace[v] = dims[src][node.op.i]
            elif src in fgraph.inputs:
                raise ValueError(
                    f"shape_of_variables: the shape of input {src} is needed; give "
                    "it in input_shapes"
                )
    if replace:
        flat = clone_replace(flat, replace)
    flat_inputs = [s for syms in dims.values() for s in syms]
    fn = function(flat_inputs, flat, on_unused_input="ignore", mode="FAST_COMPILE")
    values = fn(*[int(d) for inp in dims for d in input_shapes[inp]])
    res, k = {}, 0
    for v, shp in zip(variables, shapes):
        res[v] = tuple(int(x) for x in values[k : k + len(shp)])
        k += len(shp)
    return res


def import_func_from_string(func_string: str) -> Any:
    """The object named by a dotted path (``"numpy.exp"``), or ``None``."""
    import importlib

    if not isinstance(func_string, str):
        raise TypeError(
            f"import_func_from_string: expected a dotted name (str), got "
            f"{type(func_string).__name__}"
        )
    parts = func_string.split(".")
    for cut in range(len(parts) - 1, 0, -1):
        try:
            obj = importlib.import_module(".".join(parts[:cut]))
        except ImportError:
            continue
        try:
            for attr in parts[cut:]:
                obj = getattr(obj, attr)
        except AttributeError:
            return None
        return obj
    return None
