"""Neural-network ops (``aesara.tensor.nnet``): convolutions, pooling helpers,
softmax / cross-entropy family, batch normalisation, neighbourhoods, CTC and
block-sparse products.

Importing this package warns, as in Aesara 2.9, that it is deprecated.
"""

import warnings

warnings.warn(
    "The module `aesara.tensor.nnet` is deprecated and will be removed from "
    "Aesara in version 2.9.0",
    DeprecationWarning,
    stacklevel=2,
)

import aesara.tensor.nnet.rewriting  # noqa: E402, F401 - registers the rewrites
from aesara.tensor.nnet.abstract_conv import (  # noqa: E402
    abstract_conv2d,
    conv2d,
    conv2d_grad_wrt_inputs,
    conv2d_transpose,
    conv3d,
    separable_conv2d,
)
from aesara.tensor.nnet.basic import (  # noqa: E402
    binary_crossentropy,
    categorical_crossentropy,
    confusion_matrix,
    crossentropy_categorical_1hot,
    crossentropy_categorical_1hot_grad,
    crossentropy_softmax_1hot,
    crossentropy_softmax_1hot_with_bias,
    crossentropy_softmax_1hot_with_bias_dx,
    crossentropy_softmax_argmax_1hot_with_bias,
    crossentropy_softmax_max_and_argmax_1hot,
    crossentropy_softmax_max_and_argmax_1hot_with_bias,
    crossentropy_to_crossentropy_with_softmax,
    crossentropy_to_crossentropy_with_softmax_with_bias,
    elu,
    graph_merge_softmax_with_crossentropy_softmax,
    h_softmax,
    prepend_0_to_each_row,
    prepend_1_to_each_row,
    prepend_scalar_to_each_row,
    relu,
    selu,
    sigmoid_binary_crossentropy,
    softmax_grad_legacy,
    softmax_legacy,
    softmax_simplifier,
    softmax_with_bias,
    softsign,
)
from aesara.tensor.nnet.batchnorm import batch_normalization  # noqa: E402
from aesara.tensor.nnet.sigm import hard_sigmoid, ultra_fast_sigmoid  # noqa: E402
from aesara.tensor.special import log_softmax as logsoftmax  # noqa: E402
from aesara.tensor.special import softmax  # noqa: E402
