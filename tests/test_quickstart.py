"""The snippet from DEVELOPERS.md and the quick-start example run unchanged."""

import pathlib
import runpy

import numpy as np

ROOT = pathlib.Path(__file__).resolve().parent.parent


def test_developers_guide_snippet():
    import aesara
    from aesara import tensor as at

    a = at.dscalar()
    b = at.dscalar()
    f = aesara.function([a, b], a + b)
    assert 4.0 == f(1.5, 2.5)
    result = f(1.5, 2.5)
    assert isinstance(result, np.ndarray) and result.dtype == np.float64


def test_quickstart_example_runs(capsys):
    runpy.run_path(str(ROOT / "examples" / "quickstart.py"), run_name="__main__")
    out = capsys.readouterr().out
    assert "f(1.5, 2.5) = 4.0" in out
    assert "calls: 3" in out
    # The compiled graph is printed with debugprint's node ids.
    assert "[id A]" in out
