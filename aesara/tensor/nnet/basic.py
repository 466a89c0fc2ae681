"""Classic neural-network building blocks: softmax with bias, the one-hot
cross-entropy ops, binary / categorical cross-entropies, activations
(``relu``, ``elu``, ``selu``, ``softsign``), hierarchical softmax and
``confusion_matrix``, and the rewrites that fuse softmaxes with one-hot
cross-entropies and their gradients.

The plain softmax ops live in :mod:`aesara.tensor.special`; this module
reuses them (``softmax_legacy`` / ``softmax_grad_legacy`` are their
last-axis instances).
"""

from __future__ import annotations

import typing
import warnings

import numpy as np

import aesara.scalar.basic as aes
from aesara.gradient import DisconnectedType, grad_not_implemented
from aesara.graph.basic import Apply, Variable
from aesara.graph.op import Op
from aesara.tensor.basic import as_tensor_variable
from aesara.tensor.elemwise import Elemwise
from aesara.tensor.special import LogSoftmax, Softmax, SoftmaxGrad, log_softmax, softmax
from aesara.tensor.type import TensorType, discrete_dtypes, float_dtypes, integer_dtypes

__all__ = [
    "SoftmaxWithBias",
    "softmax_with_bias",
    "softmax_legacy",
    "softmax_grad_legacy",
    "softmax_graph",
    "softmax_simplifier",
    "CrossentropySoftmaxArgmax1HotWithBias",
    "crossentropy_softmax_argmax_1hot_with_bias",
    "CrossentropySoftmax1HotWithBiasDx",
    "crossentropy_softmax_1hot_with_bias_dx",
    "crossentropy_softmax_1hot_with_bias",
    "crossentropy_softmax_1hot",
    "crossentropy_softmax_max_and_argmax_1hot_with_bias",
    "crossentropy_softmax_max_and_argmax_1hot",
    "CrossentropyCategorical1HotGrad",
    "crossentropy_categorical_1hot_grad",
    "CrossentropyCategorical1Hot",
    "crossentropy_categorical_1hot",
    "crossentropy_to_crossentropy_with_softmax",
    "crossentropy_to_crossentropy_with_softmax_with_bias",
    "local_softmax_with_bias",
    "local_argmax_pushdown",
    "local_softmax_grad_to_crossentropy_with_softmax_grad",
    "local_advanced_indexing_crossentropy_onehot",
    "local_advanced_indexing_crossentropy_onehot_grad",
    "local_useless_crossentropy_softmax_1hot_with_bias_dx_alloc",
    "graph_merge_softmax_with_crossentropy_softmax",
    "binary_crossentropy",
    "sigmoid_binary_crossentropy",
    "categorical_crossentropy",
    "Prepend_scalar_constant_to_each_row",
    "Prepend_scalar_to_each_row",
    "prepend_scalar_to_each_row",
    "prepend_0_to_each_row",
    "prepend_1_to_each_row",
    "relu",
    "elu",
    "selu",
    "h_softmax",
    "ScalarSoftsign",
    "scalar_softsign",
    "softsign",
    "confusion_matrix",
    "Softmax",
    "SoftmaxGrad",
    "LogSoftmax",
]

softmax_legacy = Softmax(axis=-1)
softmax_grad_legacy = SoftmaxGrad(axis=-1)


def _row_softmax(z: np.ndarray) -> np.ndarray:
    e = np.exp(z - z.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


def _float_check(name, var, ndim, what):
    if var.type.ndim != ndim or var.type.dtype not in float_dtypes:
        raise ValueError(
            f"{name}: {what} must be a {ndim}-d tensor of floats, got {var.type}"
        )


def _index_check(name, var, what="y_idx"):
    if var.type.ndim != 1 or var.type.dtype not in discrete_dtypes:
        raise ValueError(
            f"{name}: {what} must be a 1-d tensor of [u]ints, got {var.type}"
        )


def _check_labels(name, y_idx, nrows, ncols):
    if y_idx.shape[0] != nrows:
        raise ValueError(
            f"{name}: y_idx has {y_idx.shape[0]} entries but there are {nrows} rows"
        )
    if y_idx.size and (y_idx.min() < 0 or y_idx.max() >= ncols):
        raise ValueError(
            f"{name}: y_idx values must lie in [0, {ncols}), got min {y_idx.min()} "
            f"and max {y_idx.max()}"
        )


class SoftmaxWithBias(Op):
    """Row-wise softmax of ``x + b`` for a matrix ``x`` and a vector ``b``."""

    __props__ = ()
    nin = 2
    nout = 1

    def make_node(self, x, b) -> Apply:
        x = as_tensor_variable(x)
        b = as_tensor_variable(b)
        _float_check("SoftmaxWithBias", x, 2, "x")
        _float_check("SoftmaxWithBias", b, 1, "b")
        return Apply(self, [x, b], [x.type()])

    def perform(self, node, inputs, output_storage, params=None):
        x, b = inputs
        if b.shape[0] != x.shape[1]:
            raise ValueError(
                f"SoftmaxWithBias: b has {b.shape[0]} entries but x has {x.shape[1]} columns"
            )
        out = _row_softmax(x + b) if x.size else np.empty(x.shape)
        output_storage[0][0] = np.asarray(out, dtype=node.outputs[0].type.dtype)

    def L_op(self, inputs, outputs, output_gradients):
        from aesara.tensor.math import sum as at_sum

        (g_sm,) = output_gradients
        if isinstance(g_sm.type, DisconnectedType):
            return [DisconnectedType()(), DisconnectedType()()]
        dx = softmax_grad_legacy(g_sm, outputs[0])
        return [dx, at_sum(dx, axis=0)]

    def infer_shape(self, fgraph, node, input_shapes):
        return [input_shapes[0]]


softmax_with_bias = SoftmaxWithBias()


def softmax_graph(c) -> Variable:
    """Softmax over the last axis written with elementary ops
    (``exp(c) / exp(c).sum(-1)``), without the stabilising shift."""
    from aesara.tensor.math import exp

    e = exp(as_tensor_variable(c))
    return e / e.sum(axis=-1, keepdims=True)


def softmax_simplifier(numerators, denominators):
    """Multiplication-canonicaliser hook: turn ``exp(x) / sum(exp(x), -1)``
    (in the numerator / denominator lists) into ``softmax_legacy(x)``.

    Returns the (possibly) updated ``(numerators, denominators)``.
    """
    from aesara.scalar.basic import Exp
    from aesara.tensor.elemwise import CAReduce, DimShuffle

    for num in list(numerators):
        if not num.type.dtype.startswith("float"):
            continue
        if not (
            num.owner
            and isinstance(num.owner.op, Elemwise)
            and isinstance(num.owner.op.scalar_op, Exp)
        ):
            continue
        x = num.owner.inputs[0]
        if x.type.ndim != 2:
            continue
        for den in list(denominators):
            if not (den.owner and isinstance(den.owner.op, DimShuffle)):
                continue
            red = den.owner.inputs[0]
            if not (red.owner and isinstance(red.owner.op, CAReduce)):
                continue
            if red.owner.inputs[0] is not num:
                continue
            axis = red.owner.op.axis
            if tuple(axis or ()) not in ((1,), (-1,)):
                continue
            numerators.remove(num)
            denominators.remove(den)
            numerators.append(softmax_legacy(x))
            break
    return numerators, denominators


class CrossentropySoftmaxArgmax1HotWithBias(Op):
    """Negative log-likelihood of integer labels under ``softmax(x + b)``.

    Inputs: ``x`` (matrix), ``b`` (vector), ``y_idx`` (one label per row).
    Outputs: the per-row NLL, the softmax and the per-row argmax of ``x + b``.
    """

    nin = 3
    nout = 3
    __props__ = ()

    def make_node(self, x, b, y_idx) -> Apply:
        x = as_tensor_variable(x)
        b = as_tensor_variable(b)
        y_idx = as_tensor_variable(y_idx)
        name = "CrossentropySoftmaxArgmax1HotWithBias"
        _float_check(name, x, 2, "x")
        _float_check(name, b, 1, "b")
        _index_check(name, y_idx)
        shape = tuple(1 if s == 1 else None for s in y_idx.type.shape)
        nll = TensorType(x.type.dtype, shape=shape)()
        return Apply(self, [x, b, y_idx], [nll, x.type(), y_idx.type()])

    def perform(self, node, inputs, output_storage, params=None):
        x, b, y_idx = inputs
        name = "CrossentropySoftmaxArgmax1HotWithBias"
        if b.shape[0] != x.shape[1]:
            raise ValueError(
                f"{name}: b has {b.shape[0]} entries but x has {x.shape[1]} columns"
            )
        _check_labels(name, y_idx, x.shape[0], x.shape[1])
        dtype = node.outputs[0].type.dtype
        if x.shape[0] == 0:
            output_storage[0][0] = np.zeros(0, dtype=dtype)
            output_storage[1][0] = np.zeros_like(x)
            output_storage[2][0] = np.zeros_like(y_idx)
            return
        z = x + b
        am = z.argmax(axis=1)
        m = z.max(axis=1, keepdims=True)
        e = np.exp(z - m)
        s = e.sum(axis=1, keepdims=True)
        rows = np.arange(x.shape[0])
        nll = -z[rows, y_idx] + m[:, 0] + np.log(s[:, 0])
        output_storage[0][0] = np.asarray(nll, dtype=dtype)
        output_storage[1][0] = np.asarray(e / s, dtype=x.dtype)
        output_storage[2][0] = am.astype(y_idx.dtype)

    def infer_shape(self, fgraph, node, input_shapes):
        x_shp, b_shp, idx_shp = input_shapes
        return [(x_shp[0],), x_shp, idx_shp]

    def connection_pattern(self, node):
        return [[True, True, True], [True, True, True], [False, False, True]]

    def grad(self, inputs, output_gradients):
        from aesara.tensor.math import sum as at_sum

        x, b, y_idx = inputs
        g_nll, g_sm, g_am = output_gradients
        dx_terms, db_terms, didx_terms = [], [], []
        if not isinstance(g_nll.type, DisconnectedType):
            nll, sm = crossentropy_softmax_1hot_with_bias(x, b, y_idx)
            dx = crossentropy_softmax_1hot_with_bias_dx(g_nll, sm, y_idx)
            dx_terms.append(dx)
            db_terms.append(at_sum(dx, axis=[0]))
        if not isinstance(g_sm.type, DisconnectedType):
            dx, db = softmax_with_bias.L_op((x, b), [softmax_with_bias(x, b)], (g_sm,))
            dx_terms.append(dx)
            db_terms.append(db)
        if not isinstance(g_am.type, DisconnectedType):
            dx_terms.append(x.zeros_like())
            db_terms.append(b.zeros_like())
            # integer inputs get (float) zero gradients
            didx_terms.append(y_idx.zeros_like().astype(x.type.dtype))

        def total(terms):
            if not terms:
                return DisconnectedType()()
            out = terms[0]
            for t in terms[1:]:
                out = out + t
            return out

        return [total(dx_terms), total(db_terms), total(didx_terms)]


class CrossentropySoftmax1HotWithBiasDx(Op):
    """Gradient of the one-hot softmax NLL: ``dy[:, None] * (sm - onehot(y_idx))``.

    Inputs: ``dy`` (vector or scalar), ``sm`` (softmax matrix), ``y_idx``.
    """

    nin = 3
    nout = 1
    __props__ = ()

    def make_node(self, dy, sm, y_idx, **kwargs) -> Apply:
        dy = as_tensor_variable(dy)
        sm = as_tensor_variable(sm)
        y_idx = as_tensor_variable(y_idx)
        name = "CrossentropySoftmax1HotWithBiasDx"
        if dy.type.ndim > 1 or dy.type.dtype not in float_dtypes:
            raise ValueError(
                f"{name}: dy must be a 0-d or 1-d tensor of floats, got {dy.type}"
            )
        _float_check(name, sm, 2, "sm")
        _index_check(name, y_idx)
        return Apply(self, [dy, sm, y_idx], [sm.type()])

    def perform(self, node, inputs, output_storage, params=None):
        dy, sm, y_idx = inputs
        name = "CrossentropySoftmax1HotWithBiasDx"
        _check_labels(name, y_idx, sm.shape[0], sm.shape[1])
        dy = np.asarray(dy)
        if dy.ndim == 1 and dy.shape[0] not in (1, sm.shape[0]):
            raise ValueError(
                f"{name}: dy has {dy.shape[0]} entries but sm has {sm.shape[0]} rows"
            )
        dyc = dy.reshape(-1, 1) if dy.ndim == 1 else dy
        dx = dyc * sm
        rows = np.arange(sm.shape[0])
        dx[rows, y_idx] -= np.broadcast_to(dy.reshape(-1), (sm.shape[0],))
        output_storage[0][0] = np.asarray(dx, dtype=node.outputs[0].type.dtype)

    def infer_shape(self, fgraph, node, input_shapes):
        return [input_shapes[1]]

    def grad(self, inputs, output_gradients):
        import aesara.tensor as at
        from aesara.tensor.math import sum as at_sum

        dy, sm, y_idx = inputs
        (g_dx,) = output_gradients
        rows = at.arange(y_idx.shape[0])
        shifted = at.inc_subtensor(sm[rows, y_idx], -1)
        g_dy = at_sum(g_dx * shifted, axis=1)
        if dy.type.ndim == 0:
            g_dy = g_dy.sum()
            g_sm = dy * g_dx
        else:
            g_sm = dy.dimshuffle(0, "x") * g_dx
        return [g_dy, g_sm, grad_not_implemented(self, 2, y_idx)]


crossentropy_softmax_argmax_1hot_with_bias = CrossentropySoftmaxArgmax1HotWithBias()
crossentropy_softmax_1hot_with_bias_dx = CrossentropySoftmax1HotWithBiasDx()


def crossentropy_softmax_1hot_with_bias(x, b, y_idx, **kwargs):
    """``(nll, softmax(x + b))`` for integer labels ``y_idx``."""
    return crossentropy_softmax_argmax_1hot_with_bias(x, b, y_idx, **kwargs)[0:2]


def crossentropy_softmax_1hot(x, y_idx, **kwargs):
    """``(nll, softmax(x))`` for integer labels ``y_idx``."""
    x = as_tensor_variable(x)
    b = x[0, :].zeros_like()
    return crossentropy_softmax_1hot_with_bias(x, b, y_idx, **kwargs)


def crossentropy_softmax_max_and_argmax_1hot_with_bias(x, b, y_idx, **kwargs):
    """``(nll, softmax, max probability, argmax)`` of ``softmax(x + b)``."""
    from aesara.tensor.math import max_and_argmax

    xent, sm = crossentropy_softmax_1hot_with_bias(x, b, y_idx, **kwargs)
    max_pr, argmax = max_and_argmax(sm, axis=-1)
    return xent, sm, max_pr, argmax


def crossentropy_softmax_max_and_argmax_1hot(x, y_idx, **kwargs):
    """:func:`crossentropy_softmax_max_and_argmax_1hot_with_bias` with ``b = 0``."""
    x = as_tensor_variable(x)
    b = x[0, :].zeros_like()
    return crossentropy_softmax_max_and_argmax_1hot_with_bias(x, b, y_idx, **kwargs)


class CrossentropyCategorical1HotGrad(Op):
    """Gradient of :class:`CrossentropyCategorical1Hot` with respect to the
    coding distribution: ``-g_y[i] / coding[i, y[i]]`` at ``(i, y[i])``."""

    __props__ = ()

    def make_node(self, g_y, coding_dist, true_one_of_n) -> Apply:
        g_y, coding_dist, true_one_of_n = map(
            as_tensor_variable, (g_y, coding_dist, true_one_of_n)
        )
        return Apply(self, [g_y, coding_dist, true_one_of_n], [coding_dist.type()])

    def perform(self, node, inputs, output_storage, params=None):
        g_y, coding, idx = inputs
        out = np.zeros_like(coding)
        rows = np.arange(len(g_y))
        out[rows, idx] = -g_y / coding[rows, idx]
        output_storage[0][0] = out

    def infer_shape(self, fgraph, node, input_shapes):
        return [input_shapes[1]]


crossentropy_categorical_1hot_grad = CrossentropyCategorical1HotGrad()


class CrossentropyCategorical1Hot(Op):
    """``-log(coding_dist[i, true_one_of_n[i]])`` for each row ``i``."""

    __props__ = ()

    def make_node(self, coding_dist, true_one_of_n) -> Apply:
        coding = as_tensor_variable(coding_dist)
        idx = as_tensor_variable(true_one_of_n)
        if coding.type.ndim != 2:
            raise TypeError(
                f"CrossentropyCategorical1Hot: coding_dist must be a matrix, got {coding.type}"
            )
        if idx.type.ndim != 1 or idx.type.dtype not in integer_dtypes:
            raise TypeError(
                "CrossentropyCategorical1Hot: true_one_of_n must be an integer vector, "
                f"got {idx.type}"
            )
        return Apply(
            self, [coding, idx], [TensorType(coding.type.dtype, shape=(None,))()]
        )

    def perform(self, node, inputs, output_storage, params=None):
        coding, idx = inputs
        _check_labels(
            "CrossentropyCategorical1Hot", idx, coding.shape[0], coding.shape[1]
        )
        with np.errstate(divide="ignore"):
            y = -np.log(coding[np.arange(coding.shape[0]), idx])
        output_storage[0][0] = np.asarray(y, dtype=coding.dtype)

    def infer_shape(self, fgraph, node, input_shapes):
        return [(input_shapes[0][0],)]

    def grad(self, inputs, output_gradients):
        coding, idx = inputs
        (g_y,) = output_gradients
        return [
            crossentropy_categorical_1hot_grad(g_y, coding, idx),
            grad_not_implemented(self, 1, idx),
        ]


crossentropy_categorical_1hot = CrossentropyCategorical1Hot()


def _replace_xent(fgraph, allow_plain_softmax):
    changed = True
    while changed:
        changed = False
        for node in fgraph.toposort():
            if node.op != crossentropy_categorical_1hot:
                continue
            (nll,) = node.outputs
            sm, one_of_n = node.inputs
            if sm.owner is None:
                continue
            if sm.owner.op == softmax_with_bias:
                x, b = sm.owner.inputs
            elif (
                allow_plain_softmax
                and isinstance(sm.owner.op, Softmax)
                and sm.owner.op.axis in (-1, 1)
                and sm.type.ndim == 2
            ):
                (x,) = sm.owner.inputs
                b = x[0].zeros_like()
            else:
                continue
            new_nll, new_sm, _ = crossentropy_softmax_argmax_1hot_with_bias(
                x, b, one_of_n
            )
            fgraph.replace_all_validate(
                [(nll, new_nll), (sm, new_sm)],
                reason="crossentropy_to_crossentropy_with_softmax",
            )
            changed = True
            break


def _graph_rewriter(fn):
    from aesara.graph.rewriting.basic import graph_rewriter

    return graph_rewriter(fn)


@_graph_rewriter
def crossentropy_to_crossentropy_with_softmax_with_bias(fgraph):
    """Fuse ``crossentropy_categorical_1hot(softmax_with_bias(x, b), y)`` into
    :class:`CrossentropySoftmaxArgmax1HotWithBias`."""
    _replace_xent(fgraph, allow_plain_softmax=False)


@_graph_rewriter
def crossentropy_to_crossentropy_with_softmax(fgraph):
    """Like :func:`crossentropy_to_crossentropy_with_softmax_with_bias`, also
    for a plain last-axis softmax of a matrix."""
    _replace_xent(fgraph, allow_plain_softmax=True)


def _graph_merge(fgraph, node):
    if node.op != softmax_with_bias:
        return False
    x, b = node.inputs
    for client, _ in list(fgraph.clients.get(x, [])):
        if (
            client.op == crossentropy_softmax_argmax_1hot_with_bias
            and client.inputs[1] is b
        ):
            return [client.outputs[1]]
    return False


def _node_rewriter(tracks):
    from aesara.graph.rewriting.basic import node_rewriter

    return node_rewriter(tracks)


graph_merge_softmax_with_crossentropy_softmax = _node_rewriter([SoftmaxWithBias])(
    _graph_merge
)
graph_merge_softmax_with_crossentropy_softmax.__doc__ = (
    "Reuse the softmax output of a one-hot cross-entropy node for an identical "
    "``softmax_with_bias``."
)


def binary_crossentropy(output, target) -> Variable:
    """``-(target * log(output) + (1 - target) * log(1 - output))``, element-wise."""
    from aesara.tensor.math import log

    output = as_tensor_variable(output)
    target = as_tensor_variable(target)
    return -(target * log(output) + (1.0 - target) * log(1.0 - output))


def sigmoid_binary_crossentropy(output, target) -> Variable:
    """:func:`binary_crossentropy` of ``sigmoid(output)``, computed stably
    from the pre-sigmoid ``output`` (``softplus(-|o|) + o * ((o > 0) - t)``)."""
    from aesara.compile.builders import OpFromGraph
    from aesara.tensor.math import abs as at_abs
    from aesara.tensor.math import sigmoid, softplus

    output = as_tensor_variable(output)
    target = as_tensor_variable(target)
    o = output.type()
    t = target.type()

    def grad(inputs, out_grads):
        (oi, ti), (g,) = inputs, out_grads
        return [g * (sigmoid(oi) - ti), g * (-oi)]

    expr = softplus(-at_abs(o)) + o * ((o > 0) - t)
    op = OpFromGraph(
        [o, t],
        [expr],
        grad_overrides=grad,
        inline=True,
        name="sigmoid_binary_crossentropy",
    )
    return op(output, target)


def categorical_crossentropy(coding_dist, true_dist) -> Variable:
    """Cross-entropy between predicted distributions and targets.

    Parameters
    ----------
    coding_dist
        Predicted probabilities, one distribution per row (last axis).
    true_dist
        Either distributions of the same shape, or integer class indices with
        one dimension less.

    Returns
    -------
    Variable
        ``-sum(true_dist * log(coding_dist), axis=-1)``, or
        ``-log(coding_dist[i, true_dist[i]])`` for indices.
    """
    from aesara.tensor.math import log
    from aesara.tensor.math import sum as at_sum

    coding_dist = as_tensor_variable(coding_dist)
    true_dist = as_tensor_variable(true_dist)
    if true_dist.type.ndim == coding_dist.type.ndim:
        return -at_sum(true_dist * log(coding_dist), axis=coding_dist.type.ndim - 1)
    if true_dist.type.ndim == coding_dist.type.ndim - 1:
        return crossentropy_categorical_1hot(coding_dist, true_dist)
    raise TypeError(
        "categorical_crossentropy: rank mismatch between coding_dist "
        f"({coding_dist.type}) and true_dist ({true_dist.type})"
    )


def _prepend(mat, val):
    out = np.empty((mat.shape[0], mat.shape[1] + 1), dtype=mat.dtype)
    out[:, 0] = val
    out[:, 1:] = mat
    return out


class Prepend_scalar_constant_to_each_row(Op):
    """Prepend a column filled with the constant ``val`` to a matrix."""

    __props__ = ("val",)

    def __init__(self, val=0):
        self.val = float(val) if not isinstance(val, Variable) else float(val.data)

    def __str__(self):
        return f"{type(self).__name__}{{{self.val}}}"

    def make_node(self, mat) -> Apply:
        x = as_tensor_variable(mat)
        if x.type.ndim != 2:
            raise TypeError(f"{type(self).__name__}: expected a matrix, got {x.type}")
        return Apply(
            self, [x], [TensorType(x.type.dtype, shape=(x.type.shape[0], None))()]
        )

    def perform(self, node, inputs, output_storage, params=None):
        output_storage[0][0] = _prepend(inputs[0], self.val)

    def infer_shape(self, fgraph, node, input_shapes):
        r, c = input_shapes[0]
        return [(r, c + 1)]

    def grad(self, inputs, output_gradients):
        (g,) = output_gradients
        return [g[:, 1:]]


class Prepend_scalar_to_each_row(Op):
    """Prepend a column filled with the scalar input ``val`` to a matrix."""

    __props__ = ()

    def make_node(self, val, mat) -> Apply:
        x = as_tensor_variable(mat)
        if x.type.ndim != 2:
            raise TypeError(
                f"Prepend_scalar_to_each_row: expected a matrix, got {x.type}"
            )
        v = as_tensor_variable(val)
        if v.type.ndim != 0:
            raise TypeError(
                f"Prepend_scalar_to_each_row: val must be a scalar, got {v.type}"
            )
        return Apply(
            self, [v, x], [TensorType(x.type.dtype, shape=(x.type.shape[0], None))()]
        )

    def perform(self, node, inputs, output_storage, params=None):
        val, mat = inputs
        output_storage[0][0] = _prepend(mat, val)

    def infer_shape(self, fgraph, node, input_shapes):
        r, c = input_shapes[1]
        return [(r, c + 1)]

    def grad(self, inputs, output_gradients):
        (g,) = output_gradients
        return [g[:, 0].sum(), g[:, 1:]]


prepend_scalar_to_each_row = Prepend_scalar_to_each_row()
prepend_0_to_each_row = Prepend_scalar_constant_to_each_row(0.0)
prepend_1_to_each_row = Prepend_scalar_constant_to_each_row(1.0)


def relu(x, alpha=0) -> Variable:
    """Rectified linear unit ``max(x, 0)``; with ``alpha``, the leaky variant
    ``x if x > 0 else alpha * x`` (written with ``abs`` so it stays
    differentiable everywhere it should)."""
    from aesara.tensor.math import abs as at_abs

    x = as_tensor_variable(x)
    if isinstance(alpha, (int, float)) and alpha == 0:
        return 0.5 * (x + at_abs(x))
    alpha = as_tensor_variable(alpha)
    return 0.5 * (1 + alpha) * x + 0.5 * (1 - alpha) * at_abs(x)


def elu(x, alpha=1) -> Variable:
    """Exponential linear unit: ``x`` for ``x > 0``, else ``alpha * (exp(x) - 1)``."""
    import aesara.tensor as at
    from aesara.tensor.math import expm1

    x = as_tensor_variable(x)
    return at.switch(x > 0, x, alpha * expm1(x))


_SELU_ALPHA = 1.6732632423543772848170429916717
_SELU_SCALE = 1.0507009873554804934193349852946


def selu(x) -> Variable:
    """Scaled exponential linear unit, ``scale * elu(x, alpha)`` with the
    self-normalising constants of Klambauer et al. (2017)."""
    return _SELU_SCALE * elu(x, _SELU_ALPHA)


def h_softmax(
    x,
    batch_size,
    n_outputs,
    n_classes,
    n_outputs_per_class,
    W1,
    b1,
    W2,
    b2,
    target=None,
) -> Variable:
    """Two-level hierarchical softmax.

    Outputs are split into ``n_classes`` classes of ``n_outputs_per_class``
    outputs; ``p(output) = p(class) * p(output | class)``.

    Parameters
    ----------
    x
        ``(batch_size, n_in)`` inputs.
    W1, b1
        ``(n_in, n_classes)`` and ``(n_classes,)``: class-level softmax.
    W2, b2
        ``(n_classes, n_in, n_outputs_per_class)`` and
        ``(n_classes, n_outputs_per_class)``: per-class softmaxes.
    target
        ``None`` for the probabilities of all ``n_outputs`` outputs
        (``(batch_size, n_outputs)``), or one integer target per example for
        just those probabilities (``(batch_size,)``).
    """
    import aesara.tensor as at
    from aesara.tensor.math import dot, tensordot
    from aesara.tensor.nnet.blocksparse import sparse_block_dot

    x = as_tensor_variable(x)
    class_probs = softmax(dot(x, W1) + b1, axis=-1)
    if target is None:
        act = tensordot(x, W2, (1, 1)) + b2
        within = softmax(act.reshape((-1, n_outputs_per_class)), axis=-1)
        within = within.reshape((batch_size, n_classes, -1))
        probs = (class_probs.dimshuffle(0, 1, "x") * within).reshape((batch_size, -1))
        return probs[:, :n_outputs]
    target = as_tensor_variable(target).flatten()
    t_class = target // n_outputs_per_class
    t_within = target % n_outputs_per_class
    act = sparse_block_dot(
        as_tensor_variable(W2).dimshuffle("x", 0, 1, 2),
        x.dimshuffle(0, "x", 1),
        at.zeros((batch_size, 1), dtype="int32"),
        b2,
        t_class.dimshuffle(0, "x"),
    )
    within = softmax(act.dimshuffle(0, 2), axis=-1)
    rows = at.arange(batch_size)
    return class_probs[rows, t_class] * within[rows, t_within]


def softsign_array(x):
    """NumPy ``x / (1 + |x|)`` (the array implementation of :data:`softsign`)."""
    x = np.asarray(x)
    if x.dtype.kind in "biu":
        x = x.astype(np.float64 if x.dtype.itemsize > 2 else np.float32)
    return x / (1.0 + np.abs(x))


class ScalarSoftsign(aes.UnaryScalarOp):
    """``x / (1 + |x|)``."""

    nfunc_spec = ("aesara.tensor.nnet.basic.softsign_array", 1, 1)

    @staticmethod
    def static_impl(x):
        return x / (1.0 + abs(x))

    def impl(self, x):
        return ScalarSoftsign.static_impl(x)

    def grad(self, inputs, output_gradients):
        (x,) = inputs
        (gz,) = output_gradients
        if "float" in x.type.dtype:
            d = 1.0 + abs(x)
            return [gz / (d * d)]
        return [x.zeros_like()]


scalar_softsign = ScalarSoftsign(aes.upgrade_to_float, name="scalar_softsign")
softsign = Elemwise(scalar_softsign, name="softsign")


def confusion_matrix(actual, pred) -> list:
    """Confusion matrix of two label vectors.

    Returns
    -------
    list
        ``[conf_mat, order]``: ``conf_mat[i, j]`` counts the examples of
        class ``order[i]`` predicted as ``order[j]``; ``order`` holds the
        sorted labels occurring in either vector.
    """
    import aesara.tensor as at
    from aesara.tensor.extra_ops import Unique
    from aesara.tensor.math import dot, eq

    actual = as_tensor_variable(actual)
    pred = as_tensor_variable(pred)
    if actual.type.ndim != 1:
        raise ValueError(
            f"confusion_matrix: actual must be a 1-d tensor, got {actual.type}"
        )
    if pred.type.ndim != 1:
        raise ValueError(
            f"confusion_matrix: pred must be a 1-d tensor, got {pred.type}"
        )
    order = Unique(False, False, False)(at.concatenate([actual, pred]))
    one_hot_a = eq(actual.dimshuffle(0, "x"), order).astype("int64")
    one_hot_p = eq(pred.dimshuffle(0, "x"), order).astype("int64")
    return [dot(one_hot_a.T, one_hot_p), order]


_MOVED = {
    "logsoftmax": ("aesara.tensor.special.log_softmax", log_softmax),
}


def __getattr__(name: str) -> typing.Any:
    # ``softmax`` is imported above (the special-module function); only the
    # old spelling ``logsoftmax`` is a deprecated alias here.
    if name in _MOVED:
        where, obj = _MOVED[name]
        warnings.warn(
            f"`aesara.tensor.nnet.basic.{name}` has been moved to `{where}`.",
            DeprecationWarning,
            stacklevel=2,
        )
        return obj
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def local_softmax_with_bias(fgraph, node):
    from aesara.tensor.elemwise import DimShuffle
    from aesara.tensor.math import add
    from aesara.tensor.shape import shape_padleft

    if not isinstance(node.op, Softmax) or node.outputs[0].type.ndim != 2:
        return False
    if node.op.axis not in (-1, 1):
        return False
    (x,) = node.inputs
    if x.owner is None or x.owner.op != add:
        return False
    rows, others = [], []
    for term in x.owner.inputs:
        if term.type.ndim == 2 and tuple(term.type.broadcastable) == (True, False):
            inner = term.owner
            if (
                inner is not None
                and isinstance(inner.op, DimShuffle)
                and inner.op.new_order == ("x", 0)
            ):
                # Undo the broadcast of a vector instead of adding a new one.
                rows.append(inner.inputs[0])
            else:
                rows.append(term[0])
        else:
            others.append(term)
    if not rows:
        return False
    if not others:
        others.append(shape_padleft(rows.pop()))
        if not rows:
            return False
    bias = rows[0] if len(rows) == 1 else add(*rows)
    mat = others[0] if len(others) == 1 else add(*others)
    try:
        out = softmax_with_bias(mat, bias)
    except (TypeError, ValueError):
        return False  # e.g. integer terms: SoftmaxWithBias takes floats only
    old = node.outputs[0].type
    if out.type.dtype != old.dtype or out.type.broadcastable != old.broadcastable:
        return False
    return [out]


local_softmax_with_bias = _node_rewriter([Softmax])(local_softmax_with_bias)
local_softmax_with_bias.__doc__ = (
    "Rewrite ``softmax(m + row_1 + ...)`` of a matrix (last axis) into "
    "``softmax_with_bias(m, b)``. Opt-in: :class:`SoftmaxWithBias` checks that "
    "the bias matches the columns, so a matrix term broadcast at run time "
    "(shape ``(n, 1)``) would make it fail where the sum did not."
)


def local_softmax_grad_to_crossentropy_with_softmax_grad(fgraph, node):
    # softmax_grad(xent_grad(g, sm, y), sm) == g[:, None] * (sm - onehot(y)).
    if not isinstance(node.op, SoftmaxGrad) or node.op.axis not in (-1, 1):
        return False
    g_sm, sm = node.inputs
    if sm.type.ndim != 2:
        return False
    inner = g_sm.owner
    if inner is None or inner.op != crossentropy_categorical_1hot_grad:
        return False
    g_nll, coding, y_idx = inner.inputs
    if coding is not sm:
        return False  # the identity only holds for the same distribution
    try:
        dx = crossentropy_softmax_1hot_with_bias_dx(g_nll, sm, y_idx)
    except (TypeError, ValueError):
        return False
    if dx.type != node.outputs[0].type:
        return False
    return [dx]


local_softmax_grad_to_crossentropy_with_softmax_grad = _node_rewriter([SoftmaxGrad])(
    local_softmax_grad_to_crossentropy_with_softmax_grad
)
local_softmax_grad_to_crossentropy_with_softmax_grad.__doc__ = (
    "Rewrite the softmax gradient of a one-hot cross-entropy gradient into "
    ":class:`CrossentropySoftmax1HotWithBiasDx`. Opt-in: where a softmax "
    "entry underflows to 0 the chained form gives NaN and this one does not, "
    "and negative labels are rejected by the fused op."
)


def _argmax_tracks():
    from aesara.tensor.math import Argmax, MaxAndArgmax

    return [Argmax, MaxAndArgmax]


def _monotonic_scalar_ops():
    import aesara.scalar.math as aesm

    return (aes.Exp, aes.Log, aes.Tanh, aesm.Sigmoid, aesm.Softplus)


def local_argmax_pushdown(fgraph, node):
    from aesara.tensor.math import Argmax, MaxAndArgmax, argmax, max_and_argmax

    if isinstance(node.op, MaxAndArgmax):
        # The max changes under the map; only the positions survive.
        if fgraph is None or fgraph.clients.get(node.outputs[0]):
            return False
    elif not isinstance(node.op, Argmax):
        return False
    (x,) = node.inputs
    inner = x.owner
    if inner is None:
        return False
    axis = node.op.axis
    ndim = x.type.ndim
    reduced = tuple(range(ndim)) if axis is None else tuple(axis)
    if isinstance(inner.op, Elemwise) and isinstance(
        inner.op.scalar_op, _monotonic_scalar_ops()
    ):
        pre = inner.inputs[0]
    elif isinstance(inner.op, Softmax) or inner.op == softmax_with_bias:
        # Softmax keeps the order only along its own axis.
        if isinstance(inner.op, Softmax):
            if inner.op.axis is None:
                sm_axes = tuple(range(ndim))
            else:
                sm_axes = (inner.op.axis % ndim,)
            pre = inner.inputs[0]
        else:
            sm_axes = (1,)
            pre = inner.inputs[0] + inner.inputs[1].dimshuffle("x", 0)
        if tuple(sorted(reduced)) != sm_axes:
            return False
    else:
        return False
    if pre.type.ndim != ndim or pre.type.dtype.startswith("complex"):
        return False
    if isinstance(node.op, Argmax):
        return [argmax(pre, axis=axis)]
    mx, am = max_and_argmax(pre, axis=axis)
    return [mx, am]


local_argmax_pushdown = _node_rewriter(_argmax_tracks())(local_argmax_pushdown)
local_argmax_pushdown.__doc__ = (
    "Take the argmax of ``f(x)`` on ``x`` for an increasing ``f`` (``exp``, "
    "``log``, ``tanh``, ``sigmoid``, ``softplus``, a softmax along the reduced "
    "axis), when the max itself is unused. Opt-in: where ``f`` saturates "
    "(``exp`` overflowing, ``sigmoid`` rounding to 1) or gives NaN (``log`` of "
    "a negative) the first maximum of ``f(x)`` is not that of ``x``."
)


# --------------------------------------------------------------------------
# Rewrites of cross-entropies written with advanced indexing
# --------------------------------------------------------------------------


def _elemwise_of(var, scalar_type) -> bool:
    """Whether ``var`` is computed by an ``Elemwise`` of ``scalar_type``."""
    owner = var.owner
    return (
        owner is not None
        and isinstance(owner.op, Elemwise)
        and isinstance(owner.op.scalar_op, scalar_type)
    )


def _is_const(var, value) -> bool:
    from aesara.tensor.basic import get_scalar_constant_value
    from aesara.tensor.exceptions import NotScalarConstantError

    try:
        return bool(np.all(get_scalar_constant_value(var) == value))
    except NotScalarConstantError:
        return False


def _is_length_of(fgraph, n, labels) -> bool:
    """Whether the scalar ``n`` is provably ``labels.shape[0]``."""
    from aesara.tensor.elemwise import DimShuffle
    from aesara.tensor.shape import Shape, Shape_i
    from aesara.tensor.subtensor import Subtensor

    while n.owner is not None and (
        (isinstance(n.owner.op, DimShuffle) and n.owner.op.new_order == ())
        or _elemwise_of(n, aes.Cast)
    ):
        n = n.owner.inputs[0]
    static = labels.type.shape[0]
    if static is not None and _is_const(n, static):
        return True
    owner = n.owner
    if owner is not None:
        if isinstance(owner.op, Shape_i):
            return owner.op.i == 0 and owner.inputs[0] is labels
        shp = owner.inputs[0] if owner.inputs else None
        if (
            isinstance(owner.op, Subtensor)
            and len(owner.inputs) == 2
            and shp.owner is not None
            and isinstance(shp.owner.op, Shape)
            and shp.owner.inputs[0] is labels
            and _is_const(owner.inputs[1], 0)
        ):
            return True
    shape_feature = getattr(fgraph, "shape_feature", None)
    if shape_feature is not None and labels in shape_feature.shape_of:
        return shape_feature.shape_of[labels][0] is n
    return False


def _rows_are_arange(fgraph, rows, labels) -> bool:
    """Whether ``rows`` is ``arange(labels.shape[0])``: then indexing a matrix
    by ``[rows, labels]`` picks one entry per row, in order."""
    from aesara.tensor.basic import ARange

    shape_feature = getattr(fgraph, "shape_feature", None)
    if shape_feature is not None and labels in shape_feature.shape_of:
        # ``arange(1)`` may have been constant-folded into a plain 0.
        if _is_const(shape_feature.shape_of[labels][0], 1) and _is_const(rows, 0):
            return True
    if rows.owner is None or not isinstance(rows.owner.op, ARange):
        return False
    start, stop, step = rows.owner.inputs
    if not (_is_const(start, 0) and _is_const(step, 1)):
        return False
    return _is_length_of(fgraph, stop, labels)


def _is_row_softmax(sm) -> bool:
    """Whether the matrix ``sm`` is a softmax of its rows."""
    if sm.owner is None or sm.type.ndim != 2:
        return False
    op = sm.owner.op
    return op == softmax_with_bias or (isinstance(op, Softmax) and op.axis in (-1, 1))


def _softmax_inputs(fgraph, sm):
    """``(x, b)`` with ``sm == softmax_with_bias(x, b)`` for a matrix ``sm``
    computed by ``softmax_with_bias`` or a last-axis ``Softmax``; else None."""
    if not _is_row_softmax(sm):
        return None
    if sm.owner.op == softmax_with_bias:
        return tuple(sm.owner.inputs)
    split = local_softmax_with_bias.transform(fgraph, sm.owner)
    if split and split[0].owner is not None and split[0].owner.op == softmax_with_bias:
        return tuple(split[0].owner.inputs)
    (x,) = sm.owner.inputs
    if x.type.dtype not in float_dtypes:
        return None
    return x, x[0].zeros_like()


def _as_type_of(new, old):
    """``new`` with exactly ``old``'s type (a cast of static shape only), or
    None when the types are not compatible."""
    if new.type == old.type:
        return new
    if new.type.dtype != old.type.dtype or new.type.ndim != old.type.ndim:
        return None
    try:
        return old.type.filter_variable(new)
    except TypeError:
        return None


def _picks(var, sm, rows, labels) -> bool:
    """Whether ``var`` is ``sm[rows, labels]`` (the very same variables)."""
    from aesara.tensor.subtensor import AdvancedSubtensor

    owner = var.owner
    return (
        owner is not None
        and isinstance(owner.op, AdvancedSubtensor)
        and len(owner.inputs) == 3
        and owner.inputs[0] is sm
        and owner.inputs[1] is rows
        and owner.inputs[2] is labels
    )


def _per_row(var) -> bool:
    # A vector (one value per row) or something broadcasting like a scalar.
    return var.type.ndim == 1 or all(var.type.broadcastable)


def _nll_grad_from_increment(incr, sm, rows, labels):
    """Given ``incr == -g / sm[rows, labels]`` (as written by the gradient of
    ``log`` and then canonicalised), return ``g``, else None.

    Accepted forms: an optional ``neg`` around ``num / den`` or
    ``num * reciprocal(den)``, with ``den`` being the picked probabilities,
    or their product with one more per-row factor.
    """
    from aesara.tensor.math import mul

    sign = 1.0
    if _elemwise_of(incr, aes.Neg):
        sign = -1.0
        incr = incr.owner.inputs[0]
    if _elemwise_of(incr, aes.TrueDiv):
        num, den = incr.owner.inputs
    elif _elemwise_of(incr, aes.Mul):
        factors = list(incr.owner.inputs)
        recips = [f for f in factors if _elemwise_of(f, aes.Reciprocal)]
        if len(recips) != 1 or len(factors) < 2:
            return None
        factors.remove(recips[0])
        den = recips[0].owner.inputs[0]
        num = factors[0] if len(factors) == 1 else mul(*factors)
    else:
        return None
    if not _per_row(num):
        return None
    if _picks(den, sm, rows, labels):
        rest = None
    elif _elemwise_of(den, aes.Mul):
        factors = list(den.owner.inputs)
        picked = [f for f in factors if _picks(f, sm, rows, labels)]
        if len(picked) != 1:
            return None
        factors.remove(picked[0])
        rest = factors[0] if len(factors) == 1 else mul(*factors)
        if not _per_row(rest):
            return None
    else:
        return None
    g = -sign * num
    return g if rest is None else g / rest


def _zeros_incremented_at_picks(var):
    """``(incr, rows, labels)`` if ``var`` is
    ``inc_subtensor(zeros[rows, labels], incr)``, else None."""
    from aesara.tensor.subtensor import AdvancedIncSubtensor

    owner = var.owner
    if owner is None or not isinstance(owner.op, AdvancedIncSubtensor):
        return None
    if len(owner.inputs) != 4 or not _is_const(owner.inputs[0], 0):
        return None
    return tuple(owner.inputs[1:])


def local_advanced_indexing_crossentropy_onehot(fgraph, node):
    from aesara.tensor.subtensor import AdvancedSubtensor

    if isinstance(node.op, AdvancedSubtensor):
        # log(softmax(x))[rows, labels]
        if len(node.inputs) != 3 or not _elemwise_of(node.inputs[0], aes.Log):
            return False
        sm = node.inputs[0].owner.inputs[0]
        rows, labels = node.inputs[1:]
    elif isinstance(node.op, Elemwise) and isinstance(node.op.scalar_op, aes.Log):
        # log(softmax(x)[rows, labels])
        picked = node.inputs[0].owner
        if (
            picked is None
            or not isinstance(picked.op, AdvancedSubtensor)
            or len(picked.inputs) != 3
        ):
            return False
        sm, rows, labels = picked.inputs
    else:
        return False
    if labels.type.ndim != 1 or labels.type.dtype not in integer_dtypes:
        return False
    parts = _softmax_inputs(fgraph, sm)
    if parts is None or not _rows_are_arange(fgraph, rows, labels):
        return False
    x, b = parts
    try:
        nll = crossentropy_softmax_argmax_1hot_with_bias(x, b, labels)[0]
    except (TypeError, ValueError):
        return False
    out = _as_type_of(-nll, node.outputs[0])
    return False if out is None else [out]


def _log_tracks():
    from aesara.tensor.math import log
    from aesara.tensor.subtensor import AdvancedSubtensor

    return [AdvancedSubtensor, log]


local_advanced_indexing_crossentropy_onehot = _node_rewriter(_log_tracks())(
    local_advanced_indexing_crossentropy_onehot
)
local_advanced_indexing_crossentropy_onehot.__doc__ = (
    "Rewrite ``log(softmax(x))[arange(y.shape[0]), y]`` and "
    "``log(softmax(x)[arange(y.shape[0]), y])`` (``softmax`` being a "
    "last-axis softmax of a matrix, or ``softmax_with_bias``) into minus the "
    "NLL output of :class:`CrossentropySoftmaxArgmax1HotWithBias`. Opt-in "
    "(Aesara runs it by default): the fused op rejects negative labels, which "
    "indexing wraps around, and gives a finite NLL where the softmax "
    "underflows to 0 and the original gives ``-inf``."
)


def local_advanced_indexing_crossentropy_onehot_grad(fgraph, node):
    from aesara.tensor.basic import fill

    if not isinstance(node.op, SoftmaxGrad) or node.op.axis not in (-1, 1):
        return False
    d_sm, sm = node.inputs
    if not _is_row_softmax(sm):
        return False
    picked = _zeros_incremented_at_picks(d_sm)
    if picked is not None:
        # Gradient of log(softmax(x)[rows, labels]): the picked entries of
        # a zero matrix are incremented by -g / softmax(x)[rows, labels].
        incr, rows, labels = picked
        g = _nll_grad_from_increment(incr, sm, rows, labels)
        if g is None:
            return False
        g = fill(sm[:, 0], g)  # one value per row
    else:
        # Gradient of log(softmax(x))[rows, labels]: zeros incremented by -g
        # at the picks, then divided by the softmax.
        if _elemwise_of(d_sm, aes.TrueDiv):
            num, den = d_sm.owner.inputs
        elif _elemwise_of(d_sm, aes.Mul) and len(d_sm.owner.inputs) == 2:
            num, recip = d_sm.owner.inputs
            if not _elemwise_of(recip, aes.Reciprocal):
                num, recip = recip, num
            if not _elemwise_of(recip, aes.Reciprocal):
                return False
            den = recip.owner.inputs[0]
        else:
            return False
        if den is not sm:
            return False
        picked = _zeros_incremented_at_picks(num)
        if picked is None or num.type.broadcastable not in (
            (False, False),
            (True, False),
        ):
            return False
        incr, rows, labels = picked
        if incr.type.ndim != 1 or incr.type.dtype not in float_dtypes:
            return False
        g = -incr
    if labels.type.ndim != 1 or labels.type.dtype not in integer_dtypes:
        return False
    if not _rows_are_arange(fgraph, rows, labels):
        return False
    try:
        dx = crossentropy_softmax_1hot_with_bias_dx(g, sm, labels)
    except (TypeError, ValueError):
        return False
    out = _as_type_of(dx, node.outputs[0])
    return False if out is None else [out]


local_advanced_indexing_crossentropy_onehot_grad = _node_rewriter([SoftmaxGrad])(
    local_advanced_indexing_crossentropy_onehot_grad
)
local_advanced_indexing_crossentropy_onehot_grad.__doc__ = (
    "Rewrite the softmax gradient of ``log(softmax(x)[arange(y.shape[0]), "
    "y])`` or of ``log(softmax(x))[arange(y.shape[0]), y]`` (the increment "
    "of a zero matrix at the picked entries) into "
    ":class:`CrossentropySoftmax1HotWithBiasDx`. Opt-in (Aesara runs it by "
    "default): where a softmax entry underflows to 0 the chained form gives "
    "NaN and this one does not, and negative labels are rejected."
)


def local_useless_crossentropy_softmax_1hot_with_bias_dx_alloc(fgraph, node):
    from aesara.raise_op import Assert
    from aesara.tensor.basic import Alloc
    from aesara.tensor.math import eq, or_

    if not isinstance(node.op, CrossentropySoftmax1HotWithBiasDx):
        return False
    dy, sm, y_idx = node.inputs
    # A scalar or a length-1 vector is broadcast by the op itself.
    if dy.type.ndim != 1 or dy.type.broadcastable[0]:
        return False
    if dy.owner is None or not isinstance(dy.owner.op, Alloc):
        return False
    shape_feature = getattr(fgraph, "shape_feature", None)
    if shape_feature is None:
        return False  # needed to know whether a shape check must stay
    dz = dy.owner.inputs[0]
    if dz.type.ndim > 1:
        return False
    if (
        all(dz.type.broadcastable)
        and not shape_feature.same_shape(sm, dy, dim_x=0, dim_y=0)
        and not _is_const(shape_feature.shape_of[dy][0], 1)
    ):
        # The Alloc made a broadcast value as long as dy; the op accepts one
        # of length 1 or of sm's rows, so keep the Alloc's length check.
        cond = or_(eq(dy.shape[0], 1), eq(dy.shape[0], sm.shape[0]))
        dz = Assert("`sm` and `dy` do not have the same shape.")(dz, cond)
    return [node.op(dz, sm, y_idx)]


local_useless_crossentropy_softmax_1hot_with_bias_dx_alloc = _node_rewriter(
    [CrossentropySoftmax1HotWithBiasDx]
)(local_useless_crossentropy_softmax_1hot_with_bias_dx_alloc)
local_useless_crossentropy_softmax_1hot_with_bias_dx_alloc.__doc__ = (
    "Feed :class:`CrossentropySoftmax1HotWithBiasDx` the value an ``Alloc`` "
    "broadcasts into its ``dy`` instead of the allocated vector (the op "
    "broadcasts a scalar or length-1 ``dy`` itself). When the lengths are "
    "not provably equal, an ``Assert`` keeps the check the ``Alloc`` did. "
    "Needs the fgraph's shape feature; registered by default in "
    "canonicalize, stabilize and specialize, as in Aesara."
)


def _register_rewrites():
    # As in Aesara: fuse one-hot cross-entropies of softmaxes after
    # specialisation, in the default and fast-compile pipelines.
    from aesara.compile import optdb

    try:
        optdb.register(
            "crossentropy_to_crossentropy_with_softmax",
            crossentropy_to_crossentropy_with_softmax,
            "fast_run",
            "xent",
            "fast_compile",
            position=2.01,
        )
    except ValueError:
        pass  # already registered (module reloaded)
    # Opt-in by name (no tags): see the docstrings for the graphs whose
    # values they would change.
    for rw in (
        local_softmax_with_bias,
        local_argmax_pushdown,
        local_softmax_grad_to_crossentropy_with_softmax_grad,
        local_advanced_indexing_crossentropy_onehot,
        local_advanced_indexing_crossentropy_onehot_grad,
    ):
        try:
            optdb["specialize"].register(rw.__name__, rw)
        except (ValueError, TypeError):
            pass
    # This one only drops an Alloc (keeping its length check): on by default.
    from aesara.tensor.rewriting.basic import (
        register_canonicalize,
        register_specialize,
        register_stabilize,
    )

    rw = local_useless_crossentropy_softmax_1hot_with_bias_dx_alloc
    for register in (register_canonicalize, register_stabilize, register_specialize):
        try:
            register(rw)
        except (ValueError, TypeError):
            pass


_register_rewrites()
