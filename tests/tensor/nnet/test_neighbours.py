"""Tests of aesara.tensor.nnet.neighbours (images2neibs / neibs2images)."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

import aesara
import aesara.tensor as at
from aesara.gradient import verify_grad

with warnings.catch_warnings():
    warnings.simplefilter("ignore", DeprecationWarning)
    from aesara.tensor.nnet.neighbours import Images2Neibs, images2neibs, neibs2images


def ref_neibs(x, shape, step, mode):
    """Loop reference following the documented semantics of each mode."""
    c, d = shape
    sx, sy = step
    h, w = x.shape[2:]

    def plan(size, p, s):
        if mode == "wrap_centered":
            return -(-size // s), p // 2
        if mode in ("valid", "ignore_borders"):
            return 1 + (size - p) // s, 0
        if mode == "half":
            return 1 + (size - p % 2) // s, p // 2
        return 1 + (size + p - 2) // s, p - 1

    gr, shr = plan(h, c, sx)
    gc, shc = plan(w, d, sy)
    rows = []
    for n in range(x.shape[0]):
        for ch in range(x.shape[1]):
            for a in range(gr):
                for b in range(gc):
                    patch = []
                    for i in range(c):
                        for j in range(d):
                            r, q = a * sx + i - shr, b * sy + j - shc
                            if mode == "wrap_centered":
                                patch.append(x[n, ch, r % h, q % w])
                            elif 0 <= r < h and 0 <= q < w:
                                patch.append(x[n, ch, r, q])
                            else:
                                patch.append(0.0)
                    rows.append(patch)
    return np.array(rows)


@pytest.mark.parametrize(
    "mode, shape, step, img",
    [
        ("valid", (2, 2), (2, 2), (2, 2, 4, 6)),
        ("valid", (3, 2), (1, 2), (1, 2, 5, 6)),
        ("ignore_borders", (2, 3), (2, 2), (1, 2, 5, 7)),
        ("half", (3, 3), (1, 1), (1, 1, 4, 5)),
        ("full", (2, 3), (1, 1), (1, 2, 3, 4)),
        ("wrap_centered", (3, 3), (2, 1), (1, 2, 5, 4)),
    ],
)
def test_images2neibs_values_shape_and_grad(mode, shape, step, img):
    rng = np.random.default_rng(0)
    xv = rng.normal(size=img)
    x = at.dtensor4()
    out = images2neibs(x, shape, step, mode=mode)
    got, shp = aesara.function([x], [out, out.shape])(xv)
    ref = ref_neibs(xv, shape, step, mode)
    np.testing.assert_allclose(got, ref)
    assert tuple(shp) == ref.shape
    verify_grad(lambda v: images2neibs(v, shape, step, mode=mode), [xv], rng=rng)


@pytest.mark.parametrize("mode", ["valid", "ignore_borders"])
def test_neibs2images_roundtrip(mode):
    rng = np.random.default_rng(1)
    xv = (
        rng.normal(size=(2, 3, 4, 6))
        if mode == "valid"
        else rng.normal(size=(2, 3, 5, 7))
    )
    x = at.dtensor4()
    neibs = images2neibs(x, (2, 3), mode=mode)
    back = neibs2images(neibs, (2, 3), x.shape, mode=mode)
    got = aesara.function([x], back)(xv)
    if mode == "valid":
        np.testing.assert_allclose(got, xv)
    else:
        expected = np.zeros_like(xv)
        expected[:, :, :4, :6] = xv[:, :, :4, :6]
        np.testing.assert_allclose(got, expected)
    verify_grad(
        lambda n: neibs2images(n, (2, 3), (2, 3, 4, 6)),
        [rng.normal(size=(24, 6))],
        rng=rng,
    )


def test_bad_inputs():
    x = at.dtensor4()
    with pytest.raises(NotImplementedError, match="modes"):
        Images2Neibs("same")
    with pytest.raises(TypeError, match="4-d"):
        images2neibs(at.dmatrix(), (2, 2))
    f = aesara.function([x], images2neibs(x, (2, 2)))
    with pytest.raises(TypeError, match="not consistent"):
        f(np.ones((1, 1, 5, 4)))
    g = aesara.function([x], images2neibs(x, (2, 3), mode="wrap_centered"))
    with pytest.raises(TypeError, match="odd"):
        g(np.ones((1, 1, 5, 5)))
    with pytest.raises(NotImplementedError, match="mode"):
        neibs2images(at.dmatrix(), (2, 2), (1, 1, 4, 4), mode="half")
