"""Multinomial draws and draws without replacement from given uniform samples.

These ops turn a vector of uniform ``[0, 1)`` samples into categorical draws
(:class:`MultinomialFromUniform`) or into indices drawn without replacement
(:class:`ChoiceFromUniform`); :class:`~aesara.sandbox.rng_mrg.MRG_RandomStream`
supplies the uniforms. A draw picks, in each row of ``pvals``, the first
outcome whose running probability total (accumulated in double precision) is
greater than the uniform sample.
"""

from __future__ import annotations

import numpy as np

import aesara.tensor as at
from aesara.configdefaults import config
from aesara.graph.basic import Apply
from aesara.graph.op import Op
from aesara.scalar import as_scalar
from aesara.tensor.type import discrete_dtypes

__all__ = ["MultinomialFromUniform", "ChoiceFromUniform"]


def _check_ranks(op_name: str, pvals, unis):
    if pvals.ndim != 2:
        raise NotImplementedError(
            f"{op_name}: pvals must be a matrix (ndim 2), got ndim {pvals.ndim}"
        )
    if unis.ndim != 1:
        raise NotImplementedError(
            f"{op_name}: unis must be a vector (ndim 1), got ndim {unis.ndim}"
        )


def _check_unis_length(op_name: str, pvals, unis, n_samples: int):
    if unis.shape[0] != pvals.shape[0] * n_samples:
        raise ValueError(
            f"{op_name}: unis.shape[0] != pvals.shape[0] * n_samples "
            f"({unis.shape[0]} != {pvals.shape[0]} * {n_samples})"
        )


def _first_above(pvals: np.ndarray, u: np.ndarray) -> np.ndarray:
    """Per row, the first column whose running total of ``pvals`` exceeds ``u``.

    Rows where no running total exceeds ``u`` get ``pvals.shape[1]``.
    """
    running = np.cumsum(pvals, axis=1, dtype="float64")
    return np.count_nonzero(running <= np.asarray(u)[:, None], axis=1)


class MultinomialFromUniform(Op):
    """Counts of ``n`` categorical draws per row of ``pvals``, from uniforms.

    Parameters
    ----------
    odtype
        The output dtype; ``"auto"`` uses the dtype of ``pvals``.

    Notes
    -----
    ``op(pvals, unis, n)`` needs ``len(unis) == pvals.shape[0] * n``; draw
    ``c`` of row ``r`` uses ``unis[c * pvals.shape[0] + r]``. ``pvals`` is not
    checked: a row whose total stays below a uniform gets no count for it.
    """

    __props__: tuple[str, ...] = ("odtype",)

    def __init__(self, odtype):
        self.odtype = odtype

    def __str__(self):
        return f"{type(self).__name__}{{{self.odtype}}}"

    def __setstate__(self, dct):
        self.__dict__.update(dct)
        self.__dict__.setdefault("odtype", "auto")

    def make_node(self, pvals, unis, n=1):
        pvals = at.as_tensor_variable(pvals)
        unis = at.as_tensor_variable(unis)
        _check_ranks(type(self).__name__, pvals, unis)
        odtype = pvals.dtype if self.odtype == "auto" else self.odtype
        out = at.tensor(
            dtype=odtype, shape=tuple(1 if s == 1 else None for s in pvals.type.shape)
        )
        return Apply(self, [pvals, unis, as_scalar(n)], [out])

    def grad(self, inputs, output_grads):
        # The counts are piecewise constant in every input.
        return [
            at.zeros_like(x, dtype=config.floatX)
            if x.dtype in discrete_dtypes
            else at.zeros_like(x)
            for x in inputs
        ]

    def infer_shape(self, fgraph, node, shapes):
        return [shapes[0]]

    def perform(self, node, inputs, outputs):
        if len(inputs) == 2:  # graphs pickled before ``n`` was an input
            pvals, unis = inputs
            n_samples = 1
        else:
            pvals, unis, n_samples = inputs
        n_samples = int(n_samples)
        _check_unis_length(type(self).__name__, pvals, unis, n_samples)
        n_rows, n_outcomes = pvals.shape
        counts = np.zeros(pvals.shape, dtype=node.outputs[0].dtype)
        if n_rows and n_samples:
            draws = _first_above(
                np.tile(pvals, (n_samples, 1)), unis
            )  # draw c of row r is at position c * n_rows + r
            rows = np.tile(np.arange(n_rows), n_samples)
            hit = draws < n_outcomes
            np.add.at(counts, (rows[hit], draws[hit]), 1)
        outputs[0][0] = counts


class ChoiceFromUniform(MultinomialFromUniform):
    """``n`` indices per row of ``pvals`` drawn without replacement, from uniforms.

    Parameters
    ----------
    odtype
        The output dtype (an integer dtype; ``"auto"`` means ``int64``).
    replace
        Draw with replacement instead (the chosen probability is kept).

    Notes
    -----
    The output has shape ``(pvals.shape[0], n)``. After each draw the chosen
    probability is set to zero and the row is renormalised. A draw that
    selects nothing (the row total stays below the uniform) gives ``-1``.
    """

    __props__ = ("odtype", "replace")

    def __init__(self, odtype, replace=False, *args, **kwargs):
        self.replace = replace
        super().__init__(odtype, *args, **kwargs)

    def __setstate__(self, state):
        self.__dict__.update(state)
        self.__dict__.setdefault("replace", False)

    def make_node(self, pvals, unis, n=1):
        pvals = at.as_tensor_variable(pvals)
        unis = at.as_tensor_variable(unis)
        _check_ranks(type(self).__name__, pvals, unis)
        odtype = "int64" if self.odtype == "auto" else self.odtype
        out = at.tensor(dtype=odtype, shape=(pvals.type.shape[0], None))
        return Apply(self, [pvals, unis, as_scalar(n)], [out])

    def infer_shape(self, fgraph, node, shapes):
        n = at.cast(at.as_tensor_variable(node.inputs[2]), "int64")
        return [(shapes[0][0], n)]

    def perform(self, node, inputs, outputs):
        pvals, unis, n_samples = inputs
        n_samples = int(n_samples)
        n_rows, n_outcomes = pvals.shape
        if not self.replace and n_samples > n_outcomes:
            raise ValueError(
                "ChoiceFromUniform: cannot draw without replacement more samples "
                f"({n_samples}) than there are outcomes ({n_outcomes})"
            )
        _check_unis_length(type(self).__name__, pvals, unis, n_samples)
        odtype = node.outputs[0].dtype
        out = np.full((n_rows, n_samples), -1, dtype=odtype)
        p = np.array(pvals, copy=True)  # renormalised in place below
        for c in range(n_samples):
            # One draw for every row at once.
            draws = _first_above(p, unis[c * n_rows : (c + 1) * n_rows])
            hit = np.flatnonzero(draws < n_outcomes)
            out[hit, c] = draws[hit]
            if self.replace or c == n_samples - 1 or hit.size == 0:
                continue
            chosen = draws[hit]
            sub = p[hit]
            sub[np.arange(hit.size), chosen] = 0
            # The remaining mass (the chosen outcome removed).
            total = sub.sum(axis=1, dtype=p.dtype)
            with np.errstate(divide="ignore", invalid="ignore"):
                p[hit] = sub / total[:, None]
        outputs[0][0] = out
