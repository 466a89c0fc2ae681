"""Connectionist temporal classification (CTC) loss: ``ctc`` and the op
``ConnectionistTemporalClassification``.

Aesara wraps Baidu's warp-ctc C library; this implementation runs the
CTC forward-backward recursions in NumPy (log space, vectorised over the
minibatch and the label positions, one step per time frame), so it needs no
external library.  The activations are unnormalised: a softmax over the
alphabet is applied internally, and the blank symbol has index 0.
"""

from __future__ import annotations

import numpy as np

from aesara.gradient import grad_undefined
from aesara.graph.basic import Apply, Variable
from aesara.graph.op import Op
from aesara.graph.rewriting.basic import node_rewriter
from aesara.tensor.basic import as_tensor_variable
from aesara.tensor.type import TensorType

__all__ = [
    "ctc_present",
    "ctc_available",
    "ConnectionistTemporalClassification",
    "ctc",
    "local_ctc_no_grad",
]


def ctc_present() -> bool:
    """Whether a CTC implementation is present (always: the NumPy one)."""
    return True


def ctc_available() -> bool:
    """Whether :func:`ctc` can run (always: it needs no external library)."""
    return True


ctc_available.msg = None


def _logsumexp(*terms):
    stacked = np.stack(terms)
    m = np.max(stacked, axis=0)
    safe = np.where(np.isfinite(m), m, 0.0)
    with np.errstate(divide="ignore"):
        return safe + np.log(np.sum(np.exp(stacked - safe), axis=0))


def ctc_numpy(
    acts: np.ndarray, labels: np.ndarray, lengths: np.ndarray, want_grad: bool
):
    """CTC costs ``(batch,)`` and, if asked, their gradients with respect to
    the unnormalised activations ``(time, batch, alphabet)``."""
    T, B, A = acts.shape
    work = acts.astype(np.float64)
    shifted = work - work.max(axis=2, keepdims=True)
    log_y = shifted - np.log(np.exp(shifted).sum(axis=2, keepdims=True))
    lab_len = (labels >= 0).sum(axis=1)
    if labels.size and labels.max(initial=0) >= A:
        raise ValueError(
            f"ctc: label values must be < the alphabet size {A}, got {labels.max()}"
        )
    if np.any(lengths > T) or np.any(lengths < 0):
        raise ValueError(f"ctc: input_lengths must lie in [0, {T}], got {lengths}")
    L = labels.shape[1]
    S = 2 * L + 1
    ext = np.zeros((B, S), dtype=np.int64)  # blanks (0) at even positions
    ext[:, 1::2] = np.where(labels >= 0, labels, 0)
    s_len = 2 * lab_len + 1
    valid_s = np.arange(S)[None, :] < s_len[:, None]
    skip = np.zeros((B, S), dtype=bool)
    skip[:, 2:] = (ext[:, 2:] != 0) & (ext[:, 2:] != ext[:, :-2])
    rows = np.arange(B)[:, None]
    neg = -np.inf

    def emit(t):
        return np.where(valid_s, log_y[t][rows, ext], neg)

    alpha = np.full((T, B, S), neg)
    a = np.full((B, S), neg)
    a[:, 0] = 0.0
    a[:, 1] = np.where(s_len > 1, 0.0, neg)
    for t in range(T):
        if t == 0:
            cur = a + emit(0)
        else:
            prev = alpha[t - 1]
            one = np.concatenate([np.full((B, 1), neg), prev[:, :-1]], axis=1)
            two = np.concatenate([np.full((B, 2), neg), prev[:, :-2]], axis=1)
            two = np.where(skip, two, neg)
            cur = _logsumexp(prev, one, two) + emit(t)
        alpha[t] = cur
    last_t = np.maximum(lengths - 1, 0)
    fin = alpha[last_t, np.arange(B)]
    end1 = fin[np.arange(B), s_len - 1]
    end2 = np.where(s_len > 1, fin[np.arange(B), np.maximum(s_len - 2, 0)], neg)
    log_p = _logsumexp(end1, end2)
    # an empty input sequence only explains an empty label sequence
    log_p = np.where(lengths == 0, np.where(lab_len == 0, 0.0, neg), log_p)
    with np.errstate(invalid="ignore"):
        costs = -log_p
    if not want_grad:
        return costs, None

    beta = np.full((T, B, S), neg)
    init = np.full((B, S), neg)
    init[np.arange(B), s_len - 1] = 0.0
    init[np.arange(B), np.maximum(s_len - 2, 0)] = np.where(s_len > 1, 0.0, neg)
    init[np.arange(B), s_len - 1] = 0.0
    skip_next = np.zeros((B, S), dtype=bool)
    skip_next[:, :-2] = skip[:, 2:]
    nxt = np.full((B, S), neg)
    for t in range(T - 1, -1, -1):
        one = np.concatenate([nxt[:, 1:], np.full((B, 1), neg)], axis=1)
        two = np.concatenate([nxt[:, 2:], np.full((B, 2), neg)], axis=1)
        two = np.where(skip_next, two, neg)
        rec = _logsumexp(nxt, one, two)
        here = np.where(
            (t == lengths - 1)[:, None],
            init,
            np.where((t < lengths - 1)[:, None], rec, neg),
        )
        cur = here + emit(t)
        beta[t] = cur
        nxt = cur
    # log of sum over positions s with symbol k of alpha_t(s) * beta_t(s)
    ab = alpha + beta  # (T, B, S); includes y twice
    grads = np.zeros((T, B, A))
    with np.errstate(divide="ignore", invalid="ignore"):
        m = np.max(ab, axis=2, keepdims=True)
        m = np.where(np.isfinite(m), m, 0.0)
        w = np.exp(ab - m)
        acc = np.zeros((T, B, A))
        idx = np.broadcast_to(ext[None], (T, B, S))
        np.add.at(
            acc, (np.arange(T)[:, None, None], np.arange(B)[None, :, None], idx), w
        )
        log_acc = np.log(acc) + m
        occ = np.exp(log_acc - log_y - log_p[None, :, None])
        grads = np.exp(log_y) - np.nan_to_num(occ)
    active = np.arange(T)[:, None] < lengths[None, :]
    grads = np.where(active[:, :, None] & np.isfinite(log_p)[None, :, None], grads, 0.0)
    return costs, grads


class ConnectionistTemporalClassification(Op):
    """CTC loss of unnormalised activations.

    Inputs: ``activations`` ``(time, batch, alphabet)`` (floats),
    ``labels`` ``(batch, max_label_length)`` int32 (negative values pad) and
    ``input_lengths`` ``(batch,)`` int32.  Outputs: the per-example costs
    and, with ``compute_grad``, their gradients (the op's default output is
    the costs).
    """

    __props__ = ("compute_grad",)

    def __init__(self, compute_grad=True, openmp=None):
        self.compute_grad = bool(compute_grad)
        self.default_output = 0

    def make_node(self, activations, labels, input_lengths) -> Apply:
        acts = as_tensor_variable(activations)
        labels = as_tensor_variable(labels)
        lengths = as_tensor_variable(input_lengths)
        if acts.type.dtype not in ("float32", "float64"):
            raise TypeError(
                f"ctc: activations must be float32 or float64, got {acts.type.dtype}"
            )
        if acts.type.ndim != 3:
            raise ValueError(
                f"ctc: activations must have 3 dimensions, got {acts.type}"
            )
        if labels.type.dtype != "int32":
            raise TypeError(
                f"ctc: labels must use the int32 type, got {labels.type.dtype}"
            )
        if labels.type.ndim != 2:
            raise ValueError(f"ctc: labels must have 2 dimensions, got {labels.type}")
        if lengths.type.dtype != "int32":
            raise TypeError(
                f"ctc: input_lengths must use the int32 type, got {lengths.type.dtype}"
            )
        if lengths.type.ndim != 1:
            raise ValueError(
                f"ctc: input_lengths must have 1 dimension, got {lengths.type}"
            )
        outputs = [TensorType(acts.type.dtype, shape=(None,))()]
        if self.compute_grad:
            outputs.append(TensorType(acts.type.dtype, shape=(None, None, None))())
        return Apply(self, [acts, labels, lengths], outputs)

    def perform(self, node, inputs, output_storage, params=None):
        acts, labels, lengths = inputs
        if labels.shape[0] != acts.shape[1] or lengths.shape[0] != acts.shape[1]:
            raise ValueError(
                f"ctc: batch sizes differ: activations {acts.shape[1]}, labels "
                f"{labels.shape[0]}, input_lengths {lengths.shape[0]}"
            )
        costs, grads = ctc_numpy(acts, labels, lengths, self.compute_grad)
        dtype = acts.dtype
        output_storage[0][0] = np.asarray(costs, dtype=dtype)
        if self.compute_grad:
            output_storage[1][0] = np.asarray(grads, dtype=dtype)

    def infer_shape(self, fgraph, node, input_shapes):
        shapes = [(input_shapes[0][1],)]
        if self.compute_grad:
            shapes.append(input_shapes[0])
        return shapes

    def L_op(self, inputs, outputs, output_gradients):
        if not self.compute_grad:
            raise NotImplementedError(
                "ConnectionistTemporalClassification(compute_grad=False) has no gradient"
            )
        g_cost = output_gradients[0]
        total = outputs[1] * g_cost.dimshuffle("x", 0, "x")
        return [
            total,
            grad_undefined(self, 1, inputs[1]),
            grad_undefined(self, 2, inputs[2]),
        ]


def ctc(activations, labels, input_lengths) -> Variable:
    """CTC loss of each example of a minibatch.

    Parameters
    ----------
    activations
        ``(time, batch, alphabet)`` unnormalised scores (softmax applied
        internally); index 0 is the blank.
    labels
        ``(batch, max_label_length)`` int32 targets, padded with negative values.
    input_lengths
        ``(batch,)`` int32 numbers of valid time steps.

    Returns
    -------
    Variable
        ``(batch,)`` negative log-likelihoods.
    """
    return ConnectionistTemporalClassification()(activations, labels, input_lengths)


@node_rewriter([ConnectionistTemporalClassification])
def local_ctc_no_grad(fgraph, node):
    """Drop the gradient output of a CTC node when nothing uses it."""
    if (
        isinstance(node.op, ConnectionistTemporalClassification)
        and len(node.outputs) > 1
    ):
        if not fgraph.clients.get(node.outputs[1]):
            cost = ConnectionistTemporalClassification(compute_grad=False)(*node.inputs)
            return [cost, None]
    return False
