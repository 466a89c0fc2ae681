"""Random sparse matrices: Poisson, binomial and multinomial draws (Aesara's ``sp2``).

These ops draw from NumPy's global random state (``numpy.random``), so
``numpy.random.seed`` makes a run reproducible; calling one twice with the
same inputs gives different values, which is why they stay in the sandbox.
None has a gradient.

- :class:`Poisson` (:data:`poisson`): a Poisson draw for every stored value
  of a sparse matrix, used as the mean; zero draws are removed.
- :class:`Binomial` (:data:`csr_fbinomial`...): a sparse matrix of binomial
  draws of a given shape.
- :class:`Multinomial` (:data:`multinomial`): a multinomial draw for every
  row of a csr matrix of probabilities (its stored values).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from aesara.graph.basic import Apply
from aesara.graph.op import Op
from aesara.sparse.structure import Remove0, remove0
from aesara.sparse.type import SparseTensorType
from aesara.tensor.type import discrete_dtypes, float_dtypes

__all__ = [
    "Binomial",
    "EliminateZeros",
    "Multinomial",
    "Poisson",
    "csc_dbinomial",
    "csc_fbinomial",
    "csr_dbinomial",
    "csr_fbinomial",
    "eliminate_zeros",
    "multinomial",
    "poisson",
]

# Aesara's older names for removing stored zeros.
EliminateZeros = Remove0
eliminate_zeros = remove0


def _generator() -> np.random.Generator:
    """A generator seeded from NumPy's global state (so ``numpy.random.seed`` applies)."""
    return np.random.default_rng(np.random.randint(0, 2**31 - 1, size=4))


def _as_sparse(x: Any, op: str):
    from aesara.sparse.basic import as_sparse_variable

    try:
        x = as_sparse_variable(x)
    except TypeError as e:
        raise TypeError(f"{op}: expected a sparse matrix ({e})") from None
    if x.type.format not in ("csr", "csc"):
        raise NotImplementedError(
            f"{op}: needs a csr or csc matrix, got format {x.type.format!r}"
        )
    return x


class Poisson(Op):
    """A sparse matrix of Poisson draws whose means are the stored values of ``x``.

    The result has ``x``'s format and dtype; draws of zero are removed from
    the pattern. Not deterministic; no gradient.
    """

    __props__ = ()

    def make_node(self, x):
        x = _as_sparse(x, "Poisson")
        return Apply(self, [x], [x.type()])

    def perform(self, node, inputs, outputs):
        (x,) = inputs
        if np.iscomplexobj(x.data):
            raise TypeError("Poisson: the means cannot be complex")
        if x.nnz and x.data.min() < 0:
            raise ValueError("Poisson: the means (stored values) must be >= 0")
        out = x.copy()
        out.data = np.random.poisson(x.data).astype(x.dtype)
        out.eliminate_zeros()
        outputs[0][0] = out

    def L_op(self, inputs, outputs, grads):
        from aesara.gradient import grad_undefined

        return [grad_undefined(self, 0, inputs[0], "Poisson draws have no gradient")]

    def infer_shape(self, fgraph, node, shapes):
        return shapes


poisson = Poisson()


class Binomial(Op):
    """A ``format`` sparse matrix of ``dtype`` holding binomial draws.

    Parameters
    ----------
    format
        ``"csr"`` or ``"csc"``.
    dtype
        The result's dtype.

    Inputs: ``n`` (integer scalar, the number of trials), ``p`` (float
    scalar, the success probability) and ``shape`` (integer vector of two
    entries). Not deterministic; no gradient.
    """

    __props__ = ("format", "dtype")

    def __init__(self, format: str, dtype: str):
        if format not in ("csr", "csc"):
            raise ValueError(f"Binomial format must be csr or csc, got {format!r}")
        self.format = format
        self.dtype = np.dtype(dtype).name

    def make_node(self, n, p, shape):
        from aesara.tensor.basic import as_tensor_variable

        n = as_tensor_variable(n)
        p = as_tensor_variable(p)
        shape = as_tensor_variable(shape)
        if n.type.dtype not in discrete_dtypes:
            raise TypeError(f"Binomial: n must be an integer, got {n.type}")
        if p.type.dtype not in float_dtypes:
            raise TypeError(f"Binomial: p must be a float, got {p.type}")
        if shape.type.dtype not in discrete_dtypes or shape.type.ndim != 1:
            raise TypeError(
                f"Binomial: shape must be an integer vector, got {shape.type}"
            )
        out = SparseTensorType(format=self.format, dtype=self.dtype)()
        return Apply(self, [n, p, shape], [out])

    def perform(self, node, inputs, outputs):
        n, p, shape = inputs
        if len(shape) != 2:
            raise ValueError(f"Binomial: shape must have 2 entries, got {list(shape)}")
        draws = np.random.binomial(n, p, size=tuple(int(s) for s in shape))
        cls = SparseTensorType.format_cls[self.format]
        outputs[0][0] = cls(draws, dtype=self.dtype)

    def connection_pattern(self, node):
        return [[True], [True], [False]]

    def L_op(self, inputs, outputs, grads):
        from aesara.gradient import disconnected_type, grad_undefined

        n, p, _ = inputs
        return [
            grad_undefined(self, 0, n, "binomial draws have no gradient in n"),
            grad_undefined(self, 1, p, "binomial draws have no gradient in p"),
            disconnected_type(),
        ]

    def infer_shape(self, fgraph, node, shapes):
        shape = node.inputs[2]
        return [(shape[0], shape[1])]


csr_fbinomial = Binomial("csr", "float32")
csc_fbinomial = Binomial("csc", "float32")
csr_dbinomial = Binomial("csr", "float64")
csc_dbinomial = Binomial("csc", "float64")


class Multinomial(Op):
    """Multinomial draws, one per row of a csr matrix of probabilities.

    Inputs: ``n`` (integer scalar, or one per row: the number of trials) and
    ``p``, whose stored values in each row are that row's probabilities
    (summing to one). The result has ``p``'s pattern and dtype. Only csr
    values are accepted at run time (as in Aesara). Not deterministic; no
    gradient.
    """

    __props__ = ()

    def make_node(self, n, p):
        from aesara.tensor.basic import as_tensor_variable

        n = as_tensor_variable(n)
        if n.type.ndim > 1:
            raise TypeError(
                f"Multinomial: n must be a scalar or a vector, got {n.type}"
            )
        p = _as_sparse(p, "Multinomial")
        return Apply(self, [n, p], [p.type()])

    def perform(self, node, inputs, outputs):
        n, p = inputs
        if p.format != "csr":
            raise NotImplementedError("Multinomial draws from csr matrices only")
        n_rows = p.shape[0]
        n = np.asarray(n)
        if n.ndim == 1 and n.shape[0] != n_rows:
            raise ValueError(
                "The number of element of n must be the same as the number of row "
                f"of p ({n.shape[0]} != {n_rows})."
            )
        counts = np.diff(p.indptr)
        out = p.copy()
        if p.nnz:
            # Every row's probabilities, right-aligned and zero-padded on the
            # left, so one vectorised call draws all rows; the leftover mass
            # of a row not summing to one goes to its last stored value, as
            # with numpy.random.multinomial on the row alone.
            width = int(counts.max())
            rows = np.repeat(np.arange(n_rows), counts)
            cols = np.arange(p.nnz) - np.repeat(
                p.indptr[:-1] - (width - counts), counts
            )
            probs = np.zeros((n_rows, width))
            probs[rows, cols] = p.data
            trials = np.broadcast_to(n, (n_rows,)).astype(np.int64)
            # Rows without stored values draw nothing (and would be rejected).
            live = counts > 0
            draws = np.zeros((n_rows, width), dtype=np.int64)
            draws[live] = _generator().multinomial(trials[live], probs[live])
            out.data = draws[rows, cols].astype(p.dtype)
        outputs[0][0] = out

    def L_op(self, inputs, outputs, grads):
        from aesara.gradient import grad_undefined

        n, p = inputs
        return [
            grad_undefined(self, 0, n, "multinomial draws have no gradient in n"),
            grad_undefined(self, 1, p, "multinomial draws have no gradient in p"),
        ]

    def infer_shape(self, fgraph, node, shapes):
        return [shapes[1]]


multinomial = Multinomial()
