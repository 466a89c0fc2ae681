"""DebugMode passes on the op database.

Every entry of ``tests/op_db`` compiled in DebugMode must compute its
reference value with every check passing: Python against C, valid and
unchanged values, declared views and in-place work, sound and deterministic
rewrites. By default a representative subset runs (a few entries of every
family, their first sample, with pre-allocated output checks); the whole
database, every sample, runs under the ``slow`` mark.
"""

from __future__ import annotations

import zlib

import numpy as np
import pytest

from aesara.compile.debugmode import DebugMode
from tests.op_db import ALL_OPS, load_all
from tests.test_op_db import as_list, assert_matches_reference, compile_sample

load_all()

# Entries whose DebugMode run alone takes several seconds (their graphs hold
# inner functions compiled once per node evaluation); covered by the slow run.
_HEAVY = {"scan_map_taps", "std-ddof0", "std-ddof1", "var-ddof0", "var-ddof1"}
_PER_FAMILY = 3


def _rng(name: str) -> np.random.Generator:
    return np.random.default_rng(zlib.crc32(name.encode()))


def _subset():
    by_family: dict[str, list[str]] = {}
    for name in sorted(ALL_OPS):
        if name in _HEAVY:
            continue
        by_family.setdefault(ALL_OPS[name].family, []).append(name)
    cases = []
    for family in sorted(by_family):
        names = by_family[family]
        # Spread over the family rather than its alphabetical start.
        step = max(len(names) // _PER_FAMILY, 1)
        for name in names[::step][:_PER_FAMILY]:
            info = ALL_OPS[name]
            samples = info.samples(_rng(name))
            if samples:
                sample = samples[0]
                cases.append(
                    pytest.param(info, sample, id=f"{name}-{sample.name or 0}")
                )
    return cases


def _everything():
    cases = []
    for name in sorted(ALL_OPS):
        info = ALL_OPS[name]
        for i, sample in enumerate(info.samples(_rng(name))):
            cases.append(
                pytest.param(
                    info,
                    sample,
                    id=f"{name}-{sample.name or i}",
                    marks=pytest.mark.slow,
                )
            )
    return cases


def _check(info, sample, mode):
    syms, values, outs, fn = compile_sample(info, sample, mode=mode)
    results = as_list(fn(*[v.copy() for v in values]))
    expected = as_list(info.ref(*[v.copy() for v in values], **sample.kwargs))
    assert_matches_reference(info, sample, results, expected)


# Extreme sample values (inf, nan) are legitimate inputs here.
SUBSET_MODE = DebugMode(
    stability_patience=2,
    check_isfinite=False,
    check_preallocated_output="previous:f_contiguous:wrong_size",
)
FULL_MODE = DebugMode(
    stability_patience=3, check_isfinite=False, check_preallocated_output="ALL"
)


@pytest.mark.parametrize("info, sample", _subset())
def test_debugmode_passes_on_op_db_subset(info, sample):
    _check(info, sample, SUBSET_MODE)


@pytest.mark.parametrize("info, sample", _everything())
def test_debugmode_passes_on_whole_op_db(info, sample):
    _check(info, sample, FULL_MODE)


def test_subset_covers_every_family():
    families = {p.values[0].family for p in _subset()}
    assert families == {info.family for info in ALL_OPS.values()}
