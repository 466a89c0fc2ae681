"""Batch normalisation: ``batch_normalization`` (with given statistics),
``batch_normalization_train`` (batch statistics, optional running averages)
and ``batch_normalization_test`` (stored statistics), with the ops
``AbstractBatchNormTrain``, ``AbstractBatchNormInference`` and
``AbstractBatchNormTrainGrad``.
"""

from __future__ import annotations

import numpy as np

import aesara.scalar.basic as aes
from aesara.configdefaults import config
from aesara.gradient import DisconnectedType
from aesara.graph.basic import Apply, Variable
from aesara.graph.op import Op
from aesara.scalar._composite import Composite
from aesara.tensor.basic import as_tensor_variable
from aesara.tensor.elemwise import Elemwise
from aesara.tensor.shape import specify_broadcastable

__all__ = [
    "BNComposite",
    "batch_normalization",
    "batch_normalization_train",
    "batch_normalization_test",
    "AbstractBatchNormTrain",
    "AbstractBatchNormInference",
    "AbstractBatchNormTrainGrad",
    "local_abstract_batch_norm_train",
    "local_abstract_batch_norm_train_grad",
    "local_abstract_batch_norm_inference",
    "bn_groupopt",
]


class BNComposite(Composite):
    """Scalar ``(x - mean) / std * gamma + beta`` (inputs in that order:
    ``x, mean, std, gamma, beta``), fused into one element-wise kernel."""

    init_param = ("dtype",)

    def __init__(self, dtype):
        self.dtype = dtype
        st = aes.get_scalar_type(dtype)
        x, mean, std, gamma, beta = (st() for _ in range(5))
        out = (x - mean) / std * gamma + beta
        super().__init__([x, mean, std, gamma, beta], [out])


def batch_normalization(inputs, gamma, beta, mean, std, mode="low_mem") -> Variable:
    """``(inputs - mean) * (gamma / std) + beta`` with broadcasting.

    Parameters
    ----------
    inputs, gamma, beta, mean, std
        Tensors broadcastable against ``inputs``.
    mode
        ``"low_mem"`` (one fused element-wise kernel) or ``"high_mem"``
        (separate operations; faster when parameters broadcast a lot).
    """
    inputs = as_tensor_variable(inputs)
    if mode == "low_mem":
        gamma, beta, mean, std = (
            as_tensor_variable(v) for v in (gamma, beta, mean, std)
        )
        return Elemwise(BNComposite(dtype=inputs.type.dtype))(
            inputs, mean, std, gamma, beta
        )
    if mode == "high_mem":
        return (inputs - mean) * (gamma / std) + beta
    raise ValueError(
        f'batch_normalization: mode must be "low_mem" or "high_mem", got {mode!r}'
    )


def _prepare_axes(axes, ndim):
    if axes == "per-activation":
        axes = (0,)
    elif axes == "spatial":
        axes = (0,) + tuple(range(2, ndim))
    elif isinstance(axes, (tuple, list, np.ndarray)):
        axes = tuple(int(a) for a in axes)
    else:
        raise ValueError(
            f'invalid axes {axes!r}: expected "per-activation", "spatial" or a tuple of ints'
        )
    axes = tuple(sorted(axes))
    if not axes:
        raise ValueError("there should be at least one normalization axis")
    if min(axes) < 0 or max(axes) >= ndim:
        raise ValueError(f"axes should be less than ndim (<{ndim}), but {axes} given")
    return axes, tuple(i for i in range(ndim) if i not in axes)


def _param_layout(inputs, gamma, beta, axes, non_bc_axes):
    """The dimshuffle pattern bringing parameters to the inputs' rank (or
    ``None`` when they already have it)."""
    ndim = inputs.type.ndim
    params_ndim = ndim if gamma.type.ndim == ndim else len(non_bc_axes)
    if gamma.type.ndim != params_ndim or beta.type.ndim != params_ndim:
        raise ValueError(
            "gamma and beta dimensionality must match the number of non-normalized "
            "axes, or have the same number of dimensions as the inputs; got "
            f"{gamma.type.ndim} and {beta.type.ndim} instead of {params_ndim}"
        )
    if params_ndim == ndim:
        return params_ndim, None
    pattern = ["x"] * ndim
    for i, ax in enumerate(non_bc_axes):
        pattern[ax] = i
    return params_ndim, pattern


def _expand(v, pattern, axes):
    return (
        v.dimshuffle(pattern)
        if pattern is not None
        else specify_broadcastable(v, *axes)
    )


def _check_epsilon(epsilon):
    epsilon = np.asarray(epsilon, dtype=config.floatX)
    if epsilon < 1e-5:
        raise ValueError(f"epsilon must be at least 1e-5, got {epsilon}")
    return epsilon


def batch_normalization_train(
    inputs,
    gamma,
    beta,
    axes="per-activation",
    epsilon=1e-4,
    running_average_factor=0.1,
    running_mean=None,
    running_var=None,
) -> tuple:
    """Normalise ``inputs`` with the statistics of the batch.

    Parameters
    ----------
    inputs
        The tensor to normalise.
    gamma, beta
        Scale and shift, shaped like the non-normalised axes (or with the
        inputs' rank and broadcastable normalised axes).
    axes
        ``"per-activation"`` (axis 0), ``"spatial"`` (axis 0 and all axes
        from 2) or a tuple of axes.
    epsilon
        Added to the variance (at least 1e-5).
    running_average_factor
        Weight of the batch statistics in the running averages.
    running_mean, running_var
        Optional running statistics to update (both or neither).

    Returns
    -------
    tuple
        ``(out, mean, invstd)`` and, with running statistics,
        ``new_running_mean, new_running_var`` (the variance update uses the
        unbiased batch variance).
    """
    inputs = as_tensor_variable(inputs)
    gamma = as_tensor_variable(gamma)
    beta = as_tensor_variable(beta)
    axes, non_bc_axes = _prepare_axes(axes, inputs.type.ndim)
    params_ndim, pattern = _param_layout(inputs, gamma, beta, axes, non_bc_axes)
    if (running_mean is None) != (running_var is None):
        raise ValueError(
            "running_mean and running_var must either both be given or both be None"
        )
    for name, v in (("running_mean", running_mean), ("running_var", running_var)):
        if v is not None and as_tensor_variable(v).type.ndim != params_ndim:
            raise ValueError(
                f"{name} must be of the same dimensionality as gamma and beta; got "
                f"{as_tensor_variable(v).type.ndim} instead of {params_ndim}"
            )
    epsilon = _check_epsilon(epsilon)
    gamma = _expand(gamma, pattern, axes)
    beta = _expand(beta, pattern, axes)
    op = AbstractBatchNormTrain(axes=axes)
    if running_mean is not None:
        rm = _expand(as_tensor_variable(running_mean), pattern, axes)
        rv = _expand(as_tensor_variable(running_var), pattern, axes)
        results = list(
            op(
                inputs,
                gamma,
                beta,
                epsilon=epsilon,
                running_average_factor=running_average_factor,
                running_mean=rm,
                running_var=rv,
            )
        )
        for i, ref in ((3, rm), (4, rv)):
            bc = [ax for ax, s in enumerate(ref.type.shape) if s == 1]
            if bc:
                results[i] = specify_broadcastable(results[i], *bc)
    else:
        results = list(op(inputs, gamma, beta, epsilon=epsilon))
    if pattern is not None:
        results = [results[0]] + [r.dimshuffle(non_bc_axes) for r in results[1:]]
    return tuple(results)


def batch_normalization_test(
    inputs, gamma, beta, mean, var, axes="per-activation", epsilon=1e-4
) -> Variable:
    """Normalise ``inputs`` with given statistics:
    ``(inputs - mean) * gamma / sqrt(var + epsilon) + beta``.

    ``gamma``, ``beta``, ``mean`` and ``var`` are laid out as in
    :func:`batch_normalization_train`.
    """
    inputs = as_tensor_variable(inputs)
    gamma, beta, mean, var = (as_tensor_variable(v) for v in (gamma, beta, mean, var))
    axes, non_bc_axes = _prepare_axes(axes, inputs.type.ndim)
    params_ndim, pattern = _param_layout(inputs, gamma, beta, axes, non_bc_axes)
    if mean.type.ndim != params_ndim or var.type.ndim != params_ndim:
        raise ValueError(
            "mean and var must be of the same dimensionality as gamma and beta; got "
            f"{mean.type.ndim} and {var.type.ndim} instead of {params_ndim}"
        )
    epsilon = _check_epsilon(epsilon)
    gamma, beta, mean, var = (
        _expand(v, pattern, axes) for v in (gamma, beta, mean, var)
    )
    return AbstractBatchNormInference(axes=axes)(
        inputs, gamma, beta, mean, var, epsilon=epsilon
    )


def _closed_form_grads(build, inputs, output_gradients):
    """Gradients of ``build(*inputs)`` (a list of closed-form expressions)
    with respect to ``inputs``, given the gradients of those expressions.

    The expressions are built on stand-ins for ``inputs`` so that the
    differentiation stops at them even when the real inputs depend on each
    other; the stand-ins are then replaced by the real inputs.
    """
    from aesara.gradient import grad as at_grad
    from aesara.graph.basic import clone_replace

    stand_ins = [v.type() for v in inputs]
    outs = build(*stand_ins)
    known = {
        o: g
        for o, g in zip(outs, output_gradients)
        if g is not None and not isinstance(g.type, DisconnectedType)
    }
    if not known:
        return [DisconnectedType()() for _ in inputs]
    grads = at_grad(
        cost=None,
        wrt=stand_ins,
        known_grads=known,
        disconnected_inputs="ignore",
        return_disconnected="disconnected",
    )
    mapping = dict(zip(stand_ins, inputs))
    return [
        g if isinstance(g.type, DisconnectedType) else clone_replace(g, replace=mapping)
        for g in grads
    ]


def _common_dtype(*vs):
    from aesara.scalar.basic import upcast

    dtype = upcast(*(v.type.dtype for v in vs))
    return [v if v.type.dtype == dtype else v.astype(dtype) for v in vs]


class _AxesOp(Op):
    __props__ = ("axes",)

    def __init__(self, axes=(0,)):
        if not isinstance(axes, (tuple, list)) or len(axes) == 0:
            raise ValueError(
                f"{type(self).__name__}: axes must be a non-empty tuple, got {axes!r}"
            )
        self.axes = tuple(int(a) for a in axes)

    def _check_axes(self, ndim):
        if min(self.axes) < 0 or max(self.axes) >= ndim:
            raise ValueError(
                f"axes should be less than ndim (<{ndim}), but {self.axes} given"
            )


class AbstractBatchNormTrain(_AxesOp):
    """Batch normalisation with batch statistics.

    Inputs: ``x, scale, bias, epsilon, running_average_factor`` and optionally
    ``running_mean, running_var`` (all parameters have ``x``'s rank).
    Outputs: ``out, mean, invstd`` (+ the updated running statistics).
    """

    def make_node(
        self,
        x,
        scale,
        bias,
        epsilon=1e-4,
        running_average_factor=0.1,
        running_mean=None,
        running_var=None,
    ) -> Apply:
        x, scale, bias = (as_tensor_variable(v) for v in (x, scale, bias))
        epsilon = as_tensor_variable(epsilon)
        factor = as_tensor_variable(running_average_factor)
        if (running_mean is None) != (running_var is None):
            raise ValueError(
                "running_mean and running_var must both be given or both be None"
            )
        running = []
        if running_mean is not None:
            running = [
                as_tensor_variable(running_mean),
                as_tensor_variable(running_var),
            ]
        if not x.type.ndim == scale.type.ndim == bias.type.ndim or any(
            r.type.ndim != x.type.ndim for r in running
        ):
            raise TypeError(
                "AbstractBatchNormTrain: x, scale, bias (and running statistics) must "
                f"have the same rank, got {[v.type for v in [x, scale, bias, *running]]}"
            )
        x, scale, bias, *running = _common_dtype(x, scale, bias, *running)
        inputs = [x, scale, bias, epsilon, factor, *running]
        outputs = [x.type(), scale.type(), scale.type()] + [
            scale.type() for _ in running
        ]
        return Apply(self, inputs, outputs)

    def infer_shape(self, fgraph, node, input_shapes):
        return [input_shapes[0]] + [input_shapes[1]] * (len(node.outputs) - 1)

    def perform(self, node, inputs, output_storage, params=None):
        x, scale, bias, epsilon, factor = inputs[:5]
        self._check_axes(x.ndim)
        mean = x.mean(self.axes, keepdims=True)
        var = x.var(self.axes, keepdims=True)
        invstd = 1.0 / np.sqrt(var + epsilon)
        out = (x - mean) * (scale * invstd) + bias
        dt = [o.type.dtype for o in node.outputs]
        output_storage[0][0] = np.asarray(out, dtype=dt[0])
        output_storage[1][0] = np.asarray(mean, dtype=dt[1])
        output_storage[2][0] = np.asarray(invstd, dtype=dt[2])
        if len(inputs) > 5:
            rm, rv = inputs[5:7]
            output_storage[3][0] = np.asarray(
                rm * (1.0 - factor) + mean * factor, dtype=dt[3]
            )
            m = x.size / max(scale.size, 1)
            unbiased = var * (m / (m - 1)) if m > 1 else var
            output_storage[4][0] = np.asarray(
                rv * (1.0 - factor) + unbiased * factor, dtype=dt[4]
            )

    def connection_pattern(self, node):
        n_run = len(node.inputs) - 5
        rows = [
            [True] * 3 + [True] * n_run,  # x feeds every output
            [True] * 3 + [False] * n_run,
            [True] * 3 + [False] * n_run,
            [False] * (3 + n_run),
            [False] * (3 + n_run),
        ]
        for i in range(n_run):
            rows.append([False] * (3 + i) + [True] + [False] * (n_run - i - 1))
        return rows

    def L_op(self, inputs, outputs, output_gradients):
        import aesara.tensor as at

        x, scale, bias, epsilon, factor = inputs[:5]
        running = list(inputs[5:])
        dy = output_gradients[0]
        if isinstance(dy.type, DisconnectedType):
            dy = at.zeros_like(outputs[0])
        _, mean, invstd = outputs[:3]
        dx, dscale, dbias = AbstractBatchNormTrainGrad(self.axes)(
            x, dy, scale, mean, invstd, epsilon
        )
        # The statistics outputs depend on x (and the running averages on
        # their inputs): differentiate their closed forms.
        ax = self.axes

        def stats(xs, eps, fac, *run):
            mean_s = xs.mean(ax, keepdims=True)
            var_s = xs.var(ax, keepdims=True)
            res = [mean_s, 1.0 / at.sqrt(var_s + eps)]
            if run:
                count = at.prod([xs.shape[a] for a in ax]).astype(xs.type.dtype)
                unbiased = var_s * (count / at.maximum(count - 1, 1))
                res.append(run[0] * (1.0 - fac) + mean_s * fac)
                res.append(run[1] * (1.0 - fac) + unbiased * fac)
            return res

        extra = _closed_form_grads(
            stats, [x, epsilon, factor, *running], list(output_gradients[1:])
        )
        if not isinstance(extra[0].type, DisconnectedType):
            dx = dx + extra[0]
        run_grads = list(extra[3:])
        disc = [DisconnectedType()(), DisconnectedType()()]
        return [dx, dscale, dbias] + disc + run_grads


class AbstractBatchNormInference(_AxesOp):
    """Batch normalisation with given statistics.

    Inputs: ``x, scale, bias, estimated_mean, estimated_variance, epsilon``.
    """

    def make_node(
        self, x, scale, bias, estimated_mean, estimated_variance, epsilon=1e-4
    ) -> Apply:
        vs = [
            as_tensor_variable(v)
            for v in (x, scale, bias, estimated_mean, estimated_variance)
        ]
        epsilon = as_tensor_variable(epsilon)
        if len({v.type.ndim for v in vs}) != 1:
            raise TypeError(
                "AbstractBatchNormInference: all inputs must have the same rank, got "
                f"{[v.type for v in vs]}"
            )
        vs = _common_dtype(*vs)
        return Apply(self, [*vs, epsilon], [vs[0].type()])

    def infer_shape(self, fgraph, node, input_shapes):
        return [input_shapes[0]]

    def perform(self, node, inputs, output_storage, params=None):
        x, scale, bias, mean, var, epsilon = inputs
        out = (x - mean) * (scale / np.sqrt(var + epsilon)) + bias
        output_storage[0][0] = np.asarray(out, dtype=node.outputs[0].type.dtype)

    def connection_pattern(self, node):
        return [[True], [True], [True], [True], [True], [False]]

    def grad(self, inputs, output_gradients):
        from aesara.tensor.math import sqrt

        x, scale, bias, mean, var, epsilon = inputs
        (dy,) = output_gradients
        self._check_axes(x.type.ndim)
        axes = self.axes
        scale, bias, mean, var = (
            specify_broadcastable(t, *axes) for t in (scale, bias, mean, var)
        )
        std = sqrt(var + epsilon)
        centred = x - mean
        dx = dy * (scale / std)
        dscale = (dy * centred).sum(axes, keepdims=True) / std
        dbias = dy.sum(axes, keepdims=True)
        dmean = -dy.sum(axes, keepdims=True) * (scale / std)
        # d/dvar of 1/sqrt(var + eps) is -1/2 (var + eps)^(-3/2)
        dvar = -(dy * centred).sum(axes, keepdims=True) * scale * 0.5 / (std**3)
        return [dx, dscale, dbias, dmean, dvar, DisconnectedType()()]


class AbstractBatchNormTrainGrad(_AxesOp):
    """Gradient of :class:`AbstractBatchNormTrain`'s normalised output.

    Inputs: ``x, dy, scale, x_mean, x_invstd, epsilon``; outputs: the
    gradients with respect to ``x``, ``scale`` and ``bias``.
    """

    def make_node(self, x, dy, scale, x_mean, x_invstd, epsilon=1e-4) -> Apply:
        vs = [as_tensor_variable(v) for v in (x, dy, scale, x_mean, x_invstd)]
        epsilon = as_tensor_variable(epsilon)
        if len({v.type.ndim for v in vs}) != 1:
            raise TypeError(
                "AbstractBatchNormTrainGrad: all inputs must have the same rank, got "
                f"{[v.type for v in vs]}"
            )
        vs = _common_dtype(*vs)
        return Apply(self, [*vs, epsilon], [vs[0].type(), vs[2].type(), vs[2].type()])

    def infer_shape(self, fgraph, node, input_shapes):
        return [input_shapes[0], input_shapes[2], input_shapes[2]]

    def perform(self, node, inputs, output_storage, params=None):
        x, dy, scale, mean, invstd, epsilon = inputs
        self._check_axes(x.ndim)
        ax = self.axes
        x_hat = (x - mean) * invstd
        dbias = dy.sum(ax, keepdims=True)
        dscale = (dy * x_hat).sum(ax, keepdims=True)
        dx = (
            scale
            * invstd
            * (
                dy
                - dy.mean(ax, keepdims=True)
                - x_hat * (dy * x_hat).mean(ax, keepdims=True)
            )
        )
        dt = [o.type.dtype for o in node.outputs]
        output_storage[0][0] = np.asarray(dx, dtype=dt[0])
        output_storage[1][0] = np.asarray(dscale, dtype=dt[1])
        output_storage[2][0] = np.asarray(dbias, dtype=dt[2])

    def _symbolic(self, x, dy, scale, mean, invstd):
        ax = self.axes
        x_hat = (x - mean) * invstd
        dbias = dy.sum(ax, keepdims=True)
        dscale = (dy * x_hat).sum(ax, keepdims=True)
        dx = (
            scale
            * invstd
            * (
                dy
                - dy.mean(ax, keepdims=True)
                - x_hat * (dy * x_hat).mean(ax, keepdims=True)
            )
        )
        return dx, dscale, dbias

    def connection_pattern(self, node):
        return [
            [True, True, False],
            [True, True, True],
            [True, False, False],
            [True, True, False],
            [True, True, False],
            [False, False, False],
        ]

    def grad(self, inputs, output_gradients):
        grads = _closed_form_grads(
            lambda *a: list(self._symbolic(*a)),
            list(inputs[:5]),
            list(output_gradients),
        )
        return grads + [DisconnectedType()()]


def _node_rewriter(tracks):
    from aesara.graph.rewriting.basic import node_rewriter

    return node_rewriter(tracks)


@_node_rewriter([AbstractBatchNormTrain])
def local_abstract_batch_norm_train(fgraph, node):
    """Expand :class:`AbstractBatchNormTrain` into element-wise operations
    and reductions (opt-in: ``mode.including("local_abstract_batch_norm_train")``)."""
    import aesara.tensor as at

    if not isinstance(node.op, AbstractBatchNormTrain):
        return False
    x, scale, bias, epsilon, factor = node.inputs[:5]
    ax = node.op.axes
    mean = x.mean(ax, keepdims=True)
    var = x.var(ax, keepdims=True)
    invstd = 1.0 / at.sqrt(var + epsilon)
    out = (x - mean) * (scale * invstd) + bias
    results = [out, mean, invstd]
    if len(node.inputs) > 5:
        rm, rv = node.inputs[5:7]
        count = at.prod([x.shape[a] for a in ax]).astype(x.type.dtype)
        results.append(rm * (1.0 - factor) + mean * factor)
        results.append(
            rv * (1.0 - factor) + var * (count / at.maximum(count - 1, 1)) * factor
        )
    return [
        at.cast(r, o.type.dtype) if r.type.dtype != o.type.dtype else r
        for r, o in zip(results, node.outputs)
    ]


@_node_rewriter([AbstractBatchNormTrainGrad])
def local_abstract_batch_norm_train_grad(fgraph, node):
    """Expand :class:`AbstractBatchNormTrainGrad` (opt-in)."""
    if not isinstance(node.op, AbstractBatchNormTrainGrad):
        return False
    x, dy, scale, mean, invstd, _ = node.inputs
    return list(node.op._symbolic(x, dy, scale, mean, invstd))


@_node_rewriter([AbstractBatchNormInference])
def local_abstract_batch_norm_inference(fgraph, node):
    """Expand :class:`AbstractBatchNormInference` (opt-in)."""
    import aesara.tensor as at

    if not isinstance(node.op, AbstractBatchNormInference):
        return False
    x, scale, bias, mean, var, epsilon = node.inputs
    return [(x - mean) * (scale / at.sqrt(var + epsilon)) + bias]


def _register():
    from aesara.compile import optdb

    db = optdb["specialize"]
    for rw in (
        local_abstract_batch_norm_train,
        local_abstract_batch_norm_train_grad,
        local_abstract_batch_norm_inference,
    ):
        try:
            db.register(rw.__name__, rw)  # no tags: opt-in by name only
        except (ValueError, TypeError):
            pass


def _build_bn_groupopt():
    from aesara.graph.rewriting.db import LocalGroupDB

    group = LocalGroupDB()
    group.__name__ = "batchnorm_opts"
    for rw in (
        local_abstract_batch_norm_train,
        local_abstract_batch_norm_train_grad,
        local_abstract_batch_norm_inference,
    ):
        group.register(rw.__name__, rw, "fast_compile", "fast_run", position=30)
    return group


#: The lowerings of the abstract batch-norm ops as one group (Aesara's
#: ``batchnorm_opts``). Not registered in ``specialize`` here: the abstract
#: ops run by themselves and the lowerings stay opt-in by name.
bn_groupopt = _build_bn_groupopt()

_register()
