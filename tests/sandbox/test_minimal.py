"""`Minimal`: the template op runs and returns 0."""

import numpy as np

import aesara
import aesara.tensor as at
from aesara.sandbox.minimal import Minimal, minimal


def test_minimal(capsys):
    A, b = at.dmatrix(), at.dvector()
    out = minimal(A, A, b, b, A)
    assert out.dtype == "int64" and out.ndim == 0
    f = aesara.function([A, b], out)
    assert f(np.array([[1.0, 7.0]]), np.zeros(2)) == 0
    printed = capsys.readouterr().out
    assert "perform got 5 arguments" in printed and "7.0" in printed
    assert Minimal() == minimal
