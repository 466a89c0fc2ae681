"""``aesara.sparse.sandbox.sp``: convolution and max pooling by sparse patch matrices."""

from __future__ import annotations

import numpy as np
import pytest
from scipy.signal import convolve2d

import aesara
from aesara.gradient import verify_grad
from aesara.sparse.sandbox import sp
from aesara.tensor.type import dmatrix, dvector


def _reference_conv(img2d, filters, kshp, conv_mode, ss):
    """``convolve``'s output computed with SciPy: feature maps contiguous, strided."""
    bsize, nkern = img2d.shape[0], filters.shape[0]
    # convolve2d flips the kernel; sp.convolve correlates with the raster-reversed one.
    flipped = filters[:, ::-1].reshape((nkern,) + kshp)
    maps = np.stack(
        [
            np.stack(
                [convolve2d(img2d[b], flipped[n], conv_mode) for n in range(nkern)]
            )
            for b in range(bsize)
        ]
    )
    return maps[:, :, :: ss[1], :: ss[0]].reshape(bsize, -1)


@pytest.mark.parametrize("conv_mode", ["valid", "full"])
@pytest.mark.parametrize("ss", [(1, 1), (2, 2), (3, 1)])
def test_convolution_matches_scipy(conv_mode, ss):
    bsize, imshp, kshp, nkern = 3, (9, 8), (3, 2), 4
    rng = np.random.default_rng(3423489)
    filters = rng.standard_normal((nkern, int(np.prod(kshp))))
    biasvals = rng.standard_normal(nkern)
    kerns, bias, images = dmatrix(), dvector(), dmatrix()
    output, outshp = sp.convolve(
        kerns, kshp, nkern, images, imshp, ss, bias=bias, mode=conv_mode
    )
    f = aesara.function([kerns, bias, images], output)
    img2d = rng.standard_normal((bsize,) + imshp)
    got = f(filters, biasvals, img2d.reshape(bsize, -1))
    ref = _reference_conv(img2d, filters, kshp, conv_mode, ss)
    ref = ref + np.repeat(biasvals, int(np.prod(outshp[1:])))
    assert outshp[0] == nkern
    assert got.shape == ref.shape == (bsize, nkern * int(np.prod(outshp[1:])))
    np.testing.assert_allclose(got, ref, rtol=1e-10, atol=1e-10)


def test_unflattened_output_and_multilayer():
    bsize, imshp = 2, (5, 5)
    kerns = [dmatrix(), dmatrix()]
    images = dmatrix()
    l1, l1shp = sp.convolve(kerns[0], (3, 3), 3, images, imshp, (1, 1), mode="full")
    l2, l2shp = sp.convolve(kerns[1], (2, 2), 6, l1, l1shp, (2, 2), mode="full")
    assert list(l1shp) == [3, 7, 7] and list(l2shp) == [6, 4, 4]
    f = aesara.function([kerns[0], kerns[1], images], l2)
    out = f(np.ones((3, 9)), np.ones((6, 12)), np.ones((bsize, 25)))
    assert out.shape == (bsize, 6 * 16)
    unflat, _ = sp.convolve(kerns[0], (3, 3), 3, images, imshp, flatten=False)
    assert unflat.ndim == 3


@pytest.mark.parametrize("maxpoolshp", [(2, 2), (3, 3), (4, 4)])
def test_max_pool_matches_numpy(maxpoolshp):
    rng = np.random.default_rng(2938)
    imval = rng.random((2, 3, 8, 9))
    images = dmatrix()
    output, outshp = sp.max_pool(images, imval.shape[1:], maxpoolshp)
    got = aesara.function([images], output)(imval.reshape(imval.shape[0], -1))
    ph, pw = maxpoolshp
    oh, ow = imval.shape[2] // ph, imval.shape[3] // pw
    assert tuple(outshp) == (oh, ow)
    windows = imval[:, :, : oh * ph, : ow * pw].reshape(2, 3, oh, ph, ow, pw)
    ref = windows.max(axis=(3, 5)).reshape(2, -1)
    np.testing.assert_array_equal(got, ref)


def test_max_pool_gradient():
    rng = np.random.default_rng(7)
    imval = rng.random((2, 2, 4, 4))

    def mp(x):
        return sp.max_pool(x, imval.shape[1:], (2, 2))[0]

    verify_grad(mp, [imval.reshape(2, -1)], rng=rng)


def test_convolution_indices_structure():
    indices, indptr, shape, fmt, outshp = sp.convolution_indices.conv_eval(
        (2, 3), (2, 2), (1, 1), "valid"
    )
    assert fmt == "csc" and list(outshp) == [1, 2] and shape == (8, 6)
    m = np.zeros(shape)
    for c in range(shape[1]):
        m[indices[indptr[c] : indptr[c + 1]], c] = 1
    # Output pixel 0 reads pixels 0, 1, 3, 4; output pixel 1 reads 1, 2, 4, 5.
    np.testing.assert_array_equal(m[:4].argmax(axis=1), [0, 1, 3, 4])
    np.testing.assert_array_equal(m[4:].argmax(axis=1), [1, 2, 4, 5])
    assert m.sum() == 8


@pytest.mark.parametrize(
    "kwargs, exc, match",
    [
        ({"kshp": (4, 1)}, ValueError, "Invalid kernel"),
        ({"ws": False}, ValueError, "ws is obsolete"),
        ({"mode": "same"}, ValueError, "mode must be"),
        ({"nkern": 2}, NotImplementedError, "one kernel map"),
    ],
)
def test_convolution_indices_errors(kwargs, exc, match):
    args = {"inshp": (3, 3), "kshp": (2, 2)} | kwargs
    with pytest.raises(exc, match=match):
        sp.ConvolutionIndices.evaluate(**args)


def test_convolution_indices_is_not_a_graph_op():
    with pytest.raises(NotImplementedError, match="evaluate"):
        sp.convolution_indices(dmatrix())
