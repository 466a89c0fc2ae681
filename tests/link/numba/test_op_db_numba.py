"""Every op-database entry through the Numba backend against the Python linker.

Both functions use the NUMBA mode's rewrites, so they differ only in how
the nodes run: values, dtypes and shapes must agree. Numba compiles are
slow, so the default run compiles one sample per entry (its first); the
``slow`` sweep compiles one sample per entry and dtype family and also
calls every compiled function with non-contiguous copies of its inputs.

Entries whose first sample does not compile in nopython mode are listed,
with the reason, in :data:`UNSUPPORTED`; they must still give the right
values (through object mode or the Python linker), and an entry that starts
compiling in nopython mode must leave the list. The slow sweep checks
values only (another dtype may send a translated entry to object mode).
"""

from __future__ import annotations

import warnings

import numpy as np
import pytest

pytest.importorskip("numba", reason="the Numba backend needs numba")

from aesara.compile.mode import Mode, get_mode  # noqa: E402
from tests.op_db import default_tolerance  # noqa: E402
from tests.test_op_db import CASES, as_list, compile_sample  # noqa: E402

# Entry name -> why its first sample's graph does not compile in nopython
# mode (yet). Scalar ops computed by SciPy (psi, gammainc, Bessel functions...)
# have no Numba counterpart without numba-scipy; float16 has none in Numba.
UNSUPPORTED: dict[str, str] = {
    "AllocDiag": "AllocDiag{offset=1, axis1=0, axis2=2} of a TensorType(float64, (?, ?))",
    "ProdWithoutZeros": "no translation of the scalar op mul_without_zeros",
    "advanced_inc_subtensor": "no translation of AdvancedIncSubtensor1 yet",
    "advanced_inc_subtensor_ignore_duplicates": "no translation of AdvancedIncSubtensor yet",
    "advanced_set_subtensor": "no translation of AdvancedIncSubtensor1 yet",
    "argsort": "no translation of ArgSortOp yet",
    "argtopk": "no translation of TopKOp yet",
    "batched_dot": "no translation of BatchedDot yet",
    "convolve": "no translation of Convolve yet",
    "batched_tensordot": "no translation of Contraction yet",
    "betainc": "no translation of the scalar op betainc",
    "bincount": "no translation of BinCount yet",
    "bincount_weights": "no translation of BinCount yet",
    "boolean_mask_subtensor": "no translation of AdvancedSubtensor yet",
    "cast_float16": "holds values Numba cannot represent: Elemwise (convert_to_float16) produces a value of type TensorType(float16, (?, ?))",
    "chi2sf": "no translation of the scalar op chi2sf",
    "choose": "no translation of Choose yet",
    "choose_list": "no translation of Choose yet",
    "complex": "no translation of the scalar op complex",
    "complex_from_polar": "no translation of the scalar op complex_from_polar",
    "compress": "no translation of TakeAlongAxis yet",
    "constant_mask_subtensor": "no translation of AdvancedSubtensor yet",
    "default": "no translation of Default yet",
    "erfcinv": "no translation of the scalar op erfcinv",
    "erfcx": "no translation of the scalar op erfcx",
    "erfinv": "no translation of the scalar op erfinv",
    "fill_diagonal_offset": "no translation of FillDiagonalOffset yet",
    "fourier_fft": "no translation of Fourier yet",
    "fourier_fft_symbolic_n": "no translation of Fourier yet",
    "gammainc": "no translation of the scalar op gammainc",
    "gammaincc": "no translation of the scalar op gammaincc",
    "gammal": "no translation of the scalar op gammal",
    "gammau": "no translation of the scalar op gammau",
    "hyp2f1": "no translation of the scalar op hyp2f1",
    "i0": "no translation of the scalar op i0",
    "i1": "no translation of the scalar op i1",
    "inverse_permutation": "no translation of PermuteRowElements yet",
    "irfft": "no translation of IRFFTOp yet",
    "iv": "no translation of the scalar op iv",
    "j0": "no translation of the scalar op j0",
    "j1": "no translation of the scalar op j1",
    "jv": "no translation of the scalar op jv",
    "nlinalg.eig": "no translation of Eig yet",
    "nlinalg.lstsq": "no translation of Lstsq yet",
    "nlinalg.lstsq-solution": "no translation of Lstsq yet",
    "nlinalg.qr": "no translation of QRFull yet",
    "nlinalg.tensorinv": "no translation of TensorInv yet",
    "nlinalg.tensorsolve": "no translation of TensorSolve yet",
    "nonzero_values": "no translation of TakeAlongAxis yet",
    "owens_t": "no translation of the scalar op owens_t",
    "permute_row_elements": "no translation of PermuteRowElements yet",
    "polygamma": "no translation of the scalar op polygamma",
    "psi": "no translation of the scalar op psi",
    "ravel_multi_index": "no translation of RavelMultiIndex yet",
    "repeat": "no translation of RepeatOp yet",
    "repeat_symbolic": "no translation of RepeatOp yet",
    "rfft": "no translation of RFFTOp yet",
    "scan_mit_sot": "no translation of Scan yet",
    "scan_reduce": "no translation of Scan yet",
    "scan_rnn": "no translation of Scan yet",
    "scan_while": "no translation of Scan yet",
    "slinalg.ExpmGrad": "no translation of ExpmGrad yet",
    "slinalg.cho_solve": "no translation of CholeskySolve yet",
    "slinalg.eigvalsh": "no translation of Eigvalsh yet",
    "slinalg.eigvalsh_generalized": "no translation of Eigvalsh yet",
    "slinalg.expm": "no translation of Expm yet",
    "slinalg.solve_continuous_lyapunov": "no translation of SolveContinuousLyapunov yet",
    "slinalg.solve_discrete_lyapunov": "no translation of SolveDiscreteLyapunov yet",
    "slinalg.solve_lower_triangular": "no translation of SolveTriangular yet",
    "slinalg.solve_pos_of_gram": "Solve{assume_a='pos', lower=False, check_finite=True} in float64",
    "slinalg.solve_symmetric": "Solve{assume_a='sym', lower=False, check_finite=True} in float64",
    "slinalg.solve_triangular": "no translation of SolveTriangular yet",
    "slinalg.solve_upper_triangular": "no translation of SolveTriangular yet",
    "take_along_axis": "no translation of TakeAlongAxis yet",
    "tensordot": "no translation of Contraction yet",
    "topk": "no translation of TopKOp yet",
    "topk_and_argtopk": "no translation of TopKOp yet",
    "tri_gamma": "no translation of the scalar op tri_gamma",
    "unique": "no translation of Unique yet",
    "unravel_index": "no translation of UnravelIndex yet",
}


def _kinds(sample) -> tuple:
    return tuple(np.asarray(a).dtype.kind for a in sample.args)


def _select(per_family: bool) -> list:
    seen = set()
    out = []
    for p in CASES:
        info, sample = p.values
        key = (info.name, _kinds(sample)) if per_family else info.name
        if key in seen:
            continue
        seen.add(key)
        out.append(p)
    return out


FIRST_CASES = _select(per_family=False)
FIRST_IDS = {p.id for p in FIRST_CASES}
FAMILY_CASES = [p for p in _select(per_family=True) if p.id not in FIRST_IDS]


def _noncontiguous(v: np.ndarray) -> np.ndarray:
    """A strided copy of ``v`` (every other element of a twice-as-long array)."""
    if v.ndim == 0 or v.size == 0:
        return v
    big = np.zeros(v.shape[:-1] + (2 * v.shape[-1],), dtype=v.dtype)
    view = big[..., ::2]
    view[...] = v
    return view


# Functions built by this process, shared by the tests of this module.
_BUILT: dict[tuple, tuple] = {}


def _compiled(info, sample):
    key = (info.name, id(sample))
    if key not in _BUILT:
        _BUILT[key] = _build(info, sample)
    return _BUILT[key]


def _build(info, sample):
    mode = get_mode("NUMBA")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        _, values, _, fn = compile_sample(info, sample, mode=mode)
    numba_warnings = [
        str(w.message) for w in caught if "Numba backend" in str(w.message)
    ]
    return values, fn, numba_warnings


def _reference(info, sample):
    # Same rewrites as NUMBA, run by the Python linker.
    numba_mode = get_mode("NUMBA")
    py_mode = Mode("py", numba_mode.provided_optimizer)
    _, values, _, fn = compile_sample(info, sample, mode=py_mode)
    return fn


def _check(info, got, expected):
    assert len(got) == len(expected)
    for k, (r, e) in enumerate(zip(got, expected)):
        r, e = np.asarray(r), np.asarray(e)
        assert r.shape == e.shape, f"{info.name} output {k}: {r.shape} vs {e.shape}"
        assert r.dtype == e.dtype, f"{info.name} output {k}: {r.dtype} vs {e.dtype}"
        rtol, atol = default_tolerance(r.dtype)
        rtol = max(rtol, info.rtol or 0)
        atol = max(atol, info.atol or 0)
        if r.dtype.kind in "biuU?O":
            np.testing.assert_array_equal(r, e)
        else:
            np.testing.assert_allclose(r, e, rtol=rtol, atol=atol, equal_nan=True)


def _run(info, sample, noncontiguous: bool, check_nopython: bool = True) -> None:
    values, fn, numba_warnings = _compiled(info, sample)
    ref = _reference(info, sample)
    expected = as_list(ref(*[v.copy() for v in values]))
    got = as_list(fn(*[v.copy() for v in values]))
    _check(info, got, expected)
    # A second call: nothing may depend on state left by the first.
    _check(info, as_list(fn(*[v.copy() for v in values])), expected)
    if noncontiguous:
        strided = [_noncontiguous(v.copy()) for v in values]
        _check(info, as_list(fn(*strided)), expected)
    if not check_nopython:
        return
    nopython = bool(getattr(fn.maker.linker, "nopython", False))
    if info.name in UNSUPPORTED:
        assert not nopython, (
            f"{info.name} now compiles in nopython mode: remove it from UNSUPPORTED"
        )
    else:
        assert nopython, (
            f"{info.name} did not compile in nopython mode: {numba_warnings}"
        )


@pytest.mark.parametrize("info, sample", FIRST_CASES)
def test_numba_matches_python_linker(info, sample):
    _run(info, sample, noncontiguous=False)


@pytest.mark.slow
@pytest.mark.parametrize("info, sample", FAMILY_CASES + FIRST_CASES)
def test_numba_matches_python_linker_every_dtype_family_noncontiguous(info, sample):
    # Values only: another dtype may take an entry to object mode (which
    # must still be right); UNSUPPORTED is about each entry's first sample.
    _run(info, sample, noncontiguous=True, check_nopython=False)


def test_count_of_entries_compiling_in_nopython_mode():
    """How many op-db entries translate to nopython code (first sample each).

    Building the functions decides which nodes have a translation (Numba
    itself compiles on the first call, which the tests above make).
    """
    nopython, fallback = set(), set()
    for p in FIRST_CASES:
        info, sample = p.values
        _, fn, _ = _compiled(info, sample)
        (nopython if fn.maker.linker.nopython else fallback).add(info.name)
    print(
        f"\n{len(nopython)} of {len(FIRST_CASES)} op-db entries compile in nopython mode"
    )
    assert fallback == set(UNSUPPORTED), (
        f"not in UNSUPPORTED: {sorted(fallback - set(UNSUPPORTED))}; "
        f"listed but compiled: {sorted(set(UNSUPPORTED) - fallback)}"
    )
    assert len(nopython) >= NOPYTHON_FLOOR


# Raised as entries gain translations; never lowered.
NOPYTHON_FLOOR = 236
