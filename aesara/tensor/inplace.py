"""In-place versions of the element-wise functions of :mod:`aesara.tensor.math`.

``exp_inplace(x)`` computes ``exp(x)`` into the storage of ``x`` (the op's
``destroy_map`` says so), so ``x`` must not be needed afterwards. The result
must have the dtype and shape of the first input; other cases raise
``TypeError`` when the graph is built.
"""

from __future__ import annotations

import aesara.scalar.basic as aes
from aesara.tensor.elemwise import DimShuffle, Elemwise

# Element-wise function name -> name of its scalar op in aesara.scalar.basic.
_NAMES = {
    "lt": "lt",
    "gt": "gt",
    "le": "le",
    "ge": "ge",
    "eq": "eq",
    "neq": "neq",
    "and_": "and_",
    "or_": "or_",
    "xor": "xor",
    "invert": "invert",
    "abs": "abs",
    "exp": "exp",
    "exp2": "exp2",
    "expm1": "expm1",
    "neg": "neg",
    "reciprocal": "reciprocal",
    "log": "log",
    "log2": "log2",
    "log10": "log10",
    "log1p": "log1p",
    "sgn": "sgn",
    "ceil": "ceil",
    "floor": "floor",
    "trunc": "trunc",
    "round_half_to_even": "round_half_to_even",
    "round_half_away_from_zero": "round_half_away_from_zero",
    "sqr": "sqr",
    "sqrt": "sqrt",
    "deg2rad": "deg2rad",
    "rad2deg": "rad2deg",
    "cos": "cos",
    "arccos": "arccos",
    "sin": "sin",
    "arcsin": "arcsin",
    "tan": "tan",
    "arctan": "arctan",
    "arctan2": "arctan2",
    "cosh": "cosh",
    "arccosh": "arccosh",
    "sinh": "sinh",
    "arcsinh": "arcsinh",
    "tanh": "tanh",
    "arctanh": "arctanh",
    "maximum": "scalar_maximum",
    "minimum": "scalar_minimum",
    "add": "add",
    "sub": "sub",
    "mul": "mul",
    "true_div": "true_div",
    "int_div": "int_div",
    "mod": "mod",
    "pow": "pow",
    "clip": "clip",
    "second": "second",
    "conj": "conj",
    # Aesara's newer names of the divisions.
    "true_divide": "true_div",
    "floor_divide": "int_div",
}

# The special functions, whose scalar ops live in aesara.scalar.math.
_SPECIAL_NAMES = (
    "erf erfc erfcx gamma gammaln psi tri_gamma chi2sf gammainc gammaincc gammau "
    "gammal j0 j1 jv i0 i1 iv sigmoid softplus log1mexp betainc owens_t hyp2f1"
).split()

__all__ = ["transpose_inplace"]


def _make(public: str, scalar_name: str) -> Elemwise | None:
    scalar_op = getattr(aes, scalar_name, None)
    if scalar_op is None and scalar_name in _SPECIAL_NAMES:
        import aesara.scalar.math as aes_math

        scalar_op = getattr(aes_math, scalar_name, None)
    if scalar_op is None and scalar_name == "abs":
        scalar_op = getattr(aes, "abs_", None)
    if scalar_op is None:
        return None
    # Named as Aesara 2.9 prints its in-place functions' ops.
    op = Elemwise(scalar_op, {0: 0}, name=f"Elemwise{{{public}_inplace,inplace}}")
    op.__doc__ = f"In-place ``{public}``: the result overwrites the first input."
    return op


for _public, _scalar in [*_NAMES.items(), *((n, n) for n in _SPECIAL_NAMES)]:
    _op = _make(_public, _scalar)
    if _op is not None:
        globals()[f"{_public}_inplace"] = _op
        __all__.append(f"{_public}_inplace")

fill_inplace = globals().get("second_inplace")
if fill_inplace is not None:
    __all__.append("fill_inplace")


def transpose_inplace(x):
    """Reverse the axes of ``x``; the result is a view of ``x``."""
    from aesara.tensor.basic import as_tensor_variable

    x = as_tensor_variable(x)
    order = list(range(x.type.ndim))[::-1]
    return DimShuffle(tuple(s == 1 for s in x.type.shape), order, inplace=True)(x)
