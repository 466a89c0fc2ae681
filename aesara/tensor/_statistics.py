"""Statistics built from other tensor ops: :func:`cov` (``numpy.cov``).

Aesara keeps :func:`cov` in :mod:`aesara.tensor.math`, which re-exports it.
"""

from __future__ import annotations

from typing import Any

from aesara.graph.basic import Variable

__all__ = ["cov"]


def cov(
    m: Any,
    y: Any = None,
    rowvar: bool = True,
    bias: bool = False,
    ddof: int | None = None,
    fweights: Any = None,
    aweights: Any = None,
) -> Variable:
    """Covariance matrix of the variables in ``m`` (and ``y``), as ``numpy.cov``.

    Parameters
    ----------
    m
        1-d or 2-d: each row (``rowvar``) or column is a variable.
    y
        More variables, stacked after those of ``m``.
    rowvar
        Whether rows (``True``) or columns hold the variables.
    bias, ddof
        Normalise by ``N`` (``bias``) or ``N - ddof``; default ``N - 1``.
    fweights, aweights
        Not supported.
    """
    from aesara.tensor.basic import as_tensor_variable, cast, concatenate
    from aesara.tensor.math import dot

    if fweights is not None or aweights is not None:
        raise NotImplementedError("cov: fweights and aweights are not supported")
    m = as_tensor_variable(m)
    if m.type.ndim not in (1, 2):
        raise ValueError(f"cov: m must be 1-d or 2-d, got type {m.type}")
    if m.type.ndim == 1:
        m = m.dimshuffle("x", 0)
    elif not rowvar:
        m = m.T
    if y is not None:
        y = as_tensor_variable(y)
        if y.type.ndim not in (1, 2):
            raise ValueError(f"cov: y must be 1-d or 2-d, got type {y.type}")
        y = y.dimshuffle("x", 0) if y.type.ndim == 1 else (y if rowvar else y.T)
        m = concatenate([m, y], axis=0)
    if ddof is None:
        ddof = 0 if bias else 1
    if "int" in m.type.dtype or m.type.dtype == "bool":
        m = cast(m, "float64")
    n_obs = m.shape[1]
    centred = m - m.mean(axis=1, keepdims=True)
    return dot(centred, centred.T.conj()) / cast(n_obs - ddof, m.type.dtype)
