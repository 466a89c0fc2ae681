"""Symbolic tensors: types, variables, and the ops that build tensor graphs."""

import importlib.util as _importlib_util

import aesara.tensor.exceptions
from aesara.tensor import basic, type, var  # noqa: A004 - submodule names as in Aesara
from aesara.tensor.basic import (
    Alloc,
    MakeVector,
    ScalarFromTensor,
    TensorFromScalar,
    _as_tensor_variable,
    _get_vector_length,
    alloc,
    as_tensor,
    as_tensor_variable,
    cast,
    constant,
    extract_constant,
    flatten,
    full,
    full_like,
    get_scalar_constant_value,
    get_unique_value,
    get_vector_length,
    infer_static_shape,
    make_vector,
    ones,
    ones_like,
    scalar_from_tensor,
    swapaxes,
    tensor_from_scalar,
    transpose,
    zeros,
    zeros_like,
)
from aesara.tensor.basic import (  # joining and array construction
    ARange,
    AllocDiag,
    Choose,
    Default,
    ExtractDiag,
    Eye,
    Join,
    Nonzero,
    Split,
    Tri,
    arange,
    atleast_1d,
    atleast_2d,
    atleast_3d,
    atleast_Nd,
    choose,
    concatenate,
    default,
    diag,
    diagonal,
    expand_dims,
    eye,
    flatnonzero,
    horizontal_stack,
    identity_like,
    join,
    mgrid,
    moveaxis,
    nonzero,
    nonzero_values,
    ogrid,
    roll,
    split,
    stack,
    take_along_axis,
    tile,
    tri,
    tril,
    tril_indices,
    tril_indices_from,
    triu,
    triu_indices,
    triu_indices_from,
    vertical_stack,
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

from aesara.tensor import subtensor  # noqa: E402
from aesara.tensor.subtensor import inc_subtensor, set_subtensor, take  # noqa: E402

from aesara.tensor import extra_ops  # noqa: E402
from aesara.tensor.extra_ops import *  # noqa: E402, F403

# Registers the tensor rewrites in aesara.compile.mode.optdb.
import aesara.tensor.rewriting  # noqa: E402, F401
