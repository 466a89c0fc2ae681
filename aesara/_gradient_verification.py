"""Checking symbolic gradients against finite differences.

:func:`verify_grad` projects an expression's output on random tensors and
compares the symbolic gradient of that scalar with central finite
differences (:class:`numeric_grad`); a mismatch raises
:class:`GradientError`, whose message lists the positions where the analytic
and numeric values disagree. Everything here is re-exported from
:mod:`aesara.gradient`, where Aesara users import it from.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from aesara.graph.basic import Variable

__all__ = ["GradientError", "mode_not_slow", "numeric_grad", "verify_grad"]


def _dtype(v: Any) -> str | None:
    return getattr(getattr(v, "type", None), "dtype", None)


class GradientError(Exception):
    """A symbolic gradient disagrees with finite differences (:func:`verify_grad`).

    Attributes
    ----------
    arg
        Index of the input whose gradient is wrong.
    err_pos
        Flat position of the largest error in that input.
    shape
        Shape of that input.
    val1, val2
        Analytic and numeric gradient values at ``err_pos``.
    abs_err, rel_err
        Absolute and relative errors there.
    abs_tol, rel_tol
        The tolerances that were exceeded.
    """

    def __init__(
        self,
        arg: int,
        err_pos: int,
        shape: tuple,
        val1: float,
        val2: float,
        abs_err: float,
        rel_err: float,
        abs_tol: float,
        rel_tol: float,
        analytic: np.ndarray | None = None,
        numeric: np.ndarray | None = None,
    ):
        super().__init__()
        self.arg = arg
        self.err_pos = err_pos
        self.shape = shape
        self.val1 = val1
        self.val2 = val2
        self.abs_err = abs_err
        self.rel_err = rel_err
        self.abs_tol = abs_tol
        self.rel_tol = rel_tol
        self.analytic = analytic
        self.numeric = numeric

    def __str__(self):
        lines = [
            f"GradientError: the gradient of input {self.arg} (shape {self.shape}) "
            "does not match finite differences.",
            f"  largest error at flat position {self.err_pos}: analytic "
            f"{self.val1!r}, numeric {self.val2!r}, abs. error {self.abs_err:.3g} "
            f"(tolerance {self.abs_tol:.3g}), rel. error {self.rel_err:.3g} "
            f"(tolerance {self.rel_tol:.3g})",
        ]
        if self.analytic is not None and self.numeric is not None:
            a = np.ravel(self.analytic)
            n = np.ravel(self.numeric)
            abs_err, rel_err = numeric_grad.abs_rel_err(a, n)
            bad = np.flatnonzero(
                ~((abs_err <= self.abs_tol) | (rel_err <= self.rel_tol))
            )
            shown = bad[:10]
            lines.append(
                f"  {bad.size} of {a.size} positions differ; "
                "position: analytic vs numeric"
            )
            for p in shown:
                idx = np.unravel_index(p, self.shape) if self.shape else ()
                lines.append(f"    {tuple(int(i) for i in idx)}: {a[p]!r} vs {n[p]!r}")
            if bad.size > shown.size:
                lines.append(f"    ... and {bad.size - shown.size} more")
        return "\n".join(lines)


class numeric_grad:  # noqa: N801 - Aesara's name
    """Central finite-difference gradient of a scalar function of arrays.

    Parameters
    ----------
    f
        Callable taking the arrays of ``pt`` and returning a scalar.
    pt
        An array or a list of arrays (the point).
    eps
        Step size; by default from :attr:`type_eps` for the widest dtype.
    out_type
        Dtype used to pick the default step size instead of the inputs'.

    Attributes
    ----------
    gf
        The numeric gradient: an array, or a list of arrays like ``pt``.
    """

    type_eps = {
        "float64": 1e-7,
        "float32": 1e-3,
        "float16": 1e-1,
        "complex128": 1e-7,
        "complex64": 1e-3,
    }

    def __init__(
        self,
        f: Callable,
        pt: np.ndarray | Sequence[np.ndarray],
        eps: float | None = None,
        out_type: str | None = None,
    ):
        one_input = not isinstance(pt, (list, tuple))
        arrays = [np.array(p) for p in ([pt] if one_input else pt)]
        for i, a in enumerate(arrays):
            if a.dtype.kind not in "fc":
                raise TypeError(
                    f"numeric_grad: input {i} has dtype {a.dtype}; finite differences "
                    "need floating-point inputs"
                )
        if eps is None:
            key = out_type or max(
                (a.dtype.name for a in arrays), key=lambda d: self.type_eps[d]
            )
            eps = self.type_eps[np.dtype(key).name]
        self.eps = eps
        grads = []
        for _k, a in enumerate(arrays):
            g = np.zeros(a.shape, dtype=a.dtype)
            flat = a.reshape(-1)
            gflat = g.reshape(-1)
            for j in range(flat.size):
                orig = flat[j]
                flat[j] = orig + eps
                f_plus = float(np.asarray(f(*arrays)))
                flat[j] = orig - eps
                f_minus = float(np.asarray(f(*arrays)))
                flat[j] = orig
                gflat[j] = (f_plus - f_minus) / (2 * eps)
            grads.append(g)
        self.gf = grads[0] if one_input else grads

    @staticmethod
    def abs_rel_err(a: Any, b: Any) -> tuple[np.ndarray, np.ndarray]:
        """Absolute error ``|a - b|`` and relative error ``|a - b| / (|a| + |b|)``."""
        a = np.asarray(a, dtype="float64")
        b = np.asarray(b, dtype="float64")
        abs_err = np.abs(a - b)
        denom = np.abs(a) + np.abs(b)
        # Where both are (nearly) zero the absolute error is what matters.
        rel_err = abs_err / np.maximum(denom, 1e-8)
        return abs_err, rel_err

    def abs_rel_errors(
        self, g_pt: Sequence[Any]
    ) -> list[tuple[np.ndarray, np.ndarray]]:
        """Errors of each analytic gradient in ``g_pt`` against :attr:`gf`."""
        gf = self.gf if isinstance(self.gf, list) else [self.gf]
        if len(g_pt) != len(gf):
            raise ValueError(
                f"numeric_grad: {len(g_pt)} analytic gradients for {len(gf)} inputs"
            )
        out = []
        for i, (a, b) in enumerate(zip(g_pt, gf)):
            if np.shape(a) != np.shape(b):
                raise ValueError(
                    f"numeric_grad: analytic gradient {i} has shape {np.shape(a)}, "
                    f"the input has {np.shape(b)}"
                )
            out.append(self.abs_rel_err(a, b))
        return out

    def max_err(
        self, g_pt: Sequence[Any], abs_tol: float, rel_tol: float
    ) -> tuple[int, int, float, float]:
        """The worst disagreement, scaled by the tolerances.

        Returns
        -------
        ``(arg, pos, abs_err, rel_err)``: input index, flat position, and the
        errors at the position where ``min(abs_err/abs_tol, rel_err/rel_tol)``
        is largest.
        """
        best = (-1.0, 0, 0, 0.0, 0.0)
        for i, (abs_err, rel_err) in enumerate(self.abs_rel_errors(g_pt)):
            if abs_err.size == 0:
                continue
            scaled = np.minimum(abs_err / abs_tol, rel_err / rel_tol).reshape(-1)
            # NaN anywhere (analytic or numeric) is the worst error.
            scaled = np.where(np.isnan(scaled), np.inf, scaled)
            pos = int(np.argmax(scaled))
            if scaled[pos] > best[0]:
                best = (
                    float(scaled[pos]),
                    i,
                    pos,
                    float(abs_err.reshape(-1)[pos]),
                    float(rel_err.reshape(-1)[pos]),
                )
        return best[1], best[2], best[3], best[4]


_TYPE_TOL = {"float16": 5e-2, "float32": 1e-2, "float64": 1e-4}


def verify_grad(
    fun: Callable,
    pt: Sequence[Any],
    n_tests: int = 2,
    rng: np.random.Generator | np.random.RandomState | None = None,
    eps: float | None = None,
    out_type: str | None = None,
    abs_tol: float | None = None,
    rel_tol: float | None = None,
    mode: Any = None,
    cast_to_output_type: bool = False,
    no_debug_ref: bool = True,
) -> None:
    """Check the symbolic gradient of ``fun`` at ``pt`` against finite differences.

    The output of ``fun`` is projected on a random tensor so that the checked
    cost is a scalar; the check is repeated with ``n_tests`` projections.

    Parameters
    ----------
    fun
        Maps symbolic inputs (one per entry of ``pt``) to one output variable.
    pt
        The point: floating-point arrays.
    n_tests
        Number of random projections to try.
    rng
        A NumPy ``Generator`` or ``RandomState`` for the projections.
    eps
        Finite-difference step (default by dtype, see :class:`numeric_grad`).
    out_type
        Dtype used to choose the default step.
    abs_tol, rel_tol
        Tolerances (default by dtype: 1e-4 for float64, 1e-2 for float32);
        an entry fails when both are exceeded.
    mode
        Compilation mode.
    cast_to_output_type
        Cast the projection to the output dtype (for float32 outputs).
    no_debug_ref
        Accepted for compatibility.

    Raises
    ------
    GradientError
        When the gradients differ; the message shows both values.
    """
    from aesara.compile.function import function
    from aesara.compile.sharedvalue import shared
    from aesara.gradient import grad
    from aesara.tensor.math import sum as at_sum
    from aesara.tensor.type import TensorType

    if not isinstance(pt, (list, tuple)):
        raise TypeError(
            f"verify_grad: pt must be a list of arrays, got {type(pt).__name__}"
        )
    pt = [np.array(p) for p in pt]
    for i, p in enumerate(pt):
        if p.dtype.name not in _TYPE_TOL:
            raise TypeError(
                f"verify_grad: input {i} has dtype {p.dtype}; only float16/32/64 "
                "inputs can be checked"
            )
    if abs_tol is None:
        abs_tol = max(_TYPE_TOL[p.dtype.name] for p in pt)
    if rel_tol is None:
        rel_tol = max(_TYPE_TOL[p.dtype.name] for p in pt)
    if rng is None:
        rng = np.random.default_rng(2**31 - 1)

    sym = [
        TensorType(p.dtype.name, shape=tuple(1 if s == 1 else None for s in p.shape))(
            name=f"input {i}"
        )
        for i, p in enumerate(pt)
    ]
    out = fun(*sym)
    if isinstance(out, (list, tuple)):
        raise NotImplementedError(
            "verify_grad: fun must return a single output variable, got "
            f"{len(out)}; check each output separately"
        )
    if not isinstance(out, Variable):
        raise TypeError(
            f"verify_grad: fun must return a symbolic variable, got {type(out).__name__}"
        )
    out_value = np.asarray(function(sym, out, mode=mode)(*[p.copy() for p in pt]))

    def random_projection():
        # Values in [0.5, 1.5): none so small that precision is lost.
        plain = rng.random(out_value.shape) + 0.5
        if cast_to_output_type and _dtype(out) in ("float32", "float16"):
            return np.asarray(plain, dtype=_dtype(out))
        return np.asarray(plain)

    proj = shared(random_projection(), name="random_projection", borrow=True)
    cost = at_sum(proj * out)
    cost_fn = function(sym, cost, mode=mode)
    sym_grads = grad(cost, sym, disconnected_inputs="ignore")
    grad_fn = function(sym, sym_grads, mode=mode)

    for test in range(n_tests):
        num = numeric_grad(cost_fn, [p.copy() for p in pt], eps, out_type)
        # A dense input may have a sparse gradient (``sparse_grad``): compare densely.
        analytic = [
            np.asarray(g.toarray() if hasattr(g, "toarray") else g)
            for g in grad_fn(*[p.copy() for p in pt])
        ]
        arg, pos, abs_err, rel_err = num.max_err(analytic, abs_tol, rel_tol)
        numeric = num.gf
        if not (abs_err <= abs_tol or rel_err <= rel_tol):
            raise GradientError(
                arg,
                pos,
                analytic[arg].shape,
                analytic[arg].reshape(-1)[pos].item(),
                numeric[arg].reshape(-1)[pos].item(),
                abs_err,
                rel_err,
                abs_tol,
                rel_tol,
                analytic=analytic[arg],
                numeric=numeric[arg],
            )
        if test < n_tests - 1:
            proj.set_value(random_projection(), borrow=True)


# Aesara exposes the error class on the function too.
verify_grad.E_grad = GradientError  # type: ignore[attr-defined]


def mode_not_slow(mode: Any = None) -> Any:
    """A compilation mode fit for running many small checks quickly.

    ``None`` and the debugging modes (``DebugMode``, which re-runs every op many
    times) are replaced by ``FAST_RUN``; any other mode (an instance or a name)
    is returned as the :class:`~aesara.compile.mode.Mode` it names.

    Parameters
    ----------
    mode
        A mode, a mode name, or ``None``.
    """
    from aesara.compile.mode import get_mode

    if mode is None:
        return get_mode("FAST_RUN")
    if isinstance(mode, str) and mode.upper() in ("DEBUG_MODE", "DEBUGMODE"):
        return get_mode("FAST_RUN")
    resolved = get_mode(mode)
    if type(resolved).__name__ == "DebugMode":
        return get_mode("FAST_RUN")
    return resolved
