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
    "cast_float16": (
        "deliberately: Numba has no float16 type (the cast to float16 produces a "
        "value nopython code cannot hold); runs in object mode with the warning"
    ),
    "fourier_fft": (
        "deliberately: Numba has no FFT and NumPy's/SciPy's pocketfft exports no C API; runs in object mode with the warning"
    ),
    "fourier_fft_symbolic_n": (
        "deliberately: Numba has no FFT and NumPy's/SciPy's pocketfft exports no C API; runs in object mode with the warning"
    ),
    "irfft": (
        "deliberately: Numba has no FFT and NumPy's/SciPy's pocketfft exports no C API; runs in object mode with the warning"
    ),
    "rfft": (
        "deliberately: Numba has no FFT and NumPy's/SciPy's pocketfft exports no C API; runs in object mode with the warning"
    ),
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
NOPYTHON_FLOOR = 311
