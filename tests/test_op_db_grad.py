"""Gradient checks run over every differentiable entry of the op database.

For each entry with ``differentiable=True`` and each gradient sample (the
entry's ``grad_samples``, or its regular samples restricted to non-empty,
finite, moderate float64 values), two checks run with respect to the
differentiable inputs (``grad_inputs``, default every floating-point input):

* ``verify_grad``: the reverse-mode gradient (``L_op``) agrees with central
  finite differences of a random projection of the output;
* the forward-mode product agrees with the reverse-mode one: for random
  ``u`` and ``v``, ``<u, Rop(f, x, v)> == <Lop(f, x, u), v>`` (the adjoint
  identity, which holds exactly only when ``R_op`` applies the Jacobian that
  ``L_op`` transposes).

Complex outputs are checked through their real and imaginary parts.
"""

from __future__ import annotations

import zlib

import numpy as np
import pytest

from tests.op_db import ALL_OPS, Sample, load_all

load_all()

# Samples whose values are this large or this tiny make finite differences
# meaningless (overflow, or steps larger than the values).
_MAX_ABS = 1e4
_MIN_ABS = 1e-100


def _as_list(x):
    return list(x) if isinstance(x, (list, tuple)) else [x]


def _rng(name: str) -> np.random.Generator:
    return np.random.default_rng(zlib.crc32(("grad-" + name).encode()))


def _grad_positions(info, values: list[np.ndarray]) -> list[int]:
    if info.grad_inputs is not None:
        return list(info.grad_inputs)
    return [i for i, v in enumerate(values) if v.dtype.kind in "fc"]


def _moderate(v: np.ndarray) -> bool:
    """Finite values, neither huge nor tiny (for the real and imaginary parts)."""
    for part in (v.real, v.imag) if v.dtype.kind == "c" else (v,):
        if not np.all(np.isfinite(part)):
            return False
        mags = np.abs(part[part != 0])
        if mags.size and (mags.max() > _MAX_ABS or mags.min() < _MIN_ABS):
            return False
    return True


def _usable(info, sample: Sample) -> bool:
    values = [np.asarray(a) for a in sample.args]
    pos = _grad_positions(info, values)
    if not pos:
        return False
    for i in pos:
        v = values[i]
        if v.dtype not in (np.float64, np.complex128) or v.size == 0:
            return False
        if not _moderate(v):
            return False
    # Inputs held fixed must not make the output non-finite or empty either.
    if not all(
        v.size > 0 and (v.dtype.kind not in "fc" or np.all(np.isfinite(v)))
        for v in values
    ):
        return False
    with np.errstate(all="ignore"):
        expected = _as_list(info.ref(*[v.copy() for v in values], **sample.kwargs))
    return all(
        np.asarray(e).size > 0
        and (np.asarray(e).dtype.kind not in "fc" or np.all(np.isfinite(e)))
        for e in expected
    )


# Per entry, this many samples run by default (spread over the sample list);
# the others are marked ``slow``. The Rop check is cheaper to skip: fewer.
_FAST_VERIFY = 6
_FAST_ROP = 3


def _spread(n: int, k: int) -> set[int]:
    """``k`` indices spread evenly over ``range(n)``."""
    if n <= k:
        return set(range(n))
    return {round(i * (n - 1) / (k - 1)) for i in range(k)} if k > 1 else {0}


# Cases with a known, reported gradient bug: {case_id: reason}. Marked xfail
# (non-strict) so that a fix shows up as XPASS.
_KNOWN_FAILURES: dict[str, str] = {}


def _grad_cases(n_fast: int):
    cases = []
    for name in sorted(ALL_OPS):
        info = ALL_OPS[name]
        if not info.differentiable:
            continue
        if info.grad_samples is not None:
            samples = list(info.grad_samples(_rng(name)))
        else:
            samples = [s for s in info.samples(_rng(name)) if _usable(info, s)]
        fast = _spread(len(samples), n_fast)
        for i, sample in enumerate(samples):
            label = sample.name or str(i)
            case_id = f"{name}-{label}"
            marks = [] if i in fast else [pytest.mark.slow]
            if case_id in _KNOWN_FAILURES:
                marks.append(
                    pytest.mark.xfail(reason=_KNOWN_FAILURES[case_id], strict=False)
                )
            cases.append(pytest.param(info, sample, id=case_id, marks=marks))
    return cases


GRAD_CASES = _grad_cases(_FAST_VERIFY)
ROP_CASES = _grad_cases(_FAST_ROP)


def _float_output_builders(info, sample: Sample):
    """The real point and ``(label, fun)`` per floating-point output.

    ``fun`` maps symbolic real inputs to one real output: a complex input
    becomes two real inputs (its real and imaginary parts, recombined with
    ``complex``), and a complex output is checked through its real and
    imaginary parts.
    """
    import aesara.tensor as at
    from aesara.tensor.basic import constant

    values = [np.asarray(a) for a in sample.args]
    pos = _grad_positions(info, values)
    point = []
    n_parts = []
    for p in pos:
        v = values[p]
        if v.dtype.kind == "c":
            point.extend([np.ascontiguousarray(v.real), np.ascontiguousarray(v.imag)])
            n_parts.append(2)
        else:
            point.append(v)
            n_parts.append(1)

    def full_inputs(real_syms):
        ins = [constant(v) for v in values]
        k = 0
        for p, n in zip(pos, n_parts):
            if n == 2:
                ins[p] = at.complex(real_syms[k], real_syms[k + 1]).astype(
                    values[p].dtype
                )
            else:
                ins[p] = real_syms[k]
            k += n
        return ins

    # Look at the outputs once to know which are differentiable.
    from tests.test_op_db import symbolic_inputs

    syms, _ = symbolic_inputs(sample.args)
    outs = _as_list(info.build(*syms, **sample.kwargs))
    builders = []
    for k, out in enumerate(outs):
        kind = np.dtype(out.type.dtype).kind
        if kind not in "fc":
            continue

        def pick(*real_syms, k=k):
            return _as_list(info.build(*full_inputs(real_syms), **sample.kwargs))[k]

        if kind == "c":
            builders.append((f"out{k}-real", lambda *g, pick=pick: at.real(pick(*g))))
            builders.append((f"out{k}-imag", lambda *g, pick=pick: at.imag(pick(*g))))
        else:
            builders.append((f"out{k}", pick))
    return point, builders


def _tolerance(out_dtype: str) -> dict:
    if out_dtype in ("float32", "float16"):
        # A low-precision output limits what finite differences can resolve.
        tol = 1e-2 if out_dtype == "float32" else 5e-2
        # float16 values are spaced ~0.06 apart near 100: steps must be wide.
        eps = 1e-3 if out_dtype == "float32" else 1.0
        return {"abs_tol": tol, "rel_tol": tol, "eps": eps}
    return {}


@pytest.mark.parametrize("info, sample", GRAD_CASES)
def test_verify_grad(info, sample):
    from aesara.gradient import verify_grad

    point, builders = _float_output_builders(info, sample)
    if not builders:
        pytest.skip(f"{info.name}: no floating-point output for this sample")
    rng = np.random.default_rng(0)
    for label, fun in builders:
        from tests.test_op_db import symbolic_inputs

        syms, _ = symbolic_inputs(point)
        out_dtype = fun(*syms).type.dtype
        try:
            verify_grad(fun, point, n_tests=1, rng=rng, **_tolerance(out_dtype))
        except Exception as e:
            raise AssertionError(f"{info.name} ({label}): {e}") from e


@pytest.mark.parametrize("info, sample", ROP_CASES)
def test_rop_matches_lop(info, sample):
    from aesara.compile.function import function
    from aesara.gradient import Lop, Rop
    from tests.test_op_db import symbolic_inputs

    point, builders = _float_output_builders(info, sample)
    if not builders:
        pytest.skip(f"{info.name}: no floating-point output for this sample")
    rng = np.random.default_rng(1)
    for label, fun in builders:
        syms, _ = symbolic_inputs(point)
        out = fun(*syms)
        vs = [s.type() for s in syms]
        u = out.type()
        jv = Rop(out, syms, vs, disconnected_outputs="ignore")
        vjp = Lop(out, syms, u, disconnected_inputs="ignore")
        fn = function([*syms, *vs, u], [out, jv, *vjp], on_unused_input="ignore")
        v_vals = [rng.normal(size=p.shape) for p in point]
        # Evaluate once to learn the output's shape, then draw u.
        out_val = np.asarray(
            function(syms, out, on_unused_input="ignore")(*[p.copy() for p in point])
        )
        u_val = rng.normal(size=out_val.shape).astype(out_val.dtype)
        res = fn(*[p.copy() for p in point], *v_vals, u_val)
        jv_val, vjp_vals = np.asarray(res[1]), res[2:]
        assert jv_val.shape == out_val.shape, (
            f"{info.name} ({label}): Rop has shape {jv_val.shape}, output "
            f"{out_val.shape}"
        )
        forward = float(np.sum(u_val * jv_val))
        reverse = float(sum(np.sum(g * v) for g, v in zip(vjp_vals, v_vals)))
        tol = 1e-3 if out_val.dtype in (np.float32, np.float16) else 1e-8
        scale = 1.0 + abs(forward) + abs(reverse)
        assert abs(forward - reverse) <= tol * scale, (
            f"{info.name} ({label}): <u, Rop v> = {forward!r} but "
            f"<Lop u, v> = {reverse!r}"
        )


def test_grad_cases_cover_every_differentiable_entry():
    covered = {p.values[0].name for p in GRAD_CASES}
    differentiable = {n for n, i in ALL_OPS.items() if i.differentiable}
    missing = sorted(differentiable - covered)
    assert not missing, f"differentiable entries without a gradient sample: {missing}"
