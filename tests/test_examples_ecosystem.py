"""The ecosystem examples (AePPL, AeHMC) run and give the right answers.

They need ``aeppl`` and ``aehmc``; without them the tests are skipped.
"""

from __future__ import annotations

import pathlib
import runpy

import numpy as np
import pytest

ROOT = pathlib.Path(__file__).resolve().parent.parent


def _example(name: str) -> dict:
    return runpy.run_path(str(ROOT / "examples" / name), run_name="example")


def test_aeppl_hierarchical_logp_matches_scipy(capsys):
    pytest.importorskip(
        "aeppl", reason="needs aeppl (pip install --no-deps aeppl==0.1.5)"
    )
    worst = _example("aeppl_hierarchical.py")["main"]()
    # AePPL writes some of its constants at single precision (Aesara 2.9
    # gives the same 3e-8 here).
    assert worst < 1e-6
    assert "largest difference" in capsys.readouterr().out


def test_aehmc_nuts_samples_a_standard_normal():
    pytest.importorskip(
        "aeppl", reason="needs aeppl (pip install --no-deps aeppl==0.1.5)"
    )
    pytest.importorskip(
        "aehmc", reason="needs aehmc (pip install --no-deps aehmc==0.0.11)"
    )
    mean, var = _example("aehmc_nuts.py")["main"]()
    # 1,500 draws of a 5-d standard normal (Aesara 2.9 gives the same chain).
    np.testing.assert_array_less(np.abs(mean), 0.2)
    np.testing.assert_array_less(np.abs(var - 1.0), 0.3)
