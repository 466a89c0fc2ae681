"""Symbolic tensors: types, variables, and the ops that build tensor graphs."""

import importlib.util as _importlib_util

import aesara.tensor.exceptions
from aesara.tensor import basic, type, var  # noqa: A004 - submodule names as in Aesara
from aesara.tensor.basic import (
    Alloc,
    AllocDiag,
    ARange,
    Choose,
    Default,
    ExtractDiag,
    Eye,
    Join,
    MakeVector,
    Nonzero,
    ScalarFromTensor,
    Split,
    TensorFromScalar,
    Tri,
    _as_tensor_variable,
    _get_vector_length,
    alloc,
    arange,
    as_tensor,
    as_tensor_variable,
    atleast_1d,
    atleast_2d,
    atleast_3d,
    atleast_Nd,
    cast,
    choose,
    concatenate,
    constant,
    default,
    diag,
    diagonal,
    expand_dims,
    extract_constant,
    eye,
    flatnonzero,
    flatten,
    full,
    full_like,
    get_scalar_constant_value,
    get_unique_value,
    get_vector_length,
    horizontal_stack,
    identity_like,
    infer_static_shape,
    join,
    make_vector,
    mgrid,
    moveaxis,
    nonzero,
    nonzero_values,
    ogrid,
    ones,
    ones_like,
    roll,
    scalar_from_tensor,
    split,
    stack,
    swapaxes,
    take_along_axis,
    tensor_from_scalar,
    tile,
    transpose,
    tri,
    tril,
    tril_indices,
    tril_indices_from,
    triu,
    triu_indices,
    triu_indices_from,
    vertical_stack,
    zeros,
    zeros_like,
)
from aesara.tensor.exceptions import (
    AdvancedIndexingError,
    EmptyConstantError,
    NotScalarConstantError,
    ShapeError,
)

# ``aesara.tensor.shape`` is the function below (as in Aesara); the module is
# ``sys.modules["aesara.tensor.shape"]``.
from aesara.tensor.shape import (
    Reshape,
    Shape,
    Shape_i,
    SpecifyShape,
    Unbroadcast,
    reshape,
    shape,
    shape_i,
    shape_padaxis,
    shape_padleft,
    shape_padright,
    shape_tuple,
    specify_broadcastable,
    specify_shape,
    unbroadcast,
)
from aesara.tensor.type import *
from aesara.tensor.type import TensorType
from aesara.tensor.var import TensorConstant, TensorVariable

# The element-wise and math modules are written concurrently: import them only
# once they exist. TODO: remove these guards once both modules have landed.
if _importlib_util.find_spec("aesara.tensor.elemwise") is not None:
    from aesara.tensor.basic import (  # Elemwise ops
        fill,
        second,
        switch,
        tensor_copy,
        where,
    )
    from aesara.tensor.elemwise import CAReduce, DimShuffle, Elemwise
if _importlib_util.find_spec("aesara.tensor.math") is not None:
    from aesara.tensor.math import *

from aesara.tensor import extra_ops, subtensor  # noqa: E402, I001 - rewriting last
from aesara.tensor import nlinalg  # noqa: E402 - at.nlinalg.det, as in Aesara
from aesara.tensor import slinalg  # noqa: E402
from aesara.tensor import linalg  # noqa: E402 - nlinalg + slinalg, as in Aesara
from aesara.tensor.extra_ops import *  # noqa: E402, F403
from aesara.tensor.subtensor import inc_subtensor, set_subtensor, take  # noqa: E402
from aesara.tensor.sort import (  # noqa: E402
    argsort,
    argtopk,
    sort,
    topk,
    topk_and_argtopk,
)

# Registers the tensor rewrites in aesara.compile.mode.optdb.
import aesara.tensor.rewriting  # noqa: E402, F401

# Further names Aesara 2.9 exposes here (see tests/test_api_audit.py).
from aesara.gradient import consider_constant, grad, hessian, jacobian  # noqa: E402
from aesara.tensor import sharedvar, special, xlogx  # noqa: E402, F401
from aesara.tensor import random  # noqa: E402, F401 - at.random, as in Aesara
from aesara.tensor.basic import *  # noqa: E402, F403
from aesara.tensor.subtensor import *  # noqa: E402, F403
from aesara.tensor.type_other import *  # noqa: E402, F403
from aesara.graph.basic import Constant, Variable  # noqa: E402, F401 - as in Aesara
from aesara.graph.op import Op  # noqa: E402, F401
from aesara.tensor.io import load  # noqa: E402, F401 - Aesara star-imports tensor.io

# The tensor ops' printers, keyed by op (see aesara.printing).
from aesara.printing import register_tensor_printers  # noqa: E402

register_tensor_printers()


def __getattr__(name: str):
    # PEP 562: aesara.tensor.math's deprecated names (``abs_``, ``inv``) are
    # reachable here too, as in Aesara, with the same DeprecationWarning.
    import sys
    import warnings

    _math = sys.modules["aesara.tensor.math"]
    if name in _math._DEPRECATED:
        msg, target = _math._DEPRECATED[name]
        warnings.warn(msg, DeprecationWarning, stacklevel=2)
        return getattr(_math, target)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
